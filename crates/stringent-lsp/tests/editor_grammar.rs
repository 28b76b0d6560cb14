//! The editor's highlighting grammar names exactly the keywords of `grammar/stringent.pest`
//! (the list completion offers, [`stringent_lsp::keywords`]): a keyword added to the
//! language and not to `editors/vscode/syntaxes/stringent.tmLanguage.json`, or one left
//! there after it was removed, fails here.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a test reports a broken expectation by panicking")]

use std::path::Path;

#[test]
fn the_textmate_grammar_highlights_the_keywords_of_the_pest_grammar() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../editors/vscode/syntaxes/stringent.tmLanguage.json");
    let grammar: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let pattern = grammar.pointer("/repository/keyword/match").and_then(|m| m.as_str()).expect("a keyword rule");
    let inner = pattern.strip_prefix("\\b(?:").and_then(|p| p.strip_suffix(")\\b")).expect("\\b(?:a|b|…)\\b");
    let mut highlighted: Vec<String> = inner.split('|').map(str::to_owned).collect();
    highlighted.sort();
    let keywords = stringent_lsp::keywords();
    assert!(keywords.len() > 40, "{keywords:?}");
    assert_eq!(highlighted, keywords);
}
