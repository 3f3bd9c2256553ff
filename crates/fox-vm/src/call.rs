//! Calls without Rust recursion: calling a closure pushes a frame over the
//! caller's argument registers (nothing is copied); constructors, bound
//! methods and method calls shift arguments by one slot to make room for
//! `ini`. Builtins run to completion immediately.

use crate::builtins::NATIVES;
use crate::codes;
use crate::error::{RtError, RtResult};
use crate::funcref::FuncRef;
use crate::object::{BoundTarget, GenState, Generator, Instance, Object, Variant};
use crate::value::V;
use crate::value::{Gc, Value};
use crate::vm::{FrameKind, Vm};
use fox_bytecode::Sym;

impl Vm {
    fn arity_error(&self, name: &str, params: usize, argc: usize) -> RtError {
        codes::TOO_MANY_ARGS.err(format!(
            "Panggilan fungsi '{name}' salah: mengharapkan paling banyak {params} argumen, tetapi mendapat {argc}."
        ))
    }

    /// Push a frame for `closure` whose arguments already sit at
    /// `base..base+argc`. Returns `Some(v)` when the call completed at once
    /// (calling a generator function creates the generator).
    pub fn push_closure_frame(
        &mut self,
        closure: Gc,
        func: FuncRef,
        base: usize,
        argc: usize,
        ret: usize,
        kind: FrameKind,
    ) -> RtResult<Option<Value>> {
        let p = &func.get().proto;
        let params = p.params as usize;
        if argc > params {
            let (shown_params, shown_argc) = (params, argc);
            return Err(self.arity_error(&p.name, shown_params, shown_argc));
        }
        if self.frames.len() >= self.config.max_depth {
            return Err(self.call_depth_error());
        }
        let regs = p.regs as usize;
        self.ensure_stack(base + regs + 2)?;
        // Missing parameters are nil; the callee's code initialises its other
        // locals, and temporaries are written before they are read.
        self.stack[base + argc..base + params].fill(Value::Nil);
        if p.is_generator {
            let regs_vec = self.stack[base..base + regs].to_vec();
            let g = self.alloc(Object::Generator(Box::new(Generator {
                closure,
                regs: regs_vec,
                pc: 0,
                state: GenState::Fresh,
                handlers: Vec::new(),
            })));
            return Ok(Some(g));
        }
        self.push_frame(func, closure, base, ret, kind);
        Ok(None)
    }

    /// Call the value in `stack[fbase]` with `argc` arguments after it.
    /// `Ok(None)`: a frame was pushed; `Ok(Some(v))`: finished with `v`.
    pub fn call_value(&mut self, fbase: usize, argc: usize) -> RtResult<Option<Value>> {
        let callee = self.stack[fbase];
        match callee.unpack() {
            V::Native(_) if callee.same(self.alur_value) => self.start_pipeline(fbase, argc),
            V::Native(id) => {
                let r = self.call_native(id, fbase + 1, argc);
                self.native_done(r, fbase)
            }
            V::Obj(g) => match self.heap.get(g) {
                Object::Closure(c) => {
                    let func = c.func;
                    self.push_closure_frame(g, func, fbase + 1, argc, fbase, FrameKind::Normal)
                }
                Object::Class(_) => self.construct(g, fbase, argc),
                Object::BoundMethod(b) => {
                    let (recv, target) = (b.recv, b.target);
                    match target {
                        BoundTarget::Func(f) => {
                            self.shift_args_right(fbase, argc)?;
                            self.stack[fbase + 1] = recv;
                            self.stack[fbase] = f;
                            self.call_with_self(fbase, argc + 1)
                        }
                        BoundTarget::Builtin(sym) => {
                            let r = self.call_builtin_method(recv, sym, fbase + 1, argc);
                            self.native_done(r, fbase)
                        }
                    }
                }
                Object::VariantCtor { name, arity } => {
                    let (name, arity) = (*name, *arity as usize);
                    if argc > arity {
                        let n = self.interner.name(name).to_string();
                        return Err(self.arity_error(&n, arity, argc));
                    }
                    let mut fields = self.stack[fbase + 1..fbase + 1 + argc].to_vec();
                    fields.resize(arity, Value::Nil);
                    Ok(Some(self.alloc(Object::Variant(Box::new(Variant {
                        name,
                        fields,
                    })))))
                }
                _ => Err(self.not_callable(callee)),
            },
            _ => Err(self.not_callable(callee)),
        }
    }

    /// Call `stack[fbase]`, a method closure, whose `ini` is already in
    /// `stack[fbase+1]` (counted in `argc`).
    fn call_with_self(&mut self, fbase: usize, argc: usize) -> RtResult<Option<Value>> {
        let f = self.stack[fbase];
        if let V::Obj(g) = f.unpack() {
            if let Object::Closure(c) = self.heap.get(g) {
                let func = c.func;
                if func.get().proto.is_method {
                    return self.push_closure_frame(
                        g,
                        func,
                        fbase + 1,
                        argc,
                        fbase,
                        FrameKind::Normal,
                    );
                }
                // A plain function stored as a method: no `ini`.
                self.shift_args_left(fbase, argc - 1);
                return self.push_closure_frame(
                    g,
                    func,
                    fbase + 1,
                    argc - 1,
                    fbase,
                    FrameKind::Normal,
                );
            }
        }
        self.shift_args_left(fbase, argc - 1);
        self.call_value(fbase, argc - 1)
    }

    pub fn not_callable(&self, v: Value) -> RtError {
        codes::NOT_CALLABLE.err(format!(
            "{} tidak bisa dipanggil seperti fungsi",
            crate::describe::capitalized(&self.type_label(v))
        ))
    }

    /// Move `argc` arguments at `fbase+1..` one slot up (to `fbase+2..`).
    pub fn shift_args_right(&mut self, fbase: usize, argc: usize) -> RtResult<()> {
        self.ensure_stack(fbase + argc + 3)?;
        self.stack
            .copy_within(fbase + 1..fbase + 1 + argc, fbase + 2);
        Ok(())
    }

    /// Move `argc` arguments at `fbase+2..` one slot down (to `fbase+1..`).
    pub fn shift_args_left(&mut self, fbase: usize, argc: usize) {
        self.stack
            .copy_within(fbase + 2..fbase + 2 + argc, fbase + 1);
    }

    fn construct(&mut self, class: Gc, fbase: usize, argc: usize) -> RtResult<Option<Value>> {
        let init = match self.heap.get(class) {
            Object::Class(c) => c.methods.get(&self.syms.inisiasi).copied(),
            _ => None,
        };
        let inst = self.alloc(Object::Instance(Instance {
            class,
            fields: Vec::new(),
        }));
        let Some(init) = init else {
            return Ok(Some(inst));
        };
        self.shift_args_right(fbase, argc)?;
        self.stack[fbase + 1] = inst;
        if let V::Obj(g) = init.unpack() {
            if let Object::Closure(c) = self.heap.get(g) {
                let func = c.func;
                return self.push_closure_frame(
                    g,
                    func,
                    fbase + 1,
                    argc + 1,
                    fbase,
                    FrameKind::Constructor,
                );
            }
        }
        Err(self.not_callable(init))
    }

    /// Run builtin `id` on the `argc` arguments at `start`, after checking
    /// them against its parameters.
    #[inline(never)]
    pub fn call_native(&mut self, id: u32, start: usize, argc: usize) -> RtResult<Value> {
        let Some(def) = NATIVES.get(id as usize) else {
            return Err(RtError::Internal(format!("unknown builtin {id}")));
        };
        let mut buf = [Value::Nil; 8];
        let heap_args;
        let args: &[Value] = if argc <= buf.len() {
            buf[..argc].copy_from_slice(&self.stack[start..start + argc]);
            &buf[..argc]
        } else {
            heap_args = self.stack[start..start + argc].to_vec();
            &heap_args
        };
        self.check_args(None, def.name, def.params, args)?;
        (def.func)(self, args)
    }

    /// A builtin's result: its value, or — when it asked for Morph code to
    /// run in its place (`RtError::Redirect`) — the prelude frame pushed to
    /// deliver the result to `ret` (`None`).
    fn native_done(&mut self, r: RtResult<Value>, ret: usize) -> RtResult<Option<Value>> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(RtError::Redirect(call)) => self.start_redirect(*call, ret),
            Err(e) => Err(e),
        }
    }

    /// `recv.name(args…)` with the receiver in `stack[fbase+1]` and the
    /// arguments after it.
    #[inline(never)]
    pub fn call_method(&mut self, fbase: usize, argc: usize, sym: Sym) -> RtResult<Option<Value>> {
        let recv = self.stack[fbase + 1];
        let V::Obj(g) = recv.unpack() else {
            return {
                let r = self.call_builtin_method(recv, sym, fbase + 2, argc);
                self.native_done(r, fbase)
            };
        };
        match self.heap.get(g) {
            Object::Instance(inst) => {
                if let Some(v) = inst.get(sym) {
                    if let Some(r) = self.call_native_in_place(v, fbase, argc) {
                        return r;
                    }
                    self.stack[fbase] = v;
                    self.shift_args_left(fbase, argc);
                    return self.call_value(fbase, argc);
                }
                let class = inst.class;
                if sym == self.syms.class_attr {
                    self.stack[fbase] = Value::Obj(class);
                    self.shift_args_left(fbase, argc);
                    return self.call_value(fbase, argc);
                }
                let method = match self.heap.get(class) {
                    Object::Class(c) => c.methods.get(&sym).copied(),
                    _ => None,
                };
                match method {
                    Some(m) => {
                        self.stack[fbase] = m;
                        self.call_with_self(fbase, argc + 1)
                    }
                    None => {
                        let r = self.call_builtin_method(recv, sym, fbase + 2, argc);
                        self.native_done(r, fbase)
                    }
                }
            }
            Object::Class(c) => match c.methods.get(&sym).copied() {
                Some(m) => {
                    self.stack[fbase] = m;
                    self.shift_args_left(fbase, argc);
                    self.call_plain(fbase, argc)
                }
                None => {
                    let r = self.call_builtin_method(recv, sym, fbase + 2, argc);
                    self.native_done(r, fbase)
                }
            },
            Object::Module(id) => {
                let id = *id;
                let name = self.interner.name_rc(sym);
                match self.module_get(id, &name) {
                    Some(v) => {
                        if let Some(r) = self.call_native_in_place(v, fbase, argc) {
                            return r;
                        }
                        self.stack[fbase] = v;
                        self.shift_args_left(fbase, argc);
                        self.call_value(fbase, argc)
                    }
                    None => {
                        let r = self.call_builtin_method(recv, sym, fbase + 2, argc);
                        self.native_done(r, fbase)
                    }
                }
            }
            Object::Dict(d) => {
                // `d.punya(k)` is the common case: answer it without going
                // through the general method table.
                if sym == self.syms.punya && argc == 1 {
                    let key = self.stack[fbase + 2];
                    let found = match self.hash_key(key) {
                        Ok(k) => d.contains(&k),
                        Err(_) => false,
                    };
                    return Ok(Some(Value::Bool(found)));
                }
                let name = self.interner.name_rc(sym);
                if !crate::builtins::methods::is_dict_method(&name) {
                    if let Some(v) = d.get(&crate::dict::HashKey::text(name.clone())) {
                        if let Some(r) = self.call_native_in_place(v, fbase, argc) {
                            return r;
                        }
                        self.stack[fbase] = v;
                        self.shift_args_left(fbase, argc);
                        return self.call_value(fbase, argc);
                    }
                }
                {
                    let r = self.call_builtin_method(recv, sym, fbase + 2, argc);
                    self.native_done(r, fbase)
                }
            }
            _ => {
                let r = self.call_builtin_method(recv, sym, fbase + 2, argc);
                self.native_done(r, fbase)
            }
        }
    }

    /// `recv.name(args…)` where `name` holds a builtin: call it on the
    /// arguments where they are (`fbase+2..`) instead of moving them over
    /// the receiver, so the instruction can run again from its start if the
    /// builtin stops on the budget (see `limits`). `None`: not a builtin.
    fn call_native_in_place(
        &mut self,
        callee: Value,
        fbase: usize,
        argc: usize,
    ) -> Option<RtResult<Option<Value>>> {
        match callee.unpack() {
            V::Native(id) if !callee.same(self.alur_value) => Some({
                let r = self.call_native(id, fbase + 2, argc);
                self.native_done(r, fbase)
            }),
            V::Obj(g) => match self.heap.get(g) {
                Object::BoundMethod(b) => match b.target {
                    BoundTarget::Builtin(sym) => {
                        let recv = b.recv;
                        Some({
                            let r = self.call_builtin_method(recv, sym, fbase + 2, argc);
                            self.native_done(r, fbase)
                        })
                    }
                    BoundTarget::Func(_) => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    /// Call a function value that is not bound (`Kelas.m(obj, x)` passes
    /// `ini` explicitly as the first argument).
    fn call_plain(&mut self, fbase: usize, argc: usize) -> RtResult<Option<Value>> {
        let f = self.stack[fbase];
        if let V::Obj(g) = f.unpack() {
            if let Object::Closure(c) = self.heap.get(g) {
                let func = c.func;
                return self.push_closure_frame(g, func, fbase + 1, argc, fbase, FrameKind::Normal);
            }
        }
        self.call_value(fbase, argc)
    }
}
