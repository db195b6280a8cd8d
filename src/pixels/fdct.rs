//! The forward DCT and quantization of the encoder.
//!
//! [`fdct_islow`] is the Loeffler–Ligtenberg–Moschytz forward DCT in integer
//! arithmetic (12 multiplications, 32 additions per 1-D pass) with 13-bit constants,
//! as published with the IJG software (`CONST_BITS` = 13, `PASS1_BITS` = 2): the row
//! pass keeps two extra bits of precision, the column pass removes them, and the
//! outputs are 8 times the true (orthonormal) DCT coefficients.
//!
//! Quantization divides by 8·q with rounding to nearest, halves away from zero
//! (`(|x| + 4q) / 8q` with the sign of x). [`Divisors`] does it with 16-bit multiplies
//! (Robison's exact N-bit division by multiply-add, N = 16), which equals the division
//! for every input the DCT can produce: a unit test checks all of them.

use super::DctMethod;
use crate::coeffs::{Block, QuantTable};

pub(super) const CONST_BITS: u32 = 13;
pub(super) const PASS1_BITS: u32 = 2;

pub(super) const FIX_0_298631336: i32 = 2446;
pub(super) const FIX_0_390180644: i32 = 3196;
pub(super) const FIX_0_541196100: i32 = 4433;
pub(super) const FIX_0_765366865: i32 = 6270;
pub(super) const FIX_0_899976223: i32 = 7373;
pub(super) const FIX_1_175875602: i32 = 9633;
pub(super) const FIX_1_501321110: i32 = 12299;
pub(super) const FIX_1_847759065: i32 = 15137;
pub(super) const FIX_1_961570560: i32 = 16069;
pub(super) const FIX_2_053119869: i32 = 16819;
pub(super) const FIX_2_562915447: i32 = 20995;
pub(super) const FIX_3_072711026: i32 = 25172;

/// The integers a pass runs in: `i32` for 8-bit samples; `i64` for 12-bit ones, whose
/// sums of products exceed 32 bits (libjpeg computes in its 64-bit `JLONG` there).
pub(super) trait DctInt:
    Copy
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::Mul<Output = Self>
    + std::ops::Neg<Output = Self>
    + std::ops::Shl<u32, Output = Self>
    + std::ops::Shr<u32, Output = Self>
    + From<i32>
{
}
impl DctInt for i32 {}
impl DctInt for i64 {}

#[inline(always)]
fn descale<T: DctInt>(x: T, n: u32) -> T {
    (x + (T::from(1) << (n - 1))) >> n
}

/// One 1-D LL&M pass over 8 values `d[0], d[s], … d[7s]` of `data` starting at `o`.
/// `FIRST` selects the row pass (outputs scaled up by `p1` bits) or the column pass
/// (which removes them).
#[inline(always)]
fn pass<T: DctInt, const FIRST: bool>(data: &mut [T; 64], o: usize, s: usize, p1: u32) {
    let c = |f: i32| T::from(f);
    let d = |k: usize| data[o + k * s];
    let tmp0 = d(0) + d(7);
    let tmp7 = d(0) - d(7);
    let tmp1 = d(1) + d(6);
    let tmp6 = d(1) - d(6);
    let tmp2 = d(2) + d(5);
    let tmp5 = d(2) - d(5);
    let tmp3 = d(3) + d(4);
    let tmp4 = d(3) - d(4);

    // Even part.
    let tmp10 = tmp0 + tmp3;
    let tmp13 = tmp0 - tmp3;
    let tmp11 = tmp1 + tmp2;
    let tmp12 = tmp1 - tmp2;
    let (sh, out0, out4) = if FIRST {
        (
            CONST_BITS - p1,
            (tmp10 + tmp11) << p1,
            (tmp10 - tmp11) << p1,
        )
    } else {
        (
            CONST_BITS + p1,
            descale(tmp10 + tmp11, p1),
            descale(tmp10 - tmp11, p1),
        )
    };
    let z1 = (tmp12 + tmp13) * c(FIX_0_541196100);
    let out2 = descale(z1 + tmp13 * c(FIX_0_765366865), sh);
    let out6 = descale(z1 - tmp12 * c(FIX_1_847759065), sh);

    // Odd part.
    let z1 = tmp4 + tmp7;
    let z2 = tmp5 + tmp6;
    let z3 = tmp4 + tmp6;
    let z4 = tmp5 + tmp7;
    let z5 = (z3 + z4) * c(FIX_1_175875602);
    let tmp4 = tmp4 * c(FIX_0_298631336);
    let tmp5 = tmp5 * c(FIX_2_053119869);
    let tmp6 = tmp6 * c(FIX_3_072711026);
    let tmp7 = tmp7 * c(FIX_1_501321110);
    let z1 = -z1 * c(FIX_0_899976223);
    let z2 = -z2 * c(FIX_2_562915447);
    let z3 = -z3 * c(FIX_1_961570560) + z5;
    let z4 = -z4 * c(FIX_0_390180644) + z5;

    data[o] = out0;
    data[o + s] = descale(tmp7 + z1 + z4, sh);
    data[o + 2 * s] = out2;
    data[o + 3 * s] = descale(tmp6 + z2 + z3, sh);
    data[o + 4 * s] = out4;
    data[o + 5 * s] = descale(tmp5 + z2 + z4, sh);
    data[o + 6 * s] = out6;
    data[o + 7 * s] = descale(tmp4 + z1 + z3, sh);
}

/// Forward DCT of 64 level-shifted samples (sample − 128), in place, natural order;
/// the results are 8 times the DCT coefficients.
pub fn fdct_islow(data: &mut [i32; 64]) {
    fdct_passes(data, PASS1_BITS);
}

/// [`fdct_islow`] of 12-bit samples (sample − 2048): one bit kept between the passes
/// (libjpeg's `PASS1_BITS` at 12 bits), 64-bit arithmetic.
pub fn fdct_islow_12(data: &mut [i64; 64]) {
    fdct_passes(data, 1);
}

#[inline(always)]
fn fdct_passes<T: DctInt>(data: &mut [T; 64], p1: u32) {
    for row in 0..8 {
        pass::<T, true>(data, row * 8, 1, p1);
    }
    for col in 0..8 {
        pass::<T, false>(data, col, 8, p1);
    }
}

/// Quantization by 8·q for one table, as two 16-bit high multiplies.
#[derive(Debug, Clone)]
pub struct Divisors {
    /// Per coefficient (natural order): reciprocal m, rounding correction c and scale
    /// 2^(32 − r), so that `(|x| + c)·m >> r` is `((((|x| + c)·m) >> 16)·scale) >> 16`.
    recip: [u16; 64],
    corr: [u16; 64],
    scale: [u16; 64],
    /// Step sizes the 16-bit reciprocals cannot handle (q > 8191, or a fast step
    /// under 3): divide instead.
    exact: Option<[u32; 64]>,
    /// The forward DCT these steps are for, which [`fdct_quantize`] runs: the steps
    /// of the fast one carry its scale factors; the floating-point one uses `float`.
    method: DctMethod,
    float: [f32; 64],
    /// `recip`, `corr` and `scale` as rows of eight lanes for the SSE2 code: aligned,
    /// its adds and multiplies take them straight from memory.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    pub(super) lanes: [[safe_arch::m128i; 8]; 3],
}

impl Divisors {
    /// The divisors 8·q of `table`.
    pub fn new(table: &QuantTable) -> Self {
        Self::from_steps(table.values.map(|q| 8 * q.max(1) as u32), DctMethod::Int)
    }

    /// The divisors of `table` for `method`.
    pub fn for_method(table: &QuantTable, method: DctMethod) -> Self {
        match method {
            DctMethod::Int => Self::new(table),
            DctMethod::Fast => Self::from_steps(super::dct_fast::divisors(table), method),
            DctMethod::Float => Divisors {
                float: super::dct_float::reciprocals(table),
                ..Self::from_steps([8; 64], method)
            },
        }
    }

    fn from_steps(steps: [u32; 64], method: DctMethod) -> Self {
        let mut d = Divisors {
            recip: [0; 64],
            corr: [0; 64],
            scale: [0; 64],
            exact: None,
            method,
            float: [0.0; 64],
            #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
            lanes: Default::default(),
        };
        // Steps of 1 and 2 (fast DCT, tiny q) need a shift of 16 or less, which the
        // multiply form cannot hold; libjpeg divides those too.
        if steps.iter().any(|&s| !(3..=8 * 8191).contains(&s)) {
            d.exact = Some(steps);
            return d;
        }
        for (i, &step) in steps.iter().enumerate() {
            let (m, c, r) = reciprocal(step);
            d.recip[i] = m;
            d.corr[i] = c;
            d.scale[i] = 1 << (32 - r);
        }
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        for (lanes, t) in d.lanes.iter_mut().zip([&d.recip, &d.corr, &d.scale]) {
            for (k, l) in lanes.iter_mut().enumerate() {
                let a: [u16; 8] = t[k * 8..k * 8 + 8].try_into().unwrap();
                *l = safe_arch::m128i::from(a.map(|v| v as i16));
            }
        }
        d
    }

    /// The reciprocals, corrections and scales of the multiply form, or `None` when
    /// some step is too large for it.
    pub(super) fn reciprocals(&self) -> Option<(&[u16; 64], &[u16; 64], &[u16; 64])> {
        match self.exact {
            None => Some((&self.recip, &self.corr, &self.scale)),
            Some(_) => None,
        }
    }

    /// Quantizes the DCT outputs `coef` (8 × the coefficients, |x| < 2^15 − 8191·4)
    /// into `out`.
    #[inline]
    pub fn quantize(&self, coef: &[i16; 64], out: &mut Block) {
        if let Some(div) = &self.exact {
            for i in 0..64 {
                let x = coef[i] as i32;
                let q = ((x.unsigned_abs() + div[i] / 2) / div[i]) as i32;
                out[i] = (if x < 0 { -q } else { q }) as i16;
            }
            return;
        }
        for i in 0..64 {
            let x = coef[i];
            let sign = x >> 15; // 0 or −1
            let n = ((x ^ sign).wrapping_sub(sign) as u16).wrapping_add(self.corr[i]);
            let t = ((n as u32 * self.recip[i] as u32) >> 16) as u16;
            let q = ((t as u32 * self.scale[i] as u32) >> 16) as u16 as i16;
            out[i] = (q ^ sign).wrapping_sub(sign);
        }
    }
}

/// Reciprocal m, addend c and shift r with `(n + d/2) / d == ((n + c)·m) >> r` for
/// every n with n + c < 2^16, for 3 ≤ d < 2^16 (Robison, "N-bit unsigned division via
/// N-bit multiply-add", N = 16, the rounding term d/2 folded into c). 16 < r ≤ 31.
fn reciprocal(d: u32) -> (u16, u16, u32) {
    let b = 31 - d.leading_zeros(); // ⌊log2 d⌋
    let mut r = 16 + b;
    let mut fq = (1u64 << r) / d as u64;
    let fr = (1u64 << r) % d as u64;
    let mut c = d / 2;
    if fr == 0 {
        // A power of two: 2^r/d is 2^16, one bit too many.
        fq >>= 1;
        r -= 1;
    } else if fr <= d as u64 / 2 {
        c += 1;
    } else {
        fq += 1;
    }
    (fq as u16, c as u16, r)
}

/// Forward DCT and quantization of the 8×8 samples at `samples[0]` (rows `stride` apart),
/// by `div`'s method. Uses SSE2 where the target has it (always on x86-64), else
/// [`fdct_quantize_scalar`]; the two give the same coefficients for every input.
#[inline]
pub fn fdct_quantize(samples: &[u8], stride: usize, div: &Divisors, out: &mut Block) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    match div.method {
        DctMethod::Int => super::fdct_sse2::fdct_quantize(samples, stride, div, out),
        DctMethod::Fast => super::dct_fast_sse2::fdct_quantize_fast(samples, stride, div, out),
        DctMethod::Float => super::dct_float::fdct_quantize_float(samples, stride, &div.float, out),
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    fdct_quantize_scalar(samples, stride, div, out);
}

/// The portable form of [`fdct_quantize`].
pub fn fdct_quantize_scalar(samples: &[u8], stride: usize, div: &Divisors, out: &mut Block) {
    let mut ws = [0i32; 64];
    for (y, row) in ws.chunks_exact_mut(8).enumerate() {
        let src = &samples[y * stride..y * stride + 8];
        for (w, &s) in row.iter_mut().zip(src) {
            *w = s as i32 - 128;
        }
    }
    match div.method {
        DctMethod::Int => fdct_islow(&mut ws),
        DctMethod::Fast => super::dct_fast::fdct_fast(&mut ws),
        DctMethod::Float => {
            return super::dct_float::fdct_quantize_float_scalar(samples, stride, &div.float, out)
        }
    }
    div.quantize(&ws.map(|v| v as i16), out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reciprocal_division_is_exact() {
        // |8 × DCT output| ≤ 8192 for 8-bit samples; check every n + c < 2^16, with the
        // two-multiply form `quantize` uses.
        // The fast DCT's steps are any d ≥ 3 (smaller ones divide).
        let fast = (3u32..=64).chain([3925, 4095]);
        for d in (1u32..=2000)
            .chain([4095, 6050, 8191])
            .map(|q| 8 * q)
            .chain(fast)
        {
            let (m, c, r) = reciprocal(d);
            let scale = 1u32 << (32 - r);
            for x in 0u32..(65536 - c as u32) {
                let t = ((x + c as u32) * m as u32) >> 16;
                assert_eq!((t * scale) >> 16, (x + d / 2) / d, "d {d} x {x}");
            }
        }
    }

    #[test]
    fn flat_block_has_only_dc() {
        let mut ws = [100 - 128; 64];
        fdct_islow(&mut ws);
        assert_eq!(ws[0], 64 * (100 - 128));
        assert!(ws[1..].iter().all(|&v| v == 0));
    }

    #[test]
    fn quantize_rounds_half_away_from_zero() {
        let t = QuantTable {
            values: [2; 64],
            sixteen_bit: false,
        };
        let div = Divisors::new(&t);
        let mut coef = [0i16; 64];
        coef[..6].copy_from_slice(&[8, 7, -8, -7, 24, -24]);
        let mut out = [0i16; 64];
        div.quantize(&coef, &mut out);
        assert_eq!(&out[..6], &[1, 0, -1, 0, 2, -2]);
    }
}
