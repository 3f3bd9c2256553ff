//! The real host: buffered standard output, standard input, the system
//! clock, the durable store (opened on first use, so a program that never
//! remembers anything creates no files) and the ticket directory. In the
//! REPL it also holds the VM's interrupt flag: a sleep, or a wait for a
//! line typed on the terminal, gives up when Ctrl-C sets it.

use fox_store::{Store, StoreSpec};
use std::io::{BufRead, IsTerminal, Write};
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often a sleep or a terminal read looks at the interrupt flag.
const INTERRUPT_POLL: Duration = Duration::from_millis(20);

pub struct StdHost {
    out: std::io::BufWriter<std::io::Stdout>,
    /// Flush after every write (interactive use).
    pub interactive: bool,
    store_spec: Option<StoreSpec>,
    store: Option<Box<dyn Store>>,
    ticket_dir: Option<PathBuf>,
    tickets_written: u32,
    seed: Option<u64>,
    /// Where the ticket key comes from; loaded (or created) when the first
    /// ticket is written.
    ticket_key: Option<crate::ticket_key::KeySource>,
    /// The VM's `Config::interrupt` flag (the REPL), read, never cleared.
    interrupt: Option<Arc<AtomicBool>>,
}

impl StdHost {
    pub fn new(interactive: bool) -> StdHost {
        StdHost {
            out: std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout()),
            interactive,
            store_spec: None,
            store: None,
            ticket_dir: None,
            tickets_written: 0,
            seed: None,
            ticket_key: None,
            interrupt: None,
        }
    }

    /// Cut sleeps and terminal reads short when `flag` is set (the same
    /// flag as the VM's `Config::interrupt`).
    pub fn with_interrupt(mut self, flag: Arc<AtomicBool>) -> StdHost {
        self.interrupt = Some(flag);
        self
    }

    fn interrupted(&self) -> bool {
        self.interrupt
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed))
    }

    /// With an interrupt flag and a terminal on standard input: wait until
    /// a line can be read (`true`) or the flag is set (`false`). A terminal
    /// hands over one line per read, so no complete line can be waiting
    /// unseen in the standard input's buffer.
    fn wait_for_line(&self) -> bool {
        let stdin = std::io::stdin();
        if self.interrupt.is_none() || !stdin.is_terminal() {
            return true;
        }
        let step = nix::poll::PollTimeout::from(INTERRUPT_POLL.as_millis() as u16);
        loop {
            if self.interrupted() {
                return false;
            }
            let mut fds = [nix::poll::PollFd::new(
                stdin.as_fd(),
                nix::poll::PollFlags::POLLIN,
            )];
            match nix::poll::poll(&mut fds, step) {
                Ok(0) | Err(nix::errno::Errno::EINTR) => continue,
                // Readable, closed, or an error the read will report.
                _ => return true,
            }
        }
    }

    /// Seed `acak` with this instead of the fixed default.
    pub fn with_seed(mut self, seed: Option<u64>) -> StdHost {
        self.seed = seed;
        self
    }

    /// Use this store for `ingat`/`kenang`/`lupakan` and pipelines.
    pub fn with_store(mut self, spec: StoreSpec) -> StdHost {
        self.store_spec = Some(spec);
        self
    }

    /// Sign tickets with the key from `source`.
    pub fn with_ticket_key(mut self, source: crate::ticket_key::KeySource) -> StdHost {
        self.ticket_key = Some(source);
        self
    }

    /// Write tickets into this directory.
    pub fn with_ticket_dir(mut self, dir: PathBuf) -> StdHost {
        self.ticket_dir = Some(dir);
        self
    }

    fn store(&mut self) -> Result<&mut Box<dyn Store>, String> {
        if self.store.is_none() {
            let Some(spec) = &self.store_spec else {
                return Err("tidak ada penyimpanan (store) untuk run ini".into());
            };
            self.store = Some(fox_store::open(spec).map_err(|e| e.to_string())?);
        }
        self.store
            .as_mut()
            .ok_or_else(|| "penyimpanan tidak terbuka".to_string())
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
        if !self.wait_for_line() {
            return None;
        }
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

    fn sleep(&mut self, secs: f64) -> bool {
        if !(secs.is_finite() && secs > 0.0) {
            return true;
        }
        let total = Duration::from_secs_f64(secs.min(1.0e6));
        if self.interrupt.is_none() {
            std::thread::sleep(total);
            return true;
        }
        let end = Instant::now() + total;
        loop {
            if self.interrupted() {
                return false;
            }
            let now = Instant::now();
            if now >= end {
                return true;
            }
            std::thread::sleep((end - now).min(INTERRUPT_POLL));
        }
    }

    fn random_seed(&mut self) -> u64 {
        match self.seed {
            // Spread small seeds over the whole state.
            Some(s) => s.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
            None => 0x2545_F491_4F6C_DD1D,
        }
    }

    fn save_ticket(&mut self, name: &str, bytes: &[u8]) -> Result<String, String> {
        let Some(dir) = &self.ticket_dir else {
            return Err("tidak ada direktori tiket".into());
        };
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("tidak bisa membuat '{}': {e}", dir.display()))?;
        self.tickets_written += 1;
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let safe: String = name
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let id = format!("{secs}-{}-{}", std::process::id(), self.tickets_written);
        let path = dir.join(format!("{safe}-{id}.z"));
        // Written whole, then renamed: a crash never leaves half a ticket.
        let tmp = dir.join(format!(".{safe}-{id}.z.tmp"));
        std::fs::write(&tmp, bytes)
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|e| format!("tidak bisa menulis '{}': {e}", path.display()))?;
        Ok(path.display().to_string())
    }

    fn ticket_key(&mut self) -> Result<Option<fox_vm::snapshot::TicketKey>, String> {
        self.ticket_key.as_ref().map(|s| s.load()).transpose()
    }

    fn store_get(&mut self, key: &str) -> Result<Option<Vec<u8>>, String> {
        self.store()?.get(key).map_err(|e| e.to_string())
    }

    fn submit_task(
        &mut self,
        program: &str,
        args: &[String],
        permissions: &fox_vm::Permissions,
    ) -> Result<i64, String> {
        // The queue lives in the same database as the store.
        let queue = match &self.store_spec {
            Some(StoreSpec::Sqlite(p)) => fox_ipc::QueueSpec::Sqlite(p.clone()),
            Some(other) => match fox_ipc::QueueSpec::parse(&other.to_string()) {
                Ok(q) => q,
                Err(_) => return Err(format!("penyimpanan {other} tidak punya antrean tugas")),
            },
            None => return Err("tidak ada antrean tugas untuk run ini".into()),
        };
        let mut spec = fox_ipc::runner::spec_from_file(std::path::Path::new(program), args)?;
        // A task never asks for more than the run that submits it has.
        spec.permissions = permissions.to_flags();
        let mut q = fox_ipc::open(&queue).map_err(|e| e.to_string())?;
        q.submit(&spec).map(|s| s.id).map_err(|e| e.to_string())
    }

    fn store_put(&mut self, key: &str, value: &[u8]) -> Result<(), String> {
        self.store()?.put(key, value).map_err(|e| e.to_string())
    }

    fn store_delete(&mut self, key: &str) -> Result<bool, String> {
        self.store()?.delete(key).map_err(|e| e.to_string())
    }
}

impl Drop for StdHost {
    fn drop(&mut self) {
        let _ = self.out.flush();
    }
}
