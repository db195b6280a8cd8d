//! The Exif, Photoshop and JFXX thumbnails follow lossless edits (jpegtran leaves them as
//! they were): after a rotation, flip, crop or grayscale conversion they must show the output
//! image. Checked on `testdata/meta_420_67x45.jpg` (a 24×16 Exif thumbnail of a 67×45
//! image) and on every corpus file with a thumbnail: the new thumbnail has the old one's
//! box turned with the image and the output's aspect ratio, and its pixels are the
//! output's, reduced.

mod common;

use common::*;
use jtool::container::edit::{exif_thumbnail, irb_thumbnail};
use jtool::container::{classify, JpegFile, KeepPolicy, MetaClass};
use jtool::pipeline::pixels::decode_file;
use jtool::pipeline::{self, transform, CopyOptions, TransformOptions};
use jtool::pixels::preview::area_reduce;
use jtool::pixels::PixelImage;
use jtool::transform::{CropSpec, Orientation, Request};

/// The Exif thumbnail of a file, if it has one.
fn thumbnail(data: &[u8]) -> Option<Vec<u8>> {
    let f = JpegFile::parse(data).ok()?;
    let exif = f.segments().find(|s| classify(s) == MetaClass::Exif)?;
    let (at, len) = exif_thumbnail(exif.body)?;
    Some(exif.body[at..at + len].to_vec())
}

/// A file's thumbnail of one kind, if it has one.
type Extract = fn(&[u8]) -> Option<Vec<u8>>;

/// The Photoshop thumbnail (APP13 image resource 1036) of a file, if it has one.
fn photoshop_thumbnail(data: &[u8]) -> Option<Vec<u8>> {
    let f = JpegFile::parse(data).ok()?;
    let found = f
        .segments()
        .filter(|s| classify(s) == MetaClass::Photoshop)
        .find_map(|s| {
            let (at, len) = irb_thumbnail(s.body)?;
            Some(s.body[at..at + len].to_vec())
        });
    found
}

/// A JPEG's pixels, or a PPM's (the RGB JFXX thumbnails).
fn pixels(data: &[u8]) -> PixelImage {
    if data.starts_with(b"P6") {
        return jtool::pixels::image_io::read_pnm(data).unwrap();
    }
    pixels_of(data)
}

fn size(data: &[u8]) -> (u32, u32) {
    let p = pixels(data);
    (p.width, p.height)
}

/// PSNR of `thumb`'s pixels against `image`'s reduced to the thumbnail's size, as gray.
fn likeness(thumb: &[u8], image: &[u8]) -> f64 {
    likeness_of(&pixels(thumb), image)
}

fn likeness_of(t: &PixelImage, image: &[u8]) -> f64 {
    gray_psnr(t, &area_reduce(&pixels(image), t.width, t.height))
}

/// Whether every pixel of an RGB picture is gray (a JFXX RGB thumbnail of a gray image).
fn gray_rgb(p: &PixelImage) -> bool {
    p.channels == 3 && p.data.chunks_exact(3).all(|c| c[0] == c[1] && c[1] == c[2])
}

/// The JFXX thumbnail (JFIF 1.02 extension APP0) of a file as a JPEG: a JPEG one as it
/// is, an RGB one (code 0x13) written as PPM, which `pixels` reads too.
fn jfxx_jpeg(data: &[u8]) -> Option<Vec<u8>> {
    let f = JpegFile::parse(data).ok()?;
    let seg = f.segments().find(|s| classify(s) == MetaClass::Jfxx)?;
    let b = seg.body;
    match b.get(5)? {
        0x10 => Some(b[6..].to_vec()),
        0x13 => {
            let (w, h) = (usize::from(b[6]), usize::from(b[7]));
            let mut ppm = format!("P6\n{w} {h}\n255\n").into_bytes();
            ppm.extend_from_slice(b.get(8..8 + 3 * w * h)?);
            Some(ppm)
        }
        _ => None,
    }
}

fn request(orientation: Orientation, crop: Option<&str>, grayscale: bool) -> TransformOptions {
    TransformOptions {
        request: Request {
            orientation,
            crop: crop.map(|c| CropSpec::parse(c).unwrap()),
            grayscale,
            ..Request::default()
        },
        output: CopyOptions::default(),
        reset_orientation: false,
    }
}

/// Checks that the output of `opts` on `data` has a thumbnail showing it; returns the
/// likeness (dB) or a failure.
fn check(
    name: &str,
    data: &[u8],
    opts: &TransformOptions,
    via_pixels: bool,
) -> Result<f64, String> {
    let out = if via_pixels {
        pipeline::via_pixels::transform(data, opts)
    } else {
        transform(data, opts)
    }
    .map_err(|e| format!("{name}: {e}"))?;
    let kinds: [(&str, Extract); 3] = [
        ("Exif", thumbnail),
        ("Photoshop", photoshop_thumbnail),
        ("JFXX", jfxx_jpeg),
    ];
    let mut worst = None::<f64>;
    for (kind, get) in kinds {
        let Some(old) = get(data) else { continue };
        let new = get(&out.output.bytes).ok_or(format!("{name}: {kind} thumbnail lost"))?;
        let stale = format!("{kind} thumbnail could not be changed");
        if out
            .output
            .warnings
            .iter()
            .any(|w| w.to_string().contains(&stale))
        {
            return Err(format!("{name}: {kind} thumbnail left stale"));
        }
        let (old, new) = (pixels(&old), pixels(&new));
        let db = check_one(&format!("{name} ({kind})"), &old, &new, data, &out, opts)?;
        worst = Some(worst.map_or(db, |w| w.min(db)));
    }
    worst.ok_or(format!("{name}: no thumbnail"))
}

/// One thumbnail, `old` in `data` and `new` in the output `out` of `opts`: checked as
/// the module comment says; returns the new one's likeness.
fn check_one(
    name: &str,
    old: &PixelImage,
    new: &PixelImage,
    data: &[u8],
    out: &pipeline::Transformed,
    opts: &TransformOptions,
) -> Result<f64, String> {
    let (ow, oh) = (out.plan.width, out.plan.height);
    let (tw, th) = (old.width, old.height);
    let turned = if opts.request.orientation.parts().0 {
        (th, tw)
    } else {
        (tw, th)
    };
    let (nw, nh) = (new.width, new.height);
    // The old thumbnail turned (its own shape, letterbox bars and all), or a new one
    // inside the turned box, touching it on one side unless the output is small, with
    // the output's aspect ratio (to a pixel).
    let fits = nw <= turned.0 && nh <= turned.1 && (nw == turned.0 || nh == turned.1);
    let aspect = (f64::from(nw) / f64::from(nh) - f64::from(ow) / f64::from(oh)).abs()
        <= f64::from(ow) / f64::from(oh) * (1.0 / f64::from(nw.min(nh)) + 0.01);
    let small = ow / 8 < turned.0 || oh / 8 < turned.1;
    if (nw, nh) != turned && (!(fits || small) || !aspect) {
        return Err(format!(
            "{name}: thumbnail {nw}x{nh} for {ow}x{oh} (old {tw}x{th})"
        ));
    }
    if opts.request.grayscale && new.channels != 1 && !gray_rgb(new) {
        return Err(format!("{name}: colour thumbnail of a gray image"));
    }
    // As like the output as the old thumbnail was like the input (some cameras' are
    // letterboxed or framed differently; some files' were already stale).
    let db = likeness_of(new, &out.output.bytes);
    let before = likeness_of(old, data);
    if db < before.min(22.0) - 1.5 {
        return Err(format!(
            "{name}: thumbnail does not show the output ({db:.1} dB; the old one {before:.1} dB)"
        ));
    }
    Ok(db)
}

#[test]
fn the_thumbnail_follows_turns_crops_and_grayscale() {
    let data = std::fs::read(testdata_dir().join("meta_420_67x45.jpg")).unwrap();
    let mut failures = Vec::new();
    for o in TURNS {
        for crop in [None, Some("24x24+8+8")] {
            for via in [false, true] {
                let name = format!("{o:?} {crop:?} via_pixels={via}");
                if let Err(e) = check(&name, &data, &request(o, crop, false), via) {
                    failures.push(e);
                }
            }
        }
    }
    for crop in [None, Some("32x16+0+16")] {
        let name = format!("grayscale {crop:?}");
        if let Err(e) = check(
            &name,
            &data,
            &request(Orientation::Identity, crop, true),
            false,
        ) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn a_stale_thumbnail_fails_the_likeness_check() {
    // The check above must be able to tell: the old thumbnail of a file turned 180°
    // (same size) against the turned image.
    let data = std::fs::read(testdata_dir().join("meta_420_67x45.jpg")).unwrap();
    let out = transform(&data, &request(Orientation::Rot180, None, false)).unwrap();
    let new_db = likeness(&thumbnail(&out.output.bytes).unwrap(), &out.output.bytes);
    let stale_db = likeness(&thumbnail(&data).unwrap(), &out.output.bytes);
    eprintln!("rotated 180°: new thumbnail {new_db:.1} dB, old one {stale_db:.1} dB");
    assert!(stale_db + 6.0 < new_db, "{stale_db} vs {new_db}");
}

#[test]
fn an_unchanged_image_keeps_its_thumbnail_and_a_crop_erases_the_old_one() {
    let data = std::fs::read(testdata_dir().join("meta_420_67x45.jpg")).unwrap();
    let old = thumbnail(&data).unwrap();
    // Identity (copy through transform) and a crop of everything: the same thumbnail.
    for crop in [None, Some("67x45+0+0")] {
        let out = transform(&data, &request(Orientation::Identity, crop, false)).unwrap();
        assert_eq!(thumbnail(&out.output.bytes).unwrap(), old, "{crop:?}");
    }
    // A crop: the old thumbnail's entropy-coded bytes are nowhere in the output.
    let out = transform(
        &data,
        &request(Orientation::Identity, Some("16x16+0+0"), false),
    )
    .unwrap();
    let f = JpegFile::parse(&old).unwrap();
    let ecs = f.scans().next().unwrap().ecs;
    let old_data = &ecs[..ecs.len().min(64)];
    assert!(!out
        .output
        .bytes
        .windows(old_data.len())
        .any(|w| w == old_data));
    // Without Exif kept, nothing to follow and nothing to warn about.
    let mut o = request(Orientation::Rot90, None, false);
    o.output.keep = KeepPolicy::COLOUR;
    let out = transform(&data, &o).unwrap();
    assert!(thumbnail(&out.output.bytes).is_none());
    assert!(out.output.warnings.is_empty(), "{:?}", out.output.warnings);
}

#[test]
fn auto_orient_turns_the_thumbnail_upright_too() {
    // Orientation 6: the image and its thumbnail are stored turned 90° counter-clockwise.
    let data = std::fs::read(testdata_dir().join("meta_420_67x45.jpg")).unwrap();
    let out = pipeline::auto_orient(&data, &request(Orientation::Identity, None, false)).unwrap();
    let new = thumbnail(&out.output.bytes).unwrap();
    assert_eq!(size(&new), (16, 24));
    assert!(likeness(&new, &out.output.bytes) >= 22.0);
}

#[test]
fn corpus_thumbnails_follow_a_rotation_and_a_crop() {
    let Some(dir) = corpus_dir() else {
        eprintln!("corpus not present: skipped");
        return;
    };
    let files: Vec<_> = jpegs_in(&dir.join("valid"))
        .into_iter()
        .filter(|p| {
            let d = std::fs::read(p).unwrap();
            [thumbnail(&d), photoshop_thumbnail(&d), jfxx_jpeg(&d)]
                .iter()
                .flatten()
                .any(|t| t.starts_with(b"P6") || decode_file(t, &Default::default()).is_ok())
                && transform(&d, &request(Orientation::Rot90, None, false)).is_ok()
        })
        .collect();
    let (mut n, mut worst) = (0, f64::MAX);
    let failures = parallel(&files, |p| {
        let data = std::fs::read(p).unwrap();
        let (w, h) = size(&data);
        let crop = format!("{}x{}+{}+{}", (w / 2).max(1), (h / 3).max(1), w / 4, h / 3);
        let mut f = Vec::new();
        for (o, c) in [
            (Orientation::Rot90, None),
            (Orientation::Rot180, None),
            (Orientation::Identity, Some(crop.as_str())),
        ] {
            let name = format!("{} {o:?} {c:?}", p.display());
            if let Err(e) = check(&name, &data, &request(o, c, false), false) {
                f.push(e);
            }
        }
        f
    });
    for p in &files {
        let data = std::fs::read(p).unwrap();
        let out = transform(&data, &request(Orientation::Rot90, None, false)).unwrap();
        if let Some(t) = thumbnail(&out.output.bytes) {
            n += 1;
            worst = worst.min(likeness(&t, &out.output.bytes));
        }
    }
    let count = |get: Extract| {
        files
            .iter()
            .filter(|p| get(&std::fs::read(p).unwrap()).is_some())
            .count()
    };
    let (photoshop, jfxx) = (count(photoshop_thumbnail), count(jfxx_jpeg));
    eprintln!(
        "{} corpus files with a thumbnail ({photoshop} with a Photoshop one, {jfxx} with a JFXX one): {} failures; rotated 90°, the least alike Exif thumbnail is {worst:.1} dB ({n} files)",
        files.len(),
        failures.len()
    );
    report_failures("thumbnails", &failures);
}
