//! The meaning of the instructions that read and build data: globals,
//! cells and upvalues, closures, attributes, indexing, lists and dicts,
//! destructuring, classes and variants. Each takes the operand values (and
//! the running function or closure where the instruction needs it) and
//! returns the result or an error; the caller — the interpreter loop or a
//! JIT runtime helper — reads and writes the registers. Internal errors
//! here mean unverified code, which never runs.

use crate::codes;
use crate::error::{RtError, RtResult};
use crate::object::{Closure, FuncInfo, Object, Variant};
use crate::value::{Gc, Value, V};
use crate::vm::Vm;
use fox_bytecode::{Capture, Sym};

impl Vm {
    /// `GetGlobal`: the value of global `slot` of `module`; an unset slot
    /// is the undefined-name error.
    #[inline]
    pub fn op_get_global(&self, module: usize, slot: u32) -> RtResult<Value> {
        let v = self.global_value(module, slot);
        if v.is_undef() {
            return Err(self.undefined_global(module, slot));
        }
        Ok(v)
    }

    /// The word in global `slot` of `module` (`Undef` when unset).
    #[inline(always)]
    pub fn global_value(&self, module: usize, slot: u32) -> Value {
        self.modules[module]
            .globals
            .get(slot as usize)
            .copied()
            .unwrap_or(Value::Undef)
    }

    /// The error of reading an unset global.
    #[cold]
    #[inline(never)]
    pub fn undefined_global(&self, module: usize, slot: u32) -> RtError {
        let name = self.modules[module]
            .names
            .get(slot as usize)
            .map(|n| n.to_string())
            .unwrap_or_default();
        self.undefined_name(&name)
    }

    #[inline(always)]
    pub fn op_set_global(&mut self, module: usize, slot: u32, v: Value) -> RtResult<()> {
        match self.modules[module].globals.get_mut(slot as usize) {
            Some(s) => {
                *s = v;
                Ok(())
            }
            None => Err(RtError::Internal("global slot out of range".into())),
        }
    }

    /// `MakeCell`: a fresh cell holding `v`.
    #[inline(always)]
    pub fn op_make_cell(&mut self, v: Value) -> Value {
        self.alloc(Object::Cell(v))
    }

    #[inline(always)]
    pub fn op_get_cell(&self, cell: Value) -> RtResult<Value> {
        if let Some(g) = cell.as_obj() {
            if let Object::Cell(v) = self.heap.get(g) {
                return Ok(*v);
            }
        }
        Err(RtError::Internal("register is not a cell".into()))
    }

    #[inline(always)]
    pub fn op_set_cell(&mut self, cell: Value, v: Value) -> RtResult<()> {
        if let Some(g) = cell.as_obj() {
            if let Object::Cell(slot) = self.heap.get_mut(g) {
                *slot = v;
                return Ok(());
            }
        }
        Err(RtError::Internal("register is not a cell".into()))
    }

    /// The cell of capture `idx` of the running closure.
    #[inline(always)]
    fn upvalue_cell(&self, closure: Option<Gc>, idx: u16) -> Option<Gc> {
        closure.and_then(|c| match self.heap.get(c) {
            Object::Closure(cl) => cl.captures.get(idx as usize).copied(),
            _ => None,
        })
    }

    #[inline(always)]
    pub fn op_get_upval(&self, closure: Option<Gc>, idx: u16) -> RtResult<Value> {
        match self.upvalue_cell(closure, idx).map(|g| self.heap.get(g)) {
            Some(Object::Cell(v)) => Ok(*v),
            _ => Err(RtError::Internal("bad upvalue".into())),
        }
    }

    #[inline(always)]
    pub fn op_set_upval(&mut self, closure: Option<Gc>, idx: u16, v: Value) -> RtResult<()> {
        let cell = self.upvalue_cell(closure, idx);
        match cell.map(|g| self.heap.get_mut(g)) {
            Some(Object::Cell(slot)) => {
                *slot = v;
                Ok(())
            }
            _ => Err(RtError::Internal("bad upvalue".into())),
        }
    }

    /// `Closure`: a closure of child prototype `proto` of `func`, capturing
    /// cells from the registers of the frame at `base` and from the
    /// running closure.
    pub fn op_closure(
        &mut self,
        func: &FuncInfo,
        closure: Option<Gc>,
        base: usize,
        proto: u16,
    ) -> RtResult<Value> {
        let Some(child) = func.children.get(proto as usize).copied() else {
            return Err(RtError::Internal("prototype out of range".into()));
        };
        let mut caps = Vec::with_capacity(child.get().proto.captures.len());
        for c in &child.get().proto.captures {
            let g = match *c {
                Capture::Local(r) => self.stack.get(base + r as usize).and_then(|v| v.as_obj()),
                Capture::Upval(i) => self.upvalue_cell(closure, i),
            };
            match g {
                Some(g) => caps.push(g),
                None => return Err(RtError::Internal("bad capture".into())),
            }
        }
        Ok(self.alloc(Object::Closure(Closure {
            func: child,
            captures: caps.into_boxed_slice(),
            home_class: None,
        })))
    }

    /// `GetAttr`: an instance's own field (the fast path), the rest in
    /// `attr`.
    #[inline]
    pub fn op_get_attr(&mut self, o: Value, sym: Sym) -> RtResult<Value> {
        match self.get_attr_fast(o, sym) {
            Some(v) => Ok(v),
            None => self.get_attr(o, sym),
        }
    }

    #[inline(always)]
    pub fn get_attr_fast(&self, o: Value, sym: Sym) -> Option<Value> {
        match self.heap.get(o.as_obj()?) {
            Object::Instance(inst) => inst.get(sym),
            _ => None,
        }
    }

    #[inline]
    pub fn op_set_attr(&mut self, o: Value, sym: Sym, v: Value) -> RtResult<()> {
        if self.set_attr_fast(o, sym, v) {
            return Ok(());
        }
        self.set_attr(o, sym, v)
    }

    /// Set a field of an instance (the fast path); `false` for any other
    /// receiver.
    #[inline(always)]
    pub fn set_attr_fast(&mut self, o: Value, sym: Sym, v: Value) -> bool {
        let Some(g) = o.as_obj() else {
            return false;
        };
        match self.heap.get_mut(g) {
            Object::Instance(inst) => {
                let grown = inst.set(sym, v);
                self.heap.charge(grown);
                true
            }
            _ => false,
        }
    }

    /// `GetSuper`: `induk.name` for the method whose closure is `closure`,
    /// bound to `this` (register 0).
    pub fn op_get_super(&mut self, closure: Option<Gc>, this: Value, sym: Sym) -> RtResult<Value> {
        let home = closure.and_then(|c| match self.heap.get(c) {
            Object::Closure(cl) => cl.home_class,
            _ => None,
        });
        self.get_super(home, this, sym)
    }

    /// `GetIndex`/`GetIndexI`: a list item (the fast path), the rest in
    /// `index`.
    #[inline]
    pub fn op_get_index(&mut self, o: Value, k: Value) -> RtResult<Value> {
        match self.get_index_fast(o, k) {
            Some(v) => Ok(v),
            None => self.get_index(o, k),
        }
    }

    #[inline(always)]
    pub fn get_index_fast(&self, o: Value, k: Value) -> Option<Value> {
        let i = usize::try_from(k.as_int()?).ok()?;
        match self.heap.get(o.as_obj()?) {
            Object::List(l) => l.get(i).copied(),
            _ => None,
        }
    }

    #[inline]
    pub fn op_set_index(&mut self, o: Value, k: Value, v: Value) -> RtResult<()> {
        if self.set_index_fast(o, k, v) {
            return Ok(());
        }
        self.set_index(o, k, v)
    }

    /// Store into an existing list item (the fast path); `false` otherwise.
    #[inline(always)]
    pub fn set_index_fast(&mut self, o: Value, k: Value, v: Value) -> bool {
        let (Some(g), Some(i)) = (o.as_obj(), k.as_int()) else {
            return false;
        };
        let Ok(i) = usize::try_from(i) else {
            return false;
        };
        match self.heap.get_mut(g) {
            Object::List(l) => match l.get_mut(i) {
                Some(slot) => {
                    *slot = v;
                    true
                }
                None => false,
            },
            _ => false,
        }
    }

    /// `NewList` from the values of a register range.
    #[inline(always)]
    pub fn op_new_list_owned(&mut self, items: Vec<Value>) -> Value {
        self.alloc(Object::List(items))
    }

    /// `NewDict` from key/value pairs laid out in a register range.
    pub fn op_new_dict(&mut self, pairs: &[Value]) -> RtResult<Value> {
        let mut d = crate::dict::Dict::with_capacity(pairs.len() / 2);
        for kv in pairs.chunks_exact(2) {
            let hk = self.hash_key(kv[0])?;
            d.insert(hk, kv[0], kv[1]);
        }
        Ok(self.alloc(Object::Dict(Box::new(d))))
    }

    /// `Unpack`: the first `count` items of a list or characters of a
    /// text; fewer is the unpack-count error.
    pub fn op_unpack(&mut self, v: Value, count: u16) -> RtResult<Vec<Value>> {
        let (items, len) = self.unpack_items(v, count as usize)?;
        if len < count as usize {
            return Err(codes::UNPACK_COUNT.err(format!(
                "Tidak cukup nilai untuk unpack (diharapkan {count}, dapat {len})"
            )));
        }
        Ok(items)
    }

    /// `Class`: a new class named by text constant `name_v`, inheriting
    /// the methods of `parent` (nil when there is none).
    pub fn op_class(&mut self, name_v: Value, parent: Option<Value>) -> RtResult<Value> {
        let cname: std::rc::Rc<str> = match self.str_ref(name_v) {
            Some(s) => std::rc::Rc::from(s),
            None => std::rc::Rc::from("?"),
        };
        let parent_g = match parent {
            None => None,
            Some(p) => match p.unpack() {
                V::Obj(g) if matches!(self.heap.get(g), Object::Class(_)) => Some(g),
                _ => {
                    return Err(codes::INHERIT_NON_CLASS.err(format!(
                        "Kelas '{}' hanya bisa mewarisi kelas, bukan {} ({})",
                        cname,
                        self.type_label(p),
                        self.shown(p, 60)
                    )))
                }
            },
        };
        let methods = match parent_g.map(|g| self.heap.get(g)) {
            Some(Object::Class(c)) => c.methods.clone(),
            _ => Default::default(),
        };
        Ok(self.alloc(Object::Class(Box::new(crate::object::Class {
            name: cname,
            parent: parent_g,
            methods,
        }))))
    }

    /// `Method`: attach closure `fv` to class `c` as method `sym`. Every
    /// inline cache is invalidated (the epoch moves).
    pub fn op_method(&mut self, c: Value, sym: Sym, fv: Value) -> RtResult<()> {
        let Some(cg) = c.as_obj() else {
            return Err(RtError::Internal("method target is not a class".into()));
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
        Ok(())
    }

    /// `VariantCtor`: a constructor named by text constant `name_v`.
    pub fn op_variant_ctor(&mut self, name_v: Value, arity: u16) -> Value {
        let text = self.str_ref(name_v).unwrap_or("?").to_string();
        let sym = self.interner.intern(&text);
        self.alloc(Object::VariantCtor { name: sym, arity })
    }

    /// `IsVariant`: is `v` a variant named `sym` with `arity` fields
    /// (`u8::MAX`: any arity)?
    #[inline(always)]
    pub fn op_is_variant(&self, v: Value, sym: Sym, arity: u8) -> bool {
        match v.unpack() {
            V::Obj(g) => match self.heap.get(g) {
                Object::Variant(var) => {
                    var.name == sym && (arity == u8::MAX || var.fields.len() == arity as usize)
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// `VariantField`: field `idx` of a variant (or item of a list); nil
    /// when there is none.
    #[inline(always)]
    pub fn op_variant_field(&self, v: Value, idx: u16) -> Value {
        let field = match v.unpack() {
            V::Obj(g) => match self.heap.get(g) {
                Object::Variant(var) => var.fields.get(idx as usize).copied(),
                Object::List(l) => l.get(idx as usize).copied(),
                _ => None,
            },
            _ => None,
        };
        field.unwrap_or(Value::Nil)
    }

    /// `IsListLen`: is `v` a list of exactly (or at least) `len` items?
    #[inline(always)]
    pub fn op_is_list_len(&self, v: Value, len: u16, at_least: bool) -> bool {
        match self.list_ref(v) {
            Some(l) if at_least => l.len() >= len as usize,
            Some(l) => l.len() == len as usize,
            None => false,
        }
    }

    /// `[..., ...rest]` patterns (`ListTail`): a new list of `v`'s items
    /// from `from` on.
    #[inline(never)]
    pub fn op_list_tail(&mut self, v: Value, from: u16) -> RtResult<Value> {
        let from = from as usize;
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

    /// A variant value (used by generators for `Momen`).
    pub(crate) fn new_variant(&mut self, name: Sym, fields: Vec<Value>) -> Value {
        self.alloc(Object::Variant(Box::new(Variant { name, fields })))
    }
}
