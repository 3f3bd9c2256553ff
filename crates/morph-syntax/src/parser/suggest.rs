//! The suggestions of foreign-keyword diagnostics, built from the rest of
//! the line the programmer wrote: `if x > 1:` → `jika x > 1 maka … akhir`,
//! `for i in range(10):` → a counting `selama`, `def __init__(self, n):` →
//! `fungsi inisiasi(n)`, `raise E("m")` → `lemparkan "m" jenis "E"`, and
//! the operators and words of other languages inside them translated
//! (`&&` → `dan`, `True` → `benar`, `~=` → `!=`).

use super::hints::ANONYMOUS;

/// The header of a foreign statement split at its keyword: the rest of the
/// line without a trailing `:`, `{`, `then` or `do`, and without the outer
/// parentheses of a C-style condition.
fn header_rest(rest: &str) -> &str {
    let mut r = rest.trim().trim_end_matches(';').trim_end();
    for end in [":", "{", " then", " do", " maka"] {
        if let Some(s) = r.strip_suffix(end) {
            r = s.trim_end();
        }
    }
    if r.starts_with('(') && r.ends_with(')') && balanced(&r[1..r.len() - 1]) {
        r = r[1..r.len() - 1].trim();
    }
    r
}

fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

/// The help for a foreign statement keyword, tailored with the rest of its
/// line (`rest`, the text after the keyword).
pub(super) fn statement_help(word: &str, rest: &str) -> String {
    let translated = morphify(header_rest(rest));
    let r = translated.as_str();
    let or = |s: &str, d: &'static str| {
        if s.is_empty() {
            d.to_string()
        } else {
            s.to_string()
        }
    };
    match word {
        "return" => format!("tulis `kembalikan {}`", or(r, "nilai")),
        "break" => "keluar dari perulangan dengan `berhenti`".to_string(),
        "continue" => "lanjut ke putaran berikutnya dengan `lanjutkan`".to_string(),
        "throw" | "raise" => throw_help(r),
        "let" | "var" | "local" => format!(
            "deklarasikan dengan `biar {}`; nilai yang sudah ada diubah dengan `ubah`",
            or(r, "x = 1")
        ),
        "const" => format!("konstanta ditulis `tetap {}`", or(r, "X = 1")),
        "if" => format!("tulis `jika {} maka` … `akhir`", or(r, "kondisi")),
        "while" => format!("tulis `selama {} maka` … `akhir`", or(r, "kondisi")),
        "def" | "function" | "func" | "fn" => def_help(header_rest(rest)),
        "class" => class_help(r),
        "try" => "tulis `coba` … `tangkap e` … `akhir` (tanpa ':')".to_string(),
        "switch" => format!(
            "tulis `pilih {}` lalu `ketika nilai maka` … `lainnya maka` … `akhir`",
            or(r, "x")
        ),
        "match" => format!(
            "tulis `jodohkan {} dengan` lalu `| pola maka` … `akhir`",
            or(r, "x")
        ),
        "for" | "foreach" | "untuk" => loop_help(r),
        "else" => "di dalam blok 'jika' tulis `lain` (tanpa ':'), lalu tutup blok dengan `akhir`"
            .to_string(),
        "elif" | "elseif" | "elsif" => format!(
            "di dalam blok 'jika' tulis `lain jika {} maka`",
            or(r, "kondisi")
        ),
        "catch" | "except" | "rescue" => format!(
            "di dalam blok 'coba' tulis `tangkap {}`; memilih jenis: `tangkap e jika e.jenis == \"ErrorKu\"`",
            catch_name(r)
        ),
        "finally" => "di dalam blok 'coba' tulis `akhirnya`".to_string(),
        "case" => format!("di dalam blok 'pilih' tulis `ketika {} maka`", or(r, "nilai")),
        "default" => "di dalam blok 'pilih' tulis `lainnya maka`".to_string(),
        "import" | "require" => format!(
            "impor modul dengan `ambil_semua \"{}\"`",
            or(r.trim_matches(|c| c == '"' || c == '\'' || c == '(' || c == ')'), "modul")
        ),
        "from" => from_help(r),
        "print" => format!("tulis `tulis({})`", r.trim_matches(|c| c == '(' || c == ')')),
        "pass" => "blok Morph boleh kosong; hapus 'pass'".to_string(),
        "end" => "blok Morph ditutup dengan `akhir`".to_string(),
        "lambda" => ANONYMOUS.to_string(),
        _ => String::new(),
    }
}

/// The expression text with the operators and words of other languages
/// replaced by Morph's (`&&` → `dan`, `===` → `==`, `True` → `benar`, …);
/// text inside quotes is left alone.
pub(super) fn morphify(text: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let flush = |word: &mut String, out: &mut String| {
        let w = match word.as_str() {
            "and" => "dan",
            "or" => "atau",
            "not" => "tidak",
            "True" | "true" => "benar",
            "False" | "false" => "salah",
            "None" | "null" | "undefined" => "nil",
            "self" | "this" => "ini",
            other => other,
        };
        out.push_str(w);
        word.clear();
    };
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
            i += 1;
            continue;
        }
        flush(&mut word, &mut out);
        let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
        let (replacement, len) = if rest.starts_with("!==") {
            ("!=", 3)
        } else if rest.starts_with("===") {
            ("==", 3)
        } else if rest.starts_with("~=") {
            ("!=", 2)
        } else if rest.starts_with("&&") {
            ("dan", 2)
        } else if rest.starts_with("||") {
            ("atau", 2)
        } else {
            if c == '"' || c == '\'' {
                quote = Some(c);
            }
            out.push(c);
            i += 1;
            continue;
        };
        out.push_str(replacement);
        i += len;
    }
    flush(&mut word, &mut out);
    out
}

/// `def f(a, b)`; a method's `self` parameter is implicit in Morph (`ini`)
/// and the constructor is `inisiasi`.
fn def_help(r: &str) -> String {
    let r = r.trim();
    if r.is_empty() {
        return "tulis `fungsi nama(a, b) maka` … `akhir`".to_string();
    }
    let (name, params) = r.split_once('(').unwrap_or((r, ")"));
    let name = match name.trim() {
        "__init__" | "constructor" => "inisiasi",
        n => n,
    };
    let params = params.trim_end_matches(')');
    let params: Vec<&str> = params
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty() && !matches!(*p, "self" | "this"))
        .map(|p| p.split(':').next().unwrap_or(p).trim())
        .collect();
    format!(
        "tulis `fungsi {name}({}) maka` … `akhir`{}",
        params.join(", "),
        if r.contains("self") {
            " (di dalam metode, objeknya adalah `ini`, bukan parameter)"
        } else {
            ""
        }
    )
}

/// `throw new Error("x")`, `raise ValueError("x")`: the message and kind.
fn throw_help(r: &str) -> String {
    let r = r.strip_prefix("new ").unwrap_or(r).trim();
    let call = r.split_once('(').and_then(|(name, args)| {
        let args = args.strip_suffix(')')?;
        let plain = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        plain.then_some((name, args.trim()))
    });
    match call {
        Some((kind, msg)) => {
            let msg = if msg.is_empty() { "\"pesan\"" } else { msg };
            format!("tulis `lemparkan {msg} jenis \"{kind}\"` (atau cukup `lemparkan {msg}`)")
        }
        None => {
            let v = if r.is_empty() { "\"pesan\"" } else { r };
            format!("tulis `lemparkan {v}` (dengan jenis: `lemparkan {v} jenis \"ErrorKu\"`)")
        }
    }
}

fn class_help(r: &str) -> String {
    let (name, parent) = match r.split_once('(') {
        Some((n, p)) => (n.trim(), p.trim_end_matches(')').trim()),
        None => match r.split_once(" extends ") {
            Some((n, p)) => (n.trim(), p.trim()),
            None => (r, ""),
        },
    };
    let name = if name.is_empty() { "Nama" } else { name };
    if parent.is_empty() || parent == "object" {
        format!("tulis `kelas {name} maka` … `akhir` (metode: `fungsi inisiasi(x) maka` … `akhir`)")
    } else {
        format!("tulis `kelas {name} warisi {parent} maka` … `akhir`")
    }
}

fn catch_name(r: &str) -> String {
    let r = r.trim_matches(|c| c == '(' || c == ')').trim();
    let name = r.rsplit([' ', ':']).find(|w| !w.is_empty()).unwrap_or("e");
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !name.is_empty() {
        name.to_string()
    } else {
        "e".to_string()
    }
}

fn from_help(r: &str) -> String {
    match r.split_once(" import ") {
        Some((m, names)) => format!(
            "tulis `dari \"{}\" ambil_sebagian {}`",
            m.trim(),
            names.trim()
        ),
        None => "tulis `dari \"modul\" ambil_sebagian a, b`".to_string(),
    }
}

/// A for-each or counting loop written the Morph way.
fn loop_help(r: &str) -> String {
    let words: Vec<&str> = r.split_whitespace().collect();
    // `for (let i = 0; i < n; i++)` (C) or `for i = 1, 10` (Lua).
    let counting = |init: &str, cond: &str, step: &str| {
        format!(
            "hitung dengan `selama`: `biar {init}` lalu \
             `selama {cond} maka` … `{step}` … `akhir`"
        )
    };
    let parts: Vec<&str> = r.split(';').map(str::trim).collect();
    if let [init, cond, step] = parts.as_slice() {
        let init = init
            .trim_start_matches("let ")
            .trim_start_matches("var ")
            .trim_start_matches("const ");
        let var = init.split('=').next().unwrap_or("i").trim();
        let step = if step.ends_with("++") {
            format!("ubah {var} = {var} + 1")
        } else if step.ends_with("--") {
            format!("ubah {var} = {var} - 1")
        } else {
            match step.split_once("+=").or_else(|| step.split_once("-=")) {
                Some((v, by)) => {
                    let sign = if step.contains("+=") { '+' } else { '-' };
                    format!("ubah {0} = {0} {sign} {1}", v.trim(), by.trim())
                }
                None => format!("ubah {var} = {var} + 1"),
            }
        };
        return counting(init, &morphify(cond), &step);
    }
    if let Some((var, range)) = r.split_once('=').filter(|_| !r.contains("==")) {
        let var = var.trim();
        let bounds: Vec<&str> = range.split(',').map(str::trim).collect();
        if let [from, to, rest @ ..] = bounds.as_slice() {
            let by = rest.first().copied().unwrap_or("1");
            return counting(
                &format!("{var} = {from}"),
                &format!("{var} <= {to}"),
                &format!("ubah {var} = {var} + {by}"),
            );
        }
    }
    let skip = |w: &&str| !matches!(*w, "setiap" | "each" | "let" | "const" | "var" | "(");
    let items: Vec<&str> = words.iter().copied().filter(skip).collect();
    let paren = r.starts_with('(');
    let at = items
        .iter()
        .position(|w| matches!(*w, "in" | "of" | "dalam" | "pada"));
    let (item, list) = match at {
        Some(i) if i > 0 => (
            items[i - 1].trim_matches(|c| c == '(' || c == ','),
            items[i + 1..].join(" "),
        ),
        _ => ("x", String::new()),
    };
    let list = match list.strip_suffix(')') {
        Some(inner) if paren => inner.trim(),
        _ => list.trim(),
    };
    let item = if item.is_empty() { "x" } else { item };
    if let Some(args) = list
        .strip_prefix("range(")
        .and_then(|a| a.strip_suffix(')'))
    {
        let (from, to) = match args.split_once(',') {
            Some((a, b)) => (a.trim(), b.trim()),
            None => ("0", args.trim()),
        };
        return format!(
            "hitung dengan `selama`: `biar {item} = {from}` \
             lalu `selama {item} < {to} maka` … `ubah {item} = {item} + 1` … `akhir`"
        );
    }
    let list = if list.is_empty() { "xs" } else { list };
    format!(
        "ulangi dengan indeks: `biar i = 0` lalu \
         `selama i < panjang({list}) maka` … `biar {item} = {list}[i]` … `ubah i = i + 1` … `akhir`"
    )
}
