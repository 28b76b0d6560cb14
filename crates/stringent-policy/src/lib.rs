//! Load a compiled stringent policy and answer questions from it.
//!
//! This is the crate other tools embed: it knows the artifact format, the requirement
//! lattice and how to answer a question, and nothing of the rule language (no parser, no
//! compiler, no terminal rendering).

pub mod artifact;
mod combine;
mod decision;
mod labels;
pub mod lattice;
mod load;

pub use artifact::Policy;
pub use combine::CombineError;
pub use decision::{Decision, ProvenanceEntry};
pub use labels::{Coding, SecurityLabels, security_labels};
pub use lattice::{Action, Basis, DayUnit, Deadline, Dimension, Level, Permission, Requirement};
pub use load::{LoadError, LoadedPolicy, Question, QuestionError};
