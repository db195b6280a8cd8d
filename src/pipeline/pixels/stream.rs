//! Sequential files decoded as a stream: the entropy decoder hands over one iMCU row
//! of coefficients at a time ([`RowScan::run`]) and the pixel decoder turns each into
//! rows ([`BandDecoder`]) as soon as the row below it has arrived. With two threads
//! the two stages overlap: the entropy decoder runs on a helper thread a few rows
//! ahead, the calling thread does the pixels and the output.

use crate::entropy::rows::{Band, RowScan};
use crate::error::{Error, Result, Warning};
use crate::pixels::{BandDecoder, ColorSpace, PixelOptions, PixelShape};
use std::sync::mpsc;

/// Bands in flight between the two threads (besides the two the pixel stage holds).
const QUEUE: usize = 2;

/// Decodes `scan` to rows: `start` gets the shape, `sink` the rows top to bottom.
/// Returns the warnings of the scan data.
pub(super) fn decode_stream(
    scan: &RowScan,
    color: ColorSpace,
    opts: &PixelOptions,
    start: &mut dyn FnMut(PixelShape) -> Result<()>,
    sink: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<Vec<Warning>> {
    let mut pixels = BandDecoder::new(&scan.decoded.image, color, opts)?;
    let shape = pixels.shape();
    start(shape)?;
    let area = u64::from(shape.width) * u64::from(shape.height);
    if crate::pixels::worker_threads(opts.threads, area) <= 1 {
        return single_thread(scan, &mut pixels, sink);
    }
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::sync_channel::<(usize, Band)>(QUEUE);
        let (back_tx, back_rx) = mpsc::channel::<Band>();
        let from = pixels.first_band();
        let started = crate::threads::spawn(s, move || {
            scan.run_from(from, &mut |i, band| {
                // Hand the band over; continue in a zeroed one (recycled when possible).
                let fresh = back_rx.try_recv().unwrap_or_else(|_| scan.new_band());
                tx.send((i, std::mem::replace(band, fresh))).is_ok()
            })
        });
        let Ok(entropy) = started else {
            return single_thread(scan, &mut pixels, sink);
        };
        // On an error here the receiver is dropped, which stops the entropy thread.
        let done = consume(rx, &back_tx, &mut pixels, sink);
        let warnings = entropy
            .try_join()
            .map_err(|_| Error::BadRequest("entropy decoder thread failed".into()))?;
        done.map(|()| warnings)
    })
}

/// The pixel side of the two-thread decode.
fn consume(
    rx: mpsc::Receiver<(usize, Band)>,
    back: &mpsc::Sender<Band>,
    pixels: &mut BandDecoder,
    sink: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<()> {
    for (i, band) in rx {
        if let Some(used) = pixels.push(i, band, sink)? {
            let _ = back.send(used);
        }
        // A crop's rows are out: dropping the receiver stops the entropy decoder.
        if pixels.is_done() {
            break;
        }
    }
    pixels.finish(sink)
}

/// Both stages on the calling thread, band by band.
fn single_thread(
    scan: &RowScan,
    pixels: &mut BandDecoder,
    sink: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<Vec<Warning>> {
    let mut spare: Vec<Band> = Vec::new();
    let mut failed = None;
    let warnings = scan.run_from(pixels.first_band(), &mut |i, band| {
        let fresh = spare.pop().unwrap_or_else(|| scan.new_band());
        match pixels.push(i, std::mem::replace(band, fresh), sink) {
            Ok(used) => {
                spare.extend(used);
                !pixels.is_done()
            }
            Err(e) => {
                failed = Some(e);
                false
            }
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    pixels.finish(sink)?;
    Ok(warnings)
}
