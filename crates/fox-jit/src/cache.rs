//! The code cache: compiled code by function content. The key is the
//! whole content the code depends on (its instructions, its frame size,
//! the number constants it embeds and the index of the module whose
//! globals it reads — module indices are the same in a VM restored from a
//! snapshot), compared in full, so two functions share code only when the
//! code is right for both.

use fox_bytecode::Op;
use fox_vm::jitabi::JitCode;
use fox_vm::object::FuncInfo;
use rustc_hash::FxHashMap;

/// What compiled code depends on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CodeKey {
    module: u32,
    regs: u16,
    code: Vec<Op>,
    /// Each constant's word when compiled code embeds it (numbers), else
    /// `None` (it asks the interpreter).
    consts: Vec<Option<u64>>,
}

impl CodeKey {
    pub fn of(func: &FuncInfo) -> CodeKey {
        CodeKey {
            module: func.module,
            regs: func.proto.regs,
            code: func.proto.code.clone(),
            consts: func
                .consts
                .iter()
                .map(|v| (v.as_int().is_some() || v.as_float().is_some()).then(|| v.bits()))
                .collect(),
        }
    }
}

#[derive(Default)]
pub(crate) struct CodeCache {
    map: FxHashMap<CodeKey, JitCode>,
}

impl CodeCache {
    pub(crate) fn get(&self, key: &CodeKey) -> Option<JitCode> {
        self.map.get(key).copied()
    }

    pub(crate) fn insert(&mut self, key: CodeKey, code: JitCode) {
        self.map.insert(key, code);
    }
}
