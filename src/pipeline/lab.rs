//! The re-encode lab: compare two files (pixels and coefficients), requantize in the
//! coefficient domain or through pixels, and run generation-loss experiments.

use super::pixels::{decode_file, DecodeOptions};
use super::{
    assemble, coefficient_hash, copy, encode_pixels, CopyOptions, MetaEdits, Output,
    PixelEncodeOptions, Sha256,
};
use super::{transform as run_transform, TransformOptions};
use crate::coeffs::{CoefficientImage, QuantTable};
use crate::container::JpegFile;
use crate::entropy::{self, Limits};
use crate::error::{Error, Result, Warning, WarningKind};
use crate::pixels::metrics::{self, Metrics};
use crate::pixels::{ijg_tables, image_io, EncodeParams, PixelImage, Sampling};
use crate::transform::{self, EdgePolicy, Orientation, Rect, Request, ALL_ORIENTATIONS};

// ---------------------------------------------------------------------------------------
// compare

/// Size and shape of one compared file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Side {
    /// File size in bytes.
    pub bytes: usize,
    /// Whether it parsed and decoded as a JPEG.
    pub jpeg: bool,
    /// Width in pixels (0 when undecodable).
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Components (JPEG) or channels (other images).
    pub components: usize,
    /// Coefficient hash (JPEG only).
    pub coefficient_hash: Option<String>,
}

/// The coefficient-level comparison of two JPEGs.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CoeffComparison {
    /// Same width, height, components and sampling factors.
    pub same_geometry: bool,
    /// Every component uses the same quantization table in both.
    pub same_quant_tables: bool,
    /// Real blocks equal at the same position (only when the geometry is the same).
    pub identical_blocks: u64,
    /// Real blocks of A.
    pub total_blocks: u64,
}

/// What B is, relative to A.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LabVerdict {
    /// Same coefficients and tables (metadata, coding may differ).
    IdenticalCoefficients,
    /// B's coefficients are A's moved by a lossless transform (and maybe a crop).
    LosslessTransform {
        /// The orientation (`rotate 90`, ...).
        orientation: String,
        /// EXIF number of the orientation.
        exif: u16,
        /// The region of the transformed A that B shows (corner on the iMCU grid).
        crop: Rect,
        /// Whether B is smaller than the transformed A.
        cropped: bool,
    },
    /// Coefficients differ: B was decoded and encoded again (or is another image).
    ReEncoded,
    /// Two lossless (SOF3) files with the same samples (their coding may differ).
    IdenticalSamples,
    /// Two lossless files whose samples differ, and not by a turn or a crop.
    DifferentSamples,
    /// At least one of the two is not a decodable JPEG.
    NotComparable {
        /// Why.
        reason: String,
    },
}

impl LabVerdict {
    /// One line for humans.
    pub fn describe(&self) -> String {
        match self {
            LabVerdict::IdenticalCoefficients => "identical coefficients".into(),
            LabVerdict::LosslessTransform {
                orientation,
                crop,
                cropped,
                ..
            } => {
                if orientation == "none" {
                    format!(
                        "B is a lossless crop of A: {}x{}+{}+{}",
                        crop.width, crop.height, crop.x, crop.y
                    )
                } else if *cropped {
                    format!(
                        "B is a lossless transform of A: {orientation}, crop {}x{}+{}+{}",
                        crop.width, crop.height, crop.x, crop.y
                    )
                } else {
                    format!("B is a lossless transform of A: {orientation}")
                }
            }
            LabVerdict::ReEncoded => "B was re-encoded (coefficients differ)".into(),
            LabVerdict::IdenticalSamples => "identical samples (lossless files)".into(),
            LabVerdict::DifferentSamples => "the samples differ (lossless files)".into(),
            LabVerdict::NotComparable { reason } => format!("no coefficient comparison: {reason}"),
        }
    }
}

/// The result of [`compare`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct Comparison {
    /// File A.
    pub a: Side,
    /// File B.
    pub b: Side,
    /// Pixel metrics of B against A, when both decode to the same shape.
    pub pixels: Option<Metrics>,
    /// Why there are no pixel metrics.
    pub pixels_note: Option<String>,
    /// Coefficient comparison, when both are JPEGs.
    pub coefficients: Option<CoeffComparison>,
    /// What B is.
    pub verdict: LabVerdict,
    /// `verdict` in words.
    pub summary: String,
}

fn decode_any(data: &[u8], limits: &Limits) -> Result<PixelImage> {
    let opts = DecodeOptions {
        limits: *limits,
        ..DecodeOptions::default()
    };
    match decode_file(data, &opts) {
        Ok(d) => Ok(d.image),
        Err(e) => {
            if data.starts_with(&[0xFF, 0xD8]) {
                Err(e)
            } else {
                image_io::read_image(data).map_err(|_| e)
            }
        }
    }
}

fn decode_coeffs(data: &[u8]) -> Result<CoefficientImage> {
    decode_coeffs_with(data, &Limits::default())
}

fn decode_coeffs_with(data: &[u8], limits: &Limits) -> Result<CoefficientImage> {
    let file = JpegFile::parse(data)?;
    Ok(entropy::decode(&file, limits)?.image)
}

fn real_blocks(img: &CoefficientImage) -> u64 {
    let g = img.geometry();
    (0..img.components.len())
        .map(|i| g.real_blocks(i))
        .map(|(w, h)| (w * h) as u64)
        .sum()
}

fn same_geometry(a: &CoefficientImage, b: &CoefficientImage) -> bool {
    (a.width, a.height, a.components.len()) == (b.width, b.height, b.components.len())
        && a.components
            .iter()
            .zip(&b.components)
            .all(|(x, y)| (x.h, x.v) == (y.h, y.v))
}

/// Real blocks that differ between two images of the same geometry.
pub fn changed_blocks(a: &CoefficientImage, b: &CoefficientImage) -> Option<u64> {
    if !same_geometry(a, b) {
        return None;
    }
    let g = a.geometry();
    let mut n = 0;
    for (i, (x, y)) in a.components.iter().zip(&b.components).enumerate() {
        let (w, h) = g.real_blocks(i);
        for by in 0..h {
            for bx in 0..w {
                n += (x.plane.block(bx, by) != y.plane.block(bx, by)) as u64;
            }
        }
    }
    Some(n)
}

/// Whether `b` equals the region of `t` whose corner is `off` iMCUs in (per component:
/// `off · (h, v)` blocks). Compares the first block first.
fn matches_at(t: &CoefficientImage, b: &CoefficientImage, off: (usize, usize)) -> bool {
    let g = b.geometry();
    for first_only in [true, false] {
        for (i, (tc, bc)) in t.components.iter().zip(&b.components).enumerate() {
            let (h, v) = if t.components.len() == 1 {
                (1, 1)
            } else {
                (tc.h as usize, tc.v as usize)
            };
            let (ox, oy) = (off.0 * h, off.1 * v);
            let (w, hh) = g.real_blocks(i);
            let (w, hh) = if first_only {
                (w.min(1), hh.min(1))
            } else {
                (w, hh)
            };
            for by in 0..hh {
                for bx in 0..w {
                    let (sx, sy) = (ox + bx, oy + by);
                    if sx >= tc.plane.width_blocks || sy >= tc.plane.height_blocks {
                        return false;
                    }
                    if tc.plane.block(sx, sy) != bc.plane.block(bx, by) {
                        return false;
                    }
                }
            }
        }
    }
    true
}

/// Searches the eight orientations (and iMCU-aligned crops when B is smaller) for a
/// lossless transform of `a` that gives `b`.
pub fn find_transform(a: &CoefficientImage, b: &CoefficientImage) -> Option<LabVerdict> {
    if a.components.len() != b.components.len() {
        return None;
    }
    let factors: Vec<(u8, u8)> = a.components.iter().map(|c| (c.h, c.v)).collect();
    for o in ALL_ORIENTATIONS {
        let req = Request {
            orientation: o,
            crop: None,
            edge: EdgePolicy::Keep,
            grayscale: false,
        };
        let Ok(plan) = transform::plan(a.width, a.height, &factors, &req) else {
            continue;
        };
        if b.width > plan.width || b.height > plan.height {
            continue;
        }
        if a.components.len() > 1
            && b.components
                .iter()
                .zip(&plan.factors)
                .any(|(c, f)| (c.h, c.v) != *f)
        {
            continue;
        }
        let t = transform::apply(a, &plan);
        if t.components
            .iter()
            .zip(&b.components)
            .any(|(x, y)| x.quant.values != y.quant.values)
        {
            continue;
        }
        let (iw, ih) = plan.imcu;
        let nx = ((plan.width - b.width) / iw) as usize;
        let ny = ((plan.height - b.height) / ih) as usize;
        for oy in 0..=ny {
            for ox in 0..=nx {
                if matches_at(&t, b, (ox, oy)) {
                    let crop = Rect {
                        x: ox as u32 * iw,
                        y: oy as u32 * ih,
                        width: b.width,
                        height: b.height,
                    };
                    if o == Orientation::Identity && !(b.width, b.height).ne(&(a.width, a.height)) {
                        return Some(LabVerdict::IdenticalCoefficients);
                    }
                    return Some(LabVerdict::LosslessTransform {
                        orientation: o.name().into(),
                        exif: o.exif(),
                        crop,
                        cropped: (b.width, b.height) != (plan.width, plan.height),
                    });
                }
            }
        }
    }
    None
}

fn side(data: &[u8], coeffs: Option<&CoefficientImage>, px: Option<&PixelImage>) -> Side {
    Side {
        bytes: data.len(),
        jpeg: coeffs.is_some(),
        width: coeffs.map(|c| c.width).or(px.map(|p| p.width)).unwrap_or(0),
        height: coeffs
            .map(|c| c.height)
            .or(px.map(|p| p.height))
            .unwrap_or(0),
        components: coeffs
            .map(|c| c.components.len())
            .or(px.map(|p| p.channels))
            .unwrap_or(0),
        coefficient_hash: coeffs.map(coefficient_hash),
    }
}

/// Compares B against A: pixel metrics when both decode to the same shape, and for two
/// JPEGs a coefficient comparison and a verdict. Fails only when neither comparison is
/// possible (A or B undecodable as both JPEG and image).
pub fn compare(a: &[u8], b: &[u8]) -> Result<Comparison> {
    compare_with(a, b, &Limits::default())
}

/// As [`compare`], with resource limits for decoding both files (a damaged header can
/// claim any size: the limit is what bounds the memory).
pub fn compare_with(a: &[u8], b: &[u8], limits: &Limits) -> Result<Comparison> {
    if let Some(c) = super::lossless::compare_lossless(a, b, limits)? {
        return Ok(c);
    }
    let (pa, pb) = (decode_any(a, limits), decode_any(b, limits));
    let (ca, cb) = (
        decode_coeffs_with(a, limits).ok(),
        decode_coeffs_with(b, limits).ok(),
    );
    let pa = match pa {
        Err(e) if ca.is_none() => return Err(e),
        p => p,
    };
    let pb = match pb {
        Err(e) if cb.is_none() => return Err(e),
        p => p,
    };
    let (pixels, pixels_note) = match (&pa, &pb) {
        (Ok(x), Ok(y)) => match metrics::compare(x, y) {
            Some(m) => (Some(m), None),
            None => (
                None,
                Some(format!(
                    "different shapes: {}x{}x{} vs {}x{}x{}",
                    x.width, x.height, x.channels, y.width, y.height, y.channels
                )),
            ),
        },
        (Err(e), _) => (None, Some(format!("A does not decode to pixels: {e}"))),
        (_, Err(e)) => (None, Some(format!("B does not decode to pixels: {e}"))),
    };
    let (coefficients, verdict) = match (&ca, &cb) {
        (Some(x), Some(y)) => {
            let sg = same_geometry(x, y);
            let same_q = x.components.len() == y.components.len()
                && x.components
                    .iter()
                    .zip(&y.components)
                    .all(|(p, q)| p.quant.values == q.quant.values);
            let identical = changed_blocks(x, y)
                .map(|c| real_blocks(x) - c)
                .unwrap_or(0);
            let cmp = CoeffComparison {
                same_geometry: sg,
                same_quant_tables: same_q,
                identical_blocks: identical,
                total_blocks: real_blocks(x),
            };
            let verdict = if sg && same_q && identical == real_blocks(x) {
                LabVerdict::IdenticalCoefficients
            } else {
                find_transform(x, y).unwrap_or(LabVerdict::ReEncoded)
            };
            (Some(cmp), verdict)
        }
        _ => (
            None,
            LabVerdict::NotComparable {
                reason: "both files must be decodable JPEGs".into(),
            },
        ),
    };
    Ok(Comparison {
        a: side(a, ca.as_ref(), pa.as_ref().ok()),
        b: side(b, cb.as_ref(), pb.as_ref().ok()),
        pixels,
        pixels_note,
        coefficients,
        summary: verdict.describe(),
        verdict,
    })
}

// ---------------------------------------------------------------------------------------
// requantize

/// The quantization tables to requantize to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequantTarget {
    /// Keep the tables: a lossless rewrite (verified).
    Same,
    /// The IJG tables of `cjpeg -quality Q`: luminance for the table slot of component
    /// 0, chrominance for every other slot.
    Quality(u8),
    /// The tables of another JPEG file, slot by slot.
    TablesFrom(Vec<u8>),
    /// At most this many bytes (`jpegoptim --size`): the lossless copy when it fits,
    /// else the IJG tables of the highest quality whose output fits (quality 1, with a
    /// warning, when none does). Coefficient domain only.
    MaxBytes(u64),
}

/// Options of [`requantize`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequantizeOptions {
    /// Target tables.
    pub target: RequantTarget,
    /// Decode to pixels and encode again (cjpeg-exact, see [`super::via_pixels`]) with
    /// the same target tables and the input's sampling, instead of requantizing the
    /// coefficients.
    pub via_pixels: bool,
    /// Coding mode, Huffman tables, restart interval and metadata of the output (both
    /// paths).
    pub output: CopyOptions,
}

/// Requantizes one coefficient: round(v · q_old / q_new), halves away from zero,
/// clamped to ±1023.
pub fn requant_coef(v: i16, q_old: u16, q_new: u16) -> i16 {
    crate::coeffs::requant(v, q_old, q_new).clamp(-1023, 1023)
}

/// The IJG quality whose tables (`force_baseline` off, or on) are exactly the tables of
/// `img` (component 0: luminance, others: chrominance), if any.
pub fn ijg_quality_of(img: &CoefficientImage) -> Option<u8> {
    (1..=100u8).rev().find(|&q| {
        [false, true].iter().any(|&fb| {
            let (l, c) = ijg_tables(q, fb);
            img.components.iter().enumerate().all(|(i, comp)| {
                comp.quant.values
                    == if i == 0 || comp.quant_slot == img.components[0].quant_slot {
                        l.values
                    } else {
                        c.values
                    }
            })
        })
    })
}

/// The cjpeg sampling that matches the input's factors (4:2:0 when none does).
pub fn sampling_of(img: &CoefficientImage) -> Sampling {
    match img.components.first().map(|c| (c.h, c.v)) {
        Some((1, 1)) => Sampling::S444,
        Some((2, 1)) => Sampling::S422,
        Some((1, 2)) => Sampling::S440,
        _ => Sampling::S420,
    }
}

/// The new table per component of `img` for `target` (`Same`: its own tables).
fn target_tables(
    img: &CoefficientImage,
    target: &RequantTarget,
    limits: &Limits,
) -> Result<Vec<QuantTable>> {
    match target {
        RequantTarget::Same => Ok(img.components.iter().map(|c| c.quant).collect()),
        RequantTarget::MaxBytes(_) => Err(Error::BadRequest(
            "a size target has no tables of its own".into(),
        )),
        RequantTarget::Quality(q) => {
            let (l, c) = ijg_tables(*q, false);
            let slot0 = img.components[0].quant_slot;
            Ok(img
                .components
                .iter()
                .map(|comp| if comp.quant_slot == slot0 { l } else { c })
                .collect())
        }
        RequantTarget::TablesFrom(other) => {
            let o = decode_coeffs_with(other, limits)?;
            img.components
                .iter()
                .map(|comp| {
                    o.components
                        .iter()
                        .find(|oc| oc.quant_slot == comp.quant_slot)
                        .map(|oc| oc.quant)
                        .ok_or_else(|| {
                            Error::BadRequest(format!(
                                "the tables file has no table in slot {}",
                                comp.quant_slot
                            ))
                        })
                })
                .collect()
        }
    }
}

/// Requantizes every block of `img` to `tables` (one per component).
pub fn requantize_image(img: &mut CoefficientImage, tables: &[QuantTable]) {
    for (c, t) in img.components.iter_mut().zip(tables) {
        let old = c.quant.values;
        if old != t.values {
            for b in c.plane.blocks.iter_mut() {
                for k in 0..64 {
                    b[k] = requant_coef(b[k], old[k], t.values[k]);
                }
            }
        }
        c.quant = *t;
    }
}

fn pixel_encode_opts(img: &CoefficientImage, quality: u8) -> PixelEncodeOptions {
    PixelEncodeOptions {
        params: EncodeParams {
            quality,
            sampling: sampling_of(img),
            grayscale: img.components.len() == 1,
            ..EncodeParams::default()
        },
        ..PixelEncodeOptions::default()
    }
}

/// Re-encodes `data` with other quantization tables (see [`RequantizeOptions`]).
pub fn requantize(data: &[u8], opts: &RequantizeOptions) -> Result<Output> {
    if opts.via_pixels {
        let target = &opts.target;
        let limits = &opts.output.limits;
        return super::via_pixels::requantize(data, &opts.output, |img| {
            target_tables(img, target, limits)
        });
    }
    if let RequantTarget::MaxBytes(n) = opts.target {
        if opts.via_pixels {
            return Err(Error::BadRequest(
                "a size target is reached in the coefficient domain, not via pixels".into(),
            ));
        }
        return requantize_to_size(data, n, &opts.output);
    }
    if opts.target == RequantTarget::Same {
        let out = copy(data, &opts.output)?;
        let before = coefficient_hash(&decode_coeffs_with(data, &opts.output.limits)?);
        let after = coefficient_hash(&decode_coeffs_with(&out.bytes, &opts.output.limits)?);
        if before != after {
            return Err(Error::BadRequest(
                "lossless rewrite changed the coefficients (internal error)".into(),
            ));
        }
        return Ok(out);
    }
    let (file, decoded, warnings) = super::decode_checked(data, &opts.output)?;
    let encoder = Requantizer::new(&file, &decoded, &opts.output)?;
    Ok(Output {
        bytes: encoder.file_for(decoded.image, &opts.target)?,
        warnings,
    })
}

/// One decode's requantized files: its coefficients to other tables, coded and
/// wrapped in its metadata as `output` says.
struct Requantizer<'a, 'f> {
    file: &'a JpegFile<'f>,
    output: &'a CopyOptions,
    enc: entropy::EncodeOptions,
}

impl<'a, 'f> Requantizer<'a, 'f> {
    fn new(
        file: &'a JpegFile<'f>,
        decoded: &entropy::Decoded,
        output: &'a CopyOptions,
    ) -> Result<Self> {
        let restart_interval = super::output_restart(output, decoded)?;
        let enc = super::encode_options(output, file, decoded, restart_interval, &decoded.image)?;
        Ok(Requantizer { file, output, enc })
    }

    /// The file of `image` requantized to `target`'s tables.
    fn file_for(&self, mut image: CoefficientImage, target: &RequantTarget) -> Result<Vec<u8>> {
        let tables = target_tables(&image, target, &self.output.limits)?;
        requantize_image(&mut image, &tables);
        image.normalize_padding();
        let coded = entropy::encode(&image, &self.enc)?;
        Ok(assemble(
            self.file,
            self.output.keep,
            &coded,
            &MetaEdits::default(),
        ))
    }
}

/// [`RequantTarget::MaxBytes`]: the lossless copy if it fits in `max` bytes, else the
/// highest IJG quality that does, found by bisection over qualities 1–100 (file size
/// grows with quality) on one decode of the input.
fn requantize_to_size(data: &[u8], max: u64, output: &CopyOptions) -> Result<Output> {
    let lossless = copy(data, output)?;
    if lossless.bytes.len() as u64 <= max {
        return Ok(lossless);
    }
    let (file, decoded, mut warnings) = super::decode_checked(data, output)?;
    let encoder = Requantizer::new(&file, &decoded, output)?;
    let at = |q: u8| encoder.file_for(decoded.image.clone(), &RequantTarget::Quality(q));
    // The best fitting quality so far, and the lowest quality known not to fit.
    let (mut best, mut lo, mut hi) = (None, 1u8, 100u8);
    while lo <= hi {
        let q = lo + (hi - lo) / 2;
        let bytes = at(q)?;
        if bytes.len() as u64 <= max {
            best = Some(bytes);
            lo = q + 1;
        } else if q == 1 {
            break;
        } else {
            hi = q - 1;
        }
    }
    let bytes = match best {
        Some(b) => b,
        None => {
            let smallest = at(1)?;
            warnings.push(Warning {
                offset: None,
                mcu: None,
                kind: WarningKind::Other(format!(
                    "no quality fits in {max} bytes: IJG quality 1 gives {}",
                    smallest.len()
                )),
            });
            smallest
        }
    };
    Ok(Output { bytes, warnings })
}

// ---------------------------------------------------------------------------------------
// generations

/// What is done to the image between generations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GenOp {
    /// Nothing: decode and encode again.
    None,
    /// Rotate 90° clockwise (pixels: rotate the pixel image; coefficients: lossless
    /// transform, edge policy Keep).
    Rot90,
    /// Drop the first pixel column and row (pixel path only).
    Shift,
}

/// Which re-encoding paths run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GenPath {
    /// Decode to pixels, encode_pixels.
    Pixels,
    /// Stay in the coefficient domain.
    Coefficients,
    /// Both.
    Both,
}

/// Options of [`generations`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenOptions {
    /// Number of generations after the input (generation 0).
    pub n: usize,
    /// IJG quality; `None`: same tables (coefficient path: lossless rewrite; pixel path:
    /// the IJG quality whose tables equal the input's, an error when there is none).
    pub quality: Option<u8>,
    /// Operation per generation.
    pub op: GenOp,
    /// Paths.
    pub path: GenPath,
}

/// One generation of one path.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GenRow {
    /// 0 is the input.
    pub generation: usize,
    /// File size in bytes.
    pub size: usize,
    /// Image size.
    pub width: u32,
    /// Image size.
    pub height: u32,
    /// PSNR against generation 0's decode with the op applied `generation` times
    /// (`None`: identical, or `psnr_vs_first_comparable` false).
    pub psnr_vs_first: Option<f64>,
    /// SSIM against the same.
    pub ssim_vs_first: Option<f64>,
    /// PSNR against the previous generation's decode with the op applied once.
    pub psnr_vs_prev: Option<f64>,
    /// SSIM against the same.
    pub ssim_vs_prev: Option<f64>,
    /// Whether the shapes matched for the comparisons (false: fields are `None`).
    pub comparable: bool,
    /// Real blocks that differ from the previous generation's coefficients (with the
    /// op applied losslessly for rot90); `None` when not computable.
    pub changed_blocks_vs_prev: Option<u64>,
    /// SHA-256 of the file, first 16 hex digits.
    pub sha256: String,
}

/// One path's generations.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PathReport {
    /// `pixels` or `coefficients`.
    pub path: GenPath,
    /// Why the path did not run (or stopped).
    pub note: Option<String>,
    /// Generation 0 to n.
    pub rows: Vec<GenRow>,
    /// The first generation whose file equals the previous generation's, byte for byte.
    pub fixed_point: Option<usize>,
}

/// The result of [`generations`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct GenReport {
    /// The quality used by the pixel path (`None` when it did not run).
    pub pixel_quality: Option<u8>,
    /// Operation.
    pub op: GenOp,
    /// One report per path run.
    pub paths: Vec<PathReport>,
}

fn short_sha(data: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(data);
    h.finish_hex()[..16].to_string()
}

fn apply_op_pixels(img: &PixelImage, op: GenOp) -> PixelImage {
    match op {
        GenOp::None => img.clone(),
        GenOp::Rot90 => metrics::rotate90(img),
        GenOp::Shift => metrics::drop_first(img, 1),
    }
}

fn rot90_coeffs(img: &CoefficientImage) -> Option<CoefficientImage> {
    let factors: Vec<(u8, u8)> = img.components.iter().map(|c| (c.h, c.v)).collect();
    let req = Request {
        orientation: Orientation::Rot90,
        ..Request::default()
    };
    let plan = transform::plan(img.width, img.height, &factors, &req).ok()?;
    Some(transform::apply(img, &plan))
}

fn one_generation(prev: &[u8], path: GenPath, opts: &GenOptions, pixel_q: u8) -> Result<Vec<u8>> {
    match path {
        GenPath::Pixels => {
            let c = decode_coeffs(prev)?;
            let px = decode_file(prev, &DecodeOptions::default())?.image;
            let px = apply_op_pixels(&px, opts.op);
            if px.width == 0 || px.height == 0 {
                return Err(Error::BadRequest("the image shrank to nothing".into()));
            }
            encode_pixels(&px, &pixel_encode_opts(&c, pixel_q))
        }
        _ => {
            let target = match opts.quality {
                Some(q) => RequantTarget::Quality(q),
                None => RequantTarget::Same,
            };
            let r = requantize(
                prev,
                &RequantizeOptions {
                    target,
                    via_pixels: false,
                    output: CopyOptions::default(),
                },
            )?;
            match opts.op {
                GenOp::None => Ok(r.bytes),
                GenOp::Rot90 => {
                    let t = run_transform(
                        &r.bytes,
                        &TransformOptions {
                            request: Request {
                                orientation: Orientation::Rot90,
                                ..Request::default()
                            },
                            output: CopyOptions::default(),
                            reset_orientation: false,
                        },
                    )?;
                    Ok(t.output.bytes)
                }
                GenOp::Shift => Err(Error::Unsupported {
                    feature: "shift in the coefficient domain".into(),
                    offset: None,
                }),
            }
        }
    }
}

fn run_path(data: &[u8], path: GenPath, opts: &GenOptions, pixel_q: u8) -> Result<PathReport> {
    let mut report = PathReport {
        path,
        note: None,
        rows: Vec::new(),
        fixed_point: None,
    };
    if path == GenPath::Coefficients && opts.op == GenOp::Shift {
        report.note = Some("n/a: a one-pixel shift is not a lossless coefficient operation".into());
        return Ok(report);
    }
    let first = decode_file(data, &DecodeOptions::default())?.image;
    let first_c = decode_coeffs(data)?;
    if path == GenPath::Coefficients && opts.op == GenOp::Rot90 {
        let g = first_c.geometry();
        let (iw, ih) = (8 * g.max_h as u32, 8 * g.max_v as u32);
        if first_c.width % iw != 0
            || first_c.height % ih != 0
            || first_c.width % ih != 0
            || first_c.height % iw != 0
        {
            report.note = Some(
                "edge policy Keep: partial iMCUs at the edges stay in place, so the decoded image is not \
                 the rotated pixel image and PSNR/SSIM against rotated generation 0 include the misplaced edge strips"
                    .into(),
            );
        }
    }
    report.rows.push(GenRow {
        generation: 0,
        size: data.len(),
        width: first.width,
        height: first.height,
        psnr_vs_first: None,
        ssim_vs_first: Some(1.0),
        psnr_vs_prev: None,
        ssim_vs_prev: None,
        comparable: true,
        changed_blocks_vs_prev: None,
        sha256: short_sha(data),
    });
    let mut reference = first; // generation 0 with the op applied g times
    let (mut prev_bytes, mut prev_px, mut prev_c) = (data.to_vec(), reference.clone(), first_c);
    for g in 1..=opts.n {
        let bytes = match one_generation(&prev_bytes, path, opts, pixel_q) {
            Ok(b) => b,
            Err(e) => {
                let msg = format!("stopped at generation {g}: {e}");
                report.note = Some(match report.note.take() {
                    Some(n) => format!("{n}; {msg}"),
                    None => msg,
                });
                break;
            }
        };
        let px = decode_file(&bytes, &DecodeOptions::default())?.image;
        let c = decode_coeffs(&bytes)?;
        reference = apply_op_pixels(&reference, opts.op);
        let prev_aligned = apply_op_pixels(&prev_px, opts.op);
        let vs_first = metrics::compare(&reference, &px);
        let vs_prev = metrics::compare(&prev_aligned, &px);
        let prev_c_aligned = match opts.op {
            GenOp::None => Some(prev_c),
            GenOp::Rot90 => rot90_coeffs(&prev_c),
            GenOp::Shift => None,
        };
        let changed = prev_c_aligned.as_ref().and_then(|p| changed_blocks(p, &c));
        if report.fixed_point.is_none() && bytes == prev_bytes {
            report.fixed_point = Some(g);
        }
        report.rows.push(GenRow {
            generation: g,
            size: bytes.len(),
            width: px.width,
            height: px.height,
            psnr_vs_first: vs_first.as_ref().and_then(|m| m.psnr),
            ssim_vs_first: vs_first.as_ref().map(|m| m.ssim),
            psnr_vs_prev: vs_prev.as_ref().and_then(|m| m.psnr),
            ssim_vs_prev: vs_prev.as_ref().map(|m| m.ssim),
            comparable: vs_first.is_some() && vs_prev.is_some(),
            changed_blocks_vs_prev: changed,
            sha256: short_sha(&bytes),
        });
        prev_bytes = bytes;
        prev_px = px;
        prev_c = c;
    }
    Ok(report)
}

/// Runs `opts.n` generations of decode → op → encode on each requested path.
pub fn generations(data: &[u8], opts: &GenOptions) -> Result<GenReport> {
    generations_with(data, opts, &Limits::default())
}

/// As [`generations`], refusing inputs over `limits` (every generation keeps the input's
/// pixel count, so checking the input is enough).
pub fn generations_with(data: &[u8], opts: &GenOptions, limits: &Limits) -> Result<GenReport> {
    let c = decode_coeffs_with(data, limits)?;
    let paths: &[GenPath] = match opts.path {
        GenPath::Pixels => &[GenPath::Pixels],
        GenPath::Coefficients => &[GenPath::Coefficients],
        GenPath::Both => &[GenPath::Pixels, GenPath::Coefficients],
    };
    let mut pixel_quality = None;
    let mut reports = Vec::new();
    for &p in paths {
        if p == GenPath::Pixels {
            let q = match opts.quality {
                Some(q) => q,
                None => ijg_quality_of(&c).ok_or_else(|| {
                    Error::BadRequest("the input's tables are not IJG tables of any quality; give a quality for the pixel path".into())
                })?,
            };
            pixel_quality = Some(q);
            reports.push(run_path(data, p, opts, q)?);
        } else {
            reports.push(run_path(data, p, opts, 0)?);
        }
    }
    Ok(GenReport {
        pixel_quality,
        op: opts.op,
        paths: reports,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A testdata file whose frame header claims `w` × `h` (the scan data ends early).
    fn with_size(w: u16, h: u16) -> Vec<u8> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/baseline_420_q85_67x45.jpg"
        );
        let mut d = std::fs::read(path).unwrap();
        let sof = d.windows(2).position(|m| m == [0xFF, 0xC0]).unwrap();
        d[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
        d[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
        d
    }

    /// Found by fuzzing (tests/fuzz_mutations.rs): `compare` decoded both files with
    /// the default limit whatever the caller asked, so a 2 KB file claiming 65535 ×
    /// 65535 pixels took seconds and gigabytes. The limit now applies to both decodes.
    #[test]
    fn compare_honours_the_pixel_limit() {
        let big = with_size(65535, 4096);
        let limits = Limits {
            max_pixels: 1 << 20,
            ..Limits::default()
        };
        let t = std::time::Instant::now();
        assert!(matches!(
            compare_with(&big, &big, &limits),
            Err(Error::Limit(_))
        ));
        assert!(t.elapsed() < std::time::Duration::from_secs(1));
        let small = with_size(67, 45);
        assert!(compare_with(&small, &small, &limits).is_ok());
    }

    /// The same for the tables file of `requantize --tables-from`.
    #[test]
    fn requantize_tables_file_honours_the_pixel_limit() {
        let opts = RequantizeOptions {
            target: RequantTarget::TablesFrom(with_size(65535, 4096)),
            via_pixels: false,
            output: CopyOptions {
                limits: Limits {
                    max_pixels: 1 << 20,
                    ..Limits::default()
                },
                ..CopyOptions::default()
            },
        };
        let r = requantize(&with_size(67, 45), &opts);
        assert!(matches!(r, Err(Error::Limit(_))), "{r:?}");
    }
}
