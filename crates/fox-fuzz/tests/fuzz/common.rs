//! What the VM-running targets share: a small, bounded configuration (an
//! instruction budget, a heap limit, no host access) and the one verdict
//! on how a run ended: every `VmError` is a clear answer except a VM bug
//! (`Internal`) and a compiler output the verifier refused (`E0900`).

use fox_vm::config::Config;
use fox_vm::VmError;

/// The heap limit of a fuzzed run: far above what a small input needs,
/// far below what would hurt the machine.
pub const HEAP_LIMIT: usize = 64 << 20;

/// A configuration bounded in time (`budget` instructions), memory and
/// depth, with the default (empty) permissions.
pub fn config(budget: u64) -> Config {
    Config {
        max_instructions: Some(budget),
        max_heap_objects: 1_000_000,
        max_heap_bytes: HEAP_LIMIT,
        max_depth: 10_000,
        ..Config::default()
    }
}

/// `Ok` unless the run ended in a way only a bug explains.
pub fn verdict(r: &Result<(), VmError>) -> Result<(), String> {
    match r {
        Err(VmError::Internal(m)) => Err(format!("internal VM error: {m}")),
        Err(VmError::Compile { diagnostics, .. }) => {
            match diagnostics.iter().find(|d| d.code == "E0900") {
                Some(d) => Err(format!("compiled code failed verification: {}", d.message)),
                None => Ok(()),
            }
        }
        Err(e) if e.to_string().is_empty() => Err(format!("an error without a message: {e:?}")),
        _ => Ok(()),
    }
}

/// Check that a diagnostic's span (and its labels') lie inside `len`.
pub fn span_inside(d: &morph_syntax::Diagnostic, len: usize) -> Result<(), String> {
    let inside = |s: morph_syntax::Span| s.start <= s.end && (s.end as usize) <= len;
    if !inside(d.span) {
        return Err(format!(
            "{} span {}..{} outside the {len}-byte source: {}",
            d.code, d.span.start, d.span.end, d.message
        ));
    }
    if let Some(l) = d.labels.iter().find(|l| !inside(l.span)) {
        return Err(format!(
            "{} label span {}..{} outside the {len}-byte source",
            d.code, l.span.start, l.span.end
        ));
    }
    if d.code.is_empty() || d.message.trim().is_empty() {
        return Err(format!("a diagnostic without a code or message: {d:?}"));
    }
    Ok(())
}
