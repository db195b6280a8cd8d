//! Standard output for listings and reports, and what a failed write to it means.

/// Writes to standard output, flushed. See [`stdout_failed`] for what a failure does.
pub fn emit(bytes: &[u8]) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(bytes).and_then(|()| out.flush()) {
        stdout_failed(&e);
    }
}

/// Ends the run after a failed write to standard output: quietly (exit code 0) for a
/// closed pipe, since the reader has what it wanted (`jtool inspect *.jpg | head`), and
/// with one line and exit code 1 for anything else (a full disk must not look like
/// success). Temporary output files other threads are writing are removed first.
pub fn stdout_failed(e: &std::io::Error) -> ! {
    let code = if e.kind() == std::io::ErrorKind::BrokenPipe {
        0
    } else {
        use std::io::Write;
        let line = format!("jtool: standard output: {}\n", io_message(e));
        let _ = std::io::stderr().write_all(line.as_bytes());
        1
    };
    super::oom::unlink_temporaries();
    std::process::exit(code)
}

/// An I/O error as one message, without "(os error N)".
pub fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}
