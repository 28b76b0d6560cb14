//! The command line as CI uses it: exit codes, determinism, and errors for bad questions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn stringent(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stringent")).args(args).current_dir(repo()).env("NO_COLOR", "1").output().unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stringent-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn shipped_rules_check_clean() {
    let out = stringent(&["check", "rules", "--as-of", "2026-11-24"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn compile_twice_gives_byte_identical_artifacts() {
    let (a, b) = (scratch("det-a"), scratch("det-b"));
    for dir in [&a, &b] {
        let out = stringent(&["compile", "rules", "--out", dir.to_str().unwrap(), "--as-of", "2026-11-24"]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let names: Vec<_> = std::fs::read_dir(&a).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(names.iter().any(|n| n == "index.json"));
    assert!(names.len() >= 2, "{names:?}");
    for n in &names {
        assert_eq!(std::fs::read(a.join(n)).unwrap(), std::fs::read(b.join(n)).unwrap(), "{n:?} differs");
    }
    let _ = (std::fs::remove_dir_all(a), std::fs::remove_dir_all(b));
}

#[test]
fn a_file_with_several_mistakes_reports_them_all_and_exits_1() {
    let dir = scratch("mistakes");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(repo().join("rules/vocabulary/axes.stringent"), dir.join("axes.stringent")).unwrap();
    std::fs::write(
        dir.join("state.stringent"),
        "jurisdiction US-ZZ \"Test\"\n\nrule z.one \"one\" {\n  cite \"x\"\n  permission authorizaton\n}\n\n\
         rule z.two \"two\" {\n  cite \"y\"\n  confidence verified\n  effective 2024-01-01\n  category mental_helth\n}\n\n\
         rule z.three \"three\" {\n  cite \"z\" confidence verified effective 2024-13-01\n}\n\nrule z.four \"four\" {\n  cite \"w\"\n  effective 2020-01-01\n  confidence maybe\n}\n",
    )
    .unwrap();
    let out = stringent(&["check", dir.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for expected in ["E0100", "E0200", "E0101", "did you mean `mental_health`", "legal basis", "a confidence"] {
        assert!(stderr.contains(expected), "missing {expected:?} in:\n{stderr}");
    }
    assert!(stderr.contains("state.stringent:5:"), "span of the first mistake: {stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn unknown_identifiers_in_a_question_exit_2_listing_valid_values() {
    let out = stringent(&[
        "decide",
        "--jurisdiction",
        "US",
        "--category",
        "hiv",
        "--purpose",
        "gossip",
        "--recipient",
        "provider",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown purpose `gossip`") && stderr.contains("treatment"), "{stderr}");
    let out = stringent(&[
        "decide",
        "--jurisdiction",
        "US-QQ",
        "--category",
        "hiv",
        "--purpose",
        "treatment",
        "--recipient",
        "provider",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(stringent(&["check", "--as-of", "2024-02-30"]).status.code(), Some(2));
    assert_eq!(stringent(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn a_missing_rules_root_is_a_diagnostic_not_a_panic() {
    let out = stringent(&["check", "no/such/dir"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("E0001"));
}

#[test]
fn a_failed_compile_leaves_earlier_output_untouched() {
    let out_dir = scratch("keep");
    let ok = stringent(&["compile", "rules", "--out", out_dir.to_str().unwrap(), "--as-of", "2026-11-24"]);
    assert_eq!(ok.status.code(), Some(0));
    let before = std::fs::read(out_dir.join("index.json")).unwrap();
    let bad = scratch("bad-tree");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("broken.stringent"), "jurisdiction US \"x\"\nrule {").unwrap();
    let failed = stringent(&["compile", bad.to_str().unwrap(), "--out", out_dir.to_str().unwrap()]);
    assert_eq!(failed.status.code(), Some(1));
    assert_eq!(std::fs::read(out_dir.join("index.json")).unwrap(), before);
    let _ = (std::fs::remove_dir_all(out_dir), std::fs::remove_dir_all(bad));
}

#[test]
fn explain_names_each_layer_and_cites_the_law() {
    let out = stringent(&[
        "explain",
        "--jurisdiction",
        "US",
        "--category",
        "psychotherapy_notes",
        "--purpose",
        "treatment",
        "--recipient",
        "provider",
        "--as-of",
        "2026-11-24",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("45 CFR 164.508(a)(2)") && text.contains("specific written authorization"), "{text}");
}
