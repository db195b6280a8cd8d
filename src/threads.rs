//! Scoped threads that fall back to the calling thread when the system refuses to start
//! one (a container's process limit, `ulimit -u`). No output depends on how many
//! threads did the work, so a refused thread costs time, never a result: each caller
//! either runs the work itself ([`spawn_or_run`]) or, given the work back
//! ([`spawn`]), takes its one-thread path. A leaf module, like `error`: every layer
//! may use it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{Scope, ScopedJoinHandle};

/// Threads that may still be started, for tests of the fallbacks (`usize::MAX`: no
/// limit but the system's).
static BUDGET: AtomicUsize = AtomicUsize::new(usize::MAX);

/// Makes every later start of a thread past the first `n` fail as the system's refusal
/// would (`None`: no limit again). For tests of the one-thread fallbacks; it is global
/// to the process.
#[doc(hidden)]
pub fn limit_for_tests(n: Option<usize>) {
    BUDGET.store(n.unwrap_or(usize::MAX), Ordering::SeqCst);
}

fn budget_allows() -> bool {
    BUDGET
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |b| match b {
            usize::MAX => Some(b),
            0 => None,
            _ => Some(b - 1),
        })
        .is_ok()
}

/// Work started by [`spawn`] or [`spawn_or_run`]: a thread, or a result already there.
pub struct Handle<'scope, T>(Inner<'scope, T>);

enum Inner<'scope, T> {
    Thread(ScopedJoinHandle<'scope, Option<T>>),
    Done(T),
}

impl<T> Handle<'_, T> {
    /// The result; a panic of the thread continues on the caller.
    pub fn join(self) -> T {
        self.try_join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))
    }

    /// The result, or the thread's panic as a value.
    pub fn try_join(self) -> std::thread::Result<T> {
        match self.0 {
            // A started thread always finds its closure (only a failed start takes
            // it back), so `None` cannot come out of it.
            Inner::Thread(h) => h
                .join()
                .and_then(|r| r.ok_or_else(|| Box::new("thread without its work") as _)),
            Inner::Done(t) => Ok(t),
        }
    }
}

/// Starts `f` on a thread of `s`; when no thread can be started, gives `f` back.
pub fn spawn<'scope, 'env, F, T>(
    s: &'scope Scope<'scope, 'env>,
    f: F,
) -> Result<Handle<'scope, T>, F>
where
    F: FnOnce() -> T + Send + 'scope,
    T: Send + 'scope,
{
    if !budget_allows() {
        return Err(f);
    }
    // `Builder::spawn_scoped` drops the closure when it fails: a shared slot keeps it.
    let slot = Arc::new(Mutex::new(Some(f)));
    let theirs = Arc::clone(&slot);
    let started = std::thread::Builder::new().spawn_scoped(s, move || {
        let f = theirs.lock().unwrap_or_else(PoisonError::into_inner).take();
        f.map(|f| f())
    });
    match started {
        Ok(h) => Ok(Handle(Inner::Thread(h))),
        Err(_) => match slot.lock().unwrap_or_else(PoisonError::into_inner).take() {
            Some(f) => Err(f),
            // Unreachable: a thread that never started cannot have taken it.
            None => unreachable_start(),
        },
    }
}

#[cold]
fn unreachable_start<T>() -> T {
    unreachable!("a thread that failed to start ran its work")
}

/// Starts `f` on a thread of `s`, or runs it now when no thread can be started. For
/// work that does not wait on work started after it.
pub fn spawn_or_run<'scope, 'env, F, T>(s: &'scope Scope<'scope, 'env>, f: F) -> Handle<'scope, T>
where
    F: FnOnce() -> T + Send + 'scope,
    T: Send + 'scope,
{
    spawn(s, f).unwrap_or_else(|f| Handle(Inner::Done(f())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One test, as the budget is global: the only one in the library that sets it.
    #[test]
    fn a_refused_thread_gives_the_work_back_or_runs_it() {
        let data = [1u32, 2, 3, 4];
        std::thread::scope(|s| {
            let h = spawn(s, || data.iter().sum::<u32>()).ok().unwrap();
            assert_eq!(h.join(), 10);
            let h = spawn(s, || -> u8 { panic!("a worker's panic") })
                .ok()
                .unwrap();
            assert!(h.try_join().is_err());
            limit_for_tests(Some(0));
            let refused = spawn(s, || data[1]);
            let ran = spawn_or_run(s, || data[2]);
            limit_for_tests(None);
            assert_eq!(refused.err().map(|f| f()), Some(2));
            assert_eq!(ran.join(), 3);
        });
    }
}
