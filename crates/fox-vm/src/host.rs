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
    /// Read one line from standard input without its newline; `None` at EOF
    /// (or, for a host holding the VM's `Config::interrupt` flag, when the
    /// flag was set while it waited: the run then ends interrupted).
    fn read_line(&mut self) -> Option<String>;
    /// Current Unix time in seconds.
    fn now(&mut self) -> f64;
    /// Sleep for the given number of seconds. `false`: the sleep was cut
    /// short because the run must stop: a task's deadline (the VM then
    /// pauses at the sleeping call, which a resumed run makes again) or the
    /// VM's `Config::interrupt` flag, which a host holding the same flag
    /// reads without clearing it (the run then ends interrupted).
    fn sleep(&mut self, secs: f64) -> bool;
    /// Seed of the VM's random generator (`acak`). Fixed by default, so a
    /// run is reproducible; an embedder may supply entropy.
    fn random_seed(&mut self) -> u64 {
        0x2545_F491_4F6C_DD1D
    }
    /// Queue a task: run the program at `program` (a `.fox` file, an
    /// absolute path the VM has checked this run may read) with these
    /// arguments on a worker (`kirim_tugas`). The task asks for the
    /// submitting run's own `permissions`, never more. Returns its id.
    fn submit_task(
        &mut self,
        program: &str,
        args: &[String],
        permissions: &crate::permissions::Permissions,
    ) -> Result<i64, String> {
        let _ = (program, args, permissions);
        Err("tidak ada antrean tugas untuk run ini".into())
    }
    /// Keep a `.z` ticket (bytes from the VM) named after `name`; returns
    /// where it was written.
    fn save_ticket(&mut self, name: &str, bytes: &[u8]) -> Result<String, String> {
        let _ = (name, bytes);
        Err("host ini tidak menyimpan tiket".into())
    }
    /// The key to sign a ticket with when the VM's config names none; asked
    /// only when a ticket is written, so an embedder can create it on first
    /// use. `Ok(None)`: tickets are written unsigned.
    fn ticket_key(&mut self) -> Result<Option<crate::snapshot::TicketKey>, String> {
        Ok(None)
    }
    /// The durable store (`ingat`/`kenang`/`lupakan`).
    fn store_get(&mut self, key: &str) -> Result<Option<Vec<u8>>, String> {
        let _ = key;
        Err("tidak ada penyimpanan (store) untuk run ini".into())
    }
    fn store_put(&mut self, key: &str, value: &[u8]) -> Result<(), String> {
        let _ = (key, value);
        Err("tidak ada penyimpanan (store) untuk run ini".into())
    }
    fn store_delete(&mut self, key: &str) -> Result<bool, String> {
        let _ = key;
        Err("tidak ada penyimpanan (store) untuk run ini".into())
    }
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
    fn sleep(&mut self, secs: f64) -> bool {
        self.clock += secs.max(0.0);
        true
    }
}

/// A [`BufferHost`] whose output and input are shared with the embedder:
/// clone it (or its [`out`](SharedBufferHost::out) handle) before giving a
/// box of it to the VM, and read what the program printed after the run.
/// Used by tests, where the VM owns its host as `Box<dyn Host>`.
#[derive(Clone, Debug)]
pub struct SharedBufferHost {
    pub out: std::rc::Rc<std::cell::RefCell<Vec<u8>>>,
    pub input: std::rc::Rc<std::cell::RefCell<std::collections::VecDeque<String>>>,
    pub clock: f64,
    /// An in-memory durable store, shared by every clone.
    pub store: std::rc::Rc<std::cell::RefCell<std::collections::BTreeMap<String, Vec<u8>>>>,
    /// Tickets saved by the VM: (name, bytes).
    pub tickets: std::rc::Rc<std::cell::RefCell<Vec<(String, Vec<u8>)>>>,
}

impl SharedBufferHost {
    pub fn new() -> SharedBufferHost {
        SharedBufferHost {
            out: Default::default(),
            input: Default::default(),
            clock: 1_700_000_000.0,
            store: Default::default(),
            tickets: Default::default(),
        }
    }

    /// A host whose standard input yields these lines, then EOF.
    pub fn with_input<I, S>(lines: I) -> SharedBufferHost
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let host = SharedBufferHost::new();
        host.push_input(lines);
        host
    }

    /// Queue more input lines.
    pub fn push_input<I, S>(&self, lines: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.input
            .borrow_mut()
            .extend(lines.into_iter().map(Into::into));
    }

    /// Everything written so far, as (lossy) UTF-8.
    pub fn output(&self) -> String {
        String::from_utf8_lossy(&self.out.borrow()).into_owned()
    }

    /// Take and clear everything written so far.
    pub fn take_output(&self) -> String {
        let bytes = std::mem::take(&mut *self.out.borrow_mut());
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Input lines not read yet.
    pub fn pending_input(&self) -> usize {
        self.input.borrow().len()
    }
}

impl Default for SharedBufferHost {
    fn default() -> SharedBufferHost {
        SharedBufferHost::new()
    }
}

impl Host for SharedBufferHost {
    fn write_out(&mut self, bytes: &[u8]) {
        self.out.borrow_mut().extend_from_slice(bytes);
    }
    fn flush_out(&mut self) {}
    fn read_line(&mut self) -> Option<String> {
        self.input.borrow_mut().pop_front()
    }
    fn now(&mut self) -> f64 {
        self.clock += 0.001;
        self.clock
    }
    fn sleep(&mut self, secs: f64) -> bool {
        if secs.is_finite() {
            self.clock += secs.max(0.0);
        }
        true
    }
    fn save_ticket(&mut self, name: &str, bytes: &[u8]) -> Result<String, String> {
        let mut t = self.tickets.borrow_mut();
        t.push((name.to_string(), bytes.to_vec()));
        Ok(format!("memori:{name}-{}", t.len()))
    }
    fn store_get(&mut self, key: &str) -> Result<Option<Vec<u8>>, String> {
        Ok(self.store.borrow().get(key).cloned())
    }
    fn store_put(&mut self, key: &str, value: &[u8]) -> Result<(), String> {
        self.store
            .borrow_mut()
            .insert(key.to_string(), value.to_vec());
        Ok(())
    }
    fn store_delete(&mut self, key: &str) -> Result<bool, String> {
        Ok(self.store.borrow_mut().remove(key).is_some())
    }
}
