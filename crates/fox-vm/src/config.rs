//! Explicit execution limits and run settings, with their defaults.

/// The heap limit when none is configured: 4 GiB. (`fox run` lowers it to
/// half the machine's physical memory when that is less; a FoxIPC task
/// gets 512 MiB.)
pub const DEFAULT_MAX_HEAP_BYTES: usize = 4 << 30;

/// Limits and settings for one VM.
#[derive(Clone, Debug)]
pub struct Config {
    /// Maximum number of Morph call frames; deeper calls raise a catchable
    /// `ErrorSistem`.
    pub max_depth: usize,
    /// Instruction budget counted at loop back-edges and calls (None =
    /// unlimited); running out stops the run with an uncatchable error.
    pub max_instructions: Option<u64>,
    /// Maximum number of live heap objects (0 = unlimited).
    pub max_heap_objects: usize,
    /// Maximum heap size in bytes (0 = unlimited, only when a user asks
    /// for it). An allocation or growth that would pass it raises a
    /// catchable `ErrorMemori` before anything is allocated; see `heap.rs`
    /// for what is counted.
    pub max_heap_bytes: usize,
    /// `argumen_sistem`: the script path followed by its arguments.
    pub argv: Vec<String>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_depth: 100_000,
            max_instructions: None,
            max_heap_objects: 0,
            max_heap_bytes: DEFAULT_MAX_HEAP_BYTES,
            argv: Vec::new(),
        }
    }
}
