//! The heap's byte accounting and limit through the embedding API: what a
//! collection counts as live, growth of existing objects, the limit as a
//! catchable `ErrorMemori`, and objects decoded from snapshots and stored
//! values (counted, and refused when they cannot fit).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fox_vm::host::SharedBufferHost;
use fox_vm::snapshot::SnapshotError;
use fox_vm::{Config, Vm, VmError};

const FILE: &str = "uji.fox";
const MIB: usize = 1 << 20;

fn config(max_heap_bytes: usize) -> Config {
    Config {
        max_heap_bytes,
        ..Config::default()
    }
}

fn run(src: &str, max_heap_bytes: usize, host: &SharedBufferHost) -> (Vm, Result<(), VmError>) {
    let mut vm = Vm::new(config(max_heap_bytes), Box::new(host.clone()));
    let r = vm.run_main(FILE, src);
    vm.flush();
    (vm, r)
}

/// Live bytes of a fresh VM that ran a trivial program.
fn baseline() -> usize {
    let host = SharedBufferHost::new();
    let (mut vm, r) = run("biar a = 1\n", 0, &host);
    r.unwrap();
    vm.collect_garbage();
    vm.heap.live_bytes()
}

#[test]
fn a_collection_counts_live_payloads_exactly_and_frees_garbage() {
    let base = baseline();
    let src = "\
biar teks_besar = \"x\" * 10000000
biar daftar = [0] * 1000000
biar sampah = 0
biar i = 0
selama i < 20 maka
    ubah sampah = \"y\" * 5000000
    ubah i = i + 1
akhir
";
    let host = SharedBufferHost::new();
    let (mut vm, r) = run(src, 0, &host);
    r.unwrap();
    vm.collect_garbage();
    let live = vm.heap.live_bytes() - base;
    // 10 MB of text, 8 MB of list, the last 5 MB garbage text still in a
    // global; the 19 other 5 MB texts are gone.
    let expected = 10_000_000 + 8_000_000 + 5_000_000;
    assert!(
        live >= expected && live < expected + MIB,
        "live {live}, expected about {expected}"
    );
    assert_eq!(vm.heap.bytes(), vm.heap.live_bytes());
}

#[test]
fn growth_of_lists_dicts_and_fields_is_counted_before_a_collection() {
    let host = SharedBufferHost::new();
    let src = "\
kelas K maka
    fungsi inisiasi() maka
        ini.a = 1
    akhir
akhir
biar l = []
biar d = {}
biar k = K()
biar i = 0
selama i < 100000 maka
    tambah(l, i)
    l.append(i)
    ubah d[i] = i
    ubah i = i + 1
akhir
ubah k.b = 2
ubah k.c = 3
";
    let mut vm = Vm::new(config(0), Box::new(host.clone()));
    let before = vm.heap.bytes();
    vm.run_main(FILE, src).unwrap();
    // 200,000 list items and 100,000 dict entries, at least.
    let grown = vm.heap.bytes() - before;
    assert!(grown > 200_000 * 8 + 100_000 * 40, "grown by {grown}");
    let charged = vm.heap.bytes();
    vm.collect_garbage();
    // The count kept between collections was not below the truth.
    assert!(
        vm.heap.live_bytes() <= charged,
        "live {} > charged {charged}",
        vm.heap.live_bytes()
    );
}

#[test]
fn the_limit_is_a_catchable_error_memori_naming_the_flag() {
    let host = SharedBufferHost::new();
    let src = "\
fungsi isi() maka
    biar l = []
    selama benar maka
        tambah(l, 1)
    akhir
akhir
coba
    isi()
tangkap e
    tulis(e.jenis)
    tulis(e.pesan)
akhir
biar lagi = [1] * 1000000
tulis(\"lanjut\", panjang(lagi))
";
    let (_, r) = run(src, 64 * MIB, &host);
    r.unwrap();
    assert_eq!(
        host.output(),
        "ErrorMemori\nMemori habis: batas heap 64 MiB (--max-heap-bytes) terlampaui\nlanjut 1000000\n"
    );
}

#[test]
fn small_objects_alone_reach_the_limit_at_a_safe_point() {
    let host = SharedBufferHost::new();
    let src = "\
biar l = nil
selama benar maka
    ubah l = [l, nil]
akhir
";
    let (vm, r) = run(src, 32 * MIB, &host);
    match r {
        Err(VmError::Uncaught(u)) => {
            assert_eq!(u.jenis, "ErrorMemori");
            assert!(u.pesan.contains("32 MiB"), "{}", u.pesan);
        }
        other => panic!("expected ErrorMemori, got {other:?}"),
    }
    assert!(vm.heap.bytes() <= 33 * MIB, "{}", vm.heap.bytes());
}

#[test]
fn restored_snapshots_are_counted_and_refused_past_the_limit() {
    let host = SharedBufferHost::new();
    let src = "biar besar = [7] * 2000000\nbiar t = \"z\" * 3000000\n";
    let (vm, r) = run(src, 0, &host);
    r.unwrap();
    let bytes = vm.snapshot();
    // Room enough: the decoded objects are in the new heap's count.
    let restored = Vm::from_snapshot(&bytes, config(256 * MIB), Box::new(host.clone())).unwrap();
    assert!(
        restored.heap.bytes() >= 16_000_000 + 3_000_000,
        "restored heap counts {} bytes",
        restored.heap.bytes()
    );
    // Too little: refused before anything is built, with the limit named.
    match Vm::from_snapshot(&bytes, config(12 * MIB), Box::new(host.clone())) {
        Err(e @ SnapshotError::Memory(_)) => {
            assert!(e.to_string().contains("12 MiB"), "{e}");
        }
        Err(e) => panic!("expected a memory refusal, got {e}"),
        Ok(_) => panic!("a 19 MB image loaded under a 12 MiB limit"),
    }
}

#[test]
fn kenang_of_a_value_too_big_for_the_heap_is_an_error_memori() {
    let host = SharedBufferHost::new();
    let (_, r) = run("ingat(\"besar\", [\"ab\"] * 3000000)\n", 0, &host);
    r.unwrap();
    let src = "\
coba
    biar x = kenang(\"besar\")
    tulis(\"dimuat\", panjang(x))
tangkap e
    tulis(e.jenis)
akhir
";
    let (_, r) = run(src, 16 * MIB, &host);
    r.unwrap();
    assert_eq!(host.take_output(), "ErrorMemori\n");
    let (_, r) = run(src, 256 * MIB, &host);
    r.unwrap();
    assert_eq!(host.take_output(), "dimuat 3000000\n");
}
