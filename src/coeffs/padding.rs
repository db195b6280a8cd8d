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
        let (h, v) = (self.h.max(1) as usize, self.v.max(1) as usize);
        let plane = &mut self.plane;
        let (mcus_x, mcus_y) = (plane.width_blocks / h, plane.height_blocks / v);
        for my in 0..mcus_y {
            // Only MCUs that hold padding: all of a row reaching below the real blocks,
            // otherwise those reaching past the right edge.
            let first = if (my + 1) * v > real_h { 0 } else { real_w / h };
            for mx in first..mcus_x {
                let mut prev_dc = 0i16;
                for y in my * v..(my + 1) * v {
                    for x in mx * h..(mx + 1) * h {
                        if x < real_w && y < real_h {
                            prev_dc = plane.block(x, y)[0];
                        } else {
                            let b = plane.block_mut(x, y);
                            *b = [0; 64];
                            b[0] = prev_dc;
                        }
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
