//! The stdlib reference's generator as a command: writes `docs/stdlib.md`
//! from the standard library's doc comments (`cargo run --release -p fox-doc
//! --example stdlib`), or with `--check` only says whether the page is up to
//! date and every public function is documented; `--stdout` prints the page.
//! (An example, not a binary, so that `cargo run` in the workspace still
//! means `fox`.)

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    let stdout = args.iter().any(|a| a == "--stdout");
    if let Some(bad) = args
        .iter()
        .find(|a| !matches!(a.as_str(), "--check" | "--stdout"))
    {
        eprintln!("fox-doc: unknown argument '{bad}' (usage: stdlib [--check | --stdout])");
        return ExitCode::from(2);
    }
    let problems = fox_doc::stdlib_problems();
    for p in &problems {
        eprintln!("fox-doc: {p}");
    }
    let page = fox_doc::stdlib_page();
    let path = fox_doc::stdlib_page_path();
    if stdout {
        print!("{page}");
    } else if check {
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != page {
            eprintln!(
                "fox-doc: {} is out of date; run `cargo run --release -p fox-doc --example stdlib`",
                path.display()
            );
            return ExitCode::from(1);
        }
    } else if let Err(e) = std::fs::write(&path, &page) {
        eprintln!("fox-doc: cannot write {}: {e}", path.display());
        return ExitCode::from(1);
    } else {
        eprintln!("fox-doc: wrote {}", path.display());
    }
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
