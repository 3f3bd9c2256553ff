//! Differential test of `fox_vm::sort` against CPython's `list.sort`: many
//! random lists (ints, floats with NaN/inf/-0.0, mixed, duplicates, sorted
//! and reversed runs, lengths 0..2000, some holding a text so `<` raises
//! midway) are sorted by both, with `reverse` on and off. Each list is
//! sorted as the positions `0..n` keyed by the values, so the permutations
//! compared show stability and, after an error, the exact state CPython
//! leaves. Needs `python3` on PATH (one subprocess for the whole batch).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::process::{Command, Stdio};

#[derive(Clone, Copy, Debug)]
enum Key {
    Int(i64),
    Float(f64),
    /// A one-letter text: comparing it with a number raises.
    Text(u8),
}

/// Python's `a < b` for these keys (ints stay below 2^53, so converting
/// them to floats is exact, as Python's exact comparison would be).
fn lt(a: &Key, b: &Key) -> Result<bool, ()> {
    use Key::*;
    Ok(match (*a, *b) {
        (Int(x), Int(y)) => x < y,
        (Float(x), Float(y)) => x < y,
        (Int(x), Float(y)) => (x as f64) < y,
        (Float(x), Int(y)) => x < y as f64,
        (Text(x), Text(y)) => x < y,
        _ => return Err(()),
    })
}

fn json(k: &Key) -> String {
    match *k {
        Key::Int(i) => i.to_string(),
        Key::Float(f) if f.is_nan() => "NaN".into(),
        Key::Float(f) if f == f64::INFINITY => "Infinity".into(),
        Key::Float(f) if f == f64::NEG_INFINITY => "-Infinity".into(),
        Key::Float(f) => format!("{f:?}"),
        Key::Text(c) => format!("\"{}\"", c as char),
    }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn float(rng: &mut Rng, spread: u64) -> f64 {
    match rng.below(12) {
        0 => f64::NAN,
        1 => f64::INFINITY,
        2 => f64::NEG_INFINITY,
        3 => -0.0,
        4 => 0.0,
        5 => rng.below(spread) as f64 + 0.5,
        _ => rng.below(spread) as f64 - (spread / 2) as f64,
    }
}

fn random_list(rng: &mut Rng, case: usize) -> Vec<Key> {
    let len = match rng.below(10) {
        0 => rng.below(4) as usize,
        1..=6 => rng.below(200) as usize,
        _ => rng.below(2001) as usize,
    };
    let spread = [2, 10, 100, 1_000_000][rng.below(4) as usize];
    let mut v: Vec<Key> = (0..len)
        .map(|_| match case % 4 {
            0 => Key::Int(rng.below(spread) as i64 - (spread / 2) as i64),
            1 => Key::Float(float(rng, spread)),
            _ => {
                if rng.below(2) == 0 {
                    Key::Int(rng.below(spread) as i64 - (spread / 2) as i64)
                } else {
                    Key::Float(float(rng, spread))
                }
            }
        })
        .collect();
    // Structure: sorted or reversed stretches, as real data has.
    match rng.below(4) {
        0 if len > 1 => {
            let a = rng.below(len as u64) as usize;
            let b = a + rng.below((len - a) as u64 + 1) as usize;
            let nan_free = v[a..b]
                .iter()
                .all(|k| !matches!(k, Key::Float(f) if f.is_nan()));
            if nan_free {
                v[a..b].sort_by(|x, y| {
                    let f = |k: &Key| match *k {
                        Key::Int(i) => i as f64,
                        Key::Float(f) => f,
                        Key::Text(_) => 0.0,
                    };
                    f(x).total_cmp(&f(y))
                });
                if rng.below(2) == 0 {
                    v[a..b].reverse();
                }
            }
        }
        1 if len > 1 => {
            for chunk in v.chunks_mut(1 + rng.below(100) as usize) {
                chunk.reverse();
            }
        }
        _ => {}
    }
    // Every fifth list gets texts: `<` raises somewhere along the way.
    if case % 5 == 4 && len > 0 {
        for _ in 0..1 + rng.below(3) {
            let i = rng.below(len as u64) as usize;
            v[i] = Key::Text(b'a' + rng.below(3) as u8);
        }
    }
    v
}

const PYTHON: &str = r#"
import sys, json
out = []
for line in sys.stdin:
    d = json.loads(line)
    keys = d["k"]
    idx = list(range(len(keys)))
    err = 0
    try:
        idx.sort(key=keys.__getitem__, reverse=d["r"])
    except TypeError:
        err = 1
    out.append(str(err) + " " + " ".join(map(str, idx)))
sys.stdout.write("\n".join(out) + "\n")
"#;

#[test]
fn sort_matches_cpython() {
    let mut rng = Rng(0x005E_ED0F_F0C5);
    let lists: Vec<(Vec<Key>, bool)> = (0..1500)
        .map(|case| (random_list(&mut rng, case), case % 3 == 1))
        .collect();
    let mut input = String::new();
    for (keys, reverse) in &lists {
        let ks: Vec<String> = keys.iter().map(json).collect();
        input.push_str(&format!(
            "{{\"r\": {reverse}, \"k\": [{}]}}\n",
            ks.join(", ")
        ));
    }
    let mut child = match Command::new("python3")
        .args(["-c", PYTHON])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => panic!("this test needs python3 on PATH: {e}"),
    };
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success(), "python3 failed");
    let text = String::from_utf8(output.stdout).unwrap();
    let want: Vec<&str> = text.lines().collect();
    assert_eq!(want.len(), lists.len());
    let (mut errors, mut nans) = (0, 0);
    for (i, ((keys, reverse), want)) in lists.iter().zip(want).enumerate() {
        let mut idx: Vec<usize> = (0..keys.len()).collect();
        let r = fox_vm::sort::sort_by_key(&mut idx, keys, *reverse, lt);
        let got = format!(
            "{} {}",
            r.is_err() as u8,
            idx.iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        );
        if got != want {
            let shown: Vec<&Key> = keys.iter().take(40).collect();
            panic!(
                "list {i} (length {}, reverse {reverse}) differs from CPython\n\
                 fox:     {got:.200}\ncpython: {want:.200}\nkeys: {shown:?}…",
                keys.len()
            );
        }
        errors += r.is_err() as usize;
        nans += keys
            .iter()
            .any(|k| matches!(k, Key::Float(f) if f.is_nan())) as usize;
    }
    eprintln!(
        "{} lists identical to CPython ({errors} raised midway, {nans} held NaN)",
        lists.len()
    );
    assert!(errors > 100 && nans > 300);
}
