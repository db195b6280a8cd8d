//! [`h2v1`](super::downsample::h2v1), [`h2v2`](super::downsample::h2v2) and
//! [`h1v2`](super::downsample::h1v2) with SSE2, sixteen outputs at a time: pairs of
//! bytes are summed in 16-bit lanes (the even byte masked, the odd one shifted down),
//! the alternating bias added, and the result shifted and packed back to bytes; the
//! vertical average is `pavgb`, which rounds half up as the scalar code does. Each
//! function returns how many outputs it wrote (a multiple of 16; the caller does the
//! rest). The smoothing filters (`cjpeg -smooth`) do the interior of a row, where no
//! neighbour is clamped, eight or sixteen outputs at a time.

use safe_arch::*;

#[inline(always)]
fn load(s: &[u8]) -> m128i {
    let a: &[u8; 16] = s[..16].try_into().unwrap();
    load_unaligned_m128i(a)
}

/// Sums of adjacent byte pairs of `v`, in eight 16-bit lanes.
#[inline(always)]
fn pair_sums(v: m128i) -> m128i {
    let even = bitand_m128i(v, set_splat_i16_m128i(0xFF));
    add_i16_m128i(even, shr_imm_u16_m128i::<8>(v))
}

/// 2:1 horizontally, bias 0, 1, 0, 1…
pub fn h2v1(inp: &[u8], out: &mut [u8]) -> usize {
    let n = out.len() / 16 * 16;
    let bias = m128i::from([0i16, 1, 0, 1, 0, 1, 0, 1]);
    for (o, p) in out[..n].chunks_exact_mut(16).zip(inp.chunks_exact(32)) {
        let f = |v: m128i| shr_imm_u16_m128i::<1>(add_i16_m128i(pair_sums(v), bias));
        let r = pack_i16_to_u8_m128i(f(load(p)), f(load(&p[16..])));
        o.copy_from_slice(&<[u8; 16]>::from(r));
    }
    n
}

/// 2:1 both ways, bias 1, 2, 1, 2…
pub fn h2v2(row0: &[u8], row1: &[u8], out: &mut [u8]) -> usize {
    let n = out.len() / 16 * 16;
    let bias = m128i::from([1i16, 2, 1, 2, 1, 2, 1, 2]);
    for ((o, a), b) in out[..n]
        .chunks_exact_mut(16)
        .zip(row0.chunks_exact(32))
        .zip(row1.chunks_exact(32))
    {
        let f = |x: &[u8], y: &[u8]| {
            let s = add_i16_m128i(pair_sums(load(x)), pair_sums(load(y)));
            shr_imm_u16_m128i::<2>(add_i16_m128i(s, bias))
        };
        let r = pack_i16_to_u8_m128i(f(a, b), f(&a[16..], &b[16..]));
        o.copy_from_slice(&<[u8; 16]>::from(r));
    }
    n
}

/// 2:1 vertically, rounding half up.
pub fn h1v2(row0: &[u8], row1: &[u8], out: &mut [u8]) -> usize {
    let n = out.len() / 16 * 16;
    for ((o, a), b) in out[..n]
        .chunks_exact_mut(16)
        .zip(row0.chunks_exact(16))
        .zip(row1.chunks_exact(16))
    {
        let r = average_u8_m128i(load(a), load(b));
        o.copy_from_slice(&<[u8; 16]>::from(r));
    }
    n
}

/// The interior of [`smooth_full`](super::downsample::smooth_full), sixteen outputs at
/// a time from output 1 on; `w` is 64·SF. Returns how many outputs after the first
/// it wrote. `member·65536 + w·(neigh − 8·member) + 32768`, shifted down by 16, is
/// `member` plus the rounded high half of the 16-bit product `w·(neigh − 8·member)`:
/// `pmulhw` plus the top bit of `pmullw`.
pub fn smooth_full(above: &[u8], row: &[u8], below: &[u8], w: i16, out: &mut [u8]) -> usize {
    let n = out.len().saturating_sub(2) / 16 * 16;
    let wv = set_splat_i16_m128i(w);
    for i in (0..n).step_by(16) {
        let [a, r, b] = [above, row, below].map(|s| &s[i..i + 18]);
        let lanes = |hi: bool| {
            let (sa, _) = three_columns(a, hi);
            let (sr, member) = three_columns(r, hi);
            let (sb, _) = three_columns(b, hi);
            let neigh = sub_i16_m128i(add_i16_m128i(add_i16_m128i(sa, sr), sb), member);
            let d = sub_i16_m128i(neigh, shl_imm_u16_m128i::<3>(member));
            let high = mul_i16_keep_high_m128i(d, wv);
            let round = shr_imm_u16_m128i::<15>(mul_i16_keep_low_m128i(d, wv));
            add_i16_m128i(add_i16_m128i(member, high), round)
        };
        let r = pack_i16_to_u8_m128i(lanes(false), lanes(true));
        out[i + 1..i + 17].copy_from_slice(&<[u8; 16]>::from(r));
    }
    n
}

/// Of the eight samples `s[k + 1]` (k in 0..8, or 8..16 when `hi`), in 16-bit lanes:
/// the sums `s[k] + s[k + 1] + s[k + 2]`, and the samples themselves.
#[inline(always)]
fn three_columns(s: &[u8], hi: bool) -> (m128i, m128i) {
    let widen = |v: m128i| match hi {
        true => unpack_high_i8_m128i(v, zeroed_m128i()),
        false => unpack_low_i8_m128i(v, zeroed_m128i()),
    };
    let (l, c, r) = (widen(load(s)), widen(load(&s[1..])), widen(load(&s[2..])));
    (add_i16_m128i(add_i16_m128i(l, c), r), c)
}

/// The interior of [`smooth_h2v2`](super::downsample::smooth_h2v2), eight outputs at a
/// time from output 1 on; `w` is 16·SF. Returns how many outputs after the first it
/// wrote. Output j sums the byte pairs at 2j (its group), the even bytes from 2j − 1
/// (left neighbours) and the odd bytes from 2j + 1 (right neighbours); then
/// `member·16384 + w·(neigh − 5·member)` is one `pmaddwd` of interleaved lanes.
pub fn smooth_h2v2(rows: [&[u8]; 4], w: i16, out: &mut [u8]) -> usize {
    let [above, r0, r1, below] = rows;
    let n = out.len().saturating_sub(2) / 8 * 8;
    let mask = set_splat_i16_m128i(0xFF);
    let weights = m128i::from([w, 16384, w, 16384, w, 16384, w, 16384]);
    let round = set_splat_i32_m128i(32768);
    let mut j = 1;
    while j < n + 1 {
        let x = 2 * j;
        let pairs = |r: &[u8]| pair_sums(load(&r[x..]));
        let left = |r: &[u8]| bitand_m128i(load(&r[x - 1..]), mask);
        let right = |r: &[u8]| shr_imm_u16_m128i::<8>(load(&r[x + 1..]));
        let sides = |r: &[u8]| add_i16_m128i(left(r), right(r));
        let member = add_i16_m128i(pairs(r0), pairs(r1));
        let edges = add_i16_m128i(
            add_i16_m128i(pairs(above), pairs(below)),
            add_i16_m128i(sides(r0), sides(r1)),
        );
        let corners = add_i16_m128i(sides(above), sides(below));
        let neigh = add_i16_m128i(add_i16_m128i(edges, edges), corners);
        let five = add_i16_m128i(shl_imm_u16_m128i::<2>(member), member);
        let e = sub_i16_m128i(neigh, five);
        let sum = |lo: m128i| {
            let v = mul_i16_horizontal_add_m128i(lo, weights);
            shr_imm_i32_m128i::<16>(add_i32_m128i(v, round))
        };
        let low = sum(unpack_low_i16_m128i(e, member));
        let high = sum(unpack_high_i16_m128i(e, member));
        let r = pack_i16_to_u8_m128i(pack_i32_to_i16_m128i(low, high), zeroed_m128i());
        out[j..j + 8].copy_from_slice(&<[u8; 16]>::from(r)[..8]);
        j += 8;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::super::downsample::{h1v2_scalar, h2v1_scalar, h2v2_scalar};

    #[test]
    fn equal_to_scalar() {
        let mut next = crate::xorshift64(0x1357_9bdf_2468_ace0);
        let mut bytes = |n: usize| -> Vec<u8> {
            (0..n)
                .map(|i| {
                    let seed = next();
                    // Runs of extremes as well as random values.
                    match i % 97 {
                        0..=9 => 255,
                        10..=19 => 0,
                        _ => seed as u8,
                    }
                })
                .collect()
        };
        for n in [16usize, 37, 160, 1000] {
            let (r0, r1) = (bytes(2 * n), bytes(2 * n));
            let (mut a, mut b) = (vec![0u8; n], vec![0u8; n]);
            let done = super::h2v1(&r0, &mut a);
            h2v1_scalar(&r0, &mut b);
            assert_eq!(a[..done], b[..done]);
            let done = super::h2v2(&r0, &r1, &mut a);
            h2v2_scalar(&r0, &r1, &mut b);
            assert_eq!(a[..done], b[..done]);
            let done = super::h1v2(&r0, &r1, &mut a);
            h1v2_scalar(&r0, &r1, &mut b);
            assert_eq!(a[..done], b[..done]);
        }
    }
}
