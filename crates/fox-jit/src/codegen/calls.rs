//! Calls and returns between compiled functions. A `Call` whose callee is
//! the one its direct-call cache remembers (`fox_vm::jitabi::CallCache`)
//! pushes the callee's frame itself, once the same checks as the runtime
//! pass (safe point, native nesting, depth limit, stack room); otherwise
//! it asks the runtime (`fox_jit_enter_call`/`_method`), which pushes a
//! compiled callee's frame (and fills the cache) or runs any other call
//! itself with the interpreter's semantics. Then compiled code calls the
//! callee's machine code itself. A return pops an ordinary frame inline,
//! or goes to the return helper.

use super::Translator;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{types, InstBuilder, Value as Ir};
use fox_vm::jitabi::{offsets, status};

impl Translator<'_, '_> {
    /// `Call`/`CallMethod` at `pc` with window register `base`.
    pub(super) fn call(&mut self, pc: usize, base: u16, argc: u16, method: Option<u16>) {
        let direct = self.b.create_block();
        let entry = self.b.append_block_param(direct, types::I64);
        let site = self.func.call_index.get(pc).copied().unwrap_or(u32::MAX);
        if method.is_none() && site != u32::MAX {
            let ask = self.b.create_block();
            self.cached_call(pc, base, site, direct, ask);
            self.b.switch_to_block(ask);
        }
        let mut args = vec![
            self.vm,
            self.u32c(pc as u32),
            self.u32c(base as u32),
            self.u32c(argc as u32),
        ];
        let (sig, addr) = match method {
            Some(name) => {
                args.push(self.u32c(name as u32));
                (self.sigs.enter_method, self.helpers.enter_method)
            }
            None => {
                args.push(self.u32c(site));
                (self.sigs.enter_call, self.helpers.enter_call)
            }
        };
        args.push(self.stop);
        let callee = self.b.ins().iconst(types::I64, addr);
        let call = self.b.ins().call_indirect(sig, callee, &args);
        let found = self.b.inst_results(call)[0];
        let is_entry = self.b.ins().icmp_imm_u(
            IntCC::UnsignedGreaterThanOrEqual,
            found,
            fox_vm::jitabi::ENTRY_MIN as i64,
        );
        let general = self.b.create_block();
        self.b
            .ins()
            .brif(is_entry, direct, &[found.into()], general, &[]);

        // Any other call already ran in the helper: `found` is its status.
        self.b.switch_to_block(general);
        self.count_slow(pc);
        let st = self.b.ins().ireduce(types::I32, found);
        self.reload_after(pc);
        self.continue_after(pc, st, None);

        // The direct call: the callee's frame is on top, this frame is the
        // one below it.
        self.b.switch_to_block(direct);
        let pushed = self.vm_word(offsets::VM_FRAMES_LEN);
        let mine = self.b.ins().iadd_imm_s(pushed, -1);
        let callee_regs = self.b.ins().iadd_imm_s(self.regs, 8 * (base as i64 + 1));
        let zero = self.u32c(0);
        let call = self.b.ins().call_indirect(
            self.sigs.entry,
            entry,
            &[self.vm, callee_regs, zero, self.stop],
        );
        let st = self.b.inst_results(call)[0];
        let nesting = self
            .b
            .ins()
            .load(types::I32, self.flags, self.vm, offsets::VM_JIT_NESTING);
        let nesting = self.b.ins().iadd_imm_s(nesting, -1);
        self.b
            .ins()
            .store(self.flags, nesting, self.vm, offsets::VM_JIT_NESTING);
        // Back in this frame exactly after the call (what `run_callee`
        // checks): go on; anything else goes back to the interpreter.
        let back = self.b.create_block();
        let continued = self
            .b
            .ins()
            .icmp_imm_s(IntCC::Equal, st, status::CONTINUE as i64);
        self.b
            .ins()
            .brif(continued, back, &[], self.exit, &[st.into()]);
        self.b.switch_to_block(back);
        let len = self.vm_word(offsets::VM_FRAMES_LEN);
        let same_depth = self.b.ins().icmp(IntCC::Equal, len, mine);
        let check_pc = self.b.create_block();
        self.b
            .ins()
            .brif(same_depth, check_pc, &[], self.exit, &[st.into()]);
        self.b.switch_to_block(check_pc);
        let frame = self.frame_at(mine, -1);
        let resume = self
            .b
            .ins()
            .load(types::I32, self.flags, frame, offsets::FRAME_PC);
        let here = self.b.ins().icmp_imm_s(IntCC::Equal, resume, pc as i64 + 1);
        let next = self.b.create_block();
        self.b.ins().brif(here, next, &[], self.exit, &[st.into()]);
        self.b.switch_to_block(next);
        // The callee wrote its result into the window (and its own
        // registers above it).
        self.reload_after(pc);
        self.fall_through(pc);
    }

    /// The cached direct call of `Call` at `pc` (window `base`, cache
    /// `site`): when the callee is the cached one, it has code and every
    /// check of `Vm::jit_enter_call` passes, push its frame as that does
    /// and go to `direct` with its entry; else go to `ask`.
    fn cached_call(
        &mut self,
        pc: usize,
        base: u16,
        site: u32,
        direct: cranelift_codegen::ir::Block,
        ask: cranelift_codegen::ir::Block,
    ) {
        let callee = self.load(base);
        let len = self.vm_word(offsets::VM_FRAMES_LEN);
        let top = self.frame_at(len, -1);
        let me = self
            .b
            .ins()
            .load(types::I64, self.flags, top, offsets::FRAME_FUNC);
        let caches = self
            .b
            .ins()
            .load(types::I64, self.flags, me, offsets::FUNC_CALL_CACHE);
        let at = site as i32 * offsets::CALL_CACHE_SIZE;
        let cached = self.b.ins().load(
            types::I64,
            self.flags,
            caches,
            at + offsets::CALL_CACHE_CALLEE,
        );
        let hit = self.b.ins().icmp(IntCC::Equal, cached, callee);
        let check = self.b.create_block();
        self.b.ins().brif(hit, check, &[], ask, &[]);

        self.b.switch_to_block(check);
        let target = self.b.ins().load(
            types::I64,
            self.flags,
            caches,
            at + offsets::CALL_CACHE_FUNC,
        );
        let entry = self
            .b
            .ins()
            .load(types::I64, self.flags, target, offsets::FUNC_JIT);
        let has_code = self.b.ins().icmp_imm_s(IntCC::NotEqual, entry, 0);
        // Nothing due at the safe point: no budget, no collection.
        let budget = self.vm_word(offsets::VM_BUDGET);
        let unbudgeted = self.b.ins().icmp_imm_s(IntCC::Equal, budget, -1);
        let bytes = self.vm_word(offsets::VM_HEAP_BYTES);
        let gc_at = self.vm_word(offsets::VM_HEAP_GC_AT);
        let no_gc = self.b.ins().icmp(IntCC::UnsignedLessThan, bytes, gc_at);
        let nesting = self
            .b
            .ins()
            .load(types::I32, self.flags, self.vm, offsets::VM_JIT_NESTING);
        let shallow = self.b.ins().icmp_imm_u(
            IntCC::UnsignedLessThan,
            nesting,
            fox_vm::jitabi::MAX_NATIVE_NESTING as i64,
        );
        let max_depth = self.vm_word(offsets::VM_MAX_DEPTH);
        let depth_ok = self.b.ins().icmp(IntCC::UnsignedLessThan, len, max_depth);
        let cap = self.vm_word(offsets::VM_FRAMES_CAP);
        let slot_ok = self.b.ins().icmp(IntCC::UnsignedLessThan, len, cap);
        // Stack room: the callee's registers (and two spare slots) from
        // the slot after the window.
        let stack = self.vm_word(offsets::VM_STACK_BASE);
        let my_base = self.b.ins().isub(self.regs, stack);
        let my_base = self.b.ins().ushr_imm_u(my_base, 3);
        let window = self.b.ins().iadd_imm_s(my_base, base as i64);
        let new_base = self.b.ins().iadd_imm_s(window, 1);
        let regs = self
            .b
            .ins()
            .load(types::I16, self.flags, target, offsets::FUNC_REGS);
        let regs = self.b.ins().uextend(types::I64, regs);
        let need = self.b.ins().iadd(new_base, regs);
        let need = self.b.ins().iadd_imm_s(need, 2);
        let stack_len = self.vm_word(offsets::VM_STACK_LEN);
        let room = self
            .b
            .ins()
            .icmp(IntCC::UnsignedLessThanOrEqual, need, stack_len);
        let mut ok = has_code;
        for c in [unbudgeted, no_gc, shallow, depth_ok, slot_ok, room] {
            ok = self.b.ins().band(ok, c);
        }
        let push = self.b.create_block();
        self.b.ins().brif(ok, push, &[], ask, &[]);

        self.b.switch_to_block(push);
        let resume = self.u32c(pc as u32 + 1);
        self.b
            .ins()
            .store(self.flags, resume, top, offsets::FRAME_PC);
        let frame = self.frame_at(len, 0);
        let f = self.flags;
        self.b.ins().store(f, target, frame, offsets::FRAME_FUNC);
        let closure = self.b.ins().ireduce(types::I32, callee);
        self.b
            .ins()
            .store(f, closure, frame, offsets::FRAME_CLOSURE);
        let zero = self.u32c(0);
        self.b.ins().store(f, zero, frame, offsets::FRAME_PC);
        let nb = self.b.ins().ireduce(types::I32, new_base);
        self.b.ins().store(f, nb, frame, offsets::FRAME_BASE);
        let ret = self.b.ins().ireduce(types::I32, window);
        self.b.ins().store(f, ret, frame, offsets::FRAME_RET);
        let normal = self.u32c(offsets::FRAME_KIND_NORMAL);
        self.b.ins().store(f, normal, frame, offsets::FRAME_KIND);
        let handlers = self.vm_word(offsets::VM_HANDLERS_LEN);
        let hb = self.b.ins().ireduce(types::I32, handlers);
        self.b
            .ins()
            .store(f, hb, frame, offsets::FRAME_HANDLER_BASE);
        let pushed = self.b.ins().iadd_imm_s(len, 1);
        self.b
            .ins()
            .store(f, pushed, self.vm, offsets::VM_FRAMES_LEN);
        let deeper = self.b.ins().iadd_imm_s(nesting, 1);
        self.b
            .ins()
            .store(f, deeper, self.vm, offsets::VM_JIT_NESTING);
        self.b.ins().jump(direct, &[entry.into()]);
    }

    /// `Return`/`ReturnNil` at `pc` with the value `v`: an ordinary frame
    /// above the running `execute`'s stop with no handler of its own left
    /// is popped here (the interpreter's fast path); anything else goes to
    /// the return helper.
    pub(super) fn ret(&mut self, pc: usize, v: Ir) {
        let slow = self.b.create_block();
        let len = self.vm_word(offsets::VM_FRAMES_LEN);
        let fi = self.b.ins().iadd_imm_s(len, -1);
        // Frames at or below `stop` belong to whoever called `execute`.
        let above = self.b.ins().icmp(IntCC::UnsignedGreaterThan, fi, self.stop);
        let check_kind = self.b.create_block();
        self.b.ins().brif(above, check_kind, &[], slow, &[]);
        self.b.switch_to_block(check_kind);
        let frame = self.frame_at(fi, 0);
        let kind = self
            .b
            .ins()
            .load(types::I32, self.flags, frame, offsets::FRAME_KIND);
        let normal = self
            .b
            .ins()
            .icmp_imm_s(IntCC::Equal, kind, offsets::FRAME_KIND_NORMAL as i64);
        let check_handlers = self.b.create_block();
        self.b.ins().brif(normal, check_handlers, &[], slow, &[]);
        self.b.switch_to_block(check_handlers);
        let hb = self
            .b
            .ins()
            .load(types::I32, self.flags, frame, offsets::FRAME_HANDLER_BASE);
        let hb = self.b.ins().uextend(types::I64, hb);
        let handlers = self.vm_word(offsets::VM_HANDLERS_LEN);
        let none_open = self
            .b
            .ins()
            .icmp(IntCC::UnsignedLessThanOrEqual, handlers, hb);
        let pop = self.b.create_block();
        self.b.ins().brif(none_open, pop, &[], slow, &[]);
        self.b.switch_to_block(pop);
        let ret = self
            .b
            .ins()
            .load(types::I32, self.flags, frame, offsets::FRAME_RET);
        let ret = self.b.ins().uextend(types::I64, ret);
        self.b
            .ins()
            .store(self.flags, fi, self.vm, offsets::VM_FRAMES_LEN);
        let stack = self.vm_word(offsets::VM_STACK_BASE);
        let at = self.b.ins().ishl_imm_u(ret, 3);
        let at = self.b.ins().iadd(stack, at);
        self.b.ins().store(self.flags, v, at, 0);
        let st = self.u32c(status::CONTINUE);
        self.b.ins().jump(self.exit, &[st.into()]);

        self.b.switch_to_block(slow);
        self.count_slow(pc);
        let args = [self.u32c(pc as u32), v];
        let (sig, addr) = (self.sigs.ret, self.helpers.ret);
        self.status_helper(pc, sig, addr, &args);
    }

    /// The address of frame `index + delta` of the frame stack.
    fn frame_at(&mut self, index: Ir, delta: i64) -> Ir {
        let frames = self.vm_word(offsets::VM_FRAMES_ADDR);
        let i = self.b.ins().iadd_imm_s(index, delta);
        let off = self.b.ins().imul_imm_s(i, offsets::FRAME_SIZE as i64);
        self.b.ins().iadd(frames, off)
    }
}
