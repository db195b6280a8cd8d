//! 12-bit pixel decoding against the IJG library's 12-bit build, as DCMTK ships it
//! (`img2dcm` wraps the JPEG file in DICOM, `dcmdjpeg` decodes it with libijg12, and
//! `dcmdump +W` writes the samples out): libjpeg-turbo-progs 2.1.5 is 8-bit only.
//! The islow inverse DCT, fancy upsampling and colour conversion of that library are
//! the ones libjpeg-turbo's 12-bit djpeg runs.

mod common;

use common::{corpus_dir, manifest, testdata_dir, tool};
use jtool::pipeline::pixels::{decode_file_rows, DecodeOptions};
use jtool::pipeline::{copy, CopyOptions, RestartSpec};
use jtool::pixels::PixelShape;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The samples (host order) DCMTK decodes from `jpeg`: RGB when `rgb`, otherwise the
/// components as they are after upsampling (Y, Cb, Cr); `None` if a tool refused.
fn dcmtk_decode(jpeg: &[u8], rgb: bool) -> Option<Vec<u16>> {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    std::fs::write(p("in.jpg"), jpeg).unwrap();
    let run = |cmd: &mut Command| cmd.output().is_ok_and(|o| o.status.success());
    let conv = if rgb { "+ca" } else { "+cn" };
    let ok = run(Command::new("img2dcm").arg(p("in.jpg")).arg(p("a.dcm")))
        && run(Command::new("dcmdjpeg")
            .arg(conv)
            .arg(p("a.dcm"))
            .arg(p("b.dcm")))
        && run(Command::new("dcmdump")
            .arg("+W")
            .arg(dir.path())
            .arg(p("b.dcm")));
    if !ok {
        return None;
    }
    let raw = std::fs::read(p("b.dcm.0.raw")).ok()?;
    Some(
        raw.chunks_exact(2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect(),
    )
}

/// jtool's decode of `jpeg` (gray output when `gray`): its shape and samples.
fn jtool_decode(name: &str, jpeg: &[u8], gray: bool) -> (PixelShape, Vec<u16>) {
    let mut opts = DecodeOptions::default();
    opts.pixels.gray = gray;
    let mut shape = None;
    let mut bytes = Vec::new();
    decode_file_rows(
        jpeg,
        &opts,
        &mut |s| {
            shape = Some(s);
            Ok(())
        },
        &mut |rows| {
            bytes.extend_from_slice(rows);
            Ok(())
        },
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    let samples = bytes
        .chunks_exact(2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .collect();
    (shape.unwrap(), samples)
}

/// The 12-bit files: the corpus's and testdata's, and copies of them made
/// progressive and with restart markers.
fn files() -> Vec<(String, Vec<u8>)> {
    let mut paths: Vec<PathBuf> = Vec::new();
    if let Some(c) = corpus_dir() {
        let m = manifest(&c);
        let mut rows: Vec<_> = (m.values())
            .filter(|r| r["category"] == "valid" && r["precision"] == "12")
            .collect();
        rows.sort_by(|a, b| a["file"].cmp(&b["file"]));
        paths.extend(rows.iter().map(|r| c.join(&r["file"])));
    }
    paths.extend(twelve_bit_testdata());
    let mut out = Vec::new();
    for path in paths {
        let data = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        for (label, opts) in [
            (
                "progressive",
                CopyOptions {
                    mode: Some(jtool::entropy::CodingMode::Progressive),
                    ..CopyOptions::default()
                },
            ),
            (
                "restart",
                CopyOptions {
                    restart: RestartSpec::Mcus(2),
                    ..CopyOptions::default()
                },
            ),
        ] {
            if let Ok(o) = copy(&data, &opts) {
                out.push((format!("{name} ({label})"), o.bytes));
            }
        }
        out.push((name, data));
    }
    out
}

/// testdata's 12-bit files (named `p12_*`).
fn twelve_bit_testdata() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(testdata_dir())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| is_twelve_bit_name(p))
        .collect();
    v.sort();
    v
}

fn is_twelve_bit_name(p: &Path) -> bool {
    let n = p.file_name().unwrap().to_string_lossy();
    n.starts_with("p12_") && n.ends_with(".jpg")
}

#[test]
fn twelve_bit_decode_matches_ijg() {
    if tool("dcmdjpeg").is_none() || tool("img2dcm").is_none() {
        return;
    }
    let (mut same, mut total) = (0, 0);
    let mut failures = Vec::new();
    for (name, data) in files() {
        let (shape, mine) = jtool_decode(&name, &data, false);
        assert_eq!(shape.maxval, 4095);
        let Some(theirs) = dcmtk_decode(&data, shape.channels == 3) else {
            failures.push(format!("{name}: DCMTK could not decode it"));
            continue;
        };
        total += 1;
        if mine == theirs {
            same += 1;
        } else {
            let at = mine.iter().zip(&theirs).position(|(a, b)| a != b);
            failures.push(format!(
                "{name}: {} vs {} samples, first difference at {at:?}",
                mine.len(),
                theirs.len()
            ));
        }
        // Gray output is the decoded luminance.
        if shape.channels == 3 {
            let (_, gray) = jtool_decode(&name, &data, true);
            let ycc = dcmtk_decode(&data, false).unwrap();
            let y: Vec<u16> = ycc.iter().step_by(3).copied().collect();
            if gray != y {
                failures.push(format!("{name}: gray output differs from the luminance"));
            }
        }
    }
    println!("12-bit decode: {same} of {total} files identical to the IJG 12-bit library's");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(total >= 1 || corpus_dir().is_none());
}
