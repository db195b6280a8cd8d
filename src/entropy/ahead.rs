//! The second half of a long sequential scan, decoded on a helper thread while the
//! serial walk decodes the first half. The helper keeps every block it decodes,
//! packed, or only the DC value of the blocks whose AC coefficients the reader does
//! not read (`djpeg -scale 1/8`).
//!
//! With restart intervals (T.81 F.1.2.3) the helper starts right after a marker near
//! the middle, at a known MCU with the DC predictions reset, and the serial walk joins
//! it when it gets there. Without them nothing says where an MCU begins, so the helper
//! starts at a byte near the middle and decodes as if an MCU began there, as
//! `speculate` does to check a scan: it records its first MCU starts by bit position
//! and sends them to the serial walk. Once the serial walk is past that byte it looks
//! for one of its own MCU starts among the recorded ones. From a common start on, both
//! decoders decode the same bits with the same tables, so the helper's blocks are the
//! serial walk's, except that each DC value is off by what the two DC predictions
//! (T.81 F.2.2.1) differed by there, a constant per component. The walk then takes the
//! rest of the scan from the helper instead of decoding it.
//!
//! The helper's blocks are used only when its data decoded without a fault and ended
//! cleanly at the marker after it, after exactly as many MCUs as the scan has left:
//! then the serial walk would have reported nothing either. In every other case (no
//! common start, corrupt data, extra bytes, a helper that could not start or gave up)
//! the serial walk carries on as if there were no helper, so the result, warnings
//! included, never depends on it.

use super::bitread::BitReader;
use super::decode_scan::{bytes_before_marker, BlockDecode, DropAc, Layout, Natural, Sequential};
use super::speculate::{resume_at, Next, Start, Starts, RESTARTS, WINDOW};
use crate::coeffs::nonzero_mask;
use crate::coeffs::Block;
use crate::threads::Handle;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender};

/// Smallest entropy-coded data worth a helper thread.
#[cfg(not(test))]
const MIN_BYTES: usize = 256 << 10;
#[cfg(test)]
const MIN_BYTES: usize = 4 << 10;
/// Most bytes the helper's packed blocks may take; beyond, it gives up (the serial
/// walk then decodes the rest itself, as without it).
const MAX_SPILL_BYTES: usize = 96 << 20;

// Joins with a usable helper on this thread (for tests that must see it used).
#[cfg(test)]
thread_local! {
    pub(super) static JOINED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Blocks the helper decoded, packed, in decoding order from the start of its last
/// attempt.
#[derive(Debug, Default)]
pub(super) struct Spill {
    /// The attempt (restart at a later byte) the blocks belong to.
    attempt: usize,
    /// MCUs decoded, up to the clean end of the data.
    mcus: usize,
    /// Per scan component, whether its blocks' AC coefficients are kept.
    keep_ac: [bool; 4],
    /// Blocks of one MCU whose AC coefficients are kept, and whose are not.
    kept_per_mcu: usize,
    dc_per_mcu: usize,
    /// Per block whose AC coefficients are kept: bit i set when natural coefficient
    /// i is stored (bit 0 always: the DC value, which the shift of its prediction may
    /// make nonzero). The other blocks store their DC value alone.
    masks: Vec<u64>,
    /// The stored coefficients of every block, in order.
    vals: Vec<i16>,
}

/// Where the helper starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Begin {
    /// At byte `at` of a scan without restart markers, guessing that an MCU starts
    /// there.
    Guess { at: usize },
    /// At byte `at`, right after restart marker number `index` (counted from 0, T.81
    /// F.1.2.3), where MCU `mcu` begins; the scan's restart interval is `interval`.
    Marker {
        at: usize,
        index: usize,
        mcu: usize,
        interval: usize,
    },
}

/// Where the helper starts in `ecs`, when the scan is worth one: a little after the
/// middle, since the serial walk also unpacks the helper's blocks; with restart
/// interval `ri`, at the first marker from there, when the markers up to it are
/// RST0, RST1, ... in turn and it is past MCU `first`, where the walk starts.
pub(super) fn begin(ecs: &[u8], ri: usize, first: usize) -> Option<Begin> {
    if ecs.len() < MIN_BYTES {
        return None;
    }
    let middle = ecs.len() / 20 * 9;
    if ri == 0 {
        return resume_at(ecs, middle).map(|at| Begin::Guess { at });
    }
    let mut br = BitReader::new(ecs);
    for index in 0usize.. {
        let (at, code) = br.next_marker()?;
        if code != 0xD0 + (index & 7) as u8 {
            return None;
        }
        br.skip_marker();
        let mcu = (index + 1).checked_mul(ri)?;
        if at >= middle && mcu > first {
            let at = at + 2;
            return Some(Begin::Marker {
                at,
                index,
                mcu,
                interval: ri,
            });
        }
    }
    None
}

/// What the helper needs: the scan's data, layout and block decoder, and where to
/// start.
pub(super) struct Ahead<'t> {
    pub ecs: &'t [u8],
    pub layout: &'t Layout,
    pub decoder: Sequential<'t>,
    pub begin: Begin,
    /// Per scan component, whether its blocks' AC coefficients are kept (else only
    /// the DC values, all a reader such as `djpeg -scale 1/8` needs of them).
    pub keep_ac: [bool; 4],
}

impl Ahead<'_> {
    /// Decodes from where it begins to the end of the data, sending its first MCU
    /// starts on `to_walk` when it guesses where it begins; `None` when its blocks
    /// cannot be used (or `stop` was set).
    pub(super) fn run(self, to_walk: SyncSender<Starts>, stop: &AtomicBool) -> Option<Spill> {
        match self.begin {
            Begin::Guess { at } => self.guessing(at, to_walk, stop),
            Begin::Marker {
                at,
                index,
                mcu,
                interval,
            } => {
                drop(to_walk);
                self.intervals(at, index, mcu, interval, stop)
            }
        }
    }

    /// An empty spill for attempt `attempt`.
    fn spill(&self, attempt: usize) -> Spill {
        let (mut kept, mut dc) = (0, 0);
        for (sc, n) in self.layout.mcu_blocks() {
            match self.keep_ac[sc & 3] {
                true => kept += n,
                false => dc += n,
            }
        }
        Spill {
            attempt,
            keep_ac: self.keep_ac,
            kept_per_mcu: kept,
            dc_per_mcu: dc,
            ..Spill::default()
        }
    }

    /// Decodes from restart marker `index` (at byte `at`, before MCU `mcu`) to the end
    /// of the data, interval by interval: usable when every interval decodes, every
    /// marker is the next one in turn with no byte before it, and the data ends
    /// after the last MCU, as the serial walk then finds nothing to report.
    fn intervals(
        mut self,
        at: usize,
        index: usize,
        mcu: usize,
        ri: usize,
        stop: &AtomicBool,
    ) -> Option<Spill> {
        let blocks = self.layout.mcu_blocks();
        let left = self.layout.total_mcus().checked_sub(mcu)?;
        let mut spill = self.spill(0);
        let mut br = BitReader::at(self.ecs, at);
        let mut scratch: Block = [0; 64];
        for k in index + 1.. {
            for _ in 0..ri.min(left - spill.mcus) {
                if !self.mcu(&mut br, &blocks, &mut scratch, &mut spill) {
                    return None;
                }
                spill.mcus += 1;
            }
            if stop.load(Ordering::Relaxed) || spill.too_big() {
                return None;
            }
            let (_, extra) = bytes_before_marker(&br, self.ecs.len());
            if extra != 0 {
                return None;
            }
            if spill.mcus == left {
                return Some(spill);
            }
            match br.next_marker() {
                Some((_, code)) if code == 0xD0 + (k & 7) as u8 => br.skip_marker(),
                _ => return None,
            }
            self.decoder.reset();
        }
        None
    }

    /// Decodes from byte `at` (guessing that an MCU starts there) to the end of the
    /// data.
    fn guessing(
        mut self,
        at: usize,
        to_walk: SyncSender<Starts>,
        stop: &AtomicBool,
    ) -> Option<Spill> {
        let blocks = self.layout.mcu_blocks();
        let window = (self.layout.total_mcus() / 8).clamp(1, WINDOW);
        let mut to_walk = Some(to_walk);
        let mut starts = Starts::new();
        let mut spill = self.spill(0);
        let mut br = BitReader::at(self.ecs, at);
        let mut scratch: Block = [0; 64];
        loop {
            let recording = to_walk.is_some();
            if recording && spill.mcus == window {
                to_walk.take()?.send(std::mem::take(&mut starts)).ok()?;
            } else if recording {
                let start = Start {
                    attempt: spill.attempt,
                    mcu: spill.mcus,
                    pred: self.decoder.pred,
                };
                starts.insert(br.bit_key()?, start);
            }
            if spill.mcus % 64 == 0 && stop.load(Ordering::Relaxed) {
                return None;
            }
            let before = br;
            if self.mcu(&mut br, &blocks, &mut scratch, &mut spill) {
                spill.mcus += 1;
                if spill.too_big() {
                    return None;
                }
                continue;
            }
            spill.truncate(spill.mcus);
            if to_walk.is_some() && spill.attempt < RESTARTS {
                // A wrong guess of where an MCU starts: start again a byte further on.
                let at = resume_at(self.ecs, before.bit_key()? as usize / 8 + 1)?;
                br = BitReader::at(self.ecs, at);
                spill = self.spill(spill.attempt + 1);
                starts.clear();
                self.decoder.reset();
                continue;
            }
            // The end of the data, or a fault: usable only if the data stops right here.
            if let Some(tx) = to_walk.take() {
                tx.send(starts).ok()?;
            }
            let (_, extra) = bytes_before_marker(&before, self.ecs.len());
            return (extra == 0).then_some(spill);
        }
    }

    /// Decodes one MCU and packs its blocks onto `spill`; false on invalid data or
    /// bits past the data (the blocks pushed then are the caller's to drop).
    #[inline]
    fn mcu(
        &mut self,
        br: &mut BitReader,
        blocks: &[(usize, usize)],
        scratch: &mut Block,
        spill: &mut Spill,
    ) -> bool {
        let mut unused = 0;
        for &(sc, count) in blocks {
            if !self.keep_ac[sc & 3] {
                for _ in 0..count {
                    let ok = (self.decoder)
                        .decode(br, sc, scratch, &mut unused, DropAc)
                        .is_ok();
                    spill.vals.push(scratch[0]);
                    if !ok {
                        return false;
                    }
                }
                continue;
            }
            for _ in 0..count {
                let ok = self
                    .decoder
                    .decode(br, sc, scratch, &mut unused, Natural)
                    .is_ok();
                let mask = nonzero_mask(scratch) | 1;
                let mut rest = mask;
                while rest != 0 {
                    let i = rest.trailing_zeros() as usize & 63;
                    rest &= rest - 1;
                    spill.vals.push(scratch[i]);
                    scratch[i] = 0;
                }
                spill.masks.push(mask);
                if !ok {
                    return false;
                }
            }
        }
        !br.overrun()
    }
}

/// How the serial walk finds where the helper began.
enum Meet {
    /// Among the MCU starts the helper recorded.
    Guessed(Next),
    /// At MCU `mcu`, reading from bit `key` (right after the marker).
    Marker { mcu: usize, key: u64 },
}

/// The serial walk's side: where the helper began and its result.
pub(super) struct Joiner<'scope> {
    meet: Meet,
    helper: Option<Handle<'scope, Option<Spill>>>,
    stop: &'scope AtomicBool,
}

/// The helper's blocks from the serial walk's current MCU on.
pub(super) struct Joined {
    spill: Spill,
    /// The index in `spill` of the next mask, and of the next value.
    mask: usize,
    val: usize,
    /// MCUs left, this one included.
    pub mcus: usize,
    /// What to add to the helper's DC values, per scan component.
    shift: [i32; 4],
}

impl<'scope> Joiner<'scope> {
    /// The walk's side of a helper that began at `begin` (sending the MCU starts it
    /// records on `from` when it guessed).
    pub(super) fn new(
        begin: Begin,
        from: Receiver<Starts>,
        helper: Handle<'scope, Option<Spill>>,
        stop: &'scope AtomicBool,
    ) -> Self {
        let meet = match begin {
            Begin::Guess { at } => Meet::Guessed(Next::new(at, from)),
            Begin::Marker { at, mcu, .. } => Meet::Marker {
                mcu,
                key: 8 * at as u64,
            },
        };
        Joiner {
            meet,
            helper: Some(helper),
            stop,
        }
    }

    /// Called at the start of each MCU `m` of the serial walk (reader `br`, DC
    /// predictions `pred`): the helper's blocks from here on when the helper decoded
    /// from here too and its data ended cleanly. Once it answers anything but "not
    /// here yet", it is done and answers `None` from then on.
    #[inline]
    pub(super) fn check(&mut self, br: &BitReader, pred: [i32; 4], m: usize) -> Option<Joined> {
        self.helper.as_ref()?;
        let met = match &mut self.meet {
            Meet::Guessed(next) => next.meet(br),
            Meet::Marker { mcu, .. } if m < *mcu => Some(None),
            Meet::Marker { mcu, key } => {
                (m == *mcu && br.bit_key() == Some(*key)).then_some(Some(Start {
                    attempt: 0,
                    mcu: 0,
                    pred: [0; 4],
                }))
            }
        };
        match met {
            Some(None) => None,
            Some(Some(start)) => self.join(start, pred),
            None => {
                self.stop();
                None
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn join(&mut self, start: Start, pred: [i32; 4]) -> Option<Joined> {
        let spill = self.helper.take()?.try_join().ok()??;
        if spill.attempt != start.attempt || start.mcu > spill.mcus {
            return None;
        }
        #[cfg(test)]
        JOINED.with(|j| j.set(j.get() + 1));
        let (mask, val) = spill.position(start.mcu);
        let shift = std::array::from_fn(|c| pred[c].wrapping_sub(start.pred[c]));
        Some(Joined {
            mcus: spill.mcus - start.mcu,
            spill,
            mask,
            val,
            shift,
        })
    }

    /// Tells the helper to stop; its blocks will not be used.
    pub(super) fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.helper = None;
    }
}

impl Drop for Joiner<'_> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl Spill {
    /// Where MCU `mcu` begins: the index of its first mask and of its first value.
    fn position(&self, mcu: usize) -> (usize, usize) {
        let masks = (mcu * self.kept_per_mcu).min(self.masks.len());
        let kept: usize = (self.masks[..masks].iter())
            .map(|m| m.count_ones() as usize)
            .sum();
        (masks, kept + mcu * self.dc_per_mcu)
    }

    /// Drops the blocks of MCU `mcu` on.
    fn truncate(&mut self, mcu: usize) {
        let (masks, vals) = self.position(mcu);
        self.masks.truncate(masks);
        self.vals.truncate(vals);
    }

    /// Whether the spill takes more memory than a helper may use.
    fn too_big(&self) -> bool {
        self.masks.len() * 8 + self.vals.len() * 2 > MAX_SPILL_BYTES
    }
}

impl Joined {
    /// Writes the next block into the zeroed `blk` (scan component `sc`), or skips it
    /// when `blk` is `None`.
    #[inline]
    pub(super) fn next_into(&mut self, sc: usize, blk: Option<&mut Block>) {
        let mask = match self.spill.keep_ac[sc & 3] {
            true => {
                self.mask += 1;
                self.spill.masks.get(self.mask - 1).copied().unwrap_or(1)
            }
            false => 1,
        };
        let n = mask.count_ones() as usize;
        let vals = self.spill.vals.get(self.val..self.val + n).unwrap_or(&[]);
        self.val += n;
        let Some(blk) = blk else { return };
        let mut rest = mask;
        for &v in vals {
            let i = rest.trailing_zeros() as usize & 63;
            rest &= rest - 1;
            blk[i] = v;
        }
        // The stored DC value is the helper's prediction there (as i16, which wraps as
        // the true one does).
        blk[0] = i32::from(blk[0]).wrapping_add(self.shift[sc & 3]) as i16;
    }
}
