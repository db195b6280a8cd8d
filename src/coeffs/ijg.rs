//! The example quantization tables of T.81 Annex K.1 and the IJG quality scaling that
//! `cjpeg -quality Q` applies to them.
//!
//! Quality Q (clamped to 1..=100) gives a percentage: 5000/Q below 50, else 200 − 2Q.
//! Every entry becomes (base · percentage + 50) / 100, clamped to 1..=32767, or to
//! 1..=255 when baseline is forced (`cjpeg -baseline`). Below Q 24 the luminance table
//! (below Q 20 the chrominance table) has entries over 255 and must be stored with 16-bit precision.

use super::QuantTable;

/// T.81 Table K.1, luminance, natural (row-major) order.
pub const ANNEX_K_LUMA: [u16; 64] = [
    16, 11, 10, 16, 24, 40, 51, 61, //
    12, 12, 14, 19, 26, 58, 60, 55, //
    14, 13, 16, 24, 40, 57, 69, 56, //
    14, 17, 22, 29, 51, 87, 80, 62, //
    18, 22, 37, 56, 68, 109, 103, 77, //
    24, 35, 55, 64, 81, 104, 113, 92, //
    49, 64, 78, 87, 103, 121, 120, 101, //
    72, 92, 95, 98, 112, 100, 103, 99,
];

/// T.81 Table K.2, chrominance, natural (row-major) order.
pub const ANNEX_K_CHROMA: [u16; 64] = [
    17, 18, 24, 47, 99, 99, 99, 99, //
    18, 21, 26, 66, 99, 99, 99, 99, //
    24, 26, 56, 99, 99, 99, 99, 99, //
    47, 66, 99, 99, 99, 99, 99, 99, //
    99, 99, 99, 99, 99, 99, 99, 99, //
    99, 99, 99, 99, 99, 99, 99, 99, //
    99, 99, 99, 99, 99, 99, 99, 99, //
    99, 99, 99, 99, 99, 99, 99, 99,
];

/// The IJG scaling percentage for a quality (values outside 1..=100 are clamped).
pub fn ijg_scale(quality: u8) -> u32 {
    let q = quality.clamp(1, 100) as u32;
    if q < 50 {
        5000 / q
    } else {
        200 - 2 * q
    }
}

/// One entry `base` of a table scaled by `scale` (see [`ijg_scale`]), rounded and
/// clamped as libjpeg's `jpeg_add_quant_table` does: to 1..=255 when `force_baseline`,
/// else to 1..=32767.
pub fn ijg_step(base: u16, scale: u32, force_baseline: bool) -> u16 {
    let max = if force_baseline { 255 } else { 32767 };
    ((u32::from(base) * scale + 50) / 100).clamp(1, max) as u16
}

/// `base` scaled to `quality` as libjpeg's `jpeg_set_quality` does; the table is marked
/// 16-bit exactly when an entry exceeds 255 (as cjpeg then writes it).
pub fn ijg_table(base: &[u16; 64], quality: u8, force_baseline: bool) -> QuantTable {
    let scale = ijg_scale(quality);
    let mut values = [0u16; 64];
    for (v, &b) in values.iter_mut().zip(base) {
        *v = ijg_step(b, scale, force_baseline);
    }
    let sixteen_bit = values.iter().any(|&v| v > 255);
    QuantTable {
        values,
        sixteen_bit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quality_50_is_annex_k_and_100_is_ones() {
        assert_eq!(ijg_table(&ANNEX_K_LUMA, 50, false).values, ANNEX_K_LUMA);
        assert_eq!(ijg_table(&ANNEX_K_CHROMA, 50, false).values, ANNEX_K_CHROMA);
        assert_eq!(ijg_table(&ANNEX_K_LUMA, 100, false).values, [1; 64]);
    }

    #[test]
    fn low_quality_needs_16_bits_unless_baseline() {
        let t = ijg_table(&ANNEX_K_LUMA, 1, false);
        assert!(t.sixteen_bit);
        assert_eq!(t.values[0], 800);
        assert_eq!(t.values[6 * 8 + 5], 6050);
        let b = ijg_table(&ANNEX_K_LUMA, 1, true);
        assert!(!b.sixteen_bit && b.values.iter().all(|&v| v == 255));
        assert!(!ijg_table(&ANNEX_K_LUMA, 24, false).sixteen_bit);
        assert!(ijg_table(&ANNEX_K_LUMA, 23, false).sixteen_bit);
        assert!(!ijg_table(&ANNEX_K_CHROMA, 20, false).sixteen_bit);
        assert!(ijg_table(&ANNEX_K_CHROMA, 19, false).sixteen_bit);
    }
}
