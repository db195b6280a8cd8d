//! 12-bit pixel decoding against the IJG library's 12-bit build, as DCMTK ships it
//! (`img2dcm` wraps the JPEG file in DICOM, `dcmdjpeg` decodes it with libijg12, and
//! `dcmdump +W` writes the samples out): libjpeg-turbo-progs 2.1.5 is 8-bit only.
//! The islow inverse DCT, fancy upsampling and colour conversion of that library are
//! the ones libjpeg-turbo's 12-bit djpeg runs.

mod common;

use common::{corpus_dir, manifest, testdata_dir, tool};
use jtool::pipeline::pixels::{decode_file_rows, DecodeOptions};
use jtool::pipeline::{copy, CopyOptions, RestartSpec};
use jtool::pixels::PixelShape;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The samples (host order) DCMTK decodes from `jpeg`: RGB when `rgb`, otherwise the
/// components as they are after upsampling (Y, Cb, Cr); `None` if a tool refused.
fn dcmtk_decode(jpeg: &[u8], rgb: bool) -> Option<Vec<u16>> {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    std::fs::write(p("in.jpg"), jpeg).unwrap();
    let run = |cmd: &mut Command| cmd.output().is_ok_and(|o| o.status.success());
    let conv = if rgb { "+ca" } else { "+cn" };
    let ok = run(Command::new("img2dcm").arg(p("in.jpg")).arg(p("a.dcm")))
        && run(Command::new("dcmdjpeg")
            .arg(conv)
            .arg(p("a.dcm"))
            .arg(p("b.dcm")))
        && run(Command::new("dcmdump")
            .arg("+W")
            .arg(dir.path())
            .arg(p("b.dcm")));
    if !ok {
        return None;
    }
    let raw = std::fs::read(p("b.dcm.0.raw")).ok()?;
    Some(
        raw.chunks_exact(2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect(),
    )
}

/// jtool's decode of `jpeg` (gray output when `gray`): its shape and samples.
fn jtool_decode(name: &str, jpeg: &[u8], gray: bool) -> (PixelShape, Vec<u16>) {
    let mut opts = DecodeOptions::default();
    opts.pixels.gray = gray;
    let mut shape = None;
    let mut bytes = Vec::new();
    decode_file_rows(
        jpeg,
        &opts,
        &mut |s| {
            shape = Some(s);
            Ok(())
        },
        &mut |rows| {
            bytes.extend_from_slice(rows);
            Ok(())
        },
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    let samples = bytes
        .chunks_exact(2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .collect();
    (shape.unwrap(), samples)
}

/// The 12-bit files: the corpus's and testdata's, and copies of them made
/// progressive and with restart markers.
fn files() -> Vec<(String, Vec<u8>)> {
    let mut paths: Vec<PathBuf> = Vec::new();
    if let Some(c) = corpus_dir() {
        let m = manifest(&c);
        let mut rows: Vec<_> = (m.values())
            .filter(|r| r["category"] == "valid" && r["precision"] == "12")
            .collect();
        rows.sort_by(|a, b| a["file"].cmp(&b["file"]));
        paths.extend(rows.iter().map(|r| c.join(&r["file"])));
    }
    paths.extend(twelve_bit_testdata());
    let mut out = Vec::new();
    for path in paths {
        let data = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        for (label, opts) in [
            (
                "progressive",
                CopyOptions {
                    mode: Some(jtool::entropy::CodingMode::Progressive),
                    ..CopyOptions::default()
                },
            ),
            (
                "restart",
                CopyOptions {
                    restart: RestartSpec::Mcus(2),
                    ..CopyOptions::default()
                },
            ),
        ] {
            if let Ok(o) = copy(&data, &opts) {
                out.push((format!("{name} ({label})"), o.bytes));
            }
        }
        out.push((name, data));
    }
    out
}

/// testdata's 12-bit files (`p12/p12_*.jpg`, made by jtool's 12-bit encoder).
fn twelve_bit_testdata() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(testdata_dir().join("p12"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| is_twelve_bit_name(p))
        .collect();
    v.sort();
    v
}

fn is_twelve_bit_name(p: &Path) -> bool {
    let n = p.file_name().unwrap().to_string_lossy();
    n.starts_with("p12_") && n.ends_with(".jpg")
}

#[test]
fn twelve_bit_decode_matches_ijg() {
    if tool("dcmdjpeg").is_none() || tool("img2dcm").is_none() {
        return;
    }
    let (mut same, mut total) = (0, 0);
    let mut failures = Vec::new();
    for (name, data) in files() {
        let (shape, mine) = jtool_decode(&name, &data, false);
        assert_eq!(shape.maxval, 4095);
        let Some(theirs) = dcmtk_decode(&data, shape.channels == 3) else {
            failures.push(format!("{name}: DCMTK could not decode it"));
            continue;
        };
        total += 1;
        if mine == theirs {
            same += 1;
        } else {
            let at = mine.iter().zip(&theirs).position(|(a, b)| a != b);
            failures.push(format!(
                "{name}: {} vs {} samples, first difference at {at:?}",
                mine.len(),
                theirs.len()
            ));
        }
        // Gray output is the decoded luminance.
        if shape.channels == 3 {
            let (_, gray) = jtool_decode(&name, &data, true);
            let ycc = dcmtk_decode(&data, false).unwrap();
            let y: Vec<u16> = ycc.iter().step_by(3).copied().collect();
            if gray != y {
                failures.push(format!("{name}: gray output differs from the luminance"));
            }
        }
    }
    println!("12-bit decode: {same} of {total} files identical to the IJG 12-bit library's");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(total >= 3);
}

/// `dcmcjpeg` (the IJG library's 12-bit encoder) of the decoded samples of `jpeg` at
/// `quality` with `sampling` (`+s4`, `+s2`; gray files are gray whatever it is): the
/// JPEG file it wraps in DICOM.
fn dcmtk_encode(jpeg: &[u8], quality: u8, sampling: &str) -> Option<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    std::fs::write(p("in.jpg"), jpeg).unwrap();
    let run = |cmd: &mut Command| cmd.output().is_ok_and(|o| o.status.success());
    let q = quality.to_string();
    let ok = run(Command::new("img2dcm").arg(p("in.jpg")).arg(p("a.dcm")))
        && run(Command::new("dcmdjpeg")
            .arg("+ca")
            .arg(p("a.dcm"))
            .arg(p("b.dcm")))
        // `+sr`: a gray image's samples as they are (by default DCMTK moves its
        // smallest sample to 0 first).
        && run(Command::new("dcmcjpeg")
            .args(["+ee", "+bt", "+sr", "+q", &q, sampling])
            .arg(p("b.dcm"))
            .arg(p("c.dcm")))
        && run(Command::new("dcmdump")
            .arg("+W")
            .arg(dir.path())
            .arg(p("c.dcm")));
    // Fragment 0 is the (empty) offset table, 1 the JPEG file.
    ok.then(|| std::fs::read(p("c.dcm.1.raw")).ok()).flatten()
}

/// The samples jtool decodes from `jpeg`, as a 16-bit PNM file.
fn as_pnm(name: &str, jpeg: &[u8]) -> Vec<u8> {
    let (shape, samples) = jtool_decode(name, jpeg, false);
    let kind = if shape.channels == 3 { "P6" } else { "P5" };
    let mut out = format!("{kind}\n{} {}\n4095\n", shape.width, shape.height).into_bytes();
    out.extend(samples.iter().flat_map(|v| v.to_be_bytes()));
    out
}

#[test]
fn twelve_bit_encode_matches_ijg() {
    use jtool::entropy::{decode, Limits};
    use jtool::pipeline::{encode_image_file_wide, PixelEncodeOptions};
    use jtool::pixels::Sampling;
    if tool("dcmcjpeg").is_none() || tool("img2dcm").is_none() {
        return;
    }
    let coefficients = |bytes: &[u8]| {
        let f = jtool::container::JpegFile::parse(bytes).unwrap();
        decode(&f, &Limits::default()).unwrap().image
    };
    let (mut same, mut total) = (0, 0);
    let mut failures = Vec::new();
    // The decoded samples of the 12-bit files (tested equal to the IJG library's above).
    let sources: Vec<(String, Vec<u8>)> = files()
        .into_iter()
        .filter(|(n, _)| !n.contains('('))
        .collect();
    for (name, data) in &sources {
        let pnm = as_pnm(name, data);
        for (q, sampling, flag) in [
            (90, Sampling::S444, "+s4"),
            (75, Sampling::S422, "+s2"),
            (20, Sampling::S422, "+s2"),
        ] {
            let Some(theirs) = dcmtk_encode(data, q, flag) else {
                failures.push(format!("{name}: dcmcjpeg failed"));
                continue;
            };
            let mut opts = PixelEncodeOptions::default();
            opts.params.quality = q;
            opts.params.sampling = sampling;
            let mine = encode_image_file_wide(&pnm, &opts).unwrap();
            total += 1;
            let (a, b) = (coefficients(&mine), coefficients(&theirs));
            if a.precision == 12 && a.components == b.components {
                same += 1;
            } else {
                failures.push(format!("{name} q{q} {flag}: coefficients differ"));
            }
        }
    }
    println!(
        "12-bit encode: {same} of {total} coefficient images identical to the IJG 12-bit library's"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A lossless file with a second frame header after its scan (a fuzz mutant: the
/// second SOF3 has one component where the first has three) is refused at that
/// header by every reader of the samples, as the DCT decoder refuses one; the
/// streamed decode had promised three channels and then indexed a fourth.
#[test]
fn a_second_lossless_frame_is_refused() {
    let d = std::fs::read(testdata_dir().join("lossless/ll_rgb_sv4_67x45.jpg")).unwrap();
    let sof = d.windows(2).position(|w| w == [0xFF, 0xC3]).unwrap();
    let gray_sof = [0xFF, 0xC3, 0, 11, 8, 0, 45, 0, 67, 1, 0, 0x11, 0];
    let mut bad = d[..d.len() - 2].to_vec();
    let at = bad.len();
    bad.extend_from_slice(&gray_sof);
    bad.extend_from_slice(&[0xFF, 0xD9]);
    assert!(sof < at);
    let opts = DecodeOptions::default();
    let decoded = decode_file_rows(&bad, &opts, &mut |_| Ok(()), &mut |_| Ok(()));
    let msg = decoded.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains("second frame header"), "decode: {msg}");
    assert!(msg.contains(&format!("byte {at}")), "decode: {msg}");
    let v = jtool::pipeline::verify(&bad);
    assert_eq!(v.status, jtool::pipeline::Status::Error);
    assert!(copy(&bad, &CopyOptions::default()).is_err());
    // The file without the second header still decodes.
    assert!(decode_file_rows(&d, &opts, &mut |_| Ok(()), &mut |_| Ok(())).is_ok());
}

/// Lossless (SOF3) files that DCMTK's IJG lossless codec writes (`dcmcjpeg +el`) from
/// known samples, with every predictor 1-7 and point transforms 0 and 2, decode to
/// exactly those samples (shifted by the point transform), at 8 and 12 bits, gray and
/// RGB; so does the corpus's 16-bit file against its reference PNG (tests/corpus.rs).
#[test]
fn lossless_decode_gives_the_samples() {
    use jtool::container::JpegFile;
    use jtool::entropy::lossless::decode_lossless;
    if tool("dcmcjpeg").is_none() || tool("img2dcm").is_none() {
        return;
    }
    let run = |cmd: &mut Command| cmd.output().is_ok_and(|o| o.status.success());
    let mut sources = vec![testdata_dir().join("baseline_420_q85_67x45.jpg")];
    sources.extend(twelve_bit_testdata());
    let (mut same, mut total) = (0, 0);
    let mut failures = Vec::new();
    for src in &sources {
        let dir = tempfile::tempdir().unwrap();
        let p = |n: &str| dir.path().join(n);
        // The samples: the DCT file decoded by DCMTK, as uncompressed DICOM.
        assert!(run(Command::new("img2dcm").arg(src).arg(p("a.dcm"))));
        assert!(run(Command::new("dcmdjpeg")
            .arg(p("a.dcm"))
            .arg(p("u.dcm"))));
        assert!(run(Command::new("dcmdump")
            .arg("+W")
            .arg(dir.path())
            .arg(p("u.dcm"))));
        let raw = std::fs::read(p("u.dcm.0.raw")).unwrap();
        for sv in 1..=7 {
            for pt in [0u32, 2] {
                let (svs, pts) = (sv.to_string(), pt.to_string());
                // dcmdump +W does not overwrite the files of the run before.
                for f in ["l.dcm.0.raw", "l.dcm.1.raw"] {
                    let _ = std::fs::remove_file(p(f));
                }
                let ok = run(Command::new("dcmcjpeg")
                    .args(["+el", "+sv", &svs, "+pt", &pts])
                    .arg(p("u.dcm"))
                    .arg(p("l.dcm")))
                    && run(Command::new("dcmdump")
                        .arg("+W")
                        .arg(dir.path())
                        .arg(p("l.dcm")));
                assert!(ok, "dcmcjpeg +el on {}", src.display());
                let jpeg = std::fs::read(p("l.dcm.1.raw")).unwrap();
                let file = JpegFile::parse(&jpeg).unwrap();
                let (img, warnings) = decode_lossless(&file, &Default::default()).unwrap();
                assert!(warnings.is_empty(), "{warnings:?}");
                // Interleaved samples as DICOM stores them (8-bit: a byte; else 2, LE).
                let n = img.components.len();
                let wide = img.precision > 8;
                let mut got = Vec::new();
                for y in 0..img.height as usize {
                    for x in 0..img.width as usize {
                        for c in &img.components {
                            let v = c.samples[y * c.stride + x];
                            match wide {
                                true => got.extend_from_slice(&v.to_le_bytes()),
                                false => got.push(v as u8),
                            }
                        }
                    }
                }
                let want: Vec<u8> = match wide {
                    true => raw[..got.len()]
                        .chunks_exact(2)
                        .flat_map(|b| {
                            ((u16::from_le_bytes([b[0], b[1]]) >> pt) << pt).to_le_bytes()
                        })
                        .collect(),
                    false => raw[..got.len()].iter().map(|&b| (b >> pt) << pt).collect(),
                };
                total += 1;
                match got == want {
                    true => same += 1,
                    false => {
                        let at = got.iter().zip(&want).position(|(a, b)| a != b);
                        let at = at.unwrap_or(0);
                        failures.push(format!(
                            "{} ({n} components, {} bits) predictor {sv} Pt {pt}: samples differ from byte {at}",
                            src.display(),
                            img.precision,
                        ))
                    }
                }
            }
        }
    }
    println!("lossless decode: {same} of {total} DCMTK-coded files give their samples");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `jpeg` (a lossless file of `channels` components of `bits` bits) wrapped as a DICOM
/// file (JPEG Lossless, Process 14), the form DCMTK reads: `img2dcm` takes no SOF3.
fn dicom_wrap(jpeg: &[u8], (w, h): (u16, u16), channels: u16, bits: u16) -> Vec<u8> {
    fn el(out: &mut Vec<u8>, (g, e): (u16, u16), vr: &[u8; 2], val: &[u8]) {
        let mut v = val.to_vec();
        if v.len() % 2 == 1 {
            v.push(if vr == b"UI" || vr == b"OB" { 0 } else { b' ' });
        }
        out.extend_from_slice(&g.to_le_bytes());
        out.extend_from_slice(&e.to_le_bytes());
        out.extend_from_slice(vr);
        if vr == b"OB" || vr == b"UN" {
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(&(v.len() as u32).to_le_bytes());
        } else {
            out.extend_from_slice(&(v.len() as u16).to_le_bytes());
        }
        out.extend_from_slice(&v);
    }
    let us = |v: u16| v.to_le_bytes().to_vec();
    let (class, inst) = (
        b"1.2.840.10008.5.1.4.1.1.7".as_slice(),
        b"1.2.3.4.5".as_slice(),
    );
    let mut meta = Vec::new();
    el(&mut meta, (2, 1), b"OB", &[0, 1]);
    el(&mut meta, (2, 2), b"UI", class);
    el(&mut meta, (2, 3), b"UI", inst);
    el(&mut meta, (2, 0x10), b"UI", b"1.2.840.10008.1.2.4.57");
    el(&mut meta, (2, 0x12), b"UI", b"1.2.3.4");
    let mut out = vec![0u8; 128];
    out.extend_from_slice(b"DICM");
    el(&mut out, (2, 0), b"UL", &(meta.len() as u32).to_le_bytes());
    out.extend_from_slice(&meta);
    el(&mut out, (8, 0x16), b"UI", class);
    el(&mut out, (8, 0x18), b"UI", inst);
    el(&mut out, (0x28, 2), b"US", &us(channels));
    let photometric: &[u8] = if channels == 3 {
        b"RGB"
    } else {
        b"MONOCHROME2"
    };
    el(&mut out, (0x28, 4), b"CS", photometric);
    if channels == 3 {
        el(&mut out, (0x28, 6), b"US", &us(0));
    }
    el(&mut out, (0x28, 0x10), b"US", &us(h));
    el(&mut out, (0x28, 0x11), b"US", &us(w));
    el(
        &mut out,
        (0x28, 0x100),
        b"US",
        &us(if bits > 8 { 16 } else { 8 }),
    );
    el(&mut out, (0x28, 0x101), b"US", &us(bits));
    el(&mut out, (0x28, 0x102), b"US", &us(bits - 1));
    el(&mut out, (0x28, 0x103), b"US", &us(0));
    // Encapsulated pixel data: an empty offset table, the file, the end.
    out.extend_from_slice(&[
        0xE0, 0x7F, 0x10, 0x00, b'O', b'B', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF,
    ]);
    let item = |out: &mut Vec<u8>, data: &[u8]| {
        out.extend_from_slice(&[0xFE, 0xFF, 0x00, 0xE0]);
        let padded = data.len() + data.len() % 2;
        out.extend_from_slice(&(padded as u32).to_le_bytes());
        out.extend_from_slice(data);
        if data.len() % 2 == 1 {
            out.push(0);
        }
    };
    item(&mut out, &[]);
    item(&mut out, jpeg);
    out.extend_from_slice(&[0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]);
    out
}

/// `encode --lossless`: every predictor, point transforms 0 and 3, 8-, 12- and 16-bit
/// samples, RGB and gray, with and without restart markers: jtool decodes the file to
/// the samples it was given (less the point transform's bits), and so does DCMTK's IJG
/// lossless codec.
#[test]
fn lossless_encode_round_trips_and_dcmtk_reads_it() {
    use jtool::entropy::lossless::decode_lossless;
    use jtool::pipeline::{encode_image_file_lossless, PixelEncodeOptions};
    use jtool::pixels::image_io::read_samples;
    let dcmtk = tool("dcmdjpeg").is_some();
    let ppm = std::fs::read(testdata_dir().join("src_67x45.ppm")).unwrap();
    let run = |cmd: &mut Command| cmd.output().is_ok_and(|o| o.status.success());
    let (mut ours, mut theirs) = (0, 0);
    for bits in [8u8, 12, 16] {
        let src = read_samples(&ppm, bits).unwrap();
        for (sv, pt, gray, restart) in (1..=7u8)
            .flat_map(|sv| [(sv, 0, false, 0), (sv, 3, sv % 2 == 0, 0)])
            .chain([(1, 0, false, 134), (6, 1, true, 67)])
        {
            let mut opts = PixelEncodeOptions::default();
            opts.params.grayscale = gray;
            opts.restart_interval = restart;
            let jpeg = encode_image_file_lossless(&ppm, &opts, bits, (sv, pt)).unwrap();
            let file = jtool::container::JpegFile::parse(&jpeg).unwrap();
            let (img, warnings) = decode_lossless(&file, &Default::default()).unwrap();
            assert!(warnings.is_empty(), "{warnings:?}");
            let n = img.components.len();
            let got: Vec<u16> = (0..67 * 45)
                .flat_map(|i| img.components.iter().map(move |c| c.samples[i]))
                .collect();
            let want: Vec<u16> = match gray {
                false => src.data.iter().map(|&v| (v >> pt) << pt).collect(),
                // The luma of each pixel, from the rescaled samples.
                true => src
                    .data
                    .chunks_exact(3)
                    .map(|p| {
                        let [r, g, b] = [p[0], p[1], p[2]].map(i64::from);
                        let y = ((19595 * r + 38470 * g + 7471 * b + 32768) >> 16) as u16;
                        (y >> pt) << pt
                    })
                    .collect(),
            };
            let label = format!("{bits}-bit predictor {sv} Pt {pt} gray {gray} restart {restart}");
            assert!(got == want, "{label}: jtool's decode differs");
            ours += 1;
            if !dcmtk {
                continue;
            }
            let dir = tempfile::tempdir().unwrap();
            let p = |f: &str| dir.path().join(f);
            let dcm = dicom_wrap(&jpeg, (67, 45), n as u16, u16::from(bits));
            std::fs::write(p("l.dcm"), dcm).unwrap();
            let out = Command::new("dcmdjpeg")
                .arg(p("l.dcm"))
                .arg(p("u.dcm"))
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{label}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(run(Command::new("dcmdump")
                .arg("+W")
                .arg(dir.path())
                .arg(p("u.dcm"))));
            let raw = std::fs::read(p("u.dcm.0.raw")).unwrap();
            let dec: Vec<u16> = match bits > 8 {
                true => raw
                    .chunks_exact(2)
                    .map(|b| u16::from_le_bytes([b[0], b[1]]))
                    .collect(),
                false => raw.iter().map(|&b| u16::from(b)).collect(),
            };
            assert!(
                dec[..want.len()] == want[..],
                "{label}: DCMTK's decode differs"
            );
            theirs += 1;
        }
    }
    println!("lossless encode: {ours} files decode to their samples; DCMTK agrees on {theirs}");
}

/// Lossless files through the lossless operations: every orientation, with and
/// without a crop at odd offsets, and grayscale, give exactly the samples of the same
/// change made to the decoded image (jpegtran refuses such files); `copy` keeps them.
#[test]
fn lossless_files_transform_exactly() {
    use jtool::entropy::lossless::{decode_lossless, SampleImage};
    use jtool::pipeline::{copy, transform, CopyOptions, TransformOptions};
    use jtool::transform::{CropOffset, CropSpec, Request, ALL_ORIENTATIONS};
    let decoded = |bytes: &[u8]| -> SampleImage {
        let f = jtool::container::JpegFile::parse(bytes).unwrap();
        decode_lossless(&f, &Default::default()).unwrap().0
    };
    let mut files =
        vec![std::fs::read(testdata_dir().join("lossless/ll_rgb_sv4_67x45.jpg")).unwrap()];
    if let Some(c) = corpus_dir() {
        files.push(
            std::fs::read(c.join("valid/sof3_lossless_p16_jpegdecoder_256x256.jpg")).unwrap(),
        );
    }
    let mut checked = 0;
    for data in &files {
        let src = decoded(data);
        let copied = copy(data, &CopyOptions::default()).unwrap().bytes;
        assert!(decoded(&copied) == src);
        // inspect's sample hash: the same for the copy, another for a change.
        let hash = |b: &[u8]| jtool::pipeline::inspect_full(b).unwrap().sample_hash;
        assert!(hash(data).is_some());
        assert_eq!(hash(data), hash(&copied));
        let (w, h) = (src.width as usize, src.height as usize);
        for o in ALL_ORIENTATIONS {
            let (t, fx, fy) = o.parts();
            let (tw, th) = if t { (h, w) } else { (w, h) };
            for (crop, gray) in [
                (None, false),
                (Some((3, 5, tw - 7, th - 9)), o.swaps_axes()),
            ] {
                let request = Request {
                    orientation: o,
                    crop: crop.map(|(x, y, cw, ch)| CropSpec {
                        x: CropOffset {
                            value: x as u32,
                            from_end: false,
                        },
                        y: CropOffset {
                            value: y as u32,
                            from_end: false,
                        },
                        width: Some(cw as u32),
                        height: Some(ch as u32),
                        ..CropSpec::default()
                    }),
                    grayscale: gray,
                    ..Request::default()
                };
                let opts = TransformOptions {
                    request,
                    output: CopyOptions::default(),
                    reset_orientation: false,
                };
                let out = decoded(&transform(data, &opts).unwrap().output.bytes);
                let (x0, y0, cw, ch) = crop.unwrap_or((0, 0, tw, th));
                assert_eq!((out.width as usize, out.height as usize), (cw, ch), "{o:?}");
                let keep = if gray { 1 } else { src.components.len() };
                assert_eq!(out.components.len(), keep);
                for (a, b) in out.components.iter().zip(&src.components) {
                    for y in 0..ch {
                        for x in 0..cw {
                            let (mut x1, mut y1) = (x + x0, y + y0);
                            if fx {
                                x1 = tw - 1 - x1;
                            }
                            if fy {
                                y1 = th - 1 - y1;
                            }
                            let (sx, sy) = if t { (y1, x1) } else { (x1, y1) };
                            assert_eq!(
                                a.samples[y * a.stride + x],
                                b.samples[sy * b.stride + sx],
                                "{o:?}"
                            );
                        }
                    }
                }
                checked += 1;
            }
        }
    }
    println!("lossless transforms: {checked} outputs with exactly the moved samples");
}

/// `compare` of lossless files: sample by sample, naming the turn and crop.
#[test]
fn compare_names_lossless_transforms() {
    use jtool::pipeline::lab::{compare, LabVerdict};
    use jtool::pipeline::{transform, CopyOptions, TransformOptions};
    use jtool::transform::{CropOffset, CropSpec, Orientation, Request};
    let a = std::fs::read(testdata_dir().join("lossless/ll_rgb_sv4_67x45.jpg")).unwrap();
    let request = Request {
        orientation: Orientation::Rot270,
        crop: Some(CropSpec {
            x: CropOffset {
                value: 7,
                from_end: false,
            },
            y: CropOffset {
                value: 2,
                from_end: false,
            },
            width: Some(30),
            height: Some(40),
            ..CropSpec::default()
        }),
        ..Request::default()
    };
    let opts = TransformOptions {
        request,
        output: CopyOptions::default(),
        reset_orientation: false,
    };
    let b = transform(&a, &opts).unwrap().output.bytes;
    match compare(&a, &b).unwrap().verdict {
        LabVerdict::LosslessTransform {
            exif,
            crop,
            cropped,
            ..
        } => {
            assert_eq!((exif, cropped), (8, true));
            assert_eq!((crop.x, crop.y, crop.width, crop.height), (7, 2, 30, 40));
        }
        v => panic!("{v:?}"),
    }
    assert!(matches!(
        compare(&a, &a).unwrap().verdict,
        LabVerdict::IdenticalSamples
    ));
    let other = std::fs::read(testdata_dir().join("baseline_420_q85_67x45.jpg")).unwrap();
    assert!(compare(&a, &other).is_err());
}

/// `wipe` of a lossless file: exactly the region's samples become mid-gray (no block
/// grid to snap to); every other sample is kept.
#[test]
fn lossless_wipe_is_exact() {
    use jtool::entropy::lossless::decode_lossless;
    use jtool::pipeline::{wipe, CopyOptions};
    use jtool::transform::{CropOffset, CropSpec};
    let a = std::fs::read(testdata_dir().join("lossless/ll_rgb_sv4_67x45.jpg")).unwrap();
    let region = CropSpec {
        x: CropOffset {
            value: 3,
            from_end: false,
        },
        y: CropOffset {
            value: 5,
            from_end: false,
        },
        width: Some(10),
        height: Some(7),
        ..CropSpec::default()
    };
    let b = wipe(&a, &region, &CopyOptions::default()).unwrap().bytes;
    let samples = |d: &[u8]| {
        let f = jtool::container::JpegFile::parse(d).unwrap();
        decode_lossless(&f, &Default::default()).unwrap().0
    };
    let (sa, sb) = (samples(&a), samples(&b));
    for (ca, cb) in sa.components.iter().zip(&sb.components) {
        for y in 0..45 {
            for x in 0..67 {
                let inside = (3..13).contains(&x) && (5..12).contains(&y);
                let want = if inside { 128 } else { ca.samples[y * 67 + x] };
                assert_eq!(cb.samples[y * 67 + x], want, "({x}, {y})");
            }
        }
    }
}
