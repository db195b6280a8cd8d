//! Bytes → pixels: parse, entropy-decode, decide the colour space from the markers as
//! libjpeg does, and hand the coefficients to [`crate::pixels`].

use crate::coeffs::CoefficientImage;
use crate::container::{classify, parse_frame, FrameHeader, Item, JpegFile, Marker, MetaClass};
use crate::entropy::{self, rows::Streamed, Limits};
use crate::error::{Error, LimitKind, Result, Warning, WarningKind};
use crate::pixels::smooth::{smooth_from, Progression};
use crate::pixels::{
    crop_block_columns, decode_rows, decode_to_pixels, first_block_columns, reads_ac, ColorSpace,
    Crop, PixelImage, PixelOptions, PixelShape,
};

mod stream;

/// Options of [`decode_file`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DecodeOptions {
    /// Upsampling, CMYK output and threads.
    pub pixels: PixelOptions,
    /// Resource limits.
    pub limits: Limits,
    /// Turn the first warning into an error.
    pub strict: bool,
}

/// A decoded file.
#[derive(Debug, Clone)]
pub struct DecodedPixels {
    /// The pixels.
    pub image: PixelImage,
    /// The colour space the components were taken to be in.
    pub color: ColorSpace,
    /// What was tolerated on the way.
    pub warnings: Vec<Warning>,
}

/// What the markers before the first scan say about colour (libjpeg reads only those).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ColorMarkers {
    /// A JFIF APP0 segment long enough for libjpeg to accept it (≥ 14 bytes).
    pub jfif: bool,
    /// The transform flag of the last Adobe APP14 segment (≥ 12 bytes).
    pub adobe_transform: Option<u8>,
    /// Offset of that segment.
    pub adobe_offset: usize,
    /// Offset of the frame header (SOFn), if one precedes the first scan.
    pub frame_offset: usize,
}

/// Scans the segments before the first SOS for JFIF and Adobe markers.
pub fn color_markers(file: &JpegFile) -> ColorMarkers {
    let mut m = ColorMarkers::default();
    for item in &file.items {
        let Item::Segment(seg) = item else { break };
        match classify(seg) {
            MetaClass::Jfif if seg.marker == Marker::APP0 && seg.body.len() >= 14 => m.jfif = true,
            MetaClass::Adobe if seg.body.len() >= 12 => {
                m.adobe_transform = Some(seg.body[11]);
                m.adobe_offset = seg.offset;
            }
            _ if seg.marker.is_sof() => m.frame_offset = seg.offset,
            _ => {}
        }
    }
    m
}

/// libjpeg's guess of the colour space of the components (`default_decompress_parms`
/// in `jdapimin.c`): one component is gray; three are YCbCr when JFIF is present, else
/// as the Adobe transform says (0 RGB, 1 YCbCr, other values YCbCr with a warning),
/// else by component ids (1,2,3 YCbCr; 'R','G','B' RGB; anything else YCbCr); four are
/// CMYK unless an Adobe marker says transform 2 (YCCK) or anything but 0 (YCCK, with a
/// warning). Other component counts have no colour space.
pub fn detect_color_space(
    markers: ColorMarkers,
    frame: &FrameHeader,
) -> Result<(ColorSpace, Option<Warning>)> {
    let ids: Vec<u8> = frame.components.iter().map(|c| c.id).collect();
    let odd_transform = |t: u8| {
        Some(Warning {
            offset: None,
            mcu: None,
            kind: WarningKind::Other(format!("unknown Adobe color transform code {t}")),
        })
    };
    Ok(match ids.len() {
        1 => (ColorSpace::Gray, None),
        3 => {
            if markers.jfif {
                (ColorSpace::YCbCr, None)
            } else if let Some(t) = markers.adobe_transform {
                match t {
                    0 => (ColorSpace::Rgb, None),
                    1 => (ColorSpace::YCbCr, None),
                    t => (ColorSpace::YCbCr, odd_transform(t)),
                }
            } else if ids == [b'R', b'G', b'B'] {
                (ColorSpace::Rgb, None)
            } else {
                (ColorSpace::YCbCr, None)
            }
        }
        4 => match markers.adobe_transform {
            None | Some(0) => (ColorSpace::Cmyk, None),
            Some(2) => (ColorSpace::Ycck, None),
            Some(t) => (ColorSpace::Ycck, odd_transform(t)),
        },
        n => {
            return Err(Error::unsupported(
                format!("{n}-component images in the pixel decoder"),
                None,
            ))
        }
    })
}

/// A warning when a progressive image ends with some of the first ten coefficients
/// (zigzag order) of a component not fully coded: the picture is coarser than its
/// encoder meant. The pixel decoder then estimates the missing low-frequency
/// coefficients from neighbouring blocks as libjpeg does ([`smoothed_coefficients`]).
pub fn incomplete_progression(
    frame: &FrameHeader,
    scans: &[crate::container::ScanHeader],
    frame_offset: usize,
) -> Option<Warning> {
    if !frame.marker.is_progressive_sof() {
        return None;
    }
    for c in &frame.components {
        // Al of the last scan that coded each of the first 10 coefficients (−1: none).
        let mut bits = [-1i16; 10];
        for s in scans
            .iter()
            .filter(|s| s.components.iter().any(|sc| sc.id == c.id))
        {
            for b in bits
                .iter_mut()
                .take((s.se as usize + 1).min(10))
                .skip(s.ss as usize)
            {
                *b = s.al as i16;
            }
        }
        if bits.iter().any(|&b| b != 0) {
            let msg = format!(
                "progressive image incompletely coded (component {}): missing low-frequency \
                 coefficients are estimated from neighbouring blocks, as libjpeg does",
                c.id
            );
            return Some(Warning::at(frame_offset, WarningKind::Other(msg)));
        }
    }
    None
}

/// Parses and entropy-decodes `data`, decides its colour space, and gathers the warnings
/// (strict mode applied): everything before the pixel stage.
fn coefficients_for_pixels(
    data: &[u8],
    opts: &DecodeOptions,
) -> Result<(entropy::Decoded, ColorSpace, Vec<Warning>)> {
    let file = JpegFile::parse(data)?;
    let skip = ac_unread(&file, opts);
    let decoded = if skip.is_empty() {
        entropy::decode_threaded(&file, &opts.limits, opts.pixels.threads)?
    } else {
        entropy::decode_skipping_ac(&file, &opts.limits, &skip, opts.pixels.threads)?
    };
    prepare_coefficients(&file, decoded, opts)
}

/// The components of a progressive file whose AC scans need not be read: those whose
/// AC coefficients the output does not read ([`reads_ac`]), so that the pixels are
/// those of a full decode. Those scans' data is then not checked either: strict mode,
/// which must see every problem, reads it all.
fn ac_unread(file: &JpegFile, opts: &DecodeOptions) -> Vec<u8> {
    let Some(sof) = file.segments().find(|s| s.marker.is_sof()) else {
        return Vec::new();
    };
    let frame = match parse_frame(sof) {
        Ok(f) if sof.marker.is_progressive_sof() && !opts.strict => f,
        _ => return Vec::new(),
    };
    let ids: Vec<u8> = frame.components.iter().map(|c| c.id).collect();
    if (1..ids.len()).any(|i| ids[..i].contains(&ids[i])) {
        return Vec::new(); // components told apart by position only
    }
    let Ok((color, _)) = detect_color_space(color_markers(file), &frame) else {
        return Vec::new();
    };
    let factors: Vec<(u8, u8)> = frame.components.iter().map(|c| (c.h, c.v)).collect();
    let unread: Vec<u8> = frame
        .components
        .iter()
        .zip(reads_ac(&factors, color, &opts.pixels))
        .filter(|&(_, reads)| !reads)
        .map(|(c, _)| c.id)
        .collect();
    entropy::skippable_ac(file, &unread)
}

/// The second half of [`coefficients_for_pixels`], after the entropy decode.
fn prepare_coefficients(
    file: &JpegFile,
    mut decoded: entropy::Decoded,
    opts: &DecodeOptions,
) -> Result<(entropy::Decoded, ColorSpace, Vec<Warning>)> {
    let mut warnings = file.warnings.clone();
    warnings.extend(decoded.warnings.iter().cloned());
    let markers = color_markers(file);
    let (color, w) = detect_color_space(markers, &decoded.frame)?;
    warnings.extend(w);
    warnings.extend(incomplete_progression(
        &decoded.frame,
        &decoded.scans,
        markers.frame_offset,
    ));
    super::check_strict(opts.strict, &warnings)?;
    if let Some(smoothed) = smoothed_coefficients(file, &decoded, &opts.pixels) {
        // Only the IDCT sees these; nothing downstream of this function re-encodes them.
        decoded.image = smoothed;
    }
    Ok((decoded, color, warnings))
}

/// libjpeg's block smoothing (T.81 K.8; `do_block_smoothing`, on in djpeg whatever
/// `-nosmooth` says): for a progressive image whose first ten coefficients are not all
/// fully coded, a copy of the coefficients with the missing ones estimated from
/// neighbouring DC values. The known-bits state comes from the scan headers; when the
/// final scan ran out of data, the iMCU rows after that point use the state before it.
/// A crop in `pixels` is smoothed as libjpeg smooths it, from its first block column.
pub fn smoothed_coefficients(
    file: &JpegFile,
    decoded: &entropy::Decoded,
    pixels: &PixelOptions,
) -> Option<crate::coeffs::CoefficientImage> {
    let frame = &decoded.frame;
    if !frame.marker.is_progressive_sof() {
        return None;
    }
    let index = |id: u8| frame.components.iter().position(|c| c.id == id);
    let mut p = Progression::new(frame.components.len());
    for s in &decoded.scans {
        let comps: Vec<usize> = s.components.iter().filter_map(|c| index(c.id)).collect();
        p.add_scan(&comps, s.ss, s.se, s.al);
    }
    p.short_after_row = final_scan_stop(file, decoded);
    let first = first_block_columns(&decoded.image, pixels).unwrap_or_default();
    smooth_from(&decoded.image, &p, &first)
}

/// The iMCU row of the MCU from which the final scan decoded nothing more, if it did not
/// reach its end: where its data ran out, or, at a restart point, where no restart
/// marker followed. libjpeg's decoder stops there too, and then smooths the rows below
/// with the state before that scan (`last_good_iMCU_row`).
fn final_scan_stop(file: &JpegFile, decoded: &entropy::Decoded) -> Option<usize> {
    let scan = file.items.iter().rev().find_map(|i| match i {
        Item::Scan(s) => Some(s),
        _ => None,
    })?;
    let data_end = scan.ecs_offset() + scan.ecs.len();
    let mcu = decoded
        .warnings
        .iter()
        .filter(|w| w.offset.is_some_and(|o| o >= scan.header.offset))
        .filter(|w| match w.kind {
            WarningKind::PrematureEnd => true,
            // A restart marker missing at the end of the data (rather than one out of
            // sequence, after which decoding resumes).
            WarningKind::BadRestart => w.offset.is_some_and(|o| o >= data_end),
            _ => false,
        })
        .filter_map(|w| w.mcu)
        .min_by_key(|m| m.index)?;
    let frame = &decoded.frame;
    // A one-component scan has one-block MCUs, V block rows to an iMCU row.
    Some(match decoded.scans.last()?.components.as_slice() {
        [one] => {
            let c = frame.components.iter().find(|c| c.id == one.id)?;
            mcu.row / c.v.max(1) as usize
        }
        _ => mcu.row,
    })
}

/// The JFIF density of `file` when its unit is dots per cm: the one density djpeg's
/// BMP writer records (as pixels per metre; see [`crate::pixels::bmp::bmp_header`]).
pub fn dots_per_cm(file: &JpegFile) -> Option<(u16, u16)> {
    let jfif = file
        .segments()
        .filter(|s| s.marker == crate::container::Marker::APP0 && s.body.starts_with(b"JFIF\0"))
        .find_map(|s| crate::inspect::meta::jfif(s.body))?;
    (jfif.units == 2).then_some((jfif.x_density, jfif.y_density))
}

/// Decodes a JPEG file to pixels exactly as `djpeg -dct int` does (`-nosmooth` with
/// `opts.pixels.nosmooth`), incompletely coded progressive images included (see
/// [`smoothed_coefficients`]).
pub fn decode_file(data: &[u8], opts: &DecodeOptions) -> Result<DecodedPixels> {
    let (decoded, color, warnings) = coefficients_for_pixels(data, opts)?;
    check_output_pixels(&decoded.image, opts)?;
    let image = decode_to_pixels(&decoded.image, color, &opts.pixels)?;
    Ok(DecodedPixels {
        image,
        color,
        warnings,
    })
}

/// Refuses an enlarged output (`--scale` above 1) with more pixels than the limit the
/// frame itself was held to: the whole image is allocated as pixels here.
fn check_output_pixels(img: &CoefficientImage, opts: &DecodeOptions) -> Result<()> {
    let m = opts.pixels.scale.eighths() as u64;
    let side = |n: u32| (u64::from(n) * m).div_ceil(8);
    let pixels = side(img.width).saturating_mul(side(img.height));
    if m > 8 && pixels > opts.limits.max_pixels {
        return Err(Error::Limit(LimitKind::Pixels(pixels)));
    }
    Ok(())
}

/// Whether decoding `head` (a file parsed up to its first scan) for `opts` ends well
/// before the end of that scan, so the rest of the file need not be read at all (as
/// djpeg does not read it): a crop whose bottom is at least two iMCU rows above the
/// image's, of a sequential Huffman-coded frame whose first scan holds every
/// component, outside strict mode (whose warnings cover the whole file).
fn stops_early(head: &JpegFile, opts: &DecodeOptions) -> bool {
    let Some(crop) = opts.pixels.crop.filter(|_| !opts.strict) else {
        return false;
    };
    let frame = head.segments().find(|s| s.marker.is_sof());
    let Some(f) = frame.and_then(|s| parse_frame(s).ok()) else {
        return false;
    };
    let Some(scan) = head.scans().next() else {
        return false;
    };
    let in_scan = scan.header.body.first().map_or(0, |&n| usize::from(n));
    let factors: Vec<(u8, u8)> = f.components.iter().map(|c| (c.h, c.v)).collect();
    matches!(f.marker.0, 0xC0 | 0xC1)
        && in_scan == f.components.len()
        && (crop_last_band(crop, &opts.pixels, &factors) + 1) * imcu_rows(&factors)
            < usize::from(f.height)
}

/// Frame rows per iMCU row (band) of a frame with these sampling factors.
fn imcu_rows(factors: &[(u8, u8)]) -> usize {
    8 * factors.iter().map(|f| usize::from(f.1)).max().unwrap_or(1)
}

/// The last band a decode of `crop` reads: the one holding the crop's bottom row (in
/// frame rows at the output scale) and the one below, which upsampling looks at.
fn crop_last_band(crop: Crop, pixels: &PixelOptions, factors: &[(u8, u8)]) -> usize {
    let bottom = (crop.y as usize + crop.height as usize) * 8 / pixels.scale.eighths();
    bottom / imcu_rows(factors) + 1
}

/// [`decode_file_rows`] of a lossless (SOF3) file: its rows are written as they are
/// decoded. In strict mode the whole file is checked first (the warnings must be known
/// before the first row goes out).
fn lossless_rows(
    file: &JpegFile,
    opts: &DecodeOptions,
    start: &mut dyn FnMut(PixelShape) -> Result<()>,
    sink: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<(ColorSpace, Vec<Warning>)> {
    use crate::pixels::wide::LosslessRows;
    let frame = entropy::lossless::lossless_frame(file)?;
    let factors: Vec<(u8, u8)> = frame.components.iter().map(|c| (c.h, c.v)).collect();
    let size = (u32::from(frame.width), u32::from(frame.height));
    let (mut rows, shape) = LosslessRows::new(size, frame.precision, &factors, &opts.pixels)?;
    let mut warnings = file.warnings.clone();
    if opts.strict {
        let found = entropy::lossless::decode_lossless_rows(file, &opts.limits, &mut |_| Ok(()))?;
        warnings.extend(found);
        super::check_strict(true, &warnings)?;
    }
    start(shape)?;
    let found =
        entropy::lossless::decode_lossless_rows(file, &opts.limits, &mut |c| rows.push(c, sink))?;
    rows.finish(sink)?;
    if !opts.strict {
        warnings.extend(found);
    }
    let color = if factors.len() == 1 {
        ColorSpace::Gray
    } else {
        ColorSpace::Rgb
    };
    Ok((color, warnings))
}

/// Whether `file`'s frame has samples of more than 8 bits.
fn wide_samples(file: &JpegFile) -> bool {
    let frame = file.segments().find(|s| s.marker.is_sof());
    frame
        .and_then(|s| parse_frame(s).ok())
        .is_some_and(|f| f.precision > 8)
}

/// Streaming form of [`decode_file`]: `start` gets the image's shape, then `sink` the
/// rows top to bottom in bands (see [`crate::pixels::decode_rows`]); the whole image is
/// never in memory as pixels. Sequential files with one scan are not held whole as
/// coefficients either: the entropy decoder hands over one iMCU row at a time, on its
/// own thread when `opts.pixels.threads` > 1 (except in strict mode, where every
/// warning must be known before the first row goes out). Returns the colour space and the
/// warnings.
pub fn decode_file_rows(
    data: &[u8],
    opts: &DecodeOptions,
    start: &mut dyn FnMut(PixelShape) -> Result<()>,
    sink: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<(ColorSpace, Vec<Warning>)> {
    let file = match JpegFile::parse_head(data) {
        Ok(head) if stops_early(&head, opts) => head,
        _ => JpegFile::parse(data)?,
    };
    if super::lossless::is_lossless(&file) {
        return lossless_rows(&file, opts, start, sink);
    }
    let skip = ac_unread(&file, opts);
    let streamed = if !skip.is_empty() {
        let threads = opts.pixels.threads;
        Streamed::Whole(entropy::decode_skipping_ac(
            &file,
            &opts.limits,
            &skip,
            threads,
        )?)
    } else if opts.strict || wide_samples(&file) {
        // (12-bit samples are decoded from the whole coefficient image.)
        Streamed::Whole(entropy::decode_threaded(
            &file,
            &opts.limits,
            opts.pixels.threads,
        )?)
    } else {
        entropy::rows::decode_streamed_on(&file, &opts.limits, opts.pixels.threads)?
    };
    let mut scan = match streamed {
        Streamed::Whole(decoded) => {
            let (decoded, color, warnings) = prepare_coefficients(&file, decoded, opts)?;
            decode_rows(&decoded.image, color, &opts.pixels, start, sink)?;
            return Ok((color, warnings));
        }
        Streamed::Rows(scan) => scan,
    };
    // The warnings in the order a whole decode gives them: the file's, the decoder's,
    // then colour.
    let (color, w) = detect_color_space(color_markers(&file), &scan.decoded.frame)?;
    let factors: Vec<(u8, u8)> = (scan.decoded.frame.components.iter())
        .map(|c| (c.h, c.v))
        .collect();
    scan.set_reads_ac(reads_ac(&factors, color, &opts.pixels));
    if let Some(c) = opts.pixels.crop {
        scan.set_last_band(crop_last_band(c, &opts.pixels, &factors));
        // The bands hold the crop's block columns alone: no wider than what is read.
        if let Some(cols) = crop_block_columns(&scan.decoded.image, &opts.pixels)? {
            scan.set_columns(cols);
        }
    }
    let scan_warnings = stream::decode_stream(&scan, color, &opts.pixels, start, sink)?;
    let mut warnings = file.warnings.clone();
    warnings.extend(scan.warnings_with(scan_warnings));
    warnings.extend(w);
    Ok((color, warnings))
}
