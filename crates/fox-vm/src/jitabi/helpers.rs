//! The runtime helpers compiled code calls: a stable `extern "C"` ABI.
//! Each takes the VM pointer compiled code was entered with. Only
//! `fox_jit_step` exists so far: every case compiled code does not handle
//! inline goes through it, so the interpreter's own code decides it.

use crate::vm::Vm;

/// Run the instruction at `pc` of the top frame in the interpreter.
/// Returns a `status`: `RESUME` (go on with `pc + 1`), `JUMPED` (go on at
/// the instruction's target), or `CONTINUE`/`ERROR`/`DONE`, which compiled
/// code returns to the interpreter unchanged.
///
/// # Safety
///
/// `vm` must be the pointer the compiled code was entered with (the VM
/// running it, with no other reference to it in use), and `pc` an
/// instruction of the function of the VM's top frame.
pub unsafe extern "C" fn fox_jit_step(vm: *mut Vm, pc: u32, stop: usize) -> u32 {
    // SAFETY: the caller's contract: `vm` is the live VM that entered the
    // compiled code, and the interpreter frame that called it does not use
    // the VM until the code returns (`Vm::enter_jit`).
    let vm = unsafe { &mut *vm };
    vm.jit_step(pc, stop)
}
