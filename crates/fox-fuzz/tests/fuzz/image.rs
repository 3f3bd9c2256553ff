//! Target `image`: the loaders of frozen VM state (fox-vm snapshot): whole
//! images (`Vm::from_snapshot`), `.z` tickets (`Vm::from_ticket`) and
//! portable values (`Vm::decode_value`). Any bytes must load or be
//! refused with a `SnapshotError`; what loads must run on under an
//! instruction budget without a panic or a VM bug. Inputs: real
//! envelopes made by a real VM (`seeds`), their payloads mutated and
//! re-sealed with a valid checksum (so the decoder's own validation is
//! what is tested), and byte-level mutations of the envelopes.

use crate::common::config;
use fox_fuzz::{mutate, Rng, Target};
use fox_vm::host::SharedBufferHost;
use fox_vm::snapshot::{open_raw, seal_raw, Kind, OpenRules};
use fox_vm::{Vm, VmError};

pub const TARGET: Target = Target {
    name: "image",
    ext: "z",
    check,
    generate,
    max_len: 256 << 10,
};

const BUDGET: u64 = 20_000;

/// A program whose state is rich: classes, closures with cells, a
/// suspended generator, a cycle, a pipeline, a big integer, a float.
pub const PROGRAM: &str = r#"
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
biar daftar = [1, 2.5, 99999999999999999999999, "teks", nil, benar]
daftar.tambah(daftar)
biar kamus = {"a": Akun("budi"), "h": Ok(3), 7: Gagal("x")}
biar g = angka(10)
lanjut(g)
biar hit = penghitung()
hit()
kamus["a"].catat(daftar)
fungsi langkah(d) maka
    biar i = 0
    selama i < 50 maka
        ubah i = i + 1
    akhir
    lemparkan "gagal" jenis "ErrorUji"
akhir
alur("uji", [langkah], kamus)
"#;

/// Real envelopes of each kind: a snapshot paused by the budget (counted
/// at safe points: calls and loop back-edges) midway through, the
/// ticket of the failing pipeline step, and a stored value.
pub fn seeds() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut vm = Vm::new(config(30), Box::new(SharedBufferHost::new()));
    if let Err(VmError::Budget(_)) = vm.run_main("uji.fox", PROGRAM) {
        out.push(vm.snapshot());
    }
    let host = SharedBufferHost::new();
    let mut vm = Vm::new(config(1_000_000), Box::new(host.clone()));
    vm.ticket_on_error = true;
    let _ = vm.run_main("uji.fox", PROGRAM);
    if let Some((_, t)) = host.tickets.borrow().first() {
        out.push(t.clone());
    }
    if let Some(v) = vm.module_get(0, "kamus") {
        out.push(vm.encode_value(v));
    }
    out
}

fn check(input: &[u8]) -> Result<(), String> {
    let internal = |r: Result<(), VmError>| match r {
        Err(VmError::Internal(m)) => Err(format!("internal VM error after loading: {m}")),
        _ => Ok(()),
    };
    if let Ok(mut vm) = Vm::from_snapshot(input, config(BUDGET), Box::new(SharedBufferHost::new()))
    {
        internal(vm.drive())?;
    }
    if let Ok((mut vm, _)) =
        Vm::from_ticket(input, config(BUDGET), Box::new(SharedBufferHost::new()))
    {
        internal(vm.drive())?;
    }
    if input.get(..4) == Some(b"FOXV".as_slice()) || input.len() < 64 {
        // Values rebind to the loading run's globals: load into a run of
        // the same declarations.
        let mut vm = Vm::new(config(1_000_000), Box::new(SharedBufferHost::new()));
        let decls = PROGRAM.replace("alur(\"uji\", [langkah], kamus)", "");
        if vm.run_main("uji.fox", &decls).is_ok() {
            if let Ok(v) = vm.decode_value(input) {
                // Printing walks the whole decoded graph.
                let _ = vm.repr_lossy(v);
            }
        }
    }
    Ok(())
}

fn generate(rng: &mut Rng, known: &[Vec<u8>]) -> Vec<u8> {
    let Some(base) = rng.pick(known) else {
        return rng.bytes(64);
    };
    for kind in [Kind::State, Kind::Ticket, Kind::Value] {
        if let Ok((program, raw)) = open_raw(kind, base, OpenRules::UNSIGNED) {
            let m = mutate::havoc(rng, &raw, &[], raw.len() + 64);
            return seal_raw(kind, program, &m, None);
        }
    }
    mutate::havoc(rng, base, known, TARGET.max_len)
}
