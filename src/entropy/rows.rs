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

use super::ahead::{begin, Ahead, Joined, Joiner};
use super::bitread::BitReader;
use super::decode_place::{decode_placed, Placement};
use super::decode_scan::Sink;
use super::decode_scan::{run_scan, BlockDecode, Corrupt, Layout, Natural, ScanData, Sequential};
use super::huffdec::HuffDecoder;
use super::{Decoded, Limits};
use crate::coeffs::Block;
use crate::container::{parse_dht, parse_frame, HuffmanSpec, Item, JpegFile, Marker, Scan};
use crate::error::{Error, MalformedKind, Result, Warning};
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::sync_channel;

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
    /// Threads the walk may use.
    threads: usize,
    /// Per frame component, whether the reader of the bands reads its blocks' AC
    /// coefficients.
    reads_ac: Vec<bool>,
    /// The last iMCU row the walk is wanted for.
    last_band: usize,
    /// Per frame component, the block columns the bands hold (all of them if `None`).
    columns: Option<Vec<std::ops::Range<usize>>>,
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
        threads,
        reads_ac: Vec::new(),
        last_band: usize::MAX,
        columns: None,
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
            std = super::decode::default_table(class, id, at)?;
            &std
        }
    };
    HuffDecoder::new(spec, class == 0)
        .map_err(|e| Error::malformed(at, MalformedKind::BadHeader(e.to_string())))
}

impl RowScan<'_> {
    /// Says which frame components' AC coefficients the reader of the bands of
    /// [`RowScan::run_from`] reads: in the others only the DC values are then right
    /// (the AC coefficients may be zero or not). When most blocks need their DC value
    /// alone (`djpeg -scale 1/8`), a helper thread decodes the second half of a long
    /// scan without restart markers while the walk decodes the first (see `ahead`).
    /// The warnings are those of the whole walk either way.
    pub fn set_reads_ac(&mut self, reads_ac: Vec<bool>) {
        self.reads_ac = reads_ac;
    }

    /// The walk will stop after iMCU row `band` (a crop above the image's bottom): no
    /// helper then decodes the rows further down.
    pub fn set_last_band(&mut self, band: usize) {
        self.last_band = band;
    }

    /// Keeps only block columns `columns[c]` of each component `c` in the bands (a
    /// crop's): the other blocks are decoded and dropped, so a band is no wider than
    /// what its reader uses. A range past the padded width is cut to it.
    pub fn set_columns(&mut self, columns: Vec<std::ops::Range<usize>>) {
        let g = self.decoded.image.geometry();
        let cut = (columns.into_iter().enumerate())
            .map(|(c, r)| {
                let w = g.padded_blocks(c).0;
                r.start.min(w)..r.end.min(w)
            })
            .collect();
        self.columns = Some(cut);
    }

    /// Each component's kept block columns.
    fn kept_columns(&self) -> Vec<std::ops::Range<usize>> {
        let g = self.decoded.image.geometry();
        match &self.columns {
            Some(c) if c.len() == g.factors.len() => c.clone(),
            _ => (0..g.factors.len())
                .map(|c| 0..g.padded_blocks(c).0)
                .collect(),
        }
    }

    /// The first MCU of iMCU row `row`.
    fn first_mcu(&self, row: usize) -> usize {
        let v = |c: usize| {
            self.decoded
                .image
                .geometry()
                .factors
                .get(c)
                .map_or(1, |f| f.1)
        };
        row_start(&self.layout, |c| v(c) as usize, row)
    }

    /// Per scan component, whether its AC coefficients must be kept.
    fn keep_ac(&self) -> [bool; 4] {
        let mut keep = [true; 4];
        if let Layout::Interleaved { comps, .. } = &self.layout {
            for (k, &(ci, _, _)) in keep.iter_mut().zip(comps) {
                *k = self.reads_ac.get(ci).copied().unwrap_or(true);
            }
        } else if let Layout::Single { comp, .. } = self.layout {
            keep[0] = self.reads_ac.get(comp).copied().unwrap_or(true);
        }
        keep
    }

    /// Whether a helper pays: when at most a third of the blocks keep their AC
    /// coefficients. Packing and unpacking whole blocks costs about what the second
    /// thread saves (measured on 24 MP files on two cores).
    fn ahead_pays(&self, keep_ac: &[bool; 4]) -> bool {
        if self.last_band.saturating_add(1) < self.bands() {
            return false;
        }
        let blocks = self.layout.mcu_blocks();
        let all: usize = blocks.iter().map(|&(_, n)| n).sum();
        let kept: usize = (blocks.iter())
            .filter(|&&(sc, _)| keep_ac[sc & 3])
            .map(|&(_, n)| n)
            .sum();
        3 * kept <= all
    }

    /// Number of iMCU rows (bands).
    pub fn bands(&self) -> usize {
        self.decoded.image.geometry().mcus_y()
    }

    /// An all-zero band of the right shape.
    pub fn new_band(&self) -> Band {
        let g = self.decoded.image.geometry();
        (self.kept_columns().iter().enumerate())
            .map(|(c, r)| vec![[0; 64]; r.len() * g.factors[c].1 as usize])
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
        let keep_ac = self.keep_ac();
        let begin = match self.threads > 1 && self.ahead_pays(&keep_ac) {
            true => begin(
                self.scan.ecs,
                self.decoded.restart_interval as usize,
                self.first_mcu(from),
            ),
            false => None,
        };
        let Some(begin) = begin else {
            return self.walk_bands(from, on_band, None);
        };
        let stop = AtomicBool::new(false);
        std::thread::scope(|s| {
            let (tx, rx) = sync_channel(1);
            let ahead = Ahead {
                ecs: self.scan.ecs,
                layout: &self.layout,
                decoder: self.sequential(),
                begin,
                keep_ac,
            };
            let stop = &stop;
            let joiner = crate::threads::spawn(s, move || ahead.run(tx, stop))
                .ok()
                .map(|h| Joiner::new(begin, rx, h, stop));
            self.walk_bands(from, on_band, joiner)
        })
    }

    /// [`RowScan::run_from`] on this thread, with the helper `joiner` when there is one.
    fn walk_bands(
        &self,
        from: usize,
        on_band: &mut dyn FnMut(usize, &mut Band) -> bool,
        joiner: Option<Joiner>,
    ) -> Vec<Warning> {
        let g = self.decoded.image.geometry();
        let from = from.min(g.mcus_y());
        let kept = self.kept_columns();
        let mut sink = BandSink {
            band: self.new_band(),
            widths: kept.iter().map(|r| r.len()).collect(),
            starts: kept.iter().map(|r| r.start).collect(),
            v: g.factors.iter().map(|f| f.1 as usize).collect(),
            cur: from,
            from,
            on_band,
            stopped: false,
            layout: &self.layout,
            joiner,
            finished: false,
        };
        let warnings = self.walk(&mut sink);
        sink.joiner = None;
        sink.advance(g.mcus_y());
        warnings
    }

    /// The block decoder of the scan, with its tables.
    fn sequential(&self) -> Sequential<'_> {
        Sequential {
            dc: self.dc.iter().map(|b| &**b).collect(),
            ac: self.ac.iter().map(|b| &**b).collect(),
            pred: [0; 4],
        }
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
            decoder: self.sequential(),
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
        let mut d = self.sequential();
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

/// The first MCU of iMCU row `row` of a scan with `layout`; `v(c)` is frame component
/// `c`'s vertical sampling factor (a scan of one component has an MCU per block).
fn row_start(layout: &Layout, v: impl Fn(usize) -> usize, row: usize) -> usize {
    match *layout {
        Layout::Interleaved { mcus_x, .. } => row * mcus_x,
        Layout::Single { comp, bw, .. } => row * v(comp) * bw,
    }
}

/// A [`Sink`] holding the current iMCU row.
struct BandSink<'s, 'j> {
    band: Band,
    /// Per component, the block columns a band row holds, from `starts`.
    widths: Vec<usize>,
    starts: Vec<usize>,
    v: Vec<usize>,
    /// The iMCU row in `band`.
    cur: usize,
    /// The first iMCU row wanted.
    from: usize,
    on_band: &'s mut dyn FnMut(usize, &mut Band) -> bool,
    stopped: bool,
    layout: &'s Layout,
    /// The helper decoding the second half of the scan, if any.
    joiner: Option<Joiner<'j>>,
    /// Every MCU is in: the rest came from the helper.
    finished: bool,
}

impl BandSink<'_, '_> {
    /// At the start of MCU `m` (reader `br`, predictions `pred`): whether the helper
    /// had decoded the rest of the scan from here, and its blocks are now in (the walk
    /// then ends here).
    #[inline(always)]
    fn joined(&mut self, br: &BitReader, pred: [i32; 4], m: usize) -> bool {
        let Some(j) = &mut self.joiner else {
            return false;
        };
        match j.check(br, pred, m) {
            Some(joined) if m + joined.mcus == self.layout.total_mcus() => {
                self.joiner = None;
                self.take_over(joined, m);
                true
            }
            Some(_) => {
                self.joiner = None;
                false
            }
            None => false,
        }
    }

    /// Puts the helper's blocks of MCUs `m0..` where the walk would have decoded them.
    #[cold]
    #[inline(never)]
    fn take_over(&mut self, mut j: Joined, m0: usize) {
        self.finished = true;
        let total = self.layout.total_mcus();
        match *self.layout {
            Layout::Interleaved {
                ref comps, mcus_x, ..
            } => {
                let mcus_x = mcus_x.max(1);
                for m in m0..total {
                    let (mx, my) = (m % mcus_x, m / mcus_x);
                    if my != self.cur && !self.advance(my) {
                        return;
                    }
                    for (sc, &(ci, h, v)) in comps.iter().enumerate() {
                        for i in 0..h * v {
                            let blk = match my < self.cur {
                                true => None,
                                false => self.slot(ci, mx * h + i % h, i / h),
                            };
                            j.next_into(sc, blk);
                        }
                    }
                }
            }
            Layout::Single { comp, bw, .. } => {
                let (bw, v) = (bw.max(1), self.v.get(comp).copied().unwrap_or(1).max(1));
                for m in m0..total {
                    let (bx, by) = (m % bw, m / bw);
                    if by / v != self.cur && !self.advance(by / v) {
                        return;
                    }
                    let blk = match by / v < self.cur {
                        true => None,
                        false => self.slot(comp, bx, by % v),
                    };
                    j.next_into(0, blk);
                }
            }
        }
    }

    /// MCUs per row of the scan (blocks per row for one component).
    /// The band's block of component `ci` at block column `bx`, block row `by` of the
    /// band; `None` outside the kept columns (or the band).
    #[inline(always)]
    fn slot(&mut self, ci: usize, bx: usize, by: usize) -> Option<&mut Block> {
        let (&w, &start) = (self.widths.get(ci)?, self.starts.get(ci)?);
        let x = bx.checked_sub(start).filter(|&x| x < w)?;
        self.band.get_mut(ci)?.get_mut(by * w + x)
    }

    fn layout_mcus_x(&self) -> usize {
        match *self.layout {
            Layout::Interleaved { mcus_x, .. } => mcus_x,
            Layout::Single { bw, .. } => bw,
        }
    }

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

impl Sink for BandSink<'_, '_> {
    fn stopped(&self) -> bool {
        self.stopped || self.finished
    }

    fn range(&self, layout: &Layout, _: bool) -> (usize, usize) {
        let v = |c: usize| self.v.get(c).copied().unwrap_or(1);
        (row_start(layout, v, self.from), usize::MAX)
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
        if self.joiner.is_some() {
            let m = my * self.layout_mcus_x() + mx;
            if self.joined(br, d.predictions(), m) {
                return Err(STOPPED);
            }
        }
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
            for by in 0..v {
                for bx in mx * h..(mx + 1) * h {
                    match self.slot(ci, bx, by) {
                        Some(blk) => d.decode(br, sc, blk, &mut unused, Natural)?,
                        // Outside the kept columns: decoded, then dropped.
                        None => d.decode(br, sc, &mut [0; 64], &mut unused, Natural)?,
                    }
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
        if self.joiner.is_some() {
            let m = by * self.layout_mcus_x() + bx;
            if self.joined(br, d.predictions(), m) {
                return Err(STOPPED);
            }
        }
        let v = self.v.get(comp).copied().unwrap_or(1).max(1);
        if by / v != self.cur && !self.advance(by / v) {
            return Err(STOPPED);
        }
        let mut unused = 0;
        if by / v < self.cur {
            return d.decode(br, sc, &mut [0; 64], &mut unused, Natural);
        }
        match self.slot(comp, bx, by % v) {
            Some(blk) => d.decode(br, sc, blk, &mut unused, Natural),
            None => d.decode(br, sc, &mut [0; 64], &mut unused, Natural),
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

    /// A sequential file with restart interval `ri`, 640×480 with components `comps`
    /// (id, h, v, table) and random coefficients.
    fn random_file(next: &mut impl FnMut() -> u64, comps: &[(u8, u8, u8, u8)], ri: u16) -> Vec<u8> {
        use crate::coeffs::CoefficientImage;
        use crate::entropy::{encode, CodingMode, EncodeOptions};
        let mut img = CoefficientImage::zeroed(640, 480, 8, comps);
        // Busy luminance, smooth chroma, as in photographs (a decoder that starts in the
        // wrong block of an MCU soon fails on such data and tries again).
        for (ci, c) in img.components.iter_mut().enumerate() {
            let (spread, every) = if ci == 0 { (31, 2) } else { (3, 24) };
            for b in &mut c.plane.blocks {
                b[0] = (next() % 401) as i16 - 200;
                for (k, v) in b.iter_mut().enumerate().skip(1) {
                    if next() % (k as u64 * every / 2 + 2) == 0 {
                        *v = (next() % spread) as i16 - spread as i16 / 2;
                    }
                }
            }
        }
        let opts = EncodeOptions {
            mode: CodingMode::Sequential,
            restart_interval: ri,
            ..EncodeOptions::default()
        };
        let mut f = vec![0xFF, 0xD8];
        f.extend(encode(&img, &opts).unwrap());
        f.extend([0xFF, 0xD9]);
        f
    }

    type Walked = (Vec<(usize, Band)>, Vec<Warning>);

    /// The bands (without the AC coefficients of the components not read) and the
    /// warnings of a walk on `threads` from row `from`, stopped after `upto` bands.
    fn walk(
        data: &[u8],
        threads: usize,
        reads_ac: &[bool],
        from: usize,
        upto: usize,
    ) -> Option<Walked> {
        let file = JpegFile::parse(data).ok()?;
        let Ok(Streamed::Rows(mut scan)) = decode_streamed_on(&file, &Limits::default(), threads)
        else {
            return None;
        };
        scan.set_reads_ac(reads_ac.to_vec());
        let mut out = Vec::new();
        let warnings = scan.run_from(from, &mut |i, band| {
            let mut b = std::mem::replace(band, scan.new_band());
            for (blocks, _) in b.iter_mut().zip(reads_ac).filter(|(_, &r)| !r) {
                blocks.iter_mut().for_each(|blk| blk[1..].fill(0));
            }
            out.push((i, b));
            out.len() < upto
        });
        Some((out, warnings))
    }

    /// Files that a helper thread decodes in part (see `ahead`: most blocks read for
    /// their DC value alone), with restart intervals or without, and random mutants of
    /// them: the bands and warnings are those of the walk on one thread, also from a
    /// later row and when the reader stops early; and the helper's blocks are used for
    /// the clean files.
    #[test]
    fn a_helper_thread_changes_neither_bands_nor_warnings() {
        use super::super::ahead::JOINED;
        let mut next = crate::xorshift64(0x0123_4567_89AB_CDEF);
        type Case<'a> = (&'a [(u8, u8, u8, u8)], &'a [bool], u16);
        let s420: &[(u8, u8, u8, u8)] = &[(1, 2, 2, 0), (2, 1, 1, 1), (3, 1, 1, 1)];
        let s444: &[(u8, u8, u8, u8)] = &[(1, 1, 1, 0), (2, 1, 1, 1), (3, 1, 1, 1)];
        let cases: [Case; 5] = [
            (s420, &[false, true, true], 0),
            (s444, &[false, false, true], 0),
            (&[(1, 1, 1, 0)], &[false], 0),
            (s420, &[false, true, true], 7),
            (&[(1, 1, 1, 0)], &[false], 80),
        ];
        for (comps, reads_ac, ri) in cases {
            let clean = random_file(&mut next, comps, ri);
            let joined = JOINED.with(|j| j.get());
            let one = walk(&clean, 1, reads_ac, 0, usize::MAX).unwrap();
            assert!(one.1.is_empty() && one.0.len() == 480 / 8 / usize::from(comps[0].2));
            assert!(walk(&clean, 2, reads_ac, 0, usize::MAX).unwrap() == one);
            assert!(
                JOINED.with(|j| j.get()) > joined,
                "{comps:?} ri {ri}: helper not used"
            );
            for m in 1..150 {
                let d = crate::mutant(&clean, m, &mut next);
                let (from, upto) = match m % 4 {
                    3 => (next() as usize % 12, 1 + next() as usize % 24),
                    _ => (0, usize::MAX),
                };
                let one = walk(&d, 1, reads_ac, from, upto);
                let two = walk(&d, 2, reads_ac, from, upto);
                assert!(
                    one == two,
                    "{comps:?} ri {ri}: mutant {m} from {from} upto {upto}"
                );
            }
        }
    }

    /// Starting at any iMCU row, with restart intervals (where decoding starts at the
    /// interval) or without, hands out exactly the whole walk's bands from that row.
    /// Bands narrowed to some block columns hold exactly those columns of the whole
    /// bands, in interleaved and one-component scans, with restart intervals.
    #[test]
    fn kept_columns_are_the_whole_bands_columns() {
        let mut next = crate::xorshift64(0x5151_7a7a_0f0f_3c3c);
        let layouts: [&[(u8, u8, u8, u8)]; 2] =
            [&[(1, 2, 2, 0), (2, 1, 1, 1), (3, 1, 1, 1)], &[(1, 1, 1, 0)]];
        for (comps, ri) in layouts.into_iter().zip([0u16, 7]) {
            let data = random_file(&mut next, comps, ri);
            let file = JpegFile::parse(&data).unwrap();
            let Ok(Streamed::Rows(mut scan)) = decode_streamed_on(&file, &Limits::default(), 1)
            else {
                panic!("not a one-scan sequential file");
            };
            let (whole, _) = bands(&data, 0);
            let g = scan.decoded.image.geometry();
            // Luma columns 13..40, chroma about half of them.
            let cols: Vec<_> = (0..comps.len())
                .map(|c| if c == 0 { 13..40 } else { 6..20 })
                .collect();
            scan.set_columns(cols.clone());
            let mut narrow = Vec::new();
            scan.run(&mut |i, band| {
                narrow.push((i, std::mem::replace(band, scan.new_band())));
                true
            });
            assert_eq!(narrow.len(), whole.len());
            for ((i, n), (_, w)) in narrow.iter().zip(&whole) {
                for c in 0..comps.len() {
                    let (full_w, v) = (g.padded_blocks(c).0, comps[c].2 as usize);
                    let r = &cols[c];
                    assert_eq!(n[c].len(), r.len() * v, "band {i} component {c}");
                    for by in 0..v {
                        let got = &n[c][by * r.len()..(by + 1) * r.len()];
                        let want = &w[c][by * full_w + r.start..by * full_w + r.end];
                        assert!(got == want, "band {i} component {c} row {by}");
                    }
                }
            }
        }
    }

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
