//! The instruction set: fixed-size (8-byte) register instructions. Registers
//! are `u16` frame slots; jump targets are absolute instruction indices.
//!
//! Calling convention (shared by `Call`, `CallMethod` and constructors): the
//! callee sits in register `base`, arguments in `base+1 ..= base+argc`, and the
//! result is written back to `base`. `CallMethod` puts the receiver in
//! `base+1` and the arguments after it, so a method's frame starts at
//! `base+1` with `ini` as its register 0 and nothing is copied.

/// A frame register index.
pub type Reg = u16;

/// "No register" marker for optional operands.
pub const NO_REG: Reg = u16::MAX;

#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Op {
    Nop,
    LoadNil {
        dst: Reg,
    },
    LoadBool {
        dst: Reg,
        value: bool,
    },
    LoadInt {
        dst: Reg,
        value: i32,
    },
    LoadConst {
        dst: Reg,
        k: u32,
    },
    Move {
        dst: Reg,
        src: Reg,
    },

    /// Read a module global slot; an unset slot raises `Global 'x' not found.`
    GetGlobal {
        dst: Reg,
        slot: u32,
    },
    SetGlobal {
        src: Reg,
        slot: u32,
    },
    /// Replace the value in register `reg` by a fresh cell holding it
    /// (captured locals live in cells so closures share them).
    MakeCell {
        reg: Reg,
    },
    GetCell {
        dst: Reg,
        cell: Reg,
    },
    SetCell {
        cell: Reg,
        src: Reg,
    },
    GetUpval {
        dst: Reg,
        idx: u16,
    },
    SetUpval {
        idx: u16,
        src: Reg,
    },
    /// Create a closure of nested prototype `proto`; its captures are
    /// described in that prototype's `captures`.
    Closure {
        dst: Reg,
        proto: u16,
    },

    Add {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    Sub {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    Mul {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    Div {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    Mod {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    AddI {
        dst: Reg,
        a: Reg,
        imm: i16,
    },
    SubI {
        dst: Reg,
        a: Reg,
        imm: i16,
    },
    MulI {
        dst: Reg,
        a: Reg,
        imm: i16,
    },
    ModI {
        dst: Reg,
        a: Reg,
        imm: i16,
    },
    BitAnd {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    BitOr {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    BitXor {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    Shl {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    Shr {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    Neg {
        dst: Reg,
        src: Reg,
    },
    Not {
        dst: Reg,
        src: Reg,
    },
    BitNot {
        dst: Reg,
        src: Reg,
    },
    Eq {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    Ne {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    Lt {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    Le {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    Gt {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    Ge {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// Fused compare-and-branch: jump to `target` unless `a < b`.
    JumpIfNotLt {
        a: Reg,
        b: Reg,
        target: u16,
    },
    /// Fused compare-and-branch: jump to `target` unless `a <= b`.
    JumpIfNotLe {
        a: Reg,
        b: Reg,
        target: u16,
    },
    /// Fused compare-and-branch: jump to `target` unless `a > b`.
    JumpIfNotGt {
        a: Reg,
        b: Reg,
        target: u16,
    },
    /// Fused compare-and-branch: jump to `target` unless `a >= b`.
    JumpIfNotGe {
        a: Reg,
        b: Reg,
        target: u16,
    },
    /// Fused compare-and-branch: jump to `target` unless `a == b`.
    JumpIfNotEq {
        a: Reg,
        b: Reg,
        target: u16,
    },
    /// Fused compare-and-branch: jump to `target` unless `a != b`.
    JumpIfNotNe {
        a: Reg,
        b: Reg,
        target: u16,
    },

    /// Fused compare-with-immediate-and-branch: jump unless `a < imm`.
    JumpIfNotLtI {
        a: Reg,
        imm: i16,
        target: u16,
    },
    /// Jump unless `a <= imm`.
    JumpIfNotLeI {
        a: Reg,
        imm: i16,
        target: u16,
    },
    /// Jump unless `a > imm`.
    JumpIfNotGtI {
        a: Reg,
        imm: i16,
        target: u16,
    },
    /// Jump unless `a >= imm`.
    JumpIfNotGeI {
        a: Reg,
        imm: i16,
        target: u16,
    },
    /// Jump unless `a == imm`.
    JumpIfNotEqI {
        a: Reg,
        imm: i16,
        target: u16,
    },
    /// Jump unless `a != imm`.
    JumpIfNotNeI {
        a: Reg,
        imm: i16,
        target: u16,
    },

    /// Loop back-edge with the loop condition fused in: jump back to
    /// `target` (a safe point) when `a < b`; otherwise fall through (exit).
    LoopIfLt {
        a: Reg,
        b: Reg,
        target: u16,
    },
    LoopIfLe {
        a: Reg,
        b: Reg,
        target: u16,
    },
    LoopIfGt {
        a: Reg,
        b: Reg,
        target: u16,
    },
    LoopIfGe {
        a: Reg,
        b: Reg,
        target: u16,
    },
    LoopIfEq {
        a: Reg,
        b: Reg,
        target: u16,
    },
    LoopIfNe {
        a: Reg,
        b: Reg,
        target: u16,
    },
    /// As `LoopIfLt`, comparing with an immediate.
    LoopIfLtI {
        a: Reg,
        imm: i16,
        target: u16,
    },
    LoopIfLeI {
        a: Reg,
        imm: i16,
        target: u16,
    },
    LoopIfGtI {
        a: Reg,
        imm: i16,
        target: u16,
    },
    LoopIfGeI {
        a: Reg,
        imm: i16,
        target: u16,
    },
    LoopIfEqI {
        a: Reg,
        imm: i16,
        target: u16,
    },
    LoopIfNeI {
        a: Reg,
        imm: i16,
        target: u16,
    },

    /// Jump to `target` unless `a` is nil (`a == nil` as a condition).
    JumpIfNotNil {
        a: Reg,
        target: u32,
    },
    /// Jump to `target` if `a` is nil (`a != nil` as a condition).
    JumpIfNil {
        a: Reg,
        target: u32,
    },

    Jump {
        target: u32,
    },
    /// A backward jump (loop back-edge): the VM's safe point for garbage
    /// collection and the instruction budget.
    Loop {
        target: u32,
    },
    JumpIfFalse {
        cond: Reg,
        target: u32,
    },
    JumpIfTrue {
        cond: Reg,
        target: u32,
    },

    Call {
        base: Reg,
        argc: u16,
    },
    /// Receiver in `base+1`, arguments after it; `name` indexes `Proto::names`.
    CallMethod {
        base: Reg,
        argc: u16,
        name: u16,
    },
    /// `dst = panjang(arg)` when global slot `slot` still holds the builtin
    /// `panjang` (checked at run time, so shadowing keeps working);
    /// otherwise an ordinary call of that global.
    CallLen {
        dst: Reg,
        arg: Reg,
        slot: u16,
    },
    Return {
        src: Reg,
    },
    ReturnNil,

    GetAttr {
        dst: Reg,
        obj: Reg,
        name: u16,
    },
    SetAttr {
        obj: Reg,
        name: u16,
        src: Reg,
    },
    /// `induk.name` inside a method: a bound method of the superclass of
    /// the class that defines the running method, bound to register 0.
    GetSuper {
        dst: Reg,
        name: u16,
    },
    /// `dst = obj[idx]` with a constant non-negative index.
    GetIndexI {
        dst: Reg,
        obj: Reg,
        idx: u16,
    },
    /// `obj[idx] = src` with a constant non-negative index.
    SetIndexI {
        obj: Reg,
        idx: u16,
        src: Reg,
    },
    GetIndex {
        dst: Reg,
        obj: Reg,
        key: Reg,
    },
    SetIndex {
        obj: Reg,
        key: Reg,
        src: Reg,
    },
    /// `dst = obj[lo:hi]` with `hi` in register `lo+1`; a bound register
    /// holds nil when the bound is absent.
    Slice {
        dst: Reg,
        obj: Reg,
        lo: Reg,
    },
    NewList {
        dst: Reg,
        start: Reg,
        count: u16,
    },
    /// Key/value pairs in `start..start+2*count`.
    NewDict {
        dst: Reg,
        start: Reg,
        count: u16,
    },
    /// `dst = str(r[start]) + … + str(r[start+count-1])`
    Interp {
        dst: Reg,
        start: Reg,
        count: u16,
    },
    /// Print `count` registers separated by spaces, then a newline.
    Print {
        start: Reg,
        count: u16,
    },
    /// Write `str(src)` without a newline (used by `warnai`).
    WriteStr {
        src: Reg,
    },
    /// Destructure: `dst..dst+count` = first `count` items of `src`.
    Unpack {
        dst: Reg,
        src: Reg,
        count: u16,
    },

    /// Create a class named by string constant `name`, with optional parent.
    Class {
        dst: Reg,
        name: u16,
        parent: Reg,
    },
    /// Attach the closure in `func` to the class in `class` as method `name`.
    Method {
        class: Reg,
        name: u16,
        func: Reg,
    },
    /// A variant constructor `name` (string constant index) with `arity` fields.
    VariantCtor {
        dst: Reg,
        name: u16,
        arity: u16,
    },
    /// `dst = (src is a variant named name with arity fields)`; `name`
    /// indexes `Proto::names`; arity `u8::MAX` accepts any arity.
    IsVariant {
        dst: Reg,
        src: Reg,
        name: u16,
        arity: u8,
    },
    /// `dst = field idx of the variant in src`
    VariantField {
        dst: Reg,
        src: Reg,
        idx: u16,
    },
    /// `dst = (src is a list with exactly / at least `len` items)`.
    IsListLen {
        dst: Reg,
        src: Reg,
        len: u16,
        at_least: bool,
    },
    /// `dst = src[from:]` for a list.
    ListTail {
        dst: Reg,
        src: Reg,
        from: u16,
    },

    PushHandler {
        target: u32,
        reg: Reg,
    },
    PopHandler,
    /// Throw `value`; `kind` is NO_REG or the register of the `jenis`.
    Throw {
        value: Reg,
        kind: Reg,
    },
    /// Re-throw an error value unchanged (keeps its traceback).
    Rethrow {
        value: Reg,
    },

    /// `bekukan(v)`: suspend the running generator, producing `Momen(v, g)`.
    Yield {
        src: Reg,
    },
    /// `lanjut(g)`: resume a generator; the result lands in `dst`.
    Resume {
        dst: Reg,
        gen: Reg,
    },

    /// Load the module at string constant `path`; dst = module object.
    Import {
        dst: Reg,
        path: u32,
    },
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
