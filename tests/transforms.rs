//! Oracle test for lossless transforms: for every corpus file jpegtran accepts, jtool and
//! jpegtran get the same request, and `djpeg -dct int` of both outputs must be identical.
//! `--perfect` must fail on exactly the files where `jpegtran -perfect` fails.
//!
//! CI runs every file with the full grid except that files over 4 megapixels get a fixed
//! sample of requests; `JTOOL_FULL_GRID=1 cargo test --release --test transforms` runs the
//! full grid on every file.

mod common;

use common::*;
use jtool::pipeline::{transform, CopyOptions, TransformOptions};
use jtool::transform::{CropSpec, EdgePolicy, Orientation, Request};
use std::path::Path;
use std::sync::Mutex;

/// One request in both dialects.
struct Case {
    jtool: Request,
    jpegtran: Vec<String>,
}

fn case(o: Orientation, crop: Option<&str>, edge: EdgePolicy, gray: bool) -> Case {
    let mut args = Vec::new();
    let flag = |v: &mut Vec<String>, a: &[&str]| v.extend(a.iter().map(|s| s.to_string()));
    match o {
        Orientation::Identity => {}
        Orientation::FlipH => flag(&mut args, &["-flip", "horizontal"]),
        Orientation::FlipV => flag(&mut args, &["-flip", "vertical"]),
        Orientation::Rot90 => flag(&mut args, &["-rotate", "90"]),
        Orientation::Rot180 => flag(&mut args, &["-rotate", "180"]),
        Orientation::Rot270 => flag(&mut args, &["-rotate", "270"]),
        Orientation::Transpose => flag(&mut args, &["-transpose"]),
        Orientation::Transverse => flag(&mut args, &["-transverse"]),
    }
    if let Some(c) = crop {
        flag(&mut args, &["-crop", c]);
    }
    match edge {
        EdgePolicy::Trim => flag(&mut args, &["-trim"]),
        EdgePolicy::Perfect => flag(&mut args, &["-perfect"]),
        EdgePolicy::Keep => {}
    }
    if gray {
        flag(&mut args, &["-grayscale"]);
    }
    let crop = crop.map(|c| CropSpec::parse(c).expect("test crop spec parses"));
    Case {
        jtool: Request {
            orientation: o,
            crop,
            edge,
            grayscale: gray,
        },
        jpegtran: args,
    }
}

const TRANSFORMS: [Orientation; 7] = [
    Orientation::FlipH,
    Orientation::FlipV,
    Orientation::Rot90,
    Orientation::Rot180,
    Orientation::Rot270,
    Orientation::Transpose,
    Orientation::Transverse,
];

/// The request grid for an image of `w` × `h` (crops are in output coordinates).
fn grid(w: u32, h: u32, full: bool) -> Vec<Case> {
    let mut v = Vec::new();
    for o in TRANSFORMS {
        v.push(case(o, None, EdgePolicy::Keep, false));
        if full {
            v.push(case(o, None, EdgePolicy::Trim, false));
        }
    }
    v.push(case(Orientation::Identity, None, EdgePolicy::Keep, true));
    let crops = [
        format!("{}x{}+0+0", w.div_ceil(2), h.div_ceil(2)),
        format!("{}x{}+{}+{}", w.div_ceil(3), h.div_ceil(3), w / 5, h / 7),
        format!("{}fx{}f+{}+{}", w.div_ceil(3), h.div_ceil(3), w / 5, h / 7),
        format!("1x1+{}+{}", w - 1, h - 1),
        "1x1+0+0".to_string(),
        format!("{}x{}-0-0", w.div_ceil(2), h.div_ceil(4)),
        format!("+{}+{}", w / 2, h / 3),
    ];
    for (i, c) in crops.iter().enumerate() {
        if full || i < 2 {
            v.push(case(
                Orientation::Identity,
                Some(c),
                EdgePolicy::Keep,
                false,
            ));
        }
    }
    if full {
        // Crops combined with transforms are in output coordinates: swap for transposes.
        let c = format!("{}x{}+{}+{}", h.div_ceil(3), w.div_ceil(3), h / 5, w / 7);
        v.push(case(Orientation::Rot90, Some(&c), EdgePolicy::Keep, false));
        v.push(case(
            Orientation::Transverse,
            Some(&c),
            EdgePolicy::Trim,
            false,
        ));
        let c = format!("{}x{}+{}+{}", w.div_ceil(3), h.div_ceil(3), w / 5, h / 7);
        v.push(case(Orientation::Rot180, Some(&c), EdgePolicy::Trim, true));
        v.push(case(Orientation::FlipH, Some(&c), EdgePolicy::Keep, false));
    }
    v
}

fn jpegtran_out(jpegtran: &Path, args: &[String], input: &[u8]) -> Option<Vec<u8>> {
    let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    let (code, out, _) = run_with_stdin(jpegtran, &a, input);
    (code == 0 || code == 2).then_some(out)
}

#[test]
fn transforms_match_jpegtran() {
    let (Some(jt), Some(dj)) = (tool("jpegtran"), tool("djpeg")) else {
        return;
    };
    let full_grid = std::env::var("JTOOL_FULL_GRID").is_ok();
    let files = jpegtran_files();
    let count = Mutex::new(0usize);
    let failures = parallel(&files, |(path, w, h)| {
        let data = std::fs::read(path).unwrap();
        let full = full_grid || (*w as u64 * *h as u64) <= 4_000_000;
        let mut fails = Vec::new();
        for c in grid(*w, *h, full) {
            let opts = TransformOptions {
                request: c.jtool,
                output: CopyOptions::default(),
                reset_orientation: false,
            };
            let mine = transform(&data, &opts);
            let theirs = jpegtran_out(&jt, &c.jpegtran, &data);
            *count.lock().unwrap() += 1;
            match (mine, theirs) {
                (Ok(m), Some(t)) => {
                    if djpeg(&dj, &m.output.bytes) != djpeg(&dj, &t) {
                        fails.push(format!(
                            "{} {:?}: pixels differ",
                            path.display(),
                            c.jpegtran
                        ));
                    }
                }
                (Err(e), Some(_)) => fails.push(format!(
                    "{} {:?}: jtool failed: {e}",
                    path.display(),
                    c.jpegtran
                )),
                (Ok(_), None) => fails.push(format!(
                    "{} {:?}: jpegtran refused, jtool did not",
                    path.display(),
                    c.jpegtran
                )),
                (Err(_), None) => {}
            }
        }
        fails
    });
    report_failures(
        &format!(
            "transforms: {} requests on {} files",
            count.into_inner().unwrap(),
            files.len()
        ),
        &failures,
    );
}

#[test]
fn perfect_fails_exactly_where_jpegtran_fails() {
    let Some(jt) = tool("jpegtran") else { return };
    let files = jpegtran_files();
    let failures = parallel(&files, |(path, _, _)| {
        let data = std::fs::read(path).unwrap();
        let mut fails = Vec::new();
        for o in TRANSFORMS {
            let c = case(o, None, EdgePolicy::Perfect, false);
            let opts = TransformOptions {
                request: c.jtool,
                output: CopyOptions::default(),
                reset_orientation: false,
            };
            let mine = transform(&data, &opts).is_ok();
            let a: Vec<&str> = c.jpegtran.iter().map(|s| s.as_str()).collect();
            let theirs = run_with_stdin(&jt, &a, &data).0 == 0;
            if mine != theirs {
                fails.push(format!(
                    "{} {:?}: jtool ok={mine}, jpegtran ok={theirs}",
                    path.display(),
                    c.jpegtran
                ));
            }
        }
        fails
    });
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
