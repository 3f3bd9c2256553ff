//! A small, stable S-expression printer for syntax trees, used by the golden
//! tests (`tests/fixtures/ok/*.ast`) and handy for debugging. Expressions and
//! patterns print on one line; every statement starts a new line and the
//! bodies of compound statements are indented by two spaces. Spans are not
//! printed.
//!
//! ```text
//! (fungsi fib (n)
//!   (jika
//!     (cabang (< n 2)
//!       (kembali n)))
//!   (kembali (+ (call fib (- n 1)) (call fib (- n 2)))))
//! ```

use crate::ast::*;
use std::fmt::Write;

/// Render a whole program, one top-level statement per line.
pub fn program(p: &Program) -> String {
    let mut out = String::new();
    for s in &p.body {
        stmt(&mut out, s, 0);
        out.push('\n');
    }
    out
}

/// Render one expression on one line.
pub fn expr(e: &Expr) -> String {
    let mut out = String::new();
    write_expr(&mut out, e);
    out
}

/// Render one pattern on one line.
pub fn pattern(p: &Pattern) -> String {
    let mut out = String::new();
    write_pattern(&mut out, p);
    out
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.escape_debug())
}

fn indent(out: &mut String, level: usize) {
    out.push('\n');
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn block(out: &mut String, body: &Block, level: usize) {
    for s in body {
        indent(out, level);
        stmt(out, s, level);
    }
}

fn stmt(out: &mut String, s: &Stmt, level: usize) {
    match &s.kind {
        StmtKind::Let {
            target,
            value,
            constant,
        } => {
            out.push_str(if *constant { "(tetap " } else { "(biar " });
            match target {
                LetTarget::Name(id) => out.push_str(&id.name),
                LetTarget::Destructure(names) => {
                    let names: Vec<&str> = names.iter().map(|n| n.name.as_str()).collect();
                    let _ = write!(out, "[{}]", names.join(" "));
                }
            }
            if let Some(v) = value {
                out.push(' ');
                write_expr(out, v);
            }
            out.push(')');
        }
        StmtKind::Assign { target, value } => {
            out.push_str("(ubah ");
            write_expr(out, target);
            out.push(' ');
            write_expr(out, value);
            out.push(')');
        }
        StmtKind::Print(args) => {
            out.push_str("(tulis");
            exprs(out, args);
            out.push(')');
        }
        StmtKind::Expr(e) => write_expr(out, e),
        StmtKind::Return(v) => {
            out.push_str("(kembali");
            if let Some(v) = v {
                out.push(' ');
                write_expr(out, v);
            }
            out.push(')');
        }
        StmtKind::Break => out.push_str("(berhenti)"),
        StmtKind::Continue => out.push_str("(lanjutkan)"),
        StmtKind::Throw { value, kind } => {
            out.push_str("(lemparkan ");
            write_expr(out, value);
            if let Some(k) = kind {
                out.push_str(" jenis ");
                write_expr(out, k);
            }
            out.push(')');
        }
        StmtKind::If {
            branches,
            else_body,
        } => {
            out.push_str("(jika");
            for (cond, body) in branches {
                indent(out, level + 1);
                out.push_str("(cabang ");
                write_expr(out, cond);
                block(out, body, level + 2);
                out.push(')');
            }
            if let Some(body) = else_body {
                indent(out, level + 1);
                out.push_str("(lain");
                block(out, body, level + 2);
                out.push(')');
            }
            out.push(')');
        }
        StmtKind::While { cond, body } => {
            out.push_str("(selama ");
            write_expr(out, cond);
            block(out, body, level + 1);
            out.push(')');
        }
        StmtKind::Switch {
            subject,
            cases,
            default,
        } => {
            out.push_str("(pilih ");
            write_expr(out, subject);
            for (value, body) in cases {
                indent(out, level + 1);
                out.push_str("(ketika ");
                write_expr(out, value);
                block(out, body, level + 2);
                out.push(')');
            }
            if let Some(body) = default {
                indent(out, level + 1);
                out.push_str("(lainnya");
                block(out, body, level + 2);
                out.push(')');
            }
            out.push(')');
        }
        StmtKind::Match { subject, arms } => {
            out.push_str("(jodohkan ");
            write_expr(out, subject);
            for arm in arms {
                indent(out, level + 1);
                out.push_str("(| ");
                write_pattern(out, &arm.pattern);
                if let Some(g) = &arm.guard {
                    out.push_str(" jaga ");
                    write_expr(out, g);
                }
                block(out, &arm.body, level + 2);
                out.push(')');
            }
            out.push(')');
        }
        StmtKind::Try {
            body,
            catches,
            finally,
        } => {
            out.push_str("(coba");
            block(out, body, level + 1);
            for c in catches {
                indent(out, level + 1);
                let _ = write!(out, "(tangkap {}", c.name.name);
                if let Some(g) = &c.guard {
                    out.push_str(" jika ");
                    write_expr(out, g);
                }
                block(out, &c.body, level + 2);
                out.push(')');
            }
            if let Some(f) = finally {
                indent(out, level + 1);
                out.push_str("(akhirnya");
                block(out, f, level + 2);
                out.push(')');
            }
            out.push(')');
        }
        StmtKind::Warnai { color, body } => {
            out.push_str("(warnai ");
            write_expr(out, color);
            block(out, body, level + 1);
            out.push(')');
        }
        StmtKind::Function(f) => function(out, f, level),
        StmtKind::Class(c) => {
            let _ = write!(out, "(kelas {}", c.name.name);
            if let Some(p) = &c.parent {
                let _ = write!(out, " warisi {}", p.name);
            }
            for m in &c.methods {
                indent(out, level + 1);
                function(out, m, level + 1);
            }
            out.push(')');
        }
        StmtKind::TypeDecl { name, variants } => {
            let _ = write!(out, "(tipe {}", name.name);
            for v in variants {
                let _ = write!(out, " ({}", v.name.name);
                for f in &v.fields {
                    let _ = write!(out, " {}", f.name);
                }
                out.push(')');
            }
            out.push(')');
        }
        StmtKind::ImportAll { path, alias } => {
            let _ = write!(out, "(ambil_semua {}", quote(&path.value));
            if let Some(a) = alias {
                let _ = write!(out, " sebagai {}", a.name);
            }
            out.push(')');
        }
        StmtKind::ImportFrom { path, names } => {
            let _ = write!(out, "(dari {}", quote(&path.value));
            for n in names {
                let _ = write!(out, " {}", n.name);
            }
            out.push(')');
        }
        StmtKind::Pinjam { path, alias } => {
            let _ = write!(out, "(pinjam {}", quote(&path.value));
            if let Some(a) = alias {
                let _ = write!(out, " sebagai {}", a.name);
            }
            out.push(')');
        }
        StmtKind::Block(body) => {
            out.push_str("(blok");
            block(out, body, level + 1);
            out.push(')');
        }
        StmtKind::Error => out.push_str("<error>"),
    }
}

fn function(out: &mut String, f: &FnDecl, level: usize) {
    let params: Vec<&str> = f.params.iter().map(|p| p.name.as_str()).collect();
    let head = if f.is_async {
        "(asink fungsi"
    } else {
        "(fungsi"
    };
    let _ = write!(out, "{head} {} ({})", f.name.name, params.join(" "));
    block(out, &f.body, level + 1);
    out.push(')');
}

fn exprs(out: &mut String, items: &[Expr]) {
    for e in items {
        out.push(' ');
        write_expr(out, e);
    }
}

fn write_expr(out: &mut String, e: &Expr) {
    match &e.kind {
        ExprKind::Nil => out.push_str("nil"),
        ExprKind::Bool(true) => out.push_str("benar"),
        ExprKind::Bool(false) => out.push_str("salah"),
        ExprKind::Int(n) => {
            let _ = write!(out, "{n}");
        }
        ExprKind::BigInt(d) => {
            let _ = write!(out, "{d}n");
        }
        ExprKind::Float(f) => {
            let _ = write!(out, "{f:?}");
        }
        ExprKind::Str(s) => out.push_str(&quote(s)),
        ExprKind::Interp(parts) => {
            out.push_str("(interp");
            for p in parts {
                out.push(' ');
                match p {
                    InterpPart::Text(t) => out.push_str(&quote(t)),
                    InterpPart::Expr(e) => write_expr(out, e),
                }
            }
            out.push(')');
        }
        ExprKind::Name(n) => out.push_str(n),
        ExprKind::This => out.push_str("ini"),
        ExprKind::Super(name) => {
            let _ = write!(out, "(induk {})", name.name);
        }
        ExprKind::List(items) => {
            out.push_str("(list");
            exprs(out, items);
            out.push(')');
        }
        ExprKind::Dict(entries) => {
            out.push_str("(dict");
            for (k, v) in entries {
                out.push_str(" (");
                write_expr(out, k);
                out.push(' ');
                write_expr(out, v);
                out.push(')');
            }
            out.push(')');
        }
        ExprKind::Unary(op, x) => {
            out.push_str(match op {
                UnaryOp::Neg => "(neg ",
                UnaryOp::Not => "(tidak ",
                UnaryOp::BitNot => "(~ ",
            });
            write_expr(out, x);
            out.push(')');
        }
        ExprKind::Binary(op, l, r) => {
            let _ = write!(out, "({} ", op.symbol());
            write_expr(out, l);
            out.push(' ');
            write_expr(out, r);
            out.push(')');
        }
        ExprKind::And(l, r) | ExprKind::Or(l, r) => {
            let head = if matches!(e.kind, ExprKind::And(..)) {
                "(dan "
            } else {
                "(atau "
            };
            out.push_str(head);
            write_expr(out, l);
            out.push(' ');
            write_expr(out, r);
            out.push(')');
        }
        ExprKind::Ternary(c, a, b) => {
            out.push_str("(? ");
            write_expr(out, c);
            out.push(' ');
            write_expr(out, a);
            out.push(' ');
            write_expr(out, b);
            out.push(')');
        }
        ExprKind::Call(f, args) => {
            out.push_str("(call ");
            write_expr(out, f);
            exprs(out, args);
            out.push(')');
        }
        ExprKind::Index(x, i) => {
            out.push_str("(index ");
            write_expr(out, x);
            out.push(' ');
            write_expr(out, i);
            out.push(')');
        }
        ExprKind::Slice(x, lo, hi) => {
            out.push_str("(slice ");
            write_expr(out, x);
            for bound in [lo, hi] {
                out.push(' ');
                match bound {
                    Some(b) => write_expr(out, b),
                    None => out.push('_'),
                }
            }
            out.push(')');
        }
        ExprKind::Attr(x, name) => {
            out.push_str("(. ");
            write_expr(out, x);
            let _ = write!(out, " {})", name.name);
        }
        ExprKind::SetAttr(x, name, v) => {
            out.push_str("(.= ");
            write_expr(out, x);
            let _ = write!(out, " {} ", name.name);
            write_expr(out, v);
            out.push(')');
        }
        ExprKind::Error => out.push_str("<error>"),
    }
}

fn write_pattern(out: &mut String, p: &Pattern) {
    match &p.kind {
        PatternKind::Literal(e) => {
            out.push_str("(lit ");
            write_expr(out, e);
            out.push(')');
        }
        PatternKind::Variant { name, args: None } => out.push_str(&name.name),
        PatternKind::Variant {
            name,
            args: Some(args),
        } => {
            let _ = write!(out, "({}", name.name);
            for a in args {
                out.push(' ');
                write_pattern(out, a);
            }
            out.push(')');
        }
        PatternKind::List { items, rest } => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_pattern(out, item);
            }
            if let Some(r) = rest {
                if !items.is_empty() {
                    out.push(' ');
                }
                let _ = write!(out, "...{}", r.name);
            }
            out.push(']');
        }
        PatternKind::Wildcard => out.push('_'),
        PatternKind::Bind(id) => {
            let _ = write!(out, "(bind {})", id.name);
        }
    }
}
