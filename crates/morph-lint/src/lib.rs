//! The static analysis behind `fox check`, between the compiler and the CLI:
//!
//! * [`errors`]: every error a program has — the parser's, and the
//!   compiler's checks run on the tree the parser recovered (so a semantic
//!   error is not hidden by a syntax error elsewhere; compiler diagnostics
//!   on a line that already has a syntax error are dropped as cascades).
//!   A `//` comment right after an operand on the line of an error gets a
//!   hint (it may have been meant as floor division).
//! * [`lint`]: warnings with stable codes W0001–W0005 (see
//!   `morph_syntax::diagnostic::codes`), run only on a program without
//!   errors: redeclared names and unused locals (`scope`), unreachable code
//!   (`flow`), `//` after an expression and names of other languages
//!   (`spelling`).
//! * [`check`]: both, in source order.
//!
//! Nothing here prints; the CLI renders the diagnostics.

mod flow;
mod scope;
mod spelling;
mod walk;

use morph_syntax::diagnostic::Diagnostic;
use morph_syntax::{LineIndex, Parsed};

/// Errors and (when there are none) warnings of one file, in source order.
pub fn check(file: &str, source: &str) -> Vec<Diagnostic> {
    let parsed = morph_syntax::parse(source);
    let mut diags = errors_of(&parsed, file, source);
    if !diags.iter().any(Diagnostic::is_error) {
        diags.extend(lint(&parsed, source));
    }
    sort(&mut diags);
    diags
}

/// Every error of one file (parser and compiler), in source order.
pub fn errors(file: &str, source: &str) -> Vec<Diagnostic> {
    let parsed = morph_syntax::parse(source);
    let mut diags = errors_of(&parsed, file, source);
    sort(&mut diags);
    diags
}

fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| (d.span.start, d.span.end));
}

fn errors_of(parsed: &Parsed, file: &str, source: &str) -> Vec<Diagnostic> {
    let lines = LineIndex::new(source);
    let line = |d: &Diagnostic| lines.line_col(source, d.span.start).0;
    let mut diags = parsed.diagnostics.clone();
    let bad_lines: rustc_hash::FxHashSet<u32> = diags.iter().map(line).collect();
    let mut globals = fox_compiler::Globals::default();
    let mut interner = fox_bytecode::Interner::new();
    if let Err(found) =
        fox_compiler::compile_module(&parsed.program, file, source, &mut globals, &mut interner)
    {
        diags.extend(found.into_iter().filter(|d| !bad_lines.contains(&line(d))));
    }
    slash_hints(parsed, source, &lines, &mut diags);
    diags
}

/// An error on a line where `//` follows an operand: the rest of the line
/// was a comment, which may be why it is broken (`tulis(10 // 3)`).
fn slash_hints(parsed: &Parsed, source: &str, lines: &LineIndex, diags: &mut [Diagnostic]) {
    for c in &parsed.comments {
        if !(c.slashes && c.after_operand) {
            continue;
        }
        let line = lines.line_col(source, c.span.start).0;
        let on_line = diags.iter_mut().find(|d| {
            d.is_error()
                && d.span.start >= c.span.start
                && lines.line_col(source, d.span.start).0 == line
        });
        if let Some(d) = on_line {
            d.help.push(
                "'//' memulai komentar di Morph, jadi sisa baris ini diabaikan; pembagian bulat \
                 ditulis `lantai(a / b)`"
                    .to_string(),
            );
        }
    }
}

/// The lint warnings of a parsed program (meant for one without errors).
pub fn lint(parsed: &Parsed, source: &str) -> Vec<Diagnostic> {
    let lines = LineIndex::new(source);
    let program = &parsed.program;
    let declared = scope::declared_names(program);
    let mut out = Vec::new();
    scope::lint(program, source, &lines, &mut out);
    flow::lint(program, source, &mut out);
    spelling::lint(program, &parsed.comments, source, &declared, &mut out);
    sort(&mut out);
    out
}
