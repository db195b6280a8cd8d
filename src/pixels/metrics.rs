//! Image quality metrics between two pixel images of the same shape: PSNR (per channel
//! and overall), SSIM on luma, maximum absolute difference, differing pixels.
//!
//! * PSNR: 10·log10(255² / MSE), MSE over all samples (overall) or over one channel's
//!   samples; identical inputs have infinite PSNR, reported as `None`.
//! * SSIM (Wang, Bovik, Sheikh, Simoncelli 2004) on luma: for three or more channels
//!   Y' = 0.299·R + 0.587·G + 0.114·B of the first three channels (as real numbers, not
//!   rounded), for one channel the gray samples. Window: 8×8 with uniform weights, moved
//!   in steps of 1 pixel over every position where it fits entirely (no padding);
//!   statistics are the population (1/N) means, variances and covariance;
//!   K1 = 0.01, K2 = 0.03, L = 255. The result is the mean SSIM over all windows.
//!   Images smaller than 8 in a dimension use one window covering the whole image.

use super::PixelImage;

/// Metrics of `b` against `a`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Metrics {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Channels compared.
    pub channels: usize,
    /// Mean squared error over all samples.
    pub mse: f64,
    /// Overall PSNR in dB; `None` when the images are identical (infinite).
    pub psnr: Option<f64>,
    /// PSNR per channel; `None` for an identical channel.
    pub psnr_channels: Vec<Option<f64>>,
    /// Mean SSIM on luma (1.0 for identical images).
    pub ssim: f64,
    /// Largest absolute sample difference.
    pub max_abs_diff: u8,
    /// Pixels with at least one differing sample.
    pub differing_pixels: u64,
}

/// PSNR from an MSE, `None` for zero (infinite).
pub fn psnr_from_mse(mse: f64) -> Option<f64> {
    (mse > 0.0).then(|| 10.0 * (255.0f64 * 255.0 / mse).log10())
}

/// Formats a PSNR for a table: `inf` for `None`, else two decimals.
pub fn fmt_psnr(p: Option<f64>) -> String {
    p.map_or_else(|| "inf".to_string(), |v| format!("{v:.2}"))
}

/// Compares two images; `None` when width, height or channels differ.
pub fn compare(a: &PixelImage, b: &PixelImage) -> Option<Metrics> {
    if (a.width, a.height, a.channels) != (b.width, b.height, b.channels)
        || a.data.len() != b.data.len()
    {
        return None;
    }
    let ch = a.channels.max(1);
    let mut sq = vec![0u64; ch];
    let mut max_abs = 0u8;
    let mut differing = 0u64;
    for (pa, pb) in a.data.chunks_exact(ch).zip(b.data.chunks_exact(ch)) {
        let mut diff = false;
        for c in 0..ch {
            let d = pa[c].abs_diff(pb[c]);
            if d != 0 {
                diff = true;
                max_abs = max_abs.max(d);
                sq[c] += d as u64 * d as u64;
            }
        }
        differing += diff as u64;
    }
    let pixels = (a.width as u64 * a.height as u64).max(1) as f64;
    let total: u64 = sq.iter().sum();
    let mse = total as f64 / (pixels * ch as f64);
    Some(Metrics {
        width: a.width,
        height: a.height,
        channels: a.channels,
        mse,
        psnr: psnr_from_mse(mse),
        psnr_channels: sq
            .iter()
            .map(|&s| psnr_from_mse(s as f64 / pixels))
            .collect(),
        ssim: ssim(a, b),
        max_abs_diff: max_abs,
        differing_pixels: differing,
    })
}

/// The luma plane used by SSIM (see the module documentation).
pub fn luma(img: &PixelImage) -> Vec<f64> {
    let ch = img.channels.max(1);
    img.data
        .chunks_exact(ch)
        .map(|p| {
            if ch >= 3 {
                0.299 * p[0] as f64 + 0.587 * p[1] as f64 + 0.114 * p[2] as f64
            } else {
                p[0] as f64
            }
        })
        .collect()
}

/// Mean SSIM on luma of two images of the same shape (see the module documentation).
/// Returns NaN for mismatched shapes.
pub fn ssim(a: &PixelImage, b: &PixelImage) -> f64 {
    if (a.width, a.height, a.channels) != (b.width, b.height, b.channels) {
        return f64::NAN;
    }
    let (w, h) = (a.width as usize, a.height as usize);
    if w == 0 || h == 0 {
        return 1.0;
    }
    let (x, y) = (luma(a), luma(b));
    // Integral images of x, y, x², y², xy: (w+1)×(h+1).
    let iw = w + 1;
    let mut sums = vec![[0f64; 5]; iw * (h + 1)];
    for r in 0..h {
        let mut row = [0f64; 5];
        for c in 0..w {
            let (p, q) = (x[r * w + c], y[r * w + c]);
            let v = [p, q, p * p, q * q, p * q];
            for k in 0..5 {
                row[k] += v[k];
            }
            let above = sums[r * iw + c + 1];
            let cell = &mut sums[(r + 1) * iw + c + 1];
            for k in 0..5 {
                cell[k] = above[k] + row[k];
            }
        }
    }
    let (ww, wh) = (w.min(8), h.min(8));
    let n = (ww * wh) as f64;
    let c1 = (0.01f64 * 255.0).powi(2);
    let c2 = (0.03f64 * 255.0).powi(2);
    let mut total = 0.0;
    let mut count = 0u64;
    for r in 0..=h - wh {
        for c in 0..=w - ww {
            let at = |rr: usize, cc: usize| sums[rr * iw + cc];
            let (s11, s12, s21, s22) = (at(r, c), at(r, c + ww), at(r + wh, c), at(r + wh, c + ww));
            let s: [f64; 5] = std::array::from_fn(|k| (s22[k] - s12[k] - s21[k] + s11[k]) / n);
            let (mx, my) = (s[0], s[1]);
            let vx = (s[2] - mx * mx).max(0.0);
            let vy = (s[3] - my * my).max(0.0);
            let cov = s[4] - mx * my;
            total += ((2.0 * mx * my + c1) * (2.0 * cov + c2))
                / ((mx * mx + my * my + c1) * (vx + vy + c2));
            count += 1;
        }
    }
    total / count as f64
}

/// `img` rotated 90° clockwise.
pub fn rotate90(img: &PixelImage) -> PixelImage {
    let (w, h, ch) = (img.width as usize, img.height as usize, img.channels);
    let mut data = vec![0u8; img.data.len()];
    // Output (w' = h, h' = w): out(x', y') = in(x = y', y = h - 1 - x').
    for y in 0..h {
        for x in 0..w {
            let (ox, oy) = (h - 1 - y, x);
            let src = (y * w + x) * ch;
            let dst = (oy * h + ox) * ch;
            data[dst..dst + ch].copy_from_slice(&img.data[src..src + ch]);
        }
    }
    PixelImage {
        width: img.height,
        height: img.width,
        channels: ch,
        data,
    }
}

/// `img` without its first `n` columns and rows (an empty image when too small).
pub fn drop_first(img: &PixelImage, n: u32) -> PixelImage {
    let (w, h) = (img.width.saturating_sub(n), img.height.saturating_sub(n));
    let ch = img.channels;
    let mut data = Vec::with_capacity(w as usize * h as usize * ch);
    for y in n as usize..img.height as usize {
        let row = img.row(y);
        data.extend_from_slice(&row[n as usize * ch..]);
    }
    if w == 0 || h == 0 {
        data.clear();
    }
    PixelImage {
        width: w,
        height: h,
        channels: ch,
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn img(w: u32, h: u32, f: impl Fn(u32, u32) -> u8) -> PixelImage {
        let mut data = Vec::new();
        for y in 0..h {
            for x in 0..w {
                let v = f(x, y);
                data.extend_from_slice(&[v, v / 2, 255 - v]);
            }
        }
        PixelImage {
            width: w,
            height: h,
            channels: 3,
            data,
        }
    }

    #[test]
    fn identical_is_inf_and_ssim_one() {
        let a = img(20, 13, |x, y| (x * 7 + y * 3) as u8);
        let m = compare(&a, &a).unwrap();
        assert_eq!(m.psnr, None);
        assert!((m.ssim - 1.0).abs() < 1e-12);
        assert_eq!(m.differing_pixels, 0);
    }

    #[test]
    fn known_mse() {
        let a = img(10, 10, |_, _| 100);
        let mut b = a.clone();
        b.data[0] = 110; // one sample off by 10 → MSE = 100 / 300
        let m = compare(&a, &b).unwrap();
        assert!((m.mse - 100.0 / 300.0).abs() < 1e-12);
        assert_eq!(m.max_abs_diff, 10);
        assert_eq!(m.differing_pixels, 1);
        assert_eq!(m.psnr_channels[1], None);
        assert!(m.ssim < 1.0);
    }

    #[test]
    fn rotate_four_times() {
        let a = img(5, 3, |x, y| (x * 10 + y) as u8);
        let r = rotate90(&a);
        assert_eq!((r.width, r.height), (3, 5));
        // Top-right of the rotated image is the top-left of the source.
        assert_eq!(&r.data[2 * 3..3 * 3], &a.data[0..3]);
        assert_eq!(rotate90(&rotate90(&rotate90(&r))), a);
        let d = drop_first(&a, 1);
        assert_eq!((d.width, d.height), (4, 2));
        assert_eq!(&d.data[0..3], &a.data[(5 + 1) * 3..(5 + 1) * 3 + 3]);
    }
}
