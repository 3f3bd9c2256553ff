//! Lints for code that parses but means something else than its author
//! (used to another language) thinks:
//!
//! * W0004: `a // b` — in Morph `//` starts a comment, so `biar q = 10 // 3`
//!   is `biar q = 10`. Warned when the `//` follows an operand on the same
//!   line and the comment reads as an expression over names the program
//!   declares (`3`, `b`, `(n - 1)`), but not after a complete call statement
//!   (`tulis(x) // komentar`).
//! * W0005: a name from another language (`true`, `None`, `print`, `len`,
//!   `self`, …) read but declared nowhere in the module, so it fails when it
//!   runs; once per name, with the Morph spelling.

use crate::walk;
use morph_syntax::ast::{Expr, ExprKind, Program, Stmt, StmtKind};
use morph_syntax::diagnostic::{codes, Diagnostic};
use morph_syntax::lexer::Comment;
use morph_syntax::Span;
use rustc_hash::FxHashSet;

/// Every statement of the program (functions included), sorted by start.
fn all_statements(program: &Program) -> Vec<&Stmt> {
    let mut stmts = Vec::new();
    walk::each_stmt(&program.body, &mut |s| stmts.push(s));
    let mut funcs = Vec::new();
    walk::nested_functions(&program.body, &mut funcs);
    while let Some(f) = funcs.pop() {
        walk::each_stmt(f.body, &mut |s| stmts.push(s));
        walk::nested_functions(f.body, &mut funcs);
    }
    stmts.sort_by_key(|s| (s.span.start, std::cmp::Reverse(s.span.end)));
    stmts
}

/// The innermost statement containing `at`.
fn statement_at<'a>(stmts: &[&'a Stmt], at: Span) -> Option<&'a Stmt> {
    let upto = stmts.partition_point(|s| s.span.start <= at.start);
    stmts[..upto]
        .iter()
        .rev()
        .find(|s| s.span.end >= at.end)
        .copied()
}

/// The comment text as an expression, when it is exactly one.
fn as_expression(text: &str) -> Option<Expr> {
    let parsed = morph_syntax::parse(text);
    if !parsed.diagnostics.is_empty() || parsed.program.body.len() != 1 {
        return None;
    }
    let stmt = parsed.program.body.into_iter().next()?;
    match stmt.kind {
        StmtKind::Expr(e) if !matches!(e.kind, ExprKind::Str(_) | ExprKind::Interp(_)) => Some(e),
        _ => None,
    }
}

fn slash_comment(
    c: &Comment,
    src: &str,
    stmts: &[&Stmt],
    declared: &FxHashSet<String>,
) -> Option<Diagnostic> {
    let after = c.after.filter(|_| c.slashes && c.after_operand)?;
    let text = src.get(c.span.start as usize + 2..c.span.end as usize)?;
    if text.starts_with('/') || text.trim().is_empty() {
        return None;
    }
    let divisor = as_expression(text.trim())?;
    let mut names = Vec::new();
    walk::reads(&divisor, &mut names);
    if names.iter().any(|(n, _)| !declared.contains(*n)) {
        return None;
    }
    let stmt = statement_at(stmts, after)?;
    let complete_call = match &stmt.kind {
        StmtKind::Print(_) => true,
        StmtKind::Expr(e) => matches!(e.kind, ExprKind::Call(..)) && e.span.end == after.end,
        _ => false,
    };
    if complete_call {
        return None;
    }
    let operand = src
        .get(after.start as usize..after.end as usize)
        .unwrap_or("a");
    let operand = if operand.len() > 1 && operand.ends_with([')', ']']) {
        "a"
    } else {
        operand
    };
    let rhs = text.trim();
    Some(
        Diagnostic::warning(
            codes::SLASH_COMMENT,
            format!("'//' memulai komentar di Morph: '//{text}' tidak ikut dihitung."),
            c.span,
        )
        .with_label(after, "nilainya berhenti di sini")
        .with_help(format!(
            "pembagian bulat ditulis `lantai({operand} / {rhs})`; komentar sebaiknya ditulis dengan '#'"
        )),
    )
}

/// Names of other languages and how Morph says them.
const FOREIGN_NAMES: &[(&str, &str)] = &[
    ("true", "di Morph, 'true' ditulis 'benar'"),
    ("True", "di Morph, 'True' ditulis 'benar'"),
    ("false", "di Morph, 'false' ditulis 'salah'"),
    ("False", "di Morph, 'False' ditulis 'salah'"),
    ("null", "di Morph, 'null' ditulis 'nil'"),
    ("None", "di Morph, 'None' ditulis 'nil'"),
    ("undefined", "di Morph, 'undefined' ditulis 'nil'"),
    ("self", "di dalam metode, objeknya sendiri ditulis 'ini'"),
    ("this", "di dalam metode, objeknya sendiri ditulis 'ini'"),
    ("print", "mencetak ditulis `tulis(a, b)`"),
    ("println", "mencetak ditulis `tulis(a, b)`"),
    ("console", "mencetak ditulis `tulis(a, b)`"),
    ("len", "panjang teks, daftar atau kamus: `panjang(x)`"),
    ("str", "mengubah nilai menjadi teks: `teks(x)` atau \"{x}\""),
    ("input", "membaca satu baris masukan: `masukan(\"prompt\")`"),
    (
        "range",
        "Morph tidak punya 'range'; hitung dengan `selama i < n maka` … `ubah i = i + 1` … `akhir`",
    ),
    (
        "Math",
        "fungsi matematika adalah global: `lantai`, `atap`, `bulat`, `pangkat`, `akar`, `absolut`",
    ),
];

fn foreign_names(stmts: &[&Stmt], declared: &FxHashSet<String>, out: &mut Vec<Diagnostic>) {
    let mut reported: FxHashSet<&str> = FxHashSet::default();
    for s in stmts {
        for e in walk::stmt_exprs(s) {
            let mut reads = Vec::new();
            walk::reads(e, &mut reads);
            for (name, span) in reads {
                let Some((word, help)) = FOREIGN_NAMES.iter().find(|(w, _)| *w == name) else {
                    continue;
                };
                if declared.contains(name) || !reported.insert(word) {
                    continue;
                }
                out.push(
                    Diagnostic::warning(
                        codes::FOREIGN_NAME,
                        format!("'{name}' tidak dikenal di Morph: program ini tidak pernah mendeklarasikannya."),
                        span,
                    )
                    .with_help(*help),
                );
            }
        }
    }
}

/// W0004 and W0005.
pub fn lint(
    program: &Program,
    comments: &[Comment],
    src: &str,
    declared: &FxHashSet<String>,
    out: &mut Vec<Diagnostic>,
) {
    let stmts = all_statements(program);
    for c in comments {
        if let Some(d) = slash_comment(c, src, &stmts, declared) {
            out.push(d);
        }
    }
    foreign_names(&stmts, declared, out);
}
