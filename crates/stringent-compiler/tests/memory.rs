//! `compile_sources` compiles rule files given in memory exactly as `compile` compiles the
//! same files on disk, and checks their bytes as it checks files read from disk.
#![expect(clippy::unwrap_used, reason = "a test reports a broken expectation by panicking")]

use std::path::{Path, PathBuf};
use stringent_compiler::{compile, compile_sources, discover};
use stringent_diagnostics::Code;
use stringent_syntax::Date;

fn rules() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules")
}

fn as_of() -> Date {
    Date::parse("2026-11-24").unwrap()
}

#[test]
fn the_shipped_rules_in_memory_compile_to_the_same_artifacts() {
    let on_disk = compile(&[rules()], as_of());
    assert!(!on_disk.has_errors());
    let found = discover::discover(&[rules()]);
    let sources: Vec<(String, String)> = found.files.into_iter().map(|f| (f.relative, f.text)).collect();
    assert!(sources.len() > 50);
    let in_memory = compile_sources(sources, as_of());
    assert!(!in_memory.has_errors(), "{:?}", in_memory.diagnostics);
    let a = on_disk.policies();
    let b = in_memory.policies();
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(serde_json::to_string(x).unwrap(), serde_json::to_string(y).unwrap(), "{}", x.jurisdiction);
    }
}

#[test]
fn sources_in_memory_are_checked_as_files_are() {
    let axes = std::fs::read_to_string(rules().join("vocabulary/axes.stringent")).unwrap();
    let c = compile_sources(
        vec![
            ("axes.stringent".into(), axes),
            ("empty.stringent".into(), " \n".into()),
            ("nul.stringent".into(), "jurisdiction US \"U\"\0".into()),
            ("huge.stringent".into(), " ".repeat(16 * 1024 * 1024 + 1)),
        ],
        as_of(),
    );
    let codes: Vec<Code> = c.diagnostics.iter().map(|d| d.code).collect();
    for code in [Code::EmptyFile, Code::NulByte, Code::TooLarge] {
        assert!(codes.contains(&code), "{code:?} missing from {codes:?}");
    }
}

#[test]
fn a_tree_in_memory_without_a_federal_layer_says_so() {
    let axes = std::fs::read_to_string(rules().join("vocabulary/axes.stringent")).unwrap();
    let c = compile_sources(vec![("axes.stringent".into(), axes)], as_of());
    let d = c.diagnostics.iter().find(|d| d.code == Code::NoFederalLayer).unwrap();
    assert!(d.message.contains("the given sources"), "{}", d.message);
}

#[test]
fn two_sources_of_one_name_are_refused_not_merged() {
    let axes = std::fs::read_to_string(rules().join("vocabulary/axes.stringent")).unwrap();
    let c = compile_sources(vec![("axes.stringent".into(), axes.clone()), ("axes.stringent".into(), axes)], as_of());
    let duplicates: Vec<_> = c.diagnostics.iter().filter(|d| d.code == Code::DuplicateSource).collect();
    assert_eq!(duplicates.len(), 1, "{:?}", c.diagnostics);
    assert!(duplicates.iter().all(|d| d.message.contains("`axes.stringent`")), "{duplicates:?}");
}

/// The shipped tree in memory, with `edit` applied to the file named `name`.
fn shipped_with(name: &str, edit: impl Fn(&str) -> String) -> Vec<(String, String)> {
    let found = discover::discover(&[rules()]);
    let mut sources: Vec<(String, String)> = found.files.into_iter().map(|f| (f.relative, f.text)).collect();
    let file = sources.iter_mut().find(|(n, _)| n == name).unwrap();
    file.1 = edit(&file.1);
    sources
}

#[test]
fn an_error_in_an_organization_file_leaves_every_other_chain_answerable_and_unchanged() {
    let clean = compile_sources(shipped_with("org/example_clinic.stringent", str::to_owned), as_of());
    let broken = compile_sources(
        shipped_with("org/example_clinic.stringent", |t| {
            format!("{t}\nrule org.broken \"A typo\" {{\n  category hvi\n}}\n")
        }),
        as_of(),
    );
    assert!(broken.has_errors());
    assert!(broken.errors_touching("org:example_clinic").iter().any(|d| d.message.contains("hvi")));
    for j in ["US", "US-CA", "US-NY", "US-CA+US-NY"] {
        assert!(broken.errors_touching(j).is_empty(), "{j}: {:?}", broken.errors_touching(j));
        let (a, b) = (clean.policy_for(j).unwrap(), broken.policy_for(j).unwrap());
        assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap(), "{j}");
    }
    let unavailable: Vec<String> = broken.unavailable().into_iter().map(|(j, _)| j).collect();
    assert_eq!(unavailable, ["org:example_clinic"]);
}

#[test]
fn an_error_in_the_federal_layer_or_the_vocabulary_touches_every_chain() {
    for name in ["us/federal.stringent", "vocabulary/terms.stringent"] {
        let broken = compile_sources(shipped_with(name, |t| format!("{t}\nrule broken.rule \"x\" {{ }}\n")), as_of());
        assert!(broken.has_errors(), "{name}");
        for j in ["US", "US-CA", "org:example_clinic"] {
            assert!(!broken.errors_touching(j).is_empty(), "{name} {j}");
        }
        assert_eq!(broken.unavailable().len(), broken.model.layers.len(), "{name}");
    }
}

#[test]
fn a_file_whose_jurisdiction_cannot_be_read_touches_every_chain() {
    let broken = compile_sources(
        shipped_with("org/example_clinic.stringent", |t| t.replacen("jurisdiction", "jurisdicton", 1)),
        as_of(),
    );
    assert!(broken.has_errors());
    assert!(!broken.errors_touching("US-CA").is_empty());
    assert!(!broken.errors_touching("org:example_clinic").is_empty());
}

/// A layer of more rules than the limit is one E0400, at the first rule past it, and the
/// tree is not resolved (the meets would grow with the square of the rules).
#[test]
fn a_layer_past_the_rule_limit_is_one_error() {
    let axes = std::fs::read_to_string(rules().join("vocabulary/axes.stringent")).unwrap();
    let rule = |i: usize| {
        format!(
            "rule us.r{i} \"t\" {{\n  cite \"x\"\n  confidence verified\n  effective 2003-04-14\n  purpose treatment\n  permission authorization\n}}\n"
        )
    };
    let n = stringent_compiler::limits::MAX_RULES_PER_LAYER + 5;
    let federal = format!("jurisdiction US \"United States\"\n\n{}", (0..n).map(rule).collect::<String>());
    let c = compile_sources(vec![("axes.stringent".into(), axes), ("us/federal.stringent".into(), federal)], as_of());
    let codes: Vec<Code> = c.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::LimitExceeded], "{:?}", c.diagnostics);
    assert!(c.diagnostics.iter().all(|d| d.message.contains("more than 1000 rules")));
    assert!(c.chains.is_empty());
}

/// A state rule whose ways meet the federal ones into a permission neither has alone
/// (`authorization or none if a` and `… or none if b` give `… or none if a and b`) decides
/// that permission jointly: provenance credits it, and so must the statistics, or `check`
/// reports it as deciding nothing (W0002) and `prove` as a dead rule.
#[test]
fn a_rule_that_decides_a_permission_jointly_decides_something() {
    let tiny = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/tiny");
    let read = |name: &str| std::fs::read_to_string(tiny.join(name)).unwrap();
    let vocabulary = format!(
        "{}\ncondition threat_a \"A threat of one kind\"\ncondition threat_b \"A threat of another kind\"\n",
        read("tiny.stringent")
    );
    let federal = "jurisdiction US \"United States (federal)\"\n\nrule f.employment \"Employers\" {\n  cite \"f\"\n  \
                   confidence verified\n  effective 2003-04-14\n  purpose employment\n  permission authorization or none if threat_a\n}\n";
    let state = "jurisdiction US-XX \"Example state\" under US\n\nrule s.employment \"Employers\" {\n  cite \"s\"\n  \
                 confidence verified\n  effective 2003-04-14\n  purpose employment\n  permission authorization or none if threat_b\n}\n";
    let c = compile_sources(
        vec![
            ("tiny.stringent".into(), vocabulary),
            ("us/federal.stringent".into(), federal.into()),
            ("us-xx/state.stringent".into(), state.into()),
        ],
        as_of(),
    );
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    let codes: Vec<String> = c.diagnostics.iter().map(|d| format!("{:?}: {}", d.code, d.message)).collect();
    assert!(codes.is_empty(), "{codes:?}");
    let proof = stringent_compiler::proof::prove(&c, None).unwrap();
    assert!(proof.dead_rules.is_empty(), "{:?}", proof.dead_rules.iter().map(|r| &r.rule).collect::<Vec<_>>());
}

/// A compile that reuses the syntax trees of an earlier one (an editor's, after each edit)
/// reports and answers exactly as a compile from scratch, the edited file parsed anew.
#[test]
fn a_compile_through_the_parse_cache_equals_one_from_scratch() {
    let found = discover::discover(&[rules()]);
    let sources: Vec<(String, String)> = found.files.into_iter().map(|f| (f.relative, f.text)).collect();
    let mut cache = stringent_compiler::ParseCache::default();
    let first = stringent_compiler::compile_sources_cached(sources.clone(), as_of(), &mut cache);
    assert!(!first.has_errors());
    let mut edited = sources.clone();
    let (name, text) = edited.iter_mut().find(|(n, _)| n == "us-ny/new_york.stringent").unwrap();
    text.push_str("\nrule ny.probe \"A probe\" {\n  confidence verified\n  category hiv\n  purpose treatment\n  recipient provider\n  permission authorization\n}\n");
    let name = name.clone();
    let cached = stringent_compiler::compile_sources_cached(edited.clone(), as_of(), &mut cache);
    let fresh = compile_sources(edited, as_of());
    assert!(cached.diagnostics.iter().any(|d| d.primary.as_ref().is_some_and(|p| p.file == name)));
    assert_eq!(cached.diagnostics, fresh.diagnostics);
    assert!(cache.tree(&name).is_some());
    let back = stringent_compiler::compile_sources_cached(sources, as_of(), &mut cache);
    assert!(!back.has_errors(), "{:?}", back.diagnostics);
    let (a, b) = (first.policies(), back.policies());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(serde_json::to_string(x).unwrap(), serde_json::to_string(y).unwrap(), "{}", x.jurisdiction);
    }
}
