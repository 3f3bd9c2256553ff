//! The catalogue of runtime errors: every error the VM raises carries one
//! of these codes (`R0101`, …) as data — with its `jenis` (the kind a
//! program catches by name) — from the place it is raised to the error
//! value's `kode` field, an uncaught error's report and `fox explain`.
//! One row per situation a program may want to tell apart: a code's
//! `jenis` never changes, and codes are never reused. The long
//! explanations (an example and the fix, in Indonesian like every message
//! users see) live beside this file in `codes/RNNNN.md`.

use crate::error::RtError;

/// `jenis` of errors thrown by the program itself (`lemparkan v` with a
/// value that is not a dict).
pub const ERROR_MANUAL: &str = "ErrorManual";

/// One catalogue entry.
#[derive(Debug, PartialEq, Eq)]
pub struct ErrorCode {
    /// Stable code, e.g. `R0301`.
    pub code: &'static str,
    /// The error's `jenis` (`ErrorKunci`, …).
    pub jenis: &'static str,
    /// A short title (one line, Indonesian).
    pub title: &'static str,
    /// The long explanation `fox explain` prints (Indonesian, markdown).
    pub explanation: &'static str,
}

impl ErrorCode {
    /// Is this the catalogue entry `other`? Compared by the stable code,
    /// never by address: a `const` reference may be a different copy in
    /// each codegen unit (a build without link-time optimisation showed it).
    pub fn is(&self, other: &ErrorCode) -> bool {
        self.code == other.code
    }

    /// An error with this code and the message `pesan`.
    pub fn err(&'static self, pesan: impl Into<String>) -> RtError {
        RtError::Coded {
            code: self,
            pesan: pesan.into(),
        }
    }
}

macro_rules! catalogue {
    ($($name:ident = $code:literal, $jenis:literal, $title:literal;)*) => {
        $(
            pub const $name: &ErrorCode = &ErrorCode {
                code: $code,
                jenis: $jenis,
                title: $title,
                explanation: include_str!(concat!("codes/", $code, ".md")),
            };
        )*
        /// Every code, in catalogue order.
        pub static CATALOGUE: &[&ErrorCode] = &[$($name),*];
    };
}

catalogue! {
    THROWN = "R0001", "ErrorManual", "Galat dilempar oleh program (lemparkan)";
    NAME_UNDEFINED = "R0101", "ErrorNama", "Nama belum didefinisikan";
    ATTR_MISSING = "R0201", "ErrorAtribut", "Nilai tidak punya atribut atau metode itu";
    ATTR_STORE = "R0202", "ErrorAtribut", "Atribut tidak bisa disimpan pada nilai ini";
    SUPER_MISUSE = "R0203", "ErrorAtribut", "'induk' dipakai di tempat yang salah";
    VARIANT_ATTR = "R0204", "ErrorAtribut", "Varian dibaca dengan titik, bukan dengan jodohkan";
    KEY_MISSING = "R0301", "ErrorKunci", "Kunci tidak ada di kamus";
    INDEX_RANGE = "R0401", "ErrorIndeks", "Indeks di luar jangkauan";
    OPERAND_TYPE = "R0501", "ErrorTipe", "Operator tidak bisa dipakai pada tipe-tipe ini";
    COMPARE_TYPE = "R0502", "ErrorTipe", "Nilai-nilai ini tidak bisa dibandingkan urutannya";
    NOT_CALLABLE = "R0503", "ErrorTipe", "Nilai ini tidak bisa dipanggil";
    NOT_INDEXABLE = "R0504", "ErrorTipe", "Nilai ini tidak bisa diindeks atau diiris dengan cara itu";
    UNHASHABLE = "R0505", "ErrorTipe", "Nilai ini tidak bisa menjadi kunci kamus";
    ARG_TYPE = "R0506", "ErrorTipe", "Argumen fungsi bawaan atau metode bertipe salah";
    INHERIT_NON_CLASS = "R0507", "ErrorTipe", "Kelas mewarisi sesuatu yang bukan kelas";
    NOT_UNPACKABLE = "R0508", "ErrorTipe", "Nilai ini tidak bisa diurai (destrukturisasi)";
    TEXT_METHOD_RESULT = "R0509", "ErrorTipe", "Metode teks() atau repr() tidak mengembalikan teks";
    BAD_CONVERSION = "R0601", "ErrorNilai", "Nilai tidak bisa dikonversi";
    NOT_FOUND = "R0602", "ErrorNilai", "Nilai yang dicari tidak ada";
    UNPACK_COUNT = "R0603", "ErrorNilai", "Terlalu sedikit nilai untuk diurai";
    MATH_DOMAIN = "R0604", "ErrorNilai", "Di luar daerah asal fungsi matematika";
    EMPTY_SEQUENCE = "R0605", "ErrorNilai", "Urutan kosong";
    ARG_VALUE = "R0606", "ErrorNilai", "Nilai argumen tidak sah";
    GENERATOR_STATE = "R0607", "ErrorNilai", "Generator dipakai dalam keadaan yang salah";
    ZERO_DIVISION = "R0701", "ErrorPembagianNol", "Pembagian atau modulo dengan nol";
    NUM_OVERFLOW = "R0702", "ErrorLuapan", "Angka terlalu besar untuk angka desimal";
    TOO_MANY_ARGS = "R0801", "ErrorArgumen", "Fungsi dipanggil dengan terlalu banyak argumen";
    ARG_COUNT = "R0802", "ErrorArgumen", "Jumlah argumen fungsi bawaan atau metode salah";
    PERMISSION = "R0901", "ErrorIzin", "Izin akses ditolak";
    CALL_DEPTH = "R1001", "ErrorBatas", "Kedalaman panggilan melebihi batas";
    DATA_DEPTH = "R1002", "ErrorBatas", "Data bersarang terlalu dalam";
    INT_DIGITS = "R1003", "ErrorBatas", "Bilangan bulat terlalu panjang untuk dikonversi";
    INSTRUCTION_BUDGET = "R1004", "BatasInstruksi", "Batas instruksi habis (run berhenti, tidak bisa ditangkap)";
    MEMORY = "R1101", "ErrorMemori", "Memori habis";
    FILE_IO = "R1201", "ErrorIO", "Operasi berkas gagal";
    NET_IO = "R1202", "ErrorIO", "Operasi jaringan gagal";
    STORE_IO = "R1203", "ErrorIO", "Penyimpanan tahan lama gagal";
    INPUT_EOF = "R1204", "ErrorIO", "Masukan habis";
    MODULE_NOT_FOUND = "R1301", "ErrorModul", "Modul tidak ditemukan";
    MODULE_LOAD = "R1302", "ErrorModul", "Modul gagal dimuat";
}

/// The catalogue entry of `code` (case-insensitive: `r0301` works too).
pub fn lookup(code: &str) -> Option<&'static ErrorCode> {
    CATALOGUE
        .iter()
        .copied()
        .find(|c| c.code.eq_ignore_ascii_case(code.trim()))
}

/// Every code as markdown: the runtime catalogue (code, jenis, title),
/// then the diagnostic codes `fox explain` also explains — the generated
/// list in `docs/errors.md`, which a test keeps equal to this.
pub fn catalogue_markdown() -> String {
    let mut out = String::from("Runtime errors:\n\n| kode | jenis | arti |\n| --- | --- | --- |\n");
    for c in CATALOGUE {
        out.push_str(&format!("| `{}` | `{}` | {} |\n", c.code, c.jenis, c.title));
    }
    out.push_str("\nDiagnostics (`fox check`):\n\n| kode | arti |\n| --- | --- |\n");
    for e in morph_syntax::explain::EXPLANATIONS {
        out.push_str(&format!("| `{}` | {} |\n", e.code, e.title));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_explained() {
        for w in CATALOGUE.windows(2) {
            assert!(w[0].code < w[1].code, "{} before {}", w[0].code, w[1].code);
        }
        for c in CATALOGUE {
            assert!(c.code.len() == 5 && c.code.starts_with('R'), "{}", c.code);
            assert!(
                c.jenis.starts_with("Error") || c.jenis.starts_with("Batas"),
                "{}",
                c.code
            );
            // Every explanation shows a failing example and its fix.
            assert!(c.explanation.contains("```"), "{} has no example", c.code);
            assert!(c.explanation.contains(c.jenis), "{} names no jenis", c.code);
        }
    }

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(lookup("r0301").map(|c| c.jenis), Some("ErrorKunci"));
        assert!(lookup("R9999").is_none());
    }
}
