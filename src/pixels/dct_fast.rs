//! The "ifast" DCTs of libjpeg (`djpeg -dct fast`, `cjpeg -dct fast`), bit for bit.
//!
//! Both are the scaled 1-D DCT of Arai, Agui and Nakajima (Trans. IEICE E-71(11), 1988;
//! Pennebaker & Mitchell, figures 4-8 and 4-9): five multiplications per 8 points,
//! because the output scale factors `s(u)·s(v)` (s(0) = 1, s(k) = √2·cos(kπ/16)) are
//! left for the quantization step to absorb. The constants are 8-bit fixed point and
//! every product is truncated (an arithmetic shift, no rounding), which is what makes
//! the method fast and a little less accurate than "islow".
//!
//! - Decoding multiplies each coefficient by `q·s(u)·s(v)·4` ([`multipliers`]: the
//!   scale factors in 14-bit fixed point, two bits of extra precision kept through the
//!   column pass) and truncates the row pass outputs by 5 bits.
//! - Encoding divides each DCT output by `q·s(u)·s(v)·8` ([`divisors`]), rounded to
//!   nearest by the same reciprocal multiplication as "islow".
//!
//! libjpeg-turbo runs both with SSE2 in 16-bit lanes. The inverse transform here runs
//! in the same wrapping 16-bit lanes (its products formed as `pmulhw` forms them), so
//! coefficients that overflow them decode to djpeg's samples too; without overflow the
//! results are the C code's. The forward transform's values always fit 16 bits and
//! are computed in 32-bit integers.

use super::aan::{forward, AanValue, K};
use crate::coeffs::{Block, QuantTable};

/// The four AAN constants of the inverse DCT, ×256: 2(c2 − c6), 2c4, 2c2, 2(c2 + c6)
/// with ck = cos(kπ/16).
const I_1_082: i32 = 277; // 1.082392200
const I_1_414: i32 = 362; // 1.414213562
const I_1_847: i32 = 473; // 1.847759065
const I_2_613: i32 = 669; // 2.613125930

/// The four AAN constants of the forward DCT, ×256: c6, √2·c6, c4, √2·c2.
const F_0_382: i32 = 98; // 0.382683433
const F_0_541: i32 = 139; // 0.541196100
const F_0_707: i32 = 181; // 0.707106781
const F_1_306: i32 = 334; // 1.306562965

/// `s(u)·s(v)` in 14-bit fixed point, natural order (row u, column v), rounded.
#[rustfmt::skip]
const AAN_SCALES: [i32; 64] = [
    16384, 22725, 21407, 19266, 16384, 12873,  8867,  4520,
    22725, 31521, 29692, 26722, 22725, 17855, 12299,  6270,
    21407, 29692, 27969, 25172, 21407, 16819, 11585,  5906,
    19266, 26722, 25172, 22654, 19266, 15137, 10426,  5315,
    16384, 22725, 21407, 19266, 16384, 12873,  8867,  4520,
    12873, 17855, 16819, 15137, 12873, 10114,  6967,  3552,
     8867, 12299, 11585, 10426,  8867,  6967,  4799,  2446,
     4520,  6270,  5906,  5315,  4520,  3552,  2446,  1247,
];

/// `x·c >> 8`, truncated toward −∞ as libjpeg's fast methods do.
#[inline(always)]
fn mul(x: i32, c: i32) -> i32 {
    (x * c) >> 8
}

/// Dequantization multipliers `q·s(u)·s(v)·4`, rounded, kept to 16 bits as libjpeg
/// stores them.
pub fn multipliers(q: &QuantTable) -> [i16; 64] {
    std::array::from_fn(|i| ((q.values[i] as i64 * AAN_SCALES[i] as i64 + (1 << 11)) >> 12) as i16)
}

/// Quantization steps `q·s(u)·s(v)·8`, rounded: what the forward DCT's outputs are
/// divided by.
pub fn divisors(q: &QuantTable) -> [u32; 64] {
    std::array::from_fn(|i| {
        let d = (q.values[i] as u64 * AAN_SCALES[i] as u64 + (1 << 10)) >> 11;
        d.clamp(1, u32::MAX as u64) as u32
    })
}

/// One 1-D inverse pass (T.81 A.3.3 up to the scale factors) of 8 dequantized values,
/// in exact integers as libjpeg's C code computes it: the reference [`inverse_1d_16`]
/// equals wherever no lane overflows.
#[cfg(test)]
fn inverse_1d(x: [i32; 8]) -> [i32; 8] {
    // Even part.
    let (t10, t11) = (x[0] + x[4], x[0] - x[4]);
    let t13 = x[2] + x[6];
    let t12 = mul(x[2] - x[6], I_1_414) - t13;
    let (e0, e3, e1, e2) = (t10 + t13, t10 - t13, t11 + t12, t11 - t12);
    // Odd part.
    let (z13, z10) = (x[5] + x[3], x[5] - x[3]);
    let (z11, z12) = (x[1] + x[7], x[1] - x[7]);
    let o7 = z11 + z13;
    let t11 = mul(z11 - z13, I_1_414);
    let z5 = mul(z10 + z12, I_1_847);
    let t10 = mul(z12, I_1_082) - z5;
    let t12 = mul(z10, -I_2_613) + z5;
    let o6 = t12 - o7;
    let o5 = t11 - o6;
    let o4 = t10 + o5;
    [
        e0 + o7,
        e1 + o6,
        e2 + o5,
        e3 - o4,
        e3 + o4,
        e2 - o5,
        e1 - o6,
        e0 - o7,
    ]
}

/// `x·c >> 8` as libjpeg-turbo's SSE2 code forms it in a 16-bit lane: `x` shifted
/// left 2 bits (wrapping) times `c << 6`, keeping the high 16 bits (`pmulhw`). Without
/// overflow this is [`mul`].
#[inline(always)]
fn mul16(x: i16, c: i32) -> i16 {
    ((i32::from(x.wrapping_shl(2)) * (c << 6)) >> 16) as i16
}

/// [`inverse_1d`] in 16-bit lanes, every sum wrapping and every product [`mul16`], as
/// djpeg's SSE2 code computes it (×−2.613 as ×−1.613 less the value itself, which
/// keeps the constant within 16 bits: the same result without overflow). Coefficients
/// far outside what an encoder of samples produces overflow the lanes; this gives
/// djpeg's samples for them too.
#[inline(always)]
fn inverse_1d_16(x: [i16; 8]) -> [i16; 8] {
    let (a, s) = (i16::wrapping_add, i16::wrapping_sub);
    // Even part.
    let (t10, t11) = (a(x[0], x[4]), s(x[0], x[4]));
    let t13 = a(x[2], x[6]);
    let t12 = s(mul16(s(x[2], x[6]), I_1_414), t13);
    let (e0, e3, e1, e2) = (a(t10, t13), s(t10, t13), a(t11, t12), s(t11, t12));
    // Odd part.
    let (z13, z10) = (a(x[5], x[3]), s(x[5], x[3]));
    let (z11, z12) = (a(x[1], x[7]), s(x[1], x[7]));
    let o7 = a(z11, z13);
    let t11 = mul16(s(z11, z13), I_1_414);
    let z5 = mul16(a(z10, z12), I_1_847);
    let t10 = s(mul16(z12, I_1_082), z5);
    let t12 = a(s(mul16(z10, 256 - I_2_613), z10), z5);
    let o6 = s(t12, o7);
    let o5 = s(t11, o6);
    let o4 = a(t10, o5);
    [
        a(e0, o7),
        a(e1, o6),
        a(e2, o5),
        s(e3, o4),
        a(e3, o4),
        s(e2, o5),
        s(e1, o6),
        s(e0, o7),
    ]
}

/// Dequantizes and inverse-transforms one block with the fast method, writing 8 rows
/// of 8 samples at `out[0..]`, `out[stride..]`, … (level shift and saturation
/// included). `mult` comes from [`multipliers`]. Both passes run in 16-bit lanes as
/// djpeg's SSE2 code runs them ([`inverse_1d_16`]).
pub fn idct_block_fast(coef: &Block, mult: &[i16; 64], out: &mut [u8], stride: usize) {
    let out = &mut out[..7 * stride + 8];
    let mut ws = [0i16; 64];
    for c in 0..8 {
        let col: [i16; 8] = std::array::from_fn(|k| coef[k * 8 + c].wrapping_mul(mult[k * 8 + c]));
        for (k, v) in inverse_1d_16(col).into_iter().enumerate() {
            ws[k * 8 + c] = v;
        }
    }
    for r in 0..8 {
        let row: [i16; 8] = ws[r * 8..r * 8 + 8].try_into().unwrap();
        let dst = &mut out[r * stride..r * stride + 8];
        for (d, v) in dst.iter_mut().zip(inverse_1d_16(row)) {
            *d = ((i32::from(v) >> 5).clamp(-128, 127) + 128) as u8;
        }
    }
}

/// "ifast" products: 8-bit constants, truncated (see [`mul`]).
impl AanValue for i32 {
    #[inline(always)]
    fn times(self, k: K) -> i32 {
        mul(self, constant(k))
    }
}

/// The 8-bit fixed-point value of constant `k`.
#[inline(always)]
pub(super) fn constant(k: K) -> i32 {
    match k {
        K::C0707 => F_0_707,
        K::C0382 => F_0_382,
        K::C0541 => F_0_541,
        K::C1306 => F_1_306,
    }
}

/// One 1-D forward pass over `d[o], d[o+s], … d[o+7s]`, in place.
#[inline(always)]
fn forward_1d(d: &mut [i32; 64], o: usize, s: usize) {
    let y = forward(std::array::from_fn(|k| d[o + k * s]));
    for (k, v) in y.into_iter().enumerate() {
        d[o + k * s] = v;
    }
}

/// The fast forward DCT of level-shifted samples, rows then columns; the outputs carry
/// the scale factors that [`divisors`] removes.
pub fn fdct_fast(data: &mut [i32; 64]) {
    for row in 0..8 {
        forward_1d(data, row * 8, 1);
    }
    for col in 0..8 {
        forward_1d(data, col, 8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 16-bit pass is the exact one while no lane overflows: values up to ±2047
    /// (every sum and shifted product then stays within 16 bits).
    #[test]
    fn sixteen_bit_pass_is_exact_without_overflow() {
        let mut s = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..20_000 {
            let x: [i32; 8] = std::array::from_fn(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                (s % 4095) as i32 - 2047
            });
            let wide = inverse_1d(x);
            let narrow = inverse_1d_16(x.map(|v| v as i16));
            assert_eq!(wide, narrow.map(i32::from), "{x:?}");
        }
    }

    #[test]
    fn scales_are_the_aan_factors() {
        let s = |k: usize| {
            if k == 0 {
                1.0
            } else {
                (k as f64 * std::f64::consts::PI / 16.0).cos() * std::f64::consts::SQRT_2
            }
        };
        for (i, &v) in AAN_SCALES.iter().enumerate() {
            assert_eq!(v, (s(i / 8) * s(i % 8) * 16384.0).round() as i32, "{i}");
        }
        let [c2, c4, c6] = [1.0f64, 2.0, 3.0].map(|k| (k * std::f64::consts::PI / 8.0).cos());
        let r2 = std::f64::consts::SQRT_2;
        for (c, x) in [
            (I_1_082, 2.0 * (c2 - c6)),
            (I_1_414, 2.0 * c4),
            (I_1_847, 2.0 * c2),
            (I_2_613, 2.0 * (c2 + c6)),
            (F_0_382, c6),
            (F_0_541, r2 * c6),
            (F_0_707, c4),
            (F_1_306, r2 * c2),
        ] {
            assert_eq!(c, (x * 256.0).round() as i32, "{x}");
        }
    }

    /// The fast transforms stay close to the accurate ones: the forward outputs, with
    /// their scale factors taken out, and the decoded samples of the same coefficients.
    #[test]
    fn close_to_the_accurate_transforms() {
        let samples: [i32; 64] =
            std::array::from_fn(|i| ((i * 37 + (i / 8) * 11) % 200) as i32 - 100);
        let (mut fast, mut slow) = (samples, samples);
        fdct_fast(&mut fast);
        crate::pixels::fdct::fdct_islow(&mut slow);
        for i in 0..64 {
            let unscaled = fast[i] as f64 * 16384.0 / AAN_SCALES[i] as f64;
            // Truncated 8-bit products: errors of a few tenths of a percent of full scale.
            let tol = 24.0;
            assert!(
                (unscaled - slow[i] as f64).abs() <= tol,
                "{i}: {unscaled} vs {}",
                slow[i]
            );
        }
        let q = QuantTable {
            values: std::array::from_fn(|i| 10 + i as u16),
            sixteen_bit: false,
        };
        let coef: Block =
            std::array::from_fn(|i| [12, -7, 5, 0, 3, -2, 0, 1][i % 8] / (1 + i as i16 / 16));
        let (mut a, mut b) = ([0u8; 64], [0u8; 64]);
        idct_block_fast(&coef, &multipliers(&q), &mut a, 8);
        crate::pixels::idct::idct_block(&coef, &crate::pixels::idct::multipliers(&q), &mut b, 8);
        for (x, y) in a.iter().zip(&b) {
            assert!((*x as i32 - *y as i32).abs() <= 3, "{a:?}\n{b:?}");
        }
    }

    /// Corrupt data (any coefficients, 16-bit tables) decodes without overflowing.
    #[test]
    fn extreme_coefficients_do_not_overflow() {
        let q = QuantTable {
            values: [65535; 64],
            sixteen_bit: true,
        };
        let mut out = [0u8; 64];
        for pattern in [[i16::MIN; 64], [i16::MAX; 64]] {
            let mut coef = pattern;
            coef[9] = i16::MIN + 1;
            idct_block_fast(&coef, &multipliers(&q), &mut out, 8);
        }
        let mut d = [-128i32; 64];
        d[3] = 127;
        fdct_fast(&mut d);
        assert!(divisors(&q).iter().all(|&s| s >= 1));
    }

    #[test]
    fn flat_block_is_flat() {
        let mut coef: Block = [0; 64];
        coef[0] = -3;
        let q = QuantTable {
            values: [16; 64],
            sixteen_bit: false,
        };
        let mut out = [0u8; 64];
        idct_block_fast(&coef, &multipliers(&q), &mut out, 8);
        // −3·16·4 = −192 through two passes unscaled, >> 5 truncated: −6.
        assert!(out.iter().all(|&v| v == 122), "{out:?}");
    }
}
