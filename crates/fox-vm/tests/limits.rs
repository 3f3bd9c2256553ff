//! No single operation escapes the limits (issue 8): native operations
//! charge the instruction budget and stop quickly, a stop inside an
//! operation leaves the VM paused and resumable (the operation runs again
//! from its start), data nested 100,000 deep never overflows the Rust
//! stack (depth errors, or iterative walks for snapshots, copies and the
//! store), and the depth and integer-digit limits follow their `Config`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fox_vm::host::SharedBufferHost;
use fox_vm::{Config, Vm, VmError};
use std::time::{Duration, Instant};

const FILE: &str = "batas.fox";

fn config(budget: Option<u64>) -> Config {
    Config {
        max_instructions: budget,
        ..Config::default()
    }
}

fn run(src: &str, config: Config) -> (Result<(), VmError>, String, Vm) {
    let host = SharedBufferHost::new();
    let mut vm = Vm::new(config, Box::new(host.clone()));
    let r = vm.run_main(FILE, src);
    vm.flush();
    (r, host.output(), vm)
}

/// Builds in a few hundred units what a single operation then walks for
/// 100,000,000 elements (the inner lists are distinct objects in `a` and
/// `b`, so nothing is skipped by identity).
const GIANT: &str = "
biar a = [[0] * 10000] * 10000
biar b = [[0] * 10000] * 10000
tulis(\"dibangun\")
";

#[test]
fn giant_single_operations_stop_on_the_budget_quickly() {
    let ops = [
        ("==", "tulis(a == b)"),
        ("<", "tulis(a < b)"),
        ("repr", "biar s = teks(a)"),
        ("tulis", "tulis(a)"),
        ("interpolation", "biar s = \"{a}\""),
        ("count", "tulis(a.count(b[0]))"),
        ("index", "biar c = b[0][0:9999] + [1]\ntulis(a.index(c))"),
        ("+", "biar c = a[0] * 10\nbiar e = c + c"),
        ("*", "biar c = a * 10000"),
        ("join", "biar c = \"-\".join(a[0] * 1000 + [\"x\"])"),
        ("sort", "biar c = a[0] * 1000\nc.sort()"),
        ("text *", "biar c = \"abc\" * 500000000"),
        (
            "replace",
            "biar c = (\"ab\" * 10000000).replace(\"a\", \"xyz\")",
        ),
        ("split", "biar c = (\"a \" * 10000000).split()"),
    ];
    for (what, op) in ops {
        let src = format!("{GIANT}{op}\ntulis(\"selesai\")\n");
        let start = Instant::now();
        let (r, out, mut vm) = run(&src, config(Some(200_000)));
        let took = start.elapsed();
        // Stopped by the budget, or refused up front because the text it
        // would build cannot fit (repr of 100,000,000 elements): either
        // way before doing the work.
        let refused = matches!(&r, Err(VmError::Uncaught(u)) if u.jenis == "ErrorMemori");
        assert!(
            matches!(r, Err(VmError::Budget(200_000))) || refused,
            "{what}: {r:?} {out}"
        );
        if refused {
            assert!(took < Duration::from_secs(3), "{what} took {took:?}");
            continue;
        }
        assert_eq!(out, "dibangun\n", "{what}");
        assert!(
            (vm.take_budget_stop() == fox_vm::limits::BudgetStop::InOperation),
            "{what}: stopped at a safe point"
        );
        assert!(took < Duration::from_secs(3), "{what} took {took:?}");
    }
}

/// A program whose operations are each charged much more than one unit.
const WORK: &str = "
biar xs = []
biar i = 0
biar x = 7
selama i < 3000 maka
    ubah x = (x * 1103515245 + 12345) % 2147483648
    xs.tambah(x % 1000)
    ubah i = i + 1
akhir
biar ys = xs * 3
ys.sort()
tulis(ys[0], ys[4500], ys[8999])
biar t = teks(ys)
tulis(panjang(t))
biar zs = ys.copy()
zs.reverse()
tulis(ys == zs, ys < zs, ys.count(500), panjang(\",\".join(t.split(\", \"))))
biar d = {}
ubah i = 0
selama i < 500 maka
    ubah d[teks(i)] = [i] * 20
    ubah i = i + 1
akhir
tulis(panjang(teks(d)), d == salin_kamus(d))
";

/// Pause the run at many budgets (so many stops land inside operations),
/// snapshot the paused VM, continue it in a fresh VM, and compare with an
/// uninterrupted run.
/// An error raised deep in recursion records the whole stack (`jejak`):
/// work proportional to the depth. Raised once per level, caught and
/// re-raised on the way up, that was quadratic work in a linear budget
/// (found by the `compiler` fuzz target: 10,000 frames ran past its
/// 10-second bound). Each traceback is now debited to the budget, so the
/// run pauses at a safe point instead.
#[test]
fn tracebacks_of_deep_errors_are_charged_to_the_budget() {
    let src = "fungsi turun(n) maka\n    jika n > 0 maka\n        coba\n            turun(n - 1)\n        tangkap e\n        akhir\n    akhir\n    lemparkan \"x\"\nakhir\nturun(20000)\n";
    let deep = Config {
        max_depth: 30_000,
        ..config(Some(200_000))
    };
    let start = Instant::now();
    let (r, _, _) = run(src, deep);
    assert!(matches!(r, Err(VmError::Budget(_))), "{r:?}");
    assert!(start.elapsed().as_secs() < 2, "took {:?}", start.elapsed());
    // Shallow, the same program finishes: the outermost error is uncaught.
    let (r, _, _) = run(&src.replace("20000", "50"), config(Some(200_000)));
    assert!(matches!(r, Err(VmError::Uncaught(_))), "{r:?}");
}

#[test]
fn a_stop_inside_an_operation_resumes_identically() {
    let (r, want, vm) = run(WORK, config(Some(u64::MAX - 1)));
    assert!(r.is_ok(), "{r:?}");
    let total = u64::MAX - 1 - vm.budget_left();
    assert!(
        total > 100_000,
        "the program should do charged work: {total}"
    );
    let mut inside = 0;
    let mut k = 1;
    while k < total {
        let host = SharedBufferHost::new();
        let mut vm = Vm::new(config(Some(k)), Box::new(host.clone()));
        let mut r = vm.run_main(FILE, WORK);
        let mut pieces = 0;
        while let Err(VmError::Budget(_)) = r {
            inside += (vm.take_budget_stop() == fox_vm::limits::BudgetStop::InOperation) as u32;
            let bytes = vm.snapshot();
            vm.flush();
            pieces += 1;
            // Alternate: continue in place, or from the snapshot.
            let budget = if pieces % 3 == 0 { u64::MAX } else { k };
            if pieces % 2 == 0 {
                vm.set_budget(budget);
            } else {
                vm = Vm::from_snapshot(&bytes, config(Some(budget)), Box::new(host.clone()))
                    .unwrap();
            }
            r = vm.drive();
        }
        vm.flush();
        assert!(r.is_ok(), "budget {k}: {r:?}");
        assert_eq!(host.output(), want, "budget {k}");
        k = k * 3 / 2 + 7919;
    }
    assert!(inside > 10, "only {inside} stops landed inside operations");
}

/// `n` nested lists around an empty one, built in a loop.
fn nest(n: usize) -> String {
    format!(
        "biar d = []\nbiar i = 0\nselama i < {n} maka\n    ubah d = [d]\n    ubah i = i + 1\nakhir\n"
    )
}

const DEEP_OPS: &str = "
biar d2 = [d]
biar dd = []
ubah i = 0
selama i < 100000 maka
    ubah dd = [dd]
    ubah i = i + 1
akhir
fungsi f_repr() maka
    kembali teks(d)
akhir
fungsi f_tulis() maka
    tulis(d)
akhir
fungsi f_sama() maka
    kembali d == d2[0] + []
akhir
fungsi f_kurang() maka
    kembali d < d2
akhir
fungsi f_hitung() maka
    kembali d2.count(dd)
akhir
fungsi coba_op(nama, f) maka
    coba
        f()
        tulis(nama, \"ok\")
    tangkap e
        tulis(nama, e.jenis, e.pesan)
    akhir
akhir
coba_op(\"repr\", f_repr)
coba_op(\"tulis\", f_tulis)
coba_op(\"==\", f_sama)
coba_op(\"<\", f_kurang)
coba_op(\"count\", f_hitung)
";

#[test]
fn data_100000_deep_raises_catchable_errors_without_overflowing() {
    // The clamped depth limit must fit, with room to spare, in the 2 MiB
    // of a spawned thread (FoxIPC workers): run on half of that, in
    // whatever profile the tests are built.
    let (r, out, limit) = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            let src = format!("{}{DEEP_OPS}", nest(100_000));
            let cfg = Config {
                max_data_depth: 1_000_000,
                ..Config::default()
            };
            let (r, out, vm) = run(&src, cfg);
            (r.map_err(|e| format!("{e:?}")), out, vm.data_depth_limit())
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(r.is_ok(), "{r:?}\n{out}");
    assert_eq!(limit, fox_vm::limits::HARD_MAX_DATA_DEPTH);
    let msg = "Kedalaman data melebihi batas (2000 tingkat)";
    for line in out.lines() {
        assert!(
            line.ends_with(" ok") && line.starts_with("==") || line.contains(msg),
            "{line}"
        );
    }
    assert_eq!(out.lines().count(), 5, "{out}");
}

#[test]
fn depth_limit_follows_the_config() {
    let src = "
biar a = [[[[[]]]]]
tulis(a)
coba
    tulis([a])
tangkap e
    tulis(e.pesan)
akhir
biar siklus = [1]
siklus.tambah(siklus)
tulis(siklus)
";
    let cfg = Config {
        max_data_depth: 5,
        ..Config::default()
    };
    let (r, out, _) = run(src, cfg);
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(
        out,
        "[[[[[]]]]]\nKedalaman data melebihi batas (5 tingkat) saat membuat repr objek\n\
         [1, [...]]\n"
    );
}

#[test]
fn deep_data_goes_through_snapshots_copies_the_store_and_the_collector() {
    let src = format!(
        "{}
ingat(\"dalam\", d)
biar k = kenang(\"dalam\")
fungsi ukur(x) maka
    biar n = 0
    selama panjang(x) > 0 maka
        ubah x = x[0]
        ubah n = n + 1
    akhir
    kembali n
akhir
tulis(\"kenang\", ukur(k))
fungsi langkah(x) maka
    kembali ukur(d) + x
akhir
tulis(\"alur\", alur(\"dalam\", [langkah], 1))
// Garbage: force collections while the deep list is live.
biar sampah = 0
ubah i = 0
selama i < 300000 maka
    ubah sampah = [i]
    ubah i = i + 1
akhir
tulis(\"akhir\", ukur(d))
",
        nest(100_000)
    );
    let host = SharedBufferHost::new();
    let mut vm = Vm::new(config(Some(300_000)), Box::new(host.clone()));
    let mut r = vm.run_main(FILE, &src);
    let mut pauses = 0;
    // Snapshot images of a VM holding the deep list, restored and resumed.
    while let Err(VmError::Budget(_)) = r {
        pauses += 1;
        let bytes = vm.snapshot();
        vm.flush();
        vm = Vm::from_snapshot(&bytes, config(Some(300_000)), Box::new(host.clone())).unwrap();
        r = vm.drive();
    }
    vm.flush();
    assert!(r.is_ok(), "{r:?}");
    assert!(pauses >= 1);
    assert!(vm.heap.collections > 0);
    assert_eq!(host.output(), "kenang 100000\nalur 100001\nakhir 100000\n");
}

#[test]
fn digit_limit_follows_the_config() {
    let src = "
biar x = 1
biar i = 0
selama i < 5000 maka
    ubah x = x * 10
    ubah i = i + 1
akhir
coba
    tulis(panjang(teks(x)))
tangkap e
    tulis(e.pesan)
akhir
coba
    tulis(panjang(teks(int(\"7\" * 5000))))
tangkap e
    tulis(e.pesan)
akhir
";
    let limit = |n: usize| {
        let (r, out, _) = run(
            src,
            Config {
                max_int_digits: n,
                ..Config::default()
            },
        );
        assert!(r.is_ok(), "{r:?}");
        out
    };
    assert_eq!(limit(0), "5001\n5000\n");
    assert_eq!(limit(6000), "5001\n5000\n");
    let at = |n: usize| {
        format!(
            "Angka bulat itu melebihi batas konversi ke teks ({n} digit; ubah dengan \
             --max-int-digits)\n\
             Teks angka itu punya 5000 digit, melebihi batas konversi ({n} digit; ubah dengan \
             --max-int-digits)\n"
        )
    };
    assert_eq!(limit(4300), at(4300));
    // Python's smallest limit is 640.
    assert_eq!(limit(10), at(640));
}

#[test]
fn a_literal_beyond_the_digit_limit_is_a_compile_error() {
    let src = format!("tulis({})\n", "9".repeat(4301));
    let (r, out, _) = run(&src, Config::default());
    match r {
        Err(VmError::Compile { diagnostics, .. }) => {
            assert!(
                diagnostics[0].message.contains("4301 digit"),
                "{diagnostics:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(out, "");
    let ok = format!("tulis({} % 1000)\n", "9".repeat(4300));
    let (r, out, _) = run(&ok, Config::default());
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(out, "999\n");
}
