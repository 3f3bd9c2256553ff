//! Golden tests: every `fixtures/ok/*.fox` parses without diagnostics to the
//! tree in the matching `.ast` file (see `morph_syntax::sexpr`), and every
//! `fixtures/err/*.fox` produces exactly the diagnostics of its `.diag` file
//! (`CODE line:col message`, one per line, then an indented line per
//! secondary label and per help). Run with `UPDATE_GOLDEN=1` to
//! rewrite the golden files from the current output.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use morph_syntax::{parse, sexpr, LineIndex};
use std::fs;
use std::path::{Path, PathBuf};

fn fixture_dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(kind)
}

fn fox_files(kind: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(fixture_dir(kind))
        .expect("fixture dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "fox"))
        .collect();
    files.sort();
    files
}

fn updating() -> bool {
    std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1")
}

/// Compare `actual` with the golden file (or rewrite it); returns a failure.
fn check_golden(golden: &Path, actual: &str) -> Option<String> {
    if updating() {
        fs::write(golden, actual).expect("write golden");
        return None;
    }
    let expected = fs::read_to_string(golden).unwrap_or_default();
    if expected == actual {
        return None;
    }
    Some(format!(
        "{}: output differs from golden\n--- expected\n{expected}\n--- actual\n{actual}",
        golden.display()
    ))
}

/// `CODE line:col message` per diagnostic.
pub fn render_diagnostics(src: &str) -> String {
    let parsed = parse(src);
    let index = LineIndex::new(src);
    let mut out = String::new();
    for d in &parsed.diagnostics {
        let (line, col) = index.line_col(src, d.span.start);
        out.push_str(&format!("{} {line}:{col} {}\n", d.code, d.message));
        for l in &d.labels {
            let (line, col) = index.line_col(src, l.span.start);
            out.push_str(&format!("  label {line}:{col} {}\n", l.message));
        }
        for h in &d.help {
            out.push_str(&format!("  help: {h}\n"));
        }
    }
    out
}

#[test]
fn ok_fixtures_parse_to_golden_trees() {
    let files = fox_files("ok");
    assert!(files.len() >= 20, "expected many ok fixtures");
    let mut failures = Vec::new();
    for file in &files {
        let src = fs::read_to_string(file).expect("read fixture");
        let parsed = parse(&src);
        if !parsed.diagnostics.is_empty() {
            failures.push(format!(
                "{}: unexpected diagnostics:\n{}",
                file.display(),
                render_diagnostics(&src)
            ));
            continue;
        }
        let actual = sexpr::program(&parsed.program);
        if let Some(f) = check_golden(&file.with_extension("ast"), &actual) {
            failures.push(f);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn err_fixtures_report_golden_diagnostics() {
    let files = fox_files("err");
    assert!(files.len() >= 12, "expected many err fixtures");
    let mut failures = Vec::new();
    for file in &files {
        let src = fs::read_to_string(file).expect("read fixture");
        let actual = render_diagnostics(&src);
        if actual.is_empty() {
            failures.push(format!("{}: no diagnostics", file.display()));
            continue;
        }
        // The tree of a broken file must still render.
        let _ = sexpr::program(&parse(&src).program);
        if let Some(f) = check_golden(&file.with_extension("diag"), &actual) {
            failures.push(f);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
