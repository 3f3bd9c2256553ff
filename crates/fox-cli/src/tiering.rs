//! ManajerFox at the edge: the `--tier`, `--jit-threshold`,
//! `--jit-code-limit` and `--jit-stats` options, installing the JIT in a VM, and the statistics
//! report. The policy itself (count, compile, enter) lives in the VM
//! (`fox_vm::jitabi`); the compiler in `fox-jit`.

use clap::ValueEnum;
use fox_vm::jitabi::{Tier as VmTier, DEFAULT_JIT_THRESHOLD};
use fox_vm::Vm;

/// Execution tier.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Tier {
    /// The bytecode interpreter (sfox) only.
    Interp,
    /// Compile every function with the JIT (tfox) before it first runs
    /// (or after `--jit-threshold` calls and loop iterations).
    Jit,
    /// Interpret first and compile what gets hot.
    Auto,
}

/// The tier options shared by `run`, `resume` and `repl`.
#[derive(clap::Args, Debug, Clone)]
pub struct TierOpts {
    /// Execution tier: interp, jit or auto (interpret first, compile what
    /// gets hot).
    #[arg(long, value_enum, default_value_t = Tier::Auto)]
    pub tier: Tier,
    /// Calls plus loop iterations after which a function is compiled
    /// (default: 0 under `--tier jit`, 1000 under `auto`; also
    /// $FOX_JIT_THRESHOLD).
    #[arg(long, value_name = "N")]
    pub jit_threshold: Option<u32>,
    /// Machine code the JIT keeps at most, in bytes (default 32 MiB): when
    /// it is full, compiled code is dropped and what gets hot again is
    /// compiled anew.
    #[arg(long, value_name = "BYTES", default_value_t = fox_vm::jitabi::DEFAULT_JIT_CODE_LIMIT)]
    pub jit_code_limit: u64,
    /// Print what the JIT compiled, how long it took and how often
    /// compiled code ran, on standard error at the end.
    #[arg(long)]
    pub jit_stats: bool,
}

impl TierOpts {
    /// The VM's tier and threshold. The threshold comes from the option,
    /// then `FOX_JIT_THRESHOLD`, then the tier's default.
    pub fn resolve(&self) -> Result<(VmTier, u32), String> {
        let tier = match self.tier {
            Tier::Interp => VmTier::Interp,
            Tier::Jit => VmTier::Jit,
            Tier::Auto => VmTier::Auto,
        };
        let from_env = match std::env::var("FOX_JIT_THRESHOLD") {
            Ok(s) if !s.is_empty() => Some(s.trim().parse::<u32>().map_err(|_| {
                format!("fox: FOX_JIT_THRESHOLD harus bilangan bulat 0..=4294967295, bukan '{s}'")
            })?),
            _ => None,
        };
        let default = match tier {
            VmTier::Jit => 0,
            _ => DEFAULT_JIT_THRESHOLD,
        };
        Ok((tier, self.jit_threshold.or(from_env).unwrap_or(default)))
    }
}

/// Give `vm` the JIT when its tier uses one.
pub fn install(vm: &mut Vm) {
    if vm.config.tier != VmTier::Interp {
        vm.set_jit_backend(Box::new(fox_jit::LazyJit::new()));
    }
}

/// What `--verbose` says about the tier: whether the JIT can run on this
/// machine, or that `auto` stays in the interpreter (and why).
pub fn verbose_line(vm: &Vm) -> Option<String> {
    if vm.config.tier == VmTier::Interp {
        return None;
    }
    Some(match fox_jit::host_support() {
        Ok(arch) => format!(
            "fox: tfox (Cranelift, {arch}) siap; ambang {}",
            vm.config.jit_threshold
        ),
        Err(e) => format!("fox: tfox tidak tersedia di mesin ini ({e}); semua kode diinterpretasi"),
    })
}

/// The `--jit-stats` report.
pub fn report(vm: &Vm) -> String {
    let s = &vm.jit_stats;
    let mut out = format!(
        "fox jit: tingkat {:?}, ambang {}\n",
        vm.config.tier, vm.config.jit_threshold
    )
    .to_lowercase();
    let total: u64 = s.compiled.iter().map(|(_, us)| us).sum();
    out.push_str(&format!(
        "  {} fungsi dikompilasi ({} µs), {} ditolak, {} kali masuk ke kode mesin\n",
        s.compiled.len(),
        total,
        s.refused.len(),
        s.entries
    ));
    if s.evictions > 0 {
        out.push_str(&format!(
            "  cache kode penuh {} kali (batas {} byte): semua kode mesin dibuang dan dikompilasi ulang saat panas\n",
            s.evictions, vm.config.jit_code_limit
        ));
    }
    for (name, us) in &s.compiled {
        out.push_str(&format!("  dikompilasi {name} ({us} µs)\n"));
    }
    for (name, why) in &s.refused {
        out.push_str(&format!("  ditolak {name}: {why}\n"));
    }
    // The slow paths compiled code took, most frequent first: where its
    // fast paths did not apply (types, overflow, cache misses) and the
    // shared semantics ran the instruction.
    let mut slow: Vec<(u64, &str)> = vm
        .jit_slow
        .iter()
        .zip(fox_bytecode::OP_NAMES)
        .filter(|(n, _)| **n > 0)
        .map(|(n, name)| (*n, *name))
        .collect();
    slow.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    if !slow.is_empty() {
        let total: u64 = slow.iter().map(|(n, _)| n).sum();
        out.push_str(&format!(
            "  {total} kali jalur lambat (jalur cepat kode mesin tidak berlaku):\n"
        ));
        for (n, name) in slow.iter().take(12) {
            out.push_str(&format!("    {name} {n}\n"));
        }
    }
    if let Some(backend) = vm.jit_report() {
        out.push_str(&format!("  {backend}\n"));
    }
    out
}

/// `FOX_LOG=jit` (any `tracing` filter: `jit=debug`, `info`): write the
/// VM's trace events — what the JIT compiles or refuses, as it happens —
/// to standard error. Without `FOX_LOG` nothing is installed.
pub fn init_log() {
    let Ok(filter) = std::env::var("FOX_LOG") else {
        return;
    };
    if filter.trim().is_empty() {
        return;
    }
    let filter = match tracing_subscriber::EnvFilter::try_new(filter.trim()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("fox: FOX_LOG tidak sah ({e}); log dimatikan");
            return;
        }
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(true)
        .without_time()
        .try_init();
}
