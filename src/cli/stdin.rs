//! Standard input as the image to read.

use std::ffi::OsStr;
use std::io::{self, IsTerminal, Read};

/// Why standard input is not read when it is a terminal: a file name left out means
/// stdin (as for jpegtran, djpeg and cjpeg), and at a prompt that is a mistake.
pub const FROM_TERMINAL: &str =
    "will not read an image from a terminal: name a file, or pipe one in";

/// Whether standard input is a terminal, which is refused rather than waited on.
pub fn is_terminal() -> bool {
    io::stdin().is_terminal()
}

/// All of standard input ([`FROM_TERMINAL`] when it is a terminal).
pub fn read_stdin() -> io::Result<Vec<u8>> {
    if is_terminal() {
        return Err(io::Error::other(FROM_TERMINAL));
    }
    let mut v = Vec::new();
    io::stdin().lock().read_to_end(&mut v)?;
    Ok(v)
}

/// The bytes a file argument names: standard input for `-`, else the file.
pub fn read_arg(arg: &OsStr) -> io::Result<Vec<u8>> {
    match arg == "-" {
        true => read_stdin(),
        false => std::fs::read(arg),
    }
}
