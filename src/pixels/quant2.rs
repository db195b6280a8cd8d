//! Two-pass colour quantization matching libjpeg-turbo's `jquant2.c`.
//!
//! `djpeg -colors N` (and `djpeg -gif`, which asks for 256 colours) on a
//! three-component image runs this quantizer: a first pass counts colours in
//! a coarse histogram, a median-cut step chooses the palette from it, and a
//! second pass maps every pixel to a palette index, optionally with
//! Floyd–Steinberg error diffusion.  Every integer step below mirrors the
//! reference implementation so that palettes and indices come out bit-exact.
//!
//! Distances are measured in a weighted RGB space (R×2, G×3, B×1) so that
//! green differences matter most and blue differences least, roughly
//! following the luminance weights.

/// Error-diffusion choice for the mapping pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dither {
    /// Map each pixel straight to the palette entry chosen for its cell.
    None,
    /// Serpentine Floyd–Steinberg error diffusion (djpeg's default).
    FloydSteinberg,
}

/// Largest palette an 8-bit sample can index.
const MAX_COLORS: usize = 256;

/// Bits dropped from each 8-bit component to form a histogram coordinate:
/// red and blue keep 5 bits, green keeps 6.
const SHIFT: [u32; 3] = [3, 2, 3];
/// Histogram cells along each axis.
const ELEMS: [usize; 3] = [32, 64, 32];
/// Distance weights per component (R, G, B).
const SCALE: [i32; 3] = [2, 3, 1];

/// Flat index of histogram cell `(c0, c1, c2)`; blue varies fastest.
fn cell_index(c: [usize; 3]) -> usize {
    (c[0] * ELEMS[1] + c[1]) * ELEMS[2] + c[2]
}

/// Histogram coordinate of an 8-bit RGB triple.
fn cell_of(px: [i32; 3]) -> [usize; 3] {
    [
        (px[0] >> SHIFT[0]) as usize,
        (px[1] >> SHIFT[1]) as usize,
        (px[2] >> SHIFT[2]) as usize,
    ]
}

/// Pass 1: per-cell pixel counts.  Counts are 16-bit and stick at 65535
/// instead of wrapping, exactly as libjpeg's clamped counters behave.
fn build_histogram(rgb: &[u8]) -> Vec<u16> {
    let mut hist = vec![0u16; ELEMS[0] * ELEMS[1] * ELEMS[2]];
    for px in rgb.chunks_exact(3) {
        let c = cell_of([i32::from(px[0]), i32::from(px[1]), i32::from(px[2])]);
        let slot = &mut hist[cell_index(c)];
        *slot = slot.saturating_add(1);
    }
    hist
}

/// An axis-aligned region of the histogram (inclusive cell bounds) plus the
/// statistics median cut uses to pick which region to split next.
#[derive(Clone, Copy, Debug)]
struct ColorBox {
    lo: [usize; 3],
    hi: [usize; 3],
    /// Weighted squared diagonal; zero means the box is a single cell and
    /// therefore cannot be split.
    volume: i64,
    /// Number of occupied cells (distinct coarse colours), not pixels.
    colorcount: i64,
}

impl ColorBox {
    /// Weighted extent of each axis in 8-bit units.
    fn scaled_extents(&self) -> [i64; 3] {
        let mut out = [0i64; 3];
        for (k, slot) in out.iter_mut().enumerate() {
            let cells = (self.hi[k] - self.lo[k]) as i64;
            *slot = (cells << SHIFT[k]) * i64::from(SCALE[k]);
        }
        out
    }
}

/// Shrinks `b` to the tight bounding box of its occupied cells, then
/// recomputes its volume and population.
///
/// libjpeg shrinks one face at a time, but since the cells it skips are all
/// empty, the end result is simply the bounding box of the non-empty cells.
/// Boxes handed to this function are never empty: the initial box covers
/// every pixel and each split cuts between two occupied faces.
fn update_box(hist: &[u16], b: &mut ColorBox) {
    let mut lo = b.hi;
    let mut hi = b.lo;
    let mut count = 0i64;
    for c0 in b.lo[0]..=b.hi[0] {
        for c1 in b.lo[1]..=b.hi[1] {
            for c2 in b.lo[2]..=b.hi[2] {
                if hist[cell_index([c0, c1, c2])] == 0 {
                    continue;
                }
                count += 1;
                for (k, v) in [c0, c1, c2].into_iter().enumerate() {
                    lo[k] = lo[k].min(v);
                    hi[k] = hi[k].max(v);
                }
            }
        }
    }
    if count > 0 {
        b.lo = lo;
        b.hi = hi;
    }
    b.colorcount = count;
    b.volume = b.scaled_extents().iter().map(|d| d * d).sum();
}

/// The splittable box with the most occupied cells (first one wins ties).
fn biggest_by_population(boxes: &[ColorBox]) -> Option<usize> {
    let mut best = None;
    let mut max = 0;
    for (i, b) in boxes.iter().enumerate() {
        if b.colorcount > max && b.volume > 0 {
            best = Some(i);
            max = b.colorcount;
        }
    }
    best
}

/// The box with the largest weighted volume (first one wins ties); a
/// positive volume already implies the box can be split.
fn biggest_by_volume(boxes: &[ColorBox]) -> Option<usize> {
    let mut best = None;
    let mut max = 0;
    for (i, b) in boxes.iter().enumerate() {
        if b.volume > max {
            best = Some(i);
            max = b.volume;
        }
    }
    best
}

/// Axis to cut: the longest weighted extent, with ties going to green, then
/// red, then blue.
fn split_axis(b: &ColorBox) -> usize {
    let [d0, d1, d2] = b.scaled_extents();
    let (mut axis, mut longest) = (1, d1);
    if d0 > longest {
        axis = 0;
        longest = d0;
    }
    if d2 > longest {
        axis = 2;
    }
    axis
}

/// Median cut: keep splitting until there are `desired` boxes or nothing is
/// splittable.  The first half of the splits favour crowded boxes so that
/// busy colour regions get detail; the rest favour big boxes so outliers
/// still get a representative.
fn median_cut(hist: &[u16], boxes: &mut Vec<ColorBox>, desired: usize) {
    while boxes.len() < desired {
        let pick = if boxes.len() * 2 <= desired {
            biggest_by_population(boxes)
        } else {
            biggest_by_volume(boxes)
        };
        let Some(i) = pick else { break };
        let axis = split_axis(&boxes[i]);
        // Cutting halfway between two occupied faces leaves both halves
        // non-empty; the lower half keeps the midpoint cell.
        let mid = (boxes[i].lo[axis] + boxes[i].hi[axis]) / 2;
        let mut upper = boxes[i];
        boxes[i].hi[axis] = mid;
        upper.lo[axis] = mid + 1;
        update_box(hist, &mut boxes[i]);
        update_box(hist, &mut upper);
        boxes.push(upper);
    }
}

/// Palette colour for a box: the pixel-count-weighted mean of its cell
/// centres, rounded to nearest.
fn box_color(hist: &[u16], b: &ColorBox) -> [u8; 3] {
    let mut total = 0i64;
    let mut sums = [0i64; 3];
    for c0 in b.lo[0]..=b.hi[0] {
        for c1 in b.lo[1]..=b.hi[1] {
            for c2 in b.lo[2]..=b.hi[2] {
                let count = i64::from(hist[cell_index([c0, c1, c2])]);
                if count == 0 {
                    continue;
                }
                total += count;
                for (k, c) in [c0, c1, c2].into_iter().enumerate() {
                    let center = ((c as i64) << SHIFT[k]) + ((1i64 << SHIFT[k]) >> 1);
                    sums[k] += center * count;
                }
            }
        }
    }
    sums.map(|s| ((s + (total >> 1)) / total) as u8)
}

/// Chooses the palette from a filled histogram (may be shorter than
/// `desired` when the image has few distinct coarse colours).
fn select_colors(hist: &[u16], desired: usize) -> Vec<[u8; 3]> {
    let mut whole = ColorBox {
        lo: [0; 3],
        hi: [ELEMS[0] - 1, ELEMS[1] - 1, ELEMS[2] - 1],
        volume: 0,
        colorcount: 0,
    };
    update_box(hist, &mut whole);
    let mut boxes = Vec::with_capacity(desired);
    boxes.push(whole);
    median_cut(hist, &mut boxes, desired);
    boxes.iter().map(|b| box_color(hist, b)).collect()
}

/// Lazily built map from histogram cell to palette index.
///
/// Every colour in a cell maps to the palette entry nearest the cell's
/// centre (weighted squared distance, lowest index on ties).  libjpeg prunes
/// candidates per 4×8×4-cell block before searching; the pruning provably
/// never discards a nearest (or tied-nearest) entry, so a plain search gives
/// identical answers.
struct InverseMap<'a> {
    palette: &'a [[u8; 3]],
    cache: Vec<Option<u8>>,
}

impl<'a> InverseMap<'a> {
    fn new(palette: &'a [[u8; 3]]) -> Self {
        Self {
            palette,
            cache: vec![None; ELEMS[0] * ELEMS[1] * ELEMS[2]],
        }
    }

    /// Palette index for an (already range-limited) RGB value.
    fn lookup(&mut self, px: [i32; 3]) -> u8 {
        let cell = cell_of(px);
        let slot = cell_index(cell);
        if let Some(idx) = self.cache[slot] {
            return idx;
        }
        let idx = nearest_to_cell(self.palette, cell);
        self.cache[slot] = Some(idx);
        idx
    }
}

/// Palette index closest to the centre of histogram cell `cell`.
fn nearest_to_cell(palette: &[[u8; 3]], cell: [usize; 3]) -> u8 {
    let center: [i32; 3] =
        std::array::from_fn(|k| ((cell[k] as i32) << SHIFT[k]) + ((1 << SHIFT[k]) >> 1));
    let mut best = 0usize;
    let mut best_dist = i32::MAX;
    for (i, color) in palette.iter().enumerate() {
        let dist: i32 = (0..3)
            .map(|k| {
                let d = (center[k] - i32::from(color[k])) * SCALE[k];
                d * d
            })
            .sum();
        if dist < best_dist {
            best_dist = dist;
            best = i;
        }
    }
    best as u8
}

/// Pass 2 without dithering.
fn map_plain(rgb: &[u8], palette: &[[u8; 3]]) -> Vec<u8> {
    let mut inv = InverseMap::new(palette);
    rgb.chunks_exact(3)
        .map(|px| inv.lookup([i32::from(px[0]), i32::from(px[1]), i32::from(px[2])]))
        .collect()
}

/// Transfer function applied to the diffused error before it is added to a
/// pixel: identity up to ±16, half slope up to ±48, then flat at ±32.  It
/// keeps runaway error from painting stray bright or dark pixels.
fn error_limit_table() -> [i32; 511] {
    let mut table = [0i32; 511];
    for mag in 0..=255i32 {
        let out = match mag {
            0..=15 => mag,
            16..=47 => 16 + (mag - 16) / 2,
            _ => 32,
        };
        table[(255 + mag) as usize] = out;
        table[(255 - mag) as usize] = -out;
    }
    table
}

/// Floyd–Steinberg state carried between rows.
///
/// `errors` holds one entry per column plus a dummy at each end (index
/// `col + 1`).  While a row is being processed, entries ahead of the current
/// column still hold the sums destined for this row, and entries behind it
/// already hold finished sums for the next row.  All values are in 1/16ths.
struct FsState {
    errors: Vec<[i32; 3]>,
    limit: [i32; 511],
}

/// Dithers one row in direction `rightward`, writing indices to `out`.
fn fs_row(st: &mut FsState, inv: &mut InverseMap, row: &[u8], out: &mut [u8], rightward: bool) {
    let width = out.len();
    let mut cur = [0i32; 3]; // 7/16 share carried from the previous pixel
    let mut below = [0i32; 3]; // running 1/16 share for the next row
    let mut below_prev = [0i32; 3]; // running 5/16 + 1/16 shares, one column back
    let mut last_entry = 0;
    for step in 0..width {
        let col = if rightward { step } else { width - 1 - step };
        let entry = col + 1;
        let behind = if rightward { entry - 1 } else { entry + 1 };
        let mut value = [0i32; 3];
        for k in 0..3 {
            // The >> 4 floors, so adding 8 rounds to nearest for both signs.
            let err = (cur[k] + st.errors[entry][k] + 8) >> 4;
            let err = st.limit[(err + 255) as usize];
            value[k] = (err + i32::from(row[col * 3 + k])).clamp(0, 255);
        }
        let idx = inv.lookup(value);
        out[col] = idx;
        let color = inv.palette[usize::from(idx)];
        for k in 0..3 {
            let e = value[k] - i32::from(color[k]);
            st.errors[behind][k] = below_prev[k] + e * 3;
            below_prev[k] = below[k] + e * 5;
            below[k] = e;
            cur[k] = e * 7;
        }
        last_entry = entry;
    }
    // The cell under the final pixel is complete; its right-hand 1/16 share
    // falls off the edge into the dummy column and is dropped.
    st.errors[last_entry] = below_prev;
}

/// Pass 2 with serpentine Floyd–Steinberg dithering: even rows (counting
/// from 0) run left to right, odd rows right to left.
fn map_dithered(rgb: &[u8], width: usize, height: usize, palette: &[[u8; 3]]) -> Vec<u8> {
    let mut inv = InverseMap::new(palette);
    let mut st = FsState {
        errors: vec![[0; 3]; width + 2],
        limit: error_limit_table(),
    };
    let mut out = vec![0u8; width * height];
    let rows = rgb.chunks_exact(width * 3).zip(out.chunks_exact_mut(width));
    for (y, (row, out_row)) in rows.enumerate() {
        fs_row(&mut st, &mut inv, row, out_row, y % 2 == 0);
    }
    out
}

/// Maps interleaved RGB samples to a given `palette` (1 to 256 entries), as libjpeg's
/// two-pass quantizer maps to an external colour map (`djpeg -map`): pass 2 alone.
pub fn map_to_palette(
    rgb: &[u8],
    width: usize,
    height: usize,
    palette: &[[u8; 3]],
    dither: Dither,
) -> Vec<u8> {
    let rgb = &rgb[..width * height * 3];
    if rgb.is_empty() || palette.is_empty() {
        return vec![0; width * height];
    }
    match dither {
        Dither::None => map_plain(rgb, palette),
        Dither::FloydSteinberg => map_dithered(rgb, width, height, palette),
    }
}

/// Quantizes interleaved RGB samples (`width * height * 3` bytes, rows top
/// to bottom) to at most `colors` colours as libjpeg's two-pass quantizer
/// does, returning the palette and one palette index per pixel.
///
/// The palette can be shorter than `colors` when the image has fewer
/// distinct colours at histogram precision.  djpeg refuses `colors` outside
/// 8..=256 (see [`super::quantize::quantize`]); smaller values still work here
/// but have no reference output to match.
///
/// # Panics
/// Panics if `colors` is 0 or above 256, or if `rgb` is shorter than
/// `width * height * 3`.
pub fn quantize_two_pass(
    rgb: &[u8],
    width: usize,
    height: usize,
    colors: usize,
    dither: Dither,
) -> (Vec<[u8; 3]>, Vec<u8>) {
    assert!(
        (1..=MAX_COLORS).contains(&colors),
        "colour count out of range"
    );
    let rgb = &rgb[..width * height * 3];
    if rgb.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let hist = build_histogram(rgb);
    let palette = select_colors(&hist, colors);
    let indices = match dither {
        Dither::None => map_plain(rgb, &palette),
        Dither::FloydSteinberg => map_dithered(rgb, width, height, &palette),
    };
    (palette, indices)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_limit_matches_reference_shape() {
        let t = error_limit_table();
        let at = |e: i32| t[(e + 255) as usize];
        assert_eq!(
            (at(15), at(16), at(17), at(18), at(47), at(48)),
            (15, 16, 16, 17, 31, 32)
        );
        assert_eq!((at(-18), at(255), at(-255)), (-17, 32, -32));
    }

    #[test]
    fn few_colours_give_short_palette() {
        let rgb = [255, 0, 0, 0, 0, 255, 255, 0, 0, 0, 0, 255];
        let (pal, idx) = quantize_two_pass(&rgb, 2, 2, 256, Dither::FloydSteinberg);
        assert_eq!(pal.len(), 2);
        assert_eq!(idx.len(), 4);
    }
}
