//! Constant folding of literal sub-expressions. Folding never changes what a
//! program prints: only operations whose result is certain (no overflow, no
//! division by zero, no type error) are folded; everything else is left for
//! the VM, which raises the proper error at run time.

use morph_syntax::ast::{BinaryOp, Expr, ExprKind, UnaryOp};

#[derive(Clone, Debug, PartialEq)]
pub enum ConstVal {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

pub fn fold(e: &Expr) -> Option<ConstVal> {
    fold_depth(e, 0)
}

fn fold_depth(e: &Expr, depth: usize) -> Option<ConstVal> {
    if depth > 64 {
        return None;
    }
    match &e.kind {
        ExprKind::Nil => Some(ConstVal::Nil),
        ExprKind::Bool(b) => Some(ConstVal::Bool(*b)),
        ExprKind::Int(i) => Some(ConstVal::Int(*i)),
        ExprKind::Float(f) => Some(ConstVal::Float(*f)),
        ExprKind::Str(s) => Some(ConstVal::Str(s.clone())),
        ExprKind::Unary(UnaryOp::Neg, x) => match fold_depth(x, depth + 1)? {
            ConstVal::Int(i) => i.checked_neg().map(ConstVal::Int),
            ConstVal::Float(f) => Some(ConstVal::Float(-f)),
            _ => None,
        },
        ExprKind::Binary(op, a, b) => {
            let a = fold_depth(a, depth + 1)?;
            let b = fold_depth(b, depth + 1)?;
            binary(*op, a, b)
        }
        _ => None,
    }
}

fn binary(op: BinaryOp, a: ConstVal, b: ConstVal) -> Option<ConstVal> {
    use ConstVal::*;
    match (op, a, b) {
        (BinaryOp::Add, Int(x), Int(y)) => x.checked_add(y).map(Int),
        (BinaryOp::Sub, Int(x), Int(y)) => x.checked_sub(y).map(Int),
        (BinaryOp::Mul, Int(x), Int(y)) => x.checked_mul(y).map(Int),
        (BinaryOp::Mod, Int(x), Int(y)) if y != 0 => x.checked_rem_euclid(y).map(|r| {
            // Python: result has the sign of the divisor.
            if r != 0 && y < 0 {
                Int(r + y)
            } else {
                Int(r)
            }
        }),
        (BinaryOp::Add, Float(x), Float(y)) => Some(Float(x + y)),
        (BinaryOp::Sub, Float(x), Float(y)) => Some(Float(x - y)),
        (BinaryOp::Mul, Float(x), Float(y)) => Some(Float(x * y)),
        (BinaryOp::Add, Str(x), Str(y)) if x.len() + y.len() <= 4096 => Some(Str(x + &y)),
        _ => None,
    }
}
