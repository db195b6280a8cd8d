//! [`rgb_to_ycc_row`](super::rgb2ycc::rgb_to_ycc_row) and
//! [`rgb_to_gray_row`](super::rgb2ycc::rgb_to_gray_row) with SSE2, sixteen pixels at a
//! time, through the safe wrappers of `safe_arch`.
//!
//! Deinterleaving: the 48 bytes of 16 pixels are read as four groups of 12 bytes
//! (pixels 4k..4k+3); two rounds of unpacks transpose them into 32-bit units that each
//! hold one byte position of the four groups (one channel of pixels j, 4+j, 8+j,
//! 12+j), and `shufps` gathers the units of each channel. The channel vectors are thus
//! in the order 0, 4, 8, 12, 1, 5, …; the arithmetic is per pixel, and two rounds of
//! 16-bit unpacks put the results back in order ([`reorder`]).
//!
//! Arithmetic: the same 16-bit fixed-point sums as the scalar code, each as `pmaddwd`
//! of two interleaved channels (exact 32-bit integer products). Coefficients of 2^15
//! and more do not fit a 16-bit lane, so they are split: 38470·G = 22086·G + 16384·G
//! and 32768·X = 16384·X + 16384·X.

use super::rgb2ycc::{
    CBCR_OFFSET, FIX_0_08131, FIX_0_11400, FIX_0_16874, FIX_0_29900, FIX_0_33126, FIX_0_41869,
    FIX_0_58700, ONE_HALF, SCALEBITS,
};
use safe_arch::*;

/// The constant pair (a, b) repeated, for `pmaddwd` against interleaved inputs.
#[inline(always)]
fn pair(a: i32, b: i32) -> m128i {
    let (a, b) = (a as i16, b as i16);
    m128i::from([a, b, a, b, a, b, a, b])
}

/// `shufps` selector: lanes 0, 1 from the first operand, 2, 3 from the second.
const fn sel(a0: i32, a1: i32, b2: i32, b3: i32) -> i32 {
    a0 | (a1 << 2) | (b2 << 4) | (b3 << 6)
}

#[inline(always)]
fn shufps<const MASK: i32>(a: m128i, b: m128i) -> m128i {
    cast_to_m128i_from_m128(shuffle_abi_f32_all_m128::<MASK>(
        cast_to_m128_from_m128i(a),
        cast_to_m128_from_m128i(b),
    ))
}

/// 16 bytes at `s[0..16]`.
#[inline(always)]
fn load(s: &[u8]) -> m128i {
    let a: &[u8; 16] = s[..16].try_into().unwrap();
    load_unaligned_m128i(a)
}

/// R, G and B of 16 pixels (`rgb[0..48]`), in the order 0, 4, 8, 12, 1, 5, 9, 13, …
#[inline(always)]
fn deinterleave(rgb: &[u8]) -> [m128i; 3] {
    let rgb = &rgb[..48];
    let g0 = load(rgb);
    let g1 = load(&rgb[12..]);
    let g2 = load(&rgb[24..]);
    let g3 = byte_shr_imm_u128_m128i::<4>(load(&rgb[32..]));
    // Units (32 bits) u_i = byte i of g0, g1, g2, g3, for i = 0..12.
    let l01 = unpack_low_i8_m128i(g0, g1);
    let l23 = unpack_low_i8_m128i(g2, g3);
    let h01 = unpack_high_i8_m128i(g0, g1);
    let h23 = unpack_high_i8_m128i(g2, g3);
    let t0 = unpack_low_i16_m128i(l01, l23); // u0 u1 u2 u3
    let t1 = unpack_high_i16_m128i(l01, l23); // u4 u5 u6 u7
    let t2 = unpack_low_i16_m128i(h01, h23); // u8 u9 u10 u11
                                             // R: u0 u3 u6 u9; G: u1 u4 u7 u10; B: u2 u5 u8 u11.
    let x = shufps::<{ sel(2, 2, 1, 1) }>(t1, t2);
    let r = shufps::<{ sel(0, 3, 0, 2) }>(t0, x);
    let y = shufps::<{ sel(1, 1, 0, 0) }>(t0, t1);
    let z = shufps::<{ sel(3, 3, 2, 2) }>(t1, t2);
    let g = shufps::<{ sel(0, 2, 0, 2) }>(y, z);
    let y = shufps::<{ sel(2, 2, 1, 1) }>(t0, t1);
    let b = shufps::<{ sel(0, 2, 0, 3) }>(y, t2);
    [r, g, b]
}

/// Sixteen results as bytes in pixel order, from the 16-bit lanes of pixels
/// 0, 4, 8, 12, 1, 5, 9, 13 (`lo`) and 2, 6, 10, 14, 3, 7, 11, 15 (`hi`), the order of
/// [`deinterleave`]. Interleaving `lo` and `hi` gives the even and the odd pixels,
/// interleaving those the pixels in order; the 16-bit unpacks are cheaper than a
/// byte transpose after packing (which the compiler expands into shuffles).
#[inline(always)]
fn reorder(lo: m128i, hi: m128i) -> m128i {
    let even = unpack_low_i16_m128i(lo, hi);
    let odd = unpack_high_i16_m128i(lo, hi);
    pack_i16_to_u8_m128i(
        unpack_low_i16_m128i(even, odd),
        unpack_high_i16_m128i(even, odd),
    )
}

/// Eight 32-bit lanes as two halves.
type Wide = (m128i, m128i);

/// 16-bit lanes of (a, b) interleaved: low and high halves.
#[inline(always)]
fn zip(a: m128i, b: m128i) -> Wide {
    (unpack_low_i16_m128i(a, b), unpack_high_i16_m128i(a, b))
}

/// `(a·ca + b·cb + c·cc + d·cd + k) >> SCALEBITS` for interleaved (a, b) and (c, d).
#[inline(always)]
fn dot(ab: Wide, cab: m128i, cd: Wide, ccd: m128i, k: m128i) -> m128i {
    let f = |x: m128i, y: m128i| {
        let s = add_i32_m128i(
            mul_i16_horizontal_add_m128i(x, cab),
            mul_i16_horizontal_add_m128i(y, ccd),
        );
        shr_imm_i32_m128i::<{ SCALEBITS as i32 }>(add_i32_m128i(s, k))
    };
    pack_i32_to_i16_m128i(f(ab.0, cd.0), f(ab.1, cd.1))
}

/// The 16-bit lanes (eight pixels) of the three outputs.
#[inline(always)]
fn ycc8(r: m128i, g: m128i, b: m128i, want_chroma: bool) -> [m128i; 3] {
    let rg = zip(r, g);
    let bg = zip(b, g);
    let half = set_splat_i32_m128i(ONE_HALF);
    let y = dot(
        rg,
        pair(FIX_0_29900, FIX_0_58700 - 16384),
        bg,
        pair(FIX_0_11400, 16384),
        half,
    );
    if !want_chroma {
        return [y, y, y];
    }
    let k = set_splat_i32_m128i(CBCR_OFFSET + ONE_HALF - 1);
    let cb = dot(
        rg,
        pair(-FIX_0_16874, -FIX_0_33126),
        zip(b, b),
        pair(16384, 16384),
        k,
    );
    let cr = dot(
        bg,
        pair(-FIX_0_08131, -FIX_0_41869),
        zip(r, r),
        pair(16384, 16384),
        k,
    );
    [y, cb, cr]
}

/// Y, Cb, Cr (or Y alone) of the 16 pixels at `rgb[0..48]`, in pixel order.
#[inline(always)]
fn ycc16(rgb: &[u8], want_chroma: bool) -> [[u8; 16]; 3] {
    let [r, g, b] = deinterleave(rgb);
    let z = m128i::default();
    let wide = |v: m128i| (unpack_low_i8_m128i(v, z), unpack_high_i8_m128i(v, z));
    let (r, g, b) = (wide(r), wide(g), wide(b));
    let lo = ycc8(r.0, g.0, b.0, want_chroma);
    let hi = ycc8(r.1, g.1, b.1, want_chroma);
    std::array::from_fn(|c| <[u8; 16]>::from(reorder(lo[c], hi[c])))
}

/// See [`rgb_to_ycc_row`](super::rgb2ycc::rgb_to_ycc_row); returns how many pixels it
/// converted (a multiple of 16; the caller does the rest).
pub fn rgb_to_ycc_row(rgb: &[u8], y: &mut [u8], cb: &mut [u8], cr: &mut [u8]) -> usize {
    let n = y.len() / 16 * 16;
    let (cb, cr) = (&mut cb[..n], &mut cr[..n]);
    for (((p, y), cb), cr) in rgb[..3 * n]
        .chunks_exact(48)
        .zip(y.chunks_exact_mut(16))
        .zip(cb.chunks_exact_mut(16))
        .zip(cr.chunks_exact_mut(16))
    {
        let [vy, vb, vr] = ycc16(p, true);
        y.copy_from_slice(&vy);
        cb.copy_from_slice(&vb);
        cr.copy_from_slice(&vr);
    }
    n
}

/// See [`rgb_to_gray_row`](super::rgb2ycc::rgb_to_gray_row); returns how many pixels
/// it converted (a multiple of 16).
pub fn rgb_to_gray_row(rgb: &[u8], y: &mut [u8]) -> usize {
    let n = y.len() / 16 * 16;
    for (p, y) in rgb[..3 * n].chunks_exact(48).zip(y.chunks_exact_mut(16)) {
        y.copy_from_slice(&ycc16(p, false)[0]);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::super::rgb2ycc::{rgb_to_gray_row_scalar, rgb_to_ycc_row_scalar};

    #[test]
    fn equals_scalar() {
        // Every (r, g, b) with one channel from a dense set and all extremes, plus a
        // pseudo-random stretch; 4099 pixels leaves a tail for the scalar code.
        let mut rgb = Vec::new();
        for r in (0..=255).step_by(5).chain([254, 255]) {
            for g in (0..=255).step_by(3).chain([1, 254, 255]) {
                for b in [0u8, 1, 2, 127, 128, 129, 200, 253, 254, 255] {
                    rgb.extend_from_slice(&[r as u8, g as u8, b]);
                }
            }
        }
        let mut next = crate::xorshift64(0x9e37_79b9_7f4a_7c15);
        while rgb.len() < 3 * 40000 + 3 * 7 {
            rgb.push(next() as u8);
        }
        let n = rgb.len() / 3;
        let mut a = vec![vec![0u8; n]; 3];
        let mut b = vec![vec![0u8; n]; 3];
        let [y, cb, cr] = &mut a[..] else {
            unreachable!()
        };
        let done = super::rgb_to_ycc_row(&rgb, y, cb, cr);
        assert_eq!(done, n / 16 * 16);
        let [y2, cb2, cr2] = &mut b[..] else {
            unreachable!()
        };
        rgb_to_ycc_row_scalar(&rgb, y2, cb2, cr2);
        for c in 0..3 {
            assert_eq!(a[c][..done], b[c][..done], "channel {c}");
        }
        let mut g = vec![0u8; n];
        let done = super::rgb_to_gray_row(&rgb, &mut g);
        let mut g2 = vec![0u8; n];
        rgb_to_gray_row_scalar(&rgb, &mut g2);
        assert_eq!(g[..done], g2[..done]);
    }
}
