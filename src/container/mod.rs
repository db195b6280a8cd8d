//! Bytes ⇄ segments: the marker syntax of T.81 Annex B, header parsers, metadata classes.

pub mod edit;
pub mod exif;
mod file;
mod headers;
mod marker;
pub mod metadata;

pub(crate) use file::ff_positions;
pub use file::{write_segment, Item, JpegFile, Scan, Segment, MAX_SEGMENTS};
pub use headers::{
    parse_dht, parse_dnl, parse_dqt, parse_dri, parse_frame, parse_scan, write_dht_entry,
    write_dqt_entry, write_frame, write_scan, FrameComponent, FrameHeader, HuffmanSpec,
    ScanComponent, ScanHeader,
};
pub use marker::{sof_process, Marker};
pub use metadata::{classify, embedded_jpeg, samsung_trailer, KeepPolicy, MetaClass};
pub mod std_tables;
