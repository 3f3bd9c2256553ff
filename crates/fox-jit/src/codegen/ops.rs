//! The instructions with fast paths of their own: arithmetic (inline
//! integers with overflow checks, floats, mixes), division, negation,
//! `tidak`, truth tests, ordering comparisons and equality, each falling
//! back to a runtime helper where the fast path does not decide.

use super::{IntOp, Operand, Order, Test, Then, Translator};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{types, Block, InstBuilder, Value as Ir};
use fox_vm::jitabi::encoding as enc;

impl Translator<'_, '_> {
    /// Integer (and, for `+ - *`, float) arithmetic inline; anything else
    /// (big integers, overflow, division by zero, texts, errors) in the
    /// interpreter.
    pub(super) fn arith(&mut self, pc: usize, op: IntOp, dst: u16, a: Operand, b: Operand) {
        let (x, _) = self.int_operand(a);
        let (y, y_reg) = self.int_operand(b);
        let slow = self.arith_slow_block(pc, op, dst, a, b);
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

    /// A block that runs arithmetic instruction `pc` (`op` on operands
    /// `a` and `b`, result to `dst`) where its inline paths do not apply:
    /// the arithmetic helper gives the result (texts, big integers,
    /// overflow, mixed types) or `FAILED` with the error pending, when
    /// compiled code returns `ERROR` as after any helper that raised. The
    /// operands are read again from the frame (current, by write-through),
    /// so the fast path's values need not live until here.
    fn arith_slow_block(
        &mut self,
        pc: usize,
        op: IntOp,
        dst: u16,
        a: Operand,
        b: Operand,
    ) -> Block {
        use fox_vm::jitabi::helpers::{arith_op, FAILED};
        let current = self.b.current_block();
        let slow = self.b.create_block();
        self.b.switch_to_block(slow);
        self.count_slow(pc);
        let word = |t: &mut Self, o: Operand| match o {
            Operand::Reg(r) => t.load_frame(r),
            Operand::Imm(i) => t.konst(enc::TAG_INT | (i as i64 as u64 & enc::PAYLOAD_MASK)),
        };
        let x = word(self, a);
        let y = word(self, b);
        let kind = match op {
            IntOp::Add => arith_op::ADD,
            IntOp::Sub => arith_op::SUB,
            IntOp::Mul => arith_op::MUL,
            IntOp::Mod => arith_op::MOD,
            IntOp::And => arith_op::AND,
            IntOp::Or => arith_op::OR,
            IntOp::Xor => arith_op::XOR,
        };
        let callee = self.b.ins().iconst(types::I64, self.helpers.arith);
        let pc_v = self.u32c(pc as u32);
        let kind = self.u32c(kind);
        let call =
            self.b
                .ins()
                .call_indirect(self.sigs.arith, callee, &[self.vm, pc_v, kind, x, y]);
        let r = self.b.inst_results(call)[0];
        let failed = self.b.ins().icmp_imm_s(IntCC::Equal, r, FAILED as i64);
        let raised = self.b.create_block();
        let done = self.b.create_block();
        self.b.ins().brif(failed, raised, &[], done, &[]);
        self.b.switch_to_block(raised);
        let st = self.u32c(fox_vm::jitabi::status::ERROR);
        self.b.ins().jump(self.exit, &[st.into()]);
        self.b.switch_to_block(done);
        self.store(dst, r);
        self.fall_through(pc);
        if let Some(c) = current {
            self.b.switch_to_block(c);
        }
        slow
    }

    /// `/`: two floats or two integers (exact in f64: 48 bits) with a
    /// non-zero divisor inline.
    pub(super) fn divide(&mut self, pc: usize, dst: u16, a: u16, b: u16) {
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
    pub(super) fn negate(&mut self, pc: usize, dst: u16, src: u16) {
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
    pub(super) fn not(&mut self, pc: usize, dst: u16, src: u16) {
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
    pub(super) fn truth(&mut self, pc: usize, cond: u16, then: Then) {
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
    pub(super) fn compare(&mut self, pc: usize, order: Order, a: u16, b: Operand, then: Then) {
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

    /// A comparison instruction (see `fused_test`).
    pub(super) fn test(&mut self, pc: usize, test: Test, a: u16, b: Operand, then: Then) {
        match test {
            Test::Order(order) => self.compare(pc, order, a, b, then),
            Test::Equal => self.equal(pc, Operand::Reg(a), b, then),
            Test::NotEqual => match then {
                Then::LoopIfTrue(t) => self.not_equal_loop(pc, Operand::Reg(a), b, t),
                other => {
                    let c = self.equality(pc, Operand::Reg(a), b, Self::target_of(other));
                    let ne = self.b.ins().bxor_imm_u(c, 1);
                    self.then(pc, ne, other);
                }
            },
        }
    }

    /// `==`: words that decide it inline (the same non-float word, two
    /// inline integers, nil against anything); the rest in the interpreter.
    pub(super) fn equal(&mut self, pc: usize, a: Operand, b: Operand, then: Then) {
        let c = self.equality(pc, a, b, Self::target_of(then));
        self.then(pc, c, then);
    }

    /// `LoopIfNe*`: loop while the operands differ.
    pub(super) fn not_equal_loop(&mut self, pc: usize, a: Operand, b: Operand, target: u32) {
        let c = self.equality(pc, a, b, Some(target));
        let ne = self.b.ins().bxor_imm_u(c, 1);
        self.then(pc, ne, Then::LoopIfTrue(target));
    }

    /// The equality of two operands as an i8, leaving the builder in the
    /// block where it is known; undecided cases go to the step helper.
    pub(super) fn equality(
        &mut self,
        pc: usize,
        a: Operand,
        b: Operand,
        target: Option<u32>,
    ) -> Ir {
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
