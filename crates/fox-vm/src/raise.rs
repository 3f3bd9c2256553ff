//! Raising and unwinding: turning internal errors into Morph error values
//! (`{pesan, baris, kolom, jenis, jejak}`), finding the innermost handler,
//! popping frames (closing generators, un-caching modules that failed to
//! load, whose errors become `Gagal memuat modul …`), and building the
//! report of an uncaught error.

use crate::dict::{Dict, HashKey};
use crate::error::{RtError, TraceEntry, Uncaught, VmError, ERROR_MANUAL, ERROR_SISTEM};
use crate::object::{GenState, Object};
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

    /// Build a fresh error dict.
    pub fn make_error_dict(&mut self, pesan: Value, jenis: Value) -> Value {
        let trace = self.traceback();
        let (line, col) = trace.last().map(|t| (t.line, t.col)).unwrap_or((0, 0));
        let jejak = self.trace_list(&trace);
        let mut d = Dict::with_capacity(5);
        let k_pesan = self.new_str("pesan");
        let k_baris = self.new_str("baris");
        let k_kolom = self.new_str("kolom");
        let k_jenis = self.new_str("jenis");
        let k_jejak = self.new_str("jejak");
        d.insert(self.key("pesan"), k_pesan, pesan);
        d.insert(self.key("baris"), k_baris, Value::Int(line as i64));
        d.insert(self.key("kolom"), k_kolom, Value::Int(col as i64));
        d.insert(self.key("jenis"), k_jenis, jenis);
        d.insert(self.key("jejak"), k_jejak, jejak);
        let v = self.alloc(Object::Dict(Box::new(d)));
        self.last_trace = Some((v, trace));
        v
    }

    /// The Morph value of an internal error.
    pub fn error_value(&mut self, e: RtError) -> Value {
        match e {
            RtError::Msg(m) => {
                let p = self.new_string(m);
                let j = self.new_str(ERROR_SISTEM);
                self.make_error_dict(p, j)
            }
            RtError::Typed { jenis, pesan } => {
                let p = self.new_string(pesan);
                let j = self.new_string(jenis);
                self.make_error_dict(p, j)
            }
            RtError::Thrown(v) => v,
            RtError::Exit(_) | RtError::Budget | RtError::Internal(_) => Value::Nil,
        }
    }

    /// `lemparkan value [jenis kind]`.
    #[inline(never)]
    pub fn throw_value(&mut self, value: Value, kind: Option<Value>) -> Value {
        if let Some(k) = kind {
            return self.make_error_dict(value, k);
        }
        if let V::Obj(g) = value.unpack() {
            if matches!(self.heap.get(g), Object::Dict(_)) {
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
        let text = self.str_of(value);
        let p = self.new_string(text);
        let j = self.new_str(ERROR_MANUAL);
        self.make_error_dict(p, j)
    }

    /// Read a field of an error dict as text.
    pub fn error_field(&self, v: Value, field: &str) -> Option<String> {
        match v.unpack() {
            V::Obj(g) => match self.heap.get(g) {
                Object::Dict(d) => d
                    .get(&HashKey::text(Rc::from(field)))
                    .map(|x| self.str_of(x)),
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
                self.str_of(v),
            ),
        };
        let traceback = match &self.last_trace {
            Some((tv, t)) if tv.same(v) => t.clone(),
            _ => self.traceback(),
        };
        Uncaught {
            jenis,
            pesan,
            traceback,
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
                FrameKind::Module(id) => {
                    let path = self
                        .modules
                        .get(id as usize)
                        .map(|m| m.file.to_string())
                        .unwrap_or_default();
                    self.module_cache.retain(|_, m| *m != id);
                    let pesan = self
                        .error_field(*err, "pesan")
                        .unwrap_or_else(|| self.str_of(*err));
                    let msg = format!("Gagal memuat modul '{path}': {pesan}");
                    let p = self.new_string(msg);
                    let j = self.new_str(ERROR_SISTEM);
                    let trace = self
                        .last_trace
                        .as_ref()
                        .filter(|(tv, _)| tv.same(*err))
                        .map(|(_, t)| t.clone());
                    *err = self.make_error_dict(p, j);
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
        let mut v = match e {
            RtError::Exit(n) => {
                self.abandon(stop);
                return Err(VmError::Exit(n));
            }
            RtError::Budget => {
                self.abandon(stop);
                return Err(VmError::Budget(self.config.max_instructions.unwrap_or(0)));
            }
            RtError::Internal(m) => {
                self.abandon(stop);
                return Err(VmError::Internal(m));
            }
            other => self.error_value(other),
        };
        match self.handlers.last().copied() {
            Some(h) if h.frame as usize >= stop && (h.frame as usize) < self.frames.len() => {
                self.handlers.pop();
                self.pop_frames_to(h.frame as usize + 1, &mut v);
                let f = &mut self.frames[h.frame as usize];
                f.pc = h.target;
                let slot = f.base as usize + h.reg as usize;
                self.stack[slot] = v;
                Ok(())
            }
            _ => {
                let mut v2 = v;
                // Module wrapping applies to uncaught errors as well.
                let frames_before = self.frames.len();
                let mut report = self.uncaught_from(v2);
                let mut kinds = self.frames[stop.min(frames_before)..]
                    .iter()
                    .map(|f| f.kind)
                    .collect::<Vec<_>>();
                kinds.reverse();
                if kinds.iter().any(|k| matches!(k, FrameKind::Module(_))) {
                    self.pop_frames_to(stop + 1, &mut v2);
                    let wrapped = self.uncaught_from(v2);
                    report.jenis = wrapped.jenis;
                    report.pesan = wrapped.pesan;
                }
                self.abandon(stop);
                Err(VmError::Uncaught(report))
            }
        }
    }

    /// Drop every frame and handler above `stop`.
    fn abandon(&mut self, stop: usize) {
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
