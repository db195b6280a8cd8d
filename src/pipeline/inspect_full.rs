//! `inspect` plus what needs entropy decoding: the coefficient hash and, on request,
//! the compression history.

use super::hash::file_coefficient_hash;
use crate::container::JpegFile;
use crate::entropy::Limits;
use crate::error::Result;
use crate::inspect::{inspect, Report};

/// Inspects `data` and, when its entropy-coded data decodes, adds the coefficient hash
/// ([`super::coefficient_hash`]) to the report. Fails only where [`inspect`] fails.
pub fn inspect_full(data: &[u8]) -> Result<Report> {
    inspect_full_with(data, &Limits::default())
}

/// As [`inspect_full`], with resource limits for the decoding.
pub fn inspect_full_with(data: &[u8], limits: &Limits) -> Result<Report> {
    let mut report = inspect(data)?;
    if let Ok(file) = JpegFile::parse(data) {
        report.coefficient_hash = file_coefficient_hash(&file, limits).ok();
    }
    Ok(report)
}

/// As [`inspect_full_with`], also looking for traces of an earlier compression
/// ([`super::compression_history`]; null for an image under two blocks each way). The
/// image is decoded once, whole, for both.
pub fn inspect_with_history(data: &[u8], limits: &Limits) -> Result<Report> {
    let mut report = inspect(data)?;
    let decoded = JpegFile::parse(data).and_then(|f| crate::entropy::decode(&f, limits));
    if let Ok(d) = decoded {
        report.coefficient_hash = Some(super::coefficient_hash(&d.image));
        report.compression_history = super::compression_history(&d.image);
    }
    Ok(report)
}
