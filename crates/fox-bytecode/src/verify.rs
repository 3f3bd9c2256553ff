//! The bytecode verifier. Run once when a prototype is loaded into the VM:
//! every register operand (including the ranges used by calls, lists,
//! dicts, prints and destructuring) lies inside the frame, every constant,
//! name, prototype and jump target exists, only loop instructions (the
//! safe points that check the instruction budget) jump backward, and the
//! code cannot run off its end. The interpreter relies on this to index
//! registers without bounds checks, and on the last rule to stop every
//! loop at its budget.

use crate::op::{Op, NO_REG};
use crate::proto::{Const, Proto};

/// The longest big-integer constant: the lexer refuses longer literals
/// (`morph_syntax::lexer::MAX_INT_LITERAL_DIGITS`), and loading decimal
/// text costs time quadratic in its length.
const MAX_BIGINT_CONST_DIGITS: usize = 4300;

/// Why a prototype was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyError {
    pub function: String,
    pub pc: usize,
    pub message: String,
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "fungsi {} pc {}: {}",
            self.function, self.pc, self.message
        )
    }
}

/// Verify a prototype and all nested prototypes.
pub fn verify(p: &Proto) -> Result<(), VerifyError> {
    verify_depth(p, 0)
}

fn verify_depth(p: &Proto, depth: usize) -> Result<(), VerifyError> {
    if depth > 1000 {
        return Err(err(p, 0, "prototypes nested too deeply"));
    }
    if p.code.is_empty() {
        return Err(err(p, 0, "empty code"));
    }
    if p.lines.len() != p.code.len() {
        return Err(err(p, 0, "line table length differs from code length"));
    }
    if (p.params as usize) > p.regs as usize {
        return Err(err(p, 0, "more parameters than registers"));
    }
    match p.code.last() {
        Some(
            Op::Return { .. }
            | Op::ReturnNil
            | Op::Jump { .. }
            | Op::Loop { .. }
            | Op::Rethrow { .. }
            | Op::Throw { .. },
        ) => {}
        _ => return Err(err(p, p.code.len() - 1, "code can run past its end")),
    }
    for c in p.consts.iter() {
        if let Const::BigInt(d) = c {
            let digits = d.strip_prefix('-').unwrap_or(d);
            if digits.is_empty()
                || digits.len() > MAX_BIGINT_CONST_DIGITS
                || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(err(p, 0, "malformed big integer constant"));
            }
        }
    }
    for (pc, op) in p.code.iter().enumerate() {
        check_op(p, pc, op)?;
    }
    for child in &p.protos {
        verify_depth(child, depth + 1)?;
    }
    Ok(())
}

fn err(p: &Proto, pc: usize, message: &str) -> VerifyError {
    VerifyError {
        function: p.name.to_string(),
        pc,
        message: message.to_string(),
    }
}

fn check_op(p: &Proto, pc: usize, op: &Op) -> Result<(), VerifyError> {
    let regs = p.regs as usize;
    let reg = |r: u16| -> Result<(), VerifyError> {
        if (r as usize) < regs {
            Ok(())
        } else {
            Err(err(
                p,
                pc,
                &format!("register r{r} outside the frame ({regs})"),
            ))
        }
    };
    // A window of `n` registers starting at `start` (n may be 0).
    let window = |start: u16, n: usize| -> Result<(), VerifyError> {
        if start as usize + n <= regs && (start as usize) < regs.max(1) {
            Ok(())
        } else {
            Err(err(p, pc, "register range outside the frame"))
        }
    };
    let konst = |k: u32| -> Result<(), VerifyError> {
        if (k as usize) < p.consts.len() {
            Ok(())
        } else {
            Err(err(p, pc, "constant index out of range"))
        }
    };
    let str_konst = |k: u16| -> Result<(), VerifyError> {
        match p.consts.get(k as usize) {
            Some(Const::Str(_)) => Ok(()),
            _ => Err(err(p, pc, "expected a text constant")),
        }
    };
    let name = |n: u16| -> Result<(), VerifyError> {
        if (n as usize) < p.names.len() {
            Ok(())
        } else {
            Err(err(p, pc, "name index out of range"))
        }
    };
    let target = |t: u32| -> Result<(), VerifyError> {
        if (t as usize) < p.code.len() {
            Ok(())
        } else {
            Err(err(p, pc, "jump target out of range"))
        }
    };
    // Only the loop instructions are safe points (they check the budget),
    // so every other branch must go forward: a backward `Jump` would loop
    // forever past the instruction budget.
    let forward = |t: u32| -> Result<(), VerifyError> {
        if (t as usize) > pc {
            target(t)
        } else {
            Err(err(p, pc, "backward jump that is not a loop instruction"))
        }
    };
    match *op {
        Op::Nop | Op::ReturnNil | Op::PopHandler => Ok(()),
        Op::LoadNil { dst } | Op::LoadBool { dst, .. } | Op::LoadInt { dst, .. } => reg(dst),
        Op::LoadConst { dst, k } => {
            reg(dst)?;
            konst(k)
        }
        Op::Move { dst, src }
        | Op::Neg { dst, src }
        | Op::Not { dst, src }
        | Op::BitNot { dst, src } => {
            reg(dst)?;
            reg(src)
        }
        Op::GetGlobal { dst: r, .. } | Op::SetGlobal { src: r, .. } | Op::MakeCell { reg: r } => {
            reg(r)
        }
        Op::GetCell { dst, cell } => {
            reg(dst)?;
            reg(cell)
        }
        Op::SetCell { cell, src } => {
            reg(cell)?;
            reg(src)
        }
        Op::GetUpval { dst: r, idx } | Op::SetUpval { src: r, idx } => {
            reg(r)?;
            // A closure has exactly its prototype's captures.
            if (idx as usize) < p.captures.len() {
                Ok(())
            } else {
                Err(err(p, pc, "upvalue index out of range"))
            }
        }
        Op::Closure { dst, proto } => {
            reg(dst)?;
            let Some(child) = p.protos.get(proto as usize) else {
                return Err(err(p, pc, "prototype index out of range"));
            };
            for c in &child.captures {
                match *c {
                    crate::proto::Capture::Local(r) => reg(r)?,
                    crate::proto::Capture::Upval(i) => {
                        if i as usize >= p.captures.len() {
                            return Err(err(p, pc, "capture of a missing upvalue"));
                        }
                    }
                }
            }
            Ok(())
        }
        Op::Add { dst, a, b }
        | Op::Sub { dst, a, b }
        | Op::Mul { dst, a, b }
        | Op::Div { dst, a, b }
        | Op::Mod { dst, a, b }
        | Op::BitAnd { dst, a, b }
        | Op::BitOr { dst, a, b }
        | Op::BitXor { dst, a, b }
        | Op::Shl { dst, a, b }
        | Op::Shr { dst, a, b }
        | Op::Eq { dst, a, b }
        | Op::Ne { dst, a, b }
        | Op::Lt { dst, a, b }
        | Op::Le { dst, a, b }
        | Op::Gt { dst, a, b }
        | Op::Ge { dst, a, b } => {
            reg(dst)?;
            reg(a)?;
            reg(b)
        }
        Op::AddI { dst, a, .. } | Op::SubI { dst, a, .. } | Op::MulI { dst, a, .. } => {
            reg(dst)?;
            reg(a)
        }
        Op::ModI { dst, a, imm } => {
            reg(dst)?;
            reg(a)?;
            if imm == 0 {
                return Err(err(p, pc, "ModI by zero"));
            }
            Ok(())
        }
        Op::JumpIfNotLt { a, b, target: t }
        | Op::JumpIfNotLe { a, b, target: t }
        | Op::JumpIfNotGt { a, b, target: t }
        | Op::JumpIfNotGe { a, b, target: t }
        | Op::JumpIfNotEq { a, b, target: t }
        | Op::JumpIfNotNe { a, b, target: t } => {
            reg(a)?;
            reg(b)?;
            forward(t as u32)
        }
        Op::JumpIfNotLtI { a, target: t, .. }
        | Op::JumpIfNotLeI { a, target: t, .. }
        | Op::JumpIfNotGtI { a, target: t, .. }
        | Op::JumpIfNotGeI { a, target: t, .. }
        | Op::JumpIfNotEqI { a, target: t, .. }
        | Op::JumpIfNotNeI { a, target: t, .. } => {
            reg(a)?;
            forward(t as u32)
        }
        Op::LoopIfLt { a, b, target: t }
        | Op::LoopIfLe { a, b, target: t }
        | Op::LoopIfGt { a, b, target: t }
        | Op::LoopIfGe { a, b, target: t }
        | Op::LoopIfEq { a, b, target: t }
        | Op::LoopIfNe { a, b, target: t } => {
            reg(a)?;
            reg(b)?;
            target(t as u32)
        }
        Op::LoopIfLtI { a, target: t, .. }
        | Op::LoopIfLeI { a, target: t, .. }
        | Op::LoopIfGtI { a, target: t, .. }
        | Op::LoopIfGeI { a, target: t, .. }
        | Op::LoopIfEqI { a, target: t, .. }
        | Op::LoopIfNeI { a, target: t, .. } => {
            reg(a)?;
            target(t as u32)
        }
        Op::Loop { target: t } => target(t),
        Op::Jump { target: t } => forward(t),
        Op::JumpIfNotNil { a: cond, target: t }
        | Op::JumpIfNil { a: cond, target: t }
        | Op::JumpIfFalse { cond, target: t }
        | Op::JumpIfTrue { cond, target: t } => {
            reg(cond)?;
            forward(t)
        }
        Op::Call { base, argc } => window(base, argc as usize + 1),
        Op::CallMethod {
            base,
            argc,
            name: n,
        } => {
            name(n)?;
            window(base, argc as usize + 2)
        }
        Op::Return { src } => reg(src),
        Op::CallLen { dst, arg, .. } => {
            reg(dst)?;
            reg(arg)
        }
        Op::GetAttr { dst, obj, name: n } => {
            reg(dst)?;
            reg(obj)?;
            name(n)
        }
        Op::SetAttr { obj, name: n, src } => {
            reg(obj)?;
            reg(src)?;
            name(n)
        }
        Op::GetSuper { dst, name: n } => {
            reg(dst)?;
            if regs == 0 {
                return Err(err(p, pc, "induk without ini"));
            }
            name(n)
        }
        Op::GetIndexI { dst, obj, .. } => {
            reg(dst)?;
            reg(obj)
        }
        Op::SetIndexI { obj, src, .. } => {
            reg(obj)?;
            reg(src)
        }
        Op::GetIndex { dst, obj, key } => {
            reg(dst)?;
            reg(obj)?;
            reg(key)
        }
        Op::SetIndex { obj, key, src } => {
            reg(obj)?;
            reg(key)?;
            reg(src)
        }
        Op::Slice { dst, obj, lo } => {
            reg(dst)?;
            reg(obj)?;
            window(lo, 2)
        }
        Op::NewList { dst, start, count } | Op::Interp { dst, start, count } => {
            reg(dst)?;
            window(start, count as usize)
        }
        Op::NewDict { dst, start, count } => {
            reg(dst)?;
            window(start, 2 * count as usize)
        }
        Op::Print { start, count } => window(start, count as usize),
        Op::WriteStr { src } => reg(src),
        Op::Unpack { dst, src, count } => {
            reg(src)?;
            window(dst, count as usize)
        }
        Op::Class {
            dst,
            name: n,
            parent,
        } => {
            reg(dst)?;
            str_konst(n)?;
            if parent != NO_REG {
                reg(parent)?;
            }
            Ok(())
        }
        Op::Method {
            class,
            name: n,
            func,
        } => {
            reg(class)?;
            reg(func)?;
            name(n)
        }
        Op::VariantCtor { dst, name: n, .. } => {
            reg(dst)?;
            str_konst(n)
        }
        Op::IsVariant {
            dst, src, name: n, ..
        } => {
            reg(dst)?;
            reg(src)?;
            name(n)
        }
        Op::VariantField { dst, src, .. }
        | Op::IsListLen { dst, src, .. }
        | Op::ListTail { dst, src, .. } => {
            reg(dst)?;
            reg(src)
        }
        Op::PushHandler { target: t, reg: r } => {
            reg(r)?;
            forward(t)
        }
        Op::Throw { value, kind } => {
            reg(value)?;
            if kind != NO_REG {
                reg(kind)?;
            }
            Ok(())
        }
        Op::Rethrow { value } => reg(value),
        Op::Yield { src } => {
            if !p.is_generator {
                return Err(err(p, pc, "bekukan outside a generator"));
            }
            reg(src)
        }
        Op::Resume { dst, gen } => {
            reg(dst)?;
            reg(gen)
        }
        Op::Import { dst, path } => {
            reg(dst)?;
            match p.consts.get(path as usize) {
                Some(Const::Str(_)) => Ok(()),
                _ => Err(err(p, pc, "import path must be a text constant")),
            }
        }
    }
}
