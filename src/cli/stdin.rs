//! Standard input as the image to read.

use std::io::{self, IsTerminal, Read};

/// All of standard input. A terminal is refused rather than waited on: a file name left
/// out means stdin (as for jpegtran, djpeg and cjpeg), and at a prompt that is a mistake.
pub fn read_stdin() -> io::Result<Vec<u8>> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        return Err(io::Error::other(
            "will not read an image from a terminal: name a file, or pipe one in",
        ));
    }
    let mut v = Vec::new();
    stdin.lock().read_to_end(&mut v)?;
    Ok(v)
}
