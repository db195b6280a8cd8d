//! Sequential Huffman output prepared while the input is still being decoded: a
//! consumer thread takes the iMCU rows of a streamed decode ([`super::rows`]) as they
//! come, packs their blocks, rewrites the padding blocks as a whole-image copy does,
//! and for optimal tables counts the symbols the output scan will code for them
//! (each row a span of the walk of [`super::enc_packed`], started from the DC
//! predictions of the rows before). When the last row is in, only the tables and the
//! write pass (in spans, on threads) are left.
//!
//! The output equals what [`super::encode_packed`] writes from the same blocks: the
//! planes are the same, and the statistics are the same counts taken in parts.

use super::enc_packed::{packed_comps, seq_scan};
use super::enc_prog::Ranges;
use super::encode::{encode_packed_counted, scan_restart, sequential_groups};
use super::huffenc::Stats;
use super::rows::Band;
use super::{EncodeOptions, HuffmanChoice};
use crate::coeffs::{CoefficientImage, Geometry, PackedPlane};
use crate::error::Result;

/// The packed planes and symbol counts of the rows pushed so far.
pub struct BandCollector {
    planes: Vec<PackedPlane>,
    g: Geometry,
    /// Restart interval of the output scan, in MCUs.
    ri: usize,
    /// Counts per component (table index = component index), when tables are optimal.
    stats: Option<(Stats, Ranges)>,
}

impl BandCollector {
    /// A collector for `image` (its geometry and components; planes unused) written
    /// with `opts`, or `None` when the output is not one interleaved sequential
    /// Huffman scan with the input's MCUs.
    pub fn new(image: &CoefficientImage, opts: &EncodeOptions) -> Result<Option<Self>> {
        let n = image.components.len();
        let one_scan = sequential_groups(image, opts)?.len() == 1;
        if n < 2 || !one_scan || opts.mode != super::CodingMode::Sequential {
            return Ok(None);
        }
        let stats = match opts.huffman {
            HuffmanChoice::Optimal => Some((Stats::new(), Ranges::default())),
            HuffmanChoice::Standard => None,
            HuffmanChoice::Arithmetic => return Ok(None),
        };
        let g = image.geometry();
        let all: Vec<usize> = (0..n).collect();
        Ok(Some(BandCollector {
            planes: (0..n)
                .map(|c| {
                    let (w, h) = g.padded_blocks(c);
                    PackedPlane::new(w, h)
                })
                .collect(),
            ri: scan_restart(opts, &g, &all) as usize,
            g,
            stats,
        }))
    }

    /// Takes iMCU row `r` (per component, its `v` block rows of the padded width),
    /// leaving `band` all zero; rewrites the row's padding blocks and counts its symbols.
    pub fn push(&mut self, r: usize, band: &mut Band) {
        let g = &self.g;
        for ((c, blocks), plane) in band.iter_mut().enumerate().zip(&mut self.planes) {
            let (h, v) = (g.factors[c].0 as usize, g.factors[c].1 as usize);
            let (rw, rh) = g.real_blocks(c);
            let first = r * v * plane.width_blocks;
            for (i, b) in blocks.iter_mut().enumerate() {
                plane.set(first + i, b);
                *b = [0; 64];
            }
            plane.fill_padding_rows(h, v, rw, rh, r * v..(r + 1) * v);
        }
        if let Some((stats, ranges)) = &mut self.stats {
            // Each component with tables of its own: the layout optimal tables are chosen from.
            let all: Vec<usize> = (0..self.planes.len()).collect();
            let own: Vec<(u8, u8)> = (0..self.planes.len() as u8).map(|c| (c, c)).collect();
            let comps = packed_comps(g, &self.planes, &all, &own);
            let mcus = (g.mcus_x(), g.mcus_y());
            let span = r * mcus.0..((r + 1) * mcus.0).min(mcus.0 * mcus.1);
            ranges.merge(seq_scan(stats, &comps, mcus, self.ri, span));
        }
    }

    /// The entropy-coded output of `image` (as [`super::encode_packed`] gives it) from
    /// the rows pushed.
    pub fn finish(self, image: &CoefficientImage, opts: &EncodeOptions) -> Result<Vec<u8>> {
        encode_packed_counted(image, &self.planes, opts, self.stats)
    }
}
