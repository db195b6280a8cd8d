//! The pixel encoder against `cjpeg -dct int` (libjpeg-turbo): for a set of images,
//! qualities and samplings, jtool's quantization tables and quantized coefficients equal
//! cjpeg's (both files decoded with `jtool::entropy::decode`), and jtool's default
//! output (optimal Huffman tables) equals `cjpeg -optimize` byte for byte (one table per
//! DQT and DHT segment, as libjpeg writes them).

mod common;

use common::{corpus_dir, report_failures, run_with_stdin, synthetic, testdata_dir, tool};
use jtool::coeffs::CoefficientImage;
use jtool::container::{Item, JpegFile, Marker};
use jtool::entropy::{self, CodingMode, HuffmanChoice, Limits};
use jtool::pipeline::{encode_pixels, PixelEncodeOptions};
use jtool::pixels::image_io::read_image;
use jtool::pixels::{parse_table_file, DctMethod, EncodeParams, PixelImage, QuantChoice, Sampling};
use std::path::Path;

/// (name, image file bytes) of every test image: PPMs and PGMs, odd sizes included.
fn images(djpeg: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    for f in ["src_67x45.ppm", "src_33x17.ppm"] {
        v.push((
            format!("testdata/{f}"),
            std::fs::read(testdata_dir().join(f)).unwrap(),
        ));
    }
    if let Some(corpus) = corpus_dir() {
        let r = "reference/ijg_testimgint_227x149.cjpeg_source.ppm";
        v.push((r.into(), std::fs::read(corpus.join(r)).unwrap()));
        for f in [
            "valid/size_1x1_moz.jpg",
            "valid/size_3x3_moz.jpg",
            "valid/size_17x17_moz.jpg",
            "valid/imagemagick_perlmagick_input_70x46.jpg",
            "valid/resized_cam_polaroid_ion230_75x100.jpg",
            "valid/gray_jpegdecoder_10x10.jpg",
            "valid/ijg_testimggray_227x149.jpg",
        ] {
            let jpeg = std::fs::read(corpus.join(f)).unwrap();
            let (code, pnm, err) = run_with_stdin(djpeg, &["-dct", "int"], &jpeg);
            assert!(code == 0 && !pnm.is_empty(), "djpeg {f}: {err}");
            v.push((format!("{f} (djpeg)"), pnm));
        }
    }
    v
}

fn decode(bytes: &[u8]) -> CoefficientImage {
    let file = JpegFile::parse(bytes).expect("parse");
    entropy::decode(&file, &Limits::default())
        .expect("decode")
        .image
}

/// Where two coefficient images first differ, or `None` when equal.
fn difference(ours: &CoefficientImage, theirs: &CoefficientImage) -> Option<String> {
    if (ours.width, ours.height, ours.components.len())
        != (theirs.width, theirs.height, theirs.components.len())
    {
        return Some(format!(
            "shape {}x{}x{} vs {}x{}x{}",
            ours.width,
            ours.height,
            ours.components.len(),
            theirs.width,
            theirs.height,
            theirs.components.len()
        ));
    }
    for (i, (a, b)) in ours.components.iter().zip(&theirs.components).enumerate() {
        if (a.id, a.h, a.v, a.quant_slot) != (b.id, b.h, b.v, b.quant_slot) {
            return Some(format!(
                "component {i}: id/sampling/slot {:?} vs {:?}",
                (a.id, a.h, a.v, a.quant_slot),
                (b.id, b.h, b.v, b.quant_slot)
            ));
        }
        if a.quant != b.quant {
            return Some(format!(
                "component {i}: quantization table {:?} vs {:?}",
                a.quant, b.quant
            ));
        }
        if (a.plane.width_blocks, a.plane.height_blocks)
            != (b.plane.width_blocks, b.plane.height_blocks)
        {
            return Some(format!("component {i}: plane size differs"));
        }
        let w = a.plane.width_blocks;
        if let Some(k) = (0..a.plane.blocks.len()).find(|&k| a.plane.blocks[k] != b.plane.blocks[k])
        {
            let n = a
                .plane
                .blocks
                .iter()
                .zip(&b.plane.blocks)
                .filter(|(x, y)| x != y)
                .count();
            return Some(format!(
                "component {i}: {n} blocks differ, first at bx={} by={}:\n  ours   {:?}\n  cjpeg  {:?}",
                k % w,
                k / w,
                a.plane.blocks[k],
                b.plane.blocks[k]
            ));
        }
    }
    None
}

/// The file as (marker, body) pairs with consecutive DQT and DHT segments merged (a
/// multi-table segment is the concatenation of single-table ones); each SOS is followed
/// by its entropy-coded data as marker 0.
fn normalized(bytes: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let file = JpegFile::parse(bytes).expect("parse");
    let mut out: Vec<(u8, Vec<u8>)> = Vec::new();
    for item in &file.items {
        match item {
            Item::Segment(seg) => match out.last_mut() {
                Some((m, body))
                    if *m == seg.marker.0
                        && (seg.marker == Marker::DQT || seg.marker == Marker::DHT) =>
                {
                    body.extend_from_slice(seg.body)
                }
                _ => out.push((seg.marker.0, seg.body.to_vec())),
            },
            Item::Scan(scan) => {
                out.push((scan.header.marker.0, scan.header.body.to_vec()));
                out.push((0, scan.ecs.to_vec()));
            }
        }
    }
    out
}

/// The entropy-coded data of every scan, concatenated.
fn scan_data(bytes: &[u8]) -> Vec<u8> {
    normalized(bytes)
        .into_iter()
        .filter(|(m, _)| *m == 0)
        .flat_map(|(_, b)| b)
        .collect()
}

#[derive(Default)]
struct Tally {
    cases: usize,
    coeffs_equal: usize,
    files_equal: usize,
    scans_equal: usize,
    failures: Vec<String>,
}

/// Encodes `img` with jtool and `input` with cjpeg `args`; compares.
fn check(
    t: &mut Tally,
    cjpeg: &Path,
    name: &str,
    input: &[u8],
    img: &PixelImage,
    opts: &PixelEncodeOptions,
    args: &[&str],
) {
    t.cases += 1;
    let label = format!("{name} {}", args.join(" "));
    let (code, theirs, err) = run_with_stdin(cjpeg, args, input);
    assert!(code == 0, "{label}: cjpeg failed: {err}");
    let ours = match encode_pixels(img, opts) {
        Ok(b) => b,
        Err(e) => {
            t.failures.push(format!("{label}: jtool failed: {e}"));
            return;
        }
    };
    match difference(&decode(&ours), &decode(&theirs)) {
        Some(d) => t.failures.push(format!("{label}: {d}")),
        None => t.coeffs_equal += 1,
    }
    // Sequential with the standard tables, or with one component: the same file. With
    // optimal tables and three components, jtool picks whichever luma/chroma table split
    // costs the fewest bits, often one shared pair where cjpeg writes two, and then the
    // files differ in DHT and scan bytes only: counted, not failed. Progressive scripts
    // differ too.
    if scan_data(&ours) == scan_data(&theirs) {
        t.scans_equal += 1;
    }
    if ours == theirs {
        t.files_equal += 1;
    } else if opts.mode == CodingMode::Sequential
        && (opts.huffman == HuffmanChoice::Standard || img.channels == 1 || opts.params.grayscale)
    {
        t.failures
            .push(format!("{label}: coefficients equal but the files differ"));
    } else if std::env::var_os("PENC_DEBUG").is_some() {
        let shape = |b: &[u8]| {
            normalized(b)
                .iter()
                .map(|(m, body)| (*m, body.len()))
                .collect::<Vec<_>>()
        };
        eprintln!(
            "note: {label}: file differs: ours {:?} cjpeg {:?}",
            shape(&ours),
            shape(&theirs)
        );
    }
}

#[test]
fn coefficients_equal_cjpeg() {
    let (Some(cjpeg), Some(djpeg)) = (tool("cjpeg"), tool("djpeg")) else {
        return;
    };
    let mut t = Tally::default();
    let qualities = [1u8, 10, 23, 24, 25, 50, 75, 85, 90, 95, 100];
    let samplings = [
        Sampling::S444,
        Sampling::S422,
        Sampling::S420,
        Sampling::S440,
    ];
    for (name, input) in images(&djpeg) {
        let img = read_image(&input).expect("read image");
        for &q in &qualities {
            let qs = q.to_string();
            let base = PixelEncodeOptions {
                params: EncodeParams {
                    quality: q,
                    ..Default::default()
                },
                ..Default::default()
            };
            if img.channels == 1 {
                let args = ["-dct", "int", "-optimize", "-quality", &qs];
                check(&mut t, &cjpeg, &name, &input, &img, &base, &args);
                continue;
            }
            for &s in &samplings {
                let (h, v) = s.luma_factors();
                let sample = format!("{h}x{v}");
                let mut opts = base.clone();
                opts.params.sampling = s;
                let args = [
                    "-dct",
                    "int",
                    "-optimize",
                    "-quality",
                    &qs,
                    "-sample",
                    &sample,
                ];
                check(&mut t, &cjpeg, &name, &input, &img, &opts, &args);
            }
            // -grayscale from RGB.
            let mut opts = base.clone();
            opts.params.grayscale = true;
            check(
                &mut t,
                &cjpeg,
                &name,
                &input,
                &img,
                &opts,
                &["-dct", "int", "-optimize", "-quality", &qs, "-grayscale"],
            );
        }
        // -baseline at low quality, standard Huffman tables, progressive.
        for q in ["1", "10", "20"] {
            let mut opts = PixelEncodeOptions::default();
            opts.params.quality = q.parse().unwrap();
            opts.params.force_baseline = true;
            check(
                &mut t,
                &cjpeg,
                &name,
                &input,
                &img,
                &opts,
                &["-dct", "int", "-optimize", "-baseline", "-quality", q],
            );
        }
        let mut opts = PixelEncodeOptions::default();
        opts.params.quality = 75;
        opts.huffman = HuffmanChoice::Standard;
        check(
            &mut t,
            &cjpeg,
            &name,
            &input,
            &img,
            &opts,
            &["-dct", "int", "-quality", "75"],
        );
        for q in ["30", "90"] {
            let mut opts = PixelEncodeOptions::default();
            opts.params.quality = q.parse().unwrap();
            opts.mode = CodingMode::Progressive;
            check(
                &mut t,
                &cjpeg,
                &name,
                &input,
                &img,
                &opts,
                &["-dct", "int", "-progressive", "-quality", q],
            );
        }
    }
    eprintln!(
        "pixel encoder vs cjpeg: {} cases, coefficients and tables identical in {}, files byte-identical in {}, scan data identical in {}",
        t.cases, t.coeffs_equal, t.files_equal, t.scans_equal
    );
    assert!(t.cases > 0);
    for f in &t.failures {
        eprintln!("MISMATCH {f}");
    }
    assert!(
        t.failures.is_empty(),
        "{} of {} cases differ from cjpeg",
        t.failures.len(),
        t.cases
    );
}

/// A table file of three tables as cjpeg -qtables reads it: entries from 1 to 1000
/// (16-bit tables unless -baseline clamps them), comments, commas and line breaks.
fn table_file() -> String {
    let mut text = String::from("# three tables, natural order\n");
    let mut x = 12345u32;
    for t in 0..3 {
        for i in 0..64 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let v = [1, 2, 5, 16, 40, 99, 255, 256, 300, 1000][(x >> 16) as usize % 10];
            // Table 0 stays 8-bit, so that a file using it alone is baseline.
            let v = if t == 0 { v.min(255) } else { v };
            let sep = if i % 8 == 7 { " # row\n" } else { ", " };
            text.push_str(&format!("{v}{sep}"));
        }
    }
    text
}

/// One cjpeg option set and the jtool options that should give the same file.
struct Case {
    args: Vec<String>,
    opts: PixelEncodeOptions,
}

fn case(args: &str, edit: impl FnOnce(&mut PixelEncodeOptions)) -> Case {
    let mut opts = PixelEncodeOptions {
        huffman: HuffmanChoice::Standard,
        ..Default::default()
    };
    edit(&mut opts);
    let mut all = vec!["-dct".to_string(), "int".into()];
    all.extend(args.split_whitespace().map(String::from));
    Case { args: all, opts }
}

/// cjpeg's `-quality` list with `-qtables` and `-qslots`, as jtool's CLI resolves them.
fn tables(
    qualities: &[u8],
    file: Option<&str>,
    slots: Option<[u8; 3]>,
    baseline: bool,
) -> QuantChoice {
    let mut q = QuantChoice::ijg(qualities, baseline);
    if let Some(text) = file {
        let t = parse_table_file(text.as_bytes()).unwrap();
        q = q.with_file_tables(&t, qualities, baseline).unwrap();
    }
    q.slots = slots;
    q
}

/// The option sets of [`cjpeg_colour_table_and_sampling_options`]; `qt` is the path of
/// [`table_file`]'s file.
fn option_cases(colour: bool, qt: &str) -> Vec<Case> {
    let text = table_file();
    let file = Some(text.as_str());
    let mut v = vec![
        case(&format!("-qtables {qt} -qslots 0,1,2"), |o| {
            o.quant = Some(tables(&[], file, Some([0, 1, 2]), false))
        }),
        case(
            &format!("-quality 30,60,90 -qtables {qt} -qslots 2,0,1"),
            |o| o.quant = Some(tables(&[30, 60, 90], file, Some([2, 0, 1]), false)),
        ),
        case(&format!("-baseline -qtables {qt} -qslots 1,2"), |o| {
            o.quant = Some(tables(&[], file, Some([1, 2, 2]), true))
        }),
        case("-quality 20,90 -restart 2", |o| {
            o.quant = Some(tables(&[20, 90], None, None, false));
            o.restart_rows = 2;
        }),
        case("-quality 95 -restart 3 -progressive", |o| {
            o.params.quality = 95;
            o.restart_rows = 3;
            o.mode = CodingMode::Progressive;
            o.huffman = HuffmanChoice::Optimal;
        }),
        // The fast forward DCT: its steps q·s(u)·s(v) include 1 and 2 at quality 100.
        case("-dct fast -quality 90", |o| {
            o.params.quality = 90;
            o.params.dct = DctMethod::Fast;
        }),
        case("-dct fast -quality 100 -sample 1x1", |o| {
            o.params.quality = 100;
            o.params.sampling = Sampling::S444;
            o.params.dct = DctMethod::Fast;
        }),
        case(&format!("-dct fast -qtables {qt} -qslots 0,1,2"), |o| {
            o.quant = Some(tables(&[], file, Some([0, 1, 2]), false));
            o.params.dct = DctMethod::Fast;
        }),
        // Input smoothing: full-size and 2x2 subsampled components, the last iMCU
        // row's rows below the image smoothed too.
        case("-smooth 30", |o| o.params.smoothing = 30),
        case("-smooth 100 -sample 1x1 -quality 90", |o| {
            o.params.smoothing = 100;
            o.params.sampling = Sampling::S444;
            o.params.quality = 90;
        }),
        // The floating-point one, rounded as libjpeg-turbo's SSE2 quantization rounds.
        case("-dct float -quality 80", |o| {
            o.params.quality = 80;
            o.params.dct = DctMethod::Float;
        }),
        case("-dct float -quality 100 -sample 1x1", |o| {
            o.params.quality = 100;
            o.params.sampling = Sampling::S444;
            o.params.dct = DctMethod::Float;
        }),
        case(&format!("-dct float -qtables {qt} -qslots 0,1,2"), |o| {
            o.quant = Some(tables(&[], file, Some([0, 1, 2]), false));
            o.params.dct = DctMethod::Float;
        }),
    ];
    if !colour {
        return v;
    }
    v.push(case("-smooth 7 -sample 2x1 -progressive", |o| {
        o.params.smoothing = 7;
        o.params.sampling = Sampling::S422;
        o.mode = CodingMode::Progressive;
        o.huffman = HuffmanChoice::Optimal;
    }));
    // Smoothing puts libjpeg in context mode for every component: the rows below the
    // image of one it cannot smooth (1x3, 4x2) are downsampled from copies of the last
    // image row, not copies of its last downsampled row.
    for (s, f) in [("1x3", 20), ("4x2", 50)] {
        v.push(case(&format!("-smooth {f} -sample {s}"), |o| {
            o.params.smoothing = f;
            o.params.sampling = Sampling::parse(s).unwrap();
        }));
    }
    for s in [
        "4x1",
        "1x4",
        "3x1",
        "4x2",
        "1x1,2x2,1x1",
        "2x1,1x1,2x1",
        "2x2,1x2,2x1",
    ] {
        v.push(case(&format!("-sample {s}"), |o| {
            o.params.sampling = Sampling::parse(s).unwrap()
        }));
    }
    // cjpeg's RGB default is 1x1 throughout (jtool's CLI does the same; the library
    // takes the factors it is given).
    let rgb = |o: &mut PixelEncodeOptions| {
        o.params.rgb = true;
        o.params.sampling = Sampling::S444;
    };
    v.push(case("-rgb", rgb));
    v.push(case("-rgb -optimize -sample 2x1,1x1,1x2", |o| {
        o.params.rgb = true;
        o.params.sampling = Sampling::parse("2x1,1x1,1x2").unwrap();
        o.huffman = HuffmanChoice::Optimal;
    }));
    v.push(case("-rgb -progressive -quality 85", |o| {
        rgb(o);
        o.params.quality = 85;
        o.mode = CodingMode::Progressive;
        o.huffman = HuffmanChoice::Optimal;
    }));
    v.push(case(
        &format!("-rgb -qtables {qt} -qslots 0,1,2 -sample 1x2"),
        |o| {
            o.params.rgb = true;
            o.params.sampling = Sampling::S440;
            o.quant = Some(tables(&[], file, Some([0, 1, 2]), false));
        },
    ));
    v
}

/// cjpeg's options beyond quality and the four usual samplings: -rgb, -sample with
/// any integer factors, -quality lists, -qtables, -qslots, -restart in rows. Sequential
/// files with the standard Huffman tables must be byte-identical; the others must have
/// cjpeg's tables and coefficients.
#[test]
fn cjpeg_colour_table_and_sampling_options() {
    let (Some(cjpeg), Some(djpeg)) = (tool("cjpeg"), tool("djpeg")) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let qt = dir.path().join("tables.txt");
    std::fs::write(&qt, table_file()).unwrap();
    let qt = qt.to_str().unwrap();
    let mut t = Tally::default();
    for (name, input) in images(&djpeg) {
        let img = read_image(&input).expect("read image");
        for c in option_cases(img.channels == 3, qt) {
            let args: Vec<&str> = c.args.iter().map(String::as_str).collect();
            check(&mut t, &cjpeg, &name, &input, &img, &c.opts, &args);
        }
    }
    eprintln!(
        "cjpeg options: {} cases, coefficients and tables identical in {}, files byte-identical in {}",
        t.cases, t.coeffs_equal, t.files_equal
    );
    assert!(t.cases > 0);
    report_failures(
        &format!(
            "{} of {} cases differ from cjpeg",
            t.failures.len(),
            t.cases
        ),
        &t.failures,
    );
}

/// BMP input as cjpeg reads it: the test images written as Windows and OS/2 bitmaps
/// (24-bit, or 8-bit with a gray colour map), 32-bit pixels, and colour-mapped images
/// whose map is gray (a gray JPEG), inverted gray, or coloured (RGB): the same file as
/// cjpeg's from the same bitmap.
#[test]
fn bmp_input_equals_cjpegs() {
    use jtool::pixels::bmp::{encode_bmp, BmpKind};
    let (Some(cjpeg), Some(djpeg)) = (tool("cjpeg"), tool("djpeg")) else {
        return;
    };
    let mut bitmaps: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, input) in images(&djpeg) {
        let img = read_image(&input).expect("read image");
        for kind in [BmpKind::Windows, BmpKind::Os2] {
            bitmaps.push((
                format!("{name} {kind:?}"),
                encode_bmp(&img, kind, None).unwrap(),
            ));
        }
    }
    // Colour-mapped and 32-bit bitmaps, written here field by field.
    let (w, h) = (13u32, 7u32);
    let index: Vec<u8> = (0..w * h).map(|i| (i * 19 % 200) as u8).collect();
    type Map = fn(u8) -> [u8; 3];
    let maps: [(&str, Map); 3] = [
        ("gray map", |i| [i, i, i]),
        ("inverted gray map", |i| [255 - i, 255 - i, 255 - i]),
        ("colour map", |i| [i, i.wrapping_mul(3), 255 - i]),
    ];
    for (name, map) in maps {
        bitmaps.push((name.into(), bitmap(w, h, 8, &index, Some(map))));
    }
    let rgbx: Vec<u8> = (0..w * h * 4).map(|i| (i * 7 % 256) as u8).collect();
    bitmaps.push(("32-bit".into(), bitmap(w, h, 32, &rgbx, None)));
    let mut failures = Vec::new();
    for (name, bmp) in &bitmaps {
        let (code, theirs, err) = run_with_stdin(&cjpeg, &["-dct", "int"], bmp);
        assert!(code == 0, "{name}: cjpeg failed: {err}");
        let opts = PixelEncodeOptions {
            huffman: HuffmanChoice::Standard,
            ..Default::default()
        };
        match jtool::pipeline::encode_image_file(bmp, &opts) {
            Ok(ours) if ours == theirs => {}
            r => failures.push(format!("{name}: {:?}", r.err())),
        }
    }
    report_failures(&format!("BMP input: {} bitmaps", bitmaps.len()), &failures);
}

/// GIF and Targa files written here field by field (every layout cjpeg reads: global and
/// local colour tables, gray tables, interlaced rows, an image smaller than the screen
/// with transparency; Targa colour-mapped, true-colour and gray, plain and run-length
/// coded, 8 to 32 bits, bottom-up and top-down): jtool reads the pixels cjpeg reads, so
/// the files encode to the same bytes.
#[test]
fn gif_and_targa_input_equal_cjpegs() {
    let Some(cjpeg) = tool("cjpeg") else {
        return;
    };
    let mut next = {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    };
    let (w, h) = (29usize, 17usize);
    let mut files: Vec<(String, Vec<u8>, &[&str])> = Vec::new();
    let colours: Vec<[u8; 3]> = (0..40)
        .map(|_| {
            let v = next();
            [v as u8, (v >> 8) as u8, (v >> 16) as u8]
        })
        .collect();
    let grays: Vec<[u8; 3]> = (0..16).map(|i| [i * 17; 3]).collect();
    let mut gray_but_one = grays.clone();
    gray_but_one[15] = [200, 10, 10];
    let px = |n: usize, next: &mut dyn FnMut() -> u64| -> Vec<u8> {
        (0..w * h).map(|_| (next() % n as u64) as u8).collect()
    };
    for (name, table, n, layout) in [
        ("colour", &colours, 40, GifLayout::default()),
        ("gray", &grays, 16, GifLayout::default()),
        (
            "gray but an unused entry",
            &gray_but_one,
            15,
            GifLayout::default(),
        ),
        (
            "interlaced",
            &colours,
            40,
            GifLayout {
                interlaced: true,
                ..Default::default()
            },
        ),
        (
            "local table",
            &colours,
            40,
            GifLayout {
                local: true,
                ..Default::default()
            },
        ),
        (
            "small image on a screen",
            &colours,
            40,
            GifLayout {
                screen: Some((60, 50)),
                transparent: Some(3),
                ..Default::default()
            },
        ),
    ] {
        let index = px(n, &mut next);
        files.push((format!("GIF {name}"), gif(w, h, table, &index, layout), &[]));
    }
    for kind in [2u8, 10] {
        for bits in [15u8, 16, 24, 32] {
            let bytes = usize::from(bits).div_ceil(8);
            let p: Vec<u8> = (0..w * h * bytes)
                .map(|i| if i % 7 < 3 { 9 } else { next() as u8 })
                .collect();
            for top in [false, true] {
                files.push((
                    format!("Targa {kind} {bits}-bit top {top}"),
                    targa(w, h, kind, bits, &p, None, top),
                    &["-targa"],
                ));
            }
        }
    }
    for kind in [3u8, 11, 1, 9] {
        let mapped = kind & 7 == 1;
        let p: Vec<u8> = (0..w * h)
            .map(|i| if i % 5 < 2 { 7 } else { (next() % 40) as u8 })
            .collect();
        let map = mapped.then_some(colours.as_slice());
        files.push((
            format!("Targa {kind}"),
            targa(w, h, kind, 8, &p, map, false),
            &["-targa"],
        ));
    }
    let mut failures = Vec::new();
    for (name, file, flags) in &files {
        let mut args = vec!["-dct", "int"];
        args.extend_from_slice(flags);
        let (code, theirs, err) = run_with_stdin(&cjpeg, &args, file);
        assert!(code == 0, "{name}: cjpeg failed: {err}");
        let opts = PixelEncodeOptions {
            huffman: HuffmanChoice::Standard,
            ..Default::default()
        };
        match jtool::pipeline::encode_image_file(file, &opts) {
            Ok(ours) if ours == theirs => {}
            r => failures.push(format!("{name}: {:?}", r.err())),
        }
    }
    report_failures(
        &format!("GIF and Targa input: {} files", files.len()),
        &failures,
    );
}

/// How [`gif`] lays the image out.
#[derive(Default, Clone, Copy)]
struct GifLayout {
    interlaced: bool,
    local: bool,
    screen: Option<(u16, u16)>,
    transparent: Option<u8>,
}

/// A GIF89a file of one `w`×`h` image with colour table `table` and pixel indexes
/// `index` (top row first). The LZW data codes every index as a literal, with a clear
/// code before the table would grow a bit (a valid, if uncompressed, code stream).
fn gif(w: usize, h: usize, table: &[[u8; 3]], index: &[u8], l: GifLayout) -> Vec<u8> {
    let size = (1..=8).find(|&s| 1usize << s >= table.len()).unwrap_or(8);
    let mut tbl: Vec<u8> = table.iter().flatten().copied().collect();
    tbl.resize(3 << size, 0);
    let (sw, sh) = l.screen.unwrap_or((w as u16, h as u16));
    let mut out = b"GIF89a".to_vec();
    out.extend_from_slice(&sw.to_le_bytes());
    out.extend_from_slice(&sh.to_le_bytes());
    match l.local {
        true => out.extend_from_slice(&[0, 0, 0]),
        false => {
            out.extend_from_slice(&[0x80 | (size as u8 - 1), 0, 0]);
            out.extend_from_slice(&tbl);
        }
    }
    if let Some(t) = l.transparent {
        out.extend_from_slice(&[0x21, 0xF9, 4, 1, 0, 0, t, 0]);
    }
    let at: u16 = if l.screen.is_some() { 5 } else { 0 };
    out.push(0x2C);
    for v in [at, at, w as u16, h as u16] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    let flags =
        if l.local { 0x80 | (size as u8 - 1) } else { 0 } | if l.interlaced { 0x40 } else { 0 };
    out.push(flags);
    if l.local {
        out.extend_from_slice(&tbl);
    }
    let rows: Vec<usize> = match l.interlaced {
        true => [(0, 8), (4, 8), (2, 4), (1, 2)]
            .iter()
            .flat_map(|&(s, d)| (s..h).step_by(d))
            .collect(),
        false => (0..h).collect(),
    };
    let min_code = size.max(2);
    let clear = 1u32 << min_code;
    let mut codes = vec![clear];
    for (n, &i) in rows
        .iter()
        .flat_map(|&y| &index[y * w..(y + 1) * w])
        .enumerate()
    {
        if n > 0 && n % ((1 << min_code) - 2) == 0 {
            codes.push(clear);
        }
        codes.push(u32::from(i));
    }
    codes.push(clear + 1);
    let (mut data, mut acc, mut bits) = (Vec::new(), 0u32, 0);
    for c in codes {
        acc |= c << bits;
        bits += min_code + 1;
        while bits >= 8 {
            data.push(acc as u8);
            acc >>= 8;
            bits -= 8;
        }
    }
    if bits > 0 {
        data.push(acc as u8);
    }
    out.push(min_code as u8);
    for chunk in data.chunks(255) {
        out.push(chunk.len() as u8);
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&[0, b';']);
    out
}

/// A Targa file of type `kind` with `bits`-bit pixels `px` (stored bytes, top row
/// first), colour map `map` (for types 1 and 9), rows top-down or bottom-up; the
/// run-length types code runs of equal pixels as runs (across rows) and the rest as
/// literal packets.
fn targa(
    w: usize,
    h: usize,
    kind: u8,
    bits: u8,
    px: &[u8],
    map: Option<&[[u8; 3]]>,
    top: bool,
) -> Vec<u8> {
    let bpp = usize::from(bits).div_ceil(8);
    let map_len = map.map_or(0, <[_]>::len) as u16;
    let mut out = vec![0, u8::from(map.is_some()), kind, 0, 0];
    out.extend_from_slice(&map_len.to_le_bytes());
    out.push(if map.is_some() { 24 } else { 0 });
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(w as u16).to_le_bytes());
    out.extend_from_slice(&(h as u16).to_le_bytes());
    out.extend_from_slice(&[bits, if top { 0x20 } else { 0 }]);
    for e in map.unwrap_or(&[]) {
        out.extend_from_slice(&[e[2], e[1], e[0]]);
    }
    let rows: Vec<&[u8]> = px.chunks_exact(w * bpp).collect();
    let stored: Vec<&[u8]> = match top {
        true => rows,
        false => rows.into_iter().rev().collect(),
    };
    let pixels: Vec<&[u8]> = stored.iter().flat_map(|r| r.chunks_exact(bpp)).collect();
    if kind < 9 {
        pixels.iter().for_each(|p| out.extend_from_slice(p));
        return out;
    }
    let mut i = 0;
    while i < pixels.len() {
        let run = pixels[i..]
            .iter()
            .take(128)
            .take_while(|&&p| p == pixels[i])
            .count();
        if run > 1 {
            out.push(0x80 | (run - 1) as u8);
            out.extend_from_slice(pixels[i]);
            i += run;
            continue;
        }
        let lit = (1..pixels.len() - i)
            .take(127)
            .take_while(|&k| pixels[i + k] != pixels[i + k - 1])
            .count()
            + 1;
        out.push((lit - 1) as u8);
        pixels[i..i + lit]
            .iter()
            .for_each(|p| out.extend_from_slice(p));
        i += lit;
    }
    out
}

/// A bottom-up Windows bitmap: `bits` 8 (with the colour map `map` of 256 entries, given
/// as R, G, B) or 32; `px` holds the indexes or B, G, R, X bytes, top row first.
fn bitmap(w: u32, h: u32, bits: u16, px: &[u8], map: Option<fn(u8) -> [u8; 3]>) -> Vec<u8> {
    let bpp = usize::from(bits / 8);
    let stride = (w as usize * bpp).div_ceil(4) * 4;
    let cmap: Vec<u8> = map.map_or(Vec::new(), |m| {
        (0..=255u8)
            .flat_map(|i| {
                let [r, g, b] = m(i);
                [b, g, r, 0]
            })
            .collect()
    });
    let offset = 54 + cmap.len();
    let mut out = b"BM".to_vec();
    out.extend_from_slice(&((offset + stride * h as usize) as u32).to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(offset as u32).to_le_bytes());
    out.extend_from_slice(&40u32.to_le_bytes());
    out.extend_from_slice(&w.to_le_bytes());
    out.extend_from_slice(&h.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&bits.to_le_bytes());
    out.extend_from_slice(&[0; 24]);
    out.extend_from_slice(&cmap);
    for row in px.chunks_exact(w as usize * bpp).rev() {
        out.extend_from_slice(row);
        out.resize(out.len() + stride - row.len(), 0);
    }
    out
}

/// Sequential output with standard tables is streamed row by row (on worker threads
/// or not); it must equal the whole-image path: all coefficients, then
/// `entropy::encode`.
#[test]
fn streamed_standard_output_equals_whole_image_path() {
    let sizes = [(1, 1), (7, 5), (17, 33), (40, 16), (67, 45), (130, 9)];
    let samplings = [
        Sampling::S420,
        Sampling::S422,
        Sampling::S440,
        Sampling::S444,
    ];
    let mut n = 0u32;
    for &(w, h) in &sizes {
        for channels in [1usize, 3] {
            for &sampling in &samplings {
                for (restart, threads, gray) in [(0u16, 0usize, false), (3, 2, false), (1, 3, true)]
                {
                    n += 1;
                    let img = synthetic(w, h, channels, n);
                    let params = EncodeParams {
                        quality: [90, 50, 100][n as usize % 3],
                        sampling,
                        grayscale: gray,
                        threads,
                        ..EncodeParams::default()
                    };
                    let opts = PixelEncodeOptions {
                        params,
                        mode: CodingMode::Sequential,
                        huffman: HuffmanChoice::Standard,
                        restart_interval: restart,
                        ..Default::default()
                    };
                    let streamed = encode_pixels(&img, &opts).unwrap();
                    let coeffs = jtool::pixels::encode_coefficients(&img, &params).unwrap();
                    let enc = entropy::EncodeOptions {
                        mode: CodingMode::Sequential,
                        huffman: HuffmanChoice::Standard,
                        restart_interval: restart,
                        restart_rows: 0,
                        scan_script: None,
                        table_numbering: entropy::TableNumbering::LumaChroma,
                        threads: 1,
                    };
                    let whole = entropy::encode(&coeffs, &enc).unwrap();
                    // SOI (2) + APP0 (18) before, EOI (2) after.
                    assert_eq!(
                        &streamed[20..streamed.len() - 2],
                        &whole[..],
                        "{w}x{h}x{channels} {sampling:?} restart {restart} threads {threads} gray {gray}"
                    );
                }
            }
        }
    }
}
