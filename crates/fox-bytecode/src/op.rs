//! The instruction set: fixed-size (8-byte) register instructions. Registers
//! are `u16` frame slots; jump targets are absolute instruction indices.
//!
//! This file is the one place that says what an instruction is. The table
//! below (`instructions!`) gives each instruction its fields, the role of
//! each operand ([`Operand`]: a register read or written, a register range,
//! a constant, a name, a jump target …) and its properties ([`Flags`]: can
//! it fail, is it a safe point, may it run Morph code, does it branch). The
//! `Op` enum, [`Op::name`], [`Op::flags`] and [`Op::operands`] are generated
//! from it; the verifier, the disassembler and register liveness (what the
//! JIT keeps in machine registers) read operands and flags instead of
//! matching instructions one by one. Only the interpreter and the JIT, which
//! give each instruction its meaning, match on `Op` (through the shared
//! per-instruction functions in `fox-vm`).
//!
//! Calling convention (shared by `Call`, `CallMethod` and constructors): the
//! callee sits in register `base`, arguments in `base+1 ..= base+argc`, and the
//! result is written back to `base`. `CallMethod` puts the receiver in
//! `base+1` and the arguments after it, so a method's frame starts at
//! `base+1` with `ini` as its register 0 and nothing is copied.
//!
//! The variant order and field types are the serialized bytecode format
//! (postcard encodes the variant index): append new instructions at the end.

/// A frame register index.
pub type Reg = u16;

/// "No register" marker for optional operands.
pub const NO_REG: Reg = u16::MAX;

/// How an instruction uses one of its operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand {
    /// A register the instruction reads.
    Use(Reg),
    /// A register the instruction writes (after reading its uses).
    Def(Reg),
    /// A register read and then replaced (`MakeCell`).
    UseDef(Reg),
    /// A register read when present (`NO_REG` = absent).
    OptUse(Reg),
    /// `len` consecutive registers from `start`, read.
    UseRange { start: Reg, len: u32 },
    /// `len` consecutive registers from `start`, written.
    DefRange { start: Reg, len: u32 },
    /// A call window of `len` registers from `start`: the callee and its
    /// arguments are read, the result lands in `start`, and the callee's
    /// frame (which starts inside the window) may overwrite the rest.
    CallRange { start: Reg, len: u32 },
    /// Any constant of the prototype's pool.
    Const(u32),
    /// A constant that must be a text.
    TextConst(u32),
    /// An entry of the prototype's attribute/method names.
    Name(u16),
    /// A module global slot.
    Global(u32),
    /// One of the running closure's captures.
    Upval(u16),
    /// A nested prototype (a `Closure`'s function).
    Proto(u16),
    /// A forward jump target.
    Target(u32),
    /// A loop target: may lie backward (the instruction is a safe point).
    LoopTarget(u32),
    /// Where an error raised while the handler is installed continues.
    HandlerTarget(u32),
    /// The register that receives the error when the handler's target
    /// runs (written there, not by the instruction itself).
    Caught(Reg),
    /// An immediate operand (integers, flags, counts, indices).
    Imm(i64),
    /// An immediate divisor: must not be zero.
    NonZeroImm(i64),
}

/// Properties of an instruction, as a bit set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flags(u16);

impl Flags {
    pub const NONE: Flags = Flags(0);
    /// May raise an error (a Morph error value or a limit).
    pub const FAILS: Flags = Flags(1);
    /// Charges the instruction budget and may collect garbage (when it
    /// jumps, for the fused loop instructions).
    pub const SAFE_POINT: Flags = Flags(1 << 1);
    /// May run Morph code (push a frame) before it completes: a call, a
    /// class's own `teks()`, a module body, a generator.
    pub const CALLS: Flags = Flags(1 << 2);
    /// May jump to its target operand.
    pub const BRANCHES: Flags = Flags(1 << 3);
    /// Never continues with the next instruction.
    pub const ENDS: Flags = Flags(1 << 4);
    /// Leaves the frame: returns from it or suspends it (`bekukan`).
    pub const LEAVES: Flags = Flags(1 << 5);
    /// Valid only in a generator's code.
    pub const GENERATOR_ONLY: Flags = Flags(1 << 6);
    /// Writes output through the host.
    pub const OUTPUT: Flags = Flags(1 << 7);

    pub const fn union(self, other: Flags) -> Flags {
        Flags(self.0 | other.0)
    }

    pub const fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for Flags {
    type Output = Flags;
    fn bitor(self, other: Flags) -> Flags {
        self.union(other)
    }
}

/// The operands of one instruction, in field order (at most
/// [`Operands::MAX`]).
#[derive(Clone, Copy, Debug)]
pub struct Operands {
    items: [Operand; Operands::MAX],
    len: u8,
}

impl Operands {
    pub const MAX: usize = 4;

    fn new(list: &[Operand]) -> Operands {
        let mut items = [Operand::Imm(0); Operands::MAX];
        let len = list.len().min(Operands::MAX);
        items[..len].copy_from_slice(&list[..len]);
        Operands {
            items,
            len: len as u8,
        }
    }
}

impl std::ops::Deref for Operands {
    type Target = [Operand];
    fn deref(&self) -> &[Operand] {
        &self.items[..self.len as usize]
    }
}

/// Generates `Op` and its table accessors from the instruction list. Each
/// entry: doc comments, the name, the fields, the operand roles (expressions
/// over the fields, with `Operand`'s variants in scope) and the flags.
macro_rules! instructions {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident $({ $($field:ident : $ty:ty),* $(,)? })?
            => [$($operand:expr),* $(,)?] $flags:expr;
    )*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum Op {
            $(
                $(#[doc = $doc])*
                $name $({ $($field: $ty),* })?,
            )*
        }

        /// Every instruction's name, in variant order.
        pub const OP_NAMES: &[&str] = &[$(stringify!($name)),*];

        impl Op {
            /// The instruction's name (as in listings).
            pub fn name(&self) -> &'static str {
                match self {
                    $(Op::$name { .. } => stringify!($name),)*
                }
            }

            /// The instruction's properties.
            pub fn flags(&self) -> Flags {
                #[allow(unused_imports)]
                use Flags as F;
                match self {
                    $(Op::$name { .. } => $flags,)*
                }
            }

            /// The roles of the instruction's operands.
            #[allow(unused_variables, clippy::identity_op)]
            pub fn operands(&self) -> Operands {
                #[allow(unused_imports)]
                use Operand::*;
                match *self {
                    $(Op::$name $({ $($field),* })? => Operands::new(&[$($operand),*]),)*
                }
            }
        }
    };
}

instructions! {
    Nop => [] F::NONE;
    LoadNil { dst: Reg } => [Def(dst)] F::NONE;
    LoadBool { dst: Reg, value: bool } => [Def(dst), Imm(value as i64)] F::NONE;
    LoadInt { dst: Reg, value: i32 } => [Def(dst), Imm(value as i64)] F::NONE;
    LoadConst { dst: Reg, k: u32 } => [Def(dst), Const(k)] F::NONE;
    Move { dst: Reg, src: Reg } => [Use(src), Def(dst)] F::NONE;

    /// Read a module global slot; an unset slot raises `Global 'x' not found.`
    GetGlobal { dst: Reg, slot: u32 } => [Def(dst), Global(slot)] F::FAILS;
    SetGlobal { src: Reg, slot: u32 } => [Use(src), Global(slot)] F::NONE;
    /// Replace the value in register `reg` by a fresh cell holding it
    /// (captured locals live in cells so closures share them).
    MakeCell { reg: Reg } => [UseDef(reg)] F::NONE;
    GetCell { dst: Reg, cell: Reg } => [Use(cell), Def(dst)] F::NONE;
    SetCell { cell: Reg, src: Reg } => [Use(cell), Use(src)] F::NONE;
    GetUpval { dst: Reg, idx: u16 } => [Def(dst), Upval(idx)] F::NONE;
    SetUpval { idx: u16, src: Reg } => [Upval(idx), Use(src)] F::NONE;
    /// Create a closure of nested prototype `proto`; its captures are
    /// described in that prototype's `captures` (registers of this frame
    /// holding cells, read when the closure is made).
    Closure { dst: Reg, proto: u16 } => [Def(dst), Proto(proto)] F::NONE;

    Add { dst: Reg, a: Reg, b: Reg } => [Use(a), Use(b), Def(dst)] F::FAILS;
    Sub { dst: Reg, a: Reg, b: Reg } => [Use(a), Use(b), Def(dst)] F::FAILS;
    Mul { dst: Reg, a: Reg, b: Reg } => [Use(a), Use(b), Def(dst)] F::FAILS;
    Div { dst: Reg, a: Reg, b: Reg } => [Use(a), Use(b), Def(dst)] F::FAILS;
    Mod { dst: Reg, a: Reg, b: Reg } => [Use(a), Use(b), Def(dst)] F::FAILS;
    AddI { dst: Reg, a: Reg, imm: i16 } => [Use(a), Imm(imm as i64), Def(dst)] F::FAILS;
    SubI { dst: Reg, a: Reg, imm: i16 } => [Use(a), Imm(imm as i64), Def(dst)] F::FAILS;
    MulI { dst: Reg, a: Reg, imm: i16 } => [Use(a), Imm(imm as i64), Def(dst)] F::FAILS;
    ModI { dst: Reg, a: Reg, imm: i16 } => [Use(a), NonZeroImm(imm as i64), Def(dst)] F::FAILS;
    BitAnd { dst: Reg, a: Reg, b: Reg } => [Use(a), Use(b), Def(dst)] F::FAILS;
    BitOr { dst: Reg, a: Reg, b: Reg } => [Use(a), Use(b), Def(dst)] F::FAILS;
    BitXor { dst: Reg, a: Reg, b: Reg } => [Use(a), Use(b), Def(dst)] F::FAILS;
    Shl { dst: Reg, a: Reg, b: Reg } => [Use(a), Use(b), Def(dst)] F::FAILS;
    Shr { dst: Reg, a: Reg, b: Reg } => [Use(a), Use(b), Def(dst)] F::FAILS;
    Neg { dst: Reg, src: Reg } => [Use(src), Def(dst)] F::FAILS;
    Not { dst: Reg, src: Reg } => [Use(src), Def(dst)] F::NONE;
    BitNot { dst: Reg, src: Reg } => [Use(src), Def(dst)] F::FAILS;
    Eq { dst: Reg, a: Reg, b: Reg } => [Use(a), Use(b), Def(dst)] F::FAILS;
    Ne { dst: Reg, a: Reg, b: Reg } => [Use(a), Use(b), Def(dst)] F::FAILS;
    Lt { dst: Reg, a: Reg, b: Reg } => [Use(a), Use(b), Def(dst)] F::FAILS;
    Le { dst: Reg, a: Reg, b: Reg } => [Use(a), Use(b), Def(dst)] F::FAILS;
    Gt { dst: Reg, a: Reg, b: Reg } => [Use(a), Use(b), Def(dst)] F::FAILS;
    Ge { dst: Reg, a: Reg, b: Reg } => [Use(a), Use(b), Def(dst)] F::FAILS;
    /// Fused compare-and-branch: jump to `target` unless `a < b`.
    JumpIfNotLt { a: Reg, b: Reg, target: u16 }
        => [Use(a), Use(b), Target(target as u32)] F::FAILS | F::BRANCHES;
    /// Fused compare-and-branch: jump to `target` unless `a <= b`.
    JumpIfNotLe { a: Reg, b: Reg, target: u16 }
        => [Use(a), Use(b), Target(target as u32)] F::FAILS | F::BRANCHES;
    /// Fused compare-and-branch: jump to `target` unless `a > b`.
    JumpIfNotGt { a: Reg, b: Reg, target: u16 }
        => [Use(a), Use(b), Target(target as u32)] F::FAILS | F::BRANCHES;
    /// Fused compare-and-branch: jump to `target` unless `a >= b`.
    JumpIfNotGe { a: Reg, b: Reg, target: u16 }
        => [Use(a), Use(b), Target(target as u32)] F::FAILS | F::BRANCHES;
    /// Fused compare-and-branch: jump to `target` unless `a == b`.
    JumpIfNotEq { a: Reg, b: Reg, target: u16 }
        => [Use(a), Use(b), Target(target as u32)] F::FAILS | F::BRANCHES;
    /// Fused compare-and-branch: jump to `target` unless `a != b`.
    JumpIfNotNe { a: Reg, b: Reg, target: u16 }
        => [Use(a), Use(b), Target(target as u32)] F::FAILS | F::BRANCHES;

    /// Fused compare-with-immediate-and-branch: jump unless `a < imm`.
    JumpIfNotLtI { a: Reg, imm: i16, target: u16 }
        => [Use(a), Imm(imm as i64), Target(target as u32)] F::FAILS | F::BRANCHES;
    /// Jump unless `a <= imm`.
    JumpIfNotLeI { a: Reg, imm: i16, target: u16 }
        => [Use(a), Imm(imm as i64), Target(target as u32)] F::FAILS | F::BRANCHES;
    /// Jump unless `a > imm`.
    JumpIfNotGtI { a: Reg, imm: i16, target: u16 }
        => [Use(a), Imm(imm as i64), Target(target as u32)] F::FAILS | F::BRANCHES;
    /// Jump unless `a >= imm`.
    JumpIfNotGeI { a: Reg, imm: i16, target: u16 }
        => [Use(a), Imm(imm as i64), Target(target as u32)] F::FAILS | F::BRANCHES;
    /// Jump unless `a == imm`.
    JumpIfNotEqI { a: Reg, imm: i16, target: u16 }
        => [Use(a), Imm(imm as i64), Target(target as u32)] F::FAILS | F::BRANCHES;
    /// Jump unless `a != imm`.
    JumpIfNotNeI { a: Reg, imm: i16, target: u16 }
        => [Use(a), Imm(imm as i64), Target(target as u32)] F::FAILS | F::BRANCHES;

    /// Loop back-edge with the loop condition fused in: jump back to
    /// `target` (a safe point) when `a < b`; otherwise fall through (exit).
    LoopIfLt { a: Reg, b: Reg, target: u16 }
        => [Use(a), Use(b), LoopTarget(target as u32)] F::FAILS | F::BRANCHES | F::SAFE_POINT;
    LoopIfLe { a: Reg, b: Reg, target: u16 }
        => [Use(a), Use(b), LoopTarget(target as u32)] F::FAILS | F::BRANCHES | F::SAFE_POINT;
    LoopIfGt { a: Reg, b: Reg, target: u16 }
        => [Use(a), Use(b), LoopTarget(target as u32)] F::FAILS | F::BRANCHES | F::SAFE_POINT;
    LoopIfGe { a: Reg, b: Reg, target: u16 }
        => [Use(a), Use(b), LoopTarget(target as u32)] F::FAILS | F::BRANCHES | F::SAFE_POINT;
    LoopIfEq { a: Reg, b: Reg, target: u16 }
        => [Use(a), Use(b), LoopTarget(target as u32)] F::FAILS | F::BRANCHES | F::SAFE_POINT;
    LoopIfNe { a: Reg, b: Reg, target: u16 }
        => [Use(a), Use(b), LoopTarget(target as u32)] F::FAILS | F::BRANCHES | F::SAFE_POINT;
    /// As `LoopIfLt`, comparing with an immediate.
    LoopIfLtI { a: Reg, imm: i16, target: u16 }
        => [Use(a), Imm(imm as i64), LoopTarget(target as u32)]
        F::FAILS | F::BRANCHES | F::SAFE_POINT;
    LoopIfLeI { a: Reg, imm: i16, target: u16 }
        => [Use(a), Imm(imm as i64), LoopTarget(target as u32)]
        F::FAILS | F::BRANCHES | F::SAFE_POINT;
    LoopIfGtI { a: Reg, imm: i16, target: u16 }
        => [Use(a), Imm(imm as i64), LoopTarget(target as u32)]
        F::FAILS | F::BRANCHES | F::SAFE_POINT;
    LoopIfGeI { a: Reg, imm: i16, target: u16 }
        => [Use(a), Imm(imm as i64), LoopTarget(target as u32)]
        F::FAILS | F::BRANCHES | F::SAFE_POINT;
    LoopIfEqI { a: Reg, imm: i16, target: u16 }
        => [Use(a), Imm(imm as i64), LoopTarget(target as u32)]
        F::FAILS | F::BRANCHES | F::SAFE_POINT;
    LoopIfNeI { a: Reg, imm: i16, target: u16 }
        => [Use(a), Imm(imm as i64), LoopTarget(target as u32)]
        F::FAILS | F::BRANCHES | F::SAFE_POINT;

    /// Jump to `target` unless `a` is nil (`a == nil` as a condition).
    JumpIfNotNil { a: Reg, target: u32 } => [Use(a), Target(target)] F::BRANCHES;
    /// Jump to `target` if `a` is nil (`a != nil` as a condition).
    JumpIfNil { a: Reg, target: u32 } => [Use(a), Target(target)] F::BRANCHES;

    Jump { target: u32 } => [Target(target)] F::BRANCHES | F::ENDS;
    /// A backward jump (loop back-edge): the VM's safe point for garbage
    /// collection and the instruction budget.
    Loop { target: u32 } => [LoopTarget(target)] F::BRANCHES | F::ENDS | F::SAFE_POINT | F::FAILS;
    JumpIfFalse { cond: Reg, target: u32 } => [Use(cond), Target(target)] F::BRANCHES;
    JumpIfTrue { cond: Reg, target: u32 } => [Use(cond), Target(target)] F::BRANCHES;

    Call { base: Reg, argc: u16 }
        => [CallRange { start: base, len: argc as u32 + 1 }]
        F::FAILS | F::SAFE_POINT | F::CALLS;
    /// Receiver in `base+1`, arguments after it; `name` indexes `Proto::names`.
    CallMethod { base: Reg, argc: u16, name: u16 }
        => [CallRange { start: base, len: argc as u32 + 2 }, Name(name)]
        F::FAILS | F::SAFE_POINT | F::CALLS;
    /// `dst = panjang(arg)` when global slot `slot` still holds the builtin
    /// `panjang` (checked at run time, so shadowing keeps working);
    /// otherwise an ordinary call of that global.
    CallLen { dst: Reg, arg: Reg, slot: u16 }
        => [Use(arg), Global(slot as u32), Def(dst)] F::FAILS | F::CALLS;
    Return { src: Reg } => [Use(src)] F::ENDS | F::LEAVES | F::CALLS | F::FAILS;
    ReturnNil => [] F::ENDS | F::LEAVES | F::CALLS | F::FAILS;

    GetAttr { dst: Reg, obj: Reg, name: u16 } => [Use(obj), Name(name), Def(dst)] F::FAILS;
    SetAttr { obj: Reg, name: u16, src: Reg } => [Use(obj), Name(name), Use(src)] F::FAILS;
    /// `induk.name` inside a method: a bound method of the superclass of
    /// the class that defines the running method, bound to register 0.
    GetSuper { dst: Reg, name: u16 } => [Use(0), Name(name), Def(dst)] F::FAILS;
    /// `dst = obj[idx]` with a constant non-negative index.
    GetIndexI { dst: Reg, obj: Reg, idx: u16 }
        => [Use(obj), Imm(idx as i64), Def(dst)] F::FAILS;
    /// `obj[idx] = src` with a constant non-negative index.
    SetIndexI { obj: Reg, idx: u16, src: Reg }
        => [Use(obj), Imm(idx as i64), Use(src)] F::FAILS;
    GetIndex { dst: Reg, obj: Reg, key: Reg } => [Use(obj), Use(key), Def(dst)] F::FAILS;
    SetIndex { obj: Reg, key: Reg, src: Reg } => [Use(obj), Use(key), Use(src)] F::FAILS;
    /// `dst = obj[lo:hi]` with `hi` in register `lo+1`; a bound register
    /// holds nil when the bound is absent.
    Slice { dst: Reg, obj: Reg, lo: Reg }
        => [Use(obj), UseRange { start: lo, len: 2 }, Def(dst)] F::FAILS;
    NewList { dst: Reg, start: Reg, count: u16 }
        => [UseRange { start, len: count as u32 }, Def(dst)] F::NONE;
    /// Key/value pairs in `start..start+2*count`.
    NewDict { dst: Reg, start: Reg, count: u16 }
        => [UseRange { start, len: 2 * count as u32 }, Def(dst)] F::FAILS;
    /// `dst = str(r[start]) + … + str(r[start+count-1])`
    Interp { dst: Reg, start: Reg, count: u16 }
        => [UseRange { start, len: count as u32 }, Def(dst)] F::FAILS | F::CALLS;
    /// Print `count` registers separated by spaces, then a newline.
    Print { start: Reg, count: u16 }
        => [UseRange { start, len: count as u32 }] F::FAILS | F::CALLS | F::OUTPUT;
    /// Write `str(src)` without a newline (used by `warnai`).
    WriteStr { src: Reg } => [Use(src)] F::FAILS | F::CALLS | F::OUTPUT;
    /// Destructure: `dst..dst+count` = first `count` items of `src`.
    Unpack { dst: Reg, src: Reg, count: u16 }
        => [Use(src), DefRange { start: dst, len: count as u32 }] F::FAILS;

    /// Create a class named by string constant `name`, with optional parent.
    Class { dst: Reg, name: u16, parent: Reg }
        => [TextConst(name as u32), OptUse(parent), Def(dst)] F::FAILS;
    /// Attach the closure in `func` to the class in `class` as method `name`.
    Method { class: Reg, name: u16, func: Reg }
        => [Use(class), Name(name), Use(func)] F::NONE;
    /// A variant constructor `name` (string constant index) with `arity` fields.
    VariantCtor { dst: Reg, name: u16, arity: u16 }
        => [TextConst(name as u32), Imm(arity as i64), Def(dst)] F::NONE;
    /// `dst = (src is a variant named name with arity fields)`; `name`
    /// indexes `Proto::names`; arity `u8::MAX` accepts any arity.
    IsVariant { dst: Reg, src: Reg, name: u16, arity: u8 }
        => [Use(src), Name(name), Imm(arity as i64), Def(dst)] F::NONE;
    /// `dst = field idx of the variant in src`
    VariantField { dst: Reg, src: Reg, idx: u16 }
        => [Use(src), Imm(idx as i64), Def(dst)] F::NONE;
    /// `dst = (src is a list with exactly / at least `len` items)`.
    IsListLen { dst: Reg, src: Reg, len: u16, at_least: bool }
        => [Use(src), Imm(len as i64), Imm(at_least as i64), Def(dst)] F::NONE;
    /// `dst = src[from:]` for a list.
    ListTail { dst: Reg, src: Reg, from: u16 }
        => [Use(src), Imm(from as i64), Def(dst)] F::FAILS;

    /// Install an error handler: an error raised in this frame until the
    /// matching `PopHandler` continues at `target` with the error in `reg`.
    PushHandler { target: u32, reg: Reg } => [HandlerTarget(target), Caught(reg)] F::NONE;
    PopHandler => [] F::NONE;
    /// Throw `value`; `kind` is NO_REG or the register of the `jenis`.
    Throw { value: Reg, kind: Reg } => [Use(value), OptUse(kind)] F::FAILS | F::ENDS;
    /// Re-throw an error value unchanged (keeps its traceback).
    Rethrow { value: Reg } => [Use(value)] F::FAILS | F::ENDS;

    /// `bekukan(v)`: suspend the running generator, producing `Momen(v, g)`.
    Yield { src: Reg } => [Use(src)] F::LEAVES | F::FAILS | F::GENERATOR_ONLY;
    /// `lanjut(g)`: resume a generator; the result lands in `dst`.
    Resume { dst: Reg, gen: Reg } => [Use(gen), Def(dst)] F::FAILS | F::CALLS;

    /// Load the module at string constant `path`; dst = module object.
    Import { dst: Reg, path: u32 } => [TextConst(path), Def(dst)] F::FAILS | F::CALLS;
}

// The instruction must stay 8 bytes: the dispatch loop streams them.
const _: () = assert!(std::mem::size_of::<Op>() == 8);

impl Op {
    /// The jump-target field of a branch instruction, if it is one. The one
    /// list of branch instructions; `target` and `set_target` read it.
    fn target_field(&mut self) -> Option<TargetField<'_>> {
        match self {
            Op::Jump { target }
            | Op::Loop { target }
            | Op::JumpIfFalse { target, .. }
            | Op::JumpIfTrue { target, .. }
            | Op::JumpIfNotNil { target, .. }
            | Op::JumpIfNil { target, .. }
            | Op::PushHandler { target, .. } => Some(TargetField::Wide(target)),
            Op::JumpIfNotLt { target, .. }
            | Op::JumpIfNotLe { target, .. }
            | Op::JumpIfNotGt { target, .. }
            | Op::JumpIfNotGe { target, .. }
            | Op::JumpIfNotEq { target, .. }
            | Op::JumpIfNotNe { target, .. }
            | Op::JumpIfNotLtI { target, .. }
            | Op::JumpIfNotLeI { target, .. }
            | Op::JumpIfNotGtI { target, .. }
            | Op::JumpIfNotGeI { target, .. }
            | Op::JumpIfNotEqI { target, .. }
            | Op::JumpIfNotNeI { target, .. }
            | Op::LoopIfLt { target, .. }
            | Op::LoopIfLe { target, .. }
            | Op::LoopIfGt { target, .. }
            | Op::LoopIfGe { target, .. }
            | Op::LoopIfEq { target, .. }
            | Op::LoopIfNe { target, .. }
            | Op::LoopIfLtI { target, .. }
            | Op::LoopIfLeI { target, .. }
            | Op::LoopIfGtI { target, .. }
            | Op::LoopIfGeI { target, .. }
            | Op::LoopIfEqI { target, .. }
            | Op::LoopIfNeI { target, .. } => Some(TargetField::Narrow(target)),
            _ => None,
        }
    }

    /// The jump target of a branch instruction, if it is one.
    pub fn target(&self) -> Option<u32> {
        let mut copy = *self;
        copy.target_field().map(|f| match f {
            TargetField::Wide(t) => *t,
            TargetField::Narrow(t) => *t as u32,
        })
    }

    /// Rewrite the jump target of a branch instruction. Returns false when
    /// the target does not fit the instruction's field.
    pub fn set_target(&mut self, new: u32) -> bool {
        match self.target_field() {
            Some(TargetField::Wide(t)) => {
                *t = new;
                true
            }
            Some(TargetField::Narrow(t)) => match u16::try_from(new) {
                Ok(n) => {
                    *t = n;
                    true
                }
                Err(_) => false,
            },
            None => false,
        }
    }
}

/// A branch instruction's target: 32-bit, or 16-bit in fused branches.
enum TargetField<'a> {
    Wide(&'a mut u32),
    Narrow(&'a mut u16),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table and the hand-written target list agree: an instruction
    /// has a target field exactly when its operands name a target.
    #[test]
    fn targets_agree_with_the_table() {
        let samples = [
            Op::Jump { target: 3 },
            Op::Loop { target: 1 },
            Op::PushHandler { target: 4, reg: 0 },
            Op::JumpIfNotLtI {
                a: 0,
                imm: 1,
                target: 5,
            },
            Op::LoopIfNe {
                a: 0,
                b: 1,
                target: 2,
            },
            Op::Add { dst: 0, a: 1, b: 2 },
            Op::ReturnNil,
        ];
        for op in samples {
            let from_table = op.operands().iter().find_map(|o| match *o {
                Operand::Target(t) | Operand::LoopTarget(t) | Operand::HandlerTarget(t) => Some(t),
                _ => None,
            });
            assert_eq!(from_table, op.target(), "{op:?}");
        }
    }

    #[test]
    fn names_and_flags() {
        assert_eq!(Op::ReturnNil.name(), "ReturnNil");
        assert!(Op::Call { base: 0, argc: 0 }
            .flags()
            .contains(Flags::CALLS | Flags::SAFE_POINT));
        assert!(Op::Jump { target: 0 }.flags().contains(Flags::ENDS));
        assert!(!Op::Move { dst: 0, src: 1 }.flags().contains(Flags::FAILS));
        assert_eq!(OP_NAMES.len(), 100);
        assert_eq!(OP_NAMES[0], "Nop");
        assert_eq!(OP_NAMES[99], "Import");
    }
}
