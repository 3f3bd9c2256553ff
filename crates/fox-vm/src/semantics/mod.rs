//! What each instruction means, as functions over values shared by every
//! tier: the interpreter loop (`interp`) and the JIT's runtime helpers
//! call the same code, so their results, errors and limits cannot drift
//! apart. `arith`: numbers, comparisons, equality; `data`: globals, cells,
//! closures, attributes, indexing, containers, classes, variants;
//! `frames`: calls, returns, safe points, handlers, generators.

mod arith;
mod data;
mod frames;

pub use arith::fast;
