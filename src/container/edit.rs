//! Same-size edits inside metadata segments, for operations that change the image's
//! geometry: the Exif orientation and pixel-dimension tags, and the offsets of an MPF
//! (CIPA DC-007) index whose secondary images follow EOI.

use super::exif::{self, ByteOrder, IfdEntry, APP1_TIFF_START};

/// What to change in an Exif APP1 segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExifEdit {
    /// New Orientation value, written in IFD0 and IFD1 where the tag exists.
    pub orientation: Option<u16>,
    /// New PixelXDimension / PixelYDimension (Exif IFD), where the tags exist.
    pub dimensions: Option<(u32, u32)>,
}

/// Writes `value` into the entry's value field in the entry's own type (BYTE, SHORT or
/// LONG: the types the reader accepts), or returns false when it does not fit.
fn put(order: ByteOrder, buf: &mut [u8], at: usize, e: &IfdEntry, value: u32) -> bool {
    let bytes: Vec<u8> = match (e.typ, order) {
        (exif::field_type::BYTE, _) if value <= 0xFF => vec![value as u8],
        (exif::field_type::SHORT, ByteOrder::BigEndian) if value <= 0xFFFF => {
            (value as u16).to_be_bytes().to_vec()
        }
        (exif::field_type::SHORT, ByteOrder::LittleEndian) if value <= 0xFFFF => {
            (value as u16).to_le_bytes().to_vec()
        }
        (exif::field_type::LONG, ByteOrder::BigEndian) => value.to_be_bytes().to_vec(),
        (exif::field_type::LONG, ByteOrder::LittleEndian) => value.to_le_bytes().to_vec(),
        _ => return false,
    };
    match buf.get_mut(at..at + bytes.len()) {
        Some(dst) => {
            dst.copy_from_slice(&bytes);
            true
        }
        None => false,
    }
}

/// Sets entry `e` of an APP1 body to the one number `value`. One value lies in the
/// entry itself (TIFF 6.0, 2: four bytes or fewer) and is written there. An entry that
/// claims several, or a type that holds no number, is written anew as one value
/// instead: its old offset may point anywhere (at another IFD's entries, say).
fn put_number(order: ByteOrder, buf: &mut [u8], e: &IfdEntry, value: u32) -> bool {
    let inline = e.value_offset.filter(|_| e.count == 1);
    inline.is_some_and(|v| put(order, buf, APP1_TIFF_START + v, e, value))
        || put_entry(order, buf, APP1_TIFF_START + e.entry_offset, e.tag, value)
}

/// Writes the 12-byte IFD entry at `at` as `tag` holding the one number `value`: a
/// SHORT when it fits, else a LONG, in the entry itself.
fn put_entry(order: ByteOrder, buf: &mut [u8], at: usize, tag: u16, value: u32) -> bool {
    let mut entry = Vec::with_capacity(12);
    push16(order, &mut entry, tag);
    match u16::try_from(value) {
        Ok(v) => {
            push16(order, &mut entry, exif::field_type::SHORT);
            push32(order, &mut entry, 1);
            push16(order, &mut entry, v);
            push16(order, &mut entry, 0);
        }
        Err(_) => {
            push16(order, &mut entry, exif::field_type::LONG);
            push32(order, &mut entry, 1);
            push32(order, &mut entry, value);
        }
    }
    match buf.get_mut(at..at + 12) {
        Some(dst) => {
            dst.copy_from_slice(&entry);
            true
        }
        None => false,
    }
}

/// Applies `edit` to an Exif APP1 body, returning the edited copy, or `None` when the body
/// is not Exif or nothing needed changing. Values are rewritten in place, so every other
/// byte (maker notes with absolute offsets included) stays where it was.
pub fn edit_exif(body: &[u8], edit: &ExifEdit) -> Option<Vec<u8>> {
    let parsed = exif::parse_app1(body)?;
    let mut out = body.to_vec();
    let mut changed = false;
    let order = parsed.byte_order;
    let mut set = |ifd: &Option<exif::Ifd>, tag: u16, value: u32| {
        if let Some(e) = ifd.as_ref().and_then(|i| i.find(tag)) {
            changed |= put_number(order, &mut out, e, value);
        }
    };
    if let Some(o) = edit.orientation {
        set(&parsed.ifd0, exif::tags::ORIENTATION, o as u32);
        set(&parsed.ifd1, exif::tags::ORIENTATION, o as u32);
    }
    if let Some((w, h)) = edit.dimensions {
        set(&parsed.exif_ifd, exif::tags::PIXEL_X_DIMENSION, w);
        set(&parsed.exif_ifd, exif::tags::PIXEL_Y_DIMENSION, h);
    }
    (changed && out != body).then_some(out)
}

/// Whether IFD0 of an Exif APP1 body has an Orientation entry, whether its value reads
/// or not.
pub fn has_orientation_entry(body: &[u8]) -> bool {
    let parsed = exif::parse_app1(body);
    parsed
        .and_then(|p| p.ifd0)
        .is_some_and(|i| i.find(exif::tags::ORIENTATION).is_some())
}

/// The Orientation value of IFD0 in an Exif APP1 body.
pub fn exif_orientation(body: &[u8]) -> Option<u16> {
    exif::parse_app1(body)?.orientation.map(|t| t.value)
}

/// The Exif thumbnail (IFD1 JPEGInterchangeFormat) of an APP1 body, when it is a JPEG
/// that lies inside the segment: (offset in the body, length).
pub fn exif_thumbnail(body: &[u8]) -> Option<(usize, usize)> {
    let parsed = exif::parse_app1(body)?;
    let offset = parsed.thumbnail_offset.as_ref()?.value as usize;
    let len = parsed.thumbnail_length.as_ref()?.value as usize;
    // A thumbnail over the IFDs is none: replacing or wiping it would break them.
    if parsed.in_structure(offset, len) {
        return None;
    }
    let at = APP1_TIFF_START + offset;
    let thumb = body.get(at..at.checked_add(len)?)?;
    thumb.starts_with(&[0xFF, 0xD8]).then_some((at, len))
}

/// Where a new thumbnail of `n` bytes goes in place of the old one (`at`, `len`) in a
/// body of `total` bytes: over the old one when it ends the segment or the new one fits
/// in its place, else appended.
fn thumbnail_place(at: usize, len: usize, total: usize, n: usize) -> usize {
    if at + len == total || n <= len {
        at
    } else {
        total
    }
}

/// The largest thumbnail [`replace_exif_thumbnail`] can put in `body`: the segment's
/// length field (which counts itself) caps it at 65535 bytes.
pub fn exif_thumbnail_room(body: &[u8]) -> Option<usize> {
    let (at, len) = exif_thumbnail(body)?;
    let limit = 0xFFFF_usize - 2;
    let appended = limit.saturating_sub(body.len());
    Some(if at + len == body.len() {
        limit.saturating_sub(at)
    } else {
        appended.max(len)
    })
}

/// Replaces the Exif thumbnail with `thumb`. When the old thumbnail ends the TIFF data
/// (the usual layout) or `thumb` fits in its place, it is written there; otherwise it
/// is appended and IFD1 is pointed at it. Old thumbnail bytes left over are zeroed, so
/// the old picture (which may show what a crop removed) is gone. Returns `None` when
/// the segment would exceed 64 KiB or has no thumbnail.
pub fn replace_exif_thumbnail(body: &[u8], thumb: &[u8]) -> Option<Vec<u8>> {
    let parsed = exif::parse_app1(body)?;
    let (at, len) = exif_thumbnail(body)?;
    let ifd1 = parsed.ifd1.as_ref()?;
    let off_entry = *ifd1.find(exif::tags::THUMBNAIL_OFFSET)?;
    let len_entry = *ifd1.find(exif::tags::THUMBNAIL_LENGTH)?;
    let mut out = body.to_vec();
    let new_at = thumbnail_place(at, len, body.len(), thumb.len());
    if at + len == body.len() {
        out.truncate(at);
    } else {
        out[at..at + len].fill(0);
    }
    if new_at == out.len() {
        out.extend_from_slice(thumb);
    } else {
        out[new_at..new_at + thumb.len()].copy_from_slice(thumb);
    }
    if out.len() + 2 > 0xFFFF {
        return None;
    }
    let order = parsed.byte_order;
    let ok = put_number(
        order,
        &mut out,
        &off_entry,
        (new_at - APP1_TIFF_START) as u32,
    ) && put_number(order, &mut out, &len_entry, thumb.len() as u32);
    ok.then_some(out)
}

/// `body` (an Exif APP1 body whose IFD0 links to no other IFD) with an IFD1 holding the
/// JPEG thumbnail `jpeg` appended (CIPA DC-008 4.5.4: Compression 6, X and Y resolution
/// 72/1 per inch, JPEGInterchangeFormat and its length). Every byte and offset of the
/// TIFF data stays; only IFD0's link to the next IFD changes. `None` when IFD0 cannot
/// be read or already links to an IFD, or when the segment would exceed 64 KiB.
pub fn add_exif_thumbnail(body: &[u8], jpeg: &[u8]) -> Option<Vec<u8>> {
    let parsed = exif::parse_app1(body)?;
    let ifd0 = parsed.ifd0.as_ref()?;
    if ifd0.next != Some(0) {
        return None;
    }
    let order = parsed.byte_order;
    let link = APP1_TIFF_START + ifd0.offset + 2 + 12 * usize::from(ifd0.stored_count);
    body.get(link..link + 4)?;
    let mut out = body.to_vec();
    // TIFF 6.0, 2: an IFD starts on a word boundary.
    if (out.len() - APP1_TIFF_START) % 2 == 1 {
        out.push(0);
    }
    let at = u32::try_from(out.len() - APP1_TIFF_START).ok()?;
    let (rationals, thumb) = (at + 2 + 6 * 12 + 4, at + 2 + 6 * 12 + 4 + 16);
    let mut ifd = Vec::with_capacity(94);
    push16(order, &mut ifd, 6);
    for (tag, typ, value) in [
        (0x0103, 3, 6),         // Compression: JPEG
        (0x011A, 5, rationals), // XResolution
        (0x011B, 5, rationals + 8),
        (0x0128, 3, 2),     // ResolutionUnit: inch
        (0x0201, 4, thumb), // JPEGInterchangeFormat
        (0x0202, 4, u32::try_from(jpeg.len()).ok()?),
    ] {
        push16(order, &mut ifd, tag);
        push16(order, &mut ifd, typ);
        push32(order, &mut ifd, 1);
        if typ == 3 {
            push16(order, &mut ifd, value as u16);
            push16(order, &mut ifd, 0);
        } else {
            push32(order, &mut ifd, value);
        }
    }
    push32(order, &mut ifd, 0);
    for v in [72, 1, 72, 1] {
        push32(order, &mut ifd, v);
    }
    out.extend_from_slice(&ifd);
    out.extend_from_slice(jpeg);
    let mut next = Vec::new();
    push32(order, &mut next, at);
    out[link..link + 4].copy_from_slice(&next);
    (out.len() <= 0xFFFF - 2).then_some(out)
}

/// An Exif APP1 body that holds only a JPEG thumbnail: IFD0 with the tags Exif requires
/// of it without an Exif IFD (the resolution, 72 per inch as Exif's default, and
/// YCbCrPositioning, centred as JFIF sites chroma) and a link to IFD1 (see
/// [`add_exif_thumbnail`]), big-endian.
pub fn new_exif_thumbnail(jpeg: &[u8]) -> Option<Vec<u8>> {
    let order = ByteOrder::BigEndian;
    let mut body = b"Exif\0\0MM\0\x2a\0\0\0\x08".to_vec();
    let rationals = 8 + 2 + 4 * 12 + 4;
    push16(order, &mut body, 4);
    for (tag, typ, value) in [
        (0x011A, 5, rationals),
        (0x011B, 5, rationals + 8),
        (0x0128, 3, 2),
        (0x0213, 3, 1),
    ] {
        push16(order, &mut body, tag);
        push16(order, &mut body, typ);
        push32(order, &mut body, 1);
        push32(order, &mut body, if typ == 3 { value << 16 } else { value });
    }
    push32(order, &mut body, 0);
    for v in [72, 1, 72, 1] {
        push32(order, &mut body, v);
    }
    add_exif_thumbnail(&body, jpeg)
}

/// One IFD entry to write: tag, field type, count and the value bytes (big-endian).
type NewEntry = (u16, u16, u32, Vec<u8>);

/// Writes an IFD at the end of `tiff` (big-endian): its entries, the link `next`, then
/// the values longer than 4 bytes, each at an even offset (TIFF 6.0, section 2).
fn write_ifd(tiff: &mut Vec<u8>, entries: &[NewEntry], next: u32) {
    let order = ByteOrder::BigEndian;
    let mut data_at = tiff.len() + 2 + 12 * entries.len() + 4;
    let mut data = Vec::new();
    push16(order, tiff, entries.len() as u16);
    for (tag, typ, count, value) in entries {
        push16(order, tiff, *tag);
        push16(order, tiff, *typ);
        push32(order, tiff, *count);
        if value.len() <= 4 {
            let mut inline = value.clone();
            inline.resize(4, 0);
            tiff.extend_from_slice(&inline);
        } else {
            push32(order, tiff, data_at as u32);
            data.extend_from_slice(value);
            if value.len() % 2 == 1 {
                data.push(0);
            }
            data_at += value.len() + value.len() % 2;
        }
    }
    push32(order, tiff, next);
    tiff.extend_from_slice(&data);
}

/// The size [`write_ifd`] gives these entries.
fn ifd_size(entries: &[NewEntry]) -> usize {
    let data: usize = (entries.iter().filter(|e| e.3.len() > 4))
        .map(|e| e.3.len() + e.3.len() % 2)
        .sum();
    2 + 12 * entries.len() + 4 + data
}

/// A minimal Exif APP1 body, for a file that has none (what `jhead -mkexif` makes):
/// IFD0 with the resolution (72 per inch, Exif's default), YCbCrPositioning and
/// DateTime; an Exif IFD with ExifVersion 2.32, DateTimeOriginal, DateTimeDigitized,
/// ComponentsConfiguration, FlashpixVersion, ColorSpace sRGB and the image's size
/// (CIPA DC-008 4.6.3 lists these as required). `date` is `YYYY:MM:DD HH:MM:SS`.
pub fn minimal_exif(date: &str, width: u32, height: u32) -> Vec<u8> {
    let text = |s: &str| -> Vec<u8> { s.bytes().chain([0]).collect() };
    let rational = |n: u32, d: u32| -> Vec<u8> { [n.to_be_bytes(), d.to_be_bytes()].concat() };
    let short = |v: u16| v.to_be_bytes().to_vec();
    let long = |v: u32| v.to_be_bytes().to_vec();
    let (stamp, n) = (text(date), date.len() as u32 + 1);
    let mut ifd0: Vec<NewEntry> = vec![
        (0x011A, 5, 1, rational(72, 1)),
        (0x011B, 5, 1, rational(72, 1)),
        (0x0128, 3, 1, short(2)),
        (0x0132, 2, n, stamp.clone()),
        (0x0213, 3, 1, short(1)),
        (0x8769, 4, 1, long(0)),
    ];
    let exif_at = 8 + ifd_size(&ifd0) as u32;
    ifd0[5].3 = long(exif_at);
    let exif: Vec<NewEntry> = vec![
        (0x9000, 7, 4, b"0232".to_vec()),
        (0x9003, 2, n, stamp.clone()),
        (0x9004, 2, n, stamp),
        (0x9101, 7, 4, vec![1, 2, 3, 0]),
        (0xA000, 7, 4, b"0100".to_vec()),
        (0xA001, 3, 1, short(1)),
        (0xA002, 4, 1, long(width)),
        (0xA003, 4, 1, long(height)),
    ];
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    write_ifd(&mut tiff, &ifd0, 0);
    write_ifd(&mut tiff, &exif, 0);
    [b"Exif\0\0".as_slice(), &tiff].concat()
}

/// An Exif APP1 body holding only the Orientation tag and what IFD0 requires with it
/// (the resolution and YCbCrPositioning), big-endian: the segment `exiftool
/// -Orientation=N` writes into a file without Exif. The resolution is the JFIF
/// segment's `jfif` body (density and units: none, per inch, per cm), else 72 per inch.
pub fn orientation_exif(value: u16, jfif: Option<&[u8]>) -> Vec<u8> {
    let density = jfif
        .filter(|b| b.starts_with(b"JFIF\0") && b.len() >= 12 && b[7] <= 2)
        .map(|b| {
            (
                u16::from_be_bytes([b[8], b[9]]),
                u16::from_be_bytes([b[10], b[11]]),
                b[7],
            )
        });
    let (x, y, units) = density.unwrap_or((72, 72, 1));
    let rational = |v: u16| [u32::from(v).to_be_bytes(), 1u32.to_be_bytes()].concat();
    let short = |v: u16| v.to_be_bytes().to_vec();
    let ifd0: Vec<NewEntry> = vec![
        (exif::tags::ORIENTATION, 3, 1, short(value)),
        (0x011A, 5, 1, rational(x)),
        (0x011B, 5, 1, rational(y)),
        (0x0128, 3, 1, short(u16::from(units) + 1)), // TIFF: 1 none, 2 inch, 3 cm
        (0x0213, 3, 1, short(1)),
    ];
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    write_ifd(&mut tiff, &ifd0, 0);
    [b"Exif\0\0".as_slice(), &tiff].concat()
}

/// `body` (an Exif APP1 body whose IFD0 has no Orientation tag) with one: a copy of
/// IFD0 with the entry added in tag order (TIFF 6.0, 2) is appended and the header
/// points to it. Every other byte and offset of the TIFF data stays where it was
/// (maker notes with absolute offsets included); the old IFD0 is left unreferenced.
/// `None` when IFD0 cannot be read whole, already has the tag, or the segment would
/// exceed 64 KiB.
pub fn add_orientation(body: &[u8], value: u16) -> Option<Vec<u8>> {
    let parsed = exif::parse_app1(body)?;
    let ifd0 = parsed.ifd0.as_ref()?;
    let n = usize::from(ifd0.stored_count);
    if ifd0.entries.len() != n || ifd0.find(exif::tags::ORIENTATION).is_some() {
        return None;
    }
    // Values that lie past the segment would read the appended bytes instead.
    if (ifd0.entries.iter()).any(|e| e.byte_len().is_some() && e.value_offset.is_none()) {
        return None;
    }
    let order = parsed.byte_order;
    let first = APP1_TIFF_START + ifd0.offset + 2;
    let old = body.get(first..first + 12 * n + 4)?;
    let mut entry = Vec::with_capacity(12);
    push16(order, &mut entry, exif::tags::ORIENTATION);
    push16(order, &mut entry, exif::field_type::SHORT);
    push32(order, &mut entry, 1);
    push16(order, &mut entry, value);
    push16(order, &mut entry, 0);
    let mut entries: Vec<&[u8]> = old[..12 * n].chunks(12).collect();
    let at = entries.partition_point(|e| order.u16(e, 0).unwrap_or(0) < exif::tags::ORIENTATION);
    entries.insert(at, &entry);
    let mut out = body.to_vec();
    // TIFF 6.0, 2: an IFD starts on a word boundary.
    if (out.len() - APP1_TIFF_START) % 2 == 1 {
        out.push(0);
    }
    let new_at = u32::try_from(out.len() - APP1_TIFF_START).ok()?;
    push16(order, &mut out, u16::try_from(n + 1).ok()?);
    entries.iter().for_each(|e| out.extend_from_slice(e));
    out.extend_from_slice(&old[12 * n..]); // the link to IFD1
    let mut header = Vec::with_capacity(4);
    push32(order, &mut header, new_at);
    out[APP1_TIFF_START + 4..APP1_TIFF_START + 8].copy_from_slice(&header);
    (out.len() <= 0xFFFF - 2).then_some(out)
}

fn push16(order: ByteOrder, out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&match order {
        ByteOrder::BigEndian => v.to_be_bytes(),
        ByteOrder::LittleEndian => v.to_le_bytes(),
    });
}

fn push32(order: ByteOrder, out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&match order {
        ByteOrder::BigEndian => v.to_be_bytes(),
        ByteOrder::LittleEndian => v.to_le_bytes(),
    });
}

/// Removes the Exif thumbnail (IFD1, CIPA DC-008 4.5.4): IFD0's link to IFD1 becomes 0,
/// and the thumbnail's bytes go when they end the segment (the usual layout). Elsewhere
/// they are overwritten with zeros instead: the old picture (which may show what a crop
/// removed) is gone, and no other offset moves (maker notes hold offsets of their own).
/// Returns `None` when the body is not Exif or has no IFD1.
pub fn drop_exif_thumbnail(body: &[u8]) -> Option<Vec<u8>> {
    let parsed = exif::parse_app1(body)?;
    let ifd0 = parsed.ifd0.as_ref()?;
    if ifd0.next.unwrap_or(0) == 0 {
        return None;
    }
    let link = APP1_TIFF_START + ifd0.offset + 2 + 12 * ifd0.stored_count as usize;
    let mut out = body.to_vec();
    out.get_mut(link..link + 4)?.copy_from_slice(&[0; 4]);
    if let Some((at, len)) = exif_thumbnail(body) {
        if at + len == body.len() {
            out.truncate(at);
        } else {
            out.get_mut(at..at + len)?.fill(0);
        }
    }
    Some(out)
}

/// `body` (an Exif APP1 body) without the zero bytes that pad it past the last byte
/// its TIFF structure uses (`jhead -zt`: some cameras pad Exif with tens of KiB of
/// zeros). What is used: every IFD reachable from IFD0 (the Exif, GPS and Interop IFDs
/// and IFD1), each entry's values, and the IFD1 thumbnail. `None` when there is no
/// such padding, or when some entry's values cannot be located (an unknown type, a
/// damaged IFD): bytes that might be used are never cut.
pub fn trim_exif_padding(body: &[u8]) -> Option<Vec<u8>> {
    let tiff = body.strip_prefix(b"Exif\0".as_slice())?.get(1..)?;
    let used = APP1_TIFF_START + exif_used_end(tiff)?;
    let last_nonzero = body.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    let end = used.max(last_nonzero);
    (end < body.len()).then(|| body[..end].to_vec())
}

/// The end of the bytes a TIFF structure uses (see [`trim_exif_padding`]).
fn exif_used_end(data: &[u8]) -> Option<usize> {
    const POINTERS: [u16; 3] = [0x8769, 0x8825, 0xA005]; // Exif, GPS, Interop IFDs
    let tiff = exif::Tiff::parse(data)?;
    let (mut end, mut queue, mut seen) = (8usize, vec![tiff.ifd0_offset], Vec::new());
    while let Some(offset) = queue.pop() {
        if seen.contains(&offset) || seen.len() >= 16 {
            return None; // a loop, or more IFDs than Exif has
        }
        seen.push(offset);
        let mut problems = Vec::new();
        let ifd = tiff.read_ifd(offset, &mut problems)?;
        if !problems.is_empty() || ifd.entries.len() != usize::from(ifd.stored_count) {
            return None;
        }
        end = end.max(ifd.offset + 2 + 12 * ifd.entries.len() + 4);
        for e in &ifd.entries {
            let len = e.byte_len()?;
            end = end.max(e.value_offset? + len);
            if POINTERS.contains(&e.tag) {
                queue.push(tiff.uint(e, 0)?);
            }
        }
        let (at, len) = (ifd.find(0x0201), ifd.find(0x0202));
        if let (Some(at), Some(len)) = (at, len) {
            let thumb = (tiff.uint(at, 0)? as usize).checked_add(tiff.uint(len, 0)? as usize)?;
            end = end.max(thumb);
        }
        match ifd.next {
            Some(0) => {}
            Some(next) => queue.push(next),
            None => return None,
        }
    }
    Some(end)
}

/// Offset of the TIFF header inside an MPF APP2 body ("MPF\0").
const MPF_TIFF_START: usize = 4;
/// MP Entry tag of the MP Index IFD (CIPA DC-007 5.2.3.3).
const MP_ENTRY: u16 = 0xB002;

/// The byte order and the body position of the MP Entry array (16 bytes per image:
/// attribute, size, offset, dependent images) of an MPF APP2 body.
fn mp_entry_array(body: &[u8]) -> Option<(ByteOrder, usize, usize)> {
    if !body.starts_with(b"MPF\0") {
        return None;
    }
    let tiff = exif::Tiff::parse(body.get(MPF_TIFF_START..)?)?;
    let ifd = tiff.read_ifd(tiff.ifd0_offset, &mut Vec::new())?;
    let entry = ifd.find(MP_ENTRY)?;
    let offset = entry.value_offset?;
    let n = entry.count as usize / 16;
    // An array over the index IFD itself (a damaged offset) is none: the offsets
    // written into it would break the IFD.
    let span = ifd.span();
    if offset < span.end && span.start < offset + 16 * n {
        return None;
    }
    let start = MPF_TIFF_START + offset;
    body.get(start..start + 16 * n)?;
    Some((tiff.order, start, n))
}

/// The (offset, size) of each image of an MPF index (CIPA DC-007 5.2.3.3): offsets count
/// from the MP header (the TIFF header 4 bytes into the body); the first image's is 0.
pub fn mpf_entries(body: &[u8]) -> Option<Vec<(u32, u32)>> {
    let (order, start, n) = mp_entry_array(body)?;
    (0..n)
        .map(|i| {
            let e = &body[start + 16 * i..];
            Some((order.u32(e, 8)?, order.u32(e, 4)?))
        })
        .collect()
}

/// The type of each image of an MPF index (CIPA DC-007 5.2.3.3.1: the low 24 bits of
/// the individual image attribute), in the order of [`mpf_entries`].
pub fn mpf_entry_types(body: &[u8]) -> Option<Vec<u32>> {
    let (order, start, n) = mp_entry_array(body)?;
    (0..n)
        .map(|i| Some(order.u32(&body[start + 16 * i..], 0)? & 0x00FF_FFFF))
        .collect()
}

/// MP type codes of large thumbnails (CIPA DC-007 5.2.3.3.1): class 1 (VGA) and class 2
/// (full HD), pictures of the primary image.
pub const MPF_LARGE_THUMBNAILS: [u32; 2] = [0x01_0001, 0x01_0002];

/// `body` with the MPF index's (offset, size) pairs set to `entries` (one per image, in
/// order); `None` if the counts differ or nothing changed.
pub fn set_mpf_entries(body: &[u8], entries: &[(u32, u32)]) -> Option<Vec<u8>> {
    let (order, start, n) = mp_entry_array(body)?;
    if entries.len() != n {
        return None;
    }
    let mut out = body.to_vec();
    for (i, &(offset, size)) in entries.iter().enumerate() {
        let e = start + 16 * i;
        let (size, offset) = match order {
            ByteOrder::BigEndian => (size.to_be_bytes(), offset.to_be_bytes()),
            ByteOrder::LittleEndian => (size.to_le_bytes(), offset.to_le_bytes()),
        };
        out[e + 4..e + 8].copy_from_slice(&size);
        out[e + 8..e + 12].copy_from_slice(&offset);
    }
    (out != body).then_some(out)
}

/// `bytes`, `old` rewritten with segments of other lengths before its EOI (a thumbnail
/// replaced, a comment added, segments removed), with its MPF index (CIPA DC-007
/// 5.2.3.3) giving the first image's new size and pointing at the same images after EOI
/// again: their offsets count from the MP header, which the segments between it and EOI
/// move. Unchanged when either has no readable index.
pub fn refresh_mpf(old: &super::JpegFile, mut bytes: Vec<u8>) -> Vec<u8> {
    let Some(old_mpf) = old
        .segments()
        .find(|s| super::classify(s) == super::MetaClass::Mpf)
    else {
        return bytes;
    };
    let Some(entries) = mpf_entries(old_mpf.body) else {
        return bytes;
    };
    let old_header = old_mpf.body_offset() + 4;
    let edited = super::JpegFile::parse(&bytes).ok().and_then(|new| {
        let mpf = new
            .segments()
            .find(|s| super::classify(s) == super::MetaClass::Mpf)?;
        let header = mpf.body_offset() + 4;
        let first = u32::try_from(new.trailer_offset).ok()?;
        let moved = entries.iter().map(|&(offset, size)| {
            let at = old_header + offset as usize;
            match at.checked_sub(old.trailer_offset) {
                _ if offset == 0 => Some((0, first)),
                Some(rel) => Some((u32::try_from(new.trailer_offset + rel - header).ok()?, size)),
                None => Some((offset, size)),
            }
        });
        let body = set_mpf_entries(mpf.body, &moved.collect::<Option<Vec<_>>>()?)?;
        Some((mpf.body_offset(), body))
    });
    if let Some((at, body)) = edited {
        bytes[at..at + body.len()].copy_from_slice(&body);
    }
    bytes
}

/// Where a Photoshop APP13 body keeps its image resources: after "Photoshop 3.0\0".
const IRB_START: usize = 14;
/// Image resource 1036: the thumbnail (Photoshop 5 and later), a 28-byte header then
/// JFIF data.
const IRB_THUMBNAIL: u16 = 0x040C;
/// Bytes of the thumbnail resource's header: format, width, height, row bytes, total
/// size, compressed size (4 each), bits per pixel, planes (2 each).
const IRB_THUMB_HEADER: usize = 28;

/// The thumbnail resource of a Photoshop APP13 body: (the offset of its 4-byte size
/// field, its data's length), from the 8BIM resource blocks (signature, id, Pascal name
/// padded to even, size, data padded to even).
fn irb_thumbnail_resource(body: &[u8]) -> Option<(usize, usize)> {
    if !body.starts_with(b"Photoshop 3.0\0") {
        return None;
    }
    let mut p = IRB_START;
    while p + 12 <= body.len() && &body[p..p + 4] == b"8BIM" {
        let id = u16::from_be_bytes([body[p + 4], body[p + 5]]);
        let name = (usize::from(body[p + 6]) + 2) & !1;
        let size_at = p + 6 + name;
        let size = u32::from_be_bytes(body.get(size_at..size_at + 4)?.try_into().ok()?) as usize;
        let end = (size_at + 4).checked_add(size)?;
        if end > body.len() {
            return None;
        }
        if id == IRB_THUMBNAIL {
            return Some((size_at, size));
        }
        p = end + (size & 1);
    }
    None
}

/// The JFIF thumbnail of a Photoshop APP13 body (image resource 1036): its offset and
/// length in the body.
pub fn irb_thumbnail(body: &[u8]) -> Option<(usize, usize)> {
    let (size_at, size) = irb_thumbnail_resource(body)?;
    let at = size_at + 4 + IRB_THUMB_HEADER;
    let len = size.checked_sub(IRB_THUMB_HEADER)?;
    body[at..at + len]
        .starts_with(&[0xFF, 0xD8])
        .then_some((at, len))
}

/// The largest thumbnail [`replace_irb_thumbnail`] can put in `body` (the segment is
/// capped at 65535 bytes with its length field; one byte may pad the resource).
pub fn irb_thumbnail_room(body: &[u8]) -> Option<usize> {
    let (_, len) = irb_thumbnail(body)?;
    (0xFFFF_usize - 3).checked_sub(body.len() - len)
}

/// `body` with its Photoshop thumbnail replaced by `jpeg` of `width` × `height`: the
/// resource's header (24-bit RGB, rows padded to 4 bytes), size and padding rewritten.
pub fn replace_irb_thumbnail(body: &[u8], jpeg: &[u8], width: u32, height: u32) -> Option<Vec<u8>> {
    let (size_at, size) = irb_thumbnail_resource(body)?;
    irb_thumbnail(body)?;
    let row = (width.checked_mul(24)?.checked_add(31)? / 32).checked_mul(4)?;
    let mut data = Vec::with_capacity(IRB_THUMB_HEADER + jpeg.len());
    for v in [
        1,
        width,
        height,
        row,
        row.checked_mul(height)?,
        u32::try_from(jpeg.len()).ok()?,
    ] {
        data.extend_from_slice(&v.to_be_bytes());
    }
    data.extend_from_slice(&24u16.to_be_bytes());
    data.extend_from_slice(&1u16.to_be_bytes());
    data.extend_from_slice(jpeg);
    let old_end = size_at + 4 + size + (size & 1);
    let mut out = body[..size_at].to_vec();
    out.extend_from_slice(&u32::try_from(data.len()).ok()?.to_be_bytes());
    out.extend_from_slice(&data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    out.extend_from_slice(body.get(old_end..).unwrap_or(&[]));
    (out.len() + 2 <= 0xFFFF).then_some(out)
}

/// An XMP body with the `Item:Length` values of a GContainer directory (the Ultra HDR
/// and Google camera layout, which lists the images after EOI by length) changed from
/// each old length in `changes` to its new one, one occurrence each, in order. `None`
/// when nothing changed or the body would pass 64 KiB.
pub fn edit_xmp_item_lengths(body: &[u8], changes: &[(usize, usize)]) -> Option<Vec<u8>> {
    const KEY: &[u8] = b"Item:Length=\"";
    let mut out = Vec::with_capacity(body.len() + 16);
    let mut pending: Vec<(usize, usize)> = changes.iter().copied().filter(|c| c.0 != c.1).collect();
    let mut rest = body;
    while let Some(k) = memchr::memmem::find(rest, KEY) {
        let digits = rest[k + KEY.len()..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let value_at = k + KEY.len();
        out.extend_from_slice(&rest[..value_at]);
        let value = std::str::from_utf8(&rest[value_at..value_at + digits])
            .ok()
            .and_then(|d| d.parse::<usize>().ok());
        match pending.iter().position(|c| Some(c.0) == value) {
            Some(i) => out.extend_from_slice(pending.remove(i).1.to_string().as_bytes()),
            None => out.extend_from_slice(&rest[value_at..value_at + digits]),
        }
        rest = &rest[value_at + digits..];
    }
    out.extend_from_slice(rest);
    (out != body && out.len() + 2 <= 0xFFFF).then_some(out)
}

/// The XMP namespaces whose properties mirror the Exif tags a lossless transform edits.
const XMP_TIFF: &[u8] = b"\"http://ns.adobe.com/tiff/1.0/\"";
const XMP_EXIF: &[u8] = b"\"http://ns.adobe.com/exif/1.0/\"";

/// An XMP APP1 body with the properties that mirror Exif tags edited as `edit` edits
/// the Exif segment, where the packet has them: tiff:Orientation, and
/// exif:PixelXDimension, exif:PixelYDimension, tiff:ImageWidth and tiff:ImageLength
/// (XMP Specification Part 2, 3.2 and 3.3), as an attribute (`tiff:Orientation="6"`)
/// or an element (`<tiff:Orientation>6</tiff:Orientation>`). A packet that names
/// those namespaces with other prefixes is left alone. The packet keeps its length
/// where its padding allows (XMP Part 1, 7.3.3: padding is there for edits in place).
/// `None` when nothing changed, the body is not a main XMP packet, or it would pass
/// 64 KiB.
pub fn edit_xmp_tags(body: &[u8], edit: &ExifEdit) -> Option<Vec<u8>> {
    const HEAD: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
    if !body.starts_with(HEAD) {
        return None;
    }
    let declared = |ns: &[u8], prefix: &[u8]| xmp_declares(body, prefix, ns);
    let mut changes: Vec<(&[u8], u32)> = Vec::new();
    if let (Some(o), true) = (edit.orientation, declared(XMP_TIFF, b"tiff")) {
        changes.push((b"tiff:Orientation", u32::from(o)));
    }
    if let Some((w, h)) = edit.dimensions {
        if declared(XMP_EXIF, b"exif") {
            changes.extend([
                (b"exif:PixelXDimension".as_slice(), w),
                (b"exif:PixelYDimension", h),
            ]);
        }
        if declared(XMP_TIFF, b"tiff") {
            changes.extend([(b"tiff:ImageWidth".as_slice(), w), (b"tiff:ImageLength", h)]);
        }
    }
    let mut out = body.to_vec();
    for (name, value) in changes {
        out = set_xmp_property(&out, name, value);
    }
    let out = keep_packet_length(out, body.len());
    (out != body && out.len() + 2 <= 0xFFFF).then_some(out)
}

/// `xmp` with every decimal value of property `name` (attribute or simple element)
/// set to `value`.
fn set_xmp_property(xmp: &[u8], name: &[u8], value: u32) -> Vec<u8> {
    let text = value.to_string();
    let mut out = Vec::with_capacity(xmp.len() + 8);
    let mut copied = 0;
    for span in xmp_values(xmp, name) {
        let v = &xmp[span.clone()];
        if v.is_empty() || !v.iter().all(u8::is_ascii_digit) {
            continue;
        }
        out.extend_from_slice(&xmp[copied..span.start]);
        out.extend_from_slice(text.as_bytes());
        copied = span.end;
    }
    out.extend_from_slice(&xmp[copied..]);
    out
}

/// Whether an XMP packet binds `prefix` to namespace `ns` (quoted, as in
/// `xmlns:tiff="http://ns.adobe.com/tiff/1.0/"`), with double or single quotes.
pub fn xmp_declares(xmp: &[u8], prefix: &[u8], ns: &[u8]) -> bool {
    let double = [b"xmlns:".as_slice(), prefix, b"=", ns].concat();
    let single: Vec<u8> = double
        .iter()
        .map(|&b| if b == b'"' { b'\'' } else { b })
        .collect();
    [double, single]
        .iter()
        .any(|d| memchr::memmem::find(xmp, d).is_some())
}

/// Where the simple values of property `name` (`prefix:Name`) lie in an XMP packet:
/// the attribute form (`name="v"` or `name='v'`) and the element form
/// (`<name>v</name>`, text only), in packet order.
pub fn xmp_values(xmp: &[u8], name: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(k) = memchr::memmem::find(&xmp[from..], name).map(|k| k + from) {
        from = k + name.len();
        // The name must stand alone: after `<` or white space, before `=` or `>`.
        let before = k.checked_sub(1).map(|i| xmp[i]);
        let element = before == Some(b'<');
        if !(element || before.is_some_and(|b| b.is_ascii_whitespace())) {
            continue;
        }
        if let Some((start, len)) = xmp_value_span(&xmp[from..], element) {
            spans.push(from + start..from + start + len);
        }
    }
    spans
}

/// Where the value after a property name lies (start, length): `="v"` or `='v'` for an
/// attribute, `>v<` for an element (`element`: the name followed a `<`).
fn xmp_value_span(after: &[u8], element: bool) -> Option<(usize, usize)> {
    let (start, close) = if element {
        (after.first() == Some(&b'>')).then_some((1, b'<'))?
    } else {
        let eq = after.iter().position(|b| !b.is_ascii_whitespace())?;
        (after[eq] == b'=').then_some(())?;
        let q = eq
            + 1
            + after[eq + 1..]
                .iter()
                .position(|b| !b.is_ascii_whitespace())?;
        matches!(after[q], b'"' | b'\'').then_some((q + 1, after[q]))?
    };
    let len = after[start..]
        .iter()
        .position(|&b| b == close || b == b'<')?;
    (after[start + len] == close).then_some((start, len))
}

/// `xmp` brought back to `len` bytes by taking or adding padding spaces before the
/// packet trailer (`<?xpacket end=`), when there is enough padding to take.
fn keep_packet_length(mut xmp: Vec<u8>, len: usize) -> Vec<u8> {
    let Some(trailer) = memchr::memmem::rfind(&xmp, b"<?xpacket end=") else {
        return xmp;
    };
    if xmp.len() > len {
        let extra = xmp.len() - len;
        let pad = xmp[..trailer]
            .iter()
            .rev()
            .take_while(|&&b| b == b' ')
            .count();
        if pad >= extra {
            xmp.drain(trailer - extra..trailer);
        }
    } else if xmp.len() < len {
        let missing = len - xmp.len();
        xmp.splice(trailer..trailer, std::iter::repeat(b' ').take(missing));
    }
    xmp
}

/// Bytes of profile data an APP2 ICC segment holds: 65535 less the length field and
/// the 14-byte header (`ICC_PROFILE\0`, sequence number, count).
const ICC_CHUNK: usize = 65535 - 2 - 14;

/// The APP2 bodies that carry `profile` (ICC.1 Annex B.4: `ICC_PROFILE\0`, the chunk's
/// 1-based number, the number of chunks, then the data), or `None` when it needs more
/// than 255 chunks or is empty.
pub fn icc_segments(profile: &[u8]) -> Option<Vec<Vec<u8>>> {
    let n = profile.len().div_ceil(ICC_CHUNK);
    if n == 0 || n > 255 {
        return None;
    }
    Some(
        profile
            .chunks(ICC_CHUNK)
            .enumerate()
            .map(|(i, data)| {
                let mut body = b"ICC_PROFILE\0".to_vec();
                body.extend_from_slice(&[i as u8 + 1, n as u8]);
                body.extend_from_slice(data);
                body
            })
            .collect(),
    )
}

/// Appends the APP2 segments of [`icc_segments`] for `profile` (nothing when it has
/// none).
pub fn write_icc(out: &mut Vec<u8>, profile: &[u8]) {
    for body in icc_segments(profile).unwrap_or_default() {
        super::write_segment(out, super::Marker::APP2, &body);
    }
}

/// Reassembles a profile from `(sequence, count, data)` chunks when complete: every
/// chunk of one count present exactly once (ICC.1 Annex B.4).
pub fn reassemble_icc(chunks: &[(u8, u8, &[u8])]) -> Option<Vec<u8>> {
    let m = chunks.first()?.1;
    if m == 0 || chunks.len() != m as usize || chunks.iter().any(|c| c.1 != m) {
        return None;
    }
    let mut out = Vec::new();
    for seq in 1..=m {
        let mut it = chunks.iter().filter(|c| c.0 == seq);
        let c = it.next()?;
        if it.next().is_some() {
            return None;
        }
        out.extend_from_slice(c.2);
    }
    Some(out)
}

/// The ICC profile the APP2 `ICC_PROFILE` segments of `file` carry, reassembled, when
/// they form one complete profile (as libjpeg's `jpeg_read_icc_profile` requires).
pub fn embedded_icc(file: &super::JpegFile<'_>) -> Option<Vec<u8>> {
    let chunks: Vec<(u8, u8, &[u8])> = file
        .segments()
        .filter(|s| s.marker == super::Marker::APP2 && s.body.starts_with(b"ICC_PROFILE\0"))
        .filter(|s| s.body.len() >= 14)
        .map(|s| (s.body[12], s.body[13], &s.body[14..]))
        .collect();
    reassemble_icc(&chunks)
}

/// Whether `data` looks like an ICC profile: at least a 128-byte header whose size
/// field is the length and whose signature (bytes 36..40) is `acsp` (ICC.1 7.2).
pub fn is_icc_profile(data: &[u8]) -> bool {
    data.len() >= 128
        && u32::from_be_bytes([data[0], data[1], data[2], data[3]]) as usize == data.len()
        && &data[36..40] == b"acsp"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_orientation_tag_is_added_in_tag_order_and_nothing_moves() {
        // Little-endian: IFD0 {Make "Canon" (past the entry), ExifIFD} linking to IFD1.
        let mut t = b"II\x2a\0\x08\0\0\0".to_vec();
        t.extend_from_slice(&[2, 0]);
        t.extend_from_slice(&[0x0F, 0x01, 2, 0, 6, 0, 0, 0, 38, 0, 0, 0]);
        t.extend_from_slice(&[0x69, 0x87, 4, 0, 1, 0, 0, 0, 44, 0, 0, 0]);
        t.extend_from_slice(&[62, 0, 0, 0]); // IFD1
        t.extend_from_slice(b"Canon\0");
        t.extend_from_slice(&[1, 0, 0x00, 0x90, 7, 0, 4, 0, 0, 0, b'0', b'2', b'3', b'2']);
        t.extend_from_slice(&[0, 0, 0, 0]);
        t.extend_from_slice(&[1, 0, 0x03, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0]);
        let body = [b"Exif\0\0".as_slice(), &t].concat();
        let before = exif::parse_app1(&body).unwrap();
        assert!(before.orientation.is_none() && before.ifd1.is_some());
        let out = add_orientation(&body, 6).unwrap();
        // The header's IFD0 offset changes; every other byte stays.
        let tiff_ifd0 = APP1_TIFF_START + 4..APP1_TIFF_START + 8;
        assert_eq!(out[..tiff_ifd0.start], body[..tiff_ifd0.start]);
        assert_eq!(out[tiff_ifd0.end..body.len()], body[tiff_ifd0.end..]);
        let after = exif::parse_app1(&out).unwrap();
        assert_eq!(after.orientation.map(|o| o.value), Some(6));
        assert_eq!(after.make.map(|m| m.value), Some("Canon".to_string()));
        let tags: Vec<u16> = after.ifd0.unwrap().entries.iter().map(|e| e.tag).collect();
        assert_eq!(tags, [0x010F, 0x0112, 0x8769]);
        assert_eq!(after.exif_ifd, before.exif_ifd);
        assert_eq!(after.ifd1, before.ifd1);
        assert!(add_orientation(&out, 3).is_none(), "the tag is there now");
    }

    #[test]
    fn xmp_mirrors_are_edited_in_both_forms_within_the_padding() {
        let packet = |props: &str, pad: usize| -> Vec<u8> {
            let mut p = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><rdf:Description ".to_vec();
            p.extend_from_slice(b"xmlns:tiff=\"http://ns.adobe.com/tiff/1.0/\" ");
            p.extend_from_slice(b"xmlns:exif='http://ns.adobe.com/exif/1.0/' ");
            p.extend_from_slice(props.as_bytes());
            p.extend_from_slice(b"</rdf:Description></x:xmpmeta>");
            p.extend(std::iter::repeat(b' ').take(pad));
            p.extend_from_slice(b"<?xpacket end=\"w\"?>");
            p
        };
        let before = packet(
            r#"tiff:Orientation="6" exif:PixelXDimension = '640'><exif:PixelYDimension>480</exif:PixelYDimension><tiff:OrientationX>6</tiff:OrientationX>"#,
            20,
        );
        let edit = ExifEdit {
            orientation: Some(1),
            dimensions: Some((1000, 640)),
        };
        let after = edit_xmp_tags(&before, &edit).unwrap();
        let want = packet(
            r#"tiff:Orientation="1" exif:PixelXDimension = '1000'><exif:PixelYDimension>640</exif:PixelYDimension><tiff:OrientationX>6</tiff:OrientationX>"#,
            19,
        );
        assert_eq!(
            String::from_utf8_lossy(&after),
            String::from_utf8_lossy(&want)
        );
        assert_eq!(
            after.len(),
            before.len(),
            "the padding took the longer value"
        );
        // Another prefix for the namespace: left alone.
        let other = String::from_utf8_lossy(&before).replace("xmlns:tiff", "xmlns:t");
        let other = edit_xmp_tags(
            other.as_bytes(),
            &ExifEdit {
                orientation: Some(1),
                dimensions: None,
            },
        );
        assert!(other.is_none());
    }

    #[test]
    fn exif_padding_is_cut_to_the_last_used_byte() {
        // DateTime's 20 bytes end the TIFF data with its NUL: used, so never cut.
        let body = minimal_exif("2020:01:02 03:04:05", 8, 8);
        assert_eq!(body.last(), Some(&0));
        assert!(trim_exif_padding(&body).is_none());
        let mut padded = body.clone();
        padded.extend([0; 500]);
        assert_eq!(trim_exif_padding(&padded), Some(body.clone()));
        // An entry of no TIFF type: its extent is unknown, nothing is cut.
        let mut odd = padded.clone();
        let ifd0 = APP1_TIFF_START + 8 + 2;
        odd[ifd0 + 2..ifd0 + 4].copy_from_slice(&[0, 99]);
        assert!(trim_exif_padding(&odd).is_none());
    }

    #[test]
    fn a_segment_of_its_own_takes_the_jfif_density() {
        let jfif = b"JFIF\0\x01\x02\x02\x00\x28\x00\x32\0\0";
        let parsed = exif::parse_app1(&orientation_exif(8, Some(jfif))).unwrap();
        assert_eq!(parsed.orientation.map(|o| o.value), Some(8));
        let ifd0 = parsed.ifd0.unwrap();
        let unit = ifd0.find(0x0128).unwrap().value_offset.unwrap();
        let body = orientation_exif(8, Some(jfif));
        assert_eq!(body[APP1_TIFF_START + unit + 1], 3, "per cm");
        assert_eq!(orientation_exif(1, None).len(), 96);
    }

    /// A big-endian Exif body: IFD0 {Orientation=6, ExifIFD→}, Exif IFD {PixelX=640 LONG, PixelY=480 SHORT}.
    fn sample() -> Vec<u8> {
        let mut t = b"MM\0\x2a\0\0\0\x08".to_vec();
        t.extend_from_slice(&[0, 2]);
        t.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
        t.extend_from_slice(&[0x87, 0x69, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
        t.extend_from_slice(&[0, 0, 0, 0]);
        t.extend_from_slice(&[0, 2]);
        t.extend_from_slice(&[0xA0, 0x02, 0, 4, 0, 0, 0, 1, 0, 0, 2, 128]);
        t.extend_from_slice(&[0xA0, 0x03, 0, 3, 0, 0, 0, 1, 1, 224, 0, 0]);
        t.extend_from_slice(&[0, 0, 0, 0]);
        let mut body = b"Exif\0\0".to_vec();
        body.extend_from_slice(&t);
        body
    }

    /// `sample()` plus IFD1 holding a 4-byte "JPEG" thumbnail at the end.
    fn with_thumbnail() -> Vec<u8> {
        let mut body = sample();
        // Point IFD0's next-IFD field (after its 2 entries) at a new IFD1.
        let ifd1 = (body.len() - 6) as u32;
        body[6 + 8 + 2 + 24..6 + 8 + 2 + 24 + 4].copy_from_slice(&ifd1.to_be_bytes());
        let thumb_at = ifd1 + 2 + 24 + 4;
        body.extend_from_slice(&[0, 2]);
        body.extend_from_slice(&[0x02, 0x01, 0, 4, 0, 0, 0, 1]);
        body.extend_from_slice(&thumb_at.to_be_bytes());
        body.extend_from_slice(&[0x02, 0x02, 0, 4, 0, 0, 0, 1, 0, 0, 0, 4]);
        body.extend_from_slice(&[0, 0, 0, 0]);
        body.extend_from_slice(&[0xFF, 0xD8, 0xFF, 0xD9]);
        body
    }

    /// An IFD1 is appended to an Exif segment without one (big- and little-endian): the
    /// thumbnail is found where it says, the old bytes are kept, IFD0's other tags read
    /// as before; one that links to an IFD already is refused. A new segment holding only
    /// a thumbnail reads back too.
    #[test]
    fn a_thumbnail_is_added_where_there_was_none() {
        let jpeg = [0xFF, 0xD8, 0xAA, 0xBB, 0xCC, 0xFF, 0xD9];
        let big = sample();
        let mut little = b"Exif\0\0II\x2a\0\x08\0\0\0".to_vec();
        little.extend_from_slice(&[1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
        little.extend_from_slice(&[0, 0, 0, 0, 0]); // next: none, and an odd pad byte
        for body in [big, little] {
            let out = add_exif_thumbnail(&body, &jpeg).unwrap();
            // Only IFD0's 4-byte link to the next IFD changed.
            let changed: Vec<usize> = (0..body.len()).filter(|&i| out[i] != body[i]).collect();
            assert!(
                changed.len() <= 4 && changed.last().unwrap() - changed[0] < 4,
                "{changed:?}"
            );
            let (at, len) = exif_thumbnail(&out).unwrap();
            assert_eq!(out[at..at + len], jpeg);
            assert_eq!(
                (at - APP1_TIFF_START) % 2,
                0,
                "IFD1 and the thumbnail on even offsets"
            );
            let e = exif::parse_app1(&out).unwrap();
            assert_eq!(e.orientation.unwrap().value, 6);
            assert!(e.problems.is_empty(), "{:?}", e.problems);
            assert!(
                add_exif_thumbnail(&out, &jpeg).is_none(),
                "IFD0 links to IFD1 now"
            );
        }
        let new = new_exif_thumbnail(&jpeg).unwrap();
        let (at, len) = exif_thumbnail(&new).unwrap();
        assert_eq!(new[at..at + len], jpeg);
        assert!(exif::parse_app1(&new).unwrap().problems.is_empty());
        assert!(
            new_exif_thumbnail(&vec![0; 0xFFFF]).is_none(),
            "64 KiB at most"
        );
    }

    #[test]
    fn replaces_a_thumbnail_at_the_end() {
        let body = with_thumbnail();
        let (at, len) = exif_thumbnail(&body).unwrap();
        assert_eq!((at + len, len), (body.len(), 4));
        let out = replace_exif_thumbnail(&body, &[0xFF, 0xD8, 1, 2, 3, 0xFF, 0xD9]).unwrap();
        let (at2, len2) = exif_thumbnail(&out).unwrap();
        assert_eq!((at2, len2), (at, 7));
        assert_eq!(&out[at2..], &[0xFF, 0xD8, 1, 2, 3, 0xFF, 0xD9]);
        assert!(
            replace_exif_thumbnail(&sample(), &[0xFF, 0xD8]).is_none(),
            "no thumbnail"
        );
    }

    #[test]
    fn a_thumbnail_followed_by_data_is_overwritten_in_place_or_moved_to_the_end() {
        let mut body = with_thumbnail();
        body.extend_from_slice(b"more");
        let (at, _) = exif_thumbnail(&body).unwrap();
        assert_eq!(exif_thumbnail_room(&body), Some(0xFFFF - 2 - body.len()));
        // Smaller: in place, the rest of the old span zeroed, the segment as long.
        let out = replace_exif_thumbnail(&body, &[0xFF, 0xD8, 0xD9]).unwrap();
        assert_eq!(exif_thumbnail(&out), Some((at, 3)));
        assert_eq!(&out[at..], &[0xFF, 0xD8, 0xD9, 0, b'm', b'o', b'r', b'e']);
        // Larger: appended, the old bytes zeroed.
        let new = [0xFF, 0xD8, 1, 2, 3, 0xFF, 0xD9];
        let out = replace_exif_thumbnail(&body, &new).unwrap();
        assert_eq!(exif_thumbnail(&out), Some((body.len(), 7)));
        assert_eq!(&out[at..at + 4], &[0; 4]);
        assert_eq!(&out[body.len()..], &new);
        // A full segment still takes a thumbnail no larger than the old one.
        let mut full = with_thumbnail();
        full.extend(std::iter::repeat(0).take(0xFFFF - 2 - full.len()));
        assert_eq!(exif_thumbnail_room(&full), Some(4));
        assert!(replace_exif_thumbnail(&full, &[0xFF, 0xD8, 0xFF, 0xD9]).is_some());
        assert!(replace_exif_thumbnail(&full, &new).is_none());
    }

    #[test]
    fn a_photoshop_thumbnail_is_found_and_replaced() {
        let mut body = b"Photoshop 3.0\0".to_vec();
        // Resource 1028 (IPTC), odd size, then the thumbnail, then 1061.
        body.extend_from_slice(b"8BIM\x04\x04\0\0\0\0\0\x03abc\0");
        let mut thumb = vec![0; 28];
        thumb.extend_from_slice(&[0xFF, 0xD8, 1, 0xFF, 0xD9]);
        body.extend_from_slice(b"8BIM\x04\x0c\0\0");
        body.extend_from_slice(&(thumb.len() as u32).to_be_bytes());
        body.extend_from_slice(&thumb);
        body.push(0);
        body.extend_from_slice(b"8BIM\x04\x25\0\0\0\0\0\x02xy");
        let (at, len) = irb_thumbnail(&body).unwrap();
        assert_eq!(&body[at..at + len], &[0xFF, 0xD8, 1, 0xFF, 0xD9]);
        let out = replace_irb_thumbnail(&body, &[0xFF, 0xD8, 0xFF, 0xD9], 7, 5).unwrap();
        let (at2, len2) = irb_thumbnail(&out).unwrap();
        assert_eq!(&out[at2..at2 + len2], &[0xFF, 0xD8, 0xFF, 0xD9]);
        // Header: format 1, 7×5, rows of 24 bytes, 120 in all, 4 compressed, 24 bits, 1 plane.
        let h = &out[at2 - 28..at2];
        assert_eq!(&h[..8], &[0, 0, 0, 1, 0, 0, 0, 7]);
        assert_eq!(&h[12..24], &[0, 0, 0, 24, 0, 0, 0, 120, 0, 0, 0, 4]);
        assert!(out.ends_with(b"8BIM\x04\x25\0\0\0\0\0\x02xy"));
        assert_eq!(
            out.len(),
            body.len() - 2,
            "one byte shorter, no padding now"
        );
        assert!(irb_thumbnail(b"Photoshop 3.0\08BIM\x04\x0c\0\0\0\0\xff\xff").is_none());
    }

    #[test]
    fn gcontainer_item_lengths_follow_the_images() {
        let xmp = b"<x><Container:Item Item:Semantic=\"Primary\"/><Container:Item Item:Semantic=\"GainMap\" Item:Length=\"30327\"/><Container:Item Item:Length=\"77\"/></x>";
        let out = edit_xmp_item_lengths(xmp, &[(30327, 9999), (5, 6)]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("Item:Length=\"9999\"") && text.contains("Item:Length=\"77\""));
        assert_eq!(text.len(), xmp.len() - 1);
        assert!(edit_xmp_item_lengths(xmp, &[(30327, 30327)]).is_none());
        assert!(edit_xmp_item_lengths(b"no lengths", &[(1, 2)]).is_none());
    }

    #[test]
    fn drops_a_thumbnail_at_the_end_and_zeroes_one_elsewhere() {
        let body = with_thumbnail();
        let (at, _) = exif_thumbnail(&body).unwrap();
        let out = drop_exif_thumbnail(&body).unwrap();
        assert_eq!(out.len(), at);
        assert!(exif_thumbnail(&out).is_none());
        // The same thumbnail followed by other bytes: same length, thumbnail zeroed.
        let mut body = with_thumbnail();
        body.extend_from_slice(b"more");
        let out = drop_exif_thumbnail(&body).unwrap();
        assert_eq!(out.len(), body.len());
        assert_eq!(&out[at..at + 4], &[0; 4]);
        assert_eq!(&out[at + 4..], b"more");
        assert!(exif_thumbnail(&out).is_none());
        assert!(drop_exif_thumbnail(&sample()).is_none(), "no IFD1");
    }

    #[test]
    fn edits_orientation_and_dimensions_in_place() {
        let body = sample();
        assert_eq!(exif_orientation(&body), Some(6));
        let e = ExifEdit {
            orientation: Some(1),
            dimensions: Some((480, 640)),
        };
        let out = edit_exif(&body, &e).unwrap();
        assert_eq!(out.len(), body.len());
        let p = exif::parse_app1(&out).unwrap();
        assert_eq!(p.orientation.unwrap().value, 1);
        assert_eq!(p.pixel_x_dimension.unwrap().value, 480);
        assert_eq!(p.pixel_y_dimension.unwrap().value, 640);
        assert!(edit_exif(&out, &e).is_none(), "nothing left to change");
        assert!(edit_exif(b"Exif\0\0garbage", &e).is_none());
    }

    /// An Orientation stored as a BYTE (which the reader accepts) is edited as one: a
    /// SHORT written there would read back as its high byte.
    #[test]
    fn edits_an_orientation_stored_as_a_byte() {
        let mut body = sample();
        let e = exif::parse_app1(&body).unwrap().ifd0.unwrap();
        let at = APP1_TIFF_START + e.find(exif::tags::ORIENTATION).unwrap().entry_offset;
        body[at + 2..at + 4].copy_from_slice(&[0, 1]);
        body[at + 8..at + 12].copy_from_slice(&[6, 0, 0, 0]);
        assert_eq!(exif_orientation(&body), Some(6));
        let edit = ExifEdit {
            orientation: Some(3),
            dimensions: None,
        };
        let out = edit_exif(&body, &edit).unwrap();
        assert_eq!(exif_orientation(&out), Some(3));
        assert_eq!(&out[at + 8..at + 12], &[3, 0, 0, 0]);
    }

    /// An Orientation entry that claims many values (a fuzz mutant: count 16385, its
    /// values at TIFF offset 1, over the header) is written anew as one SHORT in the
    /// entry: writing at its offset broke the header and lost the Exif.
    #[test]
    fn an_orientation_claiming_many_values_is_written_anew() {
        let mut body = sample();
        let e = exif::parse_app1(&body).unwrap().ifd0.unwrap();
        let at = APP1_TIFF_START + e.find(exif::tags::ORIENTATION).unwrap().entry_offset;
        let order = exif::parse_app1(&body).unwrap().byte_order;
        let (mut count, mut offset) = (Vec::new(), Vec::new());
        push32(order, &mut count, 16385);
        push32(order, &mut offset, 1);
        body[at + 4..at + 8].copy_from_slice(&count);
        body[at + 8..at + 12].copy_from_slice(&offset);
        let header = body[APP1_TIFF_START..APP1_TIFF_START + 8].to_vec();
        let edit = ExifEdit {
            orientation: Some(8),
            dimensions: None,
        };
        let out = edit_exif(&body, &edit).unwrap();
        assert_eq!(out[APP1_TIFF_START..APP1_TIFF_START + 8], header[..]);
        assert_eq!(exif_orientation(&out), Some(8));
        let e = exif::parse_app1(&out).unwrap().ifd0.unwrap();
        let o = e.find(exif::tags::ORIENTATION).unwrap();
        assert_eq!((o.typ, o.count), (exif::field_type::SHORT, 1));
        assert_eq!(out.len(), body.len());
    }

    /// An MP Entry array is read where its offset says, unless that is the index IFD
    /// itself (a damaged offset): offsets written there would break the IFD.
    #[test]
    fn an_mp_entry_array_over_its_ifd_is_none() {
        let mpf = |array_at: u32| {
            let mut b = b"MPF\0MM\0\x2a\0\0\0\x08\0\x01".to_vec();
            b.extend_from_slice(&[0xB0, 0x02, 0, 7, 0, 0, 0, 32]);
            b.extend_from_slice(&array_at.to_be_bytes());
            b.extend_from_slice(&[0; 4]);
            b.extend_from_slice(&[0x20, 3, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            b.extend_from_slice(&[0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0x20, 0, 0, 0, 0, 0]);
            b
        };
        assert_eq!(
            mpf_entries(&mpf(26)),
            Some(vec![(0, 0x1000), (0x2000, 0x100)])
        );
        assert_eq!(mpf_entries(&mpf(8)), None);
        assert_eq!(mpf_entries(&mpf(20)), None);
    }

    #[test]
    fn icc_profiles_are_split_into_app2_chunks() {
        let mut p = vec![7u8; 150_000];
        p[..4].copy_from_slice(&150_000u32.to_be_bytes());
        p[36..40].copy_from_slice(b"acsp");
        assert!(is_icc_profile(&p));
        assert!(!is_icc_profile(&p[..149_999]));
        let segs = icc_segments(&p).unwrap();
        assert_eq!(segs.len(), 3);
        assert_eq!(&segs[1][..14], b"ICC_PROFILE\0\x02\x03");
        assert!(segs.iter().all(|s| s.len() <= 65533));
        let joined: Vec<u8> = segs.iter().flat_map(|s| s[14..].to_vec()).collect();
        assert_eq!(joined, p);
        assert!(icc_segments(&[]).is_none());
    }
}
