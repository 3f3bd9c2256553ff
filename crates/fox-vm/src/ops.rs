//! Operator semantics beyond the interpreter's fast paths: Python-style
//! numbers (i64 with big-integer promotion, true division, floor modulo),
//! text/list concatenation and repetition, comparisons, equality,
//! truthiness, hashing of dictionary keys.

use crate::codes;
use crate::dict::HashKey;
use crate::error::{RtError, RtResult};
use crate::memory::{list_buffer, repeat_text, text_buffer, MemError};
use crate::number::{
    float_key, float_mod, int_mod, int_true_div, num_cmp, quotient_too_large, Num,
};
use crate::object::{Object, Text};
use crate::value::Value;
use crate::value::V;
use crate::vm::Vm;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    And,
    Or,
    Xor,
    Shl,
    Shr,
}

impl Arith {
    pub fn symbol(self) -> &'static str {
        match self {
            Arith::Add => "+",
            Arith::Sub => "-",
            Arith::Mul => "*",
            Arith::Div => "/",
            Arith::Mod => "%",
            Arith::And => "&",
            Arith::Or => "|",
            Arith::Xor => "^",
            Arith::Shl => "<<",
            Arith::Shr => ">>",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }
    fn holds(self, o: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Cmp::Lt => o == Less,
            Cmp::Le => o != Greater,
            Cmp::Gt => o == Greater,
            Cmp::Ge => o != Less,
        }
    }
}

/// Texts up to this size are concatenated in the VM's reusable buffer;
/// bigger ones get their own (so the buffer never stays huge).
const SCRATCH_KEEP: usize = 1 << 20;

impl Vm {
    pub fn str_ref(&self, v: Value) -> Option<&str> {
        match v.unpack() {
            V::Obj(g) => match self.heap.get(g) {
                Object::Str(s) => Some(s),
                _ => None,
            },
            _ => None,
        }
    }

    fn unsupported(&self, op: Arith, a: Value, b: Value) -> RtError {
        let (ta, tb) = (self.type_label(a), self.type_label(b));
        let hint = if ta == "nil" || tb == "nil" {
            "; salah satu nilainya nil (variabel yang belum diberi nilai?)"
        } else if op == Arith::Add && (ta == "teks" || tb == "teks") {
            "; ubah dulu: teks(x) atau \"{x}\" menjadi teks, int(x)/float(x) menjadi angka"
        } else if matches!(
            op,
            Arith::And | Arith::Or | Arith::Xor | Arith::Shl | Arith::Shr
        ) && (ta == "angka desimal" || tb == "angka desimal")
        {
            "; operator bit hanya untuk angka bulat"
        } else {
            ""
        };
        codes::OPERAND_TYPE.err(format!(
            "Operator '{}' tidak bisa dipakai pada {ta} dan {tb}{hint}",
            op.symbol()
        ))
    }

    fn zero_division(op: Arith) -> RtError {
        codes::ZERO_DIVISION.err(match op {
            Arith::Mod => "Modulo dengan nol (x % 0)",
            _ => "Pembagian dengan nol (x / 0)",
        })
    }

    /// Python's `float division by zero` / `float modulo`: a division
    /// where either operand is a float.
    fn float_zero_division(op: Arith) -> RtError {
        codes::ZERO_DIVISION.err(match op {
            Arith::Mod => "Modulo angka desimal dengan nol",
            _ => "Pembagian angka desimal dengan nol",
        })
    }

    fn negative_shift() -> RtError {
        codes::ARG_VALUE.err("Jumlah geseran bit tidak boleh negatif")
    }

    /// The general (slow) path of a binary arithmetic operator.
    #[inline(never)]
    pub fn arith(&mut self, op: Arith, a: Value, b: Value) -> RtResult<Value> {
        if op == Arith::Add {
            if let Some(v) = self.concat_texts(a, b)? {
                return Ok(v);
            }
        }
        if let (Some(x), Some(y)) = (a.as_bool(), b.as_bool()) {
            // Python's bool keeps `&`, `|` and `^` of two booleans boolean.
            match op {
                Arith::And => return Ok(Value::Bool(x & y)),
                Arith::Or => return Ok(Value::Bool(x | y)),
                Arith::Xor => return Ok(Value::Bool(x ^ y)),
                _ => {}
            }
        }
        self.charge_big_operands(a, b)?;
        if let (Some(x), Some(y)) = (self.num(a), self.num(b)) {
            return self.arith_num(op, x, y, a, b);
        }
        self.arith_seq(op, a, b)
    }

    /// `+` and `*` of texts and lists (sizes checked before building),
    /// or the operator's type error.
    #[inline(never)]
    fn arith_seq(&mut self, op: Arith, a: Value, b: Value) -> RtResult<Value> {
        match op {
            Arith::Add => {
                if let Some(x) = self.str_ref(a) {
                    return match self.str_ref(b) {
                        Some(y) => {
                            self.charge_bytes(x.len() + y.len())?;
                            self.check_text(x.len().saturating_add(y.len()))?;
                            let mut s = text_buffer(x.len() + y.len())?;
                            s.push_str(x);
                            s.push_str(y);
                            Ok(self.new_string(s))
                        }
                        None => Err(codes::OPERAND_TYPE.err(format!(
                            "Teks hanya bisa digabung dengan teks, bukan {}; ubah dulu dengan teks(x) atau \"{{x}}\"",
                            self.type_label(b)
                        ))),
                    };
                }
                if let Some(x) = self.list_ref(a) {
                    return match self.list_ref(b) {
                        Some(y) => {
                            self.charge_items(x.len() + y.len())?;
                            self.check_list(x.len().saturating_add(y.len()))?;
                            let mut items = list_buffer(x.len() + y.len())?;
                            items.extend_from_slice(x);
                            items.extend_from_slice(y);
                            Ok(self.new_list(items))
                        }
                        None => Err(codes::OPERAND_TYPE.err(format!(
                            "Daftar hanya bisa digabung dengan daftar, bukan {}",
                            self.type_label(b)
                        ))),
                    };
                }
                if let (Some(x), Some(y)) = (self.bytes_ref(a), self.bytes_ref(b)) {
                    self.charge_bytes(x.len() + y.len())?;
                    let mut joined = Vec::with_capacity(x.len() + y.len());
                    joined.extend_from_slice(x);
                    joined.extend_from_slice(y);
                    return self.new_bytes(joined);
                }
                Err(self.unsupported(op, a, b))
            }
            Arith::Mul => {
                let (seq, n) = match (self.num(a), self.num(b)) {
                    (None, Some(Num::Int(n))) => (a, n),
                    (Some(Num::Int(n)), None) => (b, n),
                    (None, Some(Num::Big(_))) | (Some(Num::Big(_)), None)
                        if self.str_ref(a).or(self.str_ref(b)).is_some()
                            || self.list_ref(a).or(self.list_ref(b)).is_some() =>
                    {
                        return Err(match self.str_ref(a).or(self.str_ref(b)) {
                            Some(_) => MemError::Text(usize::MAX).into(),
                            None => MemError::List(usize::MAX).into(),
                        })
                    }
                    _ => return Err(self.unsupported(op, a, b)),
                };
                let n = n.max(0) as usize;
                if let Some(s) = self.str_ref(seq) {
                    self.check_text(s.len().saturating_mul(n))?;
                    self.charge_bytes(s.len() * n)?;
                    let r = repeat_text(s, n)?;
                    return Ok(self.new_string(r));
                }
                if let Some(l) = self.list_ref(seq) {
                    self.check_list(l.len().saturating_mul(n))?;
                    self.charge_items(l.len() * n)?;
                    let mut items = list_buffer(l.len() * n)?;
                    for _ in 0..n {
                        items.extend_from_slice(l);
                    }
                    return Ok(self.new_list(items));
                }
                Err(self.unsupported(op, a, b))
            }
            _ => Err(self.unsupported(op, a, b)),
        }
    }

    fn arith_num(&mut self, op: Arith, x: Num, y: Num, a: Value, b: Value) -> RtResult<Value> {
        use Num::*;
        if matches!(x, Float(_)) || matches!(y, Float(_)) {
            return self.arith_float(op, a, b);
        }
        match (x, y) {
            (Int(i), Int(j)) => self.arith_int(op, i, j),
            (x, y) => {
                let bx = match x {
                    Int(i) => BigInt::from(i),
                    Big(b) => b,
                    Float(_) => return Err(RtError::Internal("float in big path".into())),
                };
                let by = match y {
                    Int(i) => BigInt::from(i),
                    Big(b) => b,
                    Float(_) => return Err(RtError::Internal("float in big path".into())),
                };
                self.arith_big(op, bx, by)
            }
        }
    }

    fn arith_float(&mut self, op: Arith, a: Value, b: Value) -> RtResult<Value> {
        let (x, y) = (self.to_float(a)?, self.to_float(b)?);
        let r = match op {
            Arith::Add => x + y,
            Arith::Sub => x - y,
            Arith::Mul => x * y,
            Arith::Div => {
                if y == 0.0 {
                    return Err(Self::float_zero_division(op));
                }
                x / y
            }
            Arith::Mod => {
                if y == 0.0 {
                    return Err(Self::float_zero_division(op));
                }
                float_mod(x, y)
            }
            _ => return Err(self.unsupported(op, a, b)),
        };
        Ok(Value::Float(r))
    }

    pub fn arith_int(&mut self, op: Arith, i: i64, j: i64) -> RtResult<Value> {
        let r = match op {
            Arith::Add => i.checked_add(j),
            Arith::Sub => i.checked_sub(j),
            Arith::Mul => i.checked_mul(j),
            Arith::Div => {
                if j == 0 {
                    return Err(Self::zero_division(op));
                }
                if i.unsigned_abs() < (1 << 53) && j.unsigned_abs() < (1 << 53) {
                    return Ok(Value::Float(i as f64 / j as f64));
                }
                return self.arith_big(op, BigInt::from(i), BigInt::from(j));
            }
            Arith::Mod => {
                if j == 0 {
                    return Err(Self::zero_division(op));
                }
                int_mod(i, j)
            }
            Arith::And => Some(i & j),
            Arith::Or => Some(i | j),
            Arith::Xor => Some(i ^ j),
            Arith::Shl => {
                if j < 0 {
                    return Err(Self::negative_shift());
                }
                if j < 63 && (i.abs() >> (62 - j)) == 0 {
                    Some(i << j)
                } else {
                    None
                }
            }
            Arith::Shr => {
                if j < 0 {
                    return Err(Self::negative_shift());
                }
                Some(if j >= 64 {
                    if i < 0 {
                        -1
                    } else {
                        0
                    }
                } else {
                    i >> j
                })
            }
        };
        match r {
            Some(v) => Ok(self.int(v)),
            None => self.arith_big(op, BigInt::from(i), BigInt::from(j)),
        }
    }

    fn arith_big(&mut self, op: Arith, x: BigInt, y: BigInt) -> RtResult<Value> {
        let r = match op {
            Arith::Add => x + y,
            Arith::Sub => x - y,
            Arith::Mul => {
                self.check_int_bits(x.bits() + y.bits())?;
                self.charge_big_product(x.bits(), y.bits())?;
                x * y
            }
            Arith::Div => {
                if y.is_zero() {
                    return Err(Self::zero_division(op));
                }
                return match int_true_div(&x, &y) {
                    Some(f) => Ok(Value::Float(f)),
                    None => Err(quotient_too_large()),
                };
            }
            Arith::Mod => {
                if y.is_zero() {
                    return Err(Self::zero_division(op));
                }
                self.charge_big_product(x.bits(), y.bits())?;
                x.mod_floor(&y)
            }
            Arith::And => x & y,
            Arith::Or => x | y,
            Arith::Xor => x ^ y,
            Arith::Shl => {
                let n = y.to_u64().ok_or_else(|| -> RtError {
                    if y.is_negative() {
                        Self::negative_shift()
                    } else {
                        MemError::Int(u64::MAX).into()
                    }
                })?;
                if !x.is_zero() {
                    self.check_int_bits(x.bits().saturating_add(n))?;
                }
                self.charge_bytes(((x.bits() + n) / 8) as usize)?;
                x << n
            }
            Arith::Shr => {
                if y.is_negative() {
                    return Err(Self::negative_shift());
                }
                let n = y.to_u64().unwrap_or(u64::MAX).min(1 << 40);
                x >> n
            }
        };
        Ok(self.int_from_big(r))
    }

    /// `a + b` for two texts, or `None` when they are not both texts (or
    /// the result is over 1 MiB: the general path checks and builds those;
    /// smaller ones are small objects, counted and caught at the next safe
    /// point like any other). The result is assembled in a reusable
    /// buffer, so the only allocation is the new text itself.
    fn concat_texts(&mut self, a: Value, b: Value) -> RtResult<Option<Value>> {
        let (Some(ga), Some(gb)) = (a.as_obj(), b.as_obj()) else {
            return Ok(None);
        };
        let (Object::Str(x), Object::Str(y)) = (self.heap.get(ga), self.heap.get(gb)) else {
            return Ok(None);
        };
        if x.len() + y.len() > SCRATCH_KEEP {
            return Ok(None);
        }
        self.charge_bytes(x.len() + y.len())?;
        self.scratch.clear();
        self.scratch.push_str(x);
        self.scratch.push_str(y);
        let rc: std::rc::Rc<str> = std::rc::Rc::from(self.scratch.as_str());
        Ok(Some(self.alloc(Object::Str(Text::new(rc)))))
    }

    /// Unary minus.
    #[inline(never)]
    pub fn negate(&mut self, v: Value) -> RtResult<Value> {
        match v.unpack() {
            V::Int(i) => match i.checked_neg() {
                Some(n) => Ok(self.int(n)),
                None => Ok(self.int_from_big(-BigInt::from(i))),
            },
            V::Bool(b) => Ok(Value::Int(-(b as i64))),
            V::Float(f) => Ok(Value::Float(-f)),
            _ => match self.num(v) {
                Some(Num::Big(b)) => Ok(self.int_from_big(-b)),
                _ => self.arith(Arith::Mul, v, Value::Int(-1)).map_err(|_| {
                    codes::OPERAND_TYPE.err(format!(
                        "Operator '-' (negatif) tidak bisa dipakai pada {}",
                        self.type_label(v)
                    ))
                }),
            },
        }
    }

    #[inline(never)]
    pub fn bit_not(&mut self, v: Value) -> RtResult<Value> {
        match self.num(v) {
            Some(Num::Int(i)) => Ok(self.int(!i)),
            Some(Num::Big(b)) => Ok(self.int_from_big(-b - 1)),
            _ => Err(codes::OPERAND_TYPE.err(format!(
                "Operator '~' hanya untuk angka bulat, bukan {}",
                self.type_label(v)
            ))),
        }
    }

    /// Python truthiness.
    #[inline]
    pub fn truthy(&self, v: Value) -> bool {
        match v.unpack() {
            V::Nil | V::Undef => false,
            V::Bool(b) => b,
            V::Int(i) => i != 0,
            V::Float(f) => f != 0.0,
            V::Native(_) => true,
            V::Obj(g) => match self.heap.get(g) {
                Object::Str(s) => !s.is_empty(),
                Object::List(l) => !l.is_empty(),
                Object::Dict(d) => !d.is_empty(),
                Object::Bytes(b) => !b.is_empty(),
                Object::BigInt(_) => true,
                _ => true,
            },
        }
    }

    /// `==` with Python's semantics. Fails only when the data is nested
    /// deeper than the depth limit or the budget runs out (one unit per
    /// container element compared; see `limits`).
    pub fn values_equal(&self, a: Value, b: Value) -> RtResult<bool> {
        self.eq_depth(a, b, 0)
    }

    #[inline(never)]
    fn eq_depth(&self, a: Value, b: Value, depth: usize) -> RtResult<bool> {
        match (a.unpack(), b.unpack()) {
            (V::Int(x), V::Int(y)) => return Ok(x == y),
            (V::Float(x), V::Float(y)) => return Ok(x == y),
            (V::Nil, V::Nil) => return Ok(true),
            _ => {}
        }
        self.charge_big_operands(a, b)?;
        if let (Some(x), Some(y)) = (self.num(a), self.num(b)) {
            return Ok(num_cmp(&x, &y) == Some(std::cmp::Ordering::Equal));
        }
        let (Some(ga), Some(gb)) = (a.as_obj(), b.as_obj()) else {
            return Ok(a.same(b));
        };
        if ga == gb {
            return Ok(true);
        }
        let (oa, ob) = (self.heap.get(ga), self.heap.get(gb));
        if matches!(
            (oa, ob),
            (Object::List(_), Object::List(_))
                | (Object::Dict(_), Object::Dict(_))
                | (Object::Variant(_), Object::Variant(_))
        ) && depth >= self.data_depth_limit()
        {
            return Err(self.depth_error("membandingkan"));
        }
        Ok(match (oa, ob) {
            (Object::Bytes(x), Object::Bytes(y)) => x == y,
            (Object::Str(x), Object::Str(y)) => {
                if x.len() == y.len() {
                    self.charge_bytes(x.len())?;
                }
                x.text == y.text
            }
            (Object::List(x), Object::List(y)) => {
                if x.len() != y.len() {
                    return Ok(false);
                }
                for (p, q) in x.iter().zip(y.iter()) {
                    self.charge(1)?;
                    if !self.eq_depth(*p, *q, depth + 1)? {
                        return Ok(false);
                    }
                }
                true
            }
            (Object::Dict(x), Object::Dict(y)) => {
                if x.len() != y.len() {
                    return Ok(false);
                }
                for (k, v) in x.entries() {
                    self.charge(1)?;
                    let Ok(hk) = self.hash_key(k) else {
                        return Ok(false);
                    };
                    match y.get(&hk) {
                        Some(w) if self.eq_depth(v, w, depth + 1)? => {}
                        _ => return Ok(false),
                    }
                }
                true
            }
            (Object::Variant(x), Object::Variant(y)) => {
                if x.name != y.name || x.fields.len() != y.fields.len() {
                    return Ok(false);
                }
                for (p, q) in x.fields.iter().zip(y.fields.iter()) {
                    self.charge(1)?;
                    if !self.eq_depth(*p, *q, depth + 1)? {
                        return Ok(false);
                    }
                }
                true
            }
            (Object::BoundMethod(x), Object::BoundMethod(y)) => {
                x.recv.same(y.recv)
                    && match (x.target, y.target) {
                        (
                            crate::object::BoundTarget::Func(f),
                            crate::object::BoundTarget::Func(g),
                        ) => f.same(g),
                        (
                            crate::object::BoundTarget::Builtin(f),
                            crate::object::BoundTarget::Builtin(g),
                        ) => f == g,
                        _ => false,
                    }
            }
            _ => false,
        })
    }

    /// `< <= > >=` with Python's semantics: numbers (unordered NaN compares
    /// false), texts, and lists lexicographically (the first items that
    /// differ by `==` decide, compared with the same operator).
    #[inline(never)]
    pub fn compare(&self, op: Cmp, a: Value, b: Value) -> RtResult<bool> {
        self.compare_at(op, a, b, 0)
    }

    fn compare_at(&self, op: Cmp, a: Value, b: Value, depth: usize) -> RtResult<bool> {
        self.charge_big_operands(a, b)?;
        if let (Some(x), Some(y)) = (self.num(a), self.num(b)) {
            // Unordered numbers (NaN): every comparison is false.
            return Ok(num_cmp(&x, &y).is_some_and(|o| op.holds(o)));
        }
        if let (Some(x), Some(y)) = (self.str_ref(a), self.str_ref(b)) {
            self.charge_bytes(x.len().min(y.len()))?;
            return Ok(op.holds(x.cmp(y)));
        }
        if let (Some(x), Some(y)) = (self.list_ref(a), self.list_ref(b)) {
            if depth >= self.data_depth_limit() {
                return Err(self.depth_error("membandingkan"));
            }
            for (p, q) in x.iter().zip(y.iter()) {
                self.charge(1)?;
                if !self.eq_depth(*p, *q, depth + 1)? {
                    return self.compare_at(op, *p, *q, depth + 1);
                }
            }
            return Ok(op.holds(x.len().cmp(&y.len())));
        }
        let (ta, tb) = (self.type_label(a), self.type_label(b));
        let hint = if ta == "nil" || tb == "nil" {
            "; nil tidak punya urutan"
        } else {
            "; hanya angka dengan angka, teks dengan teks dan daftar dengan daftar"
        };
        Err(codes::COMPARE_TYPE.err(format!(
            "Operator '{}' tidak bisa membandingkan {ta} dengan {tb}{hint}",
            op.symbol()
        )))
    }

    /// Charge for reading big-integer operands (they are copied to be
    /// computed with).
    #[inline]
    fn charge_big_operands(&self, a: Value, b: Value) -> RtResult<()> {
        if a.as_obj().is_none() && b.as_obj().is_none() {
            return Ok(());
        }
        let bits = |v: Value| match v.as_obj().map(|g| self.heap.get(g)) {
            Some(Object::BigInt(x)) => x.bits(),
            _ => 0,
        };
        let total = bits(a) + bits(b);
        if total > 64 * 1024 {
            self.charge(total / 1024)?;
        }
        Ok(())
    }

    pub fn list_ref(&self, v: Value) -> Option<&Vec<Value>> {
        match v.unpack() {
            V::Obj(g) => match self.heap.get(g) {
                Object::List(l) => Some(l),
                _ => None,
            },
            _ => None,
        }
    }

    /// The dictionary key identity of a value.
    #[inline(never)]
    pub fn hash_key(&self, v: Value) -> RtResult<HashKey> {
        match v.unpack() {
            V::Nil | V::Undef => Ok(HashKey::Nil),
            V::Bool(b) => Ok(HashKey::Int(b as i64)),
            V::Int(i) => Ok(HashKey::Int(i)),
            V::Float(f) => Ok(float_key(f)),
            V::Native(id) => Ok(HashKey::Native(id)),
            V::Obj(g) => match self.heap.get(g) {
                Object::Str(s) => Ok(HashKey::Str(crate::dict::StrKey {
                    hash: s.hash(),
                    text: s.text.clone(),
                })),
                // Big integers within i64 hash like the equal float would.
                Object::BigInt(b) => Ok(match i64::try_from(&**b) {
                    Ok(i) => HashKey::Int(i),
                    Err(_) => HashKey::Big(b.clone()),
                }),
                Object::List(_) | Object::Dict(_) | Object::Variant(_) => {
                    Err(codes::UNHASHABLE.err(format!(
                        "{} tidak bisa menjadi kunci kamus; kunci harus teks, angka, boolean, nil atau objek",
                        crate::describe::capitalized(&self.type_label(v))
                    )))
                }
                _ => Ok(HashKey::Obj(g.0)),
            },
        }
    }
}
