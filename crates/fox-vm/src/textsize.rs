//! Texts of values, checked before they are built: `str()`/`repr()` of a
//! list can be far larger than the list (a list holding the same big text
//! a million times; nested lists that share elements print exponentially),
//! so `teks()`, interpolation, `gabung` and printing first bound the size
//! of what `format.rs` would write — walking the value the way it does,
//! stopping as soon as the bound passes what is allowed — and raise
//! `ErrorMemori` instead of building a text that cannot fit.

use crate::error::RtResult;
use crate::memory::{MemError, MAX_TEXT_BYTES};
use crate::object::{BoundTarget, Object};
use crate::value::{Gc, Value, V};
use crate::vm::Vm;

/// Texts of instances converted by their classes' methods (see `format`).
type UserTexts = rustc_hash::FxHashMap<(u32, bool), std::rc::Rc<str>>;

/// Containers nested deeper than this print as `[...]` (as in `format.rs`).
const MAX_DEPTH: usize = 1000;

/// An upper bound of the length of `repr(s)`.
fn repr_str_bound(s: &str, room: usize) -> usize {
    let quick = s.len().saturating_mul(4).saturating_add(2);
    if quick <= room {
        return quick;
    }
    // Close to the limit: count exactly (escapes take 2 to 10 bytes, never
    // more than 4 per byte of the character).
    let mut n = 2usize;
    for c in s.chars() {
        n += match c {
            '\\' | '\n' | '\t' | '\r' | '\'' | '"' => 2,
            c if crate::printable::is_printable(c) => c.len_utf8(),
            c => match c as u32 {
                0..=0xff => 4,
                0x100..=0xffff => 6,
                _ => 10,
            },
        };
        if n > room {
            break;
        }
    }
    n
}

struct Bound<'a> {
    vm: &'a Vm,
    /// Texts of instances converted by their class's own method.
    done: Option<&'a UserTexts>,
    /// Bytes counted so far.
    n: usize,
    /// Stop once `n` passes this.
    cap: usize,
    stack: Vec<Gc>,
}

impl Bound<'_> {
    fn over(&self) -> bool {
        self.n > self.cap
    }

    fn add(&mut self, k: usize) {
        self.n = self.n.saturating_add(k);
    }

    fn value(&mut self, v: Value, repr: bool) {
        if self.over() {
            return;
        }
        match v.unpack() {
            V::Nil | V::Undef | V::Bool(_) => self.add(5),
            V::Int(_) => self.add(20),
            V::Float(_) => self.add(24),
            V::Native(id) => self.add(20 + crate::builtins::native_name(id).len()),
            V::Obj(g) => self.obj(g, repr),
        }
    }

    fn obj(&mut self, g: Gc, repr: bool) {
        let vm = self.vm;
        let obj = vm.heap.get(g);
        let container = matches!(
            obj,
            Object::List(_) | Object::Dict(_) | Object::Variant(_) | Object::BoundMethod(_)
        );
        if container {
            if self.stack.contains(&g) || self.stack.len() > MAX_DEPTH {
                self.add(5);
                return;
            }
            self.stack.push(g);
        }
        match obj {
            Object::Str(s) => {
                let k = if repr {
                    repr_str_bound(s, self.cap.saturating_sub(self.n))
                } else {
                    s.len()
                };
                self.add(k);
            }
            // log10(2) < 1/3: a decimal digit per three bits, and the sign.
            Object::BigInt(b) => self.add((b.bits() / 3) as usize + 2),
            Object::List(items) => {
                self.add(2);
                for x in items.iter() {
                    self.add(2);
                    self.value(*x, true);
                    if self.over() {
                        break;
                    }
                }
            }
            Object::Dict(d) => {
                self.add(2);
                for (k, v) in d.entries() {
                    self.add(4);
                    self.value(k, true);
                    self.value(v, true);
                    if self.over() {
                        break;
                    }
                }
            }
            Object::Class(c) => self.add(10 + c.name.len()),
            Object::Instance(i) => {
                let own = self.done.and_then(|d| {
                    d.get(&(g.0, repr))
                        .or_else(|| if repr { None } else { d.get(&(g.0, true)) })
                });
                match own {
                    Some(t) => self.add(t.len()),
                    None => self.add(14 + vm.class_name(i.class).len()),
                }
            }
            Object::Closure(c) => self.add(10 + c.func.get().proto.name.len()),
            Object::Cell(v) => self.value(*v, repr),
            Object::Resource(r) => self.add(r.describe().len()),
            Object::Bytes(b) => self.add(3 + 4 * b.len()),
            Object::BoundMethod(b) => {
                let name = match b.target {
                    BoundTarget::Func(f) => vm.func_name(f).len(),
                    BoundTarget::Builtin(s) => vm.interner.name(s).len(),
                };
                self.add(20 + name);
                self.value(b.recv, true);
            }
            Object::VariantCtor { name, .. } => self.add(14 + vm.interner.name(*name).len()),
            Object::Variant(v) => {
                self.add(2 + vm.interner.name(v.name).len());
                for x in v.fields.iter() {
                    self.add(2);
                    self.value(*x, false);
                    if self.over() {
                        break;
                    }
                }
            }
            Object::Generator(_) => self.add(12 + 64),
            Object::Pipeline(p) => self.add(8 + p.name.len()),
            Object::Module(m) => {
                self.add(8 + vm.modules.get(*m as usize).map_or(0, |m| m.file.len()));
            }
            Object::Free(_) => self.add(7),
        }
        if container {
            self.stack.pop();
        }
    }
}

impl Vm {
    /// An upper bound of the length of `str(v)` (or `repr(v)`), exact
    /// enough to decide, or any number above `cap` once it passes `cap`.
    pub fn text_size_bound(&self, v: Value, repr: bool, cap: usize) -> usize {
        self.size_bound(v, repr, cap, None)
    }

    fn size_bound(&self, v: Value, repr: bool, cap: usize, done: Option<&UserTexts>) -> usize {
        let mut b = Bound {
            vm: self,
            done,
            n: 0,
            cap,
            stack: Vec::new(),
        };
        b.value(v, repr);
        b.n
    }

    /// Room to append `str(v)` (or `repr(v)`) to a text already `have`
    /// bytes long? Texts, numbers and other small values are answered
    /// without walking anything.
    pub fn check_text_of(&self, v: Value, repr: bool, have: usize) -> Result<(), MemError> {
        self.check_text_with(v, repr, have, None)
    }

    /// [`Vm::check_text_of`] where instances may print as the texts their
    /// classes' methods returned (`done`).
    pub fn check_text_with(
        &self,
        v: Value,
        repr: bool,
        have: usize,
        done: Option<&UserTexts>,
    ) -> Result<(), MemError> {
        let small = match v.unpack() {
            V::Obj(g) => match self.heap.get(g) {
                Object::Str(s) if !repr => Some(s.len()),
                Object::List(_)
                | Object::Dict(_)
                | Object::Variant(_)
                | Object::BoundMethod(_)
                | Object::Cell(_)
                | Object::Str(_)
                | Object::BigInt(_) => None,
                Object::Instance(_) if done.is_some() => None,
                _ => Some(256),
            },
            _ => Some(32),
        };
        let cap = MAX_TEXT_BYTES.saturating_sub(have);
        let n = match small {
            Some(n) => n,
            None => self.size_bound(v, repr, cap, done),
        };
        if n > cap {
            // `n` is an estimate: say only that it does not fit.
            return Err(MemError::Text(usize::MAX));
        }
        self.check_text(have.saturating_add(n))
    }

    /// `str(v)`, refused with `ErrorMemori` when it cannot fit.
    pub fn str_checked(&self, v: Value) -> RtResult<String> {
        self.check_text_of(v, false, 0)?;
        self.str_of(v)
    }

    /// `repr(v)`, refused with `ErrorMemori` when it cannot fit.
    pub fn repr_checked(&self, v: Value) -> RtResult<String> {
        self.check_text_of(v, true, 0)?;
        self.repr_of(v)
    }

    /// Append `str(v)` to `out`, refused when the result cannot fit.
    pub fn write_str_checked(&self, v: Value, out: &mut String) -> RtResult<()> {
        self.check_text_of(v, false, out.len())?;
        self.write_str(v, out)
    }
}
