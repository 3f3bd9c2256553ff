//! The command line itself, through the real binary: mistyped commands,
//! `fox FILE` and `fox` alone with a program on standard input, colour
//! (`--color`, `NO_COLOR`, `TERM=dumb`, a terminal or not) in diagnostics
//! and tracebacks, and `fox ipc list`'s aligned table with arguments.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/pty.rs"]
mod pty;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use unicode_width::UnicodeWidthStr;

const ESC: &str = "\u{1b}[";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fox-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("salah.fox"), "biar x = (1 +\n").unwrap();
    std::fs::write(
        dir.join("gagal.fox"),
        "fungsi bagi(a) maka\n    kembalikan a / 0\nakhir\nbagi(1)\n",
    )
    .unwrap();
    dir
}

/// `fox ARGS` in `dir` with `stdin` piped in, colour variables cleared
/// and then `env` set.
fn fox(dir: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fox"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env("TERM", "xterm")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn mistyped_commands_are_not_read_as_files() {
    let dir = scratch("perintah");
    for (word, hint) in [
        ("test", None),
        ("fmt", None),
        ("chek", Some("maksud Anda 'fox check'?")),
        ("rpel", Some("maksud Anda 'fox repl'?")),
    ] {
        let out = fox(&dir, &[word, "salah.fox"], "", &[]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{word}: {err}");
        assert!(
            err.starts_with(&format!("fox: perintah tidak dikenal '{word}'\n")),
            "{err}"
        );
        assert!(err.contains("perintah yang ada: run, check"), "{err}");
        match hint {
            Some(h) => assert!(err.contains(h), "{err}"),
            None => assert!(!err.contains("maksud Anda"), "{err}"),
        }
    }
    // A file of that name is still a program, and a missing `.fox` file
    // is still reported as a file that cannot be read.
    std::fs::write(dir.join("test"), "tulis(\"ini berkas\")\n").unwrap();
    let out = fox(&dir, &["test"], "", &[]);
    assert_eq!(text(&out.stdout), "ini berkas\n");
    let out = fox(&dir, &["hilang.fox"], "", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("tidak bisa membaca 'hilang.fox'"));
}

#[test]
fn fox_alone_runs_a_program_from_a_pipe() {
    let dir = scratch("stdin");
    let out = fox(&dir, &[], "biar x = 20\ntulis(x * 2 + 2)\n", &[]);
    assert_eq!(
        (text(&out.stdout), out.status.code()),
        ("42\n".into(), Some(0))
    );
    let out = fox(
        &dir,
        &["run", "-", "a", "b"],
        "tulis(argumen_sistem)\n",
        &[],
    );
    assert_eq!(text(&out.stdout), "['<stdin>', 'a', 'b']\n");
    // Its errors name it.
    let out = fox(&dir, &[], "biar x = (1 +\n", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("<stdin>:"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let dir = scratch("warna");
    for file in ["salah.fox", "gagal.fox"] {
        let coloured = |args: &[&str], env: &[(&str, &str)]| {
            let mut a = args.to_vec();
            a.push(file);
            let out = fox(&dir, &a, "", env);
            assert_eq!(out.status.code(), Some(1));
            text(&out.stderr).contains(ESC)
        };
        // Into a pipe: plain unless asked.
        assert!(!coloured(&["run"], &[]), "{file}");
        assert!(coloured(&["run", "--color=always"], &[]), "{file}");
        assert!(coloured(&["--color", "always", "run"], &[]), "{file}");
        // The flag beats NO_COLOR (no-color.org: flags override it).
        assert!(coloured(&["run", "--color=always"], &[("NO_COLOR", "1")]));
        assert!(!coloured(&["run", "--color=never"], &[]));
    }
    // A coloured traceback: the kind in bold red, the caret too, the same
    // words as without colour.
    let out = fox(&dir, &["--color=always", "gagal.fox"], "", &[]);
    let err = text(&out.stderr);
    assert!(err.starts_with(ESC), "{err:?}");
    assert_eq!(
        pty::strip_escapes(&err),
        text(&fox(&dir, &["gagal.fox"], "", &[]).stderr)
    );
    // A bad value is clap's usage error.
    let out = fox(&dir, &["--color=kadang", "gagal.fox"], "", &[]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn colour_on_a_terminal_unless_no_color_or_dumb() {
    let dir = scratch("terminal");
    let screen = |env: &[(&str, &str)], args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_fox"));
        cmd.args(args)
            .current_dir(&dir)
            .env_remove("NO_COLOR")
            .env("TERM", "xterm");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let t = pty::Pty::spawn(&mut cmd);
        let mut t = t;
        t.expect("Jejak");
        let raw = t.raw.clone();
        assert_eq!(t.wait().code(), Some(1));
        raw
    };
    let run = ["run", "gagal.fox"];
    assert!(screen(&[], &run).contains(ESC));
    assert!(!screen(&[("NO_COLOR", "1")], &run).contains(ESC));
    assert!(!screen(&[("TERM", "dumb")], &run).contains(ESC));
    assert!(!screen(&[], &["--color=never", "run", "gagal.fox"]).contains(ESC));
    // An empty NO_COLOR does not count (no-color.org).
    assert!(screen(&[("NO_COLOR", "")], &run).contains(ESC));
}

#[test]
fn ipc_list_is_an_aligned_table_with_arguments() {
    let dir = scratch("daftar");
    std::fs::write(dir.join("halo.fox"), "tulis(argumen_sistem)\n").unwrap();
    let store = ["--store", "sqlite:antrean.db"];
    let submit = |args: &[&str]| {
        let mut a = vec!["ipc", "submit"];
        a.extend(store);
        a.extend(args);
        let out = fox(&dir, &a, "", &[]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    };
    submit(&["halo.fox", "Ani"]);
    submit(&["--max-attempts", "100", "halo.fox", "Budi Santoso", "名前"]);
    submit(&["halo.fox", &"x".repeat(80), "baris\nbaru"]);
    for _ in 0..8 {
        submit(&["halo.fox"]);
    }
    let out = fox(&dir, &[&["ipc", "list"][..], &store].concat(), "", &[]);
    let listing = text(&out.stdout);
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines.len(), 12, "{listing}");
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["tugas", "keadaan", "percobaan", "program"]
    );
    // Every column starts at the same display column on every line (the
    // id column is right-aligned: it ends where the header's does).
    let col = |line: &str, word: &str| line.find(word).map(|i| line[..i].width());
    let state_at = col(lines[0], "keadaan").unwrap();
    let tries_at = col(lines[0], "percobaan").unwrap();
    let prog_at = col(lines[0], "program").unwrap();
    for line in &lines[1..] {
        assert_eq!(col(line, "menunggu"), Some(state_at), "{listing}");
        assert_eq!(col(line, "halo.fox"), Some(prog_at), "{listing}");
        let tries = line.split_whitespace().nth(2).unwrap();
        assert_eq!(col(line, tries), Some(tries_at), "{listing}");
        assert!(line.width() <= prog_at + 80, "{listing}");
    }
    // Newest first, with their arguments, quoted and cut as needed.
    assert!(lines[11].ends_with("halo.fox Ani"), "{listing}");
    assert!(lines[10].contains("0/100"), "{listing}");
    assert!(
        lines[10].ends_with("halo.fox 'Budi Santoso' 名前"),
        "{listing}"
    );
    assert!(lines[9].contains("xxx…"), "{listing}");
    assert!(lines[9].ends_with("'baris\\nbaru'"), "{listing}");
}
