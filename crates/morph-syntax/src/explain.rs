//! Long explanations of the diagnostic codes — errors `E…` and the lint
//! warnings `W…` of `fox check` — (`fox explain E0201`, as
//! `rustc --explain`): for each code a title and a text with a failing
//! example, the message it gets and the fix, in Indonesian like the
//! messages themselves. The texts live beside this file in
//! `explain/ENNNN.md`; the runtime error codes (`R…`) have their own
//! catalogue in `fox-vm`.

/// One explained diagnostic code.
#[derive(Debug, PartialEq, Eq)]
pub struct Explanation {
    pub code: &'static str,
    pub title: &'static str,
    /// Markdown: what the code means, an example, its fix.
    pub text: &'static str,
}

macro_rules! explanations {
    ($($code:literal => $title:literal;)*) => {
        /// Every explained code, in order.
        pub static EXPLANATIONS: &[Explanation] = &[
            $(Explanation {
                code: $code,
                title: $title,
                text: include_str!(concat!("explain/", $code, ".md")),
            }),*
        ];
    };
}

explanations! {
    "E0101" => "Karakter tidak dikenal";
    "E0102" => "Teks tidak ditutup";
    "E0103" => "Angka tidak valid";
    "E0104" => "Berkas bukan UTF-8";
    "E0105" => "Interpolasi tidak valid";
    "E0106" => "Spesifikasi format di dalam interpolasi";
    "E0201" => "Token yang dibutuhkan tidak ada";
    "E0202" => "Ekspresi yang dibutuhkan tidak ada";
    "E0203" => "Token tak terduga";
    "E0204" => "Target penugasan tidak valid";
    "E0205" => "Bersarang terlalu dalam";
    "E0206" => "Blok tidak ditutup";
    "E0207" => "Pola tidak valid";
    "E0208" => "`coba` tanpa `tangkap` atau `akhirnya`";
    "E0209" => "Kata kunci dari bahasa lain";
    "E0210" => "Operator dari bahasa lain";
    "E0211" => "Fungsi anonim";
    "E0301" => "`berhenti`/`lanjutkan` di luar perulangan";
    "E0302" => "Konstanta diubah";
    "E0303" => "`asink fungsi` belum didukung";
    "E0304" => "Intrinsik dipakai dengan salah";
    "E0305" => "Fungsi terlalu besar";
    "E0306" => "`ini` di luar metode";
    "E0900" => "Kesalahan internal kompilator";
    "W0001" => "Nama dideklarasikan dua kali";
    "W0002" => "Kode tak terjangkau";
    "W0003" => "Variabel tidak pernah dipakai";
    "W0004" => "`//` setelah ekspresi";
    "W0005" => "Nama dari bahasa lain";
}

/// The explanation of `code` (case-insensitive).
pub fn explain(code: &str) -> Option<&'static Explanation> {
    EXPLANATIONS
        .iter()
        .find(|e| e.code.eq_ignore_ascii_case(code.trim()))
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;
    use crate::diagnostic::codes;

    #[test]
    fn every_code_is_explained() {
        let all = [
            codes::UNKNOWN_CHAR,
            codes::UNTERMINATED_STRING,
            codes::BAD_NUMBER,
            codes::INVALID_UTF8,
            codes::BAD_INTERPOLATION,
            codes::FORMAT_SPEC,
            codes::EXPECTED_TOKEN,
            codes::EXPECTED_EXPR,
            codes::UNEXPECTED_TOKEN,
            codes::BARE_ASSIGNMENT,
            codes::TOO_DEEP,
            codes::UNCLOSED_BLOCK,
            codes::BAD_PATTERN,
            codes::BAD_TRY,
            codes::FOREIGN_KEYWORD,
            codes::FOREIGN_OPERATOR,
            codes::ANONYMOUS_FUNCTION,
            codes::BREAK_OUTSIDE_LOOP,
            codes::CONST_REASSIGN,
            codes::ASYNC_UNSUPPORTED,
            codes::BAD_INTRINSIC,
            codes::TOO_MANY_REGISTERS,
            codes::THIS_OUTSIDE_METHOD,
            "E0900",
            codes::REDECLARED,
            codes::UNREACHABLE,
            codes::UNUSED,
            codes::SLASH_COMMENT,
            codes::FOREIGN_NAME,
        ];
        for c in all {
            let e = explain(c).unwrap_or_else(|| panic!("{c} has no explanation"));
            assert!(e.text.starts_with(&format!("# {c}: ")), "{c}");
        }
        assert_eq!(EXPLANATIONS.len(), all.len());
        assert_eq!(explain("e0201").map(|e| e.code), Some("E0201"));
    }

    /// The lexer and parser codes' failing examples really get their code.
    #[test]
    fn parse_examples_get_their_code() {
        for e in EXPLANATIONS
            .iter()
            .filter(|e| e.code.starts_with('E') && e.code < "E0300")
        {
            let Some(example) = e.text.split("```morph\n").nth(1) else {
                continue;
            };
            let src = example.split("```").next().unwrap_or("");
            let parsed = crate::parse(src);
            assert!(
                parsed.diagnostics.iter().any(|d| d.code == e.code),
                "{}: {:?}",
                e.code,
                parsed.diagnostics
            );
        }
    }
}
