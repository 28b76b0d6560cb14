//! The command line as CI uses it: exit codes, determinism, and errors for bad questions.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test reports a broken expectation by panicking"
)]

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
    let (fa, fb) = (files_under(&a), files_under(&b));
    assert!(fa.iter().any(|(n, _)| n == "index.json"));
    assert!(fa.len() >= 50, "{} files", fa.len());
    assert!(fa == fb, "the two compiles differ");
    let _ = (std::fs::remove_dir_all(a), std::fs::remove_dir_all(b));
}

/// Every file below `dir`, by relative path, with its bytes.
fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.strip_prefix(dir).unwrap().display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The index names files that exist, whose content hashes match it.
fn consistent(out: &Path) -> Result<String, String> {
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("index.json")).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    for e in index["policies"].as_array().ok_or("no policies")? {
        let file = out.join(e["file"].as_str().ok_or("no file")?);
        let policy = stringent_policy::LoadedPolicy::load(&file).map_err(|err| format!("{}: {err}", file.display()))?;
        if policy.policy().content_hash != e["content_hash"].as_str().unwrap_or_default() {
            return Err(format!("{} does not match the index", file.display()));
        }
    }
    Ok(index["as_of"].as_str().unwrap_or_default().to_owned())
}

#[test]
fn a_compile_killed_mid_write_leaves_a_consistent_artifact_set() {
    let out = scratch("killed");
    let first = stringent(&["compile", "rules", "--out", out.to_str().unwrap(), "--as-of", "2026-11-24"]);
    assert_eq!(first.status.code(), Some(0));
    assert_eq!(consistent(&out).unwrap(), "2026-11-24");
    // Kill compiles of another date at many moments; whatever is left must be one whole set.
    let mut finished = 0;
    for delay_ms in (0..16).map(|i| 100 + i * 90) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_stringent"))
            .args(["compile", "rules", "--out", out.to_str().unwrap(), "--as-of", "2026-01-15"])
            .current_dir(repo())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        if child.wait().unwrap().success() {
            finished += 1;
        }
        let as_of = consistent(&out).unwrap_or_else(|e| panic!("inconsistent after a kill at {delay_ms} ms: {e}"));
        assert!(as_of == "2026-11-24" || as_of == "2026-01-15");
    }
    assert!(finished < 16, "no compile was ever interrupted");
    let _ = std::fs::remove_dir_all(out);
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

/// A copy of the federal layer and California, to change in a test.
fn copy_of_rules(name: &str) -> PathBuf {
    let dir = scratch(name);
    for sub in ["vocabulary", "us", "us-ca"] {
        let (from, to) = (repo().join("rules").join(sub), dir.join(sub));
        std::fs::create_dir_all(&to).unwrap();
        for entry in std::fs::read_dir(&from).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
    dir
}

/// Loosen California's genetic-test rule for health plans, optionally with a justification.
fn loosen(dir: &Path, justification: Option<&str>) {
    let file = dir.join("us-ca/california.stringent");
    let text = std::fs::read_to_string(&file).unwrap();
    let start = text.find("rule ca.civ_56_17 ").unwrap();
    let end = start + text[start..].find("\n}").unwrap();
    let mut rule = text[start..end].replacen("permission specific_authorization", "permission authorization", 1);
    if let Some(j) = justification {
        rule.push_str(&format!("\n  justification \"{j}\""));
    }
    std::fs::write(&file, format!("{}{}{}", &text[..start], rule, &text[end..])).unwrap();
}

#[test]
fn diff_names_a_loosened_rule_and_fails_on_it() {
    let (base, loose, justified) =
        (copy_of_rules("diff-base"), copy_of_rules("diff-loose"), copy_of_rules("diff-just"));
    loosen(&loose, None);
    loosen(&justified, Some("SB 123 (2026) repealed the separate-release requirement"));
    let args = |new: &Path| {
        vec![
            "diff".to_owned(),
            base.display().to_string(),
            new.display().to_string(),
            "--fail-on".into(),
            "loosened".into(),
            "--as-of".into(),
            "2026-11-24".into(),
        ]
    };
    let run = |a: Vec<String>| Command::new(env!("CARGO_BIN_EXE_stringent")).args(a).output().unwrap();

    let same = run(args(&base));
    assert_eq!(same.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&same.stdout).contains("0 change groups"));

    let out = run(args(&loose));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("LOOSENED permission") && text.contains("ca.civ_56_17") && text.contains("Cal. Civ. Code 56.17"),
        "{text}"
    );

    let out = run(args(&justified));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("SB 123 (2026)"));

    let mut json = args(&loose);
    json.extend(["--format".into(), "json".into()]);
    let out = run(json);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["groups"][0]["changes"][0]["direction"], "loosened");
    for d in [base, loose, justified] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn fmt_check_shows_a_diff_and_fmt_rewrites_only_what_it_can_parse() {
    let dir = scratch("fmt");
    std::fs::create_dir_all(&dir).unwrap();
    let messy = dir.join("messy.stringent");
    std::fs::write(
        &messy,
        "jurisdiction US \"F\"\nrule a.b \"t\" { cite \"x\"  confidence verified effective 2020-01-01 }\n",
    )
    .unwrap();
    let broken = dir.join("broken.stringent");
    std::fs::write(&broken, "jurisdiction US-XX \"X\" under US\nrule {\n").unwrap();
    let out = stringent(&["fmt", "--check", messy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("+  confidence verified"));
    assert_eq!(stringent(&["fmt", messy.to_str().unwrap()]).status.code(), Some(0));
    assert_eq!(stringent(&["fmt", "--check", messy.to_str().unwrap()]).status.code(), Some(0));
    let out = stringent(&["fmt", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), "jurisdiction US-XX \"X\" under US\nrule {\n");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn explain_speaks_json_and_shows_exception_trees() {
    let out = stringent(&[
        "explain",
        "--jurisdiction",
        "US",
        "--category",
        "general",
        "--purpose",
        "treatment",
        "--recipient",
        "provider",
        "--format",
        "json",
        "--as-of",
        "2026-11-24",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["decision"]["level"], "allowed");
    assert!(v["layers"][0]["lines"].as_array().unwrap().iter().any(|l| l.as_str().unwrap().contains("164.506")));

    let out = stringent(&["explain", "--rule", "us.hipaa.164_508_a_1", "--as-of", "2026-11-24"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(text.contains("is excepted by:") && text.contains("us.hipaa.164_506_c_2"), "{text}");

    let out = stringent(&["explain", "--rule", "us.hipaa.164_508_a_9"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean"));
}

#[test]
fn decide_gives_hl7_security_labels_for_fhir() {
    let out = stringent(&[
        "decide",
        "--jurisdiction",
        "US",
        "--category",
        "part2_record",
        "--purpose",
        "treatment",
        "--recipient",
        "provider",
        "--format",
        "fhir",
        "--as-of",
        "2026-11-24",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<(&str, &str)> = v["security"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["system"].as_str().unwrap().rsplit('/').next().unwrap(), c["code"].as_str().unwrap()))
        .collect();
    for expected in [
        ("v3-ActCode", "SUD"),
        ("v3-ActCode", "42CFRPart2"),
        ("v3-ActCode", "BH"),
        ("v3-ActReason", "TREAT"),
        ("v3-ActCode", "NORDSCLCD"),
        ("v3-Confidentiality", "R"),
    ] {
        assert!(codes.contains(&expected), "{expected:?} missing from {codes:?}");
    }
    let out = stringent(&[
        "decide",
        "--jurisdiction",
        "US",
        "--category",
        "general",
        "--purpose",
        "payment",
        "--recipient",
        "health_plan",
        "--format",
        "fhir",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["security"].as_array().unwrap().iter().any(|c| c["code"] == "N"), "{v}");
}

#[test]
fn artifacts_do_not_depend_on_file_order_or_thread_count() {
    let mut roots: Vec<String> = std::fs::read_dir(repo().join("rules"))
        .unwrap()
        .map(|e| format!("rules/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    roots.sort();
    let mut outputs = Vec::new();
    // Sorted roots on one thread, reversed on two, and a shuffled order on two.
    let mut shuffled = roots.clone();
    let n = shuffled.len();
    for i in 0..n {
        shuffled.swap(i, (i * 7 + 3) % n);
    }
    let reversed: Vec<String> = roots.iter().rev().cloned().collect();
    for (order, threads) in [(roots, "1"), (reversed, "2"), (shuffled, "2")] {
        let out = scratch(&format!("order-{}", outputs.len()));
        let mut args: Vec<String> = vec!["compile".into()];
        args.extend(order);
        args.extend(["--out".into(), out.display().to_string(), "--as-of".into(), "2026-11-24".into()]);
        let run = Command::new(env!("CARGO_BIN_EXE_stringent"))
            .args(&args)
            .current_dir(repo())
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
        outputs.push(files_under(&out));
        let _ = std::fs::remove_dir_all(out);
    }
    assert!(outputs[0].len() >= 50);
    assert!(outputs[0] == outputs[1] && outputs[1] == outputs[2], "artifacts differ with file order or thread count");
}

/// The shipped vocabulary and federal layer, and a state with no rule of its own.
fn state_without_rules(name: &str) -> PathBuf {
    let dir = scratch(name);
    for f in ["vocabulary/axes.stringent", "vocabulary/terms.stringent", "us/federal.stringent"] {
        let to = dir.join(f);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(repo().join("rules").join(f), to).unwrap();
    }
    std::fs::create_dir_all(dir.join("zz")).unwrap();
    std::fs::write(dir.join("zz/zed.stringent"), "jurisdiction US-ZZ \"Zed\" under US\n").unwrap();
    dir
}

fn ask(root: &Path, format: &str, command: &str, category: &str, holder: &str) -> String {
    let out = stringent(&[
        command,
        "--rules",
        root.to_str().unwrap(),
        "--jurisdiction",
        "US-ZZ",
        "--category",
        category,
        "--purpose",
        "sale",
        "--recipient",
        "data_broker",
        "--holder",
        holder,
        "--format",
        format,
        "--as-of",
        "2026-11-24",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn an_answer_no_rule_governs_says_so_in_every_output() {
    let root = state_without_rules("ungoverned");
    for (category, holder) in [("general", "consumer_health_app"), ("genetic", "dtc_genetic_company")] {
        let json: serde_json::Value = serde_json::from_str(&ask(&root, "json", "decide", category, holder)).unwrap();
        assert_eq!(json["governed"], false, "{holder}: {json}");
        assert_eq!(json["level"], "allowed", "the stable level is still the most permissive: {json}");
        let text = ask(&root, "text", "decide", category, holder);
        assert!(text.starts_with("US-ZZ: allowed (UNGOVERNED)"), "{text}");
        assert!(
            text.contains(&format!("No rule in US → US-ZZ governs a {holder}'s disclosure of {category}")),
            "{text}"
        );
        let prose = ask(&root, "text", "explain", category, holder);
        assert!(prose.contains("not a legal permission"), "{prose}");
        let explained: serde_json::Value =
            serde_json::from_str(&ask(&root, "json", "explain", category, holder)).unwrap();
        assert_eq!(explained["decision"]["governed"], false);
        let fhir: serde_json::Value = serde_json::from_str(&ask(&root, "fhir", "decide", category, holder)).unwrap();
        let codes: Vec<&str> = fhir["security"].as_array().unwrap().iter().filter_map(|c| c["code"].as_str()).collect();
        assert!(codes.contains(&"ungoverned"), "{fhir}");
    }
    // A provider's sale of the same record is governed by HIPAA (164.508(a)(4)).
    let json: serde_json::Value = serde_json::from_str(&ask(&root, "json", "decide", "general", "provider")).unwrap();
    assert_eq!(json["governed"], true, "{json}");
    assert_ne!(json["level"], "allowed");
    assert!(!ask(&root, "text", "decide", "general", "provider").contains("UNGOVERNED"));
    assert!(!ask(&root, "fhir", "decide", "general", "provider").contains("ungoverned"));
    // A record of two categories, one of them ungoverned, names it.
    let out = stringent(&[
        "decide",
        "--rules",
        root.to_str().unwrap(),
        "--jurisdiction",
        "US-ZZ",
        "--category",
        "general",
        "--category",
        "genetic",
        "--purpose",
        "underwriting",
        "--recipient",
        "insurer",
        "--holder",
        "dtc_genetic_company",
        "--format",
        "json",
        "--as-of",
        "2026-11-24",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["governed"], false, "{json}");
    assert!(json["ungoverned_categories"].as_array().is_some_and(|a| !a.is_empty()), "{json}");
    let coverage = stringent(&["coverage", root.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&coverage.stdout);
    let line = text.lines().find(|l| l.trim_start().starts_with("US-ZZ ") && l.contains("cells;")).unwrap_or_default();
    assert!(line.contains("consumer_health_app ") && line.contains("dtc_genetic_company "), "{text}");
    assert!(!line.contains(" provider ") && !line.contains("hospital"), "HIPAA governs every provider cell: {text}");
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn did_you_mean_prefers_a_swap_and_ignores_case() {
    // `US-YN` is New York with two letters swapped, not Indiana with one wrong.
    for (typed, meant) in [("US-YN", "US-NY"), ("us-ca", "US-CA")] {
        let out = stringent(&[
            "decide",
            "--jurisdiction",
            typed,
            "--category",
            "hiv",
            "--purpose",
            "employment",
            "--recipient",
            "employer",
            "--as-of",
            "2026-11-24",
        ]);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&format!("did you mean `{meant}`?")), "{stderr}");
    }
}
