//! Geometric operations on decoded images: the eight orientations (the dihedral group of
//! the square) and crops, on interleaved 8-bit samples.
//!
//! These are the pixel counterparts of the lossless transforms: where a coefficient walk
//! cannot mirror a partial iMCU, a pixel mirror moves every pixel. Every orientation is
//! written as "transpose (or not), then mirror left-right (or not), then mirror
//! top-bottom (or not)", the same decomposition the coefficient layer uses, so the
//! caller can pass the parts of any orientation straight through.

use super::PixelImage;

/// Rows and columns per tile of [`orient`]: a transposing walk then reads a few source
/// rows at a time instead of striding through the whole image for every output row.
const TILE: usize = 32;

/// The image transposed (if `transpose`), then mirrored left-right (if `flip_x`), then
/// mirrored top-bottom (if `flip_y`). Width and height trade places when transposing.
pub fn orient(img: &PixelImage, transpose: bool, flip_x: bool, flip_y: bool) -> PixelImage {
    let (sw, sh) = (img.width as usize, img.height as usize);
    let (ow, oh) = if transpose { (sh, sw) } else { (sw, sh) };
    let ch = img.channels;
    let mut data = vec![0u8; ow * oh * ch];
    if ow == 0 || oh == 0 || img.data.len() < sw * sh * ch {
        return sized(ow, oh, ch, data);
    }
    let walk = Walk {
        sw,
        ow,
        oh,
        transpose,
        flip_x,
        flip_y,
    };
    // Pixels as fixed-size arrays for the usual channel counts: a copy of a known size
    // compiles to a move, not a call.
    match ch {
        1 => walk.run::<1>(&img.data, &mut data),
        3 => walk.run::<3>(&img.data, &mut data),
        4 => walk.run::<4>(&img.data, &mut data),
        _ => walk.run_any(ch, &img.data, &mut data),
    }
    sized(ow, oh, ch, data)
}

/// The output → source pixel map of [`orient`].
struct Walk {
    sw: usize,
    ow: usize,
    oh: usize,
    transpose: bool,
    flip_x: bool,
    flip_y: bool,
}

impl Walk {
    /// The source pixel index of output pixel (x, y): the transposed-image pixel with the
    /// mirrors undone, which is source (ay, ax) when transposing, else (ax, ay).
    #[inline]
    fn source(&self, x: usize, y: usize) -> usize {
        let ax = if self.flip_x { self.ow - 1 - x } else { x };
        let ay = if self.flip_y { self.oh - 1 - y } else { y };
        let (sx, sy) = if self.transpose { (ay, ax) } else { (ax, ay) };
        sy * self.sw + sx
    }

    fn run<const N: usize>(&self, src: &[u8], out: &mut [u8]) {
        for y0 in (0..self.oh).step_by(TILE) {
            for x0 in (0..self.ow).step_by(TILE) {
                for y in y0..(y0 + TILE).min(self.oh) {
                    let row = &mut out[y * self.ow * N..(y + 1) * self.ow * N];
                    let x1 = (x0 + TILE).min(self.ow);
                    for (x, d) in (x0..x1).zip(row[x0 * N..x1 * N].chunks_exact_mut(N)) {
                        let s = self.source(x, y) * N;
                        d.copy_from_slice(&src[s..s + N]);
                    }
                }
            }
        }
    }

    fn run_any(&self, ch: usize, src: &[u8], out: &mut [u8]) {
        for y in 0..self.oh {
            for x in 0..self.ow {
                let (s, d) = (self.source(x, y) * ch, (y * self.ow + x) * ch);
                out[d..d + ch].copy_from_slice(&src[s..s + ch]);
            }
        }
    }
}

fn sized(w: usize, h: usize, channels: usize, data: Vec<u8>) -> PixelImage {
    PixelImage {
        width: w as u32,
        height: h as u32,
        channels,
        data,
    }
}

/// Mirror about the main diagonal.
pub fn transpose(img: &PixelImage) -> PixelImage {
    orient(img, true, false, false)
}

/// Mirror about the anti-diagonal.
pub fn transverse(img: &PixelImage) -> PixelImage {
    orient(img, true, true, true)
}

/// Mirror left-right.
pub fn flip_h(img: &PixelImage) -> PixelImage {
    orient(img, false, true, false)
}

/// Mirror top-bottom.
pub fn flip_v(img: &PixelImage) -> PixelImage {
    orient(img, false, false, true)
}

/// Rotate 90° clockwise.
pub fn rotate90(img: &PixelImage) -> PixelImage {
    orient(img, true, true, false)
}

/// Rotate 180°.
pub fn rotate180(img: &PixelImage) -> PixelImage {
    orient(img, false, true, true)
}

/// Rotate 270° clockwise.
pub fn rotate270(img: &PixelImage) -> PixelImage {
    orient(img, true, false, true)
}

/// The `width` × `height` region whose top-left pixel is (`x`, `y`), clipped to the
/// image (an empty image when the region lies outside it).
pub fn crop(img: &PixelImage, x: u32, y: u32, width: u32, height: u32) -> PixelImage {
    let x = x.min(img.width);
    let y = y.min(img.height);
    let w = width.min(img.width - x) as usize;
    let h = height.min(img.height - y) as usize;
    let ch = img.channels;
    let stride = img.width as usize * ch;
    let mut data = Vec::with_capacity(w * h * ch);
    for row in 0..h {
        let start = (y as usize + row) * stride + x as usize * ch;
        match img.data.get(start..start + w * ch) {
            Some(src) => data.extend_from_slice(src),
            None => return sized(0, 0, ch, Vec::new()),
        }
    }
    sized(w, h, ch, data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn image(w: u32, h: u32, ch: usize, seed: u8) -> PixelImage {
        let n = w as usize * h as usize * ch;
        PixelImage {
            width: w,
            height: h,
            channels: ch,
            data: (0..n).map(|i| (i as u8).wrapping_mul(31) ^ seed).collect(),
        }
    }

    fn px(img: &PixelImage, x: u32, y: u32) -> &[u8] {
        let c = img.channels;
        let s = (y as usize * img.width as usize + x as usize) * c;
        &img.data[s..s + c]
    }

    #[test]
    fn rotate90_moves_the_top_left_corner_to_the_top_right() {
        let img = image(5, 3, 3, 7);
        let r = rotate90(&img);
        assert_eq!((r.width, r.height), (3, 5));
        assert_eq!(px(&r, 2, 0), px(&img, 0, 0));
        assert_eq!(px(&r, 0, 0), px(&img, 0, 2));
        assert_eq!(px(&r, 0, 4), px(&img, 4, 2));
    }

    #[test]
    fn flips_and_transpose_move_pixels_where_expected() {
        let img = image(4, 3, 1, 1);
        assert_eq!(px(&flip_h(&img), 0, 1), px(&img, 3, 1));
        assert_eq!(px(&flip_v(&img), 2, 0), px(&img, 2, 2));
        let t = transpose(&img);
        assert_eq!((t.width, t.height), (3, 4));
        assert_eq!(px(&t, 1, 3), px(&img, 3, 1));
        let v = transverse(&img);
        assert_eq!(px(&v, 0, 0), px(&img, 3, 2));
        assert_eq!(px(&rotate270(&img), 0, 0), px(&img, 3, 0));
        assert_eq!(px(&rotate180(&img), 0, 0), px(&img, 3, 2));
    }

    #[test]
    fn crop_takes_the_region_and_clips() {
        let img = image(6, 4, 3, 9);
        let c = crop(&img, 2, 1, 3, 2);
        assert_eq!((c.width, c.height), (3, 2));
        assert_eq!(px(&c, 0, 0), px(&img, 2, 1));
        assert_eq!(px(&c, 2, 1), px(&img, 4, 2));
        let c = crop(&img, 4, 3, 10, 10);
        assert_eq!((c.width, c.height), (2, 1));
        let c = crop(&img, 9, 9, 1, 1);
        assert_eq!((c.width, c.height, c.data.len()), (0, 0, 0));
    }

    #[test]
    fn larger_than_a_tile() {
        let img = image(70, 45, 3, 3);
        let r = rotate90(&img);
        assert_eq!(px(&r, 44, 69), px(&img, 69, 0));
        assert_eq!(rotate270(&r), img);
    }

    proptest! {
        #[test]
        fn group_laws(w in 1u32..40, h in 1u32..40, ch in 1usize..=4, seed in any::<u8>()) {
            let img = image(w, h, ch, seed);
            let r = rotate90(&img);
            prop_assert_eq!(rotate90(&rotate90(&rotate90(&r))), img.clone());
            prop_assert_eq!(transpose(&transpose(&img)), img.clone());
            prop_assert_eq!(&r, &flip_h(&transpose(&img)));
            prop_assert_eq!(rotate180(&img), rotate90(&r));
            prop_assert_eq!(rotate270(&img), flip_v(&transpose(&img)));
            prop_assert_eq!(transverse(&img), rotate180(&transpose(&img)));
            prop_assert_eq!(flip_h(&flip_h(&img)), img.clone());
            prop_assert_eq!(flip_v(&flip_v(&img)), img);
        }

        #[test]
        fn crop_then_transform_is_transform_then_mirrored_crop(
            w in 2u32..30, h in 2u32..30, x in 0u32..30, y in 0u32..30,
            cw in 1u32..30, chh in 1u32..30,
        ) {
            let img = image(w, h, 3, 5);
            let (x, y) = (x % w, y % h);
            let (cw, chh) = (cw.min(w - x), chh.min(h - y));
            // Mirroring a crop = cropping the mirror at the mirrored position.
            let a = flip_h(&crop(&img, x, y, cw, chh));
            let b = crop(&flip_h(&img), w - x - cw, y, cw, chh);
            prop_assert_eq!(a, b);
            let a = transpose(&crop(&img, x, y, cw, chh));
            let b = crop(&transpose(&img), y, x, chh, cw);
            prop_assert_eq!(a, b);
        }
    }
}
