//! Scope analysis, run before a function is compiled: which names are locals
//! of the function (blocks never open a scope, so a `biar` anywhere in the body
//! declares a local), which of them nested functions capture (those live in
//! cells), and which names a function uses without declaring (its free names).

use morph_syntax::ast::*;
use rustc_hash::FxHashSet;

/// Names declared directly in a function body (not in nested functions), in
/// first-declaration order.
pub fn declared_locals(params: &[String], body: &Block) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = FxHashSet::default();
    for p in params {
        if seen.insert(p.clone()) {
            out.push(p.clone());
        }
    }
    let mut add = |n: &str| {
        if seen.insert(n.to_string()) {
            out.push(n.to_string());
        }
    };
    walk_decls(body, &mut add);
    out
}

fn walk_decls(block: &Block, add: &mut dyn FnMut(&str)) {
    for s in block {
        decls_in_stmt(s, add);
    }
}

fn decls_in_pattern(p: &Pattern, add: &mut dyn FnMut(&str)) {
    match &p.kind {
        PatternKind::Bind(id) => add(&id.name),
        PatternKind::Variant {
            args: Some(args), ..
        } => {
            for a in args {
                decls_in_pattern(a, add);
            }
        }
        PatternKind::List { items, rest } => {
            for a in items {
                decls_in_pattern(a, add);
            }
            if let Some(r) = rest {
                add(&r.name);
            }
        }
        _ => {}
    }
}

fn decls_in_stmt(s: &Stmt, add: &mut dyn FnMut(&str)) {
    match &s.kind {
        StmtKind::Let { target, .. } => match target {
            LetTarget::Name(id) => add(&id.name),
            LetTarget::Destructure(ids) => ids.iter().for_each(|i| add(&i.name)),
        },
        StmtKind::If {
            branches,
            else_body,
        } => {
            for (_, b) in branches {
                walk_decls(b, add);
            }
            if let Some(b) = else_body {
                walk_decls(b, add);
            }
        }
        StmtKind::While { body, .. } | StmtKind::Warnai { body, .. } | StmtKind::Block(body) => {
            walk_decls(body, add)
        }
        StmtKind::Switch { cases, default, .. } => {
            for (_, b) in cases {
                walk_decls(b, add);
            }
            if let Some(b) = default {
                walk_decls(b, add);
            }
        }
        StmtKind::Match { arms, .. } => {
            for arm in arms {
                decls_in_pattern(&arm.pattern, add);
                walk_decls(&arm.body, add);
            }
        }
        StmtKind::Try {
            body,
            catches,
            finally,
        } => {
            walk_decls(body, add);
            for c in catches {
                add(&c.name.name);
                walk_decls(&c.body, add);
            }
            if let Some(b) = finally {
                walk_decls(b, add);
            }
        }
        StmtKind::Function(f) => add(&f.name.name),
        StmtKind::Class(c) => add(&c.name.name),
        StmtKind::TypeDecl { variants, .. } => variants.iter().for_each(|v| add(&v.name.name)),
        StmtKind::ImportAll { path, alias } => add(&import_binding(&path.value, alias.as_ref())),
        StmtKind::ImportFrom { names, .. } => names.iter().for_each(|n| add(&n.name)),
        StmtKind::Pinjam { path, alias } => add(&pinjam_binding(&path.value, alias.as_ref())),
        _ => {}
    }
}

/// The name `ambil_semua "a/b/util.fox"` binds: the alias, or the file's base
/// name without extension.
pub fn import_binding(path: &str, alias: Option<&Ident>) -> String {
    if let Some(a) = alias {
        return a.name.clone();
    }
    let last = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let base = last
        .strip_suffix(".fox")
        .or_else(|| last.strip_suffix(".mvm"))
        .unwrap_or(last);
    base.to_string()
}

/// The name `pinjam "x.y"` binds: the alias or the last dotted component.
pub fn pinjam_binding(path: &str, alias: Option<&Ident>) -> String {
    if let Some(a) = alias {
        return a.name.clone();
    }
    path.rsplit('.').next().unwrap_or(path).to_string()
}

/// Names a function body uses (reads or assigns) that it does not declare
/// itself, including the free names of functions nested in it.
pub fn free_names(params: &[String], body: &Block, is_method: bool) -> FxHashSet<String> {
    let mut locals: FxHashSet<String> = declared_locals(params, body).into_iter().collect();
    if is_method {
        locals.insert("ini".to_string());
    }
    let mut used = FxHashSet::default();
    uses_in_block(body, &mut used);
    used.retain(|n| !locals.contains(n));
    used
}

/// Locals of a function that some nested function captures.
pub fn captured_locals(locals: &[String], body: &Block) -> FxHashSet<String> {
    let mut nested_free = FxHashSet::default();
    nested_fns_free(body, &mut nested_free);
    locals
        .iter()
        .filter(|l| nested_free.contains(*l))
        .cloned()
        .collect()
}

fn nested_fns_free(block: &Block, out: &mut FxHashSet<String>) {
    let mut fns: Vec<(&FnDecl, bool)> = Vec::new();
    collect_nested_fns(block, &mut fns);
    for (f, is_method) in fns {
        let params: Vec<String> = f.params.iter().map(|p| p.name.clone()).collect();
        out.extend(free_names(&params, &f.body, is_method));
    }
}

fn collect_nested_fns<'a>(block: &'a Block, out: &mut Vec<(&'a FnDecl, bool)>) {
    for s in block {
        match &s.kind {
            StmtKind::Function(f) => out.push((f, false)),
            StmtKind::Class(c) => c.methods.iter().for_each(|m| out.push((m, true))),
            StmtKind::If {
                branches,
                else_body,
            } => {
                branches
                    .iter()
                    .for_each(|(_, b)| collect_nested_fns(b, out));
                if let Some(b) = else_body {
                    collect_nested_fns(b, out);
                }
            }
            StmtKind::While { body, .. }
            | StmtKind::Warnai { body, .. }
            | StmtKind::Block(body) => collect_nested_fns(body, out),
            StmtKind::Switch { cases, default, .. } => {
                cases.iter().for_each(|(_, b)| collect_nested_fns(b, out));
                if let Some(b) = default {
                    collect_nested_fns(b, out);
                }
            }
            StmtKind::Match { arms, .. } => {
                arms.iter().for_each(|a| collect_nested_fns(&a.body, out))
            }
            StmtKind::Try {
                body,
                catches,
                finally,
            } => {
                collect_nested_fns(body, out);
                catches
                    .iter()
                    .for_each(|c| collect_nested_fns(&c.body, out));
                if let Some(b) = finally {
                    collect_nested_fns(b, out);
                }
            }
            _ => {}
        }
    }
}

fn uses_in_block(block: &Block, used: &mut FxHashSet<String>) {
    for s in block {
        uses_in_stmt(s, used);
    }
}

fn uses_in_stmt(s: &Stmt, used: &mut FxHashSet<String>) {
    match &s.kind {
        StmtKind::Let { value: Some(v), .. } => uses_in_expr(v, used),
        StmtKind::Assign { target, value } => {
            uses_in_expr(target, used);
            uses_in_expr(value, used);
        }
        StmtKind::Print(args) => args.iter().for_each(|a| uses_in_expr(a, used)),
        StmtKind::Expr(e) => uses_in_expr(e, used),
        StmtKind::Return(Some(e)) => uses_in_expr(e, used),
        StmtKind::Throw { value, kind } => {
            uses_in_expr(value, used);
            if let Some(k) = kind {
                uses_in_expr(k, used);
            }
        }
        StmtKind::If {
            branches,
            else_body,
        } => {
            for (c, b) in branches {
                uses_in_expr(c, used);
                uses_in_block(b, used);
            }
            if let Some(b) = else_body {
                uses_in_block(b, used);
            }
        }
        StmtKind::While { cond, body } => {
            uses_in_expr(cond, used);
            uses_in_block(body, used);
        }
        StmtKind::Warnai { color, body } => {
            uses_in_expr(color, used);
            uses_in_block(body, used);
        }
        StmtKind::Block(b) => uses_in_block(b, used),
        StmtKind::Switch {
            subject,
            cases,
            default,
        } => {
            uses_in_expr(subject, used);
            for (v, b) in cases {
                uses_in_expr(v, used);
                uses_in_block(b, used);
            }
            if let Some(b) = default {
                uses_in_block(b, used);
            }
        }
        StmtKind::Match { subject, arms } => {
            uses_in_expr(subject, used);
            for a in arms {
                if let Some(g) = &a.guard {
                    uses_in_expr(g, used);
                }
                uses_in_block(&a.body, used);
            }
        }
        StmtKind::Try {
            body,
            catches,
            finally,
        } => {
            uses_in_block(body, used);
            for c in catches {
                if let Some(g) = &c.guard {
                    uses_in_expr(g, used);
                }
                uses_in_block(&c.body, used);
            }
            if let Some(b) = finally {
                uses_in_block(b, used);
            }
        }
        StmtKind::Function(f) => {
            let params: Vec<String> = f.params.iter().map(|p| p.name.clone()).collect();
            used.extend(free_names(&params, &f.body, false));
        }
        StmtKind::Class(c) => {
            if let Some(p) = &c.parent {
                used.insert(p.name.clone());
            }
            for m in &c.methods {
                let params: Vec<String> = m.params.iter().map(|p| p.name.clone()).collect();
                used.extend(free_names(&params, &m.body, true));
            }
        }
        _ => {}
    }
}

fn uses_in_expr(e: &Expr, used: &mut FxHashSet<String>) {
    match &e.kind {
        ExprKind::Name(n) => {
            used.insert(n.clone());
        }
        ExprKind::This | ExprKind::Super(_) => {
            used.insert("ini".to_string());
        }
        ExprKind::Interp(parts) => {
            for p in parts {
                if let InterpPart::Expr(x) = p {
                    uses_in_expr(x, used);
                }
            }
        }
        ExprKind::List(items) => items.iter().for_each(|x| uses_in_expr(x, used)),
        ExprKind::Dict(pairs) => pairs.iter().for_each(|(k, v)| {
            uses_in_expr(k, used);
            uses_in_expr(v, used);
        }),
        ExprKind::Unary(_, x) => uses_in_expr(x, used),
        ExprKind::Binary(_, a, b)
        | ExprKind::And(a, b)
        | ExprKind::Or(a, b)
        | ExprKind::Index(a, b) => {
            uses_in_expr(a, used);
            uses_in_expr(b, used);
        }
        ExprKind::Ternary(a, b, c) => {
            uses_in_expr(a, used);
            uses_in_expr(b, used);
            uses_in_expr(c, used);
        }
        ExprKind::Call(f, args) => {
            uses_in_expr(f, used);
            args.iter().for_each(|x| uses_in_expr(x, used));
        }
        ExprKind::Slice(x, a, b) => {
            uses_in_expr(x, used);
            if let Some(a) = a {
                uses_in_expr(a, used);
            }
            if let Some(b) = b {
                uses_in_expr(b, used);
            }
        }
        ExprKind::Attr(x, _) => uses_in_expr(x, used),
        ExprKind::SetAttr(x, _, v) => {
            uses_in_expr(x, used);
            uses_in_expr(v, used);
        }
        _ => {}
    }
}

/// Locals that are certainly assigned before anything can read them: their
/// first appearance in the body is a `biar x = e` statement at the top level
/// of the body (not inside a branch or loop) whose value does not mention
/// them. Such locals need no nil initialisation on entry.
pub fn assigned_before_use(body: &Block) -> FxHashSet<String> {
    let mut seen: FxHashSet<String> = FxHashSet::default();
    let mut out = FxHashSet::default();
    for s in body {
        if let StmtKind::Let {
            target: LetTarget::Name(id),
            value: Some(v),
            ..
        } = &s.kind
        {
            let mut used = FxHashSet::default();
            uses_in_expr(v, &mut used);
            if !seen.contains(&id.name) && !used.contains(&id.name) {
                out.insert(id.name.clone());
            }
        }
        uses_in_stmt(s, &mut seen);
        decls_in_stmt(s, &mut |n: &str| {
            seen.insert(n.to_string());
        });
    }
    out
}

/// Does this body (not counting nested functions) call `bekukan`?
pub fn contains_yield(body: &Block) -> bool {
    let mut found = false;
    for s in body {
        stmt_yield(s, &mut found);
    }
    found
}

fn stmt_yield(s: &Stmt, found: &mut bool) {
    if *found {
        return;
    }
    match &s.kind {
        StmtKind::Let { value: Some(v), .. } => check(v, found),
        StmtKind::Assign { target, value } => {
            check(target, found);
            check(value, found);
        }
        StmtKind::Print(args) => args.iter().for_each(|a| check(a, found)),
        StmtKind::Expr(e) | StmtKind::Return(Some(e)) => check(e, found),
        StmtKind::Throw { value, kind } => {
            check(value, found);
            if let Some(k) = kind {
                check(k, found);
            }
        }
        StmtKind::If {
            branches,
            else_body,
        } => {
            for (c, b) in branches {
                check(c, found);
                b.iter().for_each(|s| stmt_yield(s, found));
            }
            if let Some(b) = else_body {
                b.iter().for_each(|s| stmt_yield(s, found));
            }
        }
        StmtKind::While { cond, body } => {
            check(cond, found);
            body.iter().for_each(|s| stmt_yield(s, found));
        }
        StmtKind::Warnai { color, body } => {
            check(color, found);
            body.iter().for_each(|s| stmt_yield(s, found));
        }
        StmtKind::Block(b) => b.iter().for_each(|s| stmt_yield(s, found)),
        StmtKind::Switch {
            subject,
            cases,
            default,
        } => {
            check(subject, found);
            for (v, b) in cases {
                check(v, found);
                b.iter().for_each(|s| stmt_yield(s, found));
            }
            if let Some(b) = default {
                b.iter().for_each(|s| stmt_yield(s, found));
            }
        }
        StmtKind::Match { subject, arms } => {
            check(subject, found);
            for a in arms {
                if let Some(g) = &a.guard {
                    check(g, found);
                }
                a.body.iter().for_each(|s| stmt_yield(s, found));
            }
        }
        StmtKind::Try {
            body,
            catches,
            finally,
        } => {
            body.iter().for_each(|s| stmt_yield(s, found));
            for c in catches {
                c.body.iter().for_each(|s| stmt_yield(s, found));
            }
            if let Some(b) = finally {
                b.iter().for_each(|s| stmt_yield(s, found));
            }
        }
        _ => {}
    }
}

fn check(e: &Expr, found: &mut bool) {
    if !*found {
        *found = expr_yield(e);
    }
}

fn expr_yield(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Call(f, args) => {
            matches!(&f.kind, ExprKind::Name(n) if n == "bekukan")
                || expr_yield(f)
                || args.iter().any(expr_yield)
        }
        ExprKind::Interp(parts) => parts.iter().any(|p| match p {
            InterpPart::Expr(x) => expr_yield(x),
            InterpPart::Text(_) => false,
        }),
        ExprKind::List(items) => items.iter().any(expr_yield),
        ExprKind::Dict(pairs) => pairs.iter().any(|(k, v)| expr_yield(k) || expr_yield(v)),
        ExprKind::Unary(_, x) | ExprKind::Attr(x, _) => expr_yield(x),
        ExprKind::Binary(_, a, b)
        | ExprKind::And(a, b)
        | ExprKind::Or(a, b)
        | ExprKind::Index(a, b) => expr_yield(a) || expr_yield(b),
        ExprKind::SetAttr(a, _, b) => expr_yield(a) || expr_yield(b),
        ExprKind::Ternary(a, b, c) => expr_yield(a) || expr_yield(b) || expr_yield(c),
        ExprKind::Slice(x, a, b) => {
            expr_yield(x)
                || a.as_deref().is_some_and(expr_yield)
                || b.as_deref().is_some_and(expr_yield)
        }
        _ => false,
    }
}
