//! `fox ipc list` as a table: a header and one row per task — id,
//! state, attempts, and the program with its arguments. Column widths are
//! computed from the rows in terminal columns (`unicode-width`: a CJK
//! character takes two, a combining mark none), so every column starts at
//! the same place on every line. Arguments are quoted when they would not
//! read back as one word (spaces, quotes, empty) with control characters
//! escaped, so a row stays on one line; each argument is cut to
//! [`ARG_WIDTH`] columns and the whole command to [`COMMAND_WIDTH`], an
//! ellipsis marking the cut.

use fox_ipc::TaskRecord;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Widest single argument shown.
pub const ARG_WIDTH: usize = 24;
/// Widest program-and-arguments column.
pub const COMMAND_WIDTH: usize = 72;

/// The table for `tasks` (nothing but the header when there are none).
pub fn table(tasks: &[TaskRecord]) -> String {
    let header = ["tugas", "keadaan", "percobaan", "program"].map(String::from);
    let rows: Vec<[String; 4]> = tasks
        .iter()
        .map(|t| {
            [
                t.id.to_string(),
                t.state.to_string(),
                format!("{}/{}", t.attempts, t.spec.max_attempts),
                command(&t.spec.name, &t.spec.args),
            ]
        })
        .collect();
    let mut widths = header.clone().map(|h| h.width());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let line = format!(
            "{}  {}  {}  {}",
            pad_left(&row[0], widths[0]),
            pad_right(&row[1], widths[1]),
            pad_right(&row[2], widths[2]),
            row[3]
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The program and its arguments as one line, each argument readable and
/// cut, the whole cut to [`COMMAND_WIDTH`].
pub fn command(name: &str, args: &[String]) -> String {
    let mut parts = vec![cut(&quote(name), ARG_WIDTH * 2)];
    parts.extend(args.iter().map(|a| cut(&quote(a), ARG_WIDTH)));
    cut(&parts.join(" "), COMMAND_WIDTH)
}

/// An argument as it would be typed: bare when it is one plain word, else
/// in single quotes; control characters escaped either way.
fn quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && !arg
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "'\"\\`$".contains(c));
    if plain {
        return arg.to_string();
    }
    let mut out = String::from("'");
    for c in arg.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// `text` cut to at most `max` columns, ending in `…` when cut.
fn cut(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max.saturating_sub(1) {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

fn pad_right(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(s.width())))
}

fn pad_left(s: &str, width: usize) -> String {
    format!("{}{s}", " ".repeat(width.saturating_sub(s.width())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn arguments_are_quoted_escaped_and_cut() {
        assert_eq!(
            command("a.fox", &args(&["x", "y z", ""])),
            "a.fox x 'y z' ''"
        );
        assert_eq!(
            command("a.fox", &args(&["l1\nl2", "it's"])),
            "a.fox 'l1\\nl2' 'it\\'s'"
        );
        let long = "x".repeat(40);
        let shown = command("a.fox", &args(&[&long]));
        assert_eq!(shown, format!("a.fox {}…", "x".repeat(ARG_WIDTH - 1)));
        // Wide characters count two columns and are never split.
        let wide = "名".repeat(20);
        let shown = command("a.fox", &args(&[&wide]));
        assert_eq!(shown.width(), "a.fox ".len() + ARG_WIDTH - 1);
        let many: Vec<String> = (0..40).map(|i| format!("arg{i}")).collect();
        assert_eq!(command("a.fox", &many).width(), COMMAND_WIDTH);
    }
}
