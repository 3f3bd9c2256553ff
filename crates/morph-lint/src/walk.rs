//! Read-only walks over the syntax tree shared by the lints: the blocks a
//! compound statement contains, the expressions a statement evaluates, the
//! names an expression reads, the functions nested in a block, and the
//! names a statement declares. Blocks never open a scope in Morph; only
//! function bodies (and the module body) do.

use morph_syntax::ast::*;
use morph_syntax::Span;

/// The blocks directly inside a compound statement (function and class
/// bodies excluded: those are scopes of their own).
pub fn child_blocks(s: &Stmt) -> Vec<&Block> {
    match &s.kind {
        StmtKind::If {
            branches,
            else_body,
        } => branches
            .iter()
            .map(|(_, b)| b)
            .chain(else_body.iter())
            .collect(),
        StmtKind::While { body, .. } | StmtKind::Warnai { body, .. } | StmtKind::Block(body) => {
            vec![body]
        }
        StmtKind::Switch { cases, default, .. } => {
            cases.iter().map(|(_, b)| b).chain(default.iter()).collect()
        }
        StmtKind::Match { arms, .. } => arms.iter().map(|a| &a.body).collect(),
        StmtKind::Try {
            body,
            catches,
            finally,
        } => std::iter::once(body)
            .chain(catches.iter().map(|c| &c.body))
            .chain(finally.iter())
            .collect(),
        _ => Vec::new(),
    }
}

/// The expressions a statement itself evaluates (not those of its blocks).
/// The target of `ubah name = …` is not a read and is left out; other
/// targets (`x[i]`, `x.p`) read their object.
pub fn stmt_exprs(s: &Stmt) -> Vec<&Expr> {
    match &s.kind {
        StmtKind::Let { value, .. } => value.iter().collect(),
        StmtKind::Assign { target, value } => {
            let mut v = vec![value];
            if !matches!(target.kind, ExprKind::Name(_)) {
                v.push(target);
            }
            v
        }
        StmtKind::Print(args) => args.iter().collect(),
        StmtKind::Expr(e) => vec![e],
        StmtKind::Return(v) => v.iter().collect(),
        StmtKind::Throw { value, kind } => std::iter::once(value).chain(kind.iter()).collect(),
        StmtKind::If { branches, .. } => branches.iter().map(|(c, _)| c).collect(),
        StmtKind::While { cond, .. } => vec![cond],
        StmtKind::Warnai { color, .. } => vec![color],
        StmtKind::Switch { subject, cases, .. } => std::iter::once(subject)
            .chain(cases.iter().map(|(v, _)| v))
            .collect(),
        StmtKind::Match { subject, arms } => {
            let mut v = vec![subject];
            for a in arms {
                v.extend(a.guard.iter());
                pattern_literals(&a.pattern, &mut v);
            }
            v
        }
        StmtKind::Try { catches, .. } => catches.iter().filter_map(|c| c.guard.as_ref()).collect(),
        _ => Vec::new(),
    }
}

fn pattern_literals<'a>(p: &'a Pattern, out: &mut Vec<&'a Expr>) {
    match &p.kind {
        PatternKind::Literal(e) => out.push(e),
        PatternKind::Variant {
            args: Some(args), ..
        } => args.iter().for_each(|a| pattern_literals(a, out)),
        PatternKind::List { items, .. } => items.iter().for_each(|a| pattern_literals(a, out)),
        _ => {}
    }
}

/// Every name an expression reads, with the span of the read.
pub fn reads<'a>(e: &'a Expr, out: &mut Vec<(&'a str, Span)>) {
    match &e.kind {
        ExprKind::Name(n) => out.push((n, e.span)),
        ExprKind::Interp(parts) => {
            for p in parts {
                if let InterpPart::Expr(x) = p {
                    reads(x, out);
                }
            }
        }
        ExprKind::List(items) => items.iter().for_each(|x| reads(x, out)),
        ExprKind::Dict(pairs) => pairs.iter().for_each(|(k, v)| {
            reads(k, out);
            reads(v, out);
        }),
        ExprKind::Unary(_, x) | ExprKind::Attr(x, _) => reads(x, out),
        ExprKind::Binary(_, a, b)
        | ExprKind::And(a, b)
        | ExprKind::Or(a, b)
        | ExprKind::Index(a, b)
        | ExprKind::SetAttr(a, _, b) => {
            reads(a, out);
            reads(b, out);
        }
        ExprKind::Ternary(a, b, c) => {
            reads(a, out);
            reads(b, out);
            reads(c, out);
        }
        ExprKind::Call(f, args) => {
            reads(f, out);
            args.iter().for_each(|x| reads(x, out));
        }
        ExprKind::Slice(x, a, b) => {
            reads(x, out);
            a.iter().chain(b.iter()).for_each(|y| reads(y, out));
        }
        _ => {}
    }
}

/// A function body to analyse: its parameters and statements.
pub struct Func<'a> {
    pub params: &'a [Ident],
    pub body: &'a Block,
}

/// The functions declared directly in `block` or its nested blocks (not
/// inside those functions), class methods included.
pub fn nested_functions<'a>(block: &'a Block, out: &mut Vec<Func<'a>>) {
    for s in block {
        match &s.kind {
            StmtKind::Function(f) => out.push(Func {
                params: &f.params,
                body: &f.body,
            }),
            StmtKind::Class(c) => out.extend(c.methods.iter().map(|m| Func {
                params: &m.params,
                body: &m.body,
            })),
            _ => {}
        }
        for b in child_blocks(s) {
            nested_functions(b, out);
        }
    }
}

/// How a name was declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclKind {
    Param,
    Let,
    Catch,
    Pattern,
    Function,
    Class,
    Variant,
    Import,
}

/// The names one statement itself declares (not those of its blocks).
pub fn stmt_decls<'a>(s: &'a Stmt, out: &mut Vec<(&'a Ident, DeclKind)>) {
    match &s.kind {
        StmtKind::Let { target, .. } => match target {
            LetTarget::Name(id) => out.push((id, DeclKind::Let)),
            LetTarget::Destructure(ids) => out.extend(ids.iter().map(|i| (i, DeclKind::Let))),
        },
        StmtKind::Function(f) => out.push((&f.name, DeclKind::Function)),
        StmtKind::Class(c) => out.push((&c.name, DeclKind::Class)),
        StmtKind::TypeDecl { variants, .. } => {
            out.extend(variants.iter().map(|v| (&v.name, DeclKind::Variant)))
        }
        StmtKind::ImportAll { alias, .. } | StmtKind::Pinjam { alias, .. } => {
            out.extend(alias.iter().map(|a| (a, DeclKind::Import)))
        }
        StmtKind::ImportFrom { names, .. } => {
            out.extend(names.iter().map(|n| (n, DeclKind::Import)))
        }
        StmtKind::Try { catches, .. } => {
            out.extend(catches.iter().map(|c| (&c.name, DeclKind::Catch)))
        }
        StmtKind::Match { arms, .. } => {
            for a in arms {
                pattern_binds(&a.pattern, out);
            }
        }
        _ => {}
    }
}

fn pattern_binds<'a>(p: &'a Pattern, out: &mut Vec<(&'a Ident, DeclKind)>) {
    match &p.kind {
        PatternKind::Bind(id) => out.push((id, DeclKind::Pattern)),
        PatternKind::Variant {
            args: Some(args), ..
        } => args.iter().for_each(|a| pattern_binds(a, out)),
        PatternKind::List { items, rest } => {
            items.iter().for_each(|a| pattern_binds(a, out));
            out.extend(rest.iter().map(|r| (r, DeclKind::Pattern)));
        }
        _ => {}
    }
}

/// Every statement of a block and its nested blocks, functions excluded.
pub fn each_stmt<'a>(block: &'a Block, f: &mut dyn FnMut(&'a Stmt)) {
    for s in block {
        f(s);
        for b in child_blocks(s) {
            each_stmt(b, f);
        }
    }
}
