//! Expressions (§4.3): property-store assignment, the ternary, binary
//! operators by precedence climbing (with the comparison quirk: `< <= > >=`
//! bind tighter than `== !=`, and `& ^ |` looser than both), prefix operators,
//! postfix chains (call, index, slice, member) and primaries (literals,
//! names, `ini`, `induk.x`, lists, dicts, parentheses). Every nesting level —
//! including each link of a left-associative chain — counts toward
//! `MAX_NESTING`, so no input can build a tree deep enough to overflow a
//! stack later.

use super::Parser;
use crate::ast::{BinaryOp, Expr, ExprKind, Ident, UnaryOp};
use crate::diagnostic::codes;
use crate::span::Span;
use crate::token::{Keyword, TokenKind};

/// A binary operator token: its precedence (higher binds tighter) and node.
#[derive(Clone, Copy)]
enum BinOp {
    Or,
    And,
    Bin(BinaryOp),
}

fn binop(kind: &TokenKind) -> Option<(u8, BinOp)> {
    use BinaryOp::*;
    Some(match kind {
        TokenKind::Kw(Keyword::Atau) => (1, BinOp::Or),
        TokenKind::Kw(Keyword::Dan) => (2, BinOp::And),
        TokenKind::Pipe => (3, BinOp::Bin(BitOr)),
        TokenKind::Caret => (4, BinOp::Bin(BitXor)),
        TokenKind::Amp => (5, BinOp::Bin(BitAnd)),
        TokenKind::EqEq => (6, BinOp::Bin(Eq)),
        TokenKind::NotEq => (6, BinOp::Bin(Ne)),
        // Also accepted at the equality level by the reference, but there
        // they can never be reached: the relational level consumes them.
        TokenKind::Lt => (7, BinOp::Bin(Lt)),
        TokenKind::Le => (7, BinOp::Bin(Le)),
        TokenKind::Gt => (7, BinOp::Bin(Gt)),
        TokenKind::Ge => (7, BinOp::Bin(Ge)),
        TokenKind::Shl => (8, BinOp::Bin(Shl)),
        TokenKind::Shr => (8, BinOp::Bin(Shr)),
        TokenKind::Plus => (9, BinOp::Bin(Add)),
        TokenKind::Minus => (9, BinOp::Bin(Sub)),
        TokenKind::Star => (10, BinOp::Bin(Mul)),
        TokenKind::Slash => (10, BinOp::Bin(Div)),
        TokenKind::Percent => (10, BinOp::Bin(Mod)),
        _ => return None,
    })
}

/// Whether a token can begin an expression (used for `tunggu` as a name).
fn starts_expr(kind: &TokenKind) -> bool {
    match kind {
        TokenKind::Int(_)
        | TokenKind::BigInt(_)
        | TokenKind::Float(_)
        | TokenKind::Str(_)
        | TokenKind::Ident(_)
        | TokenKind::LParen
        | TokenKind::LBracket
        | TokenKind::LBrace
        | TokenKind::Minus
        | TokenKind::Bang
        | TokenKind::Tilde => true,
        TokenKind::Kw(k) => {
            k.usable_as_ident()
                || matches!(
                    k,
                    Keyword::Benar
                        | Keyword::Salah
                        | Keyword::Nil
                        | Keyword::Ini
                        | Keyword::Induk
                        | Keyword::Tidak
                )
        }
        _ => false,
    }
}

impl Parser<'_> {
    /// `expr` (with the property-store assignment level).
    pub(super) fn parse_expr(&mut self) -> Expr {
        if !self.enter() {
            return self.error_expr(self.span());
        }
        let e = self.parse_assignment();
        self.leave();
        e
    }

    /// An expression without the assignment level (statement starts, where
    /// `=` is handled by the statement parser).
    pub(super) fn parse_expr_no_assign(&mut self) -> Expr {
        if !self.enter() {
            return self.error_expr(self.span());
        }
        let e = self.parse_ternary();
        self.leave();
        e
    }

    /// A `postfix_expr` (the target of `ubah`).
    pub(super) fn parse_postfix_guarded(&mut self) -> Expr {
        if !self.enter() {
            return self.error_expr(self.span());
        }
        let e = self.parse_postfix();
        self.leave();
        e
    }

    fn parse_assignment(&mut self) -> Expr {
        let lhs = self.parse_ternary();
        if !self.at(&TokenKind::Assign) || self.too_deep {
            return lhs;
        }
        if let Some(e) = self.arrow_function(lhs.span) {
            return e;
        }
        let eq = self.bump();
        let value = self.parse_expr();
        let span = lhs.span.to(value.span);
        match lhs.kind {
            ExprKind::Attr(obj, name) => Expr {
                kind: ExprKind::SetAttr(obj, name, Box::new(value)),
                span,
            },
            ExprKind::Error => self.error_expr(span),
            _ => {
                self.error_at(
                    codes::BARE_ASSIGNMENT,
                    "Operator '=' hanya diizinkan dalam deklarasi 'biar' atau 'tetap'. Gunakan 'ubah' untuk re-assignment.",
                    eq,
                );
                self.error_expr(span)
            }
        }
    }

    fn parse_ternary(&mut self) -> Expr {
        let cond = self.parse_binary(1);
        if !self.at(&TokenKind::Question) || self.too_deep {
            return cond;
        }
        self.bump();
        let then = self.parse_expr();
        if !self.expect(&TokenKind::Colon, "Dibutuhkan ':' dalam ekspresi ternary.") {
            return self.error_expr(cond.span.to(then.span));
        }
        let other = self.parse_expr();
        let span = cond.span.to(other.span);
        Expr {
            kind: ExprKind::Ternary(Box::new(cond), Box::new(then), Box::new(other)),
            span,
        }
    }

    /// Precedence climbing over the levels of `binop`.
    pub(super) fn parse_binary(&mut self, min: u8) -> Expr {
        let mut lhs = self.parse_unary();
        let mut links = 0usize;
        while !self.too_deep {
            let Some((prec, op)) = binop(self.kind()) else {
                break;
            };
            if prec < min {
                break;
            }
            if !self.enter() {
                break;
            }
            links += 1;
            if let Some(e) = self.foreign_operator(&lhs) {
                lhs = e;
                continue;
            }
            self.bump();
            let rhs = self.parse_binary(prec + 1);
            let span = lhs.span.to(rhs.span);
            let (l, r) = (Box::new(lhs), Box::new(rhs));
            let kind = match op {
                BinOp::Or => ExprKind::Or(l, r),
                BinOp::And => ExprKind::And(l, r),
                BinOp::Bin(b) => ExprKind::Binary(b, l, r),
            };
            lhs = Expr { kind, span };
        }
        self.depth = self.depth.saturating_sub(links);
        lhs
    }

    pub(super) fn parse_unary(&mut self) -> Expr {
        let op = match self.kind() {
            TokenKind::Kw(Keyword::Tidak) | TokenKind::Bang => Some(UnaryOp::Not),
            TokenKind::Minus => Some(UnaryOp::Neg),
            TokenKind::Tilde => Some(UnaryOp::BitNot),
            TokenKind::Kw(Keyword::Tunggu) if starts_expr(self.kind_at(1)) => None,
            _ => {
                let operand = self.parse_postfix();
                return self.power(operand);
            }
        };
        let start = self.bump();
        if !self.enter() {
            return self.error_expr(start);
        }
        let operand = self.parse_unary();
        self.leave();
        let Some(op) = op else {
            // `tunggu e` is just `e`.
            return operand;
        };
        let span = start.to(operand.span);
        Expr {
            kind: ExprKind::Unary(op, Box::new(operand)),
            span,
        }
    }

    fn parse_postfix(&mut self) -> Expr {
        let mut e = self.parse_primary();
        let mut links = 0usize;
        while !self.too_deep {
            if !matches!(
                self.kind(),
                TokenKind::LParen | TokenKind::LBracket | TokenKind::Dot
            ) {
                break;
            }
            if !self.enter() {
                break;
            }
            links += 1;
            let start = e.span;
            let opener = match self.kind() {
                TokenKind::LParen => 0,
                TokenKind::LBracket => 1,
                _ => 2,
            };
            self.bump();
            match opener {
                0 => {
                    let args = self.parse_call_args();
                    e = Expr {
                        kind: ExprKind::Call(Box::new(e), args),
                        span: self.span_from(start),
                    };
                }
                1 => e = self.parse_index(e),
                _ => {
                    let Some(name) = self.member_name() else {
                        self.expected("nama properti setelah '.'");
                        return self.error_expr(start);
                    };
                    e = Expr {
                        kind: ExprKind::Attr(Box::new(e), name),
                        span: self.span_from(start),
                    };
                }
            }
        }
        self.depth = self.depth.saturating_sub(links);
        e
    }

    /// A property name after `.`: any identifier or keyword.
    fn member_name(&mut self) -> Option<Ident> {
        let name = match self.kind() {
            TokenKind::Ident(n) => n.clone(),
            TokenKind::Kw(k) => k.as_str().to_string(),
            _ => return None,
        };
        let span = self.bump();
        Some(Ident { name, span })
    }

    /// After `(`: `[expr {, expr}] )` on one line.
    pub(super) fn parse_call_args(&mut self) -> Vec<Expr> {
        let mut args = Vec::new();
        if self.eat(&TokenKind::RParen) {
            return args;
        }
        loop {
            args.push(self.parse_expr());
            if self.too_deep || !self.eat(&TokenKind::Comma) {
                break;
            }
        }
        if !self.at(&TokenKind::RParen) {
            self.expected("')' setelah argumen");
            self.skip_to_closer(false);
        } else {
            self.bump();
        }
        args
    }

    /// After `[`: an index `x[i]` or a slice `x[a:b]`.
    fn parse_index(&mut self, target: Expr) -> Expr {
        let start = target.span;
        let lo = if self.at(&TokenKind::Colon) {
            None
        } else {
            Some(self.parse_expr())
        };
        let kind = if self.eat(&TokenKind::Colon) {
            let hi = if self.at(&TokenKind::RBracket) {
                None
            } else {
                Some(Box::new(self.parse_expr()))
            };
            ExprKind::Slice(Box::new(target), lo.map(Box::new), hi)
        } else {
            match lo {
                Some(i) => ExprKind::Index(Box::new(target), Box::new(i)),
                None => ExprKind::Error,
            }
        };
        if !self.eat(&TokenKind::RBracket) {
            self.expected("']' setelah indeks");
            self.skip_to_closer(false);
        }
        Expr {
            kind,
            span: self.span_from(start),
        }
    }

    fn parse_primary(&mut self) -> Expr {
        let span = self.span();
        let kind = match self.kind() {
            TokenKind::Int(n) => ExprKind::Int(*n),
            TokenKind::BigInt(d) => ExprKind::BigInt(d.clone()),
            TokenKind::Float(f) => ExprKind::Float(*f),
            TokenKind::Str(s) => {
                let tok = s.clone();
                self.bump();
                return self.string_expr(&tok, span);
            }
            TokenKind::Kw(Keyword::Benar) => ExprKind::Bool(true),
            TokenKind::Kw(Keyword::Salah) => ExprKind::Bool(false),
            TokenKind::Kw(Keyword::Nil) => ExprKind::Nil,
            TokenKind::Kw(Keyword::Ini) => ExprKind::This,
            TokenKind::Kw(Keyword::Induk) => {
                self.bump();
                if !self.expect(&TokenKind::Dot, "Dibutuhkan '.' setelah 'induk'.") {
                    return self.error_expr(span);
                }
                let Some(name) = self.member_name() else {
                    self.expected("nama metode setelah 'induk.'");
                    return self.error_expr(span);
                };
                return Expr {
                    kind: ExprKind::Super(name),
                    span: self.span_from(span),
                };
            }
            TokenKind::LBracket => return self.parse_list(),
            TokenKind::LBrace => return self.parse_dict(),
            TokenKind::LParen => {
                self.bump();
                let inner = self.parse_expr();
                if !self.eat(&TokenKind::RParen) {
                    self.expected("')' setelah ekspresi");
                    self.skip_to_closer(false);
                }
                return inner;
            }
            TokenKind::Kw(Keyword::Fungsi) if self.at_anonymous_function() => {
                return self.anonymous_function();
            }
            _ => match self.ident_x() {
                Some(id) => ExprKind::Name(id.name),
                None => {
                    let found = self.found();
                    self.error(
                        codes::EXPECTED_EXPR,
                        format!("Dibutuhkan ekspresi, tetapi ditemukan {found}."),
                    );
                    return self.error_expr(span);
                }
            },
        };
        self.bump();
        Expr { kind, span }
    }

    /// `[ {NL} [expr {NL} {, {NL} expr {NL}} [,]] ]`
    fn parse_list(&mut self) -> Expr {
        let start = self.bump();
        let mut items = Vec::new();
        loop {
            self.skip_newlines();
            if self.at(&TokenKind::RBracket) || self.too_deep {
                break;
            }
            items.push(self.parse_expr());
            self.skip_newlines();
            if !self.eat(&TokenKind::Comma) {
                break;
            }
        }
        if !self.eat(&TokenKind::RBracket) {
            self.expected("']' untuk menutup daftar");
            self.skip_to_closer(true);
        }
        Expr {
            kind: ExprKind::List(items),
            span: self.span_from(start),
        }
    }

    /// `{ {NL} [expr : {NL} expr {NL} {, …} [,]] }`
    fn parse_dict(&mut self) -> Expr {
        let start = self.bump();
        let mut entries = Vec::new();
        loop {
            self.skip_newlines();
            if self.at(&TokenKind::RBrace) || self.too_deep {
                break;
            }
            let key = self.parse_expr();
            self.skip_newlines();
            if !self.eat(&TokenKind::Colon) {
                self.expected("':' setelah kunci kamus");
                break;
            }
            self.skip_newlines();
            let value = self.parse_expr();
            entries.push((key, value));
            self.skip_newlines();
            if !self.eat(&TokenKind::Comma) {
                break;
            }
        }
        if !self.eat(&TokenKind::RBrace) {
            self.expected("'}' untuk menutup kamus");
            self.skip_to_closer(true);
        }
        Expr {
            kind: ExprKind::Dict(entries),
            span: self.span_from(start),
        }
    }

    /// Recovery inside brackets: skip to the bracket closing the innermost
    /// open one (consumed), stopping early at `akhir`, EOF and — unless
    /// `multiline` — a newline.
    fn skip_to_closer(&mut self, multiline: bool) {
        let mut level = 0usize;
        loop {
            if multiline && self.at_line_start_of_statement() {
                return;
            }
            match self.kind() {
                TokenKind::Eof | TokenKind::Kw(Keyword::Akhir) => return,
                TokenKind::Newline if !multiline => return,
                TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => level += 1,
                TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => {
                    if level == 0 {
                        self.bump();
                        return;
                    }
                    level -= 1;
                }
                _ => {}
            }
            self.bump();
        }
    }

    /// Recovery heuristic for unclosed multi-line brackets: a keyword that
    /// starts a statement at the beginning of a line ends the skipping.
    fn at_line_start_of_statement(&self) -> bool {
        let after_newline = self.pos > 0
            && matches!(
                self.toks.get(self.pos - 1).map(|t| &t.kind),
                Some(TokenKind::Newline)
            );
        after_newline && super::starts_statement_line(self.kind())
    }

    /// A string literal token as an expression (interpolated or plain).
    fn string_expr(&mut self, tok: &crate::token::StrToken, span: Span) -> Expr {
        match &tok.interp {
            Some(data) => self.parse_interp(&tok.value, data, span),
            None => Expr {
                kind: ExprKind::Str(tok.value.clone()),
                span,
            },
        }
    }
}
