//! `jtool comment` and `jtool orientation`: the comment and orientation tools that
//! come with jpegtran (`rdjpgcom`, `wrjpgcom`, `jpegexiforient`).

use super::args::OutputArgs;
use super::io::{self, Source};
use super::{describe, io_message, plan_jobs, read_option_file, run_jobs, usage};
use super::{Context, Done, Failure};
use super::{EXIT_FAILED, EXIT_OK};
use clap::Args;
use jtool::pipeline;
use std::io::Write;

#[derive(Debug, Args)]
pub struct CommentArgs {
    /// Add a comment with this text (wrjpgcom -comment): a COM segment just before the
    /// frame header, after the comments there are.
    #[arg(long, value_name = "TEXT", conflicts_with = "add_file")]
    pub add: Option<String>,
    /// Add a comment holding this file's bytes (wrjpgcom -cfile).
    #[arg(long, value_name = "FILE")]
    pub add_file: Option<std::path::PathBuf>,
    /// Remove the comments there are first (wrjpgcom -replace); alone, removes them all.
    #[arg(long)]
    pub replace: bool,
    /// When showing comments: write their bytes as they are, control characters
    /// included (rdjpgcom -raw; unsafe on a terminal).
    #[arg(long)]
    pub raw: bool,
    /// Write the first comment's bytes, as they are, to OUT (jhead -cs); a file without
    /// a comment writes nothing, with a warning.
    #[arg(long, conflicts_with_all = ["add", "add_file", "replace", "raw"])]
    pub extract: bool,
    /// Edit the first comment in an editor ($VISUAL, else $EDITOR, else vi), one file
    /// after another (jhead -ce): the text saved replaces it where it stands (empty
    /// removes it; a file without one gets it). A text left as it was changes nothing.
    /// Needs the files named and the output not stdout: the editor has the terminal.
    #[arg(long, conflicts_with_all = ["add", "add_file", "replace", "raw", "extract"])]
    pub edit: bool,
    /// Without --add, --add-file or --replace: the files whose comments to show.
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct OrientationArgs {
    /// Set the Exif Orientation tag to N (1-8), changing no other byte where the file
    /// has one (jpegexiforient -N), else adding it as exiftool -Orientation=N does;
    /// without --set, show the tag.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=8))]
    pub set: Option<u16>,
    /// With --set: pass a file without the tag by (set by `jtool jhead -norot`).
    #[arg(long, hide = true, requires = "set")]
    pub if_present: bool,
    /// Without --set: the files whose tag to show.
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ExifArgs {
    /// A JSON object per file, on one line: its name and every entry (IFD, tag, name,
    /// type, count, value, offset).
    #[arg(long, conflicts_with = "from")]
    pub json: bool,
    /// A summary per file instead, as jhead prints without options: file, camera,
    /// date, resolution, exposure, flash, GPS position, IJG quality.
    #[arg(long, conflicts_with_all = ["from", "json"])]
    pub summary: bool,
    /// A map of the Exif segment's bytes instead (jhead -exifmap): the TIFF header,
    /// each IFD, each value stored outside its entry and the thumbnail, by offset from
    /// the TIFF header, and the bytes nothing claims (where data can hide). With
    /// --json, as JSON.
    #[arg(long, conflicts_with_all = ["from", "summary", "new", "through"])]
    pub map: bool,
    /// Put this file's Exif segment in place of the image's own (added when it has
    /// none), with PixelXDimension/PixelYDimension set to the image's size; every
    /// other byte stays (jhead -te: Exif an editor dropped, put back).
    #[arg(long, value_name = "FILE", conflicts_with = "new")]
    pub from: Option<std::path::PathBuf>,
    /// Give a file without Exif a minimal Exif segment (resolution, the required Exif
    /// tags, the image's size), dated with the file's modification time in local time
    /// (jhead -mkexif); a file with Exif is left as it is, with a warning.
    #[arg(long, conflicts_with_all = ["json", "summary"])]
    pub new: bool,
    /// Run this shell command (sh -c) on each file, then put back the Exif segment the
    /// file had before, with PixelXDimension/PixelYDimension set to the new size (jhead
    /// -cmd). `&i` stands for the file and `&o` for a new file beside it that the
    /// command writes instead (`jpegtran -progressive &i > &o`), each quoted for the
    /// shell. The file is replaced in place; -p keeps its times.
    #[arg(long, value_name = "COMMAND", conflicts_with_all = ["from", "new", "json", "summary"])]
    pub through: Option<String>,
    /// Without --from: the files whose Exif entries to list.
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ThumbnailArgs {
    /// Write the thumbnail to OUT as a file of its own (jhead -st): the Exif one, else
    /// the Photoshop one, else the JFXX one, else the MPF preview; a JPEG as stored, RGB
    /// samples as PPM.
    #[arg(long, conflicts_with = "regenerate")]
    pub extract: bool,
    /// The thumbnail --extract takes.
    #[arg(long, value_enum, requires = "extract")]
    pub kind: Option<ThumbnailKindArg>,
    /// With --extract, write nothing for a file without a thumbnail (set by `jtool jhead
    /// -st`); with --regenerate, leave a file without an Exif thumbnail alone (`-rgt`).
    #[arg(long, hide = true)]
    pub if_present: bool,
    /// Make every thumbnail the file keeps in its segments (Exif, Photoshop, JFXX) anew
    /// from the image
    /// (exiftran -g, jhead -rgt): the old one's box, tables and sampling; every other
    /// byte, the image's scans and the data after EOI included, stays. A file without
    /// one gets an Exif thumbnail (160x120 at most), as exiftran -g gives.
    #[arg(long)]
    pub regenerate: bool,
    /// With --regenerate: fit the new thumbnails in a square of N pixels instead of the
    /// old ones' boxes (jhead -rgtN; a JFXX thumbnail stays within 255).
    #[arg(long, value_name = "N", requires = "regenerate",
          value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub size: Option<u32>,
    /// Put this JPEG file in as the Exif thumbnail (jhead -rt): over the old one, or
    /// added (a new Exif segment when the file has none); every other byte stays. The
    /// picture is taken as it is: `jtool thumbnail FILE` then tells whether it shows
    /// the image.
    #[arg(long, value_name = "THUMB.jpg", conflicts_with_all = ["extract", "regenerate"])]
    pub insert: Option<std::path::PathBuf>,
    /// Without --extract, --regenerate or --insert: the files whose thumbnails to check
    /// against the image (as `inspect` does).
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ThumbnailKindArg {
    /// Exif IFD1.
    Exif,
    /// Photoshop image resource 1036.
    Photoshop,
    /// JFIF extension (JFXX).
    Jfxx,
    /// The first large thumbnail an MPF index lists after EOI (a camera's preview).
    Mpf,
}

/// Reading mode takes every FILE as an input; the output options make no sense there.
fn reading_only(o: &OutputArgs) -> Result<(), String> {
    if o.in_place || o.out_dir.is_some() || o.preserve_times {
        return Err("--in-place, --out-dir and -p go with a change to make".into());
    }
    Ok(())
}

/// Reads each file in turn and prints what `show` makes of it (a line per item), under
/// a `NAME:` line when there are several files.
pub(super) fn show_each(
    files: &[std::ffi::OsString],
    show: impl Fn(&[u8]) -> jtool::Result<Vec<u8>>,
) -> i32 {
    show_each_as(files, files.len() > 1, |data, _| show(data))
}

/// [`show_each`], the file passed to `show`, with or without the `NAME:` lines.
fn show_each_as(
    files: &[std::ffi::OsString],
    headed: bool,
    show: impl Fn(&[u8], &Source) -> jtool::Result<Vec<u8>>,
) -> i32 {
    let mut code = EXIT_OK;
    let mut stdout = std::io::stdout().lock();
    for f in files {
        let src = Source::from_arg(f);
        let shown = io::read_input(&src, true)
            .map_err(|e| io_message(&e))
            .and_then(|data| show(&data, &src).map_err(|e| describe(&e)));
        let text = match shown {
            Ok(t) => t,
            Err(msg) => {
                say!("jtool: {}: {msg}", src.name());
                code = EXIT_FAILED;
                continue;
            }
        };
        let head = if headed {
            format!("{}:\n", io::escape(&src.name()))
        } else {
            String::new()
        };
        let written = stdout
            .write_all(head.as_bytes())
            .and_then(|()| stdout.write_all(&text));
        if let Err(e) = written.and_then(|()| stdout.flush()) {
            super::stdout_failed(&e);
        }
    }
    code
}

/// A comment as rdjpgcom prints it: CR, LF and CR LF each become one newline, `\` is
/// doubled, other bytes outside printable ASCII become `\ooo`; then a newline.
fn readable_comment(body: &[u8], raw: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 1);
    if raw {
        out.extend_from_slice(body);
    } else {
        let mut last = 0u8;
        for &c in body {
            match c {
                b'\r' => out.push(b'\n'),
                b'\n' if last == b'\r' => {}
                b'\n' => out.push(b'\n'),
                b'\\' => out.extend_from_slice(b"\\\\"),
                0x20..=0x7E => out.push(c),
                _ => out.extend_from_slice(format!("\\{c:03o}").as_bytes()),
            }
            last = c;
        }
    }
    out.push(b'\n');
    out
}

pub fn run_comment(ctx: &Context, a: &CommentArgs) -> i32 {
    let text: Option<Vec<u8>> = match (&a.add, &a.add_file) {
        (Some(t), _) => Some(t.clone().into_bytes()),
        (None, Some(p)) => match std::fs::read(p) {
            Ok(b) => Some(b),
            Err(e) => return usage(&format!("--add-file {}: {}", p.display(), io_message(&e))),
        },
        (None, None) => None,
    };
    if text
        .as_ref()
        .is_some_and(|t| t.len() > pipeline::MAX_COMMENT)
    {
        return usage(&format!(
            "a comment holds at most {} bytes",
            pipeline::MAX_COMMENT
        ));
    }
    if a.edit {
        return edit_each(ctx, &a.output);
    }
    if a.extract {
        let op = |data: &[u8], _: &super::Dest| {
            let Some(first) = pipeline::comments(data)?.into_iter().next() else {
                // Nothing to write: as if the operation had written nothing itself.
                let mut done = unchanged(data);
                done.written = Some(0);
                let none = jtool::Warning {
                    offset: None,
                    kind: jtool::WarningKind::Other("no comment; nothing written".into()),
                    mcu: None,
                };
                done.output.warnings.push(none);
                return Ok(done);
            };
            Ok(Done::from(pipeline::Output {
                bytes: first,
                warnings: Vec::new(),
            }))
        };
        return match plan_jobs(&a.output) {
            Ok(jobs) => run_jobs(ctx, jobs, op),
            Err(Failure::Usage(m)) | Err(Failure::File(m)) => usage(&m),
        };
    }
    if text.is_none() && !a.replace {
        if let Err(m) = reading_only(&a.output) {
            return usage(&m);
        }
        let raw = a.raw;
        return show_each(&a.output.files, |data| {
            let all = pipeline::comments(data)?;
            Ok(all.iter().flat_map(|c| readable_comment(c, raw)).collect())
        });
    }
    let replace = a.replace;
    let op = |data: &[u8], _: &super::Dest| {
        pipeline::edit_comments(data, text.as_deref(), replace).map(Done::from)
    };
    match plan_jobs(&a.output) {
        Ok(jobs) => run_jobs(ctx, jobs, op),
        Err(Failure::Usage(m)) | Err(Failure::File(m)) => usage(&m),
    }
}

/// `comment --edit`: each file's first comment through the user's editor, one file at
/// a time (the editor has the terminal, so neither the input nor the output may be a
/// standard stream).
fn edit_each(ctx: &Context, o: &OutputArgs) -> i32 {
    if o.files.iter().any(|f| f == "-") {
        return usage("--edit needs file names, not - (the editor has the terminal)");
    }
    let jobs = match plan_jobs(o) {
        Ok(jobs) => jobs,
        Err(Failure::Usage(m)) | Err(Failure::File(m)) => return usage(&m),
    };
    if jobs.iter().any(|j| j.dest == super::Dest::Stdout) {
        return usage("--edit needs an output file or --in-place (the editor has the terminal)");
    }
    let op = |data: &[u8], _: &super::Dest| {
        let first = pipeline::comments(data)?.into_iter().next();
        let first = first.unwrap_or_default();
        let edited = edit_text(&first).map_err(jtool::Error::Io)?;
        let text = without_final_newlines(&edited);
        if text == without_final_newlines(&first) {
            return Ok(unchanged(data));
        }
        pipeline::set_first_comment(data, text).map(Done::from)
    };
    let one_at_a_time = Context { jobs: 1, ..*ctx };
    run_jobs(&one_at_a_time, jobs, op)
}

/// `text` as the user leaves it after editing it in $VISUAL, $EDITOR or vi (run by the
/// shell, so that the variable may hold arguments, as git runs it). A text without a
/// final newline gets one, as editors add it.
fn edit_text(text: &[u8]) -> std::io::Result<Vec<u8>> {
    let var = |n: &str| std::env::var_os(n).filter(|v| !v.is_empty());
    let editor = var("VISUAL").or_else(|| var("EDITOR"));
    let editor = editor.unwrap_or_else(|| "vi".into());
    let mut file = tempfile::Builder::new()
        .prefix("jtool-comment-")
        .suffix(".txt")
        .tempfile()?;
    file.write_all(text)?;
    if !text.is_empty() && !text.ends_with(b"\n") {
        file.write_all(b"\n")?;
    }
    file.flush()?;
    let mut script = editor.clone();
    script.push(" \"$@\"");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(&editor)
        .arg(file.path())
        .status()?;
    if !status.success() {
        let what = format!("the editor ({}) failed: {status}", editor.to_string_lossy());
        return Err(std::io::Error::other(what));
    }
    // Read by name: an editor may save by writing a new file under it.
    std::fs::read(file.path())
}

/// `text` without the newlines (LF or CR LF) at its end.
fn without_final_newlines(mut text: &[u8]) -> &[u8] {
    while let Some(rest) = text.strip_suffix(b"\n") {
        text = rest.strip_suffix(b"\r").unwrap_or(rest);
    }
    text
}

pub fn run_orientation(ctx: &Context, a: &OrientationArgs) -> i32 {
    let Some(value) = a.set else {
        if let Err(m) = reading_only(&a.output) {
            return usage(&m);
        }
        let several = a.output.files.len() > 1;
        return show_each(&a.output.files, |data| {
            Ok(match pipeline::orientation(data)? {
                Some(v) => format!("{v}\n").into_bytes(),
                None if several => b"none\n".to_vec(),
                None => Vec::new(),
            })
        });
    };
    let if_present = a.if_present;
    let op = |data: &[u8], _: &super::Dest| {
        if if_present && pipeline::orientation(data)?.is_none() {
            return Ok(unchanged(data));
        }
        pipeline::set_orientation(data, value).map(Done::from)
    };
    match plan_jobs(&a.output) {
        Ok(jobs) => run_jobs(ctx, jobs, op),
        Err(Failure::Usage(m)) | Err(Failure::File(m)) => usage(&m),
    }
}

/// `jtool exif`: every Exif entry, a line each (`IFD TAG NAME VALUE`), or JSON; or
/// with --from, another file's Exif put in.
pub fn run_exif(ctx: &Context, a: &ExifArgs) -> i32 {
    if let Some(path) = &a.from {
        let donor = match read_option_file(path, jpeg_bytes) {
            Ok(b) => b,
            Err(code) => return code,
        };
        let op =
            |data: &[u8], _: &super::Dest| pipeline::transplant_exif(data, &donor).map(Done::from);
        return match plan_jobs(&a.output) {
            Ok(jobs) => run_jobs(ctx, jobs, op),
            Err(Failure::Usage(m)) | Err(Failure::File(m)) => usage(&m),
        };
    }
    if let Some(command) = &a.through {
        let o = &a.output;
        if o.out_dir.is_some() || o.dry_run || o.backup || o.no_clobber {
            return usage("--through edits each file in place (-p keeps its times)");
        }
        if o.files.iter().any(|f| f == "-") {
            return usage("--through needs file names, not -");
        }
        return super::through_cmd::run(command, &o.files, o.preserve_times, ctx.quiet);
    }
    if a.new {
        let jobs = match plan_jobs(&a.output) {
            Ok(j) => j,
            Err(Failure::Usage(m)) | Err(Failure::File(m)) => return usage(&m),
        };
        // Each file's own time (now, for standard input), looked up by its output.
        let now = super::date_cmd::local_date(std::time::SystemTime::now());
        let dates: Vec<(super::Dest, Option<pipeline::ExifDateTime>)> = (jobs.iter())
            .map(|j| (j.dest.clone(), super::date_cmd::file_date(&j.src).or(now)))
            .collect();
        let op = |data: &[u8], dest: &super::Dest| {
            let date = dates
                .iter()
                .find(|(d, _)| d == dest)
                .and_then(|(_, t)| t.as_ref());
            let out = pipeline::new_exif(data, date)?;
            let mut done = Done::from(out);
            done.unchanged = done.output.bytes == data;
            Ok(done)
        };
        return run_jobs(ctx, jobs, op);
    }
    if let Err(m) = reading_only(&a.output) {
        return usage(&m);
    }
    let files = &a.output.files;
    if a.summary {
        return summaries(files);
    }
    if a.map {
        return maps(files, a.json);
    }
    if a.json {
        return show_each_as(files, false, |data, src| {
            let fields = jtool::inspect::exif_fields::exif_fields(data)?;
            let v = serde_json::json!({ "file": src.name(), "fields": fields });
            Ok(format!("{v}\n").into_bytes())
        });
    }
    show_each(files, |data| {
        let fields = jtool::inspect::exif_fields::exif_fields(data)?;
        let mut out = String::new();
        for f in &fields {
            let name = f.name.unwrap_or("-");
            out += &format!("{:<7} 0x{:04x} {name:<28} {}\n", f.ifd, f.tag, f.value);
        }
        if fields.is_empty() {
            out += "no Exif\n";
        }
        Ok(out.into_bytes())
    })
}

/// `exif --map`: each file's Exif byte map, as a table or (`json`) a JSON object a line.
fn maps(files: &[std::ffi::OsString], json: bool) -> i32 {
    show_each_as(files, files.len() > 1 && !json, |data, src| {
        let map = jtool::inspect::exif_fields::exif_map(data)?;
        if json {
            let v = serde_json::json!({ "file": src.name(), "map": map });
            return Ok(format!("{v}\n").into_bytes());
        }
        let Some(m) = map else {
            return Ok(b"no Exif\n".to_vec());
        };
        let mut out = format!(
            "Exif TIFF data at byte {}, {} bytes, {}\n{:>8} {:>8} {:>8}  what\n",
            m.tiff_offset, m.length, m.byte_order, "start", "end", "length"
        );
        for r in &m.regions {
            let over = if r.overlaps {
                " (overlaps the region before)"
            } else {
                ""
            };
            out += &format!(
                "{:>8} {:>8} {:>8}  {}{over}\n",
                r.start,
                r.end,
                r.end - r.start,
                r.what
            );
        }
        Ok(out.into_bytes())
    })
}

/// `exif --summary`: jhead's listing, a `Label : value` line each, a blank line after
/// each file.
fn summaries(files: &[std::ffi::OsString]) -> i32 {
    show_each_as(files, false, |data, src| {
        let mut out = String::new();
        for (label, value) in summary_lines(data, src)? {
            out += &format!("{label:<14}: {value}\n");
        }
        Ok((out + "\n").into_bytes())
    })
}

fn summary_lines(data: &[u8], src: &Source) -> jtool::Result<Vec<(&'static str, String)>> {
    let fields = jtool::inspect::exif_fields::exif_fields(data)?;
    let report = jtool::inspect::inspect(data)?;
    let mut lines = vec![
        ("File name", src.name()),
        ("File size", format!("{} bytes", data.len())),
    ];
    if let Some(d) = super::date_cmd::file_date(src) {
        lines.push(("File date", d.to_string()));
    }
    lines.extend(jtool::inspect::exif_fields::exif_summary(&fields));
    if let Some(f) = &report.frame {
        lines.push(("Resolution", format!("{} x {}", f.width, f.height)));
    }
    if let Some(q) = &report.quality {
        lines.push(("JPEG quality", q.summary.clone()));
    }
    Ok(lines)
}

pub fn run_thumbnail(ctx: &Context, a: &ThumbnailArgs) -> i32 {
    let limits = ctx.limits();
    let size = a.size;
    let insert = match &a.insert {
        Some(path) => match read_option_file(path, jpeg_bytes) {
            Ok(bytes) => Some(bytes),
            Err(code) => return code,
        },
        None => None,
    };
    if !a.extract && !a.regenerate && insert.is_none() {
        if let Err(m) = reading_only(&a.output) {
            return usage(&m);
        }
        return show_each(&a.output.files, |data| show_thumbnails(data, &limits));
    }
    let kind = a.kind.map(|k| match k {
        ThumbnailKindArg::Exif => pipeline::ThumbnailKind::Exif,
        ThumbnailKindArg::Photoshop => pipeline::ThumbnailKind::Photoshop,
        ThumbnailKindArg::Jfxx => pipeline::ThumbnailKind::Jfxx,
        ThumbnailKindArg::Mpf => pipeline::ThumbnailKind::MpfPreview,
    });
    let (extract, strict, if_present) = (a.extract, ctx.strict, a.if_present);
    // Nothing to write: as if the operation had written nothing itself.
    let untouched = |data: &[u8]| {
        let mut done = unchanged(data);
        done.written = Some(0);
        Ok(done)
    };
    let op = |data: &[u8], _: &super::Dest| {
        if extract {
            let bytes = match pipeline::extract_thumbnail(data, kind) {
                Err(_) if if_present => return untouched(data),
                r => r?,
            };
            return Ok(Done::from(pipeline::Output {
                bytes,
                warnings: Vec::new(),
            }));
        }
        let exif = Some(pipeline::ThumbnailKind::Exif);
        if insert.is_none() && if_present && pipeline::extract_thumbnail(data, exif).is_err() {
            return untouched(data);
        }
        let out = match &insert {
            Some(thumb) => pipeline::insert_thumbnail(data, thumb)?,
            None => pipeline::regenerate_thumbnails(data, &limits, size)?,
        };
        pipeline::check_strict(strict, &out.warnings)?;
        Ok(Done::from(out))
    };
    match plan_jobs(&a.output) {
        Ok(jobs) => run_jobs(ctx, jobs, op),
        Err(Failure::Usage(m)) | Err(Failure::File(m)) => usage(&m),
    }
}

/// A file an option names, when it parses as a JPEG file.
fn jpeg_bytes(b: Vec<u8>) -> jtool::Result<Vec<u8>> {
    jtool::container::JpegFile::parse(&b)?;
    Ok(b)
}

/// The input kept as it is (with --in-place, not rewritten).
pub(super) fn unchanged(data: &[u8]) -> Done {
    let mut done = Done::from(pipeline::Output {
        bytes: data.to_vec(),
        warnings: Vec::new(),
    });
    done.unchanged = true;
    done
}

/// A line per thumbnail: where it is, its size and whether it shows the image.
fn show_thumbnails(data: &[u8], limits: &jtool::entropy::Limits) -> jtool::Result<Vec<u8>> {
    let report = pipeline::inspect_full_with(data, limits)?;
    let mut out = String::new();
    for t in &report.thumbnails {
        out += &format!(
            "{} {}x{} (segment at {}): {}\n",
            t.kind, t.width, t.height, t.offset, t.verdict
        );
    }
    if report.thumbnails.is_empty() {
        out += if pipeline::extract_thumbnail(data, None).is_ok() {
            "thumbnails not compared: the image is damaged, or in a colour space jtool does not render\n"
        } else {
            "no thumbnail\n"
        };
    }
    Ok(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::readable_comment;

    #[test]
    fn comments_print_as_rdjpgcom_prints_them() {
        assert_eq!(readable_comment(b"a\r\nb\rc\nd", false), b"a\nb\nc\nd\n");
        assert_eq!(
            readable_comment(b"x\\y\x01\xff", false),
            b"x\\\\y\\001\\377\n"
        );
        assert_eq!(readable_comment(b"\x01", true), b"\x01\n");
    }
}
