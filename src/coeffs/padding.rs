//! Padding blocks: the blocks beyond a component's real block grid that interleaved
//! scans still code (T.81 A.2.4: MCUs are whole). Decoders discard them, so their content
//! is free; jtool writes them as libjpeg's transcoder does: zero AC, and the DC of the
//! previous block in the MCU, which costs the fewest bits.

use super::{CoefficientImage, Component};

impl CoefficientImage {
    /// Rewrites every padding block of every component (the visible blocks are untouched).
    pub fn normalize_padding(&mut self) {
        let g = self.geometry();
        for (i, c) in self.components.iter_mut().enumerate() {
            let (w, h) = g.real_blocks(i);
            c.fill_padding(w, h);
        }
    }
}

impl Component {
    /// Rewrites the blocks outside the first `real_w` × `real_h` blocks, visiting only
    /// the MCUs that hold padding.
    pub fn fill_padding(&mut self, real_w: usize, real_h: usize) {
        let (h, v) = (self.h as usize, self.v as usize);
        let plane = &mut self.plane;
        let (wb, hb) = (plane.width_blocks, plane.height_blocks);
        for_each_padding(h, v, wb, hb, real_w, real_h, |idx, prev| {
            let dc = prev.map_or(0, |p| plane.blocks[p][0]);
            plane.blocks[idx] = [0; 64];
            plane.blocks[idx][0] = dc;
        });
    }
}

/// Calls `f(block, previous)` for every padding block of a `wb` × `hb` plane whose
/// first `real_w` × `real_h` blocks are real, in MCUs of `h` × `v` blocks: `previous`
/// is the last real block before it in the same MCU (raster order), if any. Only the
/// MCUs that hold padding are visited: all of a row reaching below the real blocks,
/// otherwise those reaching past the right edge.
pub(super) fn for_each_padding(
    h: usize,
    v: usize,
    wb: usize,
    hb: usize,
    real_w: usize,
    real_h: usize,
    mut f: impl FnMut(usize, Option<usize>),
) {
    let (h, v) = (h.max(1), v.max(1));
    let (mcus_x, mcus_y) = (wb / h, hb / v);
    for my in 0..mcus_y {
        let first = if (my + 1) * v > real_h { 0 } else { real_w / h };
        for mx in first..mcus_x {
            let mut prev = None;
            for y in my * v..(my + 1) * v {
                for x in mx * h..(mx + 1) * h {
                    let idx = y * wb + x;
                    if x < real_w && y < real_h {
                        prev = Some(idx);
                    } else {
                        f(idx, prev);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_gets_dc_of_previous_block_and_zero_ac() {
        let mut img =
            CoefficientImage::zeroed(20, 8, 8, &[(1, 2, 1, 0), (2, 1, 1, 1), (3, 1, 1, 1)]);
        for b in img.components[0].plane.blocks.iter_mut() {
            *b = [5; 64];
        }
        img.normalize_padding();
        let y = &img.components[0].plane;
        // 20 px wide, Hmax 2: two MCUs of 2 luma blocks; real luma blocks: 3.
        assert_eq!(y.width_blocks, 4);
        assert_eq!(y.block(2, 0), &[5; 64]);
        let pad = y.block(3, 0);
        assert_eq!(pad[0], 5);
        assert!(pad[1..].iter().all(|&v| v == 0));
    }
}
