//! What std's start-up does that jtool needs, done without std's `lang_start` (see
//! main.rs): standard descriptors that are never closed, and SIGPIPE ignored.

/// Opens /dev/null on any of descriptors 0–2 that is closed, so that a file jtool opens
/// never becomes its stdout or stderr (a message would be written into an image), and
/// ignores SIGPIPE, so that a closed stdout is an error jtool reports (and ends on
/// quietly) rather than a signal that kills it. Both as std's start-up does them.
pub fn standard_streams() {
    let mut fds: [libc::pollfd; 3] = std::array::from_fn(|fd| libc::pollfd {
        fd: fd as libc::c_int,
        events: 0,
        revents: 0,
    });
    // SAFETY: `fds` is a valid array of three pollfd for the duration of the call.
    let polled = unsafe { libc::poll(fds.as_mut_ptr(), 3, 0) };
    for p in &fds {
        // When poll itself fails, each descriptor is asked with fcntl instead.
        let closed = if polled >= 0 {
            p.revents & libc::POLLNVAL != 0
        } else {
            // SAFETY: F_GETFD on any integer is defined; it fails with EBADF if closed.
            let r = unsafe { libc::fcntl(p.fd, libc::F_GETFD) };
            r == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF)
        };
        if closed {
            // SAFETY: a NUL-terminated path; the lowest free descriptor is the closed one.
            let fd = unsafe { libc::open(b"/dev/null\0".as_ptr().cast(), libc::O_RDWR) };
            if fd != p.fd {
                // Nothing sensible can run with a standard descriptor neither open
                // nor openable.
                std::process::abort();
            }
        }
    }
    // SAFETY: setting a signal's disposition to ignore has no memory effects.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}
