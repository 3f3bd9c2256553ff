//! The interface between the VM and a just-in-time compiler (`fox-jit`,
//! which sits above this crate): what compiled code may assume and call.
//!
//! **Frames are the interpreter's.** Compiled code runs one function over
//! the interpreter's own frame (V8's Sparkplug model): it is called with
//! the VM, a pointer to the frame's registers in the register stack (which
//! never moves, see `regstack`) and the pc to start at, and reads and
//! writes registers there. Nothing lives only in compiled code, so leaving
//! it at any instruction costs nothing and loses nothing: the interpreter
//! simply continues the frame.
//!
//! **What compiled code does itself and what it asks for.** It runs the
//! fast paths of instructions (inline integers and floats, moves, jumps,
//! comparisons) and hands every other case — the slow path of an
//! arithmetic instruction, a call, a return, an error — to
//! [`fox_jit_step`], which runs exactly that one instruction in the
//! interpreter (`interp::run` in single-step mode, the same code as every
//! other tier). So results, errors, tracebacks, the instruction budget,
//! generators, tickets and snapshots behave exactly as in the interpreter.
//!
//! **The calling convention** ([`JitEntry`]): `(vm, regs, pc, stop) ->
//! status`, where `stop` is the frame depth the running `execute` stops at
//! (passed on to `fox_jit_step`). Compiled code returns one of
//! [`status::CONTINUE`], [`status::ERROR`], [`status::DONE`]; the step
//! helper may also return [`status::RESUME`] (continue with the next
//! instruction) or [`status::JUMPED`] (continue at the instruction's
//! target).
//!
//! **Layout.** The VM fields compiled code reads directly are given as
//! byte offsets ([`offsets`]), computed with `offset_of!` from the real
//! structs, and values are the one-word encoding of `value.rs` (its tag
//! constants are re-exported in [`encoding`]).

mod enter;
mod fast;
pub mod helpers;

use crate::object::FuncInfo;
use crate::value::Value;
use crate::vm::Vm;

/// Calls plus loop back-edges before `auto` compiles a function.
pub const DEFAULT_JIT_THRESHOLD: u32 = 1000;

pub use enter::JitStats;

/// Compiled code for one function: enter at any pc of its bytecode.
pub type JitEntry =
    unsafe extern "C" fn(vm: *mut Vm, regs: *mut Value, pc: u32, stop: usize) -> u32;

/// A function's compiled code.
#[derive(Clone, Copy, Debug)]
pub struct JitCode {
    pub entry: JitEntry,
}

/// Status codes of compiled code and of the runtime helpers.
pub mod status {
    /// (Helpers) The instruction finished and fell through: continue with
    /// the next one.
    pub const RESUME: u32 = 0;
    /// The frame stack changed (a call pushed a frame, a return popped
    /// one, a generator yielded) or the frame continues somewhere compiled
    /// code did not expect: the interpreter continues with the top frame.
    pub const CONTINUE: u32 = 1;
    /// An error is pending (`Vm::jit_error`); the interpreter raises it.
    pub const ERROR: u32 = 2;
    /// The frame stack reached the running `execute`'s stop; its result is
    /// in `Vm::jit_result`.
    pub const DONE: u32 = 3;
    /// (Helpers) The instruction took its branch: continue at its target.
    pub const JUMPED: u32 = 4;
}

/// The value encoding compiled code tests and builds (see `value.rs`).
pub mod encoding {
    pub use crate::value::encoding::*;
}

/// Byte offsets of the VM fields compiled code reads.
pub mod offsets {
    use crate::heap::Heap;
    use crate::vm::Vm;
    use std::mem::offset_of;

    /// `Vm::budget` (u64): `u64::MAX` when no budget is counted; anything
    /// else means a loop back-edge must pay at the safe point.
    pub const VM_BUDGET: i32 = offset_of!(Vm, budget) as i32;
    /// `Vm::op_spent` (a `Cell<u64>`, laid out as its u64): work native
    /// operations charged since the last safe point. A back-edge may pay
    /// its budget point inline only while this is 0.
    pub const VM_OP_SPENT: i32 = offset_of!(Vm, op_spent) as i32;
    /// `Heap::bytes` (usize) of the VM's heap: the collector is due when
    /// it reaches `HEAP_GC_AT`.
    pub const VM_HEAP_BYTES: i32 = (offset_of!(Vm, heap) + offset_of!(Heap, bytes)) as i32;
    pub const VM_HEAP_GC_AT: i32 = (offset_of!(Vm, heap) + offset_of!(Heap, gc_at)) as i32;
}

/// A just-in-time compiler the VM can ask to compile a function.
///
/// # Safety
///
/// Implementations promise that the code they return follows the calling
/// convention above: it only reads and writes registers below the
/// function's `proto.regs` through the `regs` pointer, reads the VM only at
/// [`offsets`], calls only the helpers of [`helpers`] with the VM pointer
/// it was given, and returns one of the statuses above. The VM calls the
/// code it is given on those terms.
pub unsafe trait JitBackend {
    /// Compile `func` (verified bytecode). `Err` says why not (the function
    /// then stays interpreted).
    fn compile(&mut self, func: &FuncInfo) -> Result<JitCode, String>;

    /// Statistics to show under `--jit-stats`.
    fn report(&self) -> String {
        String::new()
    }
}

/// The tier a VM runs code in (ManajerFox's choice).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Tier {
    /// Interpret everything.
    Interp,
    /// Compile every function before it first runs (`jit_threshold` 0 is
    /// what tests use) or when it gets hot.
    Jit,
    /// Interpret first; compile what gets hot; stay interpreted where the
    /// compiler is missing or refuses.
    #[default]
    Auto,
}

impl FuncInfo {
    /// The compiled code of this function, if any.
    #[inline(always)]
    pub fn jit_code(&self) -> Option<JitCode> {
        self.jit.get()
    }
}
