//! The "islow" integer inverse DCT of libjpeg (`djpeg -dct int`), bit for bit.
//!
//! The algorithm is the Loeffler–Ligtenberg–Moschytz factorisation (ICASSP 1989) as
//! published in the IJG's `jidctint.c`: 12 multiplications by constants in 13-bit fixed
//! point (`CONST_BITS` = 13), columns first with 2 extra bits of precision kept between
//! the passes (`PASS1_BITS` = 2), each output rounded by adding half and shifting.
//!
//! libjpeg-turbo on x86 runs this with SSE2/AVX2 code that works on 16-bit lanes
//! (dequantized coefficients, the sums `in0 ± in4`, `in7 + in3`, `in5 + in1` and the
//! pass-1 outputs are 16-bit) and saturates the results instead of looking them up in
//! a wrapping range-limit table. For every coefficient a real encoder can produce the
//! two agree; for corrupt data (huge coefficients) they differ, and `djpeg` on x86-64
//! uses the SIMD code, so that is what is reproduced here: [`idct_block`] uses the same
//! 16-bit wrapping and saturation. The products themselves are computed exactly (the
//! SIMD code uses 16×16→32-bit multiply-adds with the constants below combined
//! pairwise, which is the same integer arithmetic). Checked against `djpeg` 2.1.5 on
//! every corpus file and on fuzzed files whose coefficients overflow 16 bits.

use crate::coeffs::{Block, QuantTable};

pub(super) const CONST_BITS: u32 = 13;
pub(super) const PASS1_BITS: u32 = 2;

// FIX(x) = round(x · 2^13), as published with the algorithm.
pub(super) const F_0_298: i32 = 2446; // FIX(0.298631336)
pub(super) const F_0_390: i32 = 3196; // FIX(0.390180644)
pub(super) const F_0_541: i32 = 4433; // FIX(0.541196100)
pub(super) const F_0_765: i32 = 6270; // FIX(0.765366865)
pub(super) const F_0_899: i32 = 7373; // FIX(0.899976223)
pub(super) const F_1_175: i32 = 9633; // FIX(1.175875602)
pub(super) const F_1_501: i32 = 12299; // FIX(1.501321110)
pub(super) const F_1_847: i32 = 15137; // FIX(1.847759065)
pub(super) const F_1_961: i32 = 16069; // FIX(1.961570560)
pub(super) const F_2_053: i32 = 16819; // FIX(2.053119869)
pub(super) const F_2_562: i32 = 20995; // FIX(2.562915447)
pub(super) const F_3_072: i32 = 25172; // FIX(3.072711026)

/// Dequantization multipliers as the 16-bit lanes hold them (low 16 bits of each step).
pub fn multipliers(q: &QuantTable) -> [i16; 64] {
    let mut m = [0i16; 64];
    for (m, &v) in m.iter_mut().zip(q.values.iter()) {
        *m = v as i16;
    }
    m
}

/// One 1-D IDCT of 8 values: the even part (inputs 0, 2, 4, 6) and the odd part
/// (inputs 1, 3, 5, 7) combined in butterflies, each output rounded and shifted right
/// by `shift` bits (not yet saturated).
#[inline(always)]
fn idct_1d(x: [i16; 8], shift: u32) -> [i32; 8] {
    let round = 1i32 << (shift - 1);
    let (x0, x1, x2, x3, x4, x5, x6, x7) = (x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]);
    // Even part: z1 = (z2 + z3)·c6, tmp2 = z1 − z3·(c2+c6), tmp3 = z1 + z2·(c2−c6),
    // written as two products each (equal integers).
    let tmp2 = x2 as i32 * F_0_541 + x6 as i32 * (F_0_541 - F_1_847);
    let tmp3 = x2 as i32 * (F_0_541 + F_0_765) + x6 as i32 * F_0_541;
    let tmp0 = ((x0.wrapping_add(x4) as i32) << CONST_BITS) + round;
    let tmp1 = ((x0.wrapping_sub(x4) as i32) << CONST_BITS) + round;
    let (t10, t13) = (tmp0 + tmp3, tmp0 - tmp3);
    let (t11, t12) = (tmp1 + tmp2, tmp1 - tmp2);
    // Odd part (inputs in7, in5, in3, in1), with z5 = (z3 + z4)·c3 folded into
    // z3 = in7 + in3 and z4 = in5 + in1 (16-bit sums).
    let s73 = x7.wrapping_add(x3) as i32;
    let s51 = x5.wrapping_add(x1) as i32;
    let (x1, x3, x5, x7) = (x1 as i32, x3 as i32, x5 as i32, x7 as i32);
    let z3 = s73 * (F_1_175 - F_1_961) + s51 * F_1_175;
    let z4 = s73 * F_1_175 + s51 * (F_1_175 - F_0_390);
    let o0 = x7 * (F_0_298 - F_0_899) - x1 * F_0_899 + z3;
    let o3 = x1 * (F_1_501 - F_0_899) - x7 * F_0_899 + z4;
    let o1 = x5 * (F_2_053 - F_2_562) - x3 * F_2_562 + z4;
    let o2 = x3 * (F_3_072 - F_2_562) - x5 * F_2_562 + z3;
    [
        (t10 + o3) >> shift,
        (t11 + o2) >> shift,
        (t12 + o1) >> shift,
        (t13 + o0) >> shift,
        (t13 - o0) >> shift,
        (t12 - o1) >> shift,
        (t11 - o2) >> shift,
        (t10 - o3) >> shift,
    ]
}

/// Fills the 8×8 output with one value (a block whose AC coefficients are all zero:
/// every pass-1 output is DC << 2 in 16 bits, and pass 2 descales it by 5 bits).
#[inline(always)]
pub(super) fn dc_only(dc: i16, mult: i16, out: &mut [u8], stride: usize) {
    let v = ((dc.wrapping_mul(mult) << PASS1_BITS) as i32 + 16) >> 5;
    let v = (v.clamp(-128, 127) + 128) as u8;
    for r in 0..8 {
        out[r * stride..r * stride + 8].fill(v);
    }
}

/// Dequantizes and inverse-transforms one block, writing 8 rows of 8 samples at
/// `out[0..]`, `out[stride..]`, … (the level shift of +128 and clamping to 0..255
/// included). Uses SSE2 where the target has it (always on x86-64), else
/// [`idct_block_scalar`]; the two give the same bytes for every input.
#[inline]
pub fn idct_block(coef: &Block, mult: &[i16; 64], out: &mut [u8], stride: usize) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    super::idct_sse2::idct_block(coef, mult, out, stride);
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    idct_block_scalar(coef, mult, out, stride);
}

/// The portable form of [`idct_block`]: columns, then rows, as published.
pub fn idct_block_scalar(coef: &Block, mult: &[i16; 64], out: &mut [u8], stride: usize) {
    let out = &mut out[..7 * stride + 8];
    if coef[1..].iter().fold(0, |a, &c| a | c) == 0 {
        return dc_only(coef[0], mult[0], out, stride);
    }
    // Pass 1: columns, into a 16-bit workspace (row-major).
    let mut ws = [[0i16; 8]; 8];
    let rows_zero = coef[8..].iter().fold(0, |a, &c| a | c) == 0;
    for c in 0..8 {
        let col: [i16; 8] = std::array::from_fn(|k| coef[k * 8 + c].wrapping_mul(mult[k * 8 + c]));
        if rows_zero {
            // libjpeg-turbo's shortcut when rows 1–7 are all zero: DC << 2 in 16 bits.
            let v = col[0] << PASS1_BITS;
            for row in ws.iter_mut() {
                row[c] = v;
            }
        } else {
            let o = idct_1d(col, CONST_BITS - PASS1_BITS);
            for (row, &v) in ws.iter_mut().zip(&o) {
                row[c] = v.clamp(-32768, 32767) as i16;
            }
        }
    }
    // Pass 2: rows, saturated to −128..127 and shifted to 0..255.
    for (r, row) in ws.iter().enumerate() {
        let o = idct_1d(*row, CONST_BITS + PASS1_BITS + 3);
        let dst = &mut out[r * stride..r * stride + 8];
        for (d, &v) in dst.iter_mut().zip(&o) {
            *d = (v.clamp(-128, 127) + 128) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Straightforward IJG formulation (per column / per row, `z1..z5` as published),
    /// without 16-bit effects: equal to [`idct_block`] for in-range coefficients.
    fn reference(coef: &Block, q: &[i16; 64]) -> [u8; 64] {
        let mut ws = [0i32; 64];
        let deq = |i: usize| coef[i] as i32 * q[i] as i32;
        let one_d = |v: [i32; 8]| -> [i32; 8] {
            let (z2, z3) = (v[2], v[6]);
            let z1 = (z2 + z3) * F_0_541;
            let tmp2 = z1 - z3 * F_1_847;
            let tmp3 = z1 + z2 * F_0_765;
            let tmp0 = (v[0] + v[4]) << CONST_BITS;
            let tmp1 = (v[0] - v[4]) << CONST_BITS;
            let (t10, t13, t11, t12) = (tmp0 + tmp3, tmp0 - tmp3, tmp1 + tmp2, tmp1 - tmp2);
            let (mut a0, mut a1, mut a2, mut a3) = (v[7], v[5], v[3], v[1]);
            let (z1, z2, z3, z4) = (a0 + a3, a1 + a2, a0 + a2, a1 + a3);
            let z5 = (z3 + z4) * F_1_175;
            a0 *= F_0_298;
            a1 *= F_2_053;
            a2 *= F_3_072;
            a3 *= F_1_501;
            let z1 = -z1 * F_0_899;
            let z2 = -z2 * F_2_562;
            let z3 = -z3 * F_1_961 + z5;
            let z4 = -z4 * F_0_390 + z5;
            a0 += z1 + z3;
            a1 += z2 + z4;
            a2 += z2 + z3;
            a3 += z1 + z4;
            [
                t10 + a3,
                t11 + a2,
                t12 + a1,
                t13 + a0,
                t13 - a0,
                t12 - a1,
                t11 - a2,
                t10 - a3,
            ]
        };
        for c in 0..8 {
            let col: [i32; 8] = std::array::from_fn(|r| deq(r * 8 + c));
            let o = one_d(col);
            for r in 0..8 {
                ws[r * 8 + c] = (o[r] + (1 << 10)) >> 11;
            }
        }
        let mut out = [0u8; 64];
        for r in 0..8 {
            let row: [i32; 8] = std::array::from_fn(|c| ws[r * 8 + c]);
            let o = one_d(row);
            for c in 0..8 {
                out[r * 8 + c] = (((o[c] + (1 << 17)) >> 18).clamp(-128, 127) + 128) as u8;
            }
        }
        out
    }

    #[test]
    fn matches_published_formulation() {
        let mut rnd = crate::xorshift32(0x1234_5678);
        // Coefficients of real pixel blocks (forward DCT of random, partly smooth
        // samples), quantized: the range real encoders produce.
        let fdct = |px: &[f64; 64]| -> [f64; 64] {
            let c = |u: usize| {
                if u == 0 {
                    std::f64::consts::FRAC_1_SQRT_2
                } else {
                    1.0
                }
            };
            std::array::from_fn(|i| {
                let (v, u) = (i / 8, i % 8);
                let mut s = 0.0;
                for y in 0..8 {
                    for x in 0..8 {
                        s += px[y * 8 + x]
                            * ((2 * x + 1) as f64 * u as f64 * std::f64::consts::PI / 16.0).cos()
                            * ((2 * y + 1) as f64 * v as f64 * std::f64::consts::PI / 16.0).cos();
                    }
                }
                s * c(u) * c(v) / 4.0
            })
        };
        for t in 0..20000 {
            let mut coef = [0i16; 64];
            let mut q = [0i16; 64];
            let smooth = t % 2 == 0;
            let base = (rnd() % 256) as f64 - 128.0;
            let px: [f64; 64] = std::array::from_fn(|i| {
                if smooth {
                    (base + (i % 8) as f64 * ((rnd() % 9) as f64 - 4.0)).clamp(-128.0, 127.0)
                } else {
                    (rnd() % 256) as f64 - 128.0
                }
            });
            for v in q.iter_mut() {
                *v = 1 + (rnd() % if t % 4 == 1 { 100 } else { 16 }) as i16;
            }
            let f = fdct(&px);
            for i in 0..64 {
                coef[i] = (f[i] / q[i] as f64).round() as i16;
            }
            if t % 3 == 0 {
                coef[1..].fill(0);
            }
            let mut got = [0u8; 64];
            idct_block(&coef, &q, &mut got, 8);
            assert_eq!(got, reference(&coef, &q), "coef {coef:?} q {q:?}");
        }
    }

    /// Any coefficients and steps, however absurd (16-bit overflow everywhere): the
    /// SIMD and scalar forms agree, since both model the same 16-bit arithmetic.
    #[test]
    fn simd_equals_scalar_on_any_input() {
        let mut rnd = crate::xorshift32(0x9E37_79B9);
        for t in 0..50000 {
            let mut coef = [0i16; 64];
            let mut q = [1i16; 64];
            let density = rnd() % 64;
            for (c, m) in coef.iter_mut().zip(q.iter_mut()) {
                if rnd() % 64 <= density {
                    *c = match t % 3 {
                        0 => rnd() as i16,
                        1 => (rnd() % 2048) as i16 - 1024,
                        _ => (rnd() % 64) as i16 - 32,
                    };
                }
                *m = if t % 4 == 0 {
                    rnd() as i16
                } else {
                    1 + (rnd() % 255) as i16
                };
            }
            match t % 5 {
                0 => coef[8..].fill(0),
                1 => coef[1..].fill(0),
                _ => {}
            }
            let (mut a, mut b) = ([0u8; 64], [0u8; 64]);
            idct_block(&coef, &q, &mut a, 8);
            idct_block_scalar(&coef, &q, &mut b, 8);
            assert_eq!(a, b, "coef {coef:?} q {q:?}");
        }
    }

    #[test]
    fn dc_only_levels() {
        let q = [16i16; 64];
        let mut out = [0u8; 64];
        let mut coef = [0i16; 64];
        coef[0] = 8; // 8·16 = 128 → +16 after the IDCT's 1/8 gain
        idct_block(&coef, &q, &mut out, 8);
        assert!(out.iter().all(|&v| v == 144));
    }
}
