//! Bytecode to Cranelift IR, one function at a time, over the
//! interpreter's frame (see `fox_vm::jitabi`). Every instruction gets a
//! block; the entry block jumps to the block of the pc the function is
//! entered at, so compiled code can start at any instruction (a call, a
//! loop header while it runs: on-stack replacement, a handler, the
//! instruction after a call the interpreter finished).
//!
//! Registers stay in the frame: each instruction loads its operands from
//! `regs` and stores its result there. Fast paths (inline integers and
//! floats, booleans, nil, moves and jumps) are machine code; every other
//! case calls the step helper, which runs that instruction in the
//! interpreter. A fast path therefore only has to be right where it
//! applies, and must apply exactly where the interpreter's own fast path
//! would give the same answer.

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    types, AbiParam, Block, InstBuilder, MemFlagsData, SigRef, Signature, Value as Ir,
};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, Switch};
use fox_bytecode::{Flags, Op};
use fox_vm::jitabi::{encoding as enc, offsets, status};
use fox_vm::object::FuncInfo;

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
    /// Calls and returns (statuses, as `step`).
    pub call: i64,
    pub call_method: i64,
    pub ret: i64,
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
    /// (vm, pc, window, argc, stop) -> status: `call`.
    call: SigRef,
    /// (vm, pc, window, argc, name, stop) -> status: `call_method`.
    call_method: SigRef,
    /// (vm, pc, word, stop) -> status: `ret`.
    ret: SigRef,
    /// (vm, word, u32) -> word: `get_attr`.
    get_named: SigRef,
    /// (vm, word, u32, word) -> u32: `set_attr`.
    set_named: SigRef,
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
            call: b.import_signature(helper_signature(call_conv, &[u, u, u, w], u)),
            call_method: b.import_signature(helper_signature(call_conv, &[u, u, u, u, w], u)),
            ret: b.import_signature(helper_signature(call_conv, &[u, w, w], u)),
            get_named: b.import_signature(helper_signature(call_conv, &[w, u], w)),
            set_named: b.import_signature(helper_signature(call_conv, &[w, u, w], u)),
        };
        // Enter at any instruction; a pc past the code (never given by the
        // interpreter, which checks it) is an internal error.
        let bad = b.create_block();
        let mut switch = Switch::new();
        for (i, block) in blocks.iter().enumerate() {
            switch.set_entry(i as u128, *block);
        }
        switch.emit(&mut b, pc, bad);
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
            flags: MemFlagsData::trusted(),
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

    fn load(&mut self, r: u16) -> Ir {
        self.b
            .ins()
            .load(types::I64, self.flags, self.regs, 8 * r as i32)
    }

    fn store(&mut self, r: u16, v: Ir) {
        self.b.ins().store(self.flags, v, self.regs, 8 * r as i32);
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
        let bytes = self
            .b
            .ins()
            .load(types::I64, self.flags, self.vm, offsets::VM_HEAP_BYTES);
        let gc_at = self
            .b
            .ins()
            .load(types::I64, self.flags, self.vm, offsets::VM_HEAP_GC_AT);
        let gc = self
            .b
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, bytes, gc_at);
        let no_gc = self.b.create_block();
        self.b.ins().brif(gc, slow, &[], no_gc, &[]);
        self.b.switch_to_block(no_gc);
        let budget = self
            .b
            .ins()
            .load(types::I64, self.flags, self.vm, offsets::VM_BUDGET);
        let unlimited = self.b.ins().icmp_imm_s(IntCC::Equal, budget, -1);
        let counted = self.b.create_block();
        self.b.ins().brif(unlimited, tb, &[], counted, &[]);
        self.b.switch_to_block(counted);
        let spent = self
            .b
            .ins()
            .load(types::I64, self.flags, self.vm, offsets::VM_OP_SPENT);
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
            Op::Eq { dst, a, b } => self.equal(
                pc,
                Operand::Reg(a),
                Operand::Reg(b),
                Then::Store(dst, false),
            ),
            Op::Ne { dst, a, b } => {
                self.equal(pc, Operand::Reg(a), Operand::Reg(b), Then::Store(dst, true))
            }
            Op::Lt { dst, a, b } => {
                self.compare(pc, Order::Lt, a, Operand::Reg(b), Then::Store(dst, false))
            }
            Op::Le { dst, a, b } => {
                self.compare(pc, Order::Le, a, Operand::Reg(b), Then::Store(dst, false))
            }
            Op::Gt { dst, a, b } => {
                self.compare(pc, Order::Gt, a, Operand::Reg(b), Then::Store(dst, false))
            }
            Op::Ge { dst, a, b } => {
                self.compare(pc, Order::Ge, a, Operand::Reg(b), Then::Store(dst, false))
            }
            Op::JumpIfNotLt { a, b, target } => self.compare(
                pc,
                Order::Lt,
                a,
                Operand::Reg(b),
                Then::JumpIfFalse(target as u32),
            ),
            Op::JumpIfNotLe { a, b, target } => self.compare(
                pc,
                Order::Le,
                a,
                Operand::Reg(b),
                Then::JumpIfFalse(target as u32),
            ),
            Op::JumpIfNotGt { a, b, target } => self.compare(
                pc,
                Order::Gt,
                a,
                Operand::Reg(b),
                Then::JumpIfFalse(target as u32),
            ),
            Op::JumpIfNotGe { a, b, target } => self.compare(
                pc,
                Order::Ge,
                a,
                Operand::Reg(b),
                Then::JumpIfFalse(target as u32),
            ),
            Op::JumpIfNotEq { a, b, target } => self.equal(
                pc,
                Operand::Reg(a),
                Operand::Reg(b),
                Then::JumpIfFalse(target as u32),
            ),
            Op::JumpIfNotNe { a, b, target } => self.equal(
                pc,
                Operand::Reg(a),
                Operand::Reg(b),
                Then::JumpIfTrue(target as u32),
            ),
            Op::JumpIfNotLtI { a, imm, target } => self.compare(
                pc,
                Order::Lt,
                a,
                Operand::Imm(imm),
                Then::JumpIfFalse(target as u32),
            ),
            Op::JumpIfNotLeI { a, imm, target } => self.compare(
                pc,
                Order::Le,
                a,
                Operand::Imm(imm),
                Then::JumpIfFalse(target as u32),
            ),
            Op::JumpIfNotGtI { a, imm, target } => self.compare(
                pc,
                Order::Gt,
                a,
                Operand::Imm(imm),
                Then::JumpIfFalse(target as u32),
            ),
            Op::JumpIfNotGeI { a, imm, target } => self.compare(
                pc,
                Order::Ge,
                a,
                Operand::Imm(imm),
                Then::JumpIfFalse(target as u32),
            ),
            Op::JumpIfNotEqI { a, imm, target } => self.equal(
                pc,
                Operand::Reg(a),
                Operand::Imm(imm),
                Then::JumpIfFalse(target as u32),
            ),
            Op::JumpIfNotNeI { a, imm, target } => self.equal(
                pc,
                Operand::Reg(a),
                Operand::Imm(imm),
                Then::JumpIfTrue(target as u32),
            ),
            Op::LoopIfLt { a, b, target } => self.compare(
                pc,
                Order::Lt,
                a,
                Operand::Reg(b),
                Then::LoopIfTrue(target as u32),
            ),
            Op::LoopIfLe { a, b, target } => self.compare(
                pc,
                Order::Le,
                a,
                Operand::Reg(b),
                Then::LoopIfTrue(target as u32),
            ),
            Op::LoopIfGt { a, b, target } => self.compare(
                pc,
                Order::Gt,
                a,
                Operand::Reg(b),
                Then::LoopIfTrue(target as u32),
            ),
            Op::LoopIfGe { a, b, target } => self.compare(
                pc,
                Order::Ge,
                a,
                Operand::Reg(b),
                Then::LoopIfTrue(target as u32),
            ),
            Op::LoopIfEq { a, b, target } => self.equal(
                pc,
                Operand::Reg(a),
                Operand::Reg(b),
                Then::LoopIfTrue(target as u32),
            ),
            Op::LoopIfNe { a, b, target } => {
                // Loop while the operands differ: negate the equality.
                self.not_equal_loop(pc, Operand::Reg(a), Operand::Reg(b), target as u32)
            }
            Op::LoopIfLtI { a, imm, target } => self.compare(
                pc,
                Order::Lt,
                a,
                Operand::Imm(imm),
                Then::LoopIfTrue(target as u32),
            ),
            Op::LoopIfLeI { a, imm, target } => self.compare(
                pc,
                Order::Le,
                a,
                Operand::Imm(imm),
                Then::LoopIfTrue(target as u32),
            ),
            Op::LoopIfGtI { a, imm, target } => self.compare(
                pc,
                Order::Gt,
                a,
                Operand::Imm(imm),
                Then::LoopIfTrue(target as u32),
            ),
            Op::LoopIfGeI { a, imm, target } => self.compare(
                pc,
                Order::Ge,
                a,
                Operand::Imm(imm),
                Then::LoopIfTrue(target as u32),
            ),
            Op::LoopIfEqI { a, imm, target } => self.equal(
                pc,
                Operand::Reg(a),
                Operand::Imm(imm),
                Then::LoopIfTrue(target as u32),
            ),
            Op::LoopIfNeI { a, imm, target } => {
                self.not_equal_loop(pc, Operand::Reg(a), Operand::Imm(imm), target as u32)
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
            Op::Call { base, argc } => {
                let args = [
                    self.u32c(pc as u32),
                    self.u32c(base as u32),
                    self.u32c(argc as u32),
                ];
                let (sig, addr) = (self.sigs.call, self.helpers.call);
                self.status_helper(pc, sig, addr, &args);
            }
            Op::CallMethod { base, argc, name } => {
                let args = [
                    self.u32c(pc as u32),
                    self.u32c(base as u32),
                    self.u32c(argc as u32),
                    self.u32c(name as u32),
                ];
                let (sig, addr) = (self.sigs.call_method, self.helpers.call_method);
                self.status_helper(pc, sig, addr, &args);
            }
            Op::Return { src } => {
                let v = self.load(src);
                let args = [self.u32c(pc as u32), v];
                let (sig, addr) = (self.sigs.ret, self.helpers.ret);
                self.status_helper(pc, sig, addr, &args);
            }
            Op::ReturnNil => {
                let v = self.konst(enc::NIL);
                let args = [self.u32c(pc as u32), v];
                let (sig, addr) = (self.sigs.ret, self.helpers.ret);
                self.status_helper(pc, sig, addr, &args);
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

    /// Integer (and, for `+ - *`, float) arithmetic inline; anything else
    /// (big integers, overflow, division by zero, texts, errors) in the
    /// interpreter.
    fn arith(&mut self, pc: usize, op: IntOp, dst: u16, a: Operand, b: Operand) {
        let (x, _) = self.int_operand(a);
        let (y, y_reg) = self.int_operand(b);
        let slow = self.slow_block(pc, None);
        let int_block = self.b.create_block();
        let float_check = self.b.create_block();
        let xi = self.is_int(x);
        let both = match y_reg {
            Some(y) => {
                let yi = self.is_int(y);
                self.b.ins().band(xi, yi)
            }
            None => xi,
        };
        self.b.ins().brif(both, int_block, &[], float_check, &[]);

        // Floats: `+ - *` of two numbers, at least one a float (the rest
        // in the interpreter).
        self.b.switch_to_block(float_check);
        match op {
            IntOp::Add | IntOp::Sub | IntOp::Mul => {
                let (xn, p) = self.number_as_f64(x);
                let (yn, q) = self.number_as_f64(y);
                let both_n = self.b.ins().band(xn, yn);
                let float_block = self.b.create_block();
                self.b.ins().brif(both_n, float_block, &[], slow, &[]);
                self.b.switch_to_block(float_block);
                let r = match op {
                    IntOp::Add => self.b.ins().fadd(p, q),
                    IntOp::Sub => self.b.ins().fsub(p, q),
                    _ => self.b.ins().fmul(p, q),
                };
                let v = self.float_value(r);
                self.store(dst, v);
                self.fall_through(pc);
            }
            _ => {
                self.b.ins().jump(slow, &[]);
            }
        }

        self.b.switch_to_block(int_block);
        let i = self.untag_int(x);
        let j = self.untag_int(y);
        let (r, ok) = match op {
            IntOp::Add | IntOp::Sub => {
                // 48-bit operands: the i64 result cannot overflow.
                let r = match op {
                    IntOp::Add => self.b.ins().iadd(i, j),
                    _ => self.b.ins().isub(i, j),
                };
                let ok = self.fits_int(r);
                (r, ok)
            }
            IntOp::Mul => {
                let lo = self.b.ins().imul(i, j);
                let hi = self.b.ins().smulhi(i, j);
                let sign = self.b.ins().sshr_imm_u(lo, 63);
                let no_overflow = self.b.ins().icmp(IntCC::Equal, hi, sign);
                let fits = self.fits_int(lo);
                let ok = self.b.ins().band(no_overflow, fits);
                (lo, ok)
            }
            IntOp::Mod => {
                // Floor modulo; a zero divisor raises in the interpreter.
                let nonzero = self.b.ins().icmp_imm_s(IntCC::NotEqual, j, 0);
                let divide = self.b.create_block();
                self.b.ins().brif(nonzero, divide, &[], slow, &[]);
                self.b.switch_to_block(divide);
                let rem = self.b.ins().srem(i, j);
                let signs = self.b.ins().bxor(rem, j);
                let differ = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, signs, 0);
                let has_rem = self.b.ins().icmp_imm_s(IntCC::NotEqual, rem, 0);
                let adjust = self.b.ins().band(differ, has_rem);
                let adjusted = self.b.ins().iadd(rem, j);
                let r = self.b.ins().select(adjust, adjusted, rem);
                let ok = self.b.ins().iconst(types::I8, 1);
                (r, ok)
            }
            IntOp::And | IntOp::Or | IntOp::Xor => {
                let r = match op {
                    IntOp::And => self.b.ins().band(i, j),
                    IntOp::Or => self.b.ins().bor(i, j),
                    _ => self.b.ins().bxor(i, j),
                };
                let ok = self.b.ins().iconst(types::I8, 1);
                (r, ok)
            }
        };
        let store = self.b.create_block();
        self.b.ins().brif(ok, store, &[], slow, &[]);
        self.b.switch_to_block(store);
        let v = self.tag_int(r);
        self.store(dst, v);
        self.fall_through(pc);
    }

    /// `/`: two floats or two integers (exact in f64: 48 bits) with a
    /// non-zero divisor inline.
    fn divide(&mut self, pc: usize, dst: u16, a: u16, b: u16) {
        let x = self.load(a);
        let y = self.load(b);
        let slow = self.slow_block(pc, None);
        let ints = self.b.create_block();
        let float_check = self.b.create_block();
        let floats = self.b.create_block();
        let done = self.b.create_block();
        self.b.append_block_param(done, types::F64);
        let xi = self.is_int(x);
        let yi = self.is_int(y);
        let both_i = self.b.ins().band(xi, yi);
        self.b.ins().brif(both_i, ints, &[], float_check, &[]);

        self.b.switch_to_block(ints);
        let i = self.untag_int(x);
        let j = self.untag_int(y);
        let nonzero = self.b.ins().icmp_imm_s(IntCC::NotEqual, j, 0);
        let p = self.b.ins().fcvt_from_sint(types::F64, i);
        let q = self.b.ins().fcvt_from_sint(types::F64, j);
        let r = self.b.ins().fdiv(p, q);
        self.b.ins().brif(nonzero, done, &[r.into()], slow, &[]);

        self.b.switch_to_block(float_check);
        let (xn, p) = self.number_as_f64(x);
        let (yn, q) = self.number_as_f64(y);
        let both_n = self.b.ins().band(xn, yn);
        self.b.ins().brif(both_n, floats, &[], slow, &[]);

        self.b.switch_to_block(floats);
        let zero = self.b.ins().f64const(0.0);
        let nonzero = self.b.ins().fcmp(FloatCC::NotEqual, q, zero);
        let r = self.b.ins().fdiv(p, q);
        self.b.ins().brif(nonzero, done, &[r.into()], slow, &[]);

        self.b.switch_to_block(done);
        let r = self.b.block_params(done)[0];
        let v = self.float_value(r);
        self.store(dst, v);
        self.fall_through(pc);
    }

    /// Unary minus: inline integers (but the smallest, whose negation
    /// does not fit) and floats inline.
    fn negate(&mut self, pc: usize, dst: u16, src: u16) {
        let x = self.load(src);
        let slow = self.slow_block(pc, None);
        let ints = self.b.create_block();
        let float_check = self.b.create_block();
        let floats = self.b.create_block();
        let xi = self.is_int(x);
        self.b.ins().brif(xi, ints, &[], float_check, &[]);

        self.b.switch_to_block(ints);
        let i = self.untag_int(x);
        let not_min = self.b.ins().icmp_imm_s(IntCC::NotEqual, i, enc::INT_MIN);
        let store = self.b.create_block();
        self.b.ins().brif(not_min, store, &[], slow, &[]);
        self.b.switch_to_block(store);
        let n = self.b.ins().ineg(i);
        let v = self.tag_int(n);
        self.store(dst, v);
        self.fall_through(pc);

        self.b.switch_to_block(float_check);
        let xf = self.is_float(x);
        self.b.ins().brif(xf, floats, &[], slow, &[]);
        self.b.switch_to_block(floats);
        let p = self.as_f64(x);
        let n = self.b.ins().fneg(p);
        let v = self.float_value(n);
        self.store(dst, v);
        self.fall_through(pc);
    }

    /// `tidak x` of a boolean inline.
    fn not(&mut self, pc: usize, dst: u16, src: u16) {
        let x = self.load(src);
        let slow = self.slow_block(pc, None);
        let top = self.b.ins().ushr_imm_u(x, 1);
        let is_bool = self
            .b
            .ins()
            .icmp_imm_s(IntCC::Equal, top, (enc::TAG_BOOL >> 1) as i64);
        let flip = self.b.create_block();
        self.b.ins().brif(is_bool, flip, &[], slow, &[]);
        self.b.switch_to_block(flip);
        let v = self.b.ins().bxor_imm_u(x, 1);
        self.store(dst, v);
        self.fall_through(pc);
    }

    /// The truth of a condition: booleans and nil inline.
    fn truth(&mut self, pc: usize, cond: u16, then: Then) {
        let x = self.load(cond);
        let slow = self.slow_block(pc, Self::target_of(then));
        let is_true = self.b.ins().icmp_imm_s(IntCC::Equal, x, enc::TRUE as i64);
        let known_false_block = self.b.create_block();
        let decided = self.b.create_block();
        self.b.append_block_param(decided, types::I8);
        let one = self.b.ins().iconst(types::I8, 1);
        self.b
            .ins()
            .brif(is_true, decided, &[one.into()], known_false_block, &[]);
        self.b.switch_to_block(known_false_block);
        let is_false = self.b.ins().icmp_imm_s(IntCC::Equal, x, enc::FALSE as i64);
        let is_nil = self.b.ins().icmp_imm_s(IntCC::Equal, x, enc::NIL as i64);
        let falsy = self.b.ins().bor(is_false, is_nil);
        let zero = self.b.ins().iconst(types::I8, 0);
        self.b.ins().brif(falsy, decided, &[zero.into()], slow, &[]);
        self.b.switch_to_block(decided);
        let c = self.b.block_params(decided)[0];
        self.then(pc, c, then);
    }

    /// An ordering comparison: two inline integers or two floats inline.
    fn compare(&mut self, pc: usize, order: Order, a: u16, b: Operand, then: Then) {
        let x = self.load(a);
        let (y, y_reg) = self.int_operand(b);
        let slow = self.slow_block(pc, Self::target_of(then));
        let ints = self.b.create_block();
        let decided = self.b.create_block();
        self.b.append_block_param(decided, types::I8);
        let xi = self.is_int(x);
        let both = match y_reg {
            Some(y) => {
                let yi = self.is_int(y);
                self.b.ins().band(xi, yi)
            }
            None => xi,
        };
        let float_check = self.b.create_block();
        self.b.ins().brif(both, ints, &[], float_check, &[]);

        self.b.switch_to_block(ints);
        let i = self.untag_int(x);
        let j = self.untag_int(y);
        let c = self.b.ins().icmp(order.int(), i, j);
        self.b.ins().jump(decided, &[c.into()]);

        // Two numbers, at least one a float: compared as f64 (exact for
        // inline integers).
        self.b.switch_to_block(float_check);
        let (xn, p) = self.number_as_f64(x);
        let (yn, q) = self.number_as_f64(y);
        let both_n = self.b.ins().band(xn, yn);
        let floats = self.b.create_block();
        self.b.ins().brif(both_n, floats, &[], slow, &[]);
        self.b.switch_to_block(floats);
        let c = self.b.ins().fcmp(order.float(), p, q);
        self.b.ins().jump(decided, &[c.into()]);

        self.b.switch_to_block(decided);
        let c = self.b.block_params(decided)[0];
        self.then(pc, c, then);
    }

    /// `==`: words that decide it inline (the same non-float word, two
    /// inline integers, nil against anything); the rest in the interpreter.
    fn equal(&mut self, pc: usize, a: Operand, b: Operand, then: Then) {
        let c = self.equality(pc, a, b, Self::target_of(then));
        self.then(pc, c, then);
    }

    /// `LoopIfNe*`: loop while the operands differ.
    fn not_equal_loop(&mut self, pc: usize, a: Operand, b: Operand, target: u32) {
        let c = self.equality(pc, a, b, Some(target));
        let ne = self.b.ins().bxor_imm_u(c, 1);
        self.then(pc, ne, Then::LoopIfTrue(target));
    }

    /// The equality of two operands as an i8, leaving the builder in the
    /// block where it is known; undecided cases go to the step helper.
    fn equality(&mut self, pc: usize, a: Operand, b: Operand, target: Option<u32>) -> Ir {
        let (x, _) = self.int_operand(a);
        let (y, _) = self.int_operand(b);
        let slow = self.slow_block(pc, target);
        let decided = self.b.create_block();
        self.b.append_block_param(decided, types::I8);
        // The same word, not a float (NaN differs from itself): equal.
        let same = self.b.ins().icmp(IntCC::Equal, x, y);
        let xf = self.is_float(x);
        let not_float = self.b.ins().bxor_imm_u(xf, 1);
        let same_word = self.b.ins().band(same, not_float);
        let check_ints = self.b.create_block();
        let one = self.b.ins().iconst(types::I8, 1);
        self.b
            .ins()
            .brif(same_word, decided, &[one.into()], check_ints, &[]);

        // Two inline integers: by value (different words, so unequal).
        self.b.switch_to_block(check_ints);
        let xi = self.is_int(x);
        let yi = self.is_int(y);
        let both = self.b.ins().band(xi, yi);
        let x_nil = self.b.ins().icmp_imm_s(IntCC::Equal, x, enc::NIL as i64);
        let y_nil = self.b.ins().icmp_imm_s(IntCC::Equal, y, enc::NIL as i64);
        let nil = self.b.ins().bor(x_nil, y_nil);
        let known = self.b.ins().bor(both, nil);
        let zero = self.b.ins().iconst(types::I8, 0);
        self.b.ins().brif(known, decided, &[zero.into()], slow, &[]);

        self.b.switch_to_block(decided);
        self.b.block_params(decided)[0]
    }
}
