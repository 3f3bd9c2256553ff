//! One conformance suite for every `Store` backend: put/get/overwrite/
//! delete, sorted prefix listing, empty and 4 MB values, unicode keys; plus
//! SQLite persistence across reopen and between two open handles, and the
//! same on PostgreSQL (a real server started by fox-ipc's test support).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
#[path = "../../fox-ipc/tests/support/pg.rs"]
mod pg;

use common::{Rng, TempDir};
use fox_store::{default_path, open, MemoryStore, PgStore, SqliteStore, Store, StoreSpec};

/// The behaviour every backend must share. Expects an empty store.
fn conformance(store: &mut dyn Store) {
    let name = store.describe();
    assert!(!name.is_empty());

    // Empty store.
    assert_eq!(store.keys("").unwrap(), Vec::<String>::new(), "{name}");
    assert_eq!(store.get("a").unwrap(), None);
    assert!(!store.delete("a").unwrap());

    // Put, get, overwrite, delete.
    store.put("a", b"one").unwrap();
    assert_eq!(store.get("a").unwrap().as_deref(), Some(&b"one"[..]));
    store.put("a", b"two, longer").unwrap();
    assert_eq!(
        store.get("a").unwrap().as_deref(),
        Some(&b"two, longer"[..])
    );
    store.put("a", b"3").unwrap();
    assert_eq!(store.get("a").unwrap().as_deref(), Some(&b"3"[..]));
    assert_eq!(store.keys("").unwrap(), ["a"]);
    assert!(store.delete("a").unwrap());
    assert_eq!(store.get("a").unwrap(), None);
    assert!(!store.delete("a").unwrap());
    assert_eq!(store.keys("").unwrap(), Vec::<String>::new());

    // Keys with a prefix, sorted by bytes.
    for key in [
        "user:2", "user:10", "job:1", "userx", "use", "user:1", "user:",
    ] {
        store.put(key, key.as_bytes()).unwrap();
    }
    assert_eq!(
        store.keys("user:").unwrap(),
        ["user:", "user:1", "user:10", "user:2"]
    );
    assert_eq!(store.keys("user:1").unwrap(), ["user:1", "user:10"]);
    assert_eq!(
        store.keys("use").unwrap(),
        ["use", "user:", "user:1", "user:10", "user:2", "userx"]
    );
    assert_eq!(store.keys("job").unwrap(), ["job:1"]);
    assert_eq!(store.keys("zzz").unwrap(), Vec::<String>::new());
    assert_eq!(store.keys("a").unwrap(), Vec::<String>::new());
    assert_eq!(store.keys("").unwrap().len(), 7);
    for key in store.keys("").unwrap() {
        assert_eq!(store.get(&key).unwrap().unwrap(), key.as_bytes());
        assert!(store.delete(&key).unwrap());
    }
    assert_eq!(store.keys("").unwrap(), Vec::<String>::new());

    // An empty value is a value, not an absence.
    store.put("empty", b"").unwrap();
    assert_eq!(store.get("empty").unwrap(), Some(Vec::new()));
    assert_eq!(store.keys("").unwrap(), ["empty"]);
    store.put("empty", b"x").unwrap();
    store.put("empty", b"").unwrap();
    assert_eq!(store.get("empty").unwrap(), Some(Vec::new()));
    assert!(store.delete("empty").unwrap());

    // The empty key.
    store.put("", b"root").unwrap();
    assert_eq!(store.get("").unwrap().as_deref(), Some(&b"root"[..]));
    assert_eq!(store.keys("").unwrap(), [""]);
    assert!(store.delete("").unwrap());

    // A large (4 MB) value, replaced by a small one and back.
    let mut big = vec![0u8; 4 * 1024 * 1024];
    Rng::new(42).fill(&mut big);
    store.put("big", &big).unwrap();
    assert!(
        store.get("big").unwrap().unwrap() == big,
        "4 MB value differs"
    );
    store.put("big", b"small").unwrap();
    assert_eq!(store.get("big").unwrap().as_deref(), Some(&b"small"[..]));
    big.reverse();
    store.put("big", &big).unwrap();
    assert!(
        store.get("big").unwrap().unwrap() == big,
        "4 MB value differs"
    );
    assert!(store.delete("big").unwrap());

    // Unicode keys (and values); precomposed and decomposed forms differ.
    let keys = [
        "nama-😀",
        "ключ",
        "ключи",
        "键",
        "caf\u{e9}",
        "cafe\u{301}",
        "a\u{0}b",
        "tab\tnew\nline",
        "\u{10ffff}",
    ];
    for (i, key) in keys.iter().enumerate() {
        store.put(key, format!("{i}:{key}").as_bytes()).unwrap();
    }
    for (i, key) in keys.iter().enumerate() {
        let value = store.get(key).unwrap().unwrap();
        assert_eq!(String::from_utf8(value).unwrap(), format!("{i}:{key}"));
    }
    let mut sorted: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    sorted.sort();
    assert_eq!(store.keys("").unwrap(), sorted, "{name}: byte order");
    assert_eq!(store.keys("ключ").unwrap(), ["ключ", "ключи"]);
    assert_eq!(store.keys("caf").unwrap(), ["cafe\u{301}", "caf\u{e9}"]);
    assert_eq!(store.keys("a\u{0}").unwrap(), ["a\u{0}b"]);
    assert_eq!(store.keys("😀").unwrap(), Vec::<String>::new());
    for key in keys {
        assert!(store.delete(key).unwrap(), "{name}: delete {key:?}");
    }
    assert_eq!(store.keys("").unwrap(), Vec::<String>::new());
}

#[test]
fn memory_store_conforms() {
    conformance(&mut MemoryStore::new());
}

#[test]
fn memory_spec_opens_a_conforming_store() {
    let mut store = open(&StoreSpec::parse("memory:").unwrap()).unwrap();
    assert_eq!(store.describe(), "memory:");
    conformance(store.as_mut());
}

#[test]
fn sqlite_store_conforms() {
    let dir = TempDir::new("conf");
    let path = dir.path().join("store.db");
    let mut store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.describe(), format!("sqlite:{}", path.display()));
    conformance(&mut store);
    store.check_integrity().unwrap();
}

#[test]
fn sqlite_spec_opens_a_conforming_store_and_creates_directories() {
    let dir = TempDir::new("spec");
    let path = default_path(&dir.path().join("deep").join("program"));
    assert!(!path.parent().unwrap().exists());
    let spec = StoreSpec::parse(&format!("sqlite:{}", path.display())).unwrap();
    let mut store = open(&spec).unwrap();
    assert!(path.is_file());
    assert_eq!(store.describe(), spec.to_string());
    conformance(store.as_mut());
}

#[test]
fn sqlite_values_survive_reopen() {
    let dir = TempDir::new("reopen");
    let path = dir.path().join("store.db");
    let mut big = vec![0u8; 4 * 1024 * 1024];
    Rng::new(7).fill(&mut big);
    {
        let mut store = SqliteStore::open(&path).unwrap();
        store.put("nama", "Budi 😀".as_bytes()).unwrap();
        store.put("kosong", b"").unwrap();
        store.put("besar", &big).unwrap();
        store.put("hapus", b"x").unwrap();
        assert!(store.delete("hapus").unwrap());
    }
    let mut store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.keys("").unwrap(), ["besar", "kosong", "nama"]);
    assert_eq!(store.get("nama").unwrap().unwrap(), "Budi 😀".as_bytes());
    assert_eq!(store.get("kosong").unwrap(), Some(Vec::new()));
    assert!(store.get("besar").unwrap().unwrap() == big);
    assert_eq!(store.get("hapus").unwrap(), None);
    store.put("nama", b"Siti").unwrap();
    drop(store);
    let mut store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.get("nama").unwrap().unwrap(), b"Siti");
    store.check_integrity().unwrap();
}

#[test]
fn sqlite_two_handles_share_one_file() {
    let dir = TempDir::new("shared");
    let path = dir.path().join("store.db");
    let mut a = SqliteStore::open(&path).unwrap();
    let mut b = SqliteStore::open(&path).unwrap();
    a.put("k", b"from a").unwrap();
    assert_eq!(b.get("k").unwrap().unwrap(), b"from a");
    b.put("k", b"from b").unwrap();
    assert_eq!(a.get("k").unwrap().unwrap(), b"from b");
    assert!(a.delete("k").unwrap());
    assert_eq!(b.get("k").unwrap(), None);
    assert_eq!(b.keys("").unwrap(), Vec::<String>::new());
}

#[test]
fn default_path_is_dot_fox_store_db() {
    let p = default_path(std::path::Path::new("/srv/app"));
    assert_eq!(p, std::path::Path::new("/srv/app/.fox/store.db"));
}

#[test]
fn postgres_store_conforms() {
    let url = pg::fresh_db("kv");
    let db = url.rsplit('/').next().unwrap().to_owned();
    let mut store = PgStore::open(&url).unwrap();
    assert_eq!(
        store.describe(),
        format!("postgres://127.0.0.1:{}/{db}", pg::server().port())
    );
    conformance(&mut store);
}

#[test]
fn postgres_spec_opens_a_conforming_store_shared_by_handles() {
    let url = pg::fresh_db("kv_spec");
    let spec = StoreSpec::parse(&url).unwrap();
    assert_eq!(spec, StoreSpec::Postgres(url.clone()));
    let mut a = open(&spec).unwrap();
    conformance(a.as_mut());
    let mut b = PgStore::open(&url).unwrap();
    a.put("k", b"from a").unwrap();
    assert_eq!(b.get("k").unwrap().unwrap(), b"from a");
    b.put("k", b"from b").unwrap();
    assert_eq!(a.get("k").unwrap().unwrap(), b"from b");
    let mut big = vec![0u8; 1024 * 1024];
    Rng::new(9).fill(&mut big);
    b.put("besar", &big).unwrap();
    drop((a, b));
    // Values survive reopening.
    let mut c = PgStore::open(&url).unwrap();
    assert_eq!(c.keys("").unwrap(), ["besar", "k"]);
    assert!(c.get("besar").unwrap().unwrap() == big);
    assert!(c.delete("k").unwrap());
    assert!(c.delete("besar").unwrap());
}

#[test]
fn postgres_store_refuses_a_newer_schema() {
    let url = pg::fresh_db("kv_newer");
    drop(PgStore::open(&url).unwrap());
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    admin
        .execute(
            "UPDATE fox_meta SET value = $1 WHERE name = 'schema_version'",
            &[&(fox_store::SCHEMA_VERSION + 1)],
        )
        .unwrap();
    let err = PgStore::open(&url).unwrap_err();
    assert_eq!(err.kind(), fox_store::StoreErrorKind::NewerSchema, "{err}");
    assert!(err.to_string().contains("postgres://127.0.0.1:"), "{err}");
}
