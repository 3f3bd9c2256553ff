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

/// `fox` in `dir`, without proxy settings (every server here is local) and
/// without the FoxIPC token and CA of the environment.
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
        "FOX_IPC_TOKEN",
        "FOX_IPC_CA",
    ] {
        c.env_remove(v);
    }
    c
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    run_env(dir, args, &[])
}

/// `fox args` with these environment variables.
pub fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    fox_command(dir)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("fox {args:?}: {e}"))
}

pub fn ok(dir: &Path, args: &[&str]) -> String {
    ok_env(dir, args, &[])
}

pub fn ok_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = run_env(dir, args, env);
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
    fails_env(dir, args, &[])
}

pub fn fails_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let out = run_env(dir, args, env);
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
    /// `fox ipc serve` on a free loopback port of the queue `antrean.db`.
    pub fn start(dir: &Path, extra: &[&str]) -> Serve {
        Serve::launch(
            dir,
            &[&["--listen", "127.0.0.1:0"][..], extra].concat(),
            &[],
        )
    }

    /// `fox ipc serve --store sqlite:antrean.db ARGS…` with `env`; `url`
    /// is the http:// or https:// address it prints.
    pub fn launch(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Serve {
        let mut child = fox_command(dir)
            .args(["ipc", "serve", "--store", "sqlite:antrean.db"])
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The first line naming a URL (warnings may come before it).
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut seen = String::new();
        let url = loop {
            let mut line = String::new();
            if stderr.read_line(&mut line).unwrap() == 0 {
                panic!("fox ipc serve {args:?} ended without a URL: {seen:?}");
            }
            let found = line
                .split_whitespace()
                .find(|w| w.starts_with("http://") || w.starts_with("https://"));
            if let Some(u) = found {
                break u.trim_end_matches('/').to_string();
            }
            seen.push_str(&line);
        };
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
