//! [`fdct_quantize_float`](super::dct_float::fdct_quantize_float) with SSE2 (baseline
//! on x86-64), through the safe wrappers of `safe_arch`.
//!
//! Two 4-lane registers hold one step of eight 1-D transforms: lane r is row r's
//! value (the row transforms) or column r's (the column transforms), after an 8×8
//! transpose of four 4×4 tiles. Each lane goes through the single-precision
//! operations of the scalar code in its order, so every coefficient is the same bits.
//! Quantization rounds with `cvtps2dq` (to nearest, ties to even, the default MXCSR
//! mode, as the scalar code rounds) and saturates to 16 bits with `packssdw`; the
//! products never reach 2^31 (eight samples of at most 128, a reciprocal of at most
//! 1/(8·s(u)·s(v))), where the two would part.

use super::aan::{forward, AanValue, K};
use super::dct_float::constant;
use crate::coeffs::Block;
use safe_arch::*;
use std::ops::{Add, Sub};

/// Eight `f32` lanes: lanes 0–3 and 4–7.
#[derive(Clone, Copy)]
struct F8(m128, m128);

impl Add for F8 {
    type Output = F8;
    #[inline(always)]
    fn add(self, o: F8) -> F8 {
        F8(add_m128(self.0, o.0), add_m128(self.1, o.1))
    }
}

impl Sub for F8 {
    type Output = F8;
    #[inline(always)]
    fn sub(self, o: F8) -> F8 {
        F8(sub_m128(self.0, o.0), sub_m128(self.1, o.1))
    }
}

impl AanValue for F8 {
    #[inline(always)]
    fn times(self, k: K) -> F8 {
        let k = set_splat_m128(constant(k));
        F8(mul_m128(self.0, k), mul_m128(self.1, k))
    }
}

/// Row `r` of the samples, level-shifted, as floats.
#[inline(always)]
fn load_row(s: &[u8]) -> F8 {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&s[..8]);
    let zero = m128i::default();
    let w = unpack_low_i8_m128i(m128i::from(b), zero);
    let shift = set_splat_i32_m128i(128);
    let lo = sub_i32_m128i(unpack_low_i16_m128i(w, zero), shift);
    let hi = sub_i32_m128i(unpack_high_i16_m128i(w, zero), shift);
    F8(
        convert_to_m128_from_i32_m128i(lo),
        convert_to_m128_from_i32_m128i(hi),
    )
}

/// `m[k]` lane i becomes `out[i]` lane k: the four 4×4 tiles transposed, the two off
/// the diagonal swapped.
#[inline(always)]
fn transpose(m: [F8; 8]) -> [F8; 8] {
    let (mut a, mut b, mut c, mut d) = (m[0].0, m[1].0, m[2].0, m[3].0);
    transpose_four_m128(&mut a, &mut b, &mut c, &mut d);
    let (mut e, mut f, mut g, mut h) = (m[4].0, m[5].0, m[6].0, m[7].0);
    transpose_four_m128(&mut e, &mut f, &mut g, &mut h);
    let (mut i, mut j, mut k, mut l) = (m[0].1, m[1].1, m[2].1, m[3].1);
    transpose_four_m128(&mut i, &mut j, &mut k, &mut l);
    let (mut n, mut o, mut p, mut q) = (m[4].1, m[5].1, m[6].1, m[7].1);
    transpose_four_m128(&mut n, &mut o, &mut p, &mut q);
    [
        F8(a, e),
        F8(b, f),
        F8(c, g),
        F8(d, h),
        F8(i, n),
        F8(j, o),
        F8(k, p),
        F8(l, q),
    ]
}

/// Forward DCT and quantization of the 8×8 samples at `samples[0]` (rows `stride`
/// apart) with the reciprocals `recip`.
pub fn fdct_quantize_float(samples: &[u8], stride: usize, recip: &[f32; 64], out: &mut Block) {
    let rows: [F8; 8] = std::array::from_fn(|y| load_row(&samples[y * stride..]));
    // Lane r of step k: row r's sample k; after the row transforms, lane r of output j
    // is row r's coefficient j, and the second transpose lines up the columns.
    let coefs = forward(transpose(forward(transpose(rows))));
    for (j, row) in coefs.iter().enumerate() {
        let r = &recip[j * 8..j * 8 + 8];
        let lo = m128::from([r[0], r[1], r[2], r[3]]);
        let hi = m128::from([r[4], r[5], r[6], r[7]]);
        let qlo = convert_to_i32_m128i_from_m128(mul_m128(row.0, lo));
        let qhi = convert_to_i32_m128i_from_m128(mul_m128(row.1, hi));
        let q: [i16; 8] = pack_i32_to_i16_m128i(qlo, qhi).into();
        out[j * 8..j * 8 + 8].copy_from_slice(&q);
    }
}
