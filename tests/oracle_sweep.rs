//! Random option sets through jtool's cjpeg, djpeg and jpegtran fronts against the
//! tools themselves, on images made here of random size, sampling, quality, coding
//! mode, restart interval and scan script: cjpeg's file byte for byte (the same
//! coefficients and tables where jtool's optimal Huffman tables are its own), djpeg's
//! output byte for byte, jpegtran's coefficients. A sweep of this kind found three
//! encoder differences (a one-component image sampled 4x4, smoothing with factors
//! libjpeg cannot smooth, scan scripts through the fronts).
//!
//! What the tools refuse and jtool does (arithmetic coding with `-optimize`, a crop
//! that expands the image after a turn, djpeg's crop of BMP and Targa output and its
//! colour-mapped crops, jpegtran's output of components too large to interleave) is
//! not compared; `-skip` is left out (its documented
//! difference, README). djpeg's scaled crops of files where libjpeg-turbo 2.1 sizes a
//! component too short may differ as [`djpeg_crop_anomaly`] describes. Environment:
//! `JTOOL_SWEEP_ITERS=N` images (default 300), `JTOOL_SWEEP_SEED=S` (default 1).

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

/// xorshift64*: the option sets depend on the seed alone.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A number in `lo..=hi`.
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next() % u64::from(hi - lo + 1)) as u32
    }
    fn chance(&mut self, p: f64) -> bool {
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        unit < p
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.range(0, v.len() as u32 - 1) as usize]
    }
}

/// A PPM or PGM of `w`×`h`: gradients with noise.
fn image(rng: &mut Rng, w: u32, h: u32, gray: bool) -> Vec<u8> {
    let ch = if gray { 1 } else { 3 };
    let noise = rng.range(0, 80);
    let mut out = format!("P{}\n{w} {h}\n255\n", if gray { 5 } else { 6 }).into_bytes();
    for y in 0..h {
        for x in 0..w {
            for c in 0..ch {
                let base = (x * 255 / w.max(2) + y * 3 + c * 60) % 256;
                out.push(((base + rng.range(0, noise)) % 256) as u8);
            }
        }
    }
    out
}

/// A valid scan script for `n` components: sequential, or progressive with bands and
/// successive approximation.
fn script(rng: &mut Rng, n: u32) -> String {
    let all: Vec<String> = (0..n).map(|c| c.to_string()).collect();
    let groups: Vec<String> = match rng.chance(0.5) {
        true => vec![all.join(" ")],
        false => all.clone(),
    };
    if rng.chance(0.3) {
        return groups.iter().map(|g| format!("{g};\n")).collect();
    }
    let al = rng.range(0, 2);
    let mut s: String = groups
        .iter()
        .map(|g| format!("{g}: 0-0, 0, {al};\n"))
        .collect();
    let mut refine = Vec::new();
    for c in 0..n {
        let cut = rng.range(2, 62);
        for (lo, hi) in [(1, cut - 1), (cut, 63)] {
            let a = rng.range(0, 2);
            s += &format!("{c}: {lo}-{hi}, 0, {a};\n");
            refine.extend(
                (1..=a)
                    .rev()
                    .map(|k| (k, format!("{c}: {lo}-{hi}, {k}, {};\n", k - 1))),
            );
        }
    }
    refine.sort_by_key(|r| std::cmp::Reverse(r.0));
    s.extend(refine.into_iter().map(|r| r.1));
    for k in (1..=al).rev() {
        s.extend(
            groups
                .iter()
                .map(|g| format!("{g}: 0-0, {k}, {};\n", k - 1)),
        );
    }
    s
}

fn cjpeg_options(rng: &mut Rng, gray: bool, scans: &Path) -> Vec<String> {
    let mut o = vec!["-quality".to_string(), rng.range(1, 100).to_string()];
    let samplings = [
        "1x1", "2x1", "2x2", "1x2", "4x1", "1x4", "3x1", "4x2", "3x2", "4x4",
    ];
    if rng.chance(0.6) {
        o.extend(["-sample".into(), rng.pick(&samplings).into()]);
    }
    for (sw, p) in [
        ("-optimize", 0.3),
        ("-progressive", 0.3),
        ("-baseline", 0.2),
    ] {
        if rng.chance(p) {
            o.push(sw.into());
        }
    }
    if rng.chance(0.1) && !o.iter().any(|s| s == "-optimize") {
        o.push("-arithmetic".into());
    }
    if rng.chance(0.25) {
        let unit = rng.pick(&["", "B"]);
        o.extend(["-restart".into(), format!("{}{unit}", rng.range(0, 4))]);
    }
    if rng.chance(0.25) {
        o.extend(["-dct".into(), rng.pick(&["int", "fast", "float"]).into()]);
    }
    if rng.chance(0.15) {
        o.extend(["-smooth".into(), rng.range(1, 100).to_string()]);
    }
    let out_gray = gray
        || rng.chance(0.1) && {
            o.push("-grayscale".into());
            true
        };
    if rng.chance(0.15) && !o.iter().any(|s| s == "-arithmetic") {
        std::fs::write(scans, script(rng, if out_gray { 1 } else { 3 })).unwrap();
        o.extend(["-scans".into(), scans.to_string_lossy().into_owned()]);
    }
    o
}

fn djpeg_options(rng: &mut Rng, w: u32, h: u32) -> Vec<String> {
    let mut o = Vec::new();
    if rng.chance(0.4) {
        o.extend(["-scale".into(), format!("{}/8", rng.range(1, 16))]);
    }
    // djpeg refuses a crop of BMP, Targa and colour-mapped output.
    let (crop, format) = (rng.chance(0.3), rng.chance(0.2));
    if crop && !format {
        let (cw, ch) = (rng.range(1, w), rng.range(1, h));
        let (x, y) = (rng.range(0, w - cw), rng.range(0, h - ch));
        o.extend(["-crop".into(), format!("{cw}x{ch}+{x}+{y}")]);
    }
    for (sw, p) in [("-nosmooth", 0.2), ("-grayscale", 0.1), ("-rgb", 0.1)] {
        if rng.chance(p) {
            o.push(sw.into());
        }
    }
    if rng.chance(0.3) {
        o.extend(["-dct".into(), rng.pick(&["int", "fast", "float"]).into()]);
    }
    if format {
        o.push(rng.pick(&["-bmp", "-targa", "-os2"]).into());
    } else if !crop && rng.chance(0.1) {
        o.extend(["-colors".into(), rng.range(2, 256).to_string()]);
    }
    o
}

fn jpegtran_options(rng: &mut Rng, w: u32, h: u32, gray: bool, scans: &Path) -> Vec<String> {
    let turns = [
        "",
        "-rotate 90",
        "-rotate 180",
        "-rotate 270",
        "-flip horizontal",
        "-flip vertical",
        "-transpose",
        "-transverse",
    ];
    let turn = rng.pick(&turns);
    let mut o: Vec<String> = turn.split_whitespace().map(String::from).collect();
    // The crop is in output coordinates; jpegtran refuses one that expands the image
    // after a turn, so it stays inside then.
    let transposes = ["-rotate 90", "-rotate 270", "-transpose", "-transverse"].contains(&turn);
    let (ow, oh) = if transposes { (h, w) } else { (w, h) };
    if rng.chance(0.3) {
        let (cw, ch) = (rng.range(1, ow), rng.range(1, oh));
        let (x, y) = match turn.is_empty() {
            true => (rng.range(0, ow - 1), rng.range(0, oh - 1)),
            false => (rng.range(0, ow - cw), rng.range(0, oh - ch)),
        };
        o.extend(["-crop".into(), format!("{cw}x{ch}+{x}+{y}")]);
    }
    for (sw, p) in [
        ("-trim", 0.3),
        ("-perfect", 0.1),
        ("-grayscale", 0.1),
        ("-optimize", 0.3),
        ("-progressive", 0.3),
    ] {
        if rng.chance(p) {
            o.push(sw.into());
        }
    }
    if rng.chance(0.2) {
        o.extend([
            "-restart".into(),
            format!("{}{}", rng.range(0, 4), rng.pick(&["", "B"])),
        ]);
    }
    o.extend([
        "-copy".into(),
        rng.pick(&["none", "comments", "all"]).into(),
    ]);
    if rng.chance(0.15) {
        let one = gray || o.iter().any(|s| s == "-grayscale");
        std::fs::write(scans, script(rng, if one { 1 } else { 3 })).unwrap();
        o.extend(["-scans".into(), scans.to_string_lossy().into_owned()]);
    }
    o
}

/// The tool's output and jtool's for `args` on `input`; a failure message when they
/// differ (with `coefficients`, byte-different files must hold the same coefficients).
fn compare(
    name: &str,
    tool: &Path,
    args: &[String],
    input: &Path,
    coefficients: bool,
) -> Result<Option<Vec<u8>>, String> {
    let jtool = assert_cmd::cargo::cargo_bin("jtool");
    let theirs = Command::new(tool).args(args).arg(input).output().unwrap();
    let ours = Command::new(&jtool)
        .arg(name)
        .args(args)
        .arg(input)
        .output()
        .unwrap();
    let ok = |o: &std::process::Output| matches!(o.status.code(), Some(0 | 2));
    // jpegtran cannot write a file whose components exceed 10 blocks in an
    // interleaved scan (cjpeg makes them from scripts that code components apart);
    // jtool codes them in scans of their own.
    let too_large = String::from_utf8_lossy(&theirs.stderr).contains("Sampling factors too large");
    match (ok(&theirs), ok(&ours)) {
        (false, false) => Ok(None),
        (false, true) if too_large => Ok(None),
        (true, true) if theirs.stdout == ours.stdout => Ok(Some(ours.stdout)),
        (true, true)
            if coefficients
                && hash(&theirs.stdout).is_some()
                && hash(&theirs.stdout) == hash(&ours.stdout) =>
        {
            Ok(Some(ours.stdout))
        }
        (true, true) if name == "djpeg" && crop_anomaly(tool, args, input, &theirs, &ours) => {
            Ok(Some(ours.stdout))
        }
        _ => Err(format!(
            "{name} {} {}: {name} {:?} {} bytes, jtool {:?} {} bytes: {}",
            args.join(" "),
            kept(input).display(),
            theirs.status.code(),
            theirs.stdout.len(),
            ours.status.code(),
            ours.stdout.len(),
            String::from_utf8_lossy(&ours.stderr).trim()
        )),
    }
}

/// Whether djpeg's `-crop` output `theirs` differs from jtool's `ours` only as
/// [`djpeg_crop_anomaly`] allows, for a file and scale where libjpeg-turbo 2.1 sizes a
/// cropped component too short.
fn crop_anomaly(
    djpeg: &Path,
    args: &[String],
    input: &Path,
    theirs: &std::process::Output,
    ours: &std::process::Output,
) -> bool {
    let Some(at) = args.iter().position(|a| a == "-crop") else {
        return false;
    };
    let scale = match args.iter().position(|a| a == "-scale") {
        Some(i) => args[i + 1].trim_end_matches("/8").parse().unwrap(),
        None => 8,
    };
    let scale = jtool::pixels::Scale::from_fraction(scale, 8).unwrap();
    let jpeg = std::fs::read(input).unwrap();
    let Some(frame) = frame_of(&jpeg) else {
        return false;
    };
    if !libjpeg_crop_overreads(&frame, scale) {
        return false;
    }
    let g: Vec<usize> = (args[at + 1].split(['x', '+']))
        .map(|v| v.parse().unwrap())
        .collect();
    let mut whole = args.to_vec();
    whole.drain(at..at + 2);
    let full = Command::new(djpeg)
        .args(&whole)
        .arg(input)
        .output()
        .unwrap();
    djpeg_crop_anomaly(
        &full.stdout,
        (g[2], g[3], g[0], g[1]),
        &theirs.stdout,
        &ours.stdout,
    )
    .is_ok()
}

/// `jpeg` (a sequential or progressive file of cjpeg's) with every DQT table replaced
/// by a 16-bit one of random steps up to a random bound, and SOF0 made SOF1.
fn coarsened(jpeg: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    let mut i = 2;
    while i + 4 <= jpeg.len() {
        let (marker, len) = (
            jpeg[i + 1],
            usize::from(jpeg[i + 2]) << 8 | usize::from(jpeg[i + 3]),
        );
        let seg = &jpeg[i..i + 2 + len];
        match marker {
            0xDB => {
                let mut body = Vec::new();
                let mut j = 4;
                while j < seg.len() {
                    let (pq, tq) = (seg[j] >> 4, seg[j] & 15);
                    j += 1 + 64 * (1 + usize::from(pq));
                    let bound = [255, 1000, 4000, 20000, 65535][rng.range(0, 4) as usize];
                    body.push(0x10 | tq);
                    for _ in 0..64 {
                        body.extend_from_slice(&(rng.range(1, bound) as u16).to_be_bytes());
                    }
                }
                out.extend_from_slice(&[0xFF, 0xDB]);
                out.extend_from_slice(&(body.len() as u16 + 2).to_be_bytes());
                out.extend_from_slice(&body);
            }
            0xC0 => {
                out.extend_from_slice(&[0xFF, 0xC1]);
                out.extend_from_slice(&seg[2..]);
            }
            _ => out.extend_from_slice(seg),
        }
        i += 2 + len;
        if marker == 0xDA {
            out.extend_from_slice(&jpeg[i..]);
            break;
        }
    }
    out
}

/// A copy of a failing run's input that outlives the test, in /tmp/jtool-sweep-fail/.
fn kept(input: &Path) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join("jtool-sweep-fail");
    let _ = std::fs::create_dir_all(&dir);
    let data = std::fs::read(input).unwrap_or_default();
    let ext = input.extension().and_then(|e| e.to_str()).unwrap_or("bin");
    let name = format!(
        "{:016x}.{ext}",
        data.iter()
            .fold(0xcbf29ce484222325u64, |h, &b| (h ^ u64::from(b))
                .wrapping_mul(0x100000001b3))
    );
    let path = dir.join(name);
    let _ = std::fs::write(&path, &data);
    path
}

fn hash(jpeg: &[u8]) -> Option<String> {
    let file = jtool::container::JpegFile::parse(jpeg).ok()?;
    jtool::pipeline::file_coefficient_hash(&file, &jtool::entropy::Limits::default()).ok()
}

#[test]
fn random_option_sets_match_the_tools() {
    let (Some(cjpeg), Some(djpeg), Some(jpegtran)) =
        (tool("cjpeg"), tool("djpeg"), tool("jpegtran"))
    else {
        return;
    };
    let env = |k: &str, d: u64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let (iters, seed) = (env("JTOOL_SWEEP_ITERS", 300), env("JTOOL_SWEEP_SEED", 1));
    let dir = tempfile::tempdir().unwrap();
    let (src, jpg, scans) = (
        dir.path().join("in.pnm"),
        dir.path().join("in.jpg"),
        dir.path().join("scans.txt"),
    );
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let (mut runs, mut refused, mut failures) = (0, 0, Vec::new());
    for _ in 0..iters {
        let big = rng.chance(0.1);
        let (w, h) = (
            rng.range(1, if big { 500 } else { 120 }),
            rng.range(1, if big { 300 } else { 120 }),
        );
        let gray = rng.chance(0.2);
        std::fs::write(&src, image(&mut rng, w, h, gray)).unwrap();
        let o = cjpeg_options(&mut rng, gray, &scans);
        let exact = !o.iter().any(|s| {
            matches!(
                s.as_str(),
                "-optimize" | "-progressive" | "-arithmetic" | "-scans"
            )
        });
        runs += 1;
        let made = match compare("cjpeg", &cjpeg, &o, &src, !exact) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => {
                refused += 1;
                continue;
            }
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        // Now and then 16-bit tables of large steps (SOF1): coefficients no encoder of
        // samples makes, which overflow djpeg's 16-bit lanes.
        let made = match rng.chance(0.1) {
            true => coarsened(&made, &mut rng),
            false => made,
        };
        std::fs::write(&jpg, made).unwrap();
        let gray_out = gray || o.iter().any(|s| s == "-grayscale");
        for (name, tool, args, coefs) in [
            ("djpeg", &djpeg, djpeg_options(&mut rng, w, h), false),
            (
                "jpegtran",
                &jpegtran,
                jpegtran_options(&mut rng, w, h, gray_out, &scans),
                true,
            ),
        ] {
            runs += 1;
            match compare(name, tool, &args, &jpg, coefs) {
                Err(e) => failures.push(e),
                Ok(None) => refused += 1,
                Ok(Some(_)) => {}
            }
        }
    }
    eprintln!("oracle sweep (seed {seed}): {iters} images, {runs} runs, {refused} refused by both");
    report_failures(&format!("oracle sweep: {runs} runs"), &failures);
}
