//! Image files of the pixel path: PNM (PGM P5, PPM P6, PAM P7; reading also P2/P3)
//! and PNG. Bytes in, bytes out.
//!
//! PNM output is byte-identical to `djpeg`'s: the header is `P6\n<w> <h>\n255\n`
//! (`P5` for gray), then the samples. Four-channel (CMYK) images are written as PAM
//! with `TUPLTYPE CMYK`. Reading accepts any maxval up to 65535 and rescales to
//! 0..255 as `cjpeg` does (`(v·255 + maxval/2) / maxval`).

use super::{PixelImage, PixelShape, PixelSlice};
use crate::error::{Error, MalformedKind, Result};
use std::io::Write;

/// Most pixels an input whose size its data does not bound (GIF, run-length coded
/// Targa) may declare: the default `--max-pixels`.
pub(super) const MAX_INPUT_PIXELS: u64 = 1 << 28;

fn bad(offset: usize, msg: impl Into<String>) -> Error {
    Error::malformed(offset, MalformedKind::BadHeader(msg.into()))
}

/// The PNM/PAM header djpeg writes for this image.
pub fn pnm_header(img: &PixelImage) -> Result<String> {
    pnm_header_for(PixelShape {
        width: img.width,
        height: img.height,
        channels: img.channels,
        maxval: 255,
    })
}

/// The PNM/PAM header for an image of this shape (for streamed output, see
/// [`decode_rows`](super::decode_rows)); the samples follow it unchanged.
pub fn pnm_header_for(shape: PixelShape) -> Result<String> {
    let (w, h, m) = (shape.width, shape.height, shape.maxval);
    Ok(match shape.channels {
        1 => format!("P5\n{w} {h}\n{m}\n"),
        3 => format!("P6\n{w} {h}\n{m}\n"),
        4 => format!("P7\nWIDTH {w}\nHEIGHT {h}\nDEPTH 4\nMAXVAL {m}\nTUPLTYPE CMYK\nENDHDR\n"),
        n => return Err(Error::BadRequest(format!("no PNM format for {n} channels"))),
    })
}

/// Writes the image as PGM/PPM (PAM for CMYK) to `w`.
pub fn write_pnm<W: Write>(img: &PixelImage, mut w: W) -> Result<()> {
    w.write_all(pnm_header(img)?.as_bytes())?;
    w.write_all(&img.data)?;
    Ok(())
}

/// The image as a PGM/PPM (PAM for CMYK) file.
pub fn encode_pnm(img: &PixelImage) -> Result<Vec<u8>> {
    let header = pnm_header(img)?;
    let mut out = Vec::with_capacity(header.len() + img.data.len());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(&img.data);
    Ok(out)
}

/// The image as a PNG file (8-bit gray or RGB; CMYK cannot be stored in PNG).
pub fn encode_png(img: &PixelImage) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let shape = PixelShape {
        width: img.width,
        height: img.height,
        channels: img.channels,
        maxval: 255,
    };
    let mut png = PngStream::new(&mut out, shape)?;
    png.write_rows(&img.data)?;
    png.finish()?;
    Ok(out)
}

/// A PNG file written as its rows arrive (for streamed output, see
/// [`decode_rows`](super::decode_rows)): [`PngStream::new`] writes the header, then
/// [`PngStream::write_rows`] takes whole rows top to bottom, [`PngStream::finish`]
/// ends the file. The deflate level is png's fast one: decoded photos are large, and
/// the stronger levels cost many times the decode for a few percent.
pub struct PngStream<W: Write> {
    /// The encoder, writing into `pending` (it needs an owned writer).
    png: png::StreamWriter<'static, Pending>,
    pending: Pending,
    out: W,
    /// Samples of more than 8 bits (two bytes each; their significant bits) scaled
    /// to 16 bits on their way in.
    wide: Option<(Vec<u8>, u32)>,
}

/// Encoded bytes on their way from the encoder to the output.
#[derive(Clone, Default)]
struct Pending(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl Write for Pending {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<W: Write> PngStream<W> {
    /// Starts a PNG of this shape (8-bit gray or RGB) on `out`.
    pub fn new(out: W, shape: PixelShape) -> Result<Self> {
        let color = match shape.channels {
            1 => png::ColorType::Grayscale,
            3 => png::ColorType::Rgb,
            n => {
                return Err(Error::BadRequest(format!(
                    "PNG cannot hold {n}-channel (CMYK) images; use PAM"
                )))
            }
        };
        let pending = Pending::default();
        let mut enc = png::Encoder::new(pending.clone(), shape.width, shape.height);
        enc.set_color(color);
        let wide = shape.maxval > 255;
        enc.set_depth(match wide {
            true => png::BitDepth::Sixteen,
            false => png::BitDepth::Eight,
        });
        enc.set_compression(png::Compression::Fast);
        let mut writer = enc.write_header().map_err(png_err)?;
        // Significant bits of wide samples (12 for 12-bit DCT files, P for lossless).
        let sig = 16 - shape.maxval.leading_zeros() as u8;
        if wide {
            // sBIT: how many of the 16 bits are significant (PNG 11.3.3.4).
            let bits = vec![sig; shape.channels];
            writer
                .write_chunk(png::chunk::ChunkType(*b"sBIT"), &bits)
                .map_err(png_err)?;
        }
        let png = writer
            .into_stream_writer_with_size(1 << 16)
            .map_err(png_err)?;
        let wide = wide.then(|| (Vec::new(), u32::from(sig)));
        let mut s = PngStream {
            png,
            pending,
            out,
            wide,
        };
        s.drain()?;
        Ok(s)
    }

    /// Moves what the encoder produced to the output.
    fn drain(&mut self) -> Result<()> {
        let mut p = self.pending.0.borrow_mut();
        self.out.write_all(&p)?;
        p.clear();
        Ok(())
    }

    /// Writes whole rows.
    pub fn write_rows(&mut self, rows: &[u8]) -> Result<()> {
        match &mut self.wide {
            // b bits to 16 by repeating the top bits below (PNG 12.5: the full
            // range maps onto the full range).
            Some((buf, b)) => {
                buf.clear();
                let b = *b;
                for pair in rows.chunks_exact(2) {
                    let v = u32::from(u16::from_be_bytes([pair[0], pair[1]]));
                    let v = (v << (16 - b)) | (v >> (2 * b).saturating_sub(16).min(31));
                    buf.extend_from_slice(&(v as u16).to_be_bytes());
                }
                self.png.write_all(buf)?;
            }
            None => self.png.write_all(rows)?,
        }
        self.drain()
    }

    /// Ends the file (every row must have been written).
    pub fn finish(mut self) -> Result<()> {
        self.png.finish().map_err(png_err)?;
        let p = self.pending.0.borrow();
        self.out.write_all(&p)?;
        Ok(())
    }
}

fn png_err(e: impl std::fmt::Display) -> Error {
    bad(0, format!("PNG: {e}"))
}

/// The first frame of a PNG file, decoded with `t`, and its description.
fn png_frame(data: &[u8], t: png::Transformations) -> Result<(Vec<u8>, png::OutputInfo)> {
    let mut dec = png::Decoder::new_with_limits(
        std::io::Cursor::new(data),
        png::Limits { bytes: usize::MAX },
    );
    dec.set_transformations(t);
    let mut reader = dec.read_info().map_err(png_err)?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| png_err("image too large"))?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(png_err)?;
    buf.truncate(info.buffer_size());
    Ok((buf, info))
}

/// Samples per pixel of a decoded PNG frame, and how many of them are kept (gray or
/// R, G, B: an alpha channel is dropped).
fn png_channels(info: &png::OutputInfo) -> Result<(usize, usize)> {
    match info.color_type {
        png::ColorType::Grayscale => Ok((1, 1)),
        png::ColorType::GrayscaleAlpha => Ok((2, 1)),
        png::ColorType::Rgb => Ok((3, 3)),
        png::ColorType::Rgba => Ok((4, 3)),
        png::ColorType::Indexed => Err(png_err("palette not expanded")),
    }
}

/// Reads a PNG file as 8-bit gray or RGB: palettes are expanded, 16-bit samples cut to
/// their high byte, and an alpha channel is dropped.
pub fn read_png(data: &[u8]) -> Result<PixelImage> {
    let (buf, info) = png_frame(data, png::Transformations::normalize_to_color8())?;
    let (w, h) = (info.width as usize, info.height as usize);
    let (channels, keep) = png_channels(&info)?;
    let line = info.line_size;
    let mut out = Vec::with_capacity(w * h * keep);
    for y in 0..h {
        let row = &buf[y * line..y * line + w * channels];
        if channels == keep {
            out.extend_from_slice(row);
        } else {
            for px in row.chunks_exact(channels) {
                out.extend_from_slice(&px[..keep]);
            }
        }
    }
    Ok(PixelImage {
        width: info.width,
        height: info.height,
        channels: keep,
        data: out,
    })
}

/// A cursor over a PNM header.
struct Header<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Header<'_> {
    fn skip_space(&mut self) {
        while self.pos < self.data.len() {
            match self.data[self.pos] {
                b'#' => {
                    while self.pos < self.data.len()
                        && self.data[self.pos] != b'\n'
                        && self.data[self.pos] != b'\r'
                    {
                        self.pos += 1;
                    }
                }
                b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => self.pos += 1,
                _ => return,
            }
        }
    }

    fn number(&mut self) -> Result<u32> {
        self.skip_space();
        let start = self.pos;
        let mut v: u64 = 0;
        while self.pos < self.data.len() && self.data[self.pos].is_ascii_digit() {
            v = v * 10 + (self.data[self.pos] - b'0') as u64;
            if v > u32::MAX as u64 {
                return Err(bad(start, "PNM: number too large"));
            }
            self.pos += 1;
        }
        if self.pos == start {
            return Err(bad(start, "PNM: expected a number"));
        }
        Ok(v as u32)
    }

    fn word(&mut self) -> &[u8] {
        self.skip_space();
        let start = self.pos;
        while self.pos < self.data.len() && !self.data[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
        &self.data[start..self.pos]
    }
}

/// A PNM header: the image shape, the sample range and where the samples start.
pub(super) struct PnmInfo {
    width: u32,
    height: u32,
    channels: usize,
    pub(super) maxval: u32,
    ascii: bool,
    /// Offset of the first sample (binary) or of the text after the header (ASCII).
    start: usize,
}

/// Parses the header of a PGM/PPM (P2, P3, P5, P6) or PAM (P7 with DEPTH 1, 3 or 4).
pub(super) fn pnm_info(data: &[u8]) -> Result<PnmInfo> {
    if data.len() < 2 || data[0] != b'P' {
        return Err(bad(0, "not a PNM file"));
    }
    let kind = data[1];
    let mut hd = Header { data, pos: 2 };
    let (width, height, channels, maxval, ascii) = match kind {
        b'2' | b'3' | b'5' | b'6' => {
            let w = hd.number()?;
            let h = hd.number()?;
            let m = hd.number()?;
            let ch = if kind == b'2' || kind == b'5' { 1 } else { 3 };
            (w, h, ch, m, kind == b'2' || kind == b'3')
        }
        b'7' => {
            let (w, h, d, m) = pam_fields(&mut hd)?;
            (w, h, d, m, false)
        }
        _ => return Err(bad(0, "not a PNM file (P2, P3, P5, P6 or P7)")),
    };
    if width == 0 || height == 0 {
        return Err(bad(hd.pos, "PNM: zero width or height"));
    }
    if maxval == 0 || maxval > 65535 {
        return Err(bad(hd.pos, format!("PNM: maxval {maxval} out of range")));
    }
    // Binary: one whitespace byte ends the header (P7: the newline after ENDHDR).
    let start = if ascii { hd.pos } else { hd.pos + 1 };
    Ok(PnmInfo {
        width,
        height,
        channels,
        maxval,
        ascii,
        start,
    })
}

/// The header lines of a PAM file up to ENDHDR: width, height, depth, maxval.
fn pam_fields(hd: &mut Header<'_>) -> Result<(u32, u32, usize, u32)> {
    let (mut w, mut h, mut d, mut m) = (None, None, None, None);
    loop {
        let key = hd.word().to_vec();
        match key.as_slice() {
            b"WIDTH" => w = Some(hd.number()?),
            b"HEIGHT" => h = Some(hd.number()?),
            b"DEPTH" => d = Some(hd.number()?),
            b"MAXVAL" => m = Some(hd.number()?),
            b"TUPLTYPE" => {
                // The rest of the line.
                while hd.pos < hd.data.len() && hd.data[hd.pos] != b'\n' {
                    hd.pos += 1;
                }
            }
            b"ENDHDR" => break,
            b"" => return Err(bad(hd.pos, "PAM: no ENDHDR")),
            _ => return Err(bad(hd.pos, "PAM: unknown header line")),
        }
    }
    let (Some(w), Some(h), Some(d), Some(m)) = (w, h, d, m) else {
        return Err(bad(hd.pos, "PAM: WIDTH, HEIGHT, DEPTH or MAXVAL missing"));
    };
    if !matches!(d, 1 | 3 | 4) {
        return Err(bad(
            hd.pos,
            format!("PAM: DEPTH {d} not supported (1, 3 or 4)"),
        ));
    }
    Ok((w, h, d as usize, m))
}

impl PnmInfo {
    /// Samples in the image.
    fn samples(&self) -> u64 {
        self.width as u64 * self.height as u64 * self.channels as u64
    }

    /// The raw bytes of a binary file's samples.
    fn raw<'a>(&self, data: &'a [u8]) -> Result<&'a [u8]> {
        let bps = if self.maxval > 255 { 2 } else { 1 };
        let need = self
            .samples()
            .checked_mul(bps)
            .filter(|&b| self.start as u64 + b <= data.len() as u64);
        let Some(need) = need else {
            return Err(bad(data.len(), "PNM: premature end of sample data"));
        };
        Ok(&data[self.start..self.start + need as usize])
    }

    fn image(&self, data: Vec<u8>) -> PixelImage {
        PixelImage {
            width: self.width,
            height: self.height,
            channels: self.channels,
            data,
        }
    }
}

/// Reads a PGM/PPM (P2, P3, P5, P6) or PAM (P7 with DEPTH 1, 3 or 4) file.
pub fn read_pnm(data: &[u8]) -> Result<PixelImage> {
    let info = pnm_info(data)?;
    let n = info.samples();
    if info.ascii {
        let mut hd = Header {
            data,
            pos: info.start,
        };
        if n > data.len() as u64 {
            return Err(bad(hd.pos, "PNM: file too short for its size"));
        }
        let mut out = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let v = hd.number()?;
            if v > info.maxval {
                return Err(bad(hd.pos, "PNM: sample above maxval"));
            }
            out.push(rescale(v, info.maxval));
        }
        return Ok(info.image(out));
    }
    let raw = info.raw(data)?;
    let maxval = info.maxval;
    let out = if maxval == 255 {
        raw.to_vec()
    } else if maxval <= 255 {
        let table: Vec<u8> = (0..=255).map(|v| rescale(v, maxval)).collect();
        raw.iter().map(|&v| table[v as usize]).collect()
    } else {
        raw.chunks_exact(2)
            .map(|p| rescale(((p[0] as u32) << 8) | p[1] as u32, maxval))
            .collect()
    };
    Ok(info.image(out))
}

/// Reads a PGM/PPM/PAM (gray or RGB) or PNG file as 12-bit samples: each sample
/// rescaled from the file's maximum value to 4095, rounded (`(v·4095 + max/2) / max`,
/// libjpeg's rescaling); an alpha channel is dropped.
pub fn read_wide(data: &[u8]) -> Result<super::wide_encode::WideImage> {
    read_samples(data, 12)
}

/// [`read_wide`] rescaled to `bits`-bit samples (2 to 16) instead of 12.
pub fn read_samples(data: &[u8], bits: u8) -> Result<super::wide_encode::WideImage> {
    let top = (1u64 << bits.clamp(2, 16)) - 1;
    let (width, height, channels, maxval, samples) = if is_pnm(data) {
        let info = pnm_info(data)?;
        (
            info.width,
            info.height,
            info.channels,
            info.maxval,
            pnm_samples(&info, data)?,
        )
    } else {
        read_png_wide(data)?
    };
    if !matches!(channels, 1 | 3) {
        return Err(Error::BadRequest(format!(
            "{channels}-channel input cannot be encoded with 12-bit samples"
        )));
    }
    let max = u64::from(maxval.max(1));
    let data = samples
        .iter()
        .map(|&v| ((u64::from(v).min(max) * top + max / 2) / max) as u16)
        .collect();
    Ok(super::wide_encode::WideImage {
        width,
        height,
        channels,
        data,
    })
}

/// Every sample of a PNM file as it is stored.
fn pnm_samples(info: &PnmInfo, data: &[u8]) -> Result<Vec<u32>> {
    if !info.ascii {
        let raw = info.raw(data)?;
        return Ok(match info.maxval > 255 {
            true => raw
                .chunks_exact(2)
                .map(|p| u32::from(p[0]) << 8 | u32::from(p[1]))
                .collect(),
            false => raw.iter().map(|&v| u32::from(v)).collect(),
        });
    }
    let mut hd = Header {
        data,
        pos: info.start,
    };
    if info.samples() > data.len() as u64 {
        return Err(bad(hd.pos, "PNM: file too short for its size"));
    }
    (0..info.samples()).map(|_| hd.number()).collect()
}

/// A PNG file's size, channels (alpha dropped), maximum value and samples.
fn read_png_wide(data: &[u8]) -> Result<(u32, u32, usize, u32, Vec<u32>)> {
    let (buf, info) = png_frame(data, png::Transformations::EXPAND)?;
    let (channels, keep) = png_channels(&info)?;
    let wide = info.bit_depth == png::BitDepth::Sixteen;
    let bytes = if wide { 2 } else { 1 };
    let (w, h) = (info.width as usize, info.height as usize);
    let mut out = Vec::with_capacity(w * h * keep);
    for y in 0..h {
        let row = &buf[y * info.line_size..][..w * channels * bytes];
        for px in row.chunks_exact(channels * bytes) {
            for s in px[..keep * bytes].chunks_exact(bytes) {
                out.push(match wide {
                    true => u32::from(s[0]) << 8 | u32::from(s[1]),
                    false => u32::from(s[0]),
                });
            }
        }
    }
    let maxval = if wide { 65535 } else { 255 };
    Ok((info.width, info.height, keep, maxval, out))
}

/// An image read for encoding: the file's own bytes when they can be used as they
/// are (binary PNM with maxval 255), else decoded samples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadPixels<'a> {
    /// Samples borrowed from the file.
    Borrowed(PixelSlice<'a>),
    /// Samples decoded (PNG, ASCII PNM, other maxvals).
    Owned(PixelImage),
}

impl ReadPixels<'_> {
    /// The samples, wherever they are.
    pub fn as_slice(&self) -> PixelSlice<'_> {
        match self {
            ReadPixels::Borrowed(s) => *s,
            ReadPixels::Owned(img) => img.as_slice(),
        }
    }
}

/// [`read_image`] without copying the samples of binary 8-bit PNM files: the encoder
/// reads them where they lie (in a memory-mapped input, no copy of the image at all).
pub fn read_image_borrowed(data: &[u8]) -> Result<ReadPixels<'_>> {
    if is_pnm(data) {
        let info = pnm_info(data)?;
        if !info.ascii && info.maxval == 255 {
            return Ok(ReadPixels::Borrowed(PixelSlice {
                width: info.width,
                height: info.height,
                channels: info.channels,
                data: info.raw(data)?,
            }));
        }
    }
    read_image(data).map(ReadPixels::Owned)
}

/// cjpeg's rescaling of a sample with another maxval to 0..255 (values above maxval,
/// which a valid file does not have, saturate).
fn rescale(v: u32, maxval: u32) -> u8 {
    ((v.min(maxval) as u64 * 255 + maxval as u64 / 2) / maxval as u64) as u8
}

/// Whether `data` starts like a PNM/PAM file (`P1` to `P7`).
fn is_pnm(data: &[u8]) -> bool {
    matches!(data, [b'P', b'1'..=b'7', ..])
}

/// Reads a PNM/PAM, PNG, BMP, GIF or Targa file, recognised by its first bytes (a
/// Targa file, which has no signature, by a header cjpeg would read).
pub fn read_image(data: &[u8]) -> Result<PixelImage> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        read_png(data)
    } else if data.starts_with(b"BM") {
        super::bmp::read_bmp(data)
    } else if super::gif_file::is_gif(data) {
        super::gif_file::read_gif(data)
    } else if !is_pnm(data) && super::targa::is_targa(data) {
        super::targa::read_targa(data)
    } else {
        read_pnm(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(channels: usize) -> PixelImage {
        PixelImage::test_pattern(5, 3, channels)
    }

    #[test]
    fn pnm_round_trip() {
        for ch in [1, 3, 4] {
            let img = sample(ch);
            let bytes = encode_pnm(&img).unwrap();
            assert_eq!(read_pnm(&bytes).unwrap(), img);
        }
        assert!(encode_pnm(&sample(3))
            .unwrap()
            .starts_with(b"P6\n5 3\n255\n"));
    }

    #[test]
    fn png_round_trip() {
        for ch in [1, 3] {
            let img = sample(ch);
            let bytes = encode_png(&img).unwrap();
            assert_eq!(read_image(&bytes).unwrap(), img);
        }
        assert!(encode_png(&sample(4)).is_err());
    }

    #[test]
    fn ascii_and_maxval() {
        let img = read_pnm(b"P2\n# comment\n2 1\n15\n0 15\n").unwrap();
        assert_eq!(img.data, [0, 255]);
        let img = read_pnm(b"P5 1 1 65535 \x80\x00").unwrap();
        assert_eq!(img.data, [128]);
    }

    #[test]
    fn truncated_is_an_error() {
        assert!(read_pnm(b"P6\n2 2\n255\nabc").is_err());
        assert!(read_pnm(b"P6\n2").is_err());
        assert!(read_pnm(b"").is_err());
    }
}
