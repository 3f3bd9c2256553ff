//! Quality control for Fox VM (a development crate; nothing of it is in the
//! `fox` binary). One place says which execution modes exist
//! ([`modes`]) and how a run of a program under a mode is captured and
//! compared ([`run`]); the conformance harness and the generated-program
//! campaign (`scripts/qc.sh`) both iterate over that table, so adding a
//! tier means adding one entry there.

pub mod corpus;
pub mod modes;
pub mod run;
