//! Published camera quantization tables: (maker, models, quality setting, the tables)
//! as public references list them, each with the address it was read from. Unlike
//! [`super::signatures`], these entries do not come from corpus files, so they stay in
//! when a test leaves a corpus file's own signature out: they measure how
//! identification generalises to camera files the project has not seen.
//!
//! Tables are facts (64 quantizer values each). The data lives in
//! `published_tables.tsv` beside this file, one entry per line, tables in natural
//! (row-major) order as T.81 B.2.4.1 defines the quantizer positions after undoing the
//! zig-zag sequence of Figure A.6 (references that list a table in zig-zag order are
//! converted when the data file is made). Entries that several models share are
//! merged into one line naming all of them. The format:
//!
//! ```text
//! @source KEY URL                  (declares where entries marked KEY were read)
//! maker<TAB>models<TAB>quality<TAB>KEY<TAB>table | table [| table]
//! ```
//!
//! The first table is the luminance table (component 1), the next the chrominance
//! table (component 2) and a third, when present, the table of component 3; a single
//! table is a luminance table published alone.
//!
//! Programs' published tables (Photoshop's Save As and Save for Web levels, Apple's
//! ImageIO) live in `published_software.tsv` in the same format, "models" naming the
//! program and "quality" the setting.
//!
//! Some references publish a signature of the tables instead of the tables:
//! JPEGsnoop's database lists camera models by an MD5 digest of their DQT tables (see
//! [`snoop_digest`]). Those entries live in `published_digests.tsv`, again in the same
//! format, with `md5 DIGEST DIGEST` (the tables as published, then transposed) in
//! place of the tables; only sets the table file does not already hold are listed.

use super::quality::transpose;
use std::sync::OnceLock;

/// One published camera table set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedTable {
    /// Canonical maker ("Canon"), as [`super::identify::canonical_maker`] spells it.
    pub maker: &'static str,
    /// Models the reference lists with these tables, comma-separated.
    pub models: &'static str,
    /// Quality setting the reference names ("fine", "superfine"), or "".
    pub quality: &'static str,
    /// Where the tables were read.
    pub source: &'static str,
    /// Luminance table first, then chrominance (and a third component's), natural
    /// order. Empty for an entry published as a digest.
    pub tables: Vec<[u16; 64]>,
    /// For an entry published as a digest only: the [`snoop_digest`] of its tables as
    /// published, then of the same tables transposed.
    pub digests: Vec<[u8; 16]>,
}

impl PublishedTable {
    /// Whether `file` (a file's distinct tables, component order) equals these tables:
    /// the first the luminance table, every later one the table published for that
    /// position (the last published table for positions beyond it, as a Cr component
    /// sharing the Cb table). `None` when the luminance table differs; `Some(true)`
    /// when every table matches, `Some(false)` when only the luminance table does.
    pub fn matches(
        &self,
        file: &[[u16; 64]],
        orient: impl Fn(&[u16; 64]) -> [u16; 64],
    ) -> Option<bool> {
        let first = file.first()?;
        if orient(first) != *self.tables.first()? {
            return None;
        }
        if self.tables.len() == 1 {
            return Some(file.len() == 1);
        }
        let all = file.iter().enumerate().skip(1).all(|(i, t)| {
            let want = &self.tables[i.min(self.tables.len() - 1)];
            orient(t) == *want
        });
        Some(all)
    }

    /// As [`PublishedTable::matches`], with the file's tables as they are and transposed
    /// (a lossless 90°/270° rotation transposes each table), a full match preferred:
    /// whether every table matches, and whether transposed.
    pub fn matches_either_way(&self, file: &[[u16; 64]]) -> Option<(bool, bool)> {
        let try_way = |tr: bool| {
            let orient = |t: &[u16; 64]| if tr { transpose(t) } else { *t };
            self.matches(file, orient).map(|all| (all, tr))
        };
        let (plain, turned) = (try_way(false), try_way(true));
        match (plain, turned) {
            (Some((false, _)), Some((true, _))) => turned,
            _ => plain.or(turned),
        }
    }

    /// Model list and quality setting in words, e.g. "Canon PowerShot A40, fine".
    pub fn describe(&self) -> String {
        let mut s = format!("{} {}", self.maker, self.models);
        if !self.quality.is_empty() {
            s.push_str(", ");
            s.push_str(self.quality);
        }
        s
    }
}

const DATA: &str = include_str!("published_tables.tsv");
const SOFTWARE: &str = include_str!("published_software.tsv");
const DIGESTS: &str = include_str!("published_digests.tsv");

/// Every published camera entry (parsed once; lines that do not parse are skipped, and
/// the unit test below requires that there are none).
pub fn published_tables() -> &'static [PublishedTable] {
    static ALL: OnceLock<Vec<PublishedTable>> = OnceLock::new();
    ALL.get_or_init(|| parse_data(DATA).0)
}

/// Every published program entry (maker, program, setting).
pub fn published_software() -> &'static [PublishedTable] {
    static ALL: OnceLock<Vec<PublishedTable>> = OnceLock::new();
    ALL.get_or_init(|| parse_data(SOFTWARE).0)
}

/// Every camera entry published as a digest of its tables (see [`snoop_digest`]).
pub fn published_digests() -> &'static [PublishedTable] {
    static ALL: OnceLock<Vec<PublishedTable>> = OnceLock::new();
    ALL.get_or_init(|| parse_data(DIGESTS).0)
}

/// JPEGsnoop's signature of a file's quantization tables: the MD5 of the text
/// `JPEGsnoop`, then for each defined DQT destination in slot order `*DQTn,` and its 64
/// values in natural order as three-digit decimals each followed by a comma, then
/// `*END`; the digest's first byte is replaced by the signature version, 1. `slots`
/// holds the tables in force, each with its destination (0–3), in slot order.
pub fn snoop_digest(slots: &[(u8, [u16; 64])]) -> [u8; 16] {
    use md5::{Digest, Md5};
    let mut text = String::with_capacity(16 + slots.len() * 270);
    text.push_str("JPEGsnoop");
    for (slot, t) in slots {
        text.push_str(&format!("*DQT{slot},"));
        for v in t {
            text.push_str(&format!("{v:03},"));
        }
    }
    text.push_str("*END");
    let mut d: [u8; 16] = Md5::digest(text.as_bytes()).into();
    d[0] = 1;
    d
}

/// Parses the data file: the entries, and the numbers of the lines that did not parse.
fn parse_data(data: &'static str) -> (Vec<PublishedTable>, Vec<usize>) {
    let mut sources: Vec<(&str, &'static str)> = Vec::new();
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (n, line) in data.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("@source ") {
            match rest.split_once(' ') {
                Some((key, url)) => sources.push((key, url.trim())),
                None => bad.push(n + 1),
            }
            continue;
        }
        match parse_entry(line, &sources) {
            Some(e) => out.push(e),
            None => bad.push(n + 1),
        }
    }
    (out, bad)
}

fn parse_entry(line: &'static str, sources: &[(&str, &'static str)]) -> Option<PublishedTable> {
    let f: Vec<&'static str> = line.split('\t').collect();
    let [maker, models, quality, key, tables] = f.as_slice() else {
        return None;
    };
    let source = sources.iter().find(|(k, _)| k == key)?.1;
    let mut entry = PublishedTable {
        maker,
        models,
        quality,
        source,
        tables: Vec::new(),
        digests: Vec::new(),
    };
    if let Some(hex) = tables.strip_prefix("md5 ") {
        entry.digests = hex.split(' ').map(parse_digest).collect::<Option<_>>()?;
        return (entry.digests.len() == 2).then_some(entry);
    }
    entry.tables = tables.split('|').map(parse_table).collect::<Option<_>>()?;
    (1..=3).contains(&entry.tables.len()).then_some(entry)
}

/// 32 hexadecimal digits.
fn parse_digest(s: &str) -> Option<[u8; 16]> {
    if s.len() != 32 || !s.is_ascii() {
        return None;
    }
    let mut d = [0u8; 16];
    for (i, b) in d.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(d)
}

/// 64 numbers 1–255 separated by spaces (parsed by hand: the data file is read on every
/// run that identifies a file).
fn parse_table(s: &str) -> Option<[u16; 64]> {
    let mut t = [0u16; 64];
    let mut n = 0;
    for word in s.split_ascii_whitespace() {
        if n == 64 || word.len() > 3 {
            return None;
        }
        let mut v = 0u16;
        for b in word.bytes() {
            if !b.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u16::from(b - b'0');
        }
        if !(1..=255).contains(&v) {
            return None;
        }
        t[n] = v;
        n += 1;
    }
    (n == 64).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_parses_and_is_sourced() {
        for (data, camera) in [(DATA, true), (SOFTWARE, false), (DIGESTS, true)] {
            let (all, bad) = parse_data(data);
            assert!(bad.is_empty(), "lines that do not parse: {bad:?}");
            assert!(!all.is_empty());
            for p in &all {
                assert!(p.source.starts_with("https://"), "{}", p.models);
                if camera {
                    assert_eq!(super::super::identify::canonical_maker(p.maker), p.maker);
                }
                assert!(!p.models.is_empty());
            }
        }
    }

    #[test]
    fn matching_rules() {
        let l = [2u16; 64];
        let c = [3u16; 64];
        let p = PublishedTable {
            maker: "Canon",
            models: "X",
            quality: "",
            source: "https://example.org",
            tables: vec![l, c],
            digests: Vec::new(),
        };
        let id = |t: &[u16; 64]| *t;
        assert_eq!(p.matches(&[l, c], id), Some(true));
        assert_eq!(p.matches(&[l, c, c], id), Some(true));
        assert_eq!(p.matches(&[l, l], id), Some(false));
        assert_eq!(p.matches(&[c, c], id), None);
        let alone = PublishedTable {
            tables: vec![l],
            ..p
        };
        assert_eq!(alone.matches(&[l], id), Some(true));
        assert_eq!(alone.matches(&[l, c], id), Some(false));
    }

    /// Slots 0, 1 (and 2) holding `tables`, as a camera writing them defines them.
    fn slots(tables: &[[u16; 64]]) -> Vec<(u8, [u16; 64])> {
        (0u8..).zip(tables.iter().copied()).collect()
    }

    #[test]
    fn the_digest_is_jpegsnoops_signature() {
        // JPEGsnoop lists the Canon PowerShot A40 (and many PowerShot and IXUS models)
        // at "fine" with signature 01A84EC0…, and the transposed tables as 01A9B171….
        // The same tables are published in full for those models.
        let want = parse_digest("01A84EC0DDFAE937A0336DB825C85028").unwrap();
        let want_tr = parse_digest("01A9B171AA8560DD8EA55A93D29361E4").unwrap();
        let canon = published_tables()
            .iter()
            .find(|p| p.models.split("; ").any(|m| m == "PowerShot A95") && p.quality == "fine")
            .expect("published PowerShot fine tables");
        assert_eq!(snoop_digest(&slots(&canon.tables)), want);
        let turned: Vec<_> = canon.tables.iter().map(transpose).collect();
        assert_eq!(snoop_digest(&slots(&turned)), want_tr);
    }

    /// The rules the digest file was made by: no entry is an IJG scaling of the Annex K
    /// tables (it would name a camera for every libjpeg file), a program's published
    /// tables, or a set the table file holds already.
    #[test]
    fn digest_entries_are_no_rule_program_or_listed_set() {
        use super::super::quality::{ijg_table, ANNEX_K_CHROMA, ANNEX_K_LUMA};
        let mut known: Vec<[u8; 16]> = Vec::new();
        let mut add = |t: &[[u16; 64]]| {
            let mut sets = vec![t.to_vec()];
            if t.len() == 2 {
                sets.push(vec![t[0], t[1], t[1]]);
            }
            for s in sets {
                known.push(snoop_digest(&slots(&s)));
                let turned: Vec<_> = s.iter().map(transpose).collect();
                known.push(snoop_digest(&slots(&turned)));
            }
        };
        for q in 1..=100u8 {
            for baseline in [false, true] {
                let l = ijg_table(&ANNEX_K_LUMA, q, baseline);
                let c = ijg_table(&ANNEX_K_CHROMA, q, baseline);
                add(&[l]);
                add(&[l, c]);
            }
        }
        for p in published_tables().iter().chain(published_software()) {
            add(&p.tables);
        }
        let all = published_digests();
        assert!(all.len() >= 20, "{}", all.len());
        for p in all {
            for d in &p.digests {
                assert!(!known.contains(d), "{} {}", p.maker, p.models);
            }
        }
    }
}
