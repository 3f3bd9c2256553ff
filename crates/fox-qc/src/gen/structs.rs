//! Segments over structured values: lists and dicts (aliases mutated while
//! another name holds them, nesting, the methods both languages share),
//! classes (inheritance, `induk`, attribute mutation from outside and
//! through containers, bound methods), closures (captured variables
//! mutated, independent instances, two closures sharing one variable) and
//! generators (`bekukan`/`lanjut` consumed through `Momen`). List lengths
//! are tracked while generating, so every index used is in range.

use super::ast::{BinOp, Case, Expr, Pat, Stmt};
use super::scalars::{int_atom, int_expr, text_atom};
use super::{show, Gen};

fn item(g: &mut Gen) -> Expr {
    match g.rng.below(4) {
        0 => text_atom(g, &[]),
        1 => int_atom(g),
        _ => Expr::int(g.rng.range(-50, 50) as i128),
    }
}

pub(crate) fn collections(g: &mut Gen) -> Vec<Stmt> {
    let mut out = Vec::new();
    let a = g.fresh("xs");
    let b = g.fresh("alias");
    let mut len = g.rng.range(1, 5) as i64;
    out.push(Stmt::let_(
        &a,
        Expr::List((0..len).map(|_| item(g)).collect()),
    ));
    out.push(Stmt::let_(&b, Expr::var(&a)));
    let d = g.fresh("d");
    let mut keys = vec![Expr::str("k"), Expr::int(3), Expr::str("é")];
    if g.opts.known_bugs {
        keys.push(Expr::Float("3.0".into()));
        keys.push(Expr::Bool(true));
        keys.push(Expr::int(1));
    }
    let entries: Vec<(Expr, Expr)> = keys.iter().map(|k| (k.clone(), item(g))).collect();
    out.push(Stmt::let_(&d, Expr::Dict(entries)));
    let nest = g.fresh("bersarang");
    out.push(Stmt::let_(
        &nest,
        Expr::List(vec![
            Expr::var(&a),
            Expr::Dict(vec![(Expr::str("isi"), Expr::var(&a))]),
        ]),
    ));
    for _ in 0..g.rng.range(4, 9) {
        let s = match g.rng.below(12) {
            0 => {
                len += 1;
                Stmt::Expr(Expr::method(
                    Expr::var(&a),
                    "append",
                    "append",
                    vec![item(g)],
                ))
            }
            1 if len > 0 => {
                len -= 1;
                show(
                    "pop",
                    vec![Expr::method(Expr::var(&a), "pop", "pop", vec![])],
                )
            }
            2 if len > 0 => {
                let i = g.rng.range(-len, len - 1);
                Stmt::Assign(Expr::index(Expr::var(&a), Expr::int(i as i128)), item(g))
            }
            3 => {
                len += 1;
                let i = g.rng.range(-len - 2, len + 2);
                Stmt::Expr(Expr::method(
                    Expr::var(&a),
                    "insert",
                    "insert",
                    vec![Expr::int(i as i128), item(g)],
                ))
            }
            4 => {
                len += 2;
                Stmt::Expr(Expr::method(
                    Expr::var(&a),
                    "extend",
                    "extend",
                    vec![Expr::List(vec![item(g), item(g)])],
                ))
            }
            5 => Stmt::Expr(Expr::method(Expr::var(&a), "reverse", "reverse", vec![])),
            6 => {
                let k = g.rng.pick(&keys).clone();
                Stmt::Assign(Expr::index(Expr::var(&d), k), Expr::var(&a))
            }
            7 => Stmt::Assign(Expr::index(Expr::var(&d), Expr::str("baru")), item(g)),
            8 => show(
                "kamus",
                vec![
                    Expr::method(
                        Expr::var(&d),
                        "get",
                        "get",
                        vec![Expr::str("tidak-ada"), item(g)],
                    ),
                    Expr::call("kunci", vec![Expr::var(&d)]),
                    Expr::call("panjang", vec![Expr::var(&d)]),
                ],
            ),
            9 if len > 0 => {
                let i = g.rng.range(0, len - 1);
                Stmt::Assign(
                    Expr::index(
                        Expr::index(Expr::var(&nest), Expr::int(0)),
                        Expr::int(i as i128),
                    ),
                    int_atom(g),
                )
            }
            10 => {
                let lo = g.rng.range(-4, 4) as i128;
                let c = g.fresh("potong");
                out.push(Stmt::let_(
                    &c,
                    Expr::Slice(Box::new(Expr::var(&a)), Some(Box::new(Expr::int(lo))), None),
                ));
                Stmt::Expr(Expr::method(
                    Expr::var(&c),
                    "append",
                    "append",
                    vec![Expr::int(0)],
                ))
            }
            _ => show(
                "daftar",
                vec![
                    Expr::bin(BinOp::Eq, Expr::var(&a), Expr::var(&b)),
                    Expr::bin(BinOp::Add, Expr::var(&a), Expr::List(vec![item(g)])),
                    Expr::bin(
                        BinOp::Mul,
                        Expr::List(vec![item(g)]),
                        Expr::int(g.rng.range(0, 3) as i128),
                    ),
                ],
            ),
        };
        out.push(s);
        out.push(show(
            "lihat",
            vec![Expr::var(&b), Expr::var(&d), Expr::var(&nest)],
        ));
    }
    out.push(show(
        "nilai",
        vec![
            Expr::call("nilai_kamus", vec![Expr::var(&d)]),
            Expr::method(Expr::var(&d), "pop", "pop", vec![Expr::str("k"), Expr::Nil]),
            Expr::var(&d),
        ],
    ));
    out.push(g.mix(Expr::call("panjang", vec![Expr::var(&b)])));
    out
}

fn method(name: &str, params: &[&str], body: Vec<Stmt>) -> Stmt {
    Stmt::Func {
        name: name.into(),
        params: params.iter().map(|p| p.to_string()).collect(),
        body,
    }
}

fn this(attr: &str) -> Expr {
    Expr::attr(Expr::This, attr)
}

pub(crate) fn classes(g: &mut Gen) -> Vec<Stmt> {
    let base = g.fresh("Dasar");
    let child = g.fresh("Anak");
    let k = g.rng.range(2, 9) as i128;
    let base_cls = Stmt::Class {
        name: base.clone(),
        parent: None,
        methods: vec![
            method(
                "inisiasi",
                &["x"],
                vec![
                    Stmt::Assign(this("x"), Expr::var("x")),
                    Stmt::Assign(this("log"), Expr::List(vec![])),
                ],
            ),
            method(
                "hitung",
                &["k"],
                vec![
                    Stmt::Expr(Expr::method(
                        this("log"),
                        "append",
                        "append",
                        vec![Expr::var("k")],
                    )),
                    Stmt::Return(Some(Expr::bin(
                        BinOp::Add,
                        Expr::bin(BinOp::Mul, this("x"), Expr::var("k")),
                        Expr::int(k),
                    ))),
                ],
            ),
            method(
                "geser",
                &["d"],
                vec![
                    Stmt::Assign(this("x"), Expr::bin(BinOp::Add, this("x"), Expr::var("d"))),
                    Stmt::Return(Some(Expr::This)),
                ],
            ),
            method("nama", &[], vec![Stmt::Return(Some(Expr::str("dasar")))]),
        ],
    };
    let child_cls = Stmt::Class {
        name: child.clone(),
        parent: Some(base.clone()),
        methods: vec![
            method(
                "inisiasi",
                &["x", "y"],
                vec![
                    Stmt::Expr(Expr::Super("inisiasi".into(), vec![Expr::var("x")])),
                    Stmt::Assign(this("y"), Expr::var("y")),
                ],
            ),
            method(
                "hitung",
                &["k"],
                vec![Stmt::Return(Some(Expr::bin(
                    BinOp::Sub,
                    Expr::Super("hitung".into(), vec![Expr::var("k")]),
                    this("y"),
                )))],
            ),
            method(
                "nama",
                &[],
                vec![Stmt::Return(Some(Expr::bin(
                    BinOp::Add,
                    Expr::str("anak-"),
                    Expr::Super("nama".into(), vec![]),
                )))],
            ),
        ],
    };
    let mut out = vec![base_cls, child_cls];
    let o = g.fresh("o");
    let p = g.fresh("p");
    let box_ = g.fresh("kotak");
    out.push(Stmt::let_(
        &o,
        Expr::call(
            &child,
            vec![int_atom(g), Expr::int(g.rng.range(-5, 5) as i128)],
        ),
    ));
    out.push(Stmt::let_(
        &p,
        Expr::call(&base, vec![Expr::int(g.rng.range(-5, 5) as i128)]),
    ));
    out.push(Stmt::let_(
        &box_,
        Expr::List(vec![Expr::var(&o), Expr::var(&p)]),
    ));
    for _ in 0..g.rng.range(3, 7) {
        let who = g.rng.pick(&[o.clone(), p.clone()]).clone();
        let s = match g.rng.below(6) {
            0 => show(
                "hitung",
                vec![Expr::method(
                    Expr::var(&who),
                    "hitung",
                    "hitung",
                    vec![int_atom(g)],
                )],
            ),
            1 => Stmt::Assign(
                Expr::attr(
                    Expr::index(Expr::var(&box_), Expr::int(g.rng.range(0, 1) as i128)),
                    "x",
                ),
                int_atom(g),
            ),
            2 => Stmt::Expr(Expr::method(
                Expr::method(
                    Expr::var(&who),
                    "geser",
                    "geser",
                    vec![Expr::int(g.rng.range(-3, 3) as i128)],
                ),
                "geser",
                "geser",
                vec![Expr::int(1)],
            )),
            3 => {
                let f = g.fresh("terikat");
                out.push(Stmt::let_(&f, Expr::attr(Expr::var(&who), "hitung")));
                show("terikat", vec![Expr::call(&f, vec![Expr::int(2)])])
            }
            4 => Stmt::Assign(
                Expr::attr(Expr::var(&who), "tambahan"),
                Expr::List(vec![int_atom(g)]),
            ),
            _ => show(
                "nama",
                vec![Expr::method(Expr::var(&who), "nama", "nama", vec![])],
            ),
        };
        out.push(s);
        out.push(show(
            "obj",
            vec![
                Expr::attr(Expr::var(&o), "x"),
                Expr::attr(Expr::var(&o), "y"),
                Expr::attr(Expr::var(&o), "log"),
                Expr::attr(Expr::var(&p), "x"),
            ],
        ));
    }
    out.push(g.mix(Expr::call(
        "panjang",
        vec![Expr::attr(Expr::var(&o), "log")],
    )));
    out
}

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
