//! `SlotStack`: the frame stack and the handler stack. A vector whose
//! buffer address, length and initialised size are plain fields at fixed
//! offsets (`jitabi::offsets`), so compiled code can push and pop frames
//! and read the handler count without calling into the runtime.
//!
//! Every slot of the buffer holds a valid `T` — the live entries below
//! `len` and stale ones above it, left by earlier pops — so popping is
//! lowering `len` and compiled code pushes by writing every field of a
//! stale slot below `cap` and raising `len`, with no uninitialised memory anywhere; the only
//! `unsafe` skips the bounds check of `Deref` (the interpreter reads the
//! top frame on every call and return). Rust code sees only the live
//! entries (`Deref` to `[T]`). The buffer moves when a push grows it;
//! compiled code reloads `addr` after anything that can push.

use std::ops::{Deref, DerefMut};

pub struct SlotStack<T: Copy> {
    /// Address of `slots`' buffer.
    addr: usize,
    /// Live entries; never more than `slots.len()`.
    len: usize,
    /// `slots.len()`, for compiled code (which pushes only below it).
    cap: usize,
    /// Every slot initialised: the live entries, then stale ones.
    slots: Vec<T>,
}

impl<T: Copy> Default for SlotStack<T> {
    fn default() -> Self {
        SlotStack::new()
    }
}

impl<T: Copy> SlotStack<T> {
    pub fn new() -> SlotStack<T> {
        let slots = Vec::new();
        SlotStack {
            addr: slots.as_ptr() as usize,
            len: 0,
            cap: 0,
            slots,
        }
    }

    /// Live entries.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.len
    }

    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes of the buffer (for heap accounting).
    pub fn capacity(&self) -> usize {
        self.slots.capacity()
    }

    #[inline(always)]
    pub fn push(&mut self, v: T) {
        match self.slots.get_mut(self.len) {
            Some(slot) => *slot = v,
            None => self.grow(v),
        }
        self.len += 1;
    }

    /// Push an entry written field by field into a stale slot by `set`
    /// (no temporary copied in: a frame built on the stack and copied as
    /// whole words stalls store forwarding), or `make()` when the buffer
    /// has to grow. `set` must write every field.
    #[inline(always)]
    pub fn push_in_place(&mut self, set: impl FnOnce(&mut T), make: impl FnOnce() -> T) {
        match self.slots.get_mut(self.len) {
            Some(slot) => set(slot),
            None => self.grow(make()),
        }
        self.len += 1;
    }

    #[inline(never)]
    fn grow(&mut self, v: T) {
        self.slots.truncate(self.len);
        self.slots.push(v);
        self.cap = self.slots.len();
        self.addr = self.slots.as_ptr() as usize;
    }

    #[inline(always)]
    pub fn pop(&mut self) -> Option<T> {
        let n = self.len.checked_sub(1)?;
        self.len = n;
        self.slots.get(n).copied()
    }

    pub fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Keep the live entries `keep` accepts, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        let mut n = 0;
        for i in 0..self.len {
            let v = self.slots[i];
            if keep(&v) {
                self.slots[n] = v;
                n += 1;
            }
        }
        self.len = n;
    }
}

impl<T: Copy> From<Vec<T>> for SlotStack<T> {
    fn from(slots: Vec<T>) -> SlotStack<T> {
        SlotStack {
            addr: slots.as_ptr() as usize,
            len: slots.len(),
            cap: slots.len(),
            slots,
        }
    }
}

impl<T: Copy> Deref for SlotStack<T> {
    type Target = [T];

    #[inline(always)]
    fn deref(&self) -> &[T] {
        // SAFETY: `len <= slots.len()` always: every method keeps it, and
        // compiled code only lowers `len` (popping a frame it is inside).
        unsafe { self.slots.get_unchecked(..self.len) }
    }
}

impl<T: Copy> DerefMut for SlotStack<T> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: as in `deref`.
        unsafe { self.slots.get_unchecked_mut(..self.len) }
    }
}

impl<'a, T: Copy> IntoIterator for &'a SlotStack<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Offsets of the fields compiled code reads and writes.
pub mod offsets {
    use super::SlotStack;
    use std::mem::offset_of;

    /// The buffer's address (usize).
    pub const fn addr<T: Copy>() -> usize {
        offset_of!(SlotStack<T>, addr)
    }

    /// Live entries (usize).
    pub const fn len<T: Copy>() -> usize {
        offset_of!(SlotStack<T>, len)
    }

    /// Initialised slots (usize).
    pub const fn cap<T: Copy>() -> usize {
        offset_of!(SlotStack<T>, cap)
    }
}

#[cfg(test)]
mod tests {
    use super::SlotStack;

    #[test]
    fn push_pop_keeps_stale_slots_valid() {
        let mut s: SlotStack<u32> = SlotStack::new();
        for i in 0..10 {
            s.push(i);
        }
        assert_eq!(s.len(), 10);
        assert_eq!(s.pop(), Some(9));
        s.truncate(3);
        assert_eq!(&*s, &[0, 1, 2]);
        s.push(7);
        assert_eq!(&*s, &[0, 1, 2, 7]);
        s.retain(|v| v % 2 == 0);
        assert_eq!(&*s, &[0, 2]);
        s.clear();
        assert_eq!(s.pop(), None);
    }
}
