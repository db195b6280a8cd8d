//! Pixels → JPEG file: what `cjpeg` does. The pixel layer computes the coefficients
//! ([`encode_coefficients`](crate::pixels::encode_coefficients)); this wraps them in SOI, the JFIF APP0 segment cjpeg
//! writes (version 1.01, no density unit, 1:1) or, for RGB output, the Adobe APP14
//! segment it writes instead, the coded frame and EOI.

use crate::coeffs::{BlockPlane, CoefficientImage, QuantTable};
use crate::container::edit::write_icc;
use crate::container::{write_segment, JpegFile, Marker};
use crate::entropy::scan_file::{self, ScriptScan};
use crate::entropy::{
    self, CodingMode, EncodeOptions, HuffmanChoice, SeqStats, SeqStream, TableNumbering,
};
use crate::error::{Error, Result};
use crate::pixels::{
    check_interleaved_mcu, encode_slice_with_slots, image_io, BandEncoder, EncodeParams,
    EncodeScratch, OutputColor, PixelImage, PixelSlice, QuantChoice,
};
use std::sync::mpsc::{channel, Receiver, Sender};

/// The body of cjpeg's JFIF APP0: "JFIF\0", version 1.01, units 0, density 1×1, no
/// thumbnail.
pub const JFIF_APP0_BODY: [u8; 14] = *b"JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00";

/// The body of the Adobe APP14 segment cjpeg writes for RGB output: "Adobe", version
/// 100, no flags, transform 0 (the components are stored as they are, not Y'CbCr).
pub const ADOBE_RGB_APP14_BODY: [u8; 12] = *b"Adobe\x00\x64\x00\x00\x00\x00\x00";
/// How to write the JPEG file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PixelEncodeOptions {
    /// Quality, sampling, colour, baseline, threads.
    pub params: EncodeParams,
    /// Quantization tables and slots (cjpeg -quality with several values, -qtables,
    /// -qslots); `None`: the IJG tables of `params.quality`.
    pub quant: Option<QuantChoice>,
    /// Sequential or progressive.
    pub mode: CodingMode,
    /// Standard (Annex K) or optimal Huffman tables; progressive always optimises.
    pub huffman: HuffmanChoice,
    /// Restart interval in MCUs (0: none).
    pub restart_interval: u16,
    /// Restart interval in MCU rows (cjpeg -restart N), at most 65535 MCUs; used when
    /// not 0, instead of `restart_interval`.
    pub restart_rows: u16,
    /// A scan script (cjpeg -scans): it decides the coding mode, overriding `mode`.
    pub scans: Option<Vec<ScriptScan>>,
    /// An ICC profile to embed after JFIF APP0 (cjpeg -icc).
    pub icc: Option<Vec<u8>>,
}

impl Default for PixelEncodeOptions {
    fn default() -> Self {
        PixelEncodeOptions {
            params: EncodeParams::default(),
            quant: None,
            mode: CodingMode::Sequential,
            huffman: HuffmanChoice::Optimal,
            restart_interval: 0,
            restart_rows: 0,
            scans: None,
            icc: None,
        }
    }
}

impl PixelEncodeOptions {
    /// The (DQT slot, table) of each output component for input with `channels`
    /// samples per pixel.
    fn component_tables(&self, channels: usize) -> Result<Vec<(u8, QuantTable)>> {
        let p = &self.params;
        let color = p.output_color(channels);
        self.quant
            .unwrap_or_else(|| QuantChoice::ijg(&[p.quality], p.force_baseline))
            .component_tables(color.components(), color)
    }

    /// Without a scan script the components share interleaved scans, whose MCU must
    /// hold at most 10 blocks; a script's scans are checked one by one instead.
    fn check_mcu(&self, color: OutputColor) -> Result<()> {
        match self.scans {
            None => check_interleaved_mcu(color, &self.params),
            Some(_) => Ok(()),
        }
    }

    /// The restart interval in MCUs for `image` (its size and components).
    fn restart_for(&self, image: &CoefficientImage) -> u16 {
        if self.restart_rows == 0 {
            return self.restart_interval;
        }
        let all: Vec<usize> = (0..image.components.len()).collect();
        let per_row = image.geometry().scan_mcus_x(&all);
        (per_row * usize::from(self.restart_rows)).min(65535) as u16
    }
}

/// How cjpeg numbers the Huffman tables of each colour: RGB components share table 0.
fn numbering(color: OutputColor) -> TableNumbering {
    match color {
        OutputColor::Rgb => TableNumbering::Shared,
        _ => TableNumbering::LumaChroma,
    }
}

/// SOI, JFIF APP0 (Adobe APP14 for RGB output) and the ICC profile of `opts` (APP2
/// segments).
fn file_start(opts: &PixelEncodeOptions, color: OutputColor) -> Vec<u8> {
    let mut out = Vec::new();
    write_segment(&mut out, Marker::SOI, &[]);
    if color == OutputColor::Rgb {
        write_segment(&mut out, Marker::APP14, &ADOBE_RGB_APP14_BODY);
    } else {
        write_segment(&mut out, Marker::APP0, &JFIF_APP0_BODY);
    }
    if let Some(p) = &opts.icc {
        write_icc(&mut out, p);
    }
    out
}

/// Encodes `img` as a complete JFIF file.
pub fn encode_pixels(img: &PixelImage, opts: &PixelEncodeOptions) -> Result<Vec<u8>> {
    encode_pixel_slice(img.as_slice(), opts)
}

/// [`encode_pixels`] of borrowed samples.
///
/// Sequential output is streamed: iMCU rows are computed on worker threads and
/// Huffman-coded (or, for optimal tables, counted, then coded once the tables are
/// known) on the calling thread as they arrive, so the two stages overlap.
pub fn encode_pixel_slice(img: PixelSlice<'_>, opts: &PixelEncodeOptions) -> Result<Vec<u8>> {
    let streamed = opts.mode == CodingMode::Sequential
        && opts.huffman != HuffmanChoice::Arithmetic
        && opts.scans.is_none();
    let color = opts.params.output_color(img.channels);
    opts.check_mcu(color)?;
    if streamed {
        let out = file_start(opts, color);
        let mut out = match opts.huffman {
            HuffmanChoice::Standard => encode_streamed(img, opts, out)?,
            _ => encode_optimal(img, opts, out)?,
        };
        write_segment(&mut out, Marker::EOI, &[]);
        return Ok(state_gray_factors(out, opts, color));
    }
    let tables = opts.component_tables(img.channels)?;
    let coeffs = encode_slice_with_slots(img, &opts.params, &tables)?;
    whole_file(coeffs, opts, color)
}

/// The file of `coeffs` (output colour `color`) coded as `opts` asks, whole.
fn whole_file(
    coeffs: CoefficientImage,
    opts: &PixelEncodeOptions,
    color: OutputColor,
) -> Result<Vec<u8>> {
    let coded = {
        let (mode, scan_script) = match &opts.scans {
            None => (opts.mode, None),
            Some(s) => {
                let (mode, script) = scan_file::plan(&coeffs, s)?;
                (mode, Some(script))
            }
        };
        let enc = EncodeOptions {
            mode,
            huffman: opts.huffman,
            restart_interval: opts.restart_interval,
            restart_rows: opts.restart_rows,
            scan_script,
            table_numbering: numbering(color),
            threads: opts.params.threads,
        };
        entropy::encode_owned(coeffs, &enc)?
    };
    let mut out = file_start(opts, color);
    out.extend_from_slice(&coded);
    write_segment(&mut out, Marker::EOI, &[]);
    Ok(state_gray_factors(out, opts, color))
}

/// `file` with its one-component frame header stating `opts.params.gray_factors`, as
/// cjpeg states the factors `-sample` gives a gray output. The coder writes 1x1, as
/// libjpeg's transforms do: a one-component frame's factors shape nothing (its scans
/// are non-interleaved, T.81 A.2.2), so only the header byte changes.
fn state_gray_factors(mut file: Vec<u8>, opts: &PixelEncodeOptions, color: OutputColor) -> Vec<u8> {
    let (h, v) = opts.params.gray_factors;
    if color != OutputColor::Gray || (h, v) == (1, 1) {
        return file;
    }
    let at = JpegFile::parse_head(&file).ok().and_then(|f| {
        let sof = f.segments().find(|s| s.marker.is_sof())?;
        // B.2.2: P, Y, X, Nf = 1, then C1 and H1|V1.
        (sof.body.len() >= 8).then(|| sof.body_offset() + 7)
    });
    if let Some(at) = at {
        file[at] = h << 4 | v;
    }
    file
}

/// Reads a PPM/PGM/PAM or PNG file and encodes it ([`encode_pixels`]); the samples of
/// an 8-bit binary PNM are read where they lie, not copied.
pub fn encode_image_file(data: &[u8], opts: &PixelEncodeOptions) -> Result<Vec<u8>> {
    encode_pixel_slice(image_io::read_image_borrowed(data)?.as_slice(), opts)
}

/// Reads a PPM/PGM/PAM or PNG file as 12-bit samples (each rescaled from the file's
/// maximum value to 4095, as libjpeg's 12-bit readers do) and encodes them with
/// 12-bit precision (`cjpeg -precision 12`): an extended-process (SOF1) or
/// progressive file with optimal Huffman tables.
pub fn encode_image_file_wide(data: &[u8], opts: &PixelEncodeOptions) -> Result<Vec<u8>> {
    let img = image_io::read_wide(data)?;
    opts.check_mcu(opts.params.output_color(img.channels))?;
    let tables = opts.component_tables(img.channels)?;
    let coeffs = crate::pixels::wide_encode::encode_wide(&img, &opts.params, &tables)?;
    whole_file(coeffs, opts, opts.params.output_color(img.channels))
}

/// Reads a PPM/PGM/PAM or PNG file as `precision`-bit samples (2 to 16, rescaled as
/// [`encode_image_file_wide`] does) and codes them losslessly (SOF3, T.81 Annex H)
/// with `lossless`'s predictor and point transform: gray as one component, RGB as
/// three stored as they are (ids 'R', 'G', 'B' and an Adobe marker saying so, as
/// `cjpeg -rgb` writes them), or its luma with `--grayscale`. No colour transform and
/// no subsampling, so with point transform 0 the samples come back exactly.
pub fn encode_image_file_lossless(
    data: &[u8],
    opts: &PixelEncodeOptions,
    precision: u8,
    lossless: (u8, u8),
) -> Result<Vec<u8>> {
    use crate::entropy::lossless::{encode_lossless, LosslessOptions, SampleImage, SamplePlane};
    let img = image_io::read_samples(data, precision)?;
    let (w, h) = (img.width as usize, img.height as usize);
    let gray = img.channels == 1 || opts.params.grayscale;
    let planes: Vec<Vec<u16>> = match (img.channels, gray) {
        (1, _) => vec![img.data.clone()],
        (_, true) => vec![(img.data.chunks_exact(3))
            .map(|p| crate::pixels::luma_wide(p[0], p[1], p[2]))
            .collect()],
        _ => (0..3)
            .map(|k| img.data.iter().skip(k).step_by(3).copied().collect())
            .collect(),
    };
    let ids: &[u8] = if gray { &[1] } else { b"RGB" };
    let image = SampleImage {
        width: img.width,
        height: img.height,
        precision,
        components: (planes.into_iter().zip(ids))
            .map(|(samples, &id)| SamplePlane {
                id,
                h: 1,
                v: 1,
                width: w,
                height: h,
                stride: w,
                samples,
            })
            .collect(),
    };
    let restart = match opts.restart_rows {
        0 => opts.restart_interval,
        rows => (w * usize::from(rows)).min(65535) as u16,
    };
    let lo = LosslessOptions {
        predictor: lossless.0,
        point_transform: lossless.1,
        restart_interval: restart,
    };
    let color = if gray {
        OutputColor::Gray
    } else {
        OutputColor::Rgb
    };
    let mut out = file_start(opts, color);
    out.extend_from_slice(&encode_lossless(&image, &lo)?);
    write_segment(&mut out, Marker::EOI, &[]);
    Ok(out)
}

/// The pixel encoder of `opts` over `img`.
fn band_encoder<'a>(img: PixelSlice<'a>, opts: &PixelEncodeOptions) -> Result<BandEncoder<'a>> {
    BandEncoder::new(img, &opts.params, &opts.component_tables(img.channels)?)
}

/// Sequential output with standard tables, row by row ([`SeqStream`]).
fn encode_streamed(
    img: PixelSlice<'_>,
    opts: &PixelEncodeOptions,
    prefix: Vec<u8>,
) -> Result<Vec<u8>> {
    let enc = band_encoder(img, opts)?;
    let color = opts.params.output_color(img.channels);
    let ri = opts.restart_for(enc.header());
    let mut stream = SeqStream::after(prefix, enc.header(), ri, numbering(color))?;
    stream_rows(&enc, opts, |row| stream.push_row(row))?;
    stream.finish()
}

/// Sequential output with optimal tables: the rows' symbols are counted and kept as
/// the rows arrive ([`SeqStats`]), then coded with the tables `entropy::encode`
/// would choose.
fn encode_optimal(
    img: PixelSlice<'_>,
    opts: &PixelEncodeOptions,
    prefix: Vec<u8>,
) -> Result<Vec<u8>> {
    let enc = band_encoder(img, opts)?;
    let mut stats = SeqStats::new(enc.header(), opts.restart_for(enc.header()))?;
    stream_rows(&enc, opts, |row| stats.push_row(row))?;
    stats.finish(prefix, enc.header())
}

/// Computes every iMCU row of `enc` on the workers and hands each, in order, to
/// `push`; bands go back to the workers for reuse.
fn stream_rows(
    enc: &BandEncoder<'_>,
    opts: &PixelEncodeOptions,
    mut push: impl FnMut(&[&BlockPlane]) -> Result<()>,
) -> Result<()> {
    let compute = |r: usize, scratch: &mut EncodeScratch, band: &mut Vec<BlockPlane>| {
        enc.encode_band(r, scratch, band)
    };
    for_each_band(
        enc,
        opts.params.threads,
        || enc.new_band(),
        compute,
        |band| {
            push(&band.iter().collect::<Vec<_>>())?;
            Ok(Some(band))
        },
    )
}

/// Bands in flight per worker: one being computed, one waiting to be taken.
const BANDS_PER_WORKER: usize = 2;

/// Computes the iMCU rows of `enc` (`compute` into bands made by `new`) and hands
/// them to `take` in order; `take` gives a band back for reuse or keeps it. With
/// `threads` ≥ 2 (as many as the image is worth: [`crate::pixels::worker_threads`]),
/// that many workers compute the rows (worker t: rows t, t + threads, …) while this
/// thread takes them.
fn for_each_band<B: Send>(
    enc: &BandEncoder<'_>,
    threads: usize,
    new: impl Fn() -> B + Sync,
    compute: impl Fn(usize, &mut EncodeScratch, &mut B) + Sync,
    mut take: impl FnMut(B) -> Result<Option<B>>,
) -> Result<()> {
    let rows = enc.rows();
    let workers = crate::pixels::worker_threads(threads, enc.pixels()).min(rows);
    if workers <= 1 {
        let mut scratch = enc.new_scratch();
        let mut spare = None;
        for r in 0..rows {
            let mut band = spare.take().unwrap_or_else(&new);
            compute(r, &mut scratch, &mut band);
            spare = take(band)?;
        }
        return Ok(());
    }
    let (new, compute) = (&new, &compute);
    std::thread::scope(|s| {
        // A worker the system gives no thread leaves its lane empty: its rows are
        // computed here, with this thread's own scratch and spare band.
        let mut lanes: Vec<Option<(Receiver<B>, Sender<B>)>> = Vec::new();
        for t in 0..workers {
            let (done_tx, done_rx) = channel::<B>();
            let (free_tx, free_rx) = channel::<B>();
            for _ in 0..BANDS_PER_WORKER {
                let _ = free_tx.send(new());
            }
            let started = crate::threads::spawn(s, move || {
                let mut scratch = enc.new_scratch();
                for r in (t..rows).step_by(workers) {
                    // The taker stopped (an error): nothing more is wanted.
                    let Ok(mut band) = free_rx.recv() else { return };
                    compute(r, &mut scratch, &mut band);
                    if done_tx.send(band).is_err() {
                        return;
                    }
                }
            });
            lanes.push(started.is_ok().then_some((done_rx, free_tx)));
        }
        let mut own: Option<(EncodeScratch, Option<B>)> = None;
        for r in 0..rows {
            match &lanes[r % workers] {
                Some((done, free)) => {
                    let band = done
                        .recv()
                        .map_err(|_| Error::BadRequest("a pixel worker stopped".into()))?;
                    let back = take(band)?.unwrap_or_else(new);
                    let _ = free.send(back);
                }
                None => {
                    let (scratch, spare) = own.get_or_insert_with(|| (enc.new_scratch(), None));
                    let mut band = spare.take().unwrap_or_else(new);
                    compute(r, scratch, &mut band);
                    *spare = take(band)?;
                }
            }
        }
        Ok(())
    })
}
