//! The eight orientations: the dihedral group D4, numbered as EXIF Orientation 1–8.
//!
//! Every element is "transpose (or not), then mirror left-right (or not), then mirror
//! top-bottom (or not)", which is also how the coefficient walk applies it: transpose is
//! an index swap inside each block, a mirror negates the odd frequencies of its axis.

/// An element of D4, named by what it does to the stored image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Orientation {
    /// EXIF 1.
    Identity,
    /// EXIF 2: mirror left-right.
    FlipH,
    /// EXIF 3.
    Rot180,
    /// EXIF 4: mirror top-bottom.
    FlipV,
    /// EXIF 5: mirror about the main diagonal.
    Transpose,
    /// EXIF 6: rotate 90° clockwise.
    Rot90,
    /// EXIF 7: mirror about the anti-diagonal.
    Transverse,
    /// EXIF 8: rotate 270° clockwise.
    Rot270,
}

use Orientation::*;

/// All eight, in EXIF order.
pub const ALL: [Orientation; 8] = [
    Identity, FlipH, Rot180, FlipV, Transpose, Rot90, Transverse, Rot270,
];

impl Orientation {
    /// (transpose, mirror x, mirror y), applied in that order.
    pub fn parts(self) -> (bool, bool, bool) {
        match self {
            Identity => (false, false, false),
            FlipH => (false, true, false),
            FlipV => (false, false, true),
            Rot180 => (false, true, true),
            Transpose => (true, false, false),
            Rot90 => (true, true, false),
            Rot270 => (true, false, true),
            Transverse => (true, true, true),
        }
    }

    /// Whether width and height trade places.
    pub fn swaps_axes(self) -> bool {
        self.parts().0
    }

    /// The signed permutation matrix acting on centred coordinates (x, y).
    fn matrix(self) -> [[i8; 2]; 2] {
        let (t, fx, fy) = self.parts();
        let sx = if fx { -1 } else { 1 };
        let sy = if fy { -1 } else { 1 };
        if t {
            [[0, sx], [sy, 0]]
        } else {
            [[sx, 0], [0, sy]]
        }
    }

    fn from_matrix(m: [[i8; 2]; 2]) -> Self {
        *ALL.iter().find(|o| o.matrix() == m).expect("D4 is closed")
    }

    /// `self` followed by `next`.
    pub fn then(self, next: Orientation) -> Orientation {
        let (a, b) = (next.matrix(), self.matrix());
        let mut m = [[0i8; 2]; 2];
        for (i, row) in m.iter_mut().enumerate() {
            for (j, cell) in row.iter_mut().enumerate() {
                *cell = a[i][0] * b[0][j] + a[i][1] * b[1][j];
            }
        }
        Orientation::from_matrix(m)
    }

    /// The element that undoes `self`.
    pub fn inverse(self) -> Orientation {
        *ALL.iter()
            .find(|o| self.then(**o) == Identity)
            .expect("D4 has inverses")
    }

    /// The EXIF Orientation value (1–8) whose display transform this is.
    pub fn exif(self) -> u16 {
        ALL.iter().position(|&o| o == self).expect("listed") as u16 + 1
    }

    /// The transform that makes an image with EXIF Orientation `n` upright, as exiftran
    /// and jhead apply it (6 → rotate 90, 8 → rotate 270).
    pub fn from_exif(n: u16) -> Option<Orientation> {
        ALL.get((n as usize).checked_sub(1)?).copied()
    }

    /// A short name: `rotate 90`, `flip horizontal`, ...
    pub fn name(self) -> &'static str {
        match self {
            Identity => "none",
            FlipH => "flip horizontal",
            FlipV => "flip vertical",
            Rot180 => "rotate 180",
            Transpose => "transpose",
            Rot90 => "rotate 90",
            Rot270 => "rotate 270",
            Transverse => "transverse",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_laws() {
        for a in ALL {
            assert_eq!(a.then(Identity), a);
            assert_eq!(a.then(a.inverse()), Identity);
            for b in ALL {
                for c in ALL {
                    assert_eq!(a.then(b).then(c), a.then(b.then(c)));
                }
            }
        }
        assert_eq!(Rot90.then(Rot90), Rot180);
        assert_eq!(Rot90.then(Rot180), Rot270);
        assert_eq!(Transpose.then(FlipH), Rot90);
        assert_eq!(Transpose.then(FlipV), Rot270);
        assert_eq!(Transpose.then(Rot180), Transverse);
        assert_eq!(FlipH.then(FlipV), Rot180);
        assert_eq!(Rot90.inverse(), Rot270);
    }

    #[test]
    fn exif_numbers() {
        for (i, o) in ALL.iter().enumerate() {
            assert_eq!(o.exif() as usize, i + 1);
            assert_eq!(Orientation::from_exif(o.exif()), Some(*o));
        }
        assert_eq!(Orientation::from_exif(0), None);
        assert_eq!(Orientation::from_exif(9), None);
        assert_eq!(Orientation::from_exif(6), Some(Rot90));
    }
}
