//! The interpreter loop (`sfox`). A `match` over 8-byte instructions in a
//! loop over an explicit frame stack: Morph calls push a `Frame` and
//! continue the outer loop, they never recurse on the Rust stack. Integer and
//! float fast paths are inline; everything else goes to the slow paths in
//! `ops`, `call`, `attr` and `index`. Garbage collection and the
//! instruction budget are checked only at safe points (loop back-edges and
//! calls), where every live value is rooted in a register.

use crate::builtins::text::Sink;
use crate::codes;
use crate::error::{RtError, RtResult, VmError};
use crate::number::int_mod;
use crate::object::{Closure, Object, SavedHandler, Variant};
use crate::ops::{Arith, Cmp};
use crate::value::Value;
use crate::value::V;
use crate::vm::{FrameKind, Handler, Vm};
use fox_bytecode::{Capture, Op, NO_REG};

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

    /// Pop the returning frame and deliver its result. `Some` when the
    /// frame stack reached `stop`.
    #[inline]
    fn do_return(&mut self, v: Value, stop: usize) -> RtResult<Option<Value>> {
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
                    gen.state = crate::object::GenState::Done;
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

    /// Safe point: charge the budget (at the end of a slice, look at the
    /// interrupt flag), collect garbage if due.
    #[inline]
    fn safe_point(&mut self) -> RtResult<()> {
        self.pay_budget_point()?;
        if self.heap.wants_gc() {
            self.collect_garbage();
            if let Some(e) = self.heap.over_limit() {
                return Err(e.into());
            }
        }
        Ok(())
    }

    fn run(&mut self, stop: usize) -> RtResult<Value> {
        'frame: loop {
            let Some(fi) = self.frames.len().checked_sub(1) else {
                return Err(RtError::Internal("no frame to run".into()));
            };
            let frame = &self.frames[fi];
            let func = frame.func.get();
            let closure = frame.closure;
            let base = frame.base as usize;
            let start_pc = frame.pc as usize;
            let frame_regs = func.proto.regs as usize;
            if base + frame_regs > self.stack.len() {
                return Err(RtError::Internal("frame outside the register stack".into()));
            }
            // Register window of this frame. Refreshed (`refresh!`) after
            // every operation that may grow (reallocate) the stack.
            let mut regs: *mut Value = self.stack[base..].as_mut_ptr();
            let code = &func.proto.code[..];
            if start_pc >= code.len() {
                return Err(RtError::Internal("pc past the end of code".into()));
            }
            let code_start: *const Op = code.as_ptr();
            // SAFETY: start_pc < code.len() (checked just above).
            let mut ip: *const Op = unsafe { code_start.add(start_pc) };
            let module = func.module as usize;

            macro_rules! reg {
                ($r:expr) => {
                    // SAFETY: the verifier proved every register operand is
                    // below `frame_regs`; the window `base..base+frame_regs`
                    // lies inside the stack (checked above; the stack never
                    // shrinks); `regs` is re-derived after any call that may
                    // reallocate it, and the loop touches the stack only
                    // through `regs`.
                    *unsafe { &mut *regs.add($r as usize) }
                };
            }
            macro_rules! refresh {
                () => {
                    regs = self.stack[base..].as_mut_ptr()
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
            // A taken loop back-edge: jump, then the safe point.
            macro_rules! loop_back {
                ($t:expr) => {{
                    jump!($t);
                    if self.budget != u64::MAX || self.heap.wants_gc() {
                        save_pc!();
                        if let Err(e) = self.safe_point() {
                            // The saved pc (the loop head) is where to resume.
                            self.fault_exact = true;
                            return Err(e);
                        }
                    }
                }};
            }
            // The safe point before a call: on failure (budget, heap
            // limit) the frame resumes by running the call again.
            macro_rules! call_safe_point {
                () => {
                    if self.budget != u64::MAX || self.heap.wants_gc() {
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
            macro_rules! arith {
                ($dst:expr, $a:expr, $b:expr, $op:expr, $int:expr, $float:expr) => {{
                    let (x, y) = (reg!($a), reg!($b));
                    let fast = if let (Some(i), Some(j)) = (x.as_int(), y.as_int()) {
                        $int(i, j).and_then(Value::small_int)
                    } else if let (Some(p), Some(q)) = (x.as_float(), y.as_float()) {
                        $float(p, q).map(Value::Float)
                    } else if let (Some(i), Some(q)) = (x.as_int(), y.as_float()) {
                        // Python converts the int (rounding to nearest, as
                        // `as f64` does) and computes in floats.
                        $float(i as f64, q).map(Value::Float)
                    } else if let (Some(p), Some(j)) = (x.as_float(), y.as_int()) {
                        $float(p, j as f64).map(Value::Float)
                    } else {
                        None
                    };
                    reg!($dst) = match fast {
                        Some(v) => v,
                        None => tr!(self.arith($op, x, y)),
                    };
                }};
            }
            macro_rules! arith_imm {
                ($dst:expr, $a:expr, $imm:expr, $op:expr, $int:expr, $float:expr) => {{
                    let x = reg!($a);
                    let j = $imm as i64;
                    let fast = if let Some(i) = x.as_int() {
                        $int(i, j).and_then(Value::small_int)
                    } else if let Some(p) = x.as_float() {
                        $float(p, j as f64).map(Value::Float)
                    } else {
                        None
                    };
                    reg!($dst) = match fast {
                        Some(v) => v,
                        None => tr!(self.arith($op, x, Value::Int(j))),
                    };
                }};
            }
            macro_rules! compare {
                ($a:expr, $b:expr, $cmp:expr, $op:tt) => {{
                    let (x, y) = (reg!($a), reg!($b));
                    if let (Some(i), Some(j)) = (x.as_int(), y.as_int()) {
                        i $op j
                    } else if let (Some(p), Some(q)) = (x.as_float(), y.as_float()) {
                        p $op q
                    } else {
                        // Inline ints convert to f64 exactly (|i| < 2^47).
                        match (x.as_int(), y.as_float(), x.as_float(), y.as_int()) {
                            (Some(i), Some(q), _, _) => (i as f64) $op q,
                            (_, _, Some(p), Some(j)) => p $op (j as f64),
                            _ => tr!(self.compare($cmp, x, y)),
                        }
                    }
                }};
            }
            macro_rules! compare_imm {
                ($a:expr, $imm:expr, $cmp:expr, $op:tt) => {{
                    let x = reg!($a);
                    if let Some(i) = x.as_int() {
                        i $op ($imm as i64)
                    } else if let Some(p) = x.as_float() {
                        p $op ($imm as f64)
                    } else {
                        tr!(self.compare($cmp, x, Value::Int($imm as i64)))
                    }
                }};
            }
            macro_rules! equal_imm {
                ($a:expr, $imm:expr) => {{
                    let x = reg!($a);
                    match x.as_int() {
                        Some(i) => i == $imm as i64,
                        None => tr_cold!(self.values_equal(x, Value::Int($imm as i64))),
                    }
                }};
            }
            macro_rules! equal {
                ($a:expr, $b:expr) => {{
                    let (x, y) = (reg!($a), reg!($b));
                    if x.same(y) && x.as_float().is_none() {
                        // Identical non-float words are equal (floats: NaN).
                        true
                    } else if let (Some(i), Some(j)) = (x.as_int(), y.as_int()) {
                        i == j
                    } else if x.is_nil() || y.is_nil() {
                        false
                    } else {
                        tr_cold!(self.values_equal(x, y))
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
                        let v = self.modules[module]
                            .globals
                            .get(slot as usize)
                            .copied()
                            .unwrap_or(Value::Undef);
                        if let Value::Undef = v {
                            let name = self.modules[module]
                                .names
                                .get(slot as usize)
                                .map(|n| n.to_string())
                                .unwrap_or_default();
                            bail!(self.undefined_name(&name));
                        }
                        reg!(dst) = v;
                    }
                    Op::SetGlobal { src, slot } => {
                        let v = reg!(src);
                        match self.modules[module].globals.get_mut(slot as usize) {
                            Some(s) => *s = v,
                            None => bail!(RtError::Internal("global slot out of range".into())),
                        }
                    }
                    Op::MakeCell { reg: r } => {
                        let v = reg!(r);
                        reg!(r) = self.alloc(Object::Cell(v));
                    }
                    Op::GetCell { dst, cell } => {
                        let v = match reg!(cell).unpack() {
                            V::Obj(g) => match self.heap.get(g) {
                                Object::Cell(v) => *v,
                                _ => bail!(RtError::Internal("register is not a cell".into())),
                            },
                            _ => bail!(RtError::Internal("register is not a cell".into())),
                        };
                        reg!(dst) = v;
                    }
                    Op::SetCell { cell, src } => {
                        let v = reg!(src);
                        if let Some(g) = reg!(cell).as_obj() {
                            if let Object::Cell(slot) = self.heap.get_mut(g) {
                                *slot = v;
                                continue;
                            }
                        }
                        bail!(RtError::Internal("register is not a cell".into()));
                    }
                    Op::GetUpval { dst, idx } => {
                        let cell = closure.and_then(|c| match self.heap.get(c) {
                            Object::Closure(cl) => cl.captures.get(idx as usize).copied(),
                            _ => None,
                        });
                        match cell.map(|g| self.heap.get(g)) {
                            Some(Object::Cell(v)) => reg!(dst) = *v,
                            _ => bail!(RtError::Internal("bad upvalue".into())),
                        }
                    }
                    Op::SetUpval { idx, src } => {
                        let v = reg!(src);
                        let cell = closure.and_then(|c| match self.heap.get(c) {
                            Object::Closure(cl) => cl.captures.get(idx as usize).copied(),
                            _ => None,
                        });
                        match cell.map(|g| self.heap.get_mut(g)) {
                            Some(Object::Cell(slot)) => *slot = v,
                            _ => bail!(RtError::Internal("bad upvalue".into())),
                        }
                    }
                    Op::Closure { dst, proto } => {
                        let Some(child) = func.children.get(proto as usize).copied() else {
                            bail!(RtError::Internal("prototype out of range".into()));
                        };
                        let mut caps = Vec::with_capacity(child.get().proto.captures.len());
                        for c in &child.get().proto.captures {
                            let g = match *c {
                                Capture::Local(r) => reg!(r).as_obj(),
                                Capture::Upval(i) => closure.and_then(|c| match self.heap.get(c) {
                                    Object::Closure(cl) => cl.captures.get(i as usize).copied(),
                                    _ => None,
                                }),
                            };
                            match g {
                                Some(g) => caps.push(g),
                                None => bail!(RtError::Internal("bad capture".into())),
                            }
                        }
                        reg!(dst) = self.alloc(Object::Closure(Closure {
                            func: child,
                            captures: caps.into_boxed_slice(),
                            home_class: None,
                        }));
                    }

                    Op::Add { dst, a, b } => {
                        arith!(dst, a, b, Arith::Add, i64::checked_add, |p: f64, q: f64| {
                            Some(p + q)
                        })
                    }
                    Op::Sub { dst, a, b } => {
                        arith!(dst, a, b, Arith::Sub, i64::checked_sub, |p: f64, q: f64| {
                            Some(p - q)
                        })
                    }
                    Op::Mul { dst, a, b } => {
                        arith!(dst, a, b, Arith::Mul, i64::checked_mul, |p: f64, q: f64| {
                            Some(p * q)
                        })
                    }
                    Op::Div { dst, a, b } => {
                        let (x, y) = (reg!(a), reg!(b));
                        // Inline ints (|i| < 2^47) convert to f64 exactly, so
                        // one IEEE division is Python's correctly rounded result.
                        let v = match (x.unpack(), y.unpack()) {
                            (V::Float(p), V::Float(q)) if q != 0.0 => Value::Float(p / q),
                            (V::Int(i), V::Int(j)) if j != 0 => Value::Float(i as f64 / j as f64),
                            (V::Float(p), V::Int(j)) if j != 0 => Value::Float(p / j as f64),
                            (V::Int(i), V::Float(q)) if q != 0.0 => Value::Float(i as f64 / q),
                            _ => tr!(self.arith(Arith::Div, x, y)),
                        };
                        reg!(dst) = v;
                    }
                    Op::Mod { dst, a, b } => arith!(
                        dst,
                        a,
                        b,
                        Arith::Mod,
                        |i, j| if j == 0 { None } else { int_mod(i, j) },
                        |_p: f64, _q: f64| None
                    ),
                    Op::AddI { dst, a, imm } => arith_imm!(
                        dst,
                        a,
                        imm,
                        Arith::Add,
                        i64::checked_add,
                        |p: f64, q: f64| Some(p + q)
                    ),
                    Op::SubI { dst, a, imm } => arith_imm!(
                        dst,
                        a,
                        imm,
                        Arith::Sub,
                        i64::checked_sub,
                        |p: f64, q: f64| Some(p - q)
                    ),
                    Op::MulI { dst, a, imm } => arith_imm!(
                        dst,
                        a,
                        imm,
                        Arith::Mul,
                        i64::checked_mul,
                        |p: f64, q: f64| Some(p * q)
                    ),
                    Op::ModI { dst, a, imm } => arith_imm!(
                        dst,
                        a,
                        imm,
                        Arith::Mod,
                        |i, j| if j == 0 { None } else { int_mod(i, j) },
                        |_p: f64, _q: f64| None
                    ),
                    Op::BitAnd { dst, a, b } => arith!(
                        dst,
                        a,
                        b,
                        Arith::And,
                        |i: i64, j: i64| Some(i & j),
                        |_p: f64, _q: f64| None
                    ),
                    Op::BitOr { dst, a, b } => arith!(
                        dst,
                        a,
                        b,
                        Arith::Or,
                        |i: i64, j: i64| Some(i | j),
                        |_p: f64, _q: f64| None
                    ),
                    Op::BitXor { dst, a, b } => arith!(
                        dst,
                        a,
                        b,
                        Arith::Xor,
                        |i: i64, j: i64| Some(i ^ j),
                        |_p: f64, _q: f64| None
                    ),
                    Op::Shl { dst, a, b } => {
                        let (x, y) = (reg!(a), reg!(b));
                        reg!(dst) = tr!(self.arith(Arith::Shl, x, y));
                    }
                    Op::Shr { dst, a, b } => {
                        let (x, y) = (reg!(a), reg!(b));
                        reg!(dst) = tr!(self.arith(Arith::Shr, x, y));
                    }
                    Op::Neg { dst, src } => {
                        let x = reg!(src);
                        reg!(dst) = match x.unpack() {
                            // -INT_MIN does not fit inline: the slow path boxes it.
                            V::Int(i) if i != crate::value::INT_MIN => Value::Int(-i),
                            V::Float(f) => Value::Float(-f),
                            _ => tr!(self.negate(x)),
                        };
                    }
                    Op::Not { dst, src } => {
                        let x = reg!(src);
                        reg!(dst) = Value::Bool(!self.truthy(x));
                    }
                    Op::BitNot { dst, src } => {
                        let x = reg!(src);
                        reg!(dst) = tr!(self.bit_not(x));
                    }
                    Op::Eq { dst, a, b } => reg!(dst) = Value::Bool(equal!(a, b)),
                    Op::Ne { dst, a, b } => reg!(dst) = Value::Bool(!equal!(a, b)),
                    Op::Lt { dst, a, b } => reg!(dst) = Value::Bool(compare!(a, b, Cmp::Lt, <)),
                    Op::Le { dst, a, b } => reg!(dst) = Value::Bool(compare!(a, b, Cmp::Le, <=)),
                    Op::Gt { dst, a, b } => reg!(dst) = Value::Bool(compare!(a, b, Cmp::Gt, >)),
                    Op::Ge { dst, a, b } => reg!(dst) = Value::Bool(compare!(a, b, Cmp::Ge, >=)),
                    Op::JumpIfNotLt { a, b, target } => {
                        if !compare!(a, b, Cmp::Lt, <) {
                            jump!(target);
                        }
                    }
                    Op::JumpIfNotLe { a, b, target } => {
                        if !compare!(a, b, Cmp::Le, <=) {
                            jump!(target);
                        }
                    }
                    Op::JumpIfNotGt { a, b, target } => {
                        if !compare!(a, b, Cmp::Gt, >) {
                            jump!(target);
                        }
                    }
                    Op::JumpIfNotGe { a, b, target } => {
                        if !compare!(a, b, Cmp::Ge, >=) {
                            jump!(target);
                        }
                    }
                    Op::JumpIfNotEq { a, b, target } => {
                        if !equal!(a, b) {
                            jump!(target);
                        }
                    }
                    Op::JumpIfNotNe { a, b, target } => {
                        if equal!(a, b) {
                            jump!(target);
                        }
                    }
                    Op::JumpIfNotLtI { a, imm, target } => {
                        if !compare_imm!(a, imm, Cmp::Lt, <) {
                            jump!(target);
                        }
                    }
                    Op::JumpIfNotLeI { a, imm, target } => {
                        if !compare_imm!(a, imm, Cmp::Le, <=) {
                            jump!(target);
                        }
                    }
                    Op::JumpIfNotGtI { a, imm, target } => {
                        if !compare_imm!(a, imm, Cmp::Gt, >) {
                            jump!(target);
                        }
                    }
                    Op::JumpIfNotGeI { a, imm, target } => {
                        if !compare_imm!(a, imm, Cmp::Ge, >=) {
                            jump!(target);
                        }
                    }
                    Op::JumpIfNotEqI { a, imm, target } => {
                        let eq = equal_imm!(a, imm);
                        if !eq {
                            jump!(target);
                        }
                    }
                    Op::JumpIfNotNeI { a, imm, target } => {
                        let eq = equal_imm!(a, imm);
                        if eq {
                            jump!(target);
                        }
                    }
                    Op::LoopIfLt { a, b, target } => {
                        if compare!(a, b, Cmp::Lt, <) {
                            loop_back!(target);
                        }
                    }
                    Op::LoopIfLe { a, b, target } => {
                        if compare!(a, b, Cmp::Le, <=) {
                            loop_back!(target);
                        }
                    }
                    Op::LoopIfGt { a, b, target } => {
                        if compare!(a, b, Cmp::Gt, >) {
                            loop_back!(target);
                        }
                    }
                    Op::LoopIfGe { a, b, target } => {
                        if compare!(a, b, Cmp::Ge, >=) {
                            loop_back!(target);
                        }
                    }
                    Op::LoopIfEq { a, b, target } => {
                        if equal!(a, b) {
                            loop_back!(target);
                        }
                    }
                    Op::LoopIfNe { a, b, target } => {
                        if !equal!(a, b) {
                            loop_back!(target);
                        }
                    }
                    Op::LoopIfLtI { a, imm, target } => {
                        if compare_imm!(a, imm, Cmp::Lt, <) {
                            loop_back!(target);
                        }
                    }
                    Op::LoopIfLeI { a, imm, target } => {
                        if compare_imm!(a, imm, Cmp::Le, <=) {
                            loop_back!(target);
                        }
                    }
                    Op::LoopIfGtI { a, imm, target } => {
                        if compare_imm!(a, imm, Cmp::Gt, >) {
                            loop_back!(target);
                        }
                    }
                    Op::LoopIfGeI { a, imm, target } => {
                        if compare_imm!(a, imm, Cmp::Ge, >=) {
                            loop_back!(target);
                        }
                    }
                    Op::LoopIfEqI { a, imm, target } => {
                        let eq = equal_imm!(a, imm);
                        if eq {
                            loop_back!(target);
                        }
                    }
                    Op::LoopIfNeI { a, imm, target } => {
                        let eq = equal_imm!(a, imm);
                        if !eq {
                            loop_back!(target);
                        }
                    }
                    Op::JumpIfNotNil { a, target } => {
                        if !reg!(a).is_nil() {
                            jump!(target);
                        }
                    }
                    Op::JumpIfNil { a, target } => {
                        if reg!(a).is_nil() {
                            jump!(target);
                        }
                    }
                    Op::Jump { target } => jump!(target),
                    Op::Loop { target } => {
                        loop_back!(target);
                    }
                    Op::JumpIfFalse { cond, target } => {
                        let v = reg!(cond);
                        let c = match v.as_bool() {
                            Some(b) => b,
                            None => self.truthy(v),
                        };
                        if !c {
                            jump!(target);
                        }
                    }
                    Op::JumpIfTrue { cond, target } => {
                        let v = reg!(cond);
                        let c = match v.as_bool() {
                            Some(b) => b,
                            None => self.truthy(v),
                        };
                        if c {
                            jump!(target);
                        }
                    }

                    Op::Call { base: b, argc } => {
                        save_pc!();
                        call_safe_point!();
                        // Fast path: a plain (non-generator) closure with
                        // an acceptable argument count.
                        if let Some(g) = reg!(b).as_obj() {
                            if let Object::Closure(c) = self.heap.get(g) {
                                let f = c.func;
                                let p = &f.get().proto;
                                if !p.is_generator
                                    && argc <= p.params
                                    && self.frames.len() < self.config.max_depth
                                {
                                    let nb = base + b as usize + 1;
                                    let nregs = p.regs as usize;
                                    self.ensure_stack(nb + nregs + 2);
                                    // Missing parameters are nil; other locals are
                                    // initialised by the callee's code.
                                    self.stack[nb + argc as usize..nb + p.params as usize]
                                        .fill(Value::Nil);
                                    self.frames.push(crate::vm::Frame {
                                        func: f,
                                        closure: Some(g),
                                        pc: 0,
                                        base: nb as u32,
                                        ret: (nb - 1) as u32,
                                        kind: FrameKind::Normal,
                                        handler_base: self.handlers.len() as u32,
                                    });
                                    continue 'frame;
                                }
                            }
                        }
                        match tr!(self.call_value(base + b as usize, argc as usize)) {
                            None => continue 'frame,
                            Some(v) => {
                                refresh!();
                                reg!(b) = v;
                            }
                        }
                    }
                    Op::CallMethod {
                        base: b,
                        argc,
                        name,
                    } => {
                        let sym = name!(name);
                        save_pc!();
                        call_safe_point!();
                        if let Some(m) =
                            self.cached_instance_method(func, pc!() - 1, reg!(b + 1), sym)
                        {
                            if let Object::Closure(cl) = self.heap.get(m) {
                                let f = cl.func;
                                let p = &f.get().proto;
                                if p.is_method
                                    && !p.is_generator
                                    && (argc as usize) < p.params as usize
                                    && self.frames.len() < self.config.max_depth
                                {
                                    let nb = base + b as usize + 1;
                                    let nregs = p.regs as usize;
                                    self.ensure_stack(nb + nregs + 2);
                                    self.stack[nb + argc as usize + 1..nb + p.params as usize]
                                        .fill(Value::Nil);
                                    self.frames.push(crate::vm::Frame {
                                        func: f,
                                        closure: Some(m),
                                        pc: 0,
                                        base: nb as u32,
                                        ret: (nb - 1) as u32,
                                        kind: FrameKind::Normal,
                                        handler_base: self.handlers.len() as u32,
                                    });
                                    continue 'frame;
                                }
                            }
                        }
                        match tr!(self.call_method(base + b as usize, argc as usize, sym)) {
                            None => continue 'frame,
                            Some(v) => {
                                refresh!();
                                reg!(b) = v;
                            }
                        }
                    }
                    Op::CallLen { dst, arg, slot } => {
                        let f = self.modules[module]
                            .globals
                            .get(slot as usize)
                            .copied()
                            .unwrap_or(Value::Undef);
                        if f.same(self.panjang_value) {
                            let n = tr!(crate::builtins::core::checked_length(self, reg!(arg)));
                            reg!(dst) = self.int(n as i64);
                        } else {
                            // Shadowed: an ordinary call `f(arg)` through a
                            // scratch window above this frame.
                            save_pc!();
                            if f.is_undef() {
                                bail!(self.undefined_name("panjang"));
                            }
                            let fbase = base + frame_regs;
                            self.ensure_stack(fbase + 2);
                            refresh!();
                            self.stack[fbase] = f;
                            self.stack[fbase + 1] = reg!(arg);
                            match tr!(self.call_value(fbase, 1)) {
                                Some(v) => {
                                    refresh!();
                                    reg!(dst) = v;
                                }
                                None => {
                                    // The callee's frame delivers its result
                                    // straight into `dst`.
                                    if let Some(top) = self.frames.last_mut() {
                                        top.ret = (base + dst as usize) as u32;
                                    }
                                    continue 'frame;
                                }
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
                        let sym = name!(name);
                        if let Some(g) = reg!(obj).as_obj() {
                            if let Object::Instance(inst) = self.heap.get(g) {
                                if let Some(v) = inst.get(sym) {
                                    reg!(dst) = v;
                                    continue;
                                }
                            }
                        }
                        let o = reg!(obj);
                        reg!(dst) = tr!(self.get_attr(o, sym));
                    }
                    Op::SetAttr { obj, name, src } => {
                        let sym = name!(name);
                        let v = reg!(src);
                        if let Some(g) = reg!(obj).as_obj() {
                            if let Object::Instance(inst) = self.heap.get_mut(g) {
                                let grown = inst.set(sym, v);
                                self.heap.charge(grown);
                                continue;
                            }
                        }
                        let o = reg!(obj);
                        tr!(self.set_attr(o, sym, v));
                    }
                    Op::GetSuper { dst, name } => {
                        let sym = name!(name);
                        let home = closure.and_then(|c| match self.heap.get(c) {
                            Object::Closure(cl) => cl.home_class,
                            _ => None,
                        });
                        let this = reg!(0);
                        reg!(dst) = tr!(self.get_super(home, this, sym));
                    }
                    Op::GetIndexI { dst, obj, idx } => {
                        if let Some(g) = reg!(obj).as_obj() {
                            if let Object::List(l) = self.heap.get(g) {
                                if let Some(v) = l.get(idx as usize) {
                                    reg!(dst) = *v;
                                    continue;
                                }
                            }
                        }
                        let o = reg!(obj);
                        reg!(dst) = tr!(self.get_index(o, Value::Int(idx as i64)));
                    }
                    Op::SetIndexI { obj, idx, src } => {
                        let v = reg!(src);
                        if let Some(g) = reg!(obj).as_obj() {
                            if let Object::List(l) = self.heap.get_mut(g) {
                                if let Some(slot) = l.get_mut(idx as usize) {
                                    *slot = v;
                                    continue;
                                }
                            }
                        }
                        let o = reg!(obj);
                        tr!(self.set_index(o, Value::Int(idx as i64), v));
                    }
                    Op::GetIndex { dst, obj, key } => {
                        if let (Some(g), Some(i)) = (reg!(obj).as_obj(), reg!(key).as_int()) {
                            if let Object::List(l) = self.heap.get(g) {
                                if i >= 0 && (i as usize) < l.len() {
                                    reg!(dst) = l[i as usize];
                                    continue;
                                }
                            }
                        }
                        let (o, k) = (reg!(obj), reg!(key));
                        reg!(dst) = tr!(self.get_index(o, k));
                    }
                    Op::SetIndex { obj, key, src } => {
                        let v = reg!(src);
                        if let (Some(g), Some(i)) = (reg!(obj).as_obj(), reg!(key).as_int()) {
                            if let Object::List(l) = self.heap.get_mut(g) {
                                if i >= 0 && (i as usize) < l.len() {
                                    l[i as usize] = v;
                                    continue;
                                }
                            }
                        }
                        let (o, k) = (reg!(obj), reg!(key));
                        tr!(self.set_index(o, k, v));
                    }
                    Op::Slice { dst, obj, lo } => {
                        let (o, l, h) = (reg!(obj), reg!(lo), reg!(lo + 1));
                        reg!(dst) = tr!(self.slice(o, l, h));
                    }
                    Op::NewList { dst, start, count } => {
                        let items: Vec<Value> = (0..count).map(|i| reg!(start + i)).collect();
                        reg!(dst) = self.alloc(Object::List(items));
                    }
                    Op::NewDict { dst, start, count } => {
                        let mut d = crate::dict::Dict::with_capacity(count as usize);
                        for i in 0..count as usize {
                            let k = reg!(start as usize + 2 * i);
                            let v = reg!(start as usize + 2 * i + 1);
                            let hk = tr!(self.hash_key(k));
                            d.insert(hk, k, v);
                        }
                        reg!(dst) = self.alloc(Object::Dict(Box::new(d)));
                    }
                    // Conversions to text may hand over to the prelude (a
                    // class's own `teks()`), whose frame then delivers the
                    // result: into `dst`, or into the scratch slot above
                    // this frame for the ones that only write.
                    Op::Interp { dst, start, count } => {
                        save_pc!();
                        let (from, to) = (base + start as usize, base + dst as usize);
                        match tr_cold!(self.text_op(from, count as usize, "", Sink::Value, to)) {
                            Some(v) => {
                                refresh!();
                                reg!(dst) = v;
                            }
                            None => continue 'frame,
                        }
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
                        let v = reg!(src);
                        let (items, len) = tr!(self.unpack_items(v, count as usize));
                        if len < count as usize {
                            bail!(codes::UNPACK_COUNT.err(format!(
                                "Tidak cukup nilai untuk unpack (diharapkan {count}, dapat {len})"
                            )));
                        }
                        for (i, x) in items.into_iter().enumerate() {
                            reg!(dst as usize + i) = x;
                        }
                    }

                    Op::Class { dst, name, parent } => {
                        let name_v = konst!(name);
                        let cname: std::rc::Rc<str> = match self.str_ref(name_v) {
                            Some(s) => std::rc::Rc::from(s),
                            None => std::rc::Rc::from("?"),
                        };
                        let parent_g = if parent == NO_REG {
                            None
                        } else {
                            let p = reg!(parent);
                            match p.unpack() {
                                V::Obj(g) if matches!(self.heap.get(g), Object::Class(_)) => {
                                    Some(g)
                                }
                                _ => bail!(codes::INHERIT_NON_CLASS.err(format!(
                                    "Kelas '{}' hanya bisa mewarisi kelas, bukan {} ({})",
                                    cname,
                                    self.type_label(p),
                                    self.shown(p, 60)
                                ))),
                            }
                        };
                        let methods = match parent_g.map(|g| self.heap.get(g)) {
                            Some(Object::Class(c)) => c.methods.clone(),
                            _ => Default::default(),
                        };
                        reg!(dst) = self.alloc(Object::Class(Box::new(crate::object::Class {
                            name: cname,
                            parent: parent_g,
                            methods,
                        })));
                    }
                    Op::Method {
                        class,
                        name,
                        func: f,
                    } => {
                        let sym = name!(name);
                        let (c, fv) = (reg!(class), reg!(f));
                        let Some(cg) = c.as_obj() else {
                            bail!(RtError::Internal("method target is not a class".into()));
                        };
                        if let Some(fg) = fv.as_obj() {
                            if let Object::Closure(cl) = self.heap.get_mut(fg) {
                                cl.home_class = Some(cg);
                            }
                        }
                        if let Object::Class(cls) = self.heap.get_mut(cg) {
                            cls.methods.insert(sym, fv);
                        }
                        self.epoch = self.epoch.wrapping_add(1).max(1);
                    }
                    Op::VariantCtor { dst, name, arity } => {
                        let name_v = konst!(name);
                        let text = self.str_ref(name_v).unwrap_or("?").to_string();
                        let sym = self.interner.intern(&text);
                        reg!(dst) = self.alloc(Object::VariantCtor { name: sym, arity });
                    }
                    Op::IsVariant {
                        dst,
                        src,
                        name,
                        arity,
                    } => {
                        let sym = name!(name);
                        let ok = match reg!(src).unpack() {
                            V::Obj(g) => match self.heap.get(g) {
                                Object::Variant(v) => {
                                    v.name == sym
                                        && (arity == u8::MAX || v.fields.len() == arity as usize)
                                }
                                _ => false,
                            },
                            _ => false,
                        };
                        reg!(dst) = Value::Bool(ok);
                    }
                    Op::VariantField { dst, src, idx } => {
                        let v = match reg!(src).unpack() {
                            V::Obj(g) => match self.heap.get(g) {
                                Object::Variant(v) => v.fields.get(idx as usize).copied(),
                                Object::List(l) => l.get(idx as usize).copied(),
                                _ => None,
                            },
                            _ => None,
                        };
                        reg!(dst) = v.unwrap_or(Value::Nil);
                    }
                    Op::IsListLen {
                        dst,
                        src,
                        len,
                        at_least,
                    } => {
                        let ok = match self.list_ref(reg!(src)) {
                            Some(l) => {
                                if at_least {
                                    l.len() >= len as usize
                                } else {
                                    l.len() == len as usize
                                }
                            }
                            None => false,
                        };
                        reg!(dst) = Value::Bool(ok);
                    }
                    Op::ListTail { dst, src, from } => {
                        let v = reg!(src);
                        reg!(dst) = tr_cold!(self.list_tail(v, from as usize));
                    }

                    Op::PushHandler { target, reg } => {
                        self.handlers.push(Handler {
                            frame: fi as u32,
                            target,
                            reg,
                        });
                    }
                    Op::PopHandler => {
                        if self.handlers.last().is_some_and(|h| h.frame as usize == fi) {
                            self.handlers.pop();
                        }
                    }
                    Op::Throw { value, kind } => {
                        let v = reg!(value);
                        let k = if kind == NO_REG {
                            None
                        } else {
                            Some(reg!(kind))
                        };
                        save_pc!();
                        let e = self.throw_value(v, k);
                        bail!(RtError::Thrown(e));
                    }
                    Op::Rethrow { value } => {
                        let v = reg!(value);
                        bail!(RtError::Thrown(v));
                    }
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
                        match tr!(self.resume_generator(g, base + dst as usize)) {
                            None => continue 'frame,
                            Some(v) => {
                                refresh!();
                                reg!(dst) = v;
                            }
                        }
                    }
                    Op::Import { dst, path } => {
                        let p = konst!(path);
                        let path_text = self.str_ref(p).unwrap_or("").to_string();
                        save_pc!();
                        match tr!(self.import(&path_text, base + dst as usize)) {
                            None => continue 'frame,
                            Some(v) => {
                                refresh!();
                                reg!(dst) = v;
                            }
                        }
                    }
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

    /// The method a `CallMethod` at `pc` would call on an instance
    /// receiver (not shadowed by a property), through the inline cache.
    #[inline]
    fn cached_instance_method(
        &self,
        func: &crate::object::FuncInfo,
        pc: usize,
        recv: Value,
        sym: fox_bytecode::Sym,
    ) -> Option<crate::value::Gc> {
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
            return Some(crate::value::Gc(m));
        }
        let Object::Class(k) = self.heap.get(class) else {
            return None;
        };
        let m = k.methods.get(&sym).and_then(|v| v.as_obj())?;
        c.insert(self.epoch, class.0, m.0);
        slot.set(c);
        Some(m)
    }

    /// `[..., ...rest]` patterns: a new list of `v`'s items from `from` on.
    #[inline(never)]
    fn list_tail(&mut self, v: Value, from: usize) -> RtResult<Value> {
        let tail = self.list_ref(v).map_or(0, |l| l.len().saturating_sub(from));
        self.charge_items(tail)?;
        self.check_list(tail)?;
        let items = self
            .list_ref(v)
            .and_then(|l| l.get(from..))
            .map(|s| s.to_vec())
            .unwrap_or_default();
        Ok(self.new_list(items))
    }

    /// Items of a list or the characters of a text (destructuring),
    /// charged one unit per item.
    #[inline(never)]
    pub fn sequence_items(&mut self, v: Value) -> RtResult<Vec<Value>> {
        self.unpack_items(v, usize::MAX).map(|(items, _)| items)
    }

    /// The first `count` items of a list or characters of a text, and how
    /// many there are in all.
    fn unpack_items(&mut self, v: Value, count: usize) -> RtResult<(Vec<Value>, usize)> {
        if let Some(l) = self.list_ref(v) {
            let n = l.len().min(count);
            self.charge_items(n)?;
            self.check_list(n)?;
            let items = self
                .list_ref(v)
                .map(|l| l[..n].to_vec())
                .unwrap_or_default();
            return Ok((items, self.list_ref(v).map_or(0, |l| l.len())));
        }
        if let Some(text) = self.text_rc(v) {
            let len = text.chars().count();
            let n = len.min(count);
            self.charge_items(n)?;
            let bytes = text.char_indices().nth(n).map_or(text.len(), |(b, _)| b);
            self.check_texts(n, bytes)?;
            let mut buf = [0u8; 4];
            let items = text
                .chars()
                .take(n)
                .map(|c| self.new_str(c.encode_utf8(&mut buf)))
                .collect();
            return Ok((items, len));
        }
        Err(codes::NOT_UNPACKABLE.err(format!(
            "{} tidak bisa diurai menjadi beberapa nama; hanya daftar dan teks yang bisa",
            crate::describe::capitalized(&self.type_label(v))
        )))
    }

    /// `bekukan(v)` in the running generator frame.
    #[inline(never)]
    fn yield_generator(&mut self, v: Value, stop: usize) -> RtResult<Option<Value>> {
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
            gen.state = crate::object::GenState::Suspended;
        }
        self.frames.pop();
        let momen = self.syms.momen;
        let result = self.alloc(Object::Variant(Box::new(Variant {
            name: momen,
            fields: vec![v, Value::Obj(g)],
        })));
        if self.frames.len() <= stop {
            return Ok(Some(result));
        }
        self.stack[f.ret as usize] = result;
        Ok(None)
    }

    /// `lanjut(g)`: push the generator's frame (or return nil when done).
    #[inline(never)]
    fn resume_generator(&mut self, g: Value, ret: usize) -> RtResult<Option<Value>> {
        use crate::object::GenState;
        let gg = match g.unpack() {
            V::Obj(gg) if matches!(self.heap.get(gg), Object::Generator(_)) => gg,
            _ => {
                return Err(codes::ARG_TYPE.err(format!(
                    "lanjut(): argumen 'generator' harus generator, bukan {}",
                    self.type_label(g)
                )))
            }
        };
        let (closure, regs, pc, handlers) =
            match self.heap.get_mut(gg) {
                Object::Generator(gen) => match gen.state {
                    GenState::Done => return Ok(Some(Value::Nil)),
                    GenState::Running => return Err(codes::GENERATOR_STATE.err(
                        "Generator sedang berjalan; ia tidak bisa dilanjutkan dari dalam dirinya",
                    )),
                    GenState::Fresh | GenState::Suspended => {
                        gen.state = GenState::Running;
                        (
                            gen.closure,
                            std::mem::take(&mut gen.regs),
                            gen.pc,
                            std::mem::take(&mut gen.handlers),
                        )
                    }
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
        self.ensure_stack(base + regs.len().max(func.get().proto.regs as usize) + 2);
        self.stack[base..base + regs.len()].copy_from_slice(&regs);
        let frame_index = self.frames.len() as u32;
        self.frames.push(crate::vm::Frame {
            func,
            closure: Some(closure),
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
