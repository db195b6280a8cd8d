//! Removing metadata without decoding: every scan's bytes are copied through untouched.

use super::Output;
use crate::container::{classify, Item, JpegFile, KeepPolicy, MetaClass};
use crate::error::Result;

/// Writes `data` back without the metadata segments `keep` does not keep. Nothing else
/// changes: tables, frame, scans (entropy-coded bytes, restart markers), fill bytes before
/// kept markers and the data after EOI are copied as they are.
pub fn strip(data: &[u8], keep: KeepPolicy) -> Result<Output> {
    let mut file = JpegFile::parse(data)?;
    file.items.retain(|item| match item {
        Item::Segment(s) => classify(s) == MetaClass::NotMetadata || keep.keeps(classify(s)),
        Item::Scan(_) => true,
    });
    Ok(Output {
        bytes: file.to_bytes(),
        warnings: file.warnings.clone(),
    })
}
