//! FoxIPC task permissions with real processes: a SQLite queue in a fixture
//! directory (see `support/izin.rs`), tasks submitted with `fox ipc submit`
//! (and one by `kirim_tugas` from `fox run`), and `fox ipc worker`
//! processes whose `--allow-*` flags cap every task. A task starts from
//! nothing, gets what it asks for within its worker's caps, and no more.
//! The task program is `tests/permissions/ipc/tugas.fox`; the expected
//! `fox ipc status` of each task is `tests/permissions/ipc/NAME.out`
//! (`FOX_BLESS=1` writes them; read them before committing).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/izin.rs"]
mod izin;

use std::path::{Path, PathBuf};
use std::process::Output;

fn ipc_dir() -> PathBuf {
    std::fs::canonicalize(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/permissions/ipc"))
        .unwrap()
}

fn fox(d: &Path, args: &[&str]) -> Output {
    izin::fox_command(d).args(args).output().unwrap()
}

fn ok(d: &Path, args: &[&str]) -> String {
    let o = fox(d, args);
    assert!(
        o.status.success(),
        "fox {args:?}: {:?}\nstdout: {}\nstderr: {}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// `fox ipc submit FLAGS tugas.fox $D $P $Q`: the task id.
fn submit(d: &Path, flags: &[String], p: u16, q: u16) -> String {
    let program = ipc_dir().join("tugas.fox");
    let (ds, ps, qs) = (d.to_string_lossy(), p.to_string(), q.to_string());
    let mut args = vec!["ipc", "submit", "--store", "sqlite:antrean.db"];
    args.extend(flags.iter().map(String::as_str));
    args.push(program.to_str().unwrap());
    args.extend([ds.as_ref(), ps.as_str(), qs.as_str()]);
    ok(d, &args).trim().to_string()
}

/// A `fox ipc worker` with these caps, until the queue is empty.
fn work(d: &Path, caps: &[String]) {
    let mut args = vec![
        "ipc",
        "worker",
        "--store",
        "sqlite:antrean.db",
        "--idle-exit-ms",
        "500",
        "--quiet",
    ];
    args.extend(caps.iter().map(String::as_str));
    ok(d, &args);
}

fn status_json(d: &Path, id: &str) -> serde_json::Value {
    let text = ok(
        d,
        &[
            "ipc",
            "status",
            "--store",
            "sqlite:antrean.db",
            "--json",
            id,
        ],
    );
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn tasks_get_what_they_ask_for_within_their_workers_caps_and_no_more() {
    let d = izin::fixture("ipc");
    let (p, q) = (izin::echo_server(), izin::echo_server());
    let names = izin::Names {
        paths: vec![
            (d.to_string_lossy().into_owned(), "$D".to_string()),
            (ipc_dir().to_string_lossy().into_owned(), "$T".to_string()),
        ],
        ports: vec![(p, "$P".to_string()), (q, "$Q".to_string())],
    };
    let flags =
        |s: &str| -> Vec<String> { s.split_whitespace().map(|f| names.expand(f)).collect() };

    // (a) nothing asked: nothing granted, whatever the worker allows.
    let tanpa = submit(&d, &[], p, q);
    // (b) more asked than the worker allows: write and FOX_UJI_B refused.
    let asked = "--allow-read=$D/data --allow-write=$D/keluar \
                 --allow-env=FOX_UJI_A,FOX_UJI_B --allow-net=127.0.0.1:$P";
    let minta = submit(&d, &flags(asked), p, q);
    // Everything asked: exactly the worker's caps.
    let semua = submit(&d, &flags("--allow-all"), p, q);
    // Submitted by `kirim_tugas` from a run: the task asks for exactly the
    // run's grants.
    std::fs::copy(ipc_dir().join("tugas.fox"), d.join("data/tugas_ipc.fox")).unwrap();
    let run_flags = flags("--allow-read=$D/data --allow-net=127.0.0.1:$P");
    let pengirim = ipc_dir().join("pengirim.fox");
    let (ds, ps, qs) = (d.to_string_lossy(), p.to_string(), q.to_string());
    let mut args = vec!["run", "--store", "sqlite:antrean.db"];
    args.extend(run_flags.iter().map(String::as_str));
    args.extend([
        pengirim.to_str().unwrap(),
        ds.as_ref(),
        ps.as_str(),
        qs.as_str(),
    ]);
    let dari_run = ok(&d, &args)
        .trim()
        .strip_prefix("tugas ")
        .unwrap()
        .to_string();

    let caps = "--allow-read=$D/data --allow-env=FOX_UJI_A --allow-net=127.0.0.1";
    work(&d, &flags(caps));

    // (c) a worker allowing nothing gives nothing, even to --allow-all.
    let kosong = submit(&d, &flags("--allow-all"), p, q);
    work(&d, &[]);

    let mut failures = Vec::new();
    for (name, id) in [
        ("tanpa_izin", &tanpa),
        ("minta", &minta),
        ("minta_semua", &semua),
        ("dari_run", &dari_run),
        ("pekerja_kosong", &kosong),
    ] {
        let text = ok(&d, &["ipc", "status", "--store", "sqlite:antrean.db", id]);
        let expected = ipc_dir().join(format!("{name}.out"));
        if let Err(e) = izin::check_expected(&expected, &names.normalize(&text)) {
            failures.push(format!("task {name} ({id}):\n{e}"));
        }
    }

    // The JSON records what was asked and what was granted.
    let granted = |id: &str| -> Vec<String> {
        let t = status_json(&d, id);
        assert_eq!(t["state"], "selesai", "{t}");
        t["granted"]
            .as_array()
            .unwrap_or_else(|| panic!("no granted: {t}"))
            .iter()
            .map(|v| names.normalize(v.as_str().unwrap()))
            .collect()
    };
    assert_eq!(granted(&tanpa), Vec::<String>::new());
    assert_eq!(
        granted(&minta),
        [
            "--allow-read=$D/data",
            "--allow-net=127.0.0.1:$P",
            "--allow-env=FOX_UJI_A"
        ]
    );
    assert_eq!(
        granted(&semua),
        [
            "--allow-read=$D/data",
            "--allow-net=127.0.0.1",
            "--allow-env=FOX_UJI_A"
        ]
    );
    assert_eq!(
        granted(&dari_run),
        ["--allow-read=$D/data", "--allow-net=127.0.0.1:$P"]
    );
    assert_eq!(granted(&kosong), Vec::<String>::new());
    let t = status_json(&d, &minta);
    // (as flags, in the order `fox` lists its flags)
    let spec: Vec<String> = t["spec"]["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| names.normalize(v.as_str().unwrap()))
        .collect();
    assert_eq!(
        spec,
        [
            "--allow-read=$D/data",
            "--allow-write=$D/keluar",
            "--allow-net=127.0.0.1:$P",
            "--allow-env=FOX_UJI_A,FOX_UJI_B"
        ]
    );

    // The worker's refusal never reached the host.
    assert!(!d.join("keluar/tugas.txt").exists());
    assert!(
        failures.is_empty(),
        "{} tasks differ:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    let _ = std::fs::remove_dir_all(&d);
}
