//! `verify` against `jpeginfo -c` over the corpus: the same files must be found broken
//! (WARNING or ERROR), except where the difference is explained.

mod common;

#[allow(dead_code)]
#[path = "../src/cli/verify_cmd.rs"]
mod verify_cmd;

#[allow(dead_code)]
#[path = "../src/cli/oom.rs"]
mod oom;

#[allow(dead_code)]
#[path = "../src/cli/par.rs"]
mod par;

#[allow(dead_code)]
#[path = "../src/cli/stdout.rs"]
mod stdout;

#[path = "../src/cli/stdin.rs"]
mod stdin;

use common::{corpus_dir, jpegs_in, tool};
use jtool::pipeline::{verify, Status};
use std::process::Command;

/// Why jtool and jpeginfo may disagree on a file; None when they should agree.
fn explained(jpeginfo: &str, v: &jtool::pipeline::Verdict) -> Option<&'static str> {
    let first = v.problems.first();
    if jpeginfo.contains("Unsupported color conversion") {
        return Some("jpeginfo asks libjpeg for RGB output, which CMYK/YCCK files cannot give; the data itself is fine");
    }
    if jpeginfo.contains("Unsupported JPEG data precision") && v.status != Status::Error {
        return Some("a 12-bit file, which jtool decodes and 8-bit libjpeg cannot");
    }
    if jpeginfo.contains("SOF type 0xc3") && v.status != Status::Error {
        return Some("a lossless (SOF3) file, which jtool decodes and libjpeg 2.1 cannot");
    }
    if first.is_some_and(|p| p.kind == "unsupported") {
        return Some("a coding process jtool does not decode (lossless, hierarchical): jtool cannot check it");
    }
    if jpeginfo.starts_with("OK") && v.problems.iter().all(|p| p.kind == "other") {
        return Some("jtool warns about a scan that libjpeg accepts silently (progression or scan-parameter check)");
    }
    if jpeginfo.starts_with("OK")
        && v.problems
            .iter()
            .any(|p| p.kind == "coefficient_out_of_range")
    {
        return Some("coefficient magnitudes a conforming 8-bit encoder cannot produce; libjpeg does not check them");
    }
    if jpeginfo.starts_with("OK")
        && v.problems
            .iter()
            .all(|p| p.kind == "extraneous_bytes" || p.kind == "bad_restart")
    {
        return Some(
            "stray bytes or restart markers libjpeg skips without a warning in this position",
        );
    }
    if jpeginfo.contains("DNL not supported") && v.status == Status::Ok {
        return Some("libjpeg does not support a DNL segment (height 0 in SOF, T.81 B.2.5); jtool decodes it");
    }
    if !jpeginfo.starts_with("OK") && v.status == Status::Ok && jpeginfo.contains("JFIF revision") {
        return Some(
            "jpeginfo warns about an unknown JFIF version number; jtool reads it as metadata",
        );
    }
    None
}

#[test]
fn verify_agrees_with_jpeginfo() {
    let Some(dir) = corpus_dir() else { return };
    let Some(jpeginfo) = tool("jpeginfo") else {
        return;
    };
    let (mut agree, mut total) = (0, 0);
    let mut explained_list = Vec::new();
    let mut unexplained = Vec::new();
    for sub in ["valid", "malformed"] {
        for f in jpegs_in(&dir.join(sub)) {
            let data = std::fs::read(&f).unwrap();
            let v = verify(&data);
            let out = Command::new(&jpeginfo)
                .arg("-c")
                .arg(&f)
                .output()
                .expect("jpeginfo");
            let text = String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr);
            // "NAME  W x H ... [OK|WARNING|ERROR] message"
            let verdict = ["ERROR", "WARNING", "OK"]
                .iter()
                .filter_map(|k| text.find(&format!(" {k}")).map(|i| (i, *k)))
                .min()
                .map(|(i, _)| text[i + 1..].trim().to_string())
                .unwrap_or_else(|| text.trim().to_string());
            let jpeginfo_broken = !verdict.starts_with("OK");
            let ours_broken = v.status != Status::Ok;
            total += 1;
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            if jpeginfo_broken == ours_broken {
                agree += 1;
            } else if let Some(why) = explained(&verdict, &v) {
                explained_list.push(format!(
                    "{sub}/{name}: jpeginfo \"{verdict}\", jtool \"{}\": {why}",
                    v.summary
                ));
            } else {
                unexplained.push(format!(
                    "{sub}/{name}: jpeginfo \"{verdict}\", jtool \"{}\"",
                    v.summary
                ));
            }
            // Every problem inside a scan has an offset; decode problems an MCU position.
            for p in &v.problems {
                if matches!(
                    p.kind,
                    "premature_end" | "invalid_huffman_code" | "bad_restart"
                ) {
                    assert!(p.offset.is_some() && p.mcu.is_some(), "{name}: {p:?}");
                }
            }
        }
    }
    eprintln!("verify agrees with jpeginfo -c on {agree}/{total} corpus files (broken or not)");
    eprintln!("{} differences explained:", explained_list.len());
    for e in &explained_list {
        eprintln!("  {e}");
    }
    eprintln!("{} differences unexplained:", unexplained.len());
    for e in &unexplained {
        eprintln!("  {e}");
    }
    assert!(
        unexplained.is_empty(),
        "{} unexplained differences",
        unexplained.len()
    );
}

/// Restart intervals appended after a scan's last MCU (more RSTn than the scan has
/// intervals): libjpeg skips the markers after the scan and warns about the bytes
/// before the next one ("2634 extraneous bytes before marker 0xd2").
#[test]
fn verify_flags_intervals_after_the_last_mcu() {
    let Some(dir) = corpus_dir() else { return };
    let data =
        std::fs::read(dir.join("malformed/jpegdecoder_crash_extraneous_bytes_after_sos.jpg"))
            .unwrap();
    let v = verify(&data);
    assert_eq!(v.status, Status::Warning, "{}", v.summary);
    let p = &v.problems[0];
    assert_eq!(p.kind, "extraneous_bytes");
    // 1744x2464 4:2:0 with DRI 109 (one MCU row): 154 intervals, so RST1 at 382438 is
    // the 154th marker and the first one too many.
    assert_eq!(p.offset, Some(382438));
    assert_eq!(p.scan, Some(1));
}

#[test]
fn verify_reports_positions() {
    let Some(dir) = corpus_dir() else { return };
    let data =
        std::fs::read(dir.join("malformed/truncated_scan_sony_e5823_3840x2160.jpg")).unwrap();
    let v = verify(&data);
    assert_eq!(v.status, Status::Warning);
    let p = &v.problems[0];
    assert!(p.offset.is_some());
    assert!(v.summary.contains("at byte"), "{}", v.summary);
    let ok =
        verify(&std::fs::read(dir.join("valid/mpo_nintendo_3ds_pillow_sugarshack.jpg")).unwrap());
    assert_eq!(ok.status, Status::Ok, "{}", ok.summary);
    assert!(
        ok.trailer.as_ref().is_some_and(|t| t.kind.contains("JPEG")),
        "{:?}",
        ok.trailer
    );
    let json = serde_json::to_string(&ok).unwrap();
    assert!(json.contains("\"status\":\"OK\""));
}
