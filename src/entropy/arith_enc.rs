//! Arithmetic encoding (`jpegtran -arithmetic`): the QM encoder of T.81 D.1 and the
//! statistical models of F.1.4.4 (sequential) and G.1.3 (progressive), the mirror of
//! the decoder in `arith` / `arith_scan`. Output is SOF9 (sequential) or SOF10
//! (progressive) with a DAC segment before each scan whose tables are used, holding
//! the default conditioning (L = 0, U = 1, Kx = 5), as libjpeg writes it.

use super::arith::{lps_next, QE};
use super::arith_scan::{ArithKind, Bins, Conditioning};
use super::enc_seq::{walk, BlockCoder, ScanComp};
use crate::coeffs::PackedPlane;
use crate::container::{write_segment, Marker};

/// QM encoder registers (D.1.1) and the bytes written so far. Bytes are held back
/// one at a time (`buf`), with any 0xFF bytes after it counted in `sc`, until the
/// next byte shows whether a carry reaches them (D.1.6).
pub(super) struct QmEnc {
    c: u32,
    a: u32,
    ct: i32,
    buf: i32,
    sc: u32,
    /// Where the current interval's bytes start in `out`.
    start: usize,
    pub out: Vec<u8>,
}

impl QmEnc {
    /// INITENC (D.1.7) appending to `out`.
    pub(super) fn new(out: Vec<u8>) -> Self {
        QmEnc {
            c: 0,
            a: 0x10000,
            ct: 11,
            buf: -1,
            sc: 0,
            start: out.len(),
            out,
        }
    }

    fn reinit(&mut self) {
        self.start = self.out.len();
        self.c = 0;
        self.a = 0x10000;
        self.ct = 11;
        self.buf = -1;
        self.sc = 0;
    }

    /// One byte of entropy-coded data, 0xFF stuffed with 0x00 (F.1.2.3).
    fn emit(&mut self, b: u8) {
        self.out.push(b);
        if b == 0xFF {
            self.out.push(0);
        }
    }

    /// BYTEOUT (D.1.6, Figure D.8): a carry into the held byte turns the 0xFF bytes
    /// after it into zeros.
    fn byte_out(&mut self) {
        let t = self.c >> 19;
        if t > 0xFF {
            if self.buf >= 0 {
                self.emit((self.buf + 1) as u8);
            }
            for _ in 0..self.sc {
                self.emit(0);
            }
            self.sc = 0;
            self.buf = (t & 0xFF) as i32;
        } else if t == 0xFF {
            self.sc += 1;
        } else {
            if self.buf >= 0 {
                self.emit(self.buf as u8);
            }
            for _ in 0..self.sc {
                self.emit(0xFF);
            }
            self.sc = 0;
            self.buf = t as i32;
        }
        self.c &= 0x7FFFF;
        self.ct = 8;
    }

    /// RENORME (D.1.5, Figure D.7).
    fn renorm(&mut self) {
        while self.a < 0x8000 {
            self.a <<= 1;
            self.c <<= 1;
            self.ct -= 1;
            if self.ct == 0 {
                self.byte_out();
            }
        }
    }

    /// ENCODE (D.1.2–D.1.4, Figures D.3–D.6) of `bit` with bin `st`, conditional
    /// exchange included; the bin's state moves as the decoder's does.
    pub(super) fn encode(&mut self, st: &mut u8, bit: bool) {
        let idx = (*st & 0x7F) as usize;
        let mps = *st >> 7;
        let (qe, nmps, nlps, sw) = QE[idx];
        let qe = qe as u32;
        self.a -= qe;
        if u8::from(bit) != mps {
            // CODELPS: the interval is exchanged when the LPS sub-interval is larger.
            if self.a >= qe {
                self.c += self.a;
                self.a = qe;
            }
            *st = lps_next(mps, nlps, sw);
        } else {
            if self.a >= 0x8000 {
                return;
            }
            if self.a < qe {
                self.c += self.a;
                self.a = qe;
            }
            *st = (mps << 7) | nmps;
        }
        self.renorm();
    }

    /// A decision with the fixed 0.5 probability (signs, DC refinement bits).
    fn encode_fixed(&mut self, bit: bool) {
        let mut st = super::arith::FIXED;
        self.encode(&mut st, bit);
    }

    /// FLUSH (D.1.8, Figure D.12): the value in the final interval with the most
    /// trailing zero bits, then its bytes; trailing zero bytes are left out (the
    /// decoder reads zeros past the end, D.2.8), as libjpeg leaves them out.
    pub(super) fn flush(&mut self) {
        let t = (self.c + self.a - 1) & 0xFFFF_0000;
        self.c = if t < self.c { t + 0x8000 } else { t };
        self.c <<= self.ct;
        self.byte_out();
        self.c <<= 8;
        self.byte_out();
        if self.buf >= 0 {
            self.emit(self.buf as u8);
        }
        for _ in 0..self.sc {
            self.emit(0xFF);
        }
        // A zero after 0xFF is stuffing, not data.
        while self.out.len() > self.start
            && self.out.last() == Some(&0)
            && self.out.get(self.out.len().wrapping_sub(2)) != Some(&0xFF)
        {
            self.out.pop();
        }
    }
}

/// The statistical models of one scan over the packed planes of its components, with
/// the default conditioning (the DAC segments of [`write_dac`] say so).
pub(super) struct ArithCoder<'p> {
    qm: QmEnc,
    planes: Vec<&'p PackedPlane>,
    kind: ArithKind,
    bins: Bins,
    /// OR of the DC difference magnitudes, for the range check.
    dc_or: u32,
}

impl<'p> ArithCoder<'p> {
    /// A coder appending to `out`; `tables[i]` is scan component `i`'s (DC, AC) table.
    pub(super) fn new(
        out: Vec<u8>,
        planes: Vec<&'p PackedPlane>,
        tables: &[(u8, u8)],
        kind: ArithKind,
    ) -> Self {
        ArithCoder {
            qm: QmEnc::new(out),
            planes,
            kind,
            bins: Bins::new(tables, Conditioning::default()),
            dc_or: 0,
        }
    }

    /// Codes every block of the scan (`comps`, `mcus`, restart interval `ri`) and
    /// flushes; returns the output.
    pub(super) fn run(
        mut self,
        comps: &[ScanComp],
        mcus: (usize, usize),
        ri: usize,
    ) -> (Vec<u8>, u32) {
        walk(&mut self, comps, mcus, ri);
        self.qm.flush();
        (self.qm.out, self.dc_or)
    }

    /// The magnitude bits shared by DC differences and AC values (F.1.4.4.1.3,
    /// F.1.4.4.2.2): `v` = |value| − 1, at least `m`, whose exponent decisions above
    /// `m` are coded from bin `s` up, then the bits below the leading one from `s + 14`
    /// (statistics `st`). DC differences start at `m` = 1; AC values of 3 and more at
    /// 2, their first two decisions being coded in the coefficient's own bin.
    fn magnitude(qm: &mut QmEnc, st: &mut [u8], mut s: usize, v: u32, mut m: u32) {
        while v >= m << 1 {
            qm.encode(&mut st[s], true);
            m <<= 1;
            s += 1;
        }
        qm.encode(&mut st[s], false);
        s += 14;
        while m > 1 {
            m >>= 1;
            qm.encode(&mut st[s], v & m != 0);
        }
    }

    /// A DC difference (F.1.4.4.1) of scan component `sc`, and its next context
    /// (Table F.4, bounded by the default L = 0, U = 1).
    fn dc_diff(&mut self, sc: usize, diff: i32) {
        let t = self.bins.dc_tbl[sc];
        let ctx = self.bins.dc_ctx[sc];
        let st = &mut self.bins.dc_stats[t];
        let qm = &mut self.qm;
        if diff == 0 {
            qm.encode(&mut st[ctx], false);
            self.bins.dc_ctx[sc] = 0;
            return;
        }
        qm.encode(&mut st[ctx], true);
        let neg = diff < 0;
        qm.encode(&mut st[ctx + 1], neg);
        let s = ctx + 2 + usize::from(neg);
        let v = diff.unsigned_abs() - 1;
        self.dc_or |= v + 1;
        if v == 0 {
            qm.encode(&mut st[s], false);
        } else {
            qm.encode(&mut st[s], true);
            Self::magnitude(qm, st, 20, v, 1);
        }
        self.bins.next_dc_ctx(sc, v, neg);
    }

    /// The AC values of band `ss..=se` of `b` (F.1.4.4.2, G.1.3.2): EOB, zero runs,
    /// sign and magnitude per nonzero value.
    fn ac_first(&mut self, sc: usize, b: &Band, ss: usize, se: usize) {
        let t = self.bins.ac_tbl[sc];
        let kx = self.bins.cond.kx[t] as usize;
        let st = &mut self.bins.ac_stats[t];
        let qm = &mut self.qm;
        let mut k = ss;
        while k <= se {
            if k > b.last {
                qm.encode(&mut st[3 * (k - 1)], true); // EOB
                return;
            }
            qm.encode(&mut st[3 * (k - 1)], false);
            while b.mag[k] == 0 {
                qm.encode(&mut st[3 * (k - 1) + 1], false);
                k += 1;
            }
            qm.encode(&mut st[3 * (k - 1) + 1], true);
            qm.encode_fixed(b.neg >> k & 1 != 0);
            let v = b.mag[k] - 1;
            let s = 3 * (k - 1) + 2;
            if v == 0 {
                qm.encode(&mut st[s], false);
            } else {
                qm.encode(&mut st[s], true);
                if v == 1 {
                    qm.encode(&mut st[s], false);
                } else {
                    qm.encode(&mut st[s], true);
                    let s = if k <= kx { 189 } else { 217 };
                    Self::magnitude(qm, st, s, v, 2);
                }
            }
            k += 1;
        }
    }

    /// AC refinement (G.1.3.3) of band `ss..=se` of `b`: bit Al of the coefficients
    /// already nonzero at Al + 1, and a sign for the ones that become nonzero.
    fn ac_refine(&mut self, sc: usize, b: &Band, ss: usize, se: usize) {
        let t = self.bins.ac_tbl[sc];
        let st = &mut self.bins.ac_stats[t];
        let qm = &mut self.qm;
        // EOBx: the last coefficient nonzero before this scan; EOB: after it.
        let (eobx, eob) = (b.last_known, b.last);
        let mut k = ss;
        while k <= se {
            let mut s = 3 * (k - 1);
            if k > eobx {
                if k > eob {
                    qm.encode(&mut st[s], true);
                    return;
                }
                qm.encode(&mut st[s], false);
            }
            loop {
                if b.mag[k] > 1 {
                    qm.encode(&mut st[s + 2], b.mag[k] & 1 != 0);
                    break;
                }
                if b.mag[k] != 0 {
                    qm.encode(&mut st[s + 1], true);
                    qm.encode_fixed(b.neg >> k & 1 != 0);
                    break;
                }
                qm.encode(&mut st[s + 1], false);
                s += 3;
                k += 1;
            }
            k += 1;
        }
    }
}

/// One block as an AC scan sees it, in zigzag order: |coefficient| >> Al and the signs
/// over the band, the band's last nonzero index (0: none), and the last index in
/// 1..=Se already nonzero before a refinement scan (|coefficient| >> Al above 1).
struct Band {
    mag: [u32; 64],
    neg: u64,
    last: usize,
    last_known: usize,
}

impl Band {
    /// Band `ss..=se` (ss ≥ 1) of block `idx` of `p` at point transform `al`.
    fn of(p: &PackedPlane, idx: usize, ss: usize, se: usize, al: u8) -> Band {
        let (mut m, vals) = p.get(idx);
        let mut b = Band {
            mag: [0; 64],
            neg: 0,
            last: 0,
            last_known: 0,
        };
        for &v in vals {
            let k = m.trailing_zeros() as usize;
            m &= m.wrapping_sub(1);
            if k > se {
                break; // values come in zigzag order
            }
            let a = u32::from(v.unsigned_abs()) >> al;
            if k == 0 {
                continue;
            }
            if a > 1 {
                b.last_known = k;
            }
            if k >= ss && a != 0 {
                b.mag[k] = a;
                b.neg |= u64::from(v < 0) << k;
                b.last = k;
            }
        }
        b
    }
}

/// The DC coefficient of block `idx` of `p`.
fn dc_of(p: &PackedPlane, idx: usize) -> i32 {
    i32::from(p.dc(idx))
}

impl BlockCoder for ArithCoder<'_> {
    fn block(&mut self, ci: usize, idx: usize, _blk: &crate::coeffs::Block) {
        let sc = ci & 3;
        let p = self.planes[ci];
        match self.kind {
            ArithKind::Sequential => {
                let dc = dc_of(p, idx);
                let d = dc - self.bins.pred[sc];
                self.bins.pred[sc] = dc;
                self.dc_diff(sc, d);
                self.ac_first(sc, &Band::of(p, idx, 1, 63, 0), 1, 63);
            }
            ArithKind::DcFirst { al } => {
                // Point transform of DC (G.1.2.1): an arithmetic shift.
                let v = dc_of(p, idx) >> al;
                let d = v - self.bins.pred[sc];
                self.bins.pred[sc] = v;
                self.dc_diff(sc, d);
            }
            ArithKind::DcRefine { al } => self.qm.encode_fixed(dc_of(p, idx) >> al & 1 != 0),
            ArithKind::AcFirst { ss, se, al } => {
                // Point transform of magnitudes (G.1.2.3): the sign is kept apart.
                let (ss, se) = (ss as usize, se as usize);
                self.ac_first(sc, &Band::of(p, idx, ss, se, al), ss, se);
            }
            ArithKind::AcRefine { ss, se, al } => {
                let (ss, se) = (ss as usize, se as usize);
                self.ac_refine(sc, &Band::of(p, idx, ss, se, al), ss, se)
            }
        }
    }

    /// Ends a restart interval: FLUSH, RSTn, and fresh statistics (F.1.4.4.3).
    fn restart(&mut self, n: usize) {
        self.qm.flush();
        self.qm.out.extend_from_slice(&[0xFF, 0xD0 + (n & 7) as u8]);
        self.qm.reinit();
        self.bins.reset();
    }
}

/// The DAC segment (B.2.4.3) for a scan with table selections `sel`: the default
/// conditioning of each DC table its DC part uses and each AC table its AC part
/// uses; nothing when it uses none (a DC refinement scan).
pub(super) fn write_dac(out: &mut Vec<u8>, sel: &[(u8, u8)], kind: ArithKind) {
    let (dc, ac) = match kind {
        ArithKind::Sequential => (true, true),
        ArithKind::DcFirst { .. } => (true, false),
        ArithKind::DcRefine { .. } => (false, false),
        ArithKind::AcFirst { .. } | ArithKind::AcRefine { .. } => (false, true),
    };
    // B.2.4.3: Tc/Tb, then Cs = U << 4 | L for DC tables, Kx for AC tables.
    let cond = Conditioning::default();
    let mut body = Vec::new();
    for t in 0..4u8 {
        let (l, u) = cond.dc[t as usize];
        if dc && sel.iter().any(|s| s.0 == t) {
            body.extend_from_slice(&[t, u << 4 | l]);
        }
        if ac && sel.iter().any(|s| s.1 == t) {
            body.extend_from_slice(&[0x10 | t, cond.kx[t as usize]]);
        }
    }
    if !body.is_empty() {
        write_segment(out, Marker::DAC, &body);
    }
}
