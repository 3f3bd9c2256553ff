//! Methods of builtin values (§11.2): the Morph names and the Python names
//! real programs use, on texts, lists and dicts, plus `punya` on instances,
//! classes and modules.

use super::arg;
use crate::dict::HashKey;
use crate::error::{RtError, RtResult};
use crate::object::Object;
use crate::ops::Cmp;
use crate::value::V;
use crate::value::{Gc, Value};
use crate::vm::Vm;
use fox_bytecode::Sym;

const STR_METHODS: &[&str] = &[
    "kecil",
    "besar",
    "bersihkan",
    "ganti",
    "temukan",
    "pisah",
    "awalan",
    "akhiran",
    "lower",
    "upper",
    "strip",
    "lstrip",
    "rstrip",
    "replace",
    "find",
    "rfind",
    "index",
    "split",
    "join",
    "startswith",
    "endswith",
    "isdigit",
    "isalpha",
    "isalnum",
    "isspace",
    "isupper",
    "islower",
    "count",
    "title",
    "capitalize",
    "center",
    "ljust",
    "rjust",
    "zfill",
    "splitlines",
    "panjang",
];
const LIST_METHODS: &[&str] = &[
    "append", "pop", "insert", "index", "sort", "reverse", "count", "remove", "extend", "clear",
    "copy", "tambah", "panjang",
];
const DICT_METHODS: &[&str] = &[
    "punya",
    "keys",
    "values",
    "items",
    "get",
    "pop",
    "hapus",
    "clear",
    "copy",
    "update",
    "setdefault",
    "kunci",
    "nilai",
    "panjang",
];

pub fn is_str_method(n: &str) -> bool {
    STR_METHODS.contains(&n)
}
pub fn is_list_method(n: &str) -> bool {
    LIST_METHODS.contains(&n)
}
pub fn is_dict_method(n: &str) -> bool {
    DICT_METHODS.contains(&n)
}

/// The method names of texts, lists and dicts, in that order (the
/// documentation checks that `docs/builtins.md` describes each).
pub fn method_names() -> [&'static [&'static str]; 3] {
    [STR_METHODS, LIST_METHODS, DICT_METHODS]
}

/// Index of the first occurrence of `needle` in `hay` at or after char
/// position `start`, in characters; -1 when absent.
pub fn find_chars(hay: &str, needle: &str, start: usize) -> i64 {
    let byte_start = hay
        .char_indices()
        .nth(start)
        .map(|(b, _)| b)
        .unwrap_or(hay.len());
    if start > 0 && byte_start >= hay.len() && !needle.is_empty() {
        return -1;
    }
    match hay[byte_start..].find(needle) {
        Some(b) => (hay[..byte_start + b].chars().count()) as i64,
        None => -1,
    }
}

/// `h.replace(a, b[, limit])`: the result's size is computed (and
/// charged, and capped like `*`) before it is built.
pub fn replace_text(vm: &Vm, h: &str, a: &str, b: &str, limit: usize) -> RtResult<String> {
    vm.charge_bytes(h.len() + a.len() + b.len())?;
    let hits = if a.is_empty() {
        h.chars().count() + 1
    } else {
        h.matches(a).count()
    }
    .min(limit);
    let size = (h.len() - hits * a.len()).saturating_add(hits.saturating_mul(b.len()));
    vm.check_text(size)?;
    vm.charge_bytes(size)?;
    Ok(if limit == usize::MAX {
        h.replace(a, b)
    } else {
        h.replacen(a, b, limit)
    })
}

/// A `[start:end]` window of a text given Python-style optional bounds:
/// byte range plus the number of characters before it. `None` when the
/// start lies beyond the end of the text (Python then finds nothing).
struct Window {
    start: usize,
    end: usize,
    chars_before: usize,
}

fn window(s: &str, start: Value, end: Value) -> Option<Window> {
    let len = s.chars().count() as i64;
    let bound = |v: Value, default: i64| -> i64 {
        match v.unpack() {
            V::Int(i) if i < 0 => (i + len).max(0),
            V::Int(i) => i,
            V::Bool(b) => b as i64,
            _ => default,
        }
    };
    let a = bound(start, 0);
    let b = bound(end, len).min(len);
    if a > len {
        return None;
    }
    let b = b.max(a);
    let byte_at = |c: i64| -> usize {
        s.char_indices()
            .nth(c as usize)
            .map(|(i, _)| i)
            .unwrap_or(s.len())
    };
    Some(Window {
        start: byte_at(a),
        end: byte_at(b),
        chars_before: a as usize,
    })
}

/// Python's `str.split()` without a separator, charging one unit per part.
fn py_split_whitespace(vm: &Vm, s: &str, max: Option<usize>) -> RtResult<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        vm.charge(1)?;
        if max.is_some_and(|m| out.len() >= m) {
            out.push(rest.to_string());
            return Ok(out);
        }
        match rest.find(char::is_whitespace) {
            Some(i) => {
                out.push(rest[..i].to_string());
                rest = rest[i..].trim_start();
            }
            None => {
                out.push(rest.to_string());
                break;
            }
        }
    }
    Ok(out)
}

/// Collect the parts of a split, charging one unit per part.
fn charged_parts<'a>(vm: &Vm, parts: impl Iterator<Item = &'a str>) -> RtResult<Vec<String>> {
    let mut out = Vec::new();
    for p in parts {
        vm.charge(1)?;
        out.push(p.to_string());
    }
    Ok(out)
}

/// A set of characters to strip; large sets are hashed, so stripping is
/// linear in the text whatever the size of the set.
enum CharSet {
    Few(Vec<char>),
    Many(rustc_hash::FxHashSet<char>),
}

impl CharSet {
    fn new(chars: &str) -> CharSet {
        if chars.len() <= 32 {
            CharSet::Few(chars.chars().collect())
        } else {
            CharSet::Many(chars.chars().collect())
        }
    }

    fn has(&self, c: char) -> bool {
        match self {
            CharSet::Few(v) => v.contains(&c),
            CharSet::Many(h) => h.contains(&c),
        }
    }
}

impl Vm {
    fn strs(&mut self, items: Vec<String>) -> Value {
        let vals: Vec<Value> = items.into_iter().map(|s| self.new_string(s)).collect();
        self.new_list(vals)
    }

    fn text_arg(&self, v: Value, method: &str) -> RtResult<String> {
        self.str_ref(v).map(|s| s.to_string()).ok_or_else(|| {
            RtError::Msg(format!(
                "{method}() argument must be str, not {}",
                self.type_name(v)
            ))
        })
    }

    /// Call builtin method `sym` of `recv` with `argc` arguments at `start`.
    pub fn call_builtin_method(
        &mut self,
        recv: Value,
        sym: Sym,
        start: usize,
        argc: usize,
    ) -> RtResult<Value> {
        let mut buf = [Value::Nil; 4];
        let heap_args;
        let args: &[Value] = if argc <= buf.len() {
            buf[..argc].copy_from_slice(&self.stack[start..start + argc]);
            &buf[..argc]
        } else {
            heap_args = self.stack[start..start + argc].to_vec();
            &heap_args
        };
        let name = self.interner.name_rc(sym);
        let V::Obj(g) = recv.unpack() else {
            return Err(self.no_attr(recv, sym));
        };
        match self.heap.get(g) {
            Object::Str(s) => {
                let s = s.text.clone();
                self.str_method(&s, &name, args, recv, sym)
            }
            Object::List(_) => self.list_method(g, &name, args, recv, sym),
            Object::Dict(_) => self.dict_method(g, &name, args, recv, sym),
            Object::Instance(inst) => {
                if sym == self.syms.punya {
                    let key = self.str_checked(arg(args, 0))?;
                    let ksym = self.interner.intern(&key);
                    let has = match self.heap.get(g) {
                        Object::Instance(i) => {
                            i.get(ksym).is_some()
                                || matches!(self.heap.get(i.class), Object::Class(c) if c.methods.contains_key(&ksym))
                        }
                        _ => false,
                    };
                    let _ = inst;
                    return Ok(Value::Bool(has));
                }
                Err(self.no_attr(recv, sym))
            }
            Object::Class(c) => {
                if sym == self.syms.punya {
                    let key = self.str_checked(arg(args, 0))?;
                    let ksym = self.interner.lookup(&key);
                    return Ok(Value::Bool(
                        ksym.is_some_and(|k| c.methods.contains_key(&k)),
                    ));
                }
                Err(self.no_attr(recv, sym))
            }
            Object::Module(id) => {
                let id = *id;
                if sym == self.syms.punya {
                    let key = self.str_checked(arg(args, 0))?;
                    return Ok(Value::Bool(self.module_get(id, &key).is_some()));
                }
                Err(self.no_attr(recv, sym))
            }
            _ => Err(self.no_attr(recv, sym)),
        }
    }

    fn str_method(
        &mut self,
        s: &str,
        name: &str,
        args: &[Value],
        recv: Value,
        sym: Sym,
    ) -> RtResult<Value> {
        let a0 = arg(args, 0);
        // Every text method reads its receiver and text arguments at most
        // a few times; what can produce more is charged below.
        let read: usize = s.len()
            + args
                .iter()
                .filter_map(|a| self.str_ref(*a))
                .map(str::len)
                .sum::<usize>();
        self.charge_bytes(read)?;
        if matches!(
            name,
            "kecil" | "lower" | "besar" | "upper" | "title" | "capitalize"
        ) {
            self.check_case_change(s)?;
        }
        if matches!(name, "bersihkan" | "strip" | "lstrip" | "rstrip") {
            // At most a copy of the receiver.
            self.check_text(s.len())?;
        }
        Ok(match name {
            "kecil" | "lower" => self.new_string(s.to_lowercase()),
            "besar" | "upper" => self.new_string(s.to_uppercase()),
            "bersihkan" | "strip" => match a0.unpack() {
                V::Nil => self.new_str(s.trim()),
                v => {
                    let chars = CharSet::new(&self.text_arg(v.pack(), name)?);
                    self.new_str(s.trim_matches(|c| chars.has(c)))
                }
            },
            "lstrip" => match a0.unpack() {
                V::Nil => self.new_str(s.trim_start()),
                v => {
                    let chars = CharSet::new(&self.text_arg(v.pack(), name)?);
                    self.new_str(s.trim_start_matches(|c| chars.has(c)))
                }
            },
            "rstrip" => match a0.unpack() {
                V::Nil => self.new_str(s.trim_end()),
                v => {
                    let chars = CharSet::new(&self.text_arg(v.pack(), name)?);
                    self.new_str(s.trim_end_matches(|c| chars.has(c)))
                }
            },
            "ganti" | "replace" => {
                let a = self.text_arg(a0, name)?;
                let b = self.text_arg(arg(args, 1), name)?;
                let limit = match (arg(args, 2)).unpack() {
                    V::Int(n) if n >= 0 => n as usize,
                    _ => usize::MAX,
                };
                let r = replace_text(self, s, &a, &b, limit)?;
                self.new_string(r)
            }
            "temukan" | "find" | "index" | "rfind" => {
                let n = self.text_arg(a0, name)?;
                let Some(w) = window(s, arg(args, 1), arg(args, 2)) else {
                    if name == "index" {
                        return Err(RtError::msg("substring not found"));
                    }
                    return Ok(Value::Int(-1));
                };
                let hay = &s[w.start..w.end];
                let found = if name == "rfind" {
                    hay.rfind(&n)
                } else {
                    hay.find(&n)
                };
                match found {
                    Some(b) => Value::Int((w.chars_before + hay[..b].chars().count()) as i64),
                    None if name == "index" => return Err(RtError::msg("substring not found")),
                    None => Value::Int(-1),
                }
            }
            "pisah" | "split" => {
                let max = match (arg(args, 1)).unpack() {
                    V::Int(m) if m >= 0 => Some(m as usize),
                    _ => None,
                };
                let count = match a0.unpack() {
                    V::Nil => s
                        .split_whitespace()
                        .take(max.map_or(usize::MAX, |m| m + 1))
                        .count(),
                    v => match self.str_ref(v.pack()) {
                        Some(sep) if !sep.is_empty() => {
                            s.matches(sep).take(max.unwrap_or(usize::MAX)).count() + 1
                        }
                        _ => 0,
                    },
                };
                self.check_texts(count, s.len())?;
                match a0.unpack() {
                    V::Nil => {
                        let parts = py_split_whitespace(self, s, max)?;
                        self.strs(parts)
                    }
                    v => {
                        let sep = self.text_arg(v.pack(), name)?;
                        if sep.is_empty() {
                            return Err(RtError::msg("empty separator"));
                        }
                        let parts = match max {
                            Some(m) => charged_parts(self, s.splitn(m + 1, sep.as_str()))?,
                            None => charged_parts(self, s.split(sep.as_str()))?,
                        };
                        self.strs(parts)
                    }
                }
            }
            "splitlines" => {
                self.check_texts(s.lines().count(), s.len())?;
                let parts = charged_parts(self, s.lines())?;
                self.strs(parts)
            }
            "join" => {
                let owned;
                let items: &[Value] = match self.list_ref(a0) {
                    Some(l) => l,
                    None => {
                        owned = self.sequence_items(a0)?;
                        &owned
                    }
                };
                let total = items.iter().fold(
                    s.len().saturating_mul(items.len().saturating_sub(1)),
                    |n, x| n.saturating_add(self.str_ref(*x).map_or(0, str::len)),
                );
                self.check_text(total)?;
                let mut out = crate::memory::text_buffer(total)?;
                for (i, x) in items.iter().enumerate() {
                    self.charge(1)?;
                    if i > 0 {
                        self.charge_bytes(s.len())?;
                        out.push_str(s);
                    }
                    match self.str_ref(*x) {
                        Some(t) => {
                            self.charge_bytes(t.len())?;
                            out.push_str(t);
                        }
                        None => {
                            return Err(RtError::Msg(format!(
                                "sequence item {i}: expected str instance, {} found",
                                self.type_name(*x)
                            )))
                        }
                    }
                }
                self.new_string(out)
            }
            "awalan" | "startswith" | "akhiran" | "endswith" => {
                let p = self.text_arg(a0, name)?;
                match window(s, arg(args, 1), arg(args, 2)) {
                    Some(w) => {
                        let hay = &s[w.start..w.end];
                        Value::Bool(if matches!(name, "awalan" | "startswith") {
                            hay.starts_with(p.as_str())
                        } else {
                            hay.ends_with(p.as_str())
                        })
                    }
                    None => Value::Bool(false),
                }
            }
            "isdigit" => Value::Bool(!s.is_empty() && s.chars().all(|c| c.is_ascii_digit())),
            "isalpha" => Value::Bool(!s.is_empty() && s.chars().all(char::is_alphabetic)),
            "isalnum" => Value::Bool(!s.is_empty() && s.chars().all(char::is_alphanumeric)),
            "isspace" => Value::Bool(!s.is_empty() && s.chars().all(char::is_whitespace)),
            "isupper" => Value::Bool(
                s.chars().any(char::is_alphabetic) && !s.chars().any(char::is_lowercase),
            ),
            "islower" => Value::Bool(
                s.chars().any(char::is_alphabetic) && !s.chars().any(char::is_uppercase),
            ),
            "count" => {
                let n = self.text_arg(a0, name)?;
                match window(s, arg(args, 1), arg(args, 2)) {
                    Some(w) => {
                        let hay = &s[w.start..w.end];
                        if n.is_empty() {
                            Value::Int(hay.chars().count() as i64 + 1)
                        } else {
                            Value::Int(hay.matches(n.as_str()).count() as i64)
                        }
                    }
                    None => Value::Int(0),
                }
            }
            "title" => {
                let mut out = String::new();
                let mut prev_alpha = false;
                for c in s.chars() {
                    if c.is_alphabetic() {
                        if prev_alpha {
                            out.extend(c.to_lowercase());
                        } else {
                            out.extend(c.to_uppercase());
                        }
                        prev_alpha = true;
                    } else {
                        out.push(c);
                        prev_alpha = false;
                    }
                }
                self.new_string(out)
            }
            "capitalize" => {
                let mut it = s.chars();
                let out: String = match it.next() {
                    Some(f) => f
                        .to_uppercase()
                        .chain(it.flat_map(|c| c.to_lowercase()))
                        .collect(),
                    None => String::new(),
                };
                self.new_string(out)
            }
            "center" | "ljust" | "rjust" | "zfill" => {
                let width = match a0.unpack() {
                    V::Int(w) => w.max(0) as usize,
                    V::Bool(b) => b as usize,
                    other => {
                        return Err(RtError::Msg(format!(
                            "'{}' object cannot be interpreted as an integer",
                            self.type_name(other.pack())
                        )))
                    }
                };
                self.charge_bytes(width)?;
                let fill = match (arg(args, 1)).unpack() {
                    V::Nil => ' ',
                    v => self.text_arg(v.pack(), name)?.chars().next().unwrap_or(' '),
                };
                self.check_text(
                    width
                        .saturating_mul(fill.len_utf8())
                        .saturating_add(s.len()),
                )?;
                let len = s.chars().count();
                if len >= width {
                    self.new_str(s)
                } else {
                    let pad = width - len;
                    let out = match name {
                        "ljust" => format!("{s}{}", fill.to_string().repeat(pad)),
                        "rjust" => format!("{}{s}", fill.to_string().repeat(pad)),
                        "zfill" => {
                            let (sign, digits) = match s.strip_prefix(['-', '+']) {
                                Some(rest) => (&s[..1], rest),
                                None => ("", s),
                            };
                            format!("{sign}{}{digits}", "0".repeat(pad))
                        }
                        _ => {
                            let left = pad / 2 + (pad & width & 1);
                            let right = pad - left;
                            format!(
                                "{}{s}{}",
                                fill.to_string().repeat(left),
                                fill.to_string().repeat(right)
                            )
                        }
                    };
                    self.new_string(out)
                }
            }
            "panjang" => Value::Int(s.chars().count() as i64),
            _ => return Err(self.no_attr(recv, sym)),
        })
    }

    fn put_list(&mut self, g: Gc, items: Vec<Value>) {
        if let Object::List(l) = self.heap.get_mut(g) {
            *l = items;
        }
    }

    fn list_method(
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
                    return Err(RtError::msg("pop from empty list"));
                }
                let i = match a0.unpack() {
                    V::Nil => len - 1,
                    V::Int(i) => crate::index::norm_index(i, len)
                        .ok_or_else(|| RtError::msg("pop index out of range"))?,
                    _ => return Err(RtError::msg("list indices must be integers")),
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
                    _ => return Err(RtError::msg("list indices must be integers")),
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
                            return Err(RtError::Msg(format!(
                                "{} is not in list",
                                self.repr_lossy(a0)
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
                        None => return Err(RtError::msg("list.remove(x): x not in list")),
                    },
                }
            }
            "sort" => {
                // Python's sort (`crate::sort`), on a copy: a comparison
                // that raises leaves the permutation CPython leaves; a
                // budget stop leaves the list as it was, so the call can
                // run again.
                let reverse = self.truthy(arg(args, 1)) || matches!(a0.unpack(), V::Bool(true));
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

    fn dict_method(
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
                    None => return Err(RtError::Msg(self.repr_lossy(a0))),
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
                        _ => return Err(RtError::msg("update() membutuhkan kamus")),
                    },
                    _ => return Err(RtError::msg("update() membutuhkan kamus")),
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
