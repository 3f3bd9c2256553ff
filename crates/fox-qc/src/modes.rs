//! The execution modes a Morph program is run under. Every mode must give
//! the same stdout, stderr and exit status as `interp`, byte for byte.
//! Today: the interpreter, and round trips through the VM image that
//! tickets hold (`fox run --roundtrip-every N`, N ∈ {1, 7, 101}). The
//! coming tiers (`jit` with a compile threshold of 0, `auto`, `aot`,
//! `wasm`, `js`) are one entry each.

use std::path::Path;
use std::process::Command;

/// How a mode runs a program.
#[derive(Debug, Clone, Copy)]
pub enum Runner {
    /// `fox ARGS… FILE`: a mode of the `fox` binary itself.
    Fox(&'static [&'static str]),
}

/// One execution mode.
#[derive(Debug, Clone, Copy)]
pub struct Mode {
    /// The name failures and summaries use (`interp`, `roundtrip-7`).
    pub name: &'static str,
    pub runner: Runner,
}

/// The reference mode: every other one is compared with it.
pub const REFERENCE: &str = "interp";

/// Every mode this build has, the reference first.
pub const MODES: &[Mode] = &[
    Mode {
        name: "interp",
        runner: Runner::Fox(&["run"]),
    },
    Mode {
        name: "roundtrip-1",
        runner: Runner::Fox(&["run", "--roundtrip-every", "1"]),
    },
    Mode {
        name: "roundtrip-7",
        runner: Runner::Fox(&["run", "--roundtrip-every", "7"]),
    },
    Mode {
        name: "roundtrip-101",
        runner: Runner::Fox(&["run", "--roundtrip-every", "101"]),
    },
];

/// The modes whose names contain `filter` (all when it is empty), the
/// reference always first and always kept.
pub fn selected(filter: &str) -> Vec<Mode> {
    MODES
        .iter()
        .filter(|m| m.name == REFERENCE || filter.is_empty() || m.name.contains(filter))
        .copied()
        .collect()
}

impl Mode {
    /// The command that runs `file` (a path relative to `dir`, the working
    /// directory) under this mode with the `fox` binary at `fox`.
    pub fn command(&self, fox: &Path, dir: &Path, file: &str) -> Command {
        match self.runner {
            Runner::Fox(args) => {
                let mut c = Command::new(fox);
                c.args(args).arg(file).current_dir(dir);
                c
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_comes_first_and_names_are_unique() {
        assert_eq!(MODES[0].name, REFERENCE);
        let mut names: Vec<&str> = MODES.iter().map(|m| m.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), MODES.len());
        assert_eq!(selected("roundtrip-7").len(), 2);
        assert_eq!(selected("").len(), MODES.len());
    }
}
