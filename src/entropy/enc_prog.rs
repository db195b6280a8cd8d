//! Progressive block coders (T.81 G.1.2): DC first and refinement scans, AC first
//! scans with end-of-band runs, AC refinement scans with correction bits.

use super::enc_seq::{walk, BlockCoder, ScanComp};
use super::huffenc::{category, Sink};
use crate::coeffs::{Block, ZIGZAG};

/// Longest end-of-band run (EOB14 with 14 additional bits, T.81 Table G.1).
const MAX_EOBRUN: u32 = 0x7FFF;

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
            br: Vec::new(),
        };
        walk(&mut c, comps, mcus, ri);
        c.emit_eobrun();
        Ranges::default()
    }
}

/// Emits buffered single bits, 32 at a time.
fn emit_bits<S: Sink>(sink: &mut S, bits: &[u8]) {
    for chunk in bits.chunks(32) {
        let v = chunk.iter().fold(0u32, |v, &b| (v << 1) | b as u32);
        sink.bits(v, chunk.len() as u32);
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

impl<S: Sink> AcFirst<'_, S> {
    fn emit_eobrun(&mut self) {
        if self.eobrun > 0 {
            let nb = 31 - self.eobrun.leading_zeros();
            self.sink.sym(self.t, nb << 4, self.eobrun & ((1 << nb) - 1), nb);
            self.eobrun = 0;
        }
    }
}

impl<S: Sink> BlockCoder for AcFirst<'_, S> {
    #[inline(always)]
    fn block(&mut self, _ci: usize, blk: &Block) {
        let mut vals = [0i32; 64];
        let mut mask = 0u64;
        // The range check covers the values before the point transform, so that every
        // mode accepts the same coefficients.
        let mut acc = 0;
        for k in self.ss..=self.se {
            let v = blk[ZIGZAG[k & 63] & 63] as i32;
            let sign = v >> 31;
            let mag = (v ^ sign) - sign;
            acc |= mag as u32;
            let t = ((mag >> self.al) ^ sign) - sign;
            vals[k & 63] = t;
            mask |= ((t != 0) as u64) << k;
        }
        let mut pos = self.ss as u32;
        while mask != 0 {
            let k = mask.trailing_zeros();
            mask &= mask - 1;
            let mut run = k - pos;
            pos = k + 1;
            self.emit_eobrun();
            while run >= 16 {
                self.sink.sym(self.t, 0xF0, 0, 0);
                run -= 16;
            }
            let (nb, extra, _) = category(vals[k as usize & 63]);
            self.sink.sym(self.t, (run << 4) | nb, extra, nb);
        }
        self.ac_or |= acc;
        if pos as usize <= self.se {
            self.eobrun += 1;
            if self.eobrun == MAX_EOBRUN {
                self.emit_eobrun();
            }
        }
    }
    fn restart(&mut self, n: usize) {
        self.emit_eobrun();
        self.sink.restart(n);
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
    /// Correction bits of the blocks in the pending end-of-band run.
    be: Vec<u8>,
    /// Correction bits of the current block not yet emitted.
    br: Vec<u8>,
}

impl<S: Sink> AcRefine<'_, S> {
    fn emit_eobrun(&mut self) {
        if self.eobrun > 0 {
            let nb = 31 - self.eobrun.leading_zeros();
            self.sink.sym(self.t, nb << 4, self.eobrun & ((1 << nb) - 1), nb);
            self.eobrun = 0;
            if S::WRITES {
                emit_bits(self.sink, &self.be);
                self.be.clear();
            }
        }
    }
}

impl<S: Sink> BlockCoder for AcRefine<'_, S> {
    fn block(&mut self, _ci: usize, blk: &Block) {
        let mut absv = [0u32; 64];
        let mut nz = 0u64;
        let mut neg = 0u64;
        let mut eob = 0;
        for k in self.ss..=self.se {
            let v = blk[ZIGZAG[k & 63] & 63] as i32;
            let a = v.unsigned_abs() >> self.al;
            absv[k & 63] = a;
            nz |= ((a != 0) as u64) << k;
            neg |= ((v < 0) as u64) << k;
            if a == 1 {
                eob = k;
            }
        }
        let mut r = 0;
        let mut pos = self.ss;
        let mut nbr = 0usize;
        self.br.clear();
        while nz != 0 {
            let k = nz.trailing_zeros() as usize;
            nz &= nz - 1;
            r += k - pos;
            pos = k + 1;
            while r > 15 && k <= eob {
                self.emit_eobrun();
                self.sink.sym(self.t, 0xF0, 0, 0);
                r -= 16;
                if S::WRITES {
                    emit_bits(self.sink, &self.br);
                    self.br.clear();
                }
                nbr = 0;
            }
            let a = absv[k & 63];
            if a > 1 {
                if S::WRITES {
                    self.br.push((a & 1) as u8);
                }
                nbr += 1;
                continue;
            }
            self.emit_eobrun();
            let sign = ((neg >> k) & 1) as u32 ^ 1;
            self.sink.sym(self.t, ((r as u32) << 4) | 1, sign, 1);
            if S::WRITES {
                emit_bits(self.sink, &self.br);
                self.br.clear();
            }
            nbr = 0;
            r = 0;
        }
        r += self.se + 1 - pos;
        if r > 0 || nbr > 0 {
            self.eobrun += 1;
            if S::WRITES {
                self.be.extend_from_slice(&self.br);
            }
            if self.eobrun == MAX_EOBRUN {
                self.emit_eobrun();
            }
        }
    }
    fn restart(&mut self, n: usize) {
        self.emit_eobrun();
        self.sink.restart(n);
    }
}
