//! Explicit execution limits and run settings, with their defaults.

use crate::permissions::Permissions;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
/// The heap limit when none is configured: 4 GiB. (`fox run` lowers it to
/// half the machine's physical memory when that is less; a FoxIPC task
/// gets 512 MiB.)
pub const DEFAULT_MAX_HEAP_BYTES: usize = 4 << 30;

/// Limits and settings for one VM.
#[derive(Clone, Debug)]
pub struct Config {
    /// Maximum number of Morph call frames; deeper calls raise a catchable
    /// `ErrorBatas` (`R1001`).
    pub max_depth: usize,
    /// Slots of the register stack (every frame's registers), reserved
    /// when the VM starts; deeper recursion raises the same `ErrorBatas`
    /// (`R1001`) as `max_depth`. The reserve is address space: memory is
    /// used only as frames reach it.
    pub max_stack_slots: usize,
    /// Instruction budget counted at loop back-edges and calls (None =
    /// unlimited); running out stops the run with an uncatchable error.
    pub max_instructions: Option<u64>,
    /// Maximum number of live heap objects (0 = unlimited).
    pub max_heap_objects: usize,
    /// Maximum nesting of lists, dicts and variants that repr/str, `==` and
    /// ordering walk; deeper data raises a catchable `ErrorBatas` (like
    /// Python's `RecursionError`). Clamped to
    /// [`crate::limits::HARD_MAX_DATA_DEPTH`] (native stack).
    pub max_data_depth: usize,
    /// Maximum number of decimal digits of an integer converted to or from
    /// text (Python's `sys.set_int_max_str_digits`, default 4300; 0 = no
    /// limit; other values below 640 count as 640, as in Python). Beyond it
    /// the conversion raises `ErrorBatas` (`R1003`).
    pub max_int_digits: usize,
    /// Maximum heap size in bytes (0 = unlimited, only when a user asks
    /// for it). An allocation or growth that would pass it raises a
    /// catchable `ErrorMemori` before anything is allocated; see `heap.rs`
    /// for what is counted.
    pub max_heap_bytes: usize,
    /// `argumen_sistem`: the script path followed by its arguments.
    pub argv: Vec<String>,
    /// Host access this run has. The default grants nothing: an embedder
    /// (the CLI, a task runner) says what a program may touch.
    pub permissions: Permissions,
    /// The key tickets are signed with and checked against. With a key, a
    /// run writes signed tickets and resumes only tickets that key signed;
    /// without one (an embedder that keeps no keys), unsigned ones only.
    pub ticket_key: Option<crate::snapshot::TicketKey>,
    /// A flag another thread (or a signal handler) sets to stop the run,
    /// e.g. Ctrl-C in the REPL. Read at safe points between slices of the
    /// instruction budget and in native operations that charge work (see
    /// `limits`), and by the sleep of a host that holds the same flag; a
    /// set flag stops the run with the uncatchable
    /// [`VmError::Interrupted`](crate::VmError::Interrupted) and is cleared.
    /// `None` (the default): nothing is checked, the interpreter runs as
    /// without it.
    pub interrupt: Option<Arc<AtomicBool>>,
    /// The tier code runs in (ManajerFox): the interpreter only, or the
    /// JIT as well (which also needs a backend, `Vm::set_jit_backend`).
    pub tier: crate::jitabi::Tier,
    /// Calls plus taken loop back-edges after which a function is compiled
    /// (0: before its first run).
    pub jit_threshold: u32,
    /// Machine code bytes the JIT keeps at most: when a compilation finds
    /// the code cache at this size, all compiled code is dropped (the
    /// functions run interpreted until they get hot again) and compiling
    /// starts over in a fresh code area (see `jitabi::enter`).
    pub jit_code_limit: u64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_depth: 100_000,
            max_stack_slots: crate::regstack::DEFAULT_STACK_SLOTS,
            max_instructions: None,
            max_heap_objects: 0,
            max_data_depth: 1000,
            max_int_digits: 4300,
            max_heap_bytes: DEFAULT_MAX_HEAP_BYTES,
            argv: Vec::new(),
            permissions: Permissions::none(),
            ticket_key: None,
            interrupt: None,
            tier: crate::jitabi::Tier::Interp,
            jit_threshold: crate::jitabi::DEFAULT_JIT_THRESHOLD,
            jit_code_limit: crate::jitabi::DEFAULT_JIT_CODE_LIMIT,
        }
    }
}
