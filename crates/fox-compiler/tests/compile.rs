//! Compile errors are diagnostics (with stable codes and real spans), never
//! panics; and the scope analysis that decides registers, cells and
//! upvalues gives the expected answers on small programs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fox_bytecode::{Interner, Module};
use fox_compiler::scope::{captured_locals, declared_locals, free_names};
use fox_compiler::{compile_module, Globals};
use morph_syntax::ast::{Block, FnDecl, Program, StmtKind};
use morph_syntax::{Diagnostic, LineIndex};
use std::collections::BTreeSet;

fn parse(src: &str) -> Program {
    let parsed = morph_syntax::parse(src);
    assert!(
        !parsed.has_errors(),
        "test program does not parse: {:?}",
        parsed.diagnostics
    );
    parsed.program
}

fn compile(src: &str) -> Result<Module, Vec<Diagnostic>> {
    let program = parse(src);
    let mut globals = Globals::default();
    let mut interner = Interner::new();
    compile_module(&program, "t.fox", src, &mut globals, &mut interner)
}

fn compile_ok(src: &str) -> Module {
    let m = match compile(src) {
        Ok(m) => m,
        Err(d) => panic!("unexpected diagnostics: {d:?}"),
    };
    fox_bytecode::verify::verify(&m.body).unwrap();
    m
}

/// Compile, expect failure, and return (code, line, col, message) of each
/// diagnostic.
fn compile_errs(src: &str) -> Vec<(&'static str, u32, u32, String)> {
    let diags = match compile(src) {
        Ok(_) => panic!("expected a compile error for:\n{src}"),
        Err(d) => d,
    };
    assert!(!diags.is_empty(), "Err with no diagnostics");
    let index = LineIndex::new(src);
    diags
        .iter()
        .map(|d| {
            assert!(d.is_error());
            assert!(d.span.start <= d.span.end && d.span.end as usize <= src.len());
            let (line, col) = index.line_col(src, d.span.start);
            (d.code, line, col, d.message.clone())
        })
        .collect()
}

fn codes_of(src: &str) -> Vec<&'static str> {
    compile_errs(src).into_iter().map(|(c, ..)| c).collect()
}

// ---------------------------------------------------------------- errors

#[test]
fn break_outside_loop_is_e0301() {
    let errs = compile_errs("tulis(1)\njika benar maka\n    berhenti\nakhir\n");
    assert_eq!(errs.len(), 1, "{errs:?}");
    let (code, line, col, msg) = &errs[0];
    assert_eq!(*code, "E0301");
    assert_eq!((*line, *col), (3, 5));
    assert!(msg.contains("berhenti"), "{msg}");

    let errs = compile_errs("lanjutkan\n");
    assert_eq!(errs[0].0, "E0301");
    assert!(errs[0].3.contains("lanjutkan"));

    // A loop in an enclosing function does not count.
    assert_eq!(
        codes_of("selama benar maka\n    fungsi f() maka\n        berhenti\n    akhir\n    berhenti\nakhir\n"),
        vec!["E0301"]
    );
    // Inside a loop it is fine, also nested in coba and jika.
    compile_ok("selama benar maka\n    coba\n        jika benar maka\n            berhenti\n        akhir\n    tangkap e\n        lanjutkan\n    akhir\nakhir\n");
}

#[test]
fn tetap_reassignment_is_e0302() {
    let errs = compile_errs("tetap x = 1\nubah x = 2\n");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "E0302");
    assert_eq!((errs[0].1, errs[0].2), (2, 6));
    assert!(errs[0].3.contains("'x'"));

    // Redeclaration, and a local constant inside a function.
    assert_eq!(codes_of("tetap x = 1\nbiar x = 2\n"), vec!["E0302"]);
    assert_eq!(
        codes_of("fungsi f() maka\n    tetap y = 1\n    ubah y = 3\nakhir\n"),
        vec!["E0302"]
    );
    // Assigning a global constant from inside a function.
    assert_eq!(
        codes_of("tetap batas = 10\nfungsi f() maka\n    ubah batas = 3\nakhir\n"),
        vec!["E0302"]
    );
    // Reading constants and assigning other names is fine.
    compile_ok("tetap x = 1\nbiar y = x + 1\nubah y = 3\ntulis(x, y)\n");
}

#[test]
fn asink_fungsi_is_e0303() {
    let errs = compile_errs("asink fungsi ambil_data() maka\n    kembali 1\nakhir\n");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "E0303");
    assert_eq!(errs[0].1, 1);
}

#[test]
fn bad_bekukan_is_e0304() {
    let errs = compile_errs("fungsi g() maka\n    bekukan()\nakhir\n");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "E0304");
    assert_eq!(errs[0].1, 2);
    assert_eq!(
        codes_of("fungsi g() maka\n    bekukan(1, 2)\nakhir\n"),
        vec!["E0304"]
    );
    assert_eq!(codes_of("biar g = 1\nlanjut()\n"), vec!["E0304"]);
    // bekukan at module level.
    assert_eq!(codes_of("bekukan(1)\n"), vec!["E0304"]);
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let src = "berhenti\ntetap a = 1\nubah a = 2\nasink fungsi f() maka\nakhir\nfungsi g() maka\n    bekukan()\nakhir\n";
    let codes: BTreeSet<_> = codes_of(src).into_iter().collect();
    let want: BTreeSet<_> = ["E0301", "E0302", "E0303", "E0304"].into_iter().collect();
    assert_eq!(codes, want);
}

#[test]
fn errors_in_nested_functions_and_methods_are_found() {
    let src = "kelas K maka\n    fungsi m() maka\n        fungsi dalam() maka\n            berhenti\n        akhir\n    akhir\nakhir\n";
    let errs = compile_errs(src);
    assert_eq!(errs[0].0, "E0301");
    assert_eq!(errs[0].1, 4);
}

#[test]
fn valid_programs_compile_and_verify() {
    for src in [
        "",
        "# hanya komentar\n",
        "tulis(1 + 2 * 3)\n",
        "biar [a, b] = [1, 2]\ntulis(a, b)\n",
        "tipe T = A(x) | B\njodohkan A(1) dengan\n| A(v) jaga v > 0 maka\n    tulis(v)\n| _ maka\n    tulis(0)\nakhir\n",
        "fungsi gen() maka\n    bekukan(1)\nakhir\nbiar m = lanjut(gen())\n",
        "kelas A maka\n    fungsi inisiasi(x) maka\n        ini.x = x\n    akhir\nakhir\nkelas B warisi A maka\n    fungsi inisiasi() maka\n        induk.inisiasi(1)\n    akhir\nakhir\n",
    ] {
        compile_ok(src);
    }
}

#[test]
fn globals_keep_their_slots_across_compilations() {
    // The REPL compiles entries one by one into the same Globals.
    let mut globals = Globals::default();
    let mut interner = Interner::new();
    let a = parse("biar a = 1\nbiar b = 2\n");
    compile_module(
        &a,
        "<repl>",
        "biar a = 1\nbiar b = 2\n",
        &mut globals,
        &mut interner,
    )
    .unwrap();
    let slot_b = globals.lookup("b").unwrap();
    let src = "biar c = b + a\n";
    let m = compile_module(&parse(src), "<repl>", src, &mut globals, &mut interner).unwrap();
    assert_eq!(globals.lookup("b"), Some(slot_b));
    assert_eq!(globals.lookup("c"), Some(2));
    assert_eq!(m.globals.len(), 3);
    // A constant declared in one entry stays constant in the next.
    let src = "tetap k = 1\n";
    compile_module(&parse(src), "<repl>", src, &mut globals, &mut interner).unwrap();
    let src = "ubah k = 2\n";
    let e = compile_module(&parse(src), "<repl>", src, &mut globals, &mut interner).unwrap_err();
    assert_eq!(e[0].code, "E0302");
}

// ---------------------------------------------------------- scope analysis

fn function<'p>(p: &'p Program, name: &str) -> &'p FnDecl {
    fn find<'b>(block: &'b Block, name: &str) -> Option<&'b FnDecl> {
        for s in block {
            match &s.kind {
                StmtKind::Function(f) if f.name.name == name => return Some(f),
                StmtKind::Function(f) => {
                    if let Some(g) = find(&f.body, name) {
                        return Some(g);
                    }
                }
                StmtKind::Class(c) => {
                    for m in &c.methods {
                        if m.name.name == name {
                            return Some(m);
                        }
                        if let Some(g) = find(&m.body, name) {
                            return Some(g);
                        }
                    }
                }
                _ => {}
            }
        }
        None
    }
    find(&p.body, name).unwrap_or_else(|| panic!("no function {name}"))
}

fn params(f: &FnDecl) -> Vec<String> {
    f.params.iter().map(|p| p.name.clone()).collect()
}

fn set<'a>(items: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    items.into_iter().map(String::from).collect()
}

fn sorted(s: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    s.into_iter().collect()
}

const SCOPES: &str = "\
biar global_a = 1
fungsi luar(p, q) maka
    biar x = p
    jika q maka
        biar y = 2
    lain
        biar x = panjang(q)
    akhir
    selama salah maka
        biar z = 1
    akhir
    coba
        biar w = 1
    tangkap e
        tulis(e)
    akhir
    jodohkan p dengan
    | [h, ...t] maka
        tulis(h)
    | Ada(v) maka
        tulis(v)
    akhir
    biar [d1, d2] = [1, 2]
    fungsi dalam(a) maka
        biar lokal_dalam = a + x + global_a
        ubah z = z + 1
        fungsi paling_dalam() maka
            kembali y + lokal_dalam + tak_ada
        akhir
        kembali paling_dalam
    akhir
    kelas K maka
        fungsi m(self_arg) maka
            kembali ini.v + w + self_arg
        akhir
    akhir
    kembali dalam
akhir
";

#[test]
fn declared_locals_in_declaration_order() {
    let p = parse(SCOPES);
    let luar = function(&p, "luar");
    assert_eq!(
        declared_locals(&params(luar), &luar.body),
        ["p", "q", "x", "y", "z", "w", "e", "h", "t", "v", "d1", "d2", "dalam", "K"]
    );
    let dalam = function(&p, "dalam");
    assert_eq!(
        declared_locals(&params(dalam), &dalam.body),
        ["a", "lokal_dalam", "paling_dalam"]
    );
    let pd = function(&p, "paling_dalam");
    assert!(declared_locals(&params(pd), &pd.body).is_empty());
    // Duplicate parameters and redeclarations appear once.
    let q = parse("fungsi f(a, a) maka\n    biar a = 1\n    biar b = 1\n    biar b = 2\nakhir\n");
    let f = function(&q, "f");
    assert_eq!(declared_locals(&params(f), &f.body), ["a", "b"]);
}

#[test]
fn free_names_of_nested_functions() {
    let p = parse(SCOPES);
    let pd = function(&p, "paling_dalam");
    assert_eq!(
        sorted(free_names(&params(pd), &pd.body, false)),
        set(["y", "lokal_dalam", "tak_ada"])
    );
    // dalam's free names include those of paling_dalam it does not declare.
    let dalam = function(&p, "dalam");
    assert_eq!(
        sorted(free_names(&params(dalam), &dalam.body, false)),
        set(["x", "global_a", "z", "y", "tak_ada"])
    );
    // Methods: `ini` is bound, the parameter too.
    let m = function(&p, "m");
    assert_eq!(sorted(free_names(&params(m), &m.body, true)), set(["w"]));
    // As a plain function, `ini` would be free.
    assert_eq!(
        sorted(free_names(&params(m), &m.body, false)),
        set(["ini", "w"])
    );
    // The outer function's free names: globals and builtins it uses, and
    // those of its nested functions. `tulis(..)` is a statement and
    // constructor names in patterns are matched by name: neither is a use.
    let luar = function(&p, "luar");
    assert_eq!(
        sorted(free_names(&params(luar), &luar.body, false)),
        set(["global_a", "panjang", "tak_ada"])
    );
}

#[test]
fn captured_locals_are_the_ones_nested_functions_use() {
    let p = parse(SCOPES);
    let luar = function(&p, "luar");
    let locals = declared_locals(&params(luar), &luar.body);
    assert_eq!(
        sorted(captured_locals(&locals, &luar.body)),
        set(["x", "y", "z", "w"])
    );
    let dalam = function(&p, "dalam");
    let locals = declared_locals(&params(dalam), &dalam.body);
    assert_eq!(
        sorted(captured_locals(&locals, &dalam.body)),
        set(["lokal_dalam"])
    );
    // Nothing nested: nothing captured.
    let q = parse("fungsi f(a) maka\n    biar b = a\n    kembali b\nakhir\n");
    let f = function(&q, "f");
    let locals = declared_locals(&params(f), &f.body);
    assert!(captured_locals(&locals, &f.body).is_empty());
}

#[test]
fn shadowing_parameter_is_not_captured() {
    // `inner` declares its own `n`, so the outer `n` is not captured.
    let src = "fungsi outer(n) maka\n    fungsi inner(n) maka\n        kembali n\n    akhir\n    kembali inner\nakhir\n";
    let p = parse(src);
    let outer = function(&p, "outer");
    let locals = declared_locals(&params(outer), &outer.body);
    assert!(captured_locals(&locals, &outer.body).is_empty());
    // The compiled code keeps `n` in a plain register: no MakeCell.
    let m = compile_ok(src);
    let outer_proto = &m.body.protos[0];
    assert!(!outer_proto
        .code
        .iter()
        .any(|op| matches!(op, fox_bytecode::Op::MakeCell { .. })));
}

#[test]
fn captured_locals_become_cells_and_upvalues() {
    let src = "fungsi pembuat() maka\n    biar n = 0\n    fungsi naik() maka\n        ubah n = n + 1\n        kembali n\n    akhir\n    kembali naik\nakhir\n";
    let m = compile_ok(src);
    let pembuat = &m.body.protos[0];
    assert!(pembuat
        .code
        .iter()
        .any(|op| matches!(op, fox_bytecode::Op::MakeCell { reg: 0 })));
    let naik = &pembuat.protos[0];
    assert_eq!(naik.captures, vec![fox_bytecode::Capture::Local(0)]);
    assert!(naik
        .code
        .iter()
        .any(|op| matches!(op, fox_bytecode::Op::SetUpval { idx: 0, .. })));
}

// ------------------------------------------------------------ size limits

/// Known bug: register arithmetic like `start + i as Reg` in
/// `expr.rs` (list/dict literals, call arguments) overflows `u16` once
/// the register file is full. With overflow checks (debug and test
/// builds) the compiler panics with "attempt to add with overflow"; in
/// release builds it wraps silently, and only the separate `too_many_regs`
/// flag turns it into E0305.
#[test]
fn register_overflow_in_a_function_is_e0305() {
    let src = format!(
        "fungsi f() maka\n    kembali [{}1]\nakhir\n",
        "1, ".repeat(70_000)
    );
    let errs = compile_errs(&src);
    assert_eq!(errs[0].0, "E0305", "{errs:?}");
}

#[test]
fn many_module_registers_below_the_limit_compile() {
    let src = format!("biar x = [{}1]\ntulis(panjang(x))\n", "1, ".repeat(60_000));
    compile_ok(&src);
}

/// Known bug: the module body never reports `too_many_regs`, so a huge
/// literal at top level compiles "successfully" into code the verifier
/// rejects (the VM then reports an internal E0900 at 1:1, and `fox check`
/// says ok).
#[test]
fn register_overflow_at_module_level_is_e0305() {
    for src in [
        format!("biar x = [{}1]\n", "1, ".repeat(70_000)),
        format!("tulis({}1)\n", "1, ".repeat(70_000)),
        format!("biar x = [{}1]\n", "1, ".repeat(65_534)),
    ] {
        match compile(&src) {
            Ok(m) => panic!(
                "compiled without a diagnostic; verifier: {:?}",
                fox_bytecode::verify::verify(&m.body)
            ),
            Err(d) => assert_eq!(d[0].code, "E0305", "{d:?}"),
        }
    }
}
