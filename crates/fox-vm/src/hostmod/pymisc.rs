//! `builtins`, `operator`, `math`, `random` and `hashlib` behind `pinjam`:
//! the functions Morph programs borrow from Python, with Python's results
//! (`math.pow` is always a float, `len` refuses values without a length,
//! `bytes` of a list checks every item). Randomness comes from the run's
//! seeded generator, so runs repeat exactly.

use crate::builtins::{arg, core, math};
use crate::codes;
use crate::error::RtResult;
use crate::object::Object;
use crate::resource::{HashAlgo, HashState, Resource};
use crate::value::{Value, V};
use crate::vm::Vm;

/// Python's `len(x)`: an error for values without a length.
pub fn py_len(vm: &mut Vm, v: Value) -> RtResult<Value> {
    if !core::has_length(vm, v) {
        return Err(codes::ARG_TYPE.err(format!(
            "object of type '{}' has no len()",
            vm.morph_type_py(v)
        )));
    }
    Ok(Value::Int(core::length_of(vm, v) as i64))
}

/// Decode bytes with one of the encodings Fox VM knows (`utf-8`, `ascii`,
/// `latin-1` and their spellings).
pub fn decode(data: &[u8], encoding: &str) -> Result<String, String> {
    let enc = encoding.to_ascii_lowercase().replace('_', "-");
    match enc.as_str() {
        "utf-8" | "utf8" => String::from_utf8(data.to_vec()).map_err(|e| {
            format!(
                "'utf-8' codec can't decode byte at position {}",
                e.utf8_error().valid_up_to()
            )
        }),
        "ascii" | "us-ascii" => match data.iter().position(|b| *b >= 0x80) {
            Some(i) => Err(format!(
                "'ascii' codec can't decode byte 0x{:02x} in position {i}",
                data[i]
            )),
            None => Ok(data.iter().map(|&b| b as char).collect()),
        },
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" => {
            Ok(data.iter().map(|&b| b as char).collect())
        }
        _ => Err(format!("unknown encoding: {encoding}")),
    }
}

pub fn encode(text: &str, encoding: &str) -> Result<Vec<u8>, String> {
    let enc = encoding.to_ascii_lowercase().replace('_', "-");
    match enc.as_str() {
        "utf-8" | "utf8" => Ok(text.as_bytes().to_vec()),
        "ascii" | "us-ascii" | "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" => {
            let max = if enc.contains("ascii") { 0x7f } else { 0xff };
            text.chars()
                .enumerate()
                .map(|(i, c)| {
                    u8::try_from(c as u32)
                        .ok()
                        .filter(|b| u32::from(*b) <= max)
                        .ok_or_else(|| {
                            format!("'{enc}' codec can't encode character in position {i}")
                        })
                })
                .collect()
        }
        _ => Err(format!("unknown encoding: {encoding}")),
    }
}

pub fn len(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    py_len(vm, arg(args, 0))
}

pub fn open(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    super::files::open(vm, arg(args, 0), arg(args, 1), "open")
}

/// `list(x)`: the items of a list, the characters of a text, the keys of
/// a dict, the byte values of bytes; `list()` is empty.
pub fn list(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let v = arg(args, 0);
    let items: Vec<Value> = match v.unpack() {
        V::Nil if args.is_empty() => Vec::new(),
        V::Obj(g) => match vm.heap.get(g) {
            Object::List(l) => l.clone(),
            Object::Dict(d) => d.keys().collect(),
            Object::Bytes(b) => b.iter().map(|&x| Value::Int(x as i64)).collect(),
            Object::Str(s) => {
                let s = s.text.clone();
                let mut out = Vec::with_capacity(s.len());
                for c in s.chars() {
                    out.push(vm.new_string(c.to_string()));
                }
                out
            }
            _ => return Err(not_iterable(vm, v)),
        },
        _ => return Err(not_iterable(vm, v)),
    };
    vm.check_list(items.len())?;
    Ok(vm.new_list(items))
}

fn not_iterable(vm: &Vm, v: Value) -> crate::error::RtError {
    codes::ARG_TYPE.err(format!("'{}' object is not iterable", vm.morph_type_py(v)))
}

/// `bytes(x)`: from a list of byte values, a number of zero bytes, other
/// bytes, or a text with its encoding (`bytes("é", "utf-8")`).
pub fn bytes(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let v = arg(args, 0);
    if let Some(s) = vm.str_ref(v) {
        let Some(enc) = vm.str_ref(arg(args, 1)) else {
            return Err(codes::ARG_TYPE.err("bytes(): string argument without an encoding"));
        };
        let data = encode(s, enc).map_err(|e| codes::ARG_VALUE.err(format!("bytes(): {e}")))?;
        return vm.new_bytes(data);
    }
    let data = match v.unpack() {
        V::Nil if args.is_empty() => Vec::new(),
        V::Int(n) if n < 0 => return Err(codes::ARG_VALUE.err("bytes(): negative count")),
        V::Int(n) => {
            vm.check_text(n as usize)?;
            vec![0; n as usize]
        }
        _ => match vm.bytes_ref(v) {
            Some(b) => b.to_vec(),
            None if vm.list_ref(v).is_some() => vm.bytes_from_list(v, "bytes")?,
            None => {
                return Err(codes::ARG_TYPE.err(format!(
                    "bytes(): cannot convert '{}' object to bytes",
                    vm.morph_type_py(v)
                )))
            }
        },
    };
    vm.new_bytes(data)
}

pub fn str_(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    if args.is_empty() {
        return Ok(vm.new_str(""));
    }
    core::teks(vm, &args[..1])
}

pub fn bool_(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    Ok(Value::Bool(vm.truthy(arg(args, 0))))
}

/// `operator.getitem(a, b)`: `a[b]`.
pub fn getitem(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    vm.get_index(arg(args, 0), arg(args, 1))
}

/// `operator.setitem(a, b, c)`: `a[b] = c`.
pub fn setitem(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    vm.set_index(arg(args, 0), arg(args, 1), arg(args, 2))?;
    Ok(Value::Nil)
}

/// `operator.contains(a, b)`: `b in a` (a substring, a list item, a dict
/// key or a module's name).
pub fn contains(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let (a, b) = (arg(args, 0), arg(args, 1));
    let V::Obj(g) = a.unpack() else {
        return Err(codes::ARG_TYPE.err(format!(
            "argument of type '{}' is not iterable",
            vm.morph_type_py(a)
        )));
    };
    let found = match vm.heap.get(g) {
        Object::Str(s) => {
            let s = s.text.clone();
            match vm.str_ref(b) {
                Some(n) => s.contains(n),
                None => {
                    return Err(codes::ARG_TYPE.err(format!(
                        "'in <string>' requires string as left operand, not {}",
                        vm.morph_type_py(b)
                    )))
                }
            }
        }
        Object::List(l) => {
            let l = l.clone();
            let mut hit = false;
            for x in l {
                vm.charge(1)?;
                if vm.values_equal(x, b)? {
                    hit = true;
                    break;
                }
            }
            hit
        }
        Object::Dict(_) => {
            let k = vm.hash_key(b)?;
            matches!(vm.heap.get(g), Object::Dict(d) if d.contains(&k))
        }
        Object::Module(id) => {
            let id = *id;
            let name = vm.str_ref(b).map(str::to_string);
            name.is_some_and(|n| vm.module_get(id, &n).is_some())
        }
        Object::Bytes(data) => match b.unpack() {
            V::Int(i) => data.iter().any(|x| i64::from(*x) == i),
            _ => {
                let needle = vm.bytes_ref(b).map(<[u8]>::to_vec).unwrap_or_default();
                let data = vm.bytes_ref(a).unwrap_or_default();
                needle.is_empty() || data.windows(needle.len()).any(|w| w == needle.as_slice())
            }
        },
        _ => {
            return Err(codes::ARG_TYPE.err(format!(
                "argument of type '{}' is not iterable",
                vm.morph_type_py(a)
            )))
        }
    };
    Ok(Value::Bool(found))
}

pub fn math_constants(_vm: &mut Vm) -> Vec<(&'static str, Value)> {
    use std::f64::consts;
    vec![
        ("pi", Value::Float(consts::PI)),
        ("e", Value::Float(consts::E)),
        ("tau", Value::Float(consts::TAU)),
        ("inf", Value::Float(f64::INFINITY)),
        ("nan", Value::Float(f64::NAN)),
    ]
}

/// `math.pow(x, y)`: always a float, as Python's.
pub fn pow(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let x = math::float_of(vm, arg(args, 0), "pow")?;
    let y = math::float_of(vm, arg(args, 1), "pow")?;
    if x == 0.0 && y < 0.0 {
        return Err(codes::ARG_VALUE.err("pow(): math domain error"));
    }
    let r = x.powf(y);
    if r.is_nan() && !x.is_nan() && !y.is_nan() {
        return Err(codes::ARG_VALUE.err("pow(): math domain error"));
    }
    if r.is_infinite() && x.is_finite() && y.is_finite() {
        return Err(codes::NUM_OVERFLOW.err("pow(): math range error"));
    }
    Ok(Value::Float(r))
}

pub fn fabs(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    Ok(Value::Float(
        math::float_of(vm, arg(args, 0), "fabs")?.abs(),
    ))
}

/// `math.log10`/`math.log2`: the dedicated functions (exact for powers of
/// the base, as Python's), through `log` for integers beyond a float.
fn log_base(vm: &mut Vm, args: &[Value], base: i64, f: fn(f64) -> f64) -> RtResult<Value> {
    match math::float_of(vm, arg(args, 0), "log") {
        Ok(x) if x > 0.0 && x.is_finite() => Ok(Value::Float(f(x))),
        _ => {
            let with_base = [arg(args, 0), Value::Int(base)];
            math::log(vm, &with_base)
        }
    }
}

pub fn log10(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    log_base(vm, args, 10, f64::log10)
}

pub fn log2(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    log_base(vm, args, 2, f64::log2)
}

/// `random.random()`: a float in [0, 1).
pub fn random(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    math::acak(vm, args)
}

/// `random.randint(a, b)`: both ends included.
pub fn randint(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    math::acak_bulat(vm, args)
}

/// `random.choice(seq)`: one item of a non-empty list or text.
pub fn choice(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let seq = arg(args, 0);
    let n = core::length_of(vm, seq);
    if n == 0 {
        return Err(codes::INDEX_RANGE.err("choice(): Cannot choose from an empty sequence"));
    }
    let bounds = [Value::Int(0), Value::Int(n as i64 - 1)];
    let i = math::acak_bulat(vm, &bounds)?;
    vm.get_index(seq, i)
}

fn new_hash(vm: &mut Vm, algo: HashAlgo, args: &[Value]) -> RtResult<Value> {
    let mut state = HashState {
        algo,
        data: Vec::new(),
    };
    let first = arg(args, 0);
    if !matches!(first.unpack(), V::Nil) {
        state
            .data
            .extend_from_slice(&hash_input(vm, first, algo.name())?);
    }
    Ok(vm.alloc(Object::Resource(Box::new(Resource::Hash(state)))))
}

/// What a hash may be fed: bytes (a text is Python's `TypeError`).
pub fn hash_input(vm: &Vm, v: Value, who: &str) -> RtResult<Vec<u8>> {
    match vm.bytes_ref(v) {
        Some(b) => Ok(b.to_vec()),
        None if vm.str_ref(v).is_some() => {
            Err(codes::ARG_TYPE.err(format!("{who}(): Strings must be encoded before hashing")))
        }
        None => Err(codes::ARG_TYPE.err(format!(
            "{who}(): object supporting the buffer API required, not '{}'",
            vm.morph_type_py(v)
        ))),
    }
}

pub fn sha256(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    new_hash(vm, HashAlgo::Sha256, args)
}

pub fn md5(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    new_hash(vm, HashAlgo::Md5, args)
}

/// The digest of `data` under `algo`.
pub fn digest(algo: HashAlgo, data: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    match algo {
        HashAlgo::Sha256 => sha2::Sha256::digest(data).to_vec(),
        HashAlgo::Md5 => md5::Md5::digest(data).to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_match_python() {
        let hex = |b: Vec<u8>| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        assert_eq!(
            hex(digest(HashAlgo::Sha256, b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(digest(HashAlgo::Md5, b"")),
            "d41d8cd98f00b204e9800998ecf8427e"
        );
    }

    #[test]
    fn codecs() {
        assert_eq!(decode(b"caf\xc3\xa9", "UTF-8").as_deref(), Ok("café"));
        assert!(decode(b"\xff", "utf-8").is_err());
        assert_eq!(decode(b"\xe9", "latin-1").as_deref(), Ok("é"));
        assert!(encode("é", "ascii").is_err());
    }
}
