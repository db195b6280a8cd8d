//! Every entry of a file's Exif structure, named and shown (what `exiftran -d` and
//! `jhead -v` print): IFD0, the Exif IFD, the GPS IFD, the Interoperability IFD and
//! IFD1, each entry with its tag, type, count and values as stored. Maker notes are
//! shown as their byte count: their layout is each maker's own.

use crate::container::exif::{field_type, Ifd, IfdEntry, Tiff, APP1_TIFF_START};
use crate::container::JpegFile;
use crate::error::Result;

/// One IFD entry.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ExifField {
    /// The IFD: `IFD0`, `Exif`, `GPS`, `Interop` or `IFD1`.
    pub ifd: &'static str,
    pub tag: u16,
    /// The name Exif 2.32 / TIFF 6.0 give the tag, if it is one of theirs.
    pub name: Option<&'static str>,
    /// TIFF field type (1 BYTE … 12 DOUBLE).
    pub typ: u16,
    pub count: u32,
    /// The values as text: strings as they are, numbers separated by spaces, rationals
    /// as `n/d`; long or binary values shortened (`N bytes`).
    pub value: String,
    /// Byte offset of the 12-byte entry in the file.
    pub offset: usize,
}

/// The tag names of Exif 2.32 (CIPA DC-008) and TIFF 6.0 for the IFD they belong to.
fn tag_name(ifd: &str, tag: u16) -> Option<&'static str> {
    match ifd {
        "GPS" => gps_name(tag),
        "Interop" => match tag {
            0x0001 => Some("InteroperabilityIndex"),
            0x0002 => Some("InteroperabilityVersion"),
            0x1000 => Some("RelatedImageFileFormat"),
            0x1001 => Some("RelatedImageWidth"),
            0x1002 => Some("RelatedImageLength"),
            _ => None,
        },
        _ => tiff_name(tag).or_else(|| exif_name(tag)),
    }
}

fn tiff_name(tag: u16) -> Option<&'static str> {
    Some(match tag {
        0x00FE => "NewSubfileType",
        0x0100 => "ImageWidth",
        0x0101 => "ImageLength",
        0x0102 => "BitsPerSample",
        0x0103 => "Compression",
        0x0106 => "PhotometricInterpretation",
        0x010E => "ImageDescription",
        0x010F => "Make",
        0x0110 => "Model",
        0x0111 => "StripOffsets",
        0x0112 => "Orientation",
        0x0115 => "SamplesPerPixel",
        0x0116 => "RowsPerStrip",
        0x0117 => "StripByteCounts",
        0x011A => "XResolution",
        0x011B => "YResolution",
        0x011C => "PlanarConfiguration",
        0x0128 => "ResolutionUnit",
        0x012D => "TransferFunction",
        0x0131 => "Software",
        0x0132 => "DateTime",
        0x013B => "Artist",
        0x013E => "WhitePoint",
        0x013F => "PrimaryChromaticities",
        0x0201 => "JPEGInterchangeFormat",
        0x0202 => "JPEGInterchangeFormatLength",
        0x0211 => "YCbCrCoefficients",
        0x0212 => "YCbCrSubSampling",
        0x0213 => "YCbCrPositioning",
        0x0214 => "ReferenceBlackWhite",
        0x02BC => "XMLPacket",
        0x4746 => "Rating",
        0x8298 => "Copyright",
        0x83BB => "IPTC-NAA",
        0x8769 => "ExifIFDPointer",
        0x8773 => "InterColorProfile",
        0x8825 => "GPSInfoIFDPointer",
        0x9C9B => "XPTitle",
        0x9C9C => "XPComment",
        0x9C9D => "XPAuthor",
        0x9C9E => "XPKeywords",
        0x9C9F => "XPSubject",
        0xC4A5 => "PrintImageMatching",
        0xEA1C => "Padding",
        _ => return None,
    })
}

fn exif_name(tag: u16) -> Option<&'static str> {
    Some(match tag {
        0x829A => "ExposureTime",
        0x829D => "FNumber",
        0x8822 => "ExposureProgram",
        0x8824 => "SpectralSensitivity",
        0x8827 => "PhotographicSensitivity",
        0x8828 => "OECF",
        0x8830 => "SensitivityType",
        0x8831 => "StandardOutputSensitivity",
        0x8832 => "RecommendedExposureIndex",
        0x8833 => "ISOSpeed",
        0x9000 => "ExifVersion",
        0x9003 => "DateTimeOriginal",
        0x9004 => "DateTimeDigitized",
        0x9010 => "OffsetTime",
        0x9011 => "OffsetTimeOriginal",
        0x9012 => "OffsetTimeDigitized",
        0x9101 => "ComponentsConfiguration",
        0x9102 => "CompressedBitsPerPixel",
        0x9201 => "ShutterSpeedValue",
        0x9202 => "ApertureValue",
        0x9203 => "BrightnessValue",
        0x9204 => "ExposureBiasValue",
        0x9205 => "MaxApertureValue",
        0x9206 => "SubjectDistance",
        0x9207 => "MeteringMode",
        0x9208 => "LightSource",
        0x9209 => "Flash",
        0x920A => "FocalLength",
        0x9214 => "SubjectArea",
        0x927C => "MakerNote",
        0x9286 => "UserComment",
        0x9290 => "SubSecTime",
        0x9291 => "SubSecTimeOriginal",
        0x9292 => "SubSecTimeDigitized",
        0xA000 => "FlashpixVersion",
        0xA001 => "ColorSpace",
        0xA002 => "PixelXDimension",
        0xA003 => "PixelYDimension",
        0xA004 => "RelatedSoundFile",
        0xA005 => "InteroperabilityIFDPointer",
        0xA20B => "FlashEnergy",
        0xA20C => "SpatialFrequencyResponse",
        0xA20E => "FocalPlaneXResolution",
        0xA20F => "FocalPlaneYResolution",
        0xA210 => "FocalPlaneResolutionUnit",
        0xA214 => "SubjectLocation",
        0xA215 => "ExposureIndex",
        0xA217 => "SensingMethod",
        0xA300 => "FileSource",
        0xA301 => "SceneType",
        0xA302 => "CFAPattern",
        0xA401 => "CustomRendered",
        0xA402 => "ExposureMode",
        0xA403 => "WhiteBalance",
        0xA404 => "DigitalZoomRatio",
        0xA405 => "FocalLengthIn35mmFilm",
        0xA406 => "SceneCaptureType",
        0xA407 => "GainControl",
        0xA408 => "Contrast",
        0xA409 => "Saturation",
        0xA40A => "Sharpness",
        0xA40B => "DeviceSettingDescription",
        0xA40C => "SubjectDistanceRange",
        0xA420 => "ImageUniqueID",
        0xA430 => "CameraOwnerName",
        0xA431 => "BodySerialNumber",
        0xA432 => "LensSpecification",
        0xA433 => "LensMake",
        0xA434 => "LensModel",
        0xA435 => "LensSerialNumber",
        0xA460 => "CompositeImage",
        0xA500 => "Gamma",
        _ => return None,
    })
}

fn gps_name(tag: u16) -> Option<&'static str> {
    const NAMES: [&str; 32] = [
        "GPSVersionID",
        "GPSLatitudeRef",
        "GPSLatitude",
        "GPSLongitudeRef",
        "GPSLongitude",
        "GPSAltitudeRef",
        "GPSAltitude",
        "GPSTimeStamp",
        "GPSSatellites",
        "GPSStatus",
        "GPSMeasureMode",
        "GPSDOP",
        "GPSSpeedRef",
        "GPSSpeed",
        "GPSTrackRef",
        "GPSTrack",
        "GPSImgDirectionRef",
        "GPSImgDirection",
        "GPSMapDatum",
        "GPSDestLatitudeRef",
        "GPSDestLatitude",
        "GPSDestLongitudeRef",
        "GPSDestLongitude",
        "GPSDestBearingRef",
        "GPSDestBearing",
        "GPSDestDistanceRef",
        "GPSDestDistance",
        "GPSProcessingMethod",
        "GPSAreaInformation",
        "GPSDateStamp",
        "GPSDifferential",
        "GPSHPositioningError",
    ];
    NAMES.get(usize::from(tag)).copied()
}

/// Values shown before a long list is cut short.
const MAX_SHOWN: usize = 16;

/// An entry's values as text.
fn show(tiff: &Tiff, e: &IfdEntry) -> String {
    let Some(bytes) = tiff.value_bytes(e) else {
        return match e.byte_len() {
            None => format!("unknown type {}", e.typ),
            Some(n) => format!("{n} bytes outside the Exif data"),
        };
    };
    let o = tiff.order;
    let n = (e.count as usize).min(MAX_SHOWN);
    let list = |f: &dyn Fn(usize) -> Option<String>| -> String {
        let mut v: Vec<String> = (0..n).filter_map(f).collect();
        if e.count as usize > n {
            v.push(format!("… ({} values)", e.count));
        }
        v.join(" ")
    };
    let u16_at = |i: usize| o.u16(bytes, 2 * i);
    let u32_at = |i: usize| o.u32(bytes, i);
    match e.typ {
        field_type::ASCII => {
            let text = bytes.split(|&c| c == 0).next().unwrap_or(&[]);
            String::from_utf8_lossy(text).escape_debug().to_string()
        }
        field_type::BYTE => list(&|i| Some(bytes[i].to_string())),
        6 => list(&|i| Some((bytes[i] as i8).to_string())),
        field_type::SHORT => list(&|i| u16_at(i).map(|v| v.to_string())),
        8 => list(&|i| u16_at(i).map(|v| (v as i16).to_string())),
        field_type::LONG => list(&|i| u32_at(4 * i).map(|v| v.to_string())),
        9 => list(&|i| u32_at(4 * i).map(|v| (v as i32).to_string())),
        field_type::RATIONAL => {
            list(&|i| Some(format!("{}/{}", u32_at(8 * i)?, u32_at(8 * i + 4)?)))
        }
        10 => list(&|i| {
            let (a, b) = (u32_at(8 * i)? as i32, u32_at(8 * i + 4)? as i32);
            Some(format!("{a}/{b}"))
        }),
        11 => list(&|i| u32_at(4 * i).map(|v| f32::from_bits(v).to_string())),
        12 => list(&|i| {
            let (a, b) = (u32_at(8 * i)?, u32_at(8 * i + 4)?);
            let bits = match o {
                crate::container::exif::ByteOrder::LittleEndian => {
                    u64::from(b) << 32 | u64::from(a)
                }
                crate::container::exif::ByteOrder::BigEndian => u64::from(a) << 32 | u64::from(b),
            };
            Some(f64::from_bits(bits).to_string())
        }),
        _ => undefined(bytes, e.tag),
    }
}

/// UNDEFINED bytes: short printable text as text (ExifVersion's `0230`), else the
/// byte count and the first bytes in hex.
fn undefined(bytes: &[u8], tag: u16) -> String {
    let printable = bytes.iter().all(|&c| (0x20..0x7F).contains(&c));
    if printable && bytes.len() <= 64 && tag != 0x927C {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let head: Vec<String> = bytes.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let more = if bytes.len() > 8 { " …" } else { "" };
    format!("{} bytes: {}{more}", bytes.len(), head.join(" "))
}

/// The IFDs a pointer tag leads to: (tag, name of the IFD it points to).
const POINTERS: [(u16, &str); 3] = [(0x8769, "Exif"), (0x8825, "GPS"), (0xA005, "Interop")];

/// Every entry of the file's first Exif segment, IFD by IFD (IFD0, the IFDs it points
/// to, then IFD1 and those it points to). A file without Exif has none.
pub fn exif_fields(data: &[u8]) -> Result<Vec<ExifField>> {
    Ok(walk_exif(data)?.map(|w| w.fields).unwrap_or_default())
}

/// The IFDs of a file's first Exif segment and their entries, as read by [`Walker`].
struct Walked<'d> {
    /// File offset of the TIFF header.
    base: usize,
    /// The TIFF data (the segment's body after the Exif identifier).
    tiff: Tiff<'d>,
    fields: Vec<ExifField>,
    /// Each IFD read, with its name, in the order read.
    ifds: Vec<(&'static str, Ifd)>,
}

/// Walks the first Exif segment's IFDs; `None` when the file has no readable Exif.
fn walk_exif(data: &[u8]) -> Result<Option<Walked<'_>>> {
    let file = JpegFile::parse(data)?;
    let Some(seg) = file.exif_segment() else {
        return Ok(None);
    };
    let base = seg.body_offset() + APP1_TIFF_START;
    let Some(tiff) = seg.body.get(APP1_TIFF_START..).and_then(Tiff::parse) else {
        return Ok(None);
    };
    let mut w = Walker {
        tiff: &tiff,
        base,
        seen: Vec::new(),
        problems: Vec::new(),
        fields: Vec::new(),
        ifds: Vec::new(),
    };
    let next = w.walk("IFD0", tiff.ifd0_offset).and_then(|n| n);
    if let Some(next) = next.filter(|&n| n != 0) {
        w.walk("IFD1", next);
    }
    let (fields, ifds) = (w.fields, w.ifds);
    Ok(Some(Walked {
        base,
        tiff,
        fields,
        ifds,
    }))
}

/// What a walk over the IFDs has found so far.
struct Walker<'t, 'd> {
    tiff: &'t Tiff<'d>,
    /// File offset of the TIFF header.
    base: usize,
    /// IFD offsets read (a loop in the structure ends there).
    seen: Vec<u32>,
    problems: Vec<String>,
    fields: Vec<ExifField>,
    ifds: Vec<(&'static str, Ifd)>,
}

impl Walker<'_, '_> {
    /// Reads one IFD's entries, then the IFDs its pointer tags lead to; never the same
    /// IFD twice. The IFD's link to the next one, when it was read.
    fn walk(&mut self, name: &'static str, offset: u32) -> Option<Option<u32>> {
        if self.seen.contains(&offset) || self.seen.len() > 16 {
            return None;
        }
        self.seen.push(offset);
        let ifd = self.tiff.read_ifd(offset, &mut self.problems)?;
        for e in &ifd.entries {
            self.fields.push(ExifField {
                ifd: name,
                tag: e.tag,
                name: tag_name(name, e.tag),
                typ: e.typ,
                count: e.count,
                value: show(self.tiff, e),
                offset: self.base + e.entry_offset,
            });
        }
        let next = ifd.next;
        let pointers: Vec<(u32, &'static str)> = POINTERS
            .iter()
            .filter(|_| name != "GPS" && name != "Interop")
            .filter_map(|&(tag, sub)| Some((self.tiff.uint(ifd.find(tag)?, 0)?, sub)))
            .collect();
        self.ifds.push((name, ifd));
        for (at, sub) in pointers {
            self.walk(sub, at);
        }
        Some(next)
    }
}

/// One stretch of an Exif segment's TIFF data and what claims it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExifRegion {
    /// Offset from the start of the TIFF header (as Exif offsets count).
    pub start: usize,
    /// End, exclusive.
    pub end: usize,
    /// "TIFF header", "IFD0 directory (8 entries)", "IFD0 0x010f Make", "IFD1
    /// thumbnail (JPEG)", or "unclaimed" (no entry points there; "all zero" when it is).
    pub what: String,
    /// Whether the region begins before the one listed before it ends: two claims on
    /// the same bytes (a damaged or crafted structure).
    pub overlaps: bool,
}

/// Where the bytes of a file's Exif segment go (what `jhead -exifmap` shows): the TIFF
/// header, each IFD's directory, each value stored outside its 12-byte entry, the IFD1
/// thumbnail, and the bytes none of them claims, in offset order. Unclaimed bytes are
/// where data can hide from every Exif reader: a forensic check, beside the padding
/// some firmware leaves (all zero).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExifMap {
    /// File offset of the TIFF header.
    pub tiff_offset: usize,
    /// Bytes of TIFF data (the segment after its `Exif` identifier).
    pub length: usize,
    /// "big-endian" or "little-endian".
    pub byte_order: &'static str,
    pub regions: Vec<ExifRegion>,
}

/// The map of the file's first Exif segment; `None` when it has none readable.
pub fn exif_map(data: &[u8]) -> Result<Option<ExifMap>> {
    let Some(w) = walk_exif(data)? else {
        return Ok(None);
    };
    let mut claims: Vec<(usize, usize, String)> = vec![(0, 8, "TIFF header".into())];
    for (name, ifd) in &w.ifds {
        let span = ifd.span();
        let entries = ifd.stored_count;
        claims.push((
            span.start,
            span.end,
            format!("{name} directory ({entries} entries)"),
        ));
        for e in &ifd.entries {
            let (Some(at), Some(n)) = (e.value_offset, e.byte_len()) else {
                continue;
            };
            // Values of four bytes or less live in the entry itself (TIFF 6.0, 2).
            if n > 4 {
                let what = match tag_name(name, e.tag) {
                    Some(tag) => format!("{name} 0x{:04x} {tag}", e.tag),
                    None => format!("{name} 0x{:04x}", e.tag),
                };
                claims.push((at, at + n, what));
            }
        }
    }
    if let Some((at, n)) = thumbnail_span(&w) {
        claims.push((at, at + n, "IFD1 thumbnail (JPEG)".into()));
    }
    claims.sort_by_key(|&(start, end, _)| (start, end));
    Ok(Some(ExifMap {
        tiff_offset: w.base,
        length: w.tiff.data.len(),
        byte_order: w.tiff.order.describe(),
        regions: with_gaps(claims, w.tiff.data),
    }))
}

/// IFD1's JPEGInterchangeFormat and JPEGInterchangeFormatLength, when both are read.
fn thumbnail_span(w: &Walked) -> Option<(usize, usize)> {
    use crate::container::exif::tags;
    let (_, ifd1) = w.ifds.iter().find(|(name, _)| *name == "IFD1")?;
    let value = |tag| Some(w.tiff.uint(ifd1.find(tag)?, 0)? as usize);
    Some((
        value(tags::THUMBNAIL_OFFSET)?,
        value(tags::THUMBNAIL_LENGTH)?,
    ))
}

/// The claims (sorted) as regions, with the stretches of `tiff` between and after
/// them that nothing claims.
fn with_gaps(claims: Vec<(usize, usize, String)>, tiff: &[u8]) -> Vec<ExifRegion> {
    let mut out = Vec::new();
    let mut covered = 0usize;
    let unclaimed = |from: usize, to: usize, out: &mut Vec<ExifRegion>| {
        let bytes = tiff.get(from..to.min(tiff.len())).unwrap_or(&[]);
        let what = match bytes.iter().all(|&b| b == 0) {
            true => "unclaimed (all zero)",
            false => "unclaimed",
        };
        out.push(ExifRegion {
            start: from,
            end: to,
            what: what.into(),
            overlaps: false,
        });
    };
    for (start, end, what) in claims {
        if start > covered {
            unclaimed(covered, start.min(tiff.len()).max(covered), &mut out);
        }
        out.push(ExifRegion {
            start,
            end,
            what,
            overlaps: start < covered,
        });
        covered = covered.max(end);
    }
    if covered < tiff.len() {
        unclaimed(covered, tiff.len(), &mut out);
    }
    out.retain(|r| r.end > r.start || r.what.starts_with("TIFF"));
    out
}

/// The first value of the entry named `name` (in any IFD but IFD1).
fn first<'f>(fields: &'f [ExifField], name: &str) -> Option<&'f str> {
    let f = fields
        .iter()
        .find(|f| f.name == Some(name) && f.ifd != "IFD1")?;
    let v = f.value.as_str();
    Some(if f.typ == field_type::ASCII {
        v.trim()
    } else {
        v.split(' ').next()?
    })
}

/// A rational value `n/d` as a number.
fn ratio(v: &str) -> Option<f64> {
    let (n, d) = v.split_once('/')?;
    let (n, d): (f64, f64) = (n.parse().ok()?, d.parse().ok()?);
    (d != 0.0).then_some(n / d)
}

/// GPS latitude or longitude (three rationals: degrees, minutes, seconds) with its
/// reference letter, in decimal degrees.
fn gps(fields: &[ExifField], name: &str) -> Option<String> {
    let f = fields
        .iter()
        .find(|f| f.ifd == "GPS" && f.name == Some(name))?;
    let v: Vec<f64> = f.value.split(' ').filter_map(ratio).collect();
    let [d, m, s] = v[..] else { return None };
    let r = first(fields, &format!("{name}Ref")).unwrap_or("?");
    Some(format!("{r} {:.6}", d + m / 60.0 + s / 3600.0))
}

/// A summary of the picture's Exif, as `jhead` prints it without options: camera,
/// date, exposure, flash, white balance, metering, GPS position. Each line is a label
/// and a value; entries a file lacks give no line.
pub fn exif_summary(fields: &[ExifField]) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let text = |n: &str| {
        first(fields, n)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let num = |n: &str| first(fields, n).and_then(|v| v.parse::<u32>().ok());
    let real = |n: &str| first(fields, n).and_then(ratio);
    let mut put = |label, v: Option<String>| out.extend(v.map(|v| (label, v)));
    put("Camera make", text("Make"));
    put("Camera model", text("Model"));
    put(
        "Date/Time",
        text("DateTimeOriginal").or_else(|| text("DateTime")),
    );
    put(
        "Orientation",
        num("Orientation")
            .filter(|&o| o != 1)
            .map(|o| o.to_string()),
    );
    put(
        "Flash used",
        num("Flash").map(|f| if f & 1 == 1 { "Yes" } else { "No" }.into()),
    );
    let equiv = num("FocalLengthIn35mmFilm").filter(|&e| e > 0);
    put(
        "Focal length",
        real("FocalLength").map(|f| match equiv {
            Some(e) => format!("{f:.1} mm (35 mm equivalent: {e} mm)"),
            None => format!("{f:.1} mm"),
        }),
    );
    put(
        "Exposure time",
        real("ExposureTime")
            .filter(|&t| t > 0.0)
            .map(|t| match t < 0.5 {
                true => format!("1/{} s ({t:.4} s)", (1.0 / t).round()),
                false => format!("{t} s"),
            }),
    );
    put("Aperture", real("FNumber").map(|f| format!("f/{f:.1}")));
    put("ISO", num("PhotographicSensitivity").map(|i| i.to_string()));
    put(
        "White balance",
        num("WhiteBalance").map(|w| if w == 0 { "auto" } else { "manual" }.into()),
    );
    // The meanings Exif 2.32 gives the values of these tags.
    let meaning = |tag: &str, names: &[&'static str]| {
        num(tag)
            .and_then(|v| names.get(v as usize))
            .map(|m| m.to_string())
    };
    let metering = [
        "unknown",
        "average",
        "center-weighted average",
        "spot",
        "multi-spot",
        "pattern",
        "partial",
    ];
    put("Metering mode", meaning("MeteringMode", &metering));
    let programs = [
        "not defined",
        "manual",
        "program (auto)",
        "aperture priority",
        "shutter priority",
        "creative",
        "action",
        "portrait",
        "landscape",
    ];
    put("Exposure", meaning("ExposureProgram", &programs));
    put("GPS latitude", gps(fields, "GPSLatitude"));
    put("GPS longitude", gps(fields, "GPSLongitude"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclaimed_bytes_and_overlaps_are_mapped() {
        let mut tiff = vec![0u8; 64];
        tiff[40] = 7; // data no entry points to
        let claims = vec![
            (0, 8, "TIFF header".to_string()),
            (8, 26, "IFD0 directory (1 entries)".into()),
            (24, 30, "IFD0 0x010f Make".into()),
            (36, 44, "IFD0 0x0110 Model".into()),
        ];
        let r = with_gaps(claims, &tiff);
        let got: Vec<(usize, usize, &str, bool)> = r
            .iter()
            .map(|r| (r.start, r.end, r.what.as_str(), r.overlaps))
            .collect();
        assert_eq!(
            got,
            [
                (0, 8, "TIFF header", false),
                (8, 26, "IFD0 directory (1 entries)", false),
                (24, 30, "IFD0 0x010f Make", true),
                (30, 36, "unclaimed (all zero)", false),
                (36, 44, "IFD0 0x0110 Model", false),
                (44, 64, "unclaimed (all zero)", false),
            ]
        );
        tiff[50] = 1;
        let r = with_gaps(vec![(0, 8, "TIFF header".into())], &tiff);
        assert_eq!(
            (r[1].start, r[1].end, r[1].what.as_str()),
            (8, 64, "unclaimed")
        );
    }

    #[test]
    fn the_testdata_exif_map_has_its_thumbnail_and_no_gap_but_padding() {
        let data = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/meta_420_67x45.jpg"
        ))
        .unwrap();
        let m = exif_map(&data).unwrap().unwrap();
        assert_eq!((m.tiff_offset, m.byte_order), (30, "big-endian"));
        let last = m.regions.last().unwrap();
        assert_eq!(
            (last.end, last.what.as_str()),
            (m.length, "IFD1 thumbnail (JPEG)")
        );
        let gaps: Vec<_> = (m.regions.iter())
            .filter(|r| r.what.starts_with("unclaimed"))
            .map(|r| (r.start, r.end, r.what.as_str()))
            .collect();
        // One pad byte after the odd-length Make string.
        assert_eq!(gaps, [(125, 126, "unclaimed (all zero)")]);
        assert!(m.regions.iter().all(|r| !r.overlaps));
    }

    #[test]
    fn testdata_exif_is_listed_by_ifd() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        let data = std::fs::read(dir.join("meta_420_67x45.jpg")).unwrap();
        let f = exif_fields(&data).unwrap();
        let get = |ifd: &str, name: &str| {
            f.iter()
                .find(|x| x.ifd == ifd && x.name == Some(name))
                .map(|x| x.value.clone())
        };
        assert_eq!(get("IFD0", "Make").as_deref(), Some("jtool-testdata"));
        assert_eq!(get("IFD0", "Orientation").as_deref(), Some("6"));
        assert_eq!(get("Exif", "PixelXDimension").as_deref(), Some("67"));
        assert!(get("IFD1", "JPEGInterchangeFormatLength").is_some());
        let summary = exif_summary(&f);
        assert_eq!(summary[0], ("Camera make", "jtool-testdata".to_string()));
        assert!(summary.contains(&("Orientation", "6".to_string())));
        assert_eq!(undefined(b"0230", 0x9000), "0230");
        assert_eq!(undefined(&[0, 1, 2], 0x9000), "3 bytes: 00 01 02");
    }
}
