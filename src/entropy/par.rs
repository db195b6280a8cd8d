//! Work of one encode shared among threads: parts of a scan, or whole scans of a
//! progressive file, which T.81 codes independently of each other (each scan has its
//! own tables, G.1.2; each restart interval its own predictions, F.1.2.3).

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` of each item, in item order, computed on up to `threads` threads (this one and
/// `threads - 1` more), each taking the next item not yet taken.
pub(super) fn map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            done.push((i, f(item)));
        }
        done
    };
    let mut all = std::thread::scope(|s| {
        let others: Vec<_> = (1..threads)
            .map(|_| crate::threads::spawn_or_run(s, work))
            .collect();
        let mut all = work();
        for h in others {
            all.extend(h.join());
        }
        all
    });
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_item_order() {
        let items: Vec<u64> = (0..100).collect();
        for threads in [0, 1, 2, 3, 8, 200] {
            let got = map(&items, threads, |&x| {
                // Uneven work, so that threads finish out of order.
                (0..(x % 7) * 1000).fold(x, |a, b| a.wrapping_add(b))
                    - (0..(x % 7) * 1000).sum::<u64>()
            });
            assert_eq!(got, items, "{threads} threads");
        }
        assert!(map(&[] as &[u8], 4, |&x| x).is_empty());
    }
}
