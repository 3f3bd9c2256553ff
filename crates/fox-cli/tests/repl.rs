//! `fox repl` driven through a pipe: blocks are read until their `akhir`,
//! bare expressions are echoed, errors do not end the session, state
//! persists between entries, and `keluar(n)` ends it with status n. And
//! on a pseudo-terminal, as a person types: Ctrl-C interrupts a loop, a
//! sleep and a wait for input and keeps every definition; Ctrl-C at the
//! prompt clears the line; Ctrl-D exits; history survives the session
//! (XDG state directory; none with `FOX_HISTORY=`); Tab completes; `fox`
//! alone opens the REPL.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::Write;
use std::process::{Command, Stdio};

fn repl(input: &str) -> (String, String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fox"))
        .arg("repl")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn fox repl");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn blocks_echo_errors_and_state() {
    let (out, err, code) = repl(
        "biar x = 40\nx + 2\nfungsi f(a) maka\n    kembalikan a * 2\nakhir\nf(x)\n\
         y + 1\nbiar = 3\ntulis(\"masih {x}\")\n[1, 'a', nil]\n",
    );
    assert_eq!(code, 0, "stderr: {err}");
    let lines: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(lines, ["42", "80", "masih 40", "[1, 'a', None]"]);
    assert!(
        err.contains("ErrorNama[R0101]: Nama 'y' belum didefinisikan"),
        "{err}"
    );
    assert!(err.contains("<repl>:1:6"), "{err}");
}

#[test]
fn keluar_ends_the_session_with_its_status() {
    let (out, _, code) = repl("tulis(1)\nkeluar(3)\ntulis(2)\n");
    assert_eq!(code, 3);
    assert!(out.contains('1') && !out.lines().any(|l| l == "2"), "{out}");
}

// ---- On a terminal (a pseudo-terminal, as a person types) ----

#[path = "support/pty.rs"]
mod pty;

use pty::Pty;
use std::path::{Path, PathBuf};
use std::time::Duration;

const PROMPT: &str = "fox> ";
const MORE: &str = "...  ";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fox-repl-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// `fox ARGS` on a terminal in `dir`, history going to `history` (None:
/// no history file) and no XDG or home directory of the user's touched.
fn on_terminal(dir: &Path, args: &[&str], history: Option<&Path>) -> Pty {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fox"));
    cmd.args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("TERM", "xterm")
        .env_remove("NO_COLOR")
        .env(
            "FOX_HISTORY",
            history.map(|p| p.as_os_str()).unwrap_or_default(),
        );
    let mut t = Pty::spawn(&mut cmd);
    t.expect("Morph REPL");
    t.expect(PROMPT);
    t
}

#[test]
fn ctrl_c_interrupts_running_code_and_keeps_definitions() {
    let dir = scratch("ctrl-c");
    let mut t = on_terminal(&dir, &["repl"], None);
    t.line("fungsi dua_kali(x) maka", MORE);
    t.line("    kembalikan x * 2", MORE);
    t.line("akhir", PROMPT);
    t.line("biar n = 0", PROMPT);
    t.line("selama benar maka", MORE);
    t.send("    ubah n = n + 1\r");
    t.expect(MORE);
    t.send("akhir\r");
    std::thread::sleep(Duration::from_millis(300));
    t.send("\x03");
    t.expect_within(
        "Interupsi: dihentikan dengan Ctrl-C",
        Duration::from_secs(5),
    );
    t.expect(PROMPT);
    // The function defined before, and the loop's own progress, are kept.
    assert!(t.line("dua_kali(21)", PROMPT).contains("42"));
    assert!(t.line("n > 1000", PROMPT).contains("True"));
    // A sleep is interrupted too, well before its minute is over.
    t.send("_sys_tidur(60)\r");
    std::thread::sleep(Duration::from_millis(300));
    let start = std::time::Instant::now();
    t.send("\x03");
    t.expect_within("Interupsi", Duration::from_secs(5));
    assert!(start.elapsed() < Duration::from_secs(5));
    t.expect(PROMPT);
    // And so is a program waiting for a line in `masukan`.
    t.line("biar tanya = \"siapa\"", PROMPT);
    t.send("biar s = masukan(tanya + \"? \")\r");
    t.expect("siapa? ");
    t.send("\x03");
    t.expect_within("Interupsi", Duration::from_secs(5));
    t.expect(PROMPT);
    assert!(t.line("dua_kali(4)", PROMPT).contains('8'));
    // Ctrl-D at an empty prompt ends the session normally.
    t.send("\x04");
    assert_eq!(t.wait().code(), Some(0));
}

#[test]
fn ctrl_c_at_the_prompt_clears_the_line() {
    let dir = scratch("clear");
    let mut t = on_terminal(&dir, &["repl"], None);
    t.send("tulis(111)");
    t.expect("tulis(111)");
    t.send("\x03");
    t.expect(PROMPT);
    // An unfinished block is dropped as well.
    t.line("jika benar maka", MORE);
    t.send("\x03");
    t.expect(PROMPT);
    assert!(t.line("tulis(222)", PROMPT).contains("222"));
    let screen = t.text();
    assert!(
        !screen.lines().any(|l| l.trim() == "111"),
        "the cleared line never ran:\n{screen}"
    );
    t.send("\x04");
    assert_eq!(t.wait().code(), Some(0));
}

#[test]
fn history_is_kept_across_sessions() {
    let dir = scratch("history");
    // No FOX_HISTORY: the XDG state directory (XDG_STATE_HOME=dir/state).
    let file = dir.join("state").join("fox").join("history");
    let session = || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_fox"));
        cmd.arg("repl")
            .current_dir(&dir)
            .env("HOME", &dir)
            .env("XDG_STATE_HOME", dir.join("state"))
            .env("TERM", "xterm")
            .env_remove("FOX_HISTORY");
        Pty::spawn(&mut cmd)
    };
    let mut t = session();
    t.expect(PROMPT);
    t.line("biar rahasia = 6 * 7", PROMPT);
    t.line("fungsi sapa() maka", MORE);
    t.line("    kembalikan \"halo\"", MORE);
    t.line("akhir", PROMPT);
    // A line starting with a space is not recorded.
    t.line(" biar sandi = 1", PROMPT);
    t.send("\x04");
    assert_eq!(t.wait().code(), Some(0));
    let saved = std::fs::read_to_string(&file).expect("history file in the XDG state dir");
    assert!(saved.contains("biar rahasia = 6 * 7"), "{saved}");
    assert!(saved.contains("kembalikan"), "{saved}");
    assert!(!saved.contains("sandi"), "{saved}");

    // A new session recalls both entries with the up arrow: the block
    // first (the latest), then the line before it.
    let mut t = session();
    t.expect(PROMPT);
    t.send("\x1b[A");
    t.expect("akhir");
    t.line("", PROMPT);
    let got = t.line("sapa()", PROMPT);
    assert!(got.contains("'halo'"), "{got}\n{}", t.text());
    // The oldest entry (Alt-<: the beginning of the history).
    t.send("\x1b<");
    t.expect("biar rahasia = 6 * 7");
    t.line("", PROMPT);
    assert!(t.line("rahasia", PROMPT).contains("42"));
    t.send("\x04");
    assert_eq!(t.wait().code(), Some(0));
}

#[test]
fn an_empty_fox_history_keeps_no_file() {
    let dir = scratch("no-history");
    let mut t = on_terminal(&dir, &["repl"], None);
    t.line("biar x = 1", PROMPT);
    t.send("\x04");
    assert_eq!(t.wait().code(), Some(0));
    assert!(
        !dir.join("state").exists(),
        "nothing written with FOX_HISTORY=''"
    );
}

#[test]
fn tab_completes_names_modules_and_members() {
    let dir = scratch("complete");
    let mut t = on_terminal(&dir, &["repl"], None);
    t.line("fungsi hitung_luas(s) maka", MORE);
    t.line("    kembalikan s * s", MORE);
    t.line("akhir", PROMPT);
    // A defined function: `hitung_l` + Tab → `hitung_luas`.
    t.send("hitung_l\t");
    t.expect("hitung_luas");
    assert!(t.line("(3)", PROMPT).contains('9'));
    // A standard-library module inside the import's string, then one of
    // its functions after `dasar.`; keywords too (`kembalikan`).
    t.send("ambil_semua \"matematika/da\t");
    t.expect("matematika/dasar\"");
    t.line("", PROMPT);
    t.send("dasar.ex\t");
    t.expect("dasar.exp");
    assert!(t.line("(0)", PROMPT).contains("1.0"));
    t.line("fungsi f() maka", MORE);
    t.send("    kembalik\t");
    t.expect("kembalikan");
    t.line(" 5", MORE);
    t.line("akhir", PROMPT);
    assert!(t.line("f()", PROMPT).contains('5'));
    t.send("\x04");
    assert_eq!(t.wait().code(), Some(0));
}

#[test]
fn fox_alone_opens_the_repl_on_a_terminal() {
    let dir = scratch("alone");
    let mut t = on_terminal(&dir, &[], None);
    assert!(t.line("1 + 1", PROMPT).contains('2'));
    t.send("\x04");
    assert_eq!(t.wait().code(), Some(0));
}
