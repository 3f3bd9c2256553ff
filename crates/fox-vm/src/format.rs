//! Text conversion with Python's rules (§12): `str()` for `tulis` and
//! interpolation, `repr()` for elements inside containers, shortest
//! round-trip floats with Python's exponent thresholds, `True`/`False`/`None`.
//! Conversions are charged to the budget and bounded in depth and integer
//! digits (see `limits`); `repr_lossy`/`str_lossy` serve error messages.
//! An instance whose class defines `teks()` (Python's `__str__`) or
//! `repr()` (`__repr__`) is written with the text that method returned,
//! when the conversion was given those texts ([`UserText`]; see
//! `builtins/text.rs`, which runs the methods through the prelude).

use crate::error::RtResult;
use crate::object::{BoundTarget, Object};
use crate::value::V;
use crate::value::{Gc, Value};
use crate::vm::Vm;
use rustc_hash::FxHashMap;
use std::fmt::Write;
use std::rc::Rc;

/// A class's text conversion a conversion needs: `method(obj)` (the
/// class's `teks` or, with `repr`, its `repr`).
#[derive(Clone, Copy, Debug)]
pub struct Need {
    pub obj: Gc,
    pub method: Value,
    pub repr: bool,
}

/// The classes' own text conversions in one conversion to text: the
/// texts already computed (by instance and `repr`-ness) and those found
/// missing while writing (written meanwhile as `<Instance K>`).
#[derive(Default, Debug)]
pub struct UserText {
    pub done: FxHashMap<(u32, bool), Rc<str>>,
    pub needs: Vec<Need>,
}

pub use crate::scalar::{fmt_float, repr_str};

/// Longest text the lossy writer (error messages) produces.
const LOSSY_CAP: usize = 1 << 16;

/// State of one conversion to text.
struct Writer<'a> {
    out: &'a mut String,
    /// Containers being written (cycle detection and depth).
    stack: Vec<Gc>,
    /// For error messages: never fails and charges nothing; deeper data
    /// shows as `[...]`, over-long integers by their size, and the text
    /// stops at `LOSSY_CAP` bytes.
    lossy: bool,
    /// The classes' own conversions, when this conversion honours them.
    user: Option<&'a mut UserText>,
}

impl Writer<'_> {
    /// Has the lossy writer produced all it may?
    #[inline]
    fn full(&self) -> bool {
        self.lossy && self.out.len() > LOSSY_CAP
    }
}

impl Vm {
    /// `str(v)`: text as is, everything else as `repr`. Charged to the
    /// budget; fails on data deeper than the depth limit and on integers
    /// beyond the digit limit (see `limits`).
    pub fn str_of(&self, v: Value) -> RtResult<String> {
        if let V::Obj(g) = v.unpack() {
            if let Object::Str(s) = self.heap.get(g) {
                self.charge_bytes(s.len())?;
                return Ok(s.to_string());
            }
        }
        let mut out = String::new();
        self.write_str(v, &mut out)?;
        Ok(out)
    }

    /// `repr(v)` (see `str_of`).
    pub fn repr_of(&self, v: Value) -> RtResult<String> {
        let mut out = String::new();
        self.write_top(v, &mut out, true, false, None)?;
        Ok(out)
    }

    /// Append `str(v)` to `out` (see `str_of`).
    pub fn write_str(&self, v: Value, out: &mut String) -> RtResult<()> {
        self.write_top(v, out, false, false, None)
    }

    /// Append `str(v)` (or `repr(v)`) to `out`, with the classes' own
    /// conversions from `user` (and noting there the ones missing).
    pub fn write_user(
        &self,
        v: Value,
        out: &mut String,
        repr: bool,
        user: &mut UserText,
    ) -> RtResult<()> {
        self.write_top(v, out, repr, false, Some(user))
    }

    /// `repr(v)` for error messages and diagnostics: never fails, charges
    /// nothing, and is bounded (see `Writer::lossy`).
    pub fn repr_lossy(&self, v: Value) -> String {
        let mut out = String::new();
        let _ = self.write_top(v, &mut out, true, true, None);
        out
    }

    /// `str(v)` for error messages and diagnostics (see `repr_lossy`).
    pub fn str_lossy(&self, v: Value) -> String {
        let mut out = String::new();
        let _ = self.write_top(v, &mut out, false, true, None);
        out
    }

    #[inline(never)]
    fn write_top(
        &self,
        v: Value,
        out: &mut String,
        repr: bool,
        lossy: bool,
        user: Option<&mut UserText>,
    ) -> RtResult<()> {
        let mut w = Writer {
            out,
            stack: Vec::new(),
            lossy,
            user,
        };
        self.write_value(v, &mut w, repr)?;
        if lossy && w.out.len() > LOSSY_CAP {
            let mut end = LOSSY_CAP;
            while !w.out.is_char_boundary(end) {
                end -= 1;
            }
            w.out.truncate(end);
            w.out.push_str("...");
        }
        Ok(())
    }

    fn write_value(&self, v: Value, w: &mut Writer, repr: bool) -> RtResult<()> {
        if w.full() {
            return Ok(());
        }
        match v.unpack() {
            V::Nil | V::Undef => w.out.push_str("None"),
            V::Bool(true) => w.out.push_str("True"),
            V::Bool(false) => w.out.push_str("False"),
            V::Int(i) => {
                let _ = write!(w.out, "{i}");
            }
            V::Float(f) => w.out.push_str(&fmt_float(f)),
            V::Native(id) => {
                let _ = write!(
                    w.out,
                    "<fungsi bawaan {}>",
                    crate::builtins::native_name(id)
                );
            }
            V::Obj(g) => self.write_obj(g, w, repr)?,
        }
        Ok(())
    }

    fn write_obj(&self, g: Gc, w: &mut Writer, repr: bool) -> RtResult<()> {
        let obj = self.heap.get(g);
        let container = matches!(
            obj,
            Object::List(_) | Object::Dict(_) | Object::Variant(_) | Object::BoundMethod(_)
        );
        if container {
            let cycle = w.stack.contains(&g);
            if cycle || w.stack.len() >= self.data_depth_limit() {
                if !cycle && !w.lossy {
                    return Err(self.depth_error("membuat repr objek"));
                }
                w.out.push_str(match obj {
                    Object::Dict(_) => "{...}",
                    _ => "[...]",
                });
                return Ok(());
            }
            w.stack.push(g);
        }
        match obj {
            Object::Str(s) => {
                if !w.lossy {
                    self.charge_bytes(s.len())?;
                }
                let s: &str = if w.lossy && s.len() > LOSSY_CAP {
                    let mut end = LOSSY_CAP;
                    while !s.is_char_boundary(end) {
                        end -= 1;
                    }
                    &s[..end]
                } else {
                    s
                };
                if repr {
                    repr_str(s, w.out);
                } else {
                    w.out.push_str(s);
                }
            }
            Object::BigInt(b) => {
                if w.lossy {
                    // Uncharged, so only what converts quickly.
                    if b.bits() <= 16 * 1024 && self.int_within_digit_limit(b) {
                        let _ = write!(w.out, "{b}");
                    } else {
                        let _ = write!(w.out, "<int {} bit>", b.bits());
                    }
                } else {
                    self.write_big_decimal(b, w.out)?;
                }
            }
            Object::List(items) => {
                w.out.push('[');
                for (i, x) in items.iter().enumerate() {
                    if w.full() {
                        break;
                    }
                    if i > 0 {
                        w.out.push_str(", ");
                    }
                    if !w.lossy {
                        self.charge(1)?;
                    }
                    self.write_value(*x, w, true)?;
                }
                w.out.push(']');
            }
            Object::Dict(d) => {
                w.out.push('{');
                for (i, (k, v)) in d.entries().enumerate() {
                    if w.full() {
                        break;
                    }
                    if i > 0 {
                        w.out.push_str(", ");
                    }
                    if !w.lossy {
                        self.charge(1)?;
                    }
                    self.write_value(k, w, true)?;
                    w.out.push_str(": ");
                    self.write_value(v, w, true)?;
                }
                w.out.push('}');
            }
            Object::Class(c) => {
                let _ = write!(w.out, "<Kelas {}>", c.name);
            }
            Object::Instance(i) => match self.user_text(g, i.class, repr, w) {
                Some(text) => {
                    self.charge_bytes(text.len())?;
                    w.out.push_str(&text);
                }
                None => {
                    let _ = write!(w.out, "<Instance {}>", self.class_name(i.class));
                }
            },
            Object::Closure(c) => {
                let _ = write!(w.out, "<Fungsi {}>", c.func.get().proto.name);
            }
            Object::Cell(v) => self.write_value(*v, w, repr)?,
            Object::BoundMethod(b) => {
                let name = match b.target {
                    BoundTarget::Func(f) => self.func_name(f),
                    BoundTarget::Builtin(s) => self.interner.name(s).to_string(),
                };
                let _ = write!(w.out, "<BoundMethod {name} of ");
                self.write_value(b.recv, w, true)?;
                w.out.push('>');
            }
            Object::VariantCtor { name, .. } => {
                let _ = write!(w.out, "<CodeObject {}>", self.interner.name(*name));
            }
            Object::Variant(v) => {
                w.out.push_str(self.interner.name(v.name));
                if !v.fields.is_empty() {
                    w.out.push('(');
                    for (i, x) in v.fields.iter().enumerate() {
                        if w.full() {
                            break;
                        }
                        if i > 0 {
                            w.out.push_str(", ");
                        }
                        if !w.lossy {
                            self.charge(1)?;
                        }
                        self.write_value(*x, w, false)?;
                    }
                    w.out.push(')');
                }
            }
            Object::Generator(gen) => {
                let name = match self.heap.get(gen.closure) {
                    Object::Closure(c) => c.func.get().proto.name.to_string(),
                    _ => "?".to_string(),
                };
                let _ = write!(w.out, "<Generator {name}>");
            }
            Object::Pipeline(p) => {
                let _ = write!(w.out, "<alur {}>", p.name);
            }
            Object::Module(m) => {
                let file = self
                    .modules
                    .get(*m as usize)
                    .map(|m| m.file.to_string())
                    .unwrap_or_default();
                let _ = write!(w.out, "<Modul {file}>");
            }
            Object::Resource(r) => w.out.push_str(&r.describe()),
            Object::Bytes(b) => {
                if !w.lossy {
                    self.charge_bytes(b.len())?;
                }
                crate::bytes::write_repr(w.out, b);
            }
            Object::Free(_) => w.out.push_str("<freed>"),
        }
        if container {
            w.stack.pop();
        }
        Ok(())
    }

    /// The class's own conversion of instance `g` in this conversion, or
    /// `None` (the default text) — then noting it as needed, when the
    /// class has one. `str()` uses `teks`, else `repr`; `repr()` only
    /// `repr` (as Python's `__str__`/`__repr__`).
    fn user_text(&self, g: Gc, class: Gc, repr: bool, w: &mut Writer) -> Option<Rc<str>> {
        let user = w.user.as_deref_mut()?;
        let Object::Class(c) = self.heap.get(class) else {
            return None;
        };
        let (method, as_repr) = match c.methods.get(&self.syms.teks) {
            Some(m) if !repr => (*m, false),
            _ => (*c.methods.get(&self.syms.repr)?, true),
        };
        if let Some(t) = user.done.get(&(g.0, as_repr)) {
            return Some(t.clone());
        }
        if !user.needs.iter().any(|n| n.obj == g && n.repr == as_repr) {
            user.needs.push(Need {
                obj: g,
                method,
                repr: as_repr,
            });
        }
        None
    }

    pub fn class_name(&self, class: Gc) -> String {
        match self.heap.get(class) {
            Object::Class(c) => c.name.to_string(),
            _ => "?".to_string(),
        }
    }

    pub fn func_name(&self, f: Value) -> String {
        match f.unpack() {
            V::Obj(g) => match self.heap.get(g) {
                Object::Closure(c) => c.func.get().proto.name.to_string(),
                _ => "?".to_string(),
            },
            V::Native(id) => crate::builtins::native_name(id).to_string(),
            _ => "?".to_string(),
        }
    }

    /// Morph's `tipe(x)`.
    pub fn morph_type(&self, v: Value) -> &'static str {
        match v.unpack() {
            V::Nil | V::Undef => "nil",
            V::Bool(_) => "boolean",
            V::Int(_) | V::Float(_) => "angka",
            V::Native(_) => "objek",
            V::Obj(g) => match self.heap.get(g) {
                Object::Str(_) => "teks",
                Object::BigInt(_) => "angka",
                Object::List(_) => "daftar",
                Object::Module(id) if self.is_host_module(*id) => "objek",
                Object::Dict(_) | Object::Module(_) => "kamus",
                Object::Bytes(_) => "bytes",
                _ => "objek",
            },
        }
    }
}
