//! Patterns of `jodohkan` arms (§4.4 plus the Fox VM extensions): literals
//! (including a negative number `-1`), `_`, lower-case bindings, variant
//! patterns `Nama` / `Nama(p, q)` whose arguments are themselves patterns,
//! and list patterns `[p, q, ...rest]`.

use super::Parser;
use crate::ast::{Expr, ExprKind, Pattern, PatternKind, UnaryOp};
use crate::diagnostic::codes;
use crate::token::{Keyword, TokenKind};

impl Parser<'_> {
    pub(super) fn parse_pattern(&mut self) -> Pattern {
        let start = self.span();
        if !self.enter() {
            return Pattern {
                kind: PatternKind::Wildcard,
                span: start,
            };
        }
        let kind = self.pattern_kind();
        self.leave();
        Pattern {
            kind,
            span: self.span_from(start),
        }
    }

    fn literal(&mut self, kind: ExprKind) -> PatternKind {
        let span = self.bump();
        PatternKind::Literal(Expr { kind, span })
    }

    fn pattern_kind(&mut self) -> PatternKind {
        match self.kind() {
            TokenKind::Int(n) => {
                let k = ExprKind::Int(*n);
                self.literal(k)
            }
            TokenKind::BigInt(d) => {
                let k = ExprKind::BigInt(d.clone());
                self.literal(k)
            }
            TokenKind::Float(f) => {
                let k = ExprKind::Float(*f);
                self.literal(k)
            }
            // Text patterns never interpolate: `{` is plain text (§15 B17).
            TokenKind::Str(s) => {
                let k = ExprKind::Str(s.value.clone());
                self.literal(k)
            }
            TokenKind::Kw(Keyword::Benar) => self.literal(ExprKind::Bool(true)),
            TokenKind::Kw(Keyword::Salah) => self.literal(ExprKind::Bool(false)),
            TokenKind::Kw(Keyword::Nil) => self.literal(ExprKind::Nil),
            TokenKind::Minus => self.negative_literal(),
            TokenKind::LBracket => self.list_pattern(),
            TokenKind::Ident(name) => {
                let name = name.clone();
                let id = crate::ast::Ident {
                    name,
                    span: self.span(),
                };
                self.bump();
                if self.eat(&TokenKind::LParen) {
                    let args = self.variant_args();
                    return PatternKind::Variant {
                        name: id,
                        args: Some(args),
                    };
                }
                if id.name == "_" {
                    PatternKind::Wildcard
                } else if id.name.starts_with(|c: char| c.is_ascii_lowercase()) {
                    PatternKind::Bind(id)
                } else {
                    PatternKind::Variant {
                        name: id,
                        args: None,
                    }
                }
            }
            _ => {
                let found = self.found();
                self.error(
                    codes::BAD_PATTERN,
                    format!("Pola tidak valid: ditemukan {found}."),
                );
                PatternKind::Wildcard
            }
        }
    }

    /// `-NUMBER`: folded into a negative literal.
    fn negative_literal(&mut self) -> PatternKind {
        let minus = self.bump();
        let span = minus.to(self.span());
        let kind = match self.kind() {
            TokenKind::Int(n) => ExprKind::Int(-*n),
            TokenKind::Float(f) => ExprKind::Float(-*f),
            TokenKind::BigInt(d) => {
                if d == "9223372036854775808" {
                    ExprKind::Int(i64::MIN)
                } else {
                    let inner = Expr {
                        kind: ExprKind::BigInt(d.clone()),
                        span: self.span(),
                    };
                    ExprKind::Unary(UnaryOp::Neg, Box::new(inner))
                }
            }
            _ => {
                let found = self.found();
                self.error(
                    codes::BAD_PATTERN,
                    format!("Dibutuhkan angka setelah '-' dalam pola, tetapi ditemukan {found}."),
                );
                return PatternKind::Wildcard;
            }
        };
        self.bump();
        PatternKind::Literal(Expr { kind, span })
    }

    /// After `Nama(`: `[pattern {, pattern}] )`.
    fn variant_args(&mut self) -> Vec<Pattern> {
        let mut args = Vec::new();
        if self.eat(&TokenKind::RParen) {
            return args;
        }
        loop {
            args.push(self.parse_pattern());
            if self.too_deep || !self.eat(&TokenKind::Comma) {
                break;
            }
        }
        self.expect(
            &TokenKind::RParen,
            "Dibutuhkan ')' setelah parameter pola varian.",
        );
        args
    }

    /// `[p, q, ...rest]`, `[...rest]`, `[]` (newlines allowed inside).
    fn list_pattern(&mut self) -> PatternKind {
        self.bump();
        let mut items = Vec::new();
        let mut rest = None;
        loop {
            self.skip_newlines();
            if self.at(&TokenKind::RBracket) || self.too_deep {
                break;
            }
            if self.eat(&TokenKind::Ellipsis) {
                rest = self.expect_ident("Dibutuhkan nama setelah '...' dalam pola daftar.");
                self.skip_newlines();
                break;
            }
            items.push(self.parse_pattern());
            self.skip_newlines();
            if !self.eat(&TokenKind::Comma) {
                break;
            }
        }
        if !self.eat(&TokenKind::RBracket) {
            let what = if rest.is_some() {
                "']' setelah '...nama' (sisa harus di akhir pola daftar)"
            } else {
                "']' untuk menutup pola daftar"
            };
            self.expected(what);
        }
        PatternKind::List { items, rest }
    }
}
