//! Extended attributes of a replaced file, carried over to the file renamed over it.
//!
//! Writing into a file keeps its extended attributes: user tags, the SELinux label,
//! POSIX ACLs (stored as `system.posix_acl_access` and `system.posix_acl_default`).
//! jtool replaces a file by renaming a new one over it, so it copies them, as it keeps
//! the mode and the owner. Each attribute is copied on its own and one the system
//! will not set (a `trusted.` name for an ordinary user, a label the policy refuses)
//! is left out: the image is written all the same, as `cp --preserve=xattr` writes it.
//!
//! std has no extended attribute calls, so this module calls libc (Linux only; on other
//! systems nothing is copied).

#![allow(unsafe_code)]

use std::fs::File;
use std::path::Path;

/// Copies what extended attributes of `from` it can to `to`. Call it after the owner
/// of `to` is set: a change of owner drops `security.capability`.
#[cfg(target_os = "linux")]
pub fn copy(from: &Path, to: &File) {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let Ok(path) = CString::new(from.as_os_str().as_bytes()) else {
        return;
    };
    let Some(names) = read_sized(|buf| {
        // SAFETY: `path` is NUL-terminated; `buf` is valid for `buf.len()` bytes (or
        // null with length 0, which asks for the size).
        unsafe { libc::listxattr(path.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) }
    }) else {
        return;
    };
    for name in names.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let Ok(name) = CString::new(name) else {
            continue;
        };
        let value = read_sized(|buf| {
            // SAFETY: as above; `name` is NUL-terminated.
            unsafe {
                libc::getxattr(
                    path.as_ptr(),
                    name.as_ptr(),
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                )
            }
        });
        if let Some(value) = value {
            use std::os::fd::AsRawFd;
            // SAFETY: the descriptor is open for as long as `to` is borrowed; `value`
            // is valid for its length. A refusal is not an error (module docs).
            unsafe {
                libc::fsetxattr(
                    to.as_raw_fd(),
                    name.as_ptr(),
                    value.as_ptr().cast(),
                    value.len(),
                    0,
                )
            };
        }
    }
}

#[cfg(not(target_os = "linux"))]
pub fn copy(_from: &Path, _to: &File) {}

/// The bytes a list/get call gives: first asked for its size, then into a buffer of
/// that size (once more if the value grew in between). `None` on any failure.
#[cfg(target_os = "linux")]
fn read_sized(mut call: impl FnMut(&mut [u8]) -> libc::ssize_t) -> Option<Vec<u8>> {
    // An attribute value is at most 64 KiB (XATTR_SIZE_MAX); a list is bounded too.
    const MAX: usize = 1 << 20;
    for _ in 0..2 {
        let size = usize::try_from(call(&mut [])).ok()?;
        if size == 0 {
            return Some(Vec::new());
        }
        let mut buf = vec![0u8; size.min(MAX)];
        match usize::try_from(call(&mut buf)) {
            Ok(n) => {
                buf.truncate(n);
                return Some(buf);
            }
            Err(_) if std::io::Error::last_os_error().raw_os_error() == Some(libc::ERANGE) => {}
            Err(_) => return None,
        }
    }
    None
}

/// Sets attribute `name` of `path` (for tests); false when the system refuses.
#[cfg(all(test, target_os = "linux"))]
pub(super) fn set(path: &Path, name: &str, value: &[u8]) -> bool {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let p = CString::new(path.as_os_str().as_bytes()).unwrap();
    let n = CString::new(name).unwrap();
    // SAFETY: NUL-terminated strings and a valid value buffer.
    unsafe {
        libc::setxattr(
            p.as_ptr(),
            n.as_ptr(),
            value.as_ptr().cast(),
            value.len(),
            0,
        ) == 0
    }
}

/// Attribute `name` of `path` (for tests).
#[cfg(all(test, target_os = "linux"))]
pub(super) fn get(path: &Path, name: &str) -> Option<Vec<u8>> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let p = CString::new(path.as_os_str().as_bytes()).unwrap();
    let n = CString::new(name).unwrap();
    // SAFETY: as in `copy`.
    read_sized(|buf| unsafe {
        libc::getxattr(p.as_ptr(), n.as_ptr(), buf.as_mut_ptr().cast(), buf.len())
    })
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn user_attributes_are_copied() {
        let d = tempfile::tempdir().unwrap();
        let (a, b) = (d.path().join("a"), d.path().join("b"));
        std::fs::write(&a, b"a").unwrap();
        std::fs::write(&b, b"b").unwrap();
        if !set(&a, "user.tag", b"holiday") {
            eprintln!("skipped: this file system keeps no user attributes");
            return;
        }
        let big = vec![7u8; 3000];
        assert!(set(&a, "user.empty", b""));
        assert!(set(&a, "user.big", &big));
        copy(&a, &File::open(&b).unwrap());
        assert_eq!(get(&b, "user.tag").as_deref(), Some(&b"holiday"[..]));
        assert_eq!(get(&b, "user.empty").as_deref(), Some(&b""[..]));
        assert_eq!(get(&b, "user.big"), Some(big));
        // A file without attributes copies nothing, and a missing one is no error.
        copy(&d.path().join("missing"), &File::open(&b).unwrap());
    }
}
