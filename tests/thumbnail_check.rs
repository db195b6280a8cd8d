//! `inspect` tells whether each thumbnail still shows the image (jtool's edits keep
//! them in step; jpegtran and most editors do not). A file whose Exif segment is put
//! back after an edit, as `jpegtran -copy all` does, must be reported: a turned image
//! by the turn, a cropped one as not shown, each also as a contradiction. Every corpus
//! camera file's thumbnails must show its image (but the one file whose image was
//! mirrored after its Exif thumbnail was written), and after `jpegtran -rotate` the
//! turn must be named.

mod common;

use common::*;
use jtool::container::{classify, JpegFile, MetaClass};
use jtool::inspect::Report;
use jtool::pipeline::{inspect_full, transform, CopyOptions, TransformOptions};
use jtool::transform::{CropSpec, EdgePolicy, Orientation, Request};

/// Where `data`'s Exif segment starts (its marker) and ends.
fn exif_span(data: &[u8]) -> (usize, usize) {
    exif_span_opt(data).expect("an Exif segment")
}

/// `data` with its Exif thumbnail removed, the rest of Exif kept.
fn without_thumbnail(data: &[u8]) -> Vec<u8> {
    let opts = jtool::pipeline::StripOptions {
        drop_exif_thumbnail: true,
        ..Default::default()
    };
    jtool::pipeline::strip_with(data, jtool::container::KeepPolicy::ALL, opts)
        .unwrap()
        .bytes
}

/// The span of the first Exif APP1 segment (marker to end), if any.
fn exif_span_opt(data: &[u8]) -> Option<(usize, usize)> {
    let f = JpegFile::parse(data).ok()?;
    let s = f.segments().find(|s| classify(s) == MetaClass::Exif)?;
    Some((s.offset, s.body_offset() + s.body.len()))
}

/// `out` with its Exif segment replaced by `src`'s, as `jpegtran -copy all` leaves it.
fn with_old_exif(out: &[u8], src: &[u8]) -> Vec<u8> {
    let (start, end) = exif_span(out);
    let (old_start, old_end) = exif_span(src);
    [&out[..start], &src[old_start..old_end], &out[end..]].concat()
}

/// `data` turned and cropped, the partial edge iMCUs trimmed (`jpegtran -trim`): in
/// the 67×45 testdata image, those left in place would be a large part of it.
fn edited(data: &[u8], orientation: Orientation, crop: Option<&str>) -> Vec<u8> {
    let opts = TransformOptions {
        request: Request {
            orientation,
            crop: crop.map(|c| CropSpec::parse(c).unwrap()),
            edge: EdgePolicy::Trim,
            ..Request::default()
        },
        output: CopyOptions::default(),
        reset_orientation: false,
    };
    transform(data, &opts).unwrap().output.bytes
}

fn report(data: &[u8]) -> Report {
    let r = inspect_full(data).unwrap();
    assert_eq!(r.thumbnails.len(), 1, "one Exif thumbnail");
    r
}

#[test]
fn inspect_tells_whether_the_thumbnail_shows_the_image() {
    let data = std::fs::read(testdata_dir().join("meta_420_67x45.jpg")).unwrap();
    let r = report(&data);
    let t = &r.thumbnails[0];
    assert_eq!((t.kind.as_str(), t.width, t.height), ("Exif", 24, 16));
    assert!(t.shows_image && t.turned.is_none(), "{t:?}");
    let of_thumbnail = |r: &Report| {
        let c = &r.identification.contradictions;
        c.iter().filter(|c| c.contains("thumbnail")).count()
    };
    assert_eq!(of_thumbnail(&r), 0);
    // jtool's own edits keep the thumbnail in step.
    for o in [Orientation::Rot90, Orientation::Rot180, Orientation::FlipH] {
        let r = report(&edited(&data, o, None));
        assert!(r.thumbnails[0].shows_image, "{o:?}: {:?}", r.thumbnails[0]);
    }
    // The old Exif segment put back: the turn is named, a crop is not shown.
    for (o, name) in [
        (Orientation::Rot90, "rotated 90° clockwise"),
        (Orientation::Rot180, "rotated 180°"),
        (Orientation::FlipH, "mirrored left to right"),
    ] {
        let stale = with_old_exif(&edited(&data, o, None), &data);
        let r = report(&stale);
        let t = &r.thumbnails[0];
        assert!(!t.shows_image, "{o:?}: {t:?}");
        let named = t.turned.as_deref().unwrap_or_default();
        assert!(named.split(" or ").any(|n| n == name), "{o:?}: {t:?}");
        assert_eq!(of_thumbnail(&r), 1, "{o:?}");
    }
    let stale = with_old_exif(
        &edited(&data, Orientation::Identity, Some("32x32+32+0")),
        &data,
    );
    let r = report(&stale);
    let t = &r.thumbnails[0];
    assert!(!t.shows_image && t.turned.is_none(), "{t:?}");
    assert!(t.verdict.starts_with("does not show the image"), "{t:?}");
    // The command line: one contradiction line for it, the JSON fields.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stale.jpg");
    std::fs::write(&path, &stale).unwrap();
    let run = |args: &[&str]| {
        let out = assert_cmd::Command::cargo_bin("jtool")
            .unwrap()
            .arg("inspect")
            .args(args)
            .arg(&path)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let text = run(&[]);
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("thumbnail (24x16"))
        .collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert!(
        lines[0].starts_with("contradiction: the Exif thumbnail"),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&run(&["--json"])).unwrap();
    assert_eq!(json["thumbnails"][0]["shows_image"], false);
    assert!(json["thumbnails"][0]["likeness_db"].as_f64().unwrap() < 15.0);
}

/// The corpus camera files (and the other files with thumbnails) that decode without
/// damage: each thumbnail shows the image, but for two files changed after their Exif
/// thumbnail was written: a Photoshop re-save whose image was mirrored (its Photoshop
/// thumbnail shows it as it is), and libjxl's CMYK test file, cut from a Pixel 6 photo
/// whose whole frame the thumbnail still shows.
#[test]
fn corpus_thumbnails_show_their_images() {
    let Some(dir) = corpus_dir() else {
        eprintln!("corpus not present: skipped");
        return;
    };
    let files = jpegs_in(&dir.join("valid"));
    let checked = std::sync::atomic::AtomicUsize::new(0);
    let failures = parallel(&files, |path| {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let data = std::fs::read(path).unwrap();
        let Ok(r) = inspect_full(&data) else {
            return vec![];
        };
        let n = r.thumbnails.len();
        checked.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        r.thumbnails
            .iter()
            .filter_map(|t| {
                let right = match (name.as_str(), t.kind.as_str()) {
                    ("prog_cam_panasonic_dmc_lc70_1280x960.jpg", "Exif") => {
                        t.turned.as_deref() == Some("mirrored left to right")
                    }
                    ("ycck_gimp21030_pixel6_jxl_flower_small.jpg", "Exif") => {
                        t.image_part.is_some()
                    }
                    _ => t.shows_image,
                };
                (!right).then(|| format!("{name}: {} {}", t.kind, t.verdict))
            })
            .collect()
    });
    let checked = checked.load(std::sync::atomic::Ordering::Relaxed);
    report_failures(&format!("{checked} corpus thumbnails compared"), &failures);
    assert!(checked >= 90, "{checked}");
}

/// After `jpegtran -rotate 90/180 -copy all` (which keeps the old thumbnail) of each
/// corpus file whose Exif thumbnail shows it, `inspect` names the turn: never a wrong
/// one, and the right one for the large majority (a uniform or symmetric picture, or a
/// tiny image whose edge blocks jpegtran leaves in place, may be left unnamed).
#[test]
fn turns_made_by_jpegtran_are_named() {
    let (Some(dir), Some(jpegtran)) = (corpus_dir(), tool("jpegtran")) else {
        eprintln!("corpus or jpegtran not present: skipped");
        return;
    };
    // Files whose Exif thumbnail shows them, and would not as well turned: a picture
    // that looks about the same turned (within the 3 dB a turn must win by, or at
    // 25 dB: the corpus's plain blue rectangle) cannot tell.
    let files: Vec<_> = jpegs_in(&dir.join("valid"))
        .into_iter()
        .filter(|p| {
            let data = std::fs::read(p).unwrap();
            inspect_full(&data).is_ok_and(|r| {
                r.thumbnails.iter().any(|t| {
                    let s = &t.orientation_likeness_db;
                    let unlike = |v: &f64| *v < s[0] - 3.0 && *v < 25.0;
                    t.kind == "Exif" && t.shows_image && s[1..].iter().all(unlike)
                })
            })
        })
        .collect();
    // (angle, the turn's name, its Exif orientation's index in the likeness list)
    let cases = [
        ("90", "rotated 90° clockwise", 5),
        ("180", "rotated 180°", 2),
    ];
    let results = parallel(&files, |path| {
        cases
            .iter()
            .map(|&(angle, name, index)| {
                let out = std::process::Command::new(&jpegtran)
                    .args(["-copy", "all", "-rotate", angle])
                    .arg(path)
                    .output()
                    .unwrap();
                let r = inspect_full(&out.stdout).unwrap();
                let t = r.thumbnails.iter().find(|t| t.kind == "Exif").unwrap();
                let file = path.file_name().unwrap().to_string_lossy();
                // Another turn may win only where the picture looks almost the same
                // both ways (jpegtran's untransformed edge blocks then decide).
                let s = &t.orientation_likeness_db;
                let best = s.iter().copied().fold(f64::MIN, f64::max);
                let tie = s[index] >= best - 3.0;
                match t.turned.as_deref() {
                    Some(n) if n.split(" or ").any(|n| n == name) => "right".to_string(),
                    Some(n) if tie => format!("near tie {file} -rotate {angle}: {n}"),
                    Some(n) => format!("WRONG {file} -rotate {angle}: {n}"),
                    None => format!("unnamed {file} -rotate {angle}: {}", t.verdict),
                }
            })
            .collect()
    });
    let right = results.iter().filter(|r| *r == "right").count();
    for r in results.iter().filter(|r| *r != "right") {
        eprintln!("  {r}");
    }
    eprintln!(
        "turns by jpegtran named: {right}/{} ({} files)",
        results.len(),
        files.len()
    );
    assert!(!results.iter().any(|r| r.starts_with("WRONG")));
    assert!(
        right * 100 >= results.len() * 85,
        "{right}/{}",
        results.len()
    );
}

/// `jtool thumbnail`: shows the check, takes the thumbnail out as it is stored, and
/// makes it anew from the image so that it shows it again, every byte from the end of
/// the Exif segment on unchanged; a missing thumbnail is an error with no output.
#[test]
fn the_thumbnail_command_extracts_and_regenerates() {
    let data = std::fs::read(testdata_dir().join("meta_420_67x45.jpg")).unwrap();
    let stale = with_old_exif(&edited(&data, Orientation::Rot180, None), &data);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("stale.jpg");
    std::fs::write(&input, &stale).unwrap();
    let jtool = || assert_cmd::Command::cargo_bin("jtool").unwrap();
    let shown = jtool().arg("thumbnail").arg(&input).output().unwrap();
    assert!(shown.status.success());
    let text = String::from_utf8(shown.stdout).unwrap();
    assert!(text.starts_with("Exif 24x16 (segment at "), "{text}");
    assert!(text.contains("shows the image rotated 180°"), "{text}");
    // Extract: the bytes IFD1 points at.
    let thumb = dir.path().join("thumb.jpg");
    jtool()
        .args(["thumbnail", "--extract"])
        .arg(&input)
        .arg(&thumb)
        .assert()
        .success()
        .stderr("");
    let (start, end) = exif_span(&stale);
    let body = &stale[start + 4..end];
    let (at, len) = jtool::container::edit::exif_thumbnail(body).unwrap();
    assert_eq!(std::fs::read(&thumb).unwrap(), &body[at..at + len]);
    let none = dir.path().join("none.jpg");
    jtool()
        .args(["thumbnail", "--extract", "--kind", "photoshop"])
        .arg(&input)
        .arg(&none)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("no Photoshop thumbnail"));
    assert!(!none.exists());
    // Regenerate: the thumbnail shows the image again; the rest is as it was.
    let fixed = dir.path().join("fixed.jpg");
    jtool()
        .args(["thumbnail", "--regenerate"])
        .arg(&input)
        .arg(&fixed)
        .assert()
        .success();
    let out = std::fs::read(&fixed).unwrap();
    let r = report(&out);
    assert!(r.thumbnails[0].shows_image, "{:?}", r.thumbnails[0]);
    assert_eq!(out[exif_span(&out).1..], stale[exif_span(&stale).1..]);
    assert_eq!(out[..2], stale[..2]);
}

/// A file without a thumbnail gets an Exif one of its image, as `exiftran -g` gives:
/// in a new Exif segment after JFIF (every other byte kept), or in an IFD1 added to an
/// Exif segment that has none.
#[test]
fn regenerate_adds_a_thumbnail_where_there_is_none() {
    let limits = Default::default();
    let plain = std::fs::read(testdata_dir().join("baseline_420_q85_67x45.jpg")).unwrap();
    assert!(inspect_full(&plain).unwrap().thumbnails.is_empty());
    let out = jtool::pipeline::regenerate_thumbnails(&plain, &limits, None).unwrap();
    let r = report(&out.bytes);
    assert!(r.thumbnails[0].shows_image, "{:?}", r.thumbnails[0]);
    let (start, end) = exif_span(&out.bytes);
    assert_eq!(start, 20, "after SOI and the JFIF segment");
    assert_eq!([&out.bytes[..start], &out.bytes[end..]].concat(), plain);
    // An Exif segment without a thumbnail.
    let data = std::fs::read(testdata_dir().join("meta_420_67x45.jpg")).unwrap();
    let bare = without_thumbnail(&data);
    assert!(inspect_full(&bare).unwrap().thumbnails.is_empty());
    let out = jtool::pipeline::regenerate_thumbnails(&bare, &limits, None).unwrap();
    let r = report(&out.bytes);
    assert!(r.thumbnails[0].shows_image, "{:?}", r.thumbnails[0]);
    assert_eq!(
        out.bytes[exif_span(&out.bytes).1..],
        bare[exif_span(&bare).1..]
    );
    // Within a square of a given side (jhead -rgtN), never larger than the image.
    for (side, want) in [(32, (32, 21)), (16, (16, 11)), (200, (67, 45))] {
        let out = jtool::pipeline::regenerate_thumbnails(&data, &limits, Some(side)).unwrap();
        let t = &report(&out.bytes).thumbnails[0];
        assert_eq!((t.width, t.height), want, "side {side}");
        assert!(t.shows_image, "{t:?}");
    }
}

/// `thumbnail --insert` (jhead -rt) puts a given JPEG in as the Exif thumbnail: over the
/// old one, into an Exif segment without one, or in a new Exif segment; every byte
/// outside the Exif segment stays, and the thumbnail read back is the file given. A
/// file that is not a JPEG image is refused before anything is written.
#[test]
fn insert_puts_the_given_thumbnail_in() {
    let data = std::fs::read(testdata_dir().join("meta_420_67x45.jpg")).unwrap();
    let plain = std::fs::read(testdata_dir().join("baseline_420_q85_67x45.jpg")).unwrap();
    let bare = without_thumbnail(&data);
    // A thumbnail of another picture (the plain file itself, 67x45).
    let thumb = plain.clone();
    for (name, input) in [
        ("with one", &data),
        ("Exif without one", &bare),
        ("no Exif", &plain),
    ] {
        let out = jtool::pipeline::insert_thumbnail(input, &thumb).unwrap();
        let got = jtool::pipeline::extract_thumbnail(&out.bytes, None).unwrap();
        assert_eq!(got, thumb, "{name}");
        let (start, end) = exif_span(&out.bytes);
        match exif_span_opt(input) {
            Some((s, e)) => {
                assert_eq!(out.bytes[..start], input[..s], "{name}");
                assert_eq!(out.bytes[end..], input[e..], "{name}");
            }
            None => assert_eq!([&out.bytes[..start], &out.bytes[end..]].concat(), *input),
        }
        let r = report(&out.bytes);
        assert_eq!(
            (r.thumbnails[0].width, r.thumbnails[0].height),
            (67, 45),
            "{name}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let (src, gif, out) = (
        dir.path().join("in.jpg"),
        dir.path().join("t.gif"),
        dir.path().join("out.jpg"),
    );
    std::fs::write(&src, &data).unwrap();
    std::fs::write(&gif, b"GIF89a\x01\x00\x01\x00\x00\x00\x00;").unwrap();
    assert_cmd::Command::cargo_bin("jtool")
        .unwrap()
        .args(["thumbnail", "--insert"])
        .arg(&gif)
        .arg(&src)
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("t.gif: not a JPEG file"));
    assert!(!out.exists());
}

/// A crop that keeps the old thumbnail is located in it: the image is found as a part of
/// the picture the thumbnail shows, where the crop took it (within a thumbnail pixel or
/// two). Checked on a corpus camera original (1024×768, a 160×120 thumbnail) cropped
/// with its old Exif segment put back, as `jpegtran -crop -copy all` leaves it.
#[test]
fn crops_are_located_in_the_thumbnail() {
    let Some(dir) = corpus_dir() else {
        eprintln!("corpus not present: skipped");
        return;
    };
    let data = std::fs::read(dir.join("valid/cam_canon_powershot_a40_1024x768.jpg")).unwrap();
    for (crop, want) in [
        ("512x384+256+192", (80, 60, 40, 30)),
        ("256x192+512+64", (40, 30, 80, 10)),
        ("1024x608+0+0", (160, 95, 0, 0)),
    ] {
        let stale = with_old_exif(&edited(&data, Orientation::Identity, Some(crop)), &data);
        let r = report(&stale);
        let t = &r.thumbnails[0];
        let p = t.image_part.unwrap_or_else(|| panic!("{crop}: {t:?}"));
        let got = [p.width, p.height, p.x, p.y];
        let want = [want.0, want.1, want.2, want.3];
        assert!(
            got.iter().zip(want).all(|(g, w)| g.abs_diff(w) <= 2),
            "{crop}: {got:?} against {want:?}"
        );
        assert!(
            !t.shows_image && t.verdict.contains("the image was cut from"),
            "{t:?}"
        );
    }
}
