//! Host permissions through the `fox` binary, driven by the Morph programs
//! in `tests/permissions/`. A program declares its runs in header comments:
//!
//! ```text
//! # run sandbox: --sandbox
//! # run izin: --allow-read=$D/data
//! # pohon
//! ```
//!
//! Each run is `fox run --store sqlite:$D/store.db FLAGS prog.fox $D $P $Q`
//! in a fresh fixture directory `$D` (see `support/izin.rs`), with `$D` as
//! the working directory, `$P` and `$Q` the ports of two echo servers on
//! 127.0.0.1 and only the `FOX_UJI_*`/`BUKAN_UJI` variables in the
//! environment. Its stdout — then `--- status N` and stderr if it failed,
//! then `--- pohon` and the fixture's tree if the program asks — with the
//! fixture, the test directory and the ports written `$D`, `$T`, `$P`,
//! `$Q`, must equal `prog.NAME.out`. `FOX_BLESS=1` writes missing or
//! changed `.out` files (read every one before committing it). Files whose
//! name starts with `_` are modules the programs import, not programs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/izin.rs"]
mod izin;

use std::path::{Path, PathBuf};

struct Run {
    name: String,
    flags: Vec<String>,
}

/// The runs a program declares, and whether its tree is shown.
fn header(src: &str, file: &Path) -> (Vec<Run>, bool) {
    let mut runs = Vec::new();
    let mut tree = false;
    for line in src.lines() {
        let Some(comment) = line.trim().strip_prefix('#') else {
            continue;
        };
        let comment = comment.trim();
        if comment == "pohon" {
            tree = true;
        } else if let Some(run) = comment.strip_prefix("run ") {
            let (name, flags) = run.split_once(':').unwrap_or_else(|| {
                panic!("{}: '# run NAME: FLAGS' expected: {line}", file.display())
            });
            let name = name.trim().to_string();
            assert!(
                !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
                "{}: bad run name '{name}'",
                file.display()
            );
            assert!(
                runs.iter().all(|r: &Run| r.name != name),
                "{}: run '{name}' twice",
                file.display()
            );
            runs.push(Run {
                name,
                flags: flags.split_whitespace().map(str::to_string).collect(),
            });
        }
    }
    (runs, tree)
}

fn listing(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn every_permission_is_denied_without_its_flag_and_allowed_with_it() {
    let tests =
        std::fs::canonicalize(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/permissions"))
            .unwrap();
    let before = listing(&tests);
    let (p, q) = (izin::echo_server(), izin::echo_server());
    let mut failures = Vec::new();
    let mut runs_done = 0;
    for prog in before.iter().filter(|f| {
        f.extension().is_some_and(|e| e == "fox")
            && !f.file_name().unwrap().to_string_lossy().starts_with('_')
    }) {
        let stem = prog.file_stem().unwrap().to_string_lossy().into_owned();
        let src = std::fs::read_to_string(prog).unwrap();
        let (runs, show_tree) = header(&src, prog);
        assert!(!runs.is_empty(), "{}: no '# run' lines", prog.display());
        // No expected output without a run that makes it.
        for f in &before {
            let n = f.file_name().unwrap().to_string_lossy();
            if let Some(run) = n
                .strip_prefix(&format!("{stem}."))
                .and_then(|r| r.strip_suffix(".out"))
            {
                if !runs.iter().any(|r| r.name == run) {
                    failures.push(format!("{}: no run '{run}' makes it", f.display()));
                }
            }
        }
        for run in &runs {
            let d = izin::fixture(&format!("{stem}-{}", run.name));
            let names = izin::Names {
                paths: vec![
                    (d.to_string_lossy().into_owned(), "$D".to_string()),
                    (tests.to_string_lossy().into_owned(), "$T".to_string()),
                ],
                ports: vec![(p, "$P".to_string()), (q, "$Q".to_string())],
            };
            let flags: Vec<String> = run.flags.iter().map(|f| names.expand(f)).collect();
            let out = izin::fox_command(&d)
                .arg("run")
                .arg("--store")
                .arg(format!("sqlite:{}/store.db", d.display()))
                .args(&flags)
                .arg(prog)
                .arg(&d)
                .arg(p.to_string())
                .arg(q.to_string())
                .output()
                .unwrap();
            let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
            if !out.status.success() {
                text.push_str(&format!(
                    "--- status {}\n{}",
                    out.status.code().unwrap_or(-1),
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
            if show_tree {
                text.push_str("--- pohon\n");
                text.push_str(&izin::tree(&d));
            }
            let expected = tests.join(format!("{stem}.{}.out", run.name));
            if let Err(e) = izin::check_expected(&expected, &names.normalize(&text)) {
                failures.push(format!(
                    "fox run {} {stem}.fox:\n{e}",
                    names.normalize(&flags.join(" "))
                ));
            }
            runs_done += 1;
            let _ = std::fs::remove_dir_all(&d);
        }
    }
    assert!(runs_done > 0, "no programs in {}", tests.display());
    // Nothing was written beside the programs (blessed .out files aside).
    let after: Vec<PathBuf> = listing(&tests)
        .into_iter()
        .filter(|f| f.extension().is_none_or(|e| e != "out"))
        .collect();
    let before: Vec<PathBuf> = before
        .into_iter()
        .filter(|f| f.extension().is_none_or(|e| e != "out"))
        .collect();
    assert_eq!(after, before, "a run wrote into the test directory");
    assert!(
        failures.is_empty(),
        "{} of {runs_done} runs differ:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
