//! The command-line front end: parses arguments, turns them into jobs (one input, one
//! output), runs each job through the library and folds the results into an exit code.

mod args;
mod io;

use args::{Cli, Command, CopyArgs, CopyKind, InspectArgs, OutputArgs};
use clap::Parser;
use io::{Dest, Source};
use jtool::container::KeepPolicy;
use jtool::entropy::{CodingMode, HuffmanChoice, Limits};
use jtool::pipeline::{self, CopyOptions, RestartSpec};
use std::io::Write;

/// Exit code: every file succeeded.
const EXIT_OK: i32 = 0;
/// Exit code: at least one file failed.
const EXIT_FAILED: i32 = 1;
/// Exit code: the command line was wrong.
const EXIT_USAGE: i32 = 2;

/// Runs the command line and returns the exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    let ctx = Context { strict: cli.strict, quiet: cli.quiet, verbose: cli.verbose, max_pixels: cli.max_pixels };
    match &cli.command {
        Command::Copy(a) => run_copy(&ctx, a),
        Command::Inspect(a) => run_inspect(&ctx, a),
    }
}

/// Global options every subcommand sees.
struct Context {
    strict: bool,
    quiet: bool,
    verbose: u8,
    max_pixels: u64,
}

impl Context {
    fn limits(&self) -> Limits {
        Limits { max_pixels: self.max_pixels, ..Limits::default() }
    }
}

/// One input and where its output goes.
struct Job {
    src: Source,
    dest: Dest,
    /// The output replaces the input (permissions are copied from it).
    in_place: bool,
}

/// Why a job failed: an error of the file, or of the command line.
enum Failure {
    File(String),
    Usage(String),
}

fn usage(msg: &str) -> i32 {
    eprintln!("jtool: {msg}");
    EXIT_USAGE
}

/// Turns IN [OUT] / --in-place / --out-dir into jobs.
fn plan_jobs(o: &OutputArgs) -> Result<Vec<Job>, Failure> {
    if o.in_place {
        return o
            .files
            .iter()
            .map(|f| match Source::from_arg(f) {
                Source::Stdin => Err(Failure::Usage("--in-place needs file names, not -".into())),
                Source::File(p) => Ok(Job { src: Source::File(p.clone()), dest: Dest::File(p), in_place: true }),
            })
            .collect();
    }
    if let Some(dir) = &o.out_dir {
        return o
            .files
            .iter()
            .map(|f| match (Source::from_arg(f), io::out_dir_path(dir, f)) {
                (Source::File(p), Some(out)) => Ok(Job { src: Source::File(p), dest: Dest::File(out), in_place: false }),
                _ => Err(Failure::Usage("--out-dir needs file names, not -".into())),
            })
            .collect();
    }
    match o.files.as_slice() {
        [i] => Ok(vec![Job { src: Source::from_arg(i), dest: Dest::Stdout, in_place: false }]),
        [i, out] => Ok(vec![Job { src: Source::from_arg(i), dest: Dest::from_arg(out), in_place: false }]),
        _ => Err(Failure::Usage("give IN [OUT], or several inputs with --in-place or --out-dir DIR".into())),
    }
}

/// Runs `op` over every job, printing errors and warnings; returns the exit code.
fn run_jobs<F>(ctx: &Context, jobs: Vec<Job>, op: F) -> i32
where
    F: Fn(&[u8]) -> jtool::Result<pipeline::Output>,
{
    let mut code = EXIT_OK;
    for job in jobs {
        match run_job(ctx, &job, &op) {
            Ok(()) => {}
            Err(Failure::File(msg)) => {
                eprintln!("jtool: {}: {msg}", job.src.name());
                code = EXIT_FAILED;
            }
            Err(Failure::Usage(msg)) => return usage(&msg),
        }
    }
    code
}

fn run_job<F>(ctx: &Context, job: &Job, op: &F) -> Result<(), Failure>
where
    F: Fn(&[u8]) -> jtool::Result<pipeline::Output>,
{
    if let (Source::File(i), Dest::File(o)) = (&job.src, &job.dest) {
        if !job.in_place && io::same_file(i, o) {
            return Err(Failure::File("output would overwrite the input (use --in-place)".into()));
        }
    }
    let input = io::read_input(&job.src).map_err(|e| Failure::File(io_message(&e)))?;
    let out = op(&input).map_err(|e| Failure::File(describe(&e)))?;
    if !ctx.quiet {
        for w in &out.warnings {
            eprintln!("jtool: {}: warning: {w}", job.src.name());
        }
    }
    let like = match (&job.src, job.in_place) {
        (Source::File(p), true) => Some(p.as_path()),
        _ => None,
    };
    match io::write_output(&job.dest, &out.bytes, like) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(EXIT_OK),
        Err(e) => return Err(Failure::File(format!("cannot write output: {}", io_message(&e)))),
    }
    if ctx.verbose > 0 {
        eprintln!("jtool: {}: wrote {} bytes", job.src.name(), out.bytes.len());
    }
    Ok(())
}

/// One line for a library error, with its byte offset.
fn describe(e: &jtool::Error) -> String {
    let s = e.to_string();
    match e.offset() {
        Some(o) if !s.contains("(at byte") => format!("{s} (at byte {o})"),
        _ => s,
    }
}

fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn parse_restart(s: &str) -> Result<RestartSpec, String> {
    let (num, blocks) = match s.strip_suffix(['B', 'b']) {
        Some(n) => (n, true),
        None => (s, false),
    };
    let n: u16 = num.parse().map_err(|_| format!("invalid --restart value '{s}' (N rows or NB MCUs, at most 65535)"))?;
    Ok(if blocks || n == 0 { RestartSpec::Mcus(n) } else { RestartSpec::Rows(n) })
}

fn keep_policy(k: CopyKind) -> KeepPolicy {
    match k {
        CopyKind::None => KeepPolicy::None,
        CopyKind::Comments => KeepPolicy::Comments,
        CopyKind::Icc => KeepPolicy::Icc,
        CopyKind::Exif => KeepPolicy::Exif,
        CopyKind::All => KeepPolicy::All,
    }
}

fn run_copy(ctx: &Context, a: &CopyArgs) -> i32 {
    let restart = match a.restart.as_deref().map(parse_restart).transpose() {
        Ok(r) => r.unwrap_or(RestartSpec::Keep),
        Err(m) => return usage(&m),
    };
    let mode = if a.progressive {
        Some(CodingMode::Progressive)
    } else if a.baseline || a.standard_huffman {
        Some(CodingMode::Sequential)
    } else {
        None
    };
    let opts = CopyOptions {
        mode,
        huffman: if a.standard_huffman { HuffmanChoice::Standard } else { HuffmanChoice::Optimal },
        restart,
        keep: keep_policy(a.copy),
        limits: ctx.limits(),
        strict: ctx.strict,
    };
    match plan_jobs(&a.output) {
        Ok(jobs) => run_jobs(ctx, jobs, |data| pipeline::copy(data, &opts)),
        Err(Failure::Usage(m)) | Err(Failure::File(m)) => usage(&m),
    }
}

fn run_inspect(ctx: &Context, a: &InspectArgs) -> i32 {
    let mut code = EXIT_OK;
    let mut json = Vec::new();
    let mut stdout = std::io::stdout().lock();
    let several = a.files.len() > 1;
    for f in &a.files {
        let src = Source::from_arg(f);
        let report = io::read_input(&src)
            .map_err(|e| io_message(&e))
            .and_then(|data| jtool::inspect::inspect(&data).map_err(|e| describe(&e)));
        let report = match report {
            Ok(r) => r,
            Err(msg) => {
                eprintln!("jtool: {}: {msg}", src.name());
                code = EXIT_FAILED;
                continue;
            }
        };
        if ctx.strict && !report.warnings.is_empty() {
            eprintln!("jtool: {}: {} (strict mode)", src.name(), report.warnings[0]);
            code = EXIT_FAILED;
        }
        let written = if a.json {
            let mut v = serde_json::to_value(&report).expect("report serializes");
            v["file"] = serde_json::Value::String(src.name());
            json.push(v);
            Ok(())
        } else if several {
            write!(stdout, "== {} ==\n{}\n", src.name(), report.to_text(ctx.verbose > 0))
        } else {
            write!(stdout, "{}", report.to_text(ctx.verbose > 0))
        };
        if written.is_err() {
            return EXIT_OK; // broken pipe: the reader has what it wanted
        }
    }
    if a.json {
        let doc = if several { serde_json::Value::Array(json) } else { json.pop().unwrap_or_default() };
        if writeln!(stdout, "{}", serde_json::to_string_pretty(&doc).expect("json")).is_err() {
            return EXIT_OK;
        }
    }
    code
}
