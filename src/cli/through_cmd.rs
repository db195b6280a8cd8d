//! `jtool exif --through COMMAND` (jhead -cmd): another program edits each file, and the
//! file's Exif segment, read before it ran, is put back afterwards, with the image's
//! new size in PixelXDimension/PixelYDimension (jhead leaves the old size).

use super::io::{self, Dest};
use super::{describe, io_message, EXIT_FAILED, EXIT_OK};
use jtool::pipeline;
use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;

/// Runs `command` on each file in turn; returns the exit code (1 when any file failed).
pub fn run(command: &str, files: &[OsString], keep_times: bool, quiet: bool) -> i32 {
    let mut code = EXIT_OK;
    for f in files {
        let name = io::escape(&f.to_string_lossy());
        match through(command, Path::new(f), keep_times) {
            Ok(warnings) if !quiet => {
                for w in warnings {
                    say!("jtool: {name}: warning: {w}");
                }
            }
            Ok(_) => {}
            Err(msg) => {
                say!("jtool: {name}: {msg}");
                code = EXIT_FAILED;
            }
        }
    }
    code
}

/// One file: its Exif saved, the command run (`&i` the file, `&o` a new file beside it
/// that the command writes, when it names one), the Exif put back into the result.
fn through(command: &str, path: &Path, keep_times: bool) -> Result<Vec<String>, String> {
    let original = std::fs::read(path).map_err(|e| io_message(&e))?;
    let times = match keep_times {
        true => Some(io::file_times(path).map_err(|e| io_message(&e))?),
        false => None,
    };
    let out_file = match command.contains("&o") {
        true => Some(io::temporary_in(io::parent_dir(path)).map_err(|e| io_message(&e))?),
        false => None,
    };
    let line = substitute(command, path, out_file.as_ref().map(|t| t.path()));
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(line)
        .status()
        .map_err(|e| format!("cannot run sh: {}", io_message(&e)))?;
    if !status.success() {
        return Err(format!(
            "the command failed ({status}); file left as the command left it"
        ));
    }
    let made = out_file.as_ref().map_or(path, |t| t.path());
    let result = std::fs::read(made).map_err(|e| io_message(&e))?;
    let has_exif =
        jtool::container::JpegFile::parse(&original).is_ok_and(|f| f.exif_segment().is_some());
    let (bytes, warnings) = match has_exif {
        true => {
            let out = pipeline::transplant_exif(&result, &original).map_err(|e| describe(&e))?;
            (
                out.bytes,
                out.warnings.iter().map(|w| w.to_string()).collect(),
            )
        }
        false => (result, Vec::new()),
    };
    let dest = Dest::File(path.to_path_buf());
    io::write_output(&dest, &bytes, Some(path)).map_err(|e| io_message(&e))?;
    if let Some(t) = times {
        io::set_file_times(path, t).map_err(|e| io_message(&e))?;
    }
    Ok(warnings)
}

/// `command` with `&i` and `&o` replaced by the names, each quoted for the shell.
fn substitute(command: &str, input: &Path, output: Option<&Path>) -> OsString {
    let quoted = |p: &Path| -> Vec<u8> {
        let mut q = b"'".to_vec();
        for &b in p.as_os_str().as_bytes() {
            match b {
                b'\'' => q.extend_from_slice(b"'\\''"),
                _ => q.push(b),
            }
        }
        q.push(b'\'');
        q
    };
    let mut out = Vec::new();
    let mut rest = command.as_bytes();
    while let Some(k) = rest.iter().position(|&b| b == b'&') {
        out.extend_from_slice(&rest[..k]);
        match (rest.get(k + 1), output) {
            (Some(b'i'), _) => out.extend(quoted(input)),
            (Some(b'o'), Some(o)) => out.extend(quoted(o)),
            _ => {
                out.push(b'&');
                rest = &rest[k + 1..];
                continue;
            }
        }
        rest = &rest[k + 2..];
    }
    out.extend_from_slice(rest);
    OsString::from_vec(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_for_the_shell() {
        let line = substitute(
            "cp &i &o && echo a&b",
            Path::new("it's.jpg"),
            Some(Path::new("o")),
        );
        assert_eq!(line, "cp 'it'\\''s.jpg' 'o' && echo a&b");
        assert_eq!(substitute("x &o", Path::new("a"), None), "x &o");
    }
}
