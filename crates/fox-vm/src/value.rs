//! The value type: one NaN-boxed 64-bit word. A float is stored as itself
//! (every NaN canonicalised to one quiet NaN); every other value lives in
//! the negative quiet-NaN space, a 16-bit tag above a 48-bit payload:
//! integers in ±2^47 (larger ones are heap big integers), heap handles,
//! builtin ids, booleans, nil and the internal "unset global" marker.
//!
//! Why one word: registers, globals, list items and fields are read and
//! written as single 8-byte loads and stores. The earlier 16-byte enum was
//! copied with mismatched widths (a tag byte, then the payload; then a
//! 16-byte copy), which defeated store-to-load forwarding on every call and
//! return.

use std::fmt;

/// A handle to a heap object (an index into the heap's object table).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gc(pub u32);

impl fmt::Debug for Gc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Index of a builtin function in the native registry.
pub type NativeId = u32;

const TAG_MASK: u64 = 0xFFFF_0000_0000_0000;
const PAYLOAD_MASK: u64 = 0x0000_FFFF_FFFF_FFFF;
/// The top 13 bits all set: the tagged (non-float) space.
const BOXED: u64 = 0xFFF8_0000_0000_0000;
const TAG_INT: u64 = 0xFFF9_0000_0000_0000;
const TAG_OBJ: u64 = 0xFFFA_0000_0000_0000;
const TAG_NATIVE: u64 = 0xFFFB_0000_0000_0000;
const TAG_BOOL: u64 = 0xFFFC_0000_0000_0000;
const TAG_NIL: u64 = 0xFFFD_0000_0000_0000;
const TAG_UNDEF: u64 = 0xFFFE_0000_0000_0000;
const CANONICAL_NAN: u64 = 0x7FF8_0000_0000_0000;

/// The encoding's constants, for code that builds and tests value words
/// itself (the JIT, see `jitabi`).
pub mod encoding {
    /// The top 16 bits: the tag of a non-float value.
    pub const TAG_MASK: u64 = super::TAG_MASK;
    /// The low 48 bits: an inline integer or a handle.
    pub const PAYLOAD_MASK: u64 = super::PAYLOAD_MASK;
    /// The top 13 bits all set: not a float.
    pub const BOXED: u64 = super::BOXED;
    pub const TAG_INT: u64 = super::TAG_INT;
    pub const TAG_OBJ: u64 = super::TAG_OBJ;
    pub const TAG_BOOL: u64 = super::TAG_BOOL;
    pub const NIL: u64 = super::TAG_NIL;
    pub const TRUE: u64 = super::TAG_BOOL | 1;
    pub const FALSE: u64 = super::TAG_BOOL;
    /// The one NaN floats are stored as.
    pub const CANONICAL_NAN: u64 = super::CANONICAL_NAN;
    pub const INT_MIN: i64 = super::INT_MIN;
    pub const INT_MAX: i64 = super::INT_MAX;
}

/// Smallest and largest integers stored inline.
pub const INT_MIN: i64 = -(1 << 47);
pub const INT_MAX: i64 = (1 << 47) - 1;

/// A Morph value (see the module comment for the encoding).
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(transparent)]
pub struct Value(u64);

// Hot type: one machine word.
const _: () = assert!(std::mem::size_of::<Value>() == 8);

/// A value unpacked for matching.
#[derive(Clone, Copy, Debug)]
pub enum V {
    Nil,
    Bool(bool),
    /// An inline integer (|i| < 2^47); larger ones are `Obj` big integers.
    Int(i64),
    Float(f64),
    Obj(Gc),
    /// A builtin function.
    Native(NativeId),
    /// An unset global slot (never visible to programs).
    Undef,
}

#[allow(non_upper_case_globals, non_snake_case)]
impl Value {
    pub const Nil: Value = Value(TAG_NIL);
    pub const Undef: Value = Value(TAG_UNDEF);
    pub const TRUE: Value = Value(TAG_BOOL | 1);
    pub const FALSE: Value = Value(TAG_BOOL);

    /// Does `i` fit an inline integer?
    #[inline(always)]
    pub const fn fits_int(i: i64) -> bool {
        i >= INT_MIN && i <= INT_MAX
    }

    /// An inline integer. Precondition: `fits_int(i)` — callers with
    /// possibly larger values use `Vm::int`, which boxes them.
    #[inline(always)]
    pub const fn Int(i: i64) -> Value {
        debug_assert!(Value::fits_int(i));
        Value(TAG_INT | (i as u64 & PAYLOAD_MASK))
    }

    /// An inline integer, or `None` when it does not fit.
    #[inline(always)]
    pub const fn small_int(i: i64) -> Option<Value> {
        if Value::fits_int(i) {
            Some(Value(TAG_INT | (i as u64 & PAYLOAD_MASK)))
        } else {
            None
        }
    }

    #[inline(always)]
    pub fn Float(f: f64) -> Value {
        if f.is_nan() {
            Value(CANONICAL_NAN)
        } else {
            Value(f.to_bits())
        }
    }

    #[inline(always)]
    pub const fn Bool(b: bool) -> Value {
        Value(TAG_BOOL | b as u64)
    }

    #[inline(always)]
    pub const fn Obj(g: Gc) -> Value {
        Value(TAG_OBJ | g.0 as u64)
    }

    #[inline(always)]
    pub const fn Native(id: NativeId) -> Value {
        Value(TAG_NATIVE | id as u64)
    }

    #[inline(always)]
    pub fn unpack(self) -> V {
        let b = self.0;
        if b & BOXED != BOXED {
            return V::Float(f64::from_bits(b));
        }
        match b & TAG_MASK {
            TAG_INT => V::Int(((b << 16) as i64) >> 16),
            TAG_OBJ => V::Obj(Gc(b as u32)),
            TAG_NATIVE => V::Native(b as u32),
            TAG_BOOL => V::Bool(b & 1 != 0),
            TAG_NIL => V::Nil,
            _ => V::Undef,
        }
    }

    #[inline(always)]
    pub fn is_nil(self) -> bool {
        self.0 == TAG_NIL
    }

    #[inline(always)]
    pub fn is_undef(self) -> bool {
        self.0 == TAG_UNDEF
    }

    #[inline(always)]
    pub fn as_int(self) -> Option<i64> {
        if self.0 & TAG_MASK == TAG_INT {
            Some(((self.0 << 16) as i64) >> 16)
        } else {
            None
        }
    }

    #[inline(always)]
    pub fn as_float(self) -> Option<f64> {
        if self.0 & BOXED != BOXED {
            Some(f64::from_bits(self.0))
        } else {
            None
        }
    }

    #[inline(always)]
    pub fn as_bool(self) -> Option<bool> {
        if self.0 & TAG_MASK == TAG_BOOL {
            Some(self.0 & 1 != 0)
        } else {
            None
        }
    }

    #[inline(always)]
    pub fn as_obj(self) -> Option<Gc> {
        if self.0 & TAG_MASK == TAG_OBJ {
            Some(Gc(self.0 as u32))
        } else {
            None
        }
    }

    /// Identity comparison (same immediate value or same heap object);
    /// floats by bits.
    #[inline]
    pub fn same(self, other: Value) -> bool {
        self.0 == other.0
    }

    /// The raw encoding (for hashing identities and snapshots).
    #[inline]
    pub fn bits(self) -> u64 {
        self.0
    }

    /// `bits` in constant expressions.
    pub const fn bits_const(self) -> u64 {
        self.0
    }

    /// The value whose encoding is `word`, as compiled code hands it over
    /// (read from a register: a value the VM wrote).
    #[inline(always)]
    pub(crate) fn from_word(word: u64) -> Value {
        Value(word)
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.unpack())
    }
}

impl V {
    /// Pack back into a value (inverse of `Value::unpack`).
    #[inline(always)]
    pub fn pack(self) -> Value {
        match self {
            V::Nil => Value::Nil,
            V::Bool(b) => Value::Bool(b),
            V::Int(i) => Value::Int(i),
            V::Float(f) => Value::Float(f),
            V::Obj(g) => Value::Obj(g),
            V::Native(n) => Value::Native(n),
            V::Undef => Value::Undef,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for i in [0, 1, -1, 42, INT_MAX, INT_MIN, 123_456_789_012] {
            assert!(matches!(Value::Int(i).unpack(), V::Int(j) if j == i));
        }
        for f in [
            0.0,
            -0.0,
            1.5,
            -2.25,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e300,
            -1e-300,
        ] {
            assert!(matches!(Value::Float(f).unpack(), V::Float(g) if g.to_bits() == f.to_bits()));
        }
        assert!(matches!(Value::Float(f64::NAN).unpack(), V::Float(g) if g.is_nan()));
        assert!(matches!(Value::Float(-f64::NAN).unpack(), V::Float(g) if g.is_nan()));
        assert!(matches!(Value::Bool(true).unpack(), V::Bool(true)));
        assert!(matches!(Value::Nil.unpack(), V::Nil));
        assert!(matches!(Value::Undef.unpack(), V::Undef));
        assert!(matches!(Value::Obj(Gc(7)).unpack(), V::Obj(Gc(7))));
        assert!(matches!(Value::Native(3).unpack(), V::Native(3)));
        assert!(Value::small_int(INT_MAX + 1).is_none());
    }
}
