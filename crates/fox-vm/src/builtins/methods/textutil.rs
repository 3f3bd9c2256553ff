//! Text helpers of the text methods: character-position search, sized
//! replacement, Python's optional `[start:end]` windows, whitespace
//! splitting and strip character sets — each charged to the budget for
//! the bytes it reads.

use crate::error::RtResult;
use crate::value::Value;
use crate::value::V;
use crate::vm::Vm;

/// Index of the first occurrence of `needle` in `hay` at or after char
/// position `start`, in characters; -1 when absent.
pub fn find_chars(hay: &str, needle: &str, start: usize) -> i64 {
    let byte_start = hay
        .char_indices()
        .nth(start)
        .map(|(b, _)| b)
        .unwrap_or(hay.len());
    if start > 0 && byte_start >= hay.len() && !needle.is_empty() {
        return -1;
    }
    match hay[byte_start..].find(needle) {
        Some(b) => (hay[..byte_start + b].chars().count()) as i64,
        None => -1,
    }
}

/// `h.replace(a, b[, limit])`: the result's size is computed (and
/// charged, and capped like `*`) before it is built.
pub fn replace_text(vm: &Vm, h: &str, a: &str, b: &str, limit: usize) -> RtResult<String> {
    vm.charge_bytes(h.len() + a.len() + b.len())?;
    let hits = if a.is_empty() {
        h.chars().count() + 1
    } else {
        h.matches(a).count()
    }
    .min(limit);
    let size = (h.len() - hits * a.len()).saturating_add(hits.saturating_mul(b.len()));
    vm.check_text(size)?;
    vm.charge_bytes(size)?;
    Ok(if limit == usize::MAX {
        h.replace(a, b)
    } else {
        h.replacen(a, b, limit)
    })
}

/// A `[start:end]` window of a text given Python-style optional bounds:
/// byte range plus the number of characters before it. `None` when the
/// start lies beyond the end of the text (Python then finds nothing).
pub(super) struct Window {
    pub start: usize,
    pub end: usize,
    pub chars_before: usize,
}

pub(super) fn window(s: &str, start: Value, end: Value) -> Option<Window> {
    let len = s.chars().count() as i64;
    let bound = |v: Value, default: i64| -> i64 {
        match v.unpack() {
            V::Int(i) if i < 0 => (i + len).max(0),
            V::Int(i) => i,
            V::Bool(b) => b as i64,
            _ => default,
        }
    };
    let a = bound(start, 0);
    let b = bound(end, len).min(len);
    if a > len {
        return None;
    }
    let b = b.max(a);
    let byte_at = |c: i64| -> usize {
        s.char_indices()
            .nth(c as usize)
            .map(|(i, _)| i)
            .unwrap_or(s.len())
    };
    Some(Window {
        start: byte_at(a),
        end: byte_at(b),
        chars_before: a as usize,
    })
}

/// Python's `str.split()` without a separator, charging one unit per part.
pub(super) fn py_split_whitespace(vm: &Vm, s: &str, max: Option<usize>) -> RtResult<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        vm.charge(1)?;
        if max.is_some_and(|m| out.len() >= m) {
            out.push(rest.to_string());
            return Ok(out);
        }
        match rest.find(char::is_whitespace) {
            Some(i) => {
                out.push(rest[..i].to_string());
                rest = rest[i..].trim_start();
            }
            None => {
                out.push(rest.to_string());
                break;
            }
        }
    }
    Ok(out)
}

/// Collect the parts of a split, charging one unit per part.
pub(super) fn charged_parts<'a>(
    vm: &Vm,
    parts: impl Iterator<Item = &'a str>,
) -> RtResult<Vec<String>> {
    let mut out = Vec::new();
    for p in parts {
        vm.charge(1)?;
        out.push(p.to_string());
    }
    Ok(out)
}

/// A set of characters to strip; large sets are hashed, so stripping is
/// linear in the text whatever the size of the set.
pub(super) enum CharSet {
    Few(Vec<char>),
    Many(rustc_hash::FxHashSet<char>),
}

impl CharSet {
    pub fn new(chars: &str) -> CharSet {
        if chars.len() <= 32 {
            CharSet::Few(chars.chars().collect())
        } else {
            CharSet::Many(chars.chars().collect())
        }
    }

    pub fn has(&self, c: char) -> bool {
        match self {
            CharSet::Few(v) => v.contains(&c),
            CharSet::Many(h) => h.contains(&c),
        }
    }
}
