//! Scan walks shared by all scan kinds, and the sequential (Annex F) block coder.

use super::huffenc::{category, Emit, Sink};
#[cfg(test)]
use crate::coeffs::pack_bits;
use crate::coeffs::{zigzag_mask, Block, BlockPlane, PackedPlane, ZIGZAG};

/// One component of a scan, as the walks need it.
pub struct ScanComp<'a> {
    /// The component's blocks (padded to whole iMCUs). A plane without blocks (only
    /// its size) serves coders that read the coefficients elsewhere, by block index
    /// (the progressive coders read packed planes): the walk then passes zero blocks.
    pub plane: &'a BlockPlane,
    /// Sampling factors: blocks per MCU across and down in an interleaved scan.
    pub h: usize,
    pub v: usize,
    /// The component's block grid in a non-interleaved scan (T.81 A.2.1).
    pub real: (usize, usize),
    /// DC and AC table indices (see `huffenc::table_index`).
    pub dc: usize,
    pub ac: usize,
}

/// The block a walk passes for a plane without blocks (see [`ScanComp::plane`]).
const NO_BLOCK: Block = [0; 64];

/// What a walk does with each block.
pub trait BlockCoder {
    /// Codes block `blk` of scan component `ci`, which is block `idx` of its plane.
    fn block(&mut self, ci: usize, idx: usize, blk: &Block);
    /// Ends a restart interval: flushes whatever is pending, then RSTn (n = `n mod 8`),
    /// and resets predictions.
    fn restart(&mut self, n: usize);
}

/// Visits the blocks of a scan in coding order (T.81 A.2): one component: its real
/// blocks row by row, one block per MCU; several: MCU by MCU over the `mcus` grid,
/// each MCU holding h×v blocks of each component in raster order. Between every
/// `ri` MCUs (0: never) comes a restart, never after the last MCU.
pub fn walk<B: BlockCoder>(coder: &mut B, comps: &[ScanComp], mcus: (usize, usize), ri: usize) {
    let mut left = if ri == 0 { usize::MAX } else { ri };
    let mut nrst = 0;
    let mut tick = |coder: &mut B| {
        if left == 0 {
            coder.restart(nrst);
            nrst += 1;
            left = ri;
        }
        left -= 1;
    };
    if comps.len() == 1 {
        let c = &comps[0];
        let (w, h) = c.real;
        for by in 0..h {
            let start = by * c.plane.width_blocks;
            if c.plane.blocks.is_empty() {
                for i in 0..w {
                    if ri != 0 {
                        tick(coder);
                    }
                    coder.block(0, start + i, &NO_BLOCK);
                }
                continue;
            }
            let row = &c.plane.blocks[start..][..w];
            if ri == 0 {
                for (i, blk) in row.iter().enumerate() {
                    coder.block(0, start + i, blk);
                }
            } else {
                for (i, blk) in row.iter().enumerate() {
                    tick(coder);
                    coder.block(0, start + i, blk);
                }
            }
        }
        return;
    }
    for my in 0..mcus.1 {
        for mx in 0..mcus.0 {
            tick(coder);
            for (ci, c) in comps.iter().enumerate() {
                for y in 0..c.v {
                    let start = (my * c.v + y) * c.plane.width_blocks + mx * c.h;
                    if c.plane.blocks.is_empty() {
                        for i in 0..c.h {
                            coder.block(ci, start + i, &NO_BLOCK);
                        }
                        continue;
                    }
                    let row = &c.plane.blocks[start..][..c.h];
                    for (i, blk) in row.iter().enumerate() {
                        coder.block(ci, start + i, blk);
                    }
                }
            }
        }
    }
}

/// Sequential Huffman coding of whole blocks (T.81 F.1.2.1–F.1.2.2).
pub struct SeqCoder<'s, S: Sink> {
    pub sink: &'s mut S,
    pred: [i32; 4],
    dc_t: [usize; 4],
    ac_t: [usize; 4],
    /// OR of every AC magnitude and of every DC difference magnitude coded, so the
    /// caller can check the categories against the 8-bit limits (10 and 11).
    pub ac_or: u32,
    pub dc_or: u32,
}

impl<'s, S: Sink> SeqCoder<'s, S> {
    pub fn new(sink: &'s mut S, comps: &[ScanComp]) -> Self {
        let mut dc_t = [0; 4];
        let mut ac_t = [0; 4];
        for (i, c) in comps.iter().enumerate() {
            dc_t[i] = c.dc;
            ac_t[i] = c.ac;
        }
        SeqCoder {
            sink,
            pred: [0; 4],
            dc_t,
            ac_t,
            ac_or: 0,
            dc_or: 0,
        }
    }
}

/// The packed copy of `plane` (see [`PackedPlane`]): the masks first, from the
/// registers' compare (no reordering of the blocks), then the values gathered from
/// natural order into one allocation of exactly their size.
pub fn pack_plane(plane: &BlockPlane) -> PackedPlane {
    let masks: Vec<u64> = plane.blocks.iter().map(zigzag_mask).collect();
    let total: usize = masks.iter().map(|m| m.count_ones() as usize).sum();
    let mut vals = Vec::with_capacity(total);
    for (blk, &mask) in plane.blocks.iter().zip(&masks) {
        let mut m = mask;
        while m != 0 {
            let k = m.trailing_zeros() as usize;
            m &= m - 1;
            vals.push(blk[ZIGZAG[k & 63] & 63]);
        }
    }
    PackedPlane::from_parts(plane.width_blocks, plane.height_blocks, masks, vals)
        .unwrap_or_else(|| PackedPlane::from_plane(plane))
}

/// Codes one block (T.81 F.1.2.1–F.1.2.2); returns the magnitudes of the DC
/// difference and the OR of the AC magnitudes.
#[inline(always)]
fn seq_block<E: Emit>(
    sink: &mut E,
    blk: &Block,
    pred: i32,
    dc_t: usize,
    ac_t: usize,
) -> (u32, u32) {
    let (nb, extra, dc_mag) = category(blk[0] as i32 - pred);
    sink.sym(dc_t, nb, extra, nb);
    let mut mask = zigzag_mask(blk) & !1;
    let mut last = 0u32;
    let mut acc = 0u32;
    while mask != 0 {
        let k = mask.trailing_zeros();
        mask &= mask - 1;
        let mut run = k - last - 1;
        last = k;
        while run >= 16 {
            sink.sym(ac_t, 0xF0, 0, 0);
            run -= 16;
        }
        let (nb, extra, mag) = category(blk[ZIGZAG[k as usize & 63]] as i32);
        acc |= mag;
        sink.sym(ac_t, (run << 4) | nb, extra, nb);
    }
    if last != 63 {
        sink.sym(ac_t, 0x00, 0, 0);
    }
    (dc_mag, acc)
}

impl<S: Sink> BlockCoder for SeqCoder<'_, S> {
    #[inline(always)]
    fn block(&mut self, ci: usize, _idx: usize, blk: &Block) {
        let ci = ci & 3;
        let (pred, dc_t, ac_t) = (self.pred[ci], self.dc_t[ci], self.ac_t[ci]);
        let (dc_mag, ac_mag) = seq_block(&mut self.sink.open(), blk, pred, dc_t, ac_t);
        self.pred[ci] = blk[0] as i32;
        self.dc_or |= dc_mag;
        self.ac_or |= ac_mag;
    }

    fn restart(&mut self, n: usize) {
        self.sink.restart(n);
        self.pred = [0; 4];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mask of the nonzero entries of `zz`.
    fn nonzero_mask(zz: &[i16; 64]) -> u64 {
        let mut b = [0u8; 64];
        for (d, &v) in b.iter_mut().zip(zz.iter()) {
            *d = (v != 0) as u8;
        }
        pack_bits(&b)
    }

    /// The block in zigzag order.
    fn zigzag(blk: &Block) -> [i16; 64] {
        let mut zz = [0i16; 64];
        for (d, &n) in zz.iter_mut().zip(ZIGZAG.iter()) {
            *d = blk[n & 63];
        }
        zz
    }

    #[test]
    fn zigzag_mask_equals_gathered_mask() {
        let mut next = crate::xorshift64(0x2545_f491_4f6c_dd1d);
        for n in 0..3000 {
            let mut blk = [0i16; 64];
            for _ in 0..n % 70 {
                let seed = next();
                blk[(seed % 64) as usize] = (seed >> 8) as i16 | 1;
            }
            assert_eq!(zigzag_mask(&blk), nonzero_mask(&zigzag(&blk)));
        }
        assert_eq!(zigzag_mask(&[-1; 64]), u64::MAX);
        assert_eq!(zigzag_mask(&[0; 64]), 0);
    }
}
