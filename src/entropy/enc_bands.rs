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

use super::enc_packed::{seq_scan, PackedComp};
use super::enc_prog::Ranges;
use super::encode::{encode_packed_counted, sequential_groups};
use super::huffenc::{table_index, Stats};
use super::rows::Band;
use super::{EncodeOptions, HuffmanChoice};
use crate::coeffs::{CoefficientImage, PackedPlane};
use crate::error::Result;

/// The packed planes and symbol counts of the rows pushed so far.
pub struct BandCollector {
    planes: Vec<PackedPlane>,
    /// Per component: sampling factors and real (non-padding) blocks.
    factors: Vec<(usize, usize)>,
    real: Vec<(usize, usize)>,
    mcus: (usize, usize),
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
            factors: g
                .factors
                .iter()
                .map(|&(h, v)| (h as usize, v as usize))
                .collect(),
            real: (0..n).map(|c| g.real_blocks(c)).collect(),
            mcus: (g.mcus_x(), g.mcus_y()),
            ri: super::encode::scan_restart(opts, &g, &all) as usize,
            stats,
        }))
    }

    /// Takes iMCU row `r` (per component, its `v` block rows of the padded width),
    /// leaving `band` all zero; rewrites the row's padding blocks and counts its symbols.
    pub fn push(&mut self, r: usize, band: &mut Band) {
        for (c, blocks) in band.iter_mut().enumerate() {
            let (Some(plane), Some(&(h, v)), Some(&(rw, rh))) = (
                self.planes.get_mut(c),
                self.factors.get(c),
                self.real.get(c),
            ) else {
                continue;
            };
            let first = r * v * plane.width_blocks;
            for (i, b) in blocks.iter_mut().enumerate() {
                plane.set(first + i, b);
                *b = [0; 64];
            }
            plane.fill_padding_rows(h, v, rw, rh, r * v..(r + 1) * v);
        }
        if let Some((stats, ranges)) = &mut self.stats {
            let comps = own_comps(&self.planes, &self.factors, &self.real);
            let span = r * self.mcus.0..((r + 1) * self.mcus.0).min(self.mcus.0 * self.mcus.1);
            let got = seq_scan(stats, &comps, self.mcus, self.ri, span);
            ranges.ac_or |= got.ac_or;
            ranges.dc_or |= got.dc_or;
        }
    }

    /// The entropy-coded output of `image` (as [`super::encode_packed`] gives it) from
    /// the rows pushed.
    pub fn finish(self, image: &CoefficientImage, opts: &EncodeOptions) -> Result<Vec<u8>> {
        encode_packed_counted(image, &self.planes, opts, self.stats)
    }
}

/// The components of the interleaved scan over `planes`, each with tables of its own
/// (the statistics layout of optimal sequential output).
fn own_comps<'p>(
    planes: &'p [PackedPlane],
    factors: &[(usize, usize)],
    real: &[(usize, usize)],
) -> Vec<PackedComp<'p>> {
    planes
        .iter()
        .zip(factors.iter().zip(real))
        .enumerate()
        .map(|(c, (plane, (&(h, v), &real)))| PackedComp {
            plane,
            h,
            v,
            real,
            dc: table_index(0, c as u8),
            ac: table_index(1, c as u8),
        })
        .collect()
}
