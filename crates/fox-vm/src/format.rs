//! Text conversion with Python's rules (§12): `str()` for `tulis` and
//! interpolation, `repr()` for elements inside containers, shortest
//! round-trip floats with Python's exponent thresholds, `True`/`False`/`None`.

use crate::object::{BoundTarget, Object};
use crate::value::V;
use crate::value::{Gc, Value};
use crate::vm::Vm;
use std::fmt::Write;

/// Python's `repr(float)`.
pub fn fmt_float(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    // Shortest round-trip digits in scientific form, e.g. "1.2345e-5".
    let sci = format!("{f:e}");
    let (mantissa, exp) = match sci.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (sci.as_str(), 0),
    };
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if !(-4..16).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(out, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let point = exp as usize + 1;
        if digits.len() <= point {
            out.push_str(&digits);
            for _ in digits.len()..point {
                out.push('0');
            }
            out.push_str(".0");
        } else {
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        }
    }
    out
}

/// Python's `repr(str)`.
pub fn repr_str(s: &str, out: &mut String) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (0x80..0xa0).contains(&(c as u32)) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

const MAX_DEPTH: usize = 1000;

impl Vm {
    /// `str(v)`: text as is, everything else as `repr`.
    pub fn str_of(&self, v: Value) -> String {
        if let V::Obj(g) = v.unpack() {
            if let Object::Str(s) = self.heap.get(g) {
                return s.to_string();
            }
        }
        let mut out = String::new();
        self.write_value(v, &mut out, false, &mut Vec::new());
        out
    }

    pub fn repr_of(&self, v: Value) -> String {
        let mut out = String::new();
        self.write_value(v, &mut out, true, &mut Vec::new());
        out
    }

    /// Append `str(v)` to `out`.
    pub fn write_str(&self, v: Value, out: &mut String) {
        self.write_value(v, out, false, &mut Vec::new());
    }

    fn write_value(&self, v: Value, out: &mut String, repr: bool, stack: &mut Vec<Gc>) {
        match v.unpack() {
            V::Nil | V::Undef => out.push_str("None"),
            V::Bool(true) => out.push_str("True"),
            V::Bool(false) => out.push_str("False"),
            V::Int(i) => {
                let _ = write!(out, "{i}");
            }
            V::Float(f) => out.push_str(&fmt_float(f)),
            V::Native(id) => {
                let _ = write!(out, "<fungsi bawaan {}>", crate::builtins::native_name(id));
            }
            V::Obj(g) => self.write_obj(g, out, repr, stack),
        }
    }

    fn write_obj(&self, g: Gc, out: &mut String, repr: bool, stack: &mut Vec<Gc>) {
        let obj = self.heap.get(g);
        let container = matches!(
            obj,
            Object::List(_) | Object::Dict(_) | Object::Variant(_) | Object::BoundMethod(_)
        );
        if container {
            if stack.contains(&g) || stack.len() > MAX_DEPTH {
                out.push_str(match obj {
                    Object::Dict(_) => "{...}",
                    _ => "[...]",
                });
                return;
            }
            stack.push(g);
        }
        match obj {
            Object::Str(s) => {
                if repr {
                    repr_str(s, out);
                } else {
                    out.push_str(s);
                }
            }
            Object::BigInt(b) => {
                let _ = write!(out, "{b}");
            }
            Object::List(items) => {
                out.push('[');
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.write_value(*x, out, true, stack);
                }
                out.push(']');
            }
            Object::Dict(d) => {
                out.push('{');
                for (i, (k, v)) in d.entries().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.write_value(k, out, true, stack);
                    out.push_str(": ");
                    self.write_value(v, out, true, stack);
                }
                out.push('}');
            }
            Object::Class(c) => {
                let _ = write!(out, "<Kelas {}>", c.name);
            }
            Object::Instance(i) => {
                let _ = write!(out, "<Instance {}>", self.class_name(i.class));
            }
            Object::Closure(c) => {
                let _ = write!(out, "<Fungsi {}>", c.func.get().proto.name);
            }
            Object::Cell(v) => self.write_value(*v, out, repr, stack),
            Object::BoundMethod(b) => {
                let name = match b.target {
                    BoundTarget::Func(f) => self.func_name(f),
                    BoundTarget::Builtin(s) => self.interner.name(s).to_string(),
                };
                let _ = write!(out, "<BoundMethod {name} of ");
                self.write_value(b.recv, out, true, stack);
                out.push('>');
            }
            Object::VariantCtor { name, .. } => {
                let _ = write!(out, "<CodeObject {}>", self.interner.name(*name));
            }
            Object::Variant(v) => {
                out.push_str(self.interner.name(v.name));
                if !v.fields.is_empty() {
                    out.push('(');
                    for (i, x) in v.fields.iter().enumerate() {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        self.write_value(*x, out, false, stack);
                    }
                    out.push(')');
                }
            }
            Object::Generator(gen) => {
                let name = match self.heap.get(gen.closure) {
                    Object::Closure(c) => c.func.get().proto.name.to_string(),
                    _ => "?".to_string(),
                };
                let _ = write!(out, "<Generator {name}>");
            }
            Object::Pipeline(p) => {
                let _ = write!(out, "<alur {}>", p.name);
            }
            Object::Module(m) => {
                let file = self
                    .modules
                    .get(*m as usize)
                    .map(|m| m.file.to_string())
                    .unwrap_or_default();
                let _ = write!(out, "<Modul {file}>");
            }
            Object::Resource(r) => out.push_str(&r.describe()),
            Object::Free(_) => out.push_str("<freed>"),
        }
        if container {
            stack.pop();
        }
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

    /// Python's type name of a value, for error messages.
    pub fn type_name(&self, v: Value) -> &'static str {
        match v.unpack() {
            V::Nil | V::Undef => "NoneType",
            V::Bool(_) => "bool",
            V::Int(_) => "int",
            V::Float(_) => "float",
            V::Native(_) => "builtin_function_or_method",
            V::Obj(g) => match self.heap.get(g) {
                Object::Str(_) => "str",
                Object::BigInt(_) => "int",
                Object::List(_) => "list",
                Object::Dict(_) => "dict",
                Object::Class(_) => "MorphClass",
                Object::Instance(_) => "MorphInstance",
                Object::Closure(_) => "function",
                Object::BoundMethod(_) => "method",
                Object::VariantCtor { .. } => "CodeObject",
                Object::Variant(_) => "MorphVariant",
                Object::Generator(_) => "generator",
                Object::Module(_) => "dict",
                Object::Resource(_) => "koneksi",
                Object::Cell(_) | Object::Free(_) | Object::Pipeline(_) => "object",
            },
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
                Object::Dict(_) | Object::Module(_) => "kamus",
                _ => "objek",
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fmt_float;

    #[test]
    fn floats_like_python() {
        let cases = [
            (2.5, "2.5"),
            (3.0, "3.0"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1.0 / 3.0, "0.3333333333333333"),
            (1e16, "1e+16"),
            (1.2e-5, "1.2e-05"),
            (1.234567895e17, "1.234567895e+17"),
            (-0.0, "-0.0"),
            (0.0001, "0.0001"),
            (123456789012345.6, "123456789012345.6"),
            (1e15, "1000000000000000.0"),
            (f64::INFINITY, "inf"),
            (-2.5e-10, "-2.5e-10"),
            (100.0, "100.0"),
        ];
        for (f, want) in cases {
            assert_eq!(fmt_float(f), want, "{f:?}");
        }
    }
}
