//! Files for the CLI: mapped or read input, atomic output through a temporary file in
//! the target directory, refusal to overwrite the input, stdin/stdout as `-`.

#![allow(unsafe_code)]

use std::ffi::{OsStr, OsString};
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::ops::Deref;
use std::path::{Path, PathBuf};

/// Where bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    File(PathBuf),
}

/// Where bytes go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dest {
    Stdout,
    File(PathBuf),
}

impl Source {
    pub fn from_arg(a: &OsStr) -> Self {
        if a == "-" {
            Source::Stdin
        } else {
            Source::File(PathBuf::from(a))
        }
    }
    /// The name used in messages.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "-".into(),
            Source::File(p) => escape(&p.to_string_lossy()),
        }
    }
}

impl Dest {
    pub fn from_arg(a: &OsStr) -> Self {
        if a == "-" {
            Dest::Stdout
        } else {
            Dest::File(PathBuf::from(a))
        }
    }
}

/// Input bytes: a memory map for regular files, a buffer otherwise. The file counts as
/// in progress (for the out-of-memory message) while the value lives.
pub struct Input {
    bytes: Bytes,
    _working: super::oom::Registered<String>,
}

enum Bytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl Deref for Input {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match &self.bytes {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
        }
    }
}

/// Reads the whole input: a regular file mapped when `map`, else read into memory.
pub fn read_input(src: &Source, map: bool) -> io::Result<Input> {
    let working = super::oom::working_on(src.name());
    let bytes = match src {
        Source::File(p) if !map => Bytes::Owned(fs::read(p)?),
        _ => read_bytes(src)?,
    };
    Ok(Input {
        bytes,
        _working: working,
    })
}

fn read_bytes(src: &Source) -> io::Result<Bytes> {
    match src {
        Source::Stdin => super::stdin::read_stdin().map(Bytes::Owned),
        Source::File(p) => {
            let f = File::open(p)?;
            let meta = f.metadata()?;
            if meta.is_dir() {
                return Err(io::Error::other("is a directory"));
            }
            if !meta.is_file() || meta.len() == 0 {
                let mut v = Vec::new();
                (&f).read_to_end(&mut v)?;
                return Ok(Bytes::Owned(v));
            }
            // SAFETY: the map is read-only and lives only while this file is processed.
            // If another process truncates the file meanwhile, reads may fault; jtool
            // accepts that risk for the speed of zero-copy input, as other tools do.
            let map = unsafe { memmap2::Mmap::map(&f)? };
            Ok(Bytes::Mapped(map))
        }
    }
}

/// Whether two paths name the same existing file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

/// Writes `bytes` to `dest`. Files are written to a temporary file beside the target
/// and renamed over it, so a failure never leaves a partial output. `like` gives the
/// permissions to copy (the input's, for --in-place). A file replaced passes on its
/// mode, owner and extended attributes (ACLs among them), as writing into it would.
pub fn write_output(dest: &Dest, bytes: &[u8], like: Option<&Path>) -> io::Result<()> {
    stream_output(dest, like, |w| w.write_all(bytes))
}

/// Writes `bytes` into the existing file `path` itself (`--keep-inode`): the same inode,
/// so hard links stay (owner, mode and extended attributes stay either way). Not
/// atomic: the caller has the whole output before it calls this, and must not read a
/// map of the file after it.
pub fn overwrite_output(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = fs::OpenOptions::new().write(true).open(path)?;
    f.write_all(bytes)?;
    f.set_len(bytes.len() as u64)?;
    f.sync_data()
}

/// Like [`write_output`], with the bytes written by `write` as they are produced (a
/// file is still replaced only once `write` has succeeded).
pub fn stream_output<E: From<io::Error>>(
    dest: &Dest,
    like: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> Result<(), E>,
) -> Result<(), E> {
    match dest {
        Dest::Stdout => {
            let mut out = io::stdout().lock();
            write(&mut out)?;
            Ok(out.flush()?)
        }
        Dest::File(path) if writes_in_place(path) => {
            let mut f = fs::OpenOptions::new().write(true).open(path)?;
            write(&mut f)?;
            Ok(())
        }
        Dest::File(path) => {
            let target = follow_links(path)?;
            let replaced = fs::symlink_metadata(&target).ok().filter(|m| m.is_file());
            if replaced.is_some() {
                // A file its owner made read-only is refused, as opening it for writing
                // (jpegtran, exiftran) refuses it; a rename alone would replace it.
                fs::OpenOptions::new().write(true).open(&target)?;
            }
            let dir = parent_dir(&target);
            // The input's mode for --in-place, else the mode of the file replaced, as a
            // tool that opens the output for writing keeps it.
            let kept = like.or(Some(&target)).and_then(|p| fs::metadata(p).ok());
            let kept = kept.filter(|m| m.is_file()).map(|m| m.permissions());
            let mut tmp = new_temporary(dir, kept.as_ref())?;
            if let Some(m) = &replaced {
                keep_owner(tmp.file.as_file(), m);
                super::xattr::copy(&target, tmp.file.as_file());
            }
            write(tmp.file.as_file_mut())?;
            tmp.file.persist(&target).map_err(|e| e.error)?;
            Ok(())
        }
    }
}

/// The directory a file is in (`.` for a bare name).
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// A temporary file (`.jtool-XXXXXX.tmp`), removed when dropped or when the run is
/// interrupted or runs out of memory.
pub struct Temporary {
    file: tempfile::NamedTempFile,
    _registered: Option<super::oom::Registered<std::ffi::CString>>,
}

impl Temporary {
    pub fn path(&self) -> &Path {
        self.file.path()
    }
}

/// A new empty temporary file in `dir`, for another program to write.
pub fn temporary_in(dir: &Path) -> io::Result<Temporary> {
    new_temporary(dir, None)
}

fn new_temporary(dir: &Path, kept: Option<&fs::Permissions>) -> io::Result<Temporary> {
    super::interrupt::guard_temporaries();
    // The name is registered before the file exists, so an interrupt at any moment
    // finds it.
    let mut registered = None;
    let file = tempfile::Builder::new()
        .prefix(".jtool-")
        .suffix(".tmp")
        .make_in(dir, |p| {
            registered = Some(super::oom::temporary(p.to_path_buf()));
            create_new(p, kept)
        })?;
    Ok(Temporary {
        file,
        _registered: registered,
    })
}

/// Creates a temporary output file: with the kept mode exactly, or 0666 less the umask.
fn create_new(path: &Path, kept: Option<&fs::Permissions>) -> io::Result<File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mode = kept.map_or(0o666, |p| p.mode() & 0o7777);
    let f = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)?;
    if let Some(p) = kept {
        f.set_permissions(p.clone())?; // past the umask
    }
    Ok(f)
}

/// Gives the new file the owner and group of the file it replaces, as writing into that
/// file would keep them (root editing a user's photo in place must not take it over).
/// Where the system refuses (only root may give a file away), the writer's stay.
fn keep_owner(new: &File, replaced: &fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let Ok(now) = new.metadata() else { return };
    if (now.uid(), now.gid()) != (replaced.uid(), replaced.gid()) {
        let group = std::os::unix::fs::fchown(new, None, Some(replaced.gid()));
        let _ = std::os::unix::fs::fchown(new, Some(replaced.uid()), None).and(group);
    }
}

/// Whether output to `path` goes straight into it rather than through a temporary file
/// renamed over it: a device, FIFO or socket (`/dev/null`, a named pipe, `/dev/stdout`),
/// which a rename would replace with a regular file, or a descriptor path.
fn writes_in_place(path: &Path) -> bool {
    let descriptor = ["/dev/fd/", "/dev/stdout", "/dev/stderr", "/proc/"]
        .iter()
        .any(|p| {
            path.as_os_str()
                .as_encoded_bytes()
                .starts_with(p.as_bytes())
        });
    match fs::metadata(path) {
        Ok(m) => descriptor || !(m.is_file() || m.is_dir()),
        Err(_) => false,
    }
}

/// The file a path names once its symbolic links are followed (the final target may
/// not exist yet), so that renaming the output into place replaces the file a link
/// points to, not the link.
fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&p)?;
                p = match p.parent() {
                    Some(d) if to.is_relative() => d.join(to),
                    _ => to,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// A file's access and modification times.
pub fn file_times(path: &Path) -> io::Result<fs::FileTimes> {
    let m = fs::metadata(path)?;
    Ok(fs::FileTimes::new()
        .set_accessed(m.accessed()?)
        .set_modified(m.modified()?))
}

/// Sets a written file's access and modification times (opened read-only: the
/// owner may set them whatever the file's permissions).
pub fn set_file_times(path: &Path, times: fs::FileTimes) -> io::Result<()> {
    // Not a device or FIFO written into (opening a FIFO would wait for a writer).
    if !fs::metadata(path)?.is_file() {
        return Ok(());
    }
    fs::File::open(path)?.set_times(times)
}

/// The output path for `input` inside `dir`.
pub fn out_dir_path(dir: &Path, input: &OsString) -> Option<PathBuf> {
    Path::new(input).file_name().map(|n| dir.join(n))
}

/// Escapes control characters so a file name cannot garble the terminal.
pub fn escape(s: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_control_characters() {
        assert_eq!(escape("a\nb\x1b"), "a\\nb\\u{1b}");
    }

    #[test]
    fn atomic_write_replaces_target() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.jpg");
        fs::write(&p, b"old").unwrap();
        write_output(&Dest::File(p.clone()), b"new", None).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new");
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_link_is_written_through_and_a_mode_kept() {
        use std::os::unix::fs::{symlink, PermissionsExt};
        let d = tempfile::tempdir().unwrap();
        let real = d.path().join("real.jpg");
        fs::write(&real, b"old").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        let link = d.path().join("link.jpg");
        symlink("real.jpg", &link).unwrap();
        write_output(&Dest::File(link.clone()), b"new", None).unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new");
        let mode = fs::metadata(&real).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        // A dangling link creates the file it names.
        let dangling = d.path().join("to-new.jpg");
        symlink("new.jpg", &dangling).unwrap();
        write_output(&Dest::File(dangling), b"x", None).unwrap();
        assert_eq!(fs::read(d.path().join("new.jpg")).unwrap(), b"x");
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 4);
    }

    #[test]
    fn a_replaced_file_keeps_its_owner_where_allowed() {
        use std::os::unix::fs::MetadataExt;
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("theirs.jpg");
        fs::write(&p, b"old").unwrap();
        // Only root may give a file away; as anyone else the owner is already the writer.
        if std::os::unix::fs::chown(&p, Some(65534), Some(65534)).is_err() {
            eprintln!("skipped: this user may not give a file away");
            return;
        }
        write_output(&Dest::File(p.clone()), b"new", None).unwrap();
        let m = fs::metadata(&p).unwrap();
        assert_eq!((m.uid(), m.gid()), (65534, 65534));
        assert_eq!(fs::read(&p).unwrap(), b"new");
    }

    /// Extended attributes stay with the name, as when the file is written into: a
    /// user tag, and an ACL (where `setfacl` is installed).
    #[cfg(target_os = "linux")]
    #[test]
    fn a_replaced_file_keeps_its_extended_attributes() {
        use super::super::xattr::{get, set};
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("tagged.jpg");
        fs::write(&p, b"old").unwrap();
        if !set(&p, "user.tag", b"holiday") {
            eprintln!("skipped: this file system keeps no user attributes");
            return;
        }
        let acl = |args: &[&str]| {
            let out = std::process::Command::new(args[0])
                .args(&args[1..])
                .arg(&p)
                .output();
            out.ok().filter(|o| o.status.success()).map(|o| o.stdout)
        };
        let with_acl = acl(&["setfacl", "-m", "u:65534:r"]).is_some();
        let before = acl(&["getfacl", "-c", "-n"]);
        write_output(&Dest::File(p.clone()), b"new", None).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new");
        assert_eq!(get(&p, "user.tag").as_deref(), Some(&b"holiday"[..]));
        if with_acl {
            let after = acl(&["getfacl", "-c", "-n"]);
            assert!(String::from_utf8_lossy(after.as_deref().unwrap()).contains("user:65534:r--"));
            assert_eq!(after, before);
        } else {
            eprintln!("ACL not checked: setfacl is not installed");
        }
    }

    #[test]
    fn a_read_only_file_is_not_replaced() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("ro.jpg");
        fs::write(&p, b"old").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o444)).unwrap();
        if fs::OpenOptions::new().write(true).open(&p).is_ok() {
            eprintln!("skipped: this user (root) may write a read-only file");
            return;
        }
        let e = write_output(&Dest::File(p.clone()), b"new", None).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::PermissionDenied);
        assert_eq!(fs::read(&p).unwrap(), b"old");
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_fifo_is_written_into_not_replaced() {
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.map(|s| s.success()).unwrap_or(false) {
            eprintln!("skipped: mkfifo is not available");
            return;
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read(fifo).unwrap())
        };
        write_output(&Dest::File(fifo.clone()), b"through", None).unwrap();
        assert_eq!(reader.join().unwrap(), b"through");
        use std::os::unix::fs::FileTypeExt;
        assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    }
}
