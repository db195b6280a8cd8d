//! jtool: lossless JPEG operations on quantized DCT coefficients.
//!
//! Layers, lowest first (each uses only those below it):
//! `coeffs` and `container` → `entropy`, `inspect` → `pipeline`. The CLI (the binary)
//! uses only this public API. The library never touches paths: bytes in, bytes out.

#![forbid(unsafe_code)]

pub mod coeffs;
pub mod container;
pub mod entropy;
pub mod error;
pub mod inspect;
pub mod pipeline;
pub mod pixels;
pub mod threads;
pub mod transform;

pub use error::{Error, Result, Warning, WarningKind};

/// A small deterministic number generator for tests (xorshift32; `seed` must not be 0).
#[cfg(test)]
pub(crate) fn xorshift32(mut seed: u32) -> impl FnMut() -> u32 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    }
}

/// A small deterministic number generator for tests (xorshift64; `seed` must not be 0).
#[cfg(test)]
pub(crate) fn xorshift64(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}

/// `clean` with up to three random changes (a bit flipped, a byte replaced, inserted or
/// removed), or unchanged for mutant 0: the damage the thread-count tests try.
#[cfg(test)]
pub(crate) fn mutant(clean: &[u8], m: usize, next: &mut impl FnMut() -> u64) -> Vec<u8> {
    let mut d = clean.to_vec();
    for _ in 0..usize::from(m > 0) * (1 + next() as usize % 3) {
        let at = next() as usize % d.len();
        match next() % 4 {
            0 => d[at] ^= 1 << (next() % 8),
            1 => d[at] = next() as u8,
            2 => d.insert(at, next() as u8),
            _ => {
                d.remove(at);
            }
        }
    }
    d
}
