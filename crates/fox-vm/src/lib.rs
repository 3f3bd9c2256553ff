//! Fox VM (`sfox`): values, the VM-owned heap with a precise tracing
//! collector, the stackless register interpreter, builtins and the embedded
//! standard library, the module loader, and error values with tracebacks.
//!
//! Invariants: the interpreter never recurses on the Rust stack for Morph
//! calls; the VM never prints or exits (output goes through [`Host`], errors
//! come back as [`VmError`]); no input reaches a panic.

mod attr;
pub mod builtins;
pub mod bytes;
mod call;
pub mod casing;
mod casing_tables;
pub mod codes;
pub mod config;
mod describe;
pub mod dict;
pub mod error;
pub mod format;
pub mod funcref;
pub mod heap;
pub mod host;
pub mod hostmod;
mod index;
mod interp;
pub mod jitabi;
pub mod limits;
pub mod memory;
mod module;
pub mod number;
pub mod object;
pub mod ops;
pub mod permissions;
mod pipeline;
mod prelude;
pub mod printable;
mod raise;
pub mod regstack;
pub mod resource;
pub mod roundtrip;
pub mod scalar;
mod semantics;
pub mod slotstack;
pub mod snapshot;
pub mod sort;
pub mod stdlib;
mod textsize;
pub mod value;
pub mod vm;

pub use config::Config;
pub use error::{TraceEntry, Uncaught, VmError};
pub use host::{BufferHost, Host};
pub use permissions::Permissions;
pub use value::Value;
pub use vm::Vm;
