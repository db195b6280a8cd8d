//! `--files-from LIST`: input names read from a file or standard input, for more files
//! than a command line holds (`find ... -print0 | jtool rotate 90 --in-place
//! --files-from - --null`).

use super::args::Cli;
use std::ffi::OsString;
use std::io::Read;

/// Adds the names listed by `--files-from` to the command's inputs (after those given
/// on the command line; the default `-` goes). A usage message when the list cannot
/// be read, names `-`, or the command takes no list of files.
pub fn add_listed(cli: &mut Cli) -> Result<(), String> {
    let Some(list) = cli.global.files_from.clone() else {
        return Ok(());
    };
    let null = cli.global.null;
    let Some((files, listed)) = cli.command.inputs_mut() else {
        return Err("--files-from: this command takes no list of files".into());
    };
    let bytes = read_list(&list)
        .map_err(|e| format!("--files-from {}: {}", list.display(), super::io_message(&e)))?;
    let names = split_names(&bytes, if null { 0 } else { b'\n' });
    if names.iter().any(|n| n == "-") {
        return Err("--files-from: `-` is not a file name in a list (write ./-)".into());
    }
    if files.len() == 1 && files[0] == "-" {
        files.clear();
    }
    files.extend(names);
    if let Some(flag) = listed {
        *flag = true;
    }
    let mut noted = vec![OsString::from("jtool")];
    noted.extend(files.iter().cloned());
    super::par::note_inputs(&noted);
    Ok(())
}

/// The list's bytes. Not [`super::stdin::read_arg`]: that refuses a terminal, where
/// an image cannot come from but a list of names may be typed (as for xargs).
fn read_list(list: &std::path::Path) -> std::io::Result<Vec<u8>> {
    if list.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().lock().read_to_end(&mut bytes)?;
        return Ok(bytes);
    }
    std::fs::read(list)
}

/// The names between separators; empty ones (a final separator, blank lines) skipped.
fn split_names(bytes: &[u8], sep: u8) -> Vec<OsString> {
    use std::os::unix::ffi::OsStringExt;
    bytes
        .split(|&b| b == sep)
        .filter(|n| !n.is_empty())
        .map(|n| OsString::from_vec(n.to_vec()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_on_newlines_or_nul_bytes() {
        let lines = split_names(b"a.jpg\nb c.jpg\n\nd\xff.jpg\n", b'\n');
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1], "b c.jpg");
        let nul = split_names(b"new\nline.jpg\0x.jpg\0", 0);
        assert_eq!(nul, ["new\nline.jpg", "x.jpg"]);
        assert!(split_names(b"", b'\n').is_empty());
    }
}
