//! A loader refuses what it cannot trust, with a typed error and no panic.
#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "a test reports a broken expectation by panicking")]

use serde_json::Value;
use stringent_policy::{LoadError, LoadedPolicy, Question};

const TINY: &[u8] = include_bytes!("data/tiny-US-XX.json");

fn edited(f: impl Fn(&mut Value)) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(TINY).unwrap();
    f(&mut v);
    serde_json::to_vec(&v).unwrap()
}

#[test]
fn the_fixture_loads_and_answers() {
    let p = LoadedPolicy::from_json(TINY).unwrap();
    assert_eq!(p.decide(&Question::new("general", "treatment", "provider")).unwrap().level.as_str(), "allowed");
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    for len in (0..TINY.len()).step_by(97) {
        assert!(LoadedPolicy::from_json(&TINY[..len]).is_err(), "truncated at {len}");
    }
}

#[test]
fn a_wrong_hash_is_refused() {
    let bytes = edited(|v| v["requirements"][0]["mandatory"] = Value::Bool(true));
    assert!(matches!(LoadedPolicy::from_json(&bytes), Err(LoadError::HashMismatch { .. })));
}

#[test]
fn an_unknown_major_version_is_refused_and_a_newer_minor_accepted() {
    let future = edited(|v| v["schema_version"] = "3.0".into());
    assert!(matches!(LoadedPolicy::from_json(&future), Err(LoadError::UnsupportedVersion { .. })));
    // A later compiler's artifact: its own version under its integrity hash, and a field
    // this loader does not know.
    let mut later: stringent_policy::Policy = serde_json::from_slice(TINY).unwrap();
    later.schema_version = "2.7".into();
    later.integrity = later.compute_integrity();
    let mut v = serde_json::to_value(&later).unwrap();
    v["a_field_from_the_future"] = Value::Bool(true);
    assert!(LoadedPolicy::from_json(&serde_json::to_vec(&v).unwrap()).is_ok());
}

#[test]
fn changed_provenance_is_refused_though_the_answers_are_the_same() {
    for (field, value) in [("citations", serde_json::json!(["Another Code 2"])), ("title", "Another title".into())] {
        let bytes = edited(|v| v["rules"][0][field] = value.clone());
        assert!(matches!(LoadedPolicy::from_json(&bytes), Err(LoadError::IntegrityMismatch { .. })), "{field}");
    }
    let bytes = edited(|v| v["as_of"] = "1999-01-01".into());
    assert!(matches!(LoadedPolicy::from_json(&bytes), Err(LoadError::IntegrityMismatch { .. })));
}

#[test]
fn an_artifact_without_an_integrity_hash_is_refused() {
    let bytes = edited(|v| {
        v.as_object_mut().unwrap().remove("integrity");
    });
    let err = LoadedPolicy::from_json(&bytes).unwrap_err();
    assert!(matches!(err, LoadError::MissingIntegrity { .. }), "{err}");
    assert!(err.to_string().contains("recompile"), "{err}");
}

/// Schema 1.x stored per-cell arrays (and before 1.2 a permission could not be a way of
/// several instruments): such an artifact is refused with a request to recompile, not
/// misread.
#[test]
fn an_artifact_of_schema_1_is_refused_with_a_request_to_recompile() {
    for old in ["1.0", "1.1", "1.9"] {
        let bytes = edited(|v| v["schema_version"] = old.into());
        let err = LoadedPolicy::from_json(&bytes).unwrap_err();
        assert!(matches!(err, LoadError::TooOld { .. }), "{old}: {err}");
        assert!(err.to_string().contains("recompile"), "{err}");
    }
    let newer = edited(|v| v["schema_version"] = "2.9".into());
    assert!(!matches!(
        LoadedPolicy::from_json(&newer),
        Err(LoadError::TooOld { .. }) | Err(LoadError::UnsupportedVersion { .. })
    ));
}

/// A way that names a condition the vocabulary does not declare is refused.
#[test]
fn a_way_under_an_undeclared_condition_is_refused() {
    // Re-hash, so that only the consistency check can catch it.
    let mut v: Value = serde_json::from_slice(TINY).unwrap();
    v["requirements"][0]["ways"] =
        serde_json::json!([{"bases": ["authorization"], "conditions": ["no_such_fact"], "level": "authorization"}]);
    let mut p: stringent_policy::Policy = serde_json::from_value(v).unwrap();
    p.content_hash = p.compute_hash();
    p.integrity = p.compute_integrity();
    let err = LoadedPolicy::from_json(&serde_json::to_vec(&p).unwrap()).unwrap_err();
    assert!(matches!(err, LoadError::Inconsistent(_)), "{err}");
    assert!(err.to_string().contains("condition"), "{err}");
}

#[test]
fn another_format_is_refused() {
    let other = edited(|v| v["format"] = "something.else".into());
    assert!(matches!(LoadedPolicy::from_json(&other), Err(LoadError::WrongFormat(_))));
    assert!(matches!(LoadedPolicy::from_json(b"{}"), Err(LoadError::Json(_))));
}

#[test]
fn an_inconsistent_artifact_is_refused_even_with_a_matching_hash() {
    // Point a region at a requirement that does not exist, and re-hash so only consistency can catch it.
    let mut v: Value = serde_json::from_slice(TINY).unwrap();
    v["regions"]["table"][0][0] = Value::from(999);
    let mut p: stringent_policy::Policy = serde_json::from_value(v).unwrap();
    p.content_hash = p.compute_hash();
    p.integrity = p.compute_integrity();
    let bytes = serde_json::to_vec(&p).unwrap();
    assert!(matches!(LoadedPolicy::from_json(&bytes), Err(LoadError::Inconsistent(_))));
}

/// Every point reads the entry of its tuple of classes, and the classes keep the answers
/// the compiler gave: no two values of one class answer differently anywhere (checked by
/// expanding the regions to cells and folding them again).
#[test]
fn every_point_reads_the_entry_of_its_tuple() {
    let p = LoadedPolicy::from_json(TINY).unwrap();
    let regions = &p.policy().regions;
    let grid = regions.cell_grid().unwrap();
    let sizes: Vec<usize> = p.policy().vocabulary.axes.iter().map(|a| a.values.len()).collect();
    assert_eq!(grid.sizes(), sizes.as_slice());
    let mut checked = 0;
    let mut cells = Vec::new();
    grid.for_each_point(|cell, point| {
        let tuple_point: Vec<u32> = point.iter().enumerate().map(|(a, v)| regions.classes[a][*v as usize]).collect();
        let tuple = regions.tuple_grid().unwrap().index(&tuple_point).unwrap();
        assert_eq!(p.entry(point), Some(regions.table[tuple]), "{point:?}");
        assert_eq!(p.requirement(point), Some(&p.policy().requirements[regions.table[tuple][0] as usize]));
        cells.push((cell, regions.table[tuple]));
        checked += 1;
    });
    assert_eq!(checked, grid.len());
    let refolded = stringent_policy::grid::Regions::from_cells(&grid, |point| cells[grid.index(point).unwrap()].1);
    assert_eq!(refolded.as_ref(), Some(regions), "the stored regions are canonical");
    let mut out = vec![0u32; sizes.len()];
    out[0] = sizes[0] as u32;
    assert_eq!(p.requirement(&out), None, "a value out of range has no requirement");
    assert_eq!(p.requirement(&out[1..]), None, "a point with too few axes has no requirement");
}

/// An axis without values describes no cell: the policy indexes without a panic and no
/// point has a requirement.
#[test]
fn an_axis_without_values_has_no_requirements() {
    let mut policy: stringent_policy::Policy = serde_json::from_slice(TINY).unwrap();
    policy.vocabulary.axes[4].values.clear();
    policy.regions.classes[4].clear();
    policy.regions.table.clear();
    let p = LoadedPolicy::new(policy).unwrap();
    assert_eq!(p.requirement(&[0, 0, 0, 0, 0]), None);
}

/// Classes that name more tuples than the table holds, a class past the values, or a
/// class list of the wrong length are refused before anything is allocated for them.
#[test]
fn regions_that_do_not_cover_the_cells_are_refused() {
    type Edit = fn(&mut stringent_policy::Policy);
    let cases: [(&str, Edit); 4] = [
        ("a short table", |p| {
            p.regions.table.pop();
        }),
        ("a class past the values", |p| p.regions.classes[0][0] = 1_000_000),
        ("a missing class list", |p| {
            p.regions.classes.pop();
        }),
        ("a class list of the wrong length", |p| {
            p.regions.classes[1].push(0);
        }),
    ];
    for (what, edit) in cases {
        let mut policy: stringent_policy::Policy = serde_json::from_slice(TINY).unwrap();
        edit(&mut policy);
        policy.content_hash = policy.compute_hash();
        policy.integrity = policy.compute_integrity();
        let err = LoadedPolicy::from_json(&serde_json::to_vec(&policy).unwrap()).err();
        assert!(matches!(err, Some(LoadError::Inconsistent(_))), "{what}: {err:?}");
    }
}

/// The stored level is what `requirement()` hands out: one that says more than the ways
/// behind it is refused even when the hashes were recomputed.
#[test]
fn a_level_that_disagrees_with_its_ways_is_refused() {
    let mut v: Value = serde_json::from_slice(TINY).unwrap();
    let record = v["requirements"].as_array_mut().unwrap().iter_mut().find(|r| r["level"] != "allowed").unwrap();
    record["level"] = "allowed".into();
    let mut p: stringent_policy::Policy = serde_json::from_value(v).unwrap();
    p.content_hash = p.compute_hash();
    p.integrity = p.compute_integrity();
    let err = LoadedPolicy::from_json(&serde_json::to_vec(&p).unwrap()).unwrap_err();
    assert!(matches!(err, LoadError::Inconsistent(_)), "{err}");
    assert!(err.to_string().contains("disagree"), "{err}");
}

/// A hierarchy that loops, names a missing parent or repeats a value is refused even with
/// matching hashes: answering walks up from a value and must reach a root.
#[test]
fn a_value_hierarchy_with_a_cycle_a_missing_parent_or_a_repeated_value_is_refused() {
    let rehashed = |f: &dyn Fn(&mut Value)| {
        let mut v: Value = serde_json::from_slice(TINY).unwrap();
        f(&mut v);
        let mut p: stringent_policy::Policy = serde_json::from_value(v).unwrap();
        p.content_hash = p.compute_hash();
        p.integrity = p.compute_integrity();
        serde_json::to_vec(&p).unwrap()
    };
    let first_id = |v: &Value| v["vocabulary"]["axes"][0]["values"][0]["id"].clone();
    type Edit<'a> = &'a dyn Fn(&mut Value);
    let cases: [(&str, Edit); 3] = [
        ("its own ancestor", &|v| v["vocabulary"]["axes"][0]["values"][0]["parent"] = first_id(v)),
        ("does not declare", &|v| v["vocabulary"]["axes"][0]["values"][0]["parent"] = Value::from("no_such_value")),
        ("twice", &|v| {
            let values = v["vocabulary"]["axes"][0]["values"].as_array_mut().unwrap();
            if values.len() > 1 {
                values[1]["id"] = values[0]["id"].clone();
            } else {
                values.push(values[0].clone());
            }
        }),
    ];
    for (want, edit) in cases {
        let result = LoadedPolicy::from_json(&rehashed(edit));
        assert!(
            matches!(&result, Err(LoadError::Inconsistent(m)) if m.contains(want)),
            "{want}: {:?}",
            result.map(|_| ())
        );
    }
}

#[test]
fn a_decision_reads_back_equal_from_its_json() {
    let p = LoadedPolicy::from_json(TINY).unwrap();
    for q in [
        Question::new("hiv", "employment", "employer"),
        Question::new("hiv", "employment", "employer").with_categories(["general", "health_information"]),
        Question::new("general", "treatment", "provider"),
    ] {
        let decision = p.decide(&q).unwrap();
        assert!(!decision.provenance.is_empty());
        let json = serde_json::to_string_pretty(&decision).unwrap();
        let read: stringent_policy::Decision = serde_json::from_str(&json).unwrap();
        assert_eq!(read, decision, "{json}");
    }
}

#[test]
fn a_question_defaults_to_the_subject_and_holder_the_cli_uses_and_the_builder_changes_them() {
    let q = Question::new("hiv", "employment", "employer");
    assert_eq!((q.subject.as_str(), q.holder.as_str()), ("adult", "provider"));
    let q = q.subject("minor").holder("hospital").with_category("general");
    assert_eq!((q.subject.as_str(), q.holder.as_str()), ("minor", "hospital"));
    assert_eq!(q.categories, ["hiv", "general"]);
    let err = LoadedPolicy::from_json(TINY).unwrap().decide(&q).unwrap_err();
    assert!(matches!(err, stringent_policy::QuestionError::UnknownValue { axis: "subject", .. }), "{err:?}");
}

#[test]
fn an_unknown_value_names_only_the_first_valid_values() {
    let err = stringent_policy::QuestionError::UnknownValue {
        axis: "purpose",
        value: "gossip".into(),
        valid: (0..30).map(|i| format!("p{i}")).collect(),
    };
    let shown = err.to_string();
    assert!(shown.starts_with("unknown purpose `gossip`; valid values: p0, p1,"), "{shown}");
    assert!(shown.contains("p7, … (30 in all)") && !shown.contains("p8"), "{shown}");
}
