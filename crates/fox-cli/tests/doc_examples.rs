//! Every example of the documentation runs: each ```` ```morph ```` block of
//! `docs/*.md` and `README.md` (format: `fox_doc::examples`) is run by the
//! real `fox` binary as `contoh.fox` in a fresh folder (with the document's
//! helper files and the block's ```` ```input ```` on stdin) and must print
//! exactly its ```` ```output ```` block and exit with its status. A failure
//! names the document and line. `FOX_DOC_FILTER=builtins` runs the documents
//! whose path contains the text; `UPDATE_GOLDEN=1` rewrites the output blocks
//! with what the examples print (not in `docs/stdlib.md`, which is generated
//! from the stdlib's doc comments: fix those and run `fox-doc`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fox_doc::examples::{self, Actual, Example};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

fn documents(root: &Path) -> Vec<PathBuf> {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "md"))
                .collect()
        })
        .unwrap_or_default();
    docs.sort();
    docs.push(root.join("README.md"));
    if let Ok(f) = std::env::var("FOX_DOC_FILTER") {
        docs.retain(|d| d.to_string_lossy().contains(&f));
    }
    docs
}

/// Run one example: what it printed and its stderr, or why it could not run.
fn run(fox: &Path, ex: &Example, n: usize) -> Result<(Actual, String), String> {
    let dir = std::env::temp_dir().join(format!("fox-doc-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    for (name, text) in &ex.helpers {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(path, text).map_err(|e| e.to_string())?;
    }
    std::fs::write(dir.join("contoh.fox"), &ex.source).map_err(|e| e.to_string())?;
    let mut child = Command::new(fox)
        .args(["run", "contoh.fox"])
        .current_dir(&dir)
        .stdin(if ex.input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawn: {e}"))?;
    if let (Some(mut stdin), Some(text)) = (child.stdin.take(), &ex.input) {
        let _ = stdin.write_all(text.as_bytes());
    }
    let start = Instant::now();
    while child.try_wait().map_err(|e| e.to_string())?.is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            return Err("timed out after 60 s".into());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let exit = out.status.code().unwrap_or(-1);
    if exit == 101 || stderr.contains("panicked") {
        return Err(format!("fox panicked\n--- stderr\n{stderr}"));
    }
    let stdout = String::from_utf8(out.stdout).map_err(|_| "stdout is not UTF-8".to_string())?;
    Ok((Actual { stdout, exit }, stderr))
}

/// Why `actual` is not what the example expects, if it is not.
fn check(ex: &Example, actual: &Actual, stderr: &str) -> Result<(), String> {
    let mut why = String::new();
    if actual.exit != ex.exit {
        why.push_str(&format!(
            "exit status {}, expected {}\n",
            actual.exit, ex.exit
        ));
    }
    if actual.stdout != ex.expected {
        why.push_str(&format!(
            "stdout differs\n--- expected\n{}--- actual\n{}",
            ex.expected, actual.stdout
        ));
    }
    if why.is_empty() {
        Ok(())
    } else {
        Err(format!("{why}--- stderr\n{stderr}"))
    }
}

#[test]
fn documentation_examples_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let fox = PathBuf::from(env!("CARGO_BIN_EXE_fox"));
    let bless = std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| !v.is_empty() && v != "0");
    let mut failures: Vec<String> = Vec::new();
    let mut jobs: Vec<(usize, Example)> = Vec::new();
    let docs = documents(&root);
    for (d, doc) in docs.iter().enumerate() {
        let text = std::fs::read_to_string(doc).unwrap_or_default();
        match examples::extract(&text) {
            Ok(exs) => jobs.extend(exs.into_iter().map(|e| (d, e))),
            Err(errs) => failures.extend(
                errs.iter()
                    .map(|e| format!("{}:{}: {}", rel(&root, doc), e.line, e.message)),
            ),
        }
    }
    let results: Mutex<Vec<(usize, Example, Result<(), String>, Option<Actual>)>> =
        Mutex::new(Vec::new());
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some((d, ex)) = jobs.get(i) else { break };
                let (res, actual) = match run(&fox, ex, i) {
                    Ok((a, stderr)) => (check(ex, &a, &stderr), Some(a)),
                    Err(e) => (Err(e), None),
                };
                results.lock().unwrap().push((*d, ex.clone(), res, actual));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|r| (r.0, r.1.line));
    for (d, doc) in docs.iter().enumerate() {
        let mine: Vec<_> = results.iter().filter(|r| r.0 == d).collect();
        let generated = doc.ends_with("docs/stdlib.md");
        if bless && !generated {
            let blessed: Vec<(Example, Actual)> = mine
                .iter()
                .filter_map(|r| r.3.clone().map(|a| (r.1.clone(), a)))
                .collect();
            let text = std::fs::read_to_string(doc).unwrap_or_default();
            let new = examples::bless(&text, &blessed);
            if new != text {
                std::fs::write(doc, new).unwrap();
            }
        }
        for (_, ex, res, actual) in mine {
            if let Err(why) = res {
                if !(bless && !generated && actual.is_some()) {
                    failures.push(format!("{}:{}: {why}", rel(&root, doc), ex.line));
                }
            }
        }
    }
    for f in &failures {
        eprintln!("\n=== FAIL {f}");
    }
    eprintln!(
        "\ndoc examples: {} run in {} documents, {} failed",
        results.len(),
        docs.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} documentation example(s) failed",
        failures.len()
    );
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}
