//! Attribute access (`x.nama`, `x.nama = v`, `induk.nama`): instance
//! properties before methods, class methods as plain functions, dict keys,
//! module globals, and bound builtin methods of texts, lists and dicts.

use crate::builtins::methods;
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
        match v.unpack() {
            V::Obj(g) => match self.heap.get(g) {
                Object::Instance(_) => RtError::Msg(format!(
                    "Instance '{}' has no attribute '{name}'",
                    self.repr_lossy(v)
                )),
                Object::Class(c) => {
                    RtError::Msg(format!("Kelas '{}' has no attribute '{name}'", c.name))
                }
                Object::Dict(_) | Object::Module(_) => {
                    RtError::Msg(format!("Dictionary has no key '{name}'"))
                }
                Object::Variant(var) => RtError::Msg(format!(
                    "Varian '{}' tidak mendukung akses atribut langsung. Gunakan jodohkan.",
                    self.interner.name(var.name)
                )),
                _ => RtError::Msg(format!(
                    "'{}' object has no attribute '{name}'",
                    self.type_name(v)
                )),
            },
            _ => RtError::Msg(format!(
                "'{}' object has no attribute '{name}'",
                self.type_name(v)
            )),
        }
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
            _ => Err(self.no_attr(obj, sym)),
        }
    }

    #[inline(never)]
    pub fn set_attr(&mut self, obj: Value, sym: Sym, v: Value) -> RtResult<()> {
        let V::Obj(g) = obj.unpack() else {
            return Err(self.no_attr(obj, sym));
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
            Object::Dict(_) => Err(RtError::Msg(format!(
                "Kamus tidak mendukung penyimpanan atribut '{}'; gunakan ubah d[\"{}\"] = nilai.",
                self.interner.name(sym),
                self.interner.name(sym)
            ))),
            _ => Err(self.no_attr(obj, sym)),
        }
    }

    /// `induk.nama` in a method whose class is `home`.
    #[inline(never)]
    pub fn get_super(&mut self, home: Option<Gc>, this: Value, sym: Sym) -> RtResult<Value> {
        let Some(home) = home else {
            return Err(RtError::msg(
                "'induk' hanya bisa dipakai di dalam metode kelas.",
            ));
        };
        let (parent, name) = match self.heap.get(home) {
            Object::Class(c) => (c.parent, c.name.clone()),
            _ => (None, "?".into()),
        };
        let Some(parent) = parent else {
            return Err(RtError::Msg(format!(
                "Cannot call 'induk': class '{name}' has no superclass."
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
            None => Err(RtError::Msg(format!(
                "Kelas induk '{}' has no attribute '{}'",
                self.class_name(parent),
                self.interner.name(sym)
            ))),
        }
    }
}
