//! The bit writer of the entropy-coded segment (T.81 F.1.2.3 and B.1.1.5).
//!
//! Bits go most significant first into a 64-bit accumulator; whenever it fills, its
//! eight bytes go out at once, unless one of them is 0xFF, in which case the bytes go
//! out one by one with a stuffed 0x00 after each 0xFF. Before a restart marker and at
//! the end of a scan the last byte is padded with 1-bits.

/// Writes codes MSB-first with 0xFF → FF 00 stuffing.
#[derive(Debug)]
pub struct BitWriter {
    out: Vec<u8>,
    st: State,
}

/// The pending bits of a [`BitWriter`].
#[derive(Debug, Clone, Copy)]
struct State {
    /// Pending bits, right-aligned; bits above the `64 - free` valid ones are stale
    /// and get shifted out before they are written.
    acc: u64,
    /// Free bit positions in `acc` (1–64).
    free: u32,
}

/// A [`BitWriter`] opened for a burst of writes: the pending bits are copied into this
/// value, which the compiler keeps in registers when it lives in a local variable
/// (the writer's own fields, behind a reference, would be loaded and stored around
/// every write), and copied back when it is dropped.
pub struct Bits<'a> {
    out: &'a mut Vec<u8>,
    home: &'a mut State,
    st: State,
}

impl Drop for Bits<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        *self.home = self.st;
    }
}

/// True when some byte of `x` is 0xFF.
#[inline(always)]
fn has_ff_byte(x: u64) -> bool {
    let y = !x;
    (y.wrapping_sub(0x0101_0101_0101_0101) & !y & 0x8080_8080_8080_8080) != 0
}

/// Writes the bytes of `w` with a 0x00 after each 0xFF.
#[cold]
#[inline(never)]
fn flush_word_slow(out: &mut Vec<u8>, w: u64) {
    for b in w.to_be_bytes() {
        out.push(b);
        if b == 0xFF {
            out.push(0);
        }
    }
}

impl Bits<'_> {
    /// Appends the low `len` bits of `bits` (no bits above `len` may be set),
    /// `len` ≤ 32.
    #[inline(always)]
    pub fn put(&mut self, bits: u32, len: u32) {
        debug_assert!(len <= 32 && (len == 32 || bits >> len == 0));
        let st = &mut self.st;
        if len < st.free {
            st.acc = (st.acc << len) | bits as u64;
            st.free -= len;
        } else {
            let over = len - st.free;
            let full = (st.acc << st.free) | (bits as u64 >> over);
            st.acc = bits as u64;
            st.free = 64 - over;
            if !has_ff_byte(full) {
                self.out.extend_from_slice(&full.to_be_bytes());
            } else {
                flush_word_slow(self.out, full);
            }
        }
    }

    /// Pads the pending bits with 1-bits to a whole byte and writes them out.
    fn pad(&mut self) {
        let st = &mut self.st;
        let used = 64 - st.free;
        if used == 0 {
            return;
        }
        let nbytes = used.div_ceil(8);
        // Left-align the valid bits (this drops the stale ones), then fill with 1s
        // (`free` ≥ 1 always holds).
        let w = (st.acc << st.free) | ((1u64 << st.free) - 1);
        for &b in &w.to_be_bytes()[..nbytes as usize] {
            self.out.push(b);
            if b == 0xFF {
                self.out.push(0);
            }
        }
        *st = State { acc: 0, free: 64 };
    }
}

impl BitWriter {
    /// A writer appending to `out` (which may already hold headers).
    pub fn new(out: Vec<u8>) -> Self {
        BitWriter {
            out,
            st: State { acc: 0, free: 64 },
        }
    }

    /// Opens the writer for a burst of writes (see [`Bits`]).
    #[inline(always)]
    pub fn bits(&mut self) -> Bits<'_> {
        let st = self.st;
        Bits {
            out: &mut self.out,
            home: &mut self.st,
            st,
        }
    }

    /// Appends the low `len` bits of `bits`, `len` ≤ 32 (see [`Bits::put`]).
    #[cfg(test)]
    pub fn put(&mut self, bits: u32, len: u32) {
        self.bits().put(bits, len);
    }

    /// Pads the pending bits with 1-bits to a whole byte and writes them out.
    pub fn pad(&mut self) {
        self.bits().pad();
    }

    /// Pads and writes marker RSTn, n = `n & 7`.
    pub fn restart(&mut self, n: usize) {
        self.pad();
        self.out.extend_from_slice(&[0xFF, 0xD0 + (n & 7) as u8]);
    }

    /// Pads and returns the bytes.
    pub fn finish(mut self) -> Vec<u8> {
        self.pad();
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(seq: &[(u32, u32)]) -> Vec<u8> {
        let mut w = BitWriter::new(Vec::new());
        for &(v, n) in seq {
            w.put(v, n);
        }
        w.finish()
    }

    #[test]
    fn pads_with_ones() {
        assert_eq!(write(&[(0, 1)]), vec![0x7F]);
        assert_eq!(write(&[(0b101, 3)]), vec![0xBF]);
        assert_eq!(write(&[(0, 8)]), vec![0x00]);
        assert_eq!(write(&[(0, 9)]), vec![0x00, 0x7F]);
        assert_eq!(write(&[]), Vec::<u8>::new());
    }

    #[test]
    fn stuffs_ff() {
        assert_eq!(write(&[(0xFF, 8)]), vec![0xFF, 0x00]);
        // Padding that produces 0xFF is stuffed too.
        assert_eq!(write(&[(0xF, 4)]), vec![0xFF, 0x00]);
        assert_eq!(write(&[(1, 1)]), vec![0xFF, 0x00]);
        // A full 64-bit word with one FF among ordinary bytes.
        let seq = [(0x12345678, 32), (0x9AFFBCDE, 32), (0xFF, 8)];
        assert_eq!(
            write(&seq),
            vec![0x12, 0x34, 0x56, 0x78, 0x9A, 0xFF, 0x00, 0xBC, 0xDE, 0xFF, 0x00]
        );
    }

    #[test]
    fn words_without_ff_and_straddling() {
        let seq = [
            (0x1, 1),
            (0x7FFF_FFFF, 31),
            (0xABCD, 16),
            (0x123, 12),
            (0x5, 3),
            (0x1F, 5),
        ];
        // bits: 1 then 31 ones = 0xFFFFFFFF, then ABCD, 123, 101, 11111 (+ 1111 padding)
        let out = write(&seq);
        assert_eq!(
            out,
            vec![0xFF, 0, 0xFF, 0, 0xFF, 0, 0xFF, 0, 0xAB, 0xCD, 0x12, 0x3B, 0xFF, 0]
        );
    }

    #[test]
    fn restart_markers_are_not_stuffed() {
        let mut w = BitWriter::new(Vec::new());
        w.put(0b10, 2);
        w.restart(9);
        w.put(0xAB, 8);
        w.restart(2);
        w.restart(3); // nothing pending: no padding byte
        assert_eq!(
            w.finish(),
            vec![0xBF, 0xFF, 0xD1, 0xAB, 0xFF, 0xD2, 0xFF, 0xD3]
        );
    }

    #[test]
    fn ff_detection() {
        for i in 0..8 {
            assert!(has_ff_byte(0xFFu64 << (8 * i)));
            assert!(!has_ff_byte(0xFEu64 << (8 * i)));
            assert!(!has_ff_byte(0x7E7E_7E7E_7E7E_7E7E | (0xFEu64 << (8 * i))));
        }
        assert!(!has_ff_byte(0));
        assert!(!has_ff_byte(0xFEFE_FEFE_FEFE_FEFE));
        assert!(has_ff_byte(0x80FF_0000_0000_0000));
        assert!(has_ff_byte(0x00FF_0101_0101_0101));
    }
}
