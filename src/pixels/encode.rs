//! Pixels → coefficient image, as `cjpeg -dct int` (libjpeg-turbo) computes it.
//!
//! One iMCU row (8·Vmax image rows) at a time:
//! 1. colour conversion ([`super::rgb2ycc`]) of the rows into full-resolution strips,
//!    rows past the bottom edge repeating the last image row and columns past the right
//!    edge repeating the last column (libjpeg pads the colour-converted rows the same
//!    way before downsampling);
//! 2. downsampling ([`super::downsample`]) of the chroma strips; a downsampled
//!    component's rows past the last one computed from image rows repeat that row (as
//!    libjpeg pads the downsampled data to whole iMCUs);
//! 3. FDCT and quantization ([`super::fdct`]) of every block that holds image samples.
//!
//! The remaining blocks of the interleaved MCUs (right and bottom padding) get zero AC
//! and the DC of the previous block in the MCU, as libjpeg's coefficient controller
//! writes its dummy blocks.

use super::downsample;
use super::fdct::{fdct_quantize, Divisors};
use super::qtables::QuantChoice;
use super::rgb2ycc::{rgb_to_gray_row, rgb_to_ycc_row};
use super::{DctMethod, PixelImage};
use crate::coeffs::ijg::{ijg_table, ANNEX_K_CHROMA, ANNEX_K_LUMA};
use crate::coeffs::{ceil_div, Block, BlockPlane, CoefficientImage, QuantTable};
use crate::error::{Error, Result};

/// Sampling factors of a three-component output: the four usual chroma subsamplings
/// (luma factors given, chroma 1×1), or any factors (`cjpeg -sample 2x1,1x1,2x1`).
/// A one-component output takes [`EncodeParams::gray_factors`] instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Sampling {
    /// 4:4:4, luma 1×1 (`cjpeg -sample 1x1`).
    S444,
    /// 4:2:2, luma 2×1 (`-sample 2x1`).
    S422,
    /// 4:2:0, luma 2×2 (`-sample 2x2`, cjpeg's default).
    #[default]
    S420,
    /// 4:4:0, luma 1×2 (`-sample 1x2`).
    S440,
    /// (H, V) of each component, 1 to 4 each. libjpeg (and so jtool) writes only
    /// factors that divide the largest ones.
    Custom([(u8, u8); 3]),
}

impl Sampling {
    /// The luma sampling factors (H, V).
    pub fn luma_factors(self) -> (u8, u8) {
        self.factors()[0]
    }

    /// The factors (H, V) of the three components.
    pub fn factors(self) -> [(u8, u8); 3] {
        let luma = match self {
            Sampling::S444 => (1, 1),
            Sampling::S422 => (2, 1),
            Sampling::S420 => (2, 2),
            Sampling::S440 => (1, 2),
            Sampling::Custom(f) => return f,
        };
        [luma, (1, 1), (1, 1)]
    }

    /// The sampling with these factors: a named one when there is one.
    pub fn from_factors(f: [(u8, u8); 3]) -> Sampling {
        [
            Sampling::S444,
            Sampling::S422,
            Sampling::S420,
            Sampling::S440,
        ]
        .into_iter()
        .find(|s| s.factors() == f)
        .unwrap_or(Sampling::Custom(f))
    }

    /// Parses `444`, `422`, `420`, `440`, or cjpeg's `-sample` list: `HxV` for each
    /// component in turn, 1 to 4 each, the components not listed 1×1 (so `2x2` is 4:2:0).
    pub fn parse(s: &str) -> Option<Sampling> {
        match s {
            "444" => return Some(Sampling::S444),
            "422" => return Some(Sampling::S422),
            "420" => return Some(Sampling::S420),
            "440" => return Some(Sampling::S440),
            _ => {}
        }
        let mut f = [(1u8, 1u8); 3];
        let items: Vec<&str> = s.split(',').collect();
        if items.len() > f.len() {
            return None;
        }
        for (slot, item) in f.iter_mut().zip(items) {
            let (h, v) = item.split_once(['x', 'X'])?;
            let factor = |t: &str| t.parse::<u8>().ok().filter(|n| (1..=4).contains(n));
            *slot = (factor(h)?, factor(v)?);
        }
        Some(Sampling::from_factors(f))
    }
}

/// The colour of the output's components.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputColor {
    /// Y'CbCr (JFIF), component ids 1, 2, 3.
    YCbCr,
    /// Y' alone, id 1.
    Gray,
    /// R, G, B as they are (`cjpeg -rgb`), ids 'R', 'G', 'B'; an Adobe APP14 marker
    /// with transform 0 tells decoders so.
    Rgb,
}

/// What the pixel encoder does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodeParams {
    /// IJG quality 1–100 (values outside are clamped).
    pub quality: u8,
    /// Chroma subsampling (ignored for one-component output).
    pub sampling: Sampling,
    /// The factors (H, V) a one-component output's frame header states: 1×1, or what
    /// `cjpeg -sample` gave its first component. They shape nothing in a one-component
    /// scan (T.81 A.2.2): only the header differs.
    pub gray_factors: (u8, u8),
    /// Write luminance only, even from RGB input (`cjpeg -grayscale`).
    pub grayscale: bool,
    /// Write R, G, B without a colour transform (`cjpeg -rgb`); needs RGB input, and
    /// `grayscale` wins. `sampling` still applies: cjpeg's RGB default is
    /// [`Sampling::S444`].
    pub rgb: bool,
    /// Clamp quantization steps to 255 (`cjpeg -baseline`).
    pub force_baseline: bool,
    /// Worker threads (0 or 1: the calling thread only); a small image uses fewer (see
    /// [`super::worker_threads`]).
    pub threads: usize,
    /// The forward DCT (`cjpeg -dct`).
    pub dct: DctMethod,
    /// Input smoothing factor 0–100 (`cjpeg -smooth`): 0 none.
    pub smoothing: u8,
}

impl Default for EncodeParams {
    fn default() -> Self {
        EncodeParams {
            quality: 75,
            sampling: Sampling::S420,
            gray_factors: (1, 1),
            grayscale: false,
            rgb: false,
            force_baseline: false,
            threads: 0,
            dct: DctMethod::Int,
            smoothing: 0,
        }
    }
}

impl EncodeParams {
    /// The colour of the output for input with `channels` samples per pixel (RGB
    /// output of gray input is refused, as cjpeg refuses it).
    pub fn output_color(&self, channels: usize) -> OutputColor {
        if self.grayscale {
            OutputColor::Gray
        } else if self.rgb {
            OutputColor::Rgb
        } else if channels == 1 {
            OutputColor::Gray
        } else {
            OutputColor::YCbCr
        }
    }
}

/// The quantization tables of `cjpeg -quality Q [-baseline]`: (luminance, chrominance).
pub fn ijg_tables(quality: u8, force_baseline: bool) -> (QuantTable, QuantTable) {
    (
        ijg_table(&ANNEX_K_LUMA, quality, force_baseline),
        ijg_table(&ANNEX_K_CHROMA, quality, force_baseline),
    )
}

/// How a component is derived from its full-resolution strip: libjpeg's choice of
/// downsampler, which rounds 2×1 and 2×2 groups with alternating biases and any other
/// integer factors half up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Down {
    Full,
    H2V1,
    H2V2,
    /// Groups of (H, V) samples.
    Int(usize, usize),
}

/// Per-component constants.
struct CompPlan {
    down: Down,
    v: usize,
    /// Samples per strip row (the padded block width × 8).
    width: usize,
    /// Block columns and rows holding image samples.
    real_w: usize,
    real_h: usize,
    /// Rows of this component libjpeg computes from image rows (the rest repeat the
    /// last; `usize::MAX` when every row is computed).
    rows_computed: usize,
    /// Block columns of the padded plane.
    plane_w: usize,
    div: Divisors,
    /// The smoothing factor applied to this component (0: none; libjpeg smooths
    /// full-size and 2×2 subsampled components only).
    smooth: u32,
}

/// Scratch strips of one worker.
struct Strips {
    /// Full-resolution rows of each component (8·Vmax rows of `full_w` samples).
    full: Vec<Vec<u8>>,
    /// Downsampled rows of each component (for a full-size one, its smoothed rows).
    down: Vec<Vec<u8>>,
    /// With smoothing: the full-resolution rows just above and just below the strip.
    above: Vec<Vec<u8>>,
    below: Vec<Vec<u8>>,
}

/// Encodes 8-bit gray or RGB pixels as quantized DCT coefficients: Y'CbCr (or Y' only)
/// with the IJG-scaled Annex K tables, exactly as `cjpeg -dct int -quality Q -sample …`
/// (add `-grayscale`, `-baseline` for those flags).
pub fn encode_coefficients(img: &PixelImage, p: &EncodeParams) -> Result<CoefficientImage> {
    encode_slice(img.as_slice(), p)
}

/// [`encode_coefficients`] with the given quantization tables, one per output component
/// (Y', Cb, Cr; or Y' alone), instead of the IJG tables of `p.quality` (`p.quality` and
/// `p.force_baseline` are not used). Cr gets a table slot of its own when its table
/// differs from Cb's.
pub fn encode_coefficients_with_tables(
    img: &PixelImage,
    p: &EncodeParams,
    tables: &[QuantTable],
) -> Result<CoefficientImage> {
    encode_slice_with_tables(img.as_slice(), p, tables)
}

/// Borrowed 8-bit pixels (rows top to bottom, channels interleaved): the encoder's
/// input, so that a file's samples can be encoded where they lie (a mapped PPM).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PixelSlice<'a> {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Samples per pixel: 1 gray, 3 RGB.
    pub channels: usize,
    /// At least `width × height × channels` samples.
    pub data: &'a [u8],
}

impl PixelSlice<'_> {
    /// The samples of row `y`.
    fn row(&self, y: usize) -> &[u8] {
        let s = self.width as usize * self.channels;
        &self.data[y * s..(y + 1) * s]
    }
}

impl PixelImage {
    /// The image as a [`PixelSlice`].
    pub fn as_slice(&self) -> PixelSlice<'_> {
        PixelSlice {
            width: self.width,
            height: self.height,
            channels: self.channels,
            data: &self.data,
        }
    }
}

/// [`encode_coefficients`] of borrowed pixels.
pub fn encode_slice(img: PixelSlice<'_>, p: &EncodeParams) -> Result<CoefficientImage> {
    let color = p.output_color(img.channels);
    let tables = QuantChoice::ijg(&[p.quality], p.force_baseline)
        .component_tables(color.components(), color)?;
    encode_slice_with_slots(img, p, &tables)
}

/// [`encode_coefficients_with_tables`] of borrowed pixels.
pub fn encode_slice_with_tables(
    img: PixelSlice<'_>,
    p: &EncodeParams,
    tables: &[QuantTable],
) -> Result<CoefficientImage> {
    encode_slice_with_slots(img, p, &default_slots(tables))
}

/// Slots 0, 1, 1 for `tables` of Y', Cb, Cr; Cr's own slot 2 when its table differs.
fn default_slots(tables: &[QuantTable]) -> Vec<(u8, QuantTable)> {
    let cr_slot = if tables.get(2) == tables.get(1) { 1 } else { 2 };
    tables
        .iter()
        .zip([0, 1, cr_slot])
        .map(|(t, s)| (s, *t))
        .collect()
}

/// [`encode_slice`] with the given (DQT slot, quantization table) of each output
/// component, as [`QuantChoice::component_tables`] gives them.
pub fn encode_slice_with_slots(
    img: PixelSlice<'_>,
    p: &EncodeParams,
    tables: &[(u8, QuantTable)],
) -> Result<CoefficientImage> {
    let (mut out, plans) = plan(img, p, tables)?;
    for c in out.components.iter_mut() {
        c.plane = BlockPlane::new(c.plane.width_blocks, c.plane.height_blocks);
    }
    let g = out.geometry();
    let (max_h, max_v) = (g.max_h as usize, g.max_v as usize);
    // Each iMCU row's blocks, per component.
    let imcu_rows = g.mcus_y();
    let mut rows: Vec<Vec<&mut [Block]>> = (0..imcu_rows)
        .map(|_| Vec::with_capacity(plans.len()))
        .collect();
    for (c, plan) in out.components.iter_mut().zip(&plans) {
        for (row, chunk) in rows
            .iter_mut()
            .zip(c.plane.blocks.chunks_mut(plan.v * plan.plane_w))
        {
            row.push(chunk);
        }
    }

    let ctx = Ctx {
        img,
        color: p.output_color(img.channels),
        plans: &plans,
        full_w: g.mcus_x() * 8 * max_h,
        strip_h: 8 * max_v,
    };
    let area = u64::from(img.width) * u64::from(img.height);
    let threads = super::worker_threads(p.threads, area).min(imcu_rows);
    if threads <= 1 {
        ctx.run(0, &mut rows);
    } else {
        let per = ceil_div(imcu_rows, threads);
        std::thread::scope(|s| {
            for (t, group) in rows.chunks_mut(per).enumerate() {
                let ctx = &ctx;
                crate::threads::spawn_or_run(s, move || ctx.run(t * per, group));
            }
        });
    }
    drop(rows);

    for (i, c) in out.components.iter_mut().enumerate() {
        let (rw, rh) = g.real_blocks(i);
        c.fill_padding(rw, rh);
    }
    Ok(out)
}

/// The output image (tables set; planes sized but empty) and each component's
/// constants.
fn plan(
    img: PixelSlice<'_>,
    p: &EncodeParams,
    tables: &[(u8, QuantTable)],
) -> Result<(CoefficientImage, Vec<CompPlan>)> {
    check_input(&img)?;
    let color = p.output_color(img.channels);
    if color == OutputColor::Rgb && img.channels != 3 {
        return Err(Error::unsupported("RGB output from gray input", None));
    }
    let comps = components(color, p)?;
    if tables.len() < comps.len() {
        return Err(Error::BadRequest(format!(
            "{} quantization tables for {} components",
            tables.len(),
            comps.len()
        )));
    }
    let comps: Vec<(u8, u8, u8, u8)> = comps
        .iter()
        .zip(tables)
        .map(|(&(id, h, v), &(slot, _))| (id, h, v, slot))
        .collect();
    // Planes sized but without blocks: the streamed path never holds them (and
    // zeroing them would touch every page).
    let mut out = CoefficientImage::zeroed(1, 1, 8, &comps);
    (out.width, out.height) = (img.width, img.height);
    let g = out.geometry();
    for (i, (c, (_, t))) in out.components.iter_mut().zip(tables).enumerate() {
        c.quant = *t;
        (c.plane.width_blocks, c.plane.height_blocks) = g.padded_blocks(i);
        c.plane.blocks = Vec::new();
    }
    let (max_h, max_v) = (g.max_h as usize, g.max_v as usize);
    let h = img.height as usize;
    let mut plans: Vec<CompPlan> = out
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (ch, cv) = (c.h as usize, c.v as usize);
            let down = match (max_h / ch, max_v / cv) {
                (1, 1) => Down::Full,
                (2, 1) => Down::H2V1,
                (2, 2) => Down::H2V2,
                (x, y) => Down::Int(x, y),
            };
            let (real_w, real_h) = g.real_blocks(i);
            CompPlan {
                down,
                v: cv,
                width: c.plane.width_blocks * 8,
                real_w,
                real_h,
                rows_computed: ceil_div(h, max_v) * cv,
                plane_w: c.plane.width_blocks,
                div: Divisors::for_method(&c.quant, p.dct),
                smooth: match down {
                    Down::Full | Down::H2V2 => u32::from(p.smoothing.min(100)),
                    _ => 0,
                },
            }
        })
        .collect();
    // With a smoothed component libjpeg prepares the input with context rows
    // (jcprepct.c's context mode): every row group of the last iMCU row is then
    // downsampled from image rows padded with copies of the last one, for every
    // component, where plain downsampling repeats the last row it computed.
    if plans.iter().any(|pl| pl.smooth > 0) {
        for pl in &mut plans {
            pl.rows_computed = usize::MAX;
        }
    }
    Ok((out, plans))
}

/// (id, H, V) of each output component. Factors must be 1 to 4 and divide the largest
/// ones (T.81 B.2.2; libjpeg downsamples by integer factors only). Whether the
/// components fit one interleaved scan is the scans' matter: see
/// [`check_interleaved_mcu`].
pub(super) fn components(color: OutputColor, p: &EncodeParams) -> Result<Vec<(u8, u8, u8)>> {
    let f = p.sampling.factors();
    let ids: &[u8] = match color {
        OutputColor::Gray => {
            let (h, v) = p.gray_factors;
            if !(1..=4).contains(&h) || !(1..=4).contains(&v) {
                return Err(Error::BadRequest(format!(
                    "sampling factors {h}x{v}: each must be 1 to 4"
                )));
            }
            return Ok(vec![(1, h, v)]);
        }
        OutputColor::YCbCr => &[1, 2, 3],
        OutputColor::Rgb => b"RGB",
    };
    let (max_h, max_v) = f
        .iter()
        .fold((1, 1), |(a, b), &(h, v)| (a.max(h), b.max(v)));
    let ok = f.iter().all(|&(h, v)| {
        (1..=4).contains(&h) && (1..=4).contains(&v) && max_h % h == 0 && max_v % v == 0
    });
    if !ok {
        return Err(Error::unsupported(
            format!(
                "sampling factors {}: each must be 1 to 4 and divide the largest",
                named(&f)
            ),
            None,
        ));
    }
    Ok(ids.iter().zip(f).map(|(&id, (h, v))| (id, h, v)).collect())
}

/// Refuses sampling factors whose MCU, with every component in one interleaved scan,
/// would exceed 10 blocks (T.81 B.2.3), as cjpeg refuses them when no scan script
/// codes the components apart (its default scans interleave them all).
pub fn check_interleaved_mcu(color: OutputColor, p: &EncodeParams) -> Result<()> {
    if color == OutputColor::Gray {
        return Ok(());
    }
    let f = p.sampling.factors();
    let blocks: u32 = f.iter().map(|&(h, v)| u32::from(h) * u32::from(v)).sum();
    if blocks > 10 {
        return Err(Error::BadRequest(format!(
            "sampling factors {} make MCUs of {blocks} blocks (at most 10 in an interleaved scan)",
            named(&f)
        )));
    }
    Ok(())
}

/// Sampling factors as cjpeg's `-sample` lists them: `2x2,1x1,1x1`.
fn named(f: &[(u8, u8)]) -> String {
    let v: Vec<String> = f.iter().map(|(h, v)| format!("{h}x{v}")).collect();
    v.join(",")
}

impl OutputColor {
    /// Components of the output.
    pub fn components(self) -> usize {
        if self == OutputColor::Gray {
            1
        } else {
            3
        }
    }
}

/// The pixel encoder one iMCU row at a time, for a consumer that codes each row as
/// soon as it is computed (the coefficients of the whole image are never held).
/// Rows may be computed in any order and on any thread, each with its own
/// [`EncodeScratch`]; the result equals the rows of [`encode_slice_with_tables`].
pub struct BandEncoder<'a> {
    img: PixelSlice<'a>,
    /// Size, components and tables; the planes have no blocks.
    header: CoefficientImage,
    plans: Vec<CompPlan>,
    full_w: usize,
    strip_h: usize,
    /// (H, V, real blocks across, real block rows) per component.
    grid: Vec<(usize, usize, usize, usize)>,
    mcus: (usize, usize),
    color: OutputColor,
}

/// Scratch rows of one thread running a [`BandEncoder`].
pub struct EncodeScratch(Strips);

impl<'a> BandEncoder<'a> {
    /// [`encode_slice_with_slots`]'s setup: checks `img`, picks the components.
    pub fn new(img: PixelSlice<'a>, p: &EncodeParams, tables: &[(u8, QuantTable)]) -> Result<Self> {
        let (header, plans) = plan(img, p, tables)?;
        let g = header.geometry();
        let grid = header
            .components
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let (rw, rh) = g.real_blocks(i);
                (c.h as usize, c.v as usize, rw, rh)
            })
            .collect();
        Ok(BandEncoder {
            img,
            header,
            plans,
            full_w: g.mcus_x() * 8 * g.max_h as usize,
            strip_h: 8 * g.max_v as usize,
            grid,
            mcus: (g.mcus_x(), g.mcus_y()),
            color: p.output_color(img.channels),
        })
    }

    /// Size, components and quantization tables of the output (planes empty).
    pub fn header(&self) -> &CoefficientImage {
        &self.header
    }

    /// iMCU rows of the image.
    pub fn rows(&self) -> usize {
        self.mcus.1
    }

    /// Pixels of the image.
    pub fn pixels(&self) -> u64 {
        u64::from(self.img.width) * u64::from(self.img.height)
    }

    /// A band: per component, V block rows of the padded width.
    pub fn new_band(&self) -> Vec<BlockPlane> {
        self.plans
            .iter()
            .map(|pl| BlockPlane::new(pl.plane_w, pl.v))
            .collect()
    }

    /// Scratch rows for one thread.
    pub fn new_scratch(&self) -> EncodeScratch {
        EncodeScratch(self.ctx().strips())
    }

    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            img: self.img,
            color: self.color,
            plans: &self.plans,
            full_w: self.full_w,
            strip_h: self.strip_h,
        }
    }

    /// Computes iMCU row `r` into `band` (from [`BandEncoder::new_band`]), padding
    /// blocks included (see [`crate::coeffs::Component::fill_padding`]).
    pub fn encode_band(&self, r: usize, scratch: &mut EncodeScratch, band: &mut [BlockPlane]) {
        let mut blocks: Vec<&mut [Block]> = band.iter_mut().map(|b| &mut b.blocks[..]).collect();
        self.encode_band_blocks(r, scratch, &mut blocks);
    }

    /// Blocks per component of a band: V block rows of the padded width.
    pub fn band_blocks(&self) -> Vec<usize> {
        self.plans.iter().map(|pl| pl.plane_w * pl.v).collect()
    }

    /// [`BandEncoder::encode_band`] into `band[c]`, component c's
    /// [`BandEncoder::band_blocks`] blocks (row by row); any other length leaves the
    /// band as it is.
    pub fn encode_band_blocks(
        &self,
        r: usize,
        scratch: &mut EncodeScratch,
        band: &mut [&mut [Block]],
    ) {
        let lens = band
            .iter()
            .zip(self.band_blocks())
            .all(|(b, n)| b.len() == n);
        if r >= self.mcus.1 || band.len() != self.plans.len() || !lens {
            return;
        }
        self.ctx().imcu_row(r, &mut scratch.0, band);
        for ((b, &(h, v, rw, rh)), pl) in band.iter_mut().zip(&self.grid).zip(&self.plans) {
            fill_band_padding(b, pl.plane_w, (h, v), r, (rw, rh), self.mcus.0);
        }
    }
}

/// [`crate::coeffs::Component::fill_padding`] for MCU row `my` held in `band`
/// (`width` blocks across): every block outside the real `(real_w, real_h)` grid gets
/// zero AC and the DC of the previous block of its MCU.
fn fill_band_padding(
    band: &mut [Block],
    width: usize,
    (h, v): (usize, usize),
    my: usize,
    (real_w, real_h): (usize, usize),
    mcus_x: usize,
) {
    let first = if (my + 1) * v > real_h { 0 } else { real_w / h };
    for mx in first..mcus_x {
        let mut prev_dc = 0i16;
        for y in 0..v {
            for x in mx * h..(mx + 1) * h {
                let b = &mut band[y * width + x];
                if x < real_w && my * v + y < real_h {
                    prev_dc = b[0];
                } else {
                    *b = [0; 64];
                    b[0] = prev_dc;
                }
            }
        }
    }
}

/// The image fits a JPEG frame, has 1 or 3 channels and all its samples.
fn check_input(img: &PixelSlice<'_>) -> Result<()> {
    let (w, h) = (img.width as usize, img.height as usize);
    if !(1..=65535).contains(&w) || !(1..=65535).contains(&h) {
        return Err(Error::BadRequest(format!(
            "image size {w}x{h} cannot be stored in a JPEG frame header (1 to 65535)"
        )));
    }
    if img.channels != 1 && img.channels != 3 {
        return Err(Error::unsupported(
            format!(
                "encoding {}-channel images (only gray and RGB)",
                img.channels
            ),
            None,
        ));
    }
    if img.data.len() < w * h * img.channels {
        return Err(Error::BadRequest(
            "pixel buffer smaller than width × height × channels".into(),
        ));
    }
    Ok(())
}

/// What every worker reads.
struct Ctx<'a> {
    img: PixelSlice<'a>,
    color: OutputColor,
    plans: &'a [CompPlan],
    full_w: usize,
    strip_h: usize,
}

impl Ctx<'_> {
    /// Encodes iMCU rows `first..first + rows.len()`.
    fn run(&self, first: usize, rows: &mut [Vec<&mut [Block]>]) {
        let mut strips = self.strips();
        for (k, blocks) in rows.iter_mut().enumerate() {
            self.imcu_row(first + k, &mut strips, blocks);
        }
    }

    fn strips(&self) -> Strips {
        let n = self.plans.len();
        let smooths = self.plans.iter().any(|pl| pl.smooth > 0);
        let edge_row = || {
            (0..n)
                .map(|_| vec![0u8; self.full_w * smooths as usize])
                .collect()
        };
        Strips {
            full: (0..n)
                .map(|_| vec![0u8; self.full_w * self.strip_h])
                .collect(),
            down: self
                .plans
                .iter()
                .map(|pl| {
                    if pl.down == Down::Full && pl.smooth == 0 {
                        Vec::new()
                    } else {
                        vec![0u8; pl.width * 8 * pl.v]
                    }
                })
                .collect(),
            above: edge_row(),
            below: edge_row(),
        }
    }

    /// Colour-converts image row `src` (clamped to the image) into `rows`, its right
    /// edge replicated to `full_w`.
    fn convert_edge_row(&self, src: isize, rows: &mut [Vec<u8>]) {
        let (w, h) = (self.img.width as usize, self.img.height as usize);
        let src = src.clamp(0, h as isize - 1) as usize;
        self.convert_row(self.img.row(src), rows, 0..w);
        for f in rows.iter_mut() {
            let last = f[w - 1];
            f[w..self.full_w].fill(last);
        }
    }

    /// Colour-converts image row `row` into `range` of each component's strip.
    fn convert_row(&self, row: &[u8], full: &mut [Vec<u8>], range: std::ops::Range<usize>) {
        let w = range.len();
        match (self.color, &mut full[..]) {
            (OutputColor::Gray, [y]) if self.img.channels == 1 => {
                y[range].copy_from_slice(&row[..w])
            }
            (OutputColor::Gray, [y]) => rgb_to_gray_row(row, &mut y[range]),
            (OutputColor::Rgb, [r, g, b]) => {
                let planes = [&mut r[range.clone()], &mut g[range.clone()], &mut b[range]];
                for (k, plane) in planes.into_iter().enumerate() {
                    for (o, px) in plane.iter_mut().zip(row.chunks_exact(3)) {
                        *o = px[k];
                    }
                }
            }
            (_, [y, cb, cr]) => rgb_to_ycc_row(
                row,
                &mut y[range.clone()],
                &mut cb[range.clone()],
                &mut cr[range],
            ),
            _ => unreachable!("one strip per output component"),
        }
    }

    /// In iMCU row `m` of a downsampled component, the rows past the last one libjpeg
    /// computes repeat it.
    fn repeat_last_rows(&self, pl: &CompPlan, m: usize, d: &mut [u8]) {
        let cw = pl.width;
        let first_row = m * 8 * pl.v;
        if first_row + 8 * pl.v > pl.rows_computed {
            let last = pl.rows_computed - 1 - first_row;
            for j in last + 1..8 * pl.v {
                d.copy_within(last * cw..(last + 1) * cw, j * cw);
            }
        }
    }

    fn imcu_row(&self, m: usize, st: &mut Strips, blocks: &mut [&mut [Block]]) {
        let (w, h) = (self.img.width as usize, self.img.height as usize);
        let fw = self.full_w;
        // 1. Colour conversion, edges replicated.
        let mut prev_src = usize::MAX;
        for i in 0..self.strip_h {
            let src = (m * self.strip_h + i).min(h - 1);
            if src == prev_src {
                for f in st.full.iter_mut() {
                    f.copy_within((i - 1) * fw..i * fw, i * fw);
                }
                continue;
            }
            prev_src = src;
            self.convert_row(self.img.row(src), &mut st.full, i * fw..i * fw + w);
            for f in st.full.iter_mut() {
                let last = f[i * fw + w - 1];
                f[i * fw + w..(i + 1) * fw].fill(last);
            }
        }
        // The rows around the strip, for smoothing: the image's top and bottom rows
        // repeat past its edges, as the padding rows do.
        if self.plans.iter().any(|pl| pl.smooth > 0) {
            let top = (m * self.strip_h) as isize;
            self.convert_edge_row(top - 1, &mut st.above);
            self.convert_edge_row(top + self.strip_h as isize, &mut st.below);
        }
        // 2. Smoothing and downsampling, 3. FDCT and quantization. libjpeg smooths
        // every row of the strip, those below the image (copies of its last row)
        // included, where plain downsampling repeats the last row it computed.
        for (ci, pl) in self.plans.iter().enumerate() {
            let full = &st.full[ci];
            let cw = pl.width;
            // Row k of the strip, k = −1 and k = strip_h being the rows around it.
            let ctx_row = |k: isize| -> &[u8] {
                match k {
                    -1 => &st.above[ci],
                    k if k as usize == self.strip_h => &st.below[ci],
                    k => &full[k as usize * fw..(k as usize + 1) * fw],
                }
            };
            let buf: &[u8] = match pl.down {
                Down::Full if pl.smooth > 0 => {
                    let d = &mut st.down[ci];
                    for (k, o) in d.chunks_exact_mut(cw).enumerate() {
                        let k = k as isize;
                        let rows = [ctx_row(k - 1), ctx_row(k), ctx_row(k + 1)];
                        downsample::smooth_full(rows[0], rows[1], rows[2], pl.smooth, o);
                    }
                    d
                }
                Down::Full => full,
                Down::H2V2 if pl.smooth > 0 => {
                    let d = &mut st.down[ci];
                    for (j, o) in d.chunks_exact_mut(cw).enumerate() {
                        let k = 2 * j as isize;
                        let rows = [ctx_row(k - 1), ctx_row(k), ctx_row(k + 1), ctx_row(k + 2)];
                        downsample::smooth_h2v2(rows[0], rows[1], rows[2], rows[3], pl.smooth, o);
                    }
                    d
                }
                down => {
                    let d = &mut st.down[ci];
                    for j in 0..8 * pl.v {
                        let o = &mut d[j * cw..(j + 1) * cw];
                        let row = |k: usize| &full[k * fw..(k + 1) * fw];
                        match down {
                            Down::H2V1 => downsample::h2v1(row(j), o),
                            Down::H2V2 => downsample::h2v2(row(2 * j), row(2 * j + 1), o),
                            Down::Int(1, 2) => downsample::h1v2(row(2 * j), row(2 * j + 1), o),
                            Down::Int(x, y) => {
                                let rows: Vec<&[u8]> = (j * y..(j + 1) * y).map(row).collect();
                                downsample::int_factors(&rows, x, o)
                            }
                            Down::Full => unreachable!("full-size components are not copied"),
                        }
                    }
                    self.repeat_last_rows(pl, m, d);
                    d
                }
            };
            let stride = if pl.down == Down::Full && pl.smooth == 0 {
                fw
            } else {
                cw
            };
            let out = &mut blocks[ci];
            for k in 0..pl.v {
                let by = m * pl.v + k;
                if by >= pl.real_h {
                    break;
                }
                let row = &mut out[k * pl.plane_w..k * pl.plane_w + pl.real_w];
                for (bx, b) in row.iter_mut().enumerate() {
                    fdct_quantize(&buf[k * 8 * stride + bx * 8..], stride, &pl.div, b);
                }
            }
        }
    }
}
