//! What a Python, JavaScript or Lua programmer writes and how Morph spells
//! it: the table of foreign keywords (each with the Morph word and the kind
//! of statement it starts), the words and operators that get a `help:` note
//! when an error lands on them, and the suggestions built from the source
//! line the programmer wrote (`suggest.rs`). Pure functions over text; the
//! parser decides when to use them (`foreign.rs`).

/// What a foreign word starts when it begins a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// Same shape as a Morph statement: parsed again as that keyword.
    Simple,
    /// Opens a block (`if`, `while`, `def`, `class`, `try`, `switch`).
    Block,
    /// A loop over items or numbers (`for`, `untuk`, `foreach`).
    Loop,
    /// A clause inside a block (`else`, `elif`, `catch`, `finally`, `case`).
    Clause,
    /// Anything else: reported, and its line skipped.
    Line,
}

/// A keyword of another language at the start of a statement.
pub(super) struct Foreign {
    pub word: &'static str,
    /// The Morph word, as shown in the message.
    pub morph: &'static str,
    pub kind: Kind,
}

const fn f(word: &'static str, morph: &'static str, kind: Kind) -> Foreign {
    Foreign { word, morph, kind }
}

const FOREIGN: &[Foreign] = &[
    f("return", "kembalikan", Kind::Simple),
    f("break", "berhenti", Kind::Simple),
    f("continue", "lanjutkan", Kind::Simple),
    f("throw", "lemparkan", Kind::Simple),
    f("raise", "lemparkan", Kind::Simple),
    f("let", "biar", Kind::Simple),
    f("var", "biar", Kind::Simple),
    f("local", "biar", Kind::Simple),
    f("const", "tetap", Kind::Simple),
    f("if", "jika", Kind::Block),
    f("while", "selama", Kind::Block),
    f("def", "fungsi", Kind::Block),
    f("function", "fungsi", Kind::Block),
    f("func", "fungsi", Kind::Block),
    f("fn", "fungsi", Kind::Block),
    f("class", "kelas", Kind::Block),
    f("try", "coba", Kind::Block),
    f("switch", "pilih", Kind::Block),
    f("match", "jodohkan", Kind::Block),
    f("for", "selama", Kind::Loop),
    f("foreach", "selama", Kind::Loop),
    f("untuk", "selama", Kind::Loop),
    f("else", "lain", Kind::Clause),
    f("elif", "lain jika", Kind::Clause),
    f("elseif", "lain jika", Kind::Clause),
    f("elsif", "lain jika", Kind::Clause),
    f("catch", "tangkap", Kind::Clause),
    f("except", "tangkap", Kind::Clause),
    f("rescue", "tangkap", Kind::Clause),
    f("finally", "akhirnya", Kind::Clause),
    f("case", "ketika", Kind::Clause),
    f("default", "lainnya", Kind::Clause),
    f("import", "ambil_semua", Kind::Line),
    f("from", "dari", Kind::Line),
    f("require", "ambil_semua", Kind::Line),
    f("print", "tulis", Kind::Line),
    f("pass", "(tidak ada)", Kind::Line),
    f("end", "akhir", Kind::Line),
    f("lambda", "fungsi", Kind::Line),
];

pub(super) fn foreign(word: &str) -> Option<&'static Foreign> {
    FOREIGN.iter().find(|f| f.word == word)
}

/// The help for a word met inside an expression or where a Morph keyword
/// belongs (`and`, `true`, `then`, …).
pub(super) fn inline_word(word: &str) -> Option<String> {
    let morph = match word {
        "and" => "dan",
        "or" => "atau",
        "not" => "tidak",
        "true" | "True" => "benar",
        "false" | "False" => "salah",
        "null" | "None" | "undefined" => "nil",
        "then" | "do" => "maka",
        "end" => "akhir",
        "this" | "self" => "ini",
        "elif" | "elseif" | "elsif" => "lain jika",
        "else" => "lain",
        "in" | "of" => {
            return Some(
                "Morph tidak punya 'in'; ulangi daftar dengan indeks (lihat 'selama') \
                 atau cari dengan xs.index(x) / teks.temukan(t)"
                    .to_string(),
            )
        }
        "if" => {
            return Some(
                "ekspresi bersyarat ditulis `kondisi ? nilai_jika_benar : nilai_jika_salah`"
                    .to_string(),
            )
        }
        "lambda" | "function" => return Some(ANONYMOUS.to_string()),
        "new" => {
            return Some(
                "objek dibuat dengan memanggil kelasnya, tanpa 'new': `Titik(1, 2)`".to_string(),
            )
        }
        _ => return None,
    };
    Some(format!("di Morph, '{word}' ditulis '{morph}'"))
}

pub(super) const ANONYMOUS: &str = "Morph tidak punya fungsi anonim; deklarasikan fungsi \
     bernama lalu pakai namanya sebagai nilai: `fungsi dobel(x) maka kembalikan x * 2 akhir` \
     lalu `biar f = dobel`";

/// The help for an operator of another language (`**`, `&&`, `+=`, …),
/// written with its operands.
pub(super) fn operator(op: &str, lhs: &str, rhs: &str) -> Option<String> {
    let (lhs, rhs) = (super::suggest::morphify(lhs), super::suggest::morphify(rhs));
    Some(match op {
        "**" => format!("pangkat ditulis `pangkat({lhs}, {rhs})`; '^' di Morph adalah XOR bitwise"),
        "&&" => format!("'dan' menggabungkan kondisi: `{lhs} dan {rhs}`"),
        "||" => format!("'atau' menggabungkan kondisi: `{lhs} atau {rhs}`"),
        "===" => format!("bandingkan dengan '==': `{lhs} == {rhs}`"),
        "!==" => format!("bandingkan dengan '!=': `{lhs} != {rhs}`"),
        "++" => format!("ubah nilainya dengan `ubah {lhs} = {lhs} + 1`"),
        "--" => format!("ubah nilainya dengan `ubah {lhs} = {lhs} - 1`"),
        "=>" => ANONYMOUS.to_string(),
        "+=" | "-=" | "*=" | "/=" | "%=" => {
            let sign = &op[..1];
            format!("ubah nilainya dengan `ubah {lhs} = {lhs} {sign} {rhs}`")
        }
        _ => return None,
    })
}

/// The message of E0209 for a foreign statement keyword.
pub(super) fn statement_message(f: &Foreign) -> String {
    match f.kind {
        Kind::Loop => format!(
            "Morph tidak punya perulangan '{}'; gunakan '{}'.",
            f.word, f.morph
        ),
        _ if f.word == "lambda" => "Morph tidak punya 'lambda' (fungsi anonim).".to_string(),
        _ if f.word == "pass" => "'pass' bukan kata kunci Morph.".to_string(),
        _ => format!(
            "'{}' bukan kata kunci Morph; di Morph ditulis '{}'.",
            f.word, f.morph
        ),
    }
}
