//! 12-bit samples (T.81's extended process with P = 12) decoded to pixels as
//! libjpeg's 12-bit build decodes them at full size with the integer inverse DCT.
//!
//! The steps are the 8-bit decoder's, at 12 bits:
//! - the "islow" inverse DCT with one extra bit between the passes instead of two
//!   (`PASS1_BITS` = 1 keeps the products of 12-bit data within 32 bits), products
//!   in 64 bits, the pass-1 results held as 32-bit integers, and the output limited
//!   through libjpeg's range table: the value wrapped to 14 bits, centred on 2048 and
//!   clamped to 0..4095;
//! - the same triangular ("fancy") or replicating upsampling;
//! - the same colour equations, centred on 2048.
//!
//! Samples go out as two bytes each, most significant first (PNM's order for a
//! maximum value above 255). Scaled, cropped and CMYK decoding and the fast and float
//! transforms are 8-bit only.

use super::color::chroma_centered;
use super::idct::{
    CONST_BITS, F_0_298, F_0_390, F_0_541, F_0_765, F_0_899, F_1_175, F_1_501, F_1_847, F_1_961,
    F_2_053, F_2_562, F_3_072,
};
use super::rgb2ycc::luma_wide;
use super::{ColorSpace, DctMethod, PixelOptions, PixelShape, Scale};
use crate::coeffs::{ceil_div, Block, CoefficientImage};
use crate::error::{Error, Result};

/// Bits kept between the two passes of the 12-bit inverse DCT.
const PASS1_BITS: u32 = 1;
/// Largest sample value and the level shift (T.81 A.3.1: 2^(P−1)).
const MAX: i32 = 4095;
const CENTER: i32 = 2048;
/// Output rows handed over per call of the sink.
const BAND_ROWS: usize = 64;

/// One 1-D pass of the islow IDCT (the factorisation of [`super::idct`]) in 64-bit
/// arithmetic, each output rounded and shifted right by `shift`.
fn idct_1d(x: [i64; 8], shift: u32) -> [i64; 8] {
    let round = 1i64 << (shift - 1);
    let c = |f: i32| i64::from(f);
    let tmp2 = x[2] * c(F_0_541) + x[6] * c(F_0_541 - F_1_847);
    let tmp3 = x[2] * c(F_0_541 + F_0_765) + x[6] * c(F_0_541);
    let tmp0 = ((x[0] + x[4]) << CONST_BITS) + round;
    let tmp1 = ((x[0] - x[4]) << CONST_BITS) + round;
    let (t10, t13, t11, t12) = (tmp0 + tmp3, tmp0 - tmp3, tmp1 + tmp2, tmp1 - tmp2);
    let (s73, s51) = (x[7] + x[3], x[5] + x[1]);
    let z3 = s73 * c(F_1_175 - F_1_961) + s51 * c(F_1_175);
    let z4 = s73 * c(F_1_175) + s51 * c(F_1_175 - F_0_390);
    let o0 = x[7] * c(F_0_298 - F_0_899) - x[1] * c(F_0_899) + z3;
    let o3 = x[1] * c(F_1_501 - F_0_899) - x[7] * c(F_0_899) + z4;
    let o1 = x[5] * c(F_2_053 - F_2_562) - x[3] * c(F_2_562) + z4;
    let o2 = x[3] * c(F_3_072 - F_2_562) - x[5] * c(F_2_562) + z3;
    [
        (t10 + o3) >> shift,
        (t11 + o2) >> shift,
        (t12 + o1) >> shift,
        (t13 + o0) >> shift,
        (t13 - o0) >> shift,
        (t12 - o1) >> shift,
        (t11 - o2) >> shift,
        (t10 - o3) >> shift,
    ]
}

/// libjpeg's post-IDCT range limit at 12 bits: the low 14 bits of `x` as a signed
/// value, shifted up by [`CENTER`] and clamped.
fn limit(x: i64) -> u16 {
    let i = (x as i32) & 0x3FFF;
    let s = if i >= 0x2000 { i - 0x4000 } else { i };
    (s + CENTER).clamp(0, MAX) as u16
}

/// The 8×8 samples of `coef` dequantized by `q` into `out` (row stride `stride`).
pub fn idct_block(coef: &Block, q: &[u16; 64], out: &mut [u16], stride: usize) {
    let mut ws = [0i32; 64];
    for col in 0..8 {
        let x = std::array::from_fn(|k| i64::from(coef[k * 8 + col]) * i64::from(q[k * 8 + col]));
        // libjpeg keeps the pass-1 results in an `int` workspace.
        for (k, v) in idct_1d(x, CONST_BITS - PASS1_BITS).into_iter().enumerate() {
            ws[k * 8 + col] = v as i32;
        }
    }
    for (row, o) in ws.chunks_exact(8).zip(out.chunks_mut(stride)) {
        let x = std::array::from_fn(|k| i64::from(row[k]));
        for (o, v) in o.iter_mut().zip(idct_1d(x, CONST_BITS + PASS1_BITS + 3)) {
            *o = limit(v);
        }
    }
}

/// Refuses what the 12-bit decoder does not do.
fn check_options(img: &CoefficientImage, color: ColorSpace, opts: &PixelOptions) -> Result<()> {
    let refuse = |what: &str| {
        Err(Error::unsupported(
            format!("{what} of 12-bit samples (full size, `--dct int`, gray or colour only)"),
            None,
        ))
    };
    if opts.scale != Scale::FULL {
        return refuse("scaled decoding");
    }
    if opts.crop.is_some() {
        return refuse("cropped decoding");
    }
    if opts.dct != DctMethod::Int {
        return refuse("the fast and float inverse DCTs");
    }
    if opts.rgb565.is_some() {
        return refuse("RGB565 output");
    }
    if matches!(color, ColorSpace::Cmyk | ColorSpace::Ycck) {
        return refuse("CMYK and YCCK decoding");
    }
    if img.components.len() != color.components() {
        return Err(Error::BadRequest(format!(
            "{} components cannot be {color:?}",
            img.components.len()
        )));
    }
    Ok(())
}

/// One component's samples after the inverse DCT, with how it is upsampled.
struct WidePlane {
    samples: Vec<u16>,
    stride: usize,
    /// Samples per row and rows holding image data (libjpeg's downsampled size).
    ds_w: usize,
    ds_h: usize,
    /// Output samples per sample, horizontally and vertically.
    hx: usize,
    vx: usize,
    /// Triangular upsampling (otherwise replication).
    fancy_h: bool,
    fancy_v: bool,
}

impl WidePlane {
    fn new(img: &CoefficientImage, ci: usize, fancy: bool) -> Result<Self> {
        let c = &img.components[ci];
        let (max_h, max_v) = img.components.iter().fold((1, 1), |(h, v), c| {
            (h.max(usize::from(c.h)), v.max(usize::from(c.v)))
        });
        let (h, v) = (usize::from(c.h.max(1)), usize::from(c.v.max(1)));
        if max_h % h != 0 || max_v % v != 0 {
            return Err(Error::unsupported(
                "sampling factors that do not divide the largest ones",
                None,
            ));
        }
        let ds_w = ceil_div(img.width as usize * h, max_h);
        let ds_h = ceil_div(img.height as usize * v, max_v);
        let (bw, bh) = (ceil_div(ds_w, 8), ceil_div(ds_h, 8));
        let p = &c.plane;
        if p.width_blocks < bw || p.height_blocks < bh {
            return Err(Error::BadRequest(format!(
                "component {ci}: block plane smaller than the frame size"
            )));
        }
        let stride = bw * 8;
        let mut samples = vec![0u16; stride * bh * 8];
        for by in 0..bh {
            for bx in 0..bw {
                let at = by * 8 * stride + bx * 8;
                idct_block(p.block(bx, by), &c.quant.values, &mut samples[at..], stride);
            }
        }
        let (hx, vx) = (max_h / h, max_v / v);
        // libjpeg's choice (`jinit_upsampler`): triangles for ×2 in one or both
        // directions, horizontally only over more than 2 samples.
        let (fancy_h, fancy_v) = match (hx, vx) {
            (2, 1) | (2, 2) if fancy && ds_w > 2 => (true, vx == 2),
            (1, 2) if fancy => (false, true),
            _ => (false, false),
        };
        Ok(WidePlane {
            samples,
            stride,
            ds_w,
            ds_h,
            hx,
            vx,
            fancy_h,
            fancy_v,
        })
    }

    fn row(&self, y: usize) -> &[u16] {
        &self.samples[y * self.stride..][..self.ds_w]
    }

    /// Output row `y` of this component, at least `width` samples, into `out`.
    fn upsampled_row(&self, y: usize, width: usize, out: &mut Vec<u16>) {
        out.clear();
        let cy = (y / self.vx).min(self.ds_h - 1);
        let cur = self.row(cy);
        if !self.fancy_v {
            match self.fancy_h {
                true => h2v1_fancy(cur, out),
                false => out.extend(cur.iter().flat_map(|&s| std::iter::repeat(s).take(self.hx))),
            }
            out.truncate(width);
            return;
        }
        // The nearer row is this one; the further the one above for the upper output
        // row, below for the lower, repeated at the image's top and bottom edges.
        let lower = y % 2 == 1;
        let other = match lower {
            true => self.row((cy + 1).min(self.ds_h - 1)),
            false => self.row(cy.saturating_sub(1)),
        };
        let sums = cur
            .iter()
            .zip(other)
            .map(|(&c, &o)| 3 * u32::from(c) + u32::from(o));
        match self.fancy_h {
            true => h2v2_fancy(&sums.collect::<Vec<u32>>(), out),
            false => {
                let bias = if lower { 2 } else { 1 };
                out.extend(sums.map(|s| ((s + bias) >> 2) as u16));
            }
        }
        out.truncate(width);
    }
}

/// Horizontal ×2 triangle (`in` has at least 3 samples): ¾ of the nearer sample plus ¼
/// of the next, biases 1 and 2 alternating, the edge samples alone.
fn h2v1_fancy(inp: &[u16], out: &mut Vec<u16>) {
    let w = inp.len();
    out.push(inp[0]);
    for i in 0..w - 1 {
        let (a, b) = (u32::from(inp[i]), u32::from(inp[i + 1]));
        out.push(((3 * a + b + 2) >> 2) as u16);
        out.push(((3 * b + a + 1) >> 2) as u16);
    }
    out.push(inp[w - 1]);
}

/// [`h2v1_fancy`] over column sums 3·nearer + further, /16 with biases 8 and 7.
fn h2v2_fancy(sums: &[u32], out: &mut Vec<u16>) {
    let w = sums.len();
    out.push(((sums[0] * 4 + 8) >> 4) as u16);
    for i in 0..w - 1 {
        let (a, b) = (sums[i], sums[i + 1]);
        out.push(((3 * a + b + 7) >> 4) as u16);
        out.push(((3 * b + a + 8) >> 4) as u16);
    }
    out.push(((sums[w - 1] * 4 + 7) >> 4) as u16);
}

/// How the output's channels come from the components.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Convert {
    /// The first component as it is.
    Gray,
    /// Y, Cb, Cr → R, G, B.
    Ycc,
    /// R, G, B as they are.
    Rgb,
    /// R, G, B → luma.
    RgbGray,
}

/// Decodes `img` (12-bit samples) and hands its rows, two bytes per sample, to `sink`
/// in bands, after `start` got the shape (maximum sample value 4095).
pub fn decode_rows(
    img: &CoefficientImage,
    color: ColorSpace,
    opts: &PixelOptions,
    start: &mut dyn FnMut(PixelShape) -> Result<()>,
    sink: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<PixelShape> {
    check_options(img, color, opts)?;
    let conv = match (color, opts.gray) {
        (ColorSpace::YCbCr, false) => Convert::Ycc,
        (ColorSpace::Rgb, false) => Convert::Rgb,
        (ColorSpace::Rgb, true) => Convert::RgbGray,
        _ => Convert::Gray,
    };
    let used = if conv == Convert::Gray { 1 } else { 3 };
    let planes = (0..used)
        .map(|ci| WidePlane::new(img, ci, !opts.nosmooth))
        .collect::<Result<Vec<_>>>()?;
    let channels = if matches!(conv, Convert::Ycc | Convert::Rgb) {
        3
    } else {
        1
    };
    let shape = PixelShape {
        width: img.width,
        height: img.height,
        channels,
        maxval: MAX as u16,
    };
    start(shape)?;
    let width = img.width as usize;
    let mut rows: Vec<Vec<u16>> = vec![Vec::new(); used];
    let mut band = Vec::with_capacity(BAND_ROWS * width * channels * 2);
    for y in 0..img.height as usize {
        for (p, r) in planes.iter().zip(rows.iter_mut()) {
            p.upsampled_row(y, width, r);
        }
        convert_row(conv, &rows, &mut band);
        if band.len() >= BAND_ROWS * width * channels * 2 {
            sink(&band)?;
            band.clear();
        }
    }
    if !band.is_empty() {
        sink(&band)?;
    }
    Ok(shape)
}

/// Appends one output row, converted, as big-endian 16-bit samples.
fn convert_row(conv: Convert, rows: &[Vec<u16>], out: &mut Vec<u8>) {
    let mut put = |v: u16| out.extend_from_slice(&v.to_be_bytes());
    match conv {
        Convert::Gray => rows[0].iter().for_each(|&v| put(v)),
        Convert::Rgb => {
            for ((&r, &g), &b) in rows[0].iter().zip(&rows[1]).zip(&rows[2]) {
                [r, g, b].into_iter().for_each(&mut put);
            }
        }
        Convert::RgbGray => {
            for ((&r, &g), &b) in rows[0].iter().zip(&rows[1]).zip(&rows[2]) {
                put(luma_wide(r, g, b));
            }
        }
        Convert::Ycc => {
            for ((&y, &cb), &cr) in rows[0].iter().zip(&rows[1]).zip(&rows[2]) {
                let (r, g, b) = chroma_centered(i32::from(cb) - CENTER, i32::from(cr) - CENTER);
                let y = i32::from(y);
                for v in [y + r, y + g, y + b] {
                    put(v.clamp(0, MAX) as u16);
                }
            }
        }
    }
}

/// The rows of a lossless (SOF3) frame as output rows: gray, or three components as
/// they are (lossless files carry no colour transform), subsampled components
/// replicated; samples of more than 8 bits as two bytes, most significant first, with
/// maximum value 2^P − 1. Rows gather into bands for the sink.
pub struct LosslessRows {
    width: usize,
    channels: usize,
    wide: bool,
    /// Per component, its horizontal factor, and the largest one.
    factors: Vec<usize>,
    /// Gray output of three components: their JFIF luma (as of R, G, B).
    luma: bool,
    hmax: usize,
    band: Vec<u8>,
}

impl LosslessRows {
    /// Output rows for a frame of `width` × `height` samples of `precision` bits whose
    /// components have these sampling factors; refuses what it cannot write.
    pub fn new(
        (width, height): (u32, u32),
        precision: u8,
        factors: &[(u8, u8)],
        opts: &PixelOptions,
    ) -> Result<(Self, PixelShape)> {
        let n = factors.len();
        let plain = opts.scale == Scale::FULL
            && opts.crop.is_none()
            && opts.dct == DctMethod::Int
            && opts.rgb565.is_none();
        if !plain || !matches!(n, 1 | 3) {
            return Err(Error::unsupported(
                "lossless JPEG other than full-size gray or three-component output",
                None,
            ));
        }
        let channels = if opts.gray { 1 } else { n };
        let shape = PixelShape {
            width,
            height,
            channels,
            maxval: ((1u32 << precision.clamp(2, 16)) - 1) as u16,
        };
        let rows = LosslessRows {
            width: width as usize,
            channels,
            wide: shape.maxval > 255,
            factors: factors.iter().map(|f| usize::from(f.0)).collect(),
            luma: channels == 1 && n == 3,
            hmax: factors.iter().map(|f| usize::from(f.0)).max().unwrap_or(1),
            band: Vec::new(),
        };
        Ok((rows, shape))
    }

    /// Adds one image row (its components' rows) and hands a full band to `sink`.
    pub fn push(
        &mut self,
        comps: &[&[u16]],
        sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        for x in 0..self.width {
            let at = |k: usize| {
                let c = comps[k];
                c[(x * self.factors[k] / self.hmax).min(c.len() - 1)]
            };
            let mut put = |v: u16| match self.wide {
                true => self.band.extend_from_slice(&v.to_be_bytes()),
                false => self.band.push(v as u8),
            };
            match self.luma {
                true => put(luma_wide(at(0), at(1), at(2))),
                false => (0..self.channels).for_each(|k| put(at(k))),
            }
        }
        if self.band.len() >= BAND_ROWS * self.width * self.channels * 2 {
            sink(&self.band)?;
            self.band.clear();
        }
        Ok(())
    }

    /// Hands the rows left to `sink`.
    pub fn finish(self, sink: &mut dyn FnMut(&[u8]) -> Result<()>) -> Result<()> {
        match self.band.is_empty() {
            true => Ok(()),
            false => sink(&self.band),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_limit_wraps_at_14_bits() {
        assert_eq!(limit(0), 2048);
        assert_eq!(limit(2047), 4095);
        assert_eq!(limit(5000), 4095);
        assert_eq!(limit(-2048), 0);
        assert_eq!(limit(-5000), 0);
        // Beyond ±8192 the table index wraps, as libjpeg's mask makes it.
        assert_eq!(limit(16384), 2048);
        assert_eq!(limit(8192 + 100), 0);
    }

    #[test]
    fn dc_only_block_is_flat() {
        let mut coef = [0i16; 64];
        coef[0] = 80;
        let mut q = [1u16; 64];
        q[0] = 8;
        let mut out = [0u16; 64];
        idct_block(&coef, &q, &mut out, 8);
        // DC 640 → 640/8 = 80 above the centre.
        assert!(out.iter().all(|&v| v == 2048 + 80), "{out:?}");
    }

    #[test]
    fn fancy_rows_keep_a_constant() {
        let mut out = Vec::new();
        h2v1_fancy(&[3000; 5], &mut out);
        assert_eq!(out, vec![3000; 10]);
        out.clear();
        h2v2_fancy(&[4 * 4095; 3], &mut out);
        assert_eq!(out, vec![4095; 6]);
    }
}
