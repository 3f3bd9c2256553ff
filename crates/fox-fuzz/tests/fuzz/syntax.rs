//! Target `syntax`: the lexer and the parser (morph-syntax). Any text —
//! token soup, mutated programs, raw mutated bytes read as UTF-8 with
//! replacement — must lex and parse without a panic or a stack overflow,
//! the token stream must end in `Eof`, and every diagnostic must carry a
//! code, a message and a span (labels included) inside the source.

use crate::common::span_inside;
use fox_fuzz::{Rng, Target};
use morph_syntax::token::TokenKind;

pub const TARGET: Target = Target {
    name: "syntax",
    ext: "fox",
    check,
    generate,
    max_len: 64 << 10,
};

fn check(input: &[u8]) -> Result<(), String> {
    let src = String::from_utf8_lossy(input);
    let lexed = morph_syntax::lexer::lex(&src);
    match lexed.tokens.last() {
        Some(t) if matches!(t.kind, TokenKind::Eof) => {}
        _ => return Err("the token stream does not end in Eof".into()),
    }
    for d in &lexed.diagnostics {
        span_inside(d, src.len())?;
    }
    let parsed = morph_syntax::parse(&src);
    for d in &parsed.diagnostics {
        span_inside(d, src.len())?;
    }
    // Printing the tree walks all of it (golden fixtures use this form).
    let _ = morph_syntax::sexpr::program(&parsed.program);
    Ok(())
}

fn generate(rng: &mut Rng, known: &[Vec<u8>]) -> Vec<u8> {
    crate::gen::program(rng, known)
}
