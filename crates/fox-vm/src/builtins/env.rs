//! The process environment (`_sys_env`, `_sys_env_semua`), behind the
//! `env` permission: a run sees only the variables it was granted.

use super::arg;
use crate::codes;
use crate::dict::{Dict, HashKey};
use crate::error::RtResult;
use crate::object::Object;
use crate::permissions::Access;
use crate::value::Value;
use crate::vm::Vm;
use std::rc::Rc;

/// `_sys_env(nama)`: the variable's value, or nil when it is not set.
pub fn env(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let name = match vm.str_ref(arg(args, 0)) {
        Some(s) if !s.is_empty() && !s.contains(['=', '\0']) => s.to_string(),
        _ => {
            return Err(codes::ARG_VALUE.err(format!(
                "_sys_env(): nama variabel harus teks tidak kosong tanpa '=', bukan {}",
                vm.shown(arg(args, 0), 60)
            )))
        }
    };
    vm.permit_env(&name)?;
    Ok(match std::env::var_os(&name) {
        Some(v) => vm.new_string(v.to_string_lossy().into_owned()),
        None => Value::Nil,
    })
}

/// `_sys_env_semua()`: a dict of the variables this run may see (all of
/// them with `--allow-env`, the granted ones otherwise), sorted by name.
pub fn env_all(vm: &mut Vm, _args: &[Value]) -> RtResult<Value> {
    let mut vars: Vec<(String, String)> = std::env::vars_os()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        })
        .filter(|(k, _)| vm.config.permissions.check(Access::Env, k).is_ok())
        .collect();
    vars.sort();
    let mut d = Dict::with_capacity(vars.len());
    for (k, v) in vars {
        let key: Rc<str> = Rc::from(k.as_str());
        let kv = vm.new_str(&k);
        let vv = vm.new_string(v);
        d.insert(HashKey::text(key), kv, vv);
    }
    Ok(vm.alloc(Object::Dict(Box::new(d))))
}
