//! Wipe (jpegtran -wipe): the blocks of a region set to zero (mid-gray), every other
//! coefficient kept, the file written back as `copy` writes it. The Exif thumbnail gets
//! the same wipe, scaled to its size, so that it does not show what was wiped.

use super::{encode_options, CopyOptions, MetaEdits, Output, RestartSpec};
use crate::container::edit::exif_thumbnail;
use crate::container::{classify, parse_frame, JpegFile, MetaClass};
use crate::entropy;
use crate::error::{Result, Warning, WarningKind};
use crate::transform::{scale_region, wipe_plan, CropSpec};

/// Wipes `region` of `data` (pixels, jpegtran's geometry; widened outward to whole
/// iMCUs) and writes the rest as `copy` would with `opts`.
pub fn wipe(data: &[u8], region: &CropSpec, opts: &CopyOptions) -> Result<Output> {
    let (file, mut decoded, mut warnings) = super::decode_checked(data, opts)?;
    let image = &mut decoded.image;
    let factors: Vec<(u8, u8)> = image.components.iter().map(|c| (c.h, c.v)).collect();
    let (width, height) = (image.width, image.height);
    let rects = wipe_plan(width, height, &factors, region)?;
    for (c, r) in image.components.iter_mut().zip(&rects) {
        let p = &mut c.plane;
        for by in r.y0..r.y1.min(p.height_blocks) {
            for bx in r.x0..r.x1.min(p.width_blocks) {
                *p.block_mut(bx, by) = [0; 64];
            }
        }
    }
    image.normalize_padding();
    let restart_interval = super::output_restart(opts, &decoded)?;
    let enc = encode_options(opts, &file, &decoded, restart_interval, &decoded.image)?;
    let coded = entropy::encode_owned(decoded.image, &enc)?;
    let mut edits = MetaEdits {
        icc: opts.icc.clone(),
        ..MetaEdits::default()
    };
    if opts.keep.keeps(MetaClass::Exif) {
        edits.thumbnail = wiped_thumbnail(&file, region, (width, height), opts, &mut warnings);
    }
    if file.trailer.windows(3).any(|w| w == [0xFF, 0xD8, 0xFF]) {
        warnings.push(Warning::at(
            file.trailer_offset,
            WarningKind::Other(format!(
                "the {} bytes after EOI hold another image, which may show the wiped region (strip --drop-trailer removes them)",
                file.trailer.len()
            )),
        ));
    }
    Ok(Output {
        bytes: super::assemble(&file, opts.keep, &coded, &edits),
        warnings,
    })
}

/// The Exif thumbnail with `region` of the `size` image wiped at the thumbnail's scale
/// (widened outward); `None`, with a warning, when there is a thumbnail jtool cannot
/// rewrite.
fn wiped_thumbnail(
    file: &JpegFile,
    region: &CropSpec,
    size: (u32, u32),
    opts: &CopyOptions,
    warnings: &mut Vec<Warning>,
) -> Option<Vec<u8>> {
    let exif = file.segments().find(|s| classify(s) == MetaClass::Exif)?;
    let (at, len) = exif_thumbnail(exif.body)?;
    let thumb = &exif.body[at..at + len];
    let result = JpegFile::parse(thumb)
        .ok()
        .and_then(|t| {
            let sof = t.segments().find(|s| s.marker.is_sof())?;
            let f = parse_frame(sof).ok()?;
            Some((f.width as u32, f.height as u32))
        })
        .and_then(|(tw, th)| {
            let scaled = scale_region(region, size, (tw, th))?;
            let o = CopyOptions {
                mode: None,
                restart: RestartSpec::Keep,
                strict: false,
                scans: None,
                icc: None,
                ..opts.clone()
            };
            wipe(thumb, &scaled, &o).ok()
        });
    if result.is_none() {
        warnings.push(Warning::at(
            exif.offset,
            WarningKind::Other(
                "the Exif thumbnail could not be wiped and still shows the region (strip --drop-exif-thumbnail removes it)"
                    .into(),
            ),
        ));
    }
    result.map(|o| o.bytes)
}
