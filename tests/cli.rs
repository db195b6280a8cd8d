//! The command line, end to end, in temporary directories: exit codes, silence on
//! success, stdin/stdout, atomic output, refusal to overwrite the input, bad input.

mod common;

use assert_cmd::Command;
use common::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn jtool() -> Command {
    Command::cargo_bin("jtool").unwrap()
}

fn sample() -> PathBuf {
    testdata_dir().join("meta_420_67x45.jpg")
}

/// `jtool rotate 90` of the sample, made in `dir`.
fn rotated_sample(dir: &Path) -> Vec<u8> {
    let out = dir.join("expected.jpg");
    jtool()
        .args(["rotate", "90"])
        .arg(sample())
        .arg(&out)
        .assert()
        .success();
    std::fs::read(out).unwrap()
}

fn is_link(p: &Path) -> bool {
    std::fs::symlink_metadata(p)
        .unwrap()
        .file_type()
        .is_symlink()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn copy_is_silent_and_writes_the_output() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out.jpg");
    jtool()
        .arg("copy")
        .arg(sample())
        .arg(&out)
        .assert()
        .success()
        .stdout("")
        .stderr("");
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..2], &[0xFF, 0xD8]);
    assert!(
        bytes.ends_with(b"TRAILER-DATA-AFTER-EOI"),
        "data after EOI is kept"
    );
    assert_eq!(
        files_in(d.path()),
        vec!["out.jpg"],
        "no temporary file left behind"
    );
    if let Some(dj) = tool("djpeg") {
        assert_eq!(
            djpeg(&dj, &bytes),
            djpeg(&dj, &std::fs::read(sample()).unwrap())
        );
    }
}

/// A device, FIFO or symbolic link named as the output is written through, as jpegtran's
/// fopen writes it: renaming a temporary file over `/dev/null` would replace the device
/// (as root) or fail, and over a link would replace the link.
#[test]
fn output_through_a_fifo_or_a_link_leaves_them_in_place() {
    use std::os::unix::fs::{symlink, FileTypeExt};
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.map(|s| s.success()).unwrap_or(false) {
        // -p: the input's times are not set on the FIFO (opening it would wait).
        for cmd in [&["copy", "-p"][..], &["decode", "--format", "pnm"]] {
            let reader = {
                let fifo = fifo.clone();
                std::thread::spawn(move || std::fs::read(fifo).unwrap())
            };
            jtool()
                .args(cmd)
                .arg(sample())
                .arg(&fifo)
                .timeout(Duration::from_secs(30))
                .assert()
                .success();
            let got = reader.join().unwrap();
            assert!(got.starts_with(if cmd[0] == "copy" { b"\xFF\xD8" } else { b"P6" }));
            assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
        }
    } else {
        eprintln!("skipped the FIFO case: mkfifo is not available");
    }
    let real = d.path().join("real.jpg");
    std::fs::write(&real, b"old").unwrap();
    let link = d.path().join("link.jpg");
    symlink("real.jpg", &link).unwrap();
    jtool()
        .arg("copy")
        .arg(sample())
        .arg(&link)
        .assert()
        .success();
    assert!(is_link(&link));
    let copied = std::fs::read(&real).unwrap();
    assert!(copied.starts_with(b"\xFF\xD8") && copied.ends_with(b"TRAILER-DATA-AFTER-EOI"));
    jtool()
        .args(["rotate", "180", "--in-place"])
        .arg(&link)
        .assert()
        .success();
    assert!(is_link(&link));
    assert_ne!(std::fs::read(&real).unwrap(), copied);
    let left: Vec<String> = files_in(d.path())
        .into_iter()
        .filter(|f| f != "pipe")
        .collect();
    assert_eq!(left, vec!["link.jpg", "real.jpg"]);
}

/// Ctrl-C (or `kill`) while an output is being written leaves no temporary file, and
/// the process ends by the signal, so that a shell loop over files stops.
#[test]
fn an_interrupted_run_leaves_no_temporary_file() {
    use std::os::unix::process::ExitStatusExt;
    let d = tempfile::tempdir().unwrap();
    let (w, h) = (1500usize, 1500usize);
    let mut ppm = format!("P6\n{w} {h}\n255\n").into_bytes();
    let mut x = 12345u32;
    ppm.extend((0..w * h * 3).map(|_| {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        (x >> 23) as u8
    }));
    let (src, jpg) = (d.path().join("noise.ppm"), d.path().join("noise.jpg"));
    std::fs::write(&src, ppm).unwrap();
    jtool()
        .args(["encode", "-q", "95"])
        .arg(&src)
        .arg(&jpg)
        .assert()
        .success();
    std::fs::remove_file(&src).unwrap();
    for signal in [2, 15] {
        let out = d.path().join("big.ppm");
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("jtool"))
            .args(["decode", "--scale", "2/1"])
            .arg(&jpg)
            .arg(&out)
            .spawn()
            .unwrap();
        let start = Instant::now();
        let seen = loop {
            if files_in(d.path()).iter().any(|f| f.starts_with(".jtool-")) {
                break true;
            }
            if child.try_wait().unwrap().is_some() || start.elapsed() > Duration::from_secs(20) {
                break false;
            }
            std::thread::sleep(Duration::from_micros(200));
        };
        let kill = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status();
        let status = child.wait().unwrap();
        let _ = std::fs::remove_file(&out);
        if !seen || !kill.map(|k| k.success()).unwrap_or(false) {
            eprintln!("skipped signal {signal}: the decode ended before it was caught");
            continue;
        }
        assert_eq!(status.signal(), Some(signal), "ended by the signal");
        assert_eq!(files_in(d.path()), vec!["noise.jpg"], "signal {signal}");
    }
}

#[test]
fn dash_means_stdin_and_stdout() {
    let input = std::fs::read(sample()).unwrap();
    let a = jtool()
        .args(["copy", "-", "-"])
        .write_stdin(input.clone())
        .assert()
        .success();
    let via_dash = a.get_output().stdout.clone();
    let b = jtool().arg("copy").arg(sample()).assert().success();
    assert_eq!(via_dash, b.get_output().stdout, "OUT omitted is stdout too");
    assert_eq!(&via_dash[..2], &[0xFF, 0xD8]);
}

/// With no file named, a command reads stdin and writes stdout, as jpegtran does; the
/// read-only commands read stdin too. What acts on files by name (--in-place,
/// --out-dir, exif --through, date --touch and --rename) still needs names.
#[test]
fn no_file_means_stdin() {
    let input = std::fs::read(sample()).unwrap();
    let named = jtool()
        .args(["rotate", "90"])
        .arg(sample())
        .assert()
        .success();
    let piped = jtool()
        .args(["rotate", "90"])
        .write_stdin(input.clone())
        .assert()
        .success()
        .stderr("");
    assert_eq!(piped.get_output().stdout, named.get_output().stdout);
    jtool()
        .args(["inspect", "--json"])
        .write_stdin(input.clone())
        .assert()
        .success()
        .stdout(predicates_contains("\"file\": \"-\""));
    jtool()
        .arg("verify")
        .write_stdin(input.clone())
        .assert()
        .success()
        .stdout(predicates_contains("-: OK"));
    for flags in [
        &["copy", "--in-place"][..],
        &["copy", "--out-dir", "."],
        &["exif", "--through", "cat"],
        &["date", "--touch"],
        &["date", "--rename", "%Y"],
    ] {
        jtool()
            .args(flags)
            .write_stdin(input.clone())
            .assert()
            .code(2)
            .stderr(predicates_contains("file names, not -"));
    }
}

/// At a terminal (a pseudo-terminal made by util-linux's `script`), image bytes are
/// neither read from it nor written to it: a usage error instead of a wait or garbage.
#[test]
fn a_terminal_is_not_an_image_stream() {
    let bin = assert_cmd::cargo::cargo_bin("jtool");
    let at_terminal = |args: &str| {
        let line = format!("{} {args}", bin.display());
        std::process::Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .stdin(std::process::Stdio::null())
            .output()
    };
    let Ok(probe) = at_terminal("--version") else {
        eprintln!("skipped: no `script` to make a terminal");
        return;
    };
    assert!(probe.status.success());
    let out = at_terminal(&format!("rotate 90 {}", sample().display())).unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("will not write an image to a terminal"),
        "{text}"
    );
    let out = at_terminal("inspect").unwrap();
    assert_eq!(out.status.code(), Some(1), "a file that could not be read");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("will not read an image from a terminal"),
        "{text}"
    );
    let out = at_terminal("rotate 90 - /dev/null").unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "a usage error, as for the output"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("will not read an image from a terminal"),
        "{text}"
    );
    // Under jpegtran's command line, its code for a wrong request: 1 (its 2 means
    // "written with warnings").
    let out = at_terminal(&format!("jpegtran -rotate 90 {}", sample().display())).unwrap();
    assert_eq!(out.status.code(), Some(1));
    // Text output and --dry-run write no image.
    let out = at_terminal(&format!("rotate 90 --dry-run {}", sample().display())).unwrap();
    assert!(out.status.success());
    let out = at_terminal(&format!("inspect {}", sample().display())).unwrap();
    assert!(out.status.success());
}

#[test]
fn refuses_to_overwrite_input_without_in_place() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("a.jpg");
    std::fs::copy(sample(), &f).unwrap();
    let before = std::fs::read(&f).unwrap();
    jtool()
        .arg("copy")
        .arg(&f)
        .arg(&f)
        .assert()
        .code(1)
        .stderr(predicates_contains("--in-place"));
    assert_eq!(std::fs::read(&f).unwrap(), before);
    jtool()
        .args(["copy", "--in-place", "--copy", "none"])
        .arg(&f)
        .assert()
        .success()
        .stderr("");
    let after = std::fs::read(&f).unwrap();
    assert_ne!(after, before, "metadata was dropped in place");
    assert_eq!(files_in(d.path()), vec!["a.jpg"]);
}

#[test]
fn out_dir_processes_several_files_and_reports_each_failure() {
    let d = tempfile::tempdir().unwrap();
    let bad = d.path().join("bad.jpg");
    std::fs::write(&bad, b"\xFF\xD8\xFF\xDB\x00").unwrap();
    let out = d.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let a = testdata_dir().join("gray_q90_67x45.jpg");
    let b = testdata_dir().join("prog_420_q75_67x45.jpg");
    let r = jtool()
        .arg("copy")
        .arg("--out-dir")
        .arg(&out)
        .arg(&a)
        .arg(&bad)
        .arg(&b)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&r.get_output().stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "one line per failed file: {err}");
    assert!(
        err.starts_with(&format!("jtool: {}: ", bad.display())),
        "{err}"
    );
    assert!(err.contains("(at byte "), "{err}");
    assert_eq!(
        files_in(&out),
        vec!["gray_q90_67x45.jpg", "prog_420_q75_67x45.jpg"]
    );
}

#[test]
fn usage_errors_exit_2() {
    jtool().assert().code(2);
    jtool().args(["copy", "a", "b", "c"]).assert().code(2);
    jtool()
        .args(["copy", "--restart", "x"])
        .arg(sample())
        .assert()
        .code(2);
    jtool()
        .args(["copy", "--progressive", "--baseline"])
        .arg(sample())
        .assert()
        .code(2);
    jtool().args(["frobnicate"]).assert().code(2);
    jtool().arg("--help").assert().success();
}

#[test]
fn missing_input_is_a_one_line_error() {
    let d = tempfile::tempdir().unwrap();
    let r = jtool()
        .arg("copy")
        .arg(d.path().join("nope.jpg"))
        .arg(d.path().join("o.jpg"))
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&r.get_output().stderr).into_owned();
    assert_eq!(err.lines().count(), 1);
    assert!(err.contains("nope.jpg: No such file"), "{err}");
    assert!(files_in(d.path()).is_empty());
}

/// `--arithmetic` writes SOF9 (SOF10 when progressive) for the transforms and
/// `encode` too, and cannot be combined with the standard Huffman tables.
#[test]
fn arithmetic_output_from_every_writer() {
    let d = tempfile::tempdir().unwrap();
    let src = testdata_dir().join("src_67x45.ppm");
    for (i, (args, input, sof)) in [
        (vec!["rotate", "90", "--arithmetic"], sample(), "SOF9"),
        (
            vec![
                "crop",
                "--x",
                "16",
                "--y",
                "8",
                "--arithmetic",
                "--progressive",
            ],
            sample(),
            "SOF10",
        ),
        (vec!["encode", "--arithmetic"], src.clone(), "SOF9"),
        (
            vec!["encode", "--arithmetic", "--progressive"],
            src,
            "SOF10",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let out = d.path().join(format!("{i}.jpg"));
        jtool()
            .args(&args)
            .arg(&input)
            .arg(&out)
            .assert()
            .success()
            .stderr("");
        let r = jtool::inspect::inspect(&std::fs::read(&out).unwrap()).unwrap();
        assert_eq!(r.frame.unwrap().marker, sof, "{args:?}");
    }
    jtool()
        .args(["copy", "--arithmetic", "--standard-huffman"])
        .arg(sample())
        .arg(d.path().join("x.jpg"))
        .assert()
        .code(2);
    assert!(!d.path().join("x.jpg").exists());
}

#[test]
fn copy_options_are_accepted() {
    let d = tempfile::tempdir().unwrap();
    for (i, args) in [
        vec!["--baseline", "--standard-huffman"],
        vec!["--progressive"],
        vec!["--restart", "1"],
        vec!["--restart", "5B"],
        vec!["--restart", "0"],
        vec!["--copy", "comments"],
        vec!["--copy", "icc"],
        vec!["--copy", "exif"],
        vec!["--arithmetic"],
        vec!["--arithmetic", "--progressive", "--restart", "2B"],
    ]
    .iter()
    .enumerate()
    {
        let out = d.path().join(format!("{i}.jpg"));
        jtool()
            .arg("copy")
            .args(args)
            .arg(sample())
            .arg(&out)
            .assert()
            .success()
            .stderr("");
        if let Some(dj) = tool("djpeg") {
            let (code, _, err) =
                run_with_stdin(&dj, &["-dct", "int"], &std::fs::read(&out).unwrap());
            assert!(code == 0 && err.is_empty(), "{args:?}: djpeg says {err}");
        }
    }
}

#[test]
fn broken_pipe_ends_quietly() {
    use std::process::{Command as Std, Stdio};
    let s = sample();
    for args in stdout_writers(&s) {
        let mut child = Std::new(assert_cmd::cargo::cargo_bin("jtool"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.stderr.is_empty(), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
    }
}

/// With standard output and error closed, the output file jtool opens must not take
/// their place: a warning written to "stderr" would land in the image.
#[test]
fn closed_standard_descriptors_never_receive_the_image() {
    let d = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(sample()).unwrap();
    // Cut inside the scan: warnings on every run.
    let input = d.path().join("cut.jpg");
    std::fs::write(&input, &bytes[..bytes.len() * 3 / 4]).unwrap();
    let (want, with_err) = (d.path().join("want.jpg"), d.path().join("closed.jpg"));
    let warned = jtool()
        .arg("copy")
        .arg(&input)
        .arg(&want)
        .assert()
        .success();
    assert!(!warned.get_output().stderr.is_empty());
    let bin = assert_cmd::cargo::cargo_bin("jtool");
    for closing in [">&- 2>&-", "<&- >&- 2>&-", "2>&-"] {
        let _ = std::fs::remove_file(&with_err);
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("exec \"$0\" copy \"$1\" \"$2\" {closing}"))
            .arg(&bin)
            .arg(&input)
            .arg(&with_err)
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(0), "{closing}");
        assert!(
            std::fs::read(&with_err).unwrap() == std::fs::read(&want).unwrap(),
            "{closing}: the output differs"
        );
    }
}

/// File names are bytes, not UTF-8: they reach the file system as given.
#[test]
fn file_names_need_not_be_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let d = tempfile::tempdir().unwrap();
    let name = |b: &[u8]| d.path().join(std::ffi::OsStr::from_bytes(b));
    let (a, out) = (name(b"in\xff.jpg"), name(b"out\xfe\x80.jpg"));
    std::fs::copy(sample(), &a).unwrap();
    jtool()
        .args(["rotate", "90"])
        .arg(&a)
        .arg(&out)
        .assert()
        .success();
    assert_eq!(std::fs::read(&out).unwrap(), rotated_sample(d.path()));
}

/// Commands that write to standard output, each on two copies of the sample file.
fn stdout_writers(s: &Path) -> Vec<Vec<std::ffi::OsString>> {
    let lines: [&[&str]; 13] = [
        &["copy"],
        &["decode", "--format", "pnm"],
        &["inspect"],
        &["inspect", "--json"],
        &["verify"],
        &["verify", "--json"],
        &["exif"],
        &["exif", "--summary"],
        &["date"],
        &["comment"],
        &["jpegoptim", "-n"],
        &["generations", "-n", "1"],
        &["compare", s.to_str().unwrap()],
    ];
    lines
        .iter()
        .map(|l| {
            let mut v: Vec<std::ffi::OsString> = l.iter().map(Into::into).collect();
            let twice = !matches!(l[0], "copy" | "decode" | "generations" | "compare");
            v.push(s.into());
            if twice {
                v.push(s.into());
            }
            v
        })
        .collect()
}

/// A write to standard output that fails for any reason but a closed pipe (here a full
/// disk) is one line and exit code 1, never a panic or a silent success.
#[test]
fn a_full_disk_on_standard_output_is_an_error() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("skipped: no /dev/full");
        return;
    };
    let s = sample();
    for args in stdout_writers(&s) {
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("jtool"))
            .args(&args)
            .stdout(full.try_clone().unwrap())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains("No space left on device"), "{args:?}: {err}");
    }
    // A message that cannot be written (standard error full) is no panic either.
    let d = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("jtool"))
        .args(["copy", "no-such-file.jpg"])
        .arg(d.path().join("o.jpg"))
        .stderr(full)
        .status()
        .unwrap();
    assert_eq!(out.code(), Some(1));
}

#[test]
fn inspect_text_and_json() {
    let r = jtool().arg("inspect").arg(sample()).assert().success();
    let text = String::from_utf8_lossy(&r.get_output().stdout).into_owned();
    assert!(text.contains("SOF0"), "{text}");
    let r = jtool()
        .args(["inspect", "--json"])
        .arg(sample())
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&r.get_output().stdout).unwrap();
    assert!(v.is_object());
    let r = jtool()
        .args(["inspect", "--json"])
        .arg(sample())
        .arg(testdata_dir().join("gray_q90_67x45.jpg"))
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&r.get_output().stdout).unwrap();
    assert_eq!(v.as_array().map(|a| a.len()), Some(2));
}

/// Every malformed corpus file through `copy`, `rotate 90` and `crop`: exit 0 with an
/// output, or exit 1 with one line on stderr and no output file; never a crash, never slow.
#[test]
fn malformed_corpus_through_the_cli() {
    for cmd in [
        &["copy"][..],
        &["rotate", "90"],
        &["crop", "--geometry", "16x16+8+8"],
    ] {
        malformed_through(cmd);
    }
}

fn malformed_through(cmd: &[&str]) {
    let Some(c) = corpus_dir() else { return };
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out.jpg");
    let (mut ok, mut failed) = (0, 0);
    for f in jpegs_in(&c.join("malformed")) {
        let t = Instant::now();
        let r = jtool()
            .args(cmd)
            .arg(&f)
            .arg(&out)
            .timeout(Duration::from_secs(20))
            .output()
            .unwrap();
        let elapsed = t.elapsed();
        assert!(
            elapsed < Duration::from_secs(10),
            "{}: took {elapsed:?}",
            f.display()
        );
        let err = String::from_utf8_lossy(&r.stderr).into_owned();
        match r.status.code() {
            Some(0) => {
                assert!(out.exists(), "{}", f.display());
                std::fs::remove_file(&out).unwrap();
                ok += 1;
            }
            Some(1) => {
                assert!(!out.exists(), "{}: partial output left", f.display());
                let last = err.lines().last().unwrap_or("");
                assert!(last.starts_with("jtool: "), "{}: {err}", f.display());
                assert!(!err.contains("panicked"), "{}: {err}", f.display());
                failed += 1;
            }
            other => panic!("{}: exit {other:?}: {err}", f.display()),
        }
        assert_eq!(files_in(d.path()).len(), 0, "{}: stray files", f.display());
    }
    println!("malformed corpus through {cmd:?}: {ok} written (with warnings), {failed} refused with an error");
}

fn predicates_contains(s: &'static str) -> impl predicates::Predicate<[u8]> {
    use predicates::str::PredicateStrExt;
    predicates::str::contains(s).from_utf8()
}

/// Every long option that `--help` of a subcommand lists is documented in the man page
/// and the README.
#[test]
fn man_page_and_readme_document_every_flag() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let man = std::fs::read_to_string(root.join("man/jtool.1"))
        .unwrap()
        .replace("\\-", "-");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    for sub in [
        "copy",
        "inspect",
        "crop",
        "wipe",
        "drop",
        "rotate",
        "flip",
        "transpose",
        "transverse",
        "auto-orient",
        "grayscale",
        "transform",
        "strip",
        "comment",
        "orientation",
        "verify",
        "decode",
        "encode",
        "compare",
        "requantize",
        "generations",
    ] {
        let r = jtool().args([sub, "--help"]).assert().success();
        let help = String::from_utf8_lossy(&r.get_output().stdout).into_owned();
        for word in help.split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']') {
            let Some(flag) = word.strip_prefix("--") else {
                continue;
            };
            let flag: String = flag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            if flag.is_empty() || flag == "help" || flag == "version" {
                continue;
            }
            assert!(
                man.contains(&format!("--{flag}")),
                "man/jtool.1 lacks --{flag} ({sub})"
            );
            assert!(
                readme.contains(&format!("--{flag}")),
                "README.md lacks --{flag} ({sub})"
            );
        }
    }
}

/// The pixel path from the command line: decode equals djpeg, encode equals cjpeg.
#[test]
fn decode_and_encode_match_the_reference_tools() {
    let d = tempfile::tempdir().unwrap();
    let ppm = d.path().join("a.ppm");
    jtool()
        .arg("decode")
        .arg(sample())
        .arg(&ppm)
        .assert()
        .success()
        .stderr("");
    if let Some(dj) = tool("djpeg") {
        assert_eq!(
            djpeg(&dj, &std::fs::read(sample()).unwrap()).unwrap(),
            std::fs::read(&ppm).unwrap()
        );
    }
    let png = d.path().join("a.png");
    jtool()
        .arg("decode")
        .arg(sample())
        .arg(&png)
        .assert()
        .success();
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    let jpg = d.path().join("e.jpg");
    jtool()
        .args(["encode", "-q", "85"])
        .arg(testdata_dir().join("src_67x45.ppm"))
        .arg(&jpg)
        .assert()
        .success();
    if let (Some(cj), Some(dj)) = (tool("cjpeg"), tool("djpeg")) {
        let src = std::fs::read(testdata_dir().join("src_67x45.ppm")).unwrap();
        let (_, theirs, _) = run_with_stdin(&cj, &["-quality", "85", "-dct", "int"], &src);
        assert_eq!(
            djpeg(&dj, &theirs),
            djpeg(&dj, &std::fs::read(&jpg).unwrap())
        );
    }
    jtool()
        .args(["encode", "--sampling", "9"])
        .arg(&ppm)
        .arg(&jpg)
        .assert()
        .code(2);
}

/// cjpeg's colour, table and sampling options through the command line: the same file
/// as cjpeg with the same options; bad values are usage errors (exit 2), a table slot
/// no table fills is the file's error (exit 1), and no output is left behind.
#[test]
fn encode_takes_cjpegs_table_and_sampling_options() {
    let d = tempfile::tempdir().unwrap();
    let src = testdata_dir().join("src_67x45.ppm");
    let qt = d.path().join("t.txt");
    let mut text = String::from("# one table\n");
    for i in 0..64 {
        text.push_str(&format!("{} ", 1 + i * 5));
    }
    std::fs::write(&qt, text).unwrap();
    let qt_arg = qt.to_str().unwrap();
    let cases: [&[&str]; 4] = [
        &["--rgb", "--standard-huffman"],
        &[
            "--sampling",
            "4x1,1x1,1x1",
            "--standard-huffman",
            "--restart",
            "2",
        ],
        &["-q", "90,20", "--standard-huffman"],
        &[
            "-q",
            "50",
            "--qtables",
            qt_arg,
            "--qslots",
            "0",
            "--standard-huffman",
        ],
    ];
    let cjpeg_args: [&[&str]; 4] = [
        &["-rgb"],
        &["-sample", "4x1,1x1,1x1", "-restart", "2"],
        &["-quality", "90,20"],
        &["-quality", "50", "-qtables", qt_arg, "-qslots", "0"],
    ];
    let out = d.path().join("o.jpg");
    for (args, theirs) in cases.iter().zip(cjpeg_args) {
        jtool()
            .arg("encode")
            .args(*args)
            .arg(&src)
            .arg(&out)
            .assert()
            .success()
            .stderr("");
        if let Some(cj) = tool("cjpeg") {
            let input = std::fs::read(&src).unwrap();
            let mut all = vec!["-dct", "int"];
            all.extend_from_slice(theirs);
            let (code, expected, err) = run_with_stdin(&cj, &all, &input);
            assert_eq!(code, 0, "{err}");
            assert!(std::fs::read(&out).unwrap() == expected, "{args:?}");
        }
    }
    std::fs::remove_file(&out).unwrap();
    for bad in [
        &["--sampling", "5x1"][..],
        &["--sampling", "2x2,1x1,1x1,1x1"],
        &["-q", "101"],
        &["-q", "90,"],
        &["--qslots", "4"],
        &["--rgb", "--grayscale"],
        &["--qtables", "/nonexistent/t.txt"],
    ] {
        jtool()
            .arg("encode")
            .args(bad)
            .arg(&src)
            .arg(&out)
            .assert()
            .code(2);
    }
    jtool()
        .args(["encode", "--qtables", qt_arg, "--qslots", "0,1,2"])
        .arg(&src)
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "quantization table 2 was not defined",
        ));
    jtool()
        .args(["encode", "--sampling", "3x1,2x1"])
        .arg(&src)
        .arg(&out)
        .assert()
        .code(1);
    assert!(!out.exists());
}

/// BMP through the command line: `decode` picks it from the extension (or --format
/// bmp/os2), `encode` reads it back, and the round trip equals djpeg -bmp | cjpeg.
#[test]
fn bmp_files_in_and_out() {
    let d = tempfile::tempdir().unwrap();
    let bmp = d.path().join("a.bmp");
    jtool()
        .arg("decode")
        .arg(sample())
        .arg(&bmp)
        .assert()
        .success()
        .stderr("");
    let bytes = std::fs::read(&bmp).unwrap();
    assert!(bytes.starts_with(b"BM"));
    let os2 = d.path().join("b.img");
    jtool()
        .args(["decode", "--format", "os2"])
        .arg(sample())
        .arg(&os2)
        .assert()
        .success();
    assert_eq!(std::fs::read(&os2).unwrap()[14], 12);
    let jpg = d.path().join("c.jpg");
    jtool()
        .args(["encode", "--standard-huffman"])
        .arg(&bmp)
        .arg(&jpg)
        .assert()
        .success();
    if let (Some(dj), Some(cj)) = (tool("djpeg"), tool("cjpeg")) {
        let (_, theirs_bmp, _) = run_with_stdin(&dj, &["-bmp"], &std::fs::read(sample()).unwrap());
        assert_eq!(bytes, theirs_bmp);
        let (_, theirs, _) = run_with_stdin(&cj, &[], &theirs_bmp);
        assert_eq!(std::fs::read(&jpg).unwrap(), theirs);
    }
}

/// `requantize --size`: a percentage of the input gives a file at most that large; bad
/// values and combinations are usage errors.
#[test]
fn requantize_to_a_size_target() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("s.jpg");
    jtool()
        .args(["requantize", "--size", "60%"])
        .arg(sample())
        .arg(&out)
        .assert()
        .success()
        .stderr("");
    let input = std::fs::metadata(sample()).unwrap().len();
    assert!(std::fs::metadata(&out).unwrap().len() <= input * 60 / 100);
    for bad in [
        &["--size", "0"][..],
        &["--size", "100%"],
        &["--size", "x"],
        &["--size", "5", "--quality", "50"],
    ] {
        jtool()
            .arg("requantize")
            .args(bad)
            .arg(sample())
            .arg(d.path().join("bad.jpg"))
            .assert()
            .code(2);
    }
}

/// `--only-smaller` (copy, requantize): an output that would not be smaller is the
/// input's bytes, and with --in-place the input is not touched (times included); a
/// smaller output is written as usual.
#[test]
fn only_smaller_never_grows_a_file() {
    use std::time::{Duration, SystemTime};
    let d = tempfile::tempdir().unwrap();
    let input = std::fs::read(sample()).unwrap();
    let out = d.path().join("o.jpg");
    // The sample has the standard tables: a standard-table copy is not smaller.
    jtool()
        .args(["copy", "--standard-huffman", "--only-smaller"])
        .arg(sample())
        .arg(&out)
        .assert()
        .success()
        .stderr("");
    assert_eq!(std::fs::read(&out).unwrap(), input);
    jtool()
        .args(["copy", "--only-smaller"])
        .arg(sample())
        .arg(&out)
        .assert()
        .success();
    assert!(std::fs::read(&out).unwrap().len() < input.len());
    let a = d.path().join("a.jpg");
    std::fs::write(&a, &input).unwrap();
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(981_173_106);
    let t = std::fs::FileTimes::new().set_modified(old);
    std::fs::File::options()
        .write(true)
        .open(&a)
        .unwrap()
        .set_times(t)
        .unwrap();
    jtool()
        .args([
            "requantize",
            "--quality",
            "100",
            "--only-smaller",
            "--in-place",
        ])
        .arg(&a)
        .assert()
        .success();
    assert_eq!(std::fs::read(&a).unwrap(), input);
    assert_eq!(std::fs::metadata(&a).unwrap().modified().unwrap(), old);
}

/// `--min-saving`, `--dry-run`, `--no-clobber` and `--keep` on copy: a saving below the
/// margin keeps the input, a dry run writes nothing, an existing output is not replaced,
/// and the metadata kept is the list's.
#[test]
fn saving_margin_dry_run_no_clobber_and_keep_list() {
    let d = tempfile::tempdir().unwrap();
    let input = std::fs::read(sample()).unwrap();
    let out = d.path().join("o.jpg");
    jtool()
        .args(["copy", "--min-saving", "99"])
        .arg(sample())
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(&out).unwrap(),
        input,
        "kept: the saving is under 99%"
    );
    std::fs::remove_file(&out).unwrap();
    jtool()
        .args(["copy", "--dry-run"])
        .arg(sample())
        .arg(&out)
        .assert()
        .success();
    assert!(!out.exists(), "a dry run writes nothing");
    std::fs::write(&out, b"old").unwrap();
    jtool()
        .args(["copy", "--no-clobber"])
        .arg(sample())
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("exists"));
    assert_eq!(std::fs::read(&out).unwrap(), b"old");
    let meta = testdata_dir().join("meta_420_67x45.jpg");
    let kept = d.path().join("k.jpg");
    jtool()
        .args(["copy", "--keep", "comments"])
        .arg(&meta)
        .arg(&kept)
        .assert()
        .success();
    let file = std::fs::read(&kept).unwrap();
    let f = jtool::container::JpegFile::parse(&file).unwrap();
    let classes: Vec<_> = f.segments().map(jtool::container::classify).collect();
    use jtool::container::MetaClass;
    assert!(classes.contains(&MetaClass::Comment) && !classes.contains(&MetaClass::Exif));
    // --backup keeps the file replaced in place as FILE~.
    let a = d.path().join("a.jpg");
    std::fs::write(&a, &input).unwrap();
    jtool()
        .args(["rotate", "90", "--in-place", "--backup"])
        .arg(&a)
        .assert()
        .success();
    assert_eq!(std::fs::read(d.path().join("a.jpg~")).unwrap(), input);
    assert_ne!(std::fs::read(&a).unwrap(), input);
}

/// `--files-from LIST` adds the names listed (a file, or stdin; newlines, or NUL bytes
/// with `--null`, so that a name may hold a newline) to those on the command line;
/// writing commands need --in-place or --out-dir with it, and a list never names `-`.
#[test]
fn files_from_lists_the_inputs() {
    let d = tempfile::tempdir().unwrap();
    let names = ["a.jpg", "b c.jpg", "new\nline.jpg"];
    for n in names {
        std::fs::copy(sample(), d.path().join(n)).unwrap();
    }
    let expected = rotated_sample(d.path());
    let path = |n: &str| d.path().join(n).to_string_lossy().into_owned();
    // A list file, one name per line, after a name given on the command line.
    std::fs::write(
        d.path().join("list"),
        format!("{}\n\n{}\n", path("a.jpg"), path("b c.jpg")),
    )
    .unwrap();
    let out = d.path().join("out");
    std::fs::create_dir(&out).unwrap();
    jtool()
        .args(["rotate", "90", "--out-dir"])
        .arg(&out)
        .arg("--files-from")
        .arg(d.path().join("list"))
        .arg(sample())
        .assert()
        .success()
        .stdout("");
    for n in ["a.jpg", "b c.jpg", "meta_420_67x45.jpg"] {
        assert_eq!(std::fs::read(out.join(n)).unwrap(), expected, "{n}");
    }
    // NUL-separated from stdin, in place.
    let list: String = names.iter().map(|n| path(n) + "\0").collect();
    jtool()
        .args(["rotate", "90", "--in-place", "--files-from", "-", "--null"])
        .write_stdin(list.clone())
        .assert()
        .success();
    for n in names {
        assert_eq!(std::fs::read(d.path().join(n)).unwrap(), expected, "{n:?}");
    }
    // Reading commands take it alone; verify prints a line per listed file.
    let v = jtool()
        .args(["verify", "--files-from", "-", "--null"])
        .write_stdin(list)
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&v.get_output().stdout)
            .matches(": OK")
            .count(),
        3
    );
    let refused = |args: &[&str], stdin: &str, why: &str| {
        jtool()
            .args(args)
            .write_stdin(stdin.to_string())
            .assert()
            .code(2)
            .stderr(predicates::str::contains(why.to_string()));
    };
    let a = path("a.jpg") + "\n";
    refused(
        &["rotate", "90", "--files-from", "-"],
        &a,
        "--in-place or --out-dir",
    );
    refused(
        &["verify", "--files-from", "-"],
        "-\n",
        "not a file name in a list",
    );
    refused(
        &["compare", "--files-from", "-", "x", "y"],
        &a,
        "takes no list",
    );
    refused(&["verify", "--null", "x"], "", "--files-from");
}

/// `comment --edit` (jhead -ce) hands each file's first comment to $VISUAL or $EDITOR,
/// one file after another, and puts back what is saved: changed, emptied (removed), or
/// left as it was (the file untouched). An editor that fails fails the file; a stream
/// is refused, since the editor has the terminal.
#[test]
fn comment_edit_runs_the_editor() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = (d.path().join("a.jpg"), d.path().join("b.jpg"));
    std::fs::copy(sample(), &a).unwrap();
    std::fs::copy(sample(), &b).unwrap();
    let comments = |p: &Path| {
        let out = jtool().arg("comment").arg(p).output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(comments(&a), "made for jtool tests\n");
    let edit = |editor: &str| {
        let mut c = jtool();
        c.env("VISUAL", "").env("EDITOR", editor);
        c.args(["comment", "--edit", "--in-place"]);
        c
    };
    // The files in turn: the editor's log shows the order.
    let log = d.path().join("log");
    let script = format!(
        "sh -c 'echo \"$0\" >> {}; sed -i s/jtool/JTOOL/ \"$0\"'",
        log.display()
    );
    edit(&script).arg(&a).arg(&b).assert().success().stdout("");
    assert_eq!(comments(&a), "made for JTOOL tests\n");
    assert_eq!(comments(&b), "made for JTOOL tests\n");
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 2);
    let before = std::fs::read(&a).unwrap();
    edit("true").arg(&a).assert().success();
    assert_eq!(std::fs::read(&a).unwrap(), before);
    edit("false")
        .arg(&a)
        .assert()
        .failure()
        .code(1)
        .stderr(predicates::str::contains("the editor (false) failed"));
    edit("truncate -s 0").arg(&a).assert().success();
    assert_eq!(comments(&a), "");
    // jhead's -ce: the same, through jhead's command line.
    let mut c = jtool();
    c.env("VISUAL", "")
        .env("EDITOR", "sh -c 'printf \"from jhead\\n\" > \"$0\"'");
    c.args(["jhead", "-ce"]).arg(&a).assert().success();
    assert_eq!(comments(&a), "from jhead\n");
    edit("true").arg("-").assert().code(2);
    jtool()
        .args(["comment", "--edit"])
        .arg(&a)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--in-place"));
}

/// A file replaced by a new one renamed over it keeps its extended attributes (user
/// tags here; ACLs and SELinux labels are attributes too), as writing into it would:
/// after `--in-place`, on the `--backup` copy, and for an output file replaced.
#[cfg(target_os = "linux")]
#[test]
fn replaced_files_keep_their_extended_attributes() {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &std::path::Path| CString::new(p.as_os_str().as_bytes()).unwrap();
    let name = CString::new("user.tag").unwrap();
    let set = |p: &std::path::Path, v: &[u8]| {
        // SAFETY: NUL-terminated strings and a valid value buffer.
        unsafe { libc::setxattr(c(p).as_ptr(), name.as_ptr(), v.as_ptr().cast(), v.len(), 0) == 0 }
    };
    let get = |p: &std::path::Path| {
        let mut buf = [0u8; 64];
        // SAFETY: as above; `buf` is valid for its length.
        let n = unsafe {
            libc::getxattr(
                c(p).as_ptr(),
                name.as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
            )
        };
        (n >= 0).then(|| buf[..n as usize].to_vec())
    };
    let d = tempfile::tempdir().unwrap();
    let (a, out) = (d.path().join("a.jpg"), d.path().join("out.jpg"));
    std::fs::copy(sample(), &a).unwrap();
    std::fs::copy(sample(), &out).unwrap();
    if !set(&a, b"holiday") || !set(&out, b"print") {
        eprintln!("skipped: this file system keeps no user attributes");
        return;
    }
    jtool()
        .args(["rotate", "90", "--in-place", "--backup"])
        .arg(&a)
        .assert()
        .success();
    jtool()
        .args(["rotate", "180"])
        .arg(sample())
        .arg(&out)
        .assert()
        .success();
    assert_ne!(std::fs::read(&a).unwrap(), std::fs::read(sample()).unwrap());
    assert_eq!(get(&a).as_deref(), Some(&b"holiday"[..]));
    assert_eq!(
        get(&d.path().join("a.jpg~")).as_deref(),
        Some(&b"holiday"[..])
    );
    assert_eq!(get(&out).as_deref(), Some(&b"print"[..]));
}

/// `--in-place` renames a new file over the input (a hard link keeps the old bytes);
/// `--keep-inode` writes into the input itself, so every link sees the output; a
/// failing operation leaves the file as it was.
#[test]
fn keep_inode_writes_into_the_file_and_its_links() {
    use std::os::unix::fs::MetadataExt;
    let d = tempfile::tempdir().unwrap();
    let input = std::fs::read(sample()).unwrap();
    let expected = rotated_sample(d.path());
    assert!(expected.len() != input.len());
    let (a, link) = (d.path().join("a.jpg"), d.path().join("link.jpg"));
    std::fs::write(&a, &input).unwrap();
    std::fs::hard_link(&a, &link).unwrap();
    let inode = std::fs::metadata(&a).unwrap().ino();
    jtool()
        .args(["rotate", "90", "--in-place", "--keep-inode"])
        .arg(&a)
        .assert()
        .success()
        .stderr("");
    assert_eq!(std::fs::metadata(&a).unwrap().ino(), inode);
    assert_eq!(std::fs::read(&a).unwrap(), expected);
    assert_eq!(std::fs::read(&link).unwrap(), expected);
    // A shorter output, through the other name: the file is cut to its length.
    let back = {
        let out = d.path().join("back.jpg");
        jtool()
            .args(["strip", "--keep", "none"])
            .arg(&a)
            .arg(&out)
            .assert()
            .success();
        std::fs::read(out).unwrap()
    };
    assert!(back.len() < expected.len());
    jtool()
        .args(["strip", "--keep", "none", "--in-place", "--keep-inode"])
        .arg(&link)
        .assert()
        .success();
    assert_eq!(std::fs::read(&a).unwrap(), back);
    // A damaged file is refused and left alone.
    let bad = d.path().join("bad.jpg");
    std::fs::write(&bad, &input[..input.len() / 3]).unwrap();
    let before = std::fs::read(&bad).unwrap();
    jtool()
        .args(["--strict", "rotate", "90", "--in-place", "--keep-inode"])
        .arg(&bad)
        .assert()
        .failure();
    assert_eq!(std::fs::read(&bad).unwrap(), before);
    // Without it, the link keeps the old file.
    jtool()
        .args(["rotate", "90", "--in-place"])
        .arg(&a)
        .assert()
        .success();
    assert_ne!(std::fs::metadata(&a).unwrap().ino(), inode);
    assert_eq!(std::fs::read(&link).unwrap(), back);
    // It needs --in-place, and a JPEG output (decode streams pixels into a new file).
    jtool()
        .args(["rotate", "90", "--keep-inode"])
        .arg(&a)
        .arg(d.path().join("o.jpg"))
        .assert()
        .code(2);
    jtool()
        .args(["decode", "--in-place", "--keep-inode"])
        .arg(&a)
        .assert()
        .code(2);
    assert_eq!(std::fs::read(&link).unwrap(), back);
}

/// Two names of one file (hard links) given together are one file: with `--keep-inode`
/// on two workers it is turned twice, one job after the other, never read while the
/// other job writes it.
#[test]
fn hard_links_given_together_are_processed_in_turn() {
    let d = tempfile::tempdir().unwrap();
    // Noise, so that the file is large enough (over 32 KiB) to be given several workers.
    let img = synthetic(256, 256, 3, 7);
    let mut ppm = b"P6 256 256 255\n".to_vec();
    ppm.extend(&img.data);
    let (src, f, link) = (
        d.path().join("n.ppm"),
        d.path().join("f.jpg"),
        d.path().join("l.jpg"),
    );
    std::fs::write(&src, &ppm).unwrap();
    jtool()
        .args(["encode", "-q", "95"])
        .arg(&src)
        .arg(&f)
        .assert()
        .success();
    assert!(std::fs::metadata(&f).unwrap().len() > 32 << 10);
    let half = d.path().join("half.jpg");
    jtool()
        .args(["rotate", "180"])
        .arg(&f)
        .arg(&half)
        .assert()
        .success();
    std::fs::hard_link(&f, &link).unwrap();
    jtool()
        .args(["rotate", "90", "-j", "2", "--in-place", "--keep-inode"])
        .arg(&f)
        .arg(&link)
        .assert()
        .success();
    let (a, b) = (std::fs::read(&f).unwrap(), std::fs::read(&half).unwrap());
    let hash = |x: &[u8]| jtool::pipeline::inspect_full(x).unwrap().coefficient_hash;
    assert!(hash(&a).is_some());
    assert_eq!(hash(&a), hash(&b));
}

/// `comment` and `orientation` from the command line: show, change in place, and the
/// usage errors (a bad value, output options when only showing) and file errors (no tag).
#[test]
fn comment_and_orientation_commands() {
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join("a.jpg");
    std::fs::copy(sample(), &a).unwrap();
    jtool()
        .args(["comment", "--replace", "--add", "one\\two", "--in-place"])
        .arg(&a)
        .assert()
        .success()
        .stderr("");
    jtool()
        .arg("comment")
        .arg(&a)
        .assert()
        .success()
        .stdout("one\\\\two\n");
    jtool()
        .arg("orientation")
        .arg(&a)
        .assert()
        .success()
        .stdout("6\n");
    jtool()
        .args(["orientation", "--set", "1", "--in-place"])
        .arg(&a)
        .assert()
        .success();
    jtool()
        .arg("orientation")
        .arg(&a)
        .arg(&a)
        .assert()
        .success()
        .stdout(format!("{0}:\n1\n{0}:\n1\n", a.display()));
    let bare = d.path().join("bare.jpg");
    jtool()
        .args(["strip", "--keep", "none"])
        .arg(&a)
        .arg(&bare)
        .assert()
        .success();
    jtool()
        .arg("orientation")
        .arg(&bare)
        .assert()
        .success()
        .stdout("");
    // A file without the tag gets it (as exiftool -Orientation=3 adds it).
    jtool()
        .args(["orientation", "--set", "3"])
        .arg(&bare)
        .arg(d.path().join("x.jpg"))
        .assert()
        .success();
    jtool()
        .arg("orientation")
        .arg(d.path().join("x.jpg"))
        .assert()
        .success()
        .stdout("3\n");
    jtool()
        .args(["orientation", "--set", "9"])
        .arg(&a)
        .arg(d.path().join("y.jpg"))
        .assert()
        .code(2);
    jtool()
        .args(["comment", "--in-place"])
        .arg(&a)
        .assert()
        .code(2);
}

/// `--preserve-times` (`-p`) gives outputs the input's access and modification times,
/// also with `--in-place`, `--out-dir` and pixel output; without it an output is new.
#[test]
fn preserve_times_keeps_the_input_times() {
    use std::time::{Duration, SystemTime};
    let d = tempfile::tempdir().unwrap();
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(981_173_106);
    let a = d.path().join("a.jpg");
    std::fs::copy(sample(), &a).unwrap();
    let set = |p: &Path| {
        let t = std::fs::FileTimes::new()
            .set_accessed(old)
            .set_modified(old);
        std::fs::File::open(p).unwrap().set_times(t).unwrap();
    };
    let modified = |p: &Path| std::fs::metadata(p).unwrap().modified().unwrap();
    set(&a);
    let out = d.path().join("out");
    std::fs::create_dir(&out).unwrap();
    for (args, dest) in [
        (vec!["rotate", "90", "-p"], Some(d.path().join("r.jpg"))),
        (
            vec!["decode", "--preserve-times"],
            Some(d.path().join("r.ppm")),
        ),
        (vec!["copy", "-p", "--out-dir", out.to_str().unwrap()], None),
    ] {
        jtool().args(&args).arg(&a).args(&dest).assert().success();
        let dest = dest.unwrap_or_else(|| out.join("a.jpg"));
        assert_eq!(modified(&dest), old, "{args:?}");
    }
    jtool()
        .args(["rotate", "90"])
        .arg(&a)
        .arg(d.path().join("n.jpg"))
        .assert()
        .success();
    assert!(modified(&d.path().join("n.jpg")) > old);
    let before = std::fs::read(&a).unwrap();
    jtool()
        .args(["flip", "h", "--in-place", "-p"])
        .arg(&a)
        .assert()
        .success();
    assert_ne!(std::fs::read(&a).unwrap(), before);
    assert_eq!(modified(&a), old);
}

/// Scaled and grayscale decoding from the command line, as djpeg's `-scale` and
/// `-grayscale`; a scale above 2/1 is a usage error.
#[test]
fn decode_scaled_and_grayscale() {
    let d = tempfile::tempdir().unwrap();
    let jpeg = std::fs::read(sample()).unwrap();
    for (flags, theirs) in [
        (vec!["--scale", "1/8"], vec!["-scale", "1/8"]),
        // djpeg rounds 1/5 up to 2/8, 1/3 to 3/8.
        (vec!["--scale", "1/5"], vec!["-scale", "1/5"]),
        (vec!["--scale", "1/3"], vec!["-scale", "1/3"]),
        (vec!["--scale", "13/8"], vec!["-scale", "13/8"]),
        (
            vec!["--scale", "1/2", "--grayscale"],
            vec!["-scale", "1/2", "-grayscale"],
        ),
        (vec!["--grayscale"], vec!["-grayscale"]),
        (vec!["--crop", "20x9+13+7"], vec!["-crop", "20x9+13+7"]),
        (
            vec!["--scale", "1/2", "--crop", "5x5+3+2"],
            vec!["-scale", "1/2", "-crop", "5x5+3+2"],
        ),
    ] {
        let out = d.path().join("s.pnm");
        jtool()
            .arg("decode")
            .args(&flags)
            .arg(sample())
            .arg(&out)
            .assert()
            .success()
            .stderr("");
        let ours = std::fs::read(&out).unwrap();
        let header = String::from_utf8_lossy(&ours[..12]).to_string();
        if flags.contains(&"--grayscale") {
            assert!(header.starts_with("P5"), "{header}");
        }
        if let Some(dj) = tool("djpeg") {
            let mut args = vec!["-dct", "int"];
            args.extend(&theirs);
            let (code, expected, _) = run_with_stdin(&dj, &args, &jpeg);
            assert_eq!(code, 0);
            assert!(expected == ours, "{flags:?} differs from djpeg {theirs:?}");
        }
    }
    for bad in ["17/8", "3/1", "0/1", "x"] {
        jtool()
            .args(["decode", "--scale", bad])
            .arg(sample())
            .arg(d.path().join("bad.ppm"))
            .assert()
            .code(2)
            .stderr(predicates_contains("--scale"));
        assert!(!d.path().join("bad.ppm").exists());
    }
    // A malformed region is a usage error; one outside the image is the file's error.
    for bad in ["0x5+0+0", "5x5+1", "5x5-1+0"] {
        jtool()
            .args(["decode", "--crop", bad])
            .arg(sample())
            .arg(d.path().join("bad.ppm"))
            .assert()
            .code(2);
    }
    jtool()
        .args(["decode", "--crop", "60x10+10+0"])
        .arg(sample())
        .arg(d.path().join("bad.ppm"))
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "does not lie inside the 67x45 output",
        ));
    assert!(!d.path().join("bad.ppm").exists());
}

/// The lab from the command line: a lossless rotation is recognised as such, and the
/// coefficient path of `generations` is identical from generation 1.
#[test]
fn compare_and_generations() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path().join("r.jpg");
    jtool()
        .args(["rotate", "90"])
        .arg(sample())
        .arg(&r)
        .assert()
        .success();
    let out = jtool()
        .args(["compare", "--json"])
        .arg(sample())
        .arg(&r)
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains("lossless") || text.contains("Lossless"),
        "{text}"
    );
    let g = jtool()
        .args([
            "generations",
            "-n",
            "3",
            "--same-tables",
            "--path",
            "coefficients",
            "--json",
        ])
        .arg(testdata_dir().join("baseline_420_q85_67x45.jpg"))
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&g.get_output().stdout).unwrap();
    assert!(v.is_object() || v.is_array());
    let q = d.path().join("q.jpg");
    jtool()
        .args(["requantize", "--quality", "50"])
        .arg(sample())
        .arg(&q)
        .assert()
        .success();
    jtool()
        .args(["requantize", "--quality", "50", "--via-pixels"])
        .arg(sample())
        .arg(&q)
        .assert()
        .success();
}

/// `--jobs`: several files on worker threads give the same files, the same messages in
/// the same (input) order and the same exit code as one at a time.
#[test]
fn parallel_jobs_match_sequential_output_and_order() {
    let d = tempfile::tempdir().unwrap();
    let mut inputs = Vec::new();
    for (i, name) in [
        "gray_q90_67x45.jpg",
        "prog_420_q75_67x45.jpg",
        "baseline_420_q85_67x45.jpg",
        "rst1row_422_q80_67x45.jpg",
        "sub411_q80_67x45.jpg",
        "opt_444_q90_67x45.jpg",
    ]
    .iter()
    .enumerate()
    {
        inputs.push(testdata_dir().join(name));
        // A broken file after each good one: one error line each, in input order.
        let bad = d.path().join(format!("bad{i}.jpg"));
        std::fs::write(&bad, b"\xFF\xD8\xFF\xDB\x00").unwrap();
        inputs.push(bad);
    }
    let run = |jobs: &str| {
        let out = d.path().join(format!("out{jobs}"));
        std::fs::create_dir(&out).unwrap();
        let r = jtool()
            .args(["-v", "-j", jobs, "rotate", "90", "--out-dir"])
            .arg(&out)
            .args(&inputs)
            .assert()
            .code(1);
        let err = String::from_utf8_lossy(&r.get_output().stderr).into_owned();
        let files: Vec<(String, Vec<u8>)> = files_in(&out)
            .into_iter()
            .map(|f| {
                let b = std::fs::read(out.join(&f)).unwrap();
                (f, b)
            })
            .collect();
        (err, files)
    };
    let (err1, files1) = run("1");
    let (err4, files4) = run("4");
    assert_eq!(files1.len(), 6);
    assert_eq!(files1, files4);
    // Paths differ only in the output directory name, which no message names.
    assert_eq!(err1, err4);
    let names: Vec<&str> = err1
        .lines()
        .map(|l| l.split(": ").nth(1).unwrap_or(""))
        .collect();
    let want: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
    assert_eq!(names, want, "one line per input, in input order: {err1}");
}

/// `verify -j`: the same lines, in the order the files were given.
#[test]
fn parallel_verify_keeps_input_order() {
    let d = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for name in [
        "gray_q90_67x45.jpg",
        "prog_420_q75_67x45.jpg",
        "baseline_420_q85_67x45.jpg",
        "rst1row_422_q80_67x45.jpg",
    ] {
        let data = std::fs::read(testdata_dir().join(name)).unwrap();
        let good = d.path().join(name);
        std::fs::write(&good, &data).unwrap();
        let cut = d.path().join(format!("cut_{name}"));
        std::fs::write(&cut, &data[..data.len() * 2 / 3]).unwrap();
        files.push(good);
        files.push(cut);
    }
    let run = |jobs: &str| {
        let r = jtool()
            .args(["-j", jobs, "verify"])
            .args(&files)
            .assert()
            .code(1);
        String::from_utf8_lossy(&r.get_output().stdout).into_owned()
    };
    let one = run("1");
    assert_eq!(one, run("3"));
    let names: Vec<&str> = one.lines().map(|l| l.split(": ").next().unwrap()).collect();
    let want: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    assert_eq!(names, want, "{one}");
}

/// `requantize --max --quality Q --in-place`: finer files come down to Q, coarser ones
/// are only copied (their coefficients unchanged), as `jpegoptim --max`.
#[test]
fn requantize_max_only_lowers_finer_files() {
    let d = tempfile::tempdir().unwrap();
    let coarse = d.path().join("q75.jpg");
    let fine = d.path().join("q90.jpg");
    std::fs::copy(testdata_dir().join("prog_420_q75_67x45.jpg"), &coarse).unwrap();
    std::fs::copy(testdata_dir().join("opt_444_q90_67x45.jpg"), &fine).unwrap();
    let before = std::fs::read(&coarse).unwrap();
    jtool()
        .args(["requantize", "--max", "--quality", "85", "--in-place"])
        .arg(&coarse)
        .arg(&fine)
        .assert()
        .success()
        .stdout("")
        .stderr("");
    let q = |p: &Path| {
        let r = jtool::inspect::inspect(&std::fs::read(p).unwrap()).unwrap();
        r.quality.unwrap().quality
    };
    assert_eq!(q(&fine), 85);
    assert_eq!(q(&coarse), 75);
    let hash = |b: &[u8]| {
        jtool::pipeline::inspect_full_with(b, &Default::default())
            .unwrap()
            .coefficient_hash
    };
    assert_eq!(hash(&std::fs::read(&coarse).unwrap()), hash(&before));
    assert_eq!(files_in(d.path()), vec!["q75.jpg", "q90.jpg"]);
}

/// The lab commands honour `--max-pixels` like the rest.
#[test]
fn lab_commands_honour_the_pixel_limit() {
    let f = testdata_dir().join("baseline_420_q85_67x45.jpg");
    for args in [
        vec!["generations", "-n", "2"],
        vec!["compare"],
        vec!["requantize", "--quality", "50"],
    ] {
        let mut c = jtool();
        c.args(["--max-pixels", "100"]).args(&args).arg(&f);
        if args[0] == "compare" {
            c.arg(&f);
        }
        let r = c.assert().code(1);
        let err = String::from_utf8_lossy(&r.get_output().stderr).into_owned();
        assert!(err.contains("pixel limit"), "{args:?}: {err}");
    }
}

/// `--max-scans` (jpegtran -maxscans) refuses files with more scans, in every command
/// that decodes them, and lets the rest through.
#[test]
fn max_scans_limits_every_command() {
    let d = tempfile::tempdir().unwrap();
    let f = testdata_dir().join("prog_420_q75_67x45.jpg");
    let out = d.path().join("out.jpg");
    for args in [
        vec!["copy"],
        vec!["rotate", "90"],
        vec!["verify"],
        vec!["generations", "-n", "1"],
    ] {
        let mut c = jtool();
        c.args(["--max-scans", "3"]).args(&args).arg(&f);
        if args[0] == "copy" || args[0] == "rotate" {
            c.arg(&out);
        }
        let r = c.assert().code(1);
        let o = r.get_output();
        // verify reports on standard output, the others on standard error.
        let msg = String::from_utf8_lossy(&[o.stdout.as_slice(), &o.stderr].concat()).into_owned();
        assert!(msg.contains("more than 3 scans"), "{args:?}: {msg}");
        assert!(!out.exists());
    }
    jtool()
        .args(["--max-scans", "20", "copy"])
        .arg(&f)
        .arg(&out)
        .assert()
        .success();
}

/// strip keeps the data after EOI and warns when it is a JPEG with metadata of its own;
/// `--drop-trailer` removes it, silently.
#[test]
fn strip_warns_about_metadata_after_eoi_and_drops_it_on_request() {
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("in.jpg");
    let mut data = std::fs::read(testdata_dir().join("baseline_420_q85_67x45.jpg")).unwrap();
    data.extend(std::fs::read(sample()).unwrap());
    std::fs::write(&input, &data).unwrap();
    let kept = d.path().join("kept.jpg");
    let out = jtool()
        .args(["strip", "--keep", "none"])
        .arg(&input)
        .arg(&kept)
        .assert()
        .success()
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--drop-trailer"), "{err}");
    assert!(std::fs::read(&kept)
        .unwrap()
        .ends_with(b"TRAILER-DATA-AFTER-EOI"));
    let dropped = d.path().join("dropped.jpg");
    jtool()
        .args(["strip", "--keep", "none", "--drop-trailer"])
        .arg(&input)
        .arg(&dropped)
        .assert()
        .success()
        .stderr("");
    assert!(std::fs::read(&dropped).unwrap().ends_with(&[0xFF, 0xD9]));
}

/// `jtool encode ENCODE SRC OUT`, silent, and the same bytes as `jtool cjpeg CJPEG`
/// (written beside OUT); returns them.
fn encode_as_cjpeg(src: &Path, out: &Path, encode: &[&str], cjpeg: &[&str]) -> Vec<u8> {
    jtool()
        .arg("encode")
        .args(encode)
        .arg(src)
        .arg(out)
        .assert()
        .success()
        .stderr("");
    let theirs = out.with_extension("cjpeg.jpg");
    jtool()
        .arg("cjpeg")
        .args(cjpeg)
        .arg("-outfile")
        .arg(&theirs)
        .arg(src)
        .assert()
        .success();
    let ours = std::fs::read(out).unwrap();
    assert_eq!(ours, std::fs::read(&theirs).unwrap(), "{encode:?}");
    ours
}

/// 12-bit samples end to end: `encode --precision 12` (and cjpeg's `-precision 12`),
/// a lossless rotation that stays 12-bit, `verify`, and `decode` to 16-bit PNM and PNG;
/// BMP, which holds 8-bit samples, is refused without leaving a file.
#[test]
fn twelve_bit_files_end_to_end() {
    let d = tempfile::tempdir().unwrap();
    let p = |n: &str| d.path().join(n);
    let src = testdata_dir().join("src_67x45.ppm");
    let a = encode_as_cjpeg(
        &src,
        &p("a.jpg"),
        &["--precision", "12", "-q", "85"],
        &["-precision", "12", "-quality", "85"],
    );
    // SOF1 with P = 12.
    let sof = a.windows(2).position(|w| w == [0xFF, 0xC1]).unwrap();
    assert_eq!(a[sof + 4], 12);
    jtool()
        .args(["rotate", "90"])
        .arg(p("a.jpg"))
        .arg(p("r.jpg"))
        .assert()
        .success();
    jtool().arg("verify").arg(p("r.jpg")).assert().success();
    jtool()
        .arg("decode")
        .arg(p("r.jpg"))
        .arg(p("r.ppm"))
        .assert()
        .success();
    let ppm = std::fs::read(p("r.ppm")).unwrap();
    assert!(ppm.starts_with(b"P6\n45 67\n4095\n"));
    assert_eq!(ppm.len(), "P6\n45 67\n4095\n".len() + 45 * 67 * 3 * 2);
    jtool()
        .arg("decode")
        .arg(p("r.jpg"))
        .arg(p("r.png"))
        .assert()
        .success();
    assert_eq!(std::fs::read(p("r.png")).unwrap()[24], 16, "PNG bit depth");
    jtool()
        .arg("decode")
        .arg(p("r.jpg"))
        .arg(p("r.bmp"))
        .assert()
        .code(1)
        .stderr(predicates::str::contains("BMP file holds 8-bit samples"));
    assert!(!p("r.bmp").exists());
}

/// Lossless JPEG end to end: `encode --lossless` (and cjpeg's `-lossless`) gives back
/// every sample through `decode`; `jtool jpegtran -rotate 90` twice and `-flip` twice
/// keep them; flags a lossless file cannot have are usage errors.
#[test]
fn lossless_files_end_to_end() {
    let d = tempfile::tempdir().unwrap();
    let p = |n: &str| d.path().join(n);
    let src = testdata_dir().join("src_67x45.ppm");
    encode_as_cjpeg(&src, &p("a.jpg"), &["--lossless", "6"], &["-lossless", "6"]);
    let turn = |args: &[&str], from: &str, to: &str| {
        jtool()
            .arg("jpegtran")
            .args(args)
            .arg("-outfile")
            .arg(p(to))
            .arg(p(from))
            .assert()
            .success();
    };
    turn(&["-rotate", "90"], "a.jpg", "r1.jpg");
    turn(&["-rotate", "270"], "r1.jpg", "r2.jpg");
    turn(&["-flip", "vertical"], "r2.jpg", "r3.jpg");
    turn(&["-flip", "vertical"], "r3.jpg", "r4.jpg");
    jtool()
        .arg("decode")
        .arg(p("r4.jpg"))
        .arg(p("out.ppm"))
        .assert()
        .success();
    assert_eq!(
        std::fs::read(p("out.ppm")).unwrap(),
        std::fs::read(&src).unwrap()
    );
    jtool().arg("verify").arg(p("r1.jpg")).assert().success();
    for bad in [
        &["--progressive"][..],
        &["--sampling", "420"],
        &["--dct", "fast"],
    ] {
        jtool()
            .args(["encode", "--lossless", "1"])
            .args(bad)
            .arg(&src)
            .arg(p("x.jpg"))
            .assert()
            .code(2);
    }
    assert!(!p("x.jpg").exists());
}
