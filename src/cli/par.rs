//! Per-file work on worker threads, with the results handed back in input order so
//! that what jtool prints does not depend on how many threads ran.
//!
//! Self-contained (std only): `verify_cmd` uses it and the verify test includes both.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

/// The CPUs this process may use (asked once: on Linux the answer reads cgroup files).
pub fn cpus() -> usize {
    static CPUS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CPUS.get_or_init(|| std::thread::available_parallelism().map_or(1, |c| c.get()))
}

/// Files below this size are worked on by one thread: the threaded stages start at
/// images of 2^17 pixels a thread or 2^15 blocks, far larger than such a JPEG holds
/// unless it is almost flat (then a thread less costs little).
const SMALL_INPUT: u64 = 32 << 10;

/// Set when every file named on the command line is small (see [`note_inputs`]).
static SMALL_INPUTS: AtomicBool = AtomicBool::new(false);

/// Looks at the command line's arguments: when some name regular files, all of them
/// under [`SMALL_INPUT`] bytes, and none is `-` (standard input, of unknown size),
/// each file's work stays on one thread and the CPU count is not asked for (on Linux
/// that reads three cgroup files, a tenth of a millisecond: 5% of a thumbnail's run).
/// The output does not depend on the thread count.
pub fn note_inputs(args: &[std::ffi::OsString]) {
    let small = || {
        let mut files = 0;
        for a in args.iter().skip(1) {
            if a == "-" {
                return false;
            }
            match std::fs::metadata(a) {
                Ok(m) if m.is_file() && m.len() >= SMALL_INPUT => return false,
                Ok(m) if m.is_file() => files += 1,
                _ => {}
            }
        }
        files > 0
    };
    SMALL_INPUTS.store(small(), Ordering::Relaxed);
}

/// Threads for the work on one file while `workers` files are processed at once: the
/// CPUs the workers leave over, at least 1 and at most 4 (past that, the coders and
/// decoders gain little); 1 for small inputs ([`note_inputs`]).
pub fn threads_per_file(workers: usize) -> usize {
    if SMALL_INPUTS.load(Ordering::Relaxed) {
        return 1;
    }
    (cpus() / workers.max(1)).clamp(1, 4)
}

/// Threads for `n` items: `requested`, or one per CPU when it is 0; at most `n`.
pub fn workers(requested: usize, n: usize) -> usize {
    if n <= 1 {
        return 1;
    }
    let cpus = cpus();
    let want = if requested == 0 { cpus } else { requested };
    want.clamp(1, n.max(1))
}

/// Calls `work` on every item on `workers` threads and `take` with each result in item
/// order. When `take` returns false no further item is started (those under way
/// finish and are dropped). When the system starts none of the threads, this one does
/// the work.
pub fn ordered<T, R, W, F>(items: &[T], workers: usize, work: W, mut take: F)
where
    T: Sync,
    R: Send,
    W: Fn(&T) -> R + Sync,
    F: FnMut(usize, R) -> bool,
{
    let one_by_one = |take: &mut F| {
        for (i, item) in items.iter().enumerate() {
            if !take(i, work(item)) {
                return;
            }
        }
    };
    if workers <= 1 || items.len() < 2 {
        return one_by_one(&mut take);
    }
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|s| {
        let mut started = 0;
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, work) = (&next, &work);
            let worker = jtool::threads::spawn(s, move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                if tx.send((i, work(item))).is_err() {
                    break;
                }
            });
            started += usize::from(worker.is_ok());
        }
        drop(tx);
        if started == 0 {
            return one_by_one(&mut take);
        }
        // Results that finish early wait here until every earlier one has been taken.
        let mut held = BTreeMap::new();
        let mut want = 0;
        for (i, r) in rx {
            held.insert(i, r);
            while let Some(r) = held.remove(&want) {
                want += 1;
                if !take(want - 1, r) {
                    next.store(items.len(), Ordering::Relaxed);
                    return;
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_order_and_stop_early() {
        let items: Vec<u64> = (0..200).collect();
        for w in [1, 2, 7] {
            let mut seen = Vec::new();
            ordered(
                &items,
                w,
                |&x| {
                    // Uneven work so that later items often finish first.
                    std::thread::sleep(std::time::Duration::from_micros((x * 37) % 500));
                    x * 2
                },
                |i, r| {
                    seen.push((i, r));
                    i < 150
                },
            );
            let want: Vec<(usize, u64)> = (0..151).map(|i| (i, 2 * i as u64)).collect();
            assert_eq!(seen, want, "workers {w}");
        }
    }

    #[test]
    fn small_inputs_stay_on_one_thread() {
        let d = tempfile::tempdir().unwrap();
        let (small, big) = (d.path().join("s.jpg"), d.path().join("b.jpg"));
        std::fs::write(&small, [0u8; 100]).unwrap();
        std::fs::write(&big, vec![0u8; SMALL_INPUT as usize]).unwrap();
        let argv = |v: &[&std::path::Path]| -> Vec<std::ffi::OsString> {
            std::iter::once("jtool".into())
                .chain(v.iter().map(|p| p.as_os_str().to_owned()))
                .collect()
        };
        let full = cpus().clamp(1, 4);
        note_inputs(&argv(&[&small, &d.path().join("new.jpg")]));
        assert_eq!(threads_per_file(1), 1);
        note_inputs(&argv(&[&small, &big]));
        assert_eq!(threads_per_file(1), full);
        note_inputs(&argv(&[&small, std::path::Path::new("-")]));
        assert_eq!(threads_per_file(1), full);
        assert_eq!(workers(0, 1), 1);
    }
}
