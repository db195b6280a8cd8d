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
    // Even outputs 2i: ¾ in[i] + ¼ in[i−1], bias 1 (i ≥ 1); odd outputs 2i+1:
    // ¾ in[i] + ¼ in[i+1], bias 2 (i < w−1). Pairs (2i+1, 2i+2) share in[i], in[i+1].
    out[0] = inp[0];
    out[2 * w - 1] = inp[w - 1];
    let mut odd = [0u8; CHUNK];
    let mut even = [0u8; CHUNK];
    for (k, o) in out[1..2 * w - 1].chunks_mut(2 * CHUNK).enumerate() {
        let m = o.len() / 2;
        let a = &inp[k * CHUNK..k * CHUNK + m];
        let b = &inp[k * CHUNK + 1..k * CHUNK + 1 + m];
        for i in 0..m {
            let (a, b) = (a[i] as u16, b[i] as u16);
            odd[i] = ((a * 3 + b + 2) >> 2) as u8;
            even[i] = ((b * 3 + a + 1) >> 2) as u8;
        }
        interleave2(&odd[..m], &even[..m], o);
    }
}

/// Samples per step of the two-phase loops (compute planar, then interleave).
const CHUNK: usize = 64;

/// `out[2i] = a[i]`, `out[2i+1] = b[i]`.
#[inline(always)]
fn interleave2(a: &[u8], b: &[u8], out: &mut [u8]) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        use safe_arch::{
            load_unaligned_m128i, store_unaligned_m128i, unpack_high_i8_m128i, unpack_low_i8_m128i,
        };
        let n = a.len().min(b.len()).min(out.len() / 2) / 16 * 16;
        for ((a16, b16), o32) in a[..n]
            .chunks_exact(16)
            .zip(b[..n].chunks_exact(16))
            .zip(out.chunks_exact_mut(32))
        {
            let va = load_unaligned_m128i(a16.try_into().unwrap());
            let vb = load_unaligned_m128i(b16.try_into().unwrap());
            let (lo, hi) = o32.split_at_mut(16);
            store_unaligned_m128i(lo.try_into().unwrap(), unpack_low_i8_m128i(va, vb));
            store_unaligned_m128i(hi.try_into().unwrap(), unpack_high_i8_m128i(va, vb));
        }
        interleave2_scalar(&a[n..], &b[n..], &mut out[2 * n..]);
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    interleave2_scalar(a, b, out);
}

#[inline(always)]
fn interleave2_scalar(a: &[u8], b: &[u8], out: &mut [u8]) {
    for ((o, &a), &b) in out.chunks_exact_mut(2).zip(a).zip(b) {
        o[0] = a;
        o[1] = b;
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
#[inline]
pub fn h2v2_fancy(cur: &[u8], other: &[u8], w: usize, sums: &mut [u16], out: &mut [u8]) {
    // Vertical first: 3·nearer + further (0..1020), then horizontally ¾, ¼ of those
    // with biases 8 (even outputs) and 7 (odd outputs), /16.
    let sums = &mut sums[..w];
    for ((s, &c), &n) in sums.iter_mut().zip(&cur[..w]).zip(&other[..w]) {
        *s = c as u16 * 3 + n as u16;
    }
    let out = &mut out[..2 * w];
    out[0] = ((sums[0] * 4 + 8) >> 4) as u8;
    out[2 * w - 1] = ((sums[w - 1] * 4 + 7) >> 4) as u8;
    let mut odd = [0u8; CHUNK];
    let mut even = [0u8; CHUNK];
    for (k, o) in out[1..2 * w - 1].chunks_mut(2 * CHUNK).enumerate() {
        let m = o.len() / 2;
        let a = &sums[k * CHUNK..k * CHUNK + m];
        let b = &sums[k * CHUNK + 1..k * CHUNK + 1 + m];
        for i in 0..m {
            odd[i] = ((a[i] * 3 + b[i] + 7) >> 4) as u8;
            even[i] = ((b[i] * 3 + a[i] + 8) >> 4) as u8;
        }
        interleave2(&odd[..m], &even[..m], o);
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
