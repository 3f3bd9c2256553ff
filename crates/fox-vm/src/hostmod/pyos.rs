//! `os`, `os.path`, `shutil`, `platform` and `time` behind `pinjam`: the
//! functions Morph programs use, with Python's results, each asking the
//! run's permissions first. Errors carry Python's wording after the
//! operating system's reason (`FileNotFoundError`-style messages become
//! `ErrorIO` with the path). `os.listdir` is sorted, so output repeats
//! across file systems (Python leaves the order to the file system).

use crate::builtins::io::os_error_text;
use crate::builtins::{arg, core};
use crate::codes;
use crate::error::{RtError, RtResult};
use crate::permissions::Access;
use crate::value::{Value, V};
use crate::vm::Vm;
use std::path::Path;

fn text_arg(vm: &Vm, v: Value, who: &str, what: &str) -> RtResult<String> {
    vm.str_ref(v).map(str::to_string).ok_or_else(|| {
        codes::ARG_TYPE.err(format!(
            "{who}(): {what} harus teks, bukan {}",
            vm.type_label(v)
        ))
    })
}

fn io_err(who: &str, p: &str, e: std::io::Error) -> RtError {
    codes::FILE_IO.err(format!("{who}(): '{p}': {}", os_error_text(&e)))
}

pub fn os_constants(vm: &mut Vm) -> Vec<(&'static str, Value)> {
    vec![
        ("sep", vm.new_str("/")),
        ("name", vm.new_str("posix")),
        ("linesep", vm.new_str("\n")),
    ]
}

pub fn path_constants(vm: &mut Vm) -> Vec<(&'static str, Value)> {
    vec![("sep", vm.new_str("/"))]
}

pub fn getcwd(vm: &mut Vm, _args: &[Value]) -> RtResult<Value> {
    vm.permit_path(Access::Read, ".", "membaca path")?;
    let cwd = std::env::current_dir().map_err(|e| io_err("getcwd", ".", e))?;
    Ok(vm.new_string(cwd.to_string_lossy().into_owned()))
}

pub fn listdir(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    crate::builtins::io::daftar_file(vm, args)
}

/// `os.makedirs(path)`: an error if it exists, as Python without
/// `exist_ok` (the second argument, when given and true, is `exist_ok`).
pub fn makedirs(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let p = text_arg(vm, arg(args, 0), "makedirs", "path")?;
    let exist_ok = vm.truthy(arg(args, 1));
    let real = vm.permit_path(Access::Write, &p, "membuat direktori")?;
    if real.exists() && !exist_ok {
        return Err(codes::FILE_IO.err(format!("makedirs(): '{p}': sudah ada (File exists)")));
    }
    std::fs::create_dir_all(&real).map_err(|e| io_err("makedirs", &p, e))?;
    Ok(Value::Nil)
}

pub fn mkdir(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let p = text_arg(vm, arg(args, 0), "mkdir", "path")?;
    let real = vm.permit_path(Access::Write, &p, "membuat direktori")?;
    std::fs::create_dir(&real).map_err(|e| io_err("mkdir", &p, e))?;
    Ok(Value::Nil)
}

/// `os.remove(path)`: a file only (Python refuses directories).
pub fn remove(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let p = text_arg(vm, arg(args, 0), "remove", "path")?;
    let real = vm.permit_entry(Access::Write, &p, "menghapus")?;
    std::fs::remove_file(&real).map_err(|e| io_err("remove", &p, e))?;
    Ok(Value::Nil)
}

pub fn rmdir(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let p = text_arg(vm, arg(args, 0), "rmdir", "path")?;
    let real = vm.permit_entry(Access::Write, &p, "menghapus")?;
    std::fs::remove_dir(&real).map_err(|e| io_err("rmdir", &p, e))?;
    Ok(Value::Nil)
}

pub fn rename(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    crate::builtins::io::pindah_file(vm, args)?;
    Ok(Value::Nil)
}

/// `os.getenv(name, default)`: behind `--allow-env`.
pub fn getenv(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let v = crate::builtins::env::env(vm, &args[..args.len().min(1)])?;
    Ok(if matches!(v.unpack(), V::Nil) {
        arg(args, 1)
    } else {
        v
    })
}

/// `os.path.join(a, b, …)`: an absolute part starts over, as in Python.
pub fn path_join(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        let part = text_arg(vm, *a, "join", "bagian path")?;
        if part.starts_with('/') || i == 0 {
            out = part;
        } else if out.is_empty() || out.ends_with('/') {
            out.push_str(&part);
        } else {
            out.push('/');
            out.push_str(&part);
        }
    }
    Ok(vm.new_string(out))
}

fn check(vm: &mut Vm, args: &[Value], who: &str, test: fn(&Path) -> bool) -> RtResult<Value> {
    let p = text_arg(vm, arg(args, 0), who, "path")?;
    let real = vm.permit_path(Access::Read, &p, "memeriksa")?;
    Ok(Value::Bool(test(&real)))
}

pub fn exists(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    check(vm, args, "exists", |p| p.exists())
}

pub fn isfile(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    check(vm, args, "isfile", |p| p.is_file())
}

pub fn isdir(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    check(vm, args, "isdir", |p| p.is_dir())
}

/// `os.path.basename`: what follows the last `/` (Python's rule, not
/// `Path::file_name`, so `"a/"` gives `""`).
pub fn basename(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let p = text_arg(vm, arg(args, 0), "basename", "path")?;
    let base = p.rsplit('/').next().unwrap_or("").to_string();
    Ok(vm.new_string(base))
}

/// `os.path.dirname`: everything before the last `/`, trailing slashes
/// removed unless that leaves nothing.
pub fn dirname(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let p = text_arg(vm, arg(args, 0), "dirname", "path")?;
    let head = match p.rfind('/') {
        Some(i) => &p[..=i],
        None => "",
    };
    let trimmed = head.trim_end_matches('/');
    let out = if trimmed.is_empty() { head } else { trimmed };
    Ok(vm.new_str(out))
}

pub fn abspath(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    crate::builtins::io::path_absolut(vm, args)
}

/// `os.path.splitext(p)`: `[root, ext]` (a list: Morph has no tuples);
/// leading dots of the last component do not start an extension.
pub fn splitext(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let p = text_arg(vm, arg(args, 0), "splitext", "path")?;
    let name_start = p.rfind('/').map_or(0, |i| i + 1);
    let name = &p[name_start..];
    let lead = name.len() - name.trim_start_matches('.').len();
    let (root, ext) = match name[lead..].rfind('.') {
        Some(i) => p.split_at(name_start + lead + i),
        None => (p.as_str(), ""),
    };
    let items = vec![vm.new_str(root), vm.new_str(ext)];
    Ok(vm.new_list(items))
}

pub fn getsize(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    crate::builtins::io::ukuran_file(vm, args)
}

/// `shutil.rmtree(path)`: a directory and everything in it.
pub fn rmtree(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let p = text_arg(vm, arg(args, 0), "rmtree", "path")?;
    let real = vm.permit_entry(Access::Write, &p, "menghapus")?;
    vm.permit_below(Access::Write, &real, &p, "menghapus")?;
    if !std::fs::symlink_metadata(&real).is_ok_and(|m| m.is_dir()) {
        return Err(codes::FILE_IO.err(format!("rmtree(): '{p}': bukan direktori")));
    }
    std::fs::remove_dir_all(&real).map_err(|e| io_err("rmtree", &p, e))?;
    Ok(Value::Nil)
}

/// `shutil.copy`/`copyfile(src, dst)`: the destination path.
pub fn copy(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    crate::builtins::io::salin_file(vm, args)?;
    Ok(arg(args, 1))
}

pub fn shutil_move(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    crate::builtins::io::pindah_file(vm, args)?;
    Ok(arg(args, 1))
}

/// `platform.system()`: `"Linux"`, `"Darwin"`, `"Windows"`.
pub fn system(vm: &mut Vm, _args: &[Value]) -> RtResult<Value> {
    let name = match std::env::consts::OS {
        "linux" => "Linux",
        "macos" => "Darwin",
        "windows" => "Windows",
        "freebsd" => "FreeBSD",
        other => other,
    };
    Ok(vm.new_str(name))
}

pub fn machine(vm: &mut Vm, _args: &[Value]) -> RtResult<Value> {
    let arch = match std::env::consts::ARCH {
        "aarch64" if std::env::consts::OS == "macos" => "arm64",
        other => other,
    };
    Ok(vm.new_str(arch))
}

pub fn time(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    core::waktu(vm, args)
}

pub fn sleep(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    core::tidur(vm, args)
}

/// `datetime.datetime.now()`: the local time as Python's `str()` of a
/// datetime prints it (`2026-12-06 08:15:02.123456`); Fox VM has no
/// datetime objects.
pub fn datetime_now(vm: &mut Vm, _args: &[Value]) -> RtResult<Value> {
    let t = match core::waktu(vm, &[])?.unpack() {
        V::Float(f) => f,
        _ => 0.0,
    };
    Ok(vm.new_string(format_timestamp(t)))
}

/// The proleptic Gregorian date `(year, month, day)` of a count of days
/// since 1970-01-01 (Howard Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Seconds since the epoch as `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC).
pub fn format_timestamp(t: f64) -> String {
    let micros_total = (t * 1_000_000.0).round() as i64;
    let secs = micros_total.div_euclid(1_000_000);
    let micros = micros_total.rem_euclid(1_000_000);
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    let mut out = format!("{year:04}-{month:02}-{day:02} {h:02}:{m:02}:{s:02}");
    if micros != 0 {
        out.push_str(&format!(".{micros:06}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::format_timestamp;

    #[test]
    fn timestamps_print_as_python_str() {
        assert_eq!(format_timestamp(0.0), "1970-01-01 00:00:00");
        assert_eq!(
            format_timestamp(1_700_000_000.5),
            "2023-11-14 22:13:20.500000"
        );
        assert_eq!(format_timestamp(951_782_400.0), "2000-02-29 00:00:00");
    }
}
