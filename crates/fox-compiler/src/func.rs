//! Per-function compilation state: the instruction buffer and line table, the
//! constant pool, register allocation (locals first, temporaries above them
//! in stack order), local/upvalue bindings, and the stack of loops and `coba`
//! blocks that `berhenti`/`lanjutkan`/`kembali` must unwind through.

use fox_bytecode::{Capture, Const, Op, Pos, Proto, Reg, Sym};
use rustc_hash::FxHashMap;
use std::rc::Rc;

/// How a name is stored in the function that declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocalSlot {
    /// Directly in a register.
    Reg(Reg),
    /// In a cell held by a register (captured by a nested function).
    Cell(Reg),
}

/// What `akhirnya` code a jump out of a `coba` must run.
#[derive(Clone, Debug)]
pub enum Cleanup<'a> {
    Finally(&'a morph_syntax::ast::Block),
    /// `warnai`: write the colour reset.
    Reset,
    /// A `coba` without `akhirnya`: just pop the handler.
    None,
}

/// A `coba`/`warnai` region whose handler is installed.
#[derive(Clone, Debug)]
pub struct TryRegion<'a> {
    pub cleanup: Cleanup<'a>,
}

#[derive(Debug, Default)]
pub struct LoopState {
    pub continue_target: u32,
    /// When the condition is tested at the bottom, `lanjutkan` jumps
    /// forward to it: these jumps are patched once it is placed.
    pub continue_jumps: Option<Vec<usize>>,
    pub break_jumps: Vec<usize>,
    /// Number of try regions open when the loop started.
    pub try_depth: usize,
}

pub struct FuncState<'a> {
    pub name: Rc<str>,
    pub code: Vec<Op>,
    pub lines: Vec<Pos>,
    pub consts: Vec<Const>,
    const_str: FxHashMap<Rc<str>, u32>,
    const_int: FxHashMap<i64, u32>,
    pub names: Vec<Sym>,
    name_idx: FxHashMap<Sym, u16>,
    pub protos: Vec<Rc<Proto>>,
    pub captures: Vec<Capture>,
    /// Upvalue names in capture order.
    pub upval_names: Vec<String>,
    pub locals: FxHashMap<String, LocalSlot>,
    /// Names declared with `tetap` in this function.
    pub constants: FxHashMap<String, bool>,
    pub nlocals: u16,
    pub next_reg: u32,
    pub max_reg: u32,
    pub params: u16,
    pub is_module: bool,
    pub is_method: bool,
    pub is_generator: bool,
    pub loops: Vec<LoopState>,
    pub tries: Vec<TryRegion<'a>>,
    pub pos: Pos,
    /// Set when the register file overflowed; reported once.
    pub too_many_regs: bool,
}

impl<'a> FuncState<'a> {
    pub fn new(name: &str, is_module: bool) -> FuncState<'a> {
        FuncState {
            name: Rc::from(name),
            code: Vec::new(),
            lines: Vec::new(),
            consts: Vec::new(),
            const_str: FxHashMap::default(),
            const_int: FxHashMap::default(),
            names: Vec::new(),
            name_idx: FxHashMap::default(),
            protos: Vec::new(),
            captures: Vec::new(),
            upval_names: Vec::new(),
            locals: FxHashMap::default(),
            constants: FxHashMap::default(),
            nlocals: 0,
            next_reg: 0,
            max_reg: 0,
            params: 0,
            is_module,
            is_method: false,
            is_generator: false,
            loops: Vec::new(),
            tries: Vec::new(),
            pos: Pos::default(),
            too_many_regs: false,
        }
    }

    pub fn emit(&mut self, op: Op) -> usize {
        self.code.push(op);
        self.lines.push(self.pos);
        self.code.len() - 1
    }

    pub fn here(&self) -> u32 {
        self.code.len() as u32
    }

    /// Point the jump at `at` to the current end of code. Returns false when
    /// a fused branch cannot reach that far.
    pub fn patch_here(&mut self, at: usize) -> bool {
        let target = self.here();
        self.patch(at, target)
    }

    pub fn patch(&mut self, at: usize, target: u32) -> bool {
        match self.code.get_mut(at) {
            Some(op) => op.set_target(target),
            None => false,
        }
    }

    /// Highest register index a frame may use; beyond it the function is
    /// reported as too large (and the code is never run).
    pub const MAX_REG: u32 = 65_000;

    pub fn alloc(&mut self) -> Reg {
        let r = self.next_reg;
        self.next_reg += 1;
        if self.next_reg > self.max_reg {
            self.max_reg = self.next_reg;
        }
        if r >= Self::MAX_REG {
            self.too_many_regs = true;
            return 0;
        }
        r as Reg
    }

    /// Allocate `n` consecutive registers, returning the first. When they
    /// would not fit, the function is flagged and register 0 returned; the
    /// caller's `first + i` arithmetic must therefore wrap, never overflow.
    pub fn alloc_n(&mut self, n: usize) -> Reg {
        if self.next_reg as usize + n > Self::MAX_REG as usize {
            self.too_many_regs = true;
            self.next_reg = Self::MAX_REG;
            self.max_reg = self.max_reg.max(self.next_reg);
            return 0;
        }
        let first = self.alloc();
        for _ in 1..n {
            self.alloc();
        }
        first
    }

    pub fn mark(&self) -> u32 {
        self.next_reg
    }

    pub fn release(&mut self, mark: u32) {
        self.next_reg = mark;
    }

    pub fn str_const(&mut self, s: &str) -> u32 {
        if let Some(k) = self.const_str.get(s) {
            return *k;
        }
        let rc: Rc<str> = Rc::from(s);
        let k = self.consts.len() as u32;
        self.consts.push(Const::Str(rc.clone()));
        self.const_str.insert(rc, k);
        k
    }

    pub fn int_const(&mut self, i: i64) -> u32 {
        if let Some(k) = self.const_int.get(&i) {
            return *k;
        }
        let k = self.consts.len() as u32;
        self.consts.push(Const::Int(i));
        self.const_int.insert(i, k);
        k
    }

    pub fn other_const(&mut self, c: Const) -> u32 {
        let k = self.consts.len() as u32;
        self.consts.push(c);
        k
    }

    pub fn name_index(&mut self, sym: Sym) -> u16 {
        if let Some(i) = self.name_idx.get(&sym) {
            return *i;
        }
        let i = self.names.len() as u16;
        self.names.push(sym);
        self.name_idx.insert(sym, i);
        i
    }

    pub fn finish(self) -> Proto {
        Proto {
            name: self.name,
            params: self.params,
            regs: (self.max_reg.max(self.nlocals as u32) + 1).min(u16::MAX as u32) as u16,
            code: self.code,
            lines: self.lines,
            consts: self.consts,
            names: self.names,
            protos: self.protos,
            captures: self.captures,
            is_generator: self.is_generator,
            is_method: self.is_method,
        }
    }
}
