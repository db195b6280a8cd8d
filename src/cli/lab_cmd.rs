//! The re-encode lab: `jtool compare A B`, `jtool requantize IN OUT`,
//! `jtool generations IN`.
//!
//! Self-contained: uses only the public library API (`jtool::pipeline::lab`).

use super::io::escape;
use super::stdin::read_arg;
use clap::{Args, ValueEnum};
use jtool::pipeline::lab::{
    self, GenOp, GenOptions, GenPath, GenReport, RequantTarget, RequantizeOptions,
};
use jtool::pipeline::CopyOptions;
use jtool::pixels::metrics::fmt_psnr;
use std::ffi::OsString;
use std::io::Write;

const EXIT_OK: i32 = 0;
const EXIT_FAILED: i32 = 1;
const EXIT_USAGE: i32 = 2;

/// Arguments of `jtool compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Print the comparison as JSON.
    #[arg(long)]
    pub json: bool,
    /// The reference file (JPEG, or PPM/PGM/PNG for pixel metrics only; `-` for stdin).
    #[arg(value_name = "A")]
    pub a: OsString,
    /// The file compared against A.
    #[arg(value_name = "B")]
    pub b: OsString,
}

/// Arguments of `jtool requantize`.
#[derive(Debug, Args)]
pub struct RequantizeArgs {
    /// Requantize to the IJG tables of this quality (1-100).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=100), conflicts_with = "tables_from")]
    pub quality: Option<u8>,
    /// Treat --quality as a maximum (as `jpegoptim --max`): a file whose IJG quality
    /// estimate is at or below it is only copied losslessly (optimized), not requantized.
    #[arg(long, requires = "quality", conflicts_with = "tables_from")]
    pub max: bool,
    /// Requantize to the quantization tables of this JPEG file (slot by slot).
    #[arg(long, value_name = "FILE")]
    pub tables_from: Option<OsString>,
    /// Make each output at most this size, as `jpegoptim --size`: N or Nk kilobytes
    /// (1024 bytes), N% of the input's size. The lossless (optimized) copy when it fits,
    /// else the highest IJG quality that does.
    #[arg(long, value_name = "N[k|%]", conflicts_with_all = ["quality", "tables_from", "via_pixels"])]
    pub size: Option<String>,
    /// Decode to pixels and encode again (cjpeg-exact) with the same target tables and the
    /// input's sampling, instead of requantizing the coefficients.
    #[arg(long)]
    pub via_pixels: bool,
    /// Never make a file larger (as jpegoptim): when the output would not be smaller
    /// than the input, the input's bytes are written unchanged (with --in-place the file
    /// is left alone).
    #[arg(long)]
    pub only_smaller: bool,
    /// As --only-smaller, and keep the input unless the output is at least PCT% smaller
    /// (jpegoptim -T).
    #[arg(long, value_name = "PCT")]
    pub min_saving: Option<f64>,
    #[command(flatten)]
    pub metadata: super::args::MetadataArgs,
    /// Write a progressive file (jpegoptim --all-progressive); default: as the input.
    #[arg(long, conflicts_with = "baseline")]
    pub progressive: bool,
    /// Write a sequential file (jpegoptim --all-normal); default: as the input.
    #[arg(long)]
    pub baseline: bool,
    /// Restart interval: N MCU rows, or NB for N MCUs; 0 for none. Default: the input's.
    #[arg(long, value_name = "N[B]")]
    pub restart: Option<String>,
    #[command(flatten)]
    pub output: super::args::OutputArgs,
}

/// `--op` of `jtool generations`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OpArg {
    /// Decode and encode again.
    None,
    /// Rotate 90° clockwise every generation.
    Rotate90,
    /// Drop the first pixel column and row every generation (pixel path only).
    Shift,
}

/// `--path` of `jtool generations`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PathArg {
    /// Decode to pixels and encode (cjpeg-exact).
    Pixels,
    /// Stay in the coefficient domain.
    Coefficients,
    /// Both.
    Both,
}

/// Arguments of `jtool generations`.
#[derive(Debug, Args)]
pub struct GenerationsArgs {
    /// Input JPEG (`-` for stdin).
    #[arg(value_name = "IN")]
    pub input: OsString,
    /// Number of generations.
    #[arg(short = 'n', value_name = "N", default_value_t = 10)]
    pub n: usize,
    /// IJG quality of every generation.
    #[arg(short = 'q', long, value_parser = clap::value_parser!(u8).range(1..=100), conflicts_with = "same_tables")]
    pub quality: Option<u8>,
    /// Keep the input's tables (pixel path: the IJG quality that gives them). The default
    /// when no --quality is given.
    #[arg(long)]
    pub same_tables: bool,
    /// What happens between generations.
    #[arg(long, value_enum, default_value_t = OpArg::None)]
    pub op: OpArg,
    /// Which re-encoding path(s).
    #[arg(long, value_enum, default_value_t = PathArg::Both)]
    pub path: PathArg,
    /// Print CSV instead of a table.
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Also write an SVG plot of PSNR (vs generation 0) per generation and path.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<OsString>,
}

fn name(path: &OsString) -> String {
    escape(&path.to_string_lossy())
}

fn fail(msg: impl std::fmt::Display) -> i32 {
    let _ = writeln!(std::io::stderr(), "jtool: {msg}");
    EXIT_FAILED
}

/// Runs `jtool compare`: 0 when the comparison was made (whatever its verdict), 1 on error.
pub fn run_compare(args: &CompareArgs, limits: jtool::entropy::Limits) -> i32 {
    if args.a == "-" && args.b == "-" {
        let _ = writeln!(std::io::stderr(), "jtool: only one of A and B can be stdin");
        return EXIT_USAGE;
    }
    let (a, b) = match (read_arg(&args.a), read_arg(&args.b)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) => return fail(format!("{}: {e}", name(&args.a))),
        (_, Err(e)) => return fail(format!("{}: {e}", name(&args.b))),
    };
    let c = match lab::compare_with(&a, &b, &limits) {
        Ok(c) => c,
        // Name the file that does not decode: A, unless A compares with itself.
        Err(e) => {
            let culprit = match lab::compare_with(&a, &a, &limits) {
                Err(_) => &args.a,
                Ok(_) => &args.b,
            };
            return fail(format!("{}: {e}", name(culprit)));
        }
    };
    let mut out = String::new();
    if args.json {
        match serde_json::to_string_pretty(&c) {
            Ok(s) => out = s + "\n",
            Err(e) => return fail(e),
        }
    } else {
        for (label, s, f) in [("A", &c.a, &args.a), ("B", &c.b, &args.b)] {
            out += &format!(
                "{label}: {}  {}x{}  {} components  {} bytes{}\n",
                name(f),
                s.width,
                s.height,
                s.components,
                s.bytes,
                s.coefficient_hash
                    .as_ref()
                    .map(|h| format!("  coefficient hash {}", &h[..16]))
                    .unwrap_or_default()
            );
        }
        match &c.pixels {
            Some(m) => {
                out += &format!("pixels:\n  PSNR        {} dB", fmt_psnr(m.psnr));
                let chans: Vec<String> = m.psnr_channels.iter().map(|p| fmt_psnr(*p)).collect();
                out += &format!("  (per channel: {})\n", chans.join(" / "));
                out += &format!("  SSIM (luma) {:.5}\n", m.ssim);
                out += &format!("  MSE         {:.4}\n", m.mse);
                out += &format!("  max |diff|  {}\n", m.max_abs_diff);
                let total = m.width as u64 * m.height as u64;
                out += &format!("  differing   {} of {} pixels\n", m.differing_pixels, total);
            }
            None => {
                out += &format!(
                    "pixels: {}\n",
                    c.pixels_note.as_deref().unwrap_or("not compared")
                )
            }
        }
        if let Some(k) = &c.coefficients {
            out += &format!(
                "coefficients:\n  same geometry     {}\n  same quant tables {}\n  identical blocks  {} of {}\n",
                yes(k.same_geometry),
                yes(k.same_quant_tables),
                k.identical_blocks,
                k.total_blocks
            );
        }
        out += &format!("verdict: {}\n", c.summary);
    }
    super::emit(out.as_bytes());
    EXIT_OK
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// Runs `jtool requantize`: 0 on success, 1 on error, 2 without -q / --tables-from
/// (or with both stdin inputs).
pub fn run_requantize(ctx: &super::Context, args: &RequantizeArgs) -> i32 {
    let target = match (&args.quality, &args.tables_from) {
        (Some(q), None) => RequantTarget::Quality(*q),
        (None, Some(f)) => {
            if f == "-" && args.output.files.iter().any(|i| i == "-") {
                return super::usage("IN and --tables-from cannot both be stdin");
            }
            match read_arg(f) {
                Ok(d) => RequantTarget::TablesFrom(d),
                Err(e) => return fail(format!("{}: {e}", name(f))),
            }
        }
        (None, None) => RequantTarget::Same,
        (Some(_), Some(_)) => return super::usage("give either --quality or --tables-from"),
    };
    let mode = match (args.progressive, args.baseline) {
        (true, _) => Some(jtool::entropy::CodingMode::Progressive),
        (_, true) => Some(jtool::entropy::CodingMode::Sequential),
        _ => None,
    };
    let restart = match args
        .restart
        .as_deref()
        .map(super::parse_restart)
        .transpose()
    {
        Ok(r) => r.unwrap_or(jtool::pipeline::RestartSpec::Keep),
        Err(m) => return super::usage(&m),
    };
    let keep = match args.metadata.policy() {
        Ok(k) => k,
        Err(m) => return super::usage(&m),
    };
    let mut output = CopyOptions {
        strict: ctx.strict,
        keep,
        mode,
        restart,
        ..CopyOptions::default()
    };
    output.limits = ctx.limits();
    let opts = RequantizeOptions {
        target,
        via_pixels: args.via_pixels,
        output,
    };
    let max = args.quality.filter(|_| args.max);
    let size = match args.size.as_deref().map(parse_size).transpose() {
        Ok(s) => s,
        Err(m) => return super::usage(&m),
    };
    let requantize_one = |data: &[u8], _: &super::Dest| -> jtool::Result<super::Done> {
        if let Some(size) = size {
            let bytes = match size {
                SizeTarget::Bytes(n) => n,
                SizeTarget::Percent(p) => data.len() as u64 * u64::from(p) / 100,
            };
            let o = RequantizeOptions {
                target: RequantTarget::MaxBytes(bytes),
                ..opts.clone()
            };
            return lab::requantize(data, &o).map(super::Done::from);
        }
        if let Some(q) = max {
            let finer = jtool::inspect::inspect(data)?
                .quality
                .is_some_and(|e| e.quality > q);
            if !finer {
                return jtool::pipeline::copy(data, &opts.output).map(super::Done::from);
            }
        }
        lab::requantize(data, &opts).map(super::Done::from)
    };
    let keep_input = super::KeepInput::of(args.only_smaller, args.min_saving);
    let op = |data: &[u8], d: &super::Dest| -> jtool::Result<super::Done> {
        requantize_one(data, d).map(|done| super::smaller_or_input(data, done, keep_input))
    };
    match super::plan_jobs(&args.output) {
        Ok(jobs) => super::run_jobs(ctx, jobs, op),
        Err(super::Failure::Usage(m)) | Err(super::Failure::File(m)) => super::usage(&m),
    }
}

/// A `--size` target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SizeTarget {
    Bytes(u64),
    Percent(u8),
}

/// `N`, `Nk` (kilobytes of 1024 bytes) or `N%` (1-99), as jpegoptim --size takes it.
fn parse_size(s: &str) -> Result<SizeTarget, String> {
    let bad = || format!("invalid --size '{s}' (N or Nk kilobytes, or N% of the input, 1-99)");
    if let Some(p) = s.strip_suffix('%') {
        return match p.parse::<u8>() {
            Ok(p @ 1..=99) => Ok(SizeTarget::Percent(p)),
            _ => Err(bad()),
        };
    }
    let k = s.strip_suffix(['k', 'K']).unwrap_or(s);
    match k.parse::<u64>() {
        Ok(n) if n > 0 => n.checked_mul(1024).map(SizeTarget::Bytes).ok_or_else(bad),
        _ => Err(bad()),
    }
}

fn opt_f(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "-".to_string(), |x| format!("{x:.digits$}"))
}

fn path_name(p: GenPath) -> &'static str {
    match p {
        GenPath::Pixels => "pixels",
        GenPath::Coefficients => "coefficients",
        GenPath::Both => "both",
    }
}

/// The PSNR column: `inf` for identical, `-` when not comparable.
fn psnr_cell(p: Option<f64>, comparable: bool) -> String {
    if comparable {
        fmt_psnr(p)
    } else {
        "-".into()
    }
}

fn table(r: &GenReport) -> String {
    let mut s = String::new();
    if let Some(q) = r.pixel_quality {
        s += &format!("pixel path quality: {q}\n");
    }
    for p in &r.paths {
        s += &format!("\n{} path", path_name(p.path));
        match p.fixed_point {
            Some(g) => s += &format!(" (fixed point at generation {g})\n"),
            None => s += " (no fixed point)\n",
        }
        if let Some(n) = &p.note {
            s += &format!("  note: {n}\n");
        }
        if p.rows.is_empty() {
            continue;
        }
        s += &format!(
            "{:>4} {:>9} {:>9} {:>9} {:>8} {:>9} {:>8} {:>8}  {}\n",
            "gen",
            "size",
            "WxH",
            "PSNR/g0",
            "SSIM/g0",
            "PSNR/prev",
            "SSIM/prv",
            "changed",
            "sha256"
        );
        for row in &p.rows {
            s += &format!(
                "{:>4} {:>9} {:>9} {:>9} {:>8} {:>9} {:>8} {:>8}  {}\n",
                row.generation,
                row.size,
                format!("{}x{}", row.width, row.height),
                psnr_cell(row.psnr_vs_first, row.comparable || row.generation == 0),
                opt_f(row.ssim_vs_first, 5),
                if row.generation == 0 {
                    "-".into()
                } else {
                    psnr_cell(row.psnr_vs_prev, row.comparable)
                },
                opt_f(row.ssim_vs_prev, 5),
                row.changed_blocks_vs_prev
                    .map_or_else(|| "-".to_string(), |c| c.to_string()),
                row.sha256
            );
        }
    }
    s
}

fn csv(r: &GenReport) -> String {
    let mut s = String::from("path,generation,size,width,height,psnr_vs_first,ssim_vs_first,psnr_vs_prev,ssim_vs_prev,changed_blocks_vs_prev,sha256\n");
    for p in &r.paths {
        for row in &p.rows {
            let ps = |v: Option<f64>| {
                if row.comparable || row.generation == 0 {
                    v.map_or("inf".into(), |x| format!("{x:.4}"))
                } else {
                    String::new()
                }
            };
            s += &format!(
                "{},{},{},{},{},{},{},{},{},{},{}\n",
                path_name(p.path),
                row.generation,
                row.size,
                row.width,
                row.height,
                ps(row.psnr_vs_first),
                row.ssim_vs_first
                    .map_or(String::new(), |x| format!("{x:.6}")),
                if row.generation == 0 {
                    String::new()
                } else {
                    ps(row.psnr_vs_prev)
                },
                row.ssim_vs_prev
                    .map_or(String::new(), |x| format!("{x:.6}")),
                row.changed_blocks_vs_prev
                    .map_or(String::new(), |c| c.to_string()),
                row.sha256
            );
        }
    }
    s
}

/// A hand-written SVG: PSNR against generation 0 per generation, one polyline per path.
/// Infinite PSNR (identical) is drawn at the top of the scale, marked "inf".
pub fn svg_plot(r: &GenReport) -> String {
    let (w, h, m) = (640.0f64, 400.0f64, 50.0f64);
    let finite: Vec<f64> = r
        .paths
        .iter()
        .flat_map(|p| {
            p.rows
                .iter()
                .skip(1)
                .filter(|x| x.comparable)
                .filter_map(|x| x.psnr_vs_first)
        })
        .collect();
    let lo = finite.iter().cloned().fold(f64::INFINITY, f64::min);
    let hi = finite.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if finite.is_empty() {
        (20.0, 60.0)
    } else {
        ((lo - 1.0).floor(), (hi + 3.0).ceil())
    };
    let inf_level = hi;
    let gens = r
        .paths
        .iter()
        .map(|p| p.rows.len())
        .max()
        .unwrap_or(1)
        .max(2)
        - 1;
    let x = |g: usize| m + (w - 2.0 * m) * g as f64 / gens as f64;
    let y = |v: f64| h - m - (h - 2.0 * m) * (v - lo) / (hi - lo).max(1e-9);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <line x1=\"{m}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"black\"/>\n\
         <line x1=\"{m}\" y1=\"{m}\" x2=\"{m}\" y2=\"{b}\" stroke=\"black\"/>\n\
         <text x=\"{cx}\" y=\"{ty}\" text-anchor=\"middle\">generation</text>\n\
         <text x=\"12\" y=\"{cy}\" transform=\"rotate(-90 12 {cy})\" text-anchor=\"middle\">PSNR vs generation 0 (dB)</text>\n",
        b = h - m,
        r = w - m,
        cx = w / 2.0,
        ty = h - 10.0,
        cy = h / 2.0
    );
    s += &format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{lo:.0}</text>\n",
        m - 4.0,
        h - m + 4.0
    );
    s += &format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{hi:.0} / inf</text>\n",
        m - 4.0,
        m + 4.0
    );
    s += &format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{gens}</text>\n",
        w - m,
        h - m + 16.0
    );
    s += &format!("<text x=\"{m}\" y=\"{}\">0</text>\n", h - m + 16.0);
    let colors = ["#d62728", "#1f77b4"];
    for (i, p) in r.paths.iter().enumerate() {
        let pts: Vec<String> = p
            .rows
            .iter()
            .filter(|row| row.comparable || row.generation == 0)
            .map(|row| {
                format!(
                    "{:.1},{:.1}",
                    x(row.generation),
                    y(row.psnr_vs_first.unwrap_or(inf_level))
                )
            })
            .collect();
        if pts.is_empty() {
            continue;
        }
        let c = colors[i % colors.len()];
        s += &format!(
            "<polyline fill=\"none\" stroke=\"{c}\" stroke-width=\"2\" points=\"{}\"/>\n",
            pts.join(" ")
        );
        s += &format!(
            "<text x=\"{}\" y=\"{}\" fill=\"{c}\">{}</text>\n",
            w - m - 100.0,
            m + 16.0 * (i as f64 + 1.0),
            path_name(p.path)
        );
    }
    s += "</svg>\n";
    s
}

/// Runs `jtool generations`: 0 on success, 1 on error.
pub fn run_generations(args: &GenerationsArgs, limits: jtool::entropy::Limits) -> i32 {
    let data = match read_arg(&args.input) {
        Ok(d) => d,
        Err(e) => return fail(format!("{}: {e}", name(&args.input))),
    };
    let opts = GenOptions {
        n: args.n,
        quality: if args.same_tables { None } else { args.quality },
        op: match args.op {
            OpArg::None => GenOp::None,
            OpArg::Rotate90 => GenOp::Rot90,
            OpArg::Shift => GenOp::Shift,
        },
        path: match args.path {
            PathArg::Pixels => GenPath::Pixels,
            PathArg::Coefficients => GenPath::Coefficients,
            PathArg::Both => GenPath::Both,
        },
    };
    let report = match lab::generations_with(&data, &opts, &limits) {
        Ok(r) => r,
        Err(e) => return fail(format!("{}: {e}", name(&args.input))),
    };
    let text = if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => s + "\n",
            Err(e) => return fail(e),
        }
    } else if args.csv {
        csv(&report)
    } else {
        table(&report)
    };
    super::emit(text.as_bytes());
    if let Some(p) = &args.plot {
        let dest = super::io::Dest::File(p.into());
        if let Err(e) = super::io::write_output(&dest, svg_plot(&report).as_bytes(), None) {
            return fail(format!("{}: {e}", name(p)));
        }
    }
    EXIT_OK
}
