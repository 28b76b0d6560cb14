//! Snapshots of what the shipped federal layer says: `explain` for the questions of the
//! core table, the exception tree of the general authorization rule, and the compiled
//! artifact's requirement table. Reviewed like code: a change here is a change in law.
#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "a test reports a broken expectation by panicking")]

use std::path::Path;
use stringent_compiler::{compile, explain};
use stringent_policy::Question;
use stringent_syntax::Date;

fn federal() -> stringent_compiler::Compilation {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    let c = compile(&[rules.join("vocabulary"), rules.join("us")], Date::parse("2026-11-24").unwrap());
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    c
}

#[test]
fn explain_the_federal_table() {
    let c = federal();
    let us = c.loaded("US").unwrap();
    let questions = [
        ("general", "treatment", "provider", "provider"),
        ("general", "legal_proceeding", "attorney", "provider"),
        ("general", "patient_access", "patient", "provider"),
        ("psychotherapy_notes", "treatment", "provider", "provider"),
        ("genetic", "underwriting", "health_plan", "health_plan"),
        ("part2_record", "emergency_treatment", "provider", "provider"),
    ];
    let mut out = String::new();
    for (category, purpose, recipient, holder) in questions {
        let q = Question {
            categories: vec![category.into()],
            purpose: purpose.into(),
            recipient: recipient.into(),
            subject: "adult".into(),
            holder: holder.into(),
        };
        out.push_str(&explain::explain(&us.decide(&q).unwrap()));
        out.push_str("\n----\n\n");
    }
    insta::assert_snapshot!(out);
}

#[test]
fn exception_tree_of_the_general_rule() {
    let c = federal();
    let tree = explain::exception_tree(&c.model, c.model.rule("us.hipaa.164_508_a_1").unwrap()).unwrap();
    insta::assert_snapshot!(explain::render_exception_tree(&tree));
}

#[test]
fn federal_artifact_requirements() {
    let c = federal();
    let p = c.policy_for("US").unwrap();
    let cells = p.regions.cell_grid().map(|g| g.len());
    assert_eq!(cells, Some(p.vocabulary.axes.iter().map(|a| a.values.len()).product::<usize>()));
    insta::assert_json_snapshot!(serde_json::json!({
        "format": p.format,
        "schema_version": p.schema_version,
        "chain": p.chain,
        "requirements": p.requirements,
        "rules": p.rules.iter().map(|r| format!("{} ({})", r.id, r.citations.join("; "))).collect::<Vec<_>>(),
    }));
}

fn everything() -> stringent_compiler::Compilation {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    let c = compile(&[rules], Date::parse("2026-11-24").unwrap());
    assert!(!c.has_errors(), "{:?}", c.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>());
    c
}

#[test]
fn every_jurisdiction_is_covered_and_tested_and_its_tests_pass() {
    use stringent_compiler::coverage::{State, coverage};
    let c = everything();
    let rows = coverage(&c.model);
    assert_eq!(rows.len(), 51, "every state and DC");
    for (j, cells) in &rows {
        assert!(!cells.contains(&State::Missing), "{j} has a missing coverage cell");
        let tests = c.model.tests.iter().filter(|t| t.layer.as_deref() == Some(j.as_str())).count();
        assert!(tests >= 3, "{j} has only {tests} rule tests");
    }
    let run = stringent_compiler::testing::run(&c);
    assert!(run.diagnostics.is_empty());
    let failed: Vec<String> = run
        .outcomes
        .iter()
        .filter(|o| !o.passed())
        .map(|o| format!("{}: {} {:?}", o.file, o.title, o.failures))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert!(run.passed() >= 500);
}

/// Every answer that asks anything for its permission names a rule that decided it, in every
/// region of every shipped chain: where the meet of several rules' ways equals none of them
/// (psychotherapy notes under a state's treatment rule and the federal notes rule), the rules
/// without which it would differ are credited together (docs/semantics.md, "Provenance").
#[test]
fn every_permission_is_credited_to_a_rule() {
    use stringent_policy::artifact::Role;
    use stringent_policy::{Dimension, Permission};
    let c = everything();
    let mut joint = 0;
    for chain in &c.chains {
        let id = &c.model.layers[*chain.chain.last().unwrap()].id;
        for region in &chain.regions {
            let requirement = &chain.requirements[region.requirement as usize];
            if requirement.permission == Permission::any() {
                continue;
            }
            let invs = &chain.provenance[region.provenance as usize];
            let won: Vec<_> =
                invs.iter().filter(|i| i.role == Role::Won && i.dims.has(Dimension::Permission)).collect();
            assert!(!won.is_empty(), "{id}: {:?} credited to no rule: {invs:?}", requirement.permission);
            let alone = won.iter().any(|i| c.model.rules[i.rule].requirement.permission == requirement.permission);
            joint += usize::from(!alone);
        }
    }
    // The joint case occurs in the shipped corpus, so the crediting above is exercised.
    assert!(joint > 0, "no permission decided jointly anywhere");
}

/// What a consumer reads for a point is what the compiler resolved for its cell, in every
/// cell of every shipped chain: requirement and provenance, read from the artifact's
/// regions (schema 2.0) after a round trip through its JSON, against the compiler's own
/// per-cell resolution.
#[test]
fn loaded_policies_answer_every_cell_as_resolved() {
    let c = everything();
    let grid = stringent_compiler::resolve::grid(&c.model);
    let count = grid.len();
    for chain in &c.chains {
        let id = &c.model.layers[*chain.chain.last().unwrap()].id;
        let json = stringent_compiler::emit::to_json(c.loaded(id).unwrap().policy()).unwrap();
        let loaded = stringent_policy::LoadedPolicy::from_json(&json).unwrap();
        let (requirements, provenance) = chain.cell_indices();
        assert_eq!(requirements.len(), count);
        grid.for_each_point(|cell, point| {
            assert_eq!(loaded.entry(point), Some([requirements[cell], provenance[cell]]), "{id}, cell {cell}");
        });
    }
}

#[test]
fn every_rule_cites_the_law_and_says_how_sure_it_is() {
    let c = everything();
    for r in &c.model.rules {
        assert!(r.citations.iter().all(|cite| !cite.trim().is_empty()), "{} has an empty citation", r.id);
        if let Some(src) = &r.source {
            assert!(src.starts_with("https://") || src.starts_with("http://"), "{}: source `{src}` is not a URL", r.id);
        }
        // `verified` says the text was read in a current copy: the copy must be named.
        if r.confidence == stringent_syntax::ast::Confidence::Verified {
            assert!(r.source.is_some(), "{} is verified but names no source", r.id);
        }
    }
}

/// What CI's `stringent prove --from 2003-01-01 rules` checks: every assertion of the
/// shipped tree holds on every chain, cell and date it names, no rule in force on some date
/// is dead, and no mandate meets a prohibition. A law merge that breaks an assertion (or an
/// engine change that misreads one) fails here, not only when someone runs `prove`.
#[test]
fn the_shipped_assertions_hold_on_every_date_from_2003() {
    let c = everything();
    let proof = stringent_compiler::proof::prove(&c, Some(Date::parse("2003-01-01").unwrap())).unwrap();
    let failing: Vec<String> = proof.diagnostics().iter().map(|d| d.message.clone()).collect();
    assert!(proof.holds(), "{failing:#?}");
    assert!(proof.assertions.len() > 400, "{} assertions", proof.assertions.len());
}

/// `prove` resolves a chain again on a date some rule of its layers starts or ends from its
/// result on the date before, reusing the regions where no rule that matches changed
/// (docs/semantics.md, "Proofs"). On every such date of the shipped rules from 2003 on,
/// that result must be the one a fresh resolution gives: the same requirements, provenance
/// and regions in the same order, the same cells and the same statistics.
#[test]
fn resolving_again_from_an_earlier_date_gives_what_a_fresh_resolution_gives() {
    use stringent_compiler::resolve::{ChainResult, Resolver};
    let c = everything();
    let model = &c.model;
    let from = Date::parse("2003-01-01").unwrap();
    let mut dates: Vec<Date> = model.rules.iter().flat_map(|r| r.change_dates()).filter(|d| *d > from).collect();
    dates.push(from);
    dates.sort();
    dates.dedup();
    let all: Vec<usize> = (0..model.layers.len()).collect();
    let mut resolver = Resolver::for_chains(model, from, &all);
    let mut current: Vec<(Date, ChainResult)> = all.iter().map(|l| (from, resolver.chain(*l))).collect();
    let mut regions_reused = 0usize;
    for pair in dates.windows(2) {
        let (before, d) = (pair[0], pair[1]);
        let changed: Vec<bool> = model
            .layers
            .iter()
            .map(|l| l.rules.iter().any(|r| model.rules[*r].active_on(before) != model.rules[*r].active_on(d)))
            .collect();
        let stale: Vec<usize> = all.iter().copied().filter(|l| model.chain(*l).iter().any(|x| changed[*x])).collect();
        let next = Resolver::for_chains_after(model, d, &stale, &resolver, &changed);
        let fresh = Resolver::for_chains(model, d, &stale);
        for l in &stale {
            let (at, old) = &current[*l];
            let moved: Vec<bool> = model.rules.iter().map(|r| r.active_on(*at) != r.active_on(d)).collect();
            let again = next.chain_after(*l, Some((old, &moved)));
            let expected = fresh.chain(*l);
            let name = &model.layers[*l].id;
            assert_eq!(again.requirements, expected.requirements, "{name} on {d}: requirements");
            assert_eq!(again.provenance, expected.provenance, "{name} on {d}: provenance");
            assert_eq!(again.regions, expected.regions, "{name} on {d}: regions");
            assert_eq!(again.cell_indices(), expected.cell_indices(), "{name} on {d}: cells");
            assert_eq!(again.stats.won, expected.stats.won, "{name} on {d}: rules that won");
            assert_eq!(again.stats.matched, expected.stats.matched, "{name} on {d}: rules that matched");
            assert_eq!(again.stats.conflicts, expected.stats.conflicts, "{name} on {d}: conflicts");
            regions_reused += old.regions.len();
            current[*l] = (d, again);
        }
        resolver = next;
    }
    assert!(dates.len() > 100 && regions_reused > 10_000, "too few dates or regions to show anything");
}

/// `prove` takes the chains `compile` resolved when they were resolved on its first date,
/// and later dates reuse their regions through the shapes it adopts from them
/// (docs/semantics.md, "Proofs"). The proof must be the one a compilation of another date
/// gives, where every chain is resolved again on the first date: with an assertion that
/// fails in every chain, so that each chain's answers on each date show in its
/// counterexamples.
#[test]
fn a_proof_from_the_compiled_date_is_the_proof_from_any_other() {
    use stringent_compiler::proof::prove;
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    let mut sources: Vec<(String, String)> =
        stringent_compiler::discover::discover(&[rules]).files.into_iter().map(|f| (f.relative, f.text)).collect();
    sources.push((
        "assertions/probe.stringent".to_owned(),
        "assert \"Treatment of mental health needs a court order\" {\n  jurisdiction all\n  dates from 2003-01-01\n  \
         category mental_health\n  purpose treatment\n  require level at_least court_order_only\n}\n"
            .to_owned(),
    ));
    let from = Date::parse("2003-01-01").unwrap();
    let on_first = stringent_compiler::compile_sources(sources.clone(), from);
    let on_other = stringent_compiler::compile_sources(sources, Date::parse("2026-11-24").unwrap());
    assert!(!on_first.has_errors() && !on_other.has_errors());
    let (reused, fresh) = (prove(&on_first, Some(from)).unwrap(), prove(&on_other, Some(from)).unwrap());
    assert!(!reused.holds(), "the probe assertion should fail");
    let (reused, fresh) = (serde_json::to_string(&reused).unwrap(), serde_json::to_string(&fresh).unwrap());
    assert!(reused == fresh, "a proof reusing the compiled chains differs from one resolving them again");
}
