//! `fox run --roundtrip-every N`, the testing mode that freezes the whole
//! VM at every N-th safe point and continues in a fresh VM decoded from the
//! image: its counts under `--verbose`, round trips skipped while a network
//! connection is open (a snapshot would close it), the user's own
//! instruction budget kept across the pieces, and a bad interval refused.
//! (The conformance corpus runs under every round-trip mode in
//! `conformance.rs`.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fox-roundtrip-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fox(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fox"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("fox runs")
}

const LOOP: &str = "biar total = 0\nbiar i = 0\nselama i < 50 maka\n    ubah total = total + i\n    ubah i = i + 1\nakhir\ntulis(total)\n";

#[test]
fn verbose_counts_the_round_trips() {
    let dir = scratch("count");
    std::fs::write(dir.join("p.fox"), LOOP).unwrap();
    let plain = fox(&dir, &["run", "p.fox"]);
    let rt = fox(
        &dir,
        &["run", "--roundtrip-every", "1", "--verbose", "p.fox"],
    );
    assert_eq!(rt.stdout, plain.stdout);
    assert_eq!(String::from_utf8_lossy(&rt.stdout), "1225\n");
    let err = String::from_utf8_lossy(&rt.stderr);
    // 50 iterations of a bottom-tested loop: 49 back-edges, a round trip
    // at each; at 7, one at every 7th.
    assert!(err.contains("49 round trip dilakukan, 0 dilewati"), "{err}");
    let seventh = fox(
        &dir,
        &["run", "--roundtrip-every", "7", "--verbose", "p.fox"],
    );
    let err = String::from_utf8_lossy(&seventh.stderr);
    assert!(err.contains("7 round trip dilakukan, 0 dilewati"), "{err}");
    // Without --verbose nothing is added to stderr.
    let quiet = fox(&dir, &["run", "--roundtrip-every", "7", "p.fox"]);
    assert_eq!(quiet.stderr, plain.stderr);
    assert_eq!(quiet.stdout, plain.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_open_connection_skips_round_trips_and_the_output_is_unchanged() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // An echo server for two connections (the plain run and the round-trip run).
    let server = std::thread::spawn(move || {
        for _ in 0..2 {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 64];
            let n = s.read(&mut buf).unwrap();
            s.write_all(&buf[..n]).unwrap();
        }
    });
    let dir = scratch("net");
    let program = format!(
        "biar k = _net_konek(\"127.0.0.1\", {port})\n\
         biar i = 0\nselama i < 5 maka\n    ubah i = i + 1\nakhir\n\
         _net_kirim(k, \"halo\")\ntulis(_net_terima(k, 4))\n_net_tutup(k)\n\
         biar j = 0\nselama j < 3 maka\n    ubah j = j + 1\nakhir\ntulis(j)\n"
    );
    std::fs::write(dir.join("p.fox"), program).unwrap();
    let plain = fox(&dir, &["run", "p.fox"]);
    assert_eq!(
        String::from_utf8_lossy(&plain.stdout),
        "halo\n3\n",
        "{plain:?}"
    );
    let rt = fox(
        &dir,
        &["run", "--roundtrip-every", "1", "--verbose", "p.fox"],
    );
    assert_eq!(
        rt.stdout,
        plain.stdout,
        "{}",
        String::from_utf8_lossy(&rt.stderr)
    );
    let err = String::from_utf8_lossy(&rt.stderr);
    // The calls and back-edges while the connection is open are skipped;
    // the three loop back-edges after `_net_tutup` are round trips.
    let counts = err
        .lines()
        .find(|l| l.contains("round trip dilakukan"))
        .unwrap_or_else(|| panic!("{err}"));
    let numbers: Vec<u64> = counts
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(numbers[0] >= 3, "{counts}");
    assert!(numbers[1] >= 5, "{counts}");
    server.join().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_users_budget_holds_across_round_trips() {
    let dir = scratch("budget");
    std::fs::write(dir.join("p.fox"), LOOP).unwrap();
    // The loop needs 49 safe points: 48 stop it, 49 let it finish, with
    // or without round trips.
    for (limit, status) in [("48", 1), ("49", 0)] {
        let plain = fox(&dir, &["run", "--max-instructions", limit, "p.fox"]);
        assert_eq!(plain.status.code(), Some(status));
        for every in ["1", "3", "7", "100"] {
            let rt = fox(
                &dir,
                &[
                    "run",
                    "--max-instructions",
                    limit,
                    "--roundtrip-every",
                    every,
                    "p.fox",
                ],
            );
            assert_eq!(rt.status.code(), Some(status), "{limit} {every}");
            assert_eq!(rt.stdout, plain.stdout, "{limit} {every}");
            assert_eq!(rt.stderr, plain.stderr, "{limit} {every}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_interval_of_zero_is_refused() {
    let dir = scratch("zero");
    std::fs::write(dir.join("p.fox"), LOOP).unwrap();
    let out = fox(&dir, &["run", "--roundtrip-every", "0", "p.fox"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}
