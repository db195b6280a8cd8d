//! IJG quality estimate: does a quantization table equal the Annex K example table
//! scaled the way the IJG library (libjpeg, libjpeg-turbo, and everything built on
//! them: cjpeg, GIMP, ImageMagick, Pillow, most phones' software encoders) scales it
//! for a `quality` setting, and if not, which quality comes closest?
//!
//! IJG scaling (jcparam.c, `jpeg_quality_scaling` and `jpeg_add_quant_table`):
//! `scale = 5000 / q` for q < 50, else `200 − 2q` (percent); each entry is
//! `(base · scale + 50) / 100` (integer division), at least 1, at most 32767, and at
//! most 255 when baseline-compatible tables are forced (`cjpeg -baseline`, and the
//! library default). Both variants are tried, and so is the transposed table: a
//! lossless 90°/270° rotation or transposition (`jpegtran -rotate 90`) transposes the
//! quantization tables along with the coefficients.

use serde::Serialize;

pub use crate::coeffs::ijg::{ijg_scale, ANNEX_K_CHROMA, ANNEX_K_LUMA};

/// `base` scaled as the IJG library does for `quality`; `baseline` limits entries to
/// 255 (8-bit tables), otherwise to 32767.
pub fn ijg_table(base: &[u16; 64], quality: u8, baseline: bool) -> [u16; 64] {
    crate::coeffs::ijg::ijg_table(base, quality, baseline).values
}

/// The transpose of a table in natural order (row ↔ column).
pub fn transpose(t: &[u16; 64]) -> [u16; 64] {
    let mut o = [0u16; 64];
    for (i, v) in o.iter_mut().enumerate() {
        *v = t[(i % 8) * 8 + i / 8];
    }
    o
}

/// Which Annex K table a quantization table is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Base {
    /// Table K.1.
    Luminance,
    /// Table K.2.
    Chrominance,
}

impl Base {
    /// The Annex K table.
    pub fn table(self) -> &'static [u16; 64] {
        match self {
            Base::Luminance => &ANNEX_K_LUMA,
            Base::Chrominance => &ANNEX_K_CHROMA,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Base::Luminance => "luminance",
            Base::Chrominance => "chrominance",
        }
    }
}

/// An exact IJG match of one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExactMatch {
    /// Every quality whose scaled table equals this one, ascending (several only where
    /// clamping to 255 makes low qualities coincide, e.g. chrominance 1–3).
    pub qualities: Vec<u8>,
    /// The Annex K table that was scaled.
    pub base: Base,
    /// "baseline (8-bit, clamped to 255)", "16-bit (not clamped)" or "either" when no
    /// entry reaches 255.
    pub variant: &'static str,
    /// The table equals the transpose of the scaled table (rotated 90°/270° or
    /// transposed losslessly after encoding).
    pub transposed: bool,
}

/// The quality estimate of one quantization table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableQuality {
    /// Destination slot of the table.
    pub slot: u8,
    /// Offset of the DQT segment defining it.
    pub offset: usize,
    /// The Annex K table it is compared with for the closest quality: luminance for
    /// the first component's table, chrominance for the others.
    pub role: Base,
    /// The IJG quality: exact when `exact` is set, else the closest.
    pub quality: u8,
    /// The table is an IJG-scaled Annex K table.
    pub exact: bool,
    /// Details of the exact match.
    pub exact_match: Option<ExactMatch>,
    /// Mean relative difference, in percent, between this table and the IJG table of
    /// `quality` (0 when exact): Σ|t − s| / s over the 64 entries, divided by 64.
    pub difference_percent: f64,
    /// One line in words.
    pub summary: String,
}

/// The file's quality estimate: one per table, and one for the tables in use.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QualityReport {
    /// Every table definition, in file order.
    pub tables: Vec<TableQuality>,
    /// The file's IJG quality: of the first component's table when every table in use
    /// is an exact IJG table; otherwise the quality closest to all tables in use.
    pub quality: u8,
    /// Every table in use is an exact IJG-scaled Annex K table.
    pub exact: bool,
    /// The tables in use are exact only when transposed (rotated 90°/270°).
    pub transposed: bool,
    /// Mean relative difference in percent over the tables in use (0 when exact).
    pub difference_percent: f64,
    /// One line in words, e.g. "IJG quality 85, exact".
    pub summary: String,
}

/// Finds every exact IJG match of `t` against `base` (both clamping variants, plain
/// and transposed). Returns the match with the most qualities' worth of evidence.
pub fn exact_match(t: &[u16; 64], base: Base) -> Option<ExactMatch> {
    let tt = transpose(t);
    for (cand, transposed) in [(t, false), (&tt, true)] {
        let mut qualities = Vec::new();
        let mut clamped = false;
        let mut unclamped = false;
        for q in 1..=100u8 {
            let c = ijg_table(base.table(), q, true) == *cand;
            let u = ijg_table(base.table(), q, false) == *cand;
            if c || u {
                qualities.push(q);
                clamped |= c;
                unclamped |= u;
            }
        }
        if !qualities.is_empty() {
            let variant = match (clamped, unclamped) {
                (true, true) => "either",
                (true, false) => "baseline (8-bit, clamped to 255)",
                _ => "16-bit (not clamped)",
            };
            // A symmetric table matches both ways: report it as not transposed.
            return Some(ExactMatch {
                qualities,
                base,
                variant,
                transposed,
            });
        }
    }
    None
}

/// Mean relative difference (percent) of `t` from the IJG table of `q` (clamped to 255
/// when `baseline`).
pub fn difference(t: &[u16; 64], base: Base, q: u8, baseline: bool) -> f64 {
    let s = ijg_table(base.table(), q, baseline);
    let sum: f64 = t
        .iter()
        .zip(s.iter())
        .map(|(&a, &b)| (a as f64 - b as f64).abs() / b as f64)
        .sum();
    100.0 * sum / 64.0
}

/// The closest quality to `t` for `base` and its difference; the table and its
/// transpose are both tried (the smaller difference wins).
pub fn closest(t: &[u16; 64], base: Base) -> (u8, f64) {
    let baseline = t.iter().all(|&v| v <= 255);
    let tt = transpose(t);
    let mut best = (50u8, f64::INFINITY);
    for q in 1..=100u8 {
        let d = difference(t, base, q, baseline).min(difference(&tt, base, q, baseline));
        if d < best.1 {
            best = (q, d);
        }
    }
    best
}

/// Estimates the quality of one table compared as `role`.
pub fn table_quality(slot: u8, offset: usize, values: &[u16; 64], role: Base) -> TableQuality {
    let other = match role {
        Base::Luminance => Base::Chrominance,
        Base::Chrominance => Base::Luminance,
    };
    let m = exact_match(values, role).or_else(|| exact_match(values, other));
    match m {
        Some(m) => {
            // When several qualities give this table, the highest is reported for
            // the table alone (the file estimate intersects the tables' sets).
            let quality = *m.qualities.last().unwrap_or(&50);
            let mut summary = format!("IJG quality {}", range_text(&m.qualities));
            summary += ", exact";
            if m.base != role {
                summary += &format!(" (scaled Annex K {} table)", m.base.name());
            }
            if m.transposed {
                summary += ", transposed (rotated 90°/270° or transposed after encoding)";
            }
            TableQuality {
                slot,
                offset,
                role,
                quality,
                exact: true,
                exact_match: Some(m),
                difference_percent: 0.0,
                summary,
            }
        }
        None => {
            let (quality, d) = closest(values, role);
            TableQuality {
                slot,
                offset,
                role,
                quality,
                exact: false,
                exact_match: None,
                difference_percent: round2(d),
                summary: format!(
                    "closest IJG quality {quality} (entries differ by {:.1}% on average): not a scaled standard table",
                    d
                ),
            }
        }
    }
}

/// "85", or "1–3" for a run of qualities.
fn range_text(q: &[u8]) -> String {
    match q {
        [] => "?".into(),
        [one] => one.to_string(),
        [first, .., last] => format!("{first}–{last}"),
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A table definition as the report lists it.
pub struct TableRef<'a> {
    /// Destination slot.
    pub slot: u8,
    /// Offset of the DQT.
    pub offset: usize,
    /// The values (natural order).
    pub values: &'a [u16; 64],
}

/// Estimates every table's quality and the file's. `used` lists, for each frame
/// component in order, the index into `tables` of the table it uses (None when its
/// slot is never defined). Returns None when there are no tables.
pub fn estimate(tables: &[TableRef], used: &[Option<usize>]) -> Option<QualityReport> {
    if tables.is_empty() {
        return None;
    }
    // Role of each table: luminance if the first component uses it (or, without a
    // frame, if it is in slot 0), chrominance otherwise.
    let first = used.first().copied().flatten();
    let role = |i: usize, t: &TableRef| {
        let luma = match first {
            Some(f) => f == i,
            None => t.slot == 0,
        };
        if luma {
            Base::Luminance
        } else {
            Base::Chrominance
        }
    };
    let per: Vec<TableQuality> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| table_quality(t.slot, t.offset, t.values, role(i, t)))
        .collect();

    // Tables in use, each once, luminance first.
    let mut in_use: Vec<usize> = Vec::new();
    for u in used.iter().flatten() {
        if !in_use.contains(u) {
            in_use.push(*u);
        }
    }
    if in_use.is_empty() {
        in_use = (0..tables.len()).collect();
    }
    let report = if in_use.iter().all(|&i| per[i].exact) {
        exact_report(&per, &in_use)
    } else {
        closest_report(tables, &per, &in_use)
    };
    Some(QualityReport {
        tables: per,
        ..report
    })
}

/// The file's quality when every table in use is an exact IJG table: the qualities
/// they share, else each table's own.
fn exact_report(per: &[TableQuality], in_use: &[usize]) -> QualityReport {
    let matches: Vec<&ExactMatch> = in_use
        .iter()
        .filter_map(|&i| per[i].exact_match.as_ref())
        .collect();
    let transposed = matches.iter().any(|m| m.transposed);
    // Qualities common to every table in use; else the first table's.
    let common: Vec<u8> = matches[0]
        .qualities
        .iter()
        .copied()
        .filter(|q| matches.iter().all(|m| m.qualities.contains(q)))
        .collect();
    let (quality, summary) = if let Some(&q) = common.last() {
        let mut s = format!("IJG quality {}, exact", range_text(&common));
        if transposed {
            s += " (tables transposed: rotated 90°/270° losslessly)";
        }
        (q, s)
    } else {
        let parts: Vec<String> = in_use
            .iter()
            .map(|&i| format!("{} {}", per[i].role.name(), per[i].quality))
            .collect();
        (
            per[in_use[0]].quality,
            format!(
                "IJG tables of different qualities ({}), exact",
                parts.join(", ")
            ),
        )
    };
    QualityReport {
        tables: Vec::new(),
        quality,
        exact: true,
        transposed,
        difference_percent: 0.0,
        summary,
    }
}

/// The IJG quality that fits all tables in use best, each against its role, and how
/// far the tables are from it.
fn closest_report(tables: &[TableRef], per: &[TableQuality], in_use: &[usize]) -> QualityReport {
    let mut best = (50u8, f64::INFINITY);
    for q in 1..=100u8 {
        let d: f64 = in_use
            .iter()
            .map(|&i| {
                let t = tables[i].values;
                let base = per[i].role;
                let b = t.iter().all(|&v| v <= 255);
                difference(t, base, q, b).min(difference(&transpose(t), base, q, b))
            })
            .sum::<f64>()
            / in_use.len() as f64;
        if d < best.1 {
            best = (q, d);
        }
    }
    QualityReport {
        tables: Vec::new(),
        quality: best.0,
        exact: false,
        transposed: false,
        difference_percent: round2(best.1),
        summary: format!(
            "closest IJG quality {} (tables differ by {:.1}% on average): not a scaled standard table",
            best.0, best.1
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quality_50_is_annex_k() {
        assert_eq!(ijg_table(&ANNEX_K_LUMA, 50, true), ANNEX_K_LUMA);
        assert_eq!(ijg_table(&ANNEX_K_CHROMA, 100, false), [1; 64]);
    }

    #[test]
    fn every_quality_is_exact_both_variants_and_transposed() {
        for q in 1..=100u8 {
            for baseline in [true, false] {
                let l = ijg_table(&ANNEX_K_LUMA, q, baseline);
                let m = exact_match(&l, Base::Luminance).unwrap();
                assert!(m.qualities.contains(&q), "q{q}");
                assert_eq!(m.qualities.len(), 1, "luma is unique at q{q}");
                let mt = exact_match(&transpose(&l), Base::Luminance).unwrap();
                assert!(mt.qualities.contains(&q), "transposed q{q}");
            }
        }
    }

    #[test]
    fn file_estimate_intersects() {
        let l = ijg_table(&ANNEX_K_LUMA, 2, true);
        let c = ijg_table(&ANNEX_K_CHROMA, 2, true);
        let t = [
            TableRef {
                slot: 0,
                offset: 0,
                values: &l,
            },
            TableRef {
                slot: 1,
                offset: 0,
                values: &c,
            },
        ];
        let r = estimate(&t, &[Some(0), Some(1), Some(1)]).unwrap();
        assert!(r.exact);
        assert_eq!(r.quality, 2);
        assert_eq!(r.summary, "IJG quality 2, exact");
    }

    #[test]
    fn not_standard_is_closest() {
        let mut l = ijg_table(&ANNEX_K_LUMA, 80, true);
        l[63] += 7;
        l[0] = 1;
        let r = table_quality(0, 0, &l, Base::Luminance);
        assert!(!r.exact);
        assert_eq!(r.quality, 80);
        assert!(r.summary.contains("not a scaled standard table"));
    }
}
