//! The original's file intrinsics (`_io_buka`, `_io_baca`, `_io_tulis`,
//! `_io_tutup`, `_io_hapus`, `_io_buat_dir`), which its standard library
//! (`io/berkas.fox`) calls by name: Python's `open`/`read`/`write`/
//! `close`, `os.remove`, `os.makedirs(exist_ok=True)`.

use super::arg;
use crate::error::RtResult;
use crate::hostmod::files;
use crate::value::Value;
use crate::vm::Vm;

pub fn io_buka(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    files::open(vm, arg(args, 0), arg(args, 1), "_io_buka")
}

pub fn io_baca(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let g = files::file_arg(vm, arg(args, 0), "_io_baca")?;
    files::read(vm, g, arg(args, 1), "_io_baca")
}

pub fn io_tulis(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let g = files::file_arg(vm, arg(args, 0), "_io_tulis")?;
    files::write(vm, g, arg(args, 1), "_io_tulis", false)?;
    Ok(Value::Nil)
}

pub fn io_tutup(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let g = files::file_arg(vm, arg(args, 0), "_io_tutup")?;
    files::close(vm, g);
    Ok(Value::Nil)
}

pub fn io_hapus(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    crate::hostmod::pyos::remove(vm, args)
}

/// `_io_buat_dir(path)`: `benar` when the directory exists afterwards,
/// `salah` when the operating system refused (a denied permission is
/// still an error).
pub fn io_buat_dir(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    match crate::builtins::io::buat_direktori(vm, args) {
        Ok(_) => Ok(Value::Bool(true)),
        Err(crate::error::RtError::Coded { code, .. }) if code.is(crate::codes::FILE_IO) => {
            Ok(Value::Bool(false))
        }
        Err(e) => Err(e),
    }
}
