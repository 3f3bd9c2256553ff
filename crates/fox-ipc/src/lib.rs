//! FoxIPC: a durable task queue and the workers that drain it. A task is a
//! Morph program plus arguments and options; workers run it on the VM (the
//! happy path) and, when it fails, keep its `.z` ticket and schedule a retry
//! that *resumes* the ticket instead of starting over. Queues live behind
//! the [`Queue`] trait: SQLite (one file, no server) and PostgreSQL (many
//! machines).
//!
//! Invariant: no task is lost and none completes twice — every state change
//! is one transaction guarded by the lease owner, and a task whose worker
//! died is reclaimed when its lease expires.

mod cputime;
pub mod isolate;
pub mod queue;
pub mod runner;
pub mod server;
pub mod task;
pub mod worker;

pub use queue::{open, Queue, QueueError, QueueSpec};
pub use task::{Failure, Submitted, TaskRecord, TaskSpec, TaskState};
