//! Methods of texts: Python's `str` methods by their Python names and the
//! Morph ones (`kecil`, `besar`, `bersihkan`, `ganti`, `temukan`, `pisah`,
//! `awalan`, `akhiran`), with Python's optional start/end windows, each
//! charged for the bytes it reads and sized before it builds a result.

use super::arg;
use super::textutil::{charged_parts, py_split_whitespace, replace_text, window, CharSet};
use crate::codes;
use crate::error::{RtError, RtResult};
use crate::value::Value;
use crate::value::V;
use crate::vm::Vm;
use fox_bytecode::Sym;

impl Vm {
    fn strs(&mut self, items: Vec<String>) -> Value {
        let vals: Vec<Value> = items.into_iter().map(|s| self.new_string(s)).collect();
        self.new_list(vals)
    }

    fn text_arg(&self, v: Value, method: &str) -> RtResult<String> {
        self.str_ref(v).map(|s| s.to_string()).ok_or_else(|| {
            codes::ARG_TYPE.err(format!(
                "teks.{method}(): argumen harus teks, bukan {}",
                self.type_label(v)
            ))
        })
    }

    /// `teks.index(sub)` found nothing.
    fn substring_missing(&self, sub: &str) -> RtError {
        let mut shown = String::new();
        crate::format::repr_str(sub, &mut shown);
        codes::NOT_FOUND.err(format!(
            "teks.index(): {shown} tidak ditemukan di dalam teks"
        ))
    }

    pub(super) fn str_method(
        &mut self,
        s: &str,
        name: &str,
        args: &[Value],
        recv: Value,
        sym: Sym,
    ) -> RtResult<Value> {
        let a0 = arg(args, 0);
        // Every text method reads its receiver and text arguments at most
        // a few times; what can produce more is charged below.
        let read: usize = s.len()
            + args
                .iter()
                .filter_map(|a| self.str_ref(*a))
                .map(str::len)
                .sum::<usize>();
        self.charge_bytes(read)?;
        if matches!(
            name,
            "kecil" | "lower" | "besar" | "upper" | "title" | "capitalize"
        ) {
            self.check_case_change(s)?;
        }
        if matches!(name, "bersihkan" | "strip" | "lstrip" | "rstrip") {
            // At most a copy of the receiver.
            self.check_text(s.len())?;
        }
        Ok(match name {
            "kecil" | "lower" => self.new_string(s.to_lowercase()),
            "besar" | "upper" => self.new_string(s.to_uppercase()),
            "bersihkan" | "strip" => match a0.unpack() {
                V::Nil => self.new_str(s.trim()),
                v => {
                    let chars = CharSet::new(&self.text_arg(v.pack(), name)?);
                    self.new_str(s.trim_matches(|c| chars.has(c)))
                }
            },
            "lstrip" => match a0.unpack() {
                V::Nil => self.new_str(s.trim_start()),
                v => {
                    let chars = CharSet::new(&self.text_arg(v.pack(), name)?);
                    self.new_str(s.trim_start_matches(|c| chars.has(c)))
                }
            },
            "rstrip" => match a0.unpack() {
                V::Nil => self.new_str(s.trim_end()),
                v => {
                    let chars = CharSet::new(&self.text_arg(v.pack(), name)?);
                    self.new_str(s.trim_end_matches(|c| chars.has(c)))
                }
            },
            "ganti" | "replace" => {
                let a = self.text_arg(a0, name)?;
                let b = self.text_arg(arg(args, 1), name)?;
                let limit = match (arg(args, 2)).unpack() {
                    V::Int(n) if n >= 0 => n as usize,
                    V::Bool(b) => b as usize,
                    _ => usize::MAX,
                };
                let r = replace_text(self, s, &a, &b, limit)?;
                self.new_string(r)
            }
            "temukan" | "find" | "index" | "rfind" => {
                let n = self.text_arg(a0, name)?;
                let Some(w) = window(s, arg(args, 1), arg(args, 2)) else {
                    if name == "index" {
                        return Err(self.substring_missing(&n));
                    }
                    return Ok(Value::Int(-1));
                };
                let hay = &s[w.start..w.end];
                let found = if name == "rfind" {
                    hay.rfind(&n)
                } else {
                    hay.find(&n)
                };
                match found {
                    Some(b) => Value::Int((w.chars_before + hay[..b].chars().count()) as i64),
                    None if name == "index" => return Err(self.substring_missing(&n)),
                    None => Value::Int(-1),
                }
            }
            "pisah" | "split" => {
                let max = match (arg(args, 1)).unpack() {
                    V::Int(m) if m >= 0 => Some(m as usize),
                    V::Bool(b) => Some(b as usize),
                    _ => None,
                };
                let count = match a0.unpack() {
                    V::Nil => s
                        .split_whitespace()
                        .take(max.map_or(usize::MAX, |m| m + 1))
                        .count(),
                    v => match self.str_ref(v.pack()) {
                        Some(sep) if !sep.is_empty() => {
                            s.matches(sep).take(max.unwrap_or(usize::MAX)).count() + 1
                        }
                        _ => 0,
                    },
                };
                self.check_texts(count, s.len())?;
                match a0.unpack() {
                    V::Nil => {
                        let parts = py_split_whitespace(self, s, max)?;
                        self.strs(parts)
                    }
                    v => {
                        let sep = self.text_arg(v.pack(), name)?;
                        if sep.is_empty() {
                            return Err(codes::ARG_VALUE
                                .err(format!("teks.{name}(): pemisah tidak boleh teks kosong")));
                        }
                        let parts = match max {
                            Some(m) => charged_parts(self, s.splitn(m + 1, sep.as_str()))?,
                            None => charged_parts(self, s.split(sep.as_str()))?,
                        };
                        self.strs(parts)
                    }
                }
            }
            "splitlines" => {
                self.check_texts(s.lines().count(), s.len())?;
                let parts = charged_parts(self, s.lines())?;
                self.strs(parts)
            }
            "join" => {
                let owned;
                let items: &[Value] = match self.list_ref(a0) {
                    Some(l) => l,
                    None => {
                        owned = self.sequence_items(a0)?;
                        &owned
                    }
                };
                let total = items.iter().fold(
                    s.len().saturating_mul(items.len().saturating_sub(1)),
                    |n, x| n.saturating_add(self.str_ref(*x).map_or(0, str::len)),
                );
                self.check_text(total)?;
                let mut out = crate::memory::text_buffer(total)?;
                for (i, x) in items.iter().enumerate() {
                    self.charge(1)?;
                    if i > 0 {
                        self.charge_bytes(s.len())?;
                        out.push_str(s);
                    }
                    match self.str_ref(*x) {
                        Some(t) => {
                            self.charge_bytes(t.len())?;
                            out.push_str(t);
                        }
                        None => {
                            return Err(codes::ARG_TYPE.err(format!(
                                "teks.join(): elemen {i} harus teks, bukan {}",
                                self.type_label(*x)
                            )))
                        }
                    }
                }
                self.new_string(out)
            }
            "awalan" | "startswith" | "akhiran" | "endswith" => {
                let p = self.text_arg(a0, name)?;
                match window(s, arg(args, 1), arg(args, 2)) {
                    Some(w) => {
                        let hay = &s[w.start..w.end];
                        Value::Bool(if matches!(name, "awalan" | "startswith") {
                            hay.starts_with(p.as_str())
                        } else {
                            hay.ends_with(p.as_str())
                        })
                    }
                    None => Value::Bool(false),
                }
            }
            "isdigit" => Value::Bool(!s.is_empty() && s.chars().all(|c| c.is_ascii_digit())),
            "isalpha" => Value::Bool(!s.is_empty() && s.chars().all(char::is_alphabetic)),
            "isalnum" => Value::Bool(!s.is_empty() && s.chars().all(char::is_alphanumeric)),
            "isspace" => Value::Bool(!s.is_empty() && s.chars().all(char::is_whitespace)),
            "isupper" => Value::Bool(
                s.chars().any(char::is_alphabetic) && !s.chars().any(char::is_lowercase),
            ),
            "islower" => Value::Bool(
                s.chars().any(char::is_alphabetic) && !s.chars().any(char::is_uppercase),
            ),
            "count" => {
                let n = self.text_arg(a0, name)?;
                match window(s, arg(args, 1), arg(args, 2)) {
                    Some(w) => {
                        let hay = &s[w.start..w.end];
                        if n.is_empty() {
                            Value::Int(hay.chars().count() as i64 + 1)
                        } else {
                            Value::Int(hay.matches(n.as_str()).count() as i64)
                        }
                    }
                    None => Value::Int(0),
                }
            }
            "title" => self.new_string(crate::casing::title(s)),
            "encode" => {
                let enc = self.str_ref(a0).unwrap_or("utf-8").to_string();
                let data = crate::hostmod::pymisc::encode(s, &enc)
                    .map_err(|e| crate::codes::ARG_VALUE.err(format!("encode(): {e}")))?;
                self.new_bytes(data)?
            }
            "capitalize" => self.new_string(crate::casing::capitalize(s)),
            "center" | "ljust" | "rjust" | "zfill" => {
                let width = match a0.unpack() {
                    V::Int(w) => w.max(0) as usize,
                    V::Bool(b) => b as usize,
                    other => {
                        return Err(codes::ARG_TYPE.err(format!(
                            "teks.{name}(): argumen 1 ('lebar') harus angka bulat, bukan {}",
                            self.type_label(other.pack())
                        )))
                    }
                };
                self.charge_bytes(width)?;
                let fill = match (arg(args, 1)).unpack() {
                    V::Nil => ' ',
                    v => self.text_arg(v.pack(), name)?.chars().next().unwrap_or(' '),
                };
                self.check_text(
                    width
                        .saturating_mul(fill.len_utf8())
                        .saturating_add(s.len()),
                )?;
                let len = s.chars().count();
                if len >= width {
                    self.new_str(s)
                } else {
                    let pad = width - len;
                    let out = match name {
                        "ljust" => format!("{s}{}", fill.to_string().repeat(pad)),
                        "rjust" => format!("{}{s}", fill.to_string().repeat(pad)),
                        "zfill" => {
                            let (sign, digits) = match s.strip_prefix(['-', '+']) {
                                Some(rest) => (&s[..1], rest),
                                None => ("", s),
                            };
                            format!("{sign}{}{digits}", "0".repeat(pad))
                        }
                        _ => {
                            let left = pad / 2 + (pad & width & 1);
                            let right = pad - left;
                            format!(
                                "{}{s}{}",
                                fill.to_string().repeat(left),
                                fill.to_string().repeat(right)
                            )
                        }
                    };
                    self.new_string(out)
                }
            }
            "panjang" => Value::Int(s.chars().count() as i64),
            _ => return Err(self.no_attr(recv, sym)),
        })
    }
}
