//! Pixels → JPEG file: what `cjpeg` does. The pixel layer computes the coefficients
//! ([`encode_coefficients`](crate::pixels::encode_coefficients)); this wraps them in SOI, the JFIF APP0 segment cjpeg
//! writes (version 1.01, no density unit, 1:1), the coded frame and EOI.

use crate::coeffs::BlockPlane;
use crate::container::{write_segment, Marker};
use crate::entropy::{self, CodingMode, EncodeOptions, HuffmanChoice, SeqStream};
use crate::error::{Error, Result};
use crate::pixels::{
    encode_slice, ijg_tables, image_io, BandEncoder, EncodeParams, PixelImage, PixelSlice,
};
use std::sync::mpsc::{channel, Receiver, Sender};

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
    encode_pixel_slice(img.as_slice(), opts)
}

/// [`encode_pixels`] of borrowed samples.
///
/// Sequential output with the Annex K tables is streamed: iMCU rows are computed on
/// worker threads and Huffman-coded on the calling thread as they arrive, so the two
/// stages overlap and only a few rows of coefficients exist at a time.
pub fn encode_pixel_slice(img: PixelSlice<'_>, opts: &PixelEncodeOptions) -> Result<Vec<u8>> {
    if opts.mode == CodingMode::Sequential && opts.huffman == HuffmanChoice::Standard {
        let mut out = Vec::new();
        write_segment(&mut out, Marker::SOI, &[]);
        write_segment(&mut out, Marker::APP0, &JFIF_APP0_BODY);
        let mut out = encode_streamed(img, opts, out)?;
        write_segment(&mut out, Marker::EOI, &[]);
        return Ok(out);
    }
    let coded = {
        let coeffs = encode_slice(img, &opts.params)?;
        let enc = EncodeOptions {
            mode: opts.mode,
            huffman: opts.huffman,
            restart_interval: opts.restart_interval,
            scan_script: None,
        };
        entropy::encode(&coeffs, &enc)?
    };
    let mut out = Vec::with_capacity(coded.len() + 24);
    write_segment(&mut out, Marker::SOI, &[]);
    write_segment(&mut out, Marker::APP0, &JFIF_APP0_BODY);
    out.extend_from_slice(&coded);
    write_segment(&mut out, Marker::EOI, &[]);
    Ok(out)
}

/// Reads a PPM/PGM/PAM or PNG file and encodes it ([`encode_pixels`]); the samples of
/// an 8-bit binary PNM are read where they lie, not copied.
pub fn encode_image_file(data: &[u8], opts: &PixelEncodeOptions) -> Result<Vec<u8>> {
    encode_pixel_slice(image_io::read_image_borrowed(data)?.as_slice(), opts)
}

/// Bands in flight per worker: one being computed, one waiting to be coded.
const BANDS_PER_WORKER: usize = 2;

/// Sequential output with standard tables, row by row ([`SeqStream`]). With `threads`
/// ≥ 2, that many workers compute the rows (worker t: rows t, t + threads, …) while
/// this thread codes them in order; bands go back to their worker for reuse.
fn encode_streamed(
    img: PixelSlice<'_>,
    opts: &PixelEncodeOptions,
    prefix: Vec<u8>,
) -> Result<Vec<u8>> {
    let p = &opts.params;
    let (luma_q, chroma_q) = ijg_tables(p.quality, p.force_baseline);
    let enc = BandEncoder::new(img, p, &[luma_q, chroma_q, chroma_q])?;
    let mut stream = SeqStream::after(prefix, enc.header(), opts.restart_interval)?;
    let rows = enc.rows();
    let workers = p.threads.clamp(1, 64).min(rows);
    if workers <= 1 {
        let mut scratch = enc.new_scratch();
        let mut band = enc.new_band();
        for r in 0..rows {
            enc.encode_band(r, &mut scratch, &mut band);
            stream.push_row(&band.iter().collect::<Vec<_>>())?;
        }
        return stream.finish();
    }
    std::thread::scope(|s| {
        let mut lanes: Vec<(Receiver<Vec<BlockPlane>>, Sender<Vec<BlockPlane>>)> = Vec::new();
        for t in 0..workers {
            let (done_tx, done_rx) = channel::<Vec<BlockPlane>>();
            let (free_tx, free_rx) = channel::<Vec<BlockPlane>>();
            for _ in 0..BANDS_PER_WORKER {
                let _ = free_tx.send(enc.new_band());
            }
            let enc = &enc;
            s.spawn(move || {
                let mut scratch = enc.new_scratch();
                for r in (t..rows).step_by(workers) {
                    // The coder stopped (an error): nothing more is wanted.
                    let Ok(mut band) = free_rx.recv() else { return };
                    enc.encode_band(r, &mut scratch, &mut band);
                    if done_tx.send(band).is_err() {
                        return;
                    }
                }
            });
            lanes.push((done_rx, free_tx));
        }
        for r in 0..rows {
            let (done, free) = &lanes[r % workers];
            let band = done
                .recv()
                .map_err(|_| Error::BadRequest("a pixel worker stopped".into()))?;
            stream.push_row(&band.iter().collect::<Vec<_>>())?;
            let _ = free.send(band);
        }
        drop(lanes);
        stream.finish()
    })
}
