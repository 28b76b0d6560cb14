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
pub use lower::parse;
pub use unread::{UnreadDecl, declared_in_chunk, declared_names};

#[derive(pest_derive::Parser)]
#[grammar = "../../grammar/stringent.pest"]
pub(crate) struct StringentParser;
