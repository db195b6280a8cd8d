//! `jtool exif` (and `exiftran -d` through it) against exiftool's verbose listing
//! (`exiftool -v2`): for every testdata and corpus file with Exif, the same entries in
//! IFD0, the Exif IFD, the GPS IFD, the Interoperability IFD and IFD1 (tag, type and
//! count), and the same values for text, single integers and single rationals.

mod common;

use common::tool;
use std::path::Path;
use std::process::Command;

/// exiftool's type names, as TIFF field types.
fn field_type(name: &str) -> u16 {
    match name {
        "int8u" => 1,
        "string" => 2,
        "int16u" => 3,
        "int32u" => 4,
        "rational64u" => 5,
        "int8s" => 6,
        "undef" => 7,
        "int16s" => 8,
        "int32s" => 9,
        "rational64s" => 10,
        "float" => 11,
        "double" => 12,
        "ifd" => 13,
        _ => 0,
    }
}

/// One entry: IFD, tag, type, count, and the value to compare (if compared).
type Entry = (String, u16, u16, u32, Option<String>);

/// The entries of the first Exif segment as `exiftool -v2` lists them.
fn exiftool_entries(exiftool: &Path, file: &Path) -> Vec<Entry> {
    let out = Command::new(exiftool)
        .arg("-v2")
        .arg(file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let (mut in_exif, mut done) = (false, false);
    let mut dirs: Vec<String> = Vec::new();
    let mut value: Option<String> = None;
    let mut entries = Vec::new();
    for line in text.lines() {
        if line.starts_with("JPEG ") {
            done |= in_exif;
            in_exif = false;
            continue;
        }
        if line.trim() == "ExifByteOrder = II" || line.trim() == "ExifByteOrder = MM" {
            in_exif = !done;
        }
        if !in_exif {
            continue;
        }
        let body = line.trim_start_matches(' ');
        let bars = body.matches("| ").count();
        let rest = body.trim_start_matches(['|', ' ']);
        if let Some(dir) = rest.strip_prefix("+ [") {
            dirs.truncate(bars);
            dirs.push(dir.split(' ').next().unwrap().to_string());
        } else if let Some(tag) = rest.strip_prefix("- Tag 0x") {
            // Back out of any deeper directory (a maker note's) this entry follows.
            dirs.truncate(bars);
            let ifd = match dirs.get(bars.saturating_sub(1)).map(|s| s.as_str()) {
                Some("IFD0") => "IFD0",
                Some("ExifIFD") => "Exif",
                Some("GPS") => "GPS",
                Some("InteropIFD") => "Interop",
                Some("IFD1") => "IFD1",
                _ => continue,
            };
            let id = u16::from_str_radix(&tag[..4], 16).unwrap();
            let ty = tag.split(", ").nth(1).unwrap_or("");
            let (name, count) = ty.split_once('[').unwrap_or((ty, "0]"));
            let count: u32 = count.split(']').next().unwrap().parse().unwrap_or(0);
            // A value exiftool reads as another type is shown in that type's form.
            let value = value.take().filter(|_| !tag.contains("read as"));
            entries.push((ifd.into(), id, field_type(name), count, value));
        } else if let Some((_, v)) = rest.split_once(") ").and_then(|(_, r)| r.split_once(" = ")) {
            value = Some(v.to_string());
        } else {
            value = None;
        }
    }
    entries
}

/// jtool's entries, with the values compared in exiftool's form: text trimmed, a
/// rational as `(n/d)`.
fn jtool_entries(data: &[u8]) -> Vec<Entry> {
    let fields = jtool::inspect::exif_fields::exif_fields(data).unwrap();
    fields
        .iter()
        // Entries of no TIFF type, or whose values lie outside the segment, are listed
        // by jtool as such; exiftool leaves them out.
        .filter(|f| (1..=13).contains(&f.typ) && !f.value.ends_with("outside the Exif data"))
        .map(|f| {
            let v = match (f.typ, f.count) {
                (2, _) => Some(f.value.trim().to_string()),
                (3 | 4, 1) => Some(f.value.clone()),
                (5, 1) => Some(format!("({})", f.value)),
                _ => None,
            };
            (f.ifd.to_string(), f.tag, f.typ, f.count, v)
        })
        .collect()
}

/// exiftool's value in the same form.
fn exiftool_value(e: &mut Entry) {
    e.4 = match (e.2, e.3, e.4.take()) {
        // Long text is cut ([snip]) and bytes outside ASCII shown as dots.
        (2, _, Some(v)) if v.contains("[snip]") || v.contains("..") => None,
        (2, _, Some(v)) => Some(v.trim().to_string()),
        (3 | 4, 1, v) => v,
        (5, 1, Some(v)) => v.rfind(" (").map(|i| v[i + 1..].to_string()),
        _ => None,
    };
}

#[test]
fn exif_entries_are_exiftools() {
    let Some(exiftool) = tool("exiftool") else {
        return;
    };
    let files = common::testdata_and_valid_jpegs();
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    let (with_exif, compared, valued) = (
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
    );
    let work = |path: &std::path::PathBuf| -> Vec<String> {
        let data = std::fs::read(path).unwrap();
        let ours = jtool_entries(&data);
        if ours.is_empty() {
            return Vec::new();
        }
        with_exif.fetch_add(1, Relaxed);
        let mut theirs = exiftool_entries(&exiftool, path);
        theirs.iter_mut().for_each(exiftool_value);
        // Values exiftool shows converted (a string it decodes, an ExifVersion of
        // type 2) are compared where both have them in the same form.
        let mut ours = ours;
        // exiftool lists a pointed-to IFD where its pointer is, jtool after the IFD
        // holding it; an entry without values has no type for exiftool.
        let key = |e: &Entry| (e.0.clone(), e.1, if e.3 == 0 { 0 } else { e.2 }, e.3);
        ours.sort_by_key(key);
        theirs.sort_by_key(key);
        let a: Vec<_> = ours.iter().map(key).collect();
        let b: Vec<_> = theirs.iter().map(key).collect();
        if a != b {
            let only = |x: &[(String, u16, u16, u32)], y: &[(String, u16, u16, u32)]| {
                x.iter()
                    .filter(|e| !y.contains(e))
                    .cloned()
                    .collect::<Vec<_>>()
            };
            return vec![format!(
                "{}: entries only jtool lists {:?}, only exiftool {:?}",
                path.display(),
                only(&a, &b),
                only(&b, &a)
            )];
        }
        compared.fetch_add(a.len(), Relaxed);
        let both = ours
            .iter()
            .zip(&theirs)
            .filter(|(o, t)| o.4.is_some() && t.4.is_some());
        valued.fetch_add(both.count(), Relaxed);
        let differ: Vec<String> = ours
            .iter()
            .zip(&theirs)
            .filter(|(o, t)| o.4.is_some() && t.4.is_some() && o.4 != t.4)
            .map(|(o, t)| format!("{} 0x{:04x}: {:?} {:?}", o.0, o.1, o.4, t.4))
            .collect();
        match differ.is_empty() {
            true => Vec::new(),
            false => vec![format!("{}: {}", path.display(), differ.join("; "))],
        }
    };
    let failures = common::parallel(&files, work);
    eprintln!(
        "jtool exif against exiftool -v2: {} files with Exif of {}, {} entries, {} values compared",
        with_exif.into_inner(),
        files.len(),
        compared.into_inner(),
        valued.into_inner()
    );
    common::report_failures("exif entries differ", &failures);
}

/// `jtool exif --summary` (what `jtool jhead FILE` prints) against exiftool's numbers
/// for the corpus camera files: make, model, date, aperture, ISO, focal length, flash.
#[test]
fn exif_summary_agrees_with_exiftool() {
    let Some(exiftool) = tool("exiftool") else {
        return;
    };
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let (mut checked, mut failures) = (0, Vec::new());
    for path in common::jpegs_in(&corpus.join("valid")) {
        if !path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("cam_")
        {
            continue;
        }
        let data = std::fs::read(&path).unwrap();
        let fields = jtool::inspect::exif_fields::exif_fields(&data).unwrap();
        let ours = jtool::inspect::exif_fields::exif_summary(&fields);
        let out = Command::new(&exiftool)
            .args([
                "-n",
                "-j",
                "-IFD0:Make",
                "-IFD0:Model",
                "-ExifIFD:DateTimeOriginal",
            ])
            .args([
                "-ExifIFD:FNumber",
                "-ExifIFD:ISO",
                "-ExifIFD:FocalLength",
                "-ExifIFD:Flash",
            ])
            .arg(&path)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let t = &v[0];
        let text = |k: &str| {
            t[k].as_str()
                .map(|s| s.trim().to_string())
                .or_else(|| t[k].as_f64().map(|n| n.to_string()))
        };
        let mut want: Vec<(&str, String)> = Vec::new();
        want.extend(
            text("Make")
                .filter(|s| !s.is_empty())
                .map(|s| ("Camera make", s)),
        );
        want.extend(
            text("Model")
                .filter(|s| !s.is_empty())
                .map(|s| ("Camera model", s)),
        );
        want.extend(text("DateTimeOriginal").map(|s| ("Date/Time", s)));
        want.extend(
            t["FNumber"]
                .as_f64()
                .filter(|&f| f > 0.0)
                .map(|f| ("Aperture", format!("f/{f:.1}"))),
        );
        want.extend(t["ISO"].as_u64().map(|i| ("ISO", i.to_string())));
        want.extend(t["Flash"].as_u64().map(|f| {
            (
                "Flash used",
                if f & 1 == 1 { "Yes" } else { "No" }.to_string(),
            )
        }));
        let focal = |s: &str| s.split(' ').next().and_then(|x| x.parse::<f64>().ok());
        let our_focal = ours
            .iter()
            .find(|(l, _)| *l == "Focal length")
            .and_then(|(_, v)| focal(v));
        if let Some(f) = t["FocalLength"].as_f64() {
            if our_focal.map_or(true, |o| (o - f).abs() > 0.051) {
                failures.push(format!(
                    "{}: focal length {our_focal:?} {f}",
                    path.display()
                ));
            }
        }
        for (label, value) in &want {
            checked += 1;
            let got = ours.iter().find(|(l, _)| l == label).map(|(_, v)| v);
            if got != Some(value) {
                failures.push(format!(
                    "{}: {label} {got:?}, exiftool {value:?}",
                    path.display()
                ));
            }
        }
    }
    eprintln!("exif --summary against exiftool: {checked} values");
    assert!(checked > 0 || !common::ci());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `jtool exif --new` (jhead -mkexif): files without Exif get a segment exiftool
/// validates, dated with the file's time, sized as the frame; the rest of the file is
/// the input's bytes, the new segment inserted.
#[test]
fn new_exif_is_valid_and_dated() {
    let Some(exiftool) = tool("exiftool") else {
        return;
    };
    let jtool = assert_cmd::cargo::cargo_bin("jtool");
    let dir = tempfile::tempdir().unwrap();
    let files = common::testdata_and_valid_jpegs();
    let (mut made, mut failures) = (0, Vec::new());
    for path in &files {
        let data = std::fs::read(path).unwrap();
        let ok = jtool::container::JpegFile::parse(&data).is_ok_and(|f| f.exif_segment().is_none());
        if !ok
            || !jtool::inspect::exif_fields::exif_fields(&data)
                .unwrap()
                .is_empty()
        {
            continue;
        }
        let (input, output) = (dir.path().join("in.jpg"), dir.path().join("out.jpg"));
        std::fs::write(&input, &data).unwrap();
        let f = std::fs::File::options().write(true).open(&input).unwrap();
        let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_234_567_890);
        f.set_modified(when).unwrap();
        let run = Command::new(&jtool)
            .args(["exif", "--new"])
            .arg(&input)
            .arg(&output)
            .env("TZ", "UTC")
            .output()
            .unwrap();
        if !run.status.success() {
            continue; // a file jtool cannot parse as a whole is refused, as by any command
        }
        made += 1;
        let out = std::fs::read(&output).unwrap();
        let fields = jtool::inspect::exif_fields::exif_fields(&out).unwrap();
        let get = |n: &str| {
            fields
                .iter()
                .find(|f| f.name == Some(n))
                .map(|f| f.value.clone())
        };
        let name = path.display();
        if get("DateTimeOriginal").as_deref() != Some("2009:02:13 23:31:30") {
            failures.push(format!("{name}: date {:?}", get("DateTimeOriginal")));
        }
        let grown = out.len() - data.len();
        let same_rest = out.len() > data.len()
            && (0..out.len() - grown)
                .any(|at| out[..at] == data[..at] && out[at + grown..] == data[at..]);
        if !same_rest {
            failures.push(format!("{name}: more than a segment inserted"));
        }
        let v = Command::new(&exiftool)
            .args(["-validate", "-warning", "-a", "-s", "-S"])
            .arg(&output)
            .output()
            .unwrap();
        let before = Command::new(&exiftool)
            .args(["-validate", "-warning", "-a", "-s", "-S"])
            .arg(&input)
            .output()
            .unwrap();
        let warnings = |o: &std::process::Output| {
            let t = String::from_utf8_lossy(&o.stdout).into_owned();
            t.lines()
                .filter(|l| !l.starts_with("OK") && !l.contains("Warnings"))
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        let new: Vec<String> = warnings(&v)
            .into_iter()
            .filter(|w| !warnings(&before).contains(w))
            .collect();
        if !new.is_empty() {
            failures.push(format!("{name}: exiftool warns {new:?}"));
        }
    }
    eprintln!("exif --new: {made} files given Exif");
    assert!(made > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The regions `jhead -exifmap` prints for a file: (start, end, kind), kind being
/// "dir", "data", "thumb", or jhead's own words for anything else.
fn jhead_map(jhead: &Path, file: &Path) -> Vec<(usize, usize, String)> {
    let out = Command::new(jhead)
        .arg("-exifmap")
        .arg(file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut regions = Vec::new();
    for line in text.lines() {
        // "Map: 00110-00125:   Data for tag 010f" (decimal offsets, end exclusive).
        let Some(rest) = line.strip_prefix("Map: ") else {
            continue;
        };
        let Some((range, what)) = rest.split_once(": ") else {
            continue;
        };
        let Some((a, b)) = range.split_once('-') else {
            continue;
        };
        let (Ok(a), Ok(b)) = (a.parse::<usize>(), b.trim().parse::<usize>()) else {
            continue;
        };
        let what = what.trim();
        // jhead walks some makers' maker note IFDs; jtool maps the maker note whole.
        if what.contains("makernote") {
            continue;
        }
        let kind = match () {
            _ if what.starts_with("Directory") => "dir",
            _ if what.starts_with("Data for tag") => "data",
            _ if what.starts_with("Thumbnail") => "thumb",
            _ => what,
        };
        regions.push((a, b, kind.to_string()));
    }
    regions
}

/// `exif --map` (`jhead -exifmap`): every region jhead maps (IFD directories, values
/// stored outside their entries, the thumbnail) is one of jtool's, but for the maker
/// note IFDs jhead walks for some makers (jtool maps the maker note whole, as the value
/// it is). jtool maps the GPS and Interoperability IFDs too, which jhead leaves out.
#[test]
fn exif_map_agrees_with_jhead() {
    let Some(jhead) = tool("jhead") else {
        return;
    };
    let files = common::testdata_and_valid_jpegs();
    let (mut mapped, mut same, mut regions) = (0, 0, 0);
    let mut wrong = Vec::new();
    for path in &files {
        let data = std::fs::read(path).unwrap();
        let Some(map) = jtool::inspect::exif_fields::exif_map(&data).unwrap() else {
            continue;
        };
        mapped += 1;
        let kind = |what: &str| match () {
            _ if what.contains("directory") => "dir",
            _ if what.contains("thumbnail") => "thumb",
            _ => "data",
        };
        let ours: Vec<(usize, usize, &str)> = (map.regions.iter())
            .filter(|r| !r.what.starts_with("unclaimed") && !r.what.starts_with("TIFF"))
            .map(|r| (r.start, r.end, kind(&r.what)))
            .collect();
        let theirs = jhead_map(&jhead, path);
        let mut all = true;
        for (a, b, k) in theirs.iter().filter(|(a, b, _)| b > a) {
            regions += 1;
            let found = ours
                .iter()
                .any(|&(s, e, o)| (s, e, o) == (*a, *b, k.as_str()));
            all &= found;
            if !found {
                wrong.push(format!("{}: jhead {a}-{b} {k}", path.display()));
            }
        }
        same += usize::from(all && ours.len() == theirs.iter().filter(|(a, b, _)| b > a).count());
    }
    eprintln!(
        "exif --map: {mapped} files with Exif, {regions} jhead regions; the same map as \
         jhead's for {same} files (the others: maker note, GPS and Interop IFDs)"
    );
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(mapped > 0);
}
