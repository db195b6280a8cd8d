//! Removing metadata without decoding: every scan's bytes are copied through untouched.

use super::Output;
use crate::container::{classify, edit, Item, JpegFile, KeepPolicy, MetaClass};
use crate::error::Result;

/// Writes `data` back without the metadata segments `keep` does not keep. Nothing else
/// changes: tables, frame, scans (entropy-coded bytes, restart markers), fill bytes before
/// kept markers and the data after EOI are copied as they are.
pub fn strip(data: &[u8], keep: KeepPolicy) -> Result<Output> {
    strip_with(data, keep, false)
}

/// As [`strip`]; with `drop_exif_thumbnail` also removes the thumbnail from every kept
/// Exif segment (the rest of Exif stays, byte for byte where it was).
pub fn strip_with(data: &[u8], keep: KeepPolicy, drop_exif_thumbnail: bool) -> Result<Output> {
    let mut file = JpegFile::parse(data)?;
    file.items.retain(|item| match item {
        Item::Segment(s) => classify(s) == MetaClass::NotMetadata || keep.keeps(classify(s)),
        Item::Scan(_) => true,
    });
    // New bodies are made first: the file's segments borrow them.
    let bodies: Vec<(usize, Vec<u8>)> = file
        .items
        .iter()
        .enumerate()
        .filter(|_| drop_exif_thumbnail)
        .filter_map(|(i, item)| match item {
            Item::Segment(s) if classify(s) == MetaClass::Exif => {
                edit::drop_exif_thumbnail(s.body).map(|b| (i, b))
            }
            _ => None,
        })
        .collect();
    for (i, b) in &bodies {
        if let Item::Segment(s) = &mut file.items[*i] {
            s.body = b;
        }
    }
    Ok(Output {
        bytes: file.to_bytes(),
        warnings: file.warnings.clone(),
    })
}
