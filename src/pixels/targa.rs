//! Truevision Targa (TGA) input for the encoder, the format `cjpeg -targa` reads.
//!
//! An 18-byte header (identification length, colour map type, image type, colour map
//! first entry, length and entry size, origin, width, height, bits per pixel, and a
//! descriptor byte whose bit 5 says the rows run top-down), the identification field,
//! the colour map, then the pixels: uncompressed (types 1, 2, 3) or run-length coded
//! (9, 10, 11: a count byte, bit 7 set for one pixel repeated, clear for that many
//! literal pixels, any packet may run on into the next row). Pixels are colour-map
//! indices (types 1, 9; 8 bits, 24-bit B, G, R map entries), B, G, R in 15/16 bits
//! (5 each, the top bit ignored), 24 bits or 32 bits (the fourth byte ignored), or 8-bit
//! gray (types 3, 11). As in cjpeg, gray types make a gray image and every other type
//! an RGB one, and 5-bit samples are widened to 8 bits as `(v · 255 + 15) / 31`.

use super::image_io::MAX_INPUT_PIXELS;
use super::quantize::Colormapped;
use super::{PixelImage, PixelShape};
use crate::error::{Error, MalformedKind, Result};

fn bad(offset: usize, msg: impl Into<String>) -> Error {
    Error::malformed(
        offset,
        MalformedKind::BadHeader(format!("Targa: {}", msg.into())),
    )
}

/// The header fields that matter.
#[derive(Debug, Clone, Copy)]
struct Header {
    id_len: usize,
    map_type: u8,
    kind: u8,
    map_first: usize,
    map_len: usize,
    map_bits: u8,
    width: usize,
    height: usize,
    bits: u8,
    top_down: bool,
}

fn header(d: &[u8]) -> Option<Header> {
    let h = d.get(..18)?;
    let le = |i: usize| usize::from(u16::from_le_bytes([h[i], h[i + 1]]));
    Some(Header {
        id_len: usize::from(h[0]),
        map_type: h[1],
        kind: h[2],
        map_first: le(3),
        map_len: le(5),
        map_bits: h[7],
        width: le(12),
        height: le(14),
        bits: h[16],
        top_down: h[17] & 0x20 != 0,
    })
}

impl Header {
    /// Whether the fields describe an image cjpeg reads (also how a Targa file is told
    /// from other data: the format has no signature).
    fn readable(&self) -> bool {
        let mapped = matches!(self.kind, 1 | 9);
        let bits_ok = match self.kind & 7 {
            1 | 3 => self.bits == 8,
            2 => matches!(self.bits, 15 | 16 | 24 | 32),
            _ => false,
        };
        let map_ok = match self.map_type {
            0 => !mapped,
            1 => self.map_bits == 24 && self.map_first + self.map_len <= 256,
            _ => false,
        };
        matches!(self.kind, 1 | 2 | 3 | 9 | 10 | 11)
            && bits_ok
            && map_ok
            && self.width > 0
            && self.height > 0
    }
}

/// Whether `data` has a Targa header cjpeg would read.
pub fn is_targa(data: &[u8]) -> bool {
    header(data).is_some_and(|h| h.readable())
}

/// Reads a Targa file as cjpeg reads it (see the module notes).
pub fn read_targa(d: &[u8]) -> Result<PixelImage> {
    let h = header(d).ok_or_else(|| bad(0, "header cut short"))?;
    if !h.readable() {
        return Err(bad(
            0,
            format!("unsupported image type {} with {} bits", h.kind, h.bits),
        ));
    }
    let pixels = h.width as u64 * h.height as u64;
    if pixels > MAX_INPUT_PIXELS {
        return Err(bad(12, format!("{}x{} is too large", h.width, h.height)));
    }
    let mut at = 18 + h.id_len;
    let mut map = vec![[0u8; 3]; 256];
    if h.map_type == 1 {
        let bytes = d
            .get(at..at + 3 * h.map_len)
            .ok_or_else(|| bad(at, "colour map cut short"))?;
        for (i, e) in bytes.chunks_exact(3).enumerate() {
            map[h.map_first + i] = [e[2], e[1], e[0]];
        }
        at += 3 * h.map_len;
    }
    let raw = unpack(d, at, &h)?;
    let gray = h.kind & 7 == 3;
    let channels = if gray { 1 } else { 3 };
    let bpp = usize::from(h.bits).div_ceil(8);
    let row_len = h.width * channels;
    let mut data = vec![0u8; h.height * row_len];
    for (y, row) in raw.chunks_exact(h.width * bpp).enumerate() {
        let out_y = if h.top_down { y } else { h.height - 1 - y };
        let out = &mut data[out_y * row_len..(out_y + 1) * row_len];
        convert_row(row, out, &h, &map);
    }
    Ok(PixelImage {
        width: h.width as u32,
        height: h.height as u32,
        channels,
        data,
    })
}

/// The pixels as stored, `width × height` of them, run-length decoded when the type
/// says so.
fn unpack(d: &[u8], at: usize, h: &Header) -> Result<Vec<u8>> {
    let bpp = usize::from(h.bits).div_ceil(8);
    let total = h.width * h.height * bpp;
    if h.kind < 9 {
        return d
            .get(at..at + total)
            .map(<[u8]>::to_vec)
            .ok_or_else(|| bad(at, format!("pixels cut short ({}x{})", h.width, h.height)));
    }
    // Grown as the packets come: a few bytes of runs may claim a large image.
    let mut out = Vec::new();
    let mut i = at;
    while out.len() < total {
        let &count = d
            .get(i)
            .ok_or_else(|| bad(i, "run-length data cut short"))?;
        let n = (usize::from(count & 0x7F) + 1) * bpp;
        let n = n.min(total - out.len());
        if count & 0x80 != 0 {
            let px = d
                .get(i + 1..i + 1 + bpp)
                .ok_or_else(|| bad(i, "run-length data cut short"))?;
            out.extend(px.iter().cycle().take(n));
            i += 1 + bpp;
        } else {
            let lit = d
                .get(i + 1..i + 1 + n)
                .ok_or_else(|| bad(i, "run-length data cut short"))?;
            out.extend_from_slice(lit);
            i += 1 + n;
        }
    }
    Ok(out)
}

/// 5-bit sample → 8 bits, rounded.
fn widen5(v: u16) -> u8 {
    ((u32::from(v & 31) * 255 + 15) / 31) as u8
}

/// One row of stored pixels → gray or R, G, B samples.
fn convert_row(row: &[u8], out: &mut [u8], h: &Header, map: &[[u8; 3]]) {
    match (h.kind & 7, h.bits) {
        (3, _) => out.copy_from_slice(row),
        (1, _) => {
            for (o, &i) in out.chunks_exact_mut(3).zip(row) {
                o.copy_from_slice(&map[usize::from(i)]);
            }
        }
        (_, 15 | 16) => {
            for (o, p) in out.chunks_exact_mut(3).zip(row.chunks_exact(2)) {
                let v = u16::from_le_bytes([p[0], p[1]]);
                o.copy_from_slice(&[widen5(v >> 10), widen5(v >> 5), widen5(v)]);
            }
        }
        (_, bits) => {
            let bpp = usize::from(bits / 8);
            for (o, p) in out.chunks_exact_mut(3).zip(row.chunks_exact(bpp)) {
                o.copy_from_slice(&[p[2], p[1], p[0]]);
            }
        }
    }
}

/// The header `djpeg -targa` writes for an image of `shape`: uncompressed true-colour
/// (type 2, 24 bits) or gray (type 3, 8 bits), rows top-down.
pub fn targa_header(shape: PixelShape) -> Result<[u8; 18]> {
    if shape.maxval > 255 {
        return Err(Error::BadRequest(
            "a Targa file holds 8-bit samples; write 12-bit ones as PNM or PNG".into(),
        ));
    }
    let (kind, bits) = match shape.channels {
        1 => (3, 8),
        3 => (2, 24),
        c => {
            return Err(Error::BadRequest(format!(
                "a Targa file holds gray or RGB pixels, not {c} channels"
            )))
        }
    };
    let (Ok(w), Ok(h)) = (u16::try_from(shape.width), u16::try_from(shape.height)) else {
        return Err(Error::BadRequest(format!(
            "a Targa file is at most 65535 pixels wide and high, not {}x{}",
            shape.width, shape.height
        )));
    };
    let mut head = [0u8; 18];
    head[2] = kind;
    head[12..14].copy_from_slice(&w.to_le_bytes());
    head[14..16].copy_from_slice(&h.to_le_bytes());
    head[16] = bits;
    head[17] = 0x20;
    Ok(head)
}

/// A colour-mapped image as the Targa file `djpeg -colors N -targa` writes: a colour
/// one as a colour-mapped Targa (type 1: its map of B, G, R, then one index per pixel,
/// rows top down), a gray one as the gray levels themselves (type 3).
pub fn encode_targa_mapped(m: &Colormapped) -> Result<Vec<u8>> {
    if m.channels == 1 {
        return encode_targa(&m.demapped());
    }
    let shape = PixelShape {
        width: m.width,
        height: m.height,
        channels: 1,
        maxval: 255,
    };
    let mut head = targa_header(shape)?;
    let n = u16::try_from(m.colormap.len()).unwrap_or(256);
    head[1] = 1; // a colour map follows
    head[2] = 1; // uncompressed, colour-mapped
    head[5..7].copy_from_slice(&n.to_le_bytes());
    head[7] = 24;
    let mut out = head.to_vec();
    out.extend(m.colormap.iter().flat_map(|&[r, g, b]| [b, g, r]));
    out.extend_from_slice(&m.indices);
    Ok(out)
}

/// The image as the Targa file `djpeg -targa` writes.
pub fn encode_targa(img: &PixelImage) -> Result<Vec<u8>> {
    let shape = PixelShape {
        width: img.width,
        height: img.height,
        channels: img.channels,
        maxval: 255,
    };
    let mut out = targa_header(shape)?.to_vec();
    push_targa_rows(&mut out, &img.data, img.channels);
    Ok(out)
}

/// Appends rows of gray or R, G, B samples to `out` as Targa stores them (B, G, R).
pub fn push_targa_rows(out: &mut Vec<u8>, rows: &[u8], channels: usize) {
    match channels {
        3 => out.extend(rows.chunks_exact(3).flat_map(|p| [p[2], p[1], p[0]])),
        _ => out.extend_from_slice(rows),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 5×3 run-length coded RGB file whose packets run across rows.
    fn rle_file() -> Vec<u8> {
        let mut f = vec![0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 3, 0, 24, 0x20];
        f.extend_from_slice(&[0x86, 1, 2, 3]); // 7 pixels (B, G, R) = (1, 2, 3)
        f.extend_from_slice(&[0x02, 9, 9, 9, 4, 5, 6, 7, 8, 9]); // 3 literal pixels
        f.extend_from_slice(&[0x84, 0, 0, 255]); // 5 red pixels
        f
    }

    #[test]
    fn run_length_packets_cross_rows() {
        let img = read_targa(&rle_file()).unwrap();
        assert_eq!((img.width, img.height, img.channels), (5, 3, 3));
        assert_eq!(&img.data[..3], &[3, 2, 1]);
        assert_eq!(&img.data[5 * 3..6 * 3], &[3, 2, 1]); // second row, first pixel
        assert_eq!(&img.data[7 * 3..10 * 3], &[9, 9, 9, 6, 5, 4, 9, 8, 7]);
        assert_eq!(&img.data[14 * 3..], &[255, 0, 0]);
    }

    /// Damaged files (cut anywhere, bytes changed) give an image or an error, never a
    /// panic; a cut in the pixels is an error.
    #[test]
    fn damaged_files_are_errors_not_panics() {
        let good = rle_file();
        for cut in 0..good.len() {
            assert!(read_targa(&good[..cut]).is_err(), "cut at {cut}");
        }
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..2000 {
            let mut d = good.clone();
            for _ in 0..3 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let at = (x % d.len() as u64) as usize;
                d[at] = (x >> 32) as u8;
            }
            let _ = is_targa(&d) && read_targa(&d).is_ok();
        }
        let mut huge = good.clone();
        huge[12..16].copy_from_slice(&[0xFF; 4]);
        assert!(read_targa(&huge).is_err(), "65535x65535 from a few bytes");
    }
}
