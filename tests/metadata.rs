//! Metadata consistency after lossless operations, read back with exiftool: auto-orient
//! resets Orientation, updates the pixel-dimension tags and rotates the thumbnail, and
//! leaves every other tag alone; strip never touches entropy-coded bytes.

mod common;

use common::*;
use jtool::container::{Item, JpegFile, KeepPolicy};
use jtool::entropy::{decode, Limits};
use jtool::pipeline::{auto_orient, strip, transform, CopyOptions, TransformOptions};
use jtool::transform::{EdgePolicy, Orientation, Request};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// exiftool's tags of `bytes` (group-qualified, numeric values).
fn exif_tags(exiftool: &Path, bytes: &[u8]) -> BTreeMap<String, Value> {
    let (code, out, err) = run_with_stdin(exiftool, &["-j", "-n", "-G1", "-"], bytes);
    assert_eq!(code, 0, "exiftool: {err}");
    let v: Value = serde_json::from_slice(&out).unwrap();
    v[0].as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn opts() -> TransformOptions {
    TransformOptions {
        request: Request::default(),
        output: CopyOptions::default(),
        reset_orientation: false,
    }
}

/// Tags that a geometry change is expected to change.
fn changes_with_geometry(tag: &str) -> bool {
    [
        "IFD0:Orientation",
        "IFD1:Orientation",
        "ExifIFD:ExifImageWidth",
        "ExifIFD:ExifImageHeight",
        "XMP-tiff:Orientation",
        "XMP-exif:ExifImageWidth",
        "XMP-exif:ExifImageHeight",
        "XMP-tiff:ImageWidth",
        "XMP-tiff:ImageHeight",
        "File:ImageWidth",
        "File:ImageHeight",
        "Composite:ImageSize",
        "IFD1:ThumbnailLength",
        "IFD1:ThumbnailOffset",
        "IFD1:ThumbnailImage",
        "File:YCbCrSubSampling",
        "File:EncodingProcess",
        "ExifTool:Warning",
        "File:FileSize",
        "System:FileSize",
        "SourceFile",
    ]
    .contains(&tag)
        || tag.starts_with("MPImage")
        || tag.starts_with("MPF0:")
}

fn orient_files() -> Vec<PathBuf> {
    let mut v = vec![testdata_dir().join("meta_420_67x45.jpg")];
    if let Some(c) = corpus_dir() {
        v.extend(jpegs_in(&c.join("valid")).into_iter().filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n.starts_with("orient") || n.contains("_orient")
        }));
    }
    v
}

#[test]
fn auto_orient_keeps_exif_consistent() {
    let Some(et) = tool("exiftool") else { return };
    let mut checked = 0;
    for path in orient_files() {
        let data = std::fs::read(&path).unwrap();
        let before = exif_tags(&et, &data);
        let Some(n) = before.get("IFD0:Orientation").and_then(|v| v.as_u64()) else {
            continue;
        };
        let Ok(out) = auto_orient(&data, &opts()) else {
            continue;
        }; // e.g. arithmetic coding
        let after = exif_tags(&et, &out.output.bytes);
        let name = path.display();
        assert_eq!(
            after.get("IFD0:Orientation").and_then(|v| v.as_u64()),
            Some(1),
            "{name}"
        );
        if let Some(o) = after.get("IFD1:Orientation") {
            assert_eq!(o.as_u64(), Some(1), "{name}: IFD1");
        }
        let (w, h) = (out.plan.width as u64, out.plan.height as u64);
        assert_eq!(after["File:ImageWidth"].as_u64(), Some(w), "{name}");
        let changed = after["File:ImageWidth"] != before["File:ImageWidth"];
        if before.contains_key("ExifIFD:ExifImageWidth") && changed {
            assert_eq!(
                after["ExifIFD:ExifImageWidth"].as_u64(),
                Some(w),
                "{name}: ExifImageWidth"
            );
            assert_eq!(
                after["ExifIFD:ExifImageHeight"].as_u64(),
                Some(h),
                "{name}: ExifImageHeight"
            );
        }
        for (k, v) in &before {
            // Tags the transform rewrites (sizes when they change, the orientation, the
            // thumbnail) and the file system's own may differ; every other must not.
            let rewritten = changes_with_geometry(k) && changed
                || k == "IFD0:Orientation"
                || k.starts_with("IFD1:")
                || k.starts_with("System:");
            if !rewritten {
                assert_eq!(
                    after.get(k),
                    Some(v),
                    "{name}: tag {k} changed (orientation {n})"
                );
            }
        }
        check_thumbnail(&data, &out.output.bytes, n as u16, &path);
        checked += 1;
    }
    assert!(checked >= 1);
    println!("auto-orient: Exif consistent on {checked} files");
}

/// The thumbnail of the output is turned with the image: the old one's box turned, the
/// new one inside it and touching it on one side (tests/thumbnail.rs checks that its
/// pixels are the output's).
fn check_thumbnail(input: &[u8], output: &[u8], n: u16, path: &Path) {
    let thumb = |bytes: &[u8]| -> Option<Vec<u8>> {
        let f = JpegFile::parse(bytes).ok()?;
        let exif = f
            .segments()
            .find(|s| jtool::container::classify(s) == jtool::container::MetaClass::Exif)?;
        let (at, len) = jtool::container::edit::exif_thumbnail(exif.body)?;
        Some(exif.body[at..at + len].to_vec())
    };
    let (Some(a), Some(b)) = (thumb(input), thumb(output)) else {
        return;
    };
    let dec = |x: &[u8]| {
        decode(&JpegFile::parse(x).ok()?, &Limits::default())
            .ok()
            .map(|d| d.image)
    };
    let (Some(a), Some(b)) = (dec(&a), dec(&b)) else {
        return;
    };
    let o = Orientation::from_exif(n).unwrap_or(Orientation::Identity);
    let (tw, th) = if o.parts().0 {
        (a.height, a.width)
    } else {
        (a.width, a.height)
    };
    assert!(
        b.width <= tw && b.height <= th && (b.width == tw || b.height == th),
        "{}: thumbnail {}x{} for the box {tw}x{th} (orientation {n})",
        path.display(),
        b.width,
        b.height
    );
}

/// auto-orient of a file with orientation N gives the coefficients of the explicit
/// transform for N.
#[test]
fn auto_orient_equals_explicit_transform() {
    let data = std::fs::read(testdata_dir().join("meta_420_67x45.jpg")).unwrap();
    let file = JpegFile::parse(&data).unwrap();
    let exif_seg = file
        .segments()
        .find(|s| s.body.starts_with(b"Exif\0"))
        .unwrap();
    for n in 1..=8u16 {
        let edit = jtool::container::edit::ExifEdit {
            orientation: Some(n),
            dimensions: None,
        };
        let body = jtool::container::edit::edit_exif(exif_seg.body, &edit)
            .unwrap_or_else(|| exif_seg.body.to_vec());
        let mut with_n = data[..exif_seg.body_offset()].to_vec();
        with_n.extend_from_slice(&body);
        with_n.extend_from_slice(&data[exif_seg.body_offset() + exif_seg.body.len()..]);
        let auto = auto_orient(&with_n, &opts()).unwrap();
        let o = Orientation::from_exif(n).unwrap();
        let explicit = transform(
            &data,
            &TransformOptions {
                request: Request {
                    orientation: o,
                    ..Request::default()
                },
                ..opts()
            },
        )
        .unwrap();
        let dec = |x: &[u8]| {
            decode(&JpegFile::parse(x).unwrap(), &Limits::default())
                .unwrap()
                .image
        };
        let (a, b) = (dec(&auto.output.bytes), dec(&explicit.output.bytes));
        assert_eq!((a.width, a.height), (b.width, b.height), "orientation {n}");
        for (ca, cb) in a.components.iter().zip(&b.components) {
            assert_eq!(ca.quant, cb.quant, "orientation {n}");
            let g = a.geometry();
            let (w, h) = g.real_blocks(0);
            let _ = (w, h);
            assert_eq!(
                ca.plane.blocks.len(),
                cb.plane.blocks.len(),
                "orientation {n}"
            );
        }
        let g = a.geometry();
        for (i, (ca, cb)) in a.components.iter().zip(&b.components).enumerate() {
            let (w, h) = g.real_blocks(i);
            for y in 0..h {
                for x in 0..w {
                    assert_eq!(
                        ca.plane.block(x, y),
                        cb.plane.block(x, y),
                        "orientation {n}, comp {i}, block {x},{y}"
                    );
                }
            }
        }
    }
}

/// strip removes segments but leaves every scan's bytes and the trailer untouched.
#[test]
fn strip_keeps_entropy_coded_bytes() {
    let files = common::testdata_and_valid_jpegs();
    let et = tool("exiftool");
    for path in files {
        let data = std::fs::read(&path).unwrap();
        for keep in [
            KeepPolicy::NOTHING,
            KeepPolicy::COLOUR,
            KeepPolicy::level("icc").unwrap(),
        ] {
            let out = strip(&data, keep).unwrap();
            let scans = |b: &[u8]| -> Vec<Vec<u8>> {
                let f = JpegFile::parse(b).unwrap();
                f.items
                    .iter()
                    .filter_map(|i| {
                        if let Item::Scan(s) = i {
                            Some(s.ecs.to_vec())
                        } else {
                            None
                        }
                    })
                    .collect()
            };
            assert_eq!(scans(&out.bytes), scans(&data), "{}", path.display());
            let (a, b) = (
                JpegFile::parse(&out.bytes).unwrap(),
                JpegFile::parse(&data).unwrap(),
            );
            assert_eq!(a.trailer, b.trailer);
        }
    }
    // exiftool finds no Exif/XMP/ICC after a full strip.
    if let Some(et) = et {
        let data = std::fs::read(testdata_dir().join("meta_420_67x45.jpg")).unwrap();
        let out = strip(&data, KeepPolicy::NOTHING).unwrap();
        let tags = exif_tags(&et, &out.bytes);
        assert!(
            !tags.keys().any(|k| k.starts_with("IFD0:")
                || k.starts_with("ExifIFD:")
                || k == "File:Comment"),
            "{tags:?}"
        );
    }
}

/// A two-image MPO: `first` with an MPF APP2 index after its SOI, then `second` after EOI.
fn make_mpo(first: &[u8], second: &[u8]) -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&[0, 3]);
    tiff.extend_from_slice(&[0xB0, 0x00, 0, 7, 0, 0, 0, 4, b'0', b'1', b'0', b'0']);
    tiff.extend_from_slice(&[0xB0, 0x01, 0, 4, 0, 0, 0, 1, 0, 0, 0, 2]);
    tiff.extend_from_slice(&[0xB0, 0x02, 0, 7, 0, 0, 0, 32, 0, 0, 0, 50]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    let seg_len = 2 + 4 + tiff.len() + 32;
    let first_len = first.len() + 2 + seg_len;
    let rel = first_len - (2 + 4 + 4); // from the TIFF header (SOI, FF E2, length, "MPF\0")
    let mut entries = Vec::new();
    entries.extend_from_slice(&0x2003_0000u32.to_be_bytes());
    entries.extend_from_slice(&(first_len as u32).to_be_bytes());
    entries.extend_from_slice(&[0; 8]);
    entries.extend_from_slice(&0x0002_0002u32.to_be_bytes());
    entries.extend_from_slice(&(second.len() as u32).to_be_bytes());
    entries.extend_from_slice(&(rel as u32).to_be_bytes());
    entries.extend_from_slice(&[0; 4]);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE2];
    out.extend_from_slice(&(seg_len as u16).to_be_bytes());
    out.extend_from_slice(b"MPF\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&entries);
    out.extend_from_slice(&first[2..]);
    assert_eq!(out.len(), first_len);
    out.extend_from_slice(second);
    out
}

/// After a transform, the MPF index still points at the secondary image (read back by
/// exiftool), turned with the first (tests/multi_picture.rs checks its pixels), and the
/// first image's size entry is its new size.
#[test]
fn mpf_offsets_follow_the_new_first_image() {
    let first = std::fs::read(testdata_dir().join("baseline_420_q85_67x45.jpg")).unwrap();
    let second = std::fs::read(testdata_dir().join("gray_q90_67x45.jpg")).unwrap();
    let mpo = make_mpo(&first, &second);
    for o in [
        Orientation::Identity,
        Orientation::Rot90,
        Orientation::FlipH,
    ] {
        let turn = |edge| TransformOptions {
            request: Request {
                orientation: o,
                edge,
                ..Request::default()
            },
            ..opts()
        };
        let out = transform(&mpo, &turn(EdgePolicy::Keep))
            .unwrap()
            .output
            .bytes;
        // Losslessly when perfect, else through its pixels.
        let second = match (o, transform(&second, &turn(EdgePolicy::Perfect))) {
            (Orientation::Identity, _) => second.clone(),
            (_, Ok(t)) => t.output.bytes,
            (_, Err(_)) => {
                jtool::pipeline::via_pixels::transform(&second, &turn(EdgePolicy::Keep))
                    .unwrap()
                    .output
                    .bytes
            }
        };
        assert!(out.ends_with(&second), "{o:?}");
        let f = JpegFile::parse(&out).unwrap();
        let mpf = f.segments().find(|s| s.body.starts_with(b"MPF\0")).unwrap();
        let tiff_abs = mpf.body_offset() + 4;
        let entries = &mpf.body[4 + 50..4 + 82];
        let size1 = u32::from_be_bytes(entries[4..8].try_into().unwrap()) as usize;
        let off2 = u32::from_be_bytes(entries[24..28].try_into().unwrap()) as usize;
        assert_eq!(size1, f.trailer_offset, "{o:?}: first image size");
        assert_eq!(
            &out[tiff_abs + off2..tiff_abs + off2 + 2],
            &[0xFF, 0xD8],
            "{o:?}: second image offset"
        );
        if let Some(et) = tool("exiftool") {
            let (code, img2, err) = run_with_stdin(&et, &["-b", "-MPImage2", "-"], &out);
            assert_eq!(code, 0, "{err}");
            assert_eq!(img2, second, "{o:?}: exiftool extracts the second image");
        }
    }
}

/// `strip --drop-exif-thumbnail`: exiftool finds no IFD1 (and no thumbnail), every other
/// tag reads the same, the scans are untouched, and a thumbnail that ended the segment
/// is gone from the file.
#[test]
fn drop_exif_thumbnail_keeps_every_other_tag() {
    let Some(et) = tool("exiftool") else { return };
    let mut files = vec![testdata_dir().join("meta_420_67x45.jpg")];
    if let Some(c) = corpus_dir() {
        files.extend(jpegs_in(&c.join("valid")));
    }
    let (mut dropped, mut checked) = (0, 0);
    for path in files {
        let data = std::fs::read(&path).unwrap();
        let Ok(out) = jtool::pipeline::strip_with(
            &data,
            KeepPolicy::ALL,
            jtool::pipeline::StripOptions {
                drop_exif_thumbnail: true,
                ..Default::default()
            },
        ) else {
            continue;
        };
        // Only files with an IFD1 change; exiftool reads a sample of them (CI time).
        if out.bytes == strip(&data, KeepPolicy::ALL).unwrap().bytes || checked == 30 {
            continue;
        }
        checked += 1;
        let before = exif_tags(&et, &data);
        let after = exif_tags(&et, &out.bytes);
        let name = path.display();
        assert!(!after.keys().any(|k| k.starts_with("IFD1:")), "{name}");
        for (k, v) in &before {
            // File-level facts and exiftool's own bookkeeping change with the size.
            let derived = k.starts_with("System:")
                || k.starts_with("File:")
                || k.starts_with("IFD1:")
                || k.starts_with("ExifTool:")
                || k.starts_with("Composite:")
                || k == "SourceFile";
            if !derived {
                assert_eq!(after.get(k), Some(v), "{name}: {k}");
            }
        }
        let thumb = before
            .get("IFD1:ThumbnailLength")
            .and_then(|v| v.as_u64())
            .unwrap_or(0);
        assert!(out.bytes.len() as u64 <= data.len() as u64, "{name}");
        if data.len() as u64 - out.bytes.len() as u64 >= thumb && thumb > 0 {
            dropped += 1;
        }
        // Where its bytes could not go (other Exif data follows), they are zeroed: the
        // old picture is not in the output either way.
        if let Some(t) = exif_thumbnail_bytes(&data).filter(|t| t.len() >= 64) {
            assert!(!out.bytes.windows(t.len()).any(|w| w == t), "{name}");
        }
        let again = strip(&out.bytes, KeepPolicy::ALL).unwrap();
        assert_eq!(again.bytes, out.bytes, "{name}: stable");
    }
    eprintln!(
        "Exif thumbnails removed: {checked} checked with exiftool, {dropped} with their bytes"
    );
    assert!(dropped >= 1);
}

/// The bytes of the Exif thumbnail of the first Exif APP1 segment, if any.
fn exif_thumbnail_bytes(data: &[u8]) -> Option<Vec<u8>> {
    let file = jtool::container::JpegFile::parse(data).ok()?;
    file.items.iter().find_map(|it| match it {
        jtool::container::Item::Segment(s) if s.body.starts_with(b"Exif\0") => {
            let (at, len) = jtool::container::edit::exif_thumbnail(s.body)?;
            Some(s.body[at..at + len].to_vec())
        }
        _ => None,
    })
}

/// Data after EOI stays by default; when it is a JPEG whose own segments hold metadata
/// the policy removes (an MPF secondary image's Exif), a warning names it, and
/// `--drop-trailer` removes it.
#[test]
fn trailer_with_metadata_warns_and_can_be_dropped() {
    use jtool::pipeline::{strip_with, StripOptions};
    let primary = std::fs::read("testdata/baseline_420_q85_67x45.jpg").unwrap();
    let mut data = primary.clone();
    data.extend(std::fs::read("testdata/meta_420_67x45.jpg").unwrap());
    let kept = strip_with(&data, KeepPolicy::NOTHING, StripOptions::default()).unwrap();
    assert!(kept.bytes.ends_with(b"TRAILER-DATA-AFTER-EOI"));
    let w: Vec<String> = kept.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        w.iter()
            .any(|w| w.contains("after EOI are a JPEG with Exif metadata")
                && w.contains(&format!("(at byte {})", primary.len()))),
        "{w:?}"
    );
    // Keeping Exif: nothing to warn about.
    let all = strip_with(&data, KeepPolicy::ALL, StripOptions::default()).unwrap();
    assert!(all
        .warnings
        .iter()
        .all(|w| !w.to_string().contains("after EOI")));
    let opts = StripOptions {
        drop_trailer: true,
        ..StripOptions::default()
    };
    let dropped = strip_with(&data, KeepPolicy::NOTHING, opts).unwrap();
    assert!(dropped.bytes.ends_with(&[0xFF, 0xD9]));
    assert_eq!(
        dropped.bytes.len(),
        jtool::pipeline::strip(&primary, KeepPolicy::NOTHING)
            .unwrap()
            .bytes
            .len()
    );
    assert!(dropped.warnings.is_empty());
    // Samsung's extended-data block (capture time, motion photo) is named too.
    let mut sef = primary.clone();
    sef.extend_from_slice(b"Image_UTC_Data1478000000000SEFH\x01\0\0\0SEFT");
    let out = strip_with(&sef, KeepPolicy::NOTHING, StripOptions::default()).unwrap();
    assert!(
        out.warnings
            .iter()
            .any(|w| w.to_string().contains("Samsung's extended data")),
        "{:?}",
        out.warnings
    );
}

/// A synthetic ICC profile of `len` bytes: the size field and the `acsp` signature of
/// ICC.1's header, the rest filler.
fn synthetic_icc(len: usize) -> Vec<u8> {
    let mut p: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
    p[..4].copy_from_slice(&(len as u32).to_be_bytes());
    p[36..40].copy_from_slice(b"acsp");
    p
}

/// `--icc` replaces the input's profile with the file's, split into APP2 chunks that
/// exiftool reassembles to the same bytes as from `jpegtran -icc`, also with `--copy
/// none` and through a transform; a file that is not a profile is a usage error.
#[test]
fn icc_option_embeds_the_profile() {
    let d = tempfile::tempdir().unwrap();
    let icc = d.path().join("p.icc");
    let profile = synthetic_icc(150_000);
    std::fs::write(&icc, &profile).unwrap();
    let input = testdata_dir().join("meta_420_67x45.jpg");
    let icc_chunks = |b: &[u8]| {
        jtool::inspect::inspect(b)
            .unwrap()
            .segments
            .iter()
            .filter(|s| s.summary.starts_with("ICC_PROFILE"))
            .count()
    };
    for (i, args) in [
        vec!["copy", "--icc"],
        vec!["copy", "--copy", "none", "--icc"],
        vec!["rotate", "90", "--icc"],
    ]
    .iter()
    .enumerate()
    {
        let out = d.path().join(format!("{i}.jpg"));
        assert_cmd::Command::cargo_bin("jtool")
            .unwrap()
            .args(args)
            .arg(&icc)
            .arg(&input)
            .arg(&out)
            .assert()
            .success();
        let bytes = std::fs::read(&out).unwrap();
        assert_eq!(icc_chunks(&bytes), 3, "{args:?}");
        if let Some(et) = tool("exiftool") {
            let (code, got, err) = run_with_stdin(&et, &["-b", "-ICC_Profile", "-"], &bytes);
            assert!(code == 0 && got == profile, "{args:?}: {err}");
            if let (0, Some(jt)) = (i, tool("jpegtran")) {
                let (_, theirs, _) = run_with_stdin(
                    &jt,
                    &["-copy", "all", "-icc", icc.to_str().unwrap()],
                    &std::fs::read(&input).unwrap(),
                );
                let (_, got2, _) = run_with_stdin(&et, &["-b", "-ICC_Profile", "-"], &theirs);
                assert_eq!(got2, profile, "jpegtran -icc");
            }
        }
    }
    let not_icc = d.path().join("x.icc");
    std::fs::write(&not_icc, b"not a profile").unwrap();
    assert_cmd::Command::cargo_bin("jtool")
        .unwrap()
        .args(["copy", "--icc"])
        .arg(&not_icc)
        .arg(&input)
        .arg(d.path().join("y.jpg"))
        .assert()
        .code(2);
}

/// `decode --icc FILE` writes the profile the file embeds as `djpeg -icc FILE` does, on
/// every corpus and testdata file whose ICC segments djpeg reads (the one file it
/// cannot decode but still takes a profile from, jtool refuses whole); a multi-chunk
/// profile written by `copy --icc` comes back unchanged; a file without one gets a
/// warning and no profile file; several inputs are a usage error.
#[test]
fn decode_icc_writes_the_embedded_profile() {
    let d = tempfile::tempdir().unwrap();
    let (ours, theirs) = (d.path().join("a.icc"), d.path().join("b.icc"));
    let mut files = testdata_jpegs();
    if let Some(c) = corpus_dir() {
        files.extend(jpegs_in(&c.join("valid")));
        files.extend(jpegs_in(&c.join("malformed")));
    }
    let (mut compared, mut failures) = (0, Vec::new());
    let djpeg = tool("djpeg");
    for f in &files {
        let data = std::fs::read(f).unwrap();
        if !data.windows(12).any(|w| w == b"ICC_PROFILE\0") {
            continue;
        }
        let _ = std::fs::remove_file(&ours);
        let ok = assert_cmd::Command::cargo_bin("jtool")
            .unwrap()
            .args(["decode", "--quiet", "--icc"])
            .arg(&ours)
            .arg(f)
            .arg(d.path().join("x.ppm"))
            .output()
            .unwrap()
            .status
            .success();
        let Some(dj) = &djpeg else { continue };
        let _ = std::fs::remove_file(&theirs);
        let status = std::process::Command::new(dj)
            .arg("-icc")
            .arg(&theirs)
            .args(["-outfile", "/dev/null"])
            .arg(f)
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        // Neither decodes it, or only jtool does (12-bit and lossless files).
        if !status.success() && (!ok || !djpeg_precision(&data)) {
            continue;
        }
        compared += 1;
        let read = |p: &Path| std::fs::read(p).unwrap_or_default();
        if read(&ours) != read(&theirs) {
            failures.push(format!("{}: profiles differ", f.display()));
        }
    }
    report_failures(
        &format!("decode --icc vs djpeg -icc: {compared} files"),
        &failures,
    );

    let icc = d.path().join("p.icc");
    let profile = synthetic_icc(150_000);
    std::fs::write(&icc, &profile).unwrap();
    let tagged = d.path().join("t.jpg");
    let input = testdata_dir().join("meta_420_67x45.jpg");
    let jtool = || assert_cmd::Command::cargo_bin("jtool").unwrap();
    jtool()
        .args(["copy", "--icc"])
        .arg(&icc)
        .arg(&input)
        .arg(&tagged)
        .assert()
        .success();
    let _ = std::fs::remove_file(&ours);
    jtool()
        .args(["decode", "--icc"])
        .arg(&ours)
        .arg(&tagged)
        .arg(d.path().join("x.png"))
        .assert()
        .success()
        .stderr("");
    assert_eq!(std::fs::read(&ours).unwrap(), profile);
    std::fs::remove_file(&ours).unwrap();
    jtool()
        .args(["decode", "--icc"])
        .arg(&ours)
        .arg(&input)
        .arg(d.path().join("x.png"))
        .assert()
        .success()
        .stderr(predicates::str::contains("no complete ICC profile"));
    assert!(!ours.exists());
    jtool()
        .args(["decode", "--icc"])
        .arg(&ours)
        .arg("--out-dir")
        .arg(d.path())
        .arg(&input)
        .arg(&tagged)
        .assert()
        .code(2);
}

/// Every corpus and testdata JPEG.
fn all_jpegs() -> Vec<PathBuf> {
    common::testdata_and_valid_jpegs()
}

/// `jtool comment` prints what rdjpgcom prints, and `--add` / `--replace --add` write
/// what wrjpgcom writes, except where a comment follows the frame header: wrjpgcom
/// copies everything after the frame header as it is, so its `-replace` leaves those,
/// and jtool removes every comment.
#[test]
fn comments_match_rdjpgcom_and_wrjpgcom() {
    let (Some(rd), Some(wr)) = (tool("rdjpgcom"), tool("wrjpgcom")) else {
        return;
    };
    let jtool = || assert_cmd::Command::cargo_bin("jtool").unwrap();
    let (mut shown, mut written, mut failures) = (0, 0, Vec::new());
    for f in all_jpegs() {
        let theirs = std::process::Command::new(&rd).arg(&f).output().unwrap();
        if theirs.status.success() {
            shown += 1;
            let ours = jtool().arg("comment").arg(&f).output().unwrap();
            if ours.stdout != theirs.stdout {
                failures.push(format!("{}: rdjpgcom differs", f.display()));
            }
        }
        let data = std::fs::read(&f).unwrap();
        let com_after_frame = JpegFile::parse(&data).is_ok_and(|file| {
            let markers: Vec<_> = file.segments().map(|s| s.marker).collect();
            let sof = markers.iter().position(|m| m.is_sof());
            let last_com = markers
                .iter()
                .rposition(|m| *m == jtool::container::Marker::COM);
            matches!((sof, last_com), (Some(s), Some(c)) if c > s)
        });
        for (theirs, ours) in [
            (
                &["-comment", "made by\r\nhand"][..],
                &["--add", "made by\r\nhand"][..],
            ),
            (
                &["-replace", "-comment", "only"],
                &["--replace", "--add", "only"],
            ),
        ] {
            let expected = std::process::Command::new(&wr)
                .args(theirs)
                .arg(&f)
                .output()
                .unwrap();
            if !expected.status.success() || (com_after_frame && theirs[0] == "-replace") {
                continue;
            }
            written += 1;
            let got = jtool()
                .arg("comment")
                .args(ours)
                .arg(&f)
                .arg("-")
                .output()
                .unwrap();
            if got.stdout != expected.stdout {
                failures.push(format!("{}: wrjpgcom {theirs:?} differs", f.display()));
            }
        }
    }
    assert!(shown > 0 || !ci(), "no file compared");
    report_failures(
        &format!("rdjpgcom: {shown} files, wrjpgcom: {written} edits"),
        &failures,
    );
}

/// `jtool orientation` shows the Orientation tag of every file with one (jpegexiforient
/// only looks when Exif is the first segment), and `--set` changes what jpegexiforient
/// changes, plus IFD1's tag where there is one (the thumbnail's pixels are stored as
/// the image's, so their tags agree), and no other byte (jpegexiforient also zeroes the
/// unused bytes of the tag's value field).
#[test]
fn orientation_matches_jpegexiforient() {
    let Some(eo) = tool("jpegexiforient") else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let (mut set, mut failures) = (0, Vec::new());
    for f in all_jpegs() {
        let data = std::fs::read(&f).unwrap();
        let ours = assert_cmd::Command::cargo_bin("jtool")
            .unwrap()
            .arg("orientation")
            .arg(&f)
            .output()
            .unwrap();
        let theirs = std::process::Command::new(&eo)
            .arg("-n")
            .arg(&f)
            .output()
            .unwrap();
        let (ours, theirs) = (
            String::from_utf8_lossy(&ours.stdout).trim().to_string(),
            String::from_utf8_lossy(&theirs.stdout).trim().to_string(),
        );
        if !theirs.is_empty() && ours != theirs {
            failures.push(format!("{}: {ours:?} against {theirs:?}", f.display()));
        }
        if theirs.is_empty() || !(1..=8).contains(&theirs.parse::<u16>().unwrap_or(0)) {
            continue;
        }
        set += 1;
        let (a, b) = (d.path().join("a.jpg"), d.path().join("b.jpg"));
        std::fs::write(&a, &data).unwrap();
        std::process::Command::new(&eo)
            .arg("-3")
            .arg(&a)
            .output()
            .unwrap();
        assert_cmd::Command::cargo_bin("jtool")
            .unwrap()
            .args(["orientation", "--set", "3"])
            .arg(&f)
            .arg(&b)
            .assert()
            .success();
        let (a, b) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        let changed =
            |x: &[u8]| -> Vec<usize> { (0..data.len()).filter(|&i| x[i] != data[i]).collect() };
        let (theirs_changed, ours_changed) = (changed(&a), changed(&b));
        let ok = b.len() == data.len()
            // jpegexiforient also zeroes the unused half of the tag's value field.
            && theirs_changed
                .iter()
                .all(|i| (ours_changed.contains(i) && a[*i] == b[*i]) || a[*i] == 0)
            && ours_changed.len() <= theirs_changed.len() + 1
            && jtool::pipeline::orientation(&b).unwrap() == Some(3);
        if !ok {
            failures.push(format!(
                "{}: --set 3 changed {ours_changed:?}, jpegexiforient {theirs_changed:?}",
                f.display()
            ));
        }
    }
    report_failures(&format!("jpegexiforient: {set} files set"), &failures);
}

/// `jtool orientation --set 6` on a file without the tag adds it as `exiftool
/// -Orientation=6` does: exiftool then reads Orientation 6 and every other tag as before,
/// finds nothing new to warn about, and the image's segments and scans are the
/// input's. A file without Exif gets exiftool's own segment: the outputs are compared
/// byte for byte and the count printed.
#[test]
fn orientation_is_added_where_missing_as_exiftool_adds_it() {
    let Some(exiftool) = tool("exiftool") else {
        return;
    };
    let files: Vec<PathBuf> = all_jpegs()
        .into_iter()
        .filter(|f| {
            let data = std::fs::read(f).unwrap();
            matches!(jtool::pipeline::orientation(&data), Ok(None))
        })
        .collect();
    let same = std::sync::atomic::AtomicUsize::new(0);
    let refused = std::sync::Mutex::new(Vec::new());
    let failures = parallel(&files, |f| {
        let data = std::fs::read(f).unwrap();
        let ours = match jtool::pipeline::set_orientation(&data, 6) {
            Ok(o) => o.bytes,
            Err(e) => {
                refused
                    .lock()
                    .unwrap()
                    .push(format!("{}: {e}", f.display()));
                return Vec::new();
            }
        };
        let mut problems = Vec::new();
        let (before, after) = (exif_tags(&exiftool, &data), exif_tags(&exiftool, &ours));
        let others = |t: &BTreeMap<String, Value>| -> BTreeMap<String, Value> {
            let warned = before.contains_key("ExifTool:Warning");
            let compared = |k: &str| match k.split_once(':') {
                Some(("System" | "File" | "Composite", _)) => false,
                Some(("ExifTool", "ExifToolVersion")) => false,
                // A file exiftool already warned about may get another warning (a
                // maker-note pointer past the segment now meets the appended IFD0).
                Some(("ExifTool", "Warning")) => !warned,
                Some((_, "Orientation" | "ExifByteOrder")) => false,
                // The tags of the segment a file without Exif gains.
                Some(("IFD0", _)) => before.contains_key(k),
                _ => k != "SourceFile",
            };
            (t.iter().filter(|(k, _)| compared(k)))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        if after.get("IFD0:Orientation") != Some(&Value::from(6)) {
            problems.push(format!(
                "{}: exiftool reads {:?}",
                f.display(),
                after.get("IFD0:Orientation")
            ));
        }
        if others(&before) != others(&after) {
            problems.push(format!("{}: other tags changed", f.display()));
        }
        let segments = |d: &[u8]| -> Vec<(u8, Vec<u8>)> {
            let file = JpegFile::parse(d).unwrap();
            (file.segments())
                .filter(|s| !s.body.starts_with(b"Exif\0"))
                .map(|s| (s.marker.0, s.body.to_vec()))
                .collect()
        };
        if segments(&data) != segments(&ours) {
            problems.push(format!("{}: segments other than Exif changed", f.display()));
        }
        if !before.keys().any(|k| k.starts_with("IFD0:")) {
            let (code, theirs, _) =
                run_with_stdin(&exiftool, &["-n", "-Orientation=6", "-o", "-", "-"], &data);
            if code == 0 && theirs == ours {
                same.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }
        problems
    });
    let refused = refused.into_inner().unwrap();
    eprintln!(
        "orientation added to {} files; without Exif before, {} byte-identical to exiftool's; refused: {refused:#?}",
        files.len() - refused.len(),
        same.into_inner()
    );
    // Refused: only the corpus's five files whose Exif is damaged (values past the
    // segment, an IFD0 that does not read whole, entries of no TIFF type), never a file
    // of the project's own.
    assert!(refused.len() <= 5 && refused.iter().all(|r| !r.contains("testdata")));
    report_failures("orientation --set where the tag is missing", &failures);
}

/// After a lossless turn the XMP properties that mirror Exif tags agree with them, as
/// exiftool reads both: tiff:Orientation reset with IFD0's Orientation, and
/// exif:PixelXDimension/PixelYDimension and tiff:ImageWidth/ImageLength swapped with
/// the image, wherever the input had them equal to the Exif values and the frame.
#[test]
fn xmp_mirrors_of_exif_tags_follow_a_turn() {
    let Some(exiftool) = tool("exiftool") else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let made = d.path().join("made.jpg");
    std::fs::copy(testdata_dir().join("meta_420_67x45.jpg"), &made).unwrap();
    let status = std::process::Command::new(&exiftool)
        .args(["-q", "-overwrite_original", "-n", "-IFD0:Orientation=6"])
        .args([
            "-XMP-tiff:Orientation=6",
            "-XMP-tiff:ImageWidth=67",
            "-XMP-tiff:ImageHeight=45",
        ])
        .args([
            "-XMP-exif:ExifImageWidth=67",
            "-XMP-exif:ExifImageHeight=45",
        ])
        .arg(&made)
        .status()
        .unwrap();
    assert!(status.success());
    let mut files = vec![made];
    files.extend(all_jpegs().into_iter().filter(|f| {
        let data = std::fs::read(f).unwrap();
        memchr_find(&data, b"http://ns.adobe.com/tiff/1.0/")
            || memchr_find(&data, b"http://ns.adobe.com/exif/1.0/")
    }));
    let mirrors = [
        ("XMP-tiff:Orientation", "IFD0:Orientation"),
        ("XMP-exif:ExifImageWidth", "ExifIFD:ExifImageWidth"),
        ("XMP-exif:ExifImageHeight", "ExifIFD:ExifImageHeight"),
        ("XMP-tiff:ImageWidth", "File:ImageWidth"),
        ("XMP-tiff:ImageHeight", "File:ImageHeight"),
    ];
    let (mut checked, mut failures) = (0, Vec::new());
    for f in &files {
        let data = std::fs::read(f).unwrap();
        let mut opts = opts();
        opts.request.orientation = Orientation::Rot90;
        opts.reset_orientation = true;
        let Ok(out) = transform(&data, &opts) else {
            continue;
        };
        let (before, after) = (
            exif_tags(&exiftool, &data),
            exif_tags(&exiftool, &out.output.bytes),
        );
        for (xmp, exif) in mirrors {
            let agreed = before.contains_key(xmp) && before.get(xmp) == before.get(exif);
            if !agreed || !after.contains_key(exif) {
                continue;
            }
            checked += 1;
            if after.get(xmp) != after.get(exif) {
                let (x, e) = (&after[xmp], &after[exif]);
                failures.push(format!("{}: {xmp} {x} against {exif} {e}", f.display()));
            }
        }
    }
    eprintln!(
        "XMP mirrors of Exif tags: {checked} checked in {} files",
        files.len()
    );
    assert!(checked >= 5);
    report_failures("XMP mirrors after a turn", &failures);
}

fn memchr_find(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
