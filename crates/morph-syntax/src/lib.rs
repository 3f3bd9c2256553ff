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
    /// Every comment of the file (the lint pass reads them).
    pub comments: Vec<lexer::Comment>,
}

impl Parsed {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.is_error())
    }

    /// Does `source` (what was parsed) fail only because it ends too early:
    /// every error stands at its end, or is a block left open there (those
    /// point at their opener and label the end)? A REPL keeps reading then.
    pub fn is_incomplete(&self, source: &str) -> bool {
        let end = source.trim_end().len() as u32;
        self.has_errors()
            && self.diagnostics.iter().all(|d| {
                d.span.start >= end
                    || (d.code == diagnostic::codes::UNCLOSED_BLOCK
                        && d.labels.first().is_some_and(|l| l.span.start >= end))
            })
    }
}

/// Lex and parse a whole source text.
pub fn parse(source: &str) -> Parsed {
    parser::parse_program(source)
}
