//! RGB → Y'CbCr (and RGB → Y') in 16-bit fixed point, the JFIF equations as libjpeg
//! evaluates them (`SCALEBITS` = 16):
//!
//! ```text
//! Y  =  0.29900 R + 0.58700 G + 0.11400 B
//! Cb = -0.16874 R - 0.33126 G + 0.50000 B + 128
//! Cr =  0.50000 R - 0.41869 G - 0.08131 B + 128
//! ```
//!
//! Each coefficient is `FIX(x) = ⌊x·2^16 + 0.5⌋`. Y is rounded with +2^15; Cb and Cr with
//! +2^15 − 1 (a rounding of one half minus epsilon, so that 255.5 cannot occur and no
//! clamping is needed), then all are shifted right by 16.

pub(super) const SCALEBITS: u32 = 16;
pub(super) const ONE_HALF: i32 = 1 << (SCALEBITS - 1);
pub(super) const CBCR_OFFSET: i32 = 128 << SCALEBITS;

/// `FIX(0.29900)`
pub(super) const FIX_0_29900: i32 = 19595;
/// `FIX(0.58700)`
pub(super) const FIX_0_58700: i32 = 38470;
/// `FIX(0.11400)`
pub(super) const FIX_0_11400: i32 = 7471;
/// `FIX(0.16874)`
pub(super) const FIX_0_16874: i32 = 11059;
/// `FIX(0.33126)`
pub(super) const FIX_0_33126: i32 = 21709;
/// `FIX(0.50000)`
pub(super) const FIX_0_50000: i32 = 32768;
/// `FIX(0.41869)`
pub(super) const FIX_0_41869: i32 = 27439;
/// `FIX(0.08131)`
pub(super) const FIX_0_08131: i32 = 5329;

/// Cb and Cr of one RGB pixel, `offset` the centre sample value scaled by 2^16 (128 or
/// 2048): libjpeg's equations, rounded by ½ − ε (`ONE_HALF − 1`), as its tables are.
#[inline(always)]
pub(super) fn chroma(r: i32, g: i32, b: i32, offset: i32) -> (i32, i32) {
    let cb =
        (-FIX_0_16874 * r - FIX_0_33126 * g + FIX_0_50000 * b + offset + ONE_HALF - 1) >> SCALEBITS;
    let cr =
        (FIX_0_50000 * r - FIX_0_41869 * g - FIX_0_08131 * b + offset + ONE_HALF - 1) >> SCALEBITS;
    (cb, cr)
}

/// Luma of one RGB pixel.
#[inline(always)]
pub fn luma(r: u8, g: u8, b: u8) -> u8 {
    luma_wide(r.into(), g.into(), b.into()) as u8
}

/// Luma of one RGB pixel of any precision up to 16 bits (in 64 bits, where 16-bit
/// samples' products need them).
#[inline(always)]
pub fn luma_wide(r: u16, g: u16, b: u16) -> u16 {
    let [r, g, b] = [r, g, b].map(i64::from);
    let f = |c: i32| i64::from(c);
    ((f(FIX_0_29900) * r + f(FIX_0_58700) * g + f(FIX_0_11400) * b + f(ONE_HALF)) >> SCALEBITS)
        as u16
}

/// Converts a row of interleaved RGB (`3·n` bytes) to `n` Y, Cb and Cr samples
/// (with SSE2 on x86-64, equal to [`rgb_to_ycc_row_scalar`]).
pub fn rgb_to_ycc_row(rgb: &[u8], y: &mut [u8], cb: &mut [u8], cr: &mut [u8]) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    let done = super::rgb2ycc_sse2::rgb_to_ycc_row(rgb, y, cb, cr);
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    let done = 0;
    rgb_to_ycc_row_scalar(
        &rgb[3 * done..],
        &mut y[done..],
        &mut cb[done..],
        &mut cr[done..],
    );
}

/// Converts a row of interleaved RGB (`3·n` bytes) to `n` Y samples (`cjpeg
/// -grayscale`; with SSE2 on x86-64, equal to [`rgb_to_gray_row_scalar`]).
pub fn rgb_to_gray_row(rgb: &[u8], y: &mut [u8]) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    let done = super::rgb2ycc_sse2::rgb_to_gray_row(rgb, y);
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    let done = 0;
    rgb_to_gray_row_scalar(&rgb[3 * done..], &mut y[done..]);
}

/// The portable form of [`rgb_to_ycc_row`].
pub fn rgb_to_ycc_row_scalar(rgb: &[u8], y: &mut [u8], cb: &mut [u8], cr: &mut [u8]) {
    let n = y.len();
    let (rgb, cb, cr) = (&rgb[..3 * n], &mut cb[..n], &mut cr[..n]);
    for (i, p) in rgb.chunks_exact(3).enumerate() {
        let (r, g, b) = (p[0] as i32, p[1] as i32, p[2] as i32);
        y[i] =
            ((FIX_0_29900 * r + FIX_0_58700 * g + FIX_0_11400 * b + ONE_HALF) >> SCALEBITS) as u8;
        let (cbv, crv) = chroma(r, g, b, CBCR_OFFSET);
        (cb[i], cr[i]) = (cbv as u8, crv as u8);
    }
}

/// The portable form of [`rgb_to_gray_row`].
pub fn rgb_to_gray_row_scalar(rgb: &[u8], y: &mut [u8]) {
    let n = y.len();
    for (o, p) in y.iter_mut().zip(rgb[..3 * n].chunks_exact(3)) {
        *o = luma(p[0], p[1], p[2]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(x: f64) -> i32 {
        (x * 65536.0 + 0.5) as i32
    }

    #[test]
    fn constants_are_fix_of_the_jfif_coefficients() {
        assert_eq!(FIX_0_29900, fix(0.299));
        assert_eq!(FIX_0_58700, fix(0.587));
        assert_eq!(FIX_0_11400, fix(0.114));
        assert_eq!(FIX_0_16874, fix(0.16874));
        assert_eq!(FIX_0_33126, fix(0.33126));
        assert_eq!(FIX_0_50000, fix(0.5));
        assert_eq!(FIX_0_41869, fix(0.41869));
        assert_eq!(FIX_0_08131, fix(0.08131));
    }

    #[test]
    fn extremes_stay_in_range() {
        let rgb = [255, 255, 255, 0, 0, 0, 0, 0, 255, 255, 0, 0];
        let (mut y, mut cb, mut cr) = ([0u8; 4], [0u8; 4], [0u8; 4]);
        rgb_to_ycc_row(&rgb, &mut y, &mut cb, &mut cr);
        assert_eq!(y, [255, 0, 29, 76]);
        assert_eq!(cb, [128, 128, 255, 85]);
        assert_eq!(cr, [128, 128, 107, 255]);
    }
}
