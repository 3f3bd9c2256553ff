//! Durable values: `ingat(nama, nilai)` remembers a value (and everything it
//! reaches, generators included) in the run's store, `kenang(nama)` brings
//! it back — in this run or a later one, in this process or another —
//! and `lupakan(nama)` forgets it. Values travel as portable snapshots
//! (see `snapshot`); the store itself belongs to the host.

use super::arg;
use crate::codes;
use crate::error::{RtError, RtResult};
use crate::object::Object;
use crate::permissions::Access;
use crate::value::{Value, V};
use crate::vm::Vm;

/// The store key of a remembered value.
pub fn value_key(name: &str) -> String {
    format!("nilai/{name}")
}

/// The store (or the task queue) failed doing `who(name)`.
fn store_error(who: &str, name: &str, e: String) -> RtError {
    codes::STORE_IO.err(format!("{who}('{name}'): {e}"))
}

fn list_needed(vm: &Vm, v: Value) -> RtError {
    codes::ARG_TYPE.err(format!(
        "kirim_tugas(): argumen 2 ('argumen') harus daftar, bukan {}",
        vm.type_label(v)
    ))
}

fn name_arg(vm: &Vm, fname: &str, v: Value) -> RtResult<String> {
    if let V::Obj(g) = v.unpack() {
        if let Object::Str(t) = vm.heap.get(g) {
            if !t.is_empty() {
                return Ok(t.text.to_string());
            }
        }
    }
    Err(codes::ARG_VALUE.err(format!(
        "{fname}(): nama harus teks yang tidak kosong, bukan {}",
        vm.shown(v, 60)
    )))
}

pub fn ingat(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let name = name_arg(vm, "ingat", args[0])?;
    let bytes = vm.encode_value(args[1]);
    vm.host
        .store_put(&value_key(&name), &bytes)
        .map_err(|e| store_error("ingat", &name, e))?;
    Ok(args[1])
}

pub fn kenang(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let name = name_arg(vm, "kenang", arg(args, 0))?;
    let stored = vm
        .host
        .store_get(&value_key(&name))
        .map_err(|e| store_error("kenang", &name, e))?;
    match stored {
        None => Ok(Value::Nil),
        Some(bytes) => vm.decode_value(&bytes).map_err(|e| match e {
            crate::snapshot::SnapshotError::Memory(m) => m.into(),
            e => store_error("kenang", &name, e.to_string()),
        }),
    }
}

pub fn lupakan(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let name = name_arg(vm, "lupakan", arg(args, 0))?;
    let existed = vm
        .host
        .store_delete(&value_key(&name))
        .map_err(|e| store_error("lupakan", &name, e))?;
    Ok(Value::Bool(existed))
}

/// Reached only if `alur` is invoked some way other than a call (the
/// interpreter starts pipelines itself, see `pipeline`).
pub fn alur(_vm: &mut Vm, _args: &[Value]) -> RtResult<Value> {
    Err(codes::NOT_CALLABLE.err(
        "alur() harus dipanggil langsung (alur(nama, langkah, masukan)), tidak lewat nilai lain",
    ))
}

/// `kirim_tugas(program, argumen)`: hand a program to the task queue (a
/// worker runs it); returns the task id.
pub fn kirim_tugas(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let program = name_arg(vm, "kirim_tugas", args[0])?;
    let list = match arg(args, 1).unpack() {
        V::Nil => Vec::new(),
        V::Obj(g) => match vm.heap.get(g) {
            Object::List(items) => items.clone(),
            _ => return Err(list_needed(vm, arg(args, 1))),
        },
        _ => return Err(list_needed(vm, arg(args, 1))),
    };
    let argv: Vec<String> = list
        .iter()
        .map(|v| vm.str_checked(*v))
        .collect::<RtResult<_>>()?;
    // The host reads the program's file: only where this run may read.
    let path = vm.permit_path(Access::Read, &program, "membaca program")?;
    let id = vm
        .host
        .submit_task(&path.to_string_lossy(), &argv, &vm.config.permissions)
        .map_err(|e| store_error("kirim_tugas", &program, e))?;
    Ok(vm.int(id))
}
