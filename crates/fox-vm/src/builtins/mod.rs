//! The builtin function registry: every native has a stable name (used by
//! `Value::Native` ids, printing and, later, snapshots). Globals are the
//! §11.1 builtins plus the functions of `core` and `matematika/dasar`;
//! underscore helpers back the standard library modules.

mod access;
pub mod core;
pub mod durable;
pub mod env;
pub mod io;
pub mod math;
pub mod methods;
pub mod net;

use crate::error::RtResult;
use crate::value::Value;
use crate::vm::Vm;

pub type NativeFn = fn(&mut Vm, &[Value]) -> RtResult<Value>;

pub struct NativeDef {
    pub name: &'static str,
    pub func: NativeFn,
}

macro_rules! natives {
    ($($name:literal => $f:path),* $(,)?) => {
        pub static NATIVES: &[NativeDef] = &[
            $(NativeDef { name: $name, func: $f }),*
        ];
    };
}

natives! {
    "tulis" => core::tulis,
    "cetak" => core::cetak,
    "masukan" => core::masukan,
    "panjang" => core::panjang,
    "tipe" => core::tipe,
    "tipe_objek" => core::tipe,
    "chr" => core::chr,
    "ord" => core::ord,
    "waktu" => core::waktu,
    "keluar" => core::keluar,
    "teks" => core::teks,
    "tambah" => core::tambah,
    "pop" => core::pop,
    "gabung" => core::gabung,
    "int" => core::int,
    "float" => core::float,
    "kunci" => core::kunci,
    "nilai_kamus" => core::nilai_kamus,
    "salin_kamus" => core::salin_kamus,
    "acak" => math::acak,
    "acak_bulat" => math::acak_bulat,
    "ingat" => durable::ingat,
    "kenang" => durable::kenang,
    "lupakan" => durable::lupakan,
    "alur" => durable::alur,
    "kirim_tugas" => durable::kirim_tugas,
    "absolut" => math::absolut,
    "min" => math::min,
    "max" => math::max,
    "lantai" => math::lantai,
    "atap" => math::atap,
    "faktorial" => math::faktorial,
    "pangkat" => math::pangkat,
    "akar" => math::akar,
    "bulat" => math::bulat,
    "_panjang_builtin" => core::panjang,
    "_tambah_builtin" => core::tambah,
    "_pop_builtin" => core::pop,
    "_gabung_builtin" => core::gabung,
    "_float_builtin" => core::float,
    "_int_builtin" => core::int,
    "_str_builtin" => core::teks,
    "_tipe_objek_builtin" => core::tipe,
    "_keys_builtin" => core::kunci,
    "_salin_kamus_builtin" => core::salin_kamus,
    "_chr_builtin" => core::chr,
    "_ord_builtin" => core::ord,
    "_intrinsik_str_kecil" => core::str_kecil,
    "_intrinsik_str_besar" => core::str_besar,
    "_intrinsik_str_temukan" => core::str_temukan,
    "_intrinsik_str_ganti" => core::str_ganti,
    "_teks_ke_byte" => core::teks_ke_byte,
    "_byte_ke_teks" => core::byte_ke_teks,
    "_repr" => core::repr,
    "_sys_waktu" => core::waktu,
    "_sys_tidur" => core::tidur,
    "_sys_platform" => core::platform,
    "_sys_env" => env::env,
    "_sys_env_semua" => env::env_all,
    "_net_konek" => net::konek,
    "_net_kirim" => net::kirim,
    "_net_terima" => net::terima,
    "_net_tutup" => net::tutup,
    "_mat_sin" => math::sin,
    "_mat_cos" => math::cos,
    "_mat_tan" => math::tan,
    "_mat_asin" => math::asin,
    "_mat_acos" => math::acos,
    "_mat_atan" => math::atan,
    "_mat_atan2" => math::atan2,
    "_mat_log" => math::log,
    "_mat_exp" => math::exp,
    "_io_baca_file" => io::baca_file,
    "_io_tulis_file" => io::tulis_file,
    "_io_tambah_file" => io::tambah_file,
    "_io_ada_file" => io::ada_file,
    "_io_ada_direktori" => io::ada_direktori,
    "_io_hapus_file" => io::hapus_file,
    "_io_buat_direktori" => io::buat_direktori,
    "_io_daftar_file" => io::daftar_file,
    "_io_salin_file" => io::salin_file,
    "_io_pindah_file" => io::pindah_file,
    "_io_path_absolut" => io::path_absolut,
    "_io_gabung_path" => io::gabung_path,
    "_io_ukuran_file" => io::ukuran_file,
}

pub fn native_name(id: u32) -> &'static str {
    NATIVES.get(id as usize).map(|n| n.name).unwrap_or("?")
}

/// Argument `i`, or nil when missing.
#[inline]
pub fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).copied().unwrap_or(Value::Nil)
}
