//! Crash safety with a real process: a child (this test binary re-executed)
//! loops `put`ting large self-checking values under one key and is killed
//! with SIGKILL at a random moment, many times over. After every kill the
//! store must reopen, hold a whole value (old or new, checksum valid, never
//! going backwards) and pass `PRAGMA integrity_check`.
//!
//! Reproduce a run with `FOX_STORE_CRASH_SEED=<seed printed on failure>`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{Rng, TempDir};
use fox_store::{SqliteStore, Store};

/// Set (to the store path) only in the child process.
const CHILD_ENV: &str = "FOX_STORE_CRASH_CHILD";
const CHILD_TEST: &str = "crash_child_writer";
const KEY: &str = "blob";
/// What the child prints once it is about to start writing.
const READY: &str = "FOX-STORE-CHILD-READY";
const ROUNDS: usize = 20;
/// Header: sequence number and total length; trailer: checksum.
const HEADER: usize = 16;
const TRAILER: usize = 8;

/// FNV-1a, 64-bit.
fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The value written at sequence number `seq`: 256 KB to 1 MB, its size and
/// contents derived from `seq`, ending in a checksum of everything before.
fn make_value(seq: u64) -> Vec<u8> {
    let mut rng = Rng::new(seq.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0xf0f0);
    let len = rng.range(256 * 1024, 1024 * 1024) as usize;
    let mut value = vec![0u8; len];
    value[..8].copy_from_slice(&seq.to_le_bytes());
    value[8..HEADER].copy_from_slice(&(len as u64).to_le_bytes());
    rng.fill(&mut value[HEADER..len - TRAILER]);
    let sum = checksum(&value[..len - TRAILER]);
    value[len - TRAILER..].copy_from_slice(&sum.to_le_bytes());
    value
}

/// Check a stored value is whole; return its sequence number.
fn check_value(value: &[u8]) -> Result<u64, String> {
    if value.len() < HEADER + TRAILER {
        return Err(format!("value too short: {} bytes", value.len()));
    }
    let seq = u64::from_le_bytes(value[..8].try_into().unwrap());
    let len = u64::from_le_bytes(value[8..HEADER].try_into().unwrap());
    if len != value.len() as u64 {
        return Err(format!(
            "seq {seq}: length {} but header says {len}",
            value.len()
        ));
    }
    let (body, tail) = value.split_at(value.len() - TRAILER);
    if checksum(body).to_le_bytes() != tail {
        return Err(format!("seq {seq}: checksum mismatch"));
    }
    if value != make_value(seq) {
        return Err(format!("seq {seq}: contents differ from what was written"));
    }
    Ok(seq)
}

/// The child: reopen the store, announce readiness, then put forever (until killed).
#[test]
#[ignore = "child process of sigkill_mid_put_leaves_old_or_new_value"]
fn crash_child_writer() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return; // run by hand with --ignored: nothing to do
    };
    let mut store = SqliteStore::open(Path::new(&path)).unwrap();
    let mut seq = match store.get(KEY).unwrap() {
        Some(last) => check_value(&last).unwrap(),
        None => 0,
    };
    println!("{READY}");
    loop {
        seq += 1;
        store.put(KEY, &make_value(seq)).unwrap();
    }
}

#[test]
fn sigkill_mid_put_leaves_old_or_new_value() {
    let seed = std::env::var("FOX_STORE_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        });
    let mut rng = Rng::new(seed);
    let dir = TempDir::new("crash");
    let path = dir.path().join("crash.db");
    SqliteStore::open(&path)
        .unwrap()
        .put(KEY, &make_value(0))
        .unwrap();

    let exe = std::env::current_exe().unwrap();
    let started = Instant::now();
    let mut last_seq = 0;
    for round in 0..ROUNDS {
        let mut child = Command::new(&exe)
            .args(["--exact", CHILD_TEST, "--nocapture", "--ignored"])
            .args(["--test-threads", "1"])
            .env(CHILD_ENV, &path)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Wait until the child has opened the store and is about to write
        // (libtest may print the marker after its own "test … " prefix).
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let ready = stdout
                .lines()
                .map_while(Result::ok)
                .any(|line| line.trim_end().ends_with(READY));
            let _ = tx.send(ready);
        });
        match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(true) => {}
            outcome => {
                let _ = child.kill();
                let status = child.wait().unwrap();
                let mut err = String::new();
                let _ = child.stderr.take().unwrap().read_to_string(&mut err);
                panic!("seed {seed} round {round}: child not ready ({outcome:?}, {status}): {err}");
            }
        }
        let delay = rng.range(2, 60);
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().unwrap(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        assert!(
            !status.success(),
            "seed {seed} round {round}: child was not killed"
        );

        let mut store = SqliteStore::open(&path)
            .unwrap_or_else(|e| panic!("seed {seed} round {round}: reopen failed: {e}"));
        let value = store
            .get(KEY)
            .unwrap_or_else(|e| panic!("seed {seed} round {round}: get failed: {e}"))
            .unwrap_or_else(|| panic!("seed {seed} round {round}: value missing"));
        let seq = check_value(&value)
            .unwrap_or_else(|e| panic!("seed {seed} round {round}: torn value: {e}"));
        assert!(
            seq >= last_seq,
            "seed {seed} round {round}: value went back from {last_seq} to {seq}"
        );
        store
            .check_integrity()
            .unwrap_or_else(|e| panic!("seed {seed} round {round}: {e}"));
        assert_eq!(store.keys("").unwrap(), [KEY]);
        last_seq = seq;
    }
    eprintln!(
        "crash test: seed {seed}, {ROUNDS} kills, {last_seq} puts committed, {:?}",
        started.elapsed()
    );
    assert!(
        last_seq >= ROUNDS as u64 / 2,
        "seed {seed}: children committed only {last_seq} puts; the kills hit nothing"
    );
}

/// The checker itself catches torn values (so a passing crash test means something).
#[test]
fn check_value_rejects_torn_values() {
    let value = make_value(7);
    assert_eq!(check_value(&value), Ok(7));
    let mut flipped = value.clone();
    flipped[value.len() / 2] ^= 1;
    assert!(check_value(&flipped).is_err());
    assert!(check_value(&value[..value.len() - 1]).is_err());
    let mut mixed = make_value(8);
    mixed.truncate(value.len().min(mixed.len()) / 2);
    mixed.extend_from_slice(&value[mixed.len()..]);
    assert!(check_value(&mixed).is_err());
    assert!(check_value(b"").is_err());
}
