//! Property: parse ∘ write = id on generated files (segments with fill bytes, scans with
//! stuffed bytes and RSTn markers, trailers), and parsing arbitrary bytes never panics.

use jtool::container::{Item, JpegFile, Marker};
use proptest::prelude::*;

/// One generated piece of a file: a marker segment, or a scan with entropy-coded data.
#[derive(Debug, Clone)]
enum Piece {
    Segment {
        fill: usize,
        code: u8,
        body: Vec<u8>,
    },
    Scan {
        fill: usize,
        body: Vec<u8>,
        ecs: Vec<u8>,
    },
}

fn segment_code() -> impl Strategy<Value = u8> {
    // Every code with a length field: SOFn, DHT, DAC, DQT, DRI, APPn, COM, reserved.
    prop_oneof![
        0xC0u8..=0xCF,
        Just(0xDB),
        Just(0xDD),
        Just(0xDC),
        0xE0u8..=0xEF,
        Just(0xFE),
        0x02u8..=0xBF
    ]
}

/// Entropy-coded bytes: any bytes, with each 0xFF followed by 0x00 or an RST code.
fn ecs() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((any::<u8>(), 0u8..9), 0..200).prop_map(|v| {
        let mut out = Vec::new();
        for (b, k) in v {
            out.push(b);
            if b == 0xFF {
                out.push(if k == 8 { 0x00 } else { 0xD0 + k });
            }
        }
        out
    })
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        (
            0usize..3,
            segment_code(),
            prop::collection::vec(any::<u8>(), 0..300)
        )
            .prop_map(|(fill, code, body)| Piece::Segment { fill, code, body }),
        (0usize..3, prop::collection::vec(any::<u8>(), 0..20), ecs())
            .prop_map(|(fill, body, ecs)| Piece::Scan { fill, body, ecs }),
    ]
}

fn build(pieces: &[Piece], trailer: &[u8]) -> Vec<u8> {
    let mut f = vec![0xFF, 0xD8];
    let header = |f: &mut Vec<u8>, fill: usize, code: u8, body: &[u8]| {
        f.extend(std::iter::repeat(0xFF).take(fill));
        f.extend_from_slice(&[0xFF, code]);
        f.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        f.extend_from_slice(body);
    };
    for p in pieces {
        match p {
            Piece::Segment { fill, code, body } => header(&mut f, *fill, *code, body),
            Piece::Scan { fill, body, ecs } => {
                header(&mut f, *fill, 0xDA, body);
                f.extend_from_slice(ecs);
            }
        }
    }
    f.extend_from_slice(&[0xFF, 0xD9]);
    f.extend_from_slice(trailer);
    f
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_then_write_is_identity(pieces in prop::collection::vec(piece(), 0..12),
                                    trailer in prop::collection::vec(any::<u8>(), 0..40)) {
        let bytes = build(&pieces, &trailer);
        let file = JpegFile::parse(&bytes).unwrap();
        prop_assert_eq!(&file.to_bytes(), &bytes);
        prop_assert_eq!(file.trailer, &trailer[..]);
        prop_assert!(file.warnings.is_empty());
        // SOI + pieces + EOI, each piece recognised as what it was.
        prop_assert_eq!(file.items.len(), pieces.len() + 2);
        for (item, piece) in file.items[1..].iter().zip(&pieces) {
            match (item, piece) {
                (Item::Segment(s), Piece::Segment { code, body, fill }) => {
                    prop_assert_eq!(s.marker, Marker(*code));
                    prop_assert_eq!(s.body, &body[..]);
                    prop_assert_eq!(s.prefix.len(), *fill);
                }
                (Item::Scan(s), Piece::Scan { ecs, .. }) => prop_assert_eq!(s.ecs, &ecs[..]),
                _ => prop_assert!(false, "item kind differs"),
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(mut bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        if bytes.len() >= 2 { bytes[0] = 0xFF; bytes[1] = 0xD8; }
        if let Ok(f) = JpegFile::parse(&bytes) {
            prop_assert_eq!(&f.to_bytes(), &bytes);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A damaged JPEG after EOI (an MPF secondary image or preview cut short, flipped,
    /// truncated) never makes inspect or strip fail or panic: the trailer is the
    /// primary image's business only as evidence.
    #[test]
    fn damaged_jpeg_after_eoi_is_only_evidence(
        cut in 0usize..4000,
        flips in proptest::collection::vec((0usize..4000, any::<u8>()), 0..12),
        padding in 0usize..8,
    ) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        let primary = std::fs::read(root.join("baseline_420_q85_67x45.jpg")).unwrap();
        let mut trailer = std::fs::read(root.join("meta_420_67x45.jpg")).unwrap();
        for (at, v) in flips {
            let n = trailer.len();
            trailer[at % n] ^= v;
        }
        trailer.truncate(cut.min(trailer.len()));
        let mut data = primary.clone();
        data.extend(std::iter::repeat(0u8).take(padding));
        data.extend(&trailer);
        let r = jtool::inspect::inspect(&data).unwrap();
        prop_assert_eq!(r.trailer.offset, primary.len());
        let out = jtool::pipeline::strip(&data, jtool::container::KeepPolicy::NOTHING).unwrap();
        prop_assert!(out.bytes.len() <= data.len());
    }
}
