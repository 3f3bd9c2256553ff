//! Target `compiler`: fox-compiler and, behind it, the interpreter. A
//! program that parses cleanly must compile or be refused with
//! diagnostics whose spans lie in the source; compiled code must pass the
//! bytecode verifier (the interpreter trusts it); and the program must
//! then run under a small instruction budget and heap limit to an ending
//! that is not a VM bug. Inputs: mutated valid programs and token soup.

use crate::common::{config, span_inside, verdict};
use fox_bytecode::Interner;
use fox_compiler::Globals;
use fox_fuzz::{Rng, Target};
use fox_vm::host::SharedBufferHost;
use fox_vm::Vm;

pub const TARGET: Target = Target {
    name: "compiler",
    ext: "fox",
    check,
    generate,
    max_len: 32 << 10,
};

/// Instructions a fuzzed program may run.
const BUDGET: u64 = 200_000;

fn check(input: &[u8]) -> Result<(), String> {
    let src = String::from_utf8_lossy(input);
    let parsed = morph_syntax::parse(&src);
    let mut globals = Globals::default();
    let mut interner = Interner::new();
    // The compiler runs on recovered trees too (`fox check` does this).
    match fox_compiler::compile_module(
        &parsed.program,
        "fuzz.fox",
        &src,
        &mut globals,
        &mut interner,
    ) {
        Ok(module) => {
            if !parsed.has_errors() {
                fox_bytecode::verify::verify(&module.body)
                    .map_err(|e| format!("compiled code failed verification: {e}"))?;
            }
        }
        Err(diagnostics) => {
            for d in &diagnostics {
                span_inside(d, src.len())?;
            }
        }
    }
    if parsed.has_errors() {
        return Ok(());
    }
    let mut vm = Vm::new(config(BUDGET), Box::new(SharedBufferHost::new()));
    let r = vm.run_main("fuzz.fox", &src);
    verdict(&r)
}

fn generate(rng: &mut Rng, known: &[Vec<u8>]) -> Vec<u8> {
    crate::gen::program(rng, known)
}
