//! The conformance corpus: every `tests/conformance/**/NAME.fox` is run by
//! the real `fox` binary (working directory = the test's folder, no stdin)
//! and must print exactly `NAME.out`, exit with the status in `NAME.exit`
//! (0 when absent), and write every line of `NAME.stderr` (if present)
//! somewhere in its stderr. Files and folders starting with `_` or ending
//! in `_lib` are helpers, not tests. `FOX_FILTER=substring` runs a subset.
//! `FOX_BLESS=1` rewrites the `.out` (and `.exit`) files of failing tests
//! with what the binary did — review the diff before committing it;
//! `.stderr` files are never rewritten.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn run_one(fox: &Path, test: &Path) -> Result<(), String> {
    let dir = test.parent().unwrap_or(Path::new("."));
    let file = test.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let expected_out = std::fs::read(test.with_extension("out")).map_err(|e| e.to_string())?;
    let expected_exit: i32 = std::fs::read_to_string(test.with_extension("exit"))
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    let mut child = Command::new(fox)
        .arg("run")
        .arg(file)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawn: {e}"))?;
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if start.elapsed() > Duration::from_secs(60) => {
                let _ = child.kill();
                return Err("timed out after 60 s".into());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(e.to_string()),
        }
    }
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    let code = output.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut problems = Vec::new();
    if std::env::var_os("FOX_BLESS").is_some()
        && (output.stdout != expected_out || code != expected_exit)
    {
        std::fs::write(test.with_extension("out"), &output.stdout).map_err(|e| e.to_string())?;
        if code != 0 || test.with_extension("exit").exists() {
            std::fs::write(test.with_extension("exit"), format!("{code}\n"))
                .map_err(|e| e.to_string())?;
        }
        return Ok(());
    }
    if output.stdout != expected_out {
        problems.push(format!(
            "stdout differs\n--- expected\n{}\n--- actual\n{}",
            String::from_utf8_lossy(&expected_out),
            String::from_utf8_lossy(&output.stdout)
        ));
    }
    if code != expected_exit {
        problems.push(format!("exit code {code}, expected {expected_exit}"));
    }
    if let Ok(want) = std::fs::read_to_string(test.with_extension("stderr")) {
        for line in want.lines().filter(|l| !l.trim().is_empty()) {
            if !stderr.contains(line) {
                problems.push(format!("stderr lacks {line:?}"));
            }
        }
    }
    if code == 101 || stderr.contains("panicked") {
        problems.push("the VM panicked".to_string());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n--- stderr\n{stderr}", problems.join("\n")))
    }
}

#[test]
fn conformance_corpus() {
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
    let failures = std::sync::Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(t) = tests.get(i) else { break };
                if let Err(e) = run_one(&fox, t) {
                    let rel = t.strip_prefix(&root).unwrap_or(t).display().to_string();
                    if let Ok(mut f) = failures.lock() {
                        f.push((rel, e));
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap_or_default();
    failures.sort();
    for (name, why) in &failures {
        eprintln!("\n=== FAIL {name}\n{why}");
    }
    eprintln!(
        "\nconformance: {} passed, {} failed",
        tests.len() - failures.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} conformance test(s) failed",
        failures.len()
    );
}
