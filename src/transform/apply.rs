//! Executing a [`Plan`]: a walk over the output block grid that fetches each block from
//! its source position and transposes / negates its coefficients.
//!
//! The map from output blocks to source blocks is separable: [`block_axes`] gives it per
//! axis, which is also what a decoder needs to put decoded blocks straight into place
//! (the pipeline's direct decode); [`finish`] is the common last step.

use super::plan::{Extend, Plan};
use crate::coeffs::{Block, CoefficientImage, Geometry, PackedPlane};

/// One axis of the map from output to source blocks, in transformed-image block units:
/// blocks inside the whole iMCUs of a mirrored axis are mirrored, the partial iMCU stays.
/// On an axis where the image is `placed` (in blocks) in a larger output, only its
/// whole iMCUs are shown; every other output block shows no source block (`usize::MAX`,
/// outside every plane: a zero block).
fn axis(
    out: usize,
    offset: usize,
    full: usize,
    mirrored: bool,
    placed: Option<usize>,
) -> (usize, bool) {
    let t = match placed {
        Some(at) => match out.checked_sub(at) {
            Some(t) if t < full => t,
            _ => return (usize::MAX, false),
        },
        None => out + offset,
    };
    if mirrored && t < full {
        (full - 1 - t, true)
    } else {
        (t, false)
    }
}

/// Per output block column (or row): the transformed-image block column (row) it shows,
/// and whether it is mirrored along that axis.
pub type AxisMap = Vec<(usize, bool)>;

/// The output → source block map of output component `ci` of `plan`, one axis at a time:
/// for each real output block column, the transformed-image block column it shows and
/// whether it is mirrored in x; the same for each real output block row (mirrored in y).
///
/// The source block of output block (bx, by) is (column of bx, row of by), or (row of by,
/// column of bx) when the plan transposes; a source position outside the source plane
/// gives a zero block. Distinct output blocks have distinct source blocks.
pub fn block_axes(plan: &Plan, ci: usize) -> (AxisMap, AxisMap) {
    let (_, fx, fy) = plan.orientation.parts();
    let (h, v) = (plan.factors[ci].0 as usize, plan.factors[ci].1 as usize);
    let (rw, rh) = Geometry::new(plan.width, plan.height, &plan.factors).real_blocks(ci);
    let (px, py) = plan.placed;
    let xs = (0..rw)
        .map(|bx| {
            let at = px.map(|p| p * h);
            axis(bx, plan.offset_imcus.0 * h, plan.full_imcus.0 * h, fx, at)
        })
        .collect();
    let ys = (0..rh)
        .map(|by| {
            let at = py.map(|p| p * v);
            axis(by, plan.offset_imcus.1 * v, plan.full_imcus.1 * v, fy, at)
        })
        .collect();
    (xs, ys)
}

/// The output image of `plan` for `image`, all zero: the first `plan.factors.len()`
/// components with the planned sampling factors, identifiers and table slots kept.
fn output_image(image: &CoefficientImage, plan: &Plan) -> CoefficientImage {
    let specs: Vec<(u8, u8, u8, u8)> = image
        .components
        .iter()
        .zip(&plan.factors)
        .map(|(c, &(h, v))| (c.id, h, v, c.quant_slot))
        .collect();
    CoefficientImage::zeroed(plan.width, plan.height, image.precision, &specs)
}

/// Applies `plan` to `image`: output components are the first `plan.factors.len()` of
/// the source, with the planned sampling factors and the same quantization tables.
pub fn apply(image: &CoefficientImage, plan: &Plan) -> CoefficientImage {
    let mut out = output_image(image, plan);
    let t = plan.orientation.parts().0;
    let maps = [false, true].map(|my| [false, true].map(|mx| BlockMap::new(t, mx, my)));
    for (ci, dst) in out.components.iter_mut().enumerate() {
        let src = &image.components[ci].plane;
        let (xs, ys) = block_axes(plan, ci);
        let wb = dst.plane.width_blocks.max(1);
        // In strips of TILE columns: a transposed strip reads TILE source rows, whose
        // pages stay in the TLB while the strip's rows are written.
        const TILE: usize = 16;
        for x0 in (0..xs.len()).step_by(TILE) {
            let strip = &xs[x0..(x0 + TILE).min(xs.len())];
            for (row, &(ty, my)) in dst.plane.blocks.chunks_exact_mut(wb).zip(&ys) {
                for (d, &(tx, mx)) in row[x0..].iter_mut().zip(strip) {
                    let (sx, sy) = if t { (ty, tx) } else { (tx, ty) };
                    if sx < src.width_blocks && sy < src.height_blocks {
                        maps[my as usize][mx as usize].apply(src.block(sx, sy), d);
                    } // else: cannot happen for plans made by `plan`; zero is the safe answer
                }
            }
        }
    }
    if plan.extend != Extend::Zero {
        extend_sides(&mut out, plan);
    }
    finish(&mut out, image, plan);
    out
}

/// Fills the columns beside an image placed in a wider output (`plan.extend`), in the
/// rows that show the image, from the image's blocks already in `out`: its edge
/// blocks' DC values, or its mirror images repeated outwards (a block mirrored
/// left-right has its odd horizontal frequencies negated, T.81 A.3.3). An image with no
/// whole iMCU across leaves them gray.
fn extend_sides(out: &mut CoefficientImage, plan: &Plan) {
    let geom = out.geometry();
    for (ci, comp) in out.components.iter_mut().enumerate() {
        let (h, v) = (comp.h as usize, comp.v as usize);
        let (rw, rh) = geom.real_blocks(ci);
        let (at, w) = (plan.placed.0.unwrap_or(0) * h, plan.full_imcus.0 * h);
        let rows = match plan.placed.1 {
            Some(py) => py * v..(py * v + plan.full_imcus.1 * v).min(rh),
            None => 0..rh,
        };
        if w == 0 || at + w > rw {
            continue;
        }
        let wb = comp.plane.width_blocks;
        let mirror = BlockMap::new(false, true, false);
        for by in rows {
            let row = &mut comp.plane.blocks[by * wb..by * wb + rw];
            for bx in (0..at).chain(at + w..rw) {
                let (src, mirrored) = side_source(bx, at, w, plan.extend);
                let b = row[src];
                if plan.extend == Extend::Flat {
                    row[bx] = [0; 64];
                    row[bx][0] = b[0];
                } else if mirrored {
                    mirror.apply(&b, &mut row[bx]);
                } else {
                    row[bx] = b;
                }
            }
        }
    }
}

/// The block column beside the image at `at..at + w` that column `bx` copies, and
/// whether mirrored: the nearest edge block for [`Extend::Flat`]; for
/// [`Extend::Reflect`], the image mirrored about each edge, that mirror image mirrored
/// about its far edge, and so on (period 2w).
fn side_source(bx: usize, at: usize, w: usize, extend: Extend) -> (usize, bool) {
    let left = bx < at;
    if extend == Extend::Flat {
        return (if left { at } else { at + w - 1 }, false);
    }
    let d = if left { at - 1 - bx } else { bx - at - w };
    let m = d % (2 * w);
    match (left, m < w) {
        (true, true) => (at + m, true),
        (true, false) => (at + 2 * w - 1 - m, false),
        (false, true) => (at + w - 1 - m, true),
        (false, false) => (at + m - w, false),
    }
}

/// The last step of executing `plan` on `source`, once the output's real blocks are in
/// place: quantization tables (transposed for a transposing plan) and padding blocks.
/// Only the source's metadata (tables) is read.
pub fn finish(out: &mut CoefficientImage, source: &CoefficientImage, plan: &Plan) {
    set_tables(out, source, plan);
    let geom = out.geometry();
    for (ci, dst) in out.components.iter_mut().enumerate() {
        let (rw, rh) = geom.real_blocks(ci);
        dst.fill_padding(rw, rh);
    }
}

/// [`finish`] for an output whose blocks are packed: `out` holds the size, components
/// and tables, `planes` the blocks.
pub fn finish_packed(
    out: &mut CoefficientImage,
    planes: &mut [PackedPlane],
    source: &CoefficientImage,
    plan: &Plan,
) {
    set_tables(out, source, plan);
    let geom = out.geometry();
    for (ci, (dst, p)) in out.components.iter().zip(planes.iter_mut()).enumerate() {
        let (rw, rh) = geom.real_blocks(ci);
        p.fill_padding(dst.h as usize, dst.v as usize, rw, rh);
    }
}

/// The output's quantization tables: the source's, transposed for a transposing plan.
fn set_tables(out: &mut CoefficientImage, source: &CoefficientImage, plan: &Plan) {
    let t = plan.orientation.parts().0;
    for (dst, src) in out.components.iter_mut().zip(&source.components) {
        dst.quant = src.quant;
        if t {
            // A transposed block needs the transposed step sizes (T.81 A.3.4: table
            // entry k scales coefficient k).
            dst.quant.values = std::array::from_fn(|k| src.quant.values[(k % 8) * 8 + k / 8]);
        }
    }
}

/// What happens to the coefficients of one block: output index i takes source index
/// `src[i]`, negated where `neg[i]` is −1.
struct BlockMap {
    transpose: bool,
    src: [u8; 64],
    neg: [i16; 64],
}

impl BlockMap {
    fn new(t: bool, mirror_x: bool, mirror_y: bool) -> Self {
        BlockMap {
            transpose: t,
            src: std::array::from_fn(|i| {
                if t {
                    ((i % 8) * 8 + i / 8) as u8
                } else {
                    i as u8
                }
            }),
            neg: std::array::from_fn(|i| {
                let (r, c) = (i / 8, i % 8);
                -(((mirror_x && c & 1 == 1) ^ (mirror_y && r & 1 == 1)) as i16)
            }),
        }
    }

    #[inline(always)]
    fn apply(&self, b: &Block, out: &mut Block) {
        // (v ^ n) - n is v for n = 0 and -v (wrapping) for n = -1.
        if self.transpose {
            for ((o, &s), &n) in out.iter_mut().zip(&self.src).zip(&self.neg) {
                *o = (b[s as usize & 63] ^ n).wrapping_sub(n);
            }
        } else {
            for ((o, &v), &n) in out.iter_mut().zip(b).zip(&self.neg) {
                *o = (v ^ n).wrapping_sub(n);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transform::{plan, Orientation, Request};

    fn numbered(w: u32, h: u32, factors: &[(u8, u8)]) -> CoefficientImage {
        let specs: Vec<_> = factors
            .iter()
            .enumerate()
            .map(|(i, &(h, v))| (i as u8 + 1, h, v, 0))
            .collect();
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
        let p = plan(
            16,
            8,
            &[(1, 1)],
            &Request {
                orientation: Orientation::Transpose,
                ..Request::default()
            },
        )
        .unwrap();
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
        let p = plan(
            20,
            8,
            &[(1, 1)],
            &Request {
                orientation: Orientation::FlipH,
                ..Request::default()
            },
        )
        .unwrap();
        let out = apply(&img, &p);
        let (s, d) = (&img.components[0].plane, &out.components[0].plane);
        assert_eq!(d.block(2, 0), s.block(2, 0), "partial column untouched");
        assert_eq!(d.block(0, 0)[0], s.block(1, 0)[0]);
        assert_eq!(d.block(0, 0)[1], -s.block(1, 0)[1], "odd column negated");
        assert_eq!(d.block(0, 0)[8], s.block(1, 0)[8], "even column kept");
    }
}
