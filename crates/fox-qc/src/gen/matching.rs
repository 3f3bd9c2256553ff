//! Segments over choosing and failing: `jodohkan` with guards (literals,
//! negative literals, list patterns with a rest, nested variant patterns,
//! a guarded binding, the wildcard last); exceptions (`coba`, guarded
//! `tangkap`, `akhirnya` on every exit, rethrow, `lanjutkan`/`berhenti`
//! out of a `coba`, errors raised by builtins — only their kind is printed,
//! as messages are Morph's own); and the Morph-only family, which has no
//! Python twin (`pilih`, `tipe`, messages and codes of builtin errors,
//! missing arguments as `nil`, `punya`).

use super::ast::{BinOp, Case, Catch, Expr, Pat, Stmt};
use super::numbers::int_atom;
use super::{func, ret, show, var, Gen};

pub(crate) fn matching(g: &mut Gen) -> Vec<Stmt> {
    let leaf = g.fresh("Daun");
    let node = g.fresh("Cabang");
    let empty = g.fresh("Kosong");
    let mut out = vec![Stmt::Variants(vec![
        (leaf.clone(), 1),
        (node.clone(), 2),
        (empty.clone(), 0),
    ])];
    let leaf_of = |n: i128| Expr::call(&leaf, vec![Expr::int(n)]);
    let values = vec![
        Expr::int(0),
        Expr::int(-1),
        Expr::int(g.rng.range(2, 9) as i128),
        Expr::str("halo"),
        Expr::List(vec![]),
        Expr::List(vec![int_atom(g)]),
        Expr::List(vec![Expr::int(1), Expr::int(2), Expr::int(3)]),
        leaf_of(g.rng.range(0, 6) as i128),
        Expr::call(&node, vec![leaf_of(1), leaf_of(g.rng.range(2, 5) as i128)]),
        Expr::call(&empty, vec![]),
        Expr::Nil,
        Expr::Float("2.5".into()),
    ];
    let vs = g.fresh("nilai");
    let n = values.len() as u32;
    out.push(Stmt::let_(&vs, Expr::List(values)));
    let [a, rest, x, y, b] = [
        g.fresh("a"),
        g.fresh("sisa"),
        g.fresh("x"),
        g.fresh("y"),
        g.fresh("b"),
    ];
    let t = g.rng.range(0, 4) as i128;
    let mut cases = vec![
        (Pat::Int(0), None),
        (Pat::Int(-1), None),
        (Pat::Str("halo".into()), None),
        (Pat::List(vec![], None), None),
        (Pat::List(vec![Pat::Bind(a.clone())], None), None),
        (
            Pat::List(vec![Pat::Bind(x.clone())], Some(rest.clone())),
            Some(Expr::bin(
                BinOp::Gt,
                Expr::call("panjang", vec![var(&rest)]),
                Expr::int(t % 3),
            )),
        ),
        (
            Pat::Variant(leaf.clone(), vec![Pat::Bind(y.clone())]),
            Some(Expr::bin(BinOp::Gt, var(&y), Expr::int(t))),
        ),
        (Pat::Variant(leaf.clone(), vec![Pat::Wild]), None),
        (
            Pat::Variant(
                node.clone(),
                vec![
                    Pat::Variant(leaf.clone(), vec![Pat::Bind(b.clone())]),
                    Pat::Wild,
                ],
            ),
            None,
        ),
        (Pat::Variant(empty.clone(), vec![]), None),
        (Pat::Nil, None),
    ];
    // Shuffle a little, keeping every case reachable-or-not the same way
    // in both languages (the semantics are first match, in order).
    for i in (1..cases.len()).rev() {
        if g.rng.chance(1, 3) {
            let j = g.rng.below(i as u64 + 1) as usize;
            cases.swap(i, j);
        }
    }
    let k = g.fresh("i");
    let mut arms: Vec<Case> = cases
        .into_iter()
        .filter(|_| g.rng.chance(4, 5))
        .map(|(pat, guard)| {
            let label = format!("{pat:?}")
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .take(24)
                .collect::<String>();
            Case {
                pat,
                guard,
                body: vec![Stmt::print(vec![Expr::str(&label), var(&k)])],
            }
        })
        .collect();
    let other = g.fresh("lain");
    arms.push(Case {
        pat: Pat::Bind(other.clone()),
        guard: Some(Expr::bin(BinOp::Eq, var(&other), Expr::Float("2.5".into()))),
        body: vec![show("dua-setengah", vec![var(&other)])],
    });
    arms.push(Case {
        pat: Pat::Wild,
        guard: None,
        body: vec![show(
            "lainnya",
            vec![Expr::index(
                var(&vs),
                Expr::bin(BinOp::Sub, var(&k), Expr::int(1)),
            )],
        )],
    });
    out.push(Stmt::Loop {
        var: k.clone(),
        count: n,
        body: vec![Stmt::Match(
            Expr::index(var(&vs), Expr::bin(BinOp::Sub, var(&k), Expr::int(1))),
            arms,
        )],
    });
    out.push(g.mix(Expr::var(&k)));
    out
}

/// A statement raising an error of a kind both languages name the same.
fn failing(g: &mut Gen, k: &str) -> (Stmt, &'static str) {
    let s = |e: Expr| Stmt::Return(Some(e));
    match g.rng.below(6) {
        0 => (
            Stmt::Raise(
                Expr::Interp(vec![
                    super::ast::Part::Lit("gagal ".into()),
                    super::ast::Part::Expr(var(k)),
                ]),
                Expr::str("ErrorKu"),
            ),
            "ErrorKu",
        ),
        1 => (
            s(Expr::bin(
                BinOp::Div,
                Expr::int(10),
                Expr::bin(BinOp::Sub, var(k), var(k)),
            )),
            "ErrorPembagianNol",
        ),
        2 => (
            s(Expr::bin(BinOp::Mod, Expr::int(10), Expr::int(0))),
            "ErrorPembagianNol",
        ),
        3 => (
            s(Expr::index(
                Expr::List(vec![Expr::int(1), Expr::int(2)]),
                Expr::bin(BinOp::Add, var(k), Expr::int(5)),
            )),
            "ErrorIndeks",
        ),
        4 => (
            s(Expr::index(
                Expr::Dict(vec![(Expr::str("a"), Expr::int(1))]),
                Expr::str("b"),
            )),
            "ErrorKunci",
        ),
        _ => (
            s(Expr::bin(BinOp::Add, Expr::str("a"), var(k))),
            "ErrorTipe",
        ),
    }
}

pub(crate) fn exceptions(g: &mut Gen) -> Vec<Stmt> {
    let risky = g.fresh("berisiko");
    let mut body = Vec::new();
    for c in 0..3 {
        let (stmt, _) = failing(g, "k");
        body.push(Stmt::If(
            Expr::bin(BinOp::Eq, var("k"), Expr::int(c)),
            vec![stmt],
            vec![],
        ));
    }
    body.push(ret(Expr::bin(BinOp::Mul, var("k"), Expr::int(2))));
    let mut out = vec![func(&risky, &["k"], body)];
    let [e1, e2, e3, e4] = [g.fresh("e"), g.fresh("e"), g.fresh("e"), g.fresh("e")];
    let i = g.fresh("i");
    let rethrow = g.rng.chance(1, 2);
    let inner = Stmt::Try {
        body: vec![show(
            "hasil",
            vec![Expr::call(
                &risky,
                vec![Expr::bin(BinOp::Mod, var(&i), Expr::int(4))],
            )],
        )],
        catches: vec![
            Catch {
                var: e1.clone(),
                guard: Some(Expr::bin(
                    BinOp::Eq,
                    Expr::attr(var(&e1), "jenis"),
                    Expr::str("ErrorKu"),
                )),
                body: vec![show("ku", vec![Expr::attr(var(&e1), "pesan")])],
            },
            Catch {
                var: e2.clone(),
                guard: Some(Expr::bin(
                    BinOp::Ne,
                    Expr::attr(var(&e2), "jenis"),
                    Expr::str("ErrorTipe"),
                )),
                body: if rethrow {
                    vec![
                        show("lempar-lagi", vec![Expr::attr(var(&e2), "jenis")]),
                        Stmt::Rethrow(e2.clone()),
                    ]
                } else {
                    vec![show("bawaan", vec![Expr::attr(var(&e2), "jenis")])]
                },
            },
        ],
        finally: Some(vec![show("akhirnya", vec![var(&i)]), g.mix(var(&i))]),
    };
    let outer = Stmt::Try {
        body: vec![
            inner,
            Stmt::If(
                Expr::bin(BinOp::Eq, var(&i), Expr::int(g.rng.range(1, 5) as i128)),
                vec![Stmt::Continue],
                vec![],
            ),
            Stmt::If(
                Expr::bin(BinOp::Gt, var(&i), Expr::int(g.rng.range(3, 8) as i128)),
                vec![Stmt::Break],
                vec![],
            ),
        ],
        catches: vec![Catch {
            var: e3.clone(),
            guard: None,
            body: vec![show("luar", vec![Expr::attr(var(&e3), "jenis")])],
        }],
        finally: Some(vec![show("akhirnya-luar", vec![var(&i)])]),
    };
    out.push(Stmt::Loop {
        var: i.clone(),
        count: g.rng.range(3, 9) as u32,
        body: vec![outer],
    });
    // `kembali` from inside `coba` still runs `akhirnya`.
    let f = g.fresh("dengan_akhirnya");
    out.push(func(
        &f,
        &["k"],
        vec![Stmt::Try {
            body: vec![
                Stmt::If(
                    Expr::bin(BinOp::Gt, var("k"), Expr::int(2)),
                    vec![ret(Expr::str("besar"))],
                    vec![],
                ),
                Stmt::Raise(Expr::str("kecil"), Expr::str("ErrorKecil")),
            ],
            catches: vec![Catch {
                var: e4.clone(),
                guard: Some(Expr::bin(
                    BinOp::Eq,
                    Expr::attr(var(&e4), "jenis"),
                    Expr::str("ErrorKecil"),
                )),
                body: vec![ret(Expr::bin(
                    BinOp::Add,
                    Expr::str("tangkap "),
                    Expr::attr(var(&e4), "pesan"),
                ))],
            }],
            finally: Some(vec![Stmt::print(vec![
                Expr::str("akhirnya fungsi"),
                var("k"),
            ])]),
        }],
    ));
    let n = g.rng.range(0, 5) as i128;
    out.push(show("fungsi", vec![Expr::call(&f, vec![Expr::int(n)])]));
    out
}

pub(crate) fn morph_only(g: &mut Gen) -> Vec<Stmt> {
    let v = g.fresh("v");
    let e = g.fresh("e");
    let f = g.fresh("opsional");
    let (fail, _) = failing(g, &v);
    vec![
        Stmt::let_(&v, int_atom(g)),
        Stmt::Switch(
            Expr::bin(BinOp::Mod, var(&v), Expr::int(3)),
            vec![
                (
                    Expr::int(0),
                    vec![Stmt::print(vec![
                        Expr::str("nol"),
                        Expr::call("tipe", vec![var(&v)]),
                    ])],
                ),
                (Expr::int(1), vec![Stmt::print(vec![Expr::str("satu")])]),
            ],
            vec![Stmt::print(vec![
                Expr::str("lainnya"),
                Expr::call("tipe", vec![Expr::str("x")]),
                Expr::call("tipe", vec![Expr::Nil]),
            ])],
        ),
        func(
            &f,
            &["a", "b"],
            vec![ret(Expr::List(vec![var("a"), var("b")]))],
        ),
        Stmt::print(vec![
            Expr::call(&f, vec![Expr::int(1)]),
            Expr::method(
                Expr::Dict(vec![(Expr::str("a"), Expr::int(1))]),
                "punya",
                "punya",
                vec![Expr::str("a")],
            ),
        ]),
        Stmt::Try {
            body: vec![
                func("_gagal", &[], vec![fail]),
                Stmt::Expr(Expr::call("_gagal", vec![])),
            ],
            catches: vec![Catch {
                var: e.clone(),
                guard: None,
                body: vec![Stmt::print(vec![
                    Expr::attr(var(&e), "jenis"),
                    Expr::attr(var(&e), "pesan"),
                    Expr::method(var(&e), "get", "get", vec![Expr::str("kode")]),
                ])],
            }],
            finally: None,
        },
    ]
}
