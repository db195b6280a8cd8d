//! Scan script files, as `jpegtran -scans FILE` / `cjpeg -scans FILE` read them: one
//! scan per `;`-terminated entry, `c [c ...] [: Ss-Se, Ah, Al]`, where each `c` is a
//! frame component index (0-based); without the part after `:` the scan is
//! sequential (0–63, Ah = Al = 0). Numbers are separated by spaces or commas, and `#`
//! starts a comment that runs to the end of the line.

use super::script::scan_of;
use super::CodingMode;
use crate::coeffs::CoefficientImage;
use crate::container::ScanHeader;
use crate::error::{Error, Result};

/// One scan of a script file, by frame component index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptScan {
    /// Frame component indices (0-based), in the order given.
    pub components: Vec<u8>,
    /// Spectral selection start and end, successive approximation high and low bits.
    pub ss: u8,
    pub se: u8,
    pub ah: u8,
    pub al: u8,
}

impl ScriptScan {
    /// Whether the scan codes every coefficient at full precision (sequential).
    pub fn is_sequential(&self) -> bool {
        (self.ss, self.se, self.ah, self.al) == (0, 63, 0, 0)
    }
}

/// Whether a script makes a progressive file: any scan that is not sequential.
pub fn is_progressive(script: &[ScriptScan]) -> bool {
    script.iter().any(|s| !s.is_sequential())
}

fn bad(line: usize, msg: impl std::fmt::Display) -> Error {
    Error::BadRequest(format!("scan script, line {line}: {msg}"))
}

/// The tokens of `text` with their line numbers: numbers, and `:`, `;`, `-`.
fn tokens(text: &str) -> Result<Vec<(usize, String)>> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("");
        let mut num = String::new();
        for ch in line.chars().chain(std::iter::once(' ')) {
            if ch.is_ascii_digit() {
                num.push(ch);
                continue;
            }
            if !num.is_empty() {
                out.push((n + 1, std::mem::take(&mut num)));
            }
            match ch {
                ':' | ';' | '-' => out.push((n + 1, ch.to_string())),
                ',' => {}
                c if c.is_whitespace() => {}
                c => return Err(bad(n + 1, format!("unexpected character {c:?}"))),
            }
        }
    }
    Ok(out)
}

/// Parses a scan script file (see the module documentation).
pub fn parse(text: &str) -> Result<Vec<ScriptScan>> {
    let toks = tokens(text)?;
    let mut out = Vec::new();
    let mut i = 0;
    let number = |i: usize| -> Result<u8> {
        let (line, t) = toks.get(i).ok_or_else(|| bad(0, "unexpected end"))?;
        t.parse::<u8>()
            .map_err(|_| bad(*line, format!("expected a number, found {t:?}")))
    };
    while i < toks.len() {
        let line = toks[i].0;
        let mut scan = ScriptScan {
            components: Vec::new(),
            ss: 0,
            se: 63,
            ah: 0,
            al: 0,
        };
        while i < toks.len() && !matches!(toks[i].1.as_str(), ":" | ";") {
            scan.components.push(number(i)?);
            i += 1;
        }
        if scan.components.is_empty() || scan.components.len() > 4 {
            return Err(bad(line, "a scan needs one to four component indices"));
        }
        if toks.get(i).is_some_and(|t| t.1 == ":") {
            let sep = toks.get(i + 2).map(|t| t.1.as_str());
            if sep != Some("-") {
                return Err(bad(line, "expected Ss-Se after ':'"));
            }
            (scan.ss, scan.se) = (number(i + 1)?, number(i + 3)?);
            (scan.ah, scan.al) = (number(i + 4)?, number(i + 5)?);
            i += 6;
        }
        match toks.get(i) {
            Some((_, t)) if t == ";" => i += 1,
            None => {}
            Some((l, t)) => return Err(bad(*l, format!("expected ';', found {t:?}"))),
        }
        out.push(scan);
    }
    if out.is_empty() {
        return Err(bad(0, "no scans"));
    }
    Ok(out)
}

/// The scan headers of `script` for `image` (component ids, and table ids as the
/// default script gives them); an index past the frame's components is an error.
pub fn headers(image: &CoefficientImage, script: &[ScriptScan]) -> Result<Vec<ScanHeader>> {
    let n = image.components.len();
    script
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let comps: Vec<usize> = s.components.iter().map(|&c| c as usize).collect();
            if let Some(c) = comps.iter().find(|&&c| c >= n) {
                return Err(Error::BadRequest(format!(
                    "scan script, scan {}: component {c}, but the image has {n}",
                    i + 1
                )));
            }
            Ok(scan_of(image, &comps, s.ss, s.se, s.ah, s.al))
        })
        .collect()
}

/// The coding mode `script` makes (progressive when any scan is, see
/// [`is_progressive`]) and its scan headers for `image`.
pub fn plan(
    image: &CoefficientImage,
    script: &[ScriptScan],
) -> Result<(CodingMode, Vec<ScanHeader>)> {
    let mode = if is_progressive(script) {
        CodingMode::Progressive
    } else {
        CodingMode::Sequential
    };
    Ok((mode, headers(image, script)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_format() {
        let text = "# DC first\n0,1,2: 0-0,   0, 1 ;\n0:     1-5,   0, 2 ;\t# Y\n2: 1-63, 0, 1;\n1 2;\n0\n";
        let s = parse(text).unwrap();
        assert_eq!(s.len(), 5);
        assert_eq!(s[0].components, vec![0, 1, 2]);
        assert_eq!((s[0].ss, s[0].se, s[0].ah, s[0].al), (0, 0, 0, 1));
        assert_eq!((s[1].ss, s[1].se, s[1].ah, s[1].al), (1, 5, 0, 2));
        assert!(s[3].is_sequential() && s[4].is_sequential());
        assert_eq!(s[3].components, vec![1, 2]);
        assert!(is_progressive(&s));
        assert!(!is_progressive(&s[3..]));
    }

    #[test]
    fn rejects_malformed_scripts() {
        for text in [
            "",
            "# nothing\n",
            "0: 1 5, 0, 2;",
            "0: 1-5, 0;",
            "0 1 2 3 4;",
            "0: 1-5, 0, 2 x;",
            "300;",
            ": 0-0, 0, 1;",
            "0: 1-5, 0, 2 1;",
        ] {
            assert!(parse(text).is_err(), "{text:?}");
        }
    }
}
