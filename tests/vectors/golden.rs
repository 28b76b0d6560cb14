//! Reading the golden vectors (`tests/vectors/decisions.json`, described in the README
//! beside this file): the one projection of a decision every binding is compared through,
//! and the shipped corpus compiled as the vectors were. Included by each Rust test that
//! checks a binding (`#[path = "…/tests/vectors/golden.rs"] mod golden;`), so the
//! projection is written once in Rust.
#![allow(dead_code, reason = "each including test uses part of it")]
#![allow(clippy::panic, reason = "a test helper reports a broken set-up by panicking")]

use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

/// The repository's root, from the including crate's manifest directory.
pub fn repo(manifest_dir: &str) -> PathBuf {
    Path::new(manifest_dir).join("../..")
}

/// The vectors file as JSON.
pub fn read(repo: &Path) -> Value {
    let text = std::fs::read_to_string(repo.join("tests/vectors/decisions.json")).unwrap_or_default();
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// The shipped corpus compiled as of the vectors' date and written to `out` as
/// `stringent compile --out` writes it; the compiled jurisdictions, sorted.
pub fn compile_shipped(repo: &Path, as_of: &str, out: &Path) -> Vec<String> {
    let date = stringent_syntax::Date::parse(as_of).unwrap_or_else(|| panic!("`{as_of}` is not a date"));
    let c = stringent_compiler::compile(&[repo.join("rules")], date);
    assert!(!c.has_errors(), "the shipped rules have errors");
    let policies = c.policies();
    stringent_compiler::emit::write_all(out, &policies, date, || {}).unwrap_or_else(|e| panic!("{e}"));
    let mut jurisdictions: Vec<String> = policies.iter().map(|p| p.jurisdiction.clone()).collect();
    jurisdictions.sort();
    jurisdictions
}

/// The fields of a decision the vectors compare, each always present. Provenance keeps who
/// decided and how (not the citation text, which the same artifact record carries);
/// unread law keeps the layer and topic.
pub fn project(decision: &Value) -> Value {
    let field = |k: &str| decision.get(k).cloned().unwrap_or(Value::Null);
    let list = |k: &str| decision.get(k).cloned().unwrap_or_else(|| json!([]));
    let keep = |v: &Value, keys: &[&str]| {
        Value::Object(
            keys.iter()
                .filter_map(|k| v.get(*k).filter(|v| !v.is_null()).map(|v| ((*k).to_owned(), v.clone())))
                .collect::<Map<_, _>>(),
        )
    };
    let reduced = |k: &str, keys: &[&str]| {
        Value::Array(list(k).as_array().into_iter().flatten().map(|e| keep(e, keys)).collect())
    };
    json!({
        "chain": field("chain"),
        "level": field("level"),
        "governed": field("governed"),
        "ungoverned_categories": list("ungoverned_categories"),
        "bases": field("bases"),
        "ways": field("ways"),
        "mandatory": field("mandatory"),
        "deadlines": field("deadlines"),
        "authorization_elements": field("authorization_elements"),
        "form": field("form"),
        "obligations": field("obligations"),
        "max_validity_days": field("max_validity_days"),
        "provenance": reduced("provenance", &["rule", "layer", "role", "dimensions", "for_category"]),
        "history_incomplete": list("history_incomplete"),
        "law_unread": reduced("law_unread", &["layer", "topic"]),
    })
}

/// A vector's question as strings: jurisdiction, categories, purpose, recipient, subject,
/// holder; and its value indices when it gives them.
pub struct Asked {
    pub jurisdiction: String,
    pub categories: Vec<String>,
    pub purpose: String,
    pub recipient: String,
    pub subject: String,
    pub holder: String,
    pub indices: Option<Vec<u32>>,
}

pub fn asked(vector: &Value) -> Asked {
    let q = &vector["question"];
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    Asked {
        jurisdiction: s(&vector["jurisdiction"]),
        categories: q["category"].as_array().into_iter().flatten().map(s).collect(),
        purpose: s(&q["purpose"]),
        recipient: s(&q["recipient"]),
        subject: s(&q["subject"]),
        holder: s(&q["holder"]),
        indices: vector
            .get("indices")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|i| i.as_u64().and_then(|i| u32::try_from(i).ok())).collect()),
    }
}
