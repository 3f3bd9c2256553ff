//! The meaning of the instructions that change the frame stack: the fast
//! paths of `Call` and `CallMethod` (push a frame for a closure, nothing
//! copied), returns, safe points, error handlers, `bekukan` and `lanjut`.
//! Every function leaves the frame stack in a state the interpreter can
//! continue from, which is what lets compiled code hand a frame back to
//! the interpreter at any of these instructions.

use crate::codes;
use crate::error::{RtError, RtResult};
use crate::object::{FuncInfo, GenState, Object, SavedHandler};
use crate::value::{Gc, Value, V};
use crate::vm::{Frame, FrameKind, Handler, Vm};
use fox_bytecode::Sym;

impl Vm {
    /// Safe point: charge the budget (at the end of a slice, look at the
    /// interrupt flag), collect garbage if due.
    #[inline]
    pub(crate) fn safe_point(&mut self) -> RtResult<()> {
        self.pay_budget_point()?;
        if self.heap.wants_gc() {
            self.collect_garbage();
            if let Some(e) = self.heap.over_limit() {
                return Err(e.into());
            }
        }
        Ok(())
    }

    /// Does a safe point have anything to do (a budget to charge, a
    /// collection due)? Checked before paying for the call.
    #[inline(always)]
    pub(crate) fn safe_point_due(&self) -> bool {
        self.budget != u64::MAX || self.heap.wants_gc()
    }

    /// Push a frame for `Call` when the callee (register `window`) is a
    /// plain (non-generator) closure that accepts `argc` arguments and the
    /// depth limit allows it. Missing parameters are nil; other locals are
    /// initialised by the callee's code. `false`: not this case, use the
    /// general call.
    #[inline(always)]
    pub(crate) fn try_enter_closure(&mut self, window: usize, argc: u16) -> RtResult<bool> {
        let callee = self.stack[window];
        let Some(g) = callee.as_obj() else {
            return Ok(false);
        };
        let Object::Closure(c) = self.heap.get(g) else {
            return Ok(false);
        };
        let f = c.func;
        let p = &f.get().proto;
        if p.is_generator || argc > p.params || self.frames.len() >= self.config.max_depth {
            return Ok(false);
        }
        let nb = window + 1;
        self.ensure_stack(nb + p.regs as usize + 2)?;
        self.stack[nb + argc as usize..nb + p.params as usize].fill(Value::Nil);
        self.push_frame(f, g, nb, window, FrameKind::Normal);
        Ok(true)
    }

    /// Push a frame for `CallMethod` at `pc` of `func` when the receiver
    /// (register `window + 1`) is an instance whose class's method `sym`
    /// (found through the inline cache) is a plain method taking `argc`
    /// arguments. `false`: use the general method call.
    #[inline(always)]
    pub(crate) fn try_enter_method(
        &mut self,
        func: &FuncInfo,
        pc: usize,
        window: usize,
        argc: u16,
        sym: Sym,
    ) -> RtResult<bool> {
        let Some(m) = self.cached_instance_method(func, pc, self.stack[window + 1], sym) else {
            return Ok(false);
        };
        let Object::Closure(cl) = self.heap.get(m) else {
            return Ok(false);
        };
        let f = cl.func;
        let p = &f.get().proto;
        if !p.is_method
            || p.is_generator
            || (argc as usize) >= p.params as usize
            || self.frames.len() >= self.config.max_depth
        {
            return Ok(false);
        }
        let nb = window + 1;
        self.ensure_stack(nb + p.regs as usize + 2)?;
        self.stack[nb + argc as usize + 1..nb + p.params as usize].fill(Value::Nil);
        self.push_frame(f, m, nb, window, FrameKind::Normal);
        Ok(true)
    }

    /// The method a `CallMethod` at `pc` would call on an instance
    /// receiver (not shadowed by a property), through the inline cache.
    #[inline]
    pub(crate) fn cached_instance_method(
        &self,
        func: &FuncInfo,
        pc: usize,
        recv: Value,
        sym: Sym,
    ) -> Option<Gc> {
        let rg = recv.as_obj()?;
        let Object::Instance(inst) = self.heap.get(rg) else {
            return None;
        };
        if inst.get(sym).is_some() {
            return None;
        }
        let class = inst.class;
        let idx = *func.cache_index.get(pc)?;
        let slot = func.method_cache.get(idx as usize)?;
        let mut c = slot.get();
        if let Some(m) = c.lookup(self.epoch, class.0) {
            return Some(Gc(m));
        }
        let Object::Class(k) = self.heap.get(class) else {
            return None;
        };
        let m = k.methods.get(&sym).and_then(|v| v.as_obj())?;
        c.insert(self.epoch, class.0, m.0);
        slot.set(c);
        Some(m)
    }

    /// `CallLen` when its global still holds the builtin `panjang`: the
    /// length of `v`. `None`: the global was rebound; call it instead.
    #[inline(always)]
    pub(crate) fn op_len_builtin(
        &mut self,
        module: usize,
        slot: u16,
        v: Value,
    ) -> RtResult<Option<Value>> {
        let f = self.global_value(module, slot as u32);
        if !f.same(self.panjang_value) {
            return Ok(None);
        }
        let n = crate::builtins::core::checked_length(self, v)?;
        Ok(Some(self.int(n as i64)))
    }

    /// `CallLen` with `panjang` rebound: an ordinary call `f(arg)` through
    /// a scratch window at `scratch` (above the frame). `None`: the
    /// callee's frame was pushed and will deliver its result into `dst`
    /// (an absolute stack index).
    #[inline(never)]
    pub(crate) fn call_len_shadowed(
        &mut self,
        module: usize,
        slot: u16,
        arg: Value,
        scratch: usize,
        dst: usize,
    ) -> RtResult<Option<Value>> {
        let f = self.global_value(module, slot as u32);
        if f.is_undef() {
            return Err(self.undefined_name("panjang"));
        }
        self.ensure_stack(scratch + 2)?;
        self.stack[scratch] = f;
        self.stack[scratch + 1] = arg;
        let r = self.call_value(scratch, 1)?;
        if r.is_none() {
            if let Some(top) = self.frames.last_mut() {
                top.ret = dst as u32;
            }
        }
        Ok(r)
    }

    /// Pop the returning frame and deliver its result. `Some` when the
    /// frame stack reached `stop`.
    #[inline]
    pub(crate) fn do_return(&mut self, v: Value, stop: usize) -> RtResult<Option<Value>> {
        let Some(f) = self.frames.pop() else {
            return Err(RtError::Internal("return without a frame".into()));
        };
        self.handlers.truncate(f.handler_base as usize);
        let result = match f.kind {
            FrameKind::Normal => v,
            FrameKind::Constructor => self.stack[f.base as usize],
            FrameKind::Module(id) => {
                let m = &mut self.modules[id as usize];
                m.state = crate::vm::ModuleState::Loaded;
                m.obj
            }
            FrameKind::Generator(g) => {
                if let Object::Generator(gen) = self.heap.get_mut(g) {
                    gen.state = GenState::Done;
                    gen.regs = Vec::new();
                    gen.handlers.clear();
                }
                v
            }
            FrameKind::Pipeline(p) => {
                return match self.pipeline_step_done(p, v, f.ret as usize)? {
                    None => Ok(None),
                    Some(result) if self.frames.len() <= stop => Ok(Some(result)),
                    Some(result) => {
                        self.stack[f.ret as usize] = result;
                        Ok(None)
                    }
                };
            }
        };
        if self.frames.len() <= stop {
            return Ok(Some(result));
        }
        self.stack[f.ret as usize] = result;
        Ok(None)
    }

    /// `PushHandler` in frame `fi`.
    #[inline(always)]
    pub(crate) fn op_push_handler(&mut self, fi: usize, target: u32, reg: u16) {
        self.handlers.push(Handler {
            frame: fi as u32,
            target,
            reg,
        });
    }

    /// `PopHandler` in frame `fi`: drop its innermost handler.
    #[inline(always)]
    pub(crate) fn op_pop_handler(&mut self, fi: usize) {
        if self.handlers.last().is_some_and(|h| h.frame as usize == fi) {
            self.handlers.pop();
        }
    }

    /// `bekukan(v)` in the running generator frame.
    #[inline(never)]
    pub(crate) fn yield_generator(&mut self, v: Value, stop: usize) -> RtResult<Option<Value>> {
        let Some(f) = self.frames.last().cloned() else {
            return Err(RtError::Internal("yield without a frame".into()));
        };
        let FrameKind::Generator(g) = f.kind else {
            return Err(codes::GENERATOR_STATE
                .err("'bekukan' dipanggil di luar generator yang dilanjutkan"));
        };
        let regs = f.func.get().proto.regs as usize;
        let base = f.base as usize;
        let saved: Vec<Value> = self.stack[base..base + regs].to_vec();
        let handlers: Vec<SavedHandler> = self.handlers[f.handler_base as usize..]
            .iter()
            .map(|h| SavedHandler {
                target: h.target,
                reg: h.reg,
            })
            .collect();
        self.handlers.truncate(f.handler_base as usize);
        // The saved registers are new memory of the generator (resuming
        // took the previous ones out).
        self.heap.charge(
            saved.capacity() * std::mem::size_of::<Value>()
                + handlers.capacity() * std::mem::size_of::<SavedHandler>(),
        );
        if let Object::Generator(gen) = self.heap.get_mut(g) {
            gen.regs = saved;
            gen.pc = f.pc;
            gen.handlers = handlers;
            gen.state = GenState::Suspended;
        }
        self.frames.pop();
        let momen = self.syms.momen;
        let result = self.new_variant(momen, vec![v, Value::Obj(g)]);
        if self.frames.len() <= stop {
            return Ok(Some(result));
        }
        self.stack[f.ret as usize] = result;
        Ok(None)
    }

    /// `lanjut(g)`: push the generator's frame (or return nil when done).
    #[inline(never)]
    pub(crate) fn resume_generator(&mut self, g: Value, ret: usize) -> RtResult<Option<Value>> {
        let gg = match g.unpack() {
            V::Obj(gg) if matches!(self.heap.get(gg), Object::Generator(_)) => gg,
            _ => {
                return Err(codes::ARG_TYPE.err(format!(
                    "lanjut(): argumen 'generator' harus generator, bukan {}",
                    self.type_label(g)
                )))
            }
        };
        // Everything that can fail comes before the generator is marked
        // running and its saved registers are taken out.
        let (closure, saved_len) =
            match self.heap.get(gg) {
                Object::Generator(gen) => match gen.state {
                    GenState::Done => return Ok(Some(Value::Nil)),
                    GenState::Running => return Err(codes::GENERATOR_STATE.err(
                        "Generator sedang berjalan; ia tidak bisa dilanjutkan dari dalam dirinya",
                    )),
                    GenState::Fresh | GenState::Suspended => (gen.closure, gen.regs.len()),
                },
                _ => return Err(RtError::Internal("not a generator".into())),
            };
        let func = match self.heap.get(closure) {
            Object::Closure(c) => c.func,
            _ => return Err(RtError::Internal("generator without closure".into())),
        };
        if self.frames.len() >= self.config.max_depth {
            return Err(self.call_depth_error());
        }
        let base = self.entry_base();
        self.ensure_stack(base + saved_len.max(func.get().proto.regs as usize) + 2)?;
        let (regs, pc, handlers) = match self.heap.get_mut(gg) {
            Object::Generator(gen) => {
                gen.state = GenState::Running;
                (
                    std::mem::take(&mut gen.regs),
                    gen.pc,
                    std::mem::take(&mut gen.handlers),
                )
            }
            _ => return Err(RtError::Internal("not a generator".into())),
        };
        self.stack[base..base + regs.len()].copy_from_slice(&regs);
        let frame_index = self.frames.len() as u32;
        self.frames.push(Frame {
            func,
            closure: Some(closure).into(),
            pc,
            base: base as u32,
            ret: ret as u32,
            kind: FrameKind::Generator(gg),
            handler_base: self.handlers.len() as u32,
        });
        for h in handlers {
            self.handlers.push(Handler {
                frame: frame_index,
                target: h.target,
                reg: h.reg,
            });
        }
        Ok(None)
    }
}
