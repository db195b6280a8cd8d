//! jpegoptim's report lines, for `jtool jpegoptim` (scripts parse them): one line per
//! file, as text or CSV (`-b`), and the average with `-t`.
//!
//! The text line is `NAME WxH Nbit N|P MARKERS [OK] IN --> OUT bytes (PCT%), optimized.`
//! (or `skipped.` when the file was kept): the input's size in pixels, 8 bits per
//! component, N for a sequential input and P for a progressive one, then the kinds of
//! metadata it holds before its first scan in jpegoptim's words (in file order JFXX,
//! Exif, IPTC (any APP13), XMP and ICC segments, then Adobe and JFIF) and a note when
//! data follows EOI (beyond the 4096-byte block EOI ends in); `[WARNING]` for damaged
//! data. A file that could not be processed
//! is `NAME  [ERROR]`, or `NAME,,,,,,error` in CSV.

use jtool::container::{classify, parse_frame, Item, JpegFile, MetaClass};
use std::sync::Mutex;

/// How `jtool jpegoptim` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Style {
    /// jpegoptim's text lines.
    Plain,
    /// jpegoptim -b: CSV lines.
    Csv,
}

/// Files reported, the sum of their savings in percent and in bytes (for `-t`).
static TOTALS: Mutex<(u64, f64, f64)> = Mutex::new((0, 0.0, 0.0));

/// What jtool made of a file: the size of its output, whether the input was kept
/// instead, and whether decoding the input gave warnings (damaged data).
pub struct Outcome {
    pub out_len: usize,
    pub kept: bool,
    pub damaged: bool,
}

/// The line for a file processed: `input` its bytes.
pub fn line(style: Style, name: &str, input: &[u8], o: &Outcome) -> String {
    let (w, h, bits, mode, markers) = describe(input);
    let verdict = if o.damaged { "WARNING" } else { "OK" };
    let (out_len, kept) = (o.out_len, o.kept);
    let (n_in, n_out) = (input.len(), out_len);
    let pct = if n_in == 0 {
        0.0
    } else {
        (n_in as f64 - n_out as f64) * 100.0 / n_in as f64
    };
    let status = if kept { "skipped" } else { "optimized" };
    if let Ok(mut t) = TOTALS.lock() {
        *t = (
            t.0 + 1,
            t.1 + pct,
            t.2 + (n_in as f64 - n_out as f64) / 1024.0,
        );
    }
    match style {
        Style::Plain => format!(
            "{name} {w}x{h} {bits}bit {mode} {markers} [{verdict}] {n_in} --> {n_out} bytes ({pct:.2}%), {status}."
        ),
        Style::Csv => format!("{name},{w}x{h},{bits}bit,{mode},{n_in},{n_out},{pct:.2},{status}"),
    }
}

/// The line for a file that could not be processed.
pub fn error_line(style: Style, name: &str) -> String {
    match style {
        Style::Plain => format!("{name}  [ERROR]"),
        Style::Csv => format!("{name},,,,,,error"),
    }
}

/// jpegoptim -t: the average saving of the files reported.
pub fn totals() -> String {
    let (n, pct, kb) = TOTALS.lock().map(|t| *t).unwrap_or_default();
    let avg = if n == 0 { 0.0 } else { pct / n as f64 };
    format!("Average compression ({n} files): {avg:.2}% ({kb:.0}k)")
}

/// Width, height, bits per pixel, N or P, and the metadata words of `input`.
fn describe(input: &[u8]) -> (u16, u16, usize, char, String) {
    let Ok(file) = JpegFile::parse(input) else {
        return (0, 0, 0, 'N', String::new());
    };
    let frame = file
        .segments()
        .find(|s| s.marker.is_sof())
        .and_then(|s| parse_frame(s).ok());
    let (w, h, bits, mode) = frame.map_or((0, 0, 0, 'N'), |f| {
        let mode = if f.marker.is_progressive_sof() {
            'P'
        } else {
            'N'
        };
        (f.width, f.height, 8 * f.components.len(), mode)
    });
    let mut words = String::new();
    let (mut adobe, mut jfif) = (false, false);
    // The segments libjpeg reads before decoding: those before the first scan.
    let header = file.items.iter().map_while(|i| match i {
        Item::Segment(s) => Some(s),
        Item::Scan(_) => None,
    });
    for seg in header {
        let word = match classify(seg) {
            _ if seg.marker.0 == 0xED => "IPTC ",
            MetaClass::Jfxx => "JFXX ",
            MetaClass::Exif => "Exif ",
            MetaClass::Xmp => "XMP ",
            MetaClass::Icc => "ICC ",
            MetaClass::Adobe => {
                adobe = true;
                ""
            }
            MetaClass::Jfif => {
                jfif = true;
                ""
            }
            _ => "",
        };
        words.push_str(word);
    }
    // jpegoptim keeps these words in a buffer of 256 bytes.
    words.truncate(255);
    words.push_str(if adobe { "Adobe " } else { "" });
    words.push_str(if jfif { "JFIF " } else { "" });
    // jpegoptim notices data after EOI only past the 4096-byte block that EOI ends in
    // (libjpeg's stdio source reads the file in such blocks).
    if input.len() > file.trailer_offset.div_ceil(4096) * 4096 {
        words.push_str(" (Extraneous data found after end of JPEG image) ");
    }
    (w, h, bits, mode, words)
}
