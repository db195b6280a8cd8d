//! `jtool decode` output: the rows go to the destination as they are decoded (PNM
//! or PNG), so the image is never held whole, and on a file the output still appears
//! only once complete (see [`io::stream_output`]). A BMP file stores its rows bottom
//! up, so they are held until the last one (as djpeg holds them).

use super::io::{self, Dest};
use jtool::pipeline::pixels::{decode_file_rows, DecodeOptions};
use jtool::pixels::bmp::{bmp_header, push_bmp_rows, BmpKind};
use jtool::pixels::image_io::{pnm_header_for, PngStream};
use jtool::pixels::targa::{push_targa_rows, targa_header};
use jtool::pixels::PixelShape;
use jtool::{Error, Result, Warning};
use std::cell::{Cell, RefCell};
use std::io::Write;
use std::path::Path;

/// A writer that counts what passes through it.
struct Counted<'w> {
    w: &'w mut dyn Write,
    n: &'w Cell<u64>,
}

impl Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let k = self.w.write(buf)?;
        self.n.set(self.n.get() + k as u64);
        Ok(k)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.w.write_all(buf)?;
        self.n.set(self.n.get() + buf.len() as u64);
        Ok(())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.w.flush()
    }
}

/// The format of the pixels written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pnm,
    Png,
    Bmp(BmpKind),
    Targa,
}

/// The output file being written.
enum Out<'w> {
    /// Before the header (PNG not started yet) or PNM samples.
    Raw(Counted<'w>),
    // Boxed: the encoder state is large, and the enum is moved on every start.
    Png(Box<PngStream<Counted<'w>>>),
    /// A BMP file: the rows gathered (top down) behind its header, all written at
    /// the end.
    Bmp(Counted<'w>, PixelShape, Vec<u8>, Vec<u8>),
    /// A Targa file after its header: each batch of rows turned to B, G, R in the
    /// buffer, then written.
    Targa(Counted<'w>, usize, Vec<u8>),
    Gone,
}

impl Out<'_> {
    fn start(&mut self, shape: PixelShape, format: Format, dpcm: Option<(u16, u16)>) -> Result<()> {
        match (std::mem::replace(self, Out::Gone), format) {
            (Out::Raw(w), Format::Png) => *self = Out::Png(Box::new(PngStream::new(w, shape)?)),
            (Out::Raw(w), Format::Bmp(kind)) => {
                let head = bmp_header(shape, kind, dpcm)?;
                *self = Out::Bmp(w, shape, head, Vec::new());
            }
            (Out::Raw(mut w), Format::Targa) => {
                w.write_all(&targa_header(shape)?)?;
                *self = Out::Targa(w, shape.channels, Vec::new());
            }
            (Out::Raw(mut w), Format::Pnm) => {
                w.write_all(pnm_header_for(shape)?.as_bytes())?;
                *self = Out::Raw(w);
            }
            (other, _) => *self = other,
        }
        Ok(())
    }

    fn rows(&mut self, rows: &[u8]) -> Result<()> {
        match self {
            Out::Raw(w) => Ok(w.write_all(rows)?),
            Out::Png(p) => p.write_rows(rows),
            Out::Bmp(_, _, _, held) => {
                held.extend_from_slice(rows);
                Ok(())
            }
            Out::Targa(w, channels, buf) => {
                buf.clear();
                push_targa_rows(buf, rows, *channels);
                Ok(w.write_all(buf)?)
            }
            Out::Gone => Ok(()),
        }
    }

    fn finish(self) -> Result<()> {
        match self {
            Out::Png(p) => p.finish(),
            Out::Bmp(mut w, shape, mut file, held) => {
                push_bmp_rows(&mut file, shape, &held);
                Ok(w.write_all(&file)?)
            }
            _ => Ok(()),
        }
    }
}

/// Decodes `data` into `dest` in `format`, band by band. Returns the bytes written
/// and the warnings.
pub fn decode_to(
    data: &[u8],
    opts: &DecodeOptions,
    dest: &Dest,
    like: Option<&Path>,
    format: Format,
) -> Result<(u64, Vec<Warning>)> {
    let written = Cell::new(0);
    let mut warnings = Vec::new();
    // Only a BMP header records the density (and parsing walks the whole file).
    let dpcm = match format {
        Format::Bmp(_) => jtool::container::JpegFile::parse(data)
            .ok()
            .and_then(|f| jtool::pipeline::pixels::dots_per_cm(&f)),
        _ => None,
    };
    io::stream_output(dest, like, |w: &mut dyn Write| -> Result<()> {
        let out = RefCell::new(Out::Raw(Counted { w, n: &written }));
        let (_, ws) = decode_file_rows(
            data,
            opts,
            &mut |shape| out.borrow_mut().start(shape, format, dpcm),
            &mut |rows| out.borrow_mut().rows(rows),
        )?;
        out.into_inner().finish()?;
        warnings = ws;
        Ok(())
    })
    .map_err(|e: Error| e)?;
    Ok((written.get(), warnings))
}
