//! File helpers behind `io/berkas` (`_io_*`). Each asks the run's
//! permissions first (see `access`) and then works on the resolved path.
//! Failures raise a Morph error with the operating system's message; the
//! Morph module turns them into `Gagal(pesan)` values.

use super::arg;
use crate::codes;
use crate::error::{RtError, RtResult};
use crate::permissions::Access;
use crate::value::Value;
use crate::value::V;
use crate::vm::Vm;

fn path_arg(vm: &Vm, v: Value, who: &str) -> RtResult<String> {
    vm.str_ref(v).map(|s| s.to_string()).ok_or_else(|| {
        codes::ARG_TYPE.err(format!(
            "{who}(): path harus teks, bukan {}",
            vm.type_label(v)
        ))
    })
}

/// What the operating system said, in Indonesian where the kind is known.
pub fn os_error_text(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "berkas atau direktori tidak ada".to_string(),
        K::PermissionDenied => "sistem operasi menolak akses".to_string(),
        K::AlreadyExists => "sudah ada".to_string(),
        K::IsADirectory => "itu sebuah direktori".to_string(),
        K::NotADirectory => "bagian path-nya bukan direktori".to_string(),
        K::DirectoryNotEmpty => "direktori tidak kosong".to_string(),
        K::ConnectionRefused => "sambungan ditolak".to_string(),
        K::ConnectionReset => "sambungan diputus oleh pihak lain".to_string(),
        K::TimedOut | K::WouldBlock => "waktu habis".to_string(),
        K::BrokenPipe => "sambungan sudah tertutup".to_string(),
        K::StorageFull => "ruang penyimpanan penuh".to_string(),
        _ => format!("kesalahan sistem ({e})"),
    }
}

fn io_err(what: &str, p: &str, e: std::io::Error) -> RtError {
    codes::FILE_IO.err(format!("{what} '{p}': {}", os_error_text(&e)))
}

pub fn baca_file(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let p = path_arg(vm, arg(args, 0), "_io_baca_file")?;
    let real = vm.permit_path(Access::Read, &p, "membaca")?;
    if let Ok(meta) = std::fs::metadata(&real) {
        vm.check_text(usize::try_from(meta.len()).unwrap_or(usize::MAX))?;
    }
    let bytes = std::fs::read(&real).map_err(|e| io_err("Gagal membaca", &p, e))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| codes::FILE_IO.err(format!("Gagal membaca '{p}': bukan UTF-8 yang sah")))?;
    Ok(vm.new_string(text))
}

pub fn tulis_file(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let p = path_arg(vm, arg(args, 0), "_io_tulis_file")?;
    let real = vm.permit_path(Access::Write, &p, "menulis")?;
    let content = vm.str_checked(arg(args, 1))?;
    std::fs::write(&real, content.as_bytes()).map_err(|e| io_err("Gagal menulis", &p, e))?;
    Ok(Value::Bool(true))
}

pub fn tambah_file(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    use std::io::Write;
    let p = path_arg(vm, arg(args, 0), "_io_tambah_file")?;
    let real = vm.permit_path(Access::Write, &p, "menulis")?;
    let content = vm.str_checked(arg(args, 1))?;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&real)
        .map_err(|e| io_err("Gagal membuka", &p, e))?;
    f.write_all(content.as_bytes())
        .map_err(|e| io_err("Gagal menulis", &p, e))?;
    Ok(Value::Bool(true))
}

pub fn ada_file(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let p = path_arg(vm, arg(args, 0), "_io_ada_file")?;
    let real = vm.permit_path(Access::Read, &p, "memeriksa")?;
    Ok(Value::Bool(real.exists()))
}

pub fn ada_direktori(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let p = path_arg(vm, arg(args, 0), "_io_ada_direktori")?;
    let real = vm.permit_path(Access::Read, &p, "memeriksa")?;
    Ok(Value::Bool(real.is_dir()))
}

pub fn hapus_file(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let p = path_arg(vm, arg(args, 0), "_io_hapus_file")?;
    let real = vm.permit_entry(Access::Write, &p, "menghapus")?;
    // A directory goes with everything in it.
    vm.permit_below(Access::Write, &real, &p, "menghapus")?;
    let path = real.as_path();
    // The entry itself: a symlink to a directory is removed as a link.
    let is_dir = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
    let r = if is_dir {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    r.map_err(|e| io_err("Gagal menghapus", &p, e))?;
    Ok(Value::Bool(true))
}

pub fn buat_direktori(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let p = path_arg(vm, arg(args, 0), "_io_buat_direktori")?;
    let real = vm.permit_path(Access::Write, &p, "membuat direktori")?;
    std::fs::create_dir_all(&real).map_err(|e| io_err("Gagal membuat direktori", &p, e))?;
    Ok(Value::Bool(true))
}

pub fn daftar_file(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let p = match (arg(args, 0)).unpack() {
        V::Nil => ".".to_string(),
        v => path_arg(vm, v.pack(), "_io_daftar_file")?,
    };
    let real = vm.permit_path(Access::Read, &p, "membaca direktori")?;
    let rd = std::fs::read_dir(&real).map_err(|e| io_err("Gagal membaca direktori", &p, e))?;
    let mut names: Vec<String> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let items: Vec<Value> = names.into_iter().map(|n| vm.new_string(n)).collect();
    Ok(vm.new_list(items))
}

pub fn salin_file(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let a = path_arg(vm, arg(args, 0), "_io_salin_file")?;
    let b = path_arg(vm, arg(args, 1), "_io_salin_file")?;
    let from = vm.permit_path(Access::Read, &a, "membaca")?;
    let to = vm.permit_path(Access::Write, &b, "menulis")?;
    std::fs::copy(&from, &to).map_err(|e| io_err("Gagal menyalin", &a, e))?;
    Ok(Value::Bool(true))
}

pub fn pindah_file(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let a = path_arg(vm, arg(args, 0), "_io_pindah_file")?;
    let b = path_arg(vm, arg(args, 1), "_io_pindah_file")?;
    // Moving reads the source away and writes both places.
    let from = vm.permit_entry(Access::Write, &a, "memindah")?;
    vm.permit_entry(Access::Read, &a, "memindah")?;
    let to = vm.permit_entry(Access::Write, &b, "menulis")?;
    // A directory moves with everything in it: nothing denied may be in it
    // (read-denied files would become readable at their new place), nor
    // below the destination it lands on.
    vm.permit_below(Access::Write, &from, &a, "memindah")?;
    vm.permit_below(Access::Read, &from, &a, "memindah")?;
    vm.permit_below(Access::Write, &to, &b, "menulis")?;
    std::fs::rename(&from, &to).map_err(|e| io_err("Gagal memindah", &a, e))?;
    Ok(Value::Bool(true))
}

pub fn path_absolut(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let p = path_arg(vm, arg(args, 0), "_io_path_absolut")?;
    // The answer reveals the working directory: a read of that path.
    vm.permit_path(Access::Read, &p, "membaca path")?;
    let abs = std::path::absolute(&p).map_err(|e| io_err("Gagal", &p, e))?;
    Ok(vm.new_string(abs.to_string_lossy().into_owned()))
}

pub fn gabung_path(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let mut out = std::path::PathBuf::new();
    for a in args {
        out.push(path_arg(vm, *a, "_io_gabung_path")?);
    }
    Ok(vm.new_string(out.to_string_lossy().into_owned()))
}

pub fn ukuran_file(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let p = path_arg(vm, arg(args, 0), "_io_ukuran_file")?;
    let real = vm.permit_path(Access::Read, &p, "membaca")?;
    let m = std::fs::metadata(&real).map_err(|e| io_err("Gagal membaca", &p, e))?;
    Ok(Value::Int(m.len() as i64))
}
