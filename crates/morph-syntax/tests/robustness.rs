//! Robustness: the front end never panics and never overflows the stack.
//! Random bytes, every prefix of every fixture, mutated fixtures, very deep
//! nesting of every nestable construct and unterminated strings all produce
//! a tree plus diagnostics. Everything runs on a thread with the default
//! 2 MiB stack.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use morph_syntax::diagnostic::codes;
use morph_syntax::{parse, sexpr, Parsed};
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

/// Run `f` on a thread with a 2 MiB stack (the Rust default for spawned
/// threads), propagating panics.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("the parser panicked");
}

/// Parse and render (rendering walks the whole tree recursively too).
fn exercise(src: &str) -> Parsed {
    let parsed = parse(src);
    let _ = sexpr::program(&parsed.program);
    for d in &parsed.diagnostics {
        assert!(d.span.start <= d.span.end, "bad span {d:?}");
        assert!(d.span.end as usize <= src.len(), "span past end {d:?}");
    }
    parsed
}

struct Rng(u64);
impl Rng {
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

fn all_fixtures() -> Vec<String> {
    let mut out = Vec::new();
    for kind in ["ok", "err"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(kind);
        let mut files: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "fox"))
            .collect();
        files.sort();
        for f in files {
            out.push(fs::read_to_string(f).unwrap());
        }
    }
    out
}

#[test]
fn random_bytes_never_panic() {
    on_small_stack(|| {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..3000 {
            let len = rng.below(300);
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            exercise(&String::from_utf8_lossy(&bytes));
        }
    });
}

#[test]
fn random_token_soup_never_panics() {
    const WORDS: &[&str] = &[
        "jika",
        "maka",
        "lain",
        "lain_jika",
        "akhir",
        "selama",
        "fungsi",
        "kelas",
        "warisi",
        "biar",
        "tetap",
        "ubah",
        "tulis",
        "kembali",
        "pilih",
        "ketika",
        "kasus",
        "lainnya",
        "jodohkan",
        "dengan",
        "jaga",
        "coba",
        "tangkap",
        "akhirnya",
        "lemparkan",
        "jenis",
        "tipe",
        "ini",
        "induk",
        "asink",
        "tunggu",
        "dari",
        "ambil_sebagian",
        "ambil_semua",
        "pinjam",
        "aot",
        "sebagai",
        "warnai",
        "benar",
        "salah",
        "nil",
        "dan",
        "atau",
        "tidak",
        "x",
        "Y",
        "_",
        "_z",
        "1",
        "2.5",
        "1.0",
        "99999999999999999999",
        "\"s\"",
        "'t'",
        "\"{x}\"",
        "\"{\"",
        "\"{}\"",
        "\"\\{\"",
        "\"",
        "'",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ",",
        ".",
        "...",
        ":",
        ";",
        "?",
        "=",
        "==",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "<<",
        ">>",
        "+",
        "-",
        "*",
        "/",
        "%",
        "&",
        "|",
        "^",
        "~",
        "!",
        "\n",
        "\n",
        "\n",
        " ",
        "#c\n",
        "@",
        "é",
    ];
    on_small_stack(|| {
        let mut rng = Rng(12345);
        for _ in 0..4000 {
            let n = rng.below(60);
            let mut src = String::new();
            for _ in 0..n {
                src.push_str(WORDS[rng.below(WORDS.len())]);
                if rng.below(3) == 0 {
                    src.push(' ');
                }
            }
            exercise(&src);
        }
    });
}

#[test]
fn every_prefix_and_mutation_of_every_fixture() {
    on_small_stack(|| {
        let mut rng = Rng(777);
        for src in all_fixtures() {
            for (i, _) in src.char_indices() {
                exercise(&src[..i]);
            }
            for _ in 0..50 {
                let mut bytes = src.clone().into_bytes();
                for _ in 0..3 {
                    if bytes.is_empty() {
                        break;
                    }
                    let at = rng.below(bytes.len());
                    match rng.below(3) {
                        0 => {
                            bytes.remove(at);
                        }
                        1 => bytes.insert(at, b"()[]{}\"'\n=|.:"[rng.below(13)]),
                        _ => bytes[at] = rng.next() as u8,
                    }
                }
                exercise(&String::from_utf8_lossy(&bytes));
            }
        }
    });
}

fn assert_too_deep(src: String) {
    let start = Instant::now();
    let parsed = exercise(&src);
    assert!(
        parsed.diagnostics.iter().any(|d| d.code == codes::TOO_DEEP),
        "no TOO_DEEP for {:?}...",
        &src[..src.len().min(40)]
    );
    assert!(
        parsed.diagnostics.len() < 20,
        "too many diagnostics ({}) for {:?}...",
        parsed.diagnostics.len(),
        &src[..src.len().min(40)]
    );
    assert!(start.elapsed() < Duration::from_secs(5), "too slow");
}

#[test]
fn deep_nesting_is_a_diagnostic_not_a_crash() {
    on_small_stack(|| {
        const N: usize = 10_000;
        assert_too_deep("(".repeat(N));
        assert_too_deep("[".repeat(N));
        assert_too_deep(format!("biar x = {}", "{".repeat(N)));
        assert_too_deep(format!("biar x = {}1{}", "(".repeat(N), ")".repeat(N)));
        assert_too_deep(format!("biar x = {}{}", "[".repeat(N), "]".repeat(N)));
        assert_too_deep(format!("tulis({}1)", "-".repeat(N)));
        assert_too_deep(format!("tulis({}1)", "tidak ".repeat(N)));
        assert_too_deep(format!("x = {}", "a ? b : ".repeat(N)));
        assert_too_deep(format!("x = a{}", ".b".repeat(N)));
        assert_too_deep(format!("x = f{}", "()".repeat(N)));
        assert_too_deep(format!("x = a{}", "[0]".repeat(N)));
        assert_too_deep(format!("x = 1{}", " + 1".repeat(N)));
        assert_too_deep(format!("x = 1{}", " atau 1".repeat(N)));
        assert_too_deep(format!("x = {}1", "a.b = ".repeat(N)));
        assert_too_deep(format!(
            "{}tulis(1)\n{}",
            "jika a maka\n".repeat(N),
            "akhir\n".repeat(N)
        ));
        assert_too_deep(format!(
            "{}{}",
            "fungsi f() maka\n".repeat(N),
            "akhir\n".repeat(N)
        ));
        assert_too_deep("kelas K maka\nfungsi f() maka\n".repeat(N));
        assert_too_deep(format!(
            "jodohkan x dengan\n| {}a{} maka\n  tulis(1)\nakhir\n",
            "A(".repeat(N),
            ")".repeat(N)
        ));
        assert_too_deep(format!(
            "jodohkan x dengan\n| {}{} maka\n  tulis(1)\nakhir\n",
            "[".repeat(N),
            "]".repeat(N)
        ));
        assert_too_deep(format!(
            "tulis(\"{{{}1{}}}\")",
            "(".repeat(N),
            ")".repeat(N)
        ));
        // After the deep construct, parsing resumes.
        let src = format!("biar a = {}\nbiar b = 1 +\n", "(".repeat(N));
        let parsed = exercise(&src);
        assert!(parsed
            .diagnostics
            .iter()
            .any(|d| d.code == codes::EXPECTED_EXPR));
    });
}

#[test]
fn unterminated_strings_never_panic() {
    on_small_stack(|| {
        for src in [
            "\"",
            "'",
            "\"abc",
            "biar s = \"abc\ntulis(s)\n",
            "tulis(\"{x\")",
            "tulis(\"{'\")",
            "tulis(\"{\"",
            "\"\\",
            "'\\'",
            "\"{\\\"}\"",
            "\"é{é}é\"",
            "tulis(\"{'{'}\")",
            "tulis(\"{\"{\"}\")",
        ] {
            exercise(src);
        }
    });
}
