//! Bytes → pixels: parse, entropy-decode, decide the colour space from the markers as
//! libjpeg does, and hand the coefficients to [`crate::pixels`].

use crate::container::{classify, FrameHeader, Item, JpegFile, Marker, MetaClass};
use crate::entropy::{self, Limits};
use crate::error::{Error, Result, Warning, WarningKind};
use crate::pixels::{decode_to_pixels, ColorSpace, PixelImage, PixelOptions};

/// Options of [`decode_file`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DecodeOptions {
    /// Upsampling, CMYK output and threads.
    pub pixels: PixelOptions,
    /// Resource limits.
    pub limits: Limits,
    /// Turn the first warning into an error.
    pub strict: bool,
}

/// A decoded file.
#[derive(Debug, Clone)]
pub struct DecodedPixels {
    /// The pixels.
    pub image: PixelImage,
    /// The colour space the components were taken to be in.
    pub color: ColorSpace,
    /// What was tolerated on the way.
    pub warnings: Vec<Warning>,
}

/// What the markers before the first scan say about colour (libjpeg reads only those).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ColorMarkers {
    /// A JFIF APP0 segment long enough for libjpeg to accept it (≥ 14 bytes).
    pub jfif: bool,
    /// The transform flag of the last Adobe APP14 segment (≥ 12 bytes).
    pub adobe_transform: Option<u8>,
}

/// Scans the segments before the first SOS for JFIF and Adobe markers.
pub fn color_markers(file: &JpegFile) -> ColorMarkers {
    let mut m = ColorMarkers::default();
    for item in &file.items {
        let Item::Segment(seg) = item else { break };
        match classify(seg) {
            MetaClass::Jfif if seg.marker == Marker::APP0 && seg.body.len() >= 14 => m.jfif = true,
            MetaClass::Adobe if seg.body.len() >= 12 => m.adobe_transform = Some(seg.body[11]),
            _ => {}
        }
    }
    m
}

/// libjpeg's guess of the colour space of the components (`default_decompress_parms`
/// in `jdapimin.c`): one component is gray; three are YCbCr when JFIF is present, else
/// as the Adobe transform says (0 RGB, 1 YCbCr, other values YCbCr with a warning),
/// else by component ids (1,2,3 YCbCr; 'R','G','B' RGB; anything else YCbCr); four are
/// CMYK unless an Adobe marker says transform 2 (YCCK) or anything but 0 (YCCK, with a
/// warning). Other component counts have no colour space.
pub fn detect_color_space(markers: ColorMarkers, frame: &FrameHeader) -> Result<(ColorSpace, Option<Warning>)> {
    let ids: Vec<u8> = frame.components.iter().map(|c| c.id).collect();
    let odd_transform = |t: u8| {
        Some(Warning { offset: None, mcu: None, kind: WarningKind::Other(format!("unknown Adobe color transform code {t}")) })
    };
    Ok(match ids.len() {
        1 => (ColorSpace::Gray, None),
        3 => {
            if markers.jfif {
                (ColorSpace::YCbCr, None)
            } else if let Some(t) = markers.adobe_transform {
                match t {
                    0 => (ColorSpace::Rgb, None),
                    1 => (ColorSpace::YCbCr, None),
                    t => (ColorSpace::YCbCr, odd_transform(t)),
                }
            } else if ids == [b'R', b'G', b'B'] {
                (ColorSpace::Rgb, None)
            } else {
                (ColorSpace::YCbCr, None)
            }
        }
        4 => match markers.adobe_transform {
            None | Some(0) => (ColorSpace::Cmyk, None),
            Some(2) => (ColorSpace::Ycck, None),
            Some(t) => (ColorSpace::Ycck, odd_transform(t)),
        },
        n => return Err(Error::unsupported(format!("{n}-component images in the pixel decoder"), None)),
    })
}

/// Decodes a JPEG file to pixels exactly as `djpeg -dct int` does (`-nosmooth` with
/// `opts.pixels.nosmooth`).
pub fn decode_file(data: &[u8], opts: &DecodeOptions) -> Result<DecodedPixels> {
    let file = JpegFile::parse(data)?;
    let decoded = entropy::decode(&file, &opts.limits)?;
    let mut warnings = file.warnings.clone();
    warnings.extend(decoded.warnings.iter().cloned());
    let (color, w) = detect_color_space(color_markers(&file), &decoded.frame)?;
    warnings.extend(w);
    super::check_strict(opts.strict, &warnings)?;
    let image = decode_to_pixels(&decoded.image, color, &opts.pixels)?;
    Ok(DecodedPixels { image, color, warnings })
}
