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
    /// Codes block `idx` of `c`, its DC predicted from `pred` (which it updates),
    /// ORing the magnitudes coded into `r`.
    fn block(&mut self, c: &PackedComp, idx: usize, pred: &mut i32, r: &mut Ranges);
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
                coder.block(c, idx, &mut st.pred[0], &mut st.ranges);
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
                        coder.block(c, idx, &mut st.pred[ci & 3], &mut st.ranges);
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

/// The DC coefficient of a packed block and its AC values (zigzag order).
#[inline(always)]
fn split(mask: u64, vals: &[i16]) -> (i32, &[i16]) {
    let has_dc = (mask & 1) as usize;
    let dc = if has_dc != 0 { vals[0] as i32 } else { 0 };
    (dc, vals.get(has_dc..).unwrap_or(&[]))
}

/// [`seq_scan`]'s coder.
struct SinkCoder<'s, S>(&'s mut S);

impl<S: Sink> BlockCoder for SinkCoder<'_, S> {
    fn restart(&mut self, n: usize) {
        self.0.restart(n);
    }

    #[inline(always)]
    fn block(&mut self, c: &PackedComp, idx: usize, pred: &mut i32, r: &mut Ranges) {
        let (mask, vals) = c.plane.get(idx);
        let (dc, ac) = split(mask, vals);
        let (nb, extra, dc_mag) = category(dc - *pred);
        *pred = dc;
        r.dc_or |= dc_mag;
        let mut e = self.0.open();
        e.sym(c.dc, nb, extra, nb);
        let mut m = mask & !1;
        let mut last = 0u32;
        for &v in ac {
            let k = m.trailing_zeros();
            m &= m - 1;
            let mut run = k - last - 1;
            last = k;
            while run >= 16 {
                e.sym(c.ac, 0xF0, 0, 0);
                run -= 16;
            }
            let (nb, extra, mag) = category(v as i32);
            r.ac_or |= mag;
            e.sym(c.ac, (run << 4) | nb, extra, nb);
        }
        if last != 63 {
            e.sym(c.ac, 0x00, 0, 0);
        }
    }
}

/// [`seq_scan_sym`]'s coder.
struct SymCoder<'s, S>(&'s mut S);

impl<S: SymSink> BlockCoder for SymCoder<'_, S> {
    fn restart(&mut self, n: usize) {
        self.0.restart(n);
    }

    #[inline(always)]
    fn block(&mut self, c: &PackedComp, idx: usize, pred: &mut i32, r: &mut Ranges) {
        let (mask, vals) = c.plane.get(idx);
        let (dc, ac) = split(mask, vals);
        let diff = dc - *pred;
        *pred = dc;
        let sign = diff >> 31;
        let dc_mag = ((diff ^ sign) - sign) as u32;
        r.dc_or |= dc_mag;
        let dc_idx = ((32 - dc_mag.leading_zeros()) | (sign as u32 & 256)) as usize;
        let (dt, at) = (self.0.table(c.dc), self.0.table(c.ac));
        let mut e = self.0.open();
        e.put(dt, dc_idx, diff);
        let mut m = mask & !1;
        let mut last = 0u32;
        let mut or = 0u32;
        for &v in ac {
            let k = m.trailing_zeros();
            m &= m - 1;
            let mut run = k - last - 1;
            last = k;
            while run >= 16 {
                e.put(at, 0xF0, 0);
                run -= 16;
            }
            let v = v as i32;
            or |= v.unsigned_abs();
            e.put(at, ((run << 4) + size_sign(v)) as usize, v);
        }
        if last != 63 {
            e.put(at, 0, 0);
        }
        r.ac_or |= or;
    }
}
