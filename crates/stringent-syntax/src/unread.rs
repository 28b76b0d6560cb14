//! What text that could not be parsed may declare. A broken item, or a file that cannot be
//! parsed at all, is reported once where it breaks; the names it would have declared are
//! then not reported again as unknown wherever they are used, and its rules are not
//! reported as standing outside a jurisdiction (docs/semantics.md, "One mistake, one
//! diagnostic").

/// One declaration seen in unparsed text: its keyword and the name after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadDecl {
    pub keyword: String,
    pub name: String,
}

/// The keywords that declare a name, at the start of a line.
const DECLARING: [&str; 9] =
    ["jurisdiction", "axis", "value", "element", "form", "obligation", "condition", "topic", "rule"];

/// Every `keyword name` that starts a line of `text` (after indentation), for the keywords
/// that declare names. A line scan, not a parse: it must work on text the grammar refused.
pub fn declared_names(text: &str) -> Vec<UnreadDecl> {
    text.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let keyword = words.next()?;
            if !DECLARING.contains(&keyword) {
                return None;
            }
            let name: String = words
                .next()?
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
                .collect();
            (!name.is_empty()).then(|| UnreadDecl { keyword: keyword.to_owned(), name })
        })
        .collect()
}

/// [`declared_names`] of a chunk the grammar refused, where the first word may itself be
/// the mistake: a misspelt declaring keyword (`jurisdction US …`) still declares its name.
pub fn declared_in_chunk(chunk: &str) -> Vec<UnreadDecl> {
    let mut found = declared_names(chunk);
    let mut words = chunk.split_whitespace();
    if let (Some(first), Some(second)) = (words.next(), words.next())
        && !DECLARING.contains(&first)
        && let Some(keyword) = stringent_diagnostics::nearest(first, DECLARING.iter().copied())
    {
        let name: String =
            second.chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')).collect();
        if !name.is_empty() {
            found.insert(0, UnreadDecl { keyword: keyword.to_owned(), name });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_header_and_values_are_seen() {
        let text = "jurisdiction US-WA \"Washington under US\n  value adult \"x\nrule wa.x{\n// rule not.this\ntest \"t\" {}\n";
        let names: Vec<(String, String)> = declared_names(text).into_iter().map(|d| (d.keyword, d.name)).collect();
        assert_eq!(
            names,
            [("jurisdiction", "US-WA"), ("value", "adult"), ("rule", "wa.x")]
                .map(|(k, n)| (k.to_owned(), n.to_owned()))
        );
    }

    #[test]
    fn a_misspelt_keyword_still_declares_its_name() {
        let found = declared_in_chunk("jurisdction US \"United States\"\nrule us.a {");
        let names: Vec<(&str, &str)> = found.iter().map(|d| (d.keyword.as_str(), d.name.as_str())).collect();
        assert_eq!(names, [("jurisdiction", "US"), ("rule", "us.a")]);
    }

    #[test]
    fn a_keyword_alone_or_inside_a_word_declares_nothing() {
        assert!(declared_names("rule\nrules x\njurisdictional US\n").is_empty());
    }
}
