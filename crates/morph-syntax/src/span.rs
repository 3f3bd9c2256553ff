//! Source positions: byte-offset spans and the line index that turns them into
//! 1-based `line:col` for rendering.

/// A half-open byte range `start..end` into one source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// Maps byte offsets to 1-based line and column (columns count characters).
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i as u32 + 1);
            }
        }
        LineIndex { line_starts }
    }

    /// 1-based (line, column) of a byte offset; the column counts chars.
    pub fn line_col(&self, text: &str, offset: u32) -> (u32, u32) {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0) as usize;
        let end = (offset as usize).min(text.len());
        let col = text
            .get(start..end)
            .map(|s| s.chars().count())
            .unwrap_or(end.saturating_sub(start));
        (line as u32 + 1, col as u32 + 1)
    }

    /// Byte range of the 1-based line `line` (without its newline).
    pub fn line_range(&self, text: &str, line: u32) -> (usize, usize) {
        let i = (line.max(1) - 1) as usize;
        let start = self
            .line_starts
            .get(i)
            .copied()
            .unwrap_or(text.len() as u32) as usize;
        let end = self
            .line_starts
            .get(i + 1)
            .map(|e| (*e as usize).saturating_sub(1))
            .unwrap_or(text.len());
        (
            start.min(text.len()),
            end.min(text.len()).max(start.min(text.len())),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars() {
        let t = "ab\ncé d\n";
        let idx = LineIndex::new(t);
        assert_eq!(idx.line_col(t, 0), (1, 1));
        assert_eq!(idx.line_col(t, 3), (2, 1));
        // 'd' is after "cé " = 4 bytes, 3 chars
        assert_eq!(idx.line_col(t, 7), (2, 4));
    }
}
