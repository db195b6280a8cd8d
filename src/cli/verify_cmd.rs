//! `jtool verify FILE...`: integrity check of each file (as `jpeginfo -c`, with the
//! offset and MCU position of the first problem). One line per file, `--json` for
//! scripts; exit code 0 only when every file is OK.
//!
//! Self-contained: uses only the public library API (`jtool::pipeline::verify_with`).

use clap::Args;
use jtool::entropy::Limits;
use jtool::pipeline::{self, Status, Verdict};
use std::ffi::OsString;
use std::io::{Read, Write};

/// Arguments of `jtool verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// One JSON array for all files: [{"file", "status", "summary", "problems", "trailer"}].
    #[arg(long)]
    pub json: bool,
    /// Files to check (`-` for stdin).
    #[arg(value_name = "FILE", required = true)]
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
/// files that are not OK.
pub fn run(args: &VerifyArgs, quiet: bool, verbose: u8, max_pixels: u64) -> i32 {
    let limits = Limits {
        max_pixels,
        ..Limits::default()
    };
    let mut all_ok = true;
    let mut results: Vec<(String, Verdict)> = Vec::new();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for f in &args.files {
        let name = if f == "-" {
            "-".to_string()
        } else {
            escape(&f.to_string_lossy())
        };
        let data = if f == "-" {
            let mut v = Vec::new();
            std::io::stdin().read_to_end(&mut v).map(|_| v)
        } else {
            std::fs::read(f)
        };
        let verdict = match data {
            Ok(d) => pipeline::verify_with(&d, &limits),
            Err(e) => {
                all_ok = false;
                let _ = writeln!(std::io::stderr(), "jtool: {name}: {e}");
                continue;
            }
        };
        all_ok &= verdict.status == Status::Ok;
        if args.json {
            results.push((name, verdict));
            continue;
        }
        if quiet && verdict.status == Status::Ok {
            continue;
        }
        let line = format!("{name}: {}\n", escape(&verdict.summary));
        let mut text = line;
        if verbose > 0 {
            for p in &verdict.problems {
                text += &format!(
                    "  {} {}\n",
                    p.severity.as_str(),
                    escape(&pipeline::verify_describe(p))
                );
            }
        }
        if out.write_all(text.as_bytes()).is_err() {
            return if all_ok { 0 } else { 1 };
        }
    }
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
                let _ = writeln!(out, "{s}");
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
