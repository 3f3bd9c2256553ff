//! The object-graph format: values and heap objects written once each
//! (Eris-style: shared references and cycles become indices into one object
//! table), with names, builtins, modules and functions referred to through
//! side tables by stable identity rather than by process-local handle.
//!
//! [`Encoder`] walks from root values with an explicit worklist (no Rust
//! recursion, so a million-deep list is fine). [`decode`] validates every
//! index and every typed reference (a closure captures cells, an instance's
//! class is a class, a generator's pc lies inside its code, …) before the
//! interpreter can see an object, so a hostile payload can only produce an
//! error, never a broken heap.

use super::SnapshotError;
use crate::dict::Dict;
use crate::funcref::FuncRef;
use crate::heap::{RC_TEXT_BYTES, SLOT_BYTES};
use crate::object::{
    BoundMethod, BoundTarget, Class, Closure, GenState, Generator, Instance, Object, Pipeline,
    SavedHandler, Text, Variant,
};
use crate::value::{Gc, Value, V};
use crate::vm::Vm;
use fox_bytecode::Sym;
use num_bigint::BigInt;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::rc::Rc;

/// A value: immediates inline, heap objects by index into `Graph::objects`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
pub(crate) enum SVal {
    Nil,
    Undef,
    Bool(bool),
    Int(i64),
    /// Float bits (NaN payloads survive).
    Float(u64),
    /// A builtin, by index into `Graph::natives` (names).
    Native(u32),
    Obj(u32),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) enum SBound {
    Func(SVal),
    /// A builtin method, by symbol.
    Builtin(u32),
}

/// A heap object; symbols index `Graph::syms`, functions `Graph::funcs`,
/// modules `Graph::modules`, objects `Graph::objects`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) enum SObj {
    Str(String),
    /// Signed little-endian two's complement bytes.
    BigInt(Vec<u8>),
    List(Vec<SVal>),
    Dict(Vec<(SVal, SVal)>),
    Class {
        name: String,
        parent: Option<u32>,
        methods: Vec<(u32, SVal)>,
        /// The module global that held the class when it was written: a
        /// later run reuses its own class of that name instead of a copy.
        home: Option<(u32, String)>,
    },
    Instance {
        class: u32,
        fields: Vec<(u32, SVal)>,
    },
    Closure {
        func: u32,
        captures: Vec<u32>,
        home_class: Option<u32>,
        /// As for classes: the module global that held this function.
        home: Option<(u32, String)>,
    },
    Cell(SVal),
    BoundMethod {
        recv: SVal,
        target: SBound,
    },
    VariantCtor {
        name: u32,
        arity: u16,
    },
    Variant {
        name: u32,
        fields: Vec<SVal>,
    },
    Generator {
        closure: u32,
        regs: Vec<SVal>,
        pc: u32,
        /// 0 fresh, 1 suspended, 2 running, 3 done.
        state: u8,
        handlers: Vec<(u32, u16)>,
    },
    Module(u32),
    Pipeline {
        name: String,
        steps: Vec<SVal>,
        next: u32,
        input: SVal,
        originals: Vec<SVal>,
        lens: Vec<u32>,
    },
    /// A host resource, restored closed (its peer kept for messages).
    Resource(String),
    Bytes(Vec<u8>),
    /// A host resource other than a connection (an open file), restored
    /// closed: its kind (`Resource::kind_tag`) and what it named.
    OtherResource {
        kind: u8,
        name: String,
    },
    /// A `hashlib` hash: plain data, restored as it was.
    Hash {
        algo: u8,
        data: Vec<u8>,
    },
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ModuleRef {
    /// `ModuleRt::key`: how another process finds the module.
    pub key: String,
    /// The module's index in the VM that wrote the graph (used when a whole
    /// VM image is restored, where module ids are preserved).
    pub id: u32,
}

/// A function's identity: its module, its position in the module's load
/// order, and a hash of its code (so a value never binds to changed code).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct FuncKey {
    pub module: u32,
    pub ordinal: u32,
    pub hash: u64,
    pub name: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct Graph {
    pub syms: Vec<String>,
    pub natives: Vec<String>,
    pub modules: Vec<ModuleRef>,
    pub funcs: Vec<FuncKey>,
    pub objects: Vec<SObj>,
}

/// How references to the outside world are resolved when decoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A whole-VM image: modules by preserved id, classes always rebuilt.
    Image,
    /// A value from another run: modules by key, classes that were module
    /// globals rebound to this run's class of the same name.
    Portable,
    /// A deep copy inside one VM: modules by id, no hash checks.
    Copy,
}

/// Writes values reachable from roots into a [`Graph`].
pub(crate) struct Encoder<'a> {
    vm: &'a Vm,
    mode: Mode,
    graph: Graph,
    ids: FxHashMap<u32, u32>,
    pending: Vec<Gc>,
    syms: FxHashMap<Sym, u32>,
    natives: FxHashMap<u32, u32>,
    modules: FxHashMap<u32, u32>,
    funcs: FxHashMap<FuncRef, u32>,
    /// Class or function object → (module id, global name) of a module
    /// global holding it; built on first use.
    homes: Option<FxHashMap<u32, (u32, Rc<str>)>>,
}

impl<'a> Encoder<'a> {
    pub fn new(vm: &'a Vm, mode: Mode) -> Encoder<'a> {
        Encoder {
            vm,
            mode,
            graph: Graph::default(),
            ids: FxHashMap::default(),
            pending: Vec::new(),
            syms: FxHashMap::default(),
            natives: FxHashMap::default(),
            modules: FxHashMap::default(),
            funcs: FxHashMap::default(),
            homes: None,
        }
    }

    pub fn value(&mut self, v: Value) -> SVal {
        match v.unpack() {
            V::Nil => SVal::Nil,
            V::Undef => SVal::Undef,
            V::Bool(b) => SVal::Bool(b),
            V::Int(i) => SVal::Int(i),
            V::Float(f) => SVal::Float(f.to_bits()),
            V::Native(id) => SVal::Native(self.native(id)),
            V::Obj(g) => SVal::Obj(self.obj(g)),
        }
    }

    pub fn obj(&mut self, g: Gc) -> u32 {
        if let Some(i) = self.ids.get(&g.0) {
            return *i;
        }
        let i = self.pending.len() as u32;
        self.ids.insert(g.0, i);
        self.pending.push(g);
        i
    }

    pub fn sym(&mut self, s: Sym) -> u32 {
        if let Some(i) = self.syms.get(&s) {
            return *i;
        }
        let i = self.graph.syms.len() as u32;
        self.graph.syms.push(self.vm.interner.name(s).to_string());
        self.syms.insert(s, i);
        i
    }

    fn native(&mut self, id: u32) -> u32 {
        if let Some(i) = self.natives.get(&id) {
            return *i;
        }
        let i = self.graph.natives.len() as u32;
        let name = crate::builtins::NATIVES
            .get(id as usize)
            .map_or("?", |n| n.name);
        self.graph.natives.push(name.to_string());
        self.natives.insert(id, i);
        i
    }

    pub fn module(&mut self, id: u32) -> u32 {
        if let Some(i) = self.modules.get(&id) {
            return *i;
        }
        let i = self.graph.modules.len() as u32;
        let key = self
            .vm
            .modules
            .get(id as usize)
            .map_or_else(String::new, |m| m.key.to_string());
        self.graph.modules.push(ModuleRef { key, id });
        self.modules.insert(id, i);
        i
    }

    pub fn func(&mut self, f: FuncRef) -> u32 {
        if let Some(i) = self.funcs.get(&f) {
            return *i;
        }
        let info = f.get();
        let module = self.module(info.module);
        let i = self.graph.funcs.len() as u32;
        self.graph.funcs.push(FuncKey {
            module,
            ordinal: info.ordinal,
            hash: super::hash::func_hash(info, &self.vm.interner),
            name: info.proto.name.to_string(),
        });
        self.funcs.insert(f, i);
        i
    }

    /// Where a class or function lives as a module global (portable mode
    /// only): a later run rebinds it to its own object of that name.
    fn home(&mut self, g: Gc) -> Option<(u32, String)> {
        if self.mode != Mode::Portable {
            return None;
        }
        if self.homes.is_none() {
            let mut homes = FxHashMap::default();
            for (id, m) in self.vm.modules.iter().enumerate() {
                for (slot, v) in m.globals.iter().enumerate() {
                    if let V::Obj(c) = v.unpack() {
                        // Functions only when they hold no state of their
                        // own (no captured cells): those are definitions.
                        let definition = match self.vm.heap.get(c) {
                            Object::Class(_) => true,
                            Object::Closure(cl) => cl.captures.is_empty(),
                            _ => false,
                        };
                        if definition {
                            if let Some(name) = m.names.get(slot) {
                                homes.entry(c.0).or_insert((id as u32, name.clone()));
                            }
                        }
                    }
                }
            }
            self.homes = Some(homes);
        }
        let (module, name) = self.homes.as_ref()?.get(&g.0)?.clone();
        Some((self.module(module), name.to_string()))
    }

    /// Write every pending object (and whatever they reach) and return the
    /// graph. Roots must all have been passed to `value`/`obj` first.
    pub fn finish(mut self) -> Graph {
        let mut next = 0;
        while next < self.pending.len() {
            let g = self.pending[next];
            let o = self.encode_object(g);
            self.graph.objects.push(o);
            next += 1;
        }
        self.graph
    }

    fn encode_object(&mut self, g: Gc) -> SObj {
        let vm = self.vm;
        match vm.heap.get(g) {
            // Unreachable in a sound heap; written as an empty cell.
            Object::Free(_) => SObj::Cell(SVal::Nil),
            Object::Str(t) => SObj::Str(t.text.to_string()),
            Object::BigInt(b) => SObj::BigInt(b.to_signed_bytes_le()),
            Object::List(items) => SObj::List(items.iter().map(|v| self.value(*v)).collect()),
            Object::Dict(d) => SObj::Dict(
                d.entries()
                    .map(|(k, v)| (self.value(k), self.value(v)))
                    .collect(),
            ),
            Object::Class(c) => {
                let mut methods: Vec<(Sym, Value)> =
                    c.methods.iter().map(|(k, v)| (*k, *v)).collect();
                // Hash-map order is not stable; the bytes should be.
                methods.sort_by(|a, b| vm.interner.name(a.0).cmp(vm.interner.name(b.0)));
                SObj::Class {
                    name: c.name.to_string(),
                    parent: c.parent.map(|p| self.obj(p)),
                    methods: methods
                        .into_iter()
                        .map(|(k, v)| (self.sym(k), self.value(v)))
                        .collect(),
                    home: self.home(g),
                }
            }
            Object::Instance(i) => SObj::Instance {
                class: self.obj(i.class),
                fields: i
                    .fields
                    .iter()
                    .map(|(k, v)| (self.sym(*k), self.value(*v)))
                    .collect(),
            },
            Object::Closure(c) => SObj::Closure {
                func: self.func(c.func),
                captures: c.captures.iter().map(|g| self.obj(*g)).collect(),
                home_class: c.home_class.map(|h| self.obj(h)),
                home: self.home(g),
            },
            Object::Cell(v) => SObj::Cell(self.value(*v)),
            Object::BoundMethod(b) => SObj::BoundMethod {
                recv: self.value(b.recv),
                target: match b.target {
                    BoundTarget::Func(f) => SBound::Func(self.value(f)),
                    BoundTarget::Builtin(s) => SBound::Builtin(self.sym(s)),
                },
            },
            Object::VariantCtor { name, arity } => SObj::VariantCtor {
                name: self.sym(*name),
                arity: *arity,
            },
            Object::Variant(v) => SObj::Variant {
                name: self.sym(v.name),
                fields: v.fields.iter().map(|x| self.value(*x)).collect(),
            },
            Object::Generator(gen) => SObj::Generator {
                closure: self.obj(gen.closure),
                regs: gen.regs.iter().map(|v| self.value(*v)).collect(),
                pc: gen.pc,
                state: match gen.state {
                    GenState::Fresh => 0,
                    GenState::Suspended => 1,
                    GenState::Running => 2,
                    GenState::Done => 3,
                },
                handlers: gen.handlers.iter().map(|h| (h.target, h.reg)).collect(),
            },
            Object::Module(id) => SObj::Module(self.module(*id)),
            Object::Resource(r) => match &**r {
                crate::resource::Resource::Hash(h) => SObj::Hash {
                    algo: h.algo.tag(),
                    data: h.data.clone(),
                },
                _ if r.kind_tag() == 0 => SObj::Resource(r.peer().to_string()),
                _ => SObj::OtherResource {
                    kind: r.kind_tag(),
                    name: r.peer().to_string(),
                },
            },
            Object::Bytes(b) => SObj::Bytes(b.to_vec()),
            Object::Pipeline(p) => SObj::Pipeline {
                name: p.name.to_string(),
                steps: p.steps.iter().map(|v| self.value(*v)).collect(),
                next: p.next,
                input: self.value(p.input),
                originals: p.originals.iter().map(|v| self.value(*v)).collect(),
                lens: p.lens.clone(),
            },
        }
    }
}

/// The result of decoding: how graph indices map to this VM.
pub(crate) struct Decoded {
    pub vals: Vec<Value>,
    pub syms: Vec<Sym>,
    pub natives: Vec<u32>,
    pub modules: Vec<u32>,
    pub funcs: Vec<FuncRef>,
}

fn bad(msg: impl Into<String>) -> SnapshotError {
    SnapshotError::Invalid(msg.into())
}

impl Decoded {
    pub fn value(&self, v: &SVal) -> Result<Value, SnapshotError> {
        Ok(match *v {
            SVal::Nil => Value::Nil,
            SVal::Undef => Value::Undef,
            SVal::Bool(b) => Value::Bool(b),
            SVal::Int(i) => match Value::small_int(i) {
                Some(v) => v,
                None => return Err(bad(format!("bilangan bulat inline {i} di luar jangkauan"))),
            },
            SVal::Float(bits) => Value::Float(f64::from_bits(bits)),
            SVal::Native(i) => Value::Native(
                *self
                    .natives
                    .get(i as usize)
                    .ok_or_else(|| bad(format!("indeks fungsi bawaan {i} di luar tabel")))?,
            ),
            SVal::Obj(i) => *self
                .vals
                .get(i as usize)
                .ok_or_else(|| bad(format!("indeks objek {i} di luar tabel")))?,
        })
    }

    pub fn sym(&self, i: u32) -> Result<Sym, SnapshotError> {
        self.syms
            .get(i as usize)
            .copied()
            .ok_or_else(|| bad(format!("indeks nama {i} di luar tabel")))
    }

    pub fn func(&self, i: u32) -> Result<FuncRef, SnapshotError> {
        self.funcs
            .get(i as usize)
            .copied()
            .ok_or_else(|| bad(format!("indeks fungsi {i} di luar tabel")))
    }

    pub fn module(&self, i: u32) -> Result<u32, SnapshotError> {
        self.modules
            .get(i as usize)
            .copied()
            .ok_or_else(|| bad(format!("indeks modul {i} di luar tabel")))
    }

    /// An object reference that must be a heap object of the kind `want`
    /// says (checked against the graph, before anything is built).
    fn typed(
        &self,
        g: &Graph,
        i: u32,
        want: &str,
        ok: impl Fn(&SObj) -> bool,
    ) -> Result<Gc, SnapshotError> {
        let o = g
            .objects
            .get(i as usize)
            .ok_or_else(|| bad(format!("indeks objek {i} di luar tabel")))?;
        if !ok(o) {
            return Err(bad(format!("objek {i} seharusnya {want}")));
        }
        match self.vals.get(i as usize).map(|v| v.unpack()) {
            Some(V::Obj(gc)) => Ok(gc),
            _ => Err(bad(format!("objek {i} seharusnya {want}"))),
        }
    }
}

fn is_class(o: &SObj) -> bool {
    matches!(o, SObj::Class { .. })
}

/// An upper bound of the heap bytes the objects of `g` take once decoded
/// (slots and payloads, as `Object::heap_bytes` counts them).
fn graph_bytes(g: &Graph) -> usize {
    const V: usize = std::mem::size_of::<Value>();
    g.objects.iter().fold(0usize, |n, o| {
        let payload = match o {
            SObj::Str(s) => RC_TEXT_BYTES + s.len(),
            SObj::BigInt(b) => 32 + b.len(),
            SObj::List(items) => items.len() * V,
            SObj::Dict(entries) => Dict::bytes_for(entries.len()),
            SObj::Class { methods, name, .. } => 128 + name.len() + methods.len() * 32,
            SObj::Instance { fields, .. } => fields.len() * 16,
            SObj::Closure { captures, .. } => captures.len() * 4,
            SObj::Variant { fields, .. } => 32 + fields.len() * V,
            SObj::Generator { regs, handlers, .. } => 64 + regs.len() * V + handlers.len() * 8,
            SObj::Pipeline {
                name,
                steps,
                originals,
                lens,
                ..
            } => 128 + name.len() + (steps.len() + originals.len()) * V + lens.len() * 4,
            SObj::Cell(_) | SObj::BoundMethod { .. } | SObj::VariantCtor { .. } => 32,
            SObj::Module(_) => 0,
            SObj::Resource(peer) => 64 + peer.len(),
            SObj::OtherResource { name, .. } => 64 + name.len(),
            SObj::Bytes(b) | SObj::Hash { data: b, .. } => b.len(),
        };
        n.saturating_add(SLOT_BYTES + payload)
    })
}

/// Resolve a graph's side tables against `vm` and build its objects in
/// `vm`'s heap (refused before anything is built when they cannot fit
/// below the heap limit).
pub(crate) fn decode(vm: &mut Vm, g: &Graph, mode: Mode) -> Result<Decoded, SnapshotError> {
    vm.heap
        .check(graph_bytes(g))
        .and_then(|()| vm.heap.reserve_objects(g.objects.len()))
        .map_err(SnapshotError::Memory)?;
    let syms: Vec<Sym> = g.syms.iter().map(|s| vm.interner.intern(s)).collect();
    let mut natives = Vec::with_capacity(g.natives.len());
    for n in &g.natives {
        match vm.native_by_name.get(n.as_str()) {
            Some(id) => natives.push(*id),
            None => return Err(bad(format!("fungsi bawaan '{n}' tidak dikenal"))),
        }
    }
    let mut modules = Vec::with_capacity(g.modules.len());
    for m in &g.modules {
        let id = match mode {
            Mode::Image | Mode::Copy => match vm.modules.get(m.id as usize) {
                Some(rt) if *rt.key == *m.key => m.id,
                _ => return Err(bad(format!("modul '{}' (#{}) tidak ada", m.key, m.id))),
            },
            Mode::Portable => match vm.modules.iter().position(|rt| *rt.key == *m.key) {
                Some(id) => id as u32,
                None => {
                    return Err(SnapshotError::Program(format!(
                        "modul '{}' belum dimuat dalam program ini",
                        m.key
                    )))
                }
            },
        };
        modules.push(id);
    }
    let overrides = if mode == Mode::Portable {
        home_overrides(vm, g, &modules)
    } else {
        FxHashMap::default()
    };
    let mut funcs = Vec::with_capacity(g.funcs.len());
    for (i, k) in g.funcs.iter().enumerate() {
        let module = *modules
            .get(k.module as usize)
            .ok_or_else(|| bad(format!("fungsi '{}': indeks modul di luar tabel", k.name)))?;
        let f = match vm.modules[module as usize].funcs.get(k.ordinal as usize) {
            Some(f) if mode == Mode::Copy => *f,
            Some(f) if super::hash::func_hash(f.get(), &vm.interner) == k.hash => *f,
            _ if mode == Mode::Copy => {
                return Err(bad(format!("fungsi '{}' tidak ada", k.name)));
            }
            // Other functions were added or removed before it.
            _ => match overrides.get(&(i as u32)) {
                Some(f) => *f,
                None => find_moved(vm, module, k)?,
            },
        };
        funcs.push(f);
    }
    let mut d = Decoded {
        vals: Vec::with_capacity(g.objects.len()),
        syms,
        natives,
        modules,
        funcs,
    };
    // Phase 1: leaves are built now; every other object gets a placeholder
    // slot so references (including cycles) have somewhere to point.
    for (i, o) in g.objects.iter().enumerate() {
        let v = match o {
            SObj::Str(s) => vm.alloc(Object::Str(Text::new(Rc::from(s.as_str())))),
            SObj::Bytes(b) => vm.alloc(Object::Bytes(b.clone().into_boxed_slice())),
            SObj::BigInt(bytes) => vm.int_from_big(BigInt::from_signed_bytes_le(bytes)),
            SObj::Module(m) => {
                let id = d.module(*m)?;
                vm.modules[id as usize].obj
            }
            SObj::Class {
                name,
                home: Some((m, global)),
                ..
            } if mode == Mode::Portable => {
                let id = d.module(*m)?;
                match vm.module_get(id, global).map(|v| v.unpack()) {
                    Some(V::Obj(c)) if matches!(vm.heap.get(c), Object::Class(k) if *k.name == **name) => {
                        Value::Obj(c)
                    }
                    _ => vm.alloc(Object::Cell(Value::Nil)),
                }
            }
            SObj::Closure {
                func,
                home: Some((m, global)),
                ..
            } if mode == Mode::Portable => {
                let id = d.module(*m)?;
                let f = d.func(*func)?;
                match vm.module_get(id, global).map(|v| v.unpack()) {
                    Some(V::Obj(c)) if matches!(vm.heap.get(c), Object::Closure(cl) if cl.func == f) => {
                        Value::Obj(c)
                    }
                    _ => vm.alloc(Object::Cell(Value::Nil)),
                }
            }
            _ => vm.alloc(Object::Cell(Value::Nil)),
        };
        let _ = i;
        d.vals.push(v);
    }
    // Phase 2: fill the placeholders.
    for (i, o) in g.objects.iter().enumerate() {
        let obj = match o {
            SObj::Str(_) | SObj::BigInt(_) | SObj::Bytes(_) | SObj::Module(_) => continue,
            SObj::List(items) => {
                Object::List(items.iter().map(|v| d.value(v)).collect::<Result<_, _>>()?)
            }
            SObj::Dict(entries) => {
                let mut dict = Dict::with_capacity(entries.len());
                for (k, v) in entries {
                    let key = d.value(k)?;
                    let value = d.value(v)?;
                    let hk = vm
                        .hash_key(key)
                        .map_err(|_| bad(format!("objek {i}: kunci kamus tidak bisa di-hash")))?;
                    dict.insert(hk, key, value);
                }
                Object::Dict(Box::new(dict))
            }
            SObj::Class {
                name,
                parent,
                methods,
                home,
            } => {
                if mode == Mode::Portable && home.is_some() {
                    // Rebound to this run's class in phase 1?
                    if let Some(V::Obj(gc)) = d.vals.get(i).map(|v| v.unpack()) {
                        if matches!(vm.heap.get(gc), Object::Class(_)) {
                            continue;
                        }
                    }
                }
                let parent = match parent {
                    Some(p) => Some(d.typed(g, *p, "kelas", is_class)?),
                    None => None,
                };
                let mut map = FxHashMap::default();
                for (k, v) in methods {
                    map.insert(d.sym(*k)?, d.value(v)?);
                }
                Object::Class(Box::new(Class {
                    name: Rc::from(name.as_str()),
                    parent,
                    methods: map,
                }))
            }
            SObj::Instance { class, fields } => Object::Instance(Instance {
                class: d.typed(g, *class, "kelas", is_class)?,
                fields: fields
                    .iter()
                    .map(|(k, v)| Ok((d.sym(*k)?, d.value(v)?)))
                    .collect::<Result<_, SnapshotError>>()?,
            }),
            SObj::Closure {
                func,
                captures,
                home_class,
                home,
            } => {
                if mode == Mode::Portable && home.is_some() {
                    // Rebound to this run's function in phase 1?
                    if let Some(V::Obj(gc)) = d.vals.get(i).map(|v| v.unpack()) {
                        if matches!(vm.heap.get(gc), Object::Closure(_)) {
                            continue;
                        }
                    }
                }
                let f = d.func(*func)?;
                if captures.len() != f.get().proto.captures.len() {
                    return Err(bad(format!(
                        "objek {i}: closure '{}' menangkap {} sel, seharusnya {}",
                        f.get().proto.name,
                        captures.len(),
                        f.get().proto.captures.len()
                    )));
                }
                Object::Closure(Closure {
                    func: f,
                    captures: captures
                        .iter()
                        .map(|c| d.typed(g, *c, "sel", |o| matches!(o, SObj::Cell(_))))
                        .collect::<Result<_, _>>()?,
                    home_class: match home_class {
                        Some(h) => Some(d.typed(g, *h, "kelas", is_class)?),
                        None => None,
                    },
                })
            }
            SObj::Cell(v) => Object::Cell(d.value(v)?),
            SObj::Resource(peer) => {
                Object::Resource(Box::new(crate::resource::Resource::closed(peer.clone())))
            }
            SObj::OtherResource { kind, name } => Object::Resource(Box::new(
                crate::resource::Resource::closed_of(*kind, name.clone()),
            )),
            SObj::Hash { algo, data } => {
                let algo = crate::resource::HashAlgo::from_tag(*algo)
                    .ok_or_else(|| bad(format!("algoritma hash tak dikenal: {algo}")))?;
                Object::Resource(Box::new(crate::resource::Resource::Hash(
                    crate::resource::HashState {
                        algo,
                        data: data.clone(),
                    },
                )))
            }
            SObj::BoundMethod { recv, target } => Object::BoundMethod(Box::new(BoundMethod {
                recv: d.value(recv)?,
                target: match target {
                    SBound::Func(f) => BoundTarget::Func(d.value(f)?),
                    SBound::Builtin(s) => BoundTarget::Builtin(d.sym(*s)?),
                },
            })),
            SObj::VariantCtor { name, arity } => Object::VariantCtor {
                name: d.sym(*name)?,
                arity: *arity,
            },
            SObj::Variant { name, fields } => Object::Variant(Box::new(Variant {
                name: d.sym(*name)?,
                fields: fields
                    .iter()
                    .map(|v| d.value(v))
                    .collect::<Result<_, _>>()?,
            })),
            SObj::Generator {
                closure,
                regs,
                pc,
                state,
                handlers,
            } => {
                let c = d.typed(g, *closure, "closure", |o| {
                    matches!(o, SObj::Closure { .. })
                })?;
                let Some(SObj::Closure { func, .. }) = g.objects.get(*closure as usize) else {
                    return Err(bad(format!("objek {i}: generator tanpa closure")));
                };
                let p = &d.func(*func)?.get().proto;
                let code_len = p.code.len();
                if regs.len() > p.regs as usize || *pc as usize >= code_len {
                    return Err(bad(format!(
                        "objek {i}: keadaan generator '{}' tidak cocok dengan kodenya",
                        p.name
                    )));
                }
                let mut hs = Vec::with_capacity(handlers.len());
                for (target, reg) in handlers {
                    if *target as usize >= code_len || *reg >= p.regs {
                        return Err(bad(format!("objek {i}: penangan generator rusak")));
                    }
                    hs.push(SavedHandler {
                        target: *target,
                        reg: *reg,
                    });
                }
                Object::Generator(Box::new(Generator {
                    closure: c,
                    regs: regs.iter().map(|v| d.value(v)).collect::<Result<_, _>>()?,
                    pc: *pc,
                    state: match state {
                        0 => GenState::Fresh,
                        1 => GenState::Suspended,
                        2 => GenState::Running,
                        3 => GenState::Done,
                        _ => return Err(bad(format!("objek {i}: keadaan generator {state}"))),
                    },
                    handlers: hs,
                }))
            }
            SObj::Pipeline {
                name,
                steps,
                next,
                input,
                originals,
                lens,
            } => {
                let total: u64 = lens.iter().map(|l| u64::from(*l)).sum();
                if total != originals.len() as u64 || lens.len() > vm.modules.len() {
                    return Err(bad(format!("objek {i}: proses 0 alur '{name}' rusak")));
                }
                if *next as usize > steps.len() {
                    return Err(bad(format!(
                        "objek {i}: langkah alur '{name}' di luar daftar"
                    )));
                }
                Object::Pipeline(Box::new(Pipeline {
                    name: Rc::from(name.as_str()),
                    steps: steps.iter().map(|v| d.value(v)).collect::<Result<_, _>>()?,
                    next: *next,
                    input: d.value(input)?,
                    originals: originals
                        .iter()
                        .map(|v| d.value(v))
                        .collect::<Result<_, _>>()?,
                    lens: lens.clone(),
                }))
            }
        };
        match d.vals.get(i).map(|v| v.unpack()) {
            Some(V::Obj(gc)) => vm.heap.replace(gc, obj),
            _ => return Err(bad(format!("objek {i}: slot tidak ada"))),
        }
    }
    Ok(d)
}

/// A function that is no longer at its load position: the one function of
/// its module with the same name and the same code.
fn find_moved(vm: &Vm, module: u32, k: &FuncKey) -> Result<FuncRef, SnapshotError> {
    let rt = &vm.modules[module as usize];
    let named: Vec<FuncRef> = rt
        .funcs
        .iter()
        .copied()
        .filter(|f| *f.get().proto.name == *k.name)
        .collect();
    let same: Vec<FuncRef> = named
        .iter()
        .copied()
        .filter(|f| super::hash::func_hash(f.get(), &vm.interner) == k.hash)
        .collect();
    match (named.len(), same.as_slice()) {
        (_, [f]) => Ok(*f),
        (0, _) => Err(SnapshotError::Program(format!(
            "fungsi '{}' tidak ada lagi di modul '{}'",
            k.name, rt.key
        ))),
        (_, []) => Err(SnapshotError::Program(format!(
            "fungsi '{}' di modul '{}' telah berubah sejak nilai ini disimpan",
            k.name, rt.key
        ))),
        (_, many) => Err(SnapshotError::Program(format!(
            "fungsi '{}' di modul '{}' tidak bisa ditentukan: posisinya bergeser dan ada {} \
             fungsi bernama sama dengan kode yang sama",
            k.name,
            rt.key,
            many.len()
        ))),
    }
}

/// Functions identified through the module global that held them when the
/// value was written (a stateless function, or a method of a class): the
/// current global's function of the same name and code.
fn home_overrides(vm: &mut Vm, g: &Graph, modules: &[u32]) -> FxHashMap<u32, FuncRef> {
    let mut out = FxHashMap::default();
    let same = |vm: &Vm, f: FuncRef, k: &FuncKey| {
        *f.get().proto.name == *k.name && super::hash::func_hash(f.get(), &vm.interner) == k.hash
    };
    for o in &g.objects {
        let (m, global) = match o {
            SObj::Closure { home: Some(h), .. } | SObj::Class { home: Some(h), .. } => (h.0, &h.1),
            _ => continue,
        };
        let Some(&id) = modules.get(m as usize) else {
            continue;
        };
        let Some(V::Obj(cur)) = vm.module_get(id, global).map(|v| v.unpack()) else {
            continue;
        };
        match o {
            SObj::Closure { func, .. } => {
                if let (Object::Closure(cl), Some(k)) =
                    (vm.heap.get(cur), g.funcs.get(*func as usize))
                {
                    if same(vm, cl.func, k) {
                        out.insert(*func, cl.func);
                    }
                }
            }
            SObj::Class { methods, .. } => {
                for (sym, v) in methods {
                    let SVal::Obj(mo) = v else { continue };
                    let Some(SObj::Closure { func, .. }) = g.objects.get(*mo as usize) else {
                        continue;
                    };
                    let (Some(name), Some(k)) =
                        (g.syms.get(*sym as usize), g.funcs.get(*func as usize))
                    else {
                        continue;
                    };
                    let Some(sym) = vm.interner.lookup(name) else {
                        continue;
                    };
                    let method = match vm.heap.get(cur) {
                        Object::Class(c) => c.methods.get(&sym).copied(),
                        _ => None,
                    };
                    if let Some(V::Obj(mg)) = method.map(|v| v.unpack()) {
                        if let Object::Closure(cl) = vm.heap.get(mg) {
                            if same(vm, cl.func, k) {
                                out.insert(*func, cl.func);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}
