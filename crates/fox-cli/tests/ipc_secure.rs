//! `fox ipc serve` exposed safely, through the real `fox` binary: no public
//! address without a token, `--server` clients passing the token (or told
//! how to), and HTTPS with a self-signed certificate the client trusts with
//! `--tls-ca`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::Path;
use std::time::Duration;
use support::{fails, fails_env, json, ok, ok_env, run, run_env, scratch, Serve};

const TOKEN: &str = "rahasia-cli-0123456789abcdef";

/// `token` in `dir`: the token and a newline, readable by its owner only.
fn token_file(dir: &Path) -> &'static str {
    let path = dir.join("token");
    std::fs::write(&path, format!("{TOKEN}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    "token"
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn worker(dir: &Path) {
    ok(
        dir,
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
}

#[test]
fn serve_refuses_a_public_address_without_a_token() {
    let dir = scratch("publik");
    let serve = ["ipc", "serve", "--store", "sqlite:antrean.db"];
    let public = [&serve[..], &["--listen", "0.0.0.0:0"]].concat();
    let out = run(&dir, &public);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("fox ipc serve: menolak mendengarkan di 0.0.0.0:0 tanpa token"),
        "{err}"
    );
    for hint in ["--token-file", "FOX_IPC_TOKEN", "127.0.0.1"] {
        assert!(err.contains(hint), "{hint}: {err}");
    }
    assert!(!dir.join("antrean.db").exists(), "refused before the queue");
    let out = run(&dir, &[&serve[..], &["--listen", "[::]:0"]].concat());
    assert_eq!(out.status.code(), Some(2));

    let (code, err) = fails_env(&dir, &public, &[("FOX_IPC_TOKEN", "pendek")]);
    assert_eq!(code, 2);
    assert!(
        err.contains("FOX_IPC_TOKEN: token terlalu pendek: 6 byte, minimal 16"),
        "{err}"
    );
    let (code, err) = fails(
        &dir,
        &[&public[..], &["--token-file", "tidak-ada"]].concat(),
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("--token-file: tidak bisa membaca 'tidak-ada'"),
        "{err}"
    );
    let (code, err) = fails(&dir, &[&serve[..], &["--tls-cert", "c.pem"]].concat());
    assert_eq!(code, 2);
    assert!(err.contains("--tls-cert dan --tls-key"), "{err}");
    let (code, err) = fails(&dir, &[&serve[..], &["--idle-timeout", "0"]].concat());
    assert_eq!(code, 2);
    assert!(err.contains("--idle-timeout"), "{err}");

    // With the token in the environment it listens, and wants the token.
    let srv = Serve::launch(
        &dir,
        &["--listen", "0.0.0.0:0"],
        &[("FOX_IPC_TOKEN", TOKEN)],
    );
    assert!(srv.url.starts_with("http://0.0.0.0:"), "{}", srv.url);
    let url = srv.url.replace("0.0.0.0", "127.0.0.1");
    let a = agent();
    let mut r = a.get(format!("{url}/api/stats")).call().unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert!(r
        .headers()
        .get("www-authenticate")
        .is_some_and(|v| v.to_str().unwrap().starts_with("Bearer")));
    let v: serde_json::Value = r.body_mut().read_json().unwrap();
    assert!(v["error"].as_str().unwrap().contains("token"), "{v}");
    let r = a
        .get(format!("{url}/api/stats"))
        .header("Authorization", format!("Bearer {TOKEN}"))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let listed = ok_env(
        &dir,
        &["ipc", "list", "--server", &url],
        &[("FOX_IPC_TOKEN", TOKEN)],
    );
    // An empty queue: the table's header and no rows.
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(listed.starts_with("tugas"), "{listed}");
}

#[test]
fn server_clients_send_the_token_or_are_told_how() {
    let dir = scratch("token");
    let tok = token_file(&dir);
    let srv = Serve::start(&dir, &["--token-file", tok]);
    let url = srv.url.as_str();

    let (code, err) = fails(&dir, &["ipc", "submit", "--server", url, "halo.fox"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with(&format!("fox: server {url}: server meminta token")),
        "{err}"
    );
    for hint in ["--token-file BERKAS", "FOX_IPC_TOKEN", "HTTP 401"] {
        assert!(err.contains(hint), "{hint}: {err}");
    }
    let wrong = [("FOX_IPC_TOKEN", "token-yang-salah-0123456789")];
    let (code, err) = fails_env(&dir, &["ipc", "list", "--server", url], &wrong);
    assert_eq!(code, 1);
    assert!(
        err.contains("server menolak token dari FOX_IPC_TOKEN"),
        "{err}"
    );
    let (code, _) = fails(&dir, &["ipc", "list", "--token-file", tok]);
    assert_eq!(code, 2, "--token-file without --server is a usage error");
    let listed = json(&ok(
        &dir,
        &[
            "ipc",
            "list",
            "--json",
            "--server",
            url,
            "--token-file",
            tok,
        ],
    ));
    assert_eq!(listed, serde_json::json!([]));

    // Every command through the server, with the token file.
    let with = |args: &[&str]| {
        ok(
            &dir,
            &[args, &["--server", url, "--token-file", tok]].concat(),
        )
    };
    let id = with(&["ipc", "submit", "--max-attempts", "1", "gagal.fox"]);
    let id = id.trim();
    worker(&dir);
    let t = json(&with(&["ipc", "status", id, "--json"]));
    assert_eq!(t["state"], "mati", "{t}");
    assert_eq!(
        with(&["ipc", "retry", id]),
        format!("tugas {id} dijadwalkan ulang\n")
    );
    assert_eq!(
        with(&["ipc", "cancel", id]),
        format!("tugas {id} dibatalkan\n")
    );
    assert!(with(&["ipc", "list"]).contains("dibatalkan"));
    assert_eq!(
        with(&["ipc", "purge", "--state", "dibatalkan"]),
        "1 tugas dihapus\n"
    );
    assert_eq!(with(&["ipc", "purge"]), "0 tugas dihapus\n");
    // The environment variable works as well as the file.
    let env = [("FOX_IPC_TOKEN", TOKEN)];
    let id = ok_env(
        &dir,
        &["ipc", "submit", "--server", url, "halo.fox", "x"],
        &env,
    );
    worker(&dir);
    let t = json(&ok_env(
        &dir,
        &["ipc", "status", id.trim(), "--json", "--server", url],
        &env,
    ));
    assert_eq!(t["stdout"], "halo x\nargumen 2\n", "{t}");
}

#[test]
fn https_with_a_self_signed_certificate() {
    let dir = scratch("tls");
    let tok = token_file(&dir);
    let ck =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()]).unwrap();
    std::fs::write(dir.join("cert.pem"), ck.cert.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), ck.signing_key.serialize_pem()).unwrap();
    let srv = Serve::start(
        &dir,
        &[
            "--token-file",
            tok,
            "--tls-cert",
            "cert.pem",
            "--tls-key",
            "key.pem",
        ],
    );
    let url = srv.url.as_str();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");

    let tls = ["--server", url, "--tls-ca", "cert.pem", "--token-file", tok];
    let id = ok(
        &dir,
        &[&["ipc", "submit"][..], &tls, &["halo.fox", "aman"]].concat(),
    );
    let id = id.trim();
    assert_eq!(
        json(&ok(
            &dir,
            &[&["ipc", "status", id, "--json"][..], &tls].concat()
        ))["state"],
        "menunggu"
    );
    worker(&dir);
    let t = json(&ok(
        &dir,
        &[&["ipc", "status", id, "--json"][..], &tls].concat(),
    ));
    assert_eq!(t["state"], "selesai", "{t}");
    assert_eq!(t["stdout"], "halo aman\nargumen 2\n");
    // FOX_IPC_CA and FOX_IPC_TOKEN instead of the flags.
    let env = [("FOX_IPC_CA", "cert.pem"), ("FOX_IPC_TOKEN", TOKEN)];
    let listed = ok_env(&dir, &["ipc", "list", "--server", url], &env);
    assert!(listed.contains("selesai"), "{listed}");

    // Not trusted without the certificate: a clear error, no hang.
    let (code, err) = fails(&dir, &["ipc", "list", "--server", url, "--token-file", tok]);
    assert_eq!(code, 1);
    assert!(err.starts_with(&format!("fox: server {url}: ")), "{err}");
    assert!(err.contains("--tls-ca"), "{err}");
    // Without the token the TLS connection works and the server says 401.
    let (_, err) = fails(
        &dir,
        &["ipc", "list", "--server", url, "--tls-ca", "cert.pem"],
    );
    assert!(err.contains("server meminta token"), "{err}");
    // Plain HTTP to the TLS port fails instead of hanging.
    let plain = url.replace("https://", "http://");
    let out = run_env(
        &dir,
        &["ipc", "list", "--server", &plain],
        &[("FOX_IPC_TOKEN", TOKEN)],
    );
    assert_eq!(out.status.code(), Some(1));
    let (code, err) = fails(
        &dir,
        &["ipc", "list", "--server", url, "--tls-ca", "tidak-ada.pem"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("--tls-ca"), "{err}");
}
