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

/// Maps a colour `img` to `colormap` (`djpeg -map FILE`): libjpeg maps to an external
/// map with its two-pass quantizer's second pass (Floyd–Steinberg unless `dither` is
/// none). A gray image is quantized as without the map ([`quantize`]), as libjpeg
/// drops an external map for one-component output.
pub fn quantize_to_map(
    img: &PixelImage,
    colormap: &[[u8; 3]],
    opts: &QuantizeOptions,
) -> Result<Colormapped> {
    if img.channels != 3 {
        return quantize(img, opts);
    }
    if colormap.is_empty() || colormap.len() > 256 {
        return Err(Error::BadRequest(format!(
            "a colour map of {} entries (1 to 256)",
            colormap.len()
        )));
    }
    let dither = match opts.dither {
        Dither::None => super::quant2::Dither::None,
        _ => super::quant2::Dither::FloydSteinberg,
    };
    let (w, h) = (img.width as usize, img.height as usize);
    Ok(Colormapped {
        width: img.width,
        height: img.height,
        channels: 3,
        colormap: colormap.to_vec(),
        indices: super::quant2::map_to_palette(&img.data, w, h, colormap, dither),
    })
}

/// The colour map `djpeg -map FILE` reads: a GIF's global colour table, or every
/// colour of a binary or plain PPM (maxval 255) in the order they first appear, each
/// colour once, at most 256.
pub fn read_colormap(data: &[u8]) -> Result<Vec<[u8; 3]>> {
    let bad = |why: &str| Error::BadRequest(format!("bad colour map file: {why}"));
    let mut map: Vec<[u8; 3]> = Vec::new();
    let mut add = |c: [u8; 3]| -> Result<()> {
        if !map.contains(&c) {
            if map.len() == 256 {
                return Err(bad("more than 256 colours"));
            }
            map.push(c);
        }
        Ok(())
    };
    if data.starts_with(b"GIF") {
        let flags = *data.get(10).ok_or_else(|| bad("truncated GIF header"))?;
        if flags & 0x80 == 0 {
            return Err(bad("a GIF without a global colour table"));
        }
        let n = 2usize << (flags & 7);
        let table = data
            .get(13..13 + 3 * n)
            .ok_or_else(|| bad("truncated colour table"))?;
        table
            .chunks_exact(3)
            .try_for_each(|c| add([c[0], c[1], c[2]]))?;
    } else if data.starts_with(b"P6") || data.starts_with(b"P3") {
        // libjpeg takes no other maxval (it would have to rescale the colours).
        let info = super::image_io::pnm_info(data).map_err(|e| bad(&e.to_string()))?;
        if info.maxval != 255 {
            return Err(bad("a PPM whose maxval is not 255"));
        }
        let img = super::image_io::read_pnm(data).map_err(|e| bad(&e.to_string()))?;
        if img.channels != 3 {
            return Err(bad("not a colour PPM"));
        }
        img.data
            .chunks_exact(3)
            .try_for_each(|c| add([c[0], c[1], c[2]]))?;
    } else {
        return Err(bad("neither GIF nor PPM"));
    }
    Ok(map)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_maps_are_read_as_libjpeg_reads_them() {
        // A PPM's colours in order of appearance, each once.
        let ppm = b"P3\n4 1\n255\n9 8 7  1 2 3  9 8 7  0 0 0\n";
        assert_eq!(
            read_colormap(ppm).unwrap(),
            vec![[9, 8, 7], [1, 2, 3], [0, 0, 0]]
        );
        assert!(read_colormap(b"P3\n1 1\n15\n1 2 3\n").is_err(), "maxval 15");
        // More than 256 colours.
        let mut big = b"P6\n300 1\n255\n".to_vec();
        big.extend((0..300u32).flat_map(|i| [(i % 256) as u8, (i / 256) as u8, 0]));
        assert!(read_colormap(&big).is_err());
        // A GIF's global table (4 entries), its duplicate entries dropped.
        let mut gif = b"GIF87a\x01\x00\x01\x00\x81\x00\x00".to_vec();
        gif.extend_from_slice(&[1, 1, 1, 2, 2, 2, 1, 1, 1, 3, 3, 3]);
        assert_eq!(
            read_colormap(&gif).unwrap(),
            vec![[1, 1, 1], [2, 2, 2], [3, 3, 3]]
        );
        assert!(read_colormap(b"GIF87a\x01\x00\x01\x00\x00\x00\x00").is_err());
        assert!(read_colormap(b"BM").is_err());
    }

    #[test]
    fn colour_counts_outside_libjpegs_range_are_refused() {
        let img = PixelImage {
            width: 2,
            height: 1,
            channels: 3,
            data: vec![0, 0, 0, 255, 255, 255],
        };
        for colors in [0, 7, 257] {
            let opts = QuantizeOptions {
                colors,
                ..QuantizeOptions::default()
            };
            assert!(quantize(&img, &opts).is_err(), "{colors}");
        }
        // Two colours make a map of two (cell centres of libjpeg's histogram).
        let m = quantize(&img, &QuantizeOptions::default()).unwrap();
        assert_eq!((m.colormap.len(), m.indices.len()), (2, 2));
    }
}
