//! `perf`'s map of JIT code (`/tmp/perf-PID.map`, one line "START SIZE
//! NAME" per compiled function), written when `FOX_PERF_MAP=1` so that
//! `perf record`/`perf report` name compiled Morph functions instead of
//! showing bare addresses — V8's `--perf-basic-prof`. With
//! `FOX_PERF_MAP=dump`, each function's machine code is also written to
//! `/tmp/perf-PID-ADDRESS.bin` (for `objdump -D -b binary -mi386:x86-64
//! --adjust-vma=0xADDRESS`), to match samples to instructions. A
//! profiling aid: failing to write only stops the writing.

use std::fs::File;
use std::io::Write;

pub(crate) struct PerfMap {
    file: Option<File>,
    /// Also write each function's machine code.
    pub(crate) dump: bool,
}

impl PerfMap {
    /// The map, when the environment asks for it.
    pub(crate) fn from_env() -> Option<PerfMap> {
        let mode = std::env::var_os("FOX_PERF_MAP")?;
        let dump = mode == "dump";
        if mode != "1" && !dump {
            return None;
        }
        let path = format!("/tmp/perf-{}.map", std::process::id());
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .ok();
        Some(PerfMap { file, dump })
    }

    /// Write the machine code at `ptr`.
    pub(crate) fn dump_code(&mut self, ptr: *const u8, bytes: &[u8]) {
        let path = format!("/tmp/perf-{}-{:x}.bin", std::process::id(), ptr as usize);
        if std::fs::write(path, bytes).is_err() {
            self.dump = false;
        }
    }

    /// Announce the function `name` at `ptr`, `size` bytes long.
    pub(crate) fn record(&mut self, ptr: *const u8, size: u64, name: &str) {
        let line = format!("{:x} {:x} fox:{}\n", ptr as usize, size, name);
        if let Some(f) = &mut self.file {
            if f.write_all(line.as_bytes()).is_err() {
                self.file = None;
            }
        }
    }
}
