//! Entropy coding (T.81 Annexes D, F and G; Huffman and arithmetic, both ways):
//! scans ⇄ the coefficient image.
//!
//! * [`decode`] walks a parsed file's tables and scans (baseline, extended sequential,
//!   progressive; interleaved or not; with restart intervals) into a [`CoefficientImage`].
//! * [`encode`] writes a coefficient image back as DQT, SOFn, DRI, DHT and scans
//!   (sequential or progressive, standard or optimal Huffman tables, restart intervals).

mod ahead;
mod arith;
mod arith_enc;
mod arith_scan;
#[cfg(test)]
mod arith_tests;
mod bitread;
mod bitwrite;
mod decode;
mod decode_pipe;
mod decode_place;
mod decode_prog;
mod decode_scan;
#[cfg(test)]
mod decode_tests;
mod enc_bands;
mod enc_packed;
mod enc_prog;
mod enc_seq;
mod enc_stream;
#[cfg(test)]
mod enc_tests;
mod encode;
mod huffdec;
mod huffenc;
pub mod lossless;
mod optimal;
mod par;
pub mod rows;
pub mod scan_file;
mod script;
mod speculate;

pub use decode::{decode, decode_skipping_ac, decode_threaded, skippable_ac};
pub use decode_place::{
    decode_placed, decode_placed_packed, PlacedComponent, PlacedImage, Placement,
};
pub use enc_bands::BandCollector;
pub use enc_stream::{SeqStats, SeqStream};
pub use encode::{
    default_progressive_script, encode, encode_owned, encode_packed, generic_progressive_script,
};

use crate::coeffs::CoefficientImage;
use crate::container::{FrameHeader, ScanHeader};
use crate::error::Warning;

/// Resource limits, checked before allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest width × height accepted.
    pub max_pixels: u64,
    /// Largest number of scans accepted.
    pub max_scans: usize,
}

impl Default for Limits {
    fn default() -> Self {
        // 2^28 pixels (268 megapixels) costs at most 1.6 GB of coefficients at 4:4:4.
        Limits {
            max_pixels: 1 << 28,
            max_scans: 1000,
        }
    }
}

/// The result of entropy-decoding a file.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The coefficients and quantization tables.
    pub image: CoefficientImage,
    /// The frame header as found (height replaced by the DNL value when it was 0).
    pub frame: FrameHeader,
    /// Every scan header, in order.
    pub scans: Vec<ScanHeader>,
    /// The restart interval (DRI, in MCUs) in force at the first scan; 0 if none.
    pub restart_interval: u16,
    /// The restart interval in force at each scan (same order as `scans`).
    pub scan_restarts: Vec<u16>,
    /// What was tolerated (premature end of data, bad restart markers, corrupt codes).
    pub warnings: Vec<Warning>,
}

/// Sequential (one pass per scan, all coefficients) or progressive (T.81 Annex G).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodingMode {
    /// One interleaved scan (SOF0 when tables fit baseline limits, else SOF1).
    Sequential,
    /// SOF2 with a scan script (the default one unless given).
    Progressive,
}

/// Which Huffman tables the encoder writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HuffmanChoice {
    /// The Annex K.3 example tables (sequential only; progressive always optimises).
    Standard,
    /// Tables built from the image's own symbol statistics (T.81 K.2).
    Optimal,
    /// No Huffman tables: arithmetic coding (T.81 Annex D; SOF9 or SOF10, as
    /// `jpegtran -arithmetic` writes).
    Arithmetic,
}

/// Which Huffman or arithmetic-conditioning table each component uses, as libjpeg
/// numbers them from the colour space (`jpeg_set_colorspace`), which is what jpegtran
/// writes: the coded bytes depend on it, the coefficients do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TableNumbering {
    /// Table 0 for the first component, 1 for the others (YCbCr and grayscale).
    #[default]
    LumaChroma,
    /// Table 0 for every component (RGB, CMYK and colour spaces libjpeg does not know).
    Shared,
    /// Table 0 for the first and fourth component, 1 for the chrominance (YCCK).
    Ycck,
}

impl TableNumbering {
    /// The (DC, AC) table ids of frame component `c`.
    pub fn ids(self, c: usize) -> (u8, u8) {
        let t = match self {
            TableNumbering::LumaChroma => u8::from(c > 0),
            TableNumbering::Shared => 0,
            TableNumbering::Ycck => u8::from(c == 1 || c == 2),
        };
        (t, t)
    }
}

/// How to encode a coefficient image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeOptions {
    /// Sequential or progressive.
    pub mode: CodingMode,
    /// Standard or optimal Huffman tables.
    pub huffman: HuffmanChoice,
    /// Restart interval in MCUs (0: none).
    pub restart_interval: u16,
    /// When > 0, the restart interval is this many MCU rows of each scan instead, as
    /// libjpeg's `restart_in_rows` counts them: a scan of one component has an MCU per
    /// block, so its rows are longer in MCUs, and a DRI is written before each scan
    /// whose interval differs from the previous one (B.2.4.4).
    pub restart_rows: u16,
    /// Scan script. Progressive: `None` uses [`default_progressive_script`].
    /// Sequential: the components of each scan (every scan 0–63, Ah = Al = 0); `None`
    /// is one interleaved scan, or one per component when an MCU would exceed 10 blocks.
    pub scan_script: Option<Vec<ScanHeader>>,
    /// The table ids of arithmetic output and of the standard Huffman tables (optimal
    /// Huffman tables are shared by cost instead).
    pub table_numbering: TableNumbering,
    /// Threads that may code parts of a sequential scan of packed blocks at once (0 or
    /// 1: the calling thread only). The output does not depend on it.
    pub threads: usize,
}

impl Default for EncodeOptions {
    fn default() -> Self {
        EncodeOptions {
            mode: CodingMode::Sequential,
            huffman: HuffmanChoice::Optimal,
            restart_interval: 0,
            restart_rows: 0,
            scan_script: None,
            table_numbering: TableNumbering::LumaChroma,
            threads: 1,
        }
    }
}
