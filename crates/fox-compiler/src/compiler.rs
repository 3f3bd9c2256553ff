//! The compiler driver: the stack of functions being compiled, module global
//! slots, name resolution (local register → cell → upvalue → global slot) and
//! function/prototype construction.

use crate::func::{FuncState, LocalSlot};
use crate::scope;
use fox_bytecode::{Capture, Interner, Op, Pos, Proto, Reg};
use morph_syntax::ast::{Block, FnDecl};
use morph_syntax::diagnostic::codes;
use morph_syntax::{Diagnostic, LineIndex, Span};
use rustc_hash::{FxHashMap, FxHashSet};
use std::rc::Rc;

/// A module's global slots. Kept between compilations by the REPL so later
/// lines see earlier declarations.
#[derive(Clone, Debug, Default)]
pub struct Globals {
    pub names: Vec<Rc<str>>,
    index: FxHashMap<Rc<str>, u32>,
    /// Globals declared with `tetap`.
    pub constants: FxHashSet<String>,
}

impl Globals {
    pub fn slot(&mut self, name: &str) -> u32 {
        if let Some(s) = self.index.get(name) {
            return *s;
        }
        let rc: Rc<str> = Rc::from(name);
        let s = self.names.len() as u32;
        self.names.push(rc.clone());
        self.index.insert(rc, s);
        s
    }

    pub fn lookup(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }
}

/// How a name resolves at a use site.
#[derive(Clone, Copy, Debug)]
pub enum Resolved {
    Local(LocalSlot),
    Upval(u16),
    Global(u32),
}

pub struct Compiler<'a, 'i> {
    pub funcs: Vec<FuncState<'a>>,
    pub globals: &'i mut Globals,
    pub interner: &'i mut Interner,
    pub diagnostics: Vec<Diagnostic>,
    source: &'a str,
    line_index: LineIndex,
}

impl<'a, 'i> Compiler<'a, 'i> {
    pub fn new(source: &'a str, globals: &'i mut Globals, interner: &'i mut Interner) -> Self {
        Compiler {
            funcs: vec![FuncState::new("<modul>", true)],
            globals,
            interner,
            diagnostics: Vec::new(),
            source,
            line_index: LineIndex::new(source),
        }
    }

    pub fn f(&mut self) -> &mut FuncState<'a> {
        // The stack always holds the module body at index 0; pushes and pops
        // are paired in `compile_function`.
        let last = self.funcs.len() - 1;
        &mut self.funcs[last]
    }

    pub fn fr(&self) -> &FuncState<'a> {
        &self.funcs[self.funcs.len() - 1]
    }

    pub fn set_pos(&mut self, span: Span) {
        let (line, col) = self.line_index.line_col(self.source, span.start);
        self.f().pos = Pos { line, col };
    }

    pub fn error(&mut self, code: &'static str, msg: impl Into<String>, span: Span) {
        self.diagnostics.push(Diagnostic::error(code, msg, span));
    }

    pub fn emit(&mut self, op: Op) -> usize {
        self.f().emit(op)
    }

    pub fn resolve(&mut self, name: &str) -> Resolved {
        let depth = self.funcs.len() - 1;
        if let Some(slot) = self.funcs[depth].locals.get(name) {
            return Resolved::Local(*slot);
        }
        if let Some(idx) = self.resolve_upval(depth, name) {
            return Resolved::Upval(idx);
        }
        Resolved::Global(self.globals.slot(name))
    }

    fn resolve_upval(&mut self, fi: usize, name: &str) -> Option<u16> {
        if fi == 0 || self.funcs[fi].is_module {
            return None;
        }
        if let Some(i) = self.funcs[fi].upval_names.iter().position(|n| n == name) {
            return Some(i as u16);
        }
        let parent = fi - 1;
        if self.funcs[parent].is_module {
            return None;
        }
        let capture = match self.funcs[parent].locals.get(name) {
            Some(LocalSlot::Cell(r)) => Capture::Local(*r),
            Some(LocalSlot::Reg(_)) => return None,
            None => Capture::Upval(self.resolve_upval(parent, name)?),
        };
        let f = &mut self.funcs[fi];
        f.captures.push(capture);
        f.upval_names.push(name.to_string());
        Some((f.captures.len() - 1) as u16)
    }

    /// Is `name` declared `tetap` where it resolves?
    pub fn is_constant(&self, name: &str) -> bool {
        for f in self.funcs.iter().rev() {
            if f.is_module {
                return self.globals.constants.contains(name);
            }
            if f.locals.contains_key(name) {
                return f.constants.contains_key(name);
            }
        }
        false
    }

    /// Load the value of a name into `dst`.
    pub fn load_name(&mut self, name: &str, dst: Reg) {
        match self.resolve(name) {
            Resolved::Local(LocalSlot::Reg(r)) => {
                if r != dst {
                    self.emit(Op::Move { dst, src: r });
                }
            }
            Resolved::Local(LocalSlot::Cell(c)) => {
                self.emit(Op::GetCell { dst, cell: c });
            }
            Resolved::Upval(idx) => {
                self.emit(Op::GetUpval { dst, idx });
            }
            Resolved::Global(slot) => {
                self.emit(Op::GetGlobal { dst, slot });
            }
        }
    }

    /// The register holding a plain (uncaptured) local, if `name` is one.
    pub fn local_reg(&mut self, name: &str) -> Option<Reg> {
        match self.fr().locals.get(name) {
            Some(LocalSlot::Reg(r)) => Some(*r),
            _ => None,
        }
    }

    /// Store register `src` into a name.
    pub fn store_name(&mut self, name: &str, src: Reg) {
        match self.resolve(name) {
            Resolved::Local(LocalSlot::Reg(r)) => {
                if r != src {
                    self.emit(Op::Move { dst: r, src });
                }
            }
            Resolved::Local(LocalSlot::Cell(c)) => {
                self.emit(Op::SetCell { cell: c, src });
            }
            Resolved::Upval(idx) => {
                self.emit(Op::SetUpval { idx, src });
            }
            Resolved::Global(slot) => {
                self.emit(Op::SetGlobal { src, slot });
            }
        }
    }

    /// Compile a function declaration into a prototype (not yet a closure).
    pub fn compile_function(&mut self, decl: &'a FnDecl, is_method: bool) -> Rc<Proto> {
        let mut params: Vec<String> = Vec::new();
        if is_method {
            params.push("ini".to_string());
        }
        params.extend(decl.params.iter().map(|p| p.name.clone()));
        self.function_body(&decl.name.name, &params, &decl.body, is_method, decl.span)
    }

    pub fn function_body(
        &mut self,
        name: &str,
        params: &[String],
        body: &'a Block,
        is_method: bool,
        span: Span,
    ) -> Rc<Proto> {
        if decl_is_too_deep(self.funcs.len()) {
            self.error(codes::TOO_DEEP, "Fungsi bersarang terlalu dalam.", span);
            return Rc::new(FuncState::new(name, false).finish());
        }
        let locals = scope::declared_locals(params, body);
        let captured = scope::captured_locals(&locals, body);
        let mut fs = FuncState::new(name, false);
        fs.is_method = is_method;
        fs.is_generator = scope::contains_yield(body);
        fs.params = params.len().min(u16::MAX as usize) as u16;
        for (i, l) in locals.iter().enumerate() {
            let r = i.min(u16::MAX as usize - 2) as Reg;
            let slot = if captured.contains(l) {
                LocalSlot::Cell(r)
            } else {
                LocalSlot::Reg(r)
            };
            fs.locals.insert(l.clone(), slot);
        }
        fs.nlocals = locals.len().min(u16::MAX as usize - 2) as u16;
        fs.next_reg = fs.nlocals as u32;
        fs.max_reg = fs.next_reg;
        if locals.len() > 60_000 {
            fs.too_many_regs = true;
        }
        self.funcs.push(fs);
        self.set_pos(span);
        // The VM clears only missing parameters on entry; other locals start
        // as nil here (temporaries are always written before they are read),
        // except plain locals certainly assigned before any read.
        let assigned = scope::assigned_before_use(body);
        for (i, l) in locals.iter().enumerate() {
            let slot = self.fr().locals.get(l).copied();
            let r = match slot {
                Some(LocalSlot::Reg(r)) | Some(LocalSlot::Cell(r)) => r,
                None => continue,
            };
            let skip = matches!(slot, Some(LocalSlot::Reg(_))) && assigned.contains(l);
            if i >= params.len() && !skip {
                self.emit(Op::LoadNil { dst: r });
            }
            if let Some(LocalSlot::Cell(_)) = slot {
                self.emit(Op::MakeCell { reg: r });
            }
        }
        self.block(body);
        self.emit(Op::ReturnNil);
        let fs = self.funcs.pop();
        match fs {
            Some(fs) => {
                if fs.too_many_regs {
                    self.error(
                        codes::TOO_MANY_REGISTERS,
                        format!("Fungsi '{name}' terlalu besar (terlalu banyak register)."),
                        span,
                    );
                }
                Rc::new(fs.finish())
            }
            None => Rc::new(FuncState::new(name, false).finish()),
        }
    }

    /// Add a nested prototype to the current function, returning its index.
    pub fn add_proto(&mut self, p: Rc<Proto>) -> u16 {
        let f = self.f();
        f.protos.push(p);
        (f.protos.len() - 1).min(u16::MAX as usize) as u16
    }

    /// Intern a name and return its index in the current function's name table.
    pub fn name_idx(&mut self, name: &str) -> u16 {
        let sym = self.interner.intern(name);
        self.f().name_index(sym)
    }
}

fn decl_is_too_deep(depth: usize) -> bool {
    depth > morph_syntax::MAX_NESTING
}
