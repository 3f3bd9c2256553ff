//! The fuzzing engine, on the stable toolchain (cargo-fuzz needs nightly).
//!
//! A target is a named check over one input's bytes (`Target`). A campaign
//! (`campaign::run`) first replays the target's saved seed corpus and every
//! input that ever failed (`fuzz/corpus/<target>/`, `fuzz/regressions/
//! <target>/`), then explores: each new input is either made by the
//! target's structure-aware generator or is a byte-level mutation
//! (`mutate`) of a corpus input. Every input runs on a thread of its own
//! under a wall-clock bound, so a panic and a hang are both findings
//! (`exec`); a failing input is saved to the regressions folder at once,
//! so `cargo test` replays it from then on. The targets themselves live in
//! `crates/fox-fuzz/tests/fuzz/`; this crate holds no knowledge of Morph.

pub mod campaign;
pub mod corpus;
pub mod exec;
pub mod mutate;
pub mod rng;

pub use campaign::{run, Report, Settings};
pub use corpus::Corpus;
pub use exec::{Finding, Outcome};
pub use rng::Rng;

/// What a target checks: `Ok` when the input was handled (accepted or
/// refused with a clear error), `Err` with the broken property otherwise.
/// A panic inside `check` is caught by the engine and is a finding too.
pub type Check = fn(&[u8]) -> Result<(), String>;

/// A target's structure-aware generator: from the random source and the
/// inputs known so far (corpus and regressions), a new input.
pub type Generate = fn(&mut Rng, &[Vec<u8>]) -> Vec<u8>;

/// One fuzz target.
#[derive(Clone, Copy)]
pub struct Target {
    /// Folder name under `fuzz/corpus/` and `fuzz/regressions/`.
    pub name: &'static str,
    /// File extension of saved inputs (`fox`, `json`, `bin`, …).
    pub ext: &'static str,
    pub check: Check,
    pub generate: Generate,
    /// Largest input handed to `check` (longer mutations are cut).
    pub max_len: usize,
}
