//! The error-recovering recursive-descent parser: the `Parser` state, token
//! cursor helpers, diagnostics with panic-mode suppression, the nesting-depth
//! guard and statement-level resynchronisation. The grammar itself lives in
//! the sibling modules (`stmt`, `control`, `decl`, `expr`, `pattern`,
//! `interp`).

mod control;
mod decl;
mod expr;
mod foreign;
mod hints;
mod interp;
mod pattern;
mod stmt;
mod suggest;

use crate::ast::{Expr, ExprKind, Ident, Program, Stmt, StmtKind};
use crate::diagnostic::{codes, Diagnostic};
use crate::lexer;
use crate::span::{LineIndex, Span};
use crate::token::{Keyword, Token, TokenKind};
use crate::{Parsed, MAX_NESTING};

/// Lex and parse a whole file.
pub fn parse_program(source: &str) -> Parsed {
    let lexed = lexer::lex(source);
    let lines = LineIndex::new(source);
    let comments = lexed.comments;
    let mut p = Parser::new(lexed.tokens, source, &lines, 0);
    let body = p.parse_program_body();
    let mut diagnostics = lexed.diagnostics;
    diagnostics.append(&mut p.lex_diags);
    // A lexer error usually makes the rest of its line unparsable; parser
    // diagnostics on such a line are cascades and are dropped.
    let bad_lines: std::collections::HashSet<u32> = diagnostics
        .iter()
        .map(|d| lines.line_col(source, d.span.start).0)
        .collect();
    diagnostics.extend(
        p.diags
            .drain(..)
            .filter(|d| !bad_lines.contains(&lines.line_col(source, d.span.start).0)),
    );
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    Parsed {
        program: Program { body },
        diagnostics,
        comments,
    }
}

pub(crate) struct Parser<'a> {
    toks: Vec<Token>,
    pos: usize,
    src: &'a str,
    lines: &'a LineIndex,
    pub(crate) diags: Vec<Diagnostic>,
    /// Lexer diagnostics found while parsing (inside interpolations).
    lex_diags: Vec<Diagnostic>,
    /// Current nesting depth (expressions + blocks + patterns).
    depth: usize,
    /// Panic mode: a diagnostic was reported for the current statement and
    /// further ones are suppressed until the parser resynchronises.
    panicking: bool,
    /// Unwinding after a `TOO_DEEP` diagnostic.
    too_deep: bool,
    /// End offset of the last consumed token other than a newline.
    prev_end: u32,
    /// Parsing the expression inside a `{…}` of a string literal.
    in_interp: bool,
    /// Index in `diags` of the "blocks left open at the end of the file"
    /// diagnostic, which later unclosed openers join as labels.
    eof_unclosed: Option<usize>,
    /// The name a `biar` is declaring while its value is parsed (for hints).
    binding: Option<String>,
    /// The first block closed by an `akhir` indented less than its opener
    /// (opener span, keyword, line of that `akhir`): a likely culprit when
    /// blocks are left open at the end of the file.
    misaligned: Option<(Span, String, u32)>,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(
        mut toks: Vec<Token>,
        src: &'a str,
        lines: &'a LineIndex,
        depth: usize,
    ) -> Parser<'a> {
        if !matches!(toks.last().map(|t| &t.kind), Some(TokenKind::Eof)) {
            let end = toks.last().map_or(0, |t| t.span.end);
            toks.push(Token {
                kind: TokenKind::Eof,
                span: Span::new(end, end),
            });
        }
        Parser {
            toks,
            pos: 0,
            src,
            lines,
            diags: Vec::new(),
            lex_diags: Vec::new(),
            depth,
            panicking: false,
            too_deep: false,
            prev_end: 0,
            in_interp: false,
            eof_unclosed: None,
            binding: None,
            misaligned: None,
        }
    }

    // ----- cursor -------------------------------------------------------

    fn tok(&self) -> &Token {
        self.tok_at(0)
    }

    fn tok_at(&self, n: usize) -> &Token {
        let i = (self.pos + n).min(self.toks.len().saturating_sub(1));
        // `new` guarantees at least the Eof token.
        &self.toks[i]
    }

    fn kind(&self) -> &TokenKind {
        &self.tok().kind
    }

    fn kind_at(&self, n: usize) -> &TokenKind {
        &self.tok_at(n).kind
    }

    fn span(&self) -> Span {
        self.tok().span
    }

    fn at(&self, kind: &TokenKind) -> bool {
        self.kind() == kind
    }

    fn at_kw(&self, kw: Keyword) -> bool {
        self.kind().is_kw(kw)
    }

    fn at_eof(&self) -> bool {
        matches!(self.kind(), TokenKind::Eof)
    }

    /// Consume the current token (never moves past Eof); returns its span.
    fn bump(&mut self) -> Span {
        let t = self.tok();
        let span = t.span;
        let counts = !matches!(t.kind, TokenKind::Newline | TokenKind::Semicolon);
        if !matches!(t.kind, TokenKind::Eof) {
            self.pos += 1;
            if counts {
                self.prev_end = span.end;
            }
        }
        span
    }

    fn eat(&mut self, kind: &TokenKind) -> bool {
        if self.at(kind) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn eat_kw(&mut self, kw: Keyword) -> bool {
        if self.at_kw(kw) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn skip_newlines(&mut self) {
        while self.at(&TokenKind::Newline) {
            self.bump();
        }
    }

    /// Span from `start` to the end of the last consumed token.
    fn span_from(&self, start: Span) -> Span {
        Span::new(start.start, self.prev_end.max(start.end))
    }

    fn line_of(&self, span: Span) -> u32 {
        self.lines.line_col(self.src, span.start).0
    }

    // ----- diagnostics --------------------------------------------------

    fn error_at(&mut self, code: &'static str, message: impl Into<String>, span: Span) {
        if self.panicking || self.too_deep {
            return;
        }
        let mut d = Diagnostic::error(code, message, span);
        if let Some(help) = self.help_at(span) {
            d = d.with_help(help);
        }
        self.diags.push(d);
        self.panicking = true;
    }

    /// Add `help` to the diagnostic reported since `diags.len()` was `since`.
    fn help_since(&mut self, since: usize, help: impl Into<String>) {
        if self.diags.len() > since {
            if let Some(d) = self.diags.last_mut() {
                d.help.push(help.into());
            }
        }
    }

    fn error(&mut self, code: &'static str, message: impl Into<String>) {
        let span = self.span();
        self.error_at(code, message, span);
    }

    /// Description of the current token for messages.
    fn found(&self) -> String {
        if self.in_interp && self.at_eof() {
            return "'}'".to_string();
        }
        self.kind().describe()
    }

    /// Skip tokens on the current line until `stop` matches (not consumed),
    /// a newline or EOF.
    fn skip_line_until(&mut self, stop: impl Fn(&TokenKind) -> bool) {
        while !matches!(self.kind(), TokenKind::Newline | TokenKind::Eof) && !stop(self.kind()) {
            self.bump();
        }
    }

    /// "Dibutuhkan X, tetapi ditemukan Y." at the current token.
    fn expected(&mut self, what: &str) {
        let found = self.found();
        self.error(
            codes::EXPECTED_TOKEN,
            format!("Dibutuhkan {what}, tetapi ditemukan {found}."),
        );
    }

    /// Consume `kind` or report `message` (not consuming anything).
    fn expect(&mut self, kind: &TokenKind, message: &str) -> bool {
        if self.eat(kind) {
            return true;
        }
        self.error(codes::EXPECTED_TOKEN, message.to_string());
        false
    }

    fn expect_kw(&mut self, kw: Keyword, message: &str) -> bool {
        self.expect(&TokenKind::Kw(kw), message)
    }

    /// A plain identifier (no keyword allowed).
    fn expect_ident(&mut self, message: &str) -> Option<Ident> {
        if let TokenKind::Ident(name) = self.kind() {
            let ident = Ident {
                name: name.clone(),
                span: self.span(),
            };
            self.bump();
            return Some(ident);
        }
        self.error(codes::EXPECTED_TOKEN, message.to_string());
        None
    }

    /// An identifier or a keyword usable as one (`IDENTX` of §4).
    fn ident_x(&self) -> Option<Ident> {
        let name = match self.kind() {
            TokenKind::Ident(name) => name.clone(),
            TokenKind::Kw(k) if k.usable_as_ident() => k.as_str().to_string(),
            _ => return None,
        };
        Some(Ident {
            name,
            span: self.span(),
        })
    }

    fn expect_ident_x(&mut self, message: &str) -> Option<Ident> {
        match self.ident_x() {
            Some(id) => {
                self.bump();
                Some(id)
            }
            None => {
                self.error(codes::EXPECTED_TOKEN, message.to_string());
                None
            }
        }
    }

    /// `terminator` of §4.1: NL or `;` (consumed), or nothing before
    /// `akhir`, `}`, `lain` and EOF.
    fn expect_terminator(&mut self, what: &str) {
        match self.kind() {
            TokenKind::Newline | TokenKind::Semicolon => {
                self.bump();
            }
            TokenKind::RBrace | TokenKind::Eof => {}
            TokenKind::Kw(Keyword::Akhir | Keyword::Lain) => {}
            _ => {
                let found = self.found();
                self.error(
                    codes::UNEXPECTED_TOKEN,
                    format!(
                        "Dibutuhkan baris baru atau ';' setelah {what}, tetapi ditemukan {found}."
                    ),
                );
            }
        }
    }

    // ----- nesting guard ------------------------------------------------

    /// Enter one nesting level; `false` (after a diagnostic) when too deep.
    fn enter(&mut self) -> bool {
        if self.too_deep {
            return false;
        }
        if self.depth >= MAX_NESTING {
            if !self.panicking {
                let span = self.span();
                self.diags.push(Diagnostic::error(
                    codes::TOO_DEEP,
                    format!("Struktur bersarang terlalu dalam (lebih dari {MAX_NESTING} tingkat)."),
                    span,
                ));
            }
            self.too_deep = true;
            return false;
        }
        self.depth += 1;
        true
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn error_expr(&self, span: Span) -> Expr {
        Expr {
            kind: ExprKind::Error,
            span,
        }
    }

    // ----- recovery -----------------------------------------------------

    /// Skip to the end of the current statement: up to (not including) a
    /// newline, `;`, `akhir`, `lain` or EOF. Clears panic mode.
    fn synchronize(&mut self) {
        let at_boundary = self.pos > 0
            && matches!(
                self.toks.get(self.pos - 1).map(|t| &t.kind),
                Some(TokenKind::Newline | TokenKind::Semicolon)
            );
        if !at_boundary {
            while !matches!(
                self.kind(),
                TokenKind::Newline
                    | TokenKind::Semicolon
                    | TokenKind::Eof
                    | TokenKind::Kw(Keyword::Akhir | Keyword::Lain)
            ) {
                self.bump();
            }
        }
        self.panicking = false;
    }

    /// After a `TOO_DEEP` bail-out at the top level: skip the whole
    /// offending construct, counting openers (brackets and block keywords)
    /// against closers from the statement's first token. Brackets still open
    /// when a statement keyword starts a line are taken as never closed.
    fn skip_deep_construct(&mut self, stmt_start: usize) {
        let mut i = stmt_start;
        let (mut brackets, mut blocks) = (0i64, 0i64);
        let mut opened = false;
        while let Some(t) = self.toks.get(i) {
            let line_start = i > 0
                && matches!(
                    self.toks.get(i - 1).map(|t| &t.kind),
                    Some(TokenKind::Newline)
                );
            if line_start && brackets > 0 && starts_statement_line(&t.kind) {
                brackets = 0;
                if blocks <= 0 {
                    break;
                }
            }
            match &t.kind {
                TokenKind::Eof => break,
                TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => brackets += 1,
                TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => brackets -= 1,
                TokenKind::Kw(Keyword::Akhir) => blocks -= 1,
                TokenKind::Kw(
                    Keyword::Selama
                    | Keyword::Fungsi
                    | Keyword::Kelas
                    | Keyword::Pilih
                    | Keyword::Jodohkan
                    | Keyword::Coba
                    | Keyword::Warnai,
                ) => blocks += 1,
                TokenKind::Kw(Keyword::Jika) => {
                    let after_lain = i > 0
                        && matches!(
                            self.toks.get(i - 1).map(|t| &t.kind),
                            Some(TokenKind::Kw(Keyword::Lain))
                        );
                    if !after_lain {
                        blocks += 1;
                    }
                }
                _ => {}
            }
            i += 1;
            if brackets + blocks > 0 {
                opened = true;
            }
            if opened && brackets + blocks <= 0 {
                break;
            }
        }
        self.pos = i.max(self.pos).min(self.toks.len().saturating_sub(1));
        self.too_deep = false;
        self.synchronize();
        self.depth = 0;
    }

    fn parse_program_body(&mut self) -> Vec<Stmt> {
        let mut body = Vec::new();
        loop {
            match self.kind() {
                TokenKind::Eof => break,
                TokenKind::Newline | TokenKind::Semicolon => {
                    self.bump();
                    self.panicking = false;
                }
                _ => {
                    let before = self.pos;
                    let stmt = self.parse_declaration();
                    body.push(stmt);
                    if self.too_deep {
                        self.skip_deep_construct(before);
                    } else if self.panicking {
                        self.synchronize();
                    }
                    if self.pos == before {
                        self.bump();
                    }
                }
            }
        }
        body
    }

    fn error_stmt(&self, start: Span) -> Stmt {
        Stmt {
            kind: StmtKind::Error,
            span: self.span_from(start),
        }
    }
}

/// Keywords that begin a statement; used by recovery heuristics to spot
/// where an unclosed bracket must have ended.
fn starts_statement_line(kind: &TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Kw(
            Keyword::Biar
                | Keyword::Tetap
                | Keyword::Fungsi
                | Keyword::Kelas
                | Keyword::Jika
                | Keyword::Selama
                | Keyword::Pilih
                | Keyword::Jodohkan
                | Keyword::Coba
                | Keyword::Ubah
                | Keyword::Tulis
                | Keyword::Kembali
                | Keyword::Kembalikan
                | Keyword::Lemparkan
                | Keyword::Warnai
                | Keyword::Pinjam
                | Keyword::AmbilSemua
                | Keyword::Lain
                | Keyword::Akhirnya
                | Keyword::Tangkap
                | Keyword::Ketika
                | Keyword::Lainnya
                | Keyword::Akhir
        )
    )
}

#[cfg(test)]
mod tests;
