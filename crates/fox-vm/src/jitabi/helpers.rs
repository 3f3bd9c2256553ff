//! The runtime helpers compiled code calls: a stable `extern "C"` ABI.
//! Each takes the VM pointer compiled code was entered with. Every case
//! compiled code does not handle inline goes through one of them:
//! `fox_jit_fast` for the common instructions (`fast.rs`), `fox_jit_step`
//! (the interpreter itself) for the rest.

use crate::value::Value;
use crate::vm::Vm;

/// Run the instruction at `pc` of the top frame in the interpreter.
/// Returns a `status`: `RESUME` (go on with `pc + 1`), `JUMPED` (go on at
/// the instruction's target), or `CONTINUE`/`ERROR`/`DONE`, which compiled
/// code returns to the interpreter unchanged.
///
/// # Safety
///
/// `vm` must be the pointer the compiled code was entered with (the VM
/// running it, with no other reference to it in use), and `pc` an
/// instruction of the function of the VM's top frame.
pub unsafe extern "C" fn fox_jit_step(vm: *mut Vm, pc: u32, stop: usize) -> u32 {
    // SAFETY: the caller's contract: `vm` is the live VM that entered the
    // compiled code, and the interpreter frame that called it does not use
    // the VM until the code returns (`Vm::enter_jit`).
    let vm = unsafe { &mut *vm };
    vm.jit_step(pc, stop)
}

/// Run the instruction at `pc` of the top frame with the fast helper
/// (`jitabi::fast`); the same statuses as [`fox_jit_step`].
///
/// # Safety
///
/// As for [`fox_jit_step`].
pub unsafe extern "C" fn fox_jit_fast(vm: *mut Vm, pc: u32, stop: usize) -> u32 {
    // SAFETY: as in `fox_jit_step`.
    let vm = unsafe { &mut *vm };
    vm.jit_fast(pc, stop)
}

/// The value words compiled code passes and gets back: `Value`'s bits.
/// `UNDEF` (the unset-global marker, never a program value) means "not
/// handled here: run the instruction with a full helper".
pub const UNDEF: u64 = crate::value::Value::Undef.bits_const();

/// What a helper that runs an instruction to the end returns when it
/// raised: the error is pending (`Vm::jit_error`) and the frame resumes
/// after the instruction, as `fox_jit_fast` leaves it; compiled code
/// returns `status::ERROR`. No value has these bits (the tag above
/// `UNDEF`'s; float results are canonical NaNs, never negative ones).
pub const FAILED: u64 = 0xFFFF_0000_0000_0000;

/// The arithmetic instructions `fox_jit_arith` runs, by number.
pub mod arith_op {
    pub const ADD: u32 = 0;
    pub const SUB: u32 = 1;
    pub const MUL: u32 = 2;
    pub const MOD: u32 = 3;
    pub const AND: u32 = 4;
    pub const OR: u32 = 5;
    pub const XOR: u32 = 6;
}

/// The whole of arithmetic instruction `pc` of the top frame (`op`, one of
/// [`arith_op`]) on the words `a` and `b` (an immediate operand comes as
/// its integer word): its result, or [`FAILED`]. What compiled code calls
/// when its inline integer and float paths do not apply (texts, big
/// integers, overflow, mixed types): the shared semantics without the
/// decoding of `fox_jit_fast`.
///
/// # Safety
///
/// As for [`fox_jit_step`]; `a` and `b` are words read from the frame's
/// registers (or an immediate's integer word).
pub unsafe extern "C" fn fox_jit_arith(vm: *mut Vm, pc: u32, op: u32, a: u64, b: u64) -> u64 {
    // SAFETY: as in `fox_jit_step`.
    let vm = unsafe { &mut *vm };
    vm.jit_arith(pc, op, Value::from_word(a), Value::from_word(b))
}

/// `obj[key]` when `obj` is a list and `key` an index inside it; else
/// `UNDEF`.
///
/// # Safety
///
/// As for [`fox_jit_step`]; `obj` and `key` are words read from the
/// frame's registers.
pub unsafe extern "C" fn fox_jit_get_index(vm: *mut Vm, obj: u64, key: u64) -> u64 {
    // SAFETY: as in `fox_jit_step`.
    let vm = unsafe { &*vm };
    let (o, k) = (Value::from_word(obj), Value::from_word(key));
    vm.get_index_fast(o, k).map_or(UNDEF, |v| v.bits())
}

/// `obj[key] = value` when `obj` is a list and `key` an index inside it
/// (1); else nothing is done (0).
///
/// # Safety
///
/// As for [`fox_jit_get_index`].
pub unsafe extern "C" fn fox_jit_set_index(vm: *mut Vm, obj: u64, key: u64, value: u64) -> u32 {
    // SAFETY: as in `fox_jit_step`.
    let vm = unsafe { &mut *vm };
    let (o, k, v) = (
        Value::from_word(obj),
        Value::from_word(key),
        Value::from_word(value),
    );
    vm.set_index_fast(o, k, v) as u32
}

/// The global in slot `slot` of module `module` (`UNDEF` when unset or
/// absent: the full helper raises the error).
///
/// # Safety
///
/// As for [`fox_jit_step`].
pub unsafe extern "C" fn fox_jit_get_global(vm: *mut Vm, module: u32, slot: u32) -> u64 {
    // SAFETY: as in `fox_jit_step`.
    let vm = unsafe { &*vm };
    vm.modules
        .get(module as usize)
        .and_then(|m| m.globals.get(slot as usize))
        .map_or(UNDEF, |v| v.bits())
}

/// `obj.name` (name `name` of the top frame's function) when `obj` is an
/// instance with that field; else `UNDEF`.
///
/// # Safety
///
/// As for [`fox_jit_get_index`].
pub unsafe extern "C" fn fox_jit_get_attr(vm: *mut Vm, obj: u64, name: u32) -> u64 {
    // SAFETY: as in `fox_jit_step`.
    let vm = unsafe { &*vm };
    let Some(sym) = vm
        .frames
        .last()
        .and_then(|f| f.func.get().proto.names.get(name as usize).copied())
    else {
        return UNDEF;
    };
    vm.get_attr_fast(Value::from_word(obj), sym)
        .map_or(UNDEF, |v| v.bits())
}

/// `obj.name = value` when `obj` is an instance (1); else nothing (0).
///
/// # Safety
///
/// As for [`fox_jit_get_index`].
pub unsafe extern "C" fn fox_jit_set_attr(vm: *mut Vm, obj: u64, name: u32, value: u64) -> u32 {
    // SAFETY: as in `fox_jit_step`.
    let vm = unsafe { &mut *vm };
    let Some(sym) = vm
        .frames
        .last()
        .and_then(|f| f.func.get().proto.names.get(name as usize).copied())
    else {
        return 0;
    };
    vm.set_attr_fast(Value::from_word(obj), sym, Value::from_word(value)) as u32
}

/// The direct call: `Call` at `pc` of the top frame pushes the callee's
/// frame and gives its compiled entry; any other call runs here and gives
/// its status, a number below `ENTRY_MIN` (see `Vm::jit_enter_call`).
/// `site` is the instruction's direct-call cache (`FuncInfo::call_index`).
///
/// # Safety
///
/// As for [`fox_jit_step`]; the operands are the instruction's. A result
/// of at least `ENTRY_MIN` is the entry of the code the VM's backend
/// compiled for the callee, whose frame is now on top: the caller calls it
/// with that frame's registers (its own registers from `window + 1`) and
/// then takes one from `Vm::jit_nesting`.
pub unsafe extern "C" fn fox_jit_enter_call(
    vm: *mut Vm,
    pc: u32,
    window: u32,
    argc: u32,
    site: u32,
    stop: usize,
) -> usize {
    // SAFETY: as in `fox_jit_step`.
    let vm = unsafe { &mut *vm };
    vm.jit_enter_call(pc, window as u16, argc as u16, site, stop)
}

/// `CallMethod`'s direct call (see [`fox_jit_enter_call`]).
///
/// # Safety
///
/// As for [`fox_jit_enter_call`].
pub unsafe extern "C" fn fox_jit_enter_method(
    vm: *mut Vm,
    pc: u32,
    window: u32,
    argc: u32,
    name: u32,
    stop: usize,
) -> usize {
    // SAFETY: as in `fox_jit_step`.
    let vm = unsafe { &mut *vm };
    vm.jit_enter_method(pc, window as u16, argc as u16, name as u16, stop)
}

/// `Return` (or `ReturnNil`, with nil) at `pc` of the top frame.
///
/// # Safety
///
/// As for [`fox_jit_step`]; `value` is a word read from a register.
pub unsafe extern "C" fn fox_jit_return(vm: *mut Vm, pc: u32, value: u64, stop: usize) -> u32 {
    // SAFETY: as in `fox_jit_step`.
    let vm = unsafe { &mut *vm };
    vm.jit_return_top(pc, Value::from_word(value), stop)
}

/// The value in capture `idx` of the top frame's closure (`UNDEF` when
/// there is none: the full helper reports it).
///
/// # Safety
///
/// As for [`fox_jit_step`].
pub unsafe extern "C" fn fox_jit_get_upval(vm: *mut Vm, idx: u32) -> u64 {
    // SAFETY: as in `fox_jit_step`.
    let vm = unsafe { &*vm };
    let closure = vm.frames.last().and_then(|f| f.closure.get());
    vm.op_get_upval(closure, idx as u16)
        .map_or(UNDEF, |v| v.bits())
}

/// Store `value` in capture `idx` of the top frame's closure (1), or
/// nothing (0).
///
/// # Safety
///
/// As for [`fox_jit_get_index`].
pub unsafe extern "C" fn fox_jit_set_upval(vm: *mut Vm, idx: u32, value: u64) -> u32 {
    // SAFETY: as in `fox_jit_step`.
    let vm = unsafe { &mut *vm };
    let closure = vm.frames.last().and_then(|f| f.closure.get());
    vm.op_set_upval(closure, idx as u16, Value::from_word(value))
        .is_ok() as u32
}

/// The value held by the cell `cell` (`UNDEF` when it is no cell).
///
/// # Safety
///
/// As for [`fox_jit_get_index`].
pub unsafe extern "C" fn fox_jit_get_cell(vm: *mut Vm, cell: u64) -> u64 {
    // SAFETY: as in `fox_jit_step`.
    let vm = unsafe { &*vm };
    vm.op_get_cell(Value::from_word(cell))
        .map_or(UNDEF, |v| v.bits())
}

/// Store `value` in the cell `cell` (1), or nothing (0).
///
/// # Safety
///
/// As for [`fox_jit_get_index`].
pub unsafe extern "C" fn fox_jit_set_cell(vm: *mut Vm, cell: u64, value: u64) -> u32 {
    // SAFETY: as in `fox_jit_step`.
    let vm = unsafe { &mut *vm };
    vm.op_set_cell(Value::from_word(cell), Value::from_word(value))
        .is_ok() as u32
}
