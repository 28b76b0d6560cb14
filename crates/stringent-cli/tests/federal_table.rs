//! The federal layer alone must answer the questions of the core issue's table, asked
//! through `stringent decide` both from the rules tree and from a compiled artifact.
#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "a test reports a broken expectation by panicking")]

use serde_json::Value;

mod common;
use common::stringent;

/// (category, purpose, recipient, holder, check)
type Row = (&'static str, &'static str, &'static str, &'static str, fn(&Value));

fn obligations(v: &Value) -> Vec<&str> {
    v["obligations"].as_array().unwrap().iter().map(|o| o.as_str().unwrap()).collect()
}

fn thirty_calendar_days(v: &Value) {
    assert_eq!(v["mandatory"], true, "{v}");
    let d = v["deadlines"].as_array().unwrap();
    assert!(d.iter().any(|d| d["days"] == 30 && d["unit"] == "calendar_days"), "{v}");
}

const TABLE: &[Row] = &[
    ("general", "treatment", "provider", "provider", |v| {
        assert_eq!(v["level"], "allowed");
        assert!(!obligations(v).contains(&"minimum_necessary"), "{v}");
    }),
    ("general", "payment", "health_plan", "provider", |v| {
        assert_eq!(v["level"], "allowed");
        assert!(obligations(v).contains(&"minimum_necessary"), "{v}");
    }),
    ("general", "legal_proceeding", "attorney", "provider", |v| {
        assert_eq!(v["level"], "authorization");
        assert!(v["bases"].as_array().unwrap().contains(&Value::from("court_order")), "{v}");
    }),
    ("general", "employment", "employer", "provider", |v| assert_eq!(v["level"], "authorization")),
    ("general", "patient_access", "patient", "provider", |v| {
        assert_eq!(v["level"], "allowed");
        thirty_calendar_days(v);
    }),
    ("general", "patient_directed", "provider", "provider", |v| {
        assert_eq!(v["level"], "allowed");
        thirty_calendar_days(v);
    }),
    ("psychotherapy_notes", "treatment", "provider", "provider", |v| assert_eq!(v["level"], "specific_authorization")),
    ("psychotherapy_notes", "patient_access", "patient", "provider", |v| assert_eq!(v["mandatory"], false, "{v}")),
    ("genetic", "underwriting", "health_plan", "health_plan", |v| assert_eq!(v["level"], "prohibited")),
    ("part2_record", "treatment", "provider", "provider", |v| {
        assert_eq!(v["level"], "specific_authorization");
        assert!(obligations(v).contains(&"part2_notice"), "{v}");
    }),
    ("part2_record", "emergency_treatment", "provider", "provider", |v| {
        assert_eq!(v["level"], "allowed");
        assert!(obligations(v).contains(&"document_in_record"), "{v}");
    }),
];

fn ask(source: &[&str], row: &Row) -> Value {
    let (category, purpose, recipient, holder, _) = row;
    let mut args = vec!["decide", "--format", "json", "--as-of", "2026-11-24"];
    args.extend_from_slice(source);
    args.extend(["--category", category, "--purpose", purpose, "--recipient", recipient, "--holder", holder]);
    let out = stringent(&args);
    assert!(out.status.success(), "{row:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn federal_layer_answers_the_table_from_rules_and_from_the_artifact() {
    let out_dir = std::env::temp_dir().join(format!("stringent-federal-{}", std::process::id()));
    let compiled = stringent(&["compile", "rules", "--out", out_dir.to_str().unwrap(), "--as-of", "2026-11-24"]);
    assert!(compiled.status.success(), "{}", String::from_utf8_lossy(&compiled.stderr));
    let index: serde_json::Value = serde_json::from_slice(&std::fs::read(out_dir.join("index.json")).unwrap()).unwrap();
    let entry = index["policies"].as_array().unwrap().iter().find(|e| e["jurisdiction"] == "US").unwrap();
    let artifact = out_dir.join(entry["file"].as_str().unwrap());
    for row in TABLE {
        let from_rules = ask(&["--rules", "rules", "--jurisdiction", "US"], row);
        (row.4)(&from_rules);
        let from_artifact = ask(&["--policy", artifact.to_str().unwrap()], row);
        assert_eq!(from_rules, from_artifact, "{row:?}: the rules tree and the artifact disagree");
        // Every answer names the rules that decided it, with citations.
        let prov = from_rules["provenance"].as_array().unwrap();
        assert!(
            prov.iter().any(|p| p["role"] == "won" && !p["citation"].as_str().unwrap().is_empty()),
            "{row:?}: no deciding rule"
        );
    }
    let _ = std::fs::remove_dir_all(out_dir);
}
