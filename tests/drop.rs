//! `jtool drop` against `jpegtran -drop`: for every file jpegtran reads and drop images
//! of every sampling the project makes (testdata), at the corner, off the iMCU grid and
//! at the far edges, with and without trimming, jtool must refuse exactly what jpegtran
//! refuses and otherwise write the same coefficients and quantization tables.
//! Where jpegtran cannot drop (a grayscale image into a vertically subsampled colour
//! one: "Bogus virtual array access") or writes coefficients that no longer match their
//! table (components sharing a table slot), jtool's output is checked on its own: every
//! block outside the drop keeps its dequantized values and every block inside has the
//! drop image's.

mod common;

use common::*;
use jtool::pipeline::{drop_image, load_drop, CopyOptions, DropSource};
use jtool::transform::{check_drop, drop_plan, BlockRect};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// One component as decoded: its table and its real blocks (T.81 A.1.1), row by row.
struct Plane {
    quant: [u16; 64],
    width: usize,
    blocks: Vec<[i16; 64]>,
}

/// The components of a file. Sampling is left out: jpegtran writes a one-component
/// file's factors as 1x1, jtool keeps them.
fn planes(b: &[u8]) -> Vec<Plane> {
    let f = jtool::container::JpegFile::parse(b).unwrap();
    let d = jtool::entropy::decode(&f, &Default::default()).unwrap();
    let g = d.image.geometry();
    let single = d.image.components.len() == 1;
    d.image
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (w, h) = if single {
                (
                    d.image.width.div_ceil(8) as usize,
                    d.image.height.div_ceil(8) as usize,
                )
            } else {
                g.real_blocks(i)
            };
            let blocks = (0..h).flat_map(|y| (0..w).map(move |x| *c.plane.block(x, y)));
            Plane {
                quant: c.quant.values,
                width: w,
                blocks: blocks.collect(),
            }
        })
        .collect()
}

/// Whether two decoded files hold the same coefficients and tables.
fn same(a: &[Plane], b: &[Plane]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(p, q)| p.quant == q.quant && p.blocks == q.blocks)
}

/// A block times its table: what the decoder sees (T.81 A.3.4).
fn dequant(b: &[i16; 64], q: &[u16; 64]) -> Vec<i32> {
    b.iter()
        .zip(q)
        .map(|(&v, &s)| v as i32 * s as i32)
        .collect()
}

/// Checks the output of an untrimmed drop block by block: inside the planned iMCUs the
/// drop image's values (zero where it has no such component or block), outside them
/// the target's, both after dequantization, so nothing was lost.
fn lossless(target: &[u8], drop: &Drop, at: (u32, u32), out: &[Plane]) -> Option<String> {
    let before = planes(target);
    let r = jtool::inspect::inspect(target).unwrap();
    let f = r.frame.unwrap();
    let factors: Vec<(u8, u8)> = f.components.iter().map(|c| (c.h, c.v)).collect();
    let plan = drop_plan((f.width as u32, f.height as u32), &factors, drop.size, at).ok()?;
    let d = &drop.source.image;
    for (ci, ((o, b), r)) in out
        .iter()
        .zip(&before)
        .zip(plan.blocks(&factors))
        .enumerate()
    {
        let BlockRect { x0, y0, x1, y1 } = r;
        for (i, (ob, bb)) in o.blocks.iter().zip(&b.blocks).enumerate() {
            let (x, y) = (i % o.width, i / o.width);
            let want = if (x0..x1).contains(&x) && (y0..y1).contains(&y) {
                d.components
                    .get(ci)
                    .and_then(|c| {
                        let (dx, dy) = (x - x0, y - y0);
                        (dx < c.plane.width_blocks && dy < c.plane.height_blocks)
                            .then(|| dequant(c.plane.block(dx, dy), &c.quant.values))
                    })
                    .unwrap_or(vec![0; 64])
            } else {
                dequant(bb, &b.quant)
            };
            if dequant(ob, &o.quant) != want {
                return Some(format!("component {ci} block ({x}, {y}) lost precision"));
            }
        }
    }
    None
}

/// jpegtran merges tables one component at a time into the shared table slot, so when
/// components that share a slot end with different common divisors (CMYK, RGB and YCCK
/// files often use one table for all), the last one wins and the others' coefficients
/// no longer match their table. jtool takes the divisor over the whole slot.
fn jpegtran_slot_bug(target: &[u8], drop: &Drop) -> bool {
    let f = jtool::container::JpegFile::parse(target).unwrap();
    let d = jtool::entropy::decode(&f, &Default::default()).unwrap();
    let gcd = |mut a: u16, mut b: u16| {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    };
    let merged: Vec<(u8, [u16; 64])> = d
        .image
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut t = c.quant.values;
            if let Some(s) = drop.source.image.components.get(i) {
                for (v, &w) in t.iter_mut().zip(&s.quant.values) {
                    *v = gcd(*v, w);
                }
            }
            (c.quant_slot, t)
        })
        .collect();
    merged
        .iter()
        .any(|a| merged.iter().any(|b| a.0 == b.0 && a.1 != b.1))
}

/// Positions for dropping a `dw`×`dh` image into a `w`×`h` one: the corner, a point
/// off the grid, the far corner (reaching both edges); whether to trim at each.
fn positions(w: u32, h: u32, dw: u32, dh: u32) -> Vec<(u32, u32, bool)> {
    vec![
        (0, 0, false),
        (17, 5, false),
        (w.saturating_sub(dw), h.saturating_sub(dh), false),
        (w.saturating_sub(dw), h.saturating_sub(dh), true),
        (9, 31, true),
    ]
}

struct Drop {
    path: PathBuf,
    source: DropSource,
    size: (u32, u32),
}

fn drops() -> Vec<Drop> {
    testdata_jpegs()
        .into_iter()
        .map(|path| {
            let data = std::fs::read(&path).unwrap();
            let source = load_drop(&data, &Default::default()).unwrap();
            let size = (source.image.width, source.image.height);
            Drop { path, source, size }
        })
        .collect()
}

/// Whether jpegtran's refusal is its virtual-array limit: it reads the drop image's rows
/// for a component in groups of the target's vertical factor, which fails when the drop
/// image's factor for it is smaller (a grayscale drop into a vertically subsampled colour
/// image, 2x1 chrominance into 1x2). jtool does not share the limit.
fn virtual_array_limit(stderr: &str, target: &[u8], drop: &Drop) -> bool {
    let r = jtool::inspect::inspect(target).unwrap();
    let f = r.frame.unwrap();
    let d = &drop.source.image.components;
    let dv = |i: usize| if d.len() == 1 { 1 } else { d[i].v };
    stderr.contains("Bogus virtual array access")
        && f.components.len() > 1
        && f.components
            .iter()
            .zip(0..d.len())
            .any(|(c, i)| c.v > dv(i))
}

fn one_case(
    jt: &Path,
    data: &[u8],
    drop: &Drop,
    at: (u32, u32, bool),
    what: &str,
) -> Result<&'static str, String> {
    let (x, y, trim) = at;
    let mine = drop_image(data, &drop.source, (x, y), trim, &CopyOptions::default());
    let pos = format!("+{x}+{y}");
    let dp = drop.path.to_str().unwrap();
    let mut args = vec!["-copy", "all"];
    if trim {
        args.push("-trim");
    }
    args.extend(["-drop", &pos, dp]);
    let (code, theirs, err) = run_with_stdin(jt, &args, data);
    let (m, kind) = match (mine, code == 0 || code == 2) {
        (Err(_), false) => return Ok("refused by both"),
        (Ok(m), false) if virtual_array_limit(&err, data, drop) => {
            (m, "jpegtran's virtual array limit")
        }
        (Ok(_), false) => {
            return Err(format!(
                "{what}: jpegtran refused ({}), jtool did not",
                err.trim()
            ))
        }
        (Err(e), true) => return Err(format!("{what}: jtool failed: {e}")),
        (Ok(m), true) if trim => {
            if !same(&planes(&m.bytes), &planes(&theirs)) {
                return Err(format!("{what}: coefficients differ"));
            }
            return Ok("trimmed, identical");
        }
        (Ok(m), true) if jpegtran_slot_bug(data, drop) => (m, "shared table slot"),
        (Ok(m), true) => {
            if !same(&planes(&m.bytes), &planes(&theirs)) {
                return Err(format!("{what}: coefficients differ"));
            }
            (m, "identical")
        }
    };
    if trim {
        return Ok(kind);
    }
    match lossless(data, drop, (x, y), &planes(&m.bytes)) {
        Some(e) => Err(format!("{what}: {e}")),
        None => Ok(kind),
    }
}

#[test]
fn drop_matches_jpegtran() {
    let Some(jt) = tool("jpegtran") else {
        return;
    };
    let drops = drops();
    let files = jpegtran_files();
    let cases = AtomicUsize::new(0);
    let kinds = std::sync::Mutex::new(std::collections::BTreeMap::<&str, usize>::new());
    let indexed: Vec<(usize, &(PathBuf, u32, u32))> = files.iter().enumerate().collect();
    let failures = parallel(&indexed, |&(i, (path, w, h))| {
        let data = std::fs::read(path).unwrap();
        // The project's files meet every drop image; the corpus's those whose sampling
        // fits and one other, in turn.
        let chosen: Vec<&Drop> = if path.starts_with(testdata_dir()) {
            drops.iter().collect()
        } else {
            let f = jtool::container::JpegFile::parse(&data).unwrap();
            let target = jtool::entropy::decode(&f, &Default::default())
                .unwrap()
                .image;
            let fits = |d: &&Drop| check_drop(&target, &d.source.image).is_ok();
            let mut c: Vec<&Drop> = drops.iter().filter(fits).collect();
            c.push(&drops[i % drops.len()]);
            c
        };
        let mut fails = Vec::new();
        for d in chosen {
            for at in positions(*w, *h, d.size.0, d.size.1) {
                let what = format!(
                    "{} -drop +{}+{}{} {}",
                    path.display(),
                    at.0,
                    at.1,
                    if at.2 { " -trim" } else { "" },
                    d.path.display()
                );
                cases.fetch_add(1, Ordering::Relaxed);
                match one_case(&jt, &data, d, at, &what) {
                    Ok(kind) => *kinds.lock().unwrap().entry(kind).or_insert(0) += 1,
                    Err(e) => fails.push(e),
                }
            }
        }
        fails
    });
    report_failures(
        &format!(
            "drop: {} requests on {} files {:?}",
            cases.load(Ordering::Relaxed),
            files.len(),
            kinds.lock().unwrap()
        ),
        &failures,
    );
}

/// The command line: the drop image read once, errors on one line with the file they
/// concern, nothing written on failure, the Exif thumbnail drawn again.
#[test]
fn drop_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let td = testdata_dir();
    let target = td.join("meta_420_67x45.jpg");
    let out = dir.path().join("out.jpg");
    let jtool = || assert_cmd::Command::cargo_bin("jtool").unwrap();
    let drop = td.join("qt16_q10_33x17.jpg");
    let r = jtool()
        .arg("drop")
        .arg("--image")
        .arg(&drop)
        .args(["--x", "16", "--y", "16"])
        .arg(&target)
        .arg(&out)
        .assert()
        .success();
    let err = String::from_utf8_lossy(&r.get_output().stderr).into_owned();
    assert!(err.is_empty(), "{err}");
    let source = load_drop(&std::fs::read(&drop).unwrap(), &Default::default()).unwrap();
    let data = std::fs::read(&target).unwrap();
    let lib = drop_image(&data, &source, (16, 16), false, &CopyOptions::default()).unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), lib.bytes);
    let thumbnail = |b: &[u8]| {
        let f = jtool::container::JpegFile::parse(b).unwrap();
        let exif = f
            .segments()
            .find(|s| jtool::container::classify(s) == jtool::container::MetaClass::Exif)
            .unwrap();
        let (at, len) = jtool::container::edit::exif_thumbnail(exif.body).unwrap();
        exif.body[at..at + len].to_vec()
    };
    assert_ne!(
        thumbnail(&lib.bytes),
        thumbnail(&data),
        "thumbnail not redrawn"
    );

    // Sampling that does not fit: exit 1, the input named, no output.
    let bad = dir.path().join("bad.jpg");
    let r = jtool()
        .arg("drop")
        .arg("--image")
        .arg(td.join("opt_444_q90_67x45.jpg"))
        .arg(&target)
        .arg(&bad)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&r.get_output().stderr).into_owned();
    assert!(
        err.starts_with("jtool: ") && err.contains("sampling"),
        "{err}"
    );
    assert!(!bad.exists());

    // A drop image that is missing or not a JPEG: exit 1, naming it.
    let junk = dir.path().join("junk.jpg");
    std::fs::write(&junk, b"\xFF\xD8\xFF\xDB\x00").unwrap();
    for d in [dir.path().join("missing.jpg"), junk] {
        let r = jtool()
            .arg("drop")
            .arg("--image")
            .arg(&d)
            .arg(&target)
            .arg(&bad)
            .assert()
            .code(1);
        let err = String::from_utf8_lossy(&r.get_output().stderr).into_owned();
        let name = format!("jtool: {}: ", d.display());
        assert!(err.starts_with(&name) && err.lines().count() == 1, "{err}");
        assert!(!bad.exists());
    }

    // Too big for the image from there: exit 1.
    jtool()
        .arg("drop")
        .arg("--image")
        .arg(td.join("baseline_420_q85_67x45.jpg"))
        .args(["--x", "1"])
        .arg(&target)
        .arg(&bad)
        .assert()
        .code(1);
    assert!(!bad.exists());
}
