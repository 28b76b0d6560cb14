//! The scale generator writes well-formed trees: they compile without errors, every
//! rule it announces is there, and a seed always gives the same bytes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use stringent_bench::corpus::as_of;
use stringent_bench::scale::{self, Spec};

fn spec(seed: u64) -> Spec {
    Spec { states: 4, rules_per_state: 40, tests_per_state: 6, orgs: 3, rules_per_org: 4, seed }
}

#[test]
fn a_seed_gives_the_same_tree_and_another_seed_another() {
    assert_eq!(scale::generate(&spec(7)), scale::generate(&spec(7)));
    assert_ne!(scale::generate(&spec(7)), scale::generate(&spec(8)));
}

#[test]
fn generated_trees_compile_without_errors() {
    let dir = std::env::temp_dir().join(format!("stringent-bench-generator-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let s = spec(3);
    scale::write(&dir, &scale::generate(&s)).unwrap();
    let c = stringent_compiler::compile(std::slice::from_ref(&dir), as_of());
    let errors: Vec<String> = c.diagnostics.iter().filter(|d| d.is_error()).map(|d| format!("{d:?}")).collect();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(c.model.rules.len(), s.rule_count());
    // federal, four states, three organizations; one test block per (state, number)
    assert_eq!(c.model.layers.len(), 1 + 4 + 3);
    assert_eq!(c.model.tests.len(), scale::FEDERAL.matches("\ntest ").count() + 4 * 6);
    assert!(c.model.rules.iter().any(|r| !r.excepts.is_empty()), "no exceptions were generated");
    assert!(c.chains.iter().any(|ch| ch.chain.len() == 3), "no organization chain");
}

#[test]
fn scale_factors_count_rules_like_the_shipped_corpus() {
    // the shipped federal rules and 51 states of six rules each
    let federal = scale::FEDERAL.lines().filter(|l| l.starts_with("rule ")).count();
    assert!(federal > 20, "{federal}");
    assert_eq!(Spec::rules_times(1, 1).rule_count(), federal + 51 * 6);
    let ten = Spec::rules_times(10, 1).rule_count();
    assert!((3300..3500).contains(&ten), "{ten}");
    let layers = Spec::layers_times(20, 1);
    assert_eq!(layers.states, 676);
    assert_eq!(layers.states + layers.orgs, 51 * 20);
}
