//! The Morph program generator (in the spirit of Csmith and YARPGen): from
//! a seed, a deterministic, terminating Morph program that prints values
//! and a running checksum as it goes, and — when every feature it uses has
//! Python-equivalent semantics — the same program in Python, so CPython is
//! a second oracle. A program is a few *segments*, each drawn from one
//! weighted feature [`Family`]; every loop is bounded by a counter,
//! recursion by its argument, and nothing reads input, time, randomness or
//! the host. Programs are trees ([`ast`]) so the reducer can shrink them.

pub mod ast;
mod data;
mod flow;
mod functions;
mod matching;
pub mod morph;
mod numbers;
pub mod python;
pub mod rng;
mod texts;

use ast::{BinOp, Expr, Stmt};
use rng::Rng;

/// A feature family: what one segment of a program exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    Ints,
    Floats,
    Bools,
    Strings,
    Collections,
    Classes,
    Closures,
    Generators,
    Match,
    Exceptions,
    Loops,
    Recursion,
    StringBuilding,
    Sorting,
    MorphOnly,
}

impl Family {
    pub const ALL: [Family; 15] = [
        Family::Ints,
        Family::Floats,
        Family::Bools,
        Family::Strings,
        Family::Collections,
        Family::Classes,
        Family::Closures,
        Family::Generators,
        Family::Match,
        Family::Exceptions,
        Family::Loops,
        Family::Recursion,
        Family::StringBuilding,
        Family::Sorting,
        Family::MorphOnly,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Family::Ints => "bilangan-bulat",
            Family::Floats => "float",
            Family::Bools => "boolean",
            Family::Strings => "teks",
            Family::Collections => "daftar-kamus",
            Family::Classes => "kelas",
            Family::Closures => "closure",
            Family::Generators => "generator",
            Family::Match => "jodohkan",
            Family::Exceptions => "pengecualian",
            Family::Loops => "perulangan",
            Family::Recursion => "rekursi",
            Family::StringBuilding => "bangun-teks",
            Family::Sorting => "pengurutan",
            Family::MorphOnly => "khas-morph",
        }
    }

    /// How often the family is drawn, relative to the others.
    pub fn weight(self) -> u32 {
        match self {
            Family::Ints => 10,
            Family::Floats => 8,
            Family::Bools => 5,
            Family::Strings => 9,
            Family::Collections => 9,
            Family::Classes => 7,
            Family::Closures => 6,
            Family::Generators => 5,
            Family::Match => 7,
            Family::Exceptions => 8,
            Family::Loops => 6,
            Family::Recursion => 5,
            Family::StringBuilding => 5,
            Family::Sorting => 6,
            Family::MorphOnly => 3,
        }
    }

    /// Whether a segment of this family has a Python twin.
    pub fn has_twin(self) -> bool {
        self != Family::MorphOnly
    }
}

/// A generated program.
#[derive(Debug, Clone)]
pub struct Program {
    pub seed: u64,
    /// The family of each segment, in order.
    pub families: Vec<Family>,
    pub stmts: Vec<Stmt>,
}

impl Program {
    /// The first line of both renderings: how to generate it again.
    pub fn header(&self) -> String {
        format!("fox-qc gen {}", self.seed)
    }

    /// Whether the Python twin exists (every family used has one).
    pub fn has_twin(&self) -> bool {
        self.families.iter().all(|f| f.has_twin())
    }

    pub fn morph(&self) -> String {
        morph::program(&self.header(), &self.stmts)
    }

    pub fn python(&self) -> Option<String> {
        self.has_twin()
            .then(|| python::program(&self.header(), &self.stmts))
    }
}

/// The generation state shared by the families.
pub(crate) struct Gen {
    pub rng: Rng,
    counter: usize,
}

/// The running checksum every segment folds values into.
pub(crate) const CHECK: &str = "cek";

impl Gen {
    /// A name never used before in this program.
    pub fn fresh(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }

    /// `cek = (cek * 31 + e) % 1000000007` for an integer expression.
    pub fn mix(&self, e: Expr) -> Stmt {
        let acc = Expr::bin(
            BinOp::Add,
            Expr::bin(BinOp::Mul, Expr::var(CHECK), Expr::int(31)),
            e,
        );
        Stmt::set(CHECK, Expr::bin(BinOp::Mod, acc, Expr::int(1_000_000_007)))
    }
}

pub(crate) fn var(s: &str) -> Expr {
    Expr::var(s)
}

pub(crate) fn ret(e: Expr) -> Stmt {
    Stmt::Return(Some(e))
}

pub(crate) fn func(name: &str, params: &[&str], body: Vec<Stmt>) -> Stmt {
    Stmt::Func {
        name: name.into(),
        params: params.iter().map(|p| p.to_string()).collect(),
        body,
    }
}

/// `tulis("label", …)`.
pub(crate) fn show(label: &str, mut args: Vec<Expr>) -> Stmt {
    args.insert(0, Expr::str(label));
    Stmt::print(args)
}

/// The program of `seed`.
pub fn generate(seed: u64) -> Program {
    let mut g = Gen {
        rng: Rng::new(seed),
        counter: 0,
    };
    let mut stmts = vec![Stmt::let_(CHECK, Expr::int(0))];
    let weights: Vec<u32> = Family::ALL.iter().map(|f| f.weight()).collect();
    let n = g.rng.range(3, 6);
    let mut families = Vec::new();
    for _ in 0..n {
        let f = Family::ALL[g.rng.weighted(&weights)];
        families.push(f);
        let seg = segment(&mut g, f);
        stmts.extend(seg);
        stmts.push(Stmt::print(vec![
            Expr::str(&format!("cek {}", f.name())),
            Expr::var(CHECK),
        ]));
    }
    Program {
        seed,
        families,
        stmts,
    }
}

fn segment(g: &mut Gen, f: Family) -> Vec<Stmt> {
    match f {
        Family::Ints => numbers::ints(g),
        Family::Floats => numbers::floats(g),
        Family::Bools => numbers::bools(g),
        Family::Strings => texts::strings(g),
        Family::Collections => data::collections(g),
        Family::Classes => data::classes(g),
        Family::Closures => functions::closures(g),
        Family::Generators => functions::generators(g),
        Family::Match => matching::matching(g),
        Family::Exceptions => matching::exceptions(g),
        Family::Loops => flow::loops(g),
        Family::Recursion => flow::recursion(g),
        Family::StringBuilding => flow::string_building(g),
        Family::Sorting => flow::sorting(g),
        Family::MorphOnly => matching::morph_only(g),
    }
}
