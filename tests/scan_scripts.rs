//! `--scans FILE` against `jpegtran -scans FILE`: the same scans in the same order, the
//! same pixels (`djpeg -dct int`), and with `--arithmetic` the same bytes from SOF to
//! EOI. Scripts that would drop coefficients (which jpegtran accepts) are refused.

mod common;

use common::*;
use jtool::container::KeepPolicy;
use jtool::entropy::scan_file::parse;
use jtool::entropy::HuffmanChoice;
use jtool::pipeline::{copy, CopyOptions, RestartSpec};

/// Scripts for three-component files: successive approximation with a band split, and
/// a sequential file in two scans.
const YCC: [&str; 2] = [
    "0 1 2: 0-0, 0, 1;\n2: 1-63, 0, 0;\n1: 1-63, 0, 0;\n0: 1-9, 0, 1;\n0: 10-63, 0, 1;\n0: 1-63, 1, 0;\n0,1,2: 0-0, 1, 0;",
    "# luminance alone, then chrominance interleaved\n0;\n1 2;",
];
/// The same for one-component files.
const GRAY: [&str; 2] = [
    "0: 0-0, 0, 0;\n0: 1-2, 0, 2;\n0: 3-63, 0, 2;\n0: 1-63, 2, 1;\n0: 1-63, 1, 0;",
    "0;",
];

/// The SOS headers (components, Ss, Se, Ah, Al) of a file, without their table ids.
fn scans(b: &[u8]) -> Vec<String> {
    jtool::inspect::inspect(b)
        .expect("inspect")
        .segments
        .iter()
        .filter(|s| s.marker == "SOS")
        .map(|s| s.summary.split(", ").next().unwrap_or("").to_string())
        .collect()
}

/// From the SOFn marker through the first EOI after it.
fn frame_to_eoi(b: &[u8]) -> Vec<u8> {
    let r = jtool::inspect::inspect(b).expect("inspect");
    let sof = r.frame.as_ref().expect("frame").offset;
    let end = r
        .segments
        .iter()
        .find(|s| s.marker == "EOI" && s.offset > sof)
        .map_or(b.len(), |s| s.offset + 2);
    b[sof..end].to_vec()
}

#[test]
fn scan_scripts_match_jpegtran() {
    let (Some(jt), Some(dj)) = (tool("jpegtran"), tool("djpeg")) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut cases = 0;
    for path in testdata_jpegs() {
        let data = std::fs::read(&path).unwrap();
        let frame = jtool::inspect::inspect(&data).unwrap().frame.unwrap();
        let scripts = if frame.components.len() == 1 {
            GRAY
        } else {
            YCC
        };
        for (i, text) in scripts.iter().enumerate() {
            let file = dir.path().join(format!("script{i}.txt"));
            std::fs::write(&file, text).unwrap();
            for arithmetic in [false, true] {
                let opts = CopyOptions {
                    scans: Some(parse(text).unwrap()),
                    restart: RestartSpec::Mcus(0),
                    keep: KeepPolicy::level("none").unwrap(),
                    huffman: if arithmetic {
                        HuffmanChoice::Arithmetic
                    } else {
                        HuffmanChoice::Optimal
                    },
                    ..CopyOptions::default()
                };
                let what = format!("{} script {i} arithmetic {arithmetic}", path.display());
                let mine = copy(&data, &opts)
                    .unwrap_or_else(|e| panic!("{what}: {e}"))
                    .bytes;
                let f = file.to_str().unwrap();
                let mut args = vec!["-scans", f, "-copy", "none"];
                args.push(if arithmetic {
                    "-arithmetic"
                } else {
                    "-optimize"
                });
                let (code, theirs, err) = run_with_stdin(&jt, &args, &data);
                assert_eq!(code, 0, "{what}: jpegtran: {err}");
                assert_eq!(scans(&mine), scans(&theirs), "{what}");
                assert!(
                    djpeg(&dj, &mine) == djpeg(&dj, &theirs),
                    "{what}: pixels differ"
                );
                if arithmetic {
                    assert!(
                        frame_to_eoi(&mine) == frame_to_eoi(&theirs),
                        "{what}: bytes differ"
                    );
                }
                cases += 1;
            }
        }
    }
    println!("scan scripts: {cases} cases identical to jpegtran -scans");
    assert!(cases >= 8);
}

/// A script that leaves coefficients out is refused (jpegtran writes the lossy file),
/// and so are malformed scripts, with exit 1 for the file and 2 for the script.
#[test]
fn incomplete_and_malformed_scripts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = testdata_dir().join("baseline_420_q85_67x45.jpg");
    let out = dir.path().join("out.jpg");
    for (text, code) in [
        ("0 1 2: 0-0, 0, 0;\n0: 1-63, 0, 0;", 1), // chrominance AC never sent
        ("0: 1-63, 0, 0;\n0 1 2: 0-0, 0, 0;", 1), // AC before DC
        ("0 1 2 3;", 1),                          // no fourth component
        ("0: 1-63 0;", 2),                        // malformed
    ] {
        let script = dir.path().join("s.txt");
        std::fs::write(&script, text).unwrap();
        assert_cmd::Command::cargo_bin("jtool")
            .unwrap()
            .args(["copy", "--scans"])
            .arg(&script)
            .arg(&input)
            .arg(&out)
            .assert()
            .code(code);
        assert!(!out.exists(), "{text}");
    }
}

/// `encode --scans --icc` against `cjpeg -scans -icc`: with arithmetic coding the same
/// bytes from SOF to EOI, and the same APP2 segments.
#[test]
fn encode_takes_scan_scripts_and_profiles() {
    let Some(cj) = tool("cjpeg") else { return };
    let dir = tempfile::tempdir().unwrap();
    let ppm = std::fs::read(testdata_dir().join("src_67x45.ppm")).unwrap();
    let icc = dir.path().join("p.icc");
    let mut profile: Vec<u8> = (0..70_000u32).map(|i| (i % 253) as u8).collect();
    profile[..4].copy_from_slice(&70_000u32.to_be_bytes());
    profile[36..40].copy_from_slice(b"acsp");
    std::fs::write(&icc, &profile).unwrap();
    let app2 = |b: &[u8]| -> Vec<Vec<u8>> {
        jtool::inspect::inspect(b)
            .unwrap()
            .segments
            .iter()
            .filter(|s| s.marker == "APP2")
            .map(|s| b[s.offset..s.offset + s.length].to_vec())
            .collect()
    };
    for (i, text) in YCC.iter().enumerate() {
        let file = dir.path().join(format!("s{i}.txt"));
        std::fs::write(&file, text).unwrap();
        let opts = jtool::pipeline::PixelEncodeOptions {
            huffman: HuffmanChoice::Arithmetic,
            scans: Some(parse(text).unwrap()),
            icc: Some(profile.clone()),
            ..Default::default()
        };
        let mine = jtool::pipeline::encode_image_file(&ppm, &opts).unwrap();
        let args = [
            "-dct",
            "int",
            "-arithmetic",
            "-scans",
            file.to_str().unwrap(),
            "-icc",
            icc.to_str().unwrap(),
        ];
        let (code, theirs, err) = run_with_stdin(&cj, &args, &ppm);
        assert_eq!(code, 0, "cjpeg: {err}");
        assert_eq!(app2(&mine).len(), 2);
        assert_eq!(app2(&mine), app2(&theirs), "script {i}");
        assert!(frame_to_eoi(&mine) == frame_to_eoi(&theirs), "script {i}");
        assert_eq!(scans(&mine), scans(&theirs));
    }
}

/// Without a script, `--progressive` writes the scans jpegtran -progressive writes, for
/// every file jpegtran reads: libjpeg's YCbCr script for YCbCr, its generic one for
/// gray, RGB (Adobe transform 0, or ids 'R' 'G' 'B'), CMYK and YCCK.
#[test]
fn default_progressive_script_is_jpegtrans() {
    let Some(jt) = tool("jpegtran") else {
        return;
    };
    let files = jpegtran_files();
    let failures = parallel(&files, |(path, _, _)| {
        let data = std::fs::read(path).unwrap();
        let opts = CopyOptions {
            mode: Some(jtool::entropy::CodingMode::Progressive),
            ..CopyOptions::default()
        };
        let mine = copy(&data, &opts).expect("copy --progressive");
        let (code, theirs, err) = run_with_stdin(&jt, &["-progressive"], &data);
        if code != 0 && code != 2 {
            return vec![format!("{}: jpegtran failed: {err}", path.display())];
        }
        if scans(&mine.bytes) != scans(&theirs) {
            return vec![format!(
                "{}: scans differ\n  jtool    {:?}\n  jpegtran {:?}",
                path.display(),
                scans(&mine.bytes),
                scans(&theirs)
            )];
        }
        Vec::new()
    });
    report_failures(
        &format!("default progressive script: {} files", files.len()),
        &failures,
    );
}

/// Each scan with the restart interval in force at it: `--restart N` counts rows of
/// each scan's own MCUs, as jpegtran's `-restart N` does (a one-component scan's row is
/// the component's block width), with a DRI before each scan whose interval changes,
/// after that scan's tables. A copy keeps such a file's intervals scan by scan.
#[test]
fn restart_rows_follow_each_scan_as_jpegtran() {
    let Some(jt) = tool("jpegtran") else {
        return;
    };
    let layout = |b: &[u8]| -> Vec<String> {
        let r = jtool::inspect::inspect(b).expect("inspect");
        let mut out = Vec::new();
        let mut pending = String::new();
        for s in &r.segments {
            match s.marker.as_str() {
                "DRI" => pending = s.summary.clone(),
                "DHT" | "DAC" if !pending.is_empty() => out.push("tables after DRI".into()),
                "SOS" => {
                    let scan = s.summary.split(", ").next().unwrap_or("").to_string();
                    out.push(format!("{} [{}]", scan, std::mem::take(&mut pending)));
                }
                _ => {}
            }
        }
        out
    };
    let configs: [(&[&str], &[&str]); 4] = [
        (
            &["--progressive", "--restart", "1"],
            &["-progressive", "-restart", "1"],
        ),
        (
            &["--progressive", "--arithmetic", "--restart", "2"],
            &["-progressive", "-arithmetic", "-restart", "2"],
        ),
        (&["--baseline", "--restart", "3B"], &["-restart", "3B"]),
        (
            &["--baseline", "--arithmetic", "--restart", "1"],
            &["-arithmetic", "-restart", "1"],
        ),
    ];
    let files = jpegtran_files();
    let failures = parallel(&files, |(path, _, _)| {
        let data = std::fs::read(path).unwrap();
        let mut fails = Vec::new();
        for (mine, theirs) in configs {
            let opts = CopyOptions {
                mode: Some(if mine[0] == "--progressive" {
                    jtool::entropy::CodingMode::Progressive
                } else {
                    jtool::entropy::CodingMode::Sequential
                }),
                huffman: if mine.contains(&"--arithmetic") {
                    HuffmanChoice::Arithmetic
                } else {
                    HuffmanChoice::Optimal
                },
                restart: match mine[mine.len() - 1].strip_suffix('B') {
                    Some(n) => RestartSpec::Mcus(n.parse().unwrap()),
                    None => RestartSpec::Rows(mine[mine.len() - 1].parse().unwrap()),
                },
                ..CopyOptions::default()
            };
            let m = copy(&data, &opts).expect("copy");
            let (code, t, err) = run_with_stdin(&jt, theirs, &data);
            if code != 0 && code != 2 {
                fails.push(format!(
                    "{}: jpegtran {theirs:?} failed: {err}",
                    path.display()
                ));
                continue;
            }
            if layout(&m.bytes) != layout(&t) {
                fails.push(format!(
                    "{} {mine:?}: scans and restart intervals differ\n  jtool    {:?}\n  jpegtran {:?}",
                    path.display(),
                    layout(&m.bytes),
                    layout(&t)
                ));
            }
            // A copy keeps jpegtran's intervals, scan by scan.
            let kept = copy(&t, &CopyOptions::default()).expect("copy of jpegtran's output");
            if layout(&kept.bytes) != layout(&t) {
                fails.push(format!(
                    "{} {mine:?}: a copy of jpegtran's output changes its restart intervals",
                    path.display()
                ));
            }
        }
        fails
    });
    report_failures(
        &format!("restart intervals per scan: {} files x 4", files.len()),
        &failures,
    );
}
