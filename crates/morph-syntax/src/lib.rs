//! Morph front end: lexer, error-recovering parser, syntax tree and
//! diagnostics. Parsing never fails: [`parse`] returns a tree plus every
//! diagnostic found, and nesting beyond [`MAX_NESTING`] is a diagnostic, never
//! a Rust stack overflow.

pub mod ast;
pub mod diagnostic;
pub mod explain;
pub mod lexer;
pub mod parser;
pub mod sexpr;
pub mod span;
pub mod token;

pub use diagnostic::{Diagnostic, Severity};
pub use span::{LineIndex, Span};

/// Deepest nesting of expressions/blocks the parser accepts.
pub const MAX_NESTING: usize = 200;

/// The result of parsing one file.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub program: ast::Program,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.is_error())
    }
}

/// Lex and parse a whole source text.
pub fn parse(source: &str) -> Parsed {
    parser::parse_program(source)
}
