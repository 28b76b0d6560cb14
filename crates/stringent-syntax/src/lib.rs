//! The stringent rule language: text in, typed syntax tree out.
//!
//! This crate knows the grammar (`grammar/stringent.pest`, the only definition of the
//! syntax) and nothing of the law: it does not know which axes exist, what a state is,
//! or what "stricter" means. It reports every broken item of a file, not only the first.

pub mod ast;
mod date;
mod lower;
mod messages;
pub mod shape;
mod unread;

pub use date::Date;

/// The longest string a rule file may hold, in bytes (E0400 past it): ten times the longest
/// `searched` note of the shipped rules. A citation or title is copied into every artifact
/// and report page that names its rule, so a huge one would multiply the output.
pub const MAX_STRING_BYTES: usize = 64 * 1024;
/// The longest name a rule file may hold — a rule id, a value, a term — in bytes (E0400 past
/// it): about four times the longest shipped one. A rule id is copied into every answer,
/// artifact cell table and page that its rule decides, so a huge one would multiply them.
pub const MAX_NAME_BYTES: usize = 256;
pub use lower::parse;
pub use unread::{UnreadDecl, declared_in_chunk, declared_names};

#[derive(pest_derive::Parser)]
#[grammar = "../../grammar/stringent.pest"]
pub(crate) struct StringentParser;
