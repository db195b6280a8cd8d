//! `inspect` plus what needs entropy decoding: the coefficient hash, whether the
//! thumbnails show the image and, on request, the compression history.

use super::hash::{blocks_lost, hash_and_dc};
use super::pixels::DecodeOptions;
use super::thumbnail_check::{check, thumbnails, Target, Thumbnail, COMPARED};
use crate::container::{parse_frame, JpegFile};
use crate::entropy::Limits;
use crate::error::Result;
use crate::inspect::{inspect, Report};
use crate::pixels::preview::{dc_gray, to_gray};
use crate::pixels::PixelImage;

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
        report.sample_hash = super::lossless::sample_hash(&file, limits);
        let thumbs = thumbnails(&file);
        if let Ok((hash, picture)) = hash_and_dc(&file, limits, !thumbs.is_empty()) {
            report.coefficient_hash = Some(hash);
            check_thumbnails(&mut report, data, &file, &thumbs, picture, limits);
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
        let picture = super::colour_space(&file, &d, &d.image)
            .filter(|_| !blocks_lost(&d.warnings))
            .and_then(|color| dc_gray(&d.image, None, color));
        check_thumbnails(
            &mut report,
            data,
            &file,
            &thumbnails(&file),
            picture,
            limits,
        );
    }
    Ok(report)
}

/// Compares the file's thumbnails with the image, whose gray DC picture (1/8 scale) is
/// `picture` (`None`: the image is damaged, or in a colour space jtool does not render;
/// nothing is compared). A thumbnail that does not show the image is also a
/// contradiction of the source.
fn check_thumbnails(
    report: &mut Report,
    data: &[u8],
    file: &JpegFile,
    thumbs: &[Thumbnail],
    picture: Option<PixelImage>,
    limits: &Limits,
) {
    let Some(picture) = picture.filter(|_| !thumbs.is_empty()) else {
        return;
    };
    let Some(frame) = file
        .segments()
        .find(|s| s.marker.is_sof())
        .and_then(|s| parse_frame(s).ok())
    else {
        return;
    };
    // A small image's DC picture is too coarse to compare: it is decoded instead.
    let picture = if picture.width.max(picture.height) < 2 * COMPARED {
        match small_picture(data, limits) {
            Some(p) => p,
            None => return,
        }
    } else {
        picture
    };
    let size = (u32::from(frame.width), u32::from(frame.height));
    let (hmax, vmax) = frame.components.iter().fold((1, 1), |(h, v), c| {
        (h.max(u32::from(c.h)), v.max(u32::from(c.v)))
    });
    let target = Target {
        picture: &picture,
        size,
        partial: (size.0 % (8 * hmax), size.1 % (8 * vmax)),
    };
    report.thumbnails = check(thumbs, &target, limits);
    for t in report.thumbnails.iter().filter(|t| !t.shows_image) {
        let c = format!("the {} thumbnail {}", t.kind, t.verdict);
        report.identification.contradictions.push(c);
    }
}

/// The image decoded in gray at full size.
fn small_picture(data: &[u8], limits: &Limits) -> Option<PixelImage> {
    let opts = DecodeOptions {
        limits: *limits,
        ..DecodeOptions::default()
    };
    let d = super::pixels::decode_file(data, &opts).ok()?;
    Some(to_gray(&d.image))
}
