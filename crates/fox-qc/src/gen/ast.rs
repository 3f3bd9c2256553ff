//! The generator's program representation: a small, language-neutral tree
//! of statements and expressions that renders both as Morph
//! ([`super::morph`]) and as Python ([`super::python`]). The reducer edits
//! this tree (removing statements, replacing expressions by their parts),
//! so both renderings always stay the same program.

/// A binary operator. Every one is rendered fully parenthesised, so the
/// two languages' precedence tables never matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Shl,
    Shr,
    BitAnd,
    BitOr,
    BitXor,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

/// A prefix operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Not,
    Inv,
}

/// A part of an interpolated text.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Lit(String),
    Expr(Expr),
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A non-negative decimal integer literal (any size).
    Int(String),
    /// A float literal with a non-zero fraction (`2.5`): Morph reads an
    /// integral literal such as `2.0` as an integer.
    Float(String),
    Str(String),
    Bool(bool),
    Nil,
    Var(String),
    /// `ini` / `self`.
    This,
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Un(UnOp, Box<Expr>),
    /// A call of a named function (a builtin both languages spell the same
    /// way once the Python prelude ran, or a program's own function).
    Call(String, Vec<Expr>),
    /// A method call: the Morph name and the Python name.
    Method(Box<Expr>, &'static str, &'static str, Vec<Expr>),
    /// `induk.m(…)` / `super().m(…)`.
    Super(String, Vec<Expr>),
    Attr(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    List(Vec<Expr>),
    Dict(Vec<(Expr, Expr)>),
    /// `c ? a : b` / `(a if c else b)`.
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    Interp(Vec<Part>),
}

/// A `jodohkan` / `match` pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum Pat {
    Int(i64),
    Str(String),
    Nil,
    Wild,
    Bind(String),
    Variant(String, Vec<Pat>),
    /// Items, then an optional `...rest` / `*rest` name.
    List(Vec<Pat>, Option<String>),
}

/// One `tangkap` clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Catch {
    pub var: String,
    pub guard: Option<Expr>,
    pub body: Vec<Stmt>,
}

/// One `jodohkan` case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub pat: Pat,
    pub guard: Option<Expr>,
    pub body: Vec<Stmt>,
}

/// A statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    Let(String, Expr),
    Assign(Expr, Expr),
    Print(Vec<Expr>),
    Expr(Expr),
    If(Expr, Vec<Stmt>, Vec<Stmt>),
    /// A loop bounded by a counter: `var` counts 1…`count`, incremented
    /// first thing in the body so `lanjutkan` cannot skip it.
    Loop {
        var: String,
        count: u32,
        body: Vec<Stmt>,
    },
    Break,
    Continue,
    Func {
        name: String,
        params: Vec<String>,
        body: Vec<Stmt>,
    },
    Return(Option<Expr>),
    Class {
        name: String,
        parent: Option<String>,
        methods: Vec<Stmt>,
    },
    /// `tipe _ = A(x) | B`: each variant's name and field count.
    Variants(Vec<(String, usize)>),
    Try {
        body: Vec<Stmt>,
        catches: Vec<Catch>,
        finally: Option<Vec<Stmt>>,
    },
    /// `lemparkan MSG jenis KIND`.
    Raise(Expr, Expr),
    /// `lemparkan e` of a caught error (Python: `raise` of the exception
    /// the enclosing handler caught).
    Rethrow(String),
    Match(Expr, Vec<Case>),
    /// `bekukan(v)` / `yield v`.
    Yield(Expr),
    /// `xs.sort(kunci, terbalik)` / `xs.sort(key=…, reverse=…)`.
    Sort {
        list: Expr,
        key: Option<String>,
        reverse: bool,
    },
    /// Morph-only: `pilih e ketika v maka … lainnya maka … akhir`.
    Switch(Expr, Vec<(Expr, Vec<Stmt>)>, Vec<Stmt>),
}

impl Expr {
    pub fn int(n: i128) -> Expr {
        if n < 0 {
            Expr::Un(UnOp::Neg, Box::new(Expr::Int((-n).to_string())))
        } else {
            Expr::Int(n.to_string())
        }
    }
    pub fn var(s: &str) -> Expr {
        Expr::Var(s.to_string())
    }
    pub fn str(s: &str) -> Expr {
        Expr::Str(s.to_string())
    }
    pub fn bin(op: BinOp, a: Expr, b: Expr) -> Expr {
        Expr::Bin(op, Box::new(a), Box::new(b))
    }
    pub fn call(f: &str, args: Vec<Expr>) -> Expr {
        Expr::Call(f.to_string(), args)
    }
    pub fn method(recv: Expr, morph: &'static str, py: &'static str, args: Vec<Expr>) -> Expr {
        Expr::Method(Box::new(recv), morph, py, args)
    }
    pub fn index(a: Expr, i: Expr) -> Expr {
        Expr::Index(Box::new(a), Box::new(i))
    }
    pub fn attr(a: Expr, name: &str) -> Expr {
        Expr::Attr(Box::new(a), name.to_string())
    }

    /// The direct subexpressions, which the reducer tries in this node's
    /// place.
    pub fn children(&self) -> Vec<Expr> {
        match self {
            Expr::Bin(_, a, b) => vec![(**a).clone(), (**b).clone()],
            Expr::Un(_, a) => vec![(**a).clone()],
            Expr::Call(_, args) | Expr::Super(_, args) | Expr::List(args) => args.clone(),
            Expr::Method(r, _, _, args) => {
                let mut v = vec![(**r).clone()];
                v.extend(args.iter().cloned());
                v
            }
            Expr::Attr(a, _) => vec![(**a).clone()],
            Expr::Index(a, b) => vec![(**a).clone(), (**b).clone()],
            Expr::Slice(a, _, _) => vec![(**a).clone()],
            Expr::Dict(kv) => kv.iter().map(|(_, v)| v.clone()).collect(),
            Expr::Cond(c, a, b) => vec![(**c).clone(), (**a).clone(), (**b).clone()],
            Expr::Interp(parts) => parts
                .iter()
                .filter_map(|p| match p {
                    Part::Expr(e) => Some(e.clone()),
                    Part::Lit(_) => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

impl Expr {
    /// The direct subexpressions, mutably (in the order of
    /// [`Expr::children`] where both list them).
    pub fn children_mut(&mut self) -> Vec<&mut Expr> {
        match self {
            Expr::Bin(_, a, b) | Expr::Index(a, b) => vec![&mut **a, &mut **b],
            Expr::Un(_, a) | Expr::Attr(a, _) | Expr::Slice(a, _, _) => vec![&mut **a],
            Expr::Call(_, args) | Expr::Super(_, args) | Expr::List(args) => {
                args.iter_mut().collect()
            }
            Expr::Method(r, _, _, args) => {
                let mut v = vec![&mut **r];
                v.extend(args.iter_mut());
                v
            }
            Expr::Dict(kv) => kv.iter_mut().map(|(_, v)| v).collect(),
            Expr::Cond(c, a, b) => vec![&mut **c, &mut **a, &mut **b],
            Expr::Interp(parts) => parts
                .iter_mut()
                .filter_map(|p| match p {
                    Part::Expr(e) => Some(e),
                    Part::Lit(_) => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

impl Stmt {
    pub fn let_(name: &str, e: Expr) -> Stmt {
        Stmt::Let(name.to_string(), e)
    }
    pub fn set(name: &str, e: Expr) -> Stmt {
        Stmt::Assign(Expr::var(name), e)
    }
    pub fn print(args: Vec<Expr>) -> Stmt {
        Stmt::Print(args)
    }

    /// The nested statement lists of this statement, for walking.
    pub fn blocks(&self) -> Vec<&Vec<Stmt>> {
        match self {
            Stmt::If(_, a, b) => vec![a, b],
            Stmt::Loop { body, .. } | Stmt::Func { body, .. } => vec![body],
            Stmt::Class { methods, .. } => vec![methods],
            Stmt::Try {
                body,
                catches,
                finally,
            } => {
                let mut v = vec![body];
                v.extend(catches.iter().map(|c| &c.body));
                if let Some(f) = finally {
                    v.push(f);
                }
                v
            }
            Stmt::Match(_, cases) => cases.iter().map(|c| &c.body).collect(),
            Stmt::Switch(_, arms, other) => {
                let mut v: Vec<&Vec<Stmt>> = arms.iter().map(|a| &a.1).collect();
                v.push(other);
                v
            }
            _ => Vec::new(),
        }
    }

    /// The same, mutably (in the same order as [`Stmt::blocks`]).
    pub fn blocks_mut(&mut self) -> Vec<&mut Vec<Stmt>> {
        match self {
            Stmt::If(_, a, b) => vec![a, b],
            Stmt::Loop { body, .. } | Stmt::Func { body, .. } => vec![body],
            Stmt::Class { methods, .. } => vec![methods],
            Stmt::Try {
                body,
                catches,
                finally,
            } => {
                let mut v = vec![body];
                v.extend(catches.iter_mut().map(|c| &mut c.body));
                if let Some(f) = finally {
                    v.push(f);
                }
                v
            }
            Stmt::Match(_, cases) => cases.iter_mut().map(|c| &mut c.body).collect(),
            Stmt::Switch(_, arms, other) => {
                let mut v: Vec<&mut Vec<Stmt>> = arms.iter_mut().map(|a| &mut a.1).collect();
                v.push(other);
                v
            }
            _ => Vec::new(),
        }
    }

    /// The expressions directly in this statement (not in nested blocks),
    /// mutably, for the reducer.
    pub fn exprs_mut(&mut self) -> Vec<&mut Expr> {
        match self {
            Stmt::Let(_, e) | Stmt::Expr(e) | Stmt::Yield(e) => vec![e],
            Stmt::Assign(_, e) => vec![e],
            Stmt::Print(args) => args.iter_mut().collect(),
            Stmt::If(c, _, _) | Stmt::Match(c, _) => vec![c],
            Stmt::Return(Some(e)) => vec![e],
            Stmt::Raise(a, b) => vec![a, b],
            _ => Vec::new(),
        }
    }
}
