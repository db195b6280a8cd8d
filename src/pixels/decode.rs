//! Coefficient image → pixels, one iMCU row at a time.
//!
//! Each component keeps a small ring of IDCT'd block rows (its iMCU row plus one block
//! row of context above and below, which fancy vertical upsampling needs). For every
//! output row, each component's row is upsampled into a scratch row (or used as it is
//! at full resolution), then the rows are colour-converted into the output image.
//! Rows beyond a component's real size are never read: context at the image edges is
//! the nearest real row, as libjpeg's context-row buffer arranges it.

use super::color;
use super::idct::{idct_block, multipliers};
use super::upsample;
use super::{CmykOutput, ColorSpace, PixelImage, PixelOptions};
use crate::coeffs::{ceil_div, CoefficientImage, Component};
use crate::error::{Error, Result};

/// How one component reaches full resolution (libjpeg's `jinit_upsampler` choice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Up {
    /// Already full size.
    Full,
    /// Triangular, horizontal ×2.
    H2V1,
    /// Triangular, vertical ×2.
    H1V2,
    /// Triangular, ×2 both ways.
    H2V2,
    /// Replication by integer factors.
    Rep { hx: usize, vx: usize },
}

/// Per-component decoding plan.
struct Plan<'a> {
    comp: &'a Component,
    mult: [i16; 64],
    up: Up,
    /// Horizontal expansion (output samples per component sample).
    hx: usize,
    /// Samples per row that hold image data (libjpeg's `downsampled_width`).
    ds_w: usize,
    /// Rows that hold image data.
    ds_h: usize,
    /// Block columns holding image data.
    bw: usize,
}

fn plan_component(
    c: &CoefficientImage,
    ci: usize,
    max_h: usize,
    max_v: usize,
    fancy: bool,
) -> Result<Plan<'_>> {
    let comp = &c.components[ci];
    let (h, v) = (comp.h as usize, comp.v as usize);
    if h == 0 || v == 0 || max_h % h != 0 || max_v % v != 0 {
        return Err(Error::unsupported(
            format!(
                "fractional sampling factors ({h}x{v} in a frame with maximum {max_h}x{max_v})"
            ),
            None,
        ));
    }
    let ds_w = ceil_div(c.width as usize * h, max_h);
    let ds_h = ceil_div(c.height as usize * v, max_v);
    let bw = ceil_div(ds_w, 8);
    let bh = ceil_div(ds_h, 8);
    if comp.plane.width_blocks < bw
        || comp.plane.height_blocks < bh
        || comp.plane.blocks.len() < comp.plane.width_blocks * comp.plane.height_blocks
    {
        return Err(Error::BadRequest(format!(
            "component {ci}: block plane smaller than the frame size"
        )));
    }
    let (hx, vx) = (max_h / h, max_v / v);
    let up = match (hx, vx) {
        (1, 1) => Up::Full,
        (2, 1) if fancy && ds_w > 2 => Up::H2V1,
        (1, 2) if fancy => Up::H1V2,
        (2, 2) if fancy && ds_w > 2 => Up::H2V2,
        _ => Up::Rep { hx, vx },
    };
    Ok(Plan {
        comp,
        mult: multipliers(&comp.quant),
        up,
        hx,
        ds_w,
        ds_h,
        bw,
    })
}

/// A ring of IDCT'd block rows of one component.
struct Rows {
    /// Samples per row (whole blocks).
    stride: usize,
    /// `slots × 8` rows.
    buf: Vec<u8>,
    /// Which block row each slot holds.
    held: Vec<usize>,
}

impl Rows {
    fn new(p: &Plan) -> Self {
        let slots = p.comp.v as usize + 2;
        let stride = p.bw * 8;
        Rows {
            stride,
            buf: vec![0; slots * 8 * stride],
            held: vec![usize::MAX; slots],
        }
    }

    /// Makes block row `by` available.
    fn ensure(&mut self, p: &Plan, by: usize) {
        let slot = by % self.held.len();
        if self.held[slot] == by {
            return;
        }
        let stride = self.stride;
        let dst = &mut self.buf[slot * 8 * stride..(slot + 1) * 8 * stride];
        let plane = &p.comp.plane;
        let row = &plane.blocks[by * plane.width_blocks..by * plane.width_blocks + p.bw];
        for (bx, block) in row.iter().enumerate() {
            idct_block(block, &p.mult, &mut dst[bx * 8..], stride);
        }
        self.held[slot] = by;
    }

    /// Component row `r` (its block row must be held).
    #[inline]
    fn row(&self, r: usize) -> &[u8] {
        let slot = (r / 8) % self.held.len();
        debug_assert_eq!(self.held[slot], r / 8);
        let start = (slot * 8 + r % 8) * self.stride;
        &self.buf[start..start + self.stride]
    }
}

/// Per-component state of a worker: block-row ring and upsampling scratch.
struct Worker<'a> {
    plans: &'a [Plan<'a>],
    rows: Vec<Rows>,
    /// Upsampled rows (empty for full-size components).
    up: Vec<Vec<u8>>,
    sums: Vec<u16>,
}

impl<'a> Worker<'a> {
    fn new(plans: &'a [Plan<'a>]) -> Self {
        let rows = plans.iter().map(Rows::new).collect();
        // ds_w · hx ≥ the image width, since ds_w = ⌈width / hx⌉.
        let up = plans
            .iter()
            .map(|p| {
                if p.up == Up::Full {
                    Vec::new()
                } else {
                    vec![0; p.ds_w * p.hx]
                }
            })
            .collect();
        let sums = vec![0; plans.iter().map(|p| p.ds_w).max().unwrap_or(0)];
        Worker {
            plans,
            rows,
            up,
            sums,
        }
    }

    /// IDCTs what iMCU row `i` needs.
    fn prepare(&mut self, i: usize) {
        for (p, rows) in self.plans.iter().zip(self.rows.iter_mut()) {
            let v8 = p.comp.v as usize * 8;
            let lo = (i * v8).saturating_sub(1).min(p.ds_h - 1);
            let hi = ((i + 1) * v8).min(p.ds_h - 1);
            for by in lo / 8..=hi / 8 {
                rows.ensure(p, by);
            }
        }
    }

    /// Upsamples every component for output row `y` (into `self.up`).
    fn upsample_row(&mut self, y: usize) {
        for (ci, p) in self.plans.iter().enumerate() {
            let rows = &self.rows[ci];
            let out = &mut self.up[ci];
            let near = |r: usize, lower: bool| -> usize {
                if lower {
                    (r + 1).min(p.ds_h - 1)
                } else {
                    r.saturating_sub(1)
                }
            };
            match p.up {
                Up::Full => {}
                Up::H2V1 => upsample::h2v1_fancy(rows.row(y), p.ds_w, out),
                Up::H1V2 => {
                    let (r, lower) = (y / 2, y % 2 == 1);
                    upsample::h1v2_fancy(rows.row(r), rows.row(near(r, lower)), p.ds_w, lower, out);
                }
                Up::H2V2 => {
                    let (r, lower) = (y / 2, y % 2 == 1);
                    upsample::h2v2_fancy(
                        rows.row(r),
                        rows.row(near(r, lower)),
                        p.ds_w,
                        &mut self.sums,
                        out,
                    );
                }
                Up::Rep { hx, vx } => upsample::replicate(rows.row(y / vx), hx, out),
            }
        }
    }

    /// Component `ci`'s full-resolution row for output row `y` (after `upsample_row`).
    fn comp_row(&self, ci: usize, y: usize) -> &[u8] {
        if self.plans[ci].up == Up::Full {
            self.rows[ci].row(y)
        } else {
            &self.up[ci]
        }
    }
}

/// How the converted output is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Convert {
    Gray,
    Ycc,
    Rgb,
    CmykToRgb { ycck: bool },
    Cmyk { ycck: bool },
}

impl Convert {
    fn channels(self) -> usize {
        match self {
            Convert::Gray => 1,
            Convert::Ycc | Convert::Rgb | Convert::CmykToRgb { .. } => 3,
            Convert::Cmyk { .. } => 4,
        }
    }
}

/// Everything decided before the first pixel: per-component plans and the conversion.
struct Setup<'a> {
    plans: Vec<Plan<'a>>,
    conv: Convert,
    width: usize,
    height: usize,
    /// Output rows per iMCU row (8 · Vmax).
    band_rows: usize,
}

impl<'a> Setup<'a> {
    fn new(img: &'a CoefficientImage, color: ColorSpace, opts: &PixelOptions) -> Result<Self> {
        if img.precision != 8 {
            return Err(Error::unsupported(
                format!("{}-bit samples in the pixel decoder", img.precision),
                None,
            ));
        }
        if img.components.len() != color.components() {
            return Err(Error::BadRequest(format!(
                "{} components cannot be {color:?} ({} expected)",
                img.components.len(),
                color.components()
            )));
        }
        let (width, height) = (img.width as usize, img.height as usize);
        if width == 0 || height == 0 {
            return Err(Error::BadRequest("image has no pixels".into()));
        }
        let g = img.geometry();
        let (max_h, max_v) = (g.max_h as usize, g.max_v as usize);
        let plans = (0..img.components.len())
            .map(|ci| plan_component(img, ci, max_h, max_v, !opts.nosmooth))
            .collect::<Result<Vec<_>>>()?;
        let conv = match (color, opts.cmyk) {
            (ColorSpace::Gray, _) => Convert::Gray,
            (ColorSpace::YCbCr, _) => Convert::Ycc,
            (ColorSpace::Rgb, _) => Convert::Rgb,
            (ColorSpace::Cmyk, CmykOutput::Rgb) => Convert::CmykToRgb { ycck: false },
            (ColorSpace::Ycck, CmykOutput::Rgb) => Convert::CmykToRgb { ycck: true },
            (ColorSpace::Cmyk, CmykOutput::Cmyk) => Convert::Cmyk { ycck: false },
            (ColorSpace::Ycck, CmykOutput::Cmyk) => Convert::Cmyk { ycck: true },
        };
        Ok(Setup {
            plans,
            conv,
            width,
            height,
            band_rows: 8 * max_v,
        })
    }

    fn stride(&self) -> usize {
        self.width * self.conv.channels()
    }

    fn imcu_rows(&self) -> usize {
        ceil_div(self.height, self.band_rows)
    }

    /// Decodes the rows from iMCU row `first_imcu` on into `out` (whole rows; the last
    /// band may end at the image bottom).
    fn decode_band(&self, w: &mut Worker, first_imcu: usize, out: &mut [u8]) {
        let stride = self.stride();
        let y_first = first_imcu * self.band_rows;
        let y_end = (y_first + out.len() / stride).min(self.height);
        let mut i = first_imcu;
        while i * self.band_rows < y_end {
            w.prepare(i);
            for y in i * self.band_rows..((i + 1) * self.band_rows).min(y_end) {
                w.upsample_row(y);
                convert_row(
                    w,
                    self.conv,
                    y,
                    &mut out[(y - y_first) * stride..][..stride],
                );
            }
            i += 1;
        }
    }
}

/// Decodes a coefficient image into 8-bit pixels, exactly as `djpeg -dct int` does
/// (with `nosmooth`: as `djpeg -dct int -nosmooth`).
///
/// `color` names the colour space of the components (see
/// `pipeline::pixels::detect_color_space` for libjpeg's rules). The output is gray
/// (1 channel), RGB (3) or, for CMYK/YCCK with [`CmykOutput::Cmyk`], CMYK (4).
pub fn decode_to_pixels(
    img: &CoefficientImage,
    color: ColorSpace,
    opts: &PixelOptions,
) -> Result<PixelImage> {
    let setup = Setup::new(img, color, opts)?;
    let stride = setup.stride();
    let mut data = vec![0u8; stride * setup.height];
    let imcu_rows = setup.imcu_rows();
    let threads = opts.threads.clamp(1, 64).min(imcu_rows);
    if threads <= 1 {
        setup.decode_band(&mut Worker::new(&setup.plans), 0, &mut data);
    } else {
        // Contiguous runs of iMCU rows, one per thread.
        let per = ceil_div(imcu_rows, threads);
        std::thread::scope(|s| {
            for (t, chunk) in data.chunks_mut(per * setup.band_rows * stride).enumerate() {
                let setup = &setup;
                s.spawn(move || setup.decode_band(&mut Worker::new(&setup.plans), t * per, chunk));
            }
        });
    }
    Ok(PixelImage {
        width: img.width,
        height: img.height,
        channels: setup.conv.channels(),
        data,
    })
}

/// The size of a decoded image, for streaming output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PixelShape {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Samples per pixel: 1 gray, 3 RGB, 4 CMYK.
    pub channels: usize,
}

/// Output rows decoded per step of [`decode_rows`] and per thread (whole iMCU rows).
const STREAM_ROWS: usize = 128;

/// Like [`decode_to_pixels`], but without holding the whole image: `start` is called
/// once with the image's shape (for a file header), then `sink` with consecutive bands
/// of whole rows, top to bottom (`width × channels` bytes per row). With
/// `opts.threads` > 1, that many bands are decoded at once.
pub fn decode_rows(
    img: &CoefficientImage,
    color: ColorSpace,
    opts: &PixelOptions,
    start: &mut dyn FnMut(PixelShape) -> Result<()>,
    sink: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<()> {
    let setup = Setup::new(img, color, opts)?;
    start(PixelShape {
        width: img.width,
        height: img.height,
        channels: setup.conv.channels(),
    })?;
    let stride = setup.stride();
    let imcus_per_band = ceil_div(STREAM_ROWS, setup.band_rows);
    let band_rows = imcus_per_band * setup.band_rows;
    let bands = ceil_div(setup.height, band_rows);
    let threads = opts.threads.clamp(1, 64).min(bands);
    let rows_in = |b: usize| band_rows.min(setup.height - b * band_rows);
    if threads <= 1 {
        let mut w = Worker::new(&setup.plans);
        let mut buf = vec![0u8; band_rows * stride];
        for b in 0..bands {
            let out = &mut buf[..rows_in(b) * stride];
            setup.decode_band(&mut w, b * imcus_per_band, out);
            sink(out)?;
        }
        return Ok(());
    }
    // Rounds of `threads` bands decoded side by side, then handed out in order.
    let mut bufs = vec![vec![0u8; band_rows * stride]; threads];
    let mut workers: Vec<Worker> = (0..threads).map(|_| Worker::new(&setup.plans)).collect();
    for first in (0..bands).step_by(threads) {
        let n = threads.min(bands - first);
        std::thread::scope(|s| {
            for (k, (buf, w)) in bufs.iter_mut().zip(workers.iter_mut()).take(n).enumerate() {
                let setup = &setup;
                let b = first + k;
                let out = &mut buf[..rows_in(b) * stride];
                s.spawn(move || setup.decode_band(w, b * imcus_per_band, out));
            }
        });
        for (k, buf) in bufs.iter().take(n).enumerate() {
            sink(&buf[..rows_in(first + k) * stride])?;
        }
    }
    Ok(())
}

fn convert_row(w: &Worker, conv: Convert, y: usize, out: &mut [u8]) {
    let n = out.len() / conv.channels();
    match conv {
        Convert::Gray => out.copy_from_slice(&w.comp_row(0, y)[..n]),
        Convert::Ycc => {
            color::ycc_to_rgb(w.comp_row(0, y), w.comp_row(1, y), w.comp_row(2, y), out)
        }
        Convert::Rgb => {
            color::interleave3(w.comp_row(0, y), w.comp_row(1, y), w.comp_row(2, y), out)
        }
        Convert::CmykToRgb { ycck } => {
            let p = [
                w.comp_row(0, y),
                w.comp_row(1, y),
                w.comp_row(2, y),
                w.comp_row(3, y),
            ];
            color::cmyk_to_rgb(p, ycck, out)
        }
        Convert::Cmyk { ycck } => {
            let p = [
                w.comp_row(0, y),
                w.comp_row(1, y),
                w.comp_row(2, y),
                w.comp_row(3, y),
            ];
            color::to_cmyk(p, ycck, out)
        }
    }
}
