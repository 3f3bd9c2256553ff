//! `--max-heap-bytes`: sizes written like `512M` or `4G` (powers of 1024;
//! `0` = unlimited), and the default heap limit of `fox run`, `fox repl`
//! and `fox resume`: 4 GiB, or half the machine's physical memory (from
//! `/proc/meminfo`) when that is less, so one runaway program cannot take
//! the whole machine.

use fox_vm::config::DEFAULT_MAX_HEAP_BYTES;

/// clap value parser for `--max-heap-bytes`.
pub fn parse(s: &str) -> Result<usize, String> {
    fox_vm::memory::parse_bytes(s)
}

/// The heap limit when none is given.
pub fn default_limit() -> usize {
    match physical_memory() {
        Some(total) => DEFAULT_MAX_HEAP_BYTES.min(total / 2).max(64 << 20),
        None => DEFAULT_MAX_HEAP_BYTES,
    }
}

/// `MemTotal` of `/proc/meminfo`, in bytes (None where there is no such
/// file, e.g. outside Linux).
fn physical_memory() -> Option<usize> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: usize = line
        .trim_start_matches("MemTotal:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    kib.checked_mul(1024)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_default_is_at_most_4_gib() {
        let d = super::default_limit();
        assert!((64 << 20..=4 << 30).contains(&d), "{d}");
    }
}
