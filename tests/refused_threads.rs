//! When the system refuses to start threads (a container's process limit, `ulimit -u`),
//! every threaded path falls back to fewer threads and gives the same result: copies in
//! every coding mode and a rotation (the streamed copy, spans, progressive scans),
//! pixel decoding (bands, the streamed decode, progressive input), pixel encoding, the
//! coefficient hash, and `verify` (restart intervals in parts, speculative shares),
//! each with no thread at all to spare and with one or two. The refusals are made by
//! `jtool::threads::limit_for_tests`, which is global to the process: this file holds
//! one test, so nothing else runs beside it.

mod common;

use common::{rotate90, synthetic};
use jtool::entropy::{CodingMode, HuffmanChoice, Limits};
use jtool::pipeline::pixels::{decode_file, decode_file_rows, DecodeOptions};
use jtool::pipeline::{
    copy, encode_pixels, inspect_full_with, transform, verify_threaded, CopyOptions,
    PixelEncodeOptions,
};
use jtool::pixels::{EncodeParams, PixelImage, PixelOptions, Sampling};

fn encode(img: &PixelImage, mode: CodingMode, sampling: Sampling, restart: u16) -> Vec<u8> {
    let opts = PixelEncodeOptions {
        params: EncodeParams {
            quality: 90,
            sampling,
            threads: 4,
            ..EncodeParams::default()
        },
        mode,
        restart_interval: restart,
        ..Default::default()
    };
    encode_pixels(img, &opts).unwrap()
}

/// Everything the threaded paths produce for `jpeg`, as text to compare.
fn outputs(jpeg: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for (mode, huffman) in [
        (None, HuffmanChoice::Optimal),
        (Some(CodingMode::Progressive), HuffmanChoice::Optimal),
        (Some(CodingMode::Sequential), HuffmanChoice::Arithmetic),
    ] {
        let o = CopyOptions {
            mode,
            huffman,
            threads: 4,
            ..CopyOptions::default()
        };
        out.push(format!("{:?}", copy(jpeg, &o).map(|c| c.bytes)));
        out.push(format!(
            "{:?}",
            transform(jpeg, &rotate90(o)).map(|t| t.output.bytes)
        ));
    }
    let opts = DecodeOptions {
        pixels: PixelOptions {
            threads: 4,
            ..Default::default()
        },
        ..Default::default()
    };
    let whole = decode_file(jpeg, &opts).map(|d| (d.image.data, d.warnings));
    out.push(format!("{whole:?}"));
    let mut rows = Vec::new();
    let streamed = decode_file_rows(jpeg, &opts, &mut |_| Ok(()), &mut |r| {
        rows.extend_from_slice(r);
        Ok(())
    });
    out.push(format!("{streamed:?} {rows:?}"));
    let report = inspect_full_with(jpeg, &Limits::default()).map(|r| r.coefficient_hash);
    out.push(format!("{report:?}"));
    out.push(format!(
        "{:?}",
        verify_threaded(jpeg, &Limits::default(), 4)
    ));
    out
}

#[test]
fn refused_threads_change_nothing_but_the_time() {
    let colour = synthetic(1803, 1201, 3, 7);
    let mut inputs = vec![
        (
            "420 restarts",
            encode(&colour, CodingMode::Sequential, Sampling::S420, 9),
        ),
        (
            "444 no restarts",
            encode(&colour, CodingMode::Sequential, Sampling::S444, 0),
        ),
        (
            "420 progressive",
            encode(&colour, CodingMode::Progressive, Sampling::S420, 0),
        ),
    ];
    let mut damaged = inputs[1].1.clone();
    let n = damaged.len();
    damaged[n / 2..n / 2 + 64].fill(0x5A);
    inputs.push(("444 damaged", damaged));
    let expected: Vec<Vec<String>> = inputs.iter().map(|(_, j)| outputs(j)).collect();
    let pixels = |limit| {
        jtool::threads::limit_for_tests(limit);
        let r = (
            encode(&colour, CodingMode::Sequential, Sampling::S420, 0),
            encode(&colour, CodingMode::Progressive, Sampling::S444, 0),
        );
        jtool::threads::limit_for_tests(None);
        r
    };
    let encoded = pixels(None);
    let mut cases = 0;
    for limit in [0, 1, 2] {
        assert!(
            pixels(Some(limit)) == encoded,
            "encode, {limit} threads allowed"
        );
        for ((name, jpeg), want) in inputs.iter().zip(&expected) {
            jtool::threads::limit_for_tests(Some(limit));
            let got = outputs(jpeg);
            jtool::threads::limit_for_tests(None);
            for (k, (g, w)) in got.iter().zip(want).enumerate() {
                assert!(
                    g == w,
                    "{name}: output {k} differs with {limit} threads allowed"
                );
                cases += 1;
            }
        }
    }
    eprintln!("{cases} outputs and 6 encodes the same when threads are refused");
}
