//! Durable execution end to end, through the real `fox` binary, a real
//! SQLite store file and real processes: values remembered across runs,
//! a loop that fails at iteration 37 and resumes there from its ticket,
//! a 3-step pipeline that fails in step 2, damaged tickets, and SIGKILL in
//! the middle of `ingat`. The Morph programs live in `tests/durable/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn fox() -> &'static str {
    env!("CARGO_BIN_EXE_fox")
}

/// A fresh scratch directory holding copies of the named test programs.
fn scratch(name: &str, programs: &[&str]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fox-durable-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{dir:?}: {e}"));
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/durable");
    for p in programs {
        std::fs::copy(src.join(p), dir.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    }
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(fox())
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("fox {args:?}: {e}"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn tickets(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "z"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn values_survive_runs_with_sharing_cycles_closures_and_generators() {
    let dir = scratch("nilai", &["nilai.fox"]);
    let a = run(&dir, &["run", "nilai.fox", "simpan"]);
    assert_eq!(stdout(&a), "0 1\ntersimpan\n", "{}", stderr(&a));
    assert!(dir.join(".fox/store.db").is_file());
    let b = run(&dir, &["run", "nilai.fox", "muat"]);
    assert_eq!(
        stdout(&b),
        "1 2.5 tiga None True 6 True\n\
         7 True True\n\
         123456789012345678901234567891 Kotak(2)\n\
         3 4\n\
         4 9 habis\n\
         None True False None\n",
        "{}",
        stderr(&b)
    );
    assert!(b.status.success());
    // A value whose code changed is refused, with the function named.
    run(&dir, &["run", "nilai.fox", "simpan"]);
    let src = std::fs::read_to_string(dir.join("nilai.fox")).unwrap_or_default();
    let changed = src.replace("ubah n = n + 1", "ubah n = n + 2");
    std::fs::write(dir.join("nilai.fox"), changed).unwrap_or_else(|e| panic!("{e}"));
    let d = run(&dir, &["run", "nilai.fox", "muat"]);
    assert_eq!(d.status.code(), Some(1));
    let err = stderr(&d);
    assert!(
        err.contains("fungsi 'tambah'") && err.contains("berubah"),
        "{err}"
    );
    std::fs::write(dir.join("nilai.fox"), src).unwrap_or_else(|e| panic!("{e}"));
    // An explicit store elsewhere starts empty.
    let c = run(
        &dir,
        &["run", "--store", "sqlite:lain/s.db", "nilai.fox", "muat"],
    );
    assert!(!c.status.success());
    assert!(dir.join("lain/s.db").is_file());
}

#[test]
fn loop_failing_at_iteration_37_resumes_there_from_its_ticket() {
    let dir = scratch("iterasi37", &["iterasi37.fox"]);
    let first = run(&dir, &["run", "--tiket", "tiket", "iterasi37.fox"]);
    assert_eq!(first.status.code(), Some(1));
    let out = stdout(&first);
    let expected: String = (1..=36)
        .map(|i| {
            let total: usize = (1..=i).map(|k: usize| k.to_string().len()).sum();
            format!("iterasi {i} total {total}\n")
        })
        .collect();
    assert_eq!(out, expected);
    let err = stderr(&first);
    assert!(err.contains("Gagal membaca 'data-37.txt'"), "{err}");
    assert!(err.contains("tiket: tiket/iterasi37-"), "{err}");
    let t = tickets(&dir.join("tiket"));
    assert_eq!(t.len(), 1, "{t:?}");
    let ticket = t[0].to_string_lossy().into_owned();

    // The summary names the failure, its place and the attempt.
    let show = run(&dir, &["tiket", "show", "--json", &ticket]);
    let json = stdout(&show);
    assert!(json.contains("\"attempts\": 1"), "{json}");
    assert!(json.contains("\"line\": 7"), "{json}");
    assert!(json.contains("data-37.txt"), "{json}");

    // Resuming before the cause is fixed fails again: a new ticket, one
    // more attempt, the old one gone; still nothing printed twice.
    let again = run(&dir, &["resume", &ticket]);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(stdout(&again), "");
    let t2 = tickets(&dir.join("tiket"));
    assert_eq!(t2.len(), 1);
    assert_ne!(t2[0], t[0]);
    let ticket2 = t2[0].to_string_lossy().into_owned();
    let show2 = stdout(&run(&dir, &["tiket", "show", &ticket2]));
    assert!(show2.contains("percobaan  2"), "{show2}");

    // Fix the cause; the resumed run starts at iteration 37.
    std::fs::write(dir.join("data-37.txt"), "isi-37\n").unwrap_or_else(|e| panic!("{e}"));
    let resumed = run(&dir, &["resume", &ticket2]);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    let out = stdout(&resumed);
    assert!(out.starts_with("iterasi 37 total 70\n"), "{out}");
    assert!(!out.contains("iterasi 36 "), "{out}");
    assert!(out.ends_with("iterasi 50 total 96\nselesai 96\n"), "{out}");
    assert_eq!(out.lines().count(), 15);
    assert!(
        tickets(&dir.join("tiket")).is_empty(),
        "consumed ticket kept"
    );
}

#[test]
fn pipeline_step_2_fails_then_rerun_skips_step_1_and_globals_are_isolated() {
    let dir = scratch("alur", &["pipa.fox"]);
    let first = run(&dir, &["run", "pipa.fox"]);
    assert_eq!(first.status.code(), Some(1));
    // Step 2 does not see step 1's global changes.
    assert_eq!(
        stdout(&first),
        "langkah 1: ambil 7\nlangkah 2: hitungan = 0 catatan = []\n"
    );
    let t = tickets(&dir.join(".fox/tiket"));
    assert_eq!(t.len(), 1, "{}", stderr(&first));
    assert!(t[0]
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("pipa-demo-")));
    let show = stdout(&run(&dir, &["tiket", "show", &t[0].to_string_lossy()]));
    assert!(
        show.contains("alur       pipa-demo (langkah 2 dari 3)"),
        "{show}"
    );

    std::fs::write(dir.join("kunci.txt"), "rahasia\n").unwrap_or_else(|e| panic!("{e}"));
    let rerun = run(&dir, &["run", "pipa.fox"]);
    assert!(rerun.status.success(), "{}", stderr(&rerun));
    assert_eq!(
        stdout(&rerun),
        "langkah 2: hitungan = 0 catatan = []\n\
         langkah 3: hitungan = 0\n\
         hasil: rahasia=42 hitungan global: 0\n"
    );
    // The pipeline finished: its step results are forgotten, so the next
    // run starts from step 1 again.
    let third = run(&dir, &["run", "pipa.fox"]);
    assert!(stdout(&third).starts_with("langkah 1: ambil 7\n"));
}

#[test]
fn pipeline_ticket_resumes_inside_step_2() {
    let dir = scratch("alur-resume", &["pipa.fox"]);
    let first = run(&dir, &["run", "pipa.fox"]);
    assert_eq!(first.status.code(), Some(1));
    let t = tickets(&dir.join(".fox/tiket"));
    assert_eq!(t.len(), 1);
    std::fs::write(dir.join("kunci.txt"), "rahasia\n").unwrap_or_else(|e| panic!("{e}"));
    let resumed = run(&dir, &["resume", &t[0].to_string_lossy()]);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert_eq!(
        stdout(&resumed),
        "langkah 3: hitungan = 0\nhasil: rahasia=42 hitungan global: 0\n"
    );
}

#[test]
fn damaged_tickets_are_clear_errors() {
    let dir = scratch("rusak", &["iterasi37.fox"]);
    let first = run(&dir, &["run", "--tiket", "t", "iterasi37.fox"]);
    assert_eq!(first.status.code(), Some(1));
    let t = tickets(&dir.join("t"));
    assert_eq!(t.len(), 1);
    let good = std::fs::read(&t[0]).unwrap_or_else(|e| panic!("{e}"));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", Vec::new(), "terpotong"),
        (
            "not a ticket",
            b"hello world, not a ticket".to_vec(),
            "bukan tiket",
        ),
        ("truncated", good[..good.len() / 2].to_vec(), "terpotong"),
        ("header only", good[..36].to_vec(), "terpotong"),
        (
            "bit flip",
            {
                let mut b = good.clone();
                b[40] ^= 0x10;
                b
            },
            "checksum",
        ),
        // A flipped bit in the signature: resume refuses it; `tiket show`
        // reads it (it runs nothing).
        (
            "mac flip",
            {
                let mut b = good.clone();
                let i = b.len() - 5;
                b[i] ^= 0x10;
                b
            },
            "tanda tangan tiket tidak cocok|tanda      kunci",
        ),
        (
            "version",
            {
                let mut b = good.clone();
                b[4] = 9;
                b
            },
            "versi format 9",
        ),
    ];
    for (what, bytes, want) in cases {
        let p = dir.join("t").join(format!("{}.z", what.replace(' ', "_")));
        std::fs::write(&p, &bytes).unwrap_or_else(|e| panic!("{e}"));
        for cmd in [&["resume"][..], &["tiket", "show"][..]] {
            let mut args: Vec<&str> = cmd.to_vec();
            let ps = p.to_string_lossy().into_owned();
            args.push(&ps);
            let o = run(&dir, &args);
            let err = stderr(&o);
            // `want` is "for resume|for tiket show" where they differ.
            let want = match want.split_once('|') {
                Some((r, s)) => {
                    if cmd[0] == "resume" {
                        r
                    } else {
                        s
                    }
                }
                None => want,
            };
            if want.starts_with("tanda      ") {
                // `tiket show` reads a ticket whose MAC is damaged.
                assert_eq!(o.status.code(), Some(0), "{what} {cmd:?}: {err}");
                assert!(stdout(&o).contains(want), "{what}: {}", stdout(&o));
                continue;
            }
            assert_eq!(o.status.code(), Some(1), "{what} {cmd:?}: {err}");
            assert!(err.contains(want), "{what} {cmd:?}: {err}");
            assert!(err.contains(&ps), "{what}: error names the file: {err}");
            assert!(!err.contains("panicked"), "{what}: {err}");
        }
    }
    let missing = run(&dir, &["resume", "tidak-ada.z"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn budget_exhaustion_with_tiket_freezes_and_resumes() {
    let dir = scratch("budget", &["iterasi37.fox"]);
    std::fs::write(dir.join("data-37.txt"), "isi-37\n").unwrap_or_else(|e| panic!("{e}"));
    let full = stdout(&run(&dir, &["run", "iterasi37.fox"]));
    let first = run(
        &dir,
        &[
            "run",
            "--max-instructions",
            "40",
            "--tiket",
            "t",
            "iterasi37.fox",
        ],
    );
    assert_eq!(first.status.code(), Some(1));
    assert!(stderr(&first).contains("batas instruksi"));
    let t = tickets(&dir.join("t"));
    assert_eq!(t.len(), 1, "{}", stderr(&first));
    let rest = run(&dir, &["resume", &t[0].to_string_lossy()]);
    assert!(rest.status.success(), "{}", stderr(&rest));
    assert_eq!(format!("{}{}", stdout(&first), stdout(&rest)), full);
}

#[test]
fn budget_stops_inside_one_giant_operation_quickly_and_resumes() {
    let dir = scratch("raksasa", &["raksasa.fox"]);
    let full = run(&dir, &["run", "raksasa.fox"]);
    assert!(full.status.success(), "{}", stderr(&full));
    let full = stdout(&full);
    assert_eq!(full.lines().last(), Some("selesai"), "{full}");
    // 100,000 units: the `==` over ten million elements stops early.
    let start = std::time::Instant::now();
    let first = run(
        &dir,
        &[
            "run",
            "--max-instructions",
            "100000",
            "--tiket",
            "t",
            "raksasa.fox",
        ],
    );
    let took = start.elapsed();
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    assert!(
        stderr(&first).contains("batas instruksi"),
        "{}",
        stderr(&first)
    );
    assert_eq!(stdout(&first), "dibangun\n");
    assert!(took < Duration::from_secs(5), "stopping took {took:?}");
    let t = tickets(&dir.join("t"));
    assert_eq!(t.len(), 1, "{}", stderr(&first));
    // The ticket resumes at the interrupted `==`, which runs again whole.
    let rest = run(&dir, &["resume", &t[0].to_string_lossy()]);
    assert!(rest.status.success(), "{}", stderr(&rest));
    assert_eq!(format!("{}{}", stdout(&first), stdout(&rest)), full);
}

#[test]
fn sigkill_during_ingat_leaves_the_store_consistent() {
    let dir = scratch("kill", &["tulis_terus.fox", "cek_data.fox"]);
    let mut seen = 0u64;
    let mut whole = 0;
    for round in 0..8u64 {
        let mut child = Command::new(fox())
            .args(["run", "tulis_terus.fox"])
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn: {e}"));
        // Varying moments: during start-up, list building and writes.
        std::thread::sleep(Duration::from_millis(40 + (round * 37) % 160));
        child.kill().unwrap_or_else(|e| panic!("kill: {e}"));
        let _ = child.wait();
        let check = run(&dir, &["run", "cek_data.fox"]);
        let out = stdout(&check);
        assert!(check.status.success(), "round {round}: {}", stderr(&check));
        if let Some(seed) = out.strip_prefix("utuh ") {
            let seed: u64 = seed.trim().parse().unwrap_or(0);
            assert!(seed >= seen, "value went backwards: {seed} < {seen}");
            seen = seed;
            whole += 1;
        } else {
            assert_eq!(out, "kosong\n", "round {round}");
        }
    }
    assert!(whole > 0, "the writer never committed a value");
}

#[test]
fn resume_without_store_option_uses_the_store_the_run_used() {
    let dir = scratch("lain-store", &["pipa.fox"]);
    let first = run(&dir, &["run", "--store", "sqlite:lain.db", "pipa.fox"]);
    assert_eq!(first.status.code(), Some(1));
    let t = tickets(&dir.join(".fox/tiket"));
    assert_eq!(t.len(), 1, "{}", stderr(&first));
    let show = stdout(&run(&dir, &["tiket", "show", &t[0].to_string_lossy()]));
    assert!(show.contains("lain.db"), "{show}");
    std::fs::write(dir.join("kunci.txt"), "rahasia\n").unwrap();
    let resumed = run(&dir, &["resume", &t[0].to_string_lossy()]);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    // The pipeline finished in lain.db (its step results are gone) and the
    // default store was never created.
    let mut store = fox_store::SqliteStore::open(&dir.join("lain.db")).unwrap();
    use fox_store::Store;
    assert_eq!(store.keys("alur/").unwrap(), Vec::<String>::new());
    assert!(!dir.join(".fox/store.db").exists());
}
