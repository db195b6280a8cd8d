//! The block coder of the streamed sequential encoder (T.81 F.1.2.1–F.1.2.2), laid out
//! for the fewest instructions per symbol: the pixel encoder spends about half of its
//! time here.
//!
//! Two things differ from the general [`super::super::enc_seq`] coder, never in what
//! is emitted:
//! - each table entry holds the code already shifted left by the symbol's size S,
//!   with 2^S − 1 added for a negative coefficient, so that adding the coefficient
//!   itself gives the code followed by the additional bits (F.1.2.1: negative v is
//!   sent as the low S bits of v − 1, and v − 1 + 2^S lies in 0..2^(S−1)); one table
//!   load and one addition replace the mask, shift and OR of each symbol;
//! - the bit writer stays open for a whole MCU row, so its state lives in registers.
//!
//! Statistics for optimal tables go through the same walk ([`SymSink`]), so the
//! counted symbols are the coded ones.

use super::super::bitwrite::{BlockBits, RowBits};
use super::super::huffenc::{EncTable, EncTables, NTABLES};
use crate::coeffs::ZZ_BITS;
use crate::coeffs::{Block, ZIGZAG};
use std::num::NonZeroU64;

/// One Huffman table as [`code_block`] reads it, indexed by `sign << 8 | RS` (sign 1
/// for a negative coefficient or DC difference; RS the symbol, S = RS & 15).
pub struct SymTable {
    /// The code shifted left by S, plus 2^S − 1 when the sign bit is set.
    val: [u32; 512],
    /// Code length plus S (0: the symbol has no code).
    len: [u8; 512],
}

impl SymTable {
    /// The entries of the symbols of `t`. Symbols without a code get length 0; they
    /// occur only for coefficients beyond the 8-bit ranges, whose output the caller
    /// discards (see [`super::super::encode::check_ranges`]).
    pub fn new(t: &EncTable) -> Box<Self> {
        let mut s = Box::new(SymTable {
            val: [0; 512],
            len: [0; 512],
        });
        for rs in 0..256usize {
            let (code, size) = t.get(rs);
            if size == 0 {
                continue;
            }
            let nb = rs as u32 & 15;
            s.val[rs] = code << nb;
            s.val[256 | rs] = (code << nb) + (1 << nb) - 1;
            s.len[rs] = (size + nb) as u8;
            s.len[256 | rs] = (size + nb) as u8;
        }
        s
    }
}

/// The [`SymTable`] of each of `tabs` (indexed as `huffenc::table_index`).
pub fn sym_tables(tabs: &EncTables) -> Box<[Box<SymTable>; NTABLES]> {
    Box::new(std::array::from_fn(|t| SymTable::new(&tabs[t])))
}

/// Where [`code_block`] sends its symbols.
pub trait SymSink {
    /// How the sink names a table.
    type Tab: Copy;
    /// The sink opened for one block (see [`BlockBits`]).
    type Open<'a>: SymEmit<Tab = Self::Tab>
    where
        Self: 'a;
    /// The table of `huffenc::table_index` `t`.
    fn table(&self, t: usize) -> Self::Tab;
    /// Makes room for one block and opens the sink for it.
    fn open(&mut self) -> Self::Open<'_>;
    /// Pads and writes RSTn, n = `n mod 8`.
    fn restart(&mut self, n: usize);
}

/// An opened [`SymSink`].
pub trait SymEmit {
    type Tab: Copy;
    /// Symbol `idx & 255` of table `t`, `idx` as in [`SymTable`], for coefficient (or
    /// DC difference) `v`.
    fn put(&mut self, t: Self::Tab, idx: usize, v: i32);
}

/// Codes into a [`RowBits`].
pub struct SymWriter<'r, 'b> {
    pub bits: &'r mut RowBits,
    pub tabs: &'b [Box<SymTable>; NTABLES],
}

/// [`SymWriter`] opened.
pub struct SymBits<'a, 'b> {
    bits: BlockBits<'a>,
    _tabs: std::marker::PhantomData<&'b SymTable>,
}

impl<'b> SymSink for SymWriter<'_, 'b> {
    type Tab = &'b SymTable;
    type Open<'a>
        = SymBits<'a, 'b>
    where
        Self: 'a;

    #[inline(always)]
    fn table(&self, t: usize) -> &'b SymTable {
        &self.tabs[t & (NTABLES - 1)]
    }

    #[inline(always)]
    fn open(&mut self) -> SymBits<'_, 'b> {
        SymBits {
            bits: self.bits.open(),
            _tabs: std::marker::PhantomData,
        }
    }

    fn restart(&mut self, n: usize) {
        self.bits.restart(n);
    }
}

impl<'b> SymEmit for SymBits<'_, 'b> {
    type Tab = &'b SymTable;

    #[inline(always)]
    fn put(&mut self, tab: &'b SymTable, idx: usize, v: i32) {
        let i = idx & 511;
        let len = tab.len[i] as u32;
        let mut val = tab.val[i].wrapping_add(v as u32);
        if cfg!(debug_assertions) {
            // Out-of-range symbols (no code) carry stray bits; their output is
            // discarded, but `BlockBits::put` must not see them.
            val &= ((1u64 << len) - 1) as u32;
        }
        self.bits.put(val, len);
    }
}

/// Symbols kept by [`SymRecord`]: one `u32` each, `v << 16 | t << 9 | idx` (v the
/// coefficient or DC difference as 16 bits, t the table index, idx as in
/// [`SymTable`]), or [`RECORD_RESTART`] `| n` for marker RSTn.
pub const RECORD_RESTART: u32 = 0x8000;

/// Counts symbols per table (`freq[t][RS]`) and keeps them in order, so that
/// coding them once the tables are known ([`code_recorded`]) need not walk the
/// blocks again: a kept symbol codes in about a third of the instructions.
pub struct SymRecord<'a> {
    pub freq: &'a mut [[u32; 256]; NTABLES],
    pub out: &'a mut Vec<u32>,
}

/// [`SymRecord`] opened for a block: the block's symbols gather in a local array
/// and go out together.
pub struct RecordBlock<'a> {
    freq: &'a mut [[u32; 256]; NTABLES],
    out: &'a mut Vec<u32>,
    /// At most 68 symbols a block: DC, 63 AC, 3 ZRL, EOB.
    buf: [u32; 128],
    n: usize,
}

impl Drop for RecordBlock<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        self.out.extend_from_slice(&self.buf[..self.n.min(128)]);
    }
}

impl SymSink for SymRecord<'_> {
    type Tab = usize;
    type Open<'a>
        = RecordBlock<'a>
    where
        Self: 'a;

    #[inline(always)]
    fn table(&self, t: usize) -> usize {
        t & (NTABLES - 1)
    }

    #[inline(always)]
    fn open(&mut self) -> RecordBlock<'_> {
        RecordBlock {
            freq: self.freq,
            out: self.out,
            buf: [0; 128],
            n: 0,
        }
    }

    fn restart(&mut self, n: usize) {
        self.out.push(RECORD_RESTART | (n & 7) as u32);
    }
}

impl SymEmit for RecordBlock<'_> {
    type Tab = usize;

    #[inline(always)]
    fn put(&mut self, t: usize, idx: usize, v: i32) {
        let (t, idx) = (t & (NTABLES - 1), idx & 511);
        self.freq[t][idx & 255] += 1;
        self.buf[self.n & 127] = (v as u32) << 16 | (t << 9 | idx) as u32;
        self.n += 1;
    }
}

/// All [`SymTable`]s in one, indexed by `t << 9 | idx` as in a recorded symbol.
pub struct FlatTables {
    val: [u32; NTABLES * 512],
    len: [u8; NTABLES * 512],
}

impl FlatTables {
    /// Slot t holds `tabs[map[t]]`: the symbols were counted per component, and
    /// components may share the tables chosen afterwards.
    pub fn new(tabs: &[Box<SymTable>; NTABLES], map: &[usize; NTABLES]) -> Box<Self> {
        let mut f = Box::new(FlatTables {
            val: [0; NTABLES * 512],
            len: [0; NTABLES * 512],
        });
        for (t, &m) in map.iter().enumerate() {
            let tab = &tabs[m & (NTABLES - 1)];
            f.val[t * 512..][..512].copy_from_slice(&tab.val);
            f.len[t * 512..][..512].copy_from_slice(&tab.len);
        }
        f
    }
}

/// Codes symbols kept by [`SymRecord`] into `bits`.
pub fn code_recorded(bits: &mut RowBits, tabs: &FlatTables, mut rest: &[u32]) {
    while !rest.is_empty() {
        // At most 64 symbols per opening: within `BLOCK_ROOM`, as for a block.
        let (chunk, tail) = rest.split_at(rest.len().min(64));
        // Symbols coded before a restart marker (or the whole chunk).
        let mut done = 0;
        {
            let mut b = bits.open();
            for &e in chunk {
                let x = (e & 0xFFFF) as usize;
                if x >= NTABLES * 512 {
                    break;
                }
                let len = tabs.len[x] as u32;
                let mut val = tabs.val[x].wrapping_add((e >> 16) as i16 as i32 as u32);
                if cfg!(debug_assertions) {
                    val &= ((1u64 << len) - 1) as u32;
                }
                b.put(val, len);
                done += 1;
            }
        }
        rest = match chunk.get(done) {
            Some(&marker) => {
                bits.restart(marker as usize & 7);
                &rest[done + 1..]
            }
            None => tail,
        };
    }
}

/// `ZZ_NAT[k]`: the natural-order index of zigzag position k (T.81 Figure A.6), as
/// bytes so that the table is one cache line.
static ZZ_NAT: [u8; 64] = {
    let mut t = [0u8; 64];
    let mut k = 0;
    while k < 64 {
        t[k] = ZIGZAG[k] as u8;
        k += 1;
    }
    t
};

/// Largest AC magnitude of 8-bit precision (category 10, T.81 Table F.2).
const AC_MAX: i16 = 1023;

/// `SIZE_SIGN[v + 1024]` for |v| ≤ 1023: the category S of v (Table F.2), plus 256
/// when v < 0: the part of a [`SymTable`] index that depends on v alone.
static SIZE_SIGN: [u16; 2048] = {
    let mut t = [0u16; 2048];
    let mut i = 0;
    while i < 2048 {
        let v = i as i32 - 1024;
        let mag = if v < 0 { -v } else { v };
        let s = 32 - (mag as u32).leading_zeros();
        t[i] = (s | if v < 0 { 256 } else { 0 }) as u16;
        i += 1;
    }
    t
};

/// The mask of the nonzero coefficients of `blk` by natural position (bit i for
/// `blk[i]`), and whether every AC coefficient lies within ±[`AC_MAX`].
#[inline(always)]
fn scan_block(blk: &Block) -> (u64, bool) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        scan_block_sse2(blk)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        scan_block_scalar(blk)
    }
}

/// [`scan_block`] one coefficient at a time.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn scan_block_scalar(blk: &Block) -> (u64, bool) {
    let mut m = 0u64;
    for (i, &v) in blk.iter().enumerate() {
        m |= ((v != 0) as u64) << i;
    }
    let ok = blk[1..].iter().all(|&v| (-AC_MAX..=AC_MAX).contains(&v));
    (m, ok)
}

/// [`scan_block`] eight coefficients at a time: compares with zero packed into byte
/// masks, and running minimum and maximum (the DC lane of the first row zeroed).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn scan_block_sse2(blk: &Block) -> (u64, bool) {
    use safe_arch::*;
    let z = m128i::default();
    let row = |k: usize| -> m128i {
        let a: [i16; 8] = blk[k * 8..k * 8 + 8].try_into().unwrap();
        m128i::from(a)
    };
    let no_dc = m128i::from([0i16, -1, -1, -1, -1, -1, -1, -1]);
    let (mut lo, mut hi) = (z, z);
    let mut zero = 0u64;
    for k in 0..4 {
        let (mut a, b) = (row(2 * k), row(2 * k + 1));
        let p = pack_i16_to_i8_m128i(cmp_eq_mask_i16_m128i(a, z), cmp_eq_mask_i16_m128i(b, z));
        zero |= (move_mask_i8_m128i(p) as u32 as u64) << (16 * k);
        if k == 0 {
            a = bitand_m128i(a, no_dc);
        }
        lo = min_i16_m128i(lo, min_i16_m128i(a, b));
        hi = max_i16_m128i(hi, max_i16_m128i(a, b));
    }
    let out = bitor_m128i(
        cmp_gt_mask_i16_m128i(hi, set_splat_i16_m128i(AC_MAX)),
        cmp_lt_mask_i16_m128i(lo, set_splat_i16_m128i(-AC_MAX)),
    );
    (!zero, move_mask_i8_m128i(out) == 0)
}

/// What [`code_block`] needs of a block besides its coefficients: the DC symbol's
/// table index and the difference (F.1.2.1.1), and the mask of nonzero AC
/// coefficients by zigzag position.
pub struct Prepared {
    dc_idx: usize,
    diff: i32,
    mask: u64,
}

/// Prepares `blk`, predicted from `pred`, for [`code_block`]; also returns the
/// magnitude of the DC difference and whether the AC coefficients fit 8-bit
/// precision (when they do not, the symbols coded are meaningless and the caller
/// must discard the output).
#[inline(always)]
pub fn prepare(blk: &Block, pred: i32) -> (Prepared, u32, bool) {
    let diff = blk[0] as i32 - pred;
    let sign = diff >> 31;
    let dc_mag = ((diff ^ sign) - sign) as u32;
    let nb = 32 - dc_mag.leading_zeros();
    let (nat, ac_ok) = scan_block(blk);
    let mut mask = 0u64;
    for (t, &b) in ZZ_BITS.iter().zip(nat.to_le_bytes().iter()) {
        mask |= t[b as usize];
    }
    let p = Prepared {
        dc_idx: (nb | (sign as u32 & 256)) as usize,
        diff,
        mask: mask & !1,
    };
    (p, dc_mag, ac_ok)
}

/// The part of a [`SymTable`] index that depends on AC coefficient `v` alone (see
/// `SIZE_SIGN`); meaningless beyond |v| ≤ 1023, whose output callers discard.
#[inline(always)]
pub fn size_sign(v: i32) -> u32 {
    SIZE_SIGN[(v + 1024) as usize & 2047] as u32
}

/// Codes block `blk` ([`prepare`]d as `p`) with tables `dc`, `ac`.
///
/// Not inlined, and given little more than the block: inside the walk of a row, the
/// row's loop state leaves too few registers for the bit writer, which then lives
/// on the stack; alone, the block loop keeps everything in registers.
#[inline(never)]
pub fn code_block<S: SymSink>(s: &mut S, blk: &Block, p: Prepared, dc: S::Tab, ac: S::Tab) {
    let mut s = s.open();
    let s = &mut s;
    s.put(dc, p.dc_idx, p.diff);
    let mut mask = p.mask;
    let mut last = 0u32;
    while let Some(m) = NonZeroU64::new(mask) {
        let k = m.trailing_zeros();
        mask &= mask - 1;
        let mut run = k - last - 1;
        last = k;
        let v = blk[ZZ_NAT[k as usize & 63] as usize & 63] as i32;
        while run >= 16 {
            s.put(ac, 0xF0, 0);
            run -= 16;
        }
        let ss = size_sign(v);
        s.put(ac, ((run << 4) + ss) as usize, v);
    }
    if last != 63 {
        s.put(ac, 0, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::bitwrite::BitWriter;
    use super::super::super::enc_seq::{BlockCoder, ScanComp, SeqCoder};
    use super::super::super::huffenc::{empty_tables, table_index, Stats, Writer};
    use super::*;
    use crate::coeffs::BlockPlane;
    use crate::container::std_tables;

    fn random_blocks(n: usize, seed: &mut u64) -> Vec<Block> {
        (0..n)
            .map(|i| {
                let mut b = [0i16; 64];
                for _ in 0..(*seed % 40) {
                    *seed ^= *seed << 13;
                    *seed ^= *seed >> 7;
                    *seed ^= *seed << 17;
                    // Within 8-bit precision (beyond, the output is discarded).
                    let range = if i % 3 == 0 { 1023 } else { 40 };
                    b[(*seed % 64) as usize] =
                        ((*seed >> 20) % (2 * range + 1)) as i16 - range as i16;
                }
                b
            })
            .collect()
    }

    #[test]
    fn scan_block_equals_scalar() {
        let mut next = crate::xorshift64(0x2545_f491_4f6c_dd1d);
        for n in 0..3000 {
            let mut blk = [0i16; 64];
            for _ in 0..n % 70 {
                let seed = next();
                let range = [2u64, 1023, 1024, 1100, 40000][(seed >> 40) as usize % 5];
                blk[(seed % 64) as usize] =
                    (((seed >> 8) % (2 * range + 1)) as i64 - range as i64) as i16;
            }
            assert_eq!(scan_block(&blk), scan_block_scalar(&blk), "{blk:?}");
        }
        let mut blk = [0i16; 64];
        blk[0] = -2000;
        assert_eq!(scan_block(&blk), (1, true));
        blk[63] = -1024;
        assert_eq!(scan_block(&blk), (1 | 1 << 63, false));
    }

    /// The fast coder writes and counts what the general sequential coder does.
    #[test]
    fn equals_general_coder() {
        let mut tabs = empty_tables();
        tabs[table_index(0, 0)] = EncTable::from_spec(&std_tables::std_dc_luma(0));
        tabs[table_index(1, 0)] = EncTable::from_spec(&std_tables::std_ac_luma(0));
        let sym = sym_tables(&tabs);
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let blocks = random_blocks(3000, &mut seed);
        // Fast.
        let mut w = BitWriter::new(Vec::new());
        let mut counts = Box::new([[0u32; 256]; NTABLES]);
        let mut bits = w.begin_row();
        let mut s = SymWriter {
            bits: &mut bits,
            tabs: &sym,
        };
        let mut record = Vec::new();
        let mut c = SymRecord {
            freq: &mut counts,
            out: &mut record,
        };
        let mut pred = 0;
        for (i, b) in blocks.iter().enumerate() {
            if i % 700 == 699 {
                s.restart(i / 700);
                c.restart(i / 700);
                pred = 0;
            }
            let (dc, ac) = (s.table(0), s.table(4));
            code_block(&mut s, b, prepare(b, pred).0, dc, ac);
            code_block(&mut c, b, prepare(b, pred).0, 0, 4);
            pred = b[0] as i32;
        }
        w.end_row(bits);
        let fast = w.finish();
        // The kept symbols code to the same bytes.
        let mut w2 = BitWriter::new(Vec::new());
        let mut bits2 = w2.begin_row();
        let identity = std::array::from_fn(|t| t);
        code_recorded(&mut bits2, &FlatTables::new(&sym, &identity), &record);
        w2.end_row(bits2);
        assert_eq!(w2.finish(), fast);
        // General.
        let plane = BlockPlane::new(0, 0);
        let comps = [ScanComp {
            plane: &plane,
            h: 1,
            v: 1,
            real: (0, 0),
            dc: 0,
            ac: 4,
        }];
        let mut wr = Writer::new(Vec::new(), &tabs);
        let mut st = Stats::new();
        for sink in 0..2 {
            let run = |coder: &mut dyn FnMut(usize, &Block), rst: &mut dyn FnMut(usize)| {
                for (i, b) in blocks.iter().enumerate() {
                    if i % 700 == 699 {
                        rst(i / 700);
                    }
                    coder(i, b);
                }
            };
            if sink == 0 {
                let mut c = SeqCoder::new(&mut wr, &comps);
                let c = std::cell::RefCell::new(&mut c);
                run(&mut |i, b| c.borrow_mut().block(0, i, b), &mut |n| {
                    c.borrow_mut().restart(n)
                });
            } else {
                let mut c = SeqCoder::new(&mut st, &comps);
                let c = std::cell::RefCell::new(&mut c);
                run(&mut |i, b| c.borrow_mut().block(0, i, b), &mut |n| {
                    c.borrow_mut().restart(n)
                });
            }
        }
        assert_eq!(fast, wr.w.finish());
        assert_eq!(counts[..], st.freq[..]);
    }
}
