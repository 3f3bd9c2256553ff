//! `fox ipc serve` and `--server`, through the real `fox` binary: a server
//! process, submissions over HTTP, a separate worker process on the same
//! SQLite queue, and the same output as `--store` gives.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use support::{fails, json, ok, scratch, Serve};

#[test]
fn submit_through_the_server_and_a_worker_process_runs_it() {
    let dir = scratch("alur");
    let srv = Serve::start(&dir, &[]);
    let url = srv.url.as_str();
    let id = ok(
        &dir,
        &["ipc", "submit", "--server", url, "halo.fox", "dunia"],
    );
    let id = id.trim();
    assert!(id.parse::<i64>().is_ok(), "prints the task id: {id:?}");

    let waiting = json(&ok(&dir, &["ipc", "status", id, "--server", url, "--json"]));
    assert_eq!(waiting["state"], "menunggu");

    ok(
        &dir,
        &[
            "ipc",
            "worker",
            "--store",
            "sqlite:antrean.db",
            "--idle-exit-ms",
            "300",
            "--quiet",
        ],
    );

    let text = ok(&dir, &["ipc", "status", id, "--server", url, "--json"]);
    let t = json(&text);
    assert_eq!(t["state"], "selesai", "{t}");
    assert_eq!(t["attempts"], 1);
    assert_eq!(t["exit_code"], 0);
    assert_eq!(t["stdout"], "halo dunia\nargumen 2\n");

    // The same answers, byte for byte, as opening the store directly.
    let store = ["--store", "sqlite:antrean.db"];
    let direct = ok(
        &dir,
        &[&["ipc", "status", id, "--json"][..], &store].concat(),
    );
    assert_eq!(text, direct);
    let remote = ok(&dir, &["ipc", "status", id, "--server", url]);
    let direct = ok(&dir, &[&["ipc", "status", id][..], &store].concat());
    assert_eq!(remote, direct);
    assert!(remote.contains("keadaan    selesai"), "{remote}");
    for args in [
        &["ipc", "list"][..],
        &["ipc", "list", "--json"],
        &["ipc", "list", "--state", "selesai", "--limit", "5"],
    ] {
        let remote = ok(&dir, &[args, &["--server", url]].concat());
        let direct = ok(&dir, &[args, &store[..]].concat());
        assert_eq!(remote, direct, "{args:?}");
    }
    let submitted = json(&ok(
        &dir,
        &[
            "ipc",
            "submit",
            "--server",
            url,
            "--json",
            "--idempotency-key",
            "k",
            "halo.fox",
        ],
    ));
    let again = json(&ok(
        &dir,
        &[
            "ipc",
            "submit",
            "--server",
            url,
            "--json",
            "--idempotency-key",
            "k",
            "halo.fox",
        ],
    ));
    assert_eq!(submitted["id"], again["id"]);
    assert_eq!(
        (submitted["existing"].clone(), again["existing"].clone()),
        (false.into(), true.into())
    );
}

#[test]
fn retry_and_cancel_through_the_server() {
    let dir = scratch("ubah");
    let srv = Serve::start(&dir, &[]);
    let url = srv.url.as_str();
    let dead = ok(
        &dir,
        &[
            "ipc",
            "submit",
            "--server",
            url,
            "--max-attempts",
            "1",
            "gagal.fox",
        ],
    );
    let dead = dead.trim();
    ok(
        &dir,
        &[
            "ipc",
            "worker",
            "--store",
            "sqlite:antrean.db",
            "--max-tasks",
            "1",
            "--quiet",
        ],
    );
    let t = json(&ok(
        &dir,
        &["ipc", "status", dead, "--server", url, "--json"],
    ));
    assert_eq!(t["state"], "mati", "{t}");
    assert_eq!(t["ticket_summary"]["traceback"][0]["line"], 2, "{t}");
    let shown = ok(&dir, &["ipc", "status", dead, "--server", url]);
    assert!(shown.contains("tiket      gagal.fox:2:"), "{shown}");

    assert_eq!(
        ok(&dir, &["ipc", "retry", dead, "--server", url]),
        format!("tugas {dead} dijadwalkan ulang\n")
    );
    let t = json(&ok(
        &dir,
        &["ipc", "status", dead, "--server", url, "--json"],
    ));
    assert_eq!(t["state"], "gagal-coba-lagi");
    assert_eq!(
        ok(&dir, &["ipc", "cancel", dead, "--server", url]),
        format!("tugas {dead} dibatalkan\n")
    );
    let (code, err) = fails(&dir, &["ipc", "cancel", dead, "--server", url]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        format!("fox: tugas {dead} sudah berakhir atau tidak ada\n")
    );
    let (_, err) = fails(&dir, &["ipc", "retry", dead, "--server", url]);
    assert_eq!(err, format!("fox: tugas {dead} tidak gagal atau mati\n"));
    let (_, err) = fails(&dir, &["ipc", "status", "777", "--server", url]);
    assert_eq!(err, "fox: tugas 777 tidak ada\n");
    let (_, direct) = fails(
        &dir,
        &["ipc", "status", "777", "--store", "sqlite:antrean.db"],
    );
    assert_eq!(err, direct);
}

#[test]
fn serve_max_queued_refuses_submissions() {
    let dir = scratch("penuh");
    let srv = Serve::start(&dir, &["--max-queued", "1"]);
    let url = srv.url.as_str();
    ok(&dir, &["ipc", "submit", "--server", url, "halo.fox"]);
    let (code, err) = fails(&dir, &["ipc", "submit", "--server", url, "halo.fox"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("fox: antrean penuh: 1 tugas menunggu (batas 1)"),
        "{err}"
    );
    // The setting lives in the queue: --store sees the same refusal.
    let (_, direct) = fails(
        &dir,
        &["ipc", "submit", "--store", "sqlite:antrean.db", "halo.fox"],
    );
    assert_eq!(err, direct);
}

#[test]
fn server_option_errors() {
    let dir = scratch("salah");
    let (code, err) = fails(
        &dir,
        &[
            "ipc",
            "status",
            "1",
            "--server",
            "http://127.0.0.1:1",
            "--store",
            "sqlite:x.db",
        ],
    );
    assert_eq!(code, 2, "clap refuses both: {err}");
    let (_, err) = fails(
        &dir,
        &["ipc", "status", "1", "--server", "ftp://example.invalid"],
    );
    assert!(err.contains("bukan alamat http://HOST:PORT"), "{err}");
    // Nothing listens on port 1.
    let (code, err) = fails(&dir, &["ipc", "list", "--server", "http://127.0.0.1:1"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("fox: server http://127.0.0.1:1:"), "{err}");
    let (_, err) = fails(
        &dir,
        &[
            "ipc",
            "serve",
            "--store",
            "sqlite:antrean.db",
            "--listen",
            "bukan-alamat",
        ],
    );
    assert!(err.contains("--listen"), "{err}");
}
