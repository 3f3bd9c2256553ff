//! Robustness of the `fox` binary on malformed input: it never panics
//! (exit status 101 or "panicked" on stderr) and never hangs, whatever bytes
//! it is given. Inputs are generated into a fresh temporary folder:
//!
//! * prefix truncations (about 50 cut points each, cut at arbitrary bytes)
//!   of a deterministic sample of the conformance programs;
//! * random byte files and random printable-ASCII files;
//! * random "token soups" built from Morph keywords, operators and literals;
//! * pathological shapes: 10,000 nested `(`, `[`, `{`, `jika … maka` blocks
//!   10,000 deep, `fungsi` 5,000 deep, very long lines, unterminated strings
//!   and interpolations, invalid UTF-8, a NUL byte, CRLF files, an empty file
//!   and a file of only comments.
//!
//! Every input is given to `fox run FILE` and `fox check FILE` (stdin null,
//! 20 s timeout). Inputs known to be invalid must also fail with a non-zero
//! status and a `FILE.fox:LINE:COL` position on stderr.
//!
//! Run it in a release build: `cargo test --release -p fox-cli --test malformed`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(20);
const THREADS: usize = 4;
/// How much of stderr we keep to inspect (the rest is drained and dropped).
const STDERR_KEEP: usize = 256 * 1024;

/// xorshift64: tiny, deterministic, good enough for fuzz inputs.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// What we know about an input.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    /// Anything but a crash or a hang.
    NoCrash,
    /// Must be rejected: non-zero exit and a `.fox:LINE:COL` position.
    Invalid,
}

struct Case {
    name: String,
    bytes: Vec<u8>,
    expect: Expect,
}

fn case(name: impl Into<String>, bytes: impl Into<Vec<u8>>, expect: Expect) -> Case {
    Case {
        name: name.into(),
        bytes: bytes.into(),
        expect,
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn collect_fox(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_fox(&p, out);
        } else if p.extension().is_some_and(|e| e == "fox") {
            out.push(p);
        }
    }
}

/// Every ~50th byte prefix of ~40 conformance programs.
fn truncation_cases(out: &mut Vec<Case>) {
    let mut files = Vec::new();
    collect_fox(&repo_root().join("tests/conformance"), &mut files);
    assert!(!files.is_empty(), "no conformance programs found");
    let want = 40;
    let step = (files.len() / want).max(1);
    for (fi, path) in files.iter().step_by(step).take(want).enumerate() {
        let text = std::fs::read(path).unwrap();
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("x")
            .to_string();
        let cuts = 50.min(text.len());
        let mut last = usize::MAX;
        for i in 0..cuts {
            let at = i * text.len() / cuts.max(1);
            if at == last {
                continue;
            }
            last = at;
            out.push(case(
                format!("trunc_{fi:02}_{stem}_{at}"),
                &text[..at],
                Expect::NoCrash,
            ));
        }
    }
}

fn random_byte_cases(out: &mut Vec<Case>) {
    let mut rng = Rng::new(0x5EED_0000_0000_F0C5);
    for i in 0..200 {
        let len = rng.below(2000);
        let bytes: Vec<u8> = if i % 2 == 0 {
            (0..len).map(|_| rng.next() as u8).collect()
        } else {
            // Printable ASCII and newlines: gets past the UTF-8 check.
            const ALPHABET: &[u8] =
                b" \n\n\tabcdefghijklmnopqrstuvwxyz0123456789_.,:;()[]{}+-*/%<>=!&|^~?\"#'\\";
            (0..len)
                .map(|_| ALPHABET[rng.below(ALPHABET.len())])
                .collect()
        };
        out.push(case(format!("random_{i:03}"), bytes, Expect::NoCrash));
    }
}

const SOUP: &[&str] = &[
    "kelas",
    "warisi",
    "ini",
    "induk",
    "tipe",
    "biar",
    "tetap",
    "ubah",
    "fungsi",
    "kembali",
    "kembalikan",
    "jika",
    "maka",
    "lain",
    "lainjika",
    "lain_jika",
    "selama",
    "pilih",
    "ketika",
    "lainnya",
    "berhenti",
    "lanjutkan",
    "akhir",
    "jodohkan",
    "dengan",
    "jaga",
    "ambil",
    "tulis",
    "pinjam",
    "ambil_semua",
    "ambil_sebagian",
    "dari",
    "sebagai",
    "benar",
    "salah",
    "nil",
    "dan",
    "atau",
    "tidak",
    "asink",
    "tunggu",
    "aot",
    "coba",
    "tangkap",
    "akhirnya",
    "lemparkan",
    "jenis",
    "warnai",
    "bekukan",
    "lanjut",
    "panjang",
    "+",
    "-",
    "*",
    "/",
    "%",
    "&",
    "|",
    "^",
    "~",
    "<<",
    ">>",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "!",
    "=",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    ":",
    ";",
    "?",
    "...",
    "\n",
    "\n",
    "\n",
    "x",
    "y",
    "f",
    "_",
    "0",
    "1",
    "42",
    "3.5",
    "1e309",
    "99999999999999999999999",
    "\"teks\"",
    "\"a {x} b\"",
    "\"{\"",
    "'",
    "\"",
    "# komentar\n",
    "// komentar\n",
    "\\",
    "@",
    "$",
];

fn token_soup_cases(out: &mut Vec<Case>) {
    let mut rng = Rng::new(0xC0FF_EE00_1234_5678);
    for i in 0..200 {
        let n = 1 + rng.below(300);
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(SOUP[rng.below(SOUP.len())]);
            if rng.below(3) != 0 {
                s.push(' ');
            }
        }
        out.push(case(format!("soup_{i:03}"), s, Expect::NoCrash));
    }
}

fn pathological_cases(out: &mut Vec<Case>) {
    use Expect::*;
    let deep = 10_000;
    out.push(case(
        "deep_paren",
        format!("tulis({}1{})\n", "(".repeat(deep), ")".repeat(deep)),
        Invalid,
    ));
    out.push(case("deep_paren_open", "(".repeat(deep), Invalid));
    out.push(case(
        "deep_bracket",
        format!("biar x = {}{}\n", "[".repeat(deep), "]".repeat(deep)),
        Invalid,
    ));
    out.push(case(
        "deep_bracket_open",
        format!("biar x = {}", "[".repeat(deep)),
        Invalid,
    ));
    out.push(case(
        "deep_brace",
        format!("biar x = {}\n", "{".repeat(deep)),
        Invalid,
    ));
    out.push(case(
        "deep_brace_dict",
        format!("biar x = {}{}\n", "{1: ".repeat(deep), "}".repeat(deep)),
        Invalid,
    ));
    out.push(case(
        "deep_jika",
        format!(
            "{}tulis(1)\n{}",
            "jika benar maka\n".repeat(deep),
            "akhir\n".repeat(deep)
        ),
        Invalid,
    ));
    out.push(case(
        "deep_jika_unclosed",
        "jika benar maka\n".repeat(deep),
        Invalid,
    ));
    let mut fns = String::new();
    for i in 0..5_000 {
        fns.push_str(&format!("fungsi f{i}(a) maka\n"));
    }
    fns.push_str("kembali 1\n");
    fns.push_str(&"akhir\n".repeat(5_000));
    out.push(case("deep_fungsi", fns, Invalid));
    out.push(case(
        "deep_unary",
        format!("tulis({}1)\n", "-".repeat(deep)),
        Invalid,
    ));
    out.push(case(
        "deep_not",
        format!("tulis({}benar)\n", "tidak ".repeat(deep)),
        Invalid,
    ));

    // Long lines (valid and not).
    out.push(case(
        "long_string_line",
        format!("tulis(\"{}\")\n", "a".repeat(1_000_000)),
        NoCrash,
    ));
    out.push(case(
        "long_ident_line",
        format!("biar {} = 1\n", "x".repeat(1_000_000)),
        NoCrash,
    ));
    out.push(case(
        "long_sum_line",
        format!("biar x = {}1\ntulis(x)\n", "1 + ".repeat(50_000)),
        NoCrash,
    ));
    // Huge literals and argument lists: below the register limit they run,
    // above it (inside a function) they are a diagnostic. The module-level
    // variant is `module_level_register_overflow_is_a_diagnostic` below.
    out.push(case(
        "long_list_line",
        format!("biar x = [{}1]\ntulis(panjang(x))\n", "1, ".repeat(60_000)),
        NoCrash,
    ));
    {
        out.push(case(
            "long_list_line_in_function",
            format!(
                "fungsi f() maka\n    kembali [{}1]\nakhir\ntulis(panjang(f()))\n",
                "1, ".repeat(100_000)
            ),
            Invalid,
        ));
    }
    out.push(case(
        "long_args_line_in_function",
        format!(
            "fungsi f() maka\n    tulis({}1)\nakhir\nf()\n",
            "1, ".repeat(100_000)
        ),
        Invalid,
    ));
    out.push(case(
        "long_comment_line",
        format!("# {}\ntulis(1)\n", "z".repeat(1_000_000)),
        NoCrash,
    ));
    out.push(case(
        "long_number",
        format!("tulis({})\n", "9".repeat(100_000)),
        NoCrash,
    ));
    out.push(case(
        "long_garbage_line",
        format!("tulis(1) {}\n", ")".repeat(100_000)),
        Invalid,
    ));

    // Unterminated strings and interpolations.
    out.push(case("unterminated_string", "tulis(\"abc", Invalid));
    out.push(case(
        "unterminated_string_nl",
        "tulis(\"abc\ntulis(1)\n",
        Invalid,
    ));
    out.push(case("unterminated_bare", "\"abc", Invalid));
    out.push(case("unterminated_interp", "tulis(\"x {", Invalid));
    out.push(case(
        "unterminated_interp_expr",
        "tulis(\"x {1 + 2",
        Invalid,
    ));
    out.push(case(
        "interp_missing_operand",
        "tulis(\"{1 + }\")\n",
        Invalid,
    ));
    out.push(case("interp_empty", "tulis(\"{}\")\n", Invalid));
    out.push(case(
        "interp_nested_unterminated",
        "tulis(\"{\"{\"}\")\n",
        Invalid,
    ));
    out.push(case("unterminated_escape", "tulis(\"abc\\", Invalid));
    out.push(case(
        "unterminated_string_later_line",
        "biar a = 1\nbiar b = 2\ntulis(a, \"b\n",
        Invalid,
    ));

    // Encoding problems.
    out.push(case(
        "invalid_utf8_middle",
        b"tulis(1)\nbiar x = \"a\xff\xfeb\"\ntulis(x)\n".to_vec(),
        Invalid,
    ));
    out.push(case(
        "invalid_utf8_start",
        b"\xff\xfetulis(1)\n".to_vec(),
        Invalid,
    ));
    out.push(case(
        "invalid_utf8_truncated_char",
        b"tulis(\"\xe2\x82\")\n".to_vec(),
        Invalid,
    ));
    out.push(case(
        "nul_byte",
        b"tulis(1)\n\0\ntulis(2)\n".to_vec(),
        Invalid,
    ));
    out.push(case(
        "nul_in_string",
        b"tulis(\"a\0b\")\n".to_vec(),
        NoCrash,
    ));
    out.push(case("bom", "\u{feff}tulis(1)\n", NoCrash));

    // Line endings, empty and comment-only files.
    out.push(case(
        "crlf",
        "biar x = 1\r\njika x == 1 maka\r\n    tulis(\"satu\")\r\nakhir\r\n",
        NoCrash,
    ));
    out.push(case("crlf_in_string", "tulis(\"a\r\nb\")\r\n", NoCrash));
    out.push(case("lone_cr", "tulis(1)\rtulis(2)\r", NoCrash));
    out.push(case("empty", "", NoCrash));
    out.push(case("only_newlines", "\n\n\n\r\n", NoCrash));
    out.push(case(
        "only_comments",
        "# satu\n// dua\n#tiga\n    # empat\n// {\"tidak ditutup\n",
        NoCrash,
    ));
    out.push(case("comment_no_newline", "# tanpa baris baru", NoCrash));
    out.push(case("stray_akhir", "akhir\n", Invalid));
    out.push(case("stray_close", ")\n]\n}\n", Invalid));
}

fn all_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    truncation_cases(&mut cases);
    random_byte_cases(&mut cases);
    token_soup_cases(&mut cases);
    pathological_cases(&mut cases);
    cases
}

/// A scratch folder unique to this test run.
fn scratch_dir() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("fox-malformed-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Outcome {
    code: Option<i32>,
    stderr: String,
    timed_out: bool,
}

/// Drain a pipe on a thread, keeping at most `keep` bytes.
fn drain(mut r: impl Read + Send + 'static, keep: usize) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 16 * 1024];
        loop {
            match r.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = keep.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                }
            }
        }
        kept
    })
}

fn run_fox(fox: &Path, cwd: &Path, args: &[&str]) -> Outcome {
    let mut child = Command::new(fox)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn fox");
    let out = drain(child.stdout.take().unwrap(), 0);
    let err = drain(child.stderr.take().unwrap(), STDERR_KEEP);
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if start.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                timed_out = true;
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => panic!("waiting for fox: {e}"),
        }
    };
    let _ = out.join();
    let stderr = String::from_utf8_lossy(&err.join().unwrap_or_default()).into_owned();
    Outcome {
        code: status.and_then(|s| s.code()),
        stderr,
        timed_out,
    }
}

/// Does `text` contain `.fox:LINE:COL` (both numbers non-empty)?
fn has_position(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find(".fox:") {
        let mut j = from + i + ".fox:".len();
        let line_start = j;
        while j < bytes.len() && bytes[j].is_ascii_digit() {
            j += 1;
        }
        if j > line_start && j < bytes.len() && bytes[j] == b':' {
            let col_start = j + 1;
            let mut k = col_start;
            while k < bytes.len() && bytes[k].is_ascii_digit() {
                k += 1;
            }
            if k > col_start {
                return true;
            }
        }
        from = from + i + 1;
    }
    false
}

fn check_outcome(case: &Case, cmd: &str, o: &Outcome) -> Option<String> {
    let excerpt: String = o.stderr.chars().take(600).collect();
    if o.timed_out {
        return Some(format!(
            "{} [{cmd}]: timed out after {:?}",
            case.name, TIMEOUT
        ));
    }
    let Some(code) = o.code else {
        return Some(format!(
            "{} [{cmd}]: killed by a signal\n{excerpt}",
            case.name
        ));
    };
    // Exit 101 is the CLI's internal-error status; E0900 is the VM's
    // "compiled code failed verification" (a compiler bug).
    if code == 101
        || o.stderr.contains("panicked")
        || o.stderr.contains("kesalahan internal")
        || o.stderr.contains("E0900")
    {
        return Some(format!(
            "{} [{cmd}]: panic / internal error (exit {code})\n{excerpt}",
            case.name
        ));
    }
    if case.expect == Expect::Invalid {
        if code == 0 {
            return Some(format!(
                "{} [{cmd}]: invalid input accepted (exit 0)",
                case.name
            ));
        }
        if !has_position(&o.stderr) {
            return Some(format!(
                "{} [{cmd}]: no FILE.fox:LINE:COL on stderr (exit {code})\n{excerpt}",
                case.name
            ));
        }
    }
    None
}

#[test]
fn position_finder() {
    assert!(has_position("a.fox:1:7: Teks"));
    assert!(has_position("x\n  --> dir/b.fox:12:3\n"));
    assert!(!has_position("a.fox: 1 kesalahan"));
    assert!(!has_position("a.fox:1: x"));
    assert!(!has_position("a.fox:"));
}

#[test]
fn fox_survives_malformed_input() {
    let fox = PathBuf::from(env!("CARGO_BIN_EXE_fox"));
    let cases = all_cases();
    let root = scratch_dir();
    let inputs = root.join("inputs");
    std::fs::create_dir_all(&inputs).unwrap();
    let mut paths = Vec::with_capacity(cases.len());
    for c in &cases {
        let p = inputs.join(format!("{}.fox", c.name));
        std::fs::write(&p, &c.bytes).unwrap();
        paths.push(p);
    }

    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::<String>::new());
    let runs = AtomicUsize::new(0);
    let rejected = AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|s| {
        for t in 0..THREADS {
            // Each worker gets its own working directory: some truncated
            // programs create and delete files relative to it.
            let cwd = root.join(format!("cwd{t}"));
            std::fs::create_dir_all(&cwd).unwrap();
            let (fox, cases, paths, next, failures, runs, rejected) =
                (&fox, &cases, &paths, &next, &failures, &runs, &rejected);
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(c) = cases.get(i) else { break };
                let file = paths[i].to_str().unwrap();
                for cmd in ["run", "check"] {
                    let o = run_fox(fox, &cwd, &[cmd, file]);
                    runs.fetch_add(1, Ordering::Relaxed);
                    if o.code.is_some_and(|c| c != 0) {
                        rejected.fetch_add(1, Ordering::Relaxed);
                    }
                    if let Some(f) = check_outcome(c, cmd, &o) {
                        failures.lock().unwrap().push(f);
                    }
                }
            });
        }
    });

    let failures = failures.into_inner().unwrap();
    let invalid = cases.iter().filter(|c| c.expect == Expect::Invalid).count();
    println!(
        "malformed: {} inputs ({} known invalid), {} fox runs ({} non-zero exits), {} failures, {:.1?}",
        cases.len(),
        invalid,
        runs.load(Ordering::Relaxed),
        rejected.load(Ordering::Relaxed),
        failures.len(),
        started.elapsed()
    );
    if failures.is_empty() {
        let _ = std::fs::remove_dir_all(&root);
    } else {
        panic!(
            "{} failure(s) (inputs kept in {}):\n{}",
            failures.len(),
            root.display(),
            failures.join("\n\n")
        );
    }
}

/// At module level (not only inside a function) register-file overflow is
/// reported as E0305 by `fox run`, `fox check` and `fox disasm`.
#[test]
fn module_level_register_overflow_is_a_diagnostic() {
    let fox = PathBuf::from(env!("CARGO_BIN_EXE_fox"));
    let root = scratch_dir();
    let mut problems = Vec::new();
    for (name, src) in [
        ("list", format!("biar x = [{}1]\n", "1, ".repeat(70_000))),
        ("args", format!("tulis({}1)\n", "1, ".repeat(70_000))),
    ] {
        let file = root.join(format!("{name}.fox"));
        std::fs::write(&file, src).unwrap();
        for cmd in ["run", "check"] {
            let o = run_fox(&fox, &root, &[cmd, file.to_str().unwrap()]);
            if o.code == Some(0) || o.stderr.contains("E0900") || !o.stderr.contains("E0305") {
                problems.push(format!(
                    "{name} [{cmd}]: exit {:?}, stderr: {}",
                    o.code,
                    o.stderr.lines().next().unwrap_or("")
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&root);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
