//! Quality control for Fox VM (a development crate; nothing of it is in the
//! `fox` binary). One place says which execution modes exist
//! ([`modes`]) and how a run of a program under a mode is captured and
//! compared ([`run`]); the conformance harness and the generated-program
//! campaign (`scripts/qc.sh`) both iterate over that table, so adding a
//! tier means adding one entry there. [`gen`] writes random terminating
//! programs (with Python twins), [`campaign`] runs them under every mode and
//! CPython and classifies divergences, [`reduce`] shrinks a diverging one.

pub mod campaign;
pub mod corpus;
pub mod gen;
pub mod modes;
pub mod reduce;
pub mod run;
