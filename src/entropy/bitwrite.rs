//! The bit writer of the entropy-coded segment (T.81 F.1.2.3 and B.1.1.5).
//!
//! Bits go most significant first into a 64-bit accumulator; whenever it fills, its
//! eight bytes go out at once, unless one of them is 0xFF, in which case the bytes go
//! out one by one with a stuffed 0x00 after each 0xFF. Before a restart marker and at
//! the end of a scan the last byte is padded with 1-bits.
//!
//! [`BitWriter`] appends through `Vec` calls; [`RowBits`] (the streamed sequential
//! encoder's) stores by index into room reserved per block, which keeps its state in
//! registers in the block loop.

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

impl State {
    const EMPTY: State = State { acc: 0, free: 64 };

    /// Appends the low `len` bits of `bits` (`len` ≤ 32); returns the 64 bits that
    /// filled the accumulator, if this did, for the caller to store.
    #[inline(always)]
    fn push(&mut self, bits: u32, len: u32) -> Option<u64> {
        if len < self.free {
            self.acc = (self.acc << len) | bits as u64;
            self.free -= len;
            None
        } else {
            let over = len - self.free;
            let full = (self.acc << self.free) | (bits as u64 >> over);
            self.acc = bits as u64;
            self.free = 64 - over;
            Some(full)
        }
    }

    /// The pending bits left-aligned (dropping the stale ones) and padded with 1-bits
    /// (`free` ≥ 1 always holds), and the number of bytes they fill (0 when none).
    #[inline(always)]
    fn padded(&self) -> (u64, usize) {
        let used = 64 - self.free;
        if used == 0 {
            return (0, 0);
        }
        let w = (self.acc << self.free) | ((1u64 << self.free) - 1);
        (w, used.div_ceil(8) as usize)
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
        if let Some(full) = self.st.push(bits, len) {
            if !has_ff_byte(full) {
                self.out.extend_from_slice(&full.to_be_bytes());
            } else {
                flush_word_slow(self.out, full);
            }
        }
    }

    /// Pads the pending bits with 1-bits to a whole byte and writes them out.
    fn pad(&mut self) {
        let (w, nbytes) = self.st.padded();
        for &b in &w.to_be_bytes()[..nbytes] {
            self.out.push(b);
            if b == 0xFF {
                self.out.push(0);
            }
        }
        self.st = State::EMPTY;
    }
}

/// A [`BitWriter`] taken over for a long burst (an MCU row): its bytes and pending
/// bits are moved into this value, and bytes are stored by index into a zeroed tail
/// of the vector, which the caller extends ([`RowBits::reserve`]) before each block
/// rather than on each store, so that no store can reallocate. Blocks are written
/// through [`RowBits::open`]. Give it back with [`BitWriter::end_row`].
pub struct RowBits {
    out: Vec<u8>,
    st: RowState,
}

/// Pending bits and bytes written of a [`RowBits`].
#[derive(Clone, Copy)]
struct RowState {
    /// Bytes written; `out[pos..]` is room.
    pos: usize,
    bits: State,
}

/// Room a [`BlockBits`] may fill: a block codes at most 64 symbols of at most 31
/// bits plus 3 ZRLs (under 2100 bits), each 64 bits of which take at most 16 bytes
/// (all 0xFF, stuffed): under 600 bytes.
pub const BLOCK_ROOM: usize = 1024;

/// A [`RowBits`] opened for a block: the state is copied into this value, which the
/// compiler keeps in registers when it is a local variable. (Written through a
/// reference, every store would go to memory: a bounds-check panic may unwind, and
/// the referenced state must be current then.) The bytes go into a window of fixed
/// size, so that the index of each 8-byte store needs no bounds check. The state
/// goes back on drop.
pub struct BlockBits<'a> {
    buf: &'a mut [u8; BLOCK_ROOM + 16],
    home: &'a mut RowState,
    /// `st.pos` counts from the window's start.
    st: RowState,
}

impl Drop for BlockBits<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        let start = self.home.pos;
        *self.home = self.st;
        self.home.pos += start;
    }
}

/// Writes the bytes of `w` at `buf[pos..]` with a 0x00 after each 0xFF; returns the
/// new position (`buf` has room for 16 bytes). Inlined although rare (one word in
/// about 30): a call inside the block loop makes the compiler keep the loop's state
/// in callee-saved registers only, and spill the rest to the stack.
#[inline(always)]
fn stuff_word(buf: &mut [u8], mut pos: usize, w: u64) -> usize {
    for b in w.to_be_bytes() {
        pos = put_byte_stuffed(buf, pos, b);
    }
    pos
}

/// Writes byte `b` at `buf[pos]`, then a 0x00 if it is 0xFF; returns the new position.
#[inline(always)]
fn put_byte_stuffed(buf: &mut [u8], mut pos: usize, b: u8) -> usize {
    buf[pos] = b;
    pos += 1;
    if b == 0xFF {
        buf[pos] = 0;
        pos += 1;
    }
    pos
}

/// `out` grown by at least `n` zero bytes past `pos`.
#[cold]
#[inline(never)]
fn grow(mut out: Vec<u8>, pos: usize, n: usize) -> Vec<u8> {
    // Growing by a quarter keeps the zeroing proportional to the output, and the
    // zeroed room past the end (resident memory, unlike spare capacity) small.
    let want = (pos + n).max(out.len() + out.len() / 4).max(1 << 12);
    out.resize(want, 0);
    out
}

impl RowBits {
    /// Makes room for `n` more bytes. Each 64 bits put take at most 16 bytes (all
    /// 0xFF, stuffed), so `n` = 2·(bits to come)/8 + 16 suffices.
    #[inline(always)]
    pub fn reserve(&mut self, n: usize) {
        if self.out.len() - self.st.pos < n {
            self.out = grow(std::mem::take(&mut self.out), self.st.pos, n);
        }
    }

    /// Opens the writer for one block's [`BlockBits::put`]s.
    #[inline(always)]
    pub fn open(&mut self) -> BlockBits<'_> {
        self.reserve(BLOCK_ROOM + 16);
        let pos = self.st.pos;
        BlockBits {
            buf: (&mut self.out[pos..pos + BLOCK_ROOM + 16])
                .try_into()
                .unwrap(),
            st: RowState { pos: 0, ..self.st },
            home: &mut self.st,
        }
    }

    /// Pads and writes marker RSTn, n = `n & 7` (T.81 F.1.2.3).
    pub fn restart(&mut self, n: usize) {
        self.reserve(32);
        let st = &mut self.st;
        let (w, nbytes) = st.bits.padded();
        for &b in &w.to_be_bytes()[..nbytes] {
            st.pos = put_byte_stuffed(&mut self.out, st.pos, b);
        }
        st.bits = State::EMPTY;
        self.out[st.pos] = 0xFF;
        self.out[st.pos + 1] = 0xD0 + (n & 7) as u8;
        st.pos += 2;
    }
}

impl BlockBits<'_> {
    /// Appends the low `len` bits of `bits` (no bits above `len` may be set),
    /// `len` ≤ 32; at most one block's worth (see [`BLOCK_ROOM`]).
    #[inline(always)]
    pub fn put(&mut self, bits: u32, len: u32) {
        let st = &mut self.st;
        if let Some(full) = st.bits.push(bits, len) {
            // `pos` < BLOCK_ROOM (see there); the mask only spares the bounds check.
            debug_assert!(st.pos < BLOCK_ROOM);
            let at = st.pos & (BLOCK_ROOM - 1);
            if !has_ff_byte(full) {
                self.buf[at..at + 8].copy_from_slice(&full.to_be_bytes());
                st.pos = at + 8;
            } else {
                st.pos = stuff_word(self.buf, at, full);
            }
        }
    }
}

impl BitWriter {
    /// Moves the bytes and pending bits into a [`RowBits`].
    pub fn begin_row(&mut self) -> RowBits {
        let out = std::mem::take(&mut self.out);
        RowBits {
            st: RowState {
                pos: out.len(),
                bits: self.st,
            },
            out,
        }
    }

    /// Takes back what [`BitWriter::begin_row`] moved out, with the row's bits.
    pub fn end_row(&mut self, mut r: RowBits) {
        r.out.truncate(r.st.pos);
        self.out = r.out;
        self.st = r.st.bits;
    }

    /// A writer appending to `out` (which may already hold headers).
    pub fn new(out: Vec<u8>) -> Self {
        BitWriter {
            out,
            st: State::EMPTY,
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

    /// Bytes written so far.
    pub fn bytes_written(&self) -> usize {
        self.out.len()
    }

    /// Makes room for `n` more bytes.
    pub fn reserve(&mut self, n: usize) {
        self.out.reserve(n);
    }

    /// Writes out the whole bytes of the pending bits, leaving fewer than 8.
    fn flush_bytes(&mut self) {
        let used = 64 - self.st.free;
        let whole = used / 8;
        if whole == 0 {
            return;
        }
        let rest = used % 8;
        let w = (self.st.acc >> rest) << (64 - 8 * whole);
        for &b in &w.to_be_bytes()[..whole as usize] {
            self.out.push(b);
            if b == 0xFF {
                self.out.push(0);
            }
        }
        self.st.free = 64 - rest;
    }

    /// Appends what `other` wrote (its bytes, then its pending bits) as if it had been
    /// written here. When this writer holds a partial byte, the other's bytes are
    /// unstuffed and put again at the new bit position, so they may hold no marker
    /// then; a writer whose bytes start with RSTn comes with `pad_first`, which ends
    /// this one's bits as a restart does (T.81 F.1.2.3).
    pub fn append(&mut self, mut other: BitWriter, pad_first: bool) {
        if pad_first {
            self.pad();
        }
        self.flush_bytes();
        other.flush_bytes();
        if self.st.free == 64 {
            self.out.extend_from_slice(&other.out);
        } else {
            let mut b = self.bits();
            let src = &other.out;
            let mut i = 0;
            while i < src.len() {
                if let Some(w) = src.get(i..i + 8) {
                    let w = u64::from_be_bytes(w.try_into().unwrap_or_default());
                    if !has_ff_byte(w) {
                        b.put((w >> 32) as u32, 32);
                        b.put(w as u32, 32);
                        i += 8;
                        continue;
                    }
                }
                let byte = src[i];
                debug_assert!(byte != 0xFF || src.get(i + 1) == Some(&0));
                b.put(byte as u32, 8);
                i += if byte == 0xFF { 2 } else { 1 };
            }
        }
        let n = 64 - other.st.free;
        if n > 0 {
            self.bits().put((other.st.acc & ((1 << n) - 1)) as u32, n);
        }
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

    /// Appending a writer equals writing its bits here, at every bit position and
    /// across stuffed bytes, and with a restart when the other starts with one.
    #[test]
    fn append_equals_writing_in_one() {
        let seq: Vec<(u32, u32)> = (0..200u32)
            .map(|i| {
                let len = 1 + (i * 7) % 32;
                let v = (i.wrapping_mul(2_654_435_761) | 0xF0F0_FF00) & (u32::MAX >> (32 - len));
                (v, len)
            })
            .collect();
        for cut in 0..seq.len() {
            let whole = write(&seq);
            let mut a = BitWriter::new(vec![0xAB]);
            let mut b = BitWriter::new(Vec::new());
            for &(v, n) in &seq[..cut] {
                a.put(v, n);
            }
            for &(v, n) in &seq[cut..] {
                b.put(v, n);
            }
            a.append(b, false);
            let mut got = a.finish();
            assert_eq!(got.remove(0), 0xAB);
            assert_eq!(got, whole, "cut {cut}");
            // With a restart between the two halves.
            let mut one = BitWriter::new(Vec::new());
            let mut a = BitWriter::new(Vec::new());
            let mut b = BitWriter::new(Vec::new());
            for &(v, n) in &seq[..cut] {
                one.put(v, n);
                a.put(v, n);
            }
            one.restart(3);
            b.restart(3);
            for &(v, n) in &seq[cut..] {
                one.put(v, n);
                b.put(v, n);
            }
            a.append(b, true);
            assert_eq!(a.finish(), one.finish(), "restart at {cut}");
        }
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
