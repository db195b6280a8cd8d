//! GIF input for the encoder (`cjpeg` reads GIF too).
//!
//! cjpeg takes the file's first image at the image's own size (not the logical
//! screen's), in row order (an interlaced image is put back in order), and looks each
//! index up in the image's colour table (its local one, else the global one). The image
//! is gray when every entry of that table is gray, else RGB; transparency, later
//! images and extensions do not matter. The LZW data is decoded by the `gif` crate.

use super::image_io::MAX_INPUT_PIXELS;
use super::PixelImage;
use crate::error::{Error, MalformedKind, Result};

fn bad(msg: impl std::fmt::Display) -> Error {
    Error::malformed(0, MalformedKind::BadHeader(format!("GIF: {msg}")))
}

/// Whether `data` starts like a GIF file.
pub fn is_gif(data: &[u8]) -> bool {
    data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a")
}

/// Reads the first image of a GIF file as cjpeg reads it (see the module notes).
pub fn read_gif(data: &[u8]) -> Result<PixelImage> {
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::Indexed);
    // One byte per pixel in the frame buffer: at most the pixels an input may have.
    opts.set_memory_limit(gif::MemoryLimit::Bytes(
        std::num::NonZeroU64::MIN.saturating_add(MAX_INPUT_PIXELS - 1),
    ));
    let mut dec = opts.read_info(data).map_err(bad)?;
    let global = dec.global_palette().map(<[u8]>::to_vec);
    let frame = dec
        .read_next_frame()
        .map_err(bad)?
        .ok_or_else(|| bad("no image"))?;
    let (width, height) = (u32::from(frame.width), u32::from(frame.height));
    if width == 0 || height == 0 {
        return Err(bad("empty image"));
    }
    let table = frame
        .palette
        .as_deref()
        .or(global.as_deref())
        .ok_or_else(|| bad("no colour table"))?;
    let entries: Vec<[u8; 3]> = table.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect();
    let gray = entries.iter().all(|e| e[0] == e[1] && e[1] == e[2]);
    let channels = if gray { 1 } else { 3 };
    let mut out = Vec::with_capacity(frame.buffer.len() * channels);
    for &i in frame.buffer.iter() {
        // An index past the table (a damaged file) reads as black.
        let e = entries.get(usize::from(i)).copied().unwrap_or([0; 3]);
        match gray {
            true => out.push(e[0]),
            false => out.extend_from_slice(&e),
        }
    }
    if out.len() != width as usize * height as usize * channels {
        return Err(bad("image data cut short"));
    }
    Ok(PixelImage {
        width,
        height,
        channels,
        data: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small_gif(table: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut enc = gif::Encoder::new(&mut out, 10, 7, table).unwrap();
            let frame = gif::Frame {
                width: 10,
                height: 7,
                buffer: std::borrow::Cow::Owned((0..70u8).map(|i| i % 4).collect()),
                ..gif::Frame::default()
            };
            enc.write_frame(&frame).unwrap();
        }
        out
    }

    #[test]
    fn gray_tables_make_gray_images() {
        let gray = read_gif(&small_gif(&[0, 0, 0, 9, 9, 9, 80, 80, 80, 255, 255, 255])).unwrap();
        assert_eq!(gray.channels, 1);
        assert_eq!(&gray.data[..5], &[0, 9, 80, 255, 0]);
        let rgb = read_gif(&small_gif(&[0, 0, 0, 9, 9, 9, 80, 80, 80, 255, 0, 255])).unwrap();
        assert_eq!(rgb.channels, 3);
        assert_eq!(&rgb.data[9..12], &[255, 0, 255]);
    }

    /// Damaged files (cut anywhere, bytes changed) give an image or an error, never a
    /// panic.
    #[test]
    fn damaged_files_are_errors_not_panics() {
        let good = small_gif(&[0, 0, 0, 9, 9, 9, 80, 80, 80, 255, 0, 255]);
        for cut in 0..good.len() - 1 {
            let _ = read_gif(&good[..cut]);
        }
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..2000 {
            let mut d = good.clone();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let at = (x % d.len() as u64) as usize;
            d[at] = (x >> 32) as u8;
            let _ = read_gif(&d);
        }
        assert!(read_gif(b"GIF89a").is_err());
    }
}
