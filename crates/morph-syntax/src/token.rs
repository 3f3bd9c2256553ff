//! Tokens produced by the lexer: kinds, the reserved words of §16, string
//! literal payloads (including the data interpolation needs) and the short
//! descriptions diagnostics use ("'maka'", "baris baru", …).

use crate::span::Span;

/// One lexed token.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

/// The payload of a string literal token.
#[derive(Clone, Debug, PartialEq)]
pub struct StrToken {
    /// The decoded value: `\n \t \" \\` processed, `\{` turned into `{`,
    /// every other backslash pair kept verbatim.
    pub value: String,
    /// Present only when the literal contains an unescaped `{`.
    pub interp: Option<Box<InterpData>>,
}

/// What the interpolation scanner needs to split a literal and to map the
/// spans of the embedded expressions back into the file.
#[derive(Clone, Debug, PartialEq)]
pub struct InterpData {
    /// Source offset of every byte of `value`, plus one final entry for the
    /// end of the literal's contents (`offsets.len() == value.len() + 1`).
    pub offsets: Vec<u32>,
    /// Byte indices into `value` of `{` characters written as `\{`.
    pub escaped: Vec<u32>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TokenKind {
    /// Integer literal that fits in i64 (including `1.0`-style literals).
    Int(i64),
    /// Integer literal beyond i64, as decimal digits without leading zeros.
    BigInt(String),
    Float(f64),
    Str(StrToken),
    Ident(String),
    Kw(Keyword),
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Amp,
    Pipe,
    Caret,
    Tilde,
    Shl,
    Shr,
    EqEq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    Bang,
    Assign,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Dot,
    Colon,
    Semicolon,
    Question,
    Ellipsis,
    Newline,
    Eof,
}

macro_rules! keywords {
    ($($variant:ident = $text:literal),* $(,)?) => {
        /// The reserved words of §16.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Keyword {
            $($variant),*
        }

        impl Keyword {
            /// Every keyword, in the order of §16.
            pub const ALL: &'static [Keyword] = &[$(Keyword::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Keyword::$variant => $text),*
                }
            }

            pub fn lookup(text: &str) -> Option<Keyword> {
                match text {
                    $($text => Some(Keyword::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

keywords! {
    Kelas = "kelas",
    Warisi = "warisi",
    Ini = "ini",
    Induk = "induk",
    Tipe = "tipe",
    Biar = "biar",
    Tetap = "tetap",
    Ubah = "ubah",
    Fungsi = "fungsi",
    Kembali = "kembali",
    Kembalikan = "kembalikan",
    Jika = "jika",
    Maka = "maka",
    Lain = "lain",
    Lainjika = "lainjika",
    Selama = "selama",
    Pilih = "pilih",
    Ketika = "ketika",
    Lainnya = "lainnya",
    Berhenti = "berhenti",
    Lanjutkan = "lanjutkan",
    Akhir = "akhir",
    Jodohkan = "jodohkan",
    Dengan = "dengan",
    Jaga = "jaga",
    Ambil = "ambil",
    Tulis = "tulis",
    Pinjam = "pinjam",
    AmbilSemua = "ambil_semua",
    AmbilSebagian = "ambil_sebagian",
    Dari = "dari",
    Sebagai = "sebagai",
    Benar = "benar",
    Salah = "salah",
    Nil = "nil",
    Dan = "dan",
    Atau = "atau",
    Tidak = "tidak",
    Asink = "asink",
    Tunggu = "tunggu",
    Aot = "aot",
    Coba = "coba",
    Tangkap = "tangkap",
    Akhirnya = "akhirnya",
    Lemparkan = "lemparkan",
    Jenis = "jenis",
    Warnai = "warnai",
}

impl Keyword {
    /// Keywords the parser also accepts as an identifier (§16): variable and
    /// parameter names, names in expressions, destructuring names.
    pub fn usable_as_ident(self) -> bool {
        use Keyword::*;
        matches!(
            self,
            Tipe | Jenis
                | Ambil
                | AmbilSebagian
                | AmbilSemua
                | Dari
                | Maka
                | Tulis
                | Ubah
                | Biar
                | Tetap
                | Fungsi
                | Kelas
                | Asink
                | Jika
                | Selama
                | Coba
                | Lemparkan
                | Jodohkan
                | Pilih
                | Kembali
                | Berhenti
                | Lanjutkan
                | Tunggu
                | Warnai
        )
    }
}

impl TokenKind {
    /// A short human description for diagnostics ("'maka'", "baris baru").
    pub fn describe(&self) -> String {
        match self {
            TokenKind::Int(n) => format!("angka {n}"),
            TokenKind::BigInt(d) => format!("angka {d}"),
            TokenKind::Float(f) => format!("angka {f}"),
            TokenKind::Str(_) => "teks".to_string(),
            TokenKind::Ident(name) => format!("nama '{name}'"),
            TokenKind::Kw(k) => format!("'{}'", k.as_str()),
            TokenKind::Newline => "baris baru".to_string(),
            TokenKind::Eof => "akhir berkas".to_string(),
            other => format!("'{}'", other.punct_str()),
        }
    }

    /// The source text of a punctuation token (empty for other kinds).
    pub fn punct_str(&self) -> &'static str {
        match self {
            TokenKind::Plus => "+",
            TokenKind::Minus => "-",
            TokenKind::Star => "*",
            TokenKind::Slash => "/",
            TokenKind::Percent => "%",
            TokenKind::Amp => "&",
            TokenKind::Pipe => "|",
            TokenKind::Caret => "^",
            TokenKind::Tilde => "~",
            TokenKind::Shl => "<<",
            TokenKind::Shr => ">>",
            TokenKind::EqEq => "==",
            TokenKind::NotEq => "!=",
            TokenKind::Lt => "<",
            TokenKind::Le => "<=",
            TokenKind::Gt => ">",
            TokenKind::Ge => ">=",
            TokenKind::Bang => "!",
            TokenKind::Assign => "=",
            TokenKind::LParen => "(",
            TokenKind::RParen => ")",
            TokenKind::LBracket => "[",
            TokenKind::RBracket => "]",
            TokenKind::LBrace => "{",
            TokenKind::RBrace => "}",
            TokenKind::Comma => ",",
            TokenKind::Dot => ".",
            TokenKind::Colon => ":",
            TokenKind::Semicolon => ";",
            TokenKind::Question => "?",
            TokenKind::Ellipsis => "...",
            _ => "",
        }
    }

    pub fn is_kw(&self, kw: Keyword) -> bool {
        matches!(self, TokenKind::Kw(k) if *k == kw)
    }

    /// The identifier text, if this is a plain identifier.
    pub fn ident(&self) -> Option<&str> {
        match self {
            TokenKind::Ident(s) => Some(s),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_table_round_trips() {
        assert_eq!(Keyword::ALL.len(), 47);
        for k in Keyword::ALL {
            assert_eq!(Keyword::lookup(k.as_str()), Some(*k));
        }
        assert_eq!(Keyword::lookup("kasus"), None);
        assert_eq!(Keyword::lookup("lain_jika"), None);
    }
}
