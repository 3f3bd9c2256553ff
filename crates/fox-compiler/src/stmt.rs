//! Statement compilation: declarations and assignments, control flow with
//! loop/handler bookkeeping (`berhenti`, `lanjutkan` and `kembali` pop the
//! handlers they leave and run the `akhirnya` code on the way out), `coba`,
//! `warnai`, classes, `tipe`, imports.

use crate::compiler::Compiler;
use crate::func::{Cleanup, LocalSlot, LoopState, TryRegion};
use crate::scope;
use fox_bytecode::{Op, Reg, NO_REG};
use morph_syntax::ast::*;
use morph_syntax::diagnostic::codes;
use morph_syntax::Span;

impl<'a, 'i> Compiler<'a, 'i> {
    pub fn block(&mut self, b: &'a Block) {
        for s in b {
            let mark = self.f().mark();
            self.stmt(s);
            self.f().release(mark);
        }
    }

    /// Compile `e` straight into `name`'s storage where that is safe.
    fn assign_name(&mut self, name: &str, e: &'a Expr) {
        let multi_step = matches!(
            e.kind,
            ExprKind::And(..) | ExprKind::Or(..) | ExprKind::Ternary(..)
        );
        match self.fr().locals.get(name).copied() {
            Some(LocalSlot::Reg(r)) if !multi_step => self.expr_to(e, r),
            _ => {
                let r = self.expr_reg(e);
                self.store_name(name, r);
            }
        }
    }

    fn declare_constant(&mut self, name: &str, constant: bool, span: Span) {
        if self.is_constant(name) {
            self.error(
                codes::CONST_REASSIGN,
                format!("'{name}' adalah konstanta (tetap) dan tidak bisa dideklarasikan ulang."),
                span,
            );
        }
        if constant {
            if self.fr().is_module || !self.fr().locals.contains_key(name) {
                self.globals.constants.insert(name.to_string());
            } else {
                self.f().constants.insert(name.to_string(), true);
            }
        }
    }

    pub fn stmt(&mut self, s: &'a Stmt) {
        self.set_pos(s.span);
        match &s.kind {
            StmtKind::Let {
                target,
                value,
                constant,
            } => match target {
                LetTarget::Name(id) => {
                    self.declare_constant(&id.name, *constant, id.span);
                    match value {
                        Some(v) => self.assign_name(&id.name, v),
                        None => {
                            let r = self.f().alloc();
                            self.emit(Op::LoadNil { dst: r });
                            self.store_name(&id.name, r);
                        }
                    }
                }
                LetTarget::Destructure(ids) => {
                    for id in ids {
                        self.declare_constant(&id.name, *constant, id.span);
                    }
                    let src = match value {
                        Some(v) => self.expr_reg(v),
                        None => {
                            let r = self.f().alloc();
                            self.emit(Op::LoadNil { dst: r });
                            r
                        }
                    };
                    let dst = self.f().alloc_n(ids.len().max(1));
                    self.set_pos(s.span);
                    self.emit(Op::Unpack {
                        dst,
                        src,
                        count: ids.len() as u16,
                    });
                    for (i, id) in ids.iter().enumerate() {
                        self.store_name(&id.name, dst.wrapping_add(i as Reg));
                    }
                }
            },
            StmtKind::Assign { target, value } => self.assign(target, value),
            StmtKind::Print(args) => {
                let start = self.f().alloc_n(args.len().max(1));
                for (i, a) in args.iter().enumerate() {
                    self.expr_to(a, start.wrapping_add(i as Reg));
                }
                self.set_pos(s.span);
                self.emit(Op::Print {
                    start,
                    count: args.len() as u16,
                });
            }
            StmtKind::Expr(e) => {
                let r = self.f().alloc();
                self.expr_to(e, r);
            }
            StmtKind::Return(value) => {
                let r = value.as_ref().map(|v| self.expr_reg(v));
                self.set_pos(s.span);
                self.unwind_regions(0);
                // The return itself is attributed to the `kembali`, not to
                // the last line of an inlined `akhirnya`.
                self.set_pos(s.span);
                match r {
                    Some(src) => self.emit(Op::Return { src }),
                    None => self.emit(Op::ReturnNil),
                };
            }
            StmtKind::Break | StmtKind::Continue => {
                let is_break = matches!(s.kind, StmtKind::Break);
                let Some(depth) = self.fr().loops.last().map(|l| l.try_depth) else {
                    let word = if is_break { "berhenti" } else { "lanjutkan" };
                    self.error(
                        codes::BREAK_OUTSIDE_LOOP,
                        format!("'{word}' di luar loop."),
                        s.span,
                    );
                    return;
                };
                self.unwind_regions(depth);
                if is_break {
                    let j = self.emit(Op::Jump { target: 0 });
                    if let Some(l) = self.f().loops.last_mut() {
                        l.break_jumps.push(j);
                    }
                } else {
                    let forward = self
                        .fr()
                        .loops
                        .last()
                        .is_some_and(|l| l.continue_jumps.is_some());
                    if forward {
                        let j = self.emit(Op::Jump { target: 0 });
                        if let Some(Some(list)) =
                            self.f().loops.last_mut().map(|l| l.continue_jumps.as_mut())
                        {
                            list.push(j);
                        }
                    } else {
                        let target = self
                            .fr()
                            .loops
                            .last()
                            .map(|l| l.continue_target)
                            .unwrap_or(0);
                        self.emit(Op::Loop { target });
                    }
                }
            }
            StmtKind::Throw { value, kind } => {
                let v = self.expr_reg(value);
                let k = match kind {
                    Some(k) => self.expr_reg(k),
                    None => NO_REG,
                };
                self.set_pos(s.span);
                self.emit(Op::Throw { value: v, kind: k });
            }
            StmtKind::If {
                branches,
                else_body,
            } => {
                let mut end_jumps = Vec::new();
                for (i, (cond, body)) in branches.iter().enumerate() {
                    let false_jumps = self.cond_false_jumps(cond);
                    self.block(body);
                    let last = i + 1 == branches.len() && else_body.is_none();
                    if !last {
                        end_jumps.push(self.emit(Op::Jump { target: 0 }));
                    }
                    self.patch_list(&false_jumps, s.span);
                }
                if let Some(b) = else_body {
                    self.block(b);
                }
                self.patch_list(&end_jumps, s.span);
            }
            StmtKind::While { cond, body } => {
                let start = self.fr().here();
                let exit = self.cond_false_jumps(cond);
                let try_depth = self.fr().tries.len();
                // A comparison condition is tested again at the bottom by one
                // fused back-edge (`LoopIf*`), saving a jump per iteration.
                let bottom_test = self.is_fusable_compare(cond);
                let body_start = self.fr().here();
                self.f().loops.push(LoopState {
                    continue_target: start,
                    continue_jumps: if bottom_test { Some(Vec::new()) } else { None },
                    break_jumps: Vec::new(),
                    try_depth,
                });
                self.block(body);
                self.set_pos(s.span);
                let l = self.f().loops.pop().unwrap_or_default();
                if bottom_test {
                    self.patch_list(&l.continue_jumps.unwrap_or_default(), s.span);
                    self.loop_back_if(cond, body_start);
                } else {
                    self.emit(Op::Loop { target: start });
                }
                self.patch_list(&exit, s.span);
                self.patch_list(&l.break_jumps, s.span);
            }
            StmtKind::Switch {
                subject,
                cases,
                default,
            } => {
                let subj = self.f().alloc();
                self.expr_to(subject, subj);
                let mut end_jumps = Vec::new();
                for (value, body) in cases {
                    let mark = self.f().mark();
                    let v = self.expr_reg(value);
                    self.f().release(mark);
                    let t = self.f().alloc();
                    self.emit(Op::Eq {
                        dst: t,
                        a: subj,
                        b: v,
                    });
                    let j = self.emit(Op::JumpIfFalse { cond: t, target: 0 });
                    self.f().release(mark);
                    self.block(body);
                    end_jumps.push(self.emit(Op::Jump { target: 0 }));
                    self.patch_list(&[j], s.span);
                }
                if let Some(b) = default {
                    self.block(b);
                }
                self.patch_list(&end_jumps, s.span);
            }
            StmtKind::Match { subject, arms } => self.match_stmt(subject, arms, s.span),
            StmtKind::Try {
                body,
                catches,
                finally,
            } => self.try_stmt(body, catches, finally.as_ref(), s.span),
            StmtKind::Warnai { color, body } => self.warnai(color, body, s.span),
            StmtKind::Function(decl) => {
                if decl.is_async {
                    self.error(
                        codes::ASYNC_UNSUPPORTED,
                        "'asink fungsi' belum didukung.",
                        decl.name.span,
                    );
                }
                let proto = self.compile_function(decl, false);
                let idx = self.add_proto(proto);
                let r = self.f().alloc();
                self.set_pos(s.span);
                self.emit(Op::Closure { dst: r, proto: idx });
                self.store_name(&decl.name.name, r);
            }
            StmtKind::Class(c) => self.class(c, s.span),
            StmtKind::TypeDecl { variants, .. } => {
                for v in variants {
                    let r = self.f().alloc();
                    let k = self.f().str_const(&v.name.name);
                    self.emit(Op::VariantCtor {
                        dst: r,
                        name: k.min(u16::MAX as u32) as u16,
                        arity: v.fields.len() as u16,
                    });
                    self.store_name(&v.name.name, r);
                }
            }
            StmtKind::ImportAll { path, alias } => {
                let r = self.f().alloc();
                let k = self.f().str_const(&path.value);
                self.emit(Op::Import { dst: r, path: k });
                let name = scope::import_binding(&path.value, alias.as_ref());
                self.store_name(&name, r);
            }
            StmtKind::ImportFrom { path, names } => {
                let m = self.f().alloc();
                let k = self.f().str_const(&path.value);
                self.emit(Op::Import { dst: m, path: k });
                for n in names {
                    let r = self.f().alloc();
                    let idx = self.name_idx(&n.name);
                    self.set_pos(n.span);
                    self.emit(Op::GetAttr {
                        dst: r,
                        obj: m,
                        name: idx,
                    });
                    self.store_name(&n.name, r);
                }
            }
            StmtKind::Pinjam { path, alias } => {
                let r = self.f().alloc();
                let k = self.f().str_const(&format!("pinjam:{}", path.value));
                self.emit(Op::Import { dst: r, path: k });
                let name = scope::pinjam_binding(&path.value, alias.as_ref());
                self.store_name(&name, r);
            }
            StmtKind::Block(b) => self.block(b),
            StmtKind::Error => {}
        }
    }

    fn assign(&mut self, target: &'a Expr, value: &'a Expr) {
        match &target.kind {
            ExprKind::Name(n) => {
                if self.is_constant(n) {
                    self.error(
                        codes::CONST_REASSIGN,
                        format!("'{n}' adalah konstanta (tetap) dan tidak bisa diubah."),
                        target.span,
                    );
                }
                self.assign_name(n, value);
            }
            ExprKind::Index(obj, key) if crate::expr::const_index(key).is_some() => {
                let o = self.expr_reg(obj);
                let v = self.expr_reg(value);
                self.set_pos(target.span);
                let idx = crate::expr::const_index(key).unwrap_or(0);
                self.emit(Op::SetIndexI {
                    obj: o,
                    idx,
                    src: v,
                });
            }
            ExprKind::Index(obj, key) => {
                let o = self.expr_reg(obj);
                let k = self.expr_reg(key);
                let v = self.expr_reg(value);
                self.set_pos(target.span);
                self.emit(Op::SetIndex {
                    obj: o,
                    key: k,
                    src: v,
                });
            }
            ExprKind::Attr(obj, name) => {
                let o = self.expr_reg(obj);
                let v = self.expr_reg(value);
                let n = self.name_idx(&name.name);
                self.set_pos(target.span);
                self.emit(Op::SetAttr {
                    obj: o,
                    name: n,
                    src: v,
                });
            }
            ExprKind::This => {
                self.error(
                    codes::UNEXPECTED_TOKEN,
                    "'ini' tidak bisa diberi nilai.",
                    target.span,
                );
            }
            _ => {
                self.error(
                    codes::UNEXPECTED_TOKEN,
                    "Target 'ubah' harus berupa nama, indeks atau properti.",
                    target.span,
                );
            }
        }
    }

    /// Emit the exits of try regions above `down_to` (innermost first): pop
    /// each handler and run its cleanup code.
    pub fn unwind_regions(&mut self, down_to: usize) {
        let saved: Vec<TryRegion<'a>> = self.fr().tries.clone();
        for i in (down_to..saved.len()).rev() {
            self.emit(Op::PopHandler);
            self.f().tries.truncate(i);
            let cleanup = saved[i].cleanup.clone();
            self.cleanup_code(&cleanup);
        }
        self.f().tries = saved;
    }

    fn cleanup_code(&mut self, c: &Cleanup<'a>) {
        match c {
            Cleanup::Finally(b) => {
                let loops = std::mem::take(&mut self.f().loops);
                self.block(b);
                self.f().loops = loops;
            }
            Cleanup::Reset => {
                let r = self.f().alloc();
                let k = self.f().str_const("\u{1b}[0m");
                self.emit(Op::LoadConst { dst: r, k });
                self.emit(Op::WriteStr { src: r });
                self.f().release(r as u32);
            }
            Cleanup::None => {}
        }
    }

    fn try_stmt(
        &mut self,
        body: &'a Block,
        catches: &'a [Catch],
        finally: Option<&'a Block>,
        span: Span,
    ) {
        let err = self.f().alloc();
        let cleanup = match finally {
            Some(b) => Cleanup::Finally(b),
            None => Cleanup::None,
        };
        let h = self.emit(Op::PushHandler {
            target: 0,
            reg: err,
        });
        self.f().tries.push(TryRegion {
            cleanup: cleanup.clone(),
        });
        self.block(body);
        self.f().tries.pop();
        self.emit(Op::PopHandler);
        self.cleanup_code(&cleanup);
        let mut end_jumps = vec![self.emit(Op::Jump { target: 0 })];
        self.patch_list(&[h], span);
        // Errors raised inside a `tangkap` body must still run `akhirnya`.
        let err2 = self.f().alloc();
        let h2 = if finally.is_some() {
            let h2 = self.emit(Op::PushHandler {
                target: 0,
                reg: err2,
            });
            self.f().tries.push(TryRegion {
                cleanup: cleanup.clone(),
            });
            Some(h2)
        } else {
            None
        };
        for c in catches {
            self.set_pos(c.name.span);
            self.store_name(&c.name.name, err);
            let guard_fail = match &c.guard {
                Some(g) => self.cond_false_jumps(g),
                None => Vec::new(),
            };
            self.block(&c.body);
            if h2.is_some() {
                self.emit(Op::PopHandler);
                let saved = self.f().tries.pop();
                self.cleanup_code(&cleanup);
                if let Some(r) = saved {
                    self.f().tries.push(r);
                }
            }
            end_jumps.push(self.emit(Op::Jump { target: 0 }));
            self.patch_list(&guard_fail, span);
        }
        // No clause matched: run akhirnya and re-throw.
        if h2.is_some() {
            self.emit(Op::PopHandler);
            self.f().tries.pop();
            self.cleanup_code(&cleanup);
        }
        self.emit(Op::Rethrow { value: err });
        if let Some(h2) = h2 {
            self.patch_list(&[h2], span);
            self.cleanup_code(&cleanup);
            self.emit(Op::Rethrow { value: err2 });
        }
        self.patch_list(&end_jumps, span);
    }

    fn warnai(&mut self, color: &'a Expr, body: &'a Block, span: Span) {
        let c = self.expr_reg(color);
        self.set_pos(span);
        self.emit(Op::WriteStr { src: c });
        let err = self.f().alloc();
        let h = self.emit(Op::PushHandler {
            target: 0,
            reg: err,
        });
        self.f().tries.push(TryRegion {
            cleanup: Cleanup::Reset,
        });
        self.block(body);
        self.f().tries.pop();
        self.emit(Op::PopHandler);
        self.cleanup_code(&Cleanup::Reset);
        let end = self.emit(Op::Jump { target: 0 });
        self.patch_list(&[h], span);
        self.cleanup_code(&Cleanup::Reset);
        self.emit(Op::Rethrow { value: err });
        self.patch_list(&[end], span);
    }

    fn class(&mut self, c: &'a ClassDecl, span: Span) {
        let parent = match &c.parent {
            Some(p) => {
                let r = self.f().alloc();
                self.load_name(&p.name, r);
                r
            }
            None => NO_REG,
        };
        let cls = self.f().alloc();
        let k = self.f().str_const(&c.name.name);
        self.set_pos(span);
        self.emit(Op::Class {
            dst: cls,
            name: k.min(u16::MAX as u32) as u16,
            parent,
        });
        for m in &c.methods {
            let proto = self.compile_function(m, true);
            let idx = self.add_proto(proto);
            let fr = self.f().alloc();
            self.set_pos(m.span);
            self.emit(Op::Closure {
                dst: fr,
                proto: idx,
            });
            let n = self.name_idx(&m.name.name);
            self.emit(Op::Method {
                class: cls,
                name: n,
                func: fr,
            });
            self.f().release(fr as u32);
        }
        self.store_name(&c.name.name, cls);
    }
}
