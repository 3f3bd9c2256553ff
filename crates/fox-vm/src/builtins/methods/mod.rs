//! Methods of builtin values (§11.2): the Morph names and the Python names
//! real programs use, on texts (`text.rs`), lists (`list.rs`) and dicts
//! (`dict.rs`), plus `punya` on instances, classes and modules. Each
//! receiver type has one table of its methods with their parameters: a
//! method exists exactly when it is in the table, and every call is
//! checked against it (see `signature`) before the method runs.

mod dict;
mod host;
mod list;
mod text;
mod textutil;

use super::arg;
use super::signature::{opt, p, Param, Types};
use crate::error::RtResult;
use crate::object::Object;
use crate::value::Value;
use crate::value::V;
use crate::vm::Vm;
use fox_bytecode::Sym;

pub use list::sort_by_keys;

/// A method of a builtin value.
pub struct MethodDef {
    pub name: &'static str,
    pub params: &'static [Param],
}

const fn m(name: &'static str, params: &'static [Param]) -> MethodDef {
    MethodDef { name, params }
}

const ANY: Types = Types::APAPUN;
const TEXT: Types = Types::TEKS;
const INT: Types = Types::BULAT;
const FIND: &[Param] = &[p("cari", TEXT), opt("mulai", INT), opt("akhir", INT)];
const STRIP: &[Param] = &[opt("karakter", TEXT)];
const REPLACE: &[Param] = &[p("lama", TEXT), p("baru", TEXT), opt("batas", INT)];
const SPLIT: &[Param] = &[opt("pemisah", TEXT), opt("batas", INT)];
const AFFIX: &[Param] = &[p("bagian", TEXT), opt("mulai", INT), opt("akhir", INT)];
const PAD: &[Param] = &[p("lebar", INT), opt("isi", TEXT)];
/// `sort(kunci, terbalik)`; a lone boolean is `terbalik` (`sort(benar)`).
const SORT: &[Param] = &[
    opt("kunci", Types::PANGGIL.or(Types::BOOL)),
    opt("terbalik", INT),
];

pub const STR_METHODS: &[MethodDef] = &[
    m("kecil", &[]),
    m("besar", &[]),
    m("bersihkan", STRIP),
    m("ganti", REPLACE),
    m("temukan", FIND),
    m("pisah", SPLIT),
    m("awalan", AFFIX),
    m("akhiran", AFFIX),
    m("lower", &[]),
    m("upper", &[]),
    m("strip", STRIP),
    m("lstrip", STRIP),
    m("rstrip", STRIP),
    m("replace", REPLACE),
    m("find", FIND),
    m("rfind", FIND),
    m("index", FIND),
    m("split", SPLIT),
    m("join", &[p("bagian", Types::DAFTAR.or(TEXT))]),
    m("startswith", AFFIX),
    m("endswith", AFFIX),
    m("isdigit", &[]),
    m("isalpha", &[]),
    m("isalnum", &[]),
    m("isspace", &[]),
    m("isupper", &[]),
    m("islower", &[]),
    m("count", FIND),
    m("title", &[]),
    m("encode", &[opt("encoding", TEXT)]),
    m("capitalize", &[]),
    m("center", PAD),
    m("ljust", PAD),
    m("rjust", PAD),
    m("zfill", &[p("lebar", INT)]),
    m("splitlines", &[]),
    m("panjang", &[]),
];

pub const LIST_METHODS: &[MethodDef] = &[
    m("append", &[p("nilai", ANY)]),
    m("tambah", &[p("nilai", ANY)]),
    m("pop", &[opt("indeks", INT)]),
    m("insert", &[p("indeks", INT), p("nilai", ANY)]),
    m("index", &[p("nilai", ANY)]),
    m("count", &[p("nilai", ANY)]),
    m("remove", &[p("nilai", ANY)]),
    m("sort", SORT),
    m("urutkan", SORT),
    m("reverse", &[]),
    m("extend", &[p("bagian", Types::DAFTAR.or(TEXT))]),
    m("clear", &[]),
    m("copy", &[]),
    m("panjang", &[]),
];

pub const DICT_METHODS: &[MethodDef] = &[
    m("punya", &[p("kunci", ANY)]),
    m("keys", &[]),
    m("kunci", &[]),
    m("values", &[]),
    m("nilai", &[]),
    m("items", &[]),
    m("get", &[p("kunci", ANY), opt("bawaan", ANY)]),
    m("setdefault", &[p("kunci", ANY), opt("bawaan", ANY)]),
    m("pop", &[p("kunci", ANY), opt("bawaan", ANY)]),
    m("hapus", &[p("kunci", ANY)]),
    m("clear", &[]),
    m("copy", &[]),
    m("update", &[p("lain", Types::KAMUS)]),
    m("panjang", &[]),
];

/// `punya` of instances, classes and modules.
pub const OBJECT_METHODS: &[MethodDef] = &[m("punya", &[p("nama", TEXT)])];

/// Bytes (from `_backend` and the host modules).
pub const BYTES_METHODS: &[MethodDef] = &[m("decode", &[opt("encoding", TEXT)]), m("hex", &[])];

/// An open file (`open`, `_backend.fs_buka`).
pub const FILE_METHODS: &[MethodDef] = &[
    m("read", &[opt("ukuran", INT)]),
    m("write", &[p("data", ANY)]),
    m("readline", &[]),
    m("readlines", &[]),
    m("close", &[]),
];

/// A `hashlib` hash.
pub const HASH_METHODS: &[MethodDef] = &[
    m("update", &[p("data", ANY)]),
    m("hexdigest", &[]),
    m("digest", &[]),
];

/// Every table with the receiver it belongs to, for documentation.
pub const METHOD_TABLES: &[(&str, &[MethodDef])] = &[
    ("teks", STR_METHODS),
    ("daftar", LIST_METHODS),
    ("kamus", DICT_METHODS),
    ("objek", OBJECT_METHODS),
    ("bytes", BYTES_METHODS),
    ("berkas", FILE_METHODS),
    ("hash", HASH_METHODS),
];

fn find(table: &'static [MethodDef], name: &str) -> Option<&'static MethodDef> {
    table.iter().find(|m| m.name == name)
}

pub fn is_str_method(n: &str) -> bool {
    find(STR_METHODS, n).is_some()
}
pub fn is_list_method(n: &str) -> bool {
    find(LIST_METHODS, n).is_some()
}
pub fn is_dict_method(n: &str) -> bool {
    find(DICT_METHODS, n).is_some()
}

/// The methods of a value other than a text, list or dict, if it has any.
pub fn host_table(obj: &Object) -> Option<(&'static str, &'static [MethodDef])> {
    use crate::resource::Resource;
    match obj {
        Object::Bytes(_) => Some(("bytes", BYTES_METHODS)),
        Object::Resource(r) => match &**r {
            Resource::File(_) => Some(("berkas", FILE_METHODS)),
            Resource::Hash(_) => Some(("hash", HASH_METHODS)),
            Resource::Tcp(_) => None,
        },
        _ => None,
    }
}

pub fn is_host_method(obj: &Object, n: &str) -> bool {
    host_table(obj).is_some_and(|(_, t)| find(t, n).is_some())
}

pub use textutil::{find_chars, replace_text};

impl Vm {
    /// Call builtin method `sym` of `recv` with `argc` arguments at `start`.
    pub fn call_builtin_method(
        &mut self,
        recv: Value,
        sym: Sym,
        start: usize,
        argc: usize,
    ) -> RtResult<Value> {
        let mut buf = [Value::Nil; 4];
        let heap_args;
        let args: &[Value] = if argc <= buf.len() {
            buf[..argc].copy_from_slice(&self.stack[start..start + argc]);
            &buf[..argc]
        } else {
            heap_args = self.stack[start..start + argc].to_vec();
            &heap_args
        };
        let name = self.interner.name_rc(sym);
        let V::Obj(g) = recv.unpack() else {
            return Err(self.no_attr(recv, sym));
        };
        let (receiver, table) = match self.heap.get(g) {
            Object::Str(_) => ("teks", STR_METHODS),
            Object::List(_) => ("daftar", LIST_METHODS),
            Object::Dict(_) => ("kamus", DICT_METHODS),
            Object::Instance(_) | Object::Class(_) | Object::Module(_) => ("objek", OBJECT_METHODS),
            other => match host_table(other) {
                Some(t) => t,
                None => return Err(self.no_attr(recv, sym)),
            },
        };
        let Some(def) = find(table, &name) else {
            return Err(self.no_attr(recv, sym));
        };
        self.check_args(Some(receiver), &name, def.params, args)?;
        match self.heap.get(g) {
            Object::Str(s) => {
                let s = s.text.clone();
                self.str_method(&s, &name, args, recv, sym)
            }
            Object::List(_) => self.list_method(g, &name, args, recv, sym),
            Object::Dict(_) => self.dict_method(g, &name, args, recv, sym),
            Object::Bytes(_) => self.bytes_method(g, &name, args),
            Object::Resource(_) => self.resource_method(g, &name, args),
            _ => self.punya(g, arg(args, 0)),
        }
    }

    /// `x.punya(nama)` on an instance (a property or a method), a class (a
    /// method) or a module (a global).
    fn punya(&mut self, g: crate::value::Gc, key: Value) -> RtResult<Value> {
        let key = self.str_checked(key)?;
        let has = match self.heap.get(g) {
            Object::Instance(i) => {
                let k = self.interner.lookup(&key);
                k.is_some_and(|k| {
                    i.get(k).is_some()
                        || matches!(self.heap.get(i.class), Object::Class(c) if c.methods.contains_key(&k))
                })
            }
            Object::Class(c) => self
                .interner
                .lookup(&key)
                .is_some_and(|k| c.methods.contains_key(&k)),
            Object::Module(id) => self.module_get(*id, &key).is_some(),
            _ => false,
        };
        Ok(Value::Bool(has))
    }
}
