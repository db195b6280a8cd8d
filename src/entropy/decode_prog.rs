//! Progressive block decoders (T.81 G.1.2): DC first and refinement scans, AC first
//! (spectral selection with EOB runs) and AC refinement (successive approximation).
//! Coefficients are stored multiplied by 2^Al, as G.1.2 defines them.

use super::bitread::BitReader;
use super::decode_scan::{BlockDecode, Corrupt, Order};
use super::huffdec::HuffDecoder;
use crate::coeffs::Block;

/// First DC scan (Ss = Se = 0, Ah = 0): a DC difference per block, shifted by Al.
pub(super) struct DcFirst<'t> {
    pub dc: Vec<&'t HuffDecoder>,
    pub pred: [i32; 4],
    pub al: u8,
}

impl BlockDecode for DcFirst<'_> {
    fn reset(&mut self) {
        self.pred = [0; 4];
    }

    #[inline(always)]
    fn decode<O: Order>(
        &mut self,
        br: &mut BitReader,
        sc: usize,
        blk: &mut Block,
        _hist: &mut u64,
        _o: O,
    ) -> Result<(), Corrupt> {
        let s = self.dc[sc]
            .decode(br)
            .ok_or(Corrupt("invalid DC Huffman code"))?;
        let diff = br.receive_extend(s as u32 & 15);
        let p = &mut self.pred[sc & 3];
        *p = p.wrapping_add(diff);
        blk[0] = (*p << self.al) as i16;
        Ok(())
    }
}

/// DC refinement (Ah > 0): one bit per block, the next lower bit of the DC value.
pub(super) struct DcRefine {
    pub al: u8,
}

impl BlockDecode for DcRefine {
    fn reset(&mut self) {}

    #[inline(always)]
    fn decode<O: Order>(
        &mut self,
        br: &mut BitReader,
        _sc: usize,
        blk: &mut Block,
        _hist: &mut u64,
        _o: O,
    ) -> Result<(), Corrupt> {
        if br.get_bit() {
            blk[0] |= 1 << self.al;
        }
        Ok(())
    }
}

/// First AC scan of a band Ss..=Se (one component): run/size codes and EOB runs.
pub(super) struct AcFirst<'t> {
    pub ac: &'t HuffDecoder,
    pub ss: u8,
    pub se: u8,
    pub al: u8,
    pub eobrun: u32,
}

impl BlockDecode for AcFirst<'_> {
    const HISTORY: bool = true;

    fn reset(&mut self) {
        self.eobrun = 0;
    }

    #[inline(always)]
    fn decode<O: Order>(
        &mut self,
        br: &mut BitReader,
        _sc: usize,
        blk: &mut Block,
        hist: &mut u64,
        o: O,
    ) -> Result<(), Corrupt> {
        if self.eobrun > 0 {
            self.eobrun -= 1;
            return Ok(());
        }
        let (se, al) = (self.se as usize, self.al as u32);
        let mut k = self.ss as usize;
        while k <= se {
            if br.bits_left() < 32 {
                br.refill();
            }
            let e = self.ac.fast_entry(br);
            if e >> 16 != 0 {
                k += ((e >> 8) & 15) as usize;
                let v = ((e >> 16) << al) as i16;
                o.put(blk, k, v);
                set_hist(hist, k, v);
                br.consume((e & 0xFF) as u32);
                k += 1;
                continue;
            }
            let rs = self
                .ac
                .decode_buffered(br)
                .ok_or(Corrupt("invalid AC Huffman code"))?;
            let (r, s) = ((rs >> 4) as u32, (rs & 15) as u32);
            if s != 0 {
                k += r as usize;
                let v = (br.receive_extend(s) << al) as i16;
                o.put(blk, k, v);
                set_hist(hist, k, v);
            } else if r == 15 {
                k += 15;
            } else {
                // EOBr: this block and 2^r + (r more bits) − 1 following blocks end here.
                self.eobrun = (1 << r) + br.get_bits(r) - 1;
                break;
            }
            k += 1;
        }
        Ok(())
    }
}

/// AC refinement of a band (Ah > 0, one component): new coefficients of magnitude
/// 2^Al among those still zero, and one correction bit for every coefficient that
/// was already nonzero, read as the walk passes it (T.81 G.1.2.3).
pub(super) struct AcRefine<'t> {
    pub ac: &'t HuffDecoder,
    pub ss: u8,
    pub se: u8,
    pub al: u8,
    pub eobrun: u32,
}

impl AcRefine<'_> {
    /// Reads one correction bit for each position set in `corr` (zigzag positions,
    /// lowest first) and applies it: a set bit adds 2^Al to the magnitude of a
    /// coefficient that does not have that bit yet (T.81 G.1.2.3).
    #[inline(always)]
    fn correct<O: Order>(br: &mut BitReader, blk: &mut Block, mut corr: u64, p1: i16, o: O) {
        // Up to 16 bits at a time from the buffer, consuming exactly those used.
        while corr != 0 {
            if br.bits_left() < 16 {
                br.refill();
            }
            let bits = br.peek(16);
            let mut used = 0;
            while corr != 0 && used < 16 {
                let k = corr.trailing_zeros() as usize;
                corr &= corr - 1;
                if bits & (0x8000 >> used) != 0 {
                    let c = o.get(blk, k);
                    if c & p1 == 0 {
                        o.put(
                            blk,
                            k,
                            if c >= 0 {
                                c.wrapping_add(p1)
                            } else {
                                c.wrapping_sub(p1)
                            },
                        );
                    }
                }
                used += 1;
            }
            br.consume(used);
        }
    }
}

/// Records whether coefficient `k` (zigzag; past 63 it is 63, as [`nat`] places it)
/// is now nonzero.
///
/// [`nat`]: super::decode_scan::nat
#[inline(always)]
fn set_hist(hist: &mut u64, k: usize, v: i16) {
    let bit = 1u64 << k.min(63);
    *hist = if v != 0 { *hist | bit } else { *hist & !bit };
}

/// Bits `from..=to` (to ≤ 63) of a 64-bit mask; empty when `from > to`.
#[inline(always)]
fn bits_between(from: usize, to: usize) -> u64 {
    if from > to {
        0
    } else {
        (u64::MAX >> (63 - to)) & (u64::MAX << from)
    }
}

impl BlockDecode for AcRefine<'_> {
    const HISTORY: bool = true;

    fn reset(&mut self) {
        self.eobrun = 0;
    }

    /// The walk of G.1.2.3, a set of positions at a time: the nonzero history of the
    /// band is a bit mask, so passing r zero-history coefficients is finding the
    /// (r+1)-th clear bit, and the correction bits of the nonzero ones passed on the
    /// way are read together.
    #[inline(always)]
    fn decode<O: Order>(
        &mut self,
        br: &mut BitReader,
        _sc: usize,
        blk: &mut Block,
        hist: &mut u64,
        o: O,
    ) -> Result<(), Corrupt> {
        let p1: i16 = 1 << self.al;
        let se = (self.se as usize).min(63);
        let mut k = self.ss as usize;
        let nz = *hist;
        if self.eobrun == 0 {
            while k <= se {
                let rs = self
                    .ac
                    .decode(br)
                    .ok_or(Corrupt("invalid AC Huffman code"))?;
                let (r, s) = (rs >> 4, rs & 15);
                let mut new = 0i16;
                if s != 0 {
                    if s != 1 {
                        return Err(Corrupt("AC refinement magnitude other than 1"));
                    }
                    new = if br.get_bit() { p1 } else { -p1 };
                } else if r != 15 {
                    // EOBr: the rest of this band (and of the next blocks of the run)
                    // gets only correction bits.
                    self.eobrun = (1 << r) + br.get_bits(r as u32);
                    break;
                }
                // Pass r coefficients with zero history (correcting the nonzero ones on
                // the way); the next zero-history position takes the new value (or,
                // for ZRL, is the 16th zero skipped).
                let rest = bits_between(k, se);
                let mut zeros = rest & !nz;
                for _ in 0..r {
                    zeros &= zeros.wrapping_sub(1);
                }
                if zeros == 0 {
                    // Fewer zero-history positions than the run: the band ends.
                    Self::correct(br, blk, rest & nz, p1, o);
                    k = se + 1;
                    break;
                }
                let t = zeros.trailing_zeros() as usize;
                Self::correct(br, blk, rest & nz & ((1u64 << t) - 1), p1, o);
                o.put(blk, t, new);
                set_hist(hist, t, new);
                k = t + 1;
            }
        }
        if self.eobrun > 0 {
            if k <= se {
                Self::correct(br, blk, bits_between(k, se) & nz, p1, o);
            }
            self.eobrun -= 1;
        }
        Ok(())
    }
}

#[cfg(test)]
impl AcRefine<'_> {
    /// The walk of G.1.2.3 one coefficient at a time, as T.81 describes it: the
    /// reference for [`BlockDecode::decode`].
    pub(super) fn decode_plain(
        &mut self,
        br: &mut BitReader,
        blk: &mut Block,
    ) -> Result<(), Corrupt> {
        use super::decode_scan::nat;
        let correct = |br: &mut BitReader, c: &mut i16, p1: i16| {
            if br.get_bit() && (*c & p1) == 0 {
                *c = if *c >= 0 {
                    c.wrapping_add(p1)
                } else {
                    c.wrapping_sub(p1)
                };
            }
        };
        let p1: i16 = 1 << self.al;
        let se = self.se as usize;
        let mut k = self.ss as usize;
        if self.eobrun == 0 {
            while k <= se {
                let rs = self
                    .ac
                    .decode(br)
                    .ok_or(Corrupt("invalid AC Huffman code"))?;
                let (mut r, s) = (rs >> 4, rs & 15);
                let mut new = 0i16;
                if s != 0 {
                    if s != 1 {
                        return Err(Corrupt("AC refinement magnitude other than 1"));
                    }
                    new = if br.get_bit() { p1 } else { -p1 };
                } else if r != 15 {
                    self.eobrun = (1 << r) + br.get_bits(r as u32);
                    break;
                }
                while k <= se {
                    let c = &mut blk[nat(k)];
                    k += 1;
                    if *c != 0 {
                        correct(br, c, p1);
                    } else if r == 0 {
                        *c = new;
                        break;
                    } else {
                        r -= 1;
                    }
                }
            }
        }
        if self.eobrun > 0 {
            while k <= se {
                let c = &mut blk[nat(k)];
                if *c != 0 {
                    correct(br, c, p1);
                }
                k += 1;
            }
            self.eobrun -= 1;
        }
        Ok(())
    }
}
