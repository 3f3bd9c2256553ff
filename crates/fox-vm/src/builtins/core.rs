//! Core builtins: printing and input, length and type, conversions
//! (`teks`, `int`, `float`, `chr`, `ord`), list and dict helpers, time and
//! exit.

use super::arg;
use super::text::Sink;
use crate::codes;
use crate::error::{RtError, RtResult};
use crate::index::norm_index;
use crate::number::{big_to_f64, float_to_big};
use crate::object::Object;
use crate::value::Value;
use crate::value::V;
use crate::vm::Vm;
use num_bigint::BigInt;

pub fn tulis(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    vm.convert_texts(args, " ", false, Sink::Line)
}

pub fn cetak(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    vm.convert_texts(args, " ", false, Sink::WriteFlush)
}

pub fn masukan(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    if let Some(p) = args.first() {
        if !p.is_nil() {
            let s = vm.str_checked(*p)?;
            vm.host.write_out(s.as_bytes());
        }
    }
    vm.host.flush_out();
    match vm.host.read_line() {
        Some(line) => {
            vm.input_lines += 1;
            Ok(vm.new_string(line))
        }
        // A host holding the interrupt flag gives up waiting when it is set.
        None if vm.take_interrupt() => Err(RtError::Interrupted),
        None => Err(codes::INPUT_EOF
            .err("masukan(): masukan sudah habis (EOF), tidak ada baris lagi untuk dibaca")),
    }
}

pub fn length_of(vm: &Vm, v: Value) -> usize {
    match v.unpack() {
        V::Obj(g) => match vm.heap.get(g) {
            Object::Str(s) => {
                if s.is_ascii() {
                    s.len()
                } else {
                    s.chars().count()
                }
            }
            Object::List(l) => l.len(),
            Object::Bytes(b) => b.len(),
            Object::Dict(d) => d.len(),
            Object::Module(m) => vm
                .modules
                .get(*m as usize)
                .map(|m| m.globals.len())
                .unwrap_or(0),
            _ => 0,
        },
        _ => 0,
    }
}

/// Is `v` a text, bytes, list, dict or module (what Python's `len` takes)?
pub fn has_length(vm: &Vm, v: Value) -> bool {
    match v.unpack() {
        V::Obj(g) => matches!(
            vm.heap.get(g),
            Object::Str(_)
                | Object::List(_)
                | Object::Dict(_)
                | Object::Module(_)
                | Object::Bytes(_)
        ),
        _ => false,
    }
}

/// `panjang(v)`: the length of a text, list, dict or module; `nil` has
/// length 0 (the standard library relies on it); other values have no
/// length.
pub fn checked_length(vm: &Vm, v: Value) -> RtResult<usize> {
    if !matches!(v.unpack(), V::Nil) && !has_length(vm, v) {
        return Err(codes::ARG_TYPE.err(format!(
            "panjang(): argumen 1 ('nilai') harus teks, bytes, daftar, kamus, modul atau nil, bukan {}",
            vm.type_label(v)
        )));
    }
    Ok(length_of(vm, v))
}

pub fn panjang(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    Ok(Value::Int(checked_length(vm, arg(args, 0))? as i64))
}

pub fn tipe(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let t = vm.morph_type(arg(args, 0));
    Ok(vm.new_str(t))
}

pub fn chr(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let n = match (arg(args, 0)).unpack() {
        V::Int(i) => i,
        V::Bool(b) => b as i64,
        v if vm.type_label(v.pack()) == "angka" => i64::MAX,
        v => {
            return Err(codes::ARG_TYPE.err(format!(
                "chr(): argumen 1 ('kode') harus angka bulat, bukan {}",
                vm.type_label(v.pack())
            )))
        }
    };
    if (0xD800..=0xDFFF).contains(&n) {
        return Err(codes::ARG_VALUE.err(format!(
            "chr(): kode {n} adalah surrogate, yang tidak bisa ada di dalam teks Morph"
        )));
    }
    match u32::try_from(n).ok().and_then(char::from_u32) {
        Some(c) => Ok(vm.new_string(c.to_string())),
        None => Err(codes::ARG_VALUE.err(if n == i64::MAX {
            "chr(): kode harus di antara 0 dan 1114111 (0x10FFFF)".to_string()
        } else {
            format!("chr(): kode {n} tidak di antara 0 dan 1114111 (0x10FFFF)")
        })),
    }
}

pub fn ord(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let v = arg(args, 0);
    let Some(s) = vm.str_ref(v) else {
        return Err(codes::ARG_TYPE.err(format!(
            "ord(): argumen 1 ('karakter') harus teks, bukan {}",
            vm.type_label(v)
        )));
    };
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => Ok(Value::Int(c as i64)),
        _ => Err(codes::ARG_VALUE.err(format!(
            "ord(): argumen harus tepat satu karakter, bukan teks sepanjang {}",
            s.chars().count()
        ))),
    }
}

pub fn waktu(vm: &mut Vm, _args: &[Value]) -> RtResult<Value> {
    // Never earlier than a reading made before a ticket was resumed.
    let t = vm.host.now().max(vm.clock_floor);
    vm.clock_floor = t;
    Ok(Value::Float(t))
}

pub fn tidur(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let secs = match (arg(args, 0)).unpack() {
        V::Int(i) => i as f64,
        V::Bool(b) => b as i64 as f64,
        V::Float(f) => f,
        _ => 0.0,
    };
    if !vm.host.sleep(secs) {
        // Cut short: interrupted, or the run must stop (pause here; a
        // resumed run sleeps again).
        return Err(vm.stop_reason());
    }
    Ok(Value::Nil)
}

pub fn platform(vm: &mut Vm, _args: &[Value]) -> RtResult<Value> {
    Ok(vm.new_str(std::env::consts::OS))
}

pub fn keluar(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    vm.host.flush_out();
    let code = match (arg(args, 0)).unpack() {
        V::Nil => 0,
        V::Int(i) => i.clamp(i32::MIN as i64, i32::MAX as i64) as i32,
        V::Bool(b) => b as i32,
        _ => 1,
    };
    Err(RtError::Exit(code))
}

pub fn teks(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let v = arg(args, 0);
    if vm.str_ref(v).is_some() {
        return Ok(v);
    }
    vm.convert_texts(&[v], "", false, Sink::Value)
}

pub fn repr(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    vm.convert_texts(&[arg(args, 0)], "", true, Sink::Value)
}

fn list_of(vm: &Vm, v: Value, who: &str) -> RtResult<crate::value::Gc> {
    if let V::Obj(g) = v.unpack() {
        if let Object::List(_) = vm.heap.get(g) {
            return Ok(g);
        }
    }
    Err(codes::ARG_TYPE.err(format!(
        "{who}(): argumen 1 ('daftar') harus daftar, bukan {}",
        vm.type_label(v)
    )))
}

fn list_mut<'a>(vm: &'a mut Vm, v: Value, who: &str) -> RtResult<&'a mut Vec<Value>> {
    let tn = vm.type_label(v);
    if let V::Obj(g) = v.unpack() {
        if let Object::List(l) = vm.heap.get_mut(g) {
            return Ok(l);
        }
    }
    Err(codes::ARG_TYPE.err(format!(
        "{who}(): argumen 1 ('daftar') harus daftar, bukan {tn}"
    )))
}

pub fn tambah(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let g = list_of(vm, arg(args, 0), "tambah")?;
    vm.heap.list_push(g, arg(args, 1))?;
    Ok(Value::Nil)
}

pub fn pop(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let idx = arg(args, 1);
    let l = match list_mut(vm, arg(args, 0), "pop") {
        Ok(l) => l,
        Err(_) => return Ok(Value::Nil),
    };
    if l.is_empty() {
        return Ok(Value::Nil);
    }
    match idx.unpack() {
        V::Nil => Ok(l.pop().unwrap_or(Value::Nil)),
        V::Int(i) => match norm_index(i, l.len()) {
            Some(j) => Ok(l.remove(j)),
            None => Ok(Value::Nil),
        },
        V::Bool(b) => match norm_index(b as i64, l.len()) {
            Some(j) => Ok(l.remove(j)),
            None => Ok(Value::Nil),
        },
        _ => Ok(Value::Nil),
    }
}

pub fn gabung(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let sep = match (arg(args, 1)).unpack() {
        V::Nil => String::new(),
        v => vm.str_checked(v.pack())?,
    };
    let Some(items) = vm.list_ref(arg(args, 0)) else {
        return Err(codes::ARG_TYPE.err(format!(
            "gabung(): argumen 1 ('daftar') harus daftar, bukan {}",
            vm.type_label(arg(args, 0))
        )));
    };
    let items = items.clone();
    vm.charge_items(items.len())?;
    vm.charge_bytes(sep.len().saturating_mul(items.len()))?;
    vm.convert_texts(&items, &sep, false, Sink::Value)
}

/// How many digits Python counts in the numeric part of `digits` (the
/// leading run of digits of `base` and single underscores) before it
/// checks the digit limit; `None` when that run is already malformed
/// (a doubled or trailing underscore).
pub fn count_int_digits(digits: &str, base: u32) -> Option<usize> {
    let mut count = 0;
    let mut prev = '\0';
    for c in digits.chars() {
        if c == '_' {
            if prev == '_' {
                return None;
            }
        } else if c.is_digit(base) {
            count += 1;
        } else {
            break;
        }
        prev = c;
    }
    if prev == '_' {
        return None;
    }
    Some(count)
}

/// The digits of an integer text after whitespace, sign and a `0x` prefix.
fn int_digits(s: &str, base: u32) -> &str {
    let t = s.trim();
    let digits = t
        .strip_prefix('-')
        .or_else(|| t.strip_prefix('+'))
        .unwrap_or(t);
    if base == 16 {
        digits
            .strip_prefix("0x")
            .or_else(|| digits.strip_prefix("0X"))
            .unwrap_or(digits)
    } else {
        digits
    }
}

/// Python `int()` of a text.
pub fn parse_int_text(s: &str, base: u32) -> Option<BigInt> {
    let t = s.trim();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let digits = if base == 16 {
        digits
            .strip_prefix("0x")
            .or_else(|| digits.strip_prefix("0X"))
            .unwrap_or(digits)
    } else {
        digits
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || !digits.chars().all(|c| c == '_' || c.is_digit(base))
    {
        return None;
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    let v = BigInt::parse_bytes(clean.as_bytes(), base)?;
    Some(if neg { -v } else { v })
}

pub fn int(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let v = arg(args, 0);
    match v.unpack() {
        V::Int(_) => Ok(v),
        V::Bool(b) => Ok(Value::Int(b as i64)),
        V::Nil if args.is_empty() => Ok(Value::Int(0)),
        V::Float(f) => {
            if !f.is_finite() {
                return Err(non_finite_to_int("int", f));
            }
            let t = f.trunc();
            if t.abs() < 9.0e18 {
                Ok(vm.int(t as i64))
            } else {
                Ok(vm.int_from_big(float_to_big(t)))
            }
        }
        _ => {
            if let Some(s) = vm.str_ref(v) {
                let base = match arg(args, 1).unpack() {
                    V::Int(b) if (2..=36).contains(&b) => b as u32,
                    _ => 10,
                };
                let s = s.to_string();
                vm.charge_bytes(s.len())?;
                // Python checks the digit limit before the rest of the text.
                let digits = int_digits(&s, base);
                if !digits.starts_with('_') {
                    if let Some(n) = count_int_digits(digits, base) {
                        vm.check_int_parse_digits(n, base)?;
                    }
                }
                return match parse_int_text(&s, base) {
                    Some(b) => Ok(vm.int_from_big(b)),
                    None => Err(codes::BAD_CONVERSION.err(format!(
                        "int(): teks {} bukan angka bulat (basis {base})",
                        // The repr cut at 200 characters, as Python does.
                        vm.repr_lossy(v).chars().take(200).collect::<String>()
                    ))),
                };
            }
            if let Some(g) = v.as_obj() {
                if let Object::BigInt(_) = vm.heap.get(g) {
                    return Ok(v);
                }
            }
            Err(codes::ARG_TYPE.err(format!(
                "int(): argumen 1 ('nilai') harus angka atau teks, bukan {}",
                vm.type_label(v)
            )))
        }
    }
}

pub fn parse_float_text(s: &str) -> Option<f64> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    if matches!(body, "inf" | "infinity" | "nan") {
        return lower
            .parse::<f64>()
            .ok()
            .or(Some(if lower.starts_with('-') {
                f64::NEG_INFINITY
            } else if body == "nan" {
                f64::NAN
            } else {
                f64::INFINITY
            }));
    }
    if t.is_empty()
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || "+-.eE_".contains(c))
    {
        return None;
    }
    t.replace('_', "").parse::<f64>().ok()
}

pub fn float(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let v = arg(args, 0);
    match v.unpack() {
        V::Int(i) => Ok(Value::Float(i as f64)),
        V::Bool(b) => Ok(Value::Float(b as i64 as f64)),
        V::Float(_) => Ok(v),
        V::Nil if args.is_empty() => Ok(Value::Float(0.0)),
        _ => {
            if let Some(s) = vm.str_ref(v) {
                return match parse_float_text(s) {
                    Some(f) => Ok(Value::Float(f)),
                    None => Err(codes::BAD_CONVERSION
                        .err(format!("float(): teks {} bukan angka", vm.shown(v, 200)))),
                };
            }
            if let Some(g) = v.as_obj() {
                if let Object::BigInt(b) = vm.heap.get(g) {
                    return big_to_f64(b).map(Value::Float).ok_or_else(|| {
                        codes::NUM_OVERFLOW
                            .err("float(): angka bulat terlalu besar untuk dijadikan angka desimal")
                    });
                }
            }
            Err(codes::ARG_TYPE.err(format!(
                "float(): argumen 1 ('nilai') harus angka atau teks, bukan {}",
                vm.type_label(v)
            )))
        }
    }
}

fn dict_of(vm: &Vm, v: Value, who: &str) -> RtResult<crate::value::Gc> {
    if let V::Obj(g) = v.unpack() {
        if let Object::Dict(_) = vm.heap.get(g) {
            return Ok(g);
        }
    }
    Err(codes::ARG_TYPE.err(format!(
        "{who}(): argumen 1 ('kamus') harus kamus, bukan {}",
        vm.type_label(v)
    )))
}

pub fn kunci(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let g = dict_of(vm, arg(args, 0), "kunci")?;
    vm.check_list(length_of(vm, arg(args, 0)))?;
    let keys: Vec<Value> = match vm.heap.get(g) {
        Object::Dict(d) => {
            vm.charge_items(d.len())?;
            d.keys().collect()
        }
        _ => Vec::new(),
    };
    Ok(vm.new_list(keys))
}

pub fn nilai_kamus(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let g = dict_of(vm, arg(args, 0), "nilai_kamus")?;
    vm.check_list(length_of(vm, arg(args, 0)))?;
    let vals: Vec<Value> = match vm.heap.get(g) {
        Object::Dict(d) => {
            vm.charge_items(d.len())?;
            d.values().collect()
        }
        _ => Vec::new(),
    };
    Ok(vm.new_list(vals))
}

pub fn salin_kamus(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let g = dict_of(vm, arg(args, 0), "salin_kamus")?;
    vm.check_dict_copy(g)?;
    let copy = match vm.heap.get(g) {
        Object::Dict(d) => {
            vm.charge_items(d.len())?;
            d.clone_entries()
        }
        _ => crate::dict::Dict::new(),
    };
    Ok(vm.alloc(Object::Dict(Box::new(copy))))
}

fn text_arg(vm: &Vm, v: Value, who: &str) -> RtResult<std::rc::Rc<str>> {
    if let Some(s) = vm.str_ref(v) {
        vm.charge_bytes(s.len())?;
    }
    vm.text_rc(v).ok_or_else(|| {
        codes::ARG_TYPE.err(format!(
            "{who}(): argumen harus teks, bukan {}",
            vm.type_label(v)
        ))
    })
}

pub fn str_kecil(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let s = text_arg(vm, arg(args, 0), "kecil")?;
    vm.check_case_change(&s)?;
    Ok(vm.new_string(s.to_lowercase()))
}

pub fn str_besar(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let s = text_arg(vm, arg(args, 0), "besar")?;
    vm.check_case_change(&s)?;
    Ok(vm.new_string(s.to_uppercase()))
}

pub fn str_temukan(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let h = text_arg(vm, arg(args, 0), "temukan")?;
    let n = text_arg(vm, arg(args, 1), "temukan")?;
    Ok(Value::Int(super::methods::find_chars(&h, &n, 0)))
}

pub fn str_ganti(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let h = text_arg(vm, arg(args, 0), "ganti")?;
    let a = text_arg(vm, arg(args, 1), "ganti")?;
    let b = text_arg(vm, arg(args, 2), "ganti")?;
    let r = super::methods::replace_text(vm, &h, &a, &b, usize::MAX)?;
    Ok(vm.new_string(r))
}

pub fn teks_ke_byte(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let s = text_arg(vm, arg(args, 0), "_teks_ke_byte")?;
    vm.charge_items(s.len())?;
    vm.check_list(s.len())?;
    let items: Vec<Value> = s.bytes().map(|b| Value::Int(b as i64)).collect();
    Ok(vm.new_list(items))
}

pub fn byte_ke_teks(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let v = arg(args, 0);
    let Some(items) = vm.list_ref(v) else {
        return Err(codes::ARG_TYPE.err(format!(
            "_byte_ke_teks(): argumen 1 ('byte') harus daftar, bukan {}",
            vm.type_label(v)
        )));
    };
    vm.charge_items(items.len())?;
    let mut bytes = Vec::with_capacity(items.len());
    for x in items {
        match x.unpack() {
            V::Int(b) if (0..=255).contains(&b) => bytes.push(b as u8),
            _ => {
                return Err(codes::ARG_VALUE.err(format!(
                    "_byte_ke_teks(): setiap byte harus angka 0..255, bukan {}",
                    vm.shown(*x, 40)
                )))
            }
        }
    }
    let s = String::from_utf8_lossy(&bytes).into_owned();
    Ok(vm.new_string(s))
}

/// `int()` (or `lantai()`, …) of NaN or an infinity.
pub fn non_finite_to_int(who: &str, f: f64) -> RtError {
    codes::BAD_CONVERSION.err(format!(
        "{who}(): angka desimal {} tidak bisa dijadikan angka bulat",
        crate::format::fmt_float(f)
    ))
}
