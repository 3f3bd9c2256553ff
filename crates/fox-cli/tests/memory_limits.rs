//! Memory bombs run by the real `fox` binary as child processes. Each one
//! ends with the documented error — a catchable `ErrorMemori`, uncaught
//! (exit 1, the error on stderr) or caught and printed — and with bounded
//! memory: the child's peak resident set, read with wait4(2) when it is
//! reaped, stays below its `--max-heap-bytes` plus a small constant.
//! Programs that make a lot of garbage but keep little finish under a
//! small limit (no false `ErrorMemori`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/measured.rs"]
mod measured;

use measured::MIB;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// What a run may use beyond its heap limit: the binary, the allocator's
/// own structures and caches, the standard library's modules.
const SLACK: u64 = 64 << 20;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    /// Peak resident set size in bytes.
    peak: u64,
    secs: f64,
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fox-mem-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Run `src` with `fox run [flags] prog.fox`; kill it after 120 s.
fn run(name: &str, flags: &[&str], src: &str) -> Run {
    let dir = scratch(name);
    std::fs::write(dir.join("prog.fox"), src).unwrap();
    let m = measured::run_measured(
        Command::new(env!("CARGO_BIN_EXE_fox"))
            .arg("run")
            .args(flags)
            .arg("prog.fox")
            .current_dir(&dir),
        Duration::from_secs(120),
    );
    let run = Run {
        code: m.code,
        stdout: m.stdout,
        stderr: m.stderr,
        peak: m.peak,
        secs: m.secs,
    };
    eprintln!(
        "{name}: exit {}, peak RSS {} MiB, {:.2} s",
        run.code,
        run.peak / MIB,
        run.secs
    );
    assert!(!m.killed, "{name}: still running after 120 s");
    let _ = std::fs::remove_dir_all(&dir);
    run
}

/// A run with `--max-heap-bytes {limit_mib}M` that must fail with an
/// uncaught `ErrorMemori` naming `what`, within the memory bound.
fn bomb(name: &str, limit_mib: u64, src: &str, what: &str) -> Run {
    let limit = format!("{limit_mib}M");
    let r = run(name, &["--max-heap-bytes", &limit], src);
    assert_eq!(r.code, 1, "{name}: stderr:\n{}", r.stderr);
    assert!(
        r.stderr.contains("ErrorMemori[R1101]: Memori habis") && r.stderr.contains(what),
        "{name}: stderr lacks ErrorMemori / {what:?}:\n{}",
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{name}: {}", r.stderr);
    assert!(
        r.peak < limit_mib * MIB + SLACK,
        "{name}: peak RSS {} MiB with a {limit_mib} MiB heap limit",
        r.peak / MIB
    );
    r
}

const HEAP: &str = "batas heap 256 MiB (--max-heap-bytes) terlampaui";

#[test]
fn text_repetition_fails_before_allocating() {
    let r = bomb(
        "repeat",
        256,
        "biar s = \"a\" * 1000000000000\ntulis(panjang(s))\n",
        "melebihi batas satu teks (1 GiB)",
    );
    assert!(r.peak < 64 * MIB, "peak {} MiB", r.peak / MIB);
}

#[test]
fn text_doubled_in_a_loop() {
    bomb(
        "text_double",
        256,
        "biar s = \"ab\"\nselama benar maka\n    ubah s = s + s\nakhir\n",
        HEAP,
    );
}

#[test]
fn text_grown_in_a_loop() {
    bomb(
        "text_grow",
        256,
        "biar s = \"\"\nbiar potong = \"x\" * 1000000\nselama benar maka\n    ubah s = s + potong\nakhir\n",
        HEAP,
    );
}

#[test]
fn list_that_grows_forever() {
    bomb(
        "list_grow",
        256,
        "biar l = []\nbiar i = 0\nselama benar maka\n    tambah(l, i)\n    ubah i = i + 1\nakhir\n",
        HEAP,
    );
}

#[test]
fn list_extended_forever() {
    bomb(
        "list_extend",
        256,
        "biar l = [1]\nselama benar maka\n    l.extend(l)\nakhir\n",
        HEAP,
    );
}

#[test]
fn dict_that_grows_forever() {
    bomb(
        "dict_grow",
        256,
        "biar d = {}\nbiar i = 0\nselama benar maka\n    ubah d[i] = i\n    ubah i = i + 1\nakhir\n",
        HEAP,
    );
}

#[test]
fn huge_power_fails_fast() {
    let r = bomb(
        "power",
        256,
        "tulis(pangkat(2, 10000000000))\n",
        "bilangan bulat sebesar 10000000001 bit",
    );
    assert!(r.secs < 10.0);
}

#[test]
fn huge_shift_fails_fast() {
    let r = bomb(
        "shift",
        256,
        "tulis(1 << 1000000000000)\n",
        "bilangan bulat",
    );
    assert!(r.secs < 10.0);
}

#[test]
fn nested_lists_growing() {
    // Only small objects: the limit is found at a safe point, after a
    // collection shows they are all alive.
    bomb(
        "nested",
        256,
        "biar l = []\nselama benar maka\n    ubah l = [l, [1, 2, 3, 4]]\nakhir\n",
        HEAP,
    );
}

#[test]
fn instances_kept_forever() {
    bomb(
        "instances",
        256,
        "kelas Simpul maka\n    fungsi inisiasi(n) maka\n        ini.n = n\n        ini.a = nil\n        ini.b = nil\n    akhir\nakhir\nbiar semua = []\nbiar i = 0\nselama benar maka\n    tambah(semua, Simpul(i))\n    ubah i = i + 1\nakhir\n",
        HEAP,
    );
}

#[test]
fn appending_to_a_text_stays_small() {
    // 50,000 appends of "abc": 3.75 GB of intermediate texts, all garbage.
    let r = run(
        "append",
        &[],
        "biar s = \"\"\nbiar i = 0\nselama i < 50000 maka\n    ubah s = s + \"abc\"\n    ubah i = i + 1\nakhir\ntulis(panjang(s))\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "150000\n");
    assert!(r.peak < 100 * MIB, "peak RSS {} MiB", r.peak / MIB);
}

#[test]
fn much_garbage_little_live_data_completes_under_a_small_limit() {
    // About 1.5 GB allocated in all, under a 32 MiB limit.
    let src = "\
fungsi putaran(i) maka
    biar t = \"z\" * 2000000
    biar l = [i] * 200000
    biar d = {}
    biar j = 0
    selama j < 2000 maka
        ubah d[j] = \"{j}\"
        ubah j = j + 1
    akhir
    kembalikan panjang(t) + panjang(l) + panjang(d)
akhir
biar total = 0
biar i = 0
selama i < 300 maka
    ubah total = total + putaran(i)
    ubah i = i + 1
akhir
tulis(\"selesai\", total)
";
    let r = run("garbage", &["--max-heap-bytes", "32M"], src);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "selesai 660600000\n");
    assert!(r.peak < 32 * MIB + SLACK, "peak RSS {} MiB", r.peak / MIB);
}

#[test]
fn caught_memory_errors_give_the_memory_back() {
    // Each round fills the heap, is stopped by ErrorMemori, and the next
    // round (after its garbage is collected) gets as far again.
    let src = "\
fungsi isi() maka
    biar l = []
    selama benar maka
        tambah(l, 0)
    akhir
akhir
biar putaran = 0
selama putaran < 3 maka
    coba
        isi()
    tangkap e
        tulis(\"putaran\", putaran, e.jenis)
    akhir
    ubah putaran = putaran + 1
akhir
biar besar = [7] * 10000000
tulis(\"lalu\", panjang(besar))
";
    let r = run("caught", &["--max-heap-bytes", "256M"], src);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "putaran 0 ErrorMemori\nputaran 1 ErrorMemori\nputaran 2 ErrorMemori\nlalu 10000000\n"
    );
    assert!(r.peak < 256 * MIB + SLACK, "peak RSS {} MiB", r.peak / MIB);
}

#[test]
fn heap_limit_flag_takes_suffixes_and_rejects_nonsense() {
    let ok = run("flag_ok", &["--max-heap-bytes", "1G"], "tulis(1)\n");
    assert_eq!((ok.code, ok.stdout.as_str()), (0, "1\n"));
    let unlimited = run("flag_zero", &["--max-heap-bytes", "0"], "tulis(2)\n");
    assert_eq!((unlimited.code, unlimited.stdout.as_str()), (0, "2\n"));
    let bad = run("flag_bad", &["--max-heap-bytes", "12Q"], "tulis(3)\n");
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("12Q"), "{}", bad.stderr);
}

#[test]
fn a_ticket_too_big_for_the_heap_limit_is_refused_and_kept() {
    let dir = scratch("ticket");
    std::fs::write(
        dir.join("besar.fox"),
        "biar data = [1] * 5000000\nbiar x = 1 / 0\ntulis(\"lanjut\", panjang(data))\n",
    )
    .unwrap();
    let fox = env!("CARGO_BIN_EXE_fox");
    let first = Command::new(fox)
        .args(["run", "--tiket", "tiket", "besar.fox"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(1));
    let ticket = std::fs::read_dir(dir.join("tiket"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "z"))
        .expect("a ticket was written");
    let ticket = ticket.to_str().unwrap();
    // 40 MB of list cannot be rebuilt in a 16 MiB heap: refused, kept.
    let small = Command::new(fox)
        .args(["resume", "--max-heap-bytes", "16M", ticket])
        .current_dir(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&small.stderr);
    assert_eq!(small.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("Memori habis: batas heap 16 MiB (--max-heap-bytes)"),
        "{stderr}"
    );
    assert!(std::path::Path::new(ticket).exists());
    // With room it loads and runs on (failing again at the same division).
    let big = Command::new(fox)
        .args(["resume", "--keep", "--max-heap-bytes", "256M", ticket])
        .current_dir(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&big.stderr);
    assert!(stderr.contains("Pembagian dengan nol"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
