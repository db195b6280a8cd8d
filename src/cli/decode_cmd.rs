//! `jtool decode` output: the rows go to the destination as they are decoded (PNM
//! or PNG), so the image is never held whole, and on a file the output still appears
//! only once complete (see [`io::stream_output`]). A BMP file stores its rows bottom
//! up, so they are held until the last one (as djpeg holds them).

use super::io::{self, Dest};
use jtool::pipeline::pixels::{decode_file_rows, DecodeOptions};
use jtool::pixels::bmp::{bmp_header, encode_bmp_mapped, push_bmp_rows, BmpKind};
use jtool::pixels::image_io::{encode_pnm, pnm_header_for, PngStream};
use jtool::pixels::quantize::{quantize, quantize_to_map, Colormapped, QuantizeOptions};
use jtool::pixels::targa::{encode_targa_mapped, push_targa_rows, targa_header};
use jtool::pixels::{ColorSpace, PixelImage, PixelShape};
use jtool::{Error, Result, Warning};
use std::cell::{Cell, RefCell};
use std::io::Write;
use std::path::Path;

/// A writer that counts what passes through it.
struct Counted<'w> {
    w: &'w mut dyn Write,
    n: &'w Cell<u64>,
}

impl Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let k = self.w.write(buf)?;
        self.n.set(self.n.get() + k as u64);
        Ok(k)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.w.write_all(buf)?;
        self.n.set(self.n.get() + buf.len() as u64);
        Ok(())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.w.flush()
    }
}

/// The format of the pixels written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pnm,
    Png,
    Bmp(BmpKind),
    Targa,
    /// GIF, LZW-compressed or not.
    Gif {
        lzw: bool,
    },
}

/// Colour mapping of the output (`--colors`, `--map`, and GIF, which holds at most 256
/// colours).
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    /// The quantizer's settings (256 colours unless `--colors`).
    pub quant: QuantizeOptions,
    /// Whether `--colors` or `--map` was given: then every output is quantized, else
    /// only a colour GIF.
    pub colors_given: bool,
    /// `--map`'s colours.
    pub map: Option<std::sync::Arc<Vec<[u8; 3]>>>,
}

/// The output file being written.
enum Out<'w> {
    /// Before the header (PNG not started yet) or PNM samples.
    Raw(Counted<'w>),
    // Boxed: the encoder state is large, and the enum is moved on every start.
    Png(Box<PngStream<Counted<'w>>>),
    /// A BMP file: the rows gathered (top down) behind its header, all written at
    /// the end.
    Bmp(Counted<'w>, PixelShape, Vec<u8>, Vec<u8>),
    /// A Targa file after its header: each batch of rows turned to B, G, R in the
    /// buffer, then written.
    Targa(Counted<'w>, usize, Vec<u8>),
    /// A colour-mapped output: the rows gathered, quantized and written at the end
    /// (libjpeg's two-pass quantizer sees the whole image before it maps a pixel).
    Mapped(Counted<'w>, PixelShape, Vec<u8>, Target),
    Gone,
}

impl Out<'_> {
    fn start(
        &mut self,
        shape: PixelShape,
        format: Format,
        dpcm: Option<(u16, u16)>,
        mapping: Mapping,
    ) -> Result<()> {
        let mapped = mapping.colors_given || matches!(format, Format::Gif { .. });
        match (std::mem::replace(self, Out::Gone), format) {
            (Out::Raw(w), _) if mapped => {
                if format == Format::Png {
                    return Err(unsupported(
                        "--colors with PNG output (djpeg writes no PNG)",
                    ));
                }
                if shape.maxval != 255 || !matches!(shape.channels, 1 | 3) {
                    return Err(unsupported(
                        "colour-mapped output of other than 8-bit gray or RGB samples",
                    ));
                }
                let target = Target {
                    format,
                    mapping,
                    dpcm,
                };
                *self = Out::Mapped(w, shape, Vec::new(), target);
            }
            (Out::Raw(w), Format::Png) => *self = Out::Png(Box::new(PngStream::new(w, shape)?)),
            (Out::Raw(w), Format::Bmp(kind)) => {
                let head = bmp_header(shape, kind, dpcm)?;
                *self = Out::Bmp(w, shape, head, Vec::new());
            }
            (Out::Raw(mut w), Format::Targa) => {
                w.write_all(&targa_header(shape)?)?;
                *self = Out::Targa(w, shape.channels, Vec::new());
            }
            (Out::Raw(mut w), Format::Pnm) => {
                w.write_all(pnm_header_for(shape)?.as_bytes())?;
                *self = Out::Raw(w);
            }
            (other, _) => *self = other,
        }
        Ok(())
    }

    fn rows(&mut self, rows: &[u8]) -> Result<()> {
        match self {
            Out::Raw(w) => Ok(w.write_all(rows)?),
            Out::Png(p) => p.write_rows(rows),
            Out::Bmp(_, _, _, held) => {
                held.extend_from_slice(rows);
                Ok(())
            }
            Out::Targa(w, channels, buf) => {
                buf.clear();
                push_targa_rows(buf, rows, *channels);
                Ok(w.write_all(buf)?)
            }
            Out::Mapped(_, _, held, _) => {
                held.extend_from_slice(rows);
                Ok(())
            }
            Out::Gone => Ok(()),
        }
    }

    fn finish(self) -> Result<()> {
        match self {
            Out::Png(p) => p.finish(),
            Out::Bmp(mut w, shape, mut file, held) => {
                push_bmp_rows(&mut file, shape, &held);
                Ok(w.write_all(&file)?)
            }
            Out::Mapped(mut w, shape, held, target) => {
                Ok(w.write_all(&mapped_file(shape, held, target)?)?)
            }
            _ => Ok(()),
        }
    }
}

/// What jtool does not do, as the library says it.
fn unsupported(feature: &str) -> Error {
    Error::Unsupported {
        feature: feature.into(),
        offset: None,
    }
}

/// Where a colour-mapped output goes.
struct Target {
    format: Format,
    mapping: Mapping,
    /// The density a BMP header records.
    dpcm: Option<(u16, u16)>,
}

/// The file of a colour-mapped output, as djpeg writes it: a GIF, 8-bit BMP or
/// colour-mapped Targa of the map and the indices (an 8-bit gray image is its own map
/// in a GIF unless `--colors`), or a PNM of each pixel's colour.
fn mapped_file(shape: PixelShape, data: Vec<u8>, t: Target) -> Result<Vec<u8>> {
    let (format, m) = (t.format, &t.mapping);
    let img = PixelImage {
        width: shape.width,
        height: shape.height,
        channels: shape.channels,
        data,
    };
    let mapped = if img.channels == 1 && !m.colors_given {
        Colormapped::gray_levels(&img)?
    } else {
        let mut q = m.quant;
        if img.channels == 3 && matches!(format, Format::Gif { .. }) {
            // djpeg's GIF writer lowers a larger colour count to what GIF holds.
            q.colors = q.colors.min(256);
        }
        match &m.map {
            Some(map) => quantize_to_map(&img, map, &q)?,
            None => quantize(&img, &q)?,
        }
    };
    match format {
        Format::Gif { lzw } => mapped.gif(lzw),
        Format::Bmp(kind) => encode_bmp_mapped(&mapped, kind, t.dpcm),
        Format::Targa => encode_targa_mapped(&mapped),
        _ => encode_pnm(&mapped.demapped()),
    }
}

/// Rows left out of the output (`--skip Y0,Y1`, as `djpeg -skip`): the shape loses
/// them and each band passes on the rest.
struct Skip {
    rows: (u32, u32),
    /// The next row of the decoded image, and its length in bytes.
    next: u32,
    row_len: usize,
}

impl Skip {
    fn shape(&mut self, mut shape: PixelShape) -> Result<PixelShape> {
        let (y0, y1) = self.rows;
        if y1 >= shape.height {
            return Err(Error::BadRequest(format!(
                "skip region exceeds image height {}",
                shape.height
            )));
        }
        self.row_len = shape.width as usize * shape.channels * shape.sample_bytes();
        shape.height -= y1 - y0 + 1;
        Ok(shape)
    }

    /// The parts of `band` (whole rows) outside the skipped rows.
    fn kept<'b>(&mut self, band: &'b [u8]) -> [&'b [u8]; 2] {
        let n = (band.len() / self.row_len.max(1)) as u32;
        let (first, y0, y1) = (self.next, self.rows.0, self.rows.1);
        self.next += n;
        let at = |y: u32| (y.clamp(first, first + n) - first) as usize * self.row_len;
        [&band[..at(y0)], &band[at(y1 + 1)..]]
    }
}

/// What `decode` does to the decoded rows on their way out.
#[derive(Debug, Clone, Default)]
pub struct Shaping {
    /// `--skip Y0,Y1`: rows left out.
    pub skip: Option<(u32, u32)>,
    /// `--rgb`: gray rows written as RGB.
    pub rgb: bool,
    /// `--colors`, `--dither`, `--onepass`.
    pub mapping: Mapping,
}

/// Gray samples (`bytes` each) repeated as R, G, B.
fn gray_to_rgb(rows: &[u8], bytes: usize, buf: &mut Vec<u8>) {
    buf.clear();
    for s in rows.chunks_exact(bytes) {
        for _ in 0..3 {
            buf.extend_from_slice(s);
        }
    }
}

/// Decodes `data` into `dest` in `format`, band by band, shaped by `shaping`. Returns
/// the bytes written and the warnings.
pub fn decode_to(
    data: &[u8],
    opts: &DecodeOptions,
    dest: &Dest,
    like: Option<&Path>,
    format: Format,
    shaping: Shaping,
) -> Result<(u64, Vec<Warning>)> {
    let rgb = shaping.rgb;
    // Gray samples to repeat as RGB: their size in bytes (0: not expanded).
    let expand = Cell::new(0);
    let mut wide: Vec<u8> = Vec::new();
    let skip = shaping.skip.map(|rows| {
        RefCell::new(Skip {
            rows,
            next: 0,
            row_len: 0,
        })
    });
    let written = Cell::new(0);
    let mut warnings = Vec::new();
    // Only a BMP header records the density (and parsing walks the whole file).
    let dpcm = match format {
        Format::Bmp(_) => jtool::container::JpegFile::parse(data)
            .ok()
            .and_then(|f| jtool::pipeline::pixels::dots_per_cm(&f)),
        _ => None,
    };
    io::stream_output(dest, like, |w: &mut dyn Write| -> Result<()> {
        let out = RefCell::new(Out::Raw(Counted { w, n: &written }));
        let (color, ws) = decode_file_rows(
            data,
            opts,
            &mut |mut shape| {
                if rgb && shape.channels == 1 {
                    expand.set(shape.sample_bytes());
                    shape.channels = 3;
                }
                let shape = match &skip {
                    Some(s) => s.borrow_mut().shape(shape)?,
                    None => shape,
                };
                out.borrow_mut()
                    .start(shape, format, dpcm, shaping.mapping.clone())
            },
            &mut |rows| {
                let rows = match expand.get() {
                    0 => rows,
                    bytes => {
                        gray_to_rgb(rows, bytes, &mut wide);
                        &wide[..]
                    }
                };
                match &skip {
                    Some(s) => s.borrow_mut().kept(rows).iter().try_for_each(|part| {
                        match part.is_empty() {
                            true => Ok(()),
                            false => out.borrow_mut().rows(part),
                        }
                    }),
                    None => out.borrow_mut().rows(rows),
                }
            },
        )?;
        let out = out.into_inner();
        if matches!(out, Out::Mapped(..)) && matches!(color, ColorSpace::Cmyk | ColorSpace::Ycck) {
            // libjpeg quantizes the four components, before djpeg converts them.
            return Err(unsupported("colour-mapped output of a CMYK or YCCK image"));
        }
        out.finish()?;
        warnings = ws;
        Ok(())
    })
    .map_err(|e: Error| e)?;
    Ok((written.get(), warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bands split where the skipped rows begin and end, or not at all.
    #[test]
    fn skip_keeps_the_rows_around_the_region() {
        let mut s = Skip {
            rows: (3, 6),
            next: 0,
            row_len: 0,
        };
        let shape = PixelShape {
            width: 1,
            height: 10,
            channels: 1,
            maxval: 255,
        };
        assert_eq!(s.shape(shape).unwrap().height, 6);
        let rows: Vec<u8> = (0..10).collect();
        let mut kept = Vec::new();
        for band in rows.chunks(4) {
            for part in s.kept(band) {
                kept.extend_from_slice(part);
            }
        }
        assert_eq!(kept, [0, 1, 2, 7, 8, 9]);
        let mut past = Skip {
            rows: (5, 10),
            next: 0,
            row_len: 0,
        };
        assert!(past.shape(shape).is_err(), "row 10 is past the image");
    }
}
