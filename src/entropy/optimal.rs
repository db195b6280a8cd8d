//! Optimal Huffman tables from symbol frequencies (T.81 K.2).
//!
//! The procedure of Figures K.1–K.4, with one code point reserved (a symbol 256 of
//! frequency 1 takes part in the construction and its code is removed at the end) so
//! that no code consists of all 1-bits:
//!
//! 1. code sizes: repeatedly merge the two least frequent trees (K.1); ties are broken
//!    towards the larger symbol value, scanning symbols in increasing order;
//! 2. count codes of each size (K.2);
//! 3. limit sizes to 16 bits by moving pairs of the longest codes up (K.3), then drop
//!    the reserved code from the longest non-empty size;
//! 4. list the symbols by increasing (unadjusted) code size, ties by symbol value (K.4).

use crate::container::HuffmanSpec;

/// Builds the table specification of class `class` (0 DC, 1 AC) and destination `id`
/// for the given frequencies. Symbols of frequency 0 get no code. With no symbol at
/// all the result has no codes.
pub fn optimal_spec(class: u8, id: u8, freq: &[u32; 256]) -> HuffmanSpec {
    let codesize = code_sizes(freq);
    let maxlen = usize::from(codesize.iter().copied().max().unwrap_or(0));
    if maxlen == 0 {
        // Only the reserved symbol: no real code.
        return HuffmanSpec {
            class,
            id,
            counts: [0; 16],
            symbols: Vec::new(),
        };
    }
    let counts = limited_counts(&codesize, maxlen);
    // Figure K.4: symbols sorted by code size, then by value.
    let mut sized: Vec<(u16, u8)> = (0..=255u8)
        .zip(&codesize[..256])
        .filter(|&(_, &cs)| cs > 0)
        .map(|(sym, &cs)| (cs, sym))
        .collect();
    sized.sort_unstable();
    let symbols = sized.into_iter().map(|(_, sym)| sym).collect();
    HuffmanSpec {
        class,
        id,
        counts,
        symbols,
    }
}

/// No next entry in a chain of [`code_sizes`].
const NONE: u16 = u16::MAX;

/// Figure K.1: the code size of each symbol (index 256 is the reserved code point,
/// given frequency 1 so that no real code is all 1 bits), by repeatedly merging the two
/// least frequent entries.
///
/// K.1 finds each of the two by a linear search that keeps the last of equal
/// frequencies, i.e. the least (frequency, larger symbol first) in a total order; a
/// min-heap on that order picks the same two entries in O(log n) (the search it
/// replaces is kept as the reference in the tests).
fn code_sizes(freq: &[u32; 256]) -> [u16; 257] {
    use std::cmp::Reverse;
    let mut heap: std::collections::BinaryHeap<Reverse<(u64, Reverse<u16>)>> = freq
        .iter()
        .map(|&f| u64::from(f))
        .chain(std::iter::once(1)) // the reserved point, index 256
        .enumerate()
        .filter(|&(_, f)| f != 0)
        .map(|(i, f)| Reverse((f, Reverse(i as u16))))
        .collect();
    let mut codesize = [0u16; 257];
    let mut others = [NONE; 257];
    while heap.len() > 1 {
        let Some(Reverse((f1, Reverse(c1)))) = heap.pop() else {
            break;
        };
        let Some(Reverse((f2, Reverse(c2)))) = heap.pop() else {
            break;
        };
        heap.push(Reverse((f1 + f2, Reverse(c1))));
        // c2's tree joins the end of c1's chain.
        let end = grow_chain(&mut codesize, &others, c1);
        others[end] = c2;
        grow_chain(&mut codesize, &others, c2);
    }
    codesize
}

/// One more bit for every symbol of the tree whose chain starts at `c`; returns the
/// chain's last entry.
fn grow_chain(codesize: &mut [u16; 257], others: &[u16; 257], c: u16) -> usize {
    let mut c = usize::from(c);
    codesize[c] += 1;
    while others[c] != NONE {
        c = usize::from(others[c]);
        codesize[c] += 1;
    }
    c
}

/// The DHT counts of codes of each length 1–16 (Figures K.2 and K.3): lengths over 16
/// are folded down, and the reserved code point leaves the longest length in use.
fn limited_counts(codesize: &[u16; 257], maxlen: usize) -> [u8; 16] {
    let mut bits = vec![0u32; maxlen.max(16) + 1];
    for &cs in codesize.iter() {
        if cs > 0 {
            bits[usize::from(cs)] += 1;
        }
    }
    let mut i = maxlen;
    while i > 16 {
        while bits[i] > 0 {
            let mut j = i - 2;
            while bits[j] == 0 {
                j -= 1;
            }
            bits[i] -= 2;
            bits[i - 1] += 1;
            bits[j + 1] += 2;
            bits[j] -= 1;
        }
        i -= 1;
    }
    let mut i = 16;
    while bits[i] == 0 {
        i -= 1;
    }
    bits[i] -= 1;
    let mut counts = [0u8; 16];
    for (c, &b) in counts.iter_mut().zip(bits[1..=16].iter()) {
        *c = b as u8;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Code length of each symbol in the specification (0: no code).
    fn lengths(spec: &HuffmanSpec) -> [u32; 256] {
        let mut out = [0u32; 256];
        let mut k = 0;
        for (l, &n) in spec.counts.iter().enumerate() {
            for _ in 0..n {
                out[spec.symbols[k] as usize] = l as u32 + 1;
                k += 1;
            }
        }
        assert_eq!(k, spec.symbols.len());
        out
    }

    fn check(freq: &[u32; 256]) {
        same_sizes_as_figure_k1(freq);
        let spec = optimal_spec(1, 0, freq);
        let total: usize = spec.counts.iter().map(|&c| c as usize).sum();
        assert_eq!(total, spec.symbols.len());
        let len = lengths(&spec);
        // Kraft sum, in units of 2^-16: strictly below 1 (one point reserved).
        let kraft: u64 = spec
            .counts
            .iter()
            .enumerate()
            .map(|(l, &n)| (n as u64) << (15 - l))
            .sum();
        assert!(kraft < 1 << 16, "Kraft sum {kraft} / 65536");
        for s in 0..256 {
            if freq[s] > 0 {
                assert!(len[s] >= 1 && len[s] <= 16, "symbol {s} length {}", len[s]);
            } else {
                assert_eq!(len[s], 0, "unused symbol {s} got a code");
            }
        }
        // No duplicate symbols.
        let mut seen = [false; 256];
        for &s in &spec.symbols {
            assert!(!seen[s as usize]);
            seen[s as usize] = true;
        }
    }

    #[test]
    fn single_symbol_gets_one_bit() {
        let mut f = [0u32; 256];
        f[7] = 100;
        let spec = optimal_spec(0, 1, &f);
        assert_eq!(spec.symbols, vec![7]);
        assert_eq!(spec.counts[0], 1);
        check(&f);
    }

    #[test]
    fn empty_table() {
        let spec = optimal_spec(0, 0, &[0; 256]);
        assert!(spec.symbols.is_empty());
        assert_eq!(spec.counts, [0; 16]);
    }

    #[test]
    fn uniform_256_symbols() {
        check(&[5; 256]);
        let spec = optimal_spec(1, 0, &[5; 256]);
        assert_eq!(spec.symbols.len(), 256);
    }

    #[test]
    fn fibonacci_forces_length_limit() {
        let mut f = [0u32; 256];
        let (mut a, mut b) = (1u32, 1u32);
        for s in f.iter_mut().take(40) {
            *s = a;
            let c = a.saturating_add(b);
            a = b;
            b = c;
        }
        check(&f);
        let len = lengths(&optimal_spec(1, 0, &f));
        assert_eq!(len.iter().copied().max(), Some(16));
    }

    #[test]
    fn simple_known_lengths() {
        // Frequencies 4,2,1 (+ reserved 1): lengths 1,2,3 (reserved takes the other 3-bit code).
        let mut f = [0u32; 256];
        f[0] = 4;
        f[1] = 2;
        f[2] = 1;
        let spec = optimal_spec(0, 0, &f);
        assert_eq!(&spec.counts[..4], &[1, 1, 1, 0]);
        assert_eq!(spec.symbols, vec![0, 1, 2]);
    }

    const RESERVED: usize = 256;

    #[allow(clippy::needless_range_loop)]
    /// Figure K.1 as drawn (the reference for [`code_sizes`]): the code size of each symbol (index 256 is the reserved code point,
    /// given frequency 1 so that no real code is all 1 bits), by repeatedly merging the two
    /// least frequent entries.
    fn code_sizes_k1(freq: &[u32; 256]) -> [usize; 257] {
        let mut f = [0u64; 257];
        for (d, &s) in f.iter_mut().zip(freq.iter()) {
            *d = s as u64;
        }
        f[RESERVED] = 1;
        let mut codesize = [0usize; 257];
        let mut others = [usize::MAX; 257];
        // The entries still in play (nonzero frequency), in increasing order: a table uses
        // a few dozen of the 257, so the searches below read only those.
        let mut active: Vec<usize> = (0..257).filter(|&i| f[i] != 0).collect();
        loop {
            // c1: least nonzero frequency (ties: larger symbol), c2: the next least.
            let mut c1 = usize::MAX;
            let mut v = u64::MAX;
            for &i in &active {
                if f[i] <= v {
                    v = f[i];
                    c1 = i;
                }
            }
            let mut c2 = usize::MAX;
            let mut v = u64::MAX;
            for &i in &active {
                if f[i] <= v && i != c1 {
                    v = f[i];
                    c2 = i;
                }
            }
            if c2 == usize::MAX {
                return codesize;
            }
            f[c1] += f[c2];
            f[c2] = 0;
            active.retain(|&i| i != c2);
            let mut c = c1;
            codesize[c] += 1;
            while others[c] != usize::MAX {
                c = others[c];
                codesize[c] += 1;
            }
            others[c] = c2;
            let mut c = c2;
            codesize[c] += 1;
            while others[c] != usize::MAX {
                c = others[c];
                codesize[c] += 1;
            }
        }
    }

    fn same_sizes_as_figure_k1(freq: &[u32; 256]) {
        let k1 = code_sizes_k1(freq).map(|c| c as u16);
        assert_eq!(code_sizes(freq), k1, "{freq:?}");
    }

    #[test]
    fn heap_sizes_equal_figure_k1_on_ties() {
        // Equal frequencies everywhere: every choice is a tie-break.
        for n in [1usize, 2, 3, 7, 64, 255, 256] {
            for v in [1u32, 2, 5] {
                let mut f = [0u32; 256];
                f.iter_mut().take(n).for_each(|x| *x = v);
                same_sizes_as_figure_k1(&f);
                f.reverse();
                same_sizes_as_figure_k1(&f);
            }
        }
    }

    proptest! {
        #[test]
        fn heap_sizes_equal_figure_k1(
            freq in proptest::collection::vec(
                prop_oneof![Just(0u32), 1u32..4, 1u32..10, 1u32..1_000_000], 256),
        ) {
            let mut f = [0u32; 256];
            f.copy_from_slice(&freq);
            same_sizes_as_figure_k1(&f);
        }

        #[test]
        fn random_tables_are_valid(
            freq in proptest::collection::vec(
                prop_oneof![Just(0u32), 1u32..10, 1u32..1_000_000, Just(u32::MAX / 512)], 256),
        ) {
            let mut f = [0u32; 256];
            f.copy_from_slice(&freq);
            check(&f);
        }

        #[test]
        fn skewed_tables_are_valid(n in 1usize..=256, base in 1u32..4, shift in 0u32..23) {
            // Geometric frequencies make very deep trees.
            let mut f = [0u32; 256];
            for (i, s) in f.iter_mut().take(n).enumerate() {
                *s = base << (i as u32 % (shift + 1)).min(30);
                if i < 31 { *s = (base << i.min(30)).max(1); }
            }
            check(&f);
        }
    }
}
