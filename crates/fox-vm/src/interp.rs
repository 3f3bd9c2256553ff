//! The interpreter loop (`sfox`). A `match` over 8-byte instructions in a
//! loop over an explicit frame stack: Morph calls push a `Frame` and
//! continue the outer loop, they never recurse on the Rust stack. What
//! each instruction means lives in `semantics` (shared with the JIT's
//! runtime helpers); this loop reads operands from registers, calls those
//! functions, writes results back and routes errors. Garbage collection and
//! the instruction budget are checked only at safe points (loop back-edges
//! and calls), where every live value is rooted in a register.

use crate::builtins::text::Sink;
use crate::error::{RtError, RtResult, VmError};
use crate::ops::{Arith, Cmp};
use crate::semantics::fast;
use crate::value::Value;
use crate::vm::{FrameKind, Vm};
use fox_bytecode::{Op, NO_REG};

impl Vm {
    /// Run until the frame stack drops back to `stop` frames, routing
    /// errors to handlers. Returns the value of the frame that returned.
    pub fn execute(&mut self, stop: usize) -> Result<Value, VmError> {
        loop {
            match self.run(stop) {
                Ok(v) => return Ok(v),
                Err(e) => self.handle_error(e, stop)?,
            }
        }
    }

    /// Run frames until the frame stack reaches `stop` (the result) or an
    /// error escapes.
    fn run(&mut self, stop: usize) -> RtResult<Value> {
        // The interpreter tier runs a loop with no tiering in it at all.
        if self.config.tier == crate::jitabi::Tier::Interp {
            self.run_loop::<false, false>(stop)
        } else {
            self.run_loop::<false, true>(stop)
        }
    }

    /// Run the one instruction at the top frame's pc (the JIT's step
    /// helper). `Ok(Undef)`: it ran; the frame's pc says where it went on,
    /// or the frame stack changed. Another value: the frame stack reached
    /// `stop` with that result.
    pub(crate) fn run_one(&mut self, stop: usize) -> RtResult<Value> {
        self.run_loop::<true, false>(stop)
    }

    /// The interpreter loop. `SINGLE` stops after one instruction (it runs
    /// on behalf of compiled code); `TIERING` enters compiled code where
    /// there is some and counts calls and loop back-edges towards
    /// compiling (ManajerFox; off for the interpreter tier and in single
    /// steps).
    fn run_loop<const SINGLE: bool, const TIERING: bool>(
        &mut self,
        stop: usize,
    ) -> RtResult<Value> {
        let mut entered = false;
        'frame: loop {
            if SINGLE {
                if entered {
                    return Ok(Value::Undef);
                }
                entered = true;
            }
            let Some(fi) = self.frames.len().checked_sub(1) else {
                return Err(RtError::Internal("no frame to run".into()));
            };
            let frame = &self.frames[fi];
            let func = frame.func.get();
            let closure = frame.closure.get();
            let base = frame.base as usize;
            let start_pc = frame.pc as usize;
            let frame_regs = func.proto.regs as usize;
            if base + frame_regs > self.stack.len() {
                return Err(RtError::Internal("frame outside the register stack".into()));
            }
            // This frame's register window. The register stack never moves
            // (see `regstack`), so the pointer stays valid across calls.
            // SAFETY: base + frame_regs ≤ stack.len() (checked just above),
            // so the offset stays inside the stack's allocation.
            let mut regs: *mut Value = unsafe { self.stack.as_mut_ptr().add(base) };
            // Re-derived after operations that run other code: the value is
            // the same (the stack never moves), but without it the
            // optimiser rebuilds the pointer from spilled parts at every
            // register store of the loop (measured: +3-8 % instructions).
            macro_rules! refresh {
                () => {
                    // SAFETY: as above.
                    regs = unsafe { self.stack.as_mut_ptr().add(base) }
                };
            }
            let code = &func.proto.code[..];
            if start_pc >= code.len() {
                return Err(RtError::Internal("pc past the end of code".into()));
            }
            if TIERING {
                // ManajerFox: run compiled code when there is some, and
                // count calls towards compiling. `hotness` is 0 when the
                // function has compiled code or is due for it, so a call
                // tests one counter for both.
                let due = if start_pc == 0 {
                    // A call: count down (one read-modify-write and a
                    // branch on the borrow).
                    let h = func.hotness.get();
                    func.hotness.set(h.wrapping_sub(1));
                    h == 0
                } else {
                    // A frame resumed (after a call the interpreter ran, a
                    // handler, a generator step): its code may exist, and
                    // be enterable here; elsewhere the frame is interpreted
                    // up to a loop head or the return of a call.
                    func.jit_code().is_some() && func.is_jit_entry(start_pc)
                };
                if due {
                    if let Some(jit) = func.jit_code() {
                        func.hotness.set(0);
                        match self.enter_jit(jit, regs, start_pc, stop)? {
                            Some(v) => return Ok(v),
                            None => continue 'frame,
                        }
                    }
                    self.tier_up(func);
                    if func.jit_code().is_some() {
                        continue 'frame;
                    }
                }
            }
            let code_start: *const Op = code.as_ptr();
            // SAFETY: start_pc < code.len() (checked just above).
            let mut ip: *const Op = unsafe { code_start.add(start_pc) };
            let module = func.module as usize;

            macro_rules! reg {
                ($r:expr) => {
                    // SAFETY: the verifier proved every register operand is
                    // below `frame_regs`, and the window `base..base +
                    // frame_regs` lies inside the stack (checked above; its
                    // length never shrinks while frames run). `regs` derives
                    // from the stack's base pointer, not from a reference,
                    // and no reference into the stack lives across this
                    // access (slices of it are borrowed only inside calls).
                    *unsafe { &mut *regs.add($r as usize) }
                };
            }
            // The registers `start..start+n` as a slice.
            macro_rules! reg_range {
                ($start:expr, $n:expr) => {
                    &self.stack[base + $start as usize..base + $start as usize + $n as usize]
                };
            }
            // The index of the next instruction.
            macro_rules! pc {
                () => {
                    // SAFETY: `ip` always points into (or one past) `code`.
                    (unsafe { ip.offset_from(code_start) }) as usize
                };
            }
            macro_rules! save_pc {
                () => {
                    self.frames[fi].pc = pc!() as u32
                };
            }
            macro_rules! jump {
                ($t:expr) => {
                    // SAFETY: the verifier proved every jump target lies
                    // inside `code`.
                    ip = unsafe { code_start.add($t as usize) }
                };
            }
            // A taken loop back-edge: jump, then the safe point; a hot loop
            // gets compiled and continues in compiled code at its head
            // (on-stack replacement).
            macro_rules! loop_back {
                ($t:expr) => {{
                    jump!($t);
                    if self.safe_point_due() {
                        save_pc!();
                        if let Err(e) = self.safe_point() {
                            // The saved pc (the loop head) is where to resume.
                            self.fault_exact = true;
                            return Err(e);
                        }
                    }
                    if TIERING {
                        // One VM-wide countdown (a read-modify-write on the
                        // VM and a branch, no load of the function); every
                        // `BACK_EDGE_BATCH` back-edges the running function
                        // is charged for the batch.
                        let t = self.back_edge_tick;
                        self.back_edge_tick = t.wrapping_sub(1);
                        if t == 0 {
                            save_pc!();
                            if self.charge_back_edges(func) {
                                continue 'frame;
                            }
                        }
                    }
                }};
            }
            // The safe point before a call: on failure (budget, heap
            // limit) the frame resumes by running the call again.
            macro_rules! call_safe_point {
                () => {
                    if self.safe_point_due() {
                        if let Err(e) = self.safe_point() {
                            self.frames[fi].pc = (pc!() - 1) as u32;
                            if matches!(e, RtError::Budget) {
                                self.budget_stop.set(crate::limits::BudgetStop::BeforeCall);
                            }
                            self.fault_exact = true;
                            return Err(e);
                        }
                    }
                };
            }
            macro_rules! bail {
                ($e:expr) => {{
                    save_pc!();
                    return Err(RtError::from($e));
                }};
            }
            // `tr!` for errors that are rare by nature (data too deep, an
            // operation out of budget): the failure path is a cold call,
            // so it does not weigh on the code around it.
            macro_rules! tr_cold {
                ($e:expr) => {
                    match $e {
                        Ok(v) => v,
                        Err(e) => return Err(self.fail_at(fi, pc!(), e)),
                    }
                };
            }
            macro_rules! tr {
                ($e:expr) => {
                    match $e {
                        Ok(v) => v,
                        Err(e) => bail!(e),
                    }
                };
            }
            macro_rules! konst {
                ($k:expr) => {
                    match func.consts.get($k as usize) {
                        Some(v) => *v,
                        None => bail!(RtError::Internal("constant out of range".into())),
                    }
                };
            }
            macro_rules! name {
                ($n:expr) => {
                    match func.proto.names.get($n as usize) {
                        Some(s) => *s,
                        None => bail!(RtError::Internal("name out of range".into())),
                    }
                };
            }
            // A conditional forward branch: jump when `$cond` holds.
            macro_rules! branch {
                ($cond:expr, $t:expr) => {
                    if $cond {
                        jump!($t);
                    }
                };
            }
            // A fused loop back-edge: loop when `$cond` holds.
            macro_rules! loop_if {
                ($cond:expr, $t:expr) => {
                    if $cond {
                        loop_back!($t);
                    }
                };
            }
            // An instruction whose operation may push a frame: `None` means
            // the new frame runs now and delivers the result itself.
            macro_rules! deliver {
                ($dst:expr, $e:expr) => {
                    match $e {
                        None => continue 'frame,
                        Some(v) => {
                            refresh!();
                            reg!($dst) = v;
                        }
                    }
                };
            }

            // A binary arithmetic instruction: the fast path inline, the
            // general path in `ops` only when it says `None`.
            macro_rules! binary {
                ($dst:expr, $a:expr, $b:expr, $fast:ident, $arith:ident) => {{
                    let (x, y) = (reg!($a), reg!($b));
                    reg!($dst) = match fast::$fast(x, y) {
                        Some(v) => v,
                        None => tr!(self.arith(Arith::$arith, x, y)),
                    };
                }};
            }
            macro_rules! immediate {
                ($dst:expr, $a:expr, $imm:expr, $fast:ident, $arith:ident) => {{
                    let x = reg!($a);
                    reg!($dst) = match fast::$fast(x, $imm) {
                        Some(v) => v,
                        None => tr!(self.arith(Arith::$arith, x, Value::Int($imm as i64))),
                    };
                }};
            }
            macro_rules! ordered {
                ($a:expr, $b:expr, $fast:ident, $cmp:ident) => {{
                    let (x, y) = (reg!($a), reg!($b));
                    match fast::$fast(x, y) {
                        Some(c) => c,
                        None => tr!(self.compare(Cmp::$cmp, x, y)),
                    }
                }};
            }
            macro_rules! ordered_imm {
                ($a:expr, $imm:expr, $fast:ident, $cmp:ident) => {{
                    let x = reg!($a);
                    match fast::$fast(x, $imm) {
                        Some(c) => c,
                        None => tr!(self.compare(Cmp::$cmp, x, Value::Int($imm as i64))),
                    }
                }};
            }
            macro_rules! equal {
                ($a:expr, $b:expr) => {{
                    let (x, y) = (reg!($a), reg!($b));
                    match fast::equal(x, y) {
                        Some(c) => c,
                        None => tr_cold!(self.values_equal(x, y)),
                    }
                }};
            }
            macro_rules! equal_imm {
                ($a:expr, $imm:expr) => {{
                    let x = reg!($a);
                    match fast::equal_imm(x, $imm) {
                        Some(c) => c,
                        None => tr_cold!(self.values_equal(x, Value::Int($imm as i64))),
                    }
                }};
            }

            loop {
                // SAFETY: verified code ends with an instruction that never
                // falls through, and every jump target and resume point lies
                // inside it, so `ip` points at an instruction here.
                let op = unsafe { *ip };
                ip = unsafe { ip.add(1) };
                match op {
                    Op::Nop => {}
                    Op::LoadNil { dst } => reg!(dst) = Value::Nil,
                    Op::LoadBool { dst, value } => reg!(dst) = Value::Bool(value),
                    Op::LoadInt { dst, value } => reg!(dst) = Value::Int(value as i64),
                    Op::LoadConst { dst, k } => reg!(dst) = konst!(k),
                    Op::Move { dst, src } => reg!(dst) = reg!(src),
                    Op::GetGlobal { dst, slot } => {
                        let v = self.global_value(module, slot);
                        if v.is_undef() {
                            bail!(self.undefined_global(module, slot));
                        }
                        reg!(dst) = v;
                    }
                    Op::SetGlobal { src, slot } => tr!(self.op_set_global(module, slot, reg!(src))),
                    Op::MakeCell { reg: r } => reg!(r) = self.op_make_cell(reg!(r)),
                    Op::GetCell { dst, cell } => reg!(dst) = tr!(self.op_get_cell(reg!(cell))),
                    Op::SetCell { cell, src } => tr!(self.op_set_cell(reg!(cell), reg!(src))),
                    Op::GetUpval { dst, idx } => reg!(dst) = tr!(self.op_get_upval(closure, idx)),
                    Op::SetUpval { idx, src } => tr!(self.op_set_upval(closure, idx, reg!(src))),
                    Op::Closure { dst, proto } => {
                        reg!(dst) = tr!(self.op_closure(func, closure, base, proto))
                    }

                    Op::Add { dst, a, b } => binary!(dst, a, b, add, Add),
                    Op::Sub { dst, a, b } => binary!(dst, a, b, sub, Sub),
                    Op::Mul { dst, a, b } => binary!(dst, a, b, mul, Mul),
                    Op::Div { dst, a, b } => binary!(dst, a, b, div, Div),
                    Op::Mod { dst, a, b } => binary!(dst, a, b, modulo, Mod),
                    Op::AddI { dst, a, imm } => immediate!(dst, a, imm, add_imm, Add),
                    Op::SubI { dst, a, imm } => immediate!(dst, a, imm, sub_imm, Sub),
                    Op::MulI { dst, a, imm } => immediate!(dst, a, imm, mul_imm, Mul),
                    Op::ModI { dst, a, imm } => immediate!(dst, a, imm, mod_imm, Mod),
                    Op::BitAnd { dst, a, b } => binary!(dst, a, b, bit_and, And),
                    Op::BitOr { dst, a, b } => binary!(dst, a, b, bit_or, Or),
                    Op::BitXor { dst, a, b } => binary!(dst, a, b, bit_xor, Xor),
                    Op::Shl { dst, a, b } => binary!(dst, a, b, shift, Shl),
                    Op::Shr { dst, a, b } => binary!(dst, a, b, shift, Shr),
                    Op::Neg { dst, src } => {
                        let x = reg!(src);
                        reg!(dst) = match fast::neg(x) {
                            Some(v) => v,
                            None => tr!(self.negate(x)),
                        };
                    }
                    Op::Not { dst, src } => reg!(dst) = self.op_not(reg!(src)),
                    Op::BitNot { dst, src } => reg!(dst) = tr!(self.bit_not(reg!(src))),
                    Op::Eq { dst, a, b } => reg!(dst) = Value::Bool(equal!(a, b)),
                    Op::Ne { dst, a, b } => reg!(dst) = Value::Bool(!equal!(a, b)),
                    Op::Lt { dst, a, b } => reg!(dst) = Value::Bool(ordered!(a, b, lt, Lt)),
                    Op::Le { dst, a, b } => reg!(dst) = Value::Bool(ordered!(a, b, le, Le)),
                    Op::Gt { dst, a, b } => reg!(dst) = Value::Bool(ordered!(a, b, gt, Gt)),
                    Op::Ge { dst, a, b } => reg!(dst) = Value::Bool(ordered!(a, b, ge, Ge)),
                    Op::JumpIfNotLt { a, b, target } => {
                        branch!(!ordered!(a, b, lt, Lt), target)
                    }
                    Op::JumpIfNotLe { a, b, target } => {
                        branch!(!ordered!(a, b, le, Le), target)
                    }
                    Op::JumpIfNotGt { a, b, target } => {
                        branch!(!ordered!(a, b, gt, Gt), target)
                    }
                    Op::JumpIfNotGe { a, b, target } => {
                        branch!(!ordered!(a, b, ge, Ge), target)
                    }
                    Op::JumpIfNotEq { a, b, target } => {
                        branch!(!equal!(a, b), target)
                    }
                    Op::JumpIfNotNe { a, b, target } => {
                        branch!(equal!(a, b), target)
                    }
                    Op::JumpIfNotLtI { a, imm, target } => {
                        branch!(!ordered_imm!(a, imm, lt_imm, Lt), target)
                    }
                    Op::JumpIfNotLeI { a, imm, target } => {
                        branch!(!ordered_imm!(a, imm, le_imm, Le), target)
                    }
                    Op::JumpIfNotGtI { a, imm, target } => {
                        branch!(!ordered_imm!(a, imm, gt_imm, Gt), target)
                    }
                    Op::JumpIfNotGeI { a, imm, target } => {
                        branch!(!ordered_imm!(a, imm, ge_imm, Ge), target)
                    }
                    Op::JumpIfNotEqI { a, imm, target } => {
                        branch!(!equal_imm!(a, imm), target)
                    }
                    Op::JumpIfNotNeI { a, imm, target } => {
                        branch!(equal_imm!(a, imm), target)
                    }
                    Op::LoopIfLt { a, b, target } => {
                        loop_if!(ordered!(a, b, lt, Lt), target)
                    }
                    Op::LoopIfLe { a, b, target } => {
                        loop_if!(ordered!(a, b, le, Le), target)
                    }
                    Op::LoopIfGt { a, b, target } => {
                        loop_if!(ordered!(a, b, gt, Gt), target)
                    }
                    Op::LoopIfGe { a, b, target } => {
                        loop_if!(ordered!(a, b, ge, Ge), target)
                    }
                    Op::LoopIfEq { a, b, target } => {
                        loop_if!(equal!(a, b), target)
                    }
                    Op::LoopIfNe { a, b, target } => {
                        loop_if!(!equal!(a, b), target)
                    }
                    Op::LoopIfLtI { a, imm, target } => {
                        loop_if!(ordered_imm!(a, imm, lt_imm, Lt), target)
                    }
                    Op::LoopIfLeI { a, imm, target } => {
                        loop_if!(ordered_imm!(a, imm, le_imm, Le), target)
                    }
                    Op::LoopIfGtI { a, imm, target } => {
                        loop_if!(ordered_imm!(a, imm, gt_imm, Gt), target)
                    }
                    Op::LoopIfGeI { a, imm, target } => {
                        loop_if!(ordered_imm!(a, imm, ge_imm, Ge), target)
                    }
                    Op::LoopIfEqI { a, imm, target } => {
                        loop_if!(equal_imm!(a, imm), target)
                    }
                    Op::LoopIfNeI { a, imm, target } => {
                        loop_if!(!equal_imm!(a, imm), target)
                    }
                    Op::JumpIfNotNil { a, target } => branch!(!reg!(a).is_nil(), target),
                    Op::JumpIfNil { a, target } => branch!(reg!(a).is_nil(), target),
                    Op::Jump { target } => jump!(target),
                    Op::Loop { target } => loop_back!(target),
                    Op::JumpIfFalse { cond, target } => branch!(!self.op_truth(reg!(cond)), target),
                    Op::JumpIfTrue { cond, target } => branch!(self.op_truth(reg!(cond)), target),

                    Op::Call { base: b, argc } => {
                        save_pc!();
                        call_safe_point!();
                        let window = base + b as usize;
                        if tr!(self.try_enter_closure(window, argc)) {
                            continue 'frame;
                        }
                        deliver!(b, tr!(self.call_value(window, argc as usize)));
                    }
                    Op::CallMethod {
                        base: b,
                        argc,
                        name,
                    } => {
                        let sym = name!(name);
                        save_pc!();
                        call_safe_point!();
                        let window = base + b as usize;
                        if tr!(self.try_enter_method(func, pc!() - 1, window, argc, sym)) {
                            continue 'frame;
                        }
                        deliver!(b, tr!(self.call_method(window, argc as usize, sym)));
                    }
                    Op::CallLen { dst, arg, slot } => {
                        match tr!(self.op_len_builtin(module, slot, reg!(arg))) {
                            Some(v) => reg!(dst) = v,
                            None => {
                                save_pc!();
                                let (scratch, to) = (base + frame_regs, base + dst as usize);
                                let arg = reg!(arg);
                                let r = self.call_len_shadowed(module, slot, arg, scratch, to);
                                deliver!(dst, tr!(r));
                            }
                        }
                    }
                    Op::Return { src } => {
                        let v = reg!(src);
                        // Fast path: an ordinary frame returning to a caller
                        // inside this `execute`, with no handler left open.
                        if fi > stop {
                            let f = &self.frames[fi];
                            if f.kind == FrameKind::Normal
                                && self.handlers.len() <= f.handler_base as usize
                            {
                                let ret = f.ret as usize;
                                self.frames.pop();
                                self.stack[ret] = v;
                                continue 'frame;
                            }
                        }
                        save_pc!();
                        match self.do_return(v, stop)? {
                            Some(v) => return Ok(v),
                            None => continue 'frame,
                        }
                    }
                    Op::ReturnNil => {
                        save_pc!();
                        match self.do_return(Value::Nil, stop)? {
                            Some(v) => return Ok(v),
                            None => continue 'frame,
                        }
                    }

                    Op::GetAttr { dst, obj, name } => {
                        let (o, sym) = (reg!(obj), name!(name));
                        reg!(dst) = match self.get_attr_fast(o, sym) {
                            Some(v) => v,
                            None => tr!(self.get_attr(o, sym)),
                        };
                    }
                    Op::SetAttr { obj, name, src } => {
                        let (o, sym, v) = (reg!(obj), name!(name), reg!(src));
                        if !self.set_attr_fast(o, sym, v) {
                            tr!(self.set_attr(o, sym, v));
                        }
                    }
                    Op::GetSuper { dst, name } => {
                        reg!(dst) = tr!(self.op_get_super(closure, reg!(0), name!(name)))
                    }
                    Op::GetIndexI { dst, obj, idx } => {
                        let (o, k) = (reg!(obj), Value::Int(idx as i64));
                        reg!(dst) = match self.get_index_fast(o, k) {
                            Some(v) => v,
                            None => tr!(self.get_index(o, k)),
                        };
                    }
                    Op::SetIndexI { obj, idx, src } => {
                        let (o, k, v) = (reg!(obj), Value::Int(idx as i64), reg!(src));
                        if !self.set_index_fast(o, k, v) {
                            tr!(self.set_index(o, k, v));
                        }
                    }
                    Op::GetIndex { dst, obj, key } => {
                        let (o, k) = (reg!(obj), reg!(key));
                        reg!(dst) = match self.get_index_fast(o, k) {
                            Some(v) => v,
                            None => tr!(self.get_index(o, k)),
                        };
                    }
                    Op::SetIndex { obj, key, src } => {
                        let (o, k, v) = (reg!(obj), reg!(key), reg!(src));
                        if !self.set_index_fast(o, k, v) {
                            tr!(self.set_index(o, k, v));
                        }
                    }
                    Op::Slice { dst, obj, lo } => {
                        reg!(dst) = tr!(self.slice(reg!(obj), reg!(lo), reg!(lo + 1)))
                    }
                    Op::NewList { dst, start, count } => {
                        let items = reg_range!(start, count).to_vec();
                        reg!(dst) = self.op_new_list_owned(items);
                    }
                    Op::NewDict { dst, start, count } => {
                        let pairs = reg_range!(start, 2 * count as usize).to_vec();
                        reg!(dst) = tr!(self.op_new_dict(&pairs));
                    }
                    // Conversions to text may hand over to the prelude (a
                    // class's own `teks()`), whose frame then delivers the
                    // result: into `dst`, or into the scratch slot above
                    // this frame for the ones that only write.
                    Op::Interp { dst, start, count } => {
                        save_pc!();
                        let (from, to) = (base + start as usize, base + dst as usize);
                        let r = self.text_op(from, count as usize, "", Sink::Value, to);
                        deliver!(dst, tr_cold!(r));
                    }
                    Op::Print { start, count } => {
                        save_pc!();
                        let (from, to) = (base + start as usize, base + frame_regs);
                        if tr_cold!(self.text_op(from, count as usize, " ", Sink::Line, to))
                            .is_none()
                        {
                            continue 'frame;
                        }
                    }
                    Op::WriteStr { src } => {
                        save_pc!();
                        let (from, to) = (base + src as usize, base + frame_regs);
                        if tr_cold!(self.text_op(from, 1, "", Sink::Write, to)).is_none() {
                            continue 'frame;
                        }
                    }
                    Op::Unpack { dst, src, count } => {
                        let items = tr!(self.op_unpack(reg!(src), count));
                        for (i, x) in items.into_iter().enumerate() {
                            reg!(dst as usize + i) = x;
                        }
                    }

                    Op::Class { dst, name, parent } => {
                        let parent = (parent != NO_REG).then(|| reg!(parent));
                        reg!(dst) = tr!(self.op_class(konst!(name), parent));
                    }
                    Op::Method {
                        class,
                        name,
                        func: f,
                    } => {
                        tr!(self.op_method(reg!(class), name!(name), reg!(f)))
                    }
                    Op::VariantCtor { dst, name, arity } => {
                        reg!(dst) = self.op_variant_ctor(konst!(name), arity)
                    }
                    Op::IsVariant {
                        dst,
                        src,
                        name,
                        arity,
                    } => reg!(dst) = Value::Bool(self.op_is_variant(reg!(src), name!(name), arity)),
                    Op::VariantField { dst, src, idx } => {
                        reg!(dst) = self.op_variant_field(reg!(src), idx)
                    }
                    Op::IsListLen {
                        dst,
                        src,
                        len,
                        at_least,
                    } => reg!(dst) = Value::Bool(self.op_is_list_len(reg!(src), len, at_least)),
                    Op::ListTail { dst, src, from } => {
                        reg!(dst) = tr_cold!(self.op_list_tail(reg!(src), from))
                    }

                    Op::PushHandler { target, reg } => self.op_push_handler(fi, target, reg),
                    Op::PopHandler => self.op_pop_handler(fi),
                    Op::Throw { value, kind } => {
                        let v = reg!(value);
                        let k = (kind != NO_REG).then(|| reg!(kind));
                        save_pc!();
                        let e = self.throw_value(v, k);
                        bail!(RtError::Thrown(e));
                    }
                    Op::Rethrow { value } => bail!(RtError::Thrown(reg!(value))),
                    Op::Yield { src } => {
                        let v = reg!(src);
                        save_pc!();
                        match self.yield_generator(v, stop)? {
                            Some(v) => return Ok(v),
                            None => continue 'frame,
                        }
                    }
                    Op::Resume { dst, gen } => {
                        let g = reg!(gen);
                        save_pc!();
                        deliver!(dst, tr!(self.resume_generator(g, base + dst as usize)));
                    }
                    Op::Import { dst, path } => {
                        let p = konst!(path);
                        let path_text = self.str_ref(p).unwrap_or("").to_string();
                        save_pc!();
                        deliver!(dst, tr!(self.import(&path_text, base + dst as usize)));
                    }
                }
                if SINGLE {
                    save_pc!();
                    return Ok(Value::Undef);
                }
            }
        }
    }

    /// Record `pc` (the next instruction) as frame `fi`'s place and pass
    /// the error on; the cold failure path of `tr_cold!`.
    #[cold]
    #[inline(never)]
    fn fail_at(&mut self, fi: usize, pc: usize, e: RtError) -> RtError {
        if let Some(f) = self.frames.get_mut(fi) {
            f.pc = pc as u32;
        }
        e
    }
}
