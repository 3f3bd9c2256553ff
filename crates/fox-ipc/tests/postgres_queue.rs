//! The PostgreSQL queue on a real server (started by `support/pg.rs`, one
//! per test binary, a fresh database per test): the conformance suite,
//! concurrent claimers, LISTEN/NOTIFY wake-ups, idempotency under
//! concurrent submitters, clean errors for bad URLs, and a worker whose
//! tasks use a PostgreSQL key-value store.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/pg.rs"]
mod pg;

use fox_ipc::queue::{self, conformance, PostgresQueue, Queue, QueueError, QueueSpec};
use fox_ipc::runner::RunEnv;
use fox_ipc::worker::{self, WorkerConfig};
use fox_ipc::{TaskSpec, TaskState};
use std::collections::BTreeSet;
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

fn spec(name: &str) -> TaskSpec {
    TaskSpec {
        name: format!("{name}.fox"),
        program: format!("tulis(\"{name}\")\n"),
        ..TaskSpec::default()
    }
}

#[test]
fn postgres_queue_conforms() {
    let url = pg::fresh_db("conf");
    let mut q = PostgresQueue::open(&url).unwrap();
    assert_eq!(
        q.describe(),
        format!(
            "postgres://127.0.0.1:{}/{}",
            pg::server().port(),
            db_of(&url)
        )
    );
    if let Err(what) = conformance::run_all(&mut q) {
        panic!("postgres queue: {what}");
    }
    // Through the spec, as the CLI opens it; reopening finds the schema.
    let mut q = queue::open(&QueueSpec::parse(&url).unwrap()).unwrap();
    if let Err(what) = conformance::run_all(q.as_mut()) {
        panic!("postgres queue (reopened): {what}");
    }
}

fn db_of(url: &str) -> &str {
    url.rsplit('/').next().unwrap()
}

#[test]
fn concurrent_claims_take_each_task_exactly_once() {
    const TASKS: usize = 400;
    const THREADS: usize = 4;
    let url = pg::fresh_db("claims");
    let mut q = PostgresQueue::open(&url).unwrap();
    let mut submitted = BTreeSet::new();
    for i in 0..TASKS {
        let s = q
            .submit(&TaskSpec {
                priority: (i % 3) as i32,
                ..spec(&format!("t{i}"))
            })
            .unwrap();
        submitted.insert(s.id);
    }
    assert_eq!(submitted.len(), TASKS);
    let claimed = Arc::new(Mutex::new(Vec::new()));
    let barrier = Arc::new(Barrier::new(THREADS));
    let started = Instant::now();
    let handles: Vec<_> = (0..THREADS)
        .map(|w| {
            let (url, claimed, barrier) = (url.clone(), claimed.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut q = PostgresQueue::open(&url).unwrap();
                let name = format!("w{w}");
                let mut mine = Vec::new();
                barrier.wait();
                let deadline = Instant::now() + Duration::from_secs(30);
                while Instant::now() < deadline {
                    match q.claim(&name, 60.0).unwrap() {
                        Some(t) => {
                            assert_eq!(t.attempts, 1, "task {} claimed again", t.id);
                            assert_eq!(t.lease_owner.as_deref(), Some(name.as_str()));
                            mine.push(t.id);
                            assert!(q.complete(t.id, &name, b"ok", 0).unwrap());
                        }
                        None => {
                            // A claim may find nothing while others hold
                            // the rows; stop only when none are waiting.
                            let waiting = q
                                .counts()
                                .unwrap()
                                .into_iter()
                                .find(|(s, _)| *s == TaskState::Menunggu)
                                .map_or(0, |(_, n)| n);
                            if waiting == 0 {
                                break;
                            }
                        }
                    }
                }
                claimed.lock().unwrap().push((name, mine));
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let elapsed = started.elapsed();
    let claimed = claimed.lock().unwrap();
    let mut all: Vec<i64> = claimed.iter().flat_map(|(_, ids)| ids.clone()).collect();
    let total = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!(total, TASKS, "claims: {total} for {TASKS} tasks");
    assert_eq!(all.len(), TASKS, "a task was claimed twice");
    assert_eq!(all.into_iter().collect::<BTreeSet<_>>(), submitted);
    let per: Vec<usize> = claimed.iter().map(|(_, ids)| ids.len()).collect();
    eprintln!("{TASKS} tasks claimed by {THREADS} connections in {elapsed:?}: {per:?}");
    for t in q.list(None, 1_000).unwrap() {
        assert_eq!(t.state, TaskState::Selesai, "task {}", t.id);
        assert_eq!((t.completions, t.attempts), (1, 1), "task {}", t.id);
    }
}

#[test]
fn a_waiting_worker_wakes_on_submit() {
    let url = pg::fresh_db("notify");
    let mut waiter = PostgresQueue::open(&url).unwrap();
    // Nothing submitted: the wait lasts its timeout (and sets up LISTEN).
    let t = Instant::now();
    waiter.wait(Duration::from_millis(300)).unwrap();
    let idle = t.elapsed();
    assert!(
        idle >= Duration::from_millis(290),
        "returned early: {idle:?}"
    );
    assert!(idle < Duration::from_secs(3), "slow timeout: {idle:?}");

    let submitter = {
        let url = url.clone();
        std::thread::spawn(move || {
            let mut q = PostgresQueue::open(&url).unwrap();
            std::thread::sleep(Duration::from_millis(300));
            let at = Instant::now();
            q.submit(&spec("bangun")).unwrap();
            at
        })
    };
    let t = Instant::now();
    waiter.wait(Duration::from_secs(20)).unwrap();
    let woke = Instant::now();
    let submitted_at = submitter.join().unwrap();
    let latency = woke.saturating_duration_since(submitted_at);
    eprintln!(
        "woke {latency:?} after the submit (waited {:?})",
        t.elapsed()
    );
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "wait did not wake: {:?}",
        t.elapsed()
    );
    assert!(latency < Duration::from_secs(1), "woke late: {latency:?}");
    assert!(waiter.claim("w", 30.0).unwrap().is_some());

    // retry_now notifies too; notifications that arrived while the
    // connection was busy make the next wait return at once.
    let id = waiter.submit(&spec("lagi")).unwrap().id;
    let task = waiter.claim("w", 30.0).unwrap().unwrap();
    assert_eq!(task.id, id);
    waiter
        .fail(
            id,
            "w",
            &fox_ipc::Failure {
                retryable: false,
                ..Default::default()
            },
        )
        .unwrap();
    waiter.wait(Duration::ZERO).unwrap(); // drain
    let mut other = PostgresQueue::open(&url).unwrap();
    assert!(other.retry_now(id).unwrap());
    let t = Instant::now();
    waiter.wait(Duration::from_secs(20)).unwrap();
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "retry_now did not wake the waiter: {:?}",
        t.elapsed()
    );
}

#[test]
fn idempotency_holds_under_concurrent_submitters() {
    const THREADS: usize = 6;
    const KEYS: usize = 25;
    let url = pg::fresh_db("idem");
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (url, barrier) = (url.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut q = PostgresQueue::open(&url).unwrap();
                barrier.wait();
                (0..KEYS)
                    .map(|k| {
                        let s = q
                            .submit(&TaskSpec {
                                idempotency_key: Some(format!("kunci-{k}")),
                                ..spec(&format!("idem{k}"))
                            })
                            .unwrap();
                        (k, s.id, s.existing)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let results: Vec<(usize, i64, bool)> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    for k in 0..KEYS {
        let of_k: Vec<_> = results.iter().filter(|r| r.0 == k).collect();
        assert_eq!(of_k.len(), THREADS);
        let ids: BTreeSet<i64> = of_k.iter().map(|r| r.1).collect();
        assert_eq!(ids.len(), 1, "key {k}: several tasks {ids:?}");
        let new = of_k.iter().filter(|r| !r.2).count();
        assert_eq!(new, 1, "key {k}: {new} submitters created it");
    }
    let mut q = PostgresQueue::open(&url).unwrap();
    assert_eq!(q.list(None, 1_000).unwrap().len(), KEYS);
}

#[test]
fn bad_urls_and_unreachable_servers_are_clean_errors() {
    let backend = |r: Result<PostgresQueue, QueueError>| match r {
        Ok(_) => panic!("opened"),
        Err(QueueError::Backend(m)) => m,
        Err(e) => panic!("unexpected error kind: {e:?}"),
    };
    // Nothing listens on port 1; the password is never shown.
    let m = backend(PostgresQueue::open(
        "postgres://fox:rahasia@127.0.0.1:1/antrean",
    ));
    assert!(
        m.starts_with("postgres://127.0.0.1:1/antrean: buka: "),
        "{m}"
    );
    assert!(!m.contains("rahasia"), "{m}");
    // Not a URL the client understands.
    for url in [
        "postgres://fox:rahasia@127.0.0.1:notaport/antrean",
        "postgres://fox@127.0.0.1:5432/db?nonsense_option=1",
        "postgresql://",
    ] {
        let m = backend(PostgresQueue::open(url));
        assert!(m.contains("buka"), "{url}: {m}");
        assert!(!m.contains("rahasia"), "{m}");
    }
    // A real server, but no such database.
    let url = pg::server().url("tidak_ada");
    let m = backend(PostgresQueue::open(&url));
    assert!(m.contains("/tidak_ada: buka: "), "{m}");
    assert!(m.contains("tidak_ada\" does not exist"), "{m}");
    // Through the spec too.
    let spec = QueueSpec::parse("postgres://fox@127.0.0.1:1/x").unwrap();
    let e = queue::open(&spec).err().unwrap().to_string();
    assert!(e.starts_with("postgres://127.0.0.1:1/x: buka: "), "{e}");
    assert!(fox_store::open(
        &fox_store::StoreSpec::parse("postgres://fox:rahasia@127.0.0.1:1/x").unwrap()
    )
    .err()
    .is_some_and(|e| {
        let m = e.to_string();
        m.contains("postgres://127.0.0.1:1/x") && !m.contains("rahasia")
    }));
}

#[test]
fn schema_creation_is_safe_from_many_processes_at_once() {
    let url = pg::fresh_db("schema");
    let barrier = Arc::new(Barrier::new(6));
    let handles: Vec<_> = (0..6)
        .map(|i| {
            let (url, barrier) = (url.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                if i % 2 == 0 {
                    PostgresQueue::open(&url)
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                } else {
                    fox_store::PgStore::open(&url)
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap().unwrap();
    }
}

#[test]
fn a_worker_runs_tasks_with_a_postgres_store() {
    let url = pg::fresh_db("worker");
    let program = "\
biar n = kenang(\"hitungan\")
jika n == nil maka
    ubah n = 0
akhir
ingat(\"hitungan\", n + 1)
fungsi dua(x) maka
    kembali x * 2
akhir
fungsi tambah(x) maka
    kembali x + 1
akhir
tulis(alur(\"p\" + argumen_sistem[1], [dua, tambah], int(argumen_sistem[1])))
";
    let mut q = PostgresQueue::open(&url).unwrap();
    let ids: Vec<i64> = (1..=3)
        .map(|i| {
            q.submit(&TaskSpec {
                name: "hitung.fox".into(),
                program: program.into(),
                args: vec![i.to_string()],
                ..TaskSpec::default()
            })
            .unwrap()
            .id
        })
        .collect();
    let queue = QueueSpec::Postgres(url.clone());
    let cfg = WorkerConfig {
        queue: queue.clone(),
        env: RunEnv {
            store: fox_store::StoreSpec::parse(&url).unwrap(),
            queue: Some(queue),
            workdir: std::env::temp_dir(),
            slice: 200_000,
            max_heap_bytes: fox_ipc::runner::DEFAULT_TASK_HEAP_BYTES,
        },
        concurrency: 2,
        lease: 10.0,
        idle_exit: Some(Duration::from_millis(500)),
        max_tasks: None,
        poll: Duration::from_millis(50),
    };
    let log = |m: &str| eprintln!("{m}");
    let stats = worker::run(&cfg, &log).unwrap();
    assert_eq!(stats.completed, 3, "{stats:?}");
    for (i, id) in ids.iter().enumerate() {
        let t = q.get(*id).unwrap().unwrap();
        assert_eq!(t.state, TaskState::Selesai, "{t:?}");
        let n = i as i64 + 1;
        assert_eq!(
            String::from_utf8_lossy(&t.stdout),
            format!("{}\n", n * 2 + 1),
            "task {id}"
        );
    }
    let mut store = fox_store::PgStore::open(&url).unwrap();
    use fox_store::Store;
    assert_eq!(store.keys("nilai/").unwrap(), ["nilai/hitungan"]);
    assert!(
        store.keys("alur/").unwrap().is_empty(),
        "pipelines cleaned up"
    );
}

#[test]
fn a_dropped_connection_is_reopened() {
    let url = pg::fresh_db("reconnect");
    let mut q = PostgresQueue::open(&url).unwrap();
    q.wait(Duration::ZERO).unwrap(); // LISTEN on the first connection
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let killed: i64 = admin
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(killed, 1);
    // The operation that finds the connection gone fails cleanly; the
    // next one reconnects.
    let mut failures = 0;
    let id = loop {
        match q.submit(&spec("lagi")) {
            Ok(s) => break s.id,
            Err(e) => {
                failures += 1;
                assert!(e.to_string().starts_with("postgres://127.0.0.1:"), "{e}");
                assert!(failures < 2, "not reconnected: {e}");
            }
        }
    };
    assert_eq!(q.get(id).unwrap().unwrap().state, TaskState::Menunggu);
    // LISTEN again on the new connection: a submit elsewhere wakes it.
    q.wait(Duration::ZERO).unwrap();
    let mut other = PostgresQueue::open(&url).unwrap();
    other.submit(&spec("bangun")).unwrap();
    let t = Instant::now();
    q.wait(Duration::from_secs(20)).unwrap();
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
}

#[test]
fn a_test_server_is_stopped_and_removed_on_drop() {
    let t = Instant::now();
    let server = pg::PgServer::start().unwrap();
    let started = t.elapsed();
    let (dir, port) = (server.dir().to_path_buf(), server.port());
    let url = server.create_db("drop");
    PostgresQueue::open(&url).unwrap();
    drop(server);
    eprintln!(
        "own server: started in {started:?}, gone after {:?}",
        t.elapsed()
    );
    assert!(!dir.exists(), "{} left behind", dir.display());
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "still listening on {port}"
    );
}
