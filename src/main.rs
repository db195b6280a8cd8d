//! The `jtool` command: argument parsing, files and exit codes on top of the library.
// The unit tests keep the test harness's own entry point.
#![cfg_attr(not(test), no_main)]

mod cli;

/// The C entry point, in place of std's (`lang_start`): std's set-up reads
/// /proc/self/maps to place a guard for a main-thread stack overflow (through
/// `pthread_getattr_np` and sscanf) and maps a signal stack, about a tenth of the
/// running time of a small file's command. What of it jtool relies on is done here.
#[cfg_attr(not(test), no_mangle)]
extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    cli::start::standard_streams();
    // A panic's message is printed by the panic hook; 101 is std's exit code for it.
    let code = std::panic::catch_unwind(cli::run).unwrap_or(101);
    // Flushes stdout, as returning from std's main would.
    std::process::exit(code)
}
