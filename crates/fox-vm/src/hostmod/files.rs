//! Open files as values (`Resource::File`): Python's `open(path, mode)`
//! modes, and reading, writing and closing them. `_backend.fs_*`,
//! `builtins.open`, the original's `_io_buka`/`_io_baca`/`_io_tulis`/
//! `_io_tutup` intrinsics and the methods of a file value (`f.read()`,
//! `f.write(s)`, `f.close()`) all come here, behind the run's read and
//! write permissions.

use crate::builtins::io::os_error_text;
use crate::codes;
use crate::error::RtResult;
use crate::object::Object;
use crate::permissions::Access;
use crate::resource::{FileHandle, Resource};
use crate::value::{Gc, Value, V};
use crate::vm::Vm;
use std::io::{Read, Seek, SeekFrom, Write};

/// What a Python mode string asks for.
struct Mode {
    read: bool,
    write: bool,
    append: bool,
    create: bool,
    truncate: bool,
    exclusive: bool,
    binary: bool,
}

fn parse_mode(mode: &str) -> Option<Mode> {
    let mut m = Mode {
        read: false,
        write: false,
        append: false,
        create: false,
        truncate: false,
        exclusive: false,
        binary: false,
    };
    let mut base = None;
    let mut plus = false;
    for c in mode.chars() {
        match c {
            'r' | 'w' | 'a' | 'x' if base.is_none() => base = Some(c),
            '+' if !plus => plus = true,
            'b' if !m.binary => m.binary = true,
            't' => {}
            _ => return None,
        }
    }
    match base? {
        'r' => m.read = true,
        'w' => {
            m.write = true;
            m.create = true;
            m.truncate = true;
        }
        'a' => {
            m.write = true;
            m.append = true;
            m.create = true;
        }
        _ => {
            m.write = true;
            m.exclusive = true;
        }
    }
    if plus {
        m.read = true;
        m.write = true;
    }
    Some(m)
}

fn io_err(who: &str, path: &str, e: std::io::Error) -> crate::error::RtError {
    codes::FILE_IO.err(format!("{who}(): '{path}': {}", os_error_text(&e)))
}

/// `open(path, mode)`: a file value.
pub fn open(vm: &mut Vm, path: Value, mode: Value, who: &str) -> RtResult<Value> {
    let p = vm.str_ref(path).map(str::to_string).ok_or_else(|| {
        codes::ARG_TYPE.err(format!(
            "{who}(): path harus teks, bukan {}",
            vm.type_label(path)
        ))
    })?;
    let mode_text = match mode.unpack() {
        V::Nil => "r".to_string(),
        _ => vm.str_ref(mode).map(str::to_string).ok_or_else(|| {
            codes::ARG_TYPE.err(format!(
                "{who}(): mode harus teks, bukan {}",
                vm.type_label(mode)
            ))
        })?,
    };
    let m = parse_mode(&mode_text)
        .ok_or_else(|| codes::ARG_VALUE.err(format!("{who}(): invalid mode: '{mode_text}'")))?;
    let mut real = None;
    if m.read {
        real = Some(vm.permit_path(Access::Read, &p, "membaca")?);
    }
    if m.write {
        real = Some(vm.permit_path(Access::Write, &p, "menulis")?);
    }
    let real = real.unwrap_or_else(|| std::path::PathBuf::from(&p));
    let file = std::fs::OpenOptions::new()
        .read(m.read)
        .write(m.write && !m.append)
        .append(m.append)
        .create(m.create)
        .truncate(m.truncate)
        .create_new(m.exclusive)
        .open(&real)
        .map_err(|e| io_err(who, &p, e))?;
    let handle = FileHandle {
        file: Some(file),
        path: p,
        binary: m.binary,
        readable: m.read,
        writable: m.write,
    };
    Ok(vm.alloc(Object::Resource(Box::new(Resource::File(handle)))))
}

/// The file object `v` is, or a type error naming `who`.
pub fn file_arg(vm: &Vm, v: Value, who: &str) -> RtResult<Gc> {
    if let V::Obj(g) = v.unpack() {
        if matches!(vm.heap.get(g), Object::Resource(r) if matches!(**r, Resource::File(_))) {
            return Ok(g);
        }
    }
    Err(codes::ARG_TYPE.err(format!(
        "{who}(): butuh berkas yang dibuka, bukan {}",
        vm.type_label(v)
    )))
}

fn handle<'a>(vm: &'a mut Vm, g: Gc, who: &str) -> RtResult<&'a mut FileHandle> {
    match vm.heap.get_mut(g) {
        Object::Resource(r) => match &mut **r {
            Resource::File(f) if f.file.is_some() => Ok(f),
            _ => Err(codes::ARG_VALUE.err(format!("{who}(): I/O operation on closed file."))),
        },
        _ => Err(codes::ARG_VALUE.err(format!("{who}(): bukan berkas"))),
    }
}

/// Python's universal newlines: `\r\n` and `\r` read as `\n`.
fn universal_newlines(s: String) -> String {
    if s.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        s
    }
}

/// `f.read(n)`: everything (`n` nil or negative) or at most `n`
/// characters (text) or bytes (binary).
pub fn read(vm: &mut Vm, g: Gc, size: Value, who: &str) -> RtResult<Value> {
    let limit = match size.unpack() {
        V::Nil => None,
        V::Int(n) if n < 0 => None,
        V::Int(n) => Some(n as usize),
        V::Bool(b) => Some(b as usize),
        _ => {
            return Err(codes::ARG_TYPE.err(format!(
                "{who}(): ukuran harus angka bulat, bukan {}",
                vm.type_label(size)
            )))
        }
    };
    let max_text = crate::memory::MAX_TEXT_BYTES;
    let f = handle(vm, g, who)?;
    if !f.readable {
        return Err(codes::FILE_IO.err(format!("{who}(): not readable")));
    }
    let (binary, path) = (f.binary, f.path.clone());
    let Some(file) = f.file.as_mut() else {
        return Err(codes::ARG_VALUE.err(format!("{who}(): I/O operation on closed file.")));
    };
    let mut data = Vec::new();
    match limit {
        None => {
            file.take(max_text as u64 + 1)
                .read_to_end(&mut data)
                .map_err(|e| io_err(who, &path, e))?;
        }
        Some(n) if binary => {
            file.take(n.min(max_text + 1) as u64)
                .read_to_end(&mut data)
                .map_err(|e| io_err(who, &path, e))?;
        }
        Some(n) => {
            // Characters, not bytes: read one UTF-8 sequence at a time.
            let mut chars = 0;
            let mut byte = [0u8; 1];
            while chars < n && data.len() <= max_text {
                if file.read(&mut byte).map_err(|e| io_err(who, &path, e))? == 0 {
                    break;
                }
                data.push(byte[0]);
                // Count a character when the next byte would start a new one.
                if byte[0] & 0xC0 != 0x80 {
                    chars += 1;
                }
            }
            // Finish the last character's continuation bytes.
            loop {
                let pos = file.stream_position().map_err(|e| io_err(who, &path, e))?;
                if file.read(&mut byte).map_err(|e| io_err(who, &path, e))? == 0 {
                    break;
                }
                if byte[0] & 0xC0 == 0x80 {
                    data.push(byte[0]);
                } else {
                    file.seek(SeekFrom::Start(pos))
                        .map_err(|e| io_err(who, &path, e))?;
                    break;
                }
            }
        }
    }
    vm.check_text(data.len())?;
    if binary {
        return vm.new_bytes(data);
    }
    let text = String::from_utf8(data).map_err(|_| {
        codes::FILE_IO.err(format!(
            "{who}(): '{path}': 'utf-8' codec can't decode (bukan UTF-8 yang sah)"
        ))
    })?;
    Ok(vm.new_string(universal_newlines(text)))
}

/// `f.write(data)`: a text in text mode, bytes (or a list of byte values,
/// as `_backend.fs_tulis` allows) in binary mode. Returns how much was
/// written, as Python does.
pub fn write(vm: &mut Vm, g: Gc, data: Value, who: &str, lists_ok: bool) -> RtResult<Value> {
    let binary = handle(vm, g, who)?.binary;
    let (bytes, count) = if binary {
        let b = match vm.bytes_ref(data) {
            Some(b) => b.to_vec(),
            None if lists_ok && vm.list_ref(data).is_some() => vm.bytes_from_list(data, who)?,
            None => {
                return Err(codes::ARG_TYPE.err(format!(
                    "{who}(): a bytes-like object is required, not '{}'",
                    vm.morph_type_py(data)
                )))
            }
        };
        let n = b.len();
        (b, n)
    } else {
        match vm.str_ref(data) {
            Some(s) => (s.as_bytes().to_vec(), s.chars().count()),
            None => {
                return Err(codes::ARG_TYPE.err(format!(
                    "{who}(): write() argument must be str, not {}",
                    vm.morph_type_py(data)
                )))
            }
        }
    };
    let f = handle(vm, g, who)?;
    if !f.writable {
        return Err(codes::FILE_IO.err(format!("{who}(): not writable")));
    }
    let path = f.path.clone();
    if let Some(file) = f.file.as_mut() {
        file.write_all(&bytes).map_err(|e| io_err(who, &path, e))?;
    }
    Ok(Value::Int(count as i64))
}

/// `f.close()`: closing twice is fine.
pub fn close(vm: &mut Vm, g: Gc) {
    if let Object::Resource(r) = vm.heap.get_mut(g) {
        if let Resource::File(f) = &mut **r {
            f.file = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_mode;

    #[test]
    fn modes_as_python() {
        let rb = parse_mode("rb");
        assert!(rb.is_some_and(|m| m.read && m.binary && !m.write));
        let a_plus = parse_mode("a+");
        assert!(a_plus.is_some_and(|m| m.read && m.write && m.append));
        assert!(parse_mode("rw").is_none());
        assert!(parse_mode("").is_none());
        assert!(parse_mode("q").is_none());
    }
}
