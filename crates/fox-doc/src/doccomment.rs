//! Doc comments in Morph sources (the standard library's convention) and the
//! public items they document.
//!
//! The convention:
//! * a **doc comment** is a run of lines starting with `##` (after any
//!   indentation); `##` and one following space are removed and the rest is
//!   Markdown (fenced ```` ```morph ```` / ```` ```output ```` examples in it
//!   are run like every example of the documentation);
//! * the doc comment of a declaration (`fungsi`, `kelas`, a method inside a
//!   `kelas`, `tipe`, `biar`/`tetap`) is the run that ends on the line right
//!   above it; a run of consecutive `biar` lines shares the comment above the
//!   first one;
//! * the **module's** doc comment is the run that opens the file, followed
//!   by a blank line;
//! * a name starting with `_` is private and needs no doc comment; plain `#`
//!   comments are never documentation.

use morph_syntax::ast::{FnDecl, LetTarget, StmtKind};
use morph_syntax::LineIndex;

/// What kind of declaration an item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Function,
    Class,
    Method,
    Type,
    /// One `biar`/`tetap` line or a run of them (constants, aliases).
    Values,
}

/// A public declaration of a module.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub kind: ItemKind,
    /// The declared names (several for a run of `biar` lines).
    pub names: Vec<String>,
    /// How the item is written in a heading: `enkode(nilai)`,
    /// `kelas Antrian()`, `tipe Hasil = Sukses(data) | Gagal(pesan)`, …
    pub signature: String,
    pub doc: Option<String>,
    /// 1-based line of the declaration.
    pub line: usize,
    /// Public methods of a class.
    pub methods: Vec<Item>,
}

/// A module: its doc comment and its public items in source order.
#[derive(Clone, Debug, PartialEq)]
pub struct ModuleDoc {
    pub name: String,
    pub doc: Option<String>,
    pub items: Vec<Item>,
    /// Parse errors of the source (`line: message`); none in a healthy stdlib.
    pub errors: Vec<String>,
}

fn doc_line(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix("##")?;
    Some(rest.strip_prefix(' ').unwrap_or(rest))
}

fn join_doc(lines: &[&str]) -> String {
    let mut s: String = lines.iter().map(|l| format!("{l}\n")).collect();
    while s.ends_with("\n\n") {
        s.pop();
    }
    s
}

/// The doc comment ending on the line above 0-based line `decl`.
fn doc_above(lines: &[&str], decl: usize) -> Option<String> {
    let mut start = decl;
    while start > 0 && doc_line(lines[start - 1]).is_some() {
        start -= 1;
    }
    if start == decl {
        return None;
    }
    let body: Vec<&str> = lines[start..decl]
        .iter()
        .filter_map(|l| doc_line(l))
        .collect();
    Some(join_doc(&body))
}

/// The module's doc comment: the `##` run opening the file, then a blank line.
fn module_comment(lines: &[&str]) -> Option<String> {
    let n = lines.iter().take_while(|l| doc_line(l).is_some()).count();
    if n == 0 || lines.get(n).is_some_and(|l| !l.trim().is_empty()) {
        return None;
    }
    let body: Vec<&str> = lines[..n].iter().filter_map(|l| doc_line(l)).collect();
    Some(join_doc(&body))
}

fn public(name: &str) -> bool {
    !name.starts_with('_')
}

fn params(f: &FnDecl) -> String {
    let names: Vec<&str> = f.params.iter().map(|p| p.name.as_str()).collect();
    names.join(", ")
}

/// Read the public items and doc comments of one Morph source.
pub fn module_doc(name: &str, source: &str) -> ModuleDoc {
    let parsed = morph_syntax::parse(source);
    let index = LineIndex::new(source);
    let lines: Vec<&str> = source.lines().collect();
    let line_of = |offset: u32| index.line_col(source, offset).0 as usize;
    let errors = parsed
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", line_of(d.span.start), d.message))
        .collect();
    let mut items: Vec<Item> = Vec::new();
    // The last line of the previous top-level `biar` run, to group runs.
    let mut let_run_end: Option<usize> = None;
    for stmt in &parsed.program.body {
        let line = line_of(stmt.span.start);
        let end = line_of(stmt.span.end.saturating_sub(1).max(stmt.span.start));
        let doc = doc_above(&lines, line - 1);
        let (kind, names, signature, methods) = match &stmt.kind {
            StmtKind::Function(f) if public(&f.name.name) => (
                ItemKind::Function,
                vec![f.name.name.clone()],
                format!("{}({})", f.name.name, params(f)),
                Vec::new(),
            ),
            StmtKind::Class(c) if public(&c.name.name) => {
                let init = c.methods.iter().find(|m| m.name.name == "inisiasi");
                let methods = c
                    .methods
                    .iter()
                    .filter(|m| public(&m.name.name) && m.name.name != "inisiasi")
                    .map(|m| Item {
                        kind: ItemKind::Method,
                        names: vec![m.name.name.clone()],
                        signature: format!("{}.{}({})", c.name.name, m.name.name, params(m)),
                        doc: doc_above(&lines, line_of(m.span.start) - 1),
                        line: line_of(m.span.start),
                        methods: Vec::new(),
                    })
                    .collect();
                let parent = c
                    .parent
                    .as_ref()
                    .map(|p| format!(" warisi {}", p.name))
                    .unwrap_or_default();
                let sig = format!(
                    "kelas {}({}){parent}",
                    c.name.name,
                    init.map(params).unwrap_or_default()
                );
                (ItemKind::Class, vec![c.name.name.clone()], sig, methods)
            }
            StmtKind::TypeDecl { name, variants } if public(&name.name) => {
                let vs: Vec<String> = variants
                    .iter()
                    .map(|v| {
                        let fields: Vec<&str> = v.fields.iter().map(|f| f.name.as_str()).collect();
                        if fields.is_empty() {
                            v.name.name.clone()
                        } else {
                            format!("{}({})", v.name.name, fields.join(", "))
                        }
                    })
                    .collect();
                let mut names = vec![name.name.clone()];
                names.extend(variants.iter().map(|v| v.name.name.clone()));
                let sig = format!("tipe {} = {}", name.name, vs.join(" | "));
                (ItemKind::Type, names, sig, Vec::new())
            }
            StmtKind::Let {
                target: LetTarget::Name(n),
                ..
            } if public(&n.name) => {
                let grouped = let_run_end == Some(line - 1) && doc.is_none();
                let_run_end = Some(end);
                if grouped {
                    if let Some(last) = items.last_mut().filter(|i| i.kind == ItemKind::Values) {
                        last.names.push(n.name.clone());
                        last.signature = last.names.join(", ");
                        continue;
                    }
                }
                (
                    ItemKind::Values,
                    vec![n.name.clone()],
                    n.name.clone(),
                    Vec::new(),
                )
            }
            _ => {
                let_run_end = None;
                continue;
            }
        };
        if kind != ItemKind::Values {
            let_run_end = None;
        }
        items.push(Item {
            kind,
            names,
            signature,
            doc,
            line,
            methods,
        });
    }
    ModuleDoc {
        name: name.to_string(),
        doc: module_comment(&lines),
        items,
        errors,
    }
}

/// Public items (methods included) without a doc comment, as `line name`.
pub fn undocumented(m: &ModuleDoc) -> Vec<String> {
    let mut out = Vec::new();
    if m.doc.is_none() {
        out.push("1 (the module's doc comment)".to_string());
    }
    for item in &m.items {
        if item.doc.is_none() {
            out.push(format!("{} {}", item.line, item.signature));
        }
        for meth in &item.methods {
            if meth.doc.is_none() {
                out.push(format!("{} {}", meth.line, meth.signature));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const SRC: &str = "## The module.
## Second line.

## Colours.
biar MERAH = 1
biar HIJAU = 2
biar _PRIVAT = 3
biar BIRU = 4

## Adds.
##
##     indented
fungsi tambah_dua(a, b) maka
    kembali a + b
akhir

# not a doc comment
fungsi tanpa_dok() maka
akhir

fungsi _pribadi() maka
akhir

## A result.
tipe Hasil = Sukses(x) | Gagal

## A stack.
kelas Tumpukan maka
    fungsi inisiasi(awal) maka
    akhir

    ## Push.
    fungsi dorong(x) maka
    akhir

    fungsi angkat() maka
    akhir

    fungsi _rapikan() maka
    akhir
akhir
";

    #[test]
    fn reads_module_and_item_docs() {
        let m = module_doc("contoh", SRC);
        assert!(m.errors.is_empty(), "{:?}", m.errors);
        assert_eq!(m.doc.as_deref(), Some("The module.\nSecond line.\n"));
        let sigs: Vec<&str> = m.items.iter().map(|i| i.signature.as_str()).collect();
        assert_eq!(
            sigs,
            vec![
                "MERAH, HIJAU",
                "BIRU",
                "tambah_dua(a, b)",
                "tanpa_dok()",
                "tipe Hasil = Sukses(x) | Gagal",
                "kelas Tumpukan(awal)",
            ]
        );
        assert_eq!(m.items[0].doc.as_deref(), Some("Colours.\n"));
        assert_eq!(m.items[1].doc, None);
        assert_eq!(m.items[2].doc.as_deref(), Some("Adds.\n\n    indented\n"));
        assert_eq!(m.items[3].doc, None);
        assert_eq!(m.items[4].names, vec!["Hasil", "Sukses", "Gagal"]);
        let class = &m.items[5];
        let methods: Vec<&str> = class.methods.iter().map(|i| i.signature.as_str()).collect();
        assert_eq!(methods, vec!["Tumpukan.dorong(x)", "Tumpukan.angkat()"]);
        assert_eq!(class.methods[0].doc.as_deref(), Some("Push.\n"));
    }

    #[test]
    fn lists_what_lacks_a_doc_comment() {
        let m = module_doc("contoh", SRC);
        assert_eq!(
            undocumented(&m),
            vec!["8 BIRU", "18 tanpa_dok()", "36 Tumpukan.angkat()"]
        );
        let bare = module_doc("x", "fungsi f() maka\nakhir\n");
        assert_eq!(
            undocumented(&bare),
            vec!["1 (the module's doc comment)", "1 f()"]
        );
    }

    #[test]
    fn a_comment_touching_the_first_declaration_is_not_the_module_doc() {
        let m = module_doc("x", "## f's doc.\nfungsi f() maka\nakhir\n");
        assert_eq!(m.doc, None);
        assert_eq!(m.items[0].doc.as_deref(), Some("f's doc.\n"));
    }
}
