//! Writing a coefficient image as DQT, SOFn, DRI, and DHT + SOS + entropy-coded data
//! per scan (T.81 Annexes B, F, G, K).
//!
//! ```text
//! DQT  one segment, a table per quantization slot used
//! SOFn SOF0 (baseline) / SOF1 (16-bit tables) / SOF2 (progressive)
//! DRI  only with a restart interval
//! sequential:  DHT (all tables)  SOS  data [RSTn data]...      (one scan, or one per
//!              component when an interleaved MCU would exceed 10 blocks)
//! progressive: [DHT (this scan's tables)]  SOS  data ...       per scan of the script
//! ```

use super::enc_packed::{packed_comps, scan_len, seq_scan, seq_stats, seq_write};
use super::enc_prog::{prog_scan, Ranges};
use super::enc_seq::{pack_plane, walk, ScanComp, SeqCoder};
use super::enc_stream::fast::sym_tables;
use super::huffenc::{empty_tables, table_index, EncTable, Sink, Stats, Writer};
use super::optimal::optimal_spec;
use super::script;
use super::{CodingMode, EncodeOptions, HuffmanChoice, TableNumbering};
use crate::coeffs::{BlockPlane, CoefficientImage, Geometry, PackedPlane, QuantTable};
use crate::container::{
    std_tables, write_dht_entry, write_dqt_entry, write_frame, write_scan, write_segment,
    FrameComponent, FrameHeader, HuffmanSpec, Marker, ScanComponent, ScanHeader,
};
use crate::error::{Error, Result};

/// Encodes `image` as DQT, SOFn, DRI (if any), and DHT + SOS + entropy-coded data for
/// each scan. The caller adds SOI, metadata and EOI.
///
/// Sequential output is one interleaved scan (one per component if an MCU would hold
/// more than 10 blocks), with the Annex K tables (luminance for the first component,
/// chrominance for the others) or optimal ones (K.2; the first component's tables and
/// the others' shared, unless another sharing is clearly smaller). Progressive output
/// follows `opts.scan_script` or [`default_progressive_script`], always with optimal
/// tables per scan; in sequential mode `opts.scan_script` only groups components.
///
/// Padding blocks of interleaved scans are coded as given (see
/// [`CoefficientImage::normalize_padding`]).
/// Coefficients must fit 8-bit precision: AC magnitudes up to 1023, DC differences
/// (after the point transform) up to 2047; otherwise [`Error::BadRequest`].
pub fn encode(image: &CoefficientImage, opts: &EncodeOptions) -> Result<Vec<u8>> {
    check_dense(image)?;
    encode_checked(image, None, opts)
}

/// The image and its dense planes are consistent (see [`check_image`], [`check_planes`]).
fn check_dense(image: &CoefficientImage) -> Result<()> {
    check_image(image)?;
    check_planes(image, |i| {
        let p = &image.components[i].plane;
        (p.width_blocks, p.height_blocks, p.blocks.len())
    })
}

/// [`encode`] for an image whose blocks are packed: `image` gives the size, components
/// and tables (its planes are ignored), `planes` the blocks of each component. Sequential
/// output is coded straight from the packed blocks; progressive output expands them.
pub fn encode_packed(
    image: &CoefficientImage,
    planes: &[PackedPlane],
    opts: &EncodeOptions,
) -> Result<Vec<u8>> {
    check_image(image)?;
    if planes.len() != image.components.len() {
        return Err(Error::BadRequest(
            "one packed plane per component needed".into(),
        ));
    }
    check_planes(image, |i| {
        let p = &planes[i];
        (p.width_blocks, p.height_blocks, p.len())
    })?;
    encode_checked(image, Some(planes), opts)
}

/// [`encode`] taking the image: progressive output packs each component's blocks and
/// frees its dense plane before the next, so that the two are never all held at once
/// (sequential output is coded as [`encode`] codes it).
pub fn encode_owned(mut image: CoefficientImage, opts: &EncodeOptions) -> Result<Vec<u8>> {
    // Sequential Huffman output is coded from the dense planes on one thread; packed,
    // it is coded in spans on several, which outweighs the packing when it is large.
    let blocks: usize = image.components.iter().map(|c| c.plane.blocks.len()).sum();
    let spans = opts.huffman != HuffmanChoice::Arithmetic && scan_threads(opts, blocks) > 1;
    if opts.mode != CodingMode::Progressive && !spans {
        return encode(&image, opts);
    }
    check_dense(&image)?;
    // The smallest planes first: the peak is every dense plane plus the first packed
    // one, so that should be a subsampled chrominance plane, not the luminance.
    let mut order: Vec<usize> = (0..image.components.len()).collect();
    order.sort_by_key(|&c| image.components[c].plane.blocks.len());
    let mut packed: Vec<Option<PackedPlane>> = image.components.iter().map(|_| None).collect();
    for c in order {
        let comp = &mut image.components[c];
        packed[c] = Some(pack_plane(&comp.plane));
        comp.plane.blocks = Vec::new();
    }
    let packed: Vec<PackedPlane> = packed.into_iter().flatten().collect();
    encode_checked(&image, Some(&packed), opts)
}

/// [`encode_packed`] of sequential Huffman output whose symbol counts (optimal tables:
/// per component, table index = component index, and the ranges seen) were already
/// taken, by [`super::enc_bands::BandCollector`].
pub(super) fn encode_packed_counted(
    image: &CoefficientImage,
    planes: &[PackedPlane],
    opts: &EncodeOptions,
    counted: Option<(Stats, Ranges)>,
) -> Result<Vec<u8>> {
    check_image(image)?;
    check_planes(image, |i| {
        let p = &planes[i];
        (p.width_blocks, p.height_blocks, p.len())
    })?;
    let g = image.geometry();
    let out = write_frame_headers(image, opts.mode, false);
    encode_sequential(image, Some(planes), &g, opts, out, counted)
}

fn encode_checked(
    image: &CoefficientImage,
    packed: Option<&[PackedPlane]>,
    opts: &EncodeOptions,
) -> Result<Vec<u8>> {
    let g = image.geometry();
    let arithmetic = opts.huffman == HuffmanChoice::Arithmetic;
    let out = write_frame_headers(image, opts.mode, arithmetic);
    if opts.mode == CodingMode::Sequential && !arithmetic {
        return encode_sequential(image, packed, &g, opts, out, None);
    }
    // Arithmetic and progressive coders read packed blocks (a progressive scan visits
    // every block twice, statistics then output, each coefficient once per scan).
    let built: Vec<PackedPlane>;
    let planes = match packed {
        Some(p) => p,
        None => {
            built = image
                .components
                .iter()
                .map(|c| pack_plane(&c.plane))
                .collect();
            &built
        }
    };
    if arithmetic {
        return encode_arithmetic(image, &g, opts, planes, out);
    }
    let script = match &opts.scan_script {
        Some(s) => s.clone(),
        None => script::default_script(image),
    };
    encode_progressive(image, &g, opts, &script, planes, out)
}

/// Planes of the sizes of `planes` without blocks: the walks need only the size, the
/// coders read the packed blocks by index.
fn shapes_of(planes: &[PackedPlane]) -> Vec<BlockPlane> {
    planes
        .iter()
        .map(|p| BlockPlane {
            width_blocks: p.width_blocks,
            height_blocks: p.height_blocks,
            blocks: Vec::new(),
        })
        .collect()
}

/// Arithmetic-coded scans (T.81 Annex D, F.1.4.4, G.1.3): the sequential scans of
/// [`sequential_groups`] or the progressive script; each scan is preceded by its DAC
/// segment (default conditioning). Table ids are libjpeg's: 0 for the first component,
/// 1 for the others.
fn encode_arithmetic(
    image: &CoefficientImage,
    g: &Geometry,
    opts: &EncodeOptions,
    planes: &[PackedPlane],
    mut out: Vec<u8>,
) -> Result<Vec<u8>> {
    use super::arith_enc::{write_dac, ArithCoder};
    use super::arith_scan::ArithKind;
    let progressive = opts.mode == CodingMode::Progressive;
    check_ac_ranges(planes, image.precision)?;
    let (script, idxs) = arithmetic_script(image, opts)?;
    let shapes = shapes_of(planes);
    let shape_refs: Vec<&BlockPlane> = shapes.iter().collect();
    let mcus = (g.mcus_x(), g.mcus_y());
    let sels: Vec<Vec<(u8, u8)>> = idxs
        .iter()
        .map(|idx| idx.iter().map(|&c| opts.table_numbering.ids(c)).collect())
        .collect();
    // Every scan starts with fresh statistics (T.81 F.1.4.4.1.1 and G.1.3.2), so the
    // scans are coded apart, on threads when the image is large, and written in order.
    let threads = scan_threads(opts, planes.iter().map(|p| p.len()).sum());
    let scans: Vec<usize> = (0..script.len()).collect();
    let coded = super::par::map(&scans, threads, |&i| {
        let (s, idx, sel) = (&script[i], &idxs[i], &sels[i]);
        let comps = scan_comps_on(image, &shape_refs, g, idx, sel);
        let kind = ArithKind::of(s, progressive);
        let coder = ArithCoder::new(
            Vec::new(),
            idx.iter().map(|&c| &planes[c]).collect(),
            sel,
            kind,
        );
        coder.run(&comps, mcus, scan_restart(opts, g, idx) as usize)
    });
    let mut last_dri = 0;
    for (i, (data, dc_or)) in coded.into_iter().enumerate() {
        let (s, idx, sel) = (&script[i], &idxs[i], &sels[i]);
        check_ranges(Ranges { ac_or: 0, dc_or }, image.precision)?;
        write_dac(&mut out, sel, ArithKind::of(s, progressive));
        write_dri(&mut out, scan_restart(opts, g, idx), &mut last_dri);
        write_arithmetic_sos(&mut out, s, sel, progressive);
        out.extend_from_slice(&data);
    }
    Ok(out)
}

/// The scans of arithmetic output and each one's frame component indices: the
/// progressive script (checked), or one sequential scan per group.
fn arithmetic_script(
    image: &CoefficientImage,
    opts: &EncodeOptions,
) -> Result<(Vec<ScanHeader>, Vec<Vec<usize>>)> {
    if opts.mode == CodingMode::Progressive {
        let script = opts
            .scan_script
            .clone()
            .unwrap_or_else(|| script::default_script(image));
        let idxs = script::validate(image, &script)?;
        return Ok((script, idxs));
    }
    let groups = sequential_groups(image, opts)?;
    let sel: Vec<(u8, u8)> = (0..image.components.len())
        .map(|c| opts.table_numbering.ids(c))
        .collect();
    let script = groups
        .iter()
        .map(|idx| sequential_header(image, idx, &sel))
        .collect();
    Ok((script, groups))
}

/// The SOS of scan `s` with table ids `sel` (scan order). In progressive mode a DC
/// scan names no AC table, and an AC scan or a DC refinement no DC table: written as
/// 0, as libjpeg writes them.
fn write_arithmetic_sos(out: &mut Vec<u8>, s: &ScanHeader, sel: &[(u8, u8)], progressive: bool) {
    let mut header = s.clone();
    for (c, t) in header.components.iter_mut().zip(sel) {
        (c.td, c.ta) = match (progressive, s.ss, s.ah) {
            (false, ..) => *t,
            (true, 0, 0) => (t.0, 0),
            (true, 0, _) => (0, 0),
            (true, ..) => (0, t.1),
        };
    }
    let mut body = Vec::new();
    write_scan(&mut body, &header);
    write_segment(out, Marker::SOS, &body);
}

/// The frame components of each sequential scan: those of `opts.scan_script` (checked),
/// else one interleaved scan, or one per component when an MCU would exceed 10 blocks.
pub(super) fn sequential_groups(
    image: &CoefficientImage,
    opts: &EncodeOptions,
) -> Result<Vec<Vec<usize>>> {
    if let Some(s) = &opts.scan_script {
        return script::validate_sequential(image, s);
    }
    let n = image.components.len();
    let all: Vec<usize> = (0..n).collect();
    Ok(if script::can_interleave(image, &all) {
        vec![all]
    } else {
        (0..n).map(|c| vec![c]).collect()
    })
}

/// The header of a sequential scan of frame components `idx` with table ids `sel`
/// (per frame component).
fn sequential_header(image: &CoefficientImage, idx: &[usize], sel: &[(u8, u8)]) -> ScanHeader {
    ScanHeader {
        components: idx
            .iter()
            .map(|&c| ScanComponent {
                id: image.components[c].id,
                td: sel[c].0,
                ta: sel[c].1,
            })
            .collect(),
        ss: 0,
        se: 63,
        ah: 0,
        al: 0,
    }
}

/// DQT and SOFn for `image` coded in `mode`, with Huffman or `arithmetic` coding
/// (SOF9/SOF10, B.1.1.3). The DRI comes later, with the first scan (see [`write_dri`]).
pub(super) fn write_frame_headers(
    image: &CoefficientImage,
    mode: CodingMode,
    arithmetic: bool,
) -> Vec<u8> {
    let mut out = Vec::new();
    let (tables, slots) = assign_quant_slots(image);
    // One table per segment, as libjpeg writes them (B.2.4.1 allows several): several
    // tables in one segment is how camera firmware writes them, and a file's layout is
    // evidence of its encoder (see `inspect::identify`), which a copy must not change
    // into a camera's.
    for (slot, t) in &tables {
        let mut body = Vec::new();
        write_dqt_entry(&mut body, *slot, t);
        write_segment(&mut out, Marker::DQT, &body);
    }

    let marker = match mode {
        CodingMode::Progressive if arithmetic => Marker::SOF10,
        CodingMode::Sequential if arithmetic => Marker::SOF9,
        CodingMode::Progressive => Marker::SOF2,
        CodingMode::Sequential
            if image.precision == 8
                && tables.iter().all(|(_, t)| !t.sixteen_bit && t.fits_8bit()) =>
        {
            Marker::SOF0
        }
        CodingMode::Sequential => Marker::SOF1,
    };
    let frame = FrameHeader {
        marker,
        precision: image.precision,
        height: image.height as u16,
        width: image.width as u16,
        components: image
            .components
            .iter()
            .zip(&slots)
            .enumerate()
            .map(|(i, (c, &tq))| {
                let (h, v) = image.coded_factors(i);
                FrameComponent { id: c.id, h, v, tq }
            })
            .collect(),
    };
    let mut body = Vec::new();
    write_frame(&mut body, &frame);
    write_segment(&mut out, marker, &body);
    out
}

/// The restart interval of a scan of frame components `idx`: `opts.restart_interval`,
/// or `opts.restart_rows` rows of the scan's MCUs, as libjpeg counts them (an
/// interleaved scan's MCU row is the frame's; a one-component scan has a block per MCU,
/// T.81 A.2.2), at most 65535.
pub(super) fn scan_restart(opts: &EncodeOptions, g: &Geometry, idx: &[usize]) -> u16 {
    if opts.restart_rows == 0 {
        return opts.restart_interval;
    }
    (g.scan_mcus_x(idx) * opts.restart_rows as usize).min(65535) as u16
}

/// The DRI segment (B.2.4.4) for a scan with interval `restart_interval`, when it
/// differs from the interval in force (`last`, 0 before the first scan), written as
/// libjpeg writes it: after the scan's tables (DHT or DAC), just before its SOS, so that
/// a file's marker order is jpegtran's and cjpeg's.
pub(super) fn write_dri(out: &mut Vec<u8>, restart_interval: u16, last: &mut u16) {
    if restart_interval != *last {
        write_segment(out, Marker::DRI, &restart_interval.to_be_bytes());
        *last = restart_interval;
    }
}

/// The scan script jtool uses for progressive output when none is given.
pub fn default_progressive_script(image: &CoefficientImage) -> Vec<ScanHeader> {
    script::default_script(image)
}

/// The progressive script libjpeg uses for components that are not YCbCr or gray (RGB;
/// for four components it is the default anyway): every component refined alike.
pub fn generic_progressive_script(image: &CoefficientImage) -> Vec<ScanHeader> {
    script::generic_script(image)
}

pub(super) fn check_image(image: &CoefficientImage) -> Result<()> {
    if image.precision != 8 && image.precision != 12 {
        return Err(Error::unsupported(
            format!("encoding {}-bit precision", image.precision),
            None,
        ));
    }
    let n = image.components.len();
    if n == 0 {
        return Err(Error::BadRequest("image has no components".into()));
    }
    if n > 4 {
        return Err(Error::unsupported(format!("encoding {n} components"), None));
    }
    if image.width == 0 || image.height == 0 || image.width > 65535 || image.height > 65535 {
        return Err(Error::BadRequest(format!(
            "image size {}x{} cannot be stored in a frame header (1 to 65535)",
            image.width, image.height
        )));
    }
    for (i, c) in image.components.iter().enumerate() {
        if !(1..=4).contains(&c.h) || !(1..=4).contains(&c.v) {
            return Err(Error::BadRequest(format!(
                "component {i}: bad sampling factors {}x{}",
                c.h, c.v
            )));
        }
        if image.components[..i].iter().any(|d| d.id == c.id) {
            return Err(Error::BadRequest(format!(
                "duplicate component id {}",
                c.id
            )));
        }
    }
    Ok(())
}

/// Every component's plane (`(width, height, blocks)` of plane `i`) covers the padded
/// block grid.
fn check_planes(
    image: &CoefficientImage,
    dims: impl Fn(usize) -> (usize, usize, usize),
) -> Result<()> {
    let g = image.geometry();
    for i in 0..image.components.len() {
        let (w, h) = g.padded_blocks(i);
        let (pw, ph, n) = dims(i);
        if pw < w || ph < h || n != pw * ph {
            return Err(Error::BadRequest(format!(
                "component {i}: plane of {pw}x{ph} blocks, the geometry needs {w}x{h}"
            )));
        }
    }
    Ok(())
}

/// Distinct quantization tables in order of first use with their slots, and each
/// component's slot. Components keep their slot unless another table already holds
/// it; then they move to a slot nobody asked for.
fn assign_quant_slots(image: &CoefficientImage) -> (Vec<(u8, QuantTable)>, Vec<u8>) {
    let mut tables: Vec<(u8, QuantTable)> = Vec::new();
    let mut slots = vec![None; image.components.len()];
    for (i, c) in image.components.iter().enumerate() {
        if c.quant_slot > 3 {
            continue;
        }
        match tables.iter().find(|(s, _)| *s == c.quant_slot) {
            Some((_, t)) if *t == c.quant => slots[i] = Some(c.quant_slot),
            Some(_) => {}
            None => {
                tables.push((c.quant_slot, c.quant));
                slots[i] = Some(c.quant_slot);
            }
        }
    }
    for (i, c) in image.components.iter().enumerate() {
        if slots[i].is_some() {
            continue;
        }
        if let Some((s, _)) = tables.iter().find(|(_, t)| *t == c.quant) {
            slots[i] = Some(*s);
            continue;
        }
        let requested = |s: u8| image.components.iter().any(|c| c.quant_slot == s);
        let taken = |s: u8, tables: &Vec<(u8, QuantTable)>| tables.iter().any(|(t, _)| *t == s);
        let free = (0..4u8)
            .find(|&s| !taken(s, &tables) && !requested(s))
            .or_else(|| (0..4u8).find(|&s| !taken(s, &tables)))
            .expect("at most 4 components, so a slot is free");
        tables.push((free, c.quant));
        slots[i] = Some(free);
    }
    // Order the DQT entries by first use.
    let slots: Vec<u8> = slots.into_iter().map(|s| s.unwrap_or(0)).collect();
    let mut ordered = Vec::with_capacity(tables.len());
    for &s in &slots {
        if !ordered.iter().any(|(t, _): &(u8, QuantTable)| *t == s) {
            let t = tables
                .iter()
                .find(|(t, _)| *t == s)
                .expect("assigned slot has a table");
            ordered.push(*t);
        }
    }
    (ordered, slots)
}

fn scan_comps<'a>(
    image: &'a CoefficientImage,
    g: &Geometry,
    idx: &[usize],
    sel: &[(u8, u8)],
) -> Vec<ScanComp<'a>> {
    let planes: Vec<&BlockPlane> = image.components.iter().map(|c| &c.plane).collect();
    scan_comps_on(image, &planes, g, idx, sel)
}

/// [`scan_comps`] with the planes `planes` (one per frame component) in place of the
/// image's own.
fn scan_comps_on<'a>(
    image: &CoefficientImage,
    planes: &[&'a BlockPlane],
    g: &Geometry,
    idx: &[usize],
    sel: &[(u8, u8)],
) -> Vec<ScanComp<'a>> {
    idx.iter()
        .zip(sel)
        .map(|(&c, &(td, ta))| {
            let comp = &image.components[c];
            ScanComp {
                plane: planes[c],
                h: comp.h as usize,
                v: comp.v as usize,
                real: g.real_blocks(c),
                dc: table_index(0, td),
                ac: table_index(1, ta),
            }
        })
        .collect()
}

/// [`check_ranges`] of the AC coefficients of every plane (a script covers them all).
fn check_ac_ranges(planes: &[PackedPlane], precision: u8) -> Result<()> {
    for p in planes {
        let ac_or = p.ac_or();
        check_ranges(Ranges { ac_or, dc_or: 0 }, precision)?;
    }
    Ok(())
}

/// Fails when a coded value lies beyond what `precision` allows (T.81 F.1.2.1.1 and
/// F.1.2.2.1: DC differences of category P + 3 at most, AC coefficients P + 2).
pub(super) fn check_ranges(r: Ranges, precision: u8) -> Result<()> {
    let p = u32::from(precision);
    if r.ac_or >= 1 << (p + 2) {
        return Err(Error::BadRequest(format!(
            "AC coefficient out of range for {p}-bit precision (magnitude category above {})",
            p + 2
        )));
    }
    if r.dc_or >= 1 << (p + 3) {
        return Err(Error::BadRequest(format!(
            "DC difference out of range for {p}-bit precision (magnitude category above {})",
            p + 3
        )));
    }
    Ok(())
}

/// One DHT segment per table, as libjpeg writes them (see [`write_frame_headers`]).
pub(super) fn write_dht(out: &mut Vec<u8>, specs: &[HuffmanSpec]) {
    for s in specs {
        let mut body = Vec::new();
        write_dht_entry(&mut body, s);
        write_segment(out, Marker::DHT, &body);
    }
}

/// Bits needed to code symbols of frequencies `freq` with their optimal table `spec`,
/// plus the table's DHT entry.
fn table_cost(spec: &HuffmanSpec, freq: &[u32; 256]) -> u64 {
    if spec.symbols.is_empty() {
        return 0;
    }
    let mut bits = 8 * (17 + spec.symbols.len() as u64);
    let mut syms = spec.symbols.iter();
    for (l, &n) in spec.counts.iter().enumerate() {
        for &sym in syms.by_ref().take(n as usize) {
            bits += freq[sym as usize] as u64 * (l as u64 + 1);
        }
    }
    bits
}

/// Table of each component in the usual split: the first component alone, the
/// others sharing table 1 (what jpegtran does for YCbCr).
fn usual_split(n: usize) -> usize {
    (1usize << (n - 1)) - 1
}

/// Optimal tables of the components' frequencies merged by groups, and their costs,
/// each group's worked out once: choosing a split compares splits that share groups,
/// and the chosen split's tables are among them.
struct SplitCosts<'a> {
    freqs: &'a [&'a [u32; 256]],
    /// By group (bit i set: component i in the group). A scan has at most four
    /// components (T.81 B.2.3).
    memo: [Option<(u64, HuffmanSpec)>; 16],
}

impl<'a> SplitCosts<'a> {
    fn new(freqs: &'a [&'a [u32; 256]]) -> Self {
        SplitCosts {
            freqs,
            memo: std::array::from_fn(|_| None),
        }
    }

    /// The optimal tables of class `class` for the components' table ids `ids` (0 or
    /// 1 each), in id order.
    fn specs(&mut self, class: u8, ids: &[u8]) -> Vec<HuffmanSpec> {
        let mut out = Vec::new();
        for id in 0..2u8 {
            let members = (ids.iter().enumerate())
                .filter(|&(_, &t)| t == id)
                .fold(0usize, |m, (i, _)| m | 1 << i);
            if members != 0 {
                let (_, spec) = self.entry(members);
                out.push(HuffmanSpec { class, id, ..spec });
            }
        }
        out
    }

    /// Bits for codes and DHT entries when the components share tables by `mask`
    /// (bit i − 1 set: component i uses table 1; component 0 always uses table 0).
    fn split(&mut self, mask: usize) -> u64 {
        let mut groups = [0usize; 2];
        for i in 0..self.freqs.len() {
            let gi = if i == 0 { 0 } else { (mask >> (i - 1)) & 1 };
            groups[gi] |= 1 << i;
        }
        self.entry(groups[0]).0 + self.entry(groups[1]).0
    }

    /// The cost and optimal table of the components in `members` (bit i: component i).
    fn entry(&mut self, members: usize) -> (u64, HuffmanSpec) {
        if let Some(Some(e)) = self.memo.get(members) {
            return e.clone();
        }
        let mut merged = [0u32; 256];
        for (i, f) in self.freqs.iter().enumerate() {
            if members & (1 << i) != 0 {
                for (m, &x) in merged.iter_mut().zip(f.iter()) {
                    *m = m.saturating_add(x);
                }
            }
        }
        let spec = optimal_spec(0, 0, &merged);
        let e = (table_cost(&spec, &merged), spec);
        if let Some(slot) = self.memo.get_mut(members) {
            *slot = Some(e.clone());
        }
        e
    }
}

/// Which of (at most) two tables each component should use, given each component's
/// symbol frequencies: the usual split unless another one clearly needs fewer bits
/// for codes and DHT entries. RGB, CMYK and YCCK images often gain 0.2–2% this way.
///
/// "Clearly": the estimate ignores 0xFF stuffing, whose byte count varies by about
/// √(bytes/256) between two codings, so the gain must exceed twice that plus 8
/// bytes. The estimate also ignores the padding of restart intervals to whole bytes,
/// which can outweigh any gain when intervals hold only a few bytes: the caller passes
/// `allowed = false` then.
fn choose_tables(costs: &mut SplitCosts, allowed: bool) -> Vec<u8> {
    let n = costs.freqs.len();
    let usual = usual_split(n);
    let mut best = usual;
    if allowed && n > 1 {
        let usual_cost = costs.split(usual);
        let mut best_cost = usual_cost;
        for mask in 0..1usize << (n - 1) {
            if mask != usual {
                let c = costs.split(mask);
                if c < best_cost {
                    (best, best_cost) = (mask, c);
                }
            }
        }
        let noise_bytes = 8.0 + 2.0 * (usual_cost as f64 / 8.0 / 256.0).sqrt();
        if ((usual_cost - best_cost) as f64) < 8.0 * noise_bytes {
            best = usual;
        }
    }
    (0..n)
        .map(|i| {
            if i == 0 {
                0
            } else {
                ((best >> (i - 1)) & 1) as u8
            }
        })
        .collect()
}

/// Whether restart intervals leave the split estimate meaningful: no restarts, or on
/// average at least 16 bytes of codes per interval (below that, as in a DC scan with
/// intervals of a few MCUs, the padding of every interval decides the size).
fn split_estimate_ok(code_bits: u64, mcus: usize, ri: usize) -> bool {
    ri == 0 || code_bits / 8 >= 16 * mcus.div_ceil(ri) as u64
}

pub(super) fn install(specs: &[HuffmanSpec]) -> Box<super::huffenc::EncTables> {
    let mut tabs = empty_tables();
    for s in specs {
        tabs[table_index(s.class, s.id)] = EncTable::from_spec(s);
    }
    tabs
}

/// The blocks a sequential scan reads: the image's own planes or packed ones.
#[derive(Clone, Copy)]
struct SeqSource<'a> {
    image: &'a CoefficientImage,
    packed: Option<&'a [PackedPlane]>,
    g: &'a Geometry,
    mcus: (usize, usize),
    opts: &'a EncodeOptions,
}

impl SeqSource<'_> {
    /// The restart interval of the scan of frame components `idx`.
    fn ri_of(&self, idx: &[usize]) -> usize {
        scan_restart(self.opts, self.g, idx) as usize
    }

    /// Codes the sequential scan of frame components `idx` (table ids `sel[c]` for
    /// component c) into `sink`; checks the 8-bit ranges.
    fn code<S: Sink>(&self, idx: &[usize], sel: &[(u8, u8)], sink: &mut S) -> Result<()> {
        let ids: Vec<(u8, u8)> = idx.iter().map(|&c| sel[c]).collect();
        let ranges = match self.packed {
            None => {
                let comps = scan_comps(self.image, self.g, idx, &ids);
                let mut coder = SeqCoder::new(sink, &comps);
                walk(&mut coder, &comps, self.mcus, self.ri_of(idx));
                Ranges {
                    ac_or: coder.ac_or,
                    dc_or: coder.dc_or,
                }
            }
            Some(planes) => {
                let comps = packed_comps(self.g, planes, idx, &ids);
                let span = 0..scan_len(&comps, self.mcus);
                seq_scan(sink, &comps, self.mcus, self.ri_of(idx), span)
            }
        };
        check_ranges(ranges, self.image.precision)
    }

    /// Writes the sequential scan of frame components `idx` into `w`: packed planes
    /// through the symbol tables of the streamed encoder, others through `w`.
    fn write(&self, idx: &[usize], sel: &[(u8, u8)], w: &mut Writer) -> Result<()> {
        // The symbol tables hold 8-bit categories; wider values take the general coder.
        let planes = match self.packed {
            Some(planes) if self.image.precision == 8 => planes,
            _ => return self.code(idx, sel, w),
        };
        let ids: Vec<(u8, u8)> = idx.iter().map(|&c| sel[c]).collect();
        let comps = packed_comps(self.g, planes, idx, &ids);
        let sym = sym_tables(w.tables());
        let ri = self.ri_of(idx);
        check_ranges(
            seq_write(&mut w.w, &sym, &comps, self.mcus, ri, self.opts.threads),
            8,
        )
    }

    /// Counts the symbols of the sequential scan of frame components `idx` into
    /// `stats` (packed planes: in parts, on threads).
    fn count(&self, idx: &[usize], sel: &[(u8, u8)], stats: &mut Stats) -> Result<()> {
        let Some(planes) = self.packed else {
            return self.code(idx, sel, stats);
        };
        let ids: Vec<(u8, u8)> = idx.iter().map(|&c| sel[c]).collect();
        let comps = packed_comps(self.g, planes, idx, &ids);
        let ri = self.ri_of(idx);
        let ranges = seq_stats(stats, &comps, self.mcus, ri, self.opts.threads);
        check_ranges(ranges, self.image.precision)
    }
}

fn encode_sequential(
    image: &CoefficientImage,
    packed: Option<&[PackedPlane]>,
    g: &Geometry,
    opts: &EncodeOptions,
    mut out: Vec<u8>,
    counted: Option<(Stats, Ranges)>,
) -> Result<Vec<u8>> {
    let n = image.components.len();
    let scans = sequential_groups(image, opts)?;
    let src = SeqSource {
        image,
        packed,
        g,
        mcus: (g.mcus_x(), g.mcus_y()),
        opts,
    };
    let (sel, specs) = match opts.huffman {
        // Annex K's tables code 8-bit categories only; libjpeg too makes optimal
        // tables for other precisions.
        HuffmanChoice::Standard if image.precision == 8 => {
            standard_selection(n, opts.table_numbering)
        }
        // (Arithmetic output is written by `encode_arithmetic`.)
        _ => optimal_sequential(&src, &scans, counted)?,
    };
    let tabs = install(&specs);

    let (mut last_dri, mut sent) = (0, Vec::new());
    for idx in &scans {
        write_scan_dht(&mut out, idx, &sel, &specs, &mut sent);
        let dri = scan_restart(opts, g, idx);
        write_dri(&mut out, dri, &mut last_dri);
        write_seq_sos(&mut out, image, idx, &sel);
        let mut w = Writer::new(out, &tabs);
        src.write(idx, &sel, &mut w)?;
        out = w.w.finish();
    }
    Ok(out)
}

/// The DHT segments a sequential scan of frame components `idx` needs that no earlier
/// scan did (`sent` lists those written), each component's DC table then its AC table,
/// as libjpeg places them: before the scan's DRI and SOS (T.81 B.2.4 lets tables be
/// defined anywhere before the scan that uses them). A single scan gets every table.
fn write_scan_dht(
    out: &mut Vec<u8>,
    idx: &[usize],
    sel: &[(u8, u8)],
    specs: &[HuffmanSpec],
    sent: &mut Vec<(u8, u8)>,
) {
    for &c in idx {
        for (class, id) in [(0, sel[c].0), (1, sel[c].1)] {
            if sent.contains(&(class, id)) {
                continue;
            }
            if let Some(spec) = specs.iter().find(|s| s.class == class && s.id == id) {
                write_dht(out, std::slice::from_ref(spec));
                sent.push((class, id));
            }
        }
    }
}

/// The Annex K tables of sequential output: each component's (DC, AC) table ids as
/// `numbering` gives them (table 0 holds the luminance tables, table 1 the
/// chrominance ones) and the DHT entries of the tables used.
pub(super) fn standard_selection(
    n: usize,
    numbering: TableNumbering,
) -> (Vec<(u8, u8)>, Vec<HuffmanSpec>) {
    let sel: Vec<(u8, u8)> = (0..n).map(|c| numbering.ids(c)).collect();
    let mut v = vec![std_tables::std_dc_luma(0), std_tables::std_ac_luma(0)];
    if sel.iter().any(|&(dc, _)| dc == 1) {
        v.push(std_tables::std_dc_chroma(1));
        v.push(std_tables::std_ac_chroma(1));
    }
    (sel, v)
}

/// The SOS segment of a sequential scan of frame components `idx` (table ids `sel[c]`).
pub(super) fn write_seq_sos(
    out: &mut Vec<u8>,
    image: &CoefficientImage,
    idx: &[usize],
    sel: &[(u8, u8)],
) {
    let header = sequential_header(image, idx, sel);
    let mut body = Vec::new();
    write_scan(&mut body, &header);
    write_segment(out, Marker::SOS, &body);
}

/// Each component's (DC, AC) table ids, and the DHT entries of the tables.
type TableChoice = (Vec<(u8, u8)>, Vec<HuffmanSpec>);

/// Optimal tables for the sequential `scans`: statistics per component (table index =
/// component index), then the cheapest sharing of two tables per class. Returns each
/// component's (DC, AC) table ids and the DHT entries.
fn optimal_sequential(
    src: &SeqSource,
    scans: &[Vec<usize>],
    counted: Option<(Stats, Ranges)>,
) -> Result<TableChoice> {
    let (n, g, mcus) = (src.image.components.len(), src.g, src.mcus);
    let own: Vec<(u8, u8)> = (0..n as u8).map(|c| (c, c)).collect();
    let stats = match counted {
        Some((stats, ranges)) => {
            check_ranges(ranges, src.image.precision)?;
            stats
        }
        None => {
            let mut stats = Stats::new();
            for idx in scans {
                src.count(idx, &own, &mut stats)?;
            }
            stats
        }
    };
    let nmcu: usize = if scans.len() == 1 && n > 1 {
        mcus.0 * mcus.1
    } else {
        (0..n)
            .map(|c| g.real_blocks(c).0 * g.real_blocks(c).1)
            .max()
            .unwrap_or(1)
    };
    let ri = src.opts.restart_interval as usize;
    Ok(optimal_selection(&stats, n, nmcu, ri))
}

/// The table choice of [`optimal_sequential`] from the statistics of `n` components
/// (table index = component index) over `nmcu` MCUs with restart interval `ri`.
pub(super) fn optimal_selection(
    stats: &Stats,
    n: usize,
    nmcu: usize,
    ri: usize,
) -> (Vec<(u8, u8)>, Vec<HuffmanSpec>) {
    let freqs = |class: u8| -> Vec<&[u32; 256]> {
        (0..n as u8)
            .map(|c| &stats.freq[table_index(class, c)])
            .collect()
    };
    let (fdc, fac) = (freqs(0), freqs(1));
    let (mut cdc, mut cac) = (SplitCosts::new(&fdc), SplitCosts::new(&fac));
    let code_bits = cdc.split(usual_split(n)) + cac.split(usual_split(n));
    let ok = split_estimate_ok(code_bits, nmcu, ri);
    let dc = choose_tables(&mut cdc, ok);
    let ac = choose_tables(&mut cac, ok);
    let mut v = cdc.specs(0, &dc);
    v.extend(cac.specs(1, &ac));
    // DHT order: DC 0, AC 0, DC 1, AC 1.
    v.sort_by_key(|s| (s.id, s.class));
    (dc.into_iter().zip(ac).collect(), v)
}

fn encode_progressive(
    image: &CoefficientImage,
    g: &Geometry,
    opts: &EncodeOptions,
    script: &[ScanHeader],
    planes: &[PackedPlane],
    mut out: Vec<u8>,
) -> Result<Vec<u8>> {
    let idxs = script::validate(image, script)?;
    // The script covers every AC coefficient of every component: checked once here.
    check_ac_ranges(planes, image.precision)?;
    let src = ProgSource {
        image,
        g,
        planes,
        // The coders read the packed planes: the walk needs only each plane's size.
        shapes: shapes_of(planes),
        mcus: (g.mcus_x(), g.mcus_y()),
    };
    let default_script = opts.scan_script.is_none();
    // Each scan has its own tables (G.1.2), so scans are coded apart, on threads when
    // the image is large, and their segments written in order.
    let threads = scan_threads(opts, planes.iter().map(|p| p.len()).sum());
    let scans: Vec<(&ScanHeader, &Vec<usize>)> = script.iter().zip(&idxs).collect();
    let coded = super::par::map(&scans, threads, |&(s, idx)| -> Result<CodedScan> {
        let dri = scan_restart(opts, g, idx);
        let mut sel: Vec<(u8, u8)> = s.components.iter().map(|c| (c.td, c.ta)).collect();
        let specs = src.tables(s, idx, &mut sel, dri as usize, default_script)?;
        let tabs = install(&specs);
        let mut w = Writer::new(Vec::new(), &tabs);
        check_ranges(
            src.code(&mut w, s, idx, &sel, dri as usize),
            image.precision,
        )?;
        Ok((specs, sel, dri, w.w.finish()))
    });
    let mut last_dri = 0;
    for (s, scan) in script.iter().zip(coded) {
        let (specs, sel, dri, data) = scan?;
        write_dht(&mut out, &specs);
        write_dri(&mut out, dri, &mut last_dri);
        let mut body = Vec::new();
        write_scan(&mut body, &progressive_header(s, &sel));
        write_segment(&mut out, Marker::SOS, &body);
        out.extend_from_slice(&data);
    }
    Ok(out)
}

/// A progressive scan coded apart: its tables, table ids, restart interval and bytes.
type CodedScan = (Vec<HuffmanSpec>, Vec<(u8, u8)>, u16, Vec<u8>);

/// Blocks per thread below which the scans of a progressive file are coded on one.
const PARALLEL_SCAN_BLOCKS: usize = 16384;

/// Threads for the scans of an image of `blocks` blocks: those of `opts`, but none
/// with fewer than [`PARALLEL_SCAN_BLOCKS`] blocks' worth of work.
fn scan_threads(opts: &EncodeOptions, blocks: usize) -> usize {
    opts.threads.min(blocks / PARALLEL_SCAN_BLOCKS).max(1)
}

/// What every scan of a progressive encode reads.
struct ProgSource<'a> {
    image: &'a CoefficientImage,
    g: &'a Geometry,
    planes: &'a [PackedPlane],
    shapes: Vec<BlockPlane>,
    mcus: (usize, usize),
}

impl ProgSource<'_> {
    /// Codes scan `s` of frame components `idx` with table ids `ids` into `sink`.
    fn code<S: Sink>(
        &self,
        sink: &mut S,
        s: &ScanHeader,
        idx: &[usize],
        ids: &[(u8, u8)],
        ri: usize,
    ) -> Ranges {
        let shape_refs: Vec<&BlockPlane> = self.shapes.iter().collect();
        let comps = scan_comps_on(self.image, &shape_refs, self.g, idx, ids);
        let planes: Vec<&PackedPlane> = idx.iter().map(|&c| &self.planes[c]).collect();
        prog_scan(sink, &comps, &planes, self.mcus, ri, s.ss, s.se, s.ah, s.al)
    }

    /// The symbol statistics of scan `s` with table ids `ids`.
    fn stats(&self, s: &ScanHeader, idx: &[usize], ids: &[(u8, u8)], ri: usize) -> Result<Stats> {
        let mut stats = Stats::new();
        check_ranges(self.code(&mut stats, s, idx, ids, ri), self.image.precision)?;
        Ok(stats)
    }

    /// The optimal tables of scan `s` (T.81 K.2), updating its table ids `sel`: DC
    /// first scans use each component's DC table, AC scans their one AC table, DC
    /// refinement none. With the default script, the DC tables of an interleaved DC
    /// first scan are shared in the cheapest way.
    fn tables(
        &self,
        s: &ScanHeader,
        idx: &[usize],
        sel: &mut [(u8, u8)],
        ri: usize,
        default_script: bool,
    ) -> Result<Vec<HuffmanSpec>> {
        let is_dc = s.ss == 0;
        let mut specs = Vec::new();
        if is_dc && s.ah == 0 && idx.len() > 1 && default_script {
            let own: Vec<(u8, u8)> = (0..idx.len() as u8).map(|i| (i, 0)).collect();
            let stats = self.stats(s, idx, &own, ri)?;
            let freqs: Vec<&[u32; 256]> = (0..idx.len() as u8)
                .map(|i| &stats.freq[table_index(0, i)])
                .collect();
            let mut costs = SplitCosts::new(&freqs);
            let ok = split_estimate_ok(
                costs.split(usual_split(idx.len())),
                self.mcus.0 * self.mcus.1,
                ri,
            );
            let dc = choose_tables(&mut costs, ok);
            specs = costs.specs(0, &dc);
            for (x, t) in sel.iter_mut().zip(dc) {
                x.0 = t;
            }
        } else if !(is_dc && s.ah != 0) {
            let stats = self.stats(s, idx, sel, ri)?;
            let mut done = Vec::new();
            for &(td, ta) in sel.iter() {
                let (class, id) = if is_dc { (0, td) } else { (1, ta) };
                if !done.contains(&id) {
                    done.push(id);
                    specs.push(optimal_spec(class, id, &stats.freq[table_index(class, id)]));
                }
            }
        }
        Ok(specs)
    }
}

/// The SOS header of progressive scan `s` with table ids `sel`: selectors of tables the
/// scan does not use are written as 0.
fn progressive_header(s: &ScanHeader, sel: &[(u8, u8)]) -> ScanHeader {
    let is_dc = s.ss == 0;
    ScanHeader {
        components: s
            .components
            .iter()
            .zip(sel)
            .map(|(c, &(td, ta))| ScanComponent {
                id: c.id,
                td: if is_dc && s.ah == 0 { td } else { 0 },
                ta: if is_dc { 0 } else { ta },
            })
            .collect(),
        ..s.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_tables_follow_libjpegs_numbering() {
        let ids = |n, t| standard_selection(n, t).0;
        let specs = |n, t| standard_selection(n, t).1.len();
        assert_eq!(ids(3, TableNumbering::LumaChroma), [(0, 0), (1, 1), (1, 1)]);
        assert_eq!(ids(3, TableNumbering::Shared), [(0, 0); 3]);
        assert_eq!(specs(4, TableNumbering::Shared), 2, "luminance tables only");
        assert_eq!(
            ids(4, TableNumbering::Ycck),
            [(0, 0), (1, 1), (1, 1), (0, 0)]
        );
        assert_eq!(specs(4, TableNumbering::Ycck), 4);
        assert_eq!(specs(1, TableNumbering::LumaChroma), 2);
    }

    #[test]
    fn usual_split_unless_clearly_worse() {
        let choose = |f: &[&[u32; 256]], allowed| choose_tables(&mut SplitCosts::new(f), allowed);
        // Luma-like and two chroma-like tables: the usual split.
        let mut y = [0u32; 256];
        let mut c = [0u32; 256];
        for s in 0..12 {
            y[s] = 10_000 >> (s.abs_diff(5)).min(12);
            c[s] = 40_000 >> s;
        }
        assert_eq!(choose(&[&y, &c, &c], true), vec![0, 1, 1]);
        // Four alike tables (CMYK): one shared table saves the other's DHT entry and
        // costs nothing, but only when the saving is clear of the noise allowance.
        let big: Vec<u32> = (0..256).map(|s| 1000 >> (s / 16)).collect();
        let mut k = [0u32; 256];
        k.copy_from_slice(&big);
        assert_eq!(choose(&[&k, &k, &k, &k], true), vec![0, 0, 0, 0]);
        assert_eq!(choose(&[&k, &k, &k, &k], false), vec![0, 1, 1, 1]);
        // YCCK-like: the fourth component resembles the first.
        let mut y2 = [0u32; 256];
        let mut c2 = [0u32; 256];
        for s in 0..256 {
            y2[s] = if s % 16 < 8 { 100_000 >> (s / 32) } else { 0 };
            c2[s] = if s % 16 >= 8 { 100_000 >> (s / 32) } else { 0 };
        }
        assert_eq!(choose(&[&y2, &c2, &c2, &y2], true), vec![0, 1, 1, 0]);
        assert_eq!(choose(&[&y2], true), vec![0]);
    }
}
