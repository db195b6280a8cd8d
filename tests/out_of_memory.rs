//! Running out of memory under an address-space limit (`ulimit -v`, as batch pipelines
//! set) ends jtool like any other failure: one line naming the file, exit code 1, no
//! output and no temporary file left behind (not Rust's abort, exit code 134).

use assert_cmd::cargo::cargo_bin;
use jtool::pipeline::{encode_pixels, PixelEncodeOptions};
use jtool::pixels::PixelImage;

/// A 3000×3000 gray JPEG of noise (5 MB): its coefficient image (140,625 blocks,
/// 18 MB) does not fit under the limit below with the program itself.
fn big_noisy_jpeg() -> Vec<u8> {
    let mut s = 0x2545_f491u32;
    let data = (0..3000 * 3000)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            (s >> 24) as u8
        })
        .collect();
    let img = PixelImage {
        width: 3000,
        height: 3000,
        channels: 1,
        data,
    };
    let mut opts = PixelEncodeOptions::default();
    opts.params.grayscale = true;
    encode_pixels(&img, &opts).unwrap()
}

/// Runs `jtool args` under `ulimit -v kib`; returns (exit code, stderr).
fn under_limit(kib: u32, args: &[&str]) -> (i32, String) {
    let script = format!("ulimit -v {kib} && exec \"$0\" \"$@\"");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(cargo_bin("jtool"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn out_of_memory_is_one_line_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.jpg");
    std::fs::write(&input, big_noisy_jpeg()).unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let output = out_dir.join("rotated.jpg");
    let (i, o) = (input.to_str().unwrap(), output.to_str().unwrap());
    // Without a limit the rotation works (the limit is what fails it below).
    assert_eq!(under_limit(4_000_000, &["rotate", "90", i, o]).0, 0);
    std::fs::remove_file(&output).unwrap();
    for args in [
        vec!["rotate", "90", i, o],
        vec!["copy", i, o],
        vec!["inspect", "--history", i],
    ] {
        let (code, stderr) = under_limit(30_000, &args);
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with(&format!("jtool: {i}: out of memory (")),
            "{args:?}: {stderr}"
        );
        let left: Vec<_> = std::fs::read_dir(&out_dir).unwrap().collect();
        assert!(left.is_empty(), "{args:?} left {left:?}");
    }
}
