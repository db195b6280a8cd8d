//! The human-readable form of a [`Report`]. Plain text, no colours; every string that
//! comes from the file is escaped so control characters cannot reach a terminal.

use super::meta::MetaDetails;
use super::{component_name, Report};
use std::fmt::Write;

/// Longest comment or metadata string printed in full (non-verbose).
const MAX_TEXT: usize = 200;

/// Most warnings (and problems) listed in the short form.
const MAX_LISTED: usize = 20;

/// Escapes control characters (and backslashes) so the result is one printable line.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes and shortens to `max` characters (with "…" when cut).
fn clip(s: &str, max: usize) -> String {
    let e = escape(s);
    if e.chars().count() <= max {
        e
    } else {
        let mut t: String = e.chars().take(max).collect();
        t.push('…');
        t
    }
}

pub(super) fn render(r: &Report, verbose: bool) -> String {
    let mut o = String::new();
    let _ = render_into(&mut o, r, verbose);
    o
}

fn render_into(o: &mut String, r: &Report, verbose: bool) -> std::fmt::Result {
    writeln!(
        o,
        "size: {} bytes, {} segments, {} scans",
        r.size,
        r.segments.len(),
        r.scans.len()
    )?;
    write_frame(o, r)?;
    write_segments(o, r)?;
    write_quant_tables(o, r)?;
    write_huffman_tables(o, r, verbose)?;
    write_scans(o, r, verbose)?;
    write_metadata(o, r, verbose)?;
    write_source(o, r, verbose)?;
    write_trailer_and_problems(o, r, verbose)?;
    Ok(())
}

/// Frame header and components, and any other frames.
fn write_frame(o: &mut String, r: &Report) -> std::fmt::Result {
    match &r.frame {
        Some(f) => {
            let mut height = f.height.to_string();
            if f.height == 0 {
                height = match f.dnl_height {
                    Some(n) => format!("0 (DNL: {n})"),
                    None => "0 (DNL missing)".into(),
                };
            }
            writeln!(
                o,
                "frame: {} ({}), {}-bit, {}x{}, {} {}",
                f.marker, f.process, f.precision, f.width, height, f.color_space, f.sampling
            )?;
            let comps: Vec<String> = f
                .components
                .iter()
                .map(|c| {
                    format!(
                        "{} (id {}) {}x{} q{}",
                        c.name.unwrap_or("?"),
                        c.id,
                        c.h,
                        c.v,
                        c.tq
                    )
                })
                .collect();
            writeln!(o, "  components: {}", comps.join(", "))?;
        }
        None => writeln!(o, "frame: none")?,
    }
    for f in &r.other_frames {
        writeln!(
            o,
            "  another frame: {} at {}, {}x{}",
            f.marker, f.offset, f.width, f.height
        )?;
    }
    Ok(())
}

/// Segments, one line each.
fn write_segments(o: &mut String, r: &Report) -> std::fmt::Result {
    writeln!(o, "segments:")?;
    writeln!(
        o,
        "  {:>10}  {:<6} {:>8}  summary",
        "offset", "marker", "length"
    )?;
    for s in &r.segments {
        let mut line = format!("  {:>10}  {:<6} {:>8}", s.offset, s.marker, s.length);
        if s.fill_bytes > 0 {
            let _ = write!(line, "  [{} fill bytes before]", s.fill_bytes);
        }
        if !s.summary.is_empty() {
            let _ = write!(line, "  {}", clip(&s.summary, 160));
        }
        writeln!(o, "{line}")?;
    }
    Ok(())
}

/// Quantization tables as 8×8 grids.
fn write_quant_tables(o: &mut String, r: &Report) -> std::fmt::Result {
    if !r.quant_tables.is_empty() {
        writeln!(o, "quantization tables:")?;
        for q in &r.quant_tables {
            writeln!(
                o,
                "  slot {}, {}-bit (DQT at {}):",
                q.slot, q.precision, q.offset
            )?;
            let width = if q.values.iter().any(|&v| v > 999) {
                6
            } else {
                4
            };
            for row in q.values.chunks(8) {
                let cells: String = row.iter().map(|v| format!("{v:>width$}")).collect();
                writeln!(o, "   {cells}")?;
            }
        }
    }
    Ok(())
}

/// Huffman tables: their names (verbose: code counts and Annex K matches).
fn write_huffman_tables(o: &mut String, r: &Report, verbose: bool) -> std::fmt::Result {
    if !r.huffman_tables.is_empty() {
        if verbose {
            writeln!(o, "Huffman tables:")?;
            for h in &r.huffman_tables {
                let counts: Vec<String> = h.counts.iter().map(|c| c.to_string()).collect();
                let std = h
                    .standard
                    .map(|s| format!(" = Annex {s}"))
                    .unwrap_or_default();
                writeln!(
                    o,
                    "  {}{} (DHT at {}): {} symbols, counts {}{}",
                    h.class,
                    h.id,
                    h.offset,
                    h.symbol_count,
                    counts.join(" "),
                    std
                )?;
            }
        } else {
            let parts: Vec<String> = r
                .huffman_tables
                .iter()
                .map(|h| match h.standard {
                    Some(_) => format!("{}{} (standard)", h.class, h.id),
                    None => format!("{}{}", h.class, h.id),
                })
                .collect();
            writeln!(o, "Huffman tables: {}", parts.join(", "))?;
        }
    }
    Ok(())
}

/// Scans: the segment lines say most; verbose adds table selectors. Then the restart
/// intervals.
fn write_scans(o: &mut String, r: &Report, verbose: bool) -> std::fmt::Result {
    if verbose && !r.scans.is_empty() {
        writeln!(o, "scans:")?;
        for (i, s) in r.scans.iter().enumerate() {
            match &s.header {
                Some(h) => {
                    let comps: Vec<String> = h
                        .components
                        .iter()
                        .map(|c| {
                            format!(
                                "{} DC{} AC{}",
                                component_name(r.frame.as_ref(), c.id),
                                c.td,
                                c.ta
                            )
                        })
                        .collect();
                    writeln!(
                        o,
                        "  {:>3} at {}: {}; Ss={} Se={} Ah={} Al={}; {} bytes, {} RST",
                        i + 1,
                        s.offset,
                        comps.join(", "),
                        h.ss,
                        h.se,
                        h.ah,
                        h.al,
                        s.data_length,
                        s.rst_count
                    )?;
                }
                None => writeln!(
                    o,
                    "  {:>3} at {}: invalid header; {} bytes",
                    i + 1,
                    s.offset,
                    s.data_length
                )?,
            }
        }
    }

    for d in &r.restart_interval {
        writeln!(
            o,
            "restart interval: {} MCUs (DRI at {})",
            d.interval, d.offset
        )?;
    }
    Ok(())
}

/// Metadata: the segment lines carry the summaries; this adds the interesting fields
/// (verbose: every field of every segment).
fn write_metadata(o: &mut String, r: &Report, verbose: bool) -> std::fmt::Result {
    let mut header_done = false;
    for m in &r.metadata {
        let mut lines = String::new();
        match &m.details {
            Some(d) if verbose => write_fields(&mut lines, d)?,
            Some(d) => write_highlights(&mut lines, d)?,
            None => {}
        }
        if lines.is_empty() && !verbose {
            continue;
        }
        if !header_done {
            writeln!(o, "metadata:")?;
            header_done = true;
        }
        writeln!(
            o,
            "  {} at {}: {}",
            m.marker,
            m.offset,
            clip(&m.summary, 160)
        )?;
        o.push_str(&lines);
    }
    Ok(())
}

/// Quality, identification and coefficient hash.
fn write_source(o: &mut String, r: &Report, verbose: bool) -> std::fmt::Result {
    if let Some(q) = &r.quality {
        writeln!(o, "quality: {}", q.summary)?;
        if verbose || q.tables.len() > 1 && q.tables.iter().any(|t| t.quality != q.quality) {
            for t in &q.tables {
                writeln!(o, "  slot {} (DQT at {}): {}", t.slot, t.offset, t.summary)?;
            }
        }
    }
    let id = &r.identification;
    if !id.candidates.is_empty() {
        writeln!(o, "source: {}", escape(&id.summary))?;
        let shown = if verbose { id.candidates.len() } else { 3 };
        for (i, c) in id.candidates.iter().enumerate().take(shown) {
            if i > 0 || verbose {
                writeln!(
                    o,
                    "  {}. {} (confidence {:.2})",
                    i + 1,
                    escape(&c.name),
                    c.confidence
                )?;
            }
            if verbose {
                for e in &c.evidence {
                    writeln!(o, "       - {}", clip(e, 300))?;
                }
            }
        }
    }
    // A thumbnail that does not show the image is a contradiction too; it is shown
    // once, on its own line.
    let of_thumbnail = |c: &String| {
        r.thumbnails
            .iter()
            .any(|t| *c == format!("the {} thumbnail {}", t.kind, t.verdict))
    };
    for c in id.contradictions.iter().filter(|c| !of_thumbnail(c)) {
        writeln!(o, "contradiction: {}", escape(c))?;
    }
    for t in &r.thumbnails {
        let label = if t.shows_image {
            "thumbnail"
        } else {
            "contradiction"
        };
        writeln!(
            o,
            "{label}: the {} thumbnail ({}x{}, segment at {}) {}",
            t.kind, t.width, t.height, t.offset, t.verdict
        )?;
    }
    if let Some(h) = &r.coefficient_hash {
        writeln!(o, "coefficient hash: {h}")?;
    }
    if let Some(h) = &r.sample_hash {
        writeln!(o, "sample hash: {h}")?;
    }
    if let Some(h) = &r.compression_history {
        writeln!(o, "compression history: {}", h.summary())?;
        if verbose {
            for f in &h.frequencies {
                writeln!(
                    o,
                    "  zigzag {:2}: step {:3}, {:6} nonzero, best first step {:3} (distance {:.3}, one compression {:.3}){}",
                    f.zigzag,
                    f.step,
                    f.nonzero,
                    f.best_step,
                    f.best_distance,
                    f.single_distance,
                    if f.evidence { " evidence" } else { "" }
                )?;
            }
        }
    }
    Ok(())
}

/// Trailer, missing EOI, warnings and problems.
fn write_trailer_and_problems(o: &mut String, r: &Report, verbose: bool) -> std::fmt::Result {
    if r.trailer.length > 0 {
        writeln!(
            o,
            "trailer: {} bytes at {} ({})",
            r.trailer.length, r.trailer.offset, r.trailer.kind
        )?;
        if let Some(c) = &r.trailer.camera {
            writeln!(o, "  its Exif names {} {}", c.make, c.model)?;
        }
        if let Some(m) = r.trailer.maker_format {
            writeln!(o, "  in {m}'s own trailer format")?;
        }
    }
    if !r.eoi_present {
        writeln!(o, "EOI: missing")?;
    }
    let limit = if verbose { usize::MAX } else { MAX_LISTED };
    for w in r.warnings.iter().take(limit) {
        writeln!(o, "warning: {}", escape(&w.to_string()))?;
    }
    if r.warnings.len() > limit {
        writeln!(
            o,
            "warning: … {} more (use verbose output to list all)",
            r.warnings.len() - limit
        )?;
    }
    for p in r.problems.iter().take(limit) {
        writeln!(o, "problem: {} (at byte {})", escape(&p.message), p.offset)?;
    }
    if r.problems.len() > limit {
        writeln!(
            o,
            "problem: … {} more (use verbose output to list all)",
            r.problems.len() - limit
        )?;
    }
    Ok(())
}

/// The few fields worth a line of their own in the short form.
fn write_highlights(o: &mut String, d: &MetaDetails) -> std::fmt::Result {
    let mut field = |k: &str, v: &Option<String>| match v {
        Some(v) => writeln!(o, "    {k}: {}", clip(v, MAX_TEXT)),
        None => Ok(()),
    };
    match d {
        MetaDetails::Exif(e) => {
            field("make", &e.make)?;
            field("model", &e.model)?;
            field("software", &e.software)?;
            field("date/time original", &e.date_time_original)?;
            if let (Some(x), Some(y)) = (e.pixel_x_dimension, e.pixel_y_dimension) {
                field("pixel dimensions", &Some(format!("{x}x{y}")))?;
            }
            for p in &e.problems {
                field("problem", &Some(p.clone()))?;
            }
        }
        MetaDetails::Icc(c) => {
            if let Some(p) = &c.profile {
                let v = format!(
                    "{} bytes, version {}, class {}, colour space {}",
                    p.size,
                    p.version.as_deref().unwrap_or("?"),
                    p.device_class.as_deref().unwrap_or("?"),
                    p.color_space.as_deref().unwrap_or("?").trim_end()
                );
                field("profile", &Some(v))?;
            }
        }
        MetaDetails::Mpf(m) => {
            for p in &m.problems {
                field("problem", &Some(p.clone()))?;
            }
            for (i, im) in m.images.iter().enumerate() {
                let v = format!(
                    "{}, {} bytes at {}{}",
                    im.type_name,
                    im.size,
                    im.file_offset,
                    if im.starts_with_soi {
                        ""
                    } else {
                        " (no SOI there)"
                    }
                );
                field(&format!("image {}", i + 1), &Some(v))?;
            }
        }
        MetaDetails::Photoshop(p) => {
            let ids: Vec<String> = p
                .resources
                .iter()
                .map(|r| format!("0x{:04X}", r.id))
                .collect();
            field("resources", &Some(ids.join(" ")))?;
            for p in &p.problems {
                field("problem", &Some(p.clone()))?;
            }
        }
        MetaDetails::Comment(c) => field("text", &Some(format!("\"{}\"", c.text)))?,
        _ => {}
    }
    Ok(())
}

/// Every field of the details, one per line, via their JSON form.
fn write_fields(o: &mut String, d: &MetaDetails) -> std::fmt::Result {
    let Ok(serde_json::Value::Object(map)) = serde_json::to_value(d) else {
        return Ok(());
    };
    for (k, v) in map.iter().filter(|(k, _)| k.as_str() != "kind") {
        write_value(o, 4, k, v)?;
    }
    Ok(())
}

fn write_value(o: &mut String, indent: usize, k: &str, v: &serde_json::Value) -> std::fmt::Result {
    use serde_json::Value;
    let pad = " ".repeat(indent);
    match v {
        Value::Null => Ok(()),
        Value::String(s) if s.is_empty() => Ok(()),
        Value::String(s) => writeln!(o, "{pad}{k}: {}", clip(s, 1000)),
        Value::Object(m) => {
            writeln!(o, "{pad}{k}:")?;
            for (k2, v2) in m {
                write_value(o, indent + 2, k2, v2)?;
            }
            Ok(())
        }
        Value::Array(a) if a.iter().any(|x| x.is_object()) => {
            writeln!(o, "{pad}{k}:")?;
            for (i, x) in a.iter().enumerate() {
                writeln!(o, "{pad}  [{}] {}", i + 1, one_line(x))?;
            }
            Ok(())
        }
        Value::Array(a) if a.is_empty() => Ok(()),
        Value::Array(a) => {
            let items: Vec<String> = a
                .iter()
                .map(|x| match x {
                    Value::String(s) => clip(s, 1000),
                    x => x.to_string(),
                })
                .collect();
            writeln!(o, "{pad}{k}: {}", items.join("; "))
        }
        v => writeln!(o, "{pad}{k}: {v}"),
    }
}

/// An object as `key=value` pairs on one line (nulls and empty strings left out).
fn one_line(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Object(m) => m
            .iter()
            .filter(|(_, v)| !v.is_null() && v.as_str() != Some(""))
            .map(|(k, v)| match v {
                Value::String(s) => format!("{k}=\"{}\"", clip(s, 200)),
                v => format!("{k}={v}"),
            })
            .collect::<Vec<_>>()
            .join(" "),
        Value::String(s) => clip(s, 200),
        v => v.to_string(),
    }
}
