//! Arithmetic-coded scans (T.81 F.2.4 sequential, G.2 progressive): the statistical
//! models over the QM decoder of `arith`, as [`BlockDecode`]rs, and the MCU walk with
//! restart intervals (each interval re-initialises the decoder and the statistics,
//! F.1.4.4.3 / G.1.3.3). Blocks go through the same [`Sink`]s as Huffman scans.

use super::arith::Qm;
use super::bitread::BitReader;
use super::decode_scan::{BlockDecode, Corrupt, Layout, Order, ScanData, Sink};
use crate::coeffs::Block;
use crate::error::{McuPosition, Warning, WarningKind};

/// Conditioning parameters from DAC segments (B.2.4.3), per table: DC (L, U) and AC
/// Kx. Defaults (L, U) = (0, 1), Kx = 5 (F.1.4.4.1.4, F.1.4.4.2.3).
#[derive(Debug, Clone, Copy)]
pub(super) struct Conditioning {
    pub dc: [(u8, u8); 4],
    pub kx: [u8; 4],
}

impl Default for Conditioning {
    fn default() -> Self {
        Conditioning {
            dc: [(0, 1); 4],
            kx: [5; 4],
        }
    }
}

impl Conditioning {
    /// Applies a DAC segment body; bad entries are ignored (libjpeg errors; we keep
    /// the defaults rather than refuse the file).
    pub(super) fn apply_dac(&mut self, body: &[u8]) {
        for e in body.chunks_exact(2) {
            let (tc, tb, cs) = (e[0] >> 4, (e[0] & 15) as usize, e[1]);
            if tb > 3 {
                continue;
            }
            if tc == 0 {
                let (l, u) = (cs & 15, cs >> 4);
                if l <= u {
                    self.dc[tb] = (l, u);
                }
            } else if (1..=63).contains(&cs) {
                self.kx[tb] = cs;
            }
        }
    }
}

/// The statistics both arithmetic coders keep (F.1.4.4): the bins, 64 per DC table
/// and 256 per AC table; per scan component the DC prediction, the DC context
/// (F.1.4.4.1.2) and the tables used; and the conditioning.
pub(super) struct Bins {
    pub dc_stats: [[u8; 64]; 4],
    pub ac_stats: [[u8; 256]; 4],
    pub pred: [i32; 4],
    pub dc_ctx: [usize; 4],
    pub dc_tbl: [usize; 4],
    pub ac_tbl: [usize; 4],
    pub cond: Conditioning,
}

impl Bins {
    /// Fresh statistics for a scan whose component `i` uses tables `tables[i]`.
    pub(super) fn new(tables: &[(u8, u8)], cond: Conditioning) -> Self {
        let mut dc_tbl = [0; 4];
        let mut ac_tbl = [0; 4];
        for (i, &(td, ta)) in tables.iter().take(4).enumerate() {
            dc_tbl[i] = td as usize & 3;
            ac_tbl[i] = ta as usize & 3;
        }
        Bins {
            dc_stats: [[0; 64]; 4],
            ac_stats: [[0; 256]; 4],
            pred: [0; 4],
            dc_ctx: [0; 4],
            dc_tbl,
            ac_tbl,
            cond,
        }
    }

    /// Start of a restart interval: statistics, predictions and contexts to zero.
    pub(super) fn reset(&mut self) {
        self.dc_stats = [[0; 64]; 4];
        self.ac_stats = [[0; 256]; 4];
        self.pred = [0; 4];
        self.dc_ctx = [0; 4];
    }

    /// Table F.4: scan component `sc`'s DC context after a difference with
    /// |D| − 1 = `v` and sign `neg`, bounded by the table's L and U.
    pub(super) fn next_dc_ctx(&mut self, sc: usize, v: u32, neg: bool) {
        let (l, u) = self.cond.dc[self.dc_tbl[sc]];
        self.dc_ctx[sc] = if v < (1u32 << l) >> 1 {
            0
        } else if v > (1u32 << u) >> 1 {
            12 + 4 * usize::from(neg)
        } else {
            4 + 4 * usize::from(neg)
        };
    }
}

/// Shared state of every arithmetic block decoder: the QM decoder and the statistics.
pub(super) struct Arith<'a> {
    pub qm: Qm<'a>,
    bins: Bins,
}

impl<'a> Arith<'a> {
    pub(super) fn new(data: &'a [u8], tables: &[(u8, u8)], cond: Conditioning) -> Box<Self> {
        Box::new(Arith {
            qm: Qm::new(data),
            bins: Bins::new(tables, cond),
        })
    }

    /// Start of a restart interval.
    fn reset(&mut self) {
        self.bins.reset();
    }

    /// A DC difference (F.1.4.4.1, decoder F.2.4.1), updating the context of `sc`.
    fn dc_diff(&mut self, sc: usize) -> Result<i32, Corrupt> {
        let sc = sc & 3;
        let t = self.bins.dc_tbl[sc];
        let ctx = self.bins.dc_ctx[sc];
        let st = &mut self.bins.dc_stats[t];
        let qm = &mut self.qm;
        if !qm.decode(&mut st[ctx]) {
            self.bins.dc_ctx[sc] = 0;
            return Ok(0);
        }
        let neg = qm.decode(&mut st[ctx + 1]);
        let mut s = ctx + 2 + neg as usize;
        let mut m: i32 = 0;
        if qm.decode(&mut st[s]) {
            m = 1;
            s = 20;
            while qm.decode(&mut st[s]) {
                m <<= 1;
                if m == 0x8000 {
                    return Err(Corrupt("arithmetic DC magnitude out of range"));
                }
                s += 1;
            }
        }
        let mut v = m;
        s += 14;
        while m > 1 {
            m >>= 1;
            if qm.decode(&mut st[s]) {
                v |= m;
            }
        }
        self.bins.next_dc_ctx(sc, v as u32, neg);
        v += 1;
        Ok(if neg { -v } else { v })
    }

    /// AC coefficients Ss..=Se (F.1.4.4.2, G.2.3.2), stored shifted by Al; sets
    /// their bits in `hist`.
    fn ac_first<O: Order>(
        &mut self,
        sc: usize,
        band: (u8, u8, u8),
        blk: &mut Block,
        hist: &mut u64,
        o: O,
    ) -> Result<(), Corrupt> {
        let (ss, se, al) = (band.0 as usize, band.1 as usize, band.2);
        let t = self.bins.ac_tbl[sc & 3];
        let kx = self.bins.cond.kx[t] as usize;
        let st = &mut self.bins.ac_stats[t];
        let qm = &mut self.qm;
        let mut k = ss.max(1);
        while k <= se {
            if qm.decode(&mut st[3 * (k - 1)]) {
                break; // EOB
            }
            while !qm.decode(&mut st[3 * (k - 1) + 1]) {
                k += 1;
                if k > se {
                    return Err(Corrupt("arithmetic AC run past the band"));
                }
            }
            let neg = qm.decode_fixed();
            let mut s = 3 * (k - 1) + 2;
            let mut m: i32 = 0;
            if qm.decode(&mut st[s]) {
                m = 1;
                if qm.decode(&mut st[s]) {
                    m = 2;
                    s = if k <= kx { 189 } else { 217 };
                    while qm.decode(&mut st[s]) {
                        m <<= 1;
                        if m == 0x8000 {
                            return Err(Corrupt("arithmetic AC magnitude out of range"));
                        }
                        s += 1;
                    }
                }
            }
            let mut v = m;
            s += 14;
            while m > 1 {
                m >>= 1;
                if qm.decode(&mut st[s]) {
                    v |= m;
                }
            }
            v += 1;
            let v = if neg { -v } else { v };
            o.put(blk, k, (v << al) as i16);
            *hist |= 1 << k;
            k += 1;
        }
        Ok(())
    }

    /// AC refinement (G.2.3.3): new coefficients of ±2^Al and correction bits for
    /// the ones already nonzero (`hist`).
    fn ac_refine<O: Order>(
        &mut self,
        sc: usize,
        band: (u8, u8, u8),
        blk: &mut Block,
        hist: &mut u64,
        o: O,
    ) -> Result<(), Corrupt> {
        let (ss, se, al) = (band.0 as usize, band.1 as usize, band.2);
        let t = self.bins.ac_tbl[sc & 3];
        let st = &mut self.bins.ac_stats[t];
        let qm = &mut self.qm;
        let p1: i32 = 1 << al;
        // EOBx: the end of band of the earlier scans (last nonzero up to Se).
        let below = if se >= 63 { !0u64 } else { (2u64 << se) - 1 };
        let known = *hist & below & !1;
        let eobx = if known == 0 {
            0
        } else {
            63 - known.leading_zeros() as usize
        };
        let mut k = ss.max(1);
        while k <= se {
            let mut s = 3 * (k - 1);
            if k > eobx && qm.decode(&mut st[s]) {
                break;
            }
            loop {
                if *hist >> k & 1 != 0 {
                    if qm.decode(&mut st[s + 2]) {
                        let c = o.get(blk, k) as i32;
                        let c = if c < 0 { c - p1 } else { c + p1 };
                        o.put(blk, k, c as i16);
                    }
                    break;
                }
                if qm.decode(&mut st[s + 1]) {
                    let neg = qm.decode_fixed();
                    o.put(blk, k, if neg { -p1 } else { p1 } as i16);
                    *hist |= 1 << k;
                    break;
                }
                s += 3;
                k += 1;
                if k > se {
                    return Err(Corrupt("arithmetic AC run past the band"));
                }
            }
            k += 1;
        }
        Ok(())
    }
}

/// The kind of arithmetic scan.
#[derive(Debug, Clone, Copy)]
pub(super) enum ArithKind {
    Sequential,
    DcFirst { al: u8 },
    DcRefine { al: u8 },
    AcFirst { ss: u8, se: u8, al: u8 },
    AcRefine { ss: u8, se: u8, al: u8 },
}

impl ArithKind {
    /// The kind of scan `s` in a sequential or `progressive` frame (G.1.1.1).
    pub(super) fn of(s: &crate::container::ScanHeader, progressive: bool) -> Self {
        let (ss, se, al) = (s.ss, s.se, s.al);
        match (progressive, ss, s.ah) {
            (false, ..) => ArithKind::Sequential,
            (true, 0, 0) => ArithKind::DcFirst { al },
            (true, 0, _) => ArithKind::DcRefine { al },
            (true, _, 0) => ArithKind::AcFirst { ss, se, al },
            (true, ..) => ArithKind::AcRefine { ss, se, al },
        }
    }
}

/// A block decoder for one arithmetic scan. `HISTORY` is on for the AC scans so
/// that sinks keep the nonzero masks AC refinement needs; the reader passed in is
/// unused (the QM decoder reads the bytes itself).
pub(super) struct ArithBlocks<'a, const H: bool> {
    pub a: Box<Arith<'a>>,
    pub kind: ArithKind,
}

impl<const H: bool> BlockDecode for ArithBlocks<'_, H> {
    const HISTORY: bool = H;

    fn reset(&mut self) {
        self.a.reset();
    }

    fn decode<O: Order>(
        &mut self,
        _br: &mut BitReader,
        sc: usize,
        blk: &mut Block,
        hist: &mut u64,
        o: O,
    ) -> Result<(), Corrupt> {
        let a = &mut *self.a;
        match self.kind {
            ArithKind::Sequential => {
                let d = a.dc_diff(sc)?;
                let p = &mut a.bins.pred[sc & 3];
                *p = p.wrapping_add(d);
                blk[0] = *p as i16;
                let mut unused = 0;
                a.ac_first(sc, (1, 63, 0), blk, &mut unused, o)
            }
            ArithKind::DcFirst { al } => {
                let d = a.dc_diff(sc)?;
                let p = &mut a.bins.pred[sc & 3];
                *p = p.wrapping_add(d);
                blk[0] = (p.wrapping_shl(al as u32)) as i16;
                Ok(())
            }
            ArithKind::DcRefine { al } => {
                if a.qm.decode_fixed() {
                    blk[0] |= 1 << al;
                }
                Ok(())
            }
            ArithKind::AcFirst { ss, se, al } => a.ac_first(sc, (ss, se, al), blk, hist, o),
            ArithKind::AcRefine { ss, se, al } => a.ac_refine(sc, (ss, se, al), blk, hist, o),
        }
    }
}

/// Decodes one arithmetic scan into `sink`. Each restart interval starts a fresh
/// QM decoder after its RSTn marker (D.2.7); corrupt data leaves the rest of its
/// interval zero, a missing marker ends the scan.
pub(super) fn run_arith<const H: bool, S: Sink>(
    d: &mut ArithBlocks<'_, H>,
    data: &ScanData,
    layout: &Layout,
    sink: &mut S,
    warnings: &mut Vec<Warning>,
) {
    let (_, end) = sink.range(layout, true);
    let total = layout.total_mcus().min(end);
    let ri = data.restart_interval;
    let ecs = data.ecs;
    let mut dummy = BitReader::new(&[]);
    let mut emitted = 0usize;
    let cols = match *layout {
        Layout::Interleaved { mcus_x, .. } => mcus_x,
        Layout::Single { bw, .. } => bw,
    }
    .max(1);
    let mut warn = |at: usize, kind: WarningKind, mcu: usize| {
        if emitted < 8 {
            let mut w = Warning::at(data.offset + at.min(ecs.len()), kind);
            w.mcu = Some(McuPosition {
                index: mcu,
                column: mcu % cols,
                row: mcu / cols,
            });
            warnings.push(w);
            emitted += 1;
        }
    };
    d.a.qm.init(0);
    d.reset();
    let mut m = 0;
    let mut rst = 0usize;
    while m < total {
        if ri > 0 && m > 0 && m % ri == 0 {
            match find_marker(ecs, d.a.qm.pos()) {
                Some(p) if ecs[p + 1] == 0xD0 + (rst & 7) as u8 => {
                    d.a.qm.init(p + 2);
                }
                Some(p) if (0xD0..=0xD7).contains(&ecs[p + 1]) => {
                    warn(p, WarningKind::BadRestart, m);
                    d.a.qm.init(p + 2);
                }
                other => {
                    warn(other.unwrap_or(ecs.len()), WarningKind::BadRestart, m);
                    return;
                }
            }
            rst += 1;
            d.reset();
        }
        let stop = m
            .checked_div(ri)
            .map_or(total, |i| (i + 1).saturating_mul(ri))
            .min(total);
        let mut bad = None;
        while m < stop {
            let r = match layout {
                Layout::Interleaved { comps, mcus_x, .. } => {
                    let mx = (*mcus_x).max(1);
                    sink.mcu(d, &mut dummy, comps, m % mx, m / mx)
                }
                &Layout::Single { comp, bw, .. } => {
                    let bw = bw.max(1);
                    sink.block(d, &mut dummy, 0, comp, m % bw, m / bw)
                }
            };
            m += 1;
            if let Err(Corrupt(what)) = r {
                bad = Some(what);
                break;
            }
        }
        if let Some(what) = bad {
            warn(
                d.a.qm.pos(),
                WarningKind::CorruptData(what.to_string()),
                m - 1,
            );
            if ri == 0 {
                return;
            }
            m = stop;
        }
    }
}

/// Offset of the next marker (0xFF then neither 0 nor 0xFF) at or after `from`.
fn find_marker(ecs: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + 1 < ecs.len() {
        if ecs[i] == 0xFF {
            match ecs[i + 1] {
                0 => i += 2,
                0xFF => i += 1,
                _ => return Some(i),
            }
        } else {
            i += 1;
        }
    }
    None
}
