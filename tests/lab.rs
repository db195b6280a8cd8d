//! The re-encode lab: compare, requantize, generations.

mod common;

use jtool::pipeline::lab::{
    self, GenOp, GenOptions, GenPath, LabVerdict, RequantTarget, RequantizeOptions,
};
use jtool::pipeline::pixels::{decode_file, DecodeOptions};
use jtool::pipeline::{self, CopyOptions, TransformOptions};
use jtool::pixels::metrics;
use jtool::transform::{CropSpec, Orientation, Request};
use std::path::PathBuf;

fn baseline() -> Vec<u8> {
    std::fs::read(common::testdata_dir().join("baseline_420_q85_67x45.jpg")).unwrap()
}

fn transformed(data: &[u8], o: Orientation, crop: Option<&str>) -> Vec<u8> {
    let req = Request {
        orientation: o,
        crop: crop.map(|c| CropSpec::parse(c).unwrap()),
        ..Request::default()
    };
    pipeline::transform(
        data,
        &TransformOptions {
            request: req,
            output: CopyOptions::default(),
            reset_orientation: false,
        },
    )
    .unwrap()
    .output
    .bytes
}

fn coeff_hash(data: &[u8]) -> String {
    let file = jtool::container::JpegFile::parse(data).unwrap();
    let d = jtool::entropy::decode(&file, &Default::default()).unwrap();
    pipeline::coefficient_hash(&d.image)
}

fn decode(data: &[u8]) -> jtool::pixels::PixelImage {
    decode_file(data, &DecodeOptions::default()).unwrap().image
}

/// Up to `n` valid 8-bit, Huffman-coded, 4:2:0 three-component corpus files.
fn corpus_420(n: usize) -> Vec<PathBuf> {
    let Some(corpus) = common::corpus_dir() else {
        return Vec::new();
    };
    let m = common::manifest(&corpus);
    let mut v: Vec<&common::Row> = m
        .values()
        .filter(|r| {
            r["file"].starts_with("valid/")
                && r["sampling"] == "2x2,1x1,1x1"
                && r["components"] == "3"
                && r["arithmetic"] == "no"
                && r["precision"] == "8"
                && r["djpeg_ok"] == "yes"
        })
        .collect();
    v.sort_by(|a, b| a["file"].cmp(&b["file"]));
    v.iter()
        .map(|r| corpus.join(&r["file"]))
        .filter(|p| p.is_file())
        .take(n)
        .collect()
}

#[test]
fn compare_copy_is_identical() {
    let a = baseline();
    let b = pipeline::copy(&a, &CopyOptions::default()).unwrap().bytes;
    let c = lab::compare(&a, &b).unwrap();
    assert_eq!(
        c.verdict,
        LabVerdict::IdenticalCoefficients,
        "{}",
        c.summary
    );
    assert_eq!(c.pixels.as_ref().unwrap().psnr, None);
    let cc = c.coefficients.unwrap();
    assert_eq!(cc.identical_blocks, cc.total_blocks);
    assert!(cc.same_quant_tables);
    serde_json::to_string(&lab::compare(&a, &b).unwrap()).unwrap();
}

#[test]
fn compare_rotate90_is_lossless_transform() {
    let a = baseline();
    let b = transformed(&a, Orientation::Rot90, None);
    let c = lab::compare(&a, &b).unwrap();
    match &c.verdict {
        LabVerdict::LosslessTransform {
            orientation,
            exif,
            cropped,
            ..
        } => {
            assert_eq!(orientation, "rotate 90");
            assert_eq!(*exif, 6);
            assert!(!cropped);
        }
        v => panic!("{v:?}"),
    }
    assert!(c.pixels.is_none()); // 45x67 vs 67x45
}

#[test]
fn compare_finds_crops_and_flips() {
    let a = baseline();
    for (o, crop) in [
        (Orientation::Identity, "32x16+16+16"),
        (Orientation::FlipH, "20x20+32+0"),
        (Orientation::Rot270, "16x32+0+16"),
    ] {
        let b = transformed(&a, o, Some(crop));
        let c = lab::compare(&a, &b).unwrap();
        match &c.verdict {
            LabVerdict::LosslessTransform {
                orientation,
                cropped,
                ..
            } => {
                assert_eq!(orientation, o.name(), "{crop}");
                assert!(*cropped, "{crop}");
            }
            v => panic!("{:?} {crop}: {v:?}", o),
        }
        eprintln!("{:?} {crop}: {}", o, c.summary);
    }
}

#[test]
fn compare_reencode_is_reencoded() {
    let a = baseline();
    let b = lab::requantize(
        &a,
        &RequantizeOptions {
            target: RequantTarget::Quality(85),
            via_pixels: true,
            output: CopyOptions::default(),
        },
    )
    .unwrap()
    .bytes;
    let c = lab::compare(&a, &b).unwrap();
    assert_eq!(c.verdict, LabVerdict::ReEncoded, "{}", c.summary);
    let m = c.pixels.unwrap();
    assert!(m.psnr.unwrap() > 30.0, "{m:?}");
    assert!(m.ssim > 0.9 && m.ssim < 1.0, "{m:?}");
}

#[test]
fn requantize_same_is_lossless() {
    let a = baseline();
    let b = lab::requantize(
        &a,
        &RequantizeOptions {
            target: RequantTarget::Same,
            via_pixels: false,
            output: CopyOptions::default(),
        },
    )
    .unwrap()
    .bytes;
    assert_eq!(coeff_hash(&a), coeff_hash(&b));
    assert_eq!(decode(&a), decode(&b));
}

#[test]
fn requant_rounding() {
    assert_eq!(lab::requant_coef(3, 10, 20), 2); // 1.5 → 2
    assert_eq!(lab::requant_coef(-3, 10, 20), -2); // −1.5 → −2
    assert_eq!(lab::requant_coef(5, 10, 30), 2); // 1.67
    assert_eq!(lab::requant_coef(1, 10, 30), 0);
    assert_eq!(lab::requant_coef(7, 5, 5), 7);
}

#[test]
fn requantize_tables_from() {
    let a = baseline();
    let q50 = lab::requantize(
        &a,
        &RequantizeOptions {
            target: RequantTarget::Quality(50),
            via_pixels: false,
            output: CopyOptions::default(),
        },
    )
    .unwrap()
    .bytes;
    let from = lab::requantize(
        &a,
        &RequantizeOptions {
            target: RequantTarget::TablesFrom(q50.clone()),
            via_pixels: false,
            output: CopyOptions::default(),
        },
    )
    .unwrap()
    .bytes;
    assert_eq!(coeff_hash(&q50), coeff_hash(&from));
}

/// Coefficient-domain requantization to quality 50 against decode → cjpeg -quality 50
/// (same tables): PSNR against the original decode.
#[test]
fn coefficient_requantization_beats_pixel_path() {
    let mut files = vec![common::testdata_dir().join("baseline_420_q85_67x45.jpg")];
    files.extend(corpus_420(10));
    let (mut sum_c, mut sum_p, mut n) = (0.0, 0.0, 0);
    for f in &files {
        let data = std::fs::read(f).unwrap();
        let orig = decode(&data);
        let opts = |via_pixels| RequantizeOptions {
            target: RequantTarget::Quality(50),
            via_pixels,
            output: CopyOptions::default(),
        };
        let (Ok(c), Ok(p)) = (
            lab::requantize(&data, &opts(false)),
            lab::requantize(&data, &opts(true)),
        ) else {
            eprintln!("skipped {}", f.display());
            continue;
        };
        let mc = metrics::compare(&orig, &decode(&c.bytes)).unwrap();
        let mp = metrics::compare(&orig, &decode(&p.bytes)).unwrap();
        let (pc, pp) = (mc.psnr.unwrap_or(99.0), mp.psnr.unwrap_or(99.0));
        eprintln!(
            "{}: coefficients {pc:.2} dB ({} B, SSIM {:.4}), pixels {pp:.2} dB ({} B, SSIM {:.4})",
            f.file_name().unwrap().to_string_lossy(),
            c.bytes.len(),
            mc.ssim,
            p.bytes.len(),
            mp.ssim
        );
        sum_c += pc;
        sum_p += pp;
        n += 1;
    }
    let (ac, ap) = (sum_c / n as f64, sum_p / n as f64);
    eprintln!(
        "average over {n} files: coefficients {ac:.2} dB, pixels {ap:.2} dB, gap {:+.2} dB",
        ac - ap
    );
    assert!(n >= 1);
    assert!(
        ac >= ap,
        "coefficient path {ac:.2} dB < pixel path {ap:.2} dB"
    );
}

fn gen_check(data: &[u8], name: &str) {
    let r = lab::generations(
        data,
        &GenOptions {
            n: 30,
            quality: None,
            op: GenOp::None,
            path: GenPath::Both,
        },
    )
    .unwrap();
    let pix = r.paths.iter().find(|p| p.path == GenPath::Pixels).unwrap();
    let coe = r
        .paths
        .iter()
        .find(|p| p.path == GenPath::Coefficients)
        .unwrap();
    assert!(
        pix.note.is_none() && coe.note.is_none(),
        "{:?} {:?}",
        pix.note,
        coe.note
    );
    // Coefficient path: every generation from 1 on is the same file.
    let g1 = &coe.rows[1].sha256;
    assert!(coe.rows[1..].iter().all(|r| &r.sha256 == g1));
    assert!(
        coe.rows[1..].iter().all(|r| r.psnr_vs_first.is_none()),
        "coefficient path must be lossless"
    );
    assert!(coe.fixed_point.unwrap() <= 2);
    let fp = pix.fixed_point;
    eprintln!(
        "{name}: pixel path q{} fixed point at generation {fp:?}; PSNR vs gen 0: g1 {}, g{} {}",
        r.pixel_quality.unwrap(),
        metrics::fmt_psnr(pix.rows[1].psnr_vs_first),
        pix.rows.len() - 1,
        metrics::fmt_psnr(pix.rows.last().unwrap().psnr_vs_first)
    );
    assert!(
        fp.is_some_and(|g| g <= 30),
        "{name}: no fixed point within 30 generations"
    );
}

#[test]
fn generations_fixed_points() {
    gen_check(&baseline(), "baseline_420_q85_67x45");
    if let Some(corpus) = common::corpus_dir() {
        // A camera photo (4:2:0) whose tables are IJG quality-75 tables.
        let d = std::fs::read(corpus.join("valid/cam_fujifilm_finepix40i_600x450.jpg")).unwrap();
        gen_check(&d, "cam_fujifilm_finepix40i_600x450");
    }
}

#[test]
fn rot90_four_times_on_coefficients_is_identity() {
    let a = baseline();
    let r = lab::generations(
        &a,
        &GenOptions {
            n: 4,
            quality: None,
            op: GenOp::Rot90,
            path: GenPath::Coefficients,
        },
    )
    .unwrap();
    let coe = &r.paths[0];
    assert_eq!(coe.rows.len(), 5, "{:?}", coe.note);
    assert!(coe.rows[1..]
        .iter()
        .all(|r| r.changed_blocks_vs_prev == Some(0)));
    let mut b = a.clone();
    for _ in 0..4 {
        b = transformed(&b, Orientation::Rot90, None);
    }
    assert_eq!(coeff_hash(&a), coeff_hash(&b));
}

#[test]
fn generations_shift_and_rot90_pixels() {
    let a = baseline();
    let r = lab::generations(
        &a,
        &GenOptions {
            n: 3,
            quality: Some(85),
            op: GenOp::Shift,
            path: GenPath::Both,
        },
    )
    .unwrap();
    assert_eq!(r.paths[0].rows.len(), 4);
    assert_eq!(
        (r.paths[0].rows[3].width, r.paths[0].rows[3].height),
        (64, 42)
    );
    assert!(r.paths[0].rows[3].psnr_vs_first.unwrap() > 25.0);
    assert!(r.paths[1].note.as_deref().unwrap().starts_with("n/a"));
    let r = lab::generations(
        &a,
        &GenOptions {
            n: 4,
            quality: Some(85),
            op: GenOp::Rot90,
            path: GenPath::Pixels,
        },
    )
    .unwrap();
    assert!(r.paths[0].rows[4].psnr_vs_first.unwrap() > 25.0);
    serde_json::to_string(&r).unwrap();
}

#[test]
fn compare_finds_trimmed_transform() {
    let a = baseline();
    let req = Request {
        orientation: Orientation::Rot90,
        edge: jtool::transform::EdgePolicy::Trim,
        ..Request::default()
    };
    let b = pipeline::transform(
        &a,
        &TransformOptions {
            request: req,
            output: CopyOptions::default(),
            reset_orientation: false,
        },
    )
    .unwrap()
    .output
    .bytes;
    let c = lab::compare(&a, &b).unwrap();
    match &c.verdict {
        LabVerdict::LosslessTransform {
            orientation, crop, ..
        } => {
            assert_eq!(orientation, "rotate 90");
            assert_eq!((crop.x, crop.y), (0, 0));
        }
        v => panic!("{v:?}"),
    }
    eprintln!("trim: {}", c.summary);
}

/// `requantize --size` (`RequantTarget::MaxBytes`): a target the lossless copy meets
/// gives that copy; a smaller one the highest IJG quality that fits (the next quality
/// up does not); an unreachable one quality 1 and a warning.
#[test]
fn requantize_to_a_size() {
    let a = baseline();
    let run = |target| {
        lab::requantize(
            &a,
            &RequantizeOptions {
                target,
                via_pixels: false,
                output: CopyOptions::default(),
            },
        )
        .unwrap()
    };
    let copy = jtool::pipeline::copy(&a, &CopyOptions::default())
        .unwrap()
        .bytes;
    let same = run(RequantTarget::MaxBytes(copy.len() as u64));
    assert_eq!(same.bytes, copy);
    assert!(same.warnings.is_empty());
    let target = copy.len() as u64 * 6 / 10;
    let fit = run(RequantTarget::MaxBytes(target));
    assert!(fit.bytes.len() as u64 <= target && fit.warnings.is_empty());
    let q = jtool::inspect::inspect(&fit.bytes)
        .unwrap()
        .quality
        .unwrap()
        .quality;
    assert!(q < 100);
    let next = run(RequantTarget::Quality(q + 1)).bytes;
    assert!(next.len() as u64 > target, "quality {} fits too", q + 1);
    let tiny = run(RequantTarget::MaxBytes(100));
    assert_eq!(tiny.bytes, run(RequantTarget::Quality(1)).bytes);
    assert_eq!(tiny.warnings.len(), 1);
    assert!(lab::requantize(
        &a,
        &RequantizeOptions {
            target: RequantTarget::MaxBytes(100),
            via_pixels: true,
            output: CopyOptions::default(),
        },
    )
    .is_err());
}
