//! Scan decoding (stub until the decoder lands).

use super::{Decoded, Limits};
use crate::container::JpegFile;
use crate::error::{Error, Result};

/// Decodes every scan of `file` into a coefficient image.
pub fn decode(_file: &JpegFile, _limits: &Limits) -> Result<Decoded> {
    Err(Error::unsupported("entropy decoding not implemented yet", None))
}
