//! Streaming decode of sequential files with one interleaved scan (the usual
//! baseline file): the coefficients arrive one iMCU row at a time, so a pixel decoder
//! can start on the top of the image while the rest is still being decoded, and the
//! whole coefficient image is never held.
//!
//! Everything but the scan data is checked by the ordinary decoder first (a placed
//! decode that keeps no block, so it reads headers and tables and skips the scan):
//! the frame, tables, parameters and warnings are exactly those of [`super::decode`].
//! The scan is then walked by the same MCU walk (T.81 A.2.3, F.1.2.3 restarts) into a
//! sink that holds one iMCU row. Blocks that are not decoded (data ended early, corrupt
//! restart intervals) stay zero, as in a full decode.

use super::bitread::BitReader;
use super::decode_place::{decode_placed, Placement};
use super::decode_scan::Sink;
use super::decode_scan::{run_scan, BlockDecode, Corrupt, Layout, Natural, ScanData, Sequential};
use super::huffdec::HuffDecoder;
use super::{Decoded, Limits};
use crate::coeffs::{Block, Geometry};
use crate::container::{
    parse_dht, parse_frame, std_tables, HuffmanSpec, Item, JpegFile, Marker, Scan,
};
use crate::error::{Error, MalformedKind, Result, Warning};

/// The blocks of one iMCU row: per frame component, its `v` block rows of the padded
/// width (`v × width_blocks` blocks, row by row).
pub type Band = Vec<Vec<Block>>;

/// The result of [`decode_streamed`].
pub enum Streamed<'f> {
    /// The file is not a single interleaved sequential scan: decoded whole.
    Whole(Decoded),
    /// The scan, ready to be walked band by band.
    Rows(RowScan<'f>),
}

/// A sequential scan covering every component, with its tables built.
pub struct RowScan<'f> {
    /// Frame, scan headers and header warnings as [`super::decode`] gives them; the
    /// image has the frame's components and quantization tables but empty planes.
    pub decoded: Decoded,
    scan: &'f Scan<'f>,
    dc: Vec<Box<HuffDecoder>>,
    ac: Vec<Box<HuffDecoder>>,
    layout: Layout,
}

/// Decodes `file` as [`super::decode`] does, except that a sequential frame with one
/// scan of all its components is returned undecoded, to be walked with
/// [`RowScan::run`].
pub fn decode_streamed<'f>(file: &'f JpegFile<'f>, limits: &Limits) -> Result<Streamed<'f>> {
    decode_streamed_on(file, limits, 1)
}

/// [`decode_streamed`], a whole decode on up to `threads` threads
/// ([`super::decode_threaded`]).
pub fn decode_streamed_on<'f>(
    file: &'f JpegFile<'f>,
    limits: &Limits,
    threads: usize,
) -> Result<Streamed<'f>> {
    let Some((scan, width, height)) = single_sequential_scan(file) else {
        return super::decode_threaded(file, limits, threads).map(Streamed::Whole);
    };
    // A placement with no component: the decoder checks everything, keeps nothing.
    let nothing = Placement {
        source_width: width,
        source_height: height,
        width: 1,
        height: 1,
        transpose: false,
        components: Vec::new(),
    };
    let (decoded, _) = decode_placed(file, limits, &nothing)?;
    let [hdr] = decoded.scans.as_slice() else {
        return super::decode(file, limits).map(Streamed::Whole);
    };
    let frame = &decoded.frame;
    let at = scan.header.body_offset();
    let mut comps = Vec::new();
    for sc in &hdr.components {
        match frame.components.iter().position(|c| c.id == sc.id) {
            Some(i) if !comps.iter().any(|&(j, _, _)| j == i) => comps.push((
                i,
                frame.components[i].h as usize,
                frame.components[i].v as usize,
            )),
            _ => return super::decode(file, limits).map(Streamed::Whole),
        }
    }
    if comps.len() != frame.components.len() {
        return super::decode(file, limits).map(Streamed::Whole);
    }
    let (dc_slots, ac_slots) = tables_before(file, scan)?;
    let build = |slots: &[Option<HuffmanSpec>; 4], class: u8, id: u8| huffman(slots, class, id, at);
    let dc = hdr
        .components
        .iter()
        .map(|c| build(&dc_slots, 0, c.td))
        .collect::<Result<Vec<_>>>()?;
    let ac = hdr
        .components
        .iter()
        .map(|c| build(&ac_slots, 1, c.ta))
        .collect::<Result<Vec<_>>>()?;
    let g = decoded.image.geometry();
    let layout = if comps.len() == 1 {
        let (bw, bh) = g.real_blocks(comps[0].0);
        Layout::Single {
            comp: comps[0].0,
            bw,
            bh,
        }
    } else {
        Layout::Interleaved {
            comps,
            mcus_x: g.mcus_x(),
            mcus_y: g.mcus_y(),
        }
    };
    Ok(Streamed::Rows(RowScan {
        decoded,
        scan,
        dc,
        ac,
        layout,
    }))
}

/// The frame's width and height when [`decode_streamed`] can hand `file` over row by
/// row (one sequential Huffman scan, frame height known); it still decodes whole a
/// scan that leaves a component out or names one twice.
pub fn streamed_size(file: &JpegFile) -> Option<(u32, u32)> {
    single_sequential_scan(file).map(|(_, w, h)| (w, h))
}

/// The only scan of a file with a sequential Huffman frame (SOF0/SOF1) of known height,
/// with the frame's width and height.
fn single_sequential_scan<'f>(file: &'f JpegFile<'f>) -> Option<(&'f Scan<'f>, u32, u32)> {
    let mut scan = None;
    let mut size = None;
    for item in &file.items {
        match item {
            Item::Scan(s) if scan.is_none() => scan = Some(s),
            Item::Scan(_) => return None,
            Item::Segment(seg) if seg.marker.is_sof() => {
                if size.is_some() || !matches!(seg.marker, Marker::SOF0 | Marker::SOF1) {
                    return None;
                }
                let f = parse_frame(seg).ok()?;
                if f.height == 0 {
                    return None; // DNL: left to the whole decoder
                }
                size = Some((f.width as u32, f.height as u32));
            }
            Item::Segment(_) => {}
        }
    }
    let (w, h) = size?;
    Some((scan?, w, h))
}

type Slots = [Option<HuffmanSpec>; 4];

/// The Huffman table specifications in force at `scan` (DC, AC).
fn tables_before(file: &JpegFile, scan: &Scan) -> Result<(Slots, Slots)> {
    let (mut dc, mut ac): (Slots, Slots) = Default::default();
    for item in &file.items {
        match item {
            Item::Scan(s) if std::ptr::eq(s, scan) => break,
            Item::Segment(seg) if seg.marker == Marker::DHT => {
                for spec in parse_dht(seg)? {
                    let id = spec.id as usize & 3;
                    let slots = if spec.class == 0 { &mut dc } else { &mut ac };
                    slots[id] = Some(spec);
                }
            }
            _ => {}
        }
    }
    Ok((dc, ac))
}

/// The decoder for table `id` of `class`, with the Annex K tables for ids 0 and 1 when
/// none was defined (as the whole decoder does for Motion-JPEG).
fn huffman(slots: &Slots, class: u8, id: u8, at: usize) -> Result<Box<HuffDecoder>> {
    let std;
    let spec = match &slots[id as usize & 3] {
        Some(spec) => spec,
        None => {
            std = match (class, id) {
                (0, 0) => std_tables::std_dc_luma(0),
                (0, 1) => std_tables::std_dc_chroma(1),
                (1, 0) => std_tables::std_ac_luma(0),
                (1, 1) => std_tables::std_ac_chroma(1),
                _ => {
                    let kind = if class == 0 { "DC" } else { "AC" };
                    let what = format!("{kind} Huffman table {id}");
                    return Err(Error::malformed(at, MalformedKind::MissingTable(what)));
                }
            };
            &std
        }
    };
    HuffDecoder::new(spec, class == 0)
        .map_err(|e| Error::malformed(at, MalformedKind::BadHeader(e.to_string())))
}

impl RowScan<'_> {
    /// Number of iMCU rows (bands).
    pub fn bands(&self) -> usize {
        self.decoded.image.geometry().mcus_y()
    }

    /// An all-zero band of the right shape.
    pub fn new_band(&self) -> Band {
        band_shape(&self.decoded.image.geometry())
            .into_iter()
            .map(|n| vec![[0; 64]; n])
            .collect()
    }

    /// Walks the scan, calling `on_band(i, band)` for iMCU rows `i = 0, 1, ...` in
    /// order, each once. When `on_band` returns, `band` must be all zero again with
    /// the same shape (it may swap in another zeroed band). If it returns `false`,
    /// the walk stops early. Returns the warnings of the scan data.
    pub fn run(&self, on_band: &mut dyn FnMut(usize, &mut Band) -> bool) -> Vec<Warning> {
        self.run_from(0, on_band)
    }

    /// [`RowScan::run`] for iMCU rows `from` on: with restart intervals, decoding starts
    /// at the interval holding the first MCU of row `from` (the intervals before it are
    /// skipped, found by their markers, and not checked); without them, every MCU before
    /// it is still decoded, but no band before `from` is handed out.
    pub fn run_from(
        &self,
        from: usize,
        on_band: &mut dyn FnMut(usize, &mut Band) -> bool,
    ) -> Vec<Warning> {
        let g = self.decoded.image.geometry();
        let from = from.min(g.mcus_y());
        let mut sink = BandSink {
            band: self.new_band(),
            widths: (0..g.factors.len()).map(|c| g.padded_blocks(c).0).collect(),
            v: g.factors.iter().map(|f| f.1 as usize).collect(),
            cur: from,
            from,
            on_band,
            stopped: false,
        };
        let warnings = self.walk(&mut sink);
        sink.advance(g.mcus_y());
        warnings
    }

    /// Walks the scan block by block, in decoding order (MCU by MCU), without holding
    /// a row: `on_block(c, bx, by, block)` gets every block of frame component `c` as
    /// it is decoded, padding blocks of interleaved MCUs included. A block cut short by
    /// corrupt data is handed over as far as it was decoded (as a whole decode keeps
    /// it); the blocks never reached are not handed over. Returns the warnings of the
    /// scan data.
    pub fn run_blocks(
        &self,
        on_block: &mut dyn FnMut(usize, usize, usize, &Block),
    ) -> Vec<Warning> {
        self.walk_blocks(None, on_block)
    }

    /// [`RowScan::run_blocks`] for MCUs `first..end` only, as one part of the walk
    /// split at restart intervals (`first` and `end` on interval boundaries): decoding
    /// starts behind the marker in front of `first` (found by a walk over the markers
    /// before it) and ends with the checks the whole walk makes at `end`. When every
    /// part's warnings are empty, so are the whole walk's, and the parts hand over the
    /// blocks the whole walk does.
    pub fn run_blocks_part(
        &self,
        first: usize,
        end: usize,
        on_block: &mut dyn FnMut(usize, usize, usize, &Block),
    ) -> Vec<Warning> {
        self.walk_blocks(Some((first, end)), on_block)
    }

    fn walk_blocks(
        &self,
        part: Option<(usize, usize)>,
        on_block: &mut dyn FnMut(usize, usize, usize, &Block),
    ) -> Vec<Warning> {
        let mut sink = BlockSink {
            scratch: [0; 64],
            on_block,
            part,
        };
        self.walk(&mut sink)
    }

    /// The scan's restart interval in MCUs (0: none) and its number of MCUs.
    pub fn intervals(&self) -> (usize, usize) {
        (
            self.decoded.restart_interval as usize,
            self.layout.total_mcus(),
        )
    }

    /// Whether the scan, which has no restart markers, decodes cleanly (every MCU, no
    /// DC value beyond ±`max_dc` or AC value beyond ±`max_ac`, nothing between the last
    /// MCU and the marker after it), shown on `threads` threads at once by joining
    /// speculative decodes of its shares (see `speculate`). `false` says only that it
    /// could not be shown so: the scan must then be walked.
    pub fn clean_without_restarts(&self, threads: usize, max_dc: i32, max_ac: i32) -> bool {
        if self.decoded.restart_interval != 0 {
            return false;
        }
        let spec = super::speculate::Spec {
            ecs: self.scan.ecs,
            layout: &self.layout,
            decoder: Sequential {
                dc: self.dc.iter().map(|b| &**b).collect(),
                ac: self.ac.iter().map(|b| &**b).collect(),
                pred: [0; 4],
            },
            max_dc,
            max_ac,
        };
        spec.clean(threads).is_some()
    }

    /// The scan's entropy-coded data.
    pub fn ecs(&self) -> &[u8] {
        self.scan.ecs
    }

    /// Runs the MCU walk of the scan into `sink`.
    fn walk<S: Sink>(&self, sink: &mut S) -> Vec<Warning> {
        let data = ScanData {
            ecs: self.scan.ecs,
            offset: self.scan.ecs_offset(),
            restart_interval: self.decoded.restart_interval as usize,
        };
        let mut d = Sequential {
            dc: self.dc.iter().map(|b| &**b).collect(),
            ac: self.ac.iter().map(|b| &**b).collect(),
            pred: [0; 4],
        };
        let mut warnings = Vec::new();
        run_scan(&mut d, &data, &self.layout, sink, &mut warnings);
        warnings
    }
}

/// A [`Sink`] that decodes each block into one scratch block, hands it over and
/// clears it for the next.
struct BlockSink<'s> {
    scratch: Block,
    on_block: &'s mut dyn FnMut(usize, usize, usize, &Block),
    /// The MCUs of one part of a split walk.
    part: Option<(usize, usize)>,
}

impl Sink for BlockSink<'_> {
    fn range(&self, _: &Layout, _: bool) -> (usize, usize) {
        self.part.unwrap_or((0, usize::MAX))
    }

    fn part_of_whole(&self) -> bool {
        self.part.is_some()
    }

    #[inline(always)]
    fn block<D: BlockDecode>(
        &mut self,
        d: &mut D,
        br: &mut BitReader,
        sc: usize,
        comp: usize,
        bx: usize,
        by: usize,
    ) -> std::result::Result<(), Corrupt> {
        let mut unused = 0;
        let r = d.decode(br, sc, &mut self.scratch, &mut unused, Natural);
        (self.on_block)(comp, bx, by, &self.scratch);
        self.scratch = [0; 64];
        r
    }
}

impl RowScan<'_> {
    /// The decoder's warnings as [`super::decode`] would list them: those of the
    /// headers up to the scan, the scan's own (`scan_warnings`, from [`RowScan::run`]),
    /// then those of the segments after it.
    pub fn warnings_with(&self, scan_warnings: Vec<Warning>) -> Vec<Warning> {
        let ecs = self.scan.ecs_offset();
        let (before, after): (Vec<Warning>, Vec<Warning>) = self
            .decoded
            .warnings
            .iter()
            .cloned()
            .partition(|w| w.offset.is_some_and(|o| o < ecs));
        before
            .into_iter()
            .chain(scan_warnings)
            .chain(after)
            .collect()
    }
}

/// Blocks per band of each component.
fn band_shape(g: &Geometry) -> Vec<usize> {
    (0..g.factors.len())
        .map(|c| g.padded_blocks(c).0 * g.factors[c].1 as usize)
        .collect()
}

/// A [`Sink`] holding the current iMCU row.
struct BandSink<'s> {
    band: Band,
    widths: Vec<usize>,
    v: Vec<usize>,
    /// The iMCU row in `band`.
    cur: usize,
    /// The first iMCU row wanted.
    from: usize,
    on_band: &'s mut dyn FnMut(usize, &mut Band) -> bool,
    stopped: bool,
}

impl BandSink<'_> {
    /// Hands out every band before `to` (those never reached are zero); false once the
    /// receiver has stopped.
    #[cold]
    #[inline(never)]
    fn advance(&mut self, to: usize) -> bool {
        while self.cur < to && !self.stopped {
            self.stopped = !(self.on_band)(self.cur, &mut self.band);
            self.cur += 1;
        }
        !self.stopped
    }
}

/// What [`BandSink`] answers once the receiver has stopped: a halt that ends the walk
/// without decoding further (see [`Sink::stopped`]).
const STOPPED: Corrupt = Corrupt("output stopped");

impl Sink for BandSink<'_> {
    fn stopped(&self) -> bool {
        self.stopped
    }

    fn range(&self, layout: &Layout, _: bool) -> (usize, usize) {
        let first = match *layout {
            Layout::Interleaved { mcus_x, .. } => self.from * mcus_x,
            Layout::Single { comp, bw, .. } => {
                self.from * self.v.get(comp).copied().unwrap_or(1) * bw
            }
        };
        (first, usize::MAX)
    }

    #[inline(always)]
    fn mcu<D: BlockDecode>(
        &mut self,
        d: &mut D,
        br: &mut BitReader,
        scan_comps: &[(usize, usize, usize)],
        mx: usize,
        my: usize,
    ) -> std::result::Result<(), Corrupt> {
        if my != self.cur && !self.advance(my) {
            return Err(STOPPED);
        }
        let mut unused = 0;
        if my < self.cur {
            // Before the first row wanted, in the restart interval decoding started at.
            for (sc, &(_, h, v)) in scan_comps.iter().enumerate() {
                for _ in 0..h * v {
                    d.decode(br, sc, &mut [0; 64], &mut unused, Natural)?;
                }
            }
            return Ok(());
        }
        for (sc, &(ci, h, v)) in scan_comps.iter().enumerate() {
            let (Some(blocks), Some(&wb)) = (self.band.get_mut(ci), self.widths.get(ci)) else {
                continue;
            };
            for by in 0..v {
                let row = by * wb + mx * h;
                let Some(blocks) = blocks.get_mut(row..row + h) else {
                    continue;
                };
                for blk in blocks {
                    d.decode(br, sc, blk, &mut unused, Natural)?;
                }
            }
        }
        Ok(())
    }

    #[inline(always)]
    fn block<D: BlockDecode>(
        &mut self,
        d: &mut D,
        br: &mut BitReader,
        sc: usize,
        comp: usize,
        bx: usize,
        by: usize,
    ) -> std::result::Result<(), Corrupt> {
        let v = self.v.get(comp).copied().unwrap_or(1).max(1);
        if by / v != self.cur && !self.advance(by / v) {
            return Err(STOPPED);
        }
        let mut unused = 0;
        if by / v < self.cur {
            return d.decode(br, sc, &mut [0; 64], &mut unused, Natural);
        }
        let wb = self.widths.get(comp).copied().unwrap_or(0);
        let i = (by % v) * wb + bx;
        match self.band.get_mut(comp).and_then(|b| b.get_mut(i)) {
            Some(blk) => d.decode(br, sc, blk, &mut unused, Natural),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::JpegFile;

    fn bands(data: &[u8], from: usize) -> (Vec<(usize, Band)>, Vec<Warning>) {
        let file = JpegFile::parse(data).unwrap();
        let Ok(Streamed::Rows(scan)) = decode_streamed_on(&file, &Limits::default(), 1) else {
            panic!("not a one-scan sequential file");
        };
        let mut out = Vec::new();
        let warnings = scan.run_from(from, &mut |i, band| {
            out.push((i, std::mem::replace(band, scan.new_band())));
            true
        });
        (out, warnings)
    }

    /// Starting at any iMCU row, with restart intervals (where decoding starts at the
    /// interval) or without, hands out exactly the whole walk's bands from that row.
    #[test]
    fn a_walk_from_a_row_gives_the_whole_walks_bands_from_there() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        for name in ["rst1row_422_q80_67x45.jpg", "meta_420_67x45.jpg"] {
            let data = std::fs::read(dir.join(name)).unwrap();
            let (all, warnings) = bands(&data, 0);
            assert!(warnings.is_empty() && all.len() > 2, "{name}");
            for from in 0..all.len() + 1 {
                let (part, warnings) = bands(&data, from);
                assert!(warnings.is_empty(), "{name} from {from}");
                assert_eq!(part, all[from..], "{name} from {from}");
            }
        }
    }
}
