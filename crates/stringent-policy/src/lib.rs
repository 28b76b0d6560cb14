//! Load a compiled stringent policy and answer questions from it.
//!
//! This is the crate other tools embed: it knows the artifact format, the requirement
//! lattice and how to answer a question, and nothing of the rule language (no parser, no
//! compiler, no terminal rendering). Its dependencies are serde, serde_json, sha2 and
//! thiserror.
//!
//! `stringent compile rules --out DIR` writes `DIR/index.json` and one artifact per
//! jurisdiction chain in a generation directory, `DIR/policies-<16 hex digits>/US-CA.json`,
//! …, whose name is a hash of the artifacts: a compile that changes any byte writes a new
//! generation, switches the index to it and removes the old one. A reader therefore names
//! `DIR` and a jurisdiction, and [`LoadedPolicy::open`] (or [`Index`]) finds the file
//! through the index; [`LoadedPolicy::load`] reads one artifact file given its path.
//!
//! Loading checks the `format`, refuses an unknown major `schema_version`, verifies the
//! `content_hash` (the answers), the `integrity` hash (everything else too: citations,
//! titles, sources) and the artifact's internal consistency; a corrupt, truncated or
//! hand-edited file is an error, never a panic. Through the index, the artifact must also
//! lie inside `DIR` and match the entry's hashes.
//!
//! ```
//! use stringent_policy::{Level, LoadedPolicy, Question};
//! # let dir = std::env::temp_dir().join(format!("stringent-policy-doc-crate-{}", std::process::id()));
//! # stringent_policy::index::tests_support::write_compile_output(&dir)?;
//!
//! // `dir` is what `stringent compile rules --out DIR` wrote.
//! let policy = LoadedPolicy::open(&dir, "US-XX")?;
//! let answer = policy.decide(&Question::new("hiv", "employment", "employer"))?;
//! assert_eq!(answer.level, Level::SpecificAuthorization);
//! assert_eq!(answer.obligations[..], ["redisclosure_notice"]);
//! // Every answer names the rules that decided it and cites the law.
//! assert!(answer.provenance.iter().any(|p| p.citation == "Example Code 1 (illustrative)"));
//! // A record of several categories; another subject or holder (this small policy knows
//! // only adults held by providers).
//! let record = Question::new("hiv", "employment", "employer").with_category("general");
//! assert_eq!(policy.decide(&record)?.level, Level::SpecificAuthorization);
//! let minor = Question::new("hiv", "employment", "employer").subject("minor").holder("hospital");
//! assert!(policy.decide(&minor).is_err());
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A [`Decision`] serializes to the JSON `stringent decide --format json` prints and
//! deserializes back from it:
//!
//! ```
//! use stringent_policy::{Decision, LoadedPolicy, Question};
//!
//! let policy = LoadedPolicy::from_json(include_bytes!("../tests/data/tiny-US-XX.json"))?;
//! let answer = policy.decide(&Question::new("hiv", "employment", "employer"))?;
//! let read: Decision = serde_json::from_str(&serde_json::to_string(&answer)?)?;
//! assert_eq!(read, answer);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! On a hot path, resolve value ids to positions once and read requirements by position:
//! constant time, no allocation.
//!
//! ```
//! use stringent_policy::{Level, LoadedPolicy};
//!
//! let policy = LoadedPolicy::from_json(include_bytes!("../tests/data/tiny-US-XX.json"))?;
//! let ids = ["general", "treatment", "provider", "adult", "provider"];
//! let mut point = Vec::new();
//! for (axis, id) in ids.into_iter().enumerate() {
//!     point.push(policy.value_index(axis, id).ok_or("unknown value")?);
//! }
//! let requirement = policy.requirement(&point).ok_or("no such cell")?;
//! assert_eq!(requirement.level, Level::Allowed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Errors are typed:
//!
//! ```
//! use stringent_policy::{LoadError, LoadedPolicy, Question, QuestionError};
//!
//! let truncated = &include_bytes!("../tests/data/tiny-US-XX.json")[..200];
//! assert!(matches!(LoadedPolicy::from_json(truncated), Err(LoadError::Json(_))));
//!
//! let policy = LoadedPolicy::from_json(include_bytes!("../tests/data/tiny-US-XX.json"))?;
//! let err = policy.decide(&Question::new("hiv", "gossip", "employer")).unwrap_err();
//! assert!(matches!(err, QuestionError::UnknownValue { axis: "purpose", .. }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod artifact;
mod cell;
mod combine;
mod decision;
pub mod grid;
mod ids;
pub mod index;
mod labels;
pub mod lattice;
mod load;
pub mod words;

pub use artifact::Policy;
pub use cell::cell_label;
pub use combine::CombineError;
pub use decision::{Decision, HistoryGap, ProvenanceEntry, UnreadLaw};
pub use index::Index;
pub use labels::{Coding, SecurityLabels, security_labels};
pub use lattice::{Action, Basis, DayUnit, Deadline, Dimension, Level, MAX_CONDITIONS, Permission, Requirement, Way};
pub use load::{
    DEFAULT_HOLDER, DEFAULT_SUBJECT, LoadError, LoadedPolicy, MAX_INDEX_BYTES, MAX_POLICY_BYTES, Question,
    QuestionError,
};
pub use words::Word;
