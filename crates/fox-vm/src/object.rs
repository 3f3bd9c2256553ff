//! Heap object layouts: strings, big integers, lists, dicts, classes,
//! instances, closures and cells, bound methods, variants, generators and
//! module handles.

use crate::dict::Dict;
use crate::funcref::FuncRef;
use crate::heap::{RC_TEXT_BYTES, SLOT_BYTES};
use crate::value::{Gc, Value};
use fox_bytecode::{Proto, Sym};
use num_bigint::BigInt;
use rustc_hash::FxHashMap;
use std::cell::Cell;
use std::mem::size_of;
use std::rc::Rc;

/// A loaded function prototype with its constants materialised as values.
#[derive(Debug)]
pub struct FuncInfo {
    /// The prototype, held inline so the interpreter reaches its code and
    /// frame size without another indirection.
    pub proto: Proto,
    /// `proto.consts` as values (strings and big integers live on the heap
    /// and are rooted through the VM's function registry).
    pub consts: Box<[Value]>,
    pub children: Box<[FuncRef]>,
    /// Module whose globals the code reads.
    pub module: u32,
    /// Position in its module's load order: with the module's key, the
    /// function's identity across processes (snapshots name functions so).
    pub ordinal: u32,
    /// Content hash of the prototype (0 = not computed yet): a snapshot
    /// only binds to a function whose code is the one it was taken with.
    pub hash: Cell<u64>,
    /// For each pc, the index of its `CallMethod` inline cache (u32::MAX
    /// for other instructions).
    pub cache_index: Box<[u32]>,
    /// Inline caches of the `CallMethod` instructions.
    pub method_cache: Box<[Cell<MethodCache>]>,
    /// Calls and taken loop back-edges left before the VM asks the JIT to
    /// compile this function; 0 once it has compiled code (see
    /// `jitabi::enter`).
    pub hotness: Cell<u32>,
    /// The compiled code, once the JIT compiled this function.
    pub jit: Cell<Option<crate::jitabi::JitCode>>,
    /// For each pc, the index of its `Call` direct-call cache (u32::MAX
    /// for other instructions).
    pub call_index: Box<[u32]>,
    /// The direct-call caches of the `Call` instructions.
    pub call_cache: Box<[crate::jitabi::CallCache]>,
    /// `call_cache`'s address, which compiled code reads (the boxed slice
    /// never moves).
    pub call_cache_addr: usize,
    /// For each pc, whether compiled code may be entered there
    /// (`fox_bytecode::entries`).
    pub jit_entries: Box<[bool]>,
}

/// A polymorphic inline cache: for receivers of class `classes[k]`, the
/// method is the closure `methods[k]`. Valid only while the VM's method
/// epoch is `epoch` (bumped by every class change and every collection,
/// since handles are reused after a sweep).
#[derive(Clone, Copy, Debug)]
pub struct MethodCache {
    pub epoch: u32,
    pub classes: [u32; 4],
    pub methods: [u32; 4],
}

impl MethodCache {
    pub const EMPTY: MethodCache = MethodCache {
        epoch: 0,
        classes: [u32::MAX; 4],
        methods: [0; 4],
    };

    #[inline]
    pub fn lookup(&self, epoch: u32, class: u32) -> Option<u32> {
        if self.epoch != epoch {
            return None;
        }
        (0..4)
            .find(|&k| self.classes[k] == class)
            .map(|k| self.methods[k])
    }

    /// Add an entry, evicting the oldest when full.
    pub fn insert(&mut self, epoch: u32, class: u32, method: u32) {
        if self.epoch != epoch {
            *self = MethodCache::EMPTY;
            self.epoch = epoch;
        }
        self.classes.copy_within(0..3, 1);
        self.methods.copy_within(0..3, 1);
        self.classes[0] = class;
        self.methods[0] = method;
    }
}

/// An immutable text with its hash and ASCII-ness computed once, on first
/// use (dictionary keys and indexing ask for them repeatedly).
#[derive(Debug)]
pub struct Text {
    pub text: Rc<str>,
    /// 0 = not computed yet (a real hash of 0 is just recomputed).
    hash: Cell<u64>,
    /// 0 = unknown, 1 = ASCII, 2 = not ASCII.
    ascii: Cell<u8>,
}

impl Text {
    pub fn new(text: Rc<str>) -> Text {
        Text {
            text,
            hash: Cell::new(0),
            ascii: Cell::new(0),
        }
    }

    #[inline]
    pub fn hash(&self) -> u64 {
        match self.hash.get() {
            0 => {
                let h = crate::dict::text_hash(&self.text);
                self.hash.set(h);
                h
            }
            h => h,
        }
    }

    /// Is every character ASCII (so byte and character positions agree)?
    #[inline]
    pub fn is_ascii(&self) -> bool {
        match self.ascii.get() {
            1 => true,
            2 => false,
            _ => {
                let a = self.text.is_ascii();
                self.ascii.set(if a { 1 } else { 2 });
                a
            }
        }
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

#[derive(Debug)]
pub struct Class {
    pub name: Rc<str>,
    pub parent: Option<Gc>,
    /// Own and inherited methods (inherited ones copied at creation).
    pub methods: FxHashMap<Sym, Value>,
}

#[derive(Debug)]
pub struct Instance {
    pub class: Gc,
    pub fields: Vec<(Sym, Value)>,
}

impl Instance {
    #[inline]
    pub fn get(&self, name: Sym) -> Option<Value> {
        self.fields
            .iter()
            .find(|(s, _)| *s == name)
            .map(|(_, v)| *v)
    }

    /// Set a field; returns the bytes the field table grew by (to charge
    /// to the heap).
    #[inline]
    pub fn set(&mut self, name: Sym, v: Value) -> usize {
        if let Some(slot) = self.fields.iter_mut().find(|(s, _)| *s == name) {
            slot.1 = v;
            0
        } else {
            let before = self.fields.capacity();
            self.fields.push((name, v));
            (self.fields.capacity() - before) * size_of::<(Sym, Value)>()
        }
    }
}

#[derive(Debug)]
pub struct Closure {
    pub func: FuncRef,
    /// Cells captured from enclosing frames.
    pub captures: Box<[Gc]>,
    /// For methods: the class that defines them (for `induk`).
    pub home_class: Option<Gc>,
}

#[derive(Debug, Clone, Copy)]
pub enum BoundTarget {
    /// A closure (method) value.
    Func(Value),
    /// A builtin method of a builtin type, by name.
    Builtin(Sym),
}

#[derive(Debug)]
pub struct BoundMethod {
    pub recv: Value,
    pub target: BoundTarget,
}

#[derive(Debug)]
pub struct Variant {
    pub name: Sym,
    pub fields: Vec<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenState {
    Fresh,
    Suspended,
    Running,
    Done,
}

/// An exception handler saved with a suspended generator.
#[derive(Debug, Clone, Copy)]
pub struct SavedHandler {
    pub target: u32,
    pub reg: u16,
}

#[derive(Debug)]
pub struct Generator {
    pub closure: Gc,
    pub regs: Vec<Value>,
    pub pc: u32,
    pub state: GenState,
    pub handlers: Vec<SavedHandler>,
}

/// A running `alur` pipeline: its steps, where it is, the value flowing
/// between steps, and "process 0" — every module's globals as they were
/// when `alur` was called, which each step starts from (as a deep copy).
#[derive(Debug)]
pub struct Pipeline {
    pub name: Rc<str>,
    pub steps: Vec<Value>,
    /// The step running, or to run next (0-based).
    pub next: u32,
    /// The first step's input (`masukan`); later steps get the previous
    /// step's result from the store.
    pub input: Value,
    /// Globals of modules `0..lens.len()`, concatenated.
    pub originals: Vec<Value>,
    /// How many globals each module had.
    pub lens: Vec<u32>,
}

#[derive(Debug)]
pub enum Object {
    /// A free slot; the payload links the free list.
    Free(u32),
    Str(Text),
    BigInt(Box<BigInt>),
    List(Vec<Value>),
    Dict(Box<Dict>),
    Class(Box<Class>),
    Instance(Instance),
    Closure(Closure),
    Cell(Value),
    BoundMethod(Box<BoundMethod>),
    VariantCtor {
        name: Sym,
        arity: u16,
    },
    Variant(Box<Variant>),
    Generator(Box<Generator>),
    Module(u32),
    Pipeline(Box<Pipeline>),
    /// A host resource (a network connection); see `resource`.
    Resource(Box<crate::resource::Resource>),
    /// An immutable byte string (`bytes`): what `_backend` and the host
    /// modules return for binary data.
    Bytes(Box<[u8]>),
}

const _: () = assert!(std::mem::size_of::<Object>() <= 40);

impl Object {
    /// The bytes this object takes: its table slot plus what it owns
    /// outside the slot (capacities, not lengths). Charged to the heap when
    /// the object is allocated; a collection sums it over the live objects.
    #[inline(always)]
    pub fn heap_bytes(&self) -> usize {
        SLOT_BYTES
            + match self {
                Object::Free(_)
                | Object::Module(_)
                | Object::VariantCtor { .. }
                | Object::Cell(_) => 0,
                Object::Str(t) => RC_TEXT_BYTES + t.text.len(),
                Object::BigInt(b) => size_of::<BigInt>() + (b.bits() as usize).div_ceil(64) * 8,
                Object::List(l) => l.capacity() * size_of::<Value>(),
                Object::Dict(d) => d.heap_bytes(),
                Object::Class(c) => {
                    size_of::<Class>() + c.methods.capacity() * (size_of::<(Sym, Value)>() + 1)
                }
                Object::Instance(i) => i.fields.capacity() * size_of::<(Sym, Value)>(),
                Object::Closure(c) => c.captures.len() * size_of::<Gc>(),
                Object::BoundMethod(_) => size_of::<BoundMethod>(),
                Object::Resource(_) => size_of::<crate::resource::Resource>(),
                Object::Bytes(b) => b.len(),
                Object::Variant(v) => {
                    size_of::<Variant>() + v.fields.capacity() * size_of::<Value>()
                }
                Object::Generator(g) => {
                    size_of::<Generator>()
                        + g.regs.capacity() * size_of::<Value>()
                        + g.handlers.capacity() * size_of::<SavedHandler>()
                }
                Object::Pipeline(p) => {
                    size_of::<Pipeline>()
                        + (p.steps.capacity() + p.originals.capacity()) * size_of::<Value>()
                        + p.lens.capacity() * 4
                }
            }
    }

    /// Call `f` on every value this object references.
    pub fn for_each_ref(&self, mut f: impl FnMut(Value)) {
        match self {
            Object::Free(_)
            | Object::Str(_)
            | Object::BigInt(_)
            | Object::Module(_)
            | Object::Bytes(_)
            | Object::Resource(_) => {}
            Object::VariantCtor { .. } => {}
            Object::List(items) => items.iter().for_each(|v| f(*v)),
            Object::Dict(d) => d.for_each_value(&mut f),
            Object::Class(c) => {
                if let Some(p) = c.parent {
                    f(Value::Obj(p));
                }
                c.methods.values().for_each(|v| f(*v));
            }
            Object::Instance(i) => {
                f(Value::Obj(i.class));
                i.fields.iter().for_each(|(_, v)| f(*v));
            }
            Object::Closure(c) => {
                c.captures.iter().for_each(|g| f(Value::Obj(*g)));
                if let Some(h) = c.home_class {
                    f(Value::Obj(h));
                }
            }
            Object::Cell(v) => f(*v),
            Object::BoundMethod(b) => {
                f(b.recv);
                if let BoundTarget::Func(v) = b.target {
                    f(v);
                }
            }
            Object::Variant(v) => v.fields.iter().for_each(|x| f(*x)),
            Object::Generator(g) => {
                f(Value::Obj(g.closure));
                g.regs.iter().for_each(|v| f(*v));
            }
            Object::Pipeline(p) => {
                p.steps.iter().for_each(|v| f(*v));
                f(p.input);
                p.originals.iter().for_each(|v| f(*v));
            }
        }
    }
}
