//! The task model: what is submitted ([`TaskSpec`]), what the queue keeps
//! ([`TaskRecord`]), the states a task moves through and how a failed
//! attempt is reported ([`Failure`]).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch.
pub fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TaskState {
    /// Queued, waiting for a worker.
    #[serde(rename = "menunggu")]
    Menunggu,
    /// Claimed by a worker, under a lease.
    #[serde(rename = "berjalan")]
    Berjalan,
    /// Finished; output and exit status kept.
    #[serde(rename = "selesai")]
    Selesai,
    /// Failed; its ticket is kept and a retry is due at `run_at`.
    #[serde(rename = "gagal-coba-lagi")]
    GagalCobaLagi,
    /// Dead-lettered after its last allowed attempt.
    #[serde(rename = "mati")]
    Mati,
    /// Cancelled.
    #[serde(rename = "dibatalkan")]
    Dibatalkan,
}

impl TaskState {
    pub const ALL: [TaskState; 6] = [
        TaskState::Menunggu,
        TaskState::Berjalan,
        TaskState::Selesai,
        TaskState::GagalCobaLagi,
        TaskState::Mati,
        TaskState::Dibatalkan,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Menunggu => "menunggu",
            TaskState::Berjalan => "berjalan",
            TaskState::Selesai => "selesai",
            TaskState::GagalCobaLagi => "gagal-coba-lagi",
            TaskState::Mati => "mati",
            TaskState::Dibatalkan => "dibatalkan",
        }
    }

    pub fn parse(s: &str) -> Option<TaskState> {
        TaskState::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// No further transitions happen by themselves.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            TaskState::Selesai | TaskState::Mati | TaskState::Dibatalkan
        )
    }
}

impl fmt::Display for TaskState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a submitter asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TaskSpec {
    /// The program's name (its file name), for people and tickets.
    pub name: String,
    /// The program's source text.
    pub program: String,
    /// `argumen_sistem[1..]`.
    pub args: Vec<String>,
    /// Higher runs first.
    pub priority: i32,
    /// Attempts before the task is dead-lettered (`mati`).
    pub max_attempts: u32,
    /// Retry delay: `backoff_ms × 2^(attempt−1)`, capped, with jitter.
    pub backoff_ms: u64,
    pub backoff_max_ms: u64,
    /// Wall-clock limit of one attempt; running out freezes the run into a
    /// ticket (the retry resumes it).
    pub timeout_ms: Option<u64>,
    /// Instruction budget of one attempt.
    pub max_instructions: Option<u64>,
    /// Heap limit of one attempt in bytes: a task may ask for less than the
    /// worker's limit, never more (the smaller one applies; 0 = no request).
    pub max_heap_bytes: Option<u64>,
    /// Submitting twice with the same key gives the same task.
    pub idempotency_key: Option<String>,
    /// Host access the task asks for, as permission flags
    /// (`--allow-read=/data`, `--allow-net=api.example.com:443`, …). A task
    /// starts from nothing; a worker grants the request only as far as its
    /// own allowance goes. Paths are the worker's (relative ones are
    /// resolved against the worker's working directory).
    pub permissions: Vec<String>,
}

impl Default for TaskSpec {
    fn default() -> TaskSpec {
        TaskSpec {
            name: String::new(),
            program: String::new(),
            args: Vec::new(),
            priority: 0,
            max_attempts: 5,
            backoff_ms: 1_000,
            backoff_max_ms: 300_000,
            timeout_ms: None,
            max_instructions: None,
            max_heap_bytes: None,
            idempotency_key: None,
            permissions: Vec::new(),
        }
    }
}

impl TaskSpec {
    /// Check a spec before it is queued.
    pub fn validate(&self) -> Result<(), String> {
        if self.program.is_empty() {
            return Err("program kosong".into());
        }
        if self.max_attempts == 0 {
            return Err("max_attempts harus paling sedikit 1".into());
        }
        if self.backoff_max_ms < self.backoff_ms {
            return Err("backoff_max_ms lebih kecil dari backoff_ms".into());
        }
        fox_vm::Permissions::from_flags(&self.permissions, std::path::Path::new("/"))
            .map_err(|e| format!("izin: {e}"))?;
        Ok(())
    }

    /// A stable hash of the program text (the circuit breaker's key).
    pub fn program_hash(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in self.program.as_bytes() {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("{h:016x}")
    }
}

/// The spec fields a queue keeps in its `options` JSON column: those added
/// after the first schema (new ones go here too, so an existing database
/// needs no new column for them).
#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct Options {
    permissions: Vec<String>,
    max_heap_bytes: Option<u64>,
}

impl TaskSpec {
    /// The `options` column for this spec.
    pub fn options_json(&self) -> String {
        let o = Options {
            permissions: self.permissions.clone(),
            max_heap_bytes: self.max_heap_bytes,
        };
        serde_json::to_string(&o).unwrap_or_else(|_| "{}".into())
    }

    /// Fill the fields kept in the `options` column. A damaged column
    /// grants nothing (the fields keep their defaults).
    pub fn apply_options(&mut self, json: &str) {
        let o: Options = serde_json::from_str(json).unwrap_or_default();
        self.permissions = o.permissions;
        self.max_heap_bytes = o.max_heap_bytes;
    }
}

/// The `granted` column: permission flags as a JSON list.
pub fn granted_json(flags: &[String]) -> String {
    serde_json::to_string(flags).unwrap_or_else(|_| "[]".into())
}

/// The result of a submission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submitted {
    pub id: i64,
    /// The idempotency key matched an existing task.
    pub existing: bool,
}

/// A task as the queue keeps it. Its JSON form (the HTTP API's, `status
/// --json`'s) reads back into the same record, less the ticket bytes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskRecord {
    pub id: i64,
    pub spec: TaskSpec,
    pub state: TaskState,
    /// Attempts started (claims), including the running one.
    pub attempts: u32,
    /// How many attempts continued from a ticket instead of the start.
    pub resumed: u32,
    /// Times the task reached `selesai` (1 or 0: the invariant).
    pub completions: u32,
    /// When it is due (queued or retry).
    pub run_at: f64,
    pub lease_owner: Option<String>,
    pub lease_until: Option<f64>,
    pub created_at: f64,
    pub updated_at: f64,
    pub finished_at: Option<f64>,
    /// Standard output of all attempts (a resumed attempt does not repeat
    /// what the earlier ones printed).
    #[serde(serialize_with = "lossy", deserialize_with = "text_bytes")]
    pub stdout: Vec<u8>,
    pub exit_code: Option<i32>,
    pub error_jenis: Option<String>,
    pub error_pesan: Option<String>,
    /// The ticket of the last failed attempt (resumed by the next one).
    #[serde(skip)]
    pub ticket: Option<Vec<u8>>,
    /// `fox tiket show --json` of that ticket.
    pub ticket_summary: Option<serde_json::Value>,
    /// The host access the last attempt had (permission flags; empty: none),
    /// its request limited by the worker's allowance. `None` before the
    /// first attempt ended.
    #[serde(default)]
    pub granted: Option<Vec<String>>,
}

impl TaskRecord {
    /// `spec` as task `id` at its first attempt, just claimed (for running
    /// an attempt outside a queue: embedders, tests).
    pub fn first_attempt(id: i64, spec: TaskSpec) -> TaskRecord {
        TaskRecord {
            id,
            spec,
            state: TaskState::Berjalan,
            attempts: 1,
            resumed: 0,
            completions: 0,
            run_at: 0.0,
            lease_owner: None,
            lease_until: None,
            created_at: 0.0,
            updated_at: 0.0,
            finished_at: None,
            stdout: Vec::new(),
            exit_code: None,
            error_jenis: None,
            error_pesan: None,
            ticket: None,
            ticket_summary: None,
            granted: None,
        }
    }
}

fn lossy<S: serde::Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&String::from_utf8_lossy(b))
}

fn text_bytes<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    String::deserialize(d).map(String::into_bytes)
}

/// How an attempt failed.
#[derive(Clone, Debug, Default)]
pub struct Failure {
    /// Output the attempt printed before it failed.
    pub stdout: Vec<u8>,
    pub jenis: String,
    pub pesan: String,
    /// The frozen state to resume; `None` means the next attempt starts
    /// over (the run could not be captured).
    pub ticket: Option<Vec<u8>>,
    pub ticket_summary: Option<serde_json::Value>,
    /// `false` for failures a retry cannot fix (the program does not
    /// compile): dead-letter at once.
    pub retryable: bool,
    /// The host access the attempt had (`None`: it never started).
    pub granted: Option<Vec<String>>,
}

/// Delay before retry number `attempt` (1-based): exponential, capped, with
/// "equal jitter" (half fixed, half random) so failed tasks do not retry in
/// lockstep. `seed` supplies the randomness.
pub fn backoff_delay_ms(spec: &TaskSpec, attempt: u32, seed: u64) -> u64 {
    let exp = attempt.saturating_sub(1).min(40);
    let full = spec
        .backoff_ms
        .saturating_mul(1u64 << exp)
        .min(spec.backoff_max_ms);
    let half = full / 2;
    let mut x = seed | 1;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
    half + if half == 0 { 0 } else { r % (half + 1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let spec = TaskSpec {
            backoff_ms: 100,
            backoff_max_ms: 1_000,
            ..TaskSpec::default()
        };
        let d1 = backoff_delay_ms(&spec, 1, 7);
        assert!((50..=100).contains(&d1), "{d1}");
        let d3 = backoff_delay_ms(&spec, 3, 7);
        assert!((200..=400).contains(&d3), "{d3}");
        let d9 = backoff_delay_ms(&spec, 9, 7);
        assert!((500..=1_000).contains(&d9), "{d9}");
        let spread: std::collections::BTreeSet<u64> =
            (0..50).map(|s| backoff_delay_ms(&spec, 4, s)).collect();
        assert!(spread.len() > 10, "jitter: {spread:?}");
    }

    #[test]
    fn states_round_trip() {
        for s in TaskState::ALL {
            assert_eq!(TaskState::parse(s.as_str()), Some(s));
        }
        assert_eq!(TaskState::parse("x"), None);
    }
}
