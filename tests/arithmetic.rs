//! Oracle test for arithmetic output (`--arithmetic`) against `jpegtran -arithmetic`:
//! for every file jpegtran accepts, sequential and progressive, without restarts and with
//! `-restart N` (rows of each scan), `djpeg -dct int` of
//! both outputs must be identical, jtool's output must decode to the input's
//! coefficients, and from the SOF marker to EOI the bytes must equal jpegtran's
//! wherever the two frames agree and libjpeg numbers the tables as jtool does (YCbCr
//! and grayscale: table 0 for the first component, 1 for the others; libjpeg uses
//! table 0 throughout for RGB and CMYK, whose statistics bins are then shared).

mod common;

use common::*;
use jtool::container::KeepPolicy;
use jtool::entropy::{decode, CodingMode, HuffmanChoice, Limits};
use jtool::pipeline::{copy, CopyOptions, RestartSpec};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// From the SOF9/SOF10 marker through the first EOI after it.
fn frame_to_eoi(b: &[u8]) -> &[u8] {
    let r = jtool::inspect::inspect(b).expect("inspect");
    let at = |codes: &[u8], from: usize| {
        r.segments
            .iter()
            .find(|s| codes.contains(&s.code) && s.offset >= from)
            .map(|s| s.offset)
    };
    let sof = at(&[0xC9, 0xCA], 0).expect("SOF9 or SOF10");
    let end = at(&[0xD9], sof).map_or(b.len(), |e| e + 2);
    &b[sof..end]
}

/// The real blocks of every component of a JPEG file.
fn coefficients(b: &[u8]) -> Vec<Vec<[i16; 64]>> {
    let f = jtool::container::JpegFile::parse(b).expect("parse");
    let d = decode(&f, &Limits::default()).expect("decode");
    let g = d.image.geometry();
    d.image
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (w, h) = g.real_blocks(i);
            (0..h)
                .flat_map(|y| (0..w).map(move |x| (x, y)))
                .map(|(x, y)| *c.plane.block(x, y))
                .collect()
        })
        .collect()
}

/// Whether libjpeg numbers this file's tables as jtool does (YCbCr or grayscale).
fn ycc_or_gray(data: &[u8]) -> bool {
    let r = jtool::inspect::inspect(data).expect("inspect");
    let f = r.frame.expect("frame");
    let adobe = r.segments.iter().any(|s| s.marker == "APP14");
    let rgb_ids = f.components.iter().map(|c| c.id).eq([b'R', b'G', b'B']);
    matches!(f.components.len(), 1 | 3) && !adobe && !rgb_ids
}

#[test]
fn arithmetic_output_matches_jpegtran() {
    let (Some(jt), Some(dj)) = (tool("jpegtran"), tool("djpeg")) else {
        return;
    };
    let files: Vec<PathBuf> = jpegtran_files().into_iter().map(|f| f.0).collect();
    let (cases, identical) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let failures = parallel(&files, |path| {
        let data = std::fs::read(path).unwrap();
        let mut fails = Vec::new();
        // Without restarts, and with an interval in rows (counted per scan, a DRI before
        // each scan whose interval changes).
        for (progressive, rows) in [(false, 0u16), (true, 0), (false, 1), (true, 2)] {
            let opts = CopyOptions {
                mode: Some(if progressive {
                    CodingMode::Progressive
                } else {
                    CodingMode::Sequential
                }),
                huffman: HuffmanChoice::Arithmetic,
                restart: if rows == 0 {
                    RestartSpec::Mcus(0)
                } else {
                    RestartSpec::Rows(rows)
                },
                keep: KeepPolicy::level("none").unwrap(),
                ..CopyOptions::default()
            };
            let mut args = vec!["-arithmetic", "-copy", "none"];
            if progressive {
                args.push("-progressive");
            }
            let n = rows.to_string();
            if rows > 0 {
                args.extend(["-restart", &n]);
            }
            let (code, theirs, _) = run_with_stdin(&jt, &args, &data);
            let what = format!(
                "{} (progressive {progressive}, restart {rows} rows)",
                path.display()
            );
            let mine = match copy(&data, &opts) {
                Ok(m) => m.bytes,
                Err(e) if code != 0 && code != 2 => {
                    let _ = e; // both refuse
                    continue;
                }
                Err(e) => {
                    fails.push(format!("{what}: jtool failed: {e}"));
                    continue;
                }
            };
            cases.fetch_add(1, Ordering::Relaxed);
            if djpeg(&dj, &mine) != djpeg(&dj, &theirs) {
                fails.push(format!("{what}: pixels differ from jpegtran's"));
            }
            if coefficients(&mine) != coefficients(&data) {
                fails.push(format!("{what}: coefficients differ from the input's"));
            }
            let (a, b) = (frame_to_eoi(&mine), frame_to_eoi(&theirs));
            // The SOF body (sampling factors normalised by jpegtran for one component).
            let same_frame = a.get(..21.min(a.len())) == b.get(..21.min(b.len()));
            if a == b {
                identical.fetch_add(1, Ordering::Relaxed);
            } else if same_frame && ycc_or_gray(&data) {
                fails.push(format!(
                    "{what}: bytes from SOF to EOI differ from jpegtran's"
                ));
            }
        }
        fails
    });
    report_failures(
        &format!(
            "arithmetic output: {} cases on {} files, {} byte-identical to jpegtran -arithmetic from SOF to EOI",
            cases.load(Ordering::Relaxed),
            files.len(),
            identical.load(Ordering::Relaxed)
        ),
        &failures,
    );
}

/// `jtool encode --arithmetic` equals `cjpeg -dct int -arithmetic` from SOF to EOI,
/// sequential and progressive, on the project's test image.
#[test]
fn arithmetic_encode_matches_cjpeg() {
    let Some(cj) = tool("cjpeg") else { return };
    let ppm = std::fs::read(testdata_dir().join("src_67x45.ppm")).expect("test image");
    for progressive in [false, true] {
        let opts = jtool::pipeline::PixelEncodeOptions {
            mode: if progressive {
                CodingMode::Progressive
            } else {
                CodingMode::Sequential
            },
            huffman: HuffmanChoice::Arithmetic,
            ..Default::default()
        };
        let mine = jtool::pipeline::encode_image_file(&ppm, &opts).unwrap();
        let mut args = vec!["-dct", "int", "-arithmetic"];
        if progressive {
            args.push("-progressive");
        }
        let (code, theirs, err) = run_with_stdin(&cj, &args, &ppm);
        assert_eq!(code, 0, "cjpeg: {err}");
        assert!(
            frame_to_eoi(&mine) == frame_to_eoi(&theirs),
            "progressive {progressive}: differs from cjpeg -arithmetic"
        );
    }
}
