//! Comments (COM segments, T.81 B.2.4.5) and the Exif orientation tag, read and written
//! without touching anything else: what libjpeg-turbo's `rdjpgcom`, `wrjpgcom` and
//! `jpegexiforient` do.

use super::thumbnail_file::{with_body, with_new_exif};
use super::Output;
use crate::container::edit::{
    add_orientation, edit_exif, exif_orientation, has_orientation_entry, orientation_exif,
    refresh_mpf, ExifEdit,
};
use crate::container::{Item, JpegFile, Marker, Segment};
use crate::error::{Error, Result};

/// The largest comment one COM segment holds (its length field counts itself).
pub const MAX_COMMENT: usize = 0xFFFF - 2;

/// The bodies of the file's COM segments, in file order.
pub fn comments(data: &[u8]) -> Result<Vec<Vec<u8>>> {
    let file = JpegFile::parse(data)?;
    Ok(file
        .segments()
        .filter(|s| s.marker == Marker::COM)
        .map(|s| s.body.to_vec())
        .collect())
}

/// What `wrjpgcom` does: without `text`, with `replace`, every COM segment goes; with
/// `text`, a COM segment holding it goes in just before the frame header (SOFn), after
/// the comments kept. Every other byte stays as it was.
pub fn edit_comments<'a>(data: &'a [u8], text: Option<&'a [u8]>, replace: bool) -> Result<Output> {
    text.map_or(Ok(()), fits_one_segment)?;
    let mut file = JpegFile::parse(data)?;
    if replace {
        file.items
            .retain(|i| !matches!(i, Item::Segment(s) if s.marker == Marker::COM));
    }
    if let Some(text) = text {
        let at = file
            .items
            .iter()
            .position(|i| matches!(i, Item::Segment(s) if s.marker.is_sof()))
            .ok_or_else(|| {
                Error::BadRequest("no frame header (SOFn) to put the comment before".into())
            })?;
        let com = Segment {
            prefix: &[],
            marker: Marker::COM,
            offset: 0,
            body: text,
        };
        file.items.insert(at, Item::Segment(com));
    }
    // The comment goes before the frame: an MPF index's offsets past it move.
    let bytes = crate::container::edit::refresh_mpf(&file, file.to_bytes());
    Ok(Output {
        bytes,
        warnings: file.warnings.clone(),
    })
}

/// Refuses a comment one COM segment cannot hold.
fn fits_one_segment(text: &[u8]) -> Result<()> {
    match text.len() > MAX_COMMENT {
        true => Err(Error::BadRequest(format!(
            "a comment holds at most {MAX_COMMENT} bytes"
        ))),
        false => Ok(()),
    }
}

/// The file with its first comment's text replaced by `text` where that comment stands
/// (removed when `text` is empty), the other comments kept; a file without a comment
/// gets `text` as [`edit_comments`] adds it. Every other byte stays as it was.
pub fn set_first_comment<'a>(data: &'a [u8], text: &'a [u8]) -> Result<Output> {
    fits_one_segment(text)?;
    let mut file = JpegFile::parse(data)?;
    let first =
        (file.items.iter()).position(|i| matches!(i, Item::Segment(s) if s.marker == Marker::COM));
    let Some(at) = first else {
        return edit_comments(data, (!text.is_empty()).then_some(text), false);
    };
    match &mut file.items[at] {
        Item::Segment(s) if !text.is_empty() => s.body = text,
        _ => drop(file.items.remove(at)),
    }
    let bytes = refresh_mpf(&file, file.to_bytes());
    Ok(Output {
        bytes,
        warnings: file.warnings.clone(),
    })
}

/// The Orientation tag of the first Exif segment's IFD0 (1–8 when valid), if it has one.
pub fn orientation(data: &[u8]) -> Result<Option<u16>> {
    let file = JpegFile::parse(data)?;
    Ok(file.exif_segment().and_then(|s| exif_orientation(s.body)))
}

/// What `jpegexiforient -N` does: sets the Orientation tag to `value` (1–8) where the
/// file's Exif has it (IFD0, and IFD1 when it has one too), changing no other byte;
/// nothing changes when it already holds `value`. Where IFD0 lacks the tag it is added
/// (see [`add_orientation`]), and a file without Exif gets the segment `exiftool
/// -Orientation=N` writes, after JFIF (what a user tagging a scan's orientation
/// expects; jpegexiforient refuses both).
pub fn set_orientation(data: &[u8], value: u16) -> Result<Output> {
    if !(1..=8).contains(&value) {
        return Err(Error::BadRequest(format!("orientation {value} (1 to 8)")));
    }
    let file = JpegFile::parse(data)?;
    let edit = ExifEdit {
        orientation: Some(value),
        dimensions: None,
    };
    let bytes = match file.exif_segment() {
        // An entry there is edited in place (one whose value does not read is written
        // anew); nothing changes when it says so already.
        Some(seg) if has_orientation_entry(seg.body) => match edit_exif(seg.body, &edit) {
            Some(body) => {
                let start = seg.body_offset();
                let mut out = data.to_vec();
                out[start..start + body.len()].copy_from_slice(&body);
                out
            }
            None => data.to_vec(),
        },
        Some(seg) => {
            let body = add_orientation(seg.body, value).ok_or_else(|| {
                let why = "the Exif segment's IFD0 cannot take an Orientation tag";
                Error::BadRequest(why.into())
            })?;
            refresh_mpf(&file, with_body(data, seg, &body))
        }
        None => {
            let jfif = file.segments().find(|s| s.marker == Marker::APP0);
            let body = orientation_exif(value, jfif.map(|s| s.body));
            refresh_mpf(&file, with_new_exif(data, &file, &body))
        }
    };
    Ok(Output {
        bytes,
        warnings: file.warnings.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        std::fs::read(dir.join("meta_420_67x45.jpg")).unwrap()
    }

    #[test]
    fn comments_are_added_before_the_frame_and_replaced() {
        let data = sample();
        let before = comments(&data).unwrap();
        let added = edit_comments(&data, Some(b"second"), false).unwrap().bytes;
        let mut expected = before.clone();
        expected.push(b"second".to_vec());
        assert_eq!(comments(&added).unwrap(), expected);
        let file = JpegFile::parse(&added).unwrap();
        let order: Vec<Marker> = file.segments().map(|s| s.marker).collect();
        let com = order.iter().rposition(|&m| m == Marker::COM).unwrap();
        assert!(order[com + 1].is_sof());
        let only = edit_comments(&added, Some(b"only"), true).unwrap().bytes;
        assert_eq!(comments(&only).unwrap(), vec![b"only".to_vec()]);
        let none = edit_comments(&added, None, true).unwrap().bytes;
        assert!(comments(&none).unwrap().is_empty());
        assert!(edit_comments(&data, Some(&vec![b'x'; MAX_COMMENT + 1]), false).is_err());
    }

    #[test]
    fn the_first_comment_is_replaced_where_it_stands() {
        let data = sample();
        let two = edit_comments(&data, Some(b"second"), false).unwrap().bytes;
        let before = comments(&two).unwrap();
        assert!(before.len() >= 2);
        let set = set_first_comment(&two, b"edited").unwrap().bytes;
        let mut expected = before.clone();
        expected[0] = b"edited".to_vec();
        assert_eq!(comments(&set).unwrap(), expected);
        // Only the comment changed: the bytes before it are the same.
        let parsed = JpegFile::parse(&two).unwrap();
        let at = parsed.segments().find(|s| s.marker == Marker::COM);
        let at = at.unwrap().offset;
        assert_eq!(set[..at], two[..at]);
        let removed = set_first_comment(&two, b"").unwrap().bytes;
        assert_eq!(comments(&removed).unwrap(), before[1..].to_vec());
        let none = edit_comments(&data, None, true).unwrap().bytes;
        let added = set_first_comment(&none, b"new").unwrap().bytes;
        assert_eq!(comments(&added).unwrap(), vec![b"new".to_vec()]);
        assert_eq!(set_first_comment(&none, b"").unwrap().bytes, none);
        assert!(set_first_comment(&two, &vec![b'x'; MAX_COMMENT + 1]).is_err());
    }

    /// An Orientation entry whose values lie over the TIFF header (a fuzz mutant:
    /// count 16385 at offset 1) reads as no value, and setting one writes the entry
    /// anew; the header stays, so the Exif still reads.
    #[test]
    fn an_orientation_over_the_header_is_set_anew() {
        use crate::container::exif;
        let mut data = sample();
        let file = JpegFile::parse(&data).unwrap();
        let seg = file.exif_segment().unwrap();
        let parsed = exif::parse_app1(seg.body).unwrap();
        let entry = *parsed.ifd0.unwrap().find(exif::tags::ORIENTATION).unwrap();
        let at = seg.body_offset() + 6 + entry.entry_offset;
        let (count, offset) = match parsed.byte_order {
            exif::ByteOrder::BigEndian => (16385u32.to_be_bytes(), 1u32.to_be_bytes()),
            exif::ByteOrder::LittleEndian => (16385u32.to_le_bytes(), 1u32.to_le_bytes()),
        };
        data[at + 4..at + 8].copy_from_slice(&count);
        data[at + 8..at + 12].copy_from_slice(&offset);
        assert_eq!(orientation(&data).unwrap(), None);
        let set = set_orientation(&data, 8).unwrap().bytes;
        assert_eq!(set.len(), data.len());
        assert_eq!(orientation(&set).unwrap(), Some(8));
    }

    #[test]
    fn orientation_is_read_and_set_in_place() {
        let data = sample();
        assert_eq!(orientation(&data).unwrap(), Some(6));
        let set = set_orientation(&data, 3).unwrap().bytes;
        assert_eq!(set.len(), data.len());
        assert_eq!(orientation(&set).unwrap(), Some(3));
        let differing = data.iter().zip(&set).filter(|(a, b)| a != b).count();
        assert!((1..=2).contains(&differing), "{differing} bytes changed");
        assert_eq!(set_orientation(&data, 6).unwrap().bytes, data);
        assert!(set_orientation(&data, 9).is_err());
        let stripped = crate::pipeline::strip(&data, crate::container::KeepPolicy::NOTHING)
            .unwrap()
            .bytes;
        assert_eq!(orientation(&stripped).unwrap(), None);
        // A file without Exif gets a segment with the tag.
        let added = set_orientation(&stripped, 8).unwrap().bytes;
        assert_eq!(orientation(&added).unwrap(), Some(8));
    }
}
