//! Raising and unwinding: turning internal errors into Morph error values
//! (`{pesan, baris, kolom, jenis, kode, jejak}`), finding the innermost handler,
//! popping frames (closing generators, un-caching modules that failed to
//! load, whose errors become `Gagal memuat modul …`), and building the
//! report of an uncaught error.

use crate::codes::{self, ErrorCode};
use crate::dict::{Dict, HashKey};
use crate::error::{RtError, TraceEntry, Uncaught, VmError, ERROR_MANUAL};
use crate::object::{GenState, Object};
use crate::snapshot::{TicketInfo, TicketReason};
use crate::value::Value;
use crate::value::V;
use crate::vm::{FrameKind, Vm};
use std::rc::Rc;

impl Vm {
    fn trace_list(&mut self, trace: &[TraceEntry]) -> Value {
        let items: Vec<Value> = trace
            .iter()
            .map(|t| {
                let s = format!("{} ({}:{}:{})", t.function, t.file, t.line, t.col);
                self.new_string(s)
            })
            .collect();
        self.new_list(items)
    }

    fn key(&self, s: &str) -> HashKey {
        HashKey::text(Rc::from(s))
    }

    /// Build a fresh error dict; `kode` is its catalogue code.
    pub fn make_error_dict(&mut self, pesan: Value, jenis: Value, kode: &ErrorCode) -> Value {
        self.debit(self.frames.len() as u64);
        let trace = self.traceback();
        let (line, col) = trace.last().map(|t| (t.line, t.col)).unwrap_or((0, 0));
        let jejak = self.trace_list(&trace);
        let mut d = Dict::with_capacity(6);
        let k_pesan = self.new_str("pesan");
        let k_baris = self.new_str("baris");
        let k_kolom = self.new_str("kolom");
        let k_jenis = self.new_str("jenis");
        let k_kode = self.new_str("kode");
        let v_kode = self.new_str(kode.code);
        let k_jejak = self.new_str("jejak");
        d.insert(self.key("pesan"), k_pesan, pesan);
        d.insert(self.key("baris"), k_baris, Value::Int(line as i64));
        d.insert(self.key("kolom"), k_kolom, Value::Int(col as i64));
        d.insert(self.key("jenis"), k_jenis, jenis);
        d.insert(self.key("kode"), k_kode, v_kode);
        d.insert(self.key("jejak"), k_jejak, jejak);
        let v = self.alloc(Object::Dict(Box::new(d)));
        self.last_trace = Some((v, trace));
        v
    }

    /// The Morph value of an internal error.
    pub fn error_value(&mut self, e: RtError) -> Value {
        match e {
            RtError::Coded { code, pesan } => {
                let p = self.new_string(pesan);
                let j = self.new_str(code.jenis);
                self.make_error_dict(p, j, code)
            }
            RtError::Thrown(v) => v,
            RtError::Exit(_)
            | RtError::Budget
            | RtError::Interrupted
            | RtError::Internal(_)
            | RtError::Redirect(_) => Value::Nil,
        }
    }

    /// `lemparkan value [jenis kind]`.
    #[inline(never)]
    pub fn throw_value(&mut self, value: Value, kind: Option<Value>) -> Value {
        if let Some(k) = kind {
            return self.make_error_dict(value, k, codes::THROWN);
        }
        if let V::Obj(g) = value.unpack() {
            if matches!(self.heap.get(g), Object::Dict(_)) {
                self.debit(self.frames.len() as u64);
                let trace = self.traceback();
                let has = match self.heap.get(g) {
                    Object::Dict(d) => d.contains(&self.key("jejak")),
                    _ => true,
                };
                if !has {
                    let jejak = self.trace_list(&trace);
                    let k = self.new_str("jejak");
                    let hk = self.key("jejak");
                    if let Object::Dict(d) = self.heap.get_mut(g) {
                        d.insert(hk, k, jejak);
                    }
                }
                self.last_trace = Some((value, trace));
                return value;
            }
        }
        let text = self.str_lossy(value);
        let p = self.new_string(text);
        let j = self.new_str(ERROR_MANUAL);
        self.make_error_dict(p, j, codes::THROWN)
    }

    /// Read a field of an error dict as text.
    pub fn error_field(&self, v: Value, field: &str) -> Option<String> {
        match v.unpack() {
            V::Obj(g) => match self.heap.get(g) {
                Object::Dict(d) => d
                    .get(&HashKey::text(Rc::from(field)))
                    .map(|x| self.str_lossy(x)),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn uncaught_from(&mut self, v: Value) -> Uncaught {
        let (jenis, pesan) = match (self.error_field(v, "jenis"), self.error_field(v, "pesan")) {
            (j, Some(p)) => (j.unwrap_or_else(|| ERROR_MANUAL.to_string()), p),
            (j, None) => (
                j.unwrap_or_else(|| ERROR_MANUAL.to_string()),
                self.str_lossy(v),
            ),
        };
        let traceback = match &self.last_trace {
            Some((tv, t)) if tv.same(v) => t.clone(),
            _ => self.traceback(),
        };
        Uncaught {
            jenis,
            kode: self.error_field(v, "kode"),
            pesan,
            traceback,
            ticket: None,
        }
    }

    /// Pop frames down to `len`, closing generators and failed module
    /// loads; an error leaving a module body is re-wrapped.
    fn pop_frames_to(&mut self, len: usize, err: &mut Value) {
        while self.frames.len() > len {
            let Some(f) = self.frames.pop() else { break };
            match f.kind {
                FrameKind::Generator(g) => {
                    if let Object::Generator(gen) = self.heap.get_mut(g) {
                        gen.state = GenState::Done;
                    }
                }
                FrameKind::Pipeline(p) => self.pipeline_restore(p),
                FrameKind::Module(id) => {
                    let path = self
                        .modules
                        .get(id as usize)
                        .map(|m| m.file.to_string())
                        .unwrap_or_default();
                    self.module_cache.retain(|_, m| *m != id);
                    let pesan = self
                        .error_field(*err, "pesan")
                        .unwrap_or_else(|| self.str_lossy(*err));
                    let inner = self
                        .error_field(*err, "jenis")
                        .map(|j| format!("{j}: "))
                        .unwrap_or_default();
                    let msg = format!("Gagal memuat modul '{path}': {inner}{pesan}");
                    let p = self.new_string(msg);
                    let j = self.new_str(codes::MODULE_LOAD.jenis);
                    let trace = self
                        .last_trace
                        .as_ref()
                        .filter(|(tv, _)| tv.same(*err))
                        .map(|(_, t)| t.clone());
                    *err = self.make_error_dict(p, j, codes::MODULE_LOAD);
                    if let (Some(t), Some(lt)) = (trace, self.last_trace.as_mut()) {
                        lt.1 = t;
                    }
                }
                _ => {}
            }
        }
    }

    /// Route an error raised in `execute(stop)` to its handler. `Ok` means
    /// execution continues at the handler.
    pub fn handle_error(&mut self, e: RtError, stop: usize) -> Result<(), VmError> {
        let exact = std::mem::take(&mut self.fault_exact);
        let failed_pipeline = self.failed_pipeline.take();
        let mut v = match e {
            RtError::Exit(n) => {
                self.abandon(stop);
                return Err(VmError::Exit(n));
            }
            // Paused, not failed: the frames stay as they are, so the run
            // can be captured and continued. At a safe point the saved pc
            // is already the place to resume (`exact`); a native operation
            // that ran out (see `limits`) saved the pc after its
            // instruction and changed nothing visible, so the instruction
            // runs again from its start.
            RtError::Budget => {
                if !exact {
                    if let Some(f) = self.frames.last_mut() {
                        f.pc = f.pc.saturating_sub(1);
                    }
                }
                return Err(VmError::Budget(self.config.max_instructions.unwrap_or(0)));
            }
            RtError::Interrupted => {
                let trace = self.traceback();
                self.abandon(stop);
                return Err(VmError::Interrupted(trace));
            }
            RtError::Internal(m) => {
                self.abandon(stop);
                return Err(VmError::Internal(m));
            }
            // Handled where builtins are called; reaching here is a bug.
            RtError::Redirect(r) => {
                self.abandon(stop);
                return Err(VmError::Internal(format!(
                    "prelude call {} outside a builtin call",
                    r.helper
                )));
            }
            other => self.error_value(other),
        };
        let handler = self
            .handlers
            .last()
            .copied()
            .filter(|h| h.frame as usize >= stop && (h.frame as usize) < self.frames.len());
        // An error leaving a pipeline step becomes a ticket, captured here,
        // before anything unwinds.
        let floor = handler.map_or(stop, |h| h.frame as usize + 1);
        let step = failed_pipeline.or_else(|| {
            (floor..self.frames.len())
                .rev()
                .find_map(|i| match self.frames[i].kind {
                    FrameKind::Pipeline(p) => Some(p),
                    _ => None,
                })
        });
        let mut step_ticket = None;
        if let Some(pg) = step {
            let report = self.uncaught_from(v);
            let saved = self.save_ticket_in(TicketReason::Error, &report, exact, Some(pg));
            if let Ok(path) = &saved {
                let p = self.new_str(path);
                let k = self.new_str("tiket");
                if let V::Obj(g) = v.unpack() {
                    let hk = self.key("tiket");
                    if let Object::Dict(d) = self.heap.get_mut(g) {
                        d.insert(hk, k, p);
                    }
                }
            }
            step_ticket = Some(saved);
        }
        match handler {
            Some(h) => {
                self.handlers.pop();
                self.pop_frames_to(h.frame as usize + 1, &mut v);
                let f = &mut self.frames[h.frame as usize];
                f.pc = h.target;
                let slot = f.base as usize + h.reg as usize;
                self.stack[slot] = v;
                match self.handler_point() {
                    Ok(()) => Ok(()),
                    Err(RtError::Interrupted) => {
                        let trace = self.traceback();
                        self.abandon(stop);
                        Err(VmError::Interrupted(trace))
                    }
                    // Paused at the handler's first instruction.
                    Err(_) => Err(VmError::Budget(self.config.max_instructions.unwrap_or(0))),
                }
            }
            _ => {
                let mut v2 = v;
                // Module wrapping applies to uncaught errors as well.
                let frames_before = self.frames.len();
                let mut report = self.uncaught_from(v2);
                report.ticket = step_ticket;
                if report.ticket.is_none() && self.ticket_on_error {
                    // Captured before anything unwinds.
                    report.ticket = Some(self.save_ticket(TicketReason::Error, &report, exact));
                }
                let mut kinds = self.frames[stop.min(frames_before)..]
                    .iter()
                    .map(|f| f.kind)
                    .collect::<Vec<_>>();
                kinds.reverse();
                if kinds.iter().any(|k| matches!(k, FrameKind::Module(_))) {
                    self.pop_frames_to(stop + 1, &mut v2);
                    let wrapped = self.uncaught_from(v2);
                    report.jenis = wrapped.jenis;
                    report.kode = wrapped.kode;
                    report.pesan = wrapped.pesan;
                }
                self.abandon(stop);
                Err(VmError::Uncaught(report))
            }
        }
    }

    /// Write a ticket of the current state for a failure described by
    /// `report`. The top frame's pc is moved back to the failing
    /// instruction (unless `exact`: a safe point already saved the place to
    /// resume) for the capture only. Returns the ticket's path.
    pub fn save_ticket(
        &mut self,
        reason: TicketReason,
        report: &Uncaught,
        exact: bool,
    ) -> Result<String, String> {
        self.save_ticket_in(reason, report, exact, None)
    }

    /// [`Vm::save_ticket`] for a failure inside pipeline `pipeline`'s step.
    fn save_ticket_in(
        &mut self,
        reason: TicketReason,
        report: &Uncaught,
        exact: bool,
        pipeline: Option<crate::value::Gc>,
    ) -> Result<String, String> {
        let top = self.frames.len().checked_sub(1);
        let saved = top.map(|i| self.frames[i].pc);
        if let (Some(i), false) = (top, exact) {
            self.frames[i].pc = self.frames[i].pc.saturating_sub(1);
        }
        let pipeline = pipeline.and_then(|p| self.pipeline_info(p));
        let name = match &pipeline {
            Some(p) => p.name.clone(),
            None => self.ticket_name(),
        };
        let created = self.host.now();
        let info = TicketInfo {
            name: name.clone(),
            program: self.program_file.clone(),
            program_path: self.program_path.clone(),
            store: self.store_spec.clone(),
            reason,
            jenis: report.jenis.clone(),
            pesan: report.pesan.clone(),
            traceback: report.traceback.clone(),
            attempts: self.attempt,
            created,
            pipeline,
            input_lines: self.input_lines,
            clock: self.clock_floor,
            fox_version: env!("CARGO_PKG_VERSION").to_string(),
            permissions: self.config.permissions.clone(),
        };
        // The key is fetched only now: an embedder may create it on first use.
        let key = match &self.config.ticket_key {
            Some(k) => Ok(Some(k.clone())),
            None => self.host.ticket_key(),
        };
        let bytes = key.map(|k| self.ticket_bytes(&info, k.as_ref()));
        if let (Some(i), Some(pc)) = (top, saved) {
            self.frames[i].pc = pc;
        }
        self.host.save_ticket(&name, &bytes?)
    }

    /// A ticket's name: the program file's stem.
    fn ticket_name(&self) -> String {
        std::path::Path::new(&self.program_file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "program".to_string())
    }

    /// Drop every frame and handler above `stop`.
    pub(crate) fn abandon(&mut self, stop: usize) {
        let mut dummy = Value::Nil;
        let keep_modules = self.frames.len();
        let _ = keep_modules;
        while self.frames.len() > stop {
            let n = self.frames.len() - 1;
            // Generators above die; module loads above are forgotten.
            self.pop_frames_to(n, &mut dummy);
        }
        self.handlers.retain(|h| (h.frame as usize) < stop);
    }
}
