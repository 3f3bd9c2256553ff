//! Attribute access (`x.nama`, `x.nama = v`, `induk.nama`): instance
//! properties before methods, class methods as plain functions, dict keys,
//! module globals, and bound builtin methods of texts, lists and dicts.

use crate::builtins::methods;
use crate::codes;
use crate::dict::HashKey;
use crate::error::{RtError, RtResult};
use crate::object::{BoundMethod, BoundTarget, Object};
use crate::value::V;
use crate::value::{Gc, Value};
use crate::vm::Vm;
use fox_bytecode::Sym;

impl Vm {
    fn bind_builtin(&mut self, recv: Value, sym: Sym) -> Value {
        self.alloc(Object::BoundMethod(Box::new(BoundMethod {
            recv,
            target: BoundTarget::Builtin(sym),
        })))
    }

    pub fn no_attr(&self, v: Value, sym: Sym) -> RtError {
        let name = self.interner.name(sym);
        let label = crate::describe::capitalized(&self.type_label(v));
        let V::Obj(g) = v.unpack() else {
            return codes::ATTR_MISSING.err(format!("{label} tidak punya atribut '{name}'"));
        };
        match self.heap.get(g) {
            Object::Dict(_) => {
                let hint =
                    crate::describe::closest(name, methods::DICT_METHODS.iter().map(|m| m.name))
                        .map(|n| format!("; maksudnya metode '{n}'?"))
                        .unwrap_or_default();
                codes::KEY_MISSING.err(format!(
                    "Kunci '{name}' tidak ada di kamus (kamus juga tidak punya metode '{name}'){hint}"
                ))
            }
            Object::Module(m) => self.module_missing(*m, name),
            Object::Variant(var) => codes::VARIANT_ATTR.err(format!(
                "Varian '{}' tidak mendukung akses atribut langsung. Gunakan jodohkan.",
                self.interner.name(var.name)
            )),
            _ => {
                let hint = self
                    .similar_attr(v, name)
                    .map(|n| format!("; maksudnya '{n}'?"))
                    .unwrap_or_default();
                codes::ATTR_MISSING.err(format!("{label} tidak punya atribut '{name}'{hint}"))
            }
        }
    }

    /// A method or property of `v` spelled like `name` (at most two edits
    /// away), for "maksudnya …?" hints.
    fn similar_attr(&self, v: Value, name: &str) -> Option<String> {
        let mut names: Vec<String> = Vec::new();
        if let V::Obj(g) = v.unpack() {
            match self.heap.get(g) {
                Object::Instance(i) => {
                    names.extend(i.fields.iter().map(|(s, _)| self.interner.name(*s).into()));
                    if let Object::Class(c) = self.heap.get(i.class) {
                        names.extend(c.methods.keys().map(|s| self.interner.name(*s).into()));
                    }
                }
                Object::Class(c) => {
                    names.extend(c.methods.keys().map(|s| self.interner.name(*s).into()));
                }
                Object::Str(_) => names.extend(methods::STR_METHODS.iter().map(|m| m.name.into())),
                Object::List(_) => {
                    names.extend(methods::LIST_METHODS.iter().map(|m| m.name.into()))
                }
                _ => {}
            }
        }
        crate::describe::closest(name, names.iter().map(String::as_str)).map(str::to_string)
    }

    #[inline(never)]
    pub fn get_attr(&mut self, obj: Value, sym: Sym) -> RtResult<Value> {
        let V::Obj(g) = obj.unpack() else {
            return Err(self.no_attr(obj, sym));
        };
        match self.heap.get(g) {
            Object::Instance(inst) => {
                if let Some(v) = inst.get(sym) {
                    return Ok(v);
                }
                let class = inst.class;
                if sym == self.syms.class_attr {
                    return Ok(Value::Obj(class));
                }
                let method = match self.heap.get(class) {
                    Object::Class(c) => c.methods.get(&sym).copied(),
                    _ => None,
                };
                match method {
                    Some(m) => Ok(self.alloc(Object::BoundMethod(Box::new(BoundMethod {
                        recv: obj,
                        target: BoundTarget::Func(m),
                    })))),
                    None if sym == self.syms.punya => Ok(self.bind_builtin(obj, sym)),
                    None => Err(self.no_attr(obj, sym)),
                }
            }
            Object::Class(c) => {
                if let Some(m) = c.methods.get(&sym) {
                    return Ok(*m);
                }
                if sym == self.syms.name {
                    let n = c.name.clone();
                    return Ok(self.alloc(Object::Str(crate::object::Text::new(n))));
                }
                if sym == self.syms.punya {
                    return Ok(self.bind_builtin(obj, sym));
                }
                Err(self.no_attr(obj, sym))
            }
            Object::Dict(d) => {
                let name = self.interner.name_rc(sym);
                if let Some(v) = d.get(&HashKey::text(name.clone())) {
                    return Ok(v);
                }
                if methods::is_dict_method(&name) {
                    return Ok(self.bind_builtin(obj, sym));
                }
                Err(self.no_attr(obj, sym))
            }
            Object::Module(id) => {
                let id = *id;
                let name = self.interner.name_rc(sym);
                match self.module_get(id, &name) {
                    Some(v) => Ok(v),
                    None if sym == self.syms.punya => Ok(self.bind_builtin(obj, sym)),
                    None => Err(self.no_attr(obj, sym)),
                }
            }
            Object::Str(_) => {
                if methods::is_str_method(self.interner.name(sym)) {
                    Ok(self.bind_builtin(obj, sym))
                } else {
                    Err(self.no_attr(obj, sym))
                }
            }
            Object::List(_) => {
                if methods::is_list_method(self.interner.name(sym)) {
                    Ok(self.bind_builtin(obj, sym))
                } else {
                    Err(self.no_attr(obj, sym))
                }
            }
            other if methods::is_host_method(other, self.interner.name(sym)) => {
                Ok(self.bind_builtin(obj, sym))
            }
            _ => Err(self.no_attr(obj, sym)),
        }
    }

    #[inline(never)]
    pub fn set_attr(&mut self, obj: Value, sym: Sym, v: Value) -> RtResult<()> {
        let V::Obj(g) = obj.unpack() else {
            return Err(self.no_attr_store(obj, sym));
        };
        match self.heap.get_mut(g) {
            Object::Instance(inst) => {
                let grown = inst.set(sym, v);
                self.heap.charge(grown);
                Ok(())
            }
            Object::Class(c) => {
                if c.methods.insert(sym, v).is_none() {
                    self.heap.charge(std::mem::size_of::<(Sym, Value)>() + 1);
                }
                self.epoch = self.epoch.wrapping_add(1).max(1);
                Ok(())
            }
            Object::Module(id) => {
                let id = *id;
                let name = self.interner.name_rc(sym);
                self.module_set(id, &name, v);
                Ok(())
            }
            Object::Dict(_) => Err(codes::ATTR_STORE.err(format!(
                "Kamus tidak mendukung penyimpanan atribut '{}'; gunakan ubah d[\"{}\"] = nilai.",
                self.interner.name(sym),
                self.interner.name(sym)
            ))),
            _ => Err(self.no_attr_store(obj, sym)),
        }
    }

    fn no_attr_store(&self, obj: Value, sym: Sym) -> RtError {
        codes::ATTR_STORE.err(format!(
            "Atribut '{}' tidak bisa disimpan pada {}; hanya objek dari sebuah kelas yang punya atribut",
            self.interner.name(sym),
            self.type_label(obj)
        ))
    }

    /// `induk.nama` in a method whose class is `home`.
    #[inline(never)]
    pub fn get_super(&mut self, home: Option<Gc>, this: Value, sym: Sym) -> RtResult<Value> {
        let Some(home) = home else {
            return Err(
                codes::SUPER_MISUSE.err("'induk' hanya bisa dipakai di dalam metode kelas.")
            );
        };
        let (parent, name) = match self.heap.get(home) {
            Object::Class(c) => (c.parent, c.name.clone()),
            _ => (None, "?".into()),
        };
        let Some(parent) = parent else {
            return Err(codes::SUPER_MISUSE.err(format!(
                "'induk' tidak bisa dipakai: kelas '{name}' tidak mewarisi kelas lain"
            )));
        };
        let method = match self.heap.get(parent) {
            Object::Class(c) => c.methods.get(&sym).copied(),
            _ => None,
        };
        match method {
            Some(m) => Ok(self.alloc(Object::BoundMethod(Box::new(BoundMethod {
                recv: this,
                target: BoundTarget::Func(m),
            })))),
            None => Err(codes::ATTR_MISSING.err(format!(
                "Kelas induk '{}' tidak punya metode '{}'",
                self.class_name(parent),
                self.interner.name(sym)
            ))),
        }
    }
}
