//! Wiping a region (jpegtran -wipe): every block of the iMCUs the region touches is set
//! to zero, which decodes to mid-gray (the DC level shift of T.81 A.3.1 makes a zero DC
//! 128); every other block is left as it was, so the rest of the image loses nothing.

use super::plan::{crop_axis, CropOffset, CropSpec};
use crate::error::{Error, Result};

/// The blocks one component loses: columns `x0..x1`, rows `y0..y1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockRect {
    pub x0: usize,
    pub y0: usize,
    pub x1: usize,
    pub y1: usize,
}

/// The block rectangle of each component (sampling `factors`) that wiping `spec` from
/// a `width`×`height` image zeroes: the region widened outward to whole iMCUs, as
/// jpegtran snaps it (its corner down and left, its far edges up and right). The
/// region must lie inside the image.
pub fn wipe_plan(
    width: u32,
    height: u32,
    factors: &[(u8, u8)],
    spec: &CropSpec,
) -> Result<Vec<BlockRect>> {
    if factors.is_empty() || width == 0 || height == 0 {
        return Err(Error::BadRequest("image has no components".into()));
    }
    let (iw, ih) = imcu_size(factors);
    let span = |full: u32, imcu: u32, off, size, what| -> Result<(u32, u32)> {
        let (start, snapped) =
            crop_axis(full, imcu, Some((off, size, false)), what).map_err(|_| {
                Error::BadRequest(format!("wipe region outside the image ({what} {full})"))
            })?;
        let first = start / imcu;
        let end = (first * imcu + snapped).div_ceil(imcu);
        Ok((first, end.min(full.div_ceil(imcu))))
    };
    let cols = span(width, iw, spec.x, spec.width, "width")?;
    let rows = span(height, ih, spec.y, spec.height, "height")?;
    Ok(imcu_blocks(factors, cols, rows))
}

/// The iMCU in pixels. One component is coded one block per MCU whatever its factors
/// (T.81 A.2.2): its iMCU is a block.
pub(super) fn imcu_size(factors: &[(u8, u8)]) -> (u32, u32) {
    if factors.len() <= 1 {
        return (8, 8);
    }
    let hmax = factors.iter().map(|f| f.0 as u32).max().unwrap_or(1).max(1);
    let vmax = factors.iter().map(|f| f.1 as u32).max().unwrap_or(1).max(1);
    (8 * hmax, 8 * vmax)
}

/// Each component's blocks of iMCU columns `cols.0..cols.1` and rows `rows.0..rows.1`
/// (sampling `factors`; a single component has a block per iMCU, see [`imcu_size`]).
pub(super) fn imcu_blocks(
    factors: &[(u8, u8)],
    cols: (u32, u32),
    rows: (u32, u32),
) -> Vec<BlockRect> {
    let single = factors.len() == 1;
    factors
        .iter()
        .map(|&(h, v)| {
            let (h, v) = if single {
                (1, 1)
            } else {
                (h as usize, v as usize)
            };
            BlockRect {
                x0: cols.0 as usize * h,
                y0: rows.0 as usize * v,
                x1: cols.1 as usize * h,
                y1: rows.1 as usize * v,
            }
        })
        .collect()
}

/// `region` of an image of `from` pixels in the same image at `to` pixels (an Exif
/// thumbnail): the edges scaled outward (floor of the corner, ceiling of the far
/// edge), offsets from the start; `None` when the region is outside `from`.
pub fn scale_region(region: &CropSpec, from: (u32, u32), to: (u32, u32)) -> Option<CropSpec> {
    let axis = |off, size, full: u32, t: u32| -> Option<(u32, u32)> {
        // An iMCU of one pixel: the region as given, resolved against the edge.
        let (start, size) = crop_axis(full, 1, Some((off, size, false)), "").ok()?;
        let (s, e, full, t) = (start as u64, (start + size) as u64, full as u64, t as u64);
        let a = (s * t / full) as u32;
        let b = (e * t).div_ceil(full).min(t) as u32;
        (b > a).then_some((a, b - a))
    };
    let (x, w) = axis(region.x, region.width, from.0, to.0)?;
    let (y, h) = axis(region.y, region.height, from.1, to.1)?;
    let at = |value| CropOffset {
        value,
        from_end: false,
    };
    Some(CropSpec {
        x: at(x),
        y: at(y),
        width: Some(w),
        height: Some(h),
        ..CropSpec::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_scale_outward() {
        let r = CropSpec::parse("100x50+600+470").unwrap();
        let s = scale_region(&r, (1000, 600), (160, 96)).unwrap();
        assert_eq!(
            (s.x.value, s.y.value, s.width, s.height),
            (96, 75, Some(16), Some(9))
        );
        let r = CropSpec::parse("10x10-0-0").unwrap();
        let s = scale_region(&r, (100, 100), (10, 10)).unwrap();
        assert_eq!((s.x.value, s.width), (9, Some(1)));
        assert!(scale_region(&r, (5, 5), (10, 10)).is_none());
    }

    fn spec(g: &str) -> CropSpec {
        CropSpec::parse(g).unwrap()
    }

    /// The blocks jpegtran 2.1.5 zeroes, read from its output (640×480 4:2:0 and
    /// 67×45 4:2:0 and 33×17 4:4:4 files).
    #[test]
    fn regions_snap_outward_as_jpegtran_snaps_them() {
        let f420 = [(2, 2), (1, 1), (1, 1)];
        let r = wipe_plan(640, 480, &f420, &spec("17x9+40+33")).unwrap();
        assert_eq!((r[0].x0, r[0].x1, r[0].y0, r[0].y1), (4, 8, 4, 6));
        assert_eq!((r[1].x0, r[1].x1, r[1].y0, r[1].y1), (2, 4, 2, 3));
        let r = wipe_plan(640, 480, &f420, &spec("1x1+0+0")).unwrap();
        assert_eq!((r[0].x1, r[0].y1, r[2].x1, r[2].y1), (2, 2, 1, 1));
        let r = wipe_plan(67, 45, &f420, &spec("10x10+57+35")).unwrap();
        assert_eq!((r[0].x0, r[0].x1, r[0].y0, r[0].y1), (6, 10, 4, 6));
        let r = wipe_plan(33, 17, &[(1, 1); 3], &spec("3x3+30+14")).unwrap();
        assert_eq!((r[1].x0, r[1].x1, r[1].y0, r[1].y1), (3, 5, 1, 3));
        let r = wipe_plan(67, 45, &f420, &spec("+0+0")).unwrap();
        assert_eq!((r[0].x1, r[0].y1), (10, 6));
        // One component: block-sized iMCUs whatever its sampling factors.
        let r = wipe_plan(16, 24, &[(2, 2)], &spec("5x8+5+8")).unwrap();
        assert_eq!((r[0].x0, r[0].x1, r[0].y0, r[0].y1), (0, 2, 1, 2));
    }

    #[test]
    fn regions_outside_the_image_are_refused() {
        let f = [(1, 1)];
        for g in ["100x50+600+470", "10x10+631+0", "641x1+0+0", "+640+0"] {
            assert!(wipe_plan(640, 480, &f, &spec(g)).is_err(), "{g}");
        }
    }
}
