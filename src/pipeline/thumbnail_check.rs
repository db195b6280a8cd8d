//! Whether the thumbnails a file keeps still show its image (and the large thumbnails
//! an MPF index lists after EOI). A camera writes the Exif
//! thumbnail (Exif 2.3, 4.5.4) from the same capture as the image, and Photoshop its
//! image resource 1036 from the image it saves; a program that later edits the image
//! and copies the old segments leaves a thumbnail of the image as it was (jpegtran
//! does, for rotations as for crops). A thumbnail unlike its image is therefore
//! evidence that the image was changed after the thumbnail was written, and one that
//! shows the image turned tells by which rotation or flip.
//!
//! The comparison is in gray, at the smaller of the two sizes: the image's picture is
//! made of its DC terms (1/8 scale, read while the coefficient hash decodes it: the
//! luminance's alone, or every component's converted for RGB, CMYK and YCCK), the
//! thumbnail is decoded. The thumbnail is tried in each of the eight orientations, and
//! framed as thumbnails are made: the whole image stretched to the thumbnail, fitted
//! inside it with bars (a 3:2 photo in a 160×120 thumbnail), cropped to fill it, or
//! without the partial edge iMCUs jpegtran leaves in place. The likeness is the gray
//! PSNR of the best framing. A thumbnail that shows more than the image is searched
//! for the part the image was cut from ([`image_part`]).

use super::pixels::{decode_file, DecodeOptions};
use crate::container::edit::{
    exif_thumbnail, irb_thumbnail, mpf_entries, mpf_entry_types, MPF_LARGE_THUMBNAILS,
};
use crate::container::{classify, JpegFile, MetaClass};
use crate::entropy::Limits;
use crate::inspect::{ThumbnailCheck, ThumbnailPart};
use crate::pixels::metrics::compare;
use crate::pixels::preview::{area_reduce, to_gray};
use crate::pixels::{geometry, PixelImage};
use crate::transform::Orientation;

/// The likeness (gray PSNR, dB) from which a thumbnail shows the image. Corpus camera
/// originals score 19–59 dB against their own image; the two stale corpus thumbnails
/// (a mirrored image, a cut-out one) 9.3 and 12.5.
pub const SHOWS_DB: f64 = 15.0;
/// How much better a turned thumbnail must score than the thumbnail as stored to say
/// that the image was turned.
pub const TURN_MARGIN_DB: f64 = 3.0;
/// Orientations that score within this of the best are all named.
pub const AMBIGUOUS_DB: f64 = 1.0;
/// The largest thumbnail decoded for the check (Photoshop and Exif thumbnails are at
/// most a few hundred pixels across, an MPF large thumbnail full HD).
const MAX_THUMBNAIL_PIXELS: u64 = 1 << 22;

/// The longer side of the pictures compared: the composition, not the texture (a
/// thumbnail made from a slightly different crop of a detailed scene matches it badly
/// pixel by pixel).
pub(super) const COMPARED: u32 = 32;

/// Where a thumbnail is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThumbnailKind {
    /// Exif IFD1 (Exif 2.3, 4.5.4).
    Exif,
    /// Photoshop image resource 1036 in APP13.
    Photoshop,
    /// A JFIF extension APP0 (JFXX).
    Jfxx,
    /// The first large thumbnail an MPF index lists after EOI.
    MpfPreview,
}

impl ThumbnailKind {
    /// Its name in reports: "Exif", "Photoshop", "JFXX", "MPF preview".
    pub fn label(self) -> &'static str {
        match self {
            ThumbnailKind::Exif => "Exif",
            ThumbnailKind::Photoshop => "Photoshop",
            ThumbnailKind::Jfxx => "JFXX",
            ThumbnailKind::MpfPreview => "MPF preview",
        }
    }
}

/// A thumbnail found in the file: where, of which kind, and its picture.
pub(super) struct Thumbnail {
    pub kind: ThumbnailKind,
    pub offset: usize,
    pub picture: Thumb,
}

/// A thumbnail's picture: a JPEG, or RGB samples (JFXX code 0x13).
pub(super) enum Thumb {
    Jpeg(Vec<u8>),
    Rgb(PixelImage),
}

/// The thumbnails of `file`: the Exif one (IFD1), the Photoshop one (image resource
/// 1036), a JFXX one (JPEG or RGB samples) and the first large thumbnail an MPF index
/// lists after EOI (a camera's preview); the first of each kind only, so that a file
/// of many such segments costs no more than one with four.
pub(super) fn thumbnails(file: &JpegFile) -> Vec<Thumbnail> {
    let mut found = segment_thumbnails(file);
    if let Some((offset, jpeg)) = mpf_preview(file) {
        found.push(Thumbnail {
            kind: ThumbnailKind::MpfPreview,
            offset,
            picture: Thumb::Jpeg(jpeg),
        });
    }
    found
}

/// The first large thumbnail (MP type class 1 or 2) that the MPF index lists after
/// EOI: the offset of the MPF segment, and its bytes.
fn mpf_preview(file: &JpegFile) -> Option<(usize, Vec<u8>)> {
    let mpf = file.segments().find(|s| classify(s) == MetaClass::Mpf)?;
    let entries = mpf_entries(mpf.body)?;
    let types = mpf_entry_types(mpf.body)?;
    let header = mpf.body_offset() + 4;
    entries.iter().zip(&types).find_map(|(&(offset, size), t)| {
        if offset == 0 || !MPF_LARGE_THUMBNAILS.contains(t) {
            return None;
        }
        let start = (header + offset as usize).checked_sub(file.trailer_offset)?;
        let bytes = file.trailer.get(start..start.checked_add(size as usize)?)?;
        bytes
            .starts_with(&[0xFF, 0xD8])
            .then(|| (mpf.offset, bytes.to_vec()))
    })
}

/// The Exif, Photoshop and JFXX thumbnails of `file` (see [`thumbnails`]).
pub(super) fn segment_thumbnails(file: &JpegFile) -> Vec<Thumbnail> {
    let mut found = Vec::new();
    for seg in file.segments() {
        let b = seg.body;
        let (kind, picture) = match classify(seg) {
            MetaClass::Exif => match exif_thumbnail(b) {
                Some((at, len)) => (ThumbnailKind::Exif, Thumb::Jpeg(b[at..at + len].to_vec())),
                None => continue,
            },
            MetaClass::Photoshop => match irb_thumbnail(b) {
                Some((at, len)) => (
                    ThumbnailKind::Photoshop,
                    Thumb::Jpeg(b[at..at + len].to_vec()),
                ),
                None => continue,
            },
            MetaClass::Jfxx => match b.get(5) {
                Some(0x10) => (ThumbnailKind::Jfxx, Thumb::Jpeg(b[6..].to_vec())),
                Some(0x13) => match jfxx_rgb(b) {
                    Some(p) => (ThumbnailKind::Jfxx, Thumb::Rgb(p)),
                    None => continue,
                },
                _ => continue,
            },
            _ => continue,
        };
        if found.iter().any(|t: &Thumbnail| t.kind == kind) {
            continue;
        }
        found.push(Thumbnail {
            kind,
            offset: seg.offset,
            picture,
        });
    }
    found
}

/// The picture of a JFXX thumbnail stored as RGB samples (`body` of its APP0 segment,
/// extension code 0x13: width, height, then 3 bytes a pixel).
pub(super) fn jfxx_rgb(body: &[u8]) -> Option<PixelImage> {
    let (w, h) = (u32::from(*body.get(6)?), u32::from(*body.get(7)?));
    let data = body.get(8..8 + 3 * (w * h) as usize)?.to_vec();
    Some(PixelImage {
        width: w,
        height: h,
        channels: 3,
        data,
    })
}

/// The image the thumbnails are compared with.
pub(super) struct Target<'a> {
    /// Its gray picture, at any scale.
    pub picture: &'a PixelImage,
    /// Its width and height in pixels.
    pub size: (u32, u32),
    /// The width and height of the partial iMCUs at its right and bottom edges, which
    /// jpegtran leaves in place when it turns an image (without -trim): the rest of
    /// the picture then moves by as much.
    pub partial: (u32, u32),
}

/// Compares each thumbnail with the `target` image. A thumbnail that does not decode
/// is left out.
pub(super) fn check(thumbs: &[Thumbnail], target: &Target, limits: &Limits) -> Vec<ThumbnailCheck> {
    let reduced = working(target.picture);
    let target = Target {
        picture: reduced.as_ref().unwrap_or(target.picture),
        ..*target
    };
    thumbs
        .iter()
        .filter_map(|t| {
            let picture = match &t.picture {
                Thumb::Jpeg(bytes) => decoded(bytes, limits)?,
                Thumb::Rgb(p) => to_gray(p),
            };
            let size = (picture.width, picture.height);
            let picture = working(&picture).unwrap_or(picture);
            Some(judge(t, size, &picture, &target))
        })
        .collect()
}

/// Every comparison is at most COMPARED pixels across: a picture four times that keeps
/// the framings' crops exact enough, and makes the 8 orientations × 4 framings cheap.
/// `None` when `img` is no larger.
fn working(img: &PixelImage) -> Option<PixelImage> {
    let long = img.width.max(img.height);
    let working = 4 * COMPARED;
    let scale = |v: u32| ((u64::from(v) * u64::from(working)).div_ceil(u64::from(long))) as u32;
    (long > working).then(|| area_reduce(img, scale(img.width), scale(img.height)))
}

fn decoded(bytes: &[u8], limits: &Limits) -> Option<PixelImage> {
    let opts = DecodeOptions {
        limits: Limits {
            max_pixels: limits.max_pixels.min(MAX_THUMBNAIL_PIXELS),
            ..*limits
        },
        ..DecodeOptions::default()
    };
    let d = decode_file(bytes, &opts).ok()?;
    (d.image.channels == 1 || d.image.channels == 3).then(|| to_gray(&d.image))
}

/// The verdict on one thumbnail.
fn judge(t: &Thumbnail, size: (u32, u32), thumb: &PixelImage, target: &Target) -> ThumbnailCheck {
    let scores: Vec<(Orientation, f64)> = crate::transform::ALL_ORIENTATIONS
        .iter()
        .map(|&o| {
            let (tr, fx, fy) = o.parts();
            (o, likeness(&geometry::orient(thumb, tr, fx, fy), target))
        })
        .collect();
    let stored = scores[0].1;
    let best_db = scores.iter().map(|s| s.1).fold(stored, f64::max);
    let turned = best_db >= SHOWS_DB && best_db >= stored + TURN_MARGIN_DB;
    // As stored it must also be (about) the best fit: a low-contrast picture can pass
    // the threshold in a wrong orientation.
    let shows = stored >= SHOWS_DB && stored >= best_db - AMBIGUOUS_DB;
    // A symmetric picture matches in several orientations: all are named.
    let turns = scores
        .iter()
        .filter(|s| s.0 != Orientation::Identity && s.1 >= best_db - AMBIGUOUS_DB)
        .map(|s| turn_name(s.0))
        .collect::<Vec<_>>()
        .join(" or ");
    let part = (!turned && stored < PART_SEARCH_DB)
        .then(|| image_part(thumb, size, target, stored))
        .flatten();
    let shows = shows && part.is_none();
    let verdict = if let Some(p) = &part {
        format!(
            "does not show the image ({stored:.1} dB) but more: the image is its part {}x{}+{}+{} ({:.1} dB): the image was cut from the picture the thumbnail shows",
            p.width, p.height, p.x, p.y, p.likeness_db
        )
    } else if turned {
        format!(
            "shows the image {turns} ({best_db:.1} dB against {stored:.1} as stored): the image was turned after the thumbnail was written"
        )
    } else if shows {
        format!("shows the image ({stored:.1} dB)")
    } else if stored >= SHOWS_DB {
        format!(
            "may not show the image: {stored:.1} dB as stored, {best_db:.1} {turns}; the image may have been changed after the thumbnail was written"
        )
    } else {
        format!(
            "does not show the image ({stored:.1} dB): the image was changed after the thumbnail was written, or the thumbnail replaced"
        )
    };
    ThumbnailCheck {
        kind: t.kind.label().to_string(),
        offset: t.offset,
        width: size.0,
        height: size.1,
        likeness_db: round1(stored),
        shows_image: shows,
        orientation_likeness_db: scores.iter().map(|s| round1(s.1)).collect(),
        turned: turned.then_some(turns),
        turned_likeness_db: turned.then_some(round1(best_db)),
        image_part: part,
        verdict,
    }
}

/// The longer side of the thumbnail when the image is looked for inside it.
const SEARCH: u32 = 64;
/// Below this likeness as stored, the image is looked for inside the thumbnail.
const PART_SEARCH_DB: f64 = 25.0;
/// How much better the image must fit a part of the thumbnail than all of it.
const PART_MARGIN_DB: f64 = 6.0;
/// The largest part (percent of the thumbnail's picture, bars left out) reported: a
/// camera's thumbnail may show a little more than its image (a Nikon D3100's shows
/// 13% more).
const MAX_PART: u64 = 80;

/// Where the image is inside a thumbnail that shows more than it (the image was cut
/// from the picture the thumbnail shows): the image, reduced to every size from a fifth
/// of the thumbnail's width up (its own shape kept), slid over the thumbnail at
/// [`SEARCH`] pixels across; the best place, in thumbnail pixels of `size`. Only a
/// place that shows the image well (3 dB over [`SHOWS_DB`], [`PART_MARGIN_DB`] over
/// `stored`), at most [`MAX_PART`] of the thumbnail and with picture round it (not a
/// flat frame) counts, and only for an image with contrast (a flat one fits anywhere
/// flat).
fn image_part(
    thumb: &PixelImage,
    size: (u32, u32),
    target: &Target,
    stored: f64,
) -> Option<ThumbnailPart> {
    let long = thumb.width.max(thumb.height);
    let scale =
        |v: u32| ((u64::from(v) * u64::from(SEARCH.min(long))) / u64::from(long)).max(1) as u32;
    let t = area_reduce(thumb, scale(thumb.width), scale(thumb.height));
    let (tw, th) = (t.width, t.height);
    let (iw, ih) = (
        u64::from(target.size.0.max(1)),
        u64::from(target.size.1.max(1)),
    );
    let mut best: Option<(u64, u32, u32, u32, u32)> = None;
    for cw in (tw / 5).max(6)..=tw {
        let ch = ((u64::from(cw) * ih + iw / 2) / iw) as u32;
        let whole = cw + 1 >= tw && ch + 1 >= th;
        let fits = ch >= 6 && ch <= th && target.picture.width >= cw && target.picture.height >= ch;
        if whole || !fits {
            continue;
        }
        let img = area_reduce(target.picture, cw, ch);
        if contrast(&img) < 8.0 {
            return None;
        }
        for y in 0..=th - ch {
            for x in 0..=tw - cw {
                // Stop summing once this place is worse than the best so far.
                let limit = best.map_or(u64::MAX, |b| b.0 * u64::from(cw * ch) / 1_000);
                let Some(sse) = squared_error(&t, &img, x, y, limit) else {
                    continue;
                };
                let per = sse * 1_000 / u64::from(cw * ch);
                if best.map_or(true, |b| per < b.0) {
                    best = Some((per, x, y, cw, ch));
                }
            }
        }
    }
    let (per, x, y, cw, ch) = best?;
    let db = crate::pixels::metrics::psnr_from_mse(per as f64 / 1_000.0).unwrap_or(99.0);
    // The part against the thumbnail's picture, its flat bars left out.
    let (bx0, by0, bx1, by1) = picture_box(&t);
    let part_of = u64::from(cw * ch) * 100 / u64::from(((bx1 - bx0) * (by1 - by0)).max(1));
    if db < SHOWS_DB + TURN_MARGIN_DB || db < stored + PART_MARGIN_DB || part_of > MAX_PART {
        return None;
    }
    // A flat surround is a frame the thumbnail put round the image (a border), not
    // more of the picture.
    let outside: Vec<u8> = (by0..by1)
        .flat_map(|j| (bx0..bx1).map(move |i| (i, j)))
        .filter(|&(i, j)| i < x || i >= x + cw || j < y || j >= y + ch)
        .map(|(i, j)| t.data[(j * tw + i) as usize])
        .collect();
    let surround = PixelImage {
        width: outside.len() as u32,
        height: 1,
        channels: 1,
        data: outside,
    };
    if contrast(&surround) < 8.0 {
        return None;
    }
    let back = |v: u32, full: u32, of: u32| {
        ((u64::from(v) * u64::from(full) + u64::from(of) / 2) / u64::from(of)) as u32
    };
    Some(ThumbnailPart {
        x: back(x, size.0, tw),
        y: back(y, size.1, th),
        width: back(cw, size.0, tw),
        height: back(ch, size.1, th),
        likeness_db: round1(db),
    })
}

/// The part of a gray thumbnail inside the flat bars at its edges (rows and columns
/// whose samples stay within a few levels of each other, as letterboxing leaves):
/// (x0, y0, x1, y1).
fn picture_box(t: &PixelImage) -> (u32, u32, u32, u32) {
    let (w, h) = (t.width, t.height);
    let at = |i: u32, j: u32| t.data[(j * w + i) as usize];
    let flat = |v: &mut dyn Iterator<Item = u8>| {
        let (lo, hi) = v.fold((255u8, 0u8), |(lo, hi), s| (lo.min(s), hi.max(s)));
        hi.saturating_sub(lo) <= 12
    };
    let (mut x0, mut y0, mut x1, mut y1) = (0, 0, w, h);
    while y0 + 1 < y1 && flat(&mut (x0..x1).map(|i| at(i, y0))) {
        y0 += 1;
    }
    while y1 > y0 + 1 && flat(&mut (x0..x1).map(|i| at(i, y1 - 1))) {
        y1 -= 1;
    }
    while x0 + 1 < x1 && flat(&mut (y0..y1).map(|j| at(x0, j))) {
        x0 += 1;
    }
    while x1 > x0 + 1 && flat(&mut (y0..y1).map(|j| at(x1 - 1, j))) {
        x1 -= 1;
    }
    (x0, y0, x1, y1)
}

/// The sum of squared differences of `img` and the part of `t` at (x, y) it covers;
/// `None` as soon as it passes `limit`.
fn squared_error(t: &PixelImage, img: &PixelImage, x: u32, y: u32, limit: u64) -> Option<u64> {
    let (tw, w) = (t.width as usize, img.width as usize);
    let mut sum = 0u64;
    for (j, row) in img.data.chunks_exact(w).enumerate() {
        let start = (y as usize + j) * tw + x as usize;
        let part = &t.data[start..start + w];
        let s: u32 = row
            .iter()
            .zip(part)
            .map(|(&a, &b)| {
                let d = u32::from(a.abs_diff(b));
                d * d
            })
            .sum();
        sum += u64::from(s);
        if sum > limit {
            return None;
        }
    }
    Some(sum)
}

/// The standard deviation of a gray picture's samples.
fn contrast(p: &PixelImage) -> f64 {
    let n = p.data.len().max(1) as f64;
    let mean = p.data.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    let var = p
        .data
        .iter()
        .map(|&v| (f64::from(v) - mean).powi(2))
        .sum::<f64>()
        / n;
    var.sqrt()
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// How the image relates to its thumbnail turned by `o`, in words.
fn turn_name(o: Orientation) -> &'static str {
    match o {
        Orientation::Identity => "as stored",
        Orientation::FlipH => "mirrored left to right",
        Orientation::Rot180 => "rotated 180°",
        Orientation::FlipV => "mirrored top to bottom",
        Orientation::Transpose => "transposed",
        Orientation::Rot90 => "rotated 90° clockwise",
        Orientation::Transverse => "transversed",
        Orientation::Rot270 => "rotated 270° clockwise",
    }
}

/// The best gray PSNR of `thumb` against the target image over the framings: the whole
/// image, fitted inside the thumbnail with bars, cropped to fill it, or without its
/// partial edge iMCUs on either side.
fn likeness(thumb: &PixelImage, target: &Target) -> f64 {
    let (image, size) = (target.picture, target.size);
    let (tw, th) = (thumb.width, thumb.height);
    let (iw, ih) = (u64::from(size.0.max(1)), u64::from(size.1.max(1)));
    let mut best = psnr_at_common_size(thumb, image);
    // Fitted inside the thumbnail with bars: the part of the thumbnail the image fills.
    let (fw, fh) = if iw * u64::from(th) >= ih * u64::from(tw) {
        (tw, ((u64::from(tw) * ih + iw / 2) / iw) as u32)
    } else {
        (((u64::from(th) * iw + ih / 2) / ih) as u32, th)
    };
    if (tw - fw.min(tw)) + (th - fh.min(th)) >= 2 && fw > 0 && fh > 0 {
        let inner = geometry::crop(thumb, (tw - fw) / 2, (th - fh) / 2, fw, fh);
        best = best.max(psnr_at_common_size(&inner, image));
    }
    // Cropped to fill the thumbnail: the middle part of the image with its shape.
    let (pw, ph) = (image.width, image.height);
    let (cw, ch) = if u64::from(pw) * u64::from(th) >= u64::from(ph) * u64::from(tw) {
        (
            (u64::from(ph) * u64::from(tw) / u64::from(th.max(1))) as u32,
            ph,
        )
    } else {
        (
            pw,
            (u64::from(pw) * u64::from(th) / u64::from(tw.max(1))) as u32,
        )
    };
    if (pw - cw.min(pw)) + (ph - ch.min(ph)) >= 2 && cw > 0 && ch > 0 {
        let middle = geometry::crop(image, (pw - cw) / 2, (ph - ch) / 2, cw, ch);
        best = best.max(psnr_at_common_size(thumb, &middle));
    }
    let scaled = |v: u32, to: u32, of: u64| ((u64::from(v) * u64::from(to) + of / 2) / of) as u32;
    let (sx, sy) = (
        scaled(target.partial.0, pw, iw),
        scaled(target.partial.1, ph, ih),
    );
    if sx + sy > 0 && sx < pw && sy < ph {
        for (x, y) in [(0, 0), (sx, 0), (0, sy), (sx, sy)] {
            let rest = geometry::crop(image, x, y, pw - sx, ph - sy);
            best = best.max(psnr_at_common_size(thumb, &rest));
        }
    }
    best
}

/// Gray PSNR of `a` and `b` both reduced to the smaller width and height, and to at
/// most [`COMPARED`] pixels on the longer side.
fn psnr_at_common_size(a: &PixelImage, b: &PixelImage) -> f64 {
    let (w, h) = (a.width.min(b.width), a.height.min(b.height));
    let long = w.max(h);
    let (w, h) = if long > COMPARED {
        (
            (u64::from(w) * u64::from(COMPARED)).div_ceil(u64::from(long)) as u32,
            (u64::from(h) * u64::from(COMPARED)).div_ceil(u64::from(long)) as u32,
        )
    } else {
        (w, h)
    };
    if w == 0 || h == 0 {
        return 0.0;
    }
    let (ra, rb) = (area_reduce(a, w, h), area_reduce(b, w, h));
    compare(&ra, &rb).and_then(|m| m.psnr).unwrap_or(99.0)
}
