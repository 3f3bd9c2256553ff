//! Rendering at the edge: diagnostics with `file:line:col`, the source line
//! and a caret (annotate-snippets), and uncaught Morph errors with their
//! traceback.

use annotate_snippets::{Level, Renderer, Snippet};
use fox_vm::{TraceEntry, Uncaught};
use morph_syntax::{Diagnostic, LineIndex};
use std::io::IsTerminal;

fn renderer() -> Renderer {
    if std::io::stderr().is_terminal() {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
}

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

/// Render an uncaught Morph error: `jenis[kode]: pesan`, where it
/// happened, and the traceback with repeated frames collapsed.
pub fn uncaught(u: &Uncaught) -> String {
    let mut out = String::new();
    match &u.kode {
        Some(k) => out.push_str(&format!("{}[{k}]: {}\n", u.jenis, u.pesan)),
        None => out.push_str(&format!("{}: {}\n", u.jenis, u.pesan)),
    }
    if let Some(TraceEntry {
        file, line, col, ..
    }) = u.traceback.last()
    {
        out.push_str(&format!("  --> {file}:{line}:{col}\n"));
        if let Some(text) = source_line(file, *line) {
            let pad: String = text
                .chars()
                .take(col.saturating_sub(1) as usize)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            out.push_str(&format!("   | {text}\n   | {pad}^\n"));
        }
    }
    if !u.traceback.is_empty() {
        out.push_str("Jejak (panggilan terdalam terakhir):\n");
        let lines = u
            .traceback
            .iter()
            .map(|t| format!("  {}:{}:{} di {}\n", t.file, t.line, t.col, t.function));
        for line in collapse_repeats(lines) {
            out.push_str(&line);
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

/// Python's traceback rule: after three identical lines in a row, the
/// rest of the run is one line saying how many more there were.
fn collapse_repeats(lines: impl Iterator<Item = String>) -> Vec<String> {
    const SHOWN: usize = 3;
    let mut out = Vec::new();
    let mut last: Option<String> = None;
    let mut run = 0usize;
    let flush = |out: &mut Vec<String>, run: usize| {
        if run > SHOWN {
            out.push(format!(
                "  [Sebelumnya terulang {} kali lagi]\n",
                run - SHOWN
            ));
        }
    };
    for line in lines {
        if last.as_ref() == Some(&line) {
            run += 1;
        } else {
            flush(&mut out, run);
            run = 1;
            last = Some(line.clone());
        }
        if run <= SHOWN {
            out.push(line);
        }
    }
    flush(&mut out, run);
    out
}

#[cfg(test)]
mod tests {
    use super::collapse_repeats;

    #[test]
    fn repeated_lines_collapse_after_three() {
        let lines = ["a", "b", "b", "b", "b", "b", "c", "c", "c"].map(String::from);
        let got = collapse_repeats(lines.into_iter());
        assert_eq!(
            got,
            vec![
                "a",
                "b",
                "b",
                "b",
                "  [Sebelumnya terulang 2 kali lagi]\n",
                "c",
                "c",
                "c"
            ]
        );
    }
}
