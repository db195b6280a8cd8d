//! Lossless transforms: parse → decode → plan → apply → encode → assemble, with the Exif
//! and MPF edits the new geometry calls for.

use super::thumbnail::{self, Blocks, Edit};
use super::{check_strict, rows_to_mcus, CopyOptions, MetaEdits, Output, RestartSpec};
use crate::coeffs::CoefficientImage;
use crate::container::edit::exif_orientation;
use crate::container::{classify, JpegFile, MetaClass};
use crate::entropy::{self, Decoded, PlacedImage};
use crate::error::{Error, Result, Warning, WarningKind};
use crate::transform::{self, EdgePolicy, Orientation, Plan, Request};

/// A transform request and how to write the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransformOptions {
    /// What to do to the coefficients.
    pub request: Request,
    /// Coding mode, Huffman tables, restart interval, metadata, limits, strictness.
    pub output: CopyOptions,
    /// Set the Exif Orientation to 1 (auto-orient).
    pub reset_orientation: bool,
}

/// The output and the plan that made it (output size, region of the source written).
#[derive(Debug, Clone)]
pub struct Transformed {
    /// The output file and warnings.
    pub output: Output,
    /// The executed plan.
    pub plan: Plan,
}

/// Applies a lossless transform. Coefficients move as jpegtran moves them; the rest of
/// the file is kept as `copy` keeps it.
pub fn transform(data: &[u8], opts: &TransformOptions) -> Result<Transformed> {
    let file = JpegFile::parse(data)?;
    if super::lossless::is_lossless(&file) {
        return super::lossless::transform_lossless(&file, opts);
    }
    // A sequential frame keeps its blocks packed throughout (decoded into place, coded
    // from there, sequential or progressive): a fraction of the memory of a dense image.
    let (decoded, direct) = super::region::decode(&file, &opts.request, &opts.output.limits, true)?;
    let mut warnings = file.warnings.clone();
    warnings.extend(decoded.warnings.iter().cloned());
    check_strict(opts.output.strict, &warnings)?;
    if opts.request.grayscale {
        check_grayscale(&file, &decoded)?;
    }
    let img = &decoded.image;
    let factors: Vec<(u8, u8)> = img.components.iter().map(|c| (c.h, c.v)).collect();
    let plan = transform::plan(img.width, img.height, &factors, &opts.request)?;
    let out = super::region::apply(&file, &opts.output.limits, img, &plan, direct)?;
    let out_img = match &out {
        PlacedImage::Dense(image) | PlacedImage::Packed(image, _) => image,
    };
    let blocks = match &out {
        PlacedImage::Dense(image) => Blocks::Dense(image),
        PlacedImage::Packed(image, planes) => Blocks::Packed(image, planes),
    };
    let whole = Request {
        crop: None,
        edge: EdgePolicy::Perfect,
        ..opts.request
    };
    let edit = Edit {
        output: (plan.width, plan.height),
        color: super::colour_space(&file, &decoded, out_img),
        true_transform: opts.request.edge != EdgePolicy::Keep
            || transform::plan(img.width, img.height, &factors, &whole).is_ok(),
        region: Some(plan.region),
        ..Edit::of(&file, opts, (img.width, img.height))
    };
    let followed = thumbnail::followed(&edit, &blocks, &mut warnings);
    let enc = super::encode_options(
        &opts.output,
        &file,
        &decoded,
        restart_interval(&opts.output, &decoded, out_img)?,
        out_img,
    )?;
    // The coefficients are released as they are coded (progressive output packs a
    // dense image plane by plane), and before the output is built.
    let coded = match out {
        PlacedImage::Dense(image) => entropy::encode_owned(image, &enc)?,
        PlacedImage::Packed(image, planes) => entropy::encode_packed(&image, &planes, &enc)?,
    };
    let source_size = (img.width, img.height);
    drop(decoded);
    let mut edits = MetaEdits {
        icc: opts.output.icc.clone(),
        ..followed
    };
    if (plan.width, plan.height) != source_size {
        edits.exif.dimensions = Some((plan.width, plan.height));
    }
    if opts.reset_orientation {
        edits.exif.orientation = Some(1);
    }
    if has_class(&file, MetaClass::Jumbf) && opts.output.keep.keeps(MetaClass::Jumbf) {
        warnings.push(Warning {
            offset: None,
            mcu: None,
            kind: WarningKind::Other(
                "C2PA/JUMBF manifest kept, but its signature no longer matches the changed image"
                    .into(),
            ),
        });
    }
    let bytes = super::assemble(&file, opts.output.keep, &coded, &edits);
    Ok(Transformed {
        output: Output { bytes, warnings },
        plan,
    })
}

/// Reads the Exif Orientation and applies the transform that makes the image upright,
/// then sets Orientation to 1. With no orientation (or 1) the coefficients are unchanged.
pub fn auto_orient(data: &[u8], opts: &TransformOptions) -> Result<Transformed> {
    transform(data, &upright_options(data, opts)?)
}

/// `opts` with the Exif Orientation of `data` applied before its own orientation, and
/// the Orientation reset when there was one (what auto-orient asks for).
pub(super) fn upright_options(data: &[u8], opts: &TransformOptions) -> Result<TransformOptions> {
    let file = JpegFile::parse(data)?;
    let n = file
        .segments()
        .filter(|s| classify(s) == MetaClass::Exif)
        .find_map(|s| exif_orientation(s.body));
    let orientation = n
        .and_then(Orientation::from_exif)
        .unwrap_or(Orientation::Identity);
    Ok(TransformOptions {
        request: Request {
            orientation: orientation.then(opts.request.orientation),
            ..opts.request
        },
        reset_orientation: n.is_some(),
        ..opts.clone()
    })
}

fn has_class(file: &JpegFile, class: MetaClass) -> bool {
    file.segments().any(|s| classify(s) == class)
}

/// Grayscale output needs a luminance first component: YCbCr or gray, not RGB/CMYK/YCCK.
fn check_grayscale(file: &JpegFile, decoded: &Decoded) -> Result<()> {
    let n = decoded.image.components.len();
    let adobe = file
        .segments()
        .find(|s| classify(s) == MetaClass::Adobe)
        .and_then(|s| s.body.get(11).copied());
    let ids: Vec<u8> = decoded.image.components.iter().map(|c| c.id).collect();
    let rgb = adobe == Some(0) && !has_class(file, MetaClass::Jfif) || ids == [b'R', b'G', b'B'];
    if n == 1 || n == 3 && !rgb {
        Ok(())
    } else {
        Err(Error::BadRequest(
            "grayscale needs a YCbCr or grayscale image".into(),
        ))
    }
}

/// The output's restart interval. Kept from the input: as MCU rows when the input's
/// interval was whole rows (so it stays whole rows of the new geometry), else as MCUs.
fn restart_interval(o: &CopyOptions, d: &Decoded, out: &CoefficientImage) -> Result<u16> {
    match o.restart {
        RestartSpec::Mcus(n) => Ok(n),
        RestartSpec::Rows(n) => rows_to_mcus(out, n),
        RestartSpec::Keep if d.restart_interval == 0 => Ok(0),
        RestartSpec::Keep => {
            let per_row = rows_to_mcus(&d.image, 1)?;
            if per_row > 0 && d.restart_interval % per_row == 0 {
                rows_to_mcus(out, d.restart_interval / per_row).or(Ok(d.restart_interval))
            } else {
                Ok(d.restart_interval)
            }
        }
    }
}
