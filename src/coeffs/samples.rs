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
