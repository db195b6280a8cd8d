//! One-pass colour quantizer matching libjpeg's `jquant1` module.
//!
//! The colormap is a fixed grid: every component gets a handful of evenly
//! spaced values (always including 0 and 255) and the map holds every
//! combination of them.  Because the grid is orthogonal, each component can
//! be mapped on its own with a 256-entry lookup table whose entries are
//! already multiplied by that component's stride in the colormap, so a
//! pixel's colormap index is just the sum of its per-component lookups.
//!
//! djpeg uses this quantizer for `-colors N -onepass`, for `-fast` together
//! with colour-mapped output, and for every grayscale quantization (the
//! two-pass quantizer only handles three-component colour).

/// How the quantizer spreads the rounding error of each pixel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dither {
    /// Plain nearest-value mapping (`-dither none`).
    None,
    /// Bayer 16x16 ordered dither (`-dither ordered`, and `-fast`).
    Ordered,
    /// Serpentine Floyd-Steinberg error diffusion (`-dither fs`, the default).
    FloydSteinberg,
}

/// Bayer's order-4 matrix: the fill order (0..=255) of each cell of the
/// 16x16 threshold pattern.
#[rustfmt::skip]
const BAYER16: [[u8; 16]; 16] = [
    [0, 192, 48, 240, 12, 204, 60, 252, 3, 195, 51, 243, 15, 207, 63, 255],
    [128, 64, 176, 112, 140, 76, 188, 124, 131, 67, 179, 115, 143, 79, 191, 127],
    [32, 224, 16, 208, 44, 236, 28, 220, 35, 227, 19, 211, 47, 239, 31, 223],
    [160, 96, 144, 80, 172, 108, 156, 92, 163, 99, 147, 83, 175, 111, 159, 95],
    [8, 200, 56, 248, 4, 196, 52, 244, 11, 203, 59, 251, 7, 199, 55, 247],
    [136, 72, 184, 120, 132, 68, 180, 116, 139, 75, 187, 123, 135, 71, 183, 119],
    [40, 232, 24, 216, 36, 228, 20, 212, 43, 235, 27, 219, 39, 231, 23, 215],
    [168, 104, 152, 88, 164, 100, 148, 84, 171, 107, 155, 91, 167, 103, 151, 87],
    [2, 194, 50, 242, 14, 206, 62, 254, 1, 193, 49, 241, 13, 205, 61, 253],
    [130, 66, 178, 114, 142, 78, 190, 126, 129, 65, 177, 113, 141, 77, 189, 125],
    [34, 226, 18, 210, 46, 238, 30, 222, 33, 225, 17, 209, 45, 237, 29, 221],
    [162, 98, 146, 82, 174, 110, 158, 94, 161, 97, 145, 81, 173, 109, 157, 93],
    [10, 202, 58, 250, 6, 198, 54, 246, 9, 201, 57, 249, 5, 197, 53, 245],
    [138, 74, 186, 122, 134, 70, 182, 118, 137, 73, 185, 121, 133, 69, 181, 117],
    [42, 234, 26, 218, 38, 230, 22, 214, 41, 233, 25, 217, 37, 229, 21, 213],
    [170, 106, 154, 90, 166, 102, 150, 86, 169, 105, 153, 89, 165, 101, 149, 85],
];

const MAX_SAMPLE: i32 = 255;

/// Splits a colour budget over the components.
///
/// Every component starts at the largest `n` with `n^channels <= colors`;
/// then components are bumped by one value at a time, in preference order,
/// while the product still fits.  For RGB the preference is green, red,
/// blue (the eye is most sensitive to green).  Returns the per-component
/// counts in storage order, or `None` when fewer than two values per
/// component would fit (libjpeg refuses that case).
pub fn select_ncolors(channels: usize, colors: usize) -> Option<Vec<usize>> {
    let pow = |n: usize| (0..channels).fold(1usize, |acc, _| acc.saturating_mul(n));
    let mut root = 1;
    while pow(root + 1) <= colors {
        root += 1;
    }
    if root < 2 {
        return None;
    }
    let mut counts = vec![root; channels];
    let mut total = pow(root);
    let order: Vec<usize> = if channels == 3 {
        vec![1, 0, 2]
    } else {
        (0..channels).collect()
    };
    loop {
        let mut changed = false;
        for &c in &order {
            let grown = total / counts[c] * (counts[c] + 1);
            if grown > colors {
                break;
            }
            counts[c] += 1;
            total = grown;
            changed = true;
        }
        if !changed {
            return Some(counts);
        }
    }
}

/// The `j`-th of `maxj + 1` evenly spaced output levels, rounded to nearest.
fn level_value(j: i32, maxj: i32) -> i32 {
    (j * MAX_SAMPLE + maxj / 2) / maxj
}

/// Largest input sample that still maps to level `j`: the rounded midpoint
/// between level `j` and level `j + 1`.
fn level_upper_bound(j: i32, maxj: i32) -> i32 {
    ((2 * j + 1) * MAX_SAMPLE + maxj) / (2 * maxj)
}

/// Builds the grid colormap.  The first component varies slowest and the
/// last fastest, i.e. ordinary row-major order over the level indices.
fn build_colormap(counts: &[usize]) -> Vec<Vec<u8>> {
    let total: usize = counts.iter().product();
    let mut map = vec![vec![0u8; counts.len()]; total];
    for (idx, entry) in map.iter_mut().enumerate() {
        let mut rest = idx;
        for c in (0..counts.len()).rev() {
            let level = rest % counts[c];
            rest /= counts[c];
            entry[c] = level_value(level as i32, counts[c] as i32 - 1) as u8;
        }
    }
    map
}

/// Per-component lookup tables: for each sample value, the index of the
/// nearest level already multiplied by the component's colormap stride.
fn build_colorindex(counts: &[usize]) -> Vec<[u8; 256]> {
    let mut stride: usize = counts.iter().product();
    let mut tables = Vec::with_capacity(counts.len());
    for &n in counts {
        stride /= n;
        let maxj = n as i32 - 1;
        let mut table = [0u8; 256];
        let mut level = 0;
        let mut bound = level_upper_bound(0, maxj);
        for (v, slot) in table.iter_mut().enumerate() {
            while v as i32 > bound {
                level += 1;
                bound = level_upper_bound(level, maxj);
            }
            *slot = (level as usize * stride) as u8;
        }
        tables.push(table);
    }
    tables
}

/// Scales the Bayer fill order into signed offsets for a component with
/// `n` levels: cell `f` gets `(255 - 2f) * 255 / (512 * (n - 1))`, truncated
/// toward zero, so the dither spans about one level spacing.
fn ordered_matrix(n: usize) -> [[i32; 16]; 16] {
    let den = 2 * 256 * (n as i32 - 1);
    let mut out = [[0i32; 16]; 16];
    for (row_out, row_in) in out.iter_mut().zip(BAYER16.iter()) {
        for (cell, &order) in row_out.iter_mut().zip(row_in.iter()) {
            let num = (255 - 2 * order as i32) * MAX_SAMPLE;
            // Rust's `/` already truncates toward zero for negative values.
            *cell = num / den;
        }
    }
    out
}

/// Quantizes interleaved 8-bit samples (`channels` = 1 or 3, rows top to
/// bottom) to at most `colors` colours the way libjpeg's one-pass quantizer
/// does.  Returns the colormap (each entry holds `channels` samples) and one
/// colormap index per pixel.
///
/// # Panics
/// If `colors` leaves fewer than two levels per component or exceeds 256,
/// or if `samples` is shorter than `width * height * channels`.
pub fn quantize_one_pass(
    samples: &[u8],
    width: usize,
    height: usize,
    channels: usize,
    colors: usize,
    dither: Dither,
) -> (Vec<Vec<u8>>, Vec<u8>) {
    assert!(
        colors <= 256,
        "one-pass quantizer supports at most 256 colours"
    );
    let counts = select_ncolors(channels, colors).expect("too few colours for one-pass quantizer");
    let colormap = build_colormap(&counts);
    let tables = build_colorindex(&counts);
    let pixels = &samples[..width * height * channels];
    let indices = match dither {
        Dither::None => map_plain(pixels, channels, &tables),
        Dither::Ordered => map_ordered(pixels, width, channels, &counts, &tables),
        Dither::FloydSteinberg => map_fs(pixels, width, height, channels, &tables, &colormap),
    };
    (colormap, indices)
}

/// Nearest-level mapping with no dithering.
fn map_plain(pixels: &[u8], channels: usize, tables: &[[u8; 256]]) -> Vec<u8> {
    pixels
        .chunks_exact(channels)
        .map(|px| px.iter().zip(tables).map(|(&s, t)| t[s as usize]).sum())
        .collect()
}

/// Ordered dither: add the matrix offset for the pixel's position (the
/// matrix row advances per image row, the column restarts at each row),
/// clamp to the sample range, then look up as usual.
fn map_ordered(
    pixels: &[u8],
    width: usize,
    channels: usize,
    counts: &[usize],
    tables: &[[u8; 256]],
) -> Vec<u8> {
    let matrices: Vec<[[i32; 16]; 16]> = counts.iter().map(|&n| ordered_matrix(n)).collect();
    let mut out = Vec::with_capacity(pixels.len() / channels);
    for (y, row) in pixels.chunks_exact(width * channels).enumerate() {
        for (x, px) in row.chunks_exact(channels).enumerate() {
            let mut code = 0u8;
            for (c, &s) in px.iter().enumerate() {
                let v = (s as i32 + matrices[c][y & 15][x & 15]).clamp(0, MAX_SAMPLE);
                code = code.wrapping_add(tables[c][v as usize]);
            }
            out.push(code);
        }
    }
    out
}

/// Floyd-Steinberg state for one component: errors in sixteenths, with one
/// guard slot at each end so edge pixels need no special case.
struct FsRowState {
    errors: Vec<i32>,
}

/// Serpentine Floyd-Steinberg: even rows run left to right, odd rows right
/// to left; each component is diffused independently because the colormap
/// is orthogonal.
fn map_fs(
    pixels: &[u8],
    width: usize,
    height: usize,
    channels: usize,
    tables: &[[u8; 256]],
    colormap: &[Vec<u8>],
) -> Vec<u8> {
    let mut out = vec![0u8; width * height];
    let mut states: Vec<FsRowState> = (0..channels)
        .map(|_| FsRowState {
            errors: vec![0; width + 2],
        })
        .collect();
    let levels: Vec<Vec<u8>> = (0..channels)
        .map(|c| colormap.iter().map(|e| e[c]).collect())
        .collect();
    for y in 0..height {
        let row_in = &pixels[y * width * channels..(y + 1) * width * channels];
        let row_out = &mut out[y * width..(y + 1) * width];
        for (c, state) in states.iter_mut().enumerate() {
            let ctx = FsComponent {
                row_in,
                channels,
                comp: c,
                table: &tables[c],
                levels: &levels[c],
            };
            ctx.diffuse_row(&mut state.errors, row_out, y % 2 == 1);
        }
    }
    out
}

/// Everything needed to dither one component of one row.
struct FsComponent<'a> {
    row_in: &'a [u8],
    channels: usize,
    comp: usize,
    table: &'a [u8; 256],
    /// This component's value for every colormap index.
    levels: &'a [u8],
}

impl FsComponent<'_> {
    /// Processes one row of this component.  `errors[k]` holds the error
    /// destined for column `k - 1` of the current row for columns not yet
    /// visited, and for the next row for columns already visited; the
    /// running values carry the 7/16 (to the next pixel) and the partial
    /// sums for the row below as we sweep.
    fn diffuse_row(&self, errors: &mut [i32], row_out: &mut [u8], reverse: bool) {
        let width = row_out.len();
        let (dir, mut pos): (isize, isize) = if reverse {
            (-1, width as isize + 1)
        } else {
            (1, 0)
        };
        let mut ahead = 0i32; // 7/16 share heading to the next pixel
        let mut below = 0i32; // 1/16 share for the pixel below-next
        let mut below_prev = 0i32; // accumulated share for the pixel below-previous
        for step in 0..width {
            let x = if reverse { width - 1 - step } else { step };
            let incoming = errors[(pos + dir) as usize];
            // Round the 1/16 units to whole samples; `>>` floors, so +8 rounds.
            let correction = (ahead + incoming + 8) >> 4;
            let value = (correction + self.row_in[x * self.channels + self.comp] as i32)
                .clamp(0, MAX_SAMPLE);
            let code = self.table[value as usize];
            row_out[x] = row_out[x].wrapping_add(code);
            let err = value - self.levels[code as usize] as i32;
            errors[pos as usize] = below_prev + 3 * err;
            below_prev = below + 5 * err;
            below = err;
            ahead = 7 * err;
            pos += dir;
        }
        errors[pos as usize] = below_prev;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_split_prefers_green_then_red() {
        assert_eq!(select_ncolors(3, 256), Some(vec![6, 7, 6]));
        assert_eq!(select_ncolors(3, 16), Some(vec![2, 4, 2]));
        assert_eq!(select_ncolors(3, 8), Some(vec![2, 2, 2]));
        assert_eq!(select_ncolors(3, 7), None);
        assert_eq!(select_ncolors(1, 256), Some(vec![256]));
        assert_eq!(select_ncolors(1, 2), Some(vec![2]));
    }

    #[test]
    fn gray_levels_are_evenly_spaced_and_rounded() {
        let (map, idx) = quantize_one_pass(&[0, 100, 200, 255], 4, 1, 1, 3, Dither::None);
        assert_eq!(map, vec![vec![0], vec![128], vec![255]]);
        assert_eq!(idx, vec![0, 1, 2, 2]);
    }

    #[test]
    fn ordered_offsets_truncate_toward_zero() {
        let m = ordered_matrix(2);
        assert_eq!(m[0][0], 127);
        assert_eq!(m[0][15], -127);
    }

    #[test]
    fn fs_keeps_flat_exact_levels() {
        let px = vec![255u8; 3 * 5 * 4];
        let (_, idx) = quantize_one_pass(&px, 5, 4, 3, 27, Dither::FloydSteinberg);
        assert!(idx.iter().all(|&i| i == 26));
    }
}
