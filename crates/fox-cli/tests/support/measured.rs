//! Running a real process and reading its peak resident set when it is
//! reaped (wait4(2)'s `ru_maxrss`), with a time limit after which it is
//! killed: how the resource tests show that memory stayed bounded.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const MIB: u64 = 1 << 20;

pub struct Measured {
    /// Exit status, or minus the signal that ended it.
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// Peak resident set size in bytes.
    pub peak: u64,
    pub secs: f64,
    /// It was still running after the time limit and was killed.
    pub killed: bool,
}

/// Run `cmd` (stdin closed, output captured) to its end; kill it after
/// `limit`.
pub fn run_measured(cmd: &mut Command, limit: Duration) -> Measured {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is a plain C struct of integers, for which all
    // zero bytes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut killed = false;
    loop {
        // SAFETY: `pid` is our own child, not reaped yet (only this loop
        // reaps it), so it cannot name another process; `status` and
        // `usage` are live locals of the types wait4 writes.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        assert!(r == 0, "wait4 failed");
        if !killed && start.elapsed() > limit {
            // SAFETY: as above, the child is not reaped yet.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            killed = true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // The child is reaped: `child` must not wait for it again.
    drop(child);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -libc::WTERMSIG(status)
    };
    Measured {
        code,
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
        // Linux reports kilobytes.
        peak: usage.ru_maxrss as u64 * 1024,
        secs: start.elapsed().as_secs_f64(),
        killed,
    }
}
