//! The bytecode verifier: hand-built prototypes that break an invariant the
//! interpreter relies on are rejected; a well-formed one is accepted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fox_bytecode::verify::{verify, VerifyError};
use fox_bytecode::{Capture, Const, Op, Pos, Proto, NO_REG};
use std::rc::Rc;

/// A prototype with the given code (one line-table entry per instruction).
fn proto(name: &str, regs: u16, code: Vec<Op>) -> Proto {
    let lines = (0..code.len())
        .map(|i| Pos {
            line: i as u32 + 1,
            col: 1,
        })
        .collect();
    Proto {
        name: Rc::from(name),
        params: 0,
        regs,
        code,
        lines,
        consts: Vec::new(),
        names: Vec::new(),
        protos: Vec::new(),
        captures: Vec::new(),
        is_generator: false,
        is_method: false,
    }
}

fn rejected(p: &Proto) -> VerifyError {
    match verify(p) {
        Ok(()) => panic!("verifier accepted a bad prototype: {:#?}", p.code),
        Err(e) => e,
    }
}

fn assert_rejected(p: &Proto, pc: usize, needle: &str) {
    let e = rejected(p);
    assert_eq!(e.pc, pc, "wrong pc in {e}");
    assert!(
        e.message.contains(needle),
        "message {:?} does not mention {needle:?}",
        e.message
    );
    // The Display form names the function and pc.
    let shown = e.to_string();
    assert!(
        shown.contains(&*p.name) || shown.contains(&e.function),
        "{shown}"
    );
    assert!(shown.contains(&format!("pc {pc}")), "{shown}");
}

/// A small but complete function: locals, a constant, a fused loop, a
/// call window, a list, a closure capturing a cell, and a return.
fn good_proto() -> Proto {
    let mut child = proto(
        "dalam",
        2,
        vec![
            Op::GetUpval { dst: 0, idx: 0 },
            Op::AddI {
                dst: 1,
                a: 0,
                imm: 1,
            },
            Op::Return { src: 1 },
        ],
    );
    child.captures = vec![Capture::Local(1)];
    let mut p = proto(
        "baik",
        6,
        vec![
            /* 0 */ Op::LoadInt { dst: 0, value: 0 },
            /* 1 */ Op::LoadConst { dst: 1, k: 0 },
            /* 2 */ Op::MakeCell { reg: 1 },
            /* 3 */ Op::LoadInt { dst: 2, value: 10 },
            /* 4 */
            Op::JumpIfNotLt {
                a: 0,
                b: 2,
                target: 7,
            },
            /* 5 */
            Op::AddI {
                dst: 0,
                a: 0,
                imm: 1,
            },
            /* 6 */ Op::Loop { target: 4 },
            /* 7 */ Op::Closure { dst: 3, proto: 0 },
            /* 8 */ Op::Move { dst: 4, src: 0 },
            /* 9 */ Op::Call { base: 3, argc: 1 },
            /* 10 */
            Op::NewList {
                dst: 5,
                start: 3,
                count: 2,
            },
            /* 11 */
            Op::GetAttr {
                dst: 5,
                obj: 5,
                name: 0,
            },
            /* 12 */ Op::Print { start: 0, count: 6 },
            /* 13 */
            Op::Throw {
                value: 0,
                kind: NO_REG,
            },
            /* 14 */ Op::Return { src: 0 },
        ],
    );
    p.consts = vec![Const::Str(Rc::from("halo"))];
    p.names = vec![fox_bytecode::Sym(0)];
    p.protos = vec![Rc::new(child)];
    p
}

#[test]
fn op_is_eight_bytes() {
    assert_eq!(std::mem::size_of::<Op>(), 8);
}

#[test]
fn accepts_a_good_prototype() {
    let p = good_proto();
    assert_eq!(verify(&p), Ok(()));
    // The smallest valid function.
    assert_eq!(verify(&proto("kosong", 0, vec![Op::ReturnNil])), Ok(()));
}

#[test]
fn accepts_a_generator_that_yields() {
    let mut g = proto(
        "gen",
        1,
        vec![
            Op::LoadInt { dst: 0, value: 1 },
            Op::Yield { src: 0 },
            Op::ReturnNil,
        ],
    );
    g.is_generator = true;
    assert_eq!(verify(&g), Ok(()));
}

#[test]
fn rejects_register_outside_the_frame() {
    // Plain operands.
    assert_rejected(
        &proto(
            "r1",
            2,
            vec![Op::LoadInt { dst: 2, value: 1 }, Op::ReturnNil],
        ),
        0,
        "outside the frame",
    );
    assert_rejected(
        &proto(
            "r2",
            2,
            vec![Op::Nop, Op::Add { dst: 0, a: 1, b: 7 }, Op::ReturnNil],
        ),
        1,
        "outside the frame",
    );
    assert_rejected(
        &proto("r3", 1, vec![Op::Return { src: 1 }]),
        0,
        "outside the frame",
    );
    assert_rejected(
        &proto("r4", 0, vec![Op::LoadNil { dst: 0 }, Op::ReturnNil]),
        0,
        "outside the frame",
    );
    // Register windows: a call with its arguments, a list, a print.
    assert_rejected(
        &proto("w1", 3, vec![Op::Call { base: 1, argc: 2 }, Op::ReturnNil]),
        0,
        "outside the frame",
    );
    assert_rejected(
        &proto(
            "w2",
            4,
            vec![
                Op::NewList {
                    dst: 0,
                    start: 2,
                    count: 3,
                },
                Op::ReturnNil,
            ],
        ),
        0,
        "outside the frame",
    );
    assert_rejected(
        &proto(
            "w3",
            4,
            vec![
                Op::NewDict {
                    dst: 0,
                    start: 1,
                    count: 2,
                },
                Op::ReturnNil,
            ],
        ),
        0,
        "outside the frame",
    );
    assert_rejected(
        &proto(
            "w4",
            2,
            vec![Op::Print { start: 0, count: 3 }, Op::ReturnNil],
        ),
        0,
        "outside the frame",
    );
    // The register a closure captures must exist in the creating frame.
    let mut child = proto("c", 1, vec![Op::ReturnNil]);
    child.captures = vec![Capture::Local(5)];
    let mut p = proto(
        "cap",
        2,
        vec![Op::Closure { dst: 0, proto: 0 }, Op::ReturnNil],
    );
    p.protos = vec![Rc::new(child)];
    assert_rejected(&p, 0, "outside the frame");
    // More parameters than registers.
    let mut p = proto("params", 1, vec![Op::ReturnNil]);
    p.params = 2;
    assert!(rejected(&p).message.contains("parameters"));
}

#[test]
fn rejects_bad_jump_target() {
    assert_rejected(
        &proto("j1", 1, vec![Op::Jump { target: 2 }, Op::ReturnNil]),
        0,
        "jump target",
    );
    assert_rejected(
        &proto("j2", 1, vec![Op::Nop, Op::Loop { target: 99 }]),
        1,
        "jump target",
    );
    assert_rejected(
        &proto(
            "j3",
            2,
            vec![
                Op::JumpIfNotLt {
                    a: 0,
                    b: 1,
                    target: 3,
                },
                Op::ReturnNil,
            ],
        ),
        0,
        "jump target",
    );
    assert_rejected(
        &proto(
            "j4",
            1,
            vec![
                Op::JumpIfFalse {
                    cond: 0,
                    target: u32::MAX,
                },
                Op::ReturnNil,
            ],
        ),
        0,
        "jump target",
    );
    assert_rejected(
        &proto(
            "j5",
            1,
            vec![Op::PushHandler { target: 5, reg: 0 }, Op::ReturnNil],
        ),
        0,
        "jump target",
    );
}

/// Only the loop instructions check the instruction budget, so any other
/// backward branch could spin forever (found by the `bytecode` fuzz
/// target: a `JumpIfFalse` mutated to jump back, which ran past every
/// budget).
#[test]
fn rejects_backward_jumps_that_are_not_loops() {
    let back = |name: &str, op: Op| proto(name, 2, vec![Op::Nop, op, Op::ReturnNil]);
    for (name, op) in [
        ("b1", Op::Jump { target: 0 }),
        ("b2", Op::JumpIfFalse { cond: 0, target: 1 }),
        ("b3", Op::JumpIfNil { a: 0, target: 0 }),
        (
            "b4",
            Op::JumpIfNotLt {
                a: 0,
                b: 1,
                target: 0,
            },
        ),
        ("b5", Op::PushHandler { target: 1, reg: 0 }),
    ] {
        assert_rejected(&back(name, op), 1, "backward jump");
    }
    // Loops may go back; everything may go forward.
    assert!(verify(&back("b6", Op::Loop { target: 0 })).is_ok());
    assert!(verify(&back("b7", Op::JumpIfFalse { cond: 0, target: 2 })).is_ok());
}

#[test]
fn rejects_missing_constant() {
    assert_rejected(
        &proto("k1", 1, vec![Op::LoadConst { dst: 0, k: 0 }, Op::ReturnNil]),
        0,
        "constant",
    );
    let mut p = proto("k2", 1, vec![Op::LoadConst { dst: 0, k: 1 }, Op::ReturnNil]);
    p.consts = vec![Const::Int(1)];
    assert_rejected(&p, 0, "constant");
    // A class name must be a text constant, not just any constant.
    let mut p = proto(
        "k3",
        1,
        vec![
            Op::Class {
                dst: 0,
                name: 0,
                parent: NO_REG,
            },
            Op::ReturnNil,
        ],
    );
    p.consts = vec![Const::Int(1)];
    assert_rejected(&p, 0, "text constant");
    // Import paths too.
    let mut p = proto("k4", 1, vec![Op::Import { dst: 0, path: 0 }, Op::ReturnNil]);
    p.consts = vec![Const::Float(1.0)];
    assert_rejected(&p, 0, "text constant");
}

#[test]
fn rejects_missing_names_protos_and_upvalues() {
    assert_rejected(
        &proto(
            "n1",
            2,
            vec![
                Op::GetAttr {
                    dst: 0,
                    obj: 1,
                    name: 0,
                },
                Op::ReturnNil,
            ],
        ),
        0,
        "name index",
    );
    assert_rejected(
        &proto(
            "p1",
            1,
            vec![Op::Closure { dst: 0, proto: 0 }, Op::ReturnNil],
        ),
        0,
        "prototype index",
    );
    assert_rejected(
        &proto(
            "u1",
            1,
            vec![Op::GetUpval { dst: 0, idx: 0 }, Op::ReturnNil],
        ),
        0,
        "upvalue",
    );
    assert_rejected(
        &proto(
            "m1",
            1,
            vec![
                Op::ModI {
                    dst: 0,
                    a: 0,
                    imm: 0,
                },
                Op::ReturnNil,
            ],
        ),
        0,
        "ModI",
    );
}

#[test]
fn rejects_code_running_off_the_end() {
    assert_rejected(
        &proto("end1", 1, vec![Op::LoadNil { dst: 0 }]),
        0,
        "past its end",
    );
    assert_rejected(
        &proto(
            "end2",
            2,
            vec![
                Op::LoadInt { dst: 0, value: 1 },
                Op::Add { dst: 1, a: 0, b: 0 },
            ],
        ),
        1,
        "past its end",
    );
    assert_rejected(
        &proto("end3", 1, vec![Op::JumpIfFalse { cond: 0, target: 0 }]),
        0,
        "past its end",
    );
    // Empty code and a line table that does not match the code.
    assert!(rejected(&proto("kosong", 1, vec![]))
        .message
        .contains("empty"));
    let mut p = proto("lines", 1, vec![Op::Nop, Op::ReturnNil]);
    p.lines.pop();
    assert!(rejected(&p).message.contains("line table"));
}

#[test]
fn rejects_yield_outside_a_generator() {
    assert_rejected(
        &proto(
            "bukan_gen",
            1,
            vec![Op::LoadNil { dst: 0 }, Op::Yield { src: 0 }, Op::ReturnNil],
        ),
        1,
        "generator",
    );
}

#[test]
fn nested_prototypes_are_verified() {
    let bad_child = proto(
        "anak",
        1,
        vec![Op::LoadInt { dst: 3, value: 0 }, Op::ReturnNil],
    );
    let mut p = good_proto();
    p.protos.push(Rc::new(bad_child));
    let e = rejected(&p);
    assert_eq!(e.function, "anak");
    assert_eq!(e.pc, 0);
}
