//! `fox explain CODE`: the long explanation of a runtime error code
//! (`R0301`, from fox-vm's catalogue) or a diagnostic code (`E0201`, from
//! morph-syntax), as `rustc --explain` prints them; `fox explain` alone
//! lists every code with its title.

use fox_vm::codes::CATALOGUE;
use morph_syntax::explain::{explain, EXPLANATIONS};

/// Run `fox explain [CODE]`; returns the exit status.
pub fn run(code: Option<&str>) -> u8 {
    let Some(code) = code else {
        print!("{}", listing());
        return 0;
    };
    if let Some(c) = fox_vm::codes::lookup(code) {
        print!("{}", c.explanation);
        return 0;
    }
    if let Some(e) = explain(code) {
        print!("{}", e.text);
        return 0;
    }
    eprintln!(
        "fox: kode '{code}' tidak dikenal; `fox explain` tanpa argumen mendaftar semua kode \
         (galat runtime R…, diagnostik E…, peringatan W…)"
    );
    2
}

/// Every code and its title.
fn listing() -> String {
    let mut out = String::from("Galat runtime (kode, jenis, arti):\n");
    for c in CATALOGUE {
        out.push_str(&format!("  {}  {:<18} {}\n", c.code, c.jenis, c.title));
    }
    out.push_str("\nDiagnostik (fox check, sebelum program berjalan; W…: peringatan):\n");
    for e in EXPLANATIONS {
        out.push_str(&format!("  {}  {}\n", e.code, e.title.replace('`', "")));
    }
    out.push_str("\nPenjelasan satu kode: fox explain KODE (misalnya fox explain R0301)\n");
    out
}
