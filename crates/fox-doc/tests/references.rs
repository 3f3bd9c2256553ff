//! The references stay complete and current: every public stdlib item has a
//! doc comment, `docs/stdlib.md` is exactly what the generator makes of the
//! sources (`UPDATE_GOLDEN=1` rewrites it), and `docs/builtins.md` documents
//! every builtin function and value method the VM has.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[test]
fn every_public_stdlib_item_has_a_doc_comment() {
    let problems = fox_doc::stdlib_problems();
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn every_stdlib_module_is_on_the_page() {
    let page = fox_doc::stdlib_page();
    for (name, _) in fox_vm::stdlib::modules() {
        assert!(
            page.contains(&format!("\n## {name}\n")),
            "module {name} missing"
        );
    }
}

#[test]
fn stdlib_page_is_generated_from_the_sources() {
    let path = fox_doc::stdlib_page_path();
    let want = fox_doc::stdlib_page();
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| !v.is_empty() && v != "0") {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have != want {
        let line = have
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(have.lines().count().min(want.lines().count()));
        panic!(
            "{} differs from the stdlib doc comments from line {}; regenerate it with \
             `cargo run --release -p fox-doc --example stdlib` (or UPDATE_GOLDEN=1 cargo test --release -p fox-doc)",
            path.display(),
            line + 1
        );
    }
}

#[test]
fn builtins_page_documents_every_builtin_and_method() {
    let path = fox_doc::repo_root().join("docs/builtins.md");
    let page = std::fs::read_to_string(&path).expect("docs/builtins.md");
    let missing = fox_doc::reference::missing_builtins(&page);
    assert!(
        missing.is_empty(),
        "docs/builtins.md lacks:\n{}",
        missing.join("\n")
    );
}
