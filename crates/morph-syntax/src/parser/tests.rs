//! Unit tests of the parser: spans (also inside interpolations), contextual
//! words, error nodes and recovery details the golden fixtures do not show.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::ast::*;
use crate::diagnostic::codes;
use crate::span::Span;
use crate::{parse, sexpr};

fn tree(src: &str) -> String {
    let p = parse(src);
    assert!(p.diagnostics.is_empty(), "{src:?}: {:?}", p.diagnostics);
    sexpr::program(&p.program)
}

fn first_stmt(src: &str) -> Stmt {
    let p = parse(src);
    assert!(p.diagnostics.is_empty(), "{src:?}: {:?}", p.diagnostics);
    p.program.body.into_iter().next().expect("a statement")
}

fn text(src: &str, span: Span) -> &str {
    &src[span.start as usize..span.end as usize]
}

/// The `i`-th argument of a `tulis(...)` statement.
fn print_arg(stmt: &Stmt, i: usize) -> &Expr {
    match &stmt.kind {
        StmtKind::Print(args) => &args[i],
        other => panic!("not a print: {other:?}"),
    }
}

fn interp_exprs(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Interp(parts) => parts
            .iter()
            .filter_map(|p| match p {
                InterpPart::Expr(e) => Some(e),
                InterpPart::Text(_) => None,
            })
            .collect(),
        other => panic!("not an interpolation: {other:?}"),
    }
}

#[test]
fn statement_and_expression_spans() {
    let src = "biar x = 1 + 2 * y\n";
    let s = first_stmt(src);
    assert_eq!(text(src, s.span), "biar x = 1 + 2 * y");
    let StmtKind::Let {
        value: Some(v),
        target: LetTarget::Name(id),
        ..
    } = &s.kind
    else {
        panic!()
    };
    assert_eq!(text(src, id.span), "x");
    assert_eq!(text(src, v.span), "1 + 2 * y");
    let src = "jika a maka\n  tulis(1)\nakhir # c\n";
    assert_eq!(
        text(src, first_stmt(src).span),
        "jika a maka\n  tulis(1)\nakhir"
    );
    let src = "f(a)[0].b\n";
    assert_eq!(text(src, first_stmt(src).span), "f(a)[0].b");
}

#[test]
fn interpolation_spans_point_into_the_file() {
    let src = "tulis(\"a{x + 1}b\")\n";
    let s = first_stmt(src);
    let e = print_arg(&s, 0);
    assert_eq!(text(src, e.span), "\"a{x + 1}b\"");
    let inner = interp_exprs(e);
    assert_eq!(text(src, inner[0].span), "x + 1");
    // escapes and multi-byte text before the brace shift offsets
    let src = "tulis(\"\\t\\\"é{nama}\")\n";
    let s = first_stmt(src);
    let inner = interp_exprs(print_arg(&s, 0));
    assert_eq!(text(src, inner[0].span), "nama");
    // a string inside the braces, and an interpolation nested in it
    let src = "tulis(\"{f('a{y}b')}\")\n";
    let s = first_stmt(src);
    let outer = interp_exprs(print_arg(&s, 0));
    let ExprKind::Call(_, args) = &outer[0].kind else {
        panic!()
    };
    assert_eq!(text(src, args[0].span), "'a{y}b'");
    assert_eq!(text(src, interp_exprs(&args[0])[0].span), "y");
}

#[test]
fn interpolation_diagnostics_point_into_the_file() {
    let src = "biar s = \"ok {a +} ok\"\n";
    let p = parse(src);
    assert_eq!(p.diagnostics.len(), 1);
    assert_eq!(p.diagnostics[0].code, codes::EXPECTED_EXPR);
    assert_eq!(text(src, p.diagnostics[0].span), "}");
    let src = "biar s = \"x {} y\"\n";
    let p = parse(src);
    assert_eq!(p.diagnostics[0].code, codes::BAD_INTERPOLATION);
    assert_eq!(text(src, p.diagnostics[0].span), "{}");
}

#[test]
fn escaped_brace_and_lone_closing_brace_are_text() {
    assert_eq!(tree("tulis(\"\\{a} }\")"), "(tulis \"{a} }\")\n");
    assert_eq!(tree("tulis(\"\\\\{a}\")"), "(tulis (interp \"\\\\\" a))\n");
}

#[test]
fn tulis_and_tipe_in_expressions() {
    assert_eq!(tree("biar f = tulis\n"), "(biar f tulis)\n");
    assert_eq!(tree("f(tulis)\n"), "(call f tulis)\n");
    assert_eq!(tree("biar t = tipe(x)\n"), "(biar t (call tipe x))\n");
    assert_eq!(tree("tipe(x)\n"), "(call tipe x)\n");
}

#[test]
fn tunggu_is_transparent_or_a_name() {
    assert_eq!(tree("biar a = tunggu f()\n"), "(biar a (call f))\n");
    assert_eq!(tree("biar a = tunggu\n"), "(biar a tunggu)\n");
    assert_eq!(tree("biar a = [tunggu, 1]\n"), "(biar a (list tunggu 1))\n");
}

#[test]
fn kasus_assignment_inside_pilih_body_is_not_a_case() {
    let t = tree("pilih x\nkasus 1 maka\n  kasus = 2\nakhir\n");
    assert_eq!(t, "(pilih x\n  (ketika 1\n    (ubah kasus 2)))\n");
}

#[test]
fn bare_assignment_forms() {
    assert_eq!(tree("x = 1\n"), "(ubah x 1)\n");
    assert_eq!(tree("x[0] = 1\n"), "(ubah (index x 0) 1)\n");
    assert_eq!(tree("ini.p = 1\n"), "(ubah (. ini p) 1)\n");
    assert_eq!(tree("biar y = ini.p = 1\n"), "(biar y (.= ini p 1))\n");
}

#[test]
fn error_nodes_stand_in_for_broken_parts() {
    let p = parse("biar x = )\ntulis(1)\n");
    assert_eq!(p.diagnostics.len(), 1);
    assert_eq!(p.diagnostics[0].code, codes::EXPECTED_EXPR);
    let t = sexpr::program(&p.program);
    assert_eq!(t, "(biar x <error>)\n(tulis 1)\n");
    let p = parse("akhir\n");
    assert_eq!(sexpr::program(&p.program), "<error>\n");
}

#[test]
fn big_integers_are_exact() {
    assert_eq!(
        tree("biar x = 123456789012345678901234567890\n"),
        "(biar x 123456789012345678901234567890n)\n"
    );
    assert_eq!(
        tree("biar x = -9223372036854775808\n"),
        "(biar x (neg 9223372036854775808n))\n"
    );
}

#[test]
fn async_flag_and_operator_names() {
    let s = first_stmt("asink fungsi f() maka\nakhir\n");
    let StmtKind::Function(f) = &s.kind else {
        panic!()
    };
    assert!(f.is_async);
    let s = first_stmt("fungsi +(a, b) maka kembali a akhir\n");
    let StmtKind::Function(f) = &s.kind else {
        panic!()
    };
    assert_eq!(f.name.name, "+");
    assert!(!f.is_async);
}

#[test]
fn negative_pattern_literals_fold() {
    let s = first_stmt("jodohkan x dengan\n| -2.5 maka\n  tulis(1)\nakhir\n");
    let StmtKind::Match { arms, .. } = &s.kind else {
        panic!()
    };
    assert_eq!(sexpr::pattern(&arms[0].pattern), "(lit -2.5)");
}

#[test]
fn diagnostics_are_sorted_and_all_reported() {
    // `biar a = @`: the missing expression after the lexer error is a
    // cascade on the same line and is not reported.
    let src = "biar a = @\njika x\nakhir\nbiar b = (1\nbiar c = \"\n";
    let p = parse(src);
    let codes_seen: Vec<&str> = p.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(
        codes_seen,
        vec![
            codes::UNKNOWN_CHAR,
            codes::EXPECTED_TOKEN,
            codes::EXPECTED_TOKEN,
            codes::UNTERMINATED_STRING
        ]
    );
    let starts: Vec<u32> = p.diagnostics.iter().map(|d| d.span.start).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);
}

#[test]
fn maka_missing_still_parses_the_body() {
    let p = parse("jika x\n  tulis(1)\nakhir\n");
    assert_eq!(p.diagnostics.len(), 1);
    assert_eq!(
        p.diagnostics[0].message,
        "Dibutuhkan 'maka' setelah kondisi 'jika'."
    );
    assert_eq!(
        sexpr::program(&p.program),
        "(jika\n  (cabang x\n    (tulis 1)))\n"
    );
}

#[test]
fn foreign_keywords_teach_only_when_the_statement_is_broken() {
    // `return` and `if` are ordinary names in Morph.
    assert!(parse("biar return = 1\ntulis(return)\nbiar if = 2\n")
        .diagnostics
        .is_empty());
    let p = parse("fungsi f(x) maka\n    return x\nakhir\n");
    let codes_found: Vec<_> = p.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes_found, [codes::FOREIGN_KEYWORD]);
    // Read as `kembalikan x`.
    let StmtKind::Function(f) = &p.program.body[0].kind else {
        panic!()
    };
    assert!(matches!(&f.body[0].kind, StmtKind::Return(Some(_))));
}

#[test]
fn a_foreign_loop_keeps_its_body_in_a_loop() {
    let p = parse("untuk x dalam xs maka\n    berhenti\nakhir\ntulis(1)\n");
    assert_eq!(p.diagnostics.len(), 1);
    assert_eq!(p.diagnostics[0].code, codes::FOREIGN_KEYWORD);
    let StmtKind::While { cond, body } = &p.program.body[0].kind else {
        panic!("{:?}", p.program.body[0].kind)
    };
    assert!(matches!(cond.kind, ExprKind::Error));
    assert!(matches!(body[0].kind, StmtKind::Break));
    assert!(matches!(p.program.body[1].kind, StmtKind::Print(_)));
}

#[test]
fn a_function_literal_is_one_error_with_its_body() {
    let p = parse("biar f = fungsi(x) maka\n    kembalikan x\nakhir\ntulis(f)\n");
    assert_eq!(p.diagnostics.len(), 1);
    assert_eq!(p.diagnostics[0].code, codes::ANONYMOUS_FUNCTION);
    assert!(p.diagnostics[0].help[0].contains("fungsi f(x) maka"));
    assert_eq!(p.program.body.len(), 2);
}

#[test]
fn foreign_operators_are_one_error_each_statement() {
    for (src, op) in [
        ("tulis(2 ** -3)\n", "'**'"),
        ("x += 1\n", "'+='"),
        ("biar b = a && c\n", "'&&'"),
        ("biar b = a === c\n", "'==='"),
        ("i++\n", "'++'"),
        ("biar f = (x) => x\n", "'=>'"),
    ] {
        let p = parse(src);
        assert_eq!(p.diagnostics.len(), 1, "{src:?}: {:?}", p.diagnostics);
        assert_eq!(p.diagnostics[0].code, codes::FOREIGN_OPERATOR, "{src:?}");
        assert!(p.diagnostics[0].message.contains(op), "{src:?}");
        assert_eq!(p.diagnostics[0].help.len(), 1, "{src:?}");
    }
}

#[test]
fn blocks_open_at_the_end_are_one_diagnostic_at_the_opener() {
    let src = "kelas K maka\n    fungsi f() maka\n        jika benar maka\n";
    let p = parse(src);
    assert_eq!(p.diagnostics.len(), 1);
    let d = &p.diagnostics[0];
    assert_eq!(d.code, codes::UNCLOSED_BLOCK);
    assert_eq!(text(src, d.span), "jika");
    // End of file, then the two enclosing openers.
    assert_eq!(d.labels.len(), 3);
    assert_eq!(text(src, d.labels[1].span), "fungsi");
    assert_eq!(text(src, d.labels[2].span), "kelas");
}

#[test]
fn incomplete_input_is_told_from_broken_input() {
    for (src, incomplete) in [
        ("fungsi f() maka\n", true),
        (
            "kelas K maka\n    fungsi f() maka\n        tulis(1)\n",
            true,
        ),
        ("biar x = 1 +\n", true),
        ("jika benar maka\n    tulis(1)\nakhir\n", false),
        ("biar = 3\n", false),
        ("return 1\njika benar maka\n", false),
    ] {
        assert_eq!(parse(src).is_incomplete(src), incomplete, "{src:?}");
    }
}
