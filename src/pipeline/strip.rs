//! Removing metadata without decoding: every scan's bytes are copied through untouched.

use super::Output;
use crate::container::{
    classify, edit, embedded_jpeg, samsung_trailer, Item, JpegFile, KeepPolicy, MetaClass,
};
use crate::error::{Result, Warning, WarningKind};

/// What [`strip_with`] removes besides the metadata segments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StripOptions {
    /// Remove the Exif thumbnail (IFD1) from kept Exif segments (as `jhead -dt`).
    pub drop_exif_thumbnail: bool,
    /// Remove the data after EOI (MPF secondary images and previews, which carry
    /// metadata of their own, or anything else appended).
    pub drop_trailer: bool,
    /// Cut the zero bytes that pad kept Exif segments past their last used byte (as
    /// `jhead -zt`; see [`edit::trim_exif_padding`]).
    pub trim_exif_padding: bool,
}

/// Writes `data` back without the metadata segments `keep` does not keep. Nothing else
/// changes: tables, frame, scans (entropy-coded bytes, restart markers), fill bytes before
/// kept markers and the data after EOI are copied as they are.
pub fn strip(data: &[u8], keep: KeepPolicy) -> Result<Output> {
    strip_with(data, keep, StripOptions::default())
}

/// As [`strip`], with `opts`: the thumbnail can go from every kept Exif segment (the
/// rest of Exif stays, byte for byte where it was) and the data after EOI can go. When
/// it stays and is a JPEG whose own segments hold metadata `keep` removes, a warning
/// says so: stripping the primary image leaves that metadata in the file.
pub fn strip_with(data: &[u8], keep: KeepPolicy, opts: StripOptions) -> Result<Output> {
    let drop_exif_thumbnail = opts.drop_exif_thumbnail;
    let mut file = JpegFile::parse(data)?;
    if opts.drop_trailer {
        file.trailer = &[];
    } else if let Some(what) = trailer_metadata(file.trailer, keep) {
        file.warnings.push(Warning::at(
            file.trailer_offset,
            WarningKind::Other(format!(
                "the {} bytes after EOI are {what}, kept (--drop-trailer removes them)",
                file.trailer.len()
            )),
        ));
    }
    file.items.retain(|item| match item {
        Item::Segment(s) => classify(s) == MetaClass::NotMetadata || keep.keeps(classify(s)),
        Item::Scan(_) => true,
    });
    // New bodies are made first: the file's segments borrow them.
    let bodies: Vec<(usize, Vec<u8>)> = file
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| match item {
            Item::Segment(s) if classify(s) == MetaClass::Exif => {
                let thumbless = drop_exif_thumbnail
                    .then(|| edit::drop_exif_thumbnail(s.body))
                    .flatten();
                let body = thumbless.as_deref().unwrap_or(s.body);
                let trimmed = (opts.trim_exif_padding)
                    .then(|| edit::trim_exif_padding(body))
                    .flatten();
                trimmed.or(thumbless).map(|b| (i, b))
            }
            _ => None,
        })
        .collect();
    for (i, b) in &bodies {
        if let Item::Segment(s) = &mut file.items[*i] {
            s.body = b;
        }
    }
    // Segments gone between the MP header and EOI move the images an MPF index lists.
    let bytes = edit::refresh_mpf(&file, file.to_bytes());
    Ok(Output {
        bytes,
        warnings: file.warnings.clone(),
    })
}

/// What the data after EOI holds that `keep` would remove from the primary image: the
/// JPEG inside it with metadata of its own (the first metadata class among its segments
/// before the first scan; JFIF, Adobe and MPF segments, structure rather than facts
/// about the picture or its owner, do not count), or Samsung's extended-data block.
fn trailer_metadata(t: &[u8], keep: KeepPolicy) -> Option<String> {
    if samsung_trailer(t) && !keep.keeps(MetaClass::OtherApp) {
        return Some("Samsung's extended data (capture time and more)".into());
    }
    let file = JpegFile::parse(embedded_jpeg(t)?).ok()?;
    let class = file
        .items
        .iter()
        .map_while(|item| match item {
            Item::Segment(s) => Some(classify(s)),
            Item::Scan(_) => None,
        })
        .find(|&c| {
            !matches!(
                c,
                MetaClass::NotMetadata | MetaClass::Jfif | MetaClass::Adobe | MetaClass::Mpf
            )
        })?;
    (!keep.keeps(class)).then(|| format!("a JPEG with {class:?} metadata of its own"))
}
