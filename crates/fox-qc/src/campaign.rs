//! Running generated programs: each under every selected mode (compared
//! with `interp` byte for byte: stdout, stderr, exit status) and, when it
//! has a twin, under CPython (stdout and exit status). Divergences are
//! classified by kind; a campaign runs many programs on worker threads and
//! gathers what the summary of `scripts/qc.sh` reports.

use crate::gen::{self, Family, Program};
use crate::modes::{Mode, REFERENCE};
use crate::run::{self, Outcome, Timed, TIMED_OUT};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// The kind of a divergence.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A mode's stdout, stderr or exit status differs from `interp`'s.
    Mode(String),
    /// CPython's stdout or exit status differs from `interp`'s.
    Python,
    /// Some mode panicked (exit status 101 or "panicked" on stderr) or was
    /// killed by a signal.
    Crash,
    /// Some run did not finish within the time bound.
    Timeout,
    /// `interp` failed (non-zero exit) where nothing else disagrees: a
    /// generated program must run cleanly.
    Failed,
}

impl Kind {
    pub fn label(&self) -> String {
        match self {
            Kind::Mode(m) => format!("mode {m} vs {REFERENCE}"),
            Kind::Python => format!("python vs {REFERENCE}"),
            Kind::Crash => "crash (panic, exit 101)".into(),
            Kind::Timeout => "timeout".into(),
            Kind::Failed => format!("{REFERENCE} gagal"),
        }
    }
}

/// One divergence: its kind and what differed.
#[derive(Debug, Clone)]
pub struct Finding {
    pub kind: Kind,
    pub detail: String,
}

/// Where and how programs are run.
#[derive(Debug, Clone)]
pub struct Setup {
    pub fox: PathBuf,
    pub modes: Vec<Mode>,
    /// The Python interpreter, or `None` not to use CPython.
    pub python: Option<PathBuf>,
    /// The folder the program files are written to (one per worker).
    pub work: PathBuf,
    pub limit: Duration,
}

/// The result of checking one program.
#[derive(Debug)]
pub struct Checked {
    pub findings: Vec<Finding>,
    /// How long `interp` took.
    pub elapsed: Duration,
}

fn crashed(o: &Outcome) -> bool {
    o.code == 101 || o.code == -1 || String::from_utf8_lossy(&o.stderr).contains("panicked")
}

fn failure(kind_of_err: &str, detail: String) -> Finding {
    let kind = if detail.contains(TIMED_OUT) {
        Kind::Timeout
    } else {
        Kind::Failed
    };
    Finding {
        kind,
        detail: format!("{kind_of_err}: {detail}"),
    }
}

/// Run one program (`morph`, and its twin `python` when given) and return
/// every divergence. `name` names the files written under `setup.work`.
pub fn check(setup: &Setup, name: &str, morph: &str, python: Option<&str>) -> Checked {
    let mut findings = Vec::new();
    let file = format!("{name}.fox");
    if let Err(e) = std::fs::create_dir_all(&setup.work)
        .and_then(|_| std::fs::write(setup.work.join(&file), morph))
    {
        findings.push(Finding {
            kind: Kind::Failed,
            detail: format!("cannot write {file}: {e}"),
        });
        return Checked {
            findings,
            elapsed: Duration::ZERO,
        };
    }
    let mut reference: Option<Timed> = None;
    for mode in &setup.modes {
        match run::run(mode, &setup.fox, &setup.work, &file, setup.limit) {
            Err(e) => findings.push(failure(mode.name, e)),
            Ok(t) => {
                if crashed(&t.outcome) {
                    let err = String::from_utf8_lossy(&t.outcome.stderr);
                    findings.push(Finding {
                        kind: Kind::Crash,
                        detail: format!(
                            "{}: exit {}: {}",
                            mode.name,
                            t.outcome.code,
                            err.lines().next().unwrap_or("")
                        ),
                    });
                } else if let Some(r) = &reference {
                    let diffs = run::differences(&r.outcome, &t.outcome);
                    if !diffs.is_empty() {
                        findings.push(Finding {
                            kind: Kind::Mode(mode.name.to_string()),
                            detail: diffs.join("; "),
                        });
                    }
                }
                if reference.is_none() {
                    reference = Some(t);
                }
            }
        }
    }
    let elapsed = reference.as_ref().map(|r| r.elapsed).unwrap_or_default();
    let mut python_agrees = false;
    if let (Some(py), Some(src), Some(r)) = (&setup.python, python, &reference) {
        let pfile = format!("{name}.py");
        match std::fs::write(setup.work.join(&pfile), src) {
            Err(e) => findings.push(failure("python", e.to_string())),
            Ok(()) => {
                let mut cmd = Command::new(py);
                cmd.arg(&pfile).current_dir(&setup.work);
                match run::run_command(cmd, "python", setup.limit) {
                    Err(e) => findings.push(failure("python", e)),
                    Ok(p) => {
                        let mut diffs = Vec::new();
                        if let Some((line, a, b)) =
                            run::first_difference(&p.outcome.stdout, &r.outcome.stdout)
                        {
                            diffs.push(format!("stdout line {line}: python {a}, fox {b}"));
                        }
                        if p.outcome.code != r.outcome.code {
                            let err = String::from_utf8_lossy(&p.outcome.stderr);
                            let last = err.lines().last().unwrap_or("").to_string();
                            diffs.push(format!(
                                "exit status: python {} ({last}), fox {}",
                                p.outcome.code, r.outcome.code
                            ));
                        }
                        if diffs.is_empty() {
                            python_agrees = true;
                        } else {
                            findings.push(Finding {
                                kind: Kind::Python,
                                detail: diffs.join("; "),
                            });
                        }
                    }
                }
            }
        }
    }
    if let Some(r) = &reference {
        if r.outcome.code != 0 && findings.is_empty() {
            let err = String::from_utf8_lossy(&r.outcome.stderr);
            let agree = if python_agrees { " (python too)" } else { "" };
            findings.push(Finding {
                kind: Kind::Failed,
                detail: format!(
                    "exit {}{agree}: {}",
                    r.outcome.code,
                    err.lines().next().unwrap_or("")
                ),
            });
        }
    }
    Checked { findings, elapsed }
}

/// One program of a campaign that diverged.
#[derive(Debug, Clone)]
pub struct Divergent {
    pub index: u64,
    pub seed: u64,
    pub findings: Vec<Finding>,
}

/// What a campaign saw.
#[derive(Debug, Default)]
pub struct Report {
    pub programs: usize,
    pub with_twin: usize,
    /// How many programs used each family (a program counts once per
    /// family it holds).
    pub families: BTreeMap<Family, usize>,
    pub divergent: Vec<Divergent>,
    /// The slowest program under `interp`: its index, seed and time.
    pub slowest: Option<(u64, u64, Duration)>,
}

impl Report {
    /// Divergences counted by kind label.
    pub fn by_kind(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for d in &self.divergent {
            for f in &d.findings {
                *m.entry(f.kind.label()).or_insert(0) += 1;
            }
        }
        m
    }
}

/// Run `count` programs of the campaign `seed` on `threads` workers;
/// `on_divergent` is called (from a worker) for each diverging program
/// with its generated [`Program`].
pub fn campaign(
    setup: &Setup,
    seed: u64,
    count: u64,
    threads: usize,
    on_divergent: &(dyn Fn(&Divergent, &Program) + Sync),
) -> Report {
    let next = AtomicUsize::new(0);
    let report = Mutex::new(Report::default());
    std::thread::scope(|s| {
        for w in 0..threads.max(1) {
            let report = &report;
            let next = &next;
            s.spawn(move || {
                let mut mine = setup.clone();
                mine.work = setup.work.join(format!("w{w}"));
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst) as u64;
                    if i >= count {
                        break;
                    }
                    let pseed = gen::rng::program_seed(seed, i);
                    let prog = gen::generate(pseed);
                    let py = if setup.python.is_some() {
                        prog.python()
                    } else {
                        None
                    };
                    let c = check(&mine, "p", &prog.morph(), py.as_deref());
                    let div = (!c.findings.is_empty()).then_some(Divergent {
                        index: i,
                        seed: pseed,
                        findings: c.findings,
                    });
                    if let Some(d) = &div {
                        on_divergent(d, &prog);
                    }
                    if let Ok(mut r) = report.lock() {
                        r.programs += 1;
                        r.with_twin += usize::from(py.is_some());
                        let mut fams = prog.families.clone();
                        fams.sort();
                        fams.dedup();
                        for f in fams {
                            *r.families.entry(f).or_insert(0) += 1;
                        }
                        if r.slowest.is_none_or(|(_, _, t)| c.elapsed > t) {
                            r.slowest = Some((i, pseed, c.elapsed));
                        }
                        if let Some(d) = div {
                            r.divergent.push(d);
                        }
                    }
                }
            });
        }
    });
    let mut r = report.into_inner().unwrap_or_default();
    r.divergent.sort_by_key(|d| d.index);
    r
}

/// The folder a diverging program's files are saved in.
pub fn case_dir(out: &Path, seed: u64, index: u64) -> PathBuf {
    out.join(format!("{seed}-{index}"))
}
