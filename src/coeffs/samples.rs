//! The samples of a lossless (SOF3) frame: T.81 Annex H codes samples, not DCT
//! blocks, so this is what its decoder gives and its encoder takes.

/// One component's samples, point transform undone, on the grid of whole MCUs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamplePlane {
    pub id: u8,
    pub h: u8,
    pub v: u8,
    /// Samples per row and rows holding image data (T.81 A.1.1).
    pub width: usize,
    pub height: usize,
    /// Row length of `samples` (the MCU grid's width).
    pub stride: usize,
    pub samples: Vec<u16>,
}

/// The samples of a lossless frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleImage {
    pub width: u32,
    pub height: u32,
    /// Sample precision P (2 to 16).
    pub precision: u8,
    pub components: Vec<SamplePlane>,
}

impl SamplePlane {
    /// Where the sample at column `x`, row `y` is in `samples`: a plane may hold fewer
    /// rows than the component has (a ring of the latest rows), row `y` then at
    /// `y` modulo the rows held.
    #[inline]
    pub fn idx(&self, x: usize, y: usize) -> usize {
        let held = (self.samples.len() / self.stride.max(1)).max(1);
        (y % held) * self.stride + x
    }
}

impl SampleImage {
    /// The largest vertical sampling factor of the components.
    pub fn max_v(&self) -> usize {
        self.components
            .iter()
            .map(|c| usize::from(c.v))
            .max()
            .unwrap_or(1)
    }
}
