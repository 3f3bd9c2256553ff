//! Diagnostics as data: a stable code, a severity, a message and a primary
//! span, plus optional secondary labels (other places that explain the
//! problem) and `help` notes that teach the Morph way to write what was
//! meant. Rendering is the CLI's job; nothing here prints.

use crate::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// A secondary place in the source, with a short note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One problem found in a source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, e.g. `E0101`; tests and tools match on it.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// Secondary labels, in the order they were added.
    pub labels: Vec<Label>,
    /// Hints: how to write in Morph what the source seems to mean.
    pub help: Vec<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span,
            labels: Vec::new(),
            help: Vec::new(),
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message, span)
        }
    }

    /// Add a hint (rendered as a `help:` footer).
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help.push(help.into());
        self
    }

    /// Add a secondary label.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The stable diagnostic codes. Lexer errors are E01xx, parser errors E02xx,
/// compiler (resolution) errors E03xx, lint warnings W00xx. A code never
/// changes meaning; new problems get new codes.
pub mod codes {
    pub const UNKNOWN_CHAR: &str = "E0101";
    pub const UNTERMINATED_STRING: &str = "E0102";
    pub const BAD_NUMBER: &str = "E0103";
    pub const INVALID_UTF8: &str = "E0104";
    pub const BAD_INTERPOLATION: &str = "E0105";
    /// A Python-style format spec inside an interpolation (`"{x:.2f}"`).
    pub const FORMAT_SPEC: &str = "E0106";
    pub const EXPECTED_TOKEN: &str = "E0201";
    pub const EXPECTED_EXPR: &str = "E0202";
    pub const UNEXPECTED_TOKEN: &str = "E0203";
    pub const BARE_ASSIGNMENT: &str = "E0204";
    pub const TOO_DEEP: &str = "E0205";
    pub const UNCLOSED_BLOCK: &str = "E0206";
    pub const BAD_PATTERN: &str = "E0207";
    pub const BAD_TRY: &str = "E0208";
    /// A keyword of another language (`return`, `if`, `for`, `def`, …)
    /// where a Morph statement was expected.
    pub const FOREIGN_KEYWORD: &str = "E0209";
    /// An operator Morph does not have (`**`, `+=`, `&&`, `===`, `++`, …).
    pub const FOREIGN_OPERATOR: &str = "E0210";
    /// `fungsi(x) maka … akhir` used as an expression.
    pub const ANONYMOUS_FUNCTION: &str = "E0211";
    pub const BREAK_OUTSIDE_LOOP: &str = "E0301";
    pub const CONST_REASSIGN: &str = "E0302";
    pub const ASYNC_UNSUPPORTED: &str = "E0303";
    pub const BAD_INTRINSIC: &str = "E0304";
    pub const TOO_MANY_REGISTERS: &str = "E0305";
    pub const THIS_OUTSIDE_METHOD: &str = "E0306";
    /// A name declared twice along the same path of one scope.
    pub const REDECLARED: &str = "W0001";
    /// Statements after `kembalikan`/`lemparkan`/`berhenti`/`lanjutkan`.
    pub const UNREACHABLE: &str = "W0002";
    /// A local variable or parameter that is never read.
    pub const UNUSED: &str = "W0003";
    /// `//` right after an expression: a comment in Morph, not floor division.
    pub const SLASH_COMMENT: &str = "W0004";
    /// A name from another language (`true`, `None`, `print`, …) that the
    /// program never declares.
    pub const FOREIGN_NAME: &str = "W0005";
}
