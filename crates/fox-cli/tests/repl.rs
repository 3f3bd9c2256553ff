//! `fox repl` driven through a pipe: blocks are read until their `akhir`,
//! bare expressions are echoed, errors do not end the session, state
//! persists between entries, and `keluar(n)` ends it with status n.
#![allow(clippy::expect_used, clippy::unwrap_used)]

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
