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
    let future = edited(|v| v["schema_version"] = "2.0".into());
    assert!(matches!(LoadedPolicy::from_json(&future), Err(LoadError::UnsupportedVersion { .. })));
    // A later compiler's artifact: its own version under its integrity hash, and a field
    // this loader does not know.
    let mut later: stringent_policy::Policy = serde_json::from_slice(TINY).unwrap();
    later.schema_version = "1.7".into();
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

/// Before 1.2 a permission could not be a way of several instruments or carry a
/// condition: such an artifact is refused with a request to recompile, not misread.
#[test]
fn an_artifact_older_than_permission_as_ways_is_refused() {
    for old in ["1.0", "1.1"] {
        let bytes = edited(|v| v["schema_version"] = old.into());
        let err = LoadedPolicy::from_json(&bytes).unwrap_err();
        assert!(matches!(err, LoadError::TooOld { .. }), "{old}: {err}");
        assert!(err.to_string().contains("recompile"), "{err}");
    }
    let newer = edited(|v| v["schema_version"] = "1.9".into());
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
    // Point a cell at a requirement that does not exist, and re-hash so only consistency can catch it.
    let mut v: Value = serde_json::from_slice(TINY).unwrap();
    v["cells"][0] = Value::from(999);
    let mut p: stringent_policy::Policy = serde_json::from_value(v).unwrap();
    p.content_hash = p.compute_hash();
    p.integrity = p.compute_integrity();
    let bytes = serde_json::to_vec(&p).unwrap();
    assert!(matches!(LoadedPolicy::from_json(&bytes), Err(LoadError::Inconsistent(_))));
}

/// The loader folds the cells into a smaller table; every point must still read the
/// requirement its cell names.
#[test]
fn every_point_reads_the_requirement_of_its_cell() {
    let p = LoadedPolicy::from_json(TINY).unwrap();
    let sizes: Vec<u32> = p.policy().vocabulary.axes.iter().map(|a| a.values.len() as u32).collect();
    let mut checked = 0;
    for a in 0..sizes[0] {
        for b in 0..sizes[1] {
            for c in 0..sizes[2] {
                for d in 0..sizes[3] {
                    for e in 0..sizes[4] {
                        let point = [a, b, c, d, e];
                        let cell = p.cell(point).unwrap();
                        let expected = &p.policy().requirements[p.policy().cells[cell] as usize];
                        assert_eq!(p.requirement(point), Some(expected), "{point:?}");
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, p.policy().cells.len());
    assert_eq!(p.requirement([sizes[0], 0, 0, 0, 0]), None, "a value out of range has no requirement");
}

/// An axis without values describes no cell: the policy indexes without a panic and no
/// point has a requirement.
#[test]
fn an_axis_without_values_has_no_requirements() {
    let mut policy: stringent_policy::Policy = serde_json::from_slice(TINY).unwrap();
    policy.vocabulary.axes[4].values.clear();
    policy.cells.clear();
    policy.cell_provenance.clear();
    let p = LoadedPolicy::new(policy).unwrap();
    assert_eq!(p.requirement([0, 0, 0, 0, 0]), None);
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
