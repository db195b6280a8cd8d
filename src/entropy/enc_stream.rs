//! Sequential output (T.81 Annex F, one interleaved scan) fed one MCU row at a time,
//! so that a producer can compute the coefficients of the next rows while the
//! previous ones are coded, and the whole image's coefficients are never held.
//!
//! The headers are those of [`super::encode`] with the Annex K tables; the coded
//! data equals what [`super::encode`] writes for the same blocks, since the blocks go
//! through the same [`SeqCoder`] in the same order (T.81 A.2), with the DC predictions
//! (F.1.2.1.1) and the restart intervals (F.1.2.3) carried from row to row.

use super::enc_prog::Ranges;
use super::enc_seq::{BlockCoder, ScanComp, SeqCoder};
use super::encode::{
    check_image, check_ranges, install, standard_selection, write_dht, write_frame_headers,
    write_seq_sos,
};
use super::huffenc::{table_index, EncTables, Writer};
use super::script;
use super::CodingMode;
use crate::coeffs::{BlockPlane, CoefficientImage};
use crate::error::{Error, Result};

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

/// A sequential encoder fed MCU rows in order ([`SeqStream::push_row`]), for images
/// whose components fit one interleaved scan (at most 10 blocks per MCU, T.81 B.2.3)
/// or that have one component.
pub struct SeqStream {
    w: Option<super::bitwrite::BitWriter>,
    tabs: Box<EncTables>,
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
    /// Stands for the planes in the [`ScanComp`]s that set up a [`SeqCoder`].
    empty: BlockPlane,
}

impl SeqStream {
    /// Writes DQT, SOF0 (SOF1 with 16-bit tables), DRI (when `restart_interval` > 0),
    /// DHT with the Annex K tables and SOS for `image`, whose size, components and
    /// quantization tables are used (its planes are not).
    pub fn new(image: &CoefficientImage, restart_interval: u16) -> Result<Self> {
        Self::after(Vec::new(), image, restart_interval)
    }

    /// [`SeqStream::new`] appending to `prefix` (say SOI and APP0), so that the coded
    /// data need not be copied behind them afterwards.
    pub fn after(prefix: Vec<u8>, image: &CoefficientImage, restart_interval: u16) -> Result<Self> {
        check_image(image)?;
        let n = image.components.len();
        let all: Vec<usize> = (0..n).collect();
        if !script::can_interleave(image, &all) {
            return Err(Error::BadRequest(
                "streamed encoding needs one interleaved scan (at most 10 blocks per MCU)".into(),
            ));
        }
        let g = image.geometry();
        let mut out = prefix;
        out.extend(write_frame_headers(
            image,
            CodingMode::Sequential,
            restart_interval,
        ));
        let (sel, specs) = standard_selection(n);
        write_dht(&mut out, &specs);
        write_seq_sos(&mut out, image, &all, &sel);
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
        Ok(SeqStream {
            w: Some(super::bitwrite::BitWriter::new(out)),
            tabs: install(&specs),
            comps,
            mcus: (g.mcus_x(), g.mcus_y()),
            ri,
            left: if ri == 0 { usize::MAX } else { ri },
            nrst: 0,
            pred: [0; 4],
            row: 0,
            ranges: Ranges { ac_or: 0, dc_or: 0 },
            empty: BlockPlane::new(0, 0),
        })
    }

    /// MCU rows the image has (calls of [`SeqStream::push_row`] expected).
    pub fn rows(&self) -> usize {
        self.mcus.1
    }

    /// Codes the next MCU row: `band[c]` holds component c's V block rows of the
    /// padded width (whole MCUs; padding blocks are coded as given in an interleaved
    /// scan, skipped in a one-component scan, T.81 A.2.1).
    pub fn push_row(&mut self, band: &[&BlockPlane]) -> Result<()> {
        if self.row >= self.mcus.1 {
            return Err(Error::BadRequest("more MCU rows than the image has".into()));
        }
        if band.len() != self.comps.len() {
            return Err(Error::BadRequest("one band per component needed".into()));
        }
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
        let Some(bw) = self.w.take() else {
            return Err(Error::BadRequest("stream already failed".into()));
        };
        let mut wr = Writer::new(Vec::new(), &self.tabs);
        wr.w = bw;
        let scan: Vec<ScanComp> = self
            .comps
            .iter()
            .map(|c| ScanComp {
                plane: &self.empty,
                h: c.h,
                v: c.v,
                real: c.real,
                dc: c.dc,
                ac: c.ac,
            })
            .collect();
        let mut coder = SeqCoder::new(&mut wr, &scan);
        coder.set_predictions(self.pred);
        let (left, nrst) = self.code_row(&mut coder, band);
        let (pred, ac_or, dc_or) = (coder.predictions(), coder.ac_or, coder.dc_or);
        drop(coder);
        let bw = wr.w;
        drop(scan);
        self.w = Some(bw);
        (self.left, self.nrst, self.pred) = (left, nrst, pred);
        self.ranges.ac_or |= ac_or;
        self.ranges.dc_or |= dc_or;
        self.row += 1;
        Ok(())
    }

    /// Codes MCU row `self.row` of `band` in the order of T.81 A.2, with the restarts
    /// due in it.
    fn code_row<B: BlockCoder>(&self, coder: &mut B, band: &[&BlockPlane]) -> (usize, usize) {
        let mut st = Intervals {
            left: self.left,
            nrst: self.nrst,
            ri: self.ri,
        };
        if let [c] = &self.comps[..] {
            let p = band[0];
            let rows = c.real.1.saturating_sub(self.row * c.v).min(c.v);
            for y in 0..rows {
                let start = y * p.width_blocks;
                for (i, blk) in p.blocks[start..][..c.real.0].iter().enumerate() {
                    st.tick(coder);
                    coder.block(0, start + i, blk);
                }
            }
        } else {
            for mx in 0..self.mcus.0 {
                st.tick(coder);
                for (ci, (c, p)) in self.comps.iter().zip(band).enumerate() {
                    for y in 0..c.v {
                        let start = y * p.width_blocks + mx * c.h;
                        for (i, blk) in p.blocks[start..][..c.h].iter().enumerate() {
                            coder.block(ci, start + i, blk);
                        }
                    }
                }
            }
        }
        (st.left, st.nrst)
    }

    /// Ends the scan and returns the prefix, DQT … SOS and the coded data (the caller
    /// adds EOI). Fails when rows are missing, or when a coefficient exceeded
    /// the 8-bit ranges (AC magnitudes up to 1023, DC differences up to 2047).
    pub fn finish(mut self) -> Result<Vec<u8>> {
        if self.row != self.mcus.1 {
            return Err(Error::BadRequest(format!(
                "{} of {} MCU rows given",
                self.row, self.mcus.1
            )));
        }
        check_ranges(self.ranges)?;
        match self.w.take() {
            Some(w) => Ok(w.finish()),
            None => Err(Error::BadRequest("stream already failed".into())),
        }
    }
}

/// Restart bookkeeping: a restart before every `ri`-th MCU but the first.
struct Intervals {
    left: usize,
    nrst: usize,
    ri: usize,
}

impl Intervals {
    #[inline(always)]
    fn tick<B: BlockCoder>(&mut self, coder: &mut B) {
        if self.left == 0 {
            coder.restart(self.nrst);
            self.nrst += 1;
            self.left = self.ri;
        }
        self.left -= 1;
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

    fn streamed(img: &CoefficientImage, ri: u16) -> Result<Vec<u8>> {
        let mut s = SeqStream::new(img, ri)?;
        for r in 0..s.rows() {
            let bands: Vec<BlockPlane> = img
                .components
                .iter()
                .map(|c| {
                    let (w, v) = (c.plane.width_blocks, c.v as usize);
                    BlockPlane {
                        width_blocks: w,
                        height_blocks: v,
                        blocks: c.plane.blocks[r * v * w..(r + 1) * v * w].to_vec(),
                    }
                })
                .collect();
            s.push_row(&bands.iter().collect::<Vec<_>>())?;
        }
        s.finish()
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
    }
}
