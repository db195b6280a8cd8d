//! Decoding for a transform: only what the plan needs, straight into place.
//!
//! A plan reads each source block at most once and writes it to one output position
//! (its block map is separable and one-to-one), so the decoder can store every block
//! where it ends up ([`entropy::decode_placed`]). The output image is then the only
//! coefficient image in memory: a rotation needs half of what decode-then-apply needs,
//! and a crop holds only its own blocks. A crop also stops entropy decoding after the
//! last MCU it needs and, in scans with restart markers, starts at the interval that
//! holds its first block. The output is the one `transform::apply` makes from a full
//! decode, coefficient for coefficient (tests below and in `region_tests.rs`).
//!
//! When the plan cannot be made from the frame header alone (no frame, height from
//! DNL, a request the plan refuses), the full decode runs and the pipeline reports
//! errors in its usual order.

use crate::coeffs::{CoefficientImage, Geometry};
use crate::container::{parse_frame, FrameHeader, JpegFile};
use crate::entropy::{self, Decoded, Limits, PlacedComponent, PlacedImage, Placement};
use crate::error::Result;
use crate::transform::{self, Plan, Request};

/// A transform's output decoded in place, and the plan it was made for.
pub(super) struct Direct {
    plan: Plan,
    image: PlacedImage,
}

/// Decodes all of `file` for `copy`: packed in place when `packed` and the frame is
/// sequential with a layout a plan keeps, else a full decode and `None` (the full
/// decode is the faster one for dense output). A plan gives a one-component image 1×1
/// sampling, as jpegtran writes it; `copy` keeps the factors the frame has.
pub(super) fn decode_all(
    file: &JpegFile,
    limits: &Limits,
    packed: bool,
    threads: usize,
) -> Result<(Decoded, Option<PlacedImage>)> {
    let packable = frame(file).is_some_and(|h| {
        !h.marker.is_progressive_sof()
            && (h.components.len() > 1 || h.components.iter().all(|c| (c.h, c.v) == (1, 1)))
    });
    if !(packed && packable) {
        return Ok((entropy::decode_threaded(file, limits, threads)?, None));
    }
    let (decoded, direct) = decode(file, &Request::default(), limits, true)?;
    Ok((decoded, direct.map(|d| d.image)))
}

/// Decodes `file` for `request`. With a plan made from the frame header, the output is
/// decoded in place (its blocks packed when `packed` and the frame is sequential) and
/// the returned image has the frame's components and tables but empty planes;
/// otherwise it is a full decode and `None`.
pub(super) fn decode(
    file: &JpegFile,
    request: &Request,
    limits: &Limits,
    packed: bool,
) -> Result<(Decoded, Option<Direct>)> {
    let Some((plan, placement)) = placement(file, request) else {
        return Ok((entropy::decode(file, limits)?, None));
    };
    let (decoded, image) = if packed {
        entropy::decode_placed_packed(file, limits, &placement)?
    } else {
        let (d, image) = entropy::decode_placed(file, limits, &placement)?;
        (d, PlacedImage::Dense(image))
    };
    let image = match image {
        PlacedImage::Dense(mut image) => {
            transform::finish(&mut image, &decoded.image, &plan);
            PlacedImage::Dense(image)
        }
        PlacedImage::Packed(mut image, mut planes) => {
            transform::finish_packed(&mut image, &mut planes, &decoded.image, &plan);
            PlacedImage::Packed(image, planes)
        }
    };
    Ok((decoded, Some(Direct { plan, image })))
}

/// The output of `plan`: the image decoded in place, or `transform::apply` of `source`
/// (a full decode). A direct decode made for another plan cannot happen (both plans come
/// from the same frame header and request); it is answered with a full decode.
pub(super) fn apply(
    file: &JpegFile,
    limits: &Limits,
    source: &CoefficientImage,
    plan: &Plan,
    direct: Option<Direct>,
) -> Result<PlacedImage> {
    match direct {
        Some(d) if d.plan == *plan => Ok(d.image),
        Some(_) => Ok(PlacedImage::Dense(transform::apply(
            &entropy::decode(file, limits)?.image,
            plan,
        ))),
        None => Ok(PlacedImage::Dense(transform::apply(source, plan))),
    }
}

/// The frame header the decoder will use, when it is one a placement can handle.
fn frame(file: &JpegFile) -> Option<FrameHeader> {
    let seg = file.segments().find(|s| s.marker.is_sof())?;
    let header = parse_frame(seg).ok()?;
    let supported = (0xC0..=0xC2).contains(&seg.marker.0)
        && header.precision == 8
        && header.height != 0
        && (1..=4).contains(&header.components.len());
    supported.then_some(header)
}

/// The plan for `request` and where it puts each source block.
fn placement(file: &JpegFile, request: &Request) -> Option<(Plan, Placement)> {
    let header = frame(file)?;
    let (w, h) = (header.width as u32, header.height as u32);
    let factors: Vec<(u8, u8)> = header.components.iter().map(|c| (c.h, c.v)).collect();
    let plan = transform::plan(w, h, &factors, request).ok()?;
    if plan.extend != transform::Extend::Zero {
        // Blocks copied beside the image: not a one-to-one map.
        return None;
    }
    let placement = placement_for(&plan, w, h, &factors);
    Some((plan, placement))
}

/// Inverts the plan's output → source block map (`transform::block_axes`) into the
/// source → output map the decoder follows. Source positions outside the source planes
/// are left out: `apply` reads zero blocks there, and so does the placed output.
fn placement_for(plan: &Plan, w: u32, h: u32, factors: &[(u8, u8)]) -> Placement {
    let t = plan.orientation.parts().0;
    let sg = Geometry::new(w, h, factors);
    let components = (0..plan.factors.len())
        .map(|ci| {
            let (xs, ys) = transform::block_axes(plan, ci);
            let (pw, ph) = sg.padded_blocks(ci);
            let mut cols = vec![None; pw];
            let mut rows = vec![None; ph];
            // Source block of output (bx, by): (xs[bx], ys[by]), swapped when transposing.
            let (to_cols, to_rows) = if t { (&ys, &xs) } else { (&xs, &ys) };
            for (out, &(src, mirrored)) in to_cols.iter().enumerate() {
                if let Some(e) = cols.get_mut(src) {
                    *e = Some((out, mirrored));
                }
            }
            for (out, &(src, mirrored)) in to_rows.iter().enumerate() {
                if let Some(e) = rows.get_mut(src) {
                    *e = Some((out, mirrored));
                }
            }
            PlacedComponent {
                source: ci,
                h: plan.factors[ci].0,
                v: plan.factors[ci].1,
                cols,
                rows,
            }
        })
        .collect();
    Placement {
        source_width: w,
        source_height: h,
        width: plan.width,
        height: plan.height,
        transpose: t,
        components,
    }
}

#[cfg(test)]
#[path = "region_tests.rs"]
mod tests;
