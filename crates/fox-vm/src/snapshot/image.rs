//! The whole-VM image: the program's bytecode (every prototype loaded so
//! far, flattened), the module table with its globals, the register stack,
//! the frames, the handlers and everything they reach. Restoring it into a
//! fresh VM gives a VM that continues exactly where the captured one was.
//!
//! Restoring validates the bytecode with the verifier (the interpreter
//! indexes registers unchecked and relies on it) and every frame, handler
//! and stack index against it, so a crafted image cannot reach memory the
//! VM does not own.

use super::graph::{decode, Encoder, Graph, Mode, SVal};
use super::SnapshotError;
use crate::config::Config;
use crate::error::TraceEntry;
use crate::host::Host;
use crate::object::Object;
use crate::value::{Value, V};
use crate::vm::{EntryPhase, Frame, FrameKind, Handler, ModuleState, Vm};
use fox_bytecode::{Capture, Const, Op, Pos, Proto};
use serde::{Deserialize, Serialize};
use std::rc::Rc;

/// Deepest nesting of function prototypes an image may hold (the compiler
/// stops far earlier; the verifier walks nesting recursively).
const MAX_PROTO_DEPTH: u32 = 256;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ProtoImage {
    pub name: String,
    pub params: u16,
    pub regs: u16,
    pub code: Vec<Op>,
    pub lines: Vec<Pos>,
    pub consts: Vec<Const>,
    pub names: Vec<String>,
    /// Indices of nested prototypes, all earlier in the list.
    pub children: Vec<u32>,
    pub captures: Vec<Capture>,
    pub is_generator: bool,
    pub is_method: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ModuleImage {
    pub file: String,
    pub key: String,
    pub names: Vec<String>,
    pub globals: Vec<SVal>,
    pub constants: Vec<String>,
    pub loaded: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) enum FrameKindImage {
    Normal,
    Constructor,
    Module(u32),
    Generator(u32),
    Pipeline(u32),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct FrameImage {
    pub func: u32,
    pub closure: Option<u32>,
    pub pc: u32,
    pub base: u32,
    pub ret: u32,
    pub kind: FrameKindImage,
    pub handler_base: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct VmImage {
    pub protos: Vec<ProtoImage>,
    /// Module bodies in load order: (module id, prototype index).
    pub roots: Vec<(u32, u32)>,
    pub modules: Vec<ModuleImage>,
    pub module_cache: Vec<(String, u32)>,
    pub main_module: Option<u32>,
    pub graph: Graph,
    pub stack: Vec<SVal>,
    pub frames: Vec<FrameImage>,
    /// (frame, target pc, register).
    pub handlers: Vec<(u32, u32, u16)>,
    pub argv: SVal,
    pub rng: u64,
    pub last_trace: Option<(SVal, Vec<TraceEntry>)>,
    pub entry: EntryPhase,
}

fn bad(msg: impl Into<String>) -> SnapshotError {
    SnapshotError::Invalid(msg.into())
}

/// Flatten a prototype tree, children first.
fn flatten(p: &Proto, vm: &Vm, out: &mut Vec<ProtoImage>) -> u32 {
    let children: Vec<u32> = p.protos.iter().map(|c| flatten(c, vm, out)).collect();
    out.push(ProtoImage {
        name: p.name.to_string(),
        params: p.params,
        regs: p.regs,
        code: p.code.clone(),
        lines: p.lines.clone(),
        consts: p.consts.clone(),
        names: p
            .names
            .iter()
            .map(|s| vm.interner.name(*s).to_string())
            .collect(),
        children,
        captures: p.captures.clone(),
        is_generator: p.is_generator,
        is_method: p.is_method,
    });
    (out.len() - 1) as u32
}

/// The number of stack slots in use by the frames.
fn stack_top(vm: &Vm) -> usize {
    vm.frames
        .iter()
        .map(|f| f.base as usize + f.func.get().proto.regs as usize + 1)
        .max()
        .unwrap_or(0)
        .min(vm.stack.len())
}

/// Capture the whole VM.
pub(crate) fn capture(vm: &Vm) -> VmImage {
    let mut protos = Vec::new();
    let roots: Vec<(u32, u32)> = vm
        .program
        .iter()
        .map(|(m, p)| (*m, flatten(p, vm, &mut protos)))
        .collect();
    let mut enc = Encoder::new(vm, Mode::Image);
    // Every module enters the module table, in id order, so ids line up.
    for id in 0..vm.modules.len() {
        enc.module(id as u32);
    }
    let modules: Vec<ModuleImage> = vm
        .modules
        .iter()
        .map(|m| {
            let mut constants: Vec<String> = m.compiler_globals.constants.iter().cloned().collect();
            constants.sort();
            ModuleImage {
                file: m.file.to_string(),
                key: m.key.to_string(),
                names: m.names.iter().map(|n| n.to_string()).collect(),
                globals: m.globals.iter().map(|v| enc.value(*v)).collect(),
                constants,
                loaded: m.state == ModuleState::Loaded,
            }
        })
        .collect();
    let top = stack_top(vm);
    let stack: Vec<SVal> = vm.stack[..top].iter().map(|v| enc.value(*v)).collect();
    let frames: Vec<FrameImage> = vm
        .frames
        .iter()
        .map(|f| FrameImage {
            func: enc.func(f.func),
            closure: f.closure.get().map(|c| enc.obj(c)),
            pc: f.pc,
            base: f.base,
            ret: f.ret,
            kind: match f.kind {
                FrameKind::Normal => FrameKindImage::Normal,
                FrameKind::Constructor => FrameKindImage::Constructor,
                FrameKind::Module(id) => FrameKindImage::Module(id),
                FrameKind::Generator(g) => FrameKindImage::Generator(enc.obj(g)),
                FrameKind::Pipeline(p) => FrameKindImage::Pipeline(enc.obj(p)),
            },
            handler_base: f.handler_base,
        })
        .collect();
    let handlers = vm
        .handlers
        .iter()
        .map(|h| (h.frame, h.target, h.reg))
        .collect();
    let argv = enc.value(vm.argv_list);
    let last_trace = vm
        .last_trace
        .as_ref()
        .map(|(v, t)| (enc.value(*v), t.clone()));
    let mut module_cache: Vec<(String, u32)> = vm
        .module_cache
        .iter()
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    module_cache.sort();
    VmImage {
        protos,
        roots,
        modules,
        module_cache,
        main_module: vm.main_module,
        graph: enc.finish(),
        stack,
        frames,
        handlers,
        argv,
        rng: vm.rng,
        last_trace,
        entry: vm.entry,
    }
}

/// Rebuild the prototype trees, checking that children come first, that
/// each prototype has at most one parent, and that nesting is bounded.
fn rebuild_protos(img: &VmImage, vm: &mut Vm) -> Result<Vec<Rc<Proto>>, SnapshotError> {
    let n = img.protos.len();
    let mut built: Vec<Rc<Proto>> = Vec::with_capacity(n);
    let mut depth: Vec<u32> = Vec::with_capacity(n);
    let mut used = vec![false; n];
    for (i, p) in img.protos.iter().enumerate() {
        let mut children = Vec::with_capacity(p.children.len());
        let mut d = 0;
        for &c in &p.children {
            let c = c as usize;
            if c >= i || used[c] {
                return Err(bad(format!(
                    "prototipe {i} ('{}'): anak {c} tidak sah",
                    p.name
                )));
            }
            used[c] = true;
            d = d.max(depth[c] + 1);
            children.push(built[c].clone());
        }
        if d > MAX_PROTO_DEPTH {
            return Err(bad(format!("prototipe {i}: bersarang terlalu dalam")));
        }
        depth.push(d);
        let names = p.names.iter().map(|s| vm.interner.intern(s)).collect();
        built.push(Rc::new(Proto {
            name: Rc::from(p.name.as_str()),
            params: p.params,
            regs: p.regs,
            code: p.code.clone(),
            lines: p.lines.clone(),
            consts: p.consts.clone(),
            names,
            protos: children,
            captures: p.captures.clone(),
            is_generator: p.is_generator,
            is_method: p.is_method,
        }));
    }
    for &(_, r) in &img.roots {
        let r = r as usize;
        if r >= n || used[r] {
            return Err(bad(format!("akar prototipe {r} tidak sah")));
        }
        used[r] = true;
    }
    Ok(built)
}

/// Build a VM from an image.
pub(crate) fn restore(
    img: &VmImage,
    config: Config,
    host: Box<dyn Host>,
) -> Result<Vm, SnapshotError> {
    let mut vm = Vm::new(config, host);
    for m in &img.modules {
        let id = vm.new_module(&m.file);
        let rt = &mut vm.modules[id as usize];
        rt.key = Rc::from(m.key.as_str());
        rt.state = if m.loaded {
            ModuleState::Loaded
        } else {
            ModuleState::Loading
        };
        for name in &m.names {
            let rc: Rc<str> = Rc::from(name.as_str());
            rt.index.insert(rc.clone(), rt.globals.len() as u32);
            rt.globals.push(Value::Undef);
            rt.names.push(rc);
            rt.compiler_globals.slot(name);
        }
        rt.compiler_globals.constants = m.constants.iter().cloned().collect();
    }
    let protos = rebuild_protos(img, &mut vm)?;
    for &(module, r) in &img.roots {
        if module as usize >= vm.modules.len() {
            return Err(bad(format!("prototipe {r}: modul {module} tidak ada")));
        }
        let p = protos[r as usize].clone();
        fox_bytecode::verify::verify(&p)
            .map_err(|e| bad(format!("bytecode '{}' tidak lolos verifikasi: {e}", p.name)))?;
        vm.program.push((module, p.clone()));
        vm.load_proto(&p, module);
    }
    let d = decode(&mut vm, &img.graph, Mode::Image)?;
    for (id, m) in img.modules.iter().enumerate() {
        let globals: Vec<Value> = m
            .globals
            .iter()
            .map(|v| d.value(v))
            .collect::<Result<_, _>>()?;
        if globals.len() != m.names.len() {
            return Err(bad(format!("modul '{}': jumlah global tidak cocok", m.key)));
        }
        vm.modules[id].globals = globals;
    }
    // Frames and their register windows.
    // Every frame's register window lies inside the captured stack (the
    // capture writes exactly the slots the frames use), so a crafted image
    // cannot make the VM allocate more than its own size suggests.
    let mut frames = Vec::with_capacity(img.frames.len());
    let slots = img.stack.len();
    for (i, f) in img.frames.iter().enumerate() {
        let func = d.func(f.func)?;
        let p = &func.get().proto;
        if f.pc as usize >= p.code.len() {
            return Err(bad(format!("bingkai {i} ('{}'): pc di luar kode", p.name)));
        }
        let closure = match f.closure {
            None => None,
            Some(c) => match d.vals.get(c as usize).map(|v| v.unpack()) {
                Some(V::Obj(g)) => match vm.heap.get(g) {
                    Object::Closure(cl) if cl.func == func => Some(g),
                    _ => return Err(bad(format!("bingkai {i}: closure tidak cocok"))),
                },
                _ => return Err(bad(format!("bingkai {i}: closure tidak ada"))),
            },
        };
        let kind = match f.kind {
            FrameKindImage::Normal => FrameKind::Normal,
            FrameKindImage::Constructor => FrameKind::Constructor,
            FrameKindImage::Module(m) if (m as usize) < vm.modules.len() => FrameKind::Module(m),
            FrameKindImage::Generator(g) => match d.vals.get(g as usize).map(|v| v.unpack()) {
                Some(V::Obj(gc)) if matches!(vm.heap.get(gc), Object::Generator(_)) => {
                    FrameKind::Generator(gc)
                }
                _ => return Err(bad(format!("bingkai {i}: generator tidak ada"))),
            },
            FrameKindImage::Pipeline(p) => match d.vals.get(p as usize).map(|v| v.unpack()) {
                Some(V::Obj(gc)) if matches!(vm.heap.get(gc), Object::Pipeline(_)) => {
                    FrameKind::Pipeline(gc)
                }
                _ => return Err(bad(format!("bingkai {i}: alur tidak ada"))),
            },
            FrameKindImage::Module(_) => return Err(bad(format!("bingkai {i}: modul tidak ada"))),
        };
        if f.handler_base as usize > img.handlers.len() {
            return Err(bad(format!("bingkai {i}: dasar penangan tidak sah")));
        }
        if f.base as usize + p.regs as usize + 1 > slots || f.ret as usize >= slots {
            return Err(bad(format!(
                "bingkai {i} ('{}'): jendela register di luar tumpukan",
                p.name
            )));
        }
        frames.push(Frame {
            func,
            closure: closure.into(),
            pc: f.pc,
            base: f.base,
            ret: f.ret,
            kind,
            handler_base: f.handler_base,
        });
    }
    let stack: Vec<Value> = img
        .stack
        .iter()
        .map(|v| d.value(v))
        .collect::<Result<_, _>>()?;
    if vm.stack.replace(&stack, (slots + 2).max(1024)).is_err() {
        return Err(bad(format!(
            "tumpukan register gambar ({slots} slot) melebihi batas ({} slot)",
            vm.stack.capacity()
        )));
    }
    let mut handlers = Vec::with_capacity(img.handlers.len());
    for &(frame, target, reg) in &img.handlers {
        let Some(f) = frames.get(frame as usize) else {
            return Err(bad(format!(
                "penangan untuk bingkai {frame} yang tidak ada"
            )));
        };
        let p = &f.func.get().proto;
        if target as usize >= p.code.len() || reg >= p.regs {
            return Err(bad(format!("penangan bingkai {frame} rusak")));
        }
        handlers.push(Handler { frame, target, reg });
    }
    vm.frames = frames.into();
    vm.handlers = handlers.into();
    vm.argv_list = d.value(&img.argv)?;
    vm.rng = img.rng;
    vm.last_trace = match &img.last_trace {
        Some((v, t)) => Some((d.value(v)?, t.clone())),
        None => None,
    };
    match img.main_module {
        Some(m) if (m as usize) >= vm.modules.len() => {
            return Err(bad("modul utama tidak ada"));
        }
        m => vm.main_module = m,
    }
    vm.entry = match img.entry {
        EntryPhase::MainBody(m) if (m as usize) >= vm.modules.len() => {
            return Err(bad("fase masuk menunjuk modul yang tidak ada"));
        }
        e => e,
    };
    for (k, id) in &img.module_cache {
        if (*id as usize) < vm.modules.len() {
            vm.module_cache.insert(k.clone(), *id);
        }
    }
    Ok(vm)
}
