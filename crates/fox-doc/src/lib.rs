//! Documentation tooling for Fox VM.
//!
//! * [`examples`]: the format of the tested examples in `docs/*.md` and
//!   `README.md` (a ```` ```morph ```` block followed by its ```` ```output ````),
//!   found here and run by the `fox` binary's `doc_examples` test;
//! * [`doccomment`]: the `##` doc-comment convention of Morph sources and the
//!   public items of a module;
//! * [`render`]: `docs/stdlib.md`, generated from the standard library's doc
//!   comments (`cargo run --release -p fox-doc --example stdlib`);
//! * [`coverage`]: the names `docs/builtins.md` must document.
//!
//! Nothing here runs Morph code; the crate reads and writes text.

pub mod coverage;
pub mod doccomment;
pub mod examples;
pub mod render;

use std::path::PathBuf;

/// The repository's root (this crate lives in `crates/fox-doc`).
pub fn repo_root() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// Where the generated standard-library reference lives.
pub fn stdlib_page_path() -> PathBuf {
    repo_root().join("docs/stdlib.md")
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
    render::stdlib_page(&stdlib_modules())
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
