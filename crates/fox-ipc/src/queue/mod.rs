//! The queue behind one trait, and how a `--store` spec chooses a backend.
//! Every backend passes the same conformance suite ([`conformance`]).

pub mod conformance;
mod postgres;
mod sqlite;

pub use self::postgres::PostgresQueue;
pub use sqlite::SqliteQueue;

use crate::task::{Failure, Submitted, TaskRecord, TaskSpec, TaskState};
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Why a queue operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueError {
    /// The spec string names no backend we know.
    BadSpec(String),
    /// The submission was refused: the queue is over its configured size.
    Full { queued: u64, max: u64 },
    /// The task is invalid.
    Invalid(String),
    /// The database failed (message names the store and the operation).
    Backend(String),
}

impl fmt::Display for QueueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueueError::BadSpec(s) => write!(
                f,
                "store '{s}' tidak dikenal: pakai sqlite:PATH atau postgres://…"
            ),
            QueueError::Full { queued, max } => write!(
                f,
                "antrean penuh: {queued} tugas menunggu (batas {max}); coba lagi nanti"
            ),
            QueueError::Invalid(m) => write!(f, "tugas tidak sah: {m}"),
            QueueError::Backend(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for QueueError {}

/// Tunables kept in the queue itself, so every worker and submitter of
/// one queue agrees on them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// Submissions are refused while this many tasks are waiting
    /// (`menunggu` + `gagal-coba-lagi`).
    pub max_queued: u64,
    /// Consecutive failed attempts of one program that open its circuit
    /// breaker…
    pub breaker_threshold: u32,
    /// …for this many seconds, during which its tasks are not claimed.
    pub breaker_cooldown: f64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            max_queued: 100_000,
            breaker_threshold: 5,
            breaker_cooldown: 30.0,
        }
    }
}

/// A durable task queue.
pub trait Queue: Send {
    /// Queue a task (or return the existing one with the same idempotency
    /// key). Refused with [`QueueError::Full`] when the queue is full.
    fn submit(&mut self, spec: &TaskSpec) -> Result<Submitted, QueueError>;
    /// Claim the most urgent due task for `worker` with a lease of `lease`
    /// seconds: queued tasks, retries that are due, and tasks whose
    /// worker's lease expired (it died). Skips programs whose circuit
    /// breaker is open.
    fn claim(&mut self, worker: &str, lease: f64) -> Result<Option<TaskRecord>, QueueError>;
    /// Extend every lease `worker` holds; returns how many.
    fn heartbeat(&mut self, worker: &str, lease: f64) -> Result<u64, QueueError>;
    /// Finish a task, recording the host access its last attempt was
    /// granted (permission flags). `false` when `worker` no longer holds it (its lease
    /// expired and someone else took over): the result is discarded.
    fn complete(
        &mut self,
        id: i64,
        worker: &str,
        stdout: &[u8],
        exit_code: i32,
        granted: &[String],
    ) -> Result<bool, QueueError>;
    /// [`complete`](Queue::complete) then [`claim`](Queue::claim) — one
    /// transaction where the backend can (a worker's common path).
    fn complete_and_claim(
        &mut self,
        id: i64,
        worker: &str,
        stdout: &[u8],
        exit_code: i32,
        granted: &[String],
        lease: f64,
    ) -> Result<(bool, Option<TaskRecord>), QueueError> {
        let done = self.complete(id, worker, stdout, exit_code, granted)?;
        Ok((done, self.claim(worker, lease)?))
    }
    /// Record a failed attempt: keep its ticket and schedule a retry with
    /// backoff, or dead-letter it after its last attempt. Returns the new
    /// state, `None` when `worker` no longer holds the task.
    fn fail(
        &mut self,
        id: i64,
        worker: &str,
        failure: &Failure,
    ) -> Result<Option<TaskState>, QueueError>;
    /// Cancel a task that has not finished. `false` if it already had.
    fn cancel(&mut self, id: i64) -> Result<bool, QueueError>;
    /// Make a failed or dead task due now (a dead one gets one more
    /// attempt). `false` if it is in neither state.
    fn retry_now(&mut self, id: i64) -> Result<bool, QueueError>;
    /// Delete tasks in these (final) states; returns how many.
    fn purge(&mut self, states: &[TaskState]) -> Result<u64, QueueError>;
    fn get(&mut self, id: i64) -> Result<Option<TaskRecord>, QueueError>;
    /// A task's state and lease owner only (a running attempt's worker asks
    /// this often, to notice a cancel or a lost lease).
    fn lease_of(&mut self, id: i64) -> Result<Option<(TaskState, Option<String>)>, QueueError> {
        Ok(self.get(id)?.map(|t| (t.state, t.lease_owner)))
    }
    /// Tasks, newest first, optionally in one state.
    fn list(&mut self, state: Option<TaskState>, limit: u32)
        -> Result<Vec<TaskRecord>, QueueError>;
    /// How many tasks are in each state.
    fn counts(&mut self) -> Result<Vec<(TaskState, u64)>, QueueError>;
    fn settings(&mut self) -> Result<Settings, QueueError>;
    fn set_settings(&mut self, s: &Settings) -> Result<(), QueueError>;
    /// Block until work may be available or `timeout` passes (PostgreSQL
    /// listens for notifications; SQLite just waits).
    fn wait(&mut self, timeout: Duration) -> Result<(), QueueError>;
    /// Which queue this is, e.g. `sqlite:/path/queue.db`.
    fn describe(&self) -> String;
}

/// A queue location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueueSpec {
    Sqlite(PathBuf),
    Postgres(String),
}

impl QueueSpec {
    pub fn parse(s: &str) -> Result<QueueSpec, QueueError> {
        if let Some(p) = s.strip_prefix("sqlite:") {
            if p.is_empty() {
                return Err(QueueError::BadSpec(s.to_string()));
            }
            return Ok(QueueSpec::Sqlite(PathBuf::from(p)));
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(QueueSpec::Postgres(s.to_string()));
        }
        Err(QueueError::BadSpec(s.to_string()))
    }
}

/// Open the queue a spec names.
pub fn open(spec: &QueueSpec) -> Result<Box<dyn Queue>, QueueError> {
    match spec {
        QueueSpec::Sqlite(p) => Ok(Box::new(SqliteQueue::open(p)?)),
        QueueSpec::Postgres(url) => Ok(Box::new(PostgresQueue::open(url)?)),
    }
}
