//! The quantization tables of the pixel encoder, chosen as cjpeg's `-quality`,
//! `-qtables` and `-qslots` choose them.
//!
//! - Slots 0 and 1 start as the Annex K luminance and chrominance tables scaled to the
//!   first and second quality (`-quality 90,70`; a missing quality repeats the last one,
//!   75 when none is given).
//! - A table file replaces slots 0, 1, … in turn. Each of its tables is scaled by the
//!   IJG percentage of that slot's quality when qualities are given, else used as it is
//!   (libjpeg's scale factor defaults to 100%).
//! - Each component reads the slot `-qslots` names (the last one repeating); by default
//!   Y' 0 and both chroma components 1, or 0 for all three of an RGB file.
//!
//! Every entry is rounded and clamped as [`ijg_step`] does: to 1..=32767, or to 1..=255
//! with `-baseline`.

use super::encode::OutputColor;
use crate::coeffs::ijg::{ijg_scale, ANNEX_K_CHROMA, ANNEX_K_LUMA};
use crate::coeffs::QuantTable;
use crate::error::{Error, Result};

/// Tables per file and DQT slots (T.81 B.2.4.1: Tq is 0 to 3).
pub const SLOTS: usize = 4;

/// Which table each DQT slot holds and which slot each component reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuantChoice {
    /// The table of each slot; `None`: not defined.
    pub tables: [Option<QuantTable>; SLOTS],
    /// The slot of each component in frame order (Y', Cb, Cr or R, G, B); `None`:
    /// cjpeg's default for the output colour.
    pub slots: Option<[u8; 3]>,
}

impl QuantChoice {
    /// `cjpeg -quality Q0[,Q1] [-baseline]`: the Annex K tables scaled to the
    /// qualities of slots 0 and 1 (75 when `qualities` is empty).
    pub fn ijg(qualities: &[u8], force_baseline: bool) -> QuantChoice {
        let q = |slot: usize| quality_of(qualities, slot).unwrap_or(75);
        let luma = scaled(
            &ANNEX_K_LUMA.map(u32::from),
            ijg_scale(q(0)),
            force_baseline,
        );
        let chroma = scaled(
            &ANNEX_K_CHROMA.map(u32::from),
            ijg_scale(q(1)),
            force_baseline,
        );
        QuantChoice {
            tables: [Some(luma), Some(chroma), None, None],
            slots: None,
        }
    }

    /// Adds `cjpeg -qtables`: `file[i]` (natural order) goes into slot i, scaled by the
    /// IJG percentage of quality i when `qualities` is not empty.
    pub fn with_file_tables(
        mut self,
        file: &[[u32; 64]],
        qualities: &[u8],
        force_baseline: bool,
    ) -> Result<QuantChoice> {
        if file.len() > SLOTS {
            return Err(Error::BadRequest(format!(
                "{} quantization tables given; a JPEG file has {SLOTS} slots",
                file.len()
            )));
        }
        for (i, t) in file.iter().enumerate() {
            let scale = quality_of(qualities, i).map_or(100, ijg_scale);
            self.tables[i] = Some(scaled(t, scale, force_baseline));
        }
        Ok(self)
    }

    /// The (slot, table) of each of the `n` output components of colour `color`.
    pub fn component_tables(&self, n: usize, color: OutputColor) -> Result<Vec<(u8, QuantTable)>> {
        let default = match color {
            OutputColor::Rgb => [0, 0, 0],
            _ => [0, 1, 1],
        };
        let slots = self.slots.unwrap_or(default);
        slots
            .iter()
            .take(n)
            .map(|&s| {
                let t = self.tables.get(s as usize).copied().flatten();
                t.map(|t| (s, t)).ok_or_else(|| {
                    Error::BadRequest(format!("quantization table {s} was not defined"))
                })
            })
            .collect()
    }
}

/// Quality `i` of a list whose last entry repeats; `None` for an empty list.
fn quality_of(qualities: &[u8], i: usize) -> Option<u8> {
    qualities.get(i).or(qualities.last()).copied()
}

/// `base` scaled by `scale` percent, rounded and clamped as libjpeg's
/// `jpeg_add_quant_table` does; 16-bit exactly when an entry exceeds 255.
pub fn scaled(base: &[u32; 64], scale: u32, force_baseline: bool) -> QuantTable {
    let max = if force_baseline { 255 } else { 32767 };
    let values = base.map(|b| ((u64::from(b) * u64::from(scale) + 50) / 100).clamp(1, max) as u16);
    QuantTable {
        values,
        sixteen_bit: values.iter().any(|&v| v > 255),
    }
}

/// Parses a table file as `cjpeg -qtables` reads it: unsigned decimal integers, 64 per
/// table in natural (row-major, not zigzag) order, separated by white space or commas;
/// `#` starts a comment that runs to the end of the line.
pub fn parse_table_file(text: &[u8]) -> Result<Vec<[u32; 64]>> {
    let mut values = Vec::new();
    for line in text.split(|&b| b == b'\n') {
        let line = line.split(|&b| b == b'#').next().unwrap_or(&[]);
        for word in line.split(|&b| b.is_ascii_whitespace() || b == b',') {
            if word.is_empty() {
                continue;
            }
            let v = std::str::from_utf8(word)
                .ok()
                .filter(|w| w.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|w| w.parse::<u32>().ok())
                .ok_or_else(|| {
                    Error::BadRequest(format!(
                        "'{}' in a table file is not a table entry (an unsigned integer)",
                        String::from_utf8_lossy(word)
                    ))
                })?;
            values.push(v);
        }
    }
    if values.is_empty() || values.len() % 64 != 0 {
        return Err(Error::BadRequest(format!(
            "a table file holds whole tables of 64 entries; this one has {}",
            values.len()
        )));
    }
    Ok(values
        .chunks_exact(64)
        .map(|c| std::array::from_fn(|i| c[i]))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coeffs::ijg::ijg_table;

    #[test]
    fn qualities_scale_the_annex_k_tables_of_slots_0_and_1() {
        let c = QuantChoice::ijg(&[90, 60], false);
        assert_eq!(c.tables[0], Some(ijg_table(&ANNEX_K_LUMA, 90, false)));
        assert_eq!(c.tables[1], Some(ijg_table(&ANNEX_K_CHROMA, 60, false)));
        let one = QuantChoice::ijg(&[10], true);
        assert_eq!(one.tables[1], Some(ijg_table(&ANNEX_K_CHROMA, 10, true)));
        assert_eq!(QuantChoice::ijg(&[], false), QuantChoice::ijg(&[75], false));
    }

    #[test]
    fn file_tables_are_scaled_only_when_qualities_are_given() {
        let file = vec![[10u32; 64], [300; 64]];
        let c = QuantChoice::ijg(&[], false)
            .with_file_tables(&file, &[], false)
            .unwrap();
        assert_eq!(c.tables[0].unwrap().values, [10; 64]);
        assert!(c.tables[1].unwrap().sixteen_bit);
        let c = QuantChoice::ijg(&[75], true)
            .with_file_tables(&file, &[75], true)
            .unwrap();
        assert_eq!(c.tables[0].unwrap().values, [5; 64]);
        assert_eq!(c.tables[1].unwrap().values, [150; 64]);
        let c = QuantChoice::ijg(&[], true)
            .with_file_tables(&file, &[], true)
            .unwrap();
        assert_eq!(c.tables[1].unwrap().values, [255; 64]);
    }

    #[test]
    fn components_read_their_slots() {
        let mut c = QuantChoice::ijg(&[], false);
        let ids = |c: &QuantChoice, n, color| -> Vec<u8> {
            c.component_tables(n, color)
                .unwrap()
                .iter()
                .map(|t| t.0)
                .collect()
        };
        assert_eq!(ids(&c, 3, OutputColor::YCbCr), [0, 1, 1]);
        assert_eq!(ids(&c, 3, OutputColor::Rgb), [0, 0, 0]);
        assert_eq!(ids(&c, 1, OutputColor::Gray), [0]);
        c.slots = Some([0, 1, 2]);
        assert!(c.component_tables(3, OutputColor::YCbCr).is_err());
        assert_eq!(ids(&c, 2, OutputColor::YCbCr), [0, 1]);
    }

    #[test]
    fn table_files_are_read_as_cjpeg_reads_them() {
        let mut text = String::from("# two tables\n");
        for i in 0..128 {
            text.push_str(&format!(
                "{i}{}",
                if i % 8 == 7 { " # row\n" } else { ", " }
            ));
        }
        let t = parse_table_file(text.as_bytes()).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!((t[0][63], t[1][0], t[1][63]), (63, 64, 127));
        assert!(parse_table_file(b"1 2 3").is_err());
        assert!(parse_table_file(b"").is_err());
        assert!(parse_table_file(format!("-1{}", " 1".repeat(63)).as_bytes()).is_err());
    }
}
