//! Structural and metadata facts that identification weighs besides the tables: the
//! progressive scan script, the restart interval, the ICC profile description and the
//! order of the APPn segments. Each is read from the report alone.

use super::{FrameInfo, Report};

/// libjpeg's default progression (`jpeg_simple_progression`) for three components,
/// one scan per entry as "components Ss-Se Ah/Al" with components as frame indices.
/// The script is IJG's choice, not T.81's (G.1.1.1 allows any script that codes each
/// coefficient once and refines it bit by bit), so a file that follows it was most
/// likely written by libjpeg (cjpeg -progressive, jpegtran -progressive, GIMP, …).
const IJG_SCRIPT_3: &[&str] = &[
    "0,1,2 0-0 0/1",
    "0 1-5 0/2",
    "2 1-63 0/1",
    "1 1-63 0/1",
    "0 6-63 0/2",
    "0 1-63 2/1",
    "0,1,2 0-0 1/0",
    "2 1-63 1/0",
    "1 1-63 1/0",
    "0 1-63 1/0",
];

/// The same for one component (grayscale).
const IJG_SCRIPT_1: &[&str] = &[
    "0 0-0 0/1",
    "0 1-5 0/2",
    "0 6-63 0/2",
    "0 1-63 2/1",
    "0 0-0 1/0",
    "0 1-63 1/0",
];

/// The progressive scan script of a report, if the frame is progressive.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanScript {
    /// Scans as "components Ss-Se Ah/Al" (components as frame indices).
    pub scans: Vec<String>,
    /// Whether it is libjpeg's default progression.
    pub ijg_default: bool,
    /// Whether any scan uses successive approximation (Ah or Al non-zero).
    pub successive: bool,
}

impl ScanScript {
    /// The script in words, for evidence.
    pub fn text(&self) -> String {
        let kind = if self.ijg_default {
            "libjpeg's default progression (jpeg_simple_progression)".to_string()
        } else if self.successive {
            "not libjpeg's default; with successive approximation".to_string()
        } else {
            "not libjpeg's default; spectral selection only".to_string()
        };
        format!(
            "progressive scan script of {} scans, {kind}",
            self.scans.len()
        )
    }
}

fn component_index(frame: &FrameInfo, id: u8) -> String {
    frame
        .components
        .iter()
        .position(|c| c.id == id)
        .map_or_else(|| format!("id{id}"), |i| i.to_string())
}

/// Reads the scan script of a progressive frame (T.81 B.2.3 scan headers).
pub fn scan_script(r: &Report) -> Option<ScanScript> {
    let frame = r.frame.as_ref().filter(|f| f.progressive)?;
    let mut scans = Vec::new();
    let mut successive = false;
    for h in r.scans.iter().filter_map(|s| s.header.as_ref()) {
        let comps: Vec<String> = h
            .components
            .iter()
            .map(|c| component_index(frame, c.id))
            .collect();
        successive |= h.ah != 0 || h.al != 0;
        scans.push(format!(
            "{} {}-{} {}/{}",
            comps.join(","),
            h.ss,
            h.se,
            h.ah,
            h.al
        ));
    }
    let want: &[&str] = match frame.components.len() {
        1 => IJG_SCRIPT_1,
        3 => IJG_SCRIPT_3,
        _ => &[],
    };
    let ijg_default = !want.is_empty() && scans.iter().map(String::as_str).eq(want.iter().copied());
    Some(ScanScript {
        scans,
        ijg_default,
        successive,
    })
}

/// The restart interval in words ("restart interval 504 MCUs, one MCU row"), or
/// `None` without DRI.
pub fn restart_text(r: &Report) -> Option<String> {
    let ri = r.restart_interval.first()?.interval;
    if ri == 0 {
        return None;
    }
    let row = r.frame.as_ref().and_then(mcus_per_row);
    let rows = match row {
        Some(n) if u32::from(ri) == n => ", one MCU row".to_string(),
        Some(n) if n > 0 && u32::from(ri) % n == 0 => format!(", {} MCU rows", u32::from(ri) / n),
        _ => String::new(),
    };
    Some(format!("restart interval {ri} MCUs{rows}"))
}

/// MCUs per row of an interleaved scan (T.81 A.2.4: the MCU spans the largest
/// sampling factors' 8×8 blocks).
fn mcus_per_row(f: &FrameInfo) -> Option<u32> {
    let hmax = f.components.iter().map(|c| u32::from(c.h)).max()?;
    if hmax == 0 || f.components.len() < 2 {
        return None;
    }
    Some((u32::from(f.width)).div_ceil(8 * hmax))
}

/// Makers and programs that name themselves in the ICC profile description they
/// embed ("Nikon sRGB 4.0.0.3001", GIMP's "GIMP built-in sRGB", macOS ColorSync's
/// "Generic RGB Profile"): substring, canonical maker, whether it is a program.
const ICC_NAMES: &[(&str, &str, bool)] = &[
    ("nikon", "Nikon", false),
    ("canon", "Canon", false),
    ("kodak", "Kodak", false),
    ("fujifilm", "Fujifilm", false),
    ("sony", "Sony", false),
    ("olympus", "Olympus", false),
    ("pentax", "Pentax", false),
    ("samsung", "Samsung", false),
    ("leica", "Leica", false),
    ("gimp", "GIMP", true),
    ("generic rgb profile", "Apple", true),
];

/// The maker an ICC profile description names, and whether it names a program.
pub fn icc_maker(description: &str) -> Option<(&'static str, bool)> {
    let l = description.to_ascii_lowercase();
    ICC_NAMES
        .iter()
        .find(|(k, _, _)| l.contains(k))
        .map(|&(_, m, sw)| (m, sw))
}

/// What the order of the APPn segments says: the Exif standard (DCF firmware) puts
/// APP1 Exif right after SOI; libjpeg-based programs write JFIF APP0 first and copy
/// Exif after it. `app_order` holds the segments' tags in file order.
pub fn app_order_text(app_order: &[String]) -> Option<(String, Option<bool>)> {
    let first = app_order.first()?;
    let list = app_order.join(" ");
    let exif_first = first.contains("Exif");
    let jfif_before_exif = first.contains("Jfif") && app_order.iter().any(|a| a.contains("Exif"));
    let verdict = if exif_first {
        Some(true)
    } else if jfif_before_exif {
        Some(false)
    } else {
        None
    };
    let text = match verdict {
        Some(true) => {
            format!("APP segments {list}: Exif APP1 directly after SOI, as Exif firmware writes it")
        }
        Some(false) => format!(
            "APP segments {list}: JFIF APP0 before Exif APP1, as libjpeg-based programs write it"
        ),
        None => format!("APP segments {list}"),
    };
    Some((text, verdict))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icc_makers() {
        assert_eq!(icc_maker("Nikon sRGB 4.0.0.3001"), Some(("Nikon", false)));
        assert_eq!(icc_maker("GIMP built-in sRGB"), Some(("GIMP", true)));
        assert_eq!(icc_maker("sRGB IEC61966-2.1"), None);
    }

    #[test]
    fn app_order() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let (_, e) = app_order_text(&v(&["APP1(Exif)", "APP2(Icc)"])).unwrap();
        assert_eq!(e, Some(true));
        let (_, e) = app_order_text(&v(&["APP0(Jfif)", "APP1(Exif)"])).unwrap();
        assert_eq!(e, Some(false));
        let (_, e) = app_order_text(&v(&["APP0(Jfif)"])).unwrap();
        assert_eq!(e, None);
        assert!(app_order_text(&[]).is_none());
    }

    #[test]
    fn ijg_scripts_have_consistent_lengths() {
        assert_eq!(IJG_SCRIPT_3.len(), 10);
        assert_eq!(IJG_SCRIPT_1.len(), 6);
    }
}
