//! Reading the bits of entropy-coded data (T.81 F.2.2.5 and B.1.1.5).
//!
//! The reader works on a scan's stored bytes (stuffed `FF 00` pairs and RSTn markers
//! included). Bits are kept left-aligned in a 64-bit buffer. A refill takes up to
//! seven bytes at once when the next eight bytes hold no 0xFF (the usual case);
//! otherwise it goes byte by byte, turning `FF 00` into `FF` and stopping in front of
//! a marker (or the end of the data). From then on it supplies zero bits, and counts
//! them, so the caller can tell when it has used bits the data did not have
//! ([`BitReader::overrun`]).

/// A bit reader over stuffed entropy-coded bytes.
///
/// It is `Copy` so that hot loops can keep it in registers: nothing that is not
/// inlined ever takes it by reference (the slow refill takes and returns it by value).
#[derive(Debug, Clone, Copy)]
pub struct BitReader<'a> {
    data: &'a [u8],
    /// Next byte of `data` not yet in the buffer.
    pos: usize,
    /// Buffered bits, most significant first; bits below `nbits` are zero.
    buf: u64,
    /// Number of valid bits in `buf` (at most 63).
    nbits: u32,
    /// Zero bits supplied after the data stopped (saturating).
    fake: u32,
    /// A marker or the end of the data was reached at `pos`.
    stopped: bool,
}

/// Whether any byte of `x` is 0xFF.
#[inline(always)]
fn has_ff(x: u64) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let t = !x;
    (t.wrapping_sub(LO) & !t & HI) != 0
}

impl<'a> BitReader<'a> {
    /// A reader at the start of `data` (stuffed bytes, as stored in the file).
    pub fn new(data: &'a [u8]) -> Self {
        BitReader {
            data,
            pos: 0,
            buf: 0,
            nbits: 0,
            fake: 0,
            stopped: false,
        }
    }

    /// Number of bits available without a refill.
    #[inline(always)]
    pub fn bits_left(&self) -> u32 {
        self.nbits
    }

    /// Fills the buffer to at least 56 bits (zero bits once the data has stopped).
    #[inline(always)]
    pub fn refill(&mut self) {
        if !self.stopped {
            if let Some(chunk) = self.data.get(self.pos..self.pos + 8) {
                let x = u64::from_be_bytes(chunk.try_into().unwrap_or([0xFF; 8]));
                if !has_ff(x) {
                    // Take as many whole bytes as fit: nbits + 8k ≤ 63.
                    let k = (63 - self.nbits) >> 3;
                    let keep = self.nbits + 8 * k;
                    self.buf |= (x >> self.nbits) & !(u64::MAX >> keep);
                    self.nbits = keep;
                    self.pos += k as usize;
                    return;
                }
            }
        }
        *self = self.refill_slow();
    }

    #[cold]
    #[inline(never)]
    fn refill_slow(mut self) -> Self {
        while self.nbits < 56 {
            if self.stopped {
                let add = (63 - self.nbits) & !7;
                self.nbits += add;
                self.fake = self.fake.saturating_add(add);
                return self;
            }
            let Some(&b) = self.data.get(self.pos) else {
                self.stopped = true;
                continue;
            };
            let byte = if b == 0xFF {
                if self.data.get(self.pos + 1) == Some(&0x00) {
                    self.pos += 2;
                    0xFF
                } else {
                    // A marker (or a lone 0xFF at the end): stop in front of it.
                    self.stopped = true;
                    continue;
                }
            } else {
                self.pos += 1;
                b
            };
            self.buf |= (byte as u64) << (56 - self.nbits);
            self.nbits += 8;
        }
        self
    }

    /// The next `n` bits (1 ≤ n ≤ 32) without consuming them. The caller must have
    /// made sure `n` bits are buffered ([`BitReader::refill`]).
    #[inline(always)]
    pub fn peek(&self, n: u32) -> u32 {
        debug_assert!((1..=32).contains(&n) && n <= self.nbits);
        (self.buf >> (64 - n)) as u32
    }

    /// Drops `n` buffered bits (n ≤ bits buffered).
    #[inline(always)]
    pub fn consume(&mut self, n: u32) {
        debug_assert!(n <= self.nbits);
        self.buf <<= n;
        self.nbits -= n;
    }

    /// Reads `n` bits (0 ≤ n ≤ 32) as an unsigned number, refilling as needed.
    #[inline(always)]
    pub fn get_bits(&mut self, n: u32) -> u32 {
        if n == 0 {
            return 0;
        }
        if self.nbits < n {
            self.refill();
        }
        let v = self.peek(n);
        self.consume(n);
        v
    }

    /// Reads one bit.
    #[inline(always)]
    pub fn get_bit(&mut self) -> bool {
        if self.nbits == 0 {
            self.refill();
        }
        let b = self.buf >> 63 != 0;
        self.consume(1);
        b
    }

    /// Reads `s` bits (0 ≤ s ≤ 16) and sign-extends them as T.81 F.2.2.1 EXTEND does
    /// (0 bits: the value 0).
    #[inline(always)]
    pub fn receive_extend(&mut self, s: u32) -> i32 {
        if s == 0 {
            return 0;
        }
        extend(self.get_bits(s) as i32, s)
    }

    /// Whether more bits were consumed than the data held (zero bits were used).
    #[inline(always)]
    pub fn overrun(&self) -> bool {
        self.fake > self.nbits
    }

    /// Approximate offset (into `data`) of the byte holding the next unread bit.
    pub fn byte_offset(&self) -> usize {
        let real = self.nbits.saturating_sub(self.fake);
        self.pos.saturating_sub(real.div_ceil(8) as usize)
    }

    /// Offset (into `data`) just past the last byte any consumed bit came from: the
    /// buffered whole bytes not yet used are given back, counting a stuffed `FF 00` as
    /// the one byte it stands for.
    pub fn consumed_end(&self) -> usize {
        self.bytes_back(self.nbits.saturating_sub(self.fake) / 8)
    }

    /// The offset `n` bytes of data before `pos`, a stuffed `FF 00` pair counting as
    /// the one byte it stands for.
    fn bytes_back(&self, n: u32) -> usize {
        let mut p = self.pos.min(self.data.len());
        for _ in 0..n {
            if p >= 2 && self.data[p - 2] == 0xFF && self.data[p - 1] == 0x00 {
                p -= 2;
            } else {
                p = p.saturating_sub(1);
            }
        }
        p
    }

    /// Where the next unread bit is, as `8 × stored byte offset + bit` (bit 0 the most
    /// significant): the same for two readers at the same bit however they filled
    /// their buffers. `None` once the next bit is past the data.
    pub fn bit_key(&self) -> Option<u64> {
        // The zero bits supplied past the data come after the real ones.
        let real = self.nbits.checked_sub(self.fake)?;
        if self.fake > 0 && real == 0 {
            return None;
        }
        // The buffered real bits come from the last ⌈real / 8⌉ bytes before `pos`.
        let p = self.bytes_back(real.div_ceil(8));
        Some(8 * p as u64 + u64::from((8 - real % 8) % 8))
    }

    /// A reader starting at byte `at` of `data` (not inside a stuffed pair or a
    /// marker), as if the data began there.
    pub fn at(data: &'a [u8], at: usize) -> Self {
        BitReader {
            pos: at.min(data.len()),
            ..BitReader::new(data)
        }
    }

    /// Offset where reading stopped (a marker's 0xFF or the end), if it has.
    pub fn stop_offset(&self) -> Option<usize> {
        self.stopped.then_some(self.pos)
    }

    /// Discards the buffered bits and skips forward to the next marker: returns its
    /// offset (of the 0xFF) and code, or `None` at the end of the data. The reader is
    /// left in front of the marker.
    pub fn next_marker(&mut self) -> Option<(usize, u8)> {
        self.buf = 0;
        self.nbits = 0;
        self.fake = 0;
        self.stopped = true;
        let d = self.data;
        let mut i = self.pos;
        while i + 1 < d.len() {
            // Eight bytes at a time while there is no 0xFF among them.
            if let Some(chunk) = d.get(i..i + 8) {
                if !has_ff(u64::from_le_bytes(chunk.try_into().unwrap_or([0xFF; 8]))) {
                    i += 8;
                    continue;
                }
            }
            if d[i] != 0xFF {
                i += 1;
                continue;
            }
            match d[i + 1] {
                0x00 => i += 2,
                0xFF => i += 1,
                code => {
                    self.pos = i;
                    return Some((i, code));
                }
            }
        }
        self.pos = d.len();
        None
    }

    /// Steps over the marker found by [`BitReader::next_marker`] and starts reading
    /// the data after it afresh.
    pub fn skip_marker(&mut self) {
        self.pos = (self.pos + 2).min(self.data.len());
        self.buf = 0;
        self.nbits = 0;
        self.fake = 0;
        self.stopped = false;
    }
}

/// T.81 F.2.2.1 EXTEND: the signed value of an `s`-bit magnitude category (1 ≤ s ≤ 16).
#[inline(always)]
pub fn extend(v: i32, s: u32) -> i32 {
    if v < (1 << (s - 1)) {
        v - (1 << s) + 1
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(data: &[u8], n: usize) -> Vec<bool> {
        let mut r = BitReader::new(data);
        (0..n).map(|_| r.get_bit()).collect()
    }

    fn bits_of(bytes: &[u8]) -> Vec<bool> {
        bytes
            .iter()
            .flat_map(|&b| (0..8).rev().map(move |i| b >> i & 1 == 1))
            .collect()
    }

    /// Two readers at the same bit have the same key however they filled their
    /// buffers (bit by bit, or in runs of up to 16), stuffed pairs included; a reader
    /// started at a byte has the key of that byte's first bit.
    #[test]
    fn bit_keys_do_not_depend_on_how_the_buffer_was_filled() {
        let mut next = crate::xorshift64(0x1234_5678_9ABC_DEF1);
        let data: Vec<u8> = (0..300)
            .flat_map(|_| match next() % 6 {
                0 => vec![0xFF, 0x00],
                _ => vec![(next() % 255) as u8],
            })
            .collect();
        let bits = 8 * (data.len() - data.windows(2).filter(|w| *w == [0xFF, 0x00]).count());
        let mut one = BitReader::new(&data);
        let mut keys = vec![one.bit_key().unwrap()];
        for _ in 1..bits {
            one.get_bit();
            keys.push(one.bit_key().unwrap());
        }
        one.get_bit();
        // Each key names a bit of a stored byte (never the 00 of a stuffed pair).
        assert!(keys.windows(2).all(|k| k[0] < k[1]));
        let mut runs = BitReader::new(&data);
        let mut at = 0;
        while at + 16 < bits {
            let n = 1 + (next() % 16) as u32;
            runs.get_bits(n);
            at += n as usize;
            assert_eq!(runs.bit_key(), Some(keys[at]), "bit {at}");
        }
        for i in 0..data.len() {
            if i > 0 && data[i - 1] == 0xFF {
                continue;
            }
            let k = BitReader::at(&data, i).bit_key().unwrap();
            assert_eq!(k, 8 * i as u64);
            assert!(
                keys.contains(&k),
                "byte {i} of {}: key {k}, last {:?}",
                data.len(),
                keys.last()
            );
        }
        // Past the end: zero bits, and no key.
        one.get_bits(9);
        assert_eq!(one.bit_key(), None);
    }

    #[test]
    fn plain_bytes_fast_path() {
        let data: Vec<u8> = (0..40u8)
            .map(|i| i.wrapping_mul(37))
            .filter(|&b| b != 0xFF)
            .collect();
        assert_eq!(read_all(&data, data.len() * 8), bits_of(&data));
        let mut r = BitReader::new(&data);
        r.refill();
        assert!(r.bits_left() >= 56);
        assert_eq!(r.get_bits(8), data[0] as u32);
        assert_eq!(
            r.get_bits(16),
            u16::from_be_bytes([data[1], data[2]]) as u32
        );
        assert!(!r.overrun());
    }

    #[test]
    fn mixed_widths() {
        let data: Vec<u8> = (0..64u8).map(|i| i ^ 0x5A).collect();
        let bits = bits_of(&data);
        let mut r = BitReader::new(&data);
        let mut at = 0;
        for w in [1u32, 7, 13, 16, 3, 32, 9, 2, 16, 11, 5, 29, 1, 1, 15] {
            let v = r.get_bits(w);
            let want = bits[at..at + w as usize]
                .iter()
                .fold(0u32, |a, &b| a << 1 | b as u32);
            assert_eq!(v, want, "width {w} at bit {at}");
            at += w as usize;
        }
    }

    #[test]
    fn stuffing_is_removed() {
        let data = [
            0x12, 0xFF, 0x00, 0x34, 0xFF, 0x00, 0xFF, 0x00, 0x56, 1, 2, 3, 4, 5, 6, 7, 8,
        ];
        let want = [0x12, 0xFF, 0x34, 0xFF, 0xFF, 0x56, 1, 2, 3, 4, 5, 6, 7, 8];
        let mut r = BitReader::new(&data);
        for &w in &want {
            assert_eq!(r.get_bits(8), w as u32);
        }
        assert!(!r.overrun());
        r.get_bit();
        assert!(r.overrun());
    }

    #[test]
    fn stops_at_marker_and_feeds_zeros() {
        let data = [0xAB, 0xCD, 0xFF, 0xD0, 0x77, 0x88];
        let mut r = BitReader::new(&data);
        assert_eq!(r.get_bits(16), 0xABCD);
        assert!(!r.overrun());
        assert_eq!(r.get_bits(32), 0);
        assert!(r.overrun());
        assert_eq!(r.stop_offset(), Some(2));
        assert_eq!(r.next_marker(), Some((2, 0xD0)));
        r.skip_marker();
        assert_eq!(r.get_bits(16), 0x7788);
        assert!(!r.overrun());
    }

    #[test]
    fn marker_exactly_at_buffer_edge_is_not_overrun() {
        // Seven data bytes, then a marker: consuming exactly 56 bits is fine.
        let data = [1, 2, 3, 4, 5, 6, 7, 0xFF, 0xD9];
        let mut r = BitReader::new(&data);
        for i in 1..=7 {
            assert_eq!(r.get_bits(8), i);
        }
        assert!(!r.overrun());
        assert_eq!(r.get_bits(1), 0);
        assert!(r.overrun());
    }

    #[test]
    fn lone_ff_at_end_and_empty_data() {
        let mut r = BitReader::new(&[0x80, 0xFF]);
        assert!(r.get_bit());
        assert_eq!(r.get_bits(7), 0);
        assert!(!r.overrun());
        assert!(!r.get_bit());
        assert!(r.overrun());
        let mut e = BitReader::new(&[]);
        assert_eq!(e.get_bits(16), 0);
        assert!(e.overrun());
        assert_eq!(e.next_marker(), None);
    }

    #[test]
    fn next_marker_skips_junk_and_stuffing() {
        let data = [1, 2, 0xFF, 0x00, 3, 0xFF, 0xFF, 0xD3, 4];
        let mut r = BitReader::new(&data);
        r.get_bits(3);
        assert_eq!(r.next_marker(), Some((6, 0xD3)));
        r.skip_marker();
        assert_eq!(r.get_bits(8), 4);
    }

    #[test]
    fn refill_across_ff_near_buffer_end() {
        // 0xFF00 just inside the 8-byte window forces the slow path repeatedly.
        let mut data = Vec::new();
        let mut want = Vec::new();
        for i in 0..50u8 {
            if i % 5 == 3 {
                data.extend_from_slice(&[0xFF, 0x00]);
                want.push(0xFF);
            } else {
                data.push(i);
                want.push(i);
            }
        }
        assert_eq!(read_all(&data, want.len() * 8), bits_of(&want));
    }

    #[test]
    fn extend_matches_t81() {
        assert_eq!(extend(0, 1), -1);
        assert_eq!(extend(1, 1), 1);
        assert_eq!(extend(0, 3), -7);
        assert_eq!(extend(3, 3), -4);
        assert_eq!(extend(4, 3), 4);
        assert_eq!(extend(0x7FFF, 15), 0x7FFF);
        assert_eq!(extend(0, 15), -0x7FFF);
        assert_eq!(extend(0, 16), -0xFFFF);
    }
}
