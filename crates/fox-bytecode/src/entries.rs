//! Where compiled code may be entered from the dispatch loop: the
//! instructions at which a frame can start or go on after the interpreter
//! ran something on its behalf. Derived from the instruction table's
//! operand roles and flags (`op.rs`), like the liveness analysis.
//!
//! A JIT that keeps registers in machine registers needs a landing at each
//! entry that loads the registers live there; entering anywhere else would
//! mean a landing per instruction. The interpreter enters compiled code
//! only at these points and otherwise interprets the frame until it
//! reaches one (a loop head, the return of a call).

use crate::op::{Flags, Op, Operand};

/// For each instruction of `code`: may compiled code be entered there?
///
/// - the first instruction (a call);
/// - a loop head, the target of a back-edge (on-stack replacement);
/// - the instruction after one that may run Morph code or leave the frame
///   without ending it (a call the interpreter ran, a generator resumed
///   after `bekukan`): where the frame goes on;
/// - a handler's target (an error caught in this frame).
pub fn entry_points(code: &[Op]) -> Vec<bool> {
    let n = code.len();
    let mut entry = vec![false; n];
    if let Some(first) = entry.first_mut() {
        *first = true;
    }
    for (pc, op) in code.iter().enumerate() {
        let flags = op.flags();
        let resumes_after = flags.contains(Flags::CALLS) || flags.contains(Flags::LEAVES);
        if resumes_after && !flags.contains(Flags::ENDS) && pc + 1 < n {
            entry[pc + 1] = true;
        }
        for operand in op.operands().iter() {
            if let Operand::LoopTarget(t) | Operand::HandlerTarget(t) = *operand {
                if let Some(e) = entry.get_mut(t as usize) {
                    *e = true;
                }
            }
        }
    }
    entry
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_loops_and_handlers_are_entries() {
        let code = vec![
            Op::LoadInt { dst: 0, value: 0 },      // 0: entry (first)
            Op::PushHandler { target: 6, reg: 1 }, // 1
            Op::AddI {
                dst: 0,
                a: 0,
                imm: 1,
            }, // 2: loop head
            Op::Call { base: 2, argc: 0 },         // 3
            Op::LoopIfLtI {
                a: 0,
                imm: 9,
                target: 2,
            }, // 4: after a call
            Op::PopHandler,                        // 5
            Op::Return { src: 0 },                 // 6: handler target
        ];
        let e = entry_points(&code);
        assert_eq!(e, vec![true, false, true, false, true, false, true]);
    }

    #[test]
    fn an_empty_function_has_no_entry() {
        assert!(entry_points(&[]).is_empty());
    }
}
