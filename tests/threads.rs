//! The encoder's thread count never changes the output: large files (past the
//! thresholds at which sequential scans are coded in spans and progressive or
//! arithmetic scans apart) give the same bytes with 1 and with 4 threads, in every
//! coding mode, with and without restart intervals, for a copy and a rotation, from
//! baseline and from progressive input. With several threads a baseline copy is also
//! streamed (rows packed and counted while the rest is decoded); with one it is not,
//! so the test also holds the streamed copy to the whole-image one. The sizes are not
//! multiples of the MCU, so that padding blocks are rewritten on the way. `verify`,
//! which decodes the restart intervals of a large file on several threads, gives the
//! same verdict with 1 and 4 threads, also for files with problems.

mod common;

use common::{rotate90, synthetic};
use jtool::entropy::{CodingMode, HuffmanChoice, Limits};
use jtool::pipeline::{
    copy, encode_pixels, transform, verify_threaded, CopyOptions, PixelEncodeOptions, RestartSpec,
};
use jtool::pixels::{EncodeParams, PixelImage, Sampling};

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
                (copied, transform(&data, &rotate90(o)).unwrap().output.bytes)
            };
            let (one, four) = (with(1), with(4));
            assert!(one.0 == four.0, "{name}, {mode}: copy differs");
            assert!(one.1 == four.1, "{name}, {mode}: rotate 90 differs");
            cases += 2;
        }
    }
    eprintln!("{cases} outputs identical with 1 and 4 threads");
}

/// The pixel path (the streamed decode, whose entropy decoder and pixel stage overlap,
/// the whole-image decode in bands, and the pixel encoder's rows) gives the same
/// pixels, bytes, warnings and errors with 1, 2 and 4 threads on large files, also when
/// the scan data is damaged or cut short. (Small images stay on one thread whatever is
/// allowed: `jtool::pixels::worker_threads`.)
#[test]
fn thread_count_does_not_change_the_pixels() {
    use jtool::pipeline::pixels::{decode_file, decode_file_rows, DecodeOptions};
    use jtool::pixels::PixelOptions;
    let decode = |jpeg: &[u8], threads: usize| {
        let opts = DecodeOptions {
            pixels: PixelOptions {
                threads,
                ..Default::default()
            },
            ..Default::default()
        };
        let mut rows = Vec::new();
        let streamed = decode_file_rows(jpeg, &opts, &mut |_| Ok(()), &mut |r| {
            rows.extend_from_slice(r);
            Ok(())
        })
        .map(|(_, w)| format!("{w:?}"))
        .map_err(|e| e.to_string());
        let whole = decode_file(jpeg, &opts)
            .map(|d| (d.image.data, format!("{:?}", d.warnings)))
            .map_err(|e| e.to_string());
        (rows, streamed, whole)
    };
    let mut cases = 0;
    for (name, clean) in inputs() {
        let n = clean.len();
        let mut damaged = clean.clone();
        damaged[n / 2..n / 2 + 64].fill(0x5A);
        let variants = [
            ("clean", clean.clone()),
            ("damaged", damaged),
            ("cut short", clean[..n * 2 / 3].to_vec()),
        ];
        for (what, jpeg) in variants {
            let one = decode(&jpeg, 1);
            for threads in [2, 4] {
                assert!(
                    decode(&jpeg, threads) == one,
                    "{name}, {what}: {threads} threads"
                );
                cases += 1;
            }
        }
    }
    let img = synthetic(1203, 809, 3, 4);
    let encode = |threads| {
        let opts = PixelEncodeOptions {
            params: EncodeParams {
                threads,
                ..EncodeParams::default()
            },
            ..Default::default()
        };
        let progressive = PixelEncodeOptions {
            mode: CodingMode::Progressive,
            ..opts.clone()
        };
        (
            encode_pixels(&img, &opts).unwrap(),
            encode_pixels(&img, &progressive).unwrap(),
        )
    };
    assert!(encode(4) == encode(1), "pixel encoder, 4 threads");
    eprintln!("{cases} decodes and 2 encodes identical with 1, 2 and 4 threads");
}

/// `verify` of a large file with restart intervals decodes them on several threads at
/// once; the verdict is the one of a single thread: for a clean file, for coefficients
/// out of range in the later parts (counted apart, then added), and for problems
/// inside a part (corrupt data, a wrong marker, stray bytes, data cut short), which
/// send the check back to one thread.
#[test]
fn thread_count_does_not_change_the_verdict() {
    let ri = 7;
    let clean = encode_pixels(
        &synthetic(1803, 1201, 3, 3),
        &PixelEncodeOptions {
            params: EncodeParams {
                quality: 90,
                sampling: Sampling::S444,
                ..EncodeParams::default()
            },
            mode: CodingMode::Sequential,
            restart_interval: ri,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(
        clean.len() > 2 << 20,
        "{} bytes: past the threshold",
        clean.len()
    );
    let rst: Vec<usize> = (0..clean.len() - 1)
        .filter(|&i| clean[i] == 0xFF && (0xD0..=0xD7).contains(&clean[i + 1]))
        .collect();
    let late = rst[rst.len() * 3 / 4 + 100]; // inside the last of four parts
    let mut cases = vec![("clean", clean.clone())];
    cases.push(("DC out of range", dc_out_of_range(&clean, ri as usize)));
    let mut c = clean.clone();
    // Stuffed 0xFF bytes: a run of 1-bits longer than any code.
    c.splice(late - 40..late - 24, [0xFF, 0x00].repeat(8));
    cases.push(("corrupt data", c));
    let mut c = clean.clone();
    c[late + 1] = 0xD0 + (c[late + 1] - 0xD0 + 3) % 8;
    cases.push(("marker out of sequence", c));
    let mut c = clean.clone();
    c.splice(late..late, [0x12, 0x34]);
    cases.push(("stray bytes before a marker", c));
    // The same before the marker where four threads' parts meet (each part has an
    // equal share of the intervals): the part before it must still check them.
    let intervals = (1803usize.div_ceil(8) * 1201usize.div_ceil(8)).div_ceil(ri as usize);
    let meet = rst[intervals.div_ceil(4) - 1];
    let mut c = clean.clone();
    c.splice(meet..meet, [0x12, 0x34]);
    cases.push(("stray bytes where parts meet", c));
    let mut c = clean[..late + 500].to_vec();
    c.extend_from_slice(&[0xFF, 0xD9]);
    cases.push(("cut short", c));
    for (name, data) in cases {
        let one = verify_threaded(&data, &Limits::default(), 1);
        let four = verify_threaded(&data, &Limits::default(), 4);
        assert_eq!(one, four, "{name}");
        assert_eq!(
            one.status == jtool::pipeline::Status::Ok,
            name == "clean",
            "{name}: {one:?}"
        );
    }
}

/// `verify` of a large scan without restart markers decodes equal shares of it on
/// several threads at once, each after the first starting at a guess of where an MCU
/// begins; the verdict is the one of a single walk: for clean files (4:4:4, 4:2:0,
/// grayscale), and for problems anywhere, at a share's first byte too, which send the
/// check back to one walk.
#[test]
fn verdict_without_restart_markers_is_the_one_of_a_single_walk() {
    use jtool::entropy::rows::{decode_streamed, Streamed};
    let shown_clean = |data: &[u8], threads: usize| {
        let file = jtool::container::JpegFile::parse(data).unwrap();
        match decode_streamed(&file, &Limits::default()).unwrap() {
            Streamed::Rows(scan) => scan.clean_without_restarts(threads, 2047, 1023),
            Streamed::Whole(_) => panic!("not one sequential scan"),
        }
    };
    for (channels, sampling) in [
        (3, Sampling::S444),
        (3, Sampling::S420),
        (1, Sampling::S444),
    ] {
        let clean = encode_pixels(
            &synthetic(1803, 1201, channels, 5),
            &PixelEncodeOptions {
                params: EncodeParams {
                    quality: 90,
                    sampling,
                    grayscale: channels == 1,
                    ..EncodeParams::default()
                },
                mode: CodingMode::Sequential,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(
            clean.len() > 1 << 20,
            "{} bytes: past the threshold",
            clean.len()
        );
        for t in [2, 3, 4] {
            assert!(
                shown_clean(&clean, t),
                "{channels} {sampling:?}: {t} threads"
            );
        }
        let sos = (0..clean.len() - 1)
            .rfind(|&i| clean[i] == 0xFF && clean[i + 1] == 0xDA)
            .unwrap();
        let (ecs, end) = (sos + 14, clean.len() - 2);
        let at = |f: f64| ecs + ((end - ecs) as f64 * f) as usize;
        let mut cases = vec![("clean", clean.clone())];
        if channels == 3 && sampling == Sampling::S444 {
            cases.push(("DC out of range", dc_out_of_range(&clean, 0)));
        }
        for (name, f) in [
            ("corrupt data", 0.8),
            ("corrupt data where shares meet", 0.5),
        ] {
            let mut c = clean.clone();
            // Stuffed 0xFF bytes: a run of 1-bits longer than any code.
            c.splice(at(f)..at(f) + 16, [0xFF, 0x00].repeat(8));
            cases.push((name, c));
        }
        let mut c = clean.clone();
        c.splice(end..end, [0x12, 0x34]);
        cases.push(("stray bytes before EOI", c));
        let mut c = clean[..at(0.9)].to_vec();
        c.extend_from_slice(&[0xFF, 0xD9]);
        cases.push(("cut short", c));
        let mut c = clean.clone();
        c.splice(at(0.3)..at(0.3), [0xFF, 0xD0]);
        cases.push(("a restart marker in a scan without restarts", c));
        for (name, data) in cases {
            let one = verify_threaded(&data, &Limits::default(), 1);
            for t in [2, 4] {
                assert_eq!(one, verify_threaded(&data, &Limits::default(), t), "{name}");
            }
            let ok = name == "clean";
            assert_eq!(
                one.status == jtool::pipeline::Status::Ok,
                ok,
                "{name}: {one:?}"
            );
            assert_eq!(shown_clean(&data, 4), ok, "{name}");
        }
    }
}

/// `jpeg` with DC values beyond 11 bits in component 1 (in two parts of the image) and
/// component 2: three blocks in a row within one restart interval of `ri` MCUs rise to
/// 2100 and back, so that no DC difference leaves the coder's range.
fn dc_out_of_range(jpeg: &[u8], ri: usize) -> Vec<u8> {
    use jtool::entropy::{decode, encode, EncodeOptions, TableNumbering};
    let file = jtool::container::JpegFile::parse(jpeg).unwrap();
    let mut image = decode(&file, &Limits::default()).unwrap().image;
    for (c, row) in [(0usize, 0.3), (0, 0.8), (1, 0.9)] {
        let plane = &mut image.components[c].plane;
        let (w, by) = (
            plane.width_blocks,
            (plane.height_blocks as f64 * row) as usize,
        );
        // Three MCUs of one interval: its start rounded up, then one more.
        let step = ri.max(1);
        let bx = ((by * w).div_ceil(step) * step - by * w + 1).min(w - 3);
        for (i, dc) in [1000, 2100, 1000].into_iter().enumerate() {
            plane.blocks[by * w + bx + i][0] = dc;
        }
    }
    let opts = EncodeOptions {
        mode: CodingMode::Sequential,
        huffman: HuffmanChoice::Optimal,
        restart_interval: ri as u16,
        restart_rows: 0,
        scan_script: None,
        table_numbering: TableNumbering::LumaChroma,
        threads: 1,
    };
    let mut out = vec![0xFF, 0xD8];
    out.extend(encode(&image, &opts).unwrap());
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

/// The scans of a large progressive frame are decoded at once, one thread each, the
/// planes handed from scan to scan in bands of MCU rows; coefficients, warnings and
/// the verdict are those of one scan after another: clean, with corrupt data in the
/// first and in the last scan, with stray bytes, and cut short in the middle.
#[test]
fn progressive_scans_on_threads_decode_as_one_after_another() {
    use jtool::container::JpegFile;
    use jtool::entropy::{decode, decode_threaded};
    let (_, clean) = inputs().swap_remove(1);
    let sos: Vec<usize> = (0..clean.len() - 1)
        .filter(|&i| clean[i] == 0xFF && clean[i + 1] == 0xDA)
        .collect();
    assert!(sos.len() > 4, "{} scans", sos.len());
    let (first, last) = (sos[0] + 400, sos[sos.len() - 1] + 4000);
    let mut cases = vec![("clean", clean.clone())];
    for (name, at) in [("first scan", first), ("last scan", last)] {
        let mut c = clean.clone();
        c.splice(at..at + 16, [0xFF, 0x00].repeat(8));
        cases.push((name, c));
    }
    let mut c = clean.clone();
    c.splice(sos[3] - 2..sos[3] - 2, [0x12, 0x34]);
    cases.push(("stray bytes before a scan", c));
    let mut c = clean[..sos[sos.len() / 2] + 3000].to_vec();
    c.extend_from_slice(&[0xFF, 0xD9]);
    cases.push(("cut short", c));
    for (name, data) in cases {
        let file = JpegFile::parse(&data).unwrap();
        let one = decode(&file, &Limits::default()).unwrap();
        let four = decode_threaded(&file, &Limits::default(), 4).unwrap();
        assert!(one.image == four.image, "{name}: coefficients differ");
        assert_eq!(one.warnings, four.warnings, "{name}");
        assert_eq!(one.warnings.is_empty(), name == "clean", "{name}");
        let v1 = verify_threaded(&data, &Limits::default(), 1);
        let v4 = verify_threaded(&data, &Limits::default(), 4);
        assert_eq!(v1, v4, "{name}");
    }
}
