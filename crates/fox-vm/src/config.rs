//! Explicit execution limits and run settings, with their defaults.

use crate::permissions::Permissions;

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
    /// `argumen_sistem`: the script path followed by its arguments.
    pub argv: Vec<String>,
    /// Host access this run has. The default grants nothing: an embedder
    /// (the CLI, a task runner) says what a program may touch.
    pub permissions: Permissions,
    /// The key tickets are signed with and checked against. With a key, a
    /// run writes signed tickets and resumes only tickets that key signed;
    /// without one (an embedder that keeps no keys), unsigned ones only.
    pub ticket_key: Option<crate::snapshot::TicketKey>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_depth: 100_000,
            max_instructions: None,
            max_heap_objects: 0,
            argv: Vec::new(),
            permissions: Permissions::none(),
            ticket_key: None,
        }
    }
}
