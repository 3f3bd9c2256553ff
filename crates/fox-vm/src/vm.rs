//! The VM state (heap, register stack, frame stack, handler stack, loaded
//! modules) and its embedding API: load and run a program, call `utama`.

use crate::builtins::NATIVES;
use crate::config::Config;
use crate::error::{RtError, TraceEntry, VmError};
use crate::funcref::{FuncRef, FuncRegistry};
use crate::heap::Heap;
use crate::host::Host;
use crate::object::{FuncInfo, Object, Text};
use crate::value::V;
use crate::value::{Gc, Value};
use fox_bytecode::{Const, Interner, Proto, Sym};
use num_bigint::BigInt;
use rustc_hash::FxHashMap;
use std::rc::Rc;

/// What happens when a frame returns. `repr(C, u32)`: the tag is the
/// first u32 and `Normal` is 0, which compiled code writes and tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, u32)]
pub enum FrameKind {
    /// Write the return value to `ret`.
    Normal,
    /// A constructor (`inisiasi`): the call's value is the instance (reg 0).
    Constructor,
    /// A module body being imported: the value is the module object.
    Module(u32),
    /// A generator body resumed by `lanjut`.
    Generator(Gc),
    /// A step of an `alur` pipeline: its result goes to the pipeline,
    /// which runs the next step or delivers the final result to `ret`.
    Pipeline(Gc),
}

/// A frame of the frame stack. Compiled code pushes and pops ordinary
/// frames itself (`jitabi::offsets`), writing every field.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    pub func: FuncRef,
    pub closure: FrameClosure,
    pub pc: u32,
    pub base: u32,
    pub ret: u32,
    pub kind: FrameKind,
    pub handler_base: u32,
}

// Hot type: a call pushes one.
const _: () = assert!(std::mem::size_of::<Frame>() <= 40);

/// A frame's closure (none for module bodies and pipelines' own frames):
/// a handle or `u32::MAX`, one word compiled code can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(transparent)]
pub struct FrameClosure(u32);

impl FrameClosure {
    pub const NONE: FrameClosure = FrameClosure(u32::MAX);

    #[inline(always)]
    pub fn get(self) -> Option<Gc> {
        (self.0 != u32::MAX).then_some(Gc(self.0))
    }
}

impl From<Option<Gc>> for FrameClosure {
    #[inline(always)]
    fn from(g: Option<Gc>) -> FrameClosure {
        g.map_or(FrameClosure::NONE, |g| FrameClosure(g.0))
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Handler {
    pub frame: u32,
    pub target: u32,
    pub reg: u16,
}

/// What the top-level driver runs once the frame stack empties; part of
/// the VM state, so a restored snapshot knows what is left to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EntryPhase {
    /// Nothing pending (REPL lines, embedder calls).
    Idle,
    /// The main module's body is running; `utama` follows.
    MainBody(u32),
    /// `utama` is running.
    Utama,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModuleState {
    Loading,
    Loaded,
}

/// A loaded module: its global slots.
pub struct ModuleRt {
    pub file: Rc<str>,
    /// Stable identity across processes: `@main` for the program, the
    /// cache key (`stdlib:name`) for the standard library, else the path.
    pub key: Rc<str>,
    /// Functions loaded for this module, in load order (`FuncInfo::ordinal`).
    pub funcs: Vec<FuncRef>,
    pub globals: Vec<Value>,
    pub names: Vec<Rc<str>>,
    pub index: FxHashMap<Rc<str>, u32>,
    pub state: ModuleState,
    pub compiler_globals: fox_compiler::Globals,
    /// The module's value (`Object::Module`).
    pub obj: Value,
}

/// Names the VM looks up by symbol.
pub struct WellKnown {
    pub inisiasi: Sym,
    pub punya: Sym,
    pub class_attr: Sym,
    pub name: Sym,
    pub momen: Sym,
    pub pesan: Sym,
    pub jenis: Sym,
    /// A class's own text conversion (`str()`), and its `repr()`.
    pub teks: Sym,
    pub repr: Sym,
}

pub struct Vm {
    pub heap: Heap,
    pub interner: Interner,
    /// Every frame's registers; never moves (see `regstack`).
    pub stack: crate::regstack::RegisterStack,
    pub frames: crate::slotstack::SlotStack<Frame>,
    pub handlers: crate::slotstack::SlotStack<Handler>,
    pub modules: Vec<ModuleRt>,
    pub module_cache: FxHashMap<String, u32>,
    /// Every loaded function (never shrinks: `FuncRef`s rely on it); also
    /// roots their constants.
    pub(crate) funcs: FuncRegistry,
    pub config: Config,
    pub host: Box<dyn Host>,
    pub syms: WellKnown,
    pub native_by_name: FxHashMap<&'static str, u32>,
    pub argv_list: Value,
    /// Instructions left in the budget (u64::MAX = unlimited), as of the
    /// last safe point; read and set it with `budget_left`/`set_budget`.
    /// With `Config::interrupt` this is only the current slice of it.
    pub(crate) budget: u64,
    /// The budget held back beyond the current slice (u64::MAX =
    /// unlimited; 0 without `Config::interrupt`), see `limits`.
    pub(crate) budget_rest: u64,
    /// Work charged by native operations since the last safe point (they
    /// walk data through `&self`, see `limits`); never more than `budget`
    /// + `budget_rest`.
    pub(crate) op_spent: std::cell::Cell<u64>,
    /// Where the budget last ran out (see `take_budget_stop`).
    pub(crate) budget_stop: std::cell::Cell<crate::limits::BudgetStop>,
    /// The traceback recorded when the most recent error value was made.
    pub last_trace: Option<(Value, Vec<TraceEntry>)>,
    /// Random generator state (xorshift), seeded deterministically.
    pub rng: u64,
    /// Method-cache epoch: bumped whenever a class's methods change and at
    /// every collection, invalidating all inline caches.
    pub epoch: u32,
    /// Reusable buffer for building texts.
    pub(crate) scratch: String,
    /// The builtin `panjang`, which `CallLen` checks for.
    pub(crate) panjang_value: Value,
    /// The builtin `alur`, which calls start a pipeline.
    pub(crate) alur_value: Value,
    /// Module bodies in load order (what a VM image carries as bytecode).
    pub(crate) program: Vec<(u32, Rc<Proto>)>,
    /// The program's module (`@main`), once `run_main` created it.
    pub main_module: Option<u32>,
    /// What runs after the current frames finish.
    pub entry: EntryPhase,
    /// Set when an error came from a safe point whose saved pc is already
    /// the place to resume (not the instruction after the failing one).
    pub(crate) fault_exact: bool,
    /// Attempt number of this run (a resumed ticket's attempts + 1).
    pub attempt: u32,
    /// `waktu()` never returns less than this (set from a resumed ticket).
    pub clock_floor: f64,
    /// Lines of standard input consumed so far.
    pub input_lines: u64,
    /// The main program file as given to `run_main`.
    pub program_file: String,
    /// Write a ticket for every uncaught error (`fox run --tiket`).
    pub ticket_on_error: bool,
    /// A pipeline that failed outside its step frames (see `pipeline`):
    /// the error being raised is that pipeline's.
    pub(crate) failed_pipeline: Option<Gc>,
    /// The main program's absolute path (for tickets: resuming from
    /// another directory still finds the program's store).
    pub program_path: String,
    /// The store this run uses, as the embedder describes it (recorded in
    /// tickets, so a resume finds the same store).
    pub store_spec: String,
    /// The JIT compiler (`fox-jit`), installed by the embedder for the
    /// `jit` and `auto` tiers.
    pub(crate) jit_backend: Option<Box<dyn crate::jitabi::JitBackend>>,
    /// What the JIT did (`--jit-stats`).
    pub jit_stats: crate::jitabi::JitStats,
    /// How often compiled code took the slow path of each instruction
    /// (indexed as `fox_bytecode::OP_NAMES`): its fast path did not apply
    /// (a type, an overflow, a miss) and the shared semantics ran it.
    /// Compiled code counts here itself (`jitabi::offsets::VM_JIT_SLOW`).
    pub jit_slow: [u64; fox_bytecode::OP_NAMES.len()],
    /// The result compiled code hands back with `status::DONE`.
    pub(crate) jit_result: Value,
    /// The error compiled code hands back with `status::ERROR`.
    pub(crate) jit_error: Option<RtError>,
    /// Compiled frames called natively from compiled frames right now
    /// (see `jitabi::fast`).
    pub(crate) jit_nesting: u32,
    /// A direct-call cache was filled since the last collection.
    pub(crate) call_caches_used: bool,
    /// Calls into compiled code from the VM (`Vm::call_compiled`) not yet
    /// returned: while it is above 0, machine code is on the native stack
    /// and no retired code generation may be freed.
    pub(crate) jit_running: u32,
    /// Taken back-edges left in the interpreter's current batch (see
    /// `jitabi::enter::BACK_EDGE_BATCH`).
    pub(crate) back_edge_tick: u32,
}

impl Vm {
    pub fn new(config: Config, host: Box<dyn Host>) -> Vm {
        let mut interner = Interner::new();
        let syms = WellKnown {
            inisiasi: interner.intern("inisiasi"),
            punya: interner.intern("punya"),
            class_attr: interner.intern("__class__"),
            name: interner.intern("name"),
            momen: interner.intern("Momen"),
            pesan: interner.intern("pesan"),
            jenis: interner.intern("jenis"),
            teks: interner.intern("teks"),
            repr: interner.intern("repr"),
        };
        let mut native_by_name = FxHashMap::default();
        for (i, n) in NATIVES.iter().enumerate() {
            native_by_name.insert(n.name, i as u32);
        }
        let (budget, budget_rest) =
            crate::limits::budget_parts(&config, config.max_instructions.unwrap_or(u64::MAX));
        let mut vm = Vm {
            heap: Heap::new(config.max_heap_objects, config.max_heap_bytes),
            interner,
            stack: crate::regstack::RegisterStack::new(config.max_stack_slots, 1024),
            frames: Default::default(),
            handlers: Default::default(),
            modules: Vec::new(),
            module_cache: FxHashMap::default(),
            funcs: FuncRegistry::default(),
            config,
            host,
            syms,
            native_by_name,
            argv_list: Value::Nil,
            budget,
            budget_rest,
            op_spent: std::cell::Cell::new(0),
            budget_stop: std::cell::Cell::new(crate::limits::BudgetStop::LoopHead),
            last_trace: None,
            rng: 0x2545_F491_4F6C_DD1D,
            epoch: 1,
            scratch: String::new(),
            panjang_value: Value::Undef,
            alur_value: Value::Undef,
            program: Vec::new(),
            main_module: None,
            entry: EntryPhase::Idle,
            fault_exact: false,
            attempt: 1,
            clock_floor: 0.0,
            input_lines: 0,
            program_file: String::new(),
            ticket_on_error: false,
            failed_pipeline: None,
            program_path: String::new(),
            store_spec: String::new(),
            jit_backend: None,
            jit_stats: Default::default(),
            jit_slow: [0; fox_bytecode::OP_NAMES.len()],
            jit_result: Value::Nil,
            jit_error: None,
            jit_nesting: 0,
            call_caches_used: false,
            jit_running: 0,
            back_edge_tick: 0,
        };
        vm.panjang_value = match vm.native_by_name.get("panjang") {
            Some(id) => Value::Native(*id),
            None => Value::Undef,
        };
        vm.rng = vm.host.random_seed().max(1);
        vm.alur_value = match vm.native_by_name.get("alur") {
            Some(id) => Value::Native(*id),
            None => Value::Undef,
        };
        let argv: Vec<Value> = vm
            .config
            .argv
            .clone()
            .iter()
            .map(|a| vm.new_str(a))
            .collect();
        vm.argv_list = vm.alloc(Object::List(argv));
        vm
    }

    #[inline(always)]
    pub fn alloc(&mut self, obj: Object) -> Value {
        Value::Obj(self.heap.alloc(obj))
    }

    pub fn new_str(&mut self, s: &str) -> Value {
        self.alloc(Object::Str(Text::new(Rc::from(s))))
    }

    pub fn new_string(&mut self, s: String) -> Value {
        self.alloc(Object::Str(Text::new(Rc::from(s))))
    }

    /// The shared buffer of a text value (no copy).
    pub fn text_rc(&self, v: Value) -> Option<Rc<str>> {
        match v.as_obj().map(|g| self.heap.get(g)) {
            Some(Object::Str(t)) => Some(t.text.clone()),
            _ => None,
        }
    }

    pub fn new_list(&mut self, items: Vec<Value>) -> Value {
        self.alloc(Object::List(items))
    }

    /// An integer value: inline when it fits, else a heap big integer.
    #[inline]
    pub fn int(&mut self, i: i64) -> Value {
        match Value::small_int(i) {
            Some(v) => v,
            None => self.big_int_from_i64(i),
        }
    }

    #[cold]
    #[inline(never)]
    fn big_int_from_i64(&mut self, i: i64) -> Value {
        self.alloc(Object::BigInt(Box::new(BigInt::from(i))))
    }

    /// An integer value from a big integer, normalised to `Int` when it fits.
    pub fn int_from_big(&mut self, b: BigInt) -> Value {
        match i64::try_from(&b) {
            Ok(i) if Value::fits_int(i) => Value::Int(i),
            Ok(_) => self.alloc(Object::BigInt(Box::new(b))),
            Err(_) => self.alloc(Object::BigInt(Box::new(b))),
        }
    }

    /// Materialise a prototype tree into runtime function infos.
    pub fn load_proto(&mut self, proto: &Rc<Proto>, module: u32) -> FuncRef {
        let consts: Vec<Value> = proto
            .consts
            .iter()
            .map(|c| match c {
                Const::Int(i) => self.int(*i),
                Const::Float(f) => Value::Float(*f),
                Const::Str(s) => self.alloc(Object::Str(Text::new(s.clone()))),
                Const::BigInt(d) => match d.parse::<BigInt>() {
                    Ok(b) => self.int_from_big(b),
                    Err(_) => Value::Nil,
                },
            })
            .collect();
        let children: Vec<FuncRef> = proto
            .protos
            .iter()
            .map(|p| self.load_proto(p, module))
            .collect();
        let (cache_index, sites) = crate::jitabi::site_index(&proto.code, |op| {
            matches!(op, fox_bytecode::Op::CallMethod { .. })
        });
        let method_cache = (0..sites)
            .map(|_| std::cell::Cell::new(crate::object::MethodCache::EMPTY))
            .collect();
        let (call_index, call_cache) = crate::jitabi::call_caches(&proto.code);
        let ordinal = self
            .modules
            .get(module as usize)
            .map_or(0, |m| m.funcs.len() as u32);
        let f = self.funcs.add(FuncInfo {
            proto: (**proto).clone(),
            consts: consts.into_boxed_slice(),
            children: children.into_boxed_slice(),
            module,
            ordinal,
            hash: std::cell::Cell::new(0),
            cache_index,
            method_cache,
            hotness: std::cell::Cell::new(self.initial_hotness()),
            jit: std::cell::Cell::new(None),
            call_cache_addr: call_cache.as_ptr() as usize,
            call_index,
            call_cache,
            jit_entries: fox_bytecode::entries::entry_points(&proto.code).into_boxed_slice(),
        });
        if let Some(m) = self.modules.get_mut(module as usize) {
            m.funcs.push(f);
        }
        f
    }

    /// Create a module runtime record with builtins bound in its slots.
    pub fn new_module(&mut self, file: &str) -> u32 {
        let id = self.modules.len() as u32;
        let obj = self.alloc(Object::Module(id));
        self.modules.push(ModuleRt {
            obj,
            file: Rc::from(file),
            key: Rc::from(file),
            funcs: Vec::new(),
            globals: Vec::new(),
            names: Vec::new(),
            index: FxHashMap::default(),
            state: ModuleState::Loading,
            compiler_globals: fox_compiler::Globals::default(),
        });
        id
    }

    /// The initial value of a global slot named `name`: a builtin or unset.
    pub fn builtin_value(&self, name: &str) -> Value {
        match name {
            "argumen_sistem" => self.argv_list,
            "PI" => Value::Float(std::f64::consts::PI),
            "E" => Value::Float(std::f64::consts::E),
            _ => match self.native_by_name.get(
                name.strip_prefix(fox_compiler::expr::BUILTIN_PREFIX)
                    .unwrap_or(name),
            ) {
                Some(id) => Value::Native(*id),
                _ => Value::Undef,
            },
        }
    }

    /// Grow a module's slot table to match its compiled global names.
    pub fn sync_globals(&mut self, module: u32, names: &[Rc<str>]) {
        let start = self.modules[module as usize].globals.len();
        for name in names.iter().skip(start) {
            let v = self.builtin_value(name);
            let m = &mut self.modules[module as usize];
            m.index.insert(name.clone(), m.globals.len() as u32);
            m.globals.push(v);
            m.names.push(name.clone());
        }
    }

    /// Look up a global of a module by name (module attribute access).
    pub fn module_get(&self, module: u32, name: &str) -> Option<Value> {
        let m = self.modules.get(module as usize)?;
        if let Some(slot) = m.index.get(name) {
            let v = m.globals[*slot as usize];
            if !matches!(v.unpack(), V::Undef) {
                return Some(v);
            }
        }
        if m.key.starts_with("pinjam:") {
            return None;
        }
        match self.builtin_value(name).unpack() {
            V::Undef => None,
            v => Some(v.pack()),
        }
    }

    /// The error for a name module `id` does not have; for a host module
    /// it says Fox VM does not provide that function.
    pub fn module_missing(&self, id: u32, name: &str) -> crate::error::RtError {
        let file = self.modules.get(id as usize).map_or("?", |m| &m.file);
        if self.is_host_module(id) {
            crate::codes::ATTR_MISSING.err(format!(
                "Modul '{file}' (pinjam) di Fox VM tidak menyediakan '{name}' \
                 (daftar yang tersedia: docs/builtins.md)"
            ))
        } else {
            crate::codes::ATTR_MISSING.err(format!("Modul '{file}' tidak punya nama '{name}'"))
        }
    }

    pub fn module_set(&mut self, module: u32, name: &str, v: Value) {
        let Some(m) = self.modules.get_mut(module as usize) else {
            return;
        };
        if let Some(slot) = m.index.get(name) {
            m.globals[*slot as usize] = v;
        } else {
            // A new global (a module written through `modul["nama"]`).
            self.heap.charge(name.len() + 64);
            let Some(m) = self.modules.get_mut(module as usize) else {
                return;
            };
            let rc: Rc<str> = Rc::from(name);
            m.index.insert(rc.clone(), m.globals.len() as u32);
            m.globals.push(v);
            m.names.push(rc.clone());
            m.compiler_globals.slot(name);
        }
    }

    /// Run the collector now. Roots: the live register stack, globals,
    /// loaded constants, pending values.
    pub fn collect_garbage(&mut self) {
        // Handles are reused after the sweep: forget every callee the
        // direct-call caches remember.
        self.clear_call_caches();
        self.heap.begin_mark();
        let top = self
            .frames
            .iter()
            .map(|f| f.base as usize + f.func.get().proto.regs as usize + 1)
            .max()
            .unwrap_or(0)
            .min(self.stack.len());
        for v in &self.stack[..top] {
            self.heap.mark_value(*v);
        }
        for f in &self.frames {
            if let Some(c) = f.closure.get() {
                self.heap.mark(c);
            }
            if let FrameKind::Generator(g) | FrameKind::Pipeline(g) = f.kind {
                self.heap.mark(g);
            }
        }
        // Memory outside objects counts with the live bytes.
        let mut extra = self.stack.len() * std::mem::size_of::<Value>()
            + self.frames.capacity() * std::mem::size_of::<Frame>()
            + self.handlers.capacity() * std::mem::size_of::<Handler>();
        for m in &self.modules {
            self.heap.mark_value(m.obj);
            extra += m.globals.capacity() * (std::mem::size_of::<Value>() + 32);
            for v in &m.globals {
                self.heap.mark_value(*v);
            }
        }
        for f in self.funcs.iter() {
            for v in f.consts.iter() {
                self.heap.mark_value(*v);
            }
        }
        self.heap.mark_value(self.argv_list);
        if let Some((v, _)) = &self.last_trace {
            self.heap.mark_value(*v);
        }
        self.heap.finish_collect(extra);
        self.epoch = self.epoch.wrapping_add(1).max(1);
    }

    /// Build the traceback of the current frames (innermost last). The
    /// prelude's frames (see `prelude`) are not the program's: left out.
    pub fn traceback(&self) -> Vec<TraceEntry> {
        self.frames
            .iter()
            .filter(|f| !self.is_prelude(f.func.get().module))
            .map(|f| {
                let pc = f.pc.saturating_sub(1) as usize;
                let pos = f.func.get().proto.pos_at(pc);
                let file = self
                    .modules
                    .get(f.func.get().module as usize)
                    .map(|m| m.file.to_string())
                    .unwrap_or_default();
                TraceEntry {
                    function: f.func.get().proto.name.to_string(),
                    file,
                    line: pos.line,
                    col: pos.col,
                }
            })
            .collect()
    }

    /// Compile source text as module `module` (fresh or REPL-continued).
    pub fn compile_into(
        &mut self,
        module: u32,
        file: &str,
        source: &str,
    ) -> Result<FuncRef, Vec<morph_syntax::Diagnostic>> {
        let parsed = morph_syntax::parse(source);
        if parsed.has_errors() {
            return Err(parsed.diagnostics);
        }
        self.compile_program_into(module, file, source, &parsed.program)
    }

    /// Compile an already-parsed program into module `module`.
    pub fn compile_program_into(
        &mut self,
        module: u32,
        file: &str,
        source: &str,
        program: &morph_syntax::ast::Program,
    ) -> Result<FuncRef, Vec<morph_syntax::Diagnostic>> {
        let mut globals = std::mem::take(&mut self.modules[module as usize].compiler_globals);
        let result =
            fox_compiler::compile_module(program, file, source, &mut globals, &mut self.interner);
        let names = globals.names.clone();
        self.modules[module as usize].compiler_globals = globals;
        let compiled = result?;
        // The interpreter indexes registers unchecked: only verified code runs.
        if let Err(e) = fox_bytecode::verify::verify(&compiled.body) {
            return Err(vec![morph_syntax::Diagnostic::error(
                "E0900",
                format!("internal: bytecode verification failed: {e}"),
                morph_syntax::Span::default(),
            )]);
        }
        self.sync_globals(module, &names);
        self.program.push((module, compiled.body.clone()));
        Ok(self.load_proto(&compiled.body, module))
    }

    /// Run a program's source as the main module, then call `utama` if it
    /// is defined. Returns the VM error that ended the run, if any.
    pub fn run_main(&mut self, file: &str, source: &str) -> Result<(), VmError> {
        let module = self.new_module(file);
        self.modules[module as usize].key = Rc::from("@main");
        self.main_module = Some(module);
        self.program_file = file.to_string();
        self.program_path = std::fs::canonicalize(file)
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| file.to_string());
        let func = match self.compile_into(module, file, source) {
            Ok(f) => f,
            Err(diagnostics) => {
                return Err(VmError::Compile {
                    file: file.to_string(),
                    source: source.to_string(),
                    diagnostics,
                })
            }
        };
        if let Ok(canon) = std::fs::canonicalize(file) {
            self.module_cache
                .insert(canon.to_string_lossy().into_owned(), module);
        }
        self.push_entry_frame(func)?;
        self.entry = EntryPhase::MainBody(module);
        self.drive()
    }

    /// Run until the program is finished: the current frames, then what
    /// the entry phase says follows (the main body is followed by
    /// `utama`). Used for fresh runs and for restored snapshots and
    /// tickets alike. When the instruction budget runs out the VM is left
    /// paused, intact, so it can be captured and continued later.
    pub fn drive(&mut self) -> Result<(), VmError> {
        loop {
            if !self.frames.is_empty() {
                if let Err(e) = self.execute(0) {
                    if !matches!(e, VmError::Budget(_)) {
                        self.entry = EntryPhase::Idle;
                    }
                    return Err(e);
                }
            }
            match self.entry {
                EntryPhase::MainBody(module) => {
                    self.modules[module as usize].state = ModuleState::Loaded;
                    self.entry = EntryPhase::Utama;
                    let Some(utama) = self.module_get(module, "utama") else {
                        continue;
                    };
                    if matches!(utama.unpack(), V::Native(_)) {
                        continue;
                    }
                    let base = self.entry_base();
                    let called = self.ensure_stack(base + 2).and_then(|()| {
                        self.stack[base] = utama;
                        self.call_value(base, 0)
                    });
                    if let Err(e) = called {
                        self.entry = EntryPhase::Idle;
                        return Err(self.rt_to_vm_error(e));
                    }
                }
                EntryPhase::Utama | EntryPhase::Idle => {
                    self.entry = EntryPhase::Idle;
                    return Ok(());
                }
            }
        }
    }

    /// Drop all execution state (after a run that will not be continued).
    pub fn abandon_run(&mut self) {
        self.abandon(0);
        self.entry = EntryPhase::Idle;
    }

    /// Push a module body as an entry frame (not yet run).
    fn push_entry_frame(&mut self, func: FuncRef) -> Result<(), VmError> {
        let base = self.entry_base();
        let regs = func.get().proto.regs as usize;
        if let Err(e) = self.ensure_stack(base + regs + 2) {
            return Err(self.rt_to_vm_error(e));
        }
        for v in &mut self.stack[base..base + regs] {
            *v = Value::Nil;
        }
        self.frames.push(Frame {
            func,
            closure: None.into(),
            pc: 0,
            base: base as u32,
            ret: base as u32,
            kind: FrameKind::Normal,
            handler_base: self.handlers.len() as u32,
        });
        Ok(())
    }

    /// Run a compiled module body as an entry frame.
    pub fn run_function(&mut self, func: FuncRef, _module: u32) -> Result<Value, VmError> {
        self.push_entry_frame(func)?;
        let stop = self.frames.len() - 1;
        let r = self.execute(stop);
        if matches!(r, Err(VmError::Budget(_))) {
            self.abandon(stop);
        }
        r
    }

    /// Call a Morph value from the embedder (e.g. `utama`).
    pub fn call_entry(&mut self, f: Value, args: &[Value]) -> Result<Value, VmError> {
        let base = self.entry_base();
        if let Err(e) = self.ensure_stack(base + args.len() + 2) {
            return Err(self.rt_to_vm_error(e));
        }
        self.stack[base] = f;
        for (i, a) in args.iter().enumerate() {
            self.stack[base + 1 + i] = *a;
        }
        let depth = self.frames.len();
        match self.call_value(base, args.len()) {
            Ok(None) => {
                let r = self.execute(depth);
                if matches!(r, Err(VmError::Budget(_))) {
                    self.abandon(depth);
                }
                r
            }
            Ok(Some(v)) => Ok(v),
            Err(e) => Err(self.rt_to_vm_error(e)),
        }
    }

    pub fn entry_base(&self) -> usize {
        self.frames
            .last()
            .map(|f| f.base as usize + f.func.get().proto.regs as usize + 1)
            .unwrap_or(0)
    }

    /// Make the register stack at least `need` slots long. Past its
    /// capacity (`Config::max_stack_slots`) this is the call-depth error:
    /// only deep recursion gets there.
    #[inline(always)]
    pub fn ensure_stack(&mut self, need: usize) -> crate::error::RtResult<()> {
        if need <= self.stack.len() {
            return Ok(());
        }
        self.grow_stack(need)
    }

    #[cold]
    #[inline(never)]
    fn grow_stack(&mut self, need: usize) -> crate::error::RtResult<()> {
        match self.stack.ensure(need) {
            Ok(()) => Ok(()),
            Err(_) => Err(self.stack_full_error()),
        }
    }

    /// Push a frame for closure `closure` of `func` with registers from
    /// stack slot `base`, delivering its result to slot `ret`.
    #[inline(always)]
    pub(crate) fn push_frame(
        &mut self,
        func: FuncRef,
        closure: Gc,
        base: usize,
        ret: usize,
        kind: FrameKind,
    ) {
        let handler_base = self.handlers.len() as u32;
        let (base, ret) = (base as u32, ret as u32);
        self.frames.push_in_place(
            |f| {
                f.func = func;
                f.closure = Some(closure).into();
                f.pc = 0;
                f.base = base;
                f.ret = ret;
                f.kind = kind;
                f.handler_base = handler_base;
            },
            || Frame {
                func,
                closure: Some(closure).into(),
                pc: 0,
                base,
                ret,
                kind,
                handler_base,
            },
        );
    }

    /// Convert an error raised outside the interpreter loop.
    pub fn rt_to_vm_error(&mut self, e: RtError) -> VmError {
        self.failed_pipeline = None;
        match e {
            RtError::Exit(n) => VmError::Exit(n),
            RtError::Budget => VmError::Budget(self.config.max_instructions.unwrap_or(0)),
            RtError::Interrupted => VmError::Interrupted(self.traceback()),
            RtError::Internal(m) => VmError::Internal(m),
            RtError::Redirect(r) => {
                VmError::Internal(format!("prelude call {} outside a builtin call", r.helper))
            }
            other => {
                let v = self.error_value(other);
                VmError::Uncaught(self.uncaught_from(v))
            }
        }
    }

    pub fn flush(&mut self) {
        self.host.flush_out();
    }
}
