//! Traces of an earlier JPEG compression in a file's luminance coefficients (see
//! [`crate::inspect::history`] for the idea and the values reported).
//!
//! The histogram of the image before its last compression is estimated by
//! calibration: the decoded luminance, shifted by 4 pixels each way so that its blocks
//! straddle the coding grid, is transformed again; its blocking no longer lines up, so
//! its coefficients stand in for the unquantized ones. Each candidate first step q1 is
//! then simulated on them (quantize with q1, then with the file's q2) and compared with
//! the file's own histogram.

use crate::coeffs::{ijg, Block, CoefficientImage, ZIGZAG};
use crate::inspect::history::{CompressionHistory, FrequencyFit, HistoryVerdict};
use crate::pixels::idct::{idct_block, multipliers};

/// Zigzag positions tested: the low frequencies, where most coefficients are nonzero.
const FREQUENCIES: std::ops::RangeInclusive<usize> = 1..=15;
/// Histogram bins: values −RANGE..=RANGE (larger magnitudes share the end bins).
const RANGE: i32 = 24;
/// Off-grid blocks transformed at most (spread over the image).
const MAX_SAMPLES: usize = 40_000;
/// Nonzero coefficients a frequency needs (among the file's blocks) to be tested.
const MIN_NONZERO: usize = 300;

/// The analysis of `image`'s first component; `None` when the image is smaller than
/// two blocks each way or not of 8-bit precision.
pub fn compression_history(image: &CoefficientImage) -> Option<CompressionHistory> {
    if image.precision != 8 {
        return None;
    }
    let luma = image.components.first()?;
    let g = image.geometry();
    let (bw, bh) = g.real_blocks(0);
    let (bw, bh) = (
        bw.min(luma.plane.width_blocks),
        bh.min(luma.plane.height_blocks),
    );
    if bw < 2 || bh < 2 {
        return None;
    }
    let blocks = |bx: usize, by: usize| &luma.plane.blocks[by * luma.plane.width_blocks + bx];
    let calibrated = off_grid(&blocks, bw, bh, &multipliers(&luma.quant));
    let observed = observed_histograms(&luma.plane.blocks, luma.plane.width_blocks, bw, bh);
    let q = &luma.quant.values;
    let frequencies: Vec<FrequencyFit> = FREQUENCIES
        .zip(observed)
        // A zero step (which decoders tolerate) quantizes nothing: there is no
        // histogram of steps to read.
        .filter(|(z, (_, nonzero))| *nonzero >= MIN_NONZERO && q[ZIGZAG[*z]] != 0)
        .map(|(z, (histogram, nonzero))| {
            let column = gather(calibrated.iter().map(|c| c[z - 1]));
            fit(z as u8, q[ZIGZAG[z]], (histogram, nonzero), &column)
        })
        .collect();
    Some(summarise(frequencies, calibrated.len()))
}

/// The verdict and the earlier quality from the per-frequency fits.
fn summarise(frequencies: Vec<FrequencyFit>, sampled_blocks: usize) -> CompressionHistory {
    let tested = frequencies.len();
    let with_evidence = frequencies.iter().filter(|f| f.evidence).count();
    // Measured on cjpeg double compressions and on single ones (camera originals and
    // cjpeg files): one compression shows evidence at 0–1 of 15 frequencies; a second
    // at a higher quality at 8–15, at a lower one often at only 2–8.
    let verdict = if tested < 3 {
        HistoryVerdict::Untestable
    } else if with_evidence >= 4 && 2 * with_evidence >= tested {
        HistoryVerdict::EarlierCompression
    } else if with_evidence >= 4 {
        HistoryVerdict::Possible
    } else {
        HistoryVerdict::NoEvidence
    };
    let earlier_ijg_quality = if verdict == HistoryVerdict::NoEvidence {
        None
    } else {
        earlier_quality(&frequencies)
    };
    CompressionHistory {
        verdict,
        tested,
        with_evidence,
        earlier_ijg_quality,
        sampled_blocks,
        frequencies,
    }
}

/// The IJG quality whose (baseline) luminance steps are nearest the first steps
/// estimated at the frequencies with evidence (relative errors, each capped at a
/// quarter so that one stray estimate cannot outweigh the rest), if it matches at 60%
/// of them or more and at least 3: exactly for steps under 8, within an eighth of the
/// step above (the estimate of a large step is the less sharp). Qualities with the
/// same steps there cannot be told apart; the roundest is named.
fn earlier_quality(frequencies: &[FrequencyFit]) -> Option<u8> {
    let shown: Vec<&FrequencyFit> = frequencies.iter().filter(|f| f.evidence).collect();
    // (matches within an eighth, sum of relative errors capped at a quarter)
    let score = |quality: u8| {
        let scale = ijg::ijg_scale(quality);
        let (mut matched, mut error) = (0usize, 0f64);
        for f in &shown {
            let base = ijg::ANNEX_K_LUMA[ZIGZAG[usize::from(f.zigzag)]];
            let t = ijg::ijg_step(base, scale, true);
            matched += usize::from(t.abs_diff(f.best_step) <= t / 8);
            error += (f64::from(t.abs_diff(f.best_step)) / f64::from(t)).min(0.25);
        }
        (matched, error)
    };
    // Neighbouring qualities often share every tested step; of those, the roundest
    // (people choose 80 or 75 more often than 79).
    let roundness = |q: u8| [q % 10 != 0, q % 5 != 0];
    let (best, (matched, _)) = (1..=100u8)
        .map(|q| (q, score(q)))
        .min_by(|(a, sa), (b, sb)| {
            sa.1.total_cmp(&sb.1)
                .then(roundness(*a).cmp(&roundness(*b)))
        })?;
    (matched >= 3 && 10 * matched >= 6 * shown.len()).then_some(best)
}

/// Per tested frequency, the histogram of the file's values over −RANGE..=RANGE
/// (counts) and how many are nonzero, in one pass over the real blocks.
fn observed_histograms(
    blocks: &[Block],
    stride: usize,
    bw: usize,
    bh: usize,
) -> Vec<(Vec<f64>, usize)> {
    let bins = (2 * RANGE + 1) as usize;
    let mut counts = vec![vec![0u32; bins]; FREQUENCIES.count()];
    for row in blocks.chunks(stride).take(bh) {
        for b in &row[..bw] {
            for (c, z) in counts.iter_mut().zip(FREQUENCIES) {
                c[(i32::from(b[ZIGZAG[z]]).clamp(-RANGE, RANGE) + RANGE) as usize] += 1;
            }
        }
    }
    counts
        .into_iter()
        .map(|c| {
            let nonzero = c.iter().sum::<u32>() - c[RANGE as usize];
            (c.into_iter().map(f64::from).collect(), nonzero as usize)
        })
        .collect()
}

fn normalize(mut h: Vec<f64>) -> Vec<f64> {
    let total: f64 = h.iter().sum();
    if total > 0.0 {
        h.iter_mut().for_each(|x| *x /= total);
    }
    h
}

/// The histogram of the nonzero values alone. How many values are zero depends most on
/// how closely the calibration reproduces the spread of the coefficients before
/// compression, and a first step near the file's can mimic any error in it; the
/// periodic gaps and peaks that a first quantization leaves are in the nonzero bins.
/// (Measured on cjpeg single and double compressions: a third of the false "possible"
/// verdicts went, and more true ones were found.)
fn nonzero_share(mut h: Vec<f64>) -> Vec<f64> {
    h[RANGE as usize] = 0.0;
    normalize(h)
}

/// The best first step for one frequency: `counts` is the file's histogram (step `q2`)
/// with its `nonzero` values, `calibrated` the off-grid coefficients as (value, count)
/// pairs.
fn fit(
    zigzag: u8,
    q2: u16,
    (counts, nonzero): (Vec<f64>, usize),
    calibrated: &[(f32, f64)],
) -> FrequencyFit {
    let observed = &nonzero_share(counts);
    let distance = |q1: u16| {
        let s = nonzero_share(simulate(calibrated, q1, q2));
        observed
            .iter()
            .zip(&s)
            .map(|(a, b)| (a - b).abs())
            .sum::<f64>()
    };
    let single_distance = distance(q2);
    // Candidates up to 255 (a baseline table's largest step); the file's own step,
    // however large, is the fold's start. A 16-bit step of thousands must not make
    // thousands of candidates.
    let last = (u32::from(q2) * 4).clamp(64, 255) as u16;
    let (best_step, best_distance) = (1..=last)
        .map(|q1| {
            (
                q1,
                if q1 == q2 {
                    single_distance
                } else {
                    distance(q1)
                },
            )
        })
        // The smallest distance; ties go to the smaller step (one compression when q1
        // divides q2 looks the same as none).
        .fold(
            (q2, single_distance),
            |b, c| if c.1 < b.1 - 1e-12 { c } else { b },
        );
    // The improvement must also stand out of sampling noise: the L1 distance between a
    // histogram of n values and its distribution is of the order of 1/√n (for the
    // few bins that hold most nonzero values), and the best of some sixty candidate
    // steps fits part of that noise.
    let evidence = best_step != q2
        && q2 % best_step != 0
        && best_distance < 0.5 * single_distance
        && single_distance - best_distance > 2.0 / (nonzero as f64).sqrt();
    FrequencyFit {
        zigzag,
        step: q2,
        nonzero,
        best_step,
        best_distance,
        single_distance,
        evidence,
    }
}

/// `values` gathered into (value, count) pairs on a grid of quarter units: the
/// simulation then visits each distinct value once per candidate step instead of
/// every sample (a quarter unit moves a value across a rounding boundary of a step of
/// 2 or more only rarely).
fn gather(values: impl Iterator<Item = f32>) -> Vec<(f32, f64)> {
    let mut quarters: Vec<i32> = values.map(|v| (v * 4.0).round() as i32).collect();
    quarters.sort_unstable();
    let mut out: Vec<(f32, f64)> = Vec::new();
    for q in quarters {
        let v = q as f32 / 4.0;
        match out.last_mut() {
            Some((last, n)) if *last == v => *n += 1.0,
            _ => out.push((v, 1.0)),
        }
    }
    out
}

/// The histogram of `calibrated` quantized with `q1`, dequantized and quantized with
/// `q2`. A value exactly between two steps of `q2` is counted half in each: in a real
/// re-compression the rounding of the decoded pixels sends it either way.
fn simulate(calibrated: &[(f32, f64)], q1: u16, q2: u16) -> Vec<f64> {
    let (q1f, q2i) = (f32::from(q1), i64::from(q2));
    let mut h = vec![0.0; (2 * RANGE + 1) as usize];
    let mut add = |k: i64, w: f64| {
        h[(k.clamp(-i64::from(RANGE), i64::from(RANGE)) + i64::from(RANGE)) as usize] += w;
    };
    for &(c, n) in calibrated {
        let k1 = (c / q1f).round() as i64;
        let num = k1 * i64::from(q1);
        // num / q2 rounded, with exact halves split.
        let (d, r) = (num.div_euclid(q2i), num.rem_euclid(q2i));
        match (2 * r).cmp(&q2i) {
            std::cmp::Ordering::Less => add(d, n),
            std::cmp::Ordering::Greater => add(d + 1, n),
            std::cmp::Ordering::Equal => {
                add(d, n / 2.0);
                add(d + 1, n / 2.0);
            }
        }
    }
    normalize(h)
}

/// The coefficients at the tested frequencies (index z − 1 for zigzag position z) of
/// off-grid blocks: the decoded luminance shifted 4 pixels right and down, sampled
/// evenly to at most [`MAX_SAMPLES`] blocks.
fn off_grid<'a>(
    blocks: &impl Fn(usize, usize) -> &'a Block,
    bw: usize,
    bh: usize,
    mult: &[i16; 64],
) -> Vec<[f32; 15]> {
    let (sw, sh) = (bw - 1, bh - 1);
    let total = sw * sh;
    let stride = total.div_ceil(MAX_SAMPLES).max(1);
    let basis = dct_basis();
    let mut pixels = [0u8; 256];
    (0..total)
        .step_by(stride)
        .map(|i| {
            let (sx, sy) = (i % sw, i / sw);
            for (k, (dx, dy)) in [(0, 0), (1, 0), (0, 1), (1, 1)].into_iter().enumerate() {
                let at = (k / 2) * 128 + (k % 2) * 8;
                idct_block(blocks(sx + dx, sy + dy), mult, &mut pixels[at..], 16);
            }
            let mut f = [0f32; 64];
            for y in 0..8 {
                for x in 0..8 {
                    f[y * 8 + x] = f32::from(pixels[(y + 4) * 16 + x + 4]) - 128.0;
                }
            }
            let mut out = [0f32; 15];
            for (o, z) in out.iter_mut().zip(FREQUENCIES) {
                let n = ZIGZAG[z];
                *o = coefficient(&f, &basis, n / 8, n % 8);
            }
            out
        })
        .collect()
}

/// The orthonormal 8-point DCT-II basis, `basis[u][x]`: the scaling of T.81 A.3.3's
/// FDCT, so that transformed values compare with quantization steps directly.
fn dct_basis() -> [[f32; 8]; 8] {
    let mut b = [[0f32; 8]; 8];
    for (u, row) in b.iter_mut().enumerate() {
        let c = if u == 0 {
            std::f64::consts::FRAC_1_SQRT_2
        } else {
            1.0
        };
        for (x, v) in row.iter_mut().enumerate() {
            let angle = (2 * x + 1) as f64 * u as f64 * std::f64::consts::PI / 16.0;
            *v = (0.5 * c * angle.cos()) as f32;
        }
    }
    b
}

/// Coefficient (vertical frequency `v`, horizontal `u`) of the level-shifted block `f`.
fn coefficient(f: &[f32; 64], basis: &[[f32; 8]; 8], v: usize, u: usize) -> f32 {
    let mut s = 0f32;
    for y in 0..8 {
        let row: f32 = (0..8).map(|x| basis[u][x] * f[y * 8 + x]).sum();
        s += basis[v][y] * row;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bin(h: &[f64], k: i32) -> f64 {
        h[(k + RANGE) as usize]
    }

    #[test]
    fn simulation_leaves_the_gaps_of_a_coarser_first_step() {
        // Every value from −40 to 40 once: quantized with 6, then 3, only even values
        // remain; quantized with 3 alone, every value from −13 to 13 occurs.
        let flat: Vec<(f32, f64)> = (-40..=40).map(|v| (v as f32, 1.0)).collect();
        let twice = simulate(&flat, 6, 3);
        assert!((1..=12).all(|k| (bin(&twice, k) > 0.0) == (k % 2 == 0)));
        let once = simulate(&flat, 3, 3);
        assert!((-13..=13).all(|k| bin(&once, k) > 0.0));
        assert!((once.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn exact_halves_are_split_between_both_neighbours() {
        // 7 quantized with 7 is 7; 7 / 2 = 3.5 lies between 3 and 4.
        let h = simulate(&[(7.0, 1.0)], 7, 2);
        assert_eq!((bin(&h, 3), bin(&h, 4)), (0.5, 0.5));
    }

    #[test]
    fn gathering_counts_each_quarter_unit_once() {
        let g = gather([1.0f32, 1.1, 0.9, -2.0, 1.2, 1.0].into_iter());
        assert_eq!(g, vec![(-2.0, 1.0), (1.0, 4.0), (1.25, 1.0)]);
        assert!((dct_basis()[0][3] - 0.5 * std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
    }

    fn shown(zigzag: u8, step: u16, best_step: u16) -> FrequencyFit {
        FrequencyFit {
            zigzag,
            step,
            nonzero: 1000,
            best_step,
            best_distance: 0.01,
            single_distance: 0.1,
            evidence: true,
        }
    }

    #[test]
    fn first_steps_of_an_ijg_table_name_its_quality() {
        // IJG quality 60 luminance steps at zigzag 1..=6 (Annex K × 0.8, rounded).
        let steps = [9u16, 10, 11, 10, 13, 19];
        let fits: Vec<FrequencyFit> = steps
            .iter()
            .zip(1..)
            .map(|(&s, z)| shown(z, 3, s))
            .collect();
        let h = summarise(fits, 1000);
        assert_eq!(h.verdict, HistoryVerdict::EarlierCompression);
        assert_eq!(h.earlier_ijg_quality, Some(60));
        assert!(h.summary().contains("IJG quality 60"), "{}", h.summary());
    }

    #[test]
    fn verdicts_follow_the_share_of_frequencies_with_evidence() {
        let fits = |with: usize, without: usize| {
            let mut v: Vec<FrequencyFit> = (0..with).map(|i| shown(i as u8 + 1, 5, 7)).collect();
            v.extend((0..without).map(|i| FrequencyFit {
                evidence: false,
                ..shown((with + i) as u8 + 1, 5, 5)
            }));
            summarise(v, 100).verdict
        };
        assert_eq!(fits(0, 2), HistoryVerdict::Untestable);
        assert_eq!(fits(3, 12), HistoryVerdict::NoEvidence);
        assert_eq!(fits(4, 11), HistoryVerdict::Possible);
        assert_eq!(fits(7, 8), HistoryVerdict::Possible);
        assert_eq!(fits(8, 7), HistoryVerdict::EarlierCompression);
        assert_eq!(fits(4, 0), HistoryVerdict::EarlierCompression);
    }
}
