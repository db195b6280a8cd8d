//! Block smoothing of incompletely coded progressive images, as `djpeg` (libjpeg-turbo
//! 2.1) does it before the IDCT.
//!
//! When a progressive image ends before its low-frequency coefficients are fully coded
//! (T.81 G.1.1: spectral selection and successive approximation), the missing ones are
//! estimated from the DC values of neighbouring blocks. T.81 Annex K.8 describes the idea
//! with a 3×3 neighbourhood; libjpeg-turbo 2.1 widens it to 5×5 and, where no AC
//! coefficient of a component has been coded at all, also predicts four more AC
//! coefficients and replaces the DC value by a weighted local average. An estimate only
//! fills a coefficient that is still zero and not known exactly, and never goes beyond
//! what the bits still missing could hold.
//!
//! The neighbourhood reproduces libjpeg-turbo 2.1.5 exactly, including two edge cases
//! later versions changed: in a component two blocks wide, the columns past the right
//! edge repeat the first column instead of the last; and in the first two and the last
//! two iMCU rows, the rows two above and two below are only looked for within the
//! current iMCU row (which matters when an iMCU row has two or more block rows).

use crate::coeffs::{Block, CoefficientImage, Component, Geometry, ZIGZAG};

/// What the decoder knows about each coefficient after the scans present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progression {
    /// Per component and zigzag position: Al of the last scan that coded the
    /// coefficient (0: known exactly; n: its low n bits are missing), −1 if none did.
    pub known: Vec<[i8; 64]>,
    /// Per component: `known` as it was before the last scan that included the
    /// component (zeros if that scan was the file's first). libjpeg falls back to it
    /// for the iMCU rows after the point where the final scan ran out of data.
    pub before_last_scan: Vec<[i8; 64]>,
    /// Scans seen.
    pub scans: usize,
    /// When the final scan ran out of data: the iMCU row of the MCU where it did. Later
    /// rows are smoothed as if that scan had not been there.
    pub short_after_row: Option<usize>,
}

impl Progression {
    /// Nothing coded yet.
    pub fn new(components: usize) -> Self {
        Progression {
            known: vec![[-1; 64]; components],
            before_last_scan: vec![[-1; 64]; components],
            scans: 0,
            short_after_row: None,
        }
    }

    /// Records a scan of `components` (indices in frame order) coding zigzag positions
    /// `ss..=se` down to bit `al` (T.81 B.2.3).
    pub fn add_scan(&mut self, components: &[usize], ss: u8, se: u8, al: u8) {
        let (ss, se) = (ss.min(63) as usize, se.min(63) as usize);
        let al = al.min(i8::MAX as u8) as i8;
        for &c in components {
            let (Some(known), Some(before)) =
                (self.known.get_mut(c), self.before_last_scan.get_mut(c))
            else {
                continue;
            };
            *before = if self.scans == 0 { [0; 64] } else { *known };
            for k in known.iter_mut().take(se + 1).skip(ss) {
                *k = al;
            }
        }
        self.scans += 1;
    }

    /// The state used for iMCU row `row` of component `c`, first ten positions.
    fn bits_for(&self, c: usize, row: usize) -> [i8; 10] {
        let mut out = [-1; 10];
        let use_before = self.short_after_row.is_some_and(|g| row > g);
        if use_before && self.scans <= 1 {
            return out;
        }
        let src = if use_before {
            &self.before_last_scan[c]
        } else {
            &self.known[c]
        };
        out.copy_from_slice(&src[..10]);
        out
    }
}

/// Weights on the 5×5 DC neighbourhood (rows top to bottom, columns left to right).
type Kernel = [[i32; 5]; 5];

/// A kernel or a neighbourhood column by column (five values of each of the five
/// columns), for dot products: moving to the next block changes whole columns. 16-bit
/// (weights and DC values fit) and padded to 32 entries, so that the products pair up
/// in vector multiply-adds.
type Flat = [i16; 32];

const fn flat(k: &Kernel) -> Flat {
    let mut out = [0; 32];
    let mut i = 0;
    while i < 25 {
        out[i] = k[i % 5][i / 5] as i16;
        i += 1;
    }
    out
}

const fn flat_all<const N: usize>(ks: &[Kernel; N]) -> [Flat; N] {
    let mut out = [[0; 32]; N];
    let mut i = 0;
    while i < N {
        out[i] = flat(&ks[i]);
        i += 1;
    }
    out
}

const AC_WITH_DATA_FLAT: [Flat; 5] = flat_all(&AC_WITH_DATA);
const AC_DC_ONLY_FLAT: [Flat; 9] = flat_all(&AC_DC_ONLY);
const DC_AVERAGE_FLAT: Flat = flat(&DC_AVERAGE);

/// Estimates with some AC coefficient coded: T.81 K.8 prediction widened to 5×5, for
/// zigzag positions 1–5.
const AC_WITH_DATA: [Kernel; 5] = [
    [[0; 5], [0; 5], [-7, 50, 0, -50, 7], [0; 5], [0; 5]],
    [
        [0, 0, -7, 0, 0],
        [0, 0, 50, 0, 0],
        [0; 5],
        [0, 0, -50, 0, 0],
        [0, 0, 7, 0, 0],
    ],
    [
        [0, 0, -1, 0, 0],
        [0, 0, 13, 0, 0],
        [0, 0, -24, 0, 0],
        [0, 0, 13, 0, 0],
        [0, 0, -1, 0, 0],
    ],
    [
        [0, -1, 0, 1, 0],
        [-1, 10, 0, -10, 1],
        [0; 5],
        [1, -10, 0, 10, -1],
        [0, 1, 0, -1, 0],
    ],
    [[0; 5], [0; 5], [-1, 13, -24, 13, -1], [0; 5], [0; 5]],
];

/// Estimates when only DC values are known: a smoother kernel per coefficient, for
/// zigzag positions 1–9.
const AC_DC_ONLY: [Kernel; 9] = [
    [
        [-1, -1, 0, 1, 1],
        [-3, 13, 0, -13, 3],
        [-3, 38, 0, -38, 3],
        [-3, 13, 0, -13, 3],
        [-1, -1, 0, 1, 1],
    ],
    [
        [-1, -3, -3, -3, -1],
        [-1, 13, 38, 13, -1],
        [0; 5],
        [1, -13, -38, -13, 1],
        [1, 3, 3, 3, 1],
    ],
    [
        [0, 0, 1, 0, 0],
        [0, 2, 7, 2, 0],
        [0, -5, -14, -5, 0],
        [0, 2, 7, 2, 0],
        [0, 0, 1, 0, 0],
    ],
    [
        [-1, 0, 0, 0, 1],
        [0, 9, 0, -9, 0],
        [0; 5],
        [0, -9, 0, 9, 0],
        [1, 0, 0, 0, -1],
    ],
    [
        [0; 5],
        [0, 2, -5, 2, 0],
        [1, 7, -14, 7, 1],
        [0, 2, -5, 2, 0],
        [0; 5],
    ],
    [
        [0; 5],
        [0, 1, 0, -1, 0],
        [0, 2, 0, -2, 0],
        [0, 1, 0, -1, 0],
        [0; 5],
    ],
    [[0; 5], [0, 1, -3, 1, 0], [0; 5], [0, -1, 3, -1, 0], [0; 5]],
    [
        [0; 5],
        [0, 1, 0, -1, 0],
        [0, -3, 0, 3, 0],
        [0, 1, 0, -1, 0],
        [0; 5],
    ],
    [[0; 5], [0, 1, 2, 1, 0], [0; 5], [0, -1, -2, -1, 0], [0; 5]],
];

/// The DC replacement when only DC values are known: a weighted average (weights sum
/// to 256) that keeps the local mean.
const DC_AVERAGE: Kernel = [
    [-2, -6, -8, -6, -2],
    [-6, 6, 42, 6, -6],
    [-8, 42, 152, 42, -8],
    [-6, 6, 42, 6, -6],
    [-2, -6, -8, -6, -2],
];

/// A smoothed copy of `image` for the IDCT, or `None` when libjpeg would not smooth:
/// no first-ten coefficient of any component has bits missing, some component has no
/// DC value yet, or a quantizer of the first ten positions is zero.
pub fn smooth(image: &CoefficientImage, p: &Progression) -> Option<CoefficientImage> {
    smooth_from(image, p, &[])
}

/// [`smooth`] for a decode that starts at block column `first[c]` of each component c
/// (a crop's; 0 where `first` has no entry): libjpeg-turbo smooths such a decode as if
/// the image began at that column, and leaves the columns before it alone.
pub fn smooth_from(
    image: &CoefficientImage,
    p: &Progression,
    first: &[usize],
) -> Option<CoefficientImage> {
    let n = image.components.len();
    if n == 0 || p.known.len() != n || p.before_last_scan.len() != n {
        return None;
    }
    for (comp, known) in image.components.iter().zip(&p.known) {
        if ZIGZAG[..10].iter().any(|&z| comp.quant.values[z] == 0) || known[0] < 0 {
            return None;
        }
    }
    if !p.known.iter().any(|k| k[1..10].iter().any(|&b| b != 0)) {
        return None;
    }
    let geometry = image.geometry();
    let mut out = image.clone();
    for (ci, dst) in out.components.iter_mut().enumerate() {
        let from = first.get(ci).copied().unwrap_or(0);
        smooth_component(&image.components[ci], dst, &geometry, (ci, from), p);
    }
    Some(out)
}

/// Smooths the blocks of component `ci` that hold image data, from block column
/// `from` on (padding blocks are never shown, nor read as neighbours).
fn smooth_component(
    src: &Component,
    dst: &mut Component,
    g: &Geometry,
    (ci, from): (usize, usize),
    p: &Progression,
) {
    let (bw, bh) = g.real_blocks(ci);
    let plane = &src.plane;
    if bw == 0 || bh == 0 || plane.width_blocks < bw || plane.height_blocks < bh || from >= bw {
        return;
    }
    let v = (src.v as usize).max(1);
    let last_row = g.mcus_y().max(1) - 1;
    let q = &src.quant.values;
    // The DC values on their own, read 25 times each.
    let dcs: Vec<i16> = (0..bh)
        .flat_map(|y| (0..bw).map(move |x| plane.block(x, y)[0]))
        .collect();
    // The five DC values of each column of the current neighbourhood rows.
    let mut strip: Vec<[i16; 5]> = Vec::with_capacity(bw);
    for r in 0..=last_row {
        let bits = p.bits_for(ci, r);
        let dc_only = bits[1..].iter().all(|&b| b == -1);
        // libjpeg counts the rows of the last iMCU row as the component height modulo V.
        let rows_here = if r < last_row || bh % v == 0 {
            v
        } else {
            bh % v
        };
        for b in 0..rows_here {
            let y = r * v + b;
            if y >= bh {
                break;
            }
            let rows = neighbour_rows(r, b, v, last_row, rows_here)
                .map(|yy| &dcs[yy.min(bh - 1) * bw..][..bw]);
            strip.clear();
            strip.extend((0..bw).map(|x| rows.map(|row| row[x])));
            for x in from..bw {
                let mut dc = [0; 32];
                let columns = neighbour_columns(x - from, bw - from).map(|c| c + from);
                for (d, &c) in dc[..25].chunks_exact_mut(5).zip(&columns) {
                    d.copy_from_slice(&strip[c]);
                }
                estimate_block(dst.plane.block_mut(x, y), &dc, &bits, dc_only, q);
            }
        }
    }
}

/// Image block rows of the 5×5 neighbourhood of block row `b` of iMCU row `r` (each of
/// `v` block rows; `rows_here` in this one; `last` the last iMCU row). Rows past the
/// image repeat the nearest one, except that in the first two and the last two iMCU
/// rows the row two away is only taken from within the iMCU row, as libjpeg-turbo
/// 2.1.5 does.
fn neighbour_rows(r: usize, b: usize, v: usize, last: usize, rows_here: usize) -> [usize; 5] {
    let y = r * v + b;
    let up1 = if b > 0 || r > 0 { y - 1 } else { y };
    let up2 = if b > 1 || r > 1 { y - 2 } else { up1 };
    let down1 = if b + 1 < rows_here || r < last {
        y + 1
    } else {
        y
    };
    let down2 = if b + 2 < rows_here || r + 1 < last {
        y + 2
    } else {
        down1
    };
    [up2, up1, y, down1, down2]
}

/// Block columns of the 5×5 neighbourhood of column `x` in a component `w` blocks
/// wide: the nearest column past either edge, except that when the component is two
/// blocks wide libjpeg-turbo 2.1.5 repeats the first column past the right edge.
fn neighbour_columns(x: usize, w: usize) -> [usize; 5] {
    if w == 2 {
        return if x == 0 {
            [0, 0, 0, 1, 0]
        } else {
            [0, 0, 1, 0, 0]
        };
    }
    let at = |d: isize| (x as isize + d).clamp(0, w as isize - 1) as usize;
    [at(-2), at(-1), x, at(1), at(2)]
}

/// Fills the missing low-frequency coefficients of one block from its neighbourhood's
/// DC values `dc`; `bits` is the known-bits state of zigzag positions 0–9.
fn estimate_block(block: &mut Block, dc: &Flat, bits: &[i8; 10], dc_only: bool, q: &[u16; 64]) {
    let q00 = q[0] as i64;
    let kernels: &[Flat] = if dc_only {
        &AC_DC_ONLY_FLAT
    } else {
        &AC_WITH_DATA_FLAT
    };
    for (i, kernel) in kernels.iter().enumerate() {
        let zz = i + 1;
        let pos = ZIGZAG[zz];
        let al = bits[zz];
        if al != 0 && block[pos] == 0 {
            block[pos] = estimate(q00 * weigh(kernel, dc), q[pos] as i64, al);
        }
    }
    if dc_only {
        block[0] = estimate(q00 * weigh(&DC_AVERAGE_FLAT, dc), q00, -1);
    }
}

/// Σ weight × DC over the neighbourhood. DC values are 16-bit and the weights' absolute
/// values add up to less than 2^9, so the sum fits in 32 bits.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
fn weigh_scalar(kernel: &Flat, dc: &Flat) -> i64 {
    kernel
        .iter()
        .zip(dc)
        .map(|(&k, &d)| k as i32 * d as i32)
        .sum::<i32>() as i64
}

/// [`weigh_scalar`] with SSE2 (baseline on x86-64): `pmaddwd` multiplies eight 16-bit
/// pairs and adds adjacent products into four 32-bit lanes.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
fn weigh(kernel: &Flat, dc: &Flat) -> i64 {
    use safe_arch::{add_i32_m128i, m128i, mul_i16_horizontal_add_m128i};
    let mut acc = m128i::from([0i32; 4]);
    for (k, d) in kernel.chunks_exact(8).zip(dc.chunks_exact(8)) {
        let (mut k8, mut d8) = ([0i16; 8], [0i16; 8]);
        k8.copy_from_slice(k);
        d8.copy_from_slice(d);
        let prod = mul_i16_horizontal_add_m128i(m128i::from(k8), m128i::from(d8));
        acc = add_i32_m128i(acc, prod);
    }
    let lanes: [i32; 4] = acc.into();
    lanes.iter().sum::<i32>() as i64
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
fn weigh(kernel: &Flat, dc: &Flat) -> i64 {
    weigh_scalar(kernel, dc)
}

/// `num / (256 · q)` rounded half away from zero (the kernels are scaled by 256 and
/// `num` is in units of the DC quantizer), its magnitude capped below 2^al when `al`
/// bits are missing, then narrowed as libjpeg narrows it (to int, then to a 16-bit
/// coefficient).
fn estimate(num: i64, q: i64, al: i8) -> i16 {
    let mag = ((q << 7).wrapping_add(num.unsigned_abs() as i64)) / (q << 8).max(1);
    let mut pred = mag as i32;
    if (1..31).contains(&al) && pred >= 1 << al {
        pred = (1 << al) - 1;
    }
    if num < 0 {
        pred = pred.wrapping_neg();
    }
    pred as i16
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-component image `w`×`h` blocks with the given DC values and flat quantizers.
    fn image(w: usize, h: usize, dc: impl Fn(usize, usize) -> i16) -> CoefficientImage {
        let mut img = CoefficientImage::zeroed(w as u32 * 8, h as u32 * 8, 8, &[(1, 1, 1, 0)]);
        let c = &mut img.components[0];
        c.quant.values = [2; 64];
        for y in 0..h {
            for x in 0..w {
                c.plane.block_mut(x, y)[0] = dc(x, y);
            }
        }
        img
    }

    fn dc_only() -> Progression {
        let mut p = Progression::new(1);
        p.add_scan(&[0], 0, 0, 1);
        p
    }

    #[test]
    fn flat_image_is_unchanged() {
        let img = image(6, 5, |_, _| 40);
        let out = smooth(&img, &dc_only()).unwrap();
        assert_eq!(out, img, "a flat DC field has no gradient to estimate from");
    }

    #[test]
    fn nothing_to_do_when_fully_coded_or_without_dc() {
        let img = image(4, 4, |x, _| x as i16 * 10);
        let mut p = Progression::new(1);
        p.add_scan(&[0], 0, 63, 0);
        assert!(smooth(&img, &p).is_none());
        let mut p = Progression::new(1);
        p.add_scan(&[0], 1, 5, 0);
        assert!(
            smooth(&img, &p).is_none(),
            "no DC scan: libjpeg does not smooth"
        );
    }

    #[test]
    fn horizontal_ramp_gets_a_horizontal_first_coefficient() {
        // DC rising by 8 per block to the right: the estimate of coefficient (0,1) is
        // negative (brighter on the right), vertical ones stay zero, and the DC-only
        // average keeps the DC of an interior block.
        let img = image(8, 8, |x, _| 8 * x as i16);
        let out = smooth(&img, &dc_only()).unwrap();
        let b = out.components[0].plane.block(4, 4);
        // Columns 2..=6 around block 4 have DC 8·column.
        let kernel = &AC_DC_ONLY[0];
        let s: i64 = kernel
            .iter()
            .flat_map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(j, &k)| k as i64 * 8 * (j as i64 + 2))
            })
            .sum();
        assert_eq!(b[1], estimate(2 * s, 2, -1));
        assert!(b[1] < 0);
        assert_eq!((b[8], b[16], b[9]), (0, 0, 0));
        assert_eq!(b[0], 32);
    }

    #[test]
    fn known_coefficients_and_caps_are_respected() {
        let mut img = image(6, 6, |x, y| (x * x * 9 + y * 3) as i16);
        img.components[0].plane.block_mut(2, 2)[1] = 5;
        let mut p = dc_only();
        p.add_scan(&[0], 1, 5, 1);
        let out = smooth(&img, &p).unwrap();
        let mut changed = 0;
        for y in 0..6 {
            for x in 0..6 {
                let a = img.components[0].plane.block(x, y);
                let b = out.components[0].plane.block(x, y);
                for pos in 0..64 {
                    if a[pos] != 0 || !ZIGZAG[1..6].contains(&pos) {
                        assert_eq!(a[pos], b[pos], "block {x},{y} position {pos}");
                    } else {
                        // One bit missing: an estimate is 0 or ±1.
                        assert!(b[pos].abs() <= 1);
                        changed += usize::from(b[pos] != 0);
                    }
                }
            }
        }
        assert!(changed > 0);
    }

    #[test]
    fn vector_and_scalar_weighing_agree() {
        let mut next = crate::xorshift32(0x1234_5678);
        let kernels = AC_DC_ONLY_FLAT.iter().chain(&AC_WITH_DATA_FLAT);
        for kernel in kernels.chain([&DC_AVERAGE_FLAT]) {
            for extreme in [i16::MIN, i16::MAX, 0] {
                let mut dc = [0i16; 32];
                for d in &mut dc[..25] {
                    *d = if next() % 3 == 0 {
                        extreme
                    } else {
                        next() as i16
                    };
                }
                assert_eq!(weigh(kernel, &dc), weigh_scalar(kernel, &dc));
            }
        }
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(estimate(128, 1, -1), 1);
        assert_eq!(estimate(127, 1, -1), 0);
        assert_eq!(estimate(-128, 1, -1), -1);
        assert_eq!(estimate(-127, 1, -1), 0);
        assert_eq!(estimate(256 * 40, 1, 2), 3);
        assert_eq!(estimate(-256 * 40, 1, 2), -3);
    }

    #[test]
    fn neighbourhoods_at_the_edges() {
        assert_eq!(neighbour_columns(0, 1), [0; 5]);
        assert_eq!(neighbour_columns(0, 3), [0, 0, 0, 1, 2]);
        assert_eq!(neighbour_columns(4, 6), [2, 3, 4, 5, 5]);
        // One block row per iMCU row: plain clamping at the top and bottom.
        assert_eq!(neighbour_rows(0, 0, 1, 5, 1), [0, 0, 0, 1, 2]);
        assert_eq!(neighbour_rows(1, 0, 1, 5, 1), [0, 0, 1, 2, 3]);
        assert_eq!(neighbour_rows(5, 0, 1, 5, 1), [3, 4, 5, 5, 5]);
        // Two per iMCU row: the second iMCU row does not look two rows up.
        assert_eq!(neighbour_rows(1, 0, 2, 5, 2), [1, 1, 2, 3, 4]);
        assert_eq!(neighbour_rows(2, 0, 2, 5, 2), [2, 3, 4, 5, 6]);
        // ... and the second-last does not look two rows down.
        assert_eq!(neighbour_rows(4, 0, 2, 5, 2), [6, 7, 8, 9, 9]);
        // Two blocks wide: the first column repeats past the right edge.
        assert_eq!(neighbour_columns(0, 2), [0, 0, 0, 1, 0]);
        assert_eq!(neighbour_columns(1, 2), [0, 0, 1, 0, 0]);
    }

    #[test]
    fn rows_after_a_short_final_scan_use_the_earlier_state() {
        let mut p = dc_only();
        p.add_scan(&[0], 1, 5, 0);
        p.short_after_row = Some(3);
        assert_eq!(p.bits_for(0, 3)[1..6], [0; 5]);
        assert_eq!(p.bits_for(0, 4)[1..6], [-1; 5]);
    }
}
