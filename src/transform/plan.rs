//! Turning a transform request into a [`Plan`] before any coefficient moves, with
//! jpegtran's geometry (libjpeg-turbo transupp semantics, re-derived):
//!
//! * The iMCU (the unit a lossless edit can move) is Hmax·8 × Vmax·8 pixels, or 8 × 8 when
//!   the output has one component; axes swap for transposing orientations.
//! * The right and bottom edges may hold a partial iMCU. It cannot be mirrored (the top and
//!   left edges cannot be padded), so a mirrored axis leaves its partial iMCU in place
//!   ([`EdgePolicy::Keep`]), drops it ([`EdgePolicy::Trim`]), or refuses
//!   ([`EdgePolicy::Perfect`]).
//! * A crop is given in output coordinates. Its top-left corner snaps up/left to an iMCU
//!   boundary and the size grows so the bottom-right corner stays, unless forced.
//! * A crop larger than the image expands it: the image's whole iMCUs go at the offset,
//!   the rest is gray, or beside the image its edge colour or its mirror images.

use super::orientation::Orientation;
use crate::error::{Error, Result};

/// What to do with partial iMCUs on a mirrored axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EdgePolicy {
    /// Leave them untransformed in place (jpegtran's default).
    #[default]
    Keep,
    /// Drop them (jpegtran -trim).
    Trim,
    /// Refuse the transform when there are any (jpegtran -perfect).
    Perfect,
}

/// One crop offset: pixels from the left/top, or from the right/bottom edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CropOffset {
    /// Distance in pixels.
    pub value: u32,
    /// Counted from the right or bottom edge (jpegtran's `-X` / `-Y`).
    pub from_end: bool,
}

/// A crop request in jpegtran's `WxH+X+Y` terms, in output (transformed) coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CropSpec {
    /// Horizontal offset.
    pub x: CropOffset,
    /// Vertical offset.
    pub y: CropOffset,
    /// Width; `None` is the rest of the image.
    pub width: Option<u32>,
    /// Height; `None` is the rest of the image.
    pub height: Option<u32>,
    /// Keep exactly `width` after snapping the corner (jpegtran's `Wf`).
    pub force_width: bool,
    /// Keep exactly `height` after snapping the corner (jpegtran's `Hf`).
    pub force_height: bool,
    /// jpegtran's `Wr`: when the crop is wider than the image, fill the sides with
    /// mirror images of it. (`Hr` is read and, as in jpegtran, changes nothing.)
    pub reflect_width: bool,
}

/// What fills the columns beside the image when a crop is wider than it
/// (libjpeg-turbo 2.1 transupp's extension modes; rows above and below are always
/// gray).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Extend {
    /// Gray: zero blocks.
    #[default]
    Zero,
    /// Each row's edge block's DC value with no AC (`Wf`): the edge colour, flat.
    Flat,
    /// Repeated mirror images of the image's whole iMCUs (`Wr`).
    Reflect,
}

impl CropSpec {
    /// Parses jpegtran's geometry: `WxH+X+Y`, `WxH`, `+X+Y`, with optional `f` after W
    /// or H (force the size) and `-X`/`-Y` offsets from the right/bottom edge.
    pub fn parse(s: &str) -> Option<CropSpec> {
        let mut spec = CropSpec::default();
        let split = s.find(['+', '-']).unwrap_or(s.len());
        let (size, offsets) = s.split_at(split);
        if !size.is_empty() {
            let (w, h) = size.split_once(['x', 'X'])?;
            (spec.width, spec.force_width, spec.reflect_width) = parse_dim(w)?;
            (spec.height, spec.force_height, _) = parse_dim(h)?;
        }
        if !offsets.is_empty() {
            let rest = &offsets[1..];
            let k = rest.find(['+', '-'])?;
            spec.x = CropOffset {
                value: rest[..k].parse().ok()?,
                from_end: offsets.starts_with('-'),
            };
            spec.y = CropOffset {
                value: rest[k + 1..].parse().ok()?,
                from_end: rest[k..].starts_with('-'),
            };
        }
        Some(spec)
    }
}

/// A size with its optional suffix: (size, `f`, `r`).
fn parse_dim(s: &str) -> Option<(Option<u32>, bool, bool)> {
    let (num, force, reflect) = match (s.strip_suffix(['f', 'F']), s.strip_suffix(['r', 'R'])) {
        (Some(n), _) => (n, true, false),
        (_, Some(n)) => (n, false, true),
        _ => (s, false, false),
    };
    let v: u32 = num.parse().ok()?;
    (v > 0).then_some((Some(v), force, reflect))
}

/// A full transform request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    /// The orientation change.
    pub orientation: Orientation,
    /// An optional crop, in output coordinates.
    pub crop: Option<CropSpec>,
    /// Partial-iMCU policy on mirrored axes.
    pub edge: EdgePolicy,
    /// Keep only the first (luminance) component.
    pub grayscale: bool,
}

impl Default for Request {
    fn default() -> Self {
        Request {
            orientation: Orientation::Identity,
            crop: None,
            edge: EdgePolicy::Keep,
            grayscale: false,
        }
    }
}

/// A rectangle in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Rect {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

/// Everything the coefficient walk needs, decided up front.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The orientation change.
    pub orientation: Orientation,
    /// Output size in pixels.
    pub width: u32,
    /// Output size in pixels.
    pub height: u32,
    /// The region of the transformed image that is written (its corner is on the iMCU grid).
    pub region: Rect,
    /// iMCU size in the transformed image, pixels.
    pub imcu: (u32, u32),
    /// Crop offset in iMCUs of the transformed image.
    pub offset_imcus: (usize, usize),
    /// Whole iMCUs along each axis of the transformed image: the part a mirror can move.
    pub full_imcus: (usize, usize),
    /// Per axis, where the transformed image's whole iMCUs go in an output larger than
    /// the image (jpegtran's crop that expands the canvas), in iMCUs; `None` for an
    /// axis that is cropped (or kept) as usual.
    pub placed: (Option<usize>, Option<usize>),
    /// What fills the columns beside an image placed in a wider output.
    pub extend: Extend,
    /// Sampling factors of the output components (one entry per kept component).
    pub factors: Vec<(u8, u8)>,
}

/// Plans `req` for an image of `width` × `height` with these sampling factors.
pub fn plan(width: u32, height: u32, factors: &[(u8, u8)], req: &Request) -> Result<Plan> {
    let max_h = factors.iter().map(|f| f.0).max().unwrap_or(1) as u32;
    let max_v = factors.iter().map(|f| f.1).max().unwrap_or(1) as u32;
    if req.grayscale && factors[0] != (max_h as u8, max_v as u8) {
        return Err(Error::BadRequest(
            "grayscale needs a full-resolution first component".into(),
        ));
    }
    let single = req.grayscale || factors.len() == 1;
    let (t, fx, fy) = req.orientation.parts();
    let (tw, th) = if t { (height, width) } else { (width, height) };
    let imcu = match (single, t) {
        (true, _) => (8, 8),
        (false, false) => (8 * max_h, 8 * max_v),
        (false, true) => (8 * max_v, 8 * max_h),
    };
    if req.edge == EdgePolicy::Perfect && (fx && tw % imcu.0 != 0 || fy && th % imcu.1 != 0) {
        return Err(Error::BadRequest(format!(
            "{} of a {width}x{height} image is not perfect: partial iMCUs at the edge (iMCU {}x{})",
            req.orientation.name(),
            imcu.0,
            imcu.1
        )));
    }
    let (x, w, px) = axis_plan(
        tw,
        imcu.0,
        req.crop.map(|c| (c.x, c.width, c.force_width)),
        "width",
    )?;
    let (y, h, py) = axis_plan(
        th,
        imcu.1,
        req.crop.map(|c| (c.y, c.height, c.force_height)),
        "height",
    )?;
    let (mut out_w, mut out_h) = (w, h);
    let offset = ((x / imcu.0) as usize, (y / imcu.1) as usize);
    let full = ((tw / imcu.0) as usize, (th / imcu.1) as usize);
    if req.edge == EdgePolicy::Trim {
        // Dropped only when the region reaches into the partial iMCU of a mirrored axis.
        if fx && px.is_none() {
            out_w = trim(out_w, imcu.0, offset.0, full.0);
        }
        if fy && py.is_none() {
            out_h = trim(out_h, imcu.1, offset.1, full.1);
        }
    }
    let kept: Vec<(u8, u8)> = if single {
        vec![(1, 1)]
    } else {
        factors.to_vec()
    };
    let factors = kept
        .iter()
        .map(|&(h, v)| if t { (v, h) } else { (h, v) })
        .collect();
    // An expanded axis shows the image's whole iMCUs.
    let region = Rect {
        x: offset.0 as u32 * imcu.0,
        y: offset.1 as u32 * imcu.1,
        width: px.map_or(out_w, |_| full.0 as u32 * imcu.0),
        height: py.map_or(out_h, |_| full.1 as u32 * imcu.1),
    };
    Ok(Plan {
        orientation: req.orientation,
        width: out_w,
        height: out_h,
        region,
        imcu,
        offset_imcus: offset,
        full_imcus: full,
        placed: (px, py),
        extend: match req.crop {
            Some(c) if px.is_some() && c.force_width => Extend::Flat,
            Some(c) if px.is_some() && c.reflect_width => Extend::Reflect,
            _ => Extend::Zero,
        },
        factors,
    })
}

/// One axis of a crop as jpegtran (libjpeg-turbo 2.1) plans it: returns the offset
/// before snapping, the output size, and where the image goes when the size asked for
/// is larger than the image's. Then the output has that size, the offset (which must
/// leave room for the image) is where the image is put, rounded down to the iMCU grid,
/// and only the image's whole iMCUs are shown: the rest is gray (zero blocks).
fn axis_plan(
    full: u32,
    imcu: u32,
    spec: Option<(CropOffset, Option<u32>, bool)>,
    what: &str,
) -> Result<(u32, u32, Option<usize>)> {
    match spec {
        Some((off, Some(size), _)) if size > full => {
            let room = size - full;
            if off.value > room {
                return Err(Error::BadRequest(format!(
                    "the image ({what} {full}) does not fit at {} in the {size} asked for",
                    off.value
                )));
            }
            let at = if off.from_end {
                room - off.value
            } else {
                off.value
            };
            Ok((0, size, Some((at / imcu) as usize)))
        }
        _ => crop_axis(full, imcu, spec, what).map(|(start, size)| (start, size, None)),
    }
}

/// One axis of a crop: returns (offset before snapping, output size after snapping).
pub(super) fn crop_axis(
    full: u32,
    imcu: u32,
    spec: Option<(CropOffset, Option<u32>, bool)>,
    what: &str,
) -> Result<(u32, u32)> {
    let Some((off, size, force)) = spec else {
        return Ok((0, full));
    };
    let outside = || Error::BadRequest(format!("crop region outside the image ({what} {full})"));
    let size = match size {
        Some(s) if s == 0 || s > full => return Err(outside()),
        Some(s) => s,
        None if off.value >= full => return Err(outside()),
        None => full - off.value,
    };
    if off.value > full - size {
        return Err(outside());
    }
    let start = if off.from_end {
        full - size - off.value
    } else {
        off.value
    };
    Ok((start, if force { size } else { size + start % imcu }))
}

fn trim(size: u32, imcu: u32, offset: usize, full: usize) -> u32 {
    let whole = (size / imcu) as usize;
    if whole > 0 && offset + whole == full {
        whole as u32 * imcu
    } else {
        size
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Orientation::*;

    const F420: &[(u8, u8)] = &[(2, 2), (1, 1), (1, 1)];

    fn req(o: Orientation, crop: Option<&str>, edge: EdgePolicy) -> Request {
        Request {
            orientation: o,
            crop: crop.map(|c| CropSpec::parse(c).unwrap()),
            edge,
            grayscale: false,
        }
    }

    #[test]
    fn parses_jpegtran_geometry() {
        let c = CropSpec::parse("100fx50+3-5").unwrap();
        assert_eq!(
            (c.width, c.height, c.force_width, c.force_height),
            (Some(100), Some(50), true, false)
        );
        assert_eq!(
            (c.x.value, c.x.from_end, c.y.value, c.y.from_end),
            (3, false, 5, true)
        );
        let c = CropSpec::parse("+16+8").unwrap();
        assert_eq!((c.width, c.x.value, c.y.value), (None, 16, 8));
        assert!(CropSpec::parse("0x5+0+0").is_none());
        assert!(CropSpec::parse("axb").is_none());
        assert!(CropSpec::parse("10x10+1").is_none());
    }

    /// Sizes jpegtran 2.1.5 reports for crops of the 227x149 4:2:0 IJG test image.
    #[test]
    fn crop_sizes_match_jpegtran() {
        for (spec, w, h) in [
            ("100x50+0+0", 100, 50),
            ("100fx50+3+5", 100, 55),
            ("100x50f+3+5", 103, 50),
            ("100x50-3-5", 112, 64),
            ("+16+8", 211, 149),
        ] {
            let p = plan(227, 149, F420, &req(Identity, Some(spec), EdgePolicy::Keep)).unwrap();
            assert_eq!((p.width, p.height), (w, h), "{spec}");
        }
        assert!(plan(
            227,
            149,
            F420,
            &req(Identity, Some("100x50+300+0"), EdgePolicy::Keep)
        )
        .is_err());
    }

    /// A crop larger than the image expands it, as jpegtran 2.1.5 does: the output has
    /// the size asked for, the image's whole iMCUs sit at the offset rounded down to the
    /// iMCU grid, and the offset must leave room for the whole image.
    #[test]
    fn crops_larger_than_the_image_expand_it() {
        for (spec, size, placed) in [
            ("100x60+16+8", (100, 60), (Some(1), Some(0))),
            ("100x20+16+8", (100, 28), (Some(1), None)),
            ("50x60+8+8", (58, 60), (None, Some(0))),
            ("100x60+33+15", (100, 60), (Some(2), Some(0))),
            ("100x100-3-2", (100, 100), (Some(1), Some(3))),
        ] {
            let p = plan(67, 45, F420, &req(Identity, Some(spec), EdgePolicy::Keep)).unwrap();
            assert_eq!(((p.width, p.height), p.placed), (size, placed), "{spec}");
        }
        for spec in ["100x60+40+8", "100x60+20+20", "67x46+1+0"] {
            assert!(plan(67, 45, F420, &req(Identity, Some(spec), EdgePolicy::Keep)).is_err());
        }
        let p = plan(
            67,
            45,
            F420,
            &req(Identity, Some("100x60+16+8"), EdgePolicy::Keep),
        )
        .unwrap();
        let (xs, ys) = super::super::block_axes(&p, 0);
        assert_eq!(xs[1], (usize::MAX, false));
        assert_eq!(
            &xs[2..10],
            &(0..8).map(|t| (t, false)).collect::<Vec<_>>()[..]
        );
        assert_eq!(xs[10], (usize::MAX, false), "the partial iMCU is not shown");
        assert_eq!((ys[3], ys[4]), ((3, false), (usize::MAX, false)));
    }

    /// `Wr` and `Wf` choose what fills the sides, and only when the crop is wider than
    /// the image; `Hr` and `Hf` never do (as in jpegtran).
    #[test]
    fn suffixes_choose_the_side_fill() {
        for (spec, extend) in [
            ("100rx60+16+8", Extend::Reflect),
            ("100fx20+16+8", Extend::Flat),
            ("100x60r+16+8", Extend::Zero),
            ("50rx60f+8+8", Extend::Zero),
            ("60rx40+0+0", Extend::Zero),
        ] {
            let p = plan(67, 45, F420, &req(Identity, Some(spec), EdgePolicy::Keep)).unwrap();
            assert_eq!(p.extend, extend, "{spec}");
        }
        let c = CropSpec::parse("100rx50r").unwrap();
        assert!(c.reflect_width && !c.force_width && !c.force_height);
    }

    #[test]
    fn trim_and_perfect() {
        let p = plan(227, 149, F420, &req(Rot90, None, EdgePolicy::Trim)).unwrap();
        assert_eq!((p.width, p.height), (144, 227));
        let p = plan(227, 149, F420, &req(Rot180, None, EdgePolicy::Trim)).unwrap();
        assert_eq!((p.width, p.height), (224, 144));
        let p = plan(227, 149, F420, &req(Transpose, None, EdgePolicy::Perfect)).unwrap();
        assert_eq!((p.width, p.height), (149, 227));
        assert!(plan(227, 149, F420, &req(FlipH, None, EdgePolicy::Perfect)).is_err());
        assert!(plan(224, 149, F420, &req(FlipH, None, EdgePolicy::Perfect)).is_ok());
        assert!(plan(224, 149, F420, &req(Rot270, None, EdgePolicy::Perfect)).is_ok());
        assert!(plan(224, 149, F420, &req(Rot90, None, EdgePolicy::Perfect)).is_err());
    }

    #[test]
    fn transposing_swaps_factors_and_imcu() {
        let p = plan(
            100,
            50,
            &[(2, 1), (1, 1), (1, 1)],
            &req(Rot90, None, EdgePolicy::Keep),
        )
        .unwrap();
        assert_eq!(p.factors, vec![(1, 2), (1, 1), (1, 1)]);
        assert_eq!(p.imcu, (8, 16));
        assert_eq!((p.width, p.height), (50, 100));
        let g = Request {
            grayscale: true,
            ..req(Rot90, None, EdgePolicy::Keep)
        };
        let p = plan(100, 50, &[(2, 1), (1, 1), (1, 1)], &g).unwrap();
        assert_eq!((p.factors.clone(), p.imcu), (vec![(1, 1)], (8, 8)));
    }
}
