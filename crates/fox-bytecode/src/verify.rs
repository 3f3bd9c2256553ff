//! The bytecode verifier. Run once when a prototype is loaded into the VM:
//! every register operand (including the ranges used by calls, lists,
//! dicts, prints and destructuring) lies inside the frame, every constant,
//! name, prototype and jump target exists, only loop instructions (the
//! safe points that check the instruction budget) jump backward, and the
//! code cannot run off its end. The interpreter relies on this to index
//! registers without bounds checks, and on the last rule to stop every
//! loop at its budget.
//!
//! The checks are per operand role (`Operand`) and per flag, read from the
//! instruction table in `op.rs`; no instruction is checked by name.

use crate::op::{Flags, Op, Operand, NO_REG};
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
    if !p
        .code
        .last()
        .is_some_and(|op| op.flags().contains(Flags::ENDS))
    {
        return Err(err(p, p.code.len() - 1, "code can run past its end"));
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
    if op.flags().contains(Flags::GENERATOR_ONLY) && !p.is_generator {
        return Err(err(p, pc, "bekukan outside a generator"));
    }
    for operand in op.operands().iter() {
        check_operand(p, pc, op.name(), *operand)?;
    }
    Ok(())
}

fn check_operand(p: &Proto, pc: usize, op_name: &str, operand: Operand) -> Result<(), VerifyError> {
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
    let window = |start: u16, n: u32| -> Result<(), VerifyError> {
        if start as usize + n as usize <= regs && (start as usize) < regs.max(1) {
            Ok(())
        } else {
            Err(err(p, pc, "register range outside the frame"))
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
    match operand {
        Operand::Use(r) | Operand::Def(r) | Operand::UseDef(r) | Operand::Caught(r) => reg(r),
        Operand::OptUse(r) => {
            if r == NO_REG {
                Ok(())
            } else {
                reg(r)
            }
        }
        Operand::UseRange { start, len }
        | Operand::DefRange { start, len }
        | Operand::CallRange { start, len } => window(start, len),
        Operand::Const(k) => {
            if (k as usize) < p.consts.len() {
                Ok(())
            } else {
                Err(err(p, pc, "constant index out of range"))
            }
        }
        Operand::TextConst(k) => match p.consts.get(k as usize) {
            Some(Const::Str(_)) => Ok(()),
            _ => Err(err(p, pc, "expected a text constant")),
        },
        Operand::Name(n) => {
            if (n as usize) < p.names.len() {
                Ok(())
            } else {
                Err(err(p, pc, "name index out of range"))
            }
        }
        // Global slots are checked when the module is loaded (the slot
        // table belongs to the module, not the prototype).
        Operand::Global(_) | Operand::Imm(_) => Ok(()),
        Operand::NonZeroImm(i) => {
            if i == 0 {
                Err(err(p, pc, &format!("{op_name} by zero")))
            } else {
                Ok(())
            }
        }
        Operand::Upval(idx) => {
            // A closure has exactly its prototype's captures.
            if (idx as usize) < p.captures.len() {
                Ok(())
            } else {
                Err(err(p, pc, "upvalue index out of range"))
            }
        }
        Operand::Proto(i) => {
            let Some(child) = p.protos.get(i as usize) else {
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
        Operand::Target(t) | Operand::HandlerTarget(t) => forward(t),
        Operand::LoopTarget(t) => target(t),
    }
}
