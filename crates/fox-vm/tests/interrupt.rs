//! `Config::interrupt` (the REPL's Ctrl-C): a set flag stops an endless
//! loop, a native operation that charges work and a sleep; no `tangkap`
//! catches it; the VM and its module globals stay usable afterwards; and
//! the instruction budget counts exactly the same with a flag (slices) as
//! without one.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fox_vm::host::SharedBufferHost;
use fox_vm::{Config, Host, Vm, VmError};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn flagged(flag: &Arc<AtomicBool>) -> Config {
    Config {
        interrupt: Some(flag.clone()),
        ..Config::default()
    }
}

/// Compile and run one REPL-style entry in `module`.
fn entry(vm: &mut Vm, module: u32, src: &str) -> Result<(), VmError> {
    let f = vm
        .compile_into(module, "<repl>", src)
        .unwrap_or_else(|d| panic!("{src}: {d:?}"));
    vm.run_function(f, module).map(|_| ())
}

/// Set `flag` after `ms` milliseconds, from another thread.
fn set_later(flag: &Arc<AtomicBool>, ms: u64) -> std::thread::JoinHandle<()> {
    let flag = flag.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(ms));
        flag.store(true, Ordering::Relaxed);
    })
}

#[test]
fn an_endless_loop_stops_and_definitions_survive() {
    let flag = Arc::new(AtomicBool::new(false));
    let host = SharedBufferHost::new();
    let mut vm = Vm::new(flagged(&flag), Box::new(host.clone()));
    let m = vm.new_module("<repl>");
    entry(
        &mut vm,
        m,
        "fungsi dua_kali(x) maka\n    kembalikan x * 2\nakhir\nbiar n = 0",
    )
    .unwrap();
    let t = set_later(&flag, 100);
    let start = Instant::now();
    let r = entry(
        &mut vm,
        m,
        "fungsi putar() maka\n    selama benar maka\n        ubah n = n + 1\n    akhir\nakhir\nputar()",
    );
    t.join().unwrap();
    let Err(VmError::Interrupted(trace)) = r else {
        panic!("expected an interrupt, got {r:?}");
    };
    assert!(start.elapsed() < Duration::from_secs(5));
    // Stopped inside `putar`, called from the entry's line 6.
    let lines: Vec<(String, u32)> = trace.iter().map(|t| (t.function.clone(), t.line)).collect();
    assert_eq!(
        lines.last().map(|l| l.0.as_str()),
        Some("putar"),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.1 == 6), "{lines:?}");
    assert!(!flag.load(Ordering::Relaxed), "the flag is cleared");
    assert!(vm.frames.is_empty(), "the interrupted frames are gone");
    // Everything defined before is still there, and the loop's progress too.
    entry(&mut vm, m, "tulis(dua_kali(21))\ntulis(n > 0)").unwrap();
    vm.flush();
    assert_eq!(host.output(), "42\nTrue\n");
}

#[test]
fn tangkap_does_not_catch_an_interrupt() {
    let flag = Arc::new(AtomicBool::new(false));
    let host = SharedBufferHost::new();
    let mut vm = Vm::new(flagged(&flag), Box::new(host.clone()));
    let m = vm.new_module("<repl>");
    let t = set_later(&flag, 50);
    let r = entry(
        &mut vm,
        m,
        "coba\n    selama benar maka\n    akhir\ntangkap e\n    tulis(\"tertangkap\", e.jenis)\nakhir",
    );
    t.join().unwrap();
    assert!(matches!(r, Err(VmError::Interrupted(_))), "{r:?}");
    assert!(vm.handlers.is_empty(), "the handler is gone with its frame");
    vm.flush();
    assert_eq!(host.output(), "");
}

#[test]
fn native_operations_that_charge_work_see_the_flag() {
    // The flag is already set; the call to `tulis` passes a safe point in
    // the middle of a slice (no look), the list repetition charges work
    // and stops there.
    let flag = Arc::new(AtomicBool::new(true));
    let host = SharedBufferHost::new();
    let mut vm = Vm::new(flagged(&flag), Box::new(host.clone()));
    let m = vm.new_module("<repl>");
    let r = entry(
        &mut vm,
        m,
        "tulis(\"a\")\nbiar xs = [0] * 1000000\ntulis(\"b\")",
    );
    let Err(VmError::Interrupted(trace)) = r else {
        panic!("expected an interrupt, got {r:?}");
    };
    assert_eq!(trace.last().map(|t| t.line), Some(2), "{trace:?}");
    vm.flush();
    assert_eq!(host.output(), "a\n");
    // One Ctrl-C stops one run: the next entry runs to its end.
    entry(&mut vm, m, "tulis(panjang([0] * 1000))").unwrap();
    vm.flush();
    assert_eq!(host.output(), "a\n1000\n");
}

/// The loop count a budget of `budget` reaches, with or without a flag.
fn reached(budget: u64, interrupt: Option<Arc<AtomicBool>>) -> (String, u64) {
    let host = SharedBufferHost::new();
    let config = Config {
        max_instructions: Some(budget),
        interrupt,
        ..Config::default()
    };
    let mut vm = Vm::new(config, Box::new(host.clone()));
    // Calls, back-edges and a native operation that charges its work.
    let r = vm.run_main(
        "b.fox",
        "fungsi f(x) maka\n    kembalikan x + 1\nakhir\nbiar i = 0\n\
         selama benar maka\n    biar xs = [0] * 19200\n    ubah i = f(i)\nakhir",
    );
    assert!(matches!(r, Err(VmError::Budget(_))), "{r:?}");
    let main = vm.main_module.unwrap();
    let i = vm.module_get(main, "i").unwrap();
    (vm.repr_of(i).unwrap(), vm.budget_left())
}

#[test]
fn the_budget_counts_the_same_in_slices() {
    let flag = Some(Arc::new(AtomicBool::new(false)));
    for budget in [1, 2, 1000, 65_535, 65_536, 65_537, 200_000, 1_000_003] {
        let plain = reached(budget, None);
        let sliced = reached(budget, flag.clone());
        assert_eq!(plain, sliced, "budget {budget}");
    }
    // And the budget is really spent: more budget, more turns.
    let small: u64 = reached(100_000, None).0.parse().unwrap();
    let big: u64 = reached(1_000_000, flag).0.parse().unwrap();
    assert!(big > small * 5, "{small} → {big}");
}

/// A host whose sleep waits in short steps and gives up when the flag is
/// set (what the CLI's host does in the REPL).
struct SleepyHost {
    flag: Arc<AtomicBool>,
    slept: Rc<RefCell<Duration>>,
}

impl Host for SleepyHost {
    fn write_out(&mut self, _bytes: &[u8]) {}
    fn flush_out(&mut self) {}
    fn read_line(&mut self) -> Option<String> {
        None
    }
    fn now(&mut self) -> f64 {
        0.0
    }
    fn sleep(&mut self, secs: f64) -> bool {
        let start = Instant::now();
        let until = start + Duration::from_secs_f64(secs);
        while Instant::now() < until {
            if self.flag.load(Ordering::Relaxed) {
                *self.slept.borrow_mut() = start.elapsed();
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        true
    }
}

#[test]
fn a_sleep_is_cut_short() {
    let flag = Arc::new(AtomicBool::new(false));
    let slept = Rc::new(RefCell::new(Duration::ZERO));
    let host = SleepyHost {
        flag: flag.clone(),
        slept: slept.clone(),
    };
    let mut vm = Vm::new(flagged(&flag), Box::new(host));
    let m = vm.new_module("<repl>");
    let t = set_later(&flag, 100);
    let r = entry(&mut vm, m, "_sys_tidur(60)");
    t.join().unwrap();
    assert!(matches!(r, Err(VmError::Interrupted(_))), "{r:?}");
    assert!(
        *slept.borrow() < Duration::from_secs(5),
        "{:?}",
        slept.borrow()
    );
    assert!(!flag.load(Ordering::Relaxed));
}
