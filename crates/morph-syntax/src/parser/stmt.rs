//! Statements (§4.2): the declaration dispatcher, blocks and their stop
//! words (including the contextual `lain_jika` and `kasus`), simple
//! statements with their terminators (`ubah`, bare assignment, `tulis`,
//! `kembali`, `lemparkan`, `berhenti`, `lanjutkan`, expression statements)
//! and the `{ … }` block statement.

use super::Parser;
use crate::ast::{Block, Expr, ExprKind, Stmt, StmtKind};
use crate::diagnostic::codes;
use crate::span::Span;
use crate::token::{Keyword, TokenKind};

/// What ends a block (the `block(stop…)` of §4.1).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    /// `akhir` only.
    Akhir,
    /// `jika` branches: `akhir`, `lain`, `lain_jika`/`lainjika`.
    If,
    /// `pilih` cases: `akhir`, `ketika`, `kasus`, `lainnya`.
    Switch,
    /// `jodohkan` arms: `akhir`, `|`.
    Match,
    /// `coba`/`tangkap` bodies: `akhir`, `tangkap`, `akhirnya`.
    Try,
    /// `{ … }`: `}`.
    Brace,
    /// A Lua-style block recovered by `foreign.rs`: `akhir`, or the words
    /// `end`, `else`, `elseif` at a statement start.
    Lua,
}

pub(super) fn is_assign_target(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Name(_) | ExprKind::Index(..) | ExprKind::Attr(..)
    )
}

impl Parser<'_> {
    /// A contextual word used as a keyword at statement start: the current
    /// token is the identifier `word` and is not being assigned to.
    pub(super) fn at_contextual(&self, word: &str) -> bool {
        self.kind().ident() == Some(word)
            && !matches!(self.kind_at(1), TokenKind::Assign | TokenKind::Dot)
    }

    pub(super) fn at_else_if_alias(&self) -> bool {
        self.at_kw(Keyword::Lainjika) || self.at_contextual("lain_jika")
    }

    pub(super) fn at_case(&self) -> bool {
        self.at_kw(Keyword::Ketika) || self.at_contextual("kasus")
    }

    fn at_stop(&self, stop: Stop) -> bool {
        if stop == Stop::Brace {
            return self.at(&TokenKind::RBrace);
        }
        if self.at_kw(Keyword::Akhir) {
            return true;
        }
        match stop {
            Stop::Akhir | Stop::Brace => false,
            Stop::If => self.at_kw(Keyword::Lain) || self.at_else_if_alias(),
            Stop::Switch => self.at_case() || self.at_kw(Keyword::Lainnya),
            Stop::Match => self.at(&TokenKind::Pipe),
            Stop::Try => self.at_kw(Keyword::Tangkap) || self.at_kw(Keyword::Akhirnya),
            Stop::Lua => matches!(self.kind().ident(), Some("end" | "else" | "elseif")),
        }
    }

    /// `{ NL | declaration }` up to a stop word (not consumed).
    pub(super) fn parse_block(&mut self, stop: Stop) -> Block {
        let mut stmts = Vec::new();
        if !self.enter() {
            return stmts;
        }
        loop {
            if self.too_deep {
                break;
            }
            match self.kind() {
                TokenKind::Newline | TokenKind::Semicolon => {
                    self.bump();
                    self.panicking = false;
                }
                TokenKind::Eof => break,
                _ if self.at_stop(stop) => break,
                _ => {
                    let before = self.pos;
                    let stmt = self.parse_declaration();
                    stmts.push(stmt);
                    if self.too_deep {
                        break;
                    }
                    if self.panicking {
                        self.synchronize();
                    }
                    if self.pos == before {
                        self.bump();
                    }
                }
            }
        }
        self.leave();
        stmts
    }

    /// Consume the `akhir` closing `opener` (opened at `open`).
    pub(super) fn close_block(&mut self, opener: &str, open: Span) {
        if self.at_kw(Keyword::Akhir) {
            let akhir = self.bump();
            if self.misaligned.is_none() && self.indent_of(akhir) < self.indent_of(open) {
                self.misaligned = Some((open, opener.to_string(), self.line_of(akhir)));
            }
            return;
        }
        if self.at_eof() && !self.too_deep {
            self.unclosed_at_eof(opener, open);
            return;
        }
        let line = self.line_of(open);
        let found = self.found();
        self.error(
            codes::UNCLOSED_BLOCK,
            format!(
                "Dibutuhkan 'akhir' untuk menutup '{opener}' (dibuka di baris {line}), tetapi ditemukan {found}."
            ),
        );
    }

    /// The indentation (in characters) of the line holding `span`.
    fn indent_of(&self, span: Span) -> usize {
        let (start, end) = self.lines.line_range(self.src, self.line_of(span));
        let line = self.src.get(start..end).unwrap_or("");
        line.len() - line.trim_start_matches([' ', '\t']).len()
    }

    /// Blocks still open at the end of the file: one diagnostic at the
    /// innermost opener (even in panic mode: nothing else would say it), the
    /// end of the file as a label, and every enclosing opener as a label too.
    fn unclosed_at_eof(&mut self, opener: &str, open: Span) {
        let line = self.line_of(open);
        if let Some(d) = self.eof_unclosed.and_then(|i| self.diags.get_mut(i)) {
            d.labels.push(crate::diagnostic::Label {
                span: open,
                message: format!("'{opener}' (baris {line}) juga belum ditutup"),
            });
            return;
        }
        let eof = self.span();
        let mut d = crate::Diagnostic::error(
            codes::UNCLOSED_BLOCK,
            format!(
                "Dibutuhkan 'akhir' untuk menutup '{opener}' (dibuka di baris {line}), tetapi ditemukan akhir berkas."
            ),
            open,
        )
        .with_label(eof, "berkas berakhir di sini")
        .with_help(format!(
            "tambahkan `akhir` setelah badan '{opener}'; setiap blok yang dibuka dengan \
             'maka' (dan 'coba', 'pilih', 'jodohkan') ditutup dengan `akhir`"
        ));
        if let Some((span, word, akhir_line)) = self.misaligned.clone().filter(|m| m.0 != open) {
            d = d.with_label(
                span,
                format!(
                    "mungkin '{word}' ini yang belum ditutup: 'akhir' di baris {akhir_line} \
                     menjorok kurang dari '{word}'"
                ),
            );
        }
        self.eof_unclosed = Some(self.diags.len());
        self.diags.push(d);
        self.panicking = true;
    }

    pub(super) fn parse_declaration_inner(&mut self) -> Stmt {
        let start = self.span();
        let kw = match self.kind() {
            TokenKind::Kw(k) => Some(*k),
            TokenKind::LBrace => return self.parse_brace_block(),
            _ => None,
        };
        let next_is_ident = matches!(self.kind_at(1), TokenKind::Ident(_));
        match kw {
            Some(Keyword::Pinjam) => self.parse_pinjam(),
            Some(Keyword::Kelas) => self.parse_class(),
            Some(Keyword::AmbilSemua) => self.parse_import_all(),
            Some(Keyword::Dari) => self.parse_import_from(),
            Some(Keyword::AmbilSebagian) => self.parse_import_legacy(),
            Some(Keyword::Warnai) => self.parse_warnai(),
            Some(Keyword::Tipe) if next_is_ident => self.parse_type_decl(),
            Some(Keyword::Asink) if self.kind_at(1).is_kw(Keyword::Fungsi) => {
                self.parse_function_stmt()
            }
            Some(Keyword::Fungsi) => self.parse_function_stmt(),
            Some(Keyword::Biar | Keyword::Tetap) => self.parse_var_decl(),
            Some(Keyword::Lemparkan) => self.parse_throw(),
            Some(Keyword::Coba) => self.parse_try(),
            Some(Keyword::Jodohkan) => self.parse_match(),
            Some(Keyword::Pilih) => self.parse_switch(),
            Some(Keyword::Jika) => self.parse_if(),
            Some(Keyword::Selama) => self.parse_while(),
            Some(Keyword::Ubah) => self.parse_ubah(),
            Some(Keyword::Tulis) => self.parse_print(),
            Some(Keyword::Kembali | Keyword::Kembalikan) => self.parse_return(),
            Some(Keyword::Berhenti) => {
                self.bump();
                self.expect_terminator("'berhenti'");
                self.simple(StmtKind::Break, start)
            }
            Some(Keyword::Lanjutkan) => {
                self.bump();
                self.expect_terminator("'lanjutkan'");
                self.simple(StmtKind::Continue, start)
            }
            Some(
                k @ (Keyword::Akhir
                | Keyword::Lain
                | Keyword::Lainjika
                | Keyword::Lainnya
                | Keyword::Ketika
                | Keyword::Tangkap
                | Keyword::Akhirnya
                | Keyword::Maka
                | Keyword::Dengan
                | Keyword::Jaga
                | Keyword::Warisi
                | Keyword::Sebagai
                | Keyword::Aot),
            ) if k != Keyword::Maka || !self.starts_expr_after_maka() => {
                self.error(
                    codes::UNEXPECTED_TOKEN,
                    format!("Token tak terduga '{}' di awal pernyataan.", k.as_str()),
                );
                self.bump();
                self.error_stmt(start)
            }
            _ => self.parse_expr_stmt(),
        }
    }

    /// `maka` may be a name in expressions (§16); only `maka` followed by an
    /// operator-ish token is treated as the start of an expression.
    fn starts_expr_after_maka(&self) -> bool {
        matches!(
            self.kind_at(1),
            TokenKind::Assign | TokenKind::Dot | TokenKind::LParen | TokenKind::LBracket
        )
    }

    pub(super) fn simple(&self, kind: StmtKind, start: Span) -> Stmt {
        Stmt {
            kind,
            span: self.span_from(start),
        }
    }

    /// `expr terminator`, or a bare assignment `target = value`.
    fn parse_expr_stmt(&mut self) -> Stmt {
        let start = self.span();
        let e = self.parse_expr_no_assign();
        if let Some(e) = self.arrow_function(e.span) {
            return self.simple(StmtKind::Expr(e), start);
        }
        if self.at(&TokenKind::Assign) {
            self.bump();
            let value = self.parse_expr();
            let kind = if is_assign_target(&e) {
                StmtKind::Assign { target: e, value }
            } else {
                if !matches!(e.kind, ExprKind::Error) {
                    self.error_at(
                        codes::BARE_ASSIGNMENT,
                        "Target penugasan tidak valid: hanya nama, indeks (x[i]) atau properti (x.p) yang dapat diberi nilai.",
                        e.span,
                    );
                }
                StmtKind::Error
            };
            self.expect_terminator("penugasan");
            return self.simple(kind, start);
        }
        if matches!(e.kind, ExprKind::Error) {
            return self.error_stmt(start);
        }
        self.expect_terminator("ekspresi");
        self.simple(StmtKind::Expr(e), start)
    }

    /// `ubah postfix_expr = expr`
    fn parse_ubah(&mut self) -> Stmt {
        let start = self.bump();
        let target = self.parse_postfix_guarded();
        if !self.expect(
            &TokenKind::Assign,
            "Dibutuhkan '=' setelah target untuk assignment 'ubah'.",
        ) {
            return self.error_stmt(start);
        }
        let value = self.parse_expr();
        self.expect_terminator("nilai assignment");
        if !is_assign_target(&target) {
            if !matches!(target.kind, ExprKind::Error) {
                self.error_at(
                    codes::BARE_ASSIGNMENT,
                    "Target 'ubah' tidak valid. Hanya variabel, akses indeks atau properti yang didukung.",
                    target.span,
                );
            }
            return self.error_stmt(start);
        }
        self.simple(StmtKind::Assign { target, value }, start)
    }

    /// `tulis ( [expr {, expr}] )`
    fn parse_print(&mut self) -> Stmt {
        let start = self.bump();
        if !self.expect(&TokenKind::LParen, "Dibutuhkan '(' setelah 'tulis'.") {
            return self.error_stmt(start);
        }
        let args = self.parse_call_args();
        self.expect_terminator("pernyataan 'tulis'");
        self.simple(StmtKind::Print(args), start)
    }

    /// Whether the current token ends a statement (for `kembali` without a value).
    fn at_terminator(&self) -> bool {
        matches!(
            self.kind(),
            TokenKind::Newline
                | TokenKind::Semicolon
                | TokenKind::Eof
                | TokenKind::RBrace
                | TokenKind::Kw(Keyword::Akhir | Keyword::Lain)
        )
    }

    fn parse_return(&mut self) -> Stmt {
        let start = self.bump();
        let value = if self.at_terminator() {
            None
        } else {
            Some(self.parse_expr())
        };
        self.expect_terminator("nilai kembalian");
        self.simple(StmtKind::Return(value), start)
    }

    /// `lemparkan e [jenis j]`
    fn parse_throw(&mut self) -> Stmt {
        let start = self.bump();
        let value = self.parse_expr();
        let kind = if self.eat_kw(Keyword::Jenis) {
            Some(self.parse_expr())
        } else {
            None
        };
        self.expect_terminator("'lemparkan'");
        self.simple(StmtKind::Throw { value, kind }, start)
    }

    /// `{ declaration… }`
    fn parse_brace_block(&mut self) -> Stmt {
        let start = self.bump();
        let body = self.parse_block(Stop::Brace);
        self.expect(&TokenKind::RBrace, "Dibutuhkan '}' untuk menutup blok.");
        self.simple(StmtKind::Block(body), start)
    }
}
