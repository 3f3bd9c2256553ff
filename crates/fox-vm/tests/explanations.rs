//! The error catalogue's explanations are tested like code: for every
//! code, the first ```morph block of its explanation (the failing example)
//! must end in an error with exactly that code — and the message its
//! ```text block shows — and the second ```morph block (the fix) must run
//! cleanly. Run in release: `cargo test --release -p fox-vm --test
//! explanations`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fox_vm::codes::CATALOGUE;
use fox_vm::host::SharedBufferHost;
use fox_vm::{BufferHost, Config, Host, Permissions, Vm, VmError};

/// The fenced blocks of a markdown text with the given info string.
fn blocks(md: &str, info: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    for line in md.lines() {
        match &mut cur {
            None if line == format!("```{info}") => cur = Some(String::new()),
            Some(b) if line == "```" => {
                out.push(std::mem::take(b));
                cur = None;
            }
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None => {}
        }
    }
    out
}

fn run(src: &str, config: Config, host: Box<dyn Host>) -> Result<(), VmError> {
    let mut vm = Vm::new(config, host);
    let r = vm.run_main("contoh.fox", src);
    vm.flush();
    r
}

#[test]
fn every_example_raises_its_code_and_every_fix_runs() {
    let mut checked = 0;
    for code in CATALOGUE {
        // R1302 needs two files; its example is prose only.
        if code.code == "R1302" {
            continue;
        }
        let morph = blocks(code.explanation, "morph");
        let text = blocks(code.explanation, "text");
        let bad = morph
            .first()
            .unwrap_or_else(|| panic!("{}: no example", code.code));
        let mut config = Config {
            permissions: Permissions::all(),
            ..Config::default()
        };
        if code.code == "R0901" {
            config.permissions = Permissions::none();
        }
        if code.code == "R1004" {
            config.max_instructions = Some(100_000);
        }
        // A host without a store, so `ingat` fails in R1203's example.
        match run(bad, config.clone(), Box::new(BufferHost::new())) {
            Err(VmError::Budget(_)) if code.code == "R1004" => {}
            Err(VmError::Uncaught(u)) => {
                assert_eq!(u.kode.as_deref(), Some(code.code), "{}: {u:?}", code.code);
                assert_eq!(u.jenis, code.jenis, "{}", code.code);
                let shown = text.first().map(|t| t.trim_end().to_string());
                let got = format!("{}[{}]: {}", u.jenis, code.code, u.pesan);
                match code.code {
                    // Machine-dependent details (paths, the OS's answer).
                    "R0901" | "R1202" => {
                        let want = shown.unwrap_or_default();
                        let prefix = want.split(':').next().unwrap_or("");
                        assert!(got.starts_with(prefix), "{}: {got}", code.code);
                    }
                    _ => assert_eq!(Some(got), shown, "{}: shown message", code.code),
                }
            }
            other => panic!("{}: example ended with {other:?}", code.code),
        }
        if let Some(fix) = morph.get(1) {
            let config = Config {
                permissions: Permissions::all(),
                ..Config::default()
            };
            let r = run(fix, config, Box::new(SharedBufferHost::new()));
            assert!(r.is_ok(), "{}: the fix fails: {r:?}", code.code);
        }
        checked += 1;
    }
    assert!(checked >= 35, "only {checked} explanations checked");
}
