//! `json` behind `pinjam`: `json.dumps(x, indent)` and `json.loads(s)`
//! with Python's output byte for byte (`", "` and `": "` separators,
//! `ensure_ascii` escapes, float `repr`, `NaN`/`Infinity`, keys turned into
//! texts) and Python's error messages (`Expecting value: line 1 column 1
//! (char 0)`). Nesting is bounded by the data-depth limit both ways.

use crate::builtins::arg;
use crate::codes;
use crate::dict::Dict;
use crate::error::{RtError, RtResult};
use crate::object::Object;
use crate::value::{Value, V};
use crate::vm::Vm;
use std::fmt::Write;

pub fn dumps(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let indent = match arg(args, 1).unpack() {
        V::Nil => None,
        V::Int(n) => Some(" ".repeat(n.clamp(0, 64) as usize)),
        _ => match vm.str_ref(arg(args, 1)) {
            Some(s) => Some(s.to_string()),
            None => return Err(codes::ARG_TYPE.err("dumps(): indent harus angka atau teks")),
        },
    };
    let mut out = String::new();
    dump(vm, arg(args, 0), &indent, 0, &mut out)?;
    vm.check_text(out.len())?;
    Ok(vm.new_string(out))
}

fn not_serializable(vm: &Vm, v: Value) -> RtError {
    codes::ARG_TYPE.err(format!(
        "Object of type {} is not JSON serializable",
        vm.morph_type_py(v)
    ))
}

fn newline(out: &mut String, indent: &Option<String>, level: usize) {
    if let Some(ind) = indent {
        out.push('\n');
        for _ in 0..level {
            out.push_str(ind);
        }
    }
}

fn dump(
    vm: &Vm,
    v: Value,
    indent: &Option<String>,
    level: usize,
    out: &mut String,
) -> RtResult<()> {
    vm.charge(1)?;
    if level > vm.data_depth_limit() {
        return Err(vm.depth_error("json.dumps"));
    }
    let item_sep = if indent.is_some() { "," } else { ", " };
    match v.unpack() {
        V::Nil | V::Undef => out.push_str("null"),
        V::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        V::Int(i) => {
            let _ = write!(out, "{i}");
        }
        V::Float(f) => float(f, out),
        V::Native(_) => return Err(not_serializable(vm, v)),
        V::Obj(g) => match vm.heap.get(g) {
            Object::Str(s) => string(s, out),
            Object::BigInt(_) => vm.write_str(v, out)?,
            Object::List(items) => {
                if items.is_empty() {
                    out.push_str("[]");
                    return Ok(());
                }
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(item_sep);
                    }
                    newline(out, indent, level + 1);
                    dump(vm, *item, indent, level + 1, out)?;
                }
                newline(out, indent, level);
                out.push(']');
            }
            Object::Dict(d) => {
                if d.is_empty() {
                    out.push_str("{}");
                    return Ok(());
                }
                out.push('{');
                for (i, (k, val)) in d.entries().enumerate() {
                    if i > 0 {
                        out.push_str(item_sep);
                    }
                    newline(out, indent, level + 1);
                    key(vm, k, out)?;
                    out.push_str(": ");
                    dump(vm, val, indent, level + 1, out)?;
                }
                newline(out, indent, level);
                out.push('}');
            }
            _ => return Err(not_serializable(vm, v)),
        },
    }
    Ok(())
}

/// A dict key: texts as they are; numbers, booleans and `nil` as the text
/// JSON writes for them.
fn key(vm: &Vm, k: Value, out: &mut String) -> RtResult<()> {
    match k.unpack() {
        V::Nil | V::Undef => out.push_str("\"null\""),
        V::Bool(b) => out.push_str(if b { "\"true\"" } else { "\"false\"" }),
        V::Int(i) => {
            let _ = write!(out, "\"{i}\"");
        }
        V::Float(f) => {
            out.push('"');
            float(f, out);
            out.push('"');
        }
        _ => match vm.str_ref(k) {
            Some(s) => string(s, out),
            None if matches!(vm.morph_type_py(k), "int") => {
                out.push('"');
                vm.write_str(k, out)?;
                out.push('"');
            }
            None => {
                return Err(codes::ARG_TYPE.err(format!(
                    "keys must be str, int, float, bool or None, not {}",
                    vm.morph_type_py(k)
                )))
            }
        },
    }
    Ok(())
}

fn float(f: f64, out: &mut String) {
    if f.is_nan() {
        out.push_str("NaN");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 { "Infinity" } else { "-Infinity" });
    } else {
        out.push_str(&crate::scalar::fmt_float(f));
    }
}

/// A JSON string with `ensure_ascii`: everything outside ASCII as `\uXXXX`
/// (surrogate pairs above U+FFFF).
fn string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{u:04x}");
                }
            }
        }
    }
    out.push('"');
}

pub fn loads(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let text = match vm.str_ref(arg(args, 0)) {
        Some(s) => s.to_string(),
        None => match vm.bytes_ref(arg(args, 0)) {
            Some(b) => String::from_utf8_lossy(b).into_owned(),
            None => {
                return Err(codes::ARG_TYPE.err(format!(
                    "the JSON object must be str, bytes or bytearray, not {}",
                    vm.morph_type_py(arg(args, 0))
                )))
            }
        },
    };
    let chars: Vec<char> = text.chars().collect();
    let mut p = Parser { s: &chars, i: 0 };
    p.ws();
    let v = p.value(vm, 0)?;
    p.ws();
    if p.i < chars.len() {
        return Err(p.error("Extra data"));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [char],
    i: usize,
}

impl Parser<'_> {
    /// Python's `JSONDecodeError` text: message, line, column, char index.
    fn error(&self, msg: &str) -> RtError {
        let before = &self.s[..self.i.min(self.s.len())];
        let line = before.iter().filter(|c| **c == '\n').count() + 1;
        let col = self.i - before.iter().rposition(|c| *c == '\n').map_or(0, |p| p + 1) + 1;
        codes::ARG_VALUE.err(format!("{msg}: line {line} column {col} (char {})", self.i))
    }

    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], ' ' | '\t' | '\n' | '\r') {
            self.i += 1;
        }
    }

    fn eat(&mut self, word: &str) -> bool {
        let n = word.chars().count();
        if self.s.len() >= self.i + n && word.chars().zip(&self.s[self.i..]).all(|(a, b)| a == *b) {
            self.i += n;
            true
        } else {
            false
        }
    }

    fn value(&mut self, vm: &mut Vm, depth: usize) -> RtResult<Value> {
        vm.charge(1)?;
        if depth > vm.data_depth_limit() {
            return Err(vm.depth_error("json.loads"));
        }
        match self.s.get(self.i) {
            Some('{') => self.object(vm, depth),
            Some('[') => self.array(vm, depth),
            Some('"') => {
                let s = self.string()?;
                Ok(vm.new_string(s))
            }
            Some(c) if *c == '-' || c.is_ascii_digit() => {
                if self.eat("-Infinity") {
                    return Ok(Value::Float(f64::NEG_INFINITY));
                }
                self.number(vm)
            }
            _ if self.eat("true") => Ok(Value::Bool(true)),
            _ if self.eat("false") => Ok(Value::Bool(false)),
            _ if self.eat("null") => Ok(Value::Nil),
            _ if self.eat("NaN") => Ok(Value::Float(f64::NAN)),
            _ if self.eat("Infinity") => Ok(Value::Float(f64::INFINITY)),
            _ => Err(self.error("Expecting value")),
        }
    }

    fn number(&mut self, vm: &mut Vm) -> RtResult<Value> {
        let start = self.i;
        if self.s.get(self.i) == Some(&'-') {
            self.i += 1;
        }
        let digits = |p: &mut Self| {
            let from = p.i;
            while p.s.get(p.i).is_some_and(char::is_ascii_digit) {
                p.i += 1;
            }
            p.i - from
        };
        if self.s.get(self.i) == Some(&'0') {
            self.i += 1;
        } else if digits(self) == 0 {
            self.i = start;
            return Err(self.error("Expecting value"));
        }
        let mut is_float = false;
        if self.s.get(self.i) == Some(&'.')
            && self.s.get(self.i + 1).is_some_and(char::is_ascii_digit)
        {
            self.i += 1;
            digits(self);
            is_float = true;
        }
        if matches!(self.s.get(self.i), Some('e' | 'E')) {
            let save = self.i;
            self.i += 1;
            if matches!(self.s.get(self.i), Some('+' | '-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                self.i = save;
            } else {
                is_float = true;
            }
        }
        let text: String = self.s[start..self.i].iter().collect();
        if is_float {
            return Ok(Value::Float(text.parse::<f64>().unwrap_or(f64::NAN)));
        }
        let arg = [vm.new_string(text)];
        crate::builtins::core::int(vm, &arg)
    }

    fn string(&mut self) -> RtResult<String> {
        let start = self.i;
        self.i += 1;
        let mut out = String::new();
        loop {
            let Some(&c) = self.s.get(self.i) else {
                self.i = start;
                return Err(self.error("Unterminated string starting at"));
            };
            self.i += 1;
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let Some(&e) = self.s.get(self.i) else {
                        self.i = start;
                        return Err(self.error("Unterminated string starting at"));
                    };
                    self.i += 1;
                    match e {
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        '/' => out.push('/'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => {
                            let mut unit = self.hex4()?;
                            if (0xD800..0xDC00).contains(&unit)
                                && self.s.get(self.i) == Some(&'\\')
                                && self.s.get(self.i + 1) == Some(&'u')
                            {
                                let save = self.i;
                                self.i += 2;
                                let low = self.hex4()?;
                                if (0xDC00..0xE000).contains(&low) {
                                    unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                                } else {
                                    self.i = save;
                                }
                            }
                            // A lone surrogate cannot live in a Morph text.
                            out.push(char::from_u32(unit).unwrap_or('\u{FFFD}'));
                        }
                        _ => {
                            self.i -= 2;
                            return Err(self.error("Invalid \\escape"));
                        }
                    }
                }
                c if (c as u32) < 0x20 => {
                    self.i -= 1;
                    return Err(self.error("Invalid control character at"));
                }
                c => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> RtResult<u32> {
        let digits: String = self.s.iter().skip(self.i).take(4).collect();
        match u32::from_str_radix(&digits, 16) {
            Ok(v) if digits.len() == 4 => {
                self.i += 4;
                Ok(v)
            }
            _ => {
                self.i -= 1;
                Err(self.error("Invalid \\uXXXX escape"))
            }
        }
    }

    fn array(&mut self, vm: &mut Vm, depth: usize) -> RtResult<Value> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&']') {
            self.i += 1;
            return Ok(vm.new_list(items));
        }
        loop {
            self.ws();
            items.push(self.value(vm, depth + 1)?);
            vm.check_list(items.len())?;
            self.ws();
            match self.s.get(self.i) {
                Some(',') => self.i += 1,
                Some(']') => {
                    self.i += 1;
                    return Ok(vm.new_list(items));
                }
                _ => return Err(self.error("Expecting ',' delimiter")),
            }
        }
    }

    fn object(&mut self, vm: &mut Vm, depth: usize) -> RtResult<Value> {
        self.i += 1;
        let mut d = Dict::new();
        self.ws();
        if self.s.get(self.i) == Some(&'}') {
            self.i += 1;
            return Ok(vm.alloc(Object::Dict(Box::new(d))));
        }
        loop {
            self.ws();
            if self.s.get(self.i) != Some(&'"') {
                return Err(self.error("Expecting property name enclosed in double quotes"));
            }
            let k = self.string()?;
            self.ws();
            if self.s.get(self.i) != Some(&':') {
                return Err(self.error("Expecting ':' delimiter"));
            }
            self.i += 1;
            self.ws();
            let v = self.value(vm, depth + 1)?;
            let kv = vm.new_string(k);
            let hk = vm.hash_key(kv)?;
            d.insert(hk, kv, v);
            self.ws();
            match self.s.get(self.i) {
                Some(',') => self.i += 1,
                Some('}') => {
                    self.i += 1;
                    return Ok(vm.alloc(Object::Dict(Box::new(d))));
                }
                _ => return Err(self.error("Expecting ',' delimiter")),
            }
        }
    }
}
