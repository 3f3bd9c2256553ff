//! Finished machine code as a callable entry, and freeing it: the only
//! `unsafe` of this crate.

use cranelift_jit::JITModule;
use fox_vm::jitabi::{JitCode, JitEntry};

/// The entry of a function `Jit::translate` finished.
pub(crate) fn entry_from(ptr: *const u8) -> JitCode {
    // SAFETY: `ptr` is the start of a function the JIT module finalized
    // (executable, never freed while the module lives, and the module
    // lives as long as the `Jit` that hands out this code), compiled with
    // `codegen::entry_signature` in the target's default calling
    // convention, which is the C convention `JitEntry` declares: same
    // parameters (i64, i64, i32, i64) and result (i32).
    let entry = unsafe { std::mem::transmute::<*const u8, JitEntry>(ptr) };
    JitCode { entry }
}

/// Free a retired code area.
///
/// # Safety
///
/// No entry of `module` is running or will be called again (the contract
/// of `JitBackend::release_retired`).
pub(crate) unsafe fn free(module: JITModule) {
    // SAFETY: the caller's contract; the code cache holding the other
    // copies of its entries was replaced when the module was retired
    // (`Jit::retire`).
    unsafe { module.free_memory() };
}

impl Drop for crate::Jit {
    fn drop(&mut self) {
        // SAFETY: `module` is taken exactly once, here, and not used after.
        let module = unsafe { std::mem::ManuallyDrop::take(&mut self.module) };
        // SAFETY: no entry of this module (nor of a retired one) is running
        // or called again: a VM drops its backend only when it is dropped
        // itself (nothing runs then) or after clearing every function's
        // compiled code (`Vm::set_jit_backend`, `Vm::take_jit_backend`),
        // and the code cache holding the other copies is dropped with this
        // `Jit`.
        unsafe { module.free_memory() };
        for retired in self.retired.drain(..) {
            // SAFETY: as above.
            unsafe { retired.free_memory() };
        }
    }
}
