//! The floating-point DCTs of libjpeg (`djpeg -dct float`, `cjpeg -dct float`), as
//! libjpeg-turbo computes them on x86-64.
//!
//! The factorisation is the same Arai–Agui–Nakajima one as the "ifast" method
//! ([`super::dct_fast`]), in single precision: every sum and product is an IEEE `f32`
//! operation, in the order published with the algorithm, so the results are
//! reproducible bit for bit. The scale factors s(u)·s(v) are folded into the
//! dequantization multipliers and the quantization reciprocals, computed in double
//! precision and rounded to single.
//!
//! libjpeg-turbo's SSE/SSE2 code (what `djpeg` and `cjpeg` run on x86-64) rounds where
//! its portable C code truncates, and the two differ in the last level now and then;
//! this module reproduces the SSE2 results:
//! - the inverse transform keeps the row outputs at 8 times the sample scale and rounds
//!   them to multiples of 8 by adding 1.5·2^26 (a single-precision add, ties to even);
//! - quantization converts with the processor's rounding, to nearest with ties to even.

use super::aan::{forward, AanValue, K};
use crate::coeffs::{Block, QuantTable};

/// s(k) = √2·cos(kπ/16) for k ≥ 1 (s(0) = 1), as published with the algorithm.
const AAN: [f64; 8] = [
    1.0,
    1.387039845,
    1.306562965,
    1.175875602,
    1.0,
    0.785694958,
    0.541196100,
    0.275899379,
];

/// The AAN constants as libjpeg writes them, double literals rounded to single.
#[allow(clippy::approx_constant)]
const R2: f32 = 1.414213562f64 as f32;
const C1847: f32 = 1.847759065f64 as f32;
const C1082: f32 = 1.082392200f64 as f32;
const C2613: f32 = 2.613125930f64 as f32;
#[allow(clippy::approx_constant)]
const C0707: f32 = 0.707106781f64 as f32;
const C0382: f32 = 0.382683433f64 as f32;
const C0541: f32 = 0.541196100f64 as f32;
const C1306: f32 = 1.306562965f64 as f32;

/// Dequantization multipliers `q·s(u)·s(v)`.
pub fn multipliers(q: &QuantTable) -> [f32; 64] {
    std::array::from_fn(|i| (q.values[i] as f64 * AAN[i / 8] * AAN[i % 8]) as f32)
}

/// Quantization reciprocals `1 / (q·s(u)·s(v)·8)`.
pub fn reciprocals(q: &QuantTable) -> [f32; 64] {
    std::array::from_fn(|i| {
        (1.0 / (q.values[i].max(1) as f64 * AAN[i / 8] * AAN[i % 8] * 8.0)) as f32
    })
}

/// One 1-D inverse pass of 8 dequantized values.
#[inline(always)]
fn inverse_1d(x: [f32; 8]) -> [f32; 8] {
    // Even part.
    let (t10, t11) = (x[0] + x[4], x[0] - x[4]);
    let t13 = x[2] + x[6];
    let t12 = (x[2] - x[6]) * R2 - t13;
    let (e0, e3, e1, e2) = (t10 + t13, t10 - t13, t11 + t12, t11 - t12);
    // Odd part.
    let (z13, z10) = (x[5] + x[3], x[5] - x[3]);
    let (z11, z12) = (x[1] + x[7], x[1] - x[7]);
    let o7 = z11 + z13;
    let t11 = (z11 - z13) * R2;
    let z5 = (z10 + z12) * C1847;
    let t10 = z5 - z12 * C1082;
    let t12 = z5 - z10 * C2613;
    let o6 = t12 - o7;
    let o5 = t11 - o6;
    let o4 = t10 - o5;
    [
        e0 + o7,
        e1 + o6,
        e2 + o5,
        e3 + o4,
        e3 - o4,
        e2 - o5,
        e1 - o6,
        e0 - o7,
    ]
}

/// Dequantizes and inverse-transforms one block in floating point, writing 8 rows of 8
/// samples at `out[0..]`, `out[stride..]`, … `mult` comes from [`multipliers`].
pub fn idct_block_float(coef: &Block, mult: &[f32; 64], out: &mut [u8], stride: usize) {
    // Adding 1.5·2^26 leaves a float whose unit in the last place is 8.
    const ROUND_TO_8: f32 = 100_663_296.0;
    let out = &mut out[..7 * stride + 8];
    let mut ws = [0f32; 64];
    for c in 0..8 {
        let col: [f32; 8] = std::array::from_fn(|k| coef[k * 8 + c] as f32 * mult[k * 8 + c]);
        for (k, v) in inverse_1d(col).into_iter().enumerate() {
            ws[k * 8 + c] = v;
        }
    }
    for r in 0..8 {
        let row: [f32; 8] = ws[r * 8..r * 8 + 8].try_into().unwrap();
        let dst = &mut out[r * stride..r * stride + 8];
        for (d, v) in dst.iter_mut().zip(inverse_1d(row)) {
            // The sum's low 16 bits hold v/8, rounded: djpeg's SSE2 code takes them as a
            // 16-bit lane, which wraps for outputs beyond ±2^18 (coefficients no
            // encoder of samples makes), then saturates them to a sample.
            let n = (v + ROUND_TO_8).to_bits() as u16 as i16;
            *d = (i32::from(n).clamp(-128, 127) + 128) as u8;
        }
    }
}

/// "float" products: single precision, by libjpeg's constants rounded to single.
impl AanValue for f32 {
    #[inline(always)]
    fn times(self, k: K) -> f32 {
        self * constant(k)
    }
}

/// The single-precision value of constant `k`.
#[inline(always)]
pub(super) fn constant(k: K) -> f32 {
    match k {
        K::C0707 => C0707,
        K::C0382 => C0382,
        K::C0541 => C0541,
        K::C1306 => C1306,
    }
}

/// Forward DCT and quantization of the 8×8 samples at `samples[0]` (rows `stride`
/// apart) with the reciprocals `recip` from [`reciprocals`]. Uses SSE2 where the target
/// has it (always on x86-64), else [`fdct_quantize_float_scalar`]; the two give the
/// same coefficients for every input.
#[inline]
pub fn fdct_quantize_float(samples: &[u8], stride: usize, recip: &[f32; 64], out: &mut Block) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    super::dct_float_sse2::fdct_quantize_float(samples, stride, recip, out);
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    fdct_quantize_float_scalar(samples, stride, recip, out);
}

/// The portable form of [`fdct_quantize_float`]: the rows' transforms, then the
/// columns', then each coefficient rounded to nearest, ties to even.
pub fn fdct_quantize_float_scalar(
    samples: &[u8],
    stride: usize,
    recip: &[f32; 64],
    out: &mut Block,
) {
    let mut d: [f32; 64] =
        std::array::from_fn(|i| (samples[i / 8 * stride + i % 8] as i32 - 128) as f32);
    for r in 0..8 {
        let y = forward::<f32>(std::array::from_fn(|k| d[r * 8 + k]));
        d[r * 8..r * 8 + 8].copy_from_slice(&y);
    }
    for c in 0..8 {
        let y = forward::<f32>(std::array::from_fn(|k| d[k * 8 + c]));
        (0..8).for_each(|j| d[j * 8 + c] = y[j]);
    }
    for i in 0..64 {
        out[i] = round_ties_even(d[i] * recip[i]).clamp(-32768.0, 32767.0) as i16;
    }
}

/// Rounding to nearest with ties to even, as SSE2's conversion does by default: adding
/// 1.5·2^23 leaves a float whose unit in the last place is 1 (exact for |x| < 2^22, far
/// beyond any quantized coefficient; larger values only need to stay large).
#[inline(always)]
fn round_ties_even(x: f32) -> f32 {
    const ROUND_TO_1: f32 = 12_582_912.0;
    if x.abs() < 4_194_304.0 {
        (x + ROUND_TO_1) - ROUND_TO_1
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vector form (SSE2 on x86-64) equals the portable one, bit for bit.
    #[test]
    fn vector_form_equals_scalar_form() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for t in 0..5000u16 {
            let recip = reciprocals(&QuantTable {
                values: std::array::from_fn(|i| 1 + (i as u16 * 7 + t) % 255),
                sixteen_bit: false,
            });
            let samples: Vec<u8> = (0..80)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    if t % 3 == 0 {
                        (seed as u8) | 0xF0
                    } else {
                        seed as u8
                    }
                })
                .collect();
            let (mut a, mut b) = ([0i16; 64], [0i16; 64]);
            fdct_quantize_float(&samples, 9, &recip, &mut a);
            fdct_quantize_float_scalar(&samples, 9, &recip, &mut b);
            assert_eq!(a, b, "block {t}");
        }
    }

    #[test]
    fn factors_are_the_scaled_cosines() {
        for (k, &v) in AAN.iter().enumerate().skip(1) {
            let s = (k as f64 * std::f64::consts::PI / 16.0).cos() * std::f64::consts::SQRT_2;
            assert!((v - s).abs() < 1e-9, "{k}");
        }
    }

    #[test]
    fn ties_go_to_even() {
        let cases = [
            (2.5, 2.0),
            (3.5, 4.0),
            (-2.5, -2.0),
            (-3.5, -4.0),
            (0.49, 0.0),
            (1.6, 2.0),
        ];
        for (x, r) in cases {
            assert_eq!(round_ties_even(x), r, "{x}");
        }
    }

    /// Forward then inverse with unit steps returns the samples, within a level.
    #[test]
    fn forward_then_inverse_returns_the_samples() {
        let samples: [u8; 64] = std::array::from_fn(|i| ((i * 37 + (i / 8) * 11) % 200 + 20) as u8);
        let ones = QuantTable {
            values: [1; 64],
            sixteen_bit: false,
        };
        let mut coef = [0i16; 64];
        fdct_quantize_float(&samples, 8, &reciprocals(&ones), &mut coef);
        let mut out = [0u8; 64];
        idct_block_float(&coef, &multipliers(&ones), &mut out, 8);
        for (a, b) in out.iter().zip(&samples) {
            assert!((*a as i32 - *b as i32).abs() <= 1, "{a} vs {b}");
        }
    }

    #[test]
    fn extreme_coefficients_saturate() {
        let q = QuantTable {
            values: [65535; 64],
            sixteen_bit: true,
        };
        let mut out = [0u8; 64];
        idct_block_float(&[i16::MAX; 64], &multipliers(&q), &mut out, 8);
        let mut coef = [0i16; 64];
        coef[0] = i16::MIN;
        idct_block_float(&coef, &multipliers(&q), &mut out, 8);
        assert!(out.iter().all(|&v| v == 0));
    }
}
