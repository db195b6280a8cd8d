//! The "ifast" forward DCT and quantization with SSE2 (baseline on x86-64), through
//! the safe wrappers of `safe_arch`.
//!
//! Eight 16-bit lanes hold one step of eight 1-D transforms (rows, then columns, an
//! 8×8 transpose before each), with the scalar code's operations in its order. Every
//! value fits 16 bits: bounding each step by the sum of its inputs' bounds, the row
//! transforms of samples in −128..127 stay within ±1678 and the column transforms
//! within ±21998. Each product `x·c >> 8` is formed exactly in 32 bits by `pmaddwd`
//! on (x, 0) pairs, shifted and packed back, so every output equals the scalar
//! [`fdct_fast`](super::dct_fast::fdct_fast)'s (tested). Quantization is the islow
//! path's reciprocal multiply.

use super::aan::{forward, AanValue, K};
use super::dct_fast::constant;
use super::fdct::Divisors;
use super::fdct_sse2::{load_row, quantize_rows};
use super::idct_sse2::transpose;
use crate::coeffs::Block;
use safe_arch::*;
use std::ops::{Add, Sub};

/// Eight 16-bit lanes.
#[derive(Clone, Copy)]
struct W(m128i);

impl Add for W {
    type Output = W;
    #[inline(always)]
    fn add(self, o: W) -> W {
        W(add_i16_m128i(self.0, o.0))
    }
}

impl Sub for W {
    type Output = W;
    #[inline(always)]
    fn sub(self, o: W) -> W {
        W(sub_i16_m128i(self.0, o.0))
    }
}

impl AanValue for W {
    #[inline(always)]
    fn times(self, k: K) -> W {
        let c = constant(k);
        let zero = m128i::default();
        let k = m128i::from([c as i16, 0, c as i16, 0, c as i16, 0, c as i16, 0]);
        let lo = mul_i16_horizontal_add_m128i(unpack_low_i16_m128i(self.0, zero), k);
        let hi = mul_i16_horizontal_add_m128i(unpack_high_i16_m128i(self.0, zero), k);
        W(pack_i32_to_i16_m128i(
            shr_imm_i32_m128i::<8>(lo),
            shr_imm_i32_m128i::<8>(hi),
        ))
    }
}

/// One pass: the transforms of the eight lanes, after the transpose that lines them up.
#[inline(always)]
fn pass(rows: [m128i; 8]) -> [m128i; 8] {
    forward(transpose(rows).map(W)).map(|w| w.0)
}

/// Forward DCT and quantization of the 8×8 samples at `samples[0]` (rows `stride`
/// apart) by the "ifast" divisors `div`.
#[inline]
pub fn fdct_quantize_fast(samples: &[u8], stride: usize, div: &Divisors, out: &mut Block) {
    let samples = &samples[..7 * stride + 8];
    let rows: [m128i; 8] = std::array::from_fn(|y| load_row(&samples[y * stride..]));
    quantize_rows(pass(pass(rows)), div, out);
}
