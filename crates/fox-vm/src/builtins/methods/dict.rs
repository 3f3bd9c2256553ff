//! Methods of dicts: Python's `dict` methods by their Python names and the
//! Morph ones (`punya`, `kunci`, `nilai`, `hapus`, `panjang`).

use super::arg;
use crate::codes;
use crate::dict::HashKey;
use crate::error::{RtError, RtResult};
use crate::object::Object;
use crate::value::V;
use crate::value::{Gc, Value};
use crate::vm::Vm;
use fox_bytecode::Sym;

impl Vm {
    fn update_needs_dict(&self, v: Value) -> RtError {
        codes::ARG_TYPE.err(format!(
            "kamus.update(): argumen 1 ('lain') harus kamus, bukan {}",
            self.type_label(v)
        ))
    }

    pub(super) fn dict_method(
        &mut self,
        g: Gc,
        name: &str,
        args: &[Value],
        recv: Value,
        sym: Sym,
    ) -> RtResult<Value> {
        let a0 = arg(args, 0);
        let get = |vm: &Vm, k: &HashKey| match vm.heap.get(g) {
            Object::Dict(d) => d.get(k),
            _ => None,
        };
        Ok(match name {
            "punya" => {
                let k = self.hash_key(a0);
                match k {
                    Ok(k) => Value::Bool(get(self, &k).is_some()),
                    Err(_) => Value::Bool(false),
                }
            }
            "keys" | "kunci" | "values" | "nilai" | "items" => {
                let n = match self.heap.get(g) {
                    Object::Dict(d) => d.len(),
                    _ => 0,
                };
                self.charge_items(if name == "items" { 2 * n } else { n })?;
                self.check_list(n)?;
                if name == "items" {
                    // A two-item list per entry.
                    let pair = crate::heap::SLOT_BYTES + 2 * std::mem::size_of::<Value>();
                    self.heap.check(n.saturating_mul(pair))?;
                    self.heap.reserve_objects(n)?;
                }
                let entries: Vec<(Value, Value)> = match self.heap.get(g) {
                    Object::Dict(d) => d.entries().collect(),
                    _ => Vec::new(),
                };
                let items: Vec<Value> = match name {
                    "keys" | "kunci" => entries.iter().map(|e| e.0).collect(),
                    "values" | "nilai" => entries.iter().map(|e| e.1).collect(),
                    _ => entries
                        .iter()
                        .map(|(k, v)| self.new_list(vec![*k, *v]))
                        .collect(),
                };
                self.new_list(items)
            }
            "get" => {
                let k = self.hash_key(a0)?;
                get(self, &k).unwrap_or(arg(args, 1))
            }
            "setdefault" => {
                let k = self.hash_key(a0)?;
                match get(self, &k) {
                    Some(v) => v,
                    None => {
                        let d = arg(args, 1);
                        self.heap.dict_insert(g, k, a0, d)?;
                        d
                    }
                }
            }
            "pop" | "hapus" => {
                let k = self.hash_key(a0)?;
                let removed = match self.heap.get_mut(g) {
                    Object::Dict(d) => d.remove(&k),
                    _ => None,
                };
                match removed {
                    Some(v) => v,
                    None if args.len() > 1 => arg(args, 1),
                    None if name == "hapus" => Value::Nil,
                    None => return Err(self.key_missing(a0)),
                }
            }
            "clear" => {
                if let Object::Dict(d) = self.heap.get_mut(g) {
                    d.clear();
                }
                Value::Nil
            }
            "copy" => {
                self.check_dict_copy(g)?;
                let copy = match self.heap.get(g) {
                    Object::Dict(d) => {
                        self.charge_items(d.len())?;
                        d.clone_entries()
                    }
                    _ => crate::dict::Dict::new(),
                };
                self.alloc(Object::Dict(Box::new(copy)))
            }
            "update" => {
                let entries: Vec<(Value, Value)> = match a0.unpack() {
                    V::Obj(o) => match self.heap.get(o) {
                        Object::Dict(d) => d.entries().collect(),
                        _ => return Err(self.update_needs_dict(a0)),
                    },
                    _ => return Err(self.update_needs_dict(a0)),
                };
                // Keys first, so a failure changes nothing.
                self.charge_items(entries.len())?;
                let keys = entries
                    .iter()
                    .map(|(k, _)| self.hash_key(*k))
                    .collect::<RtResult<Vec<_>>>()?;
                self.heap.dict_reserve(g, entries.len())?;
                for (hk, (k, v)) in keys.into_iter().zip(entries) {
                    self.heap.dict_insert(g, hk, k, v)?;
                }
                Value::Nil
            }
            "panjang" => Value::Int(match self.heap.get(g) {
                Object::Dict(d) => d.len() as i64,
                _ => 0,
            }),
            _ => return Err(self.no_attr(recv, sym)),
        })
    }
}
