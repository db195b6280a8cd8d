//! `jtool date` and `jtool jhead` on the testdata file with three differing Exif dates:
//! what changes (those 19-byte texts, each from its own value), what does not (every
//! other byte), file times through the local time zone, and renaming.

mod common;

use assert_cmd::Command;
use common::testdata_dir;
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

fn jtool() -> Command {
    let mut c = Command::cargo_bin("jtool").unwrap();
    c.env("TZ", "UTC");
    c
}

fn sample() -> Vec<u8> {
    std::fs::read(testdata_dir().join("dates_420_67x45.jpg")).unwrap()
}

fn dates(path: &Path) -> Vec<String> {
    let tags = jtool::pipeline::exif_dates(&std::fs::read(path).unwrap()).unwrap();
    tags.iter().map(|t| t.text.clone()).collect()
}

fn mtime(path: &Path) -> u64 {
    let m = std::fs::metadata(path).unwrap().modified().unwrap();
    m.duration_since(UNIX_EPOCH).unwrap().as_secs()
}

#[test]
fn dates_are_shown_and_shifted_each_from_its_own_value() {
    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (dir.path().join("in.jpg"), dir.path().join("out.jpg"));
    std::fs::write(&input, sample()).unwrap();
    let shown = jtool().args(["date"]).arg(&input).assert().success();
    let text = String::from_utf8(shown.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("DateTimeOriginal (Exif)    2004:02:28 23:30:00"),
        "{text}"
    );
    jtool()
        .args(["date", "--shift=-25:00:05"])
        .arg(&input)
        .arg(&output)
        .assert()
        .success()
        .stdout("")
        .stderr("");
    assert_eq!(
        dates(&output),
        [
            "2004:12:30 22:59:55",
            "2004:02:27 22:29:55",
            "2004:02:27 22:29:56"
        ]
    );
    // Only the date texts changed; the input is as it was.
    let (a, b) = (sample(), std::fs::read(&output).unwrap());
    assert_eq!(a.len(), b.len());
    let differing = a.iter().zip(&b).filter(|(x, y)| x != y).count();
    assert!((3..=3 * 19).contains(&differing), "{differing}");
    assert_eq!(std::fs::read(&input).unwrap(), sample());
    // Over a leap day, forwards.
    jtool()
        .args(["date", "--shift", "+1:00", "--in-place"])
        .arg(&output)
        .assert()
        .success();
    assert_eq!(dates(&output)[1], "2004:02:27 23:29:55");
}

#[test]
fn dates_are_set_whole_or_by_date() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.jpg");
    std::fs::write(&f, sample()).unwrap();
    jtool()
        .args(["date", "--set", "2012:03:04-05:06:07", "--in-place"])
        .arg(&f)
        .assert()
        .success();
    assert_eq!(dates(&f), ["2012:03:04 05:06:07"; 3]);
    std::fs::write(&f, sample()).unwrap();
    // February 31 runs on into March, as jhead (C's mktime) has it.
    jtool()
        .args(["date", "--set-date", "2011:02:31", "--in-place"])
        .arg(&f)
        .assert()
        .success();
    assert_eq!(
        dates(&f),
        [
            "2011:03:03 00:00:00",
            "2011:03:03 23:30:00",
            "2011:03:03 23:30:01"
        ]
    );
    for bad in [
        ["--set", "2012:02:30 00:00:00"],
        ["--shift", "1:75"],
        ["--set-date", "12"],
    ] {
        jtool()
            .arg("date")
            .args(bad)
            .arg(&f)
            .arg(dir.path().join("o.jpg"))
            .assert()
            .code(2);
    }
    assert!(!dir.path().join("o.jpg").exists());
}

#[test]
fn a_file_without_dates_is_an_error_and_no_output_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.jpg");
    let assert = jtool()
        .args(["date", "--shift", "+1"])
        .arg(testdata_dir().join("baseline_420_q85_67x45.jpg"))
        .arg(&out)
        .assert()
        .code(1);
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no Exif date to change"), "{err}");
    assert!(!out.exists());
}

#[test]
fn file_times_follow_the_local_time_zone() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.jpg");
    std::fs::write(&f, sample()).unwrap();
    // 2004-02-28 23:30:00 UTC is 1078011000; two hours east of UTC it came earlier.
    for (tz, want) in [("UTC", 1_078_011_000), ("XXX-2", 1_078_003_800)] {
        jtool()
            .env("TZ", tz)
            .args(["date", "--touch"])
            .arg(&f)
            .assert()
            .success();
        assert_eq!(mtime(&f), want, "{tz}");
    }
    // And back: the file's time into every date.
    let t = std::fs::File::options().write(true).open(&f).unwrap();
    t.set_modified(UNIX_EPOCH + Duration::from_secs(1_000_000_000))
        .unwrap();
    jtool()
        .args(["date", "--from-file-time", "--in-place", "-p"])
        .arg(&f)
        .assert()
        .success();
    assert_eq!(dates(&f), ["2001:09:09 01:46:40"; 3]);
    assert_eq!(mtime(&f), 1_000_000_000);
    // A file with no date keeps its time, with a warning.
    let plain = dir.path().join("plain.jpg");
    std::fs::copy(testdata_dir().join("baseline_420_q85_67x45.jpg"), &plain).unwrap();
    let before = mtime(&plain);
    jtool()
        .args(["date", "--touch"])
        .arg(&plain)
        .assert()
        .success()
        .stderr(predicates::str::contains("warning: no Exif date"));
    assert_eq!(mtime(&plain), before);
}

#[test]
fn files_are_renamed_by_date_with_suffixes_and_sequence_numbers() {
    let dir = tempfile::tempdir().unwrap();
    for n in ["x.jpg", "y.jpg", "z.JPG"] {
        std::fs::write(dir.path().join(n), sample()).unwrap();
    }
    jtool()
        .current_dir(dir.path())
        .args([
            "date",
            "--rename",
            "%Y%m%d-%H%M%S",
            "x.jpg",
            "y.jpg",
            "z.JPG",
        ])
        .assert()
        .success();
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "20040228-233000.JPG",
            "20040228-233000.jpg",
            "20040228-233000a.jpg"
        ]
    );
    jtool()
        .current_dir(dir.path())
        .args(["date", "--rename", "%Y/%b/%f_%02i", "20040228-233000.jpg"])
        .assert()
        .success();
    assert!(dir.path().join("2004/Feb/20040228-233000_01.jpg").exists());
    jtool()
        .args(["date", "--rename", "%Q", "a.jpg"])
        .assert()
        .code(2);
}

#[test]
fn jhead_switches_run_as_jtool_commands() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.jpg");
    std::fs::write(&f, sample()).unwrap();
    let t = std::fs::File::options().write(true).open(&f).unwrap();
    t.set_modified(UNIX_EPOCH + Duration::from_secs(1_500_000_000))
        .unwrap();
    // -autorot passes an upright file by; -ta keeps the file's time, as jhead does.
    jtool()
        .current_dir(dir.path())
        .args(["jhead", "-autorot", "-ta+1", "a.jpg"])
        .assert()
        .success();
    assert_eq!(
        dates(&f),
        [
            "2005:01:01 01:00:00",
            "2004:02:29 00:30:00",
            "2004:02:29 00:30:01"
        ]
    );
    assert_eq!(mtime(&f), 1_500_000_000);
    jtool()
        .current_dir(dir.path())
        .args(["jhead", "-ft", "-n%m%d", "a.jpg"])
        .assert()
        .success();
    assert_eq!(mtime(&dir.path().join("0229.jpg")), 1_078_014_600);
    jtool().args(["jhead", "-zt", "a.jpg"]).assert().code(1);
}

/// `sample()` with an XMP packet holding the mirrors of its Exif dates, in both forms.
fn with_xmp_dates() -> Vec<u8> {
    let data = sample();
    let mut xmp =
        b"http://ns.adobe.com/xap/1.0/\0<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?>"
            .to_vec();
    xmp.extend_from_slice(
        concat!(
            "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>",
            "<rdf:Description xmlns:xmp='http://ns.adobe.com/xap/1.0/' xmlns:exif='http://ns.adobe.com/exif/1.0/'",
            " xmlns:photoshop='http://ns.adobe.com/photoshop/1.0/' xmp:CreateDate='2004-02-29T01:00:01.5-05:00'>",
            "<exif:DateTimeOriginal>2004-02-29T01:00:00</exif:DateTimeOriginal>",
            "<photoshop:DateCreated>2004-02-29</photoshop:DateCreated>",
            "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end='w'?>"
        )
        .as_bytes(),
    );
    let mut out = data[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&u16::try_from(xmp.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(&xmp);
    out.extend_from_slice(&data[2..]);
    out
}

/// The XMP mirrors of the Exif dates move with them, in place: a shift of whole days moves
/// a date alone too, a shift within the day leaves it (with a warning); the zone and the
/// fraction of a second stay; the file keeps its length.
#[test]
fn xmp_mirrors_of_the_dates_move_with_them() {
    let d = tempfile::tempdir().unwrap();
    let src = d.path().join("x.jpg");
    std::fs::write(&src, with_xmp_dates()).unwrap();
    let run = |shift: &str| {
        let out = d.path().join("o.jpg");
        let r = jtool()
            .args(["date", "--shift", shift])
            .arg(&src)
            .arg(&out)
            .assert()
            .success();
        let warned = String::from_utf8_lossy(&r.get_output().stderr).into_owned();
        (
            String::from_utf8_lossy(&std::fs::read(&out).unwrap()).into_owned(),
            warned,
        )
    };
    let (days, warned) = run("+48");
    assert!(
        days.contains("xmp:CreateDate='2004-03-02T01:00:01.5-05:00'"),
        "{days}"
    );
    assert!(days.contains("<exif:DateTimeOriginal>2004-03-02T01:00:00<"));
    assert!(days.contains("<photoshop:DateCreated>2004-03-02<"));
    assert!(warned.is_empty(), "{warned}");
    let (hours, warned) = run("-2");
    assert!(hours.contains("xmp:CreateDate='2004-02-28T23:00:01.5-05:00'"));
    assert!(hours.contains("<photoshop:DateCreated>2004-02-29<"));
    assert!(warned.contains("photoshop:DateCreated"), "{warned}");
    let written = std::fs::read(d.path().join("o.jpg")).unwrap();
    assert_eq!(written.len(), with_xmp_dates().len());
}
