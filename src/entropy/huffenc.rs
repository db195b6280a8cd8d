//! Huffman encoding tables (T.81 Annex C: EHUFCO/EHUFSI) and the two sinks that the
//! scan walks feed: one counts symbols for optimal tables, the other writes bits.
//!
//! A scan walk is generic over [`Sink`], so the statistics pass and the output pass are
//! the same code and cannot disagree about which symbols are emitted.

use super::bitwrite::{BitWriter, Bits};
use crate::container::HuffmanSpec;

/// Tables are addressed as `class * 4 + id`: DC 0–3, AC 4–7.
pub const NTABLES: usize = 8;

/// Index of the table of `class` (0 DC, 1 AC) and destination `id`.
#[inline]
pub fn table_index(class: u8, id: u8) -> usize {
    class as usize * 4 + id as usize
}

/// EHUFCO and EHUFSI of one table, packed as `code << 8 | size`; size 0: no code.
#[derive(Clone)]
pub struct EncTable {
    entries: [u32; 256],
}

impl Default for EncTable {
    fn default() -> Self {
        EncTable { entries: [0; 256] }
    }
}

impl EncTable {
    /// Codes from a specification (Figures C.1–C.3).
    pub fn from_spec(spec: &HuffmanSpec) -> Self {
        let mut entries = [0u32; 256];
        let mut code = 0u32;
        let mut k = 0;
        for (l, &n) in spec.counts.iter().enumerate() {
            let size = l as u32 + 1;
            for _ in 0..n {
                if let Some(&sym) = spec.symbols.get(k) {
                    entries[sym as usize] = (code << 8) | size;
                }
                code += 1;
                k += 1;
            }
            code <<= 1;
        }
        EncTable { entries }
    }

    /// (code, size) of `sym`; size 0 when the table has no code for it.
    #[inline(always)]
    pub fn get(&self, sym: usize) -> (u32, u32) {
        let e = self.entries[sym & 255];
        (e >> 8, e & 0xFF)
    }
}

/// Magnitude category SSSS of `v` (T.81 Tables F.1/F.2), the additional bits that
/// follow the Huffman code (F.1.2.1: the low SSSS bits of `v`, or of `v − 1` when
/// negative) and |v|.
#[inline(always)]
pub fn category(v: i32) -> (u32, u32, u32) {
    let sign = v >> 31;
    let mag = ((v ^ sign) - sign) as u32;
    let nbits = 32 - mag.leading_zeros();
    let extra = ((v + sign) as u32) & ((1u32 << nbits) - 1);
    (nbits, extra, mag)
}

/// Where a scan walk sends its symbols and bits. Symbols go through an [`Emit`]
/// opened per block ([`Sink::open`]), so that the writer's state can live in
/// registers while a block is coded.
pub trait Sink {
    /// Whether raw bits matter (false for statistics, so correction bits need not be kept).
    const WRITES: bool;
    /// The sink opened for a burst of symbols.
    type Open<'a>: Emit
    where
        Self: 'a;
    /// Opens the sink; the state goes back when the result is dropped.
    fn open(&mut self) -> Self::Open<'_>;
    /// A restart marker RSTn, n = `n mod 8`, after padding.
    fn restart(&mut self, n: usize);
}

/// Symbols and bits into an opened [`Sink`].
pub trait Emit {
    /// Huffman symbol `sym` of table `t` (see [`table_index`]) followed by `nbits`
    /// additional bits `extra` (no bits above `nbits` set; `nbits` ≤ 16).
    fn sym(&mut self, t: usize, sym: u32, extra: u32, nbits: u32);
    /// `n` ≤ 32 raw bits (DC and AC correction bits of refinement scans).
    fn bits(&mut self, v: u32, n: u32);
    /// [`Emit::sym`] when `cond` holds, else nothing, without a branch.
    fn sym_if(&mut self, cond: bool, t: usize, sym: u32, extra: u32, nbits: u32);
    /// [`Emit::bits`] when `cond` holds, else nothing, without a branch.
    fn bits_if(&mut self, cond: bool, v: u32, n: u32);
}

/// Counts symbols per table.
pub struct Stats {
    /// `freq[t][sym]`.
    pub freq: Box<[[u32; 256]; NTABLES]>,
}

impl Stats {
    pub fn new() -> Self {
        Stats {
            freq: Box::new([[0; 256]; NTABLES]),
        }
    }

    /// Adds the counts of `o` (statistics of another part of the same scans).
    pub fn add(&mut self, o: &Stats) {
        for (a, b) in self.freq.iter_mut().zip(o.freq.iter()) {
            for (x, y) in a.iter_mut().zip(b) {
                *x = x.saturating_add(*y);
            }
        }
    }
}

/// [`Stats`] opened: the frequency tables.
pub struct Counts<'a>(&'a mut [[u32; 256]; NTABLES]);

impl Emit for Counts<'_> {
    #[inline(always)]
    fn sym(&mut self, t: usize, sym: u32, _extra: u32, _nbits: u32) {
        self.0[t & (NTABLES - 1)][sym as usize & 255] += 1;
    }
    #[inline(always)]
    fn bits(&mut self, _v: u32, _n: u32) {}
    #[inline(always)]
    fn sym_if(&mut self, cond: bool, t: usize, sym: u32, _extra: u32, _nbits: u32) {
        self.0[t & (NTABLES - 1)][sym as usize & 255] += cond as u32;
    }
    #[inline(always)]
    fn bits_if(&mut self, _cond: bool, _v: u32, _n: u32) {}
}

impl Sink for Stats {
    const WRITES: bool = false;
    type Open<'a> = Counts<'a>;
    #[inline(always)]
    fn open(&mut self) -> Counts<'_> {
        Counts(&mut self.freq)
    }
    #[inline(always)]
    fn restart(&mut self, _n: usize) {}
}

/// The code tables of a scan, by [`table_index`].
pub type EncTables = [EncTable; NTABLES];

/// A fresh set of empty tables.
pub fn empty_tables() -> Box<EncTables> {
    Box::new(std::array::from_fn(|_| EncTable::default()))
}

/// Writes codes through a [`BitWriter`].
pub struct Writer<'t> {
    pub w: BitWriter,
    tabs: &'t EncTables,
}

impl<'t> Writer<'t> {
    /// A writer appending to `out` with codes from `tabs`.
    pub fn new(out: Vec<u8>, tabs: &'t EncTables) -> Self {
        Writer {
            w: BitWriter::new(out),
            tabs,
        }
    }

    /// The tables the writer codes with.
    pub fn tables(&self) -> &'t EncTables {
        self.tabs
    }
}

/// [`Writer`] opened: its bits in local variables and its tables.
pub struct Coded<'a> {
    bits: Bits<'a>,
    tabs: &'a EncTables,
}

impl Emit for Coded<'_> {
    #[inline(always)]
    fn sym(&mut self, t: usize, sym: u32, extra: u32, nbits: u32) {
        // Every symbol has a code: optimal tables come from the statistics of the
        // same walk, and the Annex K tables have every symbol within the 8-bit
        // ranges, which the caller checks (out-of-range output is discarded).
        let (code, size) = self.tabs[t & (NTABLES - 1)].get(sym as usize);
        self.bits.put((code << nbits) | extra, size + nbits);
    }
    #[inline(always)]
    fn bits(&mut self, v: u32, n: u32) {
        self.bits.put(v, n);
    }
    #[inline(always)]
    fn sym_if(&mut self, cond: bool, t: usize, sym: u32, extra: u32, nbits: u32) {
        let (code, size) = self.tabs[t & (NTABLES - 1)].get(sym as usize);
        let keep = (cond as u32).wrapping_neg();
        self.bits
            .put(((code << nbits) | extra) & keep, (size + nbits) & keep);
    }
    #[inline(always)]
    fn bits_if(&mut self, cond: bool, v: u32, n: u32) {
        let keep = (cond as u32).wrapping_neg();
        self.bits.put(v & keep, n & keep);
    }
}

impl<'t> Sink for Writer<'t> {
    const WRITES: bool = true;
    type Open<'a>
        = Coded<'a>
    where
        Self: 'a;
    #[inline(always)]
    fn open(&mut self) -> Coded<'_> {
        Coded {
            bits: self.w.bits(),
            tabs: self.tabs,
        }
    }
    fn restart(&mut self, n: usize) {
        self.w.restart(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::std_tables;

    #[test]
    fn categories() {
        assert_eq!(category(0), (0, 0, 0));
        assert_eq!(category(1), (1, 1, 1));
        assert_eq!(category(-1), (1, 0, 1));
        assert_eq!(category(-2), (2, 1, 2));
        assert_eq!(category(3), (2, 3, 3));
        assert_eq!(category(-3), (2, 0, 3));
        assert_eq!(category(1023), (10, 1023, 1023));
        assert_eq!(category(-1024), (11, 1023, 1024));
        assert_eq!(category(-32768), (16, 32767, 32768));
    }

    #[test]
    fn standard_dc_luma_codes() {
        // Table K.3: category 0 → 00, 1 → 010, 5 → 110, 11 → 111111110.
        let t = EncTable::from_spec(&std_tables::std_dc_luma(0));
        assert_eq!(t.get(0), (0b00, 2));
        assert_eq!(t.get(1), (0b010, 3));
        assert_eq!(t.get(5), (0b110, 3));
        assert_eq!(t.get(11), (0b1_1111_1110, 9));
        assert_eq!(t.get(12).1, 0);
        // Table K.5: EOB → 1010, ZRL → 11111111001.
        let t = EncTable::from_spec(&std_tables::std_ac_luma(0));
        assert_eq!(t.get(0x00), (0b1010, 4));
        assert_eq!(t.get(0xF0), (0b111_1111_1001, 11));
    }
}
