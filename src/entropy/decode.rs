//! Entropy decoding of a parsed file: walks the items in order, keeping the tables in
//! force (DQT, DHT, DRI), sets up the coefficient image at the frame header and
//! decodes each scan with the tables of that moment (T.81 Annex B, E.2).
//!
//! The per-scan work (MCU walk, restarts, block decoders) is in `decode_scan` and
//! `decode_prog`; bits and Huffman codes in `bitread` and `huffdec`; arithmetic-coded
//! scans (SOF9, SOF10) in `arith_scan` over the QM decoder of `arith`.

use super::arith_scan::{run_arith, Arith, ArithBlocks, ArithKind, Conditioning};
use super::decode_pipe::{run_pipelined, Job, ScanCoder, MAX_STAGES};
use super::decode_place::{metadata_image, Placed, PlacedImage, PlacedSink, Placement};
use super::decode_scan::{clear, FullSink, Layout, ScanData};
use super::huffdec::HuffDecoder;
use super::{Decoded, Limits};
use crate::coeffs::{CoefficientImage, Geometry, QuantTable};
use crate::container::{
    parse_dht, parse_dnl, parse_dqt, parse_dri, parse_frame, parse_scan, std_tables, FrameHeader,
    HuffmanSpec, Item, JpegFile, Marker, Scan, ScanHeader, Segment,
};
use crate::error::{Error, LimitKind, MalformedKind, Result, Warning, WarningKind};

/// Decodes every scan of `file` into a coefficient image.
pub fn decode(file: &JpegFile, limits: &Limits) -> Result<Decoded> {
    decode_threaded(file, limits, 1)
}

/// [`decode`], the scans of a large progressive frame on threads of their own when
/// `threads` > 1 (see `decode_pipe`); the result does not depend on `threads`.
pub fn decode_threaded(file: &JpegFile, limits: &Limits, threads: usize) -> Result<Decoded> {
    decode_with(file, limits, None, false, threads).map(|(d, _)| d)
}

/// Blocks below which a progressive frame's scans are decoded one after another.
#[cfg(not(test))]
const PIPELINE_BLOCKS: usize = 1 << 15;
#[cfg(test)]
const PIPELINE_BLOCKS: usize = 64;

/// Decodes `file`; with a placement, into the placed output image (returned second;
/// packed when `packed` is asked for and the frame is sequential) and with an image of
/// empty planes in the result.
pub(super) fn decode_with<'f>(
    file: &JpegFile<'f>,
    limits: &Limits,
    placement: Option<&Placement>,
    packed: bool,
    threads: usize,
) -> Result<(Decoded, Option<PlacedImage>)> {
    let scans = file
        .items
        .iter()
        .filter(|i| matches!(i, Item::Scan(_)))
        .count();
    let st = State {
        placement,
        packed,
        pipeline: threads > 1 && (2..=MAX_STAGES).contains(&scans),
        ..State::default()
    };
    run_items(file, limits, st)
}

/// [`decode`] that leaves unread the data of a progressive frame's AC scans (Ss > 0,
/// T.81 G.1.1.1.1) of the components with identifiers in `skip`: their headers and
/// tables are checked as usual, their AC coefficients stay zero and problems in their
/// data go unreported. For an output that reads only those components' DC
/// coefficients (`djpeg -scale 1/8`, the chroma of `djpeg -grayscale`). Progressive AC
/// scans have one component each (G.1.1.1.1); DC scans and sequential frames are read
/// whole. Only the components [`skippable_ac`] allows are skipped. The scans read are
/// pipelined on `threads` as in [`decode_threaded`].
pub fn decode_skipping_ac(
    file: &JpegFile,
    limits: &Limits,
    skip: &[u8],
    threads: usize,
) -> Result<Decoded> {
    let st = State {
        skip_ac: skippable_ac(file, skip),
        pipeline: threads > 1 && (2..=MAX_STAGES).contains(&file.scans().count()),
        ..State::default()
    };
    run_items(file, limits, st).map(|(d, _)| d)
}

/// The components of `skip` whose AC scans [`decode_skipping_ac`] may leave unread:
/// not the component of a last scan that codes AC coefficients. Where that scan's
/// data ran out decides libjpeg's block smoothing of the rows below (see
/// `pipeline::pixels::smoothed_coefficients`), and only a decode with the component's
/// earlier AC scans finds it: an AC refinement scan reads correction bits for the
/// coefficients earlier scans made nonzero (G.1.2.3).
pub fn skippable_ac(file: &JpegFile, skip: &[u8]) -> Vec<u8> {
    let last = file.scans().last().and_then(|s| parse_scan(&s.header).ok());
    let kept: Vec<u8> = match last {
        Some(h) if h.ss > 0 => h.components.iter().map(|c| c.id).collect(),
        _ => Vec::new(),
    };
    skip.iter()
        .copied()
        .filter(|id| !kept.contains(id))
        .collect()
}

/// Walks the segments and scans of `file` with the decoder state `st`.
fn run_items<'f>(
    file: &JpegFile<'f>,
    limits: &Limits,
    mut st: State<'_, 'f>,
) -> Result<(Decoded, Option<PlacedImage>)> {
    for (i, item) in file.items.iter().enumerate() {
        match item {
            Item::Segment(seg) => st.segment(seg, &file.items[i + 1..], limits)?,
            Item::Scan(scan) => st.scan(scan, limits)?,
        }
    }
    st.finish(file)
}

/// A Huffman table specification and the offset of the DHT that defined it.
type TableSlot = Option<(HuffmanSpec, usize)>;

/// The frame and its image, once SOFn has been seen.
struct Frame {
    header: FrameHeader,
    image: CoefficientImage,
    /// Per component: quantization table latched (first scan seen).
    latched: Vec<bool>,
    /// Per component: coefficients written by a sequential scan.
    sequential_done: Vec<bool>,
    /// Per component and zigzag position: Al of the last progressive scan that
    /// coded it, −1 before any (as libjpeg tracks it, to warn about bad progressions).
    coef_bits: Vec<[i8; 64]>,
    /// With a placement: the output image the blocks go to (`image` has empty planes).
    placed: Option<Placed>,
    /// Progressive frames without a placement: per component and block, the nonzero AC
    /// coefficients (see [`BlockDecode::decode`]).
    hist: Vec<Vec<u64>>,
}

impl Frame {
    /// Decodes one Huffman-coded scan into the image or the placed output.
    fn run(&mut self, coder: &ScanCoder, data: &ScanData, layout: &Layout, w: &mut Vec<Warning>) {
        match &mut self.placed {
            None => {
                let sink = &mut FullSink {
                    comps: &mut self.image.components,
                    hist: &mut self.hist,
                };
                coder.run(data, layout, sink, w)
            }
            Some(p) if p.oriented => coder.run(data, layout, &mut PlacedSink::<true>(p), w),
            Some(p) => coder.run(data, layout, &mut PlacedSink::<false>(p), w),
        }
    }

    /// Decodes one arithmetic-coded scan into the image or the placed output.
    fn run_arith<const H: bool>(
        &mut self,
        d: &mut ArithBlocks<'_, H>,
        data: &ScanData,
        layout: &Layout,
        w: &mut Vec<Warning>,
    ) {
        match &mut self.placed {
            None => {
                let sink = &mut FullSink {
                    comps: &mut self.image.components,
                    hist: &mut self.hist,
                };
                run_arith(d, data, layout, sink, w)
            }
            Some(p) if p.oriented => run_arith(d, data, layout, &mut PlacedSink::<true>(p), w),
            Some(p) => run_arith(d, data, layout, &mut PlacedSink::<false>(p), w),
        }
    }

    /// Decodes an arithmetic-coded scan (F.2.4, G.2): the block decoder for its kind.
    fn arith_scan(
        &mut self,
        hdr: &ScanHeader,
        data: &ScanData,
        layout: &Layout,
        cond: Conditioning,
        w: &mut Vec<Warning>,
    ) {
        let progressive = is_progressive(self.header.marker);
        let tables: Vec<(u8, u8)> = hdr.components.iter().map(|c| (c.td, c.ta)).collect();
        let a = Arith::new(data.ecs, &tables, cond);
        let kind = ArithKind::of(hdr, progressive);
        // AC scans keep the nonzero masks that AC refinement reads (HISTORY).
        if progressive && hdr.ss > 0 {
            self.run_arith(&mut ArithBlocks::<true> { a, kind }, data, layout, w);
        } else {
            self.run_arith(&mut ArithBlocks::<false> { a, kind }, data, layout, w);
        }
    }

    /// Zeroes component `i` before a second sequential scan of it.
    fn clear(&mut self, i: usize) {
        match &mut self.placed {
            None => clear(&mut self.image.components[i]),
            Some(p) => p.clear(i),
        }
    }
}

#[derive(Default)]
struct State<'p, 'f> {
    placement: Option<&'p Placement>,
    /// Whether a large progressive frame may have its scans pipelined.
    pipeline: bool,
    /// Whether this frame's scans are put off and pipelined.
    pipelined: bool,
    /// Components whose progressive AC scans are left unread ([`decode_skipping_ac`]).
    skip_ac: Vec<u8>,
    /// The scans put off.
    jobs: Vec<Job<'f>>,
    /// Store placed blocks packed (sequential frames only).
    packed: bool,
    quant: [Option<QuantTable>; 4],
    dc: [TableSlot; 4],
    ac: [TableSlot; 4],
    restart: u16,
    /// Arithmetic conditioning parameters (DAC).
    cond: Conditioning,
    frame: Option<Frame>,
    soi_seen: bool,
    scans: Vec<ScanHeader>,
    /// The restart interval in force at each scan.
    scan_restarts: Vec<u16>,
    first_restart: u16,
    warnings: Vec<Warning>,
}

fn bad(offset: usize, msg: impl Into<String>) -> Error {
    Error::malformed(offset, MalformedKind::BadHeader(msg.into()))
}

impl<'f> State<'_, 'f> {
    fn segment(&mut self, seg: &Segment, rest: &[Item], limits: &Limits) -> Result<()> {
        match seg.marker {
            Marker::DQT => {
                for (slot, table) in parse_dqt(seg)? {
                    self.quant[slot as usize & 3] = Some(table);
                }
            }
            Marker::DHT => {
                for spec in parse_dht(seg)? {
                    let id = spec.id as usize & 3;
                    let slots = if spec.class == 0 {
                        &mut self.dc
                    } else {
                        &mut self.ac
                    };
                    slots[id] = Some((spec, seg.offset));
                }
            }
            Marker::DRI => self.restart = parse_dri(seg)?,
            Marker::DAC => self.cond.apply_dac(seg.body),
            Marker::SOI => {
                if self.soi_seen {
                    let w = WarningKind::Other("second SOI marker ignored".into());
                    self.warnings.push(Warning::at(seg.offset, w));
                }
                self.soi_seen = true;
            }
            m if m.is_sof() => self.frame(seg, rest, limits)?,
            _ => {}
        }
        Ok(())
    }

    fn frame(&mut self, seg: &Segment, rest: &[Item], limits: &Limits) -> Result<()> {
        let header = checked_frame(seg, rest, limits, self.frame.is_some())?;
        let (w, h) = (header.width as u32, header.height as u32);
        let comps: Vec<(u8, u8, u8, u8)> = header
            .components
            .iter()
            .map(|c| (c.id, c.h, c.v, c.tq))
            .collect();
        let n = comps.len();
        let (image, placed) = match self.placement {
            None => (
                CoefficientImage::zeroed(w, h, header.precision, &comps),
                None,
            ),
            Some(p) => {
                let image = metadata_image(w, h, header.precision, &comps);
                let progressive = is_progressive(header.marker);
                let placed = Placed::new(p, &image, progressive, self.packed && !progressive)?;
                (image, Some(placed))
            }
        };
        let progressive = is_progressive(header.marker);
        self.pipelined = self.pipeline
            && placed.is_none()
            && header.marker.0 == 0xC2
            && image
                .components
                .iter()
                .map(|c| c.plane.blocks.len())
                .sum::<usize>()
                >= PIPELINE_BLOCKS;
        let hist = match &placed {
            None if progressive => image
                .components
                .iter()
                .map(|c| vec![0; c.plane.blocks.len()])
                .collect(),
            _ => Vec::new(),
        };
        self.frame = Some(Frame {
            placed,
            hist,
            header,
            image,
            latched: vec![false; n],
            sequential_done: vec![false; n],
            coef_bits: vec![[-1; 64]; n],
        });
        Ok(())
    }

    fn scan(&mut self, scan: &Scan<'f>, limits: &Limits) -> Result<()> {
        let seg = &scan.header;
        let Some(frame) = self.frame.as_mut() else {
            return Err(Error::malformed(seg.offset, MalformedKind::NoFrame));
        };
        if self.scans.len() >= limits.max_scans {
            return Err(Error::Limit(LimitKind::Scans(limits.max_scans)));
        }
        let hdr = parse_scan(seg)?;
        let at = seg.body_offset();
        let progressive = is_progressive(frame.header.marker);
        let arithmetic = matches!(frame.header.marker.0, 0xC9 | 0xCA);
        let ci = check_scan(&hdr, frame, progressive, at, &mut self.warnings)?;
        latch_quant_tables(frame, &ci, &self.quant, seg.offset)?;
        if self.scans.is_empty() {
            self.first_restart = self.restart;
        }
        let layout = scan_layout(&frame.image, &ci);
        let data = ScanData {
            ecs: scan.ecs,
            offset: scan.ecs_offset(),
            restart_interval: self.restart as usize,
        };
        let w = &mut self.warnings;
        let skip = progressive
            && hdr.ss > 0
            && hdr.components.iter().all(|c| self.skip_ac.contains(&c.id));
        if !progressive {
            // A component coded again in a later sequential scan replaces what the
            // earlier one left.
            for &i in &ci {
                if frame.sequential_done[i] {
                    frame.clear(i);
                }
                frame.sequential_done[i] = true;
            }
        }
        if arithmetic {
            if !skip {
                frame.arith_scan(&hdr, &data, &layout, self.cond, w);
            }
        } else {
            let (dc, ac) = (&self.dc, &self.ac);
            let table = |class, id| build(if class == 0 { dc } else { ac }, class, id, at);
            let coder = ScanCoder::new(&hdr, progressive, table)?;
            if skip {
                // Tables checked above; the data is not read.
            } else if self.pipelined {
                let warn_at = w.len();
                self.jobs.push(Job {
                    coder,
                    data,
                    layout,
                    warn_at,
                });
            } else {
                frame.run(&coder, &data, &layout, w);
            }
        }
        self.scan_restarts.push(self.restart);
        self.scans.push(hdr);
        Ok(())
    }

    fn finish(mut self, file: &JpegFile) -> Result<(Decoded, Option<PlacedImage>)> {
        if self.scans.is_empty() {
            let at = file.trailer_offset;
            return Err(Error::malformed(at, MalformedKind::NoScan));
        }
        // Scans imply a frame (a scan before SOFn is an error above).
        let Some(mut frame) = self.frame.take() else {
            return Err(Error::malformed(
                file.trailer_offset,
                MalformedKind::NoFrame,
            ));
        };
        if !self.jobs.is_empty() {
            let image = &mut frame.image.components;
            let found = run_pipelined(image, &mut frame.hist, &self.jobs);
            for (job, w) in self.jobs.iter().zip(found).rev() {
                self.warnings.splice(job.warn_at..job.warn_at, w);
            }
        }
        for (i, c) in frame.image.components.iter_mut().enumerate() {
            if frame.latched[i] {
                continue;
            }
            if let Some(q) = self.quant[c.quant_slot as usize & 3] {
                c.quant = q;
            }
            let msg = format!(
                "component {} appears in no scan; its coefficients are zero",
                c.id
            );
            self.warnings.push(Warning {
                offset: None,
                mcu: None,
                kind: WarningKind::Other(msg),
            });
        }
        let decoded = Decoded {
            image: frame.image,
            frame: frame.header,
            scans: self.scans,
            scan_restarts: self.scan_restarts,
            restart_interval: self.first_restart,
            warnings: self.warnings,
        };
        Ok((decoded, frame.placed.map(Placed::into_output)))
    }
}

/// Whether frames with this SOFn are progressive (SOF2, SOF10; T.81 B.1.1.3).
fn is_progressive(m: Marker) -> bool {
    m == Marker::SOF2 || m.0 == 0xCA
}

/// The frame header of `seg`, checked against what this decoder takes (DCT processes,
/// 8- or 12-bit samples, up to 4 components; T.81 B.2.2) and against the limits, its
/// height taken from the DNL segment when the header gives 0 (T.81 B.2.5). A `second`
/// frame header of a supported process is refused (T.81 allows one, B.2).
fn checked_frame(
    seg: &Segment,
    rest: &[Item],
    limits: &Limits,
    second: bool,
) -> Result<FrameHeader> {
    let m = seg.marker;
    let name = m.name();
    let at = Some(seg.offset);
    match m.0 {
        0xC0..=0xC2 | 0xC9 | 0xCA => {}
        0xC3 | 0xCB => return Err(Error::unsupported(format!("lossless JPEG ({name})"), at)),
        0xC5..=0xC7 | 0xCD..=0xCF => {
            return Err(Error::unsupported(
                format!("hierarchical JPEG ({name})"),
                at,
            ))
        }
        _ => {
            return Err(Error::unsupported(
                format!("arithmetic coding ({name})"),
                at,
            ))
        }
    }
    if second {
        return Err(bad(seg.offset, "second frame header (SOFn)"));
    }
    let mut header = parse_frame(seg)?;
    if header.precision != 8 && header.precision != 12 {
        return Err(Error::unsupported(
            format!("{}-bit precision", header.precision),
            at,
        ));
    }
    if header.components.len() > 4 {
        return Err(Error::unsupported(
            format!("{} components", header.components.len()),
            at,
        ));
    }
    if header.height == 0 {
        header.height = dnl_height(seg, rest)?;
    }
    let (w, h) = (header.width as u32, header.height as u32);
    let pixels = w as u64 * h as u64;
    if pixels > limits.max_pixels {
        return Err(Error::Limit(LimitKind::Pixels(pixels)));
    }
    let factors: Vec<(u8, u8)> = header.components.iter().map(|c| (c.h, c.v)).collect();
    // Padding to whole iMCUs can multiply tiny images; bound the blocks too.
    let max_blocks = (limits.max_pixels / 64)
        .saturating_mul(8)
        .saturating_add(1 << 16);
    if Geometry::new(w, h, &factors).total_blocks() > max_blocks {
        return Err(Error::Limit(LimitKind::Pixels(pixels)));
    }
    Ok(header)
}

/// The number of lines from the first DNL segment after the frame header.
fn dnl_height(sof: &Segment, rest: &[Item]) -> Result<u16> {
    let dnl = rest.iter().find_map(|it| match it {
        Item::Segment(s) if s.marker == Marker::DNL => Some(s),
        _ => None,
    });
    let Some(dnl) = dnl else {
        return Err(bad(sof.offset, "frame height 0 and no DNL segment"));
    };
    match parse_dnl(dnl)? {
        0 => Err(bad(dnl.body_offset(), "DNL with 0 lines")),
        h => Ok(h),
    }
}
/// The frame components of scan `hdr`, after the checks of T.81 B.2.3 and G.1.1.1.1
/// (errors for what cannot be decoded, warnings for what can).
fn check_scan(
    hdr: &ScanHeader,
    frame: &mut Frame,
    progressive: bool,
    at: usize,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<usize>> {
    let ci = scan_components(hdr, &frame.header, at)?;
    check_parameters(hdr, progressive, at, warnings)?;
    if ci.windows(2).any(|w| w[0] > w[1]) {
        let w = WarningKind::Other("scan components are not in frame order (T.81 B.2.3)".into());
        warnings.push(Warning::at(at, w));
    }
    if progressive {
        check_progression(hdr, &ci, frame, at, warnings);
    }
    if ci.len() > 1 {
        let blocks: usize = ci
            .iter()
            .map(|&i| frame.image.components[i].h as usize * frame.image.components[i].v as usize)
            .sum();
        if blocks > 10 {
            return Err(bad(at, format!("{blocks} blocks per MCU (at most 10)")));
        }
    }
    Ok(ci)
}

/// Gives each component of the scan the quantization table its slot holds now: a
/// table is latched by the first scan of the component (T.81 B.2.4.1).
fn latch_quant_tables(
    frame: &mut Frame,
    ci: &[usize],
    quant: &[Option<QuantTable>; 4],
    offset: usize,
) -> Result<()> {
    for &i in ci {
        if !frame.latched[i] {
            let c = &mut frame.image.components[i];
            let slot = c.quant_slot as usize & 3;
            let Some(q) = quant[slot] else {
                return Err(Error::malformed(
                    offset,
                    MalformedKind::MissingTable(format!("quantization table {slot}")),
                ));
            };
            c.quant = q;
            frame.latched[i] = true;
        }
    }
    Ok(())
}

/// How the scan's MCUs cover the components: one component's real blocks, or MCUs
/// of h × v blocks of each over the padded grid (T.81 A.2).
fn scan_layout(image: &CoefficientImage, ci: &[usize]) -> Layout {
    let g = image.geometry();
    if ci.len() == 1 {
        let (bw, bh) = g.real_blocks(ci[0]);
        Layout::Single {
            comp: ci[0],
            bw,
            bh,
        }
    } else {
        let comps = ci
            .iter()
            .map(|&i| {
                (
                    i,
                    image.components[i].h as usize,
                    image.components[i].v as usize,
                )
            })
            .collect();
        Layout::Interleaved {
            comps,
            mcus_x: g.mcus_x(),
            mcus_y: g.mcus_y(),
        }
    }
}

/// Frame component indices of the scan's components, in scan order.
fn scan_components(hdr: &ScanHeader, frame: &FrameHeader, at: usize) -> Result<Vec<usize>> {
    let mut out: Vec<usize> = Vec::with_capacity(hdr.components.len());
    for (j, sc) in hdr.components.iter().enumerate() {
        let off = at + 1 + 2 * j;
        let Some(i) = frame.components.iter().position(|c| c.id == sc.id) else {
            return Err(bad(
                off,
                format!("scan component {} is not in the frame", sc.id),
            ));
        };
        if out.contains(&i) {
            return Err(bad(off, format!("component {} twice in one scan", sc.id)));
        }
        if sc.td > 3 || sc.ta > 3 {
            return Err(bad(
                off + 1,
                format!("bad Huffman table selectors {}/{}", sc.td, sc.ta),
            ));
        }
        out.push(i);
    }
    Ok(out)
}

/// Warns when a progressive scan does not follow from the earlier ones (G.1.1.1.1:
/// DC before AC; each refinement's Ah equal to the previous Al of its coefficients).
fn check_progression(
    hdr: &ScanHeader,
    ci: &[usize],
    frame: &mut Frame,
    at: usize,
    warnings: &mut Vec<Warning>,
) {
    let (ss, se) = (hdr.ss as usize, (hdr.se as usize).min(63));
    for &i in ci {
        let bits = &mut frame.coef_bits[i];
        let mut bad = ss > 0 && bits[0] < 0;
        for b in &mut bits[ss.min(se)..=se] {
            bad |= hdr.ah as i8 != (*b).max(0);
            *b = hdr.al as i8;
        }
        if bad {
            let id = frame.header.components[i].id;
            let msg = format!("inconsistent progression sequence for component {id}");
            warnings.push(Warning::at(at, WarningKind::Other(msg)));
        }
    }
}

/// Checks Ss, Se, Ah, Al (T.81 B.2.3, G.1.1.1.1).
fn check_parameters(
    hdr: &ScanHeader,
    progressive: bool,
    at: usize,
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    let (ss, se, ah, al) = (hdr.ss, hdr.se, hdr.ah, hdr.al);
    let p = at + 1 + 2 * hdr.components.len();
    if !progressive {
        // libjpeg decodes such scans as full sequential scans with a warning; so do we.
        if (ss, se, ah, al) != (0, 63, 0, 0) {
            let msg = format!(
                "sequential scan with Ss={ss} Se={se} Ah={ah} Al={al}, decoded as Ss=0 Se=63"
            );
            warnings.push(Warning::at(p, WarningKind::Other(msg)));
        }
        return Ok(());
    }
    let what = if ss == 0 {
        (se != 0).then_some("a DC scan must have Se = 0")
    } else if ss > se || se > 63 {
        Some("spectral selection out of order or past 63")
    } else if hdr.components.len() != 1 {
        Some("an AC scan must have one component")
    } else {
        None
    };
    let what = what.or_else(|| {
        if al > 13 {
            Some("Al above 13")
        } else if ah != 0 && al + 1 != ah {
            Some("a refinement scan must have Al = Ah - 1")
        } else {
            None
        }
    });
    match what {
        Some(w) => Err(bad(
            p,
            format!("bad progressive scan Ss={ss} Se={se} Ah={ah} Al={al}: {w}"),
        )),
        None => Ok(()),
    }
}

/// The decoder for table `id` of `class`: defined by DHT, else (ids 0 and 1, as
/// Motion-JPEG expects) the Annex K table, else an error.
fn build(slots: &[TableSlot; 4], class: u8, id: u8, at: usize) -> Result<Box<HuffDecoder>> {
    let std;
    let (spec, offset) = match &slots[id as usize & 3] {
        Some((spec, off)) => (spec, *off),
        None => {
            std = default_table(class, id, at)?;
            (&std, at)
        }
    };
    HuffDecoder::new(spec, class == 0).map_err(|e| bad(offset, e.to_string()))
}

/// The Annex K table for a table id 0 or 1 the file never defines (Motion-JPEG), else
/// the error of a missing table, at byte `at`.
pub(super) fn default_table(class: u8, id: u8, at: usize) -> Result<crate::container::HuffmanSpec> {
    std_tables::motion_jpeg_default(class, id).ok_or_else(|| {
        let kind = if class == 0 { "DC" } else { "AC" };
        Error::malformed(
            at,
            MalformedKind::MissingTable(format!("{kind} Huffman table {id}")),
        )
    })
}
