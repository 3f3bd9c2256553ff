//! `fox`: the command-line front end. It reads files, runs the VM, renders
//! diagnostics and errors, and decides exit codes (0 success, 1 Morph error
//! or invalid program, 2 usage error, the program's own `keluar(n)` status,
//! 101 internal error). It holds no language logic.

mod alloc;
mod args;
mod check;
mod client;
mod color;
mod durable;
mod explain;
mod grants;
mod heapsize;
mod host;
mod ipc;
mod ipc_table;
mod orphan;
mod render;
mod repl;
mod repl_editor;
mod secure;
mod ticket_key;
mod tiering;
mod worker_opts;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use fox_vm::roundtrip::{run_with_round_trips, RoundTrips};
use fox_vm::{Config, Vm, VmError};
use std::io::IsTerminal;
use std::process::ExitCode;

// mimalloc for small blocks, the kernel for big ones (see `alloc`).
#[global_allocator]
static GLOBAL: alloc::FoxAlloc = alloc::FoxAlloc;

#[derive(Parser, Debug)]
#[command(
    name = "fox",
    version,
    about = "Fox VM: the runtime for the Morph language",
    long_about = "Fox VM runs Morph programs (.fox) on a fast register-bytecode interpreter.\n\
                  `fox FILE [ARGS]` is short for `fox run FILE [ARGS]`; `fox` alone starts the \
                  REPL on a terminal and runs the program on standard input otherwise."
)]
struct Cli {
    /// When to colour diagnostics and tracebacks: auto (on a terminal,
    /// unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = color::ColorWhen::Auto)]
    color: color::ColorWhen,
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Debug, Clone)]
struct Limits {
    /// Maximum call depth (frames); deeper calls raise a catchable error.
    #[arg(long, default_value_t = 100_000)]
    max_depth: usize,
    /// Instruction budget, counted at loop back-edges and calls (default: unlimited).
    #[arg(long)]
    max_instructions: Option<u64>,
    /// Maximum number of live heap objects (default: unlimited).
    #[arg(long)]
    max_heap_objects: Option<usize>,
    /// Maximum nesting of data that repr, `==` and ordering walk (at most 2000).
    #[arg(long, default_value_t = 1000)]
    max_data_depth: usize,
    /// Maximum decimal digits of an integer converted to or from text (0 = no limit).
    #[arg(long, default_value_t = 4300)]
    max_int_digits: usize,
    /// Heap limit in bytes; suffixes K, M, G, T are powers of 1024 (512M,
    /// 4G); 0 = unlimited. Past it allocations raise a catchable
    /// ErrorMemori. Default: 4G, or half the physical memory if less.
    #[arg(long, value_name = "N", value_parser = heapsize::parse)]
    max_heap_bytes: Option<usize>,
    #[command(flatten)]
    tiers: tiering::TierOpts,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a Morph program.
    Run {
        #[command(flatten)]
        limits: Limits,
        #[command(flatten)]
        durable: durable::DurableOpts,
        #[command(flatten)]
        permissions: grants::PermissionOpts,
        /// Seed for `acak`/`acak_bulat` (default: a fixed seed, so runs are
        /// reproducible).
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
        /// Testing mode: at every N-th safe point freeze the whole VM into
        /// the image a ticket holds, drop it and continue in a fresh VM
        /// decoded from it. The output must equal a plain run's.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        roundtrip_every: Option<u64>,
        /// Report extra facts about the run on standard error: whether the
        /// JIT can run on this machine (else `auto` interprets everything),
        /// and with `--roundtrip-every` how many round trips were made and
        /// skipped.
        #[arg(long)]
        verbose: bool,
        /// The program (.fox); `-` reads it from standard input.
        file: String,
        /// Arguments passed to the program (`argumen_sistem`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Parse, compile and lint files, reporting every error and warning;
    /// runs nothing.
    Check {
        /// Exit with status 1 when there are warnings too.
        #[arg(long)]
        deny_warnings: bool,
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Print the bytecode listing of a program.
    Disasm { file: String },
    /// Interactive read-eval-print loop (also `fox` alone on a terminal).
    ///
    /// Ctrl-C interrupts running code and keeps every definition; at the
    /// prompt it clears the line; Ctrl-D exits. Tab completes names and
    /// keywords. History is kept in $FOX_HISTORY (empty: none), else
    /// $XDG_STATE_HOME/fox/history, else ~/.local/state/fox/history.
    Repl {
        #[command(flatten)]
        limits: Limits,
        #[command(flatten)]
        permissions: grants::PermissionOpts,
    },
    /// Continue a run frozen in a `.z` ticket, at its failing instruction.
    Resume {
        #[command(flatten)]
        limits: Limits,
        #[command(flatten)]
        durable: durable::DurableOpts,
        /// Host access for the resumed run (default: the ticket's own; wider
        /// grants than the ticket's are reported).
        #[command(flatten)]
        permissions: grants::PermissionOpts,
        /// Keep the ticket (default: a resume that finishes deletes it, one
        /// that fails again replaces it with a new ticket).
        #[arg(long)]
        keep: bool,
        /// The ticket (.z).
        ticket: String,
    },
    /// Explain an error code (R0301, E0201), as `rustc --explain`; without
    /// a code, list them all.
    Explain {
        /// The code, e.g. R0301 (a runtime error) or E0201 (a diagnostic).
        code: Option<String>,
    },
    /// Inspect `.z` tickets.
    Tiket {
        #[command(subcommand)]
        command: TiketCommand,
    },
    /// FoxIPC: the durable task queue and its workers.
    Ipc {
        #[command(subcommand)]
        command: ipc::IpcCommand,
    },
}

#[derive(Subcommand, Debug)]
enum TiketCommand {
    /// Print a ticket's summary: what failed, where, attempts, when.
    Show {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        ticket: String,
    },
}

/// Read a source file: missing files and invalid UTF-8 are clear errors.
fn read_source(path: &str) -> Result<String, (String, u8)> {
    let bytes =
        std::fs::read(path).map_err(|e| (format!("fox: tidak bisa membaca '{path}': {e}"), 2))?;
    decode_source(path, bytes)
}

/// Read the whole program from standard input (`fox run -`).
fn read_stdin_source() -> Result<String, (String, u8)> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(|e| (format!("fox: tidak bisa membaca masukan standar: {e}"), 2))?;
    decode_source(STDIN_NAME, bytes)
}

/// The name a program read from standard input goes by.
const STDIN_NAME: &str = "<stdin>";

/// Source text from bytes; invalid UTF-8 is a diagnostic at its position.
fn decode_source(path: &str, bytes: Vec<u8>) -> Result<String, (String, u8)> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        let index = morph_syntax::LineIndex::new(&prefix);
        let (line, col) = index.line_col(&prefix, valid as u32);
        (
            format!(
                "{path}:{line}:{col}: error[E0104]: berkas bukan UTF-8 yang sah (byte {valid})"
            ),
            1,
        )
    })
}

fn config(limits: &Limits, argv: Vec<String>, permissions: fox_vm::Permissions) -> Config {
    // A bad FOX_JIT_THRESHOLD is reported by `tier_check` before any run.
    let (tier, jit_threshold) = limits
        .tiers
        .resolve()
        .unwrap_or((fox_vm::jitabi::Tier::Interp, 0));
    Config {
        max_depth: limits.max_depth.max(1),
        max_stack_slots: fox_vm::regstack::DEFAULT_STACK_SLOTS,
        max_instructions: limits.max_instructions,
        max_heap_objects: limits.max_heap_objects.unwrap_or(0),
        max_data_depth: limits.max_data_depth,
        max_int_digits: limits.max_int_digits,
        max_heap_bytes: limits
            .max_heap_bytes
            .unwrap_or_else(heapsize::default_limit),
        argv,
        permissions,
        ticket_key: None,
        interrupt: None,
        tier,
        jit_threshold,
        jit_code_limit: limits.tiers.jit_code_limit,
    }
}

/// Report how a run ended; returns the exit status.
pub(crate) fn finish(err: Option<VmError>) -> u8 {
    match err {
        None => 0,
        Some(VmError::Exit(n)) => (n & 0xff) as u8,
        Some(VmError::Uncaught(u)) => {
            eprint!("{}", render::uncaught(&u));
            1
        }
        Some(VmError::Compile {
            file,
            source,
            diagnostics,
        }) => {
            // The VM stops at the first phase that fails; the full set
            // (compiler errors on the recovered tree too) is morph_lint's.
            let all = morph_lint::errors(&file, &source);
            let shown = if all.is_empty() { &diagnostics } else { &all };
            eprint!("{}", render::diagnostics(&file, &source, shown));
            1
        }
        Some(VmError::Io(m)) => {
            eprintln!("fox: {m}");
            2
        }
        Some(VmError::Budget(n)) => {
            eprintln!(
                "BatasInstruksi[{}]: batas instruksi ({n}) terlampaui; program dihentikan",
                fox_vm::codes::INSTRUCTION_BUDGET.code
            );
            1
        }
        // Only a VM given an interrupt flag (the REPL) stops this way; the
        // status is the shell's for SIGINT.
        Some(VmError::Interrupted(trace)) => {
            eprint!("{}", render::interrupted(&trace));
            130
        }
        Some(VmError::Internal(m)) => {
            eprintln!("fox: kesalahan internal (bug Fox VM): {m}");
            101
        }
    }
}

/// How `fox run` runs a program, beyond its limits and grants.
#[derive(Clone, Copy)]
struct RunMode {
    seed: Option<u64>,
    /// `--roundtrip-every N`.
    roundtrip_every: Option<u64>,
    verbose: bool,
}

fn run(
    file: &str,
    args: &[String],
    limits: &Limits,
    opts: &durable::DurableOpts,
    permissions: &grants::PermissionOpts,
    mode: RunMode,
) -> u8 {
    let seed = mode.seed;
    let permissions = match grants::for_program(permissions, file) {
        Ok(p) => p,
        Err(m) => {
            eprintln!("{m}");
            return 2;
        }
    };
    let (file, source) = if file == "-" {
        (STDIN_NAME, read_stdin_source())
    } else {
        (file, read_source(file))
    };
    let source = match source {
        Ok(s) => s,
        Err((msg, code)) => {
            eprintln!("{msg}");
            return code;
        }
    };
    let mut argv = vec![file.to_string()];
    argv.extend(args.iter().cloned());
    let (host, store) = match durable::host(file, opts, seed) {
        Ok(h) => h,
        Err(m) => {
            eprintln!("{m}");
            return 2;
        }
    };
    if let Err(m) = limits.tiers.resolve() {
        eprintln!("{m}");
        return 2;
    }
    let mut vm = Vm::new(config(limits, argv, permissions), Box::new(host));
    tiering::install(&mut vm);
    if let Some(line) = mode.verbose.then(|| tiering::verbose_line(&vm)).flatten() {
        eprintln!("{line}");
    }
    vm.ticket_on_error = opts.tiket.is_some();
    vm.store_spec = store;
    let mut round_trips: Option<RoundTrips> = None;
    let mut err = match mode.roundtrip_every {
        None => vm.run_main(file, &source).err(),
        Some(every) => {
            let (ended_in, result, counts) =
                run_with_round_trips(vm, every, |vm| vm.run_main(file, &source));
            vm = ended_in;
            round_trips = Some(counts);
            result.err()
        }
    };
    let budget = durable::budget_ticket(&mut vm, &mut err);
    vm.flush();
    if let Some(Ok(path)) = &budget {
        eprintln!("tiket: {path}\n  (lanjutkan dengan: fox resume {path})");
    }
    let status = finish(err);
    if limits.tiers.jit_stats {
        eprint!("{}", tiering::report(&vm));
    }
    if let (Some(c), true) = (round_trips, mode.verbose) {
        eprintln!(
            "fox: {} round trip dilakukan, {} dilewati (keadaan yang tidak bisa dibekukan)",
            c.done, c.skipped
        );
    }
    status
}

fn disasm(file: &str) -> u8 {
    let source = match read_source(file) {
        Ok(s) => s,
        Err((msg, code)) => {
            eprintln!("{msg}");
            return code;
        }
    };
    let parsed = morph_syntax::parse(&source);
    if parsed.has_errors() {
        eprint!(
            "{}",
            render::diagnostics(file, &source, &parsed.diagnostics)
        );
        return 1;
    }
    let mut globals = fox_compiler::Globals::default();
    let mut interner = fox_bytecode::Interner::new();
    match fox_compiler::compile_module(&parsed.program, file, &source, &mut globals, &mut interner)
    {
        Ok(m) => {
            print!("{}", fox_bytecode::disasm::disassemble(&m, &interner));
            0
        }
        Err(d) => {
            eprint!("{}", render::diagnostics(file, &source, &d));
            1
        }
    }
}

fn main() -> ExitCode {
    tiering::init_log();
    let args = match args::normalize(std::env::args().collect(), std::io::stdin().is_terminal()) {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    let early = color::clap_choice(args::color_before_parse(&args));
    let cli = match Cli::command()
        .color(early)
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    color::set(cli.color);
    let code = match &cli.command {
        Command::Run {
            limits,
            durable,
            permissions,
            seed,
            roundtrip_every,
            verbose,
            file,
            args,
        } => run(
            file,
            args,
            limits,
            durable,
            permissions,
            RunMode {
                seed: *seed,
                roundtrip_every: *roundtrip_every,
                verbose: *verbose,
            },
        ),
        Command::Resume {
            limits,
            durable,
            permissions,
            keep,
            ticket,
        } => durable::resume(
            ticket,
            durable,
            permissions,
            config(limits, Vec::new(), fox_vm::Permissions::none()),
            *keep,
        ),
        Command::Tiket {
            command: TiketCommand::Show { json, ticket },
        } => durable::show(ticket, *json),
        Command::Ipc { command } => ipc::run(command),
        Command::Check {
            deny_warnings,
            files,
        } => check::run(files, *deny_warnings),
        Command::Explain { code } => explain::run(code.as_deref()),
        Command::Disasm { file } => disasm(file),
        Command::Repl {
            limits,
            permissions,
        } => match grants::for_program(permissions, "<repl>") {
            Ok(p) => repl::repl(config(limits, vec!["<repl>".to_string()], p)),
            Err(m) => {
                eprintln!("{m}");
                2
            }
        },
    };
    ExitCode::from(code)
}
