//! The register stack: every frame's registers, in one allocation made
//! when the VM starts and never moved. Compiled code and the interpreter
//! loop hold raw pointers into it across operations that push frames, so
//! its address must be stable: the stack reserves its whole capacity up
//! front (zeroed memory, which the operating system provides lazily, so an
//! unused reserve costs address space, not memory) and grows its in-use
//! length inside it. Going past the capacity is an error the caller turns
//! into Morph's call-depth error, never a reallocation.
//!
//! Every access derives from the one base pointer (`as_mut_ptr` returns it
//! without passing through a reference), so a pointer the interpreter took
//! earlier stays valid while slices are borrowed and released through
//! `Deref`.

use crate::value::Value;
use std::alloc::{alloc_zeroed, dealloc, handle_alloc_error, Layout};
use std::ptr::NonNull;

/// The default capacity in slots: 16 Mi values (128 MiB of address space).
pub const DEFAULT_STACK_SLOTS: usize = 16 << 20;

/// The smallest capacity the stack settles for when the system refuses a
/// larger reservation.
const MIN_STACK_SLOTS: usize = 4096;

/// The register stack (see the module comment).
pub struct RegisterStack {
    base: NonNull<Value>,
    /// Slots in use: initialised and reachable through `Deref`.
    len: usize,
    /// Slots reserved.
    cap: usize,
}

/// The stack has no room for that many slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StackFull;

// The all-zero word is a valid value (the float 0.0), so zeroed memory is
// a stack of valid values.
const _: () = assert!(std::mem::size_of::<Value>() == 8);

impl RegisterStack {
    /// Reserve `slots` slots (fewer if the system refuses, but at least
    /// `MIN_STACK_SLOTS`) and make `initial` of them usable.
    pub fn new(slots: usize, initial: usize) -> RegisterStack {
        let mut cap = slots.max(MIN_STACK_SLOTS);
        loop {
            let layout = match Layout::array::<Value>(cap) {
                Ok(l) => l,
                Err(_) => {
                    cap /= 2;
                    continue;
                }
            };
            // SAFETY: the layout has a non-zero size (cap ≥ MIN_STACK_SLOTS).
            let ptr = unsafe { alloc_zeroed(layout) } as *mut Value;
            match NonNull::new(ptr) {
                Some(base) => {
                    let mut s = RegisterStack { base, len: 0, cap };
                    let _ = s.ensure(initial.min(cap));
                    return s;
                }
                None if cap > MIN_STACK_SLOTS => cap = (cap / 2).max(MIN_STACK_SLOTS),
                None => handle_alloc_error(layout),
            }
        }
    }

    /// Slots in use.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.len
    }

    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Slots reserved (the most `ensure` can make usable).
    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// The base of the stack. Stable for the stack's whole life.
    #[inline(always)]
    pub fn as_mut_ptr(&mut self) -> *mut Value {
        self.base.as_ptr()
    }

    /// Make at least `need` slots usable; new slots hold nil.
    #[inline(always)]
    pub fn ensure(&mut self, need: usize) -> Result<(), StackFull> {
        if need <= self.len {
            return Ok(());
        }
        self.grow(need)
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, need: usize) -> Result<(), StackFull> {
        if need > self.cap {
            return Err(StackFull);
        }
        // Grow geometrically, as a vector would, so nil-filling stays
        // amortised; the reserve never moves.
        let new_len = need.max(self.len.saturating_mul(2)).min(self.cap);
        let old_len = self.len;
        self.reserve_mut()[old_len..new_len].fill(Value::Nil);
        self.len = new_len;
        Ok(())
    }

    /// Replace the contents by `values` (restoring a snapshot), keeping
    /// the allocation.
    pub fn replace(&mut self, values: &[Value], min_len: usize) -> Result<(), StackFull> {
        let want = values.len().max(min_len);
        if want > self.cap {
            return Err(StackFull);
        }
        let all = self.reserve_mut();
        all[..values.len()].copy_from_slice(values);
        all[values.len()..want].fill(Value::Nil);
        self.len = want;
        Ok(())
    }

    /// The whole reserve as a slice.
    fn reserve_mut(&mut self) -> &mut [Value] {
        // SAFETY: `base` points to an allocation of `cap` values, all
        // initialised (zeroed memory is the float 0.0, and every later
        // write stores a value); `&mut self` makes this the only
        // reference for its lifetime.
        unsafe { std::slice::from_raw_parts_mut(self.base.as_ptr(), self.cap) }
    }
}

impl std::ops::Deref for RegisterStack {
    type Target = [Value];
    #[inline(always)]
    fn deref(&self) -> &[Value] {
        // SAFETY: the first `len ≤ cap` slots of the allocation are
        // initialised values; `&self` keeps writers out for the borrow.
        unsafe { std::slice::from_raw_parts(self.base.as_ptr(), self.len) }
    }
}

impl std::ops::DerefMut for RegisterStack {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [Value] {
        // SAFETY: as in `deref`; `&mut self` makes the borrow unique.
        unsafe { std::slice::from_raw_parts_mut(self.base.as_ptr(), self.len) }
    }
}

impl Drop for RegisterStack {
    fn drop(&mut self) {
        if let Ok(layout) = Layout::array::<Value>(self.cap) {
            // SAFETY: `base` was allocated in `new` with exactly this
            // layout and is freed only here.
            unsafe { dealloc(self.base.as_ptr() as *mut u8, layout) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_in_place_and_stops_at_its_capacity() {
        let mut s = RegisterStack::new(MIN_STACK_SLOTS, 16);
        assert_eq!(s.len(), 16);
        let before = s.as_mut_ptr();
        s[3] = Value::Int(7);
        assert!(s.ensure(1000).is_ok());
        assert_eq!(s.as_mut_ptr(), before);
        assert!(s[3] == Value::Int(7));
        assert!(s[999].is_nil());
        assert_eq!(s.ensure(MIN_STACK_SLOTS + 1), Err(StackFull));
        assert!(s.ensure(MIN_STACK_SLOTS).is_ok());
        assert_eq!(s.len(), MIN_STACK_SLOTS);
    }

    #[test]
    fn replace_keeps_the_allocation() {
        let mut s = RegisterStack::new(MIN_STACK_SLOTS, 8);
        let before = s.as_mut_ptr();
        assert!(s.replace(&[Value::Int(1), Value::Int(2)], 10).is_ok());
        assert_eq!(s.len(), 10);
        assert!(s[1] == Value::Int(2));
        assert!(s[9].is_nil());
        assert_eq!(s.as_mut_ptr(), before);
        assert_eq!(s.replace(&[], MIN_STACK_SLOTS + 1), Err(StackFull));
    }
}

/// Offsets of the fields compiled code reads.
pub mod offsets {
    /// The base pointer (`NonNull<Value>`, one pointer).
    pub const BASE: usize = std::mem::offset_of!(super::RegisterStack, base);
    /// Slots in use (usize).
    pub const LEN: usize = std::mem::offset_of!(super::RegisterStack, len);
}
