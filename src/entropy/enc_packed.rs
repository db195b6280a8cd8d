//! Sequential Huffman coding (T.81 F.1.2.1–F.1.2.2) of packed planes: each block's
//! nonzero mask and values are already in zigzag order, which is exactly what the
//! run-length coding of F.1.2.2 walks, so no block is ever expanded to 64 values.
//!
//! Two coders share one walk: [`seq_scan`] feeds any [`Sink`] (the statistics pass for
//! optimal tables, and the general writer), [`seq_scan_sym`] the symbol tables of the
//! streamed encoder (`enc_stream::fast`), which code each symbol with one table load
//! and one addition; the write pass of sequential output uses it.

use super::enc_prog::Ranges;
use super::enc_stream::fast::{size_sign, SymEmit, SymSink};
use super::huffenc::{category, Emit, Sink};
use crate::coeffs::PackedPlane;

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

/// Codes one sequential scan of `comps` into `sink`, in the coding order of T.81 A.2
/// (one component: its real blocks; several: MCU by MCU over the `mcus` grid), with a
/// restart after every `ri` MCUs (0: none). Returns the OR of the magnitudes coded.
pub fn seq_scan<S: Sink>(
    sink: &mut S,
    comps: &[PackedComp],
    mcus: (usize, usize),
    ri: usize,
) -> Ranges {
    walk(&mut SinkCoder(sink), comps, mcus, ri)
}

/// As [`seq_scan`], into a [`SymSink`]: the same symbols and bits.
pub fn seq_scan_sym<S: SymSink>(
    sink: &mut S,
    comps: &[PackedComp],
    mcus: (usize, usize),
    ri: usize,
) -> Ranges {
    walk(&mut SymCoder(sink), comps, mcus, ri)
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

/// The coding order of T.81 A.2 with restarts (F.1.2.3: predictions reset).
fn walk<C: BlockCoder>(
    coder: &mut C,
    comps: &[PackedComp],
    mcus: (usize, usize),
    ri: usize,
) -> Ranges {
    let mut st = State {
        pred: [0; 4],
        ranges: Ranges { ac_or: 0, dc_or: 0 },
        left: if ri == 0 { usize::MAX } else { ri },
        ri,
        nrst: 0,
    };
    if let [c] = comps {
        let (w, h) = c.real;
        for by in 0..h {
            let start = by * c.plane.width_blocks;
            for idx in start..start + w {
                st.tick(coder);
                code(coder, c, idx, &mut st.pred[0], &mut st.ranges);
            }
        }
        return st.ranges;
    }
    for my in 0..mcus.1 {
        for mx in 0..mcus.0 {
            st.tick(coder);
            for (ci, c) in comps.iter().enumerate() {
                for y in 0..c.v {
                    let start = (my * c.v + y) * c.plane.width_blocks + mx * c.h;
                    for idx in start..start + c.h {
                        code(coder, c, idx, &mut st.pred[ci & 3], &mut st.ranges);
                    }
                }
            }
        }
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

    /// Both coders write the same bytes, with and without restarts, for one and for
    /// three interleaved components.
    #[test]
    fn symbol_table_coder_writes_what_the_sink_coder_writes() {
        let mut tabs: Box<EncTables> = empty_tables();
        tabs[table_index(0, 0)] = EncTable::from_spec(&std_tables::std_dc_luma(0));
        tabs[table_index(1, 0)] = EncTable::from_spec(&std_tables::std_ac_luma(0));
        tabs[table_index(0, 1)] = EncTable::from_spec(&std_tables::std_dc_chroma(1));
        tabs[table_index(1, 1)] = EncTable::from_spec(&std_tables::std_ac_chroma(1));
        let sym = sym_tables(&tabs);
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let (y, cb, cr) = (
            plane(6, 4, &mut seed),
            plane(3, 2, &mut seed),
            plane(3, 2, &mut seed),
        );
        fn comp(p: &PackedPlane, h: usize, v: usize, t: u8) -> PackedComp<'_> {
            PackedComp {
                plane: p,
                h,
                v,
                real: (p.width_blocks, p.len() / p.width_blocks),
                dc: table_index(0, t),
                ac: table_index(1, t),
            }
        }
        let scans = [
            vec![comp(&y, 1, 1, 0)],
            vec![comp(&y, 2, 2, 0), comp(&cb, 1, 1, 1), comp(&cr, 1, 1, 1)],
        ];
        for comps in &scans {
            for ri in [0, 1, 2, 5] {
                let mut w = Writer::new(Vec::new(), &tabs);
                let a = seq_scan(&mut w, comps, (3, 2), ri);
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
                );
                bw.end_row(bits);
                assert_eq!(bw.finish(), want, "{} components, ri {ri}", comps.len());
                assert_eq!((a.ac_or, a.dc_or), (b.ac_or, b.dc_or));
            }
        }
    }
}
