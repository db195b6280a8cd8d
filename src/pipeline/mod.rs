//! The library form of "jpegtran main": parse → decode → (plan → apply) → encode → write.
//! Bytes in, bytes out; the CLI owns files.

mod assemble;
mod comment;
mod drop;
mod encode_pixels;
mod exif_date;
mod hash;
mod history;
mod inspect_full;
pub mod lab;
mod lossless;
pub mod pixels;
mod region;
mod secondary;
mod strip;
mod thumbnail;
mod thumbnail_check;
mod thumbnail_file;
mod transform;
mod verify;
pub mod via_pixels;
mod wipe;

pub use assemble::{assemble, MetaEdits, Trailer};
pub use comment::{
    comments, edit_comments, orientation, set_first_comment, set_orientation, MAX_COMMENT,
};
pub use drop::{drop_image, load_drop, DropSource};
pub use encode_pixels::{
    encode_image_file, encode_image_file_lossless, encode_image_file_wide, encode_pixels,
    PixelEncodeOptions, JFIF_APP0_BODY,
};
pub use exif_date::{
    capture_date, date_name, edit_dates, exif_dates, DateEdit, DateTag, ExifDateTime,
};
pub use hash::{coefficient_hash, file_coefficient_hash, Sha256};
pub use history::compression_history;
pub use inspect_full::{inspect_full, inspect_full_with, inspect_with_history};
pub use strip::{strip, strip_with, StripOptions};
pub use thumbnail_check::ThumbnailKind;
pub use thumbnail_file::{
    extract_thumbnail, insert_thumbnail, new_exif, regenerate_thumbnails,
    transform_leaving_thumbnail, transform_thumbnail_only, transplant_exif,
};
pub use transform::{auto_orient, transform, TransformOptions, Transformed};
pub use verify::{
    describe as verify_describe, verify, verify_threaded, verify_with, Finding, Status,
    TrailerNote, Verdict,
};
pub use wipe::{wipe, wipe_grayscale};

use crate::container::{JpegFile, KeepPolicy};
use crate::entropy::scan_file::{self, ScriptScan};
use crate::entropy::{self, CodingMode, EncodeOptions, HuffmanChoice, Limits, PlacedImage};
use crate::error::{Error, Result, Warning};

/// The result of an operation: the output file and what was tolerated on the way.
#[derive(Debug, Clone)]
pub struct Output {
    /// The complete output file.
    pub bytes: Vec<u8>,
    /// Warnings from parsing and decoding the input.
    pub warnings: Vec<Warning>,
}

/// The restart interval of the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestartSpec {
    /// Keep the input's restart interval (in MCUs).
    Keep,
    /// Every N MCUs (0: no restart markers).
    Mcus(u16),
    /// Every N MCU rows.
    Rows(u16),
}

/// How `copy` re-encodes the coefficients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyOptions {
    /// Force sequential or progressive output; `None` keeps the input's mode.
    pub mode: Option<CodingMode>,
    /// Standard or optimal Huffman tables.
    pub huffman: HuffmanChoice,
    /// Restart interval of the output.
    pub restart: RestartSpec,
    /// Which metadata segments are kept.
    pub keep: KeepPolicy,
    /// Resource limits.
    pub limits: Limits,
    /// Turn the first warning into an error.
    pub strict: bool,
    /// A scan script (`--scans`, as jpegtran's): it decides the coding mode, and
    /// overrides `mode`.
    pub scans: Option<Vec<ScriptScan>>,
    /// An ICC profile to embed in place of the input's (`--icc`, as jpegtran's).
    pub icc: Option<Vec<u8>>,
    /// Threads the encoder may use (see [`EncodeOptions::threads`]; 0 or 1: the
    /// calling thread only). The output does not depend on it.
    pub threads: usize,
}

impl Default for CopyOptions {
    fn default() -> Self {
        CopyOptions {
            mode: None,
            huffman: HuffmanChoice::Optimal,
            restart: RestartSpec::Keep,
            keep: KeepPolicy::ALL,
            limits: Limits::default(),
            strict: false,
            scans: None,
            icc: None,
            threads: 1,
        }
    }
}

/// The coding mode of the output: the requested one, else the input's.
pub(crate) fn output_mode(o: &CopyOptions, d: &entropy::Decoded) -> CodingMode {
    o.mode.unwrap_or(if d.frame.marker.is_progressive_sof() {
        CodingMode::Progressive
    } else {
        CodingMode::Sequential
    })
}

/// The encoder's options for `image`, decoded as `d` from `file`: the mode of
/// [`output_mode`] unless the scan script of `o` decides it (see [`scan_file::plan`]).
/// A progressive RGB file gets libjpeg's generic script, as jpegtran writes it.
pub(crate) fn encode_options(
    o: &CopyOptions,
    file: &JpegFile,
    d: &entropy::Decoded,
    restart_interval: u16,
    image: &crate::coeffs::CoefficientImage,
) -> Result<EncodeOptions> {
    let (mode, scan_script) = match &o.scans {
        None if output_mode(o, d) == CodingMode::Progressive && is_rgb(file, d, image) => (
            CodingMode::Progressive,
            Some(entropy::generic_progressive_script(image)),
        ),
        None => (output_mode(o, d), None),
        Some(s) => {
            let (mode, script) = scan_file::plan(image, s)?;
            (mode, Some(script))
        }
    };
    Ok(EncodeOptions {
        mode,
        huffman: o.huffman,
        restart_interval,
        restart_rows: restart_rows(o, Some(d)),
        scan_script,
        table_numbering: table_numbering(file, d, image),
        threads: o.threads,
    })
}

/// The colour space of `image` as libjpeg reads `file` (`None`: one it does not know).
fn colour_space(
    file: &JpegFile,
    d: &entropy::Decoded,
    image: &crate::coeffs::CoefficientImage,
) -> Option<crate::pixels::ColorSpace> {
    if image.components.len() == 1 {
        return Some(crate::pixels::ColorSpace::Gray);
    }
    if image.components.len() != d.frame.components.len() {
        return None;
    }
    pixels::detect_color_space(pixels::color_markers(file), &d.frame)
        .ok()
        .map(|(c, _)| c)
}

/// Whether the three components of `image` are RGB as libjpeg reads `file`.
fn is_rgb(file: &JpegFile, d: &entropy::Decoded, image: &crate::coeffs::CoefficientImage) -> bool {
    colour_space(file, d, image) == Some(crate::pixels::ColorSpace::Rgb)
}

/// The table ids jpegtran gives the components: libjpeg numbers them from the colour
/// space of the input (`jpeg_set_colorspace`), one table for all of RGB and CMYK.
fn table_numbering(
    file: &JpegFile,
    d: &entropy::Decoded,
    image: &crate::coeffs::CoefficientImage,
) -> entropy::TableNumbering {
    use crate::pixels::ColorSpace as C;
    match colour_space(file, d, image) {
        Some(C::Gray | C::YCbCr) => entropy::TableNumbering::LumaChroma,
        Some(C::Ycck) => entropy::TableNumbering::Ycck,
        Some(C::Rgb | C::Cmyk) | None => entropy::TableNumbering::Shared,
    }
}

/// Decodes the coefficients of `data` and writes them back unchanged: what
/// `jpegtran -copy all` does, but keeping the coding mode, the restart interval,
/// every kept metadata segment in its order, and the data after EOI. Padding blocks
/// beyond the image edge, which no decoder shows, are rewritten as jpegtran writes them.
pub fn copy(data: &[u8], opts: &CopyOptions) -> Result<Output> {
    let file = JpegFile::parse(data)?;
    if lossless::is_lossless(&file) {
        // The samples coded again, as they are (with optimal tables).
        let t = TransformOptions {
            request: crate::transform::Request::default(),
            output: opts.clone(),
            reset_orientation: false,
        };
        return Ok(lossless::transform_lossless(&file, &t)?.output);
    }
    if let Some((coded, warnings)) = copy_streamed(&file, opts)? {
        return Ok(copy_output(&file, opts, &coded, warnings));
    }
    // A sequential input is decoded into packed blocks (a fraction of the memory),
    // which both encoders code from; the identity placement decodes everything, with
    // the same warnings as a full decode, and rewrites the padding blocks.
    let (decoded, direct) = region::decode_all(&file, &opts.limits, true, opts.threads)?;
    let mut warnings = file.warnings.clone();
    warnings.extend(decoded.warnings.iter().cloned());
    check_strict(opts.strict, &warnings)?;

    let restart_interval = output_restart(opts, &decoded)?;
    let enc = encode_options(opts, &file, &decoded, restart_interval, &decoded.image)?;
    let coded = match direct {
        Some(PlacedImage::Packed(image, planes)) => entropy::encode_packed(&image, &planes, &enc)?,
        Some(PlacedImage::Dense(image)) => entropy::encode_owned(image, &enc)?,
        None => {
            let mut image = decoded.image;
            image.normalize_padding(); // invisible blocks: written as jpegtran writes them
            entropy::encode_owned(image, &enc)?
        }
    };
    Ok(copy_output(&file, opts, &coded, warnings))
}

/// The output file of [`copy`]: the kept metadata of `file` around `coded`.
fn copy_output(
    file: &JpegFile,
    opts: &CopyOptions,
    coded: &[u8],
    warnings: Vec<Warning>,
) -> Output {
    let edits = MetaEdits {
        icc: opts.icc.clone(),
        ..MetaEdits::default()
    };
    Output {
        bytes: assemble(file, opts.keep, coded, &edits),
        warnings,
    }
}

/// Frames smaller than this (1920×1080 and below) are copied on one thread: a second
/// thread gains nothing there (measured level at 2 MP, 6% faster at 3.8 MP, 17% at
/// 7.7 MP), and starting it costs a small file more than its whole copy.
const STREAM_MIN_PIXELS: u64 = 1 << 21;

/// [`copy`] of a file with one interleaved sequential scan to one interleaved
/// sequential Huffman scan, on two threads at once: this one decodes the iMCU rows
/// ([`entropy::rows`]), another packs them and counts their symbols
/// ([`entropy::BandCollector`]) as they come; the write pass then runs in spans. The
/// coded data and warnings are those of the whole-image path. `None` when the file or
/// the options do not fit, or there is only one thread (or the system starts none).
fn copy_streamed(file: &JpegFile, opts: &CopyOptions) -> Result<Option<(Vec<u8>, Vec<Warning>)>> {
    use entropy::rows::{decode_streamed, Band, Streamed};
    let big = entropy::rows::streamed_size(file)
        .is_some_and(|(w, h)| u64::from(w) * u64::from(h) >= STREAM_MIN_PIXELS);
    // Only one sequential Huffman scan out is coded from the rows (the input is one
    // sequential scan, so a kept mode is sequential too).
    let sequential_out = matches!(opts.mode, None | Some(CodingMode::Sequential))
        && !matches!(opts.huffman, HuffmanChoice::Arithmetic);
    if opts.threads < 2 || opts.scans.is_some() || !big || !sequential_out {
        return Ok(None);
    }
    let Streamed::Rows(scan) = decode_streamed(file, &opts.limits)? else {
        return Ok(None);
    };
    let d = &scan.decoded;
    let ri = output_restart(opts, d)?;
    let enc = encode_options(opts, file, d, ri, &d.image)?;
    let Some(mut collector) = entropy::BandCollector::new(&d.image, &enc)? else {
        return Ok(None);
    };
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Band)>(4);
    let (back, spare) = std::sync::mpsc::channel::<Band>();
    let streamed = std::thread::scope(|s| {
        let consumer = crate::threads::spawn(s, move || {
            for (r, mut band) in rx {
                collector.push(r, &mut band);
                let _ = back.send(band);
            }
            collector
        })
        .ok()?;
        let w = scan.run(&mut |r, band| {
            let fresh = spare.try_recv().unwrap_or_else(|_| scan.new_band());
            tx.send((r, std::mem::replace(band, fresh))).is_ok()
        });
        drop(tx);
        Some((consumer.join(), w))
    });
    let Some((collector, scan_warnings)) = streamed else {
        return Ok(None);
    };
    let mut warnings = file.warnings.clone();
    warnings.extend(scan.warnings_with(scan_warnings));
    check_strict(opts.strict, &warnings)?;
    Ok(Some((
        collector.finish(&scan.decoded.image, &enc)?,
        warnings,
    )))
}

/// The restart interval `opts` asks for, in MCUs of the decoded image (the input's
/// own when kept).
pub(crate) fn output_restart(opts: &CopyOptions, decoded: &entropy::Decoded) -> Result<u16> {
    match opts.restart {
        RestartSpec::Keep => Ok(decoded.restart_interval),
        RestartSpec::Mcus(n) => Ok(n),
        RestartSpec::Rows(n) => rows_to_mcus(&decoded.image, n),
    }
}

/// The restart interval in rows of each scan (see [`EncodeOptions::restart_rows`]):
/// what `o` asks for, or when it keeps the input's (`d`), the input's rows if it has
/// them; 0 otherwise.
pub(crate) fn restart_rows(o: &CopyOptions, d: Option<&entropy::Decoded>) -> u16 {
    match (o.restart, d) {
        (RestartSpec::Rows(n), _) => n,
        (RestartSpec::Keep, Some(d)) => input_restart_rows(d),
        (RestartSpec::Keep, None) | (RestartSpec::Mcus(_), _) => 0,
    }
}

/// N when every scan of `d` restarts every N (≥ 1) of its own MCU rows, as libjpeg's
/// `-restart N` writes a file (a one-component scan's row is the component's block
/// width); 0 otherwise. Keeping rows rather than the first scan's MCU count keeps the
/// input's markers where a rewrite changes the scans (another script, a rotation).
fn input_restart_rows(d: &entropy::Decoded) -> u16 {
    let g = d.image.geometry();
    let comps = &d.image.components;
    let mut rows = None;
    for (s, &ri) in d.scans.iter().zip(&d.scan_restarts) {
        let idx: Vec<usize> = s
            .components
            .iter()
            .filter_map(|c| comps.iter().position(|x| x.id == c.id))
            .collect();
        let per_row = g.scan_mcus_x(&idx);
        if ri == 0 || per_row == 0 || ri as usize % per_row != 0 {
            return 0;
        }
        let n = ri as usize / per_row;
        if *rows.get_or_insert(n) != n {
            return 0;
        }
    }
    rows.and_then(|n| u16::try_from(n).ok()).unwrap_or(0)
}

/// Parses and decodes `data` with the limits of `o`: the file, its coefficients, and
/// the warnings of both steps (failing on the first when `o.strict`).
pub(crate) fn decode_checked<'a>(
    data: &'a [u8],
    o: &CopyOptions,
) -> Result<(JpegFile<'a>, entropy::Decoded, Vec<Warning>)> {
    let file = JpegFile::parse(data)?;
    let mut decoded = entropy::decode(&file, &o.limits)?;
    let mut warnings = file.warnings.clone();
    warnings.append(&mut decoded.warnings);
    check_strict(o.strict, &warnings)?;
    Ok((file, decoded, warnings))
}

/// Fails with the first warning when `strict` is set.
pub fn check_strict(strict: bool, warnings: &[Warning]) -> Result<()> {
    match warnings.first() {
        Some(w) if strict => Err(Error::Strict(w.clone())),
        _ => Ok(()),
    }
}

/// MCUs in `rows` MCU rows, as libjpeg counts them: a one-component image's MCU is a
/// single block, so a row is its block width; otherwise a row of interleaved MCUs.
pub(crate) fn rows_to_mcus(image: &crate::coeffs::CoefficientImage, rows: u16) -> Result<u16> {
    let g = image.geometry();
    let per_row = if image.components.len() == 1 {
        g.real_blocks(0).0
    } else {
        g.mcus_x()
    };
    let n = per_row as u64 * rows as u64;
    u16::try_from(n).map_err(|_| {
        Error::BadRequest(format!(
            "restart interval of {rows} rows is {n} MCUs, more than 65535"
        ))
    })
}
