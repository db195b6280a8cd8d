//! Colour-mapped output, as djpeg writes it with `-colors N` or `-gif`: libjpeg's
//! colour quantizers, bit for bit.
//!
//! A colour image goes through the two-pass quantizer ([`super::quant2`]: a histogram,
//! median cut, then each pixel mapped with Floyd–Steinberg dithering or none), or with
//! `onepass` through the one-pass quantizer ([`super::quant1`]: an evenly spaced colour
//! cube, with Floyd–Steinberg, ordered or no dithering). A gray image always takes the
//! one-pass quantizer, as libjpeg's two-pass one works in three components only.

use super::PixelImage;
use crate::error::{Error, Result};

/// How the quantized pixels spread their error (`djpeg -dither`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dither {
    /// Floyd–Steinberg error diffusion (djpeg's default).
    #[default]
    FloydSteinberg,
    /// A 16×16 ordered dither (the two-pass quantizer diffuses instead, as libjpeg's).
    Ordered,
    /// Each pixel its nearest colour.
    None,
}

/// What `djpeg -colors N [-dither D] [-onepass]` asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuantizeOptions {
    /// At most this many colours: 8 to 256 for colour output (2^3, one level per
    /// component at least), 2 to 256 for gray.
    pub colors: usize,
    pub dither: Dither,
    /// The two-pass quantizer for colour output (djpeg's default; `-onepass` turns it off).
    pub two_pass: bool,
}

impl Default for QuantizeOptions {
    fn default() -> Self {
        QuantizeOptions {
            colors: 256,
            dither: Dither::FloydSteinberg,
            two_pass: true,
        }
    }
}

/// An image as a colour map and one index per pixel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Colormapped {
    pub width: u32,
    pub height: u32,
    /// 1: the map's entries are gray levels (R = G = B); 3: colours.
    pub channels: usize,
    /// R, G, B of each entry.
    pub colormap: Vec<[u8; 3]>,
    /// Row by row, top to bottom.
    pub indices: Vec<u8>,
}

impl Colormapped {
    /// djpeg's GIF file of this image: `-gif`'s (LZW-compressed), or with `lzw` false
    /// `-gif0`'s.
    pub fn gif(&self, lzw: bool) -> Result<Vec<u8>> {
        let (Ok(w), Ok(h)) = (u16::try_from(self.width), u16::try_from(self.height)) else {
            return Err(Error::BadRequest(format!(
                "a GIF holds at most 65535x65535 pixels, not {}x{}",
                self.width, self.height
            )));
        };
        Ok(super::gif_out::write_gif(
            w,
            h,
            &self.colormap,
            &self.indices,
            lzw,
        ))
    }

    /// Each pixel's colour from the map (`djpeg -colors N -pnm` writes this).
    pub fn demapped(&self) -> PixelImage {
        let data = match self.channels {
            1 => self
                .indices
                .iter()
                .map(|&i| self.colormap[i as usize][0])
                .collect(),
            _ => (self.indices.iter())
                .flat_map(|&i| self.colormap[i as usize])
                .collect(),
        };
        PixelImage {
            width: self.width,
            height: self.height,
            channels: self.channels,
            data,
        }
    }

    /// A gray image as its own 256-level map (a GIF of 8-bit gray needs no
    /// quantization).
    pub fn gray_levels(img: &PixelImage) -> Result<Colormapped> {
        if img.channels != 1 {
            return Err(Error::BadRequest("a gray map of a colour image".into()));
        }
        Ok(Colormapped {
            width: img.width,
            height: img.height,
            channels: 1,
            colormap: (0..=255u8).map(|v| [v, v, v]).collect(),
            indices: img.data.clone(),
        })
    }
}

/// Quantizes `img` (gray or RGB) as libjpeg does for `opts`. The colour count must lie
/// in libjpeg's range: at least two levels per component, at most 256 colours.
pub fn quantize(img: &PixelImage, opts: &QuantizeOptions) -> Result<Colormapped> {
    let (w, h) = (img.width as usize, img.height as usize);
    let least = match img.channels {
        1 => 2,
        3 => 8,
        n => {
            return Err(Error::unsupported(
                format!("colour quantization of {n}-channel samples"),
                None,
            ))
        }
    };
    // libjpeg's limits, in its words.
    if opts.colors < least {
        return Err(Error::BadRequest(format!(
            "cannot quantize to fewer than {least} colors"
        )));
    }
    if opts.colors > 256 {
        return Err(Error::BadRequest(
            "cannot quantize to more than 256 colors".into(),
        ));
    }
    let (colormap, indices) = if img.channels == 3 && opts.two_pass {
        let dither = match opts.dither {
            Dither::None => super::quant2::Dither::None,
            _ => super::quant2::Dither::FloydSteinberg,
        };
        super::quant2::quantize_two_pass(&img.data, w, h, opts.colors, dither)
    } else {
        let dither = match opts.dither {
            Dither::None => super::quant1::Dither::None,
            Dither::Ordered => super::quant1::Dither::Ordered,
            Dither::FloydSteinberg => super::quant1::Dither::FloydSteinberg,
        };
        let (map, idx) =
            super::quant1::quantize_one_pass(&img.data, w, h, img.channels, opts.colors, dither);
        let map = map
            .iter()
            .map(|e| match e[..] {
                [v] => [v, v, v],
                [r, g, b] => [r, g, b],
                _ => [0, 0, 0],
            })
            .collect();
        (map, idx)
    };
    Ok(Colormapped {
        width: img.width,
        height: img.height,
        channels: img.channels,
        colormap,
        indices,
    })
}
