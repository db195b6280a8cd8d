//! `jtool jpegtran|djpeg|cjpeg SWITCHES` against the tools themselves. jpegtran (also
//! through a link named `jpegtran`): for every test file and a set of switch lines (crops
//! that expand the image among them), where jpegtran succeeds jtool does too, with the
//! same coefficients and quantization tables, the same frame type (baseline,
//! progressive, arithmetic), the same restart interval and the same kinds of markers
//! kept. djpeg and cjpeg: the same files (see each test).

mod common;

use common::{testdata_dir, tool};
use jtool::container::{parse_dri, Item, JpegFile, Marker};
use jtool::entropy::{decode, Limits};
use std::path::Path;
use std::process::Command;

/// What must agree between the two outputs.
#[derive(Debug, PartialEq)]
struct Summary {
    sof: Marker,
    restart: u16,
    kept: Vec<Marker>,
    blocks: Vec<Vec<[i16; 64]>>,
    tables: Vec<[u16; 64]>,
}

fn summary(data: &[u8]) -> Summary {
    let file = JpegFile::parse(data).expect("output parses");
    let sof = file.segments().find(|s| s.marker.is_sof()).unwrap().marker;
    let restart = file
        .segments()
        .find(|s| s.marker == Marker::DRI)
        .map_or(0, |s| parse_dri(s).unwrap());
    let mut kept: Vec<Marker> = file
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Segment(s) if s.marker.is_app() || s.marker == Marker::COM => Some(s.marker),
            _ => None,
        })
        .collect();
    kept.sort_by_key(|m| m.0);
    kept.dedup();
    let d = decode(&file, &Limits::default()).expect("output decodes");
    Summary {
        sof,
        restart,
        kept,
        blocks: d
            .image
            .components
            .iter()
            .map(|c| c.plane.blocks.clone())
            .collect(),
        tables: d.image.components.iter().map(|c| c.quant.values).collect(),
    }
}

/// Runs `program` (with `first` before the switches) on `input`, writing `out`.
fn run(program: &Path, first: &[&str], switches: &[String], input: &Path, out: &Path) -> bool {
    let switches: Vec<&str> = switches.iter().map(String::as_str).collect();
    run_to(program, first, &switches, ("-outfile", out), input)
}

/// Runs `program first... args... FLAG OUT input`; whether it wrote its output (exit
/// code 0, or 2: written with warnings, as libjpeg's tools say).
fn run_to(program: &Path, first: &[&str], args: &[&str], to: (&str, &Path), input: &Path) -> bool {
    let status = Command::new(program)
        .args(first)
        .args(args)
        .arg(to.0)
        .arg(to.1)
        .arg(input)
        .output()
        .expect("runs")
        .status;
    matches!(status.code(), Some(0 | 2))
}

#[test]
fn switches_give_jpegtrans_coefficients() {
    let Some(jpegtran) = tool("jpegtran") else {
        return;
    };
    let jtool = assert_cmd::cargo::cargo_bin("jtool");
    let dir = tempfile::tempdir().unwrap();
    // jtool under the name jpegtran, as a symbolic link gives it.
    let linked = dir.path().join("jpegtran");
    std::os::unix::fs::symlink(&jtool, &linked).unwrap();
    let small = dir.path().join("small.jpg");
    let src = std::fs::read(testdata_dir().join("baseline_420_q85_67x45.jpg")).unwrap();
    let opts = jtool::pipeline::TransformOptions {
        request: jtool::transform::Request {
            crop: jtool::transform::CropSpec::parse("32x16+0+0"),
            ..Default::default()
        },
        output: jtool::pipeline::CopyOptions::default(),
        reset_orientation: false,
    };
    std::fs::write(
        &small,
        jtool::pipeline::transform(&src, &opts)
            .unwrap()
            .output
            .bytes,
    )
    .unwrap();
    let small = small.display().to_string();
    let lines = [
        "",
        "-optimize",
        "-progressive",
        "-copy all -rotate 90",
        "-copy none -flip horizontal -trim",
        "-crop 32x16+8+8 -optimize",
        "-grayscale -transpose",
        "-restart 1 -copy icc",
        "-restart 3B -perfect -rot 180",
        "-arithmetic",
        "-arithmetic -progressive -transverse",
        "-wipe 16x16+8+8",
        // Grayscale first, then the wipe on the 8x8 grid; -trim, -perfect change nothing.
        "-wipe 38x26+1+0 -grayscale -trim",
        "-wipe 20x20+3+3 -perfect",
        &format!("-drop +16+16 {small}"),
        &format!("-drop +16+16 {small} -trim"),
        &format!("-drop +16+16 {small} -perfect"),
        "-opt -prog -flip v -crop 40x24+3+5",
        // The same turn twice is one turn; a repeated switch takes its last value.
        "-rotate 90 -rot 90 -restart 1 -restart 2 -copy none -copy all",
        // Crops larger than the image, which expand it.
        "-crop 100x60+16+8",
        "-crop 80x80+7+7 -grayscale -optimize",
        "-crop 70x10+0+0 -progressive",
        "-crop 100x100-3-2 -copy all",
        // Wider than the image: the sides mirror it (r) or take its edge colour (f).
        "-crop 200rx60+40+8",
        "-crop 300rx30r+100+3 -optimize",
        "-crop 150fx45+48+0",
        "-crop 90fx90f-8-8",
    ];
    let (mut compared, mut failures) = (0, Vec::new());
    for entry in std::fs::read_dir(testdata_dir()).unwrap() {
        let input = entry.unwrap().path();
        if input.extension().is_none_or(|e| e != "jpg") {
            continue;
        }
        for (k, line) in lines.iter().enumerate() {
            let switches: Vec<String> = line.split_whitespace().map(String::from).collect();
            let (theirs, ours) = (dir.path().join("a.jpg"), dir.path().join("b.jpg"));
            let _ = std::fs::remove_file(&ours);
            if !run(&jpegtran, &[], &switches, &input, &theirs) {
                continue;
            }
            let ok = match k % 2 {
                0 => run(&jtool, &["jpegtran"], &switches, &input, &ours),
                _ => run(&linked, &[], &switches, &input, &ours),
            };
            let name = format!("{} [{line}]", input.file_name().unwrap().to_string_lossy());
            compared += 1;
            if !ok {
                failures.push(format!("{name}: jtool failed"));
                continue;
            }
            let (a, b) = (
                std::fs::read(&theirs).unwrap(),
                std::fs::read(&ours).unwrap(),
            );
            if summary(&a) != summary(&b) {
                failures.push(format!("{name}: outputs differ"));
            }
        }
    }
    assert!(compared > 100, "only {compared} runs compared");
    common::report_failures(&format!("jpegtran switches: {compared} runs"), &failures);
}

/// Runs `program args... input` with its output on standard output.
fn output_of(program: &Path, args: &[&str], input: &Path) -> Option<Vec<u8>> {
    let out = Command::new(program).args(args).arg(input).output().ok()?;
    out.status.success().then_some(out.stdout)
}

/// `jtool djpeg SWITCHES`: the same file as djpeg writes, byte for byte (PPM/PGM, BMP,
/// OS/2 BMP and Targa; scaled, cropped, gray, unsmoothed).
#[test]
fn djpeg_switches_give_djpegs_file() {
    let Some(djpeg) = tool("djpeg") else {
        return;
    };
    let jtool = assert_cmd::cargo::cargo_bin("jtool");
    // A colour map for -map: djpeg's own 24-colour GIF of a test image, and a PPM.
    let dir = tempfile::tempdir().unwrap();
    let (gif, ppm) = (dir.path().join("map.gif"), dir.path().join("map.ppm"));
    let src = testdata_dir().join("baseline_420_q85_67x45.jpg");
    let map = output_of(&djpeg, &["-colors", "24", "-gif"], &src).expect("djpeg -gif");
    std::fs::write(&gif, map).unwrap();
    std::fs::write(&ppm, b"P3\n3 1\n255\n250 0 0  0 200 0  10 10 240\n").unwrap();
    let with_maps = [
        format!("-map {}", gif.display()),
        format!("-map {} -dither none -gif", gif.display()),
        format!("-map {} -bmp", ppm.display()),
    ];
    let fixed = [
        "",
        "-scale 1/2",
        "-scale 1/8 -grayscale",
        "-scale 1/3 -crop 20x10+9+5",
        "-scale 15/8 -bmp -nosmooth",
        // Colour-mapped output: GIF (LZW or not), the two-pass quantizer with and
        // without dithering, the one-pass one with each dither, gray maps.
        "-gif",
        "-gif0 -scale 1/2",
        "-colors 16",
        "-colors 100 -dither none -gif",
        "-colors 8 -onepass -gif",
        "-colors 64 -onepass -dither ordered",
        "-colors 27 -onepass -dither none -gif0",
        "-fast -gif",
        "-grayscale -gif",
        "-grayscale -colors 5 -gif",
        "-grayscale -colors 7 -dither ordered",
        "-colors 256 -dither ordered -gif",
        "-colors 16 -bmp",
        // RGB565 samples in a BMP file, dithered or not; the last colour switch counts.
        "-rgb565 -bmp",
        "-rgb565 -dither none -os2 -nosmooth",
        "-grayscale -rgb565 -bmp -scale 1/2",
        "-rgb565 -grayscale -bmp",
        "-colors 30 -os2 -onepass",
        "-colors 64 -targa",
        "-grayscale -colors 4 -bmp",
        "-grayscale -colors 9 -targa",
        // -fast is -dct fast -nosmooth; a repeated switch takes its last value.
        "-fast",
        "-fast -dct int -targa",
        "-scale 1/2 -scale 1/4 -nosmooth -nosmooth",
        "-bmp",
        "-os2 -nosmooth",
        "-targa -scale 1/4",
        "-crop 32x16+8+8 -dct int",
        "-pnm -gray -scale 1/2",
        "-dct fast",
        "-dct fa -nosmooth -bmp",
        "-dct float",
        // Rows left out; with -skip, djpeg ignores -crop.
        "-skip 10,20",
        "-skip 0,3 -scale 1/2 -targa",
        "-skip 5,10 -crop 20x20+3+3",
        "-skip 44,44 -grayscale",
        // RGB also from a grayscale file; the last of -rgb and -grayscale counts.
        "-rgb",
        "-rgb -targa -skip 2,3",
        "-grayscale -rgb -bmp",
        "-rgb -grayscale",
    ];
    let lines: Vec<&str> = fixed
        .iter()
        .copied()
        .chain(with_maps.iter().map(String::as_str))
        .collect();
    let (mut compared, mut failures) = (0, Vec::new());
    for entry in std::fs::read_dir(testdata_dir()).unwrap() {
        let input = entry.unwrap().path();
        if input.extension().is_none_or(|e| e != "jpg") {
            continue;
        }
        for &line in &lines {
            let args: Vec<&str> = line.split_whitespace().collect();
            let Some(theirs) = output_of(&djpeg, &args, &input) else {
                continue;
            };
            let ours = output_of(&jtool, &[&["djpeg"], &args[..]].concat(), &input);
            compared += 1;
            if ours.as_ref() != Some(&theirs) {
                let name = input.file_name().unwrap().to_string_lossy();
                failures.push(format!("{name} [{line}]"));
            }
        }
    }
    assert!(compared > 50, "only {compared} runs compared");
    common::report_failures(&format!("djpeg switches: {compared} runs"), &failures);
}

/// `jtool cjpeg SWITCHES`: with the Annex K tables the same file as cjpeg writes, byte
/// for byte; with optimized, progressive or arithmetic coding the same coefficients.
#[test]
fn cjpeg_switches_give_cjpegs_file() {
    let Some(cjpeg) = tool("cjpeg") else {
        return;
    };
    let jtool = assert_cmd::cargo::cargo_bin("jtool");
    let lines = [
        ("", true),
        ("-quality 90", true),
        ("-quality 50,20 -sample 1x1", true),
        ("-grayscale -restart 1", true),
        // A gray output states the factors -sample gives its component.
        ("-grayscale -sample 2x2", true),
        ("-grayscale -sample 1x3 -restart 2", true),
        ("-grayscale -sample 2x1 -progressive", false),
        // One component: a non-interleaved scan, one block per MCU whatever its
        // factors, so the 10-block MCU limit does not apply (was refused).
        ("-grayscale -sample 4x4", true),
        ("-grayscale -sample 3x4 -restart 1", true),
        ("-grayscale -sample 4x3 -optimize", false),
        // A repeated switch takes its last value.
        (
            "-quality 20 -quality 80 -dct fast -dct int -baseline -baseline",
            true,
        ),
        ("-rgb -dct int", true),
        ("-dct fast -quality 95", true),
        ("-dct fast -progressive", false),
        ("-dct fl -quality 60", true),
        ("-smooth 40", true),
        ("-grayscale -rgb", true),
        ("-rgb -grayscale -quality 60", true),
        ("-smooth 100 -grayscale -optimize", false),
        ("-baseline -quality 10 -qslots 0", true),
        ("-optimize", false),
        ("-progressive -quality 85", false),
        ("-arithmetic", false),
    ];
    let (mut compared, mut failures) = (0, Vec::new());
    for name in ["src_67x45.ppm", "src_33x17.ppm"] {
        let input = testdata_dir().join(name);
        for (line, exact) in lines {
            let args: Vec<&str> = line.split_whitespace().collect();
            let theirs = output_of(&cjpeg, &args, &input).expect("cjpeg runs");
            let ours = output_of(&jtool, &[&["cjpeg"], &args[..]].concat(), &input);
            compared += 1;
            let same = match (ours, exact) {
                (Some(ours), true) => ours == theirs,
                (Some(ours), false) => {
                    let s = |d: &[u8]| {
                        let s = summary(d);
                        (s.sof, s.blocks, s.tables)
                    };
                    s(&ours) == s(&theirs)
                }
                (None, _) => false,
            };
            if !same {
                failures.push(format!("{name} [{line}]"));
            }
        }
    }
    common::report_failures(&format!("cjpeg switches: {compared} runs"), &failures);
}

/// `-scans FILE` through the cjpeg and jpegtran fronts: the script decides the mode
/// (it overrides -progressive), a sequential script without -optimize takes the Annex K
/// tables (byte for byte the tools' file), a progressive one optimal tables (the same
/// coefficients), and components a script codes apart may exceed the 10-block MCU of an
/// interleaved scan. Each of these was refused before.
#[test]
fn scan_scripts_through_the_fronts() {
    let (Some(cjpeg), Some(jpegtran)) = (tool("cjpeg"), tool("jpegtran")) else {
        return;
    };
    let jtool = assert_cmd::cargo::cargo_bin("jtool");
    let dir = tempfile::tempdir().unwrap();
    let script = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let seq = script("seq.txt", "0;\n1 2;\n");
    let prog = script(
        "prog.txt",
        "0 1 2: 0-0, 0, 1;\n0: 1-9, 0, 0;\n0: 10-63, 0, 0;\n1: 1-63, 0, 0;\n2: 1-63, 0, 0;\n0 1 2: 0-0, 1, 0;\n",
    );
    let apart = script(
        "apart.txt",
        "0: 0-0, 0, 0;\n1: 0-0, 0, 0;\n2: 0-0, 0, 0;\n0: 1-63, 0, 0;\n1: 1-63, 0, 0;\n2: 1-63, 0, 0;\n",
    );
    let same = |ours: Option<Vec<u8>>, theirs: &[u8], exact: bool| match ours {
        Some(o) if exact => o == theirs,
        Some(o) => {
            coefficient_hash(&o).is_some() && coefficient_hash(&o) == coefficient_hash(theirs)
        }
        None => false,
    };
    let input = testdata_dir().join("src_67x45.ppm");
    let jpeg = testdata_dir().join("baseline_420_q85_67x45.jpg");
    let runs = [
        ("cjpeg", &cjpeg, &input, format!("-scans {seq}"), true),
        (
            "cjpeg",
            &cjpeg,
            &input,
            format!("-progressive -scans {seq}"),
            true,
        ),
        (
            "cjpeg",
            &cjpeg,
            &input,
            format!("-optimize -scans {seq}"),
            false,
        ),
        ("cjpeg", &cjpeg, &input, format!("-scans {prog}"), false),
        (
            "cjpeg",
            &cjpeg,
            &input,
            format!("-sample 4x4 -scans {apart}"),
            false,
        ),
        (
            "jpegtran",
            &jpegtran,
            &jpeg,
            format!("-copy none -scans {seq}"),
            true,
        ),
        (
            "jpegtran",
            &jpegtran,
            &jpeg,
            format!("-copy none -progressive -scans {seq}"),
            true,
        ),
        (
            "jpegtran",
            &jpegtran,
            &jpeg,
            format!("-copy none -optimize -scans {seq}"),
            false,
        ),
        (
            "jpegtran",
            &jpegtran,
            &jpeg,
            format!("-copy none -rotate 90 -scans {prog}"),
            false,
        ),
    ];
    let mut failures = Vec::new();
    for (name, tool, file, line, exact) in &runs {
        let args: Vec<&str> = line.split_whitespace().collect();
        let theirs = output_of(tool, &args, file).expect("the tool runs");
        let ours = output_of(&jtool, &[&[*name], &args[..]].concat(), file);
        if !same(ours, &theirs, *exact) {
            failures.push(format!("{name} {line}"));
        }
    }
    // Without a script that codes them apart, cjpeg refuses such factors, and so does
    // jtool.
    for line in ["-sample 4x4", "-sample 4x4 -progressive"] {
        let args: Vec<&str> = line.split_whitespace().collect();
        let ours = output_of(&jtool, &[&["cjpeg"], &args[..]].concat(), &input);
        if output_of(&cjpeg, &args, &input).is_some() || ours.is_some() {
            failures.push(format!("cjpeg {line} is not refused by both"));
        }
    }
    common::report_failures("scan scripts through the fronts", &failures);
}

/// The Exif Orientation of a file, if any.
fn orientation(data: &[u8]) -> Option<u16> {
    let file = JpegFile::parse(data).ok()?;
    let exif = file
        .segments()
        .find(|s| jtool::container::classify(s) == jtool::container::MetaClass::Exif)?;
    jtool::container::edit::exif_orientation(exif.body)
}

/// `jtool exiftran OPTIONS -o OUT IN`: the coefficients and Orientation tag exiftran
/// writes, for every transform (with its edges pared or not, the tag reset or not); and
/// `-ai` on several files in place.
#[test]
fn exiftran_options_give_exiftrans_image() {
    let Some(exiftran) = tool("exiftran") else {
        return;
    };
    let jtool = assert_cmd::cargo::cargo_bin("jtool");
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        "-a",
        "-9",
        "-1",
        "-2",
        "-f",
        "-F",
        "-t",
        "-T",
        "-9 -np",
        "-a -np",
        "-F -no",
        // The image alone (-nt) or the thumbnail alone (-ni).
        "-9 -nt",
        "-F -ni",
        "-a -ni",
        "-T -nt -np",
    ];
    let (mut compared, mut failures) = (0, Vec::new());
    for name in [
        "meta_420_67x45.jpg",
        "rst1row_422_q80_67x45.jpg",
        "gray_q90_67x45.jpg",
    ] {
        let input = testdata_dir().join(name);
        for line in lines {
            let args: Vec<&str> = line.split_whitespace().collect();
            let (theirs, ours) = (dir.path().join("e.jpg"), dir.path().join("j.jpg"));
            let run = |program: &Path, first: &[&str], out: &Path| {
                run_to(program, first, &args, ("-o", out), &input)
                    .then(|| std::fs::read(out).unwrap())
            };
            let Some(a) = run(&exiftran, &[], &theirs) else {
                continue;
            };
            compared += 1;
            let same = run(&jtool, &["exiftran"], &ours).is_some_and(|b| {
                let s = |d: &[u8]| {
                    let s = summary(d);
                    let exif = Some(jtool::pipeline::ThumbnailKind::Exif);
                    let thumb = jtool::pipeline::extract_thumbnail(d, exif);
                    // jtool makes a following thumbnail anew from the turned image;
                    // with -ni and -nt it is exiftran's.
                    let alone = line.contains("-nt") || line.contains("-ni");
                    let thumb = thumb.ok().filter(|_| alone).map(|t| summary(&t).blocks);
                    (s.blocks, s.tables, orientation(d), thumb)
                };
                s(&a) == s(&b)
            });
            if !same {
                failures.push(format!("{name} [{line}]"));
            }
        }
    }
    assert!(compared > 20, "only {compared} runs compared");
    // In place, several files, the times kept.
    let files: Vec<_> = (0..2)
        .map(|k| dir.path().join(format!("{k}.jpg")))
        .collect();
    for f in &files {
        std::fs::copy(testdata_dir().join("meta_420_67x45.jpg"), f).unwrap();
    }
    let status = Command::new(&jtool)
        .args(["exiftran", "-aip"])
        .args(&files)
        .status();
    assert!(status.unwrap().success());
    for f in &files {
        let d = std::fs::read(f).unwrap();
        assert_eq!(orientation(&d), Some(1));
        let image = decode(&JpegFile::parse(&d).unwrap(), &Limits::default())
            .unwrap()
            .image;
        assert_eq!((image.width, image.height), (45, 67), "turned upright");
    }
    common::report_failures(&format!("exiftran options: {compared} runs"), &failures);
}

/// `jtool jpegoptim OPTIONS -d DIR FILE`: the output has jpegoptim's quantization tables
/// (its own when lossless, IJG quality Q after `-m Q` where the file's was higher), its
/// frame type and the same kinds of segments (JFIF aside, which jpegoptim adds); the
/// lossless output is never larger than the input.
#[test]
fn jpegoptim_options_give_jpegoptims_tables() {
    let Some(jpegoptim) = tool("jpegoptim") else {
        return;
    };
    let jtool = assert_cmd::cargo::cargo_bin("jtool");
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let lines = [
        "",
        "--strip-all",
        "-m60",
        "--max=95",
        "--all-progressive -s",
        "-m50 -s --all-normal",
        "--strip-exif",
        "--strip-com -t",
        "-s --keep-com",
        "-s --keep-exif --keep-com -T1",
        "-n",
    ];
    let kinds = |d: &[u8]| {
        let mut s = summary(d);
        s.kept.retain(|m| *m != Marker::APP0);
        (s.sof, s.kept, s.tables)
    };
    let (mut compared, mut failures) = (0, Vec::new());
    for name in [
        "meta_420_67x45.jpg",
        "prog_420_q75_67x45.jpg",
        "rst1row_422_q80_67x45.jpg",
    ] {
        let input = testdata_dir().join(name);
        for line in lines {
            for d in [&a, &b] {
                let _ = std::fs::remove_dir_all(d);
                std::fs::create_dir(d).unwrap();
            }
            let args: Vec<&str> = line.split_whitespace().collect();
            let run = |program: &Path, first: &[&str], out: &Path| {
                run_to(program, first, &args, ("-d", out), &input)
            };
            assert!(run(&jpegoptim, &["-q"], &a), "jpegoptim {line}");
            let Ok(theirs) = std::fs::read(a.join(name)) else {
                continue; // jpegoptim writes nothing when it gains nothing
            };
            compared += 1;
            let ours =
                run(&jtool, &["jpegoptim"], &b).then(|| std::fs::read(b.join(name)).unwrap());
            let same = ours.is_some_and(|ours| {
                let smaller =
                    line.contains('m') || ours.len() <= std::fs::read(&input).unwrap().len();
                smaller && kinds(&ours) == kinds(&theirs)
            });
            if !same {
                failures.push(format!("{name} [{line}]"));
            }
        }
    }
    assert!(compared > 10, "only {compared} runs compared");
    common::report_failures(&format!("jpegoptim options: {compared} runs"), &failures);
}

/// `jpegoptim -P` overwrites the file itself (its inode and hard links keep the new
/// bytes); without it a new file is renamed over the name and a hard link keeps the old
/// bytes. jtool does the same in both cases.
#[test]
fn jpegoptim_preserve_perms_keeps_the_inode() {
    use std::os::unix::fs::MetadataExt;
    let Some(jpegoptim) = tool("jpegoptim") else {
        return;
    };
    let jtool = assert_cmd::cargo::cargo_bin("jtool");
    let dir = tempfile::tempdir().unwrap();
    // Annex K Huffman tables, which both programs replace by optimal ones.
    let plain = dir.path().join("plain.jpg");
    let made = std::process::Command::new(&jtool)
        .args(["copy", "--standard-huffman"])
        .arg(testdata_dir().join("meta_420_67x45.jpg"))
        .arg(&plain)
        .status()
        .unwrap();
    assert!(made.success());
    let input = std::fs::read(&plain).unwrap();
    for (program, first) in [(&jpegoptim, None), (&jtool, Some("jpegoptim"))] {
        for keep in [true, false] {
            let (f, link) = (dir.path().join("f.jpg"), dir.path().join("link.jpg"));
            let _ = std::fs::remove_file(&f);
            let _ = std::fs::remove_file(&link);
            std::fs::write(&f, &input).unwrap();
            std::fs::hard_link(&f, &link).unwrap();
            let inode = std::fs::metadata(&f).unwrap().ino();
            let mut c = std::process::Command::new(program);
            c.args(first).arg("-q").args(keep.then_some("-P")).arg(&f);
            assert!(c.status().unwrap().success(), "{program:?} {keep}");
            let out = std::fs::read(&f).unwrap();
            let what = format!("{} -P {keep}", program.display());
            assert!(out.len() < input.len(), "{what}: not optimized");
            assert_eq!(
                std::fs::metadata(&f).unwrap().ino() == inode,
                keep,
                "{what}"
            );
            let linked = std::fs::read(&link).unwrap();
            assert_eq!(linked == out, keep, "{what}");
        }
    }
}

/// jpegoptim's report: for each file the same line as jpegoptim's, text (with the
/// average of `-t`) or CSV (`-b`), the new size aside (jtool's Huffman tables differ);
/// `-n` writes nothing; a file that is not a JPEG gets jpegoptim's error line.
#[test]
fn jpegoptim_report_lines_are_jpegoptims() {
    let Some(jpegoptim) = tool("jpegoptim") else {
        return;
    };
    let jtool = assert_cmd::cargo::cargo_bin("jtool");
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "meta_420_67x45.jpg",
        "prog_420_q75_67x45.jpg",
        "gray_q90_67x45.jpg",
    ];
    for n in names {
        std::fs::copy(testdata_dir().join(n), dir.path().join(n)).unwrap();
    }
    std::fs::write(dir.path().join("bad.jpg"), b"not a jpeg").unwrap();
    // The output size, the saving and so whether the file is kept are jtool's own
    // (it makes the progressive file smaller; jpegoptim cannot), except that nothing
    // saves 90%.
    let masked = |out: &[u8], status: bool| -> Vec<String> {
        String::from_utf8_lossy(out)
            .lines()
            .map(|l| match (l.find(" --> "), l.rfind(", ")) {
                (Some(a), Some(b)) if status => format!("{}{}", &l[..a], &l[b..]),
                (Some(a), _) => l[..a].to_string(),
                _ if l.contains(',') => l.split(',').take(5).collect::<Vec<_>>().join(","),
                _ if l.starts_with("Average") => l[..l.find(':').unwrap()].to_string(),
                _ => l.to_string(),
            })
            .collect()
    };
    for line in ["-n", "-n -m50 -t", "-n -b", "-n -m40 -b", "-n -T90"] {
        let mut args: Vec<&str> = line.split_whitespace().collect();
        args.extend(names);
        args.push("bad.jpg");
        let theirs = std::process::Command::new(&jpegoptim)
            .args(&args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let ours = std::process::Command::new(&jtool)
            .arg("jpegoptim")
            .args(&args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let status = line.contains("-T");
        assert_eq!(
            masked(&ours.stdout, status),
            masked(&theirs.stdout, status),
            "jpegoptim {line}"
        );
        assert_eq!(ours.status.code(), theirs.status.code(), "jpegoptim {line}");
    }
    for n in names {
        let kept = std::fs::read(dir.path().join(n)).unwrap();
        assert_eq!(
            kept,
            std::fs::read(testdata_dir().join(n)).unwrap(),
            "-n wrote {n}"
        );
    }
    // Over the valid corpus files: the same description of each (size, bits, mode,
    // metadata words, data after EOI, OK or WARNING).
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let files = common::jpegs_in(&corpus.join("valid"));
    let head = |program: &Path, first: &[&str], f: &Path| {
        let out = std::process::Command::new(program)
            .args(first)
            .arg("-n")
            .arg(f)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.find(']').map(|i| text[..=i].to_string())
    };
    // 8-bit jpegoptim cannot read 12-bit and lossless files ("[ERROR]"); jtool
    // optimizes them.
    let unreadable = |f: &Path| !common::djpeg_precision(&std::fs::read(f).unwrap());
    let failures = common::parallel(&files, |f| {
        let theirs = head(&jpegoptim, &[], f);
        if theirs.as_ref().is_some_and(|t| t.ends_with("[ERROR]")) && unreadable(f) {
            return vec![];
        }
        match theirs.is_some() && head(&jtool, &["jpegoptim"], f) != theirs {
            true => vec![format!("{}: jpegoptim says {theirs:?}", f.display())],
            false => vec![],
        }
    });
    common::report_failures(
        &format!("jpegoptim -n lines of {} corpus files", files.len()),
        &failures,
    );
}

/// The tools' exit codes: 2 when a damaged file was written with warnings, 1 for a
/// usage error.
#[test]
fn exit_codes_are_the_tools() {
    let jtool = assert_cmd::cargo::cargo_bin("jtool");
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cut.jpg");
    let data = std::fs::read(testdata_dir().join("baseline_420_q85_67x45.jpg")).unwrap();
    std::fs::write(&cut, &data[..1500]).unwrap();
    let out = dir.path().join("out");
    for name in ["jpegtran", "djpeg"] {
        let Some(program) = tool(name) else {
            return;
        };
        let code = |p: &Path, first: &[&str], args: &[&str]| {
            let mut c = Command::new(p);
            c.args(first).args(args);
            c.output().expect("runs").status.code()
        };
        let outfile = ["-outfile", out.to_str().unwrap(), cut.to_str().unwrap()];
        assert_eq!(
            code(&program, &[], &outfile),
            Some(2),
            "{name} on a cut file"
        );
        assert_eq!(
            code(&jtool, &[name], &outfile),
            Some(2),
            "jtool {name} on a cut file"
        );
        assert_eq!(code(&program, &[], &["-bogus"]), Some(1), "{name} -bogus");
        assert_eq!(
            code(&jtool, &[name], &["-bogus"]),
            Some(1),
            "jtool {name} -bogus"
        );
    }
}

/// `jpegtran -outfile F F` rewrites F (jpegtran reads the input whole before it opens
/// the output); `jtool jpegtran` does the same, with jpegtran's coefficients and the
/// file's mode kept.
#[test]
fn jpegtran_outfile_over_the_input_rewrites_it() {
    use std::os::unix::fs::PermissionsExt;
    let jtool = assert_cmd::cargo::cargo_bin("jtool");
    let Some(jpegtran) = tool("jpegtran") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let src = testdata_dir().join("meta_420_67x45.jpg");
    let mut outputs = Vec::new();
    for (program, first) in [(&jpegtran, &[][..]), (&jtool, &["jpegtran"][..])] {
        let f = dir.path().join(format!("{}.jpg", outputs.len()));
        std::fs::copy(&src, &f).unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
        let name = f.to_str().unwrap();
        let switches = ["-rotate", "90", "-copy", "all", "-outfile", name, name];
        let status = Command::new(program).args(first).args(switches).status();
        assert!(status.unwrap().success(), "{}", program.display());
        let mode = std::fs::metadata(&f).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        outputs.push(summary(&std::fs::read(&f).unwrap()));
    }
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

/// The coefficient hash and Exif Orientation of a JPEG file.
fn hash_and_orientation(data: &[u8]) -> (String, Option<u16>) {
    let file = JpegFile::parse(data).expect("parses");
    let hash = jtool::pipeline::file_coefficient_hash(&file, &Limits::default()).expect("decodes");
    let orientation = file
        .segments()
        .filter(|s| s.marker == Marker(0xE1) && s.body.starts_with(b"Exif\0\0"))
        .find_map(|s| jtool::container::edit::exif_orientation(s.body));
    (hash, orientation)
}

/// `jhead -autorot` (which runs `jpegtran -trim`) and `jtool auto-orient --trim`: the
/// same coefficients and Orientation 1 for every corpus file whose Orientation is not 1.
#[test]
fn jhead_autorot_is_auto_orient_trim() {
    let Some(jhead) = tool("jhead") else { return };
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let jtool = assert_cmd::cargo::cargo_bin("jtool");
    let dir = tempfile::tempdir().unwrap();
    let (mut compared, mut failures) = (0, Vec::new());
    let mut names: Vec<_> = std::fs::read_dir(corpus.join("valid"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
        .collect();
    names.sort();
    for path in names {
        let data = std::fs::read(&path).unwrap();
        let Ok(file) = JpegFile::parse(&data) else {
            continue;
        };
        let turned = file
            .segments()
            .filter(|s| s.marker == Marker(0xE1) && s.body.starts_with(b"Exif\0\0"))
            .find_map(|s| jtool::container::edit::exif_orientation(s.body))
            .is_some_and(|o| (2..=8).contains(&o));
        if !turned {
            continue;
        }
        let (theirs, ours) = (dir.path().join("jhead.jpg"), dir.path().join("jtool.jpg"));
        std::fs::write(&theirs, &data).unwrap();
        let ok = Command::new(&jhead)
            .arg("-autorot")
            .arg(&theirs)
            .output()
            .unwrap();
        assert!(ok.status.success(), "jhead -autorot {}", path.display());
        let status = Command::new(&jtool)
            .args(["auto-orient", "--trim"])
            .arg(&path)
            .arg(&ours)
            .status()
            .unwrap();
        assert!(status.success(), "jtool auto-orient {}", path.display());
        compared += 1;
        let (a, b) = (
            hash_and_orientation(&std::fs::read(&theirs).unwrap()),
            hash_and_orientation(&std::fs::read(&ours).unwrap()),
        );
        if a != b || b.1 != Some(1) {
            failures.push(format!("{}: jhead {a:?}, jtool {b:?}", path.display()));
        }
    }
    eprintln!("jhead -autorot: {compared} files compared");
    assert!(compared > 0 || !common::ci(), "no file compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The Exif dates as `jtool date` lists them (text per tag), the metadata segments kept
/// (marker and the first bytes of the body), the coefficient hash, the modification
/// time and the file names of a directory: what a jhead switch may change.
fn jhead_state(dir: &Path) -> (Vec<String>, Vec<String>, Vec<i64>, Vec<String>) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let (mut dates, mut kept, mut times) = (Vec::new(), Vec::new(), Vec::new());
    for n in &names {
        let p = dir.join(n);
        let data = std::fs::read(&p).unwrap();
        let modified = std::fs::metadata(&p).unwrap().modified().unwrap();
        // A file written just now (an extracted thumbnail) has the time of writing,
        // which two runs a second apart do not share: it counts as new.
        let fresh = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        times.push(match modified.duration_since(std::time::UNIX_EPOCH) {
            _ if modified > fresh => 0,
            Ok(d) => d.as_secs() as i64,
            Err(e) => -(e.duration().as_secs() as i64),
        });
        if let Ok(tags) = jtool::pipeline::exif_dates(&data) {
            dates.extend(
                tags.iter()
                    .map(|t| format!("{} {} {}", t.ifd, t.name, t.text)),
            );
        }
        let Ok(file) = JpegFile::parse(&data) else {
            continue;
        };
        for s in file.segments() {
            // jhead adds a JFIF segment when it removes Exif, and drops it beside
            // Exif when it rewrites a file; jtool leaves it.
            // It drops APP1 segments that hold neither Exif nor XMP (Casio's QVCI).
            let jfif = s.marker == Marker(0xE0) && s.body.starts_with(b"JFIF");
            let other_app1 = s.marker == Marker(0xE1)
                && !s.body.starts_with(b"Exif")
                && !s.body.starts_with(b"http");
            if (s.marker.is_app() || s.marker == Marker::COM) && !jfif && !other_app1 {
                let id = &s.body[..s.body.len().min(4)];
                kept.push(format!(
                    "{:02X} {}",
                    s.marker.0,
                    String::from_utf8_lossy(id)
                ));
            }
        }
        // jhead puts a comment after the first segments, jtool before the frame.
        kept.sort();
        let h = jtool::pipeline::file_coefficient_hash(&file, &Limits::default());
        kept.push(format!("{:?}", h.ok()));
    }
    (dates, kept, times, names)
}

/// `jtool jhead SWITCHES` against jhead on the same file: the same Exif dates, file
/// times, file names, metadata kinds and coefficients afterwards. jhead writes
/// DateTimeOriginal's new value into every date tag, where jtool moves each tag from
/// its own value: on files whose dates differ, only DateTimeOriginal is compared.
#[test]
fn jhead_switches_agree_with_jhead() {
    let Some(jhead) = tool("jhead") else { return };
    let jtool = assert_cmd::cargo::cargo_bin("jtool");
    let mut files = vec![testdata_dir().join("dates_420_67x45.jpg")];
    if let Some(corpus) = common::corpus_dir() {
        let mut cams: Vec<_> = common::jpegs_in(&corpus.join("valid"))
            .into_iter()
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("cam_"))
            .collect();
        cams.sort();
        files.extend(cams);
    }
    let lines: &[&[&str]] = &[
        &["-ta+1:30"],
        &["-ta-25:00:05"],
        &["-da2010:01:01-2004:02:28"],
        &["-ts2012:03:04-05:06:07"],
        &["-ds2010"],
        &["-ds2010:02"],
        &["-ds2011:02:31"],
        &["-ft"],
        &["-ta+2", "-ft"],
        &["-n%Y%m%d-%H%M%S"],
        &["-n", "-ft"],
        &["-de"],
        &["-dc"],
        &["-di"],
        &["-dx"],
        &["-dt"],
        &["-autorot"],
        &["-cl", "a comment"],
        &["-st", "th_&i"],
        &["-norot"],
    ];
    let (mut compared, mut failures) = (0, Vec::new());
    for path in &files {
        let data = std::fs::read(path).unwrap();
        let Ok(tags) = jtool::pipeline::exif_dates(&data) else {
            continue;
        };
        let dated = tags.iter().any(|t| t.value.is_some());
        // Dates jtool does not read (`0000:00:00 00:00:00`, `05.10.2009 11:16`): jhead
        // reads some of them its own way, jtool takes the file's time (-n) or leaves
        // the time (-ft); only success is compared.
        let unread = tags
            .iter()
            .any(|t| t.value.is_none() && !t.text.trim().is_empty());
        let same_dates = tags.windows(2).all(|w| w[0].text == w[1].text);
        for line in lines {
            let dating = line
                .iter()
                .any(|s| s.starts_with("-t") || s.starts_with("-d") && s.len() > 3);
            if dating && !dated {
                continue;
            }
            let root = tempfile::tempdir().unwrap();
            let (theirs, ours) = (root.path().join("jhead"), root.path().join("jtool"));
            let mut outcome = Vec::new();
            for (dir, prog, first) in [(&theirs, &jhead, None), (&ours, &jtool, Some("jhead"))] {
                std::fs::create_dir(dir).unwrap();
                let f = dir.join("x.jpg");
                std::fs::write(&f, &data).unwrap();
                let f = std::fs::File::options().write(true).open(&f).unwrap();
                f.set_modified(
                    std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_500_000_000),
                )
                .unwrap();
                let out = Command::new(prog)
                    .args(first)
                    .args(*line)
                    .arg("x.jpg")
                    .current_dir(dir)
                    .env("TZ", "UTC")
                    .output()
                    .unwrap();
                outcome.push(out.status.success());
            }
            let what = format!(
                "{} {}",
                path.file_name().unwrap().to_string_lossy(),
                line.join(" ")
            );
            let (mut a, b) = (jhead_state(&theirs), jhead_state(&ours));
            if line[0] == "-dt" {
                // jhead leaves IFD1's own DateTime; jtool removes IFD1 whole.
                a.0.retain(|t| !t.starts_with("IFD1"));
            }
            if unread && line.iter().any(|s| s.starts_with("-n") || *s == "-ft") {
                (a.2, a.3) = (b.2.clone(), b.3.clone());
            }
            if !same_dates {
                a.0 = b.0.clone();
                let dto = |s: &(Vec<String>, _, _, _)| {
                    s.0.iter()
                        .find(|t| t.starts_with("Exif DateTimeOriginal"))
                        .cloned()
                };
                if dto(&a) != dto(&b) && !line[0].starts_with("-de") {
                    failures.push(format!(
                        "{what}: DateTimeOriginal {:?} {:?}",
                        dto(&a),
                        dto(&b)
                    ));
                }
            }
            compared += 1;
            if outcome[1] && a != b {
                failures.push(format!("{what}:\n  jhead {a:?}\n  jtool {b:?}"));
            } else if outcome[0] && !outcome[1] {
                failures.push(format!("{what}: jtool failed where jhead succeeded"));
            }
        }
    }
    eprintln!("jhead switches: {compared} runs compared");
    assert!(compared > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `jhead -te ORIGINAL` against `jtool jhead -te` (`jtool exif --from`): a corpus camera
/// file whose Exif an editor dropped (`strip` keeping the rest) gets the original's
/// Exif back, entry for entry, with the image's coefficients untouched; jtool sets
/// PixelXDimension/PixelYDimension to the image's size (the corpus files resized after
/// capture keep the camera's in jhead's output).
#[test]
fn jhead_te_puts_the_exif_back() {
    let Some(jhead) = tool("jhead") else { return };
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let jtool = assert_cmd::cargo::cargo_bin("jtool");
    let (mut compared, mut same_bytes, mut failures) = (0, 0, Vec::new());
    for (path, name, data) in camera_files_with_exif(&corpus) {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("orig.jpg"), &data).unwrap();
        let mut outs = Vec::new();
        for (who, prog, first) in [("jhead", &jhead, None), ("jtool", &jtool, Some("jhead"))] {
            let dir = root.path().join(who);
            std::fs::create_dir(&dir).unwrap();
            let status = Command::new(&jtool)
                .args([
                    "strip",
                    "--keep",
                    "icc,xmp,comments,jfif,adobe,photoshop,other",
                ])
                .arg(&path)
                .arg(dir.join("x.jpg"))
                .status()
                .unwrap();
            assert!(status.success());
            let out = Command::new(prog)
                .args(first)
                .args(["-te", "../orig.jpg", "x.jpg"])
                .current_dir(&dir)
                .output()
                .unwrap();
            assert!(out.status.success(), "{who} -te {name}");
            outs.push(std::fs::read(dir.join("x.jpg")).unwrap());
        }
        compared += 1;
        same_bytes += usize::from(outs[0] == outs[1]);
        // PixelXDimension and PixelYDimension stand as the image's size.
        let size = frame_size_text(&data);
        let ok = exif_entries(&outs[0], None) == exif_entries(&data, None)
            && exif_entries(&outs[1], None) == exif_entries(&data, size.as_ref())
            && coefficient_hash(&outs[1]) == coefficient_hash(&data);
        if !ok {
            failures.push(name);
        }
    }
    eprintln!("jhead -te: {compared} files, {same_bytes} byte-identical to jhead's");
    assert!(compared > 0 || !common::ci());
    assert!(failures.is_empty(), "{failures:?}");
}

/// `jhead -cmd` and `jtool jhead -cmd`: another program (here jpegtran, dropping the
/// metadata) rewrites each file, in place (`&i`) or into a new file (`&o`), and the
/// Exif entries come back. The images are the same, the entries are jhead's except
/// PixelXDimension/PixelYDimension, which jtool sets to the new size (jhead keeps the
/// old one, a bug its manual lists).
#[test]
fn jhead_cmd_puts_the_exif_back() {
    let Some(jhead) = tool("jhead") else { return };
    let Some(_) = tool("jpegtran") else { return };
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let jtool = assert_cmd::cargo::cargo_bin("jtool");
    let commands = [
        "jpegtran -copy none -outfile &i &i",
        "jpegtran -rotate 90 -copy none &i > &o",
    ];
    let (mut compared, mut failures) = (0, Vec::new());
    for (_, name, data) in camera_files_with_exif(&corpus) {
        for command in commands {
            let root = tempfile::tempdir().unwrap();
            let mut outs = Vec::new();
            for (prog, first) in [(&jhead, None), (&jtool, Some("jhead"))] {
                let file = root.path().join(format!("{}.jpg", outs.len()));
                std::fs::write(&file, &data).unwrap();
                let out = Command::new(prog)
                    .args(first)
                    .args(["-cmd", command])
                    .arg(&file)
                    .output()
                    .unwrap();
                assert!(out.status.success(), "{command} {name}");
                outs.push(std::fs::read(&file).unwrap());
            }
            compared += 1;
            let size = frame_size_text(&outs[1]);
            let fields = |d: &[u8]| exif_entries(d, size.as_ref());
            let sized = jtool::inspect::exif_fields::exif_fields(&outs[1]).unwrap();
            let pixel_x = sized.iter().find(|f| f.tag == 0xA002 && f.ifd == "Exif");
            let ok = fields(&outs[0]) == fields(&outs[1])
                && fields(&outs[1]) == fields(&data)
                && coefficient_hash(&outs[0]) == coefficient_hash(&outs[1])
                && pixel_x.map_or(true, |p| Some(&p.value) == size.as_ref().map(|s| &s[0]));
            if !ok {
                failures.push(format!("{name}: {command}"));
            }
        }
    }
    eprintln!("jhead -cmd: {compared} runs compared");
    assert!(compared > 0 || !common::ci());
    assert!(failures.is_empty(), "{failures:?}");
}

/// The frame's width and height as text, as `exif_fields` shows values.
fn frame_size_text(d: &[u8]) -> Option<[String; 2]> {
    let frame = JpegFile::parse(d).ok()?.frame()?;
    Some([frame.width.to_string(), frame.height.to_string()])
}

/// The Exif entries (IFD, tag, value), PixelXDimension and PixelYDimension replaced by
/// `size` when given.
fn exif_entries(d: &[u8], size: Option<&[String; 2]>) -> Vec<(&'static str, u16, String)> {
    let f = jtool::inspect::exif_fields::exif_fields(d).unwrap();
    f.into_iter()
        .map(|f| match (f.tag, size) {
            (0xA002 | 0xA003, Some(wh)) if f.ifd == "Exif" => {
                (f.ifd, f.tag, wh[usize::from(f.tag == 0xA003)].clone())
            }
            _ => (f.ifd, f.tag, f.value),
        })
        .collect()
}

/// The coefficient hash of a JPEG file.
fn coefficient_hash(d: &[u8]) -> Option<String> {
    let file = JpegFile::parse(d).unwrap();
    jtool::pipeline::file_coefficient_hash(&file, &Limits::default()).ok()
}

/// The corpus camera files (`cam_*`) with Exif entries: path, name and bytes.
fn camera_files_with_exif(corpus: &Path) -> Vec<(std::path::PathBuf, String, Vec<u8>)> {
    let files = common::jpegs_in(&corpus.join("valid"))
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let data = std::fs::read(&path).unwrap();
            (path, name, data)
        });
    files
        .filter(|(_, name, data)| {
            let entries = jtool::inspect::exif_fields::exif_fields(data).unwrap_or_default();
            name.starts_with("cam_") && !entries.is_empty()
        })
        .collect()
}

/// The testdata JPEGs and the valid corpus files whose names `keep` accepts.
fn testdata_and_valid(keep: impl Fn(&str) -> bool) -> Vec<std::path::PathBuf> {
    let mut files = common::testdata_jpegs();
    if let Some(corpus) = common::corpus_dir() {
        let valid = common::jpegs_in(&corpus.join("valid")).into_iter();
        files.extend(valid.filter(|p| keep(&p.file_name().unwrap().to_string_lossy())));
    }
    files
}

/// jhead's file filters (-model, -exonly, -orp, -orl, -quality): `jtool jhead` changes
/// the same files jhead changes, and exits with 1 where jhead does (no file let through).
#[test]
fn jhead_filters_pick_jheads_files() {
    let Some(jhead) = tool("jhead") else { return };
    let jtool = assert_cmd::cargo::cargo_bin("jtool");
    let files = testdata_and_valid(|name| {
        name.starts_with("cam_") || name.contains("480x640") || name.contains("noexif")
    });
    let mut failures = Vec::new();
    for filter in [
        &["-model", "Canon"][..],
        &["-model", "no such"],
        &["-exonly"],
        &["-orp"],
        &["-orl"],
        &["-quality", "75"],
        &["-quality", "90"],
        &["-quality", "100"],
    ] {
        let root = tempfile::tempdir().unwrap();
        let mut changed = Vec::new();
        for (who, prog, first) in [("jhead", &jhead, None), ("jtool", &jtool, Some("jhead"))] {
            let args = [filter, &["-cl", "filtered"]].concat();
            let (dir, names, out) = in_copies(root.path(), who, (prog, first), &files, &args);
            let touched: Vec<usize> = (0..files.len())
                .filter(|&i| {
                    std::fs::read(dir.join(&names[i])).unwrap() != std::fs::read(&files[i]).unwrap()
                })
                .collect();
            changed.push((out.status.code(), touched));
        }
        if changed[0] != changed[1] {
            failures.push(format!(
                "{filter:?}: jhead {:?}, jtool {:?}",
                changed[0], changed[1]
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The size of the Exif thumbnail of the file at `path`, if it has one.
fn exif_thumbnail_size(path: &Path) -> Option<(u16, u16)> {
    let data = std::fs::read(path).unwrap();
    let kind = Some(jtool::pipeline::ThumbnailKind::Exif);
    let thumb = jtool::pipeline::extract_thumbnail(&data, kind).ok()?;
    let frame = JpegFile::parse(&thumb).ok()?.frame()?;
    Some((frame.width, frame.height))
}

/// `jhead -rgt[N]`: the Exif thumbnail made anew within N×N (160 by default, 320 at
/// most), a file without one left alone. Against jhead itself (which needs
/// ImageMagick's mogrify) the thumbnails have the same sizes; the pixels are each
/// program's own reduction.
#[test]
fn jhead_rgt_fits_the_thumbnail_in_n_by_n() {
    let Some(jhead) = tool("jhead") else { return };
    let jtool = assert_cmd::cargo::cargo_bin("jtool");
    let files = testdata_and_valid(|name| name.starts_with("cam_"));
    let mogrify = common::on_path("mogrify").is_some();
    if !mogrify {
        eprintln!("note: no mogrify; jhead -rgt not run, jtool's sizes checked alone");
    }
    for args in [&["-rgt"][..], &["-rgt200"], &["-rgt64"]] {
        let root = tempfile::tempdir().unwrap();
        let (dir, names, out) =
            in_copies(root.path(), "jtool", (&jtool, Some("jhead")), &files, args);
        assert!(out.status.success(), "{args:?}: {out:?}");
        let side: u16 = args[0][4..].parse().unwrap_or(160);
        for (f, n) in files.iter().zip(&names) {
            let (before, after) = (exif_thumbnail_size(f), exif_thumbnail_size(&dir.join(n)));
            match before {
                None => assert_eq!(
                    std::fs::read(f).unwrap(),
                    std::fs::read(dir.join(n)).unwrap()
                ),
                Some(_) => {
                    // A thumbnail is never larger than the image.
                    let data = std::fs::read(f).unwrap();
                    let frame = JpegFile::parse(&data).unwrap().frame().unwrap();
                    let (w, h) = after.unwrap();
                    let whole = (w, h) == (frame.width, frame.height);
                    assert!(w.max(h) == side || whole, "{args:?} {n}: {w}x{h}");
                }
            }
        }
        if mogrify {
            let mut compared = 0;
            let (theirs, _, out) = in_copies(root.path(), "jhead", (&jhead, None), &files, args);
            assert!(out.status.success(), "{args:?}: {out:?}");
            for (f, n) in files.iter().zip(&names) {
                let (a, b) = (
                    exif_thumbnail_size(&dir.join(n)),
                    exif_thumbnail_size(&theirs.join(n)),
                );
                // mogrify enlarges an image smaller than the box; jtool does not.
                let data = std::fs::read(f).unwrap();
                let frame = JpegFile::parse(&data).unwrap().frame().unwrap();
                if frame.width.max(frame.height) >= side && a.is_some() {
                    assert_eq!(a, b, "{args:?} {n}");
                    compared += 1;
                }
            }
            eprintln!("jhead {args:?}: {compared} thumbnails of the same size as jhead's");
        }
    }
    let out = Command::new(&jtool)
        .args(["jhead", "-rgt321"])
        .arg(&files[0])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
}

/// `jhead -quality N` lets a file through when jhead's quality guess (its "JPEG Quality"
/// line) is N or more: for every corpus file jhead gives one, jtool's filter lets it
/// through at that value and not at the next.
#[test]
fn jhead_quality_filter_uses_jheads_guess() {
    let Some(jhead) = tool("jhead") else { return };
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let jtool = |q: u32, f: &Path| {
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("jtool"))
            .args(["jhead", "-quality", &q.to_string()])
            .arg(f)
            .output()
            .unwrap();
        out.status.code()
    };
    let (mut n, mut failures) = (0, Vec::new());
    for f in common::jpegs_in(&corpus.join("valid")) {
        let listing = std::process::Command::new(&jhead).arg(&f).output().unwrap();
        let text = String::from_utf8_lossy(&listing.stdout);
        let Some(q) = text
            .lines()
            .find_map(|l| l.strip_prefix("JPEG Quality : "))
            .and_then(|v| v.trim().parse::<u32>().ok())
        else {
            continue;
        };
        n += 1;
        let got = (jtool(q, &f), jtool(q + 1, &f));
        if got != (Some(0), Some(1)) {
            failures.push(format!("{}: jhead {q}, jtool exits {got:?}", f.display()));
        }
    }
    eprintln!("jhead -quality: {n} corpus files");
    assert!(n >= 200, "{n}");
    assert!(failures.is_empty(), "{failures:#?}");
}

/// `jhead -zt` and `jtool jhead -zt` (`strip --trim-exif-padding`): the zeros padding
/// an Exif segment are cut. jtool cuts nothing its entries, IFDs or thumbnail use, so
/// every entry reads as before (jhead cuts trailing zeros by its own rule, a used NUL
/// at the end included); a segment padded with 3,000 zeros loses exactly those.
#[test]
fn jhead_zt_trims_the_exif_padding() {
    let Some(jhead) = tool("jhead") else { return };
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let jtool = assert_cmd::cargo::cargo_bin("jtool");
    let root = tempfile::tempdir().unwrap();
    let padded = root.path().join("padded.jpg");
    let camera = std::fs::read(corpus.join("valid/cam_canon_digital_ixus_640x480.jpg")).unwrap();
    std::fs::write(&padded, pad_exif(&camera, 3000)).unwrap();
    let mut files = common::jpegs_in(&corpus.join("valid"));
    files.push(padded.clone());
    let (mut trimmed, mut same, mut failures) = (0, 0, Vec::new());
    for (i, f) in files.iter().enumerate() {
        let data = std::fs::read(f).unwrap();
        let mut outs = Vec::new();
        for (prog, first) in [(&jhead, None), (&jtool, Some("jhead"))] {
            let file = root.path().join(format!("{i}-{}.jpg", outs.len()));
            std::fs::write(&file, &data).unwrap();
            let status = Command::new(prog)
                .args(first)
                .arg("-zt")
                .arg(&file)
                .output()
                .unwrap();
            assert!(
                status.status.success() || first.is_none(),
                "{}",
                f.display()
            );
            outs.push(std::fs::read(&file).unwrap());
        }
        let entries = |d: &[u8]| jtool::inspect::exif_fields::exif_fields(d).unwrap_or_default();
        let ok = entries(&outs[1]) == entries(&data)
            && coefficient_hash(&outs[1]) == coefficient_hash(&data);
        if !ok {
            failures.push(f.display().to_string());
        }
        trimmed += usize::from(outs[1].len() < data.len());
        same += usize::from(outs[0] == outs[1]);
    }
    let padded_out = std::fs::read(root.path().join(format!("{}-1.jpg", files.len() - 1))).unwrap();
    assert_eq!(padded_out.len(), camera.len(), "exactly the padding cut");
    eprintln!(
        "jhead -zt: {} files, {trimmed} trimmed by jtool, {same} byte-identical to jhead's",
        files.len()
    );
    assert!(failures.is_empty(), "{failures:#?}");
}

/// `jpeg` (whose first segment is Exif APP1) with `n` zero bytes added to that segment.
fn pad_exif(jpeg: &[u8], n: usize) -> Vec<u8> {
    assert_eq!(&jpeg[2..4], &[0xFF, 0xE1]);
    let len = usize::from(u16::from_be_bytes([jpeg[4], jpeg[5]]));
    let mut out = jpeg[..4].to_vec();
    out.extend_from_slice(&u16::try_from(len + n).unwrap().to_be_bytes());
    out.extend_from_slice(&jpeg[6..4 + len]);
    out.extend(std::iter::repeat(0).take(n));
    out.extend_from_slice(&jpeg[4 + len..]);
    out
}

/// `jhead -cs NAME` and `jtool jhead -cs NAME` (`comment --extract`): the same comment
/// files, byte for byte, none for a file without a comment.
#[test]
fn jhead_cs_saves_the_comment() {
    let Some(jhead) = tool("jhead") else { return };
    let jtool = assert_cmd::cargo::cargo_bin("jtool");
    let files = common::testdata_and_valid_jpegs();
    let root = tempfile::tempdir().unwrap();
    let mut saved = Vec::new();
    for (who, prog, first) in [("jhead", &jhead, None), ("jtool", &jtool, Some("jhead"))] {
        let args = ["-cs", "c_&i.txt"];
        let (dir, _, out) = in_copies(root.path(), who, (prog, first), &files, &args);
        assert!(out.status.success(), "{who}");
        let mut texts: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .map(|p| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        texts.sort();
        saved.push(texts);
    }
    eprintln!(
        "jhead -cs: {} comment files of {} files",
        saved[0].len(),
        files.len()
    );
    assert!(!saved[0].is_empty());
    assert_eq!(saved[0], saved[1]);
}

/// Copies `files` into a new directory `root/who` as 0.jpg, 1.jpg… and runs the
/// program (with its first word, `jhead` for jtool) there on them after `args`: the
/// directory, the names and the run's output.
fn in_copies(
    root: &Path,
    who: &str,
    (prog, first): (&Path, Option<&str>),
    files: &[std::path::PathBuf],
    args: &[&str],
) -> (std::path::PathBuf, Vec<String>, std::process::Output) {
    let dir = root.join(who);
    std::fs::create_dir(&dir).unwrap();
    let names: Vec<String> = (0..files.len()).map(|i| format!("{i}.jpg")).collect();
    for (f, n) in files.iter().zip(&names) {
        std::fs::copy(f, dir.join(n)).unwrap();
    }
    let out = Command::new(prog)
        .args(first)
        .args(args)
        .args(&names)
        .current_dir(&dir)
        .output()
        .unwrap();
    (dir, names, out)
}
