//! Sequential Huffman coding (T.81 F.1.2.1–F.1.2.2) of packed planes: each block's
//! nonzero mask and values are already in zigzag order, which is exactly what the
//! run-length coding of F.1.2.2 walks, so no block is ever expanded to 64 values.
//!
//! Two coders share one walk: [`seq_scan`] feeds any [`Sink`] (the statistics pass for
//! optimal tables, and the general writer), [`seq_scan_sym`] the symbol tables of the
//! streamed encoder (`enc_stream::fast`), which code each symbol with one table load
//! and one addition; the write pass of sequential output uses it.
//!
//! Both passes of a large scan run on several threads ([`seq_stats`], [`seq_write`]):
//! the coefficients are all known, so a span of MCUs starts from the DC predictions of
//! the blocks before it and is coded on its own. Counts are added; the bytes are joined
//! in order, a span at the bit position where the previous one ended (its bytes are
//! unstuffed and put again when that is not a byte boundary), or with restarts, on an
//! interval boundary, where its RSTn starts it on a byte boundary anyway.

use super::bitwrite::BitWriter;
use super::enc_prog::Ranges;
use super::enc_stream::fast::{size_sign, SymEmit, SymSink, SymTable, SymWriter};
use super::huffenc::{category, table_index, Emit, Sink, Stats, NTABLES};
use crate::coeffs::{Geometry, PackedPlane};
use std::ops::Range;

/// One component of a sequential scan over packed planes.
pub struct PackedComp<'a> {
    /// The component's blocks (padded to whole iMCUs).
    pub plane: &'a PackedPlane,
    /// Sampling factors: blocks per MCU across and down in an interleaved scan.
    pub h: usize,
    pub v: usize,
    /// The component's block grid in a non-interleaved scan (T.81 A.2.1).
    pub real: (usize, usize),
    /// DC and AC table indices (see `huffenc::table_index`).
    pub dc: usize,
    pub ac: usize,
}

/// Codes MCUs `span` of one sequential scan of `comps` into `sink`, in the coding
/// order of T.81 A.2 (one component: its real blocks; several: MCU by MCU over the
/// `mcus` grid), with a restart after every `ri` MCUs (0: none). A span that does
/// not start at 0 starts where the whole scan would be then: DC predictions from the
/// blocks before it, and when it starts on an interval boundary, with the RSTn that
/// ends the interval before (padding nothing of its own). Returns the OR of the
/// magnitudes coded.
pub fn seq_scan<S: Sink>(
    sink: &mut S,
    comps: &[PackedComp],
    mcus: (usize, usize),
    ri: usize,
    span: Range<usize>,
) -> Ranges {
    walk(&mut SinkCoder(sink), comps, mcus, ri, span)
}

/// As [`seq_scan`], into a [`SymSink`]: the same symbols and bits.
pub fn seq_scan_sym<S: SymSink>(
    sink: &mut S,
    comps: &[PackedComp],
    mcus: (usize, usize),
    ri: usize,
    span: Range<usize>,
) -> Ranges {
    walk(&mut SymCoder(sink), comps, mcus, ri, span)
}

/// MCUs of the scan of `comps` (one component: its real blocks, T.81 A.2.2).
pub fn scan_len(comps: &[PackedComp], mcus: (usize, usize)) -> usize {
    match comps {
        [c] => c.real.0 * c.real.1,
        _ => mcus.0 * mcus.1,
    }
}

/// Blocks in an MCU of the scan of `comps` (one component: one, T.81 A.2.2).
fn blocks_per_mcu(comps: &[PackedComp]) -> usize {
    match comps {
        [_] => 1,
        _ => comps.iter().map(|c| c.h * c.v).sum(),
    }
}

/// The components of a sequential scan of frame components `idx` over `planes`, with
/// table ids `ids` (DC, AC) each, on the block grid `g`.
pub fn packed_comps<'p>(
    g: &Geometry,
    planes: &'p [PackedPlane],
    idx: &[usize],
    ids: &[(u8, u8)],
) -> Vec<PackedComp<'p>> {
    idx.iter()
        .zip(ids)
        .map(|(&c, &(td, ta))| PackedComp {
            plane: &planes[c],
            h: g.factors[c].0 as usize,
            v: g.factors[c].1 as usize,
            real: g.real_blocks(c),
            dc: table_index(0, td),
            ac: table_index(1, ta),
        })
        .collect()
}

/// Splits `total` MCUs into at most `n` spans of about equal size for coding apart,
/// on restart-interval boundaries when `ri` > 0 (each span then starts with its own
/// RSTn, at a byte boundary, so that spans coded apart are simply concatenated).
pub fn split(total: usize, ri: usize, n: usize) -> Vec<Range<usize>> {
    let unit = ri.max(1);
    let units = total.div_ceil(unit);
    let n = n.clamp(1, units.max(1));
    (0..n)
        .map(|k| ((units * k / n) * unit).min(total)..((units * (k + 1) / n) * unit).min(total))
        .filter(|r| !r.is_empty())
        .collect()
}

/// Blocks below which a span is not worth a thread of its own.
const MIN_SPAN_BLOCKS: usize = 8192;

/// The spans `threads` threads code a scan of `comps` in (see [`split`]): one unless
/// each would have at least [`MIN_SPAN_BLOCKS`] blocks.
fn spans(
    comps: &[PackedComp],
    mcus: (usize, usize),
    ri: usize,
    threads: usize,
) -> Vec<Range<usize>> {
    let total = scan_len(comps, mcus);
    let n = threads
        .min(total * blocks_per_mcu(comps) / MIN_SPAN_BLOCKS)
        .max(1);
    if n == 1 {
        return std::iter::once(0..total).collect();
    }
    split(total, ri, n)
}

/// `f` of each span, in span order, each on a thread of its own.
fn on_threads<T: Send>(spans: &[Range<usize>], f: impl Fn(Range<usize>) -> T + Sync) -> Vec<T> {
    super::par::map(spans, spans.len(), |span| f(span.clone()))
}

/// [`seq_scan`] of the whole scan into `stats`, its spans counted on up to `threads`
/// threads and the counts added.
pub fn seq_stats(
    stats: &mut Stats,
    comps: &[PackedComp],
    mcus: (usize, usize),
    ri: usize,
    threads: usize,
) -> Ranges {
    seq_stats_in(stats, comps, mcus, ri, &spans(comps, mcus, ri, threads))
}

/// [`seq_stats`] over the given spans of the scan.
fn seq_stats_in(
    stats: &mut Stats,
    comps: &[PackedComp],
    mcus: (usize, usize),
    ri: usize,
    spans: &[Range<usize>],
) -> Ranges {
    if let [one] = spans {
        return seq_scan(stats, comps, mcus, ri, one.clone());
    }
    let mut ranges = Ranges::default();
    for (s, r) in on_threads(spans, |span| {
        let mut s = Stats::new();
        let r = seq_scan(&mut s, comps, mcus, ri, span);
        (s, r)
    }) {
        stats.add(&s);
        ranges.merge(r);
    }
    ranges
}

/// [`seq_scan_sym`] of the whole scan into `w` with the symbol tables `tabs`, its
/// spans coded apart on up to `threads` threads and appended in order (a span that
/// starts on a restart boundary starts with its RSTn; another is put at the bit
/// position where the one before ended).
pub fn seq_write(
    w: &mut BitWriter,
    tabs: &[Box<SymTable>; NTABLES],
    comps: &[PackedComp],
    mcus: (usize, usize),
    ri: usize,
    threads: usize,
) -> Ranges {
    seq_write_in(w, tabs, comps, mcus, ri, &spans(comps, mcus, ri, threads))
}

/// [`seq_write`] over the given spans of the scan.
fn seq_write_in(
    w: &mut BitWriter,
    tabs: &[Box<SymTable>; NTABLES],
    comps: &[PackedComp],
    mcus: (usize, usize),
    ri: usize,
    spans: &[Range<usize>],
) -> Ranges {
    let code = |w: &mut BitWriter, span: Range<usize>| {
        let mut bits = w.begin_row();
        let r = seq_scan_sym(
            &mut SymWriter {
                bits: &mut bits,
                tabs,
            },
            comps,
            mcus,
            ri,
            span,
        );
        w.end_row(bits);
        r
    };
    if let [one] = spans {
        return code(w, one.clone());
    }
    let mut ranges = Ranges::default();
    let per_mcu = blocks_per_mcu(comps);
    let parts = on_threads(spans, |span| {
        // Room for a typical 16 bytes a block, so that the part rarely grows (and is
        // copied); capacity never written costs no memory.
        let mut part = BitWriter::new(Vec::with_capacity(span.len() * per_mcu * 16));
        let r = code(&mut part, span);
        (part, r)
    });
    w.reserve(parts.iter().map(|(p, _)| p.bytes_written()).sum());
    for (span, (part, r)) in spans.iter().zip(parts) {
        w.append(part, ri > 0 && span.start > 0);
        ranges.merge(r);
    }
    ranges
}

/// What the walk asks of a coder.
trait BlockCoder {
    /// Pads and writes RSTn, n = `n mod 8`.
    fn restart(&mut self, n: usize);
    /// Codes a block of `c`: its DC difference `diff` (F.1.2.1.1) and its AC values
    /// `ac` at the zigzag positions of `mask`; returns the OR of their magnitudes.
    fn block(&mut self, c: &PackedComp, diff: i32, mask: u64, ac: &[i16]) -> u32;
}

/// Codes block `idx` of `c` with `coder`, its DC predicted from `pred` (which it
/// updates), ORing the magnitudes coded into `r`.
#[inline(always)]
fn code<C: BlockCoder>(coder: &mut C, c: &PackedComp, idx: usize, pred: &mut i32, r: &mut Ranges) {
    let (mask, vals) = c.plane.get(idx);
    let has_dc = (mask & 1) as usize;
    let dc = if has_dc != 0 { vals[0] as i32 } else { 0 };
    let diff = dc - *pred;
    *pred = dc;
    r.dc_or |= diff.unsigned_abs();
    r.ac_or |= coder.block(c, diff, mask, vals.get(has_dc..).unwrap_or(&[]));
}

/// Index of the block of `c` at row `y`, column `x` of MCU (`mx`, `my`) of an
/// interleaved scan (T.81 A.2.3).
#[inline(always)]
fn mcu_block(c: &PackedComp, mx: usize, my: usize, x: usize, y: usize) -> usize {
    (my * c.v + y) * c.plane.width_blocks + mx * c.h + x
}

/// The coding order of T.81 A.2 over MCUs `span`, with restarts (F.1.2.3:
/// predictions reset).
fn walk<C: BlockCoder>(
    coder: &mut C,
    comps: &[PackedComp],
    mcus: (usize, usize),
    ri: usize,
    span: Range<usize>,
) -> Ranges {
    let mut st = State::at(comps, mcus, ri, span.start);
    let per_row = match comps {
        [c] => c.real.0,
        _ => mcus.0,
    };
    let mut m = span.start;
    while m < span.end {
        let (row, col) = (m / per_row, m % per_row);
        let stop = (span.end - row * per_row).min(per_row);
        if let [c] = comps {
            let start = row * c.plane.width_blocks;
            for idx in start + col..start + stop {
                st.tick(coder);
                code(coder, c, idx, &mut st.pred[0], &mut st.ranges);
            }
        } else {
            for mx in col..stop {
                st.tick(coder);
                for (ci, c) in comps.iter().enumerate() {
                    for y in 0..c.v {
                        let start = mcu_block(c, mx, row, 0, y);
                        for idx in start..start + c.h {
                            code(coder, c, idx, &mut st.pred[ci & 3], &mut st.ranges);
                        }
                    }
                }
            }
        }
        m = row * per_row + stop;
    }
    st.ranges
}

/// DC predictions (F.1.2.1.1), restart bookkeeping and the ranges seen.
struct State {
    pred: [i32; 4],
    ranges: Ranges,
    /// MCUs left in the current restart interval.
    left: usize,
    ri: usize,
    nrst: usize,
}

impl State {
    /// The state of the whole scan's walk just before MCU `m`.
    fn at(comps: &[PackedComp], mcus: (usize, usize), ri: usize, m: usize) -> State {
        let mut st = State {
            pred: [0; 4],
            ranges: Ranges { ac_or: 0, dc_or: 0 },
            left: if ri == 0 { usize::MAX } else { ri },
            ri,
            nrst: 0,
        };
        if m == 0 {
            return st;
        }
        // Restarts come before MCUs ri, 2·ri, …; one due at m is still to come.
        if let Some(done) = (m - 1).checked_div(ri) {
            st.nrst = done;
            st.left = ri - 1 - (m - 1) % ri;
        }
        // The predictions after MCU m - 1: each component's last block in it.
        let last = m - 1;
        match comps {
            [c] => {
                let (row, col) = (last / c.real.0, last % c.real.0);
                st.pred[0] = c.plane.dc(row * c.plane.width_blocks + col) as i32;
            }
            _ => {
                let (my, mx) = (last / mcus.0, last % mcus.0);
                for (ci, c) in comps.iter().enumerate() {
                    st.pred[ci & 3] = c.plane.dc(mcu_block(c, mx, my, c.h - 1, c.v - 1)) as i32;
                }
            }
        }
        st
    }

    /// Called before each MCU: ends the interval (RSTn, predictions reset, F.1.2.3)
    /// when it is full, never before the first MCU.
    #[inline(always)]
    fn tick<C: BlockCoder>(&mut self, coder: &mut C) {
        if self.left == 0 {
            coder.restart(self.nrst);
            self.nrst += 1;
            self.left = self.ri;
            self.pred = [0; 4];
        }
        self.left -= 1;
    }
}

/// The run-length coding of T.81 F.1.2.2 over a packed block's AC values (zigzag
/// order, `mask` their positions): `emit(run, v)` for each symbol, a coefficient v
/// after `run` zeros; ZRL is (15, 0) and EOB (0, 0), so that the symbol is always
/// `run << 4 | SSSS(v)`.
#[inline(always)]
fn ac_symbols(mask: u64, ac: &[i16], mut emit: impl FnMut(u32, i32)) {
    let mut m = mask & !1;
    let mut last = 0u32;
    for &v in ac {
        let k = m.trailing_zeros();
        m &= m - 1;
        let mut run = k - last - 1;
        last = k;
        while run >= 16 {
            emit(15, 0);
            run -= 16;
        }
        emit(run, v as i32);
    }
    if last != 63 {
        emit(0, 0);
    }
}

/// [`seq_scan`]'s coder.
struct SinkCoder<'s, S>(&'s mut S);

impl<S: Sink> BlockCoder for SinkCoder<'_, S> {
    fn restart(&mut self, n: usize) {
        self.0.restart(n);
    }

    #[inline(always)]
    fn block(&mut self, c: &PackedComp, diff: i32, mask: u64, ac: &[i16]) -> u32 {
        let (nb, extra, _) = category(diff);
        let mut e = self.0.open();
        e.sym(c.dc, nb, extra, nb);
        let mut or = 0u32;
        ac_symbols(mask, ac, |run, v| {
            let (nb, extra, mag) = category(v);
            or |= mag;
            e.sym(c.ac, (run << 4) | nb, extra, nb);
        });
        or
    }
}

/// [`seq_scan_sym`]'s coder.
struct SymCoder<'s, S>(&'s mut S);

impl<S: SymSink> BlockCoder for SymCoder<'_, S> {
    fn restart(&mut self, n: usize) {
        self.0.restart(n);
    }

    #[inline(always)]
    fn block(&mut self, c: &PackedComp, diff: i32, mask: u64, ac: &[i16]) -> u32 {
        let sign = diff >> 31;
        let dc_idx = ((32 - diff.unsigned_abs().leading_zeros()) | (sign as u32 & 256)) as usize;
        let (dt, at) = (self.0.table(c.dc), self.0.table(c.ac));
        let mut e = self.0.open();
        e.put(dt, dc_idx, diff);
        let mut or = 0u32;
        ac_symbols(mask, ac, |run, v| {
            or |= v.unsigned_abs();
            e.put(at, ((run << 4) + size_sign(v)) as usize, v);
        });
        or
    }
}

#[cfg(test)]
mod tests {
    use super::super::bitwrite::BitWriter;
    use super::super::enc_stream::fast::{sym_tables, SymWriter};
    use super::super::huffenc::{empty_tables, table_index, EncTable, EncTables, Writer};
    use super::*;
    use crate::coeffs::BlockPlane;
    use crate::container::std_tables;

    /// A plane of `w`×`h` blocks with a few coefficients each, some far from zero
    /// (long runs, large magnitudes, negative values).
    fn plane(w: usize, h: usize, seed: &mut u64) -> PackedPlane {
        let mut p = BlockPlane::new(w, h);
        for b in p.blocks.iter_mut() {
            for _ in 0..(*seed % 24) {
                *seed ^= *seed << 13;
                *seed ^= *seed >> 7;
                *seed ^= *seed << 17;
                b[(*seed % 64) as usize] = ((*seed >> 20) % 2001) as i16 - 1000;
            }
        }
        PackedPlane::from_plane(&p)
    }

    /// The Annex K example tables: luminance as table 0, chrominance as table 1.
    fn annex_k_tables() -> Box<EncTables> {
        let mut tabs: Box<EncTables> = empty_tables();
        tabs[table_index(0, 0)] = EncTable::from_spec(&std_tables::std_dc_luma(0));
        tabs[table_index(1, 0)] = EncTable::from_spec(&std_tables::std_ac_luma(0));
        tabs[table_index(0, 1)] = EncTable::from_spec(&std_tables::std_dc_chroma(1));
        tabs[table_index(1, 1)] = EncTable::from_spec(&std_tables::std_ac_chroma(1));
        tabs
    }

    /// Component `p` of a scan, `h`×`v` blocks per MCU, `real` blocks wide and high
    /// (the rest padding), with table set `t`.
    fn test_comp(
        p: &PackedPlane,
        h: usize,
        v: usize,
        real: (usize, usize),
        t: u8,
    ) -> PackedComp<'_> {
        PackedComp {
            plane: p,
            h,
            v,
            real,
            dc: table_index(0, t),
            ac: table_index(1, t),
        }
    }

    /// Both coders write the same bytes, with and without restarts, for one and for
    /// three interleaved components.
    #[test]
    fn symbol_table_coder_writes_what_the_sink_coder_writes() {
        let tabs = annex_k_tables();
        let sym = sym_tables(&tabs);
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let (y, cb, cr) = (
            plane(6, 4, &mut seed),
            plane(3, 2, &mut seed),
            plane(3, 2, &mut seed),
        );
        // Every block of each plane is real.
        let comp = test_comp;
        let scans = [
            vec![comp(&y, 1, 1, (6, 4), 0)],
            vec![
                comp(&y, 2, 2, (6, 4), 0),
                comp(&cb, 1, 1, (3, 2), 1),
                comp(&cr, 1, 1, (3, 2), 1),
            ],
        ];
        for comps in &scans {
            for ri in [0, 1, 2, 5] {
                let mut w = Writer::new(Vec::new(), &tabs);
                let a = seq_scan(&mut w, comps, (3, 2), ri, 0..scan_len(comps, (3, 2)));
                let want = w.w.finish();
                let mut bw = BitWriter::new(Vec::new());
                let mut bits = bw.begin_row();
                let b = seq_scan_sym(
                    &mut SymWriter {
                        bits: &mut bits,
                        tabs: &sym,
                    },
                    comps,
                    (3, 2),
                    ri,
                    0..scan_len(comps, (3, 2)),
                );
                bw.end_row(bits);
                assert_eq!(bw.finish(), want, "{} components, ri {ri}", comps.len());
                assert_eq!((a.ac_or, a.dc_or), (b.ac_or, b.dc_or));
            }
        }
    }

    /// A scan split into spans, counted and written apart (on threads) and joined,
    /// gives the statistics and bytes of the whole scan: at every split, with and
    /// without restarts, for one component (a real grid narrower than the padded
    /// plane) and for three interleaved ones.
    #[test]
    fn spans_coded_apart_join_into_the_whole_scan() {
        let tabs = annex_k_tables();
        let sym = sym_tables(&tabs);
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let (y, cb, cr) = (
            plane(14, 6, &mut seed),
            plane(7, 3, &mut seed),
            plane(7, 3, &mut seed),
        );
        let comp = test_comp;
        let scans = [
            (vec![comp(&y, 1, 1, (13, 5), 0)], (7, 3)),
            (
                vec![
                    comp(&y, 2, 2, (14, 6), 0),
                    comp(&cb, 1, 1, (7, 3), 1),
                    comp(&cr, 1, 1, (7, 3), 1),
                ],
                (7, 3),
            ),
        ];
        for (comps, mcus) in &scans {
            let total = scan_len(comps, *mcus);
            for ri in [0, 1, 2, 5, 7, 100] {
                let mut whole_stats = Stats::new();
                let want_r = seq_scan(&mut whole_stats, comps, *mcus, ri, 0..total);
                let mut bw = BitWriter::new(vec![1, 2]);
                seq_write_in(
                    &mut bw,
                    &sym,
                    comps,
                    *mcus,
                    ri,
                    std::slice::from_ref(&(0..total)),
                );
                let want = bw.finish();
                for n in 2..=6 {
                    let spans = split(total, ri, n);
                    assert_eq!(spans.first().map(|r| r.start), Some(0));
                    assert_eq!(spans.last().map(|r| r.end), Some(total));
                    let mut st = Stats::new();
                    let r = seq_stats_in(&mut st, comps, *mcus, ri, &spans);
                    assert_eq!(st.freq, whole_stats.freq, "stats, ri {ri}, {n} spans");
                    assert_eq!((r.ac_or, r.dc_or), (want_r.ac_or, want_r.dc_or));
                    let mut bw = BitWriter::new(vec![1, 2]);
                    let r = seq_write_in(&mut bw, &sym, comps, *mcus, ri, &spans);
                    assert_eq!(bw.finish(), want, "bytes, ri {ri}, {n} spans");
                    assert_eq!((r.ac_or, r.dc_or), (want_r.ac_or, want_r.dc_or));
                }
            }
        }
    }
}
