//! `SqliteStore`: the durable backend (`sqlite:PATH`). One file shared by
//! any number of processes: WAL journal mode, `synchronous=FULL`, a busy
//! timeout, and every write in its own `IMMEDIATE` transaction, so a crash
//! leaves the old or the new value of a key, never a torn one.
//!
//! Schema (version [`SCHEMA_VERSION`]):
//! `fox_meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL)` holding
//! `schema_version`, and `fox_kv(key TEXT PRIMARY KEY, value BLOB NOT NULL,
//! updated_at INTEGER NOT NULL)` with `updated_at` in milliseconds since the
//! Unix epoch.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior};

use crate::{Store, StoreError, StoreErrorKind};

/// The schema version this build writes and reads. A file with a higher
/// version is refused with [`StoreErrorKind::NewerSchema`].
pub const SCHEMA_VERSION: i64 = 1;

/// How long an operation waits for another process's lock before failing
/// with [`StoreErrorKind::Busy`].
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

const CREATE_SCHEMA: &str = "
    CREATE TABLE fox_meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    CREATE TABLE fox_kv(key TEXT PRIMARY KEY, value BLOB NOT NULL, updated_at INTEGER NOT NULL);
";

const PUT: &str = "INSERT INTO fox_kv(key, value, updated_at) VALUES (?1, ?2, ?3)
    ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";

/// A store in a SQLite database file.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    name: String,
}

impl SqliteStore {
    /// Open (creating if missing, along with its parent directories) the
    /// store file at `path`.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let name = format!("sqlite:{}", path.display());
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|e| {
                StoreError::new(
                    StoreErrorKind::Io,
                    &name,
                    format!("tidak bisa membuat direktori {}", parent.display()),
                    e.to_string(),
                )
                .with_source(e)
            })?;
        }
        check_header(path, &name)?;
        // No SQLITE_OPEN_URI: the path is always a plain file name.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let opening = |e| sql_error(&name, "tidak bisa dibuka", e);
        let conn = Connection::open_with_flags(path, flags).map_err(opening)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(opening)?;
        // The first statement reads the file header: a non-database fails here.
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(opening)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::new(
                StoreErrorKind::Backend,
                &name,
                "tidak bisa dibuka",
                format!("mode jurnal WAL tidak bisa diaktifkan (sistem berkas memberi {mode:?})"),
            ));
        }
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(opening)?;
        let mut store = SqliteStore {
            conn,
            path: path.to_path_buf(),
            name,
        };
        store.init_schema()?;
        Ok(store)
    }

    /// The database file's path, as given to [`SqliteStore::open`].
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Run `PRAGMA integrity_check`; [`StoreErrorKind::Corrupt`] with
    /// SQLite's report unless the database is intact.
    pub fn check_integrity(&mut self) -> Result<(), StoreError> {
        let action = "pemeriksaan integritas gagal";
        let mut stmt = self
            .conn
            .prepare("PRAGMA integrity_check")
            .map_err(|e| sql_error(&self.name, action, e))?;
        let lines = stmt
            .query_map([], |row| row.get::<_, String>(0))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| sql_error(&self.name, action, e))?;
        if lines.len() == 1 && lines[0] == "ok" {
            Ok(())
        } else {
            Err(StoreError::new(
                StoreErrorKind::Corrupt,
                &self.name,
                action,
                lines.join("; "),
            ))
        }
    }

    /// Create the tables in an empty database, or check the schema version
    /// of an existing store.
    fn init_schema(&mut self) -> Result<(), StoreError> {
        let name = &self.name;
        let fail = |e| sql_error(name, "tidak bisa dibuka", e);
        let refuse =
            |kind, detail: String| StoreError::new(kind, name, "tidak bisa dibuka", detail);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let has_meta: bool = tx
            .query_row(
                "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'fox_meta')",
                [],
                |row| row.get(0),
            )
            .map_err(fail)?;
        if !has_meta {
            let objects: i64 = tx
                .query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))
                .map_err(fail)?;
            if objects > 0 {
                return Err(refuse(
                    StoreErrorKind::NotAStore,
                    "berkas itu basis data SQLite tetapi bukan penyimpanan Fox (tidak ada tabel fox_meta)"
                        .to_owned(),
                ));
            }
            tx.execute_batch(CREATE_SCHEMA).map_err(fail)?;
            tx.execute(
                "INSERT INTO fox_meta(name, value) VALUES ('schema_version', ?1)",
                [SCHEMA_VERSION],
            )
            .map_err(fail)?;
            return tx.commit().map_err(fail);
        }
        let version: Option<i64> = tx
            .query_row(
                "SELECT value FROM fox_meta WHERE name = 'schema_version'",
                [],
                |row| row.get(0),
            )
            .optional()
            .map_err(fail)?;
        match version {
            Some(v) if v > SCHEMA_VERSION => Err(refuse(
                StoreErrorKind::NewerSchema,
                format!(
                    "versi skema {v} lebih baru daripada yang didukung Fox ini \
                     ({SCHEMA_VERSION}); perbarui Fox untuk memakai penyimpanan ini"
                ),
            )),
            Some(v) if v == SCHEMA_VERSION => tx.commit().map_err(fail),
            Some(v) => Err(refuse(
                StoreErrorKind::Corrupt,
                format!("versi skema tidak sah: {v}"),
            )),
            None => Err(refuse(
                StoreErrorKind::Corrupt,
                "fox_meta tidak punya schema_version".to_owned(),
            )),
        }
    }
}

impl Store for SqliteStore {
    fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let fail = |e| {
            sql_error(
                &self.name,
                format!("tidak bisa membaca kunci {}", show(key)),
                e,
            )
        };
        self.conn
            .prepare_cached("SELECT value FROM fox_kv WHERE key = ?1")
            .and_then(|mut stmt| stmt.query_row([key], |row| row.get(0)).optional())
            .map_err(fail)
    }

    fn put(&mut self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        let fail = |e| {
            sql_error(
                &self.name,
                format!("tidak bisa menulis kunci {}", show(key)),
                e,
            )
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        tx.prepare_cached(PUT)
            .and_then(|mut stmt| stmt.execute(params![key, value, now_ms()]))
            .map_err(fail)?;
        tx.commit().map_err(fail)
    }

    fn delete(&mut self, key: &str) -> Result<bool, StoreError> {
        let fail = |e| {
            sql_error(
                &self.name,
                format!("tidak bisa menghapus kunci {}", show(key)),
                e,
            )
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let removed = tx
            .prepare_cached("DELETE FROM fox_kv WHERE key = ?1")
            .and_then(|mut stmt| stmt.execute([key]))
            .map_err(fail)?;
        tx.commit().map_err(fail)?;
        Ok(removed > 0)
    }

    fn keys(&mut self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let fail = |e| {
            sql_error(
                &self.name,
                format!("tidak bisa mendaftar kunci {}*", show(prefix)),
                e,
            )
        };
        // TEXT compares by its UTF-8 bytes (BINARY collation), as `str` does:
        // the keys with `prefix` are a contiguous run starting at `prefix`.
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key FROM fox_kv WHERE key >= ?1 ORDER BY key")
            .map_err(fail)?;
        let mut rows = stmt.query([prefix]).map_err(fail)?;
        let mut keys = Vec::new();
        while let Some(row) = rows.next().map_err(fail)? {
            let key: String = row.get(0).map_err(fail)?;
            if !key.starts_with(prefix) {
                break;
            }
            keys.push(key);
        }
        Ok(keys)
    }

    fn describe(&self) -> String {
        self.name.clone()
    }
}

/// Refuse an existing, non-empty file that does not start with the SQLite
/// header. (SQLite itself would treat a short file as an empty database and
/// overwrite it.) A missing or empty file is fine: it becomes a new store.
fn check_header(path: &Path, name: &str) -> Result<(), StoreError> {
    const MAGIC: &[u8; 16] = b"SQLite format 3\0";
    let mut file = match fs::File::open(path) {
        Ok(file) => file,
        // Missing (created below), or not readable (SQLite reports why).
        Err(_) => return Ok(()),
    };
    let mut head = Vec::with_capacity(MAGIC.len());
    if let Err(e) = file.by_ref().take(16).read_to_end(&mut head) {
        return Err(
            StoreError::new(StoreErrorKind::Io, name, "tidak bisa dibuka", e.to_string())
                .with_source(e),
        );
    }
    if head.is_empty() || head == MAGIC {
        return Ok(());
    }
    Err(StoreError::new(
        StoreErrorKind::NotADatabase,
        name,
        "tidak bisa dibuka",
        "berkas itu bukan basis data SQLite (tidak diawali header SQLite)",
    ))
}

/// Convert a SQLite error into a [`StoreError`] of the matching kind.
fn sql_error(store: &str, action: impl Into<String>, e: rusqlite::Error) -> StoreError {
    let kind = match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreErrorKind::NotADatabase,
        Some(ErrorCode::DatabaseCorrupt) => StoreErrorKind::Corrupt,
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreErrorKind::Busy,
        Some(
            ErrorCode::CannotOpen
            | ErrorCode::SystemIoFailure
            | ErrorCode::DiskFull
            | ErrorCode::PermissionDenied
            | ErrorCode::ReadOnly,
        ) => StoreErrorKind::Io,
        _ => StoreErrorKind::Backend,
    };
    let detail = match kind {
        StoreErrorKind::NotADatabase => format!("berkas itu bukan basis data SQLite ({e})"),
        StoreErrorKind::Corrupt => format!("basis datanya rusak ({e})"),
        StoreErrorKind::Busy => {
            format!("masih dikunci proses lain setelah {BUSY_TIMEOUT:?} ({e})")
        }
        _ => e.to_string(),
    };
    StoreError::new(kind, store, action, detail).with_source(e)
}

/// A key for an error message: quoted, and cut short if long.
fn show(key: &str) -> String {
    const MAX: usize = 60;
    match key.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{:?}…", &key[..cut]),
        None => format!("{key:?}"),
    }
}

/// Milliseconds since the Unix epoch (0 if the clock is before it).
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
