//! jhead's command line (`jtool jhead ...`, or jtool called `jhead`): each switch
//! becomes a jtool command, run over every file in turn; the commands run in the order
//! metadata, thumbnail, rotation, dates, so that file times and names are set last.

use jtool::container::Marker;
use std::ffi::OsString;

/// Every metadata kind `strip --keep` names.
const ALL_KINDS: [&str; 12] = [
    "exif",
    "icc",
    "xmp",
    "comments",
    "jfif",
    "adobe",
    "jfxx",
    "mpf",
    "photoshop",
    "ducky",
    "c2pa",
    "other",
];

/// What the switches ask for.
#[derive(Debug, Default)]
struct Jhead {
    /// Metadata kinds removed (-de, -dc, -di, -dx, -du, -purejpg).
    removed: Vec<&'static str>,
    drop_thumbnail: bool,
    /// -zt: the zeros padding Exif cut.
    trim: bool,
    comment: Option<OsString>,
    comment_file: Option<OsString>,
    save_thumbnail: Option<OsString>,
    /// -cs: the file the comment is saved to (`&i` stands for each file's name).
    save_comment: Option<OsString>,
    /// -ce: the comment edited in the user's editor.
    edit_comment: bool,
    replace_thumbnail: Option<OsString>,
    /// -te: the file to take Exif from (`&i` stands for each file's name).
    transfer: Option<OsString>,
    /// -cmd: a shell command run on each file, its Exif put back afterwards.
    command: Option<OsString>,
    /// -mkexif: a minimal Exif segment for files without one.
    mkexif: bool,
    /// -exifmap: the map of each file's Exif bytes first.
    exifmap: bool,
    /// -rgt[N]: the side of the square the new Exif thumbnail fits in (160 unless given).
    regenerate: Option<u32>,
    autorot: bool,
    norot: bool,
    /// The `date` option and its value (-ta, -da, -ts, -ds, -dsft, -tf).
    date: Option<(&'static str, Option<OsString>)>,
    touch: bool,
    rename: Option<String>,
    /// File filters: -model (a substring of the Exif Model), -exonly, -orp (1) / -orl (-1),
    /// -quality (jhead's quality guess at least this).
    model: Option<String>,
    exif_only: bool,
    portrait: i8,
    quality: Option<u32>,
    files: Vec<OsString>,
}

/// jhead's "JPEG Quality": from the last table in slot 0, the mean over its 64 entries of
/// 100 × entry / Annex K luminance entry (s), as IJG quality (200 − s) / 2 when s ≤ 100,
/// else 5000 / s, rounded; 100 for a table of ones, 0 when there is no slot-0 table.
fn jhead_quality(jpeg: &jtool::container::JpegFile) -> u32 {
    use jtool::coeffs::ijg::ANNEX_K_LUMA;
    let dqt = jpeg.segments().filter(|s| s.marker == Marker::DQT);
    let tables = dqt.filter_map(|s| jtool::container::parse_dqt(s).ok());
    let Some(t) = tables.flatten().filter(|(slot, _)| *slot == 0).last() else {
        return 0;
    };
    let v = &t.1.values;
    let s = (v.iter().zip(ANNEX_K_LUMA))
        .map(|(&q, k)| 100.0 * f64::from(q) / f64::from(k))
        .sum::<f64>()
        / 64.0;
    let q = match () {
        _ if v.iter().all(|&q| q == 1) => 100.0,
        _ if s <= 100.0 => (200.0 - s) / 2.0,
        _ => 5000.0 / s,
    };
    (q + 0.5) as u32
}

/// Whether jhead's filters (-model, -exonly, -orp, -orl, -quality) let `file` through. A
/// file that does not read is let through, for the command to report.
fn passes(j: &Jhead, file: &OsString) -> bool {
    if j.model.is_none() && !j.exif_only && j.portrait == 0 && j.quality.is_none() {
        return true;
    }
    let Ok(data) = std::fs::read(file) else {
        return true;
    };
    let Ok(jpeg) = jtool::container::JpegFile::parse(&data) else {
        return true;
    };
    // Exif jhead reads: a segment whose IFD0 reads.
    let exif = (jpeg.exif_segment())
        .and_then(|s| jtool::container::exif::parse_app1(s.body))
        .filter(|e| e.ifd0.is_some());
    let model = exif
        .as_ref()
        .and_then(|e| e.model.as_ref())
        .map(|m| m.value.clone());
    let frame = jpeg.frame();
    // jhead compares the frame's width and height; a square image is both.
    let (w, h) = frame.map_or((0, 0), |f| (f.width, f.height));
    let shape_ok = match j.portrait {
        1 => w <= h,
        -1 => w >= h,
        _ => true,
    };
    let model_ok = j
        .model
        .as_ref()
        .map_or(true, |m| model.is_some_and(|v| v.contains(m.as_str())));
    let quality_ok = j.quality.map_or(true, |q| jhead_quality(&jpeg) >= q);
    shape_ok && model_ok && quality_ok && (!j.exif_only || exif.is_some())
}

/// `yyyy:mm:dd` or `yyyy:mm:dd/hh:mm:ss` (jhead -da) as Exif's date and time.
fn da_date(s: &str) -> Option<jtool::pipeline::ExifDateTime> {
    let full = match s.len() {
        10 => format!("{s} 00:00:00"),
        _ => s.replacen('/', " ", 1),
    };
    jtool::pipeline::ExifDateTime::parse(&full)
}

/// jhead -da`NEW-OLD`: the shift from OLD to NEW, as `date --shift` takes it.
fn da_shift(v: &str) -> Result<String, String> {
    let bad = || format!("-da{v}: not <date>-<date> (yyyy:mm:dd[/hh:mm:ss])");
    let (new, old) = v.split_once('-').ok_or_else(bad)?;
    let (new, old) = (da_date(new).ok_or_else(bad)?, da_date(old).ok_or_else(bad)?);
    let d = new.seconds() - old.seconds();
    let (sign, a) = (if d < 0 { "-" } else { "+" }, d.abs());
    Ok(format!(
        "{sign}{}:{:02}:{:02}",
        a / 3600,
        a / 60 % 60,
        a % 60
    ))
}

fn set_date(j: &mut Jhead, opt: &'static str, v: Option<OsString>) -> Result<(), String> {
    if j.date.is_some() {
        return Err("one of -ta, -da, -ts, -ds, -dsft and -tf at a time".into());
    }
    j.date = Some((opt, v));
    Ok(())
}

/// The metadata kinds a switch removes.
fn removal(sw: &str) -> Option<Vec<&'static str>> {
    let all_but = |kept: &[&str]| {
        ALL_KINDS
            .into_iter()
            .filter(|k| !kept.contains(k))
            .collect()
    };
    Some(match sw {
        "-de" => vec!["exif"],
        "-dc" => vec!["comments"],
        "-di" => vec!["photoshop"],
        "-dx" => vec!["xmp"],
        // Everything but Exif, comments, IPTC and XMP (Adobe's colour marker stays:
        // without it a CMYK or RGB file would decode wrong).
        "-du" => all_but(&["exif", "comments", "photoshop", "xmp", "adobe"]),
        "-purejpg" => all_but(&["jfif", "adobe"]),
        _ => return None,
    })
}

/// Reads jhead's switches; `Ok(None)` for -V.
fn options(args: &[OsString]) -> Result<Option<Jhead>, String> {
    let mut j = Jhead::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let sw = arg.to_string_lossy().into_owned();
        if !sw.starts_with('-') || sw == "-" {
            j.files.push(arg.clone());
            continue;
        }
        let mut value = || it.next().cloned().ok_or(format!("{sw} needs an argument"));
        if let Some(kinds) = removal(&sw) {
            j.removed.extend(kinds);
            continue;
        }
        match sw.as_str() {
            "-V" => return Ok(None),
            "-h" => return Err(String::new()),
            "-q" | "-se" | "-c" | "-v" | "-nofinfo" => {}
            "-autorot" => j.autorot = true,
            "-exifmap" => j.exifmap = true,
            "-norot" => j.norot = true,
            "-dt" => j.drop_thumbnail = true,
            "-zt" => j.trim = true,
            "-cl" => j.comment = Some(value()?),
            "-ce" => j.edit_comment = true,
            "-ci" => j.comment_file = Some(value()?),
            "-st" => j.save_thumbnail = Some(value()?),
            "-cs" => j.save_comment = Some(value()?),
            "-rt" => j.replace_thumbnail = Some(value()?),
            "-te" => j.transfer = Some(value()?),
            "-cmd" => j.command = Some(value()?),
            "-model" => j.model = Some(value()?.to_string_lossy().into_owned()),
            "-exonly" => j.exif_only = true,
            "-orp" => j.portrait = 1,
            "-orl" => j.portrait = -1,
            "-quality" => {
                let v = value()?;
                let q = v.to_str().and_then(|s| s.parse().ok());
                j.quality = Some(q.ok_or(format!("-quality needs a number, not {v:?}"))?);
            }
            "-mkexif" => j.mkexif = true,
            "-ft" => j.touch = true,
            "-dsft" => set_date(&mut j, "--from-file-time", None)?,
            "-tf" => set_date(&mut j, "--time-of", Some(value()?))?,
            _ => date_switch(&mut j, &sw)?,
        }
    }
    Ok(Some(j))
}

/// The switches with their value attached: -rgt, -n, -ta, -da, -ts, -ds.
fn date_switch(j: &mut Jhead, sw: &str) -> Result<(), String> {
    let attached = |p: &str| sw.strip_prefix(p).filter(|v| !v.is_empty());
    if let Some(n) = sw.strip_prefix("-rgt") {
        let side = if n.is_empty() {
            Ok(160)
        } else {
            n.parse::<u32>()
        };
        j.regenerate = match side {
            Ok(s) if s > 320 => {
                return Err("specified thumbnail geometry too big (-rgt320 at most)".into())
            }
            Ok(s) if s > 0 => Some(s),
            _ => return Err(format!("unknown option {sw}")),
        };
    } else if let Some(f) = sw.strip_prefix("-n") {
        j.rename = Some(if f.is_empty() { "%m%d-%H%M%S" } else { f }.to_string());
    } else if let Some(v) = attached("-ta") {
        set_date(j, "--shift", Some(v.into()))?;
    } else if let Some(v) = attached("-da") {
        set_date(j, "--shift", Some(da_shift(v)?.into()))?;
    } else if let Some(v) = attached("-ts") {
        set_date(j, "--set", Some(v.into()))?;
    } else if let Some(v) = attached("-ds") {
        set_date(j, "--set-date", Some(v.into()))?;
    } else {
        let known = ["-a", "-cr", "-ca", "-ar"];
        return Err(match known.iter().any(|k| sw.starts_with(k)) {
            true => format!("jhead {sw} is not supported by jtool"),
            false => format!("unknown option {sw}"),
        });
    }
    Ok(())
}

/// The `jtool strip` words for -dc, -de, -di, -dx, -du, -purejpg, -dt and -zt, if any
/// of them was given.
fn strip_words(j: &Jhead) -> Option<Vec<String>> {
    if j.removed.is_empty() && !j.drop_thumbnail && !j.trim {
        return None;
    }
    let kept: Vec<&str> = ALL_KINDS
        .into_iter()
        .filter(|k| !j.removed.contains(k))
        .collect();
    let list = if kept.is_empty() {
        "none".to_string()
    } else {
        kept.join(",")
    };
    let mut words: Vec<String> = vec!["strip".into(), "--keep".into(), list];
    if j.drop_thumbnail {
        words.push("--drop-exif-thumbnail".into());
    }
    if j.trim {
        words.push("--trim-exif-padding".into());
    }
    Some(words)
}

/// `jtool WORDS VALUES [--in-place -p] FILES`: one jtool command line. jhead keeps a
/// file's times when it changes it (-ft sets them after), hence -p with --in-place.
fn jtool_line(
    words: &[&str],
    values: impl IntoIterator<Item = OsString>,
    in_place: bool,
    files: &[OsString],
) -> Vec<OsString> {
    let mut a: Vec<OsString> = std::iter::once("jtool")
        .chain(words.iter().copied())
        .map(OsString::from)
        .collect();
    a.extend(values);
    if in_place {
        a.extend(["--in-place".into(), "-p".into()]);
    }
    a.extend(files.iter().cloned());
    a
}

/// The lines that run before jhead's own changes: the Exif map (jhead prints it as it
/// reads each file), the -cmd command, and -te's Exif from another file (the switches
/// after it act on the new Exif).
fn leading_lines(j: &Jhead) -> Vec<Vec<OsString>> {
    let mut lines: Vec<Vec<OsString>> = Vec::new();
    if j.exifmap {
        lines.push(jtool_line(&["exif", "--map"], [], false, &j.files));
    }
    if let Some(command) = &j.command {
        let values = [command.clone(), "-p".into()];
        lines.push(jtool_line(&["exif", "--through"], values, false, &j.files));
    }
    if let Some(name) = &j.transfer {
        per_file_lines(&mut lines, name, &j.files, &["exif", "--from"], true);
    }
    lines
}

/// jhead's command line as jtool command lines, run one after the other.
pub fn jhead(args: &[OsString]) -> Result<Option<Vec<Vec<OsString>>>, String> {
    let Some(mut j) = options(args)? else {
        return Ok(None);
    };
    if j.files.is_empty() {
        return Err("no files given".into());
    }
    let files = std::mem::take(&mut j.files);
    j.files = files.into_iter().filter(|f| passes(&j, f)).collect();
    if j.files.is_empty() {
        // Every file filtered out: nothing to run (jhead then exits with 1).
        return Ok(Some(Vec::new()));
    }
    let mut lines = leading_lines(&j);
    let mut line = |words: &[&str], values: &[&OsString], in_place: bool| {
        let values = values.iter().map(|v| (*v).clone());
        lines.push(jtool_line(words, values, in_place, &j.files));
    };
    if j.mkexif {
        line(&["exif", "--new"], &[], true);
    }
    if let Some(words) = strip_words(&j) {
        let words: Vec<&str> = words.iter().map(|s| s.as_str()).collect();
        line(&words, &[], true);
    }
    match (&j.comment, &j.comment_file) {
        (Some(t), _) => line(&["comment", "--replace", "--add"], &[t], true),
        (None, Some(f)) => line(&["comment", "--replace", "--add-file"], &[f], true),
        (None, None) => {}
    }
    if j.edit_comment {
        line(&["comment", "--edit"], &[], true);
    }
    if let Some(t) = &j.replace_thumbnail {
        line(&["thumbnail", "--insert"], &[t], true);
    }
    if let Some(side) = j.regenerate {
        let side = OsString::from(side.to_string());
        line(
            &["thumbnail", "--regenerate", "--if-present", "--size"],
            &[&side],
            true,
        );
    }
    if j.autorot {
        line(&["auto-orient", "--trim", "--skip-upright"], &[], true);
    }
    if j.norot {
        line(&["orientation", "--set", "1", "--if-present"], &[], true);
    }
    let date_words = date_line(&j);
    if let Some((words, values)) = &date_words {
        let words: Vec<&str> = words.iter().map(|s| s.as_str()).collect();
        let values: Vec<&OsString> = values.iter().collect();
        line(&words, &values, j.date.is_some());
    }
    if let Some(name) = &j.save_thumbnail {
        let words = ["thumbnail", "--extract", "--if-present"];
        per_file_lines(&mut lines, name, &j.files, &words, false);
    }
    if let Some(name) = &j.save_comment {
        per_file_lines(&mut lines, name, &j.files, &["comment", "--extract"], false);
    }
    // Nothing but the map asked for: the summary follows, as jhead prints it.
    if lines.len() == usize::from(j.exifmap) {
        lines.push(jtool_line(&["exif", "--summary"], [], false, &j.files));
    }
    Ok(Some(lines))
}

/// The `date` command's words and option values for the date switches, if any.
fn date_line(j: &Jhead) -> Option<(Vec<String>, Vec<OsString>)> {
    if j.date.is_none() && !j.touch && j.rename.is_none() {
        return None;
    }
    let mut words = vec!["date".to_string()];
    let mut values = Vec::new();
    if let Some((opt, v)) = &j.date {
        match v {
            Some(v) => {
                // `--opt=VALUE`, so that a value starting with `-` is not an option.
                let mut joined = OsString::from(format!("{opt}="));
                joined.push(v);
                values.push(joined);
            }
            None => words.push(opt.to_string()),
        }
    }
    if j.touch {
        words.push("--touch".into());
    }
    if let Some(f) = &j.rename {
        values.push(format!("--rename={f}").into());
    }
    Some((words, values))
}

/// jhead -st NAME (`words` FILE NAME) and -te NAME (`words` NAME --in-place -p FILE):
/// a command per file, `&i` in NAME standing for the file's name.
fn per_file_lines(
    lines: &mut Vec<Vec<OsString>>,
    name: &OsString,
    files: &[OsString],
    words: &[&str],
    named_first: bool,
) {
    for f in files {
        let named: OsString = match name.to_str() {
            Some(n) => n.replace("&i", &f.to_string_lossy()).into(),
            None => name.clone(),
        };
        lines.push(match named_first {
            true => jtool_line(words, [named], true, std::slice::from_ref(f)),
            false => jtool_line(words, [f.clone(), named], false, &[]),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(line: &str) -> Result<Option<Vec<String>>, String> {
        let args: Vec<OsString> = line.split(' ').map(OsString::from).collect();
        jhead(&args).map(|o| {
            o.map(|lines| {
                let s: Vec<String> = lines
                    .iter()
                    .map(|l| {
                        l.iter()
                            .map(|w| w.to_string_lossy())
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .collect();
                s
            })
        })
    }

    #[test]
    fn switches_become_jtool_commands() {
        let one = |line: &str| run(line).unwrap().unwrap();
        assert_eq!(
            one("-autorot -ft a.jpg b.jpg"),
            [
                "jtool auto-orient --trim --skip-upright --in-place -p a.jpg b.jpg",
                "jtool date --touch a.jpg b.jpg"
            ]
        );
        assert_eq!(
            one("-ta-1:30 -n%Y%m%d a.jpg"),
            ["jtool date --shift=-1:30 --rename=%Y%m%d --in-place -p a.jpg"]
        );
        assert_eq!(
            one("-da2004:03:01-2001:06:09 a.jpg"),
            ["jtool date --shift=+23904:00:00 --in-place -p a.jpg"]
        );
        assert_eq!(one("-n a.jpg"), ["jtool date --rename=%m%d-%H%M%S a.jpg"]);
        assert_eq!(
            one("-de -dx -dt a.jpg"),
            ["jtool strip --keep icc,comments,jfif,adobe,jfxx,mpf,photoshop,ducky,c2pa,other --drop-exif-thumbnail --in-place -p a.jpg"]
        );
        assert_eq!(
            one("-purejpg a.jpg"),
            ["jtool strip --keep jfif,adobe --in-place -p a.jpg"]
        );
        assert_eq!(
            one("-st th_&i a.jpg"),
            ["jtool thumbnail --extract --if-present a.jpg th_a.jpg"]
        );
        assert_eq!(one("a.jpg"), ["jtool exif --summary a.jpg"]);
        assert_eq!(
            one("-exifmap a.jpg"),
            ["jtool exif --map a.jpg", "jtool exif --summary a.jpg"]
        );
        assert_eq!(
            one("-exifmap -dt a.jpg"),
            [
                "jtool exif --map a.jpg",
                "jtool strip --keep exif,icc,xmp,comments,jfif,adobe,jfxx,mpf,photoshop,ducky,c2pa,other --drop-exif-thumbnail --in-place -p a.jpg"
            ]
        );
        assert_eq!(
            one("-mkexif -dsft a.jpg"),
            [
                "jtool exif --new --in-place -p a.jpg",
                "jtool date --from-file-time --in-place -p a.jpg"
            ]
        );
        assert_eq!(
            one("-cmd x -autorot a.jpg"),
            [
                "jtool exif --through x -p a.jpg",
                "jtool auto-orient --trim --skip-upright --in-place -p a.jpg"
            ]
        );
        assert_eq!(run("-V").unwrap(), None);
        assert_eq!(
            one("-te orig/&i a.jpg"),
            ["jtool exif --from orig/a.jpg --in-place -p a.jpg"]
        );
        assert_eq!(
            one("-ce a.jpg b.jpg"),
            ["jtool comment --edit --in-place -p a.jpg b.jpg"]
        );
        for bad in [
            "-ta+1 -ts2001:01:01-00:00:00 a.jpg",
            "-zz a.jpg",
            "-ft",
            "-da2004-1 a.jpg",
            "-cl",
        ] {
            assert!(run(bad).is_err(), "{bad}");
        }
    }
}
