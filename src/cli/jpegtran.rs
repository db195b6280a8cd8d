//! jpegtran's command line, for scripts that call jpegtran: `jtool jpegtran SWITCHES
//! [INFILE]`, or jtool run under the name `jpegtran` (a symbolic link).
//!
//! The switches are libjpeg-turbo jpegtran's, single-dash and abbreviable as it allows
//! (each name is tried in jpegtran's order; an abbreviation matches the first name it
//! begins, when at least as long as that name's shortest form). They are turned into
//! the jtool command that does the same, with jpegtran's defaults where jtool's differ:
//! only comments are copied (`-copy comments`), the output is sequential with the
//! Annex K Huffman tables unless `-optimize`, `-progressive` or `-arithmetic` says
//! otherwise, and it has no restart interval unless `-restart` sets one. The image is
//! read from INFILE or standard input and written to `-outfile` or standard output.
//! `-maxmemory` and `-report` are accepted and have no effect; `-verbose` is jtool's
//! `-v`. Unlike jpegtran, an output file is never left half written.

use std::ffi::OsString;

/// The switches, in the order jpegtran tries them, with the shortest abbreviation each
/// accepts and whether it takes an argument.
const SWITCHES: &[(&str, usize, bool)] = &[
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

/// What the switches asked for.
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

/// What `jtool jpegtran ...` (or jtool called `jpegtran`) amounts to.
#[derive(Debug, PartialEq, Eq)]
pub enum Compat {
    /// Not a jpegtran command line.
    No,
    /// The jtool command line to run instead.
    Run(Vec<OsString>),
    /// Print the version and stop.
    Version,
    /// A usage error (the message; the usage text follows it).
    Usage(String),
}

/// The jtool command line for `argv` when it is a jpegtran one.
pub fn compat(argv: &[OsString]) -> Compat {
    let called = argv
        .first()
        .map(std::path::Path::new)
        .and_then(|p| p.file_stem());
    let switches = if called.is_some_and(|n| n.to_string_lossy().starts_with("jpegtran")) {
        &argv[1.min(argv.len())..]
    } else if argv.get(1).is_some_and(|a| a == "jpegtran") {
        &argv[2..]
    } else {
        return Compat::No;
    };
    match parse(switches) {
        Ok(None) => Compat::Version,
        Ok(Some(s)) => Compat::Run(command(&s)),
        Err(m) => Compat::Usage(m),
    }
}

/// The switch `arg` names (without its dash), if any.
fn switch(arg: &str) -> Option<&'static (&'static str, usize, bool)> {
    SWITCHES
        .iter()
        .find(|(name, min, _)| arg.len() >= *min && name.starts_with(arg))
}

/// Reads the switches and the input file name; `None` for `-version`.
fn parse(args: &[OsString]) -> Result<Option<Switches>, String> {
    let mut s = Switches::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let text = arg.to_string_lossy();
        let Some(name) = text.strip_prefix('-').filter(|n| !n.is_empty()) else {
            if s.input.replace(arg.clone()).is_some() {
                return Err("only one input file".into());
            }
            continue;
        };
        let &(sw, _, takes) =
            switch(&name.to_ascii_lowercase()).ok_or_else(|| format!("unknown switch -{name}"))?;
        let value = match takes {
            true => Some(
                it.next()
                    .ok_or_else(|| format!("-{sw} needs an argument"))?,
            ),
            false => None,
        };
        let v = || {
            value
                .map(|v| v.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        match sw {
            "version" => return Ok(None),
            "help" => return Err(String::new()),
            "drop" => {
                let file = it.next().ok_or("-drop needs +X+Y and a file name")?;
                s.drop = Some(drop_spec(&v(), file)?);
            }
            _ => apply(&mut s, sw, v(), value.cloned())?,
        }
    }
    Ok(Some(s))
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
        "crop" => s.crop = Some(v),
        "debug" | "verbose" => s.global.push("-v".into()),
        "flip" => s.turn = vec!["--flip".into(), word(&["horizontal", "vertical"])?.into()],
        "grayscale" | "greyscale" => s.grayscale = true,
        "icc" => s.icc = raw,
        "maxscans" => s.global.extend(["--max-scans".into(), v]),
        "optimize" | "optimise" => s.optimize = true,
        "outfile" => s.outfile = raw,
        "perfect" => s.edge = Some("--perfect"),
        "progressive" => s.progressive = true,
        "restart" => s.restart = Some(v),
        "rotate" => match v.as_str() {
            "90" | "180" | "270" => s.turn = vec!["--rotate".into(), v],
            _ => return Err(format!("-rotate {v}: 90, 180 or 270")),
        },
        "scans" => s.scans = raw,
        "strict" => s.global.push("--strict".into()),
        "transpose" => s.turn = vec!["--transpose".into()],
        "transverse" => s.turn = vec!["--transverse".into()],
        "trim" => s.edge = Some("--trim"),
        "wipe" => s.wipe = Some(v),
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
    if let Some(e) = s.edge {
        push(&[e]);
    }
    push(&["--copy", s.copy.as_deref().unwrap_or("comments")]);
    let mode: &[&str] = match (s.arithmetic, s.progressive, s.optimize) {
        (true, true, _) => &["--arithmetic", "--progressive"],
        (true, false, _) => &["--arithmetic", "--baseline"],
        (false, true, _) => &["--progressive"],
        (false, false, true) => &["--baseline"],
        (false, false, false) => &["--standard-huffman"],
    };
    push(mode);
    push(&["--restart", s.restart.as_deref().unwrap_or("0")]);
    push(&s.global.iter().map(String::as_str).collect::<Vec<_>>());
    for (flag, value) in [("--scans", &s.scans), ("--icc", &s.icc)] {
        if let Some(v) = value {
            a.extend([OsString::from(flag), v.clone()]);
        }
    }
    if let Some((_, _, file)) = &s.drop {
        a.extend([OsString::from("--image"), file.clone()]);
    }
    let dash = || OsString::from("-");
    a.push(s.input.clone().unwrap_or_else(dash));
    a.push(s.outfile.clone().unwrap_or_else(dash));
    a
}

/// jpegtran's usage summary, for a usage error.
pub const USAGE: &str = "usage: jtool jpegtran [switches] [inputfile]   (jpegtran's switches)
  -copy none|comments|icc|all  -optimize  -progressive  -arithmetic
  -crop WxH+X+Y  -drop +X+Y filename  -flip horizontal|vertical  -grayscale
  -perfect  -rotate 90|180|270  -transpose  -transverse  -trim  -wipe WxH+X+Y
  -icc FILE  -restart N[B]  -scans FILE  -maxmemory N  -maxscans N
  -outfile name  -report  -strict  -verbose  -version
";

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
    fn switches_become_the_jtool_command() {
        let same = |a: &str, b: &str| assert_eq!(run(a), jtool(b), "{a}");
        same(
            "jtool jpegtran in.jpg",
            "jtool transform --copy comments --standard-huffman --restart 0 in.jpg -",
        );
        same(
            "/usr/local/bin/jpegtran -rot 90 -copy all -opt -outfile out.jpg in.jpg",
            "jtool transform --rotate 90 --copy all --baseline --restart 0 in.jpg out.jpg",
        );
        same(
            "jpegtran -flip h -crop 16x8+0+8 -gray -trim -progressive",
            "jtool transform --flip horizontal --crop 16x8+0+8 --grayscale --trim --copy comments --progressive --restart 0 - -",
        );
        same(
            "jpegtran -arith -restart 2B -maxscans 50 -strict -maxmemory 4m -report -t x.jpg",
            "jtool transform --transpose --copy comments --arithmetic --baseline --restart 2B --max-scans 50 --strict x.jpg -",
        );
        same(
            "jpegtran -wipe 8x8+0+0 -copy none -icc p.icc a.jpg",
            "jtool wipe --geometry 8x8+0+0 --copy none --standard-huffman --restart 0 --icc p.icc a.jpg -",
        );
        same(
            "jpegtran -drop +16+8 d.jpg -trim a.jpg",
            "jtool drop --x 16 --y 8 --trim --copy comments --standard-huffman --restart 0 --image d.jpg a.jpg -",
        );
        same(
            "jpegtran -transverse -scans s.txt a.jpg",
            "jtool transform --transverse --copy comments --standard-huffman --restart 0 --scans s.txt a.jpg -",
        );
    }

    #[test]
    fn other_command_lines_and_errors() {
        assert_eq!(run("jtool rotate 90 a.jpg"), Compat::No);
        assert_eq!(run("jpegtran -version"), Compat::Version);
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
            assert!(matches!(run(bad), Compat::Usage(_)), "{bad}");
        }
    }
}
