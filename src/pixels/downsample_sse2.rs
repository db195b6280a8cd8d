//! [`h2v1`](super::downsample::h2v1), [`h2v2`](super::downsample::h2v2) and
//! [`h1v2`](super::downsample::h1v2) with SSE2, sixteen outputs at a time: pairs of
//! bytes are summed in 16-bit lanes (the even byte masked, the odd one shifted down),
//! the alternating bias added, and the result shifted and packed back to bytes; the
//! vertical average is `pavgb`, which rounds half up as the scalar code does. Each
//! function returns how many outputs it wrote (a multiple of 16; the caller does the
//! rest).

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
