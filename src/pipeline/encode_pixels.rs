//! Pixels → JPEG file: what `cjpeg` does. The pixel layer computes the coefficients
//! ([`encode_coefficients`]); this wraps them in SOI, the JFIF APP0 segment cjpeg
//! writes (version 1.01, no density unit, 1:1), the coded frame and EOI.

use crate::container::{write_segment, Marker};
use crate::entropy::{self, CodingMode, EncodeOptions, HuffmanChoice};
use crate::error::Result;
use crate::pixels::{encode_coefficients, image_io, EncodeParams, PixelImage};

/// The body of cjpeg's JFIF APP0: "JFIF\0", version 1.01, units 0, density 1×1, no
/// thumbnail.
pub const JFIF_APP0_BODY: [u8; 14] = *b"JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00";

/// How to write the JPEG file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PixelEncodeOptions {
    /// Quality, sampling, grayscale, baseline, threads.
    pub params: EncodeParams,
    /// Sequential or progressive.
    pub mode: CodingMode,
    /// Standard (Annex K) or optimal Huffman tables; progressive always optimises.
    pub huffman: HuffmanChoice,
    /// Restart interval in MCUs (0: none).
    pub restart_interval: u16,
}

impl Default for PixelEncodeOptions {
    fn default() -> Self {
        PixelEncodeOptions {
            params: EncodeParams::default(),
            mode: CodingMode::Sequential,
            huffman: HuffmanChoice::Optimal,
            restart_interval: 0,
        }
    }
}

/// Encodes `img` as a complete JFIF file.
pub fn encode_pixels(img: &PixelImage, opts: &PixelEncodeOptions) -> Result<Vec<u8>> {
    let coeffs = encode_coefficients(img, &opts.params)?;
    let enc = EncodeOptions {
        mode: opts.mode,
        huffman: opts.huffman,
        restart_interval: opts.restart_interval,
        scan_script: None,
    };
    let coded = entropy::encode(&coeffs, &enc)?;
    let mut out = Vec::with_capacity(coded.len() + 24);
    write_segment(&mut out, Marker::SOI, &[]);
    write_segment(&mut out, Marker::APP0, &JFIF_APP0_BODY);
    out.extend_from_slice(&coded);
    write_segment(&mut out, Marker::EOI, &[]);
    Ok(out)
}

/// Reads a PPM/PGM/PAM or PNG file and encodes it ([`encode_pixels`]).
pub fn encode_image_file(data: &[u8], opts: &PixelEncodeOptions) -> Result<Vec<u8>> {
    encode_pixels(&image_io::read_image(data)?, opts)
}
