//! The fast helper: the instructions compiled code leaves to the runtime
//! most often (globals, indexing, attributes, cells, `panjang`, division,
//! comparisons), run directly on the top frame's registers with the shared
//! semantics (`semantics/`), without setting up the interpreter loop. Each
//! does what the interpreter's arm does — the same fast path, the same
//! slow path, the same saved pc on an error — and anything unusual goes to
//! the step helper, which is the interpreter itself.
//!
//! Calls enter the callee's compiled code directly (a native call from
//! here), so compiled code calling compiled code never goes back to the
//! dispatch loop; when the callee returns into the caller's frame, the
//! caller continues with its next instruction. Native nesting is bounded
//! (`MAX_NATIVE_NESTING`): deeper calls run through the dispatch loop, so
//! deep Morph recursion never deepens the Rust stack without limit.

use super::status;
use crate::error::RtError;
use crate::value::Value;
use crate::vm::{FrameKind, Vm};
use fox_bytecode::Op;

/// The smallest word the enter helpers return that is an entry address;
/// anything below is a status (the call already ran).
pub const ENTRY_MIN: usize = 8;

/// Compiled frames called natively from compiled frames, at most.
pub const MAX_NATIVE_NESTING: u32 = 200;

impl Vm {
    /// Run the instruction at `pc` of the top frame (see the module
    /// comment); returns a `status` as the step helper does.
    pub(crate) fn jit_fast(&mut self, pc: u32, stop: usize) -> u32 {
        let Some(fi) = self.frames.len().checked_sub(1) else {
            return self.jit_step(pc, stop);
        };
        let frame = &self.frames[fi];
        let func = frame.func.get();
        let base = frame.base as usize;
        let closure = frame.closure.get();
        let module = func.module as usize;
        let Some(&op) = func.proto.code.get(pc as usize) else {
            return self.jit_step(pc, stop);
        };
        macro_rules! r {
            ($r:expr) => {
                self.stack[base + $r as usize]
            };
        }
        // An error: the frame resumes after this instruction, as the
        // interpreter's `tr!` records.
        macro_rules! tr {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(e) => return self.jit_fail(fi, pc + 1, e),
                }
            };
        }
        macro_rules! name {
            ($n:expr) => {
                match func.proto.names.get($n as usize) {
                    Some(s) => *s,
                    None => return self.jit_step(pc, stop),
                }
            };
        }
        // The taken or not taken side of a forward branch.
        macro_rules! branch {
            ($cond:expr, $target:expr) => {{
                let jumped = $cond;
                let to = if jumped { $target as u32 } else { pc + 1 };
                self.frames[fi].pc = to;
                return if jumped {
                    status::JUMPED
                } else {
                    status::RESUME
                };
            }};
        }
        match op {
            Op::Div { dst, a, b } => r!(dst) = tr!(self.op_div(r!(a), r!(b))),
            Op::Shl { dst, a, b } => r!(dst) = tr!(self.op_shl(r!(a), r!(b))),
            Op::Shr { dst, a, b } => r!(dst) = tr!(self.op_shr(r!(a), r!(b))),
            Op::Neg { dst, src } => r!(dst) = tr!(self.op_neg(r!(src))),
            Op::Not { dst, src } => r!(dst) = self.op_not(r!(src)),
            Op::BitNot { dst, src } => r!(dst) = tr!(self.bit_not(r!(src))),
            Op::Eq { dst, a, b } => r!(dst) = Value::Bool(tr!(self.op_equal(r!(a), r!(b)))),
            Op::Ne { dst, a, b } => r!(dst) = Value::Bool(!tr!(self.op_equal(r!(a), r!(b)))),
            Op::Lt { dst, a, b } => r!(dst) = Value::Bool(tr!(self.op_lt(r!(a), r!(b)))),
            Op::Le { dst, a, b } => r!(dst) = Value::Bool(tr!(self.op_le(r!(a), r!(b)))),
            Op::Gt { dst, a, b } => r!(dst) = Value::Bool(tr!(self.op_gt(r!(a), r!(b)))),
            Op::Ge { dst, a, b } => r!(dst) = Value::Bool(tr!(self.op_ge(r!(a), r!(b)))),
            Op::JumpIfNotLt { a, b, target } => branch!(!tr!(self.op_lt(r!(a), r!(b))), target),
            Op::JumpIfNotLe { a, b, target } => branch!(!tr!(self.op_le(r!(a), r!(b))), target),
            Op::JumpIfNotGt { a, b, target } => branch!(!tr!(self.op_gt(r!(a), r!(b))), target),
            Op::JumpIfNotGe { a, b, target } => branch!(!tr!(self.op_ge(r!(a), r!(b))), target),
            Op::JumpIfNotEq { a, b, target } => {
                branch!(!tr!(self.op_equal(r!(a), r!(b))), target)
            }
            Op::JumpIfNotNe { a, b, target } => {
                branch!(tr!(self.op_equal(r!(a), r!(b))), target)
            }
            Op::JumpIfNotLtI { a, imm, target } => {
                branch!(!tr!(self.op_lt_imm(r!(a), imm)), target)
            }
            Op::JumpIfNotLeI { a, imm, target } => {
                branch!(!tr!(self.op_le_imm(r!(a), imm)), target)
            }
            Op::JumpIfNotGtI { a, imm, target } => {
                branch!(!tr!(self.op_gt_imm(r!(a), imm)), target)
            }
            Op::JumpIfNotGeI { a, imm, target } => {
                branch!(!tr!(self.op_ge_imm(r!(a), imm)), target)
            }
            Op::JumpIfNotEqI { a, imm, target } => {
                branch!(!tr!(self.op_equal_imm(r!(a), imm)), target)
            }
            Op::JumpIfNotNeI { a, imm, target } => {
                branch!(tr!(self.op_equal_imm(r!(a), imm)), target)
            }
            Op::JumpIfFalse { cond, target } => branch!(!self.op_truth(r!(cond)), target),
            Op::JumpIfTrue { cond, target } => branch!(self.op_truth(r!(cond)), target),
            Op::Closure { dst, proto } => {
                r!(dst) = tr!(self.op_closure(func, closure, base, proto));
            }
            Op::NewList { dst, start, count } => {
                let from = base + start as usize;
                let items = self.stack[from..from + count as usize].to_vec();
                r!(dst) = self.op_new_list_owned(items);
            }
            Op::GetGlobal { dst, slot } => {
                let v = self.global_value(module, slot);
                if v.is_undef() {
                    let e = self.undefined_global(module, slot);
                    return self.jit_fail(fi, pc + 1, e);
                }
                r!(dst) = v;
            }
            Op::SetGlobal { src, slot } => {
                let v = r!(src);
                tr!(self.op_set_global(module, slot, v));
            }
            Op::MakeCell { reg } => {
                let v = r!(reg);
                r!(reg) = self.op_make_cell(v);
            }
            Op::GetCell { dst, cell } => {
                let c = r!(cell);
                r!(dst) = tr!(self.op_get_cell(c));
            }
            Op::SetCell { cell, src } => {
                let (c, v) = (r!(cell), r!(src));
                tr!(self.op_set_cell(c, v));
            }
            Op::GetUpval { dst, idx } => r!(dst) = tr!(self.op_get_upval(closure, idx)),
            Op::SetUpval { idx, src } => {
                let v = r!(src);
                tr!(self.op_set_upval(closure, idx, v));
            }
            Op::GetIndex { dst, obj, key } => {
                let (o, k) = (r!(obj), r!(key));
                r!(dst) = match self.get_index_fast(o, k) {
                    Some(v) => v,
                    None => tr!(self.get_index(o, k)),
                };
            }
            Op::GetIndexI { dst, obj, idx } => {
                let (o, k) = (r!(obj), Value::Int(idx as i64));
                r!(dst) = match self.get_index_fast(o, k) {
                    Some(v) => v,
                    None => tr!(self.get_index(o, k)),
                };
            }
            Op::SetIndex { obj, key, src } => {
                let (o, k, v) = (r!(obj), r!(key), r!(src));
                if !self.set_index_fast(o, k, v) {
                    tr!(self.set_index(o, k, v));
                }
            }
            Op::SetIndexI { obj, idx, src } => {
                let (o, k, v) = (r!(obj), Value::Int(idx as i64), r!(src));
                if !self.set_index_fast(o, k, v) {
                    tr!(self.set_index(o, k, v));
                }
            }
            Op::GetAttr { dst, obj, name } => {
                let (o, sym) = (r!(obj), name!(name));
                r!(dst) = match self.get_attr_fast(o, sym) {
                    Some(v) => v,
                    None => tr!(self.get_attr(o, sym)),
                };
            }
            Op::SetAttr { obj, name, src } => {
                let (o, sym, v) = (r!(obj), name!(name), r!(src));
                if !self.set_attr_fast(o, sym, v) {
                    tr!(self.set_attr(o, sym, v));
                }
            }
            Op::CallLen { dst, arg, slot } => {
                let v = r!(arg);
                match tr!(self.op_len_builtin(module, slot, v)) {
                    Some(n) => r!(dst) = n,
                    None => return self.jit_step(pc, stop),
                }
            }
            // Arithmetic has `fox_jit_arith`, calls and returns their own
            // helpers (`jit_enter_call`, `jit_enter_method`,
            // `jit_return_top`); anything else runs in the interpreter.
            _ => return self.jit_step(pc, stop),
        }
        status::RESUME
    }

    /// `fox_jit_arith`: arithmetic instruction `pc` of the top frame on
    /// `a` and `b`; its result's word, or `FAILED` with the error pending
    /// (recorded as `jit_fast` records it).
    pub(crate) fn jit_arith(&mut self, pc: u32, op: u32, a: Value, b: Value) -> u64 {
        use super::helpers::{arith_op, FAILED};
        let r = match op {
            arith_op::ADD => self.op_add(a, b),
            arith_op::SUB => self.op_sub(a, b),
            arith_op::MUL => self.op_mul(a, b),
            arith_op::MOD => self.op_mod(a, b),
            arith_op::AND => self.op_bit_and(a, b),
            arith_op::OR => self.op_bit_or(a, b),
            arith_op::XOR => self.op_bit_xor(a, b),
            _ => Err(RtError::Internal(format!("unknown arithmetic {op}"))),
        };
        match r {
            Ok(v) => v.bits(),
            Err(e) => {
                match self.frames.len().checked_sub(1) {
                    Some(fi) => {
                        self.jit_fail(fi, pc + 1, e);
                    }
                    None => self.jit_error = Some(e),
                }
                FAILED
            }
        }
    }

    /// `Call` at `pc` of the top frame, window register `b`, `argc`
    /// arguments: push the callee's frame as the interpreter does and run
    /// it natively when it is compiled.
    pub(crate) fn jit_call(&mut self, pc: u32, b: u16, argc: u16, stop: usize) -> u32 {
        let (fi, window) = match self.call_prologue(pc, b, stop) {
            Ok(at) => at,
            Err(st) => return st,
        };
        match self.try_enter_closure(window, argc) {
            Ok(true) => self.run_callee(fi, pc, stop),
            Ok(false) => {
                // Builtins, classes, generators, …: the interpreter's
                // general call.
                let r = self.call_value(window, argc as usize);
                self.general_call_done(fi, pc, window, r)
            }
            Err(e) => self.jit_fail(fi, pc + 1, e),
        }
    }

    /// `CallMethod` at `pc` of the top frame (window register `b`, `argc`
    /// arguments, method name `name` of the function's names).
    pub(crate) fn jit_call_method(
        &mut self,
        pc: u32,
        b: u16,
        argc: u16,
        name: u16,
        stop: usize,
    ) -> u32 {
        let Some(func) = self.frames.last().map(|f| f.func.get()) else {
            return self.jit_step(pc, stop);
        };
        let Some(sym) = func.proto.names.get(name as usize).copied() else {
            return self.jit_step(pc, stop);
        };
        let (fi, window) = match self.call_prologue(pc, b, stop) {
            Ok(at) => at,
            Err(st) => return st,
        };
        match self.try_enter_method(func, pc as usize, window, argc, sym) {
            Ok(true) => self.run_callee(fi, pc, stop),
            Ok(false) => {
                let r = self.call_method(window, argc as usize, sym);
                self.general_call_done(fi, pc, window, r)
            }
            Err(e) => self.jit_fail(fi, pc + 1, e),
        }
    }

    /// The direct call of compiled code (`Call` at `pc` of the top frame,
    /// window register `b`, `argc` arguments): when the callee is a
    /// compiled closure taking exactly `argc` parameters, the safe point
    /// has nothing to do, native nesting and the depth limit allow it and
    /// the stack has room, push its frame (as `try_enter_closure` does),
    /// count one more native nesting level and return its entry; the
    /// caller calls it with the callee's registers and takes the nesting
    /// level back. Otherwise the call runs here as `jit_call` runs it
    /// (builtins, classes, interpreted closures, …) and the result is that
    /// status — a number below `ENTRY_MIN`, which no entry address is.
    /// With `site` (a `Call` cache index of the function), a successful
    /// call also remembers the callee there for compiled code.
    #[inline(always)]
    pub(crate) fn jit_enter_call(
        &mut self,
        pc: u32,
        b: u16,
        argc: u16,
        site: u32,
        stop: usize,
    ) -> usize {
        match self.direct_call(pc, b, argc, site) {
            0 => self.jit_call(pc, b, argc, stop) as usize,
            entry => entry,
        }
    }

    /// The direct case of [`Vm::jit_enter_call`]: the entry, or 0.
    #[inline(always)]
    fn direct_call(&mut self, pc: u32, b: u16, argc: u16, site: u32) -> usize {
        let Some((fi, window)) = self.direct_prologue(pc, b) else {
            return 0;
        };
        let Some(g) = self.stack[window].as_obj() else {
            return 0;
        };
        let crate::object::Object::Closure(c) = self.heap.get(g) else {
            return 0;
        };
        let f = c.func;
        let entry = self.push_compiled_frame(f, g, window, argc);
        if entry != 0 {
            let caller = self.frames[fi].func.get();
            if let Some(cache) = caller.call_cache.get(site as usize) {
                cache.callee.set(Value::Obj(g).bits());
                cache.func.set(f.addr());
                self.call_caches_used = true;
            }
        }
        entry
    }

    /// `CallMethod` as [`Vm::jit_enter_call`] does `Call`: the method the
    /// inline cache finds for the receiver, a plain method taking the
    /// receiver and exactly `argc` arguments.
    pub(crate) fn jit_enter_method(
        &mut self,
        pc: u32,
        b: u16,
        argc: u16,
        name: u16,
        stop: usize,
    ) -> usize {
        match self.direct_method(pc, b, argc, name) {
            0 => self.jit_call_method(pc, b, argc, name, stop) as usize,
            entry => entry,
        }
    }

    /// The direct case of [`Vm::jit_enter_method`]: the entry, or 0.
    #[inline(always)]
    fn direct_method(&mut self, pc: u32, b: u16, argc: u16, name: u16) -> usize {
        let Some((fi, window)) = self.direct_prologue(pc, b) else {
            return 0;
        };
        let func = self.frames[fi].func.get();
        let Some(sym) = func.proto.names.get(name as usize).copied() else {
            return 0;
        };
        let Some(m) = self.cached_instance_method(func, pc as usize, self.stack[window + 1], sym)
        else {
            return 0;
        };
        let crate::object::Object::Closure(c) = self.heap.get(m) else {
            return 0;
        };
        let f = c.func;
        if !f.get().proto.is_method {
            return 0;
        }
        self.push_compiled_frame(f, m, window, argc + 1)
    }

    /// The start of a direct call at `pc` of the top frame with window
    /// register `b`: record where the frame resumes; `None` when the safe
    /// point has work or native nesting is at its limit. Gives the frame's
    /// index and the window's stack slot.
    #[inline(always)]
    fn direct_prologue(&mut self, pc: u32, b: u16) -> Option<(usize, usize)> {
        let fi = self.frames.len().checked_sub(1)?;
        let frame = &mut self.frames[fi];
        frame.pc = pc + 1;
        let window = frame.base as usize + b as usize;
        if self.safe_point_due() || self.jit_nesting >= MAX_NATIVE_NESTING {
            return None;
        }
        Some((fi, window))
    }

    /// The common part of the direct calls: `f` (closure `g`, in register
    /// `window`) called with `params` values after the window.
    #[inline(always)]
    fn push_compiled_frame(
        &mut self,
        f: crate::funcref::FuncRef,
        g: crate::value::Gc,
        window: usize,
        params: u16,
    ) -> usize {
        let info = f.get();
        let p = &info.proto;
        let Some(code) = info.jit_code() else {
            return 0;
        };
        if p.is_generator || params != p.params || self.frames.len() >= self.config.max_depth {
            return 0;
        }
        let nb = window + 1;
        let need = nb + p.regs as usize + 2;
        if need > self.stack.len() && self.ensure_stack(need).is_err() {
            return 0;
        }
        self.push_frame(f, g, nb, window, FrameKind::Normal);
        self.jit_nesting += 1;
        code.entry as usize
    }

    /// What the interpreter does before any call at `pc` of the top frame:
    /// record where the frame resumes and pay the safe point. Gives the
    /// frame's index and the absolute index of window register `b`, or
    /// the status to return.
    fn call_prologue(&mut self, pc: u32, b: u16, stop: usize) -> Result<(usize, usize), u32> {
        let Some(fi) = self.frames.len().checked_sub(1) else {
            return Err(self.jit_step(pc, stop));
        };
        self.frames[fi].pc = pc + 1;
        if self.safe_point_due() {
            if let Err(e) = self.safe_point() {
                return Err(self.call_safe_point_failed(fi, pc, e));
            }
        }
        Ok((fi, self.frames[fi].base as usize + b as usize))
    }

    /// After a general call from frame `fi` at `pc`: a result lands in
    /// the window register; a pushed frame (a constructor, a generator, a
    /// prelude helper) runs in the dispatch loop.
    fn general_call_done(
        &mut self,
        fi: usize,
        pc: u32,
        window: usize,
        r: crate::error::RtResult<Option<Value>>,
    ) -> u32 {
        match r {
            Ok(Some(v)) => {
                self.stack[window] = v;
                status::RESUME
            }
            Ok(None) => status::CONTINUE,
            Err(e) => self.jit_fail(fi, pc + 1, e),
        }
    }

    /// `Return`/`ReturnNil` at `pc` of the top frame with result `v`.
    pub(crate) fn jit_return_top(&mut self, pc: u32, v: Value, stop: usize) -> u32 {
        match self.frames.len().checked_sub(1) {
            Some(fi) => self.jit_return(fi, pc, v, stop),
            None => self.jit_step(pc, stop),
        }
    }

    /// The safe point before a call failed (budget, heap limit): as in the
    /// interpreter, the frame resumes by running the call again.
    #[cold]
    fn call_safe_point_failed(&mut self, fi: usize, pc: u32, e: RtError) -> u32 {
        if matches!(e, RtError::Budget) {
            self.budget_stop.set(crate::limits::BudgetStop::BeforeCall);
        }
        self.fault_exact = true;
        self.jit_fail(fi, pc, e)
    }

    /// Record an error raised at frame `fi`, which resumes at `resume_pc`.
    #[cold]
    fn jit_fail(&mut self, fi: usize, resume_pc: u32, e: RtError) -> u32 {
        if let Some(f) = self.frames.get_mut(fi) {
            f.pc = resume_pc;
        }
        self.jit_error = Some(e);
        status::ERROR
    }

    /// A return from frame `fi`: the interpreter's fast path (an ordinary
    /// frame returning inside this `execute`, no handler left open), or
    /// the interpreter itself.
    fn jit_return(&mut self, fi: usize, pc: u32, v: Value, stop: usize) -> u32 {
        if fi > stop {
            let f = &self.frames[fi];
            if f.kind == FrameKind::Normal && self.handlers.len() <= f.handler_base as usize {
                let ret = f.ret as usize;
                self.frames.pop();
                self.stack[ret] = v;
                return status::CONTINUE;
            }
        }
        self.jit_step(pc, stop)
    }

    /// Frame `fi` (at `pc`, a call) just pushed its callee: run the
    /// callee's compiled code natively when it has some. `RESUME` when the
    /// callee returned into frame `fi`.
    fn run_callee(&mut self, fi: usize, pc: u32, stop: usize) -> u32 {
        let Some(callee) = self.frames.get(fi + 1) else {
            return status::CONTINUE;
        };
        let Some(code) = callee.func.get().jit_code() else {
            // The dispatch loop counts the call and may compile it.
            return status::CONTINUE;
        };
        if self.jit_nesting >= MAX_NATIVE_NESTING {
            return status::CONTINUE;
        }
        let base = callee.base as usize;
        self.jit_nesting += 1;
        let st = self.call_compiled(code, base, 0, stop);
        self.jit_nesting -= 1;
        if st == status::CONTINUE && self.frames.len() == fi + 1 && self.frames[fi].pc == pc + 1 {
            status::RESUME
        } else {
            st
        }
    }
}
