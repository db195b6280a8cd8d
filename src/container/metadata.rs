//! What an APPn or COM segment is, decided from its marker and its identifier bytes.
//! Used by the keep/strip policy and by `inspect`.

use super::file::Segment;
use super::marker::Marker;

/// The class of a metadata segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetaClass {
    /// APP0 "JFIF\0".
    Jfif,
    /// APP0 "JFXX\0" (JFIF extension: thumbnail).
    Jfxx,
    /// APP1 "Exif\0\0".
    Exif,
    /// APP1 `http://ns.adobe.com/xap/1.0/\0` (and extended XMP).
    Xmp,
    /// APP2 "ICC_PROFILE\0".
    Icc,
    /// APP2 "MPF\0" (CIPA DC-007 multi-picture index).
    Mpf,
    /// APP11 JUMBF boxes (C2PA manifests).
    Jumbf,
    /// APP12 "Ducky" (Photoshop Save for Web).
    Ducky,
    /// APP13 "Photoshop 3.0\0" (image resource blocks, IPTC).
    Photoshop,
    /// APP14 "Adobe" (colour transform flag).
    Adobe,
    /// COM: a comment.
    Comment,
    /// Any other APPn.
    OtherApp,
    /// Not a metadata segment.
    NotMetadata,
}

const XMP_ID: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_EXT_ID: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";

/// Classifies a segment by marker and identifier.
pub fn classify(seg: &Segment) -> MetaClass {
    let b = seg.body;
    match seg.marker {
        Marker::COM => MetaClass::Comment,
        Marker::APP0 if b.starts_with(b"JFIF\0") => MetaClass::Jfif,
        Marker::APP0 if b.starts_with(b"JFXX\0") => MetaClass::Jfxx,
        Marker::APP1 if b.starts_with(b"Exif\0") => MetaClass::Exif,
        Marker::APP1 if b.starts_with(XMP_ID) || b.starts_with(XMP_EXT_ID) => MetaClass::Xmp,
        Marker::APP2 if b.starts_with(b"ICC_PROFILE\0") => MetaClass::Icc,
        Marker::APP2 if b.starts_with(b"MPF\0") => MetaClass::Mpf,
        Marker::APP11 if b.len() >= 2 && &b[..2] == b"JP" => MetaClass::Jumbf,
        Marker::APP12 if b.starts_with(b"Ducky") => MetaClass::Ducky,
        Marker::APP13 if b.starts_with(b"Photoshop 3.0\0") => MetaClass::Photoshop,
        Marker::APP14 if b.starts_with(b"Adobe") => MetaClass::Adobe,
        m if m.is_app() => MetaClass::OtherApp,
        _ => MetaClass::NotMetadata,
    }
}

/// Which metadata segments survive an operation: a set of classes, modelled as data.
/// jpegtran's `-copy none|comments|icc|all` levels and `strip --keep` lists are both
/// values of this one type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeepPolicy {
    /// Bit `1 << class as u32` set for every kept class.
    mask: u32,
}

impl KeepPolicy {
    /// Keeps every segment.
    pub const ALL: KeepPolicy = KeepPolicy {
        mask: !(1 << MetaClass::NotMetadata as u32),
    };
    /// Keeps nothing, not even JFIF or Adobe (`strip --keep none`).
    pub const NOTHING: KeepPolicy = KeepPolicy { mask: 0 };
    /// JFIF APP0 and Adobe APP14, which define how colours are read (jpegtran -copy none).
    pub const COLOUR: KeepPolicy = KeepPolicy::NOTHING
        .with(MetaClass::Jfif)
        .with(MetaClass::Adobe);

    /// This policy plus `class`.
    pub const fn with(self, class: MetaClass) -> KeepPolicy {
        KeepPolicy {
            mask: self.mask | 1 << class as u32,
        }
    }

    /// This policy without `class`.
    pub const fn without(self, class: MetaClass) -> KeepPolicy {
        KeepPolicy {
            mask: self.mask & !(1 << class as u32),
        }
    }

    /// jpegtran's `-copy` levels, plus `exif` (Exif, ICC and comments).
    pub fn level(name: &str) -> Option<KeepPolicy> {
        use MetaClass::*;
        let comments = KeepPolicy::COLOUR.with(Comment);
        Some(match name {
            "none" => KeepPolicy::COLOUR,
            "comments" => comments,
            "icc" => comments.with(Icc),
            "exif" => comments.with(Icc).with(Exif),
            "all" => KeepPolicy::ALL,
            _ => return None,
        })
    }

    /// The class a `--keep` name stands for.
    pub fn class_by_name(name: &str) -> Option<MetaClass> {
        use MetaClass::*;
        Some(match name {
            "jfif" => Jfif,
            "jfxx" | "thumbnail" => Jfxx,
            "exif" => Exif,
            "xmp" => Xmp,
            "icc" => Icc,
            "mpf" => Mpf,
            "c2pa" | "jumbf" => Jumbf,
            "ducky" => Ducky,
            "photoshop" | "iptc" => Photoshop,
            "adobe" => Adobe,
            "comments" | "com" => Comment,
            "other" => OtherApp,
            _ => return None,
        })
    }

    /// Whether a segment of this class is kept.
    pub fn keeps(self, class: MetaClass) -> bool {
        self.mask & (1 << class as u32) != 0
    }
}

/// Whether the data after EOI is Samsung's extended-data block (an "SEFH" header and
/// an "SEFT" end, appended by its camera app: capture time, motion-photo video and
/// more).
pub fn samsung_trailer(trailer: &[u8]) -> bool {
    trailer.ends_with(b"SEFT") && memchr::memmem::find(trailer, b"SEFH").is_some()
}

/// The JPEG inside the data after EOI: from its first SOI followed by a marker (MPF
/// secondary images and previews start there, after zero padding or other bytes), if
/// there is one.
pub fn embedded_jpeg(trailer: &[u8]) -> Option<&[u8]> {
    memchr::memmem::find(trailer, &[0xFF, 0xD8, 0xFF]).map(|at| &trailer[at..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(marker: Marker, body: &[u8]) -> Segment<'_> {
        Segment {
            prefix: &[],
            marker,
            offset: 0,
            body,
        }
    }

    #[test]
    fn classifies_common_segments() {
        assert_eq!(
            classify(&seg(Marker::APP0, b"JFIF\0\x01\x01")),
            MetaClass::Jfif
        );
        assert_eq!(classify(&seg(Marker::APP1, b"Exif\0\0MM")), MetaClass::Exif);
        assert_eq!(
            classify(&seg(Marker::APP2, b"ICC_PROFILE\0\x01\x01")),
            MetaClass::Icc
        );
        assert_eq!(classify(&seg(Marker::APP14, b"Adobe\0")), MetaClass::Adobe);
        assert_eq!(classify(&seg(Marker::APP1, b"junk")), MetaClass::OtherApp);
        assert_eq!(classify(&seg(Marker::DQT, b"")), MetaClass::NotMetadata);
    }

    #[test]
    fn keep_policy() {
        let level = |n| KeepPolicy::level(n).unwrap();
        assert!(level("none").keeps(MetaClass::Jfif));
        assert!(!level("none").keeps(MetaClass::Comment));
        assert!(level("comments").keeps(MetaClass::Comment));
        assert!(!level("icc").keeps(MetaClass::Exif));
        assert!(level("exif").keeps(MetaClass::Icc));
        assert!(level("all").keeps(MetaClass::Mpf));
        assert!(!KeepPolicy::ALL.keeps(MetaClass::NotMetadata));
        assert!(!KeepPolicy::NOTHING.keeps(MetaClass::Adobe));
        assert_eq!(
            KeepPolicy::class_by_name("iptc"),
            Some(MetaClass::Photoshop)
        );
    }
}
