//! Signatures of builtin functions and value methods, as data: each
//! parameter's name, the types it accepts and whether it is required,
//! optional or a rest parameter. The same tables check every call (one
//! place, before the native runs: the count, then each argument's type,
//! with an `ErrorArgumen`/`ErrorTipe` naming the function, what it
//! expects and what it got) and document the builtins
//! ([`builtin_signatures`]). Optional parameters also accept `nil`
//! ("not given"), as Morph functions do for missing arguments.

use crate::codes;
use crate::error::{RtError, RtResult};
use crate::object::Object;
use crate::value::{Value, V};
use crate::vm::Vm;

/// A set of value types (one bit per kind of value).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Types(u16);

impl Types {
    pub const NIL: Types = Types(1);
    pub const BOOL: Types = Types(1 << 1);
    pub const INT: Types = Types(1 << 2);
    pub const FLOAT: Types = Types(1 << 3);
    pub const TEKS: Types = Types(1 << 4);
    pub const DAFTAR: Types = Types(1 << 5);
    pub const KAMUS: Types = Types(1 << 6);
    pub const MODUL: Types = Types(1 << 7);
    /// Functions, bound methods, builtins, variant constructors.
    pub const FUNGSI: Types = Types(1 << 8);
    pub const KELAS: Types = Types(1 << 9);
    /// Instances of classes.
    pub const OBJEK: Types = Types(1 << 10);
    pub const VARIAN: Types = Types(1 << 11);
    pub const GENERATOR: Types = Types(1 << 12);
    pub const KONEKSI: Types = Types(1 << 13);
    /// Anything else (internal objects).
    pub const LAIN: Types = Types(1 << 14);
    pub const BYTES: Types = Types(1 << 15);
    /// Integers (booleans count as 0 and 1, as in arithmetic).
    pub const BULAT: Types = Types(Self::BOOL.0 | Self::INT.0);
    /// Any number.
    pub const ANGKA: Types = Types(Self::BULAT.0 | Self::FLOAT.0);
    /// What can be called.
    pub const PANGGIL: Types = Types(Self::FUNGSI.0 | Self::KELAS.0);
    pub const APAPUN: Types = Types(u16::MAX);

    pub const fn or(self, other: Types) -> Types {
        Types(self.0 | other.0)
    }

    pub const fn contains(self, other: Types) -> bool {
        self.0 & other.0 == other.0
    }

    /// The one kind `v` is.
    pub fn of(vm: &Vm, v: Value) -> Types {
        match v.unpack() {
            V::Nil | V::Undef => Types::NIL,
            V::Bool(_) => Types::BOOL,
            V::Int(_) => Types::INT,
            V::Float(_) => Types::FLOAT,
            V::Native(_) => Types::FUNGSI,
            V::Obj(g) => match vm.heap.get(g) {
                Object::Str(_) => Types::TEKS,
                Object::BigInt(_) => Types::INT,
                Object::List(_) => Types::DAFTAR,
                Object::Dict(_) => Types::KAMUS,
                Object::Module(_) => Types::MODUL,
                Object::Closure(_) | Object::BoundMethod(_) | Object::VariantCtor { .. } => {
                    Types::FUNGSI
                }
                Object::Class(_) => Types::KELAS,
                Object::Instance(_) => Types::OBJEK,
                Object::Variant(_) => Types::VARIAN,
                Object::Generator(_) => Types::GENERATOR,
                Object::Resource(_) => Types::KONEKSI,
                Object::Bytes(_) => Types::BYTES,
                Object::Cell(_) | Object::Pipeline(_) | Object::Free(_) => Types::LAIN,
            },
        }
    }

    /// The set in words: `angka bulat`, `teks atau nil`, `apa saja`.
    pub fn describe(self) -> String {
        if self == Types::APAPUN {
            return "apa saja".into();
        }
        let mut rest = self;
        let mut words: Vec<&str> = Vec::new();
        let mut take = |set: Types, word: &'static str, rest: &mut Types| {
            if rest.contains(set) {
                words.push(word);
                rest.0 &= !set.0;
            }
        };
        take(Types::ANGKA, "angka", &mut rest);
        take(Types::BULAT, "angka bulat", &mut rest);
        take(Types::INT, "angka bulat", &mut rest);
        take(Types::FLOAT, "angka desimal", &mut rest);
        take(Types::TEKS, "teks", &mut rest);
        take(Types::DAFTAR, "daftar", &mut rest);
        take(Types::KAMUS, "kamus", &mut rest);
        take(Types::MODUL, "modul", &mut rest);
        take(Types::FUNGSI, "fungsi", &mut rest);
        take(Types::KELAS, "kelas", &mut rest);
        take(Types::OBJEK, "objek", &mut rest);
        take(Types::VARIAN, "varian", &mut rest);
        take(Types::GENERATOR, "generator", &mut rest);
        take(Types::KONEKSI, "koneksi", &mut rest);
        take(Types::BYTES, "bytes", &mut rest);
        take(Types::BOOL, "boolean", &mut rest);
        take(Types::NIL, "nil", &mut rest);
        match words.len() {
            0 => "nilai lain".into(),
            1 => words[0].into(),
            n => format!("{} atau {}", words[..n - 1].join(", "), words[n - 1]),
        }
    }
}

/// How a parameter is passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Required,
    /// May be left out (or given as `nil`).
    Optional,
    /// Takes every remaining argument (zero or more).
    Rest,
}

/// One parameter of a builtin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param {
    pub name: &'static str,
    pub types: Types,
    pub kind: Kind,
}

/// A required parameter.
pub const fn p(name: &'static str, types: Types) -> Param {
    Param {
        name,
        types,
        kind: Kind::Required,
    }
}

/// An optional parameter.
pub const fn opt(name: &'static str, types: Types) -> Param {
    Param {
        name,
        types,
        kind: Kind::Optional,
    }
}

/// A rest parameter (the last one).
pub const fn rest(name: &'static str, types: Types) -> Param {
    Param {
        name,
        types,
        kind: Kind::Rest,
    }
}

/// Fewest and most arguments `params` take (`None`: no upper bound).
pub fn arity(params: &[Param]) -> (usize, Option<usize>) {
    let min = params.iter().filter(|p| p.kind == Kind::Required).count();
    let max = match params.last() {
        Some(p) if p.kind == Kind::Rest => None,
        _ => Some(params.len()),
    };
    (min, max)
}

/// `nama(a: teks, b?: angka, c...: apa saja)`: a signature for people.
pub fn render(name: &str, params: &[Param]) -> String {
    let list: Vec<String> = params
        .iter()
        .map(|p| {
            let mark = match p.kind {
                Kind::Required => "",
                Kind::Optional => "?",
                Kind::Rest => "...",
            };
            format!("{}{mark}: {}", p.name, p.types.describe())
        })
        .collect();
    format!("{name}({})", list.join(", "))
}

/// What a call with the wrong count should have had.
fn expected_count(min: usize, max: Option<usize>) -> String {
    match max {
        Some(m) if m == min => format!("tepat {min} argumen"),
        Some(m) => format!("{min} sampai {m} argumen"),
        None => format!("paling sedikit {min} argumen"),
    }
}

impl Vm {
    /// Check a call of builtin `name` (a method of `receiver`, e.g.
    /// `daftar`, when given) with `args` against its parameters. Nothing is
    /// allocated unless the call is wrong.
    pub fn check_args(
        &self,
        receiver: Option<&str>,
        name: &str,
        params: &[Param],
        args: &[Value],
    ) -> RtResult<()> {
        let who = || match receiver {
            Some(r) => format!("{r}.{name}"),
            None => name.to_string(),
        };
        let (min, max) = arity(params);
        if args.len() < min || max.is_some_and(|m| args.len() > m) {
            let who = who();
            return Err(codes::ARG_COUNT.err(match max {
                Some(0) => format!(
                    "{who}() tidak menerima argumen, tetapi mendapat {}",
                    args.len()
                ),
                _ => format!(
                    "{who}() membutuhkan {}, tetapi mendapat {}",
                    expected_count(min, max),
                    args.len()
                ),
            }));
        }
        for (i, a) in args.iter().enumerate() {
            let Some(param) = params.get(i).or(params.last()) else {
                break;
            };
            let t = Types::of(self, *a);
            let optional_nil = param.kind == Kind::Optional && t == Types::NIL;
            if !param.types.contains(t) && !optional_nil {
                return Err(self.arg_type_error(&who(), i, param, *a));
            }
        }
        Ok(())
    }

    /// Argument `i` of `who` is not of a type `param` accepts.
    pub fn arg_type_error(&self, who: &str, i: usize, param: &Param, got: Value) -> RtError {
        codes::ARG_TYPE.err(format!(
            "{who}(): argumen {} ('{}') harus {}, bukan {}",
            i + 1,
            param.name,
            param.types.describe(),
            self.type_label(got)
        ))
    }
}

/// One documented builtin: a global function or a value method.
#[derive(Clone, Copy, Debug)]
pub struct BuiltinSignature {
    /// `None` for global functions; else the receiver's type (`teks`,
    /// `daftar`, `kamus`).
    pub receiver: Option<&'static str>,
    pub name: &'static str,
    pub params: &'static [Param],
}

impl BuiltinSignature {
    pub fn render(&self) -> String {
        match self.receiver {
            Some(r) => render(&format!("{r}.{}", self.name), self.params),
            None => render(self.name, self.params),
        }
    }
}

/// Every builtin function (hidden `_` helpers included) and every value
/// method, with its parameters: what the checks use, for documentation.
pub fn builtin_signatures() -> Vec<BuiltinSignature> {
    let mut out: Vec<BuiltinSignature> = super::NATIVES
        .iter()
        .map(|n| BuiltinSignature {
            receiver: None,
            name: n.name,
            params: n.params,
        })
        .collect();
    for (receiver, table) in super::methods::METHOD_TABLES {
        out.extend(table.iter().map(|m| BuiltinSignature {
            receiver: Some(receiver),
            name: m.name,
            params: m.params,
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_type_sets() {
        assert_eq!(Types::BULAT.describe(), "angka bulat");
        assert_eq!(Types::TEKS.or(Types::NIL).describe(), "teks atau nil");
        assert_eq!(
            Types::TEKS.or(Types::DAFTAR).or(Types::KAMUS).describe(),
            "teks, daftar atau kamus"
        );
        assert_eq!(Types::APAPUN.describe(), "apa saja");
    }

    #[test]
    fn arity_and_render() {
        const PS: &[Param] = &[p("a", Types::TEKS), opt("b", Types::BULAT)];
        assert_eq!(arity(PS), (1, Some(2)));
        assert_eq!(render("f", PS), "f(a: teks, b?: angka bulat)");
        assert_eq!(arity(&[rest("x", Types::APAPUN)]), (0, None));
    }

    #[test]
    fn every_builtin_has_a_signature_once() {
        let sigs = builtin_signatures();
        let mut seen = std::collections::HashSet::new();
        for s in &sigs {
            assert!(seen.insert((s.receiver, s.name)), "{} twice", s.render());
            let rests = s.params.iter().filter(|p| p.kind == Kind::Rest).count();
            assert!(rests <= 1, "{}", s.render());
            if rests == 1 {
                assert_eq!(s.params.last().map(|p| p.kind), Some(Kind::Rest));
            }
        }
    }
}
