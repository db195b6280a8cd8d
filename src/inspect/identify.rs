//! Which encoder or camera wrote the file: a ranked list of candidates, each with a
//! confidence and the evidence behind it, all read from the file itself.
//!
//! Evidence, strongest first: the quantization tables (exact matches against
//! [`super::signatures`] and the published camera tables of
//! [`super::published_tables`], also transposed; the IJG and mozjpeg scaling rules), the
//! metadata that states a setting (Photoshop APP13 quality, APP12 Ducky "Save for
//! Web" quality), Exif Make/Model/Software and XMP CreatorTool, then the layout of the
//! table segments (one table per DQT/DHT segment as libjpeg writes them, or combined),
//! sampling factors, Huffman tables (standard or optimized), restart interval,
//! progressive scans, JFIF/Adobe APP segments and data after EOI.
//!
//! Scores are additive and ad hoc but documented: an exact table match of a listed
//! signature is worth 0.85, of a rule (IJG) 0.8, a matching segment layout 0.10, and
//! so on (see the constants below); the confidence is the score clamped to 0.01–0.99.
//! The maker traits' sums are calibrated (see `maker_model`): on models nothing lists,
//! a maker named at a confidence is right about that often (tests/identify.rs).

use super::evidence;
use super::maker_model::shape_distance;
use super::meta::MetaDetails;
use super::published_tables::{
    exiftool_digests, exiftool_sampling, gimp_hash, published_digests, published_software,
    published_tables, snoop_digest, PublishedDigest, PublishedTable,
};
use super::quality::{ijg_table, transpose, QualityReport};
use super::signatures::{Signature, SourceKind, SIGNATURES};
use super::Report;
use crate::container::MetaClass;
use serde::Serialize;

/// Score of an exact match of all tables with a listed signature.
const EXACT: f64 = 0.85;
/// Score of an exact match of the first (luminance) table only.
const LUMA_ONLY: f64 = 0.55;
/// Score of a camera signature whose tables are plain IJG tables (shared by many
/// encoders, so weak evidence of that camera).
const GENERIC_CAMERA: f64 = 0.45;
/// Score of an IJG-rule match.
const IJG_RULE: f64 = 0.8;
/// Score of a mozjpeg-rule match.
const MOZ_RULE: f64 = 0.9;
/// Score of a file whose tables equal a published camera table pair (no layout,
/// sampling or Huffman facts are published with them, so no further bonus applies).
const PUBLISHED: f64 = 0.85;
/// Score of tables with the same shape as a signature's (scaled by a common factor),
/// times the similarity (1 for the same shape, 0 at a mean log difference of
/// [`SHAPE_SCALE`]).
const SHAPE: f64 = 0.3;
/// Mean absolute log difference (after removing the common scale) at which two tables
/// count as unrelated.
const SHAPE_SCALE: f64 = 0.3;
/// Bonus when the segment layout equals the signature's.
const LAYOUT: f64 = 0.10;
/// Bonus when the sampling factors are equal.
const SAMPLING: f64 = 0.04;
/// Bonus when the Huffman choice (standard/optimized) is equal.
const HUFFMAN: f64 = 0.03;

/// One candidate source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// What wrote the file, e.g. "libjpeg/IJG-compatible encoder, quality 92".
    pub name: String,
    /// "camera" or "software".
    pub kind: SourceKind,
    /// Canonical maker ("Canon", "Adobe", "IJG").
    pub maker: String,
    /// 0.01–0.99.
    pub confidence: f64,
    /// Why, one fact per line.
    pub evidence: Vec<String>,
}

/// The identification part of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Identification {
    /// Candidates, most likely first (at most 6).
    pub candidates: Vec<Candidate>,
    /// Facts that disagree (e.g. Exif names a camera but the tables are an editor's).
    pub contradictions: Vec<String>,
    /// One line: the best candidate and its confidence, or "unknown".
    pub summary: String,
}

/// Canonical maker name from an Exif Make string ("NIKON CORPORATION" → "Nikon",
/// "Asahi Optical Co.,Ltd." → "Pentax", "JK Imaging, Ltd." → "Kodak").
pub fn canonical_maker(make: &str) -> String {
    let m = make.trim().to_ascii_lowercase();
    const MAP: &[(&str, &str)] = &[
        ("nikon", "Nikon"),
        ("kodak", "Kodak"),
        ("jk imaging", "Kodak"),
        ("olympus", "Olympus"),
        ("om digital", "Olympus"),
        ("asahi", "Pentax"),
        ("pentax", "Pentax"),
        ("ricoh imaging", "Pentax"),
        ("konica", "Konica Minolta"),
        ("minolta", "Konica Minolta"),
        ("samsung", "Samsung"),
        ("hewlett", "HP"),
        ("fujifilm", "Fujifilm"),
        ("fuji photo", "Fujifilm"),
        ("sony", "Sony"),
        ("canon", "Canon"),
        ("panasonic", "Panasonic"),
        ("casio", "Casio"),
        ("ricoh", "Ricoh"),
        ("caplio", "Ricoh"),
        ("sanyo", "Sanyo"),
        ("apple", "Apple"),
        ("google", "Google"),
        ("nokia", "Nokia"),
        ("nintendo", "Nintendo"),
        ("htc", "HTC"),
        ("jvc", "JVC"),
        ("flir", "FLIR"),
        ("reconyx", "Reconyx"),
        ("lg ", "LG"),
        ("lge", "LG"),
        ("xiaomi", "Xiaomi"),
        ("huawei", "Huawei"),
        ("oneplus", "OnePlus"),
        ("leica", "Leica"),
        ("sigma", "Sigma"),
        ("motorola", "Motorola"),
        ("kyocera", "Kyocera"),
        ("polaroid", "Polaroid"),
        ("wwl", "Polaroid"),
        ("epson", "Epson"),
        ("toshiba", "Toshiba"),
        ("sharp", "Sharp"),
        ("benq", "BenQ"),
        ("dji", "DJI"),
        ("gopro", "GoPro"),
    ];
    for (k, v) in MAP {
        if m.starts_with(k) || m.contains(&format!(" {k}")) {
            return (*v).to_string();
        }
    }
    for (k, v) in MAP {
        if m.contains(k.trim()) {
            return (*v).to_string();
        }
    }
    make.trim().to_string()
}

/// The structural facts of a file that signatures are compared on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Structure {
    /// Quantization tables in use, component order, each slot once.
    pub tables: Vec<[u16; 64]>,
    /// Every DQT destination defined before the first SOS, in slot order, with the
    /// table in force there (used or not: published digests cover all of them).
    pub slots: Vec<(u8, [u16; 64])>,
    /// Table-related markers up to the first SOS (see [`layout`]).
    pub layout: String,
    /// "HxV" per component, comma-separated.
    pub sampling: String,
    /// "std", "opt" or "none".
    pub huffman: &'static str,
    /// First restart interval (0: none).
    pub restart: u16,
    /// Progressive frame.
    pub progressive: bool,
}

/// The table-related markers up to and including the first SOS: SOFn, DRI, and each
/// DQT/DHT with the number of tables it defines ("DQT1 DQT1 SOF0 DHT1 DHT1 DHT1 DHT1 SOS"
/// is libjpeg's layout; "DQT2 SOF0 DHT4 SOS" a typical camera's).
pub fn layout(r: &Report) -> String {
    let mut out = Vec::new();
    for s in &r.segments {
        let m = s.marker.as_str();
        match m {
            "DQT" => {
                let n = r
                    .quant_tables
                    .iter()
                    .filter(|q| q.offset == s.offset)
                    .count();
                out.push(format!("DQT{n}"));
            }
            "DHT" => {
                let n = r
                    .huffman_tables
                    .iter()
                    .filter(|h| h.offset == s.offset)
                    .count();
                out.push(format!("DHT{n}"));
            }
            "DRI" => out.push("DRI".into()),
            "SOS" => {
                out.push("SOS".into());
                break;
            }
            m if m.starts_with("SOF") => out.push(m.into()),
            _ => {}
        }
    }
    out.join(" ")
}

/// The structure of a report.
pub fn structure(r: &Report) -> Structure {
    let first_sos = r.scans.first().map_or(usize::MAX, |s| s.offset);
    let mut tables = Vec::new();
    if let Some(f) = &r.frame {
        let mut seen = Vec::new();
        for c in &f.components {
            if seen.contains(&c.tq) {
                continue;
            }
            seen.push(c.tq);
            let defs: Vec<_> = r.quant_tables.iter().filter(|q| q.slot == c.tq).collect();
            let pick = defs
                .iter()
                .rev()
                .find(|q| q.offset < first_sos)
                .or(defs.first());
            if let Some(q) = pick {
                if let Ok(v) = <[u16; 64]>::try_from(q.values.as_slice()) {
                    tables.push(v);
                }
            }
        }
    }
    let mut slots: Vec<(u8, [u16; 64])> = Vec::new();
    for q in r.quant_tables.iter().filter(|q| q.offset < first_sos) {
        if let Ok(v) = <[u16; 64]>::try_from(q.values.as_slice()) {
            slots.retain(|(s, _)| *s != q.slot);
            slots.push((q.slot, v));
        }
    }
    slots.sort_by_key(|(s, _)| *s);
    let huffman = if r.huffman_tables.is_empty() {
        "none"
    } else if r.huffman_tables.iter().all(|h| h.standard.is_some()) {
        "std"
    } else {
        "opt"
    };
    Structure {
        tables,
        slots,
        layout: layout(r),
        sampling: r
            .frame
            .as_ref()
            .map(|f| f.sampling_factors.clone())
            .unwrap_or_default(),
        huffman,
        restart: r.restart_interval.first().map_or(0, |d| d.interval),
        progressive: r.frame.as_ref().is_some_and(|f| f.progressive),
    }
}

/// libjpeg's layout: every DQT and DHT segment holds one table, the DQTs come before
/// SOFn and the DHTs after it.
fn libjpeg_layout(layout: &str) -> bool {
    let toks: Vec<&str> = layout.split(' ').collect();
    let Some(sof) = toks.iter().position(|t| t.starts_with("SOF")) else {
        return false;
    };
    toks.iter().all(|t| !t.starts_with("DQT") || *t == "DQT1")
        && toks.iter().all(|t| !t.starts_with("DHT") || *t == "DHT1")
        && toks[..sof].iter().all(|t| t.starts_with("DQT"))
        && toks[sof + 1..]
            .iter()
            .all(|t| t.starts_with("DHT") || *t == "DRI" || *t == "SOS")
}

/// The table of the IJG rule with `base` tables equal to the file's tables at `q`,
/// either variant, plain or transposed.
fn rule_quality(tables: &[[u16; 64]], bases: &[&[u16; 64]]) -> Option<(u8, bool)> {
    if tables.is_empty() {
        return None;
    }
    for q in (1..=100u8).rev() {
        for clamp in [true, false] {
            for tr in [false, true] {
                let ok = tables.iter().enumerate().all(|(i, t)| {
                    let b = bases[i.min(bases.len() - 1)];
                    let s = ijg_table(b, q, clamp);
                    if tr {
                        transpose(&s) == *t
                    } else {
                        s == *t
                    }
                });
                if ok {
                    return Some((q, tr));
                }
            }
        }
    }
    None
}

/// The mozjpeg default table (N. Robidoux's, mozjpeg's table set 3), natural order.
pub const MOZJPEG_DEFAULT: [u16; 64] = [
    16, 16, 16, 18, 25, 37, 56, 85, //
    16, 17, 20, 27, 34, 40, 53, 75, //
    16, 20, 24, 31, 43, 62, 91, 135, //
    18, 27, 31, 40, 53, 74, 106, 156, //
    25, 34, 43, 53, 69, 94, 131, 189, //
    37, 40, 62, 74, 94, 124, 169, 238, //
    56, 53, 91, 106, 131, 169, 226, 311, //
    85, 75, 135, 156, 189, 238, 311, 418,
];

/// Candidates as they are collected, before merging.
struct Pending {
    key: String,
    name: String,
    kind: SourceKind,
    maker: String,
    score: f64,
    evidence: Vec<String>,
}

/// Metadata facts used as evidence.
#[derive(Default)]
struct MetaFacts {
    make: Option<String>,
    model: Option<String>,
    software: Option<String>,
    creator_tool: Option<String>,
    ps_quality: Option<i32>,
    ducky_quality: Option<u32>,
    jfif: Option<String>,
    adobe: bool,
    icc: Option<String>,
    app_order: Vec<String>,
    /// Exif PixelXDimension × PixelYDimension (both present and nonzero).
    exif_size: Option<(u32, u32)>,
}

fn meta_facts(r: &Report) -> MetaFacts {
    let mut f = MetaFacts::default();
    for m in &r.metadata {
        if m.marker != "COM" {
            let tag = match m.class {
                MetaClass::OtherApp => m.marker.clone(),
                c => format!("{}({c:?})", m.marker),
            };
            f.app_order.push(tag);
        }
        match &m.details {
            Some(MetaDetails::Exif(e)) => {
                f.make = f
                    .make
                    .take()
                    .or_else(|| e.make.clone().filter(|s| !s.trim().is_empty()));
                f.model = f
                    .model
                    .take()
                    .or_else(|| e.model.clone().filter(|s| !s.trim().is_empty()));
                f.software = f
                    .software
                    .take()
                    .or_else(|| e.software.clone().filter(|s| !s.trim().is_empty()));
                if let (Some(x), Some(y)) = (e.pixel_x_dimension, e.pixel_y_dimension) {
                    if x > 0 && y > 0 {
                        f.exif_size = f.exif_size.or(Some((x, y)));
                    }
                }
            }
            Some(MetaDetails::Xmp(x)) => {
                f.creator_tool = f.creator_tool.take().or_else(|| x.creator_tool.clone());
            }
            Some(MetaDetails::Photoshop(p)) => {
                if let Some(q) = &p.jpeg_quality {
                    f.ps_quality = Some(q.photoshop_quality);
                }
            }
            Some(MetaDetails::Ducky(d)) => f.ducky_quality = d.quality,
            Some(MetaDetails::Jfif(j)) => {
                f.jfif = Some(format!(
                    "JFIF {} density {}x{} {}",
                    j.version, j.x_density, j.y_density, j.units_name
                ))
            }
            Some(MetaDetails::Adobe(_)) => f.adobe = true,
            Some(MetaDetails::Icc(c)) => {
                if let Some(d) = c.profile.as_ref().and_then(|p| p.description.clone()) {
                    f.icc = Some(d);
                }
            }
            _ => {}
        }
    }
    f
}

/// Known editors and converters named in Exif Software / XMP CreatorTool: (substring,
/// maker, product).
const EDITORS: &[(&str, &str, &str)] = &[
    ("photoshop lightroom", "Adobe", "Lightroom"),
    ("lightroom", "Adobe", "Lightroom"),
    ("photoshop album", "Adobe", "Photoshop Album"),
    ("photoshop elements", "Adobe", "Photoshop Elements"),
    ("photoshop", "Adobe", "Photoshop"),
    ("adobe bridge", "Adobe", "Bridge"),
    ("camera raw", "Adobe", "Camera Raw"),
    ("illustrator", "Adobe", "Illustrator"),
    ("gimp", "GIMP", "GIMP"),
    ("picasa", "Google", "Picasa"),
    ("paint.net", "paint.net", "paint.net"),
    ("acd systems", "ACD Systems", "ACDSee"),
    ("acdsee", "ACD Systems", "ACDSee"),
    ("quicktime", "Apple", "QuickTime"),
    ("windows photo", "Microsoft", "Windows Photo Gallery"),
    ("microsoft", "Microsoft", "Windows imaging"),
    ("imagemagick", "ImageMagick", "ImageMagick"),
    ("f-spot", "F-Spot", "F-Spot"),
    ("olympus master", "Olympus", "OLYMPUS Master"),
    ("camedia master", "Olympus", "CAMEDIA Master"),
    ("capture one", "Phase One", "Capture One"),
    ("irfanview", "IrfanView", "IrfanView"),
    ("xnview", "XnView", "XnView"),
    ("digikam", "digiKam", "digiKam"),
    ("darktable", "darktable", "darktable"),
    ("rawtherapee", "RawTherapee", "RawTherapee"),
    ("affinity", "Serif", "Affinity Photo"),
    ("pixelmator", "Pixelmator", "Pixelmator"),
    ("snapseed", "Google", "Snapseed"),
];

fn editor(s: &str) -> Option<(&'static str, &'static str)> {
    let l = s.to_ascii_lowercase();
    EDITORS
        .iter()
        .find(|(k, _, _)| l.contains(k))
        .map(|&(_, m, p)| (m, p))
}

/// Identifies the source of a file from its report and quality estimate.
pub fn identify(r: &Report, quality: Option<&QualityReport>) -> Identification {
    identify_with(r, quality, &|_| true)
}

/// As [`identify`], with only the signatures `use_sig` accepts (tests use it to leave
/// a file's own entry out and measure how well the rest generalises).
pub fn identify_with(
    r: &Report,
    quality: Option<&QualityReport>,
    use_sig: &dyn Fn(&Signature) -> bool,
) -> Identification {
    identify_filtered(r, quality, use_sig, &|_| true)
}

/// As [`identify_with`], also with only the published camera tables `use_pub` accepts
/// (tests leave a model's published tables out to measure identification of models
/// nothing lists).
pub fn identify_filtered(
    r: &Report,
    quality: Option<&QualityReport>,
    use_sig: &dyn Fn(&Signature) -> bool,
    use_pub: &dyn Fn(&PublishedTable) -> bool,
) -> Identification {
    let st = structure(r);
    let mf = meta_facts(r);
    let ijg = rule_quality(
        &st.tables,
        &[
            &super::quality::ANNEX_K_LUMA,
            &super::quality::ANNEX_K_CHROMA,
        ],
    );
    let mut p = table_candidates(&st, ijg.is_some(), use_sig, use_pub);
    if let Some((q, tr)) = ijg {
        p.push(ijg_candidate(&st, &mf, q, tr));
    }
    if let Some((q, tr)) = rule_quality(&st.tables, &[&MOZJPEG_DEFAULT]) {
        p.push(mozjpeg_candidate(&st, q, tr));
    }
    metadata_candidates(&mut p, &mf, ijg.is_some());
    weigh_structure(&mut p, r, &mf);
    trailer_camera(&mut p, r, &mf);
    if r.trailer.length > 0 {
        let t = format!("{} bytes after EOI ({})", r.trailer.length, r.trailer.kind);
        for c in p.iter_mut().filter(|c| c.kind == SourceKind::Camera) {
            if r.trailer.kind.contains("JPEG") {
                c.score += 0.03;
            }
            c.evidence.push(t.clone());
        }
    }
    let merged = merge(p);
    let mut contradictions = contradictions(&merged, &mf, quality);
    contradictions.extend(size_contradiction(r, &mf, camera_tables(&merged, &mf)));
    if let (Some(c), None) = (&r.trailer.camera, &mf.make) {
        contradictions.push(format!(
            "the image carries no Exif camera name, but the JPEG after EOI names {} {}: metadata removed from the primary image only",
            c.make, c.model
        ));
    }
    let candidates: Vec<Candidate> = merged
        .into_iter()
        .take(6)
        .map(|c| Candidate {
            name: c.name,
            kind: c.kind,
            maker: c.maker,
            confidence: (c.score.clamp(0.01, 0.99) * 100.0).round() / 100.0,
            evidence: c.evidence,
        })
        .collect();
    let summary = match candidates.first() {
        Some(c) => format!("{} (confidence {:.2})", c.name, c.confidence),
        None => "unknown (no known tables or metadata)".into(),
    };
    Identification {
        candidates,
        contradictions,
        summary,
    }
}

/// Candidates from the tables alone: listed signatures, published camera tables and
/// program settings, and the maker traits.
fn table_candidates(
    st: &Structure,
    file_is_ijg: bool,
    use_sig: &dyn Fn(&Signature) -> bool,
    use_pub: &dyn Fn(&PublishedTable) -> bool,
) -> Vec<Pending> {
    let mut p: Vec<Pending> = SIGNATURES
        .iter()
        .filter(|s| use_sig(s))
        .filter_map(|sig| match_signature(sig, st, file_is_ijg))
        .collect();
    // Published camera tables are independent of the corpus, so `use_sig` (which
    // selects corpus signatures) does not filter them. Maker traits are shared across
    // a maker's listed files (they generalise to models nothing lists; see
    // `maker_model`).
    let traits = super::maker_model::score_makers(st, use_sig, use_pub);
    p.extend(match_published(st, file_is_ijg, &traits, use_pub));
    p.extend(match_published_software(st));
    for m in traits {
        p.push(Pending {
            key: format!("cam:{}", m.maker),
            name: format!("{} camera firmware (traits of its listed models)", m.maker),
            kind: SourceKind::Camera,
            maker: m.maker.into(),
            score: m.score,
            evidence: m.evidence,
        });
    }
    p
}

/// The IJG rule's candidate for tables scaled at quality `q` (`tr`: transposed),
/// weighed by how much the rest of the file looks like libjpeg's output.
fn ijg_candidate(st: &Structure, mf: &MetaFacts, q: u8, tr: bool) -> Pending {
    let mut ev = vec![format!(
        "quantization tables are the Annex K tables scaled by the IJG formula at quality {q}{}",
        if tr {
            " (transposed: rotated 90°/270° losslessly)"
        } else {
            ""
        }
    )];
    let mut score = IJG_RULE;
    if st.tables.len() > 2 {
        // libjpeg gives both chrominance components one table; firmware that
        // copies it into a third slot is common (JPEGsnoop's database lists such
        // IJG-table cameras by Nikon, Olympus, Kodak, Konica Minolta and Pentax).
        score -= 0.5;
        ev.push(
            "three quantization tables (Cr has its own copy): libjpeg shares one chrominance table, firmware often does not"
                .into(),
        );
    } else if tr {
        // A lossless rotation rewrites the segments: the layout is the rotating
        // program's (jpegtran and jtool write libjpeg's, other programs their own), and
        // tells nothing of the encoder that chose the tables.
        ev.push(format!(
            "segment layout {} is the rotating program's, not the encoder's",
            st.layout
        ));
    } else if libjpeg_layout(&st.layout) {
        score += 0.12;
        ev.push(format!(
            "segment layout as libjpeg writes it (one table per DQT/DHT segment): {}",
            st.layout
        ));
    } else {
        // Below any camera whose traits the file shares: of the corpus files with
        // IJG tables laid out otherwise, every one not crafted by a fuzzer or a
        // test is a camera original (Nokia, Nintendo, Nikon, Sony, Minolta, Canon,
        // 3M; measured on the whole corpus).
        score -= 0.5;
        ev.push(format!(
            "segment layout is not libjpeg's ({}): more likely firmware or another encoder using IJG tables",
            st.layout
        ));
    }
    if st.sampling.contains(',')
        && !st.sampling.starts_with("2x2,1x1")
        && !st.sampling.starts_with("1x1,")
    {
        score -= 0.05;
        ev.push(format!(
            "sampling {} is not a libjpeg default (4:2:0 or 4:4:4)",
            st.sampling
        ));
    }
    if let Some(j) = &mf.jfif {
        score += 0.05;
        ev.push(format!("{j} (libjpeg writes JFIF APP0)"));
    }
    if st.huffman == "opt" {
        ev.push("optimized Huffman tables (cjpeg -optimize, GIMP, Pillow optimize)".into());
    } else if st.huffman == "std" {
        ev.push("standard Annex K Huffman tables (libjpeg default)".into());
    }
    Pending {
        key: "ijg".into(),
        name: format!("libjpeg/IJG-compatible encoder, quality {q}"),
        kind: SourceKind::Software,
        maker: "IJG".into(),
        score,
        evidence: ev,
    }
}

/// The mozjpeg rule's candidate for its default table scaled at quality `q`.
fn mozjpeg_candidate(st: &Structure, q: u8, tr: bool) -> Pending {
    let mut ev = vec![format!(
        "quantization tables are mozjpeg's default table (N. Robidoux's, same for luminance and chrominance) scaled to quality {q}{}",
        if tr { ", transposed" } else { "" }
    )];
    if st.progressive {
        ev.push("progressive (mozjpeg's default)".into());
    }
    Pending {
        key: "mozjpeg".into(),
        name: format!("mozjpeg defaults, quality {q}"),
        kind: SourceKind::Software,
        maker: "mozjpeg".into(),
        score: MOZ_RULE + if st.progressive { 0.05 } else { 0.0 },
        evidence: ev,
    }
}

/// Candidates and evidence from metadata that names a setting or a source: Photoshop's
/// and Ducky's quality fields, Exif Software and XMP CreatorTool, Adobe APP14, Exif
/// Make and Model.
fn metadata_candidates(p: &mut Vec<Pending>, mf: &MetaFacts, file_is_ijg: bool) {
    if let Some(q) = mf.ps_quality {
        let name = format!("Adobe Photoshop, Save As quality {q}");
        let ev = format!("APP13 Photoshop resource 0x0406 records Save As quality {q}");
        add(
            p,
            &format!("sw:Adobe:Photoshop:Save As quality {q}"),
            &name,
            SourceKind::Software,
            "Adobe",
            0.9,
            ev,
        );
    }
    if let Some(q) = mf.ducky_quality {
        let name = format!("Adobe Photoshop Save for Web, quality {q}");
        let ev = format!("APP12 Ducky segment records Save for Web quality {q}");
        add(
            p,
            &format!("sw:Adobe:Photoshop Save for Web:quality {q}"),
            &name,
            SourceKind::Software,
            "Adobe",
            0.85,
            ev,
        );
    }
    editor_candidates(p, mf, file_is_ijg);
    if mf.adobe {
        for c in p.iter_mut().filter(|c| c.maker == "Adobe") {
            c.score += 0.03;
            c.evidence.push("Adobe APP14 segment".into());
        }
    }
    if let Some(make) = &mf.make {
        exif_camera(p, mf, make);
    }
}

/// The program that Exif Software or XMP CreatorTool names: it boosts a table match of
/// the same program, or is added itself.
fn editor_candidates(p: &mut Vec<Pending>, mf: &MetaFacts, file_is_ijg: bool) {
    for (what, s) in [
        ("Exif Software", &mf.software),
        ("XMP CreatorTool", &mf.creator_tool),
    ] {
        let Some(s) = s else { continue };
        if let Some((maker, product)) = editor(s) {
            let ev = format!("{what} \"{s}\"");
            // Boost a table match of the same program, else add the program itself.
            let hit = p.iter_mut().find(|c| {
                c.kind == SourceKind::Software && c.maker == maker && c.name.contains(product)
            });
            match hit {
                Some(c) => {
                    c.score += 0.1;
                    c.evidence.push(ev);
                }
                None => {
                    let score = if maker == "GIMP" && file_is_ijg {
                        0.85
                    } else {
                        0.5
                    };
                    add(
                        p,
                        &format!("sw:{maker}:{product}"),
                        &format!("{maker} {product}").replace("GIMP GIMP", "GIMP"),
                        SourceKind::Software,
                        maker,
                        score,
                        ev,
                    );
                }
            }
        }
    }
}

/// The camera that Exif Make and Model name: it boosts a table match of the same
/// maker, or is added itself.
fn exif_camera(p: &mut Vec<Pending>, mf: &MetaFacts, make: &str) {
    let maker = canonical_maker(make);
    let model = mf.model.clone().unwrap_or_default();
    let ev = format!("Exif Make \"{make}\" Model \"{model}\"");
    if !boost_maker(p, &maker, &ev) {
        let mut score = 0.5;
        let mut evs = vec![ev];
        if let Some(s) = &mf.software {
            if editor(s).is_none() {
                score += 0.05;
                evs.push(format!("Exif Software \"{s}\" looks like firmware"));
            }
        }
        p.push(Pending {
            key: format!("cam:{maker}"),
            name: format!("{maker} camera ({})", model.trim()),
            kind: SourceKind::Camera,
            maker: maker.clone(),
            score,
            evidence: evs,
        });
    }
}

/// Candidates merged by key (best score and name, evidence of all), best first.
fn merge(p: Vec<Pending>) -> Vec<Pending> {
    let mut merged: Vec<Pending> = Vec::new();
    for c in p {
        match merged.iter_mut().find(|m| m.key == c.key) {
            Some(m) => {
                if c.score > m.score {
                    m.name = c.name;
                    m.score = c.score;
                }
                for e in c.evidence {
                    if !m.evidence.contains(&e) {
                        m.evidence.push(e);
                    }
                }
            }
            None => merged.push(c),
        }
    }
    merged.sort_by(|a, b| b.score.total_cmp(&a.score));
    merged
}

/// Adds `ev` and 0.15 to every camera candidate of `maker`; whether there was one.
fn boost_maker(p: &mut [Pending], maker: &str, ev: &str) -> bool {
    let mut hit = false;
    for c in p
        .iter_mut()
        .filter(|c| c.kind == SourceKind::Camera && c.maker == maker)
    {
        c.score += 0.15;
        c.evidence.push(ev.to_string());
        hit = true;
    }
    hit
}

/// A JPEG after EOI whose own Exif names a camera (an MPF secondary image, a stereo
/// half, a preview), or a maker's own trailer format (Samsung's SEFH/SEFT block):
/// evidence for that maker, and a candidate of its own when the primary image names
/// none (its metadata was removed, the trailer was not).
fn trailer_camera(p: &mut Vec<Pending>, r: &Report, mf: &MetaFacts) {
    let t = &r.trailer;
    let (maker, name, ev) = match (&t.camera, t.maker_format) {
        (Some(cam), _) => {
            let maker = canonical_maker(&cam.make);
            let name = format!("{maker} camera ({}, named by the image after EOI)", cam.model);
            let ev = format!(
                "the JPEG after EOI (at byte {}) carries Exif Make \"{}\" Model \"{}\"",
                t.offset, cam.make, cam.model
            );
            (maker, name, ev)
        }
        (None, Some(m)) => (
            m.to_string(),
            format!("{m} camera (its trailer format after EOI)"),
            format!(
                "the {} bytes after EOI (at byte {}) are {m}'s extended-data trailer (SEFH ... SEFT), which its camera app appends",
                t.length, t.offset
            ),
        ),
        (None, None) => return,
    };
    let hit = boost_maker(p, &maker, &ev);
    if mf.make.is_some() {
        return;
    }
    if !hit {
        add(
            p,
            &format!("cam:{maker}"),
            &name,
            SourceKind::Camera,
            &maker,
            0.75,
            ev,
        );
    }
    // Editors that re-encode drop what follows EOI; firmware writes it. IJG tables are
    // then the camera's encoder, not a program's.
    for c in p.iter_mut().filter(|c| c.key == "ijg") {
        c.score -= 0.3;
        c.evidence.push(format!(
            "the data after EOI names a {maker} camera: its firmware may use IJG tables"
        ));
    }
}

/// Weighs the progressive scan script, the restart interval, the ICC description and
/// the APPn order (see [`super::evidence`]) into the candidates.
fn weigh_structure(p: &mut Vec<Pending>, r: &Report, mf: &MetaFacts) {
    if let Some(script) = evidence::scan_script(r) {
        let ev = script.text();
        for c in p.iter_mut() {
            match (c.key.as_str(), c.kind) {
                // cjpeg/jpegtran -progressive use the default script.
                ("ijg", _) => c.score += if script.ijg_default { 0.05 } else { -0.10 },
                // Camera firmware writes sequential files.
                (_, SourceKind::Camera) => c.score -= 0.05,
                _ => {}
            }
            c.evidence.push(ev.clone());
        }
    }
    if let Some(ev) = evidence::restart_text(r) {
        for c in p.iter_mut() {
            if c.key == "ijg" {
                // cjpeg writes DRI only when asked (-restart).
                c.score -= 0.03;
            }
            c.evidence.push(ev.clone());
        }
    }
    if let Some(desc) = &mf.icc {
        icc_evidence(p, desc);
    }
    if let Some((ev, exif_first)) = evidence::app_order_text(&mf.app_order) {
        for c in p.iter_mut().filter(|c| c.kind == SourceKind::Camera) {
            match exif_first {
                Some(true) => c.score += 0.02,
                Some(false) => c.score -= 0.02,
                None => {}
            }
            c.evidence.push(ev.clone());
        }
    }
}

/// An ICC profile whose description names a camera maker or a program supports it.
fn icc_evidence(p: &mut Vec<Pending>, desc: &str) {
    let Some((maker, program)) = evidence::icc_maker(desc) else {
        return;
    };
    let ev = format!("ICC profile \"{desc}\" names {maker}");
    // GIMP encodes with libjpeg: its profile supports the IJG rule as well.
    let supports = |c: &Pending| c.maker == maker || (maker == "GIMP" && c.key == "ijg");
    let mut hit = false;
    for c in p.iter_mut().filter(|c| supports(c)) {
        c.score += 0.05;
        c.evidence.push(ev.clone());
        hit = true;
    }
    if !hit {
        let (kind, name) = if program {
            (
                SourceKind::Software,
                format!("{maker} (named by the ICC profile)"),
            )
        } else {
            (
                SourceKind::Camera,
                format!("{maker} camera or software (named by the ICC profile)"),
            )
        };
        add(p, &format!("icc:{maker}"), &name, kind, maker, 0.45, ev);
    }
}

fn add(
    p: &mut Vec<Pending>,
    key: &str,
    name: &str,
    kind: SourceKind,
    maker: &str,
    score: f64,
    ev: String,
) {
    match p.iter_mut().find(|c| c.key == key) {
        Some(c) => {
            c.score = c.score.max(score) + 0.05;
            c.evidence.push(ev);
        }
        None => p.push(Pending {
            key: key.into(),
            name: name.into(),
            kind,
            maker: maker.into(),
            score,
            evidence: vec![ev],
        }),
    }
}

/// Compares the file's tables with every published camera table set (see
/// [`super::published_tables`]), also transposed (a lossless 90°/270° rotation
/// transposes each table), and makes one candidate per maker whose tables match.
fn match_published(
    st: &Structure,
    file_is_ijg: bool,
    traits: &[super::maker_model::MakerScore],
    use_pub: &dyn Fn(&PublishedTable) -> bool,
) -> Vec<Pending> {
    // No published set is IJG-scaled in both tables (they name no maker and were left
    // out), so an IJG-scaled file can share at most a luminance table with one: not
    // worth reading the data for.
    if file_is_ijg {
        return Vec::new();
    }
    let mut hits: Vec<(&PublishedTable, bool, bool)> = Vec::new();
    for pt in published_tables().iter().filter(|p| use_pub(p)) {
        if let Some((all, tr)) = pt.matches_either_way(&st.tables) {
            hits.push((pt, all && st.tables.len() > 1, tr));
        }
    }
    hits.extend(digest_hits(st, published_digests(), use_pub));
    let mut makers: Vec<(&str, bool)> = Vec::new();
    for &(pt, full, _) in &hits {
        match makers.iter_mut().find(|(m, _)| *m == pt.maker) {
            Some(m) => m.1 |= full,
            None => makers.push((pt.maker, full)),
        }
    }
    makers
        .iter()
        .map(|&(maker, full)| {
            // Makers whose published tables match as well as this one's: the tables do
            // not tell them apart, so each gets less.
            let rivals: Vec<&str> = makers
                .iter()
                .filter(|&&(m, f)| m != maker && f == full)
                .map(|&(m, _)| m)
                .collect();
            let mut c = published_candidate(maker, full, &hits, &rivals);
            // When other makers publish the same tables, the file's structure (layout,
            // sampling, table set: the maker traits) decides between them.
            if !rivals.is_empty() {
                if let Some(t) = traits.iter().find(|t| t.maker == maker) {
                    c.score += 0.1 * t.score;
                    c.evidence.push(format!(
                        "the file's structure supports {maker} (maker traits, score {:.2})",
                        t.score
                    ));
                }
            }
            c
        })
        .collect()
}

/// The published digest entries equal to the file's tables: a digest covers every
/// table, so each hit is a full match for a colour file. The third value says the
/// file's tables are the entry's transposed. JPEGsnoop publishes the transposed
/// signature itself; an ExifTool or GIMP entry is tried against the file's tables turned
/// back, and its sampling must be the file's (exchanged when turned), as the list keys it
/// (GIMP: the first component's).
fn digest_hits<'a>(
    st: &Structure,
    entries: &'a [PublishedTable],
    use_pub: &dyn Fn(&PublishedTable) -> bool,
) -> Vec<(&'a PublishedTable, bool, bool)> {
    if st.slots.is_empty() {
        return Vec::new();
    }
    let snoop = snoop_digest(&st.slots);
    let turned: Vec<_> = st.slots.iter().map(|&(n, t)| (n, transpose(&t))).collect();
    let exif = [exiftool_digests(&st.slots), exiftool_digests(&turned)];
    let sampling = exiftool_sampling(&st.sampling);
    let gimp = [gimp_hash(&st.slots), gimp_hash(&turned)];
    let first = st.sampling.split(',').next().unwrap_or("");
    let first_turned = first
        .split_once('x')
        .map(|(h, v)| format!("{v}x{h}"))
        .unwrap_or_default();
    let full = st.tables.len() > 1;
    entries
        .iter()
        .filter(|p| use_pub(p))
        .filter_map(|p| {
            let tr = match p.digest? {
                PublishedDigest::Snoop(d, _) if d == snoop => false,
                PublishedDigest::Snoop(_, d) if d == snoop => true,
                PublishedDigest::Snoop(..) => return None,
                PublishedDigest::ExifTool(d, s) => {
                    if exif[0].contains(&d) && s == sampling.0 {
                        false
                    } else if exif[1].contains(&d) && s == sampling.1 {
                        true
                    } else {
                        return None;
                    }
                }
                PublishedDigest::Gimp(h, s) => {
                    if h == gimp[0] && s == first {
                        false
                    } else if h == gimp[1] && s == first_turned {
                        true
                    } else {
                        return None;
                    }
                }
            };
            Some((p, full, tr))
        })
        .collect()
}

/// Compares the file's tables with the programs' published tables (every table equal,
/// also transposed) and digests: one candidate per matching program setting.
fn match_published_software(st: &Structure) -> Vec<Pending> {
    let mut out = Vec::new();
    for pt in published_software() {
        if let Some((true, tr)) = pt.matches_either_way(&st.tables) {
            out.push(software_candidate(st, pt, tr));
        }
    }
    for (pt, _, tr) in digest_hits(st, published_software(), &|p| p.digest.is_some()) {
        out.push(software_candidate(st, pt, tr));
    }
    out
}

/// The candidate of a program setting whose published tables (or their digest) equal
/// the file's.
fn software_candidate(st: &Structure, pt: &PublishedTable, tr: bool) -> Pending {
    // A single-component file shows only the luminance table.
    let gray = st.tables.len() == 1;
    let name = match pt.quality {
        "" => format!("{} {}", pt.maker, pt.models),
        q => format!("{} {}, {q}", pt.maker, pt.models),
    };
    let mut evidence = vec![format!(
        "{} equal the published tables of {name}{} ({})",
        if gray {
            "the luminance table (single component)"
        } else {
            "luminance and chrominance tables"
        },
        if tr { ", transposed" } else { "" },
        pt.source
    )];
    if let Some(d) = pt.digest {
        evidence.push(digest_evidence(d));
    }
    Pending {
        key: format!("sw:{}:{}:{}", pt.maker, pt.models, pt.quality),
        name,
        kind: SourceKind::Software,
        maker: pt.maker.into(),
        score: if gray { EXACT - 0.1 } else { EXACT },
        evidence,
    }
}

/// How an entry published only as a digest of its tables was matched.
fn digest_evidence(d: PublishedDigest) -> String {
    format!(
        "matched by the tables' {}, as {} lists them",
        d.kind(),
        d.lister()
    )
}

/// One maker's candidate from its matching published table sets.
fn published_candidate(
    maker: &str,
    full: bool,
    hits: &[(&PublishedTable, bool, bool)],
    rivals: &[&str],
) -> Pending {
    let mine: Vec<_> = hits
        .iter()
        .filter(|(pt, f, _)| pt.maker == maker && *f == full)
        .collect();
    let mut models: Vec<&str> = Vec::new();
    let mut sources: Vec<&str> = Vec::new();
    for (pt, ..) in &mine {
        for m in pt.models.split("; ") {
            if !models.contains(&m) {
                models.push(m);
            }
        }
        if !sources.contains(&pt.source) {
            sources.push(pt.source);
        }
    }
    let more = match models.len() {
        n if n > 6 => format!(" and {} more", n - 6),
        _ => String::new(),
    };
    let (pt, _, tr) = mine[0];
    let mut evidence = vec![format!(
        "{} equal the published tables of the {maker} {}{more}{} ({})",
        if full {
            "luminance and chrominance tables"
        } else {
            "the luminance table"
        },
        models[..models.len().min(6)].join(", "),
        if *tr { ", transposed" } else { "" },
        sources.join(", ")
    )];
    let mut lists: Vec<PublishedDigest> = Vec::new();
    for d in mine.iter().filter_map(|(pt, ..)| pt.digest) {
        if !lists.iter().any(|l| l.lister() == d.lister()) {
            lists.push(d);
        }
    }
    for d in lists {
        evidence.push(digest_evidence(d));
    }
    // (IJG-scaled files never get here: see `match_published`.)
    let mut score = if full { PUBLISHED } else { LUMA_ONLY - 0.05 };
    if !rivals.is_empty() {
        score -= 0.05 * rivals.len().min(3) as f64;
        evidence.push(format!(
            "the same tables are published for {} as well",
            rivals.join(", ")
        ));
    }
    Pending {
        key: format!("cam:{maker}"),
        name: format!(
            "{maker} camera firmware (published tables of the {})",
            pt.describe()
        ),
        kind: SourceKind::Camera,
        maker: maker.into(),
        score,
        evidence,
    }
}

/// Compares the file with one listed signature.
fn match_signature(sig: &Signature, st: &Structure, file_is_ijg: bool) -> Option<Pending> {
    let tables = sig.parsed_tables();
    if tables.is_empty() || st.tables.is_empty() {
        return None;
    }
    let same = |a: &[[u16; 64]], b: &[[u16; 64]], tr: bool| {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| if tr { transpose(x) == *y } else { x == y })
    };
    let mut ev = Vec::new();
    let what = match sig.kind {
        SourceKind::Camera => format!("{} {}", sig.maker, sig.product),
        SourceKind::Software => format!("{} {} {}", sig.maker, sig.product, sig.setting),
    };
    let generic = sig.kind == SourceKind::Camera && file_is_ijg;
    // IJG tables are everyone's: equal tables say nothing of a camera unless the file
    // is also laid out and sampled as that camera writes it.
    if generic && (st.layout != sig.layout || st.sampling != sig.sampling) {
        return None;
    }
    let mut score = if same(&st.tables, &tables, false) || same(&st.tables, &tables, true) {
        let tr = !same(&st.tables, &tables, false);
        ev.push(format!(
            "all {} quantization tables equal those of the {}{} ({})",
            tables.len(),
            what.trim(),
            if tr { ", transposed" } else { "" },
            sig.source
        ));
        if generic {
            GENERIC_CAMERA
        } else {
            EXACT
        }
    } else if st.tables[0] == tables[0] || transpose(&st.tables[0]) == tables[0] {
        ev.push(format!(
            "luminance table equals that of the {} ({}); chrominance differs",
            what.trim(),
            sig.source
        ));
        if generic {
            GENERIC_CAMERA - 0.15
        } else {
            LUMA_ONLY
        }
    } else {
        shape_score(sig, st, &tables, file_is_ijg, &what, &mut ev)?
    };
    structure_bonus(st, sig, &mut score, &mut ev);
    let (key, name) = signature_name(sig);
    Some(Pending {
        key,
        name,
        kind: sig.kind,
        maker: sig.maker.into(),
        score,
        evidence: ev,
    })
}

/// The score of a program signature whose tables differ from the file's: the same
/// family (one table scaled), or at least the same way of writing the file, is weaker
/// evidence of the same program. `None` when there is nothing to say.
fn shape_score(
    sig: &Signature,
    st: &Structure,
    tables: &[[u16; 64]],
    file_is_ijg: bool,
    what: &str,
    ev: &mut Vec<String>,
) -> Option<f64> {
    let generic = sig.kind == SourceKind::Camera && file_is_ijg;
    let d = st
        .tables
        .iter()
        .zip(tables)
        .map(|(a, b)| shape_distance(a, b).min(shape_distance(&transpose(a), b)))
        .fold(0.0f64, f64::max);
    let sim = (1.0 - d / SHAPE_SCALE).max(0.0);
    let structural = st.layout == sig.layout && st.sampling == sig.sampling;
    // Camera makers are compared by their shared traits (`maker_model`), not by
    // the nearest single file.
    if sig.kind == SourceKind::Camera || generic || (sim == 0.0 && !structural) || file_is_ijg {
        return None;
    }
    if sim > 0.0 {
        ev.push(format!(
            "quantization tables have the shape of the {}'s (scaled; mean log difference {d:.2}) ({})",
            what.trim(),
            sig.source
        ));
    } else {
        ev.push(format!(
            "file laid out like the {}'s ({})",
            what.trim(),
            sig.source
        ));
    }
    Some(SHAPE * sim + 0.05)
}

/// Adds a bonus to `score` for each structural fact the file shares with signature
/// `sig` (segment layout, sampling, Huffman choice), with its evidence.
fn structure_bonus(st: &Structure, sig: &Signature, score: &mut f64, ev: &mut Vec<String>) {
    if st.layout == sig.layout {
        *score += LAYOUT;
        ev.push(format!("same segment layout ({})", st.layout));
    }
    if st.sampling == sig.sampling {
        *score += SAMPLING;
        ev.push(format!("same sampling factors ({})", st.sampling));
    }
    if st.huffman == sig.huffman {
        *score += HUFFMAN;
        ev.push(format!(
            "{} Huffman tables, as in the signature",
            if st.huffman == "std" {
                "standard"
            } else {
                "optimized"
            }
        ));
    }
    if st.restart > 0 {
        ev.push(format!("restart interval {} MCUs", st.restart));
    }
}

/// The merge key and the name of signature `sig`'s candidate.
fn signature_name(sig: &Signature) -> (String, String) {
    match sig.kind {
        SourceKind::Camera => (
            format!("cam:{}", sig.maker),
            format!(
                "{} camera firmware (tables of the {})",
                sig.maker, sig.product
            ),
        ),
        SourceKind::Software => {
            let name = if sig.setting.is_empty() {
                format!("{} {}", sig.maker, sig.product)
            } else {
                format!("{} {}, {}", sig.maker, sig.product, sig.setting)
            };
            (
                format!("sw:{}:{}:{}", sig.maker, sig.product, sig.setting),
                name,
            )
        }
    }
}

/// The best candidate that rests on the tables (not on metadata alone).
fn by_tables(ranked: &[Pending]) -> Option<&Pending> {
    ranked.iter().find(|c| {
        c.evidence.iter().any(|e| {
            e.contains("quantization tables")
                || e.contains("luminance table")
                || e.contains("equal the published tables")
        })
    })
}

/// Whether the best candidate resting on the tables is a camera of the maker Exif
/// names (the tables are the firmware's: the image was not re-encoded).
fn camera_tables(ranked: &[Pending], mf: &MetaFacts) -> bool {
    match (by_tables(ranked), &mf.make) {
        (Some(t), Some(make)) => t.kind == SourceKind::Camera && t.maker == canonical_maker(make),
        _ => false,
    }
}

/// A camera records the size of the image it encodes in Exif PixelXDimension and
/// PixelYDimension (Exif 2.3 4.6.5); a frame of another size was rotated (sizes
/// swapped) or resized or cropped afterwards by a program that left Exif alone. Some
/// early firmware records the sensor size in its smaller image modes too: with the
/// camera's own tables (`camera_tables`) the finding says so.
fn size_contradiction(r: &Report, mf: &MetaFacts, camera_tables: bool) -> Option<String> {
    let f = r.frame.as_ref()?;
    let h = if f.height == 0 {
        u32::from(f.dnl_height?)
    } else {
        u32::from(f.height)
    };
    let (w, (x, y)) = (u32::from(f.width), mf.exif_size?);
    if (x, y) == (w, h) {
        None
    } else if (x, y) == (h, w) {
        Some(format!(
            "the frame is {w}x{h} but Exif PixelXDimension/PixelYDimension record {x}x{y}: rotated by 90° or 270° without updating Exif"
        ))
    } else if camera_tables {
        Some(format!(
            "the frame is {w}x{h} but Exif PixelXDimension/PixelYDimension record {x}x{y}: cropped losslessly, or firmware that records the sensor size in a smaller image mode (the tables are the camera's)"
        ))
    } else {
        Some(format!(
            "the frame is {w}x{h} but Exif PixelXDimension/PixelYDimension record {x}x{y}: resized or cropped after capture"
        ))
    }
}

fn contradictions(
    ranked: &[Pending],
    mf: &MetaFacts,
    quality: Option<&QualityReport>,
) -> Vec<String> {
    let mut out = Vec::new();
    let by_tables = by_tables(ranked);
    if let (Some(make), Some(t)) = (&mf.make, by_tables) {
        let maker = canonical_maker(make);
        match t.kind {
            // A maker's own library on its own camera (Apple's ImageIO on an iPhone) is
            // what the firmware writes, not a sign of re-saving.
            SourceKind::Software if t.score >= 0.75 && t.maker != maker => out.push(format!(
                "Exif names a camera by {maker}, but the quantization tables are those of {}: the image was re-saved",
                t.name
            )),
            SourceKind::Camera if t.maker != maker && t.score >= 0.8 => out.push(format!(
                "Exif names a camera by {maker}, but the quantization tables are {}'s",
                t.maker
            )),
            _ => {}
        }
    }
    if let (Some(s), Some(t)) = (&mf.software, by_tables) {
        if let Some((maker, product)) = editor(s) {
            if t.kind == SourceKind::Camera && t.score >= 0.8 {
                out.push(format!(
                    "Exif Software names {maker} {product}, but the tables are {}'s camera tables: metadata edited without re-encoding",
                    t.maker
                ));
            }
        }
    }
    if let (Some(q), Some(qr)) = (mf.ps_quality, quality) {
        if qr.exact {
            out.push(format!(
                "APP13 records Photoshop Save As quality {q}, but the tables are IJG tables (quality {}): re-saved by another program after Photoshop",
                qr.quality
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A baseline file's structure with `slots` (their tables in use, in order).
    fn structure(slots: Vec<(u8, [u16; 64])>, layout: &str, sampling: &str) -> Structure {
        Structure {
            tables: slots.iter().map(|s| s.1).collect(),
            slots,
            layout: layout.into(),
            sampling: sampling.into(),
            huffman: "std",
            restart: 0,
            progressive: false,
        }
    }

    /// (full match, transposed) of each digest entry that `s` hits.
    fn digest_flags(s: &Structure, entries: &[PublishedTable]) -> Vec<(bool, bool)> {
        digest_hits(s, entries, &|_| true)
            .iter()
            .map(|h| (h.1, h.2))
            .collect()
    }

    /// Quantization tables with their DQT destinations.
    type Slots = Vec<(u8, [u16; 64])>;

    /// Two made-up tables in slots 0 and 1, the same slots with the tables transposed,
    /// and the tables themselves.
    fn digest_test_slots() -> (Slots, Slots, [[u16; 64]; 2]) {
        let l = super::super::quality::ANNEX_K_LUMA.map(|v| v / 2 + 1);
        let c = super::super::quality::ANNEX_K_CHROMA.map(|v| v / 3 + 1);
        let slots = vec![(0, l), (1, c)];
        let turned = slots.iter().map(|&(s, t)| (s, transpose(&t))).collect();
        (slots, turned, [l, c])
    }

    /// An entry published only as `digest`.
    fn digest_entry(maker: &'static str, digest: PublishedDigest) -> PublishedTable {
        PublishedTable {
            maker,
            models: "X",
            quality: "",
            source: "https://example.org",
            tables: Vec::new(),
            digest: Some(digest),
        }
    }

    /// A camera published only by the digest of its tables is matched by that digest,
    /// also when the file's tables are transposed, and only for the slots it defines.
    #[test]
    fn digest_entries_match_the_files_slots() {
        let (slots, turned, [l, c]) = digest_test_slots();
        let entries = [digest_entry(
            "Fujifilm",
            PublishedDigest::Snoop(snoop_digest(&slots), snoop_digest(&turned)),
        )];
        let st = |slots| structure(slots, "DQT2 SOF0 DHT4 SOS", "2x1,1x1,1x1");
        let hit = |s: &Structure| digest_flags(s, &entries);
        assert_eq!(hit(&st(slots.clone())), [(true, false)]);
        assert_eq!(hit(&st(turned)), [(true, true)]);
        // A third slot holding the chrominance table again is another signature.
        assert!(hit(&st(vec![(0, l), (1, c), (2, c)])).is_empty());
        assert!(digest_hits(&st(slots), &entries, &|_| false).is_empty());
    }

    /// An ExifTool entry is matched by its digest, whichever way the file split its
    /// tables into DQT segments, with the file's sampling as ExifTool listed it; a
    /// transposed file is matched with its sampling exchanged.
    #[test]
    fn exiftool_entries_match_digest_and_sampling() {
        let (slots, turned, _) = digest_test_slots();
        let separate = exiftool_digests(&slots)[1];
        let entries = [digest_entry(
            "Pentax",
            PublishedDigest::ExifTool(separate, "211111"),
        )];
        let st = |slots, sampling| structure(slots, "DQT1 DQT1 SOF0 DHT4 SOS", sampling);
        let hit = |s: &Structure| digest_flags(s, &entries);
        assert_eq!(hit(&st(slots.clone(), "2x1,1x1,1x1")), [(true, false)]);
        assert_eq!(hit(&st(turned.clone(), "1x2,1x1,1x1")), [(true, true)]);
        assert!(hit(&st(slots, "2x2,1x1,1x1")).is_empty());
        assert!(hit(&st(turned, "2x1,1x1,1x1")).is_empty());
    }

    /// A GIMP entry is matched by its hash of every defined slot, with the first
    /// component's sampling as listed (exchanged when the file's tables are transposed).
    #[test]
    fn gimp_entries_match_hash_and_first_sampling() {
        let (slots, turned, [l, c]) = digest_test_slots();
        let entries = [digest_entry(
            "Samsung",
            PublishedDigest::Gimp(gimp_hash(&slots), "2x1"),
        )];
        let st = |slots, sampling| structure(slots, "DQT2 SOF0 DHT4 SOS", sampling);
        let hit = |s: &Structure| digest_flags(s, &entries);
        assert_eq!(hit(&st(slots.clone(), "2x1,1x1,1x1")), [(true, false)]);
        assert_eq!(hit(&st(turned.clone(), "1x2,1x1,1x1")), [(true, true)]);
        assert!(hit(&st(slots.clone(), "2x2,1x1,1x1")).is_empty());
        assert!(hit(&st(turned, "2x1,1x1,1x1")).is_empty());
        assert!(hit(&st(vec![(0, l), (1, c), (2, c)], "2x1,1x1,1x1")).is_empty());
    }

    #[test]
    fn makers_are_canonical() {
        assert_eq!(canonical_maker("NIKON CORPORATION"), "Nikon");
        assert_eq!(canonical_maker("Asahi Optical Co.,Ltd."), "Pentax");
        assert_eq!(canonical_maker("EASTMAN KODAK COMPANY"), "Kodak");
        assert_eq!(canonical_maker("Hewlett-Packard Company"), "HP");
        assert_eq!(
            canonical_maker("Konica Minolta Camera, Inc."),
            "Konica Minolta"
        );
        assert_eq!(canonical_maker("samsung"), "Samsung");
        assert_eq!(canonical_maker("Acme"), "Acme");
    }

    #[test]
    fn libjpeg_layouts() {
        assert!(libjpeg_layout("DQT1 DQT1 SOF0 DHT1 DHT1 DHT1 DHT1 SOS"));
        assert!(libjpeg_layout("DQT1 DQT1 SOF2 DHT1 DHT1 SOS"));
        assert!(!libjpeg_layout("DQT2 SOF0 DHT4 SOS"));
        assert!(!libjpeg_layout("DQT1 DQT1 DHT4 SOF0 SOS"));
    }
}
