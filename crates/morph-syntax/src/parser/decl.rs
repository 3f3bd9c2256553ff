//! Declarations (§4.2): `biar`/`tetap` (including destructuring), `fungsi`
//! and `asink fungsi` (with operator names), `kelas` bodies (methods only),
//! `tipe` variant declarations and the import forms `ambil_semua`, `dari …
//! ambil_sebagian`, legacy `ambil_sebagian … dari` and `pinjam`.

use super::stmt::Stop;
use super::Parser;
use crate::ast::{ClassDecl, FnDecl, Ident, LetTarget, Stmt, StmtKind, StrLit, VariantDecl};
use crate::diagnostic::codes;
use crate::token::{Keyword, TokenKind};

impl Parser<'_> {
    /// `biar|tetap (IDENTX [= expr] | [a, b] = expr)`
    pub(super) fn parse_var_decl(&mut self) -> Stmt {
        let start = self.span();
        let constant = self.at_kw(Keyword::Tetap);
        self.bump();
        let target = if self.at(&TokenKind::LBracket) {
            self.bump();
            let mut names = Vec::new();
            loop {
                self.skip_newlines();
                match self.expect_ident_x("Dibutuhkan nama variabel.") {
                    Some(id) => names.push(id),
                    None => return self.error_stmt(start),
                }
                self.skip_newlines();
                if !self.eat(&TokenKind::Comma) {
                    break;
                }
            }
            if !self.expect(
                &TokenKind::RBracket,
                "Dibutuhkan ']' untuk menutup daftar destrukturisasi.",
            ) {
                return self.error_stmt(start);
            }
            LetTarget::Destructure(names)
        } else {
            match self.expect_ident_x("Dibutuhkan nama variabel.") {
                Some(id) => LetTarget::Name(id),
                None => return self.error_stmt(start),
            }
        };
        let value = if self.eat(&TokenKind::Assign) {
            if let LetTarget::Name(id) = &target {
                self.binding = Some(id.name.clone());
            }
            let value = self.parse_expr();
            self.binding = None;
            Some(value)
        } else {
            if matches!(target, LetTarget::Destructure(_)) {
                self.expected("'=' setelah daftar destrukturisasi");
            }
            None
        };
        self.expect_terminator("deklarasi variabel");
        self.simple(
            StmtKind::Let {
                target,
                value,
                constant,
            },
            start,
        )
    }

    /// `fn_name` of §4.2: an identifier, an operator symbol, or one of
    /// `tulis ambil maka dari`.
    fn fn_name(&mut self) -> Option<Ident> {
        let span = self.span();
        let name = match self.kind() {
            TokenKind::Ident(n) => n.clone(),
            TokenKind::Kw(
                k @ (Keyword::Tulis | Keyword::Ambil | Keyword::Maka | Keyword::Dari),
            ) => k.as_str().to_string(),
            k @ (TokenKind::Plus
            | TokenKind::Minus
            | TokenKind::Star
            | TokenKind::Slash
            | TokenKind::Percent
            | TokenKind::Caret) => k.punct_str().to_string(),
            _ => return None,
        };
        self.bump();
        Some(Ident { name, span })
    }

    /// `[asink] fungsi name(params) maka … akhir`. Header errors are
    /// reported and skipped up to `maka`, so the body still parses.
    pub(super) fn parse_fn_decl(&mut self) -> Option<FnDecl> {
        let start = self.span();
        let is_async = self.eat_kw(Keyword::Asink);
        self.bump(); // `fungsi`
        let name = match self.fn_name() {
            Some(n) => n,
            None => {
                let what = if is_async { "asink fungsi" } else { "fungsi" };
                let since = self.diags.len();
                self.expected(&format!("nama setelah '{what}'"));
                if self.at(&TokenKind::LParen) {
                    self.help_since(
                        since,
                        "fungsi di Morph selalu bernama: `fungsi nama(x) maka` … `akhir`",
                    );
                }
                let span = self.span();
                self.skip_line_until(|k| {
                    matches!(k, TokenKind::LParen | TokenKind::Kw(Keyword::Maka))
                });
                Ident {
                    name: String::new(),
                    span,
                }
            }
        };
        let mut params = Vec::new();
        if self.expect(&TokenKind::LParen, "Dibutuhkan '(' setelah nama fungsi.")
            && !self.eat(&TokenKind::RParen)
        {
            let mut ok = true;
            loop {
                match self.expect_ident_x("Dibutuhkan nama parameter.") {
                    Some(p) => params.push(p),
                    None => {
                        ok = false;
                        break;
                    }
                }
                if !self.eat(&TokenKind::Comma) {
                    break;
                }
            }
            if ok {
                self.expect(&TokenKind::RParen, "Dibutuhkan ')' setelah parameter.");
            }
        }
        if !self.at_kw(Keyword::Maka) && self.panicking {
            self.skip_line_until(|k| matches!(k, TokenKind::Kw(Keyword::Maka)));
        }
        self.expect_kw(Keyword::Maka, "Dibutuhkan 'maka' sebelum badan fungsi.");
        let body = self.parse_block(Stop::Akhir);
        self.close_block("fungsi", start);
        Some(FnDecl {
            name,
            params,
            body,
            is_async,
            span: self.span_from(start),
        })
    }

    pub(super) fn parse_function_stmt(&mut self) -> Stmt {
        let start = self.span();
        match self.parse_fn_decl() {
            Some(f) => self.simple(StmtKind::Function(f), start),
            None => self.error_stmt(start),
        }
    }

    /// `kelas K [warisi P] maka {fungsi …} akhir`
    pub(super) fn parse_class(&mut self) -> Stmt {
        let start = self.bump();
        let name = match self.expect_ident("Dibutuhkan nama setelah 'kelas'.") {
            Some(n) => n,
            None => Ident {
                name: String::new(),
                span: self.span(),
            },
        };
        let parent = if self.eat_kw(Keyword::Warisi) {
            self.expect_ident("Dibutuhkan nama superkelas setelah 'warisi'.")
        } else {
            None
        };
        if !self.at_kw(Keyword::Maka) && self.panicking {
            self.skip_line_until(|k| matches!(k, TokenKind::Kw(Keyword::Maka)));
        }
        self.expect_kw(Keyword::Maka, "Dibutuhkan 'maka' setelah nama kelas.");
        let mut methods = Vec::new();
        if self.enter() {
            loop {
                if self.too_deep {
                    break;
                }
                match self.kind() {
                    TokenKind::Newline | TokenKind::Semicolon => {
                        self.bump();
                        self.panicking = false;
                        continue;
                    }
                    TokenKind::Eof | TokenKind::Kw(Keyword::Akhir) => break,
                    _ => {}
                }
                let before = self.pos;
                let is_method = self.at_kw(Keyword::Fungsi)
                    || (self.at_kw(Keyword::Asink) && self.kind_at(1).is_kw(Keyword::Fungsi));
                if is_method {
                    if let Some(f) = self.parse_fn_decl() {
                        methods.push(f);
                    }
                } else {
                    self.error(
                        codes::UNEXPECTED_TOKEN,
                        "Hanya deklarasi 'fungsi' yang diizinkan di dalam 'kelas'.",
                    );
                    // Parse the stray statement so a whole compound
                    // statement is skipped, then drop it.
                    let _ = self.parse_declaration();
                }
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
            self.leave();
        }
        self.close_block("kelas", start);
        self.simple(
            StmtKind::Class(ClassDecl {
                name,
                parent,
                methods,
            }),
            start,
        )
    }

    /// `tipe T = A(x, y) | B`
    pub(super) fn parse_type_decl(&mut self) -> Stmt {
        let start = self.bump();
        let Some(name) = self.expect_ident("Dibutuhkan nama tipe setelah kata kunci 'tipe'.")
        else {
            return self.error_stmt(start);
        };
        if !self.expect(&TokenKind::Assign, "Dibutuhkan '=' setelah nama tipe.") {
            return self.error_stmt(start);
        }
        let mut variants = Vec::new();
        loop {
            let Some(vname) = self.expect_ident("Dibutuhkan nama varian.") else {
                return self.error_stmt(start);
            };
            let mut fields = Vec::new();
            if self.eat(&TokenKind::LParen) && !self.eat(&TokenKind::RParen) {
                loop {
                    match self.expect_ident("Dibutuhkan nama parameter untuk varian.") {
                        Some(f) => fields.push(f),
                        None => return self.error_stmt(start),
                    }
                    if !self.eat(&TokenKind::Comma) {
                        break;
                    }
                }
                if !self.expect(
                    &TokenKind::RParen,
                    "Dibutuhkan ')' setelah parameter varian.",
                ) {
                    return self.error_stmt(start);
                }
            }
            variants.push(VariantDecl {
                name: vname,
                fields,
            });
            if !self.eat(&TokenKind::Pipe) {
                break;
            }
        }
        self.expect_terminator("deklarasi tipe");
        self.simple(StmtKind::TypeDecl { name, variants }, start)
    }

    fn expect_path(&mut self) -> Option<StrLit> {
        if let TokenKind::Str(s) = self.kind() {
            let lit = StrLit {
                value: s.value.clone(),
                span: self.span(),
            };
            self.bump();
            return Some(lit);
        }
        self.expected("teks jalur modul");
        None
    }

    fn optional_alias(&mut self) -> Result<Option<Ident>, ()> {
        if !self.eat_kw(Keyword::Sebagai) {
            return Ok(None);
        }
        match self.expect_ident("Dibutuhkan nama alias setelah 'sebagai'.") {
            Some(a) => Ok(Some(a)),
            None => Err(()),
        }
    }

    /// `ambil_semua "path" [sebagai alias]`
    pub(super) fn parse_import_all(&mut self) -> Stmt {
        let start = self.bump();
        let Some(path) = self.expect_path() else {
            return self.error_stmt(start);
        };
        let Ok(alias) = self.optional_alias() else {
            return self.error_stmt(start);
        };
        self.expect_terminator("'ambil_semua'");
        self.simple(StmtKind::ImportAll { path, alias }, start)
    }

    /// `pinjam [aot] "path" [sebagai alias]`
    pub(super) fn parse_pinjam(&mut self) -> Stmt {
        let start = self.bump();
        self.eat_kw(Keyword::Aot);
        let Some(path) = self.expect_path() else {
            return self.error_stmt(start);
        };
        let Ok(alias) = self.optional_alias() else {
            return self.error_stmt(start);
        };
        self.expect_terminator("'pinjam'");
        self.simple(StmtKind::Pinjam { path, alias }, start)
    }

    /// An imported symbol: IDENT, or `tulis`/`tipe` when `keywords_ok`.
    fn import_names(&mut self, keywords_ok: bool) -> Option<Vec<Ident>> {
        let mut names = Vec::new();
        loop {
            let span = self.span();
            let name = match self.kind() {
                TokenKind::Ident(n) => n.clone(),
                TokenKind::Kw(k @ (Keyword::Tulis | Keyword::Tipe)) if keywords_ok => {
                    k.as_str().to_string()
                }
                _ => {
                    self.expected("nama yang diimpor");
                    return None;
                }
            };
            self.bump();
            names.push(Ident { name, span });
            if !self.eat(&TokenKind::Comma) {
                return Some(names);
            }
        }
    }

    /// `dari "path" ambil_sebagian a, b`
    pub(super) fn parse_import_from(&mut self) -> Stmt {
        let start = self.bump();
        let Some(path) = self.expect_path() else {
            return self.error_stmt(start);
        };
        if !self.expect_kw(
            Keyword::AmbilSebagian,
            "Dibutuhkan 'ambil_sebagian' setelah jalur modul.",
        ) {
            return self.error_stmt(start);
        }
        let Some(names) = self.import_names(true) else {
            return self.error_stmt(start);
        };
        self.expect_terminator("'ambil_sebagian'");
        self.simple(StmtKind::ImportFrom { path, names }, start)
    }

    /// `ambil_sebagian a, b dari "path"`
    pub(super) fn parse_import_legacy(&mut self) -> Stmt {
        let start = self.bump();
        let Some(names) = self.import_names(false) else {
            return self.error_stmt(start);
        };
        if !self.expect_kw(
            Keyword::Dari,
            "Dibutuhkan 'dari' setelah nama yang diimpor.",
        ) {
            return self.error_stmt(start);
        }
        let Some(path) = self.expect_path() else {
            return self.error_stmt(start);
        };
        self.expect_terminator("'ambil_sebagian'");
        self.simple(StmtKind::ImportFrom { path, names }, start)
    }
}
