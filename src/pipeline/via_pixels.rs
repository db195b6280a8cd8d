//! The pixel path, for comparison with the lossless one: decode as `djpeg -dct int` does
//! → transform the pixels → encode as `cjpeg -dct int` does, with the quantization
//! tables and sampling factors the lossless output has (or other tables, for
//! `requantize --via-pixels`). The output has the lossless output's size, kept metadata,
//! coding mode and restart interval, so `compare` of the two shows only what the trip
//! through pixels costs.
//!
//! Where the lossless transform cannot mirror a partial iMCU and leaves it in place (the
//! default edge policy), the pixel path mirrors every pixel: its output is the true
//! transform of the image, cut to the lossless output's size. Wherever the lossless output
//! is itself a true transform of some source pixels (`--trim`, `--perfect`, a crop inside
//! whole iMCUs, sizes that are whole iMCUs), the pixel path shows the same source pixels.

use super::pixels::{color_markers, detect_color_space, incomplete_progression};
use super::thumbnail::{self, Blocks, Edit};
use super::{
    assemble, check_strict, rows_to_mcus, CopyOptions, MetaEdits, Output, RestartSpec,
    TransformOptions, Transformed,
};
use crate::coeffs::{CoefficientImage, QuantTable};
use crate::container::{classify, JpegFile, MetaClass};
use crate::entropy::{self, Decoded, EncodeOptions};
use crate::error::{Error, Result, Warning, WarningKind};
use crate::pixels::{
    decode_to_pixels, encode_coefficients_with_tables, geometry, ColorSpace, EncodeParams,
    PixelImage, PixelOptions, Sampling,
};
use crate::transform::{self, Orientation, Plan, Rect, Request};

/// A parsed and entropy-decoded input, with its colour space.
struct Source<'a> {
    file: JpegFile<'a>,
    decoded: Decoded,
    color: ColorSpace,
    warnings: Vec<Warning>,
}

/// Parses and decodes `data` as the pixel decoder does, refusing colour spaces the
/// pixel encoder cannot write back (it writes gray or Y'CbCr only).
fn open<'a>(data: &'a [u8], output: &CopyOptions) -> Result<Source<'a>> {
    let file = JpegFile::parse(data)?;
    let decoded = entropy::decode(&file, &output.limits)?;
    let mut warnings = file.warnings.clone();
    warnings.extend(decoded.warnings.iter().cloned());
    let markers = color_markers(&file);
    let (color, w) = detect_color_space(markers, &decoded.frame)?;
    warnings.extend(w);
    warnings.extend(incomplete_progression(
        &decoded.frame,
        &decoded.scans,
        markers.frame_offset,
    ));
    check_strict(output.strict, &warnings)?;
    if !matches!(color, ColorSpace::Gray | ColorSpace::YCbCr) {
        return Err(Error::Unsupported {
            feature: format!(
                "--via-pixels on a {color:?} image (the pixel encoder writes gray or YCbCr)"
            ),
            offset: None,
        });
    }
    Ok(Source {
        file,
        decoded,
        color,
        warnings,
    })
}

/// The source decoded to pixels; luminance only (one component, as `djpeg -grayscale`
/// shows a Y'CbCr image) when `grayscale`.
fn source_pixels(img: &CoefficientImage, color: ColorSpace, grayscale: bool) -> Result<PixelImage> {
    if grayscale && img.components.len() > 1 {
        let factors: Vec<(u8, u8)> = img.components.iter().map(|c| (c.h, c.v)).collect();
        let req = Request {
            grayscale: true,
            ..Request::default()
        };
        let luma = transform::apply(
            img,
            &transform::plan(img.width, img.height, &factors, &req)?,
        );
        return decode_to_pixels(&luma, ColorSpace::Gray, &PixelOptions::default());
    }
    decode_to_pixels(img, color, &PixelOptions::default())
}

/// The start, along one axis of the transformed image, of the source pixels (in
/// transposed-source coordinates) that the output shows.
///
/// `x0` and `w` are the plan's region on this axis, `full` the length of the whole
/// iMCUs, `len` the axis length. Unmirrored, the region is the source's. Mirrored inside
/// the whole iMCUs, the lossless walk shows source `[full − x0 − w, full − x0)` mirrored,
/// and so does this. A region reaching into the partial iMCU that the lossless walk left
/// in place is instead the window of the true mirror: source `[len − x0 − w, len − x0)`.
fn axis_start(x0: u32, w: u32, full: u32, len: u32, mirrored: bool) -> u32 {
    if !mirrored {
        x0
    } else if x0 + w <= full {
        full - x0 - w
    } else {
        len.saturating_sub(x0 + w)
    }
}

/// The source rectangle (source coordinates) whose transform is the output of `plan`.
fn source_rect(plan: &Plan, width: u32, height: u32) -> Rect {
    let (t, fx, fy) = plan.orientation.parts();
    let (tw, th) = if t { (height, width) } else { (width, height) };
    let (r, (iw, ih)) = (plan.region, plan.imcu);
    let full_x = plan.full_imcus.0 as u32 * iw;
    let full_y = plan.full_imcus.1 as u32 * ih;
    let x = axis_start(r.x, plan.width, full_x, tw, fx);
    let y = axis_start(r.y, plan.height, full_y, th, fy);
    if t {
        Rect {
            x: y,
            y: x,
            width: plan.height,
            height: plan.width,
        }
    } else {
        Rect {
            x,
            y,
            width: plan.width,
            height: plan.height,
        }
    }
}

/// The pixel image of `plan` applied truly to `px` (see the module notes).
fn transform_pixels(px: &PixelImage, plan: &Plan) -> Result<PixelImage> {
    let r = source_rect(plan, px.width, px.height);
    let (t, fx, fy) = plan.orientation.parts();
    let whole = (r.x, r.y, r.width, r.height) == (0, 0, px.width, px.height);
    let out = if whole {
        geometry::orient(px, t, fx, fy)
    } else {
        geometry::orient(&geometry::crop(px, r.x, r.y, r.width, r.height), t, fx, fy)
    };
    if (out.width, out.height) != (plan.width, plan.height) {
        return Err(Error::BadRequest(format!(
            "pixel transform gave {}x{} instead of {}x{} (internal error)",
            out.width, out.height, plan.width, plan.height
        )));
    }
    Ok(out)
}

/// The sampling with the same ratios as `factors` (Y, Cb, Cr), in lowest terms, if the
/// pixel encoder can write it (each factor dividing the largest, as libjpeg needs).
fn sampling_for(factors: &[(u8, u8)]) -> Option<Sampling> {
    let &[a, b, c] = factors else {
        return None;
    };
    let f = [a, b, c];
    fn gcd(x: u8, y: u8) -> u8 {
        if y == 0 {
            x
        } else {
            gcd(y, x % y)
        }
    }
    let gh = f.iter().fold(0, |g, &(h, _)| gcd(g, h));
    let gv = f.iter().fold(0, |g, &(_, v)| gcd(g, v));
    if gh == 0 || gv == 0 {
        return None;
    }
    let f = f.map(|(h, v)| (h / gh, v / gv));
    let (mh, mv) = f
        .iter()
        .fold((1, 1), |(a, b), &(h, v)| (a.max(h), b.max(v)));
    let fits = f.iter().all(|&(h, v)| mh % h == 0 && mv % v == 0);
    fits.then(|| Sampling::from_factors(f))
}

/// Encodes `px` with one table per output component, the output components taking the
/// ids and table slots of `like` (the lossless output's components) where consistent.
fn encode_like(
    px: &PixelImage,
    factors: &[(u8, u8)],
    tables: &[QuantTable],
    like: &[(u8, u8)],
    warnings: &mut Vec<Warning>,
) -> Result<CoefficientImage> {
    let sampling = if factors.len() == 1 {
        Sampling::S444
    } else {
        sampling_for(factors).unwrap_or_else(|| {
            warnings.push(Warning {
                offset: None,
                mcu: None,
                kind: WarningKind::Other(format!(
                    "the pixel encoder cannot write sampling factors {factors:?}; wrote 4:2:0"
                )),
            });
            Sampling::S420
        })
    };
    let params = EncodeParams {
        sampling,
        grayscale: factors.len() == 1,
        ..EncodeParams::default()
    };
    let mut out = encode_coefficients_with_tables(px, &params, tables)?;
    // Components sharing a slot must share a table (DQT is per slot).
    let consistent = like.iter().enumerate().all(|(i, a)| {
        like.iter()
            .enumerate()
            .all(|(j, b)| a.1 != b.1 || tables.get(i) == tables.get(j))
    });
    if consistent && like.len() == out.components.len() {
        for (c, &(id, slot)) in out.components.iter_mut().zip(like) {
            c.id = id;
            c.quant_slot = slot;
        }
    }
    Ok(out)
}

/// The input's restart interval in MCUs, and its MCUs per MCU row when it has one.
type InputRestart = (u16, Option<u16>);

fn input_restart(d: &Decoded) -> InputRestart {
    let per_row = (d.restart_interval != 0)
        .then(|| rows_to_mcus(&d.image, 1).ok())
        .flatten();
    (d.restart_interval, per_row)
}

/// The output's restart interval, chosen as the lossless transform chooses it: the
/// input's is kept as MCU rows when it was whole rows, else as MCUs.
fn restart_interval(o: &CopyOptions, input: InputRestart, out: &CoefficientImage) -> Result<u16> {
    match (o.restart, input) {
        (RestartSpec::Mcus(n), _) => Ok(n),
        (RestartSpec::Rows(n), _) => rows_to_mcus(out, n),
        (RestartSpec::Keep, (n, Some(per_row))) if per_row > 0 && n % per_row == 0 => {
            rows_to_mcus(out, n / per_row).or(Ok(n))
        }
        (RestartSpec::Keep, (n, _)) => Ok(n),
    }
}

/// What [`reencode`] gives back: the coded frame and scans, the warnings, the parsed
/// input (for its metadata), and the metadata edits that make the thumbnails and the
/// data after EOI follow the edit.
type Reencoded<'a> = (Vec<u8>, Vec<Warning>, JpegFile<'a>, MetaEdits);

/// Decode → transform (`plan`) → encode with `tables` (one per output component).
/// `edit` is the transform, for the Exif thumbnail to follow (`None` for none). Each
/// stage's input is released before the next allocates its output.
fn reencode<'a>(
    src: Source<'a>,
    plan: &Plan,
    edit: Option<&TransformOptions>,
    tables: &[QuantTable],
    output: &CopyOptions,
) -> Result<Reencoded<'a>> {
    let Source {
        file,
        decoded,
        color,
        mut warnings,
    } = src;
    let grayscale = edit.is_some_and(|e| e.request.grayscale);
    let source = (decoded.image.width, decoded.image.height);
    let mode = super::output_mode(output, &decoded);
    let restart = input_restart(&decoded);
    let like: Vec<(u8, u8)> = decoded.image.components[..plan.factors.len()]
        .iter()
        .map(|c| (c.id, c.quant_slot))
        .collect();
    // An incompletely coded progressive image is block-smoothed as djpeg shows it.
    let smoothed = super::pixels::smoothed_coefficients(&file, &decoded, &Default::default());
    let full = source_pixels(
        smoothed.as_ref().unwrap_or(&decoded.image),
        color,
        grayscale,
    )?;
    drop(smoothed);
    drop(decoded);
    let px = if plan.orientation == Orientation::Identity
        && (plan.width, plan.height) == (full.width, full.height)
    {
        full
    } else {
        let t = transform_pixels(&full, plan);
        drop(full);
        t?
    };
    let coeffs = encode_like(&px, &plan.factors, tables, &like, &mut warnings)?;
    drop(px);
    let followed = edit.map(|opts| {
        let edit = Edit {
            output: (plan.width, plan.height),
            // The pixel path writes gray or Y'CbCr.
            color: Some(match coeffs.components.len() {
                1 => ColorSpace::Gray,
                _ => ColorSpace::YCbCr,
            }),
            region: Some(plan.region),
            ..Edit::of(&file, opts, source)
        };
        thumbnail::followed(&edit, &Blocks::Dense(&coeffs), &mut warnings)
    });
    let enc = EncodeOptions {
        mode,
        huffman: output.huffman,
        restart_interval: restart_interval(output, restart, &coeffs)?,
        restart_rows: super::restart_rows(output, None),
        scan_script: None,
        // The pixel path writes gray or YCbCr only, which libjpeg numbers so.
        table_numbering: entropy::TableNumbering::LumaChroma,
        threads: output.threads,
    };
    let coded = entropy::encode_owned(coeffs, &enc)?;
    Ok((coded, warnings, file, followed.unwrap_or_default()))
}

/// The tables of the lossless output of `plan`: the source's, transposed when the plan
/// transposes (T.81 A.3.4: table entry k scales coefficient k), as `transform::finish`
/// sets them.
fn lossless_tables(img: &CoefficientImage, plan: &Plan) -> Vec<QuantTable> {
    let t = plan.orientation.parts().0;
    img.components[..plan.factors.len()]
        .iter()
        .map(|c| {
            let mut q = c.quant;
            if t {
                q.values = std::array::from_fn(|k| c.quant.values[(k % 8) * 8 + k / 8]);
            }
            q
        })
        .collect()
}

/// The pixel-path counterpart of [`super::transform`]: the same plan (size, region, edge
/// policy, crop snapping), the pixels transformed truly, encoded with the lossless
/// output's tables and sampling; metadata, coding mode and restart interval as the
/// lossless transform writes them.
pub fn transform(data: &[u8], opts: &TransformOptions) -> Result<Transformed> {
    let src = open(data, &opts.output)?;
    let img = &src.decoded.image;
    let factors: Vec<(u8, u8)> = img.components.iter().map(|c| (c.h, c.v)).collect();
    let plan = transform::plan(img.width, img.height, &factors, &opts.request)?;
    if plan.placed != (None, None) {
        return Err(Error::BadRequest(
            "a crop larger than the image (which expands it) is lossless only; leave out --via-pixels".into(),
        ));
    }
    let tables = lossless_tables(img, &plan);
    let source_size = (img.width, img.height);
    let (coded, mut warnings, file, mut edits) =
        reencode(src, &plan, Some(opts), &tables, &opts.output)?;
    if (plan.width, plan.height) != source_size {
        edits.exif.dimensions = Some((plan.width, plan.height));
    }
    if opts.reset_orientation {
        edits.exif.orientation = Some(1);
    }
    let keeps_jumbf = opts.output.keep.keeps(MetaClass::Jumbf);
    if keeps_jumbf && file.segments().any(|s| classify(s) == MetaClass::Jumbf) {
        warnings.push(Warning {
            offset: None,
            mcu: None,
            kind: WarningKind::Other(
                "C2PA/JUMBF manifest kept, but its signature no longer matches the changed image"
                    .into(),
            ),
        });
    }
    let bytes = assemble(&file, opts.output.keep, &coded, &edits);
    Ok(Transformed {
        output: Output { bytes, warnings },
        plan,
    })
}

/// The pixel-path counterpart of [`super::auto_orient`]: the Exif Orientation applied to
/// the pixels, and set to 1.
pub fn auto_orient(data: &[u8], opts: &TransformOptions) -> Result<Transformed> {
    transform(data, &super::transform::upright_options(data, opts)?)
}

/// Decode → encode with other tables: `tables` gives one table per component of the
/// input (the coefficient image is passed to it). Sampling, metadata, coding mode and
/// restart interval are kept as the coefficient-domain requantization keeps them.
pub fn requantize(
    data: &[u8],
    output: &CopyOptions,
    tables: impl FnOnce(&CoefficientImage) -> Result<Vec<QuantTable>>,
) -> Result<Output> {
    let src = open(data, output)?;
    let img = &src.decoded.image;
    let factors: Vec<(u8, u8)> = img.components.iter().map(|c| (c.h, c.v)).collect();
    let plan = transform::plan(img.width, img.height, &factors, &Request::default())?;
    let tables = tables(img)?;
    let (coded, warnings, file, _) = reencode(src, &plan, None, &tables, output)?;
    Ok(Output {
        bytes: assemble(&file, output.keep, &coded, &MetaEdits::default()),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transform::{CropSpec, EdgePolicy};

    const F420: &[(u8, u8)] = &[(2, 2), (1, 1), (1, 1)];

    fn plan_of(o: Orientation, crop: Option<&str>, edge: EdgePolicy) -> Plan {
        let req = Request {
            orientation: o,
            crop: crop.map(|c| CropSpec::parse(c).unwrap()),
            edge,
            grayscale: false,
        };
        transform::plan(227, 149, F420, &req).unwrap()
    }

    #[test]
    fn trimmed_mirror_shows_the_lossless_source_pixels() {
        // 227 = 14 whole iMCUs of 16 + 3: the trimmed flip shows source columns 0..224.
        let p = plan_of(Orientation::FlipH, None, EdgePolicy::Trim);
        assert_eq!(
            source_rect(&p, 227, 149),
            Rect {
                x: 0,
                y: 0,
                width: 224,
                height: 149
            }
        );
    }

    #[test]
    fn default_edge_policy_is_the_true_mirror() {
        let p = plan_of(Orientation::Rot180, None, EdgePolicy::Keep);
        assert_eq!(
            source_rect(&p, 227, 149),
            Rect {
                x: 0,
                y: 0,
                width: 227,
                height: 149
            }
        );
    }

    #[test]
    fn crop_inside_whole_imcus_follows_the_lossless_walk() {
        // Rotate 90: the transformed x axis is the source's y axis reversed; 149 rows =
        // 9 whole iMCUs (144) + 5. Output columns 16..48 show source rows 96..128.
        let p = plan_of(Orientation::Rot90, Some("32x20+16+0"), EdgePolicy::Keep);
        assert_eq!((p.region.x, p.width), (16, 32));
        let r = source_rect(&p, 227, 149);
        assert_eq!((r.y, r.height), (144 - 16 - 32, 32));
        assert_eq!((r.x, r.width), (0, p.height));
    }

    #[test]
    fn sampling_ratios() {
        assert_eq!(sampling_for(F420), Some(Sampling::S420));
        assert_eq!(
            sampling_for(&[(2, 2), (2, 2), (2, 2)]),
            Some(Sampling::S444)
        );
        assert_eq!(
            sampling_for(&[(1, 2), (1, 1), (1, 1)]),
            Some(Sampling::S440)
        );
        assert_eq!(
            sampling_for(&[(4, 1), (1, 1), (1, 1)]),
            Some(Sampling::Custom([(4, 1), (1, 1), (1, 1)]))
        );
        assert_eq!(
            sampling_for(&[(4, 2), (2, 2), (4, 2)]),
            Some(Sampling::Custom([(2, 1), (1, 1), (2, 1)]))
        );
        assert_eq!(sampling_for(&[(3, 1), (2, 1), (1, 1)]), None);
        assert_eq!(sampling_for(&[(0, 1), (0, 1), (0, 1)]), None);
    }
}
