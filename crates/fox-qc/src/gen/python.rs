//! Rendering the generator's tree as the same program in Python (the
//! "twin" CPython runs as a second oracle). A prelude defines the Morph
//! builtins the generated programs use under their Morph names, variants as
//! classes with `__match_args__`, `lanjut` over Python generators, and the
//! mapping of Python's built-in exceptions to Morph's error kinds (only the
//! kind is compared: messages differ by design). Functions declare the
//! names they assign outside themselves `global`/`nonlocal`, as Morph's
//! `ubah` implies.

use super::ast::{BinOp, Case, Catch, Expr, Part, Pat, Stmt, UnOp};
use std::collections::BTreeSet;

const PRELUDE: &str = include_str!("prelude.py");

/// The Python source of a whole program, after a `# header` line.
pub fn program(header: &str, stmts: &[Stmt]) -> String {
    let mut r = Renderer {
        out: format!("# {header}\n{PRELUDE}"),
        scopes: Vec::new(),
        fresh: 0,
    };
    r.block(stmts, 0);
    r.out
}

fn op(o: BinOp) -> &'static str {
    match o {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::Mod => "%",
        BinOp::Shl => "<<",
        BinOp::Shr => ">>",
        BinOp::BitAnd => "&",
        BinOp::BitOr => "|",
        BinOp::BitXor => "^",
        BinOp::Eq => "==",
        BinOp::Ne => "!=",
        BinOp::Lt => "<",
        BinOp::Le => "<=",
        BinOp::Gt => ">",
        BinOp::Ge => ">=",
        BinOp::And => "and",
        BinOp::Or => "or",
    }
}

fn text(s: &str, quote: char) -> String {
    let mut out = String::new();
    out.push(quote);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\\' => out.push_str("\\\\"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// An expression; `inner` is true inside an f-string's braces.
pub fn expr(e: &Expr, inner: bool) -> String {
    let q = if inner { '\'' } else { '"' };
    let list = |xs: &[Expr]| {
        xs.iter()
            .map(|x| expr(x, inner))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match e {
        Expr::Int(s) | Expr::Float(s) => s.clone(),
        Expr::Str(s) => text(s, q),
        Expr::Bool(true) => "True".into(),
        Expr::Bool(false) => "False".into(),
        Expr::Nil => "None".into(),
        Expr::Var(v) => v.clone(),
        Expr::This => "self".into(),
        Expr::Bin(o, a, b) => format!("({} {} {})", expr(a, inner), op(*o), expr(b, inner)),
        Expr::Un(UnOp::Neg, a) => format!("(-{})", expr(a, inner)),
        Expr::Un(UnOp::Not, a) => format!("(not {})", expr(a, inner)),
        Expr::Un(UnOp::Inv, a) => format!("(~{})", expr(a, inner)),
        Expr::Call(f, args) => format!("{f}({})", list(args)),
        Expr::Method(r, _, m, args) => format!("{}.{m}({})", expr(r, inner), list(args)),
        Expr::Super(m, args) => {
            let m = if m == "inisiasi" { "__init__" } else { m };
            format!("super().{m}({})", list(args))
        }
        Expr::Attr(a, n) => format!("{}.{n}", expr(a, inner)),
        Expr::Index(a, i) => format!("{}[{}]", expr(a, inner), expr(i, inner)),
        Expr::Slice(a, lo, hi) => format!(
            "{}[{}:{}]",
            expr(a, inner),
            lo.as_ref().map(|x| expr(x, inner)).unwrap_or_default(),
            hi.as_ref().map(|x| expr(x, inner)).unwrap_or_default()
        ),
        Expr::List(xs) => format!("[{}]", list(xs)),
        Expr::Dict(kv) => format!(
            "{{{}}}",
            kv.iter()
                .map(|(k, v)| format!("{}: {}", expr(k, inner), expr(v, inner)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Expr::Cond(c, a, b) => format!(
            "({} if {} else {})",
            expr(a, inner),
            expr(c, inner),
            expr(b, inner)
        ),
        Expr::Interp(parts) => {
            let mut s = String::from("f\"");
            for p in parts {
                match p {
                    Part::Lit(l) => {
                        let t = text(l, '"');
                        s.push_str(&t[1..t.len() - 1]);
                    }
                    Part::Expr(e) => {
                        s.push('{');
                        s.push_str(&expr(e, true));
                        s.push('}');
                    }
                }
            }
            s.push('"');
            s
        }
    }
}

fn pat(p: &Pat) -> String {
    match p {
        Pat::Int(n) => n.to_string(),
        Pat::Str(s) => text(s, '"'),
        Pat::Nil => "None".into(),
        Pat::Wild => "_".into(),
        Pat::Bind(b) => b.clone(),
        Pat::Variant(n, ps) => {
            format!("{n}({})", ps.iter().map(pat).collect::<Vec<_>>().join(", "))
        }
        Pat::List(ps, rest) => {
            let mut items: Vec<String> = ps.iter().map(pat).collect();
            if let Some(r) = rest {
                items.push(format!("*{r}"));
            }
            format!("[{}]", items.join(", "))
        }
    }
}

fn pat_binds(p: &Pat, out: &mut BTreeSet<String>) {
    match p {
        Pat::Bind(b) => {
            out.insert(b.clone());
        }
        Pat::Variant(_, ps) => ps.iter().for_each(|p| pat_binds(p, out)),
        Pat::List(ps, rest) => {
            ps.iter().for_each(|p| pat_binds(p, out));
            if let Some(r) = rest {
                out.insert(r.clone());
            }
        }
        _ => {}
    }
}

/// Names a function body declares (`decl`) and assigns with `ubah`
/// (`set`), not looking into nested functions.
fn names(stmts: &[Stmt], decl: &mut BTreeSet<String>, set: &mut BTreeSet<String>) {
    for s in stmts {
        match s {
            Stmt::Let(n, _) => {
                decl.insert(n.clone());
            }
            Stmt::Assign(Expr::Var(n), _) => {
                set.insert(n.clone());
            }
            Stmt::Loop { var, .. } => {
                decl.insert(var.clone());
            }
            Stmt::Func { name, .. } | Stmt::Class { name, .. } => {
                decl.insert(name.clone());
                continue;
            }
            Stmt::Try { catches, .. } => catches.iter().for_each(|c| {
                decl.insert(c.var.clone());
            }),
            Stmt::Match(_, cases) => cases.iter().for_each(|c| pat_binds(&c.pat, decl)),
            _ => {}
        }
        for b in s.blocks() {
            names(b, decl, set);
        }
    }
}

struct Renderer {
    out: String,
    /// The names each enclosing function declares, innermost last.
    scopes: Vec<BTreeSet<String>>,
    fresh: usize,
}

impl Renderer {
    fn line(&mut self, depth: usize, s: &str) {
        for _ in 0..depth {
            self.out.push_str("    ");
        }
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn block(&mut self, stmts: &[Stmt], d: usize) {
        if stmts.is_empty() {
            self.line(d, "pass");
        }
        for s in stmts {
            self.stmt(s, d);
        }
    }

    fn func(&mut self, name: &str, params: &[String], body: &[Stmt], method: bool, d: usize) {
        let mut ps: Vec<String> = params.to_vec();
        if method {
            ps.insert(0, "self".into());
        }
        let py_name = if method && name == "inisiasi" {
            "__init__"
        } else {
            name
        };
        self.line(d, &format!("def {py_name}({}):", ps.join(", ")));
        let mut decl: BTreeSet<String> = params.iter().cloned().collect();
        let mut set = BTreeSet::new();
        names(body, &mut decl, &mut set);
        for n in set.difference(&decl) {
            let outer = self.scopes.iter().any(|s| s.contains(n));
            let kw = if outer { "nonlocal" } else { "global" };
            self.line(d + 1, &format!("{kw} {n}"));
        }
        self.scopes.push(decl);
        self.block(body, d + 1);
        self.scopes.pop();
    }

    fn stmt(&mut self, s: &Stmt, d: usize) {
        match s {
            Stmt::Let(n, e) | Stmt::Assign(Expr::Var(n), e) => {
                self.line(d, &format!("{n} = {}", expr(e, false)))
            }
            Stmt::Assign(t, e) => self.line(d, &format!("{} = {}", expr(t, false), expr(e, false))),
            Stmt::Print(args) => {
                let a: Vec<String> = args.iter().map(|a| expr(a, false)).collect();
                self.line(d, &format!("print({})", a.join(", ")))
            }
            Stmt::Expr(e) => self.line(d, &expr(e, false)),
            Stmt::If(c, a, b) => {
                self.line(d, &format!("if {}:", expr(c, false)));
                self.block(a, d + 1);
                if !b.is_empty() {
                    self.line(d, "else:");
                    self.block(b, d + 1);
                }
            }
            Stmt::Loop { var, count, body } => {
                self.line(d, &format!("{var} = 0"));
                self.line(d, &format!("while {var} < {count}:"));
                self.line(d + 1, &format!("{var} = {var} + 1"));
                self.block(body, d + 1);
            }
            Stmt::Break => self.line(d, "break"),
            Stmt::Continue => self.line(d, "continue"),
            Stmt::Func { name, params, body } => self.func(name, params, body, false, d),
            Stmt::Return(None) => self.line(d, "return"),
            Stmt::Return(Some(e)) => self.line(d, &format!("return {}", expr(e, false))),
            Stmt::Class {
                name,
                parent,
                methods,
            } => {
                match parent {
                    Some(p) => self.line(d, &format!("class {name}({p}):")),
                    None => self.line(d, &format!("class {name}:")),
                }
                if methods.is_empty() {
                    self.line(d + 1, "pass");
                }
                for m in methods {
                    if let Stmt::Func { name, params, body } = m {
                        self.func(name, params, body, true, d + 1);
                    }
                }
            }
            Stmt::Variants(vs) => {
                for (n, k) in vs {
                    let fs: Vec<String> = (0..*k).map(|i| format!("\"f{i}\", ")).collect();
                    self.line(
                        d,
                        &format!("class {n}(_V): __match_args__ = ({})", fs.concat()),
                    );
                }
            }
            Stmt::Try {
                body,
                catches,
                finally,
            } => self.try_(body, catches, finally.as_deref(), d),
            Stmt::Raise(m, k) => self.line(
                d,
                &format!("raise _E({}, {})", expr(m, false), expr(k, false)),
            ),
            Stmt::Rethrow(v) => self.line(d, &format!("raise {v}")),
            Stmt::Match(subject, cases) => {
                self.line(d, &format!("match {}:", expr(subject, false)));
                for Case {
                    pat: p,
                    guard,
                    body,
                } in cases
                {
                    match guard {
                        Some(g) => {
                            self.line(d + 1, &format!("case {} if {}:", pat(p), expr(g, false)))
                        }
                        None => self.line(d + 1, &format!("case {}:", pat(p))),
                    }
                    self.block(body, d + 2);
                }
            }
            Stmt::Yield(e) => self.line(d, &format!("yield {}", expr(e, false))),
            Stmt::Sort { list, key, reverse } => {
                let mut args = Vec::new();
                if let Some(k) = key {
                    args.push(format!("key={k}"));
                }
                if *reverse {
                    args.push("reverse=True".into());
                }
                self.line(
                    d,
                    &format!("{}.sort({})", expr(list, false), args.join(", ")),
                );
            }
            // Morph-only: programs holding it have no twin; fail loudly.
            Stmt::Switch(..) => self.line(d, "raise SystemExit('pilih has no Python twin')"),
        }
    }

    fn try_(&mut self, body: &[Stmt], catches: &[Catch], finally: Option<&[Stmt]>, d: usize) {
        self.line(d, "try:");
        self.block(body, d + 1);
        if !catches.is_empty() {
            self.fresh += 1;
            let x = format!("_x{}", self.fresh);
            self.line(d, &format!("except Exception as {x}:"));
            // The Morph error variable of every clause gets the converted
            // error; the clauses become one if/elif chain over the guards.
            for c in catches {
                self.line(d + 1, &format!("{} = _err({x})", c.var));
            }
            let mut first = true;
            let mut unguarded = false;
            for c in catches {
                let kw = if first { "if" } else { "elif" };
                first = false;
                let cond = c
                    .guard
                    .as_ref()
                    .map(|g| expr(g, false))
                    .unwrap_or_else(|| "True".into());
                self.line(d + 1, &format!("{kw} {cond}:"));
                self.block(&c.body, d + 2);
                if c.guard.is_none() {
                    unguarded = true;
                    break;
                }
            }
            if !unguarded {
                self.line(d + 1, "else:");
                self.line(d + 2, "raise");
            }
        }
        if let Some(f) = finally {
            self.line(d, "finally:");
            self.block(f, d + 1);
        }
        if catches.is_empty() && finally.is_none() {
            self.line(d, "finally:");
            self.line(d + 1, "pass");
        }
    }
}
