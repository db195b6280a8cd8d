//! Pure parsers from a segment body to plain header values (T.81 B.2.2–B.2.4, B.2.5).

use super::file::Segment;
use super::marker::Marker;
use crate::coeffs::{QuantTable, ZIGZAG};
use crate::error::{Error, MalformedKind, Result};

/// One component of a frame header (T.81 B.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct FrameComponent {
    /// Component identifier Ci.
    pub id: u8,
    /// Horizontal sampling factor Hi.
    pub h: u8,
    /// Vertical sampling factor Vi.
    pub v: u8,
    /// Quantization table destination Tqi.
    pub tq: u8,
}

/// A frame header (SOFn).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameHeader {
    /// Which SOFn.
    pub marker: Marker,
    /// Sample precision P.
    pub precision: u8,
    /// Number of lines Y (0: defined later by DNL).
    pub height: u16,
    /// Samples per line X.
    pub width: u16,
    /// Components in order.
    pub components: Vec<FrameComponent>,
}

/// One component of a scan header (T.81 B.2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ScanComponent {
    /// Component selector Csj (matches a frame component id).
    pub id: u8,
    /// DC entropy table selector Tdj.
    pub td: u8,
    /// AC entropy table selector Taj.
    pub ta: u8,
}

/// A scan header (SOS).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ScanHeader {
    /// Components in scan order.
    pub components: Vec<ScanComponent>,
    /// Start of spectral selection Ss.
    pub ss: u8,
    /// End of spectral selection Se.
    pub se: u8,
    /// Successive approximation bit position high Ah.
    pub ah: u8,
    /// Successive approximation bit position low Al.
    pub al: u8,
}

/// A Huffman table specification as stored in DHT (T.81 B.2.4.2): code counts per
/// length and the symbols in code order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HuffmanSpec {
    /// 0 for DC (and lossless), 1 for AC.
    pub class: u8,
    /// Destination identifier Th (0–3).
    pub id: u8,
    /// `counts[i]` codes of length i + 1.
    pub counts: [u8; 16],
    /// Symbol values in order of increasing code length.
    pub symbols: Vec<u8>,
}

fn bad(offset: usize, msg: impl Into<String>) -> Error {
    Error::malformed(offset, MalformedKind::BadHeader(msg.into()))
}

fn need(seg: &Segment, len: usize, what: &'static str) -> Result<()> {
    if seg.body.len() < len {
        return Err(Error::malformed(seg.offset, MalformedKind::Truncated(what)));
    }
    Ok(())
}

/// Parses a SOFn body.
pub fn parse_frame(seg: &Segment) -> Result<FrameHeader> {
    let b = seg.body;
    need(seg, 6, "frame header")?;
    let n = b[5] as usize;
    need(seg, 6 + 3 * n, "frame header")?;
    let at = seg.body_offset();
    if n == 0 {
        return Err(bad(at + 5, format!("frame with {n} components")));
    }
    let mut components = Vec::with_capacity(n);
    for i in 0..n {
        let c = &b[6 + 3 * i..9 + 3 * i];
        let (h, v) = (c[1] >> 4, c[1] & 15);
        if !(1..=4).contains(&h) || !(1..=4).contains(&v) {
            return Err(bad(at + 7 + 3 * i, format!("bad sampling factors {h}x{v}")));
        }
        if c[2] > 3 {
            return Err(bad(
                at + 8 + 3 * i,
                format!("bad quantization table selector {}", c[2]),
            ));
        }
        if components.iter().any(|x: &FrameComponent| x.id == c[0]) {
            return Err(bad(
                at + 6 + 3 * i,
                format!("duplicate component id {}", c[0]),
            ));
        }
        components.push(FrameComponent {
            id: c[0],
            h,
            v,
            tq: c[2],
        });
    }
    let width = u16::from_be_bytes([b[3], b[4]]);
    if width == 0 {
        return Err(bad(at + 3, "image width 0"));
    }
    Ok(FrameHeader {
        marker: seg.marker,
        precision: b[0],
        height: u16::from_be_bytes([b[1], b[2]]),
        width,
        components,
    })
}

/// Parses an SOS body.
pub fn parse_scan(seg: &Segment) -> Result<ScanHeader> {
    let b = seg.body;
    need(seg, 1, "scan header")?;
    let n = b[0] as usize;
    need(seg, 4 + 2 * n, "scan header")?;
    let at = seg.body_offset();
    if !(1..=4).contains(&n) {
        return Err(bad(at, format!("scan with {n} components")));
    }
    let components = (0..n)
        .map(|i| ScanComponent {
            id: b[1 + 2 * i],
            td: b[2 + 2 * i] >> 4,
            ta: b[2 + 2 * i] & 15,
        })
        .collect();
    let p = 1 + 2 * n;
    Ok(ScanHeader {
        components,
        ss: b[p],
        se: b[p + 1],
        ah: b[p + 2] >> 4,
        al: b[p + 2] & 15,
    })
}

/// Parses a DQT body into (slot, table) pairs, converting zigzag to natural order.
pub fn parse_dqt(seg: &Segment) -> Result<Vec<(u8, QuantTable)>> {
    let b = seg.body;
    let mut out = Vec::new();
    let mut p = 0;
    while p < b.len() {
        let (pq, tq) = (b[p] >> 4, b[p] & 15);
        if pq > 1 || tq > 3 {
            return Err(bad(
                seg.body_offset() + p,
                format!("bad DQT Pq/Tq byte 0x{:02X}", b[p]),
            ));
        }
        let size = if pq == 1 { 128 } else { 64 };
        if p + 1 + size > b.len() {
            return Err(Error::malformed(
                seg.offset,
                MalformedKind::Truncated("DQT"),
            ));
        }
        let mut values = [0u16; 64];
        for (k, &nat) in ZIGZAG.iter().enumerate() {
            values[nat] = if pq == 1 {
                u16::from_be_bytes([b[p + 1 + 2 * k], b[p + 2 + 2 * k]])
            } else {
                b[p + 1 + k] as u16
            };
        }
        out.push((
            tq,
            QuantTable {
                values,
                sixteen_bit: pq == 1,
            },
        ));
        p += 1 + size;
    }
    Ok(out)
}

/// Parses a DHT body into table specifications.
pub fn parse_dht(seg: &Segment) -> Result<Vec<HuffmanSpec>> {
    let b = seg.body;
    let mut out = Vec::new();
    let mut p = 0;
    while p < b.len() {
        if p + 17 > b.len() {
            return Err(Error::malformed(
                seg.offset,
                MalformedKind::Truncated("DHT"),
            ));
        }
        let (class, id) = (b[p] >> 4, b[p] & 15);
        if class > 1 || id > 3 {
            return Err(bad(
                seg.body_offset() + p,
                format!("bad DHT Tc/Th byte 0x{:02X}", b[p]),
            ));
        }
        let mut counts = [0u8; 16];
        counts.copy_from_slice(&b[p + 1..p + 17]);
        let total: usize = counts.iter().map(|&c| c as usize).sum();
        if total > 256 || p + 17 + total > b.len() {
            return Err(bad(seg.body_offset() + p, "bad Huffman table counts"));
        }
        out.push(HuffmanSpec {
            class,
            id,
            counts,
            symbols: b[p + 17..p + 17 + total].to_vec(),
        });
        p += 17 + total;
    }
    Ok(out)
}

/// Parses a DRI body: the restart interval Ri in MCUs.
pub fn parse_dri(seg: &Segment) -> Result<u16> {
    need(seg, 2, "DRI")?;
    Ok(u16::from_be_bytes([seg.body[0], seg.body[1]]))
}

/// Parses a DNL body: the number of lines.
pub fn parse_dnl(seg: &Segment) -> Result<u16> {
    need(seg, 2, "DNL")?;
    Ok(u16::from_be_bytes([seg.body[0], seg.body[1]]))
}

/// Serialises a quantization table as a DQT body entry (zigzag order).
pub fn write_dqt_entry(out: &mut Vec<u8>, slot: u8, t: &QuantTable) {
    let sixteen = t.sixteen_bit || !t.fits_8bit();
    out.push(((sixteen as u8) << 4) | slot);
    for &nat in ZIGZAG.iter() {
        if sixteen {
            out.extend_from_slice(&t.values[nat].to_be_bytes());
        } else {
            out.push(t.values[nat] as u8);
        }
    }
}

/// Serialises a Huffman specification as a DHT body entry.
pub fn write_dht_entry(out: &mut Vec<u8>, spec: &HuffmanSpec) {
    out.push((spec.class << 4) | spec.id);
    out.extend_from_slice(&spec.counts);
    out.extend_from_slice(&spec.symbols);
}

/// Serialises a frame header body.
pub fn write_frame(out: &mut Vec<u8>, f: &FrameHeader) {
    out.push(f.precision);
    out.extend_from_slice(&f.height.to_be_bytes());
    out.extend_from_slice(&f.width.to_be_bytes());
    out.push(f.components.len() as u8);
    for c in &f.components {
        out.extend_from_slice(&[c.id, (c.h << 4) | c.v, c.tq]);
    }
}

/// Serialises a scan header body.
pub fn write_scan(out: &mut Vec<u8>, s: &ScanHeader) {
    out.push(s.components.len() as u8);
    for c in &s.components {
        out.extend_from_slice(&[c.id, (c.td << 4) | c.ta]);
    }
    out.extend_from_slice(&[s.ss, s.se, (s.ah << 4) | s.al]);
}
