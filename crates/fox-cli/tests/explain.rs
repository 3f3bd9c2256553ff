//! `fox explain`: every runtime error code (fox-vm's catalogue) and every
//! diagnostic code (morph-syntax's explanations) is explained, the listing
//! names them all, an unknown code is a usage error — and each diagnostic
//! explanation's failing example really gets its code from `fox check`,
//! while its fix checks clean (warnings denied) and runs. (The runtime examples are run by fox-vm's
//! `tests/explanations.rs`.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::{Command, Output};

fn fox(args: &[&str], dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fox"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("fox runs")
}

fn morph_blocks(md: &str) -> Vec<String> {
    md.split("```morph\n")
        .skip(1)
        .filter_map(|b| b.split("```").next().map(str::to_string))
        .collect()
}

#[test]
fn every_code_is_explained_and_listed() {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let list = fox(&["explain"], &here);
    assert_eq!(list.status.code(), Some(0));
    let list = String::from_utf8_lossy(&list.stdout).into_owned();
    for c in fox_vm::codes::CATALOGUE {
        let out = fox(&["explain", &c.code.to_lowercase()], &here);
        assert_eq!(out.status.code(), Some(0), "{}", c.code);
        assert_eq!(String::from_utf8_lossy(&out.stdout), c.explanation);
        assert!(list.contains(c.code), "listing lacks {}", c.code);
    }
    for e in morph_syntax::explain::EXPLANATIONS {
        let out = fox(&["explain", e.code], &here);
        assert_eq!(String::from_utf8_lossy(&out.stdout), e.text);
        assert!(list.contains(e.code), "listing lacks {}", e.code);
    }
    let unknown = fox(&["explain", "R9999"], &here);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("tidak dikenal"));
}

#[test]
fn diagnostic_examples_get_their_code_and_fixes_check_clean() {
    let dir = std::env::temp_dir().join(format!("fox-explain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut checked = 0;
    for e in morph_syntax::explain::EXPLANATIONS {
        let blocks = morph_blocks(e.text);
        let Some(bad) = blocks.first() else { continue };
        std::fs::write(dir.join("contoh.fox"), bad).unwrap();
        // A warning fails the check only when warnings are denied.
        let out = fox(&["check", "--deny-warnings", "contoh.fox"], &dir);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{}: {stderr}", e.code);
        assert!(
            stderr.contains(&format!("[{}]", e.code)),
            "{}: {stderr}",
            e.code
        );
        if let Some(fix) = blocks.get(1) {
            std::fs::write(dir.join("perbaikan.fox"), fix).unwrap();
            let check = fox(&["check", "--deny-warnings", "perbaikan.fox"], &dir);
            assert_eq!(
                check.status.code(),
                Some(0),
                "{}'s fix: {}",
                e.code,
                String::from_utf8_lossy(&check.stderr)
            );
            let out = fox(&["run", "perbaikan.fox"], &dir);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}: {}",
                e.code,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        checked += 1;
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(checked >= 23, "only {checked} examples");
}
