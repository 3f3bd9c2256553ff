//! FoxIPC through the `fox` binary with a SQLite queue: a task that runs
//! longer than its timeout continues across attempts from its tickets,
//! `kirim_tugas` hands work to the queue from a Morph program, a full queue
//! refuses submissions with a clear error, and dead-lettered tasks can be
//! retried from the command line.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fox() -> &'static str {
    env!("CARGO_BIN_EXE_fox")
}

fn scratch(name: &str, programs: &[&str]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fox-ipc-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ipc");
    for p in programs {
        std::fs::copy(src.join(p), dir.join(p)).unwrap();
    }
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(fox())
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn status(dir: &Path, id: &str) -> serde_json::Value {
    let o = run(dir, &["ipc", "status", "--json", id]);
    assert!(o.status.success(), "{}", err(&o));
    serde_json::from_str(&out(&o)).unwrap()
}

#[test]
fn a_task_longer_than_its_timeout_continues_from_its_tickets() {
    let dir = scratch("lama", &["lama.fox"]);
    let full = run(&dir, &["run", "lama.fox"]);
    let s = run(
        &dir,
        &[
            "ipc",
            "submit",
            "--timeout-ms",
            "300",
            "--backoff-ms",
            "10",
            // Retries stay well inside the worker's idle time however many
            // attempts a slow machine needs (a doubling backoff would pass
            // 500 ms after six).
            "--backoff-max-ms",
            "100",
            "--max-attempts",
            "200",
            "lama.fox",
        ],
    );
    assert!(s.status.success(), "{}", err(&s));
    let id = out(&s).trim().to_string();
    let w = run(&dir, &["ipc", "worker", "--idle-exit-ms", "500", "--quiet"]);
    assert!(w.status.success(), "{}", err(&w));
    let t = status(&dir, &id);
    assert_eq!(t["state"], "selesai", "{t}");
    // Printed once, as in one uninterrupted run.
    assert_eq!(t["stdout"].as_str().unwrap(), out(&full));
    let attempts = t["attempts"].as_u64().unwrap();
    assert!(attempts >= 2, "never timed out: {t}");
    assert_eq!(t["resumed"].as_u64().unwrap(), attempts - 1, "{t}");
    assert_eq!(t["error_jenis"], "BatasWaktu");
}

#[test]
fn kirim_tugas_hands_work_to_the_queue() {
    let dir = scratch("kirim", &["pengirim.fox", "ok.fox"]);
    let r = run(&dir, &["run", "pengirim.fox"]);
    assert_eq!(out(&r), "terkirim 3\n", "{}", err(&r));
    let w = run(&dir, &["ipc", "worker", "--idle-exit-ms", "300", "--quiet"]);
    assert!(w.status.success(), "{}", err(&w));
    let list = run(&dir, &["ipc", "list", "--json"]);
    let tasks: serde_json::Value = serde_json::from_str(&out(&list)).unwrap();
    let mut outs: Vec<String> = tasks
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            assert_eq!(t["state"], "selesai", "{t}");
            t["stdout"].as_str().unwrap().to_string()
        })
        .collect();
    outs.sort();
    let expect = |n: usize| format!("ok {n} {}\n", (0..20000).map(|i| i * n).sum::<usize>());
    assert_eq!(outs, vec![expect(10), expect(20), expect(30)]);
}

#[test]
fn a_full_queue_refuses_and_dead_tasks_can_be_retried() {
    let dir = scratch("penuh", &["permanent.fox", "ok.fox"]);
    let c = run(&dir, &["ipc", "config", "--max-queued", "2"]);
    assert!(c.status.success(), "{}", err(&c));
    for _ in 0..2 {
        assert!(run(&dir, &["ipc", "submit", "ok.fox", "1"])
            .status
            .success());
    }
    let third = run(&dir, &["ipc", "submit", "ok.fox", "1"]);
    assert_eq!(third.status.code(), Some(1));
    assert!(err(&third).contains("antrean penuh"), "{}", err(&third));
    run(&dir, &["ipc", "worker", "--idle-exit-ms", "200", "--quiet"]);

    let s = run(
        &dir,
        &["ipc", "submit", "--max-attempts", "1", "permanent.fox", "7"],
    );
    let id = out(&s).trim().to_string();
    run(&dir, &["ipc", "worker", "--idle-exit-ms", "200", "--quiet"]);
    let t = status(&dir, &id);
    assert_eq!(t["state"], "mati", "{t}");
    assert_eq!(t["error_jenis"], "ErrorTetap");
    assert_eq!(t["ticket_summary"]["jenis"], "ErrorTetap", "{t}");
    let text = out(&run(&dir, &["ipc", "status", &id]));
    assert!(text.contains("keadaan    mati"), "{text}");
    assert!(text.contains("permanent.fox:3:1"), "{text}");
    let r = run(&dir, &["ipc", "retry", &id]);
    assert!(r.status.success(), "{}", err(&r));
    assert_eq!(status(&dir, &id)["state"], "gagal-coba-lagi");
    let again = run(&dir, &["ipc", "retry", "999"]);
    assert_eq!(again.status.code(), Some(1));
    let bad = run(&dir, &["ipc", "list", "--state", "aneh"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(err(&bad).contains("aneh"));
}
