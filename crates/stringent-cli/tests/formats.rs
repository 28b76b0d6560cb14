//! One diagnostic model, four formats: each is snapshotted on the same broken tree, the
//! JSON validates against its checked-in schema, and the SARIF validates against the SARIF 2.1.0 schema.
#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "a test reports a broken expectation by panicking")]

use std::path::Path;
use std::process::Command;

mod common;
use common::repo;

const TREE: &str = "tests/corpus/invalid/many-mistakes";

fn check(format: &str) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_stringent"))
        .args(["check", TREE, "--format", format])
        .current_dir(repo())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = if format == "human" { out.stderr } else { out.stdout };
    (out.status.code(), String::from_utf8(text).unwrap())
}

#[test]
fn every_format_reports_the_same_findings() {
    for format in ["human", "json", "sarif", "github"] {
        let (code, text) = check(format);
        assert_eq!(code, Some(1), "{format}");
        insta::assert_snapshot!(format!("format_{format}"), text);
    }
}

#[test]
fn json_diagnostics_match_their_checked_in_schema() {
    let generated =
        serde_json::to_string_pretty(&schemars::schema_for!(stringent_diagnostics::JsonReport)).unwrap() + "\n";
    let path = repo().join("crates/stringent-diagnostics/schemas/diagnostics.v1.schema.json");
    if std::env::var_os("STRINGENT_WRITE_SCHEMAS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let checked_in = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        generated, checked_in,
        "the diagnostics JSON changed: bump JSON_FORMAT_VERSION if incompatible, then regenerate with STRINGENT_WRITE_SCHEMAS=1"
    );
    let schema: serde_json::Value = serde_json::from_str(&checked_in).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let (_, text) = check("json");
    let instance: serde_json::Value = serde_json::from_str(&text).unwrap();
    let errors: Vec<String> = validator.iter_errors(&instance).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(instance["diagnostics"].as_array().unwrap().len() >= 5);
}

/// The OASIS SARIF 2.1.0 schema (oasis-tcs/sarif-spec, `Schemata/sarif-schema-2.1.0.json`),
/// kept beside this test so that no SARIF library is built just to find it.
fn sarif_schema() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let schema = sarif_schema();
    assert_eq!(schema["title"], "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema");
    let validator = jsonschema::validator_for(&schema).unwrap();
    let (_, text) = check("sarif");
    let instance: serde_json::Value = serde_json::from_str(&text).unwrap();
    let errors: Vec<String> = validator.iter_errors(&instance).map(|e| format!("{e} at {}", e.instance_path)).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// Beyond the schema, which leaves them optional: every result names its rule and a
/// region starting at line and column 1 or later.
#[test]
fn sarif_results_name_their_rule_and_region() {
    let (_, text) = check("sarif");
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["version"], "2.1.0");
    let run = &value["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "stringent");
    let results = run["results"].as_array().unwrap();
    assert!(results.len() >= 5);
    for r in results {
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1 && region["startColumn"].as_u64().unwrap() >= 1);
        let rule = r["ruleId"].as_str().unwrap();
        assert!(rule.starts_with('E') || rule.starts_with('W'), "{rule}");
    }
}
