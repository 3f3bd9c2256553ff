//! Fox bytecode: the register instruction set ([`Op`]), function prototypes
//! ([`Proto`]) and compiled modules, symbol interning, and the disassembler.
//! Invariant: an instruction is 8 bytes and every instruction has a line-table
//! entry.

pub mod disasm;
pub mod interner;
pub mod op;
pub mod proto;
pub mod verify;

pub use interner::{Interner, Sym};
pub use op::{Op, Reg, NO_REG};
pub use proto::{Capture, Const, Module, Pos, Proto};
