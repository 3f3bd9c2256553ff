//! Diagnostics as data: a stable code, a message and a span. Rendering is the
//! CLI's job; nothing here prints.

use crate::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, e.g. `E0101`; tests and tools match on it.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The stable diagnostic codes. Lexer errors are E01xx, parser errors E02xx,
/// compiler (resolution) errors E03xx.
pub mod codes {
    pub const UNKNOWN_CHAR: &str = "E0101";
    pub const UNTERMINATED_STRING: &str = "E0102";
    pub const BAD_NUMBER: &str = "E0103";
    pub const INVALID_UTF8: &str = "E0104";
    pub const BAD_INTERPOLATION: &str = "E0105";
    pub const EXPECTED_TOKEN: &str = "E0201";
    pub const EXPECTED_EXPR: &str = "E0202";
    pub const UNEXPECTED_TOKEN: &str = "E0203";
    pub const BARE_ASSIGNMENT: &str = "E0204";
    pub const TOO_DEEP: &str = "E0205";
    pub const UNCLOSED_BLOCK: &str = "E0206";
    pub const BAD_PATTERN: &str = "E0207";
    pub const BAD_TRY: &str = "E0208";
    pub const BREAK_OUTSIDE_LOOP: &str = "E0301";
    pub const CONST_REASSIGN: &str = "E0302";
    pub const ASYNC_UNSUPPORTED: &str = "E0303";
    pub const BAD_INTRINSIC: &str = "E0304";
    pub const TOO_MANY_REGISTERS: &str = "E0305";
    pub const THIS_OUTSIDE_METHOD: &str = "E0306";
}
