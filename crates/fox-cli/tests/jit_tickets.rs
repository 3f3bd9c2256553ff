//! Tickets written while compiled frames are live (`--tier jit`, every
//! function compiled before it first runs), resumed under the JIT and
//! under the interpreter: a ticket is always an interpreter-level
//! continuation, whichever tier wrote it and whichever resumes it. The
//! programs live in `tests/durable/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fox() -> &'static str {
    env!("CARGO_BIN_EXE_fox")
}

fn scratch(name: &str, program: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fox-jit-tiket-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{dir:?}: {e}"));
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/durable");
    std::fs::copy(src.join(program), dir.join(program)).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(fox())
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("fox {args:?}: {e}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn only_ticket(dir: &Path) -> String {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "z"))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(v.len(), 1, "{v:?}");
    v.pop()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The ticket's summary without what differs between any two runs.
fn summary(dir: &Path, ticket: &str) -> String {
    let out = run(dir, &["tiket", "show", "--json", ticket]);
    text(&out.stdout)
        .lines()
        .filter(|l| {
            // When and where it was written (the compressed size follows
            // the timestamp's digits), and the key of that folder.
            !l.contains("\"created")
                && !l.contains("\"path\"")
                && !l.contains("\"signed_by\"")
                && !l.contains("\"size\"")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn an_error_three_compiled_frames_deep_resumes_under_either_tier() {
    for resume_tier in ["jit", "interp"] {
        let dir = scratch(&format!("dalam-{resume_tier}"), "jit_dalam.fox");
        let first = run(
            &dir,
            &[
                "run",
                "--tier",
                "jit",
                "--jit-stats",
                "--tiket",
                "t",
                "jit_dalam.fox",
            ],
        );
        assert_eq!(first.status.code(), Some(1));
        let err = text(&first.stderr);
        // The compiled functions were live: the JIT compiled them.
        assert!(err.contains("dikompilasi baca"), "{err}");
        assert!(err.contains("dikompilasi olah"), "{err}");
        // The traceback is the interpreter's, line and column included.
        assert!(err.contains("jit_dalam.fox:6:28 di baca"), "{err}");
        assert!(err.contains("jit_dalam.fox:12:14 di langkah"), "{err}");
        assert!(err.contains("jit_dalam.fox:20:20 di olah"), "{err}");
        let expected: String = (1..=6)
            .map(|i| format!("langkah {i} {}\n", (1..=i).map(|k| 2 * k).sum::<i32>()))
            .collect();
        assert_eq!(text(&first.stdout), expected);
        let ticket = only_ticket(&dir.join("t"));

        std::fs::write(dir.join("data-7.txt"), "abcdef\n").unwrap_or_else(|e| panic!("{e}"));
        let resumed = run(&dir, &["resume", "--tier", resume_tier, &ticket]);
        assert!(resumed.status.success(), "{}", text(&resumed.stderr));
        assert_eq!(
            text(&resumed.stdout),
            "langkah 7 49\nlangkah 8 65\nlangkah 9 83\nlangkah 10 103\nhasil 103\n"
        );
    }
}

#[test]
fn a_budget_ticket_from_a_compiled_loop_equals_the_interpreters() {
    let mut summaries = Vec::new();
    for tier in ["interp", "jit"] {
        // The same folder for both runs (its path is inside the ticket).
        let dir = scratch("anggaran", "jit_anggaran.fox");
        let first = run(
            &dir,
            &[
                "run",
                "--tier",
                tier,
                "--max-instructions",
                "50000",
                "--tiket",
                "t",
                "jit_anggaran.fox",
            ],
        );
        assert_eq!(first.status.code(), Some(1), "{}", text(&first.stderr));
        assert_eq!(text(&first.stdout), "mulai\n");
        let ticket = only_ticket(&dir.join("t"));
        // Paused at the same safe point with the same state: the ticket
        // says the same, place and size included.
        summaries.push(summary(&dir, &ticket).replace(&dir.to_string_lossy().into_owned(), "$D"));
        for resume_tier in ["jit", "interp"] {
            let resumed = run(&dir, &["resume", "--keep", "--tier", resume_tier, &ticket]);
            assert!(resumed.status.success(), "{}", text(&resumed.stderr));
            assert_eq!(text(&resumed.stdout), "hasil 880006\n");
        }
    }
    assert_eq!(summaries[0], summaries[1]);
}
