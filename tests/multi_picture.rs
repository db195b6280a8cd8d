//! The other images of a multi-picture file (MPF, CIPA DC-007) turn with the first: a
//! file is built here from testdata (a 64×32 first image, an MPF index, and a half-size
//! second image after EOI, as a camera's large thumbnail or a gain map is stored). After
//! each rotation, flip and crop the index must point at both images with their new
//! sizes, and the second must show the output's first, reduced.

mod common;

use common::*;
use jtool::container::edit::mpf_entries;
use jtool::container::{classify, JpegFile, MetaClass};
use jtool::pipeline::{
    self, encode_pixels, transform, PixelEncodeOptions, TransformOptions, Transformed,
};
use jtool::pixels::preview::area_reduce;
use jtool::pixels::PixelImage;
use jtool::transform::{CropSpec, Orientation, Request};

/// An MPF APP2 segment (big-endian) listing a first image of `first` bytes and a second
/// of `second` bytes right after it; `header_at` is where the MP header will be in the
/// file (the segment follows SOI, so 2 + 4 + 4).
fn mpf_segment(first: u32, second: u32) -> Vec<u8> {
    mpf_segment_typed(first, second, 0x0001_0001)
}

/// [`mpf_segment`] with the second image of MP type `kind` (0x010001 a large thumbnail,
/// 0 undefined, as Ultra HDR lists its gain map).
fn mpf_segment_typed(first: u32, second: u32, kind: u32) -> Vec<u8> {
    let header_at = 2 + 4 + 4;
    let mut t = b"MM\0\x2a\0\0\0\x08".to_vec();
    t.extend_from_slice(&[0, 3]);
    t.extend_from_slice(&[0xB0, 0x00, 0, 7, 0, 0, 0, 4]);
    t.extend_from_slice(b"0100");
    t.extend_from_slice(&[0xB0, 0x01, 0, 4, 0, 0, 0, 1, 0, 0, 0, 2]);
    let entries_at = 8 + 2 + 3 * 12 + 4;
    t.extend_from_slice(&[0xB0, 0x02, 0, 7, 0, 0, 0, 32]);
    t.extend_from_slice(&(entries_at as u32).to_be_bytes());
    t.extend_from_slice(&[0, 0, 0, 0]);
    // First: representative, baseline MP primary; second: large thumbnail (class 1).
    t.extend_from_slice(&0x2003_0000u32.to_be_bytes());
    t.extend_from_slice(&first.to_be_bytes());
    t.extend_from_slice(&[0; 8]);
    t.extend_from_slice(&kind.to_be_bytes());
    t.extend_from_slice(&second.to_be_bytes());
    t.extend_from_slice(&(first - header_at).to_be_bytes());
    t.extend_from_slice(&[0; 4]);
    let mut seg = vec![0xFF, 0xE2];
    seg.extend_from_slice(&((t.len() + 6) as u16).to_be_bytes());
    seg.extend_from_slice(b"MPF\0");
    seg.extend_from_slice(&t);
    seg
}

fn pixels(data: &[u8]) -> PixelImage {
    pixels_of(data)
}

/// The testdata image cut to 64×32 (whole MCUs, so that every rotation and flip is a
/// true one) with an MPF index and a half-size copy after EOI.
fn multi_picture() -> Vec<u8> {
    multi_picture_with(|p| p)
}

/// [`multi_picture`] with `second` done to the second image's pixels.
fn multi_picture_with(second: impl Fn(PixelImage) -> PixelImage) -> Vec<u8> {
    let src = std::fs::read(testdata_dir().join("baseline_420_q85_67x45.jpg")).unwrap();
    let first = run(&src, Orientation::Identity, Some("64x32+0+0"), false)
        .output
        .bytes;
    let p = pixels(&first);
    let half = second(area_reduce(&p, 32, 16));
    let second = encode_pixels(&half, &PixelEncodeOptions::default()).unwrap();
    let xmp = xmp_segment(second.len());
    let len = first.len() + mpf_segment(0, 0).len() + xmp.len();
    let mut file = first[..2].to_vec();
    file.extend_from_slice(&mpf_segment(len as u32, second.len() as u32));
    file.extend_from_slice(&xmp);
    file.extend_from_slice(&first[2..]);
    file.extend_from_slice(&second);
    file
}

/// An XMP APP1 segment with a GContainer directory listing the second image by length,
/// as Ultra HDR files do.
fn xmp_segment(second: usize) -> Vec<u8> {
    let mut body = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    body.extend_from_slice(
        format!(
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><Container:Directory><rdf:Seq>\
             <rdf:li><Container:Item Item:Semantic=\"Primary\" Item:Mime=\"image/jpeg\"/></rdf:li>\
             <rdf:li><Container:Item Item:Semantic=\"GainMap\" Item:Mime=\"image/jpeg\" \
             Item:Length=\"{second}\"/></rdf:li></rdf:Seq></Container:Directory></x:xmpmeta>"
        )
        .as_bytes(),
    );
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
    seg.extend_from_slice(&body);
    seg
}

/// The `Item:Length` values of the output's XMP.
fn xmp_lengths(out: &[u8]) -> Vec<usize> {
    let f = JpegFile::parse(out).unwrap();
    let xmp = f
        .segments()
        .find(|s| classify(s) == MetaClass::Xmp)
        .unwrap();
    let text = String::from_utf8_lossy(xmp.body);
    text.split("Item:Length=\"")
        .skip(1)
        .map(|t| t.split('"').next().unwrap().parse().unwrap())
        .collect()
}

/// The images an output's MPF index lists: (start, bytes) of each.
fn listed(out: &[u8]) -> Vec<(usize, Vec<u8>)> {
    let f = JpegFile::parse(out).unwrap();
    let mpf = f
        .segments()
        .find(|s| classify(s) == MetaClass::Mpf)
        .unwrap();
    let header = mpf.body_offset() + 4;
    mpf_entries(mpf.body)
        .unwrap()
        .into_iter()
        .map(|(offset, size)| {
            let at = if offset == 0 {
                0
            } else {
                header + offset as usize
            };
            (at, out[at..at + size as usize].to_vec())
        })
        .collect()
}

fn run(data: &[u8], o: Orientation, crop: Option<&str>, via: bool) -> Transformed {
    let opts = TransformOptions {
        request: Request {
            orientation: o,
            crop: crop.map(|c| CropSpec::parse(c).unwrap()),
            ..Request::default()
        },
        output: Default::default(),
        reset_orientation: false,
    };
    if via {
        pipeline::via_pixels::transform(data, &opts).unwrap()
    } else {
        transform(data, &opts).unwrap()
    }
}

/// The output's index lists both images (the second ending the file, its size in the
/// XMP too), and the second is `size` and shows the first, reduced, within 1.5 dB of
/// how well it did before.
fn check_second(name: &str, t: &Transformed, size: (u32, u32), base: f64) {
    let out = &t.output.bytes;
    let images = listed(out);
    assert_eq!(images.len(), 2, "{name}");
    assert_eq!(images[0].1.len() + images[1].1.len(), out.len(), "{name}");
    assert!(images[1].1.starts_with(&[0xFF, 0xD8]), "{name}");
    assert_eq!(xmp_lengths(out), vec![images[1].1.len()], "{name}");
    let second = pixels(&images[1].1);
    assert_eq!((second.width, second.height), size, "{name}");
    let first = area_reduce(&pixels(out), second.width, second.height);
    let db = gray_psnr(&second, &first);
    assert!(db >= base - 1.5, "{name}: {db:.1} dB against {base:.1}");
    assert!(
        t.output.warnings.is_empty(),
        "{name}: {:?}",
        t.output.warnings
    );
}

/// How well the second image shows the first before any edit.
fn base_likeness(data: &[u8]) -> f64 {
    let before = listed(data);
    assert_eq!(before.len(), 2);
    gray_psnr(&pixels(&before[1].1), &area_reduce(&pixels(data), 32, 16))
}

#[test]
fn the_second_image_turns_with_the_first() {
    let data = multi_picture();
    let base = base_likeness(&data);
    for o in TURNS {
        for via in [false, true] {
            let turned = if o.parts().0 { (16, 32) } else { (32, 16) };
            let t = run(&data, o, None, via);
            check_second(&format!("{o:?} via={via}"), &t, turned, base);
        }
    }
}

#[test]
fn the_second_image_is_cut_like_the_first() {
    // 32x16+16+0 of the 64×32 image is 16x8+8+0 of the 32×16 one; turned first for the
    // transposing orientations (the crop is in output coordinates).
    let data = multi_picture();
    let base = base_likeness(&data);
    for o in [
        Orientation::Identity,
        Orientation::Rot180,
        Orientation::Rot90,
    ] {
        let (crop, size) = if o.parts().0 {
            ("16x32+0+16", (8, 16))
        } else {
            ("32x16+16+0", (16, 8))
        };
        for via in [false, true] {
            let t = run(&data, o, Some(crop), via);
            check_second(&format!("{o:?} {crop} via={via}"), &t, size, base);
        }
    }
}

#[test]
fn a_jpeg_after_eoi_that_no_index_lists_gets_a_warning() {
    let data = std::fs::read(testdata_dir().join("baseline_420_q85_67x45.jpg")).unwrap();
    let mut with = data.clone();
    with.extend_from_slice(&data);
    let t = run(&with, Orientation::Rot90, None, false);
    assert!(
        t.output.bytes.ends_with(&data),
        "the data after EOI is kept"
    );
    let w: Vec<String> = t.output.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        w.iter()
            .any(|w| w.contains("holding another image after EOI still show")),
        "{w:?}"
    );
}

/// A wipe reaches the second image at its scale: 16x16+0+0 of the 64×32 first image
/// is 8x8+0+0 of the 32×16 second, widened to its 16×16 iMCU, which turns mid-gray
/// while the rest keeps its picture; the index and the XMP follow its new size.
#[test]
fn a_wipe_reaches_the_second_image() {
    let data = multi_picture();
    let spec = CropSpec::parse("16x16+0+0").unwrap();
    let out = pipeline::wipe(&data, &spec, &Default::default()).unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let images = listed(&out.bytes);
    assert_eq!(images.len(), 2);
    assert_eq!(images[0].1.len() + images[1].1.len(), out.bytes.len());
    assert_eq!(xmp_lengths(&out.bytes), vec![images[1].1.len()]);
    let before = pixels(&listed(&data)[1].1);
    let after = pixels(&images[1].1);
    assert_eq!((after.width, after.height), (32, 16));
    let px = |p: &PixelImage, x: u32, y: u32| {
        let i = ((y * p.width + x) * 3) as usize;
        p.data[i..i + 3].to_vec()
    };
    for y in 0..16 {
        for x in 0..12 {
            assert_eq!(px(&after, x, y), [128; 3], "wiped at {x},{y}");
        }
        for x in 20..32 {
            let (a, b) = (px(&after, x, y), px(&before, x, y));
            assert!(
                a.iter().zip(&b).all(|(a, b)| a.abs_diff(*b) <= 2),
                "{x},{y}"
            );
        }
    }
    assert!((0..16).any(|y| px(&before, 4, y) != [128; 3]));
}

/// `inspect` compares the MPF large thumbnail with the image too: it shows it, and
/// still does after jtool turns the file; one made of the picture turned 180° is named
/// as such. `thumbnail --extract --kind mpf` takes it out as it is stored.
#[test]
fn inspect_checks_the_mpf_preview() {
    let preview = |data: &[u8]| {
        let r = jtool::pipeline::inspect_full(data).unwrap();
        let t = r.thumbnails.iter().find(|t| t.kind == "MPF preview");
        t.cloned().expect("the MPF preview is compared")
    };
    let data = multi_picture();
    let t = preview(&data);
    assert!(t.shows_image && (t.width, t.height) == (32, 16), "{t:?}");
    let turned = run(&data, Orientation::Rot90, None, false).output.bytes;
    assert!(preview(&turned).shows_image);
    let stale = multi_picture_with(|p| jtool::pixels::geometry::rotate180(&p));
    let t = preview(&stale);
    let named = t.turned.as_deref().unwrap_or_default();
    assert!(named.split(" or ").any(|n| n == "rotated 180°"), "{t:?}");
    let second = &listed(&data)[1].1;
    let taken =
        jtool::pipeline::extract_thumbnail(&data, Some(jtool::pipeline::ThumbnailKind::MpfPreview))
            .unwrap();
    assert_eq!(&taken, second);
}

/// After a drop, the large thumbnail after EOI is drawn anew from the output (its size,
/// tables and sampling kept) and the index follows; an image of another type (a gain
/// map) is left with the warning that it still shows the old picture.
#[test]
fn a_drop_redraws_the_large_thumbnail() {
    use jtool::pipeline::{drop_image, load_drop};
    let data = multi_picture();
    let base = base_likeness(&data);
    let src = std::fs::read(testdata_dir().join("baseline_420_q85_67x45.jpg")).unwrap();
    let small = run(&src, Orientation::Rot180, Some("32x16+0+0"), false)
        .output
        .bytes;
    let source = load_drop(&small, &Default::default()).unwrap();
    let out = drop_image(&data, &source, (16, 16), false, &Default::default()).unwrap();
    let t = Transformed {
        output: out.clone(),
        ..run(&data, Orientation::Identity, None, false)
    };
    check_second("drop", &t, (32, 16), base);
    let images = listed(&out.bytes);
    assert_ne!(
        images[1].1,
        listed(&data)[1].1,
        "the second image is drawn anew"
    );
    // The same file with the second image listed as a gain map (type 0).
    let mut gain = data.clone();
    let at = gain.windows(4).position(|w| w == [0, 1, 0, 1]).unwrap();
    gain[at..at + 4].copy_from_slice(&[0, 0, 0, 0]);
    let out = drop_image(&gain, &source, (16, 16), false, &Default::default()).unwrap();
    let w: Vec<String> = out.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        w.iter()
            .any(|w| w.contains("the 1 MPF images after EOI still show the image as it was")),
        "{w:?}"
    );
    assert_eq!(listed(&out.bytes)[1].1, listed(&gain)[1].1);
}

/// `thumbnail --regenerate` gives the multi-picture file an Exif thumbnail (a segment
/// before the MPF one): the index then gives the first image's new size and still
/// points at the second image.
#[test]
fn a_new_thumbnail_keeps_the_mpf_index_right() {
    let data = multi_picture();
    let out = jtool::pipeline::regenerate_thumbnails(&data, &Default::default(), None).unwrap();
    let images = listed(&out.bytes);
    assert_eq!(images.len(), 2);
    assert_eq!(images[0].1.len() + images[1].1.len(), out.bytes.len());
    assert_eq!(
        images[1].1,
        listed(&data)[1].1,
        "the second image as it was"
    );
    let r = jtool::pipeline::inspect_full(&out.bytes).unwrap();
    assert!(
        r.thumbnails.iter().all(|t| t.shows_image),
        "{:?}",
        r.thumbnails
    );
}

/// Adding a comment (before the frame, after the MP header) or removing segments keeps
/// the MPF index right: the first image's new size, the second image where it is.
#[test]
fn comments_and_strip_keep_the_mpf_index_right() {
    let data = multi_picture();
    let second = listed(&data)[1].1.clone();
    let commented = jtool::pipeline::edit_comments(&data, Some(b"hello"), false).unwrap();
    let keep = jtool::container::KeepPolicy::NOTHING.with(MetaClass::Mpf);
    let stripped = jtool::pipeline::strip(&data, keep).unwrap();
    for (what, out) in [("comment", commented), ("strip", stripped)] {
        let images = listed(&out.bytes);
        assert_eq!(images.len(), 2, "{what}");
        assert_eq!(
            images[0].1.len() + images[1].1.len(),
            out.bytes.len(),
            "{what}"
        );
        assert_eq!(images[1].1, second, "{what}");
    }
}
