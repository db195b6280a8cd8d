//! Oracle test for arithmetic output (`--arithmetic`) and standard Huffman tables
//! (`--standard-huffman`) against `jpegtran -arithmetic` and plain `jpegtran`: for every
//! file jpegtran accepts, sequential and progressive, without restarts and with
//! `-restart N` (rows of each scan), `djpeg -dct int` of both outputs must be
//! identical, jtool's output must decode to the input's coefficients, and from the SOF
//! marker to EOI the bytes must equal jpegtran's. That takes libjpeg's frame (a
//! one-component frame is written 1x1) and its table numbering: table 0 for the first
//! component and 1 for the others in YCbCr, table 0 throughout for RGB and CMYK (whose
//! statistics bins or Huffman tables are then shared), 0 1 1 0 for YCCK.

mod common;

use common::*;
use jtool::container::KeepPolicy;
use jtool::entropy::{decode, CodingMode, HuffmanChoice, Limits};
use jtool::pipeline::{copy, CopyOptions, RestartSpec};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// From the SOF marker through the first EOI after it (DHT segments included: jtool,
/// as libjpeg, writes one per table).
fn frame_to_eoi(b: &[u8]) -> Vec<u8> {
    let r = jtool::inspect::inspect(b).expect("inspect");
    let at = |codes: &[u8], from: usize| {
        r.segments
            .iter()
            .find(|s| codes.contains(&s.code) && s.offset >= from)
            .map(|s| s.offset)
    };
    let sof = at(&[0xC0, 0xC1, 0xC2, 0xC9, 0xCA], 0).expect("SOF");
    let end = at(&[0xD9], sof).map_or(b.len(), |e| e + 2);
    b[sof..end].to_vec()
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
        // The last case is Huffman coding with the Annex K tables (jpegtran without
        // -optimize), sequential.
        let configs = [(false, 0u16), (true, 0), (false, 1), (true, 2), (false, 0)];
        for (k, (progressive, rows)) in configs.into_iter().enumerate() {
            let arithmetic = k < 4;
            let opts = CopyOptions {
                mode: Some(if progressive {
                    CodingMode::Progressive
                } else {
                    CodingMode::Sequential
                }),
                huffman: if arithmetic {
                    HuffmanChoice::Arithmetic
                } else {
                    HuffmanChoice::Standard
                },
                restart: if rows == 0 {
                    RestartSpec::Mcus(0)
                } else {
                    RestartSpec::Rows(rows)
                },
                keep: KeepPolicy::level("none").unwrap(),
                ..CopyOptions::default()
            };
            let mut args = vec!["-copy", "none"];
            if arithmetic {
                args.push("-arithmetic");
            }
            if progressive {
                args.push("-progressive");
            }
            let n = rows.to_string();
            if rows > 0 {
                args.extend(["-restart", &n]);
            }
            let (code, theirs, _) = run_with_stdin(&jt, &args, &data);
            let what = format!(
                "{} (arithmetic {arithmetic}, progressive {progressive}, restart {rows} rows)",
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
            if a == b {
                identical.fetch_add(1, Ordering::Relaxed);
            } else {
                fails.push(format!(
                    "{what}: bytes from SOF to EOI differ from jpegtran's"
                ));
            }
        }
        fails
    });
    report_failures(
        &format!(
            "arithmetic and standard-Huffman output: {} cases on {} files, {} byte-identical to jpegtran's from SOF to EOI",
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

/// `copy --standard-huffman` (every segment kept) writes the same file as `jpegtran
/// -copy all`, byte for byte, for every Huffman-coded file without restart markers,
/// with nothing after EOI, JFIF APP0 first and no Adobe APP14 (jtool keeps restart
/// intervals, data after EOI and the input's APP segments in their order, which
/// jpegtran changes). That includes one table per DQT and DHT segment, as libjpeg
/// writes them.
#[test]
fn standard_huffman_copy_is_jpegtrans_file() {
    let Some(jt) = tool("jpegtran") else { return };
    let files: Vec<PathBuf> = jpegtran_files().into_iter().map(|f| f.0).collect();
    let (cases, identical) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let failures = parallel(&files, |path| {
        let data = std::fs::read(path).unwrap();
        let r = jtool::inspect::inspect(&data).expect("inspect");
        // libjpeg writes its own JFIF APP0 or Adobe APP14 first and copies the rest.
        let jfif_first = r.segments.get(1).is_some_and(|s| s.code == 0xE0)
            && !r.segments.iter().any(|s| s.code == 0xEE);
        let plain = r.restart_interval.is_empty()
            && r.trailer.length == 0
            && jfif_first
            && r.frame.as_ref().is_some_and(|f| !f.arithmetic);
        let (code, theirs, _) = run_with_stdin(&jt, &["-copy", "all"], &data);
        // As `jtool copy --standard-huffman` asks (it implies sequential output).
        let opts = CopyOptions {
            mode: Some(CodingMode::Sequential),
            huffman: HuffmanChoice::Standard,
            keep: KeepPolicy::level("all").unwrap(),
            ..CopyOptions::default()
        };
        let Ok(mine) = copy(&data, &opts) else {
            return Vec::new();
        };
        if code != 0 {
            return Vec::new();
        }
        cases.fetch_add(1, Ordering::Relaxed);
        if mine.bytes == theirs {
            identical.fetch_add(1, Ordering::Relaxed);
            Vec::new()
        } else if plain {
            vec![format!(
                "{}: differs from jpegtran -copy all",
                path.display()
            )]
        } else {
            Vec::new()
        }
    });
    report_failures(
        &format!(
            "copy --standard-huffman: {} of {} files byte-identical to jpegtran -copy all",
            identical.load(Ordering::Relaxed),
            cases.load(Ordering::Relaxed)
        ),
        &failures,
    );
}
