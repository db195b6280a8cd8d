//! `jtool verify FILE...`: integrity check of each file (as `jpeginfo -c`, with the
//! offset and MCU position of the first problem). One line per file, `--json` for
//! scripts; exit code 0 only when every file is OK.
//!
//! Self-contained: uses only the public library API (`jtool::pipeline::verify_threaded`).

use super::par;
use clap::Args;
use jtool::entropy::Limits;
use jtool::pipeline::{self, Status, Verdict};
use std::ffi::OsString;
use std::io::Write;

/// Arguments of `jtool verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// One JSON array for all files: [{"file", "status", "summary", "problems", "trailer"}].
    #[arg(long)]
    pub json: bool,
    /// Files to check (`-`, or none, for stdin).
    #[arg(value_name = "FILE", default_value = "-")]
    pub files: Vec<OsString>,
}

/// One file's result as printed.
#[derive(serde::Serialize)]
struct Entry<'a> {
    file: String,
    #[serde(flatten)]
    verdict: &'a Verdict,
}

/// Runs `jtool verify`; returns the exit code (0: every file OK, 1: otherwise).
/// `verbose` > 0 lists every problem under each file's line; `quiet` prints only the
/// files that are not OK. Files are checked on `jobs` threads (0: one per CPU) and
/// reported in the order given.
pub fn run(args: &VerifyArgs, quiet: bool, verbose: u8, limits: Limits, jobs: usize) -> i32 {
    let mut all_ok = true;
    let mut results: Vec<(String, Verdict)> = Vec::new();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let workers = par::workers(jobs, args.files.len());
    // The CPUs the workers leave over decode a large file's restart intervals at once.
    let threads = par::threads_per_file(workers);
    let verify = |d: &[u8]| pipeline::verify_threaded(d, &limits, threads);
    let check = |f: &OsString| -> (String, std::io::Result<Verdict>) {
        let stdin = f == "-";
        let name = if stdin {
            "-".into()
        } else {
            escape(&f.to_string_lossy())
        };
        let _working = super::oom::working_on(name.clone());
        let data = super::stdin::read_arg(f);
        (name, data.map(|d| verify(&d)))
    };
    par::ordered(&args.files, workers, check, |_, (name, verdict)| {
        let verdict = match verdict {
            Ok(v) => v,
            Err(e) => {
                all_ok = false;
                let _ = writeln!(std::io::stderr(), "jtool: {name}: {e}");
                return true;
            }
        };
        all_ok &= verdict.status == Status::Ok;
        if args.json {
            results.push((name, verdict));
            return true;
        }
        if quiet && verdict.status == Status::Ok {
            return true;
        }
        let text = verdict_text(&name, &verdict, verbose);
        if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            super::stdout::stdout_failed(&e);
        }
        true
    });
    if args.json {
        let entries: Vec<Entry> = results
            .iter()
            .map(|(file, verdict)| Entry {
                file: file.clone(),
                verdict,
            })
            .collect();
        match serde_json::to_string_pretty(&entries) {
            Ok(s) => {
                if let Err(e) = writeln!(out, "{s}").and_then(|()| out.flush()) {
                    super::stdout::stdout_failed(&e);
                }
            }
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "jtool: {e}");
                return 1;
            }
        }
    }
    if all_ok {
        0
    } else {
        1
    }
}

/// One file's line, and with `verbose` its problems, one per line.
fn verdict_text(name: &str, verdict: &Verdict, verbose: u8) -> String {
    let mut text = format!("{name}: {}\n", escape(&verdict.summary));
    if verbose > 0 {
        for p in &verdict.problems {
            text += &format!(
                "  {} {}\n",
                p.severity.as_str(),
                escape(&pipeline::verify_describe(p))
            );
        }
    }
    text
}

/// Control characters in file names and messages, escaped for a terminal.
fn escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}
