//! Bad input never panics: malformed spec strings, files that are not
//! SQLite databases, foreign databases, newer schema versions and
//! unopenable paths all come back as `StoreError`s that name the store.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::error::Error;
use std::path::PathBuf;

use common::{Rng, TempDir};
use fox_store::{open, SqliteStore, Store, StoreErrorKind, StoreSpec, SCHEMA_VERSION};

#[test]
fn bad_specs_are_errors_naming_the_accepted_forms() {
    for spec in [
        "",
        "sqlite",
        "sqlite:",
        "memory",
        "memory:extra",
        ":memory:",
        "store.db",
        "SQLITE:store.db",
        "postgres:",
        "postgres:/db",
        "postgresql:localhost",
        "postgres://",
        "mysql://user@localhost/db",
        "redis:",
        " memory:",
    ] {
        let err = StoreSpec::parse(spec).unwrap_err();
        assert_eq!(err.kind(), StoreErrorKind::BadSpec, "{spec:?}");
        let msg = err.to_string();
        assert!(msg.contains("sqlite:PATH"), "{spec:?}: {msg}");
        assert!(msg.contains("memory:"), "{spec:?}: {msg}");
        assert!(msg.contains(&format!("{spec:?}")), "{spec:?}: {msg}");
        assert!(spec.parse::<StoreSpec>().is_err());
    }
}

#[test]
fn good_specs_parse_and_round_trip() {
    assert_eq!(StoreSpec::parse("memory:").unwrap(), StoreSpec::Memory);
    for (text, path) in [
        ("sqlite:store.db", "store.db"),
        ("sqlite:/srv/app/.fox/store.db", "/srv/app/.fox/store.db"),
        ("sqlite:dir with space/a:b.db", "dir with space/a:b.db"),
    ] {
        let spec = StoreSpec::parse(text).unwrap();
        assert_eq!(spec, StoreSpec::Sqlite(PathBuf::from(path)));
        assert_eq!(spec.to_string(), text);
    }
    // PostgreSQL URLs are kept as given (the store describes itself
    // without the password).
    for text in [
        "postgres://user@localhost/db",
        "postgresql://user:secret@db.example:6543/fox?connect_timeout=3",
        "postgres://localhost",
    ] {
        let spec = StoreSpec::parse(text).unwrap();
        assert_eq!(spec, StoreSpec::Postgres(text.to_owned()));
        assert_eq!(spec.to_string(), text);
    }
}

#[test]
fn a_bad_postgres_url_never_shows_its_password() {
    let err = StoreSpec::parse("postgres://user:secret@localhost:notaport/db").unwrap_err();
    assert_eq!(err.kind(), StoreErrorKind::BadSpec);
    let msg = err.to_string();
    assert!(!msg.contains("secret"), "{msg}");
    assert!(msg.contains("localhost:notaport/db"), "{msg}");
    assert!(msg.contains("postgres://USER@HOST:PORT/DB"), "{msg}");
}

#[test]
fn random_bytes_are_not_a_database() {
    let dir = TempDir::new("random");
    let mut rng = Rng::new(0x5eed);
    for size in [1usize, 15, 16, 17, 99, 100, 512, 4096, 65_536, 1_000_003] {
        let path = dir.path().join(format!("random-{size}.db"));
        let mut bytes = vec![0u8; size];
        rng.fill(&mut bytes);
        std::fs::write(&path, &bytes).unwrap();
        let err = SqliteStore::open(&path).unwrap_err();
        let msg = err.to_string();
        assert_eq!(err.kind(), StoreErrorKind::NotADatabase, "{size}: {msg}");
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        assert!(msg.contains("bukan basis data SQLite"), "{msg}");
        // The file is left as it was.
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
        // Through a spec too.
        let spec = StoreSpec::parse(&format!("sqlite:{}", path.display())).unwrap();
        assert!(open(&spec).is_err());
    }
}

#[test]
fn sqlite_header_with_garbage_is_an_error() {
    let dir = TempDir::new("garbage");
    let path = dir.path().join("store.db");
    {
        let mut store = SqliteStore::open(&path).unwrap();
        store.put("k", &[7u8; 100_000]).unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    let mut rng = Rng::new(99);
    rng.fill(&mut bytes[16..]); // keep only the 16-byte magic string
    std::fs::write(&path, &bytes).unwrap();
    let result = SqliteStore::open(&path).and_then(|mut s| {
        s.get("k")?;
        s.check_integrity()
    });
    let err = result.unwrap_err();
    assert!(err.to_string().contains("store.db"), "{err}");
    assert!(err.source().is_some());
}

#[test]
fn empty_file_becomes_a_store() {
    let dir = TempDir::new("empty");
    let path = dir.path().join("store.db");
    std::fs::write(&path, b"").unwrap();
    let mut store = SqliteStore::open(&path).unwrap();
    store.put("k", b"v").unwrap();
    assert_eq!(store.get("k").unwrap().unwrap(), b"v");
}

#[test]
fn newer_schema_version_is_refused() {
    let dir = TempDir::new("newer");
    let path = dir.path().join("store.db");
    {
        let mut store = SqliteStore::open(&path).unwrap();
        store.put("k", b"v").unwrap();
    }
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute(
            "UPDATE fox_meta SET value = ?1 WHERE name = 'schema_version'",
            [SCHEMA_VERSION + 1],
        )
        .unwrap();
    }
    let err = SqliteStore::open(&path).unwrap_err();
    assert_eq!(err.kind(), StoreErrorKind::NewerSchema);
    let msg = err.to_string();
    assert!(msg.contains("lebih baru"), "{msg}");
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    // Refusing leaves the data alone.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let v: Vec<u8> = conn
        .query_row("SELECT value FROM fox_kv WHERE key = 'k'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, b"v");
}

#[test]
fn foreign_sqlite_database_is_refused() {
    let dir = TempDir::new("foreign");
    let path = dir.path().join("other.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE people(name TEXT); INSERT INTO people VALUES ('x');")
            .unwrap();
    }
    let err = SqliteStore::open(&path).unwrap_err();
    assert_eq!(err.kind(), StoreErrorKind::NotAStore);
    assert!(err.to_string().contains("bukan penyimpanan Fox"), "{err}");
    // Untouched: no fox tables were added.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn unopenable_paths_are_errors() {
    let dir = TempDir::new("paths");
    // A directory where the file should be.
    let err = SqliteStore::open(dir.path()).unwrap_err();
    assert!(
        err.to_string().contains(&dir.path().display().to_string()),
        "{err}"
    );
    // A parent "directory" that is a file.
    let file = dir.path().join("plain");
    std::fs::write(&file, b"x").unwrap();
    let err = SqliteStore::open(&file.join("store.db")).unwrap_err();
    assert_eq!(err.kind(), StoreErrorKind::Io, "{err}");
    assert!(
        err.to_string().contains("tidak bisa membuat direktori"),
        "{err}"
    );
}

#[test]
fn errors_say_which_store_and_what_failed() {
    let dir = TempDir::new("msg");
    let path = dir.path().join("junk.db");
    std::fs::write(&path, b"this is certainly not a database, just some text ....................................................................................").unwrap();
    let err = SqliteStore::open(&path).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!(
            "penyimpanan sqlite:{}: tidak bisa dibuka:",
            path.display()
        )),
        "{msg}"
    );
    assert_eq!(err.store(), format!("sqlite:{}", path.display()));
    // MemoryStore never fails; its description is its spec.
    assert_eq!(fox_store::MemoryStore::new().describe(), "memory:");
}
