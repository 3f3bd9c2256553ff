//! The builtin function registry: every native has a stable name (used by
//! `Value::Native` ids, printing and snapshots) and its parameters (checked
//! before it runs, see `signature`). Globals are the §11.1 builtins plus
//! the functions of `core` and `matematika/dasar`; underscore helpers back
//! the standard library modules and the Morph prelude (`text`, sorting with
//! a key).

mod access;
pub mod core;
pub mod durable;
pub mod env;
mod intrinsic;
pub mod io;
pub mod math;
pub mod methods;
pub mod net;
pub mod signature;
pub mod text;

use crate::error::RtResult;
use crate::hostmod::{self, backend, pyjson, pymisc, pyos};
use crate::value::Value;
use crate::vm::Vm;
use signature::{opt, p, rest, Param, Types};

pub type NativeFn = fn(&mut Vm, &[Value]) -> RtResult<Value>;

pub struct NativeDef {
    pub name: &'static str,
    pub func: NativeFn,
    /// Checked before `func` runs (see `signature`).
    pub params: &'static [Param],
}

macro_rules! natives {
    ($($name:literal => $f:path, [$($param:expr),* $(,)?];)*) => {
        pub static NATIVES: &[NativeDef] = &[
            $(NativeDef { name: $name, func: $f, params: &[$($param),*] }),*
        ];
    };
}

const ANY: Types = Types::APAPUN;
const TEXT: Types = Types::TEKS;
const INT: Types = Types::BULAT;
const NUM: Types = Types::ANGKA;
const LIST: Types = Types::DAFTAR;
const DICT: Types = Types::KAMUS;
const CONN: Types = Types::KONEKSI;
/// An open file (a host resource, like a connection).
const FILE: Types = Types::KONEKSI;
/// What has a length (`nil` counts as empty, as the stdlib expects).
const SIZED: Types = Types::TEKS
    .or(Types::BYTES)
    .or(Types::DAFTAR)
    .or(Types::KAMUS)
    .or(Types::MODUL)
    .or(Types::NIL);

natives! {
    "tulis" => core::tulis, [rest("nilai", ANY)];
    "cetak" => core::cetak, [rest("nilai", ANY)];
    "masukan" => core::masukan, [opt("pesan", ANY)];
    "panjang" => core::panjang, [p("nilai", SIZED)];
    "tipe" => core::tipe, [p("nilai", ANY)];
    "tipe_objek" => core::tipe, [p("nilai", ANY)];
    "chr" => core::chr, [p("kode", INT)];
    "ord" => core::ord, [p("karakter", TEXT)];
    "waktu" => core::waktu, [];
    "keluar" => core::keluar, [opt("status", INT)];
    "teks" => core::teks, [p("nilai", ANY)];
    "tambah" => core::tambah, [p("daftar", LIST), p("nilai", ANY)];
    "pop" => core::pop, [p("daftar", LIST), opt("indeks", INT)];
    "gabung" => core::gabung, [p("daftar", LIST), opt("pemisah", TEXT)];
    "int" => core::int, [opt("nilai", NUM.or(TEXT)), opt("basis", INT)];
    "float" => core::float, [opt("nilai", NUM.or(TEXT))];
    "kunci" => core::kunci, [p("kamus", DICT)];
    "nilai_kamus" => core::nilai_kamus, [p("kamus", DICT)];
    "salin_kamus" => core::salin_kamus, [p("kamus", DICT)];
    "acak" => math::acak, [];
    "acak_bulat" => math::acak_bulat, [p("bawah", INT), p("atas", INT)];
    "ingat" => durable::ingat, [p("nama", TEXT), p("nilai", ANY)];
    "kenang" => durable::kenang, [p("nama", TEXT)];
    "lupakan" => durable::lupakan, [p("nama", TEXT)];
    "alur" => durable::alur, [p("nama", TEXT), p("langkah", LIST), opt("masukan", ANY)];
    "kirim_tugas" => durable::kirim_tugas, [p("program", TEXT), opt("argumen", LIST)];
    "absolut" => math::absolut, [p("x", NUM)];
    "min" => math::min, [p("nilai", ANY), rest("lainnya", ANY)];
    "max" => math::max, [p("nilai", ANY), rest("lainnya", ANY)];
    "lantai" => math::lantai, [p("x", NUM)];
    "atap" => math::atap, [p("x", NUM)];
    "faktorial" => math::faktorial, [p("n", NUM)];
    "pangkat" => math::pangkat, [p("basis", NUM), p("eksponen", NUM)];
    "akar" => math::akar, [p("x", NUM)];
    "bulat" => math::bulat, [p("x", NUM), opt("digit", INT)];
    "_urut_kunci" => methods::sort_by_keys, [p("daftar", LIST), p("kunci", LIST), opt("terbalik", ANY)];
    "_panjang_builtin" => core::panjang, [p("nilai", SIZED)];
    "_tambah_builtin" => core::tambah, [p("daftar", LIST), p("nilai", ANY)];
    "_pop_builtin" => core::pop, [p("daftar", LIST), opt("indeks", INT)];
    "_gabung_builtin" => core::gabung, [p("daftar", LIST), opt("pemisah", TEXT)];
    "_float_builtin" => core::float, [opt("nilai", NUM.or(TEXT))];
    "_int_builtin" => core::int, [opt("nilai", NUM.or(TEXT)), opt("basis", INT)];
    "_str_builtin" => core::teks, [p("nilai", ANY)];
    "_tipe_objek_builtin" => core::tipe, [p("nilai", ANY)];
    "_keys_builtin" => core::kunci, [p("kamus", DICT)];
    "_salin_kamus_builtin" => core::salin_kamus, [p("kamus", DICT)];
    "_chr_builtin" => core::chr, [p("kode", INT)];
    "_ord_builtin" => core::ord, [p("karakter", TEXT)];
    "_intrinsik_str_kecil" => core::str_kecil, [p("teks", TEXT)];
    "_intrinsik_str_besar" => core::str_besar, [p("teks", TEXT)];
    "_intrinsik_str_temukan" => core::str_temukan, [p("teks", TEXT), p("cari", TEXT)];
    "_intrinsik_str_ganti" => core::str_ganti, [p("teks", TEXT), p("lama", TEXT), p("baru", TEXT)];
    "_teks_ke_byte" => core::teks_ke_byte, [p("teks", TEXT)];
    "_byte_ke_teks" => core::byte_ke_teks, [p("byte", LIST)];
    "_repr" => core::repr, [p("nilai", ANY)];
    "_teks_pengguna_selesai" => text::finish, [p("nilai", LIST), p("cara", LIST), p("objek", LIST), p("hasil", LIST)];
    "_sys_waktu" => core::waktu, [];
    "_sys_tidur" => core::tidur, [p("detik", NUM)];
    "_sys_platform" => core::platform, [];
    "_sys_env" => env::env, [p("nama", TEXT)];
    "_sys_env_semua" => env::env_all, [];
    "_net_konek" => net::konek, [p("host", TEXT.or(CONN)), p("port", INT.or(TEXT)), opt("port_asli", INT)];
    "_net_kirim" => net::kirim, [p("koneksi", CONN), p("data", ANY)];
    "_net_terima" => net::terima, [p("koneksi", CONN), opt("n", INT)];
    "_net_tutup" => net::tutup, [p("koneksi", CONN)];
    "_mat_sin" => math::sin, [p("x", NUM)];
    "_mat_cos" => math::cos, [p("x", NUM)];
    "_mat_tan" => math::tan, [p("x", NUM)];
    "_mat_asin" => math::asin, [p("x", NUM)];
    "_mat_acos" => math::acos, [p("x", NUM)];
    "_mat_atan" => math::atan, [p("x", NUM)];
    "_mat_atan2" => math::atan2, [p("y", NUM), p("x", NUM)];
    "_mat_log" => math::log, [p("x", NUM), opt("basis", NUM)];
    "_mat_exp" => math::exp, [p("x", NUM)];
    "_io_baca_file" => io::baca_file, [p("path", TEXT)];
    "_io_tulis_file" => io::tulis_file, [p("path", TEXT), p("isi", ANY)];
    "_io_tambah_file" => io::tambah_file, [p("path", TEXT), p("isi", ANY)];
    "_io_ada_file" => io::ada_file, [p("path", TEXT)];
    "_io_ada_direktori" => io::ada_direktori, [p("path", TEXT)];
    "_io_hapus_file" => io::hapus_file, [p("path", TEXT)];
    "_io_buat_direktori" => io::buat_direktori, [p("path", TEXT)];
    "_io_daftar_file" => io::daftar_file, [opt("path", TEXT)];
    "_io_salin_file" => io::salin_file, [p("asal", TEXT), p("tujuan", TEXT)];
    "_io_pindah_file" => io::pindah_file, [p("asal", TEXT), p("tujuan", TEXT)];
    "_io_path_absolut" => io::path_absolut, [p("path", TEXT)];
    "_io_gabung_path" => io::gabung_path, [rest("bagian", TEXT)];
    "_io_ukuran_file" => io::ukuran_file, [p("path", TEXT)];
    // The original's file and socket intrinsics (`_io_buka` … `_io_buat_dir`,
    // `_net_socket`), which its standard library calls by name.
    "_io_buka" => intrinsic::io_buka, [p("path", TEXT), opt("mode", TEXT)];
    "_io_baca" => intrinsic::io_baca, [p("berkas", FILE), opt("ukuran", INT)];
    "_io_tulis" => intrinsic::io_tulis, [p("berkas", FILE), p("isi", ANY)];
    "_io_tutup" => intrinsic::io_tutup, [p("berkas", FILE)];
    "_io_ada" => io::ada_file, [p("path", TEXT)];
    "_io_hapus" => intrinsic::io_hapus, [p("path", TEXT)];
    "_io_daftar" => hostmod::pyos::listdir, [p("path", TEXT)];
    "_io_buat_dir" => intrinsic::io_buat_dir, [p("path", TEXT)];
    "_net_socket" => net::socket, [opt("keluarga", ANY), opt("jenis", ANY)];
    // `pinjam "_backend"` (see `hostmod::backend`).
    "_backend.fs_buka" => backend::fs_buka, [p("path", TEXT), opt("mode", TEXT)];
    "_backend.fs_baca" => backend::fs_baca, [p("berkas", ANY), opt("ukuran", INT)];
    "_backend.fs_tulis" => backend::fs_tulis, [p("berkas", ANY), p("isi", ANY)];
    "_backend.fs_tutup" => backend::fs_tutup, [p("berkas", ANY)];
    "_backend.fs_ada" => backend::fs_ada, [p("path", TEXT)];
    "_backend.fs_hapus" => backend::fs_hapus, [p("path", TEXT)];
    "_backend.fs_mkdir" => backend::fs_mkdir, [p("path", TEXT)];
    "_backend.fs_listdir" => backend::fs_listdir, [p("path", TEXT)];
    "_backend.fs_cwd" => backend::fs_cwd, [];
    "_backend.sys_waktu" => backend::sys_waktu, [];
    "_backend.sys_tidur" => backend::sys_tidur, [p("detik", NUM)];
    "_backend.sys_keluar" => backend::sys_keluar, [opt("status", INT)];
    "_backend.sys_platform" => backend::sys_platform, [];
    "_backend.net_konek" => backend::net_konek, [p("host", TEXT), p("port", INT)];
    "_backend.net_kirim" => backend::net_kirim, [p("koneksi", ANY), p("data", ANY)];
    "_backend.net_terima" => backend::net_terima, [p("koneksi", ANY), opt("ukuran", ANY)];
    "_backend.net_tutup" => backend::net_tutup, [p("koneksi", ANY)];
    "_backend.conv_len" => backend::conv_len, [p("nilai", ANY)];
    "_backend.conv_str" => backend::conv_str, [p("nilai", ANY)];
    "_backend.sys_bytes_dari_list" => backend::sys_bytes_dari_list, [p("daftar", ANY)];
    "_backend.sys_bytes_ke_list" => backend::sys_bytes_ke_list, [p("data", ANY)];
    "_backend.sys_bytes_decode" => backend::sys_bytes_decode, [p("data", ANY), opt("encoding", ANY)];
    "_backend.sys_list_append" => backend::sys_list_append, [p("daftar", ANY), p("nilai", ANY)];
    "_backend.sys_list_pop" => backend::sys_list_pop, [p("daftar", ANY), opt("indeks", ANY)];
    "_backend.sys_to_float" => backend::sys_to_float, [p("nilai", NUM.or(TEXT))];
    "_backend.sys_to_int" => backend::sys_to_int, [p("nilai", NUM.or(TEXT))];
    "_backend.sys_chr" => backend::sys_chr, [p("kode", INT)];
    "_backend.sys_ord" => backend::sys_ord, [p("karakter", TEXT)];
    "_backend.sys_str_join" => backend::sys_str_join, [p("daftar", ANY), p("pemisah", ANY)];
    // Python modules behind `pinjam` (see `hostmod`).
    "builtins.open" => pymisc::open, [p("file", TEXT), opt("mode", TEXT)];
    "builtins.len" => pymisc::len, [p("obj", ANY)];
    "builtins.list" => pymisc::list, [opt("iterable", ANY)];
    "builtins.bytes" => pymisc::bytes, [opt("source", ANY), opt("encoding", TEXT)];
    "builtins.str" => pymisc::str_, [opt("object", ANY)];
    "builtins.int" => core::int, [opt("x", NUM.or(TEXT)), opt("base", INT)];
    "builtins.float" => core::float, [opt("x", NUM.or(TEXT))];
    "builtins.bool" => pymisc::bool_, [opt("x", ANY)];
    "builtins.round" => math::bulat, [p("number", NUM), opt("ndigits", INT)];
    "builtins.abs" => math::absolut, [p("x", NUM)];
    "builtins.min" => math::min, [p("arg", ANY), rest("args", ANY)];
    "builtins.max" => math::max, [p("arg", ANY), rest("args", ANY)];
    "builtins.ord" => core::ord, [p("c", TEXT)];
    "builtins.chr" => core::chr, [p("i", INT)];
    "builtins.input" => core::masukan, [opt("prompt", ANY)];
    "builtins.print" => core::tulis, [rest("values", ANY)];
    "builtins.repr" => core::repr, [p("obj", ANY)];
    "operator.getitem" => pymisc::getitem, [p("a", ANY), p("b", ANY)];
    "operator.setitem" => pymisc::setitem, [p("a", ANY), p("b", ANY), p("c", ANY)];
    "operator.contains" => pymisc::contains, [p("a", ANY), p("b", ANY)];
    "os.getcwd" => pyos::getcwd, [];
    "os.listdir" => pyos::listdir, [opt("path", TEXT)];
    "os.makedirs" => pyos::makedirs, [p("name", TEXT), opt("exist_ok", ANY)];
    "os.mkdir" => pyos::mkdir, [p("path", TEXT)];
    "os.remove" => pyos::remove, [p("path", TEXT)];
    "os.unlink" => pyos::remove, [p("path", TEXT)];
    "os.rmdir" => pyos::rmdir, [p("path", TEXT)];
    "os.rename" => pyos::rename, [p("src", TEXT), p("dst", TEXT)];
    "os.getenv" => pyos::getenv, [p("key", TEXT), opt("default", ANY)];
    "os.path.join" => pyos::path_join, [p("a", TEXT), rest("p", TEXT)];
    "os.path.exists" => pyos::exists, [p("path", TEXT)];
    "os.path.isfile" => pyos::isfile, [p("path", TEXT)];
    "os.path.isdir" => pyos::isdir, [p("path", TEXT)];
    "os.path.basename" => pyos::basename, [p("p", TEXT)];
    "os.path.dirname" => pyos::dirname, [p("p", TEXT)];
    "os.path.abspath" => pyos::abspath, [p("path", TEXT)];
    "os.path.splitext" => pyos::splitext, [p("p", TEXT)];
    "os.path.getsize" => pyos::getsize, [p("filename", TEXT)];
    "shutil.rmtree" => pyos::rmtree, [p("path", TEXT)];
    "shutil.copy" => pyos::copy, [p("src", TEXT), p("dst", TEXT)];
    "shutil.copyfile" => pyos::copy, [p("src", TEXT), p("dst", TEXT)];
    "shutil.move" => pyos::shutil_move, [p("src", TEXT), p("dst", TEXT)];
    "platform.system" => pyos::system, [];
    "platform.machine" => pyos::machine, [];
    "time.time" => pyos::time, [];
    "time.sleep" => pyos::sleep, [p("secs", NUM)];
    "datetime.datetime.now" => pyos::datetime_now, [];
    "math.sqrt" => math::akar, [p("x", NUM)];
    "math.floor" => math::lantai, [p("x", NUM)];
    "math.ceil" => math::atap, [p("x", NUM)];
    "math.pow" => pymisc::pow, [p("x", NUM), p("y", NUM)];
    "math.fabs" => pymisc::fabs, [p("x", NUM)];
    "math.factorial" => math::faktorial, [p("n", NUM)];
    "math.sin" => math::sin, [p("x", NUM)];
    "math.cos" => math::cos, [p("x", NUM)];
    "math.tan" => math::tan, [p("x", NUM)];
    "math.asin" => math::asin, [p("x", NUM)];
    "math.acos" => math::acos, [p("x", NUM)];
    "math.atan" => math::atan, [p("x", NUM)];
    "math.atan2" => math::atan2, [p("y", NUM), p("x", NUM)];
    "math.exp" => math::exp, [p("x", NUM)];
    "math.log" => math::log, [p("x", NUM), opt("base", NUM)];
    "math.log10" => pymisc::log10, [p("x", NUM)];
    "math.log2" => pymisc::log2, [p("x", NUM)];
    "random.random" => pymisc::random, [];
    "random.randint" => pymisc::randint, [p("a", INT), p("b", INT)];
    "random.choice" => pymisc::choice, [p("seq", LIST.or(TEXT))];
    "json.dumps" => pyjson::dumps, [p("obj", ANY), opt("indent", ANY)];
    "json.loads" => pyjson::loads, [p("s", ANY)];
    "hashlib.sha256" => pymisc::sha256, [opt("data", ANY)];
    "hashlib.md5" => pymisc::md5, [opt("data", ANY)];
}

pub fn native_name(id: u32) -> &'static str {
    NATIVES.get(id as usize).map(|n| n.name).unwrap_or("?")
}

/// Argument `i`, or nil when missing.
#[inline]
pub fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).copied().unwrap_or(Value::Nil)
}
