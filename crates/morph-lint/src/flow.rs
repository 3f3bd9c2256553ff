//! W0002: statements that can never run because the statement before them
//! always leaves the block — `kembalikan`/`kembali`, `lemparkan`,
//! `berhenti`, `lanjutkan`, or a `jika … lain … akhir` whose every branch
//! does. One warning per block, at its first unreachable statement, with
//! the statement that leaves as a label; the module body and every function
//! body are checked, and blocks nested in reachable code too.

use crate::walk;
use morph_syntax::ast::{Block, Program, Stmt, StmtKind};
use morph_syntax::diagnostic::{codes, Diagnostic};
use morph_syntax::Span;

/// Does this statement always leave the block it is in?
fn diverges(s: &Stmt) -> bool {
    match &s.kind {
        StmtKind::Return(_) | StmtKind::Throw { .. } | StmtKind::Break | StmtKind::Continue => true,
        StmtKind::If {
            branches,
            else_body: Some(other),
        } => branches.iter().all(|(_, b)| block_diverges(b)) && block_diverges(other),
        StmtKind::Block(b) => block_diverges(b),
        _ => false,
    }
}

fn block_diverges(b: &Block) -> bool {
    b.iter().any(diverges)
}

/// The first line of a statement (for a label that stays short).
fn first_line(src: &str, span: Span) -> Span {
    let text = src
        .get(span.start as usize..span.end as usize)
        .unwrap_or("");
    let len = text.find('\n').unwrap_or(text.len());
    Span::new(span.start, span.start + len as u32)
}

/// The word that makes `s` leave its block, as written in the source.
fn leaving_word(src: &str, s: &Stmt) -> String {
    let text = src
        .get(s.span.start as usize..s.span.end as usize)
        .unwrap_or("");
    let word: String = text
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if word.is_empty() {
        "pernyataan ini".to_string()
    } else {
        format!("'{word}' ini")
    }
}

fn check_block(block: &Block, src: &str, out: &mut Vec<Diagnostic>) {
    for (i, s) in block.iter().enumerate() {
        for b in walk::child_blocks(s) {
            check_block(b, src, out);
        }
        if !diverges(s) {
            continue;
        }
        let Some(next) = block.get(i + 1) else {
            return;
        };
        let word = leaving_word(src, s);
        let leaving = if matches!(s.kind, StmtKind::If { .. }) {
            format!("setiap cabang {word}")
        } else {
            word.clone()
        };
        out.push(
            Diagnostic::warning(
                codes::UNREACHABLE,
                "Kode ini tidak akan pernah dijalankan.",
                first_line(src, next.span),
            )
            .with_label(
                first_line(src, s.span),
                format!("{leaving} selalu keluar lebih dulu"),
            )
            .with_help(format!(
                "hapus kode yang tak terjangkau, atau pindahkan ke sebelum {word}"
            )),
        );
        return;
    }
}

/// W0002 over the module body and every function body.
pub fn lint(program: &Program, src: &str, out: &mut Vec<Diagnostic>) {
    check_block(&program.body, src, out);
    let mut funcs = Vec::new();
    walk::nested_functions(&program.body, &mut funcs);
    while let Some(f) = funcs.pop() {
        check_block(f.body, src, out);
        walk::nested_functions(f.body, &mut funcs);
    }
}
