//! Segments over numbers and booleans: integers across the inline (±2^47),
//! i64 and big-integer boundaries (`%`, shifts and bitwise operators with
//! negative operands, true division); floats with `repr` edge cases (tiny,
//! huge, `-0.0`, `inf`, `nan`); booleans as operands. Divisors are made
//! non-zero by construction (`(b % 97) + 1`), shifts are bounded, and
//! conversions Python rejects (of `inf`/`nan`) only see finite operands.

use super::ast::{BinOp, Expr, Part, Stmt, UnOp};
use super::{show, Gen};

/// An integer literal near one of the representation boundaries.
pub(crate) fn int_atom(g: &mut Gen) -> Expr {
    let r = g.rng.range(-3, 3) as i128;
    let sign = if g.rng.chance(1, 3) { -1 } else { 1 };
    let v: i128 = match g.rng.below(8) {
        0 | 1 => g.rng.range(-20, 20) as i128,
        2 => g.rng.range(-1_000_000, 1_000_000) as i128,
        3 => sign * ((1i128 << 47) + r),
        4 => sign * ((1i128 << 63) + r),
        5 => sign * ((1i128 << 64) + r),
        6 => sign * (10i128.pow(g.rng.range(19, 30) as u32) + r),
        _ => sign * ((1i128 << 100) + r),
    };
    Expr::int(v)
}

fn small_nonzero(e: Expr, m: i128) -> Expr {
    Expr::bin(
        BinOp::Add,
        Expr::bin(BinOp::Mod, e, Expr::int(m)),
        Expr::int(1),
    )
}

/// An integer-valued expression over `vars`.
pub(crate) fn int_expr(g: &mut Gen, vars: &[String], depth: u32) -> Expr {
    if depth == 0 || g.rng.chance(1, 4) {
        return if !vars.is_empty() && g.rng.chance(1, 2) {
            Expr::var(g.rng.pick(vars).as_str())
        } else {
            int_atom(g)
        };
    }
    let a = int_expr(g, vars, depth - 1);
    let b = int_expr(g, vars, depth - 1);
    match g.rng.below(12) {
        0 => Expr::bin(BinOp::Add, a, b),
        1 => Expr::bin(BinOp::Sub, a, b),
        2 => Expr::bin(BinOp::Mul, a, b),
        3 => {
            let d = small_nonzero(b, g.rng.range(2, 1000) as i128);
            let d = if g.rng.chance(1, 2) {
                Expr::Un(UnOp::Neg, Box::new(d))
            } else {
                d
            };
            Expr::bin(BinOp::Mod, a, d)
        }
        4 => Expr::bin(BinOp::Shl, a, Expr::int(g.rng.range(0, 70) as i128)),
        5 => Expr::bin(BinOp::Shr, a, Expr::int(g.rng.range(0, 130) as i128)),
        6 => Expr::bin(BinOp::BitAnd, a, b),
        7 => Expr::bin(BinOp::BitOr, a, b),
        8 => Expr::bin(BinOp::BitXor, a, b),
        9 => Expr::Un(UnOp::Inv, Box::new(a)),
        10 => Expr::Un(UnOp::Neg, Box::new(a)),
        _ => Expr::call("absolut", vec![a]),
    }
}

/// A true division of two integers, big ones included (the quotient is
/// rounded from the exact value, as Python does).
fn int_div(g: &mut Gen, vars: &[String]) -> Expr {
    let a = int_expr(g, vars, 2);
    let b = int_expr(g, vars, 1);
    Expr::bin(BinOp::Div, a, small_nonzero(b, 1_000_003))
}

pub(crate) fn ints(g: &mut Gen) -> Vec<Stmt> {
    let mut out = Vec::new();
    let mut vars = Vec::new();
    for _ in 0..g.rng.range(2, 4) {
        let v = g.fresh("n");
        out.push(Stmt::let_(&v, int_expr(g, &vars, 2)));
        vars.push(v);
    }
    for _ in 0..g.rng.range(3, 7) {
        let e = match g.rng.below(9) {
            0 => int_div(g, &vars),
            // Integers against floats: compared exactly, converted exactly.
            6 => {
                let op = *g.rng.pick(&[BinOp::Lt, BinOp::Eq, BinOp::Ge]);
                let a = int_expr(g, &vars, 1);
                let b = int_expr(g, &vars, 1);
                Expr::bin(op, a, Expr::call("float", vec![b]))
            }
            7 => Expr::call(
                g.rng.pick_str(&["int", "lantai", "atap"]),
                vec![Expr::call("float", vec![int_expr(g, &vars, 1)])],
            ),
            8 => Expr::call(
                "pangkat",
                vec![
                    Expr::int(*g.rng.pick(&[2, 3, 10, -2]) as i128),
                    Expr::int(g.rng.range(-25, -1) as i128),
                ],
            ),
            1 => {
                let op = *g
                    .rng
                    .pick(&[BinOp::Lt, BinOp::Le, BinOp::Eq, BinOp::Ne, BinOp::Gt]);
                Expr::bin(op, int_expr(g, &vars, 1), int_expr(g, &vars, 1))
            }
            2 => Expr::call(
                "pangkat",
                vec![
                    Expr::int(g.rng.range(-12, 12) as i128),
                    Expr::int(g.rng.range(0, 40) as i128),
                ],
            ),
            3 => Expr::call(
                g.rng.pick_str(&["min", "max"]),
                vec![int_expr(g, &vars, 1), int_expr(g, &vars, 1), int_atom(g)],
            ),
            4 => Expr::call(
                "lantai",
                vec![Expr::bin(
                    BinOp::Div,
                    Expr::int(g.rng.range(-5000, 5000) as i128),
                    Expr::int(*g.rng.pick(&[-7, -3, 2, 3, 7, 10]) as i128),
                )],
            ),
            _ => int_expr(g, &vars, 3),
        };
        out.push(show("int", vec![e]));
    }
    // A bounded loop that keeps mutating one variable across boundaries.
    let i = g.fresh("i");
    let v = vars[0].clone();
    let step = int_expr(g, &vars, 2);
    let body = vec![
        Stmt::set(
            &v,
            Expr::bin(
                BinOp::Mod,
                Expr::bin(
                    BinOp::Add,
                    Expr::bin(BinOp::Mul, Expr::var(&v), Expr::int(3)),
                    step,
                ),
                Expr::int(*g.rng.pick(&[1i128 << 50, 1 << 64, 1 << 90, 1_000_000_007])),
            ),
        ),
        g.mix(Expr::bin(BinOp::Mod, Expr::var(&v), Expr::int(1_000_003))),
    ];
    out.push(Stmt::Loop {
        var: i,
        count: g.rng.range(2, 12) as u32,
        body,
    });
    out.push(show("akhir", vec![Expr::var(&v)]));
    out
}

const FLOATS: &[&str] = &[
    "0.1", "0.2", "0.3", "2.5", "3.75", "0.001", "123.456", "1.5", "99.99", "0.00001", "7.25",
    "1.1", "0.5",
];

/// A float expression and whether it is surely finite (and small).
fn float_expr(g: &mut Gen, depth: u32) -> (Expr, bool) {
    if depth == 0 || g.rng.chance(1, 3) {
        return match g.rng.below(10) {
            0 => (Expr::call("float", vec![Expr::str("inf")]), false),
            1 => (Expr::call("float", vec![Expr::str("nan")]), false),
            2 => (
                Expr::Un(
                    UnOp::Neg,
                    Box::new(Expr::bin(
                        BinOp::Sub,
                        Expr::Float("0.5".into()),
                        Expr::Float("0.5".into()),
                    )),
                ),
                false,
            ),
            3 => (
                Expr::bin(
                    BinOp::Mul,
                    Expr::Float(g.rng.pick(FLOATS).to_string()),
                    Expr::int(10i128.pow(g.rng.range(15, 30) as u32)),
                ),
                false,
            ),
            4 => (
                Expr::bin(
                    BinOp::Div,
                    Expr::Float(g.rng.pick(FLOATS).to_string()),
                    Expr::int(10i128.pow(g.rng.range(4, 30) as u32)),
                ),
                false,
            ),
            5 => (Expr::int(g.rng.range(-9, 9) as i128), true),
            _ => (Expr::Float(g.rng.pick(FLOATS).to_string()), true),
        };
    }
    let (a, fa) = float_expr(g, depth - 1);
    let (b, fb) = float_expr(g, depth - 1);
    let lit = Expr::Float(g.rng.pick(FLOATS).to_string());
    match g.rng.below(6) {
        0 => (Expr::bin(BinOp::Add, a, b), fa && fb),
        1 => (Expr::bin(BinOp::Sub, a, b), fa && fb),
        2 => (Expr::bin(BinOp::Mul, a, b), fa && fb),
        3 => (Expr::bin(BinOp::Div, a, lit), fa),
        4 => {
            let d = if g.rng.chance(1, 3) {
                Expr::Un(UnOp::Neg, Box::new(lit))
            } else {
                lit
            };
            (Expr::bin(BinOp::Mod, a, d), fa)
        }
        _ => (Expr::Un(UnOp::Neg, Box::new(a)), fa),
    }
}

pub(crate) fn floats(g: &mut Gen) -> Vec<Stmt> {
    let mut out = Vec::new();
    let mut finite = Vec::new();
    for _ in 0..g.rng.range(2, 4) {
        let v = g.fresh("f");
        let (e, fin) = float_expr(g, 2);
        out.push(Stmt::let_(&v, e));
        out.push(show("float", vec![Expr::var(&v)]));
        if fin {
            finite.push(v);
        }
    }
    for _ in 0..g.rng.range(3, 6) {
        let (a, fa) = float_expr(g, 2);
        let e = match g.rng.below(6) {
            0 => Expr::List(vec![a, float_expr(g, 1).0]),
            1 => Expr::bin(
                *g.rng.pick(&[BinOp::Lt, BinOp::Eq, BinOp::Ne, BinOp::Ge]),
                a,
                float_expr(g, 1).0,
            ),
            2 if fa => Expr::call(g.rng.pick_str(&["int", "lantai", "atap", "bulat"]), vec![a]),
            3 => Expr::call("teks", vec![a]),
            4 => Expr::Interp(vec![Part::Lit("nilai=".into()), Part::Expr(a)]),
            _ => a,
        };
        out.push(show("float", vec![e]));
    }
    if let Some(v) = finite.first() {
        out.push(g.mix(Expr::call(
            "int",
            vec![Expr::bin(BinOp::Mul, Expr::var(v), Expr::int(1000))],
        )));
    }
    out
}

fn bool_atom(g: &mut Gen) -> Expr {
    match g.rng.below(6) {
        0 => Expr::Bool(true),
        1 => Expr::Bool(false),
        2 => Expr::bin(BinOp::Lt, int_atom(g), int_atom(g)),
        3 => Expr::int(g.rng.range(-2, 2) as i128),
        4 => Expr::str(g.rng.pick_str(&["", "x", "0"])),
        _ => *Box::new(Expr::Nil),
    }
}

pub(crate) fn bools(g: &mut Gen) -> Vec<Stmt> {
    let mut out = Vec::new();
    for _ in 0..g.rng.range(4, 8) {
        let a = bool_atom(g);
        let b = bool_atom(g);
        let t = Expr::Bool(g.rng.chance(1, 2));
        let e = match g.rng.below(9) {
            0 => Expr::bin(BinOp::And, a, b),
            1 => Expr::bin(BinOp::Or, a, b),
            2 => Expr::Un(UnOp::Not, Box::new(a)),
            3 => Expr::bin(
                *g.rng.pick(&[BinOp::Eq, BinOp::Ne]),
                t,
                Expr::int(g.rng.range(0, 1) as i128),
            ),
            4 => Expr::Cond(Box::new(a), Box::new(b), Box::new(t)),
            5 => Expr::List(vec![
                t,
                Expr::bin(BinOp::Lt, Expr::Bool(false), Expr::Bool(true)),
            ]),
            // Booleans as numbers (Python's int subclass).
            6 => Expr::bin(
                *g.rng.pick(&[BinOp::Add, BinOp::Mul, BinOp::Sub]),
                t,
                Expr::Bool(true),
            ),
            7 => Expr::bin(
                *g.rng.pick(&[BinOp::BitAnd, BinOp::BitOr, BinOp::BitXor]),
                t,
                Expr::Bool(false),
            ),
            _ => Expr::Dict(vec![
                (Expr::int(1), Expr::str("satu")),
                (Expr::Bool(true), Expr::str("benar")),
            ]),
        };
        out.push(show("bool", vec![e]));
    }
    out
}
