//! Published camera quantization tables: (maker, model, quality setting, luminance and
//! chrominance table) as listed by public references, each with the address it was read
//! from. Unlike [`super::signatures`], these entries do not come from corpus files, so
//! they stay in when a test leaves a corpus file's own signature out: they measure how
//! identification generalises to camera files the project has not seen.
//!
//! Tables are facts (64 quantizer values each). They are stored here in natural
//! (row-major) order, as T.81 B.2.4.1 defines the quantizer positions after undoing the
//! zig-zag sequence of Figure A.6; entries whose reference lists them in zig-zag order
//! are converted before being recorded. Only entries whose two tables could be read
//! completely (64 values each) are recorded.

/// One published camera table pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishedTable {
    /// Canonical maker ("Canon"), as [`super::identify::canonical_maker`] spells it.
    pub maker: &'static str,
    /// Models the reference lists with these tables.
    pub models: &'static str,
    /// Quality setting the reference names ("fine", "superfine"), or "".
    pub quality: &'static str,
    /// Luminance table, natural order, 64 values separated by spaces.
    pub luma: &'static str,
    /// Chrominance table, natural order, 64 values separated by spaces.
    pub chroma: &'static str,
    /// Where the tables were read.
    pub source: &'static str,
}

impl PublishedTable {
    /// The luminance and chrominance tables, parsed; `None` when either is not 64
    /// values (a data error the unit test catches).
    pub fn tables(&self) -> Option<([u16; 64], [u16; 64])> {
        Some((parse(self.luma)?, parse(self.chroma)?))
    }
}

fn parse(s: &str) -> Option<[u16; 64]> {
    let v: Vec<u16> = s
        .split_whitespace()
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    <[u16; 64]>::try_from(v.as_slice()).ok()
}

const IMPULSE: &str = "https://www.impulseadventure.com/photo/jpeg-quantization.html";

/// Every published entry.
#[rustfmt::skip]
pub static PUBLISHED_TABLES: &[PublishedTable] = &[
    // Canon's own compact-camera table ("Canon digital, fine" in the reference); the
    // reference lists it in natural order: it equals, value for value, the tables of the
    // corpus's PowerShot A40 file (and the luminance table of its Digital IXUS file).
    PublishedTable {
        maker: "Canon",
        models: "PowerShot / Digital IXUS compact cameras",
        quality: "fine",
        luma: "1 1 1 2 3 6 8 10 1 1 2 3 4 8 9 8 2 2 2 3 6 8 10 8 2 2 3 4 7 12 11 9 3 3 8 11 10 16 15 11 3 5 8 10 12 15 16 13 7 10 11 12 15 17 17 14 14 13 13 15 15 14 14 14",
        chroma: "4 4 5 9 15 26 26 26 4 4 5 10 19 26 26 26 5 5 8 9 26 26 26 26 9 10 9 13 26 26 26 26 15 19 26 26 26 26 26 26 26 26 26 26 26 26 26 26 26 26 26 26 26 26 26 26 26 26 26 26 26 26 26 26",
        source: IMPULSE,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_parses_and_is_sourced() {
        for p in PUBLISHED_TABLES {
            let (l, c) = p.tables().expect(p.models);
            assert!(l.iter().chain(&c).all(|&v| (1..=255).contains(&v)));
            assert!(p.source.starts_with("https://"), "{}", p.models);
            assert_eq!(super::super::identify::canonical_maker(p.maker), p.maker);
        }
    }
}
