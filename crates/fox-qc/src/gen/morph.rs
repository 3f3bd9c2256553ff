//! Rendering the generator's tree as Morph source. Every binary operation
//! is parenthesised; texts are written with double quotes, and with single
//! quotes inside an interpolation's braces (the enclosing quote may not
//! appear there).

use super::ast::{BinOp, Case, Catch, Expr, Part, Pat, Stmt, UnOp};

/// The Morph source of a whole program, after a `# header` line.
pub fn program(header: &str, stmts: &[Stmt]) -> String {
    let mut out = format!("# {header}\n");
    block(&mut out, stmts, 0);
    out
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
        BinOp::And => "dan",
        BinOp::Or => "atau",
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
            '{' => out.push_str("\\{"),
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

/// An expression; `inner` is true inside an interpolation's braces.
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
        Expr::Bool(true) => "benar".into(),
        Expr::Bool(false) => "salah".into(),
        Expr::Nil => "nil".into(),
        Expr::Var(v) => v.clone(),
        Expr::This => "ini".into(),
        Expr::Bin(o, a, b) => format!("({} {} {})", expr(a, inner), op(*o), expr(b, inner)),
        Expr::Un(UnOp::Neg, a) => format!("(-{})", expr(a, inner)),
        Expr::Un(UnOp::Not, a) => format!("(tidak {})", expr(a, inner)),
        Expr::Un(UnOp::Inv, a) => format!("(~{})", expr(a, inner)),
        Expr::Call(f, args) => format!("{f}({})", list(args)),
        Expr::Method(r, m, _, args) => format!("{}.{m}({})", expr(r, inner), list(args)),
        Expr::Super(m, args) => format!("induk.{m}({})", list(args)),
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
            "({} ? {} : {})",
            expr(c, inner),
            expr(a, inner),
            expr(b, inner)
        ),
        Expr::Interp(parts) => {
            let mut s = String::from("\"");
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
        Pat::Nil => "nil".into(),
        Pat::Wild => "_".into(),
        Pat::Bind(b) => b.clone(),
        Pat::Variant(n, ps) if ps.is_empty() => n.clone(),
        Pat::Variant(n, ps) => {
            format!("{n}({})", ps.iter().map(pat).collect::<Vec<_>>().join(", "))
        }
        Pat::List(ps, rest) => {
            let mut items: Vec<String> = ps.iter().map(pat).collect();
            if let Some(r) = rest {
                items.push(format!("...{r}"));
            }
            format!("[{}]", items.join(", "))
        }
    }
}

fn line(out: &mut String, depth: usize, s: &str) {
    for _ in 0..depth {
        out.push_str("    ");
    }
    out.push_str(s);
    out.push('\n');
}

fn block(out: &mut String, stmts: &[Stmt], d: usize) {
    for s in stmts {
        stmt(out, s, d);
    }
}

fn stmt(out: &mut String, s: &Stmt, d: usize) {
    match s {
        Stmt::Let(n, e) => line(out, d, &format!("biar {n} = {}", expr(e, false))),
        Stmt::Assign(t, e) => line(
            out,
            d,
            &format!("ubah {} = {}", expr(t, false), expr(e, false)),
        ),
        Stmt::Print(args) => line(
            out,
            d,
            &format!(
                "tulis({})",
                args.iter()
                    .map(|a| expr(a, false))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        Stmt::Expr(e) => line(out, d, &expr(e, false)),
        Stmt::If(c, a, b) => {
            line(out, d, &format!("jika {} maka", expr(c, false)));
            block(out, a, d + 1);
            if !b.is_empty() {
                line(out, d, "lain");
                block(out, b, d + 1);
            }
            line(out, d, "akhir");
        }
        Stmt::Loop { var, count, body } => {
            line(out, d, &format!("biar {var} = 0"));
            line(out, d, &format!("selama {var} < {count} maka"));
            line(out, d + 1, &format!("ubah {var} = {var} + 1"));
            block(out, body, d + 1);
            line(out, d, "akhir");
        }
        Stmt::Break => line(out, d, "berhenti"),
        Stmt::Continue => line(out, d, "lanjutkan"),
        Stmt::Func { name, params, body } => {
            line(
                out,
                d,
                &format!("fungsi {name}({}) maka", params.join(", ")),
            );
            block(out, body, d + 1);
            line(out, d, "akhir");
        }
        Stmt::Return(None) => line(out, d, "kembali"),
        Stmt::Return(Some(e)) => line(out, d, &format!("kembali {}", expr(e, false))),
        Stmt::Class {
            name,
            parent,
            methods,
        } => {
            match parent {
                Some(p) => line(out, d, &format!("kelas {name} warisi {p} maka")),
                None => line(out, d, &format!("kelas {name} maka")),
            }
            block(out, methods, d + 1);
            line(out, d, "akhir");
        }
        Stmt::Variants(vs) => {
            let alts: Vec<String> = vs
                .iter()
                .map(|(n, k)| {
                    if *k == 0 {
                        n.clone()
                    } else {
                        let fs: Vec<String> = (0..*k).map(|i| format!("f{i}")).collect();
                        format!("{n}({})", fs.join(", "))
                    }
                })
                .collect();
            let name = vs.first().map(|v| v.0.as_str()).unwrap_or("T");
            line(out, d, &format!("tipe T{name} = {}", alts.join(" | ")));
        }
        Stmt::Try {
            body,
            catches,
            finally,
        } => {
            line(out, d, "coba");
            block(out, body, d + 1);
            for Catch { var, guard, body } in catches {
                match guard {
                    Some(g) => line(out, d, &format!("tangkap {var} jika {}", expr(g, false))),
                    None => line(out, d, &format!("tangkap {var}")),
                }
                block(out, body, d + 1);
            }
            if let Some(f) = finally {
                line(out, d, "akhirnya");
                block(out, f, d + 1);
            }
            line(out, d, "akhir");
        }
        Stmt::Raise(m, k) => line(
            out,
            d,
            &format!("lemparkan {} jenis {}", expr(m, false), expr(k, false)),
        ),
        Stmt::Rethrow(v) => line(out, d, &format!("lemparkan {v}")),
        Stmt::Match(subject, cases) => {
            line(out, d, &format!("jodohkan {} dengan", expr(subject, false)));
            for Case {
                pat: p,
                guard,
                body,
            } in cases
            {
                match guard {
                    Some(g) => line(
                        out,
                        d,
                        &format!("| {} jaga {} maka", pat(p), expr(g, false)),
                    ),
                    None => line(out, d, &format!("| {} maka", pat(p))),
                }
                block(out, body, d + 1);
            }
            line(out, d, "akhir");
        }
        Stmt::Yield(e) => line(out, d, &format!("bekukan({})", expr(e, false))),
        Stmt::Sort { list, key, reverse } => {
            let mut args = Vec::new();
            if let Some(k) = key {
                args.push(k.clone());
                if *reverse {
                    args.push("benar".into());
                }
            } else if *reverse {
                args.push("benar".into());
            }
            line(
                out,
                d,
                &format!("{}.sort({})", expr(list, false), args.join(", ")),
            );
        }
        Stmt::Switch(e, arms, other) => {
            line(out, d, &format!("pilih {}", expr(e, false)));
            for (v, body) in arms {
                line(out, d, &format!("ketika {} maka", expr(v, false)));
                block(out, body, d + 1);
            }
            if !other.is_empty() {
                line(out, d, "lainnya maka");
                block(out, other, d + 1);
            }
            line(out, d, "akhir");
        }
    }
}
