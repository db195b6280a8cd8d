//! The QM-coder's decoder (T.81 Annex D.2): probability estimation state machine
//! (Table D.2), DECODE with conditional exchange, RENORMD and BYTEIN.
//!
//! A context ("statistics bin") is one byte: the Qe index in the low 7 bits and the
//! MPS sense in bit 7. Zero is the initial state of every bin (D.1.6 / D.2.7).

/// Table D.2: (Qe, Next_Index_MPS, Next_Index_LPS, Switch_MPS) per index. Index 113
/// is not in T.81's table: it is the non-adapting state with Qe = 0x5A1D that the
/// standard's "fixed probability" decisions (G.2.3.1/G.2.3.3, signs in F.1.4.4.2)
/// need; it moves to itself and never switches the MPS. Indices 114–127 (which no bin
/// reaches) repeat it, so that any 7-bit index is in the table.
pub(super) const QE: [(u16, u8, u8, u8); 128] = [
    (0x5A1D, 1, 1, 1),
    (0x2586, 2, 14, 0),
    (0x1114, 3, 16, 0),
    (0x080B, 4, 18, 0),
    (0x03D8, 5, 20, 0),
    (0x01DA, 6, 23, 0),
    (0x00E5, 7, 25, 0),
    (0x006F, 8, 28, 0),
    (0x0036, 9, 30, 0),
    (0x001A, 10, 33, 0),
    (0x000D, 11, 35, 0),
    (0x0006, 12, 9, 0),
    (0x0003, 13, 10, 0),
    (0x0001, 13, 12, 0),
    (0x5A7F, 15, 15, 1),
    (0x3F25, 16, 36, 0),
    (0x2CF2, 17, 38, 0),
    (0x207C, 18, 39, 0),
    (0x17B9, 19, 40, 0),
    (0x1182, 20, 42, 0),
    (0x0CEF, 21, 43, 0),
    (0x09A1, 22, 45, 0),
    (0x072F, 23, 46, 0),
    (0x055C, 24, 48, 0),
    (0x0406, 25, 49, 0),
    (0x0303, 26, 51, 0),
    (0x0240, 27, 52, 0),
    (0x01B1, 28, 54, 0),
    (0x0144, 29, 56, 0),
    (0x00F5, 30, 57, 0),
    (0x00B7, 31, 59, 0),
    (0x008A, 32, 60, 0),
    (0x0068, 33, 62, 0),
    (0x004E, 34, 63, 0),
    (0x003B, 35, 32, 0),
    (0x002C, 9, 33, 0),
    (0x5AE1, 37, 37, 1),
    (0x484C, 38, 64, 0),
    (0x3A0D, 39, 65, 0),
    (0x2EF1, 40, 67, 0),
    (0x261F, 41, 68, 0),
    (0x1F33, 42, 69, 0),
    (0x19A8, 43, 70, 0),
    (0x1518, 44, 72, 0),
    (0x1177, 45, 73, 0),
    (0x0E74, 46, 74, 0),
    (0x0BFB, 47, 75, 0),
    (0x09F8, 48, 77, 0),
    (0x0861, 49, 78, 0),
    (0x0706, 50, 79, 0),
    (0x05CD, 51, 48, 0),
    (0x04DE, 52, 50, 0),
    (0x040F, 53, 50, 0),
    (0x0363, 54, 51, 0),
    (0x02D4, 55, 52, 0),
    (0x025C, 56, 53, 0),
    (0x01F8, 57, 54, 0),
    (0x01A4, 58, 55, 0),
    (0x0160, 59, 56, 0),
    (0x0125, 60, 57, 0),
    (0x00F6, 61, 58, 0),
    (0x00CB, 62, 59, 0),
    (0x00AB, 63, 61, 0),
    (0x008F, 32, 61, 0),
    (0x5B12, 65, 65, 1),
    (0x4D04, 66, 80, 0),
    (0x412C, 67, 81, 0),
    (0x37D8, 68, 82, 0),
    (0x2FE8, 69, 83, 0),
    (0x293C, 70, 84, 0),
    (0x2379, 71, 86, 0),
    (0x1EDF, 72, 87, 0),
    (0x1AA9, 73, 87, 0),
    (0x174E, 74, 72, 0),
    (0x1424, 75, 72, 0),
    (0x119C, 76, 74, 0),
    (0x0F6B, 77, 74, 0),
    (0x0D51, 78, 75, 0),
    (0x0BB6, 79, 77, 0),
    (0x0A40, 48, 77, 0),
    (0x5832, 81, 80, 1),
    (0x4D1C, 82, 88, 0),
    (0x438E, 83, 89, 0),
    (0x3BDD, 84, 90, 0),
    (0x34EE, 85, 91, 0),
    (0x2EAE, 86, 92, 0),
    (0x299A, 87, 93, 0),
    (0x2516, 71, 86, 0),
    (0x5570, 89, 88, 1),
    (0x4CA9, 90, 95, 0),
    (0x44D9, 91, 96, 0),
    (0x3E22, 92, 97, 0),
    (0x3824, 93, 99, 0),
    (0x32B4, 94, 99, 0),
    (0x2E17, 86, 93, 0),
    (0x56A8, 96, 95, 1),
    (0x4F46, 97, 101, 0),
    (0x47E5, 98, 102, 0),
    (0x41CF, 99, 103, 0),
    (0x3C3D, 100, 104, 0),
    (0x375E, 93, 99, 0),
    (0x5231, 102, 105, 0),
    (0x4C0F, 103, 106, 0),
    (0x4639, 104, 107, 0),
    (0x415E, 99, 103, 0),
    (0x5627, 106, 105, 1),
    (0x50E7, 107, 108, 0),
    (0x4B85, 103, 109, 0),
    (0x5597, 109, 110, 0),
    (0x504F, 107, 111, 0),
    (0x5A10, 111, 110, 1),
    (0x5522, 109, 112, 0),
    (0x59EB, 111, 112, 1),
    (0x5A1D, 113, 113, 0),
    (0x5A1D, 113, 113, 0),
    (0x5A1D, 113, 113, 0),
    (0x5A1D, 113, 113, 0),
    (0x5A1D, 113, 113, 0),
    (0x5A1D, 113, 113, 0),
    (0x5A1D, 113, 113, 0),
    (0x5A1D, 113, 113, 0),
    (0x5A1D, 113, 113, 0),
    (0x5A1D, 113, 113, 0),
    (0x5A1D, 113, 113, 0),
    (0x5A1D, 113, 113, 0),
    (0x5A1D, 113, 113, 0),
    (0x5A1D, 113, 113, 0),
    (0x5A1D, 113, 113, 0),
];

/// The bin value of the fixed 0.5 probability state (MPS 0, index 113).
pub(super) const FIXED: u8 = 113;

/// Decoder registers (D.2.1) over one restart interval's coded bytes.
#[derive(Debug, Clone)]
pub(super) struct Qm<'a> {
    data: &'a [u8],
    /// Next byte to read.
    pos: usize,
    /// C register: Cx in bits 16..32, the bits not yet shifted into it below.
    c: u32,
    /// A register; 0x10000 stands for the initial interval (D.2.7).
    a: u32,
    /// Bits left in the low part of C before the next BYTEIN.
    ct: i32,
    /// A marker (or the end of the data) was reached: zeros are fed from now on.
    pub at_marker: bool,
}

impl<'a> Qm<'a> {
    pub(super) fn new(data: &'a [u8]) -> Self {
        let mut q = Qm {
            data,
            pos: 0,
            c: 0,
            a: 0,
            ct: 0,
            at_marker: false,
        };
        q.init(0);
        q
    }

    /// INITDEC (D.2.7, Figure D.20) at byte `pos`.
    pub(super) fn init(&mut self, pos: usize) {
        self.pos = pos;
        self.at_marker = false;
        self.c = 0;
        self.byte_in();
        self.c <<= 8;
        self.byte_in();
        self.c <<= 8;
        self.ct = 0;
        self.a = 0x10000;
    }

    /// Position of the next unread byte (at a marker's 0xFF once one is reached).
    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    /// BYTEIN (D.2.8, Figure D.22): a stuffed 0xFF00 is one 0xFF; a marker is not
    /// consumed and zeros are decoded from then on (D.2.8 note).
    fn byte_in(&mut self) {
        if self.at_marker {
            return;
        }
        match self.data.get(self.pos) {
            Some(0xFF) => match self.data.get(self.pos + 1) {
                Some(0) => {
                    self.pos += 2;
                    self.c += 0xFF00;
                }
                _ => self.at_marker = true,
            },
            Some(&b) => {
                self.pos += 1;
                self.c += (b as u32) << 8;
            }
            None => self.at_marker = true,
        }
    }

    /// DECODE (D.2.2, Figures D.16–D.18) of one binary decision with bin `st`.
    #[inline(always)]
    pub(super) fn decode(&mut self, st: &mut u8) -> bool {
        let idx = (*st & 0x7F) as usize;
        let mps = *st >> 7;
        let (qe, nmps, nlps, switch) = QE[idx];
        let qe = qe as u32;
        self.a -= qe;
        let cx = self.c >> 16;
        let d;
        if cx < self.a {
            if self.a >= 0x8000 {
                return mps != 0;
            }
            // Conditional MPS exchange (Figure D.17).
            if self.a < qe {
                d = 1 - mps;
                *st = lps_next(mps, nlps, switch);
            } else {
                d = mps;
                *st = (mps << 7) | nmps;
            }
        } else {
            // Conditional LPS exchange (Figure D.18).
            self.c -= self.a << 16;
            if self.a < qe {
                d = mps;
                *st = (mps << 7) | nmps;
            } else {
                d = 1 - mps;
                *st = lps_next(mps, nlps, switch);
            }
            self.a = qe;
        }
        self.renorm();
        d != 0
    }

    /// A decision with the fixed 0.5 probability (state 113, never updated).
    pub(super) fn decode_fixed(&mut self) -> bool {
        let mut st = FIXED;
        self.decode(&mut st)
    }

    /// RENORMD (D.2.5, Figure D.19), shifting as many bits at once as the interval
    /// needs and the bits below Cx allow (the same result as one at a time).
    #[inline(always)]
    fn renorm(&mut self) {
        if self.a >= 0x8000 {
            return;
        }
        let mut need = self.a.leading_zeros() as i32 - 16;
        loop {
            if self.ct == 0 {
                self.byte_in();
                self.ct = 8;
            }
            let k = need.min(self.ct);
            self.a <<= k;
            self.c <<= k;
            self.ct -= k;
            need -= k;
            if need == 0 {
                return;
            }
        }
    }
}

/// The state after an LPS: the next index, with the MPS sense inverted when
/// Switch_MPS is 1 (D.1.5.2).
#[inline(always)]
pub(super) fn lps_next(mps: u8, nlps: u8, switch: u8) -> u8 {
    ((mps ^ switch) << 7) | nlps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_random_decisions() {
        let mut seed = 12345u32;
        let mut bits = vec![];
        for i in 0..20000 {
            seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
            let ctx = (seed >> 16) as usize % 4;
            let p = [2, 5, 50, 97][ctx];
            bits.push((ctx, ((seed >> 8) % 100) < p || i % 1000 == 0));
        }
        let mut enc = super::super::arith_enc::QmEnc::new(Vec::new());
        let mut st = [0u8; 4];
        for &(c, b) in &bits {
            enc.encode(&mut st[c], b);
        }
        enc.flush();
        let data = enc.out;
        let mut dec = Qm::new(&data);
        let mut st = [0u8; 4];
        for (i, &(c, b)) in bits.iter().enumerate() {
            assert_eq!(dec.decode(&mut st[c]), b, "decision {i}");
        }
    }

    #[test]
    fn garbage_never_panics() {
        let data: Vec<u8> = (0..500u32).map(|i| (i * 37 % 256) as u8).collect();
        let mut dec = Qm::new(&data);
        let mut st = [0u8; 8];
        for i in 0..20000 {
            dec.decode(&mut st[i % 8]);
        }
        let mut f = FIXED;
        dec.decode(&mut f);
        assert_eq!(f, FIXED);
    }
}
