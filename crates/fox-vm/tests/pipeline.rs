//! `alur` pipelines in one process (an in-memory store): isolation of
//! globals, identity of classes inside a step, failures inside and outside
//! step frames (tickets, `tiket` field, globals put back), skipping of
//! finished steps, and resuming a pipeline ticket in a fresh VM.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fox_vm::config::Config;
use fox_vm::host::SharedBufferHost;
use fox_vm::vm::Vm;

fn run(host: &SharedBufferHost, src: &str) -> (String, Result<(), fox_vm::VmError>) {
    let mut vm = Vm::new(Config::default(), Box::new(host.clone()));
    let r = vm.run_main("pipa.fox", src);
    vm.flush();
    (host.take_output(), r)
}

const ISOLATION: &str = r#"
kelas Kotak maka
    fungsi inisiasi(isi) maka
        ini.isi = isi
    akhir
akhir
biar log = []
biar n = 0
fungsi satu(x) maka
    log.tambah("satu")
    ubah n = n + 1
    kembali Kotak(x)
akhir
fungsi dua(k) maka
    tulis("dua melihat", log, n, k.__class__ == Kotak, k.isi)
    log.tambah("dua")
    kembali k.isi * 2
akhir
biar hasil = alur("iso", [satu, dua], 21)
tulis("hasil", hasil, "log", log, "n", n)
"#;

#[test]
fn steps_start_from_process_0_and_see_their_own_classes() {
    let host = SharedBufferHost::new();
    let (out, r) = run(&host, ISOLATION);
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(
        out, "dua melihat [] 0 True 21\nhasil 42 log [] n 0\n",
        "globals mutated by a step must not leak"
    );
    assert!(
        host.store.borrow().is_empty(),
        "finished pipeline leaves nothing"
    );
}

const BUILTIN_STEP: &str = r#"
biar daftar = [1]
fungsi teks_saja(x) maka
    daftar.tambah(99)
    kembali "abc"
akhir
coba
    alur("bawaan", [teks_saja, int], 0)
tangkap e
    tulis("galat:", e.pesan)
    tulis("tiket:", e.tiket != nil)
akhir
tulis("daftar:", daftar)
"#;

#[test]
fn a_failing_builtin_step_gets_a_ticket_and_restores_globals() {
    let host = SharedBufferHost::new();
    let (out, r) = run(&host, BUILTIN_STEP);
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(
        out,
        "galat: int(): teks 'abc' bukan angka bulat (basis 10)\ntiket: True\ndaftar: [1]\n"
    );
    let tickets = host.tickets.borrow();
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0].0, "bawaan");
    let info = fox_vm::snapshot::read_ticket_info(&tickets[0].1).unwrap();
    assert_eq!(info.pipeline.map(|p| (p.step, p.steps)), Some((2, 2)));
}

const FLAKY: &str = r#"
biar hitung = 0
fungsi satu(x) maka
    tulis("satu berjalan")
    ubah hitung = hitung + 1
    kembali x + 1
akhir
fungsi dua(x) maka
    jika kenang("boleh") == nil maka
        lemparkan "belum boleh" jenis "ErrorSementara"
    akhir
    tulis("dua berjalan, hitung =", hitung)
    kembali x * 10
akhir
fungsi tiga(x) maka
    kembali "hasil {x}"
akhir
tulis(alur("flaky", [satu, dua, tiga], 4))
"#;

#[test]
fn rerun_skips_finished_steps_and_a_ticket_resumes_in_a_fresh_vm() {
    let host = SharedBufferHost::new();
    let (out, r) = run(&host, FLAKY);
    assert_eq!(out, "satu berjalan\n");
    let Err(fox_vm::VmError::Uncaught(u)) = r else {
        panic!("expected an uncaught error, got {r:?}")
    };
    assert_eq!(u.jenis, "ErrorSementara");
    assert!(matches!(u.ticket, Some(Ok(_))), "{:?}", u.ticket);
    assert!(host.store.borrow().contains_key("alur/flaky/0"));
    let ticket = host.tickets.borrow()[0].1.clone();

    // The cause goes away; a rerun skips step 1.
    host.store.borrow_mut().insert(
        "nilai/boleh".into(),
        Vm::new(Config::default(), Box::new(SharedBufferHost::new()))
            .encode_value(fox_vm::Value::Bool(true)),
    );
    let (out, r) = run(&host, FLAKY);
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(out, "dua berjalan, hitung = 0\nhasil 50\n");
    assert!(!host.store.borrow().keys().any(|k| k.starts_with("alur/")));

    // The old ticket, in a fresh VM: step 2 re-runs its failing
    // instruction (the throw's condition is now false... the throw itself
    // is the failing instruction, so it is thrown again) — resuming runs
    // exactly what was frozen.
    let host2 = SharedBufferHost::new();
    host2.store.borrow_mut().extend(host.store.borrow().clone());
    let (mut vm, info) = Vm::from_ticket(&ticket, Config::default(), Box::new(host2.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info.attempts, 1);
    assert_eq!(vm.attempt, 2);
    let r = vm.drive();
    assert!(matches!(r, Err(fox_vm::VmError::Uncaught(ref u)) if u.pesan == "belum boleh"));
}
