//! Thumbnails kept a picture of the image. Exif IFD1 holds a reduced copy of the primary
//! image (Exif 2.3, 4.5.4), which file browsers and cameras show in its place, and
//! Photoshop's image resource 1036 (in APP13) another, which Adobe's programs show;
//! jpegtran copies both as they were, so a rotated or cropped photo keeps showing its
//! old self there. An edit that turns, mirrors, grays or crops the image does the same
//! to its thumbnails here:
//! * turned, mirrored or grayed without a change of size: the thumbnail gets the same
//!   transform, losslessly when its blocks allow it (as `--perfect`), else through its
//!   pixels (160×120 in 4:2:0 has a half row of MCUs that cannot move);
//! * otherwise (a crop, a trim, a drop, or partial edge blocks of a small image left in
//!   place, which a turned thumbnail would not show): a new thumbnail is made from the
//!   output's coefficients (the DC terms' 1/8-scale picture, or a reduced decode when
//!   that is smaller than the thumbnail), reduced by area averaging to fit the old
//!   thumbnail's box turned with the image, and coded with the old thumbnail's
//!   quantization tables and sampling, sequential, with the Annex K Huffman tables, as
//!   cameras write them; coarser IJG tables when the Exif segment would outgrow its
//!   64 KiB.

use super::{strip, CopyOptions, MetaEdits, PixelEncodeOptions, RestartSpec, TransformOptions};
use crate::coeffs::{CoefficientImage, PackedPlane};
use crate::container::edit::{
    exif_thumbnail, exif_thumbnail_room, irb_thumbnail, irb_thumbnail_room, replace_irb_thumbnail,
};
use crate::container::{
    classify, parse_dqt, parse_frame, JpegFile, KeepPolicy, Marker, MetaClass, Segment,
};
use crate::entropy::{CodingMode, HuffmanChoice};
use crate::error::{Warning, WarningKind};
use crate::pixels::preview::{area_reduce, dc_picture};
use crate::pixels::{
    decode_to_pixels, geometry, ColorSpace, EncodeParams, PixelImage, PixelOptions, QuantChoice,
    Sampling, Scale,
};
use crate::transform::{EdgePolicy, Orientation, Rect, Request};

/// The largest image whose blocks are expanded for a reduced decode (when its DC
/// picture is smaller than the thumbnail): 4 M pixels, about 12 MB of blocks in 4:2:0.
const DENSE_PIXELS: u64 = 1 << 22;

/// The output image's blocks, as the transform holds them: dense, or an image of empty
/// planes with one packed plane per component.
pub(super) enum Blocks<'a> {
    Dense(&'a CoefficientImage),
    Packed(&'a CoefficientImage, &'a [PackedPlane]),
}

impl Blocks<'_> {
    fn image(&self) -> &CoefficientImage {
        match self {
            Blocks::Dense(i) | Blocks::Packed(i, _) => i,
        }
    }
}

/// What an edit did: the input file, the transform and output options, the size
/// before and after.
pub(super) struct Edit<'a> {
    pub file: &'a JpegFile<'a>,
    /// The orientation change and grayscale (the crop shows in `output`).
    pub request: Request,
    pub options: &'a CopyOptions,
    pub source: (u32, u32),
    pub output: (u32, u32),
    /// The output's colour space (`None`: one jtool does not render).
    pub color: Option<ColorSpace>,
    /// The picture changed inside the frame (a drop): the thumbnail is drawn again.
    pub redrawn: bool,
    /// The output is the true transform of the input: no partial iMCU was left in place
    /// on a mirrored axis (jpegtran's default), which a turned thumbnail would not show.
    pub true_transform: bool,
    /// The Exif Orientation is set to 1 (auto-orient): so it is in the other images.
    pub reset_orientation: bool,
    /// The part of the turned image the output shows, when it is not all of it.
    pub region: Option<Rect>,
    /// Thumbnails made anew fit in a square of this side instead of the old ones' boxes
    /// (`thumbnail --regenerate --size`, `jhead -rgtN`).
    pub thumb_side: Option<u32>,
}

impl<'a> Edit<'a> {
    /// A transform of `file` from `source` to `output` pixels.
    pub fn of(file: &'a JpegFile<'a>, opts: &'a TransformOptions, source: (u32, u32)) -> Self {
        Edit {
            file,
            request: opts.request,
            options: &opts.output,
            source,
            output: source,
            color: None,
            redrawn: false,
            true_transform: true,
            reset_orientation: opts.reset_orientation,
            region: None,
            thumb_side: None,
        }
    }
}

impl Edit<'_> {
    /// The source size turned as the request turns it.
    pub fn turned_source(&self) -> (u32, u32) {
        if self.request.orientation.parts().0 {
            (self.source.1, self.source.0)
        } else {
            self.source
        }
    }

    /// The box a thumbnail made anew fits in: the square of `thumb_side` when given,
    /// else `old` (the old thumbnail's, or the new one's default).
    fn thumb_box(&self, old: (u32, u32)) -> (u32, u32) {
        self.thumb_side.map_or(old, |n| (n, n))
    }

    /// Whether the output is all of the picture, only turned: no crop, trim or drop.
    pub fn whole(&self) -> bool {
        self.output == self.turned_source() && !self.redrawn
    }
}

/// The metadata edits that keep the thumbnails and the images after EOI pictures of
/// the edited image: the new Exif thumbnail, the new bodies of JFXX and Photoshop
/// segments whose thumbnail changed, and the new data after EOI (see `secondary`).
pub(super) fn followed(edit: &Edit, blocks: &Blocks, warnings: &mut Vec<Warning>) -> MetaEdits {
    let mut edits = follow(edit, blocks, warnings);
    edits.trailer = super::secondary::follow(edit, blocks, warnings);
    edits
}

/// The thumbnails that show the edited image. Nothing changes when a class is not kept
/// or the edit leaves the picture as it was; when one cannot follow, a warning says
/// it still shows the old picture.
pub(super) fn follow(edit: &Edit, blocks: &Blocks, warnings: &mut Vec<Warning>) -> MetaEdits {
    let mut t = MetaEdits::default();
    let req = &edit.request;
    let resized = !edit.whole();
    if !resized && req.orientation == Orientation::Identity && !req.grayscale {
        return t;
    }
    let stale = |offset: usize, what: &str, remedy: &str| {
        Warning::at(
            offset,
            WarningKind::Other(format!(
                "the {what} could not be changed with the image and still shows it as it was ({remedy})"
            )),
        )
    };
    let keep = edit.options.keep;
    for seg in edit.file.segments() {
        match classify(seg) {
            MetaClass::Exif if keep.keeps(MetaClass::Exif) && t.thumbnail.is_none() => {
                let Some((at, len)) = exif_thumbnail(seg.body) else {
                    continue;
                };
                let budget = exif_thumbnail_room(seg.body).unwrap_or(0);
                t.thumbnail = new_thumbnail(&seg.body[at..at + len], budget, edit, blocks, resized);
                if t.thumbnail.is_none() {
                    let remedy = "strip --drop-exif-thumbnail removes it";
                    warnings.push(stale(seg.offset, "Exif thumbnail", remedy));
                }
            }
            class @ (MetaClass::Jfxx | MetaClass::Photoshop) if keep.keeps(class) => {
                let Some(new) = segment_thumbnail(seg, class, edit, blocks, resized) else {
                    continue;
                };
                match new {
                    Some(body) => t.segments.push((seg.offset, body)),
                    None if class == MetaClass::Jfxx => {
                        let remedy = "strip --keep without jfxx removes it";
                        warnings.push(stale(seg.offset, "JFXX thumbnail", remedy));
                    }
                    None => {
                        let remedy = "strip --keep without photoshop removes it";
                        warnings.push(stale(seg.offset, "Photoshop thumbnail", remedy));
                    }
                }
            }
            _ => {}
        }
    }
    t
}

/// The new body of a JFXX APP0 or Photoshop APP13 segment whose thumbnail follows the
/// edit: `None` when it holds no thumbnail, `Some(None)` when none can be made.
fn segment_thumbnail(
    seg: &Segment,
    class: MetaClass,
    edit: &Edit,
    blocks: &Blocks,
    resized: bool,
) -> Option<Option<Vec<u8>>> {
    let b = seg.body;
    // JFIF 1.02 extension: code 0x10 a JPEG, 0x13 RGB samples (0x11, a palette, is left
    // with a warning).
    match (class, b.get(5)) {
        (MetaClass::Jfxx, Some(0x13)) => Some(jfxx_rgb(b, edit, blocks, resized)),
        (MetaClass::Jfxx, Some(0x10)) | (MetaClass::Photoshop, _) => {
            with_jpeg_thumbnail(b, class, |old, budget| {
                new_thumbnail(old, budget, edit, blocks, resized)
            })
        }
        (MetaClass::Jfxx, _) => Some(None),
        _ => None,
    }
}

/// The body of a JFXX APP0 (code 0x10) or Photoshop APP13 segment with its JPEG
/// thumbnail replaced by what `remake` makes of the old one in the bytes the segment
/// has room for, Photoshop's resource header rewritten: `None` when it holds no JPEG
/// thumbnail, `Some(None)` when `remake` makes none.
pub(super) fn with_jpeg_thumbnail(
    b: &[u8],
    class: MetaClass,
    remake: impl FnOnce(&[u8], usize) -> Option<Vec<u8>>,
) -> Option<Option<Vec<u8>>> {
    match class {
        MetaClass::Jfxx => {
            (b.len() > 6 && b[5] == 0x10).then_some(())?;
            Some(remake(&b[6..], 0xFFFF - 2 - 6).map(|n| [&b[..6], &n[..]].concat()))
        }
        MetaClass::Photoshop => {
            let (at, len) = irb_thumbnail(b)?;
            let budget = irb_thumbnail_room(b).unwrap_or(0);
            Some(remake(&b[at..at + len], budget).and_then(|n| {
                let (w, h) = jpeg_size(&n)?;
                replace_irb_thumbnail(b, &n, w, h)
            }))
        }
        _ => None,
    }
}

/// The new picture for an old thumbnail of at most `budget` bytes.
fn new_thumbnail(
    thumb: &[u8],
    budget: usize,
    edit: &Edit,
    blocks: &Blocks,
    resized: bool,
) -> Option<Vec<u8>> {
    // Turning the thumbnail itself costs nothing next to reading every block of the
    // output. It shows the output unless partial edge blocks stayed in place and are
    // more than about a thumbnail pixel wide (an image under 16 times the thumbnail's
    // size; the blocks are at most 15 pixels in 4:2:0).
    let size = jpeg_size(thumb);
    let negligible = size.is_some_and(|(w, h)| edit.source.0 >= 16 * w && edit.source.1 >= 16 * h);
    let turn = !resized && (edit.true_transform || negligible);
    let transposes = edit.request.orientation.parts().0;
    turn.then(|| turned_thumbnail(thumb, edit))
        .flatten()
        .filter(|t| t.len() <= budget)
        .or_else(|| remade(thumb, edit, blocks, transposes, budget))
}

/// The width and height of a JPEG's frame (a thumbnail's, an image's after EOI).
pub(super) fn jpeg_size(thumb: &[u8]) -> Option<(u32, u32)> {
    let file = JpegFile::parse(thumb).ok()?;
    let frame = file.frame()?;
    Some((u32::from(frame.width), u32::from(frame.height)))
}

/// The thumbnail given the request's orientation and grayscale (see [`turn_embedded`]).
/// Its own Exif, if any, is not followed.
fn turned_thumbnail(thumb: &[u8], edit: &Edit) -> Option<Vec<u8>> {
    let request = Request {
        crop: None,
        ..edit.request
    };
    let keep = edit.options.keep.without(MetaClass::Exif);
    turn_embedded(thumb, request, edit, keep, false)
}

/// An image inside the file (the Exif thumbnail, an image after EOI) given `request`'s
/// orientation and grayscale: losslessly when its blocks allow it (as `--perfect`),
/// else through its pixels with its own tables and sampling. `keep` and
/// `reset_orientation` apply to its own metadata; sequential or progressive as it was,
/// Huffman-coded (arithmetic coding asked of the image is not forced on it).
pub(super) fn turn_embedded(
    image: &[u8],
    request: Request,
    edit: &Edit,
    keep: KeepPolicy,
    reset_orientation: bool,
) -> Option<Vec<u8>> {
    let mut t = TransformOptions {
        request: Request {
            edge: EdgePolicy::Perfect,
            ..request
        },
        output: CopyOptions {
            keep,
            ..embedded_options(edit.options)
        },
        reset_orientation,
    };
    if let Ok(done) = super::transform(image, &t) {
        return Some(done.output.bytes);
    }
    t.request.edge = EdgePolicy::Keep;
    super::via_pixels::transform(image, &t)
        .ok()
        .map(|done| done.output.bytes)
}

/// The output options for an image inside the file, from the file's own: its coding
/// mode, restart interval and scans kept, no ICC profile or strictness imposed, and
/// Huffman-coded even when the file is asked to be arithmetic-coded, as readers of
/// thumbnails and of the images after EOI expect.
pub(super) fn embedded_options(opts: &CopyOptions) -> CopyOptions {
    let huffman = match opts.huffman {
        HuffmanChoice::Arithmetic => HuffmanChoice::Optimal,
        h => h,
    };
    CopyOptions {
        mode: None,
        huffman,
        restart: RestartSpec::Keep,
        strict: false,
        scans: None,
        icc: None,
        ..opts.clone()
    }
}

/// A new thumbnail made from the output's blocks, fitted to the old thumbnail's box
/// (turned with the image) and coded like the old thumbnail.
pub(super) fn remade(
    thumb: &[u8],
    edit: &Edit,
    blocks: &Blocks,
    transposes: bool,
    budget: usize,
) -> Option<Vec<u8>> {
    let old = JpegFile::parse(thumb).ok()?;
    let sof = old.segments().find(|s| s.marker.is_sof())?;
    let frame = parse_frame(sof).ok()?;
    let old_box = edit.thumb_box((u32::from(frame.width), u32::from(frame.height)));
    let px = fitted_picture(edit, blocks, old_box, transposes)?;
    // The old thumbnail's tables first; coarser IJG tables while the segment overflows.
    let like = coded(&px, like_old(&old, &frame, px.channels));
    let coarser = [90, 75, 50, 25, 10].into_iter().filter_map(|q| {
        let s = (px.channels == 3).then_some(Sampling::S420);
        coded(
            &px,
            Some((QuantChoice::ijg(&[q], true), s.unwrap_or_default())),
        )
    });
    like.into_iter().chain(coarser).find(|t| t.len() <= budget)
}

/// The box of an Exif thumbnail made where there was none (Exif 2.3, 4.5.4: 160×120).
const NEW_BOX: (u32, u32) = (160, 120);

/// A new Exif thumbnail of the output, where the file had none: fitted to 160×120 (or
/// the square of `thumb_side`), IJG quality 75 tables, 4:2:2 as DCF thumbnails are,
/// sequential with the Annex K Huffman tables.
pub(super) fn fresh(edit: &Edit, blocks: &Blocks) -> Option<Vec<u8>> {
    let px = fitted_picture(edit, blocks, edit.thumb_box(NEW_BOX), false)?;
    coded(&px, Some((QuantChoice::ijg(&[75], true), Sampling::S422)))
}

/// A picture of the output fitted to `old_box` (turned with the image when
/// `transposes`), no larger than the blocks allow.
fn fitted_picture(
    edit: &Edit,
    blocks: &Blocks,
    old_box: (u32, u32),
    transposes: bool,
) -> Option<PixelImage> {
    let (bw, bh) = if transposes {
        (old_box.1, old_box.0)
    } else {
        old_box
    };
    let (w, h) = fit(edit.output, (bw.max(1), bh.max(1)));
    let picture = render(blocks, edit.color?, (w, h))?;
    let (w, h) = if picture.width < w || picture.height < h {
        (picture.width, picture.height)
    } else {
        (w, h)
    };
    Some(area_reduce(&picture, w, h))
}

/// A JFXX thumbnail stored as RGB samples (extension code 0x13, JFIF 1.02): the same
/// picture as the others get, its samples turned with the image when the size holds,
/// else made anew, at most 255×255.
fn jfxx_rgb(body: &[u8], edit: &Edit, blocks: &Blocks, resized: bool) -> Option<Vec<u8>> {
    let old = super::thumbnail_check::jfxx_rgb(body)?;
    let (t, fx, fy) = edit.request.orientation.parts();
    let px = if resized || edit.request.grayscale {
        // The stored size is a byte each way.
        let (w, h) = edit.thumb_box((old.width, old.height));
        fitted_picture(edit, blocks, (w.min(255), h.min(255)), t)?
    } else {
        geometry::orient(&old, t, fx, fy)
    };
    let (nw, nh) = (u8::try_from(px.width).ok()?, u8::try_from(px.height).ok()?);
    let mut out = body[..6].to_vec();
    out.extend_from_slice(&[nw, nh]);
    match px.channels {
        1 => out.extend(px.data.iter().flat_map(|&v| [v, v, v])),
        3 => out.extend_from_slice(&px.data),
        _ => return None,
    }
    Some(out)
}

/// `size` scaled to fit in `bounds`, keeping its aspect ratio (at least 1×1).
fn fit(size: (u32, u32), bounds: (u32, u32)) -> (u32, u32) {
    let (w, h) = (u64::from(size.0.max(1)), u64::from(size.1.max(1)));
    let (bw, bh) = (u64::from(bounds.0), u64::from(bounds.1));
    let scaled = |a: u64, num: u64, den: u64| ((a * num + den / 2) / den).max(1) as u32;
    if w * bh >= h * bw {
        (bounds.0, scaled(h, bw, w))
    } else {
        (scaled(w, bh, h), bounds.1)
    }
}

/// A picture of the blocks at least `want` in size when the image allows: the DC
/// picture (1/8 scale) when it is large enough or the image too large to expand, else
/// the image decoded at the smallest of 1/4, 1/2 and 1 that is.
fn render(blocks: &Blocks, color: ColorSpace, want: (u32, u32)) -> Option<PixelImage> {
    let img = blocks.image();
    let (w, h) = (img.width, img.height);
    let eighth = |k: u32, n: u32| (u64::from(n) * u64::from(k)).div_ceil(8);
    let big_enough =
        |k: u32| eighth(k, w) >= u64::from(want.0) && eighth(k, h) >= u64::from(want.1);
    // Packed blocks are expanded for a reduced decode only when the image is small;
    // dense ones are there already (a drop's output, an MPF preview to draw).
    let pixels = u64::from(w) * u64::from(h);
    let packed_large = pixels > DENSE_PIXELS && matches!(blocks, Blocks::Packed(..));
    if big_enough(1) || packed_large {
        let packed = match blocks {
            Blocks::Packed(_, p) => Some(*p),
            Blocks::Dense(_) => None,
        };
        return dc_picture(img, packed, color);
    }
    let k = [2, 4].into_iter().find(|&k| big_enough(k)).unwrap_or(8);
    let opts = PixelOptions {
        scale: Scale::from_fraction(k, 8).ok()?,
        threads: 1,
        ..PixelOptions::default()
    };
    match blocks {
        Blocks::Dense(i) => decode_to_pixels(i, color, &opts).ok(),
        Blocks::Packed(i, planes) => {
            let mut dense = (*i).clone();
            for (c, p) in dense.components.iter_mut().zip(planes.iter()) {
                c.plane = p.to_plane();
            }
            decode_to_pixels(&dense, color, &opts).ok()
        }
    }
}

/// The old thumbnail's tables (in their slots) and sampling, when it has what a
/// picture of `channels` samples needs (not for a gray thumbnail of a colour image).
pub(super) fn like_old(
    old: &JpegFile,
    frame: &crate::container::FrameHeader,
    channels: usize,
) -> Option<(QuantChoice, Sampling)> {
    let mut tables = [None; 4];
    for seg in old.segments().filter(|s| s.marker == Marker::DQT) {
        for (slot, t) in parse_dqt(seg).ok()? {
            tables[usize::from(slot)] = Some(t);
        }
    }
    let f = &frame.components;
    if f.len() != channels
        || f.iter()
            .any(|c| tables.get(usize::from(c.tq)).copied().flatten().is_none())
    {
        return None;
    }
    let mut slots = [f[0].tq; 3];
    for (s, c) in slots.iter_mut().zip(f) {
        *s = c.tq;
    }
    let sampling = if f.len() == 3 {
        Sampling::from_factors([(f[0].h, f[0].v), (f[1].h, f[1].v), (f[2].h, f[2].v)])
    } else {
        Sampling::S420
    };
    let choice = QuantChoice {
        tables,
        slots: Some(slots),
    };
    Some((choice, sampling))
}

/// `px` coded with these tables and sampling, sequential with the Annex K Huffman
/// tables, nothing between SOI and the tables (as cameras write thumbnails).
fn coded(px: &PixelImage, how: Option<(QuantChoice, Sampling)>) -> Option<Vec<u8>> {
    let bytes = encoded(px, how)?;
    strip(&bytes, KeepPolicy::NOTHING).ok().map(|o| o.bytes)
}

/// `px` coded with these tables and sampling, sequential with the Annex K Huffman
/// tables, as a JFIF file.
pub(super) fn encoded(px: &PixelImage, how: Option<(QuantChoice, Sampling)>) -> Option<Vec<u8>> {
    let (quant, sampling) = how?;
    let opts = PixelEncodeOptions {
        params: EncodeParams {
            sampling,
            threads: 1,
            ..EncodeParams::default()
        },
        quant: Some(quant),
        mode: CodingMode::Sequential,
        huffman: HuffmanChoice::Standard,
        ..PixelEncodeOptions::default()
    };
    super::encode_pixels(px, &opts).ok()
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn fitting_keeps_the_aspect_ratio_inside_the_box() {
        assert_eq!(fit((4000, 3000), (160, 120)), (160, 120));
        assert_eq!(fit((3000, 4000), (120, 160)), (120, 160));
        assert_eq!(fit((1024, 512), (160, 120)), (160, 80));
        assert_eq!(fit((512, 1024), (160, 120)), (60, 120));
        assert_eq!(fit((10_000, 1), (160, 120)), (160, 1));
        assert_eq!(fit((0, 0), (160, 120)), (120, 120));
    }
}
