//! Chaos: 1,000 tasks on a SQLite queue drained by 3 worker processes, one
//! of which is killed with SIGKILL (and restarted) every few hundred
//! milliseconds. Some tasks fail transiently (their input file appears
//! later), some permanently. Afterwards every task is `selesai` or `mati`,
//! none is lost, none completed twice, the idempotency keys held, every
//! finished task printed its output exactly once, and the transient ones
//! resumed from their tickets instead of starting over.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fox_ipc::{QueueSpec, TaskSpec, TaskState};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const OK: usize = 800;
const TRANSIENT: usize = 150;
const PERMANENT: usize = 50;
/// Loop length of each ok task: long enough (about 10 ms) that the ok tasks
/// are still running while workers are being killed; with 1 ms tasks they
/// were all done before the second kill and few kills hit a running task.
const OK_ITERATIONS: usize = 200_000;

fn fox() -> &'static str {
    env!("CARGO_BIN_EXE_fox")
}

fn program(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/ipc")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p:?}: {e}"))
}

fn worker(dir: &Path, db: &str) -> Child {
    Command::new(fox())
        .args([
            "ipc",
            "worker",
            "--store",
            db,
            "--concurrency",
            "2",
            "--lease",
            "1",
            "--quiet",
            // Tasks start with no host access; the transient ones ask for
            // their input directory, and this is as far as they get.
            "--allow-read=ada",
        ])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn three_workers_killed_at_random_lose_nothing_and_finish_once() {
    let dir: PathBuf = std::env::temp_dir().join(format!("fox-chaos-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("ada")).unwrap();
    let db_path = dir.join("antrean.db");
    let db = format!("sqlite:{}", db_path.display());
    let mut q = fox_ipc::open(&QueueSpec::Sqlite(db_path.clone())).unwrap();
    let mut s = q.settings().unwrap();
    // The breaker would pause the failing programs for long stretches.
    s.breaker_cooldown = 0.2;
    q.set_settings(&s).unwrap();

    let (ok, transient, permanent) = (
        program("ok.fox"),
        program("transient.fox"),
        program("permanent.fox"),
    );
    let mut kinds = Vec::new();
    let mut ids = Vec::new();
    for n in 0..OK + TRANSIENT + PERMANENT {
        let (kind, name, src, attempts) = if n < OK {
            ("ok", "ok.fox", &ok, 20)
        } else if n < OK + TRANSIENT {
            ("transient", "transient.fox", &transient, 40)
        } else {
            ("permanent", "permanent.fox", &permanent, 3)
        };
        let spec = TaskSpec {
            name: name.into(),
            program: src.clone(),
            args: if kind == "ok" {
                vec![n.to_string(), OK_ITERATIONS.to_string()]
            } else {
                vec![n.to_string()]
            },
            max_attempts: attempts,
            backoff_ms: 50,
            backoff_max_ms: 400,
            idempotency_key: Some(format!("tugas-{n}")),
            permissions: if kind == "transient" {
                vec!["--allow-read=ada".into()]
            } else {
                Vec::new()
            },
            ..TaskSpec::default()
        };
        let sub = q.submit(&spec).unwrap();
        assert!(!sub.existing);
        // Submitting again (a retrying client) must not duplicate it.
        if n % 10 == 0 {
            let again = q.submit(&spec).unwrap();
            assert!(again.existing && again.id == sub.id);
        }
        kinds.push(kind);
        ids.push(sub.id);
    }

    let mut workers: Vec<Child> = (0..3).map(|_| worker(&dir, &db)).collect();
    let mut rng = Rng(0x00C0_FFEE_1234_5678);
    let start = Instant::now();
    let mut kills = 0;
    let mut files_written = false;
    loop {
        std::thread::sleep(Duration::from_millis(200 + rng.next() % 200));
        let victim = (rng.next() % 3) as usize;
        let _ = workers[victim].kill();
        let _ = workers[victim].wait();
        kills += 1;
        workers[victim] = worker(&dir, &db);
        // The input files appear once every transient task has failed at
        // least once.
        let all_tried = !files_written
            && ids[OK..OK + TRANSIENT].iter().all(|id| {
                q.get(*id)
                    .unwrap()
                    .is_some_and(|t| t.attempts >= 1 && t.state != TaskState::Berjalan)
            });
        if all_tried {
            for n in OK..OK + TRANSIENT {
                std::fs::write(dir.join(format!("ada/{n}.txt")), format!("data-{n}\n")).unwrap();
            }
            files_written = true;
        }
        let counts = q.counts().unwrap();
        let open: u64 = counts
            .iter()
            .filter(|(s, _)| !s.is_final())
            .map(|(_, n)| *n)
            .sum();
        if files_written && open == 0 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(240),
            "not finished after 240 s: {counts:?}"
        );
    }
    for w in &mut workers {
        let _ = w.kill();
        let _ = w.wait();
    }

    let all = q.list(None, 10_000).unwrap();
    assert_eq!(all.len(), OK + TRANSIENT + PERMANENT, "tasks lost or added");
    let mut resumed_transient = 0;
    let mut reclaimed = 0;
    for (n, id) in ids.iter().enumerate() {
        let t = q.get(*id).unwrap().expect("task exists");
        assert!(
            t.completions <= 1,
            "task {id} completed {} times",
            t.completions
        );
        let out = String::from_utf8_lossy(&t.stdout).into_owned();
        match kinds[n] {
            "ok" => {
                assert_eq!(t.state, TaskState::Selesai, "task {id}: {t:?}");
                assert_eq!(t.completions, 1);
                // An ok task never fails: a second attempt means its worker
                // was killed mid-task and the lease expired.
                if t.attempts >= 2 {
                    reclaimed += 1;
                }
                let sum: usize = (0..OK_ITERATIONS).map(|i| i * n).sum();
                assert_eq!(out, format!("ok {n} {sum}\n"), "task {id}");
            }
            "transient" => {
                assert_eq!(t.state, TaskState::Selesai, "task {id}: {t:?}");
                assert_eq!(t.completions, 1);
                assert_eq!(
                    out,
                    format!("mulai {n}\nisi data-{n}\nselesai {n}\n"),
                    "task {id}: output must appear exactly once"
                );
                assert!(t.attempts >= 2, "task {id} never failed?");
                if t.resumed >= 1 {
                    resumed_transient += 1;
                }
            }
            _ => {
                assert_eq!(t.state, TaskState::Mati, "task {id}: {t:?}");
                assert_eq!(t.completions, 0);
                assert_eq!(
                    t.error_jenis.as_deref().unwrap_or(""),
                    "ErrorTetap",
                    "{t:?}"
                );
                assert!(t.attempts >= 3, "task {id}: {} attempts", t.attempts);
            }
        }
    }
    // Every transient task failed at least once before its file existed and
    // continued from its ticket afterwards.
    assert_eq!(resumed_transient, TRANSIENT, "all transient tasks resumed");
    eprintln!(
        "chaos: {} tasks, {kills} SIGKILLs in {:.1} s, {reclaimed} tasks reclaimed from killed workers",
        OK + TRANSIENT + PERMANENT,
        start.elapsed().as_secs_f64()
    );
    assert!(reclaimed > 0, "no kill ever hit a running task");
    let _ = std::fs::remove_dir_all(&dir);
}
