//! The hand-written, character-by-character lexer of §3. It never fails: bad
//! input becomes a diagnostic and lexing continues. Strings are decoded here
//! (escapes of §3.4); literals containing an unescaped `{` also carry the
//! byte→offset map the interpolation parser uses to place embedded
//! expressions in the original file. Comments are recorded (as data for
//! the lint pass); string literals and their recovery live in `string`.

mod string;

pub(crate) use string::find_close;

use crate::diagnostic::{codes, Diagnostic};
use crate::span::Span;
use crate::token::{Keyword, Token, TokenKind};

/// The result of lexing one text.
#[derive(Clone, Debug)]
pub struct Lexed {
    /// All tokens; the last one is always [`TokenKind::Eof`].
    pub tokens: Vec<Token>,
    pub diagnostics: Vec<Diagnostic>,
    /// Every comment, in source order.
    pub comments: Vec<Comment>,
}

/// A comment (`# …` or `// …`, up to the end of its line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// From the comment marker to the end of the line (newline excluded).
    pub span: Span,
    /// Written with `//` rather than `#`.
    pub slashes: bool,
    /// The span of the token before the comment when it is on the same line.
    pub after: Option<Span>,
    /// That token can end an operand (a name, a literal, `)`, `]`, `}`).
    pub after_operand: bool,
}

/// Lex a whole source text.
pub fn lex(source: &str) -> Lexed {
    let mut lx = Lexer {
        src: source,
        bytes: source.as_bytes(),
        pos: 0,
        line: 1,
        tokens: Vec::new(),
        diags: Vec::new(),
        comments: Vec::new(),
        backtracks: 0,
    };
    lx.run();
    Lexed {
        tokens: lx.tokens,
        diagnostics: lx.diags,
        comments: lx.comments,
    }
}

fn off(pos: usize) -> u32 {
    u32::try_from(pos).unwrap_or(u32::MAX)
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    tokens: Vec<Token>,
    diags: Vec<Diagnostic>,
    comments: Vec<Comment>,
    /// Unterminated strings blamed on an earlier literal (bounded).
    backtracks: u32,
}

impl Lexer<'_> {
    fn peek_at(&self, i: usize) -> Option<u8> {
        self.bytes.get(self.pos + i).copied()
    }

    fn push(&mut self, kind: TokenKind, start: usize) {
        let span = Span::new(off(start), off(self.pos));
        self.tokens.push(Token { kind, span });
    }

    fn error(&mut self, code: &'static str, message: String, start: usize, end: usize) {
        self.diags.push(Diagnostic::error(
            code,
            message,
            Span::new(off(start), off(end)),
        ));
    }

    /// The char starting at byte `pos` (the lexer only stops on char boundaries).
    fn char_at(&self, pos: usize) -> Option<char> {
        self.src.get(pos..).and_then(|s| s.chars().next())
    }

    fn run(&mut self) {
        if self.src.starts_with('\u{feff}') {
            self.pos = 3;
        }
        while let Some(b) = self.peek_at(0) {
            let start = self.pos;
            match b {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    self.push(TokenKind::Newline, start);
                    self.line += 1;
                }
                b'#' => self.skip_comment(),
                b'/' if self.peek_at(1) == Some(b'/') => self.skip_comment(),
                b'"' | b'\'' => self.string(b),
                b'0'..=b'9' => self.number(),
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => self.ident(),
                b'.' if self.peek_at(1).is_some_and(|c| c.is_ascii_digit())
                    && !self.prev_ends_operand() =>
                {
                    self.leading_dot_number()
                }
                _ => self.punct(b),
            }
        }
        let end = self.bytes.len();
        self.tokens.push(Token {
            kind: TokenKind::Eof,
            span: Span::new(off(end), off(end)),
        });
    }

    fn skip_comment(&mut self) {
        let start = self.pos;
        let slashes = self.peek_at(0) == Some(b'/');
        while let Some(b) = self.peek_at(0) {
            if b == b'\n' {
                break;
            }
            self.pos += 1;
        }
        let prev = self.tokens.last().filter(|t| t.kind != TokenKind::Newline);
        let after = prev.map(|t| t.span);
        let after_operand = prev.is_some_and(|t| {
            matches!(
                t.kind,
                TokenKind::Ident(_)
                    | TokenKind::Int(_)
                    | TokenKind::BigInt(_)
                    | TokenKind::Float(_)
                    | TokenKind::Str(_)
                    | TokenKind::RParen
                    | TokenKind::RBracket
                    | TokenKind::RBrace
                    | TokenKind::Kw(Keyword::Benar | Keyword::Salah | Keyword::Nil | Keyword::Ini)
            )
        });
        let mut end = self.pos;
        if end > start && self.bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        self.comments.push(Comment {
            span: Span::new(off(start), off(end)),
            slashes,
            after,
            after_operand,
        });
    }

    fn ident(&mut self) {
        let start = self.pos;
        while self
            .peek_at(0)
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            self.pos += 1;
        }
        let text = self.src.get(start..self.pos).unwrap_or("");
        let kind = match Keyword::lookup(text) {
            Some(k) => TokenKind::Kw(k),
            None => TokenKind::Ident(text.to_string()),
        };
        self.push(kind, start);
    }

    /// Whether the previous token can end an operand (then `.5` is `.` `5`).
    fn prev_ends_operand(&self) -> bool {
        matches!(
            self.tokens.last().map(|t| &t.kind),
            Some(
                TokenKind::Ident(_)
                    | TokenKind::Int(_)
                    | TokenKind::BigInt(_)
                    | TokenKind::Float(_)
                    | TokenKind::Str(_)
                    | TokenKind::RParen
                    | TokenKind::RBracket
                    | TokenKind::RBrace
                    | TokenKind::Kw(_)
            )
        )
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek_at(0).is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        start
    }

    fn number(&mut self) {
        let start = self.digits();
        let int_end = self.pos;
        let mut frac: Option<(usize, usize)> = None;
        if self.peek_at(0) == Some(b'.') {
            match self.peek_at(1) {
                Some(c) if c.is_ascii_digit() => {
                    self.pos += 1;
                    let fs = self.digits();
                    frac = Some((fs, self.pos));
                }
                Some(c) if c.is_ascii_alphabetic() || c == b'_' || c == b'.' => {}
                _ => {
                    // `5.` — a dot with no digits after it.
                    self.pos += 1;
                    let text = self.src.get(start..self.pos).unwrap_or("");
                    self.error(
                        codes::BAD_NUMBER,
                        format!("Angka tidak valid: '{text}' (dibutuhkan digit setelah '.')."),
                        start,
                        self.pos,
                    );
                }
            }
        }
        let int_text = self.src.get(start..int_end).unwrap_or("0");
        let kind = match frac {
            Some((fs, fe)) if !self.bytes[fs..fe].iter().all(|&c| c == b'0') => {
                let text = self.src.get(start..fe).unwrap_or("0");
                float_literal(text)
            }
            _ => {
                let digits = int_text.trim_start_matches('0').len();
                if digits > MAX_INT_LITERAL_DIGITS {
                    // Python refuses these too (a SyntaxError): converting
                    // decimal text to an integer is quadratic in its length.
                    self.error(
                        codes::BAD_NUMBER,
                        format!(
                            "Angka terlalu panjang: {digits} digit, batasnya \
                             {MAX_INT_LITERAL_DIGITS} digit untuk bilangan bulat desimal."
                        ),
                        start,
                        int_end,
                    );
                    TokenKind::Int(0)
                } else {
                    int_literal(int_text)
                }
            }
        };
        self.push(kind, start);
    }

    /// `.5`: not a Morph number (§3.3); reported, then lexed as one.
    fn leading_dot_number(&mut self) {
        let start = self.pos;
        self.pos += 1;
        self.digits();
        let text = self.src.get(start..self.pos).unwrap_or("");
        self.error(
            codes::BAD_NUMBER,
            format!("Angka tidak valid: '{text}' (dibutuhkan digit sebelum '.')."),
            start,
            self.pos,
        );
        let kind = float_literal(&format!("0{text}"));
        self.push(kind, start);
    }

    fn punct(&mut self, b: u8) {
        let start = self.pos;
        let next = self.peek_at(1);
        let (kind, len) = match (b, next) {
            (b'+', _) => (TokenKind::Plus, 1),
            (b'-', _) => (TokenKind::Minus, 1),
            (b'*', _) => (TokenKind::Star, 1),
            (b'/', _) => (TokenKind::Slash, 1),
            (b'%', _) => (TokenKind::Percent, 1),
            (b'&', _) => (TokenKind::Amp, 1),
            (b'|', _) => (TokenKind::Pipe, 1),
            (b'^', _) => (TokenKind::Caret, 1),
            (b'~', _) => (TokenKind::Tilde, 1),
            (b'<', Some(b'<')) => (TokenKind::Shl, 2),
            (b'<', Some(b'=')) => (TokenKind::Le, 2),
            (b'<', _) => (TokenKind::Lt, 1),
            (b'>', Some(b'>')) => (TokenKind::Shr, 2),
            (b'>', Some(b'=')) => (TokenKind::Ge, 2),
            (b'>', _) => (TokenKind::Gt, 1),
            (b'=', Some(b'=')) => (TokenKind::EqEq, 2),
            (b'=', _) => (TokenKind::Assign, 1),
            (b'!', Some(b'=')) => (TokenKind::NotEq, 2),
            (b'!', _) => (TokenKind::Bang, 1),
            (b'(', _) => (TokenKind::LParen, 1),
            (b')', _) => (TokenKind::RParen, 1),
            (b'[', _) => (TokenKind::LBracket, 1),
            (b']', _) => (TokenKind::RBracket, 1),
            (b'{', _) => (TokenKind::LBrace, 1),
            (b'}', _) => (TokenKind::RBrace, 1),
            (b',', _) => (TokenKind::Comma, 1),
            (b'.', Some(b'.')) if self.peek_at(2) == Some(b'.') => (TokenKind::Ellipsis, 3),
            (b'.', _) => (TokenKind::Dot, 1),
            (b':', _) => (TokenKind::Colon, 1),
            (b';', _) => (TokenKind::Semicolon, 1),
            (b'?', _) => (TokenKind::Question, 1),
            _ => {
                let ch = self.char_at(start).unwrap_or('\u{fffd}');
                let len = ch.len_utf8().max(1);
                self.pos += len;
                let shown = if ch.is_control() {
                    ch.escape_default().to_string()
                } else {
                    ch.to_string()
                };
                self.error(
                    codes::UNKNOWN_CHAR,
                    format!("Karakter '{shown}' tidak dikenal."),
                    start,
                    self.pos,
                );
                return;
            }
        };
        self.pos += len;
        self.push(kind, start);
    }
}

/// The most significant digits an integer literal may have: Python's default
/// limit for decimal text conversions (`sys.get_int_max_str_digits()`).
pub const MAX_INT_LITERAL_DIGITS: usize = 4300;

/// An integer literal from its decimal digits: i64 when it fits, else exact.
fn int_literal(digits: &str) -> TokenKind {
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() {
        return TokenKind::Int(0);
    }
    match trimmed.parse::<i64>() {
        Ok(n) => TokenKind::Int(n),
        Err(_) => TokenKind::BigInt(trimmed.to_string()),
    }
}

/// A literal with a non-zero fraction. Like the reference (§3.3) a value
/// that is integral after rounding to a double becomes an integer.
fn float_literal(text: &str) -> TokenKind {
    let f: f64 = text.parse().unwrap_or(0.0);
    if f.is_finite() && f.fract() == 0.0 {
        if f.abs() < 9.0e18 {
            return TokenKind::Int(f as i64);
        }
        return TokenKind::BigInt(format!("{f:.0}"));
    }
    TokenKind::Float(f)
}

#[cfg(test)]
mod tests;
