//! Symbol interning for attribute, method and global names: the VM compares
//! `Sym`s (integers), never strings, on hot paths.

use rustc_hash::FxHashMap;
use std::rc::Rc;

/// An interned name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(pub u32);

#[derive(Default, Debug, Clone)]
pub struct Interner {
    map: FxHashMap<Rc<str>, Sym>,
    names: Vec<Rc<str>>,
}

impl Interner {
    pub fn new() -> Interner {
        Interner::default()
    }

    pub fn intern(&mut self, name: &str) -> Sym {
        if let Some(s) = self.map.get(name) {
            return *s;
        }
        let sym = Sym(self.names.len() as u32);
        let rc: Rc<str> = Rc::from(name);
        self.names.push(rc.clone());
        self.map.insert(rc, sym);
        sym
    }

    pub fn lookup(&self, name: &str) -> Option<Sym> {
        self.map.get(name).copied()
    }

    pub fn name(&self, sym: Sym) -> &str {
        self.names.get(sym.0 as usize).map(|s| &**s).unwrap_or("?")
    }

    pub fn name_rc(&self, sym: Sym) -> Rc<str> {
        self.names
            .get(sym.0 as usize)
            .cloned()
            .unwrap_or_else(|| Rc::from("?"))
    }
}
