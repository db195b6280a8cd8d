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
use super::rgb2ycc::{rgb_to_gray_row, rgb_to_ycc_row};
use super::PixelImage;
use crate::coeffs::ijg::{ijg_table, ANNEX_K_CHROMA, ANNEX_K_LUMA};
use crate::coeffs::{ceil_div, Block, CoefficientImage, QuantTable};
use crate::error::{Error, Result};

/// Chroma subsampling of a three-component (Y'CbCr) output: the luma sampling factors,
/// chroma being 1×1.
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
}

impl Sampling {
    /// The luma sampling factors (H, V).
    pub fn luma_factors(self) -> (u8, u8) {
        match self {
            Sampling::S444 => (1, 1),
            Sampling::S422 => (2, 1),
            Sampling::S420 => (2, 2),
            Sampling::S440 => (1, 2),
        }
    }

    /// The name jtool's command line uses: `444`, `422`, `420`, `440`.
    pub fn name(self) -> &'static str {
        match self {
            Sampling::S444 => "444",
            Sampling::S422 => "422",
            Sampling::S420 => "420",
            Sampling::S440 => "440",
        }
    }

    /// Parses `444`, `422`, `420`, `440` (also cjpeg's `1x1`, `2x1`, `2x2`, `1x2`).
    pub fn parse(s: &str) -> Option<Sampling> {
        Some(match s {
            "444" | "1x1" => Sampling::S444,
            "422" | "2x1" => Sampling::S422,
            "420" | "2x2" => Sampling::S420,
            "440" | "1x2" => Sampling::S440,
            _ => return None,
        })
    }
}

/// What the pixel encoder does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodeParams {
    /// IJG quality 1–100 (values outside are clamped).
    pub quality: u8,
    /// Chroma subsampling (ignored for one-component output).
    pub sampling: Sampling,
    /// Write luminance only, even from RGB input (`cjpeg -grayscale`).
    pub grayscale: bool,
    /// Clamp quantization steps to 255 (`cjpeg -baseline`).
    pub force_baseline: bool,
    /// Worker threads (0 or 1: the calling thread only).
    pub threads: usize,
}

impl Default for EncodeParams {
    fn default() -> Self {
        EncodeParams {
            quality: 75,
            sampling: Sampling::S420,
            grayscale: false,
            force_baseline: false,
            threads: 0,
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

/// How a component is derived from its full-resolution strip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Down {
    Full,
    H2V1,
    H2V2,
    H1V2,
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
    /// Rows of this component libjpeg computes from image rows (the rest repeat the last).
    rows_computed: usize,
    /// Block columns of the padded plane.
    plane_w: usize,
    div: Divisors,
}

/// Scratch strips of one worker.
struct Strips {
    /// Full-resolution rows of each component (8·Vmax rows of `full_w` samples).
    full: Vec<Vec<u8>>,
    /// Downsampled rows of each component (unused for full-size components).
    down: Vec<Vec<u8>>,
}

/// Encodes 8-bit gray or RGB pixels as quantized DCT coefficients: Y'CbCr (or Y' only)
/// with the IJG-scaled Annex K tables, exactly as `cjpeg -dct int -quality Q -sample …`
/// (add `-grayscale`, `-baseline` for those flags).
pub fn encode_coefficients(img: &PixelImage, p: &EncodeParams) -> Result<CoefficientImage> {
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
    let gray = img.channels == 1 || p.grayscale;
    let (luma_q, chroma_q) = ijg_tables(p.quality, p.force_baseline);
    let comps: Vec<(u8, u8, u8, u8)> = if gray {
        vec![(1, 1, 1, 0)]
    } else {
        let (lh, lv) = p.sampling.luma_factors();
        vec![(1, lh, lv, 0), (2, 1, 1, 1), (3, 1, 1, 1)]
    };
    let mut out = CoefficientImage::zeroed(img.width, img.height, 8, &comps);
    for c in out.components.iter_mut() {
        c.quant = if c.quant_slot == 0 { luma_q } else { chroma_q };
    }
    let g = out.geometry();
    let (max_h, max_v) = (g.max_h as usize, g.max_v as usize);
    let full_w = g.mcus_x() * 8 * max_h;
    let plans: Vec<CompPlan> = out
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (ch, cv) = (c.h as usize, c.v as usize);
            let down = match (max_h / ch, max_v / cv) {
                (1, 1) => Down::Full,
                (2, 1) => Down::H2V1,
                (2, 2) => Down::H2V2,
                _ => Down::H1V2,
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
                div: Divisors::new(&c.quant),
            }
        })
        .collect();

    // Each iMCU row's blocks, per component.
    let imcu_rows = g.mcus_y();
    let mut rows: Vec<Vec<&mut [Block]>> = (0..imcu_rows)
        .map(|_| Vec::with_capacity(comps.len()))
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
        gray_in: img.channels == 1,
        plans: &plans,
        full_w,
        strip_h: 8 * max_v,
    };
    let threads = p.threads.clamp(1, 64).min(imcu_rows);
    if threads <= 1 {
        ctx.run(0, &mut rows);
    } else {
        let per = ceil_div(imcu_rows, threads);
        std::thread::scope(|s| {
            for (t, group) in rows.chunks_mut(per).enumerate() {
                let ctx = &ctx;
                s.spawn(move || ctx.run(t * per, group));
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

/// What every worker reads.
struct Ctx<'a> {
    img: &'a PixelImage,
    gray_in: bool,
    plans: &'a [CompPlan],
    full_w: usize,
    strip_h: usize,
}

impl Ctx<'_> {
    /// Encodes iMCU rows `first..first + rows.len()`.
    fn run(&self, first: usize, rows: &mut [Vec<&mut [Block]>]) {
        let n = self.plans.len();
        let mut strips = Strips {
            full: (0..n)
                .map(|_| vec![0u8; self.full_w * self.strip_h])
                .collect(),
            down: self
                .plans
                .iter()
                .map(|pl| {
                    if pl.down == Down::Full {
                        Vec::new()
                    } else {
                        vec![0u8; pl.width * 8 * pl.v]
                    }
                })
                .collect(),
        };
        for (k, blocks) in rows.iter_mut().enumerate() {
            self.imcu_row(first + k, &mut strips, blocks);
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
            let row = self.img.row(src);
            if st.full.len() == 1 {
                let y = &mut st.full[0][i * fw..i * fw + w];
                if self.gray_in {
                    y.copy_from_slice(&row[..w]);
                } else {
                    rgb_to_gray_row(row, y);
                }
            } else {
                let [y, cb, cr] = &mut st.full[..] else {
                    unreachable!()
                };
                let r = i * fw..i * fw + w;
                rgb_to_ycc_row(row, &mut y[r.clone()], &mut cb[r.clone()], &mut cr[r]);
            }
            for f in st.full.iter_mut() {
                let last = f[i * fw + w - 1];
                f[i * fw + w..(i + 1) * fw].fill(last);
            }
        }
        // 2. Downsampling, 3. FDCT and quantization.
        for (ci, pl) in self.plans.iter().enumerate() {
            let full = &st.full[ci];
            let cw = pl.width;
            let buf: &[u8] = match pl.down {
                Down::Full => full,
                down => {
                    let d = &mut st.down[ci];
                    for j in 0..8 * pl.v {
                        let o = &mut d[j * cw..(j + 1) * cw];
                        match down {
                            Down::H2V1 => downsample::h2v1(&full[j * fw..(j + 1) * fw], o),
                            Down::H2V2 => downsample::h2v2(
                                &full[2 * j * fw..(2 * j + 1) * fw],
                                &full[(2 * j + 1) * fw..(2 * j + 2) * fw],
                                o,
                            ),
                            _ => downsample::h1v2(
                                &full[2 * j * fw..(2 * j + 1) * fw],
                                &full[(2 * j + 1) * fw..(2 * j + 2) * fw],
                                o,
                            ),
                        }
                    }
                    // Rows past the last computed one repeat it.
                    let first_row = m * 8 * pl.v;
                    if first_row + 8 * pl.v > pl.rows_computed {
                        let last = pl.rows_computed - 1 - first_row;
                        for j in last + 1..8 * pl.v {
                            d.copy_within(last * cw..(last + 1) * cw, j * cw);
                        }
                    }
                    d
                }
            };
            let stride = if pl.down == Down::Full { fw } else { cw };
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
