//! A rule that matters only through its `excepts` (docs/semantics.md, "Resolution"): a
//! state's exception to its own closed list, where federal law asks as much as the
//! exception leaves, is what sets the state's authorization aside. It is no dead rule.
#![expect(clippy::unwrap_used, reason = "a test reports a broken expectation by panicking")]

use std::path::Path;
use stringent_compiler::compile_sources;
use stringent_syntax::Date;

/// The axes of the W0002 corpus tree, a federal rule asking an authorization for
/// operations unless a route holds, and a state whose closed list asks its own
/// authorization and whose exception (`xx.peer_review`) permits operations outright.
fn tree(closed_list: &str, exception: &str) -> Vec<(String, String)> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let axes = std::fs::read_to_string(repo.join("tests/corpus/invalid/W0002-no-effect/axes.stringent")).unwrap();
    let federal = "jurisdiction US \"United States (federal)\"\n\n\
        condition operations_route \"The disclosure is for the holder's own operations\"\n\n\
        rule us.operations \"Operations need an authorization unless the route holds\" {\n  cite \"45 CFR 164.506(c)\"\n  \
        confidence verified\n  effective 2003-04-14\n  category health_information\n  purpose operations\n  \
        permission authorization or none if operations_route\n}\n";
    let state = format!(
        "jurisdiction US-XX \"A state\" under US\n\n\
         rule xx.closed_list \"Nothing without the state's authorization\" {{\n  cite \"XX Code 1(a)\"\n  \
         confidence verified\n  effective 2003-04-14\n  category health_information\n  permission {closed_list}\n}}\n\n\
         rule xx.peer_review \"Peer review needs no authorization\" {{\n  cite \"XX Code 1(c)(4)\"\n  \
         confidence verified\n  effective 2003-04-14\n  category health_information\n  purpose operations\n  \
         permission none\n{exception}}}\n"
    );
    vec![
        ("rules/vocabulary/axes.stringent".to_owned(), axes),
        ("rules/us/federal.stringent".to_owned(), federal.to_owned()),
        ("rules/us-xx/state.stringent".to_owned(), state),
    ]
}

fn warnings(closed_list: &str, exception: &str) -> Vec<String> {
    let c = compile_sources(tree(closed_list, exception), Date::parse("2026-01-01").unwrap());
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    c.diagnostics.iter().map(|d| format!("{} {}", d.code.as_str(), d.message)).collect()
}

#[test]
fn a_rule_whose_exception_sets_a_stricter_rule_aside_is_not_dead() {
    let shown = warnings("authorization", "  excepts xx.closed_list\n");
    assert!(!shown.iter().any(|w| w.contains("xx.peer_review")), "{shown:?}");
}

/// Without the exception, the looser rule changes nothing and is reported.
#[test]
fn a_looser_rule_with_no_exception_is_reported() {
    let shown = warnings("authorization", "");
    assert!(shown.iter().any(|w| w.contains("xx.peer_review")), "{shown:?}");
}

/// An exception that sets aside only what the answer asks anyway is no effect either.
#[test]
fn an_exception_of_a_rule_no_stricter_than_the_answer_decides_nothing() {
    let shown = warnings("authorization or none if operations_route", "  excepts xx.closed_list\n");
    assert!(shown.iter().any(|w| w.starts_with("W0002") && w.contains("xx.peer_review")), "{shown:?}");
}
