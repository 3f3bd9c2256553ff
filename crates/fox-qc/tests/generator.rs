//! The generator's own guarantees: the same seed gives the same bytes;
//! every generated program compiles without a diagnostic; the Python twins
//! run under `python3`; and a fixed-seed batch of 300 programs runs under
//! every execution mode (`FOX_QC_MODES=substring` selects some, `interp`
//! always kept) and CPython with no divergence — which also shows that
//! they terminate (a timeout is a divergence). The batch needs the `fox`
//! binary of the same build (`cargo build --release -p fox-cli`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fox_qc::campaign::{self, Setup};
use fox_qc::gen::{self, Family};
use fox_qc::modes;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let mut distinct = BTreeSet::new();
    for seed in 0..200u64 {
        let a = gen::generate(seed);
        let b = gen::generate(seed);
        assert_eq!(a.morph(), b.morph(), "seed {seed}");
        assert_eq!(a.python(), b.python(), "seed {seed}");
        distinct.insert(a.morph());
    }
    assert!(
        distinct.len() > 195,
        "only {} distinct programs",
        distinct.len()
    );
}

#[test]
fn generated_programs_compile_cleanly_and_use_every_family() {
    let mut seen = BTreeSet::new();
    for seed in 0..400u64 {
        let p = gen::generate(seed);
        let src = p.morph();
        let diags = morph_lint::errors("gen.fox", &src);
        assert!(
            diags.is_empty(),
            "seed {seed}: {:?}\n{src}",
            diags.iter().map(|d| d.message.clone()).collect::<Vec<_>>()
        );
        seen.extend(p.families.iter().copied());
        assert_eq!(p.has_twin(), p.families.iter().all(|f| f.has_twin()));
        assert_eq!(p.python().is_some(), p.has_twin());
    }
    assert_eq!(seen.len(), Family::ALL.len(), "families seen: {seen:?}");
}

#[test]
fn python_twins_run_under_python3() {
    let dir = std::env::temp_dir().join(format!("fox-qc-twins-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut ran = 0;
    for seed in 0..40u64 {
        let p = gen::generate(seed);
        let Some(py) = p.python() else { continue };
        let file = dir.join(format!("t{seed}.py"));
        std::fs::write(&file, py).unwrap();
        let out = Command::new("python3")
            .arg(&file)
            .output()
            .expect("python3 runs");
        assert!(
            out.status.success(),
            "seed {seed}: python3 failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty());
        ran += 1;
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(ran >= 25, "only {ran} of 40 programs had a twin");
}

fn fox_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/generator-… → target/<profile>/fox
    let fox = exe
        .parent()
        .and_then(|d| d.parent())
        .map(|d| d.join("fox"))
        .unwrap();
    assert!(
        fox.exists(),
        "{} is missing: build it first (cargo build --release -p fox-cli)",
        fox.display()
    );
    fox
}

#[test]
fn a_fixed_seed_batch_has_no_divergence() {
    let filter = std::env::var("FOX_QC_MODES").unwrap_or_default();
    let work = std::env::temp_dir().join(format!("fox-qc-batch-{}", std::process::id()));
    let setup = Setup {
        fox: fox_binary(),
        modes: modes::selected(&filter).unwrap_or_else(|e| panic!("FOX_QC_MODES: {e}")),
        python: Some(PathBuf::from("python3")),
        work: work.clone(),
        limit: Duration::from_secs(30),
    };
    let r = campaign::campaign(&setup, 20261205, 300, 2, &|_, _| {});
    let _ = std::fs::remove_dir_all(&work);
    assert_eq!(r.programs, 300);
    assert!(r.with_twin > 200, "{} twins", r.with_twin);
    let problems: Vec<String> = r
        .divergent
        .iter()
        .map(|d| {
            let f: Vec<String> = d
                .findings
                .iter()
                .map(|f| format!("{}: {}", f.kind.label(), f.detail))
                .collect();
            format!("#{} (fox-qc gen {}): {}", d.index, d.seed, f.join("; "))
        })
        .collect();
    assert!(problems.is_empty(), "divergences:\n{}", problems.join("\n"));
}
