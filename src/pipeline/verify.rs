//! Integrity check (`jtool verify`): parse the file and fully decode its entropy-coded
//! data, then give one verdict — OK, WARNING or ERROR — with every problem found,
//! the first one first, each with its byte offset and, for problems inside a scan, the
//! scan and MCU position.
//!
//! * ERROR: the file cannot be decoded at all (not a JPEG, a segment cut off before
//!   the first scan, a header T.81 forbids, a feature jtool cannot decode, a limit).
//! * WARNING: it decodes, but something was wrong: premature end of data, an invalid
//!   Huffman code, a coefficient out of range, a wrong or missing restart marker,
//!   extraneous bytes before a marker, a missing EOI, an inconsistent progression.
//! * Data after EOI is information (size and, when recognisable, what it is): it does
//!   not change the verdict.

use crate::coeffs::{Block, CoefficientImage};
use crate::container::JpegFile;
use crate::entropy::rows::{decode_streamed_on, RowScan, Streamed};
use crate::entropy::Limits;
use crate::error::{Error, MalformedKind, McuPosition, Result, Warning, WarningKind};
use serde::Serialize;

/// The verdict on one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Status {
    /// Decodes completely with no problem.
    #[serde(rename = "OK")]
    Ok,
    /// Decodes, with problems tolerated.
    #[serde(rename = "WARNING")]
    Warning,
    /// Cannot be decoded.
    #[serde(rename = "ERROR")]
    Error,
}

impl Status {
    /// "OK", "WARNING" or "ERROR".
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Warning => "WARNING",
            Status::Error => "ERROR",
        }
    }
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// WARNING or ERROR.
    pub severity: Status,
    /// Machine-readable kind: `not_jpeg`, `truncated`, `premature_end`,
    /// `invalid_huffman_code`, `coefficient_out_of_range`, `bad_restart`,
    /// `extraneous_bytes`, `missing_eoi`, `bad_header`, `missing_table`, `unsupported`,
    /// `limit` or `other`.
    pub kind: &'static str,
    /// What is wrong, in words.
    pub message: String,
    /// Byte offset in the file, when known.
    pub offset: Option<usize>,
    /// Scan number (1-based) for problems in entropy-coded data.
    pub scan: Option<usize>,
    /// MCU position in that scan, when known.
    pub mcu: Option<McuPosition>,
    /// For coefficient problems: component index (0-based) and block column/row.
    pub block: Option<(usize, usize, usize)>,
}

/// Bytes after EOI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrailerNote {
    /// Offset of the first byte after EOI.
    pub offset: usize,
    /// Number of bytes.
    pub length: usize,
    /// What they look like.
    pub kind: String,
}

/// The result of verifying one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// OK, WARNING or ERROR.
    pub status: Status,
    /// Every problem, sorted by offset (problems without one last); the first is the
    /// first problem in the file.
    pub problems: Vec<Finding>,
    /// Data after EOI, if any (information only).
    pub trailer: Option<TrailerNote>,
    /// One line: status, first problem and how many more, trailer.
    pub summary: String,
}

/// Largest quantized coefficient magnitudes (DC, AC) a file of `precision` bits can
/// hold: DC differences have at most P + 3 bits (T.81 F.1.2.1), AC values P + 2
/// (F.1.2.2); 2047 and 1023 for 8-bit files.
fn max_values(precision: u8) -> (i32, i32) {
    let p = u32::from(precision.clamp(8, 12));
    ((1 << (p + 3)) - 1, (1 << (p + 2)) - 1)
}

/// Verifies `data` with the default limits.
pub fn verify(data: &[u8]) -> Verdict {
    verify_with(data, &Limits::default())
}

/// Verifies `data`.
pub fn verify_with(data: &[u8], limits: &Limits) -> Verdict {
    verify_threaded(data, limits, 1)
}

/// Verifies `data`, decoding the restart intervals of a large scan on up to `threads`
/// threads at once; the verdict is the same for any thread count.
pub fn verify_threaded(data: &[u8], limits: &Limits, threads: usize) -> Verdict {
    let mut problems = Vec::new();
    let file = match JpegFile::parse(data) {
        Ok(f) => f,
        Err(e) => {
            problems.push(from_error(&e));
            return finish(problems, None);
        }
    };
    // Where each scan's data is, to name the scan of a problem.
    let scans: Vec<(usize, usize)> = file
        .scans()
        .map(|s| (s.ecs_offset(), s.ecs_offset() + s.ecs.len()))
        .collect();
    let scan_of = |off: Option<usize>| {
        let o = off?;
        scans
            .iter()
            .position(|&(a, b)| o >= a && o <= b)
            .map(|i| i + 1)
    };
    for w in &file.warnings {
        problems.push(from_warning(w, scan_of(w.offset)));
    }
    // Lossless (SOF3): the samples are decoded; there are no coefficients to range.
    let decoded = match super::lossless::is_lossless(&file) {
        // Row by row: two rows of MCUs held, whatever size the frame claims.
        true => {
            let rows =
                crate::entropy::lossless::decode_lossless_rows(&file, limits, &mut |_| Ok(()));
            rows.map(|w| (w, None))
        }
        false => decode_checked(&file, limits, threads).map(|(i, w, r)| (w, Some((i, r)))),
    };
    match decoded {
        Ok((warnings, checked)) => {
            for w in &warnings {
                problems.push(from_warning(w, scan_of(w.offset)));
            }
            if let Some((image, range)) = checked {
                range.findings(&image, &mut problems);
                data_after_last_interval(&file, &image, &mut problems);
            }
        }
        Err(e) => {
            let mut f = from_error(&e);
            f.scan = scan_of(f.offset);
            problems.push(f);
        }
    }
    let trailer = (file.has_eoi() && !file.trailer.is_empty()).then(|| TrailerNote {
        offset: file.trailer_offset,
        length: file.trailer.len(),
        kind: trailer_kind(file.trailer).into(),
    });
    finish(problems, trailer)
}

fn finish(mut problems: Vec<Finding>, trailer: Option<TrailerNote>) -> Verdict {
    problems.sort_by_key(|p| (p.offset.is_none(), p.offset.unwrap_or(0)));
    let status = problems
        .iter()
        .map(|p| p.severity)
        .max()
        .unwrap_or(Status::Ok);
    let mut summary = status.as_str().to_string();
    if let Some(p) = problems.first() {
        summary += &format!(" {}", describe(p));
        if problems.len() > 1 {
            summary += &format!(" (+{} more)", problems.len() - 1);
        }
    }
    if let Some(t) = &trailer {
        summary += &format!(
            "; {} bytes after EOI at byte {}: {}",
            t.length, t.offset, t.kind
        );
    }
    Verdict {
        status,
        problems,
        trailer,
        summary,
    }
}

/// A problem in words with its position: "premature end of data at byte 1234 (scan 1,
/// MCU 56: column 6, row 3)".
pub fn describe(p: &Finding) -> String {
    let mut s = p.message.clone();
    if let Some(o) = p.offset {
        s += &format!(" at byte {o}");
    }
    let mut pos = Vec::new();
    if let Some(n) = p.scan {
        pos.push(format!("scan {n}"));
    }
    if let Some(m) = p.mcu {
        pos.push(format!(
            "MCU {}: column {}, row {}",
            m.index, m.column, m.row
        ));
    }
    if let Some((c, x, y)) = p.block {
        pos.push(format!("component {c}, block {x},{y}"));
    }
    if !pos.is_empty() {
        s += &format!(" ({})", pos.join(", "));
    }
    s
}

fn finding(
    severity: Status,
    kind: &'static str,
    message: String,
    offset: Option<usize>,
) -> Finding {
    Finding {
        severity,
        kind,
        message,
        offset,
        scan: None,
        mcu: None,
        block: None,
    }
}

fn from_warning(w: &Warning, scan: Option<usize>) -> Finding {
    let (kind, message) = match &w.kind {
        WarningKind::PrematureEnd => (
            "premature_end",
            "premature end of entropy-coded data".to_string(),
        ),
        WarningKind::ExtraneousBytes(n) => (
            "extraneous_bytes",
            format!("{n} extraneous bytes before marker"),
        ),
        WarningKind::BadRestart => ("bad_restart", "wrong or missing restart marker".to_string()),
        WarningKind::MissingEoi => (
            "missing_eoi",
            "missing EOI marker (premature end of file)".to_string(),
        ),
        WarningKind::CorruptData(s) => ("invalid_huffman_code", s.clone()),
        WarningKind::Other(s) => ("other", s.clone()),
    };
    Finding {
        scan,
        mcu: w.mcu,
        ..finding(Status::Warning, kind, message, w.offset)
    }
}

fn from_error(e: &Error) -> Finding {
    let kind = match e {
        Error::Malformed { kind, .. } => match kind {
            MalformedKind::NoSoi => "not_jpeg",
            MalformedKind::Truncated(_) => "truncated",
            MalformedKind::BadHuffmanCode => "invalid_huffman_code",
            MalformedKind::CoefficientRange => "coefficient_out_of_range",
            MalformedKind::MissingTable(_) => "missing_table",
            _ => "bad_header",
        },
        Error::Unsupported { .. } => "unsupported",
        Error::Limit(_) => "limit",
        _ => "other",
    };
    let message = match e {
        Error::Malformed { kind, .. } => kind.to_string(),
        Error::Unsupported { feature, .. } => format!("cannot check: unsupported {feature}"),
        e => e.to_string(),
    };
    finding(Status::Error, kind, message, e.offset())
}

/// Decodes `file`'s entropy-coded data and checks every coefficient's range. A
/// sequential file with one scan is checked as the decoder hands over its iMCU rows,
/// so the whole coefficient image is never held (the image returned then has the
/// frame's components with empty planes: what the later checks need is its geometry).
fn decode_checked(
    file: &JpegFile,
    limits: &Limits,
    threads: usize,
) -> Result<(CoefficientImage, Vec<Warning>, RangeCheck)> {
    match decode_streamed_on(file, limits, threads)? {
        Streamed::Whole(d) => {
            let mut range = RangeCheck::new(d.image.components.len(), d.image.precision);
            let g = d.image.geometry();
            for (ci, c) in d.image.components.iter().enumerate() {
                let (bw, bh) = g.real_blocks(ci);
                for by in 0..bh.min(c.plane.height_blocks) {
                    for bx in 0..bw.min(c.plane.width_blocks) {
                        range.block(ci, bx, by, c.plane.block(bx, by));
                    }
                }
            }
            Ok((d.image, d.warnings, range))
        }
        Streamed::Rows(scan) => {
            let g = scan.decoded.image.geometry();
            let real: Vec<(usize, usize)> =
                (0..g.factors.len()).map(|c| g.real_blocks(c)).collect();
            let p = scan.decoded.image.precision;
            let (scan_warnings, range) = interval_parts(&scan, threads)
                .and_then(|parts| check_parts(&scan, &real, p, &parts))
                .or_else(|| check_speculatively(&scan, real.len(), p, threads))
                .unwrap_or_else(|| check_part(&scan, &real, p, None));
            let warnings = scan.warnings_with(scan_warnings);
            Ok((scan.decoded.image, warnings, range))
        }
    }
}

/// Entropy-coded data below this is checked on one thread (in unit tests every scan
/// with restart intervals is split, so that small files test the parts).
const PARALLEL_ECS_BYTES: usize = if cfg!(test) { 1 } else { 1 << 20 };

/// MCU ranges, one per thread, that split a large scan at restart intervals, when
/// every marker the walk meets is the one it expects (each interval then decodes on
/// its own, from the state a restart sets).
fn interval_parts(scan: &RowScan, threads: usize) -> Option<Vec<(usize, usize)>> {
    let (ri, total) = scan.intervals();
    let ecs = scan.ecs();
    if threads < 2 || ri == 0 || ecs.len() < PARALLEL_ECS_BYTES {
        return None;
    }
    let intervals = total.div_ceil(ri);
    if intervals < threads {
        return None;
    }
    let markers = restart_markers(ecs);
    let in_sequence = markers.len() >= intervals - 1
        && (markers[..intervals - 1].iter().enumerate())
            .all(|(k, &at)| ecs[at + 1] == 0xD0 + (k % 8) as u8);
    if !in_sequence {
        return None;
    }
    let per = intervals.div_ceil(threads) * ri;
    Some(
        (0..threads)
            .map(|t| (t * per, ((t + 1) * per).min(total)))
            .filter(|(a, b)| a < b)
            .collect(),
    )
}

/// The scan's warnings and range check from its parts decoded at once; `None` when a
/// part has a warning (what follows a problem can depend on the walk before it, so the
/// whole walk is made instead).
fn check_parts(
    scan: &RowScan,
    real: &[(usize, usize)],
    precision: u8,
    parts: &[(usize, usize)],
) -> Option<(Vec<Warning>, RangeCheck)> {
    let results: Vec<(Vec<Warning>, RangeCheck)> = std::thread::scope(|s| {
        let running: Vec<_> = parts
            .iter()
            .map(|&p| {
                crate::threads::spawn_or_run(s, move || check_part(scan, real, precision, Some(p)))
            })
            .collect();
        running
            .into_iter()
            .map(crate::threads::Handle::join)
            .collect()
    });
    let mut range = RangeCheck::new(real.len(), precision);
    for (warnings, part) in results {
        if !warnings.is_empty() {
            return None;
        }
        range.absorb(part);
    }
    Some((Vec::new(), range))
}

/// A large scan without restart markers decoded in shares at once (see
/// `RowScan::clean_without_restarts`): no warnings and no coefficient out of range,
/// when that can be shown so; `None` otherwise (the scan is then walked whole, which
/// reports what there is).
fn check_speculatively(
    scan: &RowScan,
    components: usize,
    precision: u8,
    threads: usize,
) -> Option<(Vec<Warning>, RangeCheck)> {
    let (ri, _) = scan.intervals();
    if threads < 2 || ri != 0 || scan.ecs().len() < PARALLEL_ECS_BYTES {
        return None;
    }
    let (max_dc, max_ac) = max_values(precision);
    scan.clean_without_restarts(threads, max_dc, max_ac)
        .then(|| (Vec::new(), RangeCheck::new(components, precision)))
}

/// The warnings and range check of the MCUs `part` (`None`: the whole scan).
fn check_part(
    scan: &RowScan,
    real: &[(usize, usize)],
    precision: u8,
    part: Option<(usize, usize)>,
) -> (Vec<Warning>, RangeCheck) {
    let mut range = RangeCheck::new(real.len(), precision);
    // Block by block (no row is held): only the range of each real block matters.
    let mut check = |c: usize, bx: usize, by: usize, b: &Block| {
        if real.get(c).is_some_and(|&(w, h)| bx < w && by < h) {
            range.block(c, bx, by, b);
        }
    };
    let warnings = match part {
        Some((first, end)) => scan.run_blocks_part(first, end, &mut check),
        None => scan.run_blocks(&mut check),
    };
    (warnings, range)
}

/// Coefficients a conforming encoder cannot produce at the file's precision (see
/// [`max_values`]): per component, how many blocks hold one and the first such block.
struct RangeCheck {
    per_component: Vec<(usize, Option<(usize, usize)>)>,
    precision: u8,
    max_dc: i32,
    max_ac: i32,
}

impl RangeCheck {
    fn new(components: usize, precision: u8) -> Self {
        let (max_dc, max_ac) = max_values(precision);
        RangeCheck {
            per_component: vec![(0, None); components],
            precision,
            max_dc,
            max_ac,
        }
    }

    #[inline]
    fn block(&mut self, c: usize, bx: usize, by: usize, b: &Block) {
        // Minimum and maximum over the whole block (vectorised: SSE2 has 16-bit signed
        // min/max) rather than an early exit, and the exact test only for the rare
        // block with a value beyond the AC range.
        let (lo, hi) = b
            .iter()
            .fold((0i16, 0i16), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        if i32::from(lo) >= -self.max_ac && i32::from(hi) <= self.max_ac {
            return;
        }
        let ac = b[1..]
            .iter()
            .map(|v| i32::from(v.unsigned_abs()))
            .max()
            .unwrap_or(0);
        if i32::from(b[0].unsigned_abs()) > self.max_dc || ac > self.max_ac {
            if let Some((count, first)) = self.per_component.get_mut(c) {
                *count += 1;
                first.get_or_insert((bx, by));
            }
        }
    }

    /// Adds the check of a later part of the scan.
    fn absorb(&mut self, later: RangeCheck) {
        for (mine, theirs) in self.per_component.iter_mut().zip(later.per_component) {
            mine.0 += theirs.0;
            mine.1 = mine.1.or(theirs.1);
        }
    }

    /// At most one finding per component, at its first such block.
    fn findings(&self, img: &CoefficientImage, out: &mut Vec<Finding>) {
        let g = img.geometry();
        for (ci, (c, &(count, first))) in img.components.iter().zip(&self.per_component).enumerate()
        {
            let Some((bx, by)) = first else { continue };
            let (h, v) = (c.h.max(1) as usize, c.v.max(1) as usize);
            let interleaved = img.components.len() > 1;
            let (col, row, cols) = if interleaved {
                (bx / h, by / v, g.mcus_x())
            } else {
                (bx, by, g.real_blocks(ci).0)
            };
            let mut f = finding(
                Status::Warning,
                "coefficient_out_of_range",
                format!(
                    "DCT coefficient out of range for {}-bit samples in {count} block(s) of component {}",
                    self.precision, c.id
                ),
                None,
            );
            f.mcu = Some(McuPosition {
                index: row * cols + col,
                column: col,
                row,
            });
            f.block = Some((ci, bx, by));
            out.push(f);
        }
    }
}

/// Entropy-coded data after a scan's last MCU that sits behind a restart marker: the
/// decoder stops at the marker that ends the last interval, so the bytes behind it
/// (and behind any further RSTn) belong to no MCU. T.81 B.2.4.4 allows exactly
/// ⌈MCUs / Ri⌉ − 1 restart markers in a scan; libjpeg skips the extra ones between
/// scans and reports the bytes before each following marker as extraneous. One finding
/// per scan, only for scans whose decoding gave no other warning (otherwise the
/// marker count says nothing about where the data ends).
fn data_after_last_interval(
    file: &JpegFile,
    img: &crate::coeffs::CoefficientImage,
    out: &mut Vec<Finding>,
) {
    use crate::container::{parse_dri, parse_scan, Item, Marker};
    let g = img.geometry();
    let ids: Vec<u8> = img.components.iter().map(|c| c.id).collect();
    let mut ri = 0usize;
    let mut n = 0usize;
    for item in &file.items {
        let scan = match item {
            Item::Segment(s) if s.marker == Marker::DRI => {
                ri = parse_dri(s).map_or(ri, usize::from);
                continue;
            }
            Item::Segment(_) => continue,
            Item::Scan(scan) => scan,
        };
        n += 1;
        let Ok(h) = parse_scan(&scan.header) else {
            continue;
        };
        if out.iter().any(|p| p.scan == Some(n)) {
            continue;
        }
        let mcus = match h.components.as_slice() {
            [one] => match ids.iter().position(|&id| id == one.id) {
                Some(ci) => g.real_blocks(ci).0 * g.real_blocks(ci).1,
                None => continue,
            },
            _ => g.mcus_x() * g.mcus_y(),
        };
        let allowed = if ri > 0 {
            mcus.div_ceil(ri).saturating_sub(1)
        } else {
            0
        };
        let markers = restart_markers(scan.ecs);
        let Some(&first_extra) = markers.get(allowed) else {
            continue;
        };
        // Bytes that are neither the extra markers nor the 0xFF fill before them.
        let tail = &scan.ecs[first_extra..];
        let extra = tail.len() - 2 * (markers.len() - allowed);
        if extra == 0 {
            continue;
        }
        let mut f = finding(
            Status::Warning,
            "extraneous_bytes",
            format!(
                "{extra} extraneous bytes after the last MCU ({} restart marker(s) more than the {allowed} the scan needs)",
                markers.len() - allowed
            ),
            Some(scan.ecs_offset() + first_extra),
        );
        f.scan = Some(n);
        out.push(f);
    }
}

/// Offsets of the RSTn markers in stored entropy-coded data.
fn restart_markers(ecs: &[u8]) -> Vec<usize> {
    // Every 0xFF followed by D0–D7 (a byte that is not 0xFF, so no marker overlaps
    // another).
    crate::container::ff_positions(ecs)
        .filter(|&i| ecs.get(i + 1).is_some_and(|b| (0xD0..=0xD7).contains(b)))
        .collect()
}

/// What the bytes after EOI look like.
pub fn trailer_kind(t: &[u8]) -> &'static str {
    let nz = &t[t.iter().take_while(|&&c| c == 0).count()..];
    let ff = &t[t.iter().take_while(|&&c| c == 0xFF).count()..];
    if t.starts_with(&[0xFF, 0xD8]) {
        "another JPEG image (SOI): an MPF secondary image, gain map or thumbnail"
    } else if nz.is_empty() {
        "zero padding"
    } else if ff.is_empty() {
        "0xFF padding"
    } else if nz.starts_with(&[0xFF, 0xD8]) {
        "zero padding, then another JPEG image (SOI)"
    } else if contains(t, b"SEFH") || contains(t, b"SEFT") {
        "Samsung trailer (SEFH/SEFT extended data)"
    } else if contains(t, b"FFmpeg") || contains(t, b"ftyp") {
        "embedded video (motion photo)"
    } else if contains(t, &[0xFF, 0xD8, 0xFF]) {
        "stale data containing a JPEG image"
    } else if t
        .iter()
        .all(|&c| c == 0x0A || c == 0x0D || c == 0x20 || c == 0x1A)
    {
        "whitespace or end-of-file characters"
    } else {
        "unrecognised data"
    }
}

fn contains(h: &[u8], n: &[u8]) -> bool {
    h.windows(n.len()).any(|w| w == n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A baseline file of noise (`channels` 1 or 3) with `sampling`, `quality` and
    /// restart interval `ri`.
    fn noisy_file(
        next: &mut impl FnMut() -> u64,
        (w, h, channels): (u32, u32, usize),
        sampling: crate::pixels::Sampling,
        quality: u8,
        ri: u16,
    ) -> Vec<u8> {
        use crate::pipeline::{encode_pixels, PixelEncodeOptions};
        use crate::pixels::{EncodeParams, PixelImage};
        let noise = if quality > 90 { 63 } else { 15 };
        let data = (0..w * h * channels as u32)
            .map(|i| (i * 7 % 251) as u8 ^ next() as u8 & noise)
            .collect();
        let img = PixelImage {
            width: w,
            height: h,
            channels,
            data,
        };
        let opts = PixelEncodeOptions {
            params: EncodeParams {
                quality,
                sampling,
                grayscale: channels == 1,
                ..EncodeParams::default()
            },
            restart_interval: ri,
            ..Default::default()
        };
        encode_pixels(&img, &opts).unwrap()
    }

    /// `clean` and `count − 1` random mutants of it (bytes flipped, replaced, inserted
    /// or removed): the verdict on 2 and 3 threads is the one on 1.
    fn mutants_agree(clean: &[u8], next: &mut impl FnMut() -> u64, count: usize, what: &str) {
        for m in 0..count {
            let d = crate::mutant(clean, m, next);
            let one = verify_threaded(&d, &Limits::default(), 1);
            for t in [2, 3] {
                let other = verify_threaded(&d, &Limits::default(), t);
                assert_eq!(one, other, "{what} mutant {m}, {t} threads");
            }
        }
    }

    /// Small baseline files with restart intervals (split into parts here, see
    /// [`PARALLEL_ECS_BYTES`]) and random mutants of them: the verdict is the same on
    /// 1, 2 and 3 threads, whatever the parts find.
    #[test]
    fn threads_do_not_change_the_verdict_of_mutants() {
        use crate::pixels::Sampling;
        let mut next = crate::xorshift64(0x2545_F491_4F6C_DD1D);
        for (channels, sampling, ri) in [
            (3, Sampling::S420, 1),
            (3, Sampling::S444, 3),
            (1, Sampling::S444, 2),
        ] {
            let clean = noisy_file(&mut next, (61, 45, channels), sampling, 85, ri);
            mutants_agree(&clean, &mut next, 150, &format!("ri {ri}"));
        }
    }

    /// Scans without restart markers, large enough to be checked in shares on several
    /// threads (see `check_speculatively`), and random mutants of them: the verdict is
    /// the same on 1, 2 and 3 threads, and the clean files are shown clean in shares.
    #[test]
    fn shares_do_not_change_the_verdict_of_mutants() {
        use crate::entropy::rows::{decode_streamed, Streamed};
        use crate::pixels::Sampling;
        let mut next = crate::xorshift64(0x9E37_79B9_7F4A_7C15);
        for (channels, sampling) in [
            (3, Sampling::S420),
            (3, Sampling::S444),
            (1, Sampling::S444),
        ] {
            let clean = noisy_file(&mut next, (331, 243, channels), sampling, 95, 0);
            let file = JpegFile::parse(&clean).unwrap();
            let Streamed::Rows(scan) = decode_streamed(&file, &Limits::default()).unwrap() else {
                panic!("one sequential scan");
            };
            assert!(
                scan.clean_without_restarts(3, max_values(8).0, max_values(8).1),
                "{sampling:?}"
            );
            mutants_agree(&clean, &mut next, 200, &format!("{sampling:?}"));
        }
    }

    #[test]
    fn not_a_jpeg_is_an_error() {
        let v = verify(b"GIF89a");
        assert_eq!(v.status, Status::Error);
        assert_eq!(v.problems[0].kind, "not_jpeg");
        assert!(v.summary.starts_with("ERROR"));
    }

    #[test]
    fn restart_markers_skip_stuffing() {
        let ecs = [0x12, 0xFF, 0x00, 0xFF, 0xD0, 0x34, 0xFF, 0xFF, 0xD1, 0x56];
        assert_eq!(restart_markers(&ecs), vec![3, 7]);
    }

    /// A file whose DC values leave the 8-bit range (each difference fits T.81 F.1.2.1's
    /// 11 bits, the running value does not): the range check finds the same block
    /// whether the rows are streamed (one sequential scan) or the image is decoded whole
    /// (progressive).
    #[test]
    fn range_check_streamed_and_whole_agree() {
        use crate::coeffs::CoefficientImage;
        use crate::entropy::{encode, CodingMode, EncodeOptions};
        let mut img = CoefficientImage::zeroed(48, 16, 8, &[(1, 1, 1, 0), (2, 1, 1, 1)]);
        let blocks = &mut img.components[0].plane.blocks;
        blocks[0][0] = 1500;
        blocks[1][0] = 1500 + 2000;
        blocks[2][0] = 1500;
        img.components[0].plane.blocks[4][5] = -7;
        let mut kinds = Vec::new();
        for mode in [CodingMode::Sequential, CodingMode::Progressive] {
            let opts = EncodeOptions {
                mode,
                ..EncodeOptions::default()
            };
            let mut f = vec![0xFF, 0xD8];
            f.extend(encode(&img, &opts).unwrap());
            f.extend([0xFF, 0xD9]);
            let v = verify(&f);
            assert_eq!(v.status, Status::Warning, "{mode:?}: {}", v.summary);
            let p = &v.problems[0];
            assert_eq!(p.kind, "coefficient_out_of_range");
            assert_eq!(p.block, Some((0, 1, 0)));
            kinds.push((p.message.clone(), p.mcu));
        }
        assert_eq!(kinds[0], kinds[1]);
    }

    #[test]
    fn trailer_kinds() {
        assert_eq!(trailer_kind(&[0, 0, 0]), "zero padding");
        assert!(trailer_kind(&[0xFF, 0xD8, 0xFF, 0xE1]).contains("JPEG"));
    }
}
