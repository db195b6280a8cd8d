//! The encoder's thread count never changes the output: large files (past the
//! thresholds at which sequential scans are coded in spans and progressive or
//! arithmetic scans apart) give the same bytes with 1 and with 4 threads, in every
//! coding mode, with and without restart intervals, for a copy and a rotation, from
//! baseline and from progressive input. With several threads a baseline copy is also
//! streamed (rows packed and counted while the rest is decoded); with one it is not,
//! so the test also holds the streamed copy to the whole-image one. The sizes are not
//! multiples of the MCU, so that padding blocks are rewritten on the way.

mod common;

use common::synthetic;
use jtool::entropy::{CodingMode, HuffmanChoice};
use jtool::pipeline::{
    copy, encode_pixels, transform, CopyOptions, PixelEncodeOptions, RestartSpec, TransformOptions,
};
use jtool::pixels::{EncodeParams, PixelImage, Sampling};
use jtool::transform::{Orientation, Request};

/// JPEG files large enough for the threaded paths (the streamed copy starts past
/// 2^21 pixels): 4:2:0 colour, baseline and progressive, RGB (whose progressive
/// script is libjpeg's generic one), and gray (one-component scans).
fn inputs() -> Vec<(&'static str, Vec<u8>)> {
    let colour = synthetic(1803, 1201, 3, 1);
    let gray = synthetic(1601, 1313, 1, 2);
    let enc = |img: &PixelImage, mode, sampling| {
        let opts = PixelEncodeOptions {
            params: EncodeParams {
                quality: 90,
                sampling,
                grayscale: img.channels == 1,
                ..EncodeParams::default()
            },
            mode,
            ..Default::default()
        };
        encode_pixels(img, &opts).unwrap()
    };
    vec![
        (
            "420 baseline",
            enc(&colour, CodingMode::Sequential, Sampling::S420),
        ),
        (
            "420 progressive",
            enc(&colour, CodingMode::Progressive, Sampling::S420),
        ),
        (
            "gray baseline",
            enc(&gray, CodingMode::Sequential, Sampling::S444),
        ),
        (
            "rgb baseline",
            as_rgb(&enc(&colour, CodingMode::Sequential, Sampling::S444)),
        ),
    ]
}

/// `jpeg` read as RGB, as libjpeg reads it: no JFIF segment, component ids 'R', 'G',
/// 'B' in the frame and the scan.
fn as_rgb(jpeg: &[u8]) -> Vec<u8> {
    let mut f = jtool::pipeline::strip(jpeg, jtool::container::KeepPolicy::NOTHING)
        .unwrap()
        .bytes;
    let mut i = 2;
    loop {
        let (marker, len) = (f[i + 1], usize::from(f[i + 2]) << 8 | usize::from(f[i + 3]));
        let ids = match marker {
            0xC0 => (i + 10..).step_by(3),
            0xDA => (i + 5..).step_by(2),
            _ => {
                i += 2 + len;
                continue;
            }
        };
        for (at, id) in ids.zip(*b"RGB") {
            f[at] = id;
        }
        if marker == 0xDA {
            return f;
        }
        i += 2 + len;
    }
}

/// Output options to try: each coding mode, restarts in MCUs and in rows.
fn modes() -> Vec<(&'static str, CopyOptions)> {
    let o = |mode, huffman, restart| CopyOptions {
        mode,
        huffman,
        restart,
        ..CopyOptions::default()
    };
    use CodingMode::{Progressive, Sequential};
    use HuffmanChoice::{Arithmetic, Optimal, Standard};
    vec![
        ("kept", o(None, Optimal, RestartSpec::Keep)),
        ("baseline", o(Some(Sequential), Optimal, RestartSpec::Keep)),
        ("standard", o(Some(Sequential), Standard, RestartSpec::Keep)),
        (
            "restart 7B",
            o(Some(Sequential), Optimal, RestartSpec::Mcus(7)),
        ),
        (
            "restart 2 rows",
            o(Some(Sequential), Standard, RestartSpec::Rows(2)),
        ),
        (
            "progressive",
            o(Some(Progressive), Optimal, RestartSpec::Keep),
        ),
        (
            "progressive restart 1",
            o(Some(Progressive), Optimal, RestartSpec::Rows(1)),
        ),
        (
            "arithmetic progressive",
            o(Some(Progressive), Arithmetic, RestartSpec::Keep),
        ),
    ]
}

#[test]
fn thread_count_does_not_change_the_bytes() {
    let mut cases = 0;
    for (name, data) in inputs() {
        for (mode, opts) in modes() {
            let with = |threads| {
                let o = CopyOptions {
                    threads,
                    ..opts.clone()
                };
                let copied = copy(&data, &o).unwrap().bytes;
                let t = TransformOptions {
                    request: Request {
                        orientation: Orientation::Rot90,
                        ..Request::default()
                    },
                    output: o,
                    reset_orientation: false,
                };
                (copied, transform(&data, &t).unwrap().output.bytes)
            };
            let (one, four) = (with(1), with(4));
            assert!(one.0 == four.0, "{name}, {mode}: copy differs");
            assert!(one.1 == four.1, "{name}, {mode}: rotate 90 differs");
            cases += 2;
        }
    }
    eprintln!("{cases} outputs identical with 1 and 4 threads");
}
