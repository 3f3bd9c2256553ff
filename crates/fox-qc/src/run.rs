//! Running one program under one mode and comparing what it did: stdout,
//! stderr and exit status, byte for byte, with a bound on the time.

use crate::modes::Mode;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The exit status; -1 when killed by a signal.
    pub code: i32,
}

/// The words a timed-out run's error contains.
pub const TIMED_OUT: &str = "timed out after";

/// A finished run and how long it took.
#[derive(Debug)]
pub struct Timed {
    pub outcome: Outcome,
    pub elapsed: Duration,
}

/// Run `file` (relative to `dir`) under `mode`, with no stdin, killing it
/// after `limit`.
pub fn run(
    mode: &Mode,
    fox: &Path,
    dir: &Path,
    file: &str,
    limit: Duration,
) -> Result<Timed, String> {
    run_command(mode.command(fox, dir, file), mode.name, limit)
}

/// Run any command (another oracle, such as `python3`) the same way:
/// no stdin, both pipes captured, killed after `limit`. `name` labels
/// errors.
pub fn run_command(mut cmd: Command, name: &str, limit: Duration) -> Result<Timed, String> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{name}: cannot start: {e}"))?;
    // Drain both pipes on threads so a chatty program cannot block on a
    // full pipe while we wait for it.
    let mut out_pipe = child.stdout.take();
    let mut err_pipe = child.stderr.take();
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        if let Some(p) = out_pipe.as_mut() {
            let _ = p.read_to_end(&mut v);
        }
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        if let Some(p) = err_pipe.as_mut() {
            let _ = p.read_to_end(&mut v);
        }
        v
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{name}: {TIMED_OUT} {} s", limit.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(format!("{name}: {e}")),
        }
    };
    let elapsed = start.elapsed();
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    Ok(Timed {
        outcome: Outcome {
            stdout,
            stderr,
            code: status.code().unwrap_or(-1),
        },
        elapsed,
    })
}

/// The first line where `want` and `got` differ: (1-based line, wanted
/// line, got line), or `None` when they are equal.
pub fn first_difference(want: &[u8], got: &[u8]) -> Option<(usize, String, String)> {
    if want == got {
        return None;
    }
    let w: Vec<&[u8]> = want.split(|&b| b == b'\n').collect();
    let g: Vec<&[u8]> = got.split(|&b| b == b'\n').collect();
    let n = w.len().max(g.len());
    for i in 0..n {
        let a = w.get(i).copied();
        let b = g.get(i).copied();
        if a != b {
            let show = |l: Option<&[u8]>| match l {
                Some(l) => format!("{:?}", String::from_utf8_lossy(l)),
                None => "(end of output)".to_string(),
            };
            return Some((i + 1, show(a), show(b)));
        }
    }
    Some((
        n,
        "(same lines)".into(),
        "(a trailing newline differs)".into(),
    ))
}

/// Every way `got` differs from `want`, one line each naming the stream
/// and its first differing line; empty when they are the same.
pub fn differences(want: &Outcome, got: &Outcome) -> Vec<String> {
    let mut out = Vec::new();
    for (stream, a, b) in [
        ("stdout", &want.stdout, &got.stdout),
        ("stderr", &want.stderr, &got.stderr),
    ] {
        if let Some((line, a, b)) = first_difference(a, b) {
            out.push(format!("{stream} line {line}: expected {a}, got {b}"));
        }
    }
    if want.code != got.code {
        out.push(format!("exit status {}, expected {}", got.code, want.code));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_differing_line_is_named() {
        assert_eq!(first_difference(b"a\nb\n", b"a\nb\n"), None);
        let d = first_difference(b"a\nb\nc\n", b"a\nx\nc\n");
        assert_eq!(d, Some((2, "\"b\"".into(), "\"x\"".into())));
        let d = first_difference(b"a\n", b"a\nextra\n");
        assert_eq!(d.map(|d| d.0), Some(2));
    }
}
