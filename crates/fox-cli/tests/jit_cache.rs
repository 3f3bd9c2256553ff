//! The JIT's code-cache limit (`--jit-code-limit`): when the cache is
//! full, every function drops its compiled code and compiling starts over
//! in a fresh code area, while compiled frames of the old one still run.
//! The program (`tests/jit/cache_evict.fox`) fills a small cache again and
//! again in the middle of a deep recursion of compiled frames, with an
//! exception and a generator crossing the evictions; its output must equal
//! the interpreter's, and `--jit-stats` must show the evictions happened.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn program() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/jit/cache_evict.fox")
}

fn fox(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fox"))
        .args(args)
        .env_remove("FOX_JIT_THRESHOLD")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("fox {args:?}: {e}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// How often `--jit-stats` says the cache was full.
fn evictions(stderr: &str) -> u64 {
    stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("cache kode penuh "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn interpreted() -> String {
    let p = program();
    let out = fox(&["run", "--tier", "interp", p.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 4, "{stdout}");
    stdout
}

#[test]
fn evicting_under_live_compiled_frames_keeps_the_output() {
    let expected = interpreted();
    let p = program();
    for (tier, threshold) in [("jit", "0"), ("auto", "3")] {
        let out = fox(&[
            "run",
            "--tier",
            tier,
            "--jit-threshold",
            threshold,
            "--jit-code-limit",
            "6000",
            "--jit-stats",
            p.to_str().unwrap(),
        ]);
        let stderr = text(&out.stderr);
        assert!(out.status.success(), "{tier}: {stderr}");
        assert_eq!(text(&out.stdout), expected, "{tier}: {stderr}");
        let n = evictions(&stderr);
        assert!(
            n >= 3,
            "{tier}: expected several evictions, saw {n}:\n{stderr}"
        );
        assert!(stderr.contains("area kode dibuang"), "{stderr}");
    }
}

#[test]
fn a_roomy_cache_never_evicts() {
    let expected = interpreted();
    let p = program();
    let out = fox(&["run", "--tier", "jit", "--jit-stats", p.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(text(&out.stdout), expected);
    assert_eq!(evictions(&stderr), 0, "{stderr}");
}

#[test]
fn a_cache_smaller_than_one_function_still_runs_correctly() {
    // Every compilation finds the cache full: code is dropped before each
    // new function, which then runs compiled until the next one.
    let expected = interpreted();
    let p = program();
    let out = fox(&[
        "run",
        "--tier",
        "jit",
        "--jit-code-limit",
        "1",
        "--jit-stats",
        p.to_str().unwrap(),
    ]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(text(&out.stdout), expected);
    assert!(evictions(&stderr) > 20, "{stderr}");
}
