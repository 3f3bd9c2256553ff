//! Entering compiled code and deciding what to compile (ManajerFox's
//! policy inside the VM). Every function has a hotness counter that counts
//! down on each call and each taken loop back-edge; at zero the VM asks the
//! JIT backend for code. The counter starts at the tier's threshold
//! (`Config::jit_threshold`; 0 compiles a function before it first runs)
//! and at `u32::MAX` when the tier is the interpreter.

use super::{status, JitBackend, JitCode, Tier};
use crate::error::{RtError, RtResult};
use crate::object::FuncInfo;
use crate::value::Value;
use crate::vm::Vm;

/// What the JIT did in this VM (`fox run --jit-stats`).
#[derive(Clone, Debug, Default)]
pub struct JitStats {
    /// Functions compiled, with the time each took (microseconds).
    pub compiled: Vec<(String, u64)>,
    /// Functions the backend refused, with its reason.
    pub refused: Vec<(String, String)>,
    /// Entries into compiled code from the interpreter.
    pub entries: u64,
}

impl Vm {
    /// Install the JIT backend this VM compiles with. Code from a backend
    /// installed before is forgotten first (that backend may free it).
    pub fn set_jit_backend(&mut self, backend: Box<dyn JitBackend>) {
        let old = self.take_jit_backend();
        self.jit_backend = Some(backend);
        drop(old);
    }

    /// Take the JIT backend out (to hand it to another VM: compiled code
    /// holds nothing of one VM, so a round trip keeps its code cache).
    /// This VM forgets every entry the backend gave it, so nothing here
    /// can call code the backend's new owner may free.
    pub fn take_jit_backend(&mut self) -> Option<Box<dyn JitBackend>> {
        let backend = self.jit_backend.take();
        if backend.is_some() {
            let hotness = self.initial_hotness();
            for f in self.funcs.iter() {
                f.jit.set(None);
                f.hotness.set(hotness);
            }
        }
        backend
    }

    /// The backend's own report (`--jit-stats`), when one is installed.
    pub fn jit_report(&self) -> Option<String> {
        self.jit_backend.as_ref().map(|b| b.report())
    }

    /// The counter a newly loaded function starts with.
    pub(crate) fn initial_hotness(&self) -> u32 {
        match self.config.tier {
            Tier::Interp => u32::MAX,
            Tier::Jit | Tier::Auto => self.config.jit_threshold,
        }
    }

    /// A function's hotness counter reached zero: compile it if a backend
    /// is installed. The counter goes back to `u32::MAX` either way, so a
    /// refused function is not offered again.
    #[cold]
    #[inline(never)]
    pub(crate) fn tier_up(&mut self, func: &FuncInfo) {
        func.hotness.set(u32::MAX);
        if self.config.tier == Tier::Interp || func.jit.get().is_some() {
            return;
        }
        let Some(mut backend) = self.jit_backend.take() else {
            return;
        };
        let started = std::time::Instant::now();
        let result = backend.compile(func);
        let micros = started.elapsed().as_micros() as u64;
        self.jit_backend = Some(backend);
        let name = func.proto.name.to_string();
        match result {
            Ok(code) => {
                func.jit.set(Some(code));
                tracing::debug!(target: "jit", function = %name, micros, "compiled");
                self.jit_stats.compiled.push((name, micros));
            }
            Err(reason) => {
                tracing::debug!(target: "jit", function = %name, %reason, "refused");
                self.jit_stats.refused.push((name, reason));
            }
        }
    }

    /// Run `code` from `pc` over the frame whose registers start at
    /// `regs`. `Some(v)`: the frame stack reached `stop` with result `v`;
    /// `None`: continue with the top frame.
    #[inline(never)]
    pub(crate) fn enter_jit(
        &mut self,
        code: JitCode,
        regs: *mut Value,
        pc: usize,
        stop: usize,
    ) -> RtResult<Option<Value>> {
        self.jit_stats.entries += 1;
        let base =
            (regs as usize - self.stack.as_mut_ptr() as usize) / std::mem::size_of::<Value>();
        let st = self.call_compiled(code, base, pc as u32, stop);
        match st {
            status::CONTINUE => Ok(None),
            status::DONE => Ok(Some(std::mem::replace(&mut self.jit_result, Value::Nil))),
            status::ERROR => Err(self.jit_error.take().unwrap_or_else(|| {
                RtError::Internal("compiled code failed without an error".into())
            })),
            other => Err(RtError::Internal(format!(
                "compiled code returned status {other}"
            ))),
        }
    }

    /// Call compiled code over the frame whose registers start at stack
    /// slot `base`, from `pc`; returns its status.
    pub(crate) fn call_compiled(
        &mut self,
        code: JitCode,
        base: usize,
        pc: u32,
        stop: usize,
    ) -> u32 {
        let Some(regs) = self.frames.last().and_then(|f| {
            let end = base + f.func.get().proto.regs as usize;
            (f.base as usize == base
                && end <= self.stack.len()
                && (pc as usize) < f.func.get().proto.code.len())
            .then_some(base)
        }) else {
            self.jit_error = Some(RtError::Internal(
                "compiled code entered outside its frame".into(),
            ));
            return status::ERROR;
        };
        // SAFETY: `regs` is inside the register stack's allocation (the
        // frame's window ends within `stack.len()`, checked above).
        let regs = unsafe { self.stack.as_mut_ptr().add(regs) };
        let vm: *mut Vm = self;
        // SAFETY: `code` came from the installed `JitBackend` for the top
        // frame's function (only verified bytecode is loaded), which
        // promises the calling convention of `jitabi`; `regs` points at
        // that frame's registers inside the register stack, which never
        // moves; `pc` is inside the function's code (checked above); and
        // nothing else uses the VM while the code runs (this `&mut self`
        // is not touched until it returns, and the helpers the code calls
        // reach the VM only through `vm`).
        unsafe { (code.entry)(vm, regs, pc, stop) }
    }

    /// The step helper: run the one instruction at `pc` of the top frame
    /// in the interpreter and say where compiled code goes on (see
    /// `status`).
    pub(crate) fn jit_step(&mut self, pc: u32, stop: usize) -> u32 {
        let Some(fi) = self.frames.len().checked_sub(1) else {
            self.jit_error = Some(RtError::Internal("step without a frame".into()));
            return status::ERROR;
        };
        self.frames[fi].pc = pc;
        let target = self.frames[fi]
            .func
            .get()
            .proto
            .code
            .get(pc as usize)
            .and_then(|op| op.target());
        match self.run_one(stop) {
            Ok(v) if v.is_undef() => {
                if self.frames.len() == fi + 1 {
                    let now = self.frames[fi].pc;
                    if now == pc + 1 {
                        return status::RESUME;
                    }
                    if Some(now) == target {
                        return status::JUMPED;
                    }
                }
                status::CONTINUE
            }
            Ok(v) => {
                self.jit_result = v;
                status::DONE
            }
            Err(e) => {
                self.jit_error = Some(e);
                status::ERROR
            }
        }
    }
}
