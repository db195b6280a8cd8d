//! The command-line front end: parses arguments, turns them into jobs (one input, one
//! output), runs each job through the library and folds the results into an exit code.

/// Prints a line to standard error, as eprintln! does, except that a failed write (a
/// full disk behind `2>`) is ignored rather than a panic: the exit code still tells.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod args;
mod compat;
mod date_cmd;
mod decode_cmd;
mod file_list;
mod interrupt;
mod io;
mod jpegoptim_report;
mod lab_cmd;
mod meta_cmd;
mod oom;
mod par;
pub mod start;
mod stdin;
mod stdout;
mod through_cmd;
mod verify_cmd;
mod xattr;

use stdout::{emit, io_message, stdout_failed};

use args::{
    Angle, Command, CopyArgs, CopyKind, CropArgs, DecodeArgs, Direction, DropArgs, EdgeArgs,
    EncodeArgs, InspectArgs, OutputArgs, PixelEncodeArgs, PixelFormat, RegionArgs, StripArgs,
    TransformArgs, TransformCommon, WipeArgs,
};
use io::{Dest, Source};
use jtool::container::KeepPolicy;
use jtool::entropy::{CodingMode, HuffmanChoice, Limits};
use jtool::pipeline::{self, CopyOptions, RestartSpec, TransformOptions, Transformed};
use jtool::transform::{CropOffset, CropSpec, EdgePolicy, Orientation, Request};
use jtool::WarningKind;
use std::io::{IsTerminal, Write};

/// Exit code: every file succeeded.
const EXIT_OK: i32 = 0;
/// Exit code: at least one file failed.
const EXIT_FAILED: i32 = 1;
/// Exit code: the command line was wrong.
const EXIT_USAGE: i32 = 2;
/// Written, with warnings (libjpeg's tools' code, with `--warning-exit-code`).
const EXIT_WARNING: i32 = 2;

/// Runs the command line and returns the exit code.
pub fn run(argv: Vec<std::ffi::OsString>) -> i32 {
    let argv = match compat::compat(&argv) {
        compat::Compat::No => argv,
        compat::Compat::Run(translated) => translated,
        // No line at all: jhead's filters let no file through, and jhead exits with 1.
        compat::Compat::RunAll(lines) if lines.is_empty() => return EXIT_FAILED,
        compat::Compat::RunAll(lines) => {
            for line in lines {
                let code = run_line(line);
                if code != EXIT_OK {
                    return code;
                }
            }
            return EXIT_OK;
        }
        compat::Compat::Version(tool) => {
            let v = env!("CARGO_PKG_VERSION");
            say!("jtool {v} ({} switches)", tool.name());
            return EXIT_OK;
        }
        compat::Compat::Usage(tool, m) => {
            if !m.is_empty() {
                say!("jtool {}: {m}", tool.name());
            }
            say!("{}", compat::usage(tool).trim_end_matches('\n'));
            // The tools exit with 1 on a usage error.
            return EXIT_FAILED;
        }
    };
    run_line(argv)
}

/// Runs one jtool command line (after any tool's switches were translated).
fn run_line(argv: Vec<std::ffi::OsString>) -> i32 {
    par::note_inputs(&argv);
    let mut cli = match args::parse_from(argv) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    if let Err(m) = file_list::add_listed(&mut cli) {
        return usage(&m);
    }
    let ctx = Context {
        strict: cli.global.strict,
        quiet: cli.global.quiet,
        verbose: cli.global.verbose,
        max_pixels: cli.global.max_pixels,
        max_scans: cli.global.max_scans,
        jobs: cli.global.jobs,
        warning_exit: cli.global.warning_exit_code,
        jpegoptim: cli.global.jpegoptim_report,
        jpegoptim_totals: cli.global.jpegoptim_totals,
    };
    match &cli.command {
        Command::Copy(a) => run_copy(&ctx, a),
        Command::Inspect(a) => run_inspect(&ctx, a),
        Command::Crop(a) => run_crop(&ctx, a),
        Command::Wipe(a) => run_wipe(&ctx, a),
        Command::Drop(a) => run_drop(&ctx, a),
        Command::Rotate(a) => {
            let o = match a.angle {
                Angle::R90 => Orientation::Rot90,
                Angle::R180 => Orientation::Rot180,
                Angle::R270 => Orientation::Rot270,
            };
            run_transform(&ctx, o, None, false, (false, false), &a.common)
        }
        Command::Flip(a) => {
            let o = flip(a.direction);
            run_transform(&ctx, o, None, false, (false, false), &a.common)
        }
        Command::Transpose(a) => plain(&ctx, Orientation::Transpose, false, a),
        Command::Transverse(a) => plain(&ctx, Orientation::Transverse, false, a),
        Command::AutoOrient(a) => {
            let o = Orientation::Identity;
            run_transform(&ctx, o, None, false, (true, a.skip_upright), &a.common)
        }
        Command::Grayscale(a) => plain(&ctx, Orientation::Identity, true, a),
        Command::Transform(a) => run_combined(&ctx, a),
        Command::Strip(a) => run_strip(&ctx, a),
        Command::Comment(a) => meta_cmd::run_comment(&ctx, a),
        Command::Orientation(a) => meta_cmd::run_orientation(&ctx, a),
        Command::Thumbnail(a) => meta_cmd::run_thumbnail(&ctx, a),
        Command::Date(a) => date_cmd::run_date(&ctx, a),
        Command::Exif(a) => meta_cmd::run_exif(&ctx, a),
        Command::Decode(a) => run_decode(&ctx, a),
        Command::Encode(a) => run_encode(&ctx, a),
        Command::Compare(a) => lab_cmd::run_compare(a, ctx.limits()),
        Command::Requantize(a) => lab_cmd::run_requantize(&ctx, a),
        Command::Generations(a) => lab_cmd::run_generations(a, ctx.limits()),
        Command::Verify(a) => verify_cmd::run(a, ctx.quiet, ctx.verbose, ctx.limits(), ctx.jobs),
    }
}

/// Global options every subcommand sees.
#[derive(Clone, Copy)]
struct Context {
    strict: bool,
    quiet: bool,
    verbose: u8,
    max_pixels: u64,
    max_scans: usize,
    /// Files processed at once (0: one per CPU).
    jobs: usize,
    /// Exit with [`EXIT_WARNING`] when a file gave warnings (libjpeg's tools' convention).
    warning_exit: bool,
    /// jpegoptim's line for each file (`jtool jpegoptim`), and its average after them.
    jpegoptim: Option<jpegoptim_report::Style>,
    jpegoptim_totals: bool,
}

impl Context {
    fn limits(&self) -> Limits {
        Limits {
            max_pixels: self.max_pixels,
            max_scans: self.max_scans,
        }
    }
}

/// One input and where its output goes.
struct Job {
    src: Source,
    dest: Dest,
    /// The output replaces the input (permissions are copied from it).
    in_place: bool,
    /// How the output is written.
    rules: WriteRules,
}

impl Job {
    /// The output goes into the input file itself (`--in-place --keep-inode`).
    fn writes_into_input(&self) -> bool {
        self.in_place && self.rules.keep_inode
    }
}

/// How each job of a command writes its output (from [`OutputArgs`]).
#[derive(Debug, Clone, Copy)]
struct WriteRules {
    /// The output file gets the input file's access and modification times.
    preserve_times: bool,
    /// Write nothing (`--dry-run`).
    dry_run: bool,
    /// Refuse to replace an existing output file (`--no-clobber`).
    no_clobber: bool,
    /// Keep the input as `FILE~` before replacing it (`--backup`).
    backup: bool,
    /// Write nothing when the input is kept (`--skip-kept`).
    skip_kept: bool,
    /// Write into the input file itself (`--keep-inode`).
    keep_inode: bool,
}

impl WriteRules {
    fn of(o: &OutputArgs) -> Self {
        WriteRules {
            preserve_times: o.preserve_times,
            dry_run: o.dry_run,
            no_clobber: o.no_clobber,
            backup: o.backup,
            skip_kept: o.skip_kept,
            keep_inode: o.keep_inode,
        }
    }
}

/// Why a job failed: an error of the file, or of the command line.
enum Failure {
    File(String),
    Usage(String),
}

/// Reads the file an option names and parses it; on failure says why in one line
/// (`jtool: FILE: ...`) and gives the exit code.
fn read_option_file<T, E: std::fmt::Display>(
    path: &std::path::Path,
    parse: impl FnOnce(Vec<u8>) -> Result<T, E>,
) -> Result<T, i32> {
    let bytes = std::fs::read(path).map_err(|e| {
        say!("jtool: {}: {}", path.display(), io_message(&e));
        EXIT_FAILED
    })?;
    parse(bytes).map_err(|e| {
        say!("jtool: {}: {e}", path.display());
        EXIT_FAILED
    })
}

fn usage(msg: &str) -> i32 {
    say!("jtool: {msg}");
    EXIT_USAGE
}

/// Turns IN [OUT] / --in-place / --out-dir into jobs.
fn plan_jobs(o: &OutputArgs) -> Result<Vec<Job>, Failure> {
    if o.listed && !o.in_place && o.out_dir.is_none() {
        return Err(Failure::Usage(
            "--files-from gives inputs: add --in-place or --out-dir DIR".into(),
        ));
    }
    if o.in_place {
        return o
            .files
            .iter()
            .map(|f| match Source::from_arg(f) {
                Source::Stdin => Err(Failure::Usage("--in-place needs file names, not -".into())),
                Source::File(p) => Ok(Job {
                    src: Source::File(p.clone()),
                    dest: Dest::File(p),
                    in_place: true,
                    rules: WriteRules::of(o),
                }),
            })
            .collect();
    }
    if let Some(dir) = &o.out_dir {
        return o
            .files
            .iter()
            .map(|f| match (Source::from_arg(f), io::out_dir_path(dir, f)) {
                (Source::File(p), Some(out)) => Ok(Job {
                    src: Source::File(p),
                    dest: Dest::File(out),
                    in_place: false,
                    rules: WriteRules::of(o),
                }),
                _ => Err(Failure::Usage("--out-dir needs file names, not -".into())),
            })
            .collect();
    }
    match o.files.as_slice() {
        [i] => Ok(vec![Job {
            src: Source::from_arg(i),
            dest: Dest::Stdout,
            in_place: false,
            rules: WriteRules::of(o),
        }]),
        [i, out] => Ok(vec![Job {
            src: Source::from_arg(i),
            dest: Dest::from_arg(out),
            in_place: false,
            rules: WriteRules::of(o),
        }]),
        _ => Err(Failure::Usage(
            "give IN [OUT], or several inputs with --in-place or --out-dir DIR".into(),
        )),
    }
}

/// What an operation produced for one file: the output, and an optional report line
/// (printed with -v, or as JSON with --json).
struct Done {
    output: pipeline::Output,
    report: Option<serde_json::Value>,
    /// Print the report as a JSON line (--json) rather than a sentence (-v).
    json: bool,
    /// The operation wrote its output itself (streamed), this many bytes.
    written: Option<u64>,
    /// The output is the input's own bytes (`--only-smaller`).
    unchanged: bool,
    /// The size of the output made, when the input may have been kept instead.
    made: Option<usize>,
}

impl From<pipeline::Output> for Done {
    fn from(output: pipeline::Output) -> Self {
        Done {
            output,
            report: None,
            json: false,
            written: None,
            unchanged: false,
            made: None,
        }
    }
}

/// When the input is kept instead of the output (`--only-smaller`, `--min-saving`).
#[derive(Debug, Clone, Copy)]
struct KeepInput {
    only_smaller: bool,
    /// The least saving, in percent of the input, that replaces it.
    min_saving: f64,
}

impl KeepInput {
    fn of(only_smaller: bool, min_saving: Option<f64>) -> Self {
        KeepInput {
            only_smaller: only_smaller || min_saving.is_some(),
            min_saving: min_saving.unwrap_or(0.0),
        }
    }
}

/// `done` with the input's own bytes when its output is not smaller (by `keep`'s
/// margin); `done.made` keeps the size of the output made.
fn smaller_or_input(data: &[u8], mut done: Done, keep: KeepInput) -> Done {
    let made = done.output.bytes.len();
    done.made = Some(made);
    let saving = (data.len() as f64 - made as f64) * 100.0 / data.len().max(1) as f64;
    if keep.only_smaller
        && done.written.is_none()
        && (made >= data.len() || saving < keep.min_saving)
    {
        done.output.bytes = data.to_vec();
        done.unchanged = true;
    }
    done
}

/// Runs `op` over every job, printing errors and warnings; returns the exit code.
/// Several files are processed on worker threads (`--jobs`); what each job prints is
/// held back and printed in the order of the inputs, so scripts see the same output
/// whatever the parallelism.
fn run_jobs<F>(ctx: &Context, jobs: Vec<Job>, op: F) -> i32
where
    F: Fn(&[u8], &Dest) -> jtool::Result<Done> + Sync,
{
    let mut code = EXIT_OK;
    let mut stop = None;
    let work = |job: &Job| run_logged(ctx, job, &op);
    par::ordered(&jobs, worker_count(ctx, &jobs), work, |i, (log, result)| {
        log.print();
        match result {
            Ok(warned) => {
                if warned && ctx.warning_exit && code == EXIT_OK {
                    code = EXIT_WARNING;
                }
            }
            Err(Failure::File(msg)) => {
                if let Some(style) = ctx.jpegoptim {
                    let line = jpegoptim_report::error_line(style, &jobs[i].src.name());
                    emit(format!("{line}\n").as_bytes());
                }
                say!("jtool: {}: {msg}", jobs[i].src.name());
                code = EXIT_FAILED;
            }
            Err(Failure::Usage(msg)) => {
                let code = usage(&msg);
                // Under the libjpeg tools' command lines, 2 means "written with
                // warnings"; a wrong request is their 1.
                stop = Some(if ctx.warning_exit { EXIT_FAILED } else { code });
            }
        }
        stop.is_none()
    });
    if ctx.jpegoptim_totals && stop.is_none() {
        emit(format!("{}\n", jpegoptim_report::totals()).as_bytes());
    }
    stop.unwrap_or(code)
}

/// Worker threads for `jobs`: one unless there are several files, `--jobs` (or one per
/// CPU), and never two jobs that touch the same file (an input given twice with
/// `--in-place` must be processed twice, one after the other; two hard links to one
/// file are one file, which `--keep-inode` writes into while the other may read it).
fn worker_count(ctx: &Context, jobs: &[Job]) -> usize {
    if jobs.len() < 2 {
        return 1;
    }
    let mut seen = std::collections::HashSet::new();
    for job in jobs {
        let paths = [
            match &job.src {
                Source::File(p) => Some(p),
                Source::Stdin => None,
            },
            match &job.dest {
                Dest::File(p) if !job.in_place => Some(p),
                _ => None,
            },
        ];
        for p in paths.into_iter().flatten() {
            use std::os::unix::fs::MetadataExt;
            // An existing file by device and inode, a file still to be made by name.
            let key = match std::fs::metadata(p) {
                Ok(m) => Ok((m.dev(), m.ino())),
                Err(_) => Err(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())),
            };
            if !seen.insert(key) {
                return 1;
            }
        }
    }
    par::workers(ctx.jobs, jobs.len())
}

/// Lines a job printed, in order, to stdout (`true`) or stderr.
#[derive(Default)]
struct Log(Vec<(bool, String)>);

impl Log {
    fn out(&mut self, line: String) {
        self.0.push((true, line));
    }
    fn err(&mut self, line: String) {
        self.0.push((false, line));
    }
    fn print(self) {
        for (out, line) in self.0 {
            if out {
                emit(format!("{line}\n").as_bytes());
            } else {
                say!("{line}");
            }
        }
    }
}

fn run_logged<F>(ctx: &Context, job: &Job, op: &F) -> (Log, Result<bool, Failure>)
where
    F: Fn(&[u8], &Dest) -> jtool::Result<Done>,
{
    let mut log = Log::default();
    let r = run_job(ctx, job, op, &mut log);
    (log, r)
}

/// Runs one job; whether it gave warnings.
fn run_job<F>(ctx: &Context, job: &Job, op: &F, log: &mut Log) -> Result<bool, Failure>
where
    F: Fn(&[u8], &Dest) -> jtool::Result<Done>,
{
    check_job(job)?;
    // Read first: with --in-place the input is gone once the output is written.
    let times = match (&job.src, job.rules.preserve_times) {
        (Source::File(p), true) => {
            Some(io::file_times(p).map_err(|e| Failure::File(io_message(&e)))?)
        }
        _ => None,
    };
    // A file written into while its bytes are in use is read, not mapped (a mapped
    // file that gets shorter would fault).
    let input = io::read_input(&job.src, !job.writes_into_input())
        .map_err(|e| Failure::File(io_message(&e)))?;
    let done = op(&input, &job.dest).map_err(|e| Failure::File(describe(&e)))?;
    let out = &done.output;
    if !ctx.quiet {
        for w in &out.warnings {
            log.err(format!("jtool: {}: warning: {w}", job.src.name()));
        }
    }
    match write_done(job, &done, times) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => stdout_failed(&e),
        Err(e) => {
            let what = match &job.dest {
                Dest::File(p) if !job.in_place => io::escape(&p.to_string_lossy()),
                _ => "output".into(),
            };
            return Err(Failure::File(format!(
                "cannot write {what}: {}",
                io_message(&e)
            )));
        }
    }
    if let Some(style) = ctx.jpegoptim {
        let outcome = jpegoptim_report::Outcome {
            out_len: done.made.unwrap_or(out.bytes.len()),
            kept: done.unchanged,
            damaged: (out.warnings.iter()).any(|w| !matches!(w.kind, WarningKind::Other(_))),
        };
        let line = jpegoptim_report::line(style, &job.src.name(), &input, &outcome);
        match job.dest {
            Dest::Stdout => log.err(line),
            _ => log.out(line),
        }
    } else {
        report(ctx, job, &done, log);
    }
    Ok(!out.warnings.is_empty())
}

/// What a job is refused before its input is read: image bytes for a terminal, a
/// terminal for input, an output that is the input without --in-place.
fn check_job(job: &Job) -> Result<(), Failure> {
    if job.dest == Dest::Stdout && !job.rules.dry_run && std::io::stdout().is_terminal() {
        // As gzip refuses it: image bytes on a terminal are a mistake that garbles it.
        return Err(Failure::Usage(
            "will not write an image to a terminal: name an output file, or redirect".into(),
        ));
    }
    if job.src == Source::Stdin && stdin::is_terminal() {
        return Err(Failure::Usage(stdin::FROM_TERMINAL.into()));
    }
    if let (Source::File(i), Dest::File(o)) = (&job.src, &job.dest) {
        if !job.in_place && io::same_file(i, o) {
            return Err(Failure::File(
                "output would overwrite the input (use --in-place)".into(),
            ));
        }
    }
    Ok(())
}

/// Writes a job's output as its rules say (or leaves the file alone: dry run, a kept
/// input, --no-clobber), then gives it the input's `times` when asked.
fn write_done(job: &Job, done: &Done, times: Option<std::fs::FileTimes>) -> std::io::Result<()> {
    let like = match (&job.src, job.in_place) {
        (Source::File(p), true) => Some(p.as_path()),
        _ => None,
    };
    let bytes = &done.output.bytes;
    // Nothing is written when dry, or for a kept file with --skip-kept.
    let unwritten = job.rules.dry_run || done.unchanged && job.rules.skip_kept;
    match done.written {
        Some(_) => Ok(()),
        None if job.rules.dry_run => Ok(()),
        // --no-clobber: an existing output stays; it is an error only when it would have
        // been replaced by something other than the input.
        None if job.rules.no_clobber && matches!(&job.dest, Dest::File(p) if p.exists()) => {
            match done.unchanged {
                true => Ok(()),
                false => Err(std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "the output file exists (--no-clobber)",
                )),
            }
        }
        // Nothing to replace: the input stays as it is, times included.
        None if done.unchanged && (job.in_place || job.rules.skip_kept) => Ok(()),
        None if job.rules.backup => backup(&job.src).and_then(|()| write_job(job, bytes, like)),
        None => write_job(job, bytes, like),
    }?;
    match (&job.dest, times) {
        (Dest::File(p), Some(t)) if !unwritten => io::set_file_times(p, t),
        _ => Ok(()),
    }
}

/// Writes a job's output: renamed into place, or with `--in-place --keep-inode` into
/// the input file itself.
fn write_job(job: &Job, bytes: &[u8], like: Option<&std::path::Path>) -> std::io::Result<()> {
    match &job.dest {
        Dest::File(p) if job.writes_into_input() => io::overwrite_output(p, bytes),
        _ => io::write_output(&job.dest, bytes, like),
    }
}

/// `--backup`: the input file copied to its name with `~` added, with its mode and
/// extended attributes.
fn backup(src: &Source) -> std::io::Result<()> {
    match src {
        Source::File(p) => {
            let mut name = p.as_os_str().to_owned();
            name.push("~");
            std::fs::copy(p, &name)?;
            xattr::copy(p, &std::fs::File::open(&name)?);
            Ok(())
        }
        Source::Stdin => Ok(()),
    }
}

/// One line for a library error, with its byte offset.
fn describe(e: &jtool::Error) -> String {
    if let jtool::Error::Io(e) = e {
        return io_message(e);
    }
    let s = e.to_string();
    match e.offset() {
        Some(o) if !s.contains("(at byte") => format!("{s} (at byte {o})"),
        _ => s,
    }
}

pub(super) fn parse_restart(s: &str) -> Result<RestartSpec, String> {
    let (num, blocks) = match s.strip_suffix(['B', 'b']) {
        Some(n) => (n, true),
        None => (s, false),
    };
    let n: u16 = num
        .parse()
        .map_err(|_| format!("invalid --restart value '{s}' (N rows or NB MCUs, at most 65535)"))?;
    Ok(if blocks || n == 0 {
        RestartSpec::Mcus(n)
    } else {
        RestartSpec::Rows(n)
    })
}

/// The metadata `--keep LIST` keeps (as `strip --keep`), else `--copy`'s.
pub(super) fn keep_of(copy: CopyKind, list: Option<&[String]>) -> Result<KeepPolicy, String> {
    let Some(names) = list else {
        return Ok(keep_policy(copy));
    };
    let mut keep = KeepPolicy::COLOUR;
    for name in names {
        keep = match name.as_str() {
            "none" => KeepPolicy::NOTHING,
            "all" => KeepPolicy::ALL,
            n => match KeepPolicy::class_by_name(n) {
                Some(c) => keep.with(c),
                None => return Err(format!("unknown --keep class '{n}'")),
            },
        };
    }
    Ok(keep)
}

pub(super) fn keep_policy(k: CopyKind) -> KeepPolicy {
    let name = match k {
        CopyKind::None => "none",
        CopyKind::Comments => "comments",
        CopyKind::Icc => "icc",
        CopyKind::Exif => "exif",
        CopyKind::All => "all",
        CopyKind::IccOnly => return KeepPolicy::COLOUR.with(jtool::container::MetaClass::Icc),
    };
    KeepPolicy::level(name).expect("every CopyKind is a level")
}

/// Threads each file's encoder may use (parts of a sequential scan are coded at once):
/// the CPUs, at most 4, shared among the files processed at once.
fn encoder_threads(ctx: &Context, o: &OutputArgs) -> usize {
    let inputs = if o.in_place || o.out_dir.is_some() {
        o.files.len()
    } else {
        1
    };
    par::threads_per_file(par::workers(ctx.jobs, inputs))
}

/// Encoding choices from the command line, or a usage message.
fn copy_options(ctx: &Context, a: &EncodeArgs, o: &OutputArgs) -> Result<CopyOptions, String> {
    let restart = a
        .restart
        .as_deref()
        .map(parse_restart)
        .transpose()?
        .unwrap_or(RestartSpec::Keep);
    let mode = if a.progressive {
        Some(CodingMode::Progressive)
    } else if a.baseline || a.standard_huffman {
        Some(CodingMode::Sequential)
    } else {
        None
    };
    Ok(CopyOptions {
        mode,
        huffman: if a.arithmetic {
            HuffmanChoice::Arithmetic
        } else if a.standard_huffman {
            HuffmanChoice::Standard
        } else {
            HuffmanChoice::Optimal
        },
        restart,
        keep: a.metadata.policy()?,
        limits: ctx.limits(),
        strict: ctx.strict,
        scans: a.scans.as_deref().map(read_scans).transpose()?,
        icc: a.icc.as_deref().map(read_icc).transpose()?,
        threads: encoder_threads(ctx, o),
    })
}

/// The scan script in file `path`, or a usage message.
fn read_scans(
    path: &std::path::Path,
) -> Result<Vec<jtool::entropy::scan_file::ScriptScan>, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("--scans {}: {e}", path.display()))?;
    jtool::entropy::scan_file::parse(&text).map_err(|e| format!("--scans {}: {e}", path.display()))
}

/// The ICC profile in file `path`, or a usage message.
fn read_icc(path: &std::path::Path) -> Result<Vec<u8>, String> {
    let data = std::fs::read(path).map_err(|e| format!("--icc {}: {e}", path.display()))?;
    if !jtool::container::edit::is_icc_profile(&data) {
        return Err(format!(
            "--icc {}: not an ICC profile (no 'acsp' header of the file's size)",
            path.display()
        ));
    }
    if jtool::container::edit::icc_segments(&data).is_none() {
        return Err(format!(
            "--icc {}: too large for 255 APP2 segments",
            path.display()
        ));
    }
    Ok(data)
}

fn run_copy(ctx: &Context, a: &CopyArgs) -> i32 {
    let keep_input = KeepInput::of(a.only_smaller, a.min_saving);
    let opts = match copy_options(ctx, &a.encode, &a.output) {
        Ok(o) => o,
        Err(m) => return usage(&m),
    };
    match plan_jobs(&a.output) {
        Ok(jobs) => run_jobs(ctx, jobs, |data, _| {
            let done = pipeline::copy(data, &opts).map(Done::from)?;
            Ok(smaller_or_input(data, done, keep_input))
        }),
        Err(Failure::Usage(m)) | Err(Failure::File(m)) => usage(&m),
    }
}

fn flip(d: Direction) -> Orientation {
    match d {
        Direction::Horizontal => Orientation::FlipH,
        Direction::Vertical => Orientation::FlipV,
    }
}

fn plain(ctx: &Context, o: Orientation, gray: bool, a: &TransformCommon) -> i32 {
    run_transform(ctx, o, None, gray, (false, false), a)
}

fn edge_policy(e: &EdgeArgs) -> EdgePolicy {
    if e.trim {
        EdgePolicy::Trim
    } else if e.perfect {
        EdgePolicy::Perfect
    } else {
        EdgePolicy::Keep
    }
}

/// Runs one transform request over the jobs, reporting the plan with -v / --json.
/// `auto`: the turn is the Exif Orientation's (auto-orient), and whether a file with
/// nothing to turn is left as it is (--skip-upright).
fn run_transform(
    ctx: &Context,
    orientation: Orientation,
    crop: Option<CropSpec>,
    grayscale: bool,
    (auto, skip_upright): (bool, bool),
    common: &TransformCommon,
) -> i32 {
    let (edge, encode, output) = (&common.edge, &common.encode, &common.output);
    let out = match copy_options(ctx, encode, output) {
        Ok(o) => o,
        Err(m) => return usage(&m),
    };
    let request = Request {
        orientation,
        crop,
        edge: edge_policy(edge),
        grayscale,
    };
    let opts = TransformOptions {
        request,
        output: out,
        reset_orientation: common.reset_orientation,
    };
    let (json, via) = (edge.json, common.via_pixels);
    let op = |data: &[u8], _: &Dest| {
        if skip_upright && matches!(pipeline::orientation(data)?, None | Some(1)) {
            return Ok(meta_cmd::unchanged(data));
        }
        if common.only_thumbnail {
            return pipeline::transform_thumbnail_only(data, &opts, auto).map(Done::from);
        }
        if common.leave_thumbnail {
            let t = pipeline::transform_leaving_thumbnail(data, &opts, auto)?;
            return Ok(transformed_done(t, json));
        }
        let t = match (auto, via) {
            (false, false) => pipeline::transform(data, &opts),
            (true, false) => pipeline::auto_orient(data, &opts),
            (false, true) => pipeline::via_pixels::transform(data, &opts),
            (true, true) => pipeline::via_pixels::auto_orient(data, &opts),
        }?;
        Ok(transformed_done(t, json))
    };
    match plan_jobs(output) {
        Ok(jobs) => run_jobs(ctx, jobs, op),
        Err(Failure::Usage(m)) | Err(Failure::File(m)) => usage(&m),
    }
}

fn transformed_done(t: Transformed, json: bool) -> Done {
    let p = &t.plan;
    let report = serde_json::json!({
        "operation": p.orientation.name(),
        "width": p.width,
        "height": p.height,
        "region": p.region,
    });
    Done {
        json,
        output: t.output,
        report: Some(report),
        written: None,
        unchanged: false,
        made: None,
    }
}

/// Prints a job's report: JSON with --json (to stdout unless the image goes there),
/// a sentence with -v.
fn report(ctx: &Context, job: &Job, done: &Done, log: &mut Log) {
    let bytes = done.written.unwrap_or(done.output.bytes.len() as u64);
    let Some(r) = &done.report else {
        if ctx.verbose > 0 && done.unchanged {
            let what = if job.in_place {
                "left as it is"
            } else {
                "written unchanged"
            };
            log.err(format!(
                "jtool: {}: output not smaller; the input, {bytes} bytes, {what}",
                job.src.name()
            ));
        } else if ctx.verbose > 0 {
            log.err(format!("jtool: {}: wrote {bytes} bytes", job.src.name()));
        }
        return;
    };
    if done.json {
        let mut v = r.clone();
        v["file"] = serde_json::Value::String(job.src.name());
        v["bytes"] = bytes.into();
        let line = serde_json::to_string(&v).expect("json");
        if job.dest == Dest::Stdout {
            log.err(line);
        } else {
            log.out(line);
        }
    } else if ctx.verbose > 0 {
        let g = &r["region"];
        log.err(format!(
            "jtool: {}: {}, {}x{} from region {}x{}+{}+{}, {bytes} bytes",
            job.src.name(),
            r["operation"].as_str().unwrap_or(""),
            r["width"],
            r["height"],
            g["width"],
            g["height"],
            g["x"],
            g["y"]
        ));
    }
}

/// The region of `a` (jpegtran's geometry or the edges), or a usage message.
fn region_spec(a: &RegionArgs) -> Result<CropSpec, String> {
    let spec = match &a.geometry {
        Some(g) => CropSpec::parse(g).ok_or(format!("invalid --geometry '{g}' (WxH+X+Y)"))?,
        None => CropSpec {
            x: CropOffset {
                value: a.x.unwrap_or(0),
                from_end: false,
            },
            y: CropOffset {
                value: a.y.unwrap_or(0),
                from_end: false,
            },
            width: a.width,
            height: a.height,
            ..CropSpec::default()
        },
    };
    if spec.width == Some(0) || spec.height == Some(0) {
        return Err("region width and height must be at least 1".into());
    }
    Ok(spec)
}

fn run_crop(ctx: &Context, a: &CropArgs) -> i32 {
    let mut spec = match region_spec(&a.region) {
        Ok(s) => s,
        Err(m) => return usage(&m),
    };
    if a.exact {
        spec.force_width = spec.width.is_some();
        spec.force_height = spec.height.is_some();
    }
    run_transform(
        ctx,
        Orientation::Identity,
        Some(spec),
        false,
        (false, false),
        &a.common,
    )
}

fn run_wipe(ctx: &Context, a: &WipeArgs) -> i32 {
    let spec = match region_spec(&a.region) {
        Ok(s) => s,
        Err(m) => return usage(&m),
    };
    let opts = match copy_options(ctx, &a.encode, &a.output) {
        Ok(o) => o,
        Err(m) => return usage(&m),
    };
    let wipe = if a.grayscale {
        pipeline::wipe_grayscale
    } else {
        pipeline::wipe
    };
    match plan_jobs(&a.output) {
        Ok(jobs) => run_jobs(ctx, jobs, |data, _| {
            wipe(data, &spec, &opts).map(Done::from)
        }),
        Err(Failure::Usage(m)) | Err(Failure::File(m)) => usage(&m),
    }
}

fn run_drop(ctx: &Context, a: &DropArgs) -> i32 {
    let opts = match copy_options(ctx, &a.encode, &a.output) {
        Ok(o) => o,
        Err(m) => return usage(&m),
    };
    let name = a.image.display();
    let data = match std::fs::read(&a.image) {
        Ok(d) => d,
        Err(e) => {
            say!("jtool: {name}: {}", io_message(&e));
            return EXIT_FAILED;
        }
    };
    let source = match pipeline::load_drop(&data, &opts.limits) {
        Ok(s) => s,
        Err(e) => {
            say!("jtool: {name}: {}", describe(&e));
            return EXIT_FAILED;
        }
    };
    if let (true, Some(w)) = (ctx.strict, source.warnings.first()) {
        say!("jtool: {name}: {w}");
        return EXIT_FAILED;
    }
    if !ctx.quiet {
        for w in &source.warnings {
            say!("jtool: {name}: warning: {w}");
        }
    }
    let at = (a.x, a.y);
    match plan_jobs(&a.output) {
        Ok(jobs) => run_jobs(ctx, jobs, |data, _| {
            pipeline::drop_image(data, &source, at, a.trim, &opts).map(Done::from)
        }),
        Err(Failure::Usage(m)) | Err(Failure::File(m)) => usage(&m),
    }
}

fn run_combined(ctx: &Context, a: &TransformArgs) -> i32 {
    let o = match (a.rotate, a.flip) {
        (Some(Angle::R90), _) => Orientation::Rot90,
        (Some(Angle::R180), _) => Orientation::Rot180,
        (Some(Angle::R270), _) => Orientation::Rot270,
        (None, Some(d)) => flip(d),
        _ if a.transpose => Orientation::Transpose,
        _ if a.transverse => Orientation::Transverse,
        _ => Orientation::Identity,
    };
    let crop = match a
        .crop
        .as_deref()
        .map(|g| CropSpec::parse(g).ok_or(g))
        .transpose()
    {
        Ok(c) => c,
        Err(g) => return usage(&format!("invalid --crop '{g}' (WxH+X+Y)")),
    };
    run_transform(ctx, o, crop, a.grayscale, (false, false), &a.common)
}

fn run_strip(ctx: &Context, a: &StripArgs) -> i32 {
    let keep = match keep_of(CopyKind::None, Some(&a.keep)) {
        Ok(k) => k,
        Err(m) => return usage(&m),
    };
    let strict = ctx.strict;
    let opts = pipeline::StripOptions {
        drop_exif_thumbnail: a.drop_exif_thumbnail,
        trim_exif_padding: a.trim_exif_padding,
        drop_trailer: a.drop_trailer,
    };
    let op = |data: &[u8], _: &Dest| {
        let out = pipeline::strip_with(data, keep, opts)?;
        pipeline::check_strict(strict, &out.warnings)?;
        Ok(Done::from(out))
    };
    match plan_jobs(&a.output) {
        Ok(jobs) => run_jobs(ctx, jobs, op),
        Err(Failure::Usage(m)) | Err(Failure::File(m)) => usage(&m),
    }
}

fn run_inspect(ctx: &Context, a: &InspectArgs) -> i32 {
    let mut code = EXIT_OK;
    let mut json = Vec::new();
    let mut stdout = std::io::stdout().lock();
    let several = a.files.len() > 1;
    let work = |f: &std::ffi::OsString| {
        let src = Source::from_arg(f);
        let report = io::read_input(&src, true)
            .map_err(|e| io_message(&e))
            .and_then(|data| {
                let inspect = if a.history {
                    jtool::pipeline::inspect_with_history
                } else {
                    jtool::pipeline::inspect_full_with
                };
                inspect(&data, &ctx.limits()).map_err(|e| describe(&e))
            });
        (src, report)
    };
    let workers = par::workers(ctx.jobs, a.files.len());
    par::ordered(&a.files, workers, work, |_, (src, report)| {
        let report = match report {
            Ok(r) => r,
            Err(msg) => {
                say!("jtool: {}: {msg}", src.name());
                code = EXIT_FAILED;
                return true;
            }
        };
        if ctx.strict && !report.warnings.is_empty() {
            say!(
                "jtool: {}: {} (strict mode)",
                src.name(),
                report.warnings[0]
            );
            code = EXIT_FAILED;
        }
        let written = if a.json {
            let mut v = serde_json::to_value(&report).expect("report serializes");
            v["file"] = serde_json::Value::String(src.name());
            json.push(v);
            Ok(())
        } else if several {
            write!(
                stdout,
                "== {} ==\n{}\n",
                src.name(),
                report.to_text(ctx.verbose > 0)
            )
        } else {
            write!(stdout, "{}", report.to_text(ctx.verbose > 0))
        };
        if let Err(e) = written {
            stdout_failed(&e);
        }
        true
    });
    if a.json {
        let doc = if several {
            serde_json::Value::Array(json)
        } else {
            json.pop().unwrap_or_default()
        };
        let text = serde_json::to_string_pretty(&doc).expect("json") + "\n";
        if let Err(e) = stdout.write_all(text.as_bytes()) {
            stdout_failed(&e);
        }
    }
    if let Err(e) = stdout.flush() {
        stdout_failed(&e);
    }
    code
}

/// `decode`'s options for the library.
fn decode_options(ctx: &Context, a: &DecodeArgs) -> pipeline::pixels::DecodeOptions {
    use jtool::pixels::{CmykOutput, PixelOptions};
    let cmyk = if a.cmyk {
        CmykOutput::Cmyk
    } else {
        CmykOutput::Rgb
    };
    pipeline::pixels::DecodeOptions {
        pixels: PixelOptions {
            nosmooth: a.nosmooth,
            cmyk,
            // The entropy decoder and the pixel stage overlap on two threads.
            threads: par::threads_per_file(1),
            scale: a.scale.unwrap_or_default(),
            gray: a.grayscale,
            crop: a.crop,
            dct: a.dct.into(),
            rgb565: a.rgb565.then_some(a.dither != Some(args::DitherArg::None)),
        },
        limits: ctx.limits(),
        strict: ctx.strict,
    }
}

/// The pixel format `decode` writes: the one asked for, else the output file's
/// extension's (PNM for any other, and for stdout).
fn decode_format(asked: Option<PixelFormat>, dest: &Dest) -> decode_cmd::Format {
    use decode_cmd::Format;
    use jtool::pixels::bmp::BmpKind;
    let ext =
        |p: &std::path::Path, e: &str| p.extension().is_some_and(|x| x.eq_ignore_ascii_case(e));
    match (asked, dest) {
        (Some(PixelFormat::Png), _) => Format::Png,
        (Some(PixelFormat::Bmp), _) => Format::Bmp(BmpKind::Windows),
        (Some(PixelFormat::Os2), _) => Format::Bmp(BmpKind::Os2),
        (Some(PixelFormat::Targa), _) => Format::Targa,
        (Some(PixelFormat::Gif), _) => Format::Gif { lzw: true },
        (Some(PixelFormat::Gif0), _) => Format::Gif { lzw: false },
        (None, Dest::File(p)) if ext(p, "gif") => Format::Gif { lzw: true },
        (Some(PixelFormat::Pnm), _) | (None, Dest::Stdout) => Format::Pnm,
        (None, Dest::File(p)) if ext(p, "png") => Format::Png,
        (None, Dest::File(p)) if ext(p, "bmp") => Format::Bmp(BmpKind::Windows),
        (None, Dest::File(p)) if ext(p, "tga") => Format::Targa,
        (None, Dest::File(_)) => Format::Pnm,
    }
}

fn run_decode(ctx: &Context, a: &DecodeArgs) -> i32 {
    let opts = decode_options(ctx, a);
    let format = a.format;
    if a.rgb565 && matches!(format, Some(PixelFormat::Gif | PixelFormat::Gif0)) {
        return usage("--rgb565 with GIF output (a colour-mapped format)");
    }
    let map = match &a.map {
        Some(path) => {
            match read_option_file(path, |b| jtool::pixels::quantize::read_colormap(&b)) {
                Ok(m) => Some(std::sync::Arc::new(m)),
                Err(code) => return code,
            }
        }
        None => None,
    };
    let shaping = decode_cmd::Shaping {
        skip: a.skip,
        rgb: a.rgb,
        mapping: decode_cmd::Mapping {
            quant: jtool::pixels::quantize::QuantizeOptions {
                colors: usize::from(a.colors.or(a.gif_colors).unwrap_or(256)),
                dither: a.dither.map(Into::into).unwrap_or_default(),
                two_pass: !a.onepass,
            },
            colors_given: a.colors.is_some() || map.is_some(),
            map,
        },
    };
    let in_place = a.output.in_place;
    let op = |data: &[u8], dest: &Dest| {
        let format = decode_format(format, dest);
        let like = match dest {
            Dest::File(p) if in_place => Some(p.as_path()),
            _ => None,
        };
        // Written as decoded, so the output is done here (not by run_job).
        let (written, warnings) =
            match decode_cmd::decode_to(data, &opts, dest, like, format, shaping.clone()) {
                Err(jtool::Error::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                    stdout_failed(&e)
                }
                r => r?,
            };
        let mut warnings = warnings;
        if let Some(path) = &a.icc {
            warnings.extend(write_embedded_icc(data, path)?);
        }
        let mut done = Done::from(pipeline::Output {
            bytes: Vec::new(),
            warnings,
        });
        done.written = Some(written);
        Ok(done)
    };
    match plan_jobs(&a.output) {
        // Pixels are streamed out as they are decoded, into a new file only.
        Ok(_) if a.output.keep_inode => usage("decode cannot --keep-inode: it writes a new file"),
        Ok(jobs) if a.icc.is_some() && jobs.len() > 1 => usage("decode --icc FILE takes one input"),
        Ok(jobs) => run_jobs(ctx, jobs, op),
        Err(Failure::Usage(m)) | Err(Failure::File(m)) => usage(&m),
    }
}

/// `decode --icc PATH`: writes the profile `data` embeds to `path` (atomically), or
/// returns a warning that it has none.
fn write_embedded_icc(
    data: &[u8],
    path: &std::path::Path,
) -> jtool::Result<Option<jtool::Warning>> {
    let file = jtool::container::JpegFile::parse(data)?;
    match jtool::container::edit::embedded_icc(&file) {
        Some(profile) => {
            io::write_output(&Dest::File(path.to_path_buf()), &profile, None)?;
            Ok(None)
        }
        None => Ok(Some(jtool::Warning {
            offset: None,
            mcu: None,
            kind: jtool::WarningKind::Other(format!(
                "no complete ICC profile to write to {}",
                path.display()
            )),
        })),
    }
}

/// `encode`'s quality, sampling, colour and table options as cjpeg reads them.
fn encode_tables(
    a: &PixelEncodeArgs,
) -> Result<(jtool::pixels::EncodeParams, jtool::pixels::QuantChoice), String> {
    use jtool::pixels::{parse_table_file, EncodeParams, QuantChoice, Sampling};
    let list = |s: &str, what: &str, max: u8| -> Result<Vec<u8>, String> {
        s.split(',')
            .map(|t| t.trim().parse::<u8>().ok().filter(|&n| n <= max))
            .collect::<Option<Vec<u8>>>()
            .ok_or_else(|| format!("invalid {what} '{s}'"))
    };
    let qualities = match &a.quality {
        Some(q) => list(q, "--quality (0-100, comma-separated)", 100)?,
        None => Vec::new(),
    };
    let default = if a.rgb {
        Sampling::S444
    } else {
        Sampling::S420
    };
    let sampling = match &a.sampling {
        None => default,
        Some(s) => Sampling::parse(s).ok_or_else(|| {
            format!("invalid --sampling '{s}' (444, 422, 420, 440 or HxV[,HxV...], 1-4 each)")
        })?,
    };
    let mut quant = QuantChoice::ijg(&qualities, a.baseline);
    if let Some(path) = &a.qtables {
        let text = std::fs::read(path).map_err(|e| format!("--qtables {}: {e}", path.display()))?;
        let tables = parse_table_file(&text)
            .and_then(|t| quant.with_file_tables(&t, &qualities, a.baseline))
            .map_err(|e| format!("--qtables {}: {e}", path.display()))?;
        quant = tables;
    }
    if let Some(s) = &a.qslots {
        let given = list(s, "--qslots (0-3, comma-separated)", 3)?;
        quant.slots = Some(std::array::from_fn(|i| given[i.min(given.len() - 1)]));
    }
    let params = EncodeParams {
        quality: qualities.first().copied().unwrap_or(75),
        sampling,
        // cjpeg gives a gray output the first factors `-sample` names.
        gray_factors: match a.sampling {
            Some(_) => sampling.luma_factors(),
            None => (1, 1),
        },
        grayscale: a.grayscale,
        rgb: a.rgb,
        force_baseline: a.baseline,
        threads: par::threads_per_file(1),
        dct: a.dct.into(),
        smoothing: a.smooth.unwrap_or(0),
    };
    Ok((params, quant))
}

/// `PSV[,PT]` of `--lossless`: the predictor 1-7 and the point transform (0 unless
/// given).
fn parse_lossless(s: &str) -> std::result::Result<(u8, u8), String> {
    let bad = || format!("--lossless {s}: PSV[,PT], a predictor 1-7 and a point transform");
    let (psv, pt) = s.split_once(',').unwrap_or((s, "0"));
    let psv: u8 = psv.trim().parse().map_err(|_| bad())?;
    let pt: u8 = pt.trim().parse().map_err(|_| bad())?;
    match (1..=7).contains(&psv) && pt < 16 {
        true => Ok((psv, pt)),
        false => Err(bad()),
    }
}

/// What `--lossless` cannot be combined with: a lossless file has one sequential
/// Huffman scan of full-size components and no DCT.
fn lossless_conflict(a: &PixelEncodeArgs) -> Option<String> {
    let sampled = a
        .sampling
        .as_deref()
        .is_some_and(|s| !matches!(s, "444" | "1x1" | "1x1,1x1,1x1"));
    let named = [
        (a.progressive, "--progressive"),
        (a.arithmetic, "--arithmetic"),
        (a.scans.is_some(), "--scans"),
        (a.smooth.is_some_and(|s| s > 0), "--smooth"),
        (a.dct != args::DctArg::Int, "--dct"),
        (sampled, "--sampling (lossless components are full size)"),
    ];
    let found = named.iter().find(|(on, _)| *on)?;
    Some(format!("--lossless cannot be combined with {}", found.1))
}

fn run_encode(ctx: &Context, a: &PixelEncodeArgs) -> i32 {
    let (params, quant) = match encode_tables(a) {
        Ok(p) => p,
        Err(m) => return usage(&m),
    };
    let (restart_interval, restart_rows) = match a.restart.as_deref().map(parse_restart) {
        None | Some(Ok(RestartSpec::Keep)) => (0, 0),
        Some(Ok(RestartSpec::Mcus(n))) => (n, 0),
        Some(Ok(RestartSpec::Rows(n))) => (0, n),
        Some(Err(m)) => return usage(&m),
    };
    let scans = match a.scans.as_deref().map(read_scans).transpose() {
        Ok(s) => s,
        Err(m) => return usage(&m),
    };
    let icc = match a.icc.as_deref().map(read_icc).transpose() {
        Ok(s) => s,
        Err(m) => return usage(&m),
    };
    let opts = pipeline::PixelEncodeOptions {
        params,
        quant: Some(quant),
        mode: if a.progressive {
            CodingMode::Progressive
        } else {
            CodingMode::Sequential
        },
        huffman: if a.arithmetic {
            HuffmanChoice::Arithmetic
        } else if a.standard_huffman {
            HuffmanChoice::Standard
        } else {
            HuffmanChoice::Optimal
        },
        restart_interval,
        restart_rows,
        scans,
        icc,
    };
    let lossless = match a.lossless.as_deref().map(parse_lossless).transpose() {
        Ok(l) => l,
        Err(m) => return usage(&m),
    };
    let precision = a.precision;
    if lossless.is_none() && precision != 8 && precision != 12 {
        return usage("--precision: 8 or 12 (2 to 16 with --lossless)");
    }
    if lossless.is_some() {
        if let Some(m) = lossless_conflict(a) {
            return usage(&m);
        }
    }
    let op = |data: &[u8], _: &Dest| {
        let bytes = match (lossless, precision) {
            (Some(l), p) => pipeline::encode_image_file_lossless(data, &opts, p, l)?,
            (None, 12) => pipeline::encode_image_file_wide(data, &opts)?,
            _ => pipeline::encode_image_file(data, &opts)?,
        };
        Ok(Done::from(pipeline::Output {
            bytes,
            warnings: Vec::new(),
        }))
    };
    match plan_jobs(&a.output) {
        Ok(jobs) => run_jobs(ctx, jobs, op),
        Err(Failure::Usage(m)) | Err(Failure::File(m)) => usage(&m),
    }
}
