//! Segments over structured values: lists and dicts (aliases mutated while
//! another name holds them, nesting, slices as copies, the methods both
//! languages share) and classes (inheritance, `induk` on two levels of
//! methods, attribute mutation from outside and through containers, bound
//! methods). List lengths are tracked while generating, so every index
//! used is in range.

use super::ast::{BinOp, Expr, Stmt};
use super::numbers::int_atom;
use super::texts::text_atom;
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
    let mut len = g.rng.range(1, 5);
    out.push(Stmt::let_(
        &a,
        Expr::List((0..len).map(|_| item(g)).collect()),
    ));
    out.push(Stmt::let_(&b, Expr::var(&a)));
    let d = g.fresh("d");
    let mut keys = vec![Expr::str("k"), Expr::int(3), Expr::str("é")];
    // Equal numbers are one key whatever their type (3 and 3.0, benar and 1).
    keys.push(Expr::Float("3.0".into()));
    keys.push(Expr::Bool(true));
    keys.push(Expr::int(1));
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
