//! Golden bytecode listings: every `tests/golden/NAME.fox` is compiled and
//! disassembled, and the listing must equal `tests/golden/NAME.dis`
//! exactly. After an intended change to code generation, regenerate the
//! listings with `UPDATE_GOLDEN=1 cargo test -p fox-compiler --test golden`
//! and review the diff. Every compiled module must also pass the verifier.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fox_bytecode::{Interner, Module, Op, Proto};
use fox_compiler::{compile_module, Globals};
use std::path::{Path, PathBuf};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn golden_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(golden_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "fox"))
        .collect();
    files.sort();
    files
}

/// Compile a golden program; the module is named by its file name only so
/// listings do not depend on where the repository lives.
fn compile(path: &Path) -> (Module, Interner) {
    let source = std::fs::read_to_string(path).unwrap();
    let name = path.file_name().unwrap().to_str().unwrap();
    let parsed = morph_syntax::parse(&source);
    assert!(
        !parsed.has_errors(),
        "{name} does not parse: {:?}",
        parsed.diagnostics
    );
    let mut globals = Globals::default();
    let mut interner = Interner::new();
    let module = match compile_module(&parsed.program, name, &source, &mut globals, &mut interner) {
        Ok(m) => m,
        Err(d) => panic!("{name} does not compile: {d:?}"),
    };
    (module, interner)
}

/// A first difference between two listings, for a readable failure.
fn first_difference(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    for i in 0..w.len().max(g.len()) {
        let (a, b) = (w.get(i).copied(), g.get(i).copied());
        if a != b {
            return format!(
                "line {}:\n  expected: {}\n  actual:   {}",
                i + 1,
                a.unwrap_or("<end of listing>"),
                b.unwrap_or("<end of listing>")
            );
        }
    }
    "listings differ only in trailing whitespace/newlines".to_string()
}

#[test]
fn golden_listings() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| !v.is_empty() && v != "0");
    let files = golden_files();
    assert!(
        files.len() >= 6,
        "expected the golden programs, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let (module, interner) = compile(path);
        if let Err(e) = fox_bytecode::verify::verify(&module.body) {
            failures.push(format!(
                "{}: verifier rejected the compiled code: {e}",
                path.display()
            ));
        }
        let listing = fox_bytecode::disasm::disassemble(&module, &interner);
        let dis = path.with_extension("dis");
        if update {
            std::fs::write(&dis, &listing).unwrap();
            continue;
        }
        match std::fs::read_to_string(&dis) {
            Ok(want) if want == listing => {}
            Ok(want) => failures.push(format!(
                "{}: listing differs from {} ({})\n--- actual listing ---\n{listing}",
                path.display(),
                dis.display(),
                first_difference(&want, &listing)
            )),
            Err(_) => failures.push(format!(
                "{}: missing; run with UPDATE_GOLDEN=1 to create it",
                dis.display()
            )),
        }
    }
    println!("golden: {} listings checked", files.len());
    assert!(
        failures.is_empty(),
        "{}\n(if the change is intended: UPDATE_GOLDEN=1 cargo test -p fox-compiler --test golden)",
        failures.join("\n\n")
    );
}

/// Every nested prototype, depth first.
fn all_protos(p: &Proto, out: &mut Vec<Proto>) {
    out.push(p.clone());
    for c in &p.protos {
        all_protos(c, out);
    }
}

fn protos_of(name: &str) -> Vec<Proto> {
    let (m, _) = compile(&golden_dir().join(name));
    let mut out = Vec::new();
    all_protos(&m.body, &mut out);
    out
}

fn find<'a>(protos: &'a [Proto], name: &str) -> &'a Proto {
    protos
        .iter()
        .find(|p| &*p.name == name)
        .unwrap_or_else(|| panic!("no prototype {name}"))
}

// Structural checks that hold independently of the exact listing: they
// say what each golden program is there to show.

#[test]
fn every_instruction_has_a_position() {
    for path in golden_files() {
        let (m, _) = compile(&path);
        let mut protos = Vec::new();
        all_protos(&m.body, &mut protos);
        for p in &protos {
            assert_eq!(p.lines.len(), p.code.len());
            for (pc, pos) in p.lines.iter().enumerate() {
                assert!(
                    pos.line >= 1 && pos.col >= 1,
                    "{} {}: pc {pc} has no position",
                    path.display(),
                    p.name
                );
            }
        }
    }
}

#[test]
fn while_loop_uses_a_fused_compare() {
    let protos = protos_of("02_while_fused.fox");
    let f = find(&protos, "jumlah_sampai");
    let is_fused = |op: &Op| {
        let text = format!("{op:?}");
        text.starts_with("JumpIfNot") && op.target().is_some()
    };
    assert!(f.code.iter().any(is_fused), "no fused compare-and-branch");
    assert!(
        f.code
            .iter()
            .any(|op| matches!(op, Op::Loop { .. }) || format!("{op:?}").starts_with("LoopIf")),
        "no loop back-edge"
    );
    assert!(
        !f.code.iter().any(|op| matches!(op, Op::Lt { .. })),
        "the loop test was not fused"
    );
}

#[test]
fn closures_use_cells_and_upvalues() {
    let protos = protos_of("03_closures.fox");
    let maker = find(&protos, "pembuat_penghitung");
    assert!(maker
        .code
        .iter()
        .any(|op| matches!(op, Op::MakeCell { .. })));
    let naik = find(&protos, "naik");
    assert_eq!(naik.captures.len(), 1);
    assert!(naik.code.iter().any(|op| matches!(op, Op::SetUpval { .. })));
    // `dalam` reaches `n` through `pembaca`'s upvalue.
    let dalam = find(&protos, "dalam");
    assert_eq!(dalam.captures, vec![fox_bytecode::Capture::Upval(0)]);
}

#[test]
fn methods_and_induk() {
    let protos = protos_of("04_class_induk.fox");
    let init = protos
        .iter()
        .filter(|p| &*p.name == "inisiasi")
        .find(|p| p.code.iter().any(|op| matches!(op, Op::GetSuper { .. })))
        .expect("Kucing.inisiasi uses induk");
    assert!(init.is_method);
    assert_eq!(init.params, 3, "ini, nama, warna");
    let body = &protos[0];
    assert!(body
        .code
        .iter()
        .any(|op| matches!(op, Op::Class { parent, .. } if *parent != fox_bytecode::NO_REG)));
    assert!(body.code.iter().any(|op| matches!(op, Op::Method { .. })));
}

#[test]
fn try_finally_return_pops_the_handler_first() {
    let protos = protos_of("05_try_finally.fox");
    let f = find(&protos, "bagi");
    let push = f
        .code
        .iter()
        .filter(|op| matches!(op, Op::PushHandler { .. }))
        .count();
    let pop = f
        .code
        .iter()
        .filter(|op| matches!(op, Op::PopHandler))
        .count();
    assert!(push >= 1 && pop >= 1);
    // Every Return inside the protected region is preceded (somewhere
    // before it) by a PopHandler: returns never leave a handler installed.
    let first_push = f
        .code
        .iter()
        .position(|op| matches!(op, Op::PushHandler { .. }))
        .unwrap();
    for (pc, op) in f.code.iter().enumerate().skip(first_push) {
        if matches!(op, Op::Return { .. }) {
            assert!(
                f.code[first_push..pc]
                    .iter()
                    .any(|o| matches!(o, Op::PopHandler)),
                "Return at pc {pc} without a preceding PopHandler"
            );
        }
    }
}

#[test]
fn match_uses_variant_and_list_tests() {
    let protos = protos_of("06_match.fox");
    let luas = find(&protos, "luas");
    assert!(luas
        .code
        .iter()
        .any(|op| matches!(op, Op::IsVariant { .. })));
    assert!(luas
        .code
        .iter()
        .any(|op| matches!(op, Op::VariantField { .. })));
    let kepala = find(&protos, "kepala");
    assert!(kepala
        .code
        .iter()
        .any(|op| matches!(op, Op::IsListLen { at_least: true, .. })));
    assert!(kepala.code.iter().any(|op| matches!(
        op,
        Op::IsListLen {
            at_least: false,
            ..
        }
    )));
    assert!(kepala
        .code
        .iter()
        .any(|op| matches!(op, Op::ListTail { .. })));
}

#[test]
fn generator_is_marked_and_yields() {
    let protos = protos_of("07_generator.fox");
    let g = find(&protos, "hitung_sampai");
    assert!(g.is_generator);
    assert!(g.code.iter().any(|op| matches!(op, Op::Yield { .. })));
    let body = &protos[0];
    assert!(!body.is_generator);
    assert!(body.code.iter().any(|op| matches!(op, Op::Resume { .. })));
}
