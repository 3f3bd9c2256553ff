//! The conformance suite on the SQLite backend, plus its bad-file errors.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fox_ipc::queue::{conformance, SqliteQueue};

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("fox-ipc-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("antrean.db")
}

#[test]
fn sqlite_queue_conforms() {
    let mut q = SqliteQueue::open(&temp("conf")).unwrap();
    if let Err(what) = conformance::run_all(&mut q) {
        panic!("sqlite queue: {what}");
    }
}

#[test]
fn not_a_database_is_an_error() {
    let p = temp("bad");
    std::fs::write(&p, b"this is not sqlite at all, just some bytes").unwrap();
    let err = SqliteQueue::open(&p).err().expect("refused");
    assert!(err.to_string().contains("antrean.db"), "{err}");
}

#[test]
fn a_queue_file_from_before_task_heap_limits_gains_the_column() {
    let p = temp("old_schema");
    // A store file whose queue table is the first release's: no
    // max_heap_bytes.
    drop(fox_store::SqliteStore::open(&p).unwrap());
    let conn = rusqlite::Connection::open(&p).unwrap();
    conn.execute_batch(
        "CREATE TABLE fox_tasks (
            id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, program TEXT NOT NULL,
            program_hash TEXT NOT NULL, args TEXT NOT NULL, priority INTEGER NOT NULL,
            max_attempts INTEGER NOT NULL, backoff_ms INTEGER NOT NULL,
            backoff_max_ms INTEGER NOT NULL, timeout_ms INTEGER, max_instructions INTEGER,
            idempotency_key TEXT UNIQUE, state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0, resumed INTEGER NOT NULL DEFAULT 0,
            completions INTEGER NOT NULL DEFAULT 0, run_at REAL NOT NULL, lease_owner TEXT,
            lease_until REAL, created_at REAL NOT NULL, updated_at REAL NOT NULL,
            finished_at REAL, stdout BLOB NOT NULL DEFAULT x'', exit_code INTEGER,
            error_jenis TEXT, error_pesan TEXT, ticket BLOB, ticket_summary TEXT);
         INSERT INTO fox_tasks (name, program, program_hash, args, priority, max_attempts,
            backoff_ms, backoff_max_ms, state, run_at, created_at, updated_at)
         VALUES ('lama.fox', 'tulis(1)', '0', '[]', 0, 5, 10, 20, 'menunggu', 0, 0, 0);",
    )
    .unwrap();
    drop(conn);
    let mut q = SqliteQueue::open(&p).unwrap();
    use fox_ipc::queue::Queue;
    let old = q.get(1).unwrap().expect("the old task survives");
    assert_eq!(old.spec.name, "lama.fox");
    assert_eq!(old.spec.max_heap_bytes, None);
    let s = q
        .submit(&fox_ipc::task::TaskSpec {
            name: "baru.fox".into(),
            program: "tulis(2)".into(),
            max_heap_bytes: Some(1 << 20),
            ..Default::default()
        })
        .unwrap();
    let new = q.get(s.id).unwrap().unwrap();
    assert_eq!(new.spec.max_heap_bytes, Some(1 << 20));
}
