//! A campaign over one target: replay the saved inputs, then explore for
//! a time (and optionally a case count), half the cases from the target's
//! generator and half byte-level mutations of known inputs (the corpus,
//! the regressions and a rolling pool of recent generated inputs). Every
//! failing input is saved to the regressions at once. The settings come
//! from the environment so `scripts/fuzz.sh` can run long campaigns with a
//! printed seed while `cargo test` runs a short, fixed-seed one.

use crate::corpus::{self, Corpus};
use crate::exec::{run_one, Finding};
use crate::mutate::havoc;
use crate::rng::{fresh_seed, Rng};
use crate::Target;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Most generated inputs kept for later mutation.
const POOL: usize = 256;
/// A campaign stops after this many findings (they are all saved).
const MAX_FINDINGS: usize = 20;

/// How long and how a campaign explores.
#[derive(Clone, Debug)]
pub struct Settings {
    pub seed: u64,
    /// Exploration time after the replay.
    pub duration: Duration,
    /// At most this many explored cases (`None`: only the time bounds it).
    pub max_cases: Option<u64>,
    /// Wall-clock bound of one input.
    pub per_input: Duration,
    /// Save failing inputs to `fuzz/regressions/`.
    pub save: bool,
}

impl Settings {
    /// `cargo test`'s short campaign, unless the environment asks for more:
    /// `FOX_FUZZ_SECONDS`, `FOX_FUZZ_CASES`, `FOX_FUZZ_SEED` (`random` for a
    /// fresh one), `FOX_FUZZ_TIMEOUT_MS`, `FOX_FUZZ_SAVE=0`.
    pub fn from_env(default_seconds: f64, default_seed: u64) -> Settings {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let seconds = var("FOX_FUZZ_SECONDS")
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .unwrap_or(default_seconds);
        let seed = match var("FOX_FUZZ_SEED").as_deref() {
            Some("random") => fresh_seed(),
            Some(s) => parse_seed(s).unwrap_or(default_seed),
            None => default_seed,
        };
        Settings {
            seed,
            duration: Duration::from_secs_f64(seconds),
            max_cases: var("FOX_FUZZ_CASES").and_then(|v| v.parse().ok()),
            per_input: Duration::from_millis(
                var("FOX_FUZZ_TIMEOUT_MS")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(10_000),
            ),
            save: var("FOX_FUZZ_SAVE").as_deref() != Some("0"),
        }
    }
}

fn parse_seed(s: &str) -> Option<u64> {
    match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

/// One failing input.
#[derive(Clone, Debug)]
pub struct Failure {
    pub finding: Finding,
    /// Where it was saved (or the saved file it was replayed from).
    pub saved: Option<PathBuf>,
    /// The input's first bytes, for the report.
    pub preview: String,
}

/// What a campaign did.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub target: String,
    pub seed: u64,
    pub replayed: usize,
    pub generated: u64,
    pub mutated: u64,
    pub failures: Vec<Failure>,
    pub slowest: Duration,
    pub elapsed: Duration,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "fuzz {}: seed {:#x}, {} saved inputs replayed, {} cases ({} generated, {} mutated) in {:.1} s, slowest input {} ms, {} failures",
            self.target,
            self.seed,
            self.replayed,
            self.generated + self.mutated,
            self.generated,
            self.mutated,
            self.elapsed.as_secs_f64(),
            self.slowest.as_millis(),
            self.failures.len()
        )?;
        for x in &self.failures {
            let at = x
                .saved
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "(not saved)".into());
            writeln!(f, "  {} — {at}\n    input: {}", x.finding, x.preview)?;
        }
        Ok(())
    }
}

fn preview(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(&bytes[..bytes.len().min(160)]);
    format!("{:?}{}", s, if bytes.len() > 160 { "…" } else { "" })
}

/// Replay `target`'s saved inputs, then explore as `settings` says.
pub fn run(target: &Target, settings: &Settings) -> Report {
    let start = Instant::now();
    let mut report = Report {
        target: target.name.to_string(),
        seed: settings.seed,
        ..Report::default()
    };
    let corpus = match Corpus::load(target.name) {
        Ok(c) => c,
        Err(e) => {
            report.failures.push(Failure {
                finding: Finding::Broken(format!("cannot read the saved inputs: {e}")),
                saved: None,
                preview: String::new(),
            });
            return report;
        }
    };
    for saved in corpus.seeds.iter().chain(&corpus.regressions) {
        let out = run_one(target.check, &saved.bytes, settings.per_input);
        report.replayed += 1;
        report.slowest = report.slowest.max(out.elapsed);
        if let Some(finding) = out.finding {
            let hang = matches!(finding, Finding::Hang(_));
            report.failures.push(Failure {
                finding,
                saved: Some(saved.path.clone()),
                preview: preview(&saved.bytes),
            });
            if hang {
                return finish(report, start);
            }
        }
    }
    let known = corpus.all_bytes();
    let mut pool: Vec<Vec<u8>> = Vec::new();
    let mut rng = Rng::new(settings.seed);
    let explore_start = Instant::now();
    let mut cases = 0u64;
    while explore_start.elapsed() < settings.duration
        && settings.max_cases.is_none_or(|m| cases < m)
        && report.failures.len() < MAX_FINDINGS
    {
        cases += 1;
        let input = if known.is_empty() || rng.one_in(2) {
            report.generated += 1;
            let mut g = (target.generate)(&mut rng, &known);
            g.truncate(target.max_len);
            if pool.len() < POOL {
                pool.push(g.clone());
            } else {
                let i = rng.below(POOL);
                pool[i] = g.clone();
            }
            g
        } else {
            report.mutated += 1;
            let from_pool = !pool.is_empty() && rng.one_in(3);
            let base = if from_pool {
                rng.pick(&pool)
            } else {
                rng.pick(&known)
            };
            let base = base.cloned().unwrap_or_default();
            havoc(&mut rng, &base, &known, target.max_len)
        };
        let out = run_one(target.check, &input, settings.per_input);
        report.slowest = report.slowest.max(out.elapsed);
        if let Some(finding) = out.finding {
            let saved = if settings.save {
                corpus::save_regression(target.name, target.ext, &input).ok()
            } else {
                None
            };
            let hang = matches!(finding, Finding::Hang(_));
            report.failures.push(Failure {
                finding,
                saved,
                preview: preview(&input),
            });
            if hang {
                break;
            }
        }
    }
    finish(report, start)
}

fn finish(mut report: Report, start: Instant) -> Report {
    report.elapsed = start.elapsed();
    report
}
