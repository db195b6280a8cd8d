//! 12-bit samples encoded to coefficients as libjpeg's 12-bit build encodes them
//! (`cjpeg -precision 12` of libjpeg-turbo 3, the IJG library's 12-bit build):
//! - the same colour equations with the chroma offset 2048;
//! - the edges expanded as libjpeg expands them: the last column to the width of
//!   whole blocks, the last row to a whole row group (the largest vertical factor),
//!   and after downsampling the last downsampled row to whole blocks;
//! - the same downsampling (alternating biases for 2×1 and 2×2, box means otherwise);
//! - the islow forward DCT with one bit between the passes, in 64-bit arithmetic;
//! - quantization rounded to nearest, halves away from zero.
//!
//! Only the integer DCT and no smoothing: the other options are 8-bit only.

use super::encode::{components, EncodeParams, OutputColor};
use super::fdct::fdct_islow_12;
use super::rgb2ycc::{chroma, luma_wide, SCALEBITS};
use super::DctMethod;
use crate::coeffs::{ceil_div, Block, CoefficientImage, QuantTable};
use crate::error::{Error, Result};

/// Largest 12-bit sample and the level shift (T.81 A.3.1).
const MAX: u16 = 4095;
const CENTER: i64 = 2048;
/// The chroma offset of the colour equations: the centre scaled by 2^16.
const CENTER_SCALED: i32 = 2048 << SCALEBITS;

/// 12-bit pixels: rows top to bottom, channels (1 gray or 3 RGB) interleaved, each
/// sample 0..=4095.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WideImage {
    pub width: u32,
    pub height: u32,
    pub channels: usize,
    pub data: Vec<u16>,
}

/// One component's samples at full resolution, `w` × `h`.
struct Plane {
    w: usize,
    h: usize,
    s: Vec<u16>,
}

impl Plane {
    fn at(&self, x: usize, y: usize) -> u16 {
        self.s[y * self.w + x]
    }
}

/// The output components' samples at full resolution (libjpeg's `jccolor.c`).
fn convert(img: &WideImage, color: OutputColor) -> Vec<Plane> {
    let (w, h) = (img.width as usize, img.height as usize);
    let n = match color {
        OutputColor::Gray => 1,
        _ => 3,
    };
    let mut planes: Vec<Vec<u16>> = vec![Vec::with_capacity(w * h); n];
    for px in img.data.chunks_exact(img.channels).take(w * h) {
        let [r, g, b] = match px {
            &[v] => [v; 3],
            p => [p[0], p[1], p[2]],
        };
        let out: [u16; 3] = match (color, img.channels) {
            (OutputColor::Gray, 1) | (OutputColor::Rgb, _) => [r, g, b],
            (OutputColor::Gray, _) => [luma_wide(r, g, b), 0, 0],
            (OutputColor::YCbCr, _) => {
                let (cb, cr) = chroma(r.into(), g.into(), b.into(), CENTER_SCALED);
                [luma_wide(r, g, b), cb as u16, cr as u16]
            }
        };
        for (p, v) in planes.iter_mut().zip(out) {
            p.push(v);
        }
    }
    planes.into_iter().map(|s| Plane { w, h, s }).collect()
}

/// Component samples `(h, v)`-subsampled from `full` (factors `hx` × `vx` of the
/// largest), `cols` × `rows` of them: the edges expanded as libjpeg expands them.
fn downsample(full: &Plane, hx: usize, vx: usize, cols: usize, rows: usize) -> Vec<u16> {
    // Full-resolution rows exist up to a whole row group: the last one repeats.
    let at = |x: usize, y: usize| u32::from(full.at(x.min(full.w - 1), y.min(full.h - 1)));
    let coded_rows = ceil_div(full.h, vx);
    let mut out = vec![0u16; cols * rows];
    for y in 0..rows {
        // Below the last row group, the last downsampled row repeats.
        let sy = y.min(coded_rows - 1);
        for x in 0..cols {
            let (x0, y0) = (x * hx, sy * vx);
            out[y * cols + x] = match (hx, vx) {
                (1, 1) => at(x0, y0) as u16,
                (2, 1) => ((at(x0, y0) + at(x0 + 1, y0) + (x as u32 & 1)) >> 1) as u16,
                (2, 2) => {
                    let sum = at(x0, y0) + at(x0 + 1, y0) + at(x0, y0 + 1) + at(x0 + 1, y0 + 1);
                    ((sum + 1 + (x as u32 & 1)) >> 2) as u16
                }
                _ => {
                    let n = (hx * vx) as u32;
                    let sum: u32 = (0..vx)
                        .flat_map(|dy| (0..hx).map(move |dx| (dx, dy)))
                        .map(|(dx, dy)| at(x0 + dx, y0 + dy))
                        .sum();
                    ((sum + n / 2) / n) as u16
                }
            };
        }
    }
    out
}

/// The quantized coefficients of the 8×8 samples at `at` (row stride `stride`).
fn fdct_quantize(samples: &[u16], stride: usize, q: &QuantTable, out: &mut Block) {
    let mut d = [0i64; 64];
    for (k, v) in d.iter_mut().enumerate() {
        *v = i64::from(samples[(k / 8) * stride + k % 8]) - CENTER;
    }
    fdct_islow_12(&mut d);
    for ((o, &x), &step) in out.iter_mut().zip(&d).zip(&q.values) {
        let div = i64::from(step.max(1)) * 8;
        let m = (x.abs() + div / 2) / div;
        *o = (if x < 0 { -m } else { m }) as i16;
    }
}

/// Encodes `img` to 12-bit coefficients with `p`'s colour and sampling and the given
/// (slot, table) per output component.
pub fn encode_wide(
    img: &WideImage,
    p: &EncodeParams,
    tables: &[(u8, QuantTable)],
) -> Result<CoefficientImage> {
    check(img, p)?;
    let color = p.output_color(img.channels);
    let comps = components(color, p)?;
    if tables.len() < comps.len() {
        return Err(Error::BadRequest("too few quantization tables".into()));
    }
    let specs: Vec<(u8, u8, u8, u8)> = comps
        .iter()
        .zip(tables)
        .map(|(&(id, h, v), &(slot, _))| (id, h, v, slot))
        .collect();
    let mut out = CoefficientImage::zeroed(img.width, img.height, 12, &specs);
    let g = out.geometry();
    let full = convert(img, color);
    for (i, (c, plane)) in out.components.iter_mut().zip(&full).enumerate() {
        c.quant = tables[i].1;
        let (hx, vx) = (
            usize::from(g.max_h) / usize::from(c.h),
            usize::from(g.max_v) / usize::from(c.v),
        );
        let (rw, rh) = g.real_blocks(i);
        let samples = downsample(plane, hx, vx, rw * 8, rh * 8);
        for by in 0..rh {
            for bx in 0..rw {
                let at = by * 8 * rw * 8 + bx * 8;
                let mut b = [0i16; 64];
                fdct_quantize(&samples[at..], rw * 8, &c.quant, &mut b);
                *c.plane.block_mut(bx, by) = b;
            }
        }
        c.fill_padding(rw, rh);
    }
    Ok(out)
}

fn check(img: &WideImage, p: &EncodeParams) -> Result<()> {
    if p.dct != DctMethod::Int || p.smoothing != 0 {
        return Err(Error::unsupported(
            "the fast and float DCTs and smoothing of 12-bit samples",
            None,
        ));
    }
    let n = img.width as usize * img.height as usize * img.channels;
    if img.width == 0 || img.height == 0 || !matches!(img.channels, 1 | 3) || img.data.len() < n {
        return Err(Error::BadRequest(
            "12-bit input must be gray or RGB with every sample".into(),
        ));
    }
    if img.data.iter().any(|&v| v > MAX) {
        return Err(Error::BadRequest("12-bit sample above 4095".into()));
    }
    if p.output_color(img.channels) == OutputColor::Rgb && img.channels != 3 {
        return Err(Error::unsupported("RGB output from gray input", None));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_gray_block_is_dc_only() {
        let img = WideImage {
            width: 8,
            height: 8,
            channels: 1,
            data: vec![3000; 64],
        };
        let q = QuantTable {
            values: [2; 64],
            sixteen_bit: false,
        };
        let p = EncodeParams {
            grayscale: true,
            ..EncodeParams::default()
        };
        let out = encode_wide(&img, &p, &[(0, q)]).unwrap();
        let b = out.components[0].plane.block(0, 0);
        // (3000 − 2048)·8 / 2 = 3808.
        assert_eq!(b[0], 3808);
        assert!(b[1..].iter().all(|&v| v == 0));
    }

    #[test]
    fn downsampling_biases_alternate() {
        let full = Plane {
            w: 4,
            h: 2,
            s: vec![1, 2, 1, 2, 1, 2, 1, 2],
        };
        // Sums 6: (6 + 1) >> 2 = 1, (6 + 2) >> 2 = 2.
        assert_eq!(downsample(&full, 2, 2, 2, 1), vec![1, 2]);
        // Rows below the image repeat the last downsampled row.
        assert_eq!(downsample(&full, 2, 2, 2, 3), vec![1, 2, 1, 2, 1, 2]);
    }
}
