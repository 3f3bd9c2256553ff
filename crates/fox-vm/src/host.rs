//! The host interface: everything the VM needs from the outside world that
//! is not deterministic or not ours (standard output, standard input, the
//! clock, randomness). The CLI supplies a real implementation; tests use
//! [`BufferHost`]. Routing these through one trait is what later lets a
//! run be recorded and replayed.

/// What the VM asks of its embedder.
pub trait Host {
    /// Write bytes to standard output.
    fn write_out(&mut self, bytes: &[u8]);
    /// Flush standard output.
    fn flush_out(&mut self);
    /// Read one line from standard input without its newline; `None` at EOF.
    fn read_line(&mut self) -> Option<String>;
    /// Current Unix time in seconds.
    fn now(&mut self) -> f64;
    /// Sleep for the given number of seconds.
    fn sleep(&mut self, secs: f64);
}

/// A host that collects output in memory and reads input from a list.
#[derive(Default, Debug)]
pub struct BufferHost {
    pub out: Vec<u8>,
    pub input: std::collections::VecDeque<String>,
    pub clock: f64,
}

impl BufferHost {
    pub fn new() -> BufferHost {
        BufferHost {
            clock: 1_700_000_000.0,
            ..BufferHost::default()
        }
    }
}

impl Host for BufferHost {
    fn write_out(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }
    fn flush_out(&mut self) {}
    fn read_line(&mut self) -> Option<String> {
        self.input.pop_front()
    }
    fn now(&mut self) -> f64 {
        self.clock += 0.001;
        self.clock
    }
    fn sleep(&mut self, secs: f64) {
        self.clock += secs.max(0.0);
    }
}
