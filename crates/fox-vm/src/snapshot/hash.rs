//! Stable content hashes: of one function (what a stored value binds to)
//! and of a whole program (what a ticket was taken from). FNV-1a over a
//! canonical encoding: names as text (symbols differ between processes),
//! code and constants as postcard bytes; line positions are left out, so
//! editing a comment does not orphan stored values.

use crate::object::FuncInfo;
use fox_bytecode::{Interner, Proto};

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

pub(crate) struct Fnv(u64);

impl Fnv {
    pub fn new() -> Fnv {
        Fnv(FNV_OFFSET)
    }

    pub fn bytes(&mut self, b: &[u8]) {
        for x in b {
            self.0 ^= u64::from(*x);
            self.0 = self.0.wrapping_mul(FNV_PRIME);
        }
    }

    pub fn u64(&mut self, v: u64) {
        self.bytes(&v.to_le_bytes());
    }

    pub fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.bytes(s.as_bytes());
    }

    pub fn finish(&self) -> u64 {
        // 0 means "not computed" in FuncInfo::hash.
        self.0.max(1)
    }
}

/// Hash one prototype (children by count only: each is hashed on its own).
pub(crate) fn proto_hash(p: &Proto, interner: &Interner) -> u64 {
    let mut h = Fnv::new();
    h.str(&p.name);
    h.u64(u64::from(p.params));
    h.u64(u64::from(p.regs));
    h.u64(u64::from(p.is_generator) | u64::from(p.is_method) << 1);
    if let Ok(code) = postcard::to_allocvec(&p.code) {
        h.bytes(&code);
    }
    if let Ok(consts) = postcard::to_allocvec(&p.consts) {
        h.bytes(&consts);
    }
    if let Ok(caps) = postcard::to_allocvec(&p.captures) {
        h.bytes(&caps);
    }
    h.u64(p.names.len() as u64);
    for s in &p.names {
        h.str(interner.name(*s));
    }
    h.u64(p.protos.len() as u64);
    h.finish()
}

/// A function's hash, computed once.
pub(crate) fn func_hash(f: &FuncInfo, interner: &Interner) -> u64 {
    match f.hash.get() {
        0 => {
            let h = proto_hash(&f.proto, interner);
            f.hash.set(h);
            h
        }
        h => h,
    }
}
