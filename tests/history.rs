//! `inspect --history`: traces of an earlier compression (double quantization) in the
//! luminance coefficients. One compression must show none; a second one at a higher
//! quality must be found, with the first quality; cjpeg/djpeg round trips are the
//! oracle for "a real re-save".

mod common;

use assert_cmd::Command;
use common::{djpeg, photo_like, run_with_stdin, tool};
use jtool::entropy::Limits;
use jtool::inspect::history::{CompressionHistory, HistoryVerdict};
use jtool::pipeline::pixels::{decode_file, DecodeOptions};
use jtool::pipeline::{encode_pixels, inspect_with_history, PixelEncodeOptions};
use jtool::pixels::PixelImage;

fn encode(img: &PixelImage, quality: u8) -> Vec<u8> {
    let mut opts = PixelEncodeOptions::default();
    opts.params.quality = quality;
    encode_pixels(img, &opts).unwrap()
}

fn history(jpeg: &[u8]) -> Option<CompressionHistory> {
    inspect_with_history(jpeg, &Limits::default())
        .unwrap()
        .compression_history
}

fn recompress(jpeg: &[u8], quality: u8) -> Vec<u8> {
    let px = decode_file(jpeg, &DecodeOptions::default()).unwrap().image;
    encode(&px, quality)
}

#[test]
fn one_compression_shows_no_earlier_one() {
    let img = photo_like(512, 384);
    for q in [50, 60, 75, 90, 95] {
        let h = history(&encode(&img, q)).unwrap();
        assert_eq!(
            h.verdict,
            HistoryVerdict::NoEvidence,
            "Q{q}: {}",
            h.summary()
        );
        assert!(h.tested >= 12, "{}", h.summary());
        assert_eq!(h.earlier_ijg_quality, None);
    }
}

#[test]
fn a_second_compression_at_a_higher_quality_names_the_first() {
    let img = photo_like(512, 384);
    for (first, second) in [(60, 90), (70, 85), (80, 95)] {
        let h = history(&recompress(&encode(&img, first), second)).unwrap();
        let s = h.summary();
        assert_eq!(h.verdict, HistoryVerdict::EarlierCompression, "{s}");
        assert_eq!(h.earlier_ijg_quality, Some(first), "{s}");
        assert!(s.contains(&format!("IJG quality {first}")), "{s}");
        let f = h.frequencies.iter().find(|f| f.zigzag == 1).unwrap();
        assert!(f.evidence && f.best_step > f.step, "{f:?}");
    }
}

#[test]
fn tiny_and_flat_images_are_not_judged() {
    // One block wide: nothing to shift the grid over.
    assert_eq!(history(&encode(&photo_like(8, 40), 75)), None);
    let flat = PixelImage {
        width: 256,
        height: 256,
        channels: 1,
        data: vec![100; 256 * 256],
    };
    let h = history(&encode(&flat, 75)).unwrap();
    assert_eq!(h.verdict, HistoryVerdict::Untestable);
    assert_eq!(h.tested, 0);
}

#[test]
fn cli_reports_history_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let twice = dir.path().join("twice.jpg");
    std::fs::write(&twice, recompress(&encode(&photo_like(512, 384), 60), 90)).unwrap();
    let json = |args: &[&str]| -> serde_json::Value {
        let out = Command::cargo_bin("jtool")
            .unwrap()
            .args(args)
            .arg(&twice)
            .output()
            .unwrap();
        assert!(out.status.success());
        serde_json::from_slice(&out.stdout).unwrap()
    };
    assert!(json(&["inspect", "--json"])["compression_history"].is_null());
    let h = &json(&["inspect", "--json", "--history"])["compression_history"];
    assert_eq!(h["verdict"], "earlier_compression");
    assert_eq!(h["earlier_ijg_quality"], 60);
    assert!(h["frequencies"].as_array().unwrap().len() >= 12);
    let text = Command::cargo_bin("jtool")
        .unwrap()
        .args(["inspect", "--history"])
        .arg(&twice)
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("compression history: "))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("compressed before, then re-saved"), "{line}");
    assert!(line.contains("IJG quality 60"), "{line}");
    assert!(
        !text.contains("zigzag  1:"),
        "per-frequency lines only with -v"
    );
    let verbose = Command::cargo_bin("jtool")
        .unwrap()
        .args(["inspect", "--history", "-v"])
        .arg(&twice)
        .output()
        .unwrap();
    assert!(String::from_utf8(verbose.stdout)
        .unwrap()
        .contains("zigzag  1:"));
}

fn pgm(img: &PixelImage) -> Vec<u8> {
    let mut out = format!("P5\n{} {}\n255\n", img.width, img.height).into_bytes();
    out.extend_from_slice(&img.data);
    out
}

/// cjpeg at `quality` of the PNM `pnm`.
fn cjpeg(cjpeg: &std::path::Path, pnm: &[u8], quality: u8) -> Vec<u8> {
    let q = quality.to_string();
    let (code, jpeg, err) = run_with_stdin(cjpeg, &["-quality", &q], pnm);
    assert_eq!(code, 0, "cjpeg -quality {q}: {err}");
    jpeg
}

/// The oracle: files compressed once by cjpeg show nothing; files decoded by djpeg
/// and compressed again by cjpeg at a quality at least 10 higher are found, with the
/// first quality. Lower second qualities are counted and printed: the analysis finds
/// them less often (the first quantization's traces fall between the coarser bins).
#[test]
fn cjpeg_double_compressions_are_found() {
    let (Some(cj), Some(dj)) = (tool("cjpeg"), tool("djpeg")) else {
        return;
    };
    let source = pgm(&photo_like(640, 480));
    let qualities = [50u8, 60, 70, 75, 80, 85, 90, 95];
    let mut failures = Vec::new();
    let (mut lower, mut lower_found) = (0, 0);
    for &first in &qualities {
        let once = cjpeg(&cj, &source, first);
        let h = history(&once).unwrap();
        if h.verdict != HistoryVerdict::NoEvidence {
            failures.push(format!("cjpeg Q{first} once: {}", h.summary()));
        }
        let decoded = djpeg(&dj, &once).expect("djpeg");
        for &second in qualities.iter().filter(|&&q| q != first) {
            let h = history(&cjpeg(&cj, &decoded, second)).unwrap();
            if second >= first + 10 {
                if h.verdict != HistoryVerdict::EarlierCompression
                    || h.earlier_ijg_quality
                        .map_or(true, |q| q.abs_diff(first) > 1)
                {
                    failures.push(format!("Q{first} then Q{second}: {}", h.summary()));
                }
            } else if second < first {
                lower += 1;
                lower_found += usize::from(h.verdict != HistoryVerdict::NoEvidence);
            }
        }
    }
    println!("second compression at a lower quality: {lower_found}/{lower} found");
    common::report_failures("cjpeg double compressions", &failures);
}

#[test]
fn a_zero_step_is_skipped_not_divided_by() {
    // Decoders accept a zero quantization step (it makes the coefficient zero); the
    // analysis must not divide by it. (A fuzzing mutant found this.)
    let mut jpeg = encode(&photo_like(256, 256), 90);
    let dqt = jpeg.windows(2).position(|w| w == [0xFF, 0xDB]).unwrap();
    jpeg[dqt + 5 + 1] = 0; // zigzag 1 of the first (8-bit) table
    let h = history(&jpeg).unwrap();
    assert!(h.frequencies.iter().all(|f| f.zigzag != 1), "{h:?}");
}
