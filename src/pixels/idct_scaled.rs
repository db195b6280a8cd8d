//! Inverse DCTs to N×N samples for N = 3, 5, 6, 7 and 9 to 16: the sizes of
//! `djpeg -scale N/8` that [`super::idct_reduced`] and the 8×8 transform do not cover,
//! bit for bit as libjpeg-turbo's C code computes them (it has no SIMD versions). The
//! 1-D transforms of 11 to 16 points are in [`super::idct_big`].
//!
//! Each size treats the block's first min(N, 8) coefficients of every row and column
//! as the low frequencies of an N-point DCT, so an N-point inverse transform gives N
//! samples across what were 8: y(k) = x0 + Σ x(u)·√2·cos((2k+1)uπ/2N). The IJG's
//! scaled transforms (Vollbeding, libjpeg 7) factor it with a few multiplications by
//! 13-bit constants (`FIX(c) = round(c · 2^13)`). Which constants a factorisation
//! uses decides the rounding, so each 1-D transform below multiplies by the same
//! constants as libjpeg; the order of exact integer additions does not matter.
//!
//! Both passes apply the same 1-D transform, in 64-bit arithmetic: the columns of
//! the dequantized coefficients, descaled by 11 bits (2 bits kept) into 32-bit
//! values; then the rows, descaled by 18 bits, into libjpeg's wrapping range-limit
//! table. Where libjpeg's first pass descales a partial sum early and adds the rest
//! shifted by the 2 kept bits, the sum is the same.

use super::idct_big::{idct11, idct12, idct13, idct14, idct15, idct16};
use crate::coeffs::Block;

const CONST_BITS: u32 = 13;
/// Pass-1 and pass-2 descaling: 2 fraction bits are kept between the passes, and the
/// 2-D transform carries a factor N·(8/N)·… that 3 more bits remove, as in the 8×8.
const PASS1_SHIFT: u32 = CONST_BITS - 2;
const PASS2_SHIFT: u32 = CONST_BITS + 2 + 3;

// FIX(c) for the cosines of each size: √2·cos(kπ/2N) and the sums and differences
// the factorisations use (the names give c to three decimals).
const F0_077: i64 = 637;
const F0_170: i64 = 1395;
const F0_221: i64 = 1812;
const F0_245: i64 = 2012;
const F0_309: i64 = 2531;
const F0_314: i64 = 2578;
const F0_353: i64 = 2896;
const F0_366: i64 = 2998;
const F0_437: i64 = 3580;
const F0_483: i64 = 3962;
const F0_513: i64 = 4209;
const F0_587: i64 = 4815;
const F0_613: i64 = 5027;
const F0_642: i64 = 5260;
const F0_707: i64 = 5793;
const F0_790: i64 = 6476;
const F0_831: i64 = 6810;
const F0_881: i64 = 7223;
const F0_909: i64 = 7447;
const F0_935: i64 = 7663;
const F0_951: i64 = 7791;
const F1_083: i64 = 8875;
const F1_144: i64 = 9373;
const F1_224: i64 = 10033;
const F1_260: i64 = 10323;
const F1_274: i64 = 10438;
const F1_328: i64 = 10887;
const F1_378: i64 = 11295;
const F1_392: i64 = 11409;
const F1_396: i64 = 11443;
const F1_414: i64 = 11585;
const F1_841: i64 = 15083;
const F1_870: i64 = 15326;
const F2_176: i64 = 17828;
const F2_470: i64 = 20239;

/// Dequantizes and inverse-transforms one block to `n`×`n` samples at `out[0..]`,
/// `out[stride..]`, … (`djpeg -scale n/8`); `n` is 3, 5, 6, 7 or 9 to 16.
pub fn idct_nxn(n: usize, coef: &Block, mult: &[i16; 64], out: &mut [u8], stride: usize) {
    match n {
        3 => two_pass(coef, mult, out, stride, idct3),
        5 => two_pass(coef, mult, out, stride, idct5),
        6 => two_pass(coef, mult, out, stride, idct6),
        7 => two_pass(coef, mult, out, stride, idct7),
        9 => two_pass(coef, mult, out, stride, idct9),
        10 => two_pass(coef, mult, out, stride, idct10),
        11 => two_pass(coef, mult, out, stride, idct11),
        12 => two_pass(coef, mult, out, stride, idct12),
        13 => two_pass(coef, mult, out, stride, idct13),
        14 => two_pass(coef, mult, out, stride, idct14),
        15 => two_pass(coef, mult, out, stride, idct15),
        16 => two_pass(coef, mult, out, stride, idct16),
        _ => unreachable!("no {n}-point inverse DCT"),
    }
}

/// The two passes of an N-point transform `f` reading `K` = min(N, 8) coefficients of
/// each row and column. The dequantized products are those of 16-bit values (libjpeg
/// multiplies `short`s); pass-1 outputs are truncated to 32 bits as libjpeg stores
/// them, which matters only for corrupt data.
fn two_pass<const N: usize, const K: usize>(
    coef: &Block,
    mult: &[i16; 64],
    out: &mut [u8],
    stride: usize,
    f: impl Fn([i64; K]) -> [i64; N],
) {
    let mut ws = [[0i64; K]; N];
    for c in 0..K {
        let col = std::array::from_fn(|r| {
            i64::from(i32::from(coef[r * 8 + c]) * i32::from(mult[r * 8 + c]))
        });
        for (row, y) in ws.iter_mut().zip(f(col)) {
            row[c] = i64::from(((y + (1 << (PASS1_SHIFT - 1))) >> PASS1_SHIFT) as i32);
        }
    }
    for (r, row) in ws.iter().enumerate() {
        let dst = &mut out[r * stride..r * stride + N];
        for (d, y) in dst.iter_mut().zip(f(*row)) {
            *d = range_limit(((y + (1 << (PASS2_SHIFT - 1))) >> PASS2_SHIFT) as i32);
        }
    }
}

/// libjpeg's range-limit table for a level-shifted output `v`: indices are taken
/// modulo 1024; −128..127 map to 0..255, 128..511 saturate to 255, 512..895 to 0.
#[inline]
pub(super) fn range_limit(v: i32) -> u8 {
    let v = v & 1023;
    match v {
        0..=127 => (v + 128) as u8,
        128..=511 => 255,
        512..=895 => 0,
        _ => (v - 896) as u8,
    }
}

/// 3 points (cK = √2·cos(Kπ/6)): 2 multiplications.
fn idct3(x: [i64; 3]) -> [i64; 3] {
    let dc = x[0] << CONST_BITS;
    let e = x[2] * F0_707;
    let o = x[1] * F1_224;
    [dc + e + o, dc - 2 * e, dc + e - o]
}

/// 5 points (cK = √2·cos(Kπ/10)): 5 multiplications.
fn idct5(x: [i64; 5]) -> [i64; 5] {
    let dc = x[0] << CONST_BITS;
    let sum = (x[2] + x[4]) * F0_790; // (c2 + c4) / 2
    let diff = (x[2] - x[4]) * F0_353; // (c2 - c4) / 2
    let (e0, e1, e2) = (dc + diff + sum, dc + diff - sum, dc - 4 * diff);
    let z = (x[1] + x[3]) * F0_831; // c3
    let o0 = z + x[1] * F0_513; // c1 - c3
    let o1 = z - x[3] * F2_176; // c1 + c3
    [e0 + o0, e1 + o1, e2, e1 - o1, e0 - o0]
}

/// 6 points (cK = √2·cos(Kπ/12)): 3 multiplications.
fn idct6(x: [i64; 6]) -> [i64; 6] {
    let dc = x[0] << CONST_BITS;
    let c4 = x[4] * F0_707;
    let c2 = x[2] * F1_224;
    let (e0, e1, e2) = (dc + c4 + c2, dc - 2 * c4, dc + c4 - c2);
    let c5 = (x[1] + x[5]) * F0_366;
    let o0 = c5 + ((x[1] + x[3]) << CONST_BITS);
    let o1 = (x[1] - x[3] - x[5]) << CONST_BITS;
    let o2 = c5 + ((x[5] - x[3]) << CONST_BITS);
    [e0 + o0, e1 + o1, e2 + o2, e2 - o2, e1 - o1, e0 - o0]
}

/// 7 points (cK = √2·cos(Kπ/14)): 12 multiplications.
fn idct7(x: [i64; 7]) -> [i64; 7] {
    let dc = x[0] << CONST_BITS;
    let (z1, z2, z3) = (x[2], x[4], x[6]);
    let a = (z2 - z3) * F0_881; // c4
    let b = (z1 - z2) * F0_314; // c6
    let c2 = (z1 + z3) * F1_274 + dc; // c2
    let e0 = a + c2 - z3 * F0_077; // c2 - c4 - c6
    let e1 = a + b + dc - z2 * F1_841; // c2 + c4 - c6
    let e2 = b + c2 - z1 * F2_470; // c2 + c4 + c6
    let e3 = dc + (z2 - z1 - z3) * F1_414; // c0
    let (z1, z2, z3) = (x[1], x[3], x[5]);
    let p = (z1 + z2) * F0_935; // (c3 + c1 - c5) / 2
    let q = (z1 - z2) * F0_170; // (c3 + c5 - c1) / 2
    let r = (z2 + z3) * -F1_378; // -c1
    let s = (z1 + z3) * F0_613; // c5
    let o0 = p - q + s;
    let o1 = p + q + r;
    let o2 = r + s + z3 * F1_870; // c3 + c1 - c5
    [e0 + o0, e1 + o1, e2 + o2, e3, e2 - o2, e1 - o1, e0 - o0]
}

/// 9 points (cK = √2·cos(Kπ/18)): 10 multiplications.
fn idct9(x: [i64; 8]) -> [i64; 9] {
    let dc = x[0] << CONST_BITS;
    let (z1, z2, z3) = (x[2], x[4], x[6]);
    let c6 = z3 * F0_707;
    let (a, b) = (dc + c6, dc - 2 * c6);
    let d = (z1 - z2) * F0_707; // c6
    let (e1, e4) = (b + d, b - 2 * d);
    let c2 = (z1 + z2) * F1_328; // c2
    let c4 = z1 * F1_083; // c4
    let c8 = z2 * F0_245; // c8
    let (e0, e2, e3) = (a + c2 - c8, a - c2 + c4, a - c4 + c8);
    let (z1, z3, z4) = (x[1], x[5], x[7]);
    let z2 = x[3] * -F1_224; // -c3
    let c5 = (z1 + z3) * F0_909;
    let c7 = (z1 + z4) * F0_483;
    let c1 = (z3 - z4) * F1_392;
    let o0 = c5 + c7 - z2;
    let o1 = (z1 - z3 - z4) * F1_224; // c3
    let o2 = c5 + z2 - c1;
    let o3 = c7 + z2 + c1;
    [
        e0 + o0,
        e1 + o1,
        e2 + o2,
        e3 + o3,
        e4,
        e3 - o3,
        e2 - o2,
        e1 - o1,
        e0 - o0,
    ]
}

/// 10 points (cK = √2·cos(Kπ/20)): 12 multiplications.
fn idct10(x: [i64; 8]) -> [i64; 10] {
    let dc = x[0] << CONST_BITS;
    let c4 = x[4] * F1_144;
    let c8 = x[4] * F0_437;
    let (a, b) = (dc + c4, dc - c8);
    let e2 = dc - ((c4 - c8) << 1); // c0 = (c4 - c8)·2
    let z = (x[2] + x[6]) * F0_831; // c6
    let p = z + x[2] * F0_513; // c2 - c6
    let q = z - x[6] * F2_176; // c2 + c6
    let (e0, e4, e1, e3) = (a + p, a - p, b + q, b - q);
    let (z1, z5) = (x[1], x[5] << CONST_BITS);
    let (sum, diff) = (x[3] + x[7], x[3] - x[7]);
    let h = diff * F0_309; // (c3 - c7) / 2
    let s = sum * F0_951; // (c3 + c7) / 2
    let o0 = z1 * F1_396 + s + z5 + h; // c1
    let o4 = z1 * F0_221 - s + z5 + h; // c9
    let t = sum * F0_587; // (c1 - c9) / 2
    let u = z5 - h - (diff << (CONST_BITS - 1));
    let o1 = z1 * F1_260 - t - u; // c3
    let o3 = z1 * F0_642 - t + u; // c7
    let o2 = ((z1 - diff) << CONST_BITS) - z5;
    [
        e0 + o0,
        e1 + o1,
        e2 + o2,
        e3 + o3,
        e4 + o4,
        e4 - o4,
        e3 - o3,
        e2 - o2,
        e1 - o1,
        e0 - o0,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::{PI, SQRT_2};

    /// The exact N-point transform of the first inputs, in the 1-D functions' scale.
    fn exact<const K: usize>(x: &[i64; K], n: usize, k: usize) -> f64 {
        let mut y = x[0] as f64;
        for (u, &v) in x.iter().enumerate().skip(1) {
            y += v as f64 * SQRT_2 * ((2 * k + 1) as f64 * u as f64 * PI / (2 * n) as f64).cos();
        }
        y * f64::from(1 << CONST_BITS)
    }

    fn check<const N: usize, const K: usize>(f: fn([i64; K]) -> [i64; N]) {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..2000 {
            let x: [i64; K] = std::array::from_fn(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed % 4001) as i64 - 2000
            });
            let bound = 0.002 * x.iter().map(|v| v.abs() as f64).sum::<f64>() * 8192.0 + 8192.0;
            for (k, y) in f(x).iter().enumerate() {
                let e = exact(&x, N, k);
                assert!(
                    (*y as f64 - e).abs() <= bound,
                    "N={N} k={k} {x:?}: {y} vs {e}"
                );
            }
        }
    }

    #[test]
    fn each_size_is_the_n_point_inverse_dct() {
        check(idct3);
        check(idct5);
        check(idct6);
        check(idct7);
        check(idct9);
        check(idct10);
        check(idct11);
        check(idct12);
        check(idct13);
        check(idct14);
        check(idct15);
        check(idct16);
    }

    #[test]
    fn range_limit_wraps_as_libjpeg_table() {
        assert_eq!(range_limit(-128), 0);
        assert_eq!(range_limit(127), 255);
        assert_eq!(range_limit(300), 255);
        assert_eq!(range_limit(-300), 0);
        assert_eq!(range_limit(1024 + 5), 133);
    }
}
