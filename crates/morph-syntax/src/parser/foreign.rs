//! Recovery from code written in another language's spelling, so that each
//! mistake gets one diagnostic that teaches the Morph way and nothing
//! cascades from it:
//!
//! * a statement that starts with a foreign keyword (`return`, `if`,
//!   `for`, `def`, …) and fails to parse is parsed again from its start:
//!   E0209 at the keyword, then the statement as Morph would have it (same
//!   shape: `return x` is a `kembalikan`), or its whole block — up to
//!   `akhir` after `maka`, to `}` after `{`, to `end` after `then`/`do` —
//!   or, after a Python `:`, just its line;
//! * operators Morph lacks (`**`, `+=`, `&&`, `||`, `===`, `++`, `=>`) are
//!   E0210 with the Morph spelling built from the operands;
//! * `fungsi(x) maka … akhir` used as a value is E0211, body included;
//! * any other error that lands on a foreign word (`and`, `then`, `~=`, …)
//!   gets a `help:` note.

use super::hints::{self, Kind};
use super::stmt::Stop;
use super::Parser;
use crate::ast::{Expr, ExprKind, Stmt, StmtKind};
use crate::diagnostic::{codes, Diagnostic};
use crate::span::Span;
use crate::token::{Keyword, TokenKind};

impl Parser<'_> {
    /// One statement; see the module comment for foreign keywords.
    pub(super) fn parse_declaration(&mut self) -> Stmt {
        let (pos, ndiags, nlex) = (self.pos, self.diags.len(), self.lex_diags.len());
        let (prev_end, depth) = (self.prev_end, self.depth);
        let stmt = self.parse_declaration_inner();
        let foreign = self.toks[pos].kind.ident().and_then(hints::foreign);
        let Some(f) = foreign else {
            return stmt;
        };
        // A statement that is only the word (`break`, `pass`, `end`) does
        // nothing in Morph but read a name: it was meant as a keyword.
        let bare = matches!(&stmt.kind, StmtKind::Expr(e) if matches!(e.kind, ExprKind::Name(_)));
        if (self.diags.len() == ndiags && !bare) || self.too_deep {
            return stmt;
        }
        self.pos = pos;
        self.diags.truncate(ndiags);
        self.lex_diags.truncate(nlex);
        self.prev_end = prev_end;
        self.depth = depth;
        self.panicking = false;
        if self.eof_unclosed.is_some_and(|i| i >= ndiags) {
            self.eof_unclosed = None;
        }
        self.foreign_statement(f)
    }

    /// The last token of the current line (before its newline or EOF).
    fn line_last(&self) -> (usize, &TokenKind, Span) {
        let mut i = self.pos;
        while let Some(t) = self.toks.get(i + 1) {
            if matches!(t.kind, TokenKind::Newline | TokenKind::Eof) {
                break;
            }
            i += 1;
        }
        let t = &self.toks[i.min(self.toks.len() - 1)];
        (i, &t.kind, t.span)
    }

    fn foreign_statement(&mut self, f: &hints::Foreign) -> Stmt {
        let start = self.span();
        let (last_index, last_kind, last_span) = self.line_last();
        let last_kind = last_kind.clone();
        let rest = self
            .src
            .get(start.end as usize..last_span.end.max(start.end) as usize)
            .unwrap_or("");
        let d = Diagnostic::error(codes::FOREIGN_KEYWORD, hints::statement_message(f), start)
            .with_help(super::suggest::statement_help(f.word, rest));
        self.diags.push(d);
        self.panicking = true;
        let morph_kw = match f.word {
            "return" => Some(Keyword::Kembalikan),
            "break" => Some(Keyword::Berhenti),
            "continue" => Some(Keyword::Lanjutkan),
            "throw" | "raise" => Some(Keyword::Lemparkan),
            "let" | "var" | "local" => Some(Keyword::Biar),
            "const" => Some(Keyword::Tetap),
            "if" => Some(Keyword::Jika),
            "while" => Some(Keyword::Selama),
            "def" | "function" | "func" | "fn" => Some(Keyword::Fungsi),
            "class" => Some(Keyword::Kelas),
            _ => None,
        };
        let opens_block = matches!(f.kind, Kind::Block | Kind::Loop | Kind::Clause);
        match (&last_kind, morph_kw) {
            (_, Some(kw)) if f.kind == Kind::Simple => self.reparse_as(kw),
            (TokenKind::Kw(Keyword::Maka), Some(kw)) if f.kind == Kind::Block => {
                self.reparse_as(kw)
            }
            (TokenKind::Kw(Keyword::Maka), _)
                if matches!(f.kind, Kind::Block | Kind::Loop) && last_index > self.pos =>
            {
                while self.pos <= last_index && !self.at_eof() {
                    self.bump();
                }
                let body = self.parse_block(Stop::Akhir);
                self.close_block(f.word, start);
                self.recovered(f.kind, body, start)
            }
            (TokenKind::LBrace, _) if opens_block => self.brace_chain(f.kind, start),
            (TokenKind::Ident(w), _) if opens_block && matches!(w.as_str(), "then" | "do") => {
                self.lua_block(f.kind, start)
            }
            // `function f(a, b)` with nothing after: Lua, closed by `end`.
            (TokenKind::RParen, Some(Keyword::Fungsi)) => self.lua_block(f.kind, start),
            _ => {
                self.skip_line_until(|_| false);
                self.error_stmt(start)
            }
        }
    }

    /// Parse the statement again with its first token read as `kw`. Its
    /// own errors are real ones (`let x: int = 1`), so they are reported.
    fn reparse_as(&mut self, kw: Keyword) -> Stmt {
        if let Some(t) = self.toks.get_mut(self.pos) {
            t.kind = TokenKind::Kw(kw);
        }
        self.panicking = false;
        self.parse_declaration_inner()
    }

    /// The statement standing for a recovered foreign block: a loop keeps
    /// its body inside a loop (so `berhenti` there is no error), anything
    /// else keeps it as a plain block.
    fn recovered(&self, kind: Kind, body: Vec<Stmt>, start: Span) -> Stmt {
        let kind = if kind == Kind::Loop {
            StmtKind::While {
                cond: self.error_expr(start),
                body,
            }
        } else {
            StmtKind::Block(body)
        };
        self.simple(kind, start)
    }

    /// `header {` … `}` with `} else {`, `} catch (e) {`, … chained on.
    fn brace_chain(&mut self, kind: Kind, start: Span) -> Stmt {
        let mut body = Vec::new();
        loop {
            self.skip_line_until(|k| matches!(k, TokenKind::LBrace));
            if !self.eat(&TokenKind::LBrace) {
                break;
            }
            body.extend(self.parse_block(Stop::Brace));
            if !self.eat(&TokenKind::RBrace) {
                break;
            }
            let clause = self.kind().ident().and_then(hints::foreign);
            if !clause.is_some_and(|c| c.kind == Kind::Clause) {
                break;
            }
        }
        self.recovered(kind, body, start)
    }

    /// `header then|do` … [`else` …] `end` (Lua), also closed by `akhir`.
    fn lua_block(&mut self, kind: Kind, start: Span) -> Stmt {
        let mut body = Vec::new();
        loop {
            self.skip_line_until(|_| false);
            body.extend(self.parse_block(Stop::Lua));
            match self.kind().ident() {
                Some("else" | "elseif") => continue,
                Some("end") => {
                    self.bump();
                    break;
                }
                _ => {
                    self.eat_kw(Keyword::Akhir);
                    break;
                }
            }
        }
        self.recovered(kind, body, start)
    }

    /// Whether tokens `n` and `n + 1` from here touch (no space between).
    fn glued(&self, n: usize) -> bool {
        self.tok_at(n).span.end == self.tok_at(n + 1).span.start
            && !matches!(self.kind_at(n + 1), TokenKind::Eof)
    }

    /// After an operand: `**` (power, binding tighter than a prefix minus
    /// as in Python). Consumes it and its right operand.
    pub(super) fn power(&mut self, base: Expr) -> Expr {
        if !(self.at(&TokenKind::Star) && self.glued(0) && self.kind_at(1) == &TokenKind::Star) {
            return base;
        }
        let op_span = self.bump().to(self.bump());
        let reported = self.diags.len();
        self.error_at(
            codes::FOREIGN_OPERATOR,
            "Operator '**' tidak ada di Morph.",
            op_span,
        );
        if !self.enter() {
            return self.error_expr(base.span.to(op_span));
        }
        let exponent = self.parse_unary();
        self.leave();
        let (b, e) = (self.text_of(base.span), self.text_of(exponent.span));
        self.operator_help(reported, "**", &b, &e);
        self.error_expr(base.span.to(exponent.span))
    }

    /// The help of the E0210 reported at index `at` (if it was reported),
    /// once the operands are known.
    fn operator_help(&mut self, at: usize, op: &str, lhs: &str, rhs: &str) {
        if let (Some(d), Some(help)) = (self.diags.get_mut(at), hints::operator(op, lhs, rhs)) {
            if d.code == codes::FOREIGN_OPERATOR {
                d.help.push(help);
            }
        }
    }

    /// At a binary operator token: an operator of another language spelled
    /// with it and the next token (`+=`, `&&`, `||`, `===`, `!==`, `++`,
    /// `--`). Consumes it and its right operand and returns the node
    /// standing for the whole expression.
    pub(super) fn foreign_operator(&mut self, lhs: &Expr) -> Option<Expr> {
        if !self.glued(0) {
            return None;
        }
        let text = match (self.kind(), self.kind_at(1)) {
            (TokenKind::Amp, TokenKind::Amp) => "&&",
            (TokenKind::Pipe, TokenKind::Pipe) => "||",
            (TokenKind::EqEq, TokenKind::Assign) => "===",
            (TokenKind::NotEq, TokenKind::Assign) => "!==",
            (TokenKind::Plus, TokenKind::Plus) if self.ends_after(2) => "++",
            (TokenKind::Minus, TokenKind::Minus) if self.ends_after(2) => "--",
            (k, TokenKind::Assign) if !k.punct_str().is_empty() => match k {
                TokenKind::Plus => "+=",
                TokenKind::Minus => "-=",
                TokenKind::Star => "*=",
                TokenKind::Slash => "/=",
                TokenKind::Percent => "%=",
                _ => return None,
            },
            _ => return None,
        };
        let op_start = self.bump();
        let op_span = op_start.to(self.bump());
        let reported = self.diags.len();
        self.error_at(
            codes::FOREIGN_OPERATOR,
            format!("Operator '{text}' tidak ada di Morph."),
            op_span,
        );
        let rhs = match text {
            "++" | "--" => None,
            "&&" => Some(self.parse_binary(3)),
            "||" => Some(self.parse_binary(2)),
            "===" | "!==" => Some(self.parse_binary(7)),
            _ => Some(self.parse_expr()),
        };
        let lhs_text = self.text_of(lhs.span);
        let rhs_text = rhs.as_ref().map_or(String::new(), |r| self.text_of(r.span));
        self.operator_help(reported, text, &lhs_text, &rhs_text);
        let span = rhs
            .as_ref()
            .map_or(lhs.span.to(op_span), |r| lhs.span.to(r.span));
        Some(self.error_expr(span))
    }

    /// Whether token `n` from here ends a statement.
    fn ends_after(&self, n: usize) -> bool {
        matches!(
            self.kind_at(n),
            TokenKind::Newline | TokenKind::Semicolon | TokenKind::Eof | TokenKind::RParen
        )
    }

    fn text_of(&self, span: Span) -> String {
        let text = self
            .src
            .get(span.start as usize..span.end as usize)
            .unwrap_or("");
        let one_line = text.lines().next().unwrap_or("");
        one_line.trim().to_string()
    }

    /// At `=` followed by `>`: an arrow function. Reports it and skips the
    /// rest of the line.
    pub(super) fn arrow_function(&mut self, start: Span) -> Option<Expr> {
        if !(self.at(&TokenKind::Assign) && self.glued(0) && self.kind_at(1) == &TokenKind::Gt) {
            return None;
        }
        let eq = self.bump();
        let arrow = eq.to(self.bump());
        let since = self.diags.len();
        self.error_at(
            codes::FOREIGN_OPERATOR,
            "Operator '=>' tidak ada di Morph (fungsi panah).",
            arrow,
        );
        self.help_since(since, hints::ANONYMOUS);
        self.skip_line_until(|_| false);
        Some(self.error_expr(self.span_from(start)))
    }

    /// At `fungsi (`: is this a function literal (`)` then `maka` on the
    /// same line)?
    pub(super) fn at_anonymous_function(&self) -> bool {
        if self.kind_at(1) != &TokenKind::LParen {
            return false;
        }
        let mut depth = 0usize;
        let mut i = 1;
        loop {
            match self.kind_at(i) {
                TokenKind::LParen => depth += 1,
                TokenKind::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        return self.kind_at(i + 1).is_kw(Keyword::Maka);
                    }
                }
                TokenKind::Newline | TokenKind::Eof => return false,
                _ => {}
            }
            i += 1;
        }
    }

    /// `fungsi(params) maka … akhir` as a value: E0211 and the whole
    /// literal skipped (its body parsed for its own diagnostics).
    pub(super) fn anonymous_function(&mut self) -> Expr {
        let start = self.span();
        self.skip_line_until(|k| matches!(k, TokenKind::Kw(Keyword::Maka)));
        let header = Span::new(start.start, self.prev_end.max(start.end));
        let params = self.text_of(Span::new(start.end, header.end));
        self.bump();
        let name = self.binding.clone().unwrap_or_else(|| "nama".to_string());
        let since = self.diags.len();
        self.error_at(
            codes::ANONYMOUS_FUNCTION,
            "Morph tidak punya fungsi anonim: 'fungsi' selalu diberi nama.",
            header,
        );
        self.help_since(
            since,
            format!(
                "deklarasikan `fungsi {name}{params} maka` … `akhir`; nama fungsi itu sendiri \
                 sudah berupa nilai yang bisa disimpan dan dikirim (`biar g = {name}`)"
            ),
        );
        let _ = self.parse_block(Stop::Akhir);
        self.close_block("fungsi", start);
        Expr {
            kind: ExprKind::Error,
            span: self.span_from(start),
        }
    }

    /// The help for an error reported at `span` when it lands on a word or
    /// operator of another language (or right after `lambda`/`new`).
    pub(super) fn help_at(&self, span: Span) -> Option<String> {
        if self.tok().span != span {
            return None;
        }
        let prev = self.pos.checked_sub(1).and_then(|i| self.toks.get(i));
        match self.kind() {
            TokenKind::Ident(w) => {
                if let Some(h) = hints::inline_word(w) {
                    return Some(h);
                }
            }
            TokenKind::Tilde if self.glued(0) && self.kind_at(1) == &TokenKind::Assign => {
                return Some("'tidak sama dengan' ditulis '!='".to_string());
            }
            TokenKind::Dot if prev.is_some_and(|p| p.kind == TokenKind::Dot) => {
                return Some(
                    "teks digabung dengan '+': `\"a\" + b` (angka diubah dulu: `\"{n}\"` atau `teks(n)`)"
                        .to_string(),
                );
            }
            _ => {}
        }
        match prev.map(|p| &p.kind) {
            Some(TokenKind::Ident(w))
                if matches!(w.as_str(), "lambda" | "new" | "function" | "not") =>
            {
                hints::inline_word(w)
            }
            _ => None,
        }
    }
}
