//! SSE2 forms of the colour conversion in [`super::color`], 16 pixels at a time, with
//! the same integer arithmetic as the scalar code (so the same bytes; tests there
//! compare the two).
//!
//! YCbCr → RGB works in 16-bit lanes as the scalar form does: R and B from the
//! high halves of 16×16-bit products (pmulhw), G from a pair of products summed in
//! 32 bits (pmaddwd), each then rounded and shifted; the final clamp to 0..255 is the
//! unsigned saturation of the pack to bytes.

use super::color::{FIX_0_34414, FIX_0_71414, ONE_HALF};
use safe_arch::*;

/// Converts whole groups of 16 pixels while `out` has 4 spare bytes after them (see
/// [`store_rgb16`]); returns how many pixels it converted.
#[inline]
pub fn ycc_to_rgb(y: &[u8], cb: &[u8], cr: &[u8], out: &mut [u8]) -> usize {
    let n = y.len().min(cb.len()).min(cr.len());
    let mut i = 0;
    while i + 16 <= n && 3 * i + 52 <= out.len() {
        let vy = load_unaligned_m128i(y[i..i + 16].try_into().unwrap());
        let vcb = load_unaligned_m128i(cb[i..i + 16].try_into().unwrap());
        let vcr = load_unaligned_m128i(cr[i..i + 16].try_into().unwrap());
        let (r, g, b) = ycc16(vy, vcb, vcr);
        store_rgb16(r, g, b, &mut out[3 * i..3 * i + 52]);
        i += 16;
    }
    i
}

/// R, G, B of 16 pixels.
#[inline(always)]
fn ycc16(y: m128i, cb: m128i, cr: m128i) -> (m128i, m128i, m128i) {
    let zero = zeroed_m128i();
    let half = |v: m128i, lo: bool| {
        if lo {
            unpack_low_i8_m128i(v, zero)
        } else {
            unpack_high_i8_m128i(v, zero)
        }
    };
    let c128 = set_splat_i16_m128i(128);
    let one = set_splat_i16_m128i(1);
    let k_r = set_splat_i16_m128i(26345); // FIX(1.402) − 2^16
    let k_b = set_splat_i16_m128i(-14942); // FIX(1.772) − 2^17
                                           // (−FIX(0.34414), 2^16 − FIX(0.71414)) per (Cb, Cr) pair of 16-bit lanes.
    let k_g = set_splat_i32_m128i(((65536 - FIX_0_71414) << 16) | (-FIX_0_34414 & 0xFFFF));
    let round = set_splat_i32_m128i(ONE_HALF);
    let mut rgb = [[zero; 2]; 3];
    for (h, lo) in [true, false].into_iter().enumerate() {
        let yv = half(y, lo);
        let cbv = sub_i16_m128i(half(cb, lo), c128);
        let crv = sub_i16_m128i(half(cr, lo), c128);
        // ⌊(c·x + 2^15) / 2^16⌋ = (⌊2x·c / 2^16⌋ + 1) >> 1.
        let rr = mul_i16_keep_high_m128i(add_i16_m128i(crv, crv), k_r);
        let rr = shr_imm_i16_m128i::<1>(add_i16_m128i(rr, one));
        rgb[0][h] = add_i16_m128i(add_i16_m128i(yv, crv), rr);
        let bb = mul_i16_keep_high_m128i(add_i16_m128i(cbv, cbv), k_b);
        let bb = shr_imm_i16_m128i::<1>(add_i16_m128i(bb, one));
        rgb[2][h] = add_i16_m128i(add_i16_m128i(yv, add_i16_m128i(cbv, cbv)), bb);
        let g = |pairs: m128i| {
            shr_imm_i32_m128i::<16>(add_i32_m128i(
                mul_i16_horizontal_add_m128i(pairs, k_g),
                round,
            ))
        };
        let gg = pack_i32_to_i16_m128i(
            g(unpack_low_i16_m128i(cbv, crv)),
            g(unpack_high_i16_m128i(cbv, crv)),
        );
        rgb[1][h] = add_i16_m128i(sub_i16_m128i(yv, crv), gg);
    }
    let pack = |c: [m128i; 2]| pack_i16_to_u8_m128i(c[0], c[1]);
    (pack(rgb[0]), pack(rgb[1]), pack(rgb[2]))
}

/// Interleaves 16 pixels into `out[..48]`, writing (garbage) into `out[48..52]` too.
#[inline(always)]
fn store_rgb16(r: m128i, g: m128i, b: m128i, out: &mut [u8]) {
    let zero = zeroed_m128i();
    let lane0 = m128i::from([-1i64, 0]);
    let lane1 = m128i::from([0i64, -1]);
    let low24 = m128i::from([0x00FF_FFFFi64, 0x00FF_FFFF]);
    let next24 = m128i::from([0xFFFF_FF00_0000i64, 0xFFFF_FF00_0000]);
    let rg = [unpack_low_i8_m128i(r, g), unpack_high_i8_m128i(r, g)];
    let bz = [unpack_low_i8_m128i(b, zero), unpack_high_i8_m128i(b, zero)];
    // 16 pixels are stored as 4 × 16 bytes at a 12-byte stride: each store's last 4
    // bytes are garbage that the next store (or a later group) overwrites.
    for h in 0..2 {
        for q in 0..2 {
            // Four pixels as RGB0 RGB0 | RGB0 RGB0.
            let x = if q == 0 {
                unpack_low_i16_m128i(rg[h], bz[h])
            } else {
                unpack_high_i16_m128i(rg[h], bz[h])
            };
            // → RGBRGB00 | RGBRGB00 → RGBRGBRGBRGB0000.
            let v = bitor_m128i(
                bitand_m128i(x, low24),
                bitand_m128i(shr_imm_u64_m128i::<8>(x), next24),
            );
            let v = bitor_m128i(
                bitand_m128i(v, lane0),
                byte_shr_imm_u128_m128i::<2>(bitand_m128i(v, lane1)),
            );
            let at = 12 * (2 * h + q);
            store_unaligned_m128i((&mut out[at..at + 16]).try_into().unwrap(), v);
        }
    }
}

/// Interleaves whole groups of 16 pixels while 4 spare bytes follow them in `out`;
/// returns how many pixels it wrote.
#[inline]
pub fn interleave_rgb(r: &[u8], g: &[u8], b: &[u8], out: &mut [u8]) -> usize {
    let n = r.len().min(g.len()).min(b.len());
    let mut i = 0;
    while i + 16 <= n && 3 * i + 52 <= out.len() {
        let vr = load_unaligned_m128i(r[i..i + 16].try_into().unwrap());
        let vg = load_unaligned_m128i(g[i..i + 16].try_into().unwrap());
        let vb = load_unaligned_m128i(b[i..i + 16].try_into().unwrap());
        store_rgb16(vr, vg, vb, &mut out[3 * i..3 * i + 52]);
        i += 16;
    }
    i
}
