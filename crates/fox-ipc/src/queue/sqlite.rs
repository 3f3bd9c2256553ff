//! The SQLite queue: one file, no server, shared by any number of worker
//! processes on one machine. Claiming is one `BEGIN IMMEDIATE` transaction
//! (`UPDATE … WHERE id = (SELECT … LIMIT 1) RETURNING …`), so two workers
//! never claim the same task; every later change is guarded by the lease
//! owner. The file also holds the durable key-value store (`fox-store`),
//! so tasks' `ingat`/`kenang` and pipelines use the same database.

use super::{Queue, QueueError, Settings};
use crate::task::{backoff_delay_ms, now, Failure, Submitted, TaskRecord, TaskSpec, TaskState};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS fox_tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    program TEXT NOT NULL,
    program_hash TEXT NOT NULL,
    args TEXT NOT NULL,
    priority INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    backoff_ms INTEGER NOT NULL,
    backoff_max_ms INTEGER NOT NULL,
    timeout_ms INTEGER,
    max_instructions INTEGER,
    idempotency_key TEXT UNIQUE,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    resumed INTEGER NOT NULL DEFAULT 0,
    completions INTEGER NOT NULL DEFAULT 0,
    run_at REAL NOT NULL,
    lease_owner TEXT,
    lease_until REAL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    finished_at REAL,
    stdout BLOB NOT NULL DEFAULT x'',
    exit_code INTEGER,
    error_jenis TEXT,
    error_pesan TEXT,
    ticket BLOB,
    ticket_summary TEXT,
    max_heap_bytes INTEGER
);
CREATE INDEX IF NOT EXISTS fox_tasks_claim ON fox_tasks(state, priority DESC, run_at, id);
CREATE TABLE IF NOT EXISTS fox_ipc_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fox_ipc_breaker (
    program_hash TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    open_until REAL NOT NULL
);
";

/// The most urgent task of one state (`{CANDIDATE} <condition> {BEST}`):
/// one walk down the `fox_tasks_claim` index, skipping programs whose circuit
/// breaker is open. Three of these (queued, due retries, expired leases)
/// replace one `OR` that would scan the whole table on every claim.
const CANDIDATE: &str = "SELECT id, priority, run_at FROM fox_tasks t
    WHERE NOT EXISTS (SELECT 1 FROM fox_ipc_breaker b
                      WHERE b.program_hash = t.program_hash AND b.open_until > ?1)
      AND";
const BEST: &str = "ORDER BY priority DESC, run_at, id LIMIT 1";

const COLUMNS: &str = "id, name, program, args, priority, max_attempts, backoff_ms, \
    backoff_max_ms, timeout_ms, max_instructions, idempotency_key, state, attempts, resumed, \
    completions, run_at, lease_owner, lease_until, created_at, updated_at, finished_at, stdout, \
    exit_code, error_jenis, error_pesan, ticket, ticket_summary, max_heap_bytes";

pub struct SqliteQueue {
    conn: Connection,
    path: PathBuf,
    /// When the dead-lease sweep last ran.
    last_sweep: f64,
    /// Whether the last `complete_and_claim` completed its task.
    last_completed: bool,
}

fn to_u32(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

fn to_u64(v: Option<i64>) -> Option<u64> {
    v.map(|x| u64::try_from(x.max(0)).unwrap_or(0))
}

/// A row of `COLUMNS` as a record.
fn record(row: &Row<'_>) -> rusqlite::Result<TaskRecord> {
    let args: String = row.get(3)?;
    let state: String = row.get(11)?;
    let summary: Option<String> = row.get(26)?;
    Ok(TaskRecord {
        id: row.get(0)?,
        spec: TaskSpec {
            name: row.get(1)?,
            program: row.get(2)?,
            args: serde_json::from_str(&args).unwrap_or_default(),
            priority: row.get(4)?,
            max_attempts: to_u32(row.get(5)?),
            backoff_ms: to_u64(row.get(6)?).unwrap_or(0),
            backoff_max_ms: to_u64(row.get(7)?).unwrap_or(0),
            timeout_ms: to_u64(row.get(8)?),
            max_instructions: to_u64(row.get(9)?),
            max_heap_bytes: to_u64(row.get(27)?),
            idempotency_key: row.get(10)?,
        },
        state: TaskState::parse(&state).unwrap_or(TaskState::Mati),
        attempts: to_u32(row.get(12)?),
        resumed: to_u32(row.get(13)?),
        completions: to_u32(row.get(14)?),
        run_at: row.get(15)?,
        lease_owner: row.get(16)?,
        lease_until: row.get(17)?,
        created_at: row.get(18)?,
        updated_at: row.get(19)?,
        finished_at: row.get(20)?,
        stdout: match row.get::<_, rusqlite::types::Value>(21)? {
            rusqlite::types::Value::Blob(b) => b,
            rusqlite::types::Value::Text(t) => t.into_bytes(),
            _ => Vec::new(),
        },
        exit_code: row.get(22)?,
        error_jenis: row.get(23)?,
        error_pesan: row.get(24)?,
        ticket: row.get(25)?,
        ticket_summary: summary.and_then(|s| serde_json::from_str(&s).ok()),
    })
}

/// Columns added after the first release, added to older queue files when
/// they are opened (`CREATE TABLE IF NOT EXISTS` leaves those as they were).
fn add_missing_columns(conn: &Connection) -> rusqlite::Result<()> {
    let has: bool = conn.query_row(
        "SELECT count(*) FROM pragma_table_info('fox_tasks') WHERE name = 'max_heap_bytes'",
        [],
        |r| r.get::<_, i64>(0).map(|n| n > 0),
    )?;
    if !has {
        conn.execute_batch("ALTER TABLE fox_tasks ADD COLUMN max_heap_bytes INTEGER")?;
    }
    Ok(())
}

/// Leases that expired on a task's last allowed attempt: the task is dead.
fn expire_dead(tx: &Transaction<'_>, t: f64) -> rusqlite::Result<usize> {
    tx.prepare_cached(
        "UPDATE fox_tasks SET state = 'mati', lease_owner = NULL, lease_until = NULL,
            updated_at = ?1, finished_at = ?1,
            error_jenis = COALESCE(error_jenis, 'ErrorPekerja'),
            error_pesan = 'pekerja berhenti (sewa habis) pada percobaan terakhir'
         WHERE state = 'berjalan' AND lease_until < ?1 AND attempts >= max_attempts",
    )?
    .execute([t])
}

/// Claim the most urgent due task (see `CANDIDATE`).
fn claim_in(
    tx: &Transaction<'_>,
    t: f64,
    worker: &str,
    lease: f64,
) -> rusqlite::Result<Option<TaskRecord>> {
    let sql = format!(
        "UPDATE fox_tasks SET state = 'berjalan', lease_owner = ?2, lease_until = ?1 + ?3,
            attempts = attempts + 1, resumed = resumed + (ticket IS NOT NULL),
            updated_at = ?1
         WHERE id = (
            SELECT id FROM (
                SELECT * FROM ({CANDIDATE} state = 'menunggu' AND run_at <= ?1 {BEST})
                UNION ALL
                SELECT * FROM ({CANDIDATE} state = 'gagal-coba-lagi' AND run_at <= ?1 {BEST})
                UNION ALL
                SELECT * FROM ({CANDIDATE} state = 'berjalan' AND lease_until < ?1
                               AND attempts < max_attempts {BEST}))
            ORDER BY priority DESC, run_at, id
            LIMIT 1)
         RETURNING {COLUMNS}"
    );
    tx.prepare_cached(&sql)?
        .query_row(params![t, worker, lease], record)
        .optional()
}

/// Finish a task held by `worker`; `false` if it no longer holds it.
fn complete_in(
    tx: &Transaction<'_>,
    id: i64,
    worker: &str,
    stdout: &[u8],
    exit_code: i32,
    t: f64,
) -> rusqlite::Result<bool> {
    let n = tx
        .prepare_cached(
            "UPDATE fox_tasks SET state = 'selesai', completions = completions + 1,
                stdout = CAST(stdout || ?3 AS BLOB), exit_code = ?4, lease_owner = NULL,
                lease_until = NULL, updated_at = ?5, finished_at = ?5, ticket = NULL
             WHERE id = ?1 AND lease_owner = ?2 AND state = 'berjalan'",
        )?
        .execute(params![id, worker, stdout, exit_code, t])?;
    if n == 1 {
        tx.prepare_cached(
            "DELETE FROM fox_ipc_breaker WHERE program_hash =
                (SELECT program_hash FROM fox_tasks WHERE id = ?1)",
        )?
        .execute([id])?;
    }
    Ok(n == 1)
}

impl SqliteQueue {
    /// One transaction: optionally finish a task, then claim the next. The
    /// sweep for tasks whose worker died on their last attempt runs at most
    /// once a second (and whenever nothing is claimable).
    fn claim_after(
        &mut self,
        finished: Option<(i64, &[u8], i32)>,
        worker: &str,
        lease: f64,
    ) -> Result<Option<TaskRecord>, QueueError> {
        let t = now();
        let path = self.path.display().to_string();
        let e = move |e: rusqlite::Error| QueueError::Backend(format!("sqlite:{path}: ambil: {e}"));
        let sweep = t - self.last_sweep >= 1.0;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&e)?;
        self.last_completed = match finished {
            Some((id, stdout, code)) => {
                complete_in(&tx, id, worker, stdout, code, t).map_err(&e)?
            }
            None => false,
        };
        if sweep {
            expire_dead(&tx, t).map_err(&e)?;
        }
        let rec = claim_in(&tx, t, worker, lease).map_err(&e)?;
        if rec.is_none() && !sweep {
            expire_dead(&tx, t).map_err(&e)?;
        }
        tx.commit().map_err(&e)?;
        if sweep || rec.is_none() {
            self.last_sweep = t;
        }
        Ok(rec)
    }

    /// Open (creating) the queue in the SQLite file at `path`.
    pub fn open(path: &Path) -> Result<SqliteQueue, QueueError> {
        // The key-value store first: it creates the file with its own
        // schema checks (not a database, a foreign or newer one, …).
        fox_store::SqliteStore::open(path).map_err(|e| QueueError::Backend(e.to_string()))?;
        let name = format!("sqlite:{}", path.display());
        let err = |e: rusqlite::Error| QueueError::Backend(format!("{name}: {e}"));
        let conn = Connection::open(path).map_err(err)?;
        conn.busy_timeout(Duration::from_secs(30)).map_err(err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(err)?;
        conn.execute_batch(SCHEMA).map_err(err)?;
        add_missing_columns(&conn).map_err(err)?;
        Ok(SqliteQueue {
            conn,
            path: path.to_path_buf(),
            last_sweep: 0.0,
            last_completed: false,
        })
    }

    fn err(&self, what: &str) -> impl Fn(rusqlite::Error) -> QueueError + '_ {
        let what = what.to_string();
        move |e| QueueError::Backend(format!("sqlite:{}: {what}: {e}", self.path.display()))
    }

    fn setting(&self, key: &str) -> Result<Option<String>, QueueError> {
        self.conn
            .query_row(
                "SELECT value FROM fox_ipc_settings WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.err("baca pengaturan"))
    }
}

impl Queue for SqliteQueue {
    fn submit(&mut self, spec: &TaskSpec) -> Result<Submitted, QueueError> {
        spec.validate().map_err(QueueError::Invalid)?;
        let settings = self.settings()?;
        let path = self.path.display().to_string();
        let e = |what: &'static str| {
            let path = path.clone();
            move |e: rusqlite::Error| QueueError::Backend(format!("sqlite:{path}: {what}: {e}"))
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(e("kirim"))?;
        if let Some(key) = &spec.idempotency_key {
            let id: Option<i64> = tx
                .query_row(
                    "SELECT id FROM fox_tasks WHERE idempotency_key = ?1",
                    [key],
                    |r| r.get(0),
                )
                .optional()
                .map_err(e("kirim"))?;
            if let Some(id) = id {
                return Ok(Submitted { id, existing: true });
            }
        }
        let queued: i64 = tx
            .query_row(
                "SELECT COUNT(*) FROM fox_tasks WHERE state IN ('menunggu', 'gagal-coba-lagi')",
                [],
                |r| r.get(0),
            )
            .map_err(e("kirim"))?;
        let queued = queued.max(0) as u64;
        if queued >= settings.max_queued {
            return Err(QueueError::Full {
                queued,
                max: settings.max_queued,
            });
        }
        let t = now();
        let args = serde_json::to_string(&spec.args).unwrap_or_else(|_| "[]".into());
        tx.execute(
            "INSERT INTO fox_tasks (name, program, program_hash, args, priority, max_attempts,
                backoff_ms, backoff_max_ms, timeout_ms, max_instructions, idempotency_key,
                state, run_at, created_at, updated_at, max_heap_bytes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'menunggu', ?12, ?12, ?12, ?13)",
            params![
                spec.name,
                spec.program,
                spec.program_hash(),
                args,
                spec.priority,
                spec.max_attempts,
                spec.backoff_ms as i64,
                spec.backoff_max_ms as i64,
                spec.timeout_ms.map(|v| v as i64),
                spec.max_instructions.map(|v| v as i64),
                spec.idempotency_key,
                t,
                spec.max_heap_bytes
                    .map(|v| i64::try_from(v).unwrap_or(i64::MAX)),
            ],
        )
        .map_err(e("kirim"))?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(e("kirim"))?;
        Ok(Submitted {
            id,
            existing: false,
        })
    }

    fn claim(&mut self, worker: &str, lease: f64) -> Result<Option<TaskRecord>, QueueError> {
        self.claim_after(None, worker, lease)
    }

    fn complete_and_claim(
        &mut self,
        id: i64,
        worker: &str,
        stdout: &[u8],
        exit_code: i32,
        lease: f64,
    ) -> Result<(bool, Option<TaskRecord>), QueueError> {
        self.claim_after(Some((id, stdout, exit_code)), worker, lease)
            .map(|r| (self.last_completed, r))
    }

    fn heartbeat(&mut self, worker: &str, lease: f64) -> Result<u64, QueueError> {
        let t = now();
        let n = self
            .conn
            .execute(
                "UPDATE fox_tasks SET lease_until = ?1 + ?2
                 WHERE lease_owner = ?3 AND state = 'berjalan'",
                params![t, lease, worker],
            )
            .map_err(self.err("detak"))?;
        Ok(n as u64)
    }

    fn complete(
        &mut self,
        id: i64,
        worker: &str,
        stdout: &[u8],
        exit_code: i32,
    ) -> Result<bool, QueueError> {
        let t = now();
        let path = self.path.display().to_string();
        let e =
            move |e: rusqlite::Error| QueueError::Backend(format!("sqlite:{path}: selesai: {e}"));
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&e)?;
        let done = complete_in(&tx, id, worker, stdout, exit_code, t).map_err(&e)?;
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
        let path = self.path.display().to_string();
        let e = move |e: rusqlite::Error| QueueError::Backend(format!("sqlite:{path}: gagal: {e}"));
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&e)?;
        let row = tx
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM fox_tasks
                     WHERE id = ?1 AND lease_owner = ?2 AND state = 'berjalan'"
                ),
                params![id, worker],
                record,
            )
            .optional()
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
        tx.execute(
            "UPDATE fox_tasks SET state = ?3, run_at = ?4, stdout = CAST(stdout || ?5 AS BLOB),
                error_jenis = ?6, error_pesan = ?7,
                ticket = COALESCE(?8, ticket), ticket_summary = COALESCE(?9, ticket_summary),
                lease_owner = NULL, lease_until = NULL, updated_at = ?10,
                finished_at = CASE WHEN ?3 = 'mati' THEN ?10 ELSE NULL END
             WHERE id = ?1 AND lease_owner = ?2",
            params![
                id,
                worker,
                state.as_str(),
                run_at,
                f.stdout,
                f.jenis,
                f.pesan,
                f.ticket,
                summary,
                t
            ],
        )
        .map_err(&e)?;
        // Circuit breaker: consecutive failures of one program.
        let hash = rec.spec.program_hash();
        tx.execute(
            "INSERT INTO fox_ipc_breaker (program_hash, failures, open_until) VALUES (?1, 1, 0)
             ON CONFLICT(program_hash) DO UPDATE SET failures = failures + 1",
            [&hash],
        )
        .map_err(&e)?;
        tx.execute(
            "UPDATE fox_ipc_breaker SET open_until = ?2, failures = 0
             WHERE program_hash = ?1 AND failures >= ?3",
            params![
                hash,
                t + settings.breaker_cooldown,
                settings.breaker_threshold
            ],
        )
        .map_err(&e)?;
        tx.commit().map_err(&e)?;
        Ok(Some(state))
    }

    fn cancel(&mut self, id: i64) -> Result<bool, QueueError> {
        let t = now();
        let n = self
            .conn
            .execute(
                "UPDATE fox_tasks SET state = 'dibatalkan', lease_owner = NULL,
                    lease_until = NULL, updated_at = ?2, finished_at = ?2
                 WHERE id = ?1 AND state NOT IN ('selesai', 'mati', 'dibatalkan')",
                params![id, t],
            )
            .map_err(self.err("batal"))?;
        Ok(n == 1)
    }

    fn retry_now(&mut self, id: i64) -> Result<bool, QueueError> {
        let t = now();
        // A dead task gets one more attempt on top of the ones it used.
        let n = self
            .conn
            .execute(
                "UPDATE fox_tasks SET
                    max_attempts = CASE WHEN state = 'mati' THEN MAX(max_attempts, attempts + 1)
                                        ELSE max_attempts END,
                    state = 'gagal-coba-lagi', run_at = ?2, updated_at = ?2, finished_at = NULL
                 WHERE id = ?1 AND state IN ('gagal-coba-lagi', 'mati')",
                params![id, t],
            )
            .map_err(self.err("coba lagi"))?;
        if n == 1 {
            self.conn
                .execute(
                    "DELETE FROM fox_ipc_breaker WHERE program_hash =
                        (SELECT program_hash FROM fox_tasks WHERE id = ?1)",
                    [id],
                )
                .map_err(self.err("coba lagi"))?;
        }
        Ok(n == 1)
    }

    fn purge(&mut self, states: &[TaskState]) -> Result<u64, QueueError> {
        let mut total = 0;
        for s in states.iter().filter(|s| s.is_final()) {
            total += self
                .conn
                .execute("DELETE FROM fox_tasks WHERE state = ?1", [s.as_str()])
                .map_err(self.err("bersihkan"))? as u64;
        }
        Ok(total)
    }

    fn get(&mut self, id: i64) -> Result<Option<TaskRecord>, QueueError> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM fox_tasks WHERE id = ?1"),
                [id],
                record,
            )
            .optional()
            .map_err(self.err("baca"))
    }

    fn list(
        &mut self,
        state: Option<TaskState>,
        limit: u32,
    ) -> Result<Vec<TaskRecord>, QueueError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM fox_tasks WHERE (?1 IS NULL OR state = ?1)
             ORDER BY id DESC LIMIT ?2"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(self.err("daftar"))?;
        let rows = stmt
            .query_map(params![state.map(|s| s.as_str()), limit], record)
            .map_err(self.err("daftar"))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r.map_err(self.err("daftar"))?);
        }
        Ok(out)
    }

    fn counts(&mut self) -> Result<Vec<(TaskState, u64)>, QueueError> {
        let mut stmt = self
            .conn
            .prepare("SELECT state, COUNT(*) FROM fox_tasks GROUP BY state")
            .map_err(self.err("hitung"))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .map_err(self.err("hitung"))?;
        let mut found = std::collections::HashMap::new();
        for r in rows {
            let (s, n) = r.map_err(self.err("hitung"))?;
            if let Some(s) = TaskState::parse(&s) {
                found.insert(s, n.max(0) as u64);
            }
        }
        Ok(TaskState::ALL
            .into_iter()
            .map(|s| (s, found.get(&s).copied().unwrap_or(0)))
            .collect())
    }

    fn settings(&mut self) -> Result<Settings, QueueError> {
        let d = Settings::default();
        let num = |v: Option<String>| v.and_then(|s| s.parse::<f64>().ok());
        Ok(Settings {
            max_queued: num(self.setting("max_queued")?).map_or(d.max_queued, |v| v as u64),
            breaker_threshold: num(self.setting("breaker_threshold")?)
                .map_or(d.breaker_threshold, |v| v as u32),
            breaker_cooldown: num(self.setting("breaker_cooldown")?).unwrap_or(d.breaker_cooldown),
        })
    }

    fn set_settings(&mut self, s: &Settings) -> Result<(), QueueError> {
        for (k, v) in [
            ("max_queued", s.max_queued.to_string()),
            ("breaker_threshold", s.breaker_threshold.to_string()),
            ("breaker_cooldown", s.breaker_cooldown.to_string()),
        ] {
            self.conn
                .execute(
                    "INSERT INTO fox_ipc_settings (key, value) VALUES (?1, ?2)
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    params![k, v],
                )
                .map_err(self.err("simpan pengaturan"))?;
        }
        Ok(())
    }

    fn wait(&mut self, timeout: Duration) -> Result<(), QueueError> {
        std::thread::sleep(timeout.min(Duration::from_millis(50)));
        Ok(())
    }

    fn describe(&self) -> String {
        format!("sqlite:{}", self.path.display())
    }
}
