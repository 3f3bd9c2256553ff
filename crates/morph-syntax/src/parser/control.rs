//! Compound control-flow statements (§4.2): `jika` (with `lain jika` and
//! the `lain_jika`/`lainjika` aliases), `selama`, `warnai`, `pilih` (with the
//! `kasus` alias), `jodohkan` arms with `jaga` guards, and `coba`/`tangkap`/
//! `akhirnya`. Each reports a missing `maka`/`akhir` and keeps parsing.

use super::stmt::Stop;
use super::Parser;
use crate::ast::{Block, Catch, Ident, MatchArm, Stmt, StmtKind};
use crate::diagnostic::codes;
use crate::token::{Keyword, TokenKind};

impl Parser<'_> {
    /// `jika c maka … {lain jika c maka …} [lain …] akhir`
    pub(super) fn parse_if(&mut self) -> Stmt {
        let start = self.bump();
        let cond = self.parse_expr();
        self.expect_kw(Keyword::Maka, "Dibutuhkan 'maka' setelah kondisi 'jika'.");
        let body = self.parse_block(Stop::If);
        let mut branches = vec![(cond, body)];
        let mut else_body = None;
        while !self.too_deep {
            let else_if = if self.at_kw(Keyword::Lain) {
                self.bump();
                self.eat_kw(Keyword::Jika)
            } else if self.at_else_if_alias() {
                self.bump();
                true
            } else {
                break;
            };
            if !else_if {
                else_body = Some(self.parse_block(Stop::Akhir));
                break;
            }
            let cond = self.parse_expr();
            self.expect_kw(Keyword::Maka, "Dibutuhkan 'maka' setelah 'lain jika'.");
            let body = self.parse_block(Stop::If);
            branches.push((cond, body));
        }
        self.close_block("jika", start);
        self.simple(
            StmtKind::If {
                branches,
                else_body,
            },
            start,
        )
    }

    /// `selama c maka … akhir`
    pub(super) fn parse_while(&mut self) -> Stmt {
        let start = self.bump();
        let cond = self.parse_expr();
        self.expect_kw(Keyword::Maka, "Dibutuhkan 'maka' setelah kondisi 'selama'.");
        let body = self.parse_block(Stop::Akhir);
        self.close_block("selama", start);
        self.simple(StmtKind::While { cond, body }, start)
    }

    /// `warnai e maka … akhir`
    pub(super) fn parse_warnai(&mut self) -> Stmt {
        let start = self.bump();
        let color = self.parse_expr();
        self.expect_kw(
            Keyword::Maka,
            "Dibutuhkan 'maka' setelah ekspresi 'warnai'.",
        );
        let body = self.parse_block(Stop::Akhir);
        self.close_block("warnai", start);
        self.simple(StmtKind::Warnai { color, body }, start)
    }

    /// `pilih e {ketika|kasus v maka …} [lainnya maka …] akhir`
    pub(super) fn parse_switch(&mut self) -> Stmt {
        let start = self.bump();
        let subject = self.parse_expr();
        let mut cases = Vec::new();
        let mut default: Option<Block> = None;
        loop {
            if self.too_deep {
                break;
            }
            if self.at(&TokenKind::Newline) {
                self.bump();
                self.panicking = false;
                continue;
            }
            let before = self.pos;
            if self.at_case() {
                let case_span = self.bump();
                if default.is_some() {
                    self.error_at(
                        codes::UNEXPECTED_TOKEN,
                        "'ketika' tidak boleh muncul setelah 'lainnya'.",
                        case_span,
                    );
                }
                let value = self.parse_expr();
                self.expect_kw(Keyword::Maka, "Dibutuhkan 'maka' setelah nilai 'ketika'.");
                let body = self.parse_block(Stop::Switch);
                cases.push((value, body));
            } else if self.at_kw(Keyword::Lainnya) {
                let span = self.bump();
                if default.is_some() {
                    self.error_at(
                        codes::UNEXPECTED_TOKEN,
                        "'pilih' hanya boleh memiliki satu 'lainnya'.",
                        span,
                    );
                }
                self.expect_kw(Keyword::Maka, "Dibutuhkan 'maka' setelah 'lainnya'.");
                default = Some(self.parse_block(Stop::Switch));
            } else if self.at_kw(Keyword::Akhir) || self.at_eof() {
                break;
            } else {
                self.expected("'ketika', 'lainnya' atau 'akhir' di dalam 'pilih'");
                self.synchronize();
                if self.pos == before {
                    self.bump();
                }
            }
        }
        self.close_block("pilih", start);
        self.simple(
            StmtKind::Switch {
                subject,
                cases,
                default,
            },
            start,
        )
    }

    /// `jodohkan e dengan NL [|] pat [jaga g] maka NL … {| …} akhir`
    pub(super) fn parse_match(&mut self) -> Stmt {
        let start = self.bump();
        let subject = self.parse_expr();
        if self.expect_kw(
            Keyword::Dengan,
            "Dibutuhkan kata kunci 'dengan' setelah ekspresi.",
        ) {
            self.expect_terminator("'dengan'");
        }
        let mut arms = Vec::new();
        loop {
            if self.too_deep {
                break;
            }
            if self.at(&TokenKind::Newline) {
                self.bump();
                self.panicking = false;
                continue;
            }
            if self.at_kw(Keyword::Akhir) || self.at_eof() {
                break;
            }
            let before = self.pos;
            let piped = self.eat(&TokenKind::Pipe);
            if !piped && !arms.is_empty() {
                self.expected("'|' atau 'akhir' di dalam 'jodohkan'");
                self.synchronize();
                if self.pos == before {
                    self.bump();
                }
                continue;
            }
            arms.push(self.parse_match_arm());
        }
        if arms.is_empty() {
            self.error(
                codes::EXPECTED_TOKEN,
                "Blok 'jodohkan' harus memiliki setidaknya satu kasus '|'.",
            );
        }
        self.close_block("jodohkan", start);
        self.simple(StmtKind::Match { subject, arms }, start)
    }

    fn parse_match_arm(&mut self) -> MatchArm {
        let start = self.span();
        let pattern = self.parse_pattern();
        let guard = if self.eat_kw(Keyword::Jaga) {
            Some(self.parse_expr())
        } else {
            None
        };
        if self.expect_kw(Keyword::Maka, "Dibutuhkan 'maka' setelah pola.") {
            self.expect_terminator("'maka'");
        }
        let body = self.parse_block(Stop::Match);
        MatchArm {
            pattern,
            guard,
            body,
            span: self.span_from(start),
        }
    }

    /// `coba NL … {tangkap e [jika g] NL …} [akhirnya NL …] akhir`
    pub(super) fn parse_try(&mut self) -> Stmt {
        let start = self.bump();
        self.expect_terminator("'coba'");
        let body = self.parse_block(Stop::Try);
        let mut catches = Vec::new();
        while !self.too_deep && self.at_kw(Keyword::Tangkap) {
            let tspan = self.bump();
            let name = self
                .expect_ident("Dibutuhkan nama variabel setelah 'tangkap'.")
                .unwrap_or_else(|| Ident {
                    name: "_".to_string(),
                    span: tspan,
                });
            let guard = if self.eat_kw(Keyword::Jika) {
                Some(self.parse_expr())
            } else {
                None
            };
            self.expect_terminator("'tangkap'");
            let body = self.parse_block(Stop::Try);
            catches.push(Catch { name, guard, body });
        }
        let finally = if self.at_kw(Keyword::Akhirnya) {
            self.bump();
            self.expect_terminator("'akhirnya'");
            Some(self.parse_block(Stop::Akhir))
        } else {
            None
        };
        if catches.is_empty() && finally.is_none() && !self.too_deep {
            self.error_at(
                codes::BAD_TRY,
                "'coba' membutuhkan setidaknya satu 'tangkap' atau 'akhirnya'.",
                start,
            );
        }
        self.close_block("coba", start);
        self.simple(
            StmtKind::Try {
                body,
                catches,
                finally,
            },
            start,
        )
    }
}
