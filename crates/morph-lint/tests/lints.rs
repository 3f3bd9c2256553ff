//! What the lints must not say (the diagnostic goldens under
//! `tests/diagnostics/` show what they do say): no warning on the patterns
//! Morph programs use on purpose, and none while a program has errors.
//! Each case is `(source, expected codes in order)`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

fn codes(src: &str) -> Vec<&'static str> {
    morph_lint::check("t.fox", src)
        .iter()
        .map(|d| d.code)
        .collect()
}

fn expect(cases: &[(&str, &[&str])]) {
    let mut failures = Vec::new();
    for (src, want) in cases {
        let got = codes(src);
        if got != *want {
            failures.push(format!("{src:?}\n  expected {want:?}\n  got      {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn declarations_on_separate_paths_are_not_redeclarations() {
    expect(&[
        // One branch each: never both on one path.
        (
            "jika benar maka\n    biar p = 1\n    tulis(p)\nlain\n    biar p = 2\n    tulis(p)\nakhir\n",
            &[],
        ),
        // A declaration inside a loop body runs again each time: one site.
        ("biar i = 0\nselama i < 2 maka\n    biar x = i\n    tulis(x)\n    ubah i = i + 1\nakhir\n", &[]),
        // The same name in two functions: two scopes.
        (
            "fungsi a() maka\n    biar x = 1\n    kembalikan x\nakhir\nfungsi b() maka\n    biar x = 2\n    kembalikan x\nakhir\ntulis(a(), b())\n",
            &[],
        ),
        // `_` names are exempt.
        ("biar _t = 1\nbiar _t = 2\n", &[]),
        // Declared in an enclosing block first: flagged.
        ("biar x = 1\njika benar maka\n    biar x = 2\nakhir\ntulis(x)\n", &["W0001"]),
    ]);
}

#[test]
fn reads_anywhere_in_the_function_count() {
    expect(&[
        // Read only by a nested function (captured).
        (
            "fungsi luar() maka\n    biar n = 1\n    fungsi dalam() maka\n        kembalikan n\n    akhir\n    kembalikan dalam\nakhir\ntulis(luar()())\n",
            &[],
        ),
        // Read inside an interpolation, a guard, an index target.
        (
            "fungsi f(a, b, c) maka\n    ubah c[0] = \"{a}\"\n    coba\n        kembalikan 1\n    tangkap e jika e == b\n        kembalikan 2\n    akhir\nakhir\ntulis(f(1, 2, [0]))\n",
            &[],
        ),
        // A nested function's own `x` does not use the outer one.
        (
            "fungsi luar() maka\n    biar x = 1\n    fungsi dalam(x) maka\n        kembalikan x\n    akhir\n    kembalikan dalam\nakhir\ntulis(luar())\n",
            &["W0003"],
        ),
        // Assigned but never read is unused.
        ("fungsi f() maka\n    biar x = 1\n    ubah x = 2\nakhir\ntulis(f())\n", &["W0003"]),
        // Module-level names may be used by importers: never reported.
        ("biar tidak_dipakai = 1\n", &[]),
    ]);
}

#[test]
fn slash_comments_that_are_comments() {
    expect(&[
        ("biar x = 1\ntulis(x) // komentar\n", &[]),
        ("biar x = 1 // satu\ntulis(x)\n", &[]),
        (
            "fungsi f(x) maka\n    kembalikan x\nakhir\nf(2) // 2\n",
            &[],
        ),
        ("biar x = 1 /// dokumentasi\ntulis(x)\n", &[]),
        (
            "biar a = 7\nbiar b = 2\ntulis(a)\nbiar q = a // (b + 1)\ntulis(q)\n",
            &["W0004"],
        ),
    ]);
}

#[test]
fn unreachable_only_after_a_statement_that_always_leaves() {
    expect(&[
        // `jika` without `lain` may fall through.
        ("fungsi f(x) maka\n    jika x maka\n        kembalikan 1\n    akhir\n    kembalikan 2\nakhir\ntulis(f(1))\n", &[]),
        // The last statement of a block: nothing after it.
        ("fungsi f() maka\n    kembalikan 1\nakhir\ntulis(f())\n", &[]),
        ("kembali\ntulis(1)\n", &["W0002"]),
    ]);
}

#[test]
fn foreign_names_declared_by_the_program_are_fine() {
    expect(&[
        ("biar true = 1\ntulis(true)\n", &[]),
        ("fungsi print(x) maka\n    tulis(x)\nakhir\nprint(1)\n", &[]),
        ("tulis(None)\ntulis(None)\n", &["W0005"]),
    ]);
}

#[test]
fn no_lints_while_there_are_errors() {
    expect(&[
        // Only the syntax error; the unused parameter waits.
        ("fungsi f(x) maka\n    biar y =\nakhir\n", &["E0202"]),
        // A compiler error is reported with the syntax error.
        ("biar a = (\nlanjutkan\n", &["E0202", "E0301"]),
        // …but not on the same line as one (a cascade).
        ("berhenti )\n", &["E0203"]),
    ]);
}

#[test]
fn errors_match_check_without_warnings() {
    let src = "biar x = 1\nbiar x = 2\nberhenti\n";
    let errors: Vec<_> = morph_lint::errors("t.fox", src)
        .iter()
        .map(|d| d.code)
        .collect();
    assert_eq!(errors, ["E0301"]);
    assert_eq!(codes(src), ["E0301"]);
    assert_eq!(codes("biar x = 1\nbiar x = 2\ntulis(x)\n"), ["W0001"]);
}
