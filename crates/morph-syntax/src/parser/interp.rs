//! String interpolation (§3.4): splitting a decoded literal into text and
//! `{expr}` parts. Each embedded expression is lexed and parsed as a full
//! expression by a sub-parser whose token spans are mapped back through the
//! literal's byte→offset table, so diagnostics and nodes point into the
//! original file. Braces nest, quotes inside braces are skipped, `\{` is a
//! literal brace and a lone `}` is text; `{}` and an unclosed `{` are
//! `BAD_INTERPOLATION` diagnostics, with the `\{` escape as a hint. A
//! Python format spec after the expression (`{x:.2f}`) is `FORMAT_SPEC`,
//! with the Morph way to round, and the expression before it still parses.

use super::Parser;
use crate::ast::{Expr, ExprKind, InterpPart};
use crate::diagnostic::codes;
use crate::lexer::{self, find_close};
use crate::span::Span;
use crate::token::{InterpData, Token, TokenKind};

const LITERAL_BRACE: &str = "'{' harfiah ditulis '\\{' (contoh: \"\\{\" atau '\\{\"a\": 1}')";

/// Index of the `:` that starts a format spec in the text between braces:
/// the first one outside brackets and quotes, not part of a `? :`, after
/// an expression that is not a bare text literal (`{"a": 1}` is JSON).
fn format_spec_colon(inner: &str) -> Option<usize> {
    let bytes = inner.as_bytes();
    let mut depth = 0i32;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b'?' if depth == 0 => return None,
            b'"' | b'\'' => {
                i += 1;
                while bytes.get(i).is_some_and(|&c| c != b) {
                    i += 1;
                }
            }
            b':' if depth == 0 => {
                let expr = inner[..i].trim();
                let spec = &inner[i + 1..];
                let bare_text = expr.starts_with(['"', '\'']);
                return (!expr.is_empty() && !bare_text && is_format_spec(spec)).then_some(i);
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Python's format-spec mini-language: `[[fill]align][sign][z][#][0]
/// [width][grouping][.precision][type]`.
fn is_format_spec(spec: &str) -> bool {
    let c: Vec<char> = spec.chars().collect();
    let mut i = 0;
    let is = |i: usize, set: &str| c.get(i).is_some_and(|ch| set.contains(*ch));
    if is(1, "<>=^") {
        i = 2;
    } else if is(0, "<>=^") {
        i = 1;
    }
    for set in ["+- ", "z", "#", "0"] {
        if is(i, set) {
            i += 1;
        }
    }
    while c.get(i).is_some_and(char::is_ascii_digit) {
        i += 1;
    }
    if is(i, ",_") {
        i += 1;
    }
    if is(i, ".") {
        i += 1;
        if !c.get(i).is_some_and(char::is_ascii_digit) {
            return false;
        }
        while c.get(i).is_some_and(char::is_ascii_digit) {
            i += 1;
        }
    }
    if is(i, "bcdeEfFgGnosxX%") {
        i += 1;
    }
    i == c.len()
}

/// How to get what the spec asked for, for the expression `expr`.
fn format_help(expr: &str, spec: &str) -> String {
    let digits: String = spec
        .split_once('.')
        .map(|(_, p)| p.chars().take_while(char::is_ascii_digit).collect())
        .unwrap_or_default();
    if !digits.is_empty() {
        return format!(
            "Morph tidak memformat di dalam '{{…}}'; bulatkan dengan `bulat`: \
             \"{{bulat({expr}, {digits})}}\" (tanpa angka kedua, `bulat({expr})` menjadi bilangan bulat)"
        );
    }
    let width: String = spec
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    if !width.is_empty() && width != "0" {
        let pad = format!("' ' * ({width} - panjang(teks({expr})))");
        let padded = if spec.contains('<') {
            format!("teks({expr}) + {pad}")
        } else {
            format!("{pad} + teks({expr})")
        };
        return format!(
            "Morph tidak memformat di dalam '{{…}}'; ratakan sendiri dengan pengulangan teks: \
             `{padded}`"
        );
    }
    format!("Morph tidak memformat di dalam '{{…}}'; sisipkan nilainya saja: \"{{{expr}}}\"")
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
                self.diags.push(
                    crate::Diagnostic::error(
                        codes::BAD_INTERPOLATION,
                        "Interpolasi tidak valid: '{' dalam teks tidak ditutup dengan '}'.",
                        Span::new(map(i), map(i + 1)),
                    )
                    .with_help(LITERAL_BRACE),
                );
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
                self.diags.push(
                    crate::Diagnostic::error(
                        codes::BAD_INTERPOLATION,
                        "Interpolasi kosong '{}' tidak diizinkan.",
                        brace_span,
                    )
                    .with_help(LITERAL_BRACE),
                );
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
        if let Some(colon) = format_spec_colon(inner) {
            let (expr, spec) = (&inner[..colon], &inner[colon + 1..]);
            self.diags.push(
                crate::Diagnostic::error(
                    codes::FORMAT_SPEC,
                    format!("Spesifikasi format ':{spec}' tidak ada di Morph."),
                    Span::new(map(base + colon), map(base + inner.len())),
                )
                .with_help(format_help(expr.trim(), spec)),
            );
            return self.parse_embedded(expr, base, map, brace_span);
        }
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
        for d in sub.diags.iter_mut() {
            if d.code == codes::BAD_INTERPOLATION && d.help.is_empty() {
                d.help.push(LITERAL_BRACE.to_string());
            }
        }
        self.diags.append(&mut sub.diags);
        self.lex_diags.append(&mut sub.lex_diags);
        if sub.too_deep {
            self.too_deep = true;
        }
        expr
    }
}
