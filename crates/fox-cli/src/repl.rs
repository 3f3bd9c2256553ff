//! `fox repl` (and `fox` alone on a terminal): read lines with rustyline
//! (completion and the history file: `repl_editor`), keep reading while
//! the input is an unfinished block (its only errors are at the end of the
//! text), run each complete entry in one persistent module, and echo the
//! value of a bare expression.
//!
//! Keys, as in python: Ctrl-C while an entry runs interrupts it and returns
//! to the prompt with every definition kept (the VM's interrupt flag, see
//! [`CtrlC`]); Ctrl-C at the prompt clears the line (and an unfinished
//! block); Ctrl-D at an empty prompt exits.

use crate::host::StdHost;
use crate::render;
use crate::repl_editor::{self, MorphEditor};
use fox_vm::{Config, Value, Vm, VmError};
use morph_syntax::ast::{Expr, Ident, LetTarget, Stmt, StmtKind};
use rustyline::error::ReadlineError;
use signal_hook::consts::SIGINT;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Ctrl-C while an entry runs. A terminal sends SIGINT only then: at the
/// prompt rustyline reads keys in raw mode, where Ctrl-C is a key. The
/// handler (signal-hook: an atomic store in the handler, no thread, unlike
/// the `ctrlc` crate, which also starts a thread and cannot be taken back)
/// has two actions, decided by `idle`:
/// * while an entry runs, set the VM's interrupt flag (`Config::interrupt`;
///   the VM stops at its next look, within about a millisecond, and a sleep
///   or a read of the terminal gives up within 20 ms);
/// * otherwise — a REPL reading lines from a pipe — the default action: the
///   process ends, as it did without a handler.
struct CtrlC {
    interrupt: Arc<AtomicBool>,
    idle: Arc<AtomicBool>,
}

impl CtrlC {
    fn install() -> std::io::Result<CtrlC> {
        let interrupt = Arc::new(AtomicBool::new(false));
        let idle = Arc::new(AtomicBool::new(true));
        signal_hook::flag::register_conditional_default(SIGINT, idle.clone())?;
        signal_hook::flag::register(SIGINT, interrupt.clone())?;
        Ok(CtrlC { interrupt, idle })
    }

    /// Run one entry with Ctrl-C interrupting it.
    fn during<T>(&self, f: impl FnOnce() -> T) -> T {
        // A Ctrl-C that came after the last entry ended is not for this one.
        self.interrupt.store(false, Ordering::Relaxed);
        self.idle.store(false, Ordering::Relaxed);
        let r = f();
        self.idle.store(true, Ordering::Relaxed);
        r
    }
}

/// Is the parse failing only because the text ends too early?
fn incomplete(src: &str) -> bool {
    morph_syntax::parse(src).is_incomplete(src)
}

/// Where history is read from and appended to: a terminal session only
/// (input piped into the REPL is not something typed), and not when
/// disabled.
fn history(editor: &mut MorphEditor) -> Option<PathBuf> {
    if !std::io::stdin().is_terminal() {
        return None;
    }
    let path = repl_editor::history_path()?;
    if path.exists() {
        if let Err(e) = editor.load_history(&path) {
            eprintln!("fox: riwayat '{}' tidak terbaca: {e}", path.display());
        }
    }
    Some(path)
}

/// Add an entry to the history and the history file.
fn remember(editor: &mut MorphEditor, file: &mut Option<PathBuf>, entry: &str) {
    if !matches!(editor.add_history_entry(entry), Ok(true)) {
        return;
    }
    let Some(path) = file else { return };
    let saved = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir)
            .map_err(rustyline::error::ReadlineError::Io)
            .and_then(|()| editor.append_history(path)),
        _ => editor.append_history(path),
    };
    if let Err(e) = saved {
        // Said once; the session goes on without a file.
        eprintln!("fox: riwayat '{}' tidak tersimpan: {e}", path.display());
        *file = None;
    }
}

pub fn repl(mut config: Config) -> u8 {
    let ctrl_c = match CtrlC::install() {
        Ok(c) => Some(c),
        Err(e) => {
            eprintln!("fox: Ctrl-C tidak bisa dipasang ({e}); Ctrl-C akan mengakhiri REPL");
            None
        }
    };
    // `ingat`/`kenang` use the store of the working directory.
    let mut host = StdHost::new(true)
        .with_store(fox_store::StoreSpec::Sqlite(fox_store::default_path(
            std::path::Path::new(""),
        )))
        .with_ticket_dir(std::path::PathBuf::from(".fox").join("tiket"))
        .with_ticket_key(crate::ticket_key::KeySource {
            explicit: None,
            default: std::path::PathBuf::from(".fox").join("ticket.key"),
        });
    if let Some(c) = &ctrl_c {
        config.interrupt = Some(c.interrupt.clone());
        host = host.with_interrupt(c.interrupt.clone());
    }
    let mut vm = Vm::new(config, Box::new(host));
    crate::tiering::install(&mut vm);
    let module = vm.new_module("<repl>");
    let mut editor = match repl_editor::editor() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("fox: repl tidak bisa dimulai: {e}");
            return 2;
        }
    };
    let mut history_file = history(&mut editor);
    println!(
        "Fox VM {} — Morph REPL. Blok dibaca sampai 'akhir'; Tab melengkapi; \
         Ctrl-C menghentikan kode yang berjalan; Ctrl-D untuk keluar.",
        env!("CARGO_PKG_VERSION")
    );
    let mut buffer = String::new();
    loop {
        if let Some(h) = editor.helper_mut() {
            h.refresh(&vm, module);
        }
        let prompt = if buffer.is_empty() { "fox> " } else { "...  " };
        match editor.readline(prompt) {
            Ok(line) => {
                buffer.push_str(&line);
                buffer.push('\n');
                if buffer.trim().is_empty() {
                    buffer.clear();
                    continue;
                }
                if incomplete(&buffer) {
                    continue;
                }
                remember(&mut editor, &mut history_file, buffer.trim_end());
                let src = std::mem::take(&mut buffer);
                let ended = match &ctrl_c {
                    Some(c) => c.during(|| eval(&mut vm, module, &src)),
                    None => eval(&mut vm, module, &src),
                };
                if let Some(code) = ended {
                    return code;
                }
            }
            Err(ReadlineError::Interrupted) => {
                buffer.clear();
            }
            Err(ReadlineError::Eof) => return 0,
            Err(e) => {
                eprintln!("fox: {e}");
                return 2;
            }
        }
    }
}

/// Evaluate one entry; `Some(code)` when the program asked to exit.
fn eval(vm: &mut Vm, module: u32, src: &str) -> Option<u8> {
    let mut parsed = morph_syntax::parse(src);
    if parsed.has_errors() {
        eprint!(
            "{}",
            render::diagnostics("<repl>", src, &parsed.diagnostics)
        );
        return None;
    }
    // A lone expression is stored in `_` and echoed.
    let mut echo = false;
    if let [Stmt {
        kind: StmtKind::Expr(e),
        span,
    }] = parsed.program.body.as_slice()
    {
        let (e, span): (Expr, _) = (e.clone(), *span);
        parsed.program.body = vec![Stmt {
            kind: StmtKind::Let {
                target: LetTarget::Name(Ident {
                    name: "_".to_string(),
                    span,
                }),
                value: Some(e),
                constant: false,
            },
            span,
        }];
        echo = true;
    }
    let func = match vm.compile_program_into(module, "<repl>", src, &parsed.program) {
        Ok(f) => f,
        Err(d) => {
            eprint!("{}", render::diagnostics("<repl>", src, &d));
            return None;
        }
    };
    match vm.run_function(func, module) {
        Ok(_) => {
            if echo {
                if let Some(v) = vm.module_get(module, "_") {
                    if !matches!(v, Value::Nil) {
                        match vm.repr_of(v) {
                            Ok(text) => vm.host.write_out(format!("{text}\n").as_bytes()),
                            // Too deep, too many digits, out of budget.
                            Err(e) => {
                                let e = vm.rt_to_vm_error(e);
                                eprintln!("{e}");
                            }
                        }
                    }
                }
            }
            vm.flush();
            None
        }
        Err(VmError::Exit(n)) => {
            vm.flush();
            Some((n & 0xff) as u8)
        }
        Err(VmError::Uncaught(u)) => {
            vm.flush();
            eprint!("{}", render::uncaught(&u));
            None
        }
        Err(VmError::Interrupted(trace)) => {
            vm.flush();
            // After the terminal's echo of "^C".
            if std::io::stderr().is_terminal() {
                eprintln!();
            }
            eprint!("{}", render::interrupted(&trace));
            None
        }
        Err(e) => {
            vm.flush();
            eprintln!("fox: {e}");
            None
        }
    }
}
