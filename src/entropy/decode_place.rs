//! Decoding straight into a transformed image: every decoded block goes to its place
//! in an output image (cropped, transposed, mirrored) or nowhere, so that a crop
//! stores only the blocks it keeps and a rotation needs one coefficient image, not two.
//!
//! The caller (the pipeline, from a transform plan) says where each source block goes
//! with a [`Placement`]: per source component, a map of block columns and one of block
//! rows. What is not needed is still decoded where the bit stream requires it (blocks
//! before the needed ones in coding order, unless a restart interval can be skipped
//! whole) but not stored; MCUs after the last needed one are not decoded at all.
//!
//! Progressive AC scans are the one place where a block's bits depend on earlier scans
//! (a refinement reads a correction bit for each coefficient that is already nonzero).
//! The decoder keeps a 64-bit mask of each walked block's nonzero coefficients anyway;
//! for a walked block that is not kept, the mask is all that is kept.

use super::bitread::BitReader;
use super::decode::decode_with;
use super::decode_scan::{nat, BlockDecode, Corrupt, Layout, Natural, Order, Sink};
use super::{Decoded, Limits};
use crate::coeffs::{Block, BlockPlane, CoefficientImage, Component, PackedPlane, QuantTable};
use crate::container::JpegFile;
use crate::error::{Error, Result};

/// Where each decoded block goes (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// Width of the source frame this placement was made for, in pixels.
    pub source_width: u32,
    /// Height of the source frame.
    pub source_height: u32,
    /// Output image width in pixels.
    pub width: u32,
    /// Output image height in pixels.
    pub height: u32,
    /// Blocks are transposed: source block columns become output block rows, and the
    /// coefficients of each block are transposed.
    pub transpose: bool,
    /// The output components, in order.
    pub components: Vec<PlacedComponent>,
}

/// One output component of a [`Placement`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedComponent {
    /// Index of the source component (frame order) it is made from; identifier and
    /// quantization slot are the source's.
    pub source: usize,
    /// Output horizontal sampling factor.
    pub h: u8,
    /// Output vertical sampling factor.
    pub v: u8,
    /// Per source block column (padded grid): the output block position it goes to along
    /// the output axis it maps to (x; y when transposed), and whether it is mirrored along
    /// that axis (odd frequencies negated); `None`: the column is not needed.
    pub cols: Vec<Option<(usize, bool)>>,
    /// Per source block row, likewise (output y; x when transposed).
    pub rows: Vec<Option<(usize, bool)>>,
}

/// Decodes the scans of `file` as [`super::decode`] does, storing each block where
/// `placement` says. Returns the decoded file, whose image holds the frame's
/// components and tables but empty planes, and the output image: the placed blocks,
/// zero elsewhere (padding included); its quantization tables are not set.
///
/// Data that is skipped (restart intervals before the needed ones, everything after
/// the last needed MCU, scans of components that are not placed) is not looked at, so
/// a file damaged there decodes with fewer warnings than a full decode gives.
pub fn decode_placed(
    file: &JpegFile,
    limits: &Limits,
    placement: &Placement,
) -> Result<(Decoded, CoefficientImage)> {
    match decode_with(file, limits, Some(placement), false, 1)? {
        (decoded, Some(PlacedImage::Dense(out))) => Ok((decoded, out)),
        _ => Err(Error::BadRequest("no frame to place".into())),
    }
}

/// The output of a placed decode: a coefficient image, or (sequential frames decoded
/// with [`decode_placed_packed`]) the output's metadata image (empty planes) and its
/// blocks packed.
#[derive(Debug, Clone)]
pub enum PlacedImage {
    /// Every block in a plane of its own.
    Dense(CoefficientImage),
    /// Metadata image (empty planes) and one packed plane per component.
    Packed(CoefficientImage, Vec<PackedPlane>),
}

/// [`decode_placed`], storing the blocks of a sequential frame packed
/// ([`PackedPlane`]): a fifth to a third of the memory for a photograph. A progressive
/// frame (whose blocks are refined by later scans) is decoded into a dense image.
pub fn decode_placed_packed(
    file: &JpegFile,
    limits: &Limits,
    placement: &Placement,
) -> Result<(Decoded, PlacedImage)> {
    match decode_with(file, limits, Some(placement), true, 1)? {
        (decoded, Some(out)) => Ok((decoded, out)),
        _ => Err(Error::BadRequest("no frame to place".into())),
    }
}

/// `NONE` marks an entry of a packed map that is not needed.
const NONE: usize = usize::MAX;

/// A coefficient permutation with sign changes, indexed by zigzag position (any
/// position: 64..127 behave as 63, as [`nat`] does).
pub(super) struct CoefMap {
    idx: [u8; 128],
    neg: [i16; 128],
}

impl CoefMap {
    /// Natural index n goes to its transpose if `t`, then is negated for odd output
    /// columns if `mx` and odd output rows if `my`. With `zigzag`, the block is written
    /// in zigzag order (the output coefficient's zigzag position instead of its
    /// natural index), as packing wants it.
    fn new(t: bool, mx: bool, my: bool, zigzag: bool) -> Self {
        let mut map = CoefMap {
            idx: [0; 128],
            neg: [0; 128],
        };
        let mut zigzag_of = [0u8; 64];
        for (z, &n) in crate::coeffs::ZIGZAG.iter().enumerate() {
            zigzag_of[n] = z as u8;
        }
        for k in 0..128 {
            let n = nat(k);
            let (r, c) = if t { (n % 8, n / 8) } else { (n / 8, n % 8) };
            let out = r * 8 + c;
            map.idx[k] = if zigzag { zigzag_of[out] } else { out as u8 };
            map.neg[k] = -(((mx && c & 1 == 1) ^ (my && r & 1 == 1)) as i16);
        }
        map
    }
}

/// Coefficients placed through a [`CoefMap`].
#[derive(Clone, Copy)]
pub(super) struct Oriented<'a>(&'a CoefMap);

impl Order for Oriented<'_> {
    #[inline(always)]
    fn get(self, blk: &Block, k: usize) -> i16 {
        let k = k & 127;
        let n = self.0.neg[k];
        (blk[self.0.idx[k] as usize & 63] ^ n).wrapping_sub(n)
    }
    #[inline(always)]
    fn put(self, blk: &mut Block, k: usize, v: i16) {
        let k = k & 127;
        let n = self.0.neg[k];
        blk[self.0.idx[k] as usize & 63] = (v ^ n).wrapping_sub(n);
    }
}

/// The packed maps of one source component that is kept.
struct SourceMap {
    /// Output component index.
    out: usize,
    /// Per source block row / column: `offset << 2 | flags`, or [`NONE`]. The sum of a
    /// row and a column entry is `(output block index) << 2 | mirror_y << 1 | mirror_x`.
    rows: Vec<usize>,
    cols: Vec<usize>,
    /// Nonzero AC masks of the walked blocks (progressive only), `hist_w` per row (the
    /// real block width), from row 0 to the last needed row.
    hist: Vec<u64>,
    hist_w: usize,
}

/// The output image being filled and the maps that fill it.
pub(super) struct Placed {
    /// The dense output; with `packed`, a metadata image (empty planes).
    pub image: CoefficientImage,
    /// The output's blocks, packed (sequential frames decoded for a packed output).
    packed: Option<Vec<PackedPlane>>,
    comps: Vec<Option<SourceMap>>,
    maps: [CoefMap; 4],
    /// Some block is transposed or mirrored.
    pub oriented: bool,
    /// Where blocks that are not kept are decoded.
    junk: Block,
    /// Zero between blocks: where a block to pack is decoded (in zigzag order).
    scratch: Block,
}

impl Placed {
    /// Sets up the output for a frame of `source` (metadata only: size, components).
    pub fn new(
        p: &Placement,
        source: &CoefficientImage,
        progressive: bool,
        packed: bool,
    ) -> Result<Placed> {
        let bad =
            |what: &str| Error::BadRequest(format!("placement does not fit the frame: {what}"));
        if (p.source_width, p.source_height) != (source.width, source.height) {
            return Err(bad("size"));
        }
        let n = source.components.len();
        let mut specs = Vec::new();
        for pc in &p.components {
            let Some(c) = source.components.get(pc.source) else {
                return Err(bad("component"));
            };
            specs.push((c.id, pc.h.max(1), pc.v.max(1), c.quant_slot));
        }
        let (image, packed) = output_image(p, source, &specs, packed);
        let sg = source.geometry();
        let mut comps: Vec<Option<SourceMap>> = (0..n).map(|_| None).collect();
        let mut oriented = p.transpose;
        for (out, pc) in p.components.iter().enumerate() {
            if comps[pc.source].is_some() {
                return Err(bad("a source component placed twice"));
            }
            let (ow, oh) = match &packed {
                Some(planes) => (planes[out].width_blocks, planes[out].height_blocks),
                None => {
                    let plane = &image.components[out].plane;
                    (plane.width_blocks, plane.height_blocks)
                }
            };
            let (pw, ph) = sg.padded_blocks(pc.source);
            // Column entries carry output x (or y when transposed), row entries the other.
            let cols_x = !p.transpose;
            let pack =
                |v: &[Option<(usize, bool)>], len: usize, is_x: bool, o: &mut bool| -> Vec<usize> {
                    (0..len)
                        .map(|i| match v.get(i).copied().flatten() {
                            Some((at, m)) if is_x && at < ow => {
                                *o |= m;
                                at << 2 | m as usize
                            }
                            Some((at, m)) if !is_x && at < oh => {
                                *o |= m;
                                (at * ow) << 2 | (m as usize) << 1
                            }
                            _ => NONE,
                        })
                        .collect()
                };
            let cols = pack(&pc.cols, pw, cols_x, &mut oriented);
            let rows = pack(&pc.rows, ph, !cols_x, &mut oriented);
            comps[pc.source] = Some(SourceMap {
                out,
                rows,
                cols,
                hist: Vec::new(),
                hist_w: 0,
            });
        }
        if progressive {
            for (ci, m) in comps.iter_mut().enumerate() {
                let Some(m) = m else { continue };
                let (bw, bh) = sg.real_blocks(ci);
                let Some(last) = last_mapped(&m.rows[..bh.min(m.rows.len())]) else {
                    continue;
                };
                m.hist = vec![0; bw * (last + 1)];
                m.hist_w = bw;
            }
        }
        let zigzag = packed.is_some();
        let maps = [0, 1, 2, 3].map(|f| CoefMap::new(p.transpose, f & 1 != 0, f & 2 != 0, zigzag));
        Ok(Placed {
            image,
            packed,
            comps,
            maps,
            oriented,
            junk: [0; 64],
            scratch: [0; 64],
        })
    }

    /// Zeroes what a sequential scan of source component `ci` is about to rewrite.
    pub fn clear(&mut self, ci: usize) {
        let Some(Some(m)) = self.comps.get(ci) else {
            return;
        };
        if let Some(planes) = &mut self.packed {
            let p = &mut planes[m.out];
            *p = PackedPlane::new(p.width_blocks, p.height_blocks);
        } else {
            self.image.components[m.out]
                .plane
                .blocks
                .iter_mut()
                .for_each(|b| *b = [0; 64]);
        }
    }

    /// The decoded output.
    pub fn into_output(self) -> PlacedImage {
        match self.packed {
            Some(planes) => PlacedImage::Packed(self.image, planes),
            None => PlacedImage::Dense(self.image),
        }
    }
}

/// The output image of placement `p` (zeroed planes), or its metadata image and zero
/// packed planes when `packed`.
fn output_image(
    p: &Placement,
    source: &CoefficientImage,
    specs: &[(u8, u8, u8, u8)],
    packed: bool,
) -> (CoefficientImage, Option<Vec<PackedPlane>>) {
    if !packed {
        let image = CoefficientImage::zeroed(p.width, p.height, source.precision, specs);
        return (image, None);
    }
    let image = metadata_image(p.width, p.height, source.precision, specs);
    let g = image.geometry();
    let planes = (0..specs.len())
        .map(|i| {
            let (w, h) = g.padded_blocks(i);
            PackedPlane::new(w, h)
        })
        .collect();
    (image, Some(planes))
}

fn first_mapped(v: &[usize]) -> Option<usize> {
    v.iter().position(|&e| e != NONE)
}

fn last_mapped(v: &[usize]) -> Option<usize> {
    v.iter().rposition(|&e| e != NONE)
}

/// A [`Sink`] over a [`Placed`]; `ORIENTED` selects the coefficient maps (else every
/// block keeps its natural order).
pub(super) struct PlacedSink<'p, const ORIENTED: bool>(pub &'p mut Placed);

impl<const ORIENTED: bool> PlacedSink<'_, ORIENTED> {
    #[inline(always)]
    fn place<D: BlockDecode>(
        &mut self,
        d: &mut D,
        br: &mut BitReader,
        sc: usize,
        comp: usize,
        bx: usize,
        by: usize,
    ) -> std::result::Result<(), Corrupt> {
        let Placed {
            image,
            packed,
            comps,
            maps,
            junk,
            scratch,
            ..
        } = &mut *self.0;
        let mut unused = 0;
        let Some(Some(m)) = comps.get_mut(comp) else {
            return d.decode(br, sc, junk, &mut unused, Natural);
        };
        let hist = match m.hist.get_mut(by * m.hist_w + bx) {
            Some(h) if D::HISTORY && bx < m.hist_w => h,
            _ => &mut unused,
        };
        let r = m.rows.get(by).copied().unwrap_or(NONE);
        let c = m.cols.get(bx).copied().unwrap_or(NONE);
        if r != NONE && c != NONE {
            let e = r + c;
            if let Some(planes) = packed {
                // Sequential: the block is coded whole here (F.2.2), so it is decoded
                // into the zeroed scratch block (in zigzag order) and packed, even when
                // corrupt data cut it short (as the dense image keeps what was decoded).
                let res = d.decode(br, sc, scratch, hist, Oriented(&maps[e & 3]));
                planes[m.out].take_zigzag(e >> 2, scratch);
                return res;
            }
            if let Some(blk) = image.components[m.out].plane.blocks.get_mut(e >> 2) {
                return if ORIENTED {
                    d.decode(br, sc, blk, hist, Oriented(&maps[e & 3]))
                } else {
                    d.decode(br, sc, blk, hist, Natural)
                };
            }
        }
        // Not kept: only the nonzero mask matters (for AC scans), the values do not.
        d.decode(br, sc, junk, hist, Natural)
    }
}

impl<const ORIENTED: bool> Sink for PlacedSink<'_, ORIENTED> {
    fn range(&self, layout: &Layout, history: bool) -> (usize, usize) {
        let comps = &self.0.comps;
        let bounds = |ci: usize, w: usize, h: usize| -> Option<(usize, usize, usize, usize)> {
            let m = comps.get(ci)?.as_ref()?;
            let (rows, cols) = (
                &m.rows[..h.min(m.rows.len())],
                &m.cols[..w.min(m.cols.len())],
            );
            Some((
                first_mapped(rows)?,
                last_mapped(rows)?,
                first_mapped(cols)?,
                last_mapped(cols)?,
            ))
        };
        let (first, end) = match *layout {
            Layout::Single { comp, bw, bh } => match bounds(comp, bw, bh) {
                Some((r0, r1, c0, c1)) => (r0 * bw + c0, r1 * bw + c1 + 1),
                None => return (0, 0),
            },
            Layout::Interleaved {
                ref comps,
                mcus_x,
                mcus_y,
            } => {
                let (mut first, mut end) = (usize::MAX, 0);
                for &(ci, h, v) in comps {
                    let (h, v) = (h.max(1), v.max(1));
                    if let Some((r0, r1, c0, c1)) = bounds(ci, mcus_x * h, mcus_y * v) {
                        first = first.min(r0 / v * mcus_x + c0 / h);
                        end = end.max(r1 / v * mcus_x + c1 / h + 1);
                    }
                }
                if end == 0 {
                    return (0, 0);
                }
                (first, end)
            }
        };
        (if history { 0 } else { first }, end)
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
        for (sc, &(ci, h, v)) in scan_comps.iter().enumerate() {
            for by in my * v..(my + 1) * v {
                for bx in mx * h..(mx + 1) * h {
                    self.place(d, br, sc, ci, bx, by)?;
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
        self.place(d, br, sc, comp, bx, by)
    }
}

/// An image with the frame's size and components but empty planes: what a placed
/// decode returns as the source image (its tables are latched as usual).
pub(super) fn metadata_image(
    width: u32,
    height: u32,
    precision: u8,
    comps: &[(u8, u8, u8, u8)],
) -> CoefficientImage {
    CoefficientImage {
        width,
        height,
        precision,
        components: comps
            .iter()
            .map(|&(id, h, v, quant_slot)| Component {
                id,
                h,
                v,
                quant_slot,
                quant: QuantTable {
                    values: [1; 64],
                    sixteen_bit: false,
                },
                plane: BlockPlane::new(0, 0),
            })
            .collect(),
    }
}
