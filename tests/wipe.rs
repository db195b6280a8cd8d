//! `jtool wipe` against `jpegtran -wipe`: for every file jpegtran accepts and a few
//! regions each, `djpeg -dct int` of both outputs must be identical, jtool must refuse
//! exactly the regions jpegtran refuses, and every block outside the wiped iMCUs must
//! keep its coefficients. The Exif, JFXX and Photoshop thumbnails are wiped too
//! (jpegtran leaves them showing the region); the MPF images after EOI are checked in
//! `multi_picture.rs`.

mod common;

use common::*;
use jtool::pipeline::{wipe, CopyOptions};
use jtool::transform::{wipe_plan, CropSpec};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Regions for a `w`×`h` image: a pixel at the corner, the middle third, the
/// bottom-right corner from the far edges, the whole image, and one past the edge.
fn regions(w: u32, h: u32) -> Vec<String> {
    vec![
        "1x1+0+0".into(),
        format!("{}x{}+{}+{}", (w / 3).max(1), (h / 3).max(1), w / 3, h / 3),
        format!("{}x{}-0-0", (w / 4).max(1), (h / 5).max(1)),
        format!("{w}x{h}+0+0"),
        format!("2x2+{}+0", w.saturating_sub(1)),
    ]
}

/// The real blocks of each component.
fn blocks(b: &[u8]) -> Vec<Vec<[i16; 64]>> {
    let f = jtool::container::JpegFile::parse(b).unwrap();
    let d = jtool::entropy::decode(&f, &Default::default()).unwrap();
    let g = d.image.geometry();
    (0..d.image.components.len())
        .map(|i| {
            let (w, h) = g.real_blocks(i);
            let p = &d.image.components[i].plane;
            (0..h)
                .flat_map(|y| (0..w).map(move |x| *p.block(x, y)))
                .collect()
        })
        .collect()
}

#[test]
fn wipe_matches_jpegtran() {
    let (Some(jt), Some(dj)) = (tool("jpegtran"), tool("djpeg")) else {
        return;
    };
    let files = jpegtran_files();
    let cases = AtomicUsize::new(0);
    let failures = parallel(&files, |(path, w, h)| {
        let data = std::fs::read(path).unwrap();
        let mut fails = Vec::new();
        for g in regions(*w, *h) {
            let spec = CropSpec::parse(&g).unwrap();
            let what = format!("{} -wipe {g}", path.display());
            let mine = wipe(&data, &spec, &CopyOptions::default());
            let (code, theirs, _) = run_with_stdin(&jt, &["-copy", "all", "-wipe", &g], &data);
            cases.fetch_add(1, Ordering::Relaxed);
            let m = match (mine, code == 0 || code == 2) {
                (Ok(m), true) => m.bytes,
                (Err(_), false) => continue,
                (Ok(_), false) => {
                    fails.push(format!("{what}: jpegtran refused, jtool did not"));
                    continue;
                }
                (Err(e), true) => {
                    fails.push(format!("{what}: jtool failed: {e}"));
                    continue;
                }
            };
            if djpeg(&dj, &m) != djpeg(&dj, &theirs) {
                fails.push(format!("{what}: pixels differ"));
            }
            // Outside the wiped iMCUs every block is the input's; inside, zero.
            let r = jtool::inspect::inspect(&data).unwrap();
            let f = r.frame.unwrap();
            let factors: Vec<(u8, u8)> = f.components.iter().map(|c| (c.h, c.v)).collect();
            let rects = wipe_plan(*w, *h, &factors, &spec).unwrap();
            let (before, after) = (blocks(&data), blocks(&m));
            let geometry = jtool::coeffs::CoefficientImage::zeroed(
                *w,
                *h,
                8,
                &f.components
                    .iter()
                    .map(|c| (c.id, c.h, c.v, 0))
                    .collect::<Vec<_>>(),
            )
            .geometry();
            for (c, rect) in rects.iter().enumerate() {
                let bw = geometry.real_blocks(c).0;
                for (i, (a, b)) in before[c].iter().zip(&after[c]).enumerate() {
                    let (x, y) = (i % bw, i / bw);
                    let inside = (rect.x0..rect.x1).contains(&x) && (rect.y0..rect.y1).contains(&y);
                    let want = if inside { [0; 64] } else { *a };
                    if *b != want {
                        fails.push(format!("{what}: component {c} block ({x}, {y})"));
                        break;
                    }
                }
            }
        }
        fails
    });
    report_failures(
        &format!(
            "wipe: {} requests on {} files",
            cases.load(Ordering::Relaxed),
            files.len()
        ),
        &failures,
    );
}

/// The Exif thumbnail of a camera file is wiped at its own scale, and the command line
/// takes jpegtran's geometry or --x/--y/--width/--height, refusing regions outside.
#[test]
fn wipe_reaches_the_thumbnail_and_the_command_line() {
    let input = testdata_dir().join("meta_420_67x45.jpg");
    let data = std::fs::read(&input).unwrap();
    let thumb = |b: &[u8]| {
        let f = jtool::container::JpegFile::parse(b).unwrap();
        let exif = f
            .segments()
            .find(|s| jtool::container::classify(s) == jtool::container::MetaClass::Exif)
            .map(|s| s.body.to_vec());
        exif.and_then(|e| {
            jtool::container::edit::exif_thumbnail(&e).map(|(at, len)| e[at..at + len].to_vec())
        })
    };
    let spec = CropSpec::parse("20x20+10+10").unwrap();
    let out = wipe(&data, &spec, &CopyOptions::default()).unwrap();
    let before = thumb(&data).expect("the testdata file has an Exif thumbnail");
    let after = thumb(&out.bytes).expect("thumbnail kept");
    assert_ne!(before, after, "thumbnail wiped");
    assert!(blocks(&after).iter().flatten().any(|b| *b == [0; 64]));
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join("a.jpg");
    let b = d.path().join("b.jpg");
    let run = |args: &[&str], out: &std::path::Path| {
        assert_cmd::Command::cargo_bin("jtool")
            .unwrap()
            .arg("wipe")
            .args(args)
            .arg(&input)
            .arg(out)
            .assert()
    };
    run(&["--geometry", "20x20+10+10"], &a).success().stderr("");
    run(
        &["--x", "10", "--y", "10", "--width", "20", "--height", "20"],
        &b,
    )
    .success()
    .stderr("");
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert_eq!(std::fs::read(&a).unwrap(), out.bytes);
    let c = d.path().join("c.jpg");
    run(&["--geometry", "20x20+60+10"], &c).code(1);
    assert!(!c.exists());
}

/// `segment` (marker, body) inserted after SOI.
fn with_segment(data: &[u8], marker: u8, body: &[u8]) -> Vec<u8> {
    let mut out = data[..2].to_vec();
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(body);
    out.extend_from_slice(&data[2..]);
    out
}

/// A Photoshop APP13 body holding `jpeg` as its thumbnail (image resource 1036).
fn photoshop_body(jpeg: &[u8], w: u32, h: u32) -> Vec<u8> {
    let mut data = Vec::new();
    let row = (w * 24).div_ceil(32) * 4;
    for v in [1, w, h, row, row * h, jpeg.len() as u32] {
        data.extend_from_slice(&v.to_be_bytes());
    }
    data.extend_from_slice(&[0, 24, 0, 1]);
    data.extend_from_slice(jpeg);
    let mut body = b"Photoshop 3.0\08BIM\x04\x0c\0\0".to_vec();
    body.extend_from_slice(&(data.len() as u32).to_be_bytes());
    body.extend_from_slice(&data);
    if data.len() % 2 == 1 {
        body.push(0);
    }
    body
}

/// The body of the first segment of `class`.
fn segment_body(data: &[u8], class: jtool::container::MetaClass) -> Vec<u8> {
    let f = jtool::container::JpegFile::parse(data).unwrap();
    let body = f
        .segments()
        .find(|s| jtool::container::classify(s) == class)
        .map(|s| s.body.to_vec());
    body.unwrap_or_else(|| panic!("no {class:?} segment"))
}

fn zero_blocks(jpeg: &[u8]) -> usize {
    blocks(jpeg)
        .iter()
        .flatten()
        .filter(|b| **b == [0; 64])
        .count()
}

/// The JFXX thumbnails (a JPEG one and an RGB one) and the Photoshop thumbnail are
/// wiped at their scale too, their segments otherwise kept; without a warning.
#[test]
fn wipe_reaches_jfxx_and_photoshop_thumbnails() {
    use jtool::container::edit::irb_thumbnail;
    use jtool::container::MetaClass;
    let base = std::fs::read(testdata_dir().join("baseline_420_q85_67x45.jpg")).unwrap();
    let thumb = std::fs::read(testdata_dir().join("prog_rst2b_444_33x17.jpg")).unwrap();
    let (rw, rh) = (16usize, 8usize);
    let rgb: Vec<u8> = (0..rw * rh * 3).map(|i| (i * 7 % 251) as u8).collect();
    let jfxx_jpeg = [&b"JFXX\0\x10"[..], &thumb].concat();
    let jfxx_rgb = [&b"JFXX\0\x13"[..], &[rw as u8, rh as u8], &rgb].concat();
    let spec = CropSpec::parse("20x20+10+10").unwrap();
    // A JPEG in a JFXX segment and in a Photoshop one.
    for (marker, body) in [(0xE0, jfxx_jpeg), (0xED, photoshop_body(&thumb, 33, 17))] {
        let data = with_segment(&base, marker, &body);
        let out = wipe(&data, &spec, &CopyOptions::default()).unwrap();
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let (class, at) = if marker == 0xE0 {
            (MetaClass::Jfxx, 6)
        } else {
            let b = segment_body(&out.bytes, MetaClass::Photoshop);
            (MetaClass::Photoshop, irb_thumbnail(&b).unwrap().0)
        };
        let new = segment_body(&out.bytes, class);
        // The segment's header (to the resource's size for Photoshop) is kept.
        let kept = if marker == 0xE0 { 6 } else { 22 };
        assert_eq!(new[..kept], body[..kept], "{class:?}: header kept");
        let wiped = &new[at..];
        assert!(zero_blocks(wiped) > zero_blocks(&thumb), "{class:?}: wiped");
        assert_eq!(
            blocks(wiped).iter().map(Vec::len).collect::<Vec<_>>(),
            blocks(&thumb).iter().map(Vec::len).collect::<Vec<_>>()
        );
    }
    // RGB samples: the region scaled outward (x 2..8, y 1..6 of 16×8) turns gray.
    let data = with_segment(&base, 0xE0, &jfxx_rgb);
    let out = wipe(&data, &spec, &CopyOptions::default()).unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let new = segment_body(&out.bytes, MetaClass::Jfxx);
    assert_eq!(new.len(), jfxx_rgb.len());
    for y in 0..rh {
        for x in 0..rw {
            let i = 8 + 3 * (y * rw + x);
            let inside = (2..8).contains(&x) && (1..6).contains(&y);
            let want = if inside {
                [128; 3]
            } else {
                [rgb[i - 8], rgb[i - 7], rgb[i - 6]]
            };
            assert_eq!(new[i..i + 3], want, "pixel {x},{y}");
        }
    }
}
