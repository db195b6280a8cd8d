//! Lossless JPEG (T.81 Annex H, SOF3): every sample is predicted from its decoded
//! neighbours (H.1.2.1) and the difference, modulo 2^16, is Huffman-coded as a DC
//! difference is (H.1.2.2: categories 0 to 16, 16 standing for 32768 with no extra
//! bits). There are no DCT blocks: the result is the samples themselves.

use super::bitread::BitReader;
use super::huffdec::HuffDecoder;
use super::Limits;
pub use crate::coeffs::samples::{SampleImage, SamplePlane};
use crate::container::{
    parse_dht, parse_dri, parse_frame, parse_scan, FrameHeader, HuffmanSpec, Item, JpegFile,
    Marker, Scan, ScanHeader,
};
use crate::error::{Error, LimitKind, MalformedKind, Result, Warning, WarningKind};

/// Where decoded rows go: each image row as its components' rows.
pub type RowSink<'a> = &'a mut dyn FnMut(&[&[u16]]) -> Result<()>;

fn bad(offset: usize, msg: impl Into<String>) -> Error {
    Error::malformed(offset, MalformedKind::BadHeader(msg.into()))
}

/// Decodes the lossless (SOF3) frame of `file` whole; damaged data is tolerated as the
/// DCT decoder tolerates it (a warning, the rest of the scan predicted from zero
/// differences).
pub fn decode_lossless(file: &JpegFile, limits: &Limits) -> Result<(SampleImage, Vec<Warning>)> {
    walk(file, limits, None)
}

/// Decodes the lossless frame of `file` a row at a time: `row` gets each image row as
/// its components' rows (a component's row is the one its subsampled grid has there),
/// point transform undone. A frame coded in one scan holds only two rows of MCUs at
/// once, so a file that claims a huge image and ends early costs little memory; one
/// coded in several scans is held whole. Returns the warnings.
pub fn decode_lossless_rows(
    file: &JpegFile,
    limits: &Limits,
    row: &mut dyn FnMut(&[&[u16]]) -> Result<()>,
) -> Result<Vec<Warning>> {
    walk(file, limits, Some(row)).map(|(_, warnings)| warnings)
}

/// The frame header of `file`'s lossless frame (SOF3).
pub fn lossless_frame(file: &JpegFile) -> Result<FrameHeader> {
    let seg = file.segments().find(|s| s.marker == Marker::SOF3);
    parse_frame(seg.ok_or_else(|| Error::malformed(0, MalformedKind::NoFrame))?)
}

/// Walks `file`'s segments and scans. With `rows` and a single scan of every
/// component, the planes are rings of two MCU rows and each completed MCU row goes to
/// `rows`; otherwise the planes are whole (and go to `rows` row by row at the end,
/// when given). Returns the image (a ring when streamed) and the warnings.
fn walk(
    file: &JpegFile,
    limits: &Limits,
    mut rows: Option<RowSink<'_>>,
) -> Result<(SampleImage, Vec<Warning>)> {
    let mut tables: [Option<HuffmanSpec>; 4] = Default::default();
    let mut restart = 0u16;
    let mut frame: Option<(FrameHeader, SampleImage)> = None;
    let mut warnings = Vec::new();
    let mut scans = 0;
    // One scan of every component streams; anything else is decoded whole.
    let first_scan = file.scans().next().and_then(|s| parse_scan(&s.header).ok());
    let one_scan = file.scans().count() == 1;
    let mut streamed = false;
    let mut framed = false;
    for item in &file.items {
        match item {
            Item::Segment(seg) if seg.marker == Marker::DHT => {
                for spec in parse_dht(seg)? {
                    if spec.class == 0 {
                        let id = usize::from(spec.id & 3);
                        tables[id] = Some(spec);
                    }
                }
            }
            Item::Segment(seg) if seg.marker == Marker::DRI => restart = parse_dri(seg)?,
            // One frame per file outside hierarchical mode (T.81 B.2), as the DCT
            // decoder holds too: a second one would change the shape of what has
            // already been decoded and promised to the caller.
            Item::Segment(seg) if seg.marker.is_sof() && framed => {
                return Err(bad(seg.offset, "second frame header (SOFn)"));
            }
            Item::Segment(seg) if seg.marker.is_sof() && seg.marker != Marker::SOF3 => {
                framed = true;
            }
            Item::Segment(seg) if seg.marker == Marker::SOF3 => {
                framed = true;
                let header = parse_frame(seg)?;
                let all = first_scan.as_ref().map(|h| h.components.len());
                streamed = rows.is_some() && one_scan && all == Some(header.components.len());
                let image = plan(&header, seg.offset, limits, streamed)?;
                frame = Some((header, image));
            }
            Item::Scan(scan) => {
                let Some((header, image)) = frame.as_mut() else {
                    let at = scan.header.offset;
                    return Err(Error::malformed(at, MalformedKind::NoFrame));
                };
                scans += 1;
                if scans > limits.max_scans {
                    return Err(bad(scan.header.offset, "too many scans"));
                }
                let ctx = ScanCtx::new(header, scan, &tables, restart)?;
                let out = if streamed { rows.as_deref_mut() } else { None };
                ctx.decode(scan, image, &mut warnings, out)?;
            }
            _ => {}
        }
    }
    let image = match frame {
        Some((_, image)) if scans > 0 => image,
        Some(_) => return Err(Error::malformed(0, MalformedKind::NoScan)),
        None => return Err(Error::malformed(0, MalformedKind::NoFrame)),
    };
    if let (Some(r), false) = (rows, streamed) {
        for y in 0..image.height as usize {
            emit_row(&image, y, 0, r)?;
        }
    }
    Ok((image, warnings))
}

/// Hands image row `y` of `image` to `row`: each component's row there, shifted left
/// by `pt` (the point transform not yet undone in `image`).
fn emit_row<F: FnMut(&[&[u16]]) -> Result<()> + ?Sized>(
    image: &SampleImage,
    y: usize,
    pt: u8,
    row: &mut F,
) -> Result<()> {
    let vmax = image.max_v();
    let parts: Vec<Vec<u16>> = (image.components.iter())
        .map(|c| {
            let cy = y * usize::from(c.v) / vmax;
            let at = c.idx(0, cy);
            c.samples[at..at + c.width]
                .iter()
                .map(|&v| v << pt)
                .collect()
        })
        .collect();
    let refs: Vec<&[u16]> = parts.iter().map(|p| p.as_slice()).collect();
    row(&refs)
}

/// The image of `header` with zero samples (with `ring`, two rows of MCUs of each
/// component); refused beyond the limits.
fn plan(header: &FrameHeader, at: usize, limits: &Limits, ring: bool) -> Result<SampleImage> {
    if !(2..=16).contains(&header.precision) {
        return Err(bad(at + 4, "lossless precision outside 2..16"));
    }
    let (w, h) = (usize::from(header.width), usize::from(header.height));
    if h == 0 {
        return Err(Error::unsupported(
            "a lossless frame of height 0 (DNL)",
            Some(at),
        ));
    }
    if (w as u64) * (h as u64) > limits.max_pixels {
        return Err(Error::Limit(LimitKind::Pixels(w as u64 * h as u64)));
    }
    let (hmax, vmax) = max_factors(header);
    let (mx, my) = (w.div_ceil(hmax), h.div_ceil(vmax));
    let components = header
        .components
        .iter()
        .map(|c| {
            let (ch, cv) = (usize::from(c.h), usize::from(c.v));
            let held = if ring { 2 * cv } else { my * cv };
            SamplePlane {
                id: c.id,
                h: c.h,
                v: c.v,
                width: (w * ch).div_ceil(hmax),
                height: (h * cv).div_ceil(vmax),
                stride: mx * ch,
                samples: vec![0; mx * ch * held],
            }
        })
        .collect();
    Ok(SampleImage {
        width: w as u32,
        height: h as u32,
        precision: header.precision,
        components,
    })
}

/// The largest sampling factors of `header`'s components.
fn max_factors(header: &FrameHeader) -> (usize, usize) {
    let f = |g: fn(&crate::container::FrameComponent) -> u8| {
        header
            .components
            .iter()
            .map(|c| usize::from(g(c)))
            .max()
            .unwrap_or(1)
    };
    (f(|c| c.h), f(|c| c.v))
}

/// What one scan needs: its components (frame indices) and their tables, the
/// predictor, the point transform, the restart interval and the frame's MCUs.
struct ScanCtx {
    comps: Vec<(usize, Box<HuffDecoder>)>,
    predictor: u8,
    pt: u8,
    precision: u8,
    restart: usize,
    /// MCUs of an interleaved scan, per row and column.
    frame_mcus: (usize, usize),
}

impl ScanCtx {
    fn new(
        frame: &FrameHeader,
        scan: &Scan,
        tables: &[Option<HuffmanSpec>; 4],
        restart: u16,
    ) -> Result<Self> {
        let hdr: ScanHeader = parse_scan(&scan.header)?;
        let at = scan.header.offset;
        // H.1.2.1 and Table H.1: Ss is the predictor (0 only in hierarchical mode).
        if !(1..=7).contains(&hdr.ss) || hdr.se != 0 || hdr.ah != 0 || hdr.al >= frame.precision {
            return Err(bad(at, "bad lossless scan parameters"));
        }
        let mut comps = Vec::new();
        for sc in &hdr.components {
            let ci = (frame.components.iter())
                .position(|c| c.id == sc.id)
                .ok_or_else(|| bad(at, "scan component not in frame"))?;
            let spec = tables[usize::from(sc.td & 3)].as_ref().ok_or_else(|| {
                let what = format!("Huffman table DC{}", sc.td);
                Error::malformed(at, MalformedKind::MissingTable(what))
            })?;
            if spec.symbols.iter().any(|&s| s > 16) {
                return Err(bad(at, "lossless Huffman table with a symbol above 16"));
            }
            let dec = HuffDecoder::new(spec, false)
                .map_err(|e| bad(at, format!("bad Huffman table: {e:?}")))?;
            comps.push((ci, dec));
        }
        let (hmax, vmax) = max_factors(frame);
        let (w, h) = (usize::from(frame.width), usize::from(frame.height));
        Ok(ScanCtx {
            comps,
            predictor: hdr.ss,
            pt: hdr.al,
            precision: frame.precision,
            restart: usize::from(restart),
            frame_mcus: (w.div_ceil(hmax), h.div_ceil(vmax)),
        })
    }

    /// Decodes the scan's samples into `image`; with `rows`, each image row goes to it
    /// once its MCU row is complete (the planes may then be rings).
    fn decode<F: FnMut(&[&[u16]]) -> Result<()> + ?Sized>(
        &self,
        scan: &Scan,
        image: &mut SampleImage,
        warnings: &mut Vec<Warning>,
        mut rows: Option<&mut F>,
    ) -> Result<()> {
        let interleaved = self.comps.len() > 1;
        let first = &image.components[self.comps[0].0];
        // MCUs: H×V samples of each component (interleaved), or one sample.
        let (mcus_x, mcus_y) = match interleaved {
            true => self.frame_mcus,
            false => (first.width, first.height),
        };
        let vmax = image.max_v();
        let mut rd = Reader::new(scan);
        let mut state = Predict::new(self.precision, self.pt, self.comps.len());
        for m in 0..mcus_x * mcus_y {
            if self.restart > 0 && m > 0 && m % self.restart == 0 {
                rd.restart(warnings);
                state.restart();
            }
            let (mx, my) = (m % mcus_x, m / mcus_x);
            for (k, (ci, dec)) in self.comps.iter().enumerate() {
                let plane = &mut image.components[*ci];
                let (h, v) = match interleaved {
                    true => (usize::from(plane.h), usize::from(plane.v)),
                    false => (1, 1),
                };
                for yy in 0..v {
                    for xx in 0..h {
                        let diff = rd.diff(dec, warnings);
                        state.put(plane, k, (mx * h + xx, my * v + yy), self.predictor, diff);
                    }
                }
            }
            // A completed row of MCUs: its image rows go out.
            if let Some(r) = rows.as_mut().filter(|_| mx == mcus_x - 1) {
                let per = if interleaved { vmax } else { 1 };
                for y in my * per..((my + 1) * per).min(image.height as usize) {
                    emit_row(image, y, self.pt, &mut **r)?;
                }
            }
        }
        rd.finish(warnings);
        // The point transform (H.1.2.2) is undone at the end, so that the
        // predictions above use the coded values.
        if self.pt > 0 && rows.is_none() {
            for &(ci, _) in &self.comps {
                for s in image.components[ci].samples.iter_mut() {
                    *s <<= self.pt;
                }
            }
        }
        Ok(())
    }
}

/// The entropy-coded data of a scan as differences, through damage: after a bad code
/// or a missing restart marker the differences are 0 until the next good marker.
struct Reader<'a> {
    br: BitReader<'a>,
    /// Offset of the data in the file.
    base: usize,
    len: usize,
    broken: bool,
    next_rst: u8,
}

impl<'a> Reader<'a> {
    fn new(scan: &Scan<'a>) -> Self {
        Reader {
            br: BitReader::new(scan.ecs),
            base: scan.ecs_offset(),
            len: scan.ecs.len(),
            broken: false,
            next_rst: 0,
        }
    }

    /// Expects the next restart marker (RST0 to RST7 in turn).
    fn restart(&mut self, warnings: &mut Vec<Warning>) {
        match self.br.next_marker() {
            Some((_, code)) if code == 0xD0 + self.next_rst => {
                self.br.skip_marker();
                self.broken = false;
            }
            other => {
                let at = other.map_or(self.len, |(a, _)| a);
                warnings.push(Warning::at(self.base + at, WarningKind::BadRestart));
                self.broken = true;
            }
        }
        self.next_rst = (self.next_rst + 1) & 7;
    }

    /// The next difference (0 once the data is broken).
    fn diff(&mut self, dec: &HuffDecoder, warnings: &mut Vec<Warning>) -> i32 {
        if self.broken {
            return 0;
        }
        read_diff(&mut self.br, dec).unwrap_or_else(|| {
            let at = self.base + self.br.byte_offset();
            let what = "bad Huffman code in a lossless scan".into();
            warnings.push(Warning::at(at, WarningKind::CorruptData(what)));
            self.broken = true;
            0
        })
    }

    /// Warns when the data ended before the scan did.
    fn finish(&self, warnings: &mut Vec<Warning>) {
        if self.br.overrun() && !self.broken {
            warnings.push(Warning::at(self.base + self.len, WarningKind::PrematureEnd));
        }
    }
}

/// One difference: its category, then the category's bits (32768 for 16).
fn read_diff(br: &mut BitReader, dec: &HuffDecoder) -> Option<i32> {
    let s = u32::from(dec.decode(br)?);
    match s {
        16 => Some(32768),
        0..=15 => Some(br.receive_extend(s)),
        _ => None,
    }
}

/// Where prediction stands in a scan: per scan component, the first row of the
/// current restart interval (its "first line", H.1.2.1) and whether its first
/// sample is still to come.
struct Predict {
    init: i32,
    first_row: Vec<Option<usize>>,
}

impl Predict {
    fn new(precision: u8, pt: u8, n: usize) -> Self {
        Predict {
            init: 1 << (precision - pt - 1),
            first_row: vec![None; n],
        }
    }

    /// At a restart marker the prediction starts again as at the scan's start.
    fn restart(&mut self) {
        self.first_row.iter_mut().for_each(|r| *r = None);
    }

    /// Reconstructs the sample at `(x, y)` of `plane` (scan component `k`) from its
    /// difference.
    fn put(&mut self, plane: &mut SamplePlane, k: usize, at: (usize, usize), sel: u8, diff: i32) {
        let px = self.predict(plane, k, at, sel);
        let i = plane.idx(at.0, at.1);
        plane.samples[i] = (px + diff) as u16;
    }

    /// The prediction Px of the sample at `(x, y)` of `plane` (scan component `k`)
    /// from its neighbours (Table H.1), or by the first-line rules.
    fn predict(&mut self, plane: &SamplePlane, k: usize, (x, y): (usize, usize), sel: u8) -> i32 {
        let at = |xx: usize, yy: usize| i32::from(plane.samples[plane.idx(xx, yy)]);
        match self.first_row[k] {
            None => {
                self.first_row[k] = Some(y);
                self.init
            }
            // The first line: the sample to the left (or above, at a row's start).
            Some(r) if y == r => {
                if x > 0 {
                    at(x - 1, y)
                } else {
                    at(x, y.saturating_sub(1))
                }
            }
            Some(_) if x == 0 => at(0, y - 1),
            Some(_) => {
                let (ra, rb, rc) = (at(x - 1, y), at(x, y - 1), at(x - 1, y - 1));
                match sel {
                    1 => ra,
                    2 => rb,
                    3 => rc,
                    4 => ra + rb - rc,
                    5 => ra + ((rb - rc) >> 1),
                    6 => rb + ((ra - rc) >> 1),
                    _ => (ra + rb) >> 1,
                }
            }
        }
    }
}

/// How [`encode_lossless`] codes: the predictor (1–7), the point transform and the
/// restart interval in MCUs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LosslessOptions {
    pub predictor: u8,
    pub point_transform: u8,
    pub restart_interval: u16,
}

/// Codes `image` (every component full size) as a lossless frame: DHT, SOF3, DRI,
/// one interleaved scan (H.1.2) with optimal Huffman tables, the first component's
/// table 0 and the others' table 1, as libjpeg numbers them. Returns the segments
/// between SOI and EOI.
pub fn encode_lossless(image: &SampleImage, opts: &LosslessOptions) -> Result<Vec<u8>> {
    use super::encode::{install, write_dht};
    use super::huffenc::{Stats, Writer};
    use crate::container::{write_frame, write_scan, write_segment, FrameComponent, ScanComponent};
    let p = image.precision;
    let (sel, pt) = (opts.predictor, opts.point_transform);
    let n = image.components.len();
    if !(2..=16).contains(&p) || !(1..=7).contains(&sel) || pt >= p || !(1..=4).contains(&n) {
        return Err(Error::BadRequest(format!(
            "lossless coding needs precision 2-16, predictor 1-7, point transform below the precision and 1-4 components (got {p}, {sel}, {pt}, {n})"
        )));
    }
    if image.components.iter().any(|c| c.h != 1 || c.v != 1) {
        return Err(Error::unsupported("subsampled lossless output", None));
    }
    // libjpeg decodes restart intervals of whole rows of MCUs only.
    let ri = u32::from(opts.restart_interval);
    if ri % image.width.max(1) != 0 {
        return Err(Error::BadRequest(format!(
            "lossless restart interval {ri}: a whole number of rows ({} MCUs each)",
            image.width
        )));
    }
    let mut stats = Stats::new();
    diff_walk(image, opts, &mut stats);
    let specs: Vec<HuffmanSpec> = (0..n.min(2) as u8)
        .map(|t| super::optimal::optimal_spec(0, t, &stats.freq[usize::from(t)]))
        .collect();
    let mut out = Vec::new();
    let frame = FrameHeader {
        marker: Marker::SOF3,
        precision: p,
        height: image.height as u16,
        width: image.width as u16,
        components: (image.components.iter())
            .map(|c| FrameComponent {
                id: c.id,
                h: 1,
                v: 1,
                tq: 0,
            })
            .collect(),
    };
    let mut body = Vec::new();
    write_frame(&mut body, &frame);
    write_segment(&mut out, Marker::SOF3, &body);
    write_dht(&mut out, &specs);
    if opts.restart_interval > 0 {
        write_segment(&mut out, Marker::DRI, &opts.restart_interval.to_be_bytes());
    }
    let scan = ScanHeader {
        components: (image.components.iter().enumerate())
            .map(|(i, c)| ScanComponent {
                id: c.id,
                td: i.min(1) as u8,
                ta: 0,
            })
            .collect(),
        ss: sel,
        se: 0,
        ah: 0,
        al: pt,
    };
    let mut body = Vec::new();
    write_scan(&mut body, &scan);
    write_segment(&mut out, Marker::SOS, &body);
    let tabs = install(&specs);
    let mut w = Writer::new(out, &tabs);
    diff_walk(image, opts, &mut w);
    Ok(w.w.finish())
}

/// The differences of `image`'s samples (point-transformed) from their predictions,
/// in scan order, as symbols into `sink` (H.1.2.2: the category, 16 for 32768).
fn diff_walk<S: super::huffenc::Sink>(image: &SampleImage, opts: &LosslessOptions, sink: &mut S) {
    use super::huffenc::Emit;
    let pt = opts.point_transform;
    // The reconstructed (point-transformed) samples the predictions are made from.
    let shifted: Vec<SamplePlane> = (image.components.iter())
        .map(|c| SamplePlane {
            samples: c.samples.iter().map(|&v| v >> pt).collect(),
            ..c.clone()
        })
        .collect();
    let mut state = Predict::new(image.precision, pt, shifted.len());
    let (w, h) = (image.width as usize, image.height as usize);
    let ri = usize::from(opts.restart_interval);
    for m in 0..w * h {
        if ri > 0 && m > 0 && m % ri == 0 {
            sink.restart(m / ri - 1);
            state.restart();
        }
        let mut e = sink.open();
        for (k, plane) in shifted.iter().enumerate() {
            let at = (m % w, m / w);
            let px = state.predict(plane, k, at, opts.predictor);
            let v = i32::from(plane.samples[at.1 * plane.stride + at.0]);
            // Modulo 2^16, as a value in −32767..=32768.
            let d = ((v - px) as u16) as i32;
            let d = if d > 32768 { d - 65536 } else { d };
            let t = k.min(1);
            match d {
                32768 => e.sym(t, 16, 0, 0),
                _ => {
                    let (nb, extra, _) = super::huffenc::category(d);
                    e.sym(t, nb, extra, nb);
                }
            }
        }
    }
}
