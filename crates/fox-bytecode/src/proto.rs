//! Function prototypes and compiled modules: code, constants, names, nested
//! prototypes, capture descriptors and the line table.

use crate::interner::Sym;
use crate::op::Op;
use std::rc::Rc;

/// A constant-pool entry.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Const {
    Int(i64),
    /// An integer literal beyond i64, as decimal digits.
    BigInt(Rc<str>),
    Float(f64),
    Str(Rc<str>),
}

/// Where a closure's capture comes from when the closure is created.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Capture {
    /// A cell held in a register of the creating frame.
    Local(u16),
    /// An upvalue of the creating closure.
    Upval(u16),
}

/// A source position of an instruction (1-based).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

/// A compiled function (or module body).
#[derive(Clone, Debug)]
pub struct Proto {
    pub name: Rc<str>,
    /// Number of declared parameters (`ini` counts for methods).
    pub params: u16,
    /// Registers the frame needs.
    pub regs: u16,
    pub code: Vec<Op>,
    /// One position per instruction.
    pub lines: Vec<Pos>,
    pub consts: Vec<Const>,
    /// Attribute/method names used by the code, as interned symbols.
    pub names: Vec<Sym>,
    pub protos: Vec<Rc<Proto>>,
    pub captures: Vec<Capture>,
    /// Contains `bekukan`: calling it makes a generator.
    pub is_generator: bool,
    /// A method: register 0 is `ini`, and the declared parameters follow.
    pub is_method: bool,
}

impl Proto {
    pub fn pos_at(&self, pc: usize) -> Pos {
        self.lines.get(pc).copied().unwrap_or_default()
    }
}

/// A compiled module: its body prototype and its global slot names.
#[derive(Clone, Debug)]
pub struct Module {
    pub file: Rc<str>,
    pub body: Rc<Proto>,
    /// Slot index → global name. Slots are resolved at compile time.
    pub globals: Vec<Rc<str>>,
}
