//! Documentation tooling for Fox VM.
//!
//! * [`examples`]: the format of the tested examples in `docs/*.md` and
//!   `README.md` (a ```` ```morph ```` block followed by its ```` ```output ````),
//!   found here and run by the `fox` binary's `doc_examples` test;
//! * [`doccomment`]: the `##` doc-comment convention of Morph sources and the
//!   public items of a module;
//! * [`reference`]: `docs/stdlib.md`, generated from the standard library's doc
//!   comments (`cargo run --release -p fox-doc --example stdlib`), and the names
//!   `docs/builtins.md` must document.
//!
//! Nothing here runs Morph code; the crate reads and writes text.

pub mod doccomment;
pub mod examples;
pub mod reference;

pub use reference::{stdlib_modules, stdlib_page, stdlib_problems};

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
