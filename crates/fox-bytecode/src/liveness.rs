//! Register liveness: which registers of a prototype hold a value that a
//! later instruction may still read, before each instruction. Derived from
//! the instruction table's operand roles and flags (`op.rs`), never from
//! instruction names, so a new instruction needs no change here.
//!
//! The JIT uses it to decide which registers must be written back to the
//! interpreter's frame before code that can leave compiled code (a call, an
//! error, a safe point). The analysis over-approximates: a register it calls
//! dead is dead on every path, including the exceptional edges from an
//! instruction that can fail to every handler installed before it.

use crate::op::{Flags, Op, Operand, NO_REG};
use crate::proto::{Capture, Proto};

/// Live-in sets, one per instruction.
#[derive(Clone, Debug)]
pub struct Liveness {
    words: usize,
    bits: Vec<u64>,
}

impl Liveness {
    /// Is register `r` live on entry to instruction `pc`?
    pub fn is_live_in(&self, pc: usize, r: u16) -> bool {
        let w = r as usize / 64;
        w < self.words
            && self
                .bits
                .get(pc * self.words + w)
                .is_some_and(|b| b & (1 << (r % 64)) != 0)
    }

    /// The registers live on entry to instruction `pc`, in ascending order.
    pub fn live_in(&self, pc: usize) -> Vec<u16> {
        let row = self
            .bits
            .get(pc * self.words..(pc + 1) * self.words)
            .unwrap_or(&[]);
        let mut out = Vec::new();
        for (w, bits) in row.iter().enumerate() {
            let mut b = *bits;
            while b != 0 {
                let i = b.trailing_zeros() as usize;
                out.push((w * 64 + i) as u16);
                b &= b - 1;
            }
        }
        out
    }
}

/// Registers an instruction reads and writes.
#[derive(Default)]
struct UseDef {
    uses: Vec<u16>,
    defs: Vec<u16>,
}

/// The registers `op` reads and writes, from its operand roles. A call
/// window is read whole and then written whole (the callee's frame starts
/// inside it).
fn use_def(op: &Op, p: &Proto) -> UseDef {
    let mut ud = UseDef::default();
    let range = |start: u16, len: u32| (start as u32..start as u32 + len).map(|r| r as u16);
    for operand in op.operands().iter() {
        match *operand {
            Operand::Use(r) => ud.uses.push(r),
            Operand::OptUse(r) if r != NO_REG => ud.uses.push(r),
            Operand::Def(r) => ud.defs.push(r),
            Operand::UseDef(r) => {
                ud.uses.push(r);
                ud.defs.push(r);
            }
            Operand::UseRange { start, len } => ud.uses.extend(range(start, len)),
            Operand::DefRange { start, len } => ud.defs.extend(range(start, len)),
            Operand::CallRange { start, len } => {
                ud.uses.extend(range(start, len));
                ud.defs.extend(range(start, len));
            }
            // Making a closure reads the cells it captures from this frame.
            Operand::Proto(i) => {
                if let Some(child) = p.protos.get(i as usize) {
                    for c in &child.captures {
                        if let Capture::Local(r) = *c {
                            ud.uses.push(r);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    ud
}

/// Compute live-in sets for a (verified) prototype.
pub fn analyze(p: &Proto) -> Liveness {
    let n = p.code.len();
    let words = (p.regs as usize).div_ceil(64).max(1);
    let mut bits = vec![0u64; n * words];
    let handler_targets: Vec<(usize, usize)> = p
        .code
        .iter()
        .enumerate()
        .filter_map(|(pc, op)| {
            op.operands().iter().find_map(|o| match *o {
                Operand::HandlerTarget(t) => Some((pc, t as usize)),
                _ => None,
            })
        })
        .collect();
    let info: Vec<(UseDef, Vec<usize>)> = p
        .code
        .iter()
        .enumerate()
        .map(|(pc, op)| (use_def(op, p), successors(op, pc, n, &handler_targets)))
        .collect();
    let mut out = vec![0u64; words];
    let mut changed = true;
    while changed {
        changed = false;
        for pc in (0..n).rev() {
            out.iter_mut().for_each(|w| *w = 0);
            let (ud, succs) = &info[pc];
            for &s in succs {
                for (w, o) in out.iter_mut().enumerate() {
                    *o |= bits[s * words + w];
                }
            }
            for &d in &ud.defs {
                out[d as usize / 64] &= !(1u64 << (d % 64));
            }
            for &u in &ud.uses {
                out[u as usize / 64] |= 1u64 << (u % 64);
            }
            let row = &mut bits[pc * words..(pc + 1) * words];
            if row != &out[..] {
                row.copy_from_slice(&out);
                changed = true;
            }
        }
    }
    Liveness { words, bits }
}

/// Where control may go after `op` at `pc`: the next instruction, its
/// target, and — for an instruction that can fail — every handler target
/// installed earlier in the code (handlers are dynamic; earlier-installed
/// is a safe over-approximation of "possibly installed").
fn successors(op: &Op, pc: usize, n: usize, handlers: &[(usize, usize)]) -> Vec<usize> {
    let flags = op.flags();
    let mut s = Vec::new();
    if !flags.contains(Flags::ENDS) && pc + 1 < n {
        s.push(pc + 1);
    }
    for operand in op.operands().iter() {
        if let Operand::Target(t) | Operand::LoopTarget(t) | Operand::HandlerTarget(t) = *operand {
            if (t as usize) < n {
                s.push(t as usize);
            }
        }
    }
    if flags.contains(Flags::FAILS) || flags.contains(Flags::CALLS) {
        for &(at, t) in handlers {
            if at < pc && t < n {
                s.push(t);
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::Pos;
    use std::rc::Rc;

    fn proto(regs: u16, code: Vec<Op>) -> Proto {
        Proto {
            name: Rc::from("t"),
            params: 0,
            regs,
            lines: vec![Pos::default(); code.len()],
            code,
            consts: Vec::new(),
            names: Vec::new(),
            protos: Vec::new(),
            captures: Vec::new(),
            is_generator: false,
            is_method: false,
        }
    }

    #[test]
    fn straight_line() {
        // r0 = 1; r1 = 2; r2 = r0 + r0; return r2   (r1 is never read)
        let p = proto(
            3,
            vec![
                Op::LoadInt { dst: 0, value: 1 },
                Op::LoadInt { dst: 1, value: 2 },
                Op::Add { dst: 2, a: 0, b: 0 },
                Op::Return { src: 2 },
            ],
        );
        let l = analyze(&p);
        assert_eq!(l.live_in(0), Vec::<u16>::new());
        assert_eq!(l.live_in(1), vec![0]);
        assert_eq!(l.live_in(2), vec![0]);
        assert_eq!(l.live_in(3), vec![2]);
    }

    #[test]
    fn loop_keeps_its_counter_and_bound_live() {
        // r0 = 0; r1 = 10; loop: r0 = r0 + 1; if r0 < r1 goto loop; return r0
        let p = proto(
            2,
            vec![
                Op::LoadInt { dst: 0, value: 0 },
                Op::LoadInt { dst: 1, value: 10 },
                Op::AddI {
                    dst: 0,
                    a: 0,
                    imm: 1,
                },
                Op::LoopIfLt {
                    a: 0,
                    b: 1,
                    target: 2,
                },
                Op::Return { src: 0 },
            ],
        );
        let l = analyze(&p);
        assert_eq!(l.live_in(2), vec![0, 1]);
        assert_eq!(l.live_in(3), vec![0, 1]);
        assert_eq!(l.live_in(4), vec![0]);
        assert!(!l.is_live_in(0, 0));
    }

    #[test]
    fn handler_targets_see_values_live_across_a_failure() {
        // try { r1 = r0 + r0 } catch r2 { return r0 }
        let p = proto(
            3,
            vec![
                Op::LoadInt { dst: 0, value: 5 },
                Op::PushHandler { target: 5, reg: 2 },
                Op::Add { dst: 1, a: 0, b: 0 },
                Op::PopHandler,
                Op::Return { src: 1 },
                Op::Return { src: 0 },
            ],
        );
        let l = analyze(&p);
        // r0 stays live through the protected add: the handler reads it.
        assert!(l.is_live_in(2, 0));
        assert!(l.is_live_in(3, 1));
        // Before the handler is installed, the handler's reads do not count.
        assert!(!l.is_live_in(1, 1));
    }
}
