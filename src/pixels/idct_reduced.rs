//! Reduced-size inverse DCTs for scaled decoding (`djpeg -scale 1/2`, `1/4`, `1/8`),
//! bit for bit as libjpeg-turbo computes them.
//!
//! An N×N output (N = 4, 2, 1) is the 8×8 inverse DCT averaged over squares of
//! 8/N × 8/N samples, in exact arithmetic. Averaging removes some inputs entirely:
//! row and column 4 for N = 4 (cos 4θ sums to zero over each pair of samples), rows
//! and columns 2, 4, 6 for N = 2. Each remaining odd input contributes
//! √2 · Σ cos((2x+1)kπ/16) over the samples averaged; those sums are the constants
//! below, in the 13-bit fixed point of the full-size IDCT (`CONST_BITS`), with the
//! same two passes (columns, then rows, 2 extra bits kept between them) and one
//! extra bit of descaling per halving. The constants and the rounding points are
//! those of the IJG's reduced IDCTs (libjpeg 6b `jidctred.c`), which libjpeg-turbo
//! keeps. On x86, `djpeg` runs its SSE2 versions, and what they do with values that
//! overflow (possible only for corrupt data) is reproduced: the dequantized
//! coefficients are 16-bit products, the sums are 32-bit and wrap, the outputs
//! saturate; the pass-1 outputs are held as [`idct_4x4`] and [`idct_2x2`] describe.
//! Checked against `djpeg -scale` on every corpus file and on generated files with
//! random coefficients and 16-bit quantization tables.
//!
//! The 1×1 output is the DC term alone, descaled by 3 bits. libjpeg-turbo has no
//! SIMD version of it: its range limit is the wrapping table of the C code.

use super::idct::{CONST_BITS, F_0_765, F_0_899, F_1_847, F_2_562, PASS1_BITS};
use super::idct_scaled::range_limit;
use crate::coeffs::Block;

// FIX(x) = round(x · 2^13); the name gives x (√2 times a sum of cosines).
const F_0_211: i32 = 1730; // FIX(0.211164243) = √2 (c1 − c3)
const F_0_509: i32 = 4176; // FIX(0.509795579) = √2 (c5 − c7)
const F_0_601: i32 = 4926; // FIX(0.601344887) = √2 (c1 − c5)
const F_0_720: i32 = 5906; // FIX(0.720959822) = √2 (c1 − c3 + c5 − c7)
const F_0_850: i32 = 6967; // FIX(0.850430095) = √2 (−c1 + c3 + c5 + c7)
const F_1_061: i32 = 8697; // FIX(1.061594337) = √2 (c5 + c7)
const F_1_272: i32 = 10426; // FIX(1.272758580) = √2 (c1 − c3 + c5 + c7)
const F_1_451: i32 = 11893; // FIX(1.451774981) = √2 (c3 + c7)
const F_2_172: i32 = 17799; // FIX(2.172734803) = √2 (c1 + c5)
const F_3_624: i32 = 29692; // FIX(3.624509785) = √2 (c1 + c3 + c5 + c7)

/// Rounds `v` and shifts it right by `n` bits (32-bit lanes: the sum wraps).
#[inline(always)]
fn descale(v: i32, n: u32) -> i32 {
    v.wrapping_add(1 << (n - 1)) >> n
}

/// `Σ x·k` in 32-bit lanes: corrupt data can overflow them, and they wrap.
#[inline(always)]
fn dot<const N: usize>(terms: [(i32, i32); N]) -> i32 {
    terms
        .iter()
        .fold(0i32, |acc, &(x, k)| acc.wrapping_add(x.wrapping_mul(k)))
}

/// A pass-1 output as the 16-bit lanes hold it.
#[inline(always)]
fn sat16(v: i32) -> i16 {
    v.clamp(-32768, 32767) as i16
}

/// A final output, saturated and level-shifted.
#[inline(always)]
fn sample(v: i32) -> u8 {
    (v.clamp(-128, 127) + 128) as u8
}

/// The 4-point transform of one column or row: inputs 0, 1, 2, 3, 5, 6, 7 (input 4
/// does not contribute), outputs before the final descaling.
#[inline(always)]
fn reduce4(x: [i32; 8]) -> [i32; 4] {
    let tmp0 = x[0] << (CONST_BITS + 1);
    let tmp2 = dot([(x[2], F_1_847), (x[6], -F_0_765)]);
    let (tmp10, tmp12) = (tmp0.wrapping_add(tmp2), tmp0.wrapping_sub(tmp2));
    let (z1, z2, z3, z4) = (x[7], x[5], x[3], x[1]);
    let odd12 = dot([(z1, -F_0_211), (z2, F_1_451), (z3, -F_2_172), (z4, F_1_061)]);
    let odd03 = dot([(z1, -F_0_509), (z2, -F_0_601), (z3, F_0_899), (z4, F_2_562)]);
    [
        tmp10.wrapping_add(odd03),
        tmp12.wrapping_add(odd12),
        tmp12.wrapping_sub(odd12),
        tmp10.wrapping_sub(odd03),
    ]
}

/// The 2-point transform: inputs 0, 1, 3, 5, 7 (the others do not contribute).
#[inline(always)]
fn reduce2(x: [i32; 8]) -> [i32; 2] {
    let even = x[0].wrapping_shl(CONST_BITS + 2);
    let odd = dot([
        (x[7], -F_0_720),
        (x[5], F_0_850),
        (x[3], -F_1_272),
        (x[1], F_3_624),
    ]);
    [even.wrapping_add(odd), even.wrapping_sub(odd)]
}

/// Dequantized column `c` (16-bit products, as the SIMD code forms them).
#[inline(always)]
fn column(coef: &Block, mult: &[i16; 64], c: usize) -> [i32; 8] {
    std::array::from_fn(|k| coef[k * 8 + c].wrapping_mul(mult[k * 8 + c]) as i32)
}

/// Whether every coefficient outside row 0 that the 4×4 transform reads (rows 1, 2,
/// 3, 5, 6, 7) is zero: then the SIMD code takes each column's pass-1 outputs to be
/// its DC << 2, computed in 16 bits.
fn ac_rows_zero(coef: &Block) -> bool {
    [1, 2, 3, 5, 6, 7]
        .iter()
        .all(|&r| coef[r * 8..r * 8 + 8].iter().all(|&c| c == 0))
}

/// Dequantizes and inverse-transforms one block to 4×4 samples at `out[0..]`,
/// `out[stride..]`, … (`djpeg -scale 1/2`). The pass-1 outputs are saturated to 16
/// bits, except in a block whose rows 1, 2, 3, 5, 6 and 7 are all zero, where each is
/// the dequantized DC shifted left by 2 bits within 16 bits.
pub fn idct_4x4(coef: &Block, mult: &[i16; 64], out: &mut [u8], stride: usize) {
    const COLS: [usize; 7] = [0, 1, 2, 3, 5, 6, 7];
    let dc_only = ac_rows_zero(coef);
    let mut ws = [[0i16; 8]; 4];
    for c in COLS {
        let col = column(coef, mult, c);
        if dc_only {
            let v = (col[0] as i16) << PASS1_BITS;
            ws.iter_mut().for_each(|row| row[c] = v);
        } else {
            for (row, v) in ws.iter_mut().zip(reduce4(col)) {
                row[c] = sat16(descale(v, CONST_BITS - PASS1_BITS + 1));
            }
        }
    }
    for (r, row) in ws.iter().enumerate() {
        let x = row.map(i32::from);
        let dst = &mut out[r * stride..r * stride + 4];
        for (d, v) in dst.iter_mut().zip(reduce4(x)) {
            *d = sample(descale(v, CONST_BITS + PASS1_BITS + 3 + 1));
        }
    }
}

/// Dequantizes and inverse-transforms one block to 2×2 samples (`djpeg -scale 1/4`).
/// Unlike the 4×4 transform, libjpeg-turbo's SIMD code has no shortcut for zero
/// columns here, and between the passes it saturates only the odd columns to 16
/// bits: column 0 stays in 32 bits, so a huge DC term wraps in pass 2 rather than
/// saturating. (Found by comparing with `djpeg -scale 1/4` on coefficients that
/// overflow; real encoders never produce them.)
pub fn idct_2x2(coef: &Block, mult: &[i16; 64], out: &mut [u8], stride: usize) {
    const COLS: [usize; 5] = [0, 1, 3, 5, 7];
    let mut ws = [[0i32; 8]; 2];
    for c in COLS {
        for (row, v) in ws.iter_mut().zip(reduce2(column(coef, mult, c))) {
            let v = descale(v, CONST_BITS - PASS1_BITS + 2);
            // Column 0 only feeds a shift; the odd columns feed 16-bit multiply-adds.
            row[c] = if c == 0 { v } else { i32::from(sat16(v)) };
        }
    }
    for (r, row) in ws.iter().enumerate() {
        let dst = &mut out[r * stride..r * stride + 2];
        for (d, v) in dst.iter_mut().zip(reduce2(*row)) {
            *d = sample(descale(v, CONST_BITS + PASS1_BITS + 3 + 2));
        }
    }
}

/// The DC term alone as one sample (`djpeg -scale 1/8`): dequantized in 32 bits (by
/// the 16-bit multiplier, as for the other sizes), descaled by 3 bits, and looked up
/// in libjpeg's wrapping range-limit table ([`range_limit`]).
pub fn idct_1x1(coef: &Block, mult0: i16, out: &mut [u8]) {
    out[0] = range_limit(descale(i32::from(coef[0]) * i32::from(mult0), 3));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::{PI, SQRT_2};

    fn c(k: usize) -> f64 {
        (k as f64 * PI / 16.0).cos()
    }

    #[test]
    fn constants_are_the_averaged_cosines() {
        let fix = |x: f64| (x * 8192.0).round() as i32;
        assert_eq!(F_0_211, fix(SQRT_2 * (c(1) - c(3))));
        assert_eq!(F_0_509, fix(SQRT_2 * (c(5) - c(7))));
        assert_eq!(F_0_601, fix(SQRT_2 * (c(1) - c(5))));
        assert_eq!(F_0_720, fix(SQRT_2 * (c(1) - c(3) + c(5) - c(7))));
        assert_eq!(F_0_850, fix(SQRT_2 * (-c(1) + c(3) + c(5) + c(7))));
        assert_eq!(F_1_061, fix(SQRT_2 * (c(5) + c(7))));
        assert_eq!(F_1_272, fix(SQRT_2 * (c(1) - c(3) + c(5) + c(7))));
        assert_eq!(F_1_451, fix(SQRT_2 * (c(3) + c(7))));
        assert_eq!(F_2_172, fix(SQRT_2 * (c(1) + c(5))));
        assert_eq!(F_3_624, fix(SQRT_2 * (c(1) + c(3) + c(5) + c(7))));
    }

    /// The exact 8×8 inverse DCT, averaged over squares of `8 / n` samples.
    fn averaged(coef: &Block, q: &[i16; 64], n: usize) -> Vec<f64> {
        let f = 8 / n;
        let cu = |u: usize| if u == 0 { 1.0 / SQRT_2 } else { 1.0 };
        let mut out = vec![0.0; n * n];
        for y in 0..8 {
            for x in 0..8 {
                let mut s = 0.0;
                for v in 0..8 {
                    for u in 0..8 {
                        let d = f64::from(coef[v * 8 + u]) * f64::from(q[v * 8 + u]);
                        s += cu(u)
                            * cu(v)
                            * d
                            * ((2 * x + 1) as f64 * u as f64 * PI / 16.0).cos()
                            * ((2 * y + 1) as f64 * v as f64 * PI / 16.0).cos();
                    }
                }
                out[(y / f) * n + x / f] += s / 4.0 / (f * f) as f64;
            }
        }
        out.iter_mut()
            .for_each(|v| *v = (*v + 128.0).clamp(0.0, 255.0));
        out
    }

    #[test]
    fn reduced_outputs_are_averages_of_the_full_transform() {
        let mut seed = 0x1234_5678u32;
        let mut rnd = |m: i32| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            (seed % (2 * m as u32 + 1)) as i32 - m
        };
        for _ in 0..300 {
            let coef: Block = std::array::from_fn(|i| if i < 20 { rnd(40) as i16 } else { 0 });
            let q = [3i16; 64];
            for n in [4usize, 2] {
                let mut out = [0u8; 16];
                if n == 4 {
                    idct_4x4(&coef, &q, &mut out, 4);
                } else {
                    idct_2x2(&coef, &q, &mut out, 2);
                }
                let want = averaged(&coef, &q, n);
                for (i, w) in want.iter().enumerate() {
                    let got = f64::from(out[(i / n) * n + i % n]);
                    assert!((got - w).abs() <= 1.0, "{n}x{n} [{i}]: {got} vs {w}");
                }
            }
        }
    }

    #[test]
    fn dc_only_blocks_are_flat_and_agree_across_sizes() {
        for dc in [-1024i16, -300, -17, -1, 0, 1, 5, 63, 64, 200, 1023] {
            let mut coef = [0i16; 64];
            coef[0] = dc;
            let q = [2i16; 64];
            let (mut o4, mut o2, mut o1) = ([0u8; 16], [0u8; 4], [0u8; 1]);
            idct_4x4(&coef, &q, &mut o4, 4);
            idct_2x2(&coef, &q, &mut o2, 2);
            idct_1x1(&coef, 2, &mut o1);
            let want = sample(descale(i32::from(dc) * 2, 3));
            assert!(o4.iter().chain(&o2).chain(&o1).all(|&v| v == want), "{dc}");
        }
    }

    #[test]
    fn the_1x1_range_limit_wraps_as_libjpeg_table() {
        let one = |dc: i16, q: i16| {
            let mut out = [0u8];
            idct_1x1(
                &std::array::from_fn(|i| if i == 0 { dc } else { 0 }),
                q,
                &mut out,
            );
            out[0]
        };
        assert_eq!(one(-1024, 1), 0);
        assert_eq!(one(1016, 1), 255);
        assert_eq!(one(200, 8), 255); // 200: saturated
        assert_eq!(one(550, 8), 0); // 550: the part of the table that is 0
        assert_eq!(one(1100, 8), 204); // 1100 ≡ 76 (mod 1024): wrapped round
        assert_eq!(one(-4, 8), 124);
    }
}
