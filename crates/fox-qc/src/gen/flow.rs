//! Segments over repetition: nested counted loops with `berhenti` and
//! `lanjutkan`; bounded recursion (Fibonacci, Euclid on big integers,
//! digit sums, mutual recursion); string building in a loop (`chr`,
//! interpolation, `join`, `gabung`, repetition); sorting (numbers mixing
//! big integers and floats, texts, stable sorts by a key function, reversed).

use super::ast::{BinOp, Expr, Stmt, UnOp};
use super::numbers::{int_atom, int_expr};
use super::texts::text_atom;
use super::{func, ret, show, var, Gen};

pub(crate) fn loops(g: &mut Gen) -> Vec<Stmt> {
    let [i, j] = [g.fresh("i"), g.fresh("j")];
    let acc = g.fresh("jumlah");
    let m = g.rng.range(2, 5) as i128;
    let inner = Stmt::Loop {
        var: j.clone(),
        count: g.rng.range(1, 6) as u32,
        body: vec![
            Stmt::If(
                Expr::bin(
                    BinOp::Eq,
                    Expr::bin(
                        BinOp::Mod,
                        Expr::bin(BinOp::Add, var(&i), var(&j)),
                        Expr::int(m),
                    ),
                    Expr::int(0),
                ),
                vec![Stmt::Continue],
                vec![],
            ),
            Stmt::If(
                Expr::bin(
                    BinOp::Gt,
                    Expr::bin(BinOp::Mul, var(&i), var(&j)),
                    Expr::int(g.rng.range(3, 20) as i128),
                ),
                vec![Stmt::Break],
                vec![],
            ),
            Stmt::set(
                &acc,
                Expr::bin(
                    BinOp::Add,
                    var(&acc),
                    int_expr(g, &[i.clone(), j.clone()], 2),
                ),
            ),
        ],
    };
    vec![
        Stmt::let_(&acc, Expr::int(0)),
        Stmt::Loop {
            var: i.clone(),
            count: g.rng.range(1, 8) as u32,
            body: vec![
                inner,
                Stmt::If(
                    Expr::bin(BinOp::Eq, var(&i), Expr::int(g.rng.range(2, 9) as i128)),
                    vec![Stmt::Break],
                    vec![],
                ),
                show("putaran", vec![var(&i), var(&j), var(&acc)]),
            ],
        },
        g.mix(Expr::bin(BinOp::Mod, var(&acc), Expr::int(1_000_003))),
    ]
}

pub(crate) fn recursion(g: &mut Gen) -> Vec<Stmt> {
    let [fib, gcd, digits, even, odd] = [
        g.fresh("fib"),
        g.fresh("fpb"),
        g.fresh("digit"),
        g.fresh("genap"),
        g.fresh("ganjil"),
    ];
    let lt = |a: Expr, b: i128| Expr::bin(BinOp::Lt, a, Expr::int(b));
    let call = |f: &str, args: Vec<Expr>| Expr::call(f, args);
    let sub = |a: &str, k: i128| Expr::bin(BinOp::Sub, var(a), Expr::int(k));
    let mut out = vec![
        func(
            &fib,
            &["n"],
            vec![
                Stmt::If(lt(var("n"), 2), vec![ret(var("n"))], vec![]),
                ret(Expr::bin(
                    BinOp::Add,
                    call(&fib, vec![sub("n", 1)]),
                    call(&fib, vec![sub("n", 2)]),
                )),
            ],
        ),
        func(
            &gcd,
            &["a", "b"],
            vec![
                Stmt::If(
                    Expr::bin(BinOp::Eq, var("b"), Expr::int(0)),
                    vec![ret(Expr::call("absolut", vec![var("a")]))],
                    vec![],
                ),
                ret(call(
                    &gcd,
                    vec![var("b"), Expr::bin(BinOp::Mod, var("a"), var("b"))],
                )),
            ],
        ),
        func(
            &digits,
            &["n"],
            vec![
                Stmt::If(lt(var("n"), 10), vec![ret(var("n"))], vec![]),
                ret(Expr::bin(
                    BinOp::Add,
                    Expr::bin(BinOp::Mod, var("n"), Expr::int(10)),
                    call(
                        &digits,
                        vec![Expr::call(
                            "lantai",
                            vec![Expr::bin(
                                BinOp::Div,
                                Expr::bin(
                                    BinOp::Sub,
                                    var("n"),
                                    Expr::bin(BinOp::Mod, var("n"), Expr::int(10)),
                                ),
                                Expr::int(10),
                            )],
                        )],
                    ),
                )),
            ],
        ),
        func(
            &even,
            &["n"],
            vec![ret(Expr::Cond(
                Box::new(Expr::bin(BinOp::Eq, var("n"), Expr::int(0))),
                Box::new(Expr::Bool(true)),
                Box::new(call(&odd, vec![sub("n", 1)])),
            ))],
        ),
        func(
            &odd,
            &["n"],
            vec![ret(Expr::Cond(
                Box::new(Expr::bin(BinOp::Eq, var("n"), Expr::int(0))),
                Box::new(Expr::Bool(false)),
                Box::new(call(&even, vec![sub("n", 1)])),
            ))],
        ),
    ];
    let f = g.rng.range(0, 18) as i128;
    out.push(show("fib", vec![call(&fib, vec![Expr::int(f)])]));
    out.push(show(
        "fpb",
        vec![call(&gcd, vec![int_atom(g), int_atom(g)])],
    ));
    // Digit sums stay below 2^53 so `lantai(x / 10)` is exact.
    let d = g.rng.range(0, 1 << 40) as i128;
    out.push(show("digit", vec![call(&digits, vec![Expr::int(d)])]));
    out.push(show(
        "genap",
        vec![call(&even, vec![Expr::int(g.rng.range(0, 300) as i128)])],
    ));
    out.push(g.mix(call(&fib, vec![Expr::int(f)])));
    out
}

pub(crate) fn string_building(g: &mut Gen) -> Vec<Stmt> {
    let [s, parts, i] = [g.fresh("s"), g.fresh("bagian"), g.fresh("i")];
    let base = text_atom(g, &[]);
    let body = vec![
        Stmt::set(
            &s,
            Expr::bin(
                BinOp::Add,
                var(&s),
                Expr::call(
                    "chr",
                    vec![Expr::bin(
                        BinOp::Add,
                        Expr::int(*g.rng.pick(&[65, 97, 945, 1488])),
                        Expr::bin(
                            BinOp::Mod,
                            Expr::bin(BinOp::Mul, var(&i), Expr::int(7)),
                            Expr::int(26),
                        ),
                    )],
                ),
            ),
        ),
        Stmt::Expr(Expr::method(
            var(&parts),
            "append",
            "append",
            vec![Expr::Interp(vec![
                super::ast::Part::Lit("#".into()),
                super::ast::Part::Expr(var(&i)),
                super::ast::Part::Lit(":".into()),
                super::ast::Part::Expr(Expr::call("panjang", vec![var(&s)])),
            ])],
        )),
        Stmt::If(
            Expr::bin(
                BinOp::Eq,
                Expr::bin(BinOp::Mod, var(&i), Expr::int(3)),
                Expr::int(0),
            ),
            vec![Stmt::set(&s, Expr::bin(BinOp::Add, var(&s), base.clone()))],
            vec![],
        ),
    ];
    vec![
        Stmt::let_(&s, Expr::str("")),
        Stmt::let_(&parts, Expr::List(vec![])),
        Stmt::Loop {
            var: i,
            count: g.rng.range(1, 12) as u32,
            body,
        },
        show(
            "bangun",
            vec![var(&s), Expr::call("panjang", vec![var(&s)])],
        ),
        show(
            "gabung",
            vec![
                Expr::method(Expr::str(", "), "join", "join", vec![var(&parts)]),
                Expr::call(
                    "gabung",
                    vec![
                        Expr::List(vec![
                            Expr::int(1),
                            Expr::Float("2.5".into()),
                            Expr::Nil,
                            Expr::Bool(true),
                        ]),
                        Expr::str("|"),
                    ],
                ),
            ],
        ),
        show(
            "ulang",
            vec![Expr::bin(
                BinOp::Mul,
                Expr::method(var(&s), "besar", "upper", vec![]),
                Expr::int(2),
            )],
        ),
        g.mix(Expr::call("panjang", vec![var(&s)])),
    ]
}

pub(crate) fn sorting(g: &mut Gen) -> Vec<Stmt> {
    let [xs, ws, ps, key, key2] = [
        g.fresh("angka"),
        g.fresh("kata"),
        g.fresh("pasang"),
        g.fresh("kunci_a"),
        g.fresh("kunci_b"),
    ];
    let nums: Vec<Expr> = (0..g.rng.range(0, 9))
        .map(|_| {
            if g.rng.chance(1, 4) {
                Expr::Float(g.rng.pick(&["0.5", "2.25", "7.5"]).to_string())
            } else {
                int_atom(g)
            }
        })
        .collect();
    let words: Vec<Expr> = (0..g.rng.range(0, 7)).map(|_| text_atom(g, &[])).collect();
    let pairs: Vec<Expr> = (0..g.rng.range(0, 8))
        .map(|i| {
            Expr::List(vec![
                Expr::int(g.rng.range(0, 3) as i128),
                Expr::int(i as i128),
            ])
        })
        .collect();
    vec![
        Stmt::let_(&xs, Expr::List(nums)),
        Stmt::let_(&ws, Expr::List(words)),
        Stmt::let_(&ps, Expr::List(pairs)),
        func(&key, &["p"], vec![ret(Expr::index(var("p"), Expr::int(0)))]),
        func(
            &key2,
            &["w"],
            vec![ret(Expr::Un(
                UnOp::Neg,
                Box::new(Expr::call("panjang", vec![var("w")])),
            ))],
        ),
        Stmt::Sort {
            list: var(&xs),
            key: None,
            reverse: g.rng.chance(1, 2),
        },
        Stmt::Sort {
            list: var(&ws),
            key: None,
            reverse: g.rng.chance(1, 3),
        },
        show("urut", vec![var(&xs), var(&ws)]),
        Stmt::Sort {
            list: var(&ps),
            key: Some(key),
            reverse: g.rng.chance(1, 2),
        },
        Stmt::Sort {
            list: var(&ws),
            key: Some(key2),
            reverse: salah_or(g),
        },
        show("kunci", vec![var(&ps), var(&ws)]),
        g.mix(Expr::call("panjang", vec![var(&ps)])),
    ]
}

fn salah_or(g: &mut Gen) -> bool {
    g.rng.chance(1, 2)
}
