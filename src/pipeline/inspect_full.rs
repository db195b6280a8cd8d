//! `inspect` plus what needs entropy decoding: the coefficient hash, whether the
//! thumbnails show the image and, on request, the compression history.

use super::hash::{hash_and_dc, DcTerms};
use super::pixels::DecodeOptions;
use super::pixels::{color_markers, detect_color_space};
use super::thumbnail_check::{check, gray, thumbnails, Target, COMPARED};
use crate::container::{parse_frame, JpegFile};
use crate::entropy::Limits;
use crate::error::Result;
use crate::inspect::{inspect, Report};
use crate::pixels::{ColorSpace, PixelImage};

/// Inspects `data` and, when its entropy-coded data decodes, adds the coefficient hash
/// ([`super::coefficient_hash`]) and the thumbnail checks to the report. Fails only
/// where [`inspect`] fails.
pub fn inspect_full(data: &[u8]) -> Result<Report> {
    inspect_full_with(data, &Limits::default())
}

/// As [`inspect_full`], with resource limits for the decoding.
pub fn inspect_full_with(data: &[u8], limits: &Limits) -> Result<Report> {
    let mut report = inspect(data)?;
    if let Ok(file) = JpegFile::parse(data) {
        if let Ok((hash, dc)) = hash_and_dc(&file, limits) {
            report.coefficient_hash = Some(hash);
            check_thumbnails(&mut report, data, &file, &dc, limits);
        }
    }
    Ok(report)
}

/// As [`inspect_full_with`], also looking for traces of an earlier compression
/// ([`super::compression_history`]; null for an image under two blocks each way). The
/// image is decoded once, whole, for all of it.
pub fn inspect_with_history(data: &[u8], limits: &Limits) -> Result<Report> {
    let mut report = inspect(data)?;
    let Ok(file) = JpegFile::parse(data) else {
        return Ok(report);
    };
    if let Ok(d) = crate::entropy::decode(&file, limits) {
        report.coefficient_hash = Some(super::coefficient_hash(&d.image));
        report.compression_history = super::compression_history(&d.image);
        let c = &d.image.components[0];
        let (bw, bh) = d.image.geometry().real_blocks(0);
        let (bw, bh) = (bw.min(c.plane.width_blocks), bh.min(c.plane.height_blocks));
        let dc = DcTerms {
            width_blocks: bw,
            height_blocks: bh,
            values: (0..bh)
                .flat_map(|by| (0..bw).map(move |bx| c.plane.block(bx, by)[0]))
                .collect(),
            step: c.quant.values[0],
            damaged: super::hash::blocks_lost(&d.warnings),
        };
        check_thumbnails(&mut report, data, &file, &dc, limits);
    }
    Ok(report)
}

/// The image decoded in gray at full size.
fn small_picture(data: &[u8], limits: &Limits) -> Option<PixelImage> {
    let opts = DecodeOptions {
        limits: *limits,
        ..DecodeOptions::default()
    };
    let d = super::pixels::decode_file(data, &opts).ok()?;
    Some(gray(&d.image))
}

/// Compares the file's thumbnails with the image, when its first component is the
/// luminance at full resolution (gray or Y′CbCr; the DC terms are then its picture).
/// A thumbnail that does not show the image is also a contradiction of the source.
fn check_thumbnails(
    report: &mut Report,
    data: &[u8],
    file: &JpegFile,
    dc: &DcTerms,
    limits: &Limits,
) {
    let thumbs = thumbnails(file);
    if thumbs.is_empty() || dc.values.is_empty() || dc.damaged {
        return;
    }
    let Some(frame) = file
        .segments()
        .find(|s| s.marker.is_sof())
        .and_then(|s| parse_frame(s).ok())
    else {
        return;
    };
    let luma = match detect_color_space(color_markers(file), &frame) {
        Ok((ColorSpace::Gray | ColorSpace::YCbCr, _)) => {
            let first = &frame.components[0];
            frame
                .components
                .iter()
                .all(|c| c.h <= first.h && c.v <= first.v)
        }
        _ => false,
    };
    if !luma {
        return;
    }
    let size = (u32::from(frame.width), u32::from(frame.height));
    // A small image's DC picture is too coarse to compare: it is decoded instead.
    let picture = if dc.width_blocks.max(dc.height_blocks) < 2 * COMPARED as usize {
        match small_picture(data, limits) {
            Some(p) => p,
            None => return,
        }
    } else {
        dc.picture()
    };
    let (hmax, vmax) = frame.components.iter().fold((1, 1), |(h, v), c| {
        (h.max(u32::from(c.h)), v.max(u32::from(c.v)))
    });
    let target = Target {
        picture: &picture,
        size,
        partial: (size.0 % (8 * hmax), size.1 % (8 * vmax)),
    };
    report.thumbnails = check(&thumbs, &target, limits);
    for t in report.thumbnails.iter().filter(|t| !t.shows_image) {
        let c = format!("the {} thumbnail {}", t.kind, t.verdict);
        report.identification.contradictions.push(c);
    }
}
