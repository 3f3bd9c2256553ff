//! End-to-end VM tests through the embedding API: run small Morph programs
//! with `Vm::run_main` on a [`SharedBufferHost`] and check what they print
//! and how the run ends. Run in release: `cargo test --release -p fox-vm --test vm`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fox_vm::host::SharedBufferHost;
use fox_vm::{Config, Uncaught, Vm, VmError};

const FILE: &str = "uji.fox";

fn vm_with(config: Config, host: &SharedBufferHost) -> Vm {
    Vm::new(config, Box::new(host.clone()))
}

/// Run `src` with `config` and `input` lines; return how it ended and the
/// output.
fn run_full(src: &str, config: Config, input: &[&str]) -> (Result<(), VmError>, String) {
    let host = SharedBufferHost::with_input(input.iter().copied());
    let mut vm = vm_with(config, &host);
    let result = vm.run_main(FILE, src);
    vm.flush();
    (result, host.output())
}

/// Run a program that must succeed; return its output.
fn run_ok(src: &str) -> String {
    match run_full(src, Config::default(), &[]) {
        (Ok(()), out) => out,
        (Err(e), out) => panic!("program failed: {e:?}\noutput so far:\n{out}"),
    }
}

/// Run a program that must end with an uncaught Morph error.
fn run_uncaught(src: &str) -> (Uncaught, String) {
    match run_full(src, Config::default(), &[]) {
        (Err(VmError::Uncaught(u)), out) => (u, out),
        (other, out) => panic!("expected an uncaught error, got {other:?}\noutput:\n{out}"),
    }
}

// ------------------------------------------------------------ arithmetic

#[test]
fn floor_modulo() {
    let out = run_ok(
        "tulis(-7 % 3, 7 % -3, -7 % -3, 7 % 3)\n\
         tulis(-7.5 % 2, 7.5 % -2)\n\
         biar a = -7\n\
         biar b = 3\n\
         tulis(a % b, a % 3, 0 % b)\n",
    );
    assert_eq!(out, "2 -2 -1 1\n0.5 -0.5\n2 2 0\n");
}

#[test]
fn true_division() {
    let out = run_ok(
        "tulis(7 / 2, 6 / 3, -7 / 2, 1 / 3)\n\
         biar x = 6\n\
         biar y = 3\n\
         tulis(x / y, tipe(x / y), lantai(7 / 2), lantai(-7 / 2))\n",
    );
    assert_eq!(out, "3.5 2.0 -3.5 0.3333333333333333\n2.0 angka 3 -4\n");
}

#[test]
fn division_by_zero_is_a_catchable_error() {
    let out = run_ok(
        "coba\n    tulis(1 / 0)\ntangkap e\n    tulis(\"tangkap\", e.jenis, e.pesan)\nakhir\n\
         coba\n    tulis(1 % 0)\ntangkap e\n    tulis(\"tangkap\", e.pesan)\nakhir\n",
    );
    assert_eq!(
        out,
        "tangkap ErrorPembagianNol Pembagian dengan nol (x / 0)\ntangkap Modulo dengan nol (x % 0)\n"
    );
}

#[test]
fn integer_overflow_promotes_to_big_integers() {
    let out = run_ok(
        "tulis(9223372036854775807 + 1)\n\
         biar m = 9223372036854775807\n\
         tulis(m + 1, -m - 2, m * 2, m + 1 - 1 == m, tipe(m + 1))\n\
         biar mn = -m - 1\n\
         tulis(mn, -mn, mn * -1, mn % -1)\n",
    );
    assert_eq!(
        out,
        "9223372036854775808\n\
         9223372036854775808 -9223372036854775809 18446744073709551614 True angka\n\
         -9223372036854775808 9223372036854775808 9223372036854775808 0\n"
    );
}

#[test]
fn overflow_in_a_loop_with_fused_increments() {
    // AddI / fused loop compares on the fast path must promote too.
    let out = run_ok(
        "biar k = 9223372036854775806\n\
         biar i = 0\n\
         selama i < 3 maka\n    ubah k = k + 1\n    ubah i = i + 1\nakhir\n\
         tulis(k, k % 10, k - 2)\n\
         biar x = 1\n\
         biar n = 0\n\
         selama n < 100 maka\n    ubah x = x * 2\n    ubah n = n + 1\nakhir\n\
         tulis(x, x == 1 << 100)\n",
    );
    assert_eq!(
        out,
        "9223372036854775809 9 9223372036854775807\n\
         1267650600228229401496703205376 True\n"
    );
}

#[test]
fn float_repr() {
    let out = run_ok(
        "tulis(0.1 + 0.2, 2.5, 123.456, 0.001)\n\
         tulis(6 / 2, 1000000000000000 / 1, 10000000000000000 / 1)\n\
         tulis(1 / 100000, 12 / 1000000, 1 / 1024, -1 / 100000)\n\
         tulis(-9223372036854775808 / -1)\n\
         tulis(teks(2.5) + \"!\", teks(6 / 2))\n",
    );
    assert_eq!(
        out,
        "0.30000000000000004 2.5 123.456 0.001\n\
         3.0 1000000000000000.0 1e+16\n\
         1e-05 1.2e-05 0.0009765625 -1e-05\n\
         9.223372036854776e+18\n\
         2.5! 3.0\n"
    );
}

// ------------------------------------------------------------ limits

#[test]
fn call_depth_limit_is_catchable() {
    let src = "\
fungsi turun(n) maka
    kembali turun(n + 1) + 1
akhir
coba
    turun(0)
    tulis(\"tidak sampai\")
tangkap e
    tulis(\"caught\", e.jenis)
akhir
fungsi hitung(n) maka
    jika n == 0 maka
        kembali 0
    akhir
    kembali 1 + hitung(n - 1)
akhir
tulis(hitung(900))
";
    let config = Config {
        max_depth: 1000,
        ..Config::default()
    };
    let (result, out) = run_full(src, config, &[]);
    assert!(result.is_ok(), "{result:?}");
    // After the overflow is caught, the VM is usable again for calls
    // just under the limit.
    assert_eq!(out, "caught ErrorBatas\n900\n");
}

#[test]
fn call_depth_limit_uncaught_has_a_traceback() {
    let config = Config {
        max_depth: 1000,
        ..Config::default()
    };
    let (result, _) = run_full(
        "fungsi f(n) maka\n    kembali f(n + 1)\nakhir\nf(0)\n",
        config,
        &[],
    );
    match result {
        Err(VmError::Uncaught(u)) => {
            assert_eq!(u.jenis, "ErrorBatas");
            let last = u.traceback.last().expect("traceback");
            assert_eq!(last.line, 2);
            assert_eq!(last.function, "f");
        }
        other => panic!("expected an uncaught depth error, got {other:?}"),
    }
}

#[test]
fn instruction_budget_stops_an_infinite_loop() {
    let config = Config {
        max_instructions: Some(1000),
        ..Config::default()
    };
    let (result, out) = run_full(
        "tulis(\"mulai\")\nbiar i = 0\nselama benar maka\n    ubah i = i + 1\nakhir\n",
        config,
        &[],
    );
    assert!(matches!(result, Err(VmError::Budget(1000))), "{result:?}");
    assert_eq!(out, "mulai\n");
}

#[test]
fn instruction_budget_is_not_catchable() {
    let config = Config {
        max_instructions: Some(1000),
        ..Config::default()
    };
    let src = "\
coba
    selama benar maka
    akhir
tangkap e
    tulis(\"tertangkap?!\")
akhirnya
    tulis(\"akhirnya\")
akhir
tulis(\"sesudah\")
";
    let (result, out) = run_full(src, config.clone(), &[]);
    assert!(matches!(result, Err(VmError::Budget(_))), "{result:?}");
    assert!(!out.contains("tertangkap"), "{out}");
    assert!(!out.contains("sesudah"), "{out}");
    // Unbounded recursion is stopped by the budget too (calls count).
    let (result, _) = run_full(
        "fungsi f(n) maka\n    kembali f(n + 1)\nakhir\nf(0)\n",
        Config {
            max_depth: 1_000_000,
            ..config
        },
        &[],
    );
    assert!(
        matches!(result, Err(VmError::Budget(_)) | Err(VmError::Uncaught(_))),
        "{result:?}"
    );
}

#[test]
fn budget_large_enough_lets_a_program_finish() {
    let config = Config {
        max_instructions: Some(1_000_000),
        ..Config::default()
    };
    let (result, out) = run_full(
        "biar i = 0\nselama i < 1000 maka\n    ubah i = i + 1\nakhir\ntulis(i)\n",
        config,
        &[],
    );
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(out, "1000\n");
}

// ------------------------------------------------------------ GC

#[test]
fn gc_frees_cycles() {
    let src = "\
biar i = 0
selama i < 2000000 maka
    biar a = []
    biar b = [a]
    tambah(a, b)
    ubah i = i + 1
akhir
tulis(\"selesai\", i)
";
    // A heap limit well below the 4,000,000 lists the loop creates: the
    // run can only finish if the cycles are collected.
    let config = Config {
        max_heap_objects: 1_000_000,
        ..Config::default()
    };
    let host = SharedBufferHost::new();
    let mut vm = vm_with(config, &host);
    let result = vm.run_main(FILE, src);
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(host.output(), "selesai 2000000\n");
    assert!(
        vm.heap.live() < 1_000_000,
        "live objects after the run: {}",
        vm.heap.live()
    );
    // A full collection now leaves only what is reachable: the last pair
    // (still in globals a/b) plus whatever the runtime keeps.
    let before_program = {
        let h = SharedBufferHost::new();
        let mut fresh = vm_with(Config::default(), &h);
        fresh.run_main(FILE, "biar a = 1\n").unwrap();
        fresh.collect_garbage();
        fresh.heap.live()
    };
    vm.collect_garbage();
    assert!(
        vm.heap.live() <= before_program + 100,
        "after a full collection {} objects are live (baseline {before_program})",
        vm.heap.live()
    );
}

#[test]
fn gc_frees_cycles_made_in_function_registers_and_objects() {
    let src = "\
kelas Simpul maka
    fungsi inisiasi() maka
        ini.lain = nil
    akhir
akhir
fungsi putar(n) maka
    biar i = 0
    biar simpan = nil
    selama i < n maka
        biar x = Simpul()
        biar y = Simpul()
        ubah x.lain = y
        ubah y.lain = x
        biar d = {\"diri\": nil}
        ubah d[\"diri\"] = d
        ubah simpan = x
        ubah i = i + 1
    akhir
    kembali simpan.lain.lain == simpan
akhir
tulis(putar(300000))
";
    let config = Config {
        max_heap_objects: 1_000_000,
        ..Config::default()
    };
    let (result, out) = run_full(src, config, &[]);
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(out, "True\n");
}

// ------------------------------------------------------------ input

#[test]
fn masukan_reads_queued_input_then_errors_at_eof() {
    let src = "\
biar nama = masukan(\"Nama? \")
biar umur = masukan()
tulis(\"halo\", nama, int(umur) + 1)
coba
    masukan()
    tulis(\"tidak sampai\")
tangkap e
    tulis(\"eof:\", e.jenis, e.pesan)
akhir
masukan(\"lagi? \")
";
    let host = SharedBufferHost::with_input(["Sari", "41"]);
    let mut vm = vm_with(Config::default(), &host);
    let result = vm.run_main(FILE, src);
    assert_eq!(host.pending_input(), 0);
    let out = host.output();
    assert_eq!(
        out,
        "Nama? halo Sari 42\neof: ErrorIO masukan(): masukan sudah habis (EOF), tidak ada baris lagi untuk dibaca\nlagi? "
    );
    match result {
        Err(VmError::Uncaught(u)) => {
            assert_eq!(u.jenis, "ErrorIO");
            assert_eq!(u.kode.as_deref(), Some("R1204"));
            assert!(u.pesan.contains("EOF"), "{}", u.pesan);
            assert_eq!(u.traceback.last().map(|t| t.line), Some(10));
        }
        other => panic!("expected an uncaught EOF error, got {other:?}"),
    }
}

#[test]
fn input_lines_are_returned_verbatim() {
    let host = SharedBufferHost::with_input(["  spasi  ", "", "ünïcødé {x}"]);
    let mut vm = vm_with(Config::default(), &host);
    vm.run_main(
        FILE,
        "biar a = masukan()\nbiar b = masukan()\nbiar c = masukan()\ntulis(\"[\" + a + \"]\", panjang(b), c)\n",
    )
    .unwrap();
    assert_eq!(host.output(), "[  spasi  ] 0 ünïcødé {x}\n");
}

// ------------------------------------------------------------ errors

#[test]
fn uncaught_runtime_error_has_kind_message_and_traceback() {
    let (u, out) =
        run_uncaught("tulis(\"baris 1\")\nbiar l = [1]\ntulis(l[5])\ntulis(\"tidak tercetak\")\n");
    assert_eq!(out, "baris 1\n");
    assert_eq!(u.jenis, "ErrorIndeks");
    assert_eq!(u.kode.as_deref(), Some("R0401"));
    assert_eq!(
        u.pesan,
        "Indeks 5 di luar jangkauan daftar (panjang 1, indeks yang sah 0..0 atau -1..-1)"
    );
    let last = u.traceback.last().expect("traceback");
    assert_eq!(last.line, 3);
    assert_eq!(last.file, FILE);
    assert!(last.col >= 1);
}

#[test]
fn uncaught_error_traceback_lists_calls_innermost_last() {
    let src = "\
fungsi dalam(x) maka
    kembali x.tidak_ada
akhir
fungsi tengah(x) maka
    biar y = dalam(x)
    kembali y
akhir
fungsi luar() maka
    kembali tengah(5)
akhir
tulis(\"mulai\")
luar()
";
    let (u, out) = run_uncaught(src);
    assert_eq!(out, "mulai\n");
    let frames: Vec<(String, u32)> = u
        .traceback
        .iter()
        .map(|t| (t.function.clone(), t.line))
        .collect();
    assert!(frames.len() >= 4, "{frames:?}");
    let tail = &frames[frames.len() - 4..];
    assert_eq!(tail[0].1, 12, "{frames:?}");
    assert_eq!(
        tail[1..].to_vec(),
        vec![
            ("luar".to_string(), 9),
            ("tengah".to_string(), 5),
            ("dalam".to_string(), 2)
        ]
    );
}

#[test]
fn uncaught_throw_keeps_its_jenis_and_pesan() {
    let (u, _) = run_uncaught(
        "fungsi periksa(n) maka\n    jika n < 0 maka\n        lemparkan \"negatif: {n}\" jenis \"ErrorNilai\"\n    akhir\nakhir\nperiksa(1)\nperiksa(-2)\n",
    );
    assert_eq!(u.jenis, "ErrorNilai");
    assert_eq!(u.pesan, "negatif: -2");
    assert_eq!(u.traceback.last().map(|t| t.line), Some(3));
}

#[test]
fn error_through_finally_and_unmatched_guard_keeps_its_traceback() {
    // The error passes an `akhirnya` and a `tangkap` whose guard does not
    // match: both re-raise it unchanged, so the traceback still points at
    // the division.
    let src = "\
fungsi gagal() maka
    kembali 1 / 0
akhir
coba
    coba
        gagal()
    akhirnya
        tulis(\"akhirnya\")
    akhir
tangkap e jika e.jenis == \"Lain\"
    tulis(\"tidak\")
akhir
";
    let (u, out) = run_uncaught(src);
    assert_eq!(out, "akhirnya\n");
    assert_eq!(u.pesan, "Pembagian dengan nol (x / 0)");
    let last = u.traceback.last().expect("traceback");
    assert_eq!((last.function.as_str(), last.line), ("gagal", 2));
}

#[test]
fn explicit_rethrow_keeps_pesan_and_jenis() {
    let src = "\
coba
    lemparkan \"asli\" jenis \"ErrorAsli\"
tangkap e
    tulis(\"sekali\")
    lemparkan e
akhir
";
    let (u, out) = run_uncaught(src);
    assert_eq!(out, "sekali\n");
    assert_eq!((u.jenis.as_str(), u.pesan.as_str()), ("ErrorAsli", "asli"));
    assert!(!u.traceback.is_empty());
}

#[test]
fn error_in_utama_is_reported() {
    let (u, out) = run_uncaught(
        "fungsi utama() maka\n    tulis(\"di utama\")\n    biar d = {}\n    tulis(d[\"k\"])\nakhir\n",
    );
    assert_eq!(out, "di utama\n");
    assert_eq!(
        u.traceback.last().map(|t| (t.function.as_str(), t.line)),
        Some(("utama", 4))
    );
}

#[test]
fn compile_errors_are_returned_not_run() {
    let (result, out) = run_full("tulis(\"x\")\nberhenti\n", Config::default(), &[]);
    assert_eq!(out, "");
    match result {
        Err(VmError::Compile {
            file, diagnostics, ..
        }) => {
            assert_eq!(file, FILE);
            assert_eq!(diagnostics[0].code, "E0301");
        }
        other => panic!("expected a compile error, got {other:?}"),
    }
    let (result, _) = run_full("tulis(\"x\"\n", Config::default(), &[]);
    assert!(matches!(result, Err(VmError::Compile { .. })), "{result:?}");
}

#[test]
fn keluar_returns_exit_status() {
    let (result, out) = run_full(
        "tulis(\"a\")\ncoba\n    keluar(3)\ntangkap e\n    tulis(\"tidak\")\nakhir\n",
        Config::default(),
        &[],
    );
    assert!(matches!(result, Err(VmError::Exit(3))), "{result:?}");
    assert_eq!(out, "a\n");
}

// ------------------------------------------------------------ language

#[test]
fn closures_generators_and_classes_work_end_to_end() {
    let src = "\
fungsi pembuat() maka
    biar n = 0
    fungsi naik() maka
        ubah n = n + 1
        kembali n
    akhir
    kembali naik
akhir
biar c = pembuat()
c()
c()
tulis(c())
fungsi gen(n) maka
    biar i = 0
    selama i < n maka
        bekukan(i * i)
        ubah i = i + 1
    akhir
    kembali \"habis\"
akhir
biar g = gen(3)
biar hasil = []
biar jalan = benar
selama jalan maka
    jodohkan lanjut(g) dengan
    | Momen(v, k) maka
        tambah(hasil, v)
        ubah g = k
    | r maka
        tambah(hasil, r)
        ubah jalan = salah
    akhir
akhir
tulis(hasil)
kelas A maka
    fungsi sapa() maka
        kembali \"A\"
    akhir
akhir
kelas B warisi A maka
    fungsi sapa() maka
        kembali \"B>\" + induk.sapa()
    akhir
akhir
tulis(B().sapa())
";
    assert_eq!(run_ok(src), "3\n[0, 1, 4, 'habis']\nB>A\n");
}

#[test]
fn shared_host_output_can_be_taken_between_runs() {
    let host = SharedBufferHost::new();
    let mut vm = vm_with(Config::default(), &host);
    vm.run_main(FILE, "tulis(1)\n").unwrap();
    assert_eq!(host.take_output(), "1\n");
    assert_eq!(host.output(), "");
}
