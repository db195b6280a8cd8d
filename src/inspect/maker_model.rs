//! Maker traits: what one maker's firmware does the same way across its models, read
//! from the file's structure alone (no metadata), so that a file from a model the
//! signature table has never seen can still be attributed to its maker.
//!
//! Every entry of [`super::signatures`] (each taken from one corpus file) is reduced to
//! a handful of traits. A trait value that entries of one maker share is evidence for
//! that maker, weighted by how specific it is: the share of all listed entries (cameras
//! and programs) with that value that belong to the maker, `n_maker / (n_all + 1)`, so
//! a value seen once counts half and a value common to many sources counts little. The
//! evidence names the entries (their corpus files), so every trait has its sources.
//! With an entry left out (the tests' leave-one-out), the counts are made without it:
//! a trait only one file supports cannot then vouch for that file.
//!
//! The traits, and why firmware keeps them across models:
//! * segment layout: the order and grouping of DQT/DHT/SOFn/DRI segments is written by
//!   the encoder library, which a maker reuses for years (T.81 B.2.4 allows any order
//!   and any grouping of tables per segment);
//! * marker order alone (grouping ignored, DRI ignored);
//! * luminance and chrominance scaling: how each table relates to the Annex K tables
//!   K.1/K.2: the IJG formula at some quality, or `base · s` for a real scale `s`
//!   rounded to nearest, truncated or rounded up (fixed- or floating-point firmware
//!   instead of IJG's integer percent), possibly with the DC quantizer held fixed, or a
//!   table of the maker's own;
//! * one scale for both tables, and the grid that scale falls on when it is narrowly
//!   known: `k/100` (Nikon's truncated percent), `k/256` (8-bit fixed point: Olympus
//!   rounds up, Sony and Nikon to nearest), `k/1024` (Ricoh);
//! * the table set: three tables with the Cr table a copy of the Cb table, or a DQT that
//!   defines a table no component uses;
//! * sampling factors and the Huffman choice (weak: shared by most encoders);
//! * shape: the maker's own table, scaled (its quality settings share one base table);
//!   published camera tables ([`super::published_tables`]) also count here, and are
//!   never left out, since they come from no corpus file;
//! * the nearest table set: the maker of the listed or published camera set nearest
//!   in shape to the file's tables (both tables, scale removed), weighted by its lead
//!   over the nearest set of any other maker, unless a program's set is as near.

use super::identify::Structure;
use super::published_tables::PublishedTable;
use super::quality::{transpose, ANNEX_K_CHROMA, ANNEX_K_LUMA};
use super::signatures::{Signature, SourceKind, SIGNATURES};
use std::sync::OnceLock;

/// One kind of trait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraitKind {
    /// Table-related segments up to the first SOS, with table counts.
    Layout,
    /// The same without counts and DRI.
    Order,
    /// How the luminance table relates to Annex K table K.1.
    LumaScaling,
    /// How the chrominance table relates to Annex K table K.2.
    ChromaScaling,
    /// Both tables scaled from Annex K by one scale, and the grid (1/100, 1/256,
    /// 1/1024) that scale falls on.
    JointScale,
    /// Number of tables and how they are shared.
    TableSet,
    /// Sampling factors.
    Sampling,
    /// Standard or optimized Huffman tables.
    Huffman,
}

impl TraitKind {
    /// Weight of a shared value (before the specificity factor).
    fn weight(self, value: &str) -> f64 {
        match self {
            TraitKind::Layout => 0.25,
            // Tie-breakers only: most encoders share these.
            TraitKind::Order | TraitKind::Sampling => 0.02,
            TraitKind::Huffman => 0.01,
            // IJG-scaled tables are every libjpeg user's, camera or not.
            TraitKind::LumaScaling if value.starts_with("IJG") => 0.10,
            TraitKind::LumaScaling => 0.30,
            TraitKind::ChromaScaling => 0.08,
            // Constrains both tables at once: the most specific scaling trait.
            TraitKind::JointScale => 0.35,
            TraitKind::TableSet => 0.15,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            TraitKind::Layout => "segment layout",
            TraitKind::Order => "marker order",
            TraitKind::LumaScaling => "luminance table",
            TraitKind::ChromaScaling => "chrominance table",
            TraitKind::JointScale => "luminance and chrominance tables",
            TraitKind::TableSet => "table set",
            TraitKind::Sampling => "sampling",
            TraitKind::Huffman => "Huffman tables",
        }
    }

    /// Whether the trait alone can support a candidate (sampling, Huffman and marker
    /// order are shared by too many encoders).
    fn decisive(self) -> bool {
        !matches!(
            self,
            TraitKind::Sampling | TraitKind::Huffman | TraitKind::Order
        )
    }
}

/// Weight of a shape match with a maker's own table.
const SHAPE: f64 = 0.30;
/// Largest mean log difference (scale removed) that counts as the same shape.
const SHAPE_MAX: f64 = 0.06;
/// Mean log difference from the Annex K luminance table above which a table counts as
/// a different base table (below it: Annex K with some entries adjusted).
const OWN_SHAPE: f64 = 0.09;
/// Score of a candidate before its traits are added.
const BASE: f64 = 0.30;
/// Highest score traits can reach (an exact table match scores more).
const CAP: f64 = 0.80;

/// One trait value.
#[derive(Debug, Clone, PartialEq)]
pub struct Trait {
    /// What it is about.
    pub kind: TraitKind,
    /// The value (for table scaling, without the rounding rule).
    pub value: String,
    /// For real-scale tables: the rounding rules that reproduce the table (bit 0
    /// nearest, 1 truncated, 2 rounded up); small tables often fit several. Two
    /// values match when they have a rule in common.
    pub rules: u8,
}

impl Trait {
    fn new(kind: TraitKind, value: String) -> Self {
        Trait {
            kind,
            value,
            rules: 0,
        }
    }

    fn matches(&self, o: &Trait) -> bool {
        self.kind == o.kind
            && self.value == o.value
            && (self.rules == o.rules || self.rules & o.rules != 0)
    }

    /// The value in words.
    pub fn text(&self) -> String {
        let names = ["rounded to nearest", "truncated", "rounded up"];
        let r: Vec<&str> = (0..3)
            .filter(|b| self.rules & (1 << b) != 0)
            .map(|b| names[b])
            .collect();
        if r.is_empty() {
            self.value.clone()
        } else {
            format!("{} ({})", self.value, r.join(" or "))
        }
    }
}

/// The traits of one file or signature entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Traits {
    /// The trait values.
    pub values: Vec<Trait>,
    /// The luminance table when it is the maker's own (not Annex K derived).
    pub own_luma: Option<[u16; 64]>,
}

/// Traits from the structural facts: layout, sampling, Huffman choice and the tables
/// in use (component order, each slot once). Transposed tables (see `orient`) are
/// turned back first, and then only the tables and the sampling (exchanged back) are
/// traits of the firmware: a rotating program wrote the rest.
pub fn traits(layout: &str, sampling: &str, huffman: &str, tables: &[[u16; 64]]) -> Traits {
    let oriented = orient(tables);
    let turned = oriented[..] != *tables;
    let tables = &oriented[..];
    let mut values = if turned {
        // The file was rotated: its segments and Huffman tables are the rotating
        // program's, and its sampling factors are exchanged.
        let swapped: Vec<String> = sampling
            .split(',')
            .map(|hv| hv.split('x').rev().collect::<Vec<_>>().join("x"))
            .collect();
        vec![Trait::new(TraitKind::Sampling, swapped.join(","))]
    } else {
        vec![
            Trait::new(TraitKind::Layout, layout.to_string()),
            Trait::new(TraitKind::Order, order(layout)),
            Trait::new(TraitKind::Sampling, sampling.to_string()),
            Trait::new(TraitKind::Huffman, huffman.to_string()),
        ]
    };
    // Only unusual table sets and Annex K relations are traits: "two tables" and "a
    // table of its own" are what most encoders write.
    if let Some(set) = table_set(layout, tables) {
        values.push(Trait::new(TraitKind::TableSet, set));
    }
    let t = table_traits(tables);
    values.extend(t.values);
    Traits {
        values,
        own_luma: t.own_luma,
    }
}

/// The traits of the tables alone (already turned back, see `orient`): how the
/// luminance and chrominance tables relate to Annex K, and the luminance table when it
/// is the maker's own.
fn table_traits(tables: &[[u16; 64]]) -> Traits {
    let mut values = Vec::new();
    let mut own_luma = None;
    // Worked out once for the scaling and the joint traits.
    let spans: Vec<Spans> = tables
        .iter()
        .zip([&ANNEX_K_LUMA, &ANNEX_K_CHROMA])
        .map(|(t, base)| fitting_spans(t, base))
        .collect();
    if let (Some(l), Some(s)) = (tables.first(), spans.first()) {
        // Tables that are Annex K with a few entries adjusted all have the same shape:
        // only a really different base table is a maker's own.
        if !scaling_traits(0, l, s, &mut values) && shape_distance(l, &ANNEX_K_LUMA) > OWN_SHAPE {
            own_luma = Some(*l);
        }
    }
    if let (Some(c), Some(s)) = (tables.get(1), spans.get(1)) {
        scaling_traits(1, c, s, &mut values);
    }
    if let (Some(l), Some(c)) = (tables.first(), tables.get(1)) {
        if !ijg_scaled(&values) {
            for (value, rules) in joint_scale(l, c, &spans[0], &spans[1]) {
                values.push(Trait {
                    kind: TraitKind::JointScale,
                    value,
                    rules,
                });
            }
        }
    }
    Traits { values, own_luma }
}

/// Whether a table among `values` is an IJG scaling of Annex K (libjpeg's rule, every
/// libjpeg user's tables).
fn ijg_scaled(values: &[Trait]) -> bool {
    values.iter().any(|t| t.value.starts_with("IJG"))
}

/// Pushes the scaling traits of the luminance (`which` 0) or chrominance (1) table
/// `t`: how it relates to its Annex K table. Whether it relates at all (false: a table
/// of its own).
fn scaling_traits(which: usize, t: &[u16; 64], spans: &Spans, out: &mut Vec<Trait>) -> bool {
    let (base, kind) = if which == 0 {
        (&ANNEX_K_LUMA, TraitKind::LumaScaling)
    } else {
        (&ANNEX_K_CHROMA, TraitKind::ChromaScaling)
    };
    let (value, rules) = scaling_in(t, base, spans);
    if value == OWN {
        return false;
    }
    out.push(Trait { kind, value, rules });
    true
}

/// Traits of a file's structure.
pub fn file_traits(st: &Structure) -> Traits {
    traits(&st.layout, &st.sampling, st.huffman, &st.tables)
}

const OWN: &str = "own table (not derived from Annex K)";

/// "DQT2 DHT4 DRI SOF0 SOS" → "DQT DHT SOF0 SOS".
fn order(layout: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for t in layout.split(' ') {
        let t = t.trim_end_matches(|c: char| c.is_ascii_digit() && !t.starts_with("SOF"));
        if t == "DRI" || t.is_empty() || out.last() == Some(&t) {
            continue;
        }
        out.push(t);
    }
    out.join(" ")
}

fn table_set(layout: &str, tables: &[[u16; 64]]) -> Option<String> {
    let defined: usize = layout
        .split(' ')
        .filter_map(|t| t.strip_prefix("DQT"))
        .filter_map(|n| n.parse::<usize>().ok())
        .sum();
    if tables.len() == 3 && tables[1] == tables[2] {
        Some("three tables, the Cr table a copy of the Cb table".into())
    } else if defined > tables.len() {
        Some("a table defined that no component uses".into())
    } else {
        None
    }
}

/// How `t` relates to the Annex K table `base`, and for real-scale tables the rounding
/// rules (bit mask, see [`Trait::rules`]) that reproduce it.
#[cfg(test)]
fn scaling(t: &[u16; 64], base: &[u16; 64]) -> (String, u8) {
    scaling_in(t, base, &fitting_spans(t, base))
}

/// [`scaling`] with `t`'s [`fitting_spans`] already worked out.
fn scaling_in(t: &[u16; 64], base: &[u16; 64], spans: &Spans) -> (String, u8) {
    let candidates = dc_qualities(base, t[0]);
    for q in (1..=100u8).rev().filter(|&q| candidates & 1 << q != 0) {
        // `ijg_table` of either variant, entry by entry: the first entries rule out
        // almost every quality.
        let scale = crate::coeffs::ijg::ijg_scale(q);
        let ijg = |baseline: bool| {
            t.iter()
                .zip(base)
                .all(|(&v, &b)| crate::coeffs::ijg::ijg_step(b, scale, baseline) == v)
        };
        if ijg(true) || ijg(false) {
            return (format!("IJG quality {q}"), 0);
        }
    }
    for (skip, spans) in spans.iter().enumerate() {
        let mask = span_mask(spans);
        if mask != 0 {
            let dc = if skip == 1 {
                format!(", DC quantizer fixed at {}", t[0])
            } else {
                String::new()
            };
            return (format!("Annex K table times a real scale{dc}"), mask);
        }
    }
    (OWN.into(), 0)
}

/// The IJG qualities (bit q) whose scaling of `base`, clamped or not, has the DC
/// quantizer `dc`: a mask looked up for the Annex K tables, which rules out all but a
/// few qualities before any table is compared (identification scales every published
/// table set on each run). All qualities for another base or a 16-bit `dc`.
fn dc_qualities(base: &[u16; 64], dc: u16) -> u128 {
    static MASKS: OnceLock<[[u128; 256]; 2]> = OnceLock::new();
    let k = if *base == ANNEX_K_LUMA {
        0
    } else if *base == ANNEX_K_CHROMA {
        1
    } else {
        return u128::MAX;
    };
    let masks = MASKS.get_or_init(|| {
        std::array::from_fn(|k| {
            let b = [&ANNEX_K_LUMA, &ANNEX_K_CHROMA][k][0];
            let mut m = [0u128; 256];
            for q in 1..=100u8 {
                let scale = crate::coeffs::ijg::ijg_scale(q);
                for baseline in [true, false] {
                    let v = crate::coeffs::ijg::ijg_step(b, scale, baseline);
                    if let Some(e) = m.get_mut(usize::from(v)) {
                        *e |= 1 << q;
                    }
                }
            }
            m
        })
    });
    masks[k].get(usize::from(dc)).copied().unwrap_or(u128::MAX)
}

/// Denominators of the scales firmware is seen to use: `k/100` (an integer percent,
/// as IJG's formula but rounded another way), `k/256` (8-bit fixed point; covers
/// 1/128 and 1/64) and `k/1024`. Which one, with the rounding rule, tells firmware
/// families apart that "a real scale" lumps together (Nikon's truncated percent,
/// Olympus's 1/256 rounded up, Sony's and Nikon's 1/256 rounded to nearest, Ricoh's
/// 1/1024).
const GRIDS: [u32; 3] = [100, 256, 1024];

/// How the luminance table `l` and chrominance table `c` relate to each other when
/// both are Annex K tables scaled by one real scale (the DC quantizers possibly held
/// fixed): the rules that fit both, and each grid of [`GRIDS`] the scale falls on when
/// it is narrowly known (a scale such as 23/256 ≈ 9/100 can fall on two). Empty when
/// no one scale fits both.
fn joint_scale(l: &[u16; 64], c: &[u16; 64], sl: &Spans, sc: &Spans) -> Vec<(String, u8)> {
    for skip in 0..2 {
        let spans: [(f64, f64); 3] = std::array::from_fn(|r| {
            (
                sl[skip][r].0.max(sc[skip][r].0),
                sl[skip][r].1.min(sc[skip][r].1),
            )
        });
        let mask = span_mask(&spans);
        if mask == 0 {
            continue;
        }
        let dc = if skip == 1 {
            ", DC quantizers fixed"
        } else {
            ""
        };
        let pairs = [(l, &ANNEX_K_LUMA), (c, &ANNEX_K_CHROMA)];
        let grids: Vec<(String, u8)> = GRIDS
            .into_iter()
            .map(|den| (den, grid_rules(&pairs, skip, &spans, den)))
            .filter(|&(_, rules)| rules != 0)
            .map(|(den, rules)| {
                (
                    format!("one scale for both, a multiple of 1/{den}{dc}"),
                    rules,
                )
            })
            .collect();
        if grids.is_empty() {
            return vec![(format!("one scale for both{dc}"), mask)];
        }
        return grids;
    }
    Vec::new()
}

/// The rules whose interval of scales `spans` is under a quarter of a step of 1/`den`
/// (so that an arbitrary real scale would seldom fall on the grid) and for which one
/// integer `k` gives `t[i] = rule(base[i] · k / den)` (clamped to 1..=255, or 32767 for
/// 16-bit tables) for every entry from `skip` of every (table, base) pair.
fn grid_rules(
    pairs: &[(&[u16; 64], &[u16; 64])],
    skip: usize,
    spans: &[(f64, f64); 3],
    den: u32,
) -> u8 {
    let narrow = |r: usize| {
        let (lo, hi) = spans[r];
        lo < hi && (hi - lo) * f64::from(den) <= 0.25
    };
    let max = if pairs.iter().all(|(t, _)| t.iter().all(|&v| v <= 255)) {
        255
    } else {
        32767
    };
    let entry = |b: u32, k: u32, rule: usize| -> u32 {
        let v = match rule {
            0 => (b * k + den / 2) / den,
            1 => b * k / den,
            _ => (b * k).div_ceil(den),
        };
        v.clamp(1, max)
    };
    // The unclamped entry with the largest base bounds k most tightly.
    let Some((q, b)) = pairs
        .iter()
        .flat_map(|(t, base)| (skip..64).map(move |i| (u32::from(t[i]), u32::from(base[i]))))
        .filter(|&(q, _)| q > 1 && q < max)
        .max_by_key(|&(_, b)| b)
    else {
        return 0;
    };
    let ks = ((q - 1) * den / b.max(1))..=((q + 1) * den / b.max(1) + 1);
    let fits = |k: u32, r: usize| {
        pairs
            .iter()
            .all(|(t, base)| (skip..64).all(|j| entry(u32::from(base[j]), k, r) == u32::from(t[j])))
    };
    (0..3)
        .filter(|&r| narrow(r) && ks.clone().any(|k| fits(k, r)))
        .fold(0u8, |m, r| m | 1 << r)
}

/// Per rounding rule (nearest, truncated, rounded up), the interval `[lo, hi)` of real
/// scales `s` with `t[i] = rule(base[i] · s)` (at least 1): over every entry, and over
/// every entry but the DC one; empty (`lo >= hi`) when no scale fits. One pass.
fn fitting_spans(t: &[u16; 64], base: &[u16; 64]) -> Spans {
    let mut span = [(0.0f64, f64::INFINITY); 3];
    let bound = |i: usize, span: &mut [(f64, f64); 3]| {
        let (q, b) = (t[i] as f64, base[i].max(1) as f64);
        // Entries are clamped to at least 1: a 1 allows any smaller product.
        let floor = |l: f64| if t[i] <= 1 { 0.0 } else { l };
        let ranges = [(q - 0.5, q + 0.5), (q, q + 1.0), (q - 1.0, q)];
        // Plain comparisons: no NaN can occur, and f64::max/min pay for one.
        for (r, (l, h)) in ranges.into_iter().enumerate() {
            let (lo, hi) = (floor(l) / b, h / b);
            if lo > span[r].0 {
                span[r].0 = lo;
            }
            if hi < span[r].1 {
                span[r].1 = hi;
            }
        }
    };
    for i in 1..64 {
        bound(i, &mut span);
    }
    let from_1 = span;
    bound(0, &mut span);
    [span, from_1]
}

/// [`fitting_spans`]: per rule, the interval of scales over every entry, and over
/// every entry but the DC one.
type Spans = [[(f64, f64); 3]; 2];

/// The rules (bits, see [`Trait::rules`]) whose interval in `spans` is not empty.
fn span_mask(spans: &[(f64, f64); 3]) -> u8 {
    (0..3)
        .filter(|&r| spans[r].0 < spans[r].1)
        .fold(0u8, |m, r| m | 1 << r)
}

/// Mean absolute difference of the logarithms of two tables' entries after removing
/// their common scale (the median log ratio): 0 when one is the other scaled.
pub fn shape_distance(a: &[u16; 64], b: &[u16; 64]) -> f64 {
    spread(std::array::from_fn(|i| ln_step(a[i]) - ln_step(b[i])))
}

/// The natural logarithm of a quantizer step (0 read as 1), from a table for 8-bit
/// steps: identification takes thousands of table distances per file.
fn ln_step(v: u16) -> f64 {
    static LN: OnceLock<[f64; 256]> = OnceLock::new();
    let ln = LN.get_or_init(|| std::array::from_fn(|i| (i.max(1) as f64).ln()));
    match ln.get(usize::from(v)) {
        Some(l) => *l,
        None => f64::from(v).ln(),
    }
}

/// Mean absolute deviation of 64 log ratios from their median (the mean of the two
/// middle values).
fn spread(r: [f64; 64]) -> f64 {
    // Selection on integer keys that order as `f64::total_cmp` orders the values (the
    // sign bit flips the rest): a third of the cost of comparing floats.
    let key = |v: f64| {
        let b = v.to_bits() as i64;
        b ^ (((b >> 63) as u64) >> 1) as i64
    };
    let value = |k: i64| f64::from_bits((k ^ (((k >> 63) as u64) >> 1) as i64) as u64);
    let mut s: [i64; 64] = std::array::from_fn(|i| key(r[i]));
    let (below, upper, _) = s.select_nth_unstable(32);
    let lower = below.iter().copied().max().unwrap_or(*upper);
    let c = (value(lower) + value(*upper)) / 2.0;
    r.iter().map(|v| (v - c).abs()).sum::<f64>() / 64.0
}

/// `tables` as firmware wrote them: all transposed when the luminance table is closer
/// to the Annex K table transposed than as it stands. A lossless 90° or 270° rotation
/// transposes every table (and rewrites the segments), and some published lists give
/// tables transposed (a third of Xee's camera entries whose luminance steps are all 2
/// or more, while every camera original in the corpus but one is in natural order), so
/// the scaling traits are worked out on the tables turned back.
fn orient(tables: &[[u16; 64]]) -> Vec<[u16; 64]> {
    match tables.first() {
        Some(l)
            if shape_distance(&transpose(l), &ANNEX_K_LUMA) + TURNED
                < shape_distance(l, &ANNEX_K_LUMA) =>
        {
            tables.iter().map(transpose).collect()
        }
        _ => tables.to_vec(),
    }
}

/// How much closer to Annex K (mean log difference, scale removed) a luminance table
/// must be turned than as it stands to count as transposed. Annex K scalings are about
/// 0.18 from the transposed table and rarely more than 0.05 from the table itself;
/// margins from 0.01 to 0.06 give the same identification figures.
const TURNED: f64 = 0.03;

/// Traits of every listed signature, computed once.
fn entry_traits() -> &'static [Traits] {
    static T: OnceLock<Vec<Traits>> = OnceLock::new();
    T.get_or_init(|| {
        SIGNATURES
            .iter()
            .map(|s| traits(s.layout, s.sampling, s.huffman, &s.parsed_tables()))
            .collect()
    })
}

/// A maker and how well the file's traits fit it.
#[derive(Debug, Clone, PartialEq)]
pub struct MakerScore {
    /// Canonical maker.
    pub maker: &'static str,
    /// 0–0.80 (the cap of a score from traits alone).
    pub score: f64,
    /// One line per shared trait, naming the entries it is shared with.
    pub evidence: Vec<String>,
}

/// Camera makers whose listed entries (those `use_sig` accepts) share traits with the
/// file, best first.
pub fn score_makers(
    st: &Structure,
    use_sig: &dyn Fn(&Signature) -> bool,
    use_pub: &dyn Fn(&PublishedTable) -> bool,
) -> Vec<MakerScore> {
    let ft = file_traits(st);
    let entries: Vec<(&Signature, &Traits)> = SIGNATURES
        .iter()
        .zip(entry_traits())
        .filter(|(s, _)| use_sig(s))
        .collect();
    let mut c = Credits(Vec::new());
    credit_listed_traits(&ft, &entries, &mut c);
    published_scaling(&ft, use_pub, &mut c);
    // IJG-scaled tables are every libjpeg user's: the nearest set says nothing more.
    if !ijg_scaled(&ft.values) {
        credit_nearest(&st.tables, use_sig, use_pub, &mut c);
    }
    if let Some(own) = ft.own_luma {
        credit_own_shape(&own, &entries, use_pub, &mut c);
    }
    c.finish()
}

/// Per maker, the score so far, its evidence, and whether any of it was decisive.
struct Credits(Vec<(MakerScore, bool)>);

impl Credits {
    fn credit(&mut self, maker: &'static str, add: f64, decisive: bool, ev: String) {
        let i = match self.0.iter().position(|(m, _)| m.maker == maker) {
            Some(i) => i,
            None => {
                let fresh = MakerScore {
                    maker,
                    score: BASE,
                    evidence: Vec::new(),
                };
                self.0.push((fresh, false));
                self.0.len() - 1
            }
        };
        let (m, d) = &mut self.0[i];
        m.score += add;
        m.evidence.push(ev);
        *d |= decisive;
    }

    /// The makers with decisive evidence, best first, scores calibrated.
    fn finish(self) -> Vec<MakerScore> {
        let mut out: Vec<MakerScore> = self
            .0
            .into_iter()
            .filter(|(_, decisive)| *decisive)
            .map(|(mut m, _)| {
                m.score = calibrated(m.score.min(CAP));
                m
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out
    }
}

/// Credits the makers of the listed entries that share each of the file's traits.
fn credit_listed_traits(ft: &Traits, entries: &[(&Signature, &Traits)], c: &mut Credits) {
    for tr in &ft.values {
        let (kind, value) = (tr.kind, tr.text());
        let sharing: Vec<&Signature> = entries
            .iter()
            .filter(|(_, t)| t.values.iter().any(|v| v.matches(tr)))
            .map(|(s, _)| *s)
            .collect();
        for_each_maker(&sharing, |maker, mine| {
            let share = mine.len() as f64 / (sharing.len() as f64 + 1.0);
            let ev = format!(
                "{} {value}: shared by {} listed {maker} file(s) and {} other source(s) ({})",
                kind.describe(),
                mine.len(),
                sharing.len() - mine.len(),
                sources(mine)
            );
            c.credit(maker, kind.weight(&value) * share, kind.decisive(), ev);
        });
    }
}

/// Credits the maker of the camera table set nearest in shape (see [`nearest_camera`]).
fn credit_nearest(
    tables: &[[u16; 64]],
    use_sig: &dyn Fn(&Signature) -> bool,
    use_pub: &dyn Fn(&PublishedTable) -> bool,
    c: &mut Credits,
) {
    let Some(n) = nearest_camera(tables, use_sig, use_pub) else {
        return;
    };
    let margin = n
        .other
        .map_or(NEAR_MARGIN, |o| (o - n.distance).min(NEAR_MARGIN));
    let ev = format!(
        "tables closest in shape to the {} (distance {:.3}; another maker's nearest {})",
        n.name,
        n.distance,
        n.other.map_or("none".into(), |o| format!("{o:.3}"))
    );
    // Weaker with distance (far tables share little shape) and with a small lead;
    // too weak to make a candidate of its own below a fifth of the full weight.
    let w = NEAR * (0.3 + 0.7 * margin / NEAR_MARGIN) * (1.0 - n.distance / NEAR_MAX);
    c.credit(n.maker, w, w >= NEAR / 5.0, ev);
}

/// Credits the makers whose own luminance table (listed or published) has the shape
/// of the file's own table `own`.
fn credit_own_shape(
    own: &[u16; 64],
    entries: &[(&Signature, &Traits)],
    use_pub: &dyn Fn(&PublishedTable) -> bool,
    c: &mut Credits,
) {
    let sharing: Vec<&Signature> = entries
        .iter()
        .filter(|(_, t)| {
            t.own_luma.is_some_and(|e| {
                shape_distance(own, &e).min(shape_distance(&transpose(own), &e)) <= SHAPE_MAX
            })
        })
        .map(|(s, _)| *s)
        .collect();
    for_each_maker(&sharing, |maker, mine| {
        let share = mine.len() as f64 / (sharing.len() as f64 + 1.0);
        let ev = format!(
            "luminance table has the shape of {maker}'s own table (one scaled from the other) in {} listed file(s) ({})",
            mine.len(),
            sources(mine)
        );
        c.credit(maker, SHAPE * share, true, ev);
    });
    // Published camera tables (independent of the corpus, never left out): a maker's
    // own base table, scaled for its other quality settings.
    for (maker, n, of, src) in published_shapes(own, use_pub) {
        let ev = format!(
            "luminance table has the shape of {maker}'s own table in {n} published table set(s) ({src})"
        );
        c.credit(maker, SHAPE * n as f64 / (of as f64 + 1.0), true, ev);
    }
}

/// The traits' summed score turned into a confidence: below [`CALIBRATED_KNEE`] the
/// sum overstates how often the maker is right, above it the traits agree and are
/// rarely wrong.
fn calibrated(s: f64) -> f64 {
    if s <= CALIBRATED_KNEE {
        s - CALIBRATED_DROP
    } else {
        let lo = CALIBRATED_KNEE - CALIBRATED_DROP;
        lo + (s - CALIBRATED_KNEE) * (CAP - lo) / (CAP - CALIBRATED_KNEE)
    }
}
const CALIBRATED_KNEE: f64 = 0.65;
const CALIBRATED_DROP: f64 = 0.15;

/// Weight of the nearest camera table set's maker (see [`nearest_camera`]), reached
/// when the nearest set of another maker is [`NEAR_MARGIN`] further away. (0.2 to 0.5
/// name the maker of 55% to 58.5% of the unseen published models, measured when that
/// test also left out the sets a model shares with its siblings; above 0.25 the
/// corpus files with their own entry left out lose one or two of 13.)
const NEAR: f64 = 0.25;
/// Distance beyond which the nearest camera table set is no evidence (tables that far
/// apart share no shape). Far sets still count: a maker's own base table is often far
/// from every other maker's, and its lead (see [`NEAR_MARGIN`]) says how far; the
/// weight falls linearly to nothing at this distance. (Without that fall, limits of
/// 0.12, 0.2 and 0.5 name the maker of 49.2%, 56.6% and 57.8% of the unseen published
/// models in tests/identify.rs; with it, at 0.5, 57.7%.)
const NEAR_MAX: f64 = 0.5;
/// Lead over the nearest set of another maker that earns the full weight.
const NEAR_MARGIN: f64 = 0.04;

/// The camera table set nearest to a file's tables.
struct Nearest {
    maker: &'static str,
    /// The set's models and where they are listed.
    name: String,
    distance: f64,
    /// Distance of the nearest set of another maker.
    other: Option<f64>,
}

/// A table set as [`set_distance`] compares it: the luminance and chrominance tables,
/// already turned back (see `orient`), a lone table standing for both. Kept as the
/// steps (their logarithms are looked up when compared: a quarter of the memory, for
/// the thousand sets identification holds).
type ShapeSet = [[u16; 64]; 2];

fn shape_set(t: &[[u16; 64]]) -> Option<ShapeSet> {
    let l = t.first()?;
    Some([*l, *t.get(1).unwrap_or(l)])
}

/// Shape distance of two table sets: [`shape_distance`] of the luminance tables plus
/// that of the chrominance tables (each scale removed separately).
fn set_distance(a: &ShapeSet, b: &ShapeSet) -> f64 {
    (0..2).map(|k| shape_distance(&a[k], &b[k])).sum()
}

/// Where a table set of [`table_sets`] comes from.
#[derive(Clone, Copy)]
enum SetSource {
    Listed(&'static Signature),
    Published(&'static PublishedTable),
    /// A program's published setting (never left out).
    PublishedProgram,
}

/// Every listed and published table set (cameras and programs) as [`ShapeSet`]s, worked
/// out once per process: listed entries, then published cameras, then programs. The
/// published cameras' sets are those of [`published_traits`], not copies (a megabyte of
/// memory, and its page faults, on every run that identifies a file).
fn table_sets() -> impl Iterator<Item = (SetSource, &'static ShapeSet)> {
    // The listed entries' sets, and the programs'.
    type Own = (Vec<(&'static Signature, ShapeSet)>, Vec<ShapeSet>);
    static OWN: OnceLock<Own> = OnceLock::new();
    let (listed, programs) = OWN.get_or_init(|| {
        let listed = SIGNATURES
            .iter()
            .filter_map(|s| Some((s, shape_set(&orient(&s.parsed_tables()))?)))
            .collect();
        let programs = super::published_tables::published_software()
            .iter()
            .filter_map(|p| shape_set(&orient(&p.tables)))
            .collect();
        (listed, programs)
    });
    let published = published_traits()
        .iter()
        .filter_map(|(p, _, l)| Some((SetSource::Published(p), l.as_ref()?)));
    listed
        .iter()
        .map(|(s, l)| (SetSource::Listed(s), l))
        .chain(published)
        .chain(programs.iter().map(|l| (SetSource::PublishedProgram, l)))
}

/// The listed or published camera table set nearest in shape to `tables`, when it is
/// within [`NEAR_MAX`] and no program's set is as near. A maker's quality settings
/// scale one pair of base tables, and its models share them, so the nearest set's
/// maker is evidence even for a model nothing lists. Measured on the published sets,
/// each model's own left out: the nearest set names the maker of 60% of the non-IJG
/// sets, of about 85% when another maker's nearest set is 0.02 further away, and of
/// 35% when it is closer than that.
fn nearest_camera(
    tables: &[[u16; 64]],
    use_sig: &dyn Fn(&Signature) -> bool,
    use_pub: &dyn Fn(&PublishedTable) -> bool,
) -> Option<Nearest> {
    let file = shape_set(&orient(tables))?;
    let mut best: Option<(f64, SetSource)> = None;
    let mut program = f64::INFINITY;
    // Each camera maker's nearest distance.
    let mut by_maker: Vec<(&'static str, f64)> = Vec::new();
    for (src, t) in table_sets() {
        let maker = match src {
            SetSource::Listed(s) if !use_sig(s) => continue,
            SetSource::Published(p) if !use_pub(p) => continue,
            SetSource::Listed(s) if s.kind == SourceKind::Camera => s.maker,
            SetSource::Published(p) => p.maker,
            SetSource::Listed(_) | SetSource::PublishedProgram => {
                program = program.min(set_distance(&file, t));
                continue;
            }
        };
        let d = set_distance(&file, t);
        match by_maker.iter_mut().find(|(m, _)| *m == maker) {
            Some(e) => e.1 = e.1.min(d),
            None => by_maker.push((maker, d)),
        }
        if best.map_or(true, |(b, _)| d < b) {
            best = Some((d, src));
        }
    }
    let (distance, src) = best.filter(|&(d, _)| d <= NEAR_MAX && d < program)?;
    let (maker, name) = match src {
        SetSource::Published(p) => (
            p.maker,
            format!("published {} {} tables ({})", p.maker, p.models, p.source),
        ),
        SetSource::Listed(s) => (
            s.maker,
            format!("listed {} {} tables ({})", s.maker, s.product, s.source),
        ),
        SetSource::PublishedProgram => return None,
    };
    let other = by_maker
        .iter()
        .filter(|(m, _)| *m != maker)
        .map(|(_, d)| *d)
        .min_by(f64::total_cmp);
    Some(Nearest {
        maker,
        name,
        distance,
        other,
    })
}

/// The table traits (how the luminance and chrominance tables relate to Annex K) of
/// every published camera table set, found once per process (only the scaling is
/// worked out: the other traits are not published).
fn published_traits() -> &'static [(&'static PublishedTable, Traits, Option<ShapeSet>)] {
    static T: OnceLock<Vec<(&'static PublishedTable, Traits, Option<ShapeSet>)>> = OnceLock::new();
    T.get_or_init(|| {
        super::published_tables::published_tables()
            .iter()
            .map(|p| {
                let o = orient(&p.tables);
                (p, table_traits(&o), shape_set(&o))
            })
            .collect()
    })
}

/// Credits the makers whose published table sets (those `use_pub` accepts) share the
/// file's table scaling traits, as listed files do (published sets carry no layout).
fn published_scaling(ft: &Traits, use_pub: &dyn Fn(&PublishedTable) -> bool, c: &mut Credits) {
    let wanted = ft.values.iter().filter(|t| {
        matches!(
            t.kind,
            TraitKind::LumaScaling | TraitKind::ChromaScaling | TraitKind::JointScale
        )
    });
    for tr in wanted {
        // The published sets' traits are worked out on their tables turned back, as the
        // file's are (see `orient`).
        let sharing: Vec<&PublishedTable> = published_traits()
            .iter()
            .filter(|(p, ts, _)| use_pub(p) && ts.values.iter().any(|v| v.matches(tr)))
            .map(|(p, ..)| *p)
            .collect();
        // Models, not table sets, are counted: a model whose firmware varies its tables
        // from image to image (Pentax's K10D, Nikon's D70) is one piece of evidence.
        let mut models: Vec<(&'static str, &'static str)> = Vec::new();
        // Each maker, in order of appearance, with its number of models.
        let mut makers: Vec<(&'static str, usize)> = Vec::new();
        for p in &sharing {
            for m in p.models.split("; ") {
                if models.contains(&(p.maker, m)) {
                    continue;
                }
                models.push((p.maker, m));
                match makers.iter_mut().find(|(k, _)| *k == p.maker) {
                    Some(e) => e.1 += 1,
                    None => makers.push((p.maker, 1)),
                }
            }
        }
        for (maker, mine) in makers {
            let share = mine as f64 / (models.len() as f64 + 1.0);
            let value = tr.text();
            let ev = format!(
                "{} {value}: shared by {mine} published {maker} model(s) and {} other model(s) ({})",
                tr.kind.describe(),
                models.len() - mine,
                sharing[0].source
            );
            c.credit(
                maker,
                tr.kind.weight(&value) * share,
                tr.kind.decisive(),
                ev,
            );
        }
    }
}

/// Makers whose published own luminance tables (see [`super::published_tables`]) have
/// the shape of `own`: (maker, matching entries of that maker, matching entries of all
/// makers, the first entry's source).
fn published_shapes(
    own: &[u16; 64],
    use_pub: &dyn Fn(&PublishedTable) -> bool,
) -> Vec<(&'static str, usize, usize, &'static str)> {
    // The published luminance tables that are a maker's own (not Annex K based), found
    // once per process.
    static OWN_TABLES: OnceLock<Vec<&'static PublishedTable>> = OnceLock::new();
    let own_tables = OWN_TABLES.get_or_init(|| {
        published_traits()
            .iter()
            .filter(|(_, t, _)| t.own_luma.is_some())
            .map(|(p, ..)| *p)
            .collect()
    });
    let tr = transpose(own);
    let hits: Vec<_> = own_tables
        .iter()
        .filter(|p| use_pub(p))
        .filter(|p| {
            let e = &p.tables[0];
            shape_distance(own, e).min(shape_distance(&tr, e)) <= SHAPE_MAX
        })
        .collect();
    let mut out: Vec<(&'static str, usize, usize, &'static str)> = Vec::new();
    for p in &hits {
        match out.iter_mut().find(|(m, ..)| *m == p.maker) {
            Some(e) => e.1 += 1,
            None => out.push((p.maker, 1, hits.len(), p.source)),
        }
    }
    out
}

/// Calls `f(maker, entries of that maker)` for each camera maker among `sharing`.
fn for_each_maker(sharing: &[&Signature], mut f: impl FnMut(&'static str, &[&Signature])) {
    let mut makers: Vec<&'static str> = Vec::new();
    for s in sharing.iter().filter(|s| s.kind == SourceKind::Camera) {
        if !makers.contains(&s.maker) {
            makers.push(s.maker);
        }
    }
    for m in makers {
        let mine: Vec<&Signature> = sharing
            .iter()
            .filter(|s| s.kind == SourceKind::Camera && s.maker == m)
            .copied()
            .collect();
        f(m, &mine);
    }
}

/// "valid/a.jpg, valid/b.jpg" (at most three).
fn sources(sigs: &[&Signature]) -> String {
    let mut v: Vec<&str> = sigs
        .iter()
        .map(|s| s.source.trim_start_matches("corpus "))
        .take(3)
        .collect();
    if sigs.len() > 3 {
        v.push("…");
    }
    v.join(", ")
}

/// Trait values that two or more listed entries of one camera maker share and at most
/// as many entries of other sources, with those sources and that count: the
/// maker-level rules the table supports, for reports and tests.
pub fn shared_traits() -> Vec<(String, String, Vec<&'static str>, usize)> {
    let entries: Vec<(&Signature, &Traits)> = SIGNATURES.iter().zip(entry_traits()).collect();
    let mut out: Vec<(String, String, Vec<&'static str>, usize)> = Vec::new();
    for (s, t) in &entries {
        if s.kind != SourceKind::Camera {
            continue;
        }
        for tr in &t.values {
            let kind = tr.kind;
            let key = format!("{}: {}", kind.describe(), tr.text());
            let stem = format!("{}: {}", kind.describe(), tr.value);
            if out
                .iter()
                .any(|(m, k, _, _)| m == s.maker && k.starts_with(&stem))
            {
                continue;
            }
            let has = |t: &Traits| t.values.iter().any(|v| v.matches(tr));
            let mine: Vec<&'static str> = entries
                .iter()
                .filter(|(e, et)| e.kind == SourceKind::Camera && e.maker == s.maker && has(et))
                .map(|(e, _)| e.source)
                .collect();
            let others = entries.iter().filter(|(_, et)| has(et)).count() - mine.len();
            // Listed when specific: at least as many of the maker's files as others.
            if mine.len() >= 2 && others <= mine.len() && kind.decisive() {
                out.push((s.maker.to_string(), key, mine, others));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_is_the_deviation_from_the_median() {
        // Against the median found by sorting the floats themselves, negative, zero
        // and positive values mixed.
        let mut x = 0x9e37_79b9u32;
        for _ in 0..200 {
            let r: [f64; 64] = std::array::from_fn(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (f64::from((x >> 16) % 2001) - 1000.0) / 97.0
            });
            let mut s = r;
            s.sort_by(f64::total_cmp);
            let c = (s[31] + s[32]) / 2.0;
            let want = r.iter().map(|v| (v - c).abs()).sum::<f64>() / 64.0;
            assert_eq!(spread(r), want);
        }
        assert_eq!(spread([-0.0; 64]), 0.0);
    }

    /// [`joint_scale`] with the spans worked out here.
    fn joint(l: &[u16; 64], c: &[u16; 64]) -> Vec<(String, u8)> {
        let (sl, sc) = (
            fitting_spans(l, &ANNEX_K_LUMA),
            fitting_spans(c, &ANNEX_K_CHROMA),
        );
        joint_scale(l, c, &sl, &sc)
    }

    /// A published camera set scaled (as another quality setting of the same firmware
    /// would be) is nearest to its own maker's sets, turned or not; a program's
    /// published setting is nearer to itself than to any camera, so it names none.
    #[test]
    fn the_nearest_table_set_names_its_maker_unless_a_program_is_as_near() {
        let published = super::super::published_tables::published_tables();
        let fuji = published
            .iter()
            .find(|p| p.maker == "Fujifilm" && p.tables.len() >= 2)
            .unwrap();
        let scaled: Vec<[u16; 64]> = fuji
            .tables
            .iter()
            .map(|t| t.map(|v| (v * 3).div_ceil(2)))
            .collect();
        let everything = |_: &PublishedTable| true;
        for tables in [scaled.clone(), scaled.iter().map(transpose).collect()] {
            let n = nearest_camera(&tables, &|_| true, &everything).unwrap();
            assert_eq!(n.maker, "Fujifilm", "{}", n.name);
            assert!(n.distance < 0.05, "{}", n.distance);
        }
        let program = &super::super::published_tables::published_software()[0];
        assert!(nearest_camera(&program.tables, &|_| true, &everything).is_none());
        // Coarsest at the DC end, finest at the highest frequencies: no camera's.
        let inverted: [u16; 64] = std::array::from_fn(|i| 200 - 3 * i as u16);
        assert!(nearest_camera(&[inverted; 2], &|_| true, &everything).is_none());
    }

    /// The rounding rules (bit 0 nearest, 1 truncated, 2 rounded up) for which some real
    /// `s` fits every entry, and every entry but the DC one (see [`fitting_spans`]).
    fn fitting_rules(t: &[u16; 64], base: &[u16; 64]) -> [u8; 2] {
        fitting_spans(t, base).map(|span| span_mask(&span))
    }

    /// The rule test written plainly: one rule, one pass per skip.
    fn fits_slowly(t: &[u16; 64], base: &[u16; 64], rule: usize, skip: usize) -> bool {
        let (mut lo, mut hi) = (0.0f64, f64::INFINITY);
        for i in skip..64 {
            let (q, b) = (t[i] as f64, base[i].max(1) as f64);
            let (l, h) = [(q - 0.5, q + 0.5), (q, q + 1.0), (q - 1.0, q)][rule];
            let l = if t[i] <= 1 { 0.0 } else { l };
            lo = lo.max(l / b);
            hi = hi.min(h / b);
        }
        lo < hi
    }

    #[test]
    fn one_pass_rules_equal_the_plain_test() {
        let mut next = crate::xorshift64(0x9e37_79b9_7f4a_7c15);
        for n in 0..4000 {
            let base = if n % 2 == 0 {
                &ANNEX_K_LUMA
            } else {
                &ANNEX_K_CHROMA
            };
            // Scaled tables (which fit), perturbed ones and random ones.
            let s = (next() % 4000) as f64 / 1000.0 + 0.01;
            let t: [u16; 64] = std::array::from_fn(|i| {
                let v = match n % 3 {
                    0 => (base[i] as f64 * s).round(),
                    1 => (base[i] as f64 * s).floor() + (next() % 8 == 0) as u64 as f64,
                    _ => (next() % 60) as f64,
                };
                v.clamp(1.0, 255.0) as u16
            });
            let want = |skip| {
                (0..3)
                    .filter(|&r| fits_slowly(&t, base, r, skip))
                    .fold(0u8, |m, r| m | 1 << r)
            };
            assert_eq!(fitting_rules(&t, base), [want(0), want(1)], "{t:?}");
        }
    }

    #[test]
    fn scaling_classes() {
        assert_eq!(scaling(&ANNEX_K_LUMA, &ANNEX_K_LUMA).0, "IJG quality 50");
        let floor: [u16; 64] =
            std::array::from_fn(|i| ((ANNEX_K_LUMA[i] as f64 * 0.45) as u16).max(1));
        assert_eq!(
            scaling(&floor, &ANNEX_K_LUMA),
            ("Annex K table times a real scale".to_string(), 2)
        );
        // Both tables by one scale: on the 1/100 grid (truncated), on the 1/256 grid
        // (rounded up), or on none.
        let scaled = |k: f64, up: bool| {
            let f = |b: u16| {
                let v = b as f64 * k;
                (if up { v.ceil() } else { v.floor() }).max(1.0) as u16
            };
            [ANNEX_K_LUMA.map(f), ANNEX_K_CHROMA.map(f)]
        };
        let [l, c] = scaled(0.45, false);
        let want = |v: &str, r| vec![(v.to_string(), r)];
        assert_eq!(
            joint(&l, &c),
            want("one scale for both, a multiple of 1/100", 2)
        );
        let [l, c] = scaled(37.0 / 256.0, true);
        assert_eq!(
            joint(&l, &c),
            want("one scale for both, a multiple of 1/256", 4)
        );
        let [l, c] = scaled(0.455, false);
        assert_eq!(joint(&l, &c), want("one scale for both", 2));
        let [l, _] = scaled(0.455, false);
        let [_, c] = scaled(0.3, false);
        assert_eq!(joint(&l, &c), vec![]);
        // 23/256 is within a quarter step of 9/100: both grids are reported.
        let [l, c] = scaled(23.0 / 256.0, true);
        let grids: Vec<String> = joint(&l, &c).into_iter().map(|g| g.0).collect();
        assert_eq!(grids.len(), 2, "{grids:?}");
        let mut dc = floor;
        dc[0] = 4;
        assert!(scaling(&dc, &ANNEX_K_LUMA)
            .0
            .ends_with("DC quantizer fixed at 4"));
        let flat = [7u16; 64];
        assert_eq!(scaling(&flat, &ANNEX_K_LUMA).0, OWN);
    }

    #[test]
    fn orders_and_table_sets() {
        assert_eq!(order("DQT2 DHT4 DRI SOF0 SOS"), "DQT DHT SOF0 SOS");
        assert_eq!(order("DQT1 DQT1 SOF0 DHT1 DHT1 SOS"), "DQT SOF0 DHT SOS");
        let t = [[1u16; 64], [2; 64], [2; 64]];
        assert!(table_set("DQT3 SOF0 SOS", &t)
            .unwrap()
            .starts_with("three tables"));
        assert!(table_set("DQT3 SOF0 SOS", &t[..2])
            .unwrap()
            .contains("no component"));
        assert_eq!(table_set("DQT2 SOF0 SOS", &t[..2]), None);
    }

    #[test]
    fn a_maker_is_named_from_traits_alone() {
        // A file laid out and scaled like the Fujifilm entries (three tables, DC
        // quantizer fixed, truncated scaling) but with a scale no entry has.
        let mut l: [u16; 64] =
            std::array::from_fn(|i| ((ANNEX_K_LUMA[i] as f64 * 0.45) as u16).max(1));
        let mut c: [u16; 64] =
            std::array::from_fn(|i| ((ANNEX_K_CHROMA[i] as f64 * 0.45) as u16).max(1));
        l[0] = 4;
        c[0] = 4;
        let st = Structure {
            tables: vec![l, c, c],
            slots: Vec::new(),
            layout: "DQT1 DQT1 DQT1 SOF0 DHT1 DHT1 DHT1 DHT1 SOS".into(),
            sampling: "2x1,1x1,1x1".into(),
            huffman: "std",
            restart: 0,
            progressive: false,
        };
        let m = score_makers(&st, &|_| true, &|_| true);
        assert_eq!(m[0].maker, "Fujifilm", "{m:?}");
        assert!(m[0].evidence.iter().any(|e| e.contains("DC quantizer")));
    }

    #[test]
    fn transposed_tables_have_the_traits_of_the_tables_turned_back() {
        // Annex K scaled by 70/256, rounded up: a firmware-style table set (not IJG's).
        let scale = |b: &[u16; 64]| b.map(|v| (u32::from(v) * 70).div_ceil(256) as u16);
        let tables = [scale(&ANNEX_K_LUMA), scale(&ANNEX_K_CHROMA)];
        let turned = [transpose(&tables[0]), transpose(&tables[1])];
        let a = traits("DQT2 SOF0 DHT4 SOS", "2x1,1x1,1x1", "std", &tables);
        // Rotated by a program that rewrote the segments and optimized the Huffman
        // tables: those are not the firmware's, and the sampling is exchanged back.
        let b = traits("DQT SOF0 DHT SOS", "1x2,1x1,1x1", "opt", &turned);
        let kinds = [TraitKind::Layout, TraitKind::Order, TraitKind::Huffman];
        let firmware: Vec<&Trait> = a
            .values
            .iter()
            .filter(|t| !kinds.contains(&t.kind))
            .collect();
        assert_eq!(firmware, b.values.iter().collect::<Vec<_>>());
        assert_eq!(a.own_luma, b.own_luma);
        assert!(
            a.values.iter().any(|t| t.kind == TraitKind::JointScale),
            "{a:?}"
        );
    }
}
