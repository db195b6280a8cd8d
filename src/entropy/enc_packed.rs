//! Sequential Huffman coding (T.81 F.1.2.1–F.1.2.2) of packed planes: each block's
//! nonzero mask and values are already in zigzag order, which is exactly what the
//! run-length coding of F.1.2.2 walks, so no block is ever expanded to 64 values.

use super::enc_prog::Ranges;
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
                st.tick(sink);
                st.block(sink, c, 0, idx);
            }
        }
        return st.ranges;
    }
    for my in 0..mcus.1 {
        for mx in 0..mcus.0 {
            st.tick(sink);
            for (ci, c) in comps.iter().enumerate() {
                for y in 0..c.v {
                    let start = (my * c.v + y) * c.plane.width_blocks + mx * c.h;
                    for idx in start..start + c.h {
                        st.block(sink, c, ci, idx);
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
    fn tick<S: Sink>(&mut self, sink: &mut S) {
        if self.left == 0 {
            sink.restart(self.nrst);
            self.nrst += 1;
            self.left = self.ri;
            self.pred = [0; 4];
        }
        self.left -= 1;
    }

    #[inline(always)]
    fn block<S: Sink>(&mut self, sink: &mut S, c: &PackedComp, ci: usize, idx: usize) {
        let (mask, vals) = c.plane.get(idx);
        let has_dc = (mask & 1) as usize;
        let dc = if has_dc != 0 { vals[0] as i32 } else { 0 };
        let ci = ci & 3;
        let (nb, extra, dc_mag) = category(dc - self.pred[ci]);
        self.pred[ci] = dc;
        self.ranges.dc_or |= dc_mag;
        let mut e = sink.open();
        e.sym(c.dc, nb, extra, nb);
        let mut m = mask & !1;
        let mut last = 0u32;
        for &v in &vals[has_dc..] {
            let k = m.trailing_zeros();
            m &= m - 1;
            let mut run = k - last - 1;
            last = k;
            while run >= 16 {
                e.sym(c.ac, 0xF0, 0, 0);
                run -= 16;
            }
            let (nb, extra, mag) = category(v as i32);
            self.ranges.ac_or |= mag;
            e.sym(c.ac, (run << 4) | nb, extra, nb);
        }
        if last != 63 {
            e.sym(c.ac, 0x00, 0, 0);
        }
    }
}
