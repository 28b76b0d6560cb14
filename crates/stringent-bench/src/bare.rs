//! The bare pest parse: the parser pest derives from `grammar/stringent.pest`, with none of
//! `stringent-syntax`'s lowering to a typed tree, spans or error messages. It is the floor
//! for the cost of parsing with this grammar.

use pest::Parser;

/// The same grammar file `stringent-syntax` derives its (private) parser from.
#[derive(pest_derive::Parser)]
#[grammar = "../../grammar/stringent.pest"]
pub struct BareParser;

/// Parse a whole file with the `file` rule and nothing else. The pairs are returned so
/// that the caller drops them (freeing pest's token queue is part of the cost).
pub fn parse(text: &str) -> Result<pest::iterators::Pairs<'_, Rule>, Box<pest::error::Error<Rule>>> {
    BareParser::parse(Rule::file, text).map_err(Box::new)
}
