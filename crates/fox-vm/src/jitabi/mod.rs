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

/// Machine code the JIT keeps at most, in bytes (`Config::jit_code_limit`).
/// About 3,000 typical functions; LuaJIT flushes its (smaller) machine-code
/// area the same way when it is full.
pub const DEFAULT_JIT_CODE_LIMIT: u64 = 32 << 20;

pub use enter::JitStats;
pub use fast::{ENTRY_MIN, MAX_NATIVE_NESTING};

/// Compiled code for one function: enter at any pc of its bytecode.
pub type JitEntry =
    unsafe extern "C" fn(vm: *mut Vm, regs: *mut Value, pc: u32, stop: usize) -> u32;

/// A function's compiled code. `repr(transparent)` over a function
/// pointer, so `FuncInfo::jit` (an `Option<JitCode>` in a `Cell`) is one
/// word, 0 when the function has no code, which compiled code reads.
#[derive(Clone, Copy, Debug)]
#[repr(transparent)]
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

    /// The frame stack (`SlotStack<Frame>`): buffer address, live frames,
    /// initialised slots (all usize).
    pub const VM_FRAMES_ADDR: i32 =
        (offset_of!(Vm, frames) + slotstack::offsets::addr::<Frame>()) as i32;
    pub const VM_FRAMES_LEN: i32 =
        (offset_of!(Vm, frames) + slotstack::offsets::len::<Frame>()) as i32;
    /// The frame stack's initialised slots (usize): compiled code pushes
    /// a frame itself only below this.
    pub const VM_FRAMES_CAP: i32 =
        (offset_of!(Vm, frames) + slotstack::offsets::cap::<Frame>()) as i32;
    /// `Config::max_depth` (usize).
    pub const VM_MAX_DEPTH: i32 =
        (offset_of!(Vm, config) + offset_of!(crate::config::Config, max_depth)) as i32;
    /// The register stack's usable slots (usize).
    pub const VM_STACK_LEN: i32 = (offset_of!(Vm, stack) + crate::regstack::offsets::LEN) as i32;
    /// The handler stack's live entries (usize).
    pub const VM_HANDLERS_LEN: i32 =
        (offset_of!(Vm, handlers) + slotstack::offsets::len::<Handler>()) as i32;
    /// The register stack's base (a pointer; it never moves).
    pub const VM_STACK_BASE: i32 = (offset_of!(Vm, stack) + crate::regstack::offsets::BASE) as i32;
    /// `Vm::jit_slow` (u64 per instruction, in `OP_NAMES` order).
    pub const VM_JIT_SLOW: i32 = offset_of!(Vm, jit_slow) as i32;
    /// `Vm::jit_nesting` (u32): compiled frames called natively right now.
    pub const VM_JIT_NESTING: i32 = offset_of!(Vm, jit_nesting) as i32;

    /// A frame: its size and its fields. `func` is a `FuncInfo` pointer,
    /// `kind` starts with its u32 tag (`FRAME_KIND_NORMAL` for an
    /// ordinary frame), the others are u32.
    pub const FRAME_SIZE: i32 = std::mem::size_of::<Frame>() as i32;
    pub const FRAME_FUNC: i32 = offset_of!(Frame, func) as i32;
    pub const FRAME_CLOSURE: i32 = offset_of!(Frame, closure) as i32;
    pub const FRAME_BASE: i32 = offset_of!(Frame, base) as i32;
    pub const FRAME_PC: i32 = offset_of!(Frame, pc) as i32;
    pub const FRAME_RET: i32 = offset_of!(Frame, ret) as i32;
    pub const FRAME_KIND: i32 = offset_of!(Frame, kind) as i32;
    pub const FRAME_HANDLER_BASE: i32 = offset_of!(Frame, handler_base) as i32;
    pub const FRAME_KIND_NORMAL: u32 = 0;

    /// A function (`FuncInfo`): its direct-call caches' address (usize),
    /// its compiled entry (a pointer, 0 = none) and its register count
    /// (u16).
    pub const FUNC_CALL_CACHE: i32 = offset_of!(FuncInfo, call_cache_addr) as i32;
    pub const FUNC_JIT: i32 = offset_of!(FuncInfo, jit) as i32;
    pub const FUNC_REGS: i32 =
        (offset_of!(FuncInfo, proto) + offset_of!(fox_bytecode::Proto, regs)) as i32;
    /// A `CallCache`: its size and fields (two words).
    pub const CALL_CACHE_SIZE: i32 = std::mem::size_of::<super::CallCache>() as i32;
    pub const CALL_CACHE_CALLEE: i32 = offset_of!(super::CallCache, callee) as i32;
    pub const CALL_CACHE_FUNC: i32 = offset_of!(super::CallCache, func) as i32;
    use crate::object::FuncInfo;

    use crate::slotstack;
    use crate::vm::{Frame, Handler};
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

    /// Machine code bytes of the current generation (what the code-cache
    /// limit counts).
    fn code_bytes(&self) -> u64 {
        0
    }

    /// Forget the code cache and compile into a fresh code area from now
    /// on. The code handed out so far must stay valid — compiled frames
    /// may still be running it — until [`JitBackend::release_retired`].
    fn retire(&mut self) {}

    /// Free the generations retired so far.
    ///
    /// # Safety
    ///
    /// No code of a retired generation is running (`Vm::jit_running` is
    /// 0) and none will be called again: every entry of it was forgotten
    /// (`Vm::evict_compiled`).
    unsafe fn release_retired(&mut self) {}
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

/// A `Call` instruction's direct-call cache: the callee value last
/// called there (a closure's word; `UNDEF` when empty) and its function
/// (a `FuncInfo` address). Filled by `fox_jit_enter_call` when it pushed
/// a compiled callee's frame; compiled code that finds the same callee
/// value pushes the frame itself. A closure's function and parameters
/// never change, so the entry stays right for as long as the handle means
/// that closure: every collection empties the caches (`Vm::collect_garbage`).
#[repr(C)]
#[derive(Debug)]
pub struct CallCache {
    pub callee: std::cell::Cell<u64>,
    pub func: std::cell::Cell<usize>,
}

impl CallCache {
    fn empty() -> CallCache {
        CallCache {
            callee: std::cell::Cell::new(helpers::UNDEF),
            func: std::cell::Cell::new(0),
        }
    }
}

/// The `Call` sites of `code`: for each pc its cache index (`u32::MAX`
/// for other instructions), and the empty caches.
pub(crate) fn call_caches(code: &[fox_bytecode::Op]) -> (Box<[u32]>, Box<[CallCache]>) {
    let (index, sites) = site_index(code, |op| matches!(op, fox_bytecode::Op::Call { .. }));
    let caches = (0..sites).map(|_| CallCache::empty()).collect();
    (index, caches)
}

/// Number the instructions of `code` that `is_site` picks, in order: for
/// each pc its number (`u32::MAX` for the others), and how many there are.
pub(crate) fn site_index(
    code: &[fox_bytecode::Op],
    is_site: impl Fn(&fox_bytecode::Op) -> bool,
) -> (Box<[u32]>, u32) {
    let mut sites = 0u32;
    let index = code
        .iter()
        .map(|op| {
            if is_site(op) {
                sites += 1;
                sites - 1
            } else {
                u32::MAX
            }
        })
        .collect();
    (index, sites)
}

impl Vm {
    /// Empty every direct-call cache (before a collection).
    pub(crate) fn clear_call_caches(&mut self) {
        if !std::mem::take(&mut self.call_caches_used) {
            return;
        }
        for f in self.funcs.iter() {
            for c in f.call_cache.iter() {
                c.callee.set(helpers::UNDEF);
            }
        }
    }
}

impl FuncInfo {
    /// The compiled code of this function, if any.
    #[inline(always)]
    pub fn jit_code(&self) -> Option<JitCode> {
        self.jit.get()
    }

    /// May compiled code of this function be entered at `pc`?
    #[inline(always)]
    pub fn is_jit_entry(&self, pc: usize) -> bool {
        self.jit_entries.get(pc).copied().unwrap_or(false)
    }
}
