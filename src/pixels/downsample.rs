//! Chroma downsampling as libjpeg does it by default (no smoothing): the average of
//! each 2×1, 2×2 or 1×2 group of samples, rounded with a bias that alternates along
//! the row (0, 1, 0, 1… for 2×1; 1, 2, 1, 2… for 2×2) so that rounding errors do not
//! all go the same way; the 1×2 case (libjpeg's general integer-factor method) rounds
//! half up.
//!
//! The caller supplies input rows already extended to twice the output width (the
//! right edge replicated) and the bottom row replicated: see [`super::encode`].

/// How many outputs the SSE2 form of a function wrote (x86-64; the scalar form does
/// the rest, and the two are equal: tested).
macro_rules! sse2_done {
    ($f:ident($($arg:expr),*)) => {{
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        let done = super::downsample_sse2::$f($($arg),*);
        #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
        let done = 0;
        done
    }};
}

/// 2:1 horizontally: `out[j] = (in[2j] + in[2j+1] + bias) >> 1`, bias 0, 1, 0, 1…
pub fn h2v1(inp: &[u8], out: &mut [u8]) {
    let done = sse2_done!(h2v1(inp, out));
    h2v1_scalar(&inp[2 * done..], &mut out[done..]);
}

/// 2:1 both ways: `out[j] = (sum of the 2×2 group + bias) >> 2`, bias 1, 2, 1, 2…
pub fn h2v2(row0: &[u8], row1: &[u8], out: &mut [u8]) {
    let done = sse2_done!(h2v2(row0, row1, out));
    h2v2_scalar(&row0[2 * done..], &row1[2 * done..], &mut out[done..]);
}

/// 2:1 vertically: `out[j] = (row0[j] + row1[j] + 1) >> 1`.
pub fn h1v2(row0: &[u8], row1: &[u8], out: &mut [u8]) {
    let done = sse2_done!(h1v2(row0, row1, out));
    h1v2_scalar(&row0[done..], &row1[done..], &mut out[done..]);
}

/// The portable form of [`h2v1`]. The bias alternates from the first output, so an
/// even number of outputs must precede `out` in the row.
pub fn h2v1_scalar(inp: &[u8], out: &mut [u8]) {
    let inp = &inp[..2 * out.len()];
    for (j, (o, p)) in out.iter_mut().zip(inp.chunks_exact(2)).enumerate() {
        *o = ((p[0] as u32 + p[1] as u32 + (j as u32 & 1)) >> 1) as u8;
    }
}

/// The portable form of [`h2v2`] (the same remark on the bias as for [`h2v1_scalar`]).
pub fn h2v2_scalar(row0: &[u8], row1: &[u8], out: &mut [u8]) {
    let n = out.len();
    let (r0, r1) = (&row0[..2 * n], &row1[..2 * n]);
    for (j, ((o, a), b)) in out
        .iter_mut()
        .zip(r0.chunks_exact(2))
        .zip(r1.chunks_exact(2))
        .enumerate()
    {
        let sum = a[0] as u32 + a[1] as u32 + b[0] as u32 + b[1] as u32;
        *o = ((sum + 1 + (j as u32 & 1)) >> 2) as u8;
    }
}

/// The portable form of [`h1v2`].
pub fn h1v2_scalar(row0: &[u8], row1: &[u8], out: &mut [u8]) {
    let n = out.len();
    for ((o, &a), &b) in out.iter_mut().zip(&row0[..n]).zip(&row1[..n]) {
        *o = ((a as u32 + b as u32 + 1) >> 1) as u8;
    }
}

/// Any integer factors, libjpeg's general method: each output is the average of a
/// `h`-wide group of samples over all of `rows`, rounded half up (`(sum + n/2) / n`).
pub fn int_factors(rows: &[&[u8]], h: usize, out: &mut [u8]) {
    let n = (h * rows.len()) as u32;
    for (j, o) in out.iter_mut().enumerate() {
        let sum: u32 = rows
            .iter()
            .map(|r| {
                r[j * h..(j + 1) * h]
                    .iter()
                    .map(|&v| u32::from(v))
                    .sum::<u32>()
            })
            .sum();
        *o = ((sum + n / 2) / n) as u8;
    }
}

/// Input smoothing (`cjpeg -smooth SF`, SF 1–100): each sample becomes a weighted mean
/// of itself and its eight neighbours, the neighbours weighing SF/1024 each, in 16-bit
/// fixed point rounded to nearest (libjpeg's filter). `above` and `below` are the rows
/// around `row` (the image's edge rows repeated past its top and bottom); past the
/// left and right ends the end sample repeats. Writes `out.len()` samples.
pub fn smooth_full(above: &[u8], row: &[u8], below: &[u8], sf: u32, out: &mut [u8]) {
    let n = out.len();
    if n < 3 {
        return smooth_full_at(above, row, below, sf, out, 0..n);
    }
    let w = (sf.min(100) * 64) as i16;
    let done = sse2_done!(smooth_full(above, row, below, w, out));
    smooth_full_at(above, row, below, sf, out, 0..1);
    smooth_full_at(above, row, below, sf, out, 1 + done..n);
}

/// [`smooth_full`] for the outputs in `range`, clamping every neighbour to the row.
fn smooth_full_at(
    above: &[u8],
    row: &[u8],
    below: &[u8],
    sf: u32,
    out: &mut [u8],
    range: std::ops::Range<usize>,
) {
    let n = out.len();
    let member_scale = 65536 - sf * 512;
    let neigh_scale = sf * 64;
    let col = |x: usize| above[x] as u32 + row[x] as u32 + below[x] as u32;
    for x in range {
        let (l, r) = (x.saturating_sub(1), (x + 1).min(n - 1));
        let member = row[x] as u32;
        let neigh = col(l) + col(x) - member + col(r);
        out[x] = ((member * member_scale + neigh * neigh_scale + 32768) >> 16) as u8;
    }
}

/// [`h2v2`] of the smoothed samples, computed at once (`cjpeg -smooth SF` on 2×2
/// subsampled chroma): the four samples of a group weigh (1 − 5·SF/1024)/4 each, the
/// eight samples beside the group SF/2048 each, the four at its corners SF/4096 each.
/// `above` and `below` are the rows around the pair `r0`, `r1`; past the ends of the
/// rows the end sample repeats. Writes `out.len()` samples from `2·out.len()` inputs.
pub fn smooth_h2v2(above: &[u8], r0: &[u8], r1: &[u8], below: &[u8], sf: u32, out: &mut [u8]) {
    let n = out.len();
    if n < 3 {
        return smooth_h2v2_at(above, r0, r1, below, sf, out, 0..n);
    }
    let w = (sf.min(100) * 16) as i16;
    let done = sse2_done!(smooth_h2v2([above, r0, r1, below], w, out));
    smooth_h2v2_at(above, r0, r1, below, sf, out, 0..1);
    smooth_h2v2_at(above, r0, r1, below, sf, out, 1 + done..n);
}

/// [`smooth_h2v2`] for the outputs in `range`, clamping every neighbour to the row.
fn smooth_h2v2_at(
    above: &[u8],
    r0: &[u8],
    r1: &[u8],
    below: &[u8],
    sf: u32,
    out: &mut [u8],
    range: std::ops::Range<usize>,
) {
    let last = 2 * out.len() - 1;
    let member_scale = 16384 - sf * 80;
    let neigh_scale = sf * 16;
    let at = |row: &[u8], x: isize| row[x.clamp(0, last as isize) as usize] as u32;
    for j in range {
        let (a, b) = (2 * j as isize, 2 * j as isize + 1);
        let member = at(r0, a) + at(r0, b) + at(r1, a) + at(r1, b);
        let edges = at(above, a)
            + at(above, b)
            + at(below, a)
            + at(below, b)
            + at(r0, a - 1)
            + at(r0, b + 1)
            + at(r1, a - 1)
            + at(r1, b + 1);
        let corners = at(above, a - 1) + at(above, b + 1) + at(below, a - 1) + at(below, b + 1);
        let neigh = 2 * edges + corners;
        out[j] = ((member * member_scale + neigh * neigh_scale + 32768) >> 16) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn biases_alternate() {
        let mut o = [0u8; 4];
        h2v1(&[0, 1, 0, 1, 0, 1, 0, 1], &mut o);
        assert_eq!(o, [0, 1, 0, 1]);
        h2v2(&[0, 1, 0, 1, 0, 1, 0, 1], &[0, 0, 0, 0, 0, 0, 0, 0], &mut o);
        assert_eq!(o, [0, 0, 0, 0]);
        h2v2(&[0, 1, 0, 1, 0, 1, 0, 1], &[1, 0, 1, 0, 1, 0, 1, 0], &mut o);
        assert_eq!(o, [0, 1, 0, 1]);
        h1v2(&[0, 1, 2, 3], &[1, 1, 1, 1], &mut o);
        assert_eq!(o, [1, 1, 2, 2]);
    }

    /// The clamped per-sample form over the whole row: the fast paths must equal it.
    #[test]
    fn smoothing_interior_equals_the_clamped_form() {
        let mut next = crate::xorshift32(0x5eed_0001);
        // Random samples with runs of the extremes, across the SSE2 chunk sizes.
        let mut sample = move || match next() % 8 {
            0 => 0,
            1 => 255,
            _ => next() as u8,
        };
        for n in [1usize, 2, 3, 4, 5, 8, 9, 10, 17, 18, 19, 64, 301, 1000] {
            let rows: Vec<Vec<u8>> = (0..4)
                .map(|_| (0..2 * n).map(|_| sample()).collect())
                .collect();
            for sf in [1, 30, 64, 100] {
                let (mut fast, mut slow) = (vec![0u8; n], vec![0u8; n]);
                smooth_full(&rows[0], &rows[1], &rows[2], sf, &mut fast[..n]);
                let full = |r: &Vec<u8>| r[..n].to_vec();
                let (a, r, b) = (full(&rows[0]), full(&rows[1]), full(&rows[2]));
                smooth_full_at(&a, &r, &b, sf, &mut slow, 0..n);
                assert_eq!(fast, slow, "smooth_full n={n} sf={sf}");
                smooth_h2v2(&rows[0], &rows[1], &rows[2], &rows[3], sf, &mut fast);
                let (r0, r1, r2, r3) = (&rows[0], &rows[1], &rows[2], &rows[3]);
                smooth_h2v2_at(r0, r1, r2, r3, sf, &mut slow, 0..n);
                assert_eq!(fast, slow, "smooth_h2v2 n={n} sf={sf}");
            }
        }
    }

    /// Smoothing keeps a flat area flat and pulls a lone spike toward its neighbours
    /// by 8·SF/1024 of the difference (rounded).
    #[test]
    fn smoothing_weights() {
        let flat = [90u8; 6];
        let mut out = [0u8; 6];
        smooth_full(&flat, &flat, &flat, 100, &mut out);
        assert_eq!(out, flat);
        let mut spike = flat;
        spike[2] = 190;
        smooth_full(&flat, &spike, &flat, 64, &mut out);
        // 190 − 100·8·64/1024 = 140; each neighbour gains 100·64/1024 = 6.25.
        assert_eq!(out, [90, 96, 140, 96, 90, 90]);
        let mut half = [0u8; 3];
        smooth_h2v2(&flat, &flat, &flat, &flat, 50, &mut half);
        assert_eq!(half, [90; 3]);
    }
}
