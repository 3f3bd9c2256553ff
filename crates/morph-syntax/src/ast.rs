//! The Morph syntax tree. Every node carries the span it was parsed from;
//! `Error` nodes stand where the parser recovered from a diagnostic, so a tree
//! always exists even for broken input.

use crate::span::Span;

/// A name as written in the source.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A whole file.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Program {
    pub body: Vec<Stmt>,
}

pub type Block = Vec<Stmt>;

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `biar x = e`, `tetap x = e`, `biar x` (value `None` means nil),
    /// `biar [a, b] = e`.
    Let {
        target: LetTarget,
        value: Option<Expr>,
        constant: bool,
    },
    /// `ubah target = value`, and the compatibility form `x = v` / `x[i] = v`
    /// (the parser accepts a bare assignment; the compiler checks the name is
    /// declared). `target` is a Name, Index or Attr expression.
    Assign {
        target: Expr,
        value: Expr,
    },
    /// `tulis(a, b, …)` as a statement.
    Print(Vec<Expr>),
    Expr(Expr),
    /// `kembali [e]` / `kembalikan [e]`.
    Return(Option<Expr>),
    /// `berhenti`
    Break,
    /// `lanjutkan`
    Continue,
    /// `lemparkan e [jenis j]`
    Throw {
        value: Expr,
        kind: Option<Expr>,
    },
    /// `jika c maka … (lain jika | lain_jika) c maka … lain … akhir`
    If {
        branches: Vec<(Expr, Block)>,
        else_body: Option<Block>,
    },
    /// `selama c maka … akhir`
    While {
        cond: Expr,
        body: Block,
    },
    /// `pilih e ketika v maka … (kasus v maka …) lainnya maka … akhir`
    Switch {
        subject: Expr,
        cases: Vec<(Expr, Block)>,
        default: Option<Block>,
    },
    /// `jodohkan e dengan | pat [jaga g] maka … akhir`
    Match {
        subject: Expr,
        arms: Vec<MatchArm>,
    },
    /// `coba … tangkap e [jika g] … akhirnya … akhir`
    Try {
        body: Block,
        catches: Vec<Catch>,
        finally: Option<Block>,
    },
    /// `warnai e maka … akhir`
    Warnai {
        color: Expr,
        body: Block,
    },
    /// `fungsi f(a, b) maka … akhir` (also `asink fungsi`, flagged)
    Function(FnDecl),
    /// `kelas K [warisi P] maka fungsi… akhir`
    Class(ClassDecl),
    /// `tipe T = A(x) | B`
    TypeDecl {
        name: Ident,
        variants: Vec<VariantDecl>,
    },
    /// `ambil_semua "path" [sebagai alias]`
    ImportAll {
        path: StrLit,
        alias: Option<Ident>,
    },
    /// `dari "path" ambil_sebagian a, b` and `ambil_sebagian a, b dari "path"`
    ImportFrom {
        path: StrLit,
        names: Vec<Ident>,
    },
    /// `pinjam [aot] "path" [sebagai alias]`
    Pinjam {
        path: StrLit,
        alias: Option<Ident>,
    },
    /// `{ stmt … }` block statement (no new scope).
    Block(Block),
    /// Stands where a statement failed to parse.
    Error,
}

/// A string literal used as a path (no interpolation).
#[derive(Clone, Debug, PartialEq)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LetTarget {
    Name(Ident),
    /// `biar [a, b, c] = seq`
    Destructure(Vec<Ident>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct FnDecl {
    /// Function name; operator names (`+`, `-`, …) are kept as text.
    pub name: Ident,
    pub params: Vec<Ident>,
    pub body: Block,
    pub is_async: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClassDecl {
    pub name: Ident,
    pub parent: Option<Ident>,
    pub methods: Vec<FnDecl>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VariantDecl {
    pub name: Ident,
    pub fields: Vec<Ident>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MatchArm {
    pub pattern: Pattern,
    pub guard: Option<Expr>,
    pub body: Block,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Catch {
    pub name: Ident,
    pub guard: Option<Expr>,
    pub body: Block,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    pub kind: PatternKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PatternKind {
    /// Number, text, `benar`, `salah` or `nil`: matches when `subject == literal`.
    Literal(Expr),
    /// `Nama(p, q)` or bare capitalised `Nama` (`args == None`: any arity).
    Variant {
        name: Ident,
        args: Option<Vec<Pattern>>,
    },
    /// `[p, q, ...rest]`
    List {
        items: Vec<Pattern>,
        rest: Option<Ident>,
    },
    /// `_`
    Wildcard,
    /// lower-case name: matches anything and binds it.
    Bind(Ident),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Nil,
    Bool(bool),
    /// Integer literal that fits in i64.
    Int(i64),
    /// Integer literal beyond i64, as decimal digits (exact, see §15 B11).
    BigInt(String),
    Float(f64),
    /// A string literal without interpolation (escapes already processed).
    Str(String),
    /// A string literal with `{expr}` parts.
    Interp(Vec<InterpPart>),
    Name(String),
    /// `ini`
    This,
    /// `induk.nama` (only valid as a callee or value inside a method)
    Super(Ident),
    List(Vec<Expr>),
    Dict(Vec<(Expr, Expr)>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `a dan b` (short-circuit, operand-returning)
    And(Box<Expr>, Box<Expr>),
    /// `a atau b` (short-circuit, operand-returning)
    Or(Box<Expr>, Box<Expr>),
    /// `c ? a : b`
    Ternary(Box<Expr>, Box<Expr>, Box<Expr>),
    Call(Box<Expr>, Vec<Expr>),
    Index(Box<Expr>, Box<Expr>),
    /// `x[a:b]` with either bound optional
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// `x.nama`
    Attr(Box<Expr>, Ident),
    /// `x.nama = v` used as an expression (property store; value is `v`).
    SetAttr(Box<Expr>, Ident, Box<Expr>),
    /// Stands where an expression failed to parse.
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub enum InterpPart {
    Text(String),
    Expr(Expr),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `tidak x`, `!x`
    Not,
    /// `~x`
    BitNot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::BitAnd => "&",
            BinaryOp::BitOr => "|",
            BinaryOp::BitXor => "^",
            BinaryOp::Shl => "<<",
            BinaryOp::Shr => ">>",
        }
    }
}
