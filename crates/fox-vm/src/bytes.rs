//! Byte strings (`Object::Bytes`): how they print (Python's `b'…'`
//! notation, which is both their `str` and their `repr`) and the
//! conversions the host modules share.

use crate::codes;
use crate::error::RtResult;
use crate::object::Object;
use crate::value::{Value, V};
use crate::vm::Vm;

/// Python's `repr(bytes)`: single quotes unless the data holds `'` and no
/// `"`; `\t \n \r \\` and the quote escaped, printable ASCII as is, every
/// other byte as `\xNN`.
pub fn write_repr(out: &mut String, b: &[u8]) {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    out.push('b');
    out.push(quote);
    for &c in b {
        match c {
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\\' => out.push_str("\\\\"),
            _ if c as char == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(c as char),
            _ => {
                use std::fmt::Write;
                let _ = write!(out, "\\x{c:02x}");
            }
        }
    }
    out.push(quote);
}

impl Vm {
    /// A new byte string.
    pub fn new_bytes(&mut self, data: Vec<u8>) -> RtResult<Value> {
        self.check_text(data.len())?;
        Ok(self.alloc(Object::Bytes(data.into_boxed_slice())))
    }

    /// The bytes of a byte string, if `v` is one.
    pub fn bytes_ref(&self, v: Value) -> Option<&[u8]> {
        match v.unpack() {
            V::Obj(g) => match self.heap.get(g) {
                Object::Bytes(b) => Some(b),
                _ => None,
            },
            _ => None,
        }
    }

    /// A list of integers 0..=255 as bytes (Python's `bytes(list)`), with
    /// Python's messages for anything else.
    pub fn bytes_from_list(&self, v: Value, who: &str) -> RtResult<Vec<u8>> {
        let Some(items) = self.list_ref(v) else {
            return Err(codes::ARG_TYPE.err(format!(
                "{who}(): butuh daftar angka 0..255, bukan {}",
                self.type_label(v)
            )));
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item.unpack() {
                V::Int(i) if (0..=255).contains(&i) => out.push(i as u8),
                V::Bool(b) => out.push(b as u8),
                V::Int(_) => {
                    return Err(
                        codes::ARG_VALUE.err(format!("{who}(): bytes must be in range(0, 256)"))
                    )
                }
                _ => {
                    return Err(codes::ARG_TYPE.err(format!(
                        "{who}(): '{}' object cannot be interpreted as an integer",
                        self.morph_type_py(*item)
                    )))
                }
            }
        }
        Ok(out)
    }

    /// `repr` of a list of `items` for a message (cut, never failing).
    pub fn new_list_lossy_repr(&self, items: &[Value]) -> String {
        let shown: Vec<String> = items.iter().map(|v| self.repr_lossy(*v)).collect();
        format!("[{}]", shown.join(", "))
    }

    /// Python's name for a value's type, for messages that quote Python.
    pub fn morph_type_py(&self, v: Value) -> &'static str {
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
                Object::Dict(_) | Object::Module(_) => "dict",
                Object::Bytes(_) => "bytes",
                _ => "object",
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::write_repr;

    fn repr(b: &[u8]) -> String {
        let mut s = String::new();
        write_repr(&mut s, b);
        s
    }

    #[test]
    fn prints_as_python() {
        assert_eq!(repr(b"abc"), "b'abc'");
        assert_eq!(repr(&[0, 255, 10, 9, 13, 92]), "b'\\x00\\xff\\n\\t\\r\\\\'");
        assert_eq!(repr(b"it's"), "b\"it's\"");
        assert_eq!(repr(b"'\""), "b'\\'\"'");
        assert_eq!(repr(b""), "b''");
    }
}
