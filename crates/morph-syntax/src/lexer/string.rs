//! String literals (§3.4): decoding escapes, the byte→offset map that
//! interpolation needs, and recovery from the two ways a quote goes wrong.
//!
//! * Unterminated: strings may span lines, so one missing closing quote
//!   shifts every later quote and the lexer only notices at the end of the
//!   file. When the literal left open there starts at what is really a
//!   closing quote (its text begins with `)`, `,`, `+`, … or is blank), the
//!   blame goes back along the chain of shifted literals to the first one
//!   that spans lines: that is where the quote is missing. The literal then
//!   ends at the end of its first line and lexing continues from there.
//! * A JSON-like text whose inner quotes closed the literal early
//!   (`"{"a": 1}"`) is taken whole as one literal, with the escape to use.

use super::{off, Lexer};
use crate::diagnostic::{codes, Diagnostic};
use crate::span::{LineIndex, Span};
use crate::token::{InterpData, StrToken, TokenKind};

/// Unterminated literals found at the end of the file beyond this number
/// are cut at their line end without looking back (each look costs a pass
/// over the rest of the file).
const MAX_RESCANS: u32 = 16;

/// Index of the `}` matching a `{` whose contents start at `from`; quotes
/// inside the braces are skipped.
pub(crate) fn find_close(bytes: &[u8], from: usize) -> Option<usize> {
    let mut depth = 1usize;
    let mut k = from;
    while let Some(&b) = bytes.get(k) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            b'"' | b'\'' => {
                k += 1;
                while let Some(&c) = bytes.get(k) {
                    if c == b {
                        break;
                    }
                    if c == b'\\' {
                        k += 1;
                    }
                    k += 1;
                }
                if k >= bytes.len() {
                    return None;
                }
            }
            _ => {}
        }
        k += 1;
    }
    None
}

/// Byte index in a decoded literal of the first interpolation `{` that is
/// never closed.
fn first_unclosed(value: &str, escaped: &[u32]) -> Option<usize> {
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'{' && !escaped.contains(&(i as u32)) {
            match find_close(bytes, i + 1) {
                Some(close) => i = close + 1,
                None => return Some(i),
            }
        } else {
            i += 1;
        }
    }
    None
}

/// A literal scanned up to its closing quote or a limit.
struct Scanned {
    value: String,
    offsets: Vec<u32>,
    escaped: Vec<u32>,
    has_brace: bool,
    terminated: bool,
}

impl Lexer<'_> {
    fn line_end(&self, from: usize) -> usize {
        self.bytes
            .get(from..)
            .and_then(|rest| rest.iter().position(|&c| c == b'\n'))
            .map_or(self.bytes.len(), |i| from + i)
    }

    pub(super) fn string(&mut self, quote: u8) {
        let start = self.pos;
        let limit = if self.backtracks >= MAX_RESCANS {
            self.line_end(start)
        } else {
            self.bytes.len()
        };
        let s = self.scan(quote, limit, true);
        if !s.terminated {
            self.unterminated(start);
            return;
        }
        if s.has_brace {
            if let Some(brace) = first_unclosed(&s.value, &s.escaped) {
                let brace_at = s.offsets.get(brace).copied().unwrap_or(off(start));
                if self.inner_quotes(start, quote, brace_at) {
                    return;
                }
            }
        }
        let Scanned {
            value,
            mut offsets,
            escaped,
            has_brace,
            ..
        } = s;
        offsets.push(off(self.pos.saturating_sub(1)));
        let interp = has_brace.then(|| Box::new(InterpData { offsets, escaped }));
        self.push(TokenKind::Str(StrToken { value, interp }), start);
    }

    /// Decode from the opening quote at `self.pos` up to the closing quote
    /// (when `closing`) or `limit`, whichever comes first.
    fn scan(&mut self, quote: u8, limit: usize, closing: bool) -> Scanned {
        self.pos += 1;
        let mut s = Scanned {
            value: String::new(),
            offsets: Vec::new(),
            escaped: Vec::new(),
            has_brace: false,
            terminated: false,
        };
        while self.pos < limit {
            let p = self.pos;
            let b = self.bytes[p];
            if b == quote && closing {
                self.pos += 1;
                s.terminated = true;
                break;
            }
            if b == b'\\' {
                let next = self.bytes.get(p + 1).filter(|_| p + 1 < limit);
                let decoded = match next {
                    Some(b'n') => Some('\n'),
                    Some(b't') => Some('\t'),
                    Some(b'"') => Some('"'),
                    Some(b'\\') => Some('\\'),
                    Some(b'{') => {
                        s.escaped.push(off(s.value.len()));
                        Some('{')
                    }
                    _ => None,
                };
                if let Some(c) = decoded {
                    s.value.push(c);
                    s.offsets.push(off(p));
                    self.pos += 2;
                    continue;
                }
                // Kept verbatim: the backslash now, the next char on the
                // next iteration (it never closes the string).
                s.value.push('\\');
                s.offsets.push(off(p));
                self.pos += 1;
                if self.pos < limit {
                    if let Some(c) = self.char_at(self.pos) {
                        self.copy_char(c, &mut s);
                    }
                }
                continue;
            }
            if b == b'{' {
                s.has_brace = true;
            }
            let c = self.char_at(p).unwrap_or('\u{fffd}');
            self.copy_char(c, &mut s);
        }
        s
    }

    fn copy_char(&mut self, c: char, s: &mut Scanned) {
        let p = self.pos;
        let n = c.len_utf8();
        s.value.push(c);
        for i in 0..n {
            s.offsets.push(off(p + i));
        }
        self.pos += n;
        if c == '\n' {
            self.line += 1;
        }
    }

    /// The literal opened at `start` runs to the end of the file. Report it
    /// where its quote is really missing and end it at that line's end.
    fn unterminated(&mut self, start: usize) {
        let culprit = if self.backtracks < MAX_RESCANS {
            self.culprit(start)
        } else {
            None
        };
        self.backtracks += 1;
        let (from, closed_at) = match culprit {
            Some((index, from, close)) => {
                self.tokens.truncate(index);
                self.diags.retain(|d| (d.span.start as usize) < from);
                self.comments.retain(|c| (c.span.start as usize) < from);
                (from, Some(close))
            }
            None => (start, None),
        };
        let quote = self.bytes.get(from).copied().unwrap_or(b'"');
        let line = 1 + self.bytes[..from].iter().filter(|&&b| b == b'\n').count() as u32;
        let line_end = self.line_end(from);
        self.pos = from;
        self.line = line;
        let s = self.scan(quote, line_end, true);
        let q = quote as char;
        let mut d = Diagnostic::error(
            codes::UNTERMINATED_STRING,
            format!("Teks tidak ditutup (dimulai di baris {line})."),
            Span::new(off(from), off(from + 1)),
        );
        if let Some(close) = closed_at {
            d = d.with_label(
                Span::new(off(close), off(close + 1)),
                "tanpa penutup, teks dianggap berlanjut sampai kutip ini",
            );
        }
        d = d.with_help(format!(
            "tutup teks dengan {q} di baris yang sama; teks Morph boleh melintasi \
             baris, jadi tanpa penutup kutip berikutnya di berkas dianggap penutupnya"
        ));
        self.diags.push(d);
        self.push(
            TokenKind::Str(StrToken {
                value: s.value,
                interp: None,
            }),
            from,
        );
    }

    /// When the literal left open at `start` begins at a quote that really
    /// closes something (its text starts like code continuing after a
    /// string), the literal that lacks its quote is the earliest multi-line
    /// one in the chain of literals each ending on the line where the next
    /// begins. Returns its token index, start and closing-quote offsets.
    fn culprit(&self, start: usize) -> Option<(usize, usize, usize)> {
        let first_line = self.bytes.get(start + 1..self.line_end(start))?;
        let continues_code = first_line
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_none_or(|b| b")],}+;".contains(b));
        if !continues_code {
            return None;
        }
        let lines = LineIndex::new(self.src);
        let line = |o: usize| lines.line_col(self.src, off(o)).0;
        let mut member_line = line(start);
        let mut found = None;
        for (i, t) in self.tokens.iter().enumerate().rev() {
            if !matches!(t.kind, TokenKind::Str(_)) {
                continue;
            }
            let (s, e) = (
                t.span.start as usize,
                (t.span.end as usize).saturating_sub(1),
            );
            if line(e) != member_line {
                break;
            }
            if line(s) != line(e) {
                found = Some((i, s, e));
            }
            member_line = line(s);
        }
        found
    }

    /// A literal closed by one of its own inner quotes right before more
    /// text (`"{"a": 1}"`): when the line has a later quote of the same kind,
    /// take everything up to the last one as one plain literal and report the
    /// unclosed `{` with the escapes to use. Returns whether it did.
    fn inner_quotes(&mut self, start: usize, quote: u8, brace_at: u32) -> bool {
        let close = self.pos - 1;
        let glued = self
            .bytes
            .get(self.pos)
            .is_some_and(|b| b.is_ascii_alphanumeric() || b"_{[".contains(b));
        let line_end = self.line_end(self.pos);
        let last = self.bytes[self.pos..line_end]
            .iter()
            .rposition(|&b| b == quote)
            .map(|i| self.pos + i);
        let (true, Some(last)) = (glued, last) else {
            return false;
        };
        let inner = self.src.get(start + 1..last).unwrap_or("");
        self.pos = start;
        let s = self.scan(quote, last, false);
        self.pos = last + 1;
        let d = Diagnostic::error(
            codes::BAD_INTERPOLATION,
            "Interpolasi tidak valid: '{' dalam teks tidak ditutup dengan '}'.",
            Span::new(brace_at, brace_at + 1),
        )
        .with_label(
            Span::new(off(close), off(close + 1)),
            "kutip ini sudah menutup teks",
        )
        .with_help(format!(
            "'{{' harfiah ditulis '\\{{', dan kutip di dalam teks butuh kutip jenis lain \
             di luarnya: {}",
            literal_suggestion(inner)
        ));
        self.diags.push(d);
        self.push(
            TokenKind::Str(StrToken {
                value: s.value,
                interp: None,
            }),
            start,
        );
        true
    }
}

/// `inner` (the source text between the quotes) as a literal that means the
/// text itself: `{` escaped, in single quotes unless it contains one.
fn literal_suggestion(inner: &str) -> String {
    let mut out = String::new();
    let bytes = inner.as_bytes();
    let single = !inner.contains('\'');
    for (i, c) in inner.char_indices() {
        let escaped = i > 0 && bytes[i - 1] == b'\\';
        match c {
            '{' if !escaped => out.push_str("\\{"),
            '"' if !single && !escaped => out.push_str("\\\""),
            _ => out.push(c),
        }
    }
    if single {
        format!("'{out}'")
    } else {
        format!("\"{out}\"")
    }
}
