//! Progressive scan scripts (T.81 G.1.1.1): the default one and validation of a given one.

use crate::coeffs::CoefficientImage;
use crate::container::{ScanComponent, ScanHeader};
use crate::error::{Error, Result};

/// Most blocks an MCU of an interleaved scan may hold (T.81 B.2.3).
pub const MAX_BLOCKS_IN_MCU: usize = 10;

fn scan_comp(image: &CoefficientImage, c: usize) -> ScanComponent {
    let t = if c == 0 { 0 } else { 1 };
    ScanComponent {
        id: image.components[c].id,
        td: t,
        ta: t,
    }
}

/// The header of a scan of frame components `comps` (table 0 for the first component,
/// 1 for the others).
pub(super) fn scan_of(
    image: &CoefficientImage,
    comps: &[usize],
    ss: u8,
    se: u8,
    ah: u8,
    al: u8,
) -> ScanHeader {
    ScanHeader {
        components: comps.iter().map(|&c| scan_comp(image, c)).collect(),
        ss,
        se,
        ah,
        al,
    }
}

/// Whether the components `comps` may share one scan. A scan of one component is
/// non-interleaved: its MCU is one block whatever the sampling factors (T.81 A.2.2),
/// so only an interleaved scan is bound by the 10-block MCU limit (B.2.3).
pub fn can_interleave(image: &CoefficientImage, comps: &[usize]) -> bool {
    let blocks = |&c: &usize| image.components[c].h as usize * image.components[c].v as usize;
    comps.len() == 1
        || (comps.len() <= 4 && comps.iter().map(blocks).sum::<usize>() <= MAX_BLOCKS_IN_MCU)
}

fn dc_scans(image: &CoefficientImage, out: &mut Vec<ScanHeader>, ah: u8, al: u8) {
    let all: Vec<usize> = (0..image.components.len()).collect();
    if can_interleave(image, &all) {
        out.push(scan_of(image, &all, 0, 0, ah, al));
    } else {
        for c in all {
            out.push(scan_of(image, &[c], 0, 0, ah, al));
        }
    }
}

/// The "simple progression" script: for three components the classic YCbCr one
/// (DC Al=1; Y 1–5 Al=2; Cr, Cb 1–63 Al=1; Y 6–63 Al=2; Y 1–63 Ah=2 Al=1; DC Ah=1;
/// Cr, Cb, Y 1–63 Ah=1), otherwise the generic one (DC Al=1; each component 1–5 Al=2,
/// 6–63 Al=2, 1–63 Ah=2 Al=1; DC Ah=1; each component 1–63 Ah=1).
pub fn default_script(image: &CoefficientImage) -> Vec<ScanHeader> {
    let n = image.components.len();
    let mut out = Vec::new();
    if n == 0 {
        return out;
    }
    if n == 3 {
        dc_scans(image, &mut out, 0, 1);
        out.push(scan_of(image, &[0], 1, 5, 0, 2));
        out.push(scan_of(image, &[2], 1, 63, 0, 1));
        out.push(scan_of(image, &[1], 1, 63, 0, 1));
        out.push(scan_of(image, &[0], 6, 63, 0, 2));
        out.push(scan_of(image, &[0], 1, 63, 2, 1));
        dc_scans(image, &mut out, 1, 0);
        out.push(scan_of(image, &[2], 1, 63, 1, 0));
        out.push(scan_of(image, &[1], 1, 63, 1, 0));
        out.push(scan_of(image, &[0], 1, 63, 1, 0));
    } else {
        out = generic_script(image);
    }
    out
}

/// The generic half of [`default_script`], which libjpeg also uses for three
/// components that are not YCbCr (RGB): DC Al=1; each component 1–5 Al=2, 6–63 Al=2,
/// 1–63 Ah=2 Al=1; DC Ah=1; each component 1–63 Ah=1.
pub fn generic_script(image: &CoefficientImage) -> Vec<ScanHeader> {
    let n = image.components.len();
    let mut out = Vec::new();
    if n == 0 {
        return out;
    }
    dc_scans(image, &mut out, 0, 1);
    for (lo, hi, ah, al) in [(1, 5, 0, 2), (6, 63, 0, 2), (1, 63, 2, 1)] {
        for c in 0..n {
            out.push(scan_of(image, &[c], lo, hi, ah, al));
        }
    }
    dc_scans(image, &mut out, 1, 0);
    for c in 0..n {
        out.push(scan_of(image, &[c], 1, 63, 1, 0));
    }
    out
}

fn bad(i: usize, msg: impl std::fmt::Display) -> Error {
    Error::BadRequest(format!("scan script, scan {}: {msg}", i + 1))
}

/// Checks a sequential multi-scan script (every scan 0–63, Ah = Al = 0) against the
/// image and returns each scan's frame component indices: every component in exactly
/// one scan, in frame order within it (T.81 B.2.3), at most 10 blocks per MCU.
pub fn validate_sequential(
    image: &CoefficientImage,
    script: &[ScanHeader],
) -> Result<Vec<Vec<usize>>> {
    let mut seen = vec![false; image.components.len()];
    let mut out = Vec::with_capacity(script.len());
    for (i, s) in script.iter().enumerate() {
        let mut idx: Vec<usize> = Vec::with_capacity(s.components.len());
        for sc in &s.components {
            let c = image
                .components
                .iter()
                .position(|c| c.id == sc.id)
                .ok_or_else(|| bad(i, format!("no component with id {}", sc.id)))?;
            if seen[c] || idx.last().is_some_and(|&p| p >= c) {
                return Err(bad(i, "each component once, in frame order"));
            }
            seen[c] = true;
            idx.push(c);
        }
        if idx.is_empty() || !can_interleave(image, &idx) {
            return Err(bad(i, "one to four components, at most 10 blocks per MCU"));
        }
        out.push(idx);
    }
    if let Some(c) = seen.iter().position(|&s| !s) {
        return Err(Error::BadRequest(format!(
            "sequential scan script: component {c} is in no scan"
        )));
    }
    Ok(out)
}

/// Checks a progressive script against the image and returns, for each scan, the
/// frame indices of its components. Every coefficient of every component must be
/// coded exactly once by a first scan and then refined one bit at a time down to
/// Al = 0 (T.81 G.1.1.1); the DC coefficient of a component before its AC ones.
pub fn validate(image: &CoefficientImage, script: &[ScanHeader]) -> Result<Vec<Vec<usize>>> {
    let n = image.components.len();
    // state[c][k]: None = not coded yet, Some(al) = coded down to bit al.
    let mut state = vec![[None::<u8>; 64]; n];
    let mut out = Vec::with_capacity(script.len());
    if script.is_empty() {
        return Err(Error::BadRequest("progressive scan script is empty".into()));
    }
    for (i, s) in script.iter().enumerate() {
        if s.components.is_empty() || s.components.len() > 4 {
            return Err(bad(i, format!("{} components", s.components.len())));
        }
        let mut idx = Vec::with_capacity(s.components.len());
        for sc in &s.components {
            let Some(c) = image.components.iter().position(|c| c.id == sc.id) else {
                return Err(bad(i, format!("no component with id {}", sc.id)));
            };
            if idx.last().is_some_and(|&p| p >= c) {
                return Err(bad(i, "components must be distinct and in frame order"));
            }
            if sc.td > 3 || sc.ta > 3 {
                return Err(bad(i, "table selector above 3"));
            }
            idx.push(c);
        }
        if s.se > 63 || s.ss > s.se {
            return Err(bad(i, format!("bad spectral selection {}..{}", s.ss, s.se)));
        }
        if s.ss == 0 && s.se != 0 {
            return Err(bad(i, "a DC scan cannot include AC coefficients"));
        }
        if s.ss > 0 && idx.len() != 1 {
            return Err(bad(i, "an AC scan must have exactly one component"));
        }
        if idx.len() > 1 && !can_interleave(image, &idx) {
            return Err(bad(i, "more than 10 blocks per MCU"));
        }
        if s.al > 13 || s.ah > 13 || (s.ah != 0 && s.al + 1 != s.ah) {
            return Err(bad(
                i,
                format!("bad successive approximation Ah={} Al={}", s.ah, s.al),
            ));
        }
        for &c in &idx {
            if s.ss > 0 && state[c][0].is_none() {
                return Err(bad(i, "AC coefficients before the DC coefficient"));
            }
            for (k, st) in state[c]
                .iter_mut()
                .enumerate()
                .take(s.se as usize + 1)
                .skip(s.ss as usize)
            {
                match (*st, s.ah) {
                    (None, 0) => *st = Some(s.al),
                    (Some(prev), ah) if ah != 0 && prev == ah => *st = Some(s.al),
                    _ => {
                        return Err(bad(
                            i,
                            format!("coefficient {k} of component {c} out of order"),
                        ))
                    }
                }
            }
        }
        out.push(idx);
    }
    for (c, st) in state.iter().enumerate() {
        if let Some(k) = st.iter().position(|&s| s != Some(0)) {
            return Err(Error::BadRequest(format!(
                "progressive scan script leaves coefficient {k} of component {c} incomplete"
            )));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(comps: &[(u8, u8, u8, u8)]) -> CoefficientImage {
        CoefficientImage::zeroed(33, 17, 8, comps)
    }

    #[test]
    fn default_scripts_validate() {
        for comps in [
            vec![(1, 1, 1, 0)],
            vec![(1, 2, 2, 0), (2, 1, 1, 1), (3, 1, 1, 1)],
            vec![(1, 1, 1, 0), (2, 1, 1, 1)],
            vec![(1, 1, 1, 0), (2, 1, 1, 1), (3, 1, 1, 1), (4, 1, 1, 0)],
            vec![(1, 4, 4, 0), (2, 1, 1, 1), (3, 1, 1, 1)],
        ] {
            let img = image(&comps);
            let s = default_script(&img);
            validate(&img, &s).unwrap();
        }
    }

    #[test]
    fn ycc_script_is_the_classic_one() {
        let img = image(&[(1, 2, 2, 0), (2, 1, 1, 1), (3, 1, 1, 1)]);
        let s = default_script(&img);
        let summary: Vec<_> = s
            .iter()
            .map(|s| {
                (
                    s.components.iter().map(|c| c.id).collect::<Vec<_>>(),
                    s.ss,
                    s.se,
                    s.ah,
                    s.al,
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (vec![1, 2, 3], 0, 0, 0, 1),
                (vec![1], 1, 5, 0, 2),
                (vec![3], 1, 63, 0, 1),
                (vec![2], 1, 63, 0, 1),
                (vec![1], 6, 63, 0, 2),
                (vec![1], 1, 63, 2, 1),
                (vec![1, 2, 3], 0, 0, 1, 0),
                (vec![3], 1, 63, 1, 0),
                (vec![2], 1, 63, 1, 0),
                (vec![1], 1, 63, 1, 0),
            ]
        );
        assert_eq!(s[2].components[0].ta, 1);
        assert_eq!(s[1].components[0].ta, 0);
    }

    #[test]
    fn bad_scripts_are_rejected() {
        let img = image(&[(1, 1, 1, 0), (2, 1, 1, 1)]);
        let good = default_script(&img);
        // Missing a scan.
        assert!(validate(&img, &good[..good.len() - 1]).is_err());
        // A scan twice.
        let mut dup = good.clone();
        dup.push(good[1].clone());
        assert!(validate(&img, &dup).is_err());
        // AC before DC.
        let mut swapped = good.clone();
        swapped.swap(0, 1);
        assert!(validate(&img, &swapped).is_err());
        // Refinement skipping a bit.
        let mut skip = good.clone();
        skip[0].al = 2;
        assert!(validate(&img, &skip).is_err());
        // Unknown component, two components in an AC scan, components out of order.
        let mut unk = good.clone();
        unk[1].components[0].id = 9;
        assert!(validate(&img, &unk).is_err());
        let mut two = good.clone();
        two[1].components = good[0].components.clone();
        assert!(validate(&img, &two).is_err());
        let mut rev = good;
        rev[0].components.reverse();
        assert!(validate(&img, &rev).is_err());
        assert!(validate(&img, &[]).is_err());
    }

    #[test]
    fn sequential_multi_scan_scripts() {
        let img = image(&[(1, 2, 2, 0), (2, 1, 1, 1), (3, 1, 1, 1)]);
        let mk = |ids: &[u8]| ScanHeader {
            components: ids
                .iter()
                .map(|&id| ScanComponent { id, td: 0, ta: 0 })
                .collect(),
            ss: 0,
            se: 63,
            ah: 0,
            al: 0,
        };
        let groups = validate_sequential(&img, &[mk(&[1]), mk(&[2, 3])]).unwrap();
        assert_eq!(groups, vec![vec![0], vec![1, 2]]);
        for bad in [
            vec![mk(&[1]), mk(&[2])],              // component 3 missing
            vec![mk(&[1, 2]), mk(&[2, 3])],        // component 2 twice
            vec![mk(&[2, 1]), mk(&[3])],           // not in frame order
            vec![mk(&[1]), mk(&[2, 3]), mk(&[4])], // no such component
        ] {
            assert!(validate_sequential(&img, &bad).is_err(), "{bad:?}");
        }
        let wide = image(&[(1, 4, 2, 0), (2, 2, 2, 1), (3, 1, 1, 1)]);
        assert!(validate_sequential(&wide, &[mk(&[1, 2, 3])]).is_err());
    }

    #[test]
    fn sequential_style_script_is_fine() {
        let img = image(&[(1, 1, 1, 0), (2, 1, 1, 1)]);
        let mk = |id, ss, se| ScanHeader {
            components: vec![ScanComponent { id, td: 0, ta: 0 }],
            ss,
            se,
            ah: 0,
            al: 0,
        };
        let s = vec![mk(1, 0, 0), mk(2, 0, 0), mk(1, 1, 63), mk(2, 1, 63)];
        validate(&img, &s).unwrap();
    }
}
