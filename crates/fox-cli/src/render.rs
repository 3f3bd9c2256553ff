//! Rendering at the edge: diagnostics (annotate-snippets blocks naming
//! `file:line:col`, with secondary labels and `help:` footers, each printed
//! once), `fox check`'s count, and uncaught Morph errors with their
//! traceback — coloured as `color` decides.

use crate::color::{self, paint, renderer};
use annotate_snippets::{Level, Renderer, Snippet};
use fox_vm::{TraceEntry, Uncaught};
use morph_syntax::{Diagnostic, LineIndex, Span};

/// Clamp a span to the text and to char boundaries. An empty span widens to
/// the character it stands on; one at the very end of the text (or on its
/// trailing newlines) moves back to the last visible character, so the
/// snippet always shows a real line.
fn safe_range(src: &str, span: Span) -> std::ops::Range<usize> {
    let mut s = (span.start as usize).min(src.len());
    while s > 0 && !src.is_char_boundary(s) {
        s -= 1;
    }
    let mut e = (span.end as usize).max(s).min(src.len());
    while e < src.len() && !src.is_char_boundary(e) {
        e += 1;
    }
    if e == s {
        let visible = src.get(..s).unwrap_or("").trim_end();
        if src.get(s..).unwrap_or("").trim().is_empty() && !visible.is_empty() {
            let last = visible.chars().next_back().map_or(1, char::len_utf8);
            return visible.len() - last..visible.len();
        }
        if e < src.len() {
            e += src[e..].chars().next().map_or(0, char::len_utf8);
        }
    }
    s..e
}

/// Each diagnostic once, as one annotate-snippets block: the header with its
/// code, `--> file:line:col`, the source lines with the primary span and
/// the secondary labels, and a `help:` footer per hint.
pub fn blocks(renderer: &Renderer, file: &str, src: &str, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let level = if d.is_error() {
            Level::Error
        } else {
            Level::Warning
        };
        let mut snippet = Snippet::source(src)
            .line_start(1)
            .origin(file)
            .fold(true)
            .annotation(level.span(safe_range(src, d.span)));
        // Secondary labels: underlined with `-` and shown without a level
        // prefix (only the error and warning levels print none).
        for l in &d.labels {
            let range = safe_range(src, l.span);
            snippet = snippet.annotation(Level::Warning.span(range).label(&l.message));
        }
        let msg = level
            .title(&d.message)
            .id(d.code)
            .snippet(snippet)
            .footers(d.help.iter().map(|h| Level::Help.title(h)));
        out.push_str(&format!("{}\n\n", renderer.render(msg)));
    }
    out
}

/// Diagnostics of a program that is not run (`fox run`, `disasm`, the
/// REPL): the blocks, then how many errors stopped it.
pub fn diagnostics(file: &str, src: &str, diags: &[Diagnostic]) -> String {
    let mut out = blocks(&renderer(), file, src, diags);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        out.push_str(&format!(
            "{file}: {errors} kesalahan ditemukan; program tidak dijalankan.\n"
        ));
    }
    out
}

/// `fox check`'s closing line for one file, counted like rustc.
pub fn check_summary(file: &str, diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    format!("{file}: {errors} kesalahan, {warnings} peringatan\n")
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
    let head = match &u.kode {
        Some(k) => format!("{}[{k}]", u.jenis),
        None => u.jenis.clone(),
    };
    out.push_str(&format!(
        "{}: {}\n",
        paint(color::ERROR, &head),
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
        for entry in collapse_repeats(u.traceback.iter()) {
            match entry {
                Collapsed::Frame(t) => {
                    let at = format!("{}:{}:{}", t.file, t.line, t.col);
                    out.push_str(&format!(
                        "  {} di {}\n",
                        paint(color::LOCATION, &at),
                        t.function
                    ));
                }
                Collapsed::Repeated(n) => {
                    out.push_str(&format!("  [Sebelumnya terulang {n} kali lagi]\n"));
                }
            }
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
        kode: None,
        pesan: "dihentikan dengan Ctrl-C".into(),
        traceback: trace.to_vec(),
        ticket: None,
    })
}

/// One line of a collapsed traceback.
#[derive(Debug, PartialEq)]
enum Collapsed<T> {
    Frame(T),
    /// The frame before this line repeats this many more times.
    Repeated(usize),
}

/// Python's traceback rule: after three identical frames in a row, the
/// rest of the run is one line saying how many more there were.
fn collapse_repeats<T: PartialEq + Copy>(frames: impl Iterator<Item = T>) -> Vec<Collapsed<T>> {
    const SHOWN: usize = 3;
    let mut out = Vec::new();
    let mut last: Option<T> = None;
    let mut run = 0usize;
    for frame in frames {
        if last == Some(frame) {
            run += 1;
        } else {
            if run > SHOWN {
                out.push(Collapsed::Repeated(run - SHOWN));
            }
            run = 1;
            last = Some(frame);
        }
        if run <= SHOWN {
            out.push(Collapsed::Frame(frame));
        }
    }
    if run > SHOWN {
        out.push(Collapsed::Repeated(run - SHOWN));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{collapse_repeats, Collapsed};

    #[test]
    fn repeated_frames_collapse_after_three() {
        let frames = ["a", "b", "b", "b", "b", "b", "c", "c", "c"];
        let got = collapse_repeats(frames.into_iter());
        use Collapsed::{Frame, Repeated};
        assert_eq!(
            got,
            vec![
                Frame("a"),
                Frame("b"),
                Frame("b"),
                Frame("b"),
                Repeated(2),
                Frame("c"),
                Frame("c"),
                Frame("c")
            ]
        );
    }
}
