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
pub mod transform;

pub use error::{Error, Result, Warning, WarningKind};
