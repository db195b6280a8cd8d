//! GIF writer matching djpeg's `-gif` (LZW) and `-gif0` (uncompressed)
//! output byte for byte.
//!
//! djpeg always writes a GIF87a file with one global colour table, one
//! non-interlaced image and no extensions.  The colour table is padded to a
//! power of two with mid-gray entries.  The LZW coder is the classic
//! `compress`-style one: codes grow from the initial width up to 12 bits and
//! a Clear code is sent once the 4096-entry table is full.  The
//! uncompressed variant sends one code per pixel and resets the decoder with
//! a Clear code just before it would widen its codes, so every code keeps
//! the initial width.

const MAX_BITS: u32 = 12;
const TABLE_LIMIT: u32 = 1 << MAX_BITS;

/// The colour table djpeg writes for an unquantized grayscale image:
/// `n` gray levels spread evenly over 0..=255 (for `n` = 256, the identity).
#[cfg(test)]
fn gray_ramp(n: usize) -> Vec<[u8; 3]> {
    let n = n as u32;
    (0..n)
        .map(|i| {
            let v = ((i * 255 + (n - 1) / 2) / (n - 1).max(1)) as u8;
            [v, v, v]
        })
        .collect()
}

/// Turns a one-component (gray) colormap into GIF's RGB triples.
#[cfg(test)]
fn gray_palette(levels: &[u8]) -> Vec<[u8; 3]> {
    levels.iter().map(|&v| [v, v, v]).collect()
}

/// djpeg's GIF file for a colormapped `width` x `height` image with one
/// index per pixel (rows top to bottom).  `lzw` false gives `-gif0` output.
///
/// # Panics
/// If the colormap is empty or has more than 256 entries.
pub fn write_gif(
    width: u16,
    height: u16,
    colormap: &[[u8; 3]],
    indices: &[u8],
    lzw: bool,
) -> Vec<u8> {
    assert!(
        !colormap.is_empty() && colormap.len() <= 256,
        "GIF needs 1..=256 colours"
    );
    let mut bits_per_pixel = 1u32;
    while colormap.len() > 1 << bits_per_pixel {
        bits_per_pixel += 1;
    }
    // GIF forbids a minimum code size below 2, even for two-colour images.
    let min_code_size = bits_per_pixel.max(2);

    let mut out = Vec::with_capacity(indices.len() / 2 + 1024);
    out.extend_from_slice(b"GIF87a");
    out.extend_from_slice(&width.to_le_bytes());
    out.extend_from_slice(&height.to_le_bytes());
    // Global table present, colour resolution and table size both bpp - 1.
    let flags = 0x80 | ((bits_per_pixel - 1) << 4) | (bits_per_pixel - 1);
    out.extend_from_slice(&[flags as u8, 0, 0]);
    for i in 0..1usize << bits_per_pixel {
        out.extend_from_slice(colormap.get(i).unwrap_or(&[128, 128, 128]));
    }
    out.push(b',');
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&width.to_le_bytes());
    out.extend_from_slice(&height.to_le_bytes());
    out.push(0); // not interlaced, no local table
    out.push(min_code_size as u8);

    let pixels = &indices[..width as usize * height as usize];
    let mut coder = CodeWriter::new(min_code_size + 1, &mut out);
    if lzw {
        coder.compress(pixels);
    } else {
        coder.store(pixels);
    }
    coder.finish();
    out.push(0); // empty sub-block ends the image data
    out.push(b';');
    out
}

/// The LZW dictionary: (prefix code, next index) → code, in an open-addressed table
/// twice the size of the code space (linear probing, cleared with the code space).
struct Dictionary {
    /// `key + 1` of each slot (0: empty); keys are below 2^20.
    keys: Vec<u32>,
    codes: Vec<u16>,
}

impl Dictionary {
    const BITS: u32 = 13;

    fn new() -> Self {
        Dictionary {
            keys: vec![0; 1 << Self::BITS],
            codes: vec![0; 1 << Self::BITS],
        }
    }

    /// The slot holding `key`, or the empty one where it would go.
    #[inline]
    fn find(&self, key: u32) -> usize {
        let mask = (1usize << Self::BITS) - 1;
        let mut i = (key.wrapping_mul(0x9E37_79B1) >> (32 - Self::BITS)) as usize;
        while self.keys[i] != 0 && self.keys[i] != key + 1 {
            i = (i + 1) & mask;
        }
        i
    }

    #[inline]
    fn code(&self, slot: usize) -> Option<u32> {
        (self.keys[slot] != 0).then(|| u32::from(self.codes[slot]))
    }

    #[inline]
    fn insert(&mut self, slot: usize, key: u32, code: u32) {
        self.keys[slot] = key + 1;
        self.codes[slot] = code as u16;
    }

    fn clear(&mut self) {
        self.keys.fill(0);
    }
}

/// Packs variable-width codes LSB-first into 255-byte GIF sub-blocks and
/// tracks the LZW code-space state shared by both coding modes.
struct CodeWriter<'a> {
    out: &'a mut Vec<u8>,
    packet: Vec<u8>,
    accum: u32,
    accum_bits: u32,
    width: u32,
    init_width: u32,
    /// Codes above this need a wider code; widening is checked after each
    /// emitted code, in step with what a decoder does.
    max_code: u32,
    clear: u32,
    next_free: u32,
}

impl<'a> CodeWriter<'a> {
    /// Starts the code stream with the mandatory initial Clear code.
    fn new(init_width: u32, out: &'a mut Vec<u8>) -> Self {
        let clear = 1 << (init_width - 1);
        let mut w = CodeWriter {
            out,
            packet: Vec::with_capacity(255),
            accum: 0,
            accum_bits: 0,
            width: init_width,
            init_width,
            max_code: (1 << init_width) - 1,
            clear,
            next_free: clear + 2,
        };
        w.emit(clear);
        w
    }

    fn push_byte(&mut self, b: u8) {
        self.packet.push(b);
        if self.packet.len() == 255 {
            self.flush_packet();
        }
    }

    fn flush_packet(&mut self) {
        if !self.packet.is_empty() {
            self.out.push(self.packet.len() as u8);
            self.out.extend_from_slice(&self.packet);
            self.packet.clear();
        }
    }

    /// Writes one code at the current width, then widens the codes if the
    /// next table entry would not fit.  At 12 bits the limit becomes the
    /// table size itself, so the width never passes 12.
    fn emit(&mut self, code: u32) {
        self.accum |= code << self.accum_bits;
        self.accum_bits += self.width;
        while self.accum_bits >= 8 {
            self.push_byte(self.accum as u8);
            self.accum >>= 8;
            self.accum_bits -= 8;
        }
        if self.next_free > self.max_code {
            self.width += 1;
            self.max_code = if self.width == MAX_BITS {
                TABLE_LIMIT
            } else {
                (1 << self.width) - 1
            };
        }
    }

    /// Sends a Clear code (at the current width) and restarts the code space.
    fn restart(&mut self) {
        self.next_free = self.clear + 2;
        self.emit(self.clear);
        self.width = self.init_width;
        self.max_code = (1 << self.width) - 1;
    }

    /// Greedy LZW over the whole image as one stream (rows are not
    /// separated).  When the table is full, the code that would have been
    /// added triggers a Clear instead.
    fn compress(&mut self, pixels: &[u8]) {
        let Some((&first, rest)) = pixels.split_first() else {
            return;
        };
        let mut table = Dictionary::new();
        let mut prefix = first as u32;
        for &px in rest {
            let key = (prefix << 8) | px as u32;
            let slot = table.find(key);
            if let Some(code) = table.code(slot) {
                prefix = code;
                continue;
            }
            self.emit(prefix);
            if self.next_free < TABLE_LIMIT {
                table.insert(slot, key, self.next_free);
                self.next_free += 1;
            } else {
                table.clear();
                self.restart();
            }
            prefix = px as u32;
        }
        self.emit(prefix);
    }

    /// Uncompressed mode: every pixel is its own code.  A Clear is sent
    /// whenever the decoder's (phantom) table would otherwise reach the
    /// point where it widens codes.
    fn store(&mut self, pixels: &[u8]) {
        let mut counter = self.clear + 2;
        for &px in pixels {
            self.emit(px as u32);
            if counter < self.max_code {
                counter += 1;
            } else {
                self.emit(self.clear);
                counter = self.clear + 2;
            }
        }
    }

    /// Sends the end code, flushes the partial byte and the last packet.
    fn finish(mut self) {
        self.emit(self.clear + 1);
        if self.accum_bits > 0 {
            self.push_byte(self.accum as u8);
        }
        self.flush_packet();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pixel_two_colours_lzw() {
        // djpeg -colors 2 -gif on a 1x1 black grayscale JPEG.
        let got = write_gif(1, 1, &gray_palette(&[0, 255]), &[0], true);
        let mut want = b"GIF87a\x01\x00\x01\x00\x80\x00\x00".to_vec();
        want.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
        want.extend_from_slice(b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00;");
        assert_eq!(got, want);
    }

    #[test]
    fn three_colours_pad_with_mid_gray() {
        // djpeg -colors 3 -gif0 on the same image.
        let got = write_gif(1, 1, &gray_palette(&[0, 128, 255]), &[0], false);
        assert_eq!(got[10], 0x91);
        assert_eq!(
            &got[13..25],
            &[0, 0, 0, 128, 128, 128, 255, 255, 255, 128, 128, 128]
        );
        assert_eq!(&got[got.len() - 6..], b"\x02\x02\x44\x01\x00;");
    }

    #[test]
    fn gray_ramp_is_identity_for_256() {
        assert!(gray_ramp(256)
            .iter()
            .enumerate()
            .all(|(i, c)| *c == [i as u8; 3]));
    }
}
