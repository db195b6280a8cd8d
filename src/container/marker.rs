//! Marker codes (T.81 Table B.1). A newtype over the code byte, so every value,
//! including reserved ones, keeps its identity through parse and write.

use std::fmt;

/// The second byte of a marker (the first is always 0xFF).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Marker(pub u8);

#[allow(missing_docs)]
impl Marker {
    pub const TEM: Marker = Marker(0x01);
    pub const SOF0: Marker = Marker(0xC0);
    pub const SOF1: Marker = Marker(0xC1);
    pub const SOF2: Marker = Marker(0xC2);
    pub const SOF3: Marker = Marker(0xC3);
    pub const DHT: Marker = Marker(0xC4);
    pub const SOF9: Marker = Marker(0xC9);
    pub const SOF10: Marker = Marker(0xCA);
    pub const JPG: Marker = Marker(0xC8);
    pub const DAC: Marker = Marker(0xCC);
    pub const RST0: Marker = Marker(0xD0);
    pub const SOI: Marker = Marker(0xD8);
    pub const EOI: Marker = Marker(0xD9);
    pub const SOS: Marker = Marker(0xDA);
    pub const DQT: Marker = Marker(0xDB);
    pub const DNL: Marker = Marker(0xDC);
    pub const DRI: Marker = Marker(0xDD);
    pub const DHP: Marker = Marker(0xDE);
    pub const EXP: Marker = Marker(0xDF);
    pub const APP0: Marker = Marker(0xE0);
    pub const APP1: Marker = Marker(0xE1);
    pub const APP2: Marker = Marker(0xE2);
    pub const APP11: Marker = Marker(0xEB);
    pub const APP12: Marker = Marker(0xEC);
    pub const APP13: Marker = Marker(0xED);
    pub const APP14: Marker = Marker(0xEE);
    pub const COM: Marker = Marker(0xFE);
}

impl Marker {
    /// SOF0–SOF15 other than DHT (C4), JPG (C8) and DAC (CC).
    pub fn is_sof(self) -> bool {
        (0xC0..=0xCF).contains(&self.0) && !matches!(self.0, 0xC4 | 0xC8 | 0xCC)
    }
    /// RST0–RST7.
    pub fn is_rst(self) -> bool {
        (0xD0..=0xD7).contains(&self.0)
    }
    /// APP0–APP15.
    pub fn is_app(self) -> bool {
        (0xE0..=0xEF).contains(&self.0)
    }
    /// Markers that stand alone, with no length field (T.81 B.1.1.3 and Table B.1).
    pub fn is_standalone(self) -> bool {
        self.is_rst() || self == Marker::SOI || self == Marker::EOI || self == Marker::TEM
    }
    /// Progressive DCT processes (SOF2, SOF6, SOF10, SOF14).
    pub fn is_progressive_sof(self) -> bool {
        matches!(self.0, 0xC2 | 0xC6 | 0xCA | 0xCE)
    }
    /// Arithmetic-coded processes (SOF9–SOF15).
    pub fn is_arithmetic_sof(self) -> bool {
        self.is_sof() && self.0 >= 0xC9
    }
    /// The usual name: `SOF2`, `APP1`, `RST3`, `COM`, or `FFxx` for reserved codes.
    pub fn name(self) -> String {
        let n = self.0;
        match n {
            0x01 => "TEM".into(),
            0xC4 => "DHT".into(),
            0xC8 => "JPG".into(),
            0xCC => "DAC".into(),
            0xC0..=0xCF => format!("SOF{}", n - 0xC0),
            0xD0..=0xD7 => format!("RST{}", n - 0xD0),
            0xD8 => "SOI".into(),
            0xD9 => "EOI".into(),
            0xDA => "SOS".into(),
            0xDB => "DQT".into(),
            0xDC => "DNL".into(),
            0xDD => "DRI".into(),
            0xDE => "DHP".into(),
            0xDF => "EXP".into(),
            0xE0..=0xEF => format!("APP{}", n - 0xE0),
            0xFE => "COM".into(),
            _ => format!("FF{n:02X}"),
        }
    }
}

impl fmt::Display for Marker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// A description of a SOFn process, for reports and `unsupported` errors.
pub fn sof_process(m: Marker) -> &'static str {
    match m.0 {
        0xC0 => "baseline sequential, Huffman",
        0xC1 => "extended sequential, Huffman",
        0xC2 => "progressive, Huffman",
        0xC3 => "lossless, Huffman",
        0xC5 => "differential sequential, Huffman (hierarchical)",
        0xC6 => "differential progressive, Huffman (hierarchical)",
        0xC7 => "differential lossless, Huffman (hierarchical)",
        0xC9 => "extended sequential, arithmetic",
        0xCA => "progressive, arithmetic",
        0xCB => "lossless, arithmetic",
        0xCD => "differential sequential, arithmetic (hierarchical)",
        0xCE => "differential progressive, arithmetic (hierarchical)",
        0xCF => "differential lossless, arithmetic (hierarchical)",
        _ => "not a frame marker",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn classes() {
        assert!(Marker::SOF2.is_progressive_sof());
        assert!(Marker(0xCA).is_progressive_sof());
        assert!(!Marker::SOF0.is_progressive_sof());
        assert!(!Marker::SOF1.is_progressive_sof());
        assert!(!Marker::DHT.is_sof());
        assert!(Marker(0xC9).is_arithmetic_sof());
        assert_eq!(Marker(0xD3).name(), "RST3");
        assert_eq!(Marker(0x02).name(), "FF02");
    }
}
