//! The `jtool` command: argument parsing, files and exit codes on top of the library.
// The unit tests keep the test harness's own entry point.
#![cfg_attr(not(test), no_main)]

mod cli;

use std::ffi::{CStr, OsString};
use std::os::unix::ffi::OsStrExt;

/// The C entry point, in place of std's (`lang_start`): std's set-up reads
/// /proc/self/maps to place a guard for a main-thread stack overflow (through
/// `pthread_getattr_np` and sscanf) and maps a signal stack: 0.09 ms, 7%, of `verify`
/// on a 16x16 file. What of it jtool relies on is done here.
#[cfg_attr(not(test), no_mangle)]
extern "C" fn main(argc: libc::c_int, argv: *const *const libc::c_char) -> libc::c_int {
    cli::start::standard_streams();
    // SAFETY: the C runtime passes `argc` valid NUL-terminated strings in `argv`.
    let args = unsafe { arguments(argc, argv) };
    // A panic's message is printed by the panic hook; 101 is std's exit code for it.
    let code = std::panic::catch_unwind(|| cli::run(args)).unwrap_or(101);
    // Flushes stdout, as returning from std's main would.
    std::process::exit(code)
}

/// The command line from C's `argc` and `argv` (as std would read it, but from the
/// entry point's own arguments: not every C library hands them to std otherwise).
///
/// # Safety
/// `argv` must hold `argc` pointers to NUL-terminated strings.
unsafe fn arguments(argc: libc::c_int, argv: *const *const libc::c_char) -> Vec<OsString> {
    let n = if argv.is_null() {
        0
    } else {
        usize::try_from(argc).unwrap_or(0)
    };
    (0..n)
        .map(|i| {
            // SAFETY: i < argc, and each entry is a NUL-terminated string (see above).
            let s = unsafe { CStr::from_ptr(*argv.add(i)) };
            std::ffi::OsStr::from_bytes(s.to_bytes()).to_owned()
        })
        .collect()
}
