//! The pixel decoder against `djpeg -dct int` (libjpeg-turbo): byte-identical PNM output
//! for every corpus file djpeg decodes and every testdata file, with fancy upsampling
//! and with `-nosmooth`. Failures write a difference image and are collected, so one
//! run lists all of them.

mod common;

use common::{
    corpus_dir, djpeg_precision, frame_of, libjpeg_crop_overreads, manifest, run_with_stdin,
    testdata_jpegs, tool,
};
use jtool::pipeline::pixels::{decode_file, DecodeOptions};
use jtool::pixels::image_io::{encode_pnm, read_pnm};
use jtool::pixels::{CmykOutput, Crop, DctMethod, PixelImage, PixelOptions, Scale};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// JPEG files to compare: (name, path, sampling layout).
fn cases() -> Vec<(String, PathBuf, String)> {
    let mut v = Vec::new();
    if let Some(corpus) = corpus_dir() {
        let rows = manifest(&corpus);
        let mut names: Vec<&String> = rows.keys().collect();
        names.sort();
        for name in names {
            let r = &rows[name];
            let get = |k: &str| r.get(k).map(String::as_str).unwrap_or("");
            if get("category") != "valid" || get("djpeg_ok") != "yes" {
                continue;
            }
            // 12/16-bit samples and lossless coding are outside jtool's decoder.
            if get("precision") != "8" || get("sof") == "SOF3" {
                continue;
            }
            v.push((name.clone(), corpus.join(name), get("sampling").to_string()));
        }
    }
    for p in testdata_jpegs() {
        let name = format!("testdata/{}", p.file_name().unwrap().to_string_lossy());
        v.push((name, p, "testdata".into()));
    }
    v
}

/// Writes a PGM of per-pixel absolute differences (maximum over channels, ×4 to be
/// visible) and returns its path and the first differing pixel.
fn diff_image(dir: &Path, name: &str, ours: &PixelImage, theirs: &PixelImage) -> String {
    if (ours.width, ours.height, ours.channels) != (theirs.width, theirs.height, theirs.channels) {
        return format!(
            "shape {}x{}x{} vs djpeg {}x{}x{}",
            ours.width, ours.height, ours.channels, theirs.width, theirs.height, theirs.channels
        );
    }
    let ch = ours.channels;
    let n = ours.width as usize * ours.height as usize;
    let mut first = None;
    let mut count = 0usize;
    let mut maxd = 0u8;
    let diff: Vec<u8> = (0..n)
        .map(|i| {
            let d = (0..ch)
                .map(|c| ours.data[i * ch + c].abs_diff(theirs.data[i * ch + c]))
                .max()
                .unwrap();
            if d > 0 {
                count += 1;
                maxd = maxd.max(d);
                first.get_or_insert(i);
            }
            d.saturating_mul(4)
        })
        .collect();
    let img = PixelImage {
        width: ours.width,
        height: ours.height,
        channels: 1,
        data: diff,
    };
    let path = dir.join(format!("{}.diff.pgm", name.replace('/', "_")));
    std::fs::write(&path, encode_pnm(&img).unwrap()).unwrap();
    let f = first.unwrap_or(0);
    let w = ours.width as usize;
    format!(
        "{count} pixels differ (max {maxd}); first at x={} y={} (ours {:?}, djpeg {:?}); diff image {}",
        f % w,
        f / w,
        &ours.data[f * ch..f * ch + ch],
        &theirs.data[f * ch..f * ch + ch],
        path.display()
    )
}

/// Files whose output differs from djpeg for a known, documented reason.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

/// djpeg's flags for these decoder options (`-dct int` or `-dct fast` first).
fn djpeg_flags(p: &PixelOptions) -> Vec<String> {
    let dct = match p.dct {
        DctMethod::Int => "int",
        DctMethod::Fast => "fast",
        DctMethod::Float => "float",
    };
    let mut args = vec!["-dct".to_string(), dct.to_string()];
    if p.nosmooth {
        args.push("-nosmooth".into());
    }
    if p.gray {
        args.push("-grayscale".into());
    }
    if p.scale != Scale::FULL {
        args.extend(["-scale".into(), format!("{}/8", p.scale.eighths())]);
    }
    if let Some(c) = p.crop {
        let g = format!("{}x{}+{}+{}", c.width, c.height, c.x, c.y);
        args.extend(["-crop".into(), g]);
    }
    args
}

/// [`common::djpeg_crop_anomaly`] for djpeg's output `theirs` and jtool's `ours` of a
/// decode of `jpeg` with `pixels` (a crop).
fn crop_anomaly(
    djpeg: &Path,
    jpeg: &[u8],
    pixels: &PixelOptions,
    theirs: &[u8],
    ours: &[u8],
) -> Result<usize, String> {
    let c = pixels.crop.ok_or("no crop")?;
    let whole = PixelOptions {
        crop: None,
        ..*pixels
    };
    let flags = djpeg_flags(&whole);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let (_, full, _) = run_with_stdin(djpeg, &flags, jpeg);
    let crop = (
        c.x as usize,
        c.y as usize,
        c.width as usize,
        c.height as usize,
    );
    common::djpeg_crop_anomaly(&full, crop, theirs, ours)
}

/// A crop of an output `w`×`h` pixels: `which` 0 the top-left corner, 1 a region in the
/// middle starting off the iMCU grid, 2 the bottom-right corner from mid-image.
fn crop_of(w: u32, h: u32, which: u32) -> Crop {
    let (x, y) = match which {
        0 => (0, 0),
        1 => (w / 3 + 1, h / 3 + 3),
        _ => (w / 2 + 5, h / 2 + 1),
    };
    let (x, y) = (x.min(w - 1), y.min(h - 1));
    let (width, height) = match which {
        0 => (w.div_ceil(3), h.div_ceil(4)),
        1 => (w / 3 + 2, h / 3 + 1),
        _ => (w - x, h - y),
    };
    Crop {
        x,
        y,
        width: width.clamp(1, w - x),
        height: height.clamp(1, h - y),
    }
}

/// The scale k/8.
fn eighths(k: u32) -> Scale {
    Scale::from_fraction(k, 8).unwrap()
}

/// The power-of-two scales `djpeg -scale` offers below full size.
fn scales() -> [Scale; 3] {
    [(1, 8), (1, 4), (1, 2)].map(|(m, n)| Scale::from_fraction(m, n).unwrap())
}

/// Compares every case against djpeg with the flags for `pixels`.
fn compare_all(pixels: PixelOptions) {
    let Some(djpeg) = tool("djpeg") else { return };
    let diffdir = tempfile::Builder::new()
        .prefix("jtool-pixels-")
        .tempdir()
        .unwrap()
        .keep();
    let args = djpeg_flags(&pixels);
    let opts = DecodeOptions {
        pixels,
        ..Default::default()
    };
    let mut failures = Vec::new();
    // Per sampling layout: (identical, compared).
    let mut by_layout: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut skipped = Vec::new();
    for (name, path, layout) in cases() {
        let jpeg = std::fs::read(&path).unwrap();
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, expected, err) = run_with_stdin(&djpeg, &argv, &jpeg);
        if !(code == 0 || code == 2) || expected.is_empty() {
            if decode_file(&jpeg, &opts).is_ok() {
                failures.push(format!("{name}: djpeg refuses it, jtool decodes it"));
            }
            skipped.push(format!("{name}: djpeg failed: {}", err.trim()));
            continue;
        }
        let entry = by_layout.entry(layout).or_default();
        entry.1 += 1;
        let ours = match decode_file(&jpeg, &opts) {
            Ok(d) => d.image,
            Err(e) => {
                failures.push(format!("{name}: jtool failed: {e}"));
                continue;
            }
        };
        let bytes = encode_pnm(&ours).unwrap();
        if bytes == expected {
            entry.0 += 1;
            continue;
        }
        let detail = match read_pnm(&expected) {
            Ok(theirs) => diff_image(&diffdir, &name, &ours, &theirs),
            Err(e) => format!("djpeg output unreadable: {e}"),
        };
        if let Some((_, why)) = KNOWN_DIFFERENCES.iter().find(|k| k.0 == name) {
            eprintln!("known difference {name}: {detail}\n  ({why})");
            continue;
        }
        eprintln!("MISMATCH {name}: {detail}");
        failures.push(format!("{name}: {detail}"));
    }
    let total: (usize, usize) = by_layout
        .values()
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    eprintln!(
        "djpeg {}: {}/{} byte-identical",
        args.join(" "),
        total.0,
        total.1
    );
    for (layout, (ok, n)) in &by_layout {
        eprintln!("  {layout:<24} {ok}/{n}");
    }
    for s in &skipped {
        eprintln!("  skipped {s}");
    }
    assert!(total.1 > 0 || !common::ci(), "no file compared");
    assert!(
        failures.is_empty(),
        "{} of {} files differ from djpeg:\n{}",
        failures.len(),
        total.1,
        failures.join("\n")
    );
}

#[test]
fn identical_to_djpeg_dct_int() {
    compare_all(PixelOptions::default());
}

/// `djpeg -dct fast` and `-dct float`: the AAN inverse DCT with truncated 8-bit
/// products, or in single precision as libjpeg-turbo's SSE2 code computes it, at full
/// size and (where djpeg ignores the method for the reduced transforms) at 1/2.
#[test]
fn identical_to_djpeg_dct_fast_and_float() {
    for dct in [DctMethod::Fast, DctMethod::Float] {
        compare_all(PixelOptions {
            dct,
            ..Default::default()
        });
    }
    compare_all(PixelOptions {
        dct: DctMethod::Float,
        nosmooth: true,
        ..Default::default()
    });
    compare_all(PixelOptions {
        dct: DctMethod::Fast,
        scale: scales()[2],
        gray: true,
        ..Default::default()
    });
}

#[test]
fn identical_to_djpeg_dct_int_nosmooth() {
    compare_all(PixelOptions {
        nosmooth: true,
        ..Default::default()
    });
}

/// `djpeg -scale 1/8`, `1/4` and `1/2`: reduced inverse DCTs, chroma given a larger
/// transform instead of upsampling, fancy upsampling only above 1/8.
#[test]
fn identical_to_djpeg_scaled() {
    for scale in scales() {
        compare_all(PixelOptions {
            scale,
            ..Default::default()
        });
    }
    compare_all(PixelOptions {
        scale: scales()[2],
        nosmooth: true,
        ..Default::default()
    });
}

/// `djpeg -scale k/8` for every other k from 3 to 16: the IJG's 3- to 16-point
/// inverse DCTs, chroma enlarged to spare upsampling where its factor allows (4:2:0
/// at 3/8 takes 6×6 chroma blocks), fancy upsampling of the enlargements; smoothed
/// and not.
#[test]
fn identical_to_djpeg_every_eighth() {
    for k in [3, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16] {
        compare_all(PixelOptions {
            scale: eighths(k),
            ..Default::default()
        });
    }
    for k in [3, 12] {
        compare_all(PixelOptions {
            scale: eighths(k),
            nosmooth: true,
            ..Default::default()
        });
    }
}

/// `djpeg -grayscale`, at full size and scaled (CMYK and YCCK files, which djpeg
/// refuses, must be refused too).
#[test]
fn identical_to_djpeg_grayscale() {
    for scale in [Scale::FULL, scales()[1]] {
        compare_all(PixelOptions {
            gray: true,
            scale,
            ..Default::default()
        });
    }
}

/// `djpeg -crop WxH+X+Y` (with and without -scale, -nosmooth, -grayscale): three crops of
/// every case, byte-identical. The left edge moves to an iMCU boundary, chroma is
/// upsampled with the crop's edges as image edges, and an incomplete progressive image
/// is smoothed from the crop's first block column, all as libjpeg-turbo does. The
/// scaled crops of [`libjpeg_crop_overreads`] may differ as
/// [`common::djpeg_crop_anomaly`] allows.
#[test]
fn identical_to_djpeg_cropped() {
    let Some(djpeg) = tool("djpeg") else { return };
    let (mut compared, mut anomalous, mut failures) = (0, 0, Vec::new());
    for (name, path, _) in cases() {
        let jpeg = std::fs::read(&path).unwrap();
        let Some(frame) = frame_of(&jpeg) else {
            continue;
        };
        let mut variants = Vec::new();
        for (which, scale, nosmooth, gray) in [
            (0, Scale::FULL, false, false),
            (1, Scale::FULL, false, false),
            (2, Scale::FULL, false, false),
            (1, Scale::FULL, true, false),
            (2, Scale::FULL, false, true),
            (1, scales()[0], false, false),
            (1, scales()[1], false, false),
            (2, scales()[2], false, false),
            (1, eighths(3), false, false),
            (2, eighths(13), true, false),
        ] {
            let m = scale.eighths() as u32;
            let (w, h) = (
                (u32::from(frame.width) * m).div_ceil(8),
                (u32::from(frame.height) * m).div_ceil(8),
            );
            if w == 0 || h == 0 {
                continue;
            }
            variants.push(PixelOptions {
                scale,
                nosmooth,
                gray,
                crop: Some(crop_of(w, h, which)),
                ..Default::default()
            });
        }
        for pixels in variants {
            let flags = djpeg_flags(&pixels);
            let argv: Vec<&str> = flags.iter().map(String::as_str).collect();
            let (code, expected, _) = run_with_stdin(&djpeg, &argv, &jpeg);
            if !(code == 0 || code == 2) || expected.is_empty() {
                continue;
            }
            compared += 1;
            let opts = DecodeOptions {
                pixels,
                ..Default::default()
            };
            let whole = decode_file(&jpeg, &opts);
            let ours = whole.as_ref().map(|d| encode_pnm(&d.image).unwrap());
            let expected = match ours {
                Ok(ours) if ours == expected => expected,
                Ok(ours) if libjpeg_crop_overreads(&frame, pixels.scale) => {
                    match crop_anomaly(&djpeg, &jpeg, &pixels, &expected, &ours) {
                        Ok(_) => anomalous += 1,
                        Err(e) => failures.push(format!("{name} {}: {e}", flags.join(" "))),
                    }
                    ours
                }
                r => {
                    failures.push(format!("{name} {}: {:?}", flags.join(" "), r.err()));
                    continue;
                }
            };
            // Streamed, as the CLI decodes (a sequential file's entropy decoding stops
            // below the crop and, with restart intervals, starts at the interval above
            // it): the same rows, and no warning a whole decode does not give.
            for threads in [1, 2] {
                let mut o = opts;
                o.pixels.threads = threads;
                match decode_streamed(&jpeg, &o) {
                    Ok((bytes, _)) if bytes == expected => {}
                    r => failures.push(format!(
                        "{name} {} streamed on {threads}: {:?}",
                        flags.join(" "),
                        r.err()
                    )),
                }
            }
            let whole_warnings = whole.map(|d| d.warnings.len()).unwrap_or(0);
            if whole_warnings == 0 {
                if let Ok((_, w)) = decode_streamed(&jpeg, &opts) {
                    if w != "[]" {
                        failures.push(format!("{name} {}: streamed warns {w}", flags.join(" ")));
                    }
                }
            }
        }
    }
    eprintln!(
        "djpeg -crop: {compared} decodes compared, {anomalous} differ as libjpeg-turbo 2.1's short crop rows make them"
    );
    assert!(compared > 0 || !common::ci(), "no file compared");
    common::report_failures(&format!("djpeg -crop: {compared} decodes"), &failures);
}

/// Scaled crops where libjpeg-turbo 2.1's component width is half the crop's (luma 4x2
/// and 2x4, 2/8 to 7/8): they differ from djpeg's only in its columns that are not its
/// own full decode's and in the last ([`common::djpeg_crop_anomaly`]). Widths odd and
/// even, ending inside an iMCU column and on its edge.
#[test]
fn scaled_crops_of_enlarged_chroma_differ_only_where_djpeg_is_off() {
    let (Some(cjpeg), Some(djpeg)) = (tool("cjpeg"), tool("djpeg")) else {
        return;
    };
    let ppm = encode_pnm(&common::synthetic(300, 64, 3, 7)).unwrap();
    let (mut compared, mut anomalous, mut failures) = (0, 0, Vec::new());
    for layout in ["4x2", "2x4"] {
        let (_, jpeg, _) = run_with_stdin(&cjpeg, &["-sample", layout], &ppm);
        let frame = frame_of(&jpeg).unwrap();
        for m in 2..8 {
            let scale = eighths(m);
            let (w, h) = ((300 * m).div_ceil(8), (64 * m).div_ceil(8));
            for (x, cw) in [(30, 100), (30, 101), (7, 60), (3, 8 * m - 3), (1, w - 1)] {
                let crop = Crop {
                    x,
                    y: 2,
                    width: cw.min(w - x),
                    height: h - 4,
                };
                let pixels = PixelOptions {
                    scale,
                    crop: Some(crop),
                    ..Default::default()
                };
                let flags = djpeg_flags(&pixels);
                let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
                let (_, theirs, _) = run_with_stdin(&djpeg, &flags, &jpeg);
                let opts = DecodeOptions {
                    pixels,
                    ..Default::default()
                };
                let ours = encode_pnm(&decode_file(&jpeg, &opts).unwrap().image).unwrap();
                compared += 1;
                assert!(libjpeg_crop_overreads(&frame, scale));
                match crop_anomaly(&djpeg, &jpeg, &pixels, &theirs, &ours) {
                    Ok(0) => {}
                    Ok(_) => anomalous += 1,
                    Err(e) => failures.push(format!("{layout} {}: {e}", flags.join(" "))),
                }
            }
        }
    }
    eprintln!("enlarged-chroma crops: {compared} compared, {anomalous} with djpeg-side columns");
    common::report_failures(&format!("enlarged-chroma crops: {compared}"), &failures);
}

/// Raw CMYK output keeps four channels; converting them as djpeg's PPM writer does
/// gives the default output.
#[test]
fn cmyk_raw_output_is_consistent() {
    let Some(corpus) = corpus_dir() else { return };
    for name in [
        "valid/cmyk_moz_32x32.jpg",
        "valid/ycck_photoshop_cs2_canon300d.jpg",
    ] {
        let jpeg = std::fs::read(corpus.join(name)).unwrap();
        let rgb = decode_file(&jpeg, &DecodeOptions::default()).unwrap().image;
        let opts = DecodeOptions {
            pixels: PixelOptions {
                cmyk: CmykOutput::Cmyk,
                ..Default::default()
            },
            ..Default::default()
        };
        let cmyk = decode_file(&jpeg, &opts).unwrap().image;
        assert_eq!((rgb.channels, cmyk.channels), (3, 4));
        for (p, q) in rgb.data.chunks(3).zip(cmyk.data.chunks(4)) {
            let k = q[3] as f64;
            let expect: Vec<u8> = q[..3]
                .iter()
                .map(|&c| (c as f64 * k / 255.0 + 0.5) as u8)
                .collect();
            assert_eq!(p, &expect[..], "{name}");
        }
        assert!(encode_pnm(&cmyk).unwrap().starts_with(b"P7\n"));
    }
}

/// Threads split the work by iMCU rows; the result does not change. (These small files
/// stay on one thread whatever is allowed; `tests/threads.rs` compares large ones.)
#[test]
fn threads_give_the_same_pixels() {
    for path in testdata_jpegs() {
        let jpeg = std::fs::read(&path).unwrap();
        let one = decode_file(&jpeg, &DecodeOptions::default()).unwrap().image;
        for threads in [2, 3, 7] {
            let opts = DecodeOptions {
                pixels: PixelOptions {
                    threads,
                    ..Default::default()
                },
                ..Default::default()
            };
            assert_eq!(
                decode_file(&jpeg, &opts).unwrap().image,
                one,
                "{} threads={threads}",
                path.display()
            );
        }
    }
}

/// Reference images that record another decoder's choice where libjpeg (and so jtool,
/// byte-identical to djpeg on these files) decides differently.
const REFERENCE_DISAGREES: &[(&str, &str)] = &[
    (
        "valid/rgb_adobe0_go_video001.jpg",
        " [Go converts this subsampled Adobe-RGB file differently; jtool = djpeg]",
    ),
    (
        "valid/sub_odd_221212_go_video001.jpg",
        " [Go upsamples 2x2/1x2/1x2 by replication; jtool = djpeg's fancy h2v1]",
    ),
    (
        "malformed/jpegdecoder_ref_partial_progressive_4x4.jpg",
        " [truncated progressive file: jpeg-decoder's own fill-in]",
    ),
];

/// The reference images shipped with the corpus (Go's golden PNGs, tolerance 8;
/// jpeg-decoder's reftest PNGs, tolerance 3): jtool's output stays within the
/// tolerance the source project's own test uses. (The `-dct int -fast` and
/// `-dct fast` PPMs are outputs of libjpeg's "ifast" IDCT, which jtool does not
/// implement.)
#[test]
fn close_to_corpus_reference_images() {
    use jtool::pixels::image_io::read_png;
    let Some(corpus) = corpus_dir() else { return };
    let rows = manifest(&corpus);
    let mut names: Vec<&String> = rows
        .keys()
        .filter(|k| k.starts_with("reference/") && k.ends_with(".png"))
        .collect();
    names.sort();
    let mut bad = Vec::new();
    let mut compared = 0;
    for name in names {
        let note = rows[name].get("notes").cloned().unwrap_or_default();
        let Some(src) = note
            .strip_prefix("expected output for ")
            .and_then(|n| n.split(':').next())
        else {
            continue;
        };
        let tolerance = if note.contains("Go image package") {
            8
        } else {
            3
        };
        let jpeg = std::fs::read(corpus.join(src)).unwrap();
        let ours = match decode_file(&jpeg, &DecodeOptions::default()) {
            Ok(d) => d.image,
            Err(e) => {
                eprintln!("  {src}: not decoded ({e})");
                continue;
            }
        };
        let reference = read_png(&std::fs::read(corpus.join(name)).unwrap()).unwrap();
        if (reference.width, reference.height) != (ours.width, ours.height) {
            bad.push(format!("{src}: size differs from {name}"));
            continue;
        }
        // Gray references of gray images, RGB otherwise (a gray reference of an RGB
        // decode or the reverse is compared through its first channel).
        let n = (ours.width * ours.height) as usize;
        let mut max = 0u8;
        for i in 0..n {
            for c in 0..reference.channels.max(ours.channels) {
                let a = ours.data[i * ours.channels + c.min(ours.channels - 1)];
                let b = reference.data[i * reference.channels + c.min(reference.channels - 1)];
                max = max.max(a.abs_diff(b));
            }
        }
        compared += 1;
        let known = REFERENCE_DISAGREES.iter().find(|k| k.0 == src);
        eprintln!(
            "  {src}: max difference {max} (tolerance {tolerance}){}",
            known.map_or("", |k| k.1)
        );
        if max > tolerance && known.is_none() {
            bad.push(format!(
                "{src}: max difference {max} > {tolerance} against {name}"
            ));
        }
    }
    eprintln!("{compared} reference images compared");
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// A file decoded through the streaming API: the PNM bytes and the warnings.
fn decode_streamed(jpeg: &[u8], opts: &DecodeOptions) -> Result<(Vec<u8>, String), String> {
    use jtool::pipeline::pixels::decode_file_rows;
    use jtool::pixels::image_io::pnm_header_for;
    let out = std::cell::RefCell::new(Vec::new());
    let (_, warnings) = decode_file_rows(
        jpeg,
        opts,
        &mut |shape| {
            out.borrow_mut()
                .extend_from_slice(pnm_header_for(shape)?.as_bytes());
            Ok(())
        },
        &mut |rows| {
            out.borrow_mut().extend_from_slice(rows);
            Ok(())
        },
    )
    .map_err(|e| e.to_string())?;
    Ok((out.into_inner(), format!("{warnings:?}")))
}

/// Streaming (single- and multi-threaded; sequential files with the entropy decoder
/// running band by band) gives the same bytes, warnings and errors as the whole-image
/// API, on every valid and malformed corpus file and every testdata file.
#[test]
fn streaming_gives_the_same_bytes() {
    let mut files: Vec<PathBuf> = cases().into_iter().map(|c| c.1).collect();
    if let Some(corpus) = corpus_dir() {
        files.extend(common::jpegs_in(&corpus.join("malformed")));
    }
    let mut bad = Vec::new();
    for path in &files {
        let jpeg = std::fs::read(path).unwrap();
        for nosmooth in [false, true] {
            let pixels = PixelOptions {
                nosmooth,
                ..Default::default()
            };
            let opts = DecodeOptions {
                pixels,
                ..Default::default()
            };
            // 12-bit and lossless samples are streamed only (the whole-image API
            // holds 8-bit samples).
            if !djpeg_precision(&jpeg) {
                continue;
            }
            let whole = decode_file(&jpeg, &opts)
                .map(|d| (encode_pnm(&d.image).unwrap(), format!("{:?}", d.warnings)))
                .map_err(|e| e.to_string());
            for threads in [1, 2, 3] {
                let opts = DecodeOptions {
                    pixels: PixelOptions { threads, ..pixels },
                    ..opts
                };
                if decode_streamed(&jpeg, &opts) != whole {
                    bad.push(format!(
                        "{} threads={threads} nosmooth={nosmooth}",
                        path.display()
                    ));
                }
            }
        }
    }
    eprintln!("streaming: {} files compared", files.len());
    assert!(
        bad.is_empty(),
        "streamed output differs:\n{}",
        bad.join("\n")
    );
}

/// Streaming stops cleanly when the output fails part-way, on one thread or two.
#[test]
fn streaming_stops_on_output_errors() {
    use jtool::pipeline::pixels::decode_file_rows;
    let Some(path) = testdata_jpegs().into_iter().next() else {
        return;
    };
    let jpeg = std::fs::read(path).unwrap();
    for threads in [1, 2] {
        let opts = DecodeOptions {
            pixels: PixelOptions {
                threads,
                ..Default::default()
            },
            ..Default::default()
        };
        let mut calls = 0;
        let r = decode_file_rows(&jpeg, &opts, &mut |_| Ok(()), &mut |_| {
            calls += 1;
            Err(jtool::Error::BadRequest("disk full".into()))
        });
        assert!(r.is_err());
        assert_eq!(calls, 1);
    }
}

/// Every malformed corpus file: an error or an image, never a panic.
#[test]
fn malformed_files_do_not_panic() {
    let Some(corpus) = corpus_dir() else { return };
    let mut panics = Vec::new();
    let mut decoded = 0;
    for path in common::jpegs_in(&corpus.join("malformed")) {
        let jpeg = std::fs::read(&path).unwrap();
        for nosmooth in [false, true] {
            let opts = DecodeOptions {
                pixels: PixelOptions {
                    nosmooth,
                    ..Default::default()
                },
                ..Default::default()
            };
            match std::panic::catch_unwind(|| decode_file(&jpeg, &opts).map(|d| d.image.data.len()))
            {
                Ok(Ok(_)) => decoded += 1,
                Ok(Err(_)) => {}
                Err(_) => panics.push(path.display().to_string()),
            }
        }
    }
    eprintln!("malformed: {decoded} decodes produced an image");
    assert!(panics.is_empty(), "panics on:\n{}", panics.join("\n"));
}

/// CPU time of the calling thread in ms (Linux; wall time elsewhere), so timings stay
/// meaningful on a loaded machine.
fn cpu_ms(start: std::time::Instant) -> f64 {
    match std::fs::read_to_string("/proc/thread-self/schedstat") {
        Ok(s) => {
            s.split_whitespace()
                .next()
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
                / 1e6
        }
        Err(_) => start.elapsed().as_secs_f64() * 1000.0,
    }
}

/// Timing of the stages on a large image (`cargo test --release --test pixels_decode
/// -- --ignored --nocapture`); compare with `djpeg -dct int -ppm` on the same file.
#[test]
#[ignore]
fn bench_large_file() {
    let path =
        std::env::var("JTOOL_BENCH_JPEG").unwrap_or_else(|_| "/tmp/bench/big_420_q90.jpg".into());
    let Ok(jpeg) = std::fs::read(&path) else {
        eprintln!("{path} not found; skipped");
        return;
    };
    use jtool::container::JpegFile;
    use jtool::entropy;
    use jtool::pipeline::pixels::{color_markers, detect_color_space};
    use std::time::Instant;
    let start = Instant::now();
    {
        let threads = 1;
        let mut best = [f64::MAX; 3];
        for _ in 0..5 {
            let t0 = cpu_ms(start);
            let file = JpegFile::parse(&jpeg).unwrap();
            let dec = entropy::decode(&file, &Default::default()).unwrap();
            let t1 = cpu_ms(start);
            let (cs, _) = detect_color_space(color_markers(&file), &dec.frame).unwrap();
            let opts = PixelOptions {
                threads,
                ..Default::default()
            };
            let img = jtool::pixels::decode_to_pixels(&dec.image, cs, &opts).unwrap();
            let t2 = cpu_ms(start);
            let mut sink = std::io::sink();
            jtool::pixels::image_io::write_pnm(&img, &mut sink).unwrap();
            let t3 = cpu_ms(start);
            for (b, t) in best.iter_mut().zip([t1 - t0, t2 - t1, t3 - t2]) {
                *b = b.min(t);
            }
        }
        eprintln!(
            "{path} CPU time, threads={threads}: entropy {:.1} ms, pixels {:.1} ms, pnm {:.1} ms, total {:.1} ms",
            best[0],
            best[1],
            best[2],
            best.iter().sum::<f64>()
        );
    }
}

/// Whole path bytes → PPM bytes, streamed (what a `decode` command does), CPU time of
/// the calling thread with one thread and wall time with two; compare with
/// `perf stat -e task-clock djpeg -dct int -ppm FILE >/dev/null`.
#[test]
#[ignore]
fn bench_streamed_ppm() {
    use jtool::pipeline::pixels::decode_file_rows;
    use jtool::pixels::image_io::pnm_header_for;
    use std::io::Write;
    let path =
        std::env::var("JTOOL_BENCH_JPEG").unwrap_or_else(|_| "/tmp/bench/big_420_q90.jpg".into());
    let Ok(jpeg) = std::fs::read(&path) else {
        return;
    };
    let start = std::time::Instant::now();
    for threads in [1, 2] {
        let (mut cpu, mut wall) = (f64::MAX, f64::MAX);
        for _ in 0..5 {
            let (c0, w0) = (cpu_ms(start), std::time::Instant::now());
            let mut out = std::io::sink();
            let opts = DecodeOptions {
                pixels: PixelOptions {
                    threads,
                    ..Default::default()
                },
                ..Default::default()
            };
            let out_cell = std::cell::RefCell::new(&mut out);
            decode_file_rows(
                &jpeg,
                &opts,
                &mut |shape| {
                    Ok(out_cell
                        .borrow_mut()
                        .write_all(pnm_header_for(shape)?.as_bytes())?)
                },
                &mut |rows| Ok(out_cell.borrow_mut().write_all(rows)?),
            )
            .unwrap();
            cpu = cpu.min(cpu_ms(start) - c0);
            wall = wall.min(w0.elapsed().as_secs_f64() * 1000.0);
        }
        eprintln!("{path} streamed PPM, threads={threads}: {cpu:.1} ms CPU (main thread), {wall:.1} ms wall");
    }
}

/// The pixel stage alone, `JTOOL_BENCH_REPS` times (for `perf stat`).
#[test]
#[ignore]
fn bench_pixel_stage() {
    let path =
        std::env::var("JTOOL_BENCH_JPEG").unwrap_or_else(|_| "/tmp/bench/big_420_q90.jpg".into());
    let Ok(jpeg) = std::fs::read(&path) else {
        return;
    };
    let reps: usize = std::env::var("JTOOL_BENCH_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let file = jtool::container::JpegFile::parse(&jpeg).unwrap();
    let dec = jtool::entropy::decode(&file, &Default::default()).unwrap();
    let (cs, _) = jtool::pipeline::pixels::detect_color_space(
        jtool::pipeline::pixels::color_markers(&file),
        &dec.frame,
    )
    .unwrap();
    let mut best = f64::MAX;
    let start = std::time::Instant::now();
    for _ in 0..reps {
        let t = cpu_ms(start);
        std::hint::black_box(
            jtool::pixels::decode_to_pixels(&dec.image, cs, &PixelOptions::default()).unwrap(),
        );
        best = best.min(cpu_ms(start) - t);
    }
    eprintln!("pixel stage: {best:.1} ms CPU (best of {reps})");
}

/// Incompletely coded progressive images get a warning (libjpeg smooths them).
#[test]
fn incomplete_progressive_warns() {
    let Some(corpus) = corpus_dir() else { return };
    let warned = |name: &str| {
        let jpeg = std::fs::read(corpus.join(name)).unwrap();
        let d = decode_file(&jpeg, &DecodeOptions::default()).unwrap();
        d.warnings
            .iter()
            .any(|w| w.to_string().contains("incompletely coded"))
    };
    assert!(warned("valid/prog_incomplete_go_video001.jpg"));
    assert!(!warned("valid/prog_go_video001.jpg"));
    assert!(!warned("valid/ijg_testimgp_prog_227x149.jpg"));
}

/// Every sampling layout cjpeg can write (and RGB components), at sizes around the
/// block and MCU edges (1–18 pixels), with and without fancy upsampling, at full size
/// and scaled to 1/2, 1/4, 1/8, in colour and grayscale output: identical to djpeg.
#[test]
fn odd_sizes_and_layouts_match_djpeg() {
    let (Some(cjpeg), Some(djpeg)) = (tool("cjpeg"), tool("djpeg")) else {
        return;
    };
    let mut seed = 0x2545_F491_u32;
    let mut failures = Vec::new();
    let mut compared = 0;
    for w in [1u32, 2, 3, 5, 9, 17, 18] {
        for h in [1u32, 2, 3, 9, 17] {
            // Smooth ramps with some noise, so that upsampling filters matter.
            let mut ppm = format!("P6\n{w} {h}\n255\n").into_bytes();
            for y in 0..h {
                for x in 0..w {
                    for c in 0..3 {
                        seed ^= seed << 13;
                        seed ^= seed >> 17;
                        seed ^= seed << 5;
                        let ramp = (x * 37 + y * 11 + c * 80) % 256;
                        ppm.push(if seed % 4 == 0 {
                            (seed >> 8) as u8
                        } else {
                            ramp as u8
                        });
                    }
                }
            }
            let layouts = [
                "2x1", "1x2", "2x2", "4x1", "1x4", "4x2", "2x4", "3x1", "1x3", "4x4", "gray", "rgb",
            ];
            for layout in layouts {
                let args: Vec<&str> = match layout {
                    "gray" => vec!["-quality", "60", "-grayscale", "-sample", "2x2"],
                    "rgb" => vec!["-quality", "60", "-rgb"],
                    _ => vec!["-quality", "60", "-sample", layout],
                };
                let (code, jpeg, _) = run_with_stdin(&cjpeg, &args, &ppm);
                if code != 0 || jpeg.is_empty() {
                    continue;
                }
                let frame = frame_of(&jpeg).unwrap();
                for pixels in decoder_variants(w, h) {
                    let flags = djpeg_flags(&pixels);
                    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
                    let (code, expected, _) = run_with_stdin(&djpeg, &flags, &jpeg);
                    if code != 0 {
                        continue;
                    }
                    let opts = DecodeOptions {
                        pixels,
                        ..Default::default()
                    };
                    compared += 1;
                    let ours = decode_file(&jpeg, &opts).map(|d| encode_pnm(&d.image).unwrap());
                    let anomaly = |ours: &[u8]| {
                        pixels.crop.is_some()
                            && libjpeg_crop_overreads(&frame, pixels.scale)
                            && crop_anomaly(&djpeg, &jpeg, &pixels, &expected, ours).is_ok()
                    };
                    let same = match &ours {
                        Ok(ours) => *ours == expected || anomaly(ours),
                        Err(_) => false,
                    };
                    if !same {
                        failures.push(format!(
                            "{w}x{h} {layout} {}: {:?}",
                            flags.join(" "),
                            ours.err()
                        ));
                    }
                }
            }
        }
    }
    eprintln!("{compared} synthetic files compared");
    assert!(
        failures.is_empty(),
        "differ from djpeg:\n{}",
        failures.join("\n")
    );
}

/// Smooth and `-nosmooth` upsampling at full size, the power-of-two reductions, 3/8,
/// 6/8 and 11/8; grayscale output at full size and 1/4, and crops of a `w`×`h` image
/// at full size, 1/2, 3/8 and 13/8.
fn decoder_variants(w: u32, h: u32) -> Vec<PixelOptions> {
    let mut v = Vec::new();
    let odd = [3, 6, 11].map(eighths);
    for scale in std::iter::once(Scale::FULL).chain(scales()).chain(odd) {
        for nosmooth in [false, true] {
            v.push(PixelOptions {
                nosmooth,
                scale,
                ..Default::default()
            });
        }
    }
    for scale in [Scale::FULL, scales()[1]] {
        v.push(PixelOptions {
            gray: true,
            scale,
            ..Default::default()
        });
    }
    for (which, scale) in [
        (1, Scale::FULL),
        (2, Scale::FULL),
        (1, scales()[2]),
        (2, eighths(3)),
        (1, eighths(13)),
    ] {
        let m = scale.eighths() as u32;
        v.push(PixelOptions {
            scale,
            crop: Some(crop_of((w * m).div_ceil(8), (h * m).div_ceil(8), which)),
            ..Default::default()
        });
    }
    v
}

/// One scan of a JPEG file: where its entropy-coded data starts and ends, its Ah, and
/// where its restart markers are.
struct ScanSpan {
    start: usize,
    end: usize,
    ah: u8,
    restarts: Vec<usize>,
}

/// The scans of a well-formed file (marker segments walked by their lengths; a scan's
/// data ends at the first marker that is neither stuffing nor RSTn).
fn scan_spans(jpeg: &[u8]) -> Vec<ScanSpan> {
    let mut spans = Vec::new();
    let mut i = 2;
    while i + 4 <= jpeg.len() && jpeg[i] == 0xFF {
        let marker = jpeg[i + 1];
        if marker == 0xD9 {
            break;
        }
        let len = u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]) as usize;
        i += 2 + len;
        if marker != 0xDA {
            continue;
        }
        let ns = jpeg[i - len + 2] as usize;
        let ah = jpeg[i - len + 3 + 2 * ns + 2] >> 4;
        let start = i;
        let mut restarts = Vec::new();
        while i + 1 < jpeg.len() {
            if jpeg[i] == 0xFF && jpeg[i + 1] != 0 {
                if !(0xD0..=0xD7).contains(&jpeg[i + 1]) {
                    break;
                }
                restarts.push(i);
            }
            i += 1;
        }
        spans.push(ScanSpan {
            start,
            end: i,
            ah,
            restarts,
        });
    }
    spans
}

/// Progressive files cut short, in every sampling layout and at sizes where the 5×5
/// neighbourhood meets the image edges (components one and two blocks wide, two block
/// rows per iMCU row): after each scan, inside first-pass scans (the data ends
/// mid-scan, and libjpeg smooths the rows after that point with the state before the
/// scan), and just after a restart marker. libjpeg estimates the coefficients still
/// missing from neighbouring DC values ("block smoothing", also with `-nosmooth`),
/// and jtool must give the same bytes. (Cuts inside refinement scans or right before a
/// restart marker are left out: there the MCU where the data runs out is decoded
/// differently by the entropy layer, which is no smoothing matter.)
#[test]
fn incomplete_progressive_images_match_djpeg() {
    let (Some(cjpeg), Some(djpeg)) = (tool("cjpeg"), tool("djpeg")) else {
        return;
    };
    let mut seed = 0x9E37_79B9_u32;
    let mut failures = Vec::new();
    let mut compared = 0;
    for (w, h) in [(9u32, 9u32), (16, 40), (33, 17), (40, 70), (67, 45)] {
        let mut ppm = format!("P6\n{w} {h}\n255\n").into_bytes();
        for y in 0..h {
            for x in 0..w {
                for c in 0..3 {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    let wave = ((x * (c + 2) + y * 3) % 40) * 6 + (y * 5 + c * 70) % 16;
                    ppm.push(if seed % 8 == 0 {
                        (seed >> 8) as u8
                    } else {
                        wave as u8
                    });
                }
            }
        }
        for layout in ["1x1", "2x2", "2x1", "1x2", "gray", "2x2 restart"] {
            let mut args = vec!["-progressive", "-quality", "70"];
            match layout {
                "gray" => args.push("-grayscale"),
                "2x2 restart" => args.extend(["-sample", "2x2", "-restart", "2B"]),
                s => args.extend(["-sample", s]),
            }
            let (code, jpeg, _) = run_with_stdin(&cjpeg, &args, &ppm);
            assert!(code == 0 && !jpeg.is_empty(), "cjpeg {args:?} failed");
            let mut cuts = Vec::new();
            for (k, s) in scan_spans(&jpeg).iter().enumerate() {
                cuts.push((format!("after scan {}", k + 1), s.end, true));
                if s.ah > 0 {
                    continue;
                }
                if s.end - s.start > 8 {
                    for part in [3, 2] {
                        let at = s.start + (s.end - s.start) * (part - 1) / part;
                        if !s.restarts.iter().any(|&r| r == at || r + 1 == at) {
                            cuts.push((format!("inside scan {} at {at}", k + 1), at, false));
                        }
                    }
                }
                if let Some(&r) = s.restarts.get(s.restarts.len() / 2) {
                    cuts.push((format!("after a restart of scan {}", k + 1), r + 2, false));
                }
            }
            for (what, at, eoi) in cuts {
                let mut cut = jpeg[..at].to_vec();
                if eoi {
                    cut.extend_from_slice(&[0xFF, 0xD9]);
                }
                // Full size with and without smoothing; scaled, where a 1x1 IDCT's
                // component has its AC scans left unread and at 1/4 the smoothed
                // coefficients go through the 2x2 IDCT; grayscale, where the chroma's
                // AC scans are left unread.
                // A crop is smoothed from its first block column.
                let variants = [
                    (false, Scale::FULL, false, None),
                    (true, Scale::FULL, false, None),
                    (false, scales()[0], false, None),
                    (false, scales()[1], false, None),
                    (false, Scale::FULL, true, None),
                    (false, Scale::FULL, false, Some(crop_of(w, h, 1))),
                ];
                for (nosmooth, scale, gray, crop) in variants {
                    let pixels = PixelOptions {
                        nosmooth,
                        scale,
                        gray,
                        crop,
                        ..Default::default()
                    };
                    let flags = djpeg_flags(&pixels);
                    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
                    let (_, expected, _) = run_with_stdin(&djpeg, &flags, &cut);
                    if expected.is_empty() {
                        continue;
                    }
                    let opts = DecodeOptions {
                        pixels,
                        ..Default::default()
                    };
                    compared += 1;
                    let ours = decode_file(&cut, &opts).map(|d| encode_pnm(&d.image).unwrap());
                    if ours.as_ref().ok() != Some(&expected) {
                        failures.push(format!(
                            "{w}x{h} {layout}, {what}, {}: {:?}",
                            flags.join(" "),
                            ours.err()
                        ));
                    }
                }
            }
        }
    }
    eprintln!("{compared} incomplete progressive files compared");
    assert!(compared > 1500, "only {compared} files compared");
    assert!(
        failures.is_empty(),
        "{} differ from djpeg:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// What djpeg writes with `args` for `jpeg`, when it decodes it (with or without
/// warnings).
fn djpeg_file(djpeg: &std::path::Path, args: &[&str], jpeg: &[u8]) -> Option<Vec<u8>> {
    let (code, out, _) = run_with_stdin(djpeg, args, jpeg);
    ((code == 0 || code == 2) && !out.is_empty()).then_some(out)
}

/// `djpeg -targa` (also with `-grayscale` and `-scale 1/2`): jtool's Targa writer over
/// its own decode gives djpeg's file byte for byte on every case djpeg decodes, and
/// `jtool decode` writes the same file for a `.tga` output.
#[test]
fn targa_output_equals_djpegs() {
    use jtool::pixels::targa::encode_targa;
    let Some(djpeg) = tool("djpeg") else { return };
    let (mut compared, mut failures) = (0, Vec::new());
    let dir = tempfile::tempdir().unwrap();
    for (name, path, _) in cases() {
        let jpeg = std::fs::read(&path).unwrap();
        for (gray, half) in [(false, false), (true, false), (false, true)] {
            let mut args = vec!["-dct", "int", "-targa"];
            args.extend(gray.then_some("-grayscale"));
            args.extend(half.then_some(["-scale", "1/2"]).into_iter().flatten());
            let Some(expected) = djpeg_file(&djpeg, &args, &jpeg) else {
                continue;
            };
            compared += 1;
            let opts = DecodeOptions {
                pixels: PixelOptions {
                    gray,
                    scale: jtool::pixels::Scale::from_fraction(1, if half { 2 } else { 1 })
                        .unwrap(),
                    ..Default::default()
                },
                ..Default::default()
            };
            let ours = decode_file(&jpeg, &opts).and_then(|d| encode_targa(&d.image));
            if ours.as_ref().ok() != Some(&expected) {
                failures.push(format!("{name} {}: {:?}", args.join(" "), ours.err()));
            }
            if compared % 16 == 1 {
                // The streamed writer of the command line, now and then.
                let out = dir.path().join("out.tga");
                let mut cmd = assert_cmd::Command::cargo_bin("jtool").unwrap();
                cmd.arg("decode").arg("--quiet");
                cmd.args(gray.then_some("--grayscale"));
                cmd.args(half.then_some(["--scale", "1/2"]).into_iter().flatten());
                cmd.arg(&path).arg(&out).assert().success();
                if std::fs::read(&out).unwrap() != expected {
                    failures.push(format!("{name} {}: jtool decode differs", args.join(" ")));
                }
            }
        }
    }
    assert!(compared > 0 || !common::ci(), "no file compared");
    common::report_failures(&format!("djpeg -targa: {compared} files"), &failures);
}

/// `djpeg -bmp` and `-os2` (also with `-grayscale`, and RGB565 samples dithered or
/// not): jtool's BMP writer over its own decode gives djpeg's file byte for byte, JFIF
/// density in dots per cm included, on every case djpeg decodes.
#[test]
fn bmp_output_equals_djpegs() {
    use jtool::pipeline::pixels::dots_per_cm;
    use jtool::pixels::bmp::{encode_bmp, BmpKind};
    let Some(djpeg) = tool("djpeg") else { return };
    let (mut compared, mut failures) = (0, Vec::new());
    let mut cases = cases();
    // A file whose JFIF density is in dots per cm, which the BMP header records.
    let mut dpcm = std::fs::read(common::testdata_dir().join("meta_420_67x45.jpg")).unwrap();
    let at = dpcm.windows(5).position(|w| w == b"JFIF\0").unwrap();
    dpcm[at + 7..at + 12].copy_from_slice(&[2, 0, 37, 0, 41]);
    let dir = tempfile::tempdir().unwrap();
    let dpcm_path = dir.path().join("dpcm.jpg");
    std::fs::write(&dpcm_path, &dpcm).unwrap();
    cases.push(("dpcm.jpg".into(), dpcm_path, "testdata".into()));
    for (name, path, _) in cases {
        let jpeg = std::fs::read(&path).unwrap();
        let density = jtool::container::JpegFile::parse(&jpeg)
            .ok()
            .and_then(|f| dots_per_cm(&f));
        // (flag, header, -grayscale, -rgb565 with dithering or not)
        for (flag, kind, gray, rgb565) in [
            ("-bmp", BmpKind::Windows, false, None),
            ("-os2", BmpKind::Os2, false, None),
            ("-bmp", BmpKind::Windows, true, None),
            ("-bmp", BmpKind::Windows, false, Some(true)),
            ("-os2", BmpKind::Os2, false, Some(false)),
        ] {
            let mut args = vec!["-dct", "int", flag];
            if gray {
                args.push("-grayscale");
            }
            match rgb565 {
                Some(true) => args.push("-rgb565"),
                Some(false) => args.extend(["-rgb565", "-dither", "none"]),
                None => {}
            }
            let Some(expected) = djpeg_file(&djpeg, &args, &jpeg) else {
                continue;
            };
            compared += 1;
            let opts = DecodeOptions {
                pixels: PixelOptions {
                    gray,
                    rgb565,
                    ..Default::default()
                },
                ..Default::default()
            };
            let ours = decode_file(&jpeg, &opts).and_then(|d| encode_bmp(&d.image, kind, density));
            if ours.as_ref().ok() != Some(&expected) {
                failures.push(format!("{name} {}: {:?}", args.join(" "), ours.err()));
            }
        }
    }
    assert!(compared > 0 || !common::ci(), "no file compared");
    common::report_failures(&format!("djpeg -bmp/-os2: {compared} files"), &failures);
}

/// `djpeg -gif`, `-colors N` (two-pass, with and without dithering), `-onepass` with
/// ordered dithering, gray maps and a colour-mapped Targa, on every case: the same
/// file, byte for byte (the colour map and every index). CMYK and YCCK files, whose four components libjpeg
/// quantizes, are refused by jtool and left out.
#[test]
fn identical_to_djpeg_colour_mapped() {
    use jtool::pixels::quantize::{quantize, Colormapped, Dither, QuantizeOptions};
    let Some(djpeg) = tool("djpeg") else { return };
    let settings: [(&[&str], Option<QuantizeOptions>, bool); 5] = [
        (&["-gif"], None, true),
        (
            &["-colors", "32", "-dither", "none"],
            Some(QuantizeOptions {
                colors: 32,
                dither: Dither::None,
                two_pass: true,
            }),
            false,
        ),
        (
            &["-colors", "64", "-onepass", "-dither", "ordered", "-gif"],
            Some(QuantizeOptions {
                colors: 64,
                dither: Dither::Ordered,
                two_pass: false,
            }),
            true,
        ),
        (
            &["-colors", "200", "-gif0"],
            Some(QuantizeOptions {
                colors: 200,
                ..QuantizeOptions::default()
            }),
            true,
        ),
        (
            &["-colors", "16", "-targa"],
            Some(QuantizeOptions {
                colors: 16,
                ..QuantizeOptions::default()
            }),
            false,
        ),
    ];
    let (mut compared, mut failures) = (0, Vec::new());
    for (name, path, _) in cases() {
        let jpeg = std::fs::read(&path).unwrap();
        let Ok(decoded) = decode_file(&jpeg, &DecodeOptions::default()) else {
            continue;
        };
        if decoded.image.channels != 1 && decoded.image.channels != 3 {
            continue;
        }
        if matches!(
            decoded.color,
            jtool::pixels::ColorSpace::Cmyk | jtool::pixels::ColorSpace::Ycck
        ) {
            continue;
        }
        for (args, quant, gif) in &settings {
            let mut argv = vec!["-dct", "int"];
            argv.extend(args.iter());
            let (code, expected, _) = run_with_stdin(&djpeg, &argv, &jpeg);
            let img = &decoded.image;
            let mapped = match quant {
                None if img.channels == 1 => Colormapped::gray_levels(img),
                None => quantize(img, &QuantizeOptions::default()),
                Some(q) => quantize(img, q),
            };
            let ours = mapped.and_then(|m| match (gif, args.contains(&"-targa")) {
                (true, _) => m.gif(!args.contains(&"-gif0")),
                (false, true) => jtool::pixels::targa::encode_targa_mapped(&m),
                (false, false) => encode_pnm(&m.demapped()),
            });
            if code != 0 {
                continue; // djpeg refuses (fewer colours than a gray image allows…)
            }
            compared += 1;
            if ours.as_ref().ok() != Some(&expected) {
                failures.push(format!("{name} {}: {:?}", args.join(" "), ours.err()));
            }
        }
    }
    eprintln!("colour-mapped output: {compared} runs compared");
    assert!(compared > 0 || !common::ci(), "no file compared");
    assert!(
        failures.is_empty(),
        "differ from djpeg:\n{}",
        failures.join("\n")
    );
}
