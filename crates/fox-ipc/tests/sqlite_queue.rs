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
