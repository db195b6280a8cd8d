//! Small pictures of an image, for Exif thumbnails, where a reduced picture is all that
//! is wanted (no reference tool's output to match):
//! * [`dc_picture`]: the 1/8-scale picture the DC terms alone give (each block's mean,
//!   T.81 A.3.3), read from dense or packed blocks without an inverse transform;
//! * [`area_reduce`]: reduction by area averaging, each output pixel the mean of the
//!   input area it covers, fractional pixels at its edges weighted by the part inside.

use super::{color, ColorSpace, PixelImage};
use crate::coeffs::{ceil_div, CoefficientImage, PackedPlane};

/// The picture of `img` at 1/8 scale (⌈width/8⌉ × ⌈height/8⌉) from the DC terms: a
/// block's DC term is 8 × its mean sample less 128 (T.81 A.3.3, level shift A.3.1), so
/// each becomes one pixel; subsampled components are repeated over the pixels they
/// cover. `packed` holds the blocks when `img`'s planes are empty (a packed image).
/// Gray gives gray; YCbCr, RGB, CMYK and YCCK give RGB (CMYK as djpeg writes it to PPM).
pub fn dc_picture(
    img: &CoefficientImage,
    packed: Option<&[PackedPlane]>,
    color: ColorSpace,
) -> Option<PixelImage> {
    let t = DcTerms::new(img, packed)?;
    dc_picture_of(img, &t.sizes, |i, x, y| t.dc(i, x, y), color)
}

/// [`dc_picture`] in gray (see [`dc_gray_of`]).
pub fn dc_gray(
    img: &CoefficientImage,
    packed: Option<&[PackedPlane]>,
    color: ColorSpace,
) -> Option<PixelImage> {
    let t = DcTerms::new(img, packed)?;
    dc_gray_of(img, &t.sizes, |i, x, y| t.dc(i, x, y), color)
}

/// The DC terms of an image's blocks, dense or (when `packed`) packed.
struct DcTerms<'a> {
    img: &'a CoefficientImage,
    packed: Option<&'a [PackedPlane]>,
    /// The number of blocks each component holds (columns, rows).
    sizes: Vec<(usize, usize)>,
}

impl<'a> DcTerms<'a> {
    fn new(img: &'a CoefficientImage, packed: Option<&'a [PackedPlane]>) -> Option<Self> {
        let sizes = img
            .components
            .iter()
            .enumerate()
            .map(|(i, c)| match packed {
                Some(p) => p.get(i).map(|p| (p.width_blocks, p.height_blocks)),
                None => Some((c.plane.width_blocks, c.plane.height_blocks)),
            })
            .collect::<Option<Vec<_>>>()?;
        Some(DcTerms { img, packed, sizes })
    }

    fn dc(&self, i: usize, bx: usize, by: usize) -> i16 {
        match self.packed {
            Some(p) => p[i].dc(by * self.sizes[i].0 + bx),
            None => self.img.components[i].plane.block(bx, by)[0],
        }
    }
}

/// [`dc_picture_of`] in gray: the first component's DC terms alone when it is the
/// luminance at full resolution (gray or Y′CbCr: no colour is converted), else the
/// picture's [`to_gray`].
pub fn dc_gray_of(
    img: &CoefficientImage,
    sizes: &[(usize, usize)],
    dc: impl Fn(usize, usize, usize) -> i16,
    color: ColorSpace,
) -> Option<PixelImage> {
    let first = img.components.first()?;
    let full = img
        .components
        .iter()
        .all(|c| c.h <= first.h && c.v <= first.v);
    if !(full && matches!(color, ColorSpace::Gray | ColorSpace::YCbCr)) {
        return dc_picture_of(img, sizes, dc, color).map(|p| to_gray(&p));
    }
    let (wb, hb) = *sizes.first()?;
    let w = ceil_div(img.width as usize, 8).min(wb);
    let h = ceil_div(img.height as usize, 8).min(hb);
    let q0 = i32::from(first.quant.values[0]);
    let data = (0..h)
        .flat_map(|by| (0..w).map(move |bx| (by, bx)))
        .map(|(by, bx)| (((i32::from(dc(0, bx, by)) * q0 + 4) >> 3) + 128).clamp(0, 255) as u8)
        .collect();
    Some(PixelImage {
        width: w as u32,
        height: h as u32,
        channels: 1,
        data,
    })
}

/// Gray as the Y of JFIF's Y′CbCr: 0.299 R + 0.587 G + 0.114 B, rounded (gray stays).
pub fn to_gray(p: &PixelImage) -> PixelImage {
    let data = match p.channels {
        1 => p.data.clone(),
        n => p
            .data
            .chunks_exact(n)
            .map(|c| {
                let y = u32::from(c[0]) * 299 + u32::from(c[1]) * 587 + u32::from(c[2]) * 114;
                ((y + 500) / 1000) as u8
            })
            .collect(),
    };
    PixelImage {
        width: p.width,
        height: p.height,
        channels: 1,
        data,
    }
}

/// [`dc_picture`] of DC terms from anywhere: `dc(c, bx, by)` gives component `c`'s
/// block (bx, by) of the `sizes[c]` blocks it holds; `img` gives the size, sampling
/// factors and quantization tables.
pub fn dc_picture_of(
    img: &CoefficientImage,
    sizes: &[(usize, usize)],
    dc: impl Fn(usize, usize, usize) -> i16,
    color: ColorSpace,
) -> Option<PixelImage> {
    let channels = match (color, img.components.len()) {
        (ColorSpace::Gray, 1) => 1,
        (ColorSpace::YCbCr | ColorSpace::Rgb, 3) | (ColorSpace::Cmyk | ColorSpace::Ycck, 4) => 3,
        _ => return None,
    };
    let (w, h) = (
        ceil_div(img.width as usize, 8),
        ceil_div(img.height as usize, 8),
    );
    let hmax = img.components.iter().map(|c| c.h).max()? as usize;
    let vmax = img.components.iter().map(|c| c.v).max()? as usize;
    // Each component's DC samples at its own resolution (one per block), then repeated
    // over the pixels they cover row by row.
    let planes: Vec<(Vec<u8>, usize)> = img
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (wb, hb) = *sizes.get(i)?;
            let cw = ceil_div(w * usize::from(c.h), hmax).min(wb);
            let ch = ceil_div(h * usize::from(c.v), vmax).min(hb);
            let q0 = i32::from(c.quant.values[0]);
            let mut plane = Vec::with_capacity(cw * ch);
            for by in 0..ch {
                for bx in 0..cw {
                    // As libjpeg's 1×1 inverse DCT: dequantize, divide by 8, shift.
                    let v = ((i32::from(dc(i, bx, by)) * q0 + 4) >> 3) + 128;
                    plane.push(v.clamp(0, 255) as u8);
                }
            }
            (cw > 0 && ch > 0).then_some((plane, cw))
        })
        .collect::<Option<_>>()?;
    let rows: Vec<Vec<u8>> = (0..h)
        .flat_map(|y| {
            img.components
                .iter()
                .zip(&planes)
                .map(move |(c, (plane, cw))| {
                    let ch = plane.len() / cw;
                    let row = &plane[(y * usize::from(c.v) / vmax).min(ch - 1) * cw..][..*cw];
                    (0..w)
                        .map(|x| row[(x * usize::from(c.h) / hmax).min(cw - 1)])
                        .collect()
                })
        })
        .collect();
    let n = img.components.len();
    let mut data = vec![0u8; w * h * channels];
    if channels == 1 {
        data.copy_from_slice(&rows.concat());
    } else {
        for (y, out) in data.chunks_exact_mut(w * 3).enumerate() {
            let row = |i: usize| &rows[y * n + i][..];
            match color {
                ColorSpace::Rgb => color::interleave3(row(0), row(1), row(2), out),
                ColorSpace::YCbCr => color::ycc_to_rgb(row(0), row(1), row(2), out),
                c => {
                    let p = [row(0), row(1), row(2), row(3)];
                    color::cmyk_to_rgb(p, c == ColorSpace::Ycck, out);
                }
            }
        }
    }
    Some(PixelImage {
        width: w as u32,
        height: h as u32,
        channels,
        data,
    })
}

/// For each output position along one axis (`from` input samples onto `to` outputs,
/// `to ≤ from`), the input samples it covers with their weights. In units where an
/// input sample is `to` long and an output sample `from` long, every output's weights
/// sum to `from`.
fn coverage(from: usize, to: usize) -> Vec<Vec<(usize, u64)>> {
    (0..to)
        .map(|o| {
            let (start, end) = (o * from, (o + 1) * from);
            (start / to..end.div_ceil(to))
                .map(|i| {
                    let overlap = end.min((i + 1) * to) - start.max(i * to);
                    (i, overlap as u64)
                })
                .collect()
        })
        .collect()
}

/// `img` reduced to `width` × `height` (each at least 1 and at most the input's).
pub fn area_reduce(img: &PixelImage, width: u32, height: u32) -> PixelImage {
    let (sw, sh, ch) = (img.width as usize, img.height as usize, img.channels);
    let (dw, dh) = (
        (width as usize).clamp(1, sw.max(1)),
        (height as usize).clamp(1, sh.max(1)),
    );
    let (cols, rows) = (coverage(sw, dw), coverage(sh, dh));
    // Horizontal pass: sums scaled by sw (at most 255 × sw per sample).
    let mut wide = vec![0u64; dw * ch * sh];
    for y in 0..sh {
        let src = &img.data[y * sw * ch..][..sw * ch];
        let dst = &mut wide[y * dw * ch..][..dw * ch];
        for (o, taps) in cols.iter().enumerate() {
            for &(i, w) in taps {
                for k in 0..ch {
                    dst[o * ch + k] += w * u64::from(src[i * ch + k]);
                }
            }
        }
    }
    let total = (sw * sh) as u64;
    let mut data = Vec::with_capacity(dw * dh * ch);
    for taps in &rows {
        for x in 0..dw * ch {
            let sum: u64 = taps.iter().map(|&(i, w)| w * wide[i * dw * ch + x]).sum();
            data.push(((sum + total / 2) / total) as u8);
        }
    }
    PixelImage {
        width: dw as u32,
        height: dh as u32,
        channels: ch,
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(w: u32, h: u32, ch: usize, f: impl Fn(usize) -> u8) -> PixelImage {
        PixelImage {
            width: w,
            height: h,
            channels: ch,
            data: (0..w as usize * h as usize * ch).map(f).collect(),
        }
    }

    #[test]
    fn weights_cover_every_input_once() {
        for (from, to) in [(10, 3), (7, 7), (160, 120), (5, 1), (1000, 37)] {
            let c = coverage(from, to);
            let mut per_input = vec![0u64; from];
            for taps in &c {
                assert_eq!(taps.iter().map(|t| t.1).sum::<u64>(), from as u64);
                for &(i, w) in taps {
                    per_input[i] += w;
                }
            }
            assert!(per_input.iter().all(|&w| w == to as u64), "{from}->{to}");
        }
    }

    #[test]
    fn the_same_size_is_a_copy_and_a_flat_image_stays_flat() {
        let img = image(13, 7, 3, |i| (i * 37 % 251) as u8);
        assert_eq!(area_reduce(&img, 13, 7), img);
        let flat = image(100, 61, 1, |_| 77);
        let r = area_reduce(&flat, 9, 5);
        assert_eq!((r.width, r.height), (9, 5));
        assert!(r.data.iter().all(|&v| v == 77));
    }

    #[test]
    fn halving_averages_each_square() {
        // 4×2 gray: 0 10 | 20 30 / 40 50 | 60 70 → (0+10+40+50)/4, (20+30+60+70)/4.
        let img = image(4, 2, 1, |i| [0, 10, 20, 30, 40, 50, 60, 70][i]);
        assert_eq!(area_reduce(&img, 2, 1).data, vec![25, 45]);
        // Thirds: 3 → 2 weights the middle sample half to each side.
        let row = image(3, 1, 1, |i| [0, 90, 180][i]);
        assert_eq!(area_reduce(&row, 2, 1).data, vec![30, 150]);
    }
}
