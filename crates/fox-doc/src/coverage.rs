//! What `docs/builtins.md` must document: every native function the VM
//! registers, the global values, the generator intrinsics and every method of
//! texts, lists and dicts, each with the spelling the page uses for it.
//!
//! A function `f` counts as documented when "`` `f( ``" appears on the page;
//! a method by its receiver's conventional name: "`` `s.m( ``" for texts,
//! "`` `xs.m( ``" for lists, "`` `d.m( ``" for dicts.

use fox_vm::builtins::methods::{DICT_METHODS, LIST_METHODS, STR_METHODS};
use fox_vm::builtins::NATIVES;

/// (what is required, the text that must appear on the page).
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
    for (kind, recv, names) in [
        ("text", "s", STR_METHODS),
        ("list", "xs", LIST_METHODS),
        ("dict", "d", DICT_METHODS),
    ] {
        for m in names {
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
pub fn missing(page: &str) -> Vec<String> {
    requirements()
        .into_iter()
        .filter(|(_, pat)| !page.contains(pat.as_str()))
        .map(|(what, pat)| format!("{what} (looked for {pat})"))
        .collect()
}
