//! Deterministic mutation fuzzing over real files: every testdata JPEG and a fixed sample
//! of small corpus files are damaged in structured ways (bit flips, byte overwrites,
//! segment lengths, duplicated/deleted segments, truncation, markers inside entropy-coded
//! data, frame and scan header fields, Huffman counts, DQT/DAC/DRI fields, restart marker
//! numbers, APPn/Exif fields) and each mutant goes through the
//! public API: inspect (with the coefficient hash), copy (default, progressive, baseline
//! with standard tables, a re-read of the copy's output, and arithmetic output read back),
//! wipe, drop (both ways), rotate 90, crop, grayscale,
//! a transform drawn from the mutant's number (orientation, crop, edge policy, coding
//! mode, restart interval), auto-orient (Exif and its thumbnail), strip, verify, the
//! pixel decoders (whole, streamed on two threads, and with drawn options), requantize,
//! compare, and a rotation through pixels (decode and encode).
//!
//! Every operation must return `Ok` or `Err`: a panic, an operation slower than
//! [`SLOW`] (twice), a peak resident size above [`MAX_RSS_KB`], an error offset past the
//! end of the input, or a `copy` output that does not copy again is a failure. Every
//! operation gets the pixel limit [`MAX_PIXELS`]: a damaged header may claim any size up
//! to the limit, and the work legitimately grows with it. The mutant is
//! written to `/tmp/fuzz-fail/` and the test fails with the seed, mutation index,
//! mutation and operation.
//!
//! Mutant `i` of a seed depends only on the seed's bytes and `i`, so any one can be
//! regenerated. Environment:
//! * `JTOOL_FUZZ_ITERS=N`: N mutants per seed (default: a short run for CI);
//! * `JTOOL_FUZZ_START=K`: start at mutant index K (to split long runs across processes);
//! * `JTOOL_FUZZ_ONLY=NAME:I`: only mutant I of the seed whose name contains NAME;
//! * `JTOOL_FUZZ_SEEDS_DIR=DIR`: also every `.jpg` in DIR (e.g. arithmetic-coded files
//!   made with `jpegtran -arithmetic`).

mod common;

use common::{corpus_dir, manifest, testdata_dir, testdata_jpegs};
use jtool::entropy::{CodingMode, HuffmanChoice, Limits};
use jtool::pipeline::pixels::{decode_file, decode_file_rows, DecodeOptions};
use jtool::pipeline::{
    copy, inspect_full_with, inspect_with_history, strip, transform, verify_with, CopyOptions,
    RestartSpec, TransformOptions,
};
use jtool::pixels::{CmykOutput, DctMethod, PixelOptions};
use jtool::transform::{CropOffset, CropSpec, EdgePolicy, Orientation, Request};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Slowest acceptable single operation on a mutant.
const SLOW: Duration = Duration::from_secs(2);
/// An operation still running after this long is reported as a hang.
const HANG: Duration = Duration::from_secs(30);
/// Peak resident set acceptable for one mutant (1.5 GB).
const MAX_RSS_KB: u64 = 1_500_000;
/// The pixel limit used for every operation: a damaged header can claim any size up to
/// the limit, so this bounds the legitimate work per mutant.
const MAX_PIXELS: u64 = 1 << 21;

/// Mutants per testdata seed (tiny files) and per corpus seed in the default run.
const DEFAULT_ITERS_TESTDATA: usize = 200;
const DEFAULT_ITERS_CORPUS: usize = 30;

// ---------------------------------------------------------------------------------------
// PRNG and mutations

/// xorshift64*: small, fast and reproducible everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
    fn pick<T: Copy>(&mut self, v: &[T]) -> T {
        v[self.below(v.len())]
    }
}

/// FNV-1a over the seed's bytes: mutant streams differ between seeds.
fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// One marker segment as a loose walk finds it (tolerating any damage).
#[derive(Debug, Clone)]
struct Seg {
    /// Offset of the 0xFF that starts the marker.
    pos: usize,
    marker: u8,
    /// Offset of the two length bytes, for segments that have them.
    len_at: Option<usize>,
    /// The segment's body (after the length), clipped to the file.
    body: Range<usize>,
}

impl Seg {
    fn end(&self) -> usize {
        self.body.end.max(self.pos + 2)
    }
}

fn standalone(m: u8) -> bool {
    matches!(m, 0x01 | 0xD0..=0xD9)
}

/// The segments of `d` and the entropy-coded ranges that follow each SOS.
fn walk(d: &[u8]) -> (Vec<Seg>, Vec<Range<usize>>) {
    let (mut segs, mut ecs) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i + 1 < d.len() {
        if d[i] != 0xFF || d[i + 1] == 0xFF || d[i + 1] == 0x00 {
            i += 1;
            continue;
        }
        let m = d[i + 1];
        if standalone(m) || i + 4 > d.len() {
            segs.push(Seg {
                pos: i,
                marker: m,
                len_at: None,
                body: i + 2..i + 2,
            });
            i += 2;
            continue;
        }
        let len = u16::from_be_bytes([d[i + 2], d[i + 3]]) as usize;
        let end = (i + 2 + len.max(2)).min(d.len());
        segs.push(Seg {
            pos: i,
            marker: m,
            len_at: Some(i + 2),
            body: i + 4..end.max(i + 4),
        });
        i = end.max(i + 4);
        if m == 0xDA {
            let start = i;
            while i + 1 < d.len()
                && !(d[i] == 0xFF && d[i + 1] != 0 && !(0xD0..=0xD7).contains(&d[i + 1]))
            {
                i += 1;
            }
            if i + 1 >= d.len() {
                i = d.len();
            }
            ecs.push(start..i);
        }
    }
    (segs, ecs)
}

fn is_sof(m: u8) -> bool {
    matches!(m, 0xC0..=0xCF) && !matches!(m, 0xC4 | 0xC8 | 0xCC)
}

/// A segment of one of the kinds `pred` accepts, or `None`.
fn pick_seg(rng: &mut Rng, segs: &[Seg], pred: impl Fn(u8) -> bool) -> Option<Seg> {
    let c: Vec<&Seg> = segs.iter().filter(|s| pred(s.marker)).collect();
    if c.is_empty() {
        None
    } else {
        Some(c[rng.below(c.len())].clone())
    }
}

/// Sets `d[at]` if in range; returns a description.
fn set(d: &mut [u8], at: usize, v: u8, what: &str) -> Option<String> {
    let old = *d.get(at)?;
    d[at] = v;
    Some(format!("{what} @{at}: {old:#04x}->{v:#04x}"))
}

fn set16(d: &mut [u8], at: usize, v: u16, what: &str) -> Option<String> {
    if at + 2 > d.len() {
        return None;
    }
    let old = u16::from_be_bytes([d[at], d[at + 1]]);
    d[at..at + 2].copy_from_slice(&v.to_be_bytes());
    Some(format!("{what} @{at}: {old}->{v}"))
}

/// Applies one random mutation; `None` when the chosen kind has nothing to act on.
fn mutate_once(d: &mut Vec<u8>, rng: &mut Rng) -> Option<String> {
    if d.is_empty() {
        return None;
    }
    let (segs, ecs) = walk(d);
    match rng.below(18) {
        k @ 0..=5 => mutate_structure(d, rng, &segs, k),
        k @ 7..=14 => mutate_header(d, rng, &segs, k),
        k => mutate_data(d, rng, &segs, &ecs, k),
    }
}

/// Whole bytes and whole segments: bit flips, overwrites, segment lengths,
/// duplicated or deleted segments, truncation.
fn mutate_structure(d: &mut Vec<u8>, rng: &mut Rng, segs: &[Seg], kind: usize) -> Option<String> {
    // Random candidates for the value lists below.
    let (rb, rw, n) = (rng.byte(), rng.next() as u16, d.len());
    match kind {
        0 => {
            let (at, bit) = (rng.below(n), rng.below(8));
            let v = d[at] ^ (1 << bit);
            set(d, at, v, "flip bit")
        }
        1 => {
            let at = rng.below(n);
            let v = rng.pick(&[0x00, 0xFF, rb]);
            set(d, at, v, "overwrite byte")
        }
        2 => {
            let s = pick_seg(rng, segs, |m| {
                matches!(m, 0xDB | 0xC4 | 0xCC | 0xDA | 0xDD | 0xE0..=0xEF | 0xFE) || is_sof(m)
            })?;
            let old = (s.body.end - s.pos - 2) as u16;
            let v = rng.pick(&[
                0,
                1,
                2,
                3,
                4,
                old.wrapping_sub(1),
                old.wrapping_add(1),
                old.wrapping_add(7),
                0xFF00,
                0xFFFF,
                rw,
            ]);
            set16(d, s.len_at?, v, &format!("length of {:#04x}", s.marker))
        }
        3 => {
            let s = &segs[rng.below(segs.len().max(1)).min(segs.len().checked_sub(1)?)];
            let bytes = d[s.pos..s.end()].to_vec();
            let at = if rng.below(2) == 0 {
                s.end()
            } else {
                segs[rng.below(segs.len())].pos
            };
            d.splice(at..at, bytes);
            Some(format!(
                "duplicate segment {:#04x} @{} to @{at}",
                s.marker, s.pos
            ))
        }
        4 => {
            let s = segs.get(rng.below(segs.len().max(1)))?.clone();
            d.drain(s.pos..s.end());
            Some(format!("delete segment {:#04x} @{}", s.marker, s.pos))
        }
        _ => {
            let at = rng.below(n);
            d.truncate(at);
            Some(format!("truncate at {at}"))
        }
    }
}

/// Scan, table and restart-interval header fields (frame fields: [`mutate_frame`]).
/// Frame header fields: dimensions, sampling factors, component count, identifiers,
/// table selectors, precision.
fn mutate_frame(d: &mut [u8], rng: &mut Rng, segs: &[Seg], kind: usize) -> Option<String> {
    let (rb, rw) = (rng.byte(), rng.next() as u16);
    match kind {
        7 => {
            let s = pick_seg(rng, segs, is_sof)?;
            let at = s.body.start + 1 + 2 * rng.below(2);
            let old = u16::from_be_bytes([*d.get(at)?, *d.get(at + 1)?]);
            let v = rng.pick(&[
                0,
                1,
                2,
                7,
                8,
                9,
                15,
                16,
                17,
                old.wrapping_sub(1),
                old.wrapping_add(1),
                old.wrapping_mul(2),
                0x8000,
                0xFFFF,
                rw,
            ]);
            set16(d, at, v, "SOF dimension")
        }
        8 => {
            let s = pick_seg(rng, segs, is_sof)?;
            let at = s.body.start + 6 + 3 * rng.below(4) + 1;
            let v = rng.pick(&[
                0x11, 0x22, 0x21, 0x12, 0x41, 0x14, 0x44, 0x00, 0x10, 0x01, 0xFF, 0x33, rb,
            ]);
            set(d, at, v, "SOF sampling")
        }
        _ => {
            let s = pick_seg(rng, segs, is_sof)?;
            let (at, v) = match rng.below(4) {
                0 => (s.body.start + 5, rng.pick(&[0, 1, 2, 3, 4, 5, 255, rb])),
                1 => (
                    s.body.start + 6 + 3 * rng.below(4),
                    rng.pick(&[0, 1, 2, 3, 4, rb]),
                ),
                2 => (
                    s.body.start + 6 + 3 * rng.below(4) + 2,
                    rng.pick(&[0, 1, 3, 4, 255]),
                ),
                _ => (s.body.start, rng.pick(&[0, 8, 12, 16, rb])),
            };
            set(d, at, v, "SOF field")
        }
    }
}

fn mutate_header(d: &mut [u8], rng: &mut Rng, segs: &[Seg], kind: usize) -> Option<String> {
    // Random candidates for the value lists below.
    let (rb, rw) = (rng.byte(), rng.next() as u16);
    match kind {
        7..=9 => mutate_frame(d, rng, segs, kind),
        10 => {
            let s = pick_seg(rng, segs, |m| m == 0xDA)?;
            let ns = *d.get(s.body.start)? as usize;
            let at = s.body.start + 1 + 2 * ns + rng.below(3);
            let v = rng.pick(&[
                0, 1, 2, 5, 6, 10, 13, 63, 64, 0x01, 0x10, 0x21, 0xF0, 0x0F, rb,
            ]);
            set(d, at, v, "SOS Ss/Se/AhAl")
        }
        11 => {
            let s = pick_seg(rng, segs, |m| m == 0xDA)?;
            let (at, v) = match rng.below(3) {
                0 => (s.body.start, rng.pick(&[0, 1, 2, 3, 4, 5, 255])),
                1 => (
                    s.body.start + 1 + 2 * rng.below(4),
                    rng.pick(&[0, 1, 2, 3, 4, rb]),
                ),
                _ => (
                    s.body.start + 2 + 2 * rng.below(4),
                    rng.pick(&[0x00, 0x11, 0x01, 0x10, 0x22, 0x44, 0xFF, rb]),
                ),
            };
            set(d, at, v, "SOS selector")
        }
        12 => {
            let s = pick_seg(rng, segs, |m| m == 0xC4)?;
            let at = s.body.start + rng.below(17);
            let v = rng.pick(&[0, 1, 2, 3, 16, 255, rb]);
            set(d, at, v, "DHT count/class")
        }
        13 => {
            let s = pick_seg(rng, segs, |m| m == 0xDB)?;
            let v = rng.pick(&[0x00, 0x01, 0x03, 0x04, 0x10, 0x13, 0xFF, rb]);
            set(d, s.body.start, v, "DQT Pq/Tq")
        }
        _ => {
            if let Some(s) = pick_seg(rng, segs, |m| m == 0xCC).filter(|_| rng.below(2) == 0) {
                // DAC: a table's class/slot byte or its conditioning value.
                let at = s.body.start + rng.below(s.body.len().max(1));
                return set(
                    d,
                    at,
                    rng.pick(&[0x00, 0x01, 0x05, 0x10, 0x14, 0x3F, 0xFF, rb]),
                    "DAC byte",
                );
            }
            let s = pick_seg(rng, segs, |m| m == 0xDD)?;
            let v = rng.pick(&[0, 1, 2, 3, 0xFFFF, rw]);
            set16(d, s.body.start, v, "DRI interval")
        }
    }
}

/// Entropy-coded data and metadata: inserted markers, restart marker numbers,
/// APPn fields, random runs.
fn mutate_data(
    d: &mut Vec<u8>,
    rng: &mut Rng,
    segs: &[Seg],
    ecs: &[Range<usize>],
    kind: usize,
) -> Option<String> {
    // Random candidates for the value lists below.
    let (rb, rw, rrst) = (rng.byte(), rng.next() as u16, 0xD0 + rng.below(8) as u8);
    match kind {
        6 => {
            let r = ecs.get(rng.below(ecs.len().max(1)))?.clone();
            let at = r.start + rng.below(r.len() + 1);
            let m = rng.pick(&[rrst, 0xD9, 0xDA, 0xC4, 0xDB, 0xDD, 0x00, 0xFF, rb]);
            d.splice(at..at, [0xFF, m]);
            Some(format!("insert marker ff{m:02x} @{at} in scan data"))
        }
        15 => {
            // A restart marker with the wrong number, or one moved within the scan.
            let r = ecs.get(rng.below(ecs.len().max(1)))?.clone();
            let rst: Vec<usize> = (r.start..r.end.saturating_sub(1))
                .filter(|&i| d[i] == 0xFF && (0xD0..=0xD7).contains(&d[i + 1]))
                .collect();
            let at = *rst.get(rng.below(rst.len().max(1)))? + 1;
            let v = 0xD0 + rng.below(8) as u8;
            set(d, at, v, "restart marker")
        }
        16 => {
            // Metadata (Exif IFDs, ICC, Adobe, JFIF thumbnails): a byte, or a 16/32-bit
            // field (count, offset) set to an extreme.
            let s = pick_seg(rng, segs, |m| matches!(m, 0xE0..=0xEF))?;
            let at = s.body.start + rng.below(s.body.len().max(1));
            match rng.below(3) {
                0 => set(d, at, rng.pick(&[0x00, 0xFF, 0x01, 0x80, rb]), "APPn byte"),
                1 => set16(d, at, rng.pick(&[0, 1, 0x7FFF, 0xFFFF, rw]), "APPn u16"),
                _ => {
                    let v = rng.pick(&[0u32, 8, 0x7FFF_FFFF, 0xFFFF_FFF0, u32::MAX]);
                    let v16 = (v >> 16) as u16;
                    set16(d, at, v16, "APPn u32 high")?;
                    set16(d, at + 2, v as u16, "APPn u32 low")
                }
            }
        }
        _ => {
            // A run of random bytes inside the scan data.
            let r = ecs.get(rng.below(ecs.len().max(1)))?.clone();
            let at = r.start + rng.below(r.len().max(1));
            let len = 1 + rng.below(32);
            for i in at..(at + len).min(d.len()) {
                d[i] = rng.byte();
            }
            Some(format!("random run of {len} @{at}"))
        }
    }
}

/// Mutant `index` of `seed`: one to four mutations.
fn mutant(seed: &[u8], index: usize) -> (Vec<u8>, String) {
    let mut rng = Rng::new(fnv(seed) ^ (index as u64).wrapping_mul(0xD1B5_4A32_D192_ED03));
    let mut d = seed.to_vec();
    let count = [1, 1, 1, 2, 2, 3, 4][rng.below(7)];
    let mut what = Vec::new();
    let mut tries = 0;
    while what.len() < count && tries < 40 {
        tries += 1;
        if let Some(w) = mutate_once(&mut d, &mut rng) {
            what.push(w);
        }
    }
    (d, what.join("; "))
}

// ---------------------------------------------------------------------------------------
// Seeds

/// Every testdata JPEG, then a fixed sample of small corpus files chosen by kind.
fn seeds() -> Vec<PathBuf> {
    let mut v = testdata_jpegs();
    // 12-bit and lossless files, kept apart from the ones 8-bit djpeg reads.
    for sub in ["p12", "lossless"] {
        v.extend(common::jpegs_in(&testdata_dir().join(sub)));
    }
    if let Some(extra) = std::env::var_os("JTOOL_FUZZ_SEEDS_DIR") {
        v.extend(common::jpegs_in(Path::new(&extra)));
    }
    let Some(c) = corpus_dir() else { return v };
    let rows = manifest(&c);
    let mut names: Vec<&String> = rows.keys().collect();
    names.sort();
    let get = |n: &str, k: &str| rows[n].get(k).cloned().unwrap_or_default();
    let pixels = |n: &str| -> u64 {
        get(n, "width").parse::<u64>().unwrap_or(0) * get(n, "height").parse::<u64>().unwrap_or(0)
    };
    let small = |n: &str| {
        let size: u64 = get(n, "size_bytes").parse().unwrap_or(u64::MAX);
        let cat = get(n, "category");
        size < 200_000 && (cat == "valid" || cat == "malformed") && c.join(n).is_file()
    };
    type Pred<'a> = Box<dyn Fn(&str) -> bool + 'a>;
    let valid = |n: &str| get(n, "category") == "valid";
    let buckets: Vec<(usize, Pred)> = vec![
        (5, Box::new(|n| valid(n) && get(n, "sof") == "SOF2")),
        (
            4,
            Box::new(|n| !matches!(get(n, "restart_interval").as_str(), "" | "0")),
        ),
        (
            4,
            Box::new(|n| matches!(get(n, "sof").as_str(), "SOF9" | "SOF10")),
        ),
        (3, Box::new(|n| get(n, "components") == "4")),
        (3, Box::new(|n| valid(n) && get(n, "components") == "1")),
        (
            2,
            Box::new(|n| get(n, "sampling").starts_with("4x1,1x1,1x1")),
        ),
        (
            2,
            Box::new(|n| valid(n) && get(n, "sampling") == "2x1,1x1,1x1"),
        ),
        (
            2,
            Box::new(|n| valid(n) && get(n, "sampling") == "1x1,1x1,1x1"),
        ),
        (
            3,
            Box::new(|n| {
                valid(n) && get(n, "sof") == "SOF0" && get(n, "sampling") == "2x2,1x1,1x1"
            }),
        ),
        (2, Box::new(|n| get(n, "sof") == "SOF1")),
    ];
    let mut chosen: Vec<String> = Vec::new();
    for (count, pred) in &buckets {
        // The smallest images (at least 8×8) of each kind, valid files first: quick to
        // run many times.
        let mut cand: Vec<&String> = names
            .iter()
            .copied()
            .filter(|n| small(n) && pred(n) && pixels(n) >= 64 && pixels(n) <= 600_000)
            .filter(|n| !chosen.contains(n))
            .collect();
        cand.sort_by_key(|n| (!valid(n), pixels(n), n.to_string()));
        chosen.extend(cand.into_iter().take(*count).cloned());
    }
    // Malformed files: evenly spaced in name order.
    let bad: Vec<&String> = names
        .iter()
        .copied()
        .filter(|n| small(n) && get(n, "category") == "malformed" && !chosen.contains(n))
        .filter(|n| get(n, "size_bytes").parse::<u64>().unwrap_or(0) < 60_000)
        .collect();
    let step = (bad.len() / 10).max(1);
    chosen.extend(bad.iter().step_by(step).take(10).map(|n| n.to_string()));
    v.extend(chosen.iter().map(|n| c.join(n)));
    v
}

// ---------------------------------------------------------------------------------------
// Operations

fn limits() -> Limits {
    Limits {
        max_pixels: MAX_PIXELS,
        ..Limits::default()
    }
}

fn copy_opts(mode: Option<CodingMode>, huffman: HuffmanChoice) -> CopyOptions {
    CopyOptions {
        mode,
        huffman,
        limits: limits(),
        ..CopyOptions::default()
    }
}

fn transform_opts(request: Request) -> TransformOptions {
    TransformOptions {
        request,
        output: copy_opts(None, HuffmanChoice::Optimal),
        reset_orientation: false,
    }
}

/// An operation: `Ok(true)` when the library returned `Ok`, `Ok(false)` for a library
/// error, `Err` for a failure of the property checked.
type OpFn = fn(&[u8], u64) -> Result<bool, String>;

/// Any `Ok` or `Err` is fine, except an error pointing past the end of the input.
fn ok<T>(d: &[u8], r: jtool::Result<T>) -> Result<bool, String> {
    match r {
        Ok(_) => Ok(true),
        Err(e) => match tally(&e).offset() {
            Some(o) if o > d.len() => Err(format!(
                "error offset {o} past the input's {} bytes: {e}",
                d.len()
            )),
            _ => Ok(false),
        },
    }
}

/// How often each error (numbers removed) was returned, to show what the mutants reach.
static ERRORS: Mutex<Vec<(String, usize)>> = Mutex::new(Vec::new());

fn tally(e: &jtool::Error) -> &jtool::Error {
    let key: String = e
        .to_string()
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .collect();
    let mut all = ERRORS.lock().unwrap_or_else(|e| e.into_inner());
    match all.iter_mut().find(|(k, _)| *k == key) {
        Some((_, n)) => *n += 1,
        None => all.push((key, 1)),
    }
    e
}

/// The operations every mutant goes through.
const OPS: &[(&str, OpFn)] = &[
    ("inspect", |d, _| {
        let r = inspect_full_with(d, &limits());
        Ok(r.is_ok_and(|r| r.coefficient_hash.is_some()))
    }),
    ("inspect --history", |d, _| {
        let r = inspect_with_history(d, &limits());
        Ok(r.is_ok_and(|r| r.compression_history.is_some()))
    }),
    ("copy", |d, _| {
        ok(d, copy(d, &copy_opts(None, HuffmanChoice::Optimal)))
    }),
    ("copy --progressive", |d, _| {
        ok(
            d,
            copy(
                d,
                &copy_opts(Some(CodingMode::Progressive), HuffmanChoice::Optimal),
            ),
        )
    }),
    ("copy --baseline --standard-huffman", |d, _| {
        ok(
            d,
            copy(
                d,
                &copy_opts(Some(CodingMode::Sequential), HuffmanChoice::Standard),
            ),
        )
    }),
    ("copy, then copy of its output", |d, _| {
        let Ok(out) = copy(d, &copy_opts(None, HuffmanChoice::Optimal)) else {
            return Ok(false);
        };
        copy(&out.bytes, &copy_opts(None, HuffmanChoice::Optimal))
            .map(|_| true)
            .map_err(|e| format!("copy's own output does not copy: {e}"))
    }),
    ("copy --arithmetic, then copy of its output", |d, _| {
        let Ok(out) = copy(d, &copy_opts(None, HuffmanChoice::Arithmetic)) else {
            return Ok(false);
        };
        copy(&out.bytes, &copy_opts(None, HuffmanChoice::Optimal))
            .map(|_| true)
            .map_err(|e| format!("the arithmetic output does not copy: {e}"))
    }),
    ("wipe", |d, i| {
        let g = ["1x1+0+0", "16x16+8+8", "30x20-0-0"][(i % 3) as usize];
        let spec = jtool::transform::CropSpec::parse(g).unwrap();
        ok(
            d,
            jtool::pipeline::wipe(d, &spec, &copy_opts(None, HuffmanChoice::Optimal)),
        )
    }),
    ("thumbnail --regenerate, then --extract", |d, _| {
        use jtool::pipeline::{extract_thumbnail, regenerate_thumbnails};
        let regenerated = ok(d, regenerate_thumbnails(d, &limits(), None))?;
        let extracted = ok(d, extract_thumbnail(d, None))?;
        Ok(regenerated || extracted)
    }),
    (
        "drop (a testdata file into the mutant, the mutant into a testdata file)",
        |d, i| {
            use jtool::pipeline::{drop_image, load_drop};
            let fixed = std::fs::read(testdata_dir().join("baseline_420_q85_67x45.jpg")).unwrap();
            let opts = copy_opts(None, HuffmanChoice::Optimal);
            let small = load_drop(&fixed, &limits()).unwrap();
            let at = ((i % 40) as u32, (i % 24) as u32);
            let into = ok(d, drop_image(d, &small, at, i % 2 == 1, &opts))?;
            let from = match load_drop(d, &limits()) {
                Ok(s) => ok(
                    d,
                    drop_image(&fixed, &s, (0, 0), i % 2 == 0, &opts).map(|_| ()),
                )?,
                Err(e) => ok(d, Err::<(), _>(e))?,
            };
            Ok(into || from)
        },
    ),
    ("rotate 90", |d, _| {
        let req = Request {
            orientation: Orientation::Rot90,
            ..Request::default()
        };
        ok(d, transform(d, &transform_opts(req)))
    }),
    ("crop 24x20+9+5", |d, _| {
        let crop = CropSpec {
            x: CropOffset {
                value: 9,
                from_end: false,
            },
            y: CropOffset {
                value: 5,
                from_end: false,
            },
            width: Some(24),
            height: Some(20),
            ..CropSpec::default()
        };
        let req = Request {
            crop: Some(crop),
            ..Request::default()
        };
        ok(d, transform(d, &transform_opts(req)))
    }),
    ("grayscale", |d, _| {
        let req = Request {
            grayscale: true,
            ..Request::default()
        };
        ok(d, transform(d, &transform_opts(req)))
    }),
    ("strip", |d, _| {
        ok(d, strip(d, jtool::container::KeepPolicy::NOTHING))
    }),
    ("exif, exif --map, then exif --new", |d, _| {
        let f = jtool::inspect::exif_fields::exif_fields(d);
        if let Ok(Some(m)) = jtool::inspect::exif_fields::exif_map(d) {
            let sorted = m.regions.windows(2).all(|w| w[0].start <= w[1].start);
            if !sorted || m.regions.iter().any(|r| r.end < r.start) {
                return Err("the Exif map is out of order".into());
            }
        }
        let _ = jtool::pipeline::new_exif(
            d,
            jtool::pipeline::ExifDateTime::parse("2000:01:01 00:00:00").as_ref(),
        );
        Ok(f.is_ok_and(|f| !f.is_empty()))
    }),
    ("date (varied by mutant)", |d, i| {
        use jtool::pipeline::{edit_dates, DateEdit, ExifDateTime};
        let edit = match i % 3 {
            0 => DateEdit::Shift(-90_061),
            1 => DateEdit::SetDate {
                year: 2010,
                month: Some(2),
                day: None,
            },
            _ => DateEdit::Set(ExifDateTime::parse("2012:03:04 05:06:07").unwrap()),
        };
        match edit_dates(d, &edit) {
            Ok(out) if out.bytes.len() != d.len() => Err("a date edit changed the length".into()),
            Ok(_) => Ok(true),
            Err(_) => Ok(false),
        }
    }),
    ("strip --trim-exif-padding (entries unchanged)", |d, _| {
        let opts = jtool::pipeline::StripOptions {
            trim_exif_padding: true,
            ..Default::default()
        };
        let all = jtool::container::KeepPolicy::ALL;
        match jtool::pipeline::strip_with(d, all, opts) {
            Ok(out) => {
                let entries = jtool::inspect::exif_fields::exif_fields;
                match (entries(d), entries(&out.bytes)) {
                    (Ok(a), Ok(b)) if a != b => Err("trimming the padding changed an entry".into()),
                    _ => Ok(out.bytes.len() < d.len()),
                }
            }
            Err(_) => Ok(false),
        }
    }),
    ("orientation --set (added where missing)", |d, i| {
        let value = 1 + (i % 8) as u16;
        match jtool::pipeline::set_orientation(d, value) {
            Ok(out) => match jtool::pipeline::orientation(&out.bytes) {
                Ok(Some(v)) if v == value => Ok(true),
                other => Err(format!("orientation {value} set, {other:?} read back")),
            },
            Err(_) => Ok(false),
        }
    }),
    ("verify", |d, _| {
        let v = verify_with(d, &limits());
        Ok(v.status == jtool::pipeline::Status::Ok)
    }),
    ("decode pixels", |d, _| {
        let opts = DecodeOptions {
            limits: limits(),
            ..DecodeOptions::default()
        };
        ok(d, decode_file(d, &opts))
    }),
    ("decode pixels streamed, 2 threads allowed", |d, _| {
        let opts = DecodeOptions {
            limits: limits(),
            pixels: PixelOptions {
                threads: 2,
                ..PixelOptions::default()
            },
            ..DecodeOptions::default()
        };
        let mut rows = 0usize;
        ok(
            d,
            decode_file_rows(d, &opts, &mut |_| Ok(()), &mut |r| {
                rows += r.len();
                Ok(())
            }),
        )
    }),
    ("transform (varied by mutant)", |d, v| {
        // Orientation, edge policy, crop and grayscale drawn from the mutant's number.
        let mut rng = Rng::new(v);
        let orientation = jtool::transform::ALL_ORIENTATIONS[rng.below(8)];
        let edge = [EdgePolicy::Keep, EdgePolicy::Trim, EdgePolicy::Perfect][rng.below(3)];
        let crop = (rng.below(2) == 0).then(|| CropSpec {
            x: CropOffset {
                value: rng.below(80) as u32,
                from_end: rng.below(4) == 0,
            },
            y: CropOffset {
                value: rng.below(80) as u32,
                from_end: rng.below(4) == 0,
            },
            width: (rng.below(3) != 0).then(|| 1 + rng.below(70) as u32),
            height: (rng.below(3) != 0).then(|| 1 + rng.below(70) as u32),
            force_width: rng.below(3) == 0,
            force_height: rng.below(3) == 0,
            reflect_width: rng.below(3) == 0,
        });
        let req = Request {
            orientation,
            crop,
            edge,
            grayscale: rng.below(4) == 0,
        };
        let mut opts = transform_opts(req);
        if rng.below(2) == 0 {
            opts.output.mode = Some(CodingMode::Progressive);
        }
        opts.output.restart = [
            RestartSpec::Keep,
            RestartSpec::Mcus(1),
            RestartSpec::Rows(1),
        ][rng.below(3)];
        ok(d, transform(d, &opts))
    }),
    ("decode pixels (varied by mutant)", |d, v| {
        let mut rng = Rng::new(v);
        let opts = DecodeOptions {
            limits: limits(),
            pixels: PixelOptions {
                nosmooth: rng.below(2) == 0,
                cmyk: [CmykOutput::Rgb, CmykOutput::Cmyk][rng.below(2)],
                threads: rng.below(3),
                // Every k/8 from 1/8 to 2/1.
                scale: jtool::pixels::Scale::from_fraction(1 + rng.below(16) as u32, 8).unwrap(),
                gray: rng.below(4) == 0,
                rgb565: [None, Some(true), Some(false)][rng.below(3)],
                dct: [DctMethod::Int, DctMethod::Fast, DctMethod::Float][rng.below(3)],
                // Often outside a small image: then an error, which is fine too.
                crop: (rng.below(3) == 0).then(|| jtool::pixels::Crop {
                    x: rng.below(40) as u32,
                    y: rng.below(40) as u32,
                    width: 1 + rng.below(40) as u32,
                    height: 1 + rng.below(40) as u32,
                }),
            },
            strict: rng.below(4) == 0,
        };
        ok(d, decode_file(d, &opts))
    }),
    ("auto-orient (Exif, thumbnail)", |d, _| {
        ok(
            d,
            jtool::pipeline::auto_orient(d, &transform_opts(Request::default())),
        )
    }),
    ("requantize to quality 50 / tables of the seed", |d, v| {
        use jtool::pipeline::lab::{requantize, RequantTarget, RequantizeOptions};
        let target = if v % 2 == 0 {
            RequantTarget::Quality(50)
        } else {
            RequantTarget::TablesFrom(d.to_vec())
        };
        let opts = RequantizeOptions {
            target,
            via_pixels: false,
            output: copy_opts(None, HuffmanChoice::Optimal),
        };
        ok(d, requantize(d, &opts))
    }),
    ("compare with itself", |d, _| {
        ok(d, jtool::pipeline::lab::compare_with(d, d, &limits()))
    }),
    ("rotate 90 via pixels (decode, encode)", |d, _| {
        let req = Request {
            orientation: Orientation::Rot90,
            ..Request::default()
        };
        ok(
            d,
            jtool::pipeline::via_pixels::transform(d, &transform_opts(req)),
        )
    }),
];

// ---------------------------------------------------------------------------------------
// Runner

/// What the worker is doing, for the watchdog.
#[derive(Default)]
struct Progress {
    current: Option<(String, usize, &'static str, Instant)>,
    mutants: usize,
    failures: Vec<String>,
    /// Per operation: library `Ok` and `Err` counts.
    outcomes: Vec<(usize, usize)>,
}

/// The last panic's message and location, recorded by the hook (the default hook's
/// printing is silenced while fuzzing).
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

fn peak_rss_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets the peak resident size (Linux `clear_refs` 5); false where unsupported.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn save_failure(name: &str, index: usize, data: &[u8], report: &str) -> String {
    let dir = Path::new("/tmp/fuzz-fail");
    let _ = std::fs::create_dir_all(dir);
    let base = format!("{}-{index}", name.replace('/', "_"));
    let path = dir.join(format!("{base}.jpg"));
    let _ = std::fs::write(&path, data);
    let _ = std::fs::write(dir.join(format!("{base}.txt")), report);
    path.display().to_string()
}

/// Runs every operation on one mutant; returns the failures.
fn run_mutant(
    outcomes: &mut [(usize, usize)],
    name: &str,
    index: usize,
    data: &[u8],
    what: &str,
    progress: &Mutex<Progress>,
) -> Vec<String> {
    let mut failures = Vec::new();
    let rss_ok = reset_peak_rss();
    for (k, &(op, f)) in OPS.iter().enumerate() {
        progress.lock().unwrap().current = Some((name.to_string(), index, op, Instant::now()));
        let t = Instant::now();
        let r = std::panic::catch_unwind(|| f(data, index as u64));
        let mut took = t.elapsed();
        if took > SLOW && matches!(r, Ok(Ok(_))) {
            // Timings are noisy on a shared machine: a slow case must be slow twice.
            let t = Instant::now();
            let _ = std::panic::catch_unwind(|| f(data, index as u64));
            took = took.min(t.elapsed());
        }
        let problem = match r {
            Err(p) => {
                let msg = p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                let at = LAST_PANIC.lock().unwrap().take().unwrap_or_default();
                Some(format!("panic: {msg} ({at})"))
            }
            Ok(Err(e)) => Some(e),
            Ok(Ok(_)) if took > SLOW => Some(format!("slow: {took:.2?}")),
            Ok(Ok(fine)) => {
                let o = &mut outcomes[k];
                *(if fine { &mut o.0 } else { &mut o.1 }) += 1;
                None
            }
        };
        if let Some(p) = problem {
            failures.push(format!("{name} mutant {index} [{what}] in `{op}`: {p}"));
        }
    }
    if rss_ok {
        if let Some(kb) = peak_rss_kb().filter(|&kb| kb > MAX_RSS_KB) {
            failures.push(format!("{name} mutant {index} [{what}]: peak RSS {kb} kB"));
        }
    }
    for f in &failures {
        let path = save_failure(name, index, data, f);
        eprintln!("FUZZ FAILURE: {f}\n  mutant written to {path}");
    }
    failures
}

fn env_usize(key: &str) -> Option<usize> {
    std::env::var(key).ok().and_then(|v| v.parse().ok())
}

/// The fuzz loop over every seed (on the worker thread).
fn fuzz_all(progress: Arc<Mutex<Progress>>) {
    let iters = env_usize("JTOOL_FUZZ_ITERS");
    let start = env_usize("JTOOL_FUZZ_START").unwrap_or(0);
    let only = std::env::var("JTOOL_FUZZ_ONLY").ok().and_then(|s| {
        let (n, i) = s.rsplit_once(':')?;
        Some((n.to_string(), i.parse::<usize>().ok()?))
    });
    let testdata: Vec<PathBuf> = seeds()
        .into_iter()
        .filter(|p| p.starts_with(testdata_dir()))
        .collect();
    for path in seeds() {
        let name = match path
            .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"))
        {
            Ok(rel) => rel.display().to_string(),
            Err(_) => format!("testdata/{}", path.file_name().unwrap().to_string_lossy()),
        };
        let seed = std::fs::read(&path).unwrap();
        let default = if testdata.contains(&path) {
            DEFAULT_ITERS_TESTDATA
        } else {
            DEFAULT_ITERS_CORPUS
        };
        let range = match &only {
            Some((n, i)) if name.contains(n.as_str()) => *i..*i + 1,
            Some(_) => continue,
            None => start..start + iters.unwrap_or(default),
        };
        for index in range {
            let (data, what) = mutant(&seed, index);
            let mut outcomes = vec![(0, 0); OPS.len()];
            let f = run_mutant(&mut outcomes, &name, index, &data, &what, &progress);
            let mut p = progress.lock().unwrap();
            p.mutants += 1;
            p.outcomes.resize(OPS.len(), (0, 0));
            for (total, o) in p.outcomes.iter_mut().zip(outcomes) {
                total.0 += o.0;
                total.1 += o.1;
            }
            p.failures.extend(f);
        }
    }
    progress.lock().unwrap().current = None;
}

#[test]
fn mutants_never_panic_hang_or_overallocate() {
    let progress = Arc::new(Mutex::new(Progress::default()));
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(at);
        }
    }));
    let t = Instant::now();
    let worker = {
        let p = Arc::clone(&progress);
        std::thread::spawn(move || fuzz_all(p))
    };
    // Watchdog: an operation that never returns cannot be caught by timing it.
    while !worker.is_finished() {
        std::thread::sleep(Duration::from_millis(100));
        let p = progress.lock().unwrap();
        if let Some((name, index, op, since)) = &p.current {
            if since.elapsed() > HANG {
                let seed = seeds()
                    .into_iter()
                    .find(|s| name.ends_with(&*s.file_name().unwrap().to_string_lossy()));
                let (data, what) = mutant(&std::fs::read(seed.unwrap()).unwrap(), *index);
                let msg = format!("{name} mutant {index} [{what}] in `{op}`: hang (over {HANG:?})");
                let path = save_failure(name, *index, &data, &msg);
                let _ = std::panic::take_hook();
                panic!("{msg}\n  mutant written to {path}");
            }
        }
    }
    let _ = std::panic::take_hook();
    let p = progress.lock().unwrap_or_else(|e| e.into_inner());
    if worker.join().is_err() {
        panic!(
            "the fuzz loop itself panicked at {:?} during {:?}",
            LAST_PANIC.lock().map(|l| l.clone()),
            p.current.as_ref().map(|c| (&c.0, c.1, c.2))
        );
    }
    let peak = peak_rss_kb().unwrap_or(0);
    println!(
        "fuzz: {} mutants × {} operations in {:.1?}; {} failures; peak RSS {peak} kB",
        p.mutants,
        OPS.len(),
        t.elapsed(),
        p.failures.len()
    );
    for ((op, _), (fine, err)) in OPS.iter().zip(&p.outcomes) {
        println!("  {op}: {fine} ok, {err} errors");
    }
    let mut errors = ERRORS.lock().unwrap_or_else(|e| e.into_inner()).clone();
    errors.sort_by_key(|e| std::cmp::Reverse(e.1));
    println!("most frequent errors ({} kinds):", errors.len());
    for (e, n) in errors.iter().take(25) {
        println!("  {n:7} {e}");
    }
    assert!(
        p.failures.is_empty(),
        "{} fuzz failures (mutants in /tmp/fuzz-fail/; rerun one with JTOOL_FUZZ_ONLY=NAME:INDEX):\n{}",
        p.failures.len(),
        p.failures.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
}
