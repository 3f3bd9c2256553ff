//! The VM-owned heap: an object table indexed by `Gc` handles with a free
//! list, and a precise mark-and-sweep collector. The VM supplies the roots;
//! collection only happens at safe points where every live value is in a
//! register, a global or another root, so cycles are freed.

use crate::object::Object;
use crate::value::V;
use crate::value::{Gc, Value};

pub struct Heap {
    objects: Vec<Object>,
    marks: Vec<bool>,
    free_head: Option<u32>,
    live: usize,
    allocs_since_gc: usize,
    threshold: usize,
    gray: Vec<u32>,
    /// Maximum number of live objects (0 = unlimited).
    pub max_objects: usize,
    pub collections: u64,
}

const MIN_THRESHOLD: usize = 200_000;

impl Heap {
    pub fn new(max_objects: usize) -> Heap {
        Heap {
            objects: Vec::with_capacity(1024),
            marks: Vec::new(),
            free_head: None,
            live: 0,
            allocs_since_gc: 0,
            threshold: MIN_THRESHOLD,
            gray: Vec::new(),
            max_objects,
            collections: 0,
        }
    }

    #[inline]
    pub fn alloc(&mut self, obj: Object) -> Gc {
        self.allocs_since_gc += 1;
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
        self.allocs_since_gc >= self.threshold
    }

    pub fn live(&self) -> usize {
        self.live
    }

    pub fn over_limit(&self) -> bool {
        self.max_objects != 0 && self.live > self.max_objects
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

    /// Trace everything reachable from the marked roots, then free the rest.
    pub fn finish_collect(&mut self) {
        let objects = &self.objects;
        let marks = &mut self.marks;
        let gray = &mut self.gray;
        while let Some(i) = gray.pop() {
            if let Some(obj) = objects.get(i as usize) {
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
        self.live = live;
        self.allocs_since_gc = 0;
        self.threshold = (live * 2).max(MIN_THRESHOLD);
        self.collections += 1;
    }
}
