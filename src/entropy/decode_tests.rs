//! Decoder tests on the shared corpus and against libjpeg-turbo's jpegtran.
//!
//! The corpus tests skip (with a message) when `shared/corpus` is absent. The jpegtran
//! oracle: `jpegtran` re-encodes the coefficients it decoded, so decoding its output
//! must give the same coefficients as decoding the input. That test skips when
//! jpegtran is missing, but fails when `CI=true`.

use super::{decode, Decoded, Limits};
use crate::coeffs::Block;
use crate::container::JpegFile;
use crate::error::WarningKind;
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn corpus() -> Option<PathBuf> {
    let dir = match std::env::var_os("JTOOL_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")),
    };
    if dir.join("valid").is_dir() {
        Some(dir)
    } else {
        eprintln!("corpus not found at {}: skipping", dir.display());
        None
    }
}

/// MANIFEST.tsv rows by file name (relative to the corpus root).
fn manifest(dir: &std::path::Path) -> HashMap<String, HashMap<String, String>> {
    let Ok(text) = std::fs::read_to_string(dir.join("MANIFEST.tsv")) else {
        return HashMap::new();
    };
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    lines
        .map(|l| {
            let row: HashMap<String, String> = head
                .iter()
                .zip(l.split('\t'))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            (row.get("file").cloned().unwrap_or_default(), row)
        })
        .collect()
}

fn files(dir: PathBuf) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| p.is_file() && !p.extension().is_some_and(|e| e == "md" || e == "tsv"));
    v.sort();
    v
}

fn decode_bytes(b: &[u8]) -> crate::Result<Decoded> {
    let f = JpegFile::parse(b)?;
    decode(&f, &Limits::default())
}

/// Compares the blocks that hold image data (padding blocks may differ: jpegtran
/// writes its own dummy blocks).
/// The real blocks of two images of the same geometry, in pairs: (component, x, y,
/// block of `a`, block of `b`).
pub(super) fn real_block_pairs<'i>(
    a: &'i Decoded,
    b: &'i Decoded,
) -> impl Iterator<Item = (usize, usize, usize, &'i Block, &'i Block)> + 'i {
    let g = a.image.geometry();
    let comps = a
        .image
        .components
        .iter()
        .zip(&b.image.components)
        .enumerate();
    comps.flat_map(move |(i, (ca, cb))| {
        let (bw, bh) = g.real_blocks(i);
        (0..bh).flat_map(move |y| {
            (0..bw).map(move |x| (i, x, y, ca.plane.block(x, y), cb.plane.block(x, y)))
        })
    })
}

fn same_real_blocks(a: &Decoded, b: &Decoded) -> Result<(), String> {
    let (ia, ib) = (&a.image, &b.image);
    if (ia.width, ia.height, ia.components.len()) != (ib.width, ib.height, ib.components.len()) {
        return Err("geometry differs".into());
    }
    if let Some(i) =
        (0..ia.components.len()).find(|&i| ia.components[i].quant != ib.components[i].quant)
    {
        return Err(format!("component {i}: quantization tables differ"));
    }
    match real_block_pairs(a, b).find(|(.., x, y)| x != y) {
        Some((i, bx, by, x, y)) => Err(format!("component {i} block ({bx},{by}): {x:?} vs {y:?}")),
        None => Ok(()),
    }
}

fn supported_row(row: &HashMap<String, String>) -> bool {
    let get = |k: &str| row.get(k).map(String::as_str).unwrap_or("");
    get("djpeg_ok") == "yes"
        && matches!(get("sof"), "SOF0" | "SOF1" | "SOF2")
        && get("precision") == "8"
}

#[test]
fn valid_corpus_decodes() {
    let Some(dir) = corpus() else { return };
    let rows = manifest(&dir);
    let mut strict = 0;
    let mut failures = Vec::new();
    for path in files(dir.join("valid")) {
        let name = format!("valid/{}", path.file_name().unwrap().to_string_lossy());
        let bytes = std::fs::read(&path).unwrap();
        let result = std::panic::catch_unwind(|| decode_bytes(&bytes));
        let Ok(result) = result else {
            failures.push(format!("{name}: panic"));
            continue;
        };
        if rows.get(&name).is_some_and(supported_row) {
            strict += 1;
            match result {
                Ok(d) if d.warnings.is_empty() => {}
                Ok(d) => failures.push(format!("{name}: warnings {:?}", d.warnings)),
                Err(e) => failures.push(format!("{name}: {e}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(strict > 100, "only {strict} files were checked strictly");
}

#[test]
fn malformed_corpus_never_panics_or_hangs() {
    let Some(dir) = corpus() else { return };
    let mut failures = Vec::new();
    for path in files(dir.join("malformed")) {
        let bytes = std::fs::read(&path).unwrap();
        let start = Instant::now();
        let result = std::panic::catch_unwind(|| decode_bytes(&bytes).map(|d| d.warnings.len()));
        let took = start.elapsed();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if result.is_err() {
            failures.push(format!("{name}: panic"));
        }
        if took > Duration::from_secs(2) {
            failures.push(format!("{name}: took {took:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs jpegtran; `None` when it is not installed (the caller decides to skip).
fn jpegtran(args: &[&str], input: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    let mut child = match Command::new("jpegtran")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(_) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "jpegtran is required when CI=true"
            );
            return None;
        }
    };
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(!out.stdout.is_empty(), "jpegtran {args:?} wrote nothing");
    Some(out.stdout)
}

/// Decodes `name`, re-encodes it with jpegtran `args`, decodes that and compares.
/// Returns false when jpegtran is unavailable.
fn check_with_jpegtran(
    name: &str,
    bytes: &[u8],
    args: &[&str],
    failures: &mut Vec<String>,
) -> bool {
    let ours = match decode_bytes(bytes) {
        Ok(d) => d,
        Err(e) => {
            failures.push(format!("{name}: {e}"));
            return true;
        }
    };
    let Some(y) = jpegtran(args, bytes) else {
        return false;
    };
    match decode_bytes(&y) {
        Ok(theirs) => {
            if !theirs.warnings.is_empty() {
                failures.push(format!(
                    "{name} {args:?}: warnings on jpegtran output {:?}",
                    theirs.warnings
                ));
            }
            if let Err(e) = same_real_blocks(&ours, &theirs) {
                failures.push(format!("{name} {args:?}: {e}"));
            }
        }
        Err(e) => failures.push(format!("{name} {args:?}: jpegtran output: {e}")),
    }
    true
}

#[test]
fn progressive_coefficients_match_jpegtran() {
    let Some(dir) = corpus() else { return };
    let rows = manifest(&dir);
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in files(dir.join("valid")) {
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let name = format!("valid/{file}");
        let progressive = rows
            .get(&name)
            .is_some_and(|r| supported_row(r) && r["sof"] == "SOF2");
        if !progressive {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        if !check_with_jpegtran(&name, &bytes, &["-copy", "none"], &mut failures) {
            eprintln!("jpegtran not found: skipping the coefficient comparison");
            return;
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 20, "only {checked} progressive files");
}

/// Baseline files turned progressive (with and without restart intervals) and back:
/// exercises every progressive scan kind, EOBRUN and restarts against libjpeg's
/// encoder, and the sequential decoder against libjpeg's decoder.
#[test]
fn sequential_and_restarts_match_jpegtran() {
    let Some(dir) = corpus() else { return };
    let picks = [
        "ijg_testorig_227x149.jpg",
        "cam_casio_ex_s1_dri4_640x480.jpg",
        "dri_jpegdecoder_restarts_33x33.jpg",
        "dri13_jxl_flower_420_2268x1512.jpg",
        "cam_minolta_dimage_ex_sub_2x2_1x2_1x2.jpg",
        "mjpeg_no_dht_jpegdecoder_960x720.jpg",
    ];
    let mut failures = Vec::new();
    for file in picks {
        let Ok(bytes) = std::fs::read(dir.join("valid").join(file)) else {
            eprintln!("{file} missing: skipped");
            continue;
        };
        for args in [
            &["-copy", "none"][..],
            &["-copy", "none", "-optimize", "-restart", "1"],
            &["-copy", "none", "-progressive"],
            &["-copy", "none", "-progressive", "-restart", "1"],
            &["-copy", "none", "-progressive", "-restart", "3B"],
        ] {
            if !check_with_jpegtran(file, &bytes, args, &mut failures) {
                eprintln!("jpegtran not found: skipping the coefficient comparison");
                return;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn rst_positions(b: &[u8]) -> Vec<usize> {
    (0..b.len().saturating_sub(1))
        .filter(|&i| b[i] == 0xFF && (0xD0..=0xD7).contains(&b[i + 1]))
        .collect()
}

/// A file with restart markers, made by jpegtran from a corpus file (or the corpus
/// file itself when jpegtran is missing).
fn restart_file() -> Option<Vec<u8>> {
    let dir = corpus()?;
    let bytes = std::fs::read(dir.join("valid/ijg_testorig_227x149.jpg")).ok()?;
    jpegtran(&["-copy", "none", "-restart", "1"], &bytes)
        .or_else(|| std::fs::read(dir.join("valid/cam_casio_ex_s1_dri4_640x480.jpg")).ok())
}

#[test]
fn missing_restart_marker_resynchronises() {
    let Some(good) = restart_file() else { return };
    let reference = decode_bytes(&good).unwrap();
    assert!(reference.warnings.is_empty());
    assert!(reference.restart_interval > 0);
    let rst = rst_positions(&good);
    assert!(rst.len() > 4);
    // Drop the third marker: its interval is lost, the rest must decode as before.
    let mut bad = good.clone();
    bad.drain(rst[2]..rst[2] + 2);
    let d = decode_bytes(&bad).unwrap();
    assert!(
        d.warnings.iter().any(|w| w.kind == WarningKind::BadRestart),
        "{:?}",
        d.warnings
    );
    let (ca, cb) = (&reference.image.components[0], &d.image.components[0]);
    let n = ca.plane.blocks.len();
    assert_eq!(
        ca.plane.blocks[..2],
        cb.plane.blocks[..2],
        "first intervals unchanged"
    );
    assert_eq!(
        ca.plane.blocks[n - 8..],
        cb.plane.blocks[n - 8..],
        "last blocks unchanged"
    );
    // Two markers swapped in number: warnings, no panic.
    let mut swapped = good.clone();
    swapped[rst[1] + 1] = 0xD7;
    let d = decode_bytes(&swapped).unwrap();
    assert!(d.warnings.iter().any(|w| w.kind == WarningKind::BadRestart));
}

#[test]
fn corrupt_code_zeroes_only_its_interval() {
    let Some(good) = restart_file() else { return };
    let reference = decode_bytes(&good).unwrap();
    let rst = rst_positions(&good);
    // Overwrite the whole interval after the 4th marker with 0xFE bytes (no valid
    // code sequence ends well there); markers stay intact.
    let mut bad = good.clone();
    for b in &mut bad[rst[3] + 2..rst[4]] {
        *b = 0xFE;
    }
    let d = decode_bytes(&bad).unwrap();
    assert!(!d.warnings.is_empty());
    let (ca, cb) = (&reference.image.components[0], &d.image.components[0]);
    let n = ca.plane.blocks.len();
    assert_eq!(
        ca.plane.blocks[n - 8..],
        cb.plane.blocks[n - 8..],
        "later intervals unchanged"
    );
}

#[test]
fn truncated_file_warns_and_keeps_the_start() {
    let Some(dir) = corpus() else { return };
    let good = std::fs::read(dir.join("valid/ijg_testorig_227x149.jpg")).unwrap();
    let reference = decode_bytes(&good).unwrap();
    let cut = &good[..good.len() * 2 / 3];
    let d = decode_bytes(cut).unwrap();
    assert!(
        d.warnings
            .iter()
            .any(|w| w.kind == WarningKind::PrematureEnd),
        "{:?}",
        d.warnings
    );
    let (ca, cb) = (&reference.image.components[0], &d.image.components[0]);
    assert_eq!(ca.plane.blocks[..60], cb.plane.blocks[..60]);
    assert!(cb.plane.blocks.last().unwrap().iter().all(|&c| c == 0));
    // Every prefix: no panic.
    for len in (0..good.len()).step_by(97) {
        let _ = decode_bytes(&good[..len]);
    }
}

#[test]
fn bit_flips_never_panic() {
    let Some(dir) = corpus() else { return };
    for file in [
        "ijg_testimgp_prog_227x149.jpg",
        "ijg_testorig_227x149.jpg",
        "dri_jpegdecoder_restarts_33x33.jpg",
    ] {
        let Ok(good) = std::fs::read(dir.join("valid").join(file)) else {
            continue;
        };
        let mut x: u32 = 12345;
        for _ in 0..300 {
            let mut b = good.clone();
            for _ in 0..4 {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                let i = (x >> 8) as usize % b.len();
                b[i] ^= 1 << (x % 8);
            }
            let _ = decode_bytes(&b);
        }
    }
}

#[test]
fn errors_for_unsupported_and_missing_parts() {
    use crate::error::{Error, MalformedKind};
    let Some(dir) = corpus() else { return };
    let read = |f: &str| std::fs::read(dir.join("valid").join(f)).unwrap();
    match decode_bytes(&read("sof3_lossless_p16_jpegdecoder_256x256.jpg")) {
        Err(Error::Unsupported {
            feature,
            offset: Some(_),
        }) => assert!(feature.contains("lossless"), "{feature}"),
        other => panic!("{other:?}"),
    }
    // 12-bit samples decode; a precision other than 8 or 12 is unsupported.
    let mut p12 = read("p12_ijg_testorig12_sof1.jpg");
    let d = decode_bytes(&p12).unwrap();
    assert_eq!(d.image.precision, 12);
    let sof = (0..p12.len())
        .find(|&i| p12[i] == 0xFF && p12[i + 1] == 0xC1)
        .unwrap();
    p12[sof + 4] = 16;
    match decode_bytes(&p12) {
        Err(Error::Unsupported { feature, .. }) => assert!(feature.contains("16-bit"), "{feature}"),
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("16-bit precision decoded"),
    }
    // No scan: cut before the first SOS.
    let good = read("ijg_testorig_227x149.jpg");
    let sos = (0..good.len())
        .find(|&i| good[i] == 0xFF && good[i + 1] == 0xDA)
        .unwrap();
    let mut no_scan = good[..sos].to_vec();
    no_scan.extend_from_slice(&[0xFF, 0xD9]);
    assert!(matches!(
        decode_bytes(&no_scan),
        Err(Error::Malformed {
            kind: MalformedKind::NoScan,
            ..
        })
    ));
    // Pixel limit.
    let f = JpegFile::parse(&good).unwrap();
    let tiny = Limits {
        max_pixels: 1000,
        max_scans: 10,
    };
    assert!(matches!(decode(&f, &tiny), Err(Error::Limit(_))));
}

/// Timing on a big file: `JTOOL_BENCH=/path/big.jpg cargo test --release --lib
/// decode_bench -- --ignored --nocapture`.
#[test]
#[ignore]
fn decode_bench() {
    let Some(path) = std::env::var_os("JTOOL_BENCH") else {
        return;
    };
    let bytes = std::fs::read(path).unwrap();
    let mut times = Vec::new();
    for _ in 0..7 {
        let start = Instant::now();
        let d = decode_bytes(&bytes).unwrap();
        times.push(start.elapsed());
        assert!(d.warnings.is_empty());
    }
    times.sort();
    eprintln!(
        "decode: min {:?}, median {:?}",
        times[0],
        times[times.len() / 2]
    );
}

/// A frame with height 0 takes its height from DNL; the same file with the height
/// written into the frame header (which libjpeg can read) has the same coefficients.
#[test]
fn dnl_defines_the_height() {
    let Some(dir) = corpus() else { return };
    let Ok(bytes) = std::fs::read(dir.join("malformed/dnl_height0_beach_sof1.jpg")) else {
        return;
    };
    let d = decode_bytes(&bytes).unwrap();
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    assert_eq!((d.frame.height, d.image.height), (200, 200));
    let sof = (0..bytes.len() - 1)
        .find(|&i| bytes[i] == 0xFF && bytes[i + 1] == 0xC1)
        .unwrap();
    let mut patched = bytes.clone();
    patched[sof + 5..sof + 7].copy_from_slice(&200u16.to_be_bytes());
    let mut failures = Vec::new();
    check_with_jpegtran("dnl", &patched, &["-copy", "none"], &mut failures);
    assert!(failures.is_empty(), "{failures:?}");
    let p = decode_bytes(&patched).unwrap();
    assert_eq!(p.image, d.image);
}

/// The mask-based AC refinement walk against the one-coefficient-at-a-time walk of
/// T.81 G.1.2.3: same blocks, same EOB runs, same bits consumed, same errors, on random
/// bit streams over random coefficient histories, natural and transposed/mirrored.
#[test]
fn ac_refine_matches_plain_walk() {
    use super::bitread::BitReader;
    use super::decode_prog::AcRefine;
    use super::decode_scan::{BlockDecode, Natural};
    use super::huffdec::HuffDecoder;
    use crate::container::std_tables;
    let mut rnd = crate::xorshift64(0x1234_5678_9ABC_DEF1);
    // A refinement table: EOBr (r = 0..14), ZRL, and run/size 1 codes, all lengths.
    let mut spec = std_tables::std_ac_luma(0);
    let mut syms: Vec<u8> = (0..15).map(|r| r << 4).collect();
    syms.push(0xF0);
    syms.extend((0..15).map(|r| r << 4 | 1));
    syms.push(0xF1);
    syms.push(0x02); // an invalid magnitude for a refinement
    spec.counts = [0, 0, 0, 0, 8, 8, 8, 8, 0, 0, 0, 0, 0, 0, 0, 1];
    spec.symbols = syms;
    assert_eq!(
        spec.counts.iter().map(|&c| c as usize).sum::<usize>(),
        spec.symbols.len()
    );
    let table = HuffDecoder::new(&spec, false).unwrap();
    for round in 0..3000 {
        let (ss, se) = match round % 4 {
            0 => (1, 63),
            1 => (1, 5),
            2 => (6, 63),
            _ => {
                let a = 1 + (rnd() % 63) as u8;
                let b = 1 + (rnd() % 63) as u8;
                (a.min(b), a.max(b))
            }
        };
        let al = (rnd() % 4) as u8;
        let data: Vec<u8> = (0..64).map(|_| (rnd() % 255) as u8).collect();
        let density = rnd() % 5;
        let mut blocks: Vec<crate::coeffs::Block> = (0..6)
            .map(|_| {
                std::array::from_fn(|_| {
                    if rnd() % 5 < density {
                        ((rnd() % 9) as i16 - 4) << (al + 1)
                    } else {
                        0
                    }
                })
            })
            .collect();
        let eobrun = if rnd() % 4 == 0 {
            (rnd() % 3) as u32
        } else {
            0
        };
        let mut a = AcRefine {
            ac: &table,
            ss,
            se,
            al,
            eobrun,
        };
        let mut b = AcRefine {
            ac: &table,
            ss,
            se,
            al,
            eobrun,
        };
        let (mut ra, mut rb) = (BitReader::new(&data), BitReader::new(&data));
        for blk in &mut blocks {
            let mut x = *blk;
            let res_a = a.decode_plain(&mut ra, &mut x);
            let mut hist = (1..64).fold(0u64, |h, k| {
                h | ((blk[super::decode_scan::nat(k)] != 0) as u64) << k
            });
            let res_b = b.decode(&mut rb, 0, blk, &mut hist, Natural);
            assert_eq!(res_a.is_ok(), res_b.is_ok(), "round {round}");
            if res_a.is_err() {
                break;
            }
            assert_eq!(&x, blk, "round {round}");
            let want = (1..64).fold(0u64, |h, k| {
                h | ((x[super::decode_scan::nat(k)] != 0) as u64) << k
            });
            assert_eq!(hist, want, "round {round}: history mask");
            assert_eq!(a.eobrun, b.eobrun, "round {round}");
            assert_eq!(ra.get_bits(7), rb.get_bits(7), "round {round}");
        }
    }
}

/// `decode_threaded` of `b` (progressive scans pipelined, see `decode_pipe`) against
/// `decode`: the same coefficients, headers and warnings, or the same error.
fn pipelined_agrees(b: &[u8], what: &str) {
    let Ok(f) = JpegFile::parse(b) else {
        return;
    };
    let summary = |r: &crate::Result<Decoded>| match r {
        Ok(d) => format!("{:?} {:?} {:?}", d.frame, d.scans, d.warnings),
        Err(e) => format!("{e:?}"),
    };
    let one = decode(&f, &Limits::default());
    for t in [2, 4] {
        let other = super::decode_threaded(&f, &Limits::default(), t);
        assert_eq!(summary(&one), summary(&other), "{what}, {t} threads");
        if let (Ok(a), Ok(b)) = (&one, &other) {
            assert!(
                a.image == b.image,
                "{what}, {t} threads: coefficients differ"
            );
        }
    }
}

/// A progressive file of `w` × `h` with noisy coefficients (`comps`: id, h, v, table),
/// coded with `script` (None: the default one) and restart interval `ri`.
fn progressive_file(
    next: &mut impl FnMut() -> u64,
    (w, h): (u32, u32),
    comps: &[(u8, u8, u8, u8)],
    ri: u16,
    script: Option<Vec<crate::container::ScanHeader>>,
) -> Vec<u8> {
    use super::{encode, CodingMode, EncodeOptions};
    let mut img = crate::coeffs::CoefficientImage::zeroed(w, h, 8, comps);
    for c in &mut img.components {
        for b in &mut c.plane.blocks {
            b[0] = (next() % 512) as i16 - 256;
            // Fewer and smaller coefficients at higher frequencies, as in photographs.
            for k in 1..64 {
                let r = next();
                if r % 64 > 40 - k as u64 / 2 {
                    continue;
                }
                let mag = (r >> 8) % (1 + 40 / k as u64);
                b[crate::coeffs::ZIGZAG[k]] = if r & 1 == 0 {
                    mag as i16
                } else {
                    -(mag as i16)
                };
            }
        }
    }
    let opts = EncodeOptions {
        mode: CodingMode::Progressive,
        restart_interval: ri,
        scan_script: script,
        ..EncodeOptions::default()
    };
    let mut f = vec![0xFF, 0xD8];
    f.extend(encode(&img, &opts).unwrap());
    f.extend([0xFF, 0xD9]);
    f
}

/// Progressive files of several samplings, with and without restart intervals, with
/// the default script and one that refines DC and every AC band twice, and random
/// mutants of them (damage in any scan: corrupt codes, cut scans, stray bytes): the
/// scans pipelined on 2 and 4 threads decode as they do one after another.
#[test]
fn pipelined_scans_decode_as_one_after_another() {
    use crate::container::{ScanComponent, ScanHeader};
    let mut next = crate::xorshift64(0x9E37_79B9_7F4A_7C15);
    let scan = |ids: &[u8], ss, se, ah, al| ScanHeader {
        components: ids
            .iter()
            .map(|&id| ScanComponent {
                id,
                td: u8::from(id > 1),
                ta: u8::from(id > 1),
            })
            .collect(),
        ss,
        se,
        ah,
        al,
    };
    let twice = |n: u8| {
        let all: Vec<u8> = (1..=n).collect();
        let mut s = vec![scan(&all, 0, 0, 0, 2), scan(&all, 0, 0, 2, 1)];
        for c in 1..=n {
            s.push(scan(&[c], 1, 9, 0, 2));
            s.push(scan(&[c], 10, 63, 0, 1));
            s.push(scan(&[c], 1, 9, 2, 1));
            s.push(scan(&[c], 1, 63, 1, 0));
        }
        s.push(scan(&all, 0, 0, 1, 0));
        s
    };
    let colour = |h0, v0| vec![(1, h0, v0, 0), (2, 1, 1, 1), (3, 1, 1, 1)];
    let gray = vec![(1, 1, 1, 0)];
    let cases = [
        (colour(2, 2), 0, None),
        (colour(1, 1), 3, None),
        (colour(2, 1), 0, Some(twice(3))),
        (gray.clone(), 0, Some(twice(1))),
        (gray, 5, None),
    ];
    for (comps, ri, script) in cases {
        let clean = progressive_file(&mut next, (203, 331), &comps, ri, script);
        let what = format!("{comps:?} ri {ri}");
        for m in 0..120 {
            let d = crate::mutant(&clean, m, &mut next);
            pipelined_agrees(&d, &format!("{what} mutant {m}"));
        }
    }
}

/// Every corpus file decodes the same with its progressive scans pipelined.
#[test]
fn pipelined_decode_agrees_over_the_corpus() {
    let Some(dir) = corpus() else { return };
    for sub in ["valid", "malformed"] {
        for p in files(dir.join(sub)) {
            let b = std::fs::read(&p).unwrap();
            pipelined_agrees(&b, &p.display().to_string());
        }
    }
}

/// The DC coefficients of `a`'s real blocks equal `b`'s, and its AC coefficients are
/// all zero for the components in `skipped`, `b`'s for the others (`a` from
/// [`super::decode_skipping_ac`], `b` from a full decode).
fn same_dc_no_ac(a: &Decoded, b: &Decoded, skipped: &[u8]) -> Result<(), String> {
    let skip = |i: usize| skipped.contains(&b.frame.components[i].id);
    let wrong = real_block_pairs(a, b).find(|&(i, _, _, x, y)| {
        let ac_ok = x[1..]
            .iter()
            .zip(&y[1..])
            .all(|(&u, &v)| u == if skip(i) { 0 } else { v });
        x[0] != y[0] || !ac_ok
    });
    match wrong {
        Some((i, bx, by, x, y)) => Err(format!("component {i} block ({bx},{by}): {x:?} vs {y:?}")),
        None => Ok(()),
    }
}

/// Leaving every AC scan it may unread (`decode_skipping_ac` with every component)
/// gives the DC coefficients of a full decode, and the AC coefficients of the last
/// scan's component, on every valid and malformed corpus file: a progressive frame's
/// AC scans cannot change a DC value, however damaged they are; a sequential frame is
/// decoded whole. Errors come from headers, which are read either way.
#[test]
fn dc_scans_give_the_dc_coefficients_of_a_full_decode() {
    let Some(dir) = corpus() else { return };
    let limits = Limits::default();
    let (mut progressive, mut failures) = (0, Vec::new());
    for path in files(dir.join("valid"))
        .into_iter()
        .chain(files(dir.join("malformed")))
    {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(file) = JpegFile::parse(&bytes) else {
            continue;
        };
        let name = path.display().to_string();
        let all: Vec<u8> = (0..=255).collect();
        let dc = super::decode_skipping_ac(&file, &limits, &all, 1 + progressive % 3);
        let full = decode(&file, &limits);
        let check = match (&full, &dc) {
            (Ok(f), Ok(d)) if f.frame.marker.is_progressive_sof() => {
                progressive += 1;
                same_dc_no_ac(d, f, &super::skippable_ac(&file, &all))
            }
            (Ok(f), Ok(d)) => same_real_blocks(d, f),
            (Err(_), Err(_)) => Ok(()),
            (f, d) => Err(format!("full: {:?}, DC scans: {:?}", f.is_ok(), d.is_ok())),
        };
        if let Err(e) = check {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(progressive > 20, "only {progressive} progressive files");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
