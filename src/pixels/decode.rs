//! Coefficient image → pixels, one iMCU row at a time.
//!
//! Each component keeps a small ring of IDCT'd block rows (its iMCU row plus one block
//! row of context above and below, which fancy vertical upsampling needs). For every
//! output row, each component's row is upsampled into a scratch row (or used as it is
//! at full resolution), then the rows are colour-converted into the output image.
//! Rows beyond a component's real size are never read: context at the image edges is
//! the nearest real row, as libjpeg's context-row buffer arranges it.

use super::color;
use super::dct_fast::{self, idct_block_fast};
use super::dct_float::{self, idct_block_float};
use super::idct::{idct_block, multipliers};
use super::idct_reduced::{idct_1x1, idct_2x2, idct_4x4};
use super::idct_scaled::idct_nxn;
use super::upsample;
use super::{CmykOutput, ColorSpace, Crop, DctMethod, PixelImage, PixelOptions};
use crate::coeffs::{ceil_div, Block, CoefficientImage, Component, Geometry};
use crate::error::{Error, Result};
use std::ops::Range;

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

/// A component's inverse DCT (`djpeg -dct`; the reduced sizes are always integer)
/// with its dequantization multipliers.
enum Idct {
    Int([i16; 64]),
    Fast([i16; 64]),
    Float([f32; 64]),
}

/// Per-component decoding plan.
struct Plan<'a> {
    comp: &'a Component,
    idct: Idct,
    /// Samples per block side after the inverse DCT: 8, or fewer when scaling down.
    size: usize,
    /// Whether the output uses this component (not the chroma of a gray output).
    needed: bool,
    up: Up,
    /// Horizontal expansion (output samples per component sample).
    hx: usize,
    /// Samples per row that hold image data (libjpeg's `downsampled_width`).
    ds_w: usize,
    /// Rows that hold image data.
    ds_h: usize,
    /// Block columns decoded: those holding image data, or a crop's.
    bw: usize,
    /// The first block column decoded (0 unless cropped).
    fb: usize,
    /// Block columns including the padding to whole iMCUs (a plane's `width_blocks`).
    wb: usize,
}

/// The inverse DCT size of a component with sampling factors `h`×`v` in a frame with
/// maximum factors `max_h`×`max_v` when the image is decoded at `m` samples per 8
/// (libjpeg's choice): a subsampled component is given a larger transform, doubling
/// while that still leaves whole output samples, so that it needs less upsampling or
/// none. At 1 the component's DC coefficients are all the output reads.
fn reduced_idct_size(max_h: usize, max_v: usize, h: usize, v: usize, m: usize) -> usize {
    let mut s = m;
    while s < 8 && (max_h * m) % (h * s * 2) == 0 && (max_v * m) % (v * s * 2) == 0 {
        s *= 2;
    }
    s
}

/// Whether the output uses component `ci` at all: not the chroma of a gray output
/// from YCbCr (libjpeg does not decode it either).
fn component_needed(color: ColorSpace, opts: &PixelOptions, ci: usize) -> bool {
    !(opts.gray && color == ColorSpace::YCbCr && ci > 0)
}

/// Per component, given the frame's sampling factors (`h`, `v`) in component order:
/// whether the output reads its AC coefficients. It does not for a component it does
/// not use, nor for one inverse-transformed to a single sample per block (at 1/8
/// scale; block smoothing changes AC coefficients only), so a decoder may leave them
/// unread.
pub fn reads_ac(factors: &[(u8, u8)], color: ColorSpace, opts: &PixelOptions) -> Vec<bool> {
    let max = |f: fn(&(u8, u8)) -> u8| usize::from(factors.iter().map(f).max().unwrap_or(1));
    let (max_h, max_v, m) = (max(|c| c.0), max(|c| c.1), opts.scale.eighths());
    let dc_only =
        |(h, v): (usize, usize)| h > 0 && v > 0 && reduced_idct_size(max_h, max_v, h, v, m) == 1;
    factors
        .iter()
        .enumerate()
        .map(|(ci, &(h, v))| {
            component_needed(color, opts, ci) && !dc_only((usize::from(h), usize::from(v)))
        })
        .collect()
}

/// The output columns and rows decoded: all of them, or a crop's.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Window {
    /// First output column (on an iMCU boundary) and the width from there.
    x0: usize,
    width: usize,
    /// Output rows, in the coordinates of the whole image.
    rows: Range<usize>,
    /// Whether a crop was asked for (libjpeg then sizes components differently).
    cropped: bool,
    /// Whether the rows end above the image's last.
    ends_early: bool,
    /// Output columns per iMCU column (libjpeg's crop alignment).
    align: usize,
}

impl Window {
    /// The window `opts` asks of `img`'s output (sizes rounded up at a scale, as
    /// libjpeg's output dimensions are).
    fn of(img: &CoefficientImage, opts: &PixelOptions) -> Result<Window> {
        let m = opts.scale.eighths();
        let width = ceil_div(img.width as usize * m, 8);
        let height = ceil_div(img.height as usize * m, 8);
        let max_h = img
            .components
            .iter()
            .map(|c| c.h as usize)
            .max()
            .unwrap_or(1);
        let align = if img.components.len() == 1 {
            m
        } else {
            m * max_h
        };
        Window::new(opts.crop, (width, height), align)
    }

    /// The block columns of a component with horizontal factor `h` that a crop's iMCU
    /// columns hold (in a one-component frame an iMCU is one block); empty without a
    /// crop.
    fn blocks(&self, one_component: bool, h: usize) -> Range<usize> {
        if !self.cropped {
            return 0..0;
        }
        let hsf = if one_component { 1 } else { h };
        self.x0 * hsf / self.align..ceil_div((self.x0 + self.width) * hsf, self.align)
    }

    /// The window of `crop` in an output of `full` = (width, height) pixels, `align`
    /// columns per iMCU; the crop must lie inside the output, as djpeg requires.
    fn new(crop: Option<Crop>, full: (usize, usize), align: usize) -> Result<Window> {
        let Some(c) = crop else {
            return Ok(Window {
                x0: 0,
                width: full.0,
                rows: 0..full.1,
                cropped: false,
                ends_early: false,
                align,
            });
        };
        let (x, y, w, h) = (
            c.x as usize,
            c.y as usize,
            c.width as usize,
            c.height as usize,
        );
        if w == 0 || h == 0 || x + w > full.0 || y + h > full.1 {
            return Err(Error::BadRequest(format!(
                "crop {w}x{h}+{x}+{y} does not lie inside the {}x{} output",
                full.0, full.1
            )));
        }
        // T.81 A.2: an iMCU column is the smallest unit of decoding across.
        let x0 = x / align * align;
        Ok(Window {
            x0,
            width: w + x - x0,
            rows: y..y + h,
            cropped: true,
            ends_early: y + h < full.1,
            align,
        })
    }
}

/// The block columns of each component that a cropped decode with `opts` reads (its
/// iMCU columns'); `None` without a crop.
pub fn crop_block_columns(
    img: &CoefficientImage,
    opts: &PixelOptions,
) -> Result<Option<Vec<Range<usize>>>> {
    let win = Window::of(img, opts)?;
    if !win.cropped {
        return Ok(None);
    }
    let one = img.components.len() == 1;
    Ok(Some(
        (img.components.iter())
            .map(|c| win.blocks(one, c.h as usize))
            .collect(),
    ))
}

/// The first block column of each component that a decode with `opts` reads: 0, or
/// where a crop's iMCU column starts.
pub fn first_block_columns(img: &CoefficientImage, opts: &PixelOptions) -> Result<Vec<usize>> {
    let win = Window::of(img, opts)?;
    let one = img.components.len() == 1;
    Ok(img
        .components
        .iter()
        .map(|c| win.blocks(one, c.h as usize).start)
        .collect())
}

/// Plans component `ci` from the frame's geometry alone (its plane may be empty, for
/// streamed coefficients), at `m` output samples per 8 frame samples, for the output
/// columns of `win`.
fn plan_component<'a>(
    c: &'a CoefficientImage,
    g: &Geometry,
    ci: usize,
    m: usize,
    opts: &PixelOptions,
    win: &Window,
) -> Result<Plan<'a>> {
    let fancy = !opts.nosmooth;
    let comp = &c.components[ci];
    let (max_h, max_v) = (g.max_h as usize, g.max_v as usize);
    let (h, v) = (comp.h as usize, comp.v as usize);
    let fractional = || {
        Error::unsupported(
            format!(
                "fractional sampling factors ({h}x{v} in a frame with maximum {max_h}x{max_v})"
            ),
            None,
        )
    };
    if h == 0 || v == 0 || max_h % h != 0 || max_v % v != 0 {
        return Err(fractional());
    }
    let size = reduced_idct_size(max_h, max_v, h, v, m);
    let full_ds_w = ceil_div(c.width as usize * h * size, max_h * 8);
    let ds_h = ceil_div(c.height as usize * v * size, max_v * 8);
    // A crop's component width is libjpeg's (`jpeg_crop_scanline`), its blocks those of
    // the iMCU columns the crop touches; `hsf` is 1 in a one-component frame, whose
    // iMCU is a block.
    let (ds_w, fb, bw) = if win.cropped {
        let cols = win.blocks(c.components.len() == 1, h);
        // libjpeg-turbo 2.1's width falls short of the crop's when a component's
        // inverse DCT is larger than the luma's and still needs upsampling (luma 4x2
        // or 2x4 at 2/8 to 7/8): its SIMD upsampler then puts the row's edge in its
        // middle and writes nothing past that width's 32-sample group (README). Later
        // libjpeg-turbo sizes the component from its inverse DCT, as jtool does: the
        // samples the crop covers, with the crop's right edge as the row's.
        let covered = ceil_div(win.width * h * size, max_h * m);
        (
            ceil_div(win.width * h, max_h).max(covered),
            cols.start,
            cols.len(),
        )
    } else {
        (full_ds_w, 0, ceil_div(full_ds_w, size))
    };
    // Output samples per component sample; libjpeg never interpolates at 1/8 scale.
    if (max_h * m) % (h * size) != 0 || (max_v * m) % (v * size) != 0 {
        return Err(fractional());
    }
    let (hx, vx) = ((max_h * m) / (h * size), (max_v * m) / (v * size));
    // Horizontal interpolation needs 3 samples; libjpeg chooses for the whole image's
    // widths and chooses again after a crop only when a width falls below 2.
    let fancy = fancy && m > 1;
    let wide = full_ds_w > 2 && ds_w >= 2;
    let up = match (hx, vx) {
        (1, 1) => Up::Full,
        (2, 1) if fancy && wide => Up::H2V1,
        (1, 2) if fancy => Up::H1V2,
        (2, 2) if fancy && wide => Up::H2V2,
        _ => Up::Rep { hx, vx },
    };
    Ok(Plan {
        comp,
        idct: match (size, opts.dct) {
            (8, DctMethod::Fast) => Idct::Fast(dct_fast::multipliers(&comp.quant)),
            (8, DctMethod::Float) => Idct::Float(dct_float::multipliers(&comp.quant)),
            _ => Idct::Int(multipliers(&comp.quant)),
        },
        size,
        needed: true,
        up,
        hx,
        ds_w,
        ds_h,
        bw,
        fb,
        wb: g.padded_blocks(ci).0,
    })
}

/// Checks that every plane of `c` holds the blocks its geometry implies.
fn check_planes(c: &CoefficientImage) -> Result<()> {
    let g = c.geometry();
    for (ci, comp) in c.components.iter().enumerate() {
        let (wb, hb) = g.padded_blocks(ci);
        let p = &comp.plane;
        if p.width_blocks < wb || p.height_blocks < hb || p.blocks.len() < p.width_blocks * hb {
            return Err(Error::BadRequest(format!(
                "component {ci}: block plane smaller than the frame size"
            )));
        }
    }
    Ok(())
}

/// Where the IDCT finds the coefficients: block row `by` of component `ci`, at least
/// the component's real block columns.
trait BlockRows {
    fn block_row(&self, ci: usize, by: usize) -> &[Block];

    /// The block column `block_row(ci, by)[0]` holds: 0, or a crop's first column when
    /// the rows hold only the crop's columns.
    fn first_column(&self, _ci: usize, _by: usize) -> usize {
        0
    }
}

/// A whole coefficient image (planes checked by [`check_planes`]).
struct Planes<'a>(&'a CoefficientImage);

impl BlockRows for Planes<'_> {
    #[inline]
    fn block_row(&self, ci: usize, by: usize) -> &[Block] {
        let p = &self.0.components[ci].plane;
        &p.blocks[by * p.width_blocks..(by + 1) * p.width_blocks]
    }
}

/// A ring of IDCT'd block rows of one component.
struct Rows {
    /// Samples per row (whole blocks).
    stride: usize,
    /// Rows per block row.
    size: usize,
    /// `slots × size` rows.
    buf: Vec<u8>,
    /// Which block row each slot holds.
    held: Vec<usize>,
}

impl Rows {
    fn new(p: &Plan) -> Self {
        // A component the output does not use holds nothing.
        let slots = if p.needed { p.comp.v as usize + 2 } else { 0 };
        let stride = p.bw * p.size;
        Rows {
            stride,
            size: p.size,
            buf: vec![0; slots * p.size * stride],
            held: vec![usize::MAX; slots],
        }
    }

    /// Whether block row `by` is held.
    #[inline]
    fn holds(&self, by: usize) -> bool {
        self.held[by % self.held.len()] == by
    }

    /// IDCTs block row `by` (`blocks`) into its slot.
    /// IDCTs block row `by` into its slot: `blocks` from the plan's first block column.
    fn fill(&mut self, p: &Plan, by: usize, blocks: &[Block]) {
        let slot = by % self.held.len();
        let (stride, n) = (self.stride, self.size);
        let dst = &mut self.buf[slot * n * stride..(slot + 1) * n * stride];
        let blocks = blocks.iter().take(p.bw).enumerate();
        let at = |bx: usize| bx * n;
        match (&p.idct, n) {
            (Idct::Fast(m), _) => {
                blocks.for_each(|(bx, b)| idct_block_fast(b, m, &mut dst[at(bx)..], stride))
            }
            (Idct::Float(m), _) => {
                blocks.for_each(|(bx, b)| idct_block_float(b, m, &mut dst[at(bx)..], stride))
            }
            (Idct::Int(m), 8) => {
                blocks.for_each(|(bx, b)| idct_block(b, m, &mut dst[at(bx)..], stride))
            }
            (Idct::Int(m), 4) => {
                blocks.for_each(|(bx, b)| idct_4x4(b, m, &mut dst[at(bx)..], stride))
            }
            (Idct::Int(m), 2) => {
                blocks.for_each(|(bx, b)| idct_2x2(b, m, &mut dst[at(bx)..], stride))
            }
            (Idct::Int(m), 1) => blocks.for_each(|(bx, b)| idct_1x1(b, m[0], &mut dst[at(bx)..])),
            (Idct::Int(m), _) => {
                blocks.for_each(|(bx, b)| idct_nxn(n, b, m, &mut dst[at(bx)..], stride))
            }
        }
        self.held[slot] = by;
    }

    /// Component row `r` (its block row must be held).
    #[inline]
    fn row(&self, r: usize) -> &[u8] {
        let n = self.size;
        let slot = (r / n) % self.held.len();
        debug_assert_eq!(self.held[slot], r / n);
        let start = (slot * n + r % n) * self.stride;
        &self.buf[start..start + self.stride]
    }
}

/// Per-component state of a worker: block-row ring and upsampling scratch.
struct Worker {
    rows: Vec<Rows>,
    /// Upsampled rows (empty for full-size components).
    up: Vec<Vec<u8>>,
    sums: Vec<u16>,
}

impl Worker {
    fn new(plans: &[Plan]) -> Self {
        let rows = plans.iter().map(Rows::new).collect();
        // ds_w · hx ≥ the output width, since ds_w ≥ ⌈width / hx⌉.
        let up = plans
            .iter()
            .map(|p| {
                if p.up == Up::Full || !p.needed {
                    Vec::new()
                } else {
                    vec![0; p.ds_w * p.hx]
                }
            })
            .collect();
        let sums = vec![0; plans.iter().map(|p| p.ds_w).max().unwrap_or(0)];
        Worker { rows, up, sums }
    }

    /// IDCTs what iMCU row `i` needs: its block rows and one row of context above and
    /// below (clamped to the rows holding image data).
    fn prepare(&mut self, plans: &[Plan], i: usize, src: &dyn BlockRows) {
        for (ci, (p, rows)) in plans.iter().zip(self.rows.iter_mut()).enumerate() {
            if !p.needed {
                continue;
            }
            let v8 = p.comp.v as usize * p.size;
            let lo = (i * v8).saturating_sub(1).min(p.ds_h - 1);
            let hi = ((i + 1) * v8).min(p.ds_h - 1);
            for by in lo / p.size..=hi / p.size {
                if !rows.holds(by) {
                    let skip = p.fb.saturating_sub(src.first_column(ci, by));
                    let row = src.block_row(ci, by);
                    rows.fill(p, by, row.get(skip..).unwrap_or(&[]));
                }
            }
        }
    }

    /// Upsamples every component for output row `y` (into `self.up`).
    fn upsample_row(&mut self, plans: &[Plan], y: usize) {
        for (ci, p) in plans.iter().enumerate().filter(|(_, p)| p.needed) {
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
    fn comp_row(&self, up: Up, ci: usize, y: usize) -> &[u8] {
        if up == Up::Full {
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
    /// The JFIF luma of R, G, B components (`djpeg -grayscale` of an RGB file).
    RgbGray,
    Ycc,
    Rgb,
    CmykToRgb {
        ycck: bool,
    },
    Cmyk {
        ycck: bool,
    },
    /// RGB565 samples from Y (gray), YCbCr or RGB components, dithered or not.
    Rgb565 {
        from: ColorSpace,
        dither: bool,
    },
}

impl Convert {
    fn channels(self) -> usize {
        match self {
            Convert::Gray | Convert::RgbGray => 1,
            Convert::Ycc | Convert::Rgb | Convert::CmykToRgb { .. } | Convert::Rgb565 { .. } => 3,
            Convert::Cmyk { .. } => 4,
        }
    }
}

/// Everything decided before the first pixel: per-component plans and the conversion.
struct Setup<'a> {
    plans: Vec<Plan<'a>>,
    conv: Convert,
    /// The columns and rows output (a crop's width counts from its iMCU boundary).
    win: Window,
    /// Output rows per iMCU row (the scaled block size · Vmax).
    band_rows: usize,
}

impl<'a> Setup<'a> {
    /// Plans the decode of `img`, whose planes are not looked at.
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
        if img.width == 0 || img.height == 0 {
            return Err(Error::BadRequest("image has no pixels".into()));
        }
        let m = opts.scale.eighths();
        let g = img.geometry();
        let win = Window::of(img, opts)?;
        let mut plans = (0..img.components.len())
            .map(|ci| plan_component(img, &g, ci, m, opts, &win))
            .collect::<Result<Vec<_>>>()?;
        for (ci, p) in plans.iter_mut().enumerate() {
            p.needed = component_needed(color, opts, ci);
        }
        // Gray output wins over RGB565 (the command line refuses the two together).
        let conv = match opts.rgb565.filter(|_| !opts.gray) {
            Some(_) if matches!(color, ColorSpace::Cmyk | ColorSpace::Ycck) => {
                return Err(Error::BadRequest(
                    "RGB565 output of a CMYK/YCCK image (djpeg refuses it too)".into(),
                ))
            }
            Some(dither) => Convert::Rgb565 {
                from: color,
                dither,
            },
            None => Self::plain_conversion(color, opts)?,
        };
        Ok(Setup {
            plans,
            conv,
            win,
            band_rows: m * g.max_v as usize,
        })
    }

    /// The conversion of `color` components to 8-bit gray, RGB or CMYK output.
    fn plain_conversion(color: ColorSpace, opts: &PixelOptions) -> Result<Convert> {
        Ok(match (color, opts.cmyk) {
            (ColorSpace::Gray, _) => Convert::Gray,
            (ColorSpace::YCbCr, _) if opts.gray => Convert::Gray,
            (ColorSpace::Rgb, _) if opts.gray => Convert::RgbGray,
            (ColorSpace::Cmyk | ColorSpace::Ycck, _) if opts.gray => {
                return Err(Error::BadRequest(
                    "grayscale output of a CMYK/YCCK image (djpeg refuses it too)".into(),
                ))
            }
            (ColorSpace::YCbCr, _) => Convert::Ycc,
            (ColorSpace::Rgb, _) => Convert::Rgb,
            (ColorSpace::Cmyk, CmykOutput::Rgb) => Convert::CmykToRgb { ycck: false },
            (ColorSpace::Ycck, CmykOutput::Rgb) => Convert::CmykToRgb { ycck: true },
            (ColorSpace::Cmyk, CmykOutput::Cmyk) => Convert::Cmyk { ycck: false },
            (ColorSpace::Ycck, CmykOutput::Cmyk) => Convert::Cmyk { ycck: true },
        })
    }

    fn stride(&self) -> usize {
        self.win.width * self.conv.channels()
    }

    fn shape(&self) -> PixelShape {
        PixelShape {
            width: self.win.width as u32,
            height: self.win.rows.len() as u32,
            channels: self.conv.channels(),
            maxval: 255,
        }
    }

    /// The output rows of iMCU rows `imcus`.
    fn rows_of(&self, imcus: Range<usize>) -> Range<usize> {
        let r = &self.win.rows;
        let start = (imcus.start * self.band_rows).clamp(r.start, r.end);
        start..(imcus.end * self.band_rows).clamp(start, r.end)
    }

    /// Decodes output rows `ys` (image coordinates) into `out`, whole rows. Each iMCU
    /// row inverse-transforms its own context, so any rows may be asked for.
    fn decode_span(&self, w: &mut Worker, ys: Range<usize>, out: &mut [u8], src: &dyn BlockRows) {
        let stride = self.stride();
        let mut i = ys.start / self.band_rows;
        while i * self.band_rows < ys.end {
            w.prepare(&self.plans, i, src);
            let here = self.rows_of(i..i + 1);
            for y in here.start.max(ys.start)..here.end.min(ys.end) {
                w.upsample_row(&self.plans, y);
                let out = &mut out[(y - ys.start) * stride..][..stride];
                convert_row(w, &self.plans, self.conv, y, out);
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
    check_planes(img)?;
    let setup = Setup::new(img, color, opts)?;
    let mut data = Vec::with_capacity(setup.stride() * setup.win.rows.len());
    let shape = decode_rows(img, color, opts, &mut |_| Ok(()), &mut |rows| {
        data.extend_from_slice(rows);
        Ok(())
    })?;
    Ok(PixelImage {
        width: shape.width,
        height: shape.height,
        channels: shape.channels,
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
    /// The largest sample value: 255 (a byte per sample), or 4095 for 12-bit samples
    /// (two bytes each, most significant first).
    pub maxval: u16,
}

impl PixelShape {
    /// Bytes per sample.
    pub fn sample_bytes(&self) -> usize {
        if self.maxval > 255 {
            2
        } else {
            1
        }
    }
}

/// Output rows decoded per step of [`decode_rows`] and per thread (whole iMCU rows).
const STREAM_ROWS: usize = 64;

/// Like [`decode_to_pixels`], but without holding the whole image: `start` is called
/// once with the image's shape (for a file header), then `sink` with consecutive bands
/// of whole rows, top to bottom (`width × channels` bytes per row). With
/// `opts.threads` > 1, bands are decoded on that many threads, or as many as the image
/// is worth ([`super::worker_threads`]; the calling one included, which also runs
/// `sink`). Returns the shape.
pub fn decode_rows(
    img: &CoefficientImage,
    color: ColorSpace,
    opts: &PixelOptions,
    start: &mut dyn FnMut(PixelShape) -> Result<()>,
    sink: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<PixelShape> {
    if img.precision == 12 {
        return super::wide::decode_rows(img, color, opts, start, sink);
    }
    check_planes(img)?;
    let setup = Setup::new(img, color, opts)?;
    start(setup.shape())?;
    let stride = setup.stride();
    // Bands of whole iMCU rows, from the one holding the first row output.
    let per_band = ceil_div(STREAM_ROWS, setup.band_rows);
    let first = setup.win.rows.start / setup.band_rows;
    let bands = ceil_div(
        ceil_div(setup.win.rows.end, setup.band_rows) - first,
        per_band,
    );
    let area = (setup.win.width * setup.win.rows.len()) as u64;
    let threads = super::worker_threads(opts.threads, area).min(bands);
    let src = Planes(img);
    let decode = |w: &mut Worker, b: usize, buf: &mut Vec<u8>| {
        let ys = setup.rows_of(first + b * per_band..first + (b + 1) * per_band);
        buf.resize(ys.len() * stride, 0);
        setup.decode_span(w, ys, buf, &src);
    };
    if threads <= 1 {
        let mut w = Worker::new(&setup.plans);
        let mut buf = Vec::new();
        for b in 0..bands {
            decode(&mut w, b, &mut buf);
            sink(&buf)?;
        }
        return Ok(setup.shape());
    }
    // Band b is decoded by thread b mod `threads` (0: this one, which also writes the
    // bands out in order); helpers hand their bands over through channels. The bands of
    // a helper the system gives no thread are decoded here too.
    std::thread::scope(|s| {
        let mut from_helpers = Vec::new();
        for t in 1..threads {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(1);
            let (back_tx, back_rx) = std::sync::mpsc::channel::<Vec<u8>>();
            let decode = &decode;
            let plans = &setup.plans;
            let started = crate::threads::spawn(s, move || {
                let mut w = Worker::new(plans);
                for b in (t..bands).step_by(threads) {
                    let mut buf = back_rx.try_recv().unwrap_or_default();
                    decode(&mut w, b, &mut buf);
                    if tx.send(buf).is_err() {
                        return;
                    }
                }
            });
            from_helpers.push(started.is_ok().then_some((rx, back_tx)));
        }
        let mut w = Worker::new(&setup.plans);
        let mut buf = Vec::new();
        for b in 0..bands {
            let helper = (b % threads).checked_sub(1);
            match helper.and_then(|t| from_helpers[t].as_ref()) {
                Some((rx, back)) => {
                    let band = rx
                        .recv()
                        .map_err(|_| Error::BadRequest("decoder thread ended".into()))?;
                    sink(&band)?;
                    let _ = back.send(band);
                }
                None => {
                    decode(&mut w, b, &mut buf);
                    sink(&buf)?;
                }
            }
        }
        Ok(setup.shape())
    })
}

/// The coefficients of iMCU rows as they arrive (see [`BandDecoder::push`]): per
/// component, its `v` block rows of the padded width (`v × width_blocks` blocks).
pub type Band = Vec<Vec<Block>>;

/// Pixels from coefficients that arrive one iMCU row at a time (a sequential file
/// being entropy-decoded): each band is turned into rows as soon as the band below it
/// (which fancy upsampling looks into) has arrived.
pub struct BandDecoder<'a> {
    setup: Setup<'a>,
    worker: Worker,
    /// The bands held: the one whose rows are next, and the one after it.
    held: Vec<(usize, Band)>,
    out: Vec<u8>,
    /// Whether the last row of a crop ending above the image's bottom has gone out.
    done: bool,
}

/// Two held bands as a [`BlockRows`] source.
struct HeldBands<'h>(&'h [(usize, Band)], &'h [Plan<'h>]);

impl HeldBands<'_> {
    /// Component `ci`'s blocks in the band holding block row `by`, and their rows'
    /// width: the padded width, or the crop's block columns alone when the entropy
    /// decoder kept only those (see `RowScan::set_columns`; a band that narrow is
    /// shorter unless the crop spans every column, from column 0).
    fn band_of(&self, ci: usize, by: usize) -> Option<(&[Block], usize)> {
        let p = &self.1[ci];
        let v = p.comp.v as usize;
        let (_, band) = self.0.iter().find(|(i, _)| *i == by / v)?;
        let blocks = band.get(ci)?;
        let w = if blocks.len() >= p.wb * v { p.wb } else { p.bw };
        Some((blocks, w))
    }
}

impl BlockRows for HeldBands<'_> {
    fn block_row(&self, ci: usize, by: usize) -> &[Block] {
        let v = self.1[ci].comp.v as usize;
        self.band_of(ci, by)
            .and_then(|(blocks, w)| blocks.get((by % v) * w..(by % v + 1) * w))
            .unwrap_or(&[[0; 64]; 0][..])
    }

    fn first_column(&self, ci: usize, by: usize) -> usize {
        let p = &self.1[ci];
        match self.band_of(ci, by) {
            Some((_, w)) if w != p.wb => p.fb,
            _ => 0,
        }
    }
}

impl<'a> BandDecoder<'a> {
    /// Sets up the decode of an image with `img`'s frame and tables (its planes are
    /// not used and may be empty).
    pub fn new(img: &'a CoefficientImage, color: ColorSpace, opts: &PixelOptions) -> Result<Self> {
        let setup = Setup::new(img, color, opts)?;
        let worker = Worker::new(&setup.plans);
        Ok(BandDecoder {
            out: vec![0; setup.band_rows * setup.stride()],
            setup,
            worker,
            held: Vec::with_capacity(2),
            done: false,
        })
    }

    /// The first iMCU row whose coefficients the output needs: the one above a crop's
    /// first (its last block row is context), or 0. Bands may start there.
    pub fn first_band(&self) -> usize {
        (self.setup.win.rows.start / self.setup.band_rows).saturating_sub(1)
    }

    /// Whether every row has gone out although the image has more (a crop ending
    /// above its bottom): the bands below need not be decoded.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The decoded image's size.
    pub fn shape(&self) -> PixelShape {
        self.setup.shape()
    }

    /// Takes the coefficients of the next iMCU row (band `i`, in order from 0; a
    /// cropped decode's may hold only the crop's block columns) and passes the rows
    /// completed by it to `sink`. Returns a band no longer needed,
    /// zeroed, for reuse.
    pub fn push(
        &mut self,
        i: usize,
        band: Band,
        sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<Option<Band>> {
        // Each component's rows: the padded width, or (a crop's) the block columns read.
        if band.len() != self.setup.plans.len()
            || band.iter().zip(&self.setup.plans).any(|(b, p)| {
                let v = p.comp.v as usize;
                b.len() < p.wb * v && (!self.setup.win.cropped || b.len() != p.bw * v)
            })
        {
            return Err(Error::BadRequest("band of the wrong shape".into()));
        }
        self.held.push((i, band));
        if self.held.len() < 2 {
            return Ok(None);
        }
        self.emit(sink)
    }

    /// Passes the rows of the last band held to `sink` (after the last push).
    pub fn finish(&mut self, sink: &mut dyn FnMut(&[u8]) -> Result<()>) -> Result<()> {
        while !self.held.is_empty() {
            self.emit(sink)?;
        }
        Ok(())
    }

    /// Decodes the first band held, then releases it.
    fn emit(&mut self, sink: &mut dyn FnMut(&[u8]) -> Result<()>) -> Result<Option<Band>> {
        let s = &self.setup;
        let i = self.held[0].0;
        let ys = s.rows_of(i..i + 1);
        let src = HeldBands(&self.held, &s.plans);
        if !ys.is_empty() {
            let n = ys.len() * s.stride();
            self.done = s.win.ends_early && ys.end == s.win.rows.end;
            s.decode_span(&mut self.worker, ys, &mut self.out[..n], &src);
            sink(&self.out[..n])?;
        } else if !s.rows_of(i + 1..i + 2).is_empty() {
            // The band above a crop's first: its rows are the next band's context, and
            // will not be held when that band is decoded.
            self.worker.prepare(&s.plans, i, &src);
        }
        let (_, mut band) = self.held.remove(0);
        for b in band.iter_mut() {
            b.fill([0; 64]);
        }
        Ok(Some(band))
    }
}

fn convert_row(w: &Worker, plans: &[Plan], conv: Convert, y: usize, out: &mut [u8]) {
    let n = out.len() / conv.channels();
    let row = |ci: usize| w.comp_row(plans[ci].up, ci, y);
    match conv {
        Convert::Gray => out.copy_from_slice(&row(0)[..n]),
        Convert::RgbGray => color::rgb_planes_to_gray(row(0), row(1), row(2), out),
        Convert::Ycc => color::ycc_to_rgb(row(0), row(1), row(2), out),
        Convert::Rgb => color::interleave3(row(0), row(1), row(2), out),
        Convert::CmykToRgb { ycck } => {
            color::cmyk_to_rgb([row(0), row(1), row(2), row(3)], ycck, out)
        }
        Convert::Cmyk { ycck } => color::to_cmyk([row(0), row(1), row(2), row(3)], ycck, out),
        Convert::Rgb565 { from, dither } => match from {
            ColorSpace::YCbCr => color::ycc_to_rgb565(row(0), row(1), row(2), y, dither, out),
            ColorSpace::Rgb => color::rgb_to_rgb565([row(0), row(1), row(2)], y, dither, out),
            _ => color::gray_to_rgb565(row(0), y, dither, out),
        },
    }
}
