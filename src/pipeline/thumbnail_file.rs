//! The `thumbnail` command's work: a file's thumbnail taken out (as `jhead -st` and
//! `exiftool -b -ThumbnailImage` do), or every thumbnail made anew from the image (as
//! `exiftran -g` and `jhead -rgt` do for the Exif one), the image's bytes untouched.

use super::thumbnail::{follow, fresh, Blocks, Edit};
use super::thumbnail_check::{segment_thumbnails, thumbnails, Thumb, ThumbnailKind};
use super::{CopyOptions, MetaEdits, Output};
use crate::container::edit::{
    add_exif_thumbnail, exif_thumbnail, minimal_exif, new_exif_thumbnail, refresh_mpf,
    replace_exif_thumbnail,
};
use crate::container::{
    classify, write_segment, Item, JpegFile, KeepPolicy, Marker, MetaClass, Segment,
};
use crate::entropy::{self, Limits};
use crate::error::{Error, Result, WarningKind};
use crate::pixels::image_io;
use crate::transform::Request;

/// The thumbnail of `kind` (any: Exif, else Photoshop, else JFXX, else the MPF
/// preview) as a file of its own:
/// a JPEG as stored, or a JFXX thumbnail of RGB samples as a PPM. An error when the
/// file has none.
pub fn extract_thumbnail(data: &[u8], kind: Option<ThumbnailKind>) -> Result<Vec<u8>> {
    let file = JpegFile::parse(data)?;
    let found = thumbnails(&file);
    let order = [
        ThumbnailKind::Exif,
        ThumbnailKind::Photoshop,
        ThumbnailKind::Jfxx,
        ThumbnailKind::MpfPreview,
    ];
    let wanted = match &kind {
        Some(k) => std::slice::from_ref(k),
        None => &order[..],
    };
    let thumb = wanted
        .iter()
        .find_map(|k| found.iter().find(|t| t.kind == *k))
        .ok_or_else(|| {
            let what = kind.map_or(String::new(), |k| format!("{} ", k.label()));
            Error::BadRequest(format!("the file has no {what}thumbnail"))
        })?;
    Ok(match &thumb.picture {
        Thumb::Jpeg(bytes) => bytes.clone(),
        Thumb::Rgb(p) => image_io::encode_pnm(p)?,
    })
}

/// `data` with each thumbnail it keeps (Exif, Photoshop, JFXX) made anew from the
/// image: fitted to the old one's box, or to a square of `side` pixels when given (as
/// `jhead -rgtN`), coded with its tables and sampling (see `thumbnail`). Every other
/// byte stays, the image's scans included. A warning names a thumbnail that could not
/// be made. A file with none gets an Exif thumbnail, as `exiftran -g` gives one
/// (160×120 box, or the square; see `with_new_thumbnail`). (An MPF preview after EOI
/// is not made anew.)
pub fn regenerate_thumbnails(data: &[u8], limits: &Limits, side: Option<u32>) -> Result<Output> {
    let mut file = JpegFile::parse(data)?;
    let decoded = entropy::decode(&file, limits)?;
    let mut warnings = file.warnings.clone();
    warnings.extend(decoded.warnings.iter().cloned());
    let size = (decoded.image.width, decoded.image.height);
    let options = CopyOptions {
        keep: KeepPolicy::ALL,
        limits: *limits,
        ..CopyOptions::default()
    };
    let edit = Edit {
        file: &file,
        request: Request::default(),
        options: &options,
        source: size,
        output: size,
        color: super::colour_space(&file, &decoded, &decoded.image),
        redrawn: true,
        true_transform: true,
        reset_orientation: false,
        region: None,
        thumb_side: side,
    };
    let blocks = Blocks::Dense(&decoded.image);
    if segment_thumbnails(&file).is_empty() {
        let thumb = fresh(&edit, &blocks)
            .ok_or_else(|| Error::BadRequest("no thumbnail can be made of this image".into()))?;
        let bytes = with_exif_thumbnail(data, &file, &thumb)?;
        let bytes = refresh_mpf(&file, bytes);
        return Ok(Output { bytes, warnings });
    }
    let edits = follow(&edit, &blocks, &mut warnings);
    let bodies = new_bodies(&file, &edits);
    for item in &mut file.items {
        if let Item::Segment(s) = item {
            if let Some((_, body)) = bodies.iter().find(|(at, _)| *at == s.offset) {
                s.body = body;
            }
        }
    }
    let bytes = file.to_bytes();
    Ok(Output {
        bytes: refresh_mpf(&file, bytes),
        warnings,
    })
}

/// `data` with the JPEG `thumb` as its Exif thumbnail (as `jhead -rt` puts one in):
/// written over the old one (see `replace_exif_thumbnail`) when there is one, else
/// added as `with_exif_thumbnail` adds one. Every other byte stays, the image's scans
/// and the data after EOI included (an MPF index is kept right).
pub fn insert_thumbnail(data: &[u8], thumb: &[u8]) -> Result<Output> {
    let file = JpegFile::parse(data)?;
    let image = JpegFile::parse(thumb).is_ok_and(|t| t.segments().any(|s| s.marker.is_sof()));
    if !image {
        return Err(Error::BadRequest(
            "the thumbnail given is not a JPEG image".into(),
        ));
    }
    let exif = file
        .segments()
        .find(|s| classify(s) == MetaClass::Exif && exif_thumbnail(s.body).is_some());
    let bytes = match exif {
        Some(s) => {
            let body = replace_exif_thumbnail(s.body, thumb).ok_or_else(|| {
                Error::BadRequest("the thumbnail does not fit in the Exif segment (64 KiB)".into())
            })?;
            with_body(data, s, &body)
        }
        None => with_exif_thumbnail(data, &file, thumb)?,
    };
    Ok(Output {
        bytes: refresh_mpf(&file, bytes),
        warnings: file.warnings.clone(),
    })
}

/// `data` with the Exif segment of `donor` (another JPEG file) in place of its own,
/// or added after SOI (after the JFIF segment when there is one) when it has none: as
/// `jhead -te` puts back the Exif an editor dropped. PixelXDimension and
/// PixelYDimension are set to this image's size where the donor has them; every other
/// byte of `data` stays.
pub fn transplant_exif(data: &[u8], donor: &[u8]) -> Result<Output> {
    let file = JpegFile::parse(data)?;
    let theirs = JpegFile::parse(donor)?;
    let body = theirs
        .segments()
        .find(|s| classify(s) == MetaClass::Exif)
        .ok_or_else(|| Error::BadRequest("the file to take Exif from has none".into()))?
        .body;
    let edit = crate::container::edit::ExifEdit {
        orientation: None,
        dimensions: frame_size(&file),
    };
    let body = crate::container::edit::edit_exif(body, &edit).unwrap_or_else(|| body.to_vec());
    let bytes = match file.segments().find(|s| classify(s) == MetaClass::Exif) {
        Some(s) => with_body(data, s, &body),
        None => with_new_exif(data, &file, &body),
    };
    Ok(Output {
        bytes: refresh_mpf(&file, bytes),
        warnings: file.warnings.clone(),
    })
}

/// `data` with a minimal Exif segment (see [`minimal_exif`]) dated `date`, for a file
/// that has none (as `jhead -mkexif` makes one); a file with Exif is left as it is,
/// with a warning (jhead would replace it, and its camera data with it).
/// `date` is None when it is not known (Exif's blank `    :  :     :  :  ` then).
pub fn new_exif(data: &[u8], date: Option<&super::ExifDateTime>) -> Result<Output> {
    let file = JpegFile::parse(data)?;
    let mut warnings = file.warnings.clone();
    if let Some(s) = file.exif_segment() {
        let why = "the file has Exif already; left as it is".to_string();
        warnings.push(crate::error::Warning::at(s.offset, WarningKind::Other(why)));
        return Ok(Output {
            bytes: data.to_vec(),
            warnings,
        });
    }
    let (w, h) = frame_size(&file).unwrap_or((0, 0));
    let stamp = date.map_or("    :  :     :  :  ".to_string(), |d| d.to_string());
    let body = minimal_exif(&stamp, w, h);
    Ok(Output {
        bytes: refresh_mpf(&file, with_new_exif(data, &file, &body)),
        warnings,
    })
}

/// The frame's width and height, when its header reads.
fn frame_size(file: &JpegFile) -> Option<(u32, u32)> {
    let f = file.frame()?;
    Some((u32::from(f.width), u32::from(f.height)))
}

/// `data` with the JPEG `thumb` added as its Exif thumbnail (as `exiftran -g` adds
/// one): an IFD1 appended to the Exif segment, or a new Exif segment holding only the
/// thumbnail after SOI (after the JFIF segment when there is one).
fn with_exif_thumbnail(data: &[u8], file: &JpegFile, thumb: &[u8]) -> Result<Vec<u8>> {
    if let Some(s) = file.segments().find(|s| classify(s) == MetaClass::Exif) {
        let body = add_exif_thumbnail(s.body, thumb).ok_or_else(|| {
            Error::BadRequest(
                "the Exif segment has no room for a thumbnail, or its IFD1 holds one jtool does not read"
                    .into(),
            )
        })?;
        return Ok(with_body(data, s, &body));
    }
    let body = new_exif_thumbnail(thumb).ok_or_else(|| {
        Error::BadRequest("the thumbnail is too large for an Exif segment".into())
    })?;
    Ok(with_new_exif(data, file, &body))
}

/// `data` with an Exif APP1 segment holding `body` added after SOI, or after the JFIF
/// segment when there is one (JFIF must come first; Exif readers look right after).
pub(super) fn with_new_exif(data: &[u8], file: &JpegFile, body: &[u8]) -> Vec<u8> {
    let at = match file.segments().find(|s| s.marker != Marker::SOI) {
        Some(s) if classify(s) == MetaClass::Jfif => s.body_offset() + s.body.len(),
        _ => 2,
    };
    let mut out = data[..at].to_vec();
    write_segment(&mut out, Marker::APP1, body);
    out.extend_from_slice(&data[at..]);
    out
}

/// `data` with segment `s` holding `body` (at most 65533 bytes) instead of its own.
pub(super) fn with_body(data: &[u8], s: &Segment, body: &[u8]) -> Vec<u8> {
    let mut out = data[..s.offset].to_vec();
    write_segment(&mut out, s.marker, body);
    out.extend_from_slice(&data[s.body_offset() + s.body.len()..]);
    out
}

/// The new body of each segment whose thumbnail `edits` replaces, by offset.
fn new_bodies(file: &JpegFile, edits: &MetaEdits) -> Vec<(usize, Vec<u8>)> {
    let mut bodies = edits.segments.clone();
    if let Some(thumb) = &edits.thumbnail {
        let exif = file
            .segments()
            .find(|s| classify(s) == MetaClass::Exif && exif_thumbnail(s.body).is_some());
        if let Some(s) = exif {
            if let Some(body) = replace_exif_thumbnail(s.body, thumb) {
                bodies.push((s.offset, body));
            }
        }
    }
    bodies
}

/// A transform (or auto-orient, `auto`) of the image alone: the Exif thumbnail is put
/// back as it was (exiftran -nt). A file without one is transformed as usual.
pub fn transform_leaving_thumbnail(
    data: &[u8],
    opts: &super::TransformOptions,
    auto: bool,
) -> Result<super::Transformed> {
    let mut t = match auto {
        true => super::auto_orient(data, opts)?,
        false => super::transform(data, opts)?,
    };
    let keeps = opts.output.keep.keeps(MetaClass::Exif);
    if let (true, Ok(old)) = (keeps, extract_thumbnail(data, Some(ThumbnailKind::Exif))) {
        t.output.bytes = insert_thumbnail(&t.output.bytes, &old)?.bytes;
    }
    Ok(t)
}

/// The Exif thumbnail alone transformed as `opts` asks (or turned upright, `auto`, by
/// the file's Orientation), losslessly, a partial iMCU at a mirrored edge dropped; the
/// image and every other byte stay, but for the Orientation, set to 1 with
/// `opts.reset_orientation` (exiftran -ni).
pub fn transform_thumbnail_only(
    data: &[u8],
    opts: &super::TransformOptions,
    auto: bool,
) -> Result<Output> {
    let opts = match auto {
        true => super::transform::upright_options(data, opts)?,
        false => opts.clone(),
    };
    if opts.request.crop.is_some() {
        return Err(Error::BadRequest(
            "a crop of the image cannot be made on its thumbnail alone".into(),
        ));
    }
    let mut out = match extract_thumbnail(data, Some(ThumbnailKind::Exif)) {
        Ok(thumb) => turned_thumbnail_in(data, &thumb, &opts)?,
        // No thumbnail: nothing to turn (the Orientation still changes, as in exiftran).
        Err(_) => Output {
            bytes: data.to_vec(),
            warnings: JpegFile::parse(data)?.warnings,
        },
    };
    if opts.reset_orientation && super::orientation(data)?.is_some_and(|o| o != 1) {
        out.bytes = super::set_orientation(&out.bytes, 1)?.bytes;
    }
    Ok(out)
}

/// `data` with its Exif thumbnail `thumb` replaced by the thumbnail transformed as
/// `opts` asks.
fn turned_thumbnail_in(
    data: &[u8],
    thumb: &[u8],
    opts: &super::TransformOptions,
) -> Result<Output> {
    // A partial iMCU at a mirrored edge is dropped, as exiftran drops it: the
    // thumbnail is then a true turn of the old one.
    let inner = super::TransformOptions {
        request: Request {
            edge: crate::transform::EdgePolicy::Trim,
            ..opts.request
        },
        output: CopyOptions {
            keep: KeepPolicy::ALL,
            ..opts.output.clone()
        },
        reset_orientation: false,
    };
    let turned = super::transform(thumb, &inner)?;
    let mut out = insert_thumbnail(data, &turned.output.bytes)?;
    out.warnings.extend(turned.output.warnings);
    Ok(out)
}
