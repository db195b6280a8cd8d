//! Chroma upsampling of one row at a time, as libjpeg's `jdsample.c` specifies it.
//!
//! "Fancy" upsampling (libjpeg's default) is a triangular filter: each output sample is
//! ¾ of the nearer input sample plus ¼ of the next one (in both directions for h2v2,
//! i.e. 9/16, 3/16, 3/16, 1/16), with rounding biases that alternate between output
//! samples so errors do not accumulate in one direction (+1/+2 out of 4 horizontally
//! and vertically, +8/+7 out of 16 for h2v2). At the image edges the nearest sample is
//! used alone. Anything else is plain replication.

/// Horizontal 2× fancy upsampling of the first `w` samples of `inp` (`w` ≥ 2) into
/// `out[..2w]`.
#[inline]
pub fn h2v1_fancy(inp: &[u8], w: usize, out: &mut [u8]) {
    let inp = &inp[..w];
    let out = &mut out[..2 * w];
    out[0] = inp[0];
    out[2 * w - 1] = inp[w - 1];
    // Odd outputs 2i+1 (i < w−1): ¾ in[i] + ¼ in[i+1], bias 2.
    // Even outputs 2i (i ≥ 1): ¾ in[i] + ¼ in[i−1], bias 1.
    for (i, pair) in out[1..2 * w - 1].chunks_exact_mut(2).enumerate() {
        // pair = (out[2i+1], out[2i+2])
        let a = inp[i] as u16;
        let b = inp[i + 1] as u16;
        pair[0] = ((a * 3 + b + 2) >> 2) as u8;
        pair[1] = ((b * 3 + a + 1) >> 2) as u8;
    }
}

/// Vertical 2× fancy upsampling: one output row from the nearer input row `cur` and the
/// further one `other` (the row above for the upper output row, bias 1; the row below
/// for the lower one, bias 2).
#[inline]
pub fn h1v2_fancy(cur: &[u8], other: &[u8], w: usize, lower: bool, out: &mut [u8]) {
    let bias = if lower { 2 } else { 1 };
    for ((o, &c), &n) in out[..w].iter_mut().zip(&cur[..w]).zip(&other[..w]) {
        *o = ((c as u16 * 3 + n as u16 + bias) >> 2) as u8;
    }
}

/// 2×2 fancy upsampling: one output row from the nearer input row `cur` and the further
/// row `other`, `w` ≥ 2 input samples wide. `sums` is scratch space of at least `w`.
#[inline(never)]
pub fn h2v2_fancy(cur: &[u8], other: &[u8], w: usize, sums: &mut [u16], out: &mut [u8]) {
    let sums = &mut sums[..w];
    for ((s, &c), &n) in sums.iter_mut().zip(&cur[..w]).zip(&other[..w]) {
        *s = c as u16 * 3 + n as u16;
    }
    let out = &mut out[..2 * w];
    out[0] = ((sums[0] * 4 + 8) >> 4) as u8;
    out[2 * w - 1] = ((sums[w - 1] * 4 + 7) >> 4) as u8;
    for (i, pair) in out[1..2 * w - 1].chunks_exact_mut(2).enumerate() {
        let a = sums[i];
        let b = sums[i + 1];
        pair[0] = ((a * 3 + b + 7) >> 4) as u8;
        pair[1] = ((b * 3 + a + 8) >> 4) as u8;
    }
}

/// Replicates each input sample `hx` times until `out` is full.
#[inline]
pub fn replicate(inp: &[u8], hx: usize, out: &mut [u8]) {
    match hx {
        1 => out.copy_from_slice(&inp[..out.len()]),
        2 => {
            for (pair, &v) in out.chunks_mut(2).zip(inp) {
                pair.fill(v);
            }
        }
        _ => {
            for (group, &v) in out.chunks_mut(hx).zip(inp) {
                group.fill(v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn h2v1_edges_and_interior() {
        let mut out = [0u8; 6];
        h2v1_fancy(&[0, 100, 200], 3, &mut out);
        // 0, (0·3+100+2)/4, (100·3+0+1)/4, (300+200+2)/4, (600+100+1)/4, 200
        assert_eq!(out, [0, 25, 75, 125, 175, 200]);
    }

    #[test]
    fn h2v2_constant_is_constant() {
        let mut out = [0u8; 8];
        let mut sums = [0u16; 4];
        h2v2_fancy(&[77; 4], &[77; 4], 4, &mut sums, &mut out);
        assert_eq!(out, [77; 8]);
    }

    #[test]
    fn replicate_crops() {
        let mut out = [0u8; 7];
        replicate(&[1, 2, 3, 4], 2, &mut out);
        assert_eq!(out, [1, 1, 2, 2, 3, 3, 4]);
        let mut out = [0u8; 5];
        replicate(&[1, 2], 4, &mut out);
        assert_eq!(out, [1, 1, 1, 1, 2]);
    }
}
