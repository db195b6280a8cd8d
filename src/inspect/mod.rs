//! Reports on a file's structure: every segment in order, the frame, tables, scans,
//! metadata identified by content, and what follows EOI. Works from the container
//! parse alone (no entropy decoding), so it also describes files jtool cannot decode.
//!
//! [`inspect`] returns a [`Report`]; the CLI prints [`Report::to_text`] or the report
//! serialized as JSON (`serde_json::to_string_pretty`). The JSON field names are
//! stable: fields may be added (with `jtool_inspect_version` unchanged), but not renamed
//! or removed without bumping it.

mod evidence;
pub mod exif_fields;
pub mod history;
pub mod identify;
pub mod maker_model;
pub mod meta;
pub mod published_tables;
pub mod quality;
pub mod signatures;
mod text;

use crate::container::{
    self, classify, parse_dht, parse_dnl, parse_dqt, parse_dri, parse_frame, parse_scan,
    std_tables, Item, JpegFile, Marker, MetaClass, ScanHeader, Segment,
};
use crate::error::{Result, Warning};
use meta::MetaDetails;
use serde::Serialize;

/// Version of the report layout; bumped when a field is renamed or removed.
pub const INSPECT_VERSION: u32 = 1;

/// Everything `inspect` found, in a form ready for text or JSON output.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Layout version of this report (currently 1).
    pub jtool_inspect_version: u32,
    /// Size of the input in bytes.
    pub size: usize,
    /// Every marker segment and scan, in file order.
    pub segments: Vec<SegmentInfo>,
    /// The first frame header (SOFn); null if the file has none.
    pub frame: Option<FrameInfo>,
    /// Further frame headers (hierarchical files have several); usually empty.
    pub other_frames: Vec<FrameInfo>,
    /// Every quantization table defined, in file order (redefinitions included).
    pub quant_tables: Vec<QuantTableInfo>,
    /// Every Huffman table defined, in file order (redefinitions included).
    pub huffman_tables: Vec<HuffmanTableInfo>,
    /// Every scan, in file order.
    pub scans: Vec<ScanInfo>,
    /// Every DRI segment: the restart interval in MCUs and where it was set.
    pub restart_interval: Vec<RestartInfo>,
    /// Every APPn and COM segment, identified by content.
    pub metadata: Vec<MetaInfo>,
    /// Bytes after EOI (or, when EOI is missing, after the last item).
    pub trailer: TrailerInfo,
    /// Whether the file ends its items with an EOI marker.
    pub eoi_present: bool,
    /// What the container parser tolerated (stray bytes, missing EOI, …).
    pub warnings: Vec<Warning>,
    /// Segments whose contents inspect could not parse (bad DQT, DHT, SOF, SOS, …).
    pub problems: Vec<Problem>,
    /// IJG quality estimate of each quantization table and of the file; null when the
    /// file defines no quantization table.
    pub quality: Option<quality::QualityReport>,
    /// Which encoder or camera wrote the file: ranked candidates with evidence.
    pub identification: identify::Identification,
    /// SHA-256 of the quantized coefficients and quantization tables (see
    /// `pipeline::coefficient_hash`); null from `inspect` alone, filled by
    /// `pipeline::inspect_full` when the entropy-coded data decodes.
    pub coefficient_hash: Option<String>,
    /// For a lossless (SOF3) file, which has no coefficients: SHA-256 of its size,
    /// precision, sampling and samples (see `pipeline::sample_hash`), the same after
    /// `copy` and whatever the predictor, tables or restart interval; null otherwise.
    pub sample_hash: Option<String>,
    /// Traces of an earlier compression in the luminance coefficients; null unless
    /// asked for (`pipeline::inspect_with_history`, `inspect --history`).
    pub compression_history: Option<history::CompressionHistory>,
    /// Whether each thumbnail the file keeps (Exif, Photoshop, JFXX) shows its image;
    /// empty from `inspect` alone, filled by `pipeline::inspect_full` when the image
    /// decodes and its first component is luminance.
    pub thumbnails: Vec<ThumbnailCheck>,
}

/// The part of a thumbnail that shows the image (see [`ThumbnailCheck::image_part`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ThumbnailPart {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    /// The likeness (dB) of the image against that part.
    pub likeness_db: f64,
}

/// A thumbnail compared with the image it should show (see `pipeline::inspect_full`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThumbnailCheck {
    /// Where it is kept: "Exif" (IFD1), "Photoshop" (image resource 1036), "JFXX", or
    /// "MPF preview" (a large thumbnail after EOI that the MPF index lists).
    pub kind: String,
    /// Offset of the segment holding it (of the MPF segment for an MPF preview).
    pub offset: usize,
    /// Its width and height in pixels.
    pub width: u32,
    pub height: u32,
    /// Gray PSNR (dB) of the thumbnail as stored against the image reduced to its
    /// size, framed as it fits best (stretched, fitted with bars, or cropped to fill).
    pub likeness_db: f64,
    /// Whether it shows the image as stored: a likeness of at least 15 dB, and no
    /// orientation of the thumbnail more than 1 dB better.
    pub shows_image: bool,
    /// The likeness of the thumbnail turned by each Exif orientation, 1 to 8 (as
    /// stored, mirrored left to right, rotated 180°, ...).
    pub orientation_likeness_db: Vec<f64>,
    /// When it shows the image only turned: how the image was turned since ("rotated
    /// 90° clockwise", "mirrored left to right", ...).
    pub turned: Option<String>,
    /// The likeness of the turned thumbnail.
    pub turned_likeness_db: Option<f64>,
    /// When it does not show the image but shows more: the part of it the image is
    /// (cut from the picture the thumbnail shows), in thumbnail pixels.
    pub image_part: Option<ThumbnailPart>,
    /// One line: what the comparison says.
    pub verdict: String,
}

/// One item of the file: a marker segment, or a scan (its SOS header and data).
#[derive(Debug, Clone, Serialize)]
pub struct SegmentInfo {
    /// Offset of the marker's 0xFF byte.
    pub offset: usize,
    /// Marker name: "SOI", "APP1", "SOF2", "SOS", "RST0", or "FFxx" for reserved codes.
    pub marker: String,
    /// The marker code (second byte).
    pub code: u8,
    /// Stored length of the segment including the two marker bytes (2 for standalone
    /// markers; for a scan, the SOS header only).
    pub length: usize,
    /// Bytes before the marker that belong to no segment: 0xFF fill bytes and, in
    /// damaged files, stray bytes (which the parser also reports as warnings).
    pub fill_bytes: usize,
    /// For a scan: bytes of entropy-coded data after the SOS header (RSTn included).
    pub data_length: Option<usize>,
    /// A short description of the contents.
    pub summary: String,
}

/// A frame header.
#[derive(Debug, Clone, Serialize)]
pub struct FrameInfo {
    /// Offset of the SOFn marker.
    pub offset: usize,
    /// "SOF0" … "SOF15".
    pub marker: String,
    /// The coding process, e.g. "baseline sequential, Huffman".
    pub process: &'static str,
    /// Sample precision in bits.
    pub precision: u8,
    /// Samples per line.
    pub width: u16,
    /// Number of lines as stored (0: defined by a DNL segment after the first scan).
    pub height: u16,
    /// When `height` is 0: the number of lines from the DNL segment, if found.
    pub dnl_height: Option<u16>,
    /// Components in frame order.
    pub components: Vec<ComponentInfo>,
    /// Colour space guessed from the component count, ids, JFIF and Adobe APP14:
    /// "grayscale", "YCbCr", "RGB", "CMYK", "YCCK" or "unknown".
    pub color_space: &'static str,
    /// Sampling label: "4:4:4", "4:2:2", "4:2:0", "4:4:0", "4:1:1", "4:1:0", "gray",
    /// "4:4:4:4", or the factors ("2x2,1x2,1x2") when unusual.
    pub sampling: String,
    /// The sampling factors of each component, "HxV" joined by commas.
    pub sampling_factors: String,
    /// Progressive process (SOF2, 6, 10, 14).
    pub progressive: bool,
    /// Arithmetic coding (SOF9–15).
    pub arithmetic: bool,
    /// Lossless process (SOF3, 7, 11, 15).
    pub lossless: bool,
}

/// One frame component.
#[derive(Debug, Clone, Serialize)]
pub struct ComponentInfo {
    /// Component identifier Ci.
    pub id: u8,
    /// Horizontal sampling factor.
    pub h: u8,
    /// Vertical sampling factor.
    pub v: u8,
    /// Quantization table slot.
    pub tq: u8,
    /// Conventional name guessed from the colour space ("Y", "Cb", "Cr", "R", "C", "K", …);
    /// null when there is no convention (e.g. 2 components).
    pub name: Option<&'static str>,
}

/// One quantization table definition.
#[derive(Debug, Clone, Serialize)]
pub struct QuantTableInfo {
    /// Destination slot Tq (0–3).
    pub slot: u8,
    /// Precision of the stored entries in bits (8 or 16).
    pub precision: u8,
    /// The 64 step sizes in natural (row-major) order.
    pub values: Vec<u16>,
    /// Offset of the DQT segment that defines it.
    pub offset: usize,
}

/// One Huffman table definition.
#[derive(Debug, Clone, Serialize)]
pub struct HuffmanTableInfo {
    /// "DC" (class 0, also used by lossless) or "AC" (class 1).
    pub class: &'static str,
    /// Destination identifier Th (0–3).
    pub id: u8,
    /// Number of codes of each length 1–16.
    pub counts: [u8; 16],
    /// Number of symbols (sum of counts).
    pub symbol_count: usize,
    /// Which T.81 Annex K example table it equals, e.g. "K.5 luminance AC"; null if none.
    pub standard: Option<&'static str>,
    /// Offset of the DHT segment that defines it.
    pub offset: usize,
}

/// One scan.
#[derive(Debug, Clone, Serialize)]
pub struct ScanInfo {
    /// Offset of the SOS marker.
    pub offset: usize,
    /// The scan header fields `components` (id, td, ta), `ss`, `se`, `ah`, `al`;
    /// absent when the header could not be parsed (see `problems`).
    #[serde(flatten)]
    pub header: Option<ScanHeader>,
    /// Bytes of entropy-coded data (stuffed bytes and RSTn markers included).
    pub data_length: usize,
    /// Number of RSTn markers in the data.
    pub rst_count: usize,
}

/// A DRI segment.
#[derive(Debug, Clone, Serialize)]
pub struct RestartInfo {
    /// Offset of the DRI marker.
    pub offset: usize,
    /// Restart interval in MCUs (0 disables restarts).
    pub interval: u16,
}

/// One APPn or COM segment.
#[derive(Debug, Clone, Serialize)]
pub struct MetaInfo {
    /// Offset of the marker.
    pub offset: usize,
    /// Marker name ("APP1", "COM", …).
    pub marker: String,
    /// The class the container layer assigns (as used by `--keep`/strip policies).
    pub class: MetaClass,
    /// Stored length including the marker.
    pub length: usize,
    /// The same one-line summary as in `segments`.
    pub summary: String,
    /// The contents, by class; `kind` names the variant. Null when a recognised
    /// segment is too short to read.
    pub details: Option<MetaDetails>,
}

/// What follows EOI.
#[derive(Debug, Clone, Serialize)]
pub struct TrailerInfo {
    /// Offset of the first trailing byte (the file size when there is none).
    pub offset: usize,
    /// Number of trailing bytes.
    pub length: usize,
    /// "none"; "JPEG (SOI)" when it starts with FF D8 (e.g. an MPF secondary image);
    /// "zero padding, then JPEG (SOI)"; "zero padding" (all zeros); "unterminated (no
    /// EOI)" when the file has no EOI; or "unknown".
    pub kind: &'static str,
    /// Exif Make and Model of the JPEG after EOI, when it carries Exif of its own (MPF
    /// secondary images, stereo halves and previews do; removing the primary image's
    /// metadata leaves them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub camera: Option<TrailerCamera>,
    /// The maker whose own trailer format the data after EOI has: "Samsung" for the
    /// SEFH/SEFT extended-data block Samsung's camera app appends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maker_format: Option<&'static str>,
}

/// The camera a JPEG after EOI names in its own Exif APP1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrailerCamera {
    /// Exif Make.
    pub make: String,
    /// Exif Model ("" when absent).
    pub model: String,
}

/// Something wrong inside a segment's contents.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// Offset of the fault: the offending byte when known, else the segment's marker.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

/// Parses `data` and reports on its structure. Fails only when the container parse
/// fails (no SOI, a segment length past the end); damage inside segments becomes
/// `problems`, and parser leniency `warnings`.
pub fn inspect(data: &[u8]) -> Result<Report> {
    let file = JpegFile::parse(data)?;
    let mut b = Builder {
        data,
        r: Report::empty(data.len()),
        icc: Vec::new(),
    };
    for item in &file.items {
        match item {
            Item::Segment(s) => b.segment(s),
            Item::Scan(s) => b.scan(s),
        }
    }
    b.finish_icc();
    let mut r = b.r;
    r.finish_frames(&file);
    r.finish_scans();
    r.trailer = TrailerInfo {
        offset: file.trailer_offset,
        length: file.trailer.len(),
        kind: trailer_kind(file.trailer, file.has_eoi()),
        camera: trailer_camera(file.trailer),
        maker_format: trailer_maker_format(file.trailer),
    };
    r.eoi_present = file.has_eoi();
    r.warnings = file.warnings.clone();
    r.quality = r.estimate_quality();
    r.identification = identify::identify(&r, r.quality.as_ref());
    Ok(r)
}

/// The camera named by the Exif APP1 of the JPEG in the data after EOI (see
/// [`container::embedded_jpeg`]), read from its segments before the first scan.
fn trailer_camera(t: &[u8]) -> Option<TrailerCamera> {
    let file = JpegFile::parse(container::embedded_jpeg(t)?).ok()?;
    for item in &file.items {
        let Item::Segment(s) = item else { break };
        if classify(s) == MetaClass::Exif {
            let e = meta::exif_info(s.body);
            let make = e.make.filter(|m| !m.trim().is_empty())?;
            return Some(TrailerCamera {
                make: make.trim().to_string(),
                model: e.model.unwrap_or_default().trim().to_string(),
            });
        }
    }
    None
}

/// A maker's own trailer format (see [`TrailerInfo::maker_format`]).
fn trailer_maker_format(t: &[u8]) -> Option<&'static str> {
    container::samsung_trailer(t).then_some("Samsung")
}

/// What the bytes after EOI look like (see [`TrailerInfo::kind`]).
fn trailer_kind(t: &[u8], eoi: bool) -> &'static str {
    let soi = |b: &[u8]| b.starts_with(&[0xFF, 0xD8]);
    let after_zeros = &t[t.iter().take_while(|&&c| c == 0).count()..];
    if t.is_empty() {
        "none"
    } else if !eoi {
        "unterminated (no EOI)"
    } else if soi(t) {
        "JPEG (SOI)"
    } else if after_zeros.is_empty() {
        "zero padding"
    } else if soi(after_zeros) {
        "zero padding, then JPEG (SOI)"
    } else {
        "unknown"
    }
}

impl Report {
    fn empty(size: usize) -> Self {
        Report {
            jtool_inspect_version: INSPECT_VERSION,
            size,
            segments: Vec::new(),
            frame: None,
            other_frames: Vec::new(),
            quant_tables: Vec::new(),
            huffman_tables: Vec::new(),
            scans: Vec::new(),
            restart_interval: Vec::new(),
            metadata: Vec::new(),
            trailer: TrailerInfo {
                offset: size,
                length: 0,
                kind: "none",
                camera: None,
                maker_format: None,
            },
            eoi_present: false,
            warnings: Vec::new(),
            problems: Vec::new(),
            quality: None,
            identification: identify::Identification::default(),
            coefficient_hash: None,
            sample_hash: None,
            compression_history: None,
            thumbnails: Vec::new(),
        }
    }

    /// The quality estimate of every table, and of the tables the frame's components
    /// use (the last definition of their slot before the first scan).
    fn estimate_quality(&self) -> Option<quality::QualityReport> {
        let tables: Vec<(u8, usize, [u16; 64])> = self
            .quant_tables
            .iter()
            .filter_map(|q| {
                Some((
                    q.slot,
                    q.offset,
                    <[u16; 64]>::try_from(q.values.as_slice()).ok()?,
                ))
            })
            .collect();
        let refs: Vec<quality::TableRef> = tables
            .iter()
            .map(|(slot, offset, values)| quality::TableRef {
                slot: *slot,
                offset: *offset,
                values,
            })
            .collect();
        let first_sos = self.scans.first().map_or(usize::MAX, |s| s.offset);
        let used: Vec<Option<usize>> = self
            .frame
            .iter()
            .flat_map(|f| f.components.iter())
            .map(|c| {
                let defs: Vec<usize> = (0..tables.len()).filter(|&i| tables[i].0 == c.tq).collect();
                defs.iter()
                    .rev()
                    .find(|&&i| tables[i].1 < first_sos)
                    .or(defs.first())
                    .copied()
            })
            .collect();
        quality::estimate(&refs, &used)
    }

    /// Human-readable text: one line per segment, then the frame, tables and scans
    /// summarised, quantization tables as 8×8 grids. `verbose` adds Huffman code
    /// counts, every metadata field and every scan's table selectors.
    pub fn to_text(&self, verbose: bool) -> String {
        text::render(self, verbose)
    }

    /// Fills in the colour space and component names, which depend on JFIF/Adobe
    /// segments that may come after the frame, and the DNL height.
    fn finish_frames(&mut self, file: &JpegFile) {
        let jfif = self.metadata.iter().any(|m| m.class == MetaClass::Jfif);
        let adobe = self.metadata.iter().find_map(|m| match &m.details {
            Some(MetaDetails::Adobe(a)) => Some(a.transform),
            _ => None,
        });
        let dnl = file
            .segments()
            .filter(|s| s.marker == Marker::DNL)
            .find_map(|s| parse_dnl(s).ok());
        for f in self.frame.iter_mut().chain(self.other_frames.iter_mut()) {
            let ids: Vec<u8> = f.components.iter().map(|c| c.id).collect();
            let (space, names) = color_space(&ids, jfif, adobe);
            f.color_space = space;
            for (c, n) in f.components.iter_mut().zip(names.iter()) {
                c.name = Some(n);
            }
            if f.height == 0 {
                f.dnl_height = dnl;
            }
        }
    }

    /// Writes the scan lines of `segments`, naming components after the frame.
    fn finish_scans(&mut self) {
        // Scans and the segment entries with data are in the same (file) order.
        let scan_segments = self.segments.iter_mut().filter(|s| s.data_length.is_some());
        for (seg, scan) in scan_segments.zip(&self.scans) {
            seg.summary = match &scan.header {
                Some(h) => {
                    let comps: Vec<String> = h
                        .components
                        .iter()
                        .map(|c| component_name(self.frame.as_ref(), c.id))
                        .collect();
                    // Lossless processes (T.81 H.2.3): Ss is the predictor, Al the
                    // point transform.
                    let lossless = (self.frame.as_ref()).is_some_and(|f| {
                        matches!(f.marker.as_str(), "SOF3" | "SOF7" | "SOF11" | "SOF15")
                    });
                    let mut t = match lossless {
                        true => format!(
                            "scan {}: predictor {}, point transform {}, {} bytes of data",
                            comps.join(","),
                            h.ss,
                            h.al,
                            scan.data_length
                        ),
                        false => format!(
                            "scan {}: Ss={} Se={} Ah={} Al={}, {} bytes of data",
                            comps.join(","),
                            h.ss,
                            h.se,
                            h.ah,
                            h.al,
                            scan.data_length
                        ),
                    };
                    if scan.rst_count > 0 {
                        t += &format!(", {} RST", scan.rst_count);
                    }
                    t
                }
                None => format!("invalid scan header, {} bytes of data", scan.data_length),
            };
        }
    }
}

/// A component's conventional name from the frame ("Cb"), else "#id".
pub(crate) fn component_name(frame: Option<&FrameInfo>, id: u8) -> String {
    frame
        .and_then(|f| f.components.iter().find(|c| c.id == id))
        .and_then(|c| c.name)
        .map_or_else(|| format!("#{id}"), str::to_string)
}

/// Guesses the colour space as libjpeg does (JFIF → YCbCr; Adobe transform; ids), and
/// returns conventional component names.
fn color_space(
    ids: &[u8],
    jfif: bool,
    adobe: Option<u8>,
) -> (&'static str, &'static [&'static str]) {
    const GRAY: &[&str] = &["Y"];
    const YCC: &[&str] = &["Y", "Cb", "Cr"];
    const RGB: &[&str] = &["R", "G", "B"];
    const CMYK: &[&str] = &["C", "M", "Y", "K"];
    const YCCK: &[&str] = &["Y", "Cb", "Cr", "K"];
    match ids.len() {
        1 => ("grayscale", GRAY),
        3 => {
            let rgb = match adobe {
                _ if jfif => false,
                Some(t) => t == 0,
                None => ids == [b'R', b'G', b'B'],
            };
            if rgb {
                ("RGB", RGB)
            } else {
                ("YCbCr", YCC)
            }
        }
        4 => match adobe {
            Some(0) | None => ("CMYK", CMYK),
            Some(_) => ("YCCK", YCCK),
        },
        _ => ("unknown", &[]),
    }
}

/// The sampling label of a frame (see [`FrameInfo::sampling`]).
pub fn sampling_label(factors: &[(u8, u8)]) -> String {
    let list = || {
        factors
            .iter()
            .map(|(h, v)| format!("{h}x{v}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    match factors {
        [_] => "gray".into(),
        [(h, v), c1, c2] if c1 == c2 && h % c1.0 == 0 && v % c1.1 == 0 => {
            match (h / c1.0, v / c1.1) {
                (1, 1) => "4:4:4".into(),
                (2, 1) => "4:2:2".into(),
                (2, 2) => "4:2:0".into(),
                (1, 2) => "4:4:0".into(),
                (4, 1) => "4:1:1".into(),
                (4, 2) => "4:1:0".into(),
                _ => list(),
            }
        }
        [a, b, c, d] if a == b && b == c && c == d => "4:4:4:4".into(),
        _ => list(),
    }
}

struct Builder<'d> {
    data: &'d [u8],
    r: Report,
    /// ICC chunks seen, in file order.
    icc: Vec<IccSeen<'d>>,
}

/// An ICC_PROFILE chunk and where its report entries are.
struct IccSeen<'d> {
    /// Index into `Report::metadata`.
    meta: usize,
    /// Index into `Report::segments`.
    segment: usize,
    /// Chunk sequence number, chunk count, and profile bytes.
    chunk: (u8, u8, &'d [u8]),
}

impl<'d> Builder<'d> {
    fn problem(&mut self, offset: usize, message: String) {
        self.r.problems.push(Problem { offset, message });
    }

    fn push(&mut self, s: &Segment, summary: String, data_length: Option<usize>) {
        self.r.segments.push(SegmentInfo {
            offset: s.offset,
            marker: s.marker.name(),
            code: s.marker.0,
            length: s.stored_len(),
            fill_bytes: s.prefix.len(),
            data_length,
            summary,
        });
    }

    fn segment(&mut self, s: &Segment<'d>) {
        let m = s.marker;
        let summary = if m.is_sof() {
            self.frame(s)
        } else if m == Marker::DQT {
            self.dqt(s)
        } else if m == Marker::DHT {
            self.dht(s)
        } else if m == Marker::DRI {
            match parse_dri(s) {
                Ok(interval) => {
                    self.r.restart_interval.push(RestartInfo {
                        offset: s.offset,
                        interval,
                    });
                    format!("restart interval {interval} MCUs")
                }
                Err(e) => self.bad(s, e),
            }
        } else if m == Marker::DNL {
            match parse_dnl(s) {
                Ok(n) => format!("number of lines {n}"),
                Err(e) => self.bad(s, e),
            }
        } else if m.is_app() || m == Marker::COM {
            self.meta(s)
        } else {
            match m {
                Marker::SOI => "start of image".into(),
                Marker::EOI => "end of image".into(),
                Marker::DAC => format!("arithmetic conditioning, {} tables", s.body.len() / 2),
                _ if m.is_rst() => "restart marker outside a scan".into(),
                _ if s.body.is_empty() => String::new(),
                _ => format!("{} bytes", s.body.len()),
            }
        };
        self.push(s, summary, None);
    }

    /// Records a header parse error as a problem at the error's own offset.
    fn bad(&mut self, s: &Segment, e: crate::error::Error) -> String {
        let (offset, msg) = match e {
            crate::error::Error::Malformed { offset, kind } => (offset, kind.to_string()),
            e => (s.offset, e.to_string()),
        };
        self.problem(offset, format!("{}: {msg}", s.marker.name()));
        format!("invalid: {msg}")
    }

    fn frame(&mut self, s: &Segment) -> String {
        let f = match parse_frame(s) {
            Ok(f) => f,
            Err(e) => return self.bad(s, e),
        };
        let factors: Vec<(u8, u8)> = f.components.iter().map(|c| (c.h, c.v)).collect();
        let info = FrameInfo {
            offset: s.offset,
            marker: f.marker.name(),
            process: container::sof_process(f.marker),
            precision: f.precision,
            width: f.width,
            height: f.height,
            dnl_height: None,
            components: f
                .components
                .iter()
                .map(|c| ComponentInfo {
                    id: c.id,
                    h: c.h,
                    v: c.v,
                    tq: c.tq,
                    name: None,
                })
                .collect(),
            color_space: "unknown",
            sampling: sampling_label(&factors),
            sampling_factors: factors
                .iter()
                .map(|(h, v)| format!("{h}x{v}"))
                .collect::<Vec<_>>()
                .join(","),
            progressive: f.marker.is_progressive_sof(),
            arithmetic: f.marker.is_arithmetic_sof(),
            lossless: matches!(f.marker.0, 0xC3 | 0xC7 | 0xCB | 0xCF),
        };
        let summary = format!(
            "{}, {}-bit, {}x{}, {} components {}",
            info.process,
            info.precision,
            info.width,
            info.height,
            info.components.len(),
            info.sampling
        );
        if self.r.frame.is_none() {
            self.r.frame = Some(info);
        } else {
            self.r.other_frames.push(info);
        }
        summary
    }

    fn dqt(&mut self, s: &Segment) -> String {
        match parse_dqt(s) {
            Ok(tables) => {
                let mut parts = Vec::new();
                for (slot, t) in tables {
                    let precision = if t.sixteen_bit { 16 } else { 8 };
                    parts.push(format!("slot {slot} ({precision}-bit)"));
                    self.r.quant_tables.push(QuantTableInfo {
                        slot,
                        precision,
                        values: t.values.to_vec(),
                        offset: s.offset,
                    });
                }
                format!("quantization tables: {}", parts.join(", "))
            }
            Err(e) => self.bad(s, e),
        }
    }

    fn dht(&mut self, s: &Segment) -> String {
        match parse_dht(s) {
            Ok(tables) => {
                let mut parts = Vec::new();
                for t in tables {
                    let class = if t.class == 0 { "DC" } else { "AC" };
                    let standard = std_tables::standard_table_name(&t);
                    parts.push(match standard {
                        Some(n) => format!("{class}{} (Annex {n})", t.id),
                        None => format!("{class}{}", t.id),
                    });
                    self.r.huffman_tables.push(HuffmanTableInfo {
                        class,
                        id: t.id,
                        counts: t.counts,
                        symbol_count: t.symbols.len(),
                        standard,
                        offset: s.offset,
                    });
                }
                format!("Huffman tables: {}", parts.join(", "))
            }
            Err(e) => self.bad(s, e),
        }
    }

    fn scan(&mut self, scan: &container::Scan) {
        let s = &scan.header;
        let rst_count = scan
            .ecs
            .windows(2)
            .filter(|w| w[0] == 0xFF && Marker(w[1]).is_rst())
            .count();
        let header = match parse_scan(s) {
            Ok(h) => Some(h),
            Err(e) => {
                self.bad(s, e);
                None
            }
        };
        self.r.scans.push(ScanInfo {
            offset: s.offset,
            header,
            data_length: scan.ecs.len(),
            rst_count,
        });
        // The summary needs component names, known only at the end (finish_scans).
        self.push(s, String::new(), Some(scan.ecs.len()));
    }

    fn meta(&mut self, s: &Segment<'d>) -> String {
        let b = s.body;
        let class = classify(s);
        let details = match class {
            MetaClass::Jfif => meta::jfif(b).map(MetaDetails::Jfif),
            MetaClass::Jfxx => meta::jfxx(b).map(MetaDetails::Jfxx),
            MetaClass::Exif => Some(MetaDetails::Exif(meta::exif_info(b))),
            MetaClass::Xmp => meta::xmp(b).map(MetaDetails::Xmp),
            MetaClass::Icc => meta::icc_chunk(b).map(MetaDetails::Icc),
            MetaClass::Mpf => Some(MetaDetails::Mpf(meta::mpf(
                b,
                s.body_offset() + 4,
                self.data,
            ))),
            MetaClass::Jumbf => Some(MetaDetails::Jumbf(meta::jumbf(b))),
            MetaClass::Ducky => Some(MetaDetails::Ducky(meta::ducky(b))),
            MetaClass::Photoshop => Some(MetaDetails::Photoshop(meta::photoshop(b))),
            MetaClass::Adobe => meta::adobe(b).map(MetaDetails::Adobe),
            MetaClass::Comment => Some(MetaDetails::Comment(meta::comment(b))),
            MetaClass::OtherApp | MetaClass::NotMetadata => {
                Some(MetaDetails::Unknown(meta::unknown(b)))
            }
        };
        if let Some(MetaDetails::Icc(c)) = &details {
            self.icc.push(IccSeen {
                meta: self.r.metadata.len(),
                // `segment` pushes this segment's entry after `meta` returns.
                segment: self.r.segments.len(),
                chunk: (c.chunk, c.chunks, &b[meta::ICC_HEADER..]),
            });
        }
        let summary = match &details {
            Some(d) => d.summary(),
            None => {
                self.problem(
                    s.offset,
                    format!(
                        "{}: {class:?} segment too short ({} bytes)",
                        s.marker.name(),
                        b.len()
                    ),
                );
                format!("{class:?} segment too short to read")
            }
        };
        self.r.metadata.push(MetaInfo {
            offset: s.offset,
            marker: s.marker.name(),
            class,
            length: s.stored_len(),
            summary: summary.clone(),
            details,
        });
        summary
    }

    /// Describes complete ICC profiles on their chunk 1: a chunk "1 of 1" on its own,
    /// and a multi-chunk profile when all its chunks are present exactly once with
    /// consistent counts. Anything else is a problem.
    fn finish_icc(&mut self) {
        if self.icc.is_empty() {
            return;
        }
        // Complete profiles, by the ICC entry whose chunk 1 they start in.
        let mut complete: Vec<(usize, Vec<u8>)> = Vec::new();
        for (i, c) in self.icc.iter().enumerate() {
            if c.chunk.0 == 1 && c.chunk.1 == 1 {
                complete.push((i, c.chunk.2.to_vec()));
            }
        }
        let multi: Vec<_> = self
            .icc
            .iter()
            .map(|c| c.chunk)
            .filter(|c| c.1 != 1)
            .collect();
        let first_multi = self
            .icc
            .iter()
            .position(|c| c.chunk.0 == 1 && c.chunk.1 != 1);
        if let (Some(first), Some(profile)) = (first_multi, meta::reassemble_icc(&multi)) {
            complete.push((first, profile));
        }
        let all: Vec<_> = self.icc.iter().map(|c| c.chunk).collect();
        if meta::reassemble_icc(&all).is_none() {
            let counts: Vec<String> = all.iter().map(|c| format!("{}/{}", c.0, c.1)).collect();
            let offset = self.r.metadata[self.icc[0].meta].offset;
            let msg = format!(
                "ICC_PROFILE chunks do not form one complete profile: {}",
                abbreviate(&counts)
            );
            self.problem(offset, msg);
        }
        for (i, profile) in complete {
            let IccSeen {
                meta: entry,
                segment,
                ..
            } = self.icc[i];
            let m = &mut self.r.metadata[entry];
            let Some(info) = meta::icc_profile(&profile) else {
                let msg = format!(
                    "ICC profile of {} bytes is shorter than its 128-byte header",
                    profile.len()
                );
                let offset = m.offset;
                self.problem(offset, msg);
                continue;
            };
            if let Some(MetaDetails::Icc(c)) = &mut m.details {
                c.profile = Some(info);
                m.summary = MetaDetails::Icc(c.clone()).summary();
                self.r.segments[segment].summary = m.summary.clone();
            }
        }
    }
}

/// Joins at most 8 items, then "… (N in all)".
fn abbreviate(items: &[String]) -> String {
    if items.len() <= 8 {
        items.join(", ")
    } else {
        format!("{}, … ({} in all)", items[..8].join(", "), items.len())
    }
}

#[cfg(test)]
mod tests;
