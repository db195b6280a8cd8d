//! Arithmetic-coded corpus files decode to the coefficients jpegtran's Huffman
//! transcoding of them holds.

use super::{decode, Decoded, Limits};
use crate::container::JpegFile;
use std::path::PathBuf;
use std::process::{Command, Stdio};

const FILES: [&str; 2] = [
    "valid/arith_ijg_testimgari_sof9.jpg",
    "valid/large_arith_prog_sof10_lepton_3264x2448.jpg",
];

fn corpus() -> Option<PathBuf> {
    let dir = match std::env::var_os("JTOOL_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")),
    };
    dir.join("valid").is_dir().then_some(dir)
}

fn decode_bytes(b: &[u8]) -> Decoded {
    let f = JpegFile::parse(b).expect("parse");
    decode(&f, &Limits::default()).expect("decode")
}

/// `jpegtran -copy none` of `path` (Huffman coded); `None` when jpegtran is missing
/// outside CI.
fn jpegtran_copy(path: &std::path::Path) -> Option<Vec<u8>> {
    let out = Command::new("jpegtran")
        .args(["-copy", "none"])
        .arg(path)
        .stderr(Stdio::null())
        .output();
    match out {
        Ok(o) if o.status.success() => Some(o.stdout),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "jpegtran is required when CI=true"
            );
            None
        }
    }
}

/// Both arithmetic corpus files (SOF9 sequential, SOF10 progressive) decode to the
/// same real blocks as jpegtran's Huffman transcoding of them.
#[test]
fn arithmetic_files_match_jpegtran() {
    let Some(dir) = corpus() else { return };
    for name in FILES {
        let path = dir.join(name);
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let Some(huff) = jpegtran_copy(&path) else {
            return;
        };
        let (a, b) = (decode_bytes(&bytes), decode_bytes(&huff));
        assert!(a.warnings.is_empty(), "{name}: {:?}", a.warnings);
        assert_eq!(a.image.components.len(), b.image.components.len());
        for (i, x, y, ba, bb) in super::decode_tests::real_block_pairs(&a, &b) {
            assert_eq!(ba, bb, "{name}: component {i} block ({x}, {y})");
        }
    }
}

/// Truncations and corruptions of the arithmetic files decode without panicking.
#[test]
fn damaged_arithmetic_files_do_not_panic() {
    let Some(dir) = corpus() else { return };
    let Ok(bytes) = std::fs::read(dir.join(FILES[0])) else {
        return;
    };
    for cut in (200..bytes.len()).step_by(97) {
        let mut b = bytes[..cut].to_vec();
        if let Ok(f) = JpegFile::parse(&b) {
            let _ = decode(&f, &Limits::default());
        }
        let i = cut - 50;
        b = bytes.clone();
        b[i] ^= 0x5A;
        if let Ok(f) = JpegFile::parse(&b) {
            let _ = decode(&f, &Limits::default());
        }
    }
}
