//! A pseudo-terminal for driving `fox` as a person at a terminal would:
//! the child gets the terminal as standard input, output and error and as
//! its controlling terminal, so Ctrl-C (byte 0x03) becomes SIGINT for it
//! and the line discipline echoes as a real one does. The test types keys
//! and reads what the screen received. libc's `openpty`; no crate.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long `expect` waits by default.
pub const WAIT: Duration = Duration::from_secs(20);

pub struct Pty {
    master: File,
    child: Child,
    bytes: Receiver<Vec<u8>>,
    /// Everything the screen received, escape sequences included.
    pub raw: String,
    /// Where the next `expect` starts looking in the text without escapes.
    seen: usize,
}

/// `text` without terminal escape sequences (CSI, OSC, two-byte ones).
pub fn strip_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                // Parameters, then one final byte in @..~.
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                for c in chars.by_ref() {
                    if c == '\u{7}' {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

impl Pty {
    /// Start `cmd` on a new 40×120 terminal.
    pub fn spawn(cmd: &mut Command) -> Pty {
        let (mut master, mut slave) = (-1, -1);
        let size = libc::winsize {
            ws_row: 40,
            ws_col: 120,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: openpty writes two descriptors into the given ints; the
        // name buffer and termios are optional (null).
        let r = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &size,
            )
        };
        assert_eq!(r, 0, "openpty: {}", std::io::Error::last_os_error());
        // SAFETY: both descriptors were just opened and are owned here.
        let (master, slave) = unsafe { (File::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let io = |fd: &OwnedFd| Stdio::from(fd.try_clone().expect("dup"));
        cmd.stdin(io(&slave)).stdout(io(&slave)).stderr(io(&slave));
        // SAFETY: only async-signal-safe calls between fork and exec: a
        // new session whose controlling terminal is the pty (standard
        // input, already the slave).
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn on the pty");
        drop(slave);
        let mut reader = master.try_clone().expect("dup master");
        let (tx, bytes) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // EIO once the child and every copy of the slave are gone.
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Pty {
            master,
            child,
            bytes,
            raw: String::new(),
            seen: 0,
        }
    }

    /// Type `keys` (a string of bytes: "\r" is Enter, "\x03" Ctrl-C,
    /// "\x04" Ctrl-D, "\t" Tab, "\x1b[A" the up arrow).
    pub fn send(&mut self, keys: &str) {
        self.master
            .write_all(keys.as_bytes())
            .expect("write to pty");
        self.master.flush().expect("flush pty");
    }

    /// The screen's text without escapes.
    pub fn text(&self) -> String {
        strip_escapes(&self.raw)
    }

    /// Take the next bytes the screen receives before `until`: `false`
    /// when none came (the time passed, or the terminal closed).
    fn pump(&mut self, until: Instant) -> bool {
        let left = until.saturating_duration_since(Instant::now());
        match self.bytes.recv_timeout(left) {
            Ok(b) => {
                self.raw.push_str(&String::from_utf8_lossy(&b));
                true
            }
            Err(RecvTimeoutError::Timeout) => false,
            Err(RecvTimeoutError::Disconnected) => {
                std::thread::sleep(left.min(Duration::from_millis(20)));
                false
            }
        }
    }

    /// Wait until `needle` appears (after what earlier calls matched);
    /// returns the text up to and including it.
    pub fn expect_within(&mut self, needle: &str, wait: Duration) -> String {
        let until = Instant::now() + wait;
        loop {
            let text = self.text();
            if let Some(i) = text.get(self.seen..).and_then(|t| t.find(needle)) {
                let end = self.seen + i + needle.len();
                let got = text[self.seen..end].to_string();
                self.seen = end;
                return got;
            }
            if Instant::now() >= until {
                panic!("{needle:?} not seen within {wait:?}; the screen:\n{text}");
            }
            self.pump(until);
        }
    }

    pub fn expect(&mut self, needle: &str) -> String {
        self.expect_within(needle, WAIT)
    }

    /// Type a line and wait for the next prompt (`prompt`).
    pub fn line(&mut self, text: &str, prompt: &str) -> String {
        self.send(text);
        self.send("\r");
        self.expect(prompt)
    }

    /// Wait for the child to end (killing it after `WAIT`).
    pub fn wait(mut self) -> ExitStatus {
        let until = Instant::now() + WAIT;
        loop {
            if let Ok(Some(s)) = self.child.try_wait() {
                // Take what is left on the screen.
                while self.pump(Instant::now() + Duration::from_millis(50)) {}
                return s;
            }
            if Instant::now() >= until {
                let _ = self.child.kill();
                panic!("the child did not end; the screen:\n{}", self.text());
            }
            self.pump(Instant::now() + Duration::from_millis(20));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
