//! Tests of `inspect` on crafted files and on the shared corpus.

use super::*;
use std::collections::HashMap;
use std::path::Path;

const CORPUS: &str = "/work/shared/corpus";

/// A small baseline 4:2:0 file: JFIF, Exif, COM, DQT, SOF0, DHT, DRI, SOS with one RST,
/// EOI, and two trailing bytes.
fn crafted() -> Vec<u8> {
    let mut f = vec![0xFF, 0xD8];
    let seg = |f: &mut Vec<u8>, code: u8, body: &[u8]| {
        f.extend_from_slice(&[0xFF, code]);
        f.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        f.extend_from_slice(body);
    };
    seg(&mut f, 0xE0, b"JFIF\0\x01\x02\x01\x00\x48\x00\x48\x00\x00");
    seg(
        &mut f,
        0xE1,
        b"Exif\0\0II\x2A\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0\x06\0\0\0\0\0\0\0",
    );
    seg(&mut f, 0xFE, b"hello\nworld\x1b");
    let mut dqt = vec![0x00];
    dqt.extend((1..=64).map(|v| v as u8));
    seg(&mut f, 0xDB, &dqt);
    seg(
        &mut f,
        0xC0,
        &[8, 0, 16, 0, 16, 3, 1, 0x22, 0, 2, 0x11, 0, 3, 0x11, 0],
    );
    let mut dht = vec![0x00];
    dht.extend_from_slice(&[0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    dht.extend(0..12u8);
    seg(&mut f, 0xC4, &dht);
    seg(&mut f, 0xDD, &[0, 1]);
    f.push(0xFF); // one fill byte before SOS
    seg(&mut f, 0xDA, &[3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);
    f.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]);
    f.extend_from_slice(&[0xFF, 0xD9, 0xFF, 0xD8]);
    f
}

#[test]
fn crafted_file_report() {
    let f = crafted();
    let r = inspect(&f).unwrap();
    assert_eq!(r.jtool_inspect_version, 1);
    assert_eq!(r.size, f.len());
    let names: Vec<&str> = r.segments.iter().map(|s| s.marker.as_str()).collect();
    assert_eq!(
        names,
        ["SOI", "APP0", "APP1", "COM", "DQT", "SOF0", "DHT", "DRI", "SOS", "EOI"]
    );
    let fr = r.frame.as_ref().unwrap();
    assert_eq!((fr.width, fr.height, fr.precision), (16, 16, 8));
    assert_eq!(fr.sampling, "4:2:0");
    assert_eq!(fr.sampling_factors, "2x2,1x1,1x1");
    assert_eq!(fr.color_space, "YCbCr");
    let comp_names: Vec<_> = fr.components.iter().map(|c| c.name.unwrap()).collect();
    assert_eq!(comp_names, ["Y", "Cb", "Cr"]);
    assert_eq!(r.quant_tables.len(), 1);
    // Zigzag position 2 (value 3) is natural index 8 (row 1, column 0).
    assert_eq!(r.quant_tables[0].values[8], 3);
    assert_eq!(r.huffman_tables[0].standard, Some("K.3 luminance DC"));
    assert_eq!(r.restart_interval[0].interval, 1);
    let sos = r.segments.iter().find(|s| s.marker == "SOS").unwrap();
    assert_eq!(sos.fill_bytes, 1);
    assert_eq!(sos.data_length, Some(7));
    assert_eq!(r.scans[0].rst_count, 1);
    assert_eq!(r.scans[0].header.as_ref().unwrap().se, 63);
    assert!(
        sos.summary.starts_with("scan Y,Cb,Cr: Ss=0 Se=63"),
        "{}",
        sos.summary
    );
    assert_eq!(r.trailer.length, 2);
    assert_eq!(r.trailer.kind, "JPEG (SOI)");
    assert!(r.eoi_present);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    let exif = r
        .metadata
        .iter()
        .find(|m| m.class == MetaClass::Exif)
        .unwrap();
    assert_eq!(
        exif.summary,
        "Exif (little-endian), 1 entries in IFD0, orientation 6"
    );

    let json = serde_json::to_value(&r).unwrap();
    for key in [
        "jtool_inspect_version",
        "size",
        "segments",
        "frame",
        "quant_tables",
        "huffman_tables",
        "scans",
        "restart_interval",
        "metadata",
        "trailer",
        "eoi_present",
        "warnings",
        "problems",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    assert_eq!(json["scans"][0]["ss"], 0);
    assert_eq!(json["scans"][0]["components"][1]["td"], 1);
    assert_eq!(json["metadata"][1]["details"]["kind"], "exif");
    assert_eq!(json["metadata"][1]["details"]["orientation"], 6);

    let text = r.to_text(false);
    assert!(
        text.contains("frame: SOF0 (baseline sequential, Huffman), 8-bit, 16x16, YCbCr 4:2:0"),
        "{text}"
    );
    assert!(text.contains("hello\\nworld\\u{1b}"), "{text}");
    assert!(!text.contains('\x1b'));
    // The DQT grid: first row in natural order is zigzag positions 0,1,5,6,14,15,27,28.
    assert!(
        text.contains("      1   2   6   7  15  16  28  29"),
        "{text}"
    );
    let verbose = r.to_text(true);
    assert!(
        verbose.contains("counts 0 1 5 1 1 1 1 1 1 0 0 0 0 0 0 0"),
        "{verbose}"
    );
    assert!(verbose.contains("orientation: 6"), "{verbose}");
}

#[test]
fn dnl_height_is_reported() {
    let mut f = crafted();
    // Height 0 in SOF0 (body offset: the SOF0 marker + 4, then P, Y).
    let sof = f.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    f[sof + 5] = 0;
    f[sof + 6] = 0;
    // DNL (16 lines) between the scan data and EOI.
    let eoi = f.windows(2).rposition(|w| w == [0xFF, 0xD9]).unwrap();
    f.splice(eoi..eoi, [0xFF, 0xDC, 0, 4, 0, 16]);
    let r = inspect(&f).unwrap();
    let fr = r.frame.as_ref().unwrap();
    assert_eq!((fr.height, fr.dnl_height), (0, Some(16)));
    assert!(r.to_text(false).contains("16x0 (DNL: 16)"));
    assert!(r
        .segments
        .iter()
        .any(|s| s.marker == "DNL" && s.summary == "number of lines 16"));
}

#[test]
fn sampling_labels() {
    assert_eq!(sampling_label(&[(1, 1)]), "gray");
    assert_eq!(sampling_label(&[(2, 2)]), "gray");
    assert_eq!(sampling_label(&[(1, 1), (1, 1), (1, 1)]), "4:4:4");
    assert_eq!(sampling_label(&[(2, 2), (2, 2), (2, 2)]), "4:4:4");
    assert_eq!(sampling_label(&[(2, 1), (1, 1), (1, 1)]), "4:2:2");
    assert_eq!(sampling_label(&[(2, 2), (1, 1), (1, 1)]), "4:2:0");
    assert_eq!(sampling_label(&[(1, 2), (1, 1), (1, 1)]), "4:4:0");
    assert_eq!(sampling_label(&[(4, 1), (1, 1), (1, 1)]), "4:1:1");
    assert_eq!(sampling_label(&[(4, 2), (1, 1), (1, 1)]), "4:1:0");
    assert_eq!(sampling_label(&[(2, 2), (1, 2), (1, 2)]), "4:2:2");
    assert_eq!(sampling_label(&[(2, 2), (2, 1), (1, 2)]), "2x2,2x1,1x2");
    assert_eq!(sampling_label(&[(1, 1), (2, 2), (2, 2)]), "1x1,2x2,2x2");
    assert_eq!(sampling_label(&[(1, 1); 4]), "4:4:4:4");
    assert_eq!(sampling_label(&[(1, 1), (1, 1)]), "1x1,1x1");
}

#[test]
fn colour_space_guesses() {
    assert_eq!(color_space(&[1, 2, 3], false, Some(0)).0, "RGB");
    assert_eq!(color_space(&[1, 2, 3], true, Some(0)).0, "YCbCr");
    assert_eq!(color_space(b"RGB", false, None).0, "RGB");
    assert_eq!(color_space(&[1, 2, 3], false, None).0, "YCbCr");
    assert_eq!(
        color_space(&[1, 2, 3, 4], false, Some(2)).1,
        ["Y", "Cb", "Cr", "K"]
    );
    assert_eq!(
        color_space(&[1, 2, 3, 4], false, None).1,
        ["C", "M", "Y", "K"]
    );
    assert_eq!(color_space(&[1, 2], false, None).0, "unknown");
}

#[test]
fn damaged_segments_become_problems() {
    // SOF with 0 components, a DQT with a bad Pq, no EOI, stray bytes.
    let f = [
        0xFF, 0xD8, 0xFF, 0xC0, 0, 8, 8, 0, 1, 0, 1, 0, 0xFF, 0xDB, 0, 3, 0x55, 0x12, 0x34, 0xFF,
        0xDA, 0, 2,
    ];
    let r = inspect(&f).unwrap();
    assert!(r.frame.is_none());
    assert_eq!(r.problems.len(), 3, "{:?}", r.problems);
    assert!(!r.eoi_present);
    assert!(!r.warnings.is_empty());
    let _ = r.to_text(true);
    serde_json::to_string_pretty(&r).unwrap();
    assert!(inspect(b"").is_err());
    assert!(inspect(b"\x89PNG").is_err());
}

#[test]
fn every_truncation_of_the_crafted_file_is_safe() {
    let f = crafted();
    for n in 0..f.len() {
        if let Ok(r) = inspect(&f[..n]) {
            let _ = r.to_text(true);
            serde_json::to_string(&r).unwrap();
        }
    }
}

fn corpus_files(sub: &str) -> Option<Vec<std::path::PathBuf>> {
    let dir = Path::new(CORPUS).join(sub);
    let Ok(rd) = std::fs::read_dir(&dir) else {
        println!("skipping: {} is absent", dir.display());
        return None;
    };
    let mut v: Vec<_> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    Some(v)
}

/// Manifest rows by file path ("valid/x.jpg"), as column → value maps.
fn manifest() -> HashMap<String, HashMap<String, String>> {
    let Ok(text) = std::fs::read_to_string(Path::new(CORPUS).join("MANIFEST.tsv")) else {
        return HashMap::new();
    };
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    lines
        .map(|l| {
            let row: HashMap<String, String> = header
                .iter()
                .zip(l.split('\t'))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            (row.get("file").cloned().unwrap_or_default(), row)
        })
        .collect()
}

/// What the report says for a manifest column (None: column not compared).
fn report_value(r: &Report, col: &str) -> Option<String> {
    let first_exif = r.metadata.iter().find_map(|m| match &m.details {
        Some(MetaDetails::Exif(e)) => Some(e),
        _ => None,
    });
    let icc_first = r.metadata.iter().find_map(|m| match &m.details {
        Some(MetaDetails::Icc(c)) if c.chunk == 1 => Some(c),
        _ => None,
    });
    Some(match col {
        "width" => r
            .frame
            .as_ref()
            .map(|f| f.width.to_string())
            .unwrap_or_default(),
        "height" => r
            .frame
            .as_ref()
            .map(|f| f.height.to_string())
            .unwrap_or_default(),
        "components" => r
            .frame
            .as_ref()
            .map(|f| f.components.len().to_string())
            .unwrap_or_default(),
        "sampling" => r
            .frame
            .as_ref()
            .map(|f| f.sampling_factors.clone())
            .unwrap_or_default(),
        "n_scans" => r.scans.len().to_string(),
        "trailing_bytes_after_eoi" => r.trailer.length.to_string(),
        "icc_chunks" => r
            .metadata
            .iter()
            .filter(|m| m.class == MetaClass::Icc)
            .count()
            .to_string(),
        "exif_make" => first_exif.and_then(|e| e.make.clone()).unwrap_or_default(),
        "orientation" => first_exif
            .and_then(|e| e.orientation)
            .map(|o| o.to_string())
            .unwrap_or_default(),
        "exif_thumbnail_bytes" => first_exif
            .and_then(|e| e.thumbnail_length)
            .map(|o| o.to_string())
            .unwrap_or_default(),
        "xmp_creator_tool" => r
            .metadata
            .iter()
            .find_map(|m| match &m.details {
                Some(MetaDetails::Xmp(x)) => x.creator_tool.clone(),
                _ => None,
            })
            .unwrap_or_default(),
        "adobe_transform" => r
            .metadata
            .iter()
            .find_map(|m| match &m.details {
                Some(MetaDetails::Adobe(a)) => Some(a.transform.to_string()),
                _ => None,
            })
            .unwrap_or_default(),
        "icc_description" => icc_first
            .and_then(|c| c.profile.as_ref())
            .and_then(|p| p.description.clone())
            .unwrap_or_default(),
        "fill_bytes" => r
            .segments
            .iter()
            .map(|s| s.fill_bytes)
            .sum::<usize>()
            .to_string(),
        _ => return None,
    })
}

const COMPARED: &[&str] = &[
    "width",
    "height",
    "components",
    "sampling",
    "exif_make",
    "orientation",
    "icc_chunks",
    "trailing_bytes_after_eoi",
    "n_scans",
    "exif_thumbnail_bytes",
    "xmp_creator_tool",
    "adobe_transform",
    "icc_description",
    "fill_bytes",
];

/// Differences from the manifest that are accepted, with the reason (file, column).
const ACCEPTED: &[(&str, &str, &str)] = &[(
    "sw_adobe_bridge_cs5_nikon_d5000.jpg",
    "orientation",
    "IFD0 has no Orientation entry; exiftool reports XMP tiff:Orientation, which inspect does not read",
)];

#[test]
fn corpus_valid_files_inspect_and_match_manifest() {
    let Some(files) = corpus_files("valid") else {
        return;
    };
    let manifest = manifest();
    let mut mismatches = Vec::new();
    for path in &files {
        let data = std::fs::read(path).unwrap();
        let r = inspect(&data).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        serde_json::to_string_pretty(&r).unwrap();
        let _ = r.to_text(true);
        let key = format!("valid/{}", path.file_name().unwrap().to_string_lossy());
        let Some(row) = manifest.get(&key) else {
            continue;
        };
        for col in COMPARED {
            let (Some(want), Some(got)) = (row.get(*col), report_value(&r, col)) else {
                continue;
            };
            if *want != got
                && !ACCEPTED
                    .iter()
                    .any(|(f, c, _)| key.ends_with(f) && c == col)
            {
                mismatches.push(format!("{key}: {col}: manifest {want:?}, inspect {got:?}"));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn corpus_malformed_files_do_not_panic() {
    let Some(files) = corpus_files("malformed") else {
        return;
    };
    for path in &files {
        let data = std::fs::read(path).unwrap();
        if let Ok(r) = inspect(&data) {
            serde_json::to_string_pretty(&r).unwrap();
            let _ = r.to_text(true);
        }
    }
}
