//! The fuzz targets, one `#[test]` each (run one with `cargo test
//! --release -p fox-fuzz --test fuzz -- --exact NAME`): each replays its
//! saved corpus and regressions, then explores for a short, fixed-seed
//! while (`FOX_FUZZ_SECONDS`, `FOX_FUZZ_SEED`, … make a long campaign;
//! see `scripts/fuzz.sh` and docs/qc.md). A failure prints the report with
//! every failing input's saved path.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bytecode;
mod common;
mod compiler;
mod gen;
mod image;
mod ipc;
mod json;
mod syntax;

use fox_fuzz::{corpus, Settings, Target};

/// Seconds of exploration per target in a plain `cargo test`.
const DEFAULT_SECONDS: f64 = 2.0;

fn campaign(target: &Target, default_seed: u64) {
    let settings = Settings::from_env(DEFAULT_SECONDS, default_seed);
    let report = fox_fuzz::run(target, &settings);
    eprint!("{report}");
    assert!(
        report.replayed > 0,
        "{}: no saved inputs to replay",
        target.name
    );
    assert!(report.failures.is_empty(), "{report}");
}

#[test]
fn syntax() {
    campaign(&syntax::TARGET, 0x5157_0001);
}

#[test]
fn compiler() {
    campaign(&compiler::TARGET, 0x5157_0002);
}

#[test]
fn bytecode() {
    campaign(&bytecode::TARGET, 0x5157_0003);
}

#[test]
fn image() {
    campaign(&image::TARGET, 0x5157_0004);
}

#[test]
fn json() {
    campaign(&json::TARGET, 0x5157_0005);
}

#[test]
fn ipc() {
    campaign(&ipc::TARGET, 0x5157_0006);
}

/// Rewrites the binary seed corpora from real compilations and real VM
/// runs (`bytecode` from `fuzz/corpus/compiler/*.fox`, `image` from
/// `image::PROGRAM`). Run after a format change:
/// `cargo test --release -p fox-fuzz --test fuzz -- --ignored write_binary_seeds`.
#[test]
#[ignore]
fn write_binary_seeds() {
    let root = corpus::root().join("corpus");
    let sources = corpus::Corpus::load("compiler").unwrap();
    let dir = root.join("bytecode");
    let _ = std::fs::remove_dir_all(&dir);
    for s in &sources.seeds {
        let src = String::from_utf8_lossy(&s.bytes);
        if let Some(b) = bytecode::compile(&src) {
            corpus::save_into(&dir, "bin", &b).unwrap();
        }
    }
    let dir = root.join("image");
    let _ = std::fs::remove_dir_all(&dir);
    let seeds = image::seeds();
    assert_eq!(seeds.len(), 3, "a snapshot, a ticket and a value");
    for b in seeds {
        corpus::save_into(&dir, "z", &b).unwrap();
    }
}
