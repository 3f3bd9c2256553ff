//! Running one claimed task on the VM: from the start, or — when the task
//! carries a ticket from a failed attempt — from the failing instruction.
//! Standard output is collected (up to a cap); an uncaught error, or running
//! out of time, CPU time or instructions, becomes a ticket for the next
//! attempt. The VM runs in slices of its instruction budget so the limits
//! are checked without any cost on the interpreter's hot path.
//!
//! A task starts with no host access: it gets what it asked for
//! ([`TaskSpec::permissions`]) only as far as the worker allows
//! ([`TaskLimits`]), and the grant it ran with is reported with the outcome.
//! This module runs an attempt on the calling thread; [`crate::isolate`]
//! runs it in a child process so that nothing an attempt does can take its
//! worker down.

use crate::queue::QueueSpec;
use crate::task::{Failure, TaskRecord, TaskSpec};
use fox_store::{Store, StoreSpec};
use fox_vm::snapshot::{read_ticket_info, TicketReason};
use fox_vm::{Config, Host, Permissions, Uncaught, Vm, VmError};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// What a worker gives its tasks at most, and the defaults for tasks that
/// ask for nothing. Every limit has a default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskLimits {
    /// The most host access a task is granted (default: none).
    pub permissions: Permissions,
    /// Wall-clock limit of one attempt: what a task that sets none gets,
    /// and the most any task gets.
    pub timeout_ms: u64,
    /// CPU-time limit of one attempt (default: the attempt's timeout).
    pub cpu_ms: Option<u64>,
    /// Output a task may keep, all attempts together.
    pub max_output_bytes: u64,
    /// Call depth of a task's VM.
    pub max_depth: usize,
    /// Heap limit of a task in bytes (0 = unlimited); a task's spec may ask
    /// for less.
    pub max_heap_bytes: usize,
}

impl Default for TaskLimits {
    fn default() -> TaskLimits {
        TaskLimits {
            permissions: Permissions::none(),
            timeout_ms: 300_000,
            cpu_ms: None,
            max_output_bytes: 1 << 20,
            max_depth: 100_000,
            max_heap_bytes: DEFAULT_TASK_HEAP_BYTES,
        }
    }
}

/// Where a task's program runs: the store behind its `ingat`/`kenang` and
/// pipelines, the queue `kirim_tugas` submits to, and the worker's limits.
#[derive(Clone, Debug)]
pub struct RunEnv {
    pub store: StoreSpec,
    pub queue: Option<QueueSpec>,
    /// Directory relative paths (grants, `kirim_tugas`) are resolved against.
    pub workdir: PathBuf,
    /// Safe points per slice: how often the limits are checked.
    pub slice: u64,
    pub limits: TaskLimits,
    /// The key the tasks' tickets are signed with and checked against
    /// (`None`: unsigned tickets, for embedders that keep no keys).
    pub ticket_key: Option<fox_vm::snapshot::TicketKey>,
}

/// A task's heap limit when the worker is not told otherwise: 512 MiB.
pub const DEFAULT_TASK_HEAP_BYTES: usize = 512 << 20;

/// The heap limit a task runs with: the worker's, or the task's own when
/// that is smaller (a task never gets more than its worker allows; 0 on
/// either side means no limit from that side).
pub fn task_heap_limit(worker: usize, spec: Option<u64>) -> usize {
    let asked = spec
        .filter(|&b| b != 0)
        .map(|b| usize::try_from(b).unwrap_or(usize::MAX));
    match (worker, asked) {
        (0, Some(a)) => a,
        (w, Some(a)) => w.min(a),
        (w, None) => w,
    }
}

/// How an attempt ended.
#[derive(Debug)]
pub enum Outcome {
    /// The program finished (possibly by `keluar(n)`).
    Done {
        stdout: Vec<u8>,
        exit_code: i32,
        /// The host access it had (permission flags).
        granted: Vec<String>,
    },
    Failed(Failure),
    /// The worker gave the attempt up (the task was cancelled or its lease
    /// lost while it ran): nothing is reported.
    Abandoned(String),
}

/// What one attempt of a task may use: its request within the worker's
/// limits.
#[derive(Clone, Debug, PartialEq)]
pub struct Effective {
    pub permissions: Permissions,
    pub timeout: Duration,
    pub cpu: Duration,
    pub max_instructions: Option<u64>,
    /// Output this attempt may still print.
    pub output_left: u64,
}

impl Effective {
    /// The limits of the next attempt of a task with `spec` that has
    /// printed `printed` bytes so far, on a worker with `env`.
    pub fn of(spec: &TaskSpec, printed: u64, env: &RunEnv) -> Result<Effective, String> {
        let wanted = Permissions::from_flags(&spec.permissions, &env.workdir)
            .map_err(|e| format!("izin tugas: {e}"))?;
        let limits = &env.limits;
        let timeout_ms = spec
            .timeout_ms
            .unwrap_or(limits.timeout_ms)
            .min(limits.timeout_ms);
        let cpu_ms = limits.cpu_ms.unwrap_or(timeout_ms).min(timeout_ms);
        Ok(Effective {
            permissions: wanted.intersect(&limits.permissions),
            timeout: Duration::from_millis(timeout_ms),
            cpu: Duration::from_millis(cpu_ms),
            max_instructions: spec.max_instructions,
            output_left: limits.max_output_bytes.saturating_sub(printed),
        })
    }
}

/// The host a task runs with: output into memory (up to its cap), no
/// standard input, the store, tickets kept in memory, submissions to the
/// queue, and sleeps that end at the attempt's deadline.
struct TaskHost {
    out: Rc<RefCell<Vec<u8>>>,
    out_cap: u64,
    overflow: Rc<Cell<bool>>,
    ticket: Rc<RefCell<Option<Vec<u8>>>>,
    store_spec: StoreSpec,
    store: Option<Box<dyn Store>>,
    queue: Option<QueueSpec>,
    workdir: PathBuf,
    task_id: i64,
    deadline: Instant,
}

impl TaskHost {
    fn store(&mut self) -> Result<&mut Box<dyn Store>, String> {
        if self.store.is_none() {
            self.store = Some(fox_store::open(&self.store_spec).map_err(|e| e.to_string())?);
        }
        self.store
            .as_mut()
            .ok_or_else(|| "penyimpanan tidak terbuka".to_string())
    }
}

impl Host for TaskHost {
    fn write_out(&mut self, bytes: &[u8]) {
        let mut out = self.out.borrow_mut();
        let room = self.out_cap.saturating_sub(out.len() as u64) as usize;
        if bytes.len() > room {
            // Keep what fits; the runner fails the attempt at its next check.
            out.extend_from_slice(&bytes[..room]);
            self.overflow.set(true);
        } else {
            out.extend_from_slice(bytes);
        }
    }
    fn flush_out(&mut self) {}
    fn read_line(&mut self) -> Option<String> {
        None
    }
    fn now(&mut self) -> f64 {
        crate::task::now()
    }
    fn sleep(&mut self, secs: f64) -> bool {
        if !(secs.is_finite() && secs > 0.0) {
            return true;
        }
        // Never past the attempt's deadline: the timeout must be able to
        // stop a sleeping task (which then resumes at the sleep).
        let left = self.deadline.saturating_duration_since(Instant::now());
        let want = Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX);
        std::thread::sleep(want.min(left));
        want <= left
    }
    fn save_ticket(&mut self, _name: &str, bytes: &[u8]) -> Result<String, String> {
        *self.ticket.borrow_mut() = Some(bytes.to_vec());
        Ok(format!("tugas:{}", self.task_id))
    }
    fn store_get(&mut self, key: &str) -> Result<Option<Vec<u8>>, String> {
        self.store()?.get(key).map_err(|e| e.to_string())
    }
    fn store_put(&mut self, key: &str, value: &[u8]) -> Result<(), String> {
        self.store()?.put(key, value).map_err(|e| e.to_string())
    }
    fn store_delete(&mut self, key: &str) -> Result<bool, String> {
        self.store()?.delete(key).map_err(|e| e.to_string())
    }
    fn submit_task(
        &mut self,
        program: &str,
        args: &[String],
        permissions: &Permissions,
    ) -> Result<i64, String> {
        let Some(q) = &self.queue else {
            return Err("tidak ada antrean tugas".into());
        };
        let path = self.workdir.join(program);
        let mut spec = spec_from_file(&path, args)?;
        spec.permissions = permissions.to_flags();
        let mut queue = crate::queue::open(q).map_err(|e| e.to_string())?;
        queue.submit(&spec).map(|s| s.id).map_err(|e| e.to_string())
    }
}

/// A task spec for the program in `path` (defaults for the options).
pub fn spec_from_file(path: &std::path::Path, args: &[String]) -> Result<TaskSpec, String> {
    let program = std::fs::read_to_string(path)
        .map_err(|e| format!("tidak bisa membaca '{}': {e}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "tugas.fox".into());
    Ok(TaskSpec {
        name,
        program,
        args: args.to_vec(),
        ..TaskSpec::default()
    })
}

fn summary(ticket: &[u8]) -> Option<serde_json::Value> {
    read_ticket_info(ticket)
        .ok()
        .and_then(|i| serde_json::to_value(i).ok())
}

/// A failure that no retry can fix: dead-letter at once.
fn final_failure(jenis: &str, pesan: String, stdout: Vec<u8>, granted: Vec<String>) -> Outcome {
    Outcome::Failed(Failure {
        stdout,
        jenis: jenis.into(),
        pesan,
        retryable: false,
        granted: Some(granted),
        ..Failure::default()
    })
}

/// Why the slice loop stopped a run that was still going.
enum Stop {
    Time,
    Cpu,
    Instructions,
    Output,
}

/// Run one attempt of `task` on this thread.
pub fn run_task(task: &TaskRecord, env: &RunEnv) -> Outcome {
    run_attempt(
        task.id,
        &task.spec,
        task.ticket.as_deref(),
        task.stdout.len() as u64,
        env,
    )
}

/// Run one attempt of task `id` on this thread: from `ticket` if there is
/// one, else from the start. `printed`: output the earlier attempts kept.
pub fn run_attempt(
    id: i64,
    spec: &TaskSpec,
    ticket_in: Option<&[u8]>,
    printed: u64,
    env: &RunEnv,
) -> Outcome {
    let eff = match Effective::of(spec, printed, env) {
        Ok(e) => e,
        Err(m) => return final_failure("ErrorIzin", m, Vec::new(), Vec::new()),
    };
    let granted = eff.permissions.to_flags();
    let start = Instant::now();
    let cpu_start = crate::cputime::thread_cpu();
    let out = Rc::new(RefCell::new(Vec::new()));
    let overflow = Rc::new(Cell::new(false));
    let ticket = Rc::new(RefCell::new(None));
    let host = TaskHost {
        out: out.clone(),
        out_cap: eff.output_left,
        overflow: overflow.clone(),
        ticket: ticket.clone(),
        store_spec: env.store.clone(),
        store: None,
        queue: env.queue.clone(),
        workdir: env.workdir.clone(),
        task_id: id,
        deadline: start + eff.timeout,
    };
    let slice = match eff.max_instructions {
        Some(max) => env.slice.min(max).max(1),
        None => env.slice.max(1),
    };
    let mut argv = vec![spec.name.clone()];
    argv.extend(spec.args.iter().cloned());
    let config = Config {
        argv,
        max_instructions: Some(slice),
        max_depth: env.limits.max_depth.max(1),
        permissions: eff.permissions.clone(),
        ticket_key: env.ticket_key.clone(),
        max_heap_bytes: task_heap_limit(env.limits.max_heap_bytes, spec.max_heap_bytes),
        // ManajerFox's default: interpret first, compile what gets hot.
        tier: fox_vm::jitabi::Tier::Auto,
        ..Config::default()
    };
    let (mut vm, mut result) = match ticket_in {
        Some(bytes) => match Vm::from_ticket(bytes, config, Box::new(host)) {
            Ok((mut vm, _)) => {
                vm.ticket_on_error = true;
                vm.set_jit_backend(Box::new(fox_jit::LazyJit::new()));
                let r = vm.drive();
                (vm, r)
            }
            Err(e) => {
                return final_failure(
                    "ErrorTiket",
                    format!("tiket tugas {id} tidak bisa dimuat: {e}"),
                    Vec::new(),
                    granted,
                )
            }
        },
        None => {
            let mut vm = Vm::new(config, Box::new(host));
            vm.set_jit_backend(Box::new(fox_jit::LazyJit::new()));
            vm.ticket_on_error = true;
            let r = vm.run_main(&spec.name, &spec.program);
            (vm, r)
        }
    };
    let mut used: u64 = 0;
    let mut given = slice;
    let mut grow: u64 = 1;
    while let Err(VmError::Budget(_)) = result {
        used = used.saturating_add(given);
        let stop = if overflow.get() {
            Some(Stop::Output)
        } else if start.elapsed() >= eff.timeout {
            Some(Stop::Time)
        } else if crate::cputime::thread_cpu().saturating_sub(cpu_start) >= eff.cpu {
            Some(Stop::Cpu)
        } else if eff.max_instructions.is_some_and(|m| used >= m) {
            Some(Stop::Instructions)
        } else {
            None
        };
        if let Some(stop) = stop {
            return stopped(&mut vm, stop, &eff, &out, &ticket, granted);
        }
        // A native operation bigger than a slice stops inside itself (and
        // restarts) every time: double the slice until it fits, within
        // what is left of the task's own budget.
        grow = if vm.take_budget_stop() == fox_vm::limits::BudgetStop::InOperation {
            grow.saturating_mul(2)
        } else {
            1
        };
        given = slice.saturating_mul(grow);
        if let Some(max) = spec.max_instructions {
            given = given.min(max.saturating_sub(used)).max(1);
        }
        vm.set_budget(given);
        result = vm.drive();
    }
    vm.flush();
    let stdout = std::mem::take(&mut *out.borrow_mut());
    if overflow.get() {
        return final_failure("BatasKeluaran", overflow_message(&eff), stdout, granted);
    }
    match result {
        Ok(()) => Outcome::Done {
            stdout,
            exit_code: 0,
            granted,
        },
        Err(VmError::Exit(n)) => Outcome::Done {
            stdout,
            exit_code: n,
            granted,
        },
        Err(VmError::Uncaught(u)) => {
            let bytes = ticket.borrow_mut().take();
            Outcome::Failed(Failure {
                stdout,
                jenis: u.jenis,
                pesan: u.pesan,
                ticket_summary: bytes.as_deref().and_then(summary),
                ticket: bytes,
                retryable: true,
                granted: Some(granted),
            })
        }
        Err(VmError::Compile { diagnostics, .. }) => final_failure(
            "ErrorSintaks",
            diagnostics
                .first()
                .map(|d| d.message.clone())
                .unwrap_or_else(|| "program tidak bisa dikompilasi".into()),
            stdout,
            granted,
        ),
        Err(e) => Outcome::Failed(Failure {
            stdout,
            jenis: "ErrorSistem".into(),
            pesan: e.to_string(),
            retryable: true,
            granted: Some(granted),
            ..Failure::default()
        }),
    }
}

fn overflow_message(eff: &Effective) -> String {
    format!(
        "keluaran tugas melebihi batas ({} byte lagi diizinkan; --max-output-bytes pekerja)",
        eff.output_left
    )
}

/// End a run the slice loop stopped: a limit that a retry may get past
/// (time, CPU, instructions) freezes the run into the next attempt's
/// ticket; too much output fails the task for good.
fn stopped(
    vm: &mut Vm,
    stop: Stop,
    eff: &Effective,
    out: &Rc<RefCell<Vec<u8>>>,
    ticket: &Rc<RefCell<Option<Vec<u8>>>>,
    granted: Vec<String>,
) -> Outcome {
    let (jenis, pesan) = match stop {
        Stop::Output => {
            vm.flush();
            let stdout = std::mem::take(&mut *out.borrow_mut());
            return final_failure("BatasKeluaran", overflow_message(eff), stdout, granted);
        }
        Stop::Time => (
            "BatasWaktu",
            format!("batas waktu {} ms terlampaui", eff.timeout.as_millis()),
        ),
        Stop::Cpu => (
            "BatasCPU",
            format!("batas waktu CPU {} ms terlampaui", eff.cpu.as_millis()),
        ),
        Stop::Instructions => (
            "BatasInstruksi",
            format!(
                "batas instruksi {} terlampaui",
                eff.max_instructions.unwrap_or(0)
            ),
        ),
    };
    let report = Uncaught {
        jenis: jenis.into(),
        kode: (matches!(stop, Stop::Instructions))
            .then(|| fox_vm::codes::INSTRUCTION_BUDGET.code.to_string()),
        pesan: pesan.clone(),
        traceback: vm.traceback(),
        ticket: None,
    };
    let saved = vm.save_ticket(TicketReason::Budget, &report, true);
    vm.flush();
    let bytes = ticket.borrow_mut().take();
    Outcome::Failed(Failure {
        stdout: std::mem::take(&mut *out.borrow_mut()),
        jenis: jenis.into(),
        pesan,
        ticket_summary: bytes.as_deref().and_then(summary),
        ticket: bytes.filter(|_| saved.is_ok()),
        retryable: true,
        granted: Some(granted),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::panic)]
    use super::*;

    fn task(program: &str, timeout_ms: u64) -> TaskRecord {
        TaskRecord::first_attempt(
            1,
            TaskSpec {
                name: "raksasa.fox".into(),
                program: program.into(),
                timeout_ms: Some(timeout_ms),
                ..TaskSpec::default()
            },
        )
    }

    /// One operation costing far more than a slice (a million-element `==`
    /// against slices of 1,000) still finishes: each stop inside it
    /// doubles the next slice, instead of restarting it forever until the
    /// timeout.
    #[test]
    fn an_operation_bigger_than_a_slice_finishes() {
        let env = RunEnv {
            store: StoreSpec::Memory,
            queue: None,
            workdir: std::env::temp_dir(),
            slice: 1_000,
            limits: TaskLimits::default(),
            ticket_key: None,
        };
        let program = "biar a = [[0] * 1000] * 1000\nbiar b = [[0] * 1000] * 1000\ntulis(a == b)\n";
        match run_task(&task(program, 60_000), &env) {
            Outcome::Done {
                stdout, exit_code, ..
            } => {
                assert_eq!(exit_code, 0);
                assert_eq!(stdout, b"True\n");
            }
            Outcome::Failed(f) => panic!("{}: {}", f.jenis, f.pesan),
            Outcome::Abandoned(w) => panic!("{w}"),
        }
    }

    #[test]
    fn a_task_may_ask_for_less_heap_never_more() {
        assert_eq!(task_heap_limit(512, None), 512);
        assert_eq!(task_heap_limit(512, Some(100)), 100);
        assert_eq!(task_heap_limit(512, Some(1000)), 512);
        assert_eq!(task_heap_limit(512, Some(0)), 512);
        assert_eq!(task_heap_limit(0, Some(100)), 100);
        assert_eq!(task_heap_limit(0, None), 0);
    }
}
