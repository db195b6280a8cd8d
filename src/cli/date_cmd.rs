//! `jtool date`: show and change the Exif dates, set file times from them and rename
//! files by them (jhead's `-ta`, `-da`, `-ts`, `-ds`, `-dsft`, `-tf`, `-ft` and `-n`).
//! Exif dates are local time without a zone, so converting them to and from file times
//! goes through the local time zone, as jhead does.

use super::args::OutputArgs;
use super::io::{self, Dest, Source};
use super::{describe, io_message, plan_jobs, run_jobs, usage, Context, Done, Failure};
use super::{EXIT_FAILED, EXIT_OK, EXIT_WARNING};
use chrono::{Datelike, TimeZone, Timelike};
use clap::Args;
use jtool::pipeline::{self, DateEdit, ExifDateTime};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

#[derive(Debug, Args)]
pub struct DateArgs {
    /// Move every Exif date (DateTime, DateTimeOriginal, DateTimeDigitized) by
    /// [+|-]H[:MM[:SS]], each from its own value (jhead -ta); hours may pass 24.
    #[arg(long, value_name = "[+|-]H[:MM[:SS]]", allow_hyphen_values = true)]
    pub shift: Option<String>,
    /// Set every Exif date to "YYYY:MM:DD HH:MM:SS" (jhead -ts; `-` or `/` may stand
    /// for the space).
    #[arg(long, value_name = "DATE", conflicts_with_all = ["shift", "set_date", "from_file_time", "time_of"])]
    pub set: Option<String>,
    /// Set the year, and the month and day when given, of every Exif date, keeping
    /// the time of day: YYYY[:MM[:DD]] (jhead -ds). A day the month lacks runs on
    /// into the next (February 31 is March 3), as in jhead.
    #[arg(long, value_name = "YYYY[:MM[:DD]]", conflicts_with_all = ["shift", "from_file_time", "time_of"])]
    pub set_date: Option<String>,
    /// Set every Exif date to the file's modification time, in local time (jhead -dsft).
    #[arg(long, conflicts_with_all = ["shift", "time_of"])]
    pub from_file_time: bool,
    /// Set every Exif date to FILE's modification time, in local time (jhead -tf).
    #[arg(long, value_name = "FILE", conflicts_with = "shift")]
    pub time_of: Option<PathBuf>,
    /// Set each file's modification time to the picture's date (DateTimeOriginal, else
    /// DateTimeDigitized, else DateTime), read as local time (jhead -ft); after a
    /// change, the date written.
    #[arg(long)]
    pub touch: bool,
    /// Rename each file by the picture's date (the file's modification time when it
    /// has none), with strftime's conversions (%Y %m %d %H %M %S %j %b ...), `%f` for
    /// the old name without extension and `%i` (`%03i`) for a sequence number; the
    /// extension is kept, a `/` makes directories, and a name taken gets a letter (a
    /// digit after a letter) added, as jhead -n does.
    #[arg(long, value_name = "FORMAT")]
    pub rename: Option<String>,
    /// Without a change to make: the files whose dates to show (or to --touch and
    /// --rename in place).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `[+|-]H[:MM[:SS]]` as seconds.
fn parse_shift(s: &str) -> Option<i64> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'-' => (-1, &s[1..]),
        b'+' => (1, &s[1..]),
        _ => (1, s),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let ok = |p: &&str| !p.is_empty() && p.len() <= 9 && p.bytes().all(|c| c.is_ascii_digit());
    if parts.len() > 3 || !parts.iter().all(ok) {
        return None;
    }
    let v: Vec<i64> = parts.iter().map(|p| p.parse().unwrap_or(0)).collect();
    if v[1..].iter().any(|&x| x >= 60) {
        return None;
    }
    let secs = v[0] * 3600 + v.get(1).unwrap_or(&0) * 60 + v.get(2).unwrap_or(&0);
    Some(sign * secs)
}

/// `YYYY[:MM[:DD]]`.
fn parse_set_date(s: &str) -> Option<DateEdit> {
    let parts: Vec<&str> = s.split(':').collect();
    let digits = |p: &str, n| p.len() == n && p.bytes().all(|c| c.is_ascii_digit());
    let widths = [4, 2, 2];
    if parts.len() > 3 || parts.iter().zip(widths).any(|(p, n)| !digits(p, n)) {
        return None;
    }
    let year: u16 = parts[0].parse().ok()?;
    let month = parts.get(1).map(|m| m.parse::<u8>().unwrap_or(0));
    let day = parts.get(2).map(|d| d.parse::<u8>().unwrap_or(0));
    // A day the month lacks runs on into the next month, as in jhead.
    let ok = (1..=9999).contains(&year)
        && month.map_or(true, |m| (1..=12).contains(&m))
        && day.map_or(true, |d| (1..=31).contains(&d));
    ok.then_some(DateEdit::SetDate { year, month, day })
}

/// A local time as a system time (the earlier one when a clock change repeats it;
/// the hour a clock change skips is taken as the hour after).
fn system_time(d: &ExifDateTime) -> Option<SystemTime> {
    let naive = chrono::NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())?
        .and_hms_opt(d.hour.into(), d.minute.into(), d.second.into())?;
    let local = chrono::Local.from_local_datetime(&naive);
    let t = local.earliest().or_else(|| {
        chrono::Local
            .from_local_datetime(&(naive + chrono::Duration::hours(1)))
            .earliest()
    })?;
    Some(SystemTime::from(t))
}

/// A system time as local time.
pub(super) fn local_date(t: SystemTime) -> Option<ExifDateTime> {
    let l = chrono::DateTime::<chrono::Local>::from(t);
    let year = u16::try_from(l.year()).ok()?;
    let small = |v: u32| v as u8;
    ExifDateTime::new(
        year,
        small(l.month()),
        small(l.day()),
        small(l.hour()),
        small(l.minute()),
        small(l.second()),
    )
}

fn modified(p: &Path) -> Result<SystemTime, String> {
    std::fs::metadata(p)
        .and_then(|m| m.modified())
        .map_err(|e| io_message(&e))
}

/// A file's modification time as a local date (`None` for standard input).
pub(super) fn file_date(src: &Source) -> Option<ExifDateTime> {
    match src {
        Source::File(p) => modified(p).ok().and_then(local_date),
        Source::Stdin => None,
    }
}

/// The change asked for, if any; `Err` is a usage message. `--from-file-time` is made
/// per file (`None` here, `per_file` true).
fn plan_edit(a: &DateArgs) -> Result<(Option<DateEdit>, bool), String> {
    if let Some(s) = &a.shift {
        let secs = parse_shift(s).ok_or(format!("--shift {s}: not [+|-]H[:MM[:SS]]"))?;
        return Ok((Some(DateEdit::Shift(secs)), false));
    }
    if let Some(s) = &a.set {
        let d = ExifDateTime::parse_with(s, b" -/")
            .ok_or(format!("--set {s}: not a date YYYY:MM:DD HH:MM:SS"))?;
        return Ok((Some(DateEdit::Set(d)), false));
    }
    if let Some(s) = &a.set_date {
        let e = parse_set_date(s).ok_or(format!("--set-date {s}: not YYYY[:MM[:DD]]"))?;
        return Ok((Some(e), false));
    }
    if let Some(p) = &a.time_of {
        let t = modified(p).map_err(|m| format!("--time-of {}: {m}", p.display()))?;
        let d = local_date(t).ok_or(format!("--time-of {}: no date", p.display()))?;
        return Ok((Some(DateEdit::Set(d)), false));
    }
    Ok((None, a.from_file_time))
}

pub fn run_date(ctx: &Context, a: &DateArgs) -> i32 {
    let (edit, per_file) = match plan_edit(a) {
        Ok(e) => e,
        Err(m) => return usage(&m),
    };
    if let Some(f) = &a.rename {
        let probe = ExifDateTime::new(2000, 1, 1, 0, 0, 0).expect("a date");
        if let Err(e) = pipeline::date_name(f, &probe, "x", 1) {
            return usage(&describe(&e));
        }
    }
    let file_steps = a.touch || a.rename.is_some();
    if edit.is_none() && !per_file {
        let o = &a.output;
        if o.in_place || o.out_dir.is_some() || o.preserve_times || o.dry_run {
            return usage("--in-place, --out-dir, -p and --dry-run go with a change to make");
        }
        if !file_steps {
            return show_dates(&o.files);
        }
        if o.files.iter().any(|f| f == "-") {
            return usage("--touch and --rename need file names, not -");
        }
        let files: Vec<PathBuf> = o.files.iter().map(PathBuf::from).collect();
        return file_actions(ctx, a, &files);
    }
    let jobs = match plan_jobs(&a.output) {
        Ok(j) => j,
        Err(Failure::Usage(m)) | Err(Failure::File(m)) => return usage(&m),
    };
    let outputs: Vec<PathBuf> = (jobs.iter())
        .filter_map(|j| match &j.dest {
            Dest::File(p) => Some(p.clone()),
            Dest::Stdout => None,
        })
        .collect();
    // --from-file-time: each input's own time, looked up by its output.
    let own_times: Vec<(Dest, Option<ExifDateTime>)> = (jobs.iter())
        .map(|j| (j.dest.clone(), file_date(&j.src).filter(|_| per_file)))
        .collect();
    let op = |data: &[u8], dest: &Dest| {
        let e = match edit {
            Some(e) => e,
            None => match own_times.iter().find(|(d, _)| d == dest) {
                Some((_, Some(t))) => DateEdit::Set(*t),
                _ => {
                    return Err(jtool::Error::BadRequest(
                        "--from-file-time needs a file, not standard input".into(),
                    ))
                }
            },
        };
        pipeline::edit_dates(data, &e).map(Done::from)
    };
    let code = run_jobs(ctx, jobs, op);
    if !file_steps || a.output.dry_run {
        return code;
    }
    if code != EXIT_OK && code != EXIT_WARNING {
        say!("jtool: files not touched or renamed: a change failed");
        return code;
    }
    match file_actions(ctx, a, &outputs) {
        EXIT_OK => code,
        failed => failed,
    }
}

/// Lists each file's Exif dates: `NAME (IFD) TEXT`, a line each.
fn show_dates(files: &[std::ffi::OsString]) -> i32 {
    super::meta_cmd::show_each(files, |data| {
        let tags = pipeline::exif_dates(data)?;
        let mut out = String::new();
        if tags.is_empty() {
            out += "no Exif date\n";
        }
        for t in &tags {
            let name = format!("{} ({})", t.name, t.ifd);
            out += &format!("{name:<26} {}\n", t.text.escape_debug());
        }
        Ok(out.into_bytes())
    })
}

/// --touch and --rename on files as they now are, one after the other (the sequence
/// number of --rename counts them in order).
fn file_actions(ctx: &Context, a: &DateArgs, files: &[PathBuf]) -> i32 {
    let mut code = EXIT_OK;
    for (i, p) in files.iter().enumerate() {
        let name = io::escape(&p.to_string_lossy());
        match file_action(a, p, i + 1, &name, ctx.quiet) {
            Ok(Some(new)) if ctx.verbose > 0 => {
                say!("jtool: {name} -> {}", io::escape(&new.to_string_lossy()))
            }
            Ok(_) => {}
            Err(m) => {
                say!("jtool: {name}: {m}");
                code = EXIT_FAILED;
            }
        }
    }
    code
}

/// --touch and --rename on one file; the new name when it was renamed. A file
/// without a readable date keeps its time, with a warning (jhead passes it by).
fn file_action(
    a: &DateArgs,
    p: &Path,
    seq: usize,
    name: &str,
    quiet: bool,
) -> Result<Option<PathBuf>, String> {
    let data = std::fs::read(p).map_err(|e| io_message(&e))?;
    let tags = pipeline::exif_dates(&data).map_err(|e| describe(&e))?;
    let taken = pipeline::capture_date(&tags);
    let time = taken.and_then(|d| system_time(&d));
    if a.touch && time.is_none() && !quiet {
        say!("jtool: {name}: warning: no Exif date to set the file time from; left as it is");
    }
    if let (true, Some(t)) = (a.touch, time) {
        let times = std::fs::FileTimes::new().set_modified(t);
        io::set_file_times(p, times).map_err(|e| io_message(&e))?;
    }
    let Some(format) = &a.rename else {
        return Ok(None);
    };
    let date = match taken {
        Some(d) => d,
        None => local_date(modified(p)?).ok_or("the file time is no date")?,
    };
    rename_by_date(p, format, &date, seq)
}

/// Renames `p` to the name `format` makes of `date`; `None` when it has that name.
fn rename_by_date(
    p: &Path,
    format: &str,
    date: &ExifDateTime,
    seq: usize,
) -> Result<Option<PathBuf>, String> {
    let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned());
    let made = pipeline::date_name(format, date, stem.as_deref().unwrap_or(""), seq)
        .map_err(|e| describe(&e))?;
    let ext = p.extension().map(|e| format!(".{}", e.to_string_lossy()));
    let dir = p.parent().unwrap_or(Path::new(""));
    let base = dir.join(&made);
    let with = |suffix: &str| {
        let mut s = base.clone().into_os_string();
        s.push(suffix);
        s.push(ext.as_deref().unwrap_or(""));
        PathBuf::from(s)
    };
    let first = with("");
    if io::same_file(p, &first) || first == p {
        return Ok(None);
    }
    if let Some(parent) = first.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| io_message(&e))?;
    }
    // jhead's suffixes: a, b, c… or, after a name ending in a letter, 0, 1, 2…
    let letters = made.ends_with(|c: char| c.is_ascii_alphabetic());
    let pool: Vec<char> = match letters {
        true => ('0'..='9').collect(),
        false => ('a'..='z').collect(),
    };
    let candidates = std::iter::once(first).chain(pool.iter().map(|c| with(&c.to_string())));
    for target in candidates {
        if io::same_file(p, &target) {
            return Ok(None);
        }
        if target.symlink_metadata().is_ok() {
            continue;
        }
        // A hard link fails rather than replace a name taken meanwhile.
        return match std::fs::hard_link(p, &target).and_then(|()| std::fs::remove_file(p)) {
            Ok(()) => Ok(Some(target)),
            Err(_) => std::fs::rename(p, &target)
                .map(|()| Some(target))
                .map_err(|e| io_message(&e)),
        };
    }
    Err(format!(
        "every name {} with a suffix is taken",
        base.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifts_and_dates_parse_as_jhead_takes_them() {
        assert_eq!(parse_shift("+1"), Some(3600));
        assert_eq!(parse_shift("-1:30"), Some(-5400));
        assert_eq!(parse_shift("48:00:05"), Some(172_805));
        for bad in ["", "+", "1:60", "1:2:3:4", "a", "1::2"] {
            assert_eq!(parse_shift(bad), None, "{bad}");
        }
        let sd = |y, m, d| {
            Some(DateEdit::SetDate {
                year: y,
                month: m,
                day: d,
            })
        };
        assert_eq!(parse_set_date("2010"), sd(2010, None, None));
        assert_eq!(parse_set_date("2010:02"), sd(2010, Some(2), None));
        assert_eq!(parse_set_date("2010:02:28"), sd(2010, Some(2), Some(28)));
        for bad in [
            "201",
            "2010:2",
            "2010:13",
            "2010:02:32",
            "0000",
            "2010:02:28:01",
        ] {
            assert_eq!(parse_set_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn local_times_round_trip() {
        let d = ExifDateTime::parse("2004:07:01 12:34:56").unwrap();
        assert_eq!(local_date(system_time(&d).unwrap()), Some(d));
    }
}
