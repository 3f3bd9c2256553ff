//! Segments over texts: slicing with any bounds, the methods both
//! languages share (Morph and Python spellings), concatenation and
//! repetition, comparison, interpolation, and Unicode beyond ASCII
//! (accents, `ß`, CJK, an emoji). Indexing is kept in range by a
//! conditional on the text's length.

use super::ast::{BinOp, Expr, Part, Stmt};
use super::{show, Gen};

const TEXTS: &[&str] = &[
    "halo",
    "dunia",
    "Fox VM",
    "héllo",
    "naïve",
    "ÆØÅ",
    "straße",
    "Ωmega",
    "日本語",
    "a b  c",
    "  spasi  ",
    "x,y,,z",
    "MiXeD kAsUs",
    "123",
    "abc123",
    "",
    "tab\there",
    "baris\nbaru",
    "it's",
    "emoji 😀",
    "ünïcödé",
];

pub(crate) fn text_atom(g: &mut Gen, vars: &[String]) -> Expr {
    if !vars.is_empty() && g.rng.chance(1, 2) {
        Expr::var(g.rng.pick(vars).as_str())
    } else {
        Expr::str(g.rng.pick_str(TEXTS))
    }
}

/// A text operation; with `text_only` one whose value is a text.
fn text_expr(g: &mut Gen, vars: &[String], text_only: bool) -> Expr {
    let s = text_atom(g, vars);
    let k = Expr::int(g.rng.range(-6, 8) as i128);
    let k2 = Expr::int(g.rng.range(-6, 8) as i128);
    let sub = Expr::str(g.rng.pick_str(&["a", "l", " ", "é", ",", "日", "xyz"]));
    let pick = if text_only {
        *g.rng.pick(&[0, 1, 2, 3, 4, 5, 6, 12, 13, 15])
    } else {
        g.rng.below(16)
    };
    match pick {
        0 => Expr::bin(BinOp::Add, s, text_atom(g, vars)),
        1 => Expr::bin(BinOp::Mul, s, Expr::int(g.rng.range(0, 3) as i128)),
        2 => Expr::Slice(Box::new(s), Some(Box::new(k)), None),
        3 => Expr::Slice(Box::new(s), Some(Box::new(k)), Some(Box::new(k2))),
        4 => Expr::Slice(Box::new(s), None, Some(Box::new(k))),
        5 => {
            let (m, p) = *g.rng.pick(&[
                ("besar", "upper"),
                ("kecil", "lower"),
                ("bersihkan", "strip"),
                ("title", "title"),
                ("capitalize", "capitalize"),
                ("lstrip", "lstrip"),
                ("rstrip", "rstrip"),
                ("upper", "upper"),
            ]);
            Expr::method(s, m, p, vec![])
        }
        6 => {
            let (m, p) = *g.rng.pick(&[("ganti", "replace"), ("replace", "replace")]);
            Expr::method(s, m, p, vec![sub, Expr::str("-")])
        }
        7 if g.rng.chance(1, 4) => {
            let (m, p) = *g.rng.pick(&[
                ("isdigit", "isdigit"),
                ("isalpha", "isalpha"),
                ("isspace", "isspace"),
            ]);
            Expr::method(s, m, p, vec![])
        }
        7 => {
            let (m, p) = *g.rng.pick(&[
                ("temukan", "find"),
                ("count", "count"),
                ("awalan", "startswith"),
                ("akhiran", "endswith"),
                ("rfind", "rfind"),
            ]);
            Expr::method(s, m, p, vec![sub])
        }
        8 => Expr::method(s, "pisah", "split", vec![sub]),
        9 => Expr::method(s, "split", "split", vec![]),
        10 => {
            let (m, p) =
                *g.rng
                    .pick(&[("center", "center"), ("rjust", "rjust"), ("zfill", "zfill")]);
            Expr::method(s, m, p, vec![Expr::int(g.rng.range(0, 12) as i128)])
        }
        11 => Expr::call("panjang", vec![s]),
        12 => {
            // An index kept in range: `panjang(s) > 0 ? s[k % panjang(s)] : ""`.
            let n = Expr::call("panjang", vec![s.clone()]);
            Expr::Cond(
                Box::new(Expr::bin(BinOp::Gt, n.clone(), Expr::int(0))),
                Box::new(Expr::index(s, Expr::bin(BinOp::Mod, k, n))),
                Box::new(Expr::str("")),
            )
        }
        13 => Expr::method(
            Expr::str(g.rng.pick_str(&["-", ", ", ""])),
            "join",
            "join",
            vec![Expr::List(vec![s, text_atom(g, vars)])],
        ),
        14 => Expr::bin(
            *g.rng.pick(&[BinOp::Lt, BinOp::Eq, BinOp::Ge]),
            s,
            text_atom(g, vars),
        ),
        _ => Expr::call(
            "chr",
            vec![Expr::int(*g.rng.pick(&[65, 97, 233, 937, 26085, 128512]))],
        ),
    }
}

pub(crate) fn strings(g: &mut Gen) -> Vec<Stmt> {
    let mut out = Vec::new();
    let mut vars = Vec::new();
    for _ in 0..g.rng.range(2, 3) {
        let v = g.fresh("s");
        out.push(Stmt::let_(&v, text_expr(g, &vars, true)));
        vars.push(v);
    }
    for _ in 0..g.rng.range(4, 8) {
        let e = text_expr(g, &vars, false);
        let e = match g.rng.below(6) {
            0 => Expr::List(vec![e]),
            // Code points whose repr Python escapes (or does not).
            4 => Expr::List(
                (0..3)
                    .map(|_| {
                        // Non-printable beyond the control characters
                        // (escaped as `\\x..`, `\\u....`, `\\U........`), or not.
                        let cp = if g.rng.chance(1, 2) {
                            *g.rng.pick(&[
                                160, 173, 0x2028, 0x200B, 0xFEFF, 0xE000, 0x10FFFF, 0xD7FF, 0x3000,
                            ])
                        } else {
                            *g.rng.pick(&[
                                1, 27, 127, 128, 255, 0x300, 0x85, 0x1F600, 39, 34, 92, 0xE9,
                            ])
                        };
                        Expr::call("chr", vec![Expr::int(cp)])
                    })
                    .collect(),
            ),
            5 => {
                let s = Expr::var(g.rng.pick(&vars).as_str());
                let w = Expr::int(g.rng.range(-1, 14) as i128);
                let n = Expr::int(g.rng.range(-1, 3) as i128);
                let sub = Expr::str(g.rng.pick_str(&["a", " ", "l", "é"]));
                match g.rng.below(6) {
                    0 => Expr::method(s, "split", "split", vec![sub, n]),
                    1 => Expr::method(s, "replace", "replace", vec![sub, Expr::str("_"), n]),
                    2 => Expr::method(s, "find", "find", vec![sub, n, w]),
                    3 => Expr::method(s, "ljust", "ljust", vec![w, Expr::str("*")]),
                    4 => Expr::method(s, "strip", "strip", vec![Expr::str(" ah")]),
                    _ => Expr::method(s, "count", "count", vec![sub, n]),
                }
            }
            1 => Expr::Interp(vec![
                Part::Lit("<".into()),
                Part::Expr(Expr::var(g.rng.pick(&vars).as_str())),
                Part::Lit("|".into()),
                Part::Expr(Expr::call(
                    "panjang",
                    vec![Expr::var(g.rng.pick(&vars).as_str())],
                )),
                Part::Lit(">".into()),
            ]),
            _ => e,
        };
        out.push(show("teks", vec![e]));
    }
    let v = vars[0].clone();
    out.push(g.mix(Expr::call("panjang", vec![Expr::var(&v)])));
    out
}
