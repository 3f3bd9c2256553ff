//! What a FoxIPC worker (`fox ipc worker`, `fox ipc serve --workers N`)
//! allows its tasks: the most host access any task gets (none unless
//! granted here) and the limits every attempt runs under.

use crate::grants::PermissionOpts;
use fox_ipc::runner::TaskLimits;
use fox_vm::Permissions;

#[derive(clap::Args, Debug, Clone)]
pub struct WorkerLimitOpts {
    /// The most host access a task may be granted (tasks start from
    /// nothing and get what they ask for within this).
    #[command(flatten)]
    pub permissions: PermissionOpts,
    /// Wall-clock limit of one attempt in ms: the default for tasks that
    /// set none and the most any task gets.
    #[arg(long, value_name = "MS", default_value_t = 300_000)]
    pub task_timeout_ms: u64,
    /// CPU-time limit of one attempt in ms (default: its timeout).
    #[arg(long, value_name = "MS")]
    pub max_cpu_ms: Option<u64>,
    /// Output a task may keep, all attempts together (bytes).
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    pub max_output_bytes: u64,
    /// Call depth of a task's VM.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub task_max_depth: usize,
    /// Heap limit of each task (suffixes K, M, G, T; 0 = unlimited); a
    /// task may ask for less.
    #[arg(long, value_name = "N", value_parser = crate::heapsize::parse, default_value = "512M")]
    pub max_heap_bytes: usize,
    /// The key task tickets are signed with and checked against (default:
    /// $FOX_TICKET_KEY, else ticket.key beside a SQLite queue or in .fox/;
    /// workers that share a queue must share the key).
    #[arg(long, value_name = "FILE")]
    pub ticket_key: Option<std::path::PathBuf>,
}

impl WorkerLimitOpts {
    pub fn limits(&self) -> Result<TaskLimits, String> {
        Ok(TaskLimits {
            permissions: self.permissions.resolve(&Permissions::none())?,
            timeout_ms: self.task_timeout_ms.max(1),
            cpu_ms: self.max_cpu_ms,
            max_output_bytes: self.max_output_bytes,
            max_depth: self.task_max_depth.max(1),
            max_heap_bytes: self.max_heap_bytes,
        })
    }
}
