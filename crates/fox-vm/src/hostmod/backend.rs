//! `pinjam "_backend"`: the helper object the original VM hands its
//! standard library (`core.fox`, `bytes.fox`, `sys/syscalls.fox` are built
//! on it). Same names, arguments and results as the original's
//! `PythonBackend`, including its lenient ones: `sys_list_pop` on a bad
//! index and `sys_bytes_decode` of invalid data give `nil`, `net_konek`
//! that cannot connect gives `nil`. Files and the network go through the
//! run's permissions like every other host access.

use super::files;
use crate::builtins::{arg, core, io, net};
use crate::codes;
use crate::error::{RtError, RtResult};
use crate::object::Object;
use crate::value::{Value, V};
use crate::vm::Vm;

pub fn fs_buka(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    files::open(vm, arg(args, 0), arg(args, 1), "fs_buka")
}

pub fn fs_baca(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let g = files::file_arg(vm, arg(args, 0), "fs_baca")?;
    files::read(vm, g, arg(args, 1), "fs_baca")
}

pub fn fs_tulis(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let g = files::file_arg(vm, arg(args, 0), "fs_tulis")?;
    files::write(vm, g, arg(args, 1), "fs_tulis", true)?;
    Ok(Value::Nil)
}

pub fn fs_tutup(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let g = files::file_arg(vm, arg(args, 0), "fs_tutup")?;
    files::close(vm, g);
    Ok(Value::Nil)
}

pub fn fs_ada(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    io::ada_file(vm, args)
}

pub fn fs_hapus(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    io::hapus_file(vm, args)?;
    Ok(Value::Nil)
}

pub fn fs_mkdir(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    io::buat_direktori(vm, args)?;
    Ok(Value::Nil)
}

pub fn fs_listdir(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    super::pyos::listdir(vm, args)
}

pub fn fs_cwd(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    super::pyos::getcwd(vm, args)
}

pub fn sys_waktu(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    core::waktu(vm, args)
}

pub fn sys_tidur(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    core::tidur(vm, args)
}

pub fn sys_keluar(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    core::keluar(vm, args)
}

pub fn sys_platform(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    core::platform(vm, args)
}

/// `net_konek(host, port)`: a connection, or `nil` when it fails (the
/// original swallows the error). A refused permission is still an error.
pub fn net_konek(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    match net::konek(vm, args) {
        Ok(v) => Ok(v),
        Err(RtError::Coded { code, .. }) if code.is(codes::NET_IO) => Ok(Value::Nil),
        Err(e) => Err(e),
    }
}

/// `net_kirim(koneksi, data)`: `benar` when sent, `salah` when not.
pub fn net_kirim(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    match net::kirim_data(vm, arg(args, 0), arg(args, 1), "net_kirim") {
        Ok(()) => Ok(Value::Bool(true)),
        Err(RtError::Coded { code, .. }) if !code.is(codes::PERMISSION) => Ok(Value::Bool(false)),
        Err(e) => Err(e),
    }
}

/// `net_terima(koneksi, n)`: up to `n` bytes (4096 when not positive) as
/// bytes, `nil` when it fails.
pub fn net_terima(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    match net::terima_bytes(vm, arg(args, 0), arg(args, 1), "net_terima") {
        Ok(data) => vm.new_bytes(data),
        Err(RtError::Coded { code, .. }) if !code.is(codes::PERMISSION) => Ok(Value::Nil),
        Err(e) => Err(e),
    }
}

pub fn net_tutup(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    if let V::Obj(g) = arg(args, 0).unpack() {
        net::close(vm, g);
    }
    Ok(Value::Nil)
}

/// `conv_len(x)`: Python's `len`, an error for values without a length.
pub fn conv_len(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    super::pymisc::py_len(vm, arg(args, 0))
}

/// `conv_str(x)`: the text the VM prints for `x`.
pub fn conv_str(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    core::teks(vm, args)
}

pub fn sys_bytes_dari_list(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let v = arg(args, 0);
    if vm.list_ref(v).is_none() {
        return Err(codes::ARG_TYPE.err(format!(
            "sys_bytes_dari_list expects list, got <class '{}'>",
            vm.morph_type_py(v)
        )));
    }
    // The original re-raises with the data's first items.
    let data = vm.bytes_from_list(v, "bytes").map_err(|e| match e {
        RtError::Coded { code, pesan } => {
            let items = vm
                .list_ref(v)
                .map(|l| l[..l.len().min(10)].to_vec())
                .unwrap_or_default();
            let sample = vm.new_list_lossy_repr(&items);
            let inner = pesan
                .strip_prefix("bytes(): ")
                .unwrap_or(&pesan)
                .to_string();
            code.err(format!(
                "sys_bytes_dari_list failed: {inner}. Data sample: {sample}"
            ))
        }
        e => e,
    })?;
    vm.new_bytes(data)
}

pub fn sys_bytes_ke_list(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let items: Vec<Value> = match vm.bytes_ref(arg(args, 0)) {
        Some(b) => b.iter().map(|&x| Value::Int(x as i64)).collect(),
        None => Vec::new(),
    };
    vm.check_list(items.len())?;
    Ok(vm.new_list(items))
}

/// `sys_bytes_decode(data, encoding)`: the text, or `nil` when `data` is
/// not bytes or does not decode.
pub fn sys_bytes_decode(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let encoding = vm.str_ref(arg(args, 1)).unwrap_or("utf-8").to_string();
    let Some(data) = vm.bytes_ref(arg(args, 0)) else {
        return Ok(Value::Nil);
    };
    match super::pymisc::decode(data, &encoding) {
        Ok(s) => Ok(vm.new_string(s)),
        Err(_) => Ok(Value::Nil),
    }
}

pub fn sys_list_append(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let (list, item) = (arg(args, 0), arg(args, 1));
    if let V::Obj(g) = list.unpack() {
        if matches!(vm.heap.get(g), Object::List(_)) {
            vm.heap.list_push(g, item)?;
        }
    }
    Ok(Value::Nil)
}

/// `sys_list_pop(list, index)`: the item, or `nil` (not a list, empty, bad
/// index).
pub fn sys_list_pop(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let V::Obj(g) = arg(args, 0).unpack() else {
        return Ok(Value::Nil);
    };
    let idx = match arg(args, 1).unpack() {
        V::Nil => -1,
        V::Int(i) => i,
        V::Bool(b) => b as i64,
        _ => return Ok(Value::Nil),
    };
    let Object::List(l) = vm.heap.get_mut(g) else {
        return Ok(Value::Nil);
    };
    let n = l.len() as i64;
    let j = if idx < 0 { idx + n } else { idx };
    if j < 0 || j >= n {
        return Ok(Value::Nil);
    }
    Ok(l.remove(j as usize))
}

pub fn sys_to_float(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    core::float(vm, &args[..args.len().min(1)])
}

pub fn sys_to_int(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    core::int(vm, &args[..args.len().min(1)])
}

pub fn sys_chr(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    core::chr(vm, args)
}

pub fn sys_ord(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    core::ord(vm, args)
}

/// `sys_str_join(list, sep)`: `str(sep).join(str(x) for x in list)`; `""`
/// when the first argument is not a list.
pub fn sys_str_join(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let Some(items) = vm.list_ref(arg(args, 0)).cloned() else {
        return Ok(vm.new_str(""));
    };
    let sep = vm.str_checked(arg(args, 1))?;
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(&sep);
        }
        vm.write_str_checked(*item, &mut out)?;
    }
    vm.check_text(out.len())?;
    Ok(vm.new_string(out))
}
