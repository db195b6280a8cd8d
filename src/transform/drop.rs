//! Dropping one image into another (jpegtran -drop): the drop image's blocks replace
//! the destination's over whole iMCUs, so neither image goes through pixels. When the
//! two use different quantization tables, the output's table is their element-wise
//! greatest common divisor, which both sets of coefficients reach by an exact
//! multiplication (T.81 A.3.4: a coefficient is only ever its value times its step);
//! with `trim`, the drop image is instead rounded to the destination's tables, which
//! loses precision in the dropped region only.

use super::wipe::{imcu_blocks, imcu_size, BlockRect};
use crate::coeffs::{requant, Block, CoefficientImage, QuantTable};
use crate::error::{Error, Result};

/// Where a drop lands, in iMCUs of the destination: columns `x..x + width`, rows
/// `y..y + height`. The drop image's top-left block goes to the first of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DropPlan {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// Plans dropping an image of `drop_size` pixels at pixel `at` of a `size` image with
/// sampling `factors`. The drop must lie inside the image. As jpegtran does, the corner
/// is moved right and down to the iMCU grid and only whole iMCUs of the drop are used
/// (so the drop never covers more than was asked for), except that a drop reaching the
/// image's right or bottom edge also fills the partial iMCU there.
pub fn drop_plan(
    size: (u32, u32),
    factors: &[(u8, u8)],
    drop_size: (u32, u32),
    at: (u32, u32),
) -> Result<DropPlan> {
    let (iw, ih) = imcu_size(factors);
    let (x, width) = drop_axis(size.0, iw, at.0, drop_size.0, "width")?;
    let (y, height) = drop_axis(size.1, ih, at.1, drop_size.1, "height")?;
    Ok(DropPlan {
        x,
        y,
        width,
        height,
    })
}

impl DropPlan {
    /// The blocks each component (sampling `factors`) takes from the drop image.
    pub fn blocks(&self, factors: &[(u8, u8)]) -> Vec<BlockRect> {
        let cols = (self.x, self.x + self.width);
        imcu_blocks(factors, cols, (self.y, self.y + self.height))
    }
}

/// One axis of [`drop_plan`]: the first iMCU and the number of iMCUs.
fn drop_axis(full: u32, imcu: u32, off: u32, len: u32, what: &str) -> Result<(u32, u32)> {
    if len == 0 || len > full || off > full - len {
        return Err(Error::BadRequest(format!(
            "the drop image ({what} {len}) does not fit at {off} in the image ({what} {full})"
        )));
    }
    let skip = (imcu - off % imcu) % imcu;
    let first = (off + skip) / imcu;
    let count = if len <= skip {
        0
    } else if off + len == full {
        (len - skip).div_ceil(imcu)
    } else {
        (len - skip) / imcu
    };
    Ok((first, count))
}

/// Refuses a drop image whose components are sampled in other proportions than the
/// destination's (jpegtran's rule: for every component both have, the same ratio to the
/// largest factor, horizontally and vertically) or that has another sample precision.
/// A one-component image may be dropped into a colour one (its chrominance becomes
/// neutral) and the other way round (the drop's chrominance is left out).
pub fn check_drop(dst: &CoefficientImage, drop: &CoefficientImage) -> Result<()> {
    if dst.precision != drop.precision {
        return Err(Error::BadRequest(format!(
            "the drop image has {}-bit samples, the image {}-bit",
            drop.precision, dst.precision
        )));
    }
    let max = |img: &CoefficientImage| {
        let h = img.components.iter().map(|c| c.h as u32).max().unwrap_or(1);
        let v = img.components.iter().map(|c| c.v as u32).max().unwrap_or(1);
        (h.max(1), v.max(1))
    };
    let ((dh, dv), (sh, sv)) = (max(dst), max(drop));
    for (i, (d, s)) in dst.components.iter().zip(&drop.components).enumerate() {
        if d.h as u32 * sh != s.h as u32 * dh || d.v as u32 * sv != s.v as u32 * dv {
            return Err(Error::BadRequest(format!(
                "the drop image's sampling does not match: component {} is {}x{} of {dh}x{dv} in the image, {}x{} of {sh}x{sv} in the drop image",
                i + 1,
                d.h,
                d.v,
                s.h,
                s.v
            )));
        }
    }
    Ok(())
}

/// Drops `drop` into `dst` where `plan` says (see [`check_drop`] for what fits).
/// Without `trim`, each quantization table of `dst` becomes the element-wise GCD of its
/// own and the drop's tables for the components using it, and `dst`'s blocks are
/// rescaled to it: nothing is lost. With `trim`, `dst`'s tables stay and the drop's
/// coefficients are rounded to them. Components the drop lacks are zeroed in the region
/// (neutral chrominance), as are blocks beyond the drop image's own planes.
pub fn drop_into(dst: &mut CoefficientImage, drop: &CoefficientImage, plan: &DropPlan, trim: bool) {
    if !trim {
        let targets = merged_tables(dst, drop);
        for (c, t) in dst.components.iter_mut().zip(targets) {
            if c.quant.values != t.values {
                rescale_exact(&mut c.plane, &c.quant.values, &t.values);
                c.quant = t;
            }
        }
    }
    let factors: Vec<(u8, u8)> = dst.components.iter().map(|c| (c.h, c.v)).collect();
    let rects = plan.blocks(&factors);
    for (ci, (c, r)) in dst.components.iter_mut().zip(rects).enumerate() {
        let source = drop.components.get(ci);
        let target = c.quant.values;
        let p = &mut c.plane;
        for y in r.y0..r.y1.min(p.height_blocks) {
            for x in r.x0..r.x1.min(p.width_blocks) {
                let (dx, dy) = (x - r.x0, y - r.y0);
                let mut b: Block = [0; 64];
                if let Some(s) = source {
                    if dx < s.plane.width_blocks && dy < s.plane.height_blocks {
                        b = *s.plane.block(dx, dy);
                        rescale(&mut b, &s.quant.values, &target);
                    }
                }
                *p.block_mut(x, y) = b;
            }
        }
    }
}

/// Expresses block `b` quantized with `from` in steps `to`.
fn rescale(b: &mut Block, from: &[u16; 64], to: &[u16; 64]) {
    for k in 0..64 {
        b[k] = requant(b[k], from[k], to[k]);
    }
}

/// Rescales every block of `plane` from `from` to `to`, a divisor of it at every
/// position (the GCD tables): an exact multiplication, done as one.
fn rescale_exact(plane: &mut crate::coeffs::BlockPlane, from: &[u16; 64], to: &[u16; 64]) {
    let factor: [i16; 64] = std::array::from_fn(|k| (from[k] / to[k].max(1)) as i16);
    for b in plane.blocks.iter_mut() {
        for (v, f) in b.iter_mut().zip(&factor) {
            *v = v.saturating_mul(*f);
        }
    }
}

/// The table each component of `dst` ends with when `drop` is dropped in without
/// trimming: per quantization slot, the element-wise GCD of the tables of the
/// components using it and of the drop's tables for those components.
fn merged_tables(dst: &CoefficientImage, drop: &CoefficientImage) -> Vec<QuantTable> {
    let mut per_comp: Vec<QuantTable> = dst
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| match drop.components.get(i) {
            Some(s) => gcd_table(&c.quant, &s.quant),
            None => c.quant,
        })
        .collect();
    for i in 0..per_comp.len() {
        let slot = dst.components[i].quant_slot;
        let mut t = per_comp[i];
        for (j, c) in dst.components.iter().enumerate() {
            if c.quant_slot == slot {
                t = gcd_table(&t, &per_comp[j]);
            }
        }
        per_comp[i] = t;
    }
    per_comp
}

/// Element-wise GCD of two tables; 16-bit storage if either needed it.
fn gcd_table(a: &QuantTable, b: &QuantTable) -> QuantTable {
    let mut values = a.values;
    for (v, &w) in values.iter_mut().zip(&b.values) {
        *v = gcd(*v, w);
    }
    QuantTable {
        values,
        sixteen_bit: a.sixteen_bit || b.sixteen_bit,
    }
}

fn gcd(mut a: u16, mut b: u16) -> u16 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// jpegtran's placement, read from its output on a 480×270 4:2:0 image with a 67×45
    /// drop: +16+16 takes 4×2 iMCUs at iMCU (1,1); +17+5 moves the corner to (32,16) and
    /// takes 3×2; a drop reaching the far edge takes the partial iMCU there too.
    #[test]
    fn placement_follows_jpegtran() {
        let f = [(2, 2), (1, 1), (1, 1)];
        let p = |at| drop_plan((480, 270), &f, (67, 45), at).unwrap();
        let plan = |x, y, width, height| DropPlan {
            x,
            y,
            width,
            height,
        };
        assert_eq!(p((16, 16)), plan(1, 1, 4, 2));
        assert_eq!(p((17, 5)), plan(2, 1, 3, 2));
        assert_eq!(p((0, 0)), plan(0, 0, 4, 2));
        assert_eq!(p((413, 225)), plan(26, 15, 4, 2));
        assert_eq!(p((410, 10)), plan(26, 1, 3, 2));
        assert!(drop_plan((480, 270), &f, (67, 45), (414, 0)).is_err());
        assert!(drop_plan((480, 270), &f, (481, 45), (0, 0)).is_err());
        // A one-component image's iMCU is a block.
        let g = drop_plan((480, 270), &[(2, 2)], (67, 45), (17, 5)).unwrap();
        assert_eq!(g, plan(3, 1, 7, 5));
        // Narrower than the distance to the grid: nothing is dropped.
        let n = drop_plan((480, 270), &f, (10, 45), (17, 0)).unwrap();
        assert_eq!(n.width, 0);
    }

    use proptest::prelude::*;

    /// A `w`×`h` image (4:2:0 or grayscale) with pseudo-random blocks and tables; Cb and
    /// Cr share table slot 1, as libjpeg writes them.
    fn image(w: u32, h: u32, color: bool, seed: u32) -> CoefficientImage {
        let comps: &[(u8, u8, u8, u8)] = if color {
            &[(1, 2, 2, 0), (2, 1, 1, 1), (3, 1, 1, 1)]
        } else {
            &[(1, 1, 1, 0)]
        };
        let mut img = CoefficientImage::zeroed(w, h, 8, comps);
        let mut x = seed.wrapping_mul(2_654_435_761).max(1);
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x
        };
        let tables: Vec<[u16; 64]> = (0..2)
            .map(|_| std::array::from_fn(|_| (next() % 40 + 1) as u16))
            .collect();
        for c in img.components.iter_mut() {
            c.quant.values = tables[c.quant_slot as usize];
            for b in c.plane.blocks.iter_mut() {
                for v in b.iter_mut().take(6) {
                    *v = (next() % 41) as i16 - 20;
                }
            }
        }
        img
    }

    fn dequant(c: &crate::coeffs::Component, x: usize, y: usize) -> Vec<i32> {
        let b = c.plane.block(x, y);
        (0..64)
            .map(|k| b[k] as i32 * c.quant.values[k] as i32)
            .collect()
    }

    proptest! {
        /// Without trimming nothing is lost: outside the drop every block keeps its
        /// dequantized values, inside each has the drop image's, and every table is
        /// still shared by the components that shared it.
        #[test]
        fn untrimmed_drop_is_lossless(
            w in 16u32..80, h in 16u32..80, dw in 1u32..40, dh in 1u32..40,
            fx in 0u32..100, fy in 0u32..100, color in any::<bool>(), gray_drop in any::<bool>(),
            seed in any::<u32>(),
        ) {
            let (dw, dh) = (dw.min(w), dh.min(h));
            let at = (fx * (w - dw) / 100, fy * (h - dh) / 100);
            let dst = image(w, h, color, seed);
            let drop = image(dw, dh, color && !gray_drop, seed ^ 0x5555);
            let f: Vec<(u8, u8)> = dst.components.iter().map(|c| (c.h, c.v)).collect();
            let plan = drop_plan((w, h), &f, (dw, dh), at).unwrap();
            prop_assert!(check_drop(&dst, &drop).is_ok());
            let mut out = dst.clone();
            drop_into(&mut out, &drop, &plan, false);
            prop_assert_eq!(out.components[1..].iter().map(|c| c.quant.values).collect::<std::collections::HashSet<_>>().len(), usize::from(color));
            for (ci, ((o, d), r)) in out.components.iter().zip(&dst.components).zip(plan.blocks(&f)).enumerate() {
                let BlockRect { x0, y0, x1, y1 } = r;
                for y in 0..o.plane.height_blocks {
                    for x in 0..o.plane.width_blocks {
                        let inside = (x0..x1).contains(&x) && (y0..y1).contains(&y);
                        let want = match (inside, drop.components.get(ci)) {
                            (false, _) => dequant(d, x, y),
                            (true, Some(s)) if x - x0 < s.plane.width_blocks && y - y0 < s.plane.height_blocks => dequant(s, x - x0, y - y0),
                            (true, _) => vec![0; 64],
                        };
                        prop_assert_eq!(dequant(o, x, y), want, "component {} block ({}, {})", ci, x, y);
                    }
                }
            }
        }
    }

    #[test]
    fn gcd_tables_divide_both() {
        let a = QuantTable {
            values: [12; 64],
            sixteen_bit: false,
        };
        let mut b = a;
        b.values[0] = 8;
        b.values[1] = 7;
        let g = gcd_table(&a, &b);
        assert_eq!(&g.values[..3], &[4, 1, 12]);
        assert_eq!(gcd(0, 0), 1);
    }
}
