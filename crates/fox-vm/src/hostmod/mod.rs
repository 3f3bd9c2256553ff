//! Modules behind `pinjam`: the original VM's helper object `_backend`
//! and the Python standard-library modules real Morph programs borrow
//! (`builtins`, `os`, `os.path`, `json`, `time`, `datetime`, `math`,
//! `random`, `hashlib`, `platform`, `shutil`, `operator`), provided by
//! Fox VM itself with Python's results. A host module is a module value
//! whose globals are builtins named `module.function` in the builtin
//! table (a dotted name can never be a Morph global), plus its
//! submodules and constants. Any other module, or a function a module
//! does not provide, is a clear error naming what is missing.

pub mod backend;
pub mod files;
pub mod pyjson;
pub mod pymisc;
pub mod pyos;

use crate::builtins::NATIVES;
use crate::codes;
use crate::error::RtResult;
use crate::value::Value;
use crate::vm::{ModuleState, Vm};

/// One module `pinjam` can borrow.
pub struct HostModule {
    pub name: &'static str,
    /// Names bound to submodules (`os.path`).
    pub submodules: &'static [&'static str],
    /// Values that are not functions (`math.pi`, `os.sep`).
    pub constants: fn(&mut Vm) -> Vec<(&'static str, Value)>,
}

fn none(_: &mut Vm) -> Vec<(&'static str, Value)> {
    Vec::new()
}

pub static HOST_MODULES: &[HostModule] = &[
    HostModule {
        name: "_backend",
        submodules: &[],
        constants: none,
    },
    HostModule {
        name: "builtins",
        submodules: &[],
        constants: none,
    },
    HostModule {
        name: "operator",
        submodules: &[],
        constants: none,
    },
    HostModule {
        name: "os",
        submodules: &["path"],
        constants: pyos::os_constants,
    },
    HostModule {
        name: "os.path",
        submodules: &[],
        constants: pyos::path_constants,
    },
    HostModule {
        name: "shutil",
        submodules: &[],
        constants: none,
    },
    HostModule {
        name: "platform",
        submodules: &[],
        constants: none,
    },
    HostModule {
        name: "time",
        submodules: &[],
        constants: none,
    },
    HostModule {
        name: "datetime",
        submodules: &["datetime"],
        constants: none,
    },
    HostModule {
        name: "datetime.datetime",
        submodules: &[],
        constants: none,
    },
    HostModule {
        name: "math",
        submodules: &[],
        constants: pymisc::math_constants,
    },
    HostModule {
        name: "random",
        submodules: &[],
        constants: none,
    },
    HostModule {
        name: "json",
        submodules: &[],
        constants: none,
    },
    HostModule {
        name: "hashlib",
        submodules: &[],
        constants: none,
    },
];

/// The module `pinjam "name"` means (`__builtins__` is `builtins`).
pub fn find(name: &str) -> Option<&'static HostModule> {
    let name = match name.trim() {
        "__builtins__" => "builtins",
        n => n,
    };
    HOST_MODULES.iter().find(|m| m.name == name)
}

/// The functions of module `name`: (short name, builtin id).
pub fn functions(name: &str) -> impl Iterator<Item = (&'static str, u32)> + '_ {
    NATIVES.iter().enumerate().filter_map(move |(i, n)| {
        let rest = n.name.strip_prefix(name)?.strip_prefix('.')?;
        (!rest.contains('.')).then_some((rest, i as u32))
    })
}

/// The cache key of a host module (also its identity in snapshots).
pub fn key(name: &str) -> String {
    format!("pinjam:{name}")
}

impl Vm {
    /// `pinjam "name"`: the host module, built once per run.
    pub fn import_host(&mut self, name: &str) -> RtResult<Value> {
        let Some(def) = find(name) else {
            let known: Vec<&str> = HOST_MODULES.iter().map(|m| m.name).collect();
            return Err(codes::MODULE_NOT_FOUND.err(format!(
                "Gagal meminjam modul Python '{name}': Fox VM tidak menyediakan modul ini \
                 (yang tersedia: {})",
                known.join(", ")
            )));
        };
        let key = key(def.name);
        if let Some(id) = self.module_cache.get(&key) {
            return Ok(self.modules[*id as usize].obj);
        }
        let id = self.new_module(def.name);
        self.modules[id as usize].key = std::rc::Rc::from(key.as_str());
        let funcs: Vec<(&str, u32)> = functions(def.name).collect();
        for (n, native) in funcs {
            self.module_set(id, n, Value::Native(native));
        }
        for sub in def.submodules {
            let v = self.import_host(&format!("{}.{sub}", def.name))?;
            self.module_set(id, sub, v);
        }
        for (n, v) in (def.constants)(self) {
            self.module_set(id, n, v);
        }
        self.modules[id as usize].state = ModuleState::Loaded;
        self.module_cache.insert(key, id);
        Ok(self.modules[id as usize].obj)
    }

    /// Is module `id` a host module (no builtins behind its names)?
    pub fn is_host_module(&self, id: u32) -> bool {
        self.modules
            .get(id as usize)
            .is_some_and(|m| m.key.starts_with("pinjam:"))
    }
}
