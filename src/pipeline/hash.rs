//! The coefficient hash: a fingerprint of a JPEG's image content (quantized DCT
//! coefficients and quantization tables) that ignores everything a lossless rewrite
//! may change: metadata, Huffman tables, sequential/progressive coding, restart
//! markers, segment order, and the padding blocks encoders add past the image edges.
//! `jtool copy`, `strip` and `--progressive` output hash the same as their input, and
//! files with the same content can be matched across a collection.
//!
//! Definition (version 1), hex SHA-256 (FIPS 180-4) of this byte string, all integers
//! big-endian:
//!
//! ```text
//! "jtool-coefficient-hash-v1\0"
//! width u32, height u32, precision u8, component count u8
//! per component, in frame order:
//!     H u8, V u8
//!     quantization table: 64 × u16, natural (row-major) order
//!     real block columns u32, real block rows u32   (T.81 A.1.1: ⌈⌈X·H/Hmax⌉/8⌉, ...)
//!     each real block, row by row: 64 × i16, natural order
//! ```
//!
//! Component identifiers and table slot numbers are left out (they are labels).

use crate::coeffs::{Block, CoefficientImage, Geometry, PackedPlane};
use crate::container::JpegFile;
use crate::entropy::rows::{decode_streamed_on, Band, RowScan, Streamed};
use crate::entropy::Limits;
use crate::error::{Result, Warning, WarningKind};
use crate::pixels::preview::{dc_gray, dc_gray_of};
use crate::pixels::{ColorSpace, PixelImage};
use std::sync::mpsc::sync_channel;

/// The coefficient hash of a decoded image, as 64 lowercase hex digits.
pub fn coefficient_hash(image: &CoefficientImage) -> String {
    let mut h = prefix(image);
    let mut out = into_hash(&mut h);
    let g = image.geometry();
    for (i, c) in image.components.iter().enumerate() {
        let (bw, bh) = g.real_blocks(i);
        let (bw, bh) = (bw.min(c.plane.width_blocks), bh.min(c.plane.height_blocks));
        component_header(&mut out, image, i, bw, bh);
        for by in 0..bh {
            for bx in 0..bw {
                push_block(&mut out, c.plane.block(bx, by));
            }
        }
    }
    out.finish();
    h.finish_hex()
}

/// The coefficient hash of `file`'s image (the same value as [`coefficient_hash`] of
/// its decoded image), or the decoder's error. A sequential file with one scan is
/// hashed while the entropy decoder hands over its iMCU rows: the first component goes
/// straight into the hash, the others wait packed (a few bytes per block instead of
/// 128), so the whole coefficient image is never held. The scans of a large
/// progressive file are decoded at once (`entropy::decode_threaded`).
pub fn file_coefficient_hash(file: &JpegFile, limits: &Limits) -> Result<String> {
    hash_and_dc(file, limits, false).map(|(hash, _)| hash)
}

/// Whether `warnings` say that blocks were lost: the data ended early, or was corrupt.
pub(super) fn blocks_lost(warnings: &[Warning]) -> bool {
    warnings.iter().any(|w| {
        matches!(
            w.kind,
            WarningKind::PrematureEnd | WarningKind::BadRestart | WarningKind::CorruptData(_)
        )
    })
}

/// [`file_coefficient_hash`] and, if `picture`, the image at 1/8 scale in gray from its
/// DC terms ([`dc_gray`]), taken on the way: `None` when blocks were lost (the data
/// ended early or was corrupt) or jtool does not render the colour space.
pub(super) fn hash_and_dc(
    file: &JpegFile,
    limits: &Limits,
    picture: bool,
) -> Result<(String, Option<PixelImage>)> {
    match decode_streamed_on(file, limits, 2)? {
        Streamed::Whole(d) => {
            let picture = super::colour_space(file, &d, &d.image)
                .filter(|_| picture && !blocks_lost(&d.warnings))
                .and_then(|color| dc_gray(&d.image, None, color));
            Ok((coefficient_hash(&d.image), picture))
        }
        Streamed::Rows(scan) => {
            let color = super::colour_space(file, &scan.decoded, &scan.decoded.image);
            Ok(hash_rows(&scan, color.filter(|_| picture)))
        }
    }
}

/// Pixels from which a scan's bytes are hashed on a thread of their own while it
/// decodes: entropy decoding and SHA-256 then take about the same time each.
const HASH_THREAD_PIXELS: u64 = 1 << 20;

fn hash_rows(scan: &RowScan, color: Option<ColorSpace>) -> (String, Option<PixelImage>) {
    let image = &scan.decoded.image;
    let one_thread = || {
        let mut h = prefix(image);
        let mut out = into_hash(&mut h);
        let dc = feed_rows(scan, &mut out, color);
        out.finish();
        (h.finish_hex(), dc)
    };
    if u64::from(image.width) * u64::from(image.height) < HASH_THREAD_PIXELS {
        return one_thread();
    }
    let (tx, rx) = sync_channel::<Vec<u8>>(4);
    let h = prefix(image);
    std::thread::scope(|s| {
        let started = crate::threads::spawn(s, move || {
            let mut h = h;
            for chunk in rx {
                h.update(&chunk);
            }
            h
        });
        let Ok(hasher) = started else {
            return one_thread();
        };
        let mut out = Chunks::new(FEED, move |b: &mut Vec<u8>| {
            // The sender is the closure's own: `finish` drops it, which ends the
            // hashing thread's loop. (A send fails only if that thread panicked, which
            // its join reports.)
            let _ = tx.send(std::mem::replace(b, Vec::with_capacity(FEED)));
        });
        let dc = feed_rows(scan, &mut out, color);
        out.finish();
        (hasher.join().finish_hex(), dc)
    })
}

/// Puts the bytes of every component after the prefix (see the module's definition)
/// into `out`, decoding the scan as they are needed; returns the image's DC picture in
/// `color` (see [`hash_and_dc`]): the first component's DC terms are kept as they pass,
/// the others' are in the blocks held packed.
fn feed_rows<F: FnMut(&mut Vec<u8>)>(
    scan: &RowScan,
    out: &mut Chunks<F>,
    color: Option<ColorSpace>,
) -> Option<PixelImage> {
    let image = &scan.decoded.image;
    let g = image.geometry();
    let n = image.components.len();
    let (bw0, bh0) = g.real_blocks(0);
    component_header(out, image, 0, bw0, bh0);
    let mut dc0 = Vec::new();
    let mut held: Vec<PackedPlane> = (1..n)
        .map(|c| {
            let (bw, bh) = g.real_blocks(c);
            PackedPlane::new(bw, bh)
        })
        .collect();
    let warnings = scan.run(&mut |i, band| {
        for_each_real_block(&g, i, band, |c, bx, by, b| {
            if c == 0 {
                push_block(out, b);
                dc0.push(b[0]);
            } else {
                let p = &mut held[c - 1];
                p.set(by * p.width_blocks + bx, b);
            }
        });
        true
    });
    for (c, p) in held.iter().enumerate() {
        component_header(out, image, c + 1, p.width_blocks, p.height_blocks);
        for idx in 0..p.len() {
            push_block(out, &p.block(idx));
        }
    }
    if color.is_none() || blocks_lost(&warnings) {
        return None;
    }
    let mut sizes = vec![(bw0, dc0.len() / bw0.max(1))];
    sizes.extend(held.iter().map(|p| (p.width_blocks, p.height_blocks)));
    let dc = |c: usize, bx: usize, by: usize| match c {
        0 => dc0[by * bw0 + bx],
        c => held[c - 1].dc(by * sizes[c].0 + bx),
    };
    dc_gray_of(image, &sizes, dc, color?)
}

/// Where the hashed bytes go: gathered into chunks of about `size` bytes (fewer calls
/// into the hash), each handed to `drain`, which empties the buffer.
struct Chunks<F: FnMut(&mut Vec<u8>)> {
    buf: Vec<u8>,
    size: usize,
    drain: F,
}

impl<F: FnMut(&mut Vec<u8>)> Chunks<F> {
    fn new(size: usize, drain: F) -> Self {
        Chunks {
            buf: Vec::with_capacity(size),
            size,
            drain,
        }
    }

    #[inline]
    fn update(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= self.size - 128 {
            (self.drain)(&mut self.buf);
        }
    }

    /// Hands over the last bytes.
    fn finish(mut self) {
        (self.drain)(&mut self.buf);
    }
}

/// Chunks of [`BUF`] bytes going straight into `h`.
fn into_hash(h: &mut Sha256) -> Chunks<impl FnMut(&mut Vec<u8>) + '_> {
    Chunks::new(BUF, move |b: &mut Vec<u8>| {
        h.update(b);
        b.clear();
    })
}

/// Bytes per chunk sent to the hashing thread.
const FEED: usize = 1 << 18;

/// Calls `f(c, bx, by, block)` for every real block of band `i` (the blocks inside the
/// image, T.81 A.1.1; padding blocks are skipped), component by component and row by
/// row, then zeroes the band as [`crate::entropy::rows::RowScan::run`] requires. Band
/// `i` holds block rows `i·V .. (i+1)·V` of a component with vertical factor `V`
/// (T.81 A.2.3: an interleaved MCU row).
fn for_each_real_block(
    g: &Geometry,
    i: usize,
    band: &mut Band,
    mut f: impl FnMut(usize, usize, usize, &Block),
) {
    for (c, blocks) in band.iter_mut().enumerate() {
        let v = g.factors[c].1 as usize;
        let padded = g.padded_blocks(c).0;
        let (bw, bh) = g.real_blocks(c);
        for (r, row) in blocks.chunks_mut(padded.max(1)).take(v).enumerate() {
            let by = i * v + r;
            if by < bh {
                for (bx, b) in row.iter().take(bw).enumerate() {
                    f(c, bx, by, b);
                }
            }
            row.fill([0; 64]);
        }
    }
}

/// Bytes gathered before they go into the hash.
const BUF: usize = 128 * 64;

/// The hash state after the version tag and the frame fields.
fn prefix(image: &CoefficientImage) -> Sha256 {
    let mut h = Sha256::new();
    h.update(b"jtool-coefficient-hash-v1\0");
    h.update(&image.width.to_be_bytes());
    h.update(&image.height.to_be_bytes());
    h.update(&[image.precision, image.components.len() as u8]);
    h
}

/// Component `i`'s sampling factors as a frame header states them (a one-component
/// frame is 1x1, see [`CoefficientImage::coded_factors`]), quantization table and real
/// block counts.
fn component_header(
    h: &mut Chunks<impl FnMut(&mut Vec<u8>)>,
    image: &CoefficientImage,
    i: usize,
    bw: usize,
    bh: usize,
) {
    let c = &image.components[i];
    let (fh, fv) = image.coded_factors(i);
    h.update(&[fh, fv]);
    for v in c.quant.values {
        h.update(&v.to_be_bytes());
    }
    h.update(&(bw as u32).to_be_bytes());
    h.update(&(bh as u32).to_be_bytes());
}

#[inline]
fn push_block(out: &mut Chunks<impl FnMut(&mut Vec<u8>)>, b: &Block) {
    // Converted in a fixed-size array first, so that the loop has no capacity checks
    // and vectorises.
    let mut bytes = [0u8; 128];
    for (o, v) in bytes.chunks_exact_mut(2).zip(b) {
        o.copy_from_slice(&v.to_be_bytes());
    }
    out.update(&bytes);
}

/// SHA-256 (FIPS 180-4), streaming: the RustCrypto `sha2` implementation, which uses
/// the CPU's SHA extensions when it has them (the hash of a 24-megapixel image covers
/// about 72 MB of coefficients, so the compression function is most of `inspect`'s time).
#[derive(Clone, Default)]
pub struct Sha256(sha2::Sha256);

impl Sha256 {
    /// A fresh hash state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds bytes.
    pub fn update(&mut self, data: &[u8]) {
        sha2::Digest::update(&mut self.0, data);
    }

    /// The digest.
    pub fn finish(self) -> [u8; 32] {
        sha2::Digest::finalize(self.0).into()
    }

    /// The digest as 64 lowercase hex digits.
    pub fn finish_hex(self) -> String {
        self.finish().iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(data: &[u8]) -> String {
        let mut h = Sha256::new();
        h.update(data);
        h.finish_hex()
    }

    #[test]
    fn fips_180_examples() {
        assert_eq!(
            hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        let mut h = Sha256::new();
        for _ in 0..1000 {
            h.update(&[b'a'; 1000]);
        }
        assert_eq!(
            h.finish_hex(),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
    }
}
