//! The module loader: resolves an import path (the standard library by
//! short or original name, files relative to the working directory and then
//! to the importing file), compiles the module and pushes its body as a
//! frame (no Rust recursion), caching modules so each runs once.

use crate::codes;
use crate::error::RtResult;
use crate::stdlib;
use crate::value::Value;
use crate::vm::{Frame, FrameKind, ModuleState, Vm};
use morph_syntax::LineIndex;
use std::path::{Path, PathBuf};

enum Found {
    Stdlib(&'static str, &'static str),
    File(PathBuf),
}

impl Vm {
    /// Directory of the module whose code is running.
    fn importer_dir(&self) -> Option<PathBuf> {
        let f = self.frames.last()?;
        let m = self.modules.get(f.func.get().module as usize)?;
        if m.file.starts_with('<') {
            return None;
        }
        Path::new(&*m.file).parent().map(|p| p.to_path_buf())
    }

    /// Find an import: a standard library name, else a file relative to
    /// the working directory, then to the importing file. The original's
    /// own paths (`greenfield/cotc/…`, `cotc(stdlib)/…`) name its files:
    /// where those files exist (a checkout of the original) they are run,
    /// as the original would; the embedded library stands in for them
    /// elsewhere. Files this run may not read are not even looked at; if
    /// nothing else is found, the first refusal is the error.
    fn find_module(&self, path: &str) -> RtResult<Option<Found>> {
        let has_ext = path.ends_with(".fox") || path.ends_with(".mvm");
        let mut rel = if has_ext {
            path.to_string()
        } else {
            format!("{}.fox", path.replace('.', "/"))
        };
        if rel.contains("cotc(stdlib)") {
            let mapped = rel.replace("cotc(stdlib)", "greenfield/cotc/stdlib");
            if self.permit_import(Path::new(&mapped)).is_ok() && Path::new(&mapped).is_file() {
                rel = mapped;
            }
        }
        let std_name = stdlib::normalize(path);
        let original_path = path.contains("cotc");
        if !has_ext && !original_path {
            if let Some(src) = stdlib::source(&std_name) {
                return Ok(Some(Found::Stdlib(stdlib::canonical_name(&std_name), src)));
            }
        }
        let mut candidates = vec![PathBuf::from(&rel)];
        if let Some(dir) = self.importer_dir() {
            candidates.push(dir.join(&rel));
        }
        let mut refused = None;
        for c in candidates {
            match self.permit_import(&c) {
                Ok(()) if c.is_file() => return Ok(Some(Found::File(c))),
                Ok(()) => {}
                Err(e) => {
                    refused.get_or_insert(e);
                }
            }
        }
        if let Some(src) = stdlib::source(&std_name) {
            return Ok(Some(Found::Stdlib(stdlib::canonical_name(&std_name), src)));
        }
        match refused {
            Some(e) => Err(e),
            None => Ok(None),
        }
    }

    /// Execute `ambil_semua`/`dari … ambil_sebagian`: the module object is
    /// delivered to `ret` (now, if cached, or when its body returns).
    #[inline(never)]
    pub fn import(&mut self, path: &str, ret: usize) -> RtResult<Option<Value>> {
        if let Some(name) = path.strip_prefix("pinjam:") {
            return self.import_host(name).map(Some);
        }
        let not_found = || {
            codes::MODULE_NOT_FOUND.err(format!(
                "Gagal memuat modul '{path}': File modul tidak ditemukan: {path}"
            ))
        };
        let found = self.find_module(path)?.ok_or_else(not_found)?;
        let (key, display, source) = match found {
            Found::Stdlib(name, src) => {
                (format!("stdlib:{name}"), name.to_string(), src.to_string())
            }
            Found::File(p) => {
                let canon = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
                let key = canon.to_string_lossy().into_owned();
                if let Some(id) = self.module_cache.get(&key) {
                    return self.cached_module(*id, path);
                }
                let bytes = std::fs::read(&p).map_err(|e| {
                    codes::MODULE_LOAD.err(format!(
                        "Gagal memuat modul '{path}': {}",
                        crate::builtins::io::os_error_text(&e)
                    ))
                })?;
                let text = String::from_utf8(bytes).map_err(|_| {
                    codes::MODULE_LOAD.err(format!(
                        "Gagal memuat modul '{path}': berkas bukan UTF-8 yang sah"
                    ))
                })?;
                (key, p.to_string_lossy().into_owned(), text)
            }
        };
        if let Some(id) = self.module_cache.get(&key) {
            return self.cached_module(*id, path);
        }
        let id = self.new_module(&display);
        if key.starts_with("stdlib:") {
            self.modules[id as usize].key = std::rc::Rc::from(key.as_str());
        }
        let func = match self.compile_into(id, &display, &source) {
            Ok(f) => f,
            Err(diags) => {
                let first = diags.first().map(|d| {
                    let (line, col) = LineIndex::new(&source).line_col(&source, d.span.start);
                    format!("{} ({}:{}:{})", d.message, display, line, col)
                });
                let code = diags.first().map_or("", |d| d.code);
                return Err(codes::MODULE_LOAD.err(format!(
                    "Gagal memuat modul '{path}': kesalahan sintaks [{code}]: {}",
                    first.unwrap_or_default()
                )));
            }
        };
        self.module_cache.insert(key, id);
        if self.frames.len() >= self.config.max_depth {
            return Err(self.call_depth_error());
        }
        let base = self.entry_base();
        let regs = func.get().proto.regs as usize;
        self.ensure_stack(base + regs + 2)?;
        for v in &mut self.stack[base..base + regs] {
            *v = Value::Nil;
        }
        self.frames.push(Frame {
            func,
            closure: None.into(),
            pc: 0,
            base: base as u32,
            ret: ret as u32,
            kind: FrameKind::Module(id),
            handler_base: self.handlers.len() as u32,
        });
        Ok(None)
    }

    fn cached_module(&self, id: u32, path: &str) -> RtResult<Option<Value>> {
        let m = &self.modules[id as usize];
        match m.state {
            ModuleState::Loaded => Ok(Some(m.obj)),
            ModuleState::Loading => Err(codes::MODULE_LOAD.err(format!(
                "Gagal memuat modul '{path}': impor melingkar (modul sedang dimuat)"
            ))),
        }
    }
}
