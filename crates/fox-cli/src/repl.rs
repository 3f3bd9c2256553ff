//! `fox repl`: read lines with rustyline, keep reading while the input is
//! an unfinished block (its only errors are at the end of the text), run
//! each complete entry in one persistent module, and echo the value of a
//! bare expression.

use crate::host::StdHost;
use crate::render;
use fox_vm::{Config, Value, Vm, VmError};
use morph_syntax::ast::{Expr, Ident, LetTarget, Stmt, StmtKind};
use rustyline::error::ReadlineError;

/// Is the parse failing only because the text ends too early?
fn incomplete(src: &str) -> bool {
    morph_syntax::parse(src).is_incomplete(src)
}

pub fn repl(config: Config) -> u8 {
    // `ingat`/`kenang` use the store of the working directory.
    let host = StdHost::new(true)
        .with_store(fox_store::StoreSpec::Sqlite(fox_store::default_path(
            std::path::Path::new(""),
        )))
        .with_ticket_dir(std::path::PathBuf::from(".fox").join("tiket"))
        .with_ticket_key(crate::ticket_key::KeySource {
            explicit: None,
            default: std::path::PathBuf::from(".fox").join("ticket.key"),
        });
    let mut vm = Vm::new(config, Box::new(host));
    let module = vm.new_module("<repl>");
    let mut editor = match rustyline::DefaultEditor::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("fox: repl tidak bisa dimulai: {e}");
            return 2;
        }
    };
    println!(
        "Fox VM {} — Morph REPL. Blok dibaca sampai 'akhir'; Ctrl-D untuk keluar.",
        env!("CARGO_PKG_VERSION")
    );
    let mut buffer = String::new();
    loop {
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
                let _ = editor.add_history_entry(buffer.trim_end());
                let src = std::mem::take(&mut buffer);
                if let Some(code) = eval(&mut vm, module, &src) {
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
        Err(e) => {
            vm.flush();
            eprintln!("fox: {e}");
            None
        }
    }
}
