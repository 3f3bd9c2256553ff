//! Tickets can be trusted: a ticket is code plus state, so `fox resume` and
//! workers run only tickets signed with their key. Forged tickets (unsigned,
//! or signed with another key) and tampered ones (header or payload changed
//! after signing) are refused with a clear error that names the key needed,
//! and nothing is lost (the ticket stays); `fox tiket show` still reads
//! them all. A small ticket that claims a 4 GiB payload is refused before
//! anything is decompressed (peak RSS measured).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/measured.rs"]
mod measured;

use fox_vm::snapshot::{open_raw, seal_raw, Kind, OpenRules, TicketKey};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const PROGRAM: &str =
    "tulis(\"mulai\")\nbiar isi = _io_baca_file(\"ada.txt\")\ntulis(\"isi\", isi)\n";

fn fox() -> &'static str {
    env!("CARGO_BIN_EXE_fox")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fox-trust-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("prog.fox"), PROGRAM).unwrap();
    dir
}

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(fox());
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env_remove("FOX_TICKET_KEY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A real ticket: the program fails reading a missing file.
fn failed_run(dir: &Path) -> PathBuf {
    let o = run(dir, &["run", "--tiket", "t", "prog.fox"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let t = std::fs::read_dir(dir.join("t"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "z"))
        .expect("a ticket");
    assert!(
        dir.join(".fox/ticket.key").exists(),
        "key created on first use"
    );
    t
}

/// Resume `ticket`: it must be refused with `want` in the message, and the
/// ticket file must stay as it was.
fn refused(dir: &Path, ticket: &Path, env: &[(&str, &str)], want: &str) {
    let before = std::fs::read(ticket).unwrap();
    let o = run(dir, &["resume", ticket.to_str().unwrap()], env);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains(want), "want {want:?} in: {err}");
    assert!(
        !text(&o.stdout).contains("isi"),
        "it ran: {}",
        text(&o.stdout)
    );
    assert_eq!(std::fs::read(ticket).unwrap(), before, "ticket changed");
    // Reading it runs nothing and is always allowed.
    let show = run(dir, &["tiket", "show", ticket.to_str().unwrap()], env);
    assert!(show.status.success(), "{}", text(&show.stderr));
}

#[test]
fn forged_and_tampered_tickets_never_run() {
    let dir = scratch("palsu");
    let ticket = failed_run(&dir);
    let good = std::fs::read(&ticket).unwrap();
    let show = run(&dir, &["tiket", "show", ticket.to_str().unwrap()], &[]);
    assert!(
        text(&show.stdout).contains("tanda      kunci "),
        "{}",
        text(&show.stdout)
    );

    // The payload as an attacker could read it from the file.
    let unverified = OpenRules {
        key: None,
        unverified: true,
        max_raw: 1 << 30,
    };
    let (program, raw) = open_raw(Kind::Ticket, &good, unverified).unwrap();
    let forged = |name: &str, bytes: Vec<u8>| {
        let p = dir.join("t").join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };

    // Unsigned.
    let p = forged("tanpa_tanda.z", seal_raw(Kind::Ticket, program, &raw, None));
    refused(&dir, &p, &[], "tidak bertanda tangan");
    // Signed with the attacker's own key.
    let theirs = TicketKey::new(b"kunci-penyerang-yang-panjang").unwrap();
    let p = forged(
        "kunci_lain.z",
        seal_raw(Kind::Ticket, program, &raw, Some(&theirs)),
    );
    refused(
        &dir,
        &p,
        &[],
        &format!("ditandatangani dengan kunci {}", theirs.id_hex()),
    );
    // Header changed after signing (the program hash: the CRC covers only
    // the payload, the signature covers everything).
    let mut b = good.clone();
    b[9] ^= 1;
    let p = forged("kepala.z", b);
    refused(&dir, &p, &[], "tanda tangan tiket tidak cocok");
    // Payload changed, checksum fixed up.
    let mut b = good.clone();
    let len = u64::from_le_bytes(b[24..32].try_into().unwrap()) as usize;
    b[36 + len / 2] ^= 0x40;
    let crc = crc32fast::hash(&b[36..36 + len]);
    b[32..36].copy_from_slice(&crc.to_le_bytes());
    let p = forged("isi.z", b);
    refused(&dir, &p, &[], "tanda tangan tiket tidak cocok");
    // The real ticket under another key: the message names both keys.
    let other = "kunci-mesin-lain-0123456789abcdef";
    let other_id = TicketKey::new(other.as_bytes()).unwrap().id_hex();
    refused(&dir, &ticket, &[("FOX_TICKET_KEY", other)], &other_id);

    // The real ticket with its own key resumes (once the file is there).
    std::fs::write(dir.join("ada.txt"), "data").unwrap();
    let o = run(&dir, &["resume", ticket.to_str().unwrap()], &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "isi data\n");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_worker_refuses_a_ticket_signed_with_another_key() {
    let dir = scratch("pekerja");
    let o = run(
        &dir,
        &[
            "ipc",
            "submit",
            "--max-attempts",
            "3",
            "--backoff-ms",
            "10",
            "--allow-read=ada.txt",
            "prog.fox",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let id = text(&o.stdout).trim().to_string();
    // The first attempt fails (no ada.txt) and leaves a ticket signed with
    // this machine's key.
    let w = run(
        &dir,
        &[
            "ipc",
            "worker",
            "--allow-read",
            "--max-tasks",
            "1",
            "--idle-exit-ms",
            "300",
        ],
        &[],
    );
    assert!(w.status.success(), "{}", text(&w.stderr));
    std::fs::write(dir.join("ada.txt"), "data").unwrap();
    // A worker with another key must not run it.
    let w = run(
        &dir,
        &["ipc", "worker", "--allow-read", "--idle-exit-ms", "500"],
        &[("FOX_TICKET_KEY", "kunci-mesin-lain-0123456789abcdef")],
    );
    assert!(w.status.success(), "{}", text(&w.stderr));
    let s = run(&dir, &["ipc", "status", "--json", &id], &[]);
    let t: serde_json::Value = serde_json::from_slice(&s.stdout).unwrap();
    assert_eq!(t["state"], "mati", "{t}");
    assert_eq!(t["error_jenis"], "ErrorTiket", "{t}");
    assert!(
        t["error_pesan"]
            .as_str()
            .unwrap()
            .contains("bukan kunci ini"),
        "{t}"
    );
    assert_eq!(t["stdout"], "mulai\n", "nothing ran again: {t}");
    // The ticket is kept: with the right key, a retry resumes it.
    assert!(run(&dir, &["ipc", "retry", &id], &[]).status.success());
    let w = run(
        &dir,
        &["ipc", "worker", "--allow-read", "--idle-exit-ms", "500"],
        &[],
    );
    assert!(w.status.success(), "{}", text(&w.stderr));
    let s = run(&dir, &["ipc", "status", "--json", &id], &[]);
    let t: serde_json::Value = serde_json::from_slice(&s.stdout).unwrap();
    assert_eq!(t["state"], "selesai", "{t}");
    assert_eq!(t["stdout"], "mulai\nisi data\n", "{t}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// An envelope claiming `raw_len` bytes whose payload really inflates to
/// that many zero bytes.
fn bomb(raw_len: u64) -> Vec<u8> {
    let mut enc = zstd::stream::write::Encoder::new(Vec::new(), 1).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..raw_len >> 20 {
        std::io::Write::write_all(&mut enc, &zeros).unwrap();
    }
    let packed = enc.finish().unwrap();
    let mut out = Vec::new();
    out.extend_from_slice(b"FOXZ");
    out.extend_from_slice(&fox_vm::snapshot::FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&0u64.to_le_bytes());
    out.extend_from_slice(&raw_len.to_le_bytes());
    out.extend_from_slice(&(packed.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(&packed).to_le_bytes());
    out.extend_from_slice(&packed);
    out
}

#[test]
fn a_small_ticket_claiming_four_gib_is_refused_before_decompression() {
    let dir = scratch("bom");
    let b = bomb(4 << 30);
    eprintln!("bomb ticket: {} bytes claiming 4 GiB", b.len());
    assert!(b.len() < 1 << 20, "{}", b.len());
    let p = dir.join("bom.z");
    std::fs::write(&p, &b).unwrap();
    for args in [vec!["resume"], vec!["tiket", "show"]] {
        let mut cmd = Command::new(fox());
        cmd.args(&args)
            .arg(&p)
            .current_dir(&dir)
            .env_remove("FOX_TICKET_KEY");
        let m = measured::run_measured(&mut cmd, Duration::from_secs(60));
        eprintln!(
            "{args:?}: exit {}, peak {} MiB, {:.2} s: {}",
            m.code,
            m.peak / measured::MIB,
            m.secs,
            m.stderr.trim()
        );
        assert!(!m.killed);
        assert!(m.peak < 64 * measured::MIB, "{args:?}: peak {}", m.peak);
        if args[0] == "resume" {
            assert_eq!(m.code, 1, "{}", m.stderr);
            assert!(m.stderr.contains("tidak bertanda tangan"), "{}", m.stderr);
        } else {
            // Only the summary's prefix is read; zeros decode to an empty
            // summary or a clear error, never a 4 GiB buffer.
            assert!(m.code == 0 || m.code == 1, "{}", m.stderr);
            assert!(!m.stderr.contains("panicked"), "{}", m.stderr);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
