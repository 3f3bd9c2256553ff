//! The execution modes a Morph program is run under. Every mode must give
//! the same stdout, stderr and exit status as `interp`, byte for byte.
//! Today: the interpreter; the JIT with a compile threshold of 0 (every
//! function compiled before it first runs) and the `auto` tier (interpret,
//! compile what gets hot); and round trips through the VM image that
//! tickets hold (`fox run --roundtrip-every N`, N ∈ {1, 7, 101}, and 7
//! under each JIT tier; a program whose state grows with its length may
//! declare a larger floor, see [`roundtrip_floor`]). The coming tiers
//! (`aot`, `wasm`, `js`) are one entry each.

use std::path::Path;
use std::process::Command;

/// How a mode runs a program.
#[derive(Debug, Clone, Copy)]
pub enum Runner {
    /// `fox ARGS… FILE`: a mode of the `fox` binary itself.
    Fox(&'static [&'static str]),
    /// `fox run TIER-ARGS… --roundtrip-every N FILE`, N raised to the
    /// program's floor when it declares one (see [`roundtrip_floor`]).
    RoundTrip(u64, &'static [&'static str]),
}

/// The directive a program uses to declare the smallest round-trip
/// interval it can afford, with its reason:
/// `# qc: roundtrip-min 1000 (100 000 frames deep: …)`.
pub const ROUNDTRIP_MIN: &str = "qc: roundtrip-min ";

/// The smallest round-trip interval `source` declares (1 when none). A
/// round trip copies the whole VM, so a program whose live state grows
/// with the number of its safe points (100 000 frames deep, data nested
/// 100 000 deep) costs the square of its length at an interval of 1; such
/// a program says so, and its round trips are made that much further
/// apart. Everything else is round-tripped at the mode's own interval.
pub fn roundtrip_floor(source: &str) -> u64 {
    source
        .lines()
        .filter_map(|l| l.split_once(ROUNDTRIP_MIN))
        .filter_map(|(_, rest)| rest.split_whitespace().next()?.parse().ok())
        .max()
        .unwrap_or(1)
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
        runner: Runner::Fox(&["run", "--tier", "interp"]),
    },
    Mode {
        name: "jit",
        runner: Runner::Fox(&["run", "--tier", "jit", "--jit-threshold", "0"]),
    },
    Mode {
        name: "auto",
        runner: Runner::Fox(&["run", "--tier", "auto"]),
    },
    Mode {
        name: "roundtrip-1",
        runner: Runner::RoundTrip(1, INTERP),
    },
    Mode {
        name: "roundtrip-7",
        runner: Runner::RoundTrip(7, INTERP),
    },
    Mode {
        name: "roundtrip-101",
        runner: Runner::RoundTrip(101, INTERP),
    },
    Mode {
        name: "jit-roundtrip-7",
        runner: Runner::RoundTrip(7, &["--tier", "jit", "--jit-threshold", "0"]),
    },
    Mode {
        name: "auto-roundtrip-7",
        runner: Runner::RoundTrip(7, &["--tier", "auto"]),
    },
];

const INTERP: &[&str] = &["--tier", "interp"];

/// The modes whose names contain one of the comma-separated parts of
/// `filter` (`jit,auto`; all when it is empty), the reference always first
/// and always kept. A filter that names no mode is an error: a run that
/// silently checked only the reference would look like a pass.
pub fn selected(filter: &str) -> Result<Vec<Mode>, String> {
    let parts: Vec<&str> = filter
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if let Some(unknown) = parts
        .iter()
        .find(|p| !MODES.iter().any(|m| m.name.contains(**p)))
    {
        let names: Vec<&str> = MODES.iter().map(|m| m.name).collect();
        return Err(format!(
            "no execution mode matches '{unknown}' (modes: {})",
            names.join(", ")
        ));
    }
    Ok(MODES
        .iter()
        .filter(|m| {
            m.name == REFERENCE || parts.is_empty() || parts.iter().any(|p| m.name.contains(p))
        })
        .copied()
        .collect())
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
            Runner::RoundTrip(every, tier) => {
                let source = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
                let every = every.max(roundtrip_floor(&source));
                let mut c = Command::new(fox);
                c.arg("run")
                    .args(tier)
                    .args(["--roundtrip-every", &every.to_string()])
                    .arg(file)
                    .current_dir(dir);
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
        assert_eq!(selected("roundtrip-7").map(|m| m.len()), Ok(4));
        assert_eq!(selected("").map(|m| m.len()), Ok(MODES.len()));
    }

    #[test]
    fn a_comma_separated_filter_selects_each_part() {
        let names = |f: &str| -> Vec<&str> {
            selected(f)
                .map(|m| m.iter().map(|m| m.name).collect())
                .unwrap_or_default()
        };
        assert_eq!(
            names("jit,auto"),
            [
                "interp",
                "jit",
                "auto",
                "jit-roundtrip-7",
                "auto-roundtrip-7"
            ]
        );
        assert_eq!(
            names(" auto , roundtrip-101"),
            ["interp", "auto", "roundtrip-101", "auto-roundtrip-7"]
        );
        assert!(selected("jit,nonsense").is_err());
    }

    #[test]
    fn a_program_declares_its_round_trip_floor() {
        assert_eq!(roundtrip_floor("tulis(1)\n"), 1);
        let src = "# qc: roundtrip-min 1000 (deep)\ntulis(1)\n";
        assert_eq!(roundtrip_floor(src), 1000);
        assert_eq!(roundtrip_floor("// qc: roundtrip-min x\n"), 1);
    }
}
