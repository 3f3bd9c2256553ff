//! Lints about names in a scope (the module body or one function body;
//! blocks never open a scope): W0001, a name declared twice along the same
//! path (an earlier declaration in the same block or an enclosing one —
//! not one in a sibling branch or an earlier loop body), and W0003, a local
//! variable or parameter of a function that nothing reads (nested
//! functions' reads count; a name starting with `_` is exempt, as in Rust).
//! Also the set of every name the module declares, which other lints use.

use crate::walk::{self, DeclKind, Func};
use morph_syntax::ast::{Block, Ident, Program, StmtKind};
use morph_syntax::diagnostic::{codes, Diagnostic};
use morph_syntax::{LineIndex, Span};
use rustc_hash::{FxHashMap, FxHashSet};

/// Every name declared anywhere in the program (any scope, parameters,
/// import bindings and names created by `ubah name = …`).
pub fn declared_names(program: &Program) -> FxHashSet<String> {
    let mut names = FxHashSet::default();
    let mut funcs = Vec::new();
    collect_names(&program.body, &mut names);
    walk::nested_functions(&program.body, &mut funcs);
    while let Some(f) = funcs.pop() {
        names.extend(f.params.iter().map(|p| p.name.clone()));
        collect_names(f.body, &mut names);
        walk::nested_functions(f.body, &mut funcs);
    }
    names
}

fn collect_names(block: &Block, names: &mut FxHashSet<String>) {
    walk::each_stmt(block, &mut |s| {
        let mut decls = Vec::new();
        walk::stmt_decls(s, &mut decls);
        names.extend(decls.iter().map(|(id, _)| id.name.clone()));
        match &s.kind {
            StmtKind::ImportAll { path, alias } => {
                names.insert(fox_compiler::scope::import_binding(
                    &path.value,
                    alias.as_ref(),
                ));
            }
            StmtKind::Pinjam { path, alias } => {
                names.insert(fox_compiler::scope::pinjam_binding(
                    &path.value,
                    alias.as_ref(),
                ));
            }
            StmtKind::Assign { target, .. } => {
                if let morph_syntax::ast::ExprKind::Name(n) = &target.kind {
                    names.insert(n.clone());
                }
            }
            _ => {}
        }
    });
}

/// W0001 and W0003 over the module and every function in it.
pub fn lint(program: &Program, src: &str, lines: &LineIndex, out: &mut Vec<Diagnostic>) {
    let mut seen = FxHashMap::default();
    redeclared(&program.body, &mut seen, src, lines, out);
    let mut funcs = Vec::new();
    walk::nested_functions(&program.body, &mut funcs);
    while let Some(f) = funcs.pop() {
        let mut seen: FxHashMap<&str, (Span, DeclKind)> = FxHashMap::default();
        for p in f.params {
            seen.entry(p.name.as_str())
                .or_insert((p.span, DeclKind::Param));
        }
        redeclared(f.body, &mut seen, src, lines, out);
        unused(&f, out);
        walk::nested_functions(f.body, &mut funcs);
    }
}

fn redeclared<'a>(
    block: &'a Block,
    seen: &mut FxHashMap<&'a str, (Span, DeclKind)>,
    src: &str,
    lines: &LineIndex,
    out: &mut Vec<Diagnostic>,
) {
    for s in block {
        for b in walk::child_blocks(s) {
            let mut inner = seen.clone();
            redeclared(b, &mut inner, src, lines, out);
        }
        let mut decls = Vec::new();
        walk::stmt_decls(s, &mut decls);
        for (id, kind) in decls {
            if matches!(kind, DeclKind::Catch | DeclKind::Pattern) || id.name.starts_with('_') {
                continue;
            }
            match seen.get(id.name.as_str()) {
                Some(&(first, first_kind)) => {
                    out.push(redeclaration(id, kind, first, first_kind, src, lines))
                }
                None => {
                    seen.insert(&id.name, (id.span, kind));
                }
            }
        }
    }
}

fn redeclaration(
    id: &Ident,
    kind: DeclKind,
    first: Span,
    first_kind: DeclKind,
    src: &str,
    lines: &LineIndex,
) -> Diagnostic {
    let name = &id.name;
    let line = lines.line_col(src, first.start).0;
    let (message, label) = if first_kind == DeclKind::Param {
        (
            format!("'{name}' sudah menjadi parameter fungsi ini."),
            "parameternya di sini",
        )
    } else {
        (
            format!("'{name}' sudah dideklarasikan di baris {line}."),
            "deklarasi pertama di sini",
        )
    };
    let help = match kind {
        DeclKind::Let => format!(
            "untuk mengganti nilainya tulis `ubah {name} = …`; 'biar' kedua membuat deklarasi baru \
             yang menimpa yang lama"
        ),
        _ => format!(
            "dua deklarasi bernama '{name}': yang kedua menggantikan yang pertama; beri nama lain"
        ),
    };
    Diagnostic::warning(codes::REDECLARED, message, id.span)
        .with_label(first, label)
        .with_help(help)
}

/// Names read in a function body and in the functions nested in it (minus
/// the names those declare themselves).
fn used_names<'a>(f: &Func<'a>) -> FxHashSet<&'a str> {
    let mut used = FxHashSet::default();
    walk::each_stmt(f.body, &mut |s| {
        for e in walk::stmt_exprs(s) {
            let mut reads = Vec::new();
            walk::reads(e, &mut reads);
            used.extend(reads.into_iter().map(|(n, _)| n));
        }
    });
    let mut nested = Vec::new();
    walk::nested_functions(f.body, &mut nested);
    for g in &nested {
        let own = local_decls(g);
        used.extend(used_names(g).into_iter().filter(|n| !own.contains_key(n)));
    }
    used
}

/// A function's locals: parameters and every declaration in its body, each
/// with its first declaration.
fn local_decls<'a>(f: &Func<'a>) -> FxHashMap<&'a str, (&'a Ident, DeclKind)> {
    let mut decls: FxHashMap<&str, (&Ident, DeclKind)> = FxHashMap::default();
    for p in f.params {
        decls.entry(p.name.as_str()).or_insert((p, DeclKind::Param));
    }
    walk::each_stmt(f.body, &mut |s| {
        let mut found = Vec::new();
        walk::stmt_decls(s, &mut found);
        for (id, kind) in found {
            decls.entry(id.name.as_str()).or_insert((id, kind));
        }
    });
    decls
}

fn unused(f: &Func, out: &mut Vec<Diagnostic>) {
    let used = used_names(f);
    let mut locals: Vec<(&Ident, DeclKind)> = local_decls(f).into_values().collect();
    locals.sort_by_key(|(id, _)| id.span.start);
    for (id, kind) in locals {
        let name = id.name.as_str();
        if used.contains(name) || name.starts_with('_') || name.is_empty() {
            continue;
        }
        let (what, help) = match kind {
            DeclKind::Param => ("Parameter", format!("jika memang tidak dipakai, beri nama berawalan '_' (mis. '_{name}')")),
            DeclKind::Let => ("Variabel", format!("hapus deklarasinya, atau beri nama berawalan '_' (mis. '_{name}') jika disengaja")),
            DeclKind::Catch => ("Variabel galat", format!("jika galatnya tidak dipakai, tulis `tangkap _{name}`")),
            DeclKind::Pattern => ("Nama pola", "jika nilainya tidak dipakai, tulis '_' di pola".to_string()),
            _ => continue,
        };
        out.push(
            Diagnostic::warning(
                codes::UNUSED,
                format!("{what} '{name}' tidak pernah dipakai."),
                id.span,
            )
            .with_help(help),
        );
    }
}
