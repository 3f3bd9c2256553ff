//! `tfox`: Fox VM's just-in-time compiler. It turns a function's verified
//! bytecode into machine code with Cranelift, over the interpreter's own
//! frames (see `fox_vm::jitabi` for the contract and `codegen` for the
//! translation), and hands the VM a [`JitCode`] to enter.
//!
//! Invariant: compiled code holds nothing of one VM — no heap handles, no
//! addresses of VM data, only the helpers' addresses and field offsets — so
//! one [`Jit`] serves every VM of a process (a round trip keeps its code),
//! and its code cache is keyed by the function's content.
//!
//! The only `unsafe` of this crate is in `code.rs`: turning finished
//! machine code into a callable entry.

mod cache;
mod code;
mod codegen;
mod perfmap;

use cranelift_codegen::ir::UserFuncName;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::Module;
use fox_vm::jitabi::{helpers, JitBackend, JitCode};
use fox_vm::object::FuncInfo;

pub use cache::CodeKey;

/// Why no JIT could be set up on this machine.
#[derive(Debug, Clone)]
pub struct Unsupported(pub String);

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Can Cranelift generate code for this machine? (`fox run --verbose`
/// says which tier `auto` will really use.) Only looks at the host; makes
/// no JIT module.
pub fn host_support() -> Result<String, Unsupported> {
    cranelift_native::builder()
        .map(|b| b.triple().architecture.to_string())
        .map_err(|e| Unsupported(format!("no code generator for this machine: {e}")))
}

/// Counters of what the JIT did (`fox run --jit-stats`).
#[derive(Clone, Debug, Default)]
pub struct JitCounters {
    /// Functions translated (cache misses).
    pub compiled: u64,
    /// Requests answered from the code cache.
    pub cache_hits: u64,
    /// Machine code bytes emitted.
    pub code_bytes: u64,
    /// Time spent compiling, microseconds.
    pub compile_micros: u64,
    /// Code areas retired because the code cache was full.
    pub retired: u64,
}

/// The compiler: a Cranelift JIT module and the code cache. Dropping it
/// frees its machine code (`code.rs`): the VM drops a backend only after
/// forgetting every entry it handed out (`fox_vm::Vm::set_jit_backend`).
pub struct Jit {
    module: std::mem::ManuallyDrop<JITModule>,
    /// Code areas retired by [`JitBackend::retire`], freed by
    /// [`JitBackend::release_retired`] (compiled frames may still run
    /// their code until then).
    retired: Vec<JITModule>,
    /// Machine code bytes in `module`.
    live_bytes: u64,
    /// The code generator, for the fresh module of each new generation.
    isa: cranelift_codegen::isa::OwnedTargetIsa,
    builder_ctx: FunctionBuilderContext,
    cache: cache::CodeCache,
    counters: JitCounters,
    /// Where compiled functions are announced to `perf` (`FOX_PERF_MAP=1`).
    perf_map: Option<perfmap::PerfMap>,
}

impl Jit {
    /// A JIT for the machine this runs on. `Err` where Cranelift has no
    /// backend for the host (the VM then stays in the interpreter).
    pub fn new() -> Result<Jit, Unsupported> {
        let mut flags = settings::builder();
        let set = |flags: &mut settings::Builder, k: &str, v: &str| {
            flags
                .set(k, v)
                .map_err(|e| Unsupported(format!("cranelift setting {k}={v}: {e}")))
        };
        set(&mut flags, "use_colocated_libcalls", "false")?;
        set(&mut flags, "is_pic", "false")?;
        set(&mut flags, "opt_level", "speed")?;
        // The IR verifier checks Cranelift's own invariants on every
        // function; it is a debugging aid that made up about a tenth of
        // compile time. Debug builds keep it.
        let verify = if cfg!(debug_assertions) {
            "true"
        } else {
            "false"
        };
        set(&mut flags, "enable_verifier", verify)?;
        let isa_builder = cranelift_native::builder()
            .map_err(|e| Unsupported(format!("no code generator for this machine: {e}")))?;
        let isa = isa_builder
            .finish(settings::Flags::new(flags))
            .map_err(|e| Unsupported(format!("code generator setup failed: {e}")))?;
        Ok(Jit {
            module: std::mem::ManuallyDrop::new(new_module(&isa)),
            retired: Vec::new(),
            live_bytes: 0,
            isa,
            builder_ctx: FunctionBuilderContext::new(),
            cache: cache::CodeCache::default(),
            counters: JitCounters::default(),
            perf_map: perfmap::PerfMap::from_env(),
        })
    }

    pub fn counters(&self) -> &JitCounters {
        &self.counters
    }

    /// Translate `func` and return its entry.
    fn translate(&mut self, func: &FuncInfo) -> Result<JitCode, String> {
        let call_conv = self.module.target_config().default_call_conv;
        let mut ctx = self.module.make_context();
        ctx.func.signature = codegen::entry_signature(call_conv);
        ctx.func.name = UserFuncName::user(0, self.counters.compiled as u32);
        {
            let b = FunctionBuilder::new(&mut ctx.func, &mut self.builder_ctx);
            let helpers = codegen::Helpers {
                step: helpers::fox_jit_step as *const () as usize as i64,
                fast: helpers::fox_jit_fast as *const () as usize as i64,
                get_index: helpers::fox_jit_get_index as *const () as usize as i64,
                set_index: helpers::fox_jit_set_index as *const () as usize as i64,
                get_global: helpers::fox_jit_get_global as *const () as usize as i64,
                get_attr: helpers::fox_jit_get_attr as *const () as usize as i64,
                set_attr: helpers::fox_jit_set_attr as *const () as usize as i64,
                get_upval: helpers::fox_jit_get_upval as *const () as usize as i64,
                set_upval: helpers::fox_jit_set_upval as *const () as usize as i64,
                get_cell: helpers::fox_jit_get_cell as *const () as usize as i64,
                set_cell: helpers::fox_jit_set_cell as *const () as usize as i64,
                ret: helpers::fox_jit_return as *const () as usize as i64,
                enter_call: helpers::fox_jit_enter_call as *const () as usize as i64,
                enter_method: helpers::fox_jit_enter_method as *const () as usize as i64,
                arith: helpers::fox_jit_arith as *const () as usize as i64,
            };
            let target = self.module.target_config();
            codegen::Translator::new(b, func, call_conv, helpers).translate(target);
        }
        let id = self
            .module
            .declare_anonymous_function(&ctx.func.signature)
            .map_err(|e| format!("declare: {e}"))?;
        self.module
            .define_function(id, &mut ctx)
            .map_err(|e| format!("cranelift: {e:?}"))?;
        let bytes = match (&self.perf_map, ctx.compiled_code()) {
            (Some(map), Some(code)) if map.dump => Some(code.code_buffer().to_vec()),
            _ => None,
        };
        let size = ctx
            .compiled_code()
            .map_or(0, |c| c.code_buffer().len() as u64);
        self.module.clear_context(&mut ctx);
        self.module
            .finalize_definitions()
            .map_err(|e| format!("finalize: {e}"))?;
        let ptr = self.module.get_finalized_function(id);
        self.counters.code_bytes += size;
        self.live_bytes += size;
        if let Some(map) = &mut self.perf_map {
            map.record(ptr, size, &func.proto.name);
            if let Some(bytes) = bytes {
                map.dump_code(ptr, &bytes);
            }
        }
        Ok(code::entry_from(ptr))
    }
}

// SAFETY: the code `translate` emits follows `fox_vm::jitabi`'s calling
// convention: it reads and writes only registers the verified bytecode
// names (all below `proto.regs`) through `regs`, reads the VM only at the
// published offsets, calls only `fox_jit_step` with the VM pointer it was
// given, and returns the step helper's statuses or `CONTINUE`/`ERROR`.
unsafe impl JitBackend for Jit {
    fn compile(&mut self, func: &FuncInfo) -> Result<JitCode, String> {
        let key = CodeKey::of(func);
        if let Some(code) = self.cache.get(&key) {
            self.counters.cache_hits += 1;
            return Ok(code);
        }
        let started = std::time::Instant::now();
        let code = self.translate(func)?;
        self.counters.compiled += 1;
        self.counters.compile_micros += started.elapsed().as_micros() as u64;
        self.cache.insert(key, code);
        Ok(code)
    }

    fn report(&self) -> String {
        let c = &self.counters;
        format!(
            "jit: {} fungsi dikompilasi ({} µs, {} byte kode mesin), {} dari cache, {} area kode dibuang",
            c.compiled, c.compile_micros, c.code_bytes, c.cache_hits, c.retired
        )
    }

    fn code_bytes(&self) -> u64 {
        self.live_bytes
    }

    fn retire(&mut self) {
        let fresh = new_module(&self.isa);
        let old = std::mem::replace(&mut *self.module, fresh);
        self.retired.push(old);
        self.cache = cache::CodeCache::default();
        self.live_bytes = 0;
        self.counters.retired += 1;
    }

    unsafe fn release_retired(&mut self) {
        for module in self.retired.drain(..) {
            // SAFETY: the caller's contract (no entry of a retired module
            // runs or is called again).
            unsafe { code::free(module) };
        }
    }
}

/// A JIT module (one code area) for `isa`.
fn new_module(isa: &cranelift_codegen::isa::OwnedTargetIsa) -> JITModule {
    JITModule::new(JITBuilder::with_isa(
        isa.clone(),
        cranelift_module::default_libcall_names(),
    ))
}

/// A JIT made on first use: a run that never gets hot (hello world) does
/// not pay for setting up the code generator. On a machine Cranelift has
/// no backend for, every request is refused with the reason (the VM stays
/// in the interpreter).
#[derive(Default)]
pub struct LazyJit {
    jit: Option<Result<Jit, Unsupported>>,
}

impl LazyJit {
    pub fn new() -> LazyJit {
        LazyJit::default()
    }
}

// SAFETY: the code comes from `Jit::compile` (see the `unsafe impl` for
// `Jit`), unchanged.
unsafe impl JitBackend for LazyJit {
    fn compile(&mut self, func: &FuncInfo) -> Result<JitCode, String> {
        match self.jit.get_or_insert_with(Jit::new) {
            Ok(jit) => jit.compile(func),
            Err(e) => Err(e.0.clone()),
        }
    }

    fn report(&self) -> String {
        match &self.jit {
            None => "jit: tidak ada fungsi yang cukup panas untuk dikompilasi".to_string(),
            Some(Ok(jit)) => jit.report(),
            Some(Err(e)) => format!("jit: tidak tersedia di mesin ini ({e})"),
        }
    }

    fn code_bytes(&self) -> u64 {
        match &self.jit {
            Some(Ok(jit)) => jit.code_bytes(),
            _ => 0,
        }
    }

    fn retire(&mut self) {
        if let Some(Ok(jit)) = &mut self.jit {
            jit.retire();
        }
    }

    unsafe fn release_retired(&mut self) {
        if let Some(Ok(jit)) = &mut self.jit {
            // SAFETY: the caller's contract, passed on.
            unsafe { jit.release_retired() };
        }
    }
}
