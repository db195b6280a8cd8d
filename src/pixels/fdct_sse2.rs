//! [`fdct_quantize`](super::fdct::fdct_quantize) with SSE2 (baseline on x86-64), through
//! the safe wrappers of `safe_arch`.
//!
//! Eight 16-bit lanes hold one sample of eight rows (pass 1) or of eight columns
//! (pass 2); an 8×8 transpose precedes each pass. The additions stay in 16 bits: pass 1
//! outputs lie in −4096..4096 (eight samples of −128..127, scaled by 4), so every sum
//! of at most eight of them in pass 2 fits. Each rotation `a·c1 + b·c2` is one
//! `pmaddwd` on interleaved (a, b) with 32-bit results, which is the scalar code's
//! arithmetic regrouped (integer sums do not depend on the order), so the outputs are
//! equal to [`fdct_islow`](super::fdct::fdct_islow)'s for every input (tested).
//! Quantization is the same reciprocal multiply as [`Divisors::quantize`], with
//! `pmulhuw`.

use super::fdct::{Divisors, CONST_BITS, PASS1_BITS};
use super::fdct::{
    FIX_0_298631336 as F0298, FIX_0_390180644 as F0390, FIX_0_541196100 as F0541,
    FIX_0_765366865 as F0765, FIX_0_899976223 as F0899, FIX_1_175875602 as F1175,
    FIX_1_501321110 as F1501, FIX_1_847759065 as F1847, FIX_1_961570560 as F1961,
    FIX_2_053119869 as F2053, FIX_2_562915447 as F2562, FIX_3_072711026 as F3072,
};
use super::idct_sse2::transpose;
use crate::coeffs::Block;
use safe_arch::*;

/// The constant pair (a, b) repeated, for `pmaddwd` against interleaved inputs.
#[inline(always)]
fn pair(a: i32, b: i32) -> m128i {
    let (a, b) = (a as i16, b as i16);
    m128i::from([a, b, a, b, a, b, a, b])
}

/// Eight 32-bit lanes as two halves.
type Wide = (m128i, m128i);

/// (a, b) interleaved, low and high halves, for [`madd`].
#[inline(always)]
fn zip(a: m128i, b: m128i) -> Wide {
    (unpack_low_i16_m128i(a, b), unpack_high_i16_m128i(a, b))
}

/// a·ca + b·cb per lane of interleaved (a, b).
#[inline(always)]
fn madd(ab: Wide, c: m128i) -> Wide {
    (
        mul_i16_horizontal_add_m128i(ab.0, c),
        mul_i16_horizontal_add_m128i(ab.1, c),
    )
}

#[inline(always)]
fn add(a: Wide, b: Wide) -> Wide {
    (add_i32_m128i(a.0, b.0), add_i32_m128i(a.1, b.1))
}

/// (v + 2^(SHIFT−1)) >> SHIFT, packed back to 16 bits (the values fit).
#[inline(always)]
fn descale<const SHIFT: i32>(v: Wide) -> m128i {
    let round = set_splat_i32_m128i(1 << (SHIFT - 1));
    pack_i32_to_i16_m128i(
        shr_imm_i32_m128i::<SHIFT>(add_i32_m128i(v.0, round)),
        shr_imm_i32_m128i::<SHIFT>(add_i32_m128i(v.1, round)),
    )
}

/// One 1-D pass over eight lanes: `d[k]` holds input k of every lane. `FIRST` is the
/// row pass (outputs scaled up by `PASS1_BITS`), else the column pass.
#[inline(always)]
fn pass<const FIRST: bool, const SHIFT: i32>(d: [m128i; 8]) -> [m128i; 8] {
    let tmp0 = add_i16_m128i(d[0], d[7]);
    let tmp7 = sub_i16_m128i(d[0], d[7]);
    let tmp1 = add_i16_m128i(d[1], d[6]);
    let tmp6 = sub_i16_m128i(d[1], d[6]);
    let tmp2 = add_i16_m128i(d[2], d[5]);
    let tmp5 = sub_i16_m128i(d[2], d[5]);
    let tmp3 = add_i16_m128i(d[3], d[4]);
    let tmp4 = sub_i16_m128i(d[3], d[4]);

    // Even part.
    let tmp10 = add_i16_m128i(tmp0, tmp3);
    let tmp13 = sub_i16_m128i(tmp0, tmp3);
    let tmp11 = add_i16_m128i(tmp1, tmp2);
    let tmp12 = sub_i16_m128i(tmp1, tmp2);
    let (out0, out4) = if FIRST {
        (
            shl_imm_u16_m128i::<{ PASS1_BITS as i32 }>(add_i16_m128i(tmp10, tmp11)),
            shl_imm_u16_m128i::<{ PASS1_BITS as i32 }>(sub_i16_m128i(tmp10, tmp11)),
        )
    } else {
        // (x + 2) >> 2 in 16 bits: |x| ≤ 32768 − 128, so x + 2 does not wrap.
        let r = set_splat_i16_m128i(1 << (PASS1_BITS - 1));
        (
            shr_imm_i16_m128i::<{ PASS1_BITS as i32 }>(add_i16_m128i(
                add_i16_m128i(tmp10, tmp11),
                r,
            )),
            shr_imm_i16_m128i::<{ PASS1_BITS as i32 }>(add_i16_m128i(
                sub_i16_m128i(tmp10, tmp11),
                r,
            )),
        )
    };
    // z1 = (tmp12 + tmp13)·c541; out2 = z1 + tmp13·c765; out6 = z1 − tmp12·c1847.
    let e = zip(tmp13, tmp12);
    let out2 = descale::<SHIFT>(madd(e, pair(F0541 + F0765, F0541)));
    let out6 = descale::<SHIFT>(madd(e, pair(F0541, F0541 - F1847)));

    // Odd part: with z5 = (z3 + z4)·c1175, Z3 = z5 − z3·c1961 and Z4 = z5 − z4·c390
    // are each one product pair of (z3, z4); then every output is a pair plus one of them.
    let z3 = add_i16_m128i(tmp4, tmp6);
    let z4 = add_i16_m128i(tmp5, tmp7);
    let z = zip(z3, z4);
    let zz3 = madd(z, pair(F1175 - F1961, F1175));
    let zz4 = madd(z, pair(F1175, F1175 - F0390));
    let t47 = zip(tmp4, tmp7);
    let t56 = zip(tmp5, tmp6);
    let out1 = descale::<SHIFT>(add(madd(t47, pair(-F0899, F1501 - F0899)), zz4));
    let out7 = descale::<SHIFT>(add(madd(t47, pair(F0298 - F0899, -F0899)), zz3));
    let out3 = descale::<SHIFT>(add(madd(t56, pair(-F2562, F3072 - F2562)), zz3));
    let out5 = descale::<SHIFT>(add(madd(t56, pair(F2053 - F2562, -F2562)), zz4));
    [out0, out1, out2, out3, out4, out5, out6, out7]
}

/// Eight samples at `s[0..8]`, level-shifted (−128) to 16 bits.
#[inline(always)]
pub(super) fn load_row(s: &[u8]) -> m128i {
    let b: [u8; 8] = s[..8].try_into().unwrap();
    let v = m128i::from(i64::from_le_bytes(b) as i128);
    sub_i16_m128i(
        unpack_low_i8_m128i(v, m128i::default()),
        set_splat_i16_m128i(128),
    )
}

/// The FDCT of the 8×8 samples at `samples[0]` (rows `stride` apart): eight rows of
/// 8 × the DCT coefficients, natural order.
#[inline(always)]
pub fn fdct(samples: &[u8], stride: usize) -> [m128i; 8] {
    let samples = &samples[..7 * stride + 8];
    let rows: [m128i; 8] = std::array::from_fn(|y| load_row(&samples[y * stride..]));
    let p1 = pass::<true, { (CONST_BITS - PASS1_BITS) as i32 }>(transpose(rows));
    pass::<false, { (CONST_BITS + PASS1_BITS) as i32 }>(transpose(p1))
}

/// See [`fdct_quantize`](super::fdct::fdct_quantize).
#[inline]
pub fn fdct_quantize(samples: &[u8], stride: usize, div: &Divisors, out: &mut Block) {
    quantize_rows(fdct(samples, stride), div, out);
}

/// [`Divisors::quantize`] of eight rows of 16-bit DCT outputs, natural order.
#[inline(always)]
pub(super) fn quantize_rows(rows: [m128i; 8], div: &Divisors, out: &mut Block) {
    if div.reciprocals().is_none() {
        let mut coef = [0i16; 64];
        for (k, r) in rows.iter().enumerate() {
            coef[k * 8..k * 8 + 8].copy_from_slice(&<[i16; 8]>::from(*r));
        }
        return div.quantize(&coef, out);
    }
    let [recip, corr, scale] = &div.lanes;
    // |x|, plus the rounding correction, times the reciprocal and the scale (both
    // high halves), then the sign back. Written per row without a loop so that
    // the rows stay in registers.
    let q = |k: usize| -> m128i {
        let x = rows[k];
        let sign = shr_imm_i16_m128i::<15>(x);
        let abs = sub_i16_m128i(bitxor_m128i(x, sign), sign);
        let n = add_i16_m128i(abs, corr[k]);
        let t = mul_u16_keep_high_m128i(n, recip[k]);
        let q = mul_u16_keep_high_m128i(t, scale[k]);
        sub_i16_m128i(bitxor_m128i(q, sign), sign)
    };
    let quantized = [q(0), q(1), q(2), q(3), q(4), q(5), q(6), q(7)];
    for (o, v) in out.chunks_exact_mut(8).zip(quantized) {
        o.copy_from_slice(&<[i16; 8]>::from(v));
    }
}

#[cfg(test)]
mod tests {
    use super::super::fdct::{fdct_islow, fdct_quantize_scalar};
    use super::*;
    use crate::coeffs::QuantTable;

    /// A small deterministic generator (xorshift).
    fn rng(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    fn scalar_fdct(samples: &[u8; 64]) -> [i32; 64] {
        let mut ws = samples.map(|s| s as i32 - 128);
        fdct_islow(&mut ws);
        ws
    }

    fn check(samples: &[u8; 64]) {
        let want = scalar_fdct(samples);
        let got = fdct(samples, 8);
        for (k, r) in got.iter().enumerate() {
            let r = <[i16; 8]>::from(*r).map(|v| v as i32);
            assert_eq!(r[..], want[k * 8..k * 8 + 8], "{samples:?}");
        }
    }

    #[test]
    fn fdct_equals_scalar() {
        let mut seed = 0x1234_5678_9abc_def0u64;
        for _ in 0..20000 {
            let s: [u8; 64] = std::array::from_fn(|_| rng(&mut seed) as u8);
            check(&s);
        }
        // Extremes: every block of 0 and 255 following the signs of a basis function
        // (the largest outputs of each frequency), flat blocks, checkerboards.
        for u in 0..8 {
            for v in 0..8 {
                for flip in [false, true] {
                    let s: [u8; 64] = std::array::from_fn(|i| {
                        let (y, x) = (i / 8, i % 8);
                        let c = ((2 * x + 1) as f64 * u as f64 * std::f64::consts::PI / 16.0).cos()
                            * ((2 * y + 1) as f64 * v as f64 * std::f64::consts::PI / 16.0).cos();
                        if (c >= 0.0) != flip {
                            255
                        } else {
                            0
                        }
                    });
                    check(&s);
                }
            }
        }
        for v in [0u8, 1, 127, 128, 254, 255] {
            check(&[v; 64]);
        }
    }

    /// The three methods' SSE2 forms against their portable ones, on random blocks and
    /// on the extremes of every frequency (0 and 255 following a basis function's
    /// signs), at several quantization steps.
    #[test]
    fn every_method_equals_scalar() {
        use crate::pixels::DctMethod;
        let mut seed = 0x005e_ed0f_fa57_u64;
        let mut blocks: Vec<[u8; 64]> = (0..3000)
            .map(|_| std::array::from_fn(|_| rng(&mut seed) as u8))
            .collect();
        for u in 0..8 {
            for v in 0..8 {
                for flip in [false, true] {
                    blocks.push(std::array::from_fn(|i| {
                        let (y, x) = (i / 8, i % 8);
                        let c = ((2 * x + 1) as f64 * u as f64 * std::f64::consts::PI / 16.0).cos()
                            * ((2 * y + 1) as f64 * v as f64 * std::f64::consts::PI / 16.0).cos();
                        if (c >= 0.0) != flip {
                            255
                        } else {
                            0
                        }
                    }));
                }
            }
        }
        for method in [DctMethod::Int, DctMethod::Fast, DctMethod::Float] {
            for q in [1u16, 2, 5, 16, 99, 255] {
                let t = QuantTable {
                    values: std::array::from_fn(|i| q.max(1 + i as u16 % q)),
                    sixteen_bit: false,
                };
                let div = Divisors::for_method(&t, method);
                for s in &blocks {
                    let (mut a, mut b) = ([0i16; 64], [0i16; 64]);
                    super::super::fdct::fdct_quantize(s, 8, &div, &mut a);
                    fdct_quantize_scalar(s, 8, &div, &mut b);
                    assert_eq!(a, b, "{method:?} q {q} {s:?}");
                }
            }
        }
    }

    #[test]
    fn quantize_equals_scalar() {
        let mut seed = 0x0fed_cba9_8765_4321u64;
        let tables = [1u16, 2, 3, 7, 16, 100, 255, 1000, 8191, 8192, 32767];
        for &q in &tables {
            let mut t = QuantTable {
                values: [q; 64],
                sixteen_bit: q > 255,
            };
            for _ in 0..400 {
                t.values[(rng(&mut seed) % 64) as usize] = 1 + (rng(&mut seed) % 255) as u16;
                let div = Divisors::new(&t);
                let s: [u8; 70] = std::array::from_fn(|_| rng(&mut seed) as u8);
                let stride = 1 + (rng(&mut seed) % 2) as usize;
                let (mut a, mut b) = ([0i16; 64], [0i16; 64]);
                fdct_quantize(&s[..], stride, &div, &mut a);
                fdct_quantize_scalar(&s[..], stride, &div, &mut b);
                assert_eq!(a, b, "q {q} stride {stride}");
            }
        }
    }
}
