//! Unit tests of the lexer: numbers, comments, operators, strings and their
//! recovery.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use super::*;
use crate::token::StrToken;

fn kinds(src: &str) -> Vec<TokenKind> {
    lex(src).tokens.into_iter().map(|t| t.kind).collect()
}

fn str_value(src: &str) -> String {
    match &lex(src).tokens[0].kind {
        TokenKind::Str(s) => s.value.clone(),
        other => panic!("not a string: {other:?}"),
    }
}

#[test]
fn numbers() {
    assert_eq!(kinds("1.0")[0], TokenKind::Int(1));
    assert_eq!(kinds("2.00")[0], TokenKind::Int(2));
    assert_eq!(kinds("007")[0], TokenKind::Int(7));
    assert_eq!(kinds("2.5")[0], TokenKind::Float(2.5));
    assert_eq!(
        kinds("12345678901234567890")[0],
        TokenKind::BigInt("12345678901234567890".into())
    );
    assert_eq!(kinds("9223372036854775807")[0], TokenKind::Int(i64::MAX));
    assert_eq!(
        kinds("99999999999999999999.000")[0],
        TokenKind::BigInt("99999999999999999999".into())
    );
    let k = kinds("1e3");
    assert_eq!(k[0], TokenKind::Int(1));
    assert_eq!(k[1], TokenKind::Ident("e3".into()));
}

#[test]
fn bad_numbers_are_reported() {
    let l = lex("x = 5.\n");
    assert_eq!(l.diagnostics.len(), 1);
    assert_eq!(l.diagnostics[0].code, codes::BAD_NUMBER);
    let l = lex("x = .5\n");
    assert_eq!(l.diagnostics[0].code, codes::BAD_NUMBER);
    // `a.b` and `f().x` are member accesses, not numbers
    assert!(lex("a.b f().x").diagnostics.is_empty());
}

#[test]
fn comments_and_newlines() {
    let k = kinds("a // b\n# c\nd");
    assert_eq!(
        k,
        vec![
            TokenKind::Ident("a".into()),
            TokenKind::Newline,
            TokenKind::Newline,
            TokenKind::Ident("d".into()),
            TokenKind::Eof
        ]
    );
}

#[test]
fn operators() {
    let k = kinds("<< >> <= >= == != ! = ... . ..");
    assert_eq!(
        &k[..11],
        &[
            TokenKind::Shl,
            TokenKind::Shr,
            TokenKind::Le,
            TokenKind::Ge,
            TokenKind::EqEq,
            TokenKind::NotEq,
            TokenKind::Bang,
            TokenKind::Assign,
            TokenKind::Ellipsis,
            TokenKind::Dot,
            TokenKind::Dot,
        ]
    );
}

#[test]
fn string_escapes() {
    assert_eq!(str_value(r#""a\nb""#), "a\nb");
    assert_eq!(str_value(r#""a\tb\"c\\d""#), "a\tb\"c\\d");
    assert_eq!(str_value(r#""\u001b\r\0""#), "\\u001b\\r\\0");
    assert_eq!(str_value(r#"'it\'s'"#), "it\\'s");
    assert_eq!(str_value(r#""\{x}""#), "{x}");
    assert_eq!(str_value("'multi\nline'"), "multi\nline");
}

#[test]
fn interp_data_only_for_unescaped_braces() {
    let l = lex(r#""\{x}""#);
    match &l.tokens[0].kind {
        TokenKind::Str(s) => assert!(s.interp.is_none()),
        _ => panic!(),
    }
    let l = lex(r#""a{x}""#);
    match &l.tokens[0].kind {
        TokenKind::Str(s) => {
            let d = s.interp.as_ref().unwrap();
            assert_eq!(d.offsets.len(), s.value.len() + 1);
            assert_eq!(d.offsets[1], 2); // '{' at byte 2 of the file
        }
        _ => panic!(),
    }
}

#[test]
fn unterminated_string_recovers_at_line_end() {
    let l = lex("biar s = \"abc\ntulis(s)\n");
    assert_eq!(l.diagnostics.len(), 1);
    assert_eq!(l.diagnostics[0].code, codes::UNTERMINATED_STRING);
    assert_eq!(
        l.diagnostics[0].message,
        "Teks tidak ditutup (dimulai di baris 1)."
    );
    assert!(l
        .tokens
        .iter()
        .any(|t| t.kind == TokenKind::Kw(Keyword::Tulis)));
}

#[test]
fn unknown_chars_continue() {
    let l = lex("a @ b é $");
    assert_eq!(l.diagnostics.len(), 3);
    assert_eq!(l.diagnostics[0].message, "Karakter '@' tidak dikenal.");
    assert_eq!(l.diagnostics[1].message, "Karakter 'é' tidak dikenal.");
    assert_eq!(l.tokens.len(), 3);
}

#[test]
fn missing_quote_is_blamed_where_it_is_missing() {
    // The quote missing on line 1 shifts every later one; the literal left
    // open at the end starts on line 2, but the report is on line 1.
    let src = "biar n = \"Budi\ntulis(\"Halo\")\ntulis(n)\n";
    let l = lex(src);
    assert_eq!(l.diagnostics.len(), 1);
    let d = &l.diagnostics[0];
    assert_eq!(d.code, codes::UNTERMINATED_STRING);
    assert_eq!(d.span.start, 9);
    assert_eq!(d.message, "Teks tidak ditutup (dimulai di baris 1).");
    assert_eq!(d.labels.len(), 1);
    // Lexing resumed at the end of line 1: line 2 is read as written.
    let tulis = l
        .tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Kw(Keyword::Tulis))
        .count();
    assert_eq!(tulis, 2);
    assert!(l
        .tokens
        .iter()
        .any(|t| matches!(&t.kind, TokenKind::Str(s) if s.value == "Halo")));
}

#[test]
fn a_real_opening_quote_left_open_is_reported_where_it_is() {
    // A legitimate multi-line literal before does not take the blame.
    let src = "biar a = \"satu\ndua\"\nbiar b = \"tiga\n";
    let l = lex(src);
    assert_eq!(l.diagnostics.len(), 1);
    assert_eq!(l.diagnostics[0].span.start, src.rfind('"').unwrap() as u32);
}

#[test]
fn json_text_in_a_literal_is_one_literal() {
    let l = lex("tulis(\"{\"a\": 1}\")\n");
    assert_eq!(l.diagnostics.len(), 1);
    assert_eq!(l.diagnostics[0].code, codes::BAD_INTERPOLATION);
    assert!(l.diagnostics[0].help[0].contains("'\\{\"a\": 1}'"));
    let strings: Vec<&StrToken> = l
        .tokens
        .iter()
        .filter_map(|t| match &t.kind {
            TokenKind::Str(s) => Some(s),
            _ => None,
        })
        .collect();
    assert_eq!(strings.len(), 1);
    assert_eq!(strings[0].value, "{\"a\": 1}");
    assert!(strings[0].interp.is_none());
    // `"{" + x` stays as written: there the `{` is the only mistake.
    let l = lex("tulis(\"{\" + x)\n");
    assert!(l.diagnostics.is_empty());
}

#[test]
fn comments_are_recorded_with_what_precedes_them() {
    let l = lex("biar q = 10 // 3\n# catatan\ntulis(q) // x\n");
    let c: Vec<(bool, bool)> = l
        .comments
        .iter()
        .map(|c| (c.slashes, c.after_operand))
        .collect();
    assert_eq!(c, [(true, true), (false, false), (true, true)]);
    assert_eq!(l.comments[0].span, Span::new(12, 16));
    assert_eq!(l.comments[1].after, None);
}
