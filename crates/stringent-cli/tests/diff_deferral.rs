//! `stringent diff --fail-on loosened` on the shipped corpus, where a Kansas rule replaces a
//! federal default that defers to state law (45 CFR 164.502(g)(3)(ii)): the default's
//! minimum-necessary duty falls with it, which is no loosening where the state asks the
//! patient's authorization instead (164.502(b)(2)(iii)); a relaxed permission still is.
#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "a test reports a broken expectation by panicking")]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const RULE: &str = "rule ks.ksa_65_6315_a ";
const KANSAS: &str = "us-ks/kansas.stringent";

mod common;
use common::repo;

fn stringent(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stringent")).args(args).output().unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of the shipped rules under `dir/name`, with the Kansas file edited by `edit`.
fn tree(dir: &Path, name: &str, edit: impl Fn(&str) -> String) -> PathBuf {
    let root = dir.join(name);
    copy_dir(&repo().join("rules"), &root);
    let path = root.join(KANSAS);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(RULE), "the shipped Kansas file no longer has the rule this test edits");
    std::fs::write(&path, edit(&text)).unwrap();
    root
}

/// The text of K.S.A. 65-6315(a)'s rule, from its header to its closing brace.
fn rule_block(text: &str) -> &str {
    let start = text.find(RULE).unwrap();
    let end = start + text[start..].find("\n}\n").unwrap() + 3;
    &text[start..end]
}

fn without_rule(text: &str) -> String {
    text.replace(rule_block(text), "")
}

fn diff(old: &Path, new: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["diff", old.to_str().unwrap(), new.to_str().unwrap(), "--as-of", "2026-12-01"];
    args.extend_from_slice(extra);
    stringent(&args)
}

/// Every change of every group, with the group's examples.
fn changes(v: &Value) -> Vec<(String, Value)> {
    v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| {
            let examples = g["examples"].to_string();
            g["changes"].as_array().unwrap().iter().map(move |c| (examples.clone(), c.clone()))
        })
        .collect()
}

fn new_rules(c: &Value) -> Vec<&str> {
    c["new_rules"].as_array().unwrap().iter().map(|r| r["rule"].as_str().unwrap()).collect()
}

#[test]
fn asking_the_clients_authorization_in_place_of_the_parent_default_is_no_loosening() {
    let dir = tempfile::tempdir().unwrap();
    let old = tree(dir.path(), "old", without_rule);
    let new = tree(dir.path(), "new", str::to_owned);
    let out = diff(&old, &new, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The parent of a self-consented minor, told of a social worker's behavioral-health
    // record: the federal default (no objection, minimum necessary) steps aside.
    let dropped: Vec<(String, Value)> = changes(&v)
        .into_iter()
        .filter(|(e, c)| {
            c["dimension"] == "obligations"
                && c["deferral"] == "us.hipaa.164_502_g_3_ii_family"
                && e.contains("category behavioral_health, purpose family_involvement, recipient parent")
        })
        .collect();
    assert_eq!(dropped.len(), 1, "{dropped:?}");
    let (_, c) = &dropped[0];
    assert_eq!(c["direction"], "tightened", "{c}");
    assert_eq!(c["old"], "[minimum_necessary]", "{c}");
    assert_eq!(new_rules(c), vec!["ks.ksa_65_6315_a"], "{c}");
    // No loosening is credited to no rule, and the gate passes.
    assert!(
        !changes(&v).iter().any(|(_, c)| c["direction"] == "loosened" && new_rules(c).is_empty()),
        "{}",
        serde_json::to_string_pretty(&v).unwrap()
    );
    let out = diff(&old, &new, &["--fail-on", "loosened"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn relaxing_the_states_permission_is_still_a_loosening_of_its_rule() {
    let dir = tempfile::tempdir().unwrap();
    let old = tree(dir.path(), "old", str::to_owned);
    let relaxed = |text: &str| {
        let block = rule_block(text);
        let edited: String = block
            .lines()
            .filter(|l| !l.trim_start().starts_with("justification "))
            .map(|l| if l.trim() == "permission authorization" { "  permission no_objection" } else { l })
            .collect::<Vec<_>>()
            .join("\n");
        text.replace(block, &format!("{edited}\n"))
    };
    let new = tree(dir.path(), "new", relaxed);
    let out = diff(&old, &new, &["--fail-on", "loosened"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("LOOSENED permission: authorization [authorization] -> allowed_unless_objects"), "{text}");
    let v: Value = serde_json::from_slice(&diff(&old, &new, &["--format", "json"]).stdout).unwrap();
    assert!(
        changes(&v).iter().any(|(_, c)| c["dimension"] == "permission"
            && c["direction"] == "loosened"
            && new_rules(c) == ["ks.ksa_65_6315_a"]),
        "{v}"
    );
}
