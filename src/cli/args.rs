//! Command-line syntax (clap derive). Every subcommand that writes files shares
//! [`OutputArgs`]; `man/jtool.1` and README.md document the same flags.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;

/// Lossless JPEG operations on DCT coefficients: no generation lost.
#[derive(Debug, Parser)]
#[command(
    name = "jtool",
    version,
    about,
    max_term_width = 100,
    // A repeated option takes its last value, as the IJG tools and getopt take it.
    args_override_self = true,
    after_help = "jtool jpegtran|djpeg|cjpeg|exiftran|jpegoptim ARGS (or jtool run under one of those \
                  names) takes that tool's command line: see jtool(1)."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// The options every subcommand takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Treat warnings (corrupt data tolerated, extraneous bytes...) as errors.
    #[arg(long, global = true)]
    pub strict: bool,
    /// Do not print warnings (`-q` is the quality of `encode` and `generations`).
    #[arg(long, global = true)]
    pub quiet: bool,
    /// Report what was done (repeat for more detail).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Refuse images with more pixels than this.
    #[arg(long, global = true, value_name = "N", default_value_t = 1 << 28)]
    pub max_pixels: u64,
    /// Refuse files with more scans than this (jpegtran -maxscans).
    #[arg(long, global = true, value_name = "N", default_value_t = 1000)]
    pub max_scans: usize,
    /// Files processed at once when several are given (0: one per CPU). Messages and
    /// reports still come in the order of the inputs. The CPUs left over (at most 4 per
    /// file) code each large file's output; the bytes do not depend on it.
    #[arg(
        short = 'j',
        long,
        global = true,
        value_name = "N",
        default_value_t = 0
    )]
    pub jobs: usize,
    /// Exit with code 2 when a file gave warnings but was written, as libjpeg's tools do
    /// (set by `jtool jpegtran|djpeg|cjpeg`).
    #[arg(long, global = true, hide = true)]
    pub warning_exit_code: bool,
    /// Print jpegoptim's line for each file (set by `jtool jpegoptim`).
    #[arg(long, global = true, hide = true, value_enum)]
    pub jpegoptim_report: Option<super::jpegoptim_report::Style>,
    /// Print jpegoptim's average after the files (jpegoptim -t).
    #[arg(long, global = true, hide = true)]
    pub jpegoptim_totals: bool,
    /// Read more input file names from LIST (`-`: standard input), one per line, after
    /// those on the command line: for more files than a command line holds (jpegoptim
    /// --files-from). A command that writes files needs --in-place or --out-dir with it.
    #[arg(long, global = true, value_name = "LIST")]
    pub files_from: Option<PathBuf>,
    /// With --files-from: each name ends with a NUL byte, not a newline (as `find
    /// -print0` writes them), so that any name can be listed.
    #[arg(long, global = true, requires = "files_from")]
    pub null: bool,
}

/// Adds a subcommand's arguments to its command (a derived `Args::augment_args`).
type Augment = fn(clap::Command) -> clap::Command;

/// Each subcommand's name and arguments, as the derived [`Command`] builds them.
const SUBCOMMANDS: &[(&str, Augment)] = &[
    ("copy", CopyArgs::augment_args),
    ("inspect", InspectArgs::augment_args),
    ("crop", CropArgs::augment_args),
    ("wipe", WipeArgs::augment_args),
    ("drop", DropArgs::augment_args),
    ("rotate", RotateArgs::augment_args),
    ("flip", FlipArgs::augment_args),
    ("transpose", TransformCommon::augment_args),
    ("transverse", TransformCommon::augment_args),
    ("auto-orient", AutoOrientArgs::augment_args),
    ("grayscale", TransformCommon::augment_args),
    ("transform", TransformArgs::augment_args),
    ("strip", StripArgs::augment_args),
    ("comment", super::meta_cmd::CommentArgs::augment_args),
    (
        "orientation",
        super::meta_cmd::OrientationArgs::augment_args,
    ),
    ("thumbnail", super::meta_cmd::ThumbnailArgs::augment_args),
    ("date", super::date_cmd::DateArgs::augment_args),
    ("exif", super::meta_cmd::ExifArgs::augment_args),
    ("decode", DecodeArgs::augment_args),
    ("encode", PixelEncodeArgs::augment_args),
    ("verify", super::verify_cmd::VerifyArgs::augment_args),
    ("compare", super::lab_cmd::CompareArgs::augment_args),
    ("requantize", super::lab_cmd::RequantizeArgs::augment_args),
    ("generations", super::lab_cmd::GenerationsArgs::augment_args),
];

/// Parses a command line. Building every subcommand's arguments costs more than
/// copying a small file, so a line that starts with a subcommand's name is first
/// parsed against that subcommand alone (the same arguments, without the help
/// texts). Whatever does not parse there (help, version, every error) is parsed
/// again against the full command, whose messages are the ones printed.
pub fn parse_from(args: Vec<OsString>) -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    let named = args.get(1).and_then(|a| a.to_str());
    if let Some(&(name, augment)) = SUBCOMMANDS.iter().find(|(n, _)| Some(*n) == named) {
        let lean = GlobalArgs::augment_args(clap::Command::new("jtool"))
            .args_override_self(true)
            .subcommand_required(true)
            .subcommand(augment(clap::Command::new(name)));
        if let Ok(m) = lean.try_get_matches_from(&args) {
            if let Ok(cli) = Cli::from_arg_matches(&m) {
                return Ok(cli);
            }
        }
    }
    Cli::try_parse_from(args)
}

impl Command {
    /// The input names a command takes, and for a command that writes files, its
    /// output arguments' `listed` flag; `None` for a command of fixed arguments.
    pub fn inputs_mut(&mut self) -> Option<(&mut Vec<OsString>, Option<&mut bool>)> {
        use Command as C;
        let o = match self {
            C::Inspect(a) => return Some((&mut a.files, None)),
            C::Verify(a) => return Some((&mut a.files, None)),
            C::Compare(_) | C::Generations(_) => return None,
            C::Copy(a) => &mut a.output,
            C::Crop(a) => &mut a.common.output,
            C::Wipe(a) => &mut a.output,
            C::Drop(a) => &mut a.output,
            C::Rotate(a) => &mut a.common.output,
            C::Flip(a) => &mut a.common.output,
            C::Transpose(a) | C::Transverse(a) | C::Grayscale(a) => &mut a.output,
            C::AutoOrient(a) => &mut a.common.output,
            C::Transform(a) => &mut a.common.output,
            C::Strip(a) => &mut a.output,
            C::Comment(a) => &mut a.output,
            C::Orientation(a) => &mut a.output,
            C::Thumbnail(a) => &mut a.output,
            C::Date(a) => &mut a.output,
            C::Exif(a) => &mut a.output,
            C::Decode(a) => &mut a.output,
            C::Encode(a) => &mut a.output,
            C::Requantize(a) => &mut a.output,
        };
        Some((&mut o.files, Some(&mut o.listed)))
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decode to coefficients and write them back unchanged (jpegtran -copy all, but keeping
    /// progressive mode, restart interval, metadata and data after EOI; optimal Huffman tables).
    Copy(CopyArgs),
    /// Show segments, frame, tables, scans and metadata of each file.
    Inspect(InspectArgs),
    /// Crop losslessly to a region (its corner snaps to the iMCU grid, as in jpegtran; a
    /// lossless (SOF3) file is cut at any pixel).
    Crop(CropArgs),
    /// Wipe a region to gray (jpegtran -wipe): its iMCUs' blocks are zeroed, every other
    /// coefficient is kept (in a lossless file, exactly the region's samples); the
    /// thumbnails and the MPF images after EOI are wiped too.
    Wipe(WipeArgs),
    /// Drop (insert) another JPEG into the image (jpegtran -drop): its blocks replace
    /// whole iMCUs, losslessly; differing quantization tables become their common divisor.
    Drop(DropArgs),
    /// Rotate losslessly by 90, 180 or 270 degrees clockwise.
    Rotate(RotateArgs),
    /// Mirror losslessly: horizontal (left-right) or vertical (top-bottom).
    Flip(FlipArgs),
    /// Mirror about the main diagonal.
    Transpose(TransformCommon),
    /// Mirror about the anti-diagonal.
    Transverse(TransformCommon),
    /// Apply the EXIF Orientation losslessly and set it to 1.
    AutoOrient(AutoOrientArgs),
    /// Keep only the luminance component (jpegtran -grayscale).
    Grayscale(TransformCommon),
    /// Combine a rotation or flip, a crop and grayscale in one pass.
    Transform(TransformArgs),
    /// Remove metadata segments without touching the entropy-coded data.
    Strip(StripArgs),
    /// Show, add or remove comments (COM segments), as rdjpgcom and wrjpgcom do.
    Comment(super::meta_cmd::CommentArgs),
    /// Show or set the Exif Orientation tag without changing the image (jpegexiforient).
    Orientation(super::meta_cmd::OrientationArgs),
    /// Show whether the thumbnails still show the image, take one out (jhead -st), make
    /// them anew from the image (exiftran -g, jhead -rgt), or put one in (jhead -rt).
    Thumbnail(super::meta_cmd::ThumbnailArgs),
    /// Show or change the Exif dates (jhead -ta, -ts, -ds, -dsft), set file times from
    /// them (jhead -ft) or rename files by them (jhead -n); every other byte stays.
    Date(super::date_cmd::DateArgs),
    /// List every Exif entry (IFD0, Exif, GPS, Interop, IFD1) with its tag name and
    /// values (exiftran -d, jhead -v).
    Exif(super::meta_cmd::ExifArgs),
    /// Decode to pixels exactly as `djpeg -dct int` does: PNG, PPM/PGM, BMP, Targa, or
    /// PAM for CMYK.
    Decode(DecodeArgs),
    /// Encode pixels (PNG, PPM, PGM, BMP, GIF, Targa) exactly as `cjpeg -dct int` does.
    Encode(PixelEncodeArgs),
    /// Check each file's integrity: decode everything, report OK/WARNING/ERROR with the
    /// first problem's offset and MCU.
    Verify(super::verify_cmd::VerifyArgs),
    /// Compare two files: PSNR/SSIM of the pixels, and for two JPEGs whether B has A's
    /// coefficients, is a lossless transform (and crop) of A, or was re-encoded.
    Compare(super::lab_cmd::CompareArgs),
    /// Requantize to other tables, in the coefficient domain (default) or via pixels.
    Requantize(super::lab_cmd::RequantizeArgs),
    /// Generation-loss experiment: re-encode N times on the pixel and/or coefficient path.
    Generations(super::lab_cmd::GenerationsArgs),
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
    /// Give each output file the input file's access and modification times (exiftran
    /// -p), so that a lossless edit does not make a photo look new.
    #[arg(long, short = 'p')]
    pub preserve_times: bool,
    /// Do everything but write: no output file, the input left alone (jpegoptim -n;
    /// with -v, see what would have been written).
    #[arg(long)]
    pub dry_run: bool,
    /// Refuse to replace an output file that exists (jpegoptim -d without -o).
    #[arg(long)]
    pub no_clobber: bool,
    /// With --in-place, keep each file as it was under its name with `~` added before
    /// replacing it (exiftran -b).
    #[arg(long, requires = "in_place")]
    pub backup: bool,
    /// With --in-place, write each output into the input file itself instead of renaming
    /// a new file over it (jpegoptim -P): its hard links and inode number stay. The
    /// output is made in full first, but a failure while it is copied in can leave the
    /// file damaged.
    #[arg(long, requires = "in_place")]
    pub keep_inode: bool,
    /// Write nothing for a file whose input is kept (--only-smaller), as jpegoptim -d
    /// does (set by `jtool jpegoptim`).
    #[arg(long, hide = true)]
    pub skip_kept: bool,
    /// IN [OUT], or IN... with --in-place / --out-dir. `-` is stdin/stdout; OUT omitted is
    /// stdout, and IN omitted stdin (as for jpegtran).
    #[arg(value_name = "FILE", default_value = "-")]
    pub files: Vec<OsString>,
    /// Some of `files` came from --files-from: all of them are inputs.
    #[arg(skip)]
    pub listed: bool,
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
    /// ICC profiles without comments, as jpegtran's `-copy icc` (for `jtool jpegtran`).
    #[value(hide = true)]
    IccOnly,
}

/// How the output is encoded, shared by every subcommand that re-encodes scans.
#[derive(Debug, Args)]
pub struct EncodeArgs {
    /// Write a sequential file (SOF0, or SOF1 when tables need 16 bits).
    #[arg(long, conflicts_with = "progressive")]
    pub baseline: bool,
    /// Write a progressive file (SOF2) with the default scan script.
    #[arg(long)]
    pub progressive: bool,
    /// Use the Annex K example Huffman tables instead of optimal ones (implies sequential).
    #[arg(long, conflicts_with = "progressive")]
    pub standard_huffman: bool,
    /// Arithmetic coding instead of Huffman (SOF9, or SOF10 when progressive), as
    /// jpegtran -arithmetic writes. Few viewers read it.
    #[arg(long, conflicts_with = "standard_huffman")]
    pub arithmetic: bool,
    /// Scan script file, as jpegtran -scans reads it (`0,1,2: 0-0, 0, 1;` per scan):
    /// progressive when any scan is, else one sequential scan per line (with
    /// --standard-huffman, the Annex K tables; a progressive script's tables are always
    /// optimal, as libjpeg makes them).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["progressive", "baseline"])]
    pub scans: Option<std::path::PathBuf>,
    /// Embed this ICC profile in place of the input's (jpegtran -icc), whatever --copy
    /// keeps.
    #[arg(long, value_name = "FILE")]
    pub icc: Option<std::path::PathBuf>,
    /// Restart interval: N MCU rows, or NB for N MCUs; 0 for none. Default: the input's.
    #[arg(long, value_name = "N[B]")]
    pub restart: Option<String>,
    #[command(flatten)]
    pub metadata: MetadataArgs,
}

/// Which metadata a re-encoding command keeps (copy, the transforms, requantize).
#[derive(Debug, Args)]
pub struct MetadataArgs {
    /// Which metadata to keep (jpegoptim --strip-all is `none`).
    #[arg(long, value_enum, default_value = "all", value_name = "WHAT")]
    pub copy: CopyKind,
    /// Metadata to keep as strip --keep lists it (exif, icc, xmp, comments, jfif, adobe,
    /// jfxx, mpf, photoshop, ducky, c2pa, other; all; none), in place of --copy.
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        conflicts_with = "copy"
    )]
    pub keep: Option<Vec<String>>,
}

impl MetadataArgs {
    /// The metadata kept.
    pub fn policy(&self) -> Result<jtool::container::KeepPolicy, String> {
        super::keep_of(self.copy, self.keep.as_deref())
    }
}

#[derive(Debug, Args)]
pub struct CopyArgs {
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
    pub encode: EncodeArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Partial-iMCU policy and reporting, shared by the transform subcommands.
#[derive(Debug, Args)]
pub struct EdgeArgs {
    /// Drop partial edge blocks that cannot be transformed (jpegtran -trim).
    #[arg(long, conflicts_with = "perfect")]
    pub trim: bool,
    /// Fail if there are partial edge blocks that cannot be transformed (jpegtran -perfect).
    #[arg(long)]
    pub perfect: bool,
    /// Print a JSON line per file with the output size and the region written.
    #[arg(long)]
    pub json: bool,
}

/// An angle for `rotate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Angle {
    #[value(name = "90")]
    R90,
    #[value(name = "180")]
    R180,
    #[value(name = "270")]
    R270,
}

/// A direction for `flip`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Direction {
    #[value(name = "horizontal", alias = "h")]
    Horizontal,
    #[value(name = "vertical", alias = "v")]
    Vertical,
}

#[derive(Debug, Args)]
pub struct CropArgs {
    #[command(flatten)]
    pub region: RegionArgs,
    /// Keep the requested width and height after snapping the corner (jpegtran's Wf/Hf).
    #[arg(long)]
    pub exact: bool,
    #[command(flatten)]
    pub common: TransformCommon,
}

/// A region of the image, by edges or in jpegtran's geometry syntax (crop and wipe).
#[derive(Debug, Args)]
pub struct RegionArgs {
    /// Left edge of the region (snapped left to the iMCU grid).
    #[arg(long, value_name = "X", conflicts_with = "geometry")]
    pub x: Option<u32>,
    /// Top edge of the region (snapped up to the iMCU grid).
    #[arg(long, value_name = "Y", conflicts_with = "geometry")]
    pub y: Option<u32>,
    /// Width of the region (default: the rest of the image).
    #[arg(long, value_name = "W", conflicts_with = "geometry")]
    pub width: Option<u32>,
    /// Height of the region (default: the rest of the image).
    #[arg(long, value_name = "H", conflicts_with = "geometry")]
    pub height: Option<u32>,
    /// The region in jpegtran's syntax: WxH+X+Y (W/H may end in f to force the size; a W
    /// wider than the image may end in r to mirror the image into the sides, and with f
    /// they take its edge colour; -X/-Y count from the right/bottom edge).
    #[arg(long, value_name = "WxH+X+Y")]
    pub geometry: Option<String>,
}

#[derive(Debug, Args)]
pub struct WipeArgs {
    /// The region; its far edges are widened to the iMCU grid too.
    #[command(flatten)]
    pub region: RegionArgs,
    /// Keep only the luminance, then wipe (jpegtran -wipe -grayscale): the region snaps
    /// to the 8×8 grid of the one component left.
    #[arg(long)]
    pub grayscale: bool,
    #[command(flatten)]
    pub encode: EncodeArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct DropArgs {
    /// The JPEG file to drop in (same sampling proportions as the image; a grayscale file
    /// may go into a colour one and the other way round).
    #[arg(long, value_name = "FILE")]
    pub image: PathBuf,
    /// Left edge of the drop (moved right to the iMCU grid).
    #[arg(long, value_name = "X", default_value_t = 0)]
    pub x: u32,
    /// Top edge of the drop (moved down to the iMCU grid).
    #[arg(long, value_name = "Y", default_value_t = 0)]
    pub y: u32,
    /// Round the drop image to the image's quantization tables instead of changing the
    /// image's tables to their common divisor (jpegtran -trim with -drop; lossy in the
    /// dropped region).
    #[arg(long)]
    pub trim: bool,
    #[command(flatten)]
    pub encode: EncodeArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct RotateArgs {
    /// Degrees clockwise.
    pub angle: Angle,
    #[command(flatten)]
    pub common: TransformCommon,
}

#[derive(Debug, Args)]
pub struct FlipArgs {
    /// horizontal (h) mirrors left-right, vertical (v) top-bottom.
    pub direction: Direction,
    #[command(flatten)]
    pub common: TransformCommon,
}

/// `auto-orient`'s arguments.
#[derive(Debug, Args)]
pub struct AutoOrientArgs {
    /// Leave a file with nothing to turn (Orientation 1 or none) as it is, byte for
    /// byte (with --in-place, not rewritten), as exiftran -a and jhead -autorot do.
    #[arg(long)]
    pub skip_upright: bool,
    #[command(flatten)]
    pub common: TransformCommon,
}

/// Edge policy, encoding and output options: what every transform subcommand takes.
#[derive(Debug, Args)]
pub struct TransformCommon {
    /// Go through pixels instead, for comparison: decode (as djpeg), transform the pixels
    /// (a true mirror, partial edge blocks included), encode (as cjpeg) with the tables and
    /// sampling of the lossless output; same size and metadata.
    #[arg(long)]
    pub via_pixels: bool,
    /// Also set the Exif Orientation to 1 (upright), as exiftran does after a rotation or
    /// flip; without it the tag is left as it was.
    #[arg(long)]
    pub reset_orientation: bool,
    /// Leave the Exif thumbnail as it was (exiftran -nt); by default it is transformed
    /// with the image.
    #[arg(long, conflicts_with = "via_pixels")]
    pub leave_thumbnail: bool,
    /// Transform the Exif thumbnail alone, losslessly, and leave the image (exiftran
    /// -ni): for a thumbnail that does not show the image the way it is.
    #[arg(long, conflicts_with_all = ["via_pixels", "leave_thumbnail"])]
    pub only_thumbnail: bool,
    #[command(flatten)]
    pub edge: EdgeArgs,
    #[command(flatten)]
    pub encode: EncodeArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct TransformArgs {
    /// Rotate clockwise by this many degrees.
    #[arg(long, value_name = "DEG", group = "op")]
    pub rotate: Option<Angle>,
    /// Mirror: horizontal (h) or vertical (v).
    #[arg(long, value_name = "DIR", group = "op")]
    pub flip: Option<Direction>,
    /// Mirror about the main diagonal.
    #[arg(long, group = "op")]
    pub transpose: bool,
    /// Mirror about the anti-diagonal.
    #[arg(long, group = "op")]
    pub transverse: bool,
    /// Crop to WxH+X+Y in output coordinates (after the rotation or flip), as jpegtran does.
    #[arg(long, value_name = "WxH+X+Y")]
    pub crop: Option<String>,
    /// Keep only the luminance component.
    #[arg(long)]
    pub grayscale: bool,
    #[command(flatten)]
    pub common: TransformCommon,
}

#[derive(Debug, Args)]
pub struct StripArgs {
    /// Metadata to keep, comma-separated: exif, icc, xmp, comments, jfif, adobe, jfxx, mpf,
    /// photoshop (iptc), ducky, c2pa, other; or all / none. Default: jfif,adobe.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub keep: Vec<String>,
    /// Remove the Exif thumbnail (IFD1) from kept Exif segments, keeping the rest of
    /// Exif (as `jhead -dt`).
    #[arg(long)]
    pub drop_exif_thumbnail: bool,
    /// Remove the data after EOI (MPF secondary images and previews carry Exif of their
    /// own; by default it is kept, and a warning names metadata left there).
    #[arg(long)]
    pub drop_trailer: bool,
    /// Cut the zero bytes that pad a kept Exif segment past the last byte its entries,
    /// IFDs and thumbnail use (jhead -zt; some cameras pad Exif with tens of KiB).
    #[arg(long)]
    pub trim_exif_padding: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The integer DCT of `decode` and `encode` (djpeg/cjpeg -dct).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DctArg {
    /// libjpeg's accurate integer method ("islow").
    Int,
    /// libjpeg's fast integer method ("ifast"): 8-bit constants, truncated products;
    /// a little less accurate.
    Fast,
    /// libjpeg's floating-point method (single precision, rounded as libjpeg-turbo's
    /// SSE2 code rounds).
    Float,
}

impl From<DctArg> for jtool::pixels::DctMethod {
    fn from(d: DctArg) -> Self {
        match d {
            DctArg::Int => jtool::pixels::DctMethod::Int,
            DctArg::Fast => jtool::pixels::DctMethod::Fast,
            DctArg::Float => jtool::pixels::DctMethod::Float,
        }
    }
}

/// Output format of `decode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PixelFormat {
    /// PPM (colour) or PGM (gray), as djpeg writes them; PAM for CMYK with --cmyk.
    Pnm,
    /// PNG (8-bit RGB or gray).
    Png,
    /// Windows BMP: 24-bit, or 8-bit with a gray colour map (djpeg -bmp).
    Bmp,
    /// OS/2 BMP (djpeg -os2).
    Os2,
    /// Targa: 24-bit, or 8-bit gray (djpeg -targa).
    Targa,
    /// GIF, LZW-compressed (djpeg -gif): colour output quantized to 256 colours (or
    /// --colors), 8-bit gray as it is.
    Gif,
    /// GIF without compression (djpeg -gif0).
    Gif0,
}

/// How quantized output spreads its error (djpeg -dither).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DitherArg {
    /// Floyd–Steinberg error diffusion (the default).
    Fs,
    /// A 16×16 ordered dither (one-pass quantizer only; the two-pass one diffuses).
    Ordered,
    /// None: each pixel takes its nearest colour.
    None,
}

impl From<DitherArg> for jtool::pixels::quantize::Dither {
    fn from(d: DitherArg) -> Self {
        use jtool::pixels::quantize::Dither;
        match d {
            DitherArg::Fs => Dither::FloydSteinberg,
            DitherArg::Ordered => Dither::Ordered,
            DitherArg::None => Dither::None,
        }
    }
}

#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// Replicate chroma samples instead of the smooth upsampling (djpeg -nosmooth).
    #[arg(long)]
    pub nosmooth: bool,
    /// Decode at M/N of the image's size (djpeg -scale M/N), 1/8 to 2/1: each block is
    /// inverse-transformed to k×k samples, the fraction rounded up to k/8 as djpeg does.
    #[arg(long, value_name = "M/N", value_parser = parse_scale)]
    pub scale: Option<jtool::pixels::Scale>,
    /// Write luminance only, as PGM or gray PNG (djpeg -grayscale).
    #[arg(long)]
    pub grayscale: bool,
    /// Write RGB also for a grayscale image, each sample three times (djpeg -rgb).
    #[arg(long, conflicts_with = "grayscale")]
    pub rgb: bool,
    /// RGB565 output (djpeg -rgb565): R, G, B cut to 5, 6 and 5 bits (the low bits
    /// zero), with libjpeg-turbo's 4x4 ordered dither unless --dither none.
    #[arg(long, conflicts_with_all = ["grayscale", "colors", "map"])]
    pub rgb565: bool,
    /// Write CMYK/YCCK images as 4-channel PAM (CMYK) instead of converting to RGB.
    #[arg(long)]
    pub cmyk: bool,
    /// Output format (default: from OUT's extension, .png, .bmp, .tga or PNM; PNM on stdout).
    #[arg(long, value_enum, value_name = "FMT")]
    pub format: Option<PixelFormat>,
    /// Decode only this region of the output (djpeg -crop; after --scale): its left
    /// edge moves left to an iMCU boundary, widening it, as libjpeg's crop does.
    #[arg(long, value_name = "WxH+X+Y", value_parser = parse_pixel_crop)]
    pub crop: Option<jtool::pixels::Crop>,
    /// Also write the embedded ICC profile, reassembled from its APP2 segments, to FILE
    /// (djpeg -icc); a warning when the file has no complete profile. One input only.
    #[arg(long, value_name = "FILE")]
    pub icc: Option<std::path::PathBuf>,
    /// Leave rows Y0 to Y1 (inclusive, 0 the top, after --scale) out of the output
    /// (djpeg -skip); the rest is the full decode's, row for row.
    #[arg(long, value_name = "Y0,Y1", value_parser = parse_skip, conflicts_with = "crop")]
    pub skip: Option<(u32, u32)>,
    /// Reduce the image to at most N colours (djpeg -colors N; 8-256 for colour, 2-256
    /// for gray): libjpeg's two-pass (median-cut) quantizer for colour output, its
    /// one-pass (colour-cube) quantizer for gray output or with --onepass. PNM output
    /// holds each pixel's colour from the map, GIF the map and the indices.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub colors: Option<u16>,
    /// Dithering of quantized output (djpeg -dither fs|ordered|none).
    #[arg(long, value_enum, value_name = "D")]
    pub dither: Option<DitherArg>,
    /// Quantize colour output with the one-pass quantizer (djpeg -onepass).
    #[arg(long)]
    pub onepass: bool,
    /// Map colour output to the colours of FILE (djpeg -map): a GIF's colour table, or
    /// the colours of a PPM (maxval 255), at most 256.
    #[arg(long, value_name = "FILE")]
    pub map: Option<std::path::PathBuf>,
    /// The colour count of a colour GIF without --colors (set by `jtool djpeg -fast`).
    #[arg(long, hide = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub gif_colors: Option<u16>,
    /// Inverse DCT of full-size output (djpeg -dct int|fast|float); scaled output
    /// always uses the reduced integer transforms, as djpeg does.
    #[arg(long, value_enum, default_value = "int", value_name = "METHOD")]
    pub dct: DctArg,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `Y0,Y1` as `decode --skip` (djpeg -skip) takes it: Y0 ≤ Y1.
fn parse_skip(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("{s:?} is not Y0,Y1 with Y0 <= Y1");
    let (a, b) = s.split_once(',').ok_or_else(bad)?;
    let (y0, y1): (u32, u32) = (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
    (y0 <= y1).then_some((y0, y1)).ok_or_else(bad)
}

/// `WxH+X+Y` as `decode --crop` (djpeg -crop) takes it.
fn parse_pixel_crop(s: &str) -> Result<jtool::pixels::Crop, String> {
    let bad = || format!("{s:?} is not WxH+X+Y (W, H at least 1)");
    let (w, rest) = s.split_once(['x', 'X']).ok_or_else(bad)?;
    let num = |t: Option<&str>| -> Result<u32, String> {
        match t {
            Some(t) if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => {
                t.parse().map_err(|_| bad())
            }
            _ => Err(bad()),
        }
    };
    let mut parts = rest.split('+');
    let (width, height) = (num(Some(w))?, num(parts.next())?);
    let (x, y) = (num(parts.next())?, num(parts.next())?);
    if parts.next().is_some() || width == 0 || height == 0 {
        return Err(bad());
    }
    Ok(jtool::pixels::Crop {
        x,
        y,
        width,
        height,
    })
}

/// `M/N` (or `M`) as `--scale` takes it.
fn parse_scale(s: &str) -> Result<jtool::pixels::Scale, String> {
    let (m, n) = s.split_once('/').unwrap_or((s, "1"));
    let num = |t: &str| {
        t.trim()
            .parse::<u32>()
            .map_err(|_| format!("{s:?} is not M/N"))
    };
    jtool::pixels::Scale::from_fraction(num(m)?, num(n)?).map_err(|e| e.to_string())
}

#[derive(Debug, Args)]
pub struct PixelEncodeArgs {
    /// IJG quality 0-100 (cjpeg -quality; 0 acts as 1), default 75. A list gives each
    /// table slot its own (`90,70`: luminance 90, chrominance 70), the last repeating;
    /// with --qtables it scales the file's tables.
    #[arg(short = 'q', long, value_name = "Q[,Q...]")]
    pub quality: Option<String>,
    /// Sampling factors: 444, 422, 420 (default; 444 with --rgb) or 440, or cjpeg's
    /// -sample list HxV[,HxV...] for each component in turn (others 1x1), each 1-4.
    #[arg(long, visible_alias = "sample", value_name = "S")]
    pub sampling: Option<String>,
    /// Write luminance only (cjpeg -grayscale).
    #[arg(long)]
    pub grayscale: bool,
    /// Write R, G, B without converting to Y'CbCr (cjpeg -rgb); an Adobe APP14 marker
    /// (transform 0) replaces JFIF APP0. Much larger files; few programs expect them.
    #[arg(long, conflicts_with = "grayscale")]
    pub rgb: bool,
    /// Quantization tables from a text file, as cjpeg -qtables reads it: 64 integers per
    /// table in natural (row-major) order, tables for slots 0, 1, ... in turn; `#`
    /// comments. Used as given unless --quality scales them.
    #[arg(long, value_name = "FILE")]
    pub qtables: Option<std::path::PathBuf>,
    /// The table slot of each component in turn (cjpeg -qslots), the last repeating;
    /// default 0,1,1 (0 for every RGB component).
    #[arg(long, value_name = "N[,N...]")]
    pub qslots: Option<String>,
    /// Clamp quantization steps to 255 so the file stays baseline (cjpeg -baseline).
    #[arg(long)]
    pub baseline: bool,
    /// Progressive output with the default scan script.
    #[arg(long)]
    pub progressive: bool,
    /// Annex K Huffman tables instead of optimal ones (cjpeg without -optimize).
    #[arg(long, conflicts_with = "progressive")]
    pub standard_huffman: bool,
    /// Arithmetic coding instead of Huffman (SOF9, or SOF10 with --progressive), as
    /// cjpeg -arithmetic writes.
    #[arg(long, conflicts_with = "standard_huffman")]
    pub arithmetic: bool,
    /// Scan script file, as cjpeg -scans reads it: progressive when any scan is (with
    /// --standard-huffman, a sequential script gets the Annex K tables; a progressive
    /// one's are always optimal, as libjpeg makes them).
    #[arg(long, value_name = "FILE", conflicts_with = "progressive")]
    pub scans: Option<std::path::PathBuf>,
    /// Embed this ICC profile (cjpeg -icc).
    #[arg(long, value_name = "FILE")]
    pub icc: Option<std::path::PathBuf>,
    /// Restart interval: N MCU rows, or NB for N MCUs.
    #[arg(long, value_name = "N[B]")]
    pub restart: Option<String>,
    /// Smooth the input by this factor, 1-100, before downsampling (cjpeg -smooth: for
    /// dithered images; full-size and 2x2 subsampled components).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub smooth: Option<u8>,
    /// Forward DCT (cjpeg -dct int|fast|float).
    #[arg(long, value_enum, default_value = "int", value_name = "METHOD")]
    pub dct: DctArg,
    /// Bits per sample of the output (cjpeg -precision): 12 reads PNM/PNG samples
    /// rescaled to 0-4095 and writes an extended (SOF1) or progressive 12-bit file;
    /// with --lossless, 2 to 16.
    #[arg(long, value_name = "BITS", default_value = "8",
          value_parser = clap::value_parser!(u8).range(2..=16))]
    pub precision: u8,
    /// Lossless JPEG (SOF3, cjpeg -lossless): predictor 1-7 and point transform
    /// (default 0, the only one that keeps every bit); no colour transform or
    /// subsampling.
    #[arg(long, value_name = "PSV[,PT]")]
    pub lossless: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// One JSON document (an object for one file, an array for several).
    #[arg(long)]
    pub json: bool,
    /// Also look for traces of an earlier JPEG compression in the luminance
    /// coefficients (double quantization: the image was decoded and saved again), with
    /// the earlier IJG quality when its steps fit one (-v: every frequency tested).
    #[arg(long)]
    pub history: bool,
    /// Files to inspect (`-`, or none, for stdin).
    #[arg(value_name = "FILE", default_value = "-")]
    pub files: Vec<OsString>,
}

#[cfg(test)]
mod tests {
    /// clap's own consistency checks (unique short flags, valid defaults...), which
    /// otherwise run only in debug builds.
    #[test]
    fn command_line_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }

    /// The lean table names every subcommand of the full command, and nothing else.
    #[test]
    fn lean_table_lists_every_subcommand() {
        use clap::CommandFactory;
        let mut full: Vec<String> = super::Cli::command()
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .collect();
        let mut lean: Vec<String> = super::SUBCOMMANDS
            .iter()
            .map(|(n, _)| n.to_string())
            .collect();
        full.sort();
        lean.sort();
        assert_eq!(full, lean);
    }

    /// A line parsed against its subcommand alone gives what the full command gives,
    /// and lines that fail there get the full command's message.
    #[test]
    fn lean_parse_equals_full_parse() {
        use clap::Parser;
        let lines = [
            "copy a.jpg b.jpg",
            "copy --progressive --restart 2 --copy none -j 2 a.jpg",
            "copy --strict a.jpg --max-pixels 100 -v -v",
            "rotate 90 --out-dir d a.jpg b.jpg",
            "rotate 45 a.jpg",
            "flip h --in-place a.jpg",
            "crop --geometry 16x16+8+8 a.jpg -",
            "auto-orient a.jpg b.jpg --quiet",
            // No file: stdin to stdout.
            "grayscale",
            "transpose --nonsense a.jpg",
            "verify --json a.jpg b.jpg",
            "inspect -v a.jpg",
            "decode a.jpg out.png",
            "encode -q 90 a.ppm a.jpg",
            "strip --keep none a.jpg",
            "copy --help",
            "copy --version",
            "generations -n 3 a.png",
        ];
        let mut parsed = 0;
        for line in lines {
            let args: Vec<std::ffi::OsString> = std::iter::once("jtool")
                .chain(line.split(' '))
                .map(Into::into)
                .collect();
            let full = super::Cli::try_parse_from(args.clone());
            let lean = super::parse_from(args);
            match (full, lean) {
                (Ok(f), Ok(l)) => {
                    assert_eq!(format!("{f:?}"), format!("{l:?}"), "{line}");
                    parsed += 1;
                }
                (Err(f), Err(l)) => assert_eq!(f.to_string(), l.to_string(), "{line}"),
                (f, l) => panic!("{line}: full {f:?}, lean {l:?}"),
            }
        }
        assert_eq!(parsed, 14, "the lines meant to parse");
    }
}
