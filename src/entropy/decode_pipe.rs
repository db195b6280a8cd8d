//! The scans of a large progressive frame decoded at once, one thread per scan.
//!
//! A progressive scan reads what the scans before it left in the same blocks (the
//! nonzero history of AC refinement, T.81 G.1.2.3; the DC value a DC refinement adds a
//! bit to), and only in those blocks. So the planes are cut into bands of whole MCU
//! rows and the bands go down a pipeline in scan order: the thread of scan k works on
//! a band once the thread of scan k − 1 has passed it on, and passes it on in turn
//! when its walk reaches the next band. Every block therefore sees its scans in file
//! order, as in a serial decode, and the result, warnings included, is the same.
//! The bands are borrowed parts of the planes, handed over, never copied.

use std::sync::mpsc::{channel, Receiver, Sender};

use super::bitread::BitReader;
use super::decode_prog::{AcFirst, AcRefine, DcFirst, DcRefine};
use super::decode_scan::{
    run_scan, BlockDecode, Corrupt, Layout, Natural, ScanData, Sequential, Sink,
};
use super::huffdec::HuffDecoder;
use crate::coeffs::{Block, Component};
use crate::container::ScanHeader;
use crate::error::{Result, Warning};

/// How a Huffman-coded scan's blocks are decoded (T.81 F.2, G.2), with its tables.
pub(super) enum ScanCoder {
    Sequential {
        dc: Vec<Box<HuffDecoder>>,
        ac: Vec<Box<HuffDecoder>>,
    },
    DcFirst {
        dc: Vec<Box<HuffDecoder>>,
        al: u8,
    },
    DcRefine {
        al: u8,
    },
    AcFirst {
        ac: Box<HuffDecoder>,
        ss: u8,
        se: u8,
        al: u8,
    },
    AcRefine {
        ac: Box<HuffDecoder>,
        ss: u8,
        se: u8,
        al: u8,
    },
}

impl ScanCoder {
    /// The coder a scan with header `hdr` needs; `table(class, id)` builds a table in
    /// force (0: DC, 1: AC).
    pub(super) fn new(
        hdr: &ScanHeader,
        progressive: bool,
        table: impl Fn(u8, u8) -> Result<Box<HuffDecoder>>,
    ) -> Result<Self> {
        let dc = || -> Result<Vec<_>> { hdr.components.iter().map(|c| table(0, c.td)).collect() };
        let (ss, se, al) = (hdr.ss, hdr.se, hdr.al);
        Ok(if !progressive {
            let ac = hdr.components.iter().map(|c| table(1, c.ta));
            ScanCoder::Sequential {
                dc: dc()?,
                ac: ac.collect::<Result<_>>()?,
            }
        } else if ss == 0 && hdr.ah == 0 {
            ScanCoder::DcFirst { dc: dc()?, al }
        } else if ss == 0 {
            ScanCoder::DcRefine { al }
        } else {
            let ac = table(1, hdr.components[0].ta)?;
            if hdr.ah == 0 {
                ScanCoder::AcFirst { ac, ss, se, al }
            } else {
                ScanCoder::AcRefine { ac, ss, se, al }
            }
        })
    }

    /// Decodes the scan into `sink`; problems become warnings.
    pub(super) fn run<S: Sink>(
        &self,
        data: &ScanData,
        layout: &Layout,
        sink: &mut S,
        w: &mut Vec<Warning>,
    ) {
        match self {
            ScanCoder::Sequential { dc, ac } => {
                let mut d = Sequential {
                    dc: refs(dc),
                    ac: refs(ac),
                    pred: [0; 4],
                };
                run_scan(&mut d, data, layout, sink, w)
            }
            ScanCoder::DcFirst { dc, al } => {
                let mut d = DcFirst {
                    dc: refs(dc),
                    pred: [0; 4],
                    al: *al,
                };
                run_scan(&mut d, data, layout, sink, w)
            }
            ScanCoder::DcRefine { al } => {
                run_scan(&mut DcRefine { al: *al }, data, layout, sink, w)
            }
            &ScanCoder::AcFirst { ref ac, ss, se, al } => {
                let mut d = AcFirst {
                    ac,
                    ss,
                    se,
                    al,
                    eobrun: 0,
                };
                run_scan(&mut d, data, layout, sink, w)
            }
            &ScanCoder::AcRefine { ref ac, ss, se, al } => {
                let mut d = AcRefine {
                    ac,
                    ss,
                    se,
                    al,
                    eobrun: 0,
                };
                run_scan(&mut d, data, layout, sink, w)
            }
        }
    }
}

/// The tables as the block decoders borrow them.
fn refs(t: &[Box<HuffDecoder>]) -> Vec<&HuffDecoder> {
    t.iter().map(|b| &**b).collect()
}

/// A scan put off until every scan of the frame is known.
pub(super) struct Job<'f> {
    pub coder: ScanCoder,
    pub data: ScanData<'f>,
    pub layout: Layout,
    /// Where its warnings go among those of the whole decode.
    pub warn_at: usize,
}

/// Most scans decoded as a pipeline (one thread each); a file with more is decoded
/// one scan after another.
pub(super) const MAX_STAGES: usize = 64;

/// Bands the planes are cut into (fewer when the frame has fewer MCU rows).
const BANDS: usize = 48;

/// The same rows of every component: MCU rows `[idx · n, (idx + 1) · n)`, and the
/// nonzero masks of their blocks.
struct Band<'a> {
    idx: usize,
    parts: Vec<Option<(&'a mut [Block], &'a mut [u64])>>,
}

/// Decodes `jobs` in order into `comps` (with their nonzero masks `hist`, one per
/// block), each on its own thread; returns each job's warnings.
pub(super) fn run_pipelined(
    comps: &mut [Component],
    hist: &mut [Vec<u64>],
    jobs: &[Job],
) -> Vec<Vec<Warning>> {
    let mcu_rows = comps
        .iter()
        .map(|c| c.plane.height_blocks.div_ceil(usize::from(c.v.max(1))))
        .max()
        .unwrap_or(0);
    let per_band = mcu_rows.div_ceil(BANDS).max(1);
    let rows: Vec<usize> = comps
        .iter()
        .map(|c| per_band * usize::from(c.v.max(1)))
        .collect();
    let widths: Vec<usize> = comps.iter().map(|c| c.plane.width_blocks).collect();
    let mut cuts: Vec<_> = comps
        .iter_mut()
        .zip(hist.iter_mut())
        .zip(&rows)
        .map(|((c, h), &r)| {
            let n = (r * c.plane.width_blocks).max(1);
            (c.plane.blocks.chunks_mut(n), h.chunks_mut(n))
        })
        .collect();
    let mut bands = Vec::new();
    for idx in 0.. {
        let parts: Vec<_> = cuts
            .iter_mut()
            .map(|(b, h)| b.next().zip(h.next()))
            .collect();
        if parts.iter().all(Option::is_none) {
            break;
        }
        bands.push(Band { idx, parts });
    }
    std::thread::scope(|s| {
        // Stage k takes bands from `rx` and passes them to a new channel, the next
        // stage's `rx`; the last stage's bands stay in the last channel. Every band is
        // queued first, so that a stage the system gives no thread can run to its end
        // here, after the stages before it.
        let (first, mut rx) = channel();
        for band in bands {
            let _ = first.send(band);
        }
        drop(first);
        let mut stages = Vec::with_capacity(jobs.len());
        for job in jobs {
            let (tx, next) = channel();
            let mut sink = BandSink {
                rx: std::mem::replace(&mut rx, next),
                tx,
                cur: None,
                rows: &rows,
                widths: &widths,
            };
            stages.push(crate::threads::spawn_or_run(s, move || {
                let mut w = Vec::new();
                job.coder.run(&job.data, &job.layout, &mut sink, &mut w);
                sink.pass_the_rest();
                w
            }));
        }
        stages
            .into_iter()
            .map(crate::threads::Handle::join)
            .collect()
    })
}

/// One stage's view of the planes: the band it works on, those before it passed on.
struct BandSink<'a, 'r> {
    rx: Receiver<Band<'a>>,
    tx: Sender<Band<'a>>,
    cur: Option<Band<'a>>,
    /// Per component: block rows in a band.
    rows: &'r [usize],
    /// Per component: blocks in a row.
    widths: &'r [usize],
}

impl<'a> BandSink<'a, '_> {
    /// Band `idx`, once the stage before has passed it on; the bands before it go to
    /// the next stage. `None` once the bands have run out.
    #[inline(always)]
    fn band(&mut self, idx: usize) -> Option<&mut Band<'a>> {
        if self.cur.as_ref().map_or(true, |b| b.idx != idx) {
            self.advance(idx);
        }
        self.cur.as_mut().filter(|b| b.idx == idx)
    }

    /// Passes bands on until band `idx` (or a later one) is in hand.
    #[cold]
    #[inline(never)]
    fn advance(&mut self, idx: usize) {
        while self.cur.as_ref().map_or(true, |b| b.idx < idx) {
            if let Some(done) = self.cur.take() {
                // The next stage only stops early by panicking (reported at its join).
                let _ = self.tx.send(done);
            }
            match self.rx.recv() {
                Ok(b) => self.cur = Some(b),
                Err(_) => return,
            }
        }
    }

    /// Passes on the band in hand and every band still to come.
    fn pass_the_rest(mut self) {
        if let Some(done) = self.cur.take() {
            let _ = self.tx.send(done);
        }
        while let Ok(b) = self.rx.recv() {
            let _ = self.tx.send(b);
        }
    }
}

impl Sink for BandSink<'_, '_> {
    #[inline(always)]
    fn block<D: BlockDecode>(
        &mut self,
        d: &mut D,
        br: &mut BitReader,
        sc: usize,
        comp: usize,
        bx: usize,
        by: usize,
    ) -> std::result::Result<(), Corrupt> {
        let (Some(&rows), Some(&width)) = (self.rows.get(comp), self.widths.get(comp)) else {
            return Ok(());
        };
        let Some(Some((blocks, hist))) = self
            .band(by / rows)
            .and_then(|band| band.parts.get_mut(comp))
        else {
            return Ok(());
        };
        let i = (by % rows) * width + bx;
        let Some(blk) = blocks.get_mut(i) else {
            return Ok(());
        };
        let mut unused = 0;
        let h = match hist.get_mut(i) {
            Some(h) if D::HISTORY => h,
            _ => &mut unused,
        };
        d.decode(br, sc, blk, h, Natural)
    }
}
