//! Finished machine code as a callable entry: the one `unsafe` of this
//! crate.

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
