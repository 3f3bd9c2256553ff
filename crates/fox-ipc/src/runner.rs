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
    let mut given = slice;
    let mut grow: u64 = 1;
    while let Err(VmError::Budget(_)) = result {
        used = used.saturating_add(given);
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
        // A native operation bigger than a slice stops inside itself (and
        // restarts) every time: double the slice until it fits, within
        // what is left of the task's own budget.
        grow = if vm.take_budget_stop_in_op() {
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
    #![allow(clippy::panic)]
    use super::*;
    use crate::task::TaskState;

    fn task(program: &str, timeout_ms: u64) -> TaskRecord {
        TaskRecord {
            id: 1,
            spec: TaskSpec {
                name: "raksasa.fox".into(),
                program: program.into(),
                timeout_ms: Some(timeout_ms),
                ..TaskSpec::default()
            },
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
        }
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
        };
        let program = "biar a = [[0] * 1000] * 1000\nbiar b = [[0] * 1000] * 1000\ntulis(a == b)\n";
        match run_task(&task(program, 60_000), &env) {
            Outcome::Done { stdout, exit_code } => {
                assert_eq!(exit_code, 0);
                assert_eq!(stdout, b"True\n");
            }
            Outcome::Failed(f) => panic!("{}: {}", f.jenis, f.pesan),
        }
    }
}
