//! The reducer: delta debugging over a generated program's tree, keeping
//! "the same kind of divergence". First whole statements go (halves of the
//! top level, then every statement, innermost and latest first), then
//! expressions are replaced by one of their own parts or by `0`; passes
//! repeat until nothing more can go or the budget of test runs is spent.
//! A program that is not a generated one can still be reduced by lines.

use crate::gen::ast::{Expr, Stmt};

/// How many statements the tree holds (nested ones included).
pub fn count_stmts(stmts: &[Stmt]) -> usize {
    stmts
        .iter()
        .map(|s| 1 + s.blocks().iter().map(|b| count_stmts(b)).sum::<usize>())
        .sum()
}

/// Remove the `n`-th statement in pre-order; false if there is none.
fn remove_nth(stmts: &mut Vec<Stmt>, n: &mut usize) -> bool {
    let mut i = 0;
    while i < stmts.len() {
        if *n == 0 {
            stmts.remove(i);
            return true;
        }
        *n -= 1;
        for b in stmts[i].blocks_mut() {
            if remove_nth(b, n) {
                return true;
            }
        }
        i += 1;
    }
    false
}

fn count_expr(e: &mut Expr) -> usize {
    1 + e.children_mut().into_iter().map(count_expr).sum::<usize>()
}

fn count_exprs(stmts: &mut [Stmt]) -> usize {
    let mut n = 0;
    for s in stmts.iter_mut() {
        n += s.exprs_mut().into_iter().map(count_expr).sum::<usize>();
        for b in s.blocks_mut() {
            n += count_exprs(b);
        }
    }
    n
}

/// The `n`-th expression node in pre-order, mutably.
fn nth_in_expr<'a>(e: &'a mut Expr, n: &mut usize) -> Option<&'a mut Expr> {
    if *n == 0 {
        return Some(e);
    }
    *n -= 1;
    for c in e.children_mut() {
        if let Some(x) = nth_in_expr(c, n) {
            return Some(x);
        }
    }
    None
}

fn nth_expr<'a>(stmts: &'a mut [Stmt], n: &mut usize) -> Option<&'a mut Expr> {
    for s in stmts.iter_mut() {
        let here: usize = s.exprs_mut().into_iter().map(count_expr).sum();
        if *n < here {
            for e in s.exprs_mut() {
                if let Some(x) = nth_in_expr(e, n) {
                    return Some(x);
                }
            }
            return None;
        }
        *n -= here;
        for b in s.blocks_mut() {
            if let Some(x) = nth_expr(b, n) {
                return Some(x);
            }
        }
    }
    None
}

/// Shrink `stmts` while `interesting` holds, calling it at most `budget`
/// times.
pub fn reduce(
    stmts: &[Stmt],
    budget: usize,
    interesting: &mut dyn FnMut(&[Stmt]) -> bool,
) -> Vec<Stmt> {
    let mut best = stmts.to_vec();
    let mut tries = 0usize;
    let mut attempt = |cand: &[Stmt], tries: &mut usize| -> bool {
        *tries += 1;
        interesting(cand)
    };
    loop {
        let mut progress = false;
        // Chunks of the top level, halving.
        let mut chunk = best.len() / 2;
        while chunk >= 2 && tries < budget {
            let mut start = 0;
            while start < best.len() && tries < budget {
                let mut cand = best.clone();
                let end = (start + chunk).min(cand.len());
                cand.drain(start..end);
                if attempt(&cand, &mut tries) {
                    best = cand;
                    progress = true;
                } else {
                    start += chunk;
                }
            }
            chunk /= 2;
        }
        // Single statements, latest first.
        let mut k = count_stmts(&best);
        while k > 0 && tries < budget {
            k -= 1;
            let mut cand = best.clone();
            let mut n = k;
            if remove_nth(&mut cand, &mut n) && attempt(&cand, &mut tries) {
                best = cand;
                progress = true;
                k = k.min(count_stmts(&best));
            }
        }
        // Expressions replaced by a part of themselves or by 0.
        let mut k = count_exprs(&mut best);
        while k > 0 && tries < budget {
            k -= 1;
            let mut probe = best.clone();
            let mut n = k;
            let Some(node) = nth_expr(&mut probe, &mut n) else {
                continue;
            };
            let mut options = node.children();
            if !matches!(node, Expr::Int(_) | Expr::Var(_)) {
                options.push(Expr::int(0));
            }
            for opt in options {
                let mut cand = best.clone();
                let mut n = k;
                if let Some(slot) = nth_expr(&mut cand, &mut n) {
                    *slot = opt;
                }
                if attempt(&cand, &mut tries) {
                    best = cand;
                    progress = true;
                    k = k.min(count_exprs(&mut best));
                    break;
                }
            }
        }
        if !progress || tries >= budget {
            return best;
        }
    }
}

/// Shrink a source text by lines (ddmin over line chunks) while
/// `interesting` holds: for programs that are not generated ones.
pub fn reduce_lines(src: &str, budget: usize, interesting: &mut dyn FnMut(&str) -> bool) -> String {
    let mut lines: Vec<&str> = src.lines().collect();
    let mut tries = 0usize;
    let mut chunk = lines.len().div_ceil(2).max(1);
    loop {
        let mut start = 0;
        let mut progress = false;
        while start < lines.len() && tries < budget {
            let mut cand = lines.clone();
            let end = (start + chunk).min(cand.len());
            cand.drain(start..end);
            let text = cand.join("\n") + "\n";
            tries += 1;
            if interesting(&text) {
                lines = cand;
                progress = true;
            } else {
                start += chunk;
            }
        }
        if tries >= budget || (chunk == 1 && !progress) {
            break;
        }
        if !progress {
            chunk = chunk.div_ceil(2);
        }
    }
    lines.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gen::ast::BinOp;

    #[test]
    fn statements_and_expressions_shrink_to_what_matters() {
        // Interesting: some print of an expression holding the literal 7.
        let prog = vec![
            Stmt::let_("a", Expr::int(1)),
            Stmt::print(vec![Expr::bin(BinOp::Add, Expr::int(3), Expr::int(7))]),
            Stmt::If(
                Expr::Bool(true),
                vec![Stmt::print(vec![Expr::int(2)])],
                vec![],
            ),
            Stmt::print(vec![Expr::int(5)]),
        ];
        let mut has7 = |s: &[Stmt]| crate::gen::morph::program("t", s).contains('7');
        let out = reduce(&prog, 1000, &mut has7);
        assert_eq!(out, vec![Stmt::print(vec![Expr::int(7)])]);
    }

    #[test]
    fn lines_shrink_too() {
        let src = "a\nb\nkeep\nc\n";
        let out = reduce_lines(src, 100, &mut |s: &str| s.contains("keep"));
        assert_eq!(out, "keep\n");
    }
}
