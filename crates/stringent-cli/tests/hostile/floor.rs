//! Layer headers that try to escape the federal floor, and roots that hold no law.

use super::*;

/// A tree with the shipped vocabulary and federal layer, plus `extra` files (path, text).
fn federal_tree(name: &str, extra: &[(&str, &str)]) -> (Scratch, PathBuf) {
    let (scratch, root) = Scratch::tree(name);
    let federal = std::fs::read_to_string(repo().join("rules/us/federal.stringent")).unwrap();
    write(&root.join("us/federal.stringent"), federal.as_bytes());
    for (path, text) in extra {
        write(&root.join(path), text.as_bytes());
    }
    (scratch, root)
}

/// A layer file whose one rule would open psychotherapy notes to anyone, for any purpose.
fn opening_layer(header: &str, id: &str) -> String {
    format!(
        "{header}\n\nrule {id}.open \"Psychotherapy notes may go anywhere\" {{\n  cite \"No such law\"\n  confidence verified\n  effective 2003-04-14\n  category psychotherapy_notes\n  permission none\n}}\n"
    )
}

fn decide_notes(root: &Path, jurisdiction: &str) -> Output {
    run(&[
        "decide",
        "--rules",
        p(root),
        "--as-of",
        AS_OF,
        "--jurisdiction",
        jurisdiction,
        "--category",
        "psychotherapy_notes",
        "--purpose",
        "marketing",
        "--recipient",
        "data_broker",
    ])
}

/// A case: its name, its layer files (path, header) and the jurisdiction asked about.
type HeaderCase<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);

#[test]
fn no_layer_header_escapes_the_federal_floor() {
    let cases: &[HeaderCase<'_>] = &[
        ("state-without-under", &[("zz.stringent", "jurisdiction US-ZZ \"Zed\"")], "US-ZZ"),
        ("org-without-under", &[("acme.stringent", "jurisdiction org:acme \"Acme\"")], "org:acme"),
        ("org-under-federal", &[("acme.stringent", "jurisdiction org:acme \"Acme\" under US")], "org:acme"),
        (
            "state-under-org",
            &[
                ("yy.stringent", "jurisdiction US-YY \"Yankee\" under US"),
                ("acme.stringent", "jurisdiction org:acme \"Acme\" under US-YY"),
                ("zz.stringent", "jurisdiction US-ZZ \"Zed\" under org:acme"),
            ],
            "US-ZZ",
        ),
        (
            "state-under-state",
            &[
                ("yy.stringent", "jurisdiction US-YY \"Yankee\" under US"),
                ("zz.stringent", "jurisdiction US-ZZ \"Zed\" under US-YY"),
            ],
            "US-ZZ",
        ),
    ];
    for (name, files, jurisdiction) in cases {
        let files: Vec<(String, String)> = files
            .iter()
            .map(|(path, header)| {
                let id = header.split_whitespace().nth(1).unwrap().replace([':', '-'], "_").to_lowercase();
                (path.to_string(), opening_layer(header, &id))
            })
            .collect();
        let borrowed: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let (_s, root) = federal_tree(name, &borrowed);
        let out = run(&["check", p(&root), "--as-of", AS_OF, "--deny-warnings"]);
        let stderr = assert_refused(&out, &["E0212"]);
        assert!(stderr.contains("\n1 error, "), "{name}: one mistake, one error:\n{stderr}");
        let answer = decide_notes(&root, jurisdiction);
        assert_refused(&answer, &["E0212"]);
        assert!(answer.stdout.is_empty(), "{name}: an answer was given: {}", String::from_utf8_lossy(&answer.stdout));
    }
}

#[test]
fn the_federal_layer_has_no_parent() {
    let (s, root) = federal_tree("federal-under", &[("zz.stringent", "jurisdiction US-ZZ \"Zed\" under US\n")]);
    let federal = std::fs::read_to_string(root.join("us/federal.stringent")).unwrap();
    let moved = federal.replacen(
        "jurisdiction US \"United States (federal)\"",
        "jurisdiction US \"United States (federal)\" under US-ZZ",
        1,
    );
    assert_ne!(moved, federal, "the shipped federal header changed; update this test");
    write(&root.join("us/federal.stringent"), moved.as_bytes());
    assert_refused(&check(&root), &["E0212", "federal layer `US` cannot stand under `US-ZZ`"]);
    drop(s);
}

#[test]
fn a_state_under_federal_law_keeps_the_floor() {
    let (_s, root) = federal_tree(
        "state-under-us",
        &[("zz.stringent", &opening_layer("jurisdiction US-ZZ \"Zed\" under US", "zz"))],
    );
    let out = decide_notes(&root, "US-ZZ");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("US-ZZ: "), "{text}");
    assert!(!text.starts_with("US-ZZ: allowed"), "the federal floor was lost: {text}");
}

#[test]
fn a_tree_without_a_federal_layer_is_e0213() {
    let (_s, root) = Scratch::tree("no-federal");
    let out = check(&root);
    assert_refused(&out, &["E0213", "declares no jurisdiction"]);
    let out = run(&["test", p(&root), "--as-of", AS_OF]);
    assert_refused(&out, &["E0213"]);
}

#[test]
fn empty_and_wrong_roots_are_errors() {
    let s = Scratch::new("empty-roots");
    let empty = s.path.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let text = s.path.join("text");
    write(&text.join("notes.txt"), b"jurisdiction US \"United States\"\n");
    for root in [&empty, &text] {
        assert_refused(&check(root), &["E0008", "holds no `.stringent` file"]);
        let tested = run(&["test", p(root)]);
        assert_refused(&tested, &["E0008"]);
        assert!(!String::from_utf8_lossy(&tested.stdout).contains("0 passed"), "an empty tree passed its tests");
    }
    assert_refused(&check(Path::new("/dev/zero")), &["E0009", "neither a directory nor a regular file"]);
    #[cfg(unix)]
    {
        let fifo = s.path.join("fifo");
        let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let (out, _) = run_for(&["check", p(&fifo)], Duration::from_secs(20));
        assert_refused(&out, &["E0009"]);
        // Inside a tree, a FIFO named like a rule file is not opened, and not skipped in
        // silence: its rules would be missing.
        let tree = s.path.join("tree");
        std::fs::create_dir_all(tree.join("us")).unwrap();
        std::fs::copy(repo().join("tests/corpus/worked-example/axes.stringent"), tree.join("axes.stringent")).unwrap();
        std::fs::copy(
            repo().join("tests/corpus/worked-example/us/federal.stringent"),
            tree.join("us/federal.stringent"),
        )
        .unwrap();
        assert!(Command::new("mkfifo").arg(tree.join("us/more.stringent")).status().unwrap().success());
        let (out, _) = run_for(&["check", p(&tree)], Duration::from_secs(20));
        assert_refused(&out, &["E0009", "more.stringent", "not read"]);
    }
}

#[test]
fn compiling_an_empty_root_leaves_the_policy_set_alone() {
    let s = Scratch::new("empty-compile");
    let out_dir = s.path.join("policies");
    let good = run(&["compile", "tests/corpus/worked-example", "--as-of", AS_OF, "--out", p(&out_dir)]);
    assert_eq!(good.status.code(), Some(0), "{}", String::from_utf8_lossy(&good.stderr));
    let index = std::fs::read(out_dir.join("index.json")).unwrap();
    let empty = s.path.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let out = run(&["compile", p(&empty), "--as-of", AS_OF, "--out", p(&out_dir)]);
    assert_refused(&out, &["E0008", "nothing written"]);
    assert_eq!(std::fs::read(out_dir.join("index.json")).unwrap(), index, "the index was replaced");
    assert!(policy_file(&out_dir, "US").is_file());
}

#[test]
fn a_compiled_policy_refuses_another_date() {
    let s = Scratch::new("policy-as-of");
    let (policy, _) = artifact(&s);
    let args = |date: &'static str| {
        vec![
            "decide".to_owned(),
            "--policy".to_owned(),
            p(&policy).to_owned(),
            "--as-of".to_owned(),
            date.to_owned(),
            "--category".to_owned(),
            "hiv".to_owned(),
            "--purpose".to_owned(),
            "employment".to_owned(),
            "--recipient".to_owned(),
            "employer".to_owned(),
        ]
    };
    let other: Vec<String> = args("2010-01-01");
    let other: Vec<&str> = other.iter().map(String::as_str).collect();
    let out = run(&other);
    assert_refused(&out, &["compiled as of 2025-06-01", "cannot answer as of 2010-01-01"]);
    assert!(out.stdout.is_empty());
    let same: Vec<String> = args(AS_OF);
    let same: Vec<&str> = same.iter().map(String::as_str).collect();
    let out = run(&same);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Federal law defers a parent's access to a self-consented minor's record to *state* law
/// (45 CFR 164.502(g)(3)(ii)), with a professional's judgment as the default ((ii)(C)); an
/// organization's own policy is no state law, so it meets with the federal default instead
/// of replacing it, and keeps its obligation.
#[test]
fn an_organization_cannot_replace_what_federal_law_defers_to_the_state() {
    let org = "jurisdiction org:clinic \"A clinic\" under US-ZZ\n\nrule org.clinic.parents \"Parents receive their children's records\" {\n  cite \"Clinic policy 1\"\n  confidence verified\n  effective 2020-01-01\n  category health_information\n  purpose patient_access\n  recipient parent\n  subject minor_self_consented\n  permission none\n}\n";
    let (_s, root) = federal_tree(
        "org-deferral",
        &[("zz.stringent", "jurisdiction US-ZZ \"Zed\" under US\n"), ("org.stringent", org)],
    );
    let ask = |jurisdiction: &str| {
        let out = run(&[
            "decide",
            "--rules",
            p(&root),
            "--as-of",
            AS_OF,
            "--jurisdiction",
            jurisdiction,
            "--category",
            "mental_health",
            "--purpose",
            "patient_access",
            "--recipient",
            "parent",
            "--subject",
            "minor_self_consented",
            "--format",
            "json",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let state = ask("US-ZZ");
    let clinic = ask("org:clinic");
    assert!(state["obligations"].as_array().unwrap().iter().any(|o| o == "professional_judgment"), "{state}");
    assert_eq!(clinic["obligations"], state["obligations"], "the organization dropped a federal obligation: {clinic}");
    let roles: Vec<String> = clinic["provenance"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["rule"] == "us.hipaa.164_502_g_3_ii")
        .map(|e| e["role"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(roles, ["won"], "the federal default stands beside the organization's rule");
}

/// A combination names two or more different jurisdictions; the same one twice is written once.
#[test]
fn a_combination_of_one_jurisdiction_is_a_usage_error() {
    let s = Scratch::new("combine");
    let out_dir = s.path.join("out");
    for bad in ["US-XX", "US-XX,US-XX", "US-XX+"] {
        let out =
            run(&["compile", "tests/corpus/worked-example", "--as-of", AS_OF, "--out", p(&out_dir), "--combine", bad]);
        assert_refused(&out, &["must name two or more different jurisdictions"]);
        assert_eq!(out.status.code(), Some(2));
    }
    let out = run(&[
        "compile",
        "tests/corpus/worked-example",
        "--as-of",
        AS_OF,
        "--out",
        p(&out_dir),
        "--combine",
        "US,US-XX",
        "--combine",
        "US+US-XX",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(policy_file(&out_dir, "US+US-XX").is_file());
}

/// `+` is the spelling of a combination everywhere (`decide --jurisdiction US-CA+US-NV`);
/// the comma is still read, with one line on stderr that names the `+` spelling.
#[test]
fn a_combination_is_written_with_plus_and_a_comma_warns() {
    let s = Scratch::new("combine-plus");
    let out_dir = s.path.join("out");
    let compile = |spec: &str| {
        run(&["compile", "tests/corpus/worked-example", "--as-of", AS_OF, "--out", p(&out_dir), "--combine", spec])
    };
    let out = compile("US+US-XX");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("warning: `--combine"), "the `+` spelling warned:\n{stderr}");
    assert!(policy_file(&out_dir, "US+US-XX").is_file());
    let out = compile("US,US-XX");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.starts_with("warning: `--combine")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(warnings[0].contains("--combine US+US-XX"), "the warning does not name the `+` spelling:\n{stderr}");
    assert!(policy_file(&out_dir, "US+US-XX").is_file());
}

/// An organization mandating a disclosure its state prohibits would answer `prohibited` and
/// `mandatory` at once, and a consumer releasing on `mandatory` would break state law: it is
/// E0300 at the mandate, naming the state's rule, as a clash within one layer is.
#[test]
fn an_organization_cannot_mandate_what_its_state_prohibits() {
    let state = "jurisdiction US-XX \"Xanadu\" under US history from 2016-01-01\n\n\
                 rule xx.genetic_insurers \"Genetic data never to insurers\" {\n  cite \"X. Code 2\"\n  \
                 source \"https://example.org\"\n  confidence verified\n  effective 2016-01-01\n  category genetic\n  \
                 recipient insurer\n  permission prohibited\n}\n";
    let org = |mandate: &str| {
        format!(
            "jurisdiction org:acme \"Acme\" under US-XX history from 2025-01-01\n\n\
             rule org.acme.genetic \"Genetic data to insurers, always\" {{\n  cite \"Acme Policy 1\"\n  \
             source \"https://example.org\"\n  confidence verified\n  effective 2025-01-01\n  category genetic\n  \
             recipient {mandate}\n  mandatory\n}}\n"
        )
    };
    let (_s, root) =
        federal_tree("org-mandate", &[("us-xx/xx.stringent", state), ("org/acme.stringent", &org("insurer"))]);
    let err = assert_refused(
        &check(&root),
        &["E0300", "rule `org.acme.genetic` requires a disclosure that rule `xx.genetic_insurers`"],
    );
    assert!(err.contains("a policy cannot require a disclosure that the law of a"), "{err}");
    // Where the state allows the disclosure, the mandate stands.
    let (_t, fine) =
        federal_tree("org-mandate-ok", &[("us-xx/xx.stringent", state), ("org/acme.stringent", &org("provider"))]);
    let out = check(&fine);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("E0300"), "{}", String::from_utf8_lossy(&out.stderr));
}
