//! A compact zigzag-order copy of a component's AC coefficients for progressive
//! encoding, where every block is visited by several scans, twice each (statistics,
//! then output): the zigzag gather is done once, and the scans walk only the nonzero
//! coefficients.

use super::enc_seq::zigzag_mask;
use crate::coeffs::{BlockPlane, ZIGZAG};

/// Per block: the mask of its nonzero AC coefficients by zigzag position (bit k for
/// position k, bit 0 clear) and their values in zigzag order.
pub struct SparsePlane {
    masks: Vec<u64>,
    /// Index in `vals` of each block's first value; one more entry at the end. 32 bits
    /// suffice for any frame T.81 allows: at most 8192 × 8192 blocks per component
    /// (65535 × 65535 pixels, B.2.2), 63 AC values each, is 4 227 858 432 < 2^32.
    starts: Vec<u32>,
    vals: Vec<i16>,
    /// OR of the magnitudes of all AC coefficients (for the range check).
    pub ac_or: u32,
}

impl SparsePlane {
    /// Builds the copy of every block of `plane` (padding included). The masks come
    /// first, so that the values are stored in one allocation of exactly their size
    /// (a growing vector would hold up to twice that while it doubles).
    pub fn new(plane: &BlockPlane) -> Self {
        let masks: Vec<u64> = plane.blocks.iter().map(|b| zigzag_mask(b) & !1).collect();
        let mut starts = Vec::with_capacity(masks.len() + 1);
        let mut total = 0u32;
        for m in &masks {
            starts.push(total);
            total += m.count_ones();
        }
        starts.push(total);
        let mut vals = Vec::with_capacity(total as usize);
        let mut ac_or = 0u32;
        for (blk, &mask) in plane.blocks.iter().zip(&masks) {
            let mut m = mask;
            while m != 0 {
                let k = m.trailing_zeros() as usize;
                m &= m - 1;
                let v = blk[ZIGZAG[k & 63] & 63];
                ac_or |= v.unsigned_abs() as u32;
                vals.push(v);
            }
        }
        SparsePlane {
            masks,
            starts,
            vals,
            ac_or,
        }
    }

    /// Nonzero mask and values (in zigzag order) of block `idx`.
    #[inline(always)]
    pub fn block(&self, idx: usize) -> (u64, &[i16]) {
        (
            self.masks[idx],
            &self.vals[self.starts[idx] as usize..self.starts[idx + 1] as usize],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut plane = BlockPlane::new(3, 2);
        plane.blocks[1][ZIGZAG[5]] = -7;
        plane.blocks[1][ZIGZAG[63]] = 3;
        plane.blocks[1][0] = 100; // DC is not kept
        plane.blocks[4][ZIGZAG[1]] = 1;
        let s = SparsePlane::new(&plane);
        assert_eq!(s.block(0), (0, &[][..]));
        assert_eq!(s.block(1), ((1 << 5) | (1 << 63), &[-7, 3][..]));
        assert_eq!(s.block(4), (1 << 1, &[1][..]));
        assert_eq!(s.block(5), (0, &[][..]));
    }
}
