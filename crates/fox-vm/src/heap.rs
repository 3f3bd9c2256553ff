//! The VM-owned heap: an object table indexed by `Gc` handles with a free
//! list, a precise mark-and-sweep collector, and byte accounting. The VM
//! supplies the roots; collection only happens at safe points where every
//! live value is in a register, a global or another root, so cycles are
//! freed.
//!
//! Bytes: every object is charged its table slot plus its payload
//! (`Object::heap_bytes`) when it is allocated; growth of an existing
//! object (a list's `tambah`, a new dict key, a new instance field) goes
//! through the helpers here, which charge it and refuse it — before
//! allocating — when the heap would pass its limit. Sweeping drops the
//! charge of what it frees: a collection recomputes the live bytes exactly
//! while tracing. A collection is due once the bytes charged since the last
//! one pass a step that grows with the live heap and never exceeds half of
//! what is left below the limit, so garbage alone cannot reach the limit.
//! The object table grows at collections (and before builtins that make
//! many objects), where the copy growing makes is checked too; objects
//! between two safe points never have to grow it.

use crate::dict::HashKey;
use crate::memory::{grow_dict, grow_vec, MemError, MAX_LIST_LEN};
use crate::object::Object;
use crate::value::V;
use crate::value::{Gc, Value};
use std::mem::size_of;

/// Bytes charged for any object: its table slot, its mark and its place in
/// the collector's gray stack.
pub const SLOT_BYTES: usize = size_of::<Object>() + 8;
/// The header of a text's shared buffer (`Rc<str>`: two counts).
pub const RC_TEXT_BYTES: usize = 2 * size_of::<usize>();
/// The smallest step between collections (also the old 200,000-object
/// trigger: 200,000 small objects are about this many bytes).
const MIN_STEP: usize = 8 << 20;
/// The step never shrinks below this, even right at the limit (a
/// collection per few hundred KiB allocated is the most the collector
/// does).
const FLOOR_STEP: usize = 256 << 10;
/// Bytes of one slot of the object table.
const TABLE_SLOT: usize = size_of::<Object>();
/// With fewer free slots than this left after a collection, and no room
/// to grow the table, the heap is full.
const FLOOR_SLOTS: usize = 1024;

pub struct Heap {
    objects: Vec<Object>,
    marks: Vec<bool>,
    free_head: Option<u32>,
    /// Live objects (counted up by allocation, exact after a collection).
    live: usize,
    /// Bytes charged: every object in the table (garbage too, until it is
    /// swept) plus the VM's memory outside objects as of the last
    /// collection.
    pub(crate) bytes: usize,
    /// Collect at the next safe point once `bytes` reaches this.
    pub(crate) gc_at: usize,
    /// Bytes found live by the last collection.
    live_bytes: usize,
    /// The byte limit (`usize::MAX` = unlimited).
    limit: usize,
    /// The last collection could not make room in the object table for
    /// the next step (the heap is full).
    table_full: bool,
    gray: Vec<u32>,
    /// Maximum number of live objects (0 = unlimited).
    pub max_objects: usize,
    pub collections: u64,
}

impl Heap {
    /// A heap with at most `max_objects` live objects and `max_bytes`
    /// bytes (0 = unlimited, for both).
    pub fn new(max_objects: usize, max_bytes: usize) -> Heap {
        let limit = if max_bytes == 0 {
            usize::MAX
        } else {
            max_bytes
        };
        let mut h = Heap {
            objects: Vec::with_capacity(1024),
            marks: Vec::new(),
            free_head: None,
            live: 0,
            bytes: 0,
            gc_at: 0,
            live_bytes: 0,
            limit,
            table_full: false,
            gray: Vec::new(),
            max_objects,
            collections: 0,
        };
        h.gc_at = h.next_trigger(0);
        h
    }

    // The size is computed where the object is made (always inlined), so
    // it folds to a constant or a length read there.
    #[inline(always)]
    pub fn alloc(&mut self, obj: Object) -> Gc {
        let n = obj.heap_bytes();
        self.alloc_sized(obj, n)
    }

    /// Allocate `obj`, which takes `bytes` bytes (`obj.heap_bytes()`).
    #[inline]
    pub fn alloc_sized(&mut self, obj: Object, bytes: usize) -> Gc {
        self.bytes += bytes;
        self.live += 1;
        if let Some(i) = self.free_head {
            let slot = &mut self.objects[i as usize];
            self.free_head = match slot {
                Object::Free(next) if *next != u32::MAX => Some(*next),
                _ => None,
            };
            *slot = obj;
            Gc(i)
        } else {
            self.objects.push(obj);
            Gc((self.objects.len() - 1) as u32)
        }
    }

    /// Put `obj` in the slot of `g` (a placeholder being filled in),
    /// charging the difference.
    pub fn replace(&mut self, g: Gc, obj: Object) {
        let slot = &mut self.objects[g.0 as usize];
        let old = slot.heap_bytes();
        self.bytes = (self.bytes + obj.heap_bytes()).saturating_sub(old);
        *slot = obj;
    }

    #[inline]
    pub fn get(&self, g: Gc) -> &Object {
        &self.objects[g.0 as usize]
    }

    #[inline]
    pub fn get_mut(&mut self, g: Gc) -> &mut Object {
        &mut self.objects[g.0 as usize]
    }

    /// Should the VM collect at its next safe point?
    #[inline]
    pub fn wants_gc(&self) -> bool {
        self.bytes >= self.gc_at
    }

    /// Every object in the heap (free slots included).
    pub fn objects(&self) -> impl Iterator<Item = &Object> {
        self.objects.iter()
    }

    pub fn live(&self) -> usize {
        self.live
    }

    /// Bytes charged now (garbage included until the next collection).
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Bytes found live by the last collection.
    pub fn live_bytes(&self) -> usize {
        self.live_bytes
    }

    /// The byte limit (0 = unlimited).
    pub fn max_bytes(&self) -> usize {
        if self.limit == usize::MAX {
            0
        } else {
            self.limit
        }
    }

    /// Is there room for `n` more bytes? Checked before big allocations.
    #[inline]
    pub fn check(&self, n: usize) -> Result<(), MemError> {
        if n > self.limit.saturating_sub(self.bytes) {
            return Err(MemError::Heap { limit: self.limit });
        }
        Ok(())
    }

    /// Charge `n` bytes an object grew by (already checked, or small).
    #[inline]
    pub fn charge(&mut self, n: usize) {
        self.bytes = self.bytes.saturating_add(n);
    }

    /// After a collection: is the heap still over one of its limits?
    pub fn over_limit(&self) -> Option<MemError> {
        if self.max_objects != 0 && self.live > self.max_objects {
            return Some(MemError::Objects(self.max_objects));
        }
        if self.bytes > self.limit || self.table_full {
            return Some(MemError::Heap { limit: self.limit });
        }
        None
    }

    /// Room in the object table for `n` more objects (checked before a
    /// builtin makes many at once). Growing the table copies its used part
    /// beside the old one, so that copy must fit below the limit.
    pub fn reserve_objects(&mut self, n: usize) -> Result<(), MemError> {
        let free = self.objects.len() - self.live.min(self.objects.len());
        let spare = self.objects.capacity() - self.objects.len();
        if free + spare >= n {
            return Ok(());
        }
        let copy = self.objects.len() * TABLE_SLOT;
        if copy > self.limit.saturating_sub(self.bytes) {
            return Err(MemError::Heap { limit: self.limit });
        }
        let more = (n - free).max(self.objects.capacity() / 2);
        self.objects
            .try_reserve_exact(more)
            .or_else(|_| self.objects.try_reserve_exact(n - free))
            .map_err(|_| MemError::Alloc(n.saturating_mul(TABLE_SLOT)))
    }

    /// After a collection: room in the object table for everything the
    /// next step can allocate (each object is charged at least
    /// `SLOT_BYTES`), made now — where growing the table, a copy, is
    /// checked against the limit — rather than in the middle of the step.
    /// When it cannot grow that far the next collection comes when the
    /// free slots run out; with almost none left the heap is full.
    fn reserve_table(&mut self) {
        let want = (self.gc_at.saturating_sub(self.bytes) / SLOT_BYTES).saturating_add(1);
        if self.reserve_objects(want).is_ok() {
            self.table_full = false;
            return;
        }
        let free = self.objects.len() - self.live.min(self.objects.len());
        let room = free + (self.objects.capacity() - self.objects.len());
        self.gc_at = self
            .gc_at
            .min(self.bytes.saturating_add(room.saturating_mul(SLOT_BYTES)));
        self.table_full = room < FLOOR_SLOTS;
    }

    /// Push `v` onto list `g` (nothing if `g` is not a list).
    #[inline]
    pub fn list_push(&mut self, g: Gc, v: Value) -> Result<(), MemError> {
        if let Object::List(l) = &mut self.objects[g.0 as usize] {
            if l.len() == l.capacity() {
                grow_vec(l, 1, &mut self.bytes, self.limit, MAX_LIST_LEN)?;
            }
            l.push(v);
        }
        Ok(())
    }

    /// Make room in list `g` for `additional` more items.
    pub fn list_reserve(&mut self, g: Gc, additional: usize) -> Result<(), MemError> {
        if let Object::List(l) = &mut self.objects[g.0 as usize] {
            grow_vec(l, additional, &mut self.bytes, self.limit, MAX_LIST_LEN)?;
        }
        Ok(())
    }

    /// Insert into dict `g` (nothing if `g` is not a dict), charging the
    /// table's growth and refusing it past the limit.
    #[inline(always)]
    pub fn dict_insert(
        &mut self,
        g: Gc,
        hk: HashKey,
        key: Value,
        v: Value,
    ) -> Result<(), MemError> {
        if let Object::Dict(d) = &mut self.objects[g.0 as usize] {
            if d.len() >= d.capacity() && !d.contains(&hk) {
                grow_dict(d, 1, &mut self.bytes, self.limit)?;
            }
            d.insert(hk, key, v);
        }
        Ok(())
    }

    /// Make room in dict `g` for `additional` more keys.
    pub fn dict_reserve(&mut self, g: Gc, additional: usize) -> Result<(), MemError> {
        if let Object::Dict(d) = &mut self.objects[g.0 as usize] {
            grow_dict(d, additional, &mut self.bytes, self.limit)?;
        }
        Ok(())
    }

    /// The step to the next collection, with `live` bytes live.
    fn next_trigger(&self, live: usize) -> usize {
        let headroom = self.limit.saturating_sub(live);
        let step = live.max(MIN_STEP).min(headroom / 2).max(FLOOR_STEP);
        live.saturating_add(step)
    }

    /// Start a collection: clear marks.
    pub fn begin_mark(&mut self) {
        self.marks.clear();
        self.marks.resize(self.objects.len(), false);
        self.gray.clear();
    }

    #[inline]
    pub fn mark_value(&mut self, v: Value) {
        if let V::Obj(g) = v.unpack() {
            self.mark(g);
        }
    }

    #[inline]
    pub fn mark(&mut self, g: Gc) {
        let i = g.0 as usize;
        if let Some(m) = self.marks.get_mut(i) {
            if !*m {
                *m = true;
                self.gray.push(g.0);
            }
        }
    }

    /// Trace everything reachable from the marked roots, then free the
    /// rest. `extra` is the VM's memory outside objects (register stack,
    /// frames, globals), counted with the live bytes.
    pub fn finish_collect(&mut self, extra: usize) {
        let objects = &self.objects;
        let marks = &mut self.marks;
        let gray = &mut self.gray;
        let mut live_bytes = extra;
        while let Some(i) = gray.pop() {
            if let Some(obj) = objects.get(i as usize) {
                live_bytes += obj.heap_bytes();
                obj.for_each_ref(|v| {
                    if let V::Obj(g) = v.unpack() {
                        if let Some(m) = marks.get_mut(g.0 as usize) {
                            if !*m {
                                *m = true;
                                gray.push(g.0);
                            }
                        }
                    }
                });
            }
        }
        let mut live = 0;
        for (i, obj) in self.objects.iter_mut().enumerate() {
            if matches!(obj, Object::Free(_)) {
                continue;
            }
            if self.marks.get(i).copied().unwrap_or(true) {
                live += 1;
            } else {
                *obj = Object::Free(self.free_head.unwrap_or(u32::MAX));
                self.free_head = Some(i as u32);
            }
        }
        // Free slots are table memory too (live objects' slots are in
        // their own charge).
        let live_bytes = live_bytes + (self.objects.len() - live) * TABLE_SLOT;
        self.live = live;
        self.live_bytes = live_bytes;
        self.bytes = live_bytes;
        self.gc_at = self.next_trigger(live_bytes);
        self.reserve_table();
        self.collections += 1;
    }
}
