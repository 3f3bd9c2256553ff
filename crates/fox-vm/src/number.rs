//! Python's number semantics where exactness matters: the numeric view of a
//! value (`Num`: booleans are the integers 0 and 1), integer → float
//! conversion (correctly rounded; an integer too large for a float is
//! Python's `OverflowError`, here `ErrorLuapan`), the correctly rounded
//! true division of two integers (CPython's `long_true_divide`), exact
//! comparison of integers with floats, floor modulo, Python's `round` of
//! integers and ties, and the dictionary key of a number (numbers that
//! compare equal are one key, whatever their type).

use crate::codes;
use crate::dict::HashKey;
use crate::error::RtError;
use crate::object::Object;
use crate::value::{Value, V};
use crate::vm::Vm;
use num_bigint::{BigInt, BigUint};
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};
use std::cmp::Ordering;

/// A number viewed for arithmetic.
pub(crate) enum Num {
    Int(i64),
    Big(BigInt),
    Float(f64),
}

impl Vm {
    /// The number `v` is, if it is one (`benar`/`salah` are 1/0; big
    /// integers within i64 take the i64 path).
    pub(crate) fn num(&self, v: Value) -> Option<Num> {
        match v.unpack() {
            V::Int(i) => Some(Num::Int(i)),
            V::Bool(b) => Some(Num::Int(b as i64)),
            V::Float(f) => Some(Num::Float(f)),
            V::Obj(g) => match self.heap.get(g) {
                Object::BigInt(b) => Some(match i64::try_from(&**b) {
                    Ok(i) => Num::Int(i),
                    Err(_) => Num::Big((**b).clone()),
                }),
                _ => None,
            },
            _ => None,
        }
    }

    /// `float(v)` of a number as Python converts an operand for mixed
    /// int/float arithmetic: an integer too large is an error.
    pub(crate) fn to_float(&self, v: Value) -> Result<f64, RtError> {
        match self.num(v) {
            Some(Num::Int(i)) => Ok(i as f64),
            Some(Num::Float(f)) => Ok(f),
            Some(Num::Big(b)) => big_to_f64(&b).ok_or_else(int_too_large),
            None => Ok(f64::NAN),
        }
    }
}

/// The top 64 bits of `mag`, the lowest of them made sticky (set when any
/// bit below is), and the shift: `mag ≈ top · 2^shift`. Converting `top`
/// to f64 rounds exactly as rounding the whole integer would. (Not
/// num-bigint's `to_f64`: its round-to-odd, 0.4.8, looks at only part of
/// the bits under the top 64 and can lose a 1 that decides the rounding —
/// float((10**23 + 3) << 55) came out one unit too low.)
fn top_bits(mag: &BigUint) -> (u64, u64) {
    let bits = mag.bits();
    if bits <= 64 {
        return (mag.to_u64().unwrap_or(0), 0);
    }
    let shift = bits - 64;
    let sticky = mag.trailing_zeros().is_some_and(|z| z < shift);
    let top = (mag >> shift as usize).to_u64().unwrap_or(0);
    (top | u64::from(sticky), shift)
}

/// `float(i)`: correctly rounded (half to even); `None` when the integer
/// is too large for a float.
pub fn big_to_f64(b: &BigInt) -> Option<f64> {
    let mag = b.magnitude();
    if mag.bits() > MAX_EXP as u64 {
        return None;
    }
    let (top, shift) = top_bits(mag);
    let f = ldexp(top as f64, shift as i64);
    let f = if b.is_negative() { -f } else { f };
    f.is_finite().then_some(f)
}

/// A positive integer as `m · 2^e`, `m` in [0.5, 1) rounded to 53 bits
/// (half to even), as CPython's `_PyLong_Frexp`: how `math.log` takes an
/// integer too large for a float.
pub fn frexp_big(b: &BigInt) -> (f64, u64) {
    let mag = b.magnitude();
    let mut e = mag.bits();
    let (top, shift) = top_bits(mag);
    // Scaling by a power of two is exact.
    let mut m = ldexp(top as f64, shift as i64 - e as i64);
    if m == 1.0 {
        m = 0.5;
        e += 1;
    }
    (m, e)
}

/// Python's `OverflowError: int too large to convert to float`.
pub fn int_too_large() -> RtError {
    codes::NUM_OVERFLOW.err("Angka bulat terlalu besar untuk dijadikan angka desimal")
}

/// Python's `OverflowError: integer division result too large for a float`.
pub fn quotient_too_large() -> RtError {
    codes::NUM_OVERFLOW.err("Hasil pembagian angka bulat terlalu besar untuk angka desimal")
}

/// Python's float modulo (the result has the divisor's sign).
pub fn float_mod(a: f64, b: f64) -> f64 {
    let r = a % b;
    if r != 0.0 && ((r < 0.0) != (b < 0.0)) {
        r + b
    } else if r == 0.0 {
        0.0f64.copysign(b)
    } else {
        r
    }
}

/// Python's integer floor modulo (b != 0).
#[inline]
pub fn int_mod(a: i64, b: i64) -> Option<i64> {
    let r = a.checked_rem(b)?;
    if r != 0 && ((r < 0) != (b < 0)) {
        Some(r + b)
    } else {
        Some(r)
    }
}

/// The integer part of a finite float, exactly (truncated towards zero).
pub fn float_to_big(f: f64) -> BigInt {
    if f == 0.0 || !f.is_finite() {
        return BigInt::zero();
    }
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64 - 1075;
    let mant = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
    let m = BigInt::from(mant);
    let v = if exp >= 0 {
        m << exp as u64
    } else {
        m >> (-exp) as u64
    };
    if (bits >> 63) != 0 {
        -v
    } else {
        v
    }
}

/// The dictionary key of a float: an integral float is the key of the
/// equal integer (`1.0` ≡ `1`, `-0.0` ≡ `0`, `float(2**70)` ≡ `2**70`).
pub fn float_key(f: f64) -> HashKey {
    if f.fract() != 0.0 {
        // Fractions, infinities and NaN (`fract` of those is NaN).
        return HashKey::Float(f.to_bits());
    }
    if f.abs() < 9.2e18 {
        return HashKey::Int(f as i64);
    }
    big_key(float_to_big(f))
}

/// The dictionary key of an integer.
pub fn big_key(b: BigInt) -> HashKey {
    match i64::try_from(&b) {
        Ok(i) => HashKey::Int(i),
        Err(_) => HashKey::Big(Box::new(b)),
    }
}

/// Three-way numeric comparison (`None`: unordered, a NaN).
pub(crate) fn num_cmp(x: &Num, y: &Num) -> Option<Ordering> {
    use Num::*;
    match (x, y) {
        (Int(a), Int(b)) => Some(a.cmp(b)),
        (Float(a), Float(b)) => a.partial_cmp(b),
        (Int(a), Float(b)) => int_float_cmp(&BigInt::from(*a), *b),
        (Float(a), Int(b)) => int_float_cmp(&BigInt::from(*b), *a).map(|o| o.reverse()),
        (Big(a), Float(b)) => int_float_cmp(a, *b),
        (Float(a), Big(b)) => int_float_cmp(b, *a).map(|o| o.reverse()),
        (Big(a), Int(b)) => Some(a.cmp(&BigInt::from(*b))),
        (Int(a), Big(b)) => Some(BigInt::from(*a).cmp(b)),
        (Big(a), Big(b)) => Some(a.cmp(b)),
    }
}

/// Exact comparison of an integer with a float (as Python: `2**53 + 1 >
/// float(2**53)`).
fn int_float_cmp(i: &BigInt, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        });
    }
    let fl = f.floor();
    match i.cmp(&float_to_big(fl)) {
        Ordering::Equal if f > fl => Some(Ordering::Less),
        o => Some(o),
    }
}

/// Python's `round(i, n)` of an integer: itself for `n >= 0`, else to
/// the nearest multiple of `10^-n` (ties to the even multiple).
pub fn round_int(b: BigInt, n: i64) -> BigInt {
    if n >= 0 || b.is_zero() {
        return b;
    }
    // 10^-n more than twice |b|: the nearest multiple is 0.
    if (n.unsigned_abs() as f64) * std::f64::consts::LOG2_10 > b.bits() as f64 + 1.0 {
        return BigInt::zero();
    }
    let p = BigInt::from(10).pow(n.unsigned_abs() as u32);
    let (q, r) = b.div_mod_floor(&p);
    let twice = &r * 2;
    let q = if twice > p || (twice == p && q.is_odd()) {
        q + 1
    } else {
        q
    };
    q * p
}

pub fn round_half_even(f: f64) -> f64 {
    let r = f.round();
    if (f - f.trunc()).abs() == 0.5 {
        2.0 * (f / 2.0).round()
    } else {
        r
    }
}

const MANT_DIG: i64 = 53;
const MIN_EXP: i64 = -1021;
const MAX_EXP: i64 = 1024;

/// `x / y` of two integers (y ≠ 0), correctly rounded as CPython's
/// `long_true_divide` does; `None` when the quotient is too large for a
/// float.
pub fn int_true_div(x: &BigInt, y: &BigInt) -> Option<f64> {
    let negative = x.is_negative() != y.is_negative();
    let signed = |r: f64| if negative { -r } else { r };
    let (a, b) = (x.magnitude(), y.magnitude());
    if a.is_zero() {
        return Some(signed(0.0));
    }
    if a.bits() <= MANT_DIG as u64 && b.bits() <= MANT_DIG as u64 {
        // Both exact as floats: one IEEE division is correctly rounded.
        let (p, q) = (a.to_f64()?, b.to_f64()?);
        return Some(signed(p / q));
    }
    let diff = a.bits() as i64 - b.bits() as i64;
    if diff > MAX_EXP {
        return None;
    }
    if diff < MIN_EXP - MANT_DIG - 1 {
        return Some(signed(0.0));
    }
    // Scale so the integer quotient keeps 2 or 3 bits beyond the
    // precision the result has (fewer bits for a subnormal result).
    let shift = diff.max(MIN_EXP) - MANT_DIG - 2;
    let mut inexact = false;
    let scaled: BigUint = if shift <= 0 {
        a << (-shift) as u64
    } else {
        inexact = a.trailing_zeros().is_some_and(|t| t < shift as u64);
        a >> shift as u64
    };
    let (q, r) = scaled.div_rem(b);
    inexact |= !r.is_zero();
    let q_bits = q.bits() as i64;
    let extra = (q_bits.max(MIN_EXP - shift) - MANT_DIG).max(1) as u64;
    // Round half to even on the low bits, the remainder a sticky bit.
    let mask = 1u64 << (extra - 1);
    let low = q.iter_u64_digits().next().unwrap_or(0) | inexact as u64;
    let mut q = q;
    if low & mask != 0 && low & (3 * mask - 1) != 0 {
        q += mask;
    }
    let q = (q >> extra) << extra;
    let dq = q.to_f64()?;
    if shift + q_bits >= MAX_EXP && (shift + q_bits > MAX_EXP || dq == ldexp(1.0, q_bits)) {
        return None;
    }
    Some(signed(ldexp(dq, shift)))
}

/// `x · 2^e`, exact whenever the result is representable.
fn ldexp(mut x: f64, mut e: i64) -> f64 {
    let pow2 = |k: i64| f64::from_bits(((k + 1023) as u64) << 52);
    while e > 1000 {
        x *= pow2(1000);
        e -= 1000;
    }
    while e < -1000 {
        x *= pow2(-1000);
        e += 1000;
    }
    x * pow2(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_integers_convert_to_the_nearest_float() {
        let p = |s: &str| s.parse::<BigInt>().unwrap_or_default();
        let x = p("100000000000000000000003") << 55usize;
        assert_eq!(big_to_f64(&x), Some(3.602879701896397e39));
        // Rust's decimal parser rounds correctly: it is the reference.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..3000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let digits = (seed % 300) as u32 + 1;
            let mut v = BigInt::from(seed >> 11);
            v = v.pow(1 + digits / 20) + BigInt::from(seed % 7);
            v <<= (seed % 97) as usize;
            if seed.is_multiple_of(3) {
                v = -v;
            }
            let want = v.to_string().parse::<f64>().ok().filter(|f| f.is_finite());
            assert_eq!(big_to_f64(&v), want, "{v}");
        }
        assert_eq!(big_to_f64(&(BigInt::from(1) << 1024usize)), None);
        assert_eq!(big_to_f64(&((BigInt::from(1) << 1024usize) - 1)), None);
        assert_eq!(
            big_to_f64(&-(BigInt::from(1) << 1023usize)),
            Some(-8.98846567431158e307)
        );
    }

    fn div(x: &str, y: &str) -> Option<f64> {
        let p = |s: &str| s.parse::<BigInt>().unwrap_or_default();
        int_true_div(&p(x), &p(y))
    }

    #[test]
    fn true_division_is_correctly_rounded() {
        // Values checked against CPython 3.11.
        assert_eq!(div("9007199254740993", "1"), Some(9007199254740992.0));
        assert_eq!(div("9007199254740995", "1"), Some(9007199254740996.0));
        assert_eq!(
            div("123456789012345678901234567890", "7"),
            Some(1.763668414462081e28)
        );
        assert_eq!(div("-1", "3"), Some(-1.0 / 3.0));
        assert_eq!(div("0", "-5").map(|f| f.is_sign_negative()), Some(true));
        let p = |e: u32| BigInt::from(2).pow(e).to_string();
        assert_eq!(div(&p(1074), &p(2148)), Some(5e-324));
        assert_eq!(div(&p(1024), "1"), None);
        assert_eq!(div(&p(1023), "1"), Some(8.98846567431158e307));
        assert_eq!(div("1", &p(1080)), Some(0.0));
    }

    #[test]
    fn equal_numbers_are_one_key() {
        assert_eq!(float_key(1.0), HashKey::Int(1));
        assert_eq!(float_key(-0.0), HashKey::Int(0));
        let big = BigInt::from(2).pow(70);
        assert_eq!(float_key(2f64.powi(70)), big_key(big));
        assert_eq!(float_key(-(2f64.powi(63))), HashKey::Int(i64::MIN));
        assert_eq!(float_key(0.5), HashKey::Float(0.5f64.to_bits()));
    }
}
