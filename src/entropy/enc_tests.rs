//! Encoder tests: bit writer → bit reader identity, encode → decode identity on random
//! coefficient images, djpeg acceptance of the output, error cases.

use super::bitread::BitReader;
use super::bitwrite::BitWriter;
use super::{
    decode, encode, encode_packed, CodingMode, EncodeOptions, HuffmanChoice, Limits, TableNumbering,
};
use crate::coeffs::{BlockPlane, CoefficientImage, PackedPlane, QuantTable};
use crate::container::{JpegFile, ScanComponent, ScanHeader};
use crate::error::Error;
use proptest::prelude::*;

/// xorshift64*: the contents of the random images, from a proptest-chosen seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn range(&mut self, lo: i32, hi: i32) -> i32 {
        lo + self.below((hi - lo + 1) as u64) as i32
    }
}

/// Parameters of a random image.
#[derive(Debug, Clone)]
struct Spec {
    width: u32,
    height: u32,
    factors: Vec<(u8, u8)>,
    seed: u64,
    /// Per mille of nonzero AC coefficients.
    density: u32,
}

fn spec_strategy() -> impl Strategy<Value = Spec> {
    (
        1u32..70,
        1u32..70,
        proptest::collection::vec((1u8..=4, 1u8..=4), 1..=4),
        any::<u64>(),
        prop_oneof![Just(0u32), 1u32..50, 50u32..400, Just(1000u32)],
    )
        .prop_map(|(width, height, factors, seed, density)| Spec {
            width,
            height,
            factors,
            seed: seed | 1,
            density,
        })
}

/// A random image; blocks outside the real block grid are zero when `zero_padding`.
fn make_image(s: &Spec, zero_padding: bool) -> CoefficientImage {
    make_image_of(s, zero_padding, 8)
}

/// [`make_image`] of sample precision `precision` (8 or 12): its values use the
/// whole range the precision allows.
fn make_image_of(s: &Spec, zero_padding: bool, precision: u8) -> CoefficientImage {
    // Largest DC value (every difference then within category P + 3) and AC value.
    let (dc_max, ac_max) = if precision == 12 {
        (16383, 16383)
    } else {
        (1023, 1023)
    };
    let mut rng = Rng(s.seed);
    let comps: Vec<(u8, u8, u8, u8)> = s
        .factors
        .iter()
        .enumerate()
        .map(|(i, &(h, v))| ((i as u8 * 37).wrapping_add(1), h, v, rng.below(3) as u8))
        .collect();
    let mut img = CoefficientImage::zeroed(s.width, s.height, precision, &comps);
    let g = img.geometry();
    for (ci, c) in img.components.iter_mut().enumerate() {
        let big = rng.below(4) == 0;
        let mut values = [0u16; 64];
        for q in values.iter_mut() {
            *q = if big {
                rng.range(1, 2000) as u16
            } else {
                rng.range(1, 255) as u16
            };
        }
        let sixteen_bit = !values.iter().all(|&v| v <= 255) || rng.below(5) == 0;
        c.quant = QuantTable {
            values,
            sixteen_bit,
        };
        let (rw, rh) = g.real_blocks(ci);
        let wb = c.plane.width_blocks;
        for (i, blk) in c.plane.blocks.iter_mut().enumerate() {
            let (bx, by) = (i % wb, i / wb);
            if zero_padding && (bx >= rw || by >= rh) {
                continue;
            }
            blk[0] = rng.range(-dc_max, dc_max) as i16;
            for v in blk[1..].iter_mut() {
                if (rng.below(1000) as u32) < s.density {
                    let mag = match rng.below(8) {
                        0..=4 => rng.range(1, 3),
                        5 | 6 => rng.range(1, 60),
                        _ => rng.range(1, ac_max),
                    };
                    *v = if rng.below(2) == 0 { mag } else { -mag } as i16;
                }
            }
        }
    }
    img
}

fn wrap(body: &[u8]) -> Vec<u8> {
    let mut f = vec![0xFF, 0xD8];
    f.extend_from_slice(body);
    f.extend_from_slice(&[0xFF, 0xD9]);
    f
}

/// `img` as a decoder reads it back: a one-component frame is written 1x1, so its plane
/// is its real blocks.
fn as_written(img: &CoefficientImage) -> CoefficientImage {
    let mut out = img.clone();
    if img.components.len() == 1 {
        let (w, h) = img.geometry().real_blocks(0);
        let mut plane = BlockPlane::new(w, h);
        for y in 0..h {
            for x in 0..w {
                *plane.block_mut(x, y) = *img.components[0].plane.block(x, y);
            }
        }
        let c = &mut out.components[0];
        (c.h, c.v, c.plane) = (1, 1, plane);
    }
    out
}

fn round_trip(img: &CoefficientImage, opts: &EncodeOptions) -> Result<(), TestCaseError> {
    let body = encode(img, opts).map_err(|e| TestCaseError::fail(format!("encode: {e}")))?;
    let img = &as_written(img);
    let file = wrap(&body);
    let parsed = JpegFile::parse(&file).map_err(|e| TestCaseError::fail(format!("parse: {e}")))?;
    prop_assert!(
        parsed.warnings.is_empty(),
        "parse warnings {:?}",
        parsed.warnings
    );
    let dec = decode(&parsed, &Limits::default())
        .map_err(|e| TestCaseError::fail(format!("decode: {e}")))?;
    prop_assert!(
        dec.warnings.is_empty(),
        "decode warnings {:?}",
        dec.warnings
    );
    prop_assert_eq!(dec.restart_interval, opts.restart_interval);
    let d = &dec.image;
    prop_assert_eq!(
        (d.width, d.height, d.precision),
        (img.width, img.height, img.precision)
    );
    prop_assert_eq!(d.components.len(), img.components.len());
    for (i, (a, b)) in d.components.iter().zip(&img.components).enumerate() {
        prop_assert_eq!((a.id, a.h, a.v), (b.id, b.h, b.v), "component {}", i);
        prop_assert_eq!(a.quant, b.quant, "quant table of component {}", i);
        prop_assert_eq!(a.plane.width_blocks, b.plane.width_blocks);
        prop_assert_eq!(a.plane.height_blocks, b.plane.height_blocks);
        if let Some(k) = (0..a.plane.blocks.len()).find(|&k| a.plane.blocks[k] != b.plane.blocks[k])
        {
            return Err(TestCaseError::fail(format!(
                "component {i} block {k} (of {}x{}): got {:?}, want {:?}",
                a.plane.width_blocks, a.plane.height_blocks, a.plane.blocks[k], b.plane.blocks[k]
            )));
        }
    }
    Ok(())
}

fn interleaved_sequential(s: &Spec) -> bool {
    s.factors.len() > 1
        && s.factors
            .iter()
            .map(|&(h, v)| h as u32 * v as u32)
            .sum::<u32>()
            <= 10
}

fn opts(mode: CodingMode, huffman: HuffmanChoice, ri: u16) -> EncodeOptions {
    EncodeOptions {
        mode,
        huffman,
        restart_interval: ri,
        restart_rows: 0,
        scan_script: None,
        table_numbering: TableNumbering::LumaChroma,
        threads: 1,
    }
}

const NUMBERINGS: [TableNumbering; 3] = [
    TableNumbering::LumaChroma,
    TableNumbering::Shared,
    TableNumbering::Ycck,
];

proptest! {
    #[test]
    fn sequential_round_trip(
        s in spec_strategy(),
        ri in prop_oneof![Just(0u16), 1u16..6],
        coding in 0usize..3,
        dummy in any::<bool>(),
        numbering in 0usize..3,
    ) {
        let mut img = make_image(&s, !interleaved_sequential(&s));
        if dummy && interleaved_sequential(&s) {
            // Only interleaved scans code padding blocks.
            img.normalize_padding();
        }
        let h = [HuffmanChoice::Standard, HuffmanChoice::Optimal, HuffmanChoice::Arithmetic][coding];
        // Any table numbering (shared tables, shared statistics bins) decodes back.
        let o = EncodeOptions {
            table_numbering: NUMBERINGS[numbering],
            ..opts(CodingMode::Sequential, h, ri)
        };
        round_trip(&img, &o)?;
    }

    /// 12-bit coefficients (T.81's extended process: DC differences up to category 15,
    /// AC values up to 14) round-trip in every mode; standard tables, which code 8-bit
    /// categories only, give way to optimal ones.
    #[test]
    fn twelve_bit_round_trip(
        s in spec_strategy(),
        ri in prop_oneof![Just(0u16), 1u16..6],
        coding in 0usize..3,
        progressive in any::<bool>(),
    ) {
        // Only interleaved scans code padding blocks.
        let img = make_image_of(&s, progressive || !interleaved_sequential(&s), 12);
        let h = [HuffmanChoice::Standard, HuffmanChoice::Optimal, HuffmanChoice::Arithmetic][coding];
        let mode = if progressive { CodingMode::Progressive } else { CodingMode::Sequential };
        round_trip(&img, &opts(mode, h, ri))?;
        let packed: Vec<PackedPlane> =
            img.components.iter().map(|c| PackedPlane::from_plane(&c.plane)).collect();
        let mut meta = img.clone();
        meta.components.iter_mut().for_each(|c| c.plane = BlockPlane::new(0, 0));
        let dense = encode(&img, &opts(mode, h, ri)).map_err(|e| e.to_string());
        let from_packed = encode_packed(&meta, &packed, &opts(mode, h, ri)).map_err(|e| e.to_string());
        prop_assert_eq!(dense, from_packed);
    }

    #[test]
    fn packed_planes_code_like_dense_ones(
        s in spec_strategy(),
        ri in prop_oneof![Just(0u16), 1u16..6],
        std in any::<bool>(),
        progressive in any::<bool>(),
    ) {
        let img = make_image(&s, true);
        let h = if std { HuffmanChoice::Standard } else { HuffmanChoice::Optimal };
        let mode = if progressive { CodingMode::Progressive } else { CodingMode::Sequential };
        let o = opts(mode, h, ri);
        let planes: Vec<PackedPlane> =
            img.components.iter().map(|c| PackedPlane::from_plane(&c.plane)).collect();
        let mut meta = img.clone();
        meta.components.iter_mut().for_each(|c| c.plane = BlockPlane::new(0, 0));
        let dense = encode(&img, &o).map_err(|e| e.to_string());
        let packed = encode_packed(&meta, &planes, &o).map_err(|e| e.to_string());
        prop_assert_eq!(dense, packed);
    }

    /// The streamed walks (row by row, block by block) give every block a whole decode
    /// gives, at the same position.
    #[test]
    fn streamed_walks_equal_whole_decode(
        s in spec_strategy(),
        ri in prop_oneof![Just(0u16), 1u16..6],
    ) {
        use super::rows::{decode_streamed, Streamed};
        let img = make_image(&s, !interleaved_sequential(&s));
        let o = opts(CodingMode::Sequential, HuffmanChoice::Optimal, ri);
        let file = wrap(&encode(&img, &o).unwrap());
        let parsed = JpegFile::parse(&file).unwrap();
        let whole = decode(&parsed, &Limits::default()).unwrap().image;
        let Streamed::Rows(scan) = decode_streamed(&parsed, &Limits::default()).unwrap() else {
            // More than one scan (an MCU of over 10 blocks): decoded whole anyway.
            prop_assume!(false);
            unreachable!()
        };
        let mut by_block = whole.clone();
        by_block.components.iter_mut().for_each(|c| c.plane.blocks.iter_mut().for_each(|b| *b = [0; 64]));
        let warnings = scan.run_blocks(&mut |c, bx, by, b| {
            let p = &mut by_block.components[c].plane;
            if bx < p.width_blocks && by < p.height_blocks {
                *p.block_mut(bx, by) = *b;
            }
        });
        prop_assert!(warnings.is_empty());
        let g = whole.geometry();
        for (ci, (a, b)) in whole.components.iter().zip(&by_block.components).enumerate() {
            let (w, h) = g.real_blocks(ci);
            for by in 0..h {
                for bx in 0..w {
                    prop_assert_eq!(a.plane.block(bx, by), b.plane.block(bx, by), "block {},{} of {}", bx, by, ci);
                }
            }
        }
    }

    /// Arithmetic coding (SOF9/SOF10) round trips in both modes, restarts included,
    /// and packed planes code as dense ones do.
    #[test]
    fn arithmetic_round_trip(
        s in spec_strategy(),
        ri in prop_oneof![Just(0u16), 1u16..6],
        progressive in any::<bool>(),
    ) {
        let img = make_image(&s, !interleaved_sequential(&s) || progressive);
        let mode = if progressive { CodingMode::Progressive } else { CodingMode::Sequential };
        let o = opts(mode, HuffmanChoice::Arithmetic, ri);
        round_trip(&img, &o)?;
        let body = encode(&img, &o).unwrap();
        let dec = decode(&JpegFile::parse(&wrap(&body)).unwrap(), &Limits::default()).unwrap();
        prop_assert_eq!(dec.frame.marker.0, if progressive { 0xCA } else { 0xC9 });
        let planes: Vec<PackedPlane> =
            img.components.iter().map(|c| PackedPlane::from_plane(&c.plane)).collect();
        let mut meta = img.clone();
        meta.components.iter_mut().for_each(|c| c.plane = BlockPlane::new(0, 0));
        prop_assert_eq!(Ok(body), encode_packed(&meta, &planes, &o).map_err(|e| e.to_string()));
    }

    #[test]
    fn progressive_round_trip(s in spec_strategy(), ri in prop_oneof![Just(0u16), 1u16..6]) {
        let img = make_image(&s, true);
        round_trip(&img, &opts(CodingMode::Progressive, HuffmanChoice::Standard, ri))?;
    }

    #[test]
    fn bit_writer_reader_identity(
        items in proptest::collection::vec((any::<u32>(), 0u32..=32, any::<bool>()), 0..300),
    ) {
        // Random codes, with a restart marker after some of them.
        let mut w = BitWriter::new(Vec::new());
        let mut nrst = 0;
        for &(v, n, rst) in &items {
            let v = if n == 32 { v } else { v & ((1u32 << n) - 1) };
            w.put(v, n);
            if rst {
                w.restart(nrst);
                nrst += 1;
            }
        }
        let data = w.finish();
        let mut r = BitReader::new(&data);
        let mut nrst = 0;
        for &(v, n, rst) in &items {
            let v = if n == 32 { v } else { v & ((1u32 << n) - 1) };
            prop_assert_eq!(r.get_bits(n), v);
            if rst {
                let (_, code) = r.next_marker().expect("a restart marker");
                prop_assert_eq!(code, 0xD0 + (nrst & 7) as u8);
                r.skip_marker();
                nrst += 1;
            }
        }
        prop_assert!(!r.overrun());
    }
}

#[test]
fn custom_script_round_trip() {
    let s = Spec {
        width: 45,
        height: 29,
        factors: vec![(2, 1), (1, 1), (1, 1)],
        seed: 99,
        density: 300,
    };
    let img = make_image(&s, true);
    let sc = |id: u8, t: u8| ScanComponent { id, td: t, ta: t };
    let scan = |c: Vec<ScanComponent>, ss, se, ah, al| ScanHeader {
        components: c,
        ss,
        se,
        ah,
        al,
    };
    let ids: Vec<u8> = img.components.iter().map(|c| c.id).collect();
    let script = vec![
        scan(vec![sc(ids[0], 0), sc(ids[1], 1)], 0, 0, 0, 2),
        scan(vec![sc(ids[2], 3)], 0, 0, 0, 0),
        scan(vec![sc(ids[0], 0), sc(ids[1], 1)], 0, 0, 2, 1),
        scan(vec![sc(ids[0], 0), sc(ids[1], 1)], 0, 0, 1, 0),
        scan(vec![sc(ids[0], 2)], 1, 63, 0, 3),
        scan(vec![sc(ids[0], 2)], 1, 63, 3, 2),
        scan(vec![sc(ids[0], 2)], 1, 63, 2, 1),
        scan(vec![sc(ids[0], 2)], 1, 63, 1, 0),
        scan(vec![sc(ids[1], 1)], 1, 1, 0, 0),
        scan(vec![sc(ids[1], 1)], 2, 63, 0, 0),
        scan(vec![sc(ids[2], 3)], 1, 20, 0, 1),
        scan(vec![sc(ids[2], 3)], 21, 63, 0, 0),
        scan(vec![sc(ids[2], 3)], 1, 20, 1, 0),
    ];
    for ri in [0, 1, 7] {
        for huffman in [HuffmanChoice::Optimal, HuffmanChoice::Arithmetic] {
            let o = EncodeOptions {
                mode: CodingMode::Progressive,
                huffman,
                restart_interval: ri,
                restart_rows: 0,
                scan_script: Some(script.clone()),
                table_numbering: TableNumbering::Shared,
                threads: 1,
            };
            round_trip(&img, &o).unwrap();
        }
    }
    let mut bad = script.clone();
    bad.pop();
    let o = EncodeOptions {
        mode: CodingMode::Progressive,
        scan_script: Some(bad),
        ..EncodeOptions::default()
    };
    assert!(matches!(encode(&img, &o), Err(Error::BadRequest(_))));
}

#[test]
fn long_eob_runs_and_zero_runs() {
    // Mostly empty blocks (EOB runs beyond 32767 blocks in one AC scan) and blocks with
    // a lone last coefficient (ZRL chains), in both modes.
    let s = Spec {
        width: 1600,
        height: 1400,
        factors: vec![(1, 1)],
        seed: 5,
        density: 0,
    };
    let mut img = make_image(&s, true);
    for (i, b) in img.components[0].plane.blocks.iter_mut().enumerate() {
        if i % 5000 == 17 {
            b[63] = -3;
            b[40] = 1;
        }
        if i % 7000 == 3 {
            b[63] = 2;
        }
    }
    for o in [
        opts(CodingMode::Sequential, HuffmanChoice::Optimal, 0),
        opts(CodingMode::Progressive, HuffmanChoice::Optimal, 0),
        opts(CodingMode::Progressive, HuffmanChoice::Optimal, 40000),
    ] {
        round_trip(&img, &o).unwrap();
    }
}

#[test]
fn headers() {
    let s = Spec {
        width: 17,
        height: 9,
        factors: vec![(2, 2), (1, 1), (1, 1)],
        seed: 3,
        density: 100,
    };
    let mut img = make_image(&s, false);
    for c in img.components.iter_mut() {
        c.quant = QuantTable {
            values: [2; 64],
            sixteen_bit: false,
        };
        c.quant_slot = 0;
    }
    img.components[1].quant.values[5] = 3;
    let body = encode(
        &img,
        &opts(CodingMode::Sequential, HuffmanChoice::Standard, 3),
    )
    .unwrap();
    let file = wrap(&body);
    let p = JpegFile::parse(&file).unwrap();
    let markers: Vec<u8> = p
        .items
        .iter()
        .map(|i| match i {
            crate::container::Item::Segment(s) => s.marker.0,
            crate::container::Item::Scan(s) => s.header.marker.0,
        })
        .collect();
    // libjpeg's layout: one table per DQT and DHT segment, and the DRI comes with the
    // first scan, after its tables.
    let (dqt, dht) = (0xDB, 0xC4);
    assert_eq!(
        markers,
        vec![0xD8, dqt, dqt, 0xC0, dht, dht, dht, dht, 0xDD, 0xDA, 0xD9]
    );
    // Two tables: slot 0 for components 0 and 2, another slot for component 1.
    let dqts: Vec<_> = p.segments().filter(|s| s.marker.0 == dqt).collect();
    assert!(dqts.iter().all(|s| s.body.len() == 65));
    let dec = decode(&p, &Limits::default()).unwrap();
    assert_eq!(dec.frame.components[0].tq, 0);
    assert_eq!(dec.frame.components[2].tq, 0);
    assert_ne!(dec.frame.components[1].tq, 0);
    assert_eq!(dec.image.components[1].quant.values[5], 3);

    // 16-bit tables make the frame SOF1.
    img.components[0].quant.sixteen_bit = true;
    let body = encode(
        &img,
        &opts(CodingMode::Sequential, HuffmanChoice::Optimal, 0),
    )
    .unwrap();
    assert!(body.windows(2).any(|w| w == [0xFF, 0xC1]));
    let body = encode(
        &img,
        &opts(CodingMode::Progressive, HuffmanChoice::Optimal, 0),
    )
    .unwrap();
    assert!(body.windows(2).any(|w| w == [0xFF, 0xC2]));
}

#[test]
fn errors() {
    let s = Spec {
        width: 16,
        height: 16,
        factors: vec![(1, 1)],
        seed: 3,
        density: 100,
    };
    let img = make_image(&s, false);
    let o = EncodeOptions::default();
    let mut bad = img.clone();
    bad.precision = 16;
    assert!(matches!(encode(&bad, &o), Err(Error::Unsupported { .. })));
    // Beyond 12-bit precision's AC range (category 14).
    let mut bad = make_image_of(&s, false, 12);
    bad.components[0].plane.blocks[0][5] = 16384;
    assert!(matches!(encode(&bad, &o), Err(Error::BadRequest(_))));
    let mut bad = img.clone();
    bad.components[0].plane.blocks[0][5] = 1024;
    for h in [HuffmanChoice::Standard, HuffmanChoice::Optimal] {
        let o = opts(CodingMode::Sequential, h, 0);
        assert!(matches!(encode(&bad, &o), Err(Error::BadRequest(_))));
    }
    assert!(matches!(
        encode(
            &bad,
            &opts(CodingMode::Progressive, HuffmanChoice::Optimal, 0)
        ),
        Err(Error::BadRequest(_))
    ));
    let mut bad = img.clone();
    bad.components[0].plane.blocks[0][0] = -1500;
    bad.components[0].plane.blocks[1][0] = 1500;
    assert!(matches!(encode(&bad, &o), Err(Error::BadRequest(_))));
    let big = CoefficientImage::zeroed(70000, 8, 8, &[(1, 1, 1, 0)]);
    assert!(matches!(encode(&big, &o), Err(Error::BadRequest(_))));
    let mut none = img.clone();
    none.components.clear();
    assert!(encode(&none, &o).is_err());
    let mut dup = CoefficientImage::zeroed(8, 8, 8, &[(1, 1, 1, 0), (1, 1, 1, 0)]);
    assert!(matches!(encode(&dup, &o), Err(Error::BadRequest(_))));
    dup.components[1].id = 2;
    assert!(encode(&dup, &o).is_ok());
}

/// djpeg must accept the output silently. Skipped without djpeg unless CI=true.
#[test]
fn djpeg_accepts_output() {
    let djpeg = std::path::Path::new("/usr/bin/djpeg");
    if !djpeg.exists() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("djpeg not installed at /usr/bin/djpeg");
        }
        eprintln!("skipping djpeg_accepts_output: /usr/bin/djpeg not found");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (vec![(2u8, 2u8), (1, 1), (1, 1)], 99u32, 77u32),
        (vec![(1, 1), (1, 1), (1, 1)], 64, 48),
        (vec![(2, 1), (1, 1), (1, 1)], 33, 71),
        (vec![(1, 1)], 41, 23),
        (vec![(2, 2)], 19, 30),
    ];
    let mut n = 0;
    for (factors, width, height) in cases {
        let s = Spec {
            width,
            height,
            factors,
            seed: 1234 + width as u64,
            density: 120,
        };
        let mut img = make_image(&s, false);
        // Keep the pixels within reason: djpeg clamps silently anyway.
        for c in img.components.iter_mut() {
            for b in c.plane.blocks.iter_mut() {
                b[0] /= 4;
            }
        }
        for o in [
            opts(CodingMode::Sequential, HuffmanChoice::Standard, 0),
            opts(CodingMode::Sequential, HuffmanChoice::Optimal, 3),
            opts(CodingMode::Progressive, HuffmanChoice::Optimal, 0),
            opts(CodingMode::Progressive, HuffmanChoice::Optimal, 2),
        ] {
            let path = dir.path().join(format!("t{n}.jpg"));
            n += 1;
            std::fs::write(&path, wrap(&encode(&img, &o).unwrap())).unwrap();
            let res = std::process::Command::new(djpeg)
                .arg("-outfile")
                .arg("/dev/null")
                .arg(&path)
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&res.stderr);
            assert!(
                res.status.success() && err.is_empty(),
                "djpeg on {o:?} {s:?}: {err}"
            );
        }
    }
}

/// Timing and size against a real file: `JTOOL_BENCH_FILE=x.jpg cargo test --release
/// --lib bench_encode -- --ignored --nocapture`; writes the outputs next to /tmp.
#[test]
#[ignore]
fn bench_encode() {
    let Ok(path) = std::env::var("JTOOL_BENCH_FILE") else {
        eprintln!("set JTOOL_BENCH_FILE");
        return;
    };
    let data = std::fs::read(&path).unwrap();
    let file = JpegFile::parse(&data).unwrap();
    let t = std::time::Instant::now();
    let dec = decode(&file, &Limits::default()).unwrap();
    eprintln!("decode: {:?}", t.elapsed());
    let reps: usize = std::env::var("JTOOL_BENCH_REPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    for (name, o) in [
        (
            "seq_std",
            opts(CodingMode::Sequential, HuffmanChoice::Standard, 0),
        ),
        (
            "seq_opt",
            opts(CodingMode::Sequential, HuffmanChoice::Optimal, 0),
        ),
        (
            "prog",
            opts(CodingMode::Progressive, HuffmanChoice::Optimal, 0),
        ),
    ] {
        if let Ok(m) = std::env::var("JTOOL_BENCH_MODES") {
            if !m.split(',').any(|x| x == name) {
                continue;
            }
        }
        let mut best = std::time::Duration::MAX;
        let mut out = Vec::new();
        for _ in 0..reps {
            let t = std::time::Instant::now();
            out = encode(&dec.image, &o).unwrap();
            best = best.min(t.elapsed());
        }
        let f = wrap(&out);
        eprintln!("{name}: {best:?}, {} bytes", f.len());
        std::fs::write(format!("/tmp/jtool_enc_{name}.jpg"), &f).unwrap();
    }
}

/// Writes `/tmp/jd_{seq_std,seq_opt,prog}_{ri}.jpg` for `JTOOL_DUMP_IN`, restart
/// intervals from `JTOOL_DUMP_RI` (comma-separated MCU counts), to compare with jpegtran.
#[test]
#[ignore]
fn dump_encodings() {
    let Ok(paths) = std::env::var("JTOOL_DUMP_IN") else {
        return;
    };
    let outdir = std::env::var("JTOOL_DUMP_OUT").unwrap_or_else(|_| "/tmp".into());
    for path in paths.split(',') {
        let data = std::fs::read(path).unwrap();
        let base = std::path::Path::new(path)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let Ok(file) = JpegFile::parse(&data) else {
            continue;
        };
        let Ok(mut dec) = decode(&file, &Limits::default()) else {
            eprintln!("{base}: decode failed");
            continue;
        };
        if std::env::var("JTOOL_DUMP_DUMMY").is_ok() {
            dec.image.normalize_padding();
        }
        let ris = std::env::var("JTOOL_DUMP_RI").unwrap_or_else(|_| "0".into());
        for ri in ris.split(',').map(|s| s.trim().parse::<u16>().unwrap()) {
            for (name, mode, h) in [
                ("seq_std", CodingMode::Sequential, HuffmanChoice::Standard),
                ("seq_opt", CodingMode::Sequential, HuffmanChoice::Optimal),
                ("prog", CodingMode::Progressive, HuffmanChoice::Optimal),
            ] {
                match encode(&dec.image, &opts(mode, h, ri)) {
                    Ok(out) => {
                        std::fs::write(format!("{outdir}/{base}_{name}_{ri}.jpg"), wrap(&out))
                            .unwrap()
                    }
                    Err(e) => eprintln!("{base} {name} {ri}: {e}"),
                }
            }
        }
    }
}
