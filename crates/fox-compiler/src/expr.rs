//! Expression compilation: every expression is compiled into a destination
//! register; plain locals are used in place without a move; conditions compile
//! to (fused) branches; `dan`/`atau` short-circuit and return an operand.

use crate::compiler::{Compiler, Resolved};
use crate::fold::{fold, ConstVal};
use fox_bytecode::{Const, Op, Reg};
use morph_syntax::ast::*;
use morph_syntax::diagnostic::codes;
use std::rc::Rc;

/// Keep fused branches (16-bit targets) well inside their range.
const FUSED_LIMIT: u32 = 30_000;

impl<'a, 'i> Compiler<'a, 'i> {
    /// Compile `e` and return a register holding its value: a plain local's
    /// own register, or a fresh temporary.
    pub fn expr_reg(&mut self, e: &'a Expr) -> Reg {
        if let ExprKind::Name(n) = &e.kind {
            if let Some(r) = self.local_reg(n) {
                return r;
            }
        }
        if let ExprKind::This = &e.kind {
            if let Some(r) = self.local_reg("ini") {
                return r;
            }
        }
        let r = self.f().alloc();
        self.expr_to(e, r);
        r
    }

    pub fn load_const(&mut self, c: ConstVal, dst: Reg) {
        match c {
            ConstVal::Nil => {
                self.emit(Op::LoadNil { dst });
            }
            ConstVal::Bool(value) => {
                self.emit(Op::LoadBool { dst, value });
            }
            ConstVal::Int(i) => {
                if let Ok(value) = i32::try_from(i) {
                    self.emit(Op::LoadInt { dst, value });
                } else {
                    let k = self.f().int_const(i);
                    self.emit(Op::LoadConst { dst, k });
                }
            }
            ConstVal::Float(f) => {
                let k = self.f().other_const(Const::Float(f));
                self.emit(Op::LoadConst { dst, k });
            }
            ConstVal::Str(s) => {
                let k = self.f().str_const(&s);
                self.emit(Op::LoadConst { dst, k });
            }
        }
    }

    /// Compile `e` into register `dst`.
    pub fn expr_to(&mut self, e: &'a Expr, dst: Reg) {
        self.set_pos(e.span);
        let mark = self.f().mark();
        match &e.kind {
            ExprKind::Nil => self.load_const(ConstVal::Nil, dst),
            ExprKind::Bool(b) => self.load_const(ConstVal::Bool(*b), dst),
            ExprKind::Int(i) => self.load_const(ConstVal::Int(*i), dst),
            ExprKind::Float(x) => self.load_const(ConstVal::Float(*x), dst),
            ExprKind::Str(s) => {
                let k = self.f().str_const(s);
                self.emit(Op::LoadConst { dst, k });
            }
            ExprKind::BigInt(digits) => {
                let k = self
                    .f()
                    .other_const(Const::BigInt(Rc::from(digits.as_str())));
                self.emit(Op::LoadConst { dst, k });
            }
            ExprKind::Interp(parts) => {
                let start = self.f().alloc_n(parts.len().max(1));
                for (i, p) in parts.iter().enumerate() {
                    let r = start.wrapping_add(i as Reg);
                    match p {
                        InterpPart::Text(t) => {
                            let k = self.f().str_const(t);
                            self.emit(Op::LoadConst { dst: r, k });
                        }
                        InterpPart::Expr(x) => self.expr_to(x, r),
                    }
                }
                self.set_pos(e.span);
                self.emit(Op::Interp {
                    dst,
                    start,
                    count: parts.len() as u16,
                });
            }
            ExprKind::Name(n) => self.load_name(n, dst),
            ExprKind::This => self.load_name("ini", dst),
            ExprKind::Super(name) => {
                let n = self.name_idx(&name.name);
                self.emit(Op::GetSuper { dst, name: n });
            }
            ExprKind::List(items) => {
                let start = self.f().alloc_n(items.len().max(1));
                for (i, x) in items.iter().enumerate() {
                    self.expr_to(x, start.wrapping_add(i as Reg));
                }
                self.set_pos(e.span);
                self.emit(Op::NewList {
                    dst,
                    start,
                    count: items.len() as u16,
                });
            }
            ExprKind::Dict(pairs) => {
                let start = self.f().alloc_n((pairs.len() * 2).max(1));
                for (i, (k, v)) in pairs.iter().enumerate() {
                    self.expr_to(k, start.wrapping_add((2 * i) as Reg));
                    self.expr_to(v, start.wrapping_add((2 * i + 1) as Reg));
                }
                self.set_pos(e.span);
                self.emit(Op::NewDict {
                    dst,
                    start,
                    count: pairs.len() as u16,
                });
            }
            ExprKind::Unary(op, x) => {
                if let Some(c) = fold(e) {
                    self.load_const(c, dst);
                } else {
                    let src = self.expr_reg(x);
                    self.set_pos(e.span);
                    self.emit(match op {
                        UnaryOp::Neg => Op::Neg { dst, src },
                        UnaryOp::Not => Op::Not { dst, src },
                        UnaryOp::BitNot => Op::BitNot { dst, src },
                    });
                }
            }
            ExprKind::Binary(op, a, b) => self.binary(e, *op, a, b, dst),
            ExprKind::And(a, b) => {
                self.expr_to(a, dst);
                let j = self.emit(Op::JumpIfFalse {
                    cond: dst,
                    target: 0,
                });
                self.expr_to(b, dst);
                self.f().patch_here(j);
            }
            ExprKind::Or(a, b) => {
                self.expr_to(a, dst);
                let j = self.emit(Op::JumpIfTrue {
                    cond: dst,
                    target: 0,
                });
                self.expr_to(b, dst);
                self.f().patch_here(j);
            }
            ExprKind::Ternary(c, a, b) => {
                let else_jumps = self.cond_false_jumps(c);
                self.expr_to(a, dst);
                let end = self.emit(Op::Jump { target: 0 });
                self.patch_list(&else_jumps, e.span);
                self.expr_to(b, dst);
                self.f().patch_here(end);
            }
            ExprKind::Call(callee, args) => self.call(e, callee, args, dst),
            ExprKind::Index(obj, key) if const_index(key).is_some() => {
                let o = self.expr_reg(obj);
                self.set_pos(e.span);
                let idx = const_index(key).unwrap_or(0);
                self.emit(Op::GetIndexI { dst, obj: o, idx });
            }
            ExprKind::Index(obj, key) => {
                let o = self.expr_reg(obj);
                let k = self.expr_reg(key);
                self.set_pos(e.span);
                self.emit(Op::GetIndex {
                    dst,
                    obj: o,
                    key: k,
                });
            }
            ExprKind::Slice(obj, lo, hi) => {
                let o = self.expr_reg(obj);
                let l = self.f().alloc_n(2);
                match lo {
                    Some(x) => self.expr_to(x, l),
                    None => {
                        self.emit(Op::LoadNil { dst: l });
                    }
                }
                match hi {
                    Some(x) => self.expr_to(x, l + 1),
                    None => {
                        self.emit(Op::LoadNil { dst: l + 1 });
                    }
                }
                self.set_pos(e.span);
                self.emit(Op::Slice { dst, obj: o, lo: l });
            }
            ExprKind::Attr(obj, name) => {
                let o = self.expr_reg(obj);
                let n = self.name_idx(&name.name);
                self.set_pos(e.span);
                self.emit(Op::GetAttr {
                    dst,
                    obj: o,
                    name: n,
                });
            }
            ExprKind::SetAttr(obj, name, value) => {
                let o = self.expr_reg(obj);
                self.expr_to(value, dst);
                let n = self.name_idx(&name.name);
                self.set_pos(e.span);
                self.emit(Op::SetAttr {
                    obj: o,
                    name: n,
                    src: dst,
                });
            }
            ExprKind::Error => {
                self.emit(Op::LoadNil { dst });
            }
        }
        self.f().release(mark);
    }

    fn binary(&mut self, e: &'a Expr, op: BinaryOp, a: &'a Expr, b: &'a Expr, dst: Reg) {
        if let Some(c) = fold(e) {
            self.load_const(c, dst);
            return;
        }
        let imm = match &b.kind {
            ExprKind::Int(i) => i16::try_from(*i).ok(),
            _ => None,
        };
        if let Some(imm) = imm {
            let make = match op {
                BinaryOp::Add => Some(Op::AddI { dst, a: 0, imm }),
                BinaryOp::Sub => Some(Op::SubI { dst, a: 0, imm }),
                BinaryOp::Mul => Some(Op::MulI { dst, a: 0, imm }),
                BinaryOp::Mod if imm != 0 => Some(Op::ModI { dst, a: 0, imm }),
                _ => None,
            };
            if let Some(mut op) = make {
                let ra = self.expr_reg(a);
                match &mut op {
                    Op::AddI { a, .. }
                    | Op::SubI { a, .. }
                    | Op::MulI { a, .. }
                    | Op::ModI { a, .. } => *a = ra,
                    _ => {}
                }
                self.set_pos(e.span);
                self.emit(op);
                return;
            }
        }
        let ra = self.expr_reg(a);
        let rb = self.expr_reg(b);
        self.set_pos(e.span);
        let (x, y) = (ra, rb);
        self.emit(match op {
            BinaryOp::Add => Op::Add { dst, a: x, b: y },
            BinaryOp::Sub => Op::Sub { dst, a: x, b: y },
            BinaryOp::Mul => Op::Mul { dst, a: x, b: y },
            BinaryOp::Div => Op::Div { dst, a: x, b: y },
            BinaryOp::Mod => Op::Mod { dst, a: x, b: y },
            BinaryOp::Eq => Op::Eq { dst, a: x, b: y },
            BinaryOp::Ne => Op::Ne { dst, a: x, b: y },
            BinaryOp::Lt => Op::Lt { dst, a: x, b: y },
            BinaryOp::Le => Op::Le { dst, a: x, b: y },
            BinaryOp::Gt => Op::Gt { dst, a: x, b: y },
            BinaryOp::Ge => Op::Ge { dst, a: x, b: y },
            BinaryOp::BitAnd => Op::BitAnd { dst, a: x, b: y },
            BinaryOp::BitOr => Op::BitOr { dst, a: x, b: y },
            BinaryOp::BitXor => Op::BitXor { dst, a: x, b: y },
            BinaryOp::Shl => Op::Shl { dst, a: x, b: y },
            BinaryOp::Shr => Op::Shr { dst, a: x, b: y },
        });
    }

    /// Patch a list of forward jumps to the current position.
    pub fn patch_list(&mut self, jumps: &[usize], span: morph_syntax::Span) {
        for j in jumps {
            if !self.f().patch_here(*j) {
                self.error(
                    codes::TOO_MANY_REGISTERS,
                    "Fungsi terlalu besar: lompatan terlalu jauh.",
                    span,
                );
            }
        }
    }

    /// Compile a condition; returns the jumps taken when it is false.
    pub fn cond_false_jumps(&mut self, c: &'a Expr) -> Vec<usize> {
        self.set_pos(c.span);
        let mark = self.f().mark();
        let out = match &c.kind {
            ExprKind::Unary(UnaryOp::Not, x) => self.cond_true_jumps(x),
            ExprKind::And(a, b) => {
                let mut j = self.cond_false_jumps(a);
                j.extend(self.cond_false_jumps(b));
                j
            }
            ExprKind::Or(a, b) => {
                let t = self.cond_true_jumps(a);
                let f = self.cond_false_jumps(b);
                self.patch_list(&t, c.span);
                f
            }
            ExprKind::Bool(true) => vec![],
            // `x == nil` / `x != nil`: nil equals only nil, so a tag test.
            ExprKind::Binary(op @ (BinaryOp::Eq | BinaryOp::Ne), a, b)
                if matches!(b.kind, ExprKind::Nil) || matches!(a.kind, ExprKind::Nil) =>
            {
                let other = if matches!(b.kind, ExprKind::Nil) {
                    a
                } else {
                    b
                };
                let r = self.expr_reg(other);
                self.set_pos(c.span);
                let j = if *op == BinaryOp::Eq {
                    self.emit(Op::JumpIfNotNil { a: r, target: 0 })
                } else {
                    self.emit(Op::JumpIfNil { a: r, target: 0 })
                };
                vec![j]
            }
            ExprKind::Binary(op, a, b)
                if matches!(
                    op,
                    BinaryOp::Lt
                        | BinaryOp::Le
                        | BinaryOp::Gt
                        | BinaryOp::Ge
                        | BinaryOp::Eq
                        | BinaryOp::Ne
                ) && self.fr().here() < FUSED_LIMIT
                    && fold(c).is_none() =>
            {
                let ra = self.expr_reg(a);
                if let Some(imm) = small_int(b) {
                    self.set_pos(c.span);
                    let target = 0;
                    let op = match op {
                        BinaryOp::Lt => Op::JumpIfNotLtI { a: ra, imm, target },
                        BinaryOp::Le => Op::JumpIfNotLeI { a: ra, imm, target },
                        BinaryOp::Gt => Op::JumpIfNotGtI { a: ra, imm, target },
                        BinaryOp::Ge => Op::JumpIfNotGeI { a: ra, imm, target },
                        BinaryOp::Eq => Op::JumpIfNotEqI { a: ra, imm, target },
                        _ => Op::JumpIfNotNeI { a: ra, imm, target },
                    };
                    let j = self.emit(op);
                    self.f().release(mark);
                    return vec![j];
                }
                let rb = self.expr_reg(b);
                self.set_pos(c.span);
                let op = match op {
                    BinaryOp::Lt => Op::JumpIfNotLt {
                        a: ra,
                        b: rb,
                        target: 0,
                    },
                    BinaryOp::Le => Op::JumpIfNotLe {
                        a: ra,
                        b: rb,
                        target: 0,
                    },
                    BinaryOp::Gt => Op::JumpIfNotGt {
                        a: ra,
                        b: rb,
                        target: 0,
                    },
                    BinaryOp::Ge => Op::JumpIfNotGe {
                        a: ra,
                        b: rb,
                        target: 0,
                    },
                    BinaryOp::Eq => Op::JumpIfNotEq {
                        a: ra,
                        b: rb,
                        target: 0,
                    },
                    _ => Op::JumpIfNotNe {
                        a: ra,
                        b: rb,
                        target: 0,
                    },
                };
                vec![self.emit(op)]
            }
            _ => {
                let r = self.expr_reg(c);
                vec![self.emit(Op::JumpIfFalse { cond: r, target: 0 })]
            }
        };
        self.f().release(mark);
        out
    }

    /// Can `c` be a fused loop back-edge (a comparison, not constant)?
    pub fn is_fusable_compare(&self, c: &Expr) -> bool {
        matches!(
            &c.kind,
            ExprKind::Binary(
                BinaryOp::Lt
                    | BinaryOp::Le
                    | BinaryOp::Gt
                    | BinaryOp::Ge
                    | BinaryOp::Eq
                    | BinaryOp::Ne,
                _,
                _
            )
        ) && fold(c).is_none()
            && self.fr().here() < FUSED_LIMIT
    }

    /// Emit a loop's bottom test: evaluate the comparison `c` and jump back
    /// to `target` while it holds.
    pub fn loop_back_if(&mut self, c: &'a Expr, target: u32) {
        let ExprKind::Binary(op, a, b) = &c.kind else {
            return;
        };
        let mark = self.f().mark();
        self.set_pos(c.span);
        let t = u16::try_from(target).unwrap_or(0);
        let ra = self.expr_reg(a);
        if let Some(imm) = small_int(b) {
            self.set_pos(c.span);
            self.emit(match op {
                BinaryOp::Lt => Op::LoopIfLtI {
                    a: ra,
                    imm,
                    target: t,
                },
                BinaryOp::Le => Op::LoopIfLeI {
                    a: ra,
                    imm,
                    target: t,
                },
                BinaryOp::Gt => Op::LoopIfGtI {
                    a: ra,
                    imm,
                    target: t,
                },
                BinaryOp::Ge => Op::LoopIfGeI {
                    a: ra,
                    imm,
                    target: t,
                },
                BinaryOp::Eq => Op::LoopIfEqI {
                    a: ra,
                    imm,
                    target: t,
                },
                _ => Op::LoopIfNeI {
                    a: ra,
                    imm,
                    target: t,
                },
            });
        } else {
            let rb = self.expr_reg(b);
            self.set_pos(c.span);
            self.emit(match op {
                BinaryOp::Lt => Op::LoopIfLt {
                    a: ra,
                    b: rb,
                    target: t,
                },
                BinaryOp::Le => Op::LoopIfLe {
                    a: ra,
                    b: rb,
                    target: t,
                },
                BinaryOp::Gt => Op::LoopIfGt {
                    a: ra,
                    b: rb,
                    target: t,
                },
                BinaryOp::Ge => Op::LoopIfGe {
                    a: ra,
                    b: rb,
                    target: t,
                },
                BinaryOp::Eq => Op::LoopIfEq {
                    a: ra,
                    b: rb,
                    target: t,
                },
                _ => Op::LoopIfNe {
                    a: ra,
                    b: rb,
                    target: t,
                },
            });
        }
        self.f().release(mark);
    }

    /// Compile a condition; returns the jumps taken when it is true.
    pub fn cond_true_jumps(&mut self, c: &'a Expr) -> Vec<usize> {
        let mark = self.f().mark();
        let out = match &c.kind {
            ExprKind::Unary(UnaryOp::Not, x) => self.cond_false_jumps(x),
            ExprKind::Or(a, b) => {
                let mut j = self.cond_true_jumps(a);
                j.extend(self.cond_true_jumps(b));
                j
            }
            ExprKind::And(a, b) => {
                let f = self.cond_false_jumps(a);
                let t = self.cond_true_jumps(b);
                self.patch_list(&f, c.span);
                t
            }
            _ => {
                let r = self.expr_reg(c);
                vec![self.emit(Op::JumpIfTrue { cond: r, target: 0 })]
            }
        };
        self.f().release(mark);
        out
    }

    fn call(&mut self, e: &'a Expr, callee: &'a Expr, args: &'a [Expr], dst: Reg) {
        let mut builtin_callee = None;
        if let ExprKind::Name(n) = &callee.kind {
            let shadowed = !matches!(self.resolve(n), Resolved::Global(_));
            if !shadowed && (n == "bekukan" || n == "lanjut") {
                self.intrinsic(e, n, args, dst);
                return;
            }
            // The original compiles these names to instructions wherever
            // they are called, so a module-level stub of the same name
            // (its `core.fox` defines empty ones) never runs: call the
            // builtin through a name no program can rebind.
            if !shadowed && ORIGINAL_INTRINSICS.contains(&n.as_str()) {
                builtin_callee = Some(format!("{BUILTIN_PREFIX}{n}"));
            }
            // `panjang(x)` (the loop-bound idiom) with a side-effect-free
            // argument: a length instruction that checks the global still
            // is the builtin. Evaluating the argument first is unobservable
            // because it cannot rebind `panjang`.
            if n == "panjang" && args.len() == 1 && is_simple_operand(&args[0]) {
                if let Resolved::Global(slot) = self.resolve(n) {
                    if let Ok(slot) = u16::try_from(slot) {
                        let arg = self.expr_reg(&args[0]);
                        self.set_pos(e.span);
                        self.emit(Op::CallLen { dst, arg, slot });
                        return;
                    }
                }
            }
        }
        // The result lands in `base`: reuse `dst` as the base when it is
        // the topmost temporary, saving a move.
        let base = if dst as u32 + 1 == self.fr().next_reg && dst >= self.fr().nlocals {
            dst
        } else {
            self.f().alloc()
        };
        match &callee.kind {
            ExprKind::Attr(obj, name) => {
                let recv = self.f().alloc();
                self.expr_to(obj, recv);
                let arg0 = self.f().alloc_n(args.len());
                for (i, a) in args.iter().enumerate() {
                    self.expr_to(a, arg0.wrapping_add(i as Reg));
                }
                let n = self.name_idx(&name.name);
                self.set_pos(e.span);
                self.emit(Op::CallMethod {
                    base,
                    argc: args.len() as u16,
                    name: n,
                });
            }
            _ => {
                match &builtin_callee {
                    Some(hidden) => self.load_name(hidden, base),
                    None => self.expr_to(callee, base),
                }
                let arg0 = self.f().alloc_n(args.len());
                for (i, a) in args.iter().enumerate() {
                    self.expr_to(a, arg0.wrapping_add(i as Reg));
                }
                self.set_pos(e.span);
                self.emit(Op::Call {
                    base,
                    argc: args.len() as u16,
                });
            }
        }
        if dst != base {
            self.emit(Op::Move { dst, src: base });
        }
    }

    fn intrinsic(&mut self, e: &'a Expr, name: &str, args: &'a [Expr], dst: Reg) {
        if args.len() != 1 {
            self.error(
                codes::BAD_INTRINSIC,
                format!(
                    "'{name}' membutuhkan tepat 1 argumen, mendapat {}.",
                    args.len()
                ),
                e.span,
            );
            self.emit(Op::LoadNil { dst });
            return;
        }
        let r = self.expr_reg(&args[0]);
        self.set_pos(e.span);
        if name == "bekukan" {
            if self.fr().is_module {
                self.error(
                    codes::BAD_INTRINSIC,
                    "'bekukan' hanya boleh dipakai di dalam fungsi.",
                    e.span,
                );
            }
            // The value `bekukan` evaluates to inside the generator is
            // nil; the caller of `lanjut` receives `Momen(v, g)`.
            self.emit(Op::Yield { src: r });
            self.emit(Op::LoadNil { dst });
        } else {
            self.emit(Op::Resume { dst, gen: r });
        }
    }
}

/// A global named with this prefix is always the builtin of the rest of
/// its name (`%_sys_waktu`); no Morph identifier can contain it.
pub const BUILTIN_PREFIX: char = '%';

/// Names the original compiles to instructions in call position (§11.1:
/// compile-time intrinsics), whatever global of that name exists.
pub const ORIGINAL_INTRINSICS: &[&str] = &[
    "_intrinsik_str_kecil",
    "_intrinsik_str_besar",
    "_intrinsik_str_temukan",
    "_intrinsik_str_ganti",
    "_sys_waktu",
    "_sys_tidur",
    "_sys_platform",
    "_net_socket",
    "_net_konek",
    "_net_kirim",
    "_net_terima",
    "_net_tutup",
    "_io_buka",
    "_io_baca",
    "_io_tulis",
    "_io_tutup",
    "_io_ada",
    "_io_hapus",
    "_io_daftar",
    "_io_buat_dir",
];

/// A literal index in `0..=u16::MAX`, compiled into the instruction.
pub fn const_index(key: &Expr) -> Option<u16> {
    match &key.kind {
        ExprKind::Int(i) => u16::try_from(*i).ok(),
        _ => None,
    }
}

/// A literal integer that fits an instruction's 16-bit immediate.
fn small_int(e: &Expr) -> Option<i16> {
    match &e.kind {
        ExprKind::Int(i) => i16::try_from(*i).ok(),
        _ => None,
    }
}

/// An operand whose evaluation cannot run Morph code (no calls).
fn is_simple_operand(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Name(_) | ExprKind::This | ExprKind::Str(_) | ExprKind::Int(_) => true,
        ExprKind::Attr(obj, _) => matches!(obj.kind, ExprKind::Name(_) | ExprKind::This),
        _ => false,
    }
}
