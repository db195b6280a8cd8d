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
    /// APP1 "http://ns.adobe.com/xap/1.0/\0" (and extended XMP).
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

/// Which metadata segments survive an operation (jpegtran's `-copy`, extended).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeepPolicy {
    /// Only what carries colour interpretation (JFIF APP0, Adobe APP14).
    None,
    /// Also comments (COM).
    Comments,
    /// Also ICC profiles.
    Icc,
    /// Also Exif (and ICC and comments).
    Exif,
    /// Everything.
    All,
}

impl KeepPolicy {
    /// Whether a segment of this class is kept.
    pub fn keeps(self, class: MetaClass) -> bool {
        use MetaClass::*;
        match class {
            NotMetadata => false,
            Jfif | Adobe => true,
            Comment => self != KeepPolicy::None,
            Icc => matches!(self, KeepPolicy::Icc | KeepPolicy::Exif | KeepPolicy::All),
            Exif => matches!(self, KeepPolicy::Exif | KeepPolicy::All),
            _ => self == KeepPolicy::All,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(marker: Marker, body: &[u8]) -> Segment<'_> {
        Segment { prefix: &[], marker, offset: 0, body }
    }

    #[test]
    fn classifies_common_segments() {
        assert_eq!(classify(&seg(Marker::APP0, b"JFIF\0\x01\x01")), MetaClass::Jfif);
        assert_eq!(classify(&seg(Marker::APP1, b"Exif\0\0MM")), MetaClass::Exif);
        assert_eq!(classify(&seg(Marker::APP2, b"ICC_PROFILE\0\x01\x01")), MetaClass::Icc);
        assert_eq!(classify(&seg(Marker::APP14, b"Adobe\0")), MetaClass::Adobe);
        assert_eq!(classify(&seg(Marker::APP1, b"junk")), MetaClass::OtherApp);
        assert_eq!(classify(&seg(Marker::DQT, b"")), MetaClass::NotMetadata);
    }

    #[test]
    fn keep_policy() {
        assert!(KeepPolicy::None.keeps(MetaClass::Jfif));
        assert!(!KeepPolicy::None.keeps(MetaClass::Comment));
        assert!(KeepPolicy::Comments.keeps(MetaClass::Comment));
        assert!(!KeepPolicy::Icc.keeps(MetaClass::Exif));
        assert!(KeepPolicy::Exif.keeps(MetaClass::Icc));
        assert!(KeepPolicy::All.keeps(MetaClass::Mpf));
    }
}
