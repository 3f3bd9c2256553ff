//! The meaning of the arithmetic, comparison and equality instructions:
//! a fast path for inline integers and floats (`fast`), then the general
//! slow path in `ops`. The interpreter and the JIT's runtime helpers call
//! these same functions, so the tiers cannot disagree on a result, an
//! overflow into a big integer, or an error.

use crate::error::RtResult;
use crate::ops::{Arith, Cmp};
use crate::value::Value;
use crate::vm::Vm;

/// The fast paths: pure functions of the operand words, `None` when the
/// general path must decide (big integers, overflow, texts, lists,
/// errors). The interpreter inlines them into its loop and calls the slow
/// path only on `None`, so no `Result` is built on the fast path; the JIT
/// emits the same tests as machine code and calls the `Vm::op_*`
/// functions below (fast path, then slow path) from its helpers.
pub mod fast {
    use crate::number::int_mod;
    use crate::value::{Value, INT_MIN, V};

    /// Integers that stay inline, floats, int/float mixes (Python converts
    /// the int, rounding to nearest as `as f64` does, and computes in
    /// floats).
    #[inline(always)]
    fn arith(
        x: Value,
        y: Value,
        int: impl Fn(i64, i64) -> Option<i64>,
        float: impl Fn(f64, f64) -> Option<f64>,
    ) -> Option<Value> {
        if let (Some(i), Some(j)) = (x.as_int(), y.as_int()) {
            int(i, j).and_then(Value::small_int)
        } else if let (Some(p), Some(q)) = (x.as_float(), y.as_float()) {
            float(p, q).map(Value::Float)
        } else if let (Some(i), Some(q)) = (x.as_int(), y.as_float()) {
            float(i as f64, q).map(Value::Float)
        } else if let (Some(p), Some(j)) = (x.as_float(), y.as_int()) {
            float(p, j as f64).map(Value::Float)
        } else {
            None
        }
    }

    /// `x op imm` for the instructions with an immediate.
    #[inline(always)]
    fn arith_imm(
        x: Value,
        imm: i16,
        int: impl Fn(i64, i64) -> Option<i64>,
        float: impl Fn(f64, f64) -> Option<f64>,
    ) -> Option<Value> {
        let j = imm as i64;
        if let Some(i) = x.as_int() {
            int(i, j).and_then(Value::small_int)
        } else if let Some(p) = x.as_float() {
            float(p, j as f64).map(Value::Float)
        } else {
            None
        }
    }

    #[inline(always)]
    fn floor_mod(i: i64, j: i64) -> Option<i64> {
        if j == 0 {
            None
        } else {
            int_mod(i, j)
        }
    }

    #[inline(always)]
    pub fn add(x: Value, y: Value) -> Option<Value> {
        arith(x, y, i64::checked_add, |p, q| Some(p + q))
    }

    #[inline(always)]
    pub fn sub(x: Value, y: Value) -> Option<Value> {
        arith(x, y, i64::checked_sub, |p, q| Some(p - q))
    }

    #[inline(always)]
    pub fn mul(x: Value, y: Value) -> Option<Value> {
        arith(x, y, i64::checked_mul, |p, q| Some(p * q))
    }

    /// True division. Inline ints (|i| < 2^47) convert to f64 exactly, so
    /// one IEEE division is Python's correctly rounded result.
    #[inline(always)]
    pub fn div(x: Value, y: Value) -> Option<Value> {
        match (x.unpack(), y.unpack()) {
            (V::Float(p), V::Float(q)) if q != 0.0 => Some(Value::Float(p / q)),
            (V::Int(i), V::Int(j)) if j != 0 => Some(Value::Float(i as f64 / j as f64)),
            (V::Float(p), V::Int(j)) if j != 0 => Some(Value::Float(p / j as f64)),
            (V::Int(i), V::Float(q)) if q != 0.0 => Some(Value::Float(i as f64 / q)),
            _ => None,
        }
    }

    /// Floor modulo (Python's `%`) of integers; floats take the slow path.
    #[inline(always)]
    pub fn modulo(x: Value, y: Value) -> Option<Value> {
        arith(x, y, floor_mod, |_, _| None)
    }

    #[inline(always)]
    pub fn add_imm(x: Value, imm: i16) -> Option<Value> {
        arith_imm(x, imm, i64::checked_add, |p, q| Some(p + q))
    }

    #[inline(always)]
    pub fn sub_imm(x: Value, imm: i16) -> Option<Value> {
        arith_imm(x, imm, i64::checked_sub, |p, q| Some(p - q))
    }

    #[inline(always)]
    pub fn mul_imm(x: Value, imm: i16) -> Option<Value> {
        arith_imm(x, imm, i64::checked_mul, |p, q| Some(p * q))
    }

    #[inline(always)]
    pub fn mod_imm(x: Value, imm: i16) -> Option<Value> {
        arith_imm(x, imm, floor_mod, |_, _| None)
    }

    #[inline(always)]
    pub fn bit_and(x: Value, y: Value) -> Option<Value> {
        arith(x, y, |i, j| Some(i & j), |_, _| None)
    }

    #[inline(always)]
    pub fn bit_or(x: Value, y: Value) -> Option<Value> {
        arith(x, y, |i, j| Some(i | j), |_, _| None)
    }

    #[inline(always)]
    pub fn bit_xor(x: Value, y: Value) -> Option<Value> {
        arith(x, y, |i, j| Some(i ^ j), |_, _| None)
    }

    /// Shifts always take the general path (they may grow into big
    /// integers and check for negative counts).
    #[inline(always)]
    pub fn shift(_x: Value, _y: Value) -> Option<Value> {
        None
    }

    #[inline(always)]
    pub fn neg(x: Value) -> Option<Value> {
        match x.unpack() {
            // -INT_MIN does not fit inline: the slow path boxes it.
            V::Int(i) if i != INT_MIN => Some(Value::Int(-i)),
            V::Float(f) => Some(Value::Float(-f)),
            _ => None,
        }
    }

    /// An ordering comparison of two numbers.
    #[inline(always)]
    fn compare(
        x: Value,
        y: Value,
        int: impl Fn(i64, i64) -> bool,
        float: impl Fn(f64, f64) -> bool,
    ) -> Option<bool> {
        if let (Some(i), Some(j)) = (x.as_int(), y.as_int()) {
            Some(int(i, j))
        } else if let (Some(p), Some(q)) = (x.as_float(), y.as_float()) {
            Some(float(p, q))
        } else {
            // Inline ints convert to f64 exactly (|i| < 2^47).
            match (x.as_int(), y.as_float(), x.as_float(), y.as_int()) {
                (Some(i), Some(q), _, _) => Some(float(i as f64, q)),
                (_, _, Some(p), Some(j)) => Some(float(p, j as f64)),
                _ => None,
            }
        }
    }

    /// An ordering comparison of a number with an immediate integer.
    #[inline(always)]
    fn compare_imm(
        x: Value,
        imm: i16,
        int: impl Fn(i64, i64) -> bool,
        float: impl Fn(f64, f64) -> bool,
    ) -> Option<bool> {
        if let Some(i) = x.as_int() {
            Some(int(i, imm as i64))
        } else {
            x.as_float().map(|p| float(p, imm as f64))
        }
    }

    macro_rules! orderings {
        ($($name:ident $name_imm:ident $op:tt;)*) => {$(
            #[inline(always)]
            pub fn $name(x: Value, y: Value) -> Option<bool> {
                compare(x, y, |i, j| i $op j, |p, q| p $op q)
            }

            #[inline(always)]
            pub fn $name_imm(x: Value, imm: i16) -> Option<bool> {
                compare_imm(x, imm, |i, j| i $op j, |p, q| p $op q)
            }
        )*};
    }

    orderings! {
        lt lt_imm <;
        le le_imm <=;
        gt gt_imm >;
        ge ge_imm >=;
    }

    /// `x == y` when the words decide it: identical non-float words are
    /// equal (floats are not: NaN), inline integers by value, nil equals
    /// only nil.
    #[inline(always)]
    pub fn equal(x: Value, y: Value) -> Option<bool> {
        if x.same(y) && x.as_float().is_none() {
            Some(true)
        } else if let (Some(i), Some(j)) = (x.as_int(), y.as_int()) {
            Some(i == j)
        } else if x.is_nil() || y.is_nil() {
            Some(false)
        } else {
            None
        }
    }

    /// `x == imm` for an inline integer.
    #[inline(always)]
    pub fn equal_imm(x: Value, imm: i16) -> Option<bool> {
        x.as_int().map(|i| i == imm as i64)
    }

    /// The truth of a boolean word (others ask `Vm::truthy`).
    #[inline(always)]
    pub fn truth(x: Value) -> Option<bool> {
        x.as_bool()
    }
}

/// `Vm::op_add` …: each instruction's whole meaning, fast path then slow
/// path, as one call (what the JIT's runtime helpers use).
macro_rules! binary_ops {
    ($($name:ident $fast:ident $arith:ident;)*) => {
        impl Vm {$(
            #[inline]
            pub fn $name(&mut self, x: Value, y: Value) -> RtResult<Value> {
                match fast::$fast(x, y) {
                    Some(v) => Ok(v),
                    None => self.arith(Arith::$arith, x, y),
                }
            }
        )*}
    };
}

binary_ops! {
    op_add add Add;
    op_sub sub Sub;
    op_mul mul Mul;
    op_div div Div;
    op_mod modulo Mod;
    op_bit_and bit_and And;
    op_bit_or bit_or Or;
    op_bit_xor bit_xor Xor;
    op_shl shift Shl;
    op_shr shift Shr;
}

macro_rules! comparisons {
    ($($name:ident $name_imm:ident $fast:ident $fast_imm:ident $cmp:ident;)*) => {
        impl Vm {$(
            #[inline]
            pub fn $name(&mut self, x: Value, y: Value) -> RtResult<bool> {
                match fast::$fast(x, y) {
                    Some(b) => Ok(b),
                    None => self.compare(Cmp::$cmp, x, y),
                }
            }

            #[inline]
            pub fn $name_imm(&mut self, x: Value, imm: i16) -> RtResult<bool> {
                match fast::$fast_imm(x, imm) {
                    Some(b) => Ok(b),
                    None => self.compare(Cmp::$cmp, x, Value::Int(imm as i64)),
                }
            }
        )*}
    };
}

comparisons! {
    op_lt op_lt_imm lt lt_imm Lt;
    op_le op_le_imm le le_imm Le;
    op_gt op_gt_imm gt gt_imm Gt;
    op_ge op_ge_imm ge ge_imm Ge;
}

impl Vm {
    #[inline]
    pub fn op_neg(&mut self, x: Value) -> RtResult<Value> {
        match fast::neg(x) {
            Some(v) => Ok(v),
            None => self.negate(x),
        }
    }

    #[inline(always)]
    pub fn op_not(&self, x: Value) -> Value {
        Value::Bool(!self.op_truth(x))
    }

    /// The truth of a condition register (`jika`, `selama`, `dan`/`atau`).
    #[inline(always)]
    pub fn op_truth(&self, x: Value) -> bool {
        match fast::truth(x) {
            Some(b) => b,
            None => self.truthy(x),
        }
    }

    /// `x == y`; the slow path may fail on data nested too deep or out of
    /// budget.
    #[inline]
    pub fn op_equal(&self, x: Value, y: Value) -> RtResult<bool> {
        match fast::equal(x, y) {
            Some(b) => Ok(b),
            None => self.values_equal(x, y),
        }
    }

    #[inline]
    pub fn op_equal_imm(&self, x: Value, imm: i16) -> RtResult<bool> {
        match fast::equal_imm(x, imm) {
            Some(b) => Ok(b),
            None => self.values_equal(x, Value::Int(imm as i64)),
        }
    }
}
