//! The 1-D forward DCT of Arai, Agui and Nakajima (Trans. IEICE E-71(11), 1988;
//! Pennebaker & Mitchell, figure 4-8) that libjpeg's "ifast" and "float" methods both
//! use: five multiplications per 8 points, the output scale factors left for the
//! quantization step. One factorisation serves both methods, in scalar and vector
//! form; each value type says how it multiplies by the four constants.

use std::ops::{Add, Sub};

/// The constants of the factorisation (ck = cos(kπ/16)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum K {
    /// c4 = 0.707106781.
    C0707,
    /// c6 = 0.382683433.
    C0382,
    /// √2·c6 = 0.541196100.
    C0541,
    /// √2·c2 = 1.306562965.
    C1306,
}

/// A value the transform computes with: a sample of one method, or vector lanes
/// holding the same step of several transforms (each lane sees the scalar operations
/// in the scalar order, so the results are the same bits).
pub(super) trait AanValue: Copy + Add<Output = Self> + Sub<Output = Self> {
    /// The product by constant `k`, as the method forms it.
    fn times(self, k: K) -> Self;
}

/// One 1-D forward transform of 8 values, outputs in natural order.
#[inline(always)]
pub(super) fn forward<T: AanValue>(x: [T; 8]) -> [T; 8] {
    let (t0, t7) = (x[0] + x[7], x[0] - x[7]);
    let (t1, t6) = (x[1] + x[6], x[1] - x[6]);
    let (t2, t5) = (x[2] + x[5], x[2] - x[5]);
    let (t3, t4) = (x[3] + x[4], x[3] - x[4]);
    // Even part.
    let (t10, t13) = (t0 + t3, t0 - t3);
    let (t11, t12) = (t1 + t2, t1 - t2);
    let z1 = (t12 + t13).times(K::C0707);
    // Odd part: the rotation arranged to need no negation.
    let (u10, u11, u12) = (t4 + t5, t5 + t6, t6 + t7);
    let z5 = (u10 - u12).times(K::C0382);
    let z2 = u10.times(K::C0541) + z5;
    let z4 = u12.times(K::C1306) + z5;
    let z3 = u11.times(K::C0707);
    let (z11, z13) = (t7 + z3, t7 - z3);
    [
        t10 + t11,
        z11 + z4,
        t13 + z1,
        z13 - z2,
        t10 - t11,
        z13 + z2,
        t13 - z1,
        z11 - z4,
    ]
}
