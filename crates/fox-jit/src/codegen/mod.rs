//! Bytecode to Cranelift IR, one function at a time, over the
//! interpreter's frame (see `fox_vm::jitabi`). Every instruction gets a
//! block; the entry block switches on the pc the function is entered at
//! to that entry point's landing block (a call, a loop header while it
//! runs: on-stack replacement, a handler, the instruction after a call the
//! interpreter finished).
//!
//! Registers live in the frame and, between helper calls, in Cranelift
//! variables (machine registers): every result is stored to the frame
//! (write-through, so a helper, the collector or the interpreter always
//! sees current registers) and defines the register's variable, and
//! operands are read from the variables. Compiled code is entered only at
//! the entry points of `fox_bytecode::entries` (a call, a loop head, the
//! instruction after a call, a handler); each has a landing block that
//! loads the registers live there. After a helper ran an instruction, the
//! registers that instruction may write (its operand roles; for a call,
//! the whole window and everything above it) are loaded again.
//!
//! Fast paths (inline integers and floats, booleans, nil, moves and jumps)
//! are machine code; every other case calls the step helper, which runs
//! that instruction in the interpreter. A fast path therefore only has to
//! be right where it applies, and must apply exactly where the
//! interpreter's own fast path would give the same answer.

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    types, AbiParam, Block, InstBuilder, MemFlagsData, SigRef, Signature, Value as Ir,
};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, Switch, Variable};
use fox_bytecode::{Flags, Op, Operand as Role};
use fox_vm::jitabi::{encoding as enc, offsets, status};
use fox_vm::object::FuncInfo;

mod calls;
mod ops;

/// The signature of compiled code (`fox_vm::jitabi::JitEntry`).
pub fn entry_signature(call_conv: CallConv) -> Signature {
    let mut sig = Signature::new(call_conv);
    sig.params.push(AbiParam::new(types::I64)); // vm
    sig.params.push(AbiParam::new(types::I64)); // regs
    sig.params.push(AbiParam::new(types::I32)); // pc
    sig.params.push(AbiParam::new(types::I64)); // stop
    sig.returns.push(AbiParam::new(types::I32));
    sig
}

/// The signature of `fox_jit_step(vm, pc, stop) -> status`.
fn step_signature(call_conv: CallConv) -> Signature {
    let mut sig = Signature::new(call_conv);
    sig.params.push(AbiParam::new(types::I64));
    sig.params.push(AbiParam::new(types::I32));
    sig.params.push(AbiParam::new(types::I64));
    sig.returns.push(AbiParam::new(types::I32));
    sig
}

/// An ordering test.
#[derive(Clone, Copy)]
enum Order {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Order {
    fn int(self) -> IntCC {
        match self {
            Order::Lt => IntCC::SignedLessThan,
            Order::Le => IntCC::SignedLessThanOrEqual,
            Order::Gt => IntCC::SignedGreaterThan,
            Order::Ge => IntCC::SignedGreaterThanOrEqual,
        }
    }

    fn float(self) -> FloatCC {
        match self {
            Order::Lt => FloatCC::LessThan,
            Order::Le => FloatCC::LessThanOrEqual,
            Order::Gt => FloatCC::GreaterThan,
            Order::Ge => FloatCC::GreaterThanOrEqual,
        }
    }
}

/// Integer arithmetic with a fast path.
#[derive(Clone, Copy)]
enum IntOp {
    Add,
    Sub,
    Mul,
    Mod,
    And,
    Or,
    Xor,
}

/// What the second operand of an instruction is.
#[derive(Clone, Copy)]
enum Operand {
    Reg(u16),
    Imm(i16),
}

/// How a test continues.
#[derive(Clone, Copy)]
enum Then {
    /// Jump to the target when the test is true, else fall through.
    JumpIfTrue(u32),
    /// Jump to the target when the test is false, else fall through.
    JumpIfFalse(u32),
    /// A loop back-edge: when true, pay the safe point and jump back.
    LoopIfTrue(u32),
    /// Store the boolean (negated when `true`) into a register.
    Store(u16, bool),
}

/// What a comparison instruction tests.
#[derive(Clone, Copy)]
enum Test {
    Order(Order),
    Equal,
    NotEqual,
}

/// The comparison instructions (storing and fused with a branch or a
/// loop back-edge) as (test, left register, right operand, continuation).
fn fused_test(op: Op) -> Option<(Test, u16, Operand, Then)> {
    use Operand::{Imm, Reg};
    use Order::{Ge, Gt, Le, Lt};
    use Test::{Equal, NotEqual, Order as O};
    let (t, a, b, then) = match op {
        Op::Eq { dst, a, b } => (Equal, a, Reg(b), Then::Store(dst, false)),
        Op::Ne { dst, a, b } => (Equal, a, Reg(b), Then::Store(dst, true)),
        Op::Lt { dst, a, b } => (O(Lt), a, Reg(b), Then::Store(dst, false)),
        Op::Le { dst, a, b } => (O(Le), a, Reg(b), Then::Store(dst, false)),
        Op::Gt { dst, a, b } => (O(Gt), a, Reg(b), Then::Store(dst, false)),
        Op::Ge { dst, a, b } => (O(Ge), a, Reg(b), Then::Store(dst, false)),
        Op::JumpIfNotLt { a, b, target } => (O(Lt), a, Reg(b), Then::JumpIfFalse(target as u32)),
        Op::JumpIfNotLe { a, b, target } => (O(Le), a, Reg(b), Then::JumpIfFalse(target as u32)),
        Op::JumpIfNotGt { a, b, target } => (O(Gt), a, Reg(b), Then::JumpIfFalse(target as u32)),
        Op::JumpIfNotGe { a, b, target } => (O(Ge), a, Reg(b), Then::JumpIfFalse(target as u32)),
        Op::JumpIfNotEq { a, b, target } => (Equal, a, Reg(b), Then::JumpIfFalse(target as u32)),
        Op::JumpIfNotNe { a, b, target } => (Equal, a, Reg(b), Then::JumpIfTrue(target as u32)),
        Op::JumpIfNotLtI { a, imm, target } => {
            (O(Lt), a, Imm(imm), Then::JumpIfFalse(target as u32))
        }
        Op::JumpIfNotLeI { a, imm, target } => {
            (O(Le), a, Imm(imm), Then::JumpIfFalse(target as u32))
        }
        Op::JumpIfNotGtI { a, imm, target } => {
            (O(Gt), a, Imm(imm), Then::JumpIfFalse(target as u32))
        }
        Op::JumpIfNotGeI { a, imm, target } => {
            (O(Ge), a, Imm(imm), Then::JumpIfFalse(target as u32))
        }
        Op::JumpIfNotEqI { a, imm, target } => {
            (Equal, a, Imm(imm), Then::JumpIfFalse(target as u32))
        }
        Op::JumpIfNotNeI { a, imm, target } => {
            (Equal, a, Imm(imm), Then::JumpIfTrue(target as u32))
        }
        Op::LoopIfLt { a, b, target } => (O(Lt), a, Reg(b), Then::LoopIfTrue(target as u32)),
        Op::LoopIfLe { a, b, target } => (O(Le), a, Reg(b), Then::LoopIfTrue(target as u32)),
        Op::LoopIfGt { a, b, target } => (O(Gt), a, Reg(b), Then::LoopIfTrue(target as u32)),
        Op::LoopIfGe { a, b, target } => (O(Ge), a, Reg(b), Then::LoopIfTrue(target as u32)),
        Op::LoopIfEq { a, b, target } => (Equal, a, Reg(b), Then::LoopIfTrue(target as u32)),
        Op::LoopIfNe { a, b, target } => (NotEqual, a, Reg(b), Then::LoopIfTrue(target as u32)),
        Op::LoopIfLtI { a, imm, target } => (O(Lt), a, Imm(imm), Then::LoopIfTrue(target as u32)),
        Op::LoopIfLeI { a, imm, target } => (O(Le), a, Imm(imm), Then::LoopIfTrue(target as u32)),
        Op::LoopIfGtI { a, imm, target } => (O(Gt), a, Imm(imm), Then::LoopIfTrue(target as u32)),
        Op::LoopIfGeI { a, imm, target } => (O(Ge), a, Imm(imm), Then::LoopIfTrue(target as u32)),
        Op::LoopIfEqI { a, imm, target } => (Equal, a, Imm(imm), Then::LoopIfTrue(target as u32)),
        Op::LoopIfNeI { a, imm, target } => {
            (NotEqual, a, Imm(imm), Then::LoopIfTrue(target as u32))
        }
        _ => return None,
    };
    Some((t, a, b, then))
}

/// Translates one function.
pub struct Translator<'a, 'f> {
    b: FunctionBuilder<'f>,
    func: &'a FuncInfo,
    vm: Ir,
    regs: Ir,
    stop: Ir,
    blocks: Vec<Block>,
    exit: Block,
    step_sig: SigRef,
    sigs: ValueSigs,
    helpers: Helpers,
    flags: MemFlagsData,
    /// One variable per register of the frame.
    vars: Vec<Variable>,
}

/// Addresses of the runtime helpers (`fox_vm::jitabi::helpers`).
#[derive(Clone, Copy)]
pub struct Helpers {
    /// `fox_jit_step`: the interpreter runs the instruction.
    pub step: i64,
    /// `fox_jit_fast`: common instructions without the interpreter loop.
    pub fast: i64,
    /// The value helpers: a fast path or `UNDEF`/0 ("use `fast`").
    pub get_index: i64,
    pub set_index: i64,
    pub get_global: i64,
    pub get_attr: i64,
    pub set_attr: i64,
    pub get_upval: i64,
    pub set_upval: i64,
    pub get_cell: i64,
    pub set_cell: i64,
    /// Returns (statuses, as `step`).
    pub ret: i64,
    /// Calls: push a compiled callee's frame and give its entry, or run
    /// any other call and give its status (below `ENTRY_MIN`).
    pub enter_call: i64,
    pub enter_method: i64,
    /// The rest of an arithmetic instruction (a word or `FAILED`).
    pub arith: i64,
}

/// A signature of `n` parameters (the VM pointer first) of the given
/// types, returning `ret`.
fn helper_signature(call_conv: CallConv, params: &[types::Type], ret: types::Type) -> Signature {
    let mut sig = Signature::new(call_conv);
    sig.params.push(AbiParam::new(types::I64));
    for t in params {
        sig.params.push(AbiParam::new(*t));
    }
    sig.returns.push(AbiParam::new(ret));
    sig
}

/// The value helpers' signatures.
struct ValueSigs {
    /// (vm, word, word) -> word: `get_index`.
    get2: SigRef,
    /// (vm, word, word, word) -> u32: `set_index`.
    set3: SigRef,
    /// (vm, u32, u32) -> word: `get_global`.
    get_slot: SigRef,
    /// (vm, u32) -> word: `get_upval`.
    get_idx: SigRef,
    /// (vm, u32, word) -> u32: `set_upval`.
    set_idx: SigRef,
    /// (vm, word) -> word: `get_cell`.
    get1: SigRef,
    /// (vm, word, word) -> u32: `set_cell`.
    set2: SigRef,
    /// (vm, pc, word, stop) -> status: `ret`.
    ret: SigRef,
    /// (vm, word, u32) -> word: `get_attr`.
    get_named: SigRef,
    /// (vm, word, u32, word) -> u32: `set_attr`.
    set_named: SigRef,
    /// (vm, pc, window, argc, site, stop) -> entry or status: `enter_call`.
    enter_call: SigRef,
    /// (vm, pc, window, argc, name, stop) -> entry or status: `enter_method`.
    enter_method: SigRef,
    /// Compiled code itself (`entry_signature`), for direct calls.
    entry: SigRef,
    /// (vm, pc, op, word, word) -> word or `FAILED`: `arith`.
    arith: SigRef,
}

impl<'a, 'f> Translator<'a, 'f> {
    /// Set up the entry block and one block per instruction.
    pub fn new(
        mut b: FunctionBuilder<'f>,
        func: &'a FuncInfo,
        call_conv: CallConv,
        helpers: Helpers,
    ) -> Translator<'a, 'f> {
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let params = b.block_params(entry).to_vec();
        let (vm, regs, pc, stop) = (params[0], params[1], params[2], params[3]);
        let n = func.proto.code.len();
        let blocks: Vec<Block> = (0..n).map(|_| b.create_block()).collect();
        let exit = b.create_block();
        b.append_block_param(exit, types::I32);
        let step_sig = b.import_signature(step_signature(call_conv));
        let (w, u) = (types::I64, types::I32);
        let sigs = ValueSigs {
            get2: b.import_signature(helper_signature(call_conv, &[w, w], w)),
            set3: b.import_signature(helper_signature(call_conv, &[w, w, w], u)),
            get_slot: b.import_signature(helper_signature(call_conv, &[u, u], w)),
            get_idx: b.import_signature(helper_signature(call_conv, &[u], w)),
            set_idx: b.import_signature(helper_signature(call_conv, &[u, w], u)),
            get1: b.import_signature(helper_signature(call_conv, &[w], w)),
            set2: b.import_signature(helper_signature(call_conv, &[w, w], u)),
            ret: b.import_signature(helper_signature(call_conv, &[u, w, w], u)),
            get_named: b.import_signature(helper_signature(call_conv, &[w, u], w)),
            set_named: b.import_signature(helper_signature(call_conv, &[w, u, w], u)),
            enter_call: b.import_signature(helper_signature(call_conv, &[u, u, u, u, w], w)),
            enter_method: b.import_signature(helper_signature(call_conv, &[u, u, u, u, w], w)),
            entry: b.import_signature(entry_signature(call_conv)),
            arith: b.import_signature(helper_signature(call_conv, &[u, u, w, w], w)),
        };
        let vars: Vec<Variable> = (0..func.proto.regs)
            .map(|_| b.declare_var(types::I64))
            .collect();
        // Enter at an entry point, through its landing block; any other pc
        // (never given by the interpreter, which checks it) is an internal
        // error.
        let entries = fox_bytecode::entries::entry_points(&func.proto.code);
        let live = fox_bytecode::liveness::analyze(&func.proto);
        let bad = b.create_block();
        let mut switch = Switch::new();
        let mut landings = Vec::new();
        for (i, block) in blocks.iter().enumerate() {
            if entries.get(i).copied().unwrap_or(false) {
                let landing = b.create_block();
                switch.set_entry(i as u128, landing);
                landings.push((i, landing, *block));
            }
        }
        switch.emit(&mut b, pc, bad);
        let flags = MemFlagsData::trusted();
        for (i, landing, block) in landings {
            b.switch_to_block(landing);
            for r in live.live_in(i) {
                if let Some(var) = vars.get(r as usize) {
                    let v = b.ins().load(types::I64, flags, regs, 8 * r as i32);
                    b.def_var(*var, v);
                }
            }
            b.ins().jump(block, &[]);
        }
        b.switch_to_block(bad);
        let err = b.ins().iconst(types::I32, status::ERROR as i64);
        b.ins().jump(exit, &[err.into()]);
        b.switch_to_block(exit);
        let st = b.block_params(exit)[0];
        b.ins().return_(&[st]);
        Translator {
            b,
            func,
            vm,
            regs,
            stop,
            blocks,
            exit,
            step_sig,
            sigs,
            helpers,
            flags,
            vars,
        }
    }

    /// Emit every instruction and finish the function.
    pub fn translate(mut self, target: cranelift_codegen::isa::TargetFrontendConfig) {
        let code = self.func.proto.code.clone();
        for (pc, op) in code.iter().enumerate() {
            self.b.switch_to_block(self.blocks[pc]);
            self.instruction(pc, *op);
        }
        self.b.seal_all_blocks();
        self.b.finalize(target);
    }

    // --- registers and values -------------------------------------------

    /// Register `r`'s value (its variable).
    fn load(&mut self, r: u16) -> Ir {
        match self.vars.get(r as usize) {
            Some(var) => self.b.use_var(*var),
            None => self.load_frame(r),
        }
    }

    /// Register `r` as the frame holds it.
    fn load_frame(&mut self, r: u16) -> Ir {
        self.b
            .ins()
            .load(types::I64, self.flags, self.regs, 8 * r as i32)
    }

    /// Set register `r`: in the frame and in its variable.
    fn store(&mut self, r: u16, v: Ir) {
        self.b.ins().store(self.flags, v, self.regs, 8 * r as i32);
        if let Some(var) = self.vars.get(r as usize) {
            self.b.def_var(*var, v);
        }
    }

    /// A helper ran instruction `pc`: load again every register it may
    /// have written — its results, and for a call the window and all
    /// registers above it (the callee's frame starts inside the window).
    fn reload_after(&mut self, pc: usize) {
        let Some(op) = self.func.proto.code.get(pc).copied() else {
            return;
        };
        let regs = self.vars.len() as u32;
        let mut written: Vec<u16> = Vec::new();
        for operand in op.operands().iter() {
            match *operand {
                Role::Def(r) | Role::UseDef(r) => written.push(r),
                Role::DefRange { start, len } => {
                    written.extend((start as u32..(start as u32 + len).min(regs)).map(|r| r as u16))
                }
                Role::CallRange { start, .. } => {
                    written.extend((start as u32..regs).map(|r| r as u16))
                }
                _ => {}
            }
        }
        written.sort_unstable();
        written.dedup();
        for r in written {
            if let Some(var) = self.vars.get(r as usize).copied() {
                let v = self.load_frame(r);
                self.b.def_var(var, v);
            }
        }
    }

    /// A word-sized VM field.
    fn vm_word(&mut self, offset: i32) -> Ir {
        self.b.ins().load(types::I64, self.flags, self.vm, offset)
    }

    fn konst(&mut self, bits: u64) -> Ir {
        self.b.ins().iconst(types::I64, bits as i64)
    }

    /// Is `v` an inline integer? (Its top 16 bits are the integer tag.)
    fn is_int(&mut self, v: Ir) -> Ir {
        let top = self.b.ins().ushr_imm_u(v, 48);
        self.b
            .ins()
            .icmp_imm_s(IntCC::Equal, top, (enc::TAG_INT >> 48) as i64)
    }

    /// Is `v` a float? (Its top 13 bits are not all set.)
    fn is_float(&mut self, v: Ir) -> Ir {
        let top = self.b.ins().ushr_imm_u(v, 51);
        self.b
            .ins()
            .icmp_imm_s(IntCC::NotEqual, top, (enc::BOXED >> 51) as i64)
    }

    fn untag_int(&mut self, v: Ir) -> Ir {
        let shifted = self.b.ins().ishl_imm_u(v, 16);
        self.b.ins().sshr_imm_u(shifted, 16)
    }

    fn tag_int(&mut self, i: Ir) -> Ir {
        let payload = self.b.ins().band_imm_s(i, enc::PAYLOAD_MASK as i64);
        self.b.ins().bor_imm_s(payload, enc::TAG_INT as i64)
    }

    /// Does the i64 `i` fit an inline integer?
    fn fits_int(&mut self, i: Ir) -> Ir {
        let shifted = self.b.ins().iadd_imm_s(i, -enc::INT_MIN);
        self.b
            .ins()
            .icmp_imm_s(IntCC::UnsignedLessThan, shifted, 1i64 << 48)
    }

    fn as_f64(&mut self, v: Ir) -> Ir {
        self.b.ins().bitcast(types::F64, MemFlagsData::new(), v)
    }

    /// Is `v` a number (inline integer or float), and its value as an
    /// f64 (exact for inline integers: 48 bits). Python converts the int
    /// side of a mixed operation the same way.
    fn number_as_f64(&mut self, v: Ir) -> (Ir, Ir) {
        let vi = self.is_int(v);
        let vf = self.is_float(v);
        let num = self.b.ins().bor(vi, vf);
        let i = self.untag_int(v);
        let from_int = self.b.ins().fcvt_from_sint(types::F64, i);
        let from_bits = self.as_f64(v);
        (num, self.b.ins().select(vi, from_int, from_bits))
    }

    /// A float result as a value: every NaN becomes the canonical one.
    fn float_value(&mut self, f: Ir) -> Ir {
        let bits = self.b.ins().bitcast(types::I64, MemFlagsData::new(), f);
        let nan = self.b.ins().fcmp(FloatCC::Unordered, f, f);
        let canonical = self.konst(enc::CANONICAL_NAN);
        self.b.ins().select(nan, canonical, bits)
    }

    fn bool_value(&mut self, c: Ir) -> Ir {
        let ext = self.b.ins().uextend(types::I64, c);
        self.b.ins().bor_imm_s(ext, enc::TAG_BOOL as i64)
    }

    fn int_operand(&mut self, o: Operand) -> (Ir, Option<Ir>) {
        match o {
            Operand::Reg(r) => {
                let v = self.load(r);
                (v, Some(v))
            }
            Operand::Imm(i) => (
                self.konst(enc::TAG_INT | (i as i64 as u64 & enc::PAYLOAD_MASK)),
                None,
            ),
        }
    }

    // --- control --------------------------------------------------------

    fn next(&self, pc: usize) -> Option<Block> {
        self.blocks.get(pc + 1).copied()
    }

    /// Continue with the next instruction (or leave, after the last one).
    fn fall_through(&mut self, pc: usize) {
        match self.next(pc) {
            Some(b) => {
                self.b.ins().jump(b, &[]);
            }
            None => {
                let st = self.b.ins().iconst(types::I32, status::CONTINUE as i64);
                self.b.ins().jump(self.exit, &[st.into()]);
            }
        }
    }

    /// Count one slow path of instruction `pc` (`Vm::jit_slow`).
    fn count_slow(&mut self, pc: usize) {
        let name = self.func.proto.code[pc].name();
        let Some(i) = fox_bytecode::OP_NAMES.iter().position(|n| *n == name) else {
            return;
        };
        let at = offsets::VM_JIT_SLOW + 8 * i as i32;
        let n = self.b.ins().load(types::I64, self.flags, self.vm, at);
        let n = self.b.ins().iadd_imm_s(n, 1);
        self.b.ins().store(self.flags, n, self.vm, at);
    }

    /// Run instruction `pc` in the interpreter and continue where it says.
    fn step(&mut self, pc: usize, target: Option<u32>) {
        self.helper(self.helpers.step, pc, target)
    }

    fn u32c(&mut self, v: u32) -> Ir {
        self.b.ins().iconst(types::I32, v as i64)
    }

    /// Call a status helper with `(vm, args…, stop)` and continue where
    /// its status says.
    fn status_helper(&mut self, pc: usize, sig: SigRef, addr: i64, args: &[Ir]) {
        let callee = self.b.ins().iconst(types::I64, addr);
        let mut all = vec![self.vm];
        all.extend_from_slice(args);
        all.push(self.stop);
        let call = self.b.ins().call_indirect(sig, callee, &all);
        let st = self.b.inst_results(call)[0];
        self.reload_after(pc);
        self.continue_after(pc, st, None);
    }

    /// Run instruction `pc` with the helper at `addr` and continue where
    /// it says.
    fn helper(&mut self, addr: i64, pc: usize, target: Option<u32>) {
        let callee = self.b.ins().iconst(types::I64, addr);
        let pc_v = self.b.ins().iconst(types::I32, pc as i64);
        let call = self
            .b
            .ins()
            .call_indirect(self.step_sig, callee, &[self.vm, pc_v, self.stop]);
        let st = self.b.inst_results(call)[0];
        self.reload_after(pc);
        self.continue_after(pc, st, target);
    }

    /// Go on after a helper returned status `st` for instruction `pc`:
    /// the next instruction, the target, or back to the interpreter.
    fn continue_after(&mut self, pc: usize, st: Ir, target: Option<u32>) {
        let resumed = self
            .b
            .ins()
            .icmp_imm_s(IntCC::Equal, st, status::RESUME as i64);
        let next = self.b.create_block();
        let other = self.b.create_block();
        self.b.ins().brif(resumed, next, &[], other, &[]);
        self.b.switch_to_block(next);
        self.fall_through(pc);
        self.b.switch_to_block(other);
        match target.and_then(|t| self.blocks.get(t as usize).copied()) {
            Some(tb) => {
                let jumped = self
                    .b
                    .ins()
                    .icmp_imm_s(IntCC::Equal, st, status::JUMPED as i64);
                self.b.ins().brif(jumped, tb, &[], self.exit, &[st.into()]);
            }
            None => {
                self.b.ins().jump(self.exit, &[st.into()]);
            }
        }
    }

    /// Call a value helper with `(vm, args…)`. With `dst`, it returns a
    /// word (stored in `dst`) or `UNDEF`; without, 1 (done) or 0. Either
    /// "not handled" answer runs the instruction with the fast helper.
    fn value_helper(&mut self, pc: usize, sig: SigRef, addr: i64, args: &[Ir], dst: Option<u16>) {
        let callee = self.b.ins().iconst(types::I64, addr);
        let mut all = vec![self.vm];
        all.extend_from_slice(args);
        let call = self.b.ins().call_indirect(sig, callee, &all);
        let r = self.b.inst_results(call)[0];
        let full = self.b.create_block();
        let done = self.b.create_block();
        match dst {
            Some(d) => {
                let missed =
                    self.b
                        .ins()
                        .icmp_imm_s(IntCC::Equal, r, fox_vm::jitabi::helpers::UNDEF as i64);
                let store = self.b.create_block();
                self.b.ins().brif(missed, full, &[], store, &[]);
                self.b.switch_to_block(store);
                self.store(d, r);
                self.b.ins().jump(done, &[]);
            }
            None => {
                self.b.ins().brif(r, done, &[], full, &[]);
            }
        }
        self.b.switch_to_block(full);
        self.count_slow(pc);
        self.helper(self.helpers.fast, pc, None);
        self.b.switch_to_block(done);
        self.fall_through(pc);
    }

    /// A block that runs instruction `pc` when its fast path does not
    /// apply: through the fast helper (the shared semantics, no
    /// interpreter loop), or — for the loop instructions, whose safe
    /// point only the interpreter pays — through the step helper.
    fn slow_block(&mut self, pc: usize, target: Option<u32>) -> Block {
        let current = self.b.current_block();
        let slow = self.b.create_block();
        self.b.switch_to_block(slow);
        self.count_slow(pc);
        let safe_point = self.func.proto.code[pc].flags().contains(Flags::SAFE_POINT);
        if safe_point {
            self.step(pc, target);
        } else {
            self.helper(self.helpers.fast, pc, target);
        }
        if let Some(c) = current {
            self.b.switch_to_block(c);
        }
        slow
    }

    /// A taken loop back-edge of instruction `pc` to `target`. No budget
    /// and no collection due: jump. A budget with points left and no work
    /// charged by native operations since the last safe point: pay the
    /// point inline (what `Vm::pay_budget_point` does in that case) and
    /// jump. Anything else (a collection, the end of a slice, work to
    /// settle): the interpreter runs the instruction and pays the safe
    /// point exactly as it would.
    fn loop_back(&mut self, pc: usize, target: u32) {
        let slow = self.slow_block(pc, Some(target));
        let tb = self.blocks[target as usize];
        let bytes = self.vm_word(offsets::VM_HEAP_BYTES);
        let gc_at = self.vm_word(offsets::VM_HEAP_GC_AT);
        let gc = self
            .b
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, bytes, gc_at);
        let no_gc = self.b.create_block();
        self.b.ins().brif(gc, slow, &[], no_gc, &[]);
        self.b.switch_to_block(no_gc);
        let budget = self.vm_word(offsets::VM_BUDGET);
        let unlimited = self.b.ins().icmp_imm_s(IntCC::Equal, budget, -1);
        let counted = self.b.create_block();
        self.b.ins().brif(unlimited, tb, &[], counted, &[]);
        self.b.switch_to_block(counted);
        let spent = self.vm_word(offsets::VM_OP_SPENT);
        let nothing_spent = self.b.ins().icmp_imm_s(IntCC::Equal, spent, 0);
        let left = self.b.ins().iadd_imm_s(budget, -1);
        // budget in 1..MAX-1, i.e. budget - 1 below MAX - 1 (unsigned).
        let has_points = self.b.ins().icmp_imm_s(IntCC::UnsignedLessThan, left, -2);
        let inline = self.b.ins().band(nothing_spent, has_points);
        let pay = self.b.create_block();
        self.b.ins().brif(inline, pay, &[], slow, &[]);
        self.b.switch_to_block(pay);
        self.b
            .ins()
            .store(self.flags, left, self.vm, offsets::VM_BUDGET);
        self.b.ins().jump(tb, &[]);
    }

    /// Continue after a test that came out `c`.
    fn then(&mut self, pc: usize, c: Ir, then: Then) {
        match then {
            Then::JumpIfTrue(t) => {
                let tb = self.blocks[t as usize];
                let next = self.b.create_block();
                self.b.ins().brif(c, tb, &[], next, &[]);
                self.b.switch_to_block(next);
                self.fall_through(pc);
            }
            Then::JumpIfFalse(t) => {
                let tb = self.blocks[t as usize];
                let next = self.b.create_block();
                self.b.ins().brif(c, next, &[], tb, &[]);
                self.b.switch_to_block(next);
                self.fall_through(pc);
            }
            Then::LoopIfTrue(t) => {
                let taken = self.b.create_block();
                let next = self.b.create_block();
                self.b.ins().brif(c, taken, &[], next, &[]);
                self.b.switch_to_block(taken);
                self.loop_back(pc, t);
                self.b.switch_to_block(next);
                self.fall_through(pc);
            }
            Then::Store(dst, negate) => {
                let c = if negate {
                    self.b.ins().bxor_imm_u(c, 1)
                } else {
                    c
                };
                let v = self.bool_value(c);
                self.store(dst, v);
                self.fall_through(pc);
            }
        }
    }

    fn target_of(then: Then) -> Option<u32> {
        match then {
            Then::JumpIfTrue(t) | Then::JumpIfFalse(t) | Then::LoopIfTrue(t) => Some(t),
            Then::Store(..) => None,
        }
    }

    // --- instructions ---------------------------------------------------

    fn instruction(&mut self, pc: usize, op: Op) {
        match op {
            Op::Nop => self.fall_through(pc),
            Op::LoadNil { dst } => {
                let v = self.konst(enc::NIL);
                self.store(dst, v);
                self.fall_through(pc);
            }
            Op::LoadBool { dst, value } => {
                let v = self.konst(enc::TAG_BOOL | value as u64);
                self.store(dst, v);
                self.fall_through(pc);
            }
            Op::LoadInt { dst, value } => {
                let v = self.konst(enc::TAG_INT | (value as i64 as u64 & enc::PAYLOAD_MASK));
                self.store(dst, v);
                self.fall_through(pc);
            }
            Op::LoadConst { dst, k } => {
                // Numbers are words of their own; heap constants (texts,
                // big integers) belong to one VM's heap, so compiled code
                // (shared between VMs) asks the interpreter for them.
                match self.func.consts.get(k as usize) {
                    Some(v) if v.as_int().is_some() || v.as_float().is_some() => {
                        let w = self.konst(v.bits());
                        self.store(dst, w);
                        self.fall_through(pc);
                    }
                    _ => self.step(pc, None),
                }
            }
            Op::Move { dst, src } => {
                let v = self.load(src);
                self.store(dst, v);
                self.fall_through(pc);
            }
            Op::Add { dst, a, b } => {
                self.arith(pc, IntOp::Add, dst, Operand::Reg(a), Operand::Reg(b))
            }
            Op::Sub { dst, a, b } => {
                self.arith(pc, IntOp::Sub, dst, Operand::Reg(a), Operand::Reg(b))
            }
            Op::Mul { dst, a, b } => {
                self.arith(pc, IntOp::Mul, dst, Operand::Reg(a), Operand::Reg(b))
            }
            Op::Mod { dst, a, b } => {
                self.arith(pc, IntOp::Mod, dst, Operand::Reg(a), Operand::Reg(b))
            }
            Op::BitAnd { dst, a, b } => {
                self.arith(pc, IntOp::And, dst, Operand::Reg(a), Operand::Reg(b))
            }
            Op::BitOr { dst, a, b } => {
                self.arith(pc, IntOp::Or, dst, Operand::Reg(a), Operand::Reg(b))
            }
            Op::BitXor { dst, a, b } => {
                self.arith(pc, IntOp::Xor, dst, Operand::Reg(a), Operand::Reg(b))
            }
            Op::AddI { dst, a, imm } => {
                self.arith(pc, IntOp::Add, dst, Operand::Reg(a), Operand::Imm(imm))
            }
            Op::SubI { dst, a, imm } => {
                self.arith(pc, IntOp::Sub, dst, Operand::Reg(a), Operand::Imm(imm))
            }
            Op::MulI { dst, a, imm } => {
                self.arith(pc, IntOp::Mul, dst, Operand::Reg(a), Operand::Imm(imm))
            }
            Op::ModI { dst, a, imm } => {
                self.arith(pc, IntOp::Mod, dst, Operand::Reg(a), Operand::Imm(imm))
            }
            Op::Div { dst, a, b } => self.divide(pc, dst, a, b),
            Op::Neg { dst, src } => self.negate(pc, dst, src),
            Op::Not { dst, src } => self.not(pc, dst, src),
            op if fused_test(op).is_some() => {
                if let Some((test, a, b, then)) = fused_test(op) {
                    self.test(pc, test, a, b, then);
                }
            }
            Op::JumpIfNotNil { a, target } => {
                let v = self.load(a);
                let nil = self.b.ins().icmp_imm_s(IntCC::Equal, v, enc::NIL as i64);
                self.then(pc, nil, Then::JumpIfFalse(target));
            }
            Op::JumpIfNil { a, target } => {
                let v = self.load(a);
                let nil = self.b.ins().icmp_imm_s(IntCC::Equal, v, enc::NIL as i64);
                self.then(pc, nil, Then::JumpIfTrue(target));
            }
            Op::Jump { target } => {
                let tb = self.blocks[target as usize];
                self.b.ins().jump(tb, &[]);
            }
            Op::Loop { target } => self.loop_back(pc, target),
            Op::GetGlobal { dst, slot } => {
                let m = self.b.ins().iconst(types::I32, self.func.module as i64);
                let s = self.b.ins().iconst(types::I32, slot as i64);
                let (sig, addr) = (self.sigs.get_slot, self.helpers.get_global);
                self.value_helper(pc, sig, addr, &[m, s], Some(dst));
            }
            Op::GetUpval { dst, idx } => {
                let i = self.u32c(idx as u32);
                let (sig, addr) = (self.sigs.get_idx, self.helpers.get_upval);
                self.value_helper(pc, sig, addr, &[i], Some(dst));
            }
            Op::SetUpval { idx, src } => {
                let i = self.u32c(idx as u32);
                let v = self.load(src);
                let (sig, addr) = (self.sigs.set_idx, self.helpers.set_upval);
                self.value_helper(pc, sig, addr, &[i, v], None);
            }
            Op::GetCell { dst, cell } => {
                let c = self.load(cell);
                let (sig, addr) = (self.sigs.get1, self.helpers.get_cell);
                self.value_helper(pc, sig, addr, &[c], Some(dst));
            }
            Op::SetCell { cell, src } => {
                let (c, v) = (self.load(cell), self.load(src));
                let (sig, addr) = (self.sigs.set2, self.helpers.set_cell);
                self.value_helper(pc, sig, addr, &[c, v], None);
            }
            Op::Call { base, argc } => self.call(pc, base, argc, None),
            Op::CallMethod { base, argc, name } => self.call(pc, base, argc, Some(name)),
            Op::Return { src } => {
                let v = self.load(src);
                self.ret(pc, v);
            }
            Op::ReturnNil => {
                let v = self.konst(enc::NIL);
                self.ret(pc, v);
            }
            Op::GetIndex { dst, obj, key } => {
                let (o, k) = (self.load(obj), self.load(key));
                let (sig, addr) = (self.sigs.get2, self.helpers.get_index);
                self.value_helper(pc, sig, addr, &[o, k], Some(dst));
            }
            Op::GetIndexI { dst, obj, idx } => {
                let o = self.load(obj);
                let k = self.konst(enc::TAG_INT | idx as u64);
                let (sig, addr) = (self.sigs.get2, self.helpers.get_index);
                self.value_helper(pc, sig, addr, &[o, k], Some(dst));
            }
            Op::SetIndex { obj, key, src } => {
                let (o, k, v) = (self.load(obj), self.load(key), self.load(src));
                let (sig, addr) = (self.sigs.set3, self.helpers.set_index);
                self.value_helper(pc, sig, addr, &[o, k, v], None);
            }
            Op::SetIndexI { obj, idx, src } => {
                let (o, v) = (self.load(obj), self.load(src));
                let k = self.konst(enc::TAG_INT | idx as u64);
                let (sig, addr) = (self.sigs.set3, self.helpers.set_index);
                self.value_helper(pc, sig, addr, &[o, k, v], None);
            }
            Op::GetAttr { dst, obj, name } => {
                let o = self.load(obj);
                let n = self.b.ins().iconst(types::I32, name as i64);
                let (sig, addr) = (self.sigs.get_named, self.helpers.get_attr);
                self.value_helper(pc, sig, addr, &[o, n], Some(dst));
            }
            Op::SetAttr { obj, name, src } => {
                let (o, v) = (self.load(obj), self.load(src));
                let n = self.b.ins().iconst(types::I32, name as i64);
                let (sig, addr) = (self.sigs.set_named, self.helpers.set_attr);
                self.value_helper(pc, sig, addr, &[o, n, v], None);
            }
            Op::SetGlobal { .. } | Op::MakeCell { .. } | Op::CallLen { .. } => {
                self.helper(self.helpers.fast, pc, None)
            }
            Op::JumpIfFalse { cond, target } => self.truth(pc, cond, Then::JumpIfFalse(target)),
            Op::JumpIfTrue { cond, target } => self.truth(pc, cond, Then::JumpIfTrue(target)),
            other => {
                let target = if other.flags().contains(Flags::BRANCHES) {
                    other.target()
                } else {
                    None
                };
                self.step(pc, target);
            }
        }
    }
}
