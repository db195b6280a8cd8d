//! `--via-pixels`: the pixel path of the transforms and of `requantize`, against the
//! lossless path (size, tables, sampling, metadata, `compare`) and against djpeg → pixel
//! transform → cjpeg (identical coefficients).

mod common;

use assert_cmd::Command;
use jtool::coeffs::CoefficientImage;
use jtool::container::{classify, JpegFile};
use jtool::pipeline::lab::{self, LabVerdict, RequantTarget, RequantizeOptions};
use jtool::pipeline::pixels::{decode_file, DecodeOptions};
use jtool::pipeline::{self, via_pixels, CopyOptions, TransformOptions, Transformed};
use jtool::pixels::{image_io, PixelImage};
use jtool::transform::{CropSpec, EdgePolicy, Orientation, Request, ALL_ORIENTATIONS};
use std::path::{Path, PathBuf};

/// Test files: 4:2:0 odd size, 4:4:4, gray, 4:2:2 with restarts, 16-bit tables, metadata.
const FILES: &[&str] = &[
    "baseline_420_q85_67x45.jpg",
    "opt_444_q90_67x45.jpg",
    "gray_q90_67x45.jpg",
    "rst1row_422_q80_67x45.jpg",
    "qt16_q10_33x17.jpg",
    "meta_420_67x45.jpg",
    "sub440_q80_67x45.jpg",
];

/// A camera photo from the corpus, when the corpus is there.
const CORPUS_PHOTO: &str = "valid/cam_canon_digital_ixus_640x480.jpg";

fn files() -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = FILES
        .iter()
        .map(|f| {
            let p = common::testdata_dir().join(f);
            (f.to_string(), std::fs::read(p).unwrap())
        })
        .collect();
    if let Some(c) = common::corpus_dir() {
        let p = c.join(CORPUS_PHOTO);
        if let Ok(d) = std::fs::read(&p) {
            v.push((CORPUS_PHOTO.into(), d));
        }
    }
    v
}

fn coeffs(data: &[u8]) -> CoefficientImage {
    let file = JpegFile::parse(data).unwrap();
    jtool::entropy::decode(&file, &Default::default())
        .unwrap()
        .image
}

fn opts(o: Orientation, crop: Option<&str>, edge: EdgePolicy, gray: bool) -> TransformOptions {
    TransformOptions {
        request: Request {
            orientation: o,
            crop: crop.map(|c| CropSpec::parse(c).unwrap()),
            edge,
            grayscale: gray,
        },
        output: CopyOptions::default(),
        reset_orientation: false,
    }
}

/// Both paths for one request.
fn both(data: &[u8], o: &TransformOptions) -> (Transformed, Transformed) {
    try_both(data, o).expect("both paths succeed")
}

/// Both paths, or `None` when the request does not fit the image (then both refuse) or
/// expands it (a crop larger than the image, which the pixel path refuses).
fn try_both(data: &[u8], o: &TransformOptions) -> Option<(Transformed, Transformed)> {
    match (pipeline::transform(data, o), via_pixels::transform(data, o)) {
        (Ok(l), Ok(p)) => Some((l, p)),
        (Err(a), Err(b)) => {
            assert_eq!(a.to_string(), b.to_string());
            None
        }
        (Ok(l), Err(e)) if l.plan.placed != (None, None) => {
            assert!(e.to_string().contains("larger than the image"), "{e}");
            None
        }
        (a, b) => panic!("{:?} / {:?}", a.err(), b.err()),
    }
}

/// The requests every file goes through.
fn requests() -> Vec<(String, TransformOptions)> {
    let mut v = Vec::new();
    for o in ALL_ORIENTATIONS {
        for edge in [EdgePolicy::Keep, EdgePolicy::Trim] {
            v.push((format!("{} {edge:?}", o.name()), opts(o, None, edge, false)));
        }
    }
    v.push((
        "grayscale".into(),
        opts(Orientation::Identity, None, EdgePolicy::Keep, true),
    ));
    v.push((
        "crop".into(),
        opts(
            Orientation::Identity,
            Some("30x20+5+7"),
            EdgePolicy::Keep,
            false,
        ),
    ));
    v.push((
        "rotate 90 crop".into(),
        opts(
            Orientation::Rot90,
            Some("20x30+9+3"),
            EdgePolicy::Keep,
            false,
        ),
    ));
    v.push((
        "transverse crop exact trim".into(),
        opts(
            Orientation::Transverse,
            Some("20fx13f+1+2"),
            EdgePolicy::Trim,
            false,
        ),
    ));
    v.push((
        "flip gray crop".into(),
        opts(Orientation::FlipH, Some("+8+8"), EdgePolicy::Keep, true),
    ));
    v
}

/// Whether the lossless output of `o` is a true transform of its source pixels (so the
/// pixel path shows the same pixels): every mirrored axis is whole iMCUs.
fn like_for_like(l: &Transformed, o: &TransformOptions) -> bool {
    let p = &l.plan;
    let (_, fx, fy) = p.orientation.parts();
    let whole = |full: usize, imcu: u32, x: u32, w: u32| x + w <= full as u32 * imcu;
    o.request.edge == EdgePolicy::Trim
        || ((!fx || whole(p.full_imcus.0, p.imcu.0, p.region.x, p.width))
            && (!fy || whole(p.full_imcus.1, p.imcu.1, p.region.y, p.height)))
}

#[test]
fn pixel_path_has_the_lossless_size_tables_and_sampling() {
    for (name, data) in files() {
        for (what, o) in requests() {
            let Some((l, p)) = try_both(&data, &o) else {
                continue;
            };
            assert_eq!(l.plan, p.plan, "{name} {what}");
            let (lc, pc) = (coeffs(&l.output.bytes), coeffs(&p.output.bytes));
            assert_eq!(
                (pc.width, pc.height),
                (l.plan.width, l.plan.height),
                "{name} {what}"
            );
            assert_eq!(pc.components.len(), lc.components.len(), "{name} {what}");
            for (a, b) in lc.components.iter().zip(&pc.components) {
                assert_eq!(a.quant.values, b.quant.values, "{name} {what}: tables");
                assert_eq!((a.id, a.quant_slot), (b.id, b.quant_slot), "{name} {what}");
                if lc.components.len() > 1 {
                    assert_eq!((a.h, a.v), (b.h, b.v), "{name} {what}: sampling");
                }
            }
            let px = decode_file(&p.output.bytes, &DecodeOptions::default()).unwrap();
            assert_eq!((px.image.width, px.image.height), (pc.width, pc.height));

            let c = lab::compare(&l.output.bytes, &p.output.bytes).unwrap();
            let m = c.pixels.as_ref().expect("same shape");
            match c.verdict {
                LabVerdict::ReEncoded => {
                    let psnr = m.psnr.expect("different pixels");
                    assert!(psnr.is_finite() && psnr > 5.0, "{name} {what}: {psnr}");
                    if like_for_like(&l, &o) {
                        // The same pixels, one generation apart.
                        assert!(psnr > 30.0, "{name} {what}: {psnr:.2} dB");
                    }
                }
                // A decode → encode fixed point (high-quality 4:4:4 images can be one).
                LabVerdict::IdenticalCoefficients => assert!(m.psnr.is_none()),
                v => panic!("{name} {what}: {v:?}"),
            }
        }
    }
}

#[test]
fn pixel_path_keeps_metadata_and_auto_orient_resets_orientation() {
    let data = std::fs::read(common::testdata_dir().join("meta_420_67x45.jpg")).unwrap();
    let classes = |d: &[u8]| -> Vec<_> {
        JpegFile::parse(d)
            .unwrap()
            .segments()
            .filter(|s| s.marker.0 >= 0xE0 || s.marker.0 == 0xFE)
            .map(classify)
            .collect()
    };
    let o = opts(Orientation::Rot90, None, EdgePolicy::Trim, false);
    let (l, p) = both(&data, &o);
    assert_eq!(classes(&l.output.bytes), classes(&p.output.bytes));
    assert!(classes(&data).len() >= 2);

    let orientation = |d: &[u8]| {
        JpegFile::parse(d)
            .unwrap()
            .segments()
            .find_map(|s| jtool::container::edit::exif_orientation(s.body))
    };
    let before = orientation(&data).expect("the sample has an Exif Orientation");
    assert_ne!(before, 1);
    let o = opts(Orientation::Identity, None, EdgePolicy::Keep, false);
    let l = pipeline::auto_orient(&data, &o).unwrap();
    let p = via_pixels::auto_orient(&data, &o).unwrap();
    assert_eq!(l.plan, p.plan);
    assert_eq!(orientation(&p.output.bytes), Some(1));
    assert_eq!(classes(&l.output.bytes), classes(&p.output.bytes));
}

#[test]
fn pixel_path_follows_coding_options() {
    let data = std::fs::read(common::testdata_dir().join("rst1row_422_q80_67x45.jpg")).unwrap();
    let o = opts(Orientation::Rot270, None, EdgePolicy::Keep, false);
    let (l, p) = both(&data, &o);
    let info = |d: &[u8]| {
        let f = JpegFile::parse(d).unwrap();
        let d = jtool::entropy::decode(&f, &Default::default()).unwrap();
        (d.frame.marker, d.restart_interval)
    };
    assert_eq!(info(&l.output.bytes), info(&p.output.bytes));
    let mut prog = o.clone();
    prog.output.mode = Some(jtool::entropy::CodingMode::Progressive);
    let p = via_pixels::transform(&data, &prog).unwrap();
    assert!(info(&p.output.bytes).0.is_progressive_sof());
}

#[test]
fn pixel_path_refuses_what_it_cannot_encode() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let m = common::manifest(&corpus);
    let cmyk = m
        .values()
        .filter(|r| r["file"].starts_with("valid/") && r["components"] == "4")
        .map(|r| corpus.join(&r["file"]))
        .find(|p| p.is_file());
    if let Some(p) = cmyk {
        let data = std::fs::read(p).unwrap();
        let o = opts(Orientation::Rot90, None, EdgePolicy::Keep, false);
        assert!(via_pixels::transform(&data, &o).is_err());
    }
}

// ---------------------------------------------------------------------------------------
// oracle: djpeg → transform the PPM here → cjpeg with the same tables and sampling

/// The reference pixel transform, written per orientation (independent of the library's
/// transpose-then-mirror decomposition).
fn orient_ref(img: &PixelImage, o: Orientation) -> PixelImage {
    let (w, h) = (img.width as usize, img.height as usize);
    let t = o.swaps_axes();
    let (ow, oh) = if t { (h, w) } else { (w, h) };
    let c = img.channels;
    let mut data = Vec::with_capacity(ow * oh * c);
    for y in 0..oh {
        for x in 0..ow {
            let (sx, sy) = match o {
                Orientation::Identity => (x, y),
                Orientation::FlipH => (w - 1 - x, y),
                Orientation::FlipV => (x, h - 1 - y),
                Orientation::Rot180 => (w - 1 - x, h - 1 - y),
                Orientation::Transpose => (y, x),
                Orientation::Rot90 => (y, h - 1 - x),
                Orientation::Rot270 => (w - 1 - y, x),
                Orientation::Transverse => (w - 1 - y, h - 1 - x),
            };
            let s = (sy * w + sx) * c;
            data.extend_from_slice(&img.data[s..s + c]);
        }
    }
    PixelImage {
        width: ow as u32,
        height: oh as u32,
        channels: c,
        data,
    }
}

fn crop_ref(img: &PixelImage, x: usize, y: usize, w: usize, h: usize) -> PixelImage {
    let c = img.channels;
    let stride = img.width as usize * c;
    let mut data = Vec::new();
    for row in y..y + h {
        data.extend_from_slice(&img.data[row * stride + x * c..row * stride + (x + w) * c]);
    }
    PixelImage {
        width: w as u32,
        height: h as u32,
        channels: c,
        data,
    }
}

/// `cjpeg -dct int -quality 50 -qtables … -qslots … -sample …` of `img` with the tables
/// and sampling of `like` (quality 50 scales -qtables tables by 100%: used as given).
fn cjpeg_like(cjpeg: &Path, dir: &Path, img: &PixelImage, like: &CoefficientImage) -> Vec<u8> {
    let mut tables: Vec<[u16; 64]> = Vec::new();
    let mut slots = Vec::new();
    for comp in &like.components {
        let i = match tables.iter().position(|t| *t == comp.quant.values) {
            Some(i) => i,
            None => {
                tables.push(comp.quant.values);
                tables.len() - 1
            }
        };
        slots.push(i.to_string());
    }
    let text: String = tables
        .iter()
        .map(|t| t.iter().map(|v| format!("{v} ")).collect::<String>() + "\n")
        .collect();
    let qfile = dir.join("qtables.txt");
    std::fs::write(&qfile, text).unwrap();
    let q = qfile.to_str().unwrap().to_string();
    let slots = slots.join(",");
    let sample = format!("{}x{}", like.components[0].h, like.components[0].v);
    let mut args = vec![
        "-dct",
        "int",
        "-optimize",
        "-quality",
        "50",
        "-qtables",
        &q,
        "-qslots",
        &slots,
    ];
    if like.components.len() > 1 {
        args.extend(["-sample", &sample]);
    }
    let input = image_io::encode_pnm(img).unwrap();
    let (code, out, err) = common::run_with_stdin(cjpeg, &args, &input);
    assert_eq!(code, 0, "cjpeg {args:?}: {err}");
    out
}

fn djpeg_pixels(djpeg: &Path, data: &[u8], gray: bool) -> PixelImage {
    let args: &[&str] = if gray {
        &["-dct", "int", "-grayscale"]
    } else {
        &["-dct", "int"]
    };
    let (code, out, err) = common::run_with_stdin(djpeg, args, data);
    assert!(code == 0, "djpeg: {err}");
    image_io::read_image(&out).unwrap()
}

/// For every orientation (default edge policy and --trim), grayscale and an offset crop:
/// the pixel path's coefficients equal cjpeg's for djpeg's pixels put through the
/// reference transform.
#[test]
fn pixel_path_equals_djpeg_transform_cjpeg() {
    let (Some(djpeg), Some(cjpeg)) = (common::tool("djpeg"), common::tool("cjpeg")) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for (name, data) in files() {
        // (request, source rectangle x, y; its size follows from the output's)
        let mut cases: Vec<(TransformOptions, (usize, usize))> = Vec::new();
        for o in ALL_ORIENTATIONS {
            for edge in [EdgePolicy::Keep, EdgePolicy::Trim] {
                cases.push((opts(o, None, edge, false), (0, 0)));
            }
        }
        cases.push((
            opts(Orientation::Identity, None, EdgePolicy::Keep, true),
            (0, 0),
        ));
        cases.push((
            opts(
                Orientation::Identity,
                Some("20x10+17+17"),
                EdgePolicy::Keep,
                false,
            ),
            (16, 16),
        ));
        for (o, (sx, sy)) in cases {
            let what = format!("{name} {:?}", o.request);
            let Some((_, p)) = try_both(&data, &o) else {
                continue;
            };
            let pc = coeffs(&p.output.bytes);
            let src = djpeg_pixels(&djpeg, &data, o.request.grayscale);
            let (w, h) = if o.request.orientation.swaps_axes() {
                (pc.height, pc.width)
            } else {
                (pc.width, pc.height)
            };
            let img = crop_ref(&src, sx, sy, w as usize, h as usize);
            let img = orient_ref(&img, o.request.orientation);
            if pc.components.len() == 3 && ![1, 2].contains(&pc.components[0].h) {
                continue; // sampling cjpeg's -sample cannot express
            }
            let c = cjpeg_like(&cjpeg, dir.path(), &img, &pc);
            let cmp = lab::compare(&c, &p.output.bytes).unwrap();
            assert_eq!(cmp.verdict, LabVerdict::IdenticalCoefficients, "{what}");
            checked += 1;
        }
    }
    assert!(checked >= 100, "{checked}");
}

// ---------------------------------------------------------------------------------------
// requantize

fn requant(data: &[u8], target: RequantTarget, via_pixels: bool) -> Vec<u8> {
    lab::requantize(
        data,
        &RequantizeOptions {
            target,
            via_pixels,
            output: CopyOptions::default(),
        },
    )
    .unwrap()
    .bytes
}

#[test]
fn requantize_tables_from_via_pixels_takes_the_files_tables() {
    let dir = common::testdata_dir();
    let src = std::fs::read(dir.join("baseline_420_q85_67x45.jpg")).unwrap();
    for other in [
        "opt_444_q90_67x45.jpg",
        "qt16_q10_33x17.jpg",
        "rst1row_422_q80_67x45.jpg",
    ] {
        let other = std::fs::read(dir.join(other)).unwrap();
        let p = requant(&src, RequantTarget::TablesFrom(other.clone()), true);
        let c = requant(&src, RequantTarget::TablesFrom(other.clone()), false);
        let (pc, cc, oc) = (coeffs(&p), coeffs(&c), coeffs(&other));
        for (i, comp) in pc.components.iter().enumerate() {
            assert_eq!(comp.quant.values, cc.components[i].quant.values);
            assert_eq!(comp.quant.values, oc.components[i].quant.values);
        }
        let s = coeffs(&src);
        let factors = |c: &CoefficientImage| -> Vec<(u8, u8)> {
            c.components.iter().map(|c| (c.h, c.v)).collect()
        };
        assert_eq!(factors(&pc), factors(&s), "the source's sampling");
        let cmp = lab::compare(&c, &p).unwrap();
        assert_eq!(cmp.verdict, LabVerdict::ReEncoded);
        assert!(cmp.pixels.unwrap().psnr.unwrap() > 25.0);
    }
}

#[test]
fn requantize_same_via_pixels_keeps_tables_and_metadata() {
    let src = std::fs::read(common::testdata_dir().join("meta_420_67x45.jpg")).unwrap();
    let p = requant(&src, RequantTarget::Same, true);
    let (pc, sc) = (coeffs(&p), coeffs(&src));
    for (a, b) in pc.components.iter().zip(&sc.components) {
        assert_eq!(a.quant.values, b.quant.values);
    }
    let n = |d: &[u8]| JpegFile::parse(d).unwrap().segments().count();
    assert_eq!(n(&p), n(&requant(&src, RequantTarget::Same, false)));
}

// ---------------------------------------------------------------------------------------
// command line

fn jtool() -> Command {
    Command::cargo_bin("jtool").unwrap()
}

#[test]
fn every_transform_subcommand_takes_via_pixels() {
    let d = tempfile::tempdir().unwrap();
    let input: PathBuf = common::testdata_dir().join("meta_420_67x45.jpg");
    let runs: &[&[&str]] = &[
        &["rotate", "90"],
        &["flip", "h"],
        &["transpose"],
        &["transverse"],
        &["auto-orient"],
        &["grayscale"],
        &["crop", "--geometry", "30x20+5+7"],
        &[
            "transform",
            "--rotate",
            "270",
            "--crop",
            "20x20+3+3",
            "--trim",
        ],
    ];
    for args in runs {
        let (l, p) = (d.path().join("l.jpg"), d.path().join("p.jpg"));
        jtool().args(*args).arg(&input).arg(&l).assert().success();
        jtool()
            .args(*args)
            .arg("--via-pixels")
            .arg(&input)
            .arg(&p)
            .assert()
            .success();
        let out = jtool().arg("compare").arg(&l).arg(&p).assert().success();
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(text.contains("re-encoded"), "{args:?}: {text}");
        assert!(
            text.contains("PSNR") && !text.contains("inf dB"),
            "{args:?}: {text}"
        );
    }
}

#[test]
fn requantize_tables_from_via_pixels_on_the_command_line() {
    let d = tempfile::tempdir().unwrap();
    let t = common::testdata_dir();
    let out = d.path().join("q.jpg");
    jtool()
        .args(["requantize", "--via-pixels", "--tables-from"])
        .arg(t.join("qt16_q10_33x17.jpg"))
        .arg(t.join("baseline_420_q85_67x45.jpg"))
        .arg(&out)
        .assert()
        .success();
    let q = coeffs(&std::fs::read(&out).unwrap());
    let o = coeffs(&std::fs::read(t.join("qt16_q10_33x17.jpg")).unwrap());
    assert_eq!(q.components[0].quant.values, o.components[0].quant.values);
    assert_eq!(q.components[2].quant.values, o.components[2].quant.values);
}
