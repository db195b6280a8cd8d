//! An interrupted run (Ctrl-C, `kill`, a closed terminal) leaves no temporary output
//! file behind. The handler is installed when the first temporary output file is
//! created. On SIGINT, SIGTERM or SIGHUP it unlinks the temporaries being written,
//! restores the default action and raises the signal again, so the shell sees the
//! process killed by it (a `for` loop over files stops at Ctrl-C, as it does for
//! jpegtran). A signal the process was started with ignored (`nohup`, a background job
//! of a script) stays ignored.

#![allow(unsafe_code)]

use std::sync::Once;

/// Installs the handler once per process; later calls do nothing.
pub fn guard_temporaries() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            install(sig);
        }
    });
}

fn install(sig: libc::c_int) {
    // SAFETY: sigaction with a zeroed struct (a valid empty action) to read the current
    // action, then to set one whose handler only makes async-signal-safe calls.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(sig, std::ptr::null(), &mut old) != 0
            || old.sa_sigaction != libc::SIG_DFL
        {
            return;
        }
        let mut act: libc::sigaction = std::mem::zeroed();
        act.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::sigemptyset(&mut act.sa_mask);
        act.sa_flags = libc::SA_RESTART;
        libc::sigaction(sig, &act, std::ptr::null_mut());
    }
}

extern "C" fn on_signal(sig: libc::c_int) {
    super::oom::unlink_temporaries();
    // SAFETY: signal and raise are async-signal-safe; the raised signal is blocked
    // until this handler returns, then ends the process with the default action.
    unsafe {
        libc::signal(sig, libc::SIG_DFL);
        libc::raise(sig);
    }
}
