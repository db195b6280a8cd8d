//! Orientation changes and crops of a lossless (SOF3) frame's samples: exact at any
//! pixel, since there are no blocks to keep whole.

use super::{Orientation, Rect};
use crate::coeffs::samples::{SampleImage, SamplePlane};
use crate::error::{Error, Result};

/// `img` turned by `orientation`, then cut to `region` (in turned coordinates), its
/// first component alone when `grayscale`. Every component must be full size.
pub fn transform_samples(
    img: &SampleImage,
    orientation: Orientation,
    region: Rect,
    grayscale: bool,
) -> Result<SampleImage> {
    if img
        .components
        .iter()
        .any(|c| c.h != img.components[0].h || c.v != img.components[0].v)
    {
        return Err(Error::unsupported(
            "transforms of subsampled lossless images",
            None,
        ));
    }
    let (t, fx, fy) = orientation.parts();
    let (w, h) = (img.width as usize, img.height as usize);
    let (tw, th) = if t { (h, w) } else { (w, h) };
    let (rx, ry) = (region.x as usize, region.y as usize);
    let (rw, rh) = (region.width as usize, region.height as usize);
    if rw == 0 || rh == 0 || rx + rw > tw || ry + rh > th {
        return Err(Error::BadRequest(format!(
            "crop {rw}x{rh}+{rx}+{ry} does not lie within the {tw}x{th} image"
        )));
    }
    let keep = if grayscale { 1 } else { img.components.len() };
    let components = img.components[..keep]
        .iter()
        .map(|c| {
            let mut samples = Vec::with_capacity(rw * rh);
            for y in ry..ry + rh {
                for x in rx..rx + rw {
                    // Undo the mirrors, then the transposition.
                    let (x1, y1) = (
                        if fx { tw - 1 - x } else { x },
                        if fy { th - 1 - y } else { y },
                    );
                    let (sx, sy) = if t { (y1, x1) } else { (x1, y1) };
                    samples.push(c.samples[sy * c.stride + sx]);
                }
            }
            SamplePlane {
                width: rw,
                height: rh,
                stride: rw,
                samples,
                ..c.clone()
            }
        })
        .collect();
    Ok(SampleImage {
        width: rw as u32,
        height: rh as u32,
        precision: img.precision,
        components,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transform::ALL_ORIENTATIONS;

    fn image(w: usize, h: usize) -> SampleImage {
        SampleImage {
            width: w as u32,
            height: h as u32,
            precision: 16,
            components: vec![SamplePlane {
                id: 1,
                h: 1,
                v: 1,
                width: w,
                height: h,
                stride: w,
                samples: (0..w * h).map(|i| i as u16).collect(),
            }],
        }
    }

    fn whole(img: &SampleImage, o: Orientation) -> Rect {
        let (w, h) = (img.width, img.height);
        let (w, h) = if o.swaps_axes() { (h, w) } else { (w, h) };
        Rect {
            x: 0,
            y: 0,
            width: w,
            height: h,
        }
    }

    #[test]
    fn rotations_compose_as_the_group() {
        let img = image(5, 3);
        let turn = |i: &SampleImage, o| transform_samples(i, o, whole(i, o), false).unwrap();
        let r90 = turn(&img, Orientation::Rot90);
        assert_eq!((r90.width, r90.height), (3, 5));
        // The top row of a 90° clockwise turn is the left column, read upwards.
        assert_eq!(&r90.components[0].samples[..3], &[10, 5, 0]);
        assert_eq!(
            turn(&turn(&r90, Orientation::Rot90), Orientation::Rot180),
            img
        );
        for o in ALL_ORIENTATIONS {
            // Each is its own inverse, or its inverse is the opposite turn.
            let back = match o {
                Orientation::Rot90 => Orientation::Rot270,
                Orientation::Rot270 => Orientation::Rot90,
                x => x,
            };
            assert_eq!(turn(&turn(&img, o), back), img, "{o:?}");
        }
    }

    #[test]
    fn crops_are_exact_and_bounded() {
        let img = image(5, 3);
        let r = Rect {
            x: 1,
            y: 1,
            width: 3,
            height: 2,
        };
        let c = transform_samples(&img, Orientation::Identity, r, false).unwrap();
        assert_eq!(c.components[0].samples, vec![6, 7, 8, 11, 12, 13]);
        let too_wide = Rect {
            x: 3,
            y: 0,
            width: 3,
            height: 1,
        };
        assert!(transform_samples(&img, Orientation::Identity, too_wide, false).is_err());
    }
}
