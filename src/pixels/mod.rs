//! Pixels ⇄ coefficients: dequantization and IDCT, chroma upsampling, colour conversion,
//! and the PNM/PNG image files of the pixel path.
//!
//! Decoding reproduces `djpeg -dct int` (libjpeg-turbo) exactly:
//! * [`idct`]: the Loeffler–Ligtenberg–Moschytz integer IDCT with 13-bit constants,
//!   with libjpeg-turbo's SIMD arithmetic (16-bit lanes where it has them);
//! * `upsample`: "fancy" triangular upsampling (h2v1, h1v2, h2v2) or replication;
//! * `color`: the JFIF YCbCr→RGB fixed-point equations, YCCK→CMYK, CMYK→RGB.
//!
//! This layer sees only the coefficient image: which colour space the components are
//! in (JFIF, Adobe APP14, component ids) is decided by the caller
//! (`pipeline::pixels::detect_color_space`).

mod aan;
pub mod bmp;
mod color;
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod color_sse2;
pub mod dct_fast;
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod dct_fast_sse2;
pub mod dct_float;
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod dct_float_sse2;
mod decode;
mod downsample;
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod downsample_sse2;
mod encode;
pub mod fdct;
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod fdct_sse2;
pub mod geometry;
mod gif_file;
mod gif_out;
pub mod idct;
mod idct_big;
mod idct_reduced;
mod idct_scaled;
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod idct_sse2;
pub mod image_io;
pub mod metrics;
pub mod preview;
mod qtables;
mod quant1;
mod quant2;
pub mod quantize;
mod rgb2ycc;
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod rgb2ycc_sse2;
pub mod smooth;
pub mod targa;
mod upsample;
pub mod wide;
pub mod wide_encode;

pub use decode::{
    crop_block_columns, decode_rows, decode_to_pixels, first_block_columns, reads_ac, Band,
    BandDecoder, PixelShape,
};
pub use encode::{
    check_interleaved_mcu, encode_coefficients, encode_coefficients_with_tables, encode_slice,
    encode_slice_with_slots, encode_slice_with_tables, ijg_tables, BandEncoder, EncodeParams,
    EncodeScratch, OutputColor, PixelSlice, Sampling,
};
pub use qtables::{parse_table_file, QuantChoice};
pub use rgb2ycc::luma_wide;

/// Pixels each thread of the pixel stage must have to pay for itself: starting a thread
/// and handing it rows costs about 0.2 ms. On the 2-core test machine a decode of a
/// 448×336 image (150 K pixels) took as long on two threads as on one, and smaller
/// images took longer (a 160×120 thumbnail: 2.2 against 2.0 ms a process).
pub const PIXELS_PER_THREAD: u64 = 1 << 17;

/// Threads worth using on an image of `pixels` pixels when `requested` are allowed: at
/// least 1, at most 64, and no more than one per [`PIXELS_PER_THREAD`].
pub fn worker_threads(requested: usize, pixels: u64) -> usize {
    let useful = usize::try_from(pixels / PIXELS_PER_THREAD).unwrap_or(usize::MAX);
    requested.clamp(1, 64).min(useful.max(1))
}

/// The colour space of the coded components (libjpeg's `jpeg_color_space`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColorSpace {
    /// One component: luminance.
    Gray,
    /// Three components: Y, Cb, Cr (JFIF).
    YCbCr,
    /// Three components stored as R, G, B (Adobe transform 0, or ids 'R' 'G' 'B').
    Rgb,
    /// Four components C, M, Y, K (Adobe files store them inverted).
    Cmyk,
    /// Four components Y, Cb, Cr, K (Adobe transform 2).
    Ycck,
}

impl ColorSpace {
    /// How many components a frame in this colour space has.
    pub fn components(self) -> usize {
        match self {
            ColorSpace::Gray => 1,
            ColorSpace::YCbCr | ColorSpace::Rgb => 3,
            ColorSpace::Cmyk | ColorSpace::Ycck => 4,
        }
    }
}

/// What to do with four-component (CMYK/YCCK) images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CmykOutput {
    /// Convert to RGB as `djpeg` does when it writes PPM (R = C·K/255, rounded; this
    /// assumes Adobe's inverted CMYK).
    #[default]
    Rgb,
    /// Keep four channels C, M, Y, K (YCCK converted to CMYK).
    Cmyk,
}

/// Decoder options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PixelOptions {
    /// Replicate chroma samples instead of interpolating them (`djpeg -nosmooth`).
    pub nosmooth: bool,
    /// Output of CMYK/YCCK images.
    pub cmyk: CmykOutput,
    /// Worker threads for the pixel stage (0 or 1: the calling thread only); a small
    /// image uses fewer (see [`worker_threads`]).
    pub threads: usize,
    /// Output size (`djpeg -scale`).
    pub scale: Scale,
    /// Luminance only (`djpeg -grayscale`): from YCbCr the Y component as it is (the
    /// chroma is not decoded), from RGB the JFIF luma of each pixel.
    pub gray: bool,
    /// Decode only this region of the (scaled) output (`djpeg -crop`).
    pub crop: Option<Crop>,
    /// The inverse DCT of full-size blocks (`djpeg -dct`); scaled decoding always
    /// uses libjpeg's reduced integer transforms, as djpeg does.
    pub dct: DctMethod,
    /// RGB565 output (`djpeg -rgb565`): R, G, B cut to 5, 6 and 5 bits (the low bits
    /// zero), ordered-dithered first when `Some(true)`; `None` for 8-bit samples.
    pub rgb565: Option<bool>,
}

/// Which DCT the pixel path uses (`djpeg -dct`, `cjpeg -dct`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DctMethod {
    /// libjpeg's "islow" (Loeffler–Ligtenberg–Moschytz, 13-bit constants, rounded).
    #[default]
    Int,
    /// libjpeg's "ifast" (Arai–Agui–Nakajima, 8-bit constants, truncated): faster and
    /// a little less accurate.
    Fast,
    /// libjpeg's floating-point method (AAN in single precision), rounded as
    /// libjpeg-turbo's SSE2 code on x86-64 rounds.
    Float,
}

/// A region of the decoded image, in output pixels (after scaling), as `djpeg -crop
/// WxH+X+Y` takes it. Its left edge moves left to an iMCU boundary (so the output is
/// wider by what it moved), as libjpeg's `jpeg_crop_scanline` moves it: the blocks of
/// an iMCU column are decoded together. Chroma is upsampled as if the region's left
/// and right edges were the image's, as libjpeg does, so those columns may differ
/// from the same columns of a full decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crop {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width (at least 1).
    pub width: u32,
    /// Height (at least 1).
    pub height: u32,
}

/// The size of the decoded image, in eighths of the frame's size: libjpeg-turbo's
/// scaled decoding (`djpeg -scale M/N`), which computes each block's samples with a
/// smaller inverse DCT instead of resizing pixels. Sizes of 1, 2, 4 and 8 eighths are
/// implemented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale(u8);

impl Default for Scale {
    fn default() -> Self {
        Scale(8)
    }
}

impl Scale {
    /// Full size.
    pub const FULL: Scale = Scale(8);

    /// The scale `djpeg -scale num/denom` decodes at: the smallest k/8 (k = 1..16) at
    /// least num/denom. [`crate::Error::BadRequest`], with the reason, for a fraction
    /// that is not positive or is above 2 (djpeg's largest).
    pub fn from_fraction(num: u32, denom: u32) -> crate::error::Result<Scale> {
        let bad = |msg: String| Err(crate::error::Error::BadRequest(msg));
        if num == 0 || denom == 0 {
            return bad(format!("scale {num}/{denom} is not a positive fraction"));
        }
        let k = (1..=16u64).find(|&k| u64::from(num) * 8 <= u64::from(denom) * k);
        match k {
            Some(k) => Ok(Scale(k as u8)),
            None => bad(format!("scale {num}/{denom} is above 2/1, djpeg's largest")),
        }
    }

    /// The output size in eighths of the frame's (also the size of the luminance
    /// blocks' inverse DCT).
    pub fn eighths(self) -> usize {
        usize::from(self.0)
    }
}

/// A decoded image: 8-bit samples, rows top to bottom, channels interleaved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PixelImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Samples per pixel: 1 gray, 3 RGB, 4 CMYK.
    pub channels: usize,
    /// `width × height × channels` samples.
    pub data: Vec<u8>,
}

impl PixelImage {
    /// A `w`×`h` image of `channels` samples per pixel holding a fixed pattern, for
    /// tests of the file formats.
    #[cfg(test)]
    pub(crate) fn test_pattern(w: u32, h: u32, channels: usize) -> PixelImage {
        let data = (0..w as usize * h as usize * channels)
            .map(|i| (i * 37 % 251) as u8)
            .collect();
        PixelImage {
            width: w,
            height: h,
            channels,
            data,
        }
    }

    /// Bytes per row.
    pub fn stride(&self) -> usize {
        self.width as usize * self.channels
    }
    /// The samples of row `y`.
    pub fn row(&self, y: usize) -> &[u8] {
        let s = self.stride();
        &self.data[y * s..(y + 1) * s]
    }
}

#[cfg(test)]
mod tests {
    use super::{worker_threads, PIXELS_PER_THREAD};

    #[test]
    fn scales_round_up_to_eighths_as_djpeg_does() {
        use super::Scale;
        let k = |m, n| Scale::from_fraction(m, n).map(Scale::eighths);
        assert_eq!(k(1, 8).unwrap(), 1);
        assert_eq!(k(1, 5).unwrap(), 2); // 8/5 ≤ 2
        assert_eq!(k(1, 3).unwrap(), 3); // 8/3 ≤ 3
        assert_eq!(k(1, 2).unwrap(), 4);
        assert_eq!(k(7, 8).unwrap(), 7);
        assert_eq!(k(1, 1).unwrap(), 8);
        assert_eq!(k(8, 7).unwrap(), 10); // 64/7 ≤ 10
        assert_eq!(k(2, 1).unwrap(), 16);
        assert_eq!(
            k(17, 8).map_err(|e| e.to_string()).unwrap_err(),
            "scale 17/8 is above 2/1, djpeg's largest"
        );
        assert!(k(3, 1).is_err() && k(0, 1).is_err() && k(1, 0).is_err());
    }

    #[test]
    fn small_images_use_fewer_threads() {
        // A thumbnail stays on the calling thread whatever is allowed.
        assert_eq!(worker_threads(4, 160 * 120), 1);
        assert_eq!(worker_threads(0, 0), 1);
        // One thread per PIXELS_PER_THREAD, up to what is allowed.
        assert_eq!(worker_threads(4, 2 * PIXELS_PER_THREAD), 2);
        assert_eq!(worker_threads(4, 6000 * 4000), 4);
        assert_eq!(worker_threads(1000, u64::MAX), 64);
    }
}
