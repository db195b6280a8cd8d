//! Writing the output file around newly coded scans: SOI, the kept metadata segments in
//! their original order (edited where the geometry changed), the coded frame, EOI, and
//! the input's data after EOI with any MPF index pointing at it again.

use crate::container::edit::{edit_exif, patch_mpf, replace_exif_thumbnail, write_icc, ExifEdit};
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
        let edited = match class {
            MetaClass::Exif => edit_exif_segment(seg.body, edits),
            _ => None,
        };
        if class == MetaClass::Mpf && mpf.is_none() {
            mpf = Some((seg.body_offset(), out.len() + 4));
        }
        write_segment(&mut out, seg.marker, edited.as_deref().unwrap_or(seg.body));
    }
    put_icc(&mut out);
    out.extend_from_slice(coded);
    write_segment(&mut out, Marker::EOI, &[]);
    if !file.has_eoi() {
        return out; // no EOI: what followed the last item is debris, not data after EOI
    }
    if let (Some((old_body, new_body)), false) = (mpf, file.trailer.is_empty()) {
        // MPF offsets count from the TIFF header 4 bytes into the segment body.
        let old_rel = file.trailer_offset as i64 - (old_body + 4) as i64;
        let new_rel = out.len() as i64 - (new_body + 4) as i64;
        let len = u16::from_be_bytes([out[new_body - 2], out[new_body - 1]]) as usize - 2;
        let first_size = u32::try_from(out.len()).unwrap_or(u32::MAX);
        if let Some(p) = patch_mpf(
            &out[new_body..new_body + len],
            old_rel.max(0) as u64,
            new_rel - old_rel,
            first_size,
        ) {
            out[new_body..new_body + len].copy_from_slice(&p);
        }
    }
    out.extend_from_slice(file.trailer);
    out
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
