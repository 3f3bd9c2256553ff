//! Numeric builtins of `matematika/dasar` and the helpers behind
//! `matematika/trigonometri`: `absolut`, `min`, `max`, `lantai`, `atap`,
//! `faktorial`, `pangkat`, `akar`, `bulat`, trigonometry, logarithms.

use super::arg;
use crate::codes;
use crate::error::{RtError, RtResult};
use crate::memory::{MemError, MAX_INT_BITS};
use crate::number::{
    big_to_f64, float_to_big, frexp_big, int_too_large, round_half_even, round_int,
};
use crate::object::Object;
use crate::ops::Cmp;
use crate::value::Value;
use crate::value::V;
use crate::vm::Vm;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};

pub(crate) fn float_of(vm: &Vm, v: Value, who: &str) -> RtResult<f64> {
    match v.unpack() {
        V::Int(i) => Ok(i as f64),
        V::Bool(b) => Ok(b as i64 as f64),
        V::Float(f) => Ok(f),
        V::Obj(g) => match vm.heap.get(g) {
            Object::BigInt(b) => big_to_f64(b).ok_or_else(int_too_large),
            _ => Err(not_a_number(vm, who, v)),
        },
        _ => Err(not_a_number(vm, who, v)),
    }
}

fn not_a_number(vm: &Vm, who: &str, v: Value) -> RtError {
    codes::ARG_TYPE.err(format!(
        "{who}(): argumen harus angka, bukan {}",
        vm.type_label(v)
    ))
}

/// `who(x)` is undefined for `x` (a square root of a negative number, …).
fn domain_error(who: &str, x: Value) -> RtError {
    let shown = match x.unpack() {
        V::Float(f) => crate::format::fmt_float(f),
        V::Int(i) => i.to_string(),
        _ => "itu".to_string(),
    };
    codes::MATH_DOMAIN.err(format!("{who}(): tidak terdefinisi untuk {shown}"))
}

fn zero_negative_power() -> RtError {
    codes::ZERO_DIVISION.err("pangkat(): 0 tidak bisa dipangkatkan dengan bilangan negatif")
}

fn big_of(vm: &Vm, v: Value) -> Option<BigInt> {
    match v.unpack() {
        V::Int(i) => Some(BigInt::from(i)),
        V::Bool(b) => Some(BigInt::from(b as i64)),
        V::Obj(g) => match vm.heap.get(g) {
            Object::BigInt(b) => Some((**b).clone()),
            _ => None,
        },
        _ => None,
    }
}

pub fn absolut(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let v = arg(args, 0);
    match v.unpack() {
        V::Int(i) => match i.checked_abs() {
            Some(a) => Ok(vm.int(a)),
            None => Ok(vm.int_from_big(BigInt::from(i).abs())),
        },
        V::Bool(b) => Ok(Value::Int(b as i64)),
        V::Float(f) => Ok(Value::Float(f.abs())),
        _ => match big_of(vm, v) {
            Some(b) => Ok(vm.int_from_big(b.abs())),
            None => Err(not_a_number(vm, "absolut", v)),
        },
    }
}

fn extreme(vm: &mut Vm, args: &[Value], want: Cmp, who: &str) -> RtResult<Value> {
    let items: Vec<Value> = if args.len() == 1 {
        match vm.list_ref(args[0]) {
            Some(l) => {
                vm.charge_items(l.len())?;
                l.clone()
            }
            None => vm.sequence_items(args[0])?,
        }
    } else {
        args.to_vec()
    };
    let mut it = items.into_iter();
    let Some(mut best) = it.next() else {
        return Err(codes::EMPTY_SEQUENCE.err(format!(
            "{who}(): tidak ada nilai untuk dipilih (daftarnya kosong)"
        )));
    };
    for x in it {
        if vm.compare(want, x, best)? {
            best = x;
        }
    }
    Ok(best)
}

pub fn min(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    extreme(vm, args, Cmp::Lt, "min")
}

pub fn max(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    extreme(vm, args, Cmp::Gt, "max")
}

fn float_to_int(vm: &mut Vm, f: f64, who: &str) -> RtResult<Value> {
    if !f.is_finite() {
        return Err(super::core::non_finite_to_int(who, f));
    }
    if f.abs() < 9.0e18 {
        Ok(vm.int(f as i64))
    } else {
        Ok(vm.int_from_big(float_to_big(f)))
    }
}

pub fn lantai(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let v = arg(args, 0);
    match v.unpack() {
        V::Int(_) => Ok(v),
        V::Bool(b) => Ok(Value::Int(b as i64)),
        V::Float(f) => float_to_int(vm, f.floor(), "lantai"),
        _ if big_of(vm, v).is_some() => Ok(v),
        _ => Err(not_a_number(vm, "lantai", v)),
    }
}

pub fn atap(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let v = arg(args, 0);
    match v.unpack() {
        V::Int(_) => Ok(v),
        V::Bool(b) => Ok(Value::Int(b as i64)),
        V::Float(f) => float_to_int(vm, f.ceil(), "atap"),
        _ if big_of(vm, v).is_some() => Ok(v),
        _ => Err(not_a_number(vm, "atap", v)),
    }
}

/// Python's `round(x[, n])` (banker's rounding for ties).
pub fn bulat(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let v = arg(args, 0);
    let digits = match (arg(args, 1)).unpack() {
        V::Nil => None,
        V::Int(n) => Some(n),
        V::Bool(b) => Some(b as i64),
        o => {
            return Err(codes::ARG_TYPE.err(format!(
                "bulat(): argumen 2 ('digit') harus angka bulat, bukan {}",
                vm.type_label(o.pack())
            )))
        }
    };
    if let Some(b) = big_of(vm, v) {
        // An integer (or boolean) rounds to an integer.
        if digits.is_some_and(|n| n < 0) {
            vm.charge_big_product(b.bits(), b.bits())?;
        }
        return Ok(vm.int_from_big(round_int(b, digits.unwrap_or(0))));
    }
    match (v.unpack(), digits) {
        (V::Float(f), None) => float_to_int(vm, round_half_even(f), "bulat"),
        (V::Float(f), Some(n)) => {
            if !f.is_finite() {
                return Ok(v);
            }
            // Round via the shortest decimal text, as Python does exactly.
            let text = format!("{:.*}", n.clamp(0, 300) as usize, f);
            if n >= 0 {
                Ok(Value::Float(text.parse::<f64>().unwrap_or(f)))
            } else {
                let p = 10f64.powi((-n).min(300) as i32);
                Ok(Value::Float(round_half_even(f / p) * p))
            }
        }
        _ => Err(not_a_number(vm, "bulat", v)),
    }
}

pub fn faktorial(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let v = arg(args, 0);
    let n = match v.unpack() {
        V::Int(n) => n,
        V::Bool(b) => b as i64,
        V::Float(f) if f.fract() == 0.0 => f as i64,
        _ => {
            return Err(codes::MATH_DOMAIN.err(format!(
                "faktorial(): hanya untuk angka bulat, bukan {}",
                vm.shown(v, 40)
            )))
        }
    };
    if n < 0 {
        return Err(codes::MATH_DOMAIN.err(format!(
            "faktorial(): tidak terdefinisi untuk angka negatif ({n})"
        )));
    }
    if n > 100_000 {
        // log2(n!) ≈ n·(log2 n − log2 e).
        let nf = n as f64;
        let bits = (nf * (nf.log2() - std::f64::consts::LOG2_E)).max(0.0) as u64;
        return Err(MemError::Int(bits.max(MAX_INT_BITS + 1)).into());
    }
    let mut acc = BigInt::from(1);
    for i in 2..=n {
        // Each step costs the size of the product so far.
        vm.charge(acc.bits() / 1024 + 1)?;
        acc *= i;
    }
    Ok(vm.int_from_big(acc))
}

pub fn pangkat(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let (a, b) = (arg(args, 0), arg(args, 1));
    if let (Some(x), Some(y)) = (big_of(vm, a), big_of(vm, b)) {
        if !y.is_negative() {
            // 0, 1 and -1 stay small whatever the exponent.
            if x.magnitude() <= &num_bigint::BigUint::from(1u8) {
                let r = if x.is_zero() {
                    BigInt::from(y.is_zero() as i64)
                } else if x.is_negative() && y.is_odd() {
                    BigInt::from(-1)
                } else {
                    BigInt::from(1)
                };
                return Ok(vm.int_from_big(r));
            }
            // The result's size, estimated before computing it.
            let lg = match x.to_f64() {
                Some(f) if f.is_finite() => f.abs().log2(),
                _ => x.bits() as f64,
            };
            let bits = match y.to_u64() {
                Some(e) => (e as f64 * lg).ceil().min(u64::MAX as f64) as u64 + 1,
                None => u64::MAX,
            };
            vm.check_int_bits(bits)?;
            let e = y.to_u32().ok_or(MemError::Int(bits))?;
            // Repeated squaring: the last product dominates.
            vm.charge_big_product(bits / 2, bits / 2)?;
            return Ok(vm.int_from_big(num_traits::pow::Pow::pow(x, e)));
        }
        if x.is_zero() {
            return Err(zero_negative_power());
        }
    }
    let x = float_of(vm, a, "pangkat")?;
    let y = float_of(vm, b, "pangkat")?;
    if x == 0.0 && y < 0.0 {
        return Err(zero_negative_power());
    }
    let r = x.powf(y);
    if r.is_nan() && !x.is_nan() && !y.is_nan() {
        return Err(domain_error("pangkat", a));
    }
    if r.is_infinite() && x.is_finite() && y.is_finite() {
        return Err(
            codes::NUM_OVERFLOW.err("pangkat(): hasilnya terlalu besar untuk angka desimal")
        );
    }
    Ok(Value::Float(r))
}

pub fn akar(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let x = float_of(vm, arg(args, 0), "akar")?;
    if x < 0.0 {
        return Err(domain_error("akar", arg(args, 0)));
    }
    Ok(Value::Float(x.sqrt()))
}

macro_rules! unary_float {
    ($name:ident, $who:literal, $f:expr) => {
        pub fn $name(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
            let x = float_of(vm, arg(args, 0), $who)?;
            let r: f64 = $f(x);
            if r.is_nan() && !x.is_nan() {
                return Err(domain_error($who, arg(args, 0)));
            }
            Ok(Value::Float(r))
        }
    };
}

unary_float!(sin, "sin", f64::sin);
unary_float!(cos, "cos", f64::cos);
unary_float!(tan, "tan", f64::tan);
unary_float!(asin, "asin", f64::asin);
unary_float!(acos, "acos", f64::acos);
unary_float!(atan, "atan", f64::atan);
unary_float!(exp, "exp", f64::exp);

/// The natural logarithm as Python's `math.log` takes it: an integer too
/// large for a float is split as `m · 2^e` and its logarithm is
/// `ln(m) + ln(2) · e` (CPython's `loghelper`), not an overflow.
fn ln_of(vm: &Vm, v: Value, who: &str) -> RtResult<f64> {
    if let V::Obj(g) = v.unpack() {
        if let Object::BigInt(b) = vm.heap.get(g) {
            if !b.is_positive() {
                return Err(domain_error(who, v));
            }
            if let Some(f) = big_to_f64(b) {
                return Ok(f.ln());
            }
            let (m, e) = frexp_big(b);
            return Ok(m.ln() + 2f64.ln() * e as f64);
        }
    }
    let x = float_of(vm, v, who)?;
    if x <= 0.0 {
        return Err(domain_error(who, v));
    }
    Ok(x.ln())
}

pub fn log(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let x = ln_of(vm, arg(args, 0), "log")?;
    match arg(args, 1).unpack() {
        V::Nil => Ok(Value::Float(x)),
        _ => {
            let base = ln_of(vm, arg(args, 1), "log")?;
            if base == 0.0 {
                // Base 1: Python's `float division by zero`.
                return Err(codes::ZERO_DIVISION.err("Pembagian angka desimal dengan nol"));
            }
            Ok(Value::Float(x / base))
        }
    }
}

pub fn atan2(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let y = float_of(vm, arg(args, 0), "atan2")?;
    let x = float_of(vm, arg(args, 1), "atan2")?;
    Ok(Value::Float(y.atan2(x)))
}

/// Next value of the VM's random generator (xorshift64*). Its state is part
/// of the VM state, so a resumed ticket continues the same sequence; the
/// seed comes from the host (fixed unless the embedder chooses one), so a
/// run is reproducible.
fn next_random(vm: &mut Vm) -> u64 {
    let mut x = vm.rng.max(1);
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    vm.rng = x;
    x.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

/// `acak()`: a float in [0, 1).
pub fn acak(vm: &mut Vm, _args: &[Value]) -> RtResult<Value> {
    Ok(Value::Float(
        (next_random(vm) >> 11) as f64 / (1u64 << 53) as f64,
    ))
}

/// `acak_bulat(a, b)`: an integer in [a, b], both ends included.
pub fn acak_bulat(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let bound = |v: Value| -> RtResult<i64> {
        let big = match v.unpack() {
            V::Int(i) => return Ok(i),
            V::Bool(b) => return Ok(b as i64),
            V::Obj(g) => match vm.heap.get(g) {
                Object::BigInt(b) => Some(b),
                _ => None,
            },
            _ => None,
        };
        match big.map(|b| i64::try_from(&**b)) {
            Some(Ok(i)) => Ok(i),
            Some(Err(_)) => {
                Err(codes::ARG_VALUE.err("acak_bulat(): batas harus di dalam jangkauan 64 bit"))
            }
            None => Err(codes::ARG_TYPE.err(format!(
                "acak_bulat(): batas harus angka bulat, bukan {}",
                vm.type_label(v)
            ))),
        }
    };
    let (a, b) = (bound(args[0])?, bound(args[1])?);
    if a > b {
        return Err(codes::ARG_VALUE.err(format!(
            "acak_bulat({a}, {b}): batas bawah lebih besar dari batas atas"
        )));
    }
    // The span as u64 (b - a may exceed i64); 0 means all 2^64 values.
    let span = (b as i128 - a as i128 + 1) as u128;
    if span > u128::from(u64::MAX) {
        let r = next_random(vm);
        return Ok(vm.int(r as i64));
    }
    let span = span as u64;
    // Rejection sampling: no modulo bias.
    let zone = u64::MAX - u64::MAX % span;
    loop {
        let r = next_random(vm);
        if r < zone {
            return Ok(vm.int((a as i128 + (r % span) as i128) as i64));
        }
    }
}
