//! Progressive block coders (T.81 G.1.2): DC first and refinement scans, AC first
//! scans with end-of-band runs, AC refinement scans with correction bits.

use super::enc_seq::{pack_bits, walk, zigzag, BlockCoder, ScanComp};
use super::huffenc::{category, Sink};
use crate::coeffs::Block;

/// Longest end-of-band run (EOB14 with 14 additional bits, T.81 Table G.1).
const MAX_EOBRUN: u32 = 0x7FFF;

/// An end-of-band run of a refinement scan is also ended once its blocks have more
/// than this many correction bits pending. Any bound is valid; this one (1000 − 64 + 1)
/// is libjpeg's, so that output matches jpegtran's byte for byte.
const MAX_RUN_CORRECTION_BITS: u32 = 937;

/// Magnitude checks of what a scan coded (see [`super::enc_seq::SeqCoder`]).
#[derive(Debug, Default, Clone, Copy)]
pub struct Ranges {
    pub ac_or: u32,
    pub dc_or: u32,
}

/// Codes one progressive scan (header fields `ss`, `se`, `ah`, `al`) into `sink`.
#[allow(clippy::too_many_arguments)]
pub fn prog_scan<S: Sink>(
    sink: &mut S,
    comps: &[ScanComp],
    mcus: (usize, usize),
    ri: usize,
    ss: u8,
    se: u8,
    ah: u8,
    al: u8,
) -> Ranges {
    let al = al as u32;
    if ss == 0 {
        if ah == 0 {
            let mut c = DcFirst { sink, pred: [0; 4], tables: [0; 4], al, dc_or: 0 };
            for (i, sc) in comps.iter().enumerate() {
                c.tables[i] = sc.dc;
            }
            walk(&mut c, comps, mcus, ri);
            Ranges { ac_or: 0, dc_or: c.dc_or }
        } else {
            let mut c = DcRefine { sink, al };
            walk(&mut c, comps, mcus, ri);
            Ranges::default()
        }
    } else if ah == 0 {
        let mut c = AcFirst { sink, t: comps[0].ac, ss: ss as usize, se: se as usize, al, eobrun: 0, ac_or: 0 };
        walk(&mut c, comps, mcus, ri);
        c.emit_eobrun();
        Ranges { ac_or: c.ac_or, dc_or: 0 }
    } else {
        let mut c = AcRefine {
            sink,
            t: comps[0].ac,
            ss: ss as usize,
            se: se as usize,
            al,
            eobrun: 0,
            be: Vec::new(),
            be_bits: 0,
        };
        walk(&mut c, comps, mcus, ri);
        c.emit_eobrun();
        Ranges::default()
    }
}

/// DC first scan: the difference of the point-transformed (arithmetic shift right by
/// Al) DC values, coded as in sequential mode.
struct DcFirst<'s, S: Sink> {
    sink: &'s mut S,
    pred: [i32; 4],
    tables: [usize; 4],
    al: u32,
    dc_or: u32,
}

impl<S: Sink> BlockCoder for DcFirst<'_, S> {
    #[inline(always)]
    fn block(&mut self, ci: usize, blk: &Block) {
        let ci = ci & 3;
        let v = (blk[0] as i32) >> self.al;
        let (nb, extra, mag) = category(v - self.pred[ci]);
        self.pred[ci] = v;
        self.dc_or |= mag;
        self.sink.sym(self.tables[ci], nb, extra, nb);
    }
    fn restart(&mut self, n: usize) {
        self.sink.restart(n);
        self.pred = [0; 4];
    }
}

/// DC refinement: bit Al of each DC coefficient, uncoded.
struct DcRefine<'s, S: Sink> {
    sink: &'s mut S,
    al: u32,
}

impl<S: Sink> BlockCoder for DcRefine<'_, S> {
    #[inline(always)]
    fn block(&mut self, _ci: usize, blk: &Block) {
        self.sink.bits((((blk[0] as i32) >> self.al) & 1) as u32, 1);
    }
    fn restart(&mut self, n: usize) {
        self.sink.restart(n);
    }
}

/// Mask of the zigzag positions `ss..=se`.
#[inline(always)]
fn band_mask(ss: usize, se: usize) -> u64 {
    (u64::MAX >> (63 - se)) & (u64::MAX << ss)
}

/// The AC coefficients of `blk` in zigzag order (position 0 set to 0) after the point
/// transform of T.81 G.1.2.2 (|v| >> Al with the sign of v), the mask of the nonzero
/// ones, the mask of those of magnitude 1, and the OR of the AC magnitudes before the
/// transform.
#[inline(always)]
fn transform_ac(blk: &Block, al: u32) -> ([i16; 64], u64, u64, u32) {
    let mut zz = zigzag(blk);
    zz[0] = 0;
    let mut nzb = [0u8; 64];
    let mut oneb = [0u8; 64];
    let mut raw = 0u16;
    for k in 0..64 {
        let v = zz[k];
        let s = v >> 15;
        let m = (v ^ s).wrapping_sub(s) as u16;
        raw |= m;
        let t = m >> al;
        nzb[k] = (t != 0) as u8;
        oneb[k] = (t == 1) as u8;
        zz[k] = ((t as i16) ^ s).wrapping_sub(s);
    }
    (zz, pack_bits(&nzb), pack_bits(&oneb), raw as u32)
}

/// AC first scan over Ss..=Se with point transform Al (division by 2^Al rounding
/// toward zero) and end-of-band runs (T.81 G.1.2.2).
struct AcFirst<'s, S: Sink> {
    sink: &'s mut S,
    t: usize,
    ss: usize,
    se: usize,
    al: u32,
    eobrun: u32,
    ac_or: u32,
}

/// Emits the pending end-of-band run, if any: EOBn symbol n = ⌊log2 run⌋, then the
/// low n bits of the run.
#[inline(always)]
fn emit_eobrun<S: Sink>(sink: &mut S, t: usize, eobrun: &mut u32) {
    if *eobrun > 0 {
        let nb = 31 - eobrun.leading_zeros();
        sink.sym(t, nb << 4, *eobrun & ((1 << nb) - 1), nb);
        *eobrun = 0;
    }
}

impl<S: Sink> AcFirst<'_, S> {
    fn emit_eobrun(&mut self) {
        emit_eobrun(self.sink, self.t, &mut self.eobrun);
    }
}

impl<S: Sink> BlockCoder for AcFirst<'_, S> {
    #[inline(always)]
    fn block(&mut self, _ci: usize, blk: &Block) {
        let (t, ss, se) = (self.t, self.ss, self.se);
        let (vals, nz, _, raw) = transform_ac(blk, self.al);
        // The range check covers every AC coefficient before the point transform, so
        // that every mode accepts the same coefficients.
        self.ac_or |= raw;
        let mut mask = nz & band_mask(ss, se);
        let mut eobrun = self.eobrun;
        self.sink.local(|sink| {
            let mut pos = ss as u32;
            while mask != 0 {
                let k = mask.trailing_zeros();
                mask &= mask - 1;
                let mut run = k - pos;
                pos = k + 1;
                emit_eobrun(sink, t, &mut eobrun);
                while run >= 16 {
                    sink.sym(t, 0xF0, 0, 0);
                    run -= 16;
                }
                let (nb, extra, _) = category(vals[k as usize & 63] as i32);
                sink.sym(t, (run << 4) | nb, extra, nb);
            }
            if pos as usize <= se {
                eobrun += 1;
                if eobrun == MAX_EOBRUN {
                    emit_eobrun(sink, t, &mut eobrun);
                }
            }
        });
        self.eobrun = eobrun;
    }
    fn restart(&mut self, n: usize) {
        self.emit_eobrun();
        self.sink.restart(n);
    }
}

/// Emits up to 64 buffered bits.
#[inline(always)]
fn put_bits64<S: Sink>(sink: &mut S, bits: u64, n: u32) {
    if n > 32 {
        sink.bits((bits >> 32) as u32, n - 32);
        sink.bits(bits as u32, 32);
    } else if n > 0 {
        sink.bits(bits as u32, n);
    }
}

/// AC refinement scan (T.81 G.1.2.3): newly nonzero coefficients (magnitude 1 at
/// bit Al) are coded with a run of zero-history coefficients and a sign bit; the bit
/// Al of previously nonzero coefficients goes out as a correction bit after the next
/// symbol. Blocks ending in an end-of-band join a run whose correction bits follow
/// the EOBRUN symbol.
struct AcRefine<'s, S: Sink> {
    sink: &'s mut S,
    t: usize,
    ss: usize,
    se: usize,
    al: u32,
    eobrun: u32,
    /// Correction bits of the blocks in the pending end-of-band run, per block
    /// (bits, count), and their number.
    be: Vec<(u64, u32)>,
    be_bits: u32,
}

impl<S: Sink> AcRefine<'_, S> {
    fn emit_eobrun(&mut self) {
        if self.eobrun > 0 {
            emit_eobrun(self.sink, self.t, &mut self.eobrun);
            self.be_bits = 0;
            if S::WRITES {
                let sink = &mut *self.sink;
                sink.local(|sink| {
                    for &(b, n) in &self.be {
                        put_bits64(sink, b, n);
                    }
                });
                self.be.clear();
            }
        }
    }
}

impl<S: Sink> BlockCoder for AcRefine<'_, S> {
    #[inline(always)]
    fn block(&mut self, _ci: usize, blk: &Block) {
        let (t, ss, se) = (self.t, self.ss, self.se);
        let (vals, nz, ones, _) = transform_ac(blk, self.al);
        let band = band_mask(ss, se);
        let mut nz = nz & band;
        let ones = ones & band;
        // Last newly nonzero coefficient (0: none).
        let eob = if ones == 0 { 0 } else { 63 - ones.leading_zeros() as usize };
        if nz == 0 {
            // Nothing but zero-history coefficients: the block joins the run.
            self.eobrun += 1;
            if self.eobrun == MAX_EOBRUN {
                self.emit_eobrun();
            }
            return;
        }
        let mut r = 0;
        let mut pos = ss;
        // Correction bits of this block not yet emitted.
        let mut br = 0u64;
        let mut nbr = 0u32;
        while nz != 0 {
            let k = nz.trailing_zeros() as usize;
            nz &= nz - 1;
            r += k - pos;
            pos = k + 1;
            if r > 15 && k <= eob {
                self.emit_eobrun();
                self.sink.local(|sink| {
                    while r > 15 {
                        sink.sym(t, 0xF0, 0, 0);
                        r -= 16;
                        put_bits64(sink, br, nbr);
                        br = 0;
                        nbr = 0;
                    }
                });
            }
            let v = vals[k & 63];
            if (ones >> k) & 1 == 0 {
                br = (br << 1) | ((v.unsigned_abs() & 1) as u64);
                nbr += 1;
                continue;
            }
            if self.eobrun > 0 {
                self.emit_eobrun();
            }
            self.sink.local(|sink| {
                sink.sym(t, ((r as u32) << 4) | 1, (v > 0) as u32, 1);
                put_bits64(sink, br, nbr);
            });
            br = 0;
            nbr = 0;
            r = 0;
        }
        r += se + 1 - pos;
        if r > 0 || nbr > 0 {
            self.eobrun += 1;
            if S::WRITES && nbr > 0 {
                self.be.push((br, nbr));
            }
            self.be_bits += nbr;
            if self.eobrun == MAX_EOBRUN || self.be_bits > MAX_RUN_CORRECTION_BITS {
                self.emit_eobrun();
            }
        }
    }
    fn restart(&mut self, n: usize) {
        self.emit_eobrun();
        self.sink.restart(n);
    }
}
