//! `jodohkan` compilation: each arm's pattern becomes a chain of tests that
//! jump to the next arm on failure, binding names as it goes; a `jaga` guard
//! is one more test.

use crate::compiler::Compiler;
use fox_bytecode::{Op, Reg};
use morph_syntax::ast::*;
use morph_syntax::diagnostic::codes;
use morph_syntax::Span;

impl<'a, 'i> Compiler<'a, 'i> {
    pub fn match_stmt(&mut self, subject: &'a Expr, arms: &'a [MatchArm], span: Span) {
        let subj = self.f().alloc();
        self.expr_to(subject, subj);
        let mut end_jumps = Vec::new();
        for arm in arms {
            self.set_pos(arm.span);
            let mark = self.f().mark();
            let mut fails = Vec::new();
            self.pattern_test(&arm.pattern, subj, &mut fails, 0);
            if let Some(g) = &arm.guard {
                fails.extend(self.cond_false_jumps(g));
            }
            self.f().release(mark);
            self.block(&arm.body);
            end_jumps.push(self.emit(Op::Jump { target: 0 }));
            self.patch_list(&fails, span);
        }
        self.patch_list(&end_jumps, span);
    }

    fn pattern_test(&mut self, p: &'a Pattern, src: Reg, fails: &mut Vec<usize>, depth: usize) {
        if depth > morph_syntax::MAX_NESTING {
            self.error(codes::TOO_DEEP, "Pola bersarang terlalu dalam.", p.span);
            return;
        }
        self.set_pos(p.span);
        match &p.kind {
            PatternKind::Wildcard => {}
            PatternKind::Bind(id) => self.store_name(&id.name, src),
            PatternKind::Literal(e) => {
                let v = self.expr_reg(e);
                let t = self.f().alloc();
                self.emit(Op::Eq {
                    dst: t,
                    a: src,
                    b: v,
                });
                fails.push(self.emit(Op::JumpIfFalse { cond: t, target: 0 }));
            }
            PatternKind::Variant { name, args } => {
                let arity = match args {
                    Some(a) if a.len() >= u8::MAX as usize => {
                        self.error(
                            codes::BAD_PATTERN,
                            "Terlalu banyak field dalam pola.",
                            p.span,
                        );
                        return;
                    }
                    Some(a) => a.len() as u8,
                    None => u8::MAX,
                };
                let n = self.name_idx(&name.name);
                let t = self.f().alloc();
                self.emit(Op::IsVariant {
                    dst: t,
                    src,
                    name: n,
                    arity,
                });
                fails.push(self.emit(Op::JumpIfFalse { cond: t, target: 0 }));
                if let Some(args) = args {
                    for (i, a) in args.iter().enumerate() {
                        if matches!(a.kind, PatternKind::Wildcard) {
                            continue;
                        }
                        let f = self.f().alloc();
                        self.emit(Op::VariantField {
                            dst: f,
                            src,
                            idx: i as u16,
                        });
                        self.pattern_test(a, f, fails, depth + 1);
                    }
                }
            }
            PatternKind::List { items, rest } => {
                let t = self.f().alloc();
                self.emit(Op::IsListLen {
                    dst: t,
                    src,
                    len: items.len().min(u16::MAX as usize) as u16,
                    at_least: rest.is_some(),
                });
                fails.push(self.emit(Op::JumpIfFalse { cond: t, target: 0 }));
                for (i, a) in items.iter().enumerate() {
                    if matches!(a.kind, PatternKind::Wildcard) {
                        continue;
                    }
                    let f = self.f().alloc();
                    self.emit(Op::VariantField {
                        dst: f,
                        src,
                        idx: i as u16,
                    });
                    self.pattern_test(a, f, fails, depth + 1);
                }
                if let Some(r) = rest {
                    let f = self.f().alloc();
                    self.emit(Op::ListTail {
                        dst: f,
                        src,
                        from: items.len() as u16,
                    });
                    self.store_name(&r.name, f);
                }
            }
        }
    }
}
