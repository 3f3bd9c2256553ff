//! Indexing and slicing of texts, lists, dicts and modules, with Python's
//! negative indices, clamped slices and error messages.

use crate::codes;
use crate::error::{RtError, RtResult};
use crate::object::Object;
use crate::value::Value;
use crate::value::V;
use crate::vm::Vm;

/// Resolve a Python index against a length.
#[inline]
pub fn norm_index(i: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let j = if i < 0 { i + len } else { i };
    if j < 0 || j >= len {
        None
    } else {
        Some(j as usize)
    }
}

/// Python's slice bound clamping (step 1).
pub fn slice_bounds(lo: Option<i64>, hi: Option<i64>, len: usize) -> (usize, usize) {
    let len = len as i64;
    let clamp = |x: i64| -> i64 {
        if x < 0 {
            (x + len).max(0)
        } else {
            x.min(len)
        }
    };
    let a = lo.map(clamp).unwrap_or(0);
    let b = hi.map(clamp).unwrap_or(len);
    if b <= a {
        (a as usize, a as usize)
    } else {
        (a as usize, b as usize)
    }
}

impl Vm {
    fn index_int(&self, k: Value, what: &str) -> RtResult<i64> {
        match k.unpack() {
            V::Int(i) => Ok(i),
            V::Bool(b) => Ok(b as i64),
            V::Obj(g) if matches!(self.heap.get(g), Object::BigInt(_)) => Ok(i64::MAX),
            _ => Err(codes::NOT_INDEXABLE.err(format!(
                "Indeks {what} harus angka bulat, bukan {}",
                self.type_label(k)
            ))),
        }
    }

    /// Index `i` is outside a `what` (`daftar`, `teks`) of `len` items.
    fn out_of_range(what: &str, i: i64, len: usize) -> RtError {
        let shown = if i == i64::MAX {
            "sebesar itu".to_string()
        } else {
            i.to_string()
        };
        let hint = if len == 0 {
            format!("{what} kosong")
        } else {
            format!(
                "panjang {len}, indeks yang sah 0..{} atau -{len}..-1",
                len - 1
            )
        };
        codes::INDEX_RANGE.err(format!("Indeks {shown} di luar jangkauan {what} ({hint})"))
    }

    /// `key` is not in a dict (`ErrorKunci`).
    pub fn key_missing(&self, key: Value) -> RtError {
        codes::KEY_MISSING.err(format!("Kunci {} tidak ada di kamus", self.shown(key, 80)))
    }

    fn not_subscriptable(&self, obj: Value) -> RtError {
        codes::NOT_INDEXABLE.err(format!(
            "{} tidak bisa diindeks dengan [ ]; hanya teks, daftar, kamus dan modul yang bisa",
            crate::describe::capitalized(&self.type_label(obj))
        ))
    }

    fn no_item_assignment(&self, obj: Value) -> RtError {
        let label = self.type_label(obj);
        let hint = if label == "teks" {
            "; teks tidak bisa diubah, buat teks baru (misalnya dengan iris dan +)"
        } else {
            ""
        };
        codes::NOT_INDEXABLE.err(format!(
            "{} tidak mendukung pengubahan elemen dengan ubah x[i] = …{hint}",
            crate::describe::capitalized(&label)
        ))
    }

    /// Character `i` of a text, as a new one-character text.
    pub fn str_char_at(&mut self, s: &str, ascii: bool, i: i64) -> RtResult<Value> {
        if ascii {
            return match norm_index(i, s.len()) {
                Some(j) => Ok(self.new_str(&s[j..j + 1])),
                None => Err(Self::out_of_range("teks", i, s.len())),
            };
        }
        // Non-ASCII texts are walked to find the character.
        self.charge_bytes(s.len())?;
        let n = s.chars().count();
        match norm_index(i, n).and_then(|j| s.chars().nth(j)) {
            Some(c) => {
                let mut b = [0u8; 4];
                Ok(self.new_str(c.encode_utf8(&mut b)))
            }
            None => Err(Self::out_of_range("teks", i, n)),
        }
    }

    #[inline(never)]
    pub fn get_index(&mut self, obj: Value, key: Value) -> RtResult<Value> {
        let V::Obj(g) = obj.unpack() else {
            return Err(self.not_subscriptable(obj));
        };
        match self.heap.get(g) {
            Object::List(l) => {
                let i = self.index_int(key, "daftar")?;
                match norm_index(i, l.len()) {
                    Some(j) => Ok(l[j]),
                    None => Err(Self::out_of_range("daftar", i, l.len())),
                }
            }
            Object::Bytes(b) => {
                let i = self.index_int(key, "bytes")?;
                match norm_index(i, b.len()) {
                    Some(j) => Ok(Value::Int(b[j] as i64)),
                    None => Err(Self::out_of_range("bytes", i, b.len())),
                }
            }
            Object::Str(s) => {
                let ascii = s.is_ascii();
                let s = s.text.clone();
                let i = match key.unpack() {
                    V::Int(i) => i,
                    V::Bool(b) => b as i64,
                    _ => {
                        return Err(self.index_int(key, "teks").err().unwrap_or_else(|| {
                            Self::out_of_range("teks", i64::MAX, s.chars().count())
                        }))
                    }
                };
                self.str_char_at(&s, ascii, i)
            }
            Object::Dict(d) => {
                let hk = self.hash_key(key)?;
                match d.get(&hk) {
                    Some(v) => Ok(v),
                    None => Err(self.key_missing(key)),
                }
            }
            Object::Module(id) => {
                let id = *id;
                let name = self.str_checked(key)?;
                self.module_get(id, &name)
                    .ok_or_else(|| self.module_missing(id, &name))
            }
            _ => Err(self.not_subscriptable(obj)),
        }
    }

    #[inline(never)]
    pub fn set_index(&mut self, obj: Value, key: Value, v: Value) -> RtResult<()> {
        let V::Obj(g) = obj.unpack() else {
            return Err(self.no_item_assignment(obj));
        };
        match self.heap.get(g) {
            Object::List(_) => {
                let i = self.index_int(key, "daftar")?;
                if let Object::List(l) = self.heap.get_mut(g) {
                    match norm_index(i, l.len()) {
                        Some(j) => {
                            l[j] = v;
                            return Ok(());
                        }
                        None => return Err(Self::out_of_range("daftar", i, l.len())),
                    }
                }
                Ok(())
            }
            Object::Dict(_) => {
                let hk = self.hash_key(key)?;
                self.heap.dict_insert(g, hk, key, v)?;
                Ok(())
            }
            Object::Module(id) => {
                let id = *id;
                let name = self.str_checked(key)?;
                self.module_set(id, &name, v);
                Ok(())
            }
            _ => Err(self.no_item_assignment(obj)),
        }
    }

    fn slice_bound(&self, v: Value) -> RtResult<Option<i64>> {
        match v.unpack() {
            V::Nil => Ok(None),
            V::Int(i) => Ok(Some(i)),
            V::Bool(b) => Ok(Some(b as i64)),
            // Huge bounds clamp, as in Python.
            V::Obj(g) => match self.heap.get(g) {
                Object::BigInt(b) if b.sign() == num_bigint::Sign::Minus => Ok(Some(i64::MIN / 2)),
                Object::BigInt(_) => Ok(Some(i64::MAX / 2)),
                _ => Err(self.bad_slice_bound(v)),
            },
            _ => Err(self.bad_slice_bound(v)),
        }
    }

    #[inline(never)]
    pub fn slice(&mut self, obj: Value, lo: Value, hi: Value) -> RtResult<Value> {
        let (lo, hi) = (self.slice_bound(lo)?, self.slice_bound(hi)?);
        if let V::Obj(g) = obj.unpack() {
            match self.heap.get(g) {
                Object::List(l) => {
                    let (a, b) = slice_bounds(lo, hi, l.len());
                    self.charge_items(b - a)?;
                    self.check_list(b - a)?;
                    let items = l[a..b].to_vec();
                    return Ok(self.new_list(items));
                }
                Object::Bytes(data) => {
                    let (a, b) = slice_bounds(lo, hi, data.len());
                    self.charge_bytes(b - a)?;
                    let part = data[a..b].to_vec();
                    return self.new_bytes(part);
                }
                Object::Str(s) => {
                    if s.is_ascii() {
                        let (a, b) = slice_bounds(lo, hi, s.len());
                        self.charge_bytes(b - a)?;
                        self.check_text(b - a)?;
                        let sub = s[a..b].to_string();
                        return Ok(self.new_string(sub));
                    }
                    let s = s.text.clone();
                    self.charge_bytes(4 * s.len())?;
                    let n = s.chars().count();
                    let (a, b) = slice_bounds(lo, hi, n);
                    let start = s.char_indices().nth(a).map_or(s.len(), |(i, _)| i);
                    let end = s.char_indices().nth(b).map_or(s.len(), |(i, _)| i);
                    self.check_text(end - start)?;
                    return Ok(self.new_str(&s[start..end]));
                }
                _ => {}
            }
        }
        Err(codes::NOT_INDEXABLE.err(format!(
            "{} tidak bisa diiris [a:b]; hanya teks dan daftar yang bisa",
            crate::describe::capitalized(&self.type_label(obj))
        )))
    }

    fn bad_slice_bound(&self, v: Value) -> RtError {
        codes::NOT_INDEXABLE.err(format!(
            "Batas irisan [a:b] harus angka bulat atau nil, bukan {}",
            self.type_label(v)
        ))
    }
}
