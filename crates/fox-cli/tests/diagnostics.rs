//! Diagnostic goldens: every `tests/diagnostics/**/NAME.fox` is checked by
//! the real binary — `fox check [ARGS] NAME.fox` in the file's folder, ARGS
//! from `NAME.args` — and its stderr must equal `NAME.stderr` byte for byte
//! (stderr is a pipe, so rendering is plain), its exit status `NAME.exit`
//! (0 when absent). Every golden holds at least one diagnostic. Two more
//! properties per file: a program with errors gets the same blocks from
//! `fox run`, followed by "… program tidak dijalankan."; a program with
//! only warnings gets none of them from `fox run` (lints are `fox
//! check`'s). After an intended change, rewrite the goldens with
//! `UPDATE_GOLDEN=1 cargo test --release -p fox-cli --test diagnostics` and
//! review the diff. `FOX_FILTER=substring` selects files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "fox") {
            out.push(p);
        }
    }
}

fn fox(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fox"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env_remove("NO_COLOR")
        .output()
        .expect("run fox")
}

fn updating() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Check one file; returns its problems.
fn check_one(test: &Path) -> Vec<String> {
    let dir = test.parent().unwrap();
    let file = test.file_name().unwrap().to_str().unwrap();
    let extra = std::fs::read_to_string(test.with_extension("args")).unwrap_or_default();
    let mut args = vec!["check"];
    args.extend(extra.split_whitespace());
    args.push(file);
    let out = fox(dir, &args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code().unwrap_or(-1);
    let (golden, exit_file) = (test.with_extension("stderr"), test.with_extension("exit"));
    if updating() {
        std::fs::write(&golden, &stderr).unwrap();
        if code == 0 {
            let _ = std::fs::remove_file(&exit_file);
        } else {
            std::fs::write(&exit_file, format!("{code}\n")).unwrap();
        }
    }
    let mut problems = Vec::new();
    let name = test.display();
    let expected = std::fs::read_to_string(&golden).unwrap_or_default();
    if stderr != expected {
        problems.push(format!(
            "{name}: stderr differs\n--- expected\n{expected}\n--- actual\n{stderr}"
        ));
    }
    let want: i32 = std::fs::read_to_string(&exit_file)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    if code != want {
        problems.push(format!("{name}: exit {code}, expected {want}"));
    }
    let has_errors = stderr.contains("\nerror[") || stderr.starts_with("error[");
    let has_warnings = stderr.contains("\nwarning[") || stderr.starts_with("warning[");
    if !has_errors && !has_warnings {
        problems.push(format!("{name}: no diagnostic at all"));
    }
    if !out.stdout.is_empty() {
        problems.push(format!(
            "{name}: unexpected stdout {:?}",
            String::from_utf8_lossy(&out.stdout)
        ));
    }
    problems.extend(run_agrees(dir, file, &stderr, has_errors));
    problems
}

/// `fox run` shows the same errors as `fox check`, and no warnings.
fn run_agrees(dir: &Path, file: &str, check_stderr: &str, has_errors: bool) -> Option<String> {
    let run = fox(dir, &["run", file]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    if !has_errors {
        return stderr
            .contains("warning[")
            .then(|| format!("{file}: `fox run` printed lint warnings:\n{stderr}"));
    }
    let summary = format!("{file}: ");
    let blocks = check_stderr
        .rfind(&summary)
        .map_or(check_stderr, |i| &check_stderr[..i]);
    let errors = blocks.matches("error[").count();
    let expected =
        format!("{blocks}{file}: {errors} kesalahan ditemukan; program tidak dijalankan.\n");
    (stderr != expected || run.status.code() != Some(1)).then(|| {
        format!(
            "{file}: `fox run` (exit {:?}) differs from `fox check`\n--- expected\n{expected}\n--- actual\n{stderr}",
            run.status.code()
        )
    })
}

#[test]
fn diagnostics_match_goldens() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/diagnostics");
    let mut tests = Vec::new();
    collect(&root, &mut tests);
    if let Ok(f) = std::env::var("FOX_FILTER") {
        tests.retain(|t| t.to_string_lossy().contains(&f));
    } else {
        assert!(
            tests.len() >= 25,
            "expected the diagnostic fixtures, found {}",
            tests.len()
        );
    }
    let problems: Vec<String> = tests.iter().flat_map(|t| check_one(t)).collect();
    println!(
        "diagnostics: {} files, {} problems",
        tests.len(),
        problems.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
