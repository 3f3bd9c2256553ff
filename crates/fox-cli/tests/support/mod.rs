//! Helpers shared by the FoxIPC tests of the `fox` binary: scratch
//! directories with programs, running `fox`, and a `fox ipc serve` process
//! that is killed on drop.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Output, Stdio};

pub fn fox() -> &'static str {
    env!("CARGO_BIN_EXE_fox")
}

pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fox-ipc-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("halo.fox"),
        "tulis(\"halo\", argumen_sistem[1])\ntulis(\"argumen\", panjang(argumen_sistem))\n",
    )
    .unwrap();
    std::fs::write(dir.join("gagal.fox"), "tulis(\"mulai\")\nbiar x = 1 / 0\n").unwrap();
    dir
}

/// `fox` in `dir`, without proxy settings (every server here is local).
pub fn fox_command(dir: &Path) -> Command {
    let mut c = Command::new(fox());
    c.current_dir(dir);
    for v in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        c.env_remove(v);
    }
    c
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    fox_command(dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("fox {args:?}: {e}"))
}

pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "fox {args:?}: {:?}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn fails(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = run(dir, args);
    assert!(!out.status.success(), "fox {args:?} should fail");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A `fox ipc serve` process, killed on drop.
pub struct Serve {
    pub child: Child,
    pub url: String,
    /// Kept open so the server never writes into a closed pipe.
    _stderr: BufReader<ChildStderr>,
}

impl Serve {
    pub fn start(dir: &Path, extra: &[&str]) -> Serve {
        let mut child = fox_command(dir)
            .args([
                "ipc",
                "serve",
                "--store",
                "sqlite:antrean.db",
                "--listen",
                "127.0.0.1:0",
            ])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        stderr.read_line(&mut line).unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .trim_end_matches('/')
            .to_string();
        Serve {
            child,
            url,
            _stderr: stderr,
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}
