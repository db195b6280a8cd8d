//! Huffman decoding tables (T.81 Annex C and F.2.2.3).
//!
//! A table is built from a DHT specification (code counts per length and symbols).
//! Codes of up to [`LOOKAHEAD`] bits are found with one lookup of the next
//! `LOOKAHEAD` bits, which gives the symbol and the code length. A second table
//! (`fast`) goes one step further for the common short case: when the code and the
//! magnitude bits that follow it together fit in the lookahead, one lookup gives the
//! run length, the signed coefficient value and the total number of bits. Longer
//! codes use the MAXCODE/VALPTR procedure of F.2.2.3.

use super::bitread::{extend, BitReader};
use crate::container::HuffmanSpec;

/// Bits looked at in one table lookup.
pub const LOOKAHEAD: u32 = 10;
const LUT_SIZE: usize = 1 << LOOKAHEAD;

/// Why a table specification cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableError {
    /// More codes of some length than the code space allows (over-subscribed).
    OverSubscribed,
    /// The counts do not add up to the number of symbols, or exceed 256.
    BadCounts,
    /// A DC table holds a magnitude category above 15.
    BadDcSymbol,
}

impl std::fmt::Display for TableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TableError::OverSubscribed => "bad Huffman table: code lengths are over-subscribed",
            TableError::BadCounts => "bad Huffman table: counts do not match the symbols",
            TableError::BadDcSymbol => "bad Huffman table: DC magnitude category above 15",
        })
    }
}

/// A Huffman table ready for decoding.
#[derive(Clone)]
pub struct HuffDecoder {
    /// Per `LOOKAHEAD`-bit prefix: `(length << 8) | symbol`, or 0 when the code is longer.
    lut: [u16; LUT_SIZE],
    /// Per prefix, when code + magnitude bits fit: `value << 16 | run << 8 | total bits`.
    /// For AC tables, EOB (symbol 0x00) is stored as value 0 with its length; ZRL and
    /// misses are 0. For DC tables every entry that fits is stored (value may be 0).
    fast: [i32; LUT_SIZE],
    /// Largest code of each length (index 1..=16), −1 when there is none.
    maxcode: [i32; 17],
    /// Symbol index of a code of each length = code + `valoff[len]`.
    valoff: [i32; 17],
    symbols: [u8; 256],
}

impl std::fmt::Debug for HuffDecoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HuffDecoder")
            .field("maxcode", &self.maxcode)
            .finish_non_exhaustive()
    }
}

impl HuffDecoder {
    /// Builds a decoder for `spec`; `dc` selects the DC interpretation of symbols
    /// (magnitude category) for the combined lookup, otherwise AC (run/size).
    pub fn new(spec: &HuffmanSpec, dc: bool) -> Result<Box<Self>, TableError> {
        let total: usize = spec.counts.iter().map(|&c| c as usize).sum();
        if total > 256 || total != spec.symbols.len() {
            return Err(TableError::BadCounts);
        }
        if dc && spec.symbols.iter().any(|&s| s > 15) {
            return Err(TableError::BadDcSymbol);
        }
        let mut t = Box::new(HuffDecoder {
            lut: [0; LUT_SIZE],
            fast: [0; LUT_SIZE],
            maxcode: [-1; 17],
            valoff: [0; 17],
            symbols: [0; 256],
        });
        t.symbols[..total].copy_from_slice(&spec.symbols);
        // Canonical code assignment (T.81 C.2): consecutive codes per length. The
        // all-ones code is tolerated; more codes than the length allows is not.
        let mut code: u32 = 0;
        let mut k = 0usize;
        for len in 1..=16u32 {
            let n = spec.counts[len as usize - 1] as u32;
            if code + n > (1 << len) {
                return Err(TableError::OverSubscribed);
            }
            if n > 0 {
                t.valoff[len as usize] = k as i32 - code as i32;
                t.maxcode[len as usize] = (code + n - 1) as i32;
            }
            for _ in 0..n {
                if len <= LOOKAHEAD {
                    t.fill_short(code, len, spec.symbols[k], dc);
                }
                code += 1;
                k += 1;
            }
            code <<= 1;
        }
        Ok(t)
    }

    fn fill_short(&mut self, code: u32, len: u32, sym: u8, dc: bool) {
        let shift = LOOKAHEAD - len;
        let first = (code << shift) as usize;
        for idx in first..first + (1 << shift) {
            self.lut[idx] = ((len << 8) | sym as u32) as u16;
            let (run, size) = if dc {
                (0, sym as u32)
            } else {
                ((sym >> 4) as u32, (sym & 15) as u32)
            };
            if size == 0 {
                if dc || sym == 0 {
                    self.fast[idx] = len as i32;
                }
                continue;
            }
            if len + size <= LOOKAHEAD {
                let bits = (idx as u32 >> (LOOKAHEAD - len - size)) & ((1 << size) - 1);
                let v = extend(bits as i32, size);
                self.fast[idx] = (v << 16) | (run << 8) as i32 | (len + size) as i32;
            }
        }
    }

    /// The combined-lookup entry for the next bits (needs `LOOKAHEAD` bits buffered):
    /// `value << 16 | run << 8 | total bits`, or 0. See the `fast` field.
    #[inline(always)]
    pub fn fast_entry(&self, br: &BitReader) -> i32 {
        self.fast[br.peek(LOOKAHEAD) as usize]
    }

    /// Decodes one symbol; `None` for a bit pattern that is no code of the table.
    /// Needs at least 16 bits buffered.
    #[inline(always)]
    pub fn decode_buffered(&self, br: &mut BitReader) -> Option<u8> {
        let e = self.lut[br.peek(LOOKAHEAD) as usize];
        if e != 0 {
            br.consume((e >> 8) as u32);
            return Some(e as u8);
        }
        let e = self.decode_long(br.peek(16));
        if e == 0 {
            return None;
        }
        br.consume(e >> 8);
        Some(e as u8)
    }

    /// A code longer than the lookahead, from the next 16 bits: `length << 8 | symbol`,
    /// or 0 when the bits start with no code. (Takes bits, not the reader, so the
    /// reader never escapes the hot loop.)
    #[cold]
    #[inline(never)]
    fn decode_long(&self, bits: u32) -> u32 {
        let bits = bits as i32;
        for len in LOOKAHEAD + 1..=16 {
            let code = bits >> (16 - len);
            if code <= self.maxcode[len as usize] {
                let i = (code + self.valoff[len as usize]) as usize;
                return self.symbols.get(i).map_or(0, |&s| len << 8 | s as u32);
            }
        }
        0
    }

    /// Decodes one symbol, refilling the reader first when needed.
    #[inline(always)]
    pub fn decode(&self, br: &mut BitReader) -> Option<u8> {
        if br.bits_left() < 16 {
            br.refill();
        }
        self.decode_buffered(br)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::std_tables;

    /// Writes (code, length) pairs MSB first, padding with 1-bits.
    fn pack(codes: &[(u32, u32)]) -> Vec<u8> {
        let mut out = Vec::new();
        let (mut acc, mut n) = (0u64, 0u32);
        for &(c, l) in codes {
            acc = acc << l | c as u64;
            n += l;
            while n >= 8 {
                let b = (acc >> (n - 8)) as u8;
                out.push(b);
                if b == 0xFF {
                    out.push(0);
                }
                n -= 8;
            }
        }
        if n > 0 {
            let b = ((acc << (8 - n)) as u8) | ((1u8 << (8 - n)) - 1);
            out.push(b);
            if b == 0xFF {
                out.push(0);
            }
        }
        out
    }

    /// Canonical codes of a spec: (symbol, code, length).
    fn codes(spec: &HuffmanSpec) -> Vec<(u8, u32, u32)> {
        let mut out = Vec::new();
        let (mut code, mut k) = (0u32, 0);
        for len in 1..=16 {
            for _ in 0..spec.counts[len as usize - 1] {
                out.push((spec.symbols[k], code, len));
                code += 1;
                k += 1;
            }
            code <<= 1;
        }
        out
    }

    #[test]
    fn every_code_of_the_standard_tables_decodes() {
        for (spec, dc) in [
            (std_tables::std_dc_luma(0), true),
            (std_tables::std_dc_chroma(0), true),
            (std_tables::std_ac_luma(0), false),
            (std_tables::std_ac_chroma(0), false),
        ] {
            let t = HuffDecoder::new(&spec, dc).unwrap();
            let cs = codes(&spec);
            let data = pack(&cs.iter().map(|&(_, c, l)| (c, l)).collect::<Vec<_>>());
            let mut br = BitReader::new(&data);
            for &(sym, _, _) in &cs {
                assert_eq!(t.decode(&mut br), Some(sym));
            }
            assert!(!br.overrun());
        }
    }

    #[test]
    fn fast_entries_carry_run_value_and_length() {
        let spec = std_tables::std_ac_luma(0);
        let t = HuffDecoder::new(&spec, false).unwrap();
        // Symbol 0x01 has code 00 (length 2); magnitude bit 1 → value +1; 0 → −1.
        let data = pack(&[(0b00, 2), (1, 1), (0b00, 2), (0, 1), (0b1010, 4)]);
        let mut br = BitReader::new(&data);
        br.refill();
        let e = t.fast_entry(&br);
        assert_eq!((e >> 16, (e >> 8) & 15, e & 0xFF), (1, 0, 3));
        br.consume(3);
        let e = t.fast_entry(&br);
        assert_eq!((e >> 16, (e >> 8) & 15, e & 0xFF), (-1, 0, 3));
        br.consume(3);
        // EOB (code 1010): value 0, length 4.
        assert_eq!(t.fast_entry(&br), 4);
    }

    #[test]
    fn invalid_tables_are_errors_not_panics() {
        let mut spec = std_tables::std_dc_luma(0);
        spec.counts[0] = 3; // three codes of length 1
        spec.symbols = vec![0; spec.counts.iter().map(|&c| c as usize).sum()];
        assert_eq!(
            HuffDecoder::new(&spec, true).unwrap_err(),
            TableError::OverSubscribed
        );
        let over = HuffmanSpec {
            class: 1,
            id: 0,
            counts: [0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0],
            symbols: vec![1; 510],
        };
        assert!(HuffDecoder::new(&over, false).is_err());
        let mismatch = HuffmanSpec {
            class: 0,
            id: 0,
            counts: [2; 16],
            symbols: vec![0; 3],
        };
        assert_eq!(
            HuffDecoder::new(&mismatch, true).unwrap_err(),
            TableError::BadCounts
        );
        let bad_dc = HuffmanSpec {
            class: 0,
            id: 0,
            counts: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            symbols: vec![16],
        };
        assert_eq!(
            HuffDecoder::new(&bad_dc, true).unwrap_err(),
            TableError::BadDcSymbol
        );
        assert!(HuffDecoder::new(&bad_dc, false).is_ok());
        // A complete code (all-ones code used) is tolerated.
        let full = HuffmanSpec {
            class: 0,
            id: 0,
            counts: [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            symbols: vec![0, 1],
        };
        assert!(HuffDecoder::new(&full, true).is_ok());
    }

    #[test]
    fn unknown_code_is_none() {
        // One code of length 1 ("0"): a 1-bit prefix is no code at all.
        let spec = HuffmanSpec {
            class: 0,
            id: 0,
            counts: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            symbols: vec![5],
        };
        let t = HuffDecoder::new(&spec, true).unwrap();
        let data = [0x7F, 0xFF, 0x00, 0xFF, 0x00];
        let mut br = BitReader::new(&data);
        assert_eq!(t.decode(&mut br), Some(5));
        assert_eq!(t.decode(&mut br), None);
    }

    #[test]
    fn long_codes_use_the_slow_path() {
        // 16 codes of lengths 1..16 (a skewed table): all decode.
        let mut counts = [1u8; 16];
        counts[15] = 2;
        let spec = HuffmanSpec {
            class: 1,
            id: 0,
            counts,
            symbols: (0..17).map(|i| (i * 3) as u8).collect(),
        };
        let t = HuffDecoder::new(&spec, false).unwrap();
        let cs = codes(&spec);
        let data = pack(&cs.iter().map(|&(_, c, l)| (c, l)).collect::<Vec<_>>());
        let mut br = BitReader::new(&data);
        for &(sym, _, _) in &cs {
            assert_eq!(t.decode(&mut br), Some(sym));
        }
    }
}
