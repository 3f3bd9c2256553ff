//! The conformance corpus under every execution mode (the tier matrix).
//! Every `tests/conformance/**/NAME.fox` is run by the real `fox` binary
//! (working directory = the test's folder, no stdin) under each mode of
//! `fox_qc::modes::MODES` — today the interpreter and round trips through
//! the VM image every 1, 7 and 101 safe points — and each must print
//! exactly `NAME.out` on stdout, exactly `NAME.stderr` on stderr (nothing
//! when that file is absent), and exit with the status in `NAME.exit` (0
//! when absent). A failure names the mode, the program and the first
//! differing line. Files and folders starting with `_` or ending in `_lib`
//! are helpers, not tests.
//!
//! `FOX_FILTER=substring` runs a subset of the programs, `FOX_MODES=jit,auto`
//! the modes whose names contain one of the parts (the interpreter always
//! runs; a part that names no mode is an error). `FOX_BLESS=1`
//! rewrites the expected files of failing tests with what the interpreter
//! did — review the diff before committing it.

use fox_qc::modes::{self, Mode, REFERENCE};
use fox_qc::run::{differences, run, Outcome};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Longest any one run may take.
const LIMIT: Duration = Duration::from_secs(120);

fn expected(test: &Path) -> Result<Outcome, String> {
    let stdout = std::fs::read(test.with_extension("out")).map_err(|e| e.to_string())?;
    let stderr = std::fs::read(test.with_extension("stderr")).unwrap_or_default();
    let code = std::fs::read_to_string(test.with_extension("exit"))
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    Ok(Outcome {
        stdout,
        stderr,
        code,
    })
}

/// Write what the interpreter did as the expected files.
fn bless(test: &Path, got: &Outcome) -> Result<(), String> {
    let io = |e: std::io::Error| e.to_string();
    std::fs::write(test.with_extension("out"), &got.stdout).map_err(io)?;
    if got.code != 0 || test.with_extension("exit").exists() {
        std::fs::write(test.with_extension("exit"), format!("{}\n", got.code)).map_err(io)?;
    }
    let stderr_file = test.with_extension("stderr");
    if !got.stderr.is_empty() {
        std::fs::write(&stderr_file, &got.stderr).map_err(io)?;
    } else if stderr_file.exists() {
        std::fs::remove_file(&stderr_file).map_err(io)?;
    }
    Ok(())
}

/// Run one program under every selected mode; the failures, each naming
/// its mode.
fn check(fox: &Path, test: &Path, modes: &[Mode]) -> Vec<String> {
    let dir = test.parent().unwrap_or(Path::new("."));
    let file = test.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let want = match expected(test) {
        Ok(w) => w,
        Err(e) => return vec![format!("expected files: {e}")],
    };
    let mut failures = Vec::new();
    for mode in modes {
        let got = match run(mode, fox, dir, file, LIMIT) {
            Ok(t) => t.outcome,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let mut problems = differences(&want, &got);
        if got.code == 101 || String::from_utf8_lossy(&got.stderr).contains("panicked") {
            problems.push("the VM panicked".to_string());
        }
        if problems.is_empty() {
            continue;
        }
        if mode.name == REFERENCE && std::env::var_os("FOX_BLESS").is_some() {
            if let Err(e) = bless(test, &got) {
                failures.push(format!("{}: bless: {e}", mode.name));
            }
            return failures;
        }
        failures.push(format!(
            "{}: {}\n--- stderr\n{}",
            mode.name,
            problems.join("\n"),
            String::from_utf8_lossy(&got.stderr)
        ));
    }
    failures
}

#[test]
fn conformance_corpus_under_every_mode() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance");
    let fox = PathBuf::from(env!("CARGO_BIN_EXE_fox"));
    let mut tests = fox_qc::corpus::programs(&root);
    if let Ok(f) = std::env::var("FOX_FILTER") {
        tests.retain(|t| t.to_string_lossy().contains(&f));
    }
    assert!(
        !tests.is_empty(),
        "no conformance tests found under {}",
        root.display()
    );
    let modes = modes::selected(&std::env::var("FOX_MODES").unwrap_or_default());
    assert!(modes.is_ok(), "FOX_MODES: {:?}", modes.err());
    let modes = modes.unwrap_or_default();
    let failures = std::sync::Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(t) = tests.get(i) else { break };
                let found = check(&fox, t, &modes);
                let rel = t.strip_prefix(&root).unwrap_or(t).display().to_string();
                if let Ok(mut f) = failures.lock() {
                    f.extend(found.into_iter().map(|why| (rel.clone(), why)));
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap_or_default();
    failures.sort();
    for (name, why) in &failures {
        eprintln!("\n=== FAIL {name} under {why}");
    }
    let names: Vec<&str> = modes.iter().map(|m| m.name).collect();
    eprintln!(
        "\nconformance: {} programs × {} modes ({}), {} failures",
        tests.len(),
        modes.len(),
        names.join(", "),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} conformance failure(s)",
        failures.len()
    );
}
