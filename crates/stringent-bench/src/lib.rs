//! Shared pieces of the stringent benchmarks (`cargo bench -p stringent-bench`, see
//! `BENCHMARKS.md` at the top of the workspace):
//!
//! - [`bare`]: a pest parser derived from the same grammar file as `stringent-syntax`, the
//!   floor for parsing;
//! - [`corpus`]: the shipped rules tree, a fixed compile date, and the compiler's pipeline
//!   cut into stages that can be timed one by one;
//! - [`scale`]: a deterministic generator of synthetic, well-formed rules trees of N state
//!   layers × M rules, with the shipped vocabulary;
//! - [`naive`]: the design without a compiled artifact, which resolves the rules of a chain
//!   for each question;
//! - [`rng`] and [`sample`]: deterministic samples of questions.

pub mod bare;
pub mod corpus;
pub mod naive;
pub mod rng;
pub mod sample;
pub mod scale;
