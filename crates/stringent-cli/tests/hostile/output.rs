//! Writing output: concurrent compiles, files the tool did not create, planted links,
//! failed writes.

use super::*;

/// A federal tree of one rule citing `cite`, with the shipped vocabulary.
fn cited_tree(name: &str, cite: &str) -> (Scratch, PathBuf) {
    let (s, root) = Scratch::tree(name);
    let text = format!(
        "{HEADER}rule us.hiv \"HIV records\" {{\n  cite \"{cite}\"\n  confidence verified\n  effective 2003-04-14\n  \
         category hiv\n  permission authorization\n}}\n"
    );
    write(&root.join("us/federal.stringent"), text.as_bytes());
    (s, root)
}

fn compile_into(root: &Path, out_dir: &Path) -> Output {
    run(&["compile", p(root), "--as-of", AS_OF, "--out", p(out_dir)])
}

#[track_caller]
fn assert_ok(out: &Output) {
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

fn decide_hiv(policy: &Path) -> Output {
    run(&["decide", "--policy", p(policy), "--category", "hiv", "--purpose", "employment", "--recipient", "employer"])
}

/// The names in a directory, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

// ------------------------------------------------------------------ provenance

/// A recompile that changes only a citation must write an artifact citing the new one:
/// the policy file and the rules tree answer alike.
#[test]
fn a_recompile_that_changes_only_a_citation_writes_the_new_citation() {
    let (s, root) = cited_tree("recite", "45 CFR 164.508(a)(1)");
    let out_dir = s.path.join("out");
    assert_ok(&compile_into(&root, &out_dir));
    let first = policy_file(&out_dir, "US");
    write(
        &root.join("us/federal.stringent"),
        std::fs::read_to_string(root.join("us/federal.stringent"))
            .unwrap()
            .replace("45 CFR 164.508(a)(1)", "45 CFR 164.508(a)(2)")
            .as_bytes(),
    );
    assert_ok(&compile_into(&root, &out_dir));
    let second = policy_file(&out_dir, "US");
    assert_ne!(first, second, "a changed artifact must be a new generation");
    let from_policy = decide_hiv(&second);
    assert_ok(&from_policy);
    let stdout = String::from_utf8_lossy(&from_policy.stdout);
    assert!(stdout.contains("164.508(a)(2)") && !stdout.contains("164.508(a)(1)"), "{stdout}");
    let from_rules = run(&[
        "decide",
        "--rules",
        p(&root),
        "--as-of",
        AS_OF,
        "--jurisdiction",
        "US",
        "--category",
        "hiv",
        "--purpose",
        "employment",
        "--recipient",
        "employer",
    ]);
    assert_ok(&from_rules);
    assert_eq!(from_policy.stdout, from_rules.stdout);
}

/// Citations, titles, sources and the rest of the provenance are under the integrity hash:
/// an artifact edited by hand is refused, though its answers (and content hash) are unchanged.
#[test]
fn an_artifact_whose_provenance_was_edited_is_refused() {
    let (s, root) = cited_tree("integrity", "45 CFR 164.508(a)(1)");
    let out_dir = s.path.join("out");
    assert_ok(&compile_into(&root, &out_dir));
    let text = std::fs::read_to_string(policy_file(&out_dir, "US")).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let edits = [
        ("citations", serde_json::json!(["A made-up citation"])),
        ("title", serde_json::json!("Another title")),
        ("confidence", serde_json::json!("unverified")),
        ("source", serde_json::json!("https://example.org")),
        ("id", serde_json::json!("us.other")),
    ];
    for (field, value) in edits {
        let mut edited = json.clone();
        edited["rules"][0][field] = value;
        let path = s.path.join("edited.json");
        write(&path, serde_json::to_string(&edited).unwrap().as_bytes());
        let out = decide_hiv(&path);
        assert_eq!(out.status.code(), Some(2), "{field}: {}", String::from_utf8_lossy(&out.stderr));
        assert_refused(&out, &["integrity"]);
    }
    // An artifact without the field (an older compiler's) is refused with a way out.
    json.as_object_mut().unwrap().remove("integrity");
    let path = s.path.join("old.json");
    write(&path, serde_json::to_string(&json).unwrap().as_bytes());
    assert_refused(&decide_hiv(&path), &["integrity", "recompile"]);
}

// ------------------------------------------------------------------ concurrent compiles

/// Every file below `dir` (the lock file aside), by relative path, with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n != ".stringent.lock") {
                out.push((path.strip_prefix(dir).unwrap().display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The index and the files it names, each with its bytes; an error when a named file is
/// missing or does not load.
fn published(out_dir: &Path) -> Result<Vec<(String, Vec<u8>)>, String> {
    let index = std::fs::read(out_dir.join("index.json")).map_err(|e| format!("index.json: {e}"))?;
    let json: serde_json::Value = serde_json::from_slice(&index).map_err(|e| format!("index.json: {e}"))?;
    let mut files = vec![("index.json".to_owned(), index.clone())];
    for e in json["policies"].as_array().ok_or("the index lists no policies")? {
        let name = e["file"].as_str().ok_or("an entry without a file")?;
        let bytes = std::fs::read(out_dir.join(name)).map_err(|err| format!("{name}: {err}"))?;
        stringent_policy::LoadedPolicy::from_json(&bytes).map_err(|err| format!("{name}: {err}"))?;
        files.push((name.to_owned(), bytes));
    }
    Ok(files)
}

/// Two compiles of different trees into one directory at the same moment: afterwards the
/// index names files that exist, load, and are, byte for byte, one of the two compiles.
#[test]
fn concurrent_compiles_into_one_directory_leave_one_whole_set() {
    let (_a, root_a) = cited_tree("race-a", "45 CFR 164.508(a)(1)");
    let (_b, root_b) = cited_tree("race-b", "45 CFR 164.508(a)(2)");
    let s = Scratch::new("race");
    let expected: Vec<Vec<(String, Vec<u8>)>> = [&root_a, &root_b]
        .iter()
        .enumerate()
        .map(|(i, root)| {
            let dir = s.path.join(format!("alone-{i}"));
            assert_ok(&compile_into(root, &dir));
            published(&dir).unwrap()
        })
        .collect();
    assert_ne!(expected[0], expected[1]);
    let out_dir = s.path.join("shared");
    let mut waited = 0;
    for round in 0..20 {
        let spawn = |root: &Path| {
            Command::new(env!("CARGO_BIN_EXE_stringent"))
                .args(["compile", p(root), "--as-of", AS_OF, "--out", p(&out_dir)])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (first, second) = if round % 2 == 0 { (&root_a, &root_b) } else { (&root_b, &root_a) };
        let children = [spawn(first), spawn(second)];
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert_ok(&out);
            waited += usize::from(String::from_utf8_lossy(&out.stderr).contains("waiting for another compile"));
        }
        let found = published(&out_dir).unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert!(expected.contains(&found), "round {round}: the published set is neither compile's");
        // Nothing else is left: the set, the generation marker and no staging.
        let all = snapshot(&out_dir);
        let extra: Vec<&String> = all
            .iter()
            .map(|(n, _)| n)
            .filter(|n| !found.iter().any(|(f, _)| f == *n) && !n.ends_with(".stringent-generation"))
            .collect();
        assert!(extra.is_empty(), "round {round}: left behind {extra:?}");
    }
    eprintln!("concurrent compiles: one waited for the other in {waited} of 20 rounds");
    assert!(waited > 0, "the compiles never overlapped: the lock was not exercised");
}

/// A tree of the federal layer (`cite` on its rule) and a state under it.
fn cited_tree_with_state(name: &str, cite: &str) -> (Scratch, PathBuf) {
    let (s, root) = cited_tree(name, cite);
    let state = "jurisdiction US-XX \"State X\" under US\n\nrule xx.hiv \"HIV records\" {\n  cite \"X. Code 1\"\n  \
                 confidence verified\n  effective 2003-04-14\n  category hiv\n  purpose research\n  permission authorization\n}\n";
    write(&root.join("us-xx/state.stringent"), state.as_bytes());
    (s, root)
}

/// Two reports of different trees into one directory at the same moment, and leftovers of a
/// report killed while staging: afterwards the directory holds, byte for byte, one of the
/// two reports, every page of it from the same run, and no temporary file.
#[test]
fn concurrent_reports_into_one_directory_leave_one_whole_report() {
    let (_a, root_a) = cited_tree_with_state("report-race-a", "45 CFR 164.508(a)(1)");
    let (_b, root_b) = cited_tree_with_state("report-race-b", "45 CFR 164.508(a)(2)");
    let s = Scratch::new("report-race");
    let report = |root: &Path, out: &Path| {
        Command::new(env!("CARGO_BIN_EXE_stringent"))
            .args(["report", p(root), "--as-of", AS_OF, "--out", p(out)])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let expected: Vec<Vec<(String, Vec<u8>)>> = [&root_a, &root_b]
        .iter()
        .enumerate()
        .map(|(i, root)| {
            let dir = s.path.join(format!("alone-{i}"));
            assert_ok(&report(root, &dir).wait_with_output().unwrap());
            snapshot(&dir)
        })
        .collect();
    // The two reports differ in more than one page, so a mix of them would show.
    let differing = expected[0].iter().zip(&expected[1]).filter(|(x, y)| x != y).count();
    assert!(differing >= 2, "{differing} pages differ");
    let site = s.path.join("shared");
    // A report killed while staging left its temporary pages behind.
    for leftover in [".index.html.Kq3x9Z.stringent.tmp", "jurisdictions/.us-xx.html.Kq3x9Z.stringent.tmp"] {
        write(&site.join(leftover), b"half a page");
    }
    let mut waited = 0;
    for round in 0..10 {
        let (first, second) = if round % 2 == 0 { (&root_a, &root_b) } else { (&root_b, &root_a) };
        let children = [report(first, &site), report(second, &site)];
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert_ok(&out);
            waited += usize::from(String::from_utf8_lossy(&out.stderr).contains("waiting for another report"));
        }
        let found = snapshot(&site);
        assert!(
            expected.contains(&found),
            "round {round}: the report is neither run's whole report: {:?}",
            found.iter().map(|(n, _)| n).collect::<Vec<_>>()
        );
    }
    eprintln!("concurrent reports: one waited for the other in {waited} of 10 rounds");
}

// ------------------------------------------------------------------ files of others

/// Files and directories beside the output that the tool did not create survive
/// compiles, also ones whose names look like the tool's.
#[test]
fn a_compile_removes_only_its_own_generations() {
    let (_a, root_a) = cited_tree("others-a", "45 CFR 164.508(a)(1)");
    let (_b, root_b) = cited_tree("others-b", "45 CFR 164.508(a)(2)");
    let s = Scratch::new("others");
    let out_dir = s.path.join("policies");
    let planted = [
        "policies-2024-archive/keep.txt",
        "policies-notes.md",
        ".editor-swap.tmp",
        "policies-0123456789abcdef/US.json",
        ".policies-0123456789abcdef.1.tmp/notes.txt",
        ".stringent-staging-notes.txt",
        "policies-0123456789ABCDEF/keep.txt",
    ];
    for f in planted {
        write(&out_dir.join(f), b"someone else's\n");
    }
    assert_ok(&compile_into(&root_a, &out_dir));
    let first = policy_file(&out_dir, "US");
    assert_ok(&compile_into(&root_b, &out_dir));
    assert_ok(&compile_into(&root_a, &out_dir));
    for f in planted {
        assert_eq!(std::fs::read(out_dir.join(f)).ok().as_deref(), Some(&b"someone else's\n"[..]), "{f} was touched");
    }
    // The tool's own earlier generation went; the current one is the first again.
    assert_eq!(policy_file(&out_dir, "US"), first);
    let generations: Vec<String> = names(&out_dir)
        .into_iter()
        .filter(|n| n.starts_with("policies-") && out_dir.join(n).join(".stringent-generation").is_file())
        .collect();
    assert_eq!(generations.len(), 1, "{generations:?}");
}

/// `report --out` into a directory holding other files leaves them alone.
#[test]
fn a_report_removes_nothing_it_did_not_create() {
    let (s, root) = cited_tree("report-others", "45 CFR 164.508(a)(1)");
    let out_dir = s.path.join("site");
    for f in ["notes.md", "jurisdictions/old.html", "assets/logo.svg", ".tmp-editor"] {
        write(&out_dir.join(f), b"mine\n");
    }
    for _ in 0..2 {
        assert_ok(&run(&["report", p(&root), "--as-of", AS_OF, "--out", p(&out_dir)]));
    }
    for f in ["notes.md", "jurisdictions/old.html", "assets/logo.svg", ".tmp-editor"] {
        assert_eq!(std::fs::read(out_dir.join(f)).unwrap(), b"mine\n", "{f}");
    }
    assert!(out_dir.join("index.html").is_file());
}

/// A report refuses to overwrite a page or an asset it did not write, at any of its names,
/// and changes nothing then; its own earlier pages it replaces.
#[test]
fn a_report_overwrites_no_file_it_did_not_write() {
    let (s, root) = cited_tree("report-foreign", "45 CFR 164.508(a)(1)");
    for foreign in ["index.html", "jurisdictions/us.html", "assets/report.css"] {
        let out_dir = s.path.join(format!("site-{}", foreign.replace('/', "-")));
        write(&out_dir.join(foreign), b"MY OWN HOMEPAGE\n");
        let out = run(&["report", p(&root), "--as-of", AS_OF, "--out", p(&out_dir)]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{foreign}: {stderr}");
        assert!(stderr.contains("is in the way and was not written by stringent"), "{foreign}: {stderr}");
        assert_eq!(std::fs::read(out_dir.join(foreign)).unwrap(), b"MY OWN HOMEPAGE\n", "{foreign}");
        let written: Vec<String> = ["index.html", "jurisdictions/us.html", "assets/report.css"]
            .into_iter()
            .filter(|f| *f != foreign && out_dir.join(f).exists())
            .map(str::to_owned)
            .collect();
        assert!(written.is_empty(), "{foreign}: wrote {written:?} although it refused");
    }
    // Its own report it writes again, and again.
    let own = s.path.join("site-own");
    for _ in 0..2 {
        assert_ok(&run(&["report", p(&root), "--as-of", AS_OF, "--out", p(&own)]));
    }
}

// ------------------------------------------------------------------ planted links

/// `fmt FILE` where FILE is a link to a rule file outside its folder: refused as a link out of
/// the root (E0005), as `fmt DIR` refuses it, and the file it leads to is left as it was.
#[cfg(unix)]
#[test]
fn fmt_of_a_file_given_as_a_link_out_of_its_folder_writes_nothing() {
    let (s, root) = cited_tree("fmt-link", "45 CFR 164.508(a)(1)");
    let outside = s.path.join("outside.stringent");
    let messy = std::fs::read_to_string(root.join("us/federal.stringent")).unwrap().replace("\n  cite", "\n      cite");
    write(&outside, messy.as_bytes());
    let link = root.join("us/linked.stringent");
    std::os::unix::fs::symlink(&outside, &link).unwrap();
    let out = run(&["fmt", p(&link)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    // The message is wrapped to the terminal's width: compare its words.
    let words = stderr.split_whitespace().filter(|w| *w != "│").collect::<Vec<_>>().join(" ");
    assert!(words.contains("E0005") && words.contains("links outside the rules root"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), messy, "fmt wrote through the link");
    // A link to a file in the same folder is formatted where that file lives.
    let inside = root.join("us/messy.stringent");
    write(&inside, messy.replace("jurisdiction US", "// a copy\njurisdiction US").as_bytes());
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(&inside, &link).unwrap();
    let out = run(&["fmt", p(&link)]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!std::fs::read_to_string(&inside).unwrap().contains("\n      cite"));
}

/// Symbolic links at every name a writer could predict (`.NAME.PID.tmp` for the next
/// process ids) and at the report's files: every writer must leave the victim alone.
#[cfg(target_os = "linux")]
#[test]
fn planted_links_do_not_redirect_any_writer() {
    let (s, root) = cited_tree("links", "45 CFR 164.508(a)(1)");
    let victim = s.path.join("victim.txt");
    write(&victim, b"precious\n");
    let plant = |dir: &Path, names: &[&str]| {
        std::fs::create_dir_all(dir).unwrap();
        let last: u32 = std::fs::read_to_string("/proc/sys/kernel/ns_last_pid").unwrap().trim().parse().unwrap();
        for pid in last..last + 2000 {
            for name in names {
                let _ = std::os::unix::fs::symlink(&victim, dir.join(format!(".{name}.{pid}.tmp")));
            }
        }
    };
    let out_dir = s.path.join("out");
    plant(&out_dir, &["index.json"]);
    assert_ok(&compile_into(&root, &out_dir));
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious\n", "compile wrote through a link");

    let bundle_dir = s.path.join("bundle");
    plant(&bundle_dir, &["bundle.tar.gz"]);
    let bundle = bundle_dir.join("bundle.tar.gz");
    assert_ok(&run(&["export", "opa", p(&root), "--as-of", AS_OF, "--out", p(&bundle)]));
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious\n", "export opa wrote through a link");

    let messy = root.join("us/federal.stringent");
    let text = std::fs::read_to_string(&messy).unwrap().replace("\n  cite", "\n      cite");
    write(&messy, text.as_bytes());
    plant(&root.join("us"), &["federal.stringent"]);
    // The planted links are in the rules tree, and reported as links out of it; the file is formatted all the same.
    let out = run(&["fmt", p(&root)]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("formatted"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious\n", "fmt wrote through a link");
    for e in std::fs::read_dir(root.join("us")).unwrap() {
        let path = e.unwrap().path();
        if path.symlink_metadata().unwrap().file_type().is_symlink() {
            std::fs::remove_file(path).unwrap();
        }
    }

    let site = s.path.join("site");
    std::fs::create_dir_all(site.join("assets")).unwrap();
    std::os::unix::fs::symlink(&victim, site.join("index.html")).unwrap();
    std::os::unix::fs::symlink(&victim, site.join("assets/report.css")).unwrap();
    // Links at the report's names are someone's: refused, neither followed nor replaced.
    let out = run(&["report", p(&root), "--as-of", AS_OF, "--out", p(&site)]);
    assert_refused(&out, &["is in the way and was not written by stringent"]);
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious\n", "report wrote through a link");
    assert!(site.join("index.html").symlink_metadata().unwrap().file_type().is_symlink());

    // A report's directory planted as a link to another directory: refused, nothing written there.
    let elsewhere = s.path.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    for sub in ["assets", "jurisdictions"] {
        let site = s.path.join(format!("site-{sub}"));
        std::fs::create_dir_all(&site).unwrap();
        std::os::unix::fs::symlink(&elsewhere, site.join(sub)).unwrap();
        let out = run(&["report", p(&root), "--as-of", AS_OF, "--out", p(&site)]);
        assert_refused(&out, &["is a symbolic link"]);
        assert!(names(&elsewhere).is_empty(), "report wrote into a linked `{sub}`: {:?}", names(&elsewhere));
    }
}

// ------------------------------------------------------------------ failed writes

/// A compile that runs out of space (a file size limit: writes fail with EFBIG) exits 2,
/// leaves the previous set and no staging behind, and the next compile succeeds.
#[cfg(unix)]
#[test]
fn a_failed_write_cleans_up_and_the_next_compile_succeeds() {
    let (s, root) = cited_tree("full", "45 CFR 164.508(a)(1)");
    let out_dir = s.path.join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let limited = Command::new("sh")
        .args(["-c", "trap '' XFSZ; ulimit -f 4; exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_stringent"))
        .args(["compile", p(&root), "--as-of", AS_OF, "--out", p(&out_dir)])
        .current_dir(repo())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = assert_refused(&limited, &["cannot write"]);
    assert_eq!(limited.status.code(), Some(2), "{stderr}");
    let left: Vec<String> = names(&out_dir).into_iter().filter(|n| n != ".stringent.lock").collect();
    assert!(left.is_empty(), "left behind after a failed write: {left:?}");
    assert_ok(&compile_into(&root, &out_dir));
    let left: Vec<String> =
        names(&out_dir).into_iter().filter(|n| n != ".stringent.lock" && n != "index.json").collect();
    assert_eq!(left.len(), 1, "{left:?}");
    assert_ok(&decide_hiv(&policy_file(&out_dir, "US")));
}

/// `export opa --out` replaces only a bundle it wrote: a rule file, someone's notes or a
/// link named as the output are in the way, and stay as they were.
#[test]
fn export_replaces_only_its_own_bundle() {
    let (s, root) = cited_tree("export-in-the-way", "45 CFR 164.508(a)(1)");
    let export = |out: &Path| run(&["export", "opa", p(&root), "--as-of", AS_OF, "--out", p(out)]);

    let rules = root.join("us/federal.stringent");
    let before = std::fs::read(&rules).unwrap();
    let out = export(&rules);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("is in the way and was not written by stringent (not an OPA bundle)")
    );
    assert_eq!(std::fs::read(&rules).unwrap(), before, "export opa replaced a rule file");

    let notes = s.path.join("notes.txt");
    write(&notes, b"precious\n");
    assert_eq!(export(&notes).status.code(), Some(2));
    assert_eq!(std::fs::read(&notes).unwrap(), b"precious\n");

    let link = s.path.join("bundle-link.tar.gz");
    std::os::unix::fs::symlink(&notes, &link).unwrap();
    let out = export(&link);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("(a symbolic link)"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink(), "the link was replaced");

    // Its own bundle is replaced, and a fresh path is written.
    let bundle = s.path.join("bundle.tar.gz");
    assert_ok(&export(&bundle));
    assert_ok(&export(&bundle));
    assert!(stringent_export::is_opa_bundle(std::fs::File::open(&bundle).unwrap()));
    drop(s);
}
