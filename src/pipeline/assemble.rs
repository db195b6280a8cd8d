//! Writing the output file around newly coded scans: SOI, the kept metadata segments in
//! their original order (edited where the geometry changed), the coded frame, EOI, and
//! the input's data after EOI with any MPF index pointing at it again.

use crate::container::edit::{
    edit_exif, edit_xmp_item_lengths, edit_xmp_tags, mpf_entries, replace_exif_thumbnail,
    set_mpf_entries, write_icc, ExifEdit,
};
use crate::container::{classify, write_segment, JpegFile, KeepPolicy, Marker, MetaClass};

/// Metadata changes that follow from the operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetaEdits {
    /// Edits to the Exif segment.
    pub exif: ExifEdit,
    /// A new Exif thumbnail (JPEG) to put in place of the old one.
    pub thumbnail: Option<Vec<u8>>,
    /// An ICC profile to embed in place of the input's (`--icc`): its APP2 segments go
    /// where the first old one was, else after the leading APP0/APP1 segments.
    pub icc: Option<Vec<u8>>,
    /// New data after EOI, its MPF images edited like the image.
    pub trailer: Option<Trailer>,
    /// New bodies for the input's segments at these offsets (a Photoshop APP13 segment
    /// with a new thumbnail).
    pub segments: Vec<(usize, Vec<u8>)>,
}

/// Data after EOI with some of its images replaced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trailer {
    /// The new bytes.
    pub bytes: Vec<u8>,
    /// Each replaced image: (old start, old length, new start, new length), positions
    /// counted from the first byte after EOI, in order.
    pub moved: Vec<(usize, usize, usize, usize)>,
}

impl Trailer {
    /// Where the byte at `old` of the old trailer is in the new one (an image's start
    /// goes to its replacement's start), and the new length when an image starts there.
    fn relocate(&self, old: usize) -> (usize, Option<usize>) {
        let mut shift = 0i64;
        for &(start, len, new_start, new_len) in &self.moved {
            if start == old {
                return (new_start, Some(new_len));
            }
            if start + len <= old {
                shift = new_start as i64 + new_len as i64 - (start + len) as i64;
            }
        }
        ((old as i64 + shift).max(0) as usize, None)
    }
}

/// Builds the output file. `coded` is the encoder's DQT…scans part.
pub fn assemble(file: &JpegFile, keep: KeepPolicy, coded: &[u8], edits: &MetaEdits) -> Vec<u8> {
    let mut out = Vec::with_capacity(coded.len() + 65536 + file.trailer.len());
    write_segment(&mut out, Marker::SOI, &[]);
    let mut mpf: Option<(usize, usize)> = None; // (old body offset, new body offset)
                                                // A new ICC profile, written once: in place of the first old one, or before the
                                                // first kept segment other than APP0/APP1, or before the frame.
    let mut icc = edits.icc.as_deref();
    let mut put_icc = |out: &mut Vec<u8>| {
        if let Some(p) = icc.take() {
            write_icc(out, p);
        }
    };
    for seg in file.segments() {
        let class = classify(seg);
        if edits.icc.is_some() && class == MetaClass::Icc {
            put_icc(&mut out);
            continue;
        }
        if !keep.keeps(class) {
            continue;
        }
        if class != MetaClass::NotMetadata
            && seg.marker != Marker::APP0
            && seg.marker != Marker::APP1
        {
            put_icc(&mut out);
        }
        let edited = match (class, &edits.trailer) {
            (MetaClass::Exif, _) => edit_exif_segment(seg.body, edits),
            (MetaClass::Xmp, trailer) => edit_xmp_segment(seg.body, trailer.as_ref(), edits),
            _ => None,
        };
        let replaced = edits.segments.iter().find(|r| r.0 == seg.offset);
        let body = replaced.map(|r| &r.1[..]).or(edited.as_deref());
        if class == MetaClass::Mpf && mpf.is_none() {
            mpf = Some((seg.body_offset(), out.len() + 4));
        }
        write_segment(&mut out, seg.marker, body.unwrap_or(seg.body));
    }
    put_icc(&mut out);
    out.extend_from_slice(coded);
    write_segment(&mut out, Marker::EOI, &[]);
    if !file.has_eoi() {
        return out; // no EOI: what followed the last item is debris, not data after EOI
    }
    if let (Some((old_body, new_body)), false) = (mpf, file.trailer.is_empty()) {
        let len = u16::from_be_bytes([out[new_body - 2], out[new_body - 1]]) as usize - 2;
        let body = &out[new_body..new_body + len];
        let moved = relocated_mpf(body, file, old_body, new_body, out.len(), edits);
        if let Some(p) = moved {
            out[new_body..new_body + len].copy_from_slice(&p);
        }
    }
    match &edits.trailer {
        Some(t) => out.extend_from_slice(&t.bytes),
        None => out.extend_from_slice(file.trailer),
    }
    out
}

/// The MPF body (at `new_body` in an output whose first image is `first_size` bytes)
/// with its entries pointing at the images after EOI again: offsets count from the
/// TIFF header 4 bytes into the body (CIPA DC-007 5.2.3.3.3); the first image's entry
/// (offset 0) gets the new size; images the trailer edit replaced get their new size.
fn relocated_mpf(
    body: &[u8],
    file: &JpegFile,
    old_body: usize,
    new_body: usize,
    first_size: usize,
    edits: &MetaEdits,
) -> Option<Vec<u8>> {
    let old_header = old_body + 4;
    let new_trailer = first_size.checked_sub(new_body + 4)?;
    let entries = mpf_entries(body)?
        .into_iter()
        .map(|(offset, size)| {
            let at = old_header + offset as usize;
            if offset == 0 {
                Some((0, u32::try_from(first_size).ok()?))
            } else if at < file.trailer_offset {
                Some((offset, size))
            } else {
                let old = at - file.trailer_offset;
                let (new, len) = match &edits.trailer {
                    Some(t) => t.relocate(old),
                    None => (old, None),
                };
                let len = len.map_or(Some(size), |l| u32::try_from(l).ok())?;
                Some((u32::try_from(new_trailer + new).ok()?, len))
            }
        })
        .collect::<Option<Vec<_>>>()?;
    set_mpf_entries(body, &entries)
}

/// The XMP body with the lengths of the images after EOI it lists and the properties
/// that mirror the edited Exif tags changed, or `None` if unchanged.
fn edit_xmp_segment(body: &[u8], trailer: Option<&Trailer>, edits: &MetaEdits) -> Option<Vec<u8>> {
    let lengths = trailer.and_then(|t| {
        let moved: Vec<(usize, usize)> = t.moved.iter().map(|m| (m.1, m.3)).collect();
        edit_xmp_item_lengths(body, &moved)
    });
    let base = lengths.as_deref().unwrap_or(body);
    edit_xmp_tags(base, &edits.exif).or(lengths)
}

/// The Exif body with the thumbnail replaced and tags edited, or `None` if unchanged.
fn edit_exif_segment(body: &[u8], edits: &MetaEdits) -> Option<Vec<u8>> {
    let thumbed = edits
        .thumbnail
        .as_deref()
        .and_then(|t| replace_exif_thumbnail(body, t));
    let base = thumbed.as_deref().unwrap_or(body);
    if edits.exif == ExifEdit::default() {
        return thumbed;
    }
    edit_exif(base, &edits.exif).or(thumbed)
}
