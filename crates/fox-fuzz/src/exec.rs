//! Running one input: the target's check on a thread of its own (8 MiB of
//! stack, as the `fox` binary's main thread has), waited for at most a
//! wall-clock bound. A panic is caught by the thread boundary; a check
//! still running at the bound is a hang (its thread is left behind, and
//! the campaign stops after saving the input).

use crate::Check;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The stack of an input's thread.
const STACK: usize = 8 << 20;

/// A broken property.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// The check panicked, with this message.
    Panic(String),
    /// The check was still running at the bound.
    Hang(Duration),
    /// The check returned this broken property.
    Broken(String),
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Finding::Panic(m) => write!(f, "panic: {m}"),
            Finding::Hang(d) => write!(f, "hang: still running after {} ms", d.as_millis()),
            Finding::Broken(m) => write!(f, "property broken: {m}"),
        }
    }
}

/// What running one input gave, and how long it took.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub finding: Option<Finding>,
    pub elapsed: Duration,
}

/// Run `check` on `input` within `bound`.
pub fn run_one(check: Check, input: &[u8], bound: Duration) -> Outcome {
    let start = Instant::now();
    let (tx, rx) = mpsc::channel();
    let owned = input.to_vec();
    let spawned = std::thread::Builder::new()
        .name("fuzz-input".into())
        .stack_size(STACK)
        .spawn(move || {
            let r = check(&owned);
            // The receiver may have given up (hang): nothing to tell then.
            let _ = tx.send(r);
        });
    let handle = match spawned {
        Ok(h) => h,
        Err(e) => {
            return Outcome {
                finding: Some(Finding::Broken(format!("cannot start a thread: {e}"))),
                elapsed: start.elapsed(),
            }
        }
    };
    let finding = match rx.recv_timeout(bound) {
        Ok(Ok(())) => None,
        Ok(Err(m)) => Some(Finding::Broken(m)),
        Err(mpsc::RecvTimeoutError::Timeout) => Some(Finding::Hang(bound)),
        Err(mpsc::RecvTimeoutError::Disconnected) => Some(Finding::Panic(match handle.join() {
            Err(p) => panic_message(p.as_ref()),
            Ok(()) => "the check ended without an answer".into(),
        })),
    };
    Outcome {
        finding,
        elapsed: start.elapsed(),
    }
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(a panic without a message)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fine(_: &[u8]) -> Result<(), String> {
        Ok(())
    }
    fn broken(b: &[u8]) -> Result<(), String> {
        Err(format!("{} bytes", b.len()))
    }
    #[allow(clippy::panic)]
    fn panics(_: &[u8]) -> Result<(), String> {
        panic!("boom")
    }
    fn sleeps(_: &[u8]) -> Result<(), String> {
        std::thread::sleep(Duration::from_millis(400));
        Ok(())
    }

    #[test]
    fn outcomes_are_classified() {
        let b = Duration::from_secs(5);
        assert_eq!(run_one(fine, b"x", b).finding, None);
        assert_eq!(
            run_one(broken, b"xy", b).finding,
            Some(Finding::Broken("2 bytes".into()))
        );
        assert_eq!(
            run_one(panics, b"", b).finding,
            Some(Finding::Panic("boom".into()))
        );
        let short = Duration::from_millis(50);
        assert_eq!(
            run_one(sleeps, b"", short).finding,
            Some(Finding::Hang(short))
        );
    }
}
