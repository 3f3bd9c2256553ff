//! `FuncRef`: a copyable handle to a loaded function. This is one of the two
//! places Fox VM uses `unsafe` (the other is register access in `interp`).
//!
//! Why it pays: every call and return switches the running function, and
//! every closure creation stores one; with `Rc<FuncInfo>` each of those paid
//! a reference-count update, and the interpreter loop had to clone an `Rc`
//! to read code while mutating the VM.
//!
//! Why it is sound: `FuncInfo`s are created only by `FuncRegistry::add`,
//! which boxes them (a stable address) and keeps the box until the registry
//! is dropped; the registry is never cleared or shrunk. Every `FuncRef` is
//! stored inside the VM that owns the registry (frames, closures,
//! generators, other `FuncInfo`s), and dereferencing is crate-private, done
//! only by methods of that VM, so no `FuncRef` is read after its registry is
//! gone. Nothing is ever mutated through a `FuncRef`.

use crate::object::FuncInfo;
use std::fmt;

/// `repr(transparent)`: one pointer, which compiled code writes into the
/// frames it pushes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct FuncRef(*const FuncInfo);

impl FuncRef {
    /// The function this handle refers to.
    #[inline]
    pub(crate) fn get<'a>(self) -> &'a FuncInfo {
        // SAFETY: see the module comment: the pointee is a boxed FuncInfo
        // owned by the registry of the VM that holds this handle, which
        // outlives every use inside that VM and never moves or frees it.
        unsafe { &*self.0 }
    }
}

impl FuncRef {
    /// The function's address (what compiled code stores in frames).
    pub(crate) fn addr(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Debug for FuncRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FuncRef({})", self.get().proto.name)
    }
}

/// Owner of every loaded function of one VM.
#[derive(Default)]
pub struct FuncRegistry {
    // The boxes give every FuncInfo a stable address while the Vec grows.
    #[allow(clippy::vec_box)]
    funcs: Vec<Box<FuncInfo>>,
}

impl FuncRegistry {
    pub fn add(&mut self, info: FuncInfo) -> FuncRef {
        let boxed = Box::new(info);
        let r = FuncRef(&*boxed as *const FuncInfo);
        self.funcs.push(boxed);
        r
    }

    pub fn iter(&self) -> impl Iterator<Item = &FuncInfo> {
        self.funcs.iter().map(|b| &**b)
    }

    pub fn len(&self) -> usize {
        self.funcs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.funcs.is_empty()
    }
}
