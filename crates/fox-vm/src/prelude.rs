//! The prelude: Morph functions (`prelude.fox`) that builtins hand work to
//! when it needs Morph code — a sort's key function, a class's `teks()` /
//! `repr()` while printing. A builtin returns [`RtError::Redirect`]
//! naming a prelude function and its arguments; the call site
//! ([`Vm::start_redirect`]) pushes that function's frame in the builtin's
//! place, delivering its result where the builtin's would have gone. So a
//! builtin never calls Morph code on the Rust stack, and the frames are
//! ordinary ones: budget pauses, tickets and snapshots work inside them.
//!
//! The prelude is a module loaded on first use (its functions are bound
//! without running its body, which holds only declarations); snapshots
//! carry it like any module. Its frames are left out of tracebacks.

use crate::error::{Redirect, RtError, RtResult};
use crate::object::{Closure, Object};
use crate::value::Value;
use crate::vm::{ModuleState, Vm};

const SOURCE: &str = include_str!("prelude.fox");
/// The prelude module's key (its identity in snapshots and the cache).
pub const PRELUDE_KEY: &str = "stdlib:_prelude";
const FILE: &str = "<prelude>";

impl Vm {
    /// The prelude module, loading it if needed.
    fn prelude_module(&mut self) -> RtResult<u32> {
        if let Some(id) = self.module_cache.get(PRELUDE_KEY) {
            return Ok(*id);
        }
        let id = self.new_module(FILE);
        self.modules[id as usize].key = std::rc::Rc::from(PRELUDE_KEY);
        let body = self
            .compile_into(id, FILE, SOURCE)
            .map_err(|d| RtError::Internal(format!("prelude does not compile: {d:?}")))?;
        for &child in body.get().children.iter() {
            let p = &child.get().proto;
            if !p.captures.is_empty() {
                return Err(RtError::Internal(format!(
                    "prelude function {} captures",
                    p.name
                )));
            }
            let name = p.name.clone();
            let f = self.alloc(Object::Closure(Closure {
                func: child,
                captures: Box::new([]),
                home_class: None,
            }));
            self.module_set(id, &name, f);
        }
        self.modules[id as usize].state = ModuleState::Loaded;
        self.module_cache.insert(PRELUDE_KEY.to_string(), id);
        Ok(id)
    }

    /// Is module `id` the prelude?
    pub(crate) fn is_prelude(&self, id: u32) -> bool {
        self.modules
            .get(id as usize)
            .is_some_and(|m| &*m.key == PRELUDE_KEY)
    }

    /// Push the prelude call `call` in place of a builtin whose result goes
    /// to `stack[ret]`. `Ok(None)`: the frame was pushed.
    pub(crate) fn start_redirect(&mut self, call: Redirect, ret: usize) -> RtResult<Option<Value>> {
        let id = self.prelude_module()?;
        let Some(f) = self.module_get(id, call.helper) else {
            return Err(RtError::Internal(format!(
                "no prelude function {}",
                call.helper
            )));
        };
        let at = self.entry_base();
        self.ensure_stack(at + call.args.len() + 2)?;
        self.stack[at] = f;
        self.stack[at + 1..at + 1 + call.args.len()].copy_from_slice(&call.args);
        let depth = self.frames.len();
        match self.call_value(at, call.args.len())? {
            Some(v) => Ok(Some(v)),
            None => {
                if self.frames.len() == depth + 1 {
                    if let Some(top) = self.frames.last_mut() {
                        top.ret = ret as u32;
                    }
                }
                Ok(None)
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use crate::{BufferHost, Config, Vm};

    #[test]
    fn prelude_functions_load() {
        let mut vm = Vm::new(Config::default(), Box::new(BufferHost::default()));
        let id = vm.prelude_module().expect("prelude loads");
        for name in ["_urutkan_kunci", "_teks_pengguna"] {
            assert!(vm.module_get(id, name).is_some(), "{name}");
        }
        assert_eq!(vm.prelude_module().ok(), Some(id), "loaded once");
    }
}
