//! How messages name values, and the messages several places raise
//! (undefined names, call depth). The message policy (docs/errors.md): every
//! text a user sees is Indonesian and names Morph types the way `tipe()`
//! spells them (`nil`, `boolean`, `angka`, `teks`, `daftar`, `kamus`),
//! with two refinements where `tipe()` is too coarse to help: a float is
//! an `angka desimal` (so "harus angka bulat, bukan angka desimal" reads
//! right), and what `tipe()` calls `objek` is named for what it is
//! (`fungsi`, `kelas K`, `objek K` for an instance of class `K`, `varian
//! V`, `generator`, `modul`, `koneksi`). Python's type names (`int`,
//! `NoneType`, …) never reach a message.

use crate::codes;
use crate::error::RtError;
use crate::object::Object;
use crate::value::{Value, V};
use crate::vm::Vm;

impl Vm {
    /// The type of `v` as messages name it.
    pub fn type_label(&self, v: Value) -> String {
        match v.unpack() {
            V::Nil | V::Undef => "nil".into(),
            V::Bool(_) => "boolean".into(),
            V::Int(_) => "angka".into(),
            V::Float(_) => "angka desimal".into(),
            V::Native(_) => "fungsi".into(),
            V::Obj(g) => match self.heap.get(g) {
                Object::Str(_) => "teks".into(),
                Object::BigInt(_) => "angka".into(),
                Object::List(_) => "daftar".into(),
                Object::Dict(_) => "kamus".into(),
                Object::Module(_) => "modul".into(),
                Object::Closure(_) | Object::BoundMethod(_) => "fungsi".into(),
                Object::Class(c) => format!("kelas {}", c.name),
                Object::Instance(i) => format!("objek {}", self.class_name(i.class)),
                Object::Variant(var) => format!("varian {}", self.interner.name(var.name)),
                Object::VariantCtor { name, .. } => {
                    format!("konstruktor varian {}", self.interner.name(*name))
                }
                Object::Generator(_) => "generator".into(),
                Object::Resource(r) => r.kind_label().into(),
                Object::Bytes(_) => "bytes".into(),
                Object::Pipeline(_) | Object::Cell(_) | Object::Free(_) => "objek".into(),
            },
        }
    }

    /// `v` shown in a message: its `repr`, cut to `max` characters.
    pub fn shown(&self, v: Value, max: usize) -> String {
        let r = self.repr_lossy(v);
        if r.chars().count() <= max {
            return r;
        }
        let mut cut: String = r.chars().take(max).collect();
        cut.push('…');
        cut
    }
}

/// `s` with its first letter upper-case (a message's first word), except
/// `nil`, which stays a keyword: "Nilai nil".
pub fn capitalized(s: &str) -> String {
    if s == "nil" || s == "boolean" {
        return format!("Nilai {s}");
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Names from other languages a newcomer reaches for, and Morph's own.
const FOREIGN_NAMES: &[(&str, &str)] = &[
    ("print", "tulis"),
    ("console", "tulis"),
    ("len", "panjang"),
    ("str", "teks"),
    ("input", "masukan"),
    ("type", "tipe"),
    ("abs", "absolut"),
    ("round", "bulat"),
    ("sqrt", "akar"),
    ("pow", "pangkat"),
    ("floor", "lantai"),
    ("ceil", "atap"),
    ("exit", "keluar"),
    ("append", "tambah"),
    ("keys", "kunci"),
    ("None", "nil"),
    ("null", "nil"),
    ("undefined", "nil"),
    ("True", "benar"),
    ("true", "benar"),
    ("False", "salah"),
    ("false", "salah"),
    ("self", "ini"),
    ("this", "ini"),
    ("super", "induk"),
];

impl Vm {
    /// `nama` is read but was never defined (`ErrorNama`).
    pub fn undefined_name(&self, name: &str) -> RtError {
        let hint = FOREIGN_NAMES
            .iter()
            .find(|(foreign, _)| *foreign == name)
            .map(|(_, morph)| format!("; di Morph namanya '{morph}'"))
            .unwrap_or_default();
        codes::NAME_UNDEFINED.err(format!("Nama '{name}' belum didefinisikan{hint}"))
    }

    /// A call would pass `Config::max_depth` frames (`ErrorBatas`).
    /// The register stack is full (deep recursion through frames with many
    /// registers): the call-depth error, naming the stack's size.
    #[cold]
    pub fn stack_full_error(&self) -> RtError {
        codes::CALL_DEPTH.err(format!(
            "Tumpukan register melebihi batas ({} slot); rekursi tanpa henti?",
            self.stack.capacity()
        ))
    }

    pub fn call_depth_error(&self) -> RtError {
        codes::CALL_DEPTH.err(format!(
            "Kedalaman panggilan melebihi batas ({} bingkai); rekursi tanpa henti?",
            self.config.max_depth
        ))
    }
}

/// Edit distance between two short names (Levenshtein, by characters).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(cur)
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// The candidate closest to `name`, if it is a plausible misspelling: one
/// edit for names of 3–5 characters, two for longer ones (shorter names
/// are too easily near anything).
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let len = name.chars().count();
    if !(3..=40).contains(&len) {
        return None;
    }
    let limit = if len <= 5 { 1 } else { 2 };
    candidates
        .filter(|c| *c != name && c.chars().count() <= 40)
        .map(|c| (distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn closest_names() {
        let names = ["append", "pop", "panjang", "sort"];
        assert_eq!(closest("apend", names.iter().copied()), Some("append"));
        assert_eq!(closest("panjng", names.iter().copied()), Some("panjang"));
        assert_eq!(closest("xyzzy", names.iter().copied()), None);
        assert_eq!(closest("po", names.iter().copied()), None);
        assert_eq!(closest("srt", names.iter().copied()), Some("sort"));
    }
}
