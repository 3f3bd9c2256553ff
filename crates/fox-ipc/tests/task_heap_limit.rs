//! A task's heap limit: the worker's (`RunEnv::max_heap_bytes`), lowered by
//! the task's own `max_heap_bytes`, never raised; a task past it fails
//! with a catchable `ErrorMemori`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fox_ipc::runner::{run_task, Outcome, RunEnv, TaskLimits, DEFAULT_TASK_HEAP_BYTES};
use fox_ipc::task::{TaskRecord, TaskSpec};
use fox_store::StoreSpec;

/// Prints what it managed: a 40 MB list, or the memory error.
const PROGRAM: &str = "\
coba
    biar l = [0] * 5000000
    tulis(\"dibuat\", panjang(l))
tangkap e
    tulis(e.jenis)
akhir
";

fn task(max_heap_bytes: Option<u64>) -> TaskRecord {
    TaskRecord::first_attempt(
        1,
        TaskSpec {
            name: "memori.fox".into(),
            program: PROGRAM.into(),
            max_heap_bytes,
            ..TaskSpec::default()
        },
    )
}

fn output(worker_limit: usize, asked: Option<u64>) -> String {
    let env = RunEnv {
        store: StoreSpec::Memory,
        queue: None,
        workdir: std::env::temp_dir(),
        slice: 200_000,
        limits: TaskLimits {
            max_heap_bytes: worker_limit,
            ..TaskLimits::default()
        },
        ticket_key: None,
    };
    match run_task(&task(asked), &env) {
        Outcome::Done {
            stdout, exit_code, ..
        } => {
            assert_eq!(exit_code, 0);
            String::from_utf8(stdout).unwrap()
        }
        Outcome::Failed(f) => panic!("task failed: {}: {}", f.jenis, f.pesan),
        Outcome::Abandoned(w) => panic!("{w}"),
    }
}

#[test]
fn the_default_task_limit_is_512_mib() {
    assert_eq!(DEFAULT_TASK_HEAP_BYTES, 512 << 20);
    assert_eq!(output(DEFAULT_TASK_HEAP_BYTES, None), "dibuat 5000000\n");
}

#[test]
fn a_task_may_ask_for_less() {
    assert_eq!(
        output(DEFAULT_TASK_HEAP_BYTES, Some(16 << 20)),
        "ErrorMemori\n"
    );
}

#[test]
fn a_task_never_gets_more_than_its_worker() {
    assert_eq!(output(16 << 20, Some(1 << 30)), "ErrorMemori\n");
    assert_eq!(output(16 << 20, None), "ErrorMemori\n");
}

#[test]
fn an_uncaught_memory_error_fails_the_attempt_with_its_jenis() {
    let env = RunEnv {
        store: StoreSpec::Memory,
        queue: None,
        workdir: std::env::temp_dir(),
        slice: 200_000,
        limits: TaskLimits {
            max_heap_bytes: 16 << 20,
            ..TaskLimits::default()
        },
        ticket_key: None,
    };
    let mut t = task(None);
    t.spec.program = "biar l = [0] * 5000000\n".into();
    match run_task(&t, &env) {
        Outcome::Failed(f) => {
            assert_eq!(f.jenis, "ErrorMemori");
            assert!(f.pesan.contains("16 MiB"), "{}", f.pesan);
        }
        Outcome::Done { .. } => panic!("a 40 MB list fit in 16 MiB"),
        Outcome::Abandoned(w) => panic!("{w}"),
    }
}
