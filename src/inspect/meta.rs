//! Identifies the content of APPn and COM segments: one small pure function per class,
//! from a segment body to a plain value. Nothing here panics on garbage: every read is
//! bounds-checked, and what cannot be read is left out or described in `problems`.

use crate::container::exif::{self, ByteOrder, Tiff};
use serde::Serialize;

/// What an APPn/COM segment contains, by class. Serialized with a `kind` field.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MetaDetails {
    /// APP0 JFIF (JFIF 1.02).
    Jfif(Jfif),
    /// APP0 JFXX extension (JFIF 1.02 §"JFIF extension APP0 marker segment").
    Jfxx(Jfxx),
    /// APP1 Exif (CIPA DC-008, TIFF 6.0 structure).
    Exif(ExifInfo),
    /// APP2 ICC_PROFILE chunk (ICC.1 Annex B.4).
    Icc(IccChunk),
    /// APP1 XMP packet or extended-XMP chunk.
    Xmp(Xmp),
    /// APP14 Adobe (Adobe tech note 5116).
    Adobe(Adobe),
    /// APP2 MPF (CIPA DC-007).
    Mpf(Mpf),
    /// APP13 Photoshop image resource blocks.
    Photoshop(Photoshop),
    /// APP12 Ducky (Photoshop "Save for Web").
    Ducky(Ducky),
    /// APP11 JUMBF box (ISO/IEC 19566-5), e.g. a C2PA manifest.
    Jumbf(Jumbf),
    /// COM comment.
    Comment(Comment),
    /// An APPn not recognised.
    Unknown(Unknown),
}

/// Up to `n` bytes shown as ASCII with non-printable bytes as '.'.
pub fn printable_prefix(b: &[u8], n: usize) -> String {
    b.iter()
        .take(n)
        .map(|&c| {
            if (0x20..0x7F).contains(&c) {
                c as char
            } else {
                '.'
            }
        })
        .collect()
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

// ---------------------------------------------------------------- JFIF / JFXX

/// JFIF APP0 fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Jfif {
    /// Version as "major.minor" (minor with two digits, e.g. "1.02").
    pub version: String,
    /// Density units: 0 none (aspect ratio only), 1 dots per inch, 2 dots per cm.
    pub units: u8,
    /// "aspect ratio", "dpi", "dpcm" or "unknown".
    pub units_name: &'static str,
    /// Horizontal density.
    pub x_density: u16,
    /// Vertical density.
    pub y_density: u16,
    /// Thumbnail width in pixels (0: none).
    pub thumbnail_width: u8,
    /// Thumbnail height in pixels (0: none).
    pub thumbnail_height: u8,
    /// Bytes of thumbnail data present after the fixed fields.
    pub thumbnail_bytes: usize,
}

/// Parses a JFIF APP0 body (starting with "JFIF\0").
pub fn jfif(b: &[u8]) -> Option<Jfif> {
    if b.len() < 14 {
        return None;
    }
    let units = b[7];
    Some(Jfif {
        version: format!("{}.{:02}", b[5], b[6]),
        units,
        units_name: match units {
            0 => "aspect ratio",
            1 => "dpi",
            2 => "dpcm",
            _ => "unknown",
        },
        x_density: be16(b, 8)?,
        y_density: be16(b, 10)?,
        thumbnail_width: b[12],
        thumbnail_height: b[13],
        thumbnail_bytes: b.len() - 14,
    })
}

/// JFXX extension APP0 fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Jfxx {
    /// Extension code: 0x10 JPEG thumbnail, 0x11 1 byte/pixel palette, 0x13 3 bytes/pixel RGB.
    pub extension_code: u8,
    /// The thumbnail format in words.
    pub format: &'static str,
    /// Thumbnail width for the uncompressed formats.
    pub thumbnail_width: Option<u8>,
    /// Thumbnail height for the uncompressed formats.
    pub thumbnail_height: Option<u8>,
    /// Bytes of thumbnail data after the extension code.
    pub thumbnail_bytes: usize,
}

/// Parses a JFXX APP0 body (starting with "JFXX\0").
pub fn jfxx(b: &[u8]) -> Option<Jfxx> {
    let code = *b.get(5)?;
    let format = match code {
        0x10 => "JPEG",
        0x11 => "1 byte/pixel palette",
        0x13 => "3 bytes/pixel RGB",
        _ => "unknown",
    };
    let dims = matches!(code, 0x11 | 0x13);
    Some(Jfxx {
        extension_code: code,
        format,
        thumbnail_width: if dims { b.get(6).copied() } else { None },
        thumbnail_height: if dims { b.get(7).copied() } else { None },
        thumbnail_bytes: b.len() - 6,
    })
}

// ---------------------------------------------------------------- Exif

/// The Exif fields inspect reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExifInfo {
    /// "big-endian" or "little-endian"; null when the TIFF header is invalid.
    pub byte_order: Option<&'static str>,
    /// Entries read from IFD0.
    pub ifd0_entries: usize,
    /// Entries read from the Exif IFD (null: none).
    pub exif_ifd_entries: Option<usize>,
    /// Entries read from IFD1 (null: none).
    pub ifd1_entries: Option<usize>,
    /// IFD0 Make.
    pub make: Option<String>,
    /// IFD0 Model.
    pub model: Option<String>,
    /// IFD0 Software.
    pub software: Option<String>,
    /// IFD0 Orientation (1–8 are valid).
    pub orientation: Option<u16>,
    /// Exif DateTimeOriginal.
    pub date_time_original: Option<String>,
    /// Exif PixelXDimension.
    pub pixel_x_dimension: Option<u32>,
    /// Exif PixelYDimension.
    pub pixel_y_dimension: Option<u32>,
    /// IFD1 thumbnail offset from the TIFF header.
    pub thumbnail_offset: Option<u32>,
    /// IFD1 thumbnail length in bytes.
    pub thumbnail_length: Option<u32>,
    /// Damage found while reading.
    pub problems: Vec<String>,
}

/// Parses an Exif APP1 body (starting with "Exif\0").
pub fn exif_info(b: &[u8]) -> ExifInfo {
    let mut info = ExifInfo {
        byte_order: None,
        ifd0_entries: 0,
        exif_ifd_entries: None,
        ifd1_entries: None,
        make: None,
        model: None,
        software: None,
        orientation: None,
        date_time_original: None,
        pixel_x_dimension: None,
        pixel_y_dimension: None,
        thumbnail_offset: None,
        thumbnail_length: None,
        problems: Vec::new(),
    };
    let Some(e) = exif::parse_app1(b) else {
        let seen: Vec<String> = b
            .iter()
            .skip(6)
            .take(8)
            .map(|c| format!("{c:02X}"))
            .collect();
        info.problems.push(format!(
            "no valid TIFF header after the Exif identifier (found {})",
            seen.join(" ")
        ));
        return info;
    };
    info.byte_order = Some(e.byte_order.describe());
    info.ifd0_entries = e.ifd0.as_ref().map_or(0, |i| i.entries.len());
    info.exif_ifd_entries = e.exif_ifd.as_ref().map(|i| i.entries.len());
    info.ifd1_entries = e.ifd1.as_ref().map(|i| i.entries.len());
    info.make = e.make.map(|t| t.value);
    info.model = e.model.map(|t| t.value);
    info.software = e.software.map(|t| t.value);
    info.orientation = e.orientation.map(|t| t.value);
    info.date_time_original = e.date_time_original.map(|t| t.value);
    info.pixel_x_dimension = e.pixel_x_dimension.map(|t| t.value);
    info.pixel_y_dimension = e.pixel_y_dimension.map(|t| t.value);
    info.thumbnail_offset = e.thumbnail_offset.map(|t| t.value);
    info.thumbnail_length = e.thumbnail_length.map(|t| t.value);
    info.problems = e.problems;
    info
}

// ---------------------------------------------------------------- ICC

/// One ICC_PROFILE APP2 chunk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IccChunk {
    /// Sequence number of this chunk (1-based).
    pub chunk: u8,
    /// Total number of chunks the profile was split into.
    pub chunks: u8,
    /// Profile bytes in this chunk.
    pub data_length: usize,
    /// For chunk 1 only, when the profile is complete (chunk "1 of 1", or all chunks of
    /// a multi-chunk profile present exactly once with consistent counts): what its
    /// header and `desc` tag say.
    pub profile: Option<IccProfile>,
}

/// Facts from a complete ICC profile (ICC.1 §7.2 header, §9.2.41 desc tag).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IccProfile {
    /// Total size of the reassembled profile in bytes.
    pub size: usize,
    /// Profile size as declared in the header.
    pub declared_size: Option<u32>,
    /// Version, e.g. "2.1.0" or "4.3.0".
    pub version: Option<String>,
    /// Device class signature, e.g. "mntr", "prtr".
    pub device_class: Option<String>,
    /// Colour space signature, e.g. "RGB ", "CMYK", "GRAY".
    pub color_space: Option<String>,
    /// Profile description from the `desc` tag (v2 textDescriptionType or v4 mluc).
    pub description: Option<String>,
}

/// Length of the ICC_PROFILE identifier and the two sequence bytes.
pub const ICC_HEADER: usize = 14;

/// Parses the chunk header of an ICC APP2 body (starting with "ICC_PROFILE\0").
pub fn icc_chunk(b: &[u8]) -> Option<IccChunk> {
    if b.len() < ICC_HEADER {
        return None;
    }
    Some(IccChunk {
        chunk: b[12],
        chunks: b[13],
        data_length: b.len() - ICC_HEADER,
        profile: None,
    })
}

pub use crate::container::edit::reassemble_icc;

fn sig(b: &[u8], at: usize) -> Option<String> {
    let s = b.get(at..at + 4)?;
    Some(printable_prefix(s, 4))
}

/// Length of the ICC profile header (ICC.1 §7.2).
pub const ICC_PROFILE_HEADER: usize = 128;

/// Reads the header and `desc` tag of a complete ICC profile; `None` when it is shorter
/// than the 128-byte header.
pub fn icc_profile(p: &[u8]) -> Option<IccProfile> {
    if p.len() < ICC_PROFILE_HEADER {
        return None;
    }
    Some(IccProfile {
        size: p.len(),
        declared_size: be32(p, 0),
        version: p
            .get(8..10)
            .map(|v| format!("{}.{}.{}", v[0], v[1] >> 4, v[1] & 15)),
        device_class: sig(p, 12),
        color_space: sig(p, 16),
        description: icc_description(p),
    })
}

/// Finds the `desc` tag in the tag table (ICC.1 §7.3) and decodes it.
pub fn icc_description(p: &[u8]) -> Option<String> {
    let n = be32(p, 128)? as usize;
    // The tag table must fit in the profile, which bounds n.
    let n = n.min(p.len().saturating_sub(132) / 12);
    for i in 0..n {
        let e = 132 + 12 * i;
        if p.get(e..e + 4)? == b"desc" {
            let off = be32(p, e + 4)? as usize;
            let size = be32(p, e + 8)? as usize;
            let tag = p.get(off..off.checked_add(size)?)?;
            return decode_text_tag(tag);
        }
    }
    None
}

/// Decodes a v2 textDescriptionType ('desc'), a v4 multiLocalizedUnicodeType ('mluc'),
/// or a plain textType ('text').
fn decode_text_tag(t: &[u8]) -> Option<String> {
    let clean = |s: String| {
        let s = s.trim_end_matches('\0').trim().to_string();
        (!s.is_empty()).then_some(s)
    };
    match t.get(..4)? {
        b"desc" => {
            let n = be32(t, 8)? as usize;
            let s = t.get(12..12usize.checked_add(n)?)?;
            let s = s.split(|&c| c == 0).next().unwrap_or(&[]);
            clean(String::from_utf8_lossy(s).into_owned())
        }
        b"text" => {
            let s = t.get(8..)?;
            let s = s.split(|&c| c == 0).next().unwrap_or(&[]);
            clean(String::from_utf8_lossy(s).into_owned())
        }
        b"mluc" => {
            let count = be32(t, 8)? as usize;
            let rec = be32(t, 12)? as usize;
            if rec < 12 {
                return None;
            }
            let count = count.min(t.len() / rec);
            // Prefer English, else the first record.
            let mut pick = None;
            for i in 0..count {
                let r = 16 + rec * i;
                let lang = t.get(r..r + 2)?;
                if pick.is_none() || lang == b"en" {
                    pick = Some(r);
                    if lang == b"en" {
                        break;
                    }
                }
            }
            let r = pick?;
            let len = be32(t, r + 4)? as usize;
            let off = be32(t, r + 8)? as usize;
            let s = t.get(off..off.checked_add(len)?)?;
            let units: Vec<u16> = s
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            clean(String::from_utf16_lossy(&units))
        }
        _ => None,
    }
}

// ---------------------------------------------------------------- XMP

/// An XMP packet (or one chunk of extended XMP).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Xmp {
    /// True for an extended-XMP chunk (`http://ns.adobe.com/xmp/extension/`).
    pub extended: bool,
    /// Bytes of XMP data in this segment (after the identifier and, for extended XMP,
    /// the GUID, full length and offset fields).
    pub length: usize,
    /// For extended XMP: the GUID (32 hex characters) linking the chunks.
    pub guid: Option<String>,
    /// For extended XMP: full length of the extended packet.
    pub full_length: Option<u32>,
    /// For extended XMP: offset of this chunk in the extended packet.
    pub chunk_offset: Option<u32>,
    /// `xmp:CreatorTool`, found by a simple text search (attribute or element form).
    pub creator_tool: Option<String>,
}

const XMP_ID: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_EXT_ID: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";

/// Parses an XMP APP1 body.
pub fn xmp(b: &[u8]) -> Option<Xmp> {
    if let Some(rest) = b.strip_prefix(XMP_ID) {
        return Some(Xmp {
            extended: false,
            length: rest.len(),
            guid: None,
            full_length: None,
            chunk_offset: None,
            creator_tool: creator_tool(rest),
        });
    }
    let rest = b.strip_prefix(XMP_EXT_ID)?;
    let data = rest.get(40..).unwrap_or(&[]);
    Some(Xmp {
        extended: true,
        length: data.len(),
        guid: rest.get(..32).map(|g| printable_prefix(g, 32)),
        full_length: be32(rest, 32),
        chunk_offset: be32(rest, 36),
        creator_tool: creator_tool(data),
    })
}

/// Finds `xmp:CreatorTool="…"` / `'…'` or `<xmp:CreatorTool>…</…>` in an XMP packet.
/// The namespace prefix is whatever the packet binds to the XMP basic namespace; old
/// Adobe software writes `xap:`, so any prefix is accepted.
pub fn creator_tool(packet: &[u8]) -> Option<String> {
    const KEY: &[u8] = b":CreatorTool";
    let mut from = 0;
    while let Some(k) = find(&packet[from..], KEY) {
        let start = from + k;
        let after = start + KEY.len();
        from = after;
        // A prefix must precede the colon (and this must not be a closing tag).
        let prefix_len = packet[..start]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        if prefix_len == 0 || packet[..start - prefix_len].ends_with(b"/") {
            continue;
        }
        let rest = &packet[after..];
        // Attribute: optional spaces, '=', optional spaces, quote.
        if let Some(r) = skip_ws(rest).strip_prefix(b"=") {
            let r = skip_ws(r);
            if let Some(&q) = r.first().filter(|&&q| q == b'"' || q == b'\'') {
                let end = r[1..].iter().position(|&c| c == q)?;
                return Some(unescape_xml(&r[1..1 + end]));
            }
        } else if let Some(r) = rest.strip_prefix(b">") {
            let end = r.iter().position(|&c| c == b'<')?;
            return Some(unescape_xml(&r[..end]));
        }
    }
    None
}

fn skip_ws(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

fn unescape_xml(b: &[u8]) -> String {
    String::from_utf8_lossy(b)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
        .trim()
        .to_string()
}

// ---------------------------------------------------------------- Adobe APP14

/// Adobe APP14 fields (tech note 5116 §18).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Adobe {
    /// DCTEncode version.
    pub version: u16,
    /// Flags0.
    pub flags0: u16,
    /// Flags1.
    pub flags1: u16,
    /// Colour transform: 0 none (RGB or CMYK), 1 YCbCr, 2 YCCK.
    pub transform: u8,
    /// What the transform value means.
    pub transform_meaning: &'static str,
}

/// Parses an Adobe APP14 body (starting with "Adobe").
pub fn adobe(b: &[u8]) -> Option<Adobe> {
    let transform = *b.get(11)?;
    Some(Adobe {
        version: be16(b, 5)?,
        flags0: be16(b, 7)?,
        flags1: be16(b, 9)?,
        transform,
        transform_meaning: match transform {
            0 => "none (RGB or CMYK as stored)",
            1 => "YCbCr",
            2 => "YCCK",
            _ => "unknown",
        },
    })
}

// ---------------------------------------------------------------- MPF

/// The MP Index IFD of an MPF APP2 segment (CIPA DC-007 §5.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mpf {
    /// Byte order of the MP structure; null if the header is invalid.
    pub byte_order: Option<&'static str>,
    /// MPFVersion ("0100").
    pub version: Option<String>,
    /// NumberOfImages.
    pub number_of_images: Option<u32>,
    /// The MP entries.
    pub images: Vec<MpImage>,
    /// Damage found while reading.
    pub problems: Vec<String>,
}

/// One MP entry (16 bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MpImage {
    /// The 32-bit individual image attribute as stored.
    pub attribute: u32,
    /// MP type code (low 24 bits).
    pub type_code: u32,
    /// MP type in words.
    pub type_name: &'static str,
    /// Dependent parent / dependent child / representative image flags.
    pub dependent_parent: bool,
    /// Dependent child flag.
    pub dependent_child: bool,
    /// Representative image flag.
    pub representative: bool,
    /// Image size in bytes.
    pub size: u32,
    /// Image data offset as stored (relative to the MP header; 0 for the first image).
    pub offset: u32,
    /// Absolute offset in the file (the first image starts at 0).
    pub file_offset: usize,
    /// Whether the file holds FF D8 at `file_offset`.
    pub starts_with_soi: bool,
}

fn mp_type_name(code: u32) -> &'static str {
    match code {
        0x030000 => "baseline MP primary image",
        0x010001 => "large thumbnail (class 1)",
        0x010002 => "large thumbnail (class 2)",
        0x020001 => "multi-frame panorama",
        0x020002 => "multi-frame disparity",
        0x020003 => "multi-frame multi-angle",
        0x000000 => "undefined",
        _ => "unknown",
    }
}

/// Parses an MPF APP2 body (starting with "MPF\0"). `mp_header_file_offset` is the file
/// offset of the MP header (body offset + 4), used to resolve image offsets in `file`.
pub fn mpf(b: &[u8], mp_header_file_offset: usize, file: &[u8]) -> Mpf {
    let mut m = Mpf {
        byte_order: None,
        version: None,
        number_of_images: None,
        images: Vec::new(),
        problems: Vec::new(),
    };
    let Some(tiff) = b.get(4..).and_then(Tiff::parse) else {
        let seen: Vec<String> = b
            .iter()
            .skip(4)
            .take(4)
            .map(|c| format!("{c:02X}"))
            .collect();
        m.problems
            .push(format!("no valid MP header (found {})", seen.join(" ")));
        return m;
    };
    m.byte_order = Some(tiff.order.describe());
    let Some(ifd) = tiff.read_ifd(tiff.ifd0_offset, &mut m.problems) else {
        return m;
    };
    if let Some(e) = ifd.find(0xB000) {
        m.version = tiff.value_bytes(e).map(|v| printable_prefix(v, 4));
    }
    m.number_of_images = ifd.find(0xB001).and_then(|e| tiff.uint(e, 0));
    if let Some(e) = ifd.find(0xB002) {
        match tiff.value_bytes(e) {
            Some(v) => {
                for ent in v.chunks_exact(16).take(256) {
                    m.images
                        .push(mp_entry(tiff.order, ent, mp_header_file_offset, file));
                }
            }
            None => m
                .problems
                .push("MP entry data is outside the segment".into()),
        }
    }
    m
}

fn mp_entry(order: ByteOrder, ent: &[u8], base: usize, file: &[u8]) -> MpImage {
    let attribute = order.u32(ent, 0).unwrap_or(0);
    let size = order.u32(ent, 4).unwrap_or(0);
    let offset = order.u32(ent, 8).unwrap_or(0);
    let file_offset = if offset == 0 {
        0
    } else {
        base.saturating_add(offset as usize)
    };
    MpImage {
        attribute,
        type_code: attribute & 0x00FF_FFFF,
        type_name: mp_type_name(attribute & 0x00FF_FFFF),
        dependent_parent: attribute & 0x8000_0000 != 0,
        dependent_child: attribute & 0x4000_0000 != 0,
        representative: attribute & 0x2000_0000 != 0,
        size,
        offset,
        file_offset,
        starts_with_soi: file.get(file_offset..file_offset.saturating_add(2))
            == Some(&[0xFF, 0xD8][..]),
    }
}

// ---------------------------------------------------------------- Photoshop APP13

/// The image resource blocks of a Photoshop APP13 segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Photoshop {
    /// The resources, in order.
    pub resources: Vec<PsResource>,
    /// The JPEG quality resource (0x0406), if present.
    pub jpeg_quality: Option<PsJpegQuality>,
    /// Damage found while reading (a resource may continue in the next APP13).
    pub problems: Vec<String>,
}

/// One image resource block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PsResource {
    /// Signature, normally "8BIM".
    pub signature: String,
    /// Resource id.
    pub id: u16,
    /// What the id means, for common ids.
    pub id_name: Option<&'static str>,
    /// The resource's Pascal-string name (usually empty).
    pub name: String,
    /// Data size in bytes.
    pub size: u32,
}

/// Resource 0x0406 (JPEG quality; private, undocumented by Adobe). Interpreted as the
/// three big-endian 16-bit fields Photoshop writes: quality, format, scans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PsJpegQuality {
    /// Raw quality field (signed).
    pub raw_quality: i16,
    /// Photoshop's 0–12 quality scale (raw + 4), as commonly interpreted.
    pub photoshop_quality: i32,
    /// Format field: 0 standard, 1 optimised, 0x0101 progressive.
    pub format: Option<u16>,
    /// Progressive scans field (1 → 3 scans, 2 → 4, 3 → 5).
    pub scans: Option<u16>,
}

fn ps_id_name(id: u16) -> Option<&'static str> {
    Some(match id {
        0x03E9 => "Macintosh print info",
        0x03ED => "resolution info",
        0x03EE => "alpha channel names",
        0x03F0 => "caption",
        0x03F2 => "background colour",
        0x03F3 => "print flags",
        0x03F5 => "colour halftoning info",
        0x03F8 => "colour transfer functions",
        0x0404 => "IPTC-NAA record",
        0x0406 => "JPEG quality",
        0x0408 => "grid and guides",
        0x0409 => "thumbnail (Photoshop 4)",
        0x040A => "copyright flag",
        0x040B => "URL",
        0x040C => "thumbnail",
        0x040D => "global angle",
        0x040F => "ICC profile",
        0x0410 => "watermark",
        0x0411 => "ICC untagged",
        0x0414 => "document-specific IDs seed",
        0x0419 => "global altitude",
        0x041A => "slices",
        0x041E => "URL list",
        0x0421 => "version info",
        0x0422 => "Exif data 1",
        0x0423 => "Exif data 3",
        0x0424 => "XMP metadata",
        0x0425 => "caption digest",
        0x0426 => "print scale",
        0x0428 => "pixel aspect ratio",
        0x043A => "print info",
        0x043B => "print style",
        0x2710 => "print flags info",
        _ => return None,
    })
}

/// Most resources listed from one segment.
const MAX_PS_RESOURCES: usize = 4096;

/// Parses a Photoshop APP13 body (starting with "Photoshop 3.0\0").
pub fn photoshop(b: &[u8]) -> Photoshop {
    let mut ps = Photoshop {
        resources: Vec::new(),
        jpeg_quality: None,
        problems: Vec::new(),
    };
    let mut p = b"Photoshop 3.0\0".len();
    while p < b.len() {
        if ps.resources.len() >= MAX_PS_RESOURCES {
            ps.problems.push(format!(
                "more than {MAX_PS_RESOURCES} resources; the rest are not listed"
            ));
            break;
        }
        let Some(signature) = b.get(p..p + 4) else {
            ps.problems
                .push(format!("{} stray bytes at the end", b.len() - p));
            break;
        };
        if !matches!(signature, b"8BIM" | b"MeSa" | b"PHUT" | b"AgHg" | b"DCSR") {
            // Padding (zeros) after the last block is common; anything else is damage.
            if b[p..].iter().any(|&c| c != 0) {
                ps.problems.push(format!(
                    "unknown resource signature {:?}",
                    printable_prefix(signature, 4)
                ));
            }
            break;
        }
        let Some(id) = be16(b, p + 4) else {
            ps.problems.push("truncated resource header".into());
            break;
        };
        let Some(&name_len) = b.get(p + 6) else {
            ps.problems.push("truncated resource header".into());
            break;
        };
        let name_len = name_len as usize;
        // The Pascal string (length byte + characters) is padded to an even size.
        let name_total = (1 + name_len + 1) & !1;
        let name = b
            .get(p + 7..p + 7 + name_len)
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        let Some(size) = be32(b, p + 6 + name_total) else {
            ps.problems.push("truncated resource header".into());
            break;
        };
        let data_at = p + 6 + name_total + 4;
        let data = b.get(data_at..data_at.saturating_add(size as usize));
        if id == 0x0406 {
            if let Some(d) = data {
                if let Some(q) = be16(d, 0) {
                    let raw = q as i16;
                    ps.jpeg_quality = Some(PsJpegQuality {
                        raw_quality: raw,
                        photoshop_quality: raw as i32 + 4,
                        format: be16(d, 2),
                        scans: be16(d, 4),
                    });
                }
            }
        }
        ps.resources.push(PsResource {
            signature: printable_prefix(signature, 4),
            id,
            id_name: ps_id_name(id),
            name,
            size,
        });
        if data.is_none() {
            ps.problems.push(format!(
                "resource 0x{id:04X} runs past the end of the segment"
            ));
            break;
        }
        p = data_at + ((size as usize + 1) & !1);
    }
    ps
}

// ---------------------------------------------------------------- Ducky APP12

/// Photoshop "Save for Web" APP12 "Ducky" fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ducky {
    /// Quality (tag 1), 0–100.
    pub quality: Option<u32>,
    /// Comment (tag 2), if present.
    pub comment: Option<String>,
    /// Copyright (tag 3), if present.
    pub copyright: Option<String>,
}

/// Parses a Ducky APP12 body: "Ducky", then blocks of u16 tag, u16 length, data,
/// ending with tag 0.
pub fn ducky(b: &[u8]) -> Ducky {
    let mut d = Ducky {
        quality: None,
        comment: None,
        copyright: None,
    };
    let mut p = 5;
    for _ in 0..64 {
        let (Some(tag), Some(len)) = (be16(b, p), be16(b, p + 2)) else {
            break;
        };
        if tag == 0 {
            break;
        }
        let Some(data) = b.get(p + 4..p + 4 + len as usize) else {
            break;
        };
        let text = || {
            // u32 character count, then UTF-16BE text.
            let units: Vec<u16> = data
                .get(4..)?
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            Some(
                String::from_utf16_lossy(&units)
                    .trim_end_matches('\0')
                    .to_string(),
            )
        };
        match tag {
            1 => d.quality = be32(data, 0),
            2 => d.comment = text(),
            3 => d.copyright = text(),
            _ => {}
        }
        p += 4 + len as usize;
    }
    d
}

// ---------------------------------------------------------------- JUMBF APP11

/// A JUMBF APP11 segment (ISO/IEC 19566-5: "JP", box instance, packet sequence, box).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Jumbf {
    /// Box instance number En.
    pub box_instance: Option<u16>,
    /// Packet sequence number Z (1 for the first segment of a box).
    pub sequence: Option<u32>,
    /// Type of the box carried (normally "jumb").
    pub box_type: Option<String>,
    /// Label of the description box ('jumd'), if any.
    pub label: Option<String>,
    /// True when the label contains "c2pa": a C2PA manifest store.
    pub c2pa: bool,
}

/// Parses a JUMBF APP11 body (starting with "JP").
pub fn jumbf(b: &[u8]) -> Jumbf {
    let mut j = Jumbf {
        box_instance: be16(b, 2),
        sequence: be32(b, 4),
        box_type: None,
        label: None,
        c2pa: false,
    };
    // Superbox header at 8: LBox, TBox (+ XLBox when LBox = 1).
    let Some(tbox) = b.get(12..16) else { return j };
    j.box_type = Some(printable_prefix(tbox, 4));
    let mut p = if be32(b, 8) == Some(1) { 24 } else { 16 };
    if tbox == b"jumb" {
        // Description box: LBox, "jumd", 16-byte type UUID, toggles, label if toggles & 2.
        if b.get(p + 4..p + 8) == Some(b"jumd") {
            p += 8;
            let toggles = b.get(p + 16).copied().unwrap_or(0);
            if toggles & 2 != 0 {
                if let Some(rest) = b.get(p + 17..) {
                    let end = rest.iter().position(|&c| c == 0).unwrap_or(rest.len());
                    j.label = Some(String::from_utf8_lossy(&rest[..end]).into_owned());
                }
            }
        }
    }
    j.c2pa = j
        .label
        .as_deref()
        .is_some_and(|l| l.to_ascii_lowercase().contains("c2pa"));
    j
}

// ---------------------------------------------------------------- COM, unknown

/// A COM segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    /// The text, decoded as UTF-8 with invalid sequences replaced.
    pub text: String,
    /// Bytes in the segment body.
    pub length: usize,
}

/// Reads a COM body.
pub fn comment(b: &[u8]) -> Comment {
    Comment {
        text: String::from_utf8_lossy(b).into_owned(),
        length: b.len(),
    }
}

/// An APPn segment not recognised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unknown {
    /// The first bytes (up to 32), non-printable bytes shown as '.'.
    pub preview: String,
    /// The identifier: bytes up to the first NUL (at most 32), if printable.
    pub identifier: Option<String>,
}

/// Describes an unrecognised APPn body.
pub fn unknown(b: &[u8]) -> Unknown {
    let id_end = b.iter().take(32).position(|&c| c == 0);
    let identifier = id_end
        .filter(|&n| n > 0 && b[..n].iter().all(|c| (0x20..0x7F).contains(c)))
        .map(|n| String::from_utf8_lossy(&b[..n]).into_owned());
    Unknown {
        preview: printable_prefix(b, 32),
        identifier,
    }
}

// ---------------------------------------------------------------- summaries

impl MetaDetails {
    /// A one-line description for the segment list.
    pub fn summary(&self) -> String {
        match self {
            MetaDetails::Jfif(j) => {
                let mut s = format!(
                    "JFIF {}, density {}x{} {}",
                    j.version, j.x_density, j.y_density, j.units_name
                );
                if j.thumbnail_width > 0 || j.thumbnail_height > 0 {
                    s += &format!(", thumbnail {}x{}", j.thumbnail_width, j.thumbnail_height);
                }
                s
            }
            MetaDetails::Jfxx(j) => {
                format!("JFXX thumbnail ({}), {} bytes", j.format, j.thumbnail_bytes)
            }
            MetaDetails::Exif(e) => exif_summary(e),
            MetaDetails::Icc(c) => {
                let mut s = format!(
                    "ICC_PROFILE chunk {}/{}, {} bytes",
                    c.chunk, c.chunks, c.data_length
                );
                if let Some(d) = c.profile.as_ref().and_then(|p| p.description.as_ref()) {
                    s += &format!(", \"{d}\"");
                }
                s
            }
            MetaDetails::Xmp(x) => xmp_summary(x),
            MetaDetails::Adobe(a) => format!(
                "Adobe, version {}, transform {} ({})",
                a.version, a.transform, a.transform_meaning
            ),
            MetaDetails::Mpf(m) => match (m.byte_order, m.number_of_images) {
                (None, _) => "MPF (invalid MP header)".into(),
                (Some(_), Some(n)) => format!("MPF, {n} images"),
                (Some(_), None) => format!("MPF, {} entries", m.images.len()),
            },
            MetaDetails::Photoshop(p) => {
                let mut s = format!("Photoshop IRB, {} resources", p.resources.len());
                if let Some(q) = &p.jpeg_quality {
                    s += &format!(", JPEG quality {} (of 12)", q.photoshop_quality);
                }
                s
            }
            MetaDetails::Ducky(d) => match d.quality {
                Some(q) => format!("Ducky, quality {q}"),
                None => "Ducky".into(),
            },
            MetaDetails::Jumbf(j) => {
                if j.c2pa {
                    "C2PA manifest (JUMBF)".into()
                } else {
                    match &j.label {
                        Some(l) => format!("JUMBF box \"{l}\""),
                        None => format!("JUMBF, packet {}", j.sequence.unwrap_or(0)),
                    }
                }
            }
            MetaDetails::Comment(c) => format!("comment, {} bytes", c.length),
            MetaDetails::Unknown(u) => match &u.identifier {
                Some(id) => format!("unknown \"{id}\""),
                None => format!("unknown, starts \"{}\"", u.preview),
            },
        }
    }
}

/// The one-line summary of an Exif segment.
fn exif_summary(e: &ExifInfo) -> String {
    match e.byte_order {
        None => "Exif (invalid TIFF header)".into(),
        Some(o) => {
            let mut s = format!("Exif ({o}), {} entries in IFD0", e.ifd0_entries);
            // Many models repeat the make ("Canon" "Canon EOS 300D"): say it once.
            match (&e.make, &e.model) {
                (Some(m), Some(md)) if md.starts_with(m.as_str()) => s += &format!(", {md}"),
                (Some(m), Some(md)) => s += &format!(", {m} {md}"),
                (Some(m), None) | (None, Some(m)) => s += &format!(", {m}"),
                (None, None) => {}
            }
            if let Some(o) = e.orientation {
                s += &format!(", orientation {o}");
            }
            if let Some(t) = e.thumbnail_length {
                s += &format!(", thumbnail {t} bytes");
            }
            if !e.problems.is_empty() {
                s += &format!(", {} problem(s)", e.problems.len());
            }
            s
        }
    }
}

/// The one-line summary of an XMP segment (standard or extended).
fn xmp_summary(x: &Xmp) -> String {
    let mut s = if x.extended {
        format!(
            "extended XMP chunk, {} bytes at {}",
            x.length,
            x.chunk_offset.unwrap_or(0)
        )
    } else {
        format!("XMP, {} bytes", x.length)
    };
    if let Some(t) = &x.creator_tool {
        s += &format!(", CreatorTool \"{t}\"");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jfif_fields() {
        let b = b"JFIF\0\x01\x02\x01\x00\x48\x00\x48\x00\x00";
        let j = jfif(b).unwrap();
        assert_eq!(j.version, "1.02");
        assert_eq!(j.units_name, "dpi");
        assert_eq!((j.x_density, j.y_density), (72, 72));
        assert_eq!(j.thumbnail_bytes, 0);
        assert!(jfif(b"JFIF\0\x01").is_none());
    }

    #[test]
    fn jfxx_formats() {
        let j = jfxx(b"JFXX\0\x10\xFF\xD8\xFF\xD9").unwrap();
        assert_eq!(j.format, "JPEG");
        assert_eq!(j.thumbnail_bytes, 4);
        assert_eq!(j.thumbnail_width, None);
        let j = jfxx(b"JFXX\0\x13\x02\x01abcdef").unwrap();
        assert_eq!((j.thumbnail_width, j.thumbnail_height), (Some(2), Some(1)));
        assert!(jfxx(b"JFXX\0").is_none());
    }

    #[test]
    fn exif_minimal_and_garbage() {
        // Big-endian TIFF, IFD0 with Orientation = 3 and nothing else.
        let b = b"Exif\0\0MM\0\x2A\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x03\0\0\0\0\0\0";
        let e = exif_info(b);
        assert_eq!(e.byte_order, Some("big-endian"));
        assert_eq!(e.orientation, Some(3));
        assert_eq!(e.ifd0_entries, 1);
        assert!(e.problems.is_empty(), "{:?}", e.problems);
        assert!(MetaDetails::Exif(e)
            .summary()
            .starts_with("Exif (big-endian), 1 entries in IFD0"));
        let e = exif_info(b"Exif\0\0garbage");
        assert_eq!(e.byte_order, None);
        assert!(!e.problems.is_empty());
    }

    fn icc_v2_profile(desc: &str) -> Vec<u8> {
        let mut p = vec![0u8; 128];
        p[8] = 2;
        p[9] = 0x10;
        p[12..16].copy_from_slice(b"mntr");
        p[16..20].copy_from_slice(b"RGB ");
        p[36..40].copy_from_slice(b"acsp");
        p.extend_from_slice(&1u32.to_be_bytes());
        let tag_at = 128 + 4 + 12;
        let mut tag = b"desc\0\0\0\0".to_vec();
        tag.extend_from_slice(&(desc.len() as u32 + 1).to_be_bytes());
        tag.extend_from_slice(desc.as_bytes());
        tag.push(0);
        p.extend_from_slice(b"desc");
        p.extend_from_slice(&(tag_at as u32).to_be_bytes());
        p.extend_from_slice(&(tag.len() as u32).to_be_bytes());
        p.extend_from_slice(&tag);
        let n = p.len() as u32;
        p[..4].copy_from_slice(&n.to_be_bytes());
        p
    }

    #[test]
    fn icc_chunks_and_descriptions() {
        let c = icc_chunk(b"ICC_PROFILE\0\x02\x03abc").unwrap();
        assert_eq!((c.chunk, c.chunks, c.data_length), (2, 3, 3));
        assert!(icc_chunk(b"ICC_PROFILE\0\x01").is_none());

        let p = icc_v2_profile("sRGB IEC61966-2.1");
        let info = icc_profile(&p).unwrap();
        assert!(icc_profile(&p[..127]).is_none());
        assert_eq!(info.description.as_deref(), Some("sRGB IEC61966-2.1"));
        assert_eq!(info.version.as_deref(), Some("2.1.0"));
        assert_eq!(info.color_space.as_deref(), Some("RGB "));

        // Reassembly: out of order is fine; missing, duplicate or inconsistent is not.
        let (a, b) = p.split_at(100);
        assert_eq!(reassemble_icc(&[(2, 2, b), (1, 2, a)]).unwrap(), p);
        assert!(reassemble_icc(&[(1, 2, a)]).is_none());
        assert!(reassemble_icc(&[(1, 2, a), (1, 2, a)]).is_none());
        assert!(reassemble_icc(&[(1, 2, a), (2, 3, b)]).is_none());

        // v4 mluc.
        let mut t = b"mluc\0\0\0\0".to_vec();
        t.extend_from_slice(&1u32.to_be_bytes());
        t.extend_from_slice(&12u32.to_be_bytes());
        t.extend_from_slice(b"enUS");
        t.extend_from_slice(&6u32.to_be_bytes());
        t.extend_from_slice(&28u32.to_be_bytes());
        t.extend_from_slice(&[0, b'R', 0, b'G', 0, b'B']);
        assert_eq!(decode_text_tag(&t).as_deref(), Some("RGB"));
        // Garbage never panics.
        for n in 0..p.len() {
            let _ = icc_profile(&p[..n]);
        }
        for n in 0..t.len() {
            let _ = decode_text_tag(&t[..n]);
        }
    }

    #[test]
    fn xmp_creator_tool_forms() {
        let mut b = XMP_ID.to_vec();
        b.extend_from_slice(b"<rdf:Description xmp:CreatorTool=\"GIMP 2.10\" />");
        let x = xmp(&b).unwrap();
        assert!(!x.extended);
        assert_eq!(x.creator_tool.as_deref(), Some("GIMP 2.10"));
        let mut b = XMP_ID.to_vec();
        b.extend_from_slice(b"<xmp:CreatorTool>Adobe Photoshop CS2 &amp; co</xmp:CreatorTool>");
        assert_eq!(
            xmp(&b).unwrap().creator_tool.as_deref(),
            Some("Adobe Photoshop CS2 & co")
        );
        let mut b = XMP_EXT_ID.to_vec();
        b.extend_from_slice(&[b'A'; 32]);
        b.extend_from_slice(&1000u32.to_be_bytes());
        b.extend_from_slice(&500u32.to_be_bytes());
        b.extend_from_slice(b"<x/>");
        let x = xmp(&b).unwrap();
        assert!(x.extended);
        assert_eq!(
            (x.full_length, x.chunk_offset, x.length),
            (Some(1000), Some(500), 4)
        );
        assert_eq!(
            creator_tool(b"<x:CreatorTool>a</x:CreatorTool>").as_deref(),
            Some("a")
        );
        assert_eq!(
            creator_tool(b"</x:CreatorTool>a<x:CreatorTool='b'").as_deref(),
            Some("b")
        );
        assert_eq!(creator_tool(b":CreatorTool='b'"), None);
        assert_eq!(creator_tool(b"xmp:CreatorTool"), None);
        assert_eq!(creator_tool(b"xmp:CreatorTool=\"unterminated"), None);
    }

    #[test]
    fn adobe_transform() {
        let a = adobe(b"Adobe\x00\x64\x80\x00\x00\x00\x02").unwrap();
        assert_eq!((a.version, a.flags0, a.transform), (100, 0x8000, 2));
        assert_eq!(a.transform_meaning, "YCCK");
        assert!(adobe(b"Adobe\x00\x64").is_none());
    }

    #[test]
    fn mpf_entries() {
        // "MPF\0", little-endian MP header, IFD with NumberOfImages = 2 and MPEntry.
        let mut b = b"MPF\0II\x2A\0\x08\0\0\0".to_vec();
        let ifd_len = 2 + 3 * 12 + 4;
        let entries_at = 8 + ifd_len;
        b.extend_from_slice(&3u16.to_le_bytes());
        for (tag, typ, count, val) in [
            (0xB000u16, 7u16, 4u32, u32::from_le_bytes(*b"0100")),
            (0xB001, 4, 1, 2),
            (0xB002, 7, 32, entries_at as u32),
        ] {
            b.extend_from_slice(&tag.to_le_bytes());
            b.extend_from_slice(&typ.to_le_bytes());
            b.extend_from_slice(&count.to_le_bytes());
            b.extend_from_slice(&val.to_le_bytes());
        }
        b.extend_from_slice(&0u32.to_le_bytes());
        for (attr, size, off) in [(0x2003_0000u32, 1000u32, 0u32), (0x0002_0002, 500, 50)] {
            b.extend_from_slice(&attr.to_le_bytes());
            b.extend_from_slice(&size.to_le_bytes());
            b.extend_from_slice(&off.to_le_bytes());
            b.extend_from_slice(&[0; 4]);
        }
        let mut file = vec![0u8; 100];
        file[60] = 0xFF;
        file[61] = 0xD8;
        let m = mpf(&b, 10, &file);
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert_eq!(m.version.as_deref(), Some("0100"));
        assert_eq!(m.number_of_images, Some(2));
        assert_eq!(m.images.len(), 2);
        assert_eq!(m.images[0].type_name, "baseline MP primary image");
        assert!(m.images[0].representative);
        assert_eq!(m.images[1].type_name, "multi-frame disparity");
        assert_eq!(m.images[1].file_offset, 60);
        assert!(m.images[1].starts_with_soi);
        for n in 0..b.len() {
            let _ = mpf(&b[..n], 10, &file);
        }
    }

    #[test]
    fn photoshop_resources() {
        let mut b = b"Photoshop 3.0\0".to_vec();
        // 0x0404 IPTC, empty name, 3 bytes (padded to 4).
        b.extend_from_slice(b"8BIM\x04\x04\0\0\0\0\0\x03abc\0");
        // 0x0406 JPEG quality: quality 8 (→ 12), format 0, scans 1; name "q".
        b.extend_from_slice(b"8BIM\x04\x06\x01q\0\0\0\x06\0\x08\0\0\0\x01");
        let p = photoshop(&b);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(
            p.resources.iter().map(|r| r.id).collect::<Vec<_>>(),
            [0x0404, 0x0406]
        );
        assert_eq!(p.resources[1].name, "q");
        let q = p.jpeg_quality.unwrap();
        assert_eq!(
            (q.raw_quality, q.photoshop_quality, q.format, q.scans),
            (8, 12, Some(0), Some(1))
        );
        for n in 0..b.len() {
            let _ = photoshop(&b[..n]);
        }
        let p = photoshop(b"Photoshop 3.0\08BIM\x04\x04\0\0\xFF\xFF\xFF\xFF");
        assert_eq!(p.resources.len(), 1);
        assert!(!p.problems.is_empty());
    }

    #[test]
    fn ducky_quality() {
        let d = ducky(b"Ducky\0\x01\0\x04\0\0\0\x4B\0\0");
        assert_eq!(d.quality, Some(75));
        assert_eq!(ducky(b"Ducky\0\x01\0\x04\0").quality, None);
        assert_eq!(MetaDetails::Ducky(d).summary(), "Ducky, quality 75");
    }

    #[test]
    fn jumbf_c2pa() {
        let mut b = b"JP\0\x01\0\0\0\x01".to_vec();
        b.extend_from_slice(&100u32.to_be_bytes());
        b.extend_from_slice(b"jumb");
        b.extend_from_slice(&30u32.to_be_bytes());
        b.extend_from_slice(b"jumd");
        b.extend_from_slice(b"c2pa\0\x11\0\x10\x80\0\0\xAA\0\x38\x9B\x71");
        b.push(3);
        b.extend_from_slice(b"c2pa\0");
        let j = jumbf(&b);
        assert_eq!(j.box_type.as_deref(), Some("jumb"));
        assert_eq!(j.label.as_deref(), Some("c2pa"));
        assert!(j.c2pa);
        assert_eq!(MetaDetails::Jumbf(j).summary(), "C2PA manifest (JUMBF)");
        for n in 0..b.len() {
            let _ = jumbf(&b[..n]);
        }
        assert!(!jumbf(b"JP").c2pa);
    }

    #[test]
    fn comment_and_unknown() {
        let c = comment(b"hello \xFF");
        assert_eq!(c.text, "hello \u{FFFD}");
        let u = unknown(b"AVI1\0\x01\x02");
        assert_eq!(u.identifier.as_deref(), Some("AVI1"));
        assert_eq!(u.preview, "AVI1...");
        assert_eq!(unknown(b"\x01\x02").identifier, None);
    }
}
