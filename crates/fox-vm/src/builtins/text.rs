//! Texts of values for printing and conversion, honouring the classes' own
//! conversions: an instance whose class defines `teks()` prints as what
//! that method returns (Python's `__str__`), and inside containers — or
//! for `_repr` — as what `repr()` returns (`__repr__`); `str()` falls back
//! to `repr()`; without either, `<Instance K>`. `tulis`, `cetak`, `teks()`,
//! `gabung`, interpolation, the `tulis` statement and `warnai` all convert
//! through [`Vm::convert_texts`] / [`Vm::text_op`].
//!
//! The methods are Morph code, so they cannot run inside a builtin: a
//! conversion that meets such instances writes nothing and hands over to
//! the prelude's `_teks_pengguna` (see `prelude`), which calls the methods
//! in order of appearance and then `_teks_pengguna_selesai` here, which
//! writes the text with the methods' results and sends it where the
//! original conversion would have (its [`Sink`]).

use super::arg;
use crate::codes;
use crate::error::{Redirect, RtError, RtResult};
use crate::format::{Need, UserText};
use crate::object::Object;
use crate::value::{Value, V};
use crate::vm::Vm;

/// Where a converted text goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sink {
    /// It is the result (`teks()`, interpolation, `gabung`, `_repr`).
    Value,
    /// Written to stdout with a newline (`tulis`).
    Line,
    /// Written to stdout as it is (`warnai`).
    Write,
    /// Written and flushed (`cetak`).
    WriteFlush,
}

impl Sink {
    fn code(self) -> i64 {
        match self {
            Sink::Value => 0,
            Sink::Line => 1,
            Sink::Write => 2,
            Sink::WriteFlush => 3,
        }
    }

    fn from_code(c: i64) -> Sink {
        match c {
            1 => Sink::Line,
            2 => Sink::Write,
            3 => Sink::WriteFlush,
            _ => Sink::Value,
        }
    }
}

impl Vm {
    /// `str()` (or `repr()`) of `vals` joined by `sep`, instances written
    /// with the texts in `user` (noting there the ones still needed).
    fn joined(
        &self,
        vals: &[Value],
        sep: &str,
        repr: bool,
        user: &mut UserText,
    ) -> RtResult<String> {
        let mut s = String::new();
        for (i, v) in vals.iter().enumerate() {
            if i > 0 {
                s.push_str(sep);
            }
            let done = (!user.done.is_empty()).then_some(&user.done);
            self.check_text_with(*v, repr, s.len(), done)?;
            self.write_user(*v, &mut s, repr, user)?;
        }
        Ok(s)
    }

    /// Send a finished text to `sink`: its value, or nil once written.
    fn deliver(&mut self, mut text: String, sink: Sink) -> Value {
        match sink {
            Sink::Value => return self.new_string(text),
            Sink::Line => {
                text.push('\n');
                self.host.write_out(text.as_bytes());
            }
            Sink::Write => self.host.write_out(text.as_bytes()),
            Sink::WriteFlush => {
                self.host.write_out(text.as_bytes());
                self.host.flush_out();
            }
        }
        Value::Nil
    }

    /// The prelude call that runs the methods `needs` and then finishes
    /// the conversion of `vals`.
    fn conversion_redirect(
        &mut self,
        vals: &[Value],
        sep: &str,
        repr: bool,
        sink: Sink,
        needs: &[Need],
    ) -> RtError {
        let nilai = self.new_list(vals.to_vec());
        let sep_v = self.new_str(sep);
        let cara = self.new_list(vec![Value::Int(sink.code()), sep_v, Value::Bool(repr)]);
        let objek: Vec<Value> = needs
            .iter()
            .map(|n| self.new_list(vec![Value::Obj(n.obj), n.method, Value::Bool(n.repr)]))
            .collect();
        let objek = self.new_list(objek);
        RtError::Redirect(Box::new(Redirect {
            helper: "_teks_pengguna",
            args: vec![nilai, cara, objek],
        }))
    }

    /// Convert `vals` for a builtin (`tulis`, `teks()`, …): the text's
    /// value or nil once written, or a redirect to the prelude when
    /// classes' own conversions must run first.
    pub fn convert_texts(
        &mut self,
        vals: &[Value],
        sep: &str,
        repr: bool,
        sink: Sink,
    ) -> RtResult<Value> {
        let mut user = UserText::default();
        let text = self.joined(vals, sep, repr, &mut user)?;
        if user.needs.is_empty() {
            return Ok(self.deliver(text, sink));
        }
        Err(self.conversion_redirect(vals, sep, repr, sink, &user.needs))
    }

    /// Convert the `count` registers at `from` for an instruction
    /// (interpolation, the `tulis` statement, `warnai`): `Some(value)`,
    /// or `None` when a prelude frame was pushed that will deliver the
    /// value to `stack[ret]`.
    pub(crate) fn text_op(
        &mut self,
        from: usize,
        count: usize,
        sep: &str,
        sink: Sink,
        ret: usize,
    ) -> RtResult<Option<Value>> {
        let mut user = UserText::default();
        let text = self.joined(&self.stack[from..from + count], sep, false, &mut user)?;
        if user.needs.is_empty() {
            return Ok(Some(self.deliver(text, sink)));
        }
        let vals = self.stack[from..from + count].to_vec();
        match self.conversion_redirect(&vals, sep, false, sink, &user.needs) {
            RtError::Redirect(call) => self.start_redirect(*call, ret),
            e => Err(e),
        }
    }
}

/// `_teks_pengguna_selesai(nilai, cara, objek, hasil)`: the prelude ran
/// the methods (`hasil[i]` is what `objek[i]`'s method returned); write
/// the values with those texts and deliver them as `cara` says.
pub fn finish(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let items = |vm: &Vm, v: Value| vm.list_ref(v).cloned().unwrap_or_default();
    let (vals, cara, objek, hasil) = (
        items(vm, arg(args, 0)),
        items(vm, arg(args, 1)),
        items(vm, arg(args, 2)),
        items(vm, arg(args, 3)),
    );
    let sink = match cara.first().map(|v| v.unpack()) {
        Some(V::Int(c)) => Sink::from_code(c),
        _ => Sink::Value,
    };
    let sep = cara
        .get(1)
        .and_then(|v| vm.text_rc(*v))
        .unwrap_or_else(|| std::rc::Rc::from(""));
    let repr = cara.get(2).is_some_and(|v| vm.truthy(*v));
    let mut user = UserText::default();
    for (o, text) in objek.iter().zip(hasil) {
        let triple = items(vm, *o);
        let (Some(obj), Some(flag)) = (triple.first().and_then(|v| v.as_obj()), triple.get(2))
        else {
            continue;
        };
        let as_repr = vm.truthy(*flag);
        match vm.text_rc(text) {
            Some(t) => {
                user.done.insert((obj.0, as_repr), t);
            }
            None => {
                let class = match vm.heap.get(obj) {
                    Object::Instance(i) => vm.class_name(i.class),
                    _ => "?".to_string(),
                };
                return Err(codes::TEXT_METHOD_RESULT.err(format!(
                    "Metode {}() kelas {class} harus mengembalikan teks, bukan {}",
                    if as_repr { "repr" } else { "teks" },
                    vm.type_label(text)
                )));
            }
        }
    }
    let text = vm.joined(&vals, &sep, repr, &mut user)?;
    Ok(vm.deliver(text, sink))
}
