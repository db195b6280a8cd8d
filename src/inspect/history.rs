//! What the coefficients say about an earlier JPEG compression (double quantization),
//! as plain values: `pipeline::compression_history` fills them in, `inspect` shows them.
//!
//! An image that was decoded from a JPEG and encoded again carries the first
//! quantization in its coefficient histograms: a coefficient that was a multiple of the
//! first step q1 and is now quantized with step q2 can only take the values
//! round(k·q1/q2), so some values stay empty (q1 > q2) or collect two
//! first-compression values each (q1 < q2), periodically. The analysis compares each
//! low-frequency histogram of the luminance with what one compression, and what two
//! with each candidate q1, would give (Lukáš and Fridrich, "Estimation of primary
//! quantization matrix in double compressed JPEG images", 2003).

use serde::Serialize;

/// The verdict for a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryVerdict {
    /// Most tested frequencies show a first quantization other than the file's.
    EarlierCompression,
    /// A few frequencies do: weak evidence.
    Possible,
    /// Every tested frequency fits one compression with the file's tables. (Resizing,
    /// or cropping off the 8-pixel grid, after an earlier compression erases its
    /// traces; so does re-saving with steps that are multiples of the first ones.)
    NoEvidence,
    /// Too few nonzero coefficients to tell (a small or very flat image).
    Untestable,
}

/// One tested frequency of the luminance table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrequencyFit {
    /// Zigzag position (1 = the first AC coefficient).
    pub zigzag: u8,
    /// The file's step at this frequency.
    pub step: u16,
    /// Nonzero coefficients of the file at this frequency (the sample tested).
    pub nonzero: usize,
    /// The first compression's step that explains the histogram best.
    pub best_step: u16,
    /// Distance (L1, 0–2) of the histogram from the best two-compression model.
    pub best_distance: f64,
    /// Distance from one compression with the file's step.
    pub single_distance: f64,
    /// Whether this frequency counts as evidence: the best step is not the file's nor
    /// one of its divisors, fits at least twice as well, and better by more than
    /// sampling noise (2/√nonzero).
    pub evidence: bool,
}

/// The double-quantization analysis of a file's first component (the luminance of a
/// YCbCr or grayscale file).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompressionHistory {
    pub verdict: HistoryVerdict,
    /// Frequencies with enough nonzero coefficients to test.
    pub tested: usize,
    /// Of those, the ones that show a first quantization.
    pub with_evidence: usize,
    /// The IJG quality whose luminance table has the estimated first steps, when they
    /// fit one (at least 60% of the frequencies with evidence, within 1).
    pub earlier_ijg_quality: Option<u8>,
    /// Blocks whose off-grid transform stood in for the image before compression.
    pub sampled_blocks: usize,
    pub frequencies: Vec<FrequencyFit>,
}

impl CompressionHistory {
    /// One line for people.
    pub fn summary(&self) -> String {
        let counted = format!(
            "{} of {} frequencies tested",
            self.with_evidence, self.tested
        );
        let steps = || {
            let s: Vec<String> = self
                .frequencies
                .iter()
                .filter(|f| f.evidence)
                .map(|f| format!("{}→{}", f.best_step, f.step))
                .collect();
            s.join(" ")
        };
        match self.verdict {
            HistoryVerdict::EarlierCompression | HistoryVerdict::Possible => {
                let what = if self.verdict == HistoryVerdict::Possible {
                    "possibly compressed before"
                } else {
                    "compressed before, then re-saved"
                };
                let q = self
                    .earlier_ijg_quality
                    .map(|q| format!(", earlier luminance steps fit IJG quality {q}"))
                    .unwrap_or_default();
                format!(
                    "{what} ({counted} show it; first→current steps {}){q}",
                    steps()
                )
            }
            HistoryVerdict::NoEvidence => format!(
                "no trace of an earlier compression ({} frequencies tested)",
                self.tested
            ),
            HistoryVerdict::Untestable => "too few nonzero coefficients to test".into(),
        }
    }
}
