//! Unit tests of the lexer: numbers, comments, operators, strings and their
//! recovery.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use super::*;

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
