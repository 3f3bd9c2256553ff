//! Property: pausing a run at any safe point, serializing the whole VM,
//! restoring it in a fresh VM and continuing gives exactly the output and
//! outcome of the uninterrupted run. Checked for every conformance program
//! that does not read input, at many pause points each, chained (a restored
//! VM is itself paused, captured and restored again).
//!
//! Its own test binary: it changes the working directory per program.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fox_vm::config::Config;
use fox_vm::error::VmError;
use fox_vm::host::SharedBufferHost;
use fox_vm::vm::Vm;
use std::path::Path;

/// The outcome of a run, comparable across VMs.
fn outcome(r: &Result<(), VmError>) -> String {
    match r {
        Ok(()) => "ok".into(),
        Err(VmError::Uncaught(u)) => format!("{}: {} {:?}", u.jenis, u.pesan, u.traceback),
        Err(e) => format!("{e}"),
    }
}

fn config(file: &str, budget: Option<u64>) -> Config {
    Config {
        argv: vec![file.to_string()],
        max_instructions: budget,
        ..Config::default()
    }
}

/// xorshift64*, deterministic per program.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// Returns (safe points used, output, outcome) of an uninterrupted run.
fn full_run(file: &str, source: &str) -> (u64, String, String) {
    let host = SharedBufferHost::new();
    let mut vm = Vm::new(config(file, Some(u64::MAX - 1)), Box::new(host.clone()));
    let r = vm.run_main(file, source);
    vm.flush();
    let used = u64::MAX - 1 - vm.budget_left();
    (used, host.output(), outcome(&r))
}

fn check_program(path: &Path, rng: &mut Rng) -> Result<usize, String> {
    let source = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    if source.contains("masukan") {
        return Ok(0);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    std::env::set_current_dir(dir).map_err(|e| e.to_string())?;
    let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let (n, want_out, want_outcome) = full_run(file, &source);
    if n == 0 {
        return Ok(0);
    }
    // Sorted pause points in 0..n, then the pieces between them.
    let mut points: Vec<u64> = (0..12).map(|_| rng.next() % n).collect();
    points.sort_unstable();
    points.dedup();
    let host = SharedBufferHost::new();
    let mut vm = Vm::new(config(file, Some(points[0])), Box::new(host.clone()));
    let mut result = vm.run_main(file, &source);
    let mut pauses = 0;
    let mut last = points[0];
    for &k in points.iter().skip(1).chain(std::iter::once(&u64::MAX)) {
        match result {
            Err(VmError::Budget(_)) => {}
            _ => break,
        }
        let bytes = vm.snapshot();
        vm.flush();
        drop(vm);
        pauses += 1;
        // The last piece gets twice what the whole run needed: a pause
        // inside a native operation re-runs it from its start, so pieces
        // can fall behind their pause points by up to one operation, but
        // what is left never exceeds the whole run plus one operation. A
        // resumed VM that loops forever fails instead of hanging.
        let budget = if k == u64::MAX {
            Some(n * 2 + 1000)
        } else {
            Some(k - last)
        };
        last = k;
        vm = Vm::from_snapshot(&bytes, config(file, budget), Box::new(host.clone()))
            .map_err(|e| format!("restore at pause {pauses}: {e}"))?;
        result = vm.drive();
    }
    vm.flush();
    let got = host.output();
    if got != want_out {
        return Err(format!(
            "output differs after {pauses} pauses\n--- expected\n{want_out}\n--- got\n{got}"
        ));
    }
    let got_outcome = outcome(&result);
    if got_outcome != want_outcome {
        return Err(format!(
            "outcome differs after {pauses} pauses: expected {want_outcome}, got {got_outcome}"
        ));
    }
    Ok(pauses)
}

#[test]
fn snapshot_at_random_safe_points_resumes_identically() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance");
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let tests = fox_qc::corpus::programs(&root);
    assert!(
        tests.len() > 100,
        "conformance corpus not found at {root:?}"
    );
    let filter = std::env::var("FOX_FILTER").unwrap_or_default();
    let mut failures = Vec::new();
    let mut programs = 0;
    let mut pauses = 0;
    for t in &tests {
        if !t.to_string_lossy().contains(&filter) {
            continue;
        }
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ t.to_string_lossy().len() as u64);
        match check_program(t, &mut rng) {
            Ok(0) => {}
            Ok(p) => {
                programs += 1;
                pauses += p;
            }
            Err(e) => failures.push(format!("{}: {e}", t.display())),
        }
    }
    eprintln!("{programs} programs resumed identically across {pauses} snapshot/restore cycles");
    assert!(
        failures.is_empty(),
        "{} programs differ:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(programs > 100, "only {programs} programs exercised");
}
