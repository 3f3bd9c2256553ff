//! Fuzz-style robustness of loading tickets and stored values: random
//! bytes, every truncation, every single-bit flip of a real ticket, and
//! structure-aware mutations (the decompressed payload is mutated and
//! re-sealed with a valid checksum, so the decoder's own validation is
//! what stands between the bytes and the interpreter). Nothing may panic;
//! damaged envelopes must be errors; a mutated payload that still loads
//! must run (under an instruction budget) without panicking.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fox_vm::config::Config;
use fox_vm::host::SharedBufferHost;
use fox_vm::snapshot::{open_raw, seal_raw, Kind, OpenRules};
use fox_vm::vm::Vm;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A program whose failure leaves a rich state: a pipeline in step 2,
/// closures with cells, a suspended generator, an instance, a cycle.
const PROGRAM: &str = r#"
kelas Akun maka
    fungsi inisiasi(nama) maka
        ini.nama = nama
        ini.riwayat = []
    akhir
    fungsi catat(x) maka
        ini.riwayat.tambah(x)
        kembali panjang(ini.riwayat)
    akhir
akhir
tipe Hasil = Ok(v) | Gagal(p)
fungsi angka(n) maka
    biar i = 0
    selama i < n maka
        bekukan(i)
        ubah i = i + 1
    akhir
akhir
fungsi penghitung() maka
    biar n = 0
    fungsi tambah() maka
        ubah n = n + 1
        kembali n
    akhir
    kembali tambah
akhir
biar global_list = [1, 2, 3]
global_list.tambah(global_list)
fungsi satu(x) maka
    kembali {"akun": Akun("budi"), "x": x, "h": Ok(x * 2)}
akhir
fungsi dua(d) maka
    biar g = angka(10)
    lanjut(g)
    biar hit = penghitung()
    hit()
    d["akun"].catat(d["x"])
    biar i = 0
    selama i < 5 maka
        ubah i = i + 1
    akhir
    lemparkan "gagal di langkah dua" jenis "ErrorUji"
akhir
fungsi tiga(d) maka
    kembali d
akhir
alur("uji", [satu, dua, tiga], 21)
"#;

fn real_ticket() -> Vec<u8> {
    let host = SharedBufferHost::new();
    let mut vm = Vm::new(Config::default(), Box::new(host.clone()));
    vm.ticket_on_error = true;
    let r = vm.run_main("uji.fox", PROGRAM);
    assert!(r.is_err(), "the program should fail");
    let t = host.tickets.borrow();
    assert_eq!(t.len(), 1, "one ticket expected");
    t[0].1.clone()
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Load a ticket and, if it loads, run it briefly. `Err` = it panicked.
fn load_and_run(bytes: &[u8]) -> Result<bool, String> {
    let r = catch_unwind(AssertUnwindSafe(|| {
        let config = Config {
            max_instructions: Some(5_000),
            max_heap_objects: 200_000,
            ..Config::default()
        };
        match Vm::from_ticket(bytes, config, Box::new(SharedBufferHost::new())) {
            Ok((mut vm, _)) => {
                let _ = vm.drive();
                true
            }
            Err(e) => {
                assert!(!e.to_string().is_empty());
                false
            }
        }
    }));
    r.map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

#[test]
fn real_ticket_resumes() {
    let t = real_ticket();
    let host = SharedBufferHost::new();
    let (mut vm, info) = Vm::from_ticket(&t, Config::default(), Box::new(host.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info.jenis, "ErrorUji");
    assert_eq!(info.pipeline.as_ref().map(|p| p.step), Some(2));
    // The failing instruction is the throw: it fails again, identically.
    let r = vm.drive();
    assert!(format!("{r:?}").contains("gagal di langkah dua"), "{r:?}");
}

#[test]
fn random_bytes_truncations_and_bit_flips_are_errors() {
    let good = real_ticket();
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    for n in 0..300 {
        let len = rng.below(2 * good.len());
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        assert_eq!(load_and_run(&bytes), Ok(false), "random bytes #{n}");
    }
    for len in 0..good.len() {
        assert_eq!(load_and_run(&good[..len]), Ok(false), "truncated to {len}");
    }
    for bit in 0..good.len() * 8 {
        let mut b = good.clone();
        b[bit / 8] ^= 1 << (bit % 8);
        assert_eq!(load_and_run(&b), Ok(false), "bit {bit} flipped");
    }
}

#[test]
fn structure_aware_payload_mutations_never_panic() {
    let good = real_ticket();
    let (program, raw) =
        open_raw(Kind::Ticket, &good, OpenRules::UNSIGNED).unwrap_or_else(|e| panic!("{e}"));
    let mut rng = Rng(0xF0CC_A11C_E5ED_0002);
    let mut loaded = 0;
    let mut panics = Vec::new();
    for n in 0..3000 {
        let mut m = raw.clone();
        for _ in 0..1 + rng.below(4) {
            match rng.below(5) {
                0 => {
                    let i = rng.below(m.len());
                    m[i] ^= 1 << rng.below(8);
                }
                1 => {
                    let i = rng.below(m.len());
                    m[i] = rng.next() as u8;
                }
                2 => {
                    let i = rng.below(m.len());
                    m[i] = [0, 1, 0x7f, 0x80, 0xff][rng.below(5)];
                }
                3 => {
                    let i = rng.below(m.len());
                    m.insert(i, rng.next() as u8);
                }
                _ => {
                    let i = rng.below(m.len());
                    m.remove(i);
                }
            }
        }
        let sealed = seal_raw(Kind::Ticket, program, &m, None);
        match load_and_run(&sealed) {
            Ok(true) => loaded += 1,
            Ok(false) => {}
            Err(p) => panics.push(format!("mutation #{n}: {p}")),
        }
    }
    assert!(
        panics.is_empty(),
        "{} panics:\n{}",
        panics.len(),
        panics.join("\n")
    );
    eprintln!("{loaded} of 3000 mutated payloads loaded and ran without panicking");
}

#[test]
fn mutated_stored_values_never_panic() {
    let host = SharedBufferHost::new();
    let mut vm = Vm::new(Config::default(), Box::new(host.clone()));
    // The same declarations, building a value instead of failing.
    let src = PROGRAM.replace(
        "alur(\"uji\", [satu, dua, tiga], 21)",
        "biar nilai = [satu(5), angka(3), penghitung(), global_list, Gagal(nil)]",
    );
    let r = vm.run_main("uji.fox", &src);
    assert!(r.is_ok(), "{r:?}");
    let v = vm.module_get(0, "nilai").unwrap_or_else(|| panic!("nilai"));
    let good = vm.encode_value(v);
    let (program, raw) =
        open_raw(Kind::Value, &good, OpenRules::UNSIGNED).unwrap_or_else(|e| panic!("{e}"));
    assert!(vm.decode_value(&good).is_ok());
    let mut rng = Rng(0xABCD_EF01_2345_0003);
    for n in 0..2000 {
        let mut m = raw.clone();
        let i = rng.below(m.len());
        m[i] = rng.next() as u8;
        let sealed = seal_raw(Kind::Value, program, &m, None);
        let r = catch_unwind(AssertUnwindSafe(|| {
            let _ = vm.decode_value(&sealed);
        }));
        assert!(r.is_ok(), "value mutation #{n} panicked");
    }
    assert!(vm.decode_value(&good[..good.len() - 1]).is_err());
}
