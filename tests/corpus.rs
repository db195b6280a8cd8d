//! Corpus tests for the lossless core: byte-exact container round trips, `copy` checked
//! against djpeg (coefficients survive), unsupported processes, and sizes.

mod common;

use common::*;
use jtool::container::JpegFile;
use jtool::entropy::{CodingMode, HuffmanChoice};
use jtool::pipeline::{copy, CopyOptions};
use std::path::PathBuf;

/// Every corpus file (valid and malformed) and testdata file that parses writes back
/// byte for byte; every valid file parses.
#[test]
fn container_round_trip_is_exact() {
    let mut files: Vec<(PathBuf, bool)> = testdata_jpegs().into_iter().map(|p| (p, true)).collect();
    if let Some(c) = corpus_dir() {
        files.extend(jpegs_in(&c.join("valid")).into_iter().map(|p| (p, true)));
        files.extend(
            jpegs_in(&c.join("malformed"))
                .into_iter()
                .map(|p| (p, false)),
        );
    }
    let mut parsed = 0;
    for (path, must_parse) in &files {
        let data = std::fs::read(path).unwrap();
        match JpegFile::parse(&data) {
            Ok(f) => {
                assert!(
                    f.to_bytes() == data,
                    "round trip differs: {}",
                    path.display()
                );
                parsed += 1;
            }
            Err(e) => assert!(!must_parse, "{}: {e}", path.display()),
        }
    }
    println!(
        "container round trip: {parsed} of {} files parsed and written back byte for byte",
        files.len()
    );
}

/// The files the oracle test runs on: testdata plus corpus files djpeg decodes cleanly.
fn oracle_files() -> Vec<PathBuf> {
    let mut files = testdata_jpegs();
    if let Some(c) = corpus_dir() {
        let m = manifest(&c);
        let mut rows: Vec<_> = m
            .values()
            .filter(|r| r["category"] == "valid" && r["djpeg_ok"] == "yes")
            .collect();
        rows.sort_by(|a, b| a["file"].cmp(&b["file"]));
        files.extend(rows.iter().map(|r| c.join(&r["file"])));
    }
    files
}

/// `copy` with `opts` on every oracle file: djpeg of the output equals djpeg of the input.
/// A progressive file that stops before its last scans is decoded by djpeg with block
/// smoothing, which no rewrite can reproduce (the coefficients are then complete); for
/// such files the oracle is djpeg of `jpegtran -copy all`'s output.
fn check_copy_against_djpeg(opts: &CopyOptions, label: &str) {
    let (Some(djpeg_bin), Some(jpegtran)) = (tool("djpeg"), tool("jpegtran")) else {
        return;
    };
    let mut failures = Vec::new();
    let mut via_jpegtran = 0;
    let files = oracle_files();
    for path in &files {
        let data = std::fs::read(path).unwrap();
        let out = match copy(&data, opts) {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        let (code, _, err) = run_with_stdin(&djpeg_bin, &["-dct", "int"], &out.bytes);
        if code != 0 || !err.is_empty() {
            failures.push(format!(
                "{}: djpeg on output: exit {code}: {err}",
                path.display()
            ));
            continue;
        }
        let mine = djpeg(&djpeg_bin, &out.bytes);
        if djpeg(&djpeg_bin, &data) != mine {
            let (_, theirs, _) = run_with_stdin(&jpegtran, &["-copy", "all"], &data);
            if djpeg(&djpeg_bin, &theirs) == mine {
                via_jpegtran += 1;
            } else {
                failures.push(format!("{}: decoded pixels differ", path.display()));
            }
        }
    }
    println!(
        "copy {label}: {} of {} files identical under djpeg -dct int ({via_jpegtran} compared with jpegtran's copy: incomplete progressive)",
        files.len() - failures.len(),
        files.len()
    );
    assert!(
        failures.is_empty(),
        "copy {label} failed on {} files:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn copy_default_keeps_coefficients() {
    check_copy_against_djpeg(&CopyOptions::default(), "(default)");
}

#[test]
fn copy_baseline_standard_huffman_keeps_coefficients() {
    let opts = CopyOptions {
        mode: Some(CodingMode::Sequential),
        huffman: HuffmanChoice::Standard,
        ..CopyOptions::default()
    };
    check_copy_against_djpeg(&opts, "--baseline --standard-huffman");
}

#[test]
fn copy_progressive_keeps_coefficients() {
    let opts = CopyOptions {
        mode: Some(CodingMode::Progressive),
        ..CopyOptions::default()
    };
    check_copy_against_djpeg(&opts, "--progressive");
}

/// Lossless (SOF3) files are copied with every sample (re-coded with optimal
/// tables); see tests/pixels_wide.rs for the transforms.
#[test]
fn lossless_files_are_copied_with_their_samples() {
    use jtool::entropy::lossless::decode_lossless;
    let Some(c) = corpus_dir() else { return };
    let m = manifest(&c);
    let samples = |bytes: &[u8]| {
        let f = JpegFile::parse(bytes).unwrap();
        decode_lossless(&f, &Default::default()).unwrap().0
    };
    let mut n = 0;
    for r in m
        .values()
        .filter(|r| r["category"] == "valid" && r["sof"] == "SOF3")
    {
        let data = std::fs::read(c.join(&r["file"])).unwrap();
        let out = copy(&data, &CopyOptions::default()).unwrap();
        assert!(samples(&out.bytes) == samples(&data), "{}", r["file"]);
        n += 1;
    }
    assert!(n >= 1, "expected the corpus's lossless file");
}

/// 12-bit files (T.81's extended process) are copied in every coding mode with their
/// coefficients, or refused when they hold a coefficient beyond 12-bit precision's
/// range (libjpeg refuses to code those too).
#[test]
fn twelve_bit_files_keep_their_coefficients() {
    use jtool::entropy::{decode, Limits};
    use jtool::pipeline::RestartSpec;
    let coefficients = |bytes: &[u8]| {
        let f = JpegFile::parse(bytes).unwrap();
        decode(&f, &Limits::default()).unwrap().image
    };
    let modes = [
        (
            Some(CodingMode::Sequential),
            HuffmanChoice::Standard,
            RestartSpec::Mcus(0),
        ),
        (None, HuffmanChoice::Optimal, RestartSpec::Mcus(3)),
        (
            Some(CodingMode::Progressive),
            HuffmanChoice::Optimal,
            RestartSpec::Mcus(0),
        ),
        (
            Some(CodingMode::Sequential),
            HuffmanChoice::Arithmetic,
            RestartSpec::Mcus(0),
        ),
        (
            Some(CodingMode::Progressive),
            HuffmanChoice::Arithmetic,
            RestartSpec::Mcus(0),
        ),
    ];
    let (mut copied, mut refused) = (0, 0);
    let mut files: Vec<PathBuf> = jpegs_in(&testdata_dir().join("p12"));
    if let Some(c) = corpus_dir() {
        let m = manifest(&c);
        let rows = (m.values()).filter(|r| r["category"] == "valid" && r["precision"] == "12");
        files.extend(rows.map(|r| c.join(&r["file"])));
    }
    for path in &files {
        let name = path.display().to_string();
        let data = std::fs::read(path).unwrap();
        let want = coefficients(&data);
        let verdict = jtool::pipeline::verify(&data);
        let out_of_range = verdict
            .problems
            .iter()
            .any(|p| p.kind == "coefficient_out_of_range");
        for (mode, huffman, restart) in &modes {
            let opts = CopyOptions {
                mode: *mode,
                huffman: *huffman,
                restart: *restart,
                ..CopyOptions::default()
            };
            match copy(&data, &opts) {
                Ok(out) => {
                    assert!(!out_of_range, "{name}: coded an out-of-range value");
                    let got = coefficients(&out.bytes);
                    assert_eq!(got.precision, 12, "{name}");
                    assert!(
                        got.components == want.components,
                        "{name}: {mode:?} {huffman:?}"
                    );
                    copied += 1;
                }
                Err(jtool::Error::BadRequest(msg)) if out_of_range => {
                    assert!(msg.contains("12-bit"), "{msg}");
                    refused += 1;
                }
                Err(e) => panic!("{name}: {mode:?} {huffman:?}: {e}"),
            }
        }
    }
    println!(
        "12-bit files: {copied} copies with their coefficients, {refused} refused (out of range)"
    );
    assert!(copied >= 15, "expected testdata's 12-bit files");
}

/// The corpus's lossless (SOF3) file decodes to its reference PNG exactly, and
/// `verify` finds it sound.
#[test]
fn lossless_file_matches_its_reference() {
    let Some(c) = corpus_dir() else { return };
    let m = manifest(&c);
    let mut n = 0;
    for r in m
        .values()
        .filter(|r| r["category"] == "valid" && r["sof"] == "SOF3")
    {
        let data = std::fs::read(c.join(&r["file"])).unwrap();
        let file = JpegFile::parse(&data).unwrap();
        let (img, warnings) =
            jtool::entropy::lossless::decode_lossless(&file, &Default::default()).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let png = std::fs::read(c.join(&r["reference_file"])).unwrap();
        let mut reader = png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.bit_depth, png::BitDepth::Sixteen);
        let want: Vec<u16> = buf[..info.buffer_size()]
            .chunks_exact(2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .collect();
        let plane = &img.components[0];
        let got: Vec<u16> = (0..plane.height)
            .flat_map(|y| plane.samples[y * plane.stride..][..plane.width].to_vec())
            .collect();
        assert!(got == want, "{}", r["file"]);
        assert_eq!(
            jtool::pipeline::verify(&data).status,
            jtool::pipeline::Status::Ok
        );
        n += 1;
    }
    assert!(n >= 1);
}
