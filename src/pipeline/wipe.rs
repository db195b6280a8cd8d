//! Wipe (jpegtran -wipe): the blocks of a region set to zero (mid-gray), every other
//! coefficient kept, the file written back as `copy` writes it. jpegtran leaves the
//! file's other pictures of the image as they were, so that a wiped face or number
//! plate still shows in the thumbnail a file browser displays. Here each gets the same
//! wipe, scaled to its size: the Exif thumbnail, a JFXX thumbnail (JPEG or RGB), the
//! Photoshop thumbnail (image resource 1036), and the images after EOI that the MPF
//! index lists (large previews, gain maps). A JPEG after EOI that no index lists, and
//! any picture that cannot be wiped, get a warning.

use super::thumbnail::{embedded_options, jpeg_size, with_jpeg_thumbnail};
use super::{encode_options, secondary, CopyOptions, MetaEdits, Output, Trailer};
use crate::container::edit::exif_thumbnail;
use crate::container::{classify, JpegFile, KeepPolicy, MetaClass};
use crate::entropy;
use crate::error::{Result, Warning, WarningKind};
use crate::transform::{scale_region, wipe_plan, CropSpec};

/// [`wipe`] of the luminance alone, as `jpegtran -wipe -grayscale` does it: the
/// grayscale transform first (whose one component has 8×8 iMCUs), then the wipe.
pub fn wipe_grayscale(data: &[u8], region: &CropSpec, opts: &CopyOptions) -> Result<Output> {
    let gray = super::transform(
        data,
        &super::TransformOptions {
            request: crate::transform::Request {
                grayscale: true,
                ..Default::default()
            },
            output: opts.clone(),
            reset_orientation: false,
        },
    )?;
    let mut out = wipe(&gray.output.bytes, region, opts)?;
    let mut warnings = gray.output.warnings;
    warnings.append(&mut out.warnings);
    out.warnings = warnings;
    Ok(out)
}

/// Wipes `region` of `data` (pixels, jpegtran's geometry; widened outward to whole
/// iMCUs) and writes the rest as `copy` would with `opts`.
pub fn wipe(data: &[u8], region: &CropSpec, opts: &CopyOptions) -> Result<Output> {
    if let Ok(file) = JpegFile::parse(data) {
        if super::lossless::is_lossless(&file) {
            return wipe_samples(&file, region, opts);
        }
    }
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
    let mut edits = wiped_pictures(&file, region, (width, height), opts, &mut warnings);
    edits.icc = opts.icc.clone();
    Ok(Output {
        bytes: super::assemble(&file, opts.keep, &coded, &edits),
        warnings,
    })
}

/// [`wipe`] of a lossless (SOF3) file: exactly the region's samples (no block grid)
/// become mid-gray, 2^(P−1) in every component; every other sample is kept and coded
/// again as the file coded it.
fn wipe_samples(file: &JpegFile, region: &CropSpec, opts: &CopyOptions) -> Result<Output> {
    let (mut img, mut warnings) = super::lossless::decode_for_edit(file, opts)?;
    let (w, h) = (img.width, img.height);
    let x = if region.x.from_end {
        w.saturating_sub(region.x.value)
    } else {
        region.x.value
    };
    let y = if region.y.from_end {
        h.saturating_sub(region.y.value)
    } else {
        region.y.value
    };
    let x1 = region.width.map_or(w, |rw| x.saturating_add(rw)).min(w);
    let y1 = region.height.map_or(h, |rh| y.saturating_add(rh)).min(h);
    let gray = 1u16 << (img.precision - 1);
    let max_h = img.components.iter().map(|c| c.h).max().unwrap_or(1).max(1);
    let max_v = img.components.iter().map(|c| c.v).max().unwrap_or(1).max(1);
    for c in img.components.iter_mut() {
        // A subsampled component's samples that the region covers, edges outward
        // (T.81 A.1.1: xi = ⌈X·Hi/Hmax⌉).
        let span = |a: u32, b: u32, f: u8, max: u8, n: usize| {
            let (f, max) = (u64::from(f), u64::from(max));
            let lo = (u64::from(a) * f / max) as usize;
            let hi = (u64::from(b) * f).div_ceil(max) as usize;
            lo.min(n)..hi.min(n)
        };
        let (xs, ys) = (
            span(x, x1, c.h, max_h, c.width),
            span(y, y1, c.v, max_v, c.height),
        );
        for yy in ys {
            for xx in xs.clone() {
                let i = c.idx(xx, yy);
                c.samples[i] = gray;
            }
        }
    }
    let coded = super::lossless::encode_like(file, &img, w)?;
    let mut edits = wiped_pictures(file, region, (w, h), opts, &mut warnings);
    edits.icc = opts.icc.clone();
    Ok(Output {
        bytes: super::assemble(file, opts.keep, &coded, &edits),
        warnings,
    })
}

/// The file's other pictures of the image with the same region wiped at their own
/// scale: the Exif, JFXX and Photoshop thumbnails and the images after EOI that the
/// MPF index lists (large previews, a gain map), each as it is kept. A warning names
/// each that cannot be wiped and so still shows the region.
fn wiped_pictures(
    file: &JpegFile,
    region: &CropSpec,
    size: (u32, u32),
    opts: &CopyOptions,
    warnings: &mut Vec<Warning>,
) -> MetaEdits {
    let mut edits = MetaEdits::default();
    let keep = opts.keep;
    let leak = |offset: usize, what: &str, remedy: &str| {
        Warning::at(
            offset,
            WarningKind::Other(format!(
                "the {what} could not be wiped and still shows the region ({remedy})"
            )),
        )
    };
    let wiped = |image: &[u8]| wiped_image(image, region, size, opts);
    for seg in file.segments() {
        let class = classify(seg);
        if !keep.keeps(class) {
            continue;
        }
        let b = seg.body;
        match class {
            MetaClass::Exif if edits.thumbnail.is_none() => {
                let Some((at, len)) = exif_thumbnail(b) else {
                    continue;
                };
                edits.thumbnail = wiped(&b[at..at + len]);
                if edits.thumbnail.is_none() {
                    let remedy = "strip --drop-exif-thumbnail removes it";
                    warnings.push(leak(seg.offset, "Exif thumbnail", remedy));
                }
            }
            // JFIF 1.02 extension: 0x10 a JPEG, 0x13 RGB samples, 0x11 a palette.
            class @ (MetaClass::Jfxx | MetaClass::Photoshop) => {
                let new = match (class, b.get(5)) {
                    (MetaClass::Jfxx, _) if b.len() <= 6 => None,
                    (MetaClass::Jfxx, Some(0x13)) => Some(wiped_rgb(b, region, size)),
                    (MetaClass::Jfxx, Some(0x10)) | (MetaClass::Photoshop, _) => {
                        with_jpeg_thumbnail(b, class, |old, _| wiped(old))
                    }
                    _ => Some(None),
                };
                match new {
                    None => {}
                    Some(Some(body)) => edits.segments.push((seg.offset, body)),
                    Some(None) if class == MetaClass::Jfxx => {
                        let remedy = "strip --keep without jfxx removes it";
                        warnings.push(leak(seg.offset, "JFXX thumbnail", remedy));
                    }
                    Some(None) => {
                        let remedy = "strip --keep without photoshop removes it";
                        warnings.push(leak(seg.offset, "Photoshop thumbnail", remedy));
                    }
                }
            }
            _ => {}
        }
    }
    edits.trailer = wiped_trailer(file, &wiped, opts.keep, warnings);
    edits
}

/// The data after EOI with the images the MPF index lists wiped (`None` when there
/// are none); a warning when some cannot be, or when it holds a JPEG no index lists.
fn wiped_trailer(
    file: &JpegFile,
    wiped: &dyn Fn(&[u8]) -> Option<Vec<u8>>,
    keep: KeepPolicy,
    warnings: &mut Vec<Warning>,
) -> Option<Trailer> {
    let leak = |what: String| {
        Warning::at(
            file.trailer_offset,
            WarningKind::Other(format!(
                "{what} after EOI may show the wiped region (strip --drop-trailer removes them)"
            )),
        )
    };
    let images = secondary::listed_images(file, keep);
    if images.is_empty() {
        if secondary::holds_jpeg(file) {
            let n = file.trailer.len();
            warnings.push(leak(format!("the {n} bytes holding another image")));
        }
        return None;
    }
    let (trailer, failed) = secondary::replaced(file, &images, |_, image| wiped(image));
    if failed > 0 {
        warnings.push(leak(secondary::some_of(failed, images.len())));
    }
    Some(trailer)
}

/// An image inside the file (a thumbnail, an image after EOI) with `region` of the
/// `size` image wiped at its scale (widened outward to its iMCUs); its own metadata
/// kept as `opts` keeps it. Huffman-coded even when the image is asked to be
/// arithmetic-coded, as readers of thumbnails expect.
fn wiped_image(
    image: &[u8],
    region: &CropSpec,
    size: (u32, u32),
    opts: &CopyOptions,
) -> Option<Vec<u8>> {
    let scaled = scale_region(region, size, jpeg_size(image)?)?;
    wipe(image, &scaled, &embedded_options(opts))
        .ok()
        .map(|out| out.bytes)
}

/// A JFXX thumbnail stored as RGB samples (`body` of its APP0 segment) with `region`
/// of the `size` image set to the gray of a wiped block, scaled outward.
fn wiped_rgb(body: &[u8], region: &CropSpec, size: (u32, u32)) -> Option<Vec<u8>> {
    let old = super::thumbnail_check::jfxx_rgb(body)?;
    let (w, h) = (old.width as usize, old.height as usize);
    let r = scale_region(region, size, (w as u32, h as u32))?;
    let (x, y) = (r.x.value as usize, r.y.value as usize);
    let (rw, rh) = (r.width? as usize, r.height? as usize);
    let mut out = body.to_vec();
    for row in y..(y + rh).min(h) {
        let start = 8 + 3 * (row * w + x);
        out[start..start + 3 * rw.min(w - x)].fill(128);
    }
    Some(out)
}
