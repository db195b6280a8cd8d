//! The command lines of libjpeg-turbo's jpegtran, djpeg and cjpeg, for scripts that
//! call them: `jtool jpegtran|djpeg|cjpeg SWITCHES [INFILE]`, or jtool run under one of
//! those names (a symbolic link). exiftran's and jpegoptim's (getopt options, several
//! files) are read the same way, by `exiftran` and `jpegoptim` below, and jhead's by
//! [`jhead`], which may give several jtool commands to run one after the other.
//!
//! The switches are single-dash and abbreviable as the tools allow (each name is tried
//! in the tool's order; an abbreviation matches the first name it begins, when at least
//! as long as that name's shortest form). They are turned into the jtool command that
//! does the same (`transform`, `wipe`, `drop`, `decode`, `encode`), with the tool's
//! defaults where jtool's differ:
//! - jpegtran copies only comments (`-copy comments`), writes a sequential file with the
//!   Annex K Huffman tables unless `-optimize`, `-progressive` or `-arithmetic` says
//!   otherwise, and no restart interval unless `-restart` sets one;
//! - djpeg writes PPM/PGM unless `-bmp`, `-os2` or `-targa` is given;
//! - cjpeg writes the Annex K Huffman tables unless `-optimize`, `-progressive` or
//!   `-arithmetic` says otherwise.
//!
//! The image is read from INFILE or standard input and written to `-outfile` or
//! standard output. `-maxmemory`, `-memsrc`, `-memdst` and `-report` are accepted and
//! have no effect; `-verbose` is jtool's `-v`. Switches for what jtool does not do are
//! refused by name. Unlike the tools, jtool never leaves an output file half written.

mod jhead;

use std::ffi::OsString;

/// A switch: its name, the shortest abbreviation it accepts and whether it takes an
/// argument.
type Switch = (&'static str, usize, bool);

/// jpegtran's switches, in the order it tries them.
const JPEGTRAN: &[Switch] = &[
    ("arithmetic", 1, false),
    ("copy", 2, true),
    ("crop", 2, true),
    ("debug", 1, false),
    ("verbose", 1, false),
    ("drop", 2, true),
    ("flip", 1, true),
    ("grayscale", 1, false),
    ("greyscale", 1, false),
    ("help", 1, false),
    ("icc", 1, true),
    ("maxmemory", 3, true),
    ("maxscans", 4, true),
    ("optimize", 1, false),
    ("optimise", 1, false),
    ("outfile", 4, true),
    ("perfect", 2, false),
    ("progressive", 2, false),
    ("report", 3, false),
    ("restart", 1, true),
    ("rotate", 2, true),
    ("scans", 1, true),
    ("strict", 2, false),
    ("transpose", 1, false),
    ("transverse", 6, false),
    ("trim", 3, false),
    ("version", 4, false),
    ("wipe", 1, true),
];

/// djpeg's switches, in the order it tries them.
const DJPEG: &[Switch] = &[
    ("bmp", 1, false),
    ("colors", 1, true),
    ("colours", 1, true),
    ("quantize", 1, true),
    ("quantise", 1, true),
    ("crop", 2, true),
    ("dct", 2, true),
    ("debug", 1, false),
    ("verbose", 1, false),
    ("dither", 2, true),
    ("fast", 1, false),
    ("gif", 1, false),
    ("gif0", 4, false),
    ("grayscale", 2, false),
    ("greyscale", 2, false),
    ("help", 1, false),
    ("icc", 1, true),
    ("map", 3, true),
    ("maxmemory", 3, true),
    ("maxscans", 4, true),
    ("memsrc", 2, false),
    ("nosmooth", 3, false),
    ("onepass", 3, false),
    ("os2", 3, false),
    ("outfile", 4, true),
    ("pnm", 1, false),
    ("ppm", 1, false),
    ("report", 2, false),
    ("rgb", 3, false),
    ("rgb565", 6, false),
    ("scale", 2, true),
    ("skip", 2, true),
    ("strict", 2, false),
    ("targa", 1, false),
    ("version", 4, false),
];

/// cjpeg's switches, in the order it tries them.
const CJPEG: &[Switch] = &[
    ("arithmetic", 1, false),
    ("baseline", 1, false),
    ("dct", 2, true),
    ("debug", 1, false),
    ("verbose", 1, false),
    ("fast", 1, false),
    ("grayscale", 2, false),
    ("greyscale", 2, false),
    ("help", 1, false),
    ("icc", 1, true),
    ("lossless", 1, true),
    ("maxmemory", 3, true),
    ("memdst", 2, false),
    ("optimize", 1, false),
    ("optimise", 1, false),
    ("outfile", 4, true),
    ("precision", 3, true),
    ("progressive", 1, false),
    ("quality", 1, true),
    ("qslots", 2, true),
    ("qtables", 2, true),
    ("report", 3, false),
    ("restart", 1, true),
    ("rgb", 3, false),
    ("sample", 2, true),
    ("scans", 4, true),
    ("smooth", 2, true),
    ("strict", 2, false),
    ("targa", 1, false),
    ("version", 4, false),
];

/// What jpegtran's switches asked for.
#[derive(Debug, Default)]
struct Switches {
    copy: Option<String>,
    optimize: bool,
    progressive: bool,
    arithmetic: bool,
    restart: Option<String>,
    scans: Option<OsString>,
    icc: Option<OsString>,
    crop: Option<String>,
    turn: Vec<String>,
    grayscale: bool,
    edge: Option<&'static str>,
    wipe: Option<String>,
    drop: Option<(String, String, OsString)>,
    outfile: Option<OsString>,
    input: Option<OsString>,
    global: Vec<String>,
}

/// The tool a command line is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Jpegtran,
    Djpeg,
    Cjpeg,
    Exiftran,
    Jpegoptim,
    Jhead,
}

impl Tool {
    const ALL: [Tool; 6] = [
        Tool::Jpegtran,
        Tool::Djpeg,
        Tool::Cjpeg,
        Tool::Exiftran,
        Tool::Jpegoptim,
        Tool::Jhead,
    ];

    /// The tool's program name.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Jpegtran => "jpegtran",
            Tool::Djpeg => "djpeg",
            Tool::Cjpeg => "cjpeg",
            Tool::Exiftran => "exiftran",
            Tool::Jpegoptim => "jpegoptim",
            Tool::Jhead => "jhead",
        }
    }

    /// The single-dash switches [`lex`] reads (exiftran and jpegoptim take getopt
    /// options, read by their own functions).
    fn switches(self) -> &'static [Switch] {
        match self {
            Tool::Jpegtran => JPEGTRAN,
            Tool::Djpeg => DJPEG,
            Tool::Cjpeg => CJPEG,
            Tool::Exiftran | Tool::Jpegoptim | Tool::Jhead => &[],
        }
    }
}

/// What `jtool TOOL ...` (or jtool called TOOL) amounts to.
#[derive(Debug, PartialEq, Eq)]
pub enum Compat {
    /// Not such a command line.
    No,
    /// The jtool command line to run instead.
    Run(Vec<OsString>),
    /// The jtool command lines to run instead, one after the other while they succeed.
    RunAll(Vec<Vec<OsString>>),
    /// Print the version and stop.
    Version(Tool),
    /// A usage error (the message; the usage text follows it).
    Usage(Tool, String),
}

/// The jtool command line for `argv` when it is one of the tools'.
pub fn compat(argv: &[OsString]) -> Compat {
    let called = (argv.first().map(std::path::Path::new))
        .and_then(|p| p.file_stem())
        .map(|n| n.to_string_lossy().into_owned());
    let by_name = (Tool::ALL.into_iter())
        .find(|t| called.as_deref().is_some_and(|n| n.starts_with(t.name())));
    let by_word = || {
        let word = argv.get(1)?;
        Tool::ALL.into_iter().find(|t| word == t.name())
    };
    let (tool, switches) = match (by_name, by_word()) {
        (Some(t), _) => (t, &argv[1.min(argv.len())..]),
        (None, Some(t)) => (t, &argv[2..]),
        (None, None) => return Compat::No,
    };
    if tool == Tool::Jhead {
        return match jhead::jhead(switches) {
            Ok(Some(lines)) => Compat::RunAll(lines),
            Ok(None) => Compat::Version(tool),
            Err(m) => Compat::Usage(tool, m),
        };
    }
    let parsed = match tool {
        Tool::Exiftran => exiftran(switches),
        Tool::Jpegoptim => jpegoptim(switches),
        _ => lex(tool, switches).and_then(|words| match tool {
            Tool::Jpegtran => jpegtran(&words),
            Tool::Djpeg => djpeg(&words),
            _ => cjpeg(&words),
        }),
    };
    match parsed {
        Ok(Some(run)) => Compat::Run(run),
        Ok(None) => Compat::Version(tool),
        Err(m) => Compat::Usage(tool, m),
    }
}

/// The switch `arg` names (without its dash) in `table`, if any.
fn switch(table: &'static [Switch], arg: &str) -> Option<&'static Switch> {
    table
        .iter()
        .find(|(name, min, _)| arg.len() >= *min && name.starts_with(arg))
}

/// A command line read: each switch with its argument, in order (`-drop`'s file as a
/// second entry), and the input file name.
#[derive(Debug, Default)]
struct Words {
    switches: Vec<(&'static str, Option<OsString>)>,
    input: Option<OsString>,
}

/// Reads the switches of `tool` and the input file name.
fn lex(tool: Tool, args: &[OsString]) -> Result<Words, String> {
    let mut w = Words::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let text = arg.to_string_lossy();
        let Some(name) = text.strip_prefix('-').filter(|n| !n.is_empty()) else {
            if w.input.replace(arg.clone()).is_some() {
                return Err("only one input file".into());
            }
            continue;
        };
        let &(sw, _, takes) = switch(tool.switches(), &name.to_ascii_lowercase())
            .ok_or_else(|| format!("unknown switch -{name}"))?;
        let value = match takes {
            true => Some(
                it.next()
                    .ok_or_else(|| format!("-{sw} needs an argument"))?,
            ),
            false => None,
        };
        w.switches.push((sw, value.cloned()));
        if sw == "drop" {
            let file = it.next().ok_or("-drop needs +X+Y and a file name")?;
            w.switches.push(("drop file", Some(file.clone())));
        }
    }
    Ok(w)
}

/// The text of an argument.
fn text(v: &Option<OsString>) -> String {
    v.as_ref()
        .map(|v| v.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// jpegtran's command line as a jtool one; `None` for `-version`.
fn jpegtran(words: &Words) -> Result<Option<Vec<OsString>>, String> {
    let mut s = Switches {
        input: words.input.clone(),
        ..Switches::default()
    };
    let mut it = words.switches.iter();
    while let Some((sw, value)) = it.next() {
        match *sw {
            "version" => return Ok(None),
            "help" => return Err(String::new()),
            "drop" => {
                let file = it.next().and_then(|(_, f)| f.as_ref());
                one_region(&s, sw, &text(value))?;
                s.drop = Some(drop_spec(&text(value), file.ok_or("-drop needs a file")?)?);
            }
            _ => apply(&mut s, sw, text(value), value.clone())?,
        }
    }
    // jpegtran does one of a turn (with a crop), a wipe or a drop; jtool refuses the
    // mixtures too rather than doing part of what was asked.
    let turned = !s.turn.is_empty() || s.crop.is_some();
    if [turned, s.wipe.is_some(), s.drop.is_some()]
        .iter()
        .filter(|&&b| b)
        .count()
        > 1
        || s.drop.is_some() && s.grayscale
    {
        return Err("can only do one image transformation at a time".into());
    }
    Ok(Some(command(&s)))
}

/// jpegtran takes one of -crop, -drop and -wipe, once.
fn one_region(s: &Switches, sw: &str, v: &str) -> Result<(), String> {
    if s.crop.is_some() || s.wipe.is_some() || s.drop.is_some() {
        return Err(format!("bogus -{sw} argument '{v}'"));
    }
    Ok(())
}

/// jpegtran takes one turn, given any number of times.
fn one_turn(s: &mut Switches, turn: Vec<String>) -> Result<(), String> {
    if !s.turn.is_empty() && s.turn != turn {
        return Err("can only do one image transformation at a time".into());
    }
    s.turn = turn;
    Ok(())
}

/// Records switch `sw` with its argument (`v` as text, `raw` as given).
fn apply(s: &mut Switches, sw: &str, v: String, raw: Option<OsString>) -> Result<(), String> {
    let word = |choices: &[&'static str]| {
        let lower = v.to_ascii_lowercase();
        choices
            .iter()
            .find(|c| !lower.is_empty() && c.starts_with(&lower))
            .copied()
            .ok_or_else(|| format!("-{sw} {v}: expected one of {}", choices.join(", ")))
    };
    match sw {
        "arithmetic" => s.arithmetic = true,
        "copy" => {
            // jpegtran's `icc` keeps no comments, unlike jtool's `--copy icc`.
            let level = word(&["none", "comments", "icc", "all"])?;
            s.copy = Some(if level == "icc" { "icc-only" } else { level }.to_string());
        }
        "crop" => {
            one_region(s, sw, &v)?;
            s.crop = Some(v);
        }
        "debug" | "verbose" => s.global.push("-v".into()),
        "flip" => one_turn(
            s,
            vec!["--flip".into(), word(&["horizontal", "vertical"])?.into()],
        )?,
        "grayscale" | "greyscale" => s.grayscale = true,
        "icc" => s.icc = raw,
        "maxscans" => s.global.extend(["--max-scans".into(), v]),
        "optimize" | "optimise" => s.optimize = true,
        "outfile" => s.outfile = raw,
        "perfect" => s.edge = Some("--perfect"),
        "progressive" => s.progressive = true,
        "restart" => s.restart = Some(v),
        "rotate" => match v.as_str() {
            "90" | "180" | "270" => one_turn(s, vec!["--rotate".into(), v])?,
            _ => return Err(format!("-rotate {v}: 90, 180 or 270")),
        },
        "scans" => s.scans = raw,
        "strict" => s.global.push("--strict".into()),
        "transpose" => one_turn(s, vec!["--transpose".into()])?,
        "transverse" => one_turn(s, vec!["--transverse".into()])?,
        "trim" => s.edge = Some("--trim"),
        "wipe" => {
            one_region(s, sw, &v)?;
            s.wipe = Some(v);
        }
        _ => {} // maxmemory, report: nothing to do
    }
    Ok(())
}

/// `-drop +X+Y FILE`: the place and the file.
fn drop_spec(at: &str, file: &OsString) -> Result<(String, String, OsString), String> {
    let bad = || format!("-drop {at}: expected +X+Y and a file name");
    let (x, y) = at
        .strip_prefix('+')
        .and_then(|r| r.split_once('+'))
        .ok_or_else(bad)?;
    if x.parse::<u32>().is_err() || y.parse::<u32>().is_err() {
        return Err(bad());
    }
    Ok((x.to_string(), y.to_string(), file.clone()))
}

/// The jtool command line that does what the switches ask.
fn command(s: &Switches) -> Vec<OsString> {
    let mut a: Vec<OsString> = vec!["jtool".into()];
    let mut push = |v: &[&str]| a.extend(v.iter().map(OsString::from));
    if let Some(g) = &s.wipe {
        push(&["wipe", "--geometry", g]);
        if s.grayscale {
            push(&["--grayscale"]);
        }
    } else if let Some((x, y, _)) = &s.drop {
        push(&["drop", "--x", x, "--y", y]);
    } else {
        push(&["transform"]);
        push(&s.turn.iter().map(String::as_str).collect::<Vec<_>>());
        if let Some(c) = &s.crop {
            push(&["--crop", c]);
        }
        if s.grayscale {
            push(&["--grayscale"]);
        }
    }
    // -trim and -perfect mean nothing to -wipe, -perfect nothing to -drop (whose -trim
    // is its own).
    match (s.edge, &s.wipe, &s.drop) {
        (Some(e), None, None) => push(&[e]),
        (Some("--trim"), None, Some(_)) => push(&["--trim"]),
        _ => {}
    }
    push(&["--copy", s.copy.as_deref().unwrap_or("comments")]);
    // A scan script decides the mode (it overrides -progressive in jpegtran); without
    // -optimize its sequential scans take the Annex K tables.
    let mode: &[&str] = match (s.arithmetic, s.progressive, s.optimize) {
        _ if s.scans.is_some() => match (s.arithmetic, s.optimize) {
            (true, _) => &["--arithmetic"],
            (false, true) => &[],
            (false, false) => &["--standard-huffman"],
        },
        (true, true, _) => &["--arithmetic", "--progressive"],
        (true, false, _) => &["--arithmetic", "--baseline"],
        (false, true, _) => &["--progressive"],
        (false, false, true) => &["--baseline"],
        (false, false, false) => &["--standard-huffman"],
    };
    push(mode);
    push(&["--restart", s.restart.as_deref().unwrap_or("0")]);
    push(&s.global.iter().map(String::as_str).collect::<Vec<_>>());
    push(&["--warning-exit-code"]);
    for (flag, value) in [("--scans", &s.scans), ("--icc", &s.icc)] {
        if let Some(v) = value {
            a.extend([OsString::from(flag), v.clone()]);
        }
    }
    if let Some((_, _, file)) = &s.drop {
        a.extend([OsString::from("--image"), file.clone()]);
    }
    let dash = || OsString::from("-");
    match (&s.input, &s.outfile) {
        // jpegtran reads its input whole before it opens the output, so `-outfile F F`
        // rewrites F (`find -exec jpegtran -optimize -outfile {} {} \;`): that is asking
        // for an in-place edit, mode and owner kept.
        (Some(i), Some(o)) if super::io::same_file(i.as_ref(), o.as_ref()) => {
            a.extend(["--in-place".into(), i.clone()]);
        }
        _ => {
            a.push(s.input.clone().unwrap_or_else(dash));
            a.push(s.outfile.clone().unwrap_or_else(dash));
        }
    }
    a
}

/// A switch jtool does not do, refused by name.
fn unsupported(tool: Tool, sw: &str, value: &Option<OsString>) -> String {
    let v = value
        .as_ref()
        .map_or(String::new(), |v| format!(" {}", v.to_string_lossy()));
    format!("{} -{sw}{v} is not supported by jtool", tool.name())
}

/// `-dct int|fast|float` as `--dct`, abbreviated as the tools take it (`i`, `fa`, `fl`).
fn dct(a: &mut Vec<OsString>, value: &Option<OsString>) -> Result<(), String> {
    let v = text(value).to_ascii_lowercase();
    let is = |word: &str, min: usize| v.len() >= min && word.starts_with(v.as_str());
    let method = if is("int", 1) {
        "int"
    } else if is("fast", 2) {
        "fast"
    } else if is("float", 2) {
        "float"
    } else {
        return Err(format!("-dct {v}: expected int, fast or float"));
    };
    a.extend(["--dct".into(), method.into()]);
    Ok(())
}

/// `--NAME VALUE` for a switch passed on with its argument.
fn pass(a: &mut Vec<OsString>, name: &str, value: &Option<OsString>) {
    a.extend([OsString::from(name), value.clone().unwrap_or_default()]);
}

/// djpeg's command line as a jtool one; `None` for `-version`.
fn djpeg(words: &Words) -> Result<Option<Vec<OsString>>, String> {
    let mut a: Vec<OsString> = vec!["jtool".into(), "decode".into()];
    let (mut format, mut outfile, mut colour) = ("pnm", None, None);
    // -colors, and the 216 colours -fast asks of a forced quantization when no
    // -colors came before it (djpeg's order matters here).
    let (mut colors, mut fast_colors) = (None, false);
    // djpeg ignores -crop when -skip is given.
    let skips = words.switches.iter().any(|(sw, _)| *sw == "skip");
    for (sw, value) in &words.switches {
        match *sw {
            "version" => return Ok(None),
            "help" => return Err(String::new()),
            "bmp" | "os2" | "targa" => format = sw,
            "pnm" | "ppm" => format = "pnm",
            "crop" if skips => {}
            "crop" | "scale" | "icc" | "skip" => pass(&mut a, &format!("--{sw}"), value),
            "maxscans" => pass(&mut a, "--max-scans", value),
            // The last of -grayscale, -rgb and -rgb565 counts.
            "grayscale" | "greyscale" => colour = Some("--grayscale"),
            "rgb" => colour = Some("--rgb"),
            "rgb565" => colour = Some("--rgb565"),
            "nosmooth" | "strict" => a.push(format!("--{sw}").into()),
            // djpeg -fast: the fast inverse DCT, no smooth upsampling, and for
            // colour-mapped output the one-pass quantizer with ordered dithering.
            "fast" => {
                let fast = [
                    "--dct",
                    "fast",
                    "--nosmooth",
                    "--onepass",
                    "--dither",
                    "ordered",
                ];
                a.extend(fast.map(OsString::from));
                fast_colors |= colors.is_none();
            }
            "colors" | "colours" | "quantize" | "quantise" => colors = Some(text(value)),
            "dither" => {
                let v = text(value).to_ascii_lowercase();
                let is = |w: &str| v.len() >= 2 && w.starts_with(v.as_str());
                let d = ["fs", "none", "ordered"].into_iter().find(|w| is(w));
                let d = d.ok_or_else(|| format!("-dither {v}: expected fs, none or ordered"))?;
                a.extend(["--dither", d].map(OsString::from));
            }
            "onepass" => a.push("--onepass".into()),
            "map" => pass(&mut a, "--map", value),
            "gif" => format = "gif",
            "gif0" => format = "gif0",
            "debug" | "verbose" => a.push("-v".into()),
            "dct" => dct(&mut a, value)?,
            "outfile" => outfile = value.clone(),
            "maxmemory" | "memsrc" | "report" => {}
            _ => return Err(unsupported(Tool::Djpeg, sw, value)),
        }
    }
    if colour == Some("--rgb565") && colors.is_some() {
        return Err("RGB565 output cannot be colour-mapped".into());
    }
    if colour == Some("--rgb565") && !matches!(format, "bmp" | "os2") {
        // djpeg writes RGB565 samples into a BMP file only.
        let name = match format {
            "gif" | "gif0" => "GIF",
            "targa" => "Targa",
            _ => "PPM",
        };
        return Err(format!("{name} output must be grayscale or RGB"));
    }
    a.extend(colour.map(OsString::from));
    match colors {
        Some(n) => a.extend(["--colors".into(), n.into()]),
        None if fast_colors => a.extend(["--gif-colors", "216"].map(OsString::from)),
        None => {}
    }
    a.extend([
        "--format".into(),
        format.into(),
        "--warning-exit-code".into(),
    ]);
    a.push(words.input.clone().unwrap_or_else(|| "-".into()));
    a.push(outfile.unwrap_or_else(|| "-".into()));
    Ok(Some(a))
}

/// cjpeg's command line as a jtool one; `None` for `-version`.
fn cjpeg(words: &Words) -> Result<Option<Vec<OsString>>, String> {
    let mut a: Vec<OsString> = vec!["jtool".into(), "encode".into()];
    let (mut annex_k, mut outfile, mut colour) = (true, None, None);
    // A scan script overrides -progressive, as in cjpeg: the script alone decides the
    // mode, and its sequential scans take the Annex K tables unless -optimize.
    let scripted = words.switches.iter().any(|(sw, _)| *sw == "scans");
    for (sw, value) in &words.switches {
        match *sw {
            "version" => return Ok(None),
            "help" => return Err(String::new()),
            "progressive" if scripted => {}
            "quality" | "qslots" | "qtables" | "scans" | "icc" | "restart" | "smooth"
            | "precision" | "lossless" => pass(&mut a, &format!("--{sw}"), value),
            "sample" => pass(&mut a, "--sampling", value),
            // The last of -grayscale and -rgb counts, as in cjpeg.
            "grayscale" | "greyscale" => colour = Some("--grayscale"),
            "rgb" => colour = Some("--rgb"),
            "baseline" | "progressive" | "arithmetic" | "strict" => {
                annex_k &= !matches!(*sw, "progressive" | "arithmetic");
                a.push(format!("--{sw}").into());
            }
            "optimize" | "optimise" => annex_k = false,
            "debug" | "verbose" => a.push("-v".into()),
            "dct" => dct(&mut a, value)?,
            "outfile" => outfile = value.clone(),
            "targa" | "maxmemory" | "memdst" | "report" => {}
            _ => return Err(unsupported(Tool::Cjpeg, sw, value)),
        }
    }
    a.extend(colour.map(OsString::from));
    if annex_k {
        a.push("--standard-huffman".into());
    }
    a.push("--warning-exit-code".into());
    a.push(words.input.clone().unwrap_or_else(|| "-".into()));
    a.push(outfile.unwrap_or_else(|| "-".into()));
    Ok(Some(a))
}

/// exiftran's options: getopt letters, which may be grouped (`-ai`); `-c`, `-o` and
/// `-n` take an argument (the rest of the group, or the next word).
#[derive(Debug, Default)]
struct Exiftran {
    op: Option<char>,
    regenerate: bool,
    /// `-d`: list the Exif data.
    dump: bool,
    comment: Option<OsString>,
    output: Option<OsString>,
    in_place: bool,
    preserve: bool,
    /// `-n` letters: t (thumbnail), i (image), o (orientation tag), p (pare edges).
    not: Vec<char>,
    backup: bool,
    files: Vec<OsString>,
}

/// Reads exiftran's options.
fn exiftran_options(args: &[OsString]) -> Result<Exiftran, String> {
    let mut e = Exiftran::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let text = arg.to_string_lossy().into_owned();
        let Some(group) = text.strip_prefix('-').filter(|g| !g.is_empty()) else {
            e.files.push(arg.clone());
            continue;
        };
        for (i, c) in group.char_indices() {
            if matches!(c, 'c' | 'o' | 'n') {
                let rest = &group[i + c.len_utf8()..];
                let value: OsString = match rest.is_empty() {
                    true => it.next().ok_or(format!("-{c} needs an argument"))?.clone(),
                    false => rest.into(),
                };
                match c {
                    'c' => e.comment = Some(value),
                    'o' => e.output = Some(value),
                    _ => e.not.extend(value.to_string_lossy().chars()),
                }
                break;
            }
            match c {
                'a' | '9' | '1' | '2' | 'f' | 'F' | 't' | 'T' => e.op = Some(c),
                'g' => e.regenerate = true,
                'd' => e.dump = true,
                'i' => e.in_place = true,
                'b' => e.backup = true,
                'p' => e.preserve = true,
                'h' => return Err(String::new()),
                _ => return Err(format!("unknown option -{c}")),
            }
        }
    }
    Ok(e)
}

/// exiftran's command line as a jtool one.
fn exiftran(args: &[OsString]) -> Result<Option<Vec<OsString>>, String> {
    let e = exiftran_options(args)?;
    let mut a: Vec<OsString> = vec!["jtool".into()];
    if e.dump {
        if e.files.is_empty() {
            return Err("-d needs the files to list".into());
        }
        a.push("exif".into());
        a.extend(e.files.iter().cloned());
        return Ok(Some(a));
    }
    let mut push = |v: &[&str]| a.extend(v.iter().map(OsString::from));
    if let Some(n) = e.not.iter().find(|n| !matches!(n, 'o' | 'p' | 't' | 'i')) {
        return Err(format!("exiftran -n{n} is not supported by jtool"));
    }
    let (keep_tag, trim) = (e.not.contains(&'o'), e.not.contains(&'p'));
    let thumbnail: &[&str] = match (e.not.contains(&'i'), e.not.contains(&'t')) {
        (true, true) => return Err("-ni with -nt leaves nothing to do".into()),
        (true, false) => &["--only-thumbnail"],
        (false, true) => &["--leave-thumbnail"],
        (false, false) => &[],
    };
    match (e.op, &e.comment) {
        (Some(_), Some(_)) => return Err("-c with a transform is not supported by jtool".into()),
        (Some('a'), _) if keep_tag => return Err("-a with -no is not supported by jtool".into()),
        (Some('a'), _) => {
            push(&["auto-orient", "--skip-upright"]);
            push(thumbnail);
        }
        (Some(op), _) => {
            let words: &[&str] = match op {
                '9' => &["rotate", "90"],
                '1' => &["rotate", "180"],
                '2' => &["rotate", "270"],
                'f' => &["flip", "vertical"],
                'F' => &["flip", "horizontal"],
                't' => &["transpose"],
                _ => &["transverse"],
            };
            push(words);
            if !keep_tag {
                push(&["--reset-orientation"]);
            }
            push(thumbnail);
        }
        (None, Some(_)) => push(&["comment", "--replace", "--add"]),
        (None, None) if e.regenerate => push(&["thumbnail", "--regenerate"]),
        (None, None) => return Err("no transformation given".into()),
    }
    if let Some(c) = &e.comment {
        a.push(c.clone());
    } else if trim {
        a.push("--trim".into());
    }
    if e.preserve {
        a.push("--preserve-times".into());
    }
    match (&e.output, e.in_place, e.files.as_slice()) {
        (None, true, files) if !files.is_empty() => {
            a.push("--in-place".into());
            if e.backup {
                a.push("--backup".into());
            }
            a.extend(files.iter().cloned());
        }
        (Some(out), false, [file]) => a.extend([file.clone(), out.clone()]),
        (Some(_), false, _) => return Err("-o takes one input file".into()),
        _ => return Err("give either an output file (-o FILE) or -i, and the input files".into()),
    }
    Ok(Some(a))
}

/// jpegoptim's options read (getopt_long: `-m85`, `-m 85`, `--max=85`, `--max 85`).
#[derive(Debug, Default)]
struct Jpegoptim {
    max: Option<String>,
    size: Option<String>,
    dest: Option<OsString>,
    threshold: Option<String>,
    force: bool,
    preserve: bool,
    /// `-P`: overwrite each file rather than rename a new one over it.
    preserve_perms: bool,
    strip_all: bool,
    /// jtool `--keep` classes named by `--strip-X` (removed) and `--keep-X` (kept).
    strip: Vec<&'static str>,
    keep: Vec<&'static str>,
    mode: Option<&'static str>,
    dry_run: bool,
    overwrite: bool,
    stdin: bool,
    stdout: bool,
    nofix: bool,
    report: Option<&'static str>,
    totals: bool,
    /// `-w N` (jpegoptim 1.5): files optimised at once.
    workers: Option<String>,
    /// `--files-from=FILE` / `--files-stdin` (jpegoptim 1.5): the names listed there.
    files_from: Option<OsString>,
    files: Vec<OsString>,
}

/// The jtool metadata class of jpegoptim's `--strip-X` / `--keep-X` name.
fn jpegoptim_class(name: &str) -> Option<&'static str> {
    Some(match name {
        "adobe" => "adobe",
        "com" => "comments",
        "exif" => "exif",
        "iptc" => "photoshop",
        "icc" => "icc",
        "jfxx" => "jfxx",
        "xmp" => "xmp",
        _ => return None,
    })
}

/// Every class jtool's `--keep` names.
const ALL_CLASSES: &[&str] = &[
    "jfif",
    "adobe",
    "jfxx",
    "exif",
    "xmp",
    "icc",
    "mpf",
    "c2pa",
    "ducky",
    "photoshop",
    "comments",
    "other",
];

/// Reads one jpegoptim option (`name` without dashes, `value` if it was attached).
fn jpegoptim_option(
    o: &mut Jpegoptim,
    name: &str,
    value: &mut dyn FnMut() -> Result<OsString, String>,
) -> Result<bool, String> {
    match name {
        "m" | "max" => o.max = Some(value()?.to_string_lossy().into_owned()),
        "S" | "size" => o.size = Some(value()?.to_string_lossy().into_owned()),
        "d" | "dest" => o.dest = Some(value()?),
        "T" | "threshold" => o.threshold = Some(value()?.to_string_lossy().into_owned()),
        "w" | "workers" => {
            let v = value()?.to_string_lossy().into_owned();
            let n = v
                .trim()
                .parse::<usize>()
                .map_err(|_| format!("-w needs a number, not {v:?}"))?;
            o.workers = Some(n.max(1).to_string());
        }
        "f" | "force" => o.force = true,
        "p" | "preserve" => o.preserve = true,
        "s" | "strip-all" => o.strip_all = true,
        "strip-none" => {
            (o.strip_all, o.strip) = (false, Vec::new());
        }
        "all-normal" => o.mode = Some("--baseline"),
        "all-progressive" => o.mode = Some("--progressive"),
        "n" | "noaction" => o.dry_run = true,
        "o" | "overwrite" => o.overwrite = true,
        "stdin" => o.stdin = true,
        "files-from" => o.files_from = Some(value()?),
        "files-stdin" => o.files_from = Some("-".into()),
        "stdout" => o.stdout = true,
        "nofix" => o.nofix = true,
        "q" | "quiet" => o.report = Some("quiet"),
        "b" | "csv" => o.report = Some("csv"),
        "t" | "totals" => o.totals = true,
        "P" | "preserve-perms" => o.preserve_perms = true,
        "v" | "verbose" => {}
        long if long.starts_with("strip-") || long.starts_with("keep-") => {
            let (strip, kind) = long.split_once('-').unwrap_or_default();
            let class = jpegoptim_class(kind)
                .ok_or_else(|| format!("jpegoptim --{long} is not an option"))?;
            match strip {
                "strip" => o.strip.push(class),
                _ => o.keep.push(class),
            }
        }
        "h" | "help" => return Err(String::new()),
        "V" | "version" => return Ok(false),
        other => {
            let dashes = if other.len() == 1 { "-" } else { "--" };
            return Err(format!(
                "jpegoptim {dashes}{other} is not supported by jtool"
            ));
        }
    }
    Ok(true)
}

/// Reads jpegoptim's options; `None` for `--version`.
fn jpegoptim_options(args: &[OsString]) -> Result<Option<Jpegoptim>, String> {
    const VALUED: &[&str] = &[
        "m",
        "max",
        "S",
        "size",
        "d",
        "dest",
        "T",
        "threshold",
        "w",
        "workers",
        "files-from",
    ];
    let mut o = Jpegoptim::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let text = arg.to_string_lossy().into_owned();
        let mut next = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{text} needs a value"))
        };
        if let Some(long) = text.strip_prefix("--").filter(|l| !l.is_empty()) {
            let (name, attached) = match long.split_once('=') {
                Some((n, v)) => (n, Some(OsString::from(v))),
                None => (long, None),
            };
            let mut value = || attached.clone().map_or_else(&mut next, Ok);
            let value: &mut dyn FnMut() -> Result<OsString, String> = &mut value;
            if !jpegoptim_option(&mut o, name, value)? {
                return Ok(None);
            }
        } else if let Some(group) = text.strip_prefix('-').filter(|g| !g.is_empty()) {
            for (i, c) in group.char_indices() {
                let name = c.to_string();
                if VALUED.contains(&name.as_str()) {
                    let rest = &group[i + c.len_utf8()..];
                    let mut value = || match rest.is_empty() {
                        true => next(),
                        false => Ok(OsString::from(rest)),
                    };
                    if !jpegoptim_option(&mut o, &name, &mut value)? {
                        return Ok(None);
                    }
                    break;
                }
                if !jpegoptim_option(&mut o, &name, &mut || Err(String::new()))? {
                    return Ok(None);
                }
            }
        } else {
            o.files.push(arg.clone());
        }
    }
    Ok(Some(o))
}

/// jpegoptim's command line as a jtool one: `copy` (lossless), or `requantize --max`
/// / `--size`; in place unless `-d` or `--stdout`; a file is replaced only by a smaller
/// one (by `-T` percent) unless `-f`; jpegoptim's line for each file unless `-q`.
fn jpegoptim(args: &[OsString]) -> Result<Option<Vec<OsString>>, String> {
    let Some(o) = jpegoptim_options(args)? else {
        return Ok(None);
    };
    let mut a: Vec<OsString> = vec!["jtool".into()];
    let mut push = |v: &[&str]| a.extend(v.iter().map(OsString::from));
    match (&o.max, &o.size) {
        (Some(_), Some(_)) => return Err("give either -m or -S".into()),
        (Some(q), None) => push(&["requantize", "--quality", q, "--max"]),
        (None, Some(s)) => {
            // jpegoptim's plain number is kilobytes.
            let size = match s.ends_with(['%', 'k', 'K']) {
                true => s.to_lowercase(),
                false => format!("{s}k"),
            };
            push(&["requantize", "--size", &size]);
        }
        (None, None) => push(&["copy"]),
    }
    // libjpeg, which jpegoptim writes with, writes no restart interval.
    match (o.strip_all, o.strip.is_empty() && o.keep.is_empty()) {
        (false, true) => push(&["--copy", "all"]),
        (true, true) => push(&["--copy", "none"]),
        _ => push(&["--keep", &jpegoptim_keep(&o).join(",")]),
    }
    push(&["--restart", "0"]);
    push(o.mode.as_slice());
    match (o.force, &o.threshold) {
        (true, _) => {}
        // jpegoptim reads the threshold as C's atoi does: its leading digits.
        (false, Some(t)) => {
            let digits: String = t.trim().chars().take_while(char::is_ascii_digit).collect();
            push(&[
                "--min-saving",
                if digits.is_empty() { "0" } else { &digits },
            ]);
        }
        (false, None) => push(&["--only-smaller"]),
    }
    for (on, flag) in [
        (o.preserve, "--preserve-times"),
        (o.dry_run, "--dry-run"),
        (o.nofix, "--strict"),
        // The average comes with the text lines only.
        (o.totals && o.report.is_none(), "--jpegoptim-totals"),
    ] {
        if on {
            push(&[flag]);
        }
    }
    match o.report {
        Some("quiet") => {}
        style => push(&["--jpegoptim-report", style.unwrap_or("plain")]),
    }
    if let Some(n) = &o.workers {
        push(&["--jobs", n]);
    }
    jpegoptim_files(&o, &mut a)?;
    Ok(Some(a))
}

/// The `--keep` classes for jpegoptim's strip options: everything but what
/// `--strip-X` names, or with `-s` what `--keep-X` names. JFIF and Adobe segments stay
/// (they say how the colours are read; jpegoptim's libjpeg writes its own).
fn jpegoptim_keep(o: &Jpegoptim) -> Vec<&'static str> {
    let colour = ["jfif", "adobe"];
    ALL_CLASSES
        .iter()
        .copied()
        .filter(|c| match o.strip_all {
            true => colour.contains(c) || o.keep.contains(c),
            false => colour.contains(c) || !o.strip.contains(c),
        })
        .collect()
}

/// Where jpegoptim's files go: in place, to `-d DIR` (not over an existing file unless
/// `-o`), or with `--stdout` one file (or `--stdin`) to standard output.
fn jpegoptim_files(o: &Jpegoptim, a: &mut Vec<OsString>) -> Result<(), String> {
    if o.stdout || o.stdin {
        let input = match (o.stdin, o.files.as_slice()) {
            (true, []) => OsString::from("-"),
            (false, [f]) => f.clone(),
            _ => return Err("--stdout takes one file, --stdin none".into()),
        };
        if !o.stdout {
            return Err("--stdin needs --stdout".into());
        }
        a.extend([input, "-".into()]);
        return Ok(());
    }
    match &o.dest {
        Some(d) => {
            // A file kept as it was is not copied to the directory.
            a.extend([OsString::from("--out-dir"), d.clone(), "--skip-kept".into()]);
            if !o.overwrite {
                a.push("--no-clobber".into());
            }
        }
        None => a.push("--in-place".into()),
    }
    if o.preserve_perms && o.dest.is_none() {
        a.push("--keep-inode".into());
    }
    if let Some(list) = &o.files_from {
        a.extend(["--files-from".into(), list.clone()]);
    } else if o.files.is_empty() {
        return Err("no files given".into());
    }
    a.extend(o.files.iter().cloned());
    Ok(())
}

/// The usage summary of `tool`'s command line, for a usage error.
pub fn usage(tool: Tool) -> &'static str {
    match tool {
        Tool::Jpegtran => {
            "usage: jtool jpegtran [switches] [inputfile]   (jpegtran's switches)
  -copy none|comments|icc|all  -optimize  -progressive  -arithmetic
  -crop WxH+X+Y  -drop +X+Y filename  -flip horizontal|vertical  -grayscale
  -perfect  -rotate 90|180|270  -transpose  -transverse  -trim  -wipe WxH+X+Y
  -icc FILE  -restart N[B]  -scans FILE  -maxmemory N  -maxscans N
  -outfile name  -report  -strict  -verbose  -version
"
        }
        Tool::Djpeg => {
            "usage: jtool djpeg [switches] [inputfile]   (djpeg's switches)
  -grayscale  -rgb  -scale M/N  -bmp  -os2  -pnm  -targa  -dct int|fast|float  -nosmooth
  -icc FILE  -crop WxH+X+Y  -skip Y0,Y1  -maxmemory N  -maxscans N  -outfile name
  -report  -strict  -verbose  -version
"
        }
        Tool::Jpegoptim => {
            "usage: jtool jpegoptim [options] file...   (jpegoptim's options)
  -m Q, --max=Q   requantize to IJG quality Q where the file's is higher
  -S N[%], --size=N[%]   at most N kilobytes (or N% of the file)
  -T N, --threshold=N   keep the file unless the saving is at least N%
  -s, --strip-all  --strip-none  --strip-X  --keep-X
      (X: adobe com exif iptc icc jfxx xmp)  --all-normal  --all-progressive
  -d DIR, --dest=DIR  -o, --overwrite  -f, --force  -n, --noaction
  -p, --preserve  -P, --preserve-perms  -q, --quiet  -t, --totals  -b, --csv
  --stdin  --stdout  --nofix  -w N, --workers=N  --files-from=FILE  --files-stdin
  (-v: no effect)
"
        }
        Tool::Exiftran => {
            "usage: jtool exiftran [options] file...   (exiftran's options)
  -a  -9  -1  -2  -f  -F  -t  -T   automatic (Exif), rotate 90/180/270, mirror
                                   top/bottom, left/right, transpose, transverse
  -np  don't pare: trim the edges that cannot be transformed
  -no  don't update the orientation tag      -g  (re)generate the thumbnail
  -c TEXT  set the comment   -o FILE  output file   -i  in place   -p  keep times
  -d  list the Exif data (jtool exif)
"
        }
        Tool::Jhead => {
            "usage: jtool jhead [options] file...   (jhead's options)
  -ta<+|->h[:mm[:ss]]  -da<date>-<date>  -ts<yyyy:mm:dd-hh:mm:ss>  -ds<yyyy[:mm[:dd]]>
  -dsft  -tf FILE  -ft  -n[format]   dates, file times and names
  -autorot  -norot  -dt  -zt  -st NAME  -rt FILE  -rgt[N]   rotation and thumbnails
  -te FILE  -mkexif  -cmd COMMAND   Exif from another file, a minimal one, or a command
  -de  -dc  -di  -dx  -du  -purejpg  -cl TEXT  -ci FILE  -ce  -cs NAME   metadata, comments
  -model TEXT  -exonly  -orp  -orl  -quality N   which files
  -q  -se  -c  -v  -nofinfo  -V   (no other effect; no switch: jtool exif --summary)
"
        }
        Tool::Cjpeg => {
            "usage: jtool cjpeg [switches] [inputfile]   (cjpeg's switches)
  -quality N[,...]  -grayscale  -rgb  -optimize  -progressive  -arithmetic
  -baseline  -dct int|fast|float  -qtables FILE  -qslots N[,...]  -sample HxV[,...]
  -scans FILE  -icc FILE  -restart N[B]  -smooth N  -precision N  -lossless PSV[,PT]  -targa
  -maxmemory N  -outfile name
  -report  -strict  -verbose  -version
"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(line: &str) -> Compat {
        let argv: Vec<OsString> = line.split(' ').map(OsString::from).collect();
        compat(&argv)
    }

    fn jtool(line: &str) -> Compat {
        Compat::Run(line.split(' ').map(OsString::from).collect())
    }

    #[test]
    fn jpegtran_writing_over_its_input_is_an_in_place_edit() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("a.jpg");
        std::fs::write(&f, b"x").unwrap();
        let f = f.to_str().unwrap();
        assert_eq!(
            run(&format!("jpegtran -optimize -copy all -outfile {f} {f}")),
            jtool(&format!(
                "jtool transform --copy all --baseline --restart 0 --warning-exit-code --in-place {f}"
            ))
        );
    }

    #[test]
    fn switches_become_the_jtool_command() {
        let same = |a: &str, b: &str| assert_eq!(run(a), jtool(b), "{a}");
        same(
            "jtool jpegtran in.jpg",
            "jtool transform --copy comments --standard-huffman --restart 0 --warning-exit-code in.jpg -",
        );
        same(
            "/usr/local/bin/jpegtran -rot 90 -copy all -opt -outfile out.jpg in.jpg",
            "jtool transform --rotate 90 --copy all --baseline --restart 0 --warning-exit-code in.jpg out.jpg",
        );
        same(
            "jpegtran -flip h -crop 16x8+0+8 -gray -trim -progressive",
            "jtool transform --flip horizontal --crop 16x8+0+8 --grayscale --trim --copy comments --progressive --restart 0 --warning-exit-code - -",
        );
        same(
            "jpegtran -arith -restart 2B -maxscans 50 -strict -maxmemory 4m -report -t x.jpg",
            "jtool transform --transpose --copy comments --arithmetic --baseline --restart 2B --max-scans 50 --strict --warning-exit-code x.jpg -",
        );
        same(
            "jpegtran -wipe 8x8+0+0 -copy none -icc p.icc a.jpg",
            "jtool wipe --geometry 8x8+0+0 --copy none --standard-huffman --restart 0 --warning-exit-code --icc p.icc a.jpg -",
        );
        same(
            "jpegtran -drop +16+8 d.jpg -trim a.jpg",
            "jtool drop --x 16 --y 8 --trim --copy comments --standard-huffman --restart 0 --warning-exit-code --image d.jpg a.jpg -",
        );
        same(
            "jpegtran -transverse -scans s.txt a.jpg",
            "jtool transform --transverse --copy comments --standard-huffman --restart 0 --warning-exit-code --scans s.txt a.jpg -",
        );
    }

    #[test]
    fn djpeg_and_cjpeg_switches() {
        let same = |a: &str, b: &str| assert_eq!(run(a), jtool(b), "{a}");
        same(
            "jtool djpeg -scale 1/4 -gray -nos -bmp -outfile o.bmp in.jpg",
            "jtool decode --scale 1/4 --nosmooth --grayscale --format bmp --warning-exit-code in.jpg o.bmp",
        );
        same(
            "djpeg -dct int -crop 8x8+1+1 -maxscans 9 -targa",
            "jtool decode --dct int --crop 8x8+1+1 --max-scans 9 --format targa --warning-exit-code - -",
        );
        same(
            "jtool cjpeg -quality 90,80 -sample 1x1 -outfile o.jpg in.ppm",
            "jtool encode --quality 90,80 --sampling 1x1 --standard-huffman --warning-exit-code in.ppm o.jpg",
        );
        same(
            "cjpeg -opt -rgb -qtables t.txt -qslots 0 -restart 2B -dct int",
            "jtool encode --qtables t.txt --qslots 0 --restart 2B --dct int --rgb --warning-exit-code - -",
        );
        same(
            "djpeg -dct FA -outfile o.ppm i.jpg",
            "jtool decode --dct fast --format pnm --warning-exit-code i.jpg o.ppm",
        );
        same(
            "cjpeg -prog -baseline in.gif",
            "jtool encode --progressive --baseline --warning-exit-code in.gif -",
        );
        for bad in [
            "djpeg -rgb565",
            "djpeg -rgb565 -targa",
            "djpeg -dct f",
            "jpegtran -wipe 8x8+0+0 -rotate 90",
            "jpegtran -crop 8x8+0+0 -wipe 8x8+0+0",
            "jpegtran -drop +0+0 a.jpg -wipe 8x8+0+0",
            "jpegtran -drop +0+0 a.jpg -flip h",
            "jpegtran -drop +0+0 a.jpg -grayscale",
            // One turn (repeated is fine), one region, as jpegtran takes them.
            "jpegtran -rotate 90 -rotate 180",
            "jpegtran -flip h -transpose",
            "jpegtran -crop 8x8+0+0 -crop 16x16+0+0",
            "jpegtran -wipe 8x8+0+0 -wipe 8x8+8+8",
            "djpeg -rgb565",
            "djpeg -dither x",
            "cjpeg -dct x",
            "cjpeg -q",
        ] {
            assert!(matches!(run(bad), Compat::Usage(..)), "{bad}");
        }
    }

    #[test]
    fn exiftran_options() {
        let same = |a: &str, b: &str| assert_eq!(run(a), jtool(b), "{a}");
        same(
            "jtool exiftran -ai a.jpg b.jpg",
            "jtool auto-orient --skip-upright --in-place a.jpg b.jpg",
        );
        same(
            "exiftran -9 -np -p -o out.jpg in.jpg",
            "jtool rotate 90 --reset-orientation --trim --preserve-times in.jpg out.jpg",
        );
        same(
            "exiftran -Fno -o o.jpg i.jpg",
            "jtool flip horizontal i.jpg o.jpg",
        );
        same(
            "exiftran -T -i x.jpg",
            "jtool transverse --reset-orientation --in-place x.jpg",
        );
        same(
            "exiftran -g -i x.jpg",
            "jtool thumbnail --regenerate --in-place x.jpg",
        );
        same(
            "exiftran -bai a.jpg",
            "jtool auto-orient --skip-upright --in-place --backup a.jpg",
        );
        same(
            "exiftran -9 -nt -o o.jpg i.jpg",
            "jtool rotate 90 --reset-orientation --leave-thumbnail i.jpg o.jpg",
        );
        same(
            "exiftran -ani -i x.jpg",
            "jtool auto-orient --skip-upright --only-thumbnail --in-place x.jpg",
        );
        assert_eq!(
            run("exiftran -d a.jpg b.jpg"),
            jtool("jtool exif a.jpg b.jpg")
        );
        assert_eq!(
            run("exiftran -c hi -o o.jpg i.jpg"),
            jtool("jtool comment --replace --add hi i.jpg o.jpg")
        );
        for bad in [
            "exiftran -9 x.jpg",
            "exiftran -9 -o o.jpg a.jpg b.jpg",
            "exiftran -d",
            "exiftran -nt -ni -9 -i a.jpg",
            "exiftran -c hi -9 -i a.jpg",
            "exiftran -i a.jpg",
            "exiftran -ano -i a.jpg",
        ] {
            assert!(matches!(run(bad), Compat::Usage(..)), "{bad}");
        }
    }

    #[test]
    fn jpegoptim_options() {
        let same = |a: &str, b: &str| assert_eq!(run(a), jtool(b), "{a}");
        same(
            "jtool jpegoptim a.jpg b.jpg",
            "jtool copy --copy all --restart 0 --only-smaller --jpegoptim-report plain --in-place a.jpg b.jpg",
        );
        same(
            "jpegoptim -m85 --strip-all -d out -p x.jpg",
            "jtool requantize --quality 85 --max --copy none --restart 0 --only-smaller --preserve-times --jpegoptim-report plain --out-dir out --skip-kept --no-clobber x.jpg",
        );
        same(
            "jpegoptim --size=30% -f --all-progressive -b -o -d o x.jpg",
            "jtool requantize --size 30% --copy all --restart 0 --progressive --jpegoptim-report csv --out-dir o --skip-kept x.jpg",
        );
        same(
            "jpegoptim -qt --max 70 x.jpg",
            "jtool requantize --quality 70 --max --copy all --restart 0 --only-smaller --in-place x.jpg",
        );
        same(
            "jpegoptim -nt -T5.5 --strip-exif --strip-com --nofix a.jpg",
            "jtool copy --keep jfif,adobe,jfxx,xmp,icc,mpf,c2pa,ducky,photoshop,other --restart 0 --min-saving 5 --dry-run --strict --jpegoptim-totals --jpegoptim-report plain --in-place a.jpg",
        );
        same(
            "jpegoptim -P --preserve-perms a.jpg",
            "jtool copy --copy all --restart 0 --only-smaller --jpegoptim-report plain --in-place --keep-inode a.jpg",
        );
        same(
            "jpegoptim -P -d o a.jpg",
            "jtool copy --copy all --restart 0 --only-smaller --jpegoptim-report plain --out-dir o --skip-kept --no-clobber a.jpg",
        );
        same(
            "jpegoptim --files-from=list.txt -q",
            "jtool copy --copy all --restart 0 --only-smaller --in-place --files-from list.txt",
        );
        same(
            "jpegoptim --files-stdin -d o a.jpg",
            "jtool copy --copy all --restart 0 --only-smaller --jpegoptim-report plain --out-dir o --skip-kept --no-clobber --files-from - a.jpg",
        );
        same(
            "jpegoptim -w2 --workers=3 a.jpg b.jpg",
            "jtool copy --copy all --restart 0 --only-smaller --jpegoptim-report plain --jobs 3 --in-place a.jpg b.jpg",
        );
        same(
            "jpegoptim -s --keep-icc --keep-xmp --stdout a.jpg",
            "jtool copy --keep jfif,adobe,xmp,icc --restart 0 --only-smaller --jpegoptim-report plain a.jpg -",
        );
        for bad in [
            "jpegoptim",
            "jpegoptim --strip-foo a.jpg",
            "jpegoptim --stdin a.jpg",
            "jpegoptim --stdout a.jpg b.jpg",
            "jpegoptim -m",
            "jpegoptim -S 200 -m 70 x.jpg",
            "jpegoptim -w x a.jpg",
        ] {
            assert!(matches!(run(bad), Compat::Usage(..)), "{bad}");
        }
        assert_eq!(run("jpegoptim --version"), Compat::Version(Tool::Jpegoptim));
    }

    #[test]
    fn other_command_lines_and_errors() {
        assert_eq!(run("jtool rotate 90 a.jpg"), Compat::No);
        assert_eq!(run("jpegtran -version"), Compat::Version(Tool::Jpegtran));
        for bad in [
            "jpegtran -bogus",
            "jpegtran -rotate 45",
            "jpegtran -flip x",
            "jpegtran -copy",
            "jpegtran -drop 1+2 d.jpg",
            "jpegtran -drop +1+2",
            "jpegtran a.jpg b.jpg",
            "jpegtran -c all",
            "jpegtran -m 5",
        ] {
            assert!(matches!(run(bad), Compat::Usage(..)), "{bad}");
        }
    }
}
