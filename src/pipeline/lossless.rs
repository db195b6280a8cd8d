//! Lossless (SOF3) files through the lossless operations: their samples are decoded,
//! moved exactly (any pixel offset; no blocks to keep whole) and coded again with the
//! file's own predictor, point transform and precision, so every sample survives.
//! jpegtran refuses such files.

use super::transform::{TransformOptions, Transformed};
use super::{assemble, check_strict, MetaEdits, Output};
use crate::container::{parse_scan, JpegFile, Marker};
use crate::entropy::lossless::{decode_lossless, encode_lossless, LosslessOptions};
use crate::error::{Error, Result};
use crate::transform::{transform_samples, CropSpec, Extend, Plan, Rect};

/// Whether `file`'s frame is lossless (SOF3).
pub(super) fn is_lossless(file: &JpegFile) -> bool {
    file.segments().any(|s| s.marker == Marker::SOF3)
}

/// `opts.request` applied to the samples of lossless `file`.
pub(super) fn transform_lossless(file: &JpegFile, opts: &TransformOptions) -> Result<Transformed> {
    let (img, warnings) = decode_for_edit(file, &opts.output)?;
    let req = &opts.request;
    let turned = match req.orientation.swaps_axes() {
        true => (img.height, img.width),
        false => (img.width, img.height),
    };
    let region = crop_region(req.crop, turned)?;
    let out = transform_samples(&img, req.orientation, region, req.grayscale)?;
    let coded = encode_like(file, &out, img.width)?;
    let mut edits = MetaEdits::default();
    if (out.width, out.height) != (img.width, img.height) {
        edits.exif.dimensions = Some((out.width, out.height));
    }
    if opts.reset_orientation {
        edits.exif.orientation = Some(1);
    }
    let bytes = assemble(file, opts.output.keep, &coded, &edits);
    let plan = Plan {
        orientation: req.orientation,
        width: out.width,
        height: out.height,
        region,
        imcu: (1, 1),
        offset_imcus: (region.x as usize, region.y as usize),
        full_imcus: (turned.0 as usize, turned.1 as usize),
        placed: (None, None),
        extend: Extend::Zero,
        factors: vec![(1, 1); out.components.len()],
    };
    Ok(Transformed {
        output: Output { bytes, warnings },
        plan,
    })
}

/// The samples of lossless `file` for an edit, and the warnings so far: refused when
/// the output asked for cannot be lossless (progressive, arithmetic), when the frame
/// claims far more samples than its data codes, or on a warning in strict mode.
pub(super) fn decode_for_edit(
    file: &JpegFile,
    output: &super::CopyOptions,
) -> Result<(
    crate::coeffs::samples::SampleImage,
    Vec<crate::error::Warning>,
)> {
    use crate::entropy::{CodingMode, HuffmanChoice};
    // T.81 has no progressive lossless process; arithmetic lossless (SOF11) is not
    // written here.
    if output.mode == Some(CodingMode::Progressive) || output.huffman == HuffmanChoice::Arithmetic {
        return Err(Error::BadRequest(
            "a lossless (SOF3) file is written sequential, Huffman-coded".into(),
        ));
    }
    check_coded_size(file)?;
    let (img, found) = decode_lossless(file, &output.limits)?;
    let mut warnings = file.warnings.clone();
    warnings.extend(found);
    check_strict(output.strict, &warnings)?;
    Ok((img, warnings))
}

/// `img` coded as lossless `file` (`in_width` samples wide) was: its predictor, point
/// transform and restart rows.
pub(super) fn encode_like(
    file: &JpegFile,
    img: &crate::coeffs::samples::SampleImage,
    in_width: u32,
) -> Result<Vec<u8>> {
    let (predictor, point_transform) = first_scan(file)?;
    let lo = LosslessOptions {
        predictor,
        point_transform,
        restart_interval: restart_rows(file, in_width, img.width),
    };
    encode_lossless(img, &lo)
}

/// SHA-256 of lossless `file`'s samples, row by row (each image row as its
/// components' rows, 16 bits each, most significant byte first), after its size,
/// precision and sampling factors: what `copy` keeps, whatever it recodes. `None` for
/// other files and when the data does not decode.
pub fn sample_hash(file: &JpegFile, limits: &crate::entropy::Limits) -> Option<String> {
    use crate::entropy::lossless::{decode_lossless_rows, lossless_frame};
    if !is_lossless(file) {
        return None;
    }
    let frame = lossless_frame(file).ok()?;
    let mut h = super::Sha256::new();
    h.update(b"jtool sample hash v1");
    h.update(&frame.width.to_be_bytes());
    h.update(&frame.height.to_be_bytes());
    h.update(&[frame.precision, frame.components.len() as u8]);
    for c in &frame.components {
        h.update(&[c.h, c.v]);
    }
    let mut buf = Vec::new();
    decode_lossless_rows(file, limits, &mut |rows| {
        buf.clear();
        buf.extend(
            rows.iter()
                .flat_map(|r| r.iter().flat_map(|v| v.to_be_bytes())),
        );
        h.update(&buf);
        Ok(())
    })
    .ok()?;
    Some(h.finish_hex())
}

/// Refuses a frame that claims more samples than its data can code: every sample
/// costs at least one bit (its category's Huffman code), so such a file was cut, and
/// the transforms, which hold the whole image, would hold samples that were never
/// coded (a damaged header can claim 2^28 pixels).
fn check_coded_size(file: &JpegFile) -> Result<()> {
    let frame = crate::entropy::lossless::lossless_frame(file)?;
    let claimed = u64::from(frame.width) * u64::from(frame.height) * frame.components.len() as u64;
    let bits: u64 = file.scans().map(|s| s.ecs.len() as u64 * 8).sum();
    match claimed > bits + (1 << 16) {
        true => Err(Error::BadRequest(format!(
            "the lossless data ends long before the image: {claimed} samples claimed, at most {bits} coded"
        ))),
        false => Ok(()),
    }
}

/// [`super::lab::compare_with`] of two lossless files: sample by sample, B against A
/// and against every turn of A, whole or cropped at any offset; `None` unless both
/// files are lossless.
pub(super) fn compare_lossless(
    a: &[u8],
    b: &[u8],
    limits: &crate::entropy::Limits,
) -> Result<Option<super::lab::Comparison>> {
    use super::lab::{Comparison, Side};
    let (Ok(fa), Ok(fb)) = (JpegFile::parse(a), JpegFile::parse(b)) else {
        return Ok(None);
    };
    match (is_lossless(&fa), is_lossless(&fb)) {
        (false, false) => return Ok(None),
        (true, true) => {}
        _ => {
            return Err(Error::BadRequest(
                "one file is lossless (samples), the other DCT-based: nothing to compare".into(),
            ))
        }
    }
    check_coded_size(&fa)?;
    check_coded_size(&fb)?;
    let (sa, sb) = (
        decode_lossless(&fa, limits)?.0,
        decode_lossless(&fb, limits)?.0,
    );
    let verdict = sample_verdict(&sa, &sb)?;
    let side = |data: &[u8], s: &crate::coeffs::samples::SampleImage, f: &JpegFile| Side {
        bytes: data.len(),
        jpeg: true,
        width: s.width,
        height: s.height,
        components: s.components.len(),
        coefficient_hash: sample_hash(f, limits),
    };
    Ok(Some(Comparison {
        a: side(a, &sa, &fa),
        b: side(b, &sb, &fb),
        pixels: None,
        pixels_note: Some("lossless files: compared sample by sample (sample hashes)".into()),
        coefficients: None,
        summary: verdict.describe(),
        verdict,
    }))
}

/// What lossless B is of lossless A.
fn sample_verdict(
    a: &crate::coeffs::samples::SampleImage,
    b: &crate::coeffs::samples::SampleImage,
) -> Result<super::lab::LabVerdict> {
    use super::lab::LabVerdict;
    use crate::transform::{Orientation, ALL_ORIENTATIONS};
    let same_kind = a.precision == b.precision
        && a.components.len() == b.components.len()
        && a.components.iter().all(|c| (c.h, c.v) == (1, 1))
        && b.components.iter().all(|c| (c.h, c.v) == (1, 1));
    if !same_kind {
        return Ok(LabVerdict::DifferentSamples);
    }
    for o in ALL_ORIENTATIONS {
        let (tw, th) = match o.swaps_axes() {
            true => (a.height, a.width),
            false => (a.width, a.height),
        };
        if b.width > tw || b.height > th {
            continue;
        }
        let whole = Rect {
            x: 0,
            y: 0,
            width: tw,
            height: th,
        };
        let t = transform_samples(a, o, whole, false)?;
        let Some((x, y)) = window_of(&t, b) else {
            continue;
        };
        let cropped = (b.width, b.height) != (tw, th);
        if o == Orientation::Identity && !cropped {
            return Ok(LabVerdict::IdenticalSamples);
        }
        let crop = Rect {
            x,
            y,
            width: b.width,
            height: b.height,
        };
        return Ok(LabVerdict::LosslessTransform {
            orientation: o.name().into(),
            exif: o.exif(),
            crop,
            cropped,
        });
    }
    Ok(LabVerdict::DifferentSamples)
}

/// Where in `t` the samples of `b` (no larger) lie, every component alike.
fn window_of(
    t: &crate::coeffs::samples::SampleImage,
    b: &crate::coeffs::samples::SampleImage,
) -> Option<(u32, u32)> {
    let (bw, bh) = (b.width as usize, b.height as usize);
    fn row(
        img: &crate::coeffs::samples::SampleImage,
        c: usize,
        (x, y): (usize, usize),
        n: usize,
    ) -> &[u16] {
        let p = &img.components[c];
        &p.samples[p.idx(x, y)..p.idx(x, y) + n]
    }
    for y in 0..=(t.height as usize - bh) {
        for x in 0..=(t.width as usize - bw) {
            let fits = (0..t.components.len())
                .all(|c| (0..bh).all(|r| row(t, c, (x, y + r), bw) == row(b, c, (0, r), bw)));
            if fits {
                return Some((x as u32, y as u32));
            }
        }
    }
    None
}

/// The region of a `(w, h)` image that `crop` keeps, exactly (jpegtran's offsets from
/// the right or bottom edge included); the whole image without one.
fn crop_region(crop: Option<CropSpec>, (w, h): (u32, u32)) -> Result<Rect> {
    let Some(c) = crop else {
        return Ok(Rect {
            x: 0,
            y: 0,
            width: w,
            height: h,
        });
    };
    let axis = |size: u32, extent: Option<u32>, off: crate::transform::CropOffset| {
        let e = extent.unwrap_or(size.saturating_sub(off.value));
        let x = match off.from_end {
            true => size.checked_sub(e.saturating_add(off.value)),
            false => Some(off.value),
        };
        x.filter(|&x| e > 0 && x.saturating_add(e) <= size)
            .map(|x| (x, e))
    };
    match (axis(w, c.width, c.x), axis(h, c.height, c.y)) {
        (Some((x, width)), Some((y, height))) => Ok(Rect {
            x,
            y,
            width,
            height,
        }),
        _ => Err(Error::BadRequest(format!(
            "a lossless image's crop must lie within its {w}x{h} samples"
        ))),
    }
}

/// The predictor and point transform of `file`'s first scan.
fn first_scan(file: &JpegFile) -> Result<(u8, u8)> {
    let scan = file
        .scans()
        .next()
        .ok_or_else(|| Error::BadRequest("no scan".into()))?;
    let h = parse_scan(&scan.header)?;
    Ok((h.ss, h.al))
}

/// The input's restart interval as the same number of sample rows of an output
/// `out_w` wide (libjpeg decodes whole rows only); 0 without one, or when the rows no
/// longer fit the 16-bit interval.
fn restart_rows(file: &JpegFile, in_w: u32, out_w: u32) -> u16 {
    let dri = file.segments().find(|s| s.marker == Marker::DRI);
    let ri = dri
        .and_then(|s| crate::container::parse_dri(s).ok())
        .unwrap_or(0);
    let rows = (u32::from(ri) / in_w.max(1)).max(u32::from(ri > 0));
    u16::try_from(rows * out_w).unwrap_or(0)
}
