//! Segments over functions as values: closures (a captured variable
//! mutated through `ubah`, independent instances of one maker, two closures
//! sharing one variable, called through a list) and generators (a
//! `bekukan` in a bounded loop with `lanjutkan`, consumed through `Momen`
//! by `jodohkan`, then `lanjut` of the finished generator).

use super::ast::{BinOp, Case, Expr, Pat, Stmt};
use super::numbers::{int_atom, int_expr};
use super::{show, Gen};

pub(crate) fn closures(g: &mut Gen) -> Vec<Stmt> {
    let mk = g.fresh("buat");
    let inner = g.fresh("naik");
    let peek = g.fresh("intip");
    let n = g.fresh("n");
    let step = int_expr(g, &[n.clone(), "d".to_string()], 2);
    let make = Stmt::Func {
        name: mk.clone(),
        params: vec!["mulai".into()],
        body: vec![
            Stmt::let_(&n, Expr::var("mulai")),
            Stmt::Func {
                name: inner.clone(),
                params: vec!["d".into()],
                body: vec![
                    Stmt::set(&n, Expr::bin(BinOp::Mod, step, Expr::int(1_000_000_007))),
                    Stmt::Return(Some(Expr::var(&n))),
                ],
            },
            Stmt::Func {
                name: peek.clone(),
                params: vec![],
                body: vec![Stmt::Return(Some(Expr::var(&n)))],
            },
            Stmt::Return(Some(Expr::List(vec![Expr::var(&inner), Expr::var(&peek)]))),
        ],
    };
    let mut out = vec![make];
    let a = g.fresh("c");
    let b = g.fresh("c");
    out.push(Stmt::let_(&a, Expr::call(&mk, vec![int_atom(g)])));
    out.push(Stmt::let_(
        &b,
        Expr::call(&mk, vec![Expr::int(g.rng.range(-9, 9) as i128)]),
    ));
    let i = g.fresh("i");
    let fa = g.fresh("fa");
    let fb = g.fresh("fb");
    let pa = g.fresh("pa");
    out.push(Stmt::let_(&fa, Expr::index(Expr::var(&a), Expr::int(0))));
    out.push(Stmt::let_(&fb, Expr::index(Expr::var(&b), Expr::int(0))));
    out.push(Stmt::let_(&pa, Expr::index(Expr::var(&a), Expr::int(1))));
    let body = vec![
        show(
            "closure",
            vec![
                Expr::call(&fa, vec![Expr::var(&i)]),
                Expr::call(&pa, vec![]),
            ],
        ),
        Stmt::If(
            Expr::bin(
                BinOp::Eq,
                Expr::bin(BinOp::Mod, Expr::var(&i), Expr::int(3)),
                Expr::int(0),
            ),
            vec![Stmt::Expr(Expr::call(&fb, vec![int_atom(g)]))],
            vec![],
        ),
    ];
    out.push(Stmt::Loop {
        var: i,
        count: g.rng.range(2, 8) as u32,
        body,
    });
    let pb = g.fresh("pb");
    out.push(Stmt::let_(&pb, Expr::index(Expr::var(&b), Expr::int(1))));
    out.push(show(
        "bebas",
        vec![Expr::call(&pb, vec![]), Expr::call(&pa, vec![])],
    ));
    out.push(g.mix(Expr::bin(
        BinOp::Mod,
        Expr::call(&pa, vec![]),
        Expr::int(1_000_003),
    )));
    out
}

pub(crate) fn generators(g: &mut Gen) -> Vec<Stmt> {
    let gen = g.fresh("gen");
    let j = g.fresh("j");
    let skip = g.rng.range(2, 4) as i128;
    let mul = int_atom(g);
    let count = g.rng.range(0, 7) as u32;
    let def = Stmt::Func {
        name: gen.clone(),
        params: vec!["faktor".into()],
        body: vec![
            Stmt::Loop {
                var: j.clone(),
                count,
                body: vec![
                    Stmt::If(
                        Expr::bin(
                            BinOp::Eq,
                            Expr::bin(BinOp::Mod, Expr::var(&j), Expr::int(skip)),
                            Expr::int(0),
                        ),
                        vec![Stmt::Continue],
                        vec![],
                    ),
                    Stmt::Yield(Expr::bin(BinOp::Mul, Expr::var(&j), Expr::var("faktor"))),
                ],
            },
            Stmt::Return(Some(Expr::str("selesai"))),
        ],
    };
    let gv = g.fresh("g");
    let st = g.fresh("langkah");
    let k = g.fresh("k");
    let v = g.fresh("v");
    let g2 = g.fresh("g");
    let hasil = g.fresh("hasil");
    let consume = Stmt::Loop {
        var: k,
        count: count + 3,
        body: vec![Stmt::Match(
            Expr::var(&st),
            vec![
                Case {
                    pat: Pat::Variant(
                        "Momen".into(),
                        vec![Pat::Bind(v.clone()), Pat::Bind(g2.clone())],
                    ),
                    guard: None,
                    body: vec![
                        show("dapat", vec![Expr::var(&v)]),
                        g.mix(Expr::bin(BinOp::Mod, Expr::var(&v), Expr::int(1_000_003))),
                        Stmt::set(&st, Expr::call("lanjut", vec![Expr::var(&g2)])),
                    ],
                },
                Case {
                    pat: Pat::Bind(hasil.clone()),
                    guard: None,
                    body: vec![show("kembali", vec![Expr::var(&hasil)]), Stmt::Break],
                },
            ],
        )],
    };
    vec![
        def,
        Stmt::let_(&gv, Expr::call(&gen, vec![mul])),
        Stmt::let_(&st, Expr::call("lanjut", vec![Expr::var(&gv)])),
        consume,
        show("habis", vec![Expr::call("lanjut", vec![Expr::var(&gv)])]),
    ]
}
