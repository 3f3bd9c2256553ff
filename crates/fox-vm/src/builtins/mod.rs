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
pub mod io;
pub mod math;
pub mod methods;
pub mod net;
pub mod signature;
pub mod text;

use crate::error::RtResult;
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
/// What has a length (`nil` counts as empty, as the stdlib expects).
const SIZED: Types = Types::TEKS
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
    "_net_konek" => net::konek, [p("host", TEXT), p("port", INT)];
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
}

pub fn native_name(id: u32) -> &'static str {
    NATIVES.get(id as usize).map(|n| n.name).unwrap_or("?")
}

/// Argument `i`, or nil when missing.
#[inline]
pub fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).copied().unwrap_or(Value::Nil)
}
