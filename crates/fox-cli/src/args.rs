//! The command line before clap reads it.
//!
//! * `fox FILE [ARGS…]` means `fox run FILE [ARGS…]`.
//! * `fox` alone starts the REPL when standard input is a terminal (as
//!   python, node, lua and deno do) and otherwise runs the program read
//!   from standard input (`echo 'tulis(1)' | fox`, as python and lua do);
//!   `fox run -` reads it from standard input explicitly.
//! * A first word that is no command, no existing file and does not look
//!   like a path (no `.`, no `/`) is a mistyped command: `fox tset` says
//!   "perintah tidak dikenal 'tset'" with the closest command and exits 2,
//!   instead of trying to read a file named `tset`.
//! * The global `--color` option is read ahead of clap, so that clap's own
//!   help and error messages follow it too.

use crate::color::ColorWhen;

/// The commands (the first word after `fox`).
pub const SUBCOMMANDS: &[&str] = &[
    "run", "check", "disasm", "repl", "resume", "tiket", "ipc", "explain", "help",
];

/// Turn the raw arguments into what clap parses; `Err` is the message for a
/// mistyped command (exit status 2).
pub fn normalize(mut args: Vec<String>, stdin_is_terminal: bool) -> Result<Vec<String>, String> {
    // Global options may come before the command.
    let mut i = 1;
    while let Some(a) = args.get(i) {
        if a == "--color" {
            i += 2;
        } else if a.starts_with("--color=") {
            i += 1;
        } else {
            break;
        }
    }
    let Some(first) = args.get(i) else {
        if stdin_is_terminal {
            args.push("repl".into());
        } else {
            args.extend(["run".into(), "-".into()]);
        }
        return Ok(args);
    };
    if first == "-" {
        args.insert(i, "run".into());
    } else if !first.starts_with('-') && !SUBCOMMANDS.contains(&first.as_str()) {
        let looks_like_path = first.contains(['.', '/', '\\']);
        if !looks_like_path && !std::path::Path::new(first).exists() {
            return Err(unknown_command(first));
        }
        args.insert(i, "run".into());
    }
    Ok(args)
}

/// The message for a word that is no command.
pub fn unknown_command(word: &str) -> String {
    let mut out = format!("fox: perintah tidak dikenal '{word}'\n");
    if let Some(near) = closest(word) {
        out.push_str(&format!("  maksud Anda 'fox {near}'?\n"));
    }
    let commands: Vec<&str> = SUBCOMMANDS
        .iter()
        .copied()
        .filter(|c| *c != "help")
        .collect();
    out.push_str(&format!(
        "  perintah yang ada: {} (bantuan: fox help)\n",
        commands.join(", ")
    ));
    out.push_str(&format!(
        "  untuk menjalankan berkas bernama '{word}': fox run {word}"
    ));
    out
}

/// The command closest to `word` by edit distance, when it is close enough
/// to be a plausible typo: at most two edits, and fewer edits than the
/// word has letters (so `chek` suggests `check`, while `fmt` and `test`,
/// three edits from any command, suggest nothing). A command that starts
/// with the word (`rep` → `repl`) counts as that many edits.
pub fn closest(word: &str) -> Option<&'static str> {
    let word = word.to_lowercase();
    let mut best: Option<(usize, &'static str)> = None;
    for &c in SUBCOMMANDS {
        let d = if c.starts_with(word.as_str()) && !word.is_empty() {
            c.len() - word.len()
        } else {
            strsim::levenshtein(&word, c)
        };
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let (d, c) = best?;
    let close = d <= 2 && d < word.chars().count();
    close.then_some(c)
}

fn parse_when(v: &str) -> Option<ColorWhen> {
    match v {
        "auto" => Some(ColorWhen::Auto),
        "always" => Some(ColorWhen::Always),
        "never" => Some(ColorWhen::Never),
        _ => None,
    }
}

/// The `--color` choice as far as it can be read before parsing: options
/// up to the first word that is not a command (a program's own arguments
/// are never read). Used only for clap's own messages; a successful parse
/// gives the real value.
pub fn color_before_parse(args: &[String]) -> ColorWhen {
    let mut when = ColorWhen::Auto;
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        } else if let Some(v) = a.strip_prefix("--color=") {
            when = parse_when(v).unwrap_or(when);
        } else if a == "--color" {
            when = it.next().and_then(|v| parse_when(v)).unwrap_or(when);
        } else if !a.starts_with('-') && !SUBCOMMANDS.contains(&a.as_str()) {
            break;
        }
    }
    when
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn files_commands_and_nothing() {
        let n = |v: &[&str], tty| normalize(args(v), tty);
        assert_eq!(
            n(&["fox", "x.fox", "a"], true),
            Ok(args(&["fox", "run", "x.fox", "a"]))
        );
        assert_eq!(
            n(&["fox", "check", "x.fox"], true),
            Ok(args(&["fox", "check", "x.fox"]))
        );
        assert_eq!(n(&["fox"], true), Ok(args(&["fox", "repl"])));
        assert_eq!(n(&["fox"], false), Ok(args(&["fox", "run", "-"])));
        assert_eq!(
            n(&["fox", "--color=never"], true),
            Ok(args(&["fox", "--color=never", "repl"]))
        );
        assert_eq!(
            n(&["fox", "--color", "always", "x.fox"], true),
            Ok(args(&["fox", "--color", "always", "run", "x.fox"]))
        );
        assert_eq!(n(&["fox", "--help"], true), Ok(args(&["fox", "--help"])));
        assert_eq!(n(&["fox", "-"], true), Ok(args(&["fox", "run", "-"])));
        // A missing file that looks like one is still run (and reported).
        assert_eq!(
            n(&["fox", "hilang.fox"], true),
            Ok(args(&["fox", "run", "hilang.fox"]))
        );
        let e = n(&["fox", "tset"], true).unwrap_err();
        assert!(e.starts_with("fox: perintah tidak dikenal 'tset'"), "{e}");
    }

    #[test]
    fn suggestions_are_plausible_typos() {
        assert_eq!(closest("chek"), Some("check"));
        assert_eq!(closest("rnu"), Some("run"));
        assert_eq!(closest("rep"), Some("repl"));
        assert_eq!(closest("tikets"), Some("tiket"));
        assert_eq!(closest("RESUME"), Some("resume"));
        assert_eq!(closest("fmt"), None);
        assert_eq!(closest("test"), None);
        assert_eq!(closest("x"), None);
    }

    #[test]
    fn color_is_read_up_to_the_program() {
        let c = |v: &[&str]| color_before_parse(&args(v));
        assert_eq!(
            c(&["fox", "--color=never", "run", "x.fox"]),
            ColorWhen::Never
        );
        assert_eq!(
            c(&["fox", "run", "--color", "always", "x.fox"]),
            ColorWhen::Always
        );
        assert_eq!(
            c(&["fox", "run", "x.fox", "--color=never"]),
            ColorWhen::Auto
        );
    }
}
