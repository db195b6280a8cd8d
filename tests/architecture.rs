//! Layers depend downward only (../shared/docs/ARCHITECTURE.md §2): this test reads each
//! module's sources and fails on a `crate::` path into a layer above it.

use std::path::Path;

/// Each layer and the layers it may use.
const ALLOWED: &[(&str, &[&str])] = &[
    ("coeffs", &["error"]),
    ("container", &["coeffs", "error"]),
    ("entropy", &["container", "coeffs", "error"]),
    ("transform", &["coeffs", "error"]),
    ("pixels", &["coeffs", "error"]),
    ("inspect", &["container", "coeffs", "error"]),
    (
        "pipeline",
        &[
            "inspect",
            "transform",
            "pixels",
            "entropy",
            "container",
            "coeffs",
            "error",
        ],
    ),
];
const LAYERS: &[&str] = &[
    "coeffs",
    "container",
    "entropy",
    "transform",
    "pixels",
    "inspect",
    "pipeline",
];

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn layers_depend_downward_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut bad = Vec::new();
    for (layer, allowed) in ALLOWED {
        let mut files = Vec::new();
        sources(&src.join(layer), &mut files);
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for other in LAYERS
                .iter()
                .filter(|o| *o != layer && !allowed.contains(o))
            {
                if text.contains(&format!("crate::{other}")) {
                    bad.push(format!("{} uses crate::{other}", f.display()));
                }
            }
        }
    }
    // The CLI (src/cli) uses only the public API: no `crate::` paths into the library.
    let mut files = Vec::new();
    sources(&src.join("cli"), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        if LAYERS.iter().any(|l| text.contains(&format!("crate::{l}"))) {
            bad.push(format!(
                "{} reaches into the library with crate::",
                f.display()
            ));
        }
    }
    assert!(bad.is_empty(), "upward dependencies:\n{}", bad.join("\n"));
}
