//! Memory limits: the heap's byte limit and the largest single text, list
//! and integer, the catchable `ErrorMemori` they raise, and the checks made
//! *before* a big result is built, so a memory bomb (`"a" * 10^12`, a list
//! that grows forever, `pangkat(2, 10^10)`) fails fast instead of
//! exhausting the machine. How bytes are counted lives in `heap.rs`
//! (`Object::heap_bytes`, the growth helpers, which use `grow_vec` and
//! `grow_dict` here); the estimate of a value's printed size (for `teks()`,
//! interpolation, printing) is in `textsize.rs`.

use crate::dict::Dict;
use crate::error::RtError;
use crate::value::Value;
use crate::vm::Vm;
use std::mem::size_of;

/// `jenis` of every memory error (`codes::MEMORY`).
pub const ERROR_MEMORI: &str = "ErrorMemori";
/// The largest single text, in bytes (UTF-8).
pub const MAX_TEXT_BYTES: usize = 1 << 30;
/// The most items a single list holds (8 bytes each: 1 GiB).
pub const MAX_LIST_LEN: usize = 1 << 27;
/// The largest integer, in bits (8 MiB of digits, about 20 million decimal
/// digits).
pub const MAX_INT_BITS: u64 = 1 << 26;

/// Why memory was refused. Becomes a catchable `ErrorMemori`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemError {
    /// The heap would pass its byte limit (`Config::max_heap_bytes`).
    Heap { limit: usize },
    /// A text of this many bytes (`usize::MAX`: of a size only estimated)
    /// would pass `MAX_TEXT_BYTES`.
    Text(usize),
    /// A list of this many items (`usize::MAX`: more than can be counted)
    /// would pass `MAX_LIST_LEN`.
    List(usize),
    /// An integer of this many bits (`u64::MAX`: more than can be counted)
    /// would pass `MAX_INT_BITS`.
    Int(u64),
    /// The system allocator refused this many bytes.
    Alloc(usize),
    /// The number of live objects passed `Config::max_heap_objects`.
    Objects(usize),
}

impl MemError {
    /// The Indonesian message users see.
    pub fn message(self) -> String {
        match self {
            MemError::Heap { limit } => format!(
                "Memori habis: batas heap {} (--max-heap-bytes) terlampaui",
                fmt_bytes(limit)
            ),
            MemError::Text(usize::MAX) => format!(
                "Memori habis: teks hasilnya melebihi batas satu teks ({})",
                fmt_bytes(MAX_TEXT_BYTES)
            ),
            MemError::Text(n) => format!(
                "Memori habis: teks sepanjang {n} byte melebihi batas satu teks ({})",
                fmt_bytes(MAX_TEXT_BYTES)
            ),
            MemError::List(usize::MAX) => format!(
                "Memori habis: daftar hasilnya melebihi batas satu daftar ({MAX_LIST_LEN} elemen)"
            ),
            MemError::List(n) => format!(
                "Memori habis: daftar dengan {n} elemen melebihi batas satu daftar ({MAX_LIST_LEN} elemen)"
            ),
            MemError::Int(u64::MAX) => format!(
                "Memori habis: bilangan bulat hasilnya melebihi batas ({MAX_INT_BITS} bit)"
            ),
            MemError::Int(bits) => format!(
                "Memori habis: bilangan bulat sebesar {bits} bit melebihi batas ({MAX_INT_BITS} bit)"
            ),
            MemError::Alloc(n) => {
                format!(
                    "Memori habis: sistem menolak alokasi {}",
                    fmt_bytes(n)
                )
            }
            MemError::Objects(n) => format!(
                "Memori habis: batas {n} objek heap (--max-heap-objects) terlampaui"
            ),
        }
    }
}

impl From<MemError> for RtError {
    fn from(e: MemError) -> RtError {
        crate::codes::MEMORY.err(e.message())
    }
}

/// A byte count for people: `512 MiB`, `4 GiB`, `1.5 GiB`, `1000 byte`.
pub fn fmt_bytes(n: usize) -> String {
    const UNITS: [(&str, usize); 4] = [
        ("TiB", 1 << 40),
        ("GiB", 1 << 30),
        ("MiB", 1 << 20),
        ("KiB", 1 << 10),
    ];
    for (name, size) in UNITS {
        if n >= size {
            if n.is_multiple_of(size) {
                return format!("{} {name}", n / size);
            }
            let tenths = (n as u128 * 10 / size as u128) as usize;
            return format!("{}.{} {name}", tenths / 10, tenths % 10);
        }
    }
    format!("{n} byte")
}

/// Parse a byte count with an optional binary suffix: `536870912`, `512K`,
/// `512M`, `4G`, `1T` (also `KiB`/`MiB`/`GiB`/`TiB`, `KB`/`MB`/`GB`/`TB`,
/// any case; all powers of 1024). `0` means unlimited.
pub fn parse_bytes(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '_')
        .unwrap_or(t.len());
    let (digits, suffix) = t.split_at(split);
    let digits: String = digits.chars().filter(|c| *c != '_').collect();
    if digits.is_empty() {
        return Err(format!("'{s}' bukan ukuran byte (contoh: 512M, 4G)"));
    }
    let n: u64 = digits.parse().map_err(|_| format!("'{s}' terlalu besar"))?;
    let shift = match suffix.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        other => {
            return Err(format!(
                "akhiran '{other}' tidak dikenal di '{s}' (pakai K, M, G atau T)"
            ))
        }
    };
    n.checked_mul(1u64 << shift)
        .and_then(|b| usize::try_from(b).ok())
        .ok_or_else(|| format!("'{s}' terlalu besar"))
}

/// An empty text with room for `len` bytes (an allocation failure is an
/// error, not an abort).
pub fn text_buffer(len: usize) -> Result<String, MemError> {
    let mut s = String::new();
    s.try_reserve_exact(len).map_err(|_| MemError::Alloc(len))?;
    Ok(s)
}

/// An empty list buffer with room for `len` items.
pub fn list_buffer(len: usize) -> Result<Vec<Value>, MemError> {
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| MemError::Alloc(len.saturating_mul(size_of::<Value>())))?;
    Ok(v)
}

/// `s` repeated `n` times (the size already checked), built by doubling.
pub fn repeat_text(s: &str, n: usize) -> Result<String, MemError> {
    let total = s.len().saturating_mul(n);
    let mut buf: Vec<u8> = Vec::new();
    buf.try_reserve_exact(total)
        .map_err(|_| MemError::Alloc(total))?;
    if total > 0 {
        buf.extend_from_slice(s.as_bytes());
        while buf.len() < total {
            let k = buf.len().min(total - buf.len());
            buf.extend_from_within(..k);
        }
    }
    // Whole copies of a text are a text.
    String::from_utf8(buf).map_err(|_| MemError::Alloc(total))
}

/// Bytes a text of `len` bytes costs while it is made: the buffer it is
/// built in and its copy in the heap exist at the same moment.
#[inline]
fn text_cost(len: usize) -> usize {
    len.saturating_mul(2)
}

impl Vm {
    /// Room for a new text of `len` bytes (checked before it is built).
    #[inline]
    pub fn check_text(&self, len: usize) -> Result<(), MemError> {
        if len > MAX_TEXT_BYTES {
            return Err(MemError::Text(len));
        }
        self.heap.check(text_cost(len))
    }

    /// Room for a new list of `len` items (checked before it is built).
    #[inline]
    pub fn check_list(&self, len: usize) -> Result<(), MemError> {
        if len > MAX_LIST_LEN {
            return Err(MemError::List(len));
        }
        self.heap.check(len.saturating_mul(size_of::<Value>()))
    }

    /// Room for `count` new texts holding `bytes` bytes in all, plus a list
    /// of them (`split`, the characters of a text, …).
    pub fn check_texts(&mut self, count: usize, bytes: usize) -> Result<(), MemError> {
        if count > MAX_LIST_LEN {
            return Err(MemError::List(count));
        }
        // Each: its object, its buffer's header, its place in the list and
        // the temporary it may be built in.
        let each = crate::heap::SLOT_BYTES + crate::heap::RC_TEXT_BYTES + 8 + 32;
        self.heap
            .check(count.saturating_mul(each).saturating_add(text_cost(bytes)))?;
        self.heap.reserve_objects(count.saturating_add(1))
    }

    /// Room for an integer of `bits` bits (checked before it is computed).
    #[inline]
    pub fn check_int_bits(&self, bits: u64) -> Result<(), MemError> {
        if bits > MAX_INT_BITS {
            return Err(MemError::Int(bits));
        }
        // The result and the temporaries of the operation computing it.
        self.heap.check((bits / 8) as usize * 3)
    }
}

/// The length of `h` with `a` replaced by `b` (at most `max` times), or
/// `usize::MAX` once it passes `MAX_TEXT_BYTES`; counted before anything
/// is built.
pub fn replaced_len(h: &str, a: &str, b: &str, max: usize) -> usize {
    if b.len() <= a.len() {
        return h.len();
    }
    let grow = b.len() - a.len();
    let mut n = h.len();
    // (An empty pattern matches between every two characters and at both
    // ends, as `str::replace` and Python agree.)
    for _ in h.matches(a).take(max) {
        n = n.saturating_add(grow);
        if n > MAX_TEXT_BYTES {
            return usize::MAX;
        }
    }
    n
}

impl Vm {
    /// Room for `s` in lower or upper case (a character can become up to
    /// three; ASCII stays the same size).
    pub fn check_case_change(&self, s: &str) -> Result<(), MemError> {
        let bound = if s.is_ascii() {
            s.len()
        } else {
            s.len().saturating_mul(3)
        };
        self.check_text(bound)
    }

    /// Room for a copy of dict `g`.
    pub fn check_dict_copy(&self, g: crate::value::Gc) -> Result<(), MemError> {
        match self.heap.get(g) {
            crate::object::Object::Dict(d) => self.heap.check(d.heap_bytes()),
            _ => Ok(()),
        }
    }
}

/// Make room for `additional` more elements in `v`, a heap object's
/// vector: at least double (amortised pushes), less when doubling would
/// not fit below the limit. The old and the new buffer exist together
/// while it grows, so the new buffer must fit in what is left; the growth
/// is charged once it happened.
#[cold]
#[inline(never)]
pub(crate) fn grow_vec<T>(
    v: &mut Vec<T>,
    additional: usize,
    bytes: &mut usize,
    limit: usize,
    max_len: usize,
) -> Result<(), MemError> {
    let elem = size_of::<T>().max(1);
    let need = v
        .len()
        .checked_add(additional)
        .ok_or(MemError::List(usize::MAX))?;
    let old = v.capacity();
    if need <= old {
        return Ok(());
    }
    if need > max_len {
        return Err(MemError::List(need));
    }
    let room = limit.saturating_sub(*bytes);
    let fits = |cap: usize| cap.saturating_mul(elem) <= room;
    let doubled = need.max(old.saturating_mul(2)).max(4).min(max_len);
    let cap = if fits(doubled) {
        doubled
    } else if fits(need.max(old + old / 8)) {
        need.max(old + old / 8)
    } else if fits(need) {
        need
    } else {
        return Err(MemError::Heap { limit });
    };
    v.try_reserve_exact(cap - v.len())
        .map_err(|_| MemError::Alloc(cap.saturating_mul(elem)))?;
    *bytes = bytes.saturating_add((v.capacity() - old) * elem);
    Ok(())
}

/// Make room for `additional` more keys in `d` (its table doubles; old
/// and new tables exist together while it is rebuilt).
#[cold]
#[inline(never)]
pub(crate) fn grow_dict(
    d: &mut Dict,
    additional: usize,
    bytes: &mut usize,
    limit: usize,
) -> Result<(), MemError> {
    let old = d.heap_bytes();
    let need = d.len().saturating_add(additional);
    if need <= d.capacity() {
        return Ok(());
    }
    let target = need.max(d.capacity().saturating_mul(2));
    if Dict::bytes_for(target) > limit.saturating_sub(*bytes) {
        return Err(MemError::Heap { limit });
    }
    d.try_reserve(need - d.len())
        .map_err(|_| MemError::Alloc(Dict::bytes_for(target)))?;
    *bytes = bytes.saturating_add(d.heap_bytes().saturating_sub(old));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{fmt_bytes, parse_bytes};

    #[test]
    fn byte_sizes_parse_with_binary_suffixes() {
        assert_eq!(parse_bytes("0"), Ok(0));
        assert_eq!(parse_bytes("1000"), Ok(1000));
        assert_eq!(parse_bytes("512K"), Ok(512 << 10));
        assert_eq!(parse_bytes("512M"), Ok(512 << 20));
        assert_eq!(parse_bytes("512mib"), Ok(512 << 20));
        assert_eq!(parse_bytes("4G"), Ok(4 << 30));
        assert_eq!(parse_bytes("4GB"), Ok(4 << 30));
        assert_eq!(parse_bytes("1T"), Ok(1 << 40));
        assert_eq!(parse_bytes("1_000"), Ok(1000));
        assert!(parse_bytes("").is_err());
        assert!(parse_bytes("M").is_err());
        assert!(parse_bytes("12Q").is_err());
        assert!(parse_bytes("-1").is_err());
        assert!(parse_bytes("99999999999999999999").is_err());
        assert!(parse_bytes("99999999999T").is_err());
    }

    #[test]
    fn byte_sizes_print_for_people() {
        assert_eq!(fmt_bytes(512 << 20), "512 MiB");
        assert_eq!(fmt_bytes(4 << 30), "4 GiB");
        assert_eq!(fmt_bytes(3 << 29), "1.5 GiB");
        assert_eq!(fmt_bytes(1000), "1000 byte");
        assert_eq!(fmt_bytes(2048), "2 KiB");
    }
}
