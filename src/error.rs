//! The one error type of the library, and the warnings it returns as values.
//!
//! Errors carry byte offsets into the input where one is known; the library never
//! knows file names (the CLI prefixes them).

use std::fmt;

/// What is wrong with a malformed file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MalformedKind {
    /// The file does not start with SOI (FF D8).
    NoSoi,
    /// The input ended inside a marker segment or scan.
    Truncated(&'static str),
    /// A segment's length field is impossible (less than 2, or past the end).
    BadLength(u8),
    /// A byte other than 0xFF where a marker was expected.
    ExpectedMarker(u8),
    /// A header field has a value T.81 forbids.
    BadHeader(String),
    /// A Huffman code in the entropy-coded data matches no table entry.
    BadHuffmanCode,
    /// A decoded coefficient is out of the range the precision allows.
    CoefficientRange,
    /// A scan refers to a table that was never defined.
    MissingTable(String),
    /// No frame header (SOFn) before the first scan, or none at all.
    NoFrame,
    /// No scan in the file.
    NoScan,
}

impl fmt::Display for MalformedKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MalformedKind::NoSoi => write!(f, "not a JPEG file (no SOI marker)"),
            MalformedKind::Truncated(what) => write!(f, "premature end of data in {what}"),
            MalformedKind::BadLength(m) => write!(f, "bad length in marker segment FF{m:02X}"),
            MalformedKind::ExpectedMarker(b) => {
                write!(f, "expected a marker, found byte 0x{b:02X}")
            }
            MalformedKind::BadHeader(s) => write!(f, "{s}"),
            MalformedKind::BadHuffmanCode => write!(f, "invalid Huffman code"),
            MalformedKind::CoefficientRange => write!(f, "DCT coefficient out of range"),
            MalformedKind::MissingTable(s) => write!(f, "undefined {s}"),
            MalformedKind::NoFrame => write!(f, "no frame header (SOFn) before the scan"),
            MalformedKind::NoScan => write!(f, "no scan (SOS) in the file"),
        }
    }
}

/// Which resource limit was exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LimitKind {
    /// Width × height exceeds the configured maximum number of pixels.
    Pixels(u64),
    /// More scans than the configured maximum.
    Scans(usize),
    /// More marker segments than the configured maximum.
    Segments(usize),
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitKind::Pixels(n) => write!(f, "image of {n} pixels exceeds the pixel limit"),
            LimitKind::Scans(n) => write!(f, "more than {n} scans"),
            LimitKind::Segments(n) => write!(f, "more than {n} marker segments"),
        }
    }
}

/// The library's error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input violates T.81 in a way that stops processing.
    #[error("{kind} (at byte {offset})")]
    Malformed { offset: usize, kind: MalformedKind },
    /// The input uses a JPEG feature jtool does not implement.
    #[error("unsupported: {feature}")]
    Unsupported {
        feature: String,
        offset: Option<usize>,
    },
    /// A resource limit was exceeded (checked before allocating).
    #[error("limit exceeded: {0}")]
    Limit(LimitKind),
    /// A request that cannot be carried out on this image (bad crop, bad option value).
    #[error("{0}")]
    BadRequest(String),
    /// A warning promoted to an error by strict mode.
    #[error("{0} (strict mode)")]
    Strict(Warning),
    /// An I/O error (only from the few library functions that take readers/writers).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl Error {
    pub(crate) fn malformed(offset: usize, kind: MalformedKind) -> Self {
        Error::Malformed { offset, kind }
    }
    pub(crate) fn unsupported(feature: impl Into<String>, offset: Option<usize>) -> Self {
        Error::Unsupported {
            feature: feature.into(),
            offset,
        }
    }
    /// The byte offset this error refers to, if any.
    pub fn offset(&self) -> Option<usize> {
        match self {
            Error::Malformed { offset, .. } => Some(*offset),
            Error::Unsupported { offset, .. } => *offset,
            Error::Strict(w) => w.offset,
            _ => None,
        }
    }
}

/// The library's result type.
pub type Result<T> = std::result::Result<T, Error>;

/// Something the library tolerated; returned to the caller, never printed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    /// Byte offset in the input the warning refers to, if known.
    pub offset: Option<usize>,
    /// What was tolerated.
    pub kind: WarningKind,
    /// For entropy-decoding problems: the MCU being decoded (in its scan) when it was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mcu: Option<McuPosition>,
}

/// Where in a scan an entropy-decoding problem was found: the MCU's number in coding
/// order and its column and row (for a one-component scan, an MCU is one block).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct McuPosition {
    /// MCU number in the scan, from 0.
    pub index: usize,
    /// MCU column.
    pub column: usize,
    /// MCU row.
    pub row: usize,
}

/// The kinds of leniency.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningKind {
    /// Entropy-coded data ended before all blocks were decoded; the rest are zero.
    PrematureEnd,
    /// Bytes that belong to no segment were skipped before a marker.
    ExtraneousBytes(usize),
    /// A restart marker was missing or had the wrong number.
    BadRestart,
    /// The file has no EOI marker.
    MissingEoi,
    /// A scan's data contained a Huffman code matching no table entry; the rest of the scan is zero.
    CorruptData(String),
    /// Anything else, described.
    Other(String),
}

impl fmt::Display for WarningKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WarningKind::PrematureEnd => write!(f, "premature end of entropy-coded data"),
            WarningKind::ExtraneousBytes(n) => write!(f, "{n} extraneous bytes before marker"),
            WarningKind::BadRestart => write!(f, "missing or out-of-order restart marker"),
            WarningKind::MissingEoi => write!(f, "missing EOI marker"),
            WarningKind::CorruptData(s) => write!(f, "corrupt entropy-coded data: {s}"),
            WarningKind::Other(s) => write!(f, "{s}"),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(o) => write!(f, "{} (at byte {o})", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

impl Warning {
    pub(crate) fn at(offset: usize, kind: WarningKind) -> Self {
        Warning {
            offset: Some(offset),
            kind,
            mcu: None,
        }
    }
}
