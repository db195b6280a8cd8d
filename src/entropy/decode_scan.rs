//! One scan's entropy-coded data → blocks: the MCU walk (T.81 A.2), restart
//! intervals (F.1.2.3) with resynchronisation, and the sequential block decoder
//! (F.2.2). The progressive block decoders are in `decode_prog`.

use super::bitread::BitReader;
use super::huffdec::HuffDecoder;
use crate::coeffs::{Block, Component, ZIGZAG};
use crate::error::{Warning, WarningKind};

/// Zigzag position → natural index, extended to 128 entries: positions past 63
/// (reachable only through corrupt run lengths) map to 63, as in libjpeg, so a
/// masked index never leaves the block.
pub(super) const ZZ: [u8; 128] = {
    let mut t = [63u8; 128];
    let mut i = 0;
    while i < 64 {
        t[i] = ZIGZAG[i] as u8;
        i += 1;
    }
    t
};

/// Natural index of zigzag position `k` (any `k`; see [`ZZ`]).
#[inline(always)]
pub(super) fn nat(k: usize) -> usize {
    ZZ[k & 127] as usize & 63
}

/// A Huffman code matched no table entry, or a symbol is impossible here.
#[derive(Debug, Clone, Copy)]
pub(super) struct Corrupt(pub &'static str);

/// Where a block decoder puts zigzag coefficient `k` of the block it decodes: the
/// natural position, or (for a decode straight into a transformed image) a transposed
/// and/or sign-flipped one. Decoders read and write coefficients only through this,
/// always with natural-orientation values.
pub(super) trait Order: Copy {
    /// The value of coefficient `k` (any `k`; see [`nat`]).
    fn get(self, blk: &Block, k: usize) -> i16;
    /// Stores `v` as coefficient `k`.
    fn put(self, blk: &mut Block, k: usize, v: i16);
}

/// Coefficients in natural order ([`nat`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Natural;

impl Order for Natural {
    #[inline(always)]
    fn get(self, blk: &Block, k: usize) -> i16 {
        blk[nat(k)]
    }
    #[inline(always)]
    fn put(self, blk: &mut Block, k: usize, v: i16) {
        blk[nat(k)] = v;
    }
}

/// AC coefficients dropped (for a reader of the DC values alone): nothing is stored.
#[derive(Debug, Clone, Copy)]
pub(super) struct DropAc;

impl Order for DropAc {
    #[inline(always)]
    fn get(self, _: &Block, _: usize) -> i16 {
        0
    }
    #[inline(always)]
    fn put(self, _: &mut Block, _: usize, _: i16) {}
}

/// Decodes the blocks of one scan kind (sequential, DC first, ...).
pub(super) trait BlockDecode {
    /// Whether decoding a block depends on what earlier scans left in it (AC
    /// refinement), or records what later scans depend on (AC first scans).
    const HISTORY: bool = false;
    /// Resets the per-interval state (DC predictions, EOBRUN): at the start of the
    /// scan and after each restart marker.
    fn reset(&mut self);
    /// The DC predictions of the scan components (T.81 F.2.2.1), for the decoders
    /// that keep them.
    fn predictions(&self) -> [i32; 4] {
        [0; 4]
    }
    /// Decodes the next block of scan component `sc` into `blk`. `hist` has bit k set
    /// when AC coefficient k (zigzag) of the block is nonzero: the decoders with
    /// [`BlockDecode::HISTORY`] read and update it (so that they need not scan the
    /// block, and so that a block that is not kept can be walked with its mask alone);
    /// the others ignore it.
    fn decode<O: Order>(
        &mut self,
        br: &mut BitReader,
        sc: usize,
        blk: &mut Block,
        hist: &mut u64,
        o: O,
    ) -> Result<(), Corrupt>;
}

/// Where the blocks of a scan go.
pub(super) trait Sink {
    /// The MCUs `[first, end)` of a scan with this layout that hold blocks the sink
    /// wants (`(0, usize::MAX)`: all). Decoding starts at the restart interval holding
    /// `first` when the scan has restart intervals and `history` is false (without
    /// them every MCU before `first` must still be decoded), and stops at `end`.
    fn range(&self, layout: &Layout, history: bool) -> (usize, usize) {
        let _ = (layout, history);
        (0, usize::MAX)
    }
    /// Whether the walk of [`Sink::range`] is one part of a whole walk split at
    /// restart intervals, so that where the part ends it checks the bytes in front of
    /// the next marker, and at the scan's end those after the last MCU, as the whole
    /// walk does there.
    fn part_of_whole(&self) -> bool {
        false
    }
    /// Whether the sink wants nothing more (its receiver stopped): the walk then ends
    /// where it is, without reporting the halt as corrupt data.
    fn stopped(&self) -> bool {
        false
    }
    /// Decodes MCU (`mx`, `my`) of an interleaved scan: by default block by block
    /// through [`Sink::block`], in the order of T.81 A.2.3 (each scan component's
    /// `h` × `v` blocks, row by row).
    #[inline(always)]
    fn mcu<D: BlockDecode>(
        &mut self,
        d: &mut D,
        br: &mut BitReader,
        scan_comps: &[(usize, usize, usize)],
        mx: usize,
        my: usize,
    ) -> Result<(), Corrupt> {
        for (sc, &(ci, h, v)) in scan_comps.iter().enumerate() {
            for by in 0..v {
                for bx in 0..h {
                    self.block(d, br, sc, ci, mx * h + bx, my * v + by)?;
                }
            }
        }
        Ok(())
    }
    /// Decodes block (`bx`, `by`) of frame component `comp` (scan component `sc`).
    fn block<D: BlockDecode>(
        &mut self,
        d: &mut D,
        br: &mut BitReader,
        sc: usize,
        comp: usize,
        bx: usize,
        by: usize,
    ) -> Result<(), Corrupt>;
}

/// Every block into the components' own planes, in natural order. `hist` holds the
/// nonzero masks of progressive frames, one per block of each plane (empty otherwise).
pub(super) struct FullSink<'c> {
    pub comps: &'c mut [Component],
    pub hist: &'c mut [Vec<u64>],
}

impl Sink for FullSink<'_> {
    #[inline(always)]
    fn mcu<D: BlockDecode>(
        &mut self,
        d: &mut D,
        br: &mut BitReader,
        scan_comps: &[(usize, usize, usize)],
        mx: usize,
        my: usize,
    ) -> Result<(), Corrupt> {
        let mut unused = 0;
        for (sc, &(ci, h, v)) in scan_comps.iter().enumerate() {
            let Some(c) = self.comps.get_mut(ci) else {
                continue;
            };
            let wb = c.plane.width_blocks;
            for by in 0..v {
                let row = (my * v + by) * wb + mx * h;
                let Some(blocks) = c.plane.blocks.get_mut(row..row + h) else {
                    continue;
                };
                for blk in blocks {
                    d.decode(br, sc, blk, &mut unused, Natural)?;
                }
            }
        }
        Ok(())
    }

    #[inline(always)]
    fn block<D: BlockDecode>(
        &mut self,
        d: &mut D,
        br: &mut BitReader,
        sc: usize,
        comp: usize,
        bx: usize,
        by: usize,
    ) -> Result<(), Corrupt> {
        let Some(c) = self.comps.get_mut(comp) else {
            return Ok(());
        };
        let i = by * c.plane.width_blocks + bx;
        let Some(blk) = c.plane.blocks.get_mut(i) else {
            return Ok(());
        };
        let mut unused = 0;
        let hist = match self.hist.get_mut(comp) {
            Some(h) if D::HISTORY => h.get_mut(i).unwrap_or(&mut unused),
            _ => &mut unused,
        };
        d.decode(br, sc, blk, hist, Natural)
    }
}

/// Which blocks a scan covers, in coding order.
#[derive(Debug, Clone)]
pub(super) enum Layout {
    /// Several components: MCUs of `h × v` blocks of each, over the padded grid.
    Interleaved {
        /// (frame component index, h, v) in scan order.
        comps: Vec<(usize, usize, usize)>,
        mcus_x: usize,
        mcus_y: usize,
    },
    /// One component: its real blocks (T.81 A.2.1), one block per MCU.
    Single { comp: usize, bw: usize, bh: usize },
}

impl Layout {
    /// Blocks of one MCU: (scan component, count), in decoding order (T.81 A.2.3).
    pub(super) fn mcu_blocks(&self) -> Vec<(usize, usize)> {
        match self {
            Layout::Interleaved { comps, .. } => comps
                .iter()
                .enumerate()
                .map(|(sc, &(_, h, v))| (sc, h * v))
                .collect(),
            Layout::Single { .. } => vec![(0, 1)],
        }
    }

    pub(super) fn total_mcus(&self) -> usize {
        match *self {
            Layout::Interleaved { mcus_x, mcus_y, .. } => mcus_x * mcus_y,
            Layout::Single { bw, bh, .. } => bw * bh,
        }
    }
}

/// Where the scan's data is.
pub(super) struct ScanData<'a> {
    /// The stored entropy-coded bytes (stuffing and RSTn included).
    pub ecs: &'a [u8],
    /// Offset of `ecs` in the file.
    pub offset: usize,
    /// Restart interval in MCUs (0: none).
    pub restart_interval: usize,
}

/// Warnings of one kind beyond this many per scan are dropped.
const MAX_WARNINGS_PER_SCAN: usize = 8;

struct Walk<'w> {
    offset: usize,
    ecs_len: usize,
    warnings: &'w mut Vec<Warning>,
    emitted: usize,
    ended: bool,
    /// MCUs per row of the scan (to give warnings an MCU position).
    cols: usize,
    /// The current interval hit corrupt data (its leftover bytes are not "extra").
    corrupt: bool,
}

impl Walk<'_> {
    fn warn(&mut self, at: usize, kind: WarningKind, mcu: usize) {
        if self.emitted < MAX_WARNINGS_PER_SCAN {
            let mut w = Warning::at(self.offset + at.min(self.ecs_len), kind);
            let cols = self.cols.max(1);
            w.mcu = Some(crate::error::McuPosition {
                index: mcu,
                column: mcu % cols,
                row: mcu / cols,
            });
            self.warnings.push(w);
            self.emitted += 1;
        }
    }
}

enum Resync {
    /// Continue after skipping this many whole intervals.
    Resume(usize),
    /// No usable marker: the rest of the scan is zero.
    Stop,
}

/// Finds the restart marker that should come next (`expected` = 0..7).
fn resync(br: &mut BitReader, walk: &mut Walk, expected: u8, mcu: usize) -> Resync {
    extraneous(br, walk, mcu);
    loop {
        match br.next_marker() {
            Some((at, code)) if (0xD0..=0xD7).contains(&code) => {
                let diff = (code - 0xD0).wrapping_sub(expected) & 7;
                if diff == 0 {
                    br.skip_marker();
                    return Resync::Resume(0);
                }
                walk.warn(at, WarningKind::BadRestart, mcu);
                br.skip_marker();
                if diff <= 4 {
                    // Markers (and their intervals) were lost: resume at this one.
                    return Resync::Resume(diff as usize);
                }
                // An earlier marker number: drop it and look further.
            }
            other => {
                if !walk.ended {
                    let at = other.map_or(walk.ecs_len, |m| m.0);
                    walk.warn(at, WarningKind::BadRestart, mcu);
                }
                return Resync::Stop;
            }
        }
    }
}

/// Warns about bytes between the end of the coded data just decoded and the next
/// marker (libjpeg's "extraneous bytes before marker"; the padding bits of the last
/// byte are not extra).
fn extraneous(br: &BitReader, walk: &mut Walk, mcu: usize) {
    if walk.ended || std::mem::take(&mut walk.corrupt) {
        return;
    }
    let (at, extra) = bytes_before_marker(br, walk.ecs_len);
    if extra > 0 {
        walk.warn(at, WarningKind::ExtraneousBytes(extra), mcu);
    }
}

/// The offset of the marker after what `br` has read (or the end of the data,
/// `ecs_len`), and the bytes between the last one read and it.
pub(super) fn bytes_before_marker(br: &BitReader, ecs_len: usize) -> (usize, usize) {
    let end = br.consumed_end();
    let mut probe = *br;
    let at = probe.next_marker().map_or(ecs_len, |m| m.0);
    (at, at.saturating_sub(end))
}

/// Decodes one scan into `sink` with block decoder `d`; problems become warnings.
/// Only the MCUs the sink asks for ([`Sink::range`]) are decoded, and with restart
/// intervals the ones before them are skipped without decoding when that is exact.
pub(super) fn run_scan<D: BlockDecode, S: Sink>(
    d: &mut D,
    data: &ScanData,
    layout: &Layout,
    sink: &mut S,
    warnings: &mut Vec<Warning>,
) {
    let (first, end) = sink.range(layout, D::HISTORY);
    let total = layout.total_mcus().min(end);
    if first >= total {
        return;
    }
    let mut br = BitReader::new(data.ecs);
    let mut walk = Walk {
        offset: data.offset,
        ecs_len: data.ecs.len(),
        warnings,
        emitted: 0,
        ended: false,
        cols: match *layout {
            Layout::Interleaved { mcus_x, .. } => mcus_x,
            Layout::Single { bw, .. } => bw,
        },
        corrupt: false,
    };
    let ri = data.restart_interval;
    let mut next_rst = if ri > 0 { ri } else { usize::MAX };
    let mut rst_num: usize = 0;
    let mut m = 0;
    if ri > 0 && first >= ri && !D::HISTORY {
        // Every interval starts afresh (DC predictions and EOB runs reset), so the
        // intervals before the one holding `first` need no decoding: find the marker
        // in front of it. Anything unusual on the way (a marker out of sequence, too
        // few markers) and the walk starts at the beginning, as a full decode does.
        let k = first / ri;
        if let Some(r) = after_restarts(data.ecs, k) {
            br = r;
            m = k * ri;
            rst_num = k;
            next_rst = m.saturating_add(ri);
        }
    }
    d.reset();
    while m < total {
        if m == next_rst {
            match resync(&mut br, &mut walk, (rst_num & 7) as u8, m) {
                Resync::Resume(skip) => {
                    let resume = m.saturating_add(skip.saturating_mul(ri));
                    rst_num += skip + 1;
                    next_rst = resume.saturating_add(ri);
                    d.reset();
                    if resume > m {
                        m = resume;
                        continue;
                    }
                }
                Resync::Stop => return,
            }
        }
        let (b, next, halt) = decode_span(d, br, layout, sink, m, next_rst.min(total));
        br = b;
        m = next;
        match halt {
            Halt::Done => continue,
            Halt::Corrupt(_) if sink.stopped() => return,
            Halt::Corrupt(what) => {
                walk.warn(
                    br.byte_offset(),
                    WarningKind::CorruptData(what.to_string()),
                    next - 1,
                );
                walk.corrupt = true;
            }
            Halt::Overrun => {
                if !walk.ended {
                    walk.ended = true;
                    let at = br.stop_offset().unwrap_or(walk.ecs_len);
                    walk.warn(at, WarningKind::PrematureEnd, next - 1);
                }
            }
        }
        // The rest of this restart interval (or of the scan) stays zero.
        if ri == 0 {
            return;
        }
        m = m.max(next_rst);
    }
    if total == layout.total_mcus() && (first == 0 || sink.part_of_whole()) {
        extraneous(&br, &mut walk, total - 1);
    } else if ri > 0 && sink.part_of_whole() {
        // The whole walk would resync here: first the bytes before the marker.
        extraneous(&br, &mut walk, total);
    }
}

/// A reader positioned after the `k`-th marker of `ecs`, if the first `k` markers are
/// RST0, RST1, ... in sequence (as a full walk would find them).
fn after_restarts(ecs: &[u8], k: usize) -> Option<BitReader<'_>> {
    let mut br = BitReader::new(ecs);
    for i in 0..k {
        match br.next_marker() {
            Some((_, code)) if code == 0xD0 + (i & 7) as u8 => br.skip_marker(),
            _ => return None,
        }
    }
    Some(br)
}

/// Why [`decode_span`] stopped.
enum Halt {
    /// All MCUs of the span were decoded.
    Done,
    /// Corrupt data in the MCU before the returned index.
    Corrupt(&'static str),
    /// The MCU before the returned index used bits past the end of the data.
    Overrun,
}

/// Decodes MCUs `from..to` (no restart marker in between). The reader goes in and
/// out by value so that it lives in registers in the loop. Returns the index after
/// the last MCU decoded.
#[inline(never)]
fn decode_span<'a, D: BlockDecode, S: Sink>(
    d: &mut D,
    reader: BitReader<'a>,
    layout: &Layout,
    sink: &mut S,
    from: usize,
    to: usize,
) -> (BitReader<'a>, usize, Halt) {
    // A local copy (not the by-pointer argument) can be kept in registers.
    let mut br = reader;
    match layout {
        Layout::Interleaved {
            comps: sc, mcus_x, ..
        } => {
            let mcus_x = (*mcus_x).max(1);
            for m in from..to {
                if let Err(Corrupt(what)) = sink.mcu(d, &mut br, sc, m % mcus_x, m / mcus_x) {
                    return (br, m + 1, Halt::Corrupt(what));
                }
                if br.overrun() {
                    return (br, m + 1, Halt::Overrun);
                }
            }
        }
        &Layout::Single { comp, bw, .. } => {
            let bw = bw.max(1);
            for m in from..to {
                if let Err(Corrupt(what)) = sink.block(d, &mut br, 0, comp, m % bw, m / bw) {
                    return (br, m + 1, Halt::Corrupt(what));
                }
                if br.overrun() {
                    return (br, m + 1, Halt::Overrun);
                }
            }
        }
    }
    (br, to, Halt::Done)
}

/// Baseline and extended sequential blocks (T.81 F.2.2): DC difference, then AC
/// run/size codes up to EOB, every coefficient of the block.
#[derive(Clone)]
pub(super) struct Sequential<'t> {
    pub dc: Vec<&'t HuffDecoder>,
    pub ac: Vec<&'t HuffDecoder>,
    pub pred: [i32; 4],
}

impl BlockDecode for Sequential<'_> {
    fn reset(&mut self) {
        self.pred = [0; 4];
    }

    fn predictions(&self) -> [i32; 4] {
        self.pred
    }

    #[inline(always)]
    fn decode<O: Order>(
        &mut self,
        br: &mut BitReader,
        sc: usize,
        blk: &mut Block,
        _hist: &mut u64,
        o: O,
    ) -> Result<(), Corrupt> {
        let (dc, ac) = (self.dc[sc], self.ac[sc]);
        if br.bits_left() < 32 {
            br.refill();
        }
        let e = dc.fast_entry(br);
        let diff = if e & 0xFF != 0 {
            br.consume((e & 0xFF) as u32);
            e >> 16
        } else {
            let s = dc
                .decode_buffered(br)
                .ok_or(Corrupt("invalid DC Huffman code"))?;
            // DC tables hold categories ≤ 15 (checked when the table was built).
            br.receive_extend(s as u32 & 15)
        };
        let p = &mut self.pred[sc & 3];
        *p = p.wrapping_add(diff);
        blk[0] = *p as i16;
        let mut k = 1usize;
        while k < 64 {
            if br.bits_left() < 32 {
                br.refill();
            }
            let e = ac.fast_entry(br);
            if e >> 16 != 0 {
                k += ((e >> 8) & 15) as usize;
                o.put(blk, k, (e >> 16) as i16);
                br.consume((e & 0xFF) as u32);
                k += 1;
                continue;
            }
            if e != 0 {
                br.consume(e as u32); // EOB
                break;
            }
            let rs = ac
                .decode_buffered(br)
                .ok_or(Corrupt("invalid AC Huffman code"))?;
            let (r, s) = ((rs >> 4) as usize, (rs & 15) as u32);
            if s != 0 {
                k += r;
                o.put(blk, k, br.receive_extend(s) as i16);
            } else if r == 15 {
                k += 15;
            } else {
                break; // EOB (an EOBn code is not valid here; libjpeg ends the block too)
            }
            k += 1;
        }
        Ok(())
    }
}

/// Overwrites the plane of a component with zeros (a later sequential scan of the
/// same component replaces the earlier one).
pub(super) fn clear(c: &mut Component) {
    c.plane.blocks.iter_mut().for_each(|b| *b = [0; 64]);
}
