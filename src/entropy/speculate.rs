//! Checking a long scan without restart markers on several threads at once.
//!
//! Without RSTn markers (T.81 F.1.2.3) nothing says where an MCU begins but the
//! decoding of every MCU before it. Each thread after the first therefore starts at a
//! byte of its own share of the data and decodes *as if* an MCU began there. Huffman
//! codes resynchronise: after some symbols such a decoder is at a symbol boundary, and
//! after some more (a wrong guess of which block of the MCU it is in soon breaks down
//! again) at a true MCU boundary. From a true MCU boundary on, decoding is exactly
//! what the whole walk does there, whatever came before, except for the DC predictions
//! (T.81 F.2.2.1), which only shift every later DC value of a component by a constant.
//!
//! So each speculative decoder records the bit position of its first MCU starts
//! ([`BitReader::bit_key`]), and the decoder of the share before it, once past the
//! share's first byte, looks for one of its own MCU starts among them. The first
//! common one joins the two: the earlier decoder stops there, the later one's MCUs
//! from there on are the scan's, its MCU count and DC predictions are offset by what
//! the earlier one had there.
//!
//! The result is only ever "every MCU decodes, every coefficient is in range, the data
//! ends where the last MCU does": anything else, or no common MCU start, and the caller
//! walks the scan as usual, so every problem is reported by the one walk.

use super::bitread::BitReader;
use super::decode_scan::{bytes_before_marker, BlockDecode, Layout, Natural, Sequential};
use crate::coeffs::Block;
use std::collections::HashMap;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// MCU starts a speculative decoder records, at most (and at most a quarter of a
/// share's MCUs).
pub(super) const WINDOW: usize = 2048;
/// Times a speculative decoder may start again after hitting invalid data while it is
/// still recording (its guess of where an MCU starts was wrong).
pub(super) const RESTARTS: usize = 64;

/// What a decoder knew at one recorded MCU start.
#[derive(Debug, Clone, Copy)]
pub(super) struct Start {
    /// Attempt (restart) it belongs to.
    pub attempt: usize,
    /// MCUs decoded before it in that attempt.
    pub mcu: usize,
    /// DC predictions there (T.81 F.2.2.1), in the decoder's own reckoning.
    pub pred: [i32; 4],
}

/// The MCU starts of one speculative decoder's last attempt, by bit position.
pub(super) type Starts = HashMap<u64, Start>;

/// Extremes of the DC predictions (the DC values of the blocks decoded) per scan
/// component, in a decoder's own reckoning.
#[derive(Debug, Clone, Copy)]
struct DcSpan([(i32, i32); 4]);

impl DcSpan {
    const EMPTY: DcSpan = DcSpan([(i32::MAX, i32::MIN); 4]);

    fn add(&mut self, sc: usize, v: i32) {
        let e = &mut self.0[sc & 3];
        *e = (e.0.min(v), e.1.max(v));
    }

    fn join(&mut self, o: &DcSpan) {
        for (a, b) in self.0.iter_mut().zip(o.0) {
            *a = (a.0.min(b.0), a.1.max(b.1));
        }
    }

    /// Whether every value, shifted by `shift`, lies within ±`max`.
    fn within(&self, shift: &[i32; 4], max: i32) -> bool {
        self.0.iter().zip(shift).all(|(&(lo, hi), &s)| {
            lo > hi
                || (i64::from(lo) + i64::from(s) >= -i64::from(max)
                    && i64::from(hi) + i64::from(s) <= i64::from(max))
        })
    }
}

/// What one share's decoder found.
#[derive(Debug, Default)]
struct Share {
    /// The attempt whose MCUs count (the last one).
    attempt: usize,
    /// Where it met the next share's decoder: its own MCU count there, its DC
    /// predictions there, and the next decoder's record of that start.
    joined: Option<(usize, [i32; 4], Start)>,
    /// For the last share: the MCU count at which decoding failed (the MCU after the
    /// last), if the data ended cleanly after the MCU before it.
    end: Option<usize>,
    /// MCU counts (last attempt) of blocks with an AC coefficient out of range.
    ac_out: Vec<usize>,
    /// DC extremes of each recorded MCU (last attempt, by MCU count), then of all
    /// MCUs after the recorded ones.
    dc_recorded: Vec<DcSpan>,
    dc_after: Option<DcSpan>,
}

/// How one share's decoder talks to its neighbours.
#[derive(Default)]
struct Link {
    /// Where to send the MCU starts it records (none for the first share).
    to_prev: Option<SyncSender<Starts>>,
    /// The next share (none for the last).
    next: Option<Next>,
}

/// The next share, as the decoder before it sees it.
pub(super) struct Next {
    /// Its first byte.
    at: usize,
    /// Its recorded MCU starts, when it has them.
    from: Receiver<Starts>,
    /// Those starts, once received, and the last of them.
    starts: Option<(Starts, u64)>,
}

impl Next {
    /// The share starting at byte `at`, whose decoder sends its MCU starts on `from`.
    pub(super) fn new(at: usize, from: Receiver<Starts>) -> Self {
        Next {
            at,
            from,
            starts: None,
        }
    }

    /// Whether the decoder at `br`, at an MCU start, meets the next share's decoder
    /// there: its record of that start. `None` when they cannot meet any more (past
    /// every start it recorded, or it recorded none).
    pub(super) fn meet(&mut self, br: &BitReader) -> Option<Option<Start>> {
        // `byte_offset` is at most a few bytes late (stuffing): a cheap test first.
        if br.byte_offset() + 16 < self.at {
            return Some(None);
        }
        let k = br.bit_key()?;
        if k < 8 * self.at as u64 {
            return Some(None);
        }
        let (theirs, last) = match &self.starts {
            Some(s) => s,
            None => {
                let s = self.from.recv().ok()?;
                let last = s.keys().copied().max()?;
                self.starts.insert((s, last))
            }
        };
        match theirs.get(&k) {
            Some(&st) => Some(Some(st)),
            None if k > *last => None,
            None => Some(None),
        }
    }
}

/// A scan to check: its data, layout, decoder and the coefficient limits.
pub(super) struct Spec<'t> {
    /// The scan's stored entropy-coded bytes.
    pub ecs: &'t [u8],
    /// Which blocks make an MCU.
    pub layout: &'t Layout,
    /// The block decoder with the scan's tables.
    pub decoder: Sequential<'t>,
    /// Largest magnitude of a DC coefficient that counts as in range.
    pub max_dc: i32,
    /// Largest magnitude of an AC coefficient that counts as in range.
    pub max_ac: i32,
}

/// The MCU starts each speculative decoder records for `threads` shares of `total`.
fn window(total: usize, threads: usize) -> usize {
    (total / threads.max(1) / 4).clamp(1, WINDOW)
}

impl Spec<'_> {
    /// Whether the whole scan decodes cleanly, found on `threads` threads; `None` when
    /// that could not be shown this way (including every scan with a problem).
    pub fn clean(&self, threads: usize) -> Option<()> {
        let total = self.layout.total_mcus();
        let starts = share_starts(self.ecs, threads)?;
        let n = starts.len();
        // Share k sends the MCU starts it records to share k − 1.
        let mut links: Vec<Link> = (0..n).map(|_| Link::default()).collect();
        for k in 1..n {
            let (tx, rx) = sync_channel(1);
            links[k].to_prev = Some(tx);
            links[k - 1].next = Some(Next {
                at: starts[k],
                from: rx,
                starts: None,
            });
        }
        let window = window(total, n);
        let shares: Vec<Option<Share>> = std::thread::scope(|s| {
            // A share the system gives no thread ends the walk: the shares started
            // before it find their links closed and stop, and the caller decodes the
            // scan in one walk instead.
            let running: Vec<_> = links
                .into_iter()
                .zip(&starts)
                .enumerate()
                .map(|(k, (link, &start))| {
                    crate::threads::spawn(s, move || self.share(start, k > 0, link, window))
                        .map_err(drop)
                })
                .collect::<Result<_, _>>()
                .ok()?;
            Some(
                running
                    .into_iter()
                    .map(crate::threads::Handle::join)
                    .collect(),
            )
        })?;
        let shares: Vec<Share> = shares.into_iter().collect::<Option<_>>()?;
        self.combine(&shares, total)
    }

    /// Joins the shares: MCU counts, DC predictions and ranges, and the end.
    fn combine(&self, shares: &[Share], total: usize) -> Option<()> {
        // The first share is decoded from the scan's start: MCU 0, predictions 0.
        // `shift`: what turns a share's own DC predictions into the true ones.
        let (mut offset, mut shift, mut from) = (0usize, [0i32; 4], 0usize);
        for (k, sh) in shares.iter().enumerate() {
            let until = match (&sh.joined, sh.end) {
                (Some((mcu, _, _)), _) => *mcu,
                (None, Some(end)) if k + 1 == shares.len() => end,
                _ => return None,
            };
            if until < from || sh.ac_out.iter().any(|&m| m >= from && m < until) {
                return None;
            }
            let mut span = sh.dc_after.unwrap_or(DcSpan::EMPTY);
            for s in sh.dc_recorded.iter().take(until).skip(from) {
                span.join(s);
            }
            if !span.within(&shift, self.max_dc) {
                return None;
            }
            offset += until - from;
            if let Some((_, own, next)) = sh.joined {
                if next.attempt != shares.get(k + 1)?.attempt {
                    return None;
                }
                // The next decoder's predictions there, made true.
                shift = std::array::from_fn(|c| {
                    own[c].wrapping_add(shift[c]).wrapping_sub(next.pred[c])
                });
                from = next.mcu;
            }
        }
        (offset == total).then_some(())
    }

    /// Decodes one share: from byte `start` (speculatively unless it is the scan's
    /// start) until it meets the next share's decoder, or to the end.
    fn share(&self, start: usize, speculative: bool, link: Link, window: usize) -> Option<Share> {
        let Link {
            mut to_prev,
            mut next,
        } = link;
        let (mut d, blocks) = (self.decoder.clone(), self.layout.mcu_blocks());
        let mut sh = Share {
            dc_after: (!speculative).then_some(DcSpan::EMPTY),
            ..Share::default()
        };
        let mut starts = Starts::new();
        let mut br = BitReader::at(self.ecs, start);
        let (mut recording, mut mcu) = (speculative, 0);
        let mut scratch: Block = [0; 64];
        loop {
            if recording && mcu == window {
                recording = false;
                to_prev.take()?.send(std::mem::take(&mut starts)).ok()?;
                sh.dc_after = Some(DcSpan::EMPTY);
            }
            if recording {
                let pred = d.pred;
                let attempt = sh.attempt;
                starts.insert(br.bit_key()?, Start { attempt, mcu, pred });
            }
            if let Some(n) = &mut next {
                if let Some(theirs) = n.meet(&br)? {
                    sh.joined = Some((mcu, d.pred, theirs));
                    return Some(sh);
                }
            }
            let before = br;
            match self.mcu(&mut d, &mut br, &blocks, &mut scratch) {
                Some((span, ac_ok)) => {
                    if !ac_ok {
                        if sh.ac_out.len() >= window {
                            return None;
                        }
                        sh.ac_out.push(mcu);
                    }
                    match &mut sh.dc_after {
                        Some(after) => after.join(&span),
                        None => sh.dc_recorded.push(span),
                    }
                    mcu += 1;
                }
                None if recording && sh.attempt < RESTARTS => {
                    // A wrong guess: start again a byte further on.
                    let at = resume_at(self.ecs, before.bit_key()? as usize / 8 + 1)?;
                    br = BitReader::at(self.ecs, at);
                    sh = Share {
                        attempt: sh.attempt + 1,
                        ..Share::default()
                    };
                    (mcu, starts) = (0, Starts::new());
                    d.reset();
                }
                None if next.is_none() => {
                    // The end of the scan: clean when the data stops right there.
                    let (_, extra) = bytes_before_marker(&before, self.ecs.len());
                    sh.end = (extra == 0).then_some(mcu);
                    if recording {
                        to_prev.take()?.send(std::mem::take(&mut starts)).ok()?;
                    }
                    return Some(sh);
                }
                None => return None,
            }
        }
    }

    /// Decodes one MCU into `scratch`: its DC extremes and whether every AC
    /// coefficient is in range; `None` on invalid data or bits past the data.
    #[inline]
    fn mcu(
        &self,
        d: &mut Sequential,
        br: &mut BitReader,
        blocks: &[(usize, usize)],
        scratch: &mut Block,
    ) -> Option<(DcSpan, bool)> {
        let mut span = DcSpan::EMPTY;
        let mut ac_ok = true;
        let mut unused = 0;
        for &(sc, count) in blocks {
            for _ in 0..count {
                d.decode(br, sc, scratch, &mut unused, Natural).ok()?;
                span.add(sc, d.pred[sc & 3]);
                let (lo, hi) = scratch[1..]
                    .iter()
                    .fold((0i16, 0i16), |(lo, hi), &v| (lo.min(v), hi.max(v)));
                ac_ok &= i32::from(lo) >= -self.max_ac && i32::from(hi) <= self.max_ac;
                *scratch = [0; 64];
            }
        }
        (!br.overrun()).then_some((span, ac_ok))
    }
}

/// The first byte of each thread's share: equal shares, each start moved to a byte
/// a decoder can start at. `None` when the shares would be too small.
fn share_starts(ecs: &[u8], threads: usize) -> Option<Vec<usize>> {
    let per = ecs.len() / threads.max(1);
    if threads < 2 || per < 4096 {
        return None;
    }
    let mut v = vec![0];
    for k in 1..threads {
        let at = resume_at(ecs, k * per)?;
        if at <= *v.last()? {
            return None;
        }
        v.push(at);
    }
    Some(v)
}

/// The first byte at or after `at` that data can start at: not the `00` of a stuffed
/// `FF 00` pair, not a marker.
pub(super) fn resume_at(ecs: &[u8], mut at: usize) -> Option<usize> {
    while at < ecs.len() {
        let after_ff = at > 0 && ecs[at - 1] == 0xFF;
        let marker = ecs[at] == 0xFF && ecs.get(at + 1).is_some_and(|&b| b != 0x00);
        if !after_ff && !marker {
            return Some(at);
        }
        at += 1;
    }
    None
}
