//! IJG quality estimate (exact for every cjpeg quality 1–100, baseline and 16-bit
//! tables, also after `jpegtran -rotate 90`), every corpus file inspects, and the
//! coefficient hash survives copy, strip and progressive re-encoding.

mod common;

use common::{corpus_dir, jpegs_in, run_with_stdin, testdata_dir, testdata_jpegs, tool};
use jtool::container::KeepPolicy;
use jtool::entropy::CodingMode;
use jtool::inspect::inspect;
use jtool::pipeline::{self, CopyOptions};

fn quality_of(jpeg: &[u8]) -> jtool::inspect::quality::QualityReport {
    inspect(jpeg).expect("inspect").quality.expect("quality")
}

#[test]
fn cjpeg_quality_1_to_100_is_exact_also_rotated() {
    let (Some(cjpeg), Some(jpegtran)) = (tool("cjpeg"), tool("jpegtran")) else {
        return;
    };
    let ppm = std::fs::read(testdata_dir().join("src_33x17.ppm")).expect("testdata/src_33x17.ppm");
    let mut checked = 0;
    for q in 1..=100u8 {
        for baseline in [false, true] {
            let qs = q.to_string();
            let mut args = vec!["-quality", qs.as_str()];
            if baseline {
                args.push("-baseline");
            }
            let (code, jpeg, err) = run_with_stdin(&cjpeg, &args, &ppm);
            assert_eq!(code, 0, "cjpeg {args:?}: {err}");
            let r = quality_of(&jpeg);
            assert!(
                r.exact && r.quality == q && !r.transposed,
                "cjpeg {args:?}: {}",
                r.summary
            );
            assert_eq!(r.summary, format!("IJG quality {q}, exact"));
            for t in &r.tables {
                assert!(t.exact, "cjpeg {args:?} slot {}: {}", t.slot, t.summary);
                assert!(t.exact_match.as_ref().unwrap().qualities.contains(&q));
            }
            let (code, rotated, err) = run_with_stdin(&jpegtran, &["-rotate", "90"], &jpeg);
            assert!(code == 0 || code == 2, "jpegtran: {err}");
            let r = quality_of(&rotated);
            assert!(
                r.exact && r.quality == q,
                "rotated cjpeg {args:?}: {}",
                r.summary
            );
            // Annex K tables are not symmetric, so the rotation shows (except where
            // every entry is clamped to the same value).
            let symmetric = r.tables.iter().all(|t| {
                let m = t.exact_match.as_ref().unwrap();
                !m.transposed
            });
            assert!(
                r.transposed || symmetric,
                "rotated cjpeg {args:?}: {}",
                r.summary
            );
            checked += 2;
        }
    }
    eprintln!("quality exact for {checked} cjpeg/jpegtran files (Q 1-100, baseline and 16-bit, plain and rotated)");
}

#[test]
fn every_corpus_file_inspects() {
    let Some(dir) = corpus_dir() else { return };
    let mut ok = 0;
    for f in jpegs_in(&dir.join("valid")) {
        let data = std::fs::read(&f).unwrap();
        let r = pipeline::inspect_full(&data).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let _ = r.to_text(true);
        let _ = serde_json::to_string(&r).unwrap();
        assert!(
            r.quality.is_some() || r.quant_tables.is_empty(),
            "{}",
            f.display()
        );
        ok += 1;
    }
    let mut err = 0;
    for f in jpegs_in(&dir.join("malformed")) {
        let data = std::fs::read(&f).unwrap();
        match pipeline::inspect_full(&data) {
            Ok(r) => {
                let _ = r.to_text(false);
                let _ = serde_json::to_string(&r).unwrap();
                ok += 1;
            }
            Err(_) => err += 1,
        }
    }
    eprintln!("inspected {ok} corpus files; {err} malformed files are not JPEG containers");
}

#[test]
fn coefficient_hash_ignores_coding_and_metadata() {
    let Some(dir) = corpus_dir() else { return };
    let mut same = 0;
    for f in jpegs_in(&dir.join("valid")) {
        let data = std::fs::read(&f).unwrap();
        let Ok(r) = pipeline::inspect_full(&data) else {
            continue;
        };
        let Some(h) = r.coefficient_hash.clone() else {
            continue;
        };
        // Decoded with warnings (e.g. a truncated progressive file) re-encodes the zeros
        // too; those still hash the same.
        let outs = [
            pipeline::strip(&data, KeepPolicy::NOTHING).map(|o| o.bytes),
            pipeline::copy(&data, &CopyOptions::default()).map(|o| o.bytes),
            pipeline::copy(
                &data,
                &CopyOptions {
                    mode: Some(CodingMode::Progressive),
                    ..CopyOptions::default()
                },
            )
            .map(|o| o.bytes),
            pipeline::copy(
                &data,
                &CopyOptions {
                    mode: Some(CodingMode::Sequential),
                    restart: pipeline::RestartSpec::Mcus(3),
                    ..CopyOptions::default()
                },
            )
            .map(|o| o.bytes),
        ];
        for (i, o) in outs.into_iter().enumerate() {
            let Ok(bytes) = o else { continue };
            let h2 = pipeline::inspect_full(&bytes).unwrap().coefficient_hash;
            assert_eq!(
                h2.as_deref(),
                Some(h.as_str()),
                "{} output {i}",
                f.display()
            );
            same += 1;
        }
    }
    assert!(same > 100, "only {same} comparisons");
    eprintln!("coefficient hash unchanged in {same} strip/copy/progressive/restart outputs");
}

/// The hash computed while the decoder streams iMCU rows (sequential files with one
/// scan) equals the hash of the whole decoded image, on every file that decodes, and
/// fails where the decode fails.
#[test]
fn streamed_hash_equals_whole_image_hash() {
    use jtool::container::JpegFile;
    use jtool::entropy::{self, Limits};
    let mut files = testdata_jpegs();
    if let Some(dir) = corpus_dir() {
        files.extend(jpegs_in(&dir.join("valid")));
        files.extend(jpegs_in(&dir.join("malformed")));
    }
    let (mut hashed, mut failed) = (0, 0);
    for f in &files {
        let data = std::fs::read(f).unwrap();
        let Ok(file) = JpegFile::parse(&data) else {
            continue;
        };
        let limits = Limits::default();
        let whole = entropy::decode(&file, &limits).map(|d| pipeline::coefficient_hash(&d.image));
        let streamed = pipeline::file_coefficient_hash(&file, &limits);
        assert_eq!(
            whole.as_ref().ok(),
            streamed.as_ref().ok(),
            "{}",
            f.display()
        );
        if whole.is_ok() {
            hashed += 1;
        } else {
            failed += 1;
        }
    }
    eprintln!("streamed hash = whole-image hash on {hashed} files ({failed} do not decode)");
    assert!(hashed >= 10);
    // A frame large enough to be hashed on a second thread as it decodes, 4:2:0 and
    // grayscale.
    for channels in [3, 1] {
        let data = pipeline::encode_pixels(
            &common::synthetic(1301, 923, channels, 7),
            &pipeline::PixelEncodeOptions {
                params: jtool::pixels::EncodeParams {
                    grayscale: channels == 1,
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .unwrap();
        let file = JpegFile::parse(&data).unwrap();
        let limits = Limits::default();
        let whole = pipeline::coefficient_hash(&entropy::decode(&file, &limits).unwrap().image);
        assert_eq!(
            pipeline::file_coefficient_hash(&file, &limits).unwrap(),
            whole
        );
    }
}

#[test]
fn different_content_hashes_differ() {
    let Some(cjpeg) = tool("cjpeg") else { return };
    let ppm = std::fs::read(testdata_dir().join("src_33x17.ppm")).unwrap();
    let a = run_with_stdin(&cjpeg, &["-quality", "80"], &ppm).1;
    let b = run_with_stdin(&cjpeg, &["-quality", "81"], &ppm).1;
    let c = run_with_stdin(
        &cjpeg,
        &["-quality", "80", "-optimize", "-progressive"],
        &ppm,
    )
    .1;
    let h = |d: &[u8]| pipeline::inspect_full(d).unwrap().coefficient_hash.unwrap();
    assert_ne!(h(&a), h(&b));
    assert_eq!(h(&a), h(&c));
    assert_eq!(h(&a).len(), 64);
}
