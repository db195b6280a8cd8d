//! Running out of memory ends jtool the way any other failure does: one line on
//! standard error (`jtool: FILE: out of memory (N bytes could not be allocated)`) and
//! exit code 1, instead of Rust's abort (a two-line message, SIGABRT, exit code 134 and
//! possibly a core file). A process limit on address space (`ulimit -v`, RLIMIT_AS,
//! as batch pipelines set) makes the allocator return null, which is where this acts;
//! a cgroup memory limit kills the process from outside instead.
//!
//! The global allocator is the system's, wrapped: a null result writes the line
//! (without allocating), removes the temporary output files being written and exits.
//! The files being processed register their names ([`working_on`]), the line names the
//! file when exactly one is in progress; temporary outputs register their paths
//! ([`temporary`]).

#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::ffi::CString;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

struct ExitWhenOutOfMemory;

#[global_allocator]
static ALLOCATOR: ExitWhenOutOfMemory = ExitWhenOutOfMemory;

// SAFETY: every call is passed to the system allocator with the same arguments and
// its result returned unchanged; a null result does not return at all.
unsafe impl GlobalAlloc for ExitWhenOutOfMemory {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        checked(unsafe { System.alloc(layout) }, layout.size())
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        checked(unsafe { System.alloc_zeroed(layout) }, layout.size())
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        checked(unsafe { System.realloc(ptr, layout, new_size) }, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

fn checked(p: *mut u8, size: usize) -> *mut u8 {
    if p.is_null() {
        out_of_memory(size);
    }
    p
}

/// Names (as shown in messages) of the files in progress, with a registration number.
static WORKING: Mutex<Vec<(u64, String)>> = Mutex::new(Vec::new());
/// Temporary output files being written.
static TEMPORARY: Mutex<Vec<(u64, CString)>> = Mutex::new(Vec::new());
static NEXT: AtomicU64 = AtomicU64::new(0);
static EXITING: AtomicBool = AtomicBool::new(false);
thread_local! {
    /// Whether this thread is writing the out-of-memory report.
    static REPORTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A registration; dropping it ends it.
pub struct Registered<T: 'static>(u64, &'static Mutex<Vec<(u64, T)>>);

fn register<T>(list: &'static Mutex<Vec<(u64, T)>>, value: T) -> Registered<T> {
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    if let Ok(mut w) = list.lock() {
        w.push((id, value));
    }
    Registered(id, list)
}

impl<T> Drop for Registered<T> {
    fn drop(&mut self) {
        if let Ok(mut w) = self.1.lock() {
            w.retain(|(id, _)| *id != self.0);
        }
    }
}

/// Registers `name` (already escaped for messages) as in progress until the value
/// returned is dropped.
pub fn working_on(name: String) -> Registered<String> {
    register(&WORKING, name)
}

/// Registers a temporary output file, removed if memory runs out before the value
/// returned is dropped.
pub fn temporary(path: PathBuf) -> Registered<CString> {
    use std::os::unix::ffi::OsStringExt;
    // A path holds no NUL byte; if one did, an empty name unlinks nothing.
    let c = CString::new(path.into_os_string().into_vec()).unwrap_or_default();
    register(&TEMPORARY, c)
}

/// A message buffer on the stack: formatting into it never allocates (a name too long
/// for it is cut).
struct Line {
    buf: [u8; 1024],
    len: usize,
}

impl std::fmt::Write for Line {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let n = s.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

fn out_of_memory(size: usize) -> ! {
    // A second failure on this thread (removing a file allocates, for a long path)
    // ends at once; on another thread, it waits for the first report's exit.
    if REPORTING.try_with(|r| r.replace(true)).unwrap_or(true) {
        std::process::exit(1);
    }
    if EXITING.swap(true, Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
    let mut line = Line {
        buf: [0; 1024],
        len: 0,
    };
    let _ = line.write_str("jtool: ");
    // try_lock: the failing allocation may be this thread's own registration.
    if let Ok(w) = WORKING.try_lock() {
        if let [(_, name)] = w.as_slice() {
            let _ = write!(line, "{name}: ");
        }
    }
    let _ = writeln!(line, "out of memory ({size} bytes could not be allocated)");
    let _ = std::io::stderr().write_all(&line.buf[..line.len]);
    // An output file is a temporary one until its rename: the target is untouched,
    // and the temporary is removed here since exiting runs no destructors.
    unlink_temporaries();
    std::process::exit(1)
}

/// Unlinks the temporary output files being written, for a run that ends without
/// running destructors. Safe in a signal handler: no allocation (the names are kept as
/// C strings), no waiting (try_lock: the interrupted thread may hold the list).
pub fn unlink_temporaries() {
    if let Ok(t) = TEMPORARY.try_lock() {
        for (_, path) in t.iter() {
            // SAFETY: a valid NUL-terminated path; unlink is async-signal-safe.
            unsafe { libc::unlink(path.as_ptr()) };
        }
    }
}
