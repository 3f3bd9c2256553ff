//! The value type: a 16-byte tagged enum. Immediate values (nil, booleans,
//! small integers, floats, builtin functions) live in the enum; everything
//! else is a handle into the VM-owned heap.

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

#[derive(Clone, Copy, Debug)]
pub enum Value {
    Nil,
    Bool(bool),
    /// Integers that fit in i64; larger ones are heap `BigInt`s.
    Int(i64),
    Float(f64),
    Obj(Gc),
    /// A builtin function.
    Native(NativeId),
    /// An unset global slot. Never visible to programs: reading it raises
    /// `Global 'x' not found.`
    Undef,
}

// Hot type: keep it at two words.
const _: () = assert!(std::mem::size_of::<Value>() == 16);

impl Value {
    #[inline]
    pub fn is_nil(self) -> bool {
        matches!(self, Value::Nil)
    }

    #[inline]
    pub fn as_obj(self) -> Option<Gc> {
        match self {
            Value::Obj(g) => Some(g),
            _ => None,
        }
    }

    /// Identity comparison (same immediate value or same heap object).
    pub fn same(self, other: Value) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) | (Value::Undef, Value::Undef) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a.to_bits() == b.to_bits(),
            (Value::Obj(a), Value::Obj(b)) => a == b,
            (Value::Native(a), Value::Native(b)) => a == b,
            _ => false,
        }
    }
}
