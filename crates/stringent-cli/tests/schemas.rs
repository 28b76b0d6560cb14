//! The JSON Schemas of the compiled artifact, its index and `decide`'s output are generated
//! from the Rust types and checked in; every artifact the compiler writes validates, and
//! a change of the types without a `schema_version` bump fails here (a change of their doc
//! comments alone is regenerated without one).
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test reports a broken expectation by panicking"
)]

use serde_json::Value;
use std::process::Command;
use stringent_policy::artifact::{PolicyIndex, SCHEMA_VERSION};
use stringent_policy::{Decision, Policy};

mod common;
use common::repo;

fn generated<T: schemars::JsonSchema>() -> Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(T)).unwrap();
    schema["x-schema-version"] = Value::from(SCHEMA_VERSION);
    schema
}

/// Compare a generated schema with the checked-in one. With `STRINGENT_WRITE_SCHEMAS=1`,
/// write it — but only a new file, after `SCHEMA_VERSION` was bumped, or when only the
/// prose changed (see [`accepting`]).
fn checked_in(name: &str, schema: &Value) -> Value {
    let path = repo().join("crates/stringent-policy/schemas").join(name);
    let text = serde_json::to_string_pretty(schema).unwrap() + "\n";
    let old: Option<Value> = std::fs::read_to_string(&path).ok().map(|t| serde_json::from_str(&t).unwrap());
    if old.as_ref() == Some(schema) {
        return schema.clone();
    }
    let same_version = old.as_ref().is_some_and(|o| o["x-schema-version"] == schema["x-schema-version"]);
    let prose_only = old.as_ref().is_some_and(|o| accepting(o) == accepting(schema));
    if same_version && !prose_only {
        panic!(
            "{name}: the artifact types changed but schema_version is still {SCHEMA_VERSION}. Bump SCHEMA_VERSION \
             (MINOR for new optional fields, MAJOR for anything an older loader could misread), then regenerate \
             with STRINGENT_WRITE_SCHEMAS=1"
        );
    }
    if std::env::var_os("STRINGENT_WRITE_SCHEMAS").is_some() {
        std::fs::write(&path, text).unwrap();
        return schema.clone();
    }
    panic!("{name} is out of date: regenerate with STRINGENT_WRITE_SCHEMAS=1");
}

/// What a schema accepts, without its prose: `description`s dropped, and a `oneOf` of
/// string constants (what schemars writes once a variant has a doc comment) read as the
/// `enum` of those strings, sorted. A doc comment changes no artifact and no loader, so it
/// needs no `SCHEMA_VERSION` bump; any other change does.
fn accepting(schema: &Value) -> Value {
    match schema {
        Value::Array(items) => Value::Array(items.iter().map(accepting).collect()),
        Value::Object(map) => {
            let mut out: serde_json::Map<String, Value> =
                map.iter().filter(|(k, _)| *k != "description").map(|(k, v)| (k.clone(), accepting(v))).collect();
            let strings = |branch: &Value| -> Option<Vec<Value>> {
                let b = branch.as_object()?;
                if b.get("type") != Some(&Value::from("string")) || b.len() != 2 {
                    return None;
                }
                match (b.get("const"), b.get("enum")) {
                    (Some(c), None) => Some(vec![c.clone()]),
                    (None, Some(Value::Array(e))) => Some(e.clone()),
                    _ => None,
                }
            };
            let one_of = out
                .get("oneOf")
                .and_then(Value::as_array)
                .map(|bs| bs.iter().map(strings).collect::<Option<Vec<Vec<Value>>>>());
            if let Some(Some(lists)) = one_of {
                let mut values: Vec<Value> = lists.into_iter().flatten().collect::<Vec<Value>>();
                values.sort_by_key(ToString::to_string);
                out.remove("oneOf");
                out.insert("enum".to_owned(), Value::Array(values));
                out.insert("type".to_owned(), Value::from("string"));
            } else if let Some(Value::Array(values)) = out.get_mut("enum") {
                values.sort_by_key(ToString::to_string);
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

fn validate(schema: &Value, instance: &Value, what: &str) {
    let validator = jsonschema::validator_for(schema).unwrap();
    let errors: Vec<String> =
        validator.iter_errors(instance).take(5).map(|e| format!("{e} at {}", e.instance_path)).collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn every_artifact_and_decision_validates_against_the_checked_in_schemas() {
    let policy_schema = checked_in("policy.schema.json", &generated::<Policy>());
    let index_schema = checked_in("index.schema.json", &generated::<PolicyIndex>());
    let decision_schema = checked_in("decision.schema.json", &generated::<Decision>());

    let out = std::env::temp_dir().join(format!("stringent-schemas-{}", std::process::id()));
    let run = Command::new(env!("CARGO_BIN_EXE_stringent"))
        .args(["compile", "rules", "--out", out.to_str().unwrap(), "--as-of", "2026-11-24", "--combine", "US-CA+US-NV"])
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let index: Value = serde_json::from_slice(&std::fs::read(out.join("index.json")).unwrap()).unwrap();
    validate(&index_schema, &index, "index.json");
    let entries = index["policies"].as_array().unwrap();
    assert!(entries.len() >= 53, "federal, 51 jurisdictions, an organization and a combination");
    for e in entries {
        let file = e["file"].as_str().unwrap();
        let artifact: Value = serde_json::from_slice(&std::fs::read(out.join(file)).unwrap()).unwrap();
        validate(&policy_schema, &artifact, file);
    }
    for (j, category) in [("US", "hiv"), ("US-CA+US-NV", "genetic"), ("org:example_clinic", "general")] {
        let run = Command::new(env!("CARGO_BIN_EXE_stringent"))
            .args([
                "decide",
                "--jurisdiction",
                j,
                "--category",
                category,
                "--purpose",
                "employment",
                "--recipient",
                "employer",
            ])
            .args(["--format", "json", "--as-of", "2026-11-24"])
            .current_dir(repo())
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        validate(&decision_schema, &serde_json::from_slice(&run.stdout).unwrap(), j);
    }
    let _ = std::fs::remove_dir_all(out);
}
