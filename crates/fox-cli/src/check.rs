//! `fox check`: every diagnostic of each file — syntax and compiler errors
//! (also on a tree recovered from syntax errors) and, for a file without
//! errors, the lint warnings — each rendered once, then a count per file
//! ("2 kesalahan, 1 peringatan"). A clean file prints `FILE: ok` on stdout.
//! Exit status: 1 when a file has errors (or warnings, with
//! `--deny-warnings`), 2 when a file cannot be read, else 0. The analysis
//! itself is `morph_lint`'s; this module only reads, renders and counts.

use crate::render;

/// Check `files`; returns the exit status.
pub fn run(files: &[String], deny_warnings: bool) -> u8 {
    let renderer = crate::color::renderer();
    let mut status = 0;
    for file in files {
        let source = match crate::read_source(file) {
            Ok(s) => s,
            Err((msg, code)) => {
                eprintln!("{msg}");
                status = status.max(code);
                continue;
            }
        };
        let diags = morph_lint::check(file, &source);
        if diags.is_empty() {
            println!("{file}: ok");
            continue;
        }
        eprint!("{}", render::blocks(&renderer, file, &source, &diags));
        eprint!("{}", render::check_summary(file, &diags));
        let errors = diags.iter().any(|d| d.is_error());
        if errors || deny_warnings {
            status = status.max(1);
        }
    }
    status
}
