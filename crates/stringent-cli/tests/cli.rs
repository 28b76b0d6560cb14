//! The command line as CI uses it: exit codes, determinism, and errors for bad questions.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test reports a broken expectation by panicking"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{repo, stringent};

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
    for expected in [
        "E0104",
        "E0200",
        "E0101",
        "did you mean `authorization`",
        "did you mean `mental_health`",
        "unknown confidence level `maybe`",
    ] {
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
    assert!(String::from_utf8_lossy(&same.stdout).contains("jurisdictions in both trees: 0 change groups"));

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

/// A rule file that is a link is formatted where it points: the link stays a link, and the
/// file it points to gets the canonical text (it used to be replaced by a formatted copy,
/// leaving the target unformatted and the link gone).
#[cfg(unix)]
#[test]
fn fmt_formats_a_linked_rule_file_in_place_and_keeps_the_link() {
    let dir = scratch("fmt-link");
    std::fs::create_dir_all(dir.join("shared")).unwrap();
    let target = dir.join("shared/federal.stringent");
    let messy = "jurisdiction US \"F\"\nrule a.b \"t\" { cite \"x\"  confidence verified effective 2020-01-01 }\n";
    std::fs::write(&target, messy).unwrap();
    let link = dir.join("federal.stringent");
    std::os::unix::fs::symlink("shared/federal.stringent", &link).unwrap();
    assert_eq!(stringent(&["fmt", link.to_str().unwrap()]).status.code(), Some(0));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link is kept");
    let formatted = std::fs::read_to_string(&target).unwrap();
    assert_ne!(formatted, messy, "the file the link points to is formatted");
    assert!(formatted.contains("\n  confidence verified\n"), "{formatted}");
    assert_eq!(stringent(&["fmt", "--check", link.to_str().unwrap()]).status.code(), Some(0));
    let _ = std::fs::remove_dir_all(dir);
}

/// `fmt --check` prints a diff (stdout) and the syntax errors of files it cannot format
/// (stderr); under NO_COLOR neither holds an escape sequence, on a terminal too.
#[test]
fn fmt_check_writes_no_colour_under_no_color() {
    let dir = scratch("fmt-no-color");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("messy.stringent"),
        "jurisdiction US \"F\"\nrule a.b \"t\" { cite \"x\"  confidence verified effective 2020-01-01 }\n",
    )
    .unwrap();
    std::fs::write(dir.join("broken.stringent"), "jurisdiction US-XX \"X\" under US\nrule {\n").unwrap();
    let out = stringent(&["fmt", "--check", dir.to_str().unwrap()]);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stdout.contains("+  confidence verified"), "no diff:\n{stdout}");
    assert!(stderr.contains("E01"), "no syntax error:\n{stderr}");
    assert!(!out.stdout.contains(&0x1b) && !out.stderr.contains(&0x1b), "colour under NO_COLOR:\n{stdout}\n{stderr}");
    // On a terminal (util-linux `script` gives the run one), where colour would show.
    let on_terminal = |no_color: &str| {
        let command = format!("'{}' fmt --check '{}'", env!("CARGO_BIN_EXE_stringent"), dir.display());
        Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env("NO_COLOR", no_color)
            .stdin(std::process::Stdio::null())
            .output()
    };
    if let Ok(coloured) = on_terminal("") {
        assert!(coloured.stdout.contains(&0x1b), "no colour on a terminal: the check below would prove nothing");
        let plain = on_terminal("1").unwrap();
        assert!(
            !plain.stdout.contains(&0x1b),
            "colour on a terminal under NO_COLOR:\n{}",
            String::from_utf8_lossy(&plain.stdout)
        );
    }
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

/// Ask US-ZZ one question of `root` as JSON.
fn decide_json(root: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["decide", "--rules", root.to_str().unwrap(), "--jurisdiction", "US-ZZ", "--format", "json"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--as-of", "2026-11-24"]);
    let out = stringent(&all);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// 164.502(g)(3)(ii): state law decides a parent's access to a minor's record in both
/// directions. The federal default (the parent as personal representative, with a
/// mandatory right of access) steps aside where a state restricts it, with no E0301; the
/// individual's own access, which is not deferred, still cannot be restricted.
#[test]
fn a_state_may_restrict_the_parents_access_federal_law_defers_but_not_the_patients() {
    let root = state_without_rules("deferred-restriction");
    std::fs::write(
        root.join("zz/zed.stringent"),
        r#"jurisdiction US-ZZ "Zed" under US

rule zz.parent "A parent sees a minor's mental-health record only with the minor's authorization" {
  cite "Example Code 1"
  confidence unverified
  effective 2020-01-01
  category mental_health
  purpose patient_access
  recipient parent
  subject minor
  permission authorization
}
"#,
    )
    .unwrap();
    let check = stringent(&["check", root.to_str().unwrap(), "--as-of", "2026-11-24", "--deny-warnings"]);
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stderr));
    let parent = ["--category", "mental_health", "--purpose", "patient_access", "--recipient", "parent"];
    let minor = decide_json(&root, &[&parent[..], &["--subject", "minor"]].concat());
    assert_eq!(minor["level"], "authorization", "{minor}");
    assert_eq!(minor["mandatory"], false, "{minor}");
    let roles: Vec<(&str, &str)> = minor["provenance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["rule"].as_str().unwrap(), p["role"].as_str().unwrap()))
        .collect();
    assert!(roles.contains(&("zz.parent", "won")), "{roles:?}");
    assert!(roles.iter().any(|(r, role)| r.starts_with("us.") && *role == "deferred"), "{roles:?}");
    // Where the state says nothing (a general record), the federal default stands.
    let general = decide_json(
        &root,
        &["--category", "general", "--purpose", "patient_access", "--recipient", "parent", "--subject", "minor"],
    );
    assert_eq!((general["level"].as_str(), general["mandatory"].as_bool()), (Some("allowed"), Some(true)), "{general}");

    // The same restriction of the patient's own access is refused: that is not deferred.
    std::fs::write(
        root.join("zz/zed.stringent"),
        r#"jurisdiction US-ZZ "Zed" under US

rule zz.patient "The patient sees his mental-health record only with a specific authorization" {
  cite "Example Code 2"
  confidence unverified
  effective 2020-01-01
  category mental_health
  purpose patient_access
  recipient patient
  permission specific_authorization
}
"#,
    )
    .unwrap();
    let check = stringent(&["check", root.to_str().unwrap(), "--as-of", "2026-11-24"]);
    assert_eq!(check.status.code(), Some(1));
    let shown = format!("{}{}", String::from_utf8_lossy(&check.stdout), String::from_utf8_lossy(&check.stderr));
    assert!(shown.contains("E0301"), "{shown}");
}

/// Two laws that demand different instruments are both satisfied by a discloser holding
/// both: the answer is that way, in JSON, text and explain, never `prohibited`; and a
/// state that takes the court order away leaves only the authorization.
#[test]
fn an_authorization_meeting_a_court_order_needs_both_and_a_shield_takes_the_order_away() {
    let root = state_without_rules("ways");
    std::fs::write(
        root.join("zz/zed.stringent"),
        r#"jurisdiction US-ZZ "Zed" under US

rule zz.genetic "Genetic test results only under a court order" {
  cite "Example Code 3"
  confidence unverified
  effective 2020-01-01
  category genetic
  purpose employment
  permission court_order
}

condition zz_imminent_threat "To prevent a serious and imminent threat to someone's health or safety"

rule zz.hiv_warn "HIV information to a family member only with a specific release, or without one to avert a threat" {
  cite "Example Code 5"
  confidence unverified
  effective 2020-01-01
  category hiv
  purpose family_involvement
  permission specific_authorization or none if zz_imminent_threat
}

rule zz.shield "Reproductive records in a proceeding only on the patient's written authorization, notwithstanding any court rule" {
  cite "Example Code 4"
  confidence unverified
  effective 2020-01-01
  category reproductive
  purpose legal_proceeding
  permission authorization
  withdraws court_order
}
"#,
    )
    .unwrap();
    let both = decide_json(&root, &["--category", "genetic", "--purpose", "employment", "--recipient", "employer"]);
    assert_eq!(both["level"], "court_order_only", "{both}");
    assert_eq!(both["bases"], serde_json::json!([]), "neither instrument alone suffices: {both}");
    // The one way without a condition needs both instruments (164.512(j) adds a way under
    // a serious threat, which needs the state's court order still).
    let unconditional: Vec<&serde_json::Value> = both["ways"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["conditions"].as_array().is_some_and(Vec::is_empty))
        .collect();
    assert_eq!(
        unconditional,
        [
            &serde_json::json!({"bases": ["authorization", "court_order"], "conditions": [], "level": "court_order_only"})
        ],
        "{both}"
    );
    // Text and prose of one question of US-ZZ.
    let words = |command: &str, question: &[&str]| {
        let mut all =
            vec![command, "--rules", root.to_str().unwrap(), "--jurisdiction", "US-ZZ", "--as-of", "2026-11-24"];
        all.extend_from_slice(question);
        String::from_utf8_lossy(&stringent(&all).stdout).into_owned()
    };
    let genetic = ["--category", "genetic", "--purpose", "employment", "--recipient", "employer"];
    let text = words("decide", &genetic);
    assert!(text.contains("ways: authorization and court_order"), "{text}");
    let prose = words("explain", &genetic);
    assert!(prose.contains("Any one of these ways suffices: authorization and court_order;"), "{prose}");

    // A way under a condition is listed beside the unconditional one and never sets the
    // level, in JSON, text and explain. Federal law still asks for the chance to object
    // (164.510(b)), so the conditional way meets it: no objection, and the threat.
    let warn = ["--category", "hiv", "--purpose", "family_involvement", "--recipient", "family_member"];
    let conditional = decide_json(&root, &warn);
    assert_eq!(conditional["level"], "specific_authorization", "{conditional}");
    assert!(
        conditional["ways"].as_array().unwrap().contains(
            &serde_json::json!({"bases": ["no_objection"], "conditions": ["zz_imminent_threat"], "level": "allowed_unless_objects"})
        ),
        "{conditional}"
    );
    let text = words("decide", &warn);
    assert!(text.contains("ways: specific_authorization or no_objection if zz_imminent_threat"), "{text}");
    let prose = words("explain", &warn);
    assert!(prose.contains("no_objection if zz_imminent_threat"), "{prose}");

    // Federally a court order suffices in a proceeding; under the shield it does not.
    let proceeding = ["--category", "reproductive", "--purpose", "legal_proceeding", "--recipient", "attorney"];
    let federal = stringent(
        &[
            &[
                "decide",
                "--rules",
                root.to_str().unwrap(),
                "--jurisdiction",
                "US",
                "--format",
                "json",
                "--as-of",
                "2026-11-24",
            ][..],
            &proceeding[..],
        ]
        .concat(),
    );
    let federal: serde_json::Value = serde_json::from_slice(&federal.stdout).unwrap();
    assert!(federal["bases"].as_array().unwrap().contains(&serde_json::json!("court_order")), "{federal}");
    let shielded = decide_json(&root, &proceeding);
    assert_eq!(shielded["bases"], serde_json::json!(["authorization", "specific_authorization"]), "{shielded}");
    assert_eq!(shielded["level"], "authorization");
}

/// `diff` shows a basis taken away: a shield rule that leaves only the patient's
/// authorization tightens the permission, and the old side still names the court order.
#[test]
fn diff_shows_a_basis_taken_away() {
    let (old, new) = (state_without_rules("diff-ways-old"), state_without_rules("diff-ways-new"));
    std::fs::write(
        new.join("zz/zed.stringent"),
        r#"jurisdiction US-ZZ "Zed" under US

rule zz.shield "Reproductive records in a proceeding only on the patient's written authorization, notwithstanding any court rule" {
  cite "Example Code 4"
  confidence unverified
  effective 2020-01-01
  category reproductive
  purpose legal_proceeding
  recipient attorney, court
  holder provider
  permission authorization
  withdraws court_order
}
"#,
    )
    .unwrap();
    let out = stringent(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--as-of",
        "2026-11-24",
        "--format",
        "json",
        "--fail-on",
        "loosened",
    ]);
    assert_eq!(out.status.code(), Some(0), "a tightening passes the gate: {}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let changes: Vec<&serde_json::Value> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["changes"].as_array().unwrap())
        .filter(|c| c["dimension"] == "permission")
        .collect();
    assert!(!changes.is_empty(), "{v}");
    // Federally a court order or a subpoena (which a court order also satisfies) suffices.
    for c in changes {
        assert_eq!(c["direction"], "tightened", "{c}");
        assert!(c["old"].as_str().unwrap().contains("subpoena"), "{c}");
        let new = c["new"].as_str().unwrap();
        assert!(!new.contains("court_order") && !new.contains("subpoena"), "{c}");
    }
}

/// docs/semantics.md, "History": an answer as of a date before a layer's `history from`
/// names the layer in every output; an answer inside the declared history names none.
#[test]
fn an_answer_before_a_layers_history_says_it_may_be_incomplete() {
    let ask = |as_of: &str, format: &str| {
        let out = stringent(&[
            "decide",
            "--jurisdiction",
            "US-CA",
            "--category",
            "general",
            "--purpose",
            "treatment",
            "--recipient",
            "provider",
            "--as-of",
            as_of,
            "--format",
            format,
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let old: serde_json::Value = serde_json::from_str(&ask("2012-06-01", "json")).unwrap();
    let gaps = old["history_incomplete"].as_array().unwrap();
    assert!(gaps.iter().any(|g| g["layer"] == "US" && g["complete_from"] == "2013-03-26"), "{old}");
    assert!(gaps.iter().any(|g| g["layer"] == "US-CA"), "{old}");
    assert!(ask("2012-06-01", "text").contains("history: The history encoded is complete only for US from 2013-03-26"));
    let now: serde_json::Value = serde_json::from_str(&ask("2026-11-24", "json")).unwrap();
    assert!(now.get("history_incomplete").is_none(), "{now}");
    assert!(!ask("2026-11-24", "text").contains("history:"));
}

/// A `silent` declaration of confidence `unverified` says the law was not read: every
/// answer on its topic says so (text and JSON), answers on other topics do not, and
/// `coverage` shows the topic as a GAP (docs/semantics.md, "Silences and gaps").
#[test]
fn an_answer_on_a_topic_whose_law_was_not_read_says_so() {
    let dir = copy_of_rules("unread-law");
    let file = dir.join("us-ca/california.stringent");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str(
        "\nsilent genetic \"Gap: the genetic privacy act's disclosure list was not read\" {\n  cite \"Cal. Civ. Code 56.18\"\n  \
         searched \"no copy found, 2026-12-06\"\n  confidence unverified\n}\n",
    );
    std::fs::write(&file, text).unwrap();
    let rules = dir.to_str().unwrap();
    let ask = |category: &str, format: &str| {
        let out = stringent(&[
            "decide",
            "--rules",
            rules,
            "--jurisdiction",
            "US-CA",
            "--category",
            category,
            "--purpose",
            "marketing",
            "--recipient",
            "employer",
            "--format",
            format,
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let genetic: serde_json::Value = serde_json::from_str(&ask("genetic", "json")).unwrap();
    let unread = genetic["law_unread"].as_array().unwrap();
    assert!(unread.iter().any(|u| u["layer"] == "US-CA" && u["topic"] == "genetic"), "{genetic}");
    assert!(ask("genetic", "text").contains("unread: Law not read: US-CA on genetic"));
    let hiv: serde_json::Value = serde_json::from_str(&ask("hiv", "json")).unwrap();
    assert!(hiv.get("law_unread").is_none(), "{hiv}");
    assert!(!ask("hiv", "text").contains("unread:"));
    // A state that says only that: its genetic column is a gap, not a silence.
    std::fs::create_dir_all(dir.join("us-zz")).unwrap();
    std::fs::write(
        dir.join("us-zz/zz.stringent"),
        "jurisdiction US-ZZ \"Test\" under US history from 2016-01-01\n\nsilent genetic \"Gap: not read\" {\n  \
         cite \"Z.Z. Code 1\"\n  searched \"no copy found, 2026-12-06\"\n  confidence unverified\n}\n",
    )
    .unwrap();
    let coverage = stringent(&["coverage", rules]);
    let shown = String::from_utf8_lossy(&coverage.stdout);
    let row = shown.lines().find(|l| l.starts_with("US-ZZ ")).unwrap();
    assert!(row.contains("GAP (unverified)") && !row.contains("silent"), "{row}");
    let _ = std::fs::remove_dir_all(dir);
}

/// `stringent coverage` fails on a layer that does not declare `history from` and on a rule
/// without a `source`, naming each; the shipped rules pass.
#[test]
fn coverage_fails_on_an_undated_history_and_an_unsourced_rule() {
    let shipped = stringent(&["coverage", "rules"]);
    assert_eq!(shipped.status.code(), Some(0), "{}", String::from_utf8_lossy(&shipped.stdout));
    assert!(String::from_utf8_lossy(&shipped.stdout).contains("0 layers without `history from`"));
    let dir = copy_of_rules("coverage-audit");
    let file = dir.join("us-ca/california.stringent");
    let text = std::fs::read_to_string(&file).unwrap();
    let header = text.find("jurisdiction US-CA").unwrap();
    let line_end = header + text[header..].find('\n').unwrap();
    let history = text[header..line_end].find(" history from").unwrap();
    let mut changed = format!("{}{}", &text[..header + history], &text[line_end..]);
    let rule = changed.find("rule ca.civ_56_17 ").unwrap();
    let source = rule + changed[rule..].find("\n  source ").unwrap();
    let source_end = source + 1 + changed[source + 1..].find('\n').unwrap();
    changed.replace_range(source..source_end, "");
    std::fs::write(&file, changed).unwrap();
    // A broad rule that leaves law enforcement out, with no rule of its layer there, is listed.
    std::fs::create_dir_all(dir.join("us-zz")).unwrap();
    std::fs::write(
        dir.join("us-zz/zed.stringent"),
        "jurisdiction US-ZZ \"Zed\" under US history from 2016-01-01\n\nrule zz.broad_list \"A closed list that forgets the police\" {\n  cite \"Example\"\n  source \"https://example.org/broad\"\n  confidence unverified\n  effective 2020-01-01\n  category sti\n  purpose any except law_enforcement, patient_access, patient_directed\n  recipient any except patient\n  permission authorization\n}\n",
    )
    .unwrap();
    let out = stringent(&["coverage", dir.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("1 layers without `history from`"), "{stdout}");
    assert!(stdout.contains("1 rules name no source: ca.civ_56_17"), "{stdout}");
    assert!(stdout.contains("zz.broad_list (law_enforcement)"), "{stdout}");
    let _ = std::fs::remove_dir_all(dir);
}

/// A layer's `history from` changes no answer. Moved later, `diff` passes the gate and says
/// the date moved: earlier answers are no longer vouched for. Moved earlier, answers before
/// the old date stop warning that they may miss law: that fails the gate
/// (docs/semantics.md, "History").
#[test]
fn diff_shows_a_layers_history_date_moving() {
    let (base, moved) = (copy_of_rules("history-base"), copy_of_rules("history-moved"));
    let file = moved.join("us-ca/california.stringent");
    let text = std::fs::read_to_string(&file).unwrap();
    let header = text.find("jurisdiction US-CA").unwrap();
    let at = header + text[header..].find("history from ").unwrap() + "history from ".len();
    let old_date = text[at..at + 10].to_owned();
    std::fs::write(&file, format!("{}2024-01-01{}", &text[..at], &text[at + 10..])).unwrap();
    let out = stringent(&[
        "diff",
        base.to_str().unwrap(),
        moved.to_str().unwrap(),
        "--fail-on",
        "loosened",
        "--as-of",
        "2026-11-24",
    ]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(shown.contains(&format!("US-CA: history complete from 2024-01-01 (was {old_date})\n")), "{shown}");
    let back = stringent(&[
        "diff",
        moved.to_str().unwrap(),
        base.to_str().unwrap(),
        "--fail-on",
        "loosened",
        "--as-of",
        "2026-11-24",
    ]);
    let shown = String::from_utf8_lossy(&back.stdout);
    let words = String::from_utf8_lossy(&back.stderr).split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(back.status.code(), Some(1), "{shown}{words}");
    assert!(
        shown.contains(&format!(
            "US-CA: history complete from {old_date} (was 2024-01-01) [earlier answers no longer warn `history_incomplete`]"
        )),
        "{shown}"
    );
    assert!(words.contains("`history from` moved earlier or was removed"), "{words}");
    let _ = (std::fs::remove_dir_all(base), std::fs::remove_dir_all(moved));
}

/// An expired rule is history, not a warning, when it expired after its layer's declared
/// `history from`; without the declaration it still warns (W0003).
#[test]
fn an_expired_rule_inside_the_declared_history_does_not_warn() {
    let rule = "\nrule zz.old \"An earlier text\" {\n  cite \"Example Code 1 (2010)\"\n  source \"https://example.org/1\"\n  confidence unverified\n  effective 2010-01-01\n  expires 2020-01-01\n  category hiv\n  purpose employment\n  permission specific_authorization\n}\n";
    for (header, warns) in [
        ("jurisdiction US-ZZ \"Zed\" under US history from 2016-01-01\n", false),
        ("jurisdiction US-ZZ \"Zed\" under US history from 2021-01-01\n", true),
        ("jurisdiction US-ZZ \"Zed\" under US\n", true),
    ] {
        let root = state_without_rules("expired-history");
        std::fs::write(root.join("zz/zed.stringent"), format!("{header}{rule}")).unwrap();
        let out = stringent(&["check", root.to_str().unwrap(), "--as-of", "2026-11-24"]);
        let shown = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(0), "{shown}");
        assert_eq!(shown.contains("W0003"), warns, "{header}: {shown}");
        let _ = std::fs::remove_dir_all(root);
    }
}

/// Coverage topics are vocabulary: a topic declared in `rules/vocabulary/` is a column of
/// `stringent coverage`, checked for every state, and a `silent` declaration may name it,
/// with no change to the code.
#[test]
fn a_topic_declared_in_the_vocabulary_is_covered_like_the_shipped_ones() {
    let dir = copy_of_rules("topic-added");
    // A recipient no rule can name yet, so that California misses it whatever its law says.
    let axes = dir.join("vocabulary/axes.stringent");
    let vocabulary = std::fs::read_to_string(&axes).unwrap().replacen(
        "axis recipient \"Who receives the information\" {\n",
        "axis recipient \"Who receives the information\" {\n  value archive \"A historical archive\"\n",
        1,
    );
    assert!(vocabulary.contains("value archive"), "the recipient axis header moved");
    std::fs::write(&axes, vocabulary).unwrap();
    let topics = dir.join("vocabulary/topics.stringent");
    let mut text = std::fs::read_to_string(&topics).unwrap();
    text.push_str("\ntopic reproductive \"Reproductive health care\" {\n  category reproductive, abortion\n}\n");
    text.push_str("\ntopic archives \"Records sent to archives\" {\n  recipient archive\n}\n");
    std::fs::write(&topics, text).unwrap();
    let out = stringent(&["coverage", dir.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let header: Vec<&str> = stdout.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header[header.len() - 2..], ["reproductive", "archives"], "{stdout}");
    let row = stdout.lines().find(|l| l.starts_with("US-CA")).unwrap();
    // California's rules name reproductive records; none can name the new recipient.
    assert!(row.trim_end().ends_with("MISSING"), "{row}");
    assert_eq!(row.matches("covered").count(), header.len() - 2, "{row}");
    assert_eq!(out.status.code(), Some(1), "{stdout}");

    // A dated silence on the new topic covers it.
    let ca = dir.join("us-ca/california.stringent");
    let mut text = std::fs::read_to_string(&ca).unwrap();
    text.push_str("\nsilent archives \"Nothing stricter for archives\" {\n  searched \"Example search; 2026-12-04\"\n  confidence unverified\n}\n");
    std::fs::write(&ca, text).unwrap();
    let out = stringent(&["coverage", dir.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("0 missing cells"), "{stdout}");
    assert!(stdout.contains("US-CA archives"), "the silence is listed as unverified: {stdout}");
    let _ = std::fs::remove_dir_all(dir);
}

/// The gate looks at every date the law changes on, not only the date asked: a new state
/// whose loosening of a deferred default takes effect next year, and a federal rule moved
/// later (which rewrites every past answer it gave), both fail `diff --fail-on loosened`.
#[test]
fn diff_gates_later_dates_of_a_new_layer_and_past_dates() {
    let (base, future) = (copy_of_rules("dates-base"), copy_of_rules("dates-future-state"));
    std::fs::create_dir_all(future.join("us-zz")).unwrap();
    std::fs::write(
        future.join("us-zz/zz.stringent"),
        "jurisdiction US-ZZ \"A state\" under US history from 2026-01-01\n\n\
         rule zz.parent \"A self-consented minor's record goes to the parent\" {\n  cite \"ZZ Code 1\"\n  \
         confidence unverified\n  effective 2099-01-01\n  category general\n  recipient parent\n  \
         subject minor_self_consented\n  permission none\n}\n",
    )
    .unwrap();
    let out = stringent(&["diff", base.to_str().unwrap(), future.to_str().unwrap(), "--fail-on", "loosened"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("an answer loosens without a justification as of 2099-01-01"), "{said}");

    let past = copy_of_rules("dates-past");
    let federal = past.join("us/federal.stringent");
    let text = std::fs::read_to_string(&federal).unwrap();
    let notes = "  confidence verified\n  effective 2003-04-14\n  category psychotherapy_notes";
    assert!(text.contains(notes), "the federal psychotherapy-notes rule moved");
    std::fs::write(&federal, text.replacen(notes, &notes.replace("2003-04-14", "2025-01-01"), 1)).unwrap();
    let out = stringent(&["diff", base.to_str().unwrap(), past.to_str().unwrap(), "--fail-on", "loosened"]);
    let (shown, said) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("a past answer loosened without a justification: as of "), "{said}");
    assert!(shown.contains("(before the date asked):"), "{shown}");
    let _ = [base, future, past].map(std::fs::remove_dir_all);
}

/// A combination (`US-CA+US-NV`) is several chains: `explain` lists its layers without
/// chaining them (US-NV does not stand under US-CA), and `timeline`, which follows one
/// chain, refuses it with a hint instead of calling it unknown.
#[test]
fn a_combination_is_explained_as_several_chains_and_timeline_refuses_it() {
    let rules = repo().join("rules");
    let rules = rules.to_str().unwrap();
    let out = stringent(&[
        "explain",
        "--rules",
        rules,
        "--jurisdiction",
        "US-CA+US-NV",
        "--category",
        "hiv",
        "--purpose",
        "employment",
        "--recipient",
        "employer",
    ]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("\nChains: US-CA and US-NV (a disclosure that must satisfy each; layers US, US-CA, US-NV)"),
        "{shown}"
    );
    assert!(!shown.contains("US → US-CA → US-NV"), "{shown}");
    let out = stringent(&["timeline", "--rules", rules, "US-CA+US-NV"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("is a combination; a timeline follows one chain") && said.contains("US-CA, US-NV"), "{said}");
}

/// A new state whose broad rule is looser than federal law is preempted wherever federal law
/// decides, but replaces the federal default where federal law leaves a self-consented
/// minor's parent to state law: `check` warns (W0009) and `diff --fail-on loosened` fails,
/// until the rule says which law permits it.
#[test]
fn a_new_state_loosening_a_deferred_default_is_warned_and_gated() {
    let (base, added) = (copy_of_rules("careless-state-base"), copy_of_rules("careless-state-added"));
    let state = added.join("us-zz");
    std::fs::create_dir_all(&state).unwrap();
    let rule = |justification: &str| {
        format!(
            "jurisdiction US-ZZ \"A careless state\" under US history from 2016-01-01\n\n\
             rule zz.share \"Health information may be shared\" {{\n  cite \"ZZ Code 1\"\n  \
             confidence unverified\n  effective 2020-01-01\n  category general\n  permission none\n{justification}}}\n"
        )
    };
    std::fs::write(state.join("zz.stringent"), rule("")).unwrap();
    let asked = [
        "decide",
        "--rules",
        added.to_str().unwrap(),
        "--jurisdiction",
        "US-ZZ",
        "--category",
        "general",
        "--purpose",
        "treatment",
        "--recipient",
        "parent",
        "--subject",
        "minor_self_consented",
        "--holder",
        "provider",
    ];
    let out = stringent(&asked);
    let answer = String::from_utf8_lossy(&out.stdout);
    assert!(answer.starts_with("US-ZZ: allowed"), "the state rule replaces the deferring default: {answer}");

    let out = stringent(&["check", added.to_str().unwrap()]);
    let shown = String::from_utf8_lossy(&out.stderr);
    assert!(shown.contains("warning[W0009]: rule `zz.share` is stricter than federal law nowhere"), "{shown}");
    assert!(shown.contains("0 errors, 1 warning"), "{shown}");

    let gate = ["diff", base.to_str().unwrap(), added.to_str().unwrap(), "--fail-on", "loosened"];
    let out = stringent(&gate);
    let (shown, said) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{shown}{said}");
    assert!(shown.contains("US-ZZ: new jurisdiction, compared with its parent chain US:"), "{shown}");
    assert!(shown.contains("LOOSENED permission"), "{shown}");
    assert!(said.contains("the new jurisdiction US-ZZ loosens an answer of US without a justification"), "{said}");

    std::fs::write(
        state.join("zz.stringent"),
        rule("  justification \"ZZ Code 1(b) lets a provider tell the parent\"\n"),
    )
    .unwrap();
    let out = stringent(&["check", added.to_str().unwrap()]);
    let shown = String::from_utf8_lossy(&out.stderr);
    assert!(!shown.contains("W0009"), "a justified loosening is not warned about: {shown}");
    let out = stringent(&gate);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let _ = (std::fs::remove_dir_all(base), std::fs::remove_dir_all(added));
}

/// A new layer is compared with the chain it stands under: the diff says what it changes,
/// per dimension and with its rule, not only that it is new.
#[test]
fn diff_shows_what_a_new_layer_changes_against_its_parent_chain() {
    let (base, added) = (copy_of_rules("new-layer-base"), copy_of_rules("new-layer-added"));
    std::fs::create_dir_all(added.join("org")).unwrap();
    std::fs::write(
        added.join("org/clinic.stringent"),
        "jurisdiction org:clinic \"A clinic\" under US-CA\n\n\
         rule org.clinic.release \"A signed release before a chart goes to another provider\" {\n  \
         cite \"Clinic policy 1\"\n  confidence verified\n  effective 2025-01-01\n  \
         category general\n  purpose treatment\n  recipient provider\n  permission authorization\n}\n",
    )
    .unwrap();
    let args = ["diff", base.to_str().unwrap(), added.to_str().unwrap(), "--as-of", "2026-11-24"];
    let out = stringent(&args);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(shown.contains("org:clinic: new jurisdiction, compared with its parent chain US-CA:"), "{shown}");
    assert!(!shown.contains("org:clinic: new jurisdiction\n"), "{shown}");
    assert!(shown.contains("tightened permission"), "{shown}");
    assert!(shown.contains("org.clinic.release (Clinic policy 1)"), "{shown}");
    assert!(shown.contains("category general, purpose treatment, recipient provider"), "{shown}");
    // Each count says what it counts: the new layer against its parent, then the rest.
    assert!(
        shown.contains("\norg:clinic against US-CA: ") && shown.contains(" cells changed\njurisdictions"),
        "{shown}"
    );
    assert!(shown.ends_with("\njurisdictions in both trees: 0 change groups, 0 cells changed\n"), "{shown}");

    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let out = stringent(&json_args);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let layer = &json["new_layers"][0];
    assert_eq!(layer["jurisdiction"], "org:clinic");
    assert_eq!(layer["parent"], "US-CA");
    let change = &layer["groups"][0]["changes"][0];
    assert_eq!(change["dimension"], "permission");
    assert_eq!(change["direction"], "tightened");
    let _ = (std::fs::remove_dir_all(base), std::fs::remove_dir_all(added));
}

#[test]
fn an_error_in_an_organization_file_blocks_only_the_chains_it_touches() {
    let dir = copy_of_rules("org-typo");
    std::fs::create_dir_all(dir.join("org")).unwrap();
    let org = std::fs::read_to_string(repo().join("rules/org/example_clinic.stringent")).unwrap();
    std::fs::write(
        dir.join("org/example_clinic.stringent"),
        format!("{org}\nrule org.broken \"A typo\" {{\n  category hvi\n}}\n"),
    )
    .unwrap();
    let rules = dir.to_str().unwrap();
    let ask = |j: &str| {
        stringent(&[
            "decide",
            "--rules",
            rules,
            "--jurisdiction",
            j,
            "--category",
            "general",
            "--purpose",
            "treatment",
            "--recipient",
            "provider",
        ])
    };
    let ca = ask("US-CA");
    let (out, err) = (String::from_utf8_lossy(&ca.stdout), String::from_utf8_lossy(&ca.stderr));
    assert_eq!(ca.status.code(), Some(0), "{out}\n{err}");
    assert!(out.starts_with("US-CA: allowed"), "{out}");
    assert!(err.contains("unavailable") && err.contains("org:example_clinic: [E0"), "{err}");
    let org = ask("org:example_clinic");
    assert_eq!(org.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&org.stdout).is_empty());
    assert!(String::from_utf8_lossy(&org.stderr).contains("hvi"));
}

/// A condition's title is its definition: redefining or renaming one that answers use
/// loosens every way that needs it, and the gate must say so although no cell's words change.
#[test]
fn diff_fails_on_a_redefined_or_renamed_condition() {
    let base = copy_of_rules("cond-base");
    let terms = std::fs::read_to_string(base.join("vocabulary/terms.stringent")).unwrap();
    let title = "Disclosure is necessary to prevent or lessen a serious and imminent threat";
    assert!(terms.contains(title));
    for (name, edited) in [
        ("cond-redefined", terms.replacen(title, "Whenever the holder chooses to disclose; formerly: a threat", 1)),
        ("cond-renamed", terms.replace("imminent_threat", "whenever_asked")),
    ] {
        let changed = copy_of_rules(name);
        std::fs::write(changed.join("vocabulary/terms.stringent"), edited).unwrap();
        if name == "cond-renamed" {
            // The rules that name it follow the rename, as an author's search-and-replace would.
            for file in ["us/federal.stringent", "us-ca/california.stringent"] {
                let text = std::fs::read_to_string(changed.join(file)).unwrap();
                std::fs::write(changed.join(file), text.replace("imminent_threat", "whenever_asked")).unwrap();
            }
        }
        let out = Command::new(env!("CARGO_BIN_EXE_stringent"))
            .args(["diff", base.to_str().unwrap(), changed.to_str().unwrap(), "--fail-on", "loosened"])
            .args(["--as-of", "2026-11-24"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{name}: {text}");
        assert!(text.contains("condition") && text.contains("[breaking]"), "{name}: {text}");
    }
}

/// Only what the tool created is ever removed or replaced: a foreign `index.json` stops the
/// compile, and an old generation that holds a file of the user's is left in place.
#[test]
fn compile_never_replaces_or_removes_a_file_it_did_not_create() {
    let rules = copy_of_rules("own-files-rules");
    let out = scratch("own-files-out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("index.json"), "{\"my\": \"notes\"}").unwrap();
    let compile = |as_of: &str| {
        stringent(&["compile", rules.to_str().unwrap(), "--out", out.to_str().unwrap(), "--as-of", as_of])
    };
    let refused = compile("2026-11-24");
    assert_ne!(refused.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not written by stringent"));
    assert_eq!(std::fs::read_to_string(out.join("index.json")).unwrap(), "{\"my\": \"notes\"}");

    std::fs::remove_file(out.join("index.json")).unwrap();
    assert_eq!(compile("2026-11-24").status.code(), Some(0));
    let first: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("policies-"))
        .collect();
    assert_eq!(first.len(), 1);
    std::fs::write(first[0].join("my-notes.txt"), "mine").unwrap();
    assert_eq!(compile("2020-01-01").status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(first[0].join("my-notes.txt")).unwrap(), "mine");

    // A folder that looks like a generation (its name, the marker, `.json` names) but holds a
    // file of the user's under an artifact's name is the user's: left in place.
    let mimic = out.join("policies-bbbbbbbbbbbbbbbb");
    std::fs::create_dir_all(&mimic).unwrap();
    std::fs::copy(first[0].join(".stringent-generation"), mimic.join(".stringent-generation")).unwrap();
    std::fs::write(mimic.join("US-CA.json"), "{\"mine\":1}").unwrap();
    assert_eq!(compile("2026-11-24").status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(mimic.join("US-CA.json")).unwrap(), "{\"mine\":1}");
}

/// A copy of the federal layer, California and the example clinic under it.
fn copy_with_clinic(name: &str) -> (PathBuf, PathBuf) {
    let root = copy_of_rules(name);
    std::fs::create_dir_all(root.join("org")).unwrap();
    let clinic = root.join("org/example_clinic.stringent");
    std::fs::copy(repo().join("rules/org/example_clinic.stringent"), &clinic).unwrap();
    (root, clinic)
}

/// `check` and `test` on one file compile its whole tree (found by the `vocabulary/`
/// folder above it) and report on that file alone: no false "unknown jurisdiction" from
/// reading the file as a tree of its own, only its own tests run, and an error elsewhere
/// shows as one line when it touches the file's chain, and not at all otherwise.
#[test]
fn one_file_is_checked_and_tested_within_its_tree() {
    let (root, clinic) = copy_with_clinic("one-file");
    let file = clinic.to_str().unwrap();
    let check = stringent(&["check", file, "--as-of", "2026-11-24"]);
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stderr));
    let test = stringent(&["test", file, "--as-of", "2026-11-24"]);
    let stdout = String::from_utf8_lossy(&test.stdout);
    assert_eq!(test.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&test.stderr));
    let listed: Vec<&str> = stdout.lines().filter(|l| l.starts_with("ok   ")).collect();
    assert_eq!(listed.len(), 4, "the clinic's four tests, no other: {stdout}");
    assert!(listed.iter().all(|l| l.contains("org/example_clinic.stringent:")), "{stdout}");
    assert!(stdout.contains("4 passed, 0 failed"), "{stdout}");

    // An error in a state the clinic does not stand under is not the clinic's.
    std::fs::create_dir_all(root.join("us-zz")).unwrap();
    std::fs::write(root.join("us-zz/zed.stringent"), "jurisdiction US-ZZ \"Zed\" under US\nrule {\n").unwrap();
    let check = stringent(&["check", file, "--as-of", "2026-11-24"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("zed.stringent"), "{stderr}");
    // An error in California, above the clinic, is one line, not the other file's report.
    std::fs::remove_dir_all(root.join("us-zz")).unwrap();
    let ca = root.join("us-ca/california.stringent");
    let text = std::fs::read_to_string(&ca).unwrap();
    std::fs::write(&ca, format!("{text}\nrule {{\n")).unwrap();
    for command in ["check", "test"] {
        let out = stringent(&[command, file, "--as-of", "2026-11-24"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{command}: {stderr}");
        assert!(stderr.contains("the given files' chains cannot be answered: 1 error in other files"), "{stderr}");
        assert!(!stderr.contains("california.stringent:"), "{command}: no cascade of the other file: {stderr}");
    }
    // The same tree checked whole shows California's error itself.
    let whole = stringent(&["check", root.to_str().unwrap(), "--as-of", "2026-11-24"]);
    assert!(String::from_utf8_lossy(&whole.stderr).contains("california.stringent:"));
    let _ = std::fs::remove_dir_all(root);
}

/// A file in no rules tree, and files of two trees, are refused with help, not read as
/// trees of their own.
#[test]
fn a_file_outside_any_rules_tree_or_files_of_two_trees_are_refused() {
    let lone = scratch("lone-file");
    std::fs::create_dir_all(&lone).unwrap();
    let file = lone.join("clinic.stringent");
    std::fs::copy(repo().join("rules/org/example_clinic.stringent"), &file).unwrap();
    let out = stringent(&["check", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is in no rules root") && stderr.contains("help: "), "{stderr}");
    assert!(!stderr.contains("unknown jurisdiction"), "{stderr}");
    let (other, clinic) = copy_with_clinic("second-tree");
    let out = stringent(&["test", clinic.to_str().unwrap(), "rules/org/example_clinic.stringent"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("different rules roots"), "{stderr}");
    let _ = (std::fs::remove_dir_all(lone), std::fs::remove_dir_all(other));
}

/// `test --filter` runs the tests whose title holds the text, and lists each with its
/// result, in text and in JSON.
#[test]
fn test_filter_runs_the_matching_tests_and_lists_them() {
    let filter = "psychotherapy notes";
    let out = stringent(&["test", "rules", "--filter", filter, "--format", "json", "--as-of", "2026-11-24"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tests = json["tests"].as_array().unwrap();
    assert!(tests.len() >= 3, "{json}");
    assert!(tests.iter().all(|t| t["name"].as_str().unwrap().contains(filter) && t["passed"] == true), "{json}");
    assert_eq!(json["passed"], tests.len());
    let text = stringent(&["test", "rules", "--filter", filter, "--as-of", "2026-11-24"]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    for t in tests {
        let line = format!("ok   {}:{} {}", t["file"].as_str().unwrap(), t["line"], t["name"].as_str().unwrap());
        assert!(stdout.lines().any(|l| l == line), "{line} not in:\n{stdout}");
    }
    let none = stringent(&["test", "rules", "--filter", "no test is called this", "--as-of", "2026-11-24"]);
    assert_eq!(none.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no rule test's title contains"));
}

/// A jurisdiction id in the wrong case is one E0100 naming the id meant, with no follow-on
/// error for the parent it names; a transposed parent gets the right "did you mean"; and
/// `fmt` leaves such a file as it was.
#[test]
fn a_lower_case_or_transposed_parent_gets_one_diagnostic_naming_the_id_meant() {
    let root = state_without_rules("lower-case-parent");
    std::fs::create_dir_all(root.join("us-ny")).unwrap();
    std::fs::copy(repo().join("rules/us-ny/new_york.stringent"), root.join("us-ny/new_york.stringent")).unwrap();
    let org = root.join("zz/org.stringent");
    for (parent, code, help) in [
        ("us-ny", "E0100", "jurisdiction ids are upper case: did you mean `US-NY`?"),
        ("US-YN", "E0200", "did you mean `US-NY`?"),
    ] {
        let text = format!("jurisdiction org:clinic \"Clinic\" under {parent}\n");
        std::fs::write(&org, &text).unwrap();
        let out = stringent(&["check", org.to_str().unwrap(), "--as-of", "2026-11-24", "--format", "json"]);
        assert_eq!(out.status.code(), Some(1));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let diags = json["diagnostics"].as_array().unwrap();
        assert_eq!(diags.len(), 1, "one mistake, one diagnostic: {json}");
        assert_eq!(diags[0]["code"], code, "{json}");
        assert_eq!(diags[0]["help"], help, "{json}");
        if code == "E0100" {
            let fmt = stringent(&["fmt", org.to_str().unwrap()]);
            assert_eq!(fmt.status.code(), Some(1));
            assert!(String::from_utf8_lossy(&fmt.stderr).contains("did you mean `US-NY`?"));
            assert_eq!(std::fs::read_to_string(&org).unwrap(), text, "fmt rewrote a file with an error");
        }
    }
    let _ = std::fs::remove_dir_all(root);
}

/// The shipped rules compiled into a fresh directory, as a script would.
fn compiled(name: &str) -> PathBuf {
    let out = scratch(name);
    let done = stringent(&["compile", "rules", "--out", out.to_str().unwrap(), "--as-of", "2026-11-24"]);
    assert_eq!(done.status.code(), Some(0), "{}", String::from_utf8_lossy(&done.stderr));
    out
}

fn decide_from(policy: &Path, jurisdiction: Option<&str>, purpose: &str) -> Output {
    let mut args = vec!["decide", "--policy", policy.to_str().unwrap(), "--format", "json"];
    if let Some(j) = jurisdiction {
        args.extend(["--jurisdiction", j]);
    }
    args.extend(["--category", "hiv", "--purpose", purpose, "--recipient", "employer"]);
    stringent(&args)
}

#[test]
fn decide_takes_the_compile_output_directory_and_answers_as_the_artifact_file_does() {
    let out = compiled("policy-dir");
    let index: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("index.json")).unwrap()).unwrap();
    let entry = index["policies"].as_array().unwrap().iter().find(|e| e["jurisdiction"] == "US-CA").unwrap();
    let file = out.join(entry["file"].as_str().unwrap());
    let (from_dir, from_file) =
        (decide_from(&out, Some("US-CA"), "employment"), decide_from(&file, None, "employment"));
    assert_eq!(from_dir.status.code(), Some(0), "{}", String::from_utf8_lossy(&from_dir.stderr));
    assert_eq!(from_dir.stdout, from_file.stdout);
    let decision: stringent_policy::Decision = serde_json::from_slice(&from_dir.stdout).unwrap();
    assert_eq!((&*decision.jurisdiction, &*decision.subject), ("US-CA", stringent_policy::DEFAULT_SUBJECT));

    // A directory needs a jurisdiction; one the index lacks gets the nearest it has.
    let out_str = out.display().to_string();
    let none = decide_from(&out, None, "employment");
    assert_eq!(none.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&none.stderr)
            .contains(&format!("`{out_str}` is a compile's output directory: give --jurisdiction"))
    );
    let unknown = decide_from(&out, Some("US-CX"), "employment");
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.contains("the index names no jurisdiction `US-CX`") && stderr.contains("did you mean `US-CA`?"),
        "{stderr}"
    );
    assert!(stderr.contains("(53 in all)") && !stderr.contains("US-WY"), "the valid ones are listed briefly: {stderr}");

    // An unknown value gets the nearest valid one.
    let typo = decide_from(&out, Some("US-CA"), "employmnt");
    assert_eq!(typo.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&typo.stderr);
    assert!(
        stderr.contains("unknown purpose `employmnt`") && stderr.contains("did you mean `employment`?"),
        "{stderr}"
    );
    assert!(stderr.contains("(16 in all)"), "{stderr}");
}

#[test]
fn decide_refuses_a_tampered_index() {
    let out = compiled("policy-dir-tampered");
    let path = out.join("index.json");
    let original = std::fs::read_to_string(&path).unwrap();
    let mut index: serde_json::Value = serde_json::from_str(&original).unwrap();
    let entries = index["policies"].as_array_mut().unwrap();
    let at = entries.iter().position(|e| e["jurisdiction"] == "US-CA").unwrap();

    // The entry's hash differs from the artifact's.
    entries[at]["content_hash"] = "sha256:0000".into();
    std::fs::write(&path, serde_json::to_vec(&index).unwrap()).unwrap();
    let stale = decide_from(&out, Some("US-CA"), "employment");
    assert_eq!(stale.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&stale.stderr).contains("does not match the index"),
        "{}",
        String::from_utf8_lossy(&stale.stderr)
    );
    assert!(stale.stdout.is_empty());

    // The entry points out of the directory, at a real artifact.
    let mut index: serde_json::Value = serde_json::from_str(&original).unwrap();
    let outside = out.with_extension("outside.json");
    let file = out.join(index["policies"][at]["file"].as_str().unwrap());
    std::fs::copy(file, &outside).unwrap();
    index["policies"][at]["file"] = format!("../{}", outside.file_name().unwrap().to_str().unwrap()).into();
    std::fs::write(&path, serde_json::to_vec(&index).unwrap()).unwrap();
    let escaped = decide_from(&out, Some("US-CA"), "employment");
    assert_eq!(escaped.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&escaped.stderr).contains("not inside the index's directory"),
        "{}",
        String::from_utf8_lossy(&escaped.stderr)
    );
    std::fs::remove_file(outside).unwrap();
}

/// The completion script of every shell knows every command.
#[test]
fn completions_name_every_command() {
    let commands = [
        "check",
        "compile",
        "test",
        "coverage",
        "fmt",
        "diff",
        "report",
        "export",
        "decide",
        "explain",
        "completions",
        "man",
        "lsp",
    ];
    let bash = stringent(&["completions", "bash"]);
    assert_eq!(bash.status.code(), Some(0));
    let script = String::from_utf8(bash.stdout).unwrap();
    assert!(script.contains("_stringent()"), "{script}");
    for c in commands {
        assert!(
            script.contains(&format!("stringent__subcmd__{c}")) || script.contains(&format!("stringent,{c}")),
            "{c}"
        );
    }
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let out = stringent(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("decide"), "{shell}");
    }
    assert_eq!(stringent(&["completions", "tcsh"]).status.code(), Some(2));
}

/// `man` prints the top page; `man --out DIR` writes it and one page per command.
#[test]
fn man_pages_describe_stringent_and_each_command() {
    let out = stringent(&["man"]);
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".SH NAME") && page.contains(".SH SYNOPSIS"), "{page}");
    for c in ["check", "compile", "test", "coverage", "fmt", "diff", "report", "export", "decide", "explain"] {
        assert!(page.contains(&format!("stringent\\-{c}(1)")), "{c}");
    }
    let dir = scratch("man");
    let out = stringent(&["man", "--out", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let names: Vec<String> = files_under(&dir).into_iter().map(|(n, _)| n).collect();
    for name in ["stringent.1", "stringent-decide.1", "stringent-export.1", "stringent-export-opa.1", "stringent-man.1"]
    {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
    let decide = std::fs::read_to_string(dir.join("stringent-decide.1")).unwrap();
    assert!(decide.contains(".SH SYNOPSIS") && decide.contains("\\-\\-purpose"), "{decide}");
    let _ = std::fs::remove_dir_all(dir);
}

/// The help of a question's axes says where their values come from, with an example.
#[test]
fn decide_help_says_where_the_values_come_from() {
    let help = String::from_utf8(stringent(&["decide", "--help"]).stdout).unwrap();
    for (flag, example) in [("--category", "mental_health"), ("--purpose", "treatment"), ("--recipient", "provider")] {
        let line = help.lines().skip_while(|l| !l.trim_start().starts_with(flag)).nth(1).unwrap_or_default();
        assert!(line.contains("vocabulary") && line.contains(example), "{flag}: {line}");
    }
    assert!(help.contains("fhir:"), "{help}");
}

/// A question without some of its three axes names exactly the missing ones.
#[test]
fn a_question_names_the_flags_it_misses() {
    let base = ["--jurisdiction", "US-CA"];
    for (given, missing) in [
        (vec!["--category", "general", "--recipient", "provider"], "error: missing --purpose\n"),
        (vec!["--purpose", "treatment"], "error: missing --category, --recipient\n"),
        (vec!["--category", "general", "--purpose", "treatment"], "error: missing --recipient\n"),
    ] {
        for command in ["decide", "explain"] {
            let args: Vec<&str> = [command].into_iter().chain(base).chain(given.iter().copied()).collect();
            let out = stringent(&args);
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.starts_with(missing), "{args:?}: {err}");
        }
    }
}

/// `diff` writes text or JSON; FHIR security labels belong to a decision, and clap says so.
#[test]
fn diff_refuses_the_fhir_format() {
    let out = stringent(&["diff", "rules", "rules", "--format", "fhir"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid value 'fhir'") && err.contains("[possible values: text, json]"), "{err}");
}

/// A rules path that does not exist is a mistake in the command line: exit 2, named, and
/// nothing compiled or written, whichever command reads rules.
#[test]
fn a_path_that_does_not_exist_is_a_usage_error() {
    let out_dir = scratch("missing-path");
    let out = out_dir.to_str().unwrap();
    let commands: [&[&str]; 9] = [
        &["check", "no/such/dir"],
        &["test", "no/such/dir"],
        &["compile", "no/such/dir", "--out", out],
        &["report", "no/such/dir", "--out", out],
        &["fmt", "no/such/dir"],
        &["coverage", "rules", "no/such/dir"],
        &["export", "opa", "no/such/dir", "--out", out],
        &[
            "decide",
            "--rules",
            "no/such/dir",
            "--jurisdiction",
            "US",
            "--category",
            "general",
            "--purpose",
            "treatment",
            "--recipient",
            "provider",
        ],
        &["explain", "--rules", "no/such/dir", "--rule", "us.x"],
    ];
    for args in commands {
        let o = stringent(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.starts_with("error: `no/such/dir` does not exist"), "{args:?}: {err}");
    }
    assert!(!out_dir.exists());
}

/// A log without colour names each diagnostic's severity in words, as rustc does.
#[test]
fn diagnostics_say_error_or_warning_in_words() {
    let out = stringent(&["check", "tests/corpus/invalid/many-mistakes", "--as-of", "2025-06-01"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error[E0200]: unknown category value `genetik`"), "{err}");
    let warn = stringent(&["check", "tests/corpus/invalid/W0001-preempted", "--as-of", "2025-06-01"]);
    assert!(String::from_utf8_lossy(&warn.stderr).contains("warning[W0001]: rule `xx.hiv_free`"));
}

/// A state rule looser than federal law fails the preemption test of 45 CFR 160.203(b); an
/// organization's looser rule is worded for an organization, whose policy is no state law.
#[test]
fn an_organization_loosening_federal_law_is_told_so_as_an_organization() {
    let check = |tree: &str| {
        let out = stringent(&["check", tree, "--as-of", "2025-06-01"]);
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let org = check("tests/corpus/invalid/W0001-preempted-organization");
    assert!(org.contains("warning[W0001]: rule `org.clinic.hiv_free`"), "{org}");
    assert!(org.contains("an organization policy cannot loosen federal law"), "{org}");
    assert!(!org.contains("a state law"), "{org}");
    let state = check("tests/corpus/invalid/W0001-preempted");
    assert!(state.contains("a state law contrary to HIPAA") && !state.contains("organization policy"), "{state}");
}

/// A directory name cannot print a line of its own: a line break in `--out` is shown as
/// `\n`, so no forged "wrote …" line appears in a CI log.
#[test]
fn a_line_break_in_an_output_path_is_shown_escaped() {
    let out = scratch("line\nwrote 99 policies and index.json to /etc");
    let done =
        stringent(&["compile", "tests/corpus/worked-example", "--out", out.to_str().unwrap(), "--as-of", "2025-06-01"]);
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("line\\nwrote 99"), "{stderr}");
    assert!(!stderr.lines().any(|l| l.starts_with("wrote 99")), "{stderr}");
    let _ = std::fs::remove_dir_all(&out);
}

/// `timeline` shows the day the 2024 reproductive-health rule was vacated as a loosening
/// naming the rule and the court's judgment, and only the dates asked for.
#[test]
fn timeline_shows_when_an_answer_changed_and_why() {
    let out = stringent(&["timeline", "US", "--from", "2025-01-01", "--to", "2025-12-31"]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{shown}{}", String::from_utf8_lossy(&out.stderr));
    assert!(shown.starts_with("US: answers from 2025-01-01 on (the chain's history is complete from "), "{shown}");
    assert!(shown.contains("\non 2025-06-18:\n"), "{shown}");
    assert!(
        shown.contains("LOOSENED obligations: [") && shown.contains("reproductive_health_attestation] -> ["),
        "{shown}"
    );
    assert!(shown.contains("Purl v. HHS"), "{shown}");
    assert!(shown.ends_with("US: 1 date on which an answer changes after 2025-01-01 up to 2025-12-31\n"), "{shown}");

    let json = stringent(&["timeline", "US", "--from", "2025-01-01", "--to", "2025-06-17", "--format", "json"]);
    let t: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(t["changes"].as_array().map(Vec::len), Some(0), "{t}");
    assert_eq!(t["to"], "2025-06-17");

    let unknown = stringent(&["timeline", "US-YN"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("did you mean `US-NY`?"));
}

/// `diff --as-of A --as-of B` compares OLD as of A with NEW as of B: with one tree, what
/// changed in the law between two dates, and no later date.
#[test]
fn diff_compares_one_tree_at_two_dates() {
    let out = stringent(&["diff", "rules", "rules", "--as-of", "2025-06-17", "--as-of", "2025-06-18"]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(shown.contains("reproductive_health_attestation] -> ["), "{shown}");
    assert!(!shown.contains("\nas of "), "{shown}");
    assert!(shown.contains("\njurisdictions in both trees, as of 2025-06-17 against 2025-06-18: "), "{shown}");
    let same_day = stringent(&["diff", "rules", "rules", "--as-of", "2025-06-18", "--as-of", "2025-06-18"]);
    assert!(String::from_utf8_lossy(&same_day.stdout).ends_with(": 0 change groups, 0 cells changed\n"));
    let three = stringent(&[
        "diff",
        "rules",
        "rules",
        "--as-of",
        "2025-01-01",
        "--as-of",
        "2025-02-01",
        "--as-of",
        "2025-03-01",
    ]);
    assert_eq!(three.status.code(), Some(2));
}

/// A coverage topic narrowed changes no answer, yet `coverage` and every `silent` on it
/// then vouch for less: `diff` names it and the gate fails.
#[test]
fn diff_fails_on_a_narrowed_coverage_topic() {
    let (base, narrowed) = (copy_of_rules("topic-base"), copy_of_rules("topic-narrowed"));
    let topics = narrowed.join("vocabulary/topics.stringent");
    let text = std::fs::read_to_string(&topics).unwrap();
    assert!(text.contains("  category hiv, sti\n"));
    std::fs::write(&topics, text.replace("  category hiv, sti\n", "  category hiv\n")).unwrap();
    let args = ["diff", base.to_str().unwrap(), narrowed.to_str().unwrap(), "--as-of", "2026-11-24", "--fail-on"];
    let unchanged = stringent(&[args[0], args[1], args[1], args[3], args[4], args[5], "loosened"]);
    assert_eq!(unchanged.status.code(), Some(0), "{}", String::from_utf8_lossy(&unchanged.stderr));
    let out = stringent(&[&args[..], &["loosened"]].concat());
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("coverage topic hiv_sti narrowed: no longer counts category sti\n"), "{shown}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("a coverage topic was removed or narrowed"));
    let _ = (std::fs::remove_dir_all(base), std::fs::remove_dir_all(narrowed));
}

/// A topic widened to name a value below another topic's named value takes it over: a gap
/// declared on the other topic stops warning there although that topic's own text did not
/// change. `diff` judges topics by what they reach, so this narrows the other topic.
#[test]
fn diff_fails_when_a_widened_topic_takes_values_from_another() {
    let (base, widened) = (copy_of_rules("topic-steal-base"), copy_of_rules("topic-steal-widened"));
    let mental = "  category behavioral_health, mental_health, psychotherapy_notes\n";
    for tree in [&base, &widened] {
        let topics = tree.join("vocabulary/topics.stringent");
        let text = std::fs::read_to_string(&topics).unwrap();
        assert!(text.contains(mental));
        std::fs::write(&topics, text.replace(mental, "  category behavioral_health\n")).unwrap();
    }
    let topics = widened.join("vocabulary/topics.stringent");
    let text = std::fs::read_to_string(&topics).unwrap();
    assert!(text.contains("  category genetic\n"));
    std::fs::write(&topics, text.replace("  category genetic\n", "  category genetic, mental_health\n")).unwrap();
    let (b, w) = (base.to_str().unwrap(), widened.to_str().unwrap());
    let out = stringent(&["diff", b, w, "--as-of", "2026-11-24", "--fail-on", "loosened"]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("coverage topic mental_health narrowed: no longer counts category mental_health, category psychotherapy_notes\n"), "{shown}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("a coverage topic was removed or narrowed"));
    let _ = (std::fs::remove_dir_all(base), std::fs::remove_dir_all(widened));
}

/// `prove --refines OLD NEW` passes when NEW is as strict everywhere and fails with the
/// loosened cells otherwise; a justification explains a loosening, it does not prove NEW
/// refines OLD.
#[test]
fn prove_refines_passes_on_a_tightening_and_fails_on_a_justified_loosening() {
    let (base, justified) = (copy_of_rules("prove-base"), copy_of_rules("prove-just"));
    loosen(&justified, Some("Example: the statute was amended"));
    let (b, j) = (base.to_str().unwrap(), justified.to_str().unwrap());

    let same = stringent(&["prove", "--refines", b, b]);
    let shown = String::from_utf8_lossy(&same.stdout);
    assert_eq!(same.status.code(), Some(0), "{shown}");
    assert!(shown.starts_with("PASS: "), "{shown}");

    // The loosened tree refines nothing looser than itself, but the base refines it.
    let tighter = stringent(&["prove", "--refines", j, b]);
    assert_eq!(tighter.status.code(), Some(0), "{}", String::from_utf8_lossy(&tighter.stdout));

    let looser = stringent(&["prove", "--refines", b, j, "--format", "json"]);
    assert_eq!(looser.status.code(), Some(1));
    let r: serde_json::Value = serde_json::from_slice(&looser.stdout).unwrap();
    assert_eq!(r["refines"], false);
    let change = &r["counterexamples"][0]["groups"][0]["changes"][0];
    assert_eq!(change["direction"], "loosened");
    assert_eq!(change["new_rules"][0]["rule"], "ca.civ_56_17");
    let text = stringent(&["prove", "--refines", b, j]);
    let shown = String::from_utf8_lossy(&text.stdout);
    assert!(shown.contains(" NEW is looser than OLD, or changed") && shown.contains("LOOSENED permission"), "{shown}");
    assert!(shown.contains("\nFAIL: "), "{shown}");
    let _ = (std::fs::remove_dir_all(base), std::fs::remove_dir_all(justified));
}

/// `prove` checks the built-in properties on every date: a rule that decided nothing in
/// the years it was in force fails it, though no `check` as of today would see it.
#[test]
fn prove_finds_a_rule_that_never_decided_anything() {
    let dir = copy_of_rules("prove-dead");
    let clean = stringent(&["prove", dir.to_str().unwrap()]);
    let shown = String::from_utf8_lossy(&clean.stdout);
    assert_eq!(clean.status.code(), Some(0), "{shown}");
    assert!(shown.starts_with("PASS: every rule in force"), "{shown}");

    let file = dir.join("us-ca/california.stringent");
    let text = std::fs::read_to_string(&file).unwrap();
    let dead = "\nrule ca.example_dead \"HIV information freely, 2014-2017\" {\n  cite \"Example Code 1\"\n  \
                source \"https://example.org\"\n  confidence unverified\n  effective 2014-01-01\n  expires 2017-01-01\n  \
                category hiv\n  purpose marketing\n  recipient employer\n  holder hospital\n  permission none\n}\n";
    std::fs::write(&file, format!("{text}{dead}")).unwrap();
    let today = stringent(&["check", dir.to_str().unwrap()]);
    assert!(!String::from_utf8_lossy(&today.stderr).contains("ca.example_dead` decides nothing"));
    let out = stringent(&["prove", dir.to_str().unwrap()]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("FAIL: every rule in force"), "{shown}");
    assert!(shown.contains("  dead: ca.example_dead (Example Code 1), "), "{shown}");
    assert!(shown.contains("in force from 2014-01-01 until 2017-01-01"), "{shown}");
    let github = stringent(&["prove", dir.to_str().unwrap(), "--format", "github"]);
    let shown = String::from_utf8_lossy(&github.stdout);
    assert!(shown.contains("title=E0501::rule `ca.example_dead` decides nothing"), "{shown}");
    let _ = std::fs::remove_dir_all(dir);
}

/// Diagnostics that cannot be written (stderr a full device or a closed pipe) end the run
/// with its exit code, never a panic (101).
#[test]
fn an_unwritable_stderr_is_no_panic() {
    let dir = copy_of_rules("stderr-full");
    let file = dir.join("us-ca/california.stringent");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("category ", "category no_such_value, ", 1)).unwrap();
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_stringent"))
        .args(["check", dir.to_str().unwrap()])
        .stderr(std::process::Stdio::from(full))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(dir);
}

/// A question combining more jurisdictions than the limit is refused before any work.
#[test]
fn a_question_combining_too_many_jurisdictions_is_refused() {
    let many = vec!["US-CA"; 17].join("+");
    let out = stringent(&[
        "decide",
        "--jurisdiction",
        &many,
        "--category",
        "hiv",
        "--purpose",
        "treatment",
        "--recipient",
        "provider",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("combines 17 jurisdictions; at most 16"));
}

/// An axis declared again outside `vocabulary/` is one E0201 at that declaration: the
/// vocabulary's axis is kept whatever the path order (`org/` sorts first), so no value of it
/// is reported unknown (1,908 errors before).
#[test]
fn an_axis_declared_again_in_an_organization_file_is_one_error() {
    let (root, clinic) = copy_with_clinic("axis-again");
    let mut text = std::fs::read_to_string(&clinic).unwrap();
    text.push_str("\naxis holder \"more\" {\n  value evil_holder \"e\"\n}\n");
    std::fs::write(&clinic, text).unwrap();
    let out = stringent(&["check", root.to_str().unwrap(), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{json}");
    assert_eq!(diagnostics[0]["code"], "E0201");
    assert!(diagnostics[0]["location"]["file"].as_str().unwrap().ends_with("org/example_clinic.stringent"), "{json}");
    let _ = std::fs::remove_dir_all(root);
}

/// An organization that reuses a state rule's id is the duplicate, whatever the path order
/// (`org/` sorts first): the state's rule is kept, and the state's chain still answers.
#[test]
fn a_rule_id_reused_by_an_organization_is_the_organizations_error() {
    let (root, clinic) = copy_with_clinic("rule-id-reused");
    let text = std::fs::read_to_string(&clinic).unwrap();
    std::fs::write(
        &clinic,
        text.replace("emergency_transfer \"", "x \"").replace("rule org.example_clinic.x ", "rule ca.civ_56_10_a "),
    )
    .unwrap();
    let out = stringent(&["check", root.to_str().unwrap(), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{json}");
    assert_eq!(diagnostics[0]["code"], "E0201");
    assert!(diagnostics[0]["location"]["file"].as_str().unwrap().ends_with("org/example_clinic.stringent"), "{json}");
    let ca = stringent(&[
        "decide",
        "--rules",
        root.to_str().unwrap(),
        "--jurisdiction",
        "US-CA",
        "--category",
        "general",
        "--purpose",
        "marketing",
        "--recipient",
        "employer",
    ]);
    assert_eq!(ca.status.code(), Some(0), "{}", String::from_utf8_lossy(&ca.stderr));
    let _ = std::fs::remove_dir_all(root);
}

/// An answer changed in a way the order cannot rank (an authorization element swapped for
/// another: the signature no longer required) is no proof that NEW refines OLD.
#[test]
fn prove_refines_fails_on_a_change_that_is_not_stricter() {
    let (base, swapped) = (copy_of_rules("prove-swap-base"), copy_of_rules("prove-swap"));
    let file = swapped.join("us-ca/california.stringent");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("copy_right_statement, signature_and_date\n"));
    std::fs::write(
        &file,
        text.replace("copy_right_statement, signature_and_date\n", "copy_right_statement, patient_name\n"),
    )
    .unwrap();
    let out = stringent(&["prove", "--refines", base.to_str().unwrap(), swapped.to_str().unwrap()]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("changed authorization_elements: ["), "{shown}");
    assert!(shown.contains("\nFAIL: "), "{shown}");
    // `diff`'s gate fails on it too: a change no order ranks is no proof of being as strict.
    let gate = stringent(&["diff", base.to_str().unwrap(), swapped.to_str().unwrap(), "--fail-on", "loosened"]);
    assert_eq!(gate.status.code(), Some(1), "{}", String::from_utf8_lossy(&gate.stdout));
    let reversed = stringent(&["timeline", "US", "--from", "2031-01-01", "--to", "2030-01-01"]);
    assert_eq!(reversed.status.code(), Some(2));
    let _ = (std::fs::remove_dir_all(base), std::fs::remove_dir_all(swapped));
}

/// The assertions shipped with the corpus hold on every chain, cell and date, and there are
/// at least twenty of them: `prove` runs them on every test run.
#[test]
fn the_shipped_assertions_hold() {
    let out = stringent(&["prove", "rules", "--format", "json"]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    let proof: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let assertions = proof["assertions"].as_array().unwrap();
    assert!(assertions.len() >= 20, "{} assertions", assertions.len());
    for a in assertions {
        assert_eq!(a["counterexamples"].as_array().map(Vec::len), Some(0), "{a}");
        assert!(a["chains_checked"].as_u64().unwrap() > 0 && a["dates_checked"].as_u64().unwrap() > 0, "{a}");
    }
}

/// An assertion over California's genetic-test rule for health plans holds; loosen the rule
/// and `prove` fails with one counterexample: the one pattern that covers the failing cells,
/// the answer there and the rule that decided it, with its citation.
#[test]
fn prove_reports_a_broken_rule_as_the_one_pattern_that_covers_it() {
    let dir = copy_of_rules("prove-assert");
    std::fs::create_dir_all(dir.join("assertions")).unwrap();
    std::fs::write(
        dir.join("assertions/genetic.stringent"),
        "assert \"California health plans give genetic test results only on a specific authorization\" {\n  \
         jurisdiction US-CA\n  category genetic\n  purpose any except patient_access, patient_directed\n  \
         recipient any except patient\n  holder health_plan\n  require level at_least specific_authorization\n}\n",
    )
    .unwrap();
    let d = dir.to_str().unwrap();
    let holds = stringent(&["prove", d]);
    let shown = String::from_utf8_lossy(&holds.stdout);
    assert_eq!(holds.status.code(), Some(0), "{shown}");
    assert!(shown.contains("PASS: California health plans give genetic test results"), "{shown}");

    loosen(&dir, None);
    let out = stringent(&["prove", d, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let proof: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let failed = &proof["assertions"][0];
    let found = failed["counterexamples"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{failed:#}");
    let c = &found[0];
    assert_eq!(c["jurisdictions"], serde_json::json!(["US-CA"]));
    // Underwriting stays prohibited (GINA), so it is no part of the counterexample.
    assert_eq!(c["pattern"], serde_json::json!(["purpose any except patient_access, patient_directed, underwriting"]));
    assert!(c["cells"].as_u64().unwrap() > 100, "{c}");
    assert!(c["answer"].as_str().unwrap().starts_with("level authorization"), "{c}");
    assert_eq!(c["fails"], serde_json::json!(["level at_least specific_authorization"]));
    let rules: Vec<(&str, &str)> = c["decided_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["rule"].as_str().unwrap(), r["citation"].as_str().unwrap()))
        .collect();
    assert!(rules.contains(&("ca.civ_56_17", "Cal. Civ. Code 56.17(b)-(d),(g)")), "{rules:?}");
    let text = stringent(&["prove", d]);
    let shown = String::from_utf8_lossy(&text.stdout);
    assert!(shown.contains("FAIL: California health plans give genetic test results"), "{shown}");
    assert!(shown.contains("decided by ca.civ_56_17 (Cal. Civ. Code 56.17(b)-(d),(g))"), "{shown}");
    // In the machine formats of `check`: one result, at the assertion's title.
    let sarif = stringent(&["prove", d, "--format", "sarif"]);
    assert_eq!(sarif.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{sarif:#}");
    assert_eq!(results[0]["ruleId"], "E0500");
    assert_eq!(results[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 1);
    assert!(results[0]["message"]["text"].as_str().unwrap().contains("ca.civ_56_17 (Cal. Civ. Code 56.17(b)-(d),(g))"));
    let github = stringent(&["prove", d, "--format", "github"]);
    let shown = String::from_utf8_lossy(&github.stdout);
    assert!(shown.starts_with("::error file=") && shown.contains("title=E0500::assertion"), "{shown}");
    let refused = stringent(&["prove", d, "--refines", d, "--format", "sarif"]);
    assert_eq!(refused.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(dir);
}

/// An assertion is checked on its own dates: a loosening in force from 2014 to 2017 fails an
/// assertion over every date, with that range, and not one whose dates start in 2017.
#[test]
fn an_assertion_is_checked_on_every_date_it_names_and_no_other() {
    let dir = copy_of_rules("prove-dates");
    let file = dir.join("us-ca/california.stringent");
    let text = std::fs::read_to_string(&file).unwrap();
    let loose = "\nrule ca.example_loose \"Genetic results to employers freely, 2014-2017\" {\n  cite \"Example Code 1\"\n  \
                 source \"https://example.org\"\n  confidence unverified\n  effective 2014-01-01\n  expires 2017-01-01\n  \
                 category genetic\n  purpose employment\n  recipient employer\n  holder non_hipaa_entity\n  permission none\n}\n";
    std::fs::write(&file, format!("{text}{loose}")).unwrap();
    let assertion = |dates: &str| {
        format!(
            "assert \"Employers get genetic results only with an authorization\" {{\n  jurisdiction US-CA\n{dates}  \
             category genetic\n  purpose employment\n  recipient employer\n  holder non_hipaa_entity\n  \
             require level at_least authorization unless not_cmia_health_app\n}}\n"
        )
    };
    std::fs::create_dir_all(dir.join("assertions")).unwrap();
    let at = dir.join("assertions/employer.stringent");
    // Without the loosening, a non-HIPAA holder's answer here is ungoverned: the assertion
    // names the years of the rule, and no other, so its only counterexample is the rule.
    std::fs::write(&at, assertion("  dates from 2014-01-01 to 2016-12-31\n")).unwrap();
    let out = stringent(&["prove", dir.to_str().unwrap(), "--format", "json"]);
    let proof: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &proof["assertions"][0]["counterexamples"];
    assert_eq!(out.status.code(), Some(1), "{proof:#}");
    assert_eq!(c.as_array().map(Vec::len), Some(1), "{c:#}");
    assert_eq!(c[0]["from"], "2014-01-01");
    assert_eq!(c[0]["until"], serde_json::Value::Null, "the range ends with the assertion's: {c:#}");
    assert_eq!(c[0]["decided_by"][0]["rule"], "ca.example_loose");

    std::fs::write(&at, assertion("  dates from 2013-06-01 to 2018-01-01\n")).unwrap();
    let out = stringent(&["prove", dir.to_str().unwrap(), "--format", "json"]);
    let proof: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &proof["assertions"][0]["counterexamples"];
    let loose: Vec<&serde_json::Value> =
        c.as_array().unwrap().iter().filter(|x| x["decided_by"][0]["rule"] == "ca.example_loose").collect();
    assert_eq!(loose.len(), 1, "{c:#}");
    assert_eq!((loose[0]["from"].as_str(), loose[0]["until"].as_str()), (Some("2014-01-01"), Some("2017-01-01")));

    std::fs::write(&at, assertion("  dates from 2017-01-01 to 2018-01-01\n")).unwrap();
    let out = stringent(&["prove", dir.to_str().unwrap(), "--format", "json"]);
    let proof: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = proof["assertions"][0]["counterexamples"].as_array().unwrap().clone();
    assert!(c.iter().all(|x| x["decided_by"][0]["rule"] != "ca.example_loose"), "{c:#?}");
    let _ = std::fs::remove_dir_all(dir);
}

/// `timeline` and `prove --refines` read trees at git revisions: a commit that loosens a
/// rule from a later date fails `--refines` against the commit before it, passes the other
/// way round, and its timeline shows the date; the revision before shows none.
#[test]
fn timeline_and_refines_read_git_revisions() {
    let repo_dir = scratch("git-revisions");
    std::fs::create_dir_all(&repo_dir).unwrap();
    let rules = copy_of_rules("git-revisions-rules");
    std::fs::rename(&rules, repo_dir.join("rules")).unwrap();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(&repo_dir)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.org")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.org")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    git(&["init", "-q"]);
    git(&["add", "rules"]);
    git(&["commit", "-qm", "before"]);
    let file = repo_dir.join("rules/us-ca/california.stringent");
    let text = std::fs::read_to_string(&file).unwrap();
    let start = text.find("rule ca.civ_56_17 ").unwrap();
    let end = start + text[start..].find("\n}").unwrap();
    let expires = text[start..end].replacen("  category genetic", "  expires 2030-01-01\n  category genetic", 1);
    std::fs::write(&file, format!("{}{}{}", &text[..start], expires, &text[end..])).unwrap();
    git(&["commit", "-qam", "the genetic rule ends in 2030"]);
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_stringent")).args(args).current_dir(&repo_dir).output().unwrap()
    };
    let looser = run(&["prove", "--refines", "git:HEAD~1", "git:HEAD", "--from", "2026-01-01"]);
    let shown = String::from_utf8_lossy(&looser.stdout);
    assert_eq!(looser.status.code(), Some(1), "{shown}");
    assert!(shown.contains("as of 2030-01-01, NEW is looser than OLD"), "{shown}");
    let stricter = run(&["prove", "--refines", "git:HEAD", "git:HEAD~1", "--from", "2026-01-01"]);
    assert_eq!(stricter.status.code(), Some(0), "{}", String::from_utf8_lossy(&stricter.stdout));
    let now = run(&["timeline", "US-CA", "--rules", "git:HEAD", "--from", "2026-01-01"]);
    let shown = String::from_utf8_lossy(&now.stdout);
    assert_eq!(now.status.code(), Some(0), "{shown}{}", String::from_utf8_lossy(&now.stderr));
    assert!(shown.contains("2030-01-01") && shown.contains("ca.civ_56_17"), "{shown}");
    let before = run(&["timeline", "US-CA", "--rules", "git:HEAD~1", "--from", "2026-01-01"]);
    assert!(!String::from_utf8_lossy(&before.stdout).contains("2030-01-01"));
    let missing = run(&["timeline", "US-CA", "--rules", "git:no-such-revision"]);
    assert_eq!(missing.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(repo_dir);
}

/// A way that needs a condition is a way the disclosure can go: `level at_least` fails on it
/// (a wrong PASS once), `unless` sets it aside by name, and `not basis` sees it too. A title
/// holding `\n`, which could forge a verdict line, is refused (E0103).
#[test]
fn conditional_ways_count_unless_set_aside() {
    let dir = copy_of_rules("prove-conditional");
    std::fs::create_dir_all(dir.join("org")).unwrap();
    std::fs::write(
        dir.join("org/strict.stringent"),
        "jurisdiction org:strict \"Strict\" under US-CA history from 2025-01-01\n\n\
         rule org.strict.threat_only \"Marketing to employers only in a threat\" {\n  cite \"Policy 1\"\n  \
         source \"https://example.org\"\n  confidence verified\n  effective 2025-01-01\n  purpose marketing\n  \
         recipient employer\n  permission none if imminent_threat\n}\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("assertions")).unwrap();
    let at = dir.join("assertions/threat.stringent");
    let assertion = |require: &str| {
        format!(
            "assert \"ok\" {{\n  jurisdiction org:strict\n  as_of 2025-06-01\n  purpose marketing\n  \
             recipient employer\n  holder provider\n  category general\n  subject adult\n  require {require}\n}}\n"
        )
    };
    let d = dir.to_str().unwrap();
    for (require, fails) in [
        ("level at_least court_order_only", true),
        ("not basis authorization", true),
        ("level at_least court_order_only unless imminent_threat", false),
        ("not basis authorization unless imminent_threat", false),
    ] {
        std::fs::write(&at, assertion(require)).unwrap();
        let out = stringent(&["prove", d]);
        let shown = String::from_utf8_lossy(&out.stdout);
        if fails {
            assert!(shown.contains("\nFAIL: ok (") && shown.contains(" if imminent_threat"), "{require}: {shown}");
        } else {
            assert!(shown.contains("\nPASS: ok ("), "{require}: {shown}");
        }
    }
    let forged = assertion("level at_least court_order_only").replace("assert \"ok\"", "assert \"ok\\nPASS: forged\"");
    std::fs::write(&at, forged).unwrap();
    let out = stringent(&["prove", d]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(!shown.lines().any(|l| l.starts_with("PASS: forged")), "{shown}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("E0103"), "{}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_dir_all(dir);
}

/// Output that cannot be written (stdout a full device) is said on stderr and exits 74,
/// never 0 and never a silent 141: a CI job must not take cut-short JSON for a result.
#[test]
fn an_unwritable_stdout_is_said_and_exits_74() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_stringent"))
        .args(["check", "rules", "--format", "json"])
        .current_dir(repo())
        .stdout(std::process::Stdio::from(full))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(74));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error: cannot write to standard output"), "{stderr}");
}

/// A file or folder inside the rules tree stands for the whole tree in every command that
/// answers for a tree, as in `check`: before, `coverage`, `prove`, `diff`, `decide --rules`
/// and `timeline --rules` compiled only that part, without its vocabulary, and reported
/// hundreds of errors.
#[test]
fn a_path_inside_the_tree_stands_for_the_whole_tree() {
    let decide = |rules: &str| {
        let question =
            "--jurisdiction US-CA --category hiv --purpose employment --recipient employer --as-of 2026-11-24";
        let mut args = vec!["decide", "--rules", rules];
        args.extend(question.split(' '));
        stringent(&args)
    };
    let whole = decide("rules");
    assert_eq!(whole.status.code(), Some(0), "{}", String::from_utf8_lossy(&whole.stderr));
    for part in ["rules/us-ca", "rules/us-ca/california.stringent"] {
        let out = decide(part);
        assert_eq!(out.status.code(), Some(0), "{part}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.stdout, whole.stdout, "{part}");
        for args in [vec!["coverage", part], vec!["diff", part, "rules", "--as-of", "2026-11-24"]] {
            let out = stringent(&args);
            assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
}
