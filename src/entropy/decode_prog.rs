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
                o.put(blk, k, ((e >> 16) << al) as i16);
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
                o.put(blk, k, (br.receive_extend(s) << al) as i16);
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
    /// Applies a correction bit to coefficient `k`, which has nonzero history `c`.
    #[inline(always)]
    fn correct<O: Order>(br: &mut BitReader, blk: &mut Block, k: usize, c: i16, p1: i16, o: O) {
        if br.get_bit() && (c & p1) == 0 {
            let v = if c >= 0 {
                c.wrapping_add(p1)
            } else {
                c.wrapping_sub(p1)
            };
            o.put(blk, k, v);
        }
    }
}

impl BlockDecode for AcRefine<'_> {
    const HISTORY: bool = true;

    fn reset(&mut self) {
        self.eobrun = 0;
    }

    fn decode<O: Order>(
        &mut self,
        br: &mut BitReader,
        _sc: usize,
        blk: &mut Block,
        o: O,
    ) -> Result<(), Corrupt> {
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
                    // EOBr: the rest of this band (and of the next blocks of the run)
                    // gets only correction bits.
                    self.eobrun = (1 << r) + br.get_bits(r as u32);
                    break;
                }
                // Pass r coefficients with zero history (correcting the nonzero ones on
                // the way); the next zero-history position takes the new value (or,
                // for ZRL, is the 16th zero skipped).
                while k <= se {
                    let c = o.get(blk, k);
                    if c != 0 {
                        Self::correct(br, blk, k, c, p1, o);
                    } else if r == 0 {
                        o.put(blk, k, new);
                        k += 1;
                        break;
                    } else {
                        r -= 1;
                    }
                    k += 1;
                }
            }
        }
        if self.eobrun > 0 {
            while k <= se {
                let c = o.get(blk, k);
                if c != 0 {
                    Self::correct(br, blk, k, c, p1, o);
                }
                k += 1;
            }
            self.eobrun -= 1;
        }
        Ok(())
    }
}
