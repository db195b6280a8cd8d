//! The in-place decode against the reference: a full decode and `transform::apply`,
//! on the crate's test files, the shared corpus, and generated sequential, restart and
//! progressive files, for every orientation with random crops, trim and grayscale.

use super::*;
use crate::coeffs::CoefficientImage;
use crate::entropy::{self, CodingMode, EncodeOptions, HuffmanChoice};
use crate::transform::{CropOffset, CropSpec, EdgePolicy, Orientation, ALL_ORIENTATIONS};
use std::path::Path;

/// xorshift64*: reproducible and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u32) -> u32 {
        (self.next() % n.max(1) as u64) as u32
    }
}

/// A random crop of a `w` × `h` (transformed) image.
fn random_crop(rng: &mut Rng, w: u32, h: u32) -> CropSpec {
    let cw = 1 + rng.below(w);
    let ch = 1 + rng.below(h);
    CropSpec {
        x: CropOffset {
            value: rng.below(w - cw + 1),
            from_end: rng.below(4) == 0,
        },
        y: CropOffset {
            value: rng.below(h - ch + 1),
            from_end: rng.below(4) == 0,
        },
        width: Some(cw),
        height: Some(ch),
        force_width: rng.below(3) == 0,
        force_height: rng.below(3) == 0,
        reflect_width: rng.below(3) == 0,
    }
}

/// The reference output: `apply` on the full decode (`Err`: the decode failed).
fn reference(
    full: &std::result::Result<Decoded, String>,
    req: &Request,
) -> std::result::Result<Option<CoefficientImage>, String> {
    let d = full.as_ref().map_err(|e| e.clone())?;
    let f: Vec<(u8, u8)> = d.image.components.iter().map(|c| (c.h, c.v)).collect();
    let plan = transform::plan(d.image.width, d.image.height, &f, req).ok();
    Ok(plan.map(|p| transform::apply(&d.image, &p)))
}

/// The output as a dense image (packed planes expanded).
fn dense(out: PlacedImage) -> CoefficientImage {
    match out {
        PlacedImage::Dense(image) => image,
        PlacedImage::Packed(mut image, planes) => {
            for (c, p) in image.components.iter_mut().zip(&planes) {
                c.plane = p.to_plane();
            }
            image
        }
    }
}

/// The output as the pipeline makes it (its blocks packed or not), and whether it was
/// decoded in place.
fn in_place(
    file: &JpegFile,
    req: &Request,
    packed: bool,
) -> std::result::Result<(Option<CoefficientImage>, bool), String> {
    let limits = Limits::default();
    let (d, direct) = decode(file, req, &limits, packed).map_err(|e| e.to_string())?;
    let was_direct = direct.is_some();
    let f: Vec<(u8, u8)> = d.image.components.iter().map(|c| (c.h, c.v)).collect();
    let Ok(plan) = transform::plan(d.image.width, d.image.height, &f, req) else {
        return Ok((None, was_direct));
    };
    let out = apply(file, &limits, &d.image, &plan, direct).map_err(|e| e.to_string())?;
    Ok((Some(dense(out)), was_direct))
}

/// The first differing block: (component, column, row).
fn first_difference(a: &CoefficientImage, b: &CoefficientImage) -> Option<(usize, usize, usize)> {
    a.components
        .iter()
        .zip(&b.components)
        .enumerate()
        .find_map(|(ci, (a, b))| {
            let k = a
                .plane
                .blocks
                .iter()
                .zip(&b.plane.blocks)
                .position(|(x, y)| x != y)?;
            let w = a.plane.width_blocks.max(1);
            Some((ci, k % w, k / w))
        })
}

/// Checks `reqs` on `data`: same output (or the same error) both ways. Returns how
/// many requests took the in-place path.
fn check(data: &[u8], reqs: &[Request], what: &str) -> usize {
    let Ok(file) = JpegFile::parse(data) else {
        return 0;
    };
    let full = entropy::decode(&file, &Limits::default()).map_err(|e| e.to_string());
    let mut direct = 0;
    for req in reqs {
        for packed in [false, true] {
            let want = reference(&full, req);
            let got = in_place(&file, req, packed);
            match (want, got) {
                (Err(a), Err(b)) => assert_eq!(a, b, "{what}: {req:?}: different errors"),
                (Ok(w), Ok((g, d))) => {
                    direct += d as usize;
                    if w != g {
                        let diff = w
                            .as_ref()
                            .zip(g.as_ref())
                            .and_then(|(w, g)| first_difference(w, g));
                        panic!("{what}: {req:?}: in-place output differs (first block: {diff:?})");
                    }
                }
                (w, g) => panic!(
                    "{what}: {req:?}: reference {:?} but in place {:?}",
                    w.err(),
                    g.err()
                ),
            }
        }
    }
    direct
}

/// Every orientation with and without trim, grayscale, and `crops` random crops each.
fn requests(rng: &mut Rng, w: u32, h: u32, crops: usize) -> Vec<Request> {
    let mut v = Vec::new();
    for o in ALL_ORIENTATIONS {
        let (tw, th) = if o.swaps_axes() { (h, w) } else { (w, h) };
        for edge in [EdgePolicy::Keep, EdgePolicy::Trim] {
            v.push(Request {
                orientation: o,
                crop: None,
                edge,
                grayscale: false,
            });
            for _ in 0..crops {
                let crop = Some(random_crop(rng, tw, th));
                v.push(Request {
                    orientation: o,
                    crop,
                    edge,
                    grayscale: rng.below(4) == 0,
                });
            }
        }
    }
    v.push(Request {
        grayscale: true,
        ..Request::default()
    });
    v
}

fn size_of(data: &[u8]) -> Option<(u32, u32)> {
    let file = JpegFile::parse(data).ok()?;
    let h = frame(&file)?;
    Some((h.width as u32, h.height as u32))
}

fn check_file(data: &[u8], what: &str, rng: &mut Rng, crops: usize) -> usize {
    let Some((w, h)) = size_of(data) else {
        return 0;
    };
    check(data, &requests(rng, w, h, crops), what)
}

#[test]
fn testdata_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut direct = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "jpg") {
            direct += check_file(
                &std::fs::read(&p).unwrap(),
                &p.display().to_string(),
                &mut rng,
                6,
            );
        }
    }
    assert!(direct > 100, "the in-place path ran only {direct} times");
}

/// The shared corpus, when present (it is in CI): every valid file.
#[test]
fn corpus_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/valid");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("note: {} not found; skipped", dir.display());
        return;
    };
    let mut rng = Rng(12345);
    let mut direct = 0;
    for e in entries {
        let p = e.unwrap().path();
        let data = std::fs::read(&p).unwrap();
        let what = p.display().to_string();
        let Some((w, h)) = size_of(&data) else {
            continue;
        };
        if w as u64 * h as u64 <= 300_000 {
            direct += check_file(&data, &what, &mut rng, 2);
            continue;
        }
        // Big files: a few requests, to keep the test quick.
        let mut reqs = Vec::new();
        for (o, edge) in [
            (Orientation::Rot90, EdgePolicy::Keep),
            (Orientation::FlipH, EdgePolicy::Keep),
            (Orientation::Transverse, EdgePolicy::Trim),
            (Orientation::Identity, EdgePolicy::Keep),
        ] {
            let (tw, th) = if o.swaps_axes() { (h, w) } else { (w, h) };
            let crop = (o != Orientation::Rot90).then(|| random_crop(&mut rng, tw, th));
            reqs.push(Request {
                orientation: o,
                crop,
                edge,
                grayscale: false,
            });
        }
        direct += check(&data, &reqs, &what);
    }
    assert!(direct > 1000, "the in-place path ran only {direct} times");
}

/// A random coefficient image (small values, many zeros, like a real one).
fn random_image(rng: &mut Rng, w: u32, h: u32, factors: &[(u8, u8)]) -> CoefficientImage {
    let specs: Vec<_> = factors
        .iter()
        .enumerate()
        .map(|(i, &(h, v))| (i as u8 + 1, h, v, (i > 0) as u8))
        .collect();
    let mut img = CoefficientImage::zeroed(w, h, 8, &specs);
    for c in &mut img.components {
        for b in &mut c.plane.blocks {
            b[0] = rng.below(400) as i16 - 200;
            for (k, c) in b.iter_mut().enumerate().skip(1) {
                if rng.below(64) < 64 / (k as u32 / 4 + 1) {
                    *c = rng.below(31) as i16 - 15;
                }
            }
        }
    }
    img.normalize_padding();
    img
}

fn encoded(img: &CoefficientImage, mode: CodingMode, restart_interval: u16) -> Vec<u8> {
    let opts = EncodeOptions {
        mode,
        huffman: HuffmanChoice::Optimal,
        restart_interval,
        restart_rows: 0,
        scan_script: None,
        table_numbering: entropy::TableNumbering::LumaChroma,
        threads: 1,
    };
    let coded = entropy::encode(img, &opts).unwrap();
    let mut out = vec![0xFF, 0xD8];
    out.extend_from_slice(&coded);
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

#[test]
fn generated_sequential_restart_and_progressive() {
    let mut rng = Rng(7);
    let layouts: [&[(u8, u8)]; 5] = [
        &[(2, 2), (1, 1), (1, 1)],
        &[(1, 1), (1, 1), (1, 1)],
        &[(2, 1), (1, 1), (1, 1)],
        &[(1, 1)],
        &[(1, 2), (1, 1), (1, 1)],
    ];
    let mut direct = 0;
    for (i, factors) in layouts.iter().enumerate() {
        let (w, h) = (40 + rng.below(90), 30 + rng.below(90));
        let img = random_image(&mut rng, w, h, factors);
        for (mode, ri) in [
            (CodingMode::Sequential, 0),
            (CodingMode::Sequential, 1),
            (CodingMode::Sequential, 3),
            (CodingMode::Progressive, 0),
            (CodingMode::Progressive, 2),
        ] {
            let data = encoded(&img, mode, ri);
            let what = format!("layout {i} {w}x{h} {mode:?} restart {ri}");
            direct += check_file(&data, &what, &mut rng, 4);
        }
    }
    assert!(direct > 500, "the in-place path ran only {direct} times");
}

/// Damaged restart markers: the skip must fall back to what a full walk does.
#[test]
fn damaged_restart_markers() {
    let mut rng = Rng(99);
    let img = random_image(&mut rng, 96, 96, &[(2, 2), (1, 1), (1, 1)]);
    let data = encoded(&img, CodingMode::Sequential, 1);
    let rst: Vec<usize> = (0..data.len() - 1)
        .filter(|&i| data[i] == 0xFF && (0xD0..=0xD7).contains(&data[i + 1]))
        .collect();
    assert!(rst.len() > 10);
    let crop = CropSpec::parse("16x16+48+64").unwrap();
    let req = Request {
        crop: Some(crop),
        ..Request::default()
    };
    for &at in [rst[2], rst[7], rst[rst.len() - 2]].iter() {
        for code in [0xD0, 0xD5, 0xC4, 0x00] {
            let mut bad = data.clone();
            bad[at + 1] = code;
            check(&bad, &[req], &format!("marker at {at} set to {code:02X}"));
            let mut cut = data.clone();
            cut.truncate(at + rng.below(40) as usize);
            check(&cut, &[req], &format!("truncated at {}", cut.len()));
        }
    }
}

#[test]
fn crop_rows_before_the_region_are_not_stored() {
    // The placed output holds only the crop's blocks.
    let mut rng = Rng(3);
    let img = random_image(&mut rng, 256, 256, &[(2, 2), (1, 1), (1, 1)]);
    let data = encoded(&img, CodingMode::Progressive, 0);
    let file = JpegFile::parse(&data).unwrap();
    let req = Request {
        crop: CropSpec::parse("32x32+64+64"),
        ..Request::default()
    };
    let (d, direct) = decode(&file, &req, &Limits::default(), true).unwrap();
    assert!(d.image.components.iter().all(|c| c.plane.blocks.is_empty()));
    let PlacedImage::Dense(out) = direct.unwrap().image else {
        panic!("a progressive frame is decoded dense");
    };
    assert_eq!(out.components[0].plane.blocks.len(), 16);
    assert_eq!(out.components[1].plane.blocks.len(), 4);
}
