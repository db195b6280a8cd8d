//! The coefficient image: quantized DCT blocks per component, padded to whole iMCUs.
//!
//! This layer depends on nothing else in the crate. Blocks are in natural (row-major)
//! order: zigzag is an entropy-coding detail (T.81 Figure A.6) that only the
//! `entropy` and `container` (DQT) layers deal with, through [`ZIGZAG`].

mod geometry;
pub mod ijg;
mod packed;
mod padding;
pub mod samples;

pub use geometry::{ceil_div, Geometry};
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
pub use packed::pack_bits;
pub use packed::{nonzero_mask, zigzag_mask, PackedPlane, ZZ_BITS};

/// One 8×8 block of quantized DCT coefficients, natural order: index = 8·row + column.
pub type Block = [i16; 64];

/// `ZIGZAG[k]` is the natural-order index of the k-th coefficient in zigzag order
/// (T.81 Figure A.6).
pub const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// A quantization table: 64 step sizes in natural order and the precision it was stored with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QuantTable {
    /// Step sizes, natural order.
    pub values: [u16; 64],
    /// True when the table was (or must be) stored with 16-bit entries (Pq = 1).
    pub sixteen_bit: bool,
}

impl QuantTable {
    /// A table that can be stored with 8-bit entries (every entry ≤ 255).
    pub fn fits_8bit(&self) -> bool {
        self.values.iter().all(|&v| v <= 255)
    }
}

/// A quantized coefficient `v` (step `from`) expressed in step `to`: round(v · from / to),
/// halves away from zero, saturated to i16. Exact when `to` divides `from`.
pub fn requant(v: i16, from: u16, to: u16) -> i16 {
    if from == to {
        return v;
    }
    let n = v as i64 * from as i64;
    let d = to.max(1) as i64;
    let m = (2 * n.abs() + d) / (2 * d);
    (if n < 0 { -m } else { m }).clamp(i16::MIN as i64, i16::MAX as i64) as i16
}

/// A component's grid of blocks, padded to whole iMCUs (right and bottom padding blocks
/// are coded in interleaved scans but discarded by decoders).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockPlane {
    /// Blocks per row, including padding.
    pub width_blocks: usize,
    /// Block rows, including padding.
    pub height_blocks: usize,
    /// `width_blocks × height_blocks` blocks, row by row.
    pub blocks: Vec<Block>,
}

impl BlockPlane {
    /// A plane of zero blocks.
    pub fn new(width_blocks: usize, height_blocks: usize) -> Self {
        BlockPlane {
            width_blocks,
            height_blocks,
            blocks: vec![[0; 64]; width_blocks * height_blocks],
        }
    }
    /// The block at column `bx`, row `by`.
    #[inline]
    pub fn block(&self, bx: usize, by: usize) -> &Block {
        &self.blocks[by * self.width_blocks + bx]
    }
    /// The block at column `bx`, row `by`, mutable.
    #[inline]
    pub fn block_mut(&mut self, bx: usize, by: usize) -> &mut Block {
        &mut self.blocks[by * self.width_blocks + bx]
    }
}

/// One colour component of the image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// Component identifier Ci from the frame header.
    pub id: u8,
    /// Horizontal sampling factor Hi (1–4).
    pub h: u8,
    /// Vertical sampling factor Vi (1–4).
    pub v: u8,
    /// Quantization table slot Tqi (0–3) the frame header named.
    pub quant_slot: u8,
    /// The table that was in that slot when the component's first scan was decoded.
    pub quant: QuantTable,
    /// The coefficients.
    pub plane: BlockPlane,
}

/// A whole image as quantized DCT coefficients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoefficientImage {
    /// Width in pixels (X in the frame header).
    pub width: u32,
    /// Height in pixels (Y in the frame header, or from DNL).
    pub height: u32,
    /// Sample precision P (8 for everything jtool codes today).
    pub precision: u8,
    /// Components in frame-header order.
    pub components: Vec<Component>,
}

impl CoefficientImage {
    /// The sampling factors of component `c` as a frame header states them: a
    /// one-component frame's factors shape nothing (its scans are non-interleaved, an
    /// MCU per block, T.81 A.2.2), so they are 1x1, as libjpeg writes them.
    pub fn coded_factors(&self, c: usize) -> (u8, u8) {
        if self.components.len() == 1 {
            (1, 1)
        } else {
            (self.components[c].h, self.components[c].v)
        }
    }

    /// The MCU/iMCU geometry of this image.
    pub fn geometry(&self) -> Geometry {
        let factors: Vec<(u8, u8)> = self.components.iter().map(|c| (c.h, c.v)).collect();
        Geometry::new(self.width, self.height, &factors)
    }

    /// An all-zero image with planes sized for `geometry`.
    pub fn zeroed(width: u32, height: u32, precision: u8, comps: &[(u8, u8, u8, u8)]) -> Self {
        let factors: Vec<(u8, u8)> = comps.iter().map(|c| (c.1, c.2)).collect();
        let g = Geometry::new(width, height, &factors);
        let components = comps
            .iter()
            .enumerate()
            .map(|(i, &(id, h, v, slot))| {
                let (wb, hb) = g.padded_blocks(i);
                Component {
                    id,
                    h,
                    v,
                    quant_slot: slot,
                    quant: QuantTable {
                        values: [1; 64],
                        sixteen_bit: false,
                    },
                    plane: BlockPlane::new(wb, hb),
                }
            })
            .collect();
        CoefficientImage {
            width,
            height,
            precision,
            components,
        }
    }
}
