//! Command-line syntax (clap derive). Every subcommand that writes files shares
//! [`OutputArgs`]; `man/jtool.1` and README.md document the same flags.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;

/// Lossless JPEG operations on DCT coefficients: no generation lost.
#[derive(Debug, Parser)]
#[command(name = "jtool", version, about, max_term_width = 100)]
pub struct Cli {
    /// Treat warnings (corrupt data tolerated, extraneous bytes...) as errors.
    #[arg(long, global = true)]
    pub strict: bool,
    /// Do not print warnings.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Report what was done (repeat for more detail).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Refuse images with more pixels than this.
    #[arg(long, global = true, value_name = "N", default_value_t = 1 << 28)]
    pub max_pixels: u64,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decode to coefficients and write them back unchanged (jpegtran -copy all, but keeping
    /// progressive mode, restart interval, metadata and data after EOI; optimal Huffman tables).
    Copy(CopyArgs),
    /// Show segments, frame, tables, scans and metadata of each file.
    Inspect(InspectArgs),
}

/// Where the output of a file-writing subcommand goes.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Replace each input file with its output (atomically).
    #[arg(long, conflicts_with = "out_dir")]
    pub in_place: bool,
    /// Write each output to DIR under the input's file name (several inputs allowed).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// IN [OUT], or IN... with --in-place / --out-dir. `-` is stdin/stdout; OUT omitted is stdout.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<OsString>,
}

/// Which metadata segments `copy` keeps (jpegtran's -copy, plus `exif`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CopyKind {
    /// Nothing but JFIF APP0 and Adobe APP14 (they define the colour interpretation).
    None,
    /// Also COM comments.
    Comments,
    /// Also ICC profiles.
    Icc,
    /// Also Exif.
    Exif,
    /// Every segment.
    All,
}

#[derive(Debug, Args)]
pub struct CopyArgs {
    /// Write a sequential file (SOF0, or SOF1 when tables need 16 bits).
    #[arg(long, conflicts_with = "progressive")]
    pub baseline: bool,
    /// Write a progressive file (SOF2) with the default scan script.
    #[arg(long)]
    pub progressive: bool,
    /// Use the Annex K example Huffman tables instead of optimal ones (implies sequential).
    #[arg(long, conflicts_with = "progressive")]
    pub standard_huffman: bool,
    /// Restart interval: N MCU rows, or NB for N MCUs; 0 for none. Default: the input's.
    #[arg(long, value_name = "N[B]")]
    pub restart: Option<String>,
    /// Which metadata to keep.
    #[arg(long, value_enum, default_value = "all", value_name = "WHAT")]
    pub copy: CopyKind,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// One JSON document (an object for one file, an array for several).
    #[arg(long)]
    pub json: bool,
    /// Files to inspect (`-` for stdin).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<OsString>,
}
