//! Scan encoding (stub until the encoder lands).

use super::EncodeOptions;
use crate::coeffs::CoefficientImage;
use crate::container::ScanHeader;
use crate::error::{Error, Result};

/// Encodes `image` as DQT, SOFn, DRI (if any), and DHT + SOS + entropy-coded data for
/// each scan. The caller adds SOI, metadata and EOI.
pub fn encode(_image: &CoefficientImage, _opts: &EncodeOptions) -> Result<Vec<u8>> {
    Err(Error::unsupported("entropy encoding not implemented yet", None))
}

/// The scan script jtool uses for progressive output when none is given.
pub fn default_progressive_script(_image: &CoefficientImage) -> Vec<ScanHeader> {
    Vec::new()
}
