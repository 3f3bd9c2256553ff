//! `fox-qc`: the generated-program campaign's command line. `gen SEED`
//! prints a program (`--python` its twin), `campaign N` runs N programs
//! under every mode and CPython and prints the summary `scripts/qc.sh`
//! shows, `reduce FILE` shrinks a diverging program. Diverging programs
//! are saved, with their reduced form, under `target/qc/<seed>-<n>/`.

use clap::{Parser, Subcommand};
use fox_qc::campaign::{self, Divergent, Finding, Kind, Setup};
use fox_qc::gen::{self, Program};
use fox_qc::{modes, reduce};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(
    name = "fox-qc",
    about = "Program generator and differential campaigns for Fox VM"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Args, Clone)]
struct RunArgs {
    /// Only the modes whose names contain one of these comma-separated
    /// parts (`jit,auto`; interp is always kept).
    #[arg(long, default_value = "")]
    modes: String,
    /// The `fox` binary (default: the one beside `fox-qc`).
    #[arg(long)]
    fox: Option<PathBuf>,
    /// The Python interpreter for twins.
    #[arg(long, default_value = "python3")]
    python: PathBuf,
    /// Do not run the Python twins.
    #[arg(long)]
    no_python: bool,
    /// Where diverging programs are saved.
    #[arg(long, default_value = "target/qc")]
    out: PathBuf,
    /// Seconds each run may take.
    #[arg(long, default_value_t = 20)]
    limit: u64,
    /// Test runs the reducer may spend on one program.
    #[arg(long, default_value_t = 400)]
    reduce_budget: usize,
}

#[derive(Subcommand)]
enum Cmd {
    /// Print the program of SEED.
    Gen {
        seed: u64,
        /// Print the Python twin instead.
        #[arg(long)]
        python: bool,
    },
    /// Run N generated programs and summarise.
    Campaign {
        n: u64,
        /// The campaign's seed (random when absent; always printed).
        #[arg(long)]
        seed: Option<u64>,
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// Save diverging programs without reducing them.
        #[arg(long)]
        no_reduce: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Reduce a diverging program (a generated one structurally, any other
    /// by lines).
    Reduce {
        file: PathBuf,
        #[command(flatten)]
        run: RunArgs,
    },
}

fn setup(run: &RunArgs, work: PathBuf) -> Setup {
    let fox = run.fox.clone().unwrap_or_else(|| {
        std::env::current_exe()
            .map(|p| p.with_file_name("fox"))
            .unwrap_or_else(|_| PathBuf::from("fox"))
    });
    // Programs run in their own folders: a relative path must not change
    // meaning there.
    let fox = std::fs::canonicalize(&fox).unwrap_or(fox);
    Setup {
        fox,
        modes: match modes::selected(&run.modes) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("fox-qc: {e}");
                std::process::exit(2);
            }
        },
        python: (!run.no_python).then(|| run.python.clone()),
        work,
        limit: Duration::from_secs(run.limit),
    }
}

fn random_seed() -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    gen::rng::Rng::new(t ^ (std::process::id() as u64) << 32).next_u64() % 1_000_000_000_000
}

fn same_kind(findings: &[Finding], kind: &Kind) -> bool {
    findings.iter().any(|f| &f.kind == kind)
}

fn describe(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("{}: {}", f.kind.label(), f.detail))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Save a diverging generated program and its reduction under `dir`.
fn save_and_reduce(
    setup: &Setup,
    run: &RunArgs,
    dir: &Path,
    prog: &Program,
    d: &Divergent,
    reduce_it: bool,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("asli.fox"), prog.morph())?;
    let twin = setup.python.is_some() && prog.has_twin();
    if twin {
        if let Some(py) = prog.python() {
            std::fs::write(dir.join("asli.py"), py)?;
        }
    }
    let mut report = format!(
        "{}\nseed program {}\n{}\n",
        prog.header(),
        d.seed,
        describe(&d.findings)
    );
    if reduce_it {
        let kind = d.findings[0].kind.clone();
        let mut local = setup.clone();
        local.work = dir.join("kerja");
        let header = prog.header();
        let mut last = Vec::new();
        let mut test = |cand: &[gen::ast::Stmt]| {
            let m = gen::morph::program(&header, cand);
            let p = twin.then(|| gen::python::program(&header, cand));
            let c = campaign::check(&local, "r", &m, p.as_deref());
            let ok = same_kind(&c.findings, &kind);
            if ok {
                last = c.findings;
            }
            ok
        };
        let min = reduce::reduce(&prog.stmts, run.reduce_budget, &mut test);
        std::fs::write(dir.join("min.fox"), gen::morph::program(&header, &min))?;
        if twin {
            std::fs::write(dir.join("min.py"), gen::python::program(&header, &min))?;
        }
        report.push_str(&format!(
            "\nreduced ({} statements):\n{}\n",
            reduce::count_stmts(&min),
            describe(&last)
        ));
        let _ = std::fs::remove_dir_all(dir.join("kerja"));
    }
    std::fs::write(dir.join("divergensi.txt"), report)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.cmd {
        Cmd::Gen { seed, python } => {
            let p = gen::generate(seed);
            if python {
                match p.python() {
                    Some(src) => print!("{src}"),
                    None => {
                        eprintln!(
                            "program {seed} has no Python twin (families: {:?})",
                            p.families
                        );
                        return ExitCode::from(1);
                    }
                }
            } else {
                print!("{}", p.morph());
            }
            ExitCode::SUCCESS
        }
        Cmd::Campaign {
            n,
            seed,
            threads,
            no_reduce,
            run,
        } => {
            let seed = seed.unwrap_or_else(random_seed);
            let setup = setup(&run, run.out.join("kerja"));
            let names: Vec<&str> = setup.modes.iter().map(|m| m.name).collect();
            println!(
                "fox-qc: seed {seed}, {n} programs, modes {}, python {}",
                names.join(", "),
                setup
                    .python
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "-".into())
            );
            let started = Instant::now();
            let on_div = |d: &Divergent, prog: &Program| {
                let dir = campaign::case_dir(&run.out, seed, d.index);
                eprintln!(
                    "divergensi: program #{} (seed {}) → {}\n{}",
                    d.index,
                    d.seed,
                    dir.display(),
                    describe(&d.findings)
                );
                if let Err(e) = save_and_reduce(&setup, &run, &dir, prog, d, !no_reduce) {
                    eprintln!("cannot save {}: {e}", dir.display());
                }
            };
            let r = campaign::campaign(&setup, seed, n, threads, &on_div);
            let _ = std::fs::remove_dir_all(&setup.work);
            println!("programs per family:");
            for (f, c) in &r.families {
                println!("  {:<16} {c}", f.name());
            }
            println!("with a Python twin: {}", r.with_twin);
            println!("divergences by kind:");
            let kinds = r.by_kind();
            if kinds.is_empty() {
                println!("  (none)");
            }
            for (k, c) in &kinds {
                println!("  {k:<28} {c}");
            }
            for d in &r.divergent {
                println!(
                    "  #{} seed {} → {}",
                    d.index,
                    d.seed,
                    campaign::case_dir(&run.out, seed, d.index).display()
                );
            }
            if let Some((i, s, t)) = r.slowest {
                println!(
                    "slowest program: #{i} (seed {s}, fox-qc gen {s}) {} ms",
                    t.as_millis()
                );
            }
            println!(
                "time: {:.1} s, seed {seed}",
                started.elapsed().as_secs_f64()
            );
            println!("{} programs, {} divergences", r.programs, r.divergent.len());
            if r.divergent.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Cmd::Reduce { file, run } => reduce_file(&file, &run),
    }
}

fn reduce_file(file: &Path, run: &RunArgs) -> ExitCode {
    let src = match std::fs::read_to_string(file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot read {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    // A generated program names its seed on its first line.
    let generated = src.lines().next().and_then(|l| {
        let rest = l.strip_prefix("# fox-qc gen ")?;
        let seed: u64 = rest.trim().parse().ok()?;
        let p = gen::generate(seed);
        (p.morph() == src).then_some(p)
    });
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("program");
    let dir = match &generated {
        Some(p) => run.out.join(format!("{}-reduksi", p.seed)),
        None => run.out.join(format!("{stem}-reduksi")),
    };
    let setup = setup(run, dir.join("kerja"));
    let py = generated.as_ref().and_then(|p| p.python());
    let c = campaign::check(
        &setup,
        "asli",
        &src,
        if setup.python.is_some() {
            py.as_deref()
        } else {
            None
        },
    );
    let Some(first) = c.findings.first() else {
        println!("{}: no divergence under these modes", file.display());
        return ExitCode::SUCCESS;
    };
    println!("{}", describe(&c.findings));
    let d = Divergent {
        index: 0,
        seed: generated.as_ref().map(|p| p.seed).unwrap_or(0),
        findings: c.findings.clone(),
    };
    match &generated {
        Some(p) => {
            if let Err(e) = save_and_reduce(&setup, run, &dir, p, &d, true) {
                eprintln!("cannot save {}: {e}", dir.display());
                return ExitCode::from(2);
            }
        }
        None => {
            let kind = first.kind.clone();
            let mut test =
                |cand: &str| same_kind(&campaign::check(&setup, "r", cand, None).findings, &kind);
            let min = reduce::reduce_lines(&src, run.reduce_budget, &mut test);
            if let Err(e) = std::fs::create_dir_all(&dir)
                .and_then(|_| std::fs::write(dir.join("min.fox"), &min))
            {
                eprintln!("cannot save {}: {e}", dir.display());
                return ExitCode::from(2);
            }
            let _ = std::fs::remove_dir_all(dir.join("kerja"));
        }
    }
    println!("reduced program in {}", dir.display());
    ExitCode::from(1)
}
