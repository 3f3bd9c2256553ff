//! Running one claimed task on the VM: from the start, or — when the task
//! carries a ticket from a failed attempt — from the failing instruction.
//! Standard output is collected; an uncaught error, or running out of time
//! or instructions, becomes a ticket for the next attempt. The VM runs in
//! slices of its instruction budget so the wall-clock timeout is checked
//! without any cost on the interpreter's hot path.

use crate::queue::QueueSpec;
use crate::task::{Failure, TaskRecord, TaskSpec};
use fox_store::{Store, StoreSpec};
use fox_vm::snapshot::{read_ticket_info, TicketReason};
use fox_vm::{Config, Host, Uncaught, Vm, VmError};
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Instant;

/// Where a task's program runs: the store behind its `ingat`/`kenang` and
/// pipelines, and the queue `kirim_tugas` submits to.
#[derive(Clone, Debug)]
pub struct RunEnv {
    pub store: StoreSpec,
    pub queue: Option<QueueSpec>,
    /// Directory `kirim_tugas` resolves relative program paths against.
    pub workdir: PathBuf,
    /// Safe points per slice when a timeout is set.
    pub slice: u64,
    /// Heap limit of each task in bytes (0 = unlimited); a task's spec may
    /// ask for less.
    pub max_heap_bytes: usize,
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
    },
    Failed(Failure),
}

/// The host a task runs with: output into memory, no standard input, the
/// store, tickets kept in memory, submissions to the queue.
struct TaskHost {
    out: Rc<RefCell<Vec<u8>>>,
    ticket: Rc<RefCell<Option<Vec<u8>>>>,
    store_spec: StoreSpec,
    store: Option<Box<dyn Store>>,
    queue: Option<QueueSpec>,
    workdir: PathBuf,
    task_id: i64,
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
        self.out.borrow_mut().extend_from_slice(bytes);
    }
    fn flush_out(&mut self) {}
    fn read_line(&mut self) -> Option<String> {
        None
    }
    fn now(&mut self) -> f64 {
        crate::task::now()
    }
    fn sleep(&mut self, secs: f64) {
        if secs.is_finite() && secs > 0.0 {
            std::thread::sleep(std::time::Duration::from_secs_f64(secs.min(3600.0)));
        }
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
    fn submit_task(&mut self, program: &str, args: &[String]) -> Result<i64, String> {
        let Some(q) = &self.queue else {
            return Err("tidak ada antrean tugas".into());
        };
        let path = self.workdir.join(program);
        let spec = spec_from_file(&path, args)?;
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

/// Run one attempt of `task`.
pub fn run_task(task: &TaskRecord, env: &RunEnv) -> Outcome {
    let out = Rc::new(RefCell::new(Vec::new()));
    let ticket = Rc::new(RefCell::new(None));
    let host = TaskHost {
        out: out.clone(),
        ticket: ticket.clone(),
        store_spec: env.store.clone(),
        store: None,
        queue: env.queue.clone(),
        workdir: env.workdir.clone(),
        task_id: task.id,
    };
    let spec = &task.spec;
    let timeout = spec.timeout_ms.map(|ms| ms as f64 / 1000.0);
    // Slices only when something must be checked between them: without a
    // timeout the budget is the task's own (or none).
    let slice = match (timeout, spec.max_instructions) {
        (Some(_), Some(max)) => env.slice.min(max),
        (Some(_), None) => env.slice,
        (None, max) => max.unwrap_or(u64::MAX),
    };
    let mut argv = vec![spec.name.clone()];
    argv.extend(spec.args.iter().cloned());
    let config = Config {
        argv,
        max_instructions: (slice != u64::MAX).then_some(slice),
        max_heap_bytes: task_heap_limit(env.max_heap_bytes, spec.max_heap_bytes),
        ..Config::default()
    };
    let start = Instant::now();
    let (mut vm, mut result) = match &task.ticket {
        Some(bytes) => match Vm::from_ticket(bytes, config, Box::new(host)) {
            Ok((mut vm, _)) => {
                vm.ticket_on_error = true;
                let r = vm.drive();
                (vm, r)
            }
            Err(e) => {
                return Outcome::Failed(Failure {
                    jenis: "ErrorTiket".into(),
                    pesan: format!("tiket tugas {} tidak bisa dimuat: {e}", task.id),
                    retryable: false,
                    ..Failure::default()
                })
            }
        },
        None => {
            let mut vm = Vm::new(config, Box::new(host));
            vm.ticket_on_error = true;
            let r = vm.run_main(&spec.name, &spec.program);
            (vm, r)
        }
    };
    let mut used: u64 = 0;
    while let Err(VmError::Budget(_)) = result {
        used = used.saturating_add(slice);
        let over_time = timeout.is_some_and(|t| start.elapsed().as_secs_f64() >= t);
        let over_budget = spec.max_instructions.is_some_and(|m| used >= m);
        if over_time || over_budget {
            let (jenis, pesan) = if over_time {
                (
                    "BatasWaktu",
                    format!("batas waktu {} ms terlampaui", spec.timeout_ms.unwrap_or(0)),
                )
            } else {
                (
                    "BatasInstruksi",
                    format!(
                        "batas instruksi {} terlampaui",
                        spec.max_instructions.unwrap_or(0)
                    ),
                )
            };
            let report = Uncaught {
                jenis: jenis.into(),
                pesan: pesan.clone(),
                traceback: vm.traceback(),
                ticket: None,
            };
            let saved = vm.save_ticket(TicketReason::Budget, &report, true);
            vm.flush();
            let bytes = ticket.borrow_mut().take();
            return Outcome::Failed(Failure {
                stdout: std::mem::take(&mut *out.borrow_mut()),
                jenis: jenis.into(),
                pesan,
                ticket_summary: bytes.as_deref().and_then(summary),
                ticket: bytes.filter(|_| saved.is_ok()),
                retryable: true,
            });
        }
        vm.budget = slice;
        result = vm.drive();
    }
    vm.flush();
    let stdout = std::mem::take(&mut *out.borrow_mut());
    match result {
        Ok(()) => Outcome::Done {
            stdout,
            exit_code: 0,
        },
        Err(VmError::Exit(n)) => Outcome::Done {
            stdout,
            exit_code: n,
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
            })
        }
        Err(VmError::Compile { diagnostics, .. }) => Outcome::Failed(Failure {
            stdout,
            jenis: "ErrorSintaks".into(),
            pesan: diagnostics
                .first()
                .map(|d| d.message.clone())
                .unwrap_or_else(|| "program tidak bisa dikompilasi".into()),
            retryable: false,
            ..Failure::default()
        }),
        Err(e) => Outcome::Failed(Failure {
            stdout,
            jenis: "ErrorSistem".into(),
            pesan: e.to_string(),
            retryable: true,
            ..Failure::default()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::task_heap_limit;

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
