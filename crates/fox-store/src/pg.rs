//! `PgStore`: the key-value store in a PostgreSQL database
//! (`postgres://USER@HOST:PORT/DB`), so workers on several machines share
//! one store. Each operation is one statement (a put is one upsert), which
//! PostgreSQL makes atomic.
//!
//! Schema (version [`SCHEMA_VERSION`]): `fox_meta(name TEXT PRIMARY KEY,
//! value BIGINT NOT NULL)` holding `schema_version`, and `fox_kv(key BYTEA
//! PRIMARY KEY, value BYTEA NOT NULL, updated_at BIGINT NOT NULL)` with
//! `updated_at` in milliseconds since the Unix epoch. Keys are stored as
//! their UTF-8 bytes: PostgreSQL `TEXT` cannot hold a NUL character (a
//! valid key), and `BYTEA` sorts by bytes whatever the database collation,
//! as [`Store::keys`] requires. The tables are created on first open; a
//! transaction-scoped advisory lock keeps two processes opening a fresh
//! database at once from racing.
//!
//! The helpers [`pg_config`] and [`pg_describe`] are shared with the
//! PostgreSQL task queue (`fox-ipc`): both name a database as
//! `postgres://HOST:PORT/DB`, never with the password.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use postgres::config::Host;
use postgres::{Client, Config, NoTls};

use crate::{Store, StoreError, StoreErrorKind, SCHEMA_VERSION};

/// How long connecting may take when the URL sets no `connect_timeout`.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Advisory lock key serialising schema creation (`"fox_kv"` in ASCII).
const SCHEMA_LOCK: i64 = 0x666f_785f_6b76;

const CREATE_SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS fox_meta(name TEXT PRIMARY KEY, value BIGINT NOT NULL);
    CREATE TABLE IF NOT EXISTS fox_kv(
        key BYTEA PRIMARY KEY,
        value BYTEA NOT NULL,
        updated_at BIGINT NOT NULL
    );
";

const PUT: &str = "INSERT INTO fox_kv(key, value, updated_at) VALUES ($1, $2, $3)
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at";

/// The connection settings in a `postgres://` or `postgresql://` URL, and
/// the database's name for messages (see [`pg_describe`]). A connect
/// timeout of 10 s applies unless the URL sets one. `Err` says why the URL
/// is not usable (never quoting its password).
pub fn pg_config(url: &str) -> Result<(Config, String), String> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err("diharapkan URL postgres://USER@HOST:PORT/DB".to_owned());
    }
    let mut config: Config = url
        .parse()
        .map_err(|e: postgres::Error| format!("URL PostgreSQL tidak sah: {}", pg_error_text(&e)))?;
    if config.get_hosts().is_empty() {
        return Err("URL PostgreSQL tidak sah: tidak menyebut host".to_owned());
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    let name = name_of(&config);
    Ok((config, name))
}

/// `postgres://HOST:PORT/DB` for `url`, without user or password; for a
/// URL that does not parse, the URL with its user and password removed.
pub fn pg_describe(url: &str) -> String {
    match url.parse::<Config>() {
        Ok(config) if !config.get_hosts().is_empty() => name_of(&config),
        _ => strip_userinfo(url),
    }
}

fn name_of(config: &Config) -> String {
    let ports = config.get_ports();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let port = ports
                .get(i)
                .or_else(|| {
                    if ports.len() == 1 {
                        ports.first()
                    } else {
                        None
                    }
                })
                .copied()
                .unwrap_or(5432);
            match host {
                Host::Tcp(h) if h.contains(':') => format!("[{h}]:{port}"),
                Host::Tcp(h) => format!("{h}:{port}"),
                Host::Unix(p) => format!("{}:{port}", p.display()),
            }
        })
        .collect();
    let db = config
        .get_dbname()
        .or_else(|| config.get_user())
        .unwrap_or("");
    format!("postgres://{}/{db}", hosts.join(","))
}

/// Drop `user:password@` from a URL-like string (for unparseable URLs).
fn strip_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return if url.contains('@') {
            "postgres://…".to_owned()
        } else {
            url.to_owned()
        };
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let host = match authority.rfind('@') {
        Some(at) => &authority[at + 1..],
        None => authority,
    };
    // Query parameters may carry a password too.
    let path = match tail.find('?') {
        Some(q) => &tail[..q],
        None => tail,
    };
    format!("{scheme}://{host}{path}")
}

/// A store in a PostgreSQL database.
pub struct PgStore {
    client: Client,
    config: Config,
    name: String,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").field("name", &self.name).finish()
    }
}

impl PgStore {
    /// Connect to the database `url` names (`postgres://…` or
    /// `postgresql://…`) and create the store's tables if missing.
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        let (config, name) = pg_config(url).map_err(|detail| {
            StoreError::new(
                StoreErrorKind::BadSpec,
                pg_describe(url),
                "tidak bisa dibuka",
                detail,
            )
        })?;
        let client = connect(&config, &name)?;
        let mut store = PgStore {
            client,
            config,
            name,
        };
        store.init_schema()?;
        Ok(store)
    }

    /// The connection, reconnecting first if the server closed it.
    fn client(&mut self, action: &str) -> Result<&mut Client, StoreError> {
        if self.client.is_closed() {
            self.client = connect(&self.config, &self.name).map_err(|e| {
                StoreError::new(
                    e.kind(),
                    &self.name,
                    action,
                    format!("menyambung ulang: {e}"),
                )
            })?;
        }
        Ok(&mut self.client)
    }

    fn init_schema(&mut self) -> Result<(), StoreError> {
        let name = self.name.clone();
        let fail = |e| pg_error(&name, "tidak bisa dibuka", e);
        let mut tx = self.client.transaction().map_err(fail)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
            .map_err(fail)?;
        tx.batch_execute(CREATE_SCHEMA).map_err(fail)?;
        tx.execute(
            "INSERT INTO fox_meta(name, value) VALUES ('schema_version', $1)
             ON CONFLICT (name) DO NOTHING",
            &[&SCHEMA_VERSION],
        )
        .map_err(fail)?;
        let row = tx
            .query_one(
                "SELECT value FROM fox_meta WHERE name = 'schema_version'",
                &[],
            )
            .map_err(fail)?;
        let version: i64 = row.try_get(0).map_err(fail)?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::new(
                StoreErrorKind::NewerSchema,
                &name,
                "tidak bisa dibuka",
                format!(
                    "versi skema {version} lebih baru daripada yang didukung Fox ini \
                     ({SCHEMA_VERSION}); perbarui Fox untuk memakai penyimpanan ini"
                ),
            ));
        }
        if version != SCHEMA_VERSION {
            return Err(StoreError::new(
                StoreErrorKind::Corrupt,
                &name,
                "tidak bisa dibuka",
                format!("versi skema tidak sah: {version}"),
            ));
        }
        tx.commit().map_err(fail)
    }
}

fn connect(config: &Config, name: &str) -> Result<Client, StoreError> {
    let mut config = config.clone();
    if config.get_application_name().is_none() {
        config.application_name("fox");
    }
    config
        .connect(NoTls)
        .map_err(|e| pg_error(name, "tidak bisa dibuka", e))
}

impl Store for PgStore {
    fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let action = format!("tidak bisa membaca kunci {}", show(key));
        let name = self.name.clone();
        let row = self
            .client(&action)?
            .query_opt(
                "SELECT value FROM fox_kv WHERE key = $1",
                &[&key.as_bytes()],
            )
            .map_err(|e| pg_error(&name, &action, e))?;
        match row {
            Some(row) => row
                .try_get::<_, Vec<u8>>(0)
                .map(Some)
                .map_err(|e| pg_error(&name, &action, e)),
            None => Ok(None),
        }
    }

    fn put(&mut self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        let action = format!("tidak bisa menulis kunci {}", show(key));
        let name = self.name.clone();
        self.client(&action)?
            .execute(PUT, &[&key.as_bytes(), &value, &now_ms()])
            .map_err(|e| pg_error(&name, &action, e))?;
        Ok(())
    }

    fn delete(&mut self, key: &str) -> Result<bool, StoreError> {
        let action = format!("tidak bisa menghapus kunci {}", show(key));
        let name = self.name.clone();
        let n = self
            .client(&action)?
            .execute("DELETE FROM fox_kv WHERE key = $1", &[&key.as_bytes()])
            .map_err(|e| pg_error(&name, &action, e))?;
        Ok(n > 0)
    }

    fn keys(&mut self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let action = format!("tidak bisa mendaftar kunci {}*", show(prefix));
        let name = self.name.clone();
        let fail = |e| pg_error(&name, &action, e);
        let low = prefix.as_bytes();
        // Keys with the prefix are the byte range [prefix, successor).
        let rows = match successor(low) {
            Some(high) => self.client(&action)?.query(
                "SELECT key FROM fox_kv WHERE key >= $1 AND key < $2 ORDER BY key",
                &[&low, &high],
            ),
            None => self.client(&action)?.query(
                "SELECT key FROM fox_kv WHERE key >= $1 ORDER BY key",
                &[&low],
            ),
        }
        .map_err(fail)?;
        let mut keys = Vec::with_capacity(rows.len());
        for row in rows {
            let bytes: Vec<u8> = row.try_get(0).map_err(fail)?;
            let key = String::from_utf8(bytes).map_err(|_| {
                StoreError::new(
                    StoreErrorKind::Corrupt,
                    &name,
                    &action,
                    "sebuah kunci di fox_kv bukan UTF-8 yang sah",
                )
            })?;
            if key.starts_with(prefix) {
                keys.push(key);
            }
        }
        Ok(keys)
    }

    fn describe(&self) -> String {
        self.name.clone()
    }
}

/// The smallest byte string greater than every string starting with
/// `prefix`, or `None` when there is none (empty or all `0xff`).
fn successor(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut s = prefix.to_vec();
    while let Some(last) = s.pop() {
        if last < 0xff {
            s.push(last + 1);
            return Some(s);
        }
    }
    None
}

/// Convert a PostgreSQL error into a [`StoreError`].
fn pg_error(store: &str, action: impl Into<String>, e: postgres::Error) -> StoreError {
    let detail = pg_error_text(&e);
    StoreError::new(StoreErrorKind::Backend, store, action, detail).with_source(e)
}

/// A PostgreSQL error for a message: the server's message and detail, or
/// the client's error with its causes (e.g. `error connecting to server:
/// Connection refused (os error 111)`).
pub fn pg_error_text(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut d = format!("{}: {}", db.severity(), db.message());
        if let Some(detail) = db.detail() {
            d.push_str(&format!(" ({detail})"));
        }
        return d;
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let c = cause.to_string();
        if !text.contains(&c) {
            text.push_str(": ");
            text.push_str(&c);
        }
        source = cause.source();
    }
    text
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_never_show_the_password() {
        for (url, name) in [
            (
                "postgres://fox:rahasia@db.example:6543/antrean",
                "postgres://db.example:6543/antrean",
            ),
            (
                "postgresql://fox@127.0.0.1/x",
                "postgres://127.0.0.1:5432/x",
            ),
            ("postgres://fox@[::1]:5433/x", "postgres://[::1]:5433/x"),
            ("postgres://fox@h", "postgres://h:5432/fox"),
        ] {
            assert_eq!(pg_describe(url), name, "{url}");
            if let Ok((_, n)) = pg_config(url) {
                assert_eq!(n, name);
            }
        }
        let broken = pg_describe("postgres://fox:rahasia@h:notaport/db?password=x");
        assert!(
            !broken.contains("rahasia") && !broken.contains("password"),
            "{broken}"
        );
        assert!(broken.contains("h:notaport/db"), "{broken}");
    }

    #[test]
    fn successor_bounds_the_prefix_range() {
        assert_eq!(successor(b""), None);
        assert_eq!(successor(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(successor(b"a\xff"), Some(b"b".to_vec()));
        assert_eq!(successor(b"\xff\xff"), None);
    }
}
