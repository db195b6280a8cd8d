//! Exif dates, read and changed in place: what jhead's `-ta`, `-da`, `-ts`, `-ds` and
//! `-dsft` do, and the names `-n` gives files.
//!
//! Exif 2.3 (4.6.4, 4.6.5) stores DateTime (IFD0), DateTimeOriginal and
//! DateTimeDigitized (Exif IFD) as ASCII `YYYY:MM:DD HH:MM:SS` plus NUL, 20 bytes, in
//! local time with no zone. A new value has the same 19 characters, so every change is
//! made over the old bytes: no offset in the TIFF structure moves, and every other byte
//! of the file stays.

use super::Output;
use crate::container::exif::{self, field_type, Ifd, APP1_TIFF_START};
use crate::container::JpegFile;
use crate::error::{Error, Result, Warning, WarningKind};

/// IFD0 DateTime: when the file was last changed.
pub const DATE_TIME: u16 = 0x0132;
/// Exif IFD DateTimeOriginal: when the picture was taken.
pub const DATE_TIME_ORIGINAL: u16 = 0x9003;
/// Exif IFD DateTimeDigitized: when it was stored.
pub const DATE_TIME_DIGITIZED: u16 = 0x9004;

/// A calendar date and time, as Exif writes it (no time zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct ExifDateTime {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

/// Days from 1970-01-01 to the given proleptic Gregorian date (Hinnant's
/// days-from-civil formula: years counted from March, so the leap day comes last).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    days_from_civil(year + i64::from(month == 12), month % 12 + 1, 1)
        - days_from_civil(year, month, 1)
}

impl ExifDateTime {
    /// Checks the fields: a real calendar date in years 1–9999 and a time of day.
    pub fn new(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Option<Self> {
        let ok = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && i64::from(day) <= days_in_month(year.into(), month.into())
            && hour < 24
            && minute < 60
            && second < 60;
        ok.then_some(ExifDateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
        })
    }

    /// Reads `YYYY:MM:DD HH:MM:SS` (the Exif form); `sep` lists the characters taken
    /// between the date and the time (Exif has a space; jhead's `-ts` takes `-`).
    pub fn parse_with(s: &str, sep: &[u8]) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 19 || !sep.contains(&b[10]) {
            return None;
        }
        let colons = [4, 7, 13, 16].iter().all(|&i| b[i] == b':');
        let num = |r: std::ops::Range<usize>| -> Option<u16> {
            let t = &s[r];
            t.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| t.parse().ok())?
        };
        let small = |r| num(r).and_then(|v| u8::try_from(v).ok());
        if !colons {
            return None;
        }
        Self::new(
            num(0..4)?,
            small(5..7)?,
            small(8..10)?,
            small(11..13)?,
            small(14..16)?,
            small(17..19)?,
        )
    }

    /// Reads the Exif form `YYYY:MM:DD HH:MM:SS`.
    pub fn parse(s: &str) -> Option<Self> {
        Self::parse_with(s, b" ")
    }

    /// Reads a stored date as jhead does: the six numbers at their places, whatever
    /// single characters separate them (some cameras write `2004/05/09`).
    pub fn parse_stored(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        let seps = [4, 7, 10, 13, 16];
        if b.len() != 19
            || seps
                .iter()
                .any(|&i| b[i].is_ascii_digit() || !b[i].is_ascii())
        {
            return None;
        }
        let mut norm = b.to_vec();
        for (i, c) in seps.into_iter().zip(*b":: ::") {
            norm[i] = c;
        }
        Self::parse(std::str::from_utf8(&norm).ok()?)
    }

    /// Seconds from 1970-01-01 00:00:00 of the same (zone-less) clock.
    pub fn seconds(&self) -> i64 {
        let days = days_from_civil(self.year.into(), self.month.into(), self.day.into());
        days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }

    /// The date and time `s` seconds from 1970-01-01 00:00:00; `None` outside years
    /// 1–9999, which Exif's four digits cannot hold.
    pub fn from_seconds(s: i64) -> Option<Self> {
        let (y, m, d) = civil_from_days(s.div_euclid(86_400));
        let t = s.rem_euclid(86_400);
        let year = u16::try_from(y).ok()?;
        Self::new(
            year,
            m as u8,
            d as u8,
            (t / 3600) as u8,
            (t / 60 % 60) as u8,
            (t % 60) as u8,
        )
    }

    /// Day of the week, 0 for Sunday (1970-01-01 was a Thursday).
    pub fn weekday(&self) -> u8 {
        (self.seconds().div_euclid(86_400) + 4).rem_euclid(7) as u8
    }

    /// Day of the year, from 1.
    pub fn day_of_year(&self) -> u16 {
        let y = i64::from(self.year);
        let d = days_from_civil(y, self.month.into(), self.day.into()) - days_from_civil(y, 1, 1);
        (d + 1) as u16
    }
}

impl std::fmt::Display for ExifDateTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:04}:{:02}:{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// One date tag of the file's Exif segment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DateTag {
    /// Where the entry is: `IFD0`, `Exif` or `IFD1`.
    pub ifd: &'static str,
    /// The tag's Exif name.
    pub name: &'static str,
    /// The tag number.
    pub tag: u16,
    /// The stored text, up to its first NUL.
    pub text: String,
    /// The text read as a date, when it is one.
    pub value: Option<ExifDateTime>,
    /// Byte offset of the text in the file; `None` when the entry is not ASCII or is
    /// shorter than 19 characters, so that it cannot be rewritten in place.
    #[serde(skip)]
    pub file_offset: Option<usize>,
}

impl DateTag {
    fn name_of(tag: u16) -> &'static str {
        match tag {
            DATE_TIME => "DateTime",
            DATE_TIME_ORIGINAL => "DateTimeOriginal",
            _ => "DateTimeDigitized",
        }
    }
}

/// The date tags of the file's first Exif segment, in the order IFD0, Exif IFD, IFD1.
/// A file without Exif has none.
pub fn exif_dates(data: &[u8]) -> Result<Vec<DateTag>> {
    let file = JpegFile::parse(data)?;
    let Some(seg) = file.exif_segment() else {
        return Ok(Vec::new());
    };
    let tiff_start = seg.body_offset() + APP1_TIFF_START;
    let Some(ex) = seg.body.get(APP1_TIFF_START..).and_then(exif::parse) else {
        return Ok(Vec::new());
    };
    let tiff = &data[tiff_start..seg.body_offset() + seg.body.len()];
    let mut out = Vec::new();
    let places: [(&'static str, &Option<Ifd>, &[u16]); 3] = [
        ("IFD0", &ex.ifd0, &[DATE_TIME]),
        (
            "Exif",
            &ex.exif_ifd,
            &[DATE_TIME_ORIGINAL, DATE_TIME_DIGITIZED],
        ),
        ("IFD1", &ex.ifd1, &[DATE_TIME]),
    ];
    for (ifd_name, ifd, wanted) in places {
        let Some(ifd) = ifd else { continue };
        for &tag in wanted {
            let Some(e) = ifd.find(tag) else { continue };
            let Some(at) = e.value_offset else { continue };
            let rest = tiff.get(at..).unwrap_or_default();
            let raw = &rest[..e.byte_len().unwrap_or(0).min(rest.len())];
            let len = raw.len();
            let text_len = raw.iter().position(|&c| c == 0).unwrap_or(raw.len());
            let text = String::from_utf8_lossy(&raw[..text_len]).into_owned();
            // Never over the header or an IFD (a damaged offset), which a date
            // written there would break.
            let writable = e.typ == field_type::ASCII && len >= 19 && !ex.in_structure(at, len);
            out.push(DateTag {
                ifd: ifd_name,
                name: DateTag::name_of(tag),
                tag,
                value: ExifDateTime::parse_stored(text.get(..19).unwrap_or(&text)),
                text,
                file_offset: writable.then_some(tiff_start + at),
            });
        }
    }
    Ok(out)
}

/// A change to every Exif date of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateEdit {
    /// Move each date by this many seconds (jhead -ta, -da).
    Shift(i64),
    /// Put this date and time in every date tag (jhead -ts, -dsft).
    Set(ExifDateTime),
    /// Change the year, and the month and day when given, keeping the time of day
    /// (jhead -ds).
    SetDate {
        year: u16,
        month: Option<u8>,
        day: Option<u8>,
    },
}

impl DateEdit {
    /// The new value for `old`; `None` when the date cannot be made.
    fn apply(&self, old: Option<ExifDateTime>) -> Option<ExifDateTime> {
        match *self {
            DateEdit::Set(v) => Some(v),
            DateEdit::Shift(s) => ExifDateTime::from_seconds(old?.seconds().checked_add(s)?),
            DateEdit::SetDate { year, month, day } => {
                // A day the month lacks (the 31st kept into February) runs on into
                // the next month, as C's mktime and so jhead carry it.
                let o = old?;
                let (m, d) = (month.unwrap_or(o.month), day.unwrap_or(o.day));
                let first = days_from_civil(year.into(), m.into(), 1);
                let days = first + i64::from(d) - 1;
                let time = o.seconds().rem_euclid(86_400);
                ExifDateTime::from_seconds(days * 86_400 + time)
            }
        }
    }
}

/// Changes every Exif date tag of the file in place (DateTime, DateTimeOriginal and
/// DateTimeDigitized). Each tag moves from its own value, so tags that differed keep
/// their difference (jhead writes DateTimeOriginal's new value into all three). A tag
/// that does not hold a date, or whose new date falls outside years 1–9999, is left
/// as it is with a warning; a file with no date to change is an error.
pub fn edit_dates(data: &[u8], edit: &DateEdit) -> Result<Output> {
    let tags = exif_dates(data)?;
    let mut out = data.to_vec();
    let mut warnings = JpegFile::parse(data)?.warnings;
    let mut changed = 0;
    for t in &tags {
        let at = t.file_offset;
        match (at, edit.apply(t.value)) {
            (Some(at), Some(v)) => {
                out[at..at + 19].copy_from_slice(v.to_string().as_bytes());
                changed += 1;
            }
            (at, _) => warnings.push(Warning {
                offset: at,
                kind: WarningKind::Other(format!(
                    "Exif {} ({}) \"{}\" left as it is: {}",
                    t.name,
                    t.ifd,
                    t.text.escape_debug(),
                    if at.is_none() {
                        "not a 20-byte text"
                    } else if t.value.is_none() {
                        "not a date"
                    } else {
                        "the new date is outside years 1 to 9999"
                    }
                )),
                mcu: None,
            }),
        }
    }
    if changed == 0 {
        return Err(Error::BadRequest(
            "no Exif date to change (DateTime, DateTimeOriginal, DateTimeDigitized)".into(),
        ));
    }
    edit_xmp_dates(data, &mut out, edit, &mut warnings)?;
    Ok(Output {
        bytes: out,
        warnings,
    })
}

/// The XMP properties that mirror the Exif dates (MWG Guidelines 2.0, 5.9: DateTime is
/// xmp:ModifyDate, DateTimeOriginal photoshop:DateCreated, DateTimeDigitized
/// xmp:CreateDate; tiff: and exif: repeat the Exif names), with their namespaces.
const XMP_DATES: [(&[u8], &[u8]); 6] = [
    (b"xmp:ModifyDate", b"\"http://ns.adobe.com/xap/1.0/\""),
    (b"xmp:CreateDate", b"\"http://ns.adobe.com/xap/1.0/\""),
    (
        b"photoshop:DateCreated",
        b"\"http://ns.adobe.com/photoshop/1.0/\"",
    ),
    (
        b"exif:DateTimeOriginal",
        b"\"http://ns.adobe.com/exif/1.0/\"",
    ),
    (
        b"exif:DateTimeDigitized",
        b"\"http://ns.adobe.com/exif/1.0/\"",
    ),
    (b"tiff:DateTime", b"\"http://ns.adobe.com/tiff/1.0/\""),
];

/// Applies `edit` to the XMP mirrors of the Exif dates in the file's main XMP packet,
/// over the old characters (an XMP date's fields have fixed widths, so nothing moves):
/// its date and time change, its fraction of a second and time zone stay as written. A
/// value that is not a date with a time, or that would need seconds it does not write,
/// is left as it is with a warning.
fn edit_xmp_dates(
    data: &[u8],
    out: &mut [u8],
    edit: &DateEdit,
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    let file = JpegFile::parse(data)?;
    let packet = file.segments().find(|s| {
        s.marker == crate::container::Marker::APP1
            && s.body.starts_with(b"http://ns.adobe.com/xap/1.0/\0")
    });
    let Some(packet) = packet else {
        return Ok(());
    };
    let (body, base) = (packet.body, packet.body_offset());
    for (name, ns) in XMP_DATES {
        let (prefix, _) = name.split_at(name.iter().position(|&b| b == b':').unwrap_or(0));
        if !crate::container::edit::xmp_declares(body, prefix, ns) {
            continue;
        }
        for span in crate::container::edit::xmp_values(body, name) {
            let old = &body[span.clone()];
            match new_xmp_date(old, edit) {
                Some(new) => {
                    out[base + span.start..base + span.start + new.len()].copy_from_slice(&new)
                }
                None => warnings.push(Warning::at(
                    base + span.start,
                    WarningKind::Other(format!(
                        "XMP {} \"{}\" left as it is: not a date this change can be written to",
                        String::from_utf8_lossy(name),
                        String::from_utf8_lossy(old).escape_debug()
                    )),
                )),
            }
        }
    }
    Ok(())
}

/// The changed date-and-time part of an XMP date (`YYYY-MM-DD[Thh:mm[:ss]]`, XMP Part
/// 1, 8.2.1.1), the same length as the old; `None` when it is no such date or the new
/// value needs fields it does not write (seconds, or a time of day for a date alone).
fn new_xmp_date(old: &[u8], edit: &DateEdit) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(old).ok()?;
    let shape = |i: usize, c: u8| old.get(i) == Some(&c);
    if !(shape(4, b'-') && shape(7, b'-')) {
        return None;
    }
    // A date alone (`YYYY-MM-DD`) is midnight for the edit, and changes only by days.
    let timed = shape(10, b'T') && shape(13, b':');
    if !timed && old.len() != 10 {
        return None;
    }
    let seconds = shape(16, b':');
    let time = match (timed, seconds) {
        (false, _) => "00:00:00".to_string(),
        (true, true) => text.get(11..19)?.to_string(),
        (true, false) => format!("{}:00", text.get(11..16)?),
    };
    let exif = format!(
        "{}:{}:{} {time}",
        &text[..4],
        text.get(5..7)?,
        text.get(8..10)?
    );
    let new = edit.apply(ExifDateTime::parse(&exif))?;
    let (date, hm) = (
        format!("{:04}-{:02}-{:02}", new.year, new.month, new.day),
        format!("{:02}:{:02}", new.hour, new.minute),
    );
    let written = match (timed, seconds) {
        (false, _) if (new.hour, new.minute, new.second) != (0, 0, 0) => return None,
        (true, false) if new.second != 0 => return None,
        (false, _) => date,
        (true, false) => format!("{date}T{hm}"),
        (true, true) => format!("{date}T{hm}:{:02}", new.second),
    };
    Some(written.into_bytes())
}

/// The date a file's picture was taken: DateTimeOriginal, else DateTimeDigitized,
/// else DateTime (what jhead's `-ft` and `-n` use).
pub fn capture_date(tags: &[DateTag]) -> Option<ExifDateTime> {
    [DATE_TIME_ORIGINAL, DATE_TIME_DIGITIZED, DATE_TIME]
        .iter()
        .find_map(|&want| tags.iter().find(|t| t.tag == want)?.value)
}

/// A file name made from a date with strftime's conversions (C locale: `%Y %y %C %m %d
/// %e %j %H %I %M %S %p %a %A %b %B %h %u %w %F %D %T %R %%`), plus jhead's `%f` (the
/// file's old name, without extension) and `%i` (a sequence number; `%03i` pads it).
pub fn date_name(format: &str, d: &ExifDateTime, stem: &str, seq: usize) -> Result<String> {
    const DAYS: [&str; 7] = [
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
    ];
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let (wd, mo) = (DAYS[d.weekday() as usize], MONTHS[d.month as usize - 1]);
    let h12 = (d.hour + 11) % 12 + 1;
    let mut out = String::new();
    let mut it = format.chars().peekable();
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut width = String::new();
        while let Some(&w) = it.peek().filter(|w| w.is_ascii_digit()) {
            width.push(w);
            it.next();
        }
        let conv = it.next().ok_or_else(|| bad_format(format, "ends with %"))?;
        let s = match conv {
            'i' => {
                let w: usize = width.parse().unwrap_or(0).min(20);
                let zero = width.starts_with('0');
                match zero {
                    true => format!("{seq:0w$}"),
                    false => format!("{seq:w$}"),
                }
            }
            _ if !width.is_empty() => return Err(bad_format(format, "a width goes only with %i")),
            'f' => stem.to_string(),
            'Y' => format!("{:04}", d.year),
            'y' => format!("{:02}", d.year % 100),
            'C' => format!("{:02}", d.year / 100),
            'm' => format!("{:02}", d.month),
            'd' => format!("{:02}", d.day),
            'e' => format!("{:2}", d.day),
            'j' => format!("{:03}", d.day_of_year()),
            'H' => format!("{:02}", d.hour),
            'I' => format!("{h12:02}"),
            'M' => format!("{:02}", d.minute),
            'S' => format!("{:02}", d.second),
            'p' => (if d.hour < 12 { "AM" } else { "PM" }).to_string(),
            'a' => wd[..3].to_string(),
            'A' => wd.to_string(),
            'b' | 'h' => mo[..3].to_string(),
            'B' => mo.to_string(),
            'u' => (((d.weekday() + 6) % 7) + 1).to_string(),
            'w' => d.weekday().to_string(),
            'F' => format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
            'D' => format!("{:02}/{:02}/{:02}", d.month, d.day, d.year % 100),
            'T' => format!("{:02}:{:02}:{:02}", d.hour, d.minute, d.second),
            'R' => format!("{:02}:{:02}", d.hour, d.minute),
            '%' => "%".to_string(),
            other => return Err(bad_format(format, &format!("%{other} is not taken"))),
        };
        out.push_str(&s);
    }
    Ok(out)
}

fn bad_format(format: &str, why: &str) -> Error {
    Error::BadRequest(format!("name format \"{format}\": {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn xmp_dates_keep_their_shape() {
        let shifted = |v: &str, s: i64| new_xmp_date(v.as_bytes(), &DateEdit::Shift(s));
        let text = |v: Option<Vec<u8>>| v.map(|b| String::from_utf8(b).unwrap());
        // The fraction and the zone after the seconds are left to the caller's bytes.
        assert_eq!(
            text(shifted("2020-12-31T23:30:09.25+02:00", 1800)).as_deref(),
            Some("2021-01-01T00:00:09")
        );
        assert_eq!(
            text(shifted("2020-05-06T07:08", 60)).as_deref(),
            Some("2020-05-06T07:09")
        );
        assert_eq!(
            shifted("2020-05-06T07:08", 61),
            None,
            "seconds it does not write"
        );
        assert_eq!(
            text(shifted("2020-05-06", 86_400)).as_deref(),
            Some("2020-05-07")
        );
        assert_eq!(
            shifted("2020-05-06", 3_600),
            None,
            "a time of day for a date alone"
        );
        assert_eq!(shifted("2020", 86_400), None);
        assert_eq!(shifted("yesterday", 1), None);
    }

    fn dt(s: &str) -> ExifDateTime {
        ExifDateTime::parse(s).unwrap()
    }

    #[test]
    fn dates_parse_and_check_the_calendar() {
        assert_eq!(dt("2001:06:09 15:17:32").to_string(), "2001:06:09 15:17:32");
        for bad in [
            "2001:02:29 00:00:00",
            "2001:13:01 00:00:00",
            "2001:06:09 24:00:00",
            "    :  :     :  :  ",
            "2001:06:09-15:17:32",
            "2001-06-09 15:17:32",
            "0000:01:01 00:00:00",
        ] {
            assert_eq!(ExifDateTime::parse(bad), None, "{bad}");
        }
        assert!(ExifDateTime::parse("2000:02:29 00:00:00").is_some());
        assert!(ExifDateTime::parse_with("2001:06:09-15:17:32", b"-").is_some());
        let slashes = ExifDateTime::parse_stored("2004/05/09 16:00:21");
        assert_eq!(slashes, Some(dt("2004:05:09 16:00:21")));
        assert_eq!(ExifDateTime::parse_stored("2004/05/0916:00:21x"), None);
        assert_eq!(dt("1970:01:01 00:00:00").seconds(), 0);
        assert_eq!(dt("2001:09:09 01:46:40").seconds(), 1_000_000_000);
        assert_eq!(dt("1970:01:01 00:00:00").weekday(), 4);
        assert_eq!(dt("2004:12:31 00:00:00").day_of_year(), 366);
    }

    #[test]
    fn edits_move_each_date_from_its_own_value() {
        let old = Some(dt("2004:02:28 23:30:00"));
        assert_eq!(
            DateEdit::Shift(3600).apply(old),
            Some(dt("2004:02:29 00:30:00"))
        );
        let ds = |month, day| DateEdit::SetDate {
            year: 2010,
            month,
            day,
        };
        assert_eq!(ds(None, None).apply(old), Some(dt("2010:02:28 23:30:00")));
        assert_eq!(
            ds(Some(3), None).apply(old),
            Some(dt("2010:03:28 23:30:00"))
        );
        assert_eq!(
            ds(None, Some(29)).apply(old),
            Some(dt("2010:03:01 23:30:00"))
        );
        assert_eq!(DateEdit::Shift(1).apply(None), None);
        assert_eq!(
            DateEdit::Shift(-1).apply(Some(dt("0001:01:01 00:00:00"))),
            None
        );
    }

    #[test]
    fn names_use_strftime_and_jheads_extras() {
        let d = dt("2004:03:01 05:06:07");
        let name = |f: &str| date_name(f, &d, "IMG_1", 7).unwrap();
        assert_eq!(name("%m%d-%H%M%S"), "0301-050607");
        assert_eq!(name("%Y/%b/%f_%03i"), "2004/Mar/IMG_1_007");
        assert_eq!(name("%A %j %I%p %e %%"), "Monday 061 05AM  1 %");
        assert!(date_name("%Q", &d, "x", 1).is_err());
        assert!(date_name("x%", &d, "x", 1).is_err());
        assert!(date_name("%3Y", &d, "x", 1).is_err());
    }

    proptest! {
        #[test]
        fn seconds_and_dates_round_trip(s in -62_135_596_800i64..253_402_300_799) {
            let d = ExifDateTime::from_seconds(s).unwrap();
            prop_assert_eq!(d.seconds(), s);
            prop_assert_eq!(ExifDateTime::parse(&d.to_string()), Some(d));
        }
    }
}
