//! The other images of a multi-picture file, stored after the first image's EOI and
//! listed in its MPF index (CIPA DC-007): an MPO's second eye, large thumbnails, an
//! Ultra HDR gain map. Left as they were, they stop matching a turned first image (a
//! gain map would brighten the wrong pixels). A rotation or flip that keeps the image
//! whole is done to each of them too: losslessly when its blocks allow (as `--perfect`),
//! else through its pixels with its own tables and sampling. A crop or trim cuts each
//! of them to the same part of the picture, scaled to its size, through its pixels (the
//! region rarely falls on its block grid). After a drop, each large thumbnail (a
//! camera's preview, MP type class 1 or 2) is drawn anew from the output's blocks like
//! the Exif thumbnail, with its own tables, sampling and metadata; for the other images
//! (a gain map, a second eye), and for a JPEG after EOI that no index lists, a warning
//! says that they still show the picture as it was.

use super::pixels::{decode_file, DecodeOptions};
use super::thumbnail::{encoded, like_old, remade, turn_embedded, Blocks, Edit};
use super::{MetaEdits, Trailer};
use crate::container::edit::{mpf_entries, mpf_entry_types, ExifEdit, MPF_LARGE_THUMBNAILS};
use crate::container::{classify, JpegFile, KeepPolicy, Marker, MetaClass};
use crate::error::{Warning, WarningKind};
use crate::pixels::{geometry, ColorSpace};
use crate::transform::{Orientation, Rect, Request};

/// The data after EOI with its MPF images edited like the first, or `None` to leave it
/// as it is (no MPF images, the MPF index not kept, or nothing to do to them).
pub(super) fn follow(edit: &Edit, blocks: &Blocks, warnings: &mut Vec<Warning>) -> Option<Trailer> {
    let file = edit.file;
    let whole = edit.whole();
    if whole && edit.request.orientation == Orientation::Identity {
        return None;
    }
    let images = listed_images(file, edit.options.keep);
    let stale = |what: String| {
        Warning::at(
            file.trailer_offset,
            WarningKind::Other(format!(
                "{what} after EOI still show the image as it was (strip --drop-trailer removes them)"
            )),
        )
    };
    if images.is_empty() {
        // Another JPEG there that no MPF index lists (or one that cannot be read).
        if holds_jpeg(file) {
            let n = file.trailer.len();
            warnings.push(stale(format!("the {n} bytes holding another image")));
        }
        return None;
    }
    // A drop: the picture changed inside the frame.
    let redraw = !whole && edit.region.is_none();
    let previews: Vec<usize> = if redraw {
        large_thumbnails(file).iter().map(|p| p.0).collect()
    } else {
        Vec::new()
    };
    let (t, failed) = replaced(file, &images, |start, old| match edit.region {
        _ if redraw => previews
            .contains(&start)
            .then(|| redrawn_image(old, edit, blocks))
            .flatten(),
        Some(r) if !whole => cut_image(old, edit, r),
        _ => turned_image(old, edit),
    });
    if failed > 0 {
        warnings.push(stale(some_of(failed, images.len())));
    }
    Some(t)
}

/// "the 2 MPF images", "1 of the 3 MPF images".
pub(super) fn some_of(failed: usize, n: usize) -> String {
    if failed == n {
        format!("the {n} MPF images")
    } else {
        format!("{failed} of the {n} MPF images")
    }
}

/// Whether the data after EOI holds the start of a JPEG (an SOI marker and another
/// marker), listed by an index or not.
pub(super) fn holds_jpeg(file: &JpegFile) -> bool {
    file.trailer.windows(3).any(|w| w == [0xFF, 0xD8, 0xFF])
}

/// The (start, length) in the data after EOI of each image that `file`'s MPF index
/// lists there; none when it has no readable index or `keep` drops it.
pub(super) fn listed_images(file: &JpegFile, keep: KeepPolicy) -> Vec<(usize, usize)> {
    file.segments()
        .find(|s| classify(s) == MetaClass::Mpf)
        .filter(|_| keep.keeps(MetaClass::Mpf))
        .and_then(|mpf| {
            let entries = mpf_entries(mpf.body)?;
            let header = mpf.body_offset() + 4;
            Some(trailer_images(
                &entries,
                header,
                file.trailer_offset,
                file.trailer.len(),
            ))
        })
        .unwrap_or_default()
}

/// The data after EOI with each of `images` replaced by what `edit` makes of it (left
/// as it was when that is `None`), and how many were left.
pub(super) fn replaced(
    file: &JpegFile,
    images: &[(usize, usize)],
    mut edit: impl FnMut(usize, &[u8]) -> Option<Vec<u8>>,
) -> (Trailer, usize) {
    let mut t = Trailer::default();
    let (mut at, mut failed) = (0, 0);
    for &(start, len) in images {
        t.bytes.extend_from_slice(&file.trailer[at..start]);
        let old = &file.trailer[start..start + len];
        let new = edit(start, old);
        failed += usize::from(new.is_none());
        let new = new.as_deref().unwrap_or(old);
        t.moved.push((start, len, t.bytes.len(), new.len()));
        t.bytes.extend_from_slice(new);
        at = start + len;
    }
    t.bytes.extend_from_slice(&file.trailer[at..]);
    (t, failed)
}

/// The (start, length) in the data after EOI of each large thumbnail the MPF index
/// lists there (MP type class 1 or 2: a picture of the primary image), in index order.
pub(super) fn large_thumbnails(file: &JpegFile) -> Vec<(usize, usize)> {
    let found = file
        .segments()
        .find(|s| classify(s) == MetaClass::Mpf)
        .and_then(|mpf| {
            let types = mpf_entry_types(mpf.body)?;
            let header = mpf.body_offset() + 4;
            let entries = mpf_entries(mpf.body)?;
            let found = entries
                .iter()
                .zip(&types)
                .filter_map(|(&(offset, size), t)| {
                    let listed = offset != 0 && MPF_LARGE_THUMBNAILS.contains(t);
                    let start = listed
                        .then(|| (header + offset as usize).checked_sub(file.trailer_offset))??;
                    let len = size as usize;
                    (start.checked_add(len)? <= file.trailer.len()).then_some((start, len))
                });
            Some(found.collect())
        });
    found.unwrap_or_default()
}

/// A large thumbnail after EOI drawn anew from the output's blocks (see
/// `thumbnail::remade`): its box, tables and sampling, its metadata kept.
fn redrawn_image(image: &[u8], edit: &Edit, blocks: &Blocks) -> Option<Vec<u8>> {
    let bytes = remade(image, edit, blocks, false, usize::MAX)?;
    reassembled(image, &bytes, edit)
}

/// `image`'s metadata around the tables, frame and scans of `coded` (a JPEG of the
/// same picture made anew), its Exif size set to the new one's and, for auto-orient,
/// its Orientation to 1.
fn reassembled(image: &[u8], coded: &[u8], edit: &Edit) -> Option<Vec<u8>> {
    let file = JpegFile::parse(image).ok()?;
    let new = JpegFile::parse(coded).ok()?;
    let start = new.segments().find(|s| s.marker == Marker::DQT)?.offset;
    let frame = new.frame()?;
    let edits = MetaEdits {
        exif: ExifEdit {
            dimensions: Some((u32::from(frame.width), u32::from(frame.height))),
            orientation: edit.reset_orientation.then_some(1),
        },
        ..MetaEdits::default()
    };
    let body = coded.get(start..coded.len().checked_sub(2)?)?;
    Some(super::assemble(&file, edit.options.keep, body, &edits))
}

/// The (start, length) in the data after EOI of each image an MPF index lists there
/// (`entries` as (offset from the MP header at `header`, size)), in order, without
/// overlaps.
fn trailer_images(
    entries: &[(u32, u32)],
    header: usize,
    trailer_offset: usize,
    trailer_len: usize,
) -> Vec<(usize, usize)> {
    let mut images: Vec<(usize, usize)> = entries
        .iter()
        .filter(|&&(offset, size)| offset != 0 && size > 0)
        .filter_map(|&(offset, size)| {
            let start = (header + offset as usize).checked_sub(trailer_offset)?;
            let len = size as usize;
            (start.checked_add(len)? <= trailer_len).then_some((start, len))
        })
        .collect();
    images.sort_unstable();
    let mut end = 0;
    images.retain(|&(start, len)| {
        let keep = start >= end;
        if keep {
            end = start + len;
        }
        keep
    });
    images
}

/// An image after EOI given the edit's orientation change (see
/// [`turn_embedded`]); its metadata kept and followed.
fn turned_image(image: &[u8], edit: &Edit) -> Option<Vec<u8>> {
    let request = Request {
        orientation: edit.request.orientation,
        ..Request::default()
    };
    let keep = edit.options.keep;
    turn_embedded(image, request, edit, keep, edit.reset_orientation)
}

/// An image after EOI turned as the first was and cut to the same part of the picture
/// (`region` of the turned first image, scaled to this image's size): through its pixels,
/// since the region rarely falls on its block grid; coded with its own tables and
/// sampling, its metadata kept, its Exif size updated. Gray and YCbCr images only.
fn cut_image(image: &[u8], edit: &Edit, region: Rect) -> Option<Vec<u8>> {
    let file = JpegFile::parse(image).ok()?;
    let frame = file.frame()?;
    let limits = DecodeOptions {
        limits: edit.options.limits,
        ..DecodeOptions::default()
    };
    let decoded = decode_file(image, &limits).ok()?;
    if !matches!(decoded.color, ColorSpace::Gray | ColorSpace::YCbCr) {
        return None;
    }
    let (t, fx, fy) = edit.request.orientation.parts();
    let px = geometry::orient(&decoded.image, t, fx, fy);
    let (tw, th) = edit.turned_source();
    // The region's edges on this image's grid: outward, so nothing shown is lost.
    let scale = |v: u32, to: u32, of: u32, up: bool| {
        let n = u64::from(v) * u64::from(to);
        let d = u64::from(of.max(1));
        (if up { n.div_ceil(d) } else { n / d }).min(u64::from(to)) as u32
    };
    let x0 = scale(region.x, px.width, tw, false);
    let y0 = scale(region.y, px.height, th, false);
    let x1 = scale(region.x + region.width, px.width, tw, true).max(x0 + 1);
    let y1 = scale(region.y + region.height, px.height, th, true).max(y0 + 1);
    let cut = geometry::crop(&px, x0, y0, x1.min(px.width) - x0, y1.min(px.height) - y0);
    let bytes = encoded(&cut, like_old(&file, &frame, cut.channels))?;
    reassembled(image, &bytes, edit)
}

#[cfg(test)]
mod tests {
    use super::trailer_images;

    #[test]
    fn images_after_eoi_are_found_in_order_without_overlaps() {
        // MP header at 100, trailer from 1000 (offset 900 from the header), 500 bytes.
        let entries = [
            (0, 1000),
            (1100, 100),
            (900, 150),
            (950, 10),
            (1300, 300),
            (0, 0),
        ];
        assert_eq!(
            trailer_images(&entries, 100, 1000, 500),
            vec![(0, 150), (200, 100)],
            "the overlapping image and the one past the end are left out"
        );
        assert!(trailer_images(&[(10, 5)], 100, 1000, 500).is_empty());
    }
}
