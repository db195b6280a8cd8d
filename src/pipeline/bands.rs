//! Walking the iMCU rows ("bands") that [`crate::entropy::rows::RowScan::run`] hands
//! over, for the checks that need every coefficient once but never the whole image:
//! the coefficient hash and `verify`'s range check.

use crate::coeffs::{Block, Geometry};
use crate::entropy::rows::Band;

/// Calls `f(c, bx, by, block)` for every real block of band `i` (the blocks inside the
/// image, T.81 A.1.1; padding blocks are skipped), component by component and row by
/// row, then zeroes the band as [`crate::entropy::rows::RowScan::run`] requires. Band
/// `i` holds block rows `i·V .. (i+1)·V` of a component with vertical factor `V`
/// (T.81 A.2.3: an interleaved MCU row).
pub(crate) fn for_each_real_block(
    g: &Geometry,
    i: usize,
    band: &mut Band,
    mut f: impl FnMut(usize, usize, usize, &Block),
) {
    for (c, blocks) in band.iter_mut().enumerate() {
        let v = g.factors[c].1 as usize;
        let padded = g.padded_blocks(c).0;
        let (bw, bh) = g.real_blocks(c);
        for (r, row) in blocks.chunks_mut(padded.max(1)).take(v).enumerate() {
            let by = i * v + r;
            if by < bh {
                for (bx, b) in row.iter().take(bw).enumerate() {
                    f(c, bx, by, b);
                }
            }
            row.fill([0; 64]);
        }
    }
}
