//! Colour conversion of one row, in libjpeg's fixed point (`jdcolor.c`).
//!
//! JFIF: R = Y + 1.402·(Cr−128), G = Y − 0.34414·(Cb−128) − 0.71414·(Cr−128),
//! B = Y + 1.772·(Cb−128), each coefficient scaled by 2^16 and rounded (`FIX`), the
//! products rounded by adding ½ (`ONE_HALF`) before the shift (for G the two products
//! are summed first), the result clamped to 0..255.

const SCALEBITS: u32 = 16;
pub(super) const ONE_HALF: i32 = 1 << (SCALEBITS - 1);
const FIX_1_40200: i32 = 91881;
const FIX_1_77200: i32 = 116130;
pub(super) const FIX_0_71414: i32 = 46802;
pub(super) const FIX_0_34414: i32 = 22554;

/// Chroma contributions (R, G, B) of one Cb, Cr pair.
#[inline(always)]
fn chroma(cb: u8, cr: u8) -> (i32, i32, i32) {
    chroma_centered(cb as i32 - 128, cr as i32 - 128)
}

/// Chroma contributions (R, G, B) of Cb, Cr less their centre (128 for 8-bit samples,
/// 2048 for 12-bit: libjpeg's tables are the same equations at any precision).
#[inline(always)]
pub(super) fn chroma_centered(cb: i32, cr: i32) -> (i32, i32, i32) {
    let r = (FIX_1_40200 * cr + ONE_HALF) >> SCALEBITS;
    let g = (-FIX_0_34414 * cb + ONE_HALF - FIX_0_71414 * cr) >> SCALEBITS;
    let b = (FIX_1_77200 * cb + ONE_HALF) >> SCALEBITS;
    (r, g, b)
}

#[inline(always)]
fn clamp(v: i32) -> u8 {
    v.clamp(0, 255) as u8
}

/// `(a·c) >> 16` of 16-bit values (the high half of a 16×16-bit product: SSE2's pmulhw).
#[inline(always)]
fn mulhi(a: i16, c: i16) -> i16 {
    ((a as i32 * c as i32) >> 16) as i16
}

/// Pixels converted per step: R, G and B are computed into small planar buffers (a
/// loop LLVM vectorizes) and then interleaved.
const CHUNK: usize = 64;

/// YCbCr → interleaved RGB.
///
/// The same integers as the equations above, rearranged so every product is a 16-bit
/// one (as libjpeg-turbo's SIMD code does): FIX(1.402) = 2^16 + 26345, FIX(1.772) =
/// 2^17 − 14942, −FIX(0.71414) = 18734 − 2^16, and ⌊(c·x + 2^15) / 2^16⌋ =
/// (⌊2x·c / 2^16⌋ + 1) >> 1.
pub fn ycc_to_rgb(y: &[u8], cb: &[u8], cr: &[u8], out: &mut [u8]) {
    let n = out.len() / 3;
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    let done = super::color_sse2::ycc_to_rgb(&y[..n], &cb[..n], &cr[..n], out);
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    let done = 0;
    ycc_to_rgb_scalar(
        &y[done..n],
        &cb[done..n],
        &cr[done..n],
        &mut out[3 * done..],
    );
}

/// The portable form of [`ycc_to_rgb`] (the same bytes for every input).
pub fn ycc_to_rgb_scalar(y: &[u8], cb: &[u8], cr: &[u8], out: &mut [u8]) {
    let n = out.len() / 3;
    let (y, cb, cr) = (&y[..n], &cb[..n], &cr[..n]);
    let mut rgb = [[0u8; CHUNK]; 3];
    for (k, o) in out.chunks_mut(3 * CHUNK).enumerate() {
        let base = k * CHUNK;
        let m = o.len() / 3;
        let (ys, cbs, crs) = (&y[base..base + m], &cb[base..base + m], &cr[base..base + m]);
        let [rs, gs, bs] = &mut rgb;
        for i in 0..m {
            let yv = ys[i] as i16;
            let cbv = cbs[i] as i16 - 128;
            let crv = crs[i] as i16 - 128;
            let r = yv + crv + ((mulhi(crv * 2, 26345) + 1) >> 1);
            let b = yv + 2 * cbv + ((mulhi(cbv * 2, -14942) + 1) >> 1);
            let g = yv - crv
                + ((cbv as i32 * -FIX_0_34414 + crv as i32 * (65536 - FIX_0_71414) + ONE_HALF)
                    >> SCALEBITS) as i16;
            rs[i] = r.clamp(0, 255) as u8;
            gs[i] = g.clamp(0, 255) as u8;
            bs[i] = b.clamp(0, 255) as u8;
        }
        interleave_rgb(&rs[..m], &gs[..m], &bs[..m], o);
    }
}

/// The ordered-dither offset of RGB565 output at column `x` of output row `row`
/// (libjpeg-turbo's 4×4 matrix, one byte per column, each row's word rotated a byte
/// per pixel); green takes half of it.
#[inline(always)]
fn dither565(row: usize, x: usize) -> i32 {
    const MATRIX: [u32; 4] = [0x0008_020A, 0x0C04_0E06, 0x030B_0109, 0x0F07_0D05];
    ((MATRIX[row & 3] >> (8 * (x & 3))) & 0xFF) as i32
}

/// An output pixel of RGB565 output (`djpeg -rgb565`) from R, G, B before clamping:
/// the dither offset added, clamped, then cut to 5, 6, 5 bits as the 16-bit pixel
/// holds them and djpeg's BMP writer spreads them back out (the low bits zero).
#[inline(always)]
fn pixel565(rgb: [i32; 3], d: i32, out: &mut [u8]) {
    out[0] = clamp(rgb[0] + d) & 0xF8;
    out[1] = clamp(rgb[1] + (d >> 1)) & 0xFC;
    out[2] = clamp(rgb[2] + d) & 0xF8;
}

/// YCbCr → RGB565 (libjpeg-turbo's `ycc_rgb565[D]_convert`: the JFIF equations in
/// libjpeg's tables, unclamped until the dither offset is in). `row` is the output row
/// (it picks the dither pattern's row).
pub fn ycc_to_rgb565(y: &[u8], cb: &[u8], cr: &[u8], row: usize, dither: bool, out: &mut [u8]) {
    for (x, px) in out.chunks_exact_mut(3).enumerate() {
        let (r, g, b) = chroma(cb[x], cr[x]);
        let yv = i32::from(y[x]);
        let d = if dither { dither565(row, x) } else { 0 };
        pixel565([yv + r, yv + g, yv + b], d, px);
    }
}

/// R, G, B planes → RGB565.
pub fn rgb_to_rgb565(p: [&[u8]; 3], row: usize, dither: bool, out: &mut [u8]) {
    for (x, px) in out.chunks_exact_mut(3).enumerate() {
        let d = if dither { dither565(row, x) } else { 0 };
        pixel565([p[0][x], p[1][x], p[2][x]].map(i32::from), d, px);
    }
}

/// Gray → RGB565: one dithered level (the red offset, for all three) cut to each
/// channel's bits.
pub fn gray_to_rgb565(g: &[u8], row: usize, dither: bool, out: &mut [u8]) {
    for (x, px) in out.chunks_exact_mut(3).enumerate() {
        let d = if dither { dither565(row, x) } else { 0 };
        let v = i32::from(clamp(i32::from(g[x]) + d));
        pixel565([v, v, v], 0, px);
    }
}

/// Three planes → interleaved samples, unchanged.
pub fn interleave3(a: &[u8], b: &[u8], c: &[u8], out: &mut [u8]) {
    let n = out.len() / 3;
    interleave_rgb(&a[..n], &b[..n], &c[..n], out);
}

/// Three R, G, B planes → luma samples (`djpeg -grayscale` of an RGB file: the same
/// fixed-point JFIF equation as the encoder's, see [`super::rgb2ycc::luma`]).
pub fn rgb_planes_to_gray(r: &[u8], g: &[u8], b: &[u8], out: &mut [u8]) {
    for (i, o) in out.iter_mut().enumerate() {
        *o = super::rgb2ycc::luma(r[i], g[i], b[i]);
    }
}

/// `out[3i..3i+3] = (r[i], g[i], b[i])`.
#[inline(always)]
fn interleave_rgb(r: &[u8], g: &[u8], b: &[u8], out: &mut [u8]) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    let done = super::color_sse2::interleave_rgb(r, g, b, out);
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    let done = 0;
    for j in done..r.len() {
        out[3 * j] = r[j];
        out[3 * j + 1] = g[j];
        out[3 * j + 2] = b[j];
    }
}

/// One CMYK sample → R, G, B as djpeg's PPM writer does (libjpeg-turbo `cmyk.h`):
/// `round(c·k/255)`, which reads Adobe's inverted CMYK as "ink absent = 255".
#[inline(always)]
fn cmyk_channel(c: u8, k: u8) -> u8 {
    // (c·k/255 + 0.5) truncated = ⌊(2ck + 255) / 510⌋ (c·k/255 is never exactly x.5).
    ((2 * c as u32 * k as u32 + 255) / 510) as u8
}

/// YCCK → CMYK: the YCbCr→RGB equations, inverted (255 − value), K passed through
/// (libjpeg's `ycck_cmyk_convert`).
#[inline(always)]
fn ycck_pixel(y: u8, cb: u8, cr: u8) -> (u8, u8, u8) {
    let (r, g, b) = chroma(cb, cr);
    let y = y as i32;
    (
        clamp(255 - (y + r)),
        clamp(255 - (y + g)),
        clamp(255 - (y + b)),
    )
}

/// Four planes (C, M, Y, K or Y, Cb, Cr, K when `ycck`) → interleaved CMYK.
pub fn to_cmyk(p: [&[u8]; 4], ycck: bool, out: &mut [u8]) {
    let n = out.len() / 4;
    let (p0, p1, p2, p3) = (&p[0][..n], &p[1][..n], &p[2][..n], &p[3][..n]);
    for (i, o) in out.chunks_exact_mut(4).enumerate() {
        let (c, m, y) = if ycck {
            ycck_pixel(p0[i], p1[i], p2[i])
        } else {
            (p0[i], p1[i], p2[i])
        };
        o[0] = c;
        o[1] = m;
        o[2] = y;
        o[3] = p3[i];
    }
}

/// Four planes (C, M, Y, K or Y, Cb, Cr, K when `ycck`) → interleaved RGB as djpeg
/// writes CMYK images to PPM.
pub fn cmyk_to_rgb(p: [&[u8]; 4], ycck: bool, out: &mut [u8]) {
    let n = out.len() / 3;
    let (p0, p1, p2, p3) = (&p[0][..n], &p[1][..n], &p[2][..n], &p[3][..n]);
    for (i, o) in out.chunks_exact_mut(3).enumerate() {
        let (c, m, y) = if ycck {
            ycck_pixel(p0[i], p1[i], p2[i])
        } else {
            (p0[i], p1[i], p2[i])
        };
        let k = p3[i];
        o[0] = cmyk_channel(c, k);
        o[1] = cmyk_channel(m, k);
        o[2] = cmyk_channel(y, k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fix_constants_are_rounded_scaled_values() {
        let fix = |x: f64| (x * 65536.0 + 0.5) as i32;
        assert_eq!(fix(1.40200), FIX_1_40200);
        assert_eq!(fix(1.77200), FIX_1_77200);
        assert_eq!(fix(0.71414), FIX_0_71414);
        assert_eq!(fix(0.34414), FIX_0_34414);
    }

    #[test]
    fn rearranged_equations_are_exact() {
        // Every (Y, Cb, Cr) against the equations as written.
        for cb in 0..=255u8 {
            for cr in 0..=255u8 {
                let ys: Vec<u8> = (0..=255).collect();
                let mut out = vec![0u8; 256 * 3];
                ycc_to_rgb(&ys, &[cb; 256], &[cr; 256], &mut out);
                let (r, g, b) = chroma(cb, cr);
                for (y, px) in out.chunks(3).enumerate() {
                    let y = y as i32;
                    assert_eq!(
                        px,
                        [clamp(y + r), clamp(y + g), clamp(y + b)],
                        "y {y} cb {cb} cr {cr}"
                    );
                }
            }
        }
    }

    #[test]
    fn simd_and_scalar_agree() {
        // Rows of every length up to 80 (so every tail case), with varied samples.
        let mut seed = 1u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (seed >> 16) as u8
        };
        for n in 0..80 {
            let (y, cb, cr): (Vec<u8>, Vec<u8>, Vec<u8>) =
                (0..n).map(|_| (next(), next(), next())).fold(
                    (vec![], vec![], vec![]),
                    |(mut a, mut b, mut c), (x, y, z)| {
                        a.push(x);
                        b.push(y);
                        c.push(z);
                        (a, b, c)
                    },
                );
            let (mut fast, mut slow) = (vec![0u8; 3 * n], vec![0u8; 3 * n]);
            ycc_to_rgb(&y, &cb, &cr, &mut fast);
            ycc_to_rgb_scalar(&y, &cb, &cr, &mut slow);
            assert_eq!(fast, slow, "n {n}");
        }
    }

    #[test]
    fn gray_chroma_is_neutral() {
        let mut out = [0u8; 6];
        ycc_to_rgb(&[0, 255], &[128, 128], &[128, 128], &mut out);
        assert_eq!(out, [0, 0, 0, 255, 255, 255]);
    }

    #[test]
    fn cmyk_rounding_matches_float_formula() {
        for c in 0..=255u8 {
            for k in 0..=255u8 {
                let f = (c as f64 * k as f64 / 255.0 + 0.5) as u8;
                assert_eq!(cmyk_channel(c, k), f);
            }
        }
    }
}
