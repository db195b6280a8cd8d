//! Shared helpers for the integration tests: where the corpus is, what MANIFEST.tsv
//! says about each file, and the reference tools (jpegtran, djpeg, cjpeg).
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

/// The crate's own test files.
pub fn testdata_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

/// `../shared/corpus` if present.
pub fn corpus_dir() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if d.join("MANIFEST.tsv").is_file() {
        Some(d)
    } else if ci() {
        panic!("../shared/corpus is missing, but CI=true requires it");
    } else {
        eprintln!("note: ../shared/corpus not found; corpus tests skipped");
        None
    }
}

/// Whether the tests run under CI (oracle tools and corpus are then mandatory).
pub fn ci() -> bool {
    std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false)
}

/// The path of a reference tool, or `None` (with a visible message) when it is missing
/// outside CI. Under CI a missing tool fails the test.
pub fn tool(name: &str) -> Option<PathBuf> {
    match on_path(name) {
        Some(p) => Some(p),
        None if ci() => {
            panic!("{name} is required when CI=true (see .ci/run: libjpeg-turbo-progs, dcmtk, ...)")
        }
        None => {
            eprintln!("note: {name} not found; oracle test skipped");
            None
        }
    }
}

/// The path of a program on PATH, if there is one (no message, whatever CI says).
pub fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

/// A MANIFEST.tsv row as column name → value.
pub type Row = HashMap<String, String>;

/// Every row of MANIFEST.tsv, keyed by `file` (e.g. `valid/x.jpg`).
pub fn manifest(corpus: &Path) -> HashMap<String, Row> {
    let text = std::fs::read_to_string(corpus.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    lines
        .map(|l| {
            let row: Row = header
                .iter()
                .zip(l.split('\t'))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            (row["file"].clone(), row)
        })
        .collect()
}

/// Sorted `.jpg`/`.jpeg` files of a folder.
pub fn jpegs_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| p.is_file());
    v.sort();
    v
}

/// The JPEG files of the crate's testdata folder.
pub fn testdata_jpegs() -> Vec<PathBuf> {
    let mut v = jpegs_in(&testdata_dir());
    v.retain(|p| p.extension().is_some_and(|e| e == "jpg"));
    v
}

/// The testdata JPEGs and, when the corpus is present, its valid ones.
pub fn testdata_and_valid_jpegs() -> Vec<PathBuf> {
    let mut files = testdata_jpegs();
    if let Some(corpus) = corpus_dir() {
        files.extend(jpegs_in(&corpus.join("valid")));
    }
    files
}

/// Runs `prog args...` with `input` on stdin; returns (exit code, stdout, stderr).
pub fn run_with_stdin(prog: &Path, args: &[&str], input: &[u8]) -> (i32, Vec<u8>, String) {
    let mut child = Command::new(prog)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait");
    writer.join().unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `djpeg -dct int` output (PNM) of `jpeg`; None if djpeg fails.
pub fn djpeg(djpeg: &Path, jpeg: &[u8]) -> Option<Vec<u8>> {
    let (code, out, _) = run_with_stdin(djpeg, &["-dct", "int"], jpeg);
    (code == 0 || code == 2).then_some(out)
}

/// Runs `work` over `items` on two threads and collects failure messages.
pub fn parallel<T: Sync>(items: &[T], work: impl Fn(&T) -> Vec<String> + Sync) -> Vec<String> {
    let next = Mutex::new(0usize);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = {
                    let mut n = next.lock().unwrap();
                    *n += 1;
                    *n - 1
                };
                let Some(item) = items.get(i) else { break };
                let f = work(item);
                failures.lock().unwrap().extend(f);
            });
        }
    });
    failures.into_inner().unwrap()
}

/// Files jpegtran reads that jtool decodes, with their size: the project's own, then
/// the corpus's valid ones (sorted).
pub fn jpegtran_files() -> Vec<(PathBuf, u32, u32)> {
    let mut out: Vec<(PathBuf, u32, u32)> = Vec::new();
    for p in testdata_jpegs() {
        let data = std::fs::read(&p).unwrap();
        let r = jtool::inspect::inspect(&data).unwrap();
        let f = r.frame.expect("frame");
        out.push((p, f.width as u32, f.height as u32));
    }
    if let Some(c) = corpus_dir() {
        let m = manifest(&c);
        let mut rows: Vec<_> = m
            .values()
            .filter(|r| r["category"] == "valid" && r["jpegtran_ok"] == "yes")
            .collect();
        rows.sort_by(|a, b| a["file"].cmp(&b["file"]));
        for r in rows {
            out.push((
                c.join(&r["file"]),
                r["width"].parse().unwrap(),
                r["height"].parse().unwrap(),
            ));
        }
    }
    out
}

/// Prints `summary` and the number of failures, then fails the test listing them.
pub fn report_failures(summary: &str, failures: &[String]) {
    println!("{summary}, {} failures", failures.len());
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A smooth-ish synthetic image with noise, so that coefficients of many sizes occur.
pub fn synthetic(width: u32, height: u32, channels: usize, seed: u32) -> jtool::pixels::PixelImage {
    let mut s = seed.wrapping_mul(2_654_435_761) | 1;
    let mut data = Vec::with_capacity(width as usize * height as usize * channels);
    for y in 0..height {
        for x in 0..width {
            for c in 0..channels as u32 {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                let base = (x * (3 + c) + y * (5 + 2 * c)) % 256;
                data.push((base + (s % 48)).min(255) as u8);
            }
        }
    }
    jtool::pixels::PixelImage {
        width,
        height,
        channels,
        data,
    }
}

/// A gray image with detail at every scale, as photographs have (about equal
/// contrast per octave): value noise summed over cell sizes 64 down to 2 pixels,
/// smoothly interpolated. The synthetic image above is too regular for the
/// compression-history analysis, which needs coefficient histograms like a photograph's.
pub fn photo_like(width: u32, height: u32) -> jtool::pixels::PixelImage {
    let lattice = |cell: u32, seed: u32| {
        move |x: u32, y: u32| {
            let mut h = (x / cell).wrapping_mul(0x8da6_b343)
                ^ (y / cell).wrapping_mul(0xd816_3841)
                ^ seed.wrapping_mul(0xcb1a_b31f);
            h ^= h >> 13;
            h = h.wrapping_mul(0x5bd1_e995);
            h ^= h >> 15;
            f64::from(h % 1024) / 1023.0 - 0.5
        }
    };
    let octave = |cell: u32, x: u32, y: u32| {
        // Each octave's lattice is shifted off the 8-pixel grid, which a photograph's
        // content knows nothing of.
        let (x, y) = (x + 3 * cell / 2 + 3, y + cell / 3 + 5);
        let v = lattice(cell, cell);
        let smooth = |t: u32| {
            let t = f64::from(t) / f64::from(cell);
            t * t * (3.0 - 2.0 * t)
        };
        let (tx, ty) = (smooth(x % cell), smooth(y % cell));
        let top = v(x, y) * (1.0 - tx) + v(x + cell, y) * tx;
        let bottom = v(x, y + cell) * (1.0 - tx) + v(x + cell, y + cell) * tx;
        top * (1.0 - ty) + bottom * ty
    };
    let mut data = Vec::with_capacity((width * height) as usize);
    for y in 0..height {
        for x in 0..width {
            let v: f64 = [64u32, 32, 16, 8, 4, 2]
                .iter()
                .map(|&cell| 40.0 * octave(cell, x, y))
                .sum();
            data.push((128.0 + v).round().clamp(0.0, 255.0) as u8);
        }
    }
    jtool::pixels::PixelImage {
        width,
        height,
        channels: 1,
        data,
    }
}

/// A 90° rotation written with `output`'s options.
pub fn rotate90(output: jtool::pipeline::CopyOptions) -> jtool::pipeline::TransformOptions {
    jtool::pipeline::TransformOptions {
        request: jtool::transform::Request {
            orientation: jtool::transform::Orientation::Rot90,
            ..jtool::transform::Request::default()
        },
        output,
        reset_orientation: false,
    }
}

/// The seven orientation changes other than none.
pub const TURNS: [jtool::transform::Orientation; 7] = [
    jtool::transform::Orientation::FlipH,
    jtool::transform::Orientation::Rot180,
    jtool::transform::Orientation::FlipV,
    jtool::transform::Orientation::Transpose,
    jtool::transform::Orientation::Rot90,
    jtool::transform::Orientation::Transverse,
    jtool::transform::Orientation::Rot270,
];

/// A JPEG's pixels as `djpeg -dct int` gives them.
pub fn pixels_of(data: &[u8]) -> jtool::pixels::PixelImage {
    jtool::pipeline::pixels::decode_file(data, &Default::default())
        .unwrap()
        .image
}

/// PSNR of two pictures of the same size, compared as gray (what a picture shows;
/// subsampled chroma blurs fine coloured detail); 99 when identical.
pub fn gray_psnr(a: &jtool::pixels::PixelImage, b: &jtool::pixels::PixelImage) -> f64 {
    let gray = |p: &jtool::pixels::PixelImage| jtool::pixels::PixelImage {
        width: p.width,
        height: p.height,
        channels: 1,
        data: p
            .data
            .chunks_exact(p.channels)
            .map(|c| match c {
                [r, g, b, ..] => {
                    ((u32::from(*r) * 299 + u32::from(*g) * 587 + u32::from(*b) * 114) / 1000) as u8
                }
                [v, ..] => *v,
                [] => 0,
            })
            .collect(),
    };
    jtool::pixels::metrics::compare(&gray(a), &gray(b))
        .and_then(|m| m.psnr)
        .unwrap_or(99.0)
}

/// Whether `data`'s frame is one 8-bit djpeg decodes: 8-bit samples, DCT-based (not
/// 12-bit, not lossless SOF3). Files that do not parse count as 8-bit.
#[allow(dead_code)]
pub fn djpeg_precision(data: &[u8]) -> bool {
    let Ok(file) = jtool::container::JpegFile::parse(data) else {
        return true;
    };
    let sof = file.segments().find(|s| s.marker.is_sof());
    sof.map_or(true, |s| s.marker.0 != 0xC3 && s.body.first() == Some(&8))
}

/// libjpeg-turbo 2.1's scaled crops of files whose chroma inverse DCT is enlarged and
/// still upsampled (luma 4x2 or 2x4 at 2/8 to 7/8, for one): `jpeg_crop_scanline`
/// gives the component ⌈W·H/Hmax⌉ samples, half the crop's, and its SIMD fancy
/// upsampler puts its edge sample there, in the middle of the row, and writes output
/// only up to the end of that width's 32-sample group (the rest of its row is stale
/// memory). Later libjpeg-turbo sizes the component from its inverse DCT, as jtool
/// does, so the crop's last column is upsampled with the crop's edge as the row's
/// edge, as in every other layout, where 2.1's reads the sample beyond it.
/// Given djpeg's output `full` without the crop, `theirs` and `ours` with crop
/// `(x, y, w, h)`: Ok when they are the same size and every column where they differ
/// is the last or one where djpeg's crop is not its own full decode's and jtool's is
/// (with the number of such columns), else a description.
pub fn djpeg_crop_anomaly(
    full: &[u8],
    crop: (usize, usize, usize, usize),
    theirs: &[u8],
    ours: &[u8],
) -> Result<usize, String> {
    use jtool::pixels::image_io::read_pnm;
    let (Ok(f), Ok(a), Ok(b)) = (read_pnm(full), read_pnm(theirs), read_pnm(ours)) else {
        return Err("not PNM".into());
    };
    if (a.width, a.height, a.channels) != (b.width, b.height, b.channels) {
        return Err("sizes differ".into());
    }
    let (x, y, w, _) = crop;
    let (cw, ch, n) = (a.width as usize, a.height as usize, a.channels);
    // The crop's left edge moves left to an iMCU boundary; its width grows as much.
    let Some(x0) = (x + w).checked_sub(cw) else {
        return Err("crop wider than asked".into());
    };
    let fw = f.width as usize;
    let column = |img: &jtool::pixels::PixelImage, stride: usize, cx: usize, y0: usize| {
        (0..ch)
            .flat_map(|r| {
                let at = ((y0 + r) * stride + cx) * n;
                img.data[at..at + n].to_vec()
            })
            .collect::<Vec<u8>>()
    };
    let mut anomalies = 0;
    for c in 0..cw {
        let (ca, cb) = (column(&a, cw, c, 0), column(&b, cw, c, 0));
        if ca == cb {
            continue;
        }
        if c + 1 == cw {
            anomalies += 1;
            continue;
        }
        if x0 + c >= fw || y + ch > f.height as usize {
            return Err(format!("column {c} outside the full decode"));
        }
        let cf = column(&f, fw, x0 + c, y);
        if cb != cf || ca == cf {
            return Err(format!(
                "column {c} differs and djpeg's is its full decode's"
            ));
        }
        anomalies += 1;
    }
    Ok(anomalies)
}

/// The frame header of a JPEG file.
pub fn frame_of(jpeg: &[u8]) -> Option<jtool::container::FrameHeader> {
    let file = jtool::container::JpegFile::parse(jpeg).ok()?;
    let sof = file.segments().find(|s| s.marker.is_sof())?;
    jtool::container::parse_frame(sof).ok()
}

/// Whether libjpeg-turbo 2.1's crop at `scale` sizes some component's rows too short
/// for its upsampler (see [`djpeg_crop_anomaly`]): `jpeg_crop_scanline` gives a
/// component ⌈W·H/Hmax⌉ samples, which falls short when its inverse DCT was enlarged
/// (to spare upsampling) and it still needs upsampling, as 4:1:0 chroma at 1/2 does.
pub fn libjpeg_crop_overreads(
    frame: &jtool::container::FrameHeader,
    scale: jtool::pixels::Scale,
) -> bool {
    let m = scale.eighths();
    let f: Vec<(usize, usize)> = frame
        .components
        .iter()
        .map(|c| (c.h as usize, c.v as usize))
        .collect();
    let max_h = f.iter().map(|c| c.0).max().unwrap_or(1);
    let max_v = f.iter().map(|c| c.1).max().unwrap_or(1);
    f.len() > 1
        && f.iter().any(|&(h, v)| {
            let mut s = m;
            while s < 8 && (max_h * m) % (h * s * 2) == 0 && (max_v * m) % (v * s * 2) == 0 {
                s *= 2;
            }
            s > m && (max_h * m > h * s || max_v * m > v * s)
        })
}
