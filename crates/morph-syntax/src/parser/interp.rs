//! String interpolation (§3.4): splitting a decoded literal into text and
//! `{expr}` parts. Each embedded expression is lexed and parsed as a full
//! expression by a sub-parser whose token spans are mapped back through the
//! literal's byte→offset table, so diagnostics and nodes point into the
//! original file. Braces nest, quotes inside braces are skipped, `\{` is a
//! literal brace and a lone `}` is text; `{}` and an unclosed `{` are
//! `BAD_INTERPOLATION` diagnostics.

use super::Parser;
use crate::ast::{Expr, ExprKind, InterpPart};
use crate::diagnostic::codes;
use crate::lexer;
use crate::span::Span;
use crate::token::{InterpData, Token, TokenKind};

/// Index of the `}` matching a `{` whose contents start at `from`.
fn find_close(bytes: &[u8], from: usize) -> Option<usize> {
    let mut depth = 1usize;
    let mut k = from;
    while let Some(&b) = bytes.get(k) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            b'"' | b'\'' => {
                k += 1;
                while let Some(&c) = bytes.get(k) {
                    if c == b {
                        break;
                    }
                    if c == b'\\' {
                        k += 1;
                    }
                    k += 1;
                }
                if k >= bytes.len() {
                    return None;
                }
            }
            _ => {}
        }
        k += 1;
    }
    None
}

impl Parser<'_> {
    pub(super) fn parse_interp(&mut self, value: &str, data: &InterpData, span: Span) -> Expr {
        let map = |i: usize| data.offsets.get(i).copied().unwrap_or(span.end);
        let bytes = value.as_bytes();
        let mut parts: Vec<InterpPart> = Vec::new();
        let mut text = String::new();
        let mut has_expr = false;
        let mut i = 0usize;
        while i < bytes.len() {
            let is_open = bytes.get(i) == Some(&b'{') && !data.escaped.contains(&(i as u32));
            if !is_open {
                // Copy up to the next brace (a char boundary: `{` is ASCII).
                let next = bytes
                    .get(i + 1..)
                    .and_then(|rest| rest.iter().position(|&b| b == b'{'))
                    .map_or(bytes.len(), |p| i + 1 + p);
                text.push_str(value.get(i..next).unwrap_or(""));
                i = next;
                continue;
            }
            let Some(close) = find_close(bytes, i + 1) else {
                self.diags.push(crate::Diagnostic::error(
                    codes::BAD_INTERPOLATION,
                    "Interpolasi tidak valid: '{' dalam teks tidak ditutup dengan '}'.",
                    Span::new(map(i), map(i + 1)),
                ));
                text.push_str(value.get(i..).unwrap_or(""));
                break;
            };
            if !text.is_empty() {
                parts.push(InterpPart::Text(std::mem::take(&mut text)));
            }
            has_expr = true;
            let inner = value.get(i + 1..close).unwrap_or("");
            let brace_span = Span::new(map(i), map(close + 1));
            let expr = if inner.trim().is_empty() {
                self.diags.push(crate::Diagnostic::error(
                    codes::BAD_INTERPOLATION,
                    "Interpolasi kosong '{}' tidak diizinkan.",
                    brace_span,
                ));
                self.error_expr(brace_span)
            } else {
                self.parse_embedded(inner, i + 1, &map, brace_span)
            };
            parts.push(InterpPart::Expr(expr));
            i = close + 1;
        }
        if !has_expr {
            return Expr {
                kind: ExprKind::Str(text),
                span,
            };
        }
        if !text.is_empty() {
            parts.push(InterpPart::Text(text));
        }
        Expr {
            kind: ExprKind::Interp(parts),
            span,
        }
    }

    /// Lex and parse the text between braces (`base` = its index in the
    /// decoded literal) as one expression.
    fn parse_embedded(
        &mut self,
        inner: &str,
        base: usize,
        map: &dyn Fn(usize) -> u32,
        brace_span: Span,
    ) -> Expr {
        let remap = |s: Span| Span::new(map(base + s.start as usize), map(base + s.end as usize));
        let lexed = lexer::lex(inner);
        for mut d in lexed.diagnostics {
            d.span = remap(d.span);
            self.lex_diags.push(d);
        }
        let tokens: Vec<Token> = lexed
            .tokens
            .into_iter()
            .filter(|t| !matches!(t.kind, TokenKind::Newline))
            .map(|mut t| {
                t.span = remap(t.span);
                if let TokenKind::Str(s) = &mut t.kind {
                    if let Some(d) = &mut s.interp {
                        for o in d.offsets.iter_mut() {
                            *o = map(base + *o as usize);
                        }
                    }
                }
                t
            })
            .collect();
        let mut sub = Parser::new(tokens, self.src, self.lines, self.depth);
        sub.in_interp = true;
        // The sub-parser's Eof stands at the closing brace.
        if let Some(last) = sub.toks.last_mut() {
            let close = brace_span.end.saturating_sub(1);
            last.span = Span::new(close, brace_span.end);
        }
        let expr = sub.parse_expr();
        if !sub.at_eof() && !sub.too_deep {
            let found = sub.found();
            sub.error(
                codes::BAD_INTERPOLATION,
                format!("Interpolasi tidak valid: token tak terduga {found} sebelum '}}'."),
            );
        }
        self.diags.append(&mut sub.diags);
        self.lex_diags.append(&mut sub.lex_diags);
        if sub.too_deep {
            self.too_deep = true;
        }
        expr
    }
}
