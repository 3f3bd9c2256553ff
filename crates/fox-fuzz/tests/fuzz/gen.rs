//! Structure-aware generators shared by the targets, driven by
//! `arbitrary::Unstructured` over the engine's random bytes (as a
//! cargo-fuzz target reads libFuzzer's): Morph token soup, line-level
//! mutations of valid programs, and random JSON texts.

use arbitrary::Unstructured;
use fox_fuzz::Rng;

/// Morph's keywords and the operators and punctuation of its grammar.
const TOKENS: &[&str] = &[
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
    "coba",
    "tangkap",
    "akhirnya",
    "lemparkan",
    "jenis",
    "bekukan",
    "lanjut",
    "alur",
    "untuk",
    "dalam",
    "x",
    "y",
    "f",
    "xs",
    "Titik",
    "_",
    "panjang",
    "teks",
    "rentang",
    "0",
    "1",
    "-1",
    "2.5",
    "1e308",
    "99999999999999999999",
    "0x1F",
    "\"a\"",
    "\"\"",
    "\"{x}\"",
    "'b'",
    "\"\\n\"",
    "+",
    "-",
    "*",
    "/",
    "//",
    "%",
    "**",
    "<<",
    ">>",
    "&",
    "|",
    "^",
    "~",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "=",
    "=>",
    "->",
    ".",
    ",",
    ":",
    ";",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "|",
    "?",
    "@",
    "#",
    "\n",
    "\n",
    "\n",
    "    ",
    "# catatan\n",
    "\"tak tutup",
];

/// Random bytes for an `Unstructured`, 64..4160 of them.
pub fn entropy(rng: &mut Rng) -> Vec<u8> {
    let n = 64 + rng.below(4096);
    rng.bytes(n)
}

/// A sequence of Morph tokens joined by spaces or nothing.
pub fn token_soup(rng: &mut Rng) -> Vec<u8> {
    let bytes = entropy(rng);
    let mut u = Unstructured::new(&bytes);
    let mut out = String::new();
    let n: usize = u.int_in_range(1..=400).unwrap_or(1);
    for _ in 0..n {
        let t = u.choose(TOKENS).copied().unwrap_or("x");
        out.push_str(t);
        if u.ratio(3, 4).unwrap_or(true) {
            out.push(' ');
        }
    }
    out.into_bytes()
}

/// A known program with lines deleted, duplicated, swapped, spliced in
/// from another program, wrapped in blocks or sprinkled with tokens.
pub fn mutate_program(rng: &mut Rng, known: &[Vec<u8>]) -> Vec<u8> {
    let Some(base) = rng.pick(known) else {
        return token_soup(rng);
    };
    let text = String::from_utf8_lossy(base).into_owned();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let bytes = entropy(rng);
    let mut u = Unstructured::new(&bytes);
    let edits: usize = u.int_in_range(1..=6).unwrap_or(1);
    for _ in 0..edits {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let at = u.choose_index(lines.len()).unwrap_or(0);
        match u.int_in_range(0..=6).unwrap_or(0) {
            0 => {
                lines.remove(at);
            }
            1 => {
                let l = lines[at].clone();
                lines.insert(at, l);
            }
            2 => {
                let other = u.choose_index(lines.len()).unwrap_or(0);
                lines.swap(at, other);
            }
            3 => {
                if let Some(other) = rng.pick(known) {
                    let other = String::from_utf8_lossy(other).into_owned();
                    let ls: Vec<&str> = other.lines().collect();
                    if !ls.is_empty() {
                        let from = u.choose_index(ls.len()).unwrap_or(0);
                        let n = u.int_in_range(1..=8).unwrap_or(1);
                        for (i, l) in ls.iter().skip(from).take(n).enumerate() {
                            lines.insert(at + i, l.to_string());
                        }
                    }
                }
            }
            4 => {
                let open = *u
                    .choose(&[
                        "jika benar maka",
                        "selama salah maka",
                        "fungsi g() maka",
                        "coba",
                    ])
                    .unwrap_or(&"coba");
                let close = if open == "coba" {
                    "tangkap e\nakhir"
                } else {
                    "akhir"
                };
                let end = (at + u.int_in_range(1..=5).unwrap_or(1)).min(lines.len());
                lines.insert(end, close.to_string());
                lines.insert(at, open.to_string());
            }
            5 => {
                let t = u.choose(TOKENS).copied().unwrap_or("x");
                let line = &mut lines[at];
                let mut cut = u.choose_index(line.len() + 1).unwrap_or(0);
                while !line.is_char_boundary(cut) {
                    cut -= 1;
                }
                line.insert_str(cut, t);
            }
            _ => {
                let depth = u.int_in_range(1..=200).unwrap_or(1);
                let l = format!("{}{}", "(".repeat(depth), ")".repeat(depth));
                lines.insert(at, format!("biar dalam_{at} = {l}"));
            }
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out.into_bytes()
}

/// Either a token soup or a mutated program, half the time each.
pub fn program(rng: &mut Rng, known: &[Vec<u8>]) -> Vec<u8> {
    if rng.one_in(2) {
        token_soup(rng)
    } else {
        mutate_program(rng, known)
    }
}

/// A random JSON text (valid more often than not), with odd numbers,
/// escapes, deep nesting and whitespace.
pub fn json_text(rng: &mut Rng) -> Vec<u8> {
    let bytes = entropy(rng);
    let mut u = Unstructured::new(&bytes);
    let mut out = String::new();
    json_value(&mut u, &mut out, 0);
    if u.ratio(1, 8).unwrap_or(false) {
        let d: usize = u.int_in_range(1..=3000).unwrap_or(1);
        out = format!("{}{}{}", "[".repeat(d), out, "]".repeat(d));
    }
    out.into_bytes()
}

fn json_value(u: &mut Unstructured, out: &mut String, depth: usize) {
    let ws = *u.choose(&["", " ", "\n", "\t", "\r\n "]).unwrap_or(&"");
    out.push_str(ws);
    let kind = if depth > 6 {
        0
    } else {
        u.int_in_range(0..=8).unwrap_or(0)
    };
    match kind {
        0 => out.push_str(
            u.choose(&["null", "true", "false", "nul", "tru"])
                .unwrap_or(&"null"),
        ),
        1 => {
            let n = *u
                .choose(&[
                    "0",
                    "-0",
                    "1e400",
                    "-1e400",
                    "1E-400",
                    "12345678901234567890123",
                    "0.000001",
                    "1.5e+3",
                    "01",
                    "1.",
                    ".5",
                    "-",
                    "2e",
                    "NaN",
                    "Infinity",
                    "-Infinity",
                    "1e99999999999",
                ])
                .unwrap_or(&"0");
            out.push_str(n);
        }
        2 => {
            let i: i64 = u.arbitrary().unwrap_or(0);
            out.push_str(&i.to_string());
        }
        3 => {
            let f: f64 = u.arbitrary().unwrap_or(0.0);
            if f.is_finite() {
                out.push_str(&format!("{f:e}"));
            } else {
                out.push('0');
            }
        }
        4 | 5 => {
            out.push('"');
            let n: usize = u.int_in_range(0..=12).unwrap_or(0);
            for _ in 0..n {
                let piece = *u
                    .choose(&[
                        "a",
                        "é",
                        "\\n",
                        "\\\"",
                        "\\\\",
                        "\\/",
                        "\\u00e9",
                        "\\ud83d\\ude00",
                        "\\ud800",
                        "\\udc00x",
                        "\\u12",
                        "\\x",
                        "\u{1F600}",
                        "\t",
                        " ",
                    ])
                    .unwrap_or(&"a");
                out.push_str(piece);
            }
            if u.ratio(15, 16).unwrap_or(true) {
                out.push('"');
            }
        }
        6 | 7 => {
            out.push('[');
            let n: usize = u.int_in_range(0..=5).unwrap_or(0);
            for i in 0..n {
                if i > 0 {
                    out.push(',');
                }
                json_value(u, out, depth + 1);
            }
            if u.ratio(15, 16).unwrap_or(true) {
                out.push(']');
            }
        }
        _ => {
            out.push('{');
            let n: usize = u.int_in_range(0..=4).unwrap_or(0);
            for i in 0..n {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&format!("\"k{}\"", i % 3));
                out.push(':');
                json_value(u, out, depth + 1);
            }
            if u.ratio(15, 16).unwrap_or(true) {
                out.push('}');
            }
        }
    }
    out.push_str(ws);
}
