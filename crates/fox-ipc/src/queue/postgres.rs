//! The PostgreSQL queue: one database shared by workers on any number of
//! machines. Same tables, columns and semantics as the SQLite queue
//! (`fox_tasks`, `fox_ipc_settings`, `fox_ipc_breaker`; blobs are `BYTEA`,
//! times `DOUBLE PRECISION` seconds, ids `BIGSERIAL`).
//!
//! Claiming is one transaction: first tasks whose worker died on their
//! last allowed attempt become `mati`, then `UPDATE … WHERE id = (SELECT …
//! ORDER BY priority DESC, run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
//! RETURNING …` takes the most urgent due task. A row another claimer has
//! locked is skipped, not waited for, so concurrent workers never claim the
//! same task and never queue up behind each other. Every later change is
//! guarded by the lease owner, as in SQLite.
//!
//! Submissions and `retry_now` send `NOTIFY fox_tasks` (delivered when they
//! commit); [`Queue::wait`] runs `LISTEN fox_tasks` once per connection and
//! then sleeps until a notification arrives or the timeout passes, so idle
//! workers wake as soon as there is work. Idempotency keys are a unique
//! column: a submitter that loses a race inserts nothing (`ON CONFLICT DO
//! NOTHING`) and returns the winner's task. Submissions hold a
//! transaction-scoped advisory lock while they count the waiting tasks, so
//! concurrent submitters cannot overshoot `max_queued`.
//!
//! The schema is created on first use under a transaction-scoped advisory
//! lock (several processes may open a fresh database at once). A closed
//! connection (server restart) is reopened before the next operation.
//! Errors name the database as `postgres://HOST:PORT/DB` (never the
//! password) and the operation.

use super::{Queue, QueueError, Settings};
use crate::task::{
    backoff_delay_ms, granted_json, now, Failure, Submitted, TaskRecord, TaskSpec, TaskState,
};
use ::postgres::fallible_iterator::FallibleIterator;
use ::postgres::{Client, Config, Error as PgError, NoTls, Row, Transaction};
use std::time::Duration;

/// Advisory lock key serialising schema creation (`"fox_ipc"` in ASCII).
const SCHEMA_LOCK: i64 = 0x66_6f78_5f69_7063;
/// Advisory lock key serialising submissions' back-pressure check.
const SUBMIT_LOCK: i64 = 0x66_6f78_5f69_7064;
/// The notification channel.
const CHANNEL: &str = "fox_tasks";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS fox_tasks (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    program TEXT NOT NULL,
    program_hash TEXT NOT NULL,
    args TEXT NOT NULL,
    priority INTEGER NOT NULL,
    max_attempts BIGINT NOT NULL,
    backoff_ms BIGINT NOT NULL,
    backoff_max_ms BIGINT NOT NULL,
    timeout_ms BIGINT,
    max_instructions BIGINT,
    idempotency_key TEXT UNIQUE,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    resumed BIGINT NOT NULL DEFAULT 0,
    completions BIGINT NOT NULL DEFAULT 0,
    run_at DOUBLE PRECISION NOT NULL,
    lease_owner TEXT,
    lease_until DOUBLE PRECISION,
    created_at DOUBLE PRECISION NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL,
    finished_at DOUBLE PRECISION,
    stdout BYTEA NOT NULL DEFAULT '\\x'::bytea,
    exit_code INTEGER,
    error_jenis TEXT,
    error_pesan TEXT,
    ticket BYTEA,
    ticket_summary TEXT,
    options TEXT NOT NULL DEFAULT '{}',
    granted TEXT
);
ALTER TABLE fox_tasks ADD COLUMN IF NOT EXISTS options TEXT NOT NULL DEFAULT '{}';
ALTER TABLE fox_tasks ADD COLUMN IF NOT EXISTS granted TEXT;
CREATE INDEX IF NOT EXISTS fox_tasks_due ON fox_tasks(state, priority DESC, run_at);
CREATE INDEX IF NOT EXISTS fox_tasks_lease ON fox_tasks(lease_owner);
CREATE TABLE IF NOT EXISTS fox_ipc_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fox_ipc_breaker (
    program_hash TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    open_until DOUBLE PRECISION NOT NULL
);
";

/// Every schema object; when all exist (and `fox_tasks` has its newest
/// column, `NEWEST_COLUMN`), opening takes no lock.
const NEWEST_COLUMN: &str = "granted";
const OBJECTS: [&str; 5] = [
    "fox_tasks",
    "fox_tasks_due",
    "fox_tasks_lease",
    "fox_ipc_settings",
    "fox_ipc_breaker",
];

const COLUMNS: &str = "id, name, program, args, priority, max_attempts, backoff_ms, \
    backoff_max_ms, timeout_ms, max_instructions, idempotency_key, state, attempts, resumed, \
    completions, run_at, lease_owner, lease_until, created_at, updated_at, finished_at, stdout, \
    exit_code, error_jenis, error_pesan, ticket, ticket_summary, options, granted";

pub struct PostgresQueue {
    client: Client,
    config: Config,
    /// `postgres://HOST:PORT/DB`, for messages.
    name: String,
    /// `LISTEN` has run on this connection.
    listening: bool,
    /// An operation failed in a way that ends the connection (see
    /// [`ends_connection`]): it is reopened before the next operation, even
    /// if the driver has not noticed that it is closed.
    broken: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

fn to_u32(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

fn to_u64(v: Option<i64>) -> Option<u64> {
    v.map(|x| u64::try_from(x.max(0)).unwrap_or(0))
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// A row of `COLUMNS` as a record.
fn record(row: &Row) -> Result<TaskRecord, PgError> {
    let args: String = row.try_get(3)?;
    let state: String = row.try_get(11)?;
    let summary: Option<String> = row.try_get(26)?;
    let options: String = row.try_get(27)?;
    let granted: Option<String> = row.try_get(28)?;
    let mut rec = TaskRecord {
        id: row.try_get(0)?,
        spec: TaskSpec {
            name: row.try_get(1)?,
            program: row.try_get(2)?,
            args: serde_json::from_str(&args).unwrap_or_default(),
            priority: row.try_get(4)?,
            max_attempts: to_u32(row.try_get(5)?),
            backoff_ms: to_u64(row.try_get(6)?).unwrap_or(0),
            backoff_max_ms: to_u64(row.try_get(7)?).unwrap_or(0),
            timeout_ms: to_u64(row.try_get(8)?),
            max_instructions: to_u64(row.try_get(9)?),
            idempotency_key: row.try_get(10)?,
            ..TaskSpec::default()
        },
        state: TaskState::parse(&state).unwrap_or(TaskState::Mati),
        attempts: to_u32(row.try_get(12)?),
        resumed: to_u32(row.try_get(13)?),
        completions: to_u32(row.try_get(14)?),
        run_at: row.try_get(15)?,
        lease_owner: row.try_get(16)?,
        lease_until: row.try_get(17)?,
        created_at: row.try_get(18)?,
        updated_at: row.try_get(19)?,
        finished_at: row.try_get(20)?,
        stdout: row.try_get(21)?,
        exit_code: row.try_get(22)?,
        error_jenis: row.try_get(23)?,
        error_pesan: row.try_get(24)?,
        ticket: row.try_get(25)?,
        ticket_summary: summary.and_then(|s| serde_json::from_str(&s).ok()),
        granted: granted.and_then(|s| serde_json::from_str(&s).ok()),
    };
    rec.spec.apply_options(&options);
    Ok(rec)
}

/// The task with idempotency key `key`, if any.
fn existing(tx: &mut Transaction<'_>, key: &str) -> Result<Option<i64>, PgError> {
    tx.query_opt(
        "SELECT id FROM fox_tasks WHERE idempotency_key = $1",
        &[&key],
    )
    .and_then(|r| r.map(|r| r.try_get::<_, i64>(0)).transpose())
}

/// An error mapper for operation `what` on the queue named `name`.
fn err(name: &str, what: &'static str) -> impl Fn(PgError) -> QueueError {
    let name = name.to_string();
    move |e| QueueError::Backend(format!("{name}: {what}: {}", fox_store::pg_error_text(&e)))
}

fn connect(config: &Config, name: &str) -> Result<Client, QueueError> {
    let mut config = config.clone();
    if config.get_application_name().is_none() {
        config.application_name("fox-ipc");
    }
    config.connect(NoTls).map_err(err(name, "buka"))
}

fn create_schema(client: &mut Client, name: &str) -> Result<(), QueueError> {
    let e = err(name, "buat skema");
    let present: i64 = client
        .query_one(
            "SELECT count(*) FROM unnest($1::text[]) AS o(name) WHERE to_regclass(o.name) IS NOT NULL",
            &[&&OBJECTS[..]],
        )
        .and_then(|r| r.try_get(0))
        .map_err(&e)?;
    let newest: i64 = client
        .query_one(
            "SELECT count(*) FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = 'fox_tasks'
               AND column_name = $1",
            &[&NEWEST_COLUMN],
        )
        .and_then(|r| r.try_get(0))
        .map_err(&e)?;
    if present == OBJECTS.len() as i64 && newest == 1 {
        return Ok(());
    }
    let mut tx = client.transaction().map_err(&e)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
        .map_err(&e)?;
    tx.batch_execute(SCHEMA).map_err(&e)?;
    tx.commit().map_err(&e)
}

impl PostgresQueue {
    /// Connect to the queue database `url` names (`postgres://…` or
    /// `postgresql://…`) and create the tables if missing.
    pub fn open(url: &str) -> Result<PostgresQueue, QueueError> {
        let (config, name) = fox_store::pg_config(url).map_err(|d| {
            QueueError::Backend(format!("{}: buka: {d}", fox_store::pg_describe(url)))
        })?;
        let mut client = connect(&config, &name)?;
        create_schema(&mut client, &name)?;
        Ok(PostgresQueue {
            client,
            config,
            name,
            listening: false,
            broken: Default::default(),
        })
    }

    /// The connection, reopened first if the server closed it.
    fn client(&mut self) -> Result<&mut Client, QueueError> {
        let broken = self
            .broken
            .swap(false, std::sync::atomic::Ordering::Relaxed);
        if broken || self.client.is_closed() {
            self.client = connect(&self.config, &self.name)?;
            self.listening = false;
        }
        Ok(&mut self.client)
    }

    fn err(&self, what: &'static str) -> impl Fn(PgError) -> QueueError {
        let plain = err(&self.name, what);
        let broken = self.broken.clone();
        move |e| {
            if ends_connection(&e) {
                broken.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            plain(e)
        }
    }
}

/// Whether `e` leaves the connection unusable: a failure below the SQL level
/// (a reset socket), or a server error that ends the session — a FATAL one,
/// a connection exception (class 08) or an operator intervention such as
/// `pg_terminate_backend` (57P01–57P03), which the server sends just before
/// it closes the socket.
fn ends_connection(e: &PgError) -> bool {
    match e.as_db_error() {
        None => true,
        Some(db) => {
            let code = db.code().code();
            matches!(db.severity(), "FATAL" | "PANIC")
                || code.starts_with("08")
                || code.starts_with("57P")
        }
    }
}

impl Queue for PostgresQueue {
    fn submit(&mut self, spec: &TaskSpec) -> Result<Submitted, QueueError> {
        spec.validate().map_err(QueueError::Invalid)?;
        let settings = self.settings()?;
        let e = self.err("kirim");
        let name = self.name.clone();
        let mut tx = self.client()?.transaction().map_err(&e)?;
        if let Some(key) = &spec.idempotency_key {
            if let Some(id) = existing(&mut tx, key).map_err(&e)? {
                return Ok(Submitted { id, existing: true });
            }
        }
        // One submitter at a time counts and inserts: the limit is exact.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SUBMIT_LOCK])
            .map_err(&e)?;
        let queued: i64 = tx
            .query_one(
                "SELECT count(*) FROM fox_tasks WHERE state IN ('menunggu', 'gagal-coba-lagi')",
                &[],
            )
            .and_then(|r| r.try_get(0))
            .map_err(&e)?;
        let queued = u64::try_from(queued.max(0)).unwrap_or(0);
        if queued >= settings.max_queued {
            return Err(QueueError::Full {
                queued,
                max: settings.max_queued,
            });
        }
        let t = now();
        let args = serde_json::to_string(&spec.args).unwrap_or_else(|_| "[]".into());
        let inserted = tx
            .query_opt(
                "INSERT INTO fox_tasks (name, program, program_hash, args, priority, max_attempts,
                    backoff_ms, backoff_max_ms, timeout_ms, max_instructions, idempotency_key,
                    state, run_at, created_at, updated_at, options)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'menunggu', $12, $12, $12, $13)
                 ON CONFLICT (idempotency_key) DO NOTHING
                 RETURNING id",
                &[
                    &spec.name,
                    &spec.program,
                    &spec.program_hash(),
                    &args,
                    &spec.priority,
                    &i64::from(spec.max_attempts),
                    &to_i64(spec.backoff_ms),
                    &to_i64(spec.backoff_max_ms),
                    &spec.timeout_ms.map(to_i64),
                    &spec.max_instructions.map(to_i64),
                    &spec.idempotency_key,
                    &t,
                    &spec.options_json(),
                ],
            )
            .and_then(|r| r.map(|r| r.try_get::<_, i64>(0)).transpose())
            .map_err(&e)?;
        let submitted = match (inserted, &spec.idempotency_key) {
            (Some(id), _) => {
                tx.batch_execute(&format!("NOTIFY {CHANNEL}")).map_err(&e)?;
                Submitted {
                    id,
                    existing: false,
                }
            }
            // A concurrent submitter with the same key won the race; its
            // row is committed (the conflict waited for it).
            (None, Some(key)) => {
                let id = existing(&mut tx, key).map_err(&e)?.ok_or_else(|| {
                    QueueError::Backend(format!(
                        "{name}: kirim: tugas dengan kunci {key:?} bentrok tetapi tidak ditemukan"
                    ))
                })?;
                Submitted { id, existing: true }
            }
            (None, None) => {
                return Err(QueueError::Backend(format!(
                    "{name}: kirim: tugas tidak tersimpan"
                )))
            }
        };
        tx.commit().map_err(&e)?;
        Ok(submitted)
    }

    fn claim(&mut self, worker: &str, lease: f64) -> Result<Option<TaskRecord>, QueueError> {
        let t = now();
        let e = self.err("ambil");
        let mut tx = self.client()?.transaction().map_err(&e)?;
        let rec = claim_in(&mut tx, t, worker, lease, &e)?;
        tx.commit().map_err(&e)?;
        Ok(rec)
    }

    fn complete_and_claim(
        &mut self,
        id: i64,
        worker: &str,
        stdout: &[u8],
        exit_code: i32,
        granted: &[String],
        lease: f64,
    ) -> Result<(bool, Option<TaskRecord>), QueueError> {
        // One transaction, so one commit (one WAL flush) per task.
        let t = now();
        let e = self.err("selesai+ambil");
        let mut tx = self.client()?.transaction().map_err(&e)?;
        let done = complete_in(&mut tx, id, worker, stdout, exit_code, granted, t, &e)?;
        let rec = claim_in(&mut tx, t, worker, lease, &e)?;
        tx.commit().map_err(&e)?;
        Ok((done, rec))
    }

    fn lease_of(&mut self, id: i64) -> Result<Option<(TaskState, Option<String>)>, QueueError> {
        let e = self.err("baca sewa");
        let row = self
            .client()?
            .query_opt(
                "SELECT state, lease_owner FROM fox_tasks WHERE id = $1",
                &[&id],
            )
            .map_err(&e)?;
        match row {
            None => Ok(None),
            Some(r) => {
                let s: String = r.try_get(0).map_err(&e)?;
                let o: Option<String> = r.try_get(1).map_err(&e)?;
                Ok(Some((TaskState::parse(&s).unwrap_or(TaskState::Mati), o)))
            }
        }
    }

    fn heartbeat(&mut self, worker: &str, lease: f64) -> Result<u64, QueueError> {
        let t = now();
        let e = self.err("detak");
        self.client()?
            .execute(
                "UPDATE fox_tasks SET lease_until = $1::float8 + $2::float8
                 WHERE lease_owner = $3 AND state = 'berjalan'",
                &[&t, &lease, &worker],
            )
            .map_err(e)
    }

    fn complete(
        &mut self,
        id: i64,
        worker: &str,
        stdout: &[u8],
        exit_code: i32,
        granted: &[String],
    ) -> Result<bool, QueueError> {
        let t = now();
        let e = self.err("selesai");
        let mut tx = self.client()?.transaction().map_err(&e)?;
        let done = complete_in(&mut tx, id, worker, stdout, exit_code, granted, t, &e)?;
        tx.commit().map_err(&e)?;
        Ok(done)
    }

    fn fail(
        &mut self,
        id: i64,
        worker: &str,
        f: &Failure,
    ) -> Result<Option<TaskState>, QueueError> {
        let t = now();
        let settings = self.settings()?;
        let e = self.err("gagal");
        let mut tx = self.client()?.transaction().map_err(&e)?;
        let row = tx
            .query_opt(
                &format!(
                    "SELECT {COLUMNS} FROM fox_tasks
                     WHERE id = $1 AND lease_owner = $2 AND state = 'berjalan'
                     FOR UPDATE"
                ),
                &[&id, &worker],
            )
            .and_then(|r| r.map(|r| record(&r)).transpose())
            .map_err(&e)?;
        let Some(rec) = row else {
            return Ok(None);
        };
        let dead = !f.retryable || rec.attempts >= rec.spec.max_attempts;
        let (state, run_at) = if dead {
            (TaskState::Mati, rec.run_at)
        } else {
            let seed = (id as u64) ^ (u64::from(rec.attempts) << 32) ^ t.to_bits();
            let delay = backoff_delay_ms(&rec.spec, rec.attempts, seed);
            (TaskState::GagalCobaLagi, t + delay as f64 / 1000.0)
        };
        let summary = f.ticket_summary.as_ref().map(|v| v.to_string());
        let finished = dead.then_some(t);
        tx.execute(
            "UPDATE fox_tasks SET state = $3, run_at = $4, stdout = stdout || $5::bytea,
                error_jenis = $6, error_pesan = $7,
                ticket = COALESCE($8::bytea, ticket), ticket_summary = COALESCE($9::text, ticket_summary),
                lease_owner = NULL, lease_until = NULL, updated_at = $10, finished_at = $11,
                granted = COALESCE($12::text, granted)
             WHERE id = $1 AND lease_owner = $2",
            &[
                &id,
                &worker,
                &state.as_str(),
                &run_at,
                &f.stdout,
                &f.jenis,
                &f.pesan,
                &f.ticket,
                &summary,
                &t,
                &finished,
                &f.granted.as_deref().map(granted_json),
            ],
        )
        .map_err(&e)?;
        // Circuit breaker: consecutive failures of one program.
        let hash = rec.spec.program_hash();
        tx.execute(
            "INSERT INTO fox_ipc_breaker (program_hash, failures, open_until) VALUES ($1, 1, 0)
             ON CONFLICT (program_hash)
             DO UPDATE SET failures = fox_ipc_breaker.failures + 1",
            &[&hash],
        )
        .map_err(&e)?;
        tx.execute(
            "UPDATE fox_ipc_breaker SET open_until = $2, failures = 0
             WHERE program_hash = $1 AND failures >= $3",
            &[
                &hash,
                &(t + settings.breaker_cooldown),
                &i64::from(settings.breaker_threshold),
            ],
        )
        .map_err(&e)?;
        tx.commit().map_err(&e)?;
        Ok(Some(state))
    }

    fn cancel(&mut self, id: i64) -> Result<bool, QueueError> {
        let t = now();
        let e = self.err("batal");
        let n = self
            .client()?
            .execute(
                "UPDATE fox_tasks SET state = 'dibatalkan', lease_owner = NULL,
                    lease_until = NULL, updated_at = $2, finished_at = $2
                 WHERE id = $1 AND state NOT IN ('selesai', 'mati', 'dibatalkan')",
                &[&id, &t],
            )
            .map_err(e)?;
        Ok(n == 1)
    }

    fn retry_now(&mut self, id: i64) -> Result<bool, QueueError> {
        let t = now();
        let e = self.err("coba lagi");
        let mut tx = self.client()?.transaction().map_err(&e)?;
        // A dead task gets one more attempt on top of the ones it used.
        let hash = tx
            .query_opt(
                "UPDATE fox_tasks SET
                    max_attempts = CASE WHEN state = 'mati'
                                        THEN GREATEST(max_attempts, attempts + 1)
                                        ELSE max_attempts END,
                    state = 'gagal-coba-lagi', run_at = $2, updated_at = $2, finished_at = NULL
                 WHERE id = $1 AND state IN ('gagal-coba-lagi', 'mati')
                 RETURNING program_hash",
                &[&id, &t],
            )
            .and_then(|r| r.map(|r| r.try_get::<_, String>(0)).transpose())
            .map_err(&e)?;
        if let Some(hash) = &hash {
            tx.execute(
                "DELETE FROM fox_ipc_breaker WHERE program_hash = $1",
                &[hash],
            )
            .map_err(&e)?;
            tx.batch_execute(&format!("NOTIFY {CHANNEL}")).map_err(&e)?;
        }
        tx.commit().map_err(&e)?;
        Ok(hash.is_some())
    }

    fn purge(&mut self, states: &[TaskState]) -> Result<u64, QueueError> {
        let e = self.err("bersihkan");
        let finals: Vec<&str> = states
            .iter()
            .filter(|s| s.is_final())
            .map(|s| s.as_str())
            .collect();
        if finals.is_empty() {
            return Ok(0);
        }
        self.client()?
            .execute("DELETE FROM fox_tasks WHERE state = ANY($1)", &[&finals])
            .map_err(e)
    }

    fn get(&mut self, id: i64) -> Result<Option<TaskRecord>, QueueError> {
        let e = self.err("baca");
        self.client()?
            .query_opt(
                &format!("SELECT {COLUMNS} FROM fox_tasks WHERE id = $1"),
                &[&id],
            )
            .and_then(|r| r.map(|r| record(&r)).transpose())
            .map_err(e)
    }

    fn list(
        &mut self,
        state: Option<TaskState>,
        limit: u32,
    ) -> Result<Vec<TaskRecord>, QueueError> {
        let e = self.err("daftar");
        let sql = format!(
            "SELECT {COLUMNS} FROM fox_tasks WHERE ($1::text IS NULL OR state = $1)
             ORDER BY id DESC LIMIT $2"
        );
        let rows = self
            .client()?
            .query(&sql, &[&state.map(|s| s.as_str()), &i64::from(limit)])
            .map_err(&e)?;
        rows.iter()
            .map(record)
            .collect::<Result<Vec<_>, _>>()
            .map_err(e)
    }

    fn counts(&mut self) -> Result<Vec<(TaskState, u64)>, QueueError> {
        let e = self.err("hitung");
        let rows = self
            .client()?
            .query("SELECT state, count(*) FROM fox_tasks GROUP BY state", &[])
            .map_err(&e)?;
        let mut found = std::collections::HashMap::new();
        for r in rows {
            let s: String = r.try_get(0).map_err(&e)?;
            let n: i64 = r.try_get(1).map_err(&e)?;
            if let Some(s) = TaskState::parse(&s) {
                found.insert(s, u64::try_from(n.max(0)).unwrap_or(0));
            }
        }
        Ok(TaskState::ALL
            .into_iter()
            .map(|s| (s, found.get(&s).copied().unwrap_or(0)))
            .collect())
    }

    fn settings(&mut self) -> Result<Settings, QueueError> {
        let e = self.err("baca pengaturan");
        let rows = self
            .client()?
            .query(
                "SELECT key, value FROM fox_ipc_settings
                 WHERE key IN ('max_queued', 'breaker_threshold', 'breaker_cooldown')",
                &[],
            )
            .map_err(&e)?;
        let mut s = Settings::default();
        for r in rows {
            let key: String = r.try_get(0).map_err(&e)?;
            let value: String = r.try_get(1).map_err(&e)?;
            let Ok(v) = value.parse::<f64>() else {
                continue;
            };
            match key.as_str() {
                "max_queued" => s.max_queued = v as u64,
                "breaker_threshold" => s.breaker_threshold = v as u32,
                _ => s.breaker_cooldown = v,
            }
        }
        Ok(s)
    }

    fn set_settings(&mut self, s: &Settings) -> Result<(), QueueError> {
        let e = self.err("simpan pengaturan");
        let mut tx = self.client()?.transaction().map_err(&e)?;
        for (k, v) in [
            ("max_queued", s.max_queued.to_string()),
            ("breaker_threshold", s.breaker_threshold.to_string()),
            ("breaker_cooldown", s.breaker_cooldown.to_string()),
        ] {
            tx.execute(
                "INSERT INTO fox_ipc_settings (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                &[&k, &v],
            )
            .map_err(&e)?;
        }
        tx.commit().map_err(&e)
    }

    fn wait(&mut self, timeout: Duration) -> Result<(), QueueError> {
        let e = self.err("tunggu");
        if !self.listening {
            self.client()?
                .batch_execute(&format!("LISTEN {CHANNEL}"))
                .map_err(&e)?;
            self.listening = true;
        }
        let client = self.client()?;
        // Notifications that arrived while this connection was busy mean
        // work may be there now: take them all (one wake-up however many
        // tasks came) and return at once.
        let mut notifications = client.notifications();
        let mut buffered = 0usize;
        {
            let mut it = notifications.iter();
            while it.next().map_err(&e)?.is_some() {
                buffered += 1;
            }
        }
        if buffered > 0 || timeout.is_zero() {
            return Ok(());
        }
        if notifications
            .timeout_iter(timeout)
            .next()
            .map_err(&e)?
            .is_some()
        {
            let mut it = notifications.iter();
            while it.next().map_err(&e)?.is_some() {}
        }
        Ok(())
    }

    fn describe(&self) -> String {
        self.name.clone()
    }
}

/// Claim the most urgent due task inside `tx` (see `claim`).
fn claim_in(
    tx: &mut postgres::Transaction<'_>,
    t: f64,
    worker: &str,
    lease: f64,
    e: &impl Fn(postgres::Error) -> QueueError,
) -> Result<Option<TaskRecord>, QueueError> {
    // A task whose worker died on its last allowed attempt is dead.
    // (Rows another transaction holds are left to it.)
    tx.execute(
        "UPDATE fox_tasks SET state = 'mati', lease_owner = NULL, lease_until = NULL,
                updated_at = $1, finished_at = $1,
                error_jenis = COALESCE(error_jenis, 'ErrorPekerja'),
                error_pesan = 'pekerja berhenti (sewa habis) pada percobaan terakhir'
             WHERE id IN (
                SELECT id FROM fox_tasks
                WHERE state = 'berjalan' AND lease_until < $1 AND attempts >= max_attempts
                FOR UPDATE SKIP LOCKED)",
        &[&t],
    )
    .map_err(e)?;
    let sql = format!(
            "UPDATE fox_tasks SET state = 'berjalan', lease_owner = $2, lease_until = $1::float8 + $3::float8,
                attempts = attempts + 1,
                resumed = resumed + CASE WHEN ticket IS NULL THEN 0 ELSE 1 END,
                updated_at = $1
             WHERE id = (
                SELECT id FROM fox_tasks t
                WHERE ((state IN ('menunggu', 'gagal-coba-lagi') AND run_at <= $1)
                       OR (state = 'berjalan' AND lease_until < $1
                           AND attempts < max_attempts))
                  AND NOT EXISTS (SELECT 1 FROM fox_ipc_breaker b
                                  WHERE b.program_hash = t.program_hash AND b.open_until > $1)
                ORDER BY priority DESC, run_at, id
                LIMIT 1
                FOR UPDATE OF t SKIP LOCKED)
             RETURNING {COLUMNS}"
        );
    let rec = tx
        .query_opt(&sql, &[&t, &worker, &lease])
        .and_then(|r| r.map(|r| record(&r)).transpose())
        .map_err(e)?;
    Ok(rec)
}

/// Finish a task inside `tx`; `false` if `worker` no longer holds it.
fn complete_in(
    tx: &mut postgres::Transaction<'_>,
    id: i64,
    worker: &str,
    stdout: &[u8],
    exit_code: i32,
    granted: &[String],
    t: f64,
    e: &impl Fn(postgres::Error) -> QueueError,
) -> Result<bool, QueueError> {
    let hash = tx
        .query_opt(
            "UPDATE fox_tasks SET state = 'selesai', completions = completions + 1,
                    stdout = stdout || $3::bytea, exit_code = $4, lease_owner = NULL,
                    lease_until = NULL, updated_at = $5, finished_at = $5, ticket = NULL,
                    granted = $6
                 WHERE id = $1 AND lease_owner = $2 AND state = 'berjalan'
                 RETURNING program_hash",
            &[
                &id,
                &worker,
                &stdout,
                &exit_code,
                &t,
                &granted_json(granted),
            ],
        )
        .and_then(|r| r.map(|r| r.try_get::<_, String>(0)).transpose())
        .map_err(e)?;
    if let Some(hash) = &hash {
        tx.execute(
            "DELETE FROM fox_ipc_breaker WHERE program_hash = $1",
            &[hash],
        )
        .map_err(e)?;
    }
    Ok(hash.is_some())
}
