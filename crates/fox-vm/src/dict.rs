//! Insertion-ordered dictionaries keyed like Python's: numerically equal
//! keys (`1`, `1.0`, `benar`) are the same key, strings by content, instances
//! and other objects by identity. Lists, dicts and variants are unhashable.

use crate::value::Value;
use indexmap::IndexMap;
use num_bigint::BigInt;
use rustc_hash::FxBuildHasher;
use std::rc::Rc;

/// The hashable identity of a key value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum HashKey {
    Nil,
    Int(i64),
    /// A non-integral float, by bits (NaN by identity of bits).
    Float(u64),
    Big(Box<BigInt>),
    Str(StrKey),
    /// Identity-hashed heap object or builtin function.
    Obj(u32),
    Native(u32),
}

/// A text key with its hash computed once (texts cache it).
#[derive(Clone, Debug)]
pub struct StrKey {
    pub hash: u64,
    pub text: Rc<str>,
}

impl PartialEq for StrKey {
    fn eq(&self, other: &StrKey) -> bool {
        self.hash == other.hash && self.text == other.text
    }
}

impl Eq for StrKey {}

impl std::hash::Hash for StrKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// The hash of a text key (the same for every way a key is made).
pub fn text_hash(s: &str) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = FxBuildHasher.build_hasher();
    h.write(s.as_bytes());
    h.finish()
}

impl HashKey {
    /// The key of a text.
    pub fn text(text: Rc<str>) -> HashKey {
        HashKey::Str(StrKey {
            hash: text_hash(&text),
            text,
        })
    }
}

#[derive(Debug, Default)]
pub struct Dict {
    map: IndexMap<HashKey, (Value, Value), FxBuildHasher>,
}

impl Dict {
    pub fn new() -> Dict {
        Dict::default()
    }

    pub fn with_capacity(n: usize) -> Dict {
        Dict {
            map: IndexMap::with_capacity_and_hasher(n, FxBuildHasher),
        }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Keys the table holds before it must grow.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.map.capacity()
    }

    /// Bytes a dict with room for `cap` keys takes: its box, the entries
    /// (hash, key, key value, value) and the index table (a slot and a
    /// control byte per bucket, buckets a power of two ≥ 8/7 × keys).
    pub fn bytes_for(cap: usize) -> usize {
        const ENTRY: usize = std::mem::size_of::<HashKey>() + 3 * 8;
        const INDEX: usize = 9 * 8 / 7 + 1;
        std::mem::size_of::<Dict>() + cap.saturating_mul(ENTRY + INDEX)
    }

    /// Bytes this dict takes (see [`Dict::bytes_for`]).
    #[inline]
    pub fn heap_bytes(&self) -> usize {
        Dict::bytes_for(self.map.capacity())
    }

    /// Make room for `additional` more keys; an allocation failure is an
    /// error, not an abort.
    pub fn try_reserve(&mut self, additional: usize) -> Result<(), indexmap::TryReserveError> {
        self.map.try_reserve(additional)
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    #[inline]
    pub fn get(&self, k: &HashKey) -> Option<Value> {
        self.map.get(k).map(|(_, v)| *v)
    }

    pub fn contains(&self, k: &HashKey) -> bool {
        self.map.contains_key(k)
    }

    /// Insert or overwrite; an existing entry keeps its original key value
    /// and position (as in Python).
    #[inline]
    pub fn insert(&mut self, k: HashKey, key: Value, value: Value) {
        match self.map.get_mut(&k) {
            Some(slot) => slot.1 = value,
            None => {
                self.map.insert(k, (key, value));
            }
        }
    }

    /// Remove a key, keeping the order of the others.
    pub fn remove(&mut self, k: &HashKey) -> Option<Value> {
        self.map.shift_remove(k).map(|(_, v)| v)
    }

    pub fn keys(&self) -> impl Iterator<Item = Value> + '_ {
        self.map.values().map(|(k, _)| *k)
    }

    pub fn values(&self) -> impl Iterator<Item = Value> + '_ {
        self.map.values().map(|(_, v)| *v)
    }

    pub fn entries(&self) -> impl Iterator<Item = (Value, Value)> + '_ {
        self.map.values().copied()
    }

    pub fn clear(&mut self) {
        self.map.clear();
    }

    pub fn for_each_value(&self, f: &mut impl FnMut(Value)) {
        for (k, v) in self.map.values() {
            f(*k);
            f(*v);
        }
    }

    pub fn clone_entries(&self) -> Dict {
        Dict {
            map: self.map.clone(),
        }
    }
}
