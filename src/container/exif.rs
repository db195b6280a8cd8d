//! A small, bounds-checked reader for TIFF structures (TIFF 6.0 §2) as used by Exif
//! (CIPA DC-008, in APP1 after `Exif\0\0`) and by MPF (CIPA DC-007, in APP2 after `MPF\0`).
//!
//! ```text
//! TIFF header:  "II" 2A 00 | "MM" 00 2A,  u32 offset of IFD0
//! IFD:          u16 n, n × entry, u32 offset of next IFD (0: none)
//! entry (12 B): u16 tag, u16 type, u32 count, 4 bytes value (inline if ≤ 4 bytes) or offset
//! ```
//!
//! Every offset is relative to the first byte of the TIFF header and checked before use;
//! garbage yields `None` or a partial result with `problems`, never a panic. IFD entry
//! counts are capped and IFD chains are loop-checked. Parsed values keep the offsets of
//! their entry and value bytes, so the orientation and pixel dimensions can later be
//! patched in place.

/// The byte order named by the TIFF header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ByteOrder {
    /// "II": least significant byte first.
    LittleEndian,
    /// "MM": most significant byte first.
    BigEndian,
}

impl ByteOrder {
    /// "little-endian" or "big-endian".
    pub fn describe(self) -> &'static str {
        match self {
            ByteOrder::LittleEndian => "little-endian",
            ByteOrder::BigEndian => "big-endian",
        }
    }
    /// Reads a u16 at `at`, if in bounds.
    pub fn u16(self, data: &[u8], at: usize) -> Option<u16> {
        let b: [u8; 2] = data.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(match self {
            ByteOrder::LittleEndian => u16::from_le_bytes(b),
            ByteOrder::BigEndian => u16::from_be_bytes(b),
        })
    }
    /// Reads a u32 at `at`, if in bounds.
    pub fn u32(self, data: &[u8], at: usize) -> Option<u32> {
        let b: [u8; 4] = data.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(match self {
            ByteOrder::LittleEndian => u32::from_le_bytes(b),
            ByteOrder::BigEndian => u32::from_be_bytes(b),
        })
    }
}

/// Most entries read from one IFD; the rest are ignored (with a problem noted).
pub const MAX_IFD_ENTRIES: usize = 512;

/// TIFF field types (TIFF 6.0 §2, "Types").
pub mod field_type {
    /// 8-bit unsigned integer.
    pub const BYTE: u16 = 1;
    /// 8-bit byte holding a 7-bit ASCII code; the last byte is NUL.
    pub const ASCII: u16 = 2;
    /// 16-bit unsigned integer.
    pub const SHORT: u16 = 3;
    /// 32-bit unsigned integer.
    pub const LONG: u16 = 4;
    /// Two LONGs: numerator, denominator.
    pub const RATIONAL: u16 = 5;
    /// 8-bit byte of any meaning.
    pub const UNDEFINED: u16 = 7;
}

/// Size in bytes of one value of a TIFF field type (0 for unknown types).
pub fn type_size(typ: u16) -> usize {
    match typ {
        1 | 2 | 6 | 7 => 1,
        3 | 8 => 2,
        4 | 9 | 11 | 13 => 4,
        5 | 10 | 12 => 8,
        _ => 0,
    }
}

/// One 12-byte IFD entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct IfdEntry {
    /// Tag number.
    pub tag: u16,
    /// Field type (1 BYTE, 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL, 7 UNDEFINED, …).
    pub typ: u16,
    /// Number of values.
    pub count: u32,
    /// Offset of the entry (its tag field) from the start of the TIFF header.
    pub entry_offset: usize,
    /// Offset of the value bytes from the start of the TIFF header (inside the entry
    /// when they fit in 4 bytes); `None` when the type is unknown or the values lie
    /// outside the data or in the header.
    pub value_offset: Option<usize>,
}

impl IfdEntry {
    /// Byte length of the values, if the type is known and it does not overflow.
    pub fn byte_len(&self) -> Option<usize> {
        let s = type_size(self.typ);
        if s == 0 {
            return None;
        }
        s.checked_mul(self.count as usize)
    }
}

/// One image file directory.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Ifd {
    /// Offset of the IFD (its entry count) from the start of the TIFF header.
    pub offset: usize,
    /// The entry count as stored (may exceed `entries.len()` when capped or truncated).
    pub stored_count: u16,
    /// The entries read, in stored order.
    pub entries: Vec<IfdEntry>,
    /// Offset of the next IFD as stored (0: none); `None` if it could not be read.
    pub next: Option<u32>,
}

impl Ifd {
    /// The first entry with this tag.
    pub fn find(&self, tag: u16) -> Option<&IfdEntry> {
        self.entries.iter().find(|e| e.tag == tag)
    }
}

impl Ifd {
    /// The bytes the IFD itself takes (TIFF 6.0, 2): its count, entries and next link.
    pub fn span(&self) -> std::ops::Range<usize> {
        self.offset..self.offset + 2 + 12 * usize::from(self.stored_count) + 4
    }
}

impl Exif {
    /// Whether bytes `start..start + len` (TIFF offsets) touch the TIFF structure: the
    /// 8-byte header or one of the IFDs read. Values written there would break the
    /// Exif (a crafted or damaged offset can point anywhere), so writers leave them.
    pub fn in_structure(&self, start: usize, len: usize) -> bool {
        if len == 0 {
            return false;
        }
        let end = start.saturating_add(len);
        let ifds = [&self.ifd0, &self.exif_ifd, &self.ifd1];
        let spans = ifds.into_iter().flatten().map(Ifd::span);
        std::iter::once(0..8)
            .chain(spans)
            .any(|r| start < r.end && r.start < end)
    }
}

/// A TIFF structure over a byte slice that starts with the TIFF header.
#[derive(Debug, Clone, Copy)]
pub struct Tiff<'a> {
    /// The bytes, from the TIFF header on.
    pub data: &'a [u8],
    /// The byte order.
    pub order: ByteOrder,
    /// Offset of IFD0 as stored in the header.
    pub ifd0_offset: u32,
}

impl<'a> Tiff<'a> {
    /// Reads the 8-byte TIFF header; `None` if it is not one.
    pub fn parse(data: &'a [u8]) -> Option<Self> {
        let order = match data.get(..4)? {
            [b'I', b'I', 0x2A, 0x00] => ByteOrder::LittleEndian,
            [b'M', b'M', 0x00, 0x2A] => ByteOrder::BigEndian,
            _ => return None,
        };
        let ifd0_offset = order.u32(data, 4)?;
        Some(Tiff {
            data,
            order,
            ifd0_offset,
        })
    }

    /// Reads the IFD at `offset`. Fails (with a description) only when not even the
    /// entry count can be read; truncated entry lists and capped counts are noted in
    /// `problems` and the readable entries are returned.
    pub fn read_ifd(&self, offset: u32, problems: &mut Vec<String>) -> Option<Ifd> {
        let at = offset as usize;
        let Some(stored_count) = self.order.u16(self.data, at) else {
            problems.push(format!(
                "IFD offset {offset} is outside the {} bytes of TIFF data",
                self.data.len()
            ));
            return None;
        };
        let mut entries = Vec::new();
        let wanted = (stored_count as usize).min(MAX_IFD_ENTRIES);
        if wanted < stored_count as usize {
            problems.push(format!(
                "IFD at {offset} claims {stored_count} entries; read the first {MAX_IFD_ENTRIES}"
            ));
        }
        for i in 0..wanted {
            let e = at + 2 + 12 * i;
            if e.checked_add(12).map_or(true, |end| end > self.data.len()) {
                problems.push(format!(
                    "IFD at {offset} is truncated after {i} of {stored_count} entries"
                ));
                break;
            }
            let (Some(tag), Some(typ), Some(count)) = (
                self.order.u16(self.data, e),
                self.order.u16(self.data, e + 2),
                self.order.u32(self.data, e + 4),
            ) else {
                break;
            };
            let mut entry = IfdEntry {
                tag,
                typ,
                count,
                entry_offset: e,
                value_offset: None,
            };
            entry.value_offset = match entry.byte_len() {
                Some(n) if n <= 4 => Some(e + 8),
                Some(n) => self
                    .order
                    .u32(self.data, e + 8)
                    .map(|o| o as usize)
                    // Past the 8-byte header (whose bytes are no entry's values: a
                    // value written there would break the TIFF data) and within the data.
                    .filter(|&o| o >= 8)
                    .filter(|&o| o.checked_add(n).is_some_and(|end| end <= self.data.len())),
                None => None,
            };
            entries.push(entry);
        }
        let next = if entries.len() == stored_count as usize {
            self.order
                .u32(self.data, at + 2 + 12 * stored_count as usize)
        } else {
            None
        };
        Some(Ifd {
            offset: at,
            stored_count,
            entries,
            next,
        })
    }

    /// The bytes of an entry's values, if they lie inside the data.
    pub fn value_bytes(&self, e: &IfdEntry) -> Option<&'a [u8]> {
        let start = e.value_offset?;
        self.data.get(start..start + e.byte_len()?)
    }

    /// The `i`-th value of an integer entry (BYTE, SHORT, LONG, or UNDEFINED as bytes).
    pub fn uint(&self, e: &IfdEntry, i: usize) -> Option<u32> {
        if i >= e.count as usize {
            return None;
        }
        let v = e.value_offset?;
        match e.typ {
            field_type::BYTE | field_type::UNDEFINED => self.data.get(v + i).map(|&b| b as u32),
            field_type::SHORT => self.order.u16(self.data, v + 2 * i).map(u32::from),
            field_type::LONG => self.order.u32(self.data, v + 4 * i),
            _ => None,
        }
    }

    /// An ASCII entry as text: up to the first NUL, trailing spaces trimmed, invalid
    /// UTF-8 replaced. (Some writers use type UNDEFINED or BYTE for strings; accepted.)
    pub fn string(&self, e: &IfdEntry) -> Option<String> {
        if !matches!(
            e.typ,
            field_type::ASCII | field_type::UNDEFINED | field_type::BYTE
        ) {
            return None;
        }
        let b = self.value_bytes(e)?;
        let b = b.split(|&c| c == 0).next().unwrap_or(&[]);
        Some(String::from_utf8_lossy(b).trim_end().to_string())
    }
}

/// A value read from an IFD entry, with where it is stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Tagged<T> {
    /// The value.
    pub value: T,
    /// The entry's field type.
    pub typ: u16,
    /// Offset of the 12-byte entry from the start of the TIFF header.
    pub entry_offset: usize,
    /// Offset of the value bytes from the start of the TIFF header.
    pub value_offset: usize,
}

/// Tag numbers this reader looks at.
pub mod tags {
    /// IFD0: camera maker.
    pub const MAKE: u16 = 0x010F;
    /// IFD0: camera model.
    pub const MODEL: u16 = 0x0110;
    /// IFD0: orientation (1–8).
    pub const ORIENTATION: u16 = 0x0112;
    /// IFD0: software.
    pub const SOFTWARE: u16 = 0x0131;
    /// IFD0: pointer to the Exif IFD.
    pub const EXIF_IFD: u16 = 0x8769;
    /// IFD0: pointer to the GPS IFD.
    pub const GPS_IFD: u16 = 0x8825;
    /// Exif IFD: date and time of original data generation.
    pub const DATE_TIME_ORIGINAL: u16 = 0x9003;
    /// Exif IFD: valid image width.
    pub const PIXEL_X_DIMENSION: u16 = 0xA002;
    /// Exif IFD: valid image height.
    pub const PIXEL_Y_DIMENSION: u16 = 0xA003;
    /// IFD1: offset of the JPEG thumbnail (JPEGInterchangeFormat).
    pub const THUMBNAIL_OFFSET: u16 = 0x0201;
    /// IFD1: length of the JPEG thumbnail (JPEGInterchangeFormatLength).
    pub const THUMBNAIL_LENGTH: u16 = 0x0202;
}

/// What the reader found in an Exif TIFF structure.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Exif {
    /// The TIFF byte order.
    pub byte_order: ByteOrder,
    /// IFD0 (primary image), if readable.
    pub ifd0: Option<Ifd>,
    /// The Exif private IFD, if IFD0 points to a readable one.
    pub exif_ifd: Option<Ifd>,
    /// IFD1 (thumbnail), if IFD0 links to a readable one.
    pub ifd1: Option<Ifd>,
    /// IFD0 Make.
    pub make: Option<Tagged<String>>,
    /// IFD0 Model.
    pub model: Option<Tagged<String>>,
    /// IFD0 Software.
    pub software: Option<Tagged<String>>,
    /// IFD0 Orientation (first value of the first Orientation entry).
    pub orientation: Option<Tagged<u16>>,
    /// Exif IFD DateTimeOriginal.
    pub date_time_original: Option<Tagged<String>>,
    /// Exif IFD PixelXDimension (SHORT or LONG).
    pub pixel_x_dimension: Option<Tagged<u32>>,
    /// Exif IFD PixelYDimension (SHORT or LONG).
    pub pixel_y_dimension: Option<Tagged<u32>>,
    /// IFD1 JPEGInterchangeFormat: thumbnail offset from the TIFF header.
    pub thumbnail_offset: Option<Tagged<u32>>,
    /// IFD1 JPEGInterchangeFormatLength: thumbnail length in bytes.
    pub thumbnail_length: Option<Tagged<u32>>,
    /// Damage found while reading (truncated IFDs, loops, bad pointers).
    pub problems: Vec<String>,
}

/// Strips the `Exif\0` + pad byte identifier of an APP1 body and parses the rest.
pub fn parse_app1(body: &[u8]) -> Option<Exif> {
    if !body.starts_with(b"Exif\0") {
        return None;
    }
    parse(body.get(6..)?)
}

/// Offset of the TIFF header inside an Exif APP1 body.
pub const APP1_TIFF_START: usize = 6;

/// Parses an Exif TIFF structure. `None` when the TIFF header is not valid; otherwise
/// whatever could be read, with problems described.
pub fn parse(tiff_bytes: &[u8]) -> Option<Exif> {
    let tiff = Tiff::parse(tiff_bytes)?;
    let mut problems = Vec::new();
    let mut visited: Vec<u32> = Vec::new();
    let mut ifd_at = |offset: u32, what: &str, problems: &mut Vec<String>| -> Option<Ifd> {
        if visited.contains(&offset) {
            problems.push(format!("{what} at {offset} was already read (IFD loop)"));
            return None;
        }
        visited.push(offset);
        tiff.read_ifd(offset, problems)
    };
    let ifd0 = ifd_at(tiff.ifd0_offset, "IFD0", &mut problems);
    let mut exif = Exif {
        byte_order: tiff.order,
        ifd0: None,
        exif_ifd: None,
        ifd1: None,
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
    let string = |ifd: &Ifd, tag| tagged(ifd, tag, |e| tiff.string(e));
    let uint = |ifd: &Ifd, tag| tagged(ifd, tag, |e| tiff.uint(e, 0));
    if let Some(ifd0) = &ifd0 {
        exif.make = string(ifd0, tags::MAKE);
        exif.model = string(ifd0, tags::MODEL);
        exif.software = string(ifd0, tags::SOFTWARE);
        exif.orientation = tagged(ifd0, tags::ORIENTATION, |e| {
            if matches!(
                e.typ,
                field_type::SHORT | field_type::LONG | field_type::BYTE
            ) {
                tiff.uint(e, 0).map(|v| v.min(u16::MAX as u32) as u16)
            } else {
                None
            }
        });
        if let Some(ptr) = uint(ifd0, tags::EXIF_IFD) {
            if let Some(sub) = ifd_at(ptr.value, "Exif IFD", &mut problems) {
                exif.date_time_original = string(&sub, tags::DATE_TIME_ORIGINAL);
                exif.pixel_x_dimension = uint(&sub, tags::PIXEL_X_DIMENSION);
                exif.pixel_y_dimension = uint(&sub, tags::PIXEL_Y_DIMENSION);
                exif.exif_ifd = Some(sub);
            }
        }
        if let Some(next) = ifd0.next.filter(|&n| n != 0) {
            if let Some(ifd1) = ifd_at(next, "IFD1", &mut problems) {
                exif.thumbnail_offset = uint(&ifd1, tags::THUMBNAIL_OFFSET);
                exif.thumbnail_length = uint(&ifd1, tags::THUMBNAIL_LENGTH);
                exif.ifd1 = Some(ifd1);
            }
        }
    }
    exif.ifd0 = ifd0;
    exif.problems = problems;
    Some(exif)
}

fn tagged<T>(ifd: &Ifd, tag: u16, read: impl Fn(&IfdEntry) -> Option<T>) -> Option<Tagged<T>> {
    let e = ifd.find(tag)?;
    Some(Tagged {
        value: read(e)?,
        typ: e.typ,
        entry_offset: e.entry_offset,
        value_offset: e.value_offset?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a TIFF structure: IFD0 {Make, Orientation, ExifIFD ptr} → IFD1 {thumb}.
    fn build(order: ByteOrder) -> Vec<u8> {
        let mut t = Vec::new();
        let w16 = |t: &mut Vec<u8>, v: u16| match order {
            ByteOrder::LittleEndian => t.extend_from_slice(&v.to_le_bytes()),
            ByteOrder::BigEndian => t.extend_from_slice(&v.to_be_bytes()),
        };
        let w32 = |t: &mut Vec<u8>, v: u32| match order {
            ByteOrder::LittleEndian => t.extend_from_slice(&v.to_le_bytes()),
            ByteOrder::BigEndian => t.extend_from_slice(&v.to_be_bytes()),
        };
        t.extend_from_slice(if order == ByteOrder::LittleEndian {
            b"II"
        } else {
            b"MM"
        });
        w16(&mut t, 42);
        w32(&mut t, 8);
        // IFD0 at 8: 3 entries → ends at 8 + 2 + 36 + 4 = 50.
        w16(&mut t, 3);
        // Make "Canon\0" (6 bytes) at 100.
        w16(&mut t, tags::MAKE);
        w16(&mut t, 2);
        w32(&mut t, 6);
        w32(&mut t, 100);
        // Orientation SHORT 6 inline.
        w16(&mut t, tags::ORIENTATION);
        w16(&mut t, 3);
        w32(&mut t, 1);
        w16(&mut t, 6);
        w16(&mut t, 0);
        // Exif IFD at 50.
        w16(&mut t, tags::EXIF_IFD);
        w16(&mut t, 4);
        w32(&mut t, 1);
        w32(&mut t, 50);
        w32(&mut t, 70); // next IFD: IFD1 at 70
        assert_eq!(t.len(), 50);
        // Exif IFD at 50: 1 entry (PixelXDimension LONG 640) → 50 + 2 + 12 + 4 = 68.
        w16(&mut t, 1);
        w16(&mut t, tags::PIXEL_X_DIMENSION);
        w16(&mut t, 4);
        w32(&mut t, 1);
        w32(&mut t, 640);
        w32(&mut t, 0);
        t.extend_from_slice(&[0, 0]);
        assert_eq!(t.len(), 70);
        // IFD1 at 70: thumbnail offset 200, length 1234.
        w16(&mut t, 2);
        w16(&mut t, tags::THUMBNAIL_OFFSET);
        w16(&mut t, 4);
        w32(&mut t, 1);
        w32(&mut t, 200);
        w16(&mut t, tags::THUMBNAIL_LENGTH);
        w16(&mut t, 4);
        w32(&mut t, 1);
        w32(&mut t, 1234);
        w32(&mut t, 0);
        t.resize(100, 0);
        t.extend_from_slice(b"Canon\0");
        t
    }

    fn check(order: ByteOrder) {
        let t = build(order);
        let e = parse(&t).unwrap();
        assert_eq!(e.byte_order, order);
        assert!(e.problems.is_empty(), "{:?}", e.problems);
        assert_eq!(e.make.as_ref().unwrap().value, "Canon");
        assert_eq!(e.make.as_ref().unwrap().value_offset, 100);
        let o = e.orientation.as_ref().unwrap();
        assert_eq!(o.value, 6);
        assert_eq!(o.entry_offset, 10 + 12);
        assert_eq!(o.value_offset, 10 + 12 + 8);
        assert_eq!(e.pixel_x_dimension.as_ref().unwrap().value, 640);
        assert_eq!(e.pixel_y_dimension, None);
        assert_eq!(e.thumbnail_offset.as_ref().unwrap().value, 200);
        assert_eq!(e.thumbnail_length.as_ref().unwrap().value, 1234);
        assert_eq!(e.ifd0.as_ref().unwrap().entries.len(), 3);
        // The orientation is patchable at value_offset.
        let v = order.u16(&t, o.value_offset).unwrap();
        assert_eq!(v, 6);
    }

    #[test]
    fn little_endian() {
        check(ByteOrder::LittleEndian);
    }

    /// The header and the IFD tables (IFD0 8..50, Exif 50..68, IFD1 70..100) are the
    /// structure; the values between and after them are not.
    #[test]
    fn the_header_and_ifds_are_structure() {
        let e = parse(&build(ByteOrder::BigEndian)).unwrap();
        assert_eq!(e.ifd1.as_ref().unwrap().span(), 70..100);
        for (start, len, touches) in [
            (0, 2, true),
            (7, 1, true),
            (49, 1, true),
            (68, 2, false),
            (66, 4, true),
            (100, 6, false),
            (200, 1234, false),
            (99, 1, true),
            (60, 0, false),
        ] {
            assert_eq!(e.in_structure(start, len), touches, "{start} {len}");
        }
    }

    #[test]
    fn big_endian() {
        check(ByteOrder::BigEndian);
    }

    #[test]
    fn app1_prefix() {
        let mut body = b"Exif\0\0".to_vec();
        body.extend_from_slice(&build(ByteOrder::BigEndian));
        assert_eq!(parse_app1(&body).unwrap().make.unwrap().value, "Canon");
        assert!(parse_app1(b"Exif\0\0").is_none());
        assert!(parse_app1(b"Exif").is_none());
    }

    #[test]
    fn garbage_and_truncation_do_not_panic() {
        assert!(parse(b"").is_none());
        assert!(parse(b"II*").is_none());
        assert!(parse(b"XX*\0\x08\0\0\0").is_none());
        let t = build(ByteOrder::LittleEndian);
        for n in 0..t.len() {
            let _ = parse(&t[..n]);
        }
        // Every single-byte corruption.
        for i in 0..t.len() {
            for v in [0x00, 0xFF, 0x7F] {
                let mut c = t.clone();
                c[i] = v;
                let _ = parse(&c);
            }
        }
        // IFD0 offset out of range: Some, with a problem and no IFD0.
        let e = parse(b"MM\0\x2A\xFF\xFF\xFF\xFF").unwrap();
        assert!(e.ifd0.is_none());
        assert_eq!(e.problems.len(), 1);
    }

    #[test]
    fn loops_are_detected_and_counts_capped() {
        // IFD0 at 8 with 0 entries whose next pointer is itself.
        let t = b"II\x2A\0\x08\0\0\0\0\0\x08\0\0\0";
        let e = parse(t).unwrap();
        assert!(e.ifd1.is_none());
        assert!(
            e.problems.iter().any(|p| p.contains("loop")),
            "{:?}",
            e.problems
        );
        // An IFD claiming 65535 entries in a tiny buffer.
        let t = b"MM\0\x2A\0\0\0\x08\xFF\xFF\0\0\0\0";
        let e = parse(t).unwrap();
        assert!(e.ifd0.unwrap().entries.is_empty());
        assert!(!e.problems.is_empty());
    }

    #[test]
    fn out_of_range_value_offsets_are_none() {
        let mut t = build(ByteOrder::LittleEndian);
        t.truncate(103); // Make's value runs past the end.
        let e = parse(&t).unwrap();
        assert!(e.make.is_none());
        assert_eq!(e.orientation.unwrap().value, 6);
    }
}
