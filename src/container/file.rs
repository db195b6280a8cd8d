//! Bytes ⇄ segments (T.81 B.1). The parse is zero-copy and exact: every byte of the
//! input belongs to some item (fill bytes and stray bytes to the following segment's
//! `prefix`, entropy-coded data with its RSTn markers to its scan, bytes after EOI to
//! the trailer), so `parse(b)?.to_bytes() == b` for every file that parses.

use super::marker::Marker;
use crate::error::{Error, MalformedKind, Result, Warning, WarningKind};

/// One marker and, unless it stands alone, its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment<'a> {
    /// Bytes between the previous item and this marker's final 0xFF: fill bytes
    /// (T.81 B.1.1.2) and, in damaged files, stray bytes.
    pub prefix: &'a [u8],
    /// The marker code.
    pub marker: Marker,
    /// Offset of the marker's 0xFF byte in the input.
    pub offset: usize,
    /// The parameters after the two-byte length field (empty for standalone markers).
    pub body: &'a [u8],
}

impl Segment<'_> {
    /// Offset of the first byte of `body` in the input.
    pub fn body_offset(&self) -> usize {
        self.offset + if self.marker.is_standalone() { 2 } else { 4 }
    }
    /// Length of the marker segment as stored (marker + length field + body).
    pub fn stored_len(&self) -> usize {
        self.body_offset() - self.offset + self.body.len()
    }
    fn write_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.prefix);
        write_segment(out, self.marker, self.body);
    }
}

/// Appends one marker segment (FF, code, length, body) to `out`.
pub fn write_segment(out: &mut Vec<u8>, marker: Marker, body: &[u8]) {
    out.extend_from_slice(&[0xFF, marker.0]);
    if !marker.is_standalone() {
        let len = body.len() + 2;
        debug_assert!(len <= 0xFFFF);
        out.extend_from_slice(&[(len >> 8) as u8, len as u8]);
        out.extend_from_slice(body);
    }
}

/// A scan: its SOS header and the entropy-coded data after it, stuffed bytes and
/// RSTn markers included, up to the next marker that is not RSTn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan<'a> {
    /// The SOS segment.
    pub header: Segment<'a>,
    /// The entropy-coded segment(s), as stored.
    pub ecs: &'a [u8],
}

impl Scan<'_> {
    /// Offset of the first entropy-coded byte.
    pub fn ecs_offset(&self) -> usize {
        self.header.body_offset() + self.header.body.len()
    }
}

/// An item of the file in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item<'a> {
    /// Any marker segment other than SOS.
    Segment(Segment<'a>),
    /// SOS and its entropy-coded data.
    Scan(Scan<'a>),
}

/// A parsed JPEG file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JpegFile<'a> {
    /// SOI, every segment and scan, and EOI, in file order.
    pub items: Vec<Item<'a>>,
    /// Bytes after EOI (multi-picture secondary images, gain maps, padding). In a file
    /// with no EOI: whatever followed the last complete item.
    pub trailer: &'a [u8],
    /// Offset of the trailer (= input length minus trailer length).
    pub trailer_offset: usize,
    /// What the parse tolerated.
    pub warnings: Vec<Warning>,
}

/// Upper bound on marker segments, so a file of endless tiny segments cannot make
/// the item list grow without bound relative to useful content.
pub const MAX_SEGMENTS: usize = 1 << 20;

impl<'a> JpegFile<'a> {
    /// Parses `data` into items. Fails on a missing SOI or a segment whose length runs
    /// past the end; tolerates stray bytes and a missing EOI with warnings.
    pub fn parse(data: &'a [u8]) -> Result<Self> {
        Self::parse_to(data, false)
    }

    /// [`JpegFile::parse`] up to the first scan, whose entropy-coded data is taken to
    /// run to the end of `data` (its end is not looked for, nor anything after it): for
    /// a decoder that stops early, such as a crop near the top of a large sequential
    /// file, which then reads only the part of the file it decodes.
    pub fn parse_head(data: &'a [u8]) -> Result<Self> {
        Self::parse_to(data, true)
    }

    fn parse_to(data: &'a [u8], head: bool) -> Result<Self> {
        if data.len() < 2 || data[0] != 0xFF || data[1] != 0xD8 {
            return Err(Error::malformed(0, MalformedKind::NoSoi));
        }
        let mut items = vec![Item::Segment(Segment {
            prefix: &[],
            marker: Marker::SOI,
            offset: 0,
            body: &[],
        })];
        let mut warnings = Vec::new();
        let mut pos = 2;
        loop {
            if items.len() > MAX_SEGMENTS {
                return Err(Error::Limit(crate::error::LimitKind::Segments(
                    MAX_SEGMENTS,
                )));
            }
            let Some((ff, skipped)) = next_marker(data, pos) else {
                // No further marker: whatever is left is stray data before the end.
                warnings.push(Warning::at(data.len(), WarningKind::MissingEoi));
                // Bytes after the last item that precede no marker stay as the trailer,
                // so the round trip stays exact.
                return Ok(JpegFile {
                    items,
                    trailer: &data[pos..],
                    trailer_offset: pos,
                    warnings,
                });
            };
            if skipped > 0 {
                warnings.push(Warning::at(pos, WarningKind::ExtraneousBytes(skipped)));
            }
            let marker = Marker(data[ff + 1]);
            let seg = match read_segment(data, pos, ff, marker) {
                Ok(seg) => seg,
                // A file cut off in a segment after its scans still has its image:
                // tolerate it (as libjpeg does) and keep the rest as unparsed tail.
                Err(Error::Malformed { offset, kind })
                    if items.iter().any(|i| matches!(i, Item::Scan(_))) =>
                {
                    warnings.push(Warning::at(
                        offset,
                        WarningKind::Other(format!("{kind}; ignored")),
                    ));
                    return Ok(JpegFile {
                        items,
                        trailer: &data[pos..],
                        trailer_offset: pos,
                        warnings,
                    });
                }
                Err(e) => return Err(e),
            };
            pos = seg.body_offset() + seg.body.len();
            if marker == Marker::SOS {
                let end = if head {
                    data.len()
                } else {
                    scan_end(data, pos)
                };
                items.push(Item::Scan(Scan {
                    header: seg,
                    ecs: &data[pos..end],
                }));
                pos = end;
                if head {
                    return Ok(JpegFile {
                        items,
                        trailer: &[],
                        trailer_offset: pos,
                        warnings,
                    });
                }
            } else {
                items.push(Item::Segment(seg));
                if marker == Marker::EOI {
                    return Ok(JpegFile {
                        items,
                        trailer: &data[pos..],
                        trailer_offset: pos,
                        warnings,
                    });
                }
            }
        }
    }

    /// Writes the items back; with no change this reproduces the input exactly.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.byte_len());
        for item in &self.items {
            match item {
                Item::Segment(s) => s.write_to(&mut out),
                Item::Scan(s) => {
                    s.header.write_to(&mut out);
                    out.extend_from_slice(s.ecs);
                }
            }
        }
        out.extend_from_slice(self.trailer);
        out
    }

    fn byte_len(&self) -> usize {
        let items: usize = self
            .items
            .iter()
            .map(|i| match i {
                Item::Segment(s) => s.prefix.len() + s.stored_len(),
                Item::Scan(s) => s.header.prefix.len() + s.header.stored_len() + s.ecs.len(),
            })
            .sum();
        items + self.trailer.len()
    }

    /// Every marker segment (not scans), in order.
    pub fn segments(&self) -> impl Iterator<Item = &Segment<'a>> {
        self.items.iter().filter_map(|i| match i {
            Item::Segment(s) => Some(s),
            Item::Scan(_) => None,
        })
    }

    /// The first APP1 segment holding Exif (the one Exif readers take).
    pub fn exif_segment(&self) -> Option<&Segment<'a>> {
        self.segments()
            .find(|s| s.marker == Marker::APP1 && s.body.starts_with(b"Exif\0"))
    }

    /// The frame header (the first SOFn segment), when there is one that reads.
    pub fn frame(&self) -> Option<super::FrameHeader> {
        let sof = self.segments().find(|s| s.marker.is_sof())?;
        super::parse_frame(sof).ok()
    }

    /// Every scan, in order.
    pub fn scans(&self) -> impl Iterator<Item = &Scan<'a>> {
        self.items.iter().filter_map(|i| match i {
            Item::Scan(s) => Some(s),
            Item::Segment(_) => None,
        })
    }

    /// Whether the file ends with an EOI marker.
    pub fn has_eoi(&self) -> bool {
        matches!(self.items.last(), Some(Item::Segment(s)) if s.marker == Marker::EOI)
    }
}

/// Finds the next marker at or after `pos`: returns the offset of the 0xFF that
/// precedes the marker code, and how many non-fill bytes were skipped on the way.
/// Fill bytes (runs of 0xFF) are not counted as skipped; `FF 00` is stray data.
fn next_marker(data: &[u8], pos: usize) -> Option<(usize, usize)> {
    let mut i = pos;
    let mut skipped = 0;
    while i < data.len() {
        if data[i] != 0xFF {
            skipped += 1;
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < data.len() && data[j + 1] == 0xFF {
            j += 1;
        }
        if j + 1 >= data.len() {
            return None;
        }
        if data[j + 1] != 0x00 {
            return Some((j, skipped));
        }
        skipped += j + 2 - i;
        i = j + 2;
    }
    None
}

fn read_segment<'a>(data: &'a [u8], pos: usize, ff: usize, marker: Marker) -> Result<Segment<'a>> {
    let prefix = &data[pos..ff];
    if marker.is_standalone() {
        return Ok(Segment {
            prefix,
            marker,
            offset: ff,
            body: &[],
        });
    }
    if ff + 4 > data.len() {
        return Err(Error::malformed(
            ff,
            MalformedKind::Truncated("marker segment length"),
        ));
    }
    let len = u16::from_be_bytes([data[ff + 2], data[ff + 3]]) as usize;
    if len < 2 {
        return Err(Error::malformed(ff + 2, MalformedKind::BadLength(marker.0)));
    }
    if ff + 2 + len > data.len() {
        return Err(Error::malformed(
            ff,
            MalformedKind::Truncated("marker segment"),
        ));
    }
    Ok(Segment {
        prefix,
        marker,
        offset: ff,
        body: &data[ff + 4..ff + 2 + len],
    })
}

/// End of the entropy-coded data that starts at `pos`: the first 0xFF that is
/// followed by neither a stuffed 0x00 nor RSTn (T.81 B.1.1.5, F.1.2.3), or the end.
fn scan_end(data: &[u8], pos: usize) -> usize {
    let mut i = pos;
    while i + 1 < data.len() {
        // Most bytes are not 0xFF: a vectorised search finds the next candidate.
        match find_ff(&data[i..data.len() - 1]) {
            None => return data.len(),
            Some(k) => i += k,
        }
        let next = data[i + 1];
        if next == 0x00 || Marker(next).is_rst() {
            i += 2;
        } else {
            return i;
        }
    }
    data.len()
}

/// The index of the first 0xFF in `hay`. Up to 256 KiB it is searched eight bytes at a
/// time (a byte is 0xFF where its complement is zero; the lowest flag of the zero-byte
/// test is always a true one), so that a small file never pays for the first use of
/// memchr: its CPU feature detection (CPUID traps under virtualization) and the pages
/// it touches cost a thumbnail's run about 0.25 ms, more than this search of 256 KiB.
/// A longer one goes to memchr.
fn find_ff(hay: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    if hay.len() >= 1 << 18 {
        return memchr::memchr(0xFF, hay);
    }
    let mut chunks = hay.chunks_exact(8);
    for (n, c) in (&mut chunks).enumerate() {
        let x = !u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
        let flags = x.wrapping_sub(LO) & !x & HI;
        if flags != 0 {
            return Some(8 * n + (flags.trailing_zeros() / 8) as usize);
        }
    }
    let tail = chunks.remainder();
    let k = tail.iter().position(|&b| b == 0xFF)?;
    Some(hay.len() - tail.len() + k)
}

/// The offsets of every 0xFF in `hay`, in order ([`find_ff`] after each).
pub(crate) fn ff_positions(hay: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = from + find_ff(hay.get(from..)?)?;
        from = at + 1;
        Some(at)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_ff_equals_a_plain_search() {
        let mut next = crate::xorshift32(0xff00_ff01);
        for len in [
            0usize, 1, 7, 8, 9, 15, 16, 17, 100, 5000, 262_143, 262_144, 270_000,
        ] {
            for _ in 0..20 {
                // Sparse 0xFF bytes, and bytes just below and above it (0xFE, 0x00).
                let hay: Vec<u8> = (0..len)
                    .map(|_| match next() % 64 {
                        0 => 0xFF,
                        1 => 0xFE,
                        2 => 0x00,
                        _ => next() as u8 & 0x7F,
                    })
                    .collect();
                let plain = hay.iter().position(|&b| b == 0xFF);
                assert_eq!(find_ff(&hay), plain, "{hay:?}");
            }
        }
        assert_eq!(find_ff(&[0xFE, 0x00, 0xFF, 0xFF]), Some(2));
        let all: Vec<usize> = ff_positions(&[0xFF, 1, 0xFF, 0xFF, 2]).collect();
        assert_eq!(all, [0, 2, 3]);
        assert_eq!(find_ff(&[0x00; 9]), None);
    }

    #[test]
    fn minimal_round_trip_with_fill_trailer_and_rst() {
        let mut f = vec![0xFF, 0xD8, 0xFF, 0xFF, 0xFE, 0x00, 0x04, b'h', b'i'];
        f.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 1, 0xFF, 0x00, 2, 0xFF, 0xD0, 3]);
        f.extend_from_slice(&[0xFF, 0xFF, 0xD9, 9, 9]);
        let p = JpegFile::parse(&f).unwrap();
        assert_eq!(p.to_bytes(), f);
        assert_eq!(p.trailer, &[9, 9]);
        assert_eq!(p.items.len(), 4);
        let scan = p.scans().next().unwrap();
        assert_eq!(scan.ecs, &[1, 0xFF, 0x00, 2, 0xFF, 0xD0, 3]);
        assert!(p.warnings.is_empty());
        // Up to the first scan only, whose data then runs to the end of the file.
        let h = JpegFile::parse_head(&f).unwrap();
        assert_eq!(h.items.len(), 3);
        assert_eq!(h.scans().next().unwrap().ecs, &f[13..]);
        assert!(h.trailer.is_empty());
    }

    #[test]
    fn stray_bytes_are_kept_and_warned() {
        let f = [0xFF, 0xD8, 0x12, 0x34, 0xFF, 0xD9];
        let p = JpegFile::parse(&f).unwrap();
        assert_eq!(p.to_bytes(), f);
        assert_eq!(p.warnings.len(), 1);
    }

    #[test]
    fn missing_eoi_round_trips() {
        let f = [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 1, 2, 3];
        let p = JpegFile::parse(&f).unwrap();
        assert!(!p.has_eoi());
        assert_eq!(p.to_bytes(), f);
    }

    #[test]
    fn truncated_segment_after_a_scan_is_a_warning() {
        let f = [
            0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 1, 2, 0xFF, 0xE1, 0x10, 0x00, 1,
        ];
        let p = JpegFile::parse(&f).unwrap();
        assert_eq!(p.warnings.len(), 1);
        assert!(!p.has_eoi());
        assert_eq!(p.to_bytes(), f);
    }

    #[test]
    fn truncated_segment_is_an_error() {
        let f = [0xFF, 0xD8, 0xFF, 0xE1, 0x10, 0x00, 1];
        assert!(matches!(
            JpegFile::parse(&f),
            Err(Error::Malformed { offset: 2, .. })
        ));
        assert!(JpegFile::parse(b"GIF89a").is_err());
    }
}
