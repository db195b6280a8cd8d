//! A compact form of a component's blocks: per block the mask of its nonzero
//! coefficients in zigzag order (T.81 Figure A.6) and their values.
//!
//! A quantized photograph has on average a handful of nonzero coefficients per block,
//! so this takes a fifth to a third of the 128 bytes per block of a [`BlockPlane`], and
//! it is what a sequential Huffman coder needs anyway (T.81 F.1.2.2 codes the runs of
//! zeros between nonzero coefficients in zigzag order). Blocks can be stored in any
//! order, each once; a block stored twice keeps its last values (the first ones stay
//! allocated but unused).

use super::{Block, BlockPlane, ZIGZAG};

/// A component's blocks, padded to whole iMCUs like a [`BlockPlane`], packed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedPlane {
    /// Blocks per row, including padding.
    pub width_blocks: usize,
    /// Block rows, including padding.
    pub height_blocks: usize,
    /// Bit k set: zigzag coefficient k is nonzero.
    masks: Vec<u64>,
    /// Index in `vals` of each block's first value.
    starts: Vec<u32>,
    vals: Vec<i16>,
}

impl PackedPlane {
    /// A plane of zero blocks.
    pub fn new(width_blocks: usize, height_blocks: usize) -> Self {
        let n = width_blocks * height_blocks;
        PackedPlane {
            width_blocks,
            height_blocks,
            masks: vec![0; n],
            starts: vec![0; n],
            vals: Vec::with_capacity(n * 4),
        }
    }

    /// The packed copy of a plane.
    pub fn from_plane(plane: &BlockPlane) -> Self {
        let mut p = PackedPlane::new(plane.width_blocks, plane.height_blocks);
        for (i, b) in plane.blocks.iter().enumerate() {
            p.set(i, b);
        }
        p
    }

    /// A plane from its parts, block by block in plane order: `masks[i]` (bit k:
    /// zigzag coefficient k nonzero) and the nonzero values of all blocks in order, so
    /// that block i's values start after those of the blocks before it. `None` when
    /// the parts disagree (a count of values other than the masks' bits, or more
    /// values than 32-bit offsets reach).
    pub fn from_parts(
        width_blocks: usize,
        height_blocks: usize,
        masks: Vec<u64>,
        vals: Vec<i16>,
    ) -> Option<Self> {
        if masks.len() != width_blocks * height_blocks {
            return None;
        }
        let mut starts = Vec::with_capacity(masks.len());
        let mut at = 0u32;
        for m in &masks {
            starts.push(at);
            at = at.checked_add(m.count_ones())?;
        }
        (at as usize == vals.len()).then_some(PackedPlane {
            width_blocks,
            height_blocks,
            masks,
            starts,
            vals,
        })
    }

    /// OR of the magnitudes of every AC coefficient (for range checks: a magnitude
    /// category is the bit length of the magnitude).
    pub fn ac_or(&self) -> u32 {
        (0..self.len())
            .map(|i| {
                let (m, v) = self.get(i);
                let ac = if m & 1 != 0 {
                    v.get(1..).unwrap_or(&[])
                } else {
                    v
                };
                ac.iter()
                    .fold(0u32, |o, &x| o | u32::from(x.unsigned_abs()))
            })
            .fold(0, |o, x| o | x)
    }

    /// Number of blocks.
    pub fn len(&self) -> usize {
        self.masks.len()
    }

    /// True when the plane has no blocks.
    pub fn is_empty(&self) -> bool {
        self.masks.is_empty()
    }

    /// Stores `blk` (natural order) as block `idx`; an index outside the plane is
    /// ignored.
    #[inline]
    pub fn set(&mut self, idx: usize, blk: &Block) {
        let Some(mask) = self.masks.get_mut(idx) else {
            return;
        };
        let start = self.vals.len();
        // The mask from the registers' compare, then only the nonzero values gathered.
        let m = zigzag_mask(blk);
        let mut buf = [0i16; 64];
        let mut n = 0usize;
        let mut rest = m;
        while rest != 0 {
            let k = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            buf[n & 63] = blk[ZIGZAG[k & 63] & 63];
            n += 1;
        }
        self.vals.extend_from_slice(&buf[..n]);
        *mask = m;
        // A plane holds at most 2^28 px × 64 values (the pixel limit is checked before
        // decoding), well below u32::MAX; saturate rather than wrap all the same.
        self.starts[idx] = u32::try_from(start).unwrap_or(u32::MAX);
    }

    /// Stores the block `zz` (zigzag order) as block `idx` and zeroes `zz`; an index
    /// outside the plane is ignored (`zz` is zeroed all the same).
    #[inline]
    pub fn take_zigzag(&mut self, idx: usize, zz: &mut Block) {
        let m = nonzero_mask(zz);
        // The values go through a local buffer and one copy: pushing them one by one
        // would check the vector's capacity for each.
        let mut buf = [0i16; 64];
        let mut n = 0usize;
        let mut rest = m;
        while rest != 0 {
            let k = rest.trailing_zeros() as usize & 63;
            rest &= rest - 1;
            buf[n & 63] = zz[k];
            zz[k] = 0;
            n += 1;
        }
        if let Some(mask) = self.masks.get_mut(idx) {
            let start = self.vals.len();
            self.vals.extend_from_slice(&buf[..n]);
            *mask = m;
            self.starts[idx] = u32::try_from(start).unwrap_or(u32::MAX);
        }
    }

    /// Block `idx`: its nonzero mask and the nonzero values in zigzag order.
    #[inline(always)]
    pub fn get(&self, idx: usize) -> (u64, &[i16]) {
        let m = self.masks[idx];
        let s = self.starts[idx] as usize;
        let n = m.count_ones() as usize;
        (m, self.vals.get(s..s + n).unwrap_or(&[]))
    }

    /// The DC coefficient of block `idx`.
    #[inline]
    pub fn dc(&self, idx: usize) -> i16 {
        let (m, v) = self.get(idx);
        if m & 1 != 0 {
            v[0]
        } else {
            0
        }
    }

    /// Block `idx` in natural order.
    pub fn block(&self, idx: usize) -> Block {
        let mut b = [0i16; 64];
        let (mut m, vals) = self.get(idx);
        for &v in vals {
            let k = m.trailing_zeros() as usize;
            m &= m - 1;
            b[ZIGZAG[k & 63]] = v;
        }
        b
    }

    /// The dense plane.
    pub fn to_plane(&self) -> BlockPlane {
        BlockPlane {
            width_blocks: self.width_blocks,
            height_blocks: self.height_blocks,
            blocks: (0..self.len()).map(|i| self.block(i)).collect(),
        }
    }

    /// Rewrites the padding blocks (outside the first `real_w` × `real_h` blocks) as
    /// [`super::Component::fill_padding`] does for a dense plane: zero AC and the DC
    /// of the previous block of the MCU (`h` × `v` blocks).
    pub fn fill_padding(&mut self, h: usize, v: usize, real_w: usize, real_h: usize) {
        let (wb, hb) = (self.width_blocks, self.height_blocks);
        super::padding::for_each_padding(h, v, wb, hb, real_w, real_h, |idx, prev| {
            let mut b = [0; 64];
            b[0] = prev.map_or(0, |p| self.dc(p));
            self.set(idx, &b);
        });
    }

    /// [`PackedPlane::fill_padding`] for the padding blocks in block rows `rows` only
    /// (whole MCU rows: a padding block's source is in its own MCU).
    pub fn fill_padding_rows(
        &mut self,
        h: usize,
        v: usize,
        real_w: usize,
        real_h: usize,
        rows: std::ops::Range<usize>,
    ) {
        let (wb, hb) = (self.width_blocks, self.height_blocks);
        if wb == 0 {
            return;
        }
        super::padding::for_each_padding(h, v, wb, hb, real_w, real_h, |idx, prev| {
            if rows.contains(&(idx / wb)) {
                let mut b = [0; 64];
                b[0] = prev.map_or(0, |p| self.dc(p));
                self.set(idx, &b);
            }
        });
    }

    /// Bytes held (for memory accounting in tests and benchmarks).
    pub fn heap_bytes(&self) -> usize {
        self.masks.capacity() * 8 + self.starts.capacity() * 4 + self.vals.capacity() * 2
    }
}

/// Bit k of the result is `bytes[k]` (each byte 0 or 1): eight bytes at a time,
/// a multiplication gathers their low bits into the top byte.
/// (Used by the portable mask and the tests; SSE2 builds compare in registers.)
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
#[inline(always)]
pub fn pack_bits(bytes: &[u8; 64]) -> u64 {
    let mut m = 0u64;
    for (w, chunk) in bytes.chunks_exact(8).enumerate() {
        let mut b = [0u8; 8];
        b.copy_from_slice(chunk);
        let x = u64::from_le_bytes(b);
        m |= (x.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * w);
    }
    m
}

/// Mask of the nonzero coefficients of `blk` (bit i for `blk[i]`), from the
/// registers' compare on SSE2 builds.
#[inline(always)]
pub fn nonzero_mask(blk: &Block) -> u64 {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        use safe_arch::*;
        let z = m128i::default();
        let row = |k: usize| -> m128i {
            let a: [i16; 8] = blk[k * 8..k * 8 + 8].try_into().unwrap();
            cmp_eq_mask_i16_m128i(m128i::from(a), z)
        };
        let mut zero = 0u64;
        for k in 0..4 {
            let p = pack_i16_to_i8_m128i(row(2 * k), row(2 * k + 1));
            zero |= (move_mask_i8_m128i(p) as u32 as u64) << (16 * k);
        }
        !zero
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        let mut b = [0u8; 64];
        for (d, &v) in b.iter_mut().zip(blk.iter()) {
            *d = (v != 0) as u8;
        }
        pack_bits(&b)
    }
}

/// `ZZ_BITS[r][b]`: the zigzag-position bits of the natural positions `8r + j` for
/// the bits j set in b (a bit permutation, eight bytes at a time).
pub static ZZ_BITS: [[u64; 256]; 8] = zz_bits();

const fn zz_bits() -> [[u64; 256]; 8] {
    let mut inv = [0usize; 64];
    let mut k = 0;
    while k < 64 {
        inv[ZIGZAG[k]] = k;
        k += 1;
    }
    let mut t = [[0u64; 256]; 8];
    let mut r = 0;
    while r < 8 {
        let mut b = 0;
        while b < 256 {
            let mut m = 0u64;
            let mut j = 0;
            while j < 8 {
                if b & (1 << j) != 0 {
                    m |= 1 << inv[8 * r + j];
                }
                j += 1;
            }
            t[r][b] = m;
            b += 1;
        }
        r += 1;
    }
    t
}

/// Mask of the nonzero coefficients of `blk` by zigzag position (bit k for position
/// k), without reordering the block: equal to `nonzero_mask(&zigzag(blk))`.
#[inline(always)]
pub fn zigzag_mask(blk: &Block) -> u64 {
    let nat = nonzero_mask(blk).to_le_bytes();
    let mut m = 0;
    for (t, &b) in ZZ_BITS.iter().zip(nat.iter()) {
        m |= t[b as usize];
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coeffs::Component;

    #[test]
    fn round_trip_and_order() {
        let mut plane = BlockPlane::new(3, 2);
        plane.blocks[1][ZIGZAG[5]] = -7;
        plane.blocks[1][ZIGZAG[63]] = 3;
        plane.blocks[1][0] = 100;
        plane.blocks[4][ZIGZAG[1]] = 1;
        let p = PackedPlane::from_plane(&plane);
        assert_eq!(p.get(0), (0, &[][..]));
        assert_eq!(p.get(1), (1 | (1 << 5) | (1 << 63), &[100, -7, 3][..]));
        assert_eq!(p.get(4), (1 << 1, &[1][..]));
        assert_eq!(p.dc(1), 100);
        assert_eq!(p.to_plane(), plane);
        // Out of order, and a block stored twice.
        let mut q = PackedPlane::new(3, 2);
        q.set(4, &plane.blocks[4]);
        q.set(1, &[5; 64]);
        q.set(1, &plane.blocks[1]);
        q.set(99, &plane.blocks[1]);
        assert_eq!(q.to_plane(), plane);
    }

    #[test]
    fn padding_matches_the_dense_rule() {
        let mut c = Component {
            id: 1,
            h: 2,
            v: 2,
            quant_slot: 0,
            quant: crate::coeffs::QuantTable {
                values: [1; 64],
                sixteen_bit: false,
            },
            plane: BlockPlane::new(4, 4),
        };
        for (i, b) in c.plane.blocks.iter_mut().enumerate() {
            b[0] = i as i16 + 1;
            b[9] = 2;
        }
        let mut p = PackedPlane::from_plane(&c.plane);
        c.fill_padding(3, 3);
        p.fill_padding(2, 2, 3, 3);
        assert_eq!(p.to_plane(), c.plane);
    }

    /// Filling the padding MCU row by MCU row gives what filling it at once gives.
    #[test]
    fn padding_filled_by_rows_equals_padding_filled_at_once() {
        for (h, v, wb, hb, rw, rh) in [(2, 2, 8, 6, 7, 5), (1, 2, 5, 6, 5, 3), (2, 1, 6, 3, 3, 3)] {
            let mut plane = BlockPlane::new(wb, hb);
            for (i, b) in plane.blocks.iter_mut().enumerate() {
                b[0] = i as i16 + 1;
                b[9] = -(i as i16);
            }
            let mut whole = PackedPlane::from_plane(&plane);
            whole.fill_padding(h, v, rw, rh);
            let mut rows = PackedPlane::from_plane(&plane);
            for r in 0..hb / v {
                rows.fill_padding_rows(h, v, rw, rh, r * v..(r + 1) * v);
            }
            assert_eq!(
                rows.to_plane(),
                whole.to_plane(),
                "{h}x{v} {wb}x{hb} real {rw}x{rh}"
            );
        }
    }
}
