//! Rendering at the edge: diagnostics with `file:line:col`, the source line
//! and a caret (annotate-snippets), and uncaught Morph errors with their
//! traceback — coloured as `color` decides.

use crate::color::{self, paint, renderer};
use annotate_snippets::{Level, Snippet};
use fox_vm::{TraceEntry, Uncaught};
use morph_syntax::{Diagnostic, LineIndex};

/// Clamp a byte range to the text and to char boundaries.
fn safe_range(src: &str, start: u32, end: u32) -> std::ops::Range<usize> {
    let mut s = (start as usize).min(src.len());
    while s > 0 && !src.is_char_boundary(s) {
        s -= 1;
    }
    let mut e = (end as usize).max(s).min(src.len());
    while e < src.len() && !src.is_char_boundary(e) {
        e += 1;
    }
    if e == s && e < src.len() {
        e += src[e..].chars().next().map(|c| c.len_utf8()).unwrap_or(0);
    }
    s..e
}

/// Render diagnostics of one file to a string.
pub fn diagnostics(file: &str, src: &str, diags: &[Diagnostic]) -> String {
    let index = LineIndex::new(src);
    let mut out = String::new();
    for d in diags {
        let range = safe_range(src, d.span.start, d.span.end);
        let (line, col) = index.line_col(src, range.start as u32);
        out.push_str(&format!("{file}:{line}:{col}: {}\n", d.message));
        let level = if d.is_error() {
            Level::Error
        } else {
            Level::Warning
        };
        let msg = level.title(&d.message).id(d.code).snippet(
            Snippet::source(src)
                .line_start(1)
                .origin(file)
                .fold(true)
                .annotation(level.span(range)),
        );
        out.push_str(&format!("{}\n\n", renderer().render(msg)));
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        out.push_str(&format!(
            "{file}: {errors} kesalahan ditemukan; program tidak dijalankan.\n"
        ));
    }
    out
}

fn source_line(file: &str, line: u32) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    let index = LineIndex::new(&text);
    let (s, e) = index.line_range(&text, line);
    text.get(s..e).map(|l| l.to_string())
}

/// Render an uncaught Morph error.
pub fn uncaught(u: &Uncaught) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{}: {}\n",
        paint(color::ERROR, &u.jenis),
        paint(color::MESSAGE, &u.pesan)
    ));
    if let Some(TraceEntry {
        file, line, col, ..
    }) = u.traceback.last()
    {
        let arrow = paint(color::GUTTER, "-->");
        out.push_str(&format!("  {arrow} {file}:{line}:{col}\n"));
        if let Some(text) = source_line(file, *line) {
            let pad: String = text
                .chars()
                .take(col.saturating_sub(1) as usize)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let bar = paint(color::GUTTER, "|");
            let caret = paint(color::ERROR, "^");
            out.push_str(&format!("   {bar} {text}\n   {bar} {pad}{caret}\n"));
        }
    }
    if !u.traceback.is_empty() {
        out.push_str("Jejak (panggilan terdalam terakhir):\n");
        for t in &u.traceback {
            let at = format!("{}:{}:{}", t.file, t.line, t.col);
            out.push_str(&format!(
                "  {} di {}\n",
                paint(color::LOCATION, &at),
                t.function
            ));
        }
    }
    match &u.ticket {
        Some(Ok(path)) => out.push_str(&format!(
            "tiket: {path}\n  (lanjutkan dengan: fox resume {path})\n"
        )),
        Some(Err(e)) => out.push_str(&format!("tiket tidak tertulis: {e}\n")),
        None => {}
    }
    out
}

/// Render a run stopped by Ctrl-C (in the REPL): like an uncaught error,
/// with the place it was stopped at.
pub fn interrupted(trace: &[TraceEntry]) -> String {
    uncaught(&Uncaught {
        jenis: "Interupsi".into(),
        pesan: "dihentikan dengan Ctrl-C".into(),
        traceback: trace.to_vec(),
        ticket: None,
    })
}
