//! Executing a [`Plan`]: a walk over the output block grid that fetches each block from
//! its source position and transposes / negates its coefficients.

use super::plan::Plan;
use crate::coeffs::{Block, CoefficientImage, Component};

/// Where one output block comes from, and what happens to its coefficients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Source {
    /// Block column and row in the source plane.
    bx: usize,
    by: usize,
    /// Negate odd columns (mirror in x) / odd rows (mirror in y) of the output block.
    mirror_x: bool,
    mirror_y: bool,
}

/// One axis of the map from output to source blocks, in transformed-image block units:
/// blocks inside the whole iMCUs of a mirrored axis are mirrored, the partial iMCU stays.
fn axis(out: usize, offset: usize, full: usize, mirrored: bool) -> (usize, bool) {
    let t = out + offset;
    if mirrored && t < full {
        (full - 1 - t, true)
    } else {
        (t, false)
    }
}

/// Applies `plan` to `image`: output components are the first `plan.factors.len()` of
/// the source, with the planned sampling factors and the same quantization tables.
pub fn apply(image: &CoefficientImage, plan: &Plan) -> CoefficientImage {
    let specs: Vec<(u8, u8, u8, u8)> = image
        .components
        .iter()
        .zip(&plan.factors)
        .map(|(c, &(h, v))| (c.id, h, v, c.quant_slot))
        .collect();
    let mut out = CoefficientImage::zeroed(plan.width, plan.height, image.precision, &specs);
    let geom = out.geometry();
    let (t, fx, fy) = plan.orientation.parts();
    for (ci, dst) in out.components.iter_mut().enumerate() {
        let src = &image.components[ci];
        dst.quant = src.quant;
        if t {
            // A transposed block needs the transposed step sizes (T.81 A.3.4: table
            // entry k scales coefficient k).
            dst.quant.values = std::array::from_fn(|k| src.quant.values[(k % 8) * 8 + k / 8]);
        }
        let (h, v) = (dst.h as usize, dst.v as usize);
        let (rw, rh) = geom.real_blocks(ci);
        for by in 0..rh {
            let (ty, my) = axis(by, plan.offset_imcus.1 * v, plan.full_imcus.1 * v, fy);
            for bx in 0..rw {
                let (tx, mx) = axis(bx, plan.offset_imcus.0 * h, plan.full_imcus.0 * h, fx);
                let s = if t {
                    Source { bx: ty, by: tx, mirror_x: mx, mirror_y: my }
                } else {
                    Source { bx: tx, by: ty, mirror_x: mx, mirror_y: my }
                };
                *dst.plane.block_mut(bx, by) = transform_block(src, s, t);
            }
        }
        fill_padding(dst, rw, rh);
    }
    out
}

/// The source block `s` of `src`, transposed if `t`, with the mirrors' sign changes.
fn transform_block(src: &Component, s: Source, t: bool) -> Block {
    let mut out = [0i16; 64];
    if s.bx >= src.plane.width_blocks || s.by >= src.plane.height_blocks {
        return out; // cannot happen for plans made by `plan`; zero is the safe answer
    }
    let b = src.plane.block(s.bx, s.by);
    for r in 0..8 {
        for c in 0..8 {
            let v = if t { b[c * 8 + r] } else { b[r * 8 + c] };
            let neg = (s.mirror_x && c & 1 == 1) ^ (s.mirror_y && r & 1 == 1);
            out[r * 8 + c] = if neg { v.wrapping_neg() } else { v };
        }
    }
    out
}

/// Padding blocks beyond the real ones get the DC of the block before them in the MCU
/// and zero AC, which codes in a few bits and is discarded by every decoder.
fn fill_padding(c: &mut Component, real_w: usize, real_h: usize) {
    let (h, v) = (c.h as usize, c.v as usize);
    let plane = &mut c.plane;
    for my in (0..plane.height_blocks).step_by(v) {
        for mx in (0..plane.width_blocks).step_by(h) {
            let mut prev_dc = 0i16;
            for y in my..my + v {
                for x in mx..mx + h {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transform::{plan, Orientation, Request};

    fn numbered(w: u32, h: u32, factors: &[(u8, u8)]) -> CoefficientImage {
        let specs: Vec<_> = factors.iter().enumerate().map(|(i, &(h, v))| (i as u8 + 1, h, v, 0)).collect();
        let mut img = CoefficientImage::zeroed(w, h, 8, &specs);
        for (ci, c) in img.components.iter_mut().enumerate() {
            for (i, b) in c.plane.blocks.iter_mut().enumerate() {
                for (k, x) in b.iter_mut().enumerate() {
                    *x = (ci * 10000 + i * 64 + k) as i16;
                }
            }
        }
        img
    }

    #[test]
    fn transpose_swaps_blocks_and_coefficients() {
        let img = numbered(16, 8, &[(1, 1)]);
        let p = plan(16, 8, &[(1, 1)], &Request { orientation: Orientation::Transpose, ..Request::default() }).unwrap();
        let out = apply(&img, &p);
        assert_eq!((out.width, out.height), (8, 16));
        let src = img.components[0].plane.block(1, 0);
        let dst = out.components[0].plane.block(0, 1);
        assert_eq!(dst[1], src[8]);
        assert_eq!(dst[8 * 3 + 2], src[8 * 2 + 3]);
    }

    #[test]
    fn flip_h_keeps_partial_column_in_place() {
        // 20 px wide, 4:4:4 one component: iMCU 8, two whole columns, one partial.
        let img = numbered(20, 8, &[(1, 1)]);
        let p = plan(20, 8, &[(1, 1)], &Request { orientation: Orientation::FlipH, ..Request::default() }).unwrap();
        let out = apply(&img, &p);
        let (s, d) = (&img.components[0].plane, &out.components[0].plane);
        assert_eq!(d.block(2, 0), s.block(2, 0), "partial column untouched");
        assert_eq!(d.block(0, 0)[0], s.block(1, 0)[0]);
        assert_eq!(d.block(0, 0)[1], -s.block(1, 0)[1], "odd column negated");
        assert_eq!(d.block(0, 0)[8], s.block(1, 0)[8], "even column kept");
    }
}
