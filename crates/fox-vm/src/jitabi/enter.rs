//! Entering compiled code and deciding what to compile (ManajerFox's
//! policy inside the VM). Every function has a hotness counter that counts
//! down on each call and each taken loop back-edge (these in batches of
//! [`BACK_EDGE_BATCH`]); at zero the VM asks the
//! JIT backend for code, and a compiled function keeps it at zero, so the
//! interpreter's one test of the counter also finds compiled code to enter.
//! The counter starts at the tier's threshold
//! (`Config::jit_threshold`; 0 compiles a function before it first runs)
//! and at `u32::MAX` when the tier is the interpreter.

use super::{status, JitBackend, JitCode, Tier};
use crate::error::{RtError, RtResult};
use crate::object::FuncInfo;
use crate::value::Value;
use crate::vm::Vm;

/// Taken loop back-edges the interpreter counts VM-wide before it charges
/// them, all at once, to the function running (`Vm::charge_back_edges`):
/// counting them one by one in the function cost a load of it on every
/// back-edge.
pub(crate) const BACK_EDGE_BATCH: u32 = 16;

/// What the JIT did in this VM (`fox run --jit-stats`).
#[derive(Clone, Debug, Default)]
pub struct JitStats {
    /// Functions compiled, with the time each took (microseconds).
    pub compiled: Vec<(String, u64)>,
    /// Functions the backend refused, with its reason.
    pub refused: Vec<(String, String)>,
    /// Entries into compiled code from the interpreter.
    pub entries: u64,
    /// Times the code cache reached `Config::jit_code_limit` and all
    /// compiled code was dropped.
    pub evictions: u64,
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
    /// is installed. A compiled function keeps the counter at 0 (the
    /// interpreter's sign to enter its code); a refused one, or one with
    /// no backend, gets `u32::MAX` and is not offered again.
    #[cold]
    #[inline(never)]
    pub(crate) fn tier_up(&mut self, func: &FuncInfo) {
        if func.jit.get().is_some() {
            func.hotness.set(0);
            return;
        }
        func.hotness.set(u32::MAX);
        if self.config.tier == Tier::Interp {
            return;
        }
        let Some(mut backend) = self.jit_backend.take() else {
            return;
        };
        if self.jit_running == 0 {
            // SAFETY: no machine code is on the native stack (every call
            // into compiled code goes through `call_compiled`, which counts
            // it), and every entry of a retired generation was forgotten
            // when it was retired (`evict_compiled` clears every function's
            // code and the direct-call caches before `retire`).
            unsafe { backend.release_retired() };
        }
        if backend.code_bytes() >= self.config.jit_code_limit {
            self.evict_compiled(backend.as_mut());
        }
        let started = std::time::Instant::now();
        let result = backend.compile(func);
        let micros = started.elapsed().as_micros() as u64;
        self.jit_backend = Some(backend);
        let name = func.proto.name.to_string();
        match result {
            Ok(code) => {
                func.jit.set(Some(code));
                // 0 from now on: the interpreter's test of the counter on
                // a call finds the code.
                func.hotness.set(0);
                tracing::debug!(target: "jit", function = %name, micros, "compiled");
                self.jit_stats.compiled.push((name, micros));
            }
            Err(reason) => {
                tracing::debug!(target: "jit", function = %name, %reason, "refused");
                self.jit_stats.refused.push((name, reason));
            }
        }
    }

    /// A batch of `BACK_EDGE_BATCH` taken back-edges ended in `func`:
    /// charge them to its counter and compile it when it is due. `true`
    /// when it has compiled code to continue in (on-stack replacement at
    /// the loop head the interpreter just jumped to).
    #[cold]
    #[inline(never)]
    pub(crate) fn charge_back_edges(&mut self, func: &FuncInfo) -> bool {
        self.back_edge_tick = BACK_EDGE_BATCH - 1;
        if func.jit.get().is_some() {
            return true;
        }
        let h = func.hotness.get().saturating_sub(BACK_EDGE_BATCH);
        func.hotness.set(h);
        if h == 0 {
            self.tier_up(func);
        }
        func.jit.get().is_some()
    }

    /// The code cache is full: every function forgets its compiled code
    /// (and counts towards compiling again from the tier's threshold), the
    /// direct-call caches empty, and the backend retires its code area.
    /// Compiled frames running now finish in the retired code, which stays
    /// until nothing runs it (`JitBackend::release_retired`); every new
    /// entry, from the interpreter or a direct call, reads `FuncInfo::jit`
    /// and finds none.
    #[cold]
    fn evict_compiled(&mut self, backend: &mut dyn JitBackend) {
        let hotness = self.initial_hotness();
        for f in self.funcs.iter() {
            f.jit.set(None);
            f.hotness.set(hotness);
        }
        self.clear_call_caches();
        backend.retire();
        self.jit_stats.evictions += 1;
        tracing::debug!(
            target: "jit",
            limit = self.config.jit_code_limit,
            "code cache full: compiled code dropped"
        );
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
                && f.func.get().is_jit_entry(pc as usize))
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
        self.jit_running += 1;
        let vm: *mut Vm = self;
        // SAFETY: `code` came from the installed `JitBackend` for the top
        // frame's function (only verified bytecode is loaded), which
        // promises the calling convention of `jitabi`; `regs` points at
        // that frame's registers inside the register stack, which never
        // moves; `pc` is one of the function's entry points, inside its
        // code (checked above); and
        // nothing else uses the VM while the code runs (this `&mut self`
        // is not touched until it returns, and the helpers the code calls
        // reach the VM only through `vm`).
        let st = unsafe { (code.entry)(vm, regs, pc, stop) };
        self.jit_running -= 1;
        st
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
