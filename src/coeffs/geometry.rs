//! MCU and iMCU arithmetic (T.81 A.1.1 and A.2).

/// ⌈a / b⌉ for positive b.
#[inline]
pub fn ceil_div(a: usize, b: usize) -> usize {
    a.div_ceil(b)
}

/// Block-grid sizes derived from the frame's dimensions and sampling factors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Geometry {
    /// Image width in pixels.
    pub width: u32,
    /// Image height in pixels.
    pub height: u32,
    /// Largest horizontal sampling factor.
    pub max_h: u8,
    /// Largest vertical sampling factor.
    pub max_v: u8,
    /// Sampling factors (H, V) per component.
    pub factors: Vec<(u8, u8)>,
}

impl Geometry {
    /// Geometry for a frame. Factors must be 1–4 (checked by the frame parser).
    pub fn new(width: u32, height: u32, factors: &[(u8, u8)]) -> Self {
        let max_h = factors.iter().map(|f| f.0).max().unwrap_or(1).max(1);
        let max_v = factors.iter().map(|f| f.1).max().unwrap_or(1).max(1);
        Geometry {
            width,
            height,
            max_h,
            max_v,
            factors: factors.to_vec(),
        }
    }

    /// MCU columns of an interleaved scan (T.81 A.2.2): ⌈X / (8·Hmax)⌉.
    /// With one component, libjpeg and T.81 A.2.1 use single-block MCUs, but the
    /// planes are still padded to whole iMCUs of Hmax×Vmax blocks.
    pub fn mcus_x(&self) -> usize {
        ceil_div(self.width as usize, 8 * self.max_h as usize)
    }

    /// MCU rows of an interleaved scan: ⌈Y / (8·Vmax)⌉.
    pub fn mcus_y(&self) -> usize {
        ceil_div(self.height as usize, 8 * self.max_v as usize)
    }

    /// Blocks of component `c` that hold image samples (T.81 A.1.1: xi = ⌈X·Hi/Hmax⌉),
    /// which is the block grid of a non-interleaved scan (T.81 A.2.1).
    pub fn real_blocks(&self, c: usize) -> (usize, usize) {
        let (h, v) = self.factors[c];
        let xi = ceil_div(self.width as usize * h as usize, self.max_h as usize);
        let yi = ceil_div(self.height as usize * v as usize, self.max_v as usize);
        (ceil_div(xi, 8), ceil_div(yi, 8))
    }

    /// MCUs in a row of a scan of components `idx`, as a restart interval in rows
    /// counts them: the frame's MCU columns for an interleaved scan, the component's
    /// block columns for a one-component scan (an MCU per block, T.81 A.2.2).
    pub fn scan_mcus_x(&self, idx: &[usize]) -> usize {
        match idx {
            [c] => self.real_blocks(*c).0,
            _ => self.mcus_x(),
        }
    }

    /// Blocks of component `c` including padding to whole iMCUs.
    pub fn padded_blocks(&self, c: usize) -> (usize, usize) {
        let (h, v) = self.factors[c];
        (self.mcus_x() * h as usize, self.mcus_y() * v as usize)
    }

    /// Total number of blocks over all components, padded (what allocation costs).
    pub fn total_blocks(&self) -> u64 {
        (0..self.factors.len())
            .map(|c| {
                let (w, h) = self.padded_blocks(c);
                w as u64 * h as u64
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ijg_test_image_420() {
        let g = Geometry::new(227, 149, &[(2, 2), (1, 1), (1, 1)]);
        assert_eq!((g.mcus_x(), g.mcus_y()), (15, 10));
        assert_eq!(g.real_blocks(0), (29, 19));
        assert_eq!(g.real_blocks(1), (15, 10));
        assert_eq!(g.padded_blocks(0), (30, 20));
    }

    #[test]
    fn gray_with_2x2_factors_pads_to_imcu() {
        let g = Geometry::new(17, 9, &[(2, 2)]);
        assert_eq!(g.real_blocks(0), (3, 2));
        assert_eq!(g.padded_blocks(0), (4, 2));
    }
}
