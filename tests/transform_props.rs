//! Properties of the lossless transforms on random coefficient images of random sampling
//! and odd sizes: the group laws of D4 hold block for block, edges included.

use jtool::coeffs::CoefficientImage;
use jtool::transform::{apply, plan, EdgePolicy, Orientation, Request};
use proptest::prelude::*;

fn image() -> impl Strategy<Value = CoefficientImage> {
    sized_image(false)
}

/// Images whose size is whole iMCUs, so no edge block stays behind.
fn whole_image() -> impl Strategy<Value = CoefficientImage> {
    sized_image(true)
}

fn sized_image(whole: bool) -> impl Strategy<Value = CoefficientImage> {
    let comps = prop_oneof![
        Just(vec![(1u8, 1u8)]),
        Just(vec![(2, 2), (1, 1), (1, 1)]),
        Just(vec![(2, 1), (1, 1), (1, 1)]),
        Just(vec![(1, 2), (1, 1), (1, 1)]),
        Just(vec![(1, 1), (1, 1), (1, 1)]),
        Just(vec![(4, 1), (1, 1), (1, 1)]),
        Just(vec![(2, 2), (1, 1), (1, 1), (2, 2)]),
    ];
    (comps, 1u32..80, 1u32..80, any::<u64>()).prop_map(move |(factors, w, h, seed)| {
        let (w, h) = if whole {
            let single = factors.len() == 1;
            let mw = if single {
                8
            } else {
                8 * factors.iter().map(|f| f.0 as u32).max().unwrap()
            };
            let mh = if single {
                8
            } else {
                8 * factors.iter().map(|f| f.1 as u32).max().unwrap()
            };
            (mw * (1 + w % 4), mh * (1 + h % 4))
        } else {
            (w, h)
        };
        let specs: Vec<_> = factors
            .iter()
            .enumerate()
            .map(|(i, &(h, v))| (i as u8 + 1, h, v, i.min(1) as u8))
            .collect();
        let mut img = CoefficientImage::zeroed(w, h, 8, &specs);
        let mut x = seed | 1;
        for c in &mut img.components {
            c.quant.values = std::array::from_fn(|k| 1 + k as u16);
            let (rw, rh) = (c.plane.width_blocks, c.plane.height_blocks);
            for by in 0..rh {
                for bx in 0..rw {
                    let b = c.plane.block_mut(bx, by);
                    for v in b.iter_mut() {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        *v = (x % 61) as i16 - 30;
                    }
                }
            }
        }
        img
    })
}

fn run(img: &CoefficientImage, o: Orientation, edge: EdgePolicy) -> CoefficientImage {
    let factors: Vec<_> = img.components.iter().map(|c| (c.h, c.v)).collect();
    let p = plan(
        img.width,
        img.height,
        &factors,
        &Request {
            orientation: o,
            edge,
            ..Request::default()
        },
    )
    .unwrap();
    apply(img, &p)
}

/// One component as a decoder sees it: its real blocks, its table and its sampling.
type Visible = (Vec<[i16; 64]>, [u16; 64], (u8, u8));

/// The blocks a decoder sees (padding excluded), and the tables.
fn visible(img: &CoefficientImage) -> Vec<Visible> {
    let g = img.geometry();
    img.components
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (w, h) = g.real_blocks(i);
            let blocks = (0..h)
                .flat_map(|y| (0..w).map(move |x| (x, y)))
                .map(|(x, y)| *c.plane.block(x, y))
                .collect();
            (blocks, c.quant.values, (c.h, c.v))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn transpose_twice_is_identity(img in image()) {
        let t = run(&run(&img, Orientation::Transpose, EdgePolicy::Keep), Orientation::Transpose, EdgePolicy::Keep);
        prop_assert_eq!(visible(&t), visible(&img));
    }

    #[test]
    fn rotate_90_is_transpose_then_flip_h(img in image()) {
        for edge in [EdgePolicy::Keep, EdgePolicy::Trim] {
            let a = run(&img, Orientation::Rot90, edge);
            let b = run(&run(&img, Orientation::Transpose, edge), Orientation::FlipH, edge);
            prop_assert_eq!(visible(&a), visible(&b));
            let a = run(&img, Orientation::Rot270, edge);
            let b = run(&run(&img, Orientation::Transpose, edge), Orientation::FlipV, edge);
            prop_assert_eq!(visible(&a), visible(&b));
        }
    }

    #[test]
    fn rotate_90_four_times_is_identity(img in whole_image()) {
        let mut x = img.clone();
        for _ in 0..4 {
            x = run(&x, Orientation::Rot90, EdgePolicy::Perfect);
        }
        prop_assert_eq!(visible(&x), visible(&img));
    }

    #[test]
    fn composition_follows_the_group(img in whole_image(), a in 0usize..8, b in 0usize..8) {
        let (oa, ob) = (jtool::transform::ALL_ORIENTATIONS[a], jtool::transform::ALL_ORIENTATIONS[b]);
        let two = run(&run(&img, oa, EdgePolicy::Perfect), ob, EdgePolicy::Perfect);
        let one = run(&img, oa.then(ob), EdgePolicy::Perfect);
        prop_assert_eq!(visible(&two), visible(&one));
    }
}
