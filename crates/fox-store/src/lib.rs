//! Fox store: durable key-value storage behind one [`Store`] trait. It owns
//! the on-disk format of the VM's `ingat`/`kenang`/`lupakan` data (and later
//! the task queue): keys are text, values are bytes the caller has already
//! serialized. Backends: SQLite ([`SqliteStore`], `sqlite:PATH`), PostgreSQL
//! ([`PgStore`], `postgres://USER@HOST:PORT/DB`, shared by many machines)
//! and memory ([`MemoryStore`], `memory:`), chosen by a [`StoreSpec`].
//!
//! Invariant: a put is atomic — readers, and a reopen after a crash, see the
//! old or the new value, never a torn one. No input (a bad spec, a file that
//! is not a database, a newer schema) reaches a panic; every failure is a
//! [`StoreError`].

mod error;
mod memory;
mod pg;
mod spec;
mod sqlite;

use std::path::{Path, PathBuf};

pub use error::{StoreError, StoreErrorKind};
pub use memory::MemoryStore;
pub use pg::{pg_config, pg_describe, pg_error_text, PgStore};
pub use spec::{StoreSpec, ACCEPTED_FORMS};
pub use sqlite::{SqliteStore, SCHEMA_VERSION};

/// A key-value store. Keys are text and sort by their UTF-8 bytes; values
/// are opaque bytes.
pub trait Store {
    /// The value stored under `key`, if any.
    fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Store `value` under `key`, replacing any old value atomically.
    fn put(&mut self, key: &str, value: &[u8]) -> Result<(), StoreError>;
    /// Remove `key`; `true` if it existed.
    fn delete(&mut self, key: &str) -> Result<bool, StoreError>;
    /// Every key starting with `prefix` (all keys for `""`), sorted.
    fn keys(&mut self, prefix: &str) -> Result<Vec<String>, StoreError>;
    /// Which store this is, e.g. `sqlite:/path/store.db`, `memory:` or
    /// `postgres://HOST:PORT/DB` (never with a password).
    fn describe(&self) -> String;
}

/// Open the store `spec` names.
pub fn open(spec: &StoreSpec) -> Result<Box<dyn Store>, StoreError> {
    Ok(match spec {
        StoreSpec::Sqlite(path) => Box::new(SqliteStore::open(path)?),
        StoreSpec::Memory => Box::new(MemoryStore::new()),
        StoreSpec::Postgres(url) => Box::new(PgStore::open(url)?),
    })
}

/// The default store file of a program: `program_dir/.fox/store.db`.
pub fn default_path(program_dir: &Path) -> PathBuf {
    program_dir.join(".fox").join("store.db")
}
