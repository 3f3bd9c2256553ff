//! Target `bytecode`: the verifier (fox-bytecode) and the loader that
//! turns a prototype tree into runnable functions (`Vm::load_proto`). An
//! input is a compiled module in a test-local file form (`ModuleFile`,
//! postcard: the global slot names and the prototype tree, names as text,
//! interned on loading, as the image loader does). Any tree must be
//! verified or refused with a message naming the function and pc; a tree
//! the verifier accepts must load and run under an instruction budget
//! without a panic, since the interpreter indexes registers unchecked on
//! the verifier's word. Inputs: compiled programs mutated structurally
//! (operands via their serde form, registers, constants, captures,
//! nesting, global slots) and byte-level.

use crate::common::config;
use fox_bytecode::{Capture, Const, Interner, Op, Pos, Proto};
use fox_fuzz::{mutate, Rng, Target};
use fox_vm::host::SharedBufferHost;
use fox_vm::Vm;
use serde::{Deserialize, Serialize};
use std::rc::Rc;

pub const TARGET: Target = Target {
    name: "bytecode",
    ext: "bin",
    check,
    generate,
    max_len: 64 << 10,
};

const BUDGET: u64 = 50_000;

/// A compiled module as a file: the global slot names and the body.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ModuleFile {
    globals: Vec<String>,
    body: ProtoFile,
}

/// A prototype tree as a file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProtoFile {
    name: String,
    params: u16,
    regs: u16,
    code: Vec<Op>,
    lines: Vec<Pos>,
    consts: Vec<Const>,
    names: Vec<String>,
    protos: Vec<ProtoFile>,
    captures: Vec<Capture>,
    is_generator: bool,
    is_method: bool,
}

impl ProtoFile {
    pub fn from_proto(p: &Proto, interner: &Interner) -> ProtoFile {
        ProtoFile {
            name: p.name.to_string(),
            params: p.params,
            regs: p.regs,
            code: p.code.clone(),
            lines: p.lines.clone(),
            consts: p.consts.clone(),
            names: p
                .names
                .iter()
                .map(|s| interner.name(*s).to_string())
                .collect(),
            protos: p
                .protos
                .iter()
                .map(|c| ProtoFile::from_proto(c, interner))
                .collect(),
            captures: p.captures.clone(),
            is_generator: p.is_generator,
            is_method: p.is_method,
        }
    }

    fn to_proto(&self, interner: &mut Interner) -> Proto {
        Proto {
            name: Rc::from(self.name.as_str()),
            params: self.params,
            regs: self.regs,
            code: self.code.clone(),
            lines: self.lines.clone(),
            consts: self.consts.clone(),
            names: self.names.iter().map(|n| interner.intern(n)).collect(),
            protos: self
                .protos
                .iter()
                .map(|c| Rc::new(c.to_proto(interner)))
                .collect(),
            captures: self.captures.clone(),
            is_generator: self.is_generator,
            is_method: self.is_method,
        }
    }
}

/// The file form of a program's compiled module body.
pub fn compile(src: &str) -> Option<Vec<u8>> {
    let parsed = morph_syntax::parse(src);
    let mut globals = fox_compiler::Globals::default();
    let mut interner = Interner::new();
    let m =
        fox_compiler::compile_module(&parsed.program, "f.fox", src, &mut globals, &mut interner)
            .ok()?;
    let file = ModuleFile {
        globals: m.globals.iter().map(|g| g.to_string()).collect(),
        body: ProtoFile::from_proto(&m.body, &interner),
    };
    postcard::to_allocvec(&file).ok()
}

fn check(input: &[u8]) -> Result<(), String> {
    let Ok(file) = postcard::from_bytes::<ModuleFile>(input) else {
        return Ok(());
    };
    let mut vm = Vm::new(config(BUDGET), Box::new(SharedBufferHost::new()));
    let proto = Rc::new(file.body.to_proto(&mut vm.interner));
    if let Err(e) = fox_bytecode::verify::verify(&proto) {
        if e.message.is_empty() {
            return Err(format!("a refusal without a message: {e:?}"));
        }
        return Ok(());
    }
    let module = vm.new_module("fuzz.fox");
    let names: Vec<Rc<str>> = file.globals.iter().map(|g| Rc::from(g.as_str())).collect();
    vm.sync_globals(module, &names);
    let f = vm.load_proto(&proto, module);
    // The verifier is structural, not a type checker: verified code that
    // puts an integer where a cell belongs, or names a global slot the
    // module lacks, meets the interpreter's own guards, which end the run
    // with `VmError::Internal`. That is a clear error; a panic is not.
    match vm.run_function(f, module) {
        Err(e) if e.to_string().is_empty() => Err(format!("an error without a message: {e:?}")),
        _ => Ok(()),
    }
}

const FALLBACK: &str = "biar xs = [1, 2, 3]\nfungsi f(a, b) maka\n    kembali a + b\nakhir\nuntuk x dalam xs maka\n    tulis(f(x, 2))\nakhir\n";

fn generate(rng: &mut Rng, known: &[Vec<u8>]) -> Vec<u8> {
    let base = rng
        .pick(known)
        .and_then(|b| postcard::from_bytes::<ModuleFile>(b).ok())
        .or_else(|| compile(FALLBACK).and_then(|b| postcard::from_bytes(&b).ok()));
    let Some(mut file) = base else {
        return Vec::new();
    };
    for _ in 0..1 + rng.below(4) {
        if rng.one_in(16) {
            file.globals.pop();
        } else {
            mutate_tree(rng, &mut file.body, 0);
        }
    }
    postcard::to_allocvec(&file).unwrap_or_default()
}

fn mutate_tree(rng: &mut Rng, p: &mut ProtoFile, depth: usize) {
    if !p.protos.is_empty() && depth < 8 && rng.one_in(2) {
        let i = rng.below(p.protos.len());
        return mutate_tree(rng, &mut p.protos[i], depth + 1);
    }
    let n = p.code.len();
    match rng.below(12) {
        0..=4 if n > 0 => {
            // An operand changed through the instruction's serde form.
            let i = rng.below(n);
            if let Ok(bytes) = postcard::to_allocvec(&p.code[i]) {
                let m = mutate::havoc(rng, &bytes, &[], 16);
                if let Ok(op) = postcard::from_bytes::<Op>(&m) {
                    p.code[i] = op;
                }
            }
        }
        5 => p.regs = mutate_u16(rng, p.regs),
        6 => p.params = mutate_u16(rng, p.params),
        7 if n > 1 => {
            let (a, b) = (rng.below(n), rng.below(n));
            p.code.swap(a, b);
        }
        8 if n > 1 => {
            let i = rng.below(n);
            p.code.remove(i);
            if i < p.lines.len() {
                p.lines.remove(i);
            }
        }
        9 => {
            let c = match rng.below(4) {
                0 => Const::Int(rng.next_u64() as i64),
                1 => Const::Float(f64::from_bits(rng.next_u64())),
                2 => Const::BigInt(Rc::from(
                    ["-", "", "12a", "99999999999999999999999"][rng.below(4)],
                )),
                _ => Const::Str(Rc::from("teks")),
            };
            if p.consts.is_empty() || rng.one_in(2) {
                p.consts.push(c);
            } else {
                let i = rng.below(p.consts.len());
                p.consts[i] = c;
            }
        }
        10 => {
            let c = if rng.one_in(2) {
                Capture::Local(mutate_u16(rng, 0))
            } else {
                Capture::Upval(mutate_u16(rng, 0))
            };
            p.captures.push(c);
        }
        _ => match rng.below(3) {
            0 => p.is_generator = !p.is_generator,
            1 => p.is_method = !p.is_method,
            _ => {
                if let Some(child) = p.protos.first().cloned() {
                    p.protos.push(child);
                }
            }
        },
    }
}

fn mutate_u16(rng: &mut Rng, v: u16) -> u16 {
    match rng.below(4) {
        0 => v.wrapping_add(1),
        1 => v.wrapping_sub(1),
        2 => [0, 1, 255, 256, u16::MAX][rng.below(5)],
        _ => rng.next_u64() as u16,
    }
}

/// Prints a saved input's listing, for looking at a finding:
/// `DUMP=fuzz/regressions/bytecode/X.bin cargo test --release -p fox-fuzz
/// --test fuzz -- --ignored dump --nocapture`.
#[test]
#[ignore]
fn dump() {
    let p = std::env::var("DUMP").unwrap();
    let b = std::fs::read(p).unwrap();
    let f: ModuleFile = postcard::from_bytes(&b).unwrap();
    let mut i = Interner::new();
    let proto = f.body.to_proto(&mut i);
    eprintln!("globals {:?}", f.globals);
    let m = fox_bytecode::Module {
        file: Rc::from("x"),
        body: Rc::new(proto),
        globals: vec![],
    };
    eprintln!("{}", fox_bytecode::disasm::disassemble(&m, &i));
}
