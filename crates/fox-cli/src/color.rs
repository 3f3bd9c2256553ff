//! Whether `fox` writes colour, and the styles it writes. One choice for
//! the whole process, made once in `main` from the global
//! `--color=auto|always|never` flag: `always` and `never` are obeyed as
//! given; `auto` (the default) colours standard error only when it is a
//! terminal, `NO_COLOR` is unset or empty (<https://no-color.org>) and
//! `TERM` is not `dumb`. Everything that colours asks here: diagnostics
//! (annotate-snippets' renderer), uncaught-error tracebacks and REPL
//! interrupts (`render`), and clap's own help and error messages.
//!
//! The palette is annotate-snippets' own (bright red errors, bright blue
//! gutters), so a traceback looks like a diagnostic.

use anstyle::{AnsiColor, Effects, Style};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU8, Ordering};

/// `--color`: when to write colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorWhen {
    /// On a terminal, unless `NO_COLOR` is set (or `TERM=dumb`).
    #[default]
    Auto,
    /// Always, even into a pipe or a file, and despite `NO_COLOR`.
    Always,
    /// Never.
    Never,
}

/// Whether standard error gets colour: 0 not decided yet, 1 yes, 2 no.
/// Decided once (a traceback of many frames asks for every location).
static STDERR: AtomicU8 = AtomicU8::new(0);

/// Record the `--color` choice (once, before anything is written).
pub fn set(when: ColorWhen) {
    let on = match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => !env_forbids() && std::io::stderr().is_terminal(),
    };
    STDERR.store(if on { 1 } else { 2 }, Ordering::Relaxed);
}

/// Does the environment forbid colour (`NO_COLOR` set and not empty, or a
/// dumb terminal)?
fn env_forbids() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    no_color || dumb
}

/// Is colour written to standard error (where every coloured thing goes)?
/// `auto` until `set` says otherwise.
pub fn stderr() -> bool {
    if STDERR.load(Ordering::Relaxed) == 0 {
        set(ColorWhen::Auto);
    }
    STDERR.load(Ordering::Relaxed) == 1
}

/// The same choice in clap's terms, for its help and error messages.
pub fn clap_choice(when: ColorWhen) -> clap::ColorChoice {
    match when {
        ColorWhen::Always => clap::ColorChoice::Always,
        ColorWhen::Never => clap::ColorChoice::Never,
        ColorWhen::Auto if env_forbids() => clap::ColorChoice::Never,
        ColorWhen::Auto => clap::ColorChoice::Auto,
    }
}

/// The diagnostics renderer: styled or plain, as chosen.
pub fn renderer() -> annotate_snippets::Renderer {
    if stderr() {
        annotate_snippets::Renderer::styled()
    } else {
        annotate_snippets::Renderer::plain()
    }
}

/// An error's kind (`jenis`) and the caret under the failing column.
pub const ERROR: Style = AnsiColor::BrightRed.on_default().effects(Effects::BOLD);
/// An error's message.
pub const MESSAGE: Style = Style::new().effects(Effects::BOLD);
/// The `-->` arrow and the `|` gutter before a source line.
pub const GUTTER: Style = AnsiColor::BrightBlue.on_default().effects(Effects::BOLD);
/// A `file:line:col` location in a traceback.
pub const LOCATION: Style = AnsiColor::Cyan.on_default();

/// `text` in `style` when colour goes to standard error, else as it is.
pub fn paint(style: Style, text: &str) -> String {
    if stderr() {
        format!("{}{text}{}", style.render(), style.render_reset())
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn always_and_never_decide_alone() {
        set(ColorWhen::Always);
        assert!(stderr());
        let p = paint(ERROR, "x");
        assert!(
            p.starts_with("\u{1b}[") && p.ends_with("x\u{1b}[0m"),
            "{p:?}"
        );
        set(ColorWhen::Never);
        assert!(!stderr());
        assert_eq!(paint(ERROR, "x"), "x");
        set(ColorWhen::Auto);
    }
}
