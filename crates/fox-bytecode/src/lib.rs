//! Fox bytecode: the register instruction set ([`Op`], generated with its
//! operand roles and flags from the one instruction table in `op.rs`),
//! function prototypes ([`Proto`]) and compiled modules, symbol interning,
//! the verifier, register liveness, the entry points of compiled code and
//! the disassembler.
//! Invariant: an instruction is 8 bytes and every instruction has a line-table
//! entry.

pub mod disasm;
pub mod entries;
pub mod interner;
pub mod liveness;
pub mod op;
pub mod proto;
pub mod verify;

pub use interner::{Interner, Sym};
pub use op::{Flags, Op, Operand, Operands, Reg, NO_REG, OP_NAMES};
pub use proto::{Capture, Const, Module, Pos, Proto};
