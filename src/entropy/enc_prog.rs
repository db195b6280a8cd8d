//! Progressive block coders (T.81 G.1.2): DC first and refinement scans, AC first
//! scans with end-of-band runs, AC refinement scans with correction bits.

use super::enc_seq::{walk, BlockCoder, ScanComp};
use super::huffenc::{category, Emit, Sink};
use crate::coeffs::{Block, PackedPlane};

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

impl Ranges {
    /// Adds what another part of the same scan coded.
    pub fn merge(&mut self, o: Ranges) {
        self.ac_or |= o.ac_or;
        self.dc_or |= o.dc_or;
    }
}

/// Codes one progressive scan (header fields `ss`, `se`, `ah`, `al`) into `sink`.
/// Every coder reads its coefficients from `planes` (the packed planes of the scan's
/// components, in scan order), never from the blocks the walk passes, which may be
/// absent. The AC magnitudes are checked by the caller on the packed planes, so only
/// DC ranges are returned.
#[allow(clippy::too_many_arguments)]
pub fn prog_scan<S: Sink>(
    sink: &mut S,
    comps: &[ScanComp],
    planes: &[&PackedPlane],
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
            let mut c = DcFirst {
                sink,
                planes,
                pred: [0; 4],
                tables: [0; 4],
                al,
                dc_or: 0,
            };
            for (i, sc) in comps.iter().enumerate() {
                c.tables[i] = sc.dc;
            }
            walk(&mut c, comps, mcus, ri);
            return Ranges {
                ac_or: 0,
                dc_or: c.dc_or,
            };
        }
        let mut c = DcRefine { sink, planes, al };
        walk(&mut c, comps, mcus, ri);
        return Ranges::default();
    }
    let sp = planes[0];
    let (ss, se) = (ss as usize, se as usize);
    if ah == 0 {
        let mut c = AcFirst {
            sink,
            sp,
            t: comps[0].ac,
            ss,
            se,
            al,
            eobrun: 0,
        };
        walk(&mut c, comps, mcus, ri);
        c.emit_eobrun();
    } else {
        let run = Run {
            eobrun: 0,
            be: Vec::new(),
            be_bits: 0,
        };
        let mut c = AcRefine {
            sink,
            sp,
            t: comps[0].ac,
            ss,
            se,
            al,
            run,
        };
        walk(&mut c, comps, mcus, ri);
        c.emit_eobrun();
    }
    Ranges::default()
}

/// DC first scan: the difference of the point-transformed (arithmetic shift right by
/// Al) DC values, coded as in sequential mode.
struct DcFirst<'s, 'p, S: Sink> {
    sink: &'s mut S,
    planes: &'p [&'p PackedPlane],
    pred: [i32; 4],
    tables: [usize; 4],
    al: u32,
    dc_or: u32,
}

impl<S: Sink> BlockCoder for DcFirst<'_, '_, S> {
    #[inline(always)]
    fn block(&mut self, ci: usize, idx: usize, _blk: &Block) {
        let v = (self.planes[ci].dc(idx) as i32) >> self.al;
        let ci = ci & 3;
        let (nb, extra, mag) = category(v - self.pred[ci]);
        self.pred[ci] = v;
        self.dc_or |= mag;
        self.sink.open().sym(self.tables[ci], nb, extra, nb);
    }
    fn restart(&mut self, n: usize) {
        self.sink.restart(n);
        self.pred = [0; 4];
    }
}

/// DC refinement: bit Al of each DC coefficient, uncoded.
struct DcRefine<'s, 'p, S: Sink> {
    sink: &'s mut S,
    planes: &'p [&'p PackedPlane],
    al: u32,
}

impl<S: Sink> BlockCoder for DcRefine<'_, '_, S> {
    #[inline(always)]
    fn block(&mut self, ci: usize, idx: usize, _blk: &Block) {
        let dc = self.planes[ci].dc(idx) as i32;
        self.sink.open().bits(((dc >> self.al) & 1) as u32, 1);
    }
    fn restart(&mut self, n: usize) {
        self.sink.restart(n);
    }
}

/// Mask of the zigzag positions `ss..=se` (1 ≤ ss ≤ se ≤ 63).
#[inline(always)]
fn band_mask(ss: usize, se: usize) -> u64 {
    (u64::MAX >> (63 - se)) & (u64::MAX << ss)
}

/// Emits the pending end-of-band run, if any: EOBn symbol n = ⌊log2 run⌋, then the
/// low n bits of the run.
#[inline(always)]
fn emit_eobrun<E: Emit>(e: &mut E, t: usize, eobrun: &mut u32) {
    if *eobrun > 0 {
        let nb = 31 - eobrun.leading_zeros();
        e.sym(t, nb << 4, *eobrun & ((1 << nb) - 1), nb);
        *eobrun = 0;
    }
}

/// The coefficients of block `idx` in the band `ss..=se` whose point-transformed value
/// (|v| >> Al) is nonzero.
struct Entries {
    /// Zigzag positions and transformed magnitudes, `n` of them.
    ks: [u8; 64],
    mags: [u16; 64],
    n: usize,
    /// Masks by zigzag position: negative values, and transformed magnitude 1.
    neg: u64,
    ones: u64,
}

#[inline(always)]
fn band_entries(sp: &PackedPlane, idx: usize, ss: usize, se: usize, al: u32) -> Entries {
    // The mask has the DC bit too: the count of bits below Ss (≥ 1) counts the DC
    // value when it is stored.
    let (mask, vals) = sp.get(idx);
    let mut i = (mask & ((1u64 << ss) - 1)).count_ones() as usize;
    let mut m = mask & band_mask(ss, se);
    let mut ks = [0u8; 64];
    let mut mags = [0u16; 64];
    let mut neg = 0u64;
    let mut ones = 0u64;
    let mut n = 0;
    while m != 0 {
        let k = m.trailing_zeros();
        m &= m - 1;
        let v = vals.get(i).copied().unwrap_or(0);
        i += 1;
        let a = v.unsigned_abs() >> al;
        ks[n & 63] = k as u8;
        mags[n & 63] = a;
        neg |= ((v < 0) as u64) << k;
        ones |= ((a == 1) as u64) << k;
        n += (a != 0) as usize;
    }
    Entries {
        ks,
        mags,
        n,
        neg,
        ones,
    }
}

/// AC first scan over Ss..=Se with point transform Al (division by 2^Al rounding
/// toward zero) and end-of-band runs (T.81 G.1.2.2).
struct AcFirst<'s, 'p, S: Sink> {
    sink: &'s mut S,
    sp: &'p PackedPlane,
    t: usize,
    ss: usize,
    se: usize,
    al: u32,
    eobrun: u32,
}

impl<S: Sink> AcFirst<'_, '_, S> {
    fn emit_eobrun(&mut self) {
        emit_eobrun(&mut self.sink.open(), self.t, &mut self.eobrun);
    }
}

impl<S: Sink> BlockCoder for AcFirst<'_, '_, S> {
    #[inline(always)]
    fn block(&mut self, _ci: usize, idx: usize, _blk: &Block) {
        let (t, ss, se) = (self.t, self.ss, self.se);
        let Entries {
            ks, mags, n, neg, ..
        } = band_entries(self.sp, idx, ss, se, self.al);
        if n > 0 {
            let mut e = self.sink.open();
            emit_eobrun(&mut e, t, &mut self.eobrun);
            let mut pos = ss as u32;
            for j in 0..n {
                let k = ks[j & 63] as u32;
                let mut run = k - pos;
                pos = k + 1;
                while run >= 16 {
                    e.sym(t, 0xF0, 0, 0);
                    run -= 16;
                }
                let a = mags[j & 63] as u32;
                let nb = 32 - a.leading_zeros();
                // Negative values: the low bits of −a − 1 (T.81 F.1.2.1).
                let extra = if (neg >> k) & 1 != 0 {
                    !a & ((1 << nb) - 1)
                } else {
                    a
                };
                e.sym(t, (run << 4) | nb, extra, nb);
            }
            if pos as usize > se {
                return;
            }
        }
        self.eobrun += 1;
        if self.eobrun == MAX_EOBRUN {
            self.emit_eobrun();
        }
    }
    fn restart(&mut self, n: usize) {
        self.emit_eobrun();
        self.sink.restart(n);
    }
}

/// Emits up to 64 buffered bits.
#[inline(always)]
fn put_bits64<E: Emit>(e: &mut E, bits: u64, n: u32) {
    if n > 32 {
        e.bits((bits >> 32) as u32, n - 32);
        e.bits(bits as u32, 32);
    } else if n > 0 {
        e.bits(bits as u32, n);
    }
}

/// The pending end-of-band run of a refinement scan with the correction bits of its
/// blocks: per block (bits, count), and their number.
struct Run {
    eobrun: u32,
    be: Vec<(u64, u32)>,
    be_bits: u32,
}

impl Run {
    /// Emits the run, if any, and its correction bits.
    #[inline(always)]
    fn emit<E: Emit>(&mut self, e: &mut E, t: usize, writes: bool) {
        if self.eobrun > 0 {
            emit_eobrun(e, t, &mut self.eobrun);
            self.be_bits = 0;
            if writes {
                for &(b, n) in &self.be {
                    put_bits64(e, b, n);
                }
                self.be.clear();
            }
        }
    }
}

/// AC refinement scan (T.81 G.1.2.3): newly nonzero coefficients (magnitude 1 at
/// bit Al) are coded with a run of zero-history coefficients and a sign bit; the bit
/// Al of previously nonzero coefficients goes out as a correction bit after the next
/// symbol. Blocks ending in an end-of-band join a run whose correction bits follow
/// the EOBRUN symbol.
struct AcRefine<'s, 'p, S: Sink> {
    sink: &'s mut S,
    sp: &'p PackedPlane,
    t: usize,
    ss: usize,
    se: usize,
    al: u32,
    run: Run,
}

impl<S: Sink> AcRefine<'_, '_, S> {
    fn emit_eobrun(&mut self) {
        self.run.emit(&mut self.sink.open(), self.t, S::WRITES);
    }

    /// Ends the block with an end-of-band: it joins the pending run with its `nbr`
    /// correction bits `br`.
    #[inline(always)]
    fn join_run(&mut self, br: u64, nbr: u32) {
        let run = &mut self.run;
        run.eobrun += 1;
        if S::WRITES && nbr > 0 {
            run.be.push((br, nbr));
        }
        run.be_bits += nbr;
        if run.eobrun == MAX_EOBRUN || run.be_bits > MAX_RUN_CORRECTION_BITS {
            self.emit_eobrun();
        }
    }
}

impl<S: Sink> BlockCoder for AcRefine<'_, '_, S> {
    #[inline(always)]
    fn block(&mut self, _ci: usize, idx: usize, _blk: &Block) {
        let (t, ss, se) = (self.t, self.ss, self.se);
        let Entries {
            ks,
            mags,
            n,
            neg,
            ones,
        } = band_entries(self.sp, idx, ss, se, self.al);
        // Last newly nonzero coefficient (0: none).
        let eob = if ones == 0 {
            0
        } else {
            63 - ones.leading_zeros() as usize
        };
        let mut r = 0;
        let mut pos = ss;
        // Correction bits of this block not yet emitted.
        let mut br = 0u64;
        let mut nbr = 0u32;
        if eob > 0 {
            let mut e = self.sink.open();
            let run = &mut self.run;
            // The block emits symbols, so the pending run goes out first.
            run.emit(&mut e, t, S::WRITES);
            for j in 0..n {
                let k = ks[j & 63] as usize;
                r += k - pos;
                pos = k + 1;
                if r > 15 && k <= eob {
                    while r > 15 {
                        e.sym(t, 0xF0, 0, 0);
                        r -= 16;
                        put_bits64(&mut e, br, nbr);
                        br = 0;
                        nbr = 0;
                    }
                }
                // Newly nonzero: run/size symbol, sign bit, then the pending correction
                // bits. Otherwise one more correction bit. Without branches: the two
                // cases alternate unpredictably.
                let a = mags[j & 63];
                let new = a == 1;
                let sign = ((neg >> k) & 1) as u32 ^ 1;
                e.sym_if(new, t, ((r as u32) << 4) | 1, sign, 1);
                if nbr > 32 {
                    // Rare: more than 32 correction bits before a symbol.
                    e.bits_if(new, (br >> 32) as u32, nbr - 32);
                    e.bits_if(new, br as u32, 32);
                } else {
                    e.bits_if(new, br as u32, nbr);
                }
                let keep = (!new as u64).wrapping_neg();
                br = ((br << 1) | (a & 1) as u64) & keep;
                nbr = (nbr + 1) & keep as u32;
                r &= keep as usize;
            }
        } else {
            // No newly nonzero coefficient: only correction bits, if any.
            for j in 0..n {
                br = (br << 1) | (mags[j & 63] & 1) as u64;
            }
            nbr = n as u32;
            pos = ss;
        }
        r += se + 1 - pos;
        if r > 0 || nbr > 0 {
            self.join_run(br, nbr);
        }
    }
    fn restart(&mut self, n: usize) {
        self.emit_eobrun();
        self.sink.restart(n);
    }
}
