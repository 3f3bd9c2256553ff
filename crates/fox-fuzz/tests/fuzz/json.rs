//! Target `json`: the standard library's JSON decoder (`data/json`'s
//! `dekode`, written in Morph) run by a real VM. Any text must decode or
//! raise `ErrorJSON` with a position; never another error (a decoder bug
//! that leaks an index or type error), never a VM bug, and within an
//! instruction budget linear in the text's length (no super-linear path).

use crate::common::config;
use fox_fuzz::{mutate, Rng, Target};
use fox_vm::host::SharedBufferHost;
use fox_vm::{Vm, VmError};

pub const TARGET: Target = Target {
    name: "json",
    ext: "json",
    check,
    generate,
    max_len: 16 << 10,
};

const PROGRAM: &str =
    "ambil_semua \"data/json\"\nfungsi uji(t) maka\n    kembali json.dekode(t)\nakhir\n";

/// Instructions per byte of text the decoder may spend, on top of a base.
const PER_BYTE: u64 = 3_000;
const BASE: u64 = 1_000_000;

fn check(input: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(input);
    let budget = BASE + PER_BYTE * input.len() as u64;
    let mut vm = Vm::new(config(budget), Box::new(SharedBufferHost::new()));
    vm.run_main("uji.fox", PROGRAM)
        .map_err(|e| format!("the harness program failed: {e}"))?;
    let f = vm
        .module_get(0, "uji")
        .ok_or("the harness function is missing")?;
    let arg = vm.new_str(&text);
    match vm.call_entry(f, &[arg]) {
        Ok(v) => {
            let _ = vm.repr_lossy(v);
            Ok(())
        }
        Err(VmError::Uncaught(u)) if u.jenis == "ErrorJSON" => {
            if u.pesan.contains("posisi") {
                Ok(())
            } else {
                Err(format!("ErrorJSON without a position: {}", u.pesan))
            }
        }
        Err(VmError::Budget(n)) => Err(format!(
            "decoding {} bytes spent the whole budget of {n} instructions",
            input.len()
        )),
        Err(e) => Err(format!("not an ErrorJSON: {e}")),
    }
}

fn generate(rng: &mut Rng, known: &[Vec<u8>]) -> Vec<u8> {
    let text = crate::gen::json_text(rng);
    if rng.one_in(4) {
        mutate::havoc(rng, &text, known, TARGET.max_len)
    } else {
        text
    }
}
