//! Windows and OS/2 bitmaps (BMP): the files `djpeg -bmp` / `-os2` write and the ones
//! `cjpeg` reads.
//!
//! Layout: a 14-byte file header ("BM", file size, offset of the samples), an info
//! header (40 bytes for Windows, 12 for OS/2), a colour map for 8-bit images (256
//! entries of B, G, R and, for Windows, a zero byte), then the rows from the bottom up,
//! each B, G, R per pixel (or one index) and padded to a multiple of 4 bytes.

use super::quantize::Colormapped;
use super::{PixelImage, PixelShape};
use crate::error::{Error, MalformedKind, Result};

fn bad(offset: usize, msg: impl Into<String>) -> Error {
    Error::malformed(offset, MalformedKind::BadHeader(msg.into()))
}

/// Which bitmap header to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BmpKind {
    /// BITMAPINFOHEADER (`djpeg -bmp`).
    Windows,
    /// BITMAPCOREHEADER (`djpeg -os2`).
    Os2,
}

/// Bytes per row of a bitmap `width` pixels wide with `channels` bytes per pixel.
fn row_bytes(width: usize, channels: usize) -> usize {
    (width * channels).div_ceil(4) * 4
}

/// The headers and colour map djpeg writes before the rows of an image of `shape`
/// (gray: 8 bits with a gray colour map; RGB: 24 bits). `dots_per_cm` is the JFIF
/// density when its unit is dots per cm: djpeg writes it as pixels per metre, and 0
/// for any other unit.
pub fn bmp_header(
    shape: PixelShape,
    kind: BmpKind,
    dots_per_cm: Option<(u16, u16)>,
) -> Result<Vec<u8>> {
    header(shape, kind, dots_per_cm, None)
}

/// [`bmp_header`] with `colormap` (at most 256 entries, zero-padded to 256) for the
/// indices of an 8-bit image instead of the gray ramp.
fn header(
    shape: PixelShape,
    kind: BmpKind,
    dots_per_cm: Option<(u16, u16)>,
    colormap: Option<&[[u8; 3]]>,
) -> Result<Vec<u8>> {
    let (w, h, c) = (shape.width as usize, shape.height as usize, shape.channels);
    if shape.maxval > 255 {
        return Err(Error::BadRequest(
            "a BMP file holds 8-bit samples; write 12-bit ones as PNM or PNG".into(),
        ));
    }
    if c != 1 && c != 3 {
        return Err(Error::BadRequest(format!(
            "a BMP file holds gray or RGB pixels, not {c} channels"
        )));
    }
    let info = if kind == BmpKind::Windows { 40 } else { 12 };
    let entry = if kind == BmpKind::Windows { 4 } else { 3 };
    let cmap = if c == 1 { 256 * entry } else { 0 };
    let offset = 14 + info + cmap;
    let size = (offset as u64) + row_bytes(w, c) as u64 * h as u64;
    let too_big = || Error::BadRequest(format!("{w}x{h} is too large for a BMP file"));
    let size = u32::try_from(size).map_err(|_| too_big())?;
    let mut out = Vec::with_capacity(offset);
    out.extend_from_slice(b"BM");
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(offset as u32).to_le_bytes());
    let bits = (c * 8) as u16;
    if kind == BmpKind::Windows {
        let (x, y) = dots_per_cm.map_or((0, 0), |(x, y)| (u32::from(x) * 100, u32::from(y) * 100));
        out.extend_from_slice(&40u32.to_le_bytes());
        out.extend_from_slice(&(w as u32).to_le_bytes());
        out.extend_from_slice(&(h as u32).to_le_bytes());
        out.extend_from_slice(&1u16.to_le_bytes());
        out.extend_from_slice(&bits.to_le_bytes());
        out.extend_from_slice(&[0; 8]); // no compression, image size left 0
        out.extend_from_slice(&x.to_le_bytes());
        out.extend_from_slice(&y.to_le_bytes());
        let used: u32 = if c == 1 { 256 } else { 0 };
        out.extend_from_slice(&used.to_le_bytes());
        out.extend_from_slice(&[0; 4]);
    } else {
        let (w16, h16) = (
            u16::try_from(w).map_err(|_| too_big())?,
            u16::try_from(h).map_err(|_| too_big())?,
        );
        out.extend_from_slice(&12u32.to_le_bytes());
        out.extend_from_slice(&w16.to_le_bytes());
        out.extend_from_slice(&h16.to_le_bytes());
        out.extend_from_slice(&1u16.to_le_bytes());
        out.extend_from_slice(&bits.to_le_bytes());
    }
    if c == 1 {
        let ramp: Vec<[u8; 3]> = (0..=255u8).map(|v| [v, v, v]).collect();
        let map = colormap.unwrap_or(&ramp);
        for i in 0..256 {
            let [r, g, b] = map.get(i).copied().unwrap_or([0, 0, 0]);
            out.extend_from_slice(&[b, g, r, 0][..entry]);
        }
    }
    Ok(out)
}

/// A colour-mapped image as the 8-bit bitmap `djpeg -colors N -bmp` writes: its map
/// (zero-padded to 256 entries) and one index per pixel.
pub fn encode_bmp_mapped(
    m: &Colormapped,
    kind: BmpKind,
    dots_per_cm: Option<(u16, u16)>,
) -> Result<Vec<u8>> {
    let shape = PixelShape {
        width: m.width,
        height: m.height,
        channels: 1,
        maxval: 255,
    };
    let mut out = header(shape, kind, dots_per_cm, Some(&m.colormap))?;
    push_bmp_rows(&mut out, shape, &m.indices);
    Ok(out)
}

/// Appends top-down `rows` (`shape`'s samples, R, G, B or gray) to `out` as a
/// bitmap's rows: bottom-up, B, G, R, each padded to 4 bytes.
pub fn push_bmp_rows(out: &mut Vec<u8>, shape: PixelShape, rows: &[u8]) {
    let (w, c) = (shape.width as usize, shape.channels);
    let pad = row_bytes(w, c) - w * c;
    if w == 0 {
        return;
    }
    for row in rows.chunks_exact(w * c).rev() {
        if c == 3 {
            out.extend(row.chunks_exact(3).flat_map(|p| [p[2], p[1], p[0]]));
        } else {
            out.extend_from_slice(row);
        }
        out.resize(out.len() + pad, 0);
    }
}

/// `img` as a complete bitmap, as djpeg writes it.
pub fn encode_bmp(
    img: &PixelImage,
    kind: BmpKind,
    dots_per_cm: Option<(u16, u16)>,
) -> Result<Vec<u8>> {
    let shape = PixelShape {
        width: img.width,
        height: img.height,
        channels: img.channels,
        maxval: 255,
    };
    let mut out = bmp_header(shape, kind, dots_per_cm)?;
    push_bmp_rows(&mut out, shape, &img.data);
    Ok(out)
}

fn le16(d: &[u8], at: usize) -> Result<u16> {
    d.get(at..at + 2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .ok_or_else(|| bad(at, "BMP header cut short"))
}

fn le32(d: &[u8], at: usize) -> Result<u32> {
    d.get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| bad(at, "BMP header cut short"))
}

/// The fields of a bitmap's headers the reader needs.
struct BmpInfo {
    width: usize,
    height: usize,
    top_down: bool,
    bits: u16,
    /// Colour map entries (B, G, R) of an 8-bit image.
    cmap: Vec<[u8; 3]>,
    /// Where the rows start.
    offset: usize,
}

fn bmp_info(d: &[u8]) -> Result<BmpInfo> {
    if !d.starts_with(b"BM") {
        return Err(bad(0, "not a BMP file"));
    }
    let offset = le32(d, 10)? as usize;
    let info = le32(d, 14)? as usize;
    let (width, height, bits, compression, entry, used) = match info {
        12 => (
            le16(d, 18)? as i64,
            le16(d, 20)? as i64,
            le16(d, 24)?,
            0,
            3,
            0,
        ),
        40 | 64 | 108 | 124 => (
            le32(d, 18)? as i32 as i64,
            le32(d, 22)? as i32 as i64,
            le16(d, 28)?,
            le32(d, 30)?,
            4,
            le32(d, 46)? as usize,
        ),
        n => {
            return Err(bad(
                14,
                format!("BMP info header of {n} bytes (12, 40, 64, 108 or 124)"),
            ))
        }
    };
    if compression != 0 {
        return Err(Error::unsupported("compressed BMP files", Some(30)));
    }
    if width <= 0 || height == 0 || height.unsigned_abs() > u32::MAX as u64 {
        return Err(bad(18, format!("BMP size {width}x{height}")));
    }
    let mut cmap = Vec::new();
    if bits == 8 {
        let n = if used == 0 { 256 } else { used.min(256) };
        let start = 14 + info;
        for i in 0..n {
            let e = d
                .get(start + i * entry..start + i * entry + 3)
                .ok_or_else(|| bad(start, "BMP colour map cut short"))?;
            cmap.push([e[0], e[1], e[2]]);
        }
    } else if bits != 24 && bits != 32 {
        return Err(Error::unsupported(
            format!("{bits}-bit BMP files (8, 24 and 32 are read)"),
            Some(28),
        ));
    }
    Ok(BmpInfo {
        width: width as usize,
        height: height.unsigned_abs() as usize,
        top_down: height < 0,
        bits,
        cmap,
        offset,
    })
}

/// Reads an 8-bit (colour-mapped), 24-bit or 32-bit uncompressed bitmap as cjpeg reads
/// it: an 8-bit image whose colour map is all gray is a gray image, any other is RGB;
/// the fourth byte of 32-bit pixels is ignored. Top-down bitmaps and the larger Windows
/// headers (V4, V5) are read too (cjpeg refuses them).
pub fn read_bmp(d: &[u8]) -> Result<PixelImage> {
    let info = bmp_info(d)?;
    let gray = info.bits == 8 && info.cmap.iter().all(|e| e[0] == e[1] && e[1] == e[2]);
    let channels = if gray { 1 } else { 3 };
    let bytes_pp = usize::from(info.bits / 8);
    let (w, h) = (info.width, info.height);
    let stride = row_bytes(w, bytes_pp);
    let needed = stride
        .checked_mul(h)
        .and_then(|n| n.checked_add(info.offset));
    if !matches!(needed, Some(n) if n <= d.len()) {
        return Err(bad(
            info.offset,
            format!("BMP rows cut short ({w}x{h}, {} bytes)", d.len()),
        ));
    }
    let mut data = Vec::with_capacity(w * h * channels);
    for y in 0..h {
        let src_row = if info.top_down { y } else { h - 1 - y };
        let at = info.offset + src_row * stride;
        let row = &d[at..at + w * bytes_pp];
        match info.bits {
            8 => {
                for (x, &i) in row.iter().enumerate() {
                    let e = info.cmap.get(i as usize).ok_or_else(|| {
                        bad(
                            at + x,
                            format!("BMP colour index {i} beyond the map's {}", info.cmap.len()),
                        )
                    })?;
                    if gray {
                        data.push(e[0]);
                    } else {
                        data.extend_from_slice(&[e[2], e[1], e[0]]);
                    }
                }
            }
            _ => data.extend(row.chunks_exact(bytes_pp).flat_map(|p| [p[2], p[1], p[0]])),
        }
    }
    Ok(PixelImage {
        width: w as u32,
        height: h as u32,
        channels,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(w: u32, h: u32, channels: usize) -> PixelImage {
        PixelImage::test_pattern(w, h, channels)
    }

    #[test]
    fn written_bitmaps_read_back() {
        for (w, h, c) in [(1, 1, 3), (5, 3, 3), (7, 2, 1), (4, 4, 1)] {
            let img = image(w, h, c);
            for kind in [BmpKind::Windows, BmpKind::Os2] {
                let bytes = encode_bmp(&img, kind, None).unwrap();
                assert_eq!(read_bmp(&bytes).unwrap(), img, "{w}x{h}x{c} {kind:?}");
            }
        }
    }

    #[test]
    fn bad_bitmaps_are_errors() {
        let good = encode_bmp(&image(5, 3, 3), BmpKind::Windows, Some((10, 20))).unwrap();
        assert_eq!(le32(&good, 38).unwrap(), 1000);
        for cut in [0, 10, 20, 53, good.len() - 1] {
            assert!(read_bmp(&good[..cut]).is_err(), "cut at {cut}");
        }
        let cmyk = PixelShape {
            width: 2,
            height: 2,
            channels: 4,
            maxval: 255,
        };
        assert!(bmp_header(cmyk, BmpKind::Windows, None).is_err());
        let mut rle = good.clone();
        rle[30] = 1;
        assert!(read_bmp(&rle).is_err());
        let mut index = encode_bmp(&image(3, 1, 1), BmpKind::Windows, None).unwrap();
        index[46..50].copy_from_slice(&2u32.to_le_bytes()); // two colour map entries
        assert!(read_bmp(&index).is_err());
    }
}
