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
//! [`snoop_digest`]), and ExifTool's JPEGDigest does the same with another digest (see
//! [`exiftool_digests`]), and GIMP's jpegqual with a 32-bit hash (see [`gimp_hash`]).
//! Those entries live in `published_digests.tsv`, again in the same format, with
//! `md5 DIGEST DIGEST` (JPEGsnoop: the tables as published, then transposed),
//! `exiftool DIGEST SAMPLING` or `gimp HASH SAMPLING` in place of the tables; only sets
//! the table file does not already hold are listed.

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
    /// For an entry published as a digest only: that digest.
    pub digest: Option<PublishedDigest>,
}

/// How a reference that lists tables by a digest of them spells an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishedDigest {
    /// JPEGsnoop's signature ([`snoop_digest`]) of the tables as published, then of
    /// the same tables transposed.
    Snoop([u8; 16], [u8; 16]),
    /// ExifTool's JPEGDigest ([`exiftool_digests`]) and the sampling it is listed
    /// with, ExifTool's way: each component's sampling byte in two hex digits
    /// ("211111" is 2x1,1x1,1x1).
    ExifTool([u8; 16], &'static str),
    /// GIMP's jpegqual hash ([`gimp_hash`]) and the first component's sampling it is
    /// listed with ("2x1").
    Gimp(u32, &'static str),
}

impl PublishedDigest {
    /// The reference that lists digests of this kind.
    pub fn lister(self) -> &'static str {
        match self {
            PublishedDigest::Snoop(..) => "JPEGsnoop's database",
            PublishedDigest::ExifTool(..) => "ExifTool's JPEGDigest",
            PublishedDigest::Gimp(..) => "GIMP's jpegqual",
        }
    }

    /// What the reference computes over the tables.
    pub fn kind(self) -> &'static str {
        match self {
            PublishedDigest::Snoop(..) | PublishedDigest::ExifTool(..) => "MD5 digest",
            PublishedDigest::Gimp(..) => "32-bit hash",
        }
    }
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

/// ExifTool's JPEGDigest of a file's quantization tables: the MD5 of the DQT segments'
/// contents (each after its length field: Pq/Tq bytes and values in zig-zag order,
/// T.81 B.2.4.1), in destination order, joined by one zero byte. `slots` does not keep
/// how the file split its tables into segments (a camera writes one segment with every
/// table, or one per table), so this returns the digest of every split of the slot
/// sequence into consecutive segments, the one-segment split first.
pub fn exiftool_digests(slots: &[(u8, [u16; 64])]) -> Vec<[u8; 16]> {
    use md5::{Digest, Md5};
    let tables: Vec<Vec<u8>> = slots.iter().map(|(n, t)| dqt_bytes(*n, t)).collect();
    if tables.is_empty() {
        return Vec::new();
    }
    // Bit i of `cuts` set: a new segment starts before table i + 1.
    let splits = 1u32 << (tables.len() - 1);
    (0..splits)
        .map(|cuts| {
            let mut text = Vec::with_capacity(tables.len() * 130);
            for (i, t) in tables.iter().enumerate() {
                if i > 0 && cuts & (1 << (i - 1)) != 0 {
                    text.push(0);
                }
                text.extend_from_slice(t);
            }
            Md5::digest(&text).into()
        })
        .collect()
}

/// GIMP's jpegqual hash of a file's quantization tables: starting from 11, each value of
/// each defined DQT destination (slot order, natural order within a table) is added to
/// the hash times 4177, modulo 2^32. `slots` as for [`snoop_digest`].
pub fn gimp_hash(slots: &[(u8, [u16; 64])]) -> u32 {
    slots
        .iter()
        .flat_map(|(_, t)| t.iter())
        .fold(11u32, |h, &v| {
            h.wrapping_mul(4177).wrapping_add(u32::from(v))
        })
}

/// One table as a DQT segment stores it: Pq/Tq, then the values in zig-zag order (16-bit
/// big-endian when a value needs it).
fn dqt_bytes(slot: u8, t: &[u16; 64]) -> Vec<u8> {
    let wide = t.iter().any(|&v| v > 255);
    let mut out = vec![u8::from(wide) << 4 | slot];
    for &k in &crate::coeffs::ZIGZAG {
        if wide {
            out.extend_from_slice(&t[k].to_be_bytes());
        } else {
            out.push(t[k] as u8);
        }
    }
    out
}

/// ExifTool's spelling of a file's sampling ("2x1,1x1,1x1" is "211111"), and of the
/// same sampling with H and V exchanged, as a transposing transform leaves it.
pub fn exiftool_sampling(sampling: &str) -> (String, String) {
    let mut plain = String::new();
    let mut turned = String::new();
    for c in sampling.split(',') {
        let (h, v) = c.split_once('x').unwrap_or(("", ""));
        plain.push_str(&format!("{h}{v}"));
        turned.push_str(&format!("{v}{h}"));
    }
    (plain, turned)
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
        digest: None,
    };
    if let Some(hex) = tables.strip_prefix("md5 ") {
        let (a, b) = hex.split_once(' ')?;
        entry.digest = Some(PublishedDigest::Snoop(parse_digest(a)?, parse_digest(b)?));
        return Some(entry);
    }
    if let Some(rest) = tables.strip_prefix("exiftool ") {
        let (d, sampling) = rest.split_once(' ')?;
        let ok = sampling.len() % 2 == 0 && sampling.bytes().all(|b| b.is_ascii_hexdigit());
        entry.digest = Some(PublishedDigest::ExifTool(parse_digest(d)?, sampling));
        return ok.then_some(entry);
    }
    if let Some(rest) = tables.strip_prefix("gimp ") {
        let (h, sampling) = rest.split_once(' ')?;
        let ok = h.len() == 8 && sampling.split_once('x').is_some();
        let hash = u32::from_str_radix(h, 16).ok()?;
        entry.digest = Some(PublishedDigest::Gimp(hash, sampling));
        return ok.then_some(entry);
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
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        // A number of one to three digits, ended by a space or the end.
        let mut v = 0u16;
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            v = v * 10 + u16::from(bytes[i] - b'0');
            i += 1;
            if i - start > 3 {
                return None;
            }
        }
        let ended = i == bytes.len() || bytes[i].is_ascii_whitespace();
        if i == start || !ended || n == 64 || !(1..=255).contains(&v) {
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
    fn a_table_is_64_numbers_from_1_to_255() {
        let nums = |n: usize, v: &str| vec![v; n].join(" ");
        assert_eq!(parse_table(&nums(64, "7")), Some([7; 64]));
        assert_eq!(
            parse_table(&format!("  {}\t ", nums(64, "255"))),
            Some([255; 64])
        );
        for bad in [
            nums(63, "7"),
            nums(65, "7"),
            nums(64, "0"),
            nums(64, "256"),
            nums(64, "0007"),
            nums(64, "7a"),
            format!("{} -1", nums(63, "7")),
        ] {
            assert_eq!(parse_table(&bad), None, "{bad}");
        }
    }

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
            digest: None,
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

    #[test]
    fn the_exiftool_digest_is_exiftools_jpegdigest() {
        use super::super::quality::{ijg_table, ANNEX_K_CHROMA, ANNEX_K_LUMA};
        // ExifTool lists libjpeg at quality 75 (one DQT segment per table) as 2851eea5…
        let ijg = [
            ijg_table(&ANNEX_K_LUMA, 75, true),
            ijg_table(&ANNEX_K_CHROMA, 75, true),
        ];
        let d = exiftool_digests(&slots(&ijg));
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[1],
            parse_digest("2851eea5e15f1b977c1496a77c884b4f").unwrap()
        );
        // … and the Canon EOS 30D/40D/50D/300D at "Normal" (one segment, 2x1 sampling) as
        // a92912eb…: the tables published for the EOS 10D at "norm".
        let canon = published_tables()
            .iter()
            .find(|p| p.models == "EOS 10D" && p.quality == "norm")
            .expect("published EOS 10D tables");
        let d = exiftool_digests(&slots(&canon.tables));
        assert_eq!(
            d[0],
            parse_digest("a92912eb3c81e5c873d49433264af842").unwrap()
        );
        assert_eq!(exiftool_digests(&[]), Vec::<[u8; 16]>::new());
        assert_eq!(exiftool_digests(&slots(&[ijg[0], ijg[1], ijg[1]])).len(), 4);
        let (plain, turned) = exiftool_sampling("2x1,1x1,1x1");
        assert_eq!((plain.as_str(), turned.as_str()), ("211111", "121111"));
    }

    #[test]
    fn the_gimp_hash_is_jpegquals() {
        use super::super::quality::{ijg_table, ANNEX_K_CHROMA, ANNEX_K_LUMA};
        // jpegqual lists libjpeg at quality 75 as 0x10b035e9 and at 50 as 0xe0f48a64 …
        let ijg = |q| {
            [
                ijg_table(&ANNEX_K_LUMA, q, true),
                ijg_table(&ANNEX_K_CHROMA, q, true),
            ]
        };
        assert_eq!(gimp_hash(&slots(&ijg(75))), 0x10b0_35e9);
        assert_eq!(gimp_hash(&slots(&ijg(50))), 0xe0f4_8a64);
        // … and the Canon EOS 10D at "Normal" as 0x00474eb0: the tables published for
        // it at "norm".
        let canon = published_tables()
            .iter()
            .find(|p| p.models == "EOS 10D" && p.quality == "norm")
            .expect("published EOS 10D tables");
        assert_eq!(gimp_hash(&slots(&canon.tables)), 0x0047_4eb0);
        assert_eq!(gimp_hash(&[]), 11);
    }

    /// Every entry whose tables were recovered from GIMP's list hashes, in the slots
    /// a camera writing them defines, to a hash that list gives (read from jpegqual.c).
    #[test]
    fn gimp_entries_reproduce_the_listed_hashes() {
        const LISTED: &[u32] = &[
            0x8db0_61f0,
            0xee34_4795,
            0x748a_8379,
            0xa852_55cd,
            0x0164_06e0,
            0x8a62_bf3c,
            0xc310_8c99,
            0xc6f4_7fa4,
            0xb928_4f39,
            0x94e9_6153,
            0xf524_688a,
            0x5e5e_4237,
            0x2e94_a836,
            0xdd95_7ed4,
            0x4147_561e,
            0x91d0_18a3,
            0x954e_e70e,
            0xd596_795e,
            0x98fb_09fc,
            0xfbb8_8fb8,
            0x5fa5_7f78,
            0x85b9_7881,
            0x1a85_6066,
            0xdf07_74bd,
            0xe2fd_6fb9,
            0xf60d_c348,
            0xe981_4c86,
            0xc298_e887,
            0x5ded_ca50,
            0x3fad_5c43,
            0x354e_610a,
        ];
        let gimp = published_tables()
            .iter()
            .chain(published_software())
            .filter(|p| p.source.contains("GNOME/gimp") && p.digest.is_none());
        let mut seen = Vec::new();
        for p in gimp {
            let h = gimp_hash(&slots(&p.tables));
            assert!(LISTED.contains(&h), "{} {}: {h:08x}", p.maker, p.models);
            seen.push(h);
        }
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), LISTED.len());
    }

    /// Every table entry recovered from a digest list (JPEGsnoop's or ExifTool's) has,
    /// in the slots a camera writing it defines, a digest that list gives (read from the
    /// lists named by the sources; ExifTool's with every table in one DQT segment).
    #[test]
    fn recovered_entries_reproduce_the_listed_digests() {
        const SNOOP: &[&str] = &[
            "01A464CBA79019D90DB72915151295A4",
            "010F0CB84C835BB4FCCCF6EE02335430",
            "0123352933C37236F67F03EB6B0E3A91",
            "01605B36C27A91863BAE84A614E5A6E4",
            "01336A7453832F56E158AFBA35CCCE6A",
            "01094BA340F15215478EA7244B41C831",
        ];
        const EXIFTOOL: &[&str] = &[
            "1027a4af6a2a07e58bbd6df5b197d44e",
            "17a77c2574ff5b72b3284f57977187f3",
            "8f70e4a31ad4584043ddc655eca17e89",
            "a64569d6387a118992e44e41aaeac27e",
            "0a953ba56b59fa0bbbdac0162ea1c96b",
            "4e7f4e5cd15f4fc089ab25890619dc60",
            "6518270228fd20730740a08cc8a171f6",
            "72bce7df55635509eb6468fc6406941d",
            "9282a1cec6bbd1232b3673091164d43d",
            "dca5476d81d0ceca97f480fecd09b23c",
            "f90135fcff0e1720dda86e9ad718c0c0",
            "5ee766b90badc8fed5a5386e78a80783",
            "d528fac9b63536ff52041745945dcb09",
            "0ac5cb651c496369d0e924ae070b7c53",
            "1068be028c278941bd8abf3b0021655e",
            "353bf09900feb764885329e7bebfd95e",
            "27297008a89ee49804f0859ea6435878",
            "5a74f09fb2586fa000c42e98e3b9f2d8",
            "0867bdf854d1fbb141411de518a66ba6",
            "f74b3853185743c111ccb13e6febdc21",
            "17cb779485969589a5c7eb07a5d53247",
            "72cdcc91e3ddc2c3d17c20173b75c5ef",
            "ea2f997a0261bab501bf122b04cbc859",
            "6686cddc46088f0987e7476861fbfb47",
            "5910b8431fdd8ab93ce258f366c4b867",
            "c8bfcc60aeec937300405f59373be4ef",
        ];
        let listed =
            |l: &[&str]| -> Vec<[u8; 16]> { l.iter().map(|d| parse_digest(d).unwrap()).collect() };
        let (snoop, exif) = (listed(SNOOP), listed(EXIFTOOL));
        let mut n = 0;
        for p in published_tables() {
            let s = slots(&p.tables);
            if p.source.contains("JPEGsnoop") {
                assert!(snoop.contains(&snoop_digest(&s)), "{}", p.models);
            } else if p.source.contains("exiftool") {
                assert!(exif.contains(&exiftool_digests(&s)[0]), "{}", p.models);
            } else {
                continue;
            }
            n += 1;
        }
        assert_eq!(n, SNOOP.len() + EXIFTOOL.len());
    }

    /// The rules the digest file was made by: no entry is an IJG scaling of the Annex K
    /// tables (it would name a camera for every libjpeg file), a program's published
    /// tables, or a set the table file holds already (GIMP entries: nor a corpus
    /// signature's).
    #[test]
    fn digest_entries_are_no_rule_program_or_listed_set() {
        use super::super::quality::{ijg_table, ANNEX_K_CHROMA, ANNEX_K_LUMA};
        let mut known: Vec<[u8; 16]> = Vec::new();
        let mut known_gimp: Vec<u32> = Vec::new();
        let mut add = |t: &[[u16; 64]]| {
            let mut sets = vec![t.to_vec()];
            if t.len() == 2 {
                sets.push(vec![t[0], t[1], t[1]]);
            }
            for s in sets {
                let turned: Vec<_> = s.iter().map(transpose).collect();
                for s in [&s, &turned] {
                    known.push(snoop_digest(&slots(s)));
                    known.extend(exiftool_digests(&slots(s)));
                    known_gimp.push(gimp_hash(&slots(s)));
                }
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
        for sig in super::super::signatures::SIGNATURES {
            add(&sig.parsed_tables());
        }
        let all = published_digests();
        let count = |f: fn(&PublishedDigest) -> bool| {
            all.iter()
                .filter(|p| p.digest.as_ref().is_some_and(f))
                .count()
        };
        assert!(count(|d| matches!(d, PublishedDigest::Snoop(..))) >= 10);
        assert!(count(|d| matches!(d, PublishedDigest::ExifTool(..))) >= 20);
        assert!(count(|d| matches!(d, PublishedDigest::Gimp(..))) >= 5);
        let programs = published_software().iter().filter(|p| p.digest.is_some());
        assert!(programs.clone().count() >= 8);
        for p in all.iter().chain(programs) {
            let ds = match p.digest.expect("a digest entry") {
                PublishedDigest::Snoop(a, b) => vec![a, b],
                PublishedDigest::ExifTool(d, _) => vec![d],
                PublishedDigest::Gimp(h, _) => {
                    assert!(!known_gimp.contains(&h), "{} {}", p.maker, p.models);
                    continue;
                }
            };
            for d in ds {
                assert!(!known.contains(&d), "{} {}", p.maker, p.models);
            }
        }
    }
}
