//! Every `.fox` program of the shared benchmark kit (`shared/bench`, beside
//! the repository) parses without diagnostics. Skipped when the directory is
//! not there.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

fn bench_dir() -> Option<PathBuf> {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench");
    [beside, PathBuf::from("/work/shared/bench")]
        .into_iter()
        .find(|p| p.is_dir())
}

#[test]
fn bench_programs_parse_cleanly() {
    let Some(dir) = bench_dir() else {
        eprintln!("shared/bench not found; skipping");
        return;
    };
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "fox"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    for f in &files {
        let src = fs::read_to_string(f).unwrap();
        let parsed = morph_syntax::parse(&src);
        if !parsed.diagnostics.is_empty() || parsed.program.body.is_empty() {
            failures.push(format!("{}: {:?}", f.display(), parsed.diagnostics));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
