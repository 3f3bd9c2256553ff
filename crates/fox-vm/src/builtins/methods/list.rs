//! Methods of lists (Python's `list` methods and the Morph `tambah`,
//! `urutkan`, `panjang`), and sorting by precomputed keys, the native half
//! of `daftar.sort(kunci)` (the keys come from Morph code, see `prelude`).

use super::arg;
use crate::codes;
use crate::error::{RtError, RtResult};
use crate::object::Object;
use crate::ops::Cmp;
use crate::value::V;
use crate::value::{Gc, Value};
use crate::vm::Vm;
use fox_bytecode::Sym;

/// `_urut_kunci(daftar, kunci, terbalik)`: sort `daftar` in place by the
/// keys `kunci[i]` of its items (Python's `sort(key=…, reverse=…)`:
/// stable, the keys compared with `<`).
pub fn sort_by_keys(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let (list, keys_v, reverse) = (arg(args, 0), arg(args, 1), vm.truthy(arg(args, 2)));
    let Some(g) = list.as_obj() else {
        return Ok(Value::Nil);
    };
    let items = vm.list_ref(list).cloned().unwrap_or_default();
    let keys = vm.list_ref(keys_v).cloned().unwrap_or_default();
    if keys.len() != items.len() {
        return Err(codes::ARG_VALUE
            .err("daftar.sort(): daftar berubah ukurannya selama kunci urutannya dihitung"));
    }
    vm.charge_items(items.len())?;
    let mut sorted = items;
    let r = crate::sort::sort_by_key(&mut sorted, &keys, reverse, |a, b| {
        vm.charge(1)?;
        vm.compare(Cmp::Lt, *a, *b)
    });
    if matches!(r, Err(RtError::Budget)) {
        return Err(RtError::Budget);
    }
    vm.put_list(g, sorted);
    r?;
    Ok(Value::Nil)
}

impl Vm {
    /// Is `v` a negative big integer?
    fn is_negative_int(&self, v: Value) -> bool {
        matches!(v.as_obj().map(|g| self.heap.get(g)),
            Some(Object::BigInt(b)) if b.sign() == num_bigint::Sign::Minus)
    }

    pub(super) fn put_list(&mut self, g: Gc, items: Vec<Value>) {
        if let Object::List(l) = self.heap.get_mut(g) {
            *l = items;
        }
    }

    pub(super) fn list_method(
        &mut self,
        g: Gc,
        name: &str,
        args: &[Value],
        recv: Value,
        sym: Sym,
    ) -> RtResult<Value> {
        let a0 = arg(args, 0);
        let len = self.list_ref(recv).map(|l| l.len()).unwrap_or(0);
        Ok(match name {
            "append" | "tambah" => {
                self.heap.list_push(g, a0)?;
                Value::Nil
            }
            "pop" => {
                if len == 0 {
                    return Err(codes::INDEX_RANGE.err("daftar.pop(): daftar kosong"));
                }
                let i = match a0.unpack() {
                    V::Nil => len - 1,
                    V::Int(i) => crate::index::norm_index(i, len).ok_or_else(|| {
                        codes::INDEX_RANGE.err(format!(
                            "daftar.pop(): indeks {i} di luar jangkauan daftar (panjang {len})"
                        ))
                    })?,
                    V::Bool(b) => crate::index::norm_index(b as i64, len).ok_or_else(|| {
                        codes::INDEX_RANGE.err(format!(
                            "daftar.pop(): indeks {} di luar jangkauan daftar (panjang {len})",
                            b as i64
                        ))
                    })?,
                    _ => {
                        return Err(codes::INDEX_RANGE.err(format!(
                            "daftar.pop(): indeks di luar jangkauan daftar (panjang {len})"
                        )))
                    }
                };
                match self.heap.get_mut(g) {
                    Object::List(l) => l.remove(i),
                    _ => Value::Nil,
                }
            }
            "insert" => {
                let i = match a0.unpack() {
                    V::Int(i) => {
                        if i < 0 {
                            (i + len as i64).max(0) as usize
                        } else {
                            (i as usize).min(len)
                        }
                    }
                    V::Bool(b) => (b as usize).min(len),
                    // A big integer: before the start or past the end.
                    _ if self.is_negative_int(a0) => 0,
                    _ => len,
                };
                let x = arg(args, 1);
                self.heap.list_reserve(g, 1)?;
                if let Object::List(l) = self.heap.get_mut(g) {
                    l.insert(i, x);
                }
                Value::Nil
            }
            "index" | "count" | "remove" => {
                // No copy: comparisons only read the heap. Each is charged
                // (one unit per element, more for nested data).
                let items = self.list_ref(recv).map(|l| &l[..]).unwrap_or(&[]);
                let mut first = None;
                let mut count = 0;
                for (i, x) in items.iter().enumerate() {
                    self.charge(1)?;
                    if self.values_equal(*x, a0)? {
                        count += 1;
                        if first.is_none() {
                            first = Some(i);
                            if name != "count" {
                                break;
                            }
                        }
                    }
                }
                match name {
                    "count" => Value::Int(count),
                    "index" => match first {
                        Some(i) => Value::Int(i as i64),
                        None => {
                            return Err(codes::NOT_FOUND.err(format!(
                                "daftar.index(): {} tidak ada di dalam daftar",
                                self.shown(a0, 80)
                            )))
                        }
                    },
                    _ => match first {
                        Some(i) => {
                            self.charge_items((len - i) / 8)?;
                            if let Object::List(l) = self.heap.get_mut(g) {
                                l.remove(i);
                            }
                            Value::Nil
                        }
                        None => {
                            return Err(codes::NOT_FOUND.err(format!(
                                "daftar.remove(): {} tidak ada di dalam daftar",
                                self.shown(a0, 80)
                            )))
                        }
                    },
                }
            }
            "sort" | "urutkan" => {
                // `sort()`, `sort(terbalik)` (a lone boolean),
                // `sort(kunci[, terbalik])`: with a key function the keys
                // are computed by Morph code (the prelude's
                // `_urutkan_kunci`, which calls `_urut_kunci` below).
                let (key, reverse) = match (a0.unpack(), args.len()) {
                    (V::Bool(b), 1) => (Value::Nil, b),
                    (V::Bool(_), _) => {
                        return Err(codes::ARG_TYPE.err(format!(
                            "daftar.{name}(): argumen 1 ('kunci') harus fungsi atau nil \
                             (benar/salah sendirian berarti 'terbalik')"
                        )))
                    }
                    _ => (a0, self.truthy(arg(args, 1))),
                };
                if !key.is_nil() {
                    return Err(RtError::Redirect(Box::new(crate::error::Redirect {
                        helper: "_urutkan_kunci",
                        args: vec![recv, key, Value::Bool(reverse)],
                    })));
                }
                // Python's sort (`crate::sort`), on a copy: a comparison
                // that raises leaves the permutation CPython leaves; a
                // budget stop leaves the list as it was, so the call can
                // run again.
                let mut items = self.list_ref(recv).cloned().unwrap_or_default();
                self.charge_items(items.len())?;
                let r = crate::sort::sort(&mut items, reverse, |a, b| {
                    self.charge(1)?;
                    self.compare(Cmp::Lt, *a, *b)
                });
                if matches!(r, Err(RtError::Budget)) {
                    return Err(RtError::Budget);
                }
                self.put_list(g, items);
                r?;
                Value::Nil
            }
            "reverse" => {
                self.charge_items(len / 8)?;
                if let Object::List(l) = self.heap.get_mut(g) {
                    l.reverse();
                }
                Value::Nil
            }
            "extend" => {
                // Grow first (old and new buffers), then copy the items
                // (new buffer and the copy): never all three at once.
                let n = self.list_ref(a0).map_or(0, |l| l.len());
                self.heap.list_reserve(g, n)?;
                let more = match self.list_ref(a0) {
                    Some(l) => {
                        self.charge_items(l.len())?;
                        self.check_list(l.len())?;
                        l.clone()
                    }
                    None => self.sequence_items(a0)?,
                };
                self.heap.list_reserve(g, more.len())?;
                if let Object::List(l) = self.heap.get_mut(g) {
                    l.extend(more);
                }
                Value::Nil
            }
            "clear" => {
                if let Object::List(l) = self.heap.get_mut(g) {
                    l.clear();
                }
                Value::Nil
            }
            "copy" => {
                self.charge_items(len)?;
                self.check_list(len)?;
                let items = self.list_ref(recv).cloned().unwrap_or_default();
                self.new_list(items)
            }
            "panjang" => Value::Int(len as i64),
            _ => return Err(self.no_attr(recv, sym)),
        })
    }
}
