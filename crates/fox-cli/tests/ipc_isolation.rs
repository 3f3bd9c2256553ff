//! One task cannot take down a worker: with real `fox ipc worker` processes
//! on a SQLite queue, a task that panics, one that aborts its process, one
//! that never ends, one that sleeps past its timeout, one stuck inside a
//! single native operation, one that prints without end, one that runs out
//! of heap or CPU time, one that takes memory the VM does not count and one
//! that is cancelled while it runs each fail (or stop) alone, and the
//! worker goes on with the next task. Panics, aborts and uncounted memory
//! are produced on demand with the runner's `FOX_IPC_FAULT` fault
//! injection, since Fox VM itself is meant to have none.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn fox() -> &'static str {
    env!("CARGO_BIN_EXE_fox")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fox-iso-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
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

/// Write `source` as `name` in `dir` and submit it with `opts`; the id.
fn submit(dir: &Path, name: &str, source: &str, opts: &[&str]) -> String {
    std::fs::write(dir.join(name), source).unwrap();
    let mut args = vec!["ipc", "submit"];
    args.extend_from_slice(opts);
    args.push(name);
    let o = run(dir, &args);
    assert!(o.status.success(), "{}", err(&o));
    out(&o).trim().to_string()
}

fn status(dir: &Path, id: &str) -> serde_json::Value {
    let o = run(dir, &["ipc", "status", "--json", id]);
    assert!(o.status.success(), "{}", err(&o));
    serde_json::from_str(&out(&o)).unwrap()
}

/// A worker that exits once the queue has been idle for a while.
fn worker(dir: &Path, env: &[(&str, &str)], extra: &[&str]) -> Output {
    let mut cmd = Command::new(fox());
    cmd.args(["ipc", "worker", "--idle-exit-ms", "700"])
        .args(extra)
        .current_dir(dir)
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

const OK: &str = "tulis(\"baik\")\n";

#[test]
fn a_panicking_or_aborting_task_fails_alone() {
    let dir = scratch("panik");
    let panics = submit(&dir, "a.fox", OK, &["--max-attempts", "3"]);
    let aborts = submit(
        &dir,
        "b.fox",
        OK,
        &["--max-attempts", "2", "--backoff-ms", "10"],
    );
    let hogs = submit(&dir, "d.fox", OK, &["--max-attempts", "1"]);
    let fine = submit(&dir, "c.fox", OK, &[]);
    let fault = format!("panic:{panics},abort:{aborts},hog:{hogs}");
    let w = worker(
        &dir,
        &[("FOX_IPC_FAULT", &fault)],
        &["--max-heap-bytes", "32M"],
    );
    assert!(w.status.success(), "worker died: {}", err(&w));

    let p = status(&dir, &panics);
    // A panic is a bug in Fox VM: no retry would help.
    assert_eq!(p["state"], "mati", "{p}");
    assert_eq!(p["attempts"], 1, "{p}");
    assert_eq!(p["error_jenis"], "ErrorInternal", "{p}");
    assert!(
        p["error_pesan"]
            .as_str()
            .unwrap()
            .contains("panik disengaja"),
        "{p}"
    );

    let a = status(&dir, &aborts);
    // A dead child process: retried, then dead-lettered.
    assert_eq!(a["state"], "mati", "{a}");
    assert_eq!(a["attempts"], 2, "{a}");
    assert_eq!(a["error_jenis"], "ErrorPekerja", "{a}");
    assert!(
        a["error_pesan"].as_str().unwrap().contains("SIGABRT"),
        "{a}"
    );

    let h = status(&dir, &hogs);
    // Memory the VM does not count: the worker's watchdog stops the child.
    assert_eq!(h["state"], "mati", "{h}");
    assert_eq!(h["error_jenis"], "ErrorMemori", "{h}");
    assert!(
        h["error_pesan"]
            .as_str()
            .unwrap()
            .contains("dihentikan paksa"),
        "{h}"
    );

    let f = status(&dir, &fine);
    assert_eq!(f["state"], "selesai", "{f}");
    assert_eq!(f["stdout"], "baik\n");
}

#[test]
fn endless_sleeping_and_chatty_tasks_are_stopped_by_their_limits() {
    let dir = scratch("batas");
    let endless = submit(
        &dir,
        "putar.fox",
        "biar i = 0\nselama benar maka\n    i = i + 1\nakhir\n",
        &[
            "--timeout-ms",
            "400",
            "--max-attempts",
            "2",
            "--backoff-ms",
            "10",
        ],
    );
    let sleeper = submit(
        &dir,
        "tidur.fox",
        "tulis(\"mulai\")\n_sys_tidur(3600)\ntulis(\"bangun\")\n",
        &["--timeout-ms", "400", "--max-attempts", "1"],
    );
    let chatty = submit(
        &dir,
        "cerewet.fox",
        "selama benar maka\n    tulis(\"bla bla bla bla bla bla bla bla\")\nakhir\n",
        &[],
    );
    let fine = submit(&dir, "ok.fox", OK, &[]);
    let t = Instant::now();
    let w = worker(&dir, &[], &["--max-output-bytes", "65536"]);
    assert!(w.status.success(), "worker died: {}", err(&w));
    // Two attempts of 0.4 s, one of 0.4 s, the rest quick: nowhere near an
    // hour of sleep.
    assert!(t.elapsed() < Duration::from_secs(30), "{:?}", t.elapsed());

    let e = status(&dir, &endless);
    assert_eq!(e["state"], "mati", "{e}");
    assert_eq!(e["error_jenis"], "BatasWaktu", "{e}");
    assert_eq!(e["attempts"], 2, "{e}");
    // The second attempt continued the first one's ticket.
    assert_eq!(e["resumed"], 1, "{e}");

    let s = status(&dir, &sleeper);
    assert_eq!(s["state"], "mati", "{s}");
    assert_eq!(s["error_jenis"], "BatasWaktu", "{s}");
    assert_eq!(s["stdout"], "mulai\n", "{s}");

    let c = status(&dir, &chatty);
    assert_eq!(c["state"], "mati", "{c}");
    assert_eq!(c["error_jenis"], "BatasKeluaran", "{c}");
    assert_eq!(c["attempts"], 1, "{c}");
    assert_eq!(c["stdout"].as_str().unwrap().len(), 65536, "output capped");

    assert_eq!(status(&dir, &fine)["state"], "selesai");
}

#[test]
fn a_task_stuck_in_one_native_operation_is_killed_at_its_deadline() {
    let dir = scratch("macet");
    // A peer that accepts and never answers: `_net_terima` blocks inside
    // one operation, where the VM cannot stop itself.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    let program = format!(
        "biar k = _net_konek(\"127.0.0.1\", {port})\ntulis(\"tersambung\")\ntulis(_net_terima(k, 10))\n"
    );
    let grant = format!("--allow-net=127.0.0.1:{port}");
    let stuck = submit(
        &dir,
        "macet.fox",
        &program,
        &["--timeout-ms", "500", "--max-attempts", "1", &grant],
    );
    let fine = submit(&dir, "ok.fox", OK, &[]);
    let t = Instant::now();
    let w = worker(&dir, &[], &["--allow-net=127.0.0.1"]);
    assert!(w.status.success(), "worker died: {}", err(&w));
    // Killed at timeout + grace (2 s), long before the 30 s network timeout.
    assert!(t.elapsed() < Duration::from_secs(15), "{:?}", t.elapsed());
    let s = status(&dir, &stuck);
    assert_eq!(s["state"], "mati", "{s}");
    assert_eq!(s["error_jenis"], "BatasWaktu", "{s}");
    assert!(
        s["error_pesan"]
            .as_str()
            .unwrap()
            .contains("dihentikan paksa"),
        "{s}"
    );
    assert_eq!(status(&dir, &fine)["state"], "selesai");
}

#[test]
fn cancelling_a_running_task_stops_it_and_the_worker_goes_on() {
    let dir = scratch("batal");
    let endless = submit(
        &dir,
        "putar.fox",
        "tulis(\"mulai\")\nselama benar maka\nakhir\n",
        &["--priority", "10"],
    );
    let mut w = Command::new(fox())
        .args(["ipc", "worker", "--idle-exit-ms", "1500"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while status(&dir, &endless)["state"] != "berjalan" {
        assert!(Instant::now() < deadline, "never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    let fine = submit(&dir, "ok.fox", OK, &[]);
    let c = run(&dir, &["ipc", "cancel", &endless]);
    assert!(c.status.success(), "{}", err(&c));
    let t = Instant::now();
    // The worker is single-threaded: the next task runs only once the
    // cancelled one was really stopped.
    while status(&dir, &fine)["state"] != "selesai" {
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "cancelled task still occupies the worker"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let code = w.wait().unwrap();
    let mut log = String::new();
    w.stderr.take().unwrap().read_to_string(&mut log).unwrap();
    assert!(code.success(), "{log}");
    assert!(log.contains("ditinggalkan: dibatalkan"), "{log}");
    assert_eq!(status(&dir, &endless)["state"], "dibatalkan");
}

#[test]
fn memory_and_cpu_hungry_tasks_fail_alone() {
    let dir = scratch("lapar");
    // Doubles a text until the task's heap limit stops it (uncaught).
    let memory = submit(
        &dir,
        "memori.fox",
        "biar s = \"abc\"\nselama benar maka\n    s = s + s\nakhir\n",
        &["--max-attempts", "1"],
    );
    // Asks for a smaller heap than the worker gives: gets it.
    let small = submit(
        &dir,
        "kecil.fox",
        "coba\n    biar l = [0] * 10000000\n    tulis(\"muat\")\ntangkap e\n    tulis(e.jenis)\nakhir\n",
        &["--max-heap-bytes", "16M"],
    );
    // Burns CPU without end; the timeout is long, the CPU limit is not.
    let cpu = submit(
        &dir,
        "cpu.fox",
        "biar i = 0\nselama benar maka\n    i = i + 1\nakhir\n",
        &["--timeout-ms", "60000", "--max-attempts", "1"],
    );
    let fine = submit(&dir, "ok.fox", OK, &[]);
    let t = Instant::now();
    let w = worker(
        &dir,
        &[],
        &["--max-heap-bytes", "64M", "--max-cpu-ms", "300"],
    );
    assert!(w.status.success(), "worker died: {}", err(&w));
    assert!(t.elapsed() < Duration::from_secs(30), "{:?}", t.elapsed());

    let m = status(&dir, &memory);
    assert_eq!(m["state"], "mati", "{m}");
    assert_eq!(m["error_jenis"], "ErrorMemori", "{m}");
    assert!(m["error_pesan"].as_str().unwrap().contains("64 MiB"), "{m}");

    let s = status(&dir, &small);
    assert_eq!(s["state"], "selesai", "{s}");
    assert_eq!(s["stdout"], "ErrorMemori\n", "{s}");

    let c = status(&dir, &cpu);
    assert_eq!(c["state"], "mati", "{c}");
    assert_eq!(c["error_jenis"], "BatasCPU", "{c}");

    assert_eq!(status(&dir, &fine)["state"], "selesai");
}

/// Pids of the live (not zombie) children of `parent`, from `/proc`.
#[cfg(target_os = "linux")]
fn children_of(parent: u32) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // "pid (comm) state ppid …": comm may hold spaces, so split after
        // its closing parenthesis.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            continue;
        };
        let mut fields = rest.split_whitespace();
        let (state, ppid) = (fields.next(), fields.next());
        if state != Some("Z") && ppid == Some(parent.to_string().as_str()) {
            found.push(pid);
        }
    }
    found
}

#[cfg(target_os = "linux")]
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            s.rsplit_once(')')
                .and_then(|(_, r)| r.split_whitespace().next())
                .is_some_and(|state| state != "Z")
        })
        .unwrap_or(false)
}

#[cfg(target_os = "linux")]
#[test]
fn a_killed_worker_takes_its_running_child_with_it() {
    let dir = scratch("yatim");
    let endless = submit(
        &dir,
        "putar.fox",
        "tulis(\"mulai\")\nselama benar maka\nakhir\n",
        &[],
    );
    let mut w = Command::new(fox())
        .args(["ipc", "worker", "--quiet"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while status(&dir, &endless)["state"] != "berjalan" {
        assert!(Instant::now() < deadline, "never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    let runners = children_of(w.id());
    assert_eq!(runners.len(), 1, "one child runner expected: {runners:?}");
    w.kill().unwrap();
    w.wait().unwrap();
    // The endless task would keep its orphaned runner busy for the whole
    // task timeout (300 s) if nothing ended it.
    let t = Instant::now();
    while alive(runners[0]) {
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "runner {} outlived its worker",
            runners[0]
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // The task itself is not lost: it is still leased (to the dead worker)
    // and will be taken again when the lease expires.
    assert_eq!(status(&dir, &endless)["state"], "berjalan");
}
