//! The real host: buffered standard output, standard input, the system
//! clock.

use std::io::{BufRead, Write};

pub struct StdHost {
    out: std::io::BufWriter<std::io::Stdout>,
    /// Flush after every write (interactive use).
    pub interactive: bool,
}

impl StdHost {
    pub fn new(interactive: bool) -> StdHost {
        StdHost {
            out: std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout()),
            interactive,
        }
    }
}

impl fox_vm::Host for StdHost {
    fn write_out(&mut self, bytes: &[u8]) {
        // A closed pipe (e.g. `fox run x.fox | head`) must not crash the VM.
        let _ = self.out.write_all(bytes);
        if self.interactive {
            let _ = self.out.flush();
        }
    }

    fn flush_out(&mut self) {
        let _ = self.out.flush();
    }

    fn read_line(&mut self) -> Option<String> {
        let _ = self.out.flush();
        let mut line = String::new();
        match std::io::stdin().lock().read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => {
                if line.ends_with('\n') {
                    line.pop();
                    if line.ends_with('\r') {
                        line.pop();
                    }
                }
                Some(line)
            }
        }
    }

    fn now(&mut self) -> f64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0)
    }

    fn sleep(&mut self, secs: f64) {
        if secs.is_finite() && secs > 0.0 {
            std::thread::sleep(std::time::Duration::from_secs_f64(secs.min(1.0e6)));
        }
    }
}

impl Drop for StdHost {
    fn drop(&mut self) {
        let _ = self.out.flush();
    }
}
