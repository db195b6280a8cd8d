//! [`idct_block`](super::idct::idct_block) with SSE2 (baseline on x86-64), through the
//! safe wrappers of `safe_arch`: the layout libjpeg-turbo's SIMD code uses.
//!
//! Each pass works on eight 16-bit lanes (one per column in pass 1, one per row in
//! pass 2). Pairs of products are one `pmaddwd` on interleaved inputs, which is why the
//! butterflies are written as `a·c1 + b·c2` with the combined constants; the 32-bit
//! results are rounded, shifted and packed back to 16 bits with saturation. An 8×8
//! transpose (three rounds of unpacks) sits between the passes and after pass 2.
//! Equal to [`idct_block_scalar`](super::idct::idct_block_scalar) for every input (tested).

use super::idct::*;
use crate::coeffs::Block;
use safe_arch::*;

/// The constant pair (a, b) repeated, for `pmaddwd` against interleaved inputs.
#[inline(always)]
fn pair(a: i32, b: i32) -> m128i {
    let (a, b) = (a as i16, b as i16);
    m128i::from([a, b, a, b, a, b, a, b])
}

/// Two halves of eight 32-bit lanes.
type Wide = (m128i, m128i);

/// a·ca + b·cb per lane for interleaved (a, b): lanes 0–3 from `lo`, 4–7 from `hi`.
#[inline(always)]
fn madd(lo: m128i, hi: m128i, c: m128i) -> Wide {
    (
        mul_i16_horizontal_add_m128i(lo, c),
        mul_i16_horizontal_add_m128i(hi, c),
    )
}

#[inline(always)]
fn add(a: Wide, b: Wide) -> Wide {
    (add_i32_m128i(a.0, b.0), add_i32_m128i(a.1, b.1))
}

#[inline(always)]
fn sub(a: Wide, b: Wide) -> Wide {
    (sub_i32_m128i(a.0, b.0), sub_i32_m128i(a.1, b.1))
}

/// 16-bit lanes sign-extended to 32 bits and shifted left by `CONST_BITS`, plus `round`.
#[inline(always)]
fn widen_scaled(v: m128i, round: m128i) -> Wide {
    let z = m128i::default();
    // (v << 16) >> (16 − CONST_BITS), arithmetic.
    let lo = shr_imm_i32_m128i::<{ 16 - CONST_BITS as i32 }>(unpack_low_i16_m128i(z, v));
    let hi = shr_imm_i32_m128i::<{ 16 - CONST_BITS as i32 }>(unpack_high_i16_m128i(z, v));
    (add_i32_m128i(lo, round), add_i32_m128i(hi, round))
}

/// One pass over eight lanes: `x[k]` holds input k of every lane; returns output n of
/// every lane, shifted right by `SHIFT` (rounded) and saturated to 16 bits.
#[inline(always)]
fn pass<const SHIFT: i32>(x: [m128i; 8]) -> [m128i; 8] {
    let round = set_splat_i32_m128i(1 << (SHIFT - 1));
    // Even part.
    let (l26, h26) = (
        unpack_low_i16_m128i(x[2], x[6]),
        unpack_high_i16_m128i(x[2], x[6]),
    );
    let tmp3 = madd(l26, h26, pair(F_0_541 + F_0_765, F_0_541));
    let tmp2 = madd(l26, h26, pair(F_0_541, F_0_541 - F_1_847));
    let tmp0 = widen_scaled(add_i16_m128i(x[0], x[4]), round);
    let tmp1 = widen_scaled(sub_i16_m128i(x[0], x[4]), round);
    let (t10, t13) = (add(tmp0, tmp3), sub(tmp0, tmp3));
    let (t11, t12) = (add(tmp1, tmp2), sub(tmp1, tmp2));
    // Odd part.
    let s73 = add_i16_m128i(x[7], x[3]);
    let s51 = add_i16_m128i(x[5], x[1]);
    let (lz, hz) = (
        unpack_low_i16_m128i(s73, s51),
        unpack_high_i16_m128i(s73, s51),
    );
    let z3 = madd(lz, hz, pair(F_1_175 - F_1_961, F_1_175));
    let z4 = madd(lz, hz, pair(F_1_175, F_1_175 - F_0_390));
    let (l71, h71) = (
        unpack_low_i16_m128i(x[7], x[1]),
        unpack_high_i16_m128i(x[7], x[1]),
    );
    let o0 = add(madd(l71, h71, pair(F_0_298 - F_0_899, -F_0_899)), z3);
    let o3 = add(madd(l71, h71, pair(-F_0_899, F_1_501 - F_0_899)), z4);
    let (l53, h53) = (
        unpack_low_i16_m128i(x[5], x[3]),
        unpack_high_i16_m128i(x[5], x[3]),
    );
    let o1 = add(madd(l53, h53, pair(F_2_053 - F_2_562, -F_2_562)), z4);
    let o2 = add(madd(l53, h53, pair(-F_2_562, F_3_072 - F_2_562)), z3);
    let out = |v: Wide| {
        pack_i32_to_i16_m128i(
            shr_imm_i32_m128i::<SHIFT>(v.0),
            shr_imm_i32_m128i::<SHIFT>(v.1),
        )
    };
    [
        out(add(t10, o3)),
        out(add(t11, o2)),
        out(add(t12, o1)),
        out(add(t13, o0)),
        out(sub(t13, o0)),
        out(sub(t12, o1)),
        out(sub(t11, o2)),
        out(sub(t10, o3)),
    ]
}

/// 8×8 transpose of 16-bit lanes: interleave 16-, then 32-, then 64-bit units.
#[inline(always)]
pub(super) fn transpose(r: [m128i; 8]) -> [m128i; 8] {
    let t0 = unpack_low_i16_m128i(r[0], r[1]);
    let t1 = unpack_high_i16_m128i(r[0], r[1]);
    let t2 = unpack_low_i16_m128i(r[2], r[3]);
    let t3 = unpack_high_i16_m128i(r[2], r[3]);
    let t4 = unpack_low_i16_m128i(r[4], r[5]);
    let t5 = unpack_high_i16_m128i(r[4], r[5]);
    let t6 = unpack_low_i16_m128i(r[6], r[7]);
    let t7 = unpack_high_i16_m128i(r[6], r[7]);
    let u0 = unpack_low_i32_m128i(t0, t2);
    let u1 = unpack_high_i32_m128i(t0, t2);
    let u2 = unpack_low_i32_m128i(t1, t3);
    let u3 = unpack_high_i32_m128i(t1, t3);
    let u4 = unpack_low_i32_m128i(t4, t6);
    let u5 = unpack_high_i32_m128i(t4, t6);
    let u6 = unpack_low_i32_m128i(t5, t7);
    let u7 = unpack_high_i32_m128i(t5, t7);
    [
        unpack_low_i64_m128i(u0, u4),
        unpack_high_i64_m128i(u0, u4),
        unpack_low_i64_m128i(u1, u5),
        unpack_high_i64_m128i(u1, u5),
        unpack_low_i64_m128i(u2, u6),
        unpack_high_i64_m128i(u2, u6),
        unpack_low_i64_m128i(u3, u7),
        unpack_high_i64_m128i(u3, u7),
    ]
}

#[inline(always)]
fn load_row(v: &[i16; 64], k: usize) -> m128i {
    let a: [i16; 8] = v[k * 8..k * 8 + 8].try_into().unwrap();
    m128i::from(a)
}

/// See [`idct_block`](super::idct::idct_block).
#[inline]
pub fn idct_block(coef: &Block, mult: &[i16; 64], out: &mut [u8], stride: usize) {
    let out = &mut out[..7 * stride + 8];
    let c: [m128i; 8] = std::array::from_fn(|k| load_row(coef, k));
    let zero = m128i::default();
    let is_zero = |v: m128i| move_mask_i8_m128i(cmp_eq_mask_i16_m128i(v, zero)) == 0xFFFF;
    let ac_rows = bitor_m128i(
        bitor_m128i(bitor_m128i(c[1], c[2]), bitor_m128i(c[3], c[4])),
        bitor_m128i(bitor_m128i(c[5], c[6]), c[7]),
    );
    let rows_zero = is_zero(ac_rows);
    if rows_zero && coef[1..8].iter().all(|&v| v == 0) {
        return dc_only(coef[0], mult[0], out, stride);
    }
    let x0 = mul_i16_keep_low_m128i(c[0], load_row(mult, 0));
    let ws = if rows_zero {
        // Rows 1–7 all zero: each column is its DC << 2 (16-bit shift).
        [shl_imm_u16_m128i::<{ PASS1_BITS as i32 }>(x0); 8]
    } else {
        let x: [m128i; 8] = std::array::from_fn(|k| {
            if k == 0 {
                x0
            } else {
                mul_i16_keep_low_m128i(c[k], load_row(mult, k))
            }
        });
        pass::<{ (CONST_BITS - PASS1_BITS) as i32 }>(x)
    };
    let o = pass::<{ (CONST_BITS + PASS1_BITS + 3) as i32 }>(transpose(ws));
    let rows = transpose(o);
    // Saturate to −128..127, then +128 (flipping the top bit).
    let bias = set_splat_i8_m128i(-128);
    for r in (0..8).step_by(2) {
        let b = bitxor_m128i(pack_i16_to_i8_m128i(rows[r], rows[r + 1]), bias);
        let lo = get_i64_from_m128i_s(b).to_le_bytes();
        let hi = get_i64_from_m128i_s(unpack_high_i64_m128i(b, b)).to_le_bytes();
        out[r * stride..r * stride + 8].copy_from_slice(&lo);
        out[(r + 1) * stride..(r + 1) * stride + 8].copy_from_slice(&hi);
    }
}
