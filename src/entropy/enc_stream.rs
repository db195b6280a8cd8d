//! Sequential output (T.81 Annex F, one interleaved scan) fed one MCU row at a time,
//! so that a producer can compute the coefficients of the next rows while the
//! previous ones are coded, and the whole image's coefficients are never held.
//!
//! The headers are those of [`super::encode`]; the coded data equals what
//! [`super::encode`] writes for the same blocks, since the blocks are visited in the
//! same order (T.81 A.2) and coded into the same symbols (by [`fast`], tested against
//! the general coder), with the DC predictions (F.1.2.1.1) and the restart intervals
//! (F.1.2.3) carried from row to row. With optimal tables, [`SeqStats`] counts and
//! keeps the symbols of the rows as they arrive, then picks the tables as
//! [`super::encode`] does and codes the kept symbols ([`SeqStats::finish`]).

pub(super) mod fast;

use super::bitwrite::{BitWriter, RowBits};
use super::enc_prog::Ranges;
use super::encode::{
    check_image, check_ranges, install, optimal_selection, standard_selection, write_dht,
    write_dri, write_frame_headers, write_seq_sos,
};
use super::huffenc::{table_index, Stats, NTABLES};
use super::script;
use super::{CodingMode, TableNumbering};
use crate::coeffs::{Block, BlockPlane, CoefficientImage};
use crate::error::{Error, Result};
use fast::{
    code_block, code_recorded, prepare, FlatTables, SymRecord, SymSink, SymTable, SymWriter,
};

/// One component of the scan.
struct StreamComp {
    h: usize,
    v: usize,
    /// Blocks per row of the padded plane (whole MCUs).
    width_blocks: usize,
    /// The component's block grid in a non-interleaved (one-component) scan.
    real: (usize, usize),
    dc: usize,
    ac: usize,
}

/// The scan's block order and where the walk stands.
struct Walk {
    comps: Vec<StreamComp>,
    mcus: (usize, usize),
    ri: usize,
    /// MCUs left in the current restart interval (usize::MAX: no restarts).
    left: usize,
    nrst: usize,
    pred: [i32; 4],
    /// Next MCU row expected.
    row: usize,
    ranges: Ranges,
}

impl Walk {
    /// The walk of one interleaved scan of `image`, component c coded with table ids
    /// `sel[c]`.
    fn new(image: &CoefficientImage, sel: &[(u8, u8)], restart_interval: u16) -> Result<Walk> {
        check_image(image)?;
        let all: Vec<usize> = (0..image.components.len()).collect();
        if !script::can_interleave(image, &all) {
            return Err(Error::BadRequest(
                "streamed encoding needs one interleaved scan (at most 10 blocks per MCU)".into(),
            ));
        }
        let g = image.geometry();
        let comps = image
            .components
            .iter()
            .enumerate()
            .map(|(i, c)| StreamComp {
                h: c.h as usize,
                v: c.v as usize,
                width_blocks: g.padded_blocks(i).0,
                real: g.real_blocks(i),
                dc: table_index(0, sel[i].0),
                ac: table_index(1, sel[i].1),
            })
            .collect();
        let ri = restart_interval as usize;
        Ok(Walk {
            comps,
            mcus: (g.mcus_x(), g.mcus_y()),
            ri,
            left: if ri == 0 { usize::MAX } else { ri },
            nrst: 0,
            pred: [0; 4],
            row: 0,
            ranges: Ranges { ac_or: 0, dc_or: 0 },
        })
    }

    /// Checks that `band` can be MCU row `self.row`; returns each component's blocks
    /// and their row stride.
    fn check<'a>(&self, band: &[&'a BlockPlane]) -> Result<Vec<(&'a [Block], usize)>> {
        self.check_count(band.len())?;
        for (c, p) in self.comps.iter().zip(band) {
            if p.width_blocks < c.width_blocks
                || p.height_blocks < c.v
                || p.blocks.len() != p.width_blocks * p.height_blocks
            {
                return Err(Error::BadRequest(format!(
                    "band of {}x{} blocks, the MCU row needs {}x{}",
                    p.width_blocks, p.height_blocks, c.width_blocks, c.v
                )));
            }
        }
        Ok(band
            .iter()
            .map(|p| (&p.blocks[..], p.width_blocks))
            .collect())
    }

    fn check_count(&self, n: usize) -> Result<()> {
        if self.row >= self.mcus.1 {
            return Err(Error::BadRequest("more MCU rows than the image has".into()));
        }
        if n != self.comps.len() {
            return Err(Error::BadRequest("one band per component needed".into()));
        }
        Ok(())
    }

    /// A restart before every `ri`-th MCU but the first.
    #[inline(always)]
    fn tick<S: SymSink>(&mut self, s: &mut S) {
        if self.left == 0 {
            s.restart(self.nrst);
            self.nrst += 1;
            self.left = self.ri;
            self.pred = [0; 4];
        }
        self.left -= 1;
    }

    /// Codes MCU row `self.row` of `band` (checked: blocks and row stride per
    /// component) in the order of T.81 A.2, with the restarts due in it.
    #[inline(always)]
    fn code_row<S: SymSink>(&mut self, s: &mut S, band: &[(&[Block], usize)]) {
        let (mut dc_or, mut ac_ok) = (0, true);
        if self.comps.len() == 1 {
            let (c, (blocks, stride)) = (&self.comps[0], band[0]);
            let (real, (dc, ac)) = (c.real, (s.table(c.dc), s.table(c.ac)));
            let rows = real.1.saturating_sub(self.row * c.v).min(c.v);
            for y in 0..rows {
                for blk in &blocks[y * stride..][..real.0] {
                    self.tick(s);
                    let (prep, d, ok) = prepare(blk, self.pred[0]);
                    code_block(s, blk, prep, dc, ac);
                    self.pred[0] = blk[0] as i32;
                    (dc_or, ac_ok) = (dc_or | d, ac_ok & ok);
                }
            }
        } else {
            for mx in 0..self.mcus.0 {
                self.tick(s);
                for (ci, (c, &(blocks, stride))) in self.comps.iter().zip(band).enumerate() {
                    let pred = &mut self.pred[ci & 3];
                    let (dc, ac) = (s.table(c.dc), s.table(c.ac));
                    for y in 0..c.v {
                        for blk in &blocks[y * stride + mx * c.h..][..c.h] {
                            let (prep, d, ok) = prepare(blk, *pred);
                            code_block(s, blk, prep, dc, ac);
                            *pred = blk[0] as i32;
                            (dc_or, ac_ok) = (dc_or | d, ac_ok & ok);
                        }
                    }
                }
            }
        }
        self.ranges.dc_or |= dc_or;
        if !ac_ok {
            // Some AC magnitude needs category 11 or more.
            self.ranges.ac_or |= 1 << 10;
        }
        self.row += 1;
    }

    /// Fails unless every row was given and the coefficients fit the 8-bit ranges.
    fn check_done(&self) -> Result<()> {
        if self.row != self.mcus.1 {
            return Err(Error::BadRequest(format!(
                "{} of {} MCU rows given",
                self.row, self.mcus.1
            )));
        }
        check_ranges(self.ranges, 8)
    }
}

/// A sequential encoder fed MCU rows in order ([`SeqStream::push_row`]), for images
/// whose components fit one interleaved scan (at most 10 blocks per MCU, T.81 B.2.3)
/// or that have one component.
pub struct SeqStream {
    /// Empty while `bits` holds its bytes.
    w: BitWriter,
    bits: RowBits,
    tabs: Box<[Box<SymTable>; NTABLES]>,
    walk: Walk,
}

impl SeqStream {
    /// Writes DQT, SOF0 (SOF1 with 16-bit tables), DRI (when `restart_interval` > 0),
    /// DHT with the Annex K tables and SOS for `image`, whose size, components and
    /// quantization tables are used (its planes are not).
    pub fn new(image: &CoefficientImage, restart_interval: u16) -> Result<Self> {
        Self::after(
            Vec::new(),
            image,
            restart_interval,
            TableNumbering::LumaChroma,
        )
    }

    /// [`SeqStream::new`] appending to `prefix` (say SOI and APP0), so that the coded
    /// data need not be copied behind them afterwards, with the Huffman tables numbered
    /// as `numbering` says.
    pub fn after(
        prefix: Vec<u8>,
        image: &CoefficientImage,
        restart_interval: u16,
        numbering: TableNumbering,
    ) -> Result<Self> {
        let (sel, specs) = standard_selection(image.components.len(), numbering);
        Self::with_tables(prefix, image, restart_interval, &sel, &specs)
    }

    fn with_tables(
        prefix: Vec<u8>,
        image: &CoefficientImage,
        restart_interval: u16,
        sel: &[(u8, u8)],
        specs: &[crate::container::HuffmanSpec],
    ) -> Result<Self> {
        let walk = Walk::new(image, sel, restart_interval)?;
        let mut out = prefix;
        out.extend(write_frame_headers(image, CodingMode::Sequential, false));
        write_dht(&mut out, specs);
        write_dri(&mut out, restart_interval, &mut 0);
        let all: Vec<usize> = (0..image.components.len()).collect();
        write_seq_sos(&mut out, image, &all, sel);
        let enc = install(specs);
        let mut w = BitWriter::new(out);
        Ok(SeqStream {
            bits: w.begin_row(),
            w,
            tabs: fast::sym_tables(&enc),
            walk,
        })
    }

    /// MCU rows the image has (calls of [`SeqStream::push_row`] expected).
    pub fn rows(&self) -> usize {
        self.walk.mcus.1
    }

    /// Codes the next MCU row: `band[c]` holds component c's V block rows of the
    /// padded width (whole MCUs; padding blocks are coded as given in an interleaved
    /// scan, skipped in a one-component scan, T.81 A.2.1).
    pub fn push_row(&mut self, band: &[&BlockPlane]) -> Result<()> {
        let band = self.walk.check(band)?;
        self.code(&band);
        Ok(())
    }

    fn code(&mut self, band: &[(&[Block], usize)]) {
        let mut s = SymWriter {
            bits: &mut self.bits,
            tabs: &self.tabs,
        };
        self.walk.code_row(&mut s, band);
    }

    /// Ends the scan and returns the prefix, DQT … SOS and the coded data (the caller
    /// adds EOI). Fails when rows are missing, or when a coefficient exceeded
    /// the 8-bit ranges (AC magnitudes up to 1023, DC differences up to 2047).
    pub fn finish(mut self) -> Result<Vec<u8>> {
        self.walk.check_done()?;
        self.w.end_row(self.bits);
        Ok(self.w.finish())
    }
}

/// Sequential output with optimal tables, fed MCU rows in order: the symbols are
/// counted and kept as the rows arrive, then [`SeqStats::finish`] chooses the
/// tables (as [`super::encode`] does) and codes the kept symbols. The rows need not
/// be held.
pub struct SeqStats {
    freq: Stats,
    /// The symbols in coding order (see `fast::RECORD_RESTART`).
    record: Vec<u32>,
    walk: Walk,
}

impl SeqStats {
    /// The scan of `image` (size and components; planes unused) with restart
    /// interval `restart_interval`.
    pub fn new(image: &CoefficientImage, restart_interval: u16) -> Result<Self> {
        // Each component counts into tables of its own (DC c, AC c).
        let own: Vec<(u8, u8)> = (0..image.components.len() as u8).map(|c| (c, c)).collect();
        Ok(SeqStats {
            freq: Stats::new(),
            record: Vec::new(),
            walk: Walk::new(image, &own, restart_interval)?,
        })
    }

    /// Counts and keeps the next MCU row (see [`SeqStream::push_row`]).
    pub fn push_row(&mut self, band: &[&BlockPlane]) -> Result<()> {
        let band = self.walk.check(band)?;
        let mut sink = SymRecord {
            freq: &mut self.freq.freq,
            out: &mut self.record,
        };
        self.walk.code_row(&mut sink, &band);
        Ok(())
    }

    /// Appends to `prefix` DQT, SOF, DRI, DHT with the optimal tables, SOS and the
    /// coded rows of `image` (the image given to [`SeqStats::new`]); the caller adds
    /// EOI. Fails when rows are missing or exceed the 8-bit ranges.
    pub fn finish(self, prefix: Vec<u8>, image: &CoefficientImage) -> Result<Vec<u8>> {
        let w = &self.walk;
        w.check_done()?;
        let n = image.components.len();
        let nmcu = if n > 1 {
            w.mcus.0 * w.mcus.1
        } else {
            w.comps[0].real.0 * w.comps[0].real.1
        };
        let (sel, specs) = optimal_selection(&self.freq, n, nmcu, w.ri);
        let mut st = SeqStream::with_tables(prefix, image, w.ri as u16, &sel, &specs)?;
        if st.walk.mcus != w.mcus || st.walk.comps.len() != w.comps.len() {
            return Err(Error::BadRequest(
                "not the image the rows were counted for".into(),
            ));
        }
        // Counted in component c's own tables (DC c, AC c); coded in the chosen ones.
        let map: [usize; NTABLES] = std::array::from_fn(|t| {
            let (class, c) = (t / 4, t % 4);
            match sel.get(c) {
                Some(&(dc, ac)) => table_index(class as u8, if class == 0 { dc } else { ac }),
                None => t,
            }
        });
        code_recorded(&mut st.bits, &FlatTables::new(&st.tabs, &map), &self.record);
        st.walk.row = st.walk.mcus.1;
        st.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entropy::{encode, EncodeOptions, HuffmanChoice};

    fn random_image(
        w: u32,
        h: u32,
        comps: &[(u8, u8, u8, u8)],
        seed: &mut u64,
    ) -> CoefficientImage {
        let mut img = CoefficientImage::zeroed(w, h, 8, comps);
        for c in img.components.iter_mut() {
            for b in c.plane.blocks.iter_mut() {
                for _ in 0..(*seed % 12) {
                    *seed ^= *seed << 13;
                    *seed ^= *seed >> 7;
                    *seed ^= *seed << 17;
                    b[(*seed % 64) as usize] = ((*seed >> 20) % 401) as i16 - 200;
                }
            }
        }
        img
    }

    /// MCU row `r` of `img` as bands.
    fn band(img: &CoefficientImage, r: usize) -> Vec<BlockPlane> {
        img.components
            .iter()
            .map(|c| {
                let (w, v) = (c.plane.width_blocks, c.v as usize);
                BlockPlane {
                    width_blocks: w,
                    height_blocks: v,
                    blocks: c.plane.blocks[r * v * w..(r + 1) * v * w].to_vec(),
                }
            })
            .collect()
    }

    fn streamed(img: &CoefficientImage, ri: u16) -> Result<Vec<u8>> {
        let mut s = SeqStream::new(img, ri)?;
        for r in 0..s.rows() {
            s.push_row(&band(img, r).iter().collect::<Vec<_>>())?;
        }
        s.finish()
    }

    fn streamed_optimal(img: &CoefficientImage, ri: u16) -> Result<Vec<u8>> {
        let mut s = SeqStats::new(img, ri)?;
        for r in 0..img.geometry().mcus_y() {
            s.push_row(&band(img, r).iter().collect::<Vec<_>>())?;
        }
        s.finish(Vec::new(), img)
    }

    #[test]
    fn streamed_equals_whole_image() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let layouts: [&[(u8, u8, u8, u8)]; 5] = [
            &[(1, 1, 1, 0)],
            &[(1, 2, 2, 0)],
            &[(1, 2, 2, 0), (2, 1, 1, 1), (3, 1, 1, 1)],
            &[(1, 1, 2, 0), (2, 1, 1, 1), (3, 1, 1, 2)],
            &[(1, 2, 1, 0), (2, 1, 1, 1), (3, 1, 1, 1), (4, 2, 1, 0)],
        ];
        for comps in layouts {
            for (w, h) in [(1, 1), (17, 9), (33, 47), (64, 16)] {
                for ri in [0u16, 1, 3, 7] {
                    let img = random_image(w, h, comps, &mut seed);
                    let opts = EncodeOptions {
                        huffman: HuffmanChoice::Standard,
                        restart_interval: ri,
                        ..EncodeOptions::default()
                    };
                    let whole = encode(&img, &opts).unwrap();
                    assert_eq!(
                        streamed(&img, ri).unwrap(),
                        whole,
                        "{comps:?} {w}x{h} ri {ri}"
                    );
                    let opts = EncodeOptions {
                        huffman: HuffmanChoice::Optimal,
                        ..opts
                    };
                    assert_eq!(
                        streamed_optimal(&img, ri).unwrap(),
                        encode(&img, &opts).unwrap(),
                        "optimal {comps:?} {w}x{h} ri {ri}"
                    );
                }
            }
        }
    }

    #[test]
    fn rejects_missing_rows_and_bad_bands() {
        let img = CoefficientImage::zeroed(20, 20, 8, &[(1, 2, 2, 0), (2, 1, 1, 1)]);
        let s = SeqStream::new(&img, 0).unwrap();
        assert!(s.finish().is_err());
        let mut s = SeqStream::new(&img, 0).unwrap();
        let small = BlockPlane::new(1, 1);
        assert!(s.push_row(&[&small, &small]).is_err());
        assert!(s.push_row(&[&small]).is_err());
        let many = CoefficientImage::zeroed(20, 20, 8, &[(1, 4, 3, 0), (2, 1, 1, 1)]);
        assert!(SeqStream::new(&many, 0).is_err());
        assert!(SeqStats::new(&many, 0).is_err());
        let s = SeqStats::new(&img, 0).unwrap();
        assert!(s.finish(Vec::new(), &img).is_err());
        // Out of the 8-bit range: an error, not garbage.
        let mut big = CoefficientImage::zeroed(8, 8, 8, &[(1, 1, 1, 0)]);
        big.components[0].plane.blocks[0][5] = 1024;
        let mut s = SeqStats::new(&big, 0).unwrap();
        s.push_row(&band(&big, 0).iter().collect::<Vec<_>>())
            .unwrap();
        assert!(s.finish(Vec::new(), &big).is_err());
        let mut s = SeqStream::new(&big, 0).unwrap();
        s.push_row(&band(&big, 0).iter().collect::<Vec<_>>())
            .unwrap();
        assert!(s.finish().is_err());
    }
}
