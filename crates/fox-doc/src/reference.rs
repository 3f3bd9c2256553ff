//! What the references contain: `docs/stdlib.md` rendered from the
//! standard library's doc comments, what keeps that page from being complete,
//! and what `docs/builtins.md` must document — every native function the VM
//! registers, the global values, the generator intrinsics and every method of
//! texts, lists and dicts, each with the spelling the page uses for it (a
//! function `f` counts as documented when "`` `f( ``" appears on the page; a
//! method by its receiver's conventional name: "`` `s.m( ``" for texts,
//! "`` `xs.m( ``" for lists, "`` `d.m( ``" for dicts).

use crate::doccomment::{self, Item, ModuleDoc};
use fox_vm::builtins::methods::{DICT_METHODS, LIST_METHODS, STR_METHODS};
use fox_vm::builtins::NATIVES;

const HEADER: &str = "\
# Standard library reference

> Generated from the doc comments in `crates/fox-vm/src/stdlib/**.fox` by
> `cargo run --release -p fox-doc --example stdlib`: edit those, not this page.
> `cargo test --release -p fox-doc` fails when the two disagree or a public
> function has no doc comment, and the examples below run in CI with every other
> example of the documentation (`crates/fox-cli/tests/doc_examples.rs`).

The standard library is written in Morph and embedded in the `fox` binary. A
module is imported by its short name — `ambil_semua \"data/json\"` binds the
module to `json` (the last part of the name; `sebagai` chooses another), and
`dari \"teks\" ambil_sebagian format` copies single names — or by the path it had
in the original implementation (`\"greenfield/cotc/stdlib/teks.fox\"`,
`\"greenfield/cotc/data/json.fox\"`, …), so older programs run unchanged. See
[the language reference](language.md#modules-and-imports) for how imports work
and [builtins.md](builtins.md) for the functions every module can use without
an import.

Doc comments are `##` lines (see `crates/fox-doc/src/doccomment.rs`): the run at
the top of a file documents the module, the run right above a `fungsi`,
`kelas`, method, `tipe` or `biar` documents that declaration. Names starting
with `_` are private and not listed.
";

/// GitHub's anchor for a heading text.
pub fn anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn first_line(doc: Option<&String>) -> String {
    doc.and_then(|d| d.lines().next())
        .unwrap_or("")
        .trim_end_matches('.')
        .to_string()
}

fn push_doc(out: &mut String, doc: Option<&String>) {
    if let Some(d) = doc {
        out.push('\n');
        out.push_str(d);
    }
}

fn push_item(out: &mut String, item: &Item, level: &str) {
    out.push_str(&format!("\n{level} `{}`\n", item.signature));
    push_doc(out, item.doc.as_ref());
    for m in &item.methods {
        push_item(out, m, "####");
    }
}

/// The whole page for `modules`, in the given order.
pub fn stdlib_page_of(modules: &[ModuleDoc]) -> String {
    let mut out = String::from(HEADER);
    out.push_str("\n| module | contents |\n|---|---|\n");
    for m in modules {
        out.push_str(&format!(
            "| [`{}`](#{}) | {} |\n",
            m.name,
            anchor(&m.name),
            first_line(m.doc.as_ref())
        ));
    }
    for m in modules {
        out.push_str(&format!("\n---\n\n## {}\n", m.name));
        push_doc(&mut out, m.doc.as_ref());
        for item in &m.items {
            push_item(&mut out, item, "###");
        }
    }
    out
}

/// Every standard-library module read from the sources the VM embeds.
pub fn stdlib_modules() -> Vec<doccomment::ModuleDoc> {
    fox_vm::stdlib::modules()
        .iter()
        .map(|(name, src)| doccomment::module_doc(name, src))
        .collect()
}

/// `docs/stdlib.md` as the current sources produce it.
pub fn stdlib_page() -> String {
    stdlib_page_of(&stdlib_modules())
}

/// Problems that keep the stdlib reference from being complete: parse errors
/// and public items without a doc comment, as `module:line what`.
pub fn stdlib_problems() -> Vec<String> {
    let mut out = Vec::new();
    for m in stdlib_modules() {
        for e in &m.errors {
            out.push(format!("{}:{e} (parse error)", m.name));
        }
        for u in doccomment::undocumented(&m) {
            out.push(format!("{}:{u} has no doc comment", m.name));
        }
    }
    out
}

/// What `docs/builtins.md` must mention: (what is required, the text that
/// must appear on the page).
pub fn requirements() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for n in NATIVES {
        out.push((format!("builtin {}", n.name), format!("`{}(", n.name)));
    }
    for v in ["PI", "E", "argumen_sistem"] {
        out.push((format!("global {v}"), format!("`{v}`")));
    }
    for f in ["bekukan", "lanjut", "Momen"] {
        out.push((format!("intrinsic {f}"), format!("`{f}(")));
    }
    for (kind, recv, table) in [
        ("text", "s", STR_METHODS),
        ("list", "xs", LIST_METHODS),
        ("dict", "d", DICT_METHODS),
    ] {
        for m in table {
            let m = m.name;
            out.push((format!("{kind} method {m}"), format!("`{recv}.{m}(")));
        }
    }
    out.push((
        "punya on instances, classes and modules".into(),
        "`obj.punya(".into(),
    ));
    out
}

/// The requirements `page` does not meet.
pub fn missing_builtins(page: &str) -> Vec<String> {
    requirements()
        .into_iter()
        .filter(|(_, pat)| !page.contains(pat.as_str()))
        .map(|(what, pat)| format!("{what} (looked for {pat})"))
        .collect()
}
