//! Builtins that hand work to Morph code (a sort's key function, a class's
//! `teks()`/`repr()`; see `prelude.rs`) run it in ordinary frames, so a run
//! can pause anywhere inside them, be snapshotted, restored in a fresh VM
//! and continued with identical output. This pauses such a program at
//! every one of its safe points in turn.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fox_vm::host::SharedBufferHost;
use fox_vm::{Config, Vm, VmError};

const SRC: &str = r#"
kelas Titik maka
    fungsi inisiasi(x) maka
        ini.x = x
    akhir
    fungsi teks() maka
        kembalikan "T{ini.x}"
    akhir
    fungsi repr() maka
        kembalikan "Titik({ini.x})"
    akhir
akhir
fungsi kunci_x(t) maka
    kembalikan -t.x
akhir
biar ts = [Titik(2), Titik(5), Titik(1), Titik(4)]
ts.sort(kunci_x)
tulis(ts, ts[0], "{ts[1]}")
cetak(gabung(ts, ","))
tulis()
ts.sort(kunci_x, benar)
tulis(teks(ts), _repr(ts[0]))
"#;

fn budget(b: Option<u64>) -> Config {
    Config {
        max_instructions: b,
        ..Config::default()
    }
}

#[test]
fn pausing_inside_prelude_frames_resumes_identically() {
    let host = SharedBufferHost::new();
    let mut vm = Vm::new(budget(Some(u64::MAX - 1)), Box::new(host.clone()));
    vm.run_main("p.fox", SRC).expect("runs");
    vm.flush();
    let want = host.output();
    assert_eq!(
        want,
        "[Titik(5), Titik(4), Titik(2), Titik(1)] T5 T4\nT5,T4,T2,T1\n\
         [Titik(1), Titik(2), Titik(4), Titik(5)] Titik(1)\n"
    );
    let n = u64::MAX - 1 - vm.budget_left();
    assert!(n > 20, "only {n} safe points");
    for k in 1..n {
        let host = SharedBufferHost::new();
        let mut vm = Vm::new(budget(Some(k)), Box::new(host.clone()));
        match vm.run_main("p.fox", SRC) {
            Err(VmError::Budget(_)) => {}
            other => panic!("pause {k}: {other:?}"),
        }
        let bytes = vm.snapshot();
        vm.flush();
        drop(vm);
        let mut vm = Vm::from_snapshot(&bytes, budget(Some(n * 2 + 100)), Box::new(host.clone()))
            .unwrap_or_else(|e| panic!("restore at {k}: {e}"));
        let r = vm.drive();
        vm.flush();
        assert!(r.is_ok(), "pause {k}: {r:?}");
        assert_eq!(host.output(), want, "pause {k}");
    }
}
