//! Morph compiler: resolves scopes (locals in registers, captured locals in
//! cells, upvalues for closures, module globals in numbered slots), folds
//! constants, and emits Fox register bytecode with a line table.
//!
//! Invariant: compilation never panics; every problem is a diagnostic.

mod compiler;
pub mod expr;
mod fold;
mod func;
mod pattern;
pub mod scope;
mod stmt;

pub use compiler::Globals;

use compiler::Compiler;
use fox_bytecode::{Interner, Module};
use morph_syntax::ast::Program;
use morph_syntax::Diagnostic;
use std::rc::Rc;

/// Compile a parsed program as a module. `globals` carries slot numbering
/// across compilations (the REPL reuses it); pass a fresh one otherwise.
pub fn compile_module(
    program: &Program,
    file: &str,
    source: &str,
    globals: &mut Globals,
    interner: &mut Interner,
) -> Result<Module, Vec<Diagnostic>> {
    let mut c = Compiler::new(source, globals, interner);
    c.block(&program.body);
    c.emit(fox_bytecode::Op::ReturnNil);
    let fs = c.funcs.pop();
    if fs.as_ref().is_some_and(|f| f.too_many_regs) {
        c.error(
            morph_syntax::diagnostic::codes::TOO_MANY_REGISTERS,
            "Program terlalu besar: badan modul membutuhkan terlalu banyak register.",
            morph_syntax::Span::default(),
        );
    }
    let diagnostics = std::mem::take(&mut c.diagnostics);
    drop(c);
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let body = match fs {
        Some(fs) => fs.finish(),
        None => return Err(Vec::new()),
    };
    Ok(Module {
        file: Rc::from(file),
        body: Rc::new(body),
        globals: globals.names.clone(),
    })
}
