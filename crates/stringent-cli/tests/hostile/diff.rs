//! `diff` across vocabularies and revisions given as `git:REV`.

use super::*;

// ------------------------------------------------------------------ changed vocabularies

const STI: &str = "  value sti \"Sexually transmitted infection information\" under health_information hl7 \"STD\"\n";

/// The federal rules of the trees below: every use of STI information is prohibited, and
/// marketing needs an authorization for all health information.
fn federal(sti: &str, sti_permission: &str, extra: &str) -> String {
    let mut text = String::from(HEADER);
    text.push_str(&rule("us.sti", &format!("  category {sti}\n  permission {sti_permission}\n")));
    text.push_str(&rule(
        "us.marketing",
        "  category health_information\n  purpose marketing\n  permission authorization\n  obligations minimum_necessary\n",
    ));
    text.push_str(extra);
    text
}

/// A tree with the shipped vocabulary edited by `vocab` (on `axes.stringent`) and `terms`
/// (on `terms.stringent`), and `rules` as its federal layer.
fn vocabulary_tree(
    name: &str,
    vocab: impl Fn(&str) -> String,
    terms: impl Fn(&str) -> String,
    rules: &str,
) -> (Scratch, PathBuf) {
    let (s, root) = Scratch::tree(name);
    let axes = root.join("vocabulary/axes.stringent");
    let text = std::fs::read_to_string(&axes).unwrap();
    assert!(text.contains(STI), "the shipped vocabulary no longer declares `sti` as this test expects");
    write(&axes, vocab(&text).as_bytes());
    let terms_path = root.join("vocabulary/terms.stringent");
    let text = std::fs::read_to_string(&terms_path).unwrap();
    write(&terms_path, terms(&text).as_bytes());
    write(&root.join("us/federal.stringent"), rules.as_bytes());
    // These trees rename and remove category values; no silence names a coverage topic,
    // and the shipped topics name `sti`, so they are left out.
    std::fs::remove_file(root.join("vocabulary/topics.stringent")).unwrap();
    (s, root)
}

fn same(text: &str) -> String {
    text.to_owned()
}

/// The shipped vocabulary under the federal rules of [`federal`], in a scratch tree `name`.
fn base_named(name: &str) -> (Scratch, PathBuf) {
    vocabulary_tree(name, same, same, &federal("sti", "prohibited", ""))
}

fn base() -> (Scratch, PathBuf) {
    base_named("diff-base")
}

fn diff_gate(old: &Path, new: &Path) -> Output {
    run(&["diff", p(old), p(new), "--as-of", AS_OF, "--fail-on", "loosened"])
}

fn diff_json(old: &Path, new: &Path) -> serde_json::Value {
    let out = run(&["diff", p(old), p(new), "--as-of", AS_OF, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn text_of(out: &Output) -> String {
    format!("{}\n--- stderr\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn a_renamed_value_is_compared_under_its_old_id_and_a_loosening_on_it_fails_the_gate() {
    let (_a, old) = base();
    let rename = |t: &str| t.replace("value sti ", "value std ");
    let (_b, new) = vocabulary_tree("diff-renamed", rename, same, &federal("std", "authorization", ""));
    let out = diff_gate(&old, &new);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("renamed") && text.contains("sti") && text.contains("std"), "{text}");
    assert!(text.contains("LOOSENED permission") && text.contains("prohibited"), "{text}");
    assert!(!text.contains(" 0 cells changed"), "{text}");

    let v = diff_json(&old, &new);
    let changes = v["vocabulary"].as_array().unwrap();
    assert!(
        changes.iter().any(|c| c["kind"] == "value"
            && c["axis"] == "category"
            && c["change"] == "renamed"
            && c["old"] == "sti"
            && c["new"] == "std"),
        "{v:#}"
    );
    let loosened = v["groups"].as_array().unwrap().iter().find(|g| g["changes"][0]["direction"] == "loosened").unwrap();
    assert!(loosened["examples"][0].as_str().unwrap().starts_with("category std,"), "{loosened:#}");
    assert!(loosened["compared_with"].as_array().unwrap().iter().any(|c| c == "category: std as sti (renamed)"));
}

#[test]
fn a_value_renamed_with_the_same_answers_still_fails_the_gate() {
    let (_a, old) = base();
    let rename = |t: &str| t.replace("value sti ", "value std ");
    let (_b, new) = vocabulary_tree("diff-renamed-same", rename, same, &federal("std", "prohibited", ""));
    let out = diff_gate(&old, &new);
    let text = text_of(&out);
    // Questions that name `sti` are now refused as an unknown value: a breaking change.
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("jurisdictions in both trees: 0 change groups, 0 cells changed"), "{text}");
    assert!(text.contains("value category sti renamed to std"), "{text}");
    assert!(text.contains("renamed or removed"), "{text}");
    // Without the gate the diff is reported and exits 0.
    let out = run(&["diff", p(&old), p(&new), "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(0), "{}", text_of(&out));
}

#[test]
fn a_removed_value_fails_the_gate() {
    let (_a, old) = base();
    let remove = |t: &str| t.replace(STI, "");
    let mut rules = String::from(HEADER);
    rules.push_str(&rule(
        "us.marketing",
        "  category health_information\n  purpose marketing\n  permission authorization\n  obligations minimum_necessary\n",
    ));
    let (_b, new) = vocabulary_tree("diff-removed", remove, same, &rules);
    let out = diff_gate(&old, &new);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("value category sti removed"), "{text}");
    let v = diff_json(&old, &new);
    assert!(v["vocabulary"].as_array().unwrap().iter().any(|c| c["change"] == "removed" && c["old"] == "sti"), "{v:#}");
}

#[test]
fn an_added_value_is_compared_with_its_parent() {
    let (_a, old) = base();
    let add = |t: &str| t.replace(STI, &format!("{STI}  value hepatitis \"Viral hepatitis information\" under sti\n"));
    // A new value that answers as its parent did: reported, and the gate passes.
    let (_b, plain) = vocabulary_tree("diff-added", add, same, &federal("sti", "prohibited", ""));
    let out = diff_gate(&old, &plain);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("value category hepatitis added under sti"), "{text}");
    assert!(text.contains("jurisdictions in both trees: 0 change groups"), "{text}");

    // A new value whose own rule answers looser than its parent did: a loosening.
    let looser = rule("us.hepatitis", "  category hepatitis\n  permission authorization\n  excepts us.sti\n");
    let (_c, loose) = vocabulary_tree("diff-added-loose", add, same, &federal("sti", "prohibited", &looser));
    let out = diff_gate(&old, &loose);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("LOOSENED permission") && text.contains("us.hepatitis"), "{text}");
    assert!(text.contains("hepatitis as sti (new value, compared with its parent)"), "{text}");

    // ... which a justification on the deciding rule lets through.
    let justified = rule(
        "us.hepatitis",
        "  category hepatitis\n  permission authorization\n  excepts us.sti\n  justification \"Hepatitis is reportable, not an STI under the new act\"\n",
    );
    let (_d, just) = vocabulary_tree("diff-added-just", add, same, &federal("sti", "prohibited", &justified));
    let out = diff_gate(&old, &just);
    assert_eq!(out.status.code(), Some(0), "{}", text_of(&out));
}

/// A value added at the root of an axis has no old answer to be compared with: a federal
/// rule widened to it answers `allowed` there, and no change group could show it. The gate
/// asks for a review instead of passing what it cannot compare.
#[test]
fn a_value_added_with_no_ancestor_fails_the_gate() {
    let (_a, old) = base();
    let root = "  value out_of_state_attorney ";
    let add = |t: &str| {
        assert!(t.contains(root), "the shipped vocabulary no longer declares out_of_state_attorney");
        t.replacen(root, &format!("  value ai_vendor \"A vendor that trains AI models on the data\"\n{root}"), 1)
    };
    let open = rule("us.vendor", "  recipient ai_vendor\n  permission none\n");
    let (_b, new) = vocabulary_tree("diff-root-value", add, same, &federal("sti", "prohibited", &open));
    let out = diff_gate(&old, &new);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("value recipient ai_vendor added (no ancestor"), "{text}");
    assert!(text.contains("a value was added with no ancestor in the old vocabulary (recipient ai_vendor)"), "{text}");
}

/// An organization moved under another state keeps its rules and may keep every answer,
/// but the layer it left no longer vouches for it: its `history from` stops warning. The
/// chain change is shown and fails the gate, for a review.
#[test]
fn a_jurisdiction_moved_under_another_parent_fails_the_gate() {
    let tree = |name: &str, parent: &str| {
        let (s, root) = base_named(name);
        write(&root.join("xx/state.stringent"), b"jurisdiction US-XX \"State X\" under US history from 2024-01-01\n");
        write(&root.join("yy/state.stringent"), b"jurisdiction US-YY \"State Y\" under US history from 2016-01-01\n");
        write(
            &root.join("org/clinic.stringent"),
            format!("jurisdiction org:clinic \"Clinic\" under {parent} history from 2016-01-01\n").as_bytes(),
        );
        (s, root)
    };
    let (_a, old) = tree("diff-chain-old", "US-XX");
    let (_b, new) = tree("diff-chain-new", "US-YY");
    let out = diff_gate(&old, &new);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("org:clinic: chain US -> US-YY -> org:clinic (was US -> US-XX -> org:clinic)"), "{text}");
    assert!(text.contains("a jurisdiction's chain of layers changed"), "{text}");
    let out = diff_gate(&old, &old);
    assert_eq!(out.status.code(), Some(0), "{}", text_of(&out));
}

#[test]
fn a_renamed_obligation_is_reported_and_fails_the_gate() {
    let (_a, old) = base();
    let rename = |t: &str| t.replace("obligation minimum_necessary ", "obligation minimum_needed ");
    let rules = federal("sti", "prohibited", "").replace("obligations minimum_necessary", "obligations minimum_needed");
    let (_b, new) = vocabulary_tree("diff-term", same, rename, &rules);
    let out = diff_gate(&old, &new);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("obligation minimum_necessary renamed to minimum_needed"), "{text}");
    // Compared under the new name, no answer changed.
    assert!(text.contains("jurisdictions in both trees: 0 change groups"), "{text}");
}

/// A term's title is all that says what it demands: redefined where answers use it, the
/// answers ask less with every cell unchanged, so the gate fails as for a condition.
#[test]
fn a_redefined_obligation_fails_the_gate() {
    let (_a, old) = base();
    let terms = |t: &str| {
        let at = t.find("obligation minimum_necessary \"").unwrap() + "obligation minimum_necessary \"".len();
        let end = at + t[at..].find('"').unwrap();
        format!("{}Disclose whatever is convenient{}", &t[..at], &t[end..])
    };
    let (_b, new) = vocabulary_tree("diff-term-redefined", same, terms, &federal("sti", "prohibited", ""));
    let out = diff_gate(&old, &new);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("Disclose whatever is convenient"), "{text}");
    assert!(text.contains("a breaking change of the public contract"), "{text}");
}

// ------------------------------------------------------------------ git:REV[:PATH]

// ------------------------------------------------------------------ who vouches

/// The base tree's STI rule narrowed to leave research out (research of STI information then
/// falls to no rule: `allowed`), with `justification` on it when given, and `extra` rules.
fn narrowed(name: &str, justification: &str, extra: &str) -> (Scratch, PathBuf) {
    let narrowed = federal("sti", "prohibited", "")
        .replace("  category sti\n", &format!("  category sti\n  purpose any except research\n{justification}"));
    vocabulary_tree(name, same, same, &(narrowed + extra))
}

/// A justification counts only on a rule that made the change: one that decides the
/// loosened dimension on either side, or sets aside the rule that did. A rule added beside
/// it that states another dimension, or is in force one day long ago, does not vouch for
/// the loosening, however well it reads.
#[test]
fn a_justification_on_a_rule_that_did_not_make_the_change_does_not_count() {
    let (_a, old) = base_named("vouch-base");
    let bystander = |expires: &str| {
        rule(
            "us.sti_note",
            &format!(
                "  category sti\n  purpose research\n  obligations minimum_necessary\n{expires}  \
                 justification \"Restating the research route for clarity\"\n"
            ),
        )
        .replace("effective 2003-04-14", "effective 2004-01-01")
    };
    for (name, expires) in [("vouch-in-force", ""), ("vouch-one-day", "  expires 2004-01-02\n")] {
        let (_b, new) = narrowed(name, "", &bystander(expires));
        let out = diff_gate(&old, &new);
        let text = text_of(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {text}");
        assert!(text.contains("LOOSENED permission"), "{name}: {text}");
        assert!(text.contains("an answer loosened without a justification"), "{name}: {text}");
    }
    // The narrowed rule itself says why: that counts.
    let (_c, new) = narrowed("vouch-own", "  justification \"Research use is permitted by Example Law 2\"\n", "");
    let out = diff_gate(&old, &new);
    assert_eq!(out.status.code(), Some(0), "{}", text_of(&out));
}

// ------------------------------------------------------------------ assertions

/// An assertion over the base tree's marketing rule: `level` at least, `unless` conditions,
/// over `purposes`.
fn marketing_assertion(title: &str, purposes: &str, level: &str, unless: &str) -> String {
    format!(
        "assert \"{title}\" {{\n  jurisdiction all\n  dates from 2003-04-14\n  purpose {purposes}\n  \
         recipient any except patient, personal_representative\n  require level at_least {level}{unless}\n}}\n"
    )
}

/// The base tree with `assertions` as its only assertion file.
fn asserted(name: &str, assertions: &str) -> (Scratch, PathBuf) {
    let (s, root) = base_named(name);
    write(&root.join("assertions/floor.stringent"), assertions.as_bytes());
    (s, root)
}

/// Taking away the assertion that would have caught a loosening must not pass as an edit of
/// rules alone: an assertion removed, narrowed or given an `unless`, with every answer the
/// same, fails the gate and is named with its bounds.
#[test]
fn an_assertion_removed_or_weakened_fails_the_gate() {
    let signed = marketing_assertion("Marketing needs an authorization", "marketing", "authorization", "");
    let (_a, old) = asserted("diff-assert-old", &signed);
    let out = run(&["prove", p(&old)]);
    assert_eq!(out.status.code(), Some(0), "the base tree proves its assertion: {}", text_of(&out));
    for (name, new_text, kind) in [
        (
            "diff-assert-removed",
            "assert \"STI information is never used\" {\n  jurisdiction all\n  category sti\n  require level at_least prohibited\n}\n"
                .to_owned(),
            "removed",
        ),
        (
            "diff-assert-lowered",
            marketing_assertion("Marketing needs an authorization", "marketing", "allowed", ""),
            "weakened",
        ),
        (
            "diff-assert-excused",
            marketing_assertion("Marketing needs an authorization", "marketing", "authorization", " unless imminent_threat"),
            "weakened",
        ),
        (
            "diff-assert-renamed-and-narrowed",
            marketing_assertion("Marketing to adults needs an authorization", "marketing", "authorization", "")
                .replace("  require", "  subject adult\n  require"),
            "removed",
        ),
    ] {
        let (_b, new) = asserted(name, &new_text);
        let out = diff_gate(&old, &new);
        let text = text_of(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {text}");
        assert!(
            text.contains(&format!("assertion \"Marketing needs an authorization\" {kind}")),
            "{name}: {text}"
        );
        assert!(text.contains("level at_least authorization"), "the old bound is shown: {text}");
        assert!(text.contains("an assertion was removed or weakened"), "{name}: {text}");
        assert!(text.contains("0 cells changed"), "no answer changed, only the guarantee: {text}");
        let json = diff_json(&old, &new);
        assert_eq!(json["assertions"][0]["change"], kind, "{name}: {json}");
    }
}

/// An assertion that still implies the old one passes: retitled, widened to every recipient
/// and given one more bound. The added title is reported, the old one is not.
#[test]
fn an_assertion_strengthened_or_retitled_passes_the_gate() {
    let signed = marketing_assertion("Marketing needs an authorization", "marketing", "authorization", "");
    let (_a, old) = asserted("diff-assert-base", &signed);
    let wider = marketing_assertion("Marketing to anyone needs an authorization", "marketing", "authorization", "")
        .replace("  recipient any except patient, personal_representative\n", "")
        .replace("}\n", "  require not basis subpoena\n}\n");
    let (_b, new) = asserted("diff-assert-wider", &wider);
    let out = run(&["prove", p(&new)]);
    assert_eq!(out.status.code(), Some(0), "the wider assertion holds on the base rules: {}", text_of(&out));
    let out = diff_gate(&old, &new);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("assertion \"Marketing to anyone needs an authorization\" added"), "{text}");
    assert!(!text.contains("Marketing needs an authorization"), "the old one is implied: {text}");
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git").args(args).current_dir(dir).stdin(Stdio::null()).output().unwrap();
    assert!(out.status.success(), "git {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
}

/// A repository whose `rules` has two commits: STI information prohibited, then allowed
/// with an authorization; and a third commit with a broken rule file. The repository is
/// `repo/` in the scratch directory, `tmp/` beside it is for the binary's TMPDIR.
fn repository(name: &str) -> (Scratch, PathBuf) {
    let (s, root) = vocabulary_tree(name, same, same, &federal("sti", "prohibited", ""));
    let repo = s.path.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::create_dir_all(s.path.join("tmp")).unwrap();
    git(&repo, &["init", "-q"]);
    git(&repo, &["config", "user.name", "Stringent Test"]);
    git(&repo, &["config", "user.email", "test@example.org"]);
    git(&repo, &["config", "commit.gpgsign", "false"]);
    std::fs::rename(&root, repo.join("rules")).unwrap();
    git(&repo, &["add", "rules"]);
    git(&repo, &["commit", "-q", "-m", "prohibited"]);
    write(&repo.join("rules/us/federal.stringent"), federal("sti", "authorization", "").as_bytes());
    git(&repo, &["commit", "-q", "-am", "authorization"]);
    git(&repo, &["tag", "loose"]);
    write(&repo.join("rules/us/federal.stringent"), b"jurisdiction US \"F\"\nrule {\n");
    git(&repo, &["commit", "-q", "-am", "broken"]);
    git(&repo, &["tag", "broken"]);
    // The working tree says something else again: a diff of revisions must not read it.
    write(&repo.join("rules/us/federal.stringent"), federal("sti", "prohibited", "").as_bytes());
    (s, repo)
}

/// Run the binary in `repo` with TMPDIR pointed at the scratch directory's `tmp/`.
fn run_in(repo: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stringent"))
        .args(args)
        .current_dir(repo)
        .env("NO_COLOR", "1")
        .env("TMPDIR", repo.parent().unwrap().join("tmp"))
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[track_caller]
fn assert_tmp_empty(repo: &Path) {
    let left: Vec<_> =
        std::fs::read_dir(repo.parent().unwrap().join("tmp")).unwrap().flatten().map(|e| e.path()).collect();
    assert!(left.is_empty(), "left behind in TMPDIR: {left:?}");
}

#[test]
fn a_diff_of_two_revisions_compares_the_revisions() {
    let (_s, repo) = repository("git-revs");
    let out = run_in(&repo, &["diff", "git:loose~1", "git:loose", "--as-of", AS_OF, "--fail-on", "loosened"]);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("LOOSENED permission") && text.contains("us.sti"), "{text}");
    let out = run_in(&repo, &["diff", "git:loose~1:rules", "git:loose:./rules/", "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(0), "{}", text_of(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("LOOSENED permission"), "{}", text_of(&out));
    assert_tmp_empty(&repo);
}

/// `git archive` applies the repository's own attributes: with `export-subst`, a
/// `$Format:…$` in a citation turns into a `permission` line in the archive only. A diff of
/// revisions reads the blobs as committed, so the loosening in the checked-out files shows.
#[test]
fn a_diff_of_revisions_reads_the_files_as_committed_not_as_exported() {
    let (_s, repo) = repository("git-attributes");
    git(&repo, &["checkout", "-q", "loose", "--", "rules"]);
    let disguised = federal("sti", "authorization", "").replacen(
        "  permission authorization\n",
        "  cite \"45 CFR 164.508 $Format:%x22%n  permission authorization //$\"\n",
        1,
    );
    assert!(disguised.contains("$Format"), "the rule text changed; update this test");
    write(&repo.join("rules/us/federal.stringent"), disguised.as_bytes());
    write(&repo.join(".gitattributes"), b"*.stringent export-subst\n");
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "a loosening disguised by export-subst"]);
    let out = run_in(&repo, &["diff", "git:loose", "git:HEAD", "--as-of", AS_OF, "--fail-on", "loosened"]);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "the loosening passed the gate:\n{text}");
    assert!(text.contains("LOOSENED permission"), "{text}");
    assert_tmp_empty(&repo);
}

#[test]
fn a_revision_that_looks_like_an_option_is_refused_and_writes_nothing() {
    let (s, repo) = repository("git-option");
    let victim = s.path.join("victim.txt");
    for form in ["--output={}", "--output={}:rules", "-o{}", "--output={}:"] {
        write(&victim, b"keep me");
        let spec = format!("git:{}", form.replace("{}", p(&victim)));
        for args in [["diff", &spec, "git:loose"], ["diff", "git:loose", &spec]] {
            let out = run_in(&repo, &args);
            assert_refused(&out, &["not a revision"]);
            assert_eq!(std::fs::read(&victim).unwrap(), b"keep me", "`{spec}` wrote to the file");
        }
    }
    let left: Vec<_> = std::fs::read_dir(&s.path).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(left.len(), 3, "files appeared beside the repository: {left:?}");
    assert_tmp_empty(&repo);
}

#[test]
fn an_absolute_or_escaping_path_in_a_git_spec_is_refused() {
    let (_s, repo) = repository("git-abs");
    let abs = repo.join("rules").canonicalize().unwrap();
    let (old, new) = (format!("git:loose~1:{}", p(&abs)), format!("git:loose:{}", p(&abs)));
    let out = run_in(&repo, &["diff", &old, &new, "--as-of", AS_OF]);
    assert_refused(&out, &["absolute path"]);
    for path in ["../rules", "rules/../../x", ""] {
        let out = run_in(&repo, &["diff", &format!("git:loose:{path}"), "git:loose", "--as-of", AS_OF]);
        assert_eq!(out.status.code(), Some(2), "`{path}`: {}", text_of(&out));
    }
    // Pathspec magic is not interpreted: `:(top)rules` is a literal (missing) path.
    let out = run_in(&repo, &["diff", "git:loose::(top)rules", "git:loose", "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(2), "{}", text_of(&out));
    assert_tmp_empty(&repo);
}

/// A path that is a symbolic link in the revision would lead out of it, here to the
/// working tree.
#[cfg(unix)]
#[test]
fn a_path_that_is_a_symbolic_link_in_the_revision_is_refused() {
    let (_s, repo) = repository("git-symlink");
    let abs = repo.join("rules").canonicalize().unwrap();
    std::os::unix::fs::symlink(&abs, repo.join("elsewhere")).unwrap();
    git(&repo, &["add", "elsewhere"]);
    git(&repo, &["commit", "-q", "-m", "link"]);
    let out = run_in(&repo, &["diff", "git:HEAD:elsewhere", "git:loose", "--as-of", AS_OF]);
    assert_refused(&out, &["symbolic link"]);
    assert_tmp_empty(&repo);
}

/// A submodule under the rules is read by `check` where it is checked out, but its files
/// are not in the revision: a gate that skipped it would pass rules it never compared.
#[test]
fn a_submodule_in_the_revision_is_refused() {
    let (_s, repo) = repository("git-submodule");
    let head = Command::new("git").args(["rev-parse", "HEAD"]).current_dir(&repo).output().unwrap();
    let head = String::from_utf8(head.stdout).unwrap();
    git(&repo, &["update-index", "--add", "--cacheinfo", &format!("160000,{},rules/org/acme", head.trim())]);
    git(&repo, &["commit", "-q", "-m", "submodule"]);
    let out = run_in(&repo, &["diff", "git:loose", "git:HEAD", "--as-of", AS_OF]);
    assert_refused(&out, &["rules/org/acme", "submodule"]);
    assert_tmp_empty(&repo);
}

#[test]
fn no_temporary_directory_is_left_after_an_error() {
    let (_s, repo) = repository("git-cleanup");
    // The second revision does not exist: the first was already unpacked.
    let out = run_in(&repo, &["diff", "git:loose", "git:no-such-revision", "--as-of", AS_OF]);
    assert_refused(&out, &["not a commit"]);
    assert_tmp_empty(&repo);
    // The second revision has errors.
    let out = run_in(&repo, &["diff", "git:loose", "git:broken", "--as-of", AS_OF]);
    assert_refused(&out, &["has errors"]);
    assert_tmp_empty(&repo);
    // The first revision has errors, or does not exist: the command stops before the second.
    let out = run_in(&repo, &["diff", "git:broken", "git:loose", "--as-of", AS_OF]);
    assert_refused(&out, &["has errors"]);
    assert_tmp_empty(&repo);
    let out = run_in(&repo, &["diff", "git:no-such-revision", "git:loose", "--as-of", AS_OF]);
    assert_refused(&out, &["not a commit"]);
    assert_tmp_empty(&repo);
    // A revision unpacked, then a directory that does not exist.
    let out = run_in(&repo, &["diff", "git:loose", "no-such-directory", "--as-of", AS_OF]);
    assert_refused(&out, &["E0001"]);
    assert_tmp_empty(&repo);
    // A path the revision does not have.
    let out = run_in(&repo, &["diff", "git:loose", "git:loose:nothing-here", "--as-of", AS_OF]);
    assert_refused(&out, &["holds no file at that revision"]);
    assert_tmp_empty(&repo);
    // And a diff that succeeds.
    let out = run_in(&repo, &["diff", "git:loose", "git:loose", "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(0), "{}", text_of(&out));
    assert_tmp_empty(&repo);
}

#[test]
fn a_removed_jurisdiction_fails_the_gate() {
    let (_a, old) = base();
    write(
        &old.join("us-xx/xx.stringent"),
        format!(
            "jurisdiction US-XX \"Xanadu\" under US\n\n{}",
            rule("xx.sti", "  category sti\n  permission prohibited\n")
        )
        .as_bytes(),
    );
    let (_b, new) = base();
    let out = diff_gate(&old, &new);
    let text = text_of(&out);
    // Questions for US-XX are now refused as an unknown jurisdiction.
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("US-XX: removed") && text.contains("renamed or removed"), "{text}");
}

// ------------------------------------------------------------------ changes at later dates

/// A copy of the shipped rules tree.
fn shipped(name: &str) -> (Scratch, PathBuf) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &to.join(e.file_name()));
            } else {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }
    let s = Scratch::new(name);
    let root = s.path.join("rules");
    copy(&repo().join("rules"), &root);
    (s, root)
}

/// A federal rule in effect from `effective`.
fn dated_rule(id: &str, effective: &str, body: &str) -> String {
    rule(id, body).replace("effective 2003-04-14", &format!("effective {effective}"))
}

#[test]
fn a_loosening_scheduled_for_a_later_date_fails_the_gate_and_names_the_date() {
    let (_a, old) = shipped("diff-later-old");
    let (_b, new) = shipped("diff-later-new");
    let federal = new.join("us/federal.stringent");
    let text = std::fs::read_to_string(&federal).unwrap();
    let at = text.find("rule us.hipaa.164_508_a_2 ").unwrap();
    let eff = at + text[at..].find("  effective 2003-04-14\n").unwrap() + "  effective 2003-04-14\n".len();
    let edited = format!("{}  expires 2026-12-10\n{}", &text[..eff], &text[eff..]);
    write(&federal, edited.as_bytes());
    let out = diff_gate(&old, &new);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    // Nothing changes as of the date asked; from 2026-12-10 psychotherapy notes loosen.
    assert!(
        text.starts_with("jurisdictions in both trees: 0 change groups, 0 cells changed\nas of 2026-12-10:\n"),
        "{text}"
    );
    assert!(text.contains("LOOSENED permission") && text.contains("us.hipaa.164_508_a_2"), "{text}");
    assert!(text.contains("without a justification as of 2026-12-10"), "{text}");

    let v = diff_json(&old, &new);
    assert!(v["groups"].as_array().unwrap().is_empty(), "{v:#}");
    let later = v["later"].as_array().unwrap();
    assert_eq!(later.len(), 1, "{v:#}");
    assert_eq!(later[0]["as_of"], "2026-12-10");
    assert!(
        later[0]["groups"].as_array().unwrap().iter().any(|g| g["changes"][0]["direction"] == "loosened"
            && g["examples"][0].as_str().unwrap().starts_with("category psychotherapy_notes,")),
        "{:#}",
        later[0]
    );
}

#[test]
fn a_later_exception_that_loosens_fails_the_gate() {
    let (_a, old) = base();
    let exception = dated_rule(
        "us.sti_research",
        "2030-01-01",
        "  category sti\n  purpose research\n  permission authorization\n  excepts us.sti\n",
    );
    let (_b, new) = vocabulary_tree("diff-later-exception", same, same, &federal("sti", "prohibited", &exception));
    let out = diff_gate(&old, &new);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("as of 2030-01-01:") && text.contains("LOOSENED permission"), "{text}");
    assert!(text.contains("us.sti_research"), "{text}");
}

#[test]
fn a_change_that_only_tightens_later_passes_the_gate_and_is_shown() {
    let (_a, old) = base();
    let later = dated_rule(
        "us.research",
        "2030-01-01",
        "  category health_information\n  purpose research\n  permission prohibited\n",
    );
    let (_b, new) = vocabulary_tree("diff-later-tight", same, same, &federal("sti", "prohibited", &later));
    let out = diff_gate(&old, &new);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("as of 2030-01-01:") && text.contains("tightened permission"), "{text}");
    assert!(!text.contains("LOOSENED"), "{text}");
    let v = diff_json(&old, &new);
    assert_eq!(v["later"][0]["as_of"], "2030-01-01", "{v:#}");
}

// ------------------------------------------------------------------ HL7 codes, titles, notice texts

#[test]
fn a_value_that_lost_its_hl7_code_fails_the_gate() {
    let (_a, old) = base();
    let strip = |t: &str| t.replace("under health_information hl7 \"STD\"", "under health_information");
    let (_b, new) = vocabulary_tree("diff-hl7-value", strip, same, &federal("sti", "prohibited", ""));
    let out = diff_gate(&old, &new);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("value category sti: HL7 codes changed from [STD] to []") && text.contains("[breaking]"),
        "{text}"
    );
    let v = diff_json(&old, &new);
    assert!(
        v["vocabulary"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["change"] == "edited" && c["old"] == "sti" && c["field"] == "hl7" && c["breaking"] == true),
        "{v:#}"
    );
    // An HL7 code added is reported and does not fail.
    let add =
        |t: &str| t.replace("under health_information hl7 \"STD\"", "under health_information hl7 \"STD\", \"SEX\"");
    let (_c, added) = vocabulary_tree("diff-hl7-added", add, same, &federal("sti", "prohibited", ""));
    let out = diff_gate(&old, &added);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("value category sti: HL7 codes changed from [STD] to [SEX, STD]"), "{text}");
}

#[test]
fn a_changed_notice_text_or_term_hl7_code_fails_the_gate_and_an_unused_title_does_not() {
    let (_a, old) = base();
    let notice = |t: &str| {
        let at = t.find("text \"This record which has been disclosed").unwrap();
        let end = at + t[at..].find("\"\n}").unwrap();
        format!("{}text \"You may use this record as you like.{}", &t[..at], &t[end..])
    };
    let (_b, new) = vocabulary_tree("diff-notice", same, notice, &federal("sti", "prohibited", ""));
    let out = diff_gate(&old, &new);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("obligation part2_notice: notice text changed") && text.contains("[breaking]"), "{text}");
    let v = diff_json(&old, &new);
    let c = v["vocabulary"].as_array().unwrap().iter().find(|c| c["old"] == "part2_notice").unwrap().clone();
    assert_eq!((c["field"].as_str(), c["breaking"].as_bool()), (Some("text"), Some(true)), "{v:#}");
    assert_eq!(c["was"].as_str().map(|s| s.starts_with("This record")), Some(true), "{c:#}");
    assert_eq!(c["now"], "You may use this record as you like.", "{c:#}");

    let code = |t: &str| t.replacen("  hl7 \"NORDSCLCD\"\n  text \"This record", "  text \"This record", 1);
    let (_c, new) = vocabulary_tree("diff-term-hl7", same, code, &federal("sti", "prohibited", ""));
    let out = diff_gate(&old, &new);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("obligation part2_notice: HL7 codes changed from [NORDSCLCD] to []"), "{text}");

    // A title no answer of these trees uses (no rule here asks `document_in_record`) is
    // reported and passes; one an answer uses is breaking (`a_redefined_obligation_fails_the_gate`).
    let title =
        |t: &str| t.replace("obligation document_in_record \"Immediately", "obligation document_in_record \"At once");
    let (_d, new) = vocabulary_tree("diff-title", same, title, &federal("sti", "prohibited", ""));
    let out = diff_gate(&old, &new);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("obligation document_in_record: title changed from \"Immediately"), "{text}");
    assert!(!text.contains("[breaking]"), "{text}");
}

// ------------------------------------------------------------------ governed cells

/// A made-up rule that reaches consumer health apps and permits what no law reached before:
/// every answer stays `allowed`, but the warning that no law was found goes away.
fn apps_rule(justification: &str) -> String {
    rule("us.apps", &format!("  holder consumer_health_app\n  purpose treatment\n  permission none\n{justification}"))
}

#[test]
fn a_rule_that_takes_the_ungoverned_warning_away_fails_the_gate_unless_it_says_why() {
    let (_a, old) = base();
    let (_b, new) = vocabulary_tree("diff-governed", same, same, &federal("sti", "prohibited", &apps_rule("")));
    let out = diff_gate(&old, &new);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("now governed by: us.apps") && text.contains("no longer flagged"), "{text}");
    assert!(text.contains("cells that no law reached are now governed"), "{text}");
    assert!(!text.contains("an answer loosened"), "no dimension loosened: {text}");
    let v = diff_json(&old, &new);
    let groups = v["groups"].as_array().unwrap();
    assert!(
        groups.iter().any(|g| g["governed"]["now"] == true
            && g["changes"].as_array().unwrap().is_empty()
            && g["governed"]["rules"][0]["rule"] == "us.apps"),
        "{v:#}"
    );

    let (_c, justified) = vocabulary_tree(
        "diff-governed-justified",
        same,
        same,
        &federal("sti", "prohibited", &apps_rule("  justification \"The act permits it for treatment\"\n")),
    );
    let out = diff_gate(&old, &justified);
    assert_eq!(out.status.code(), Some(0), "{}", text_of(&out));

    // Taking the rule away brings the warning back: reported, never a failure.
    let out = diff_gate(&new, &old);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("no longer governed: no rule in force reaches these cells (was: us.apps"), "{text}");
}

/// A justified exception to `us.marketing` that reaches none of its cells until widened.
const APPS_REASON: &str =
    "  obligations minimum_necessary\n  excepts us.marketing\n  justification \"The act permits it for treatment\"\n";

#[test]
fn a_justified_rule_widened_with_its_justification_left_as_it_was_fails_the_gate() {
    // An exception to `us.marketing`, which reaches none of its cells until widened.
    let (_a, old) =
        vocabulary_tree("diff-stale-old", same, same, &federal("sti", "prohibited", &apps_rule(APPS_REASON)));
    // The same rule, its justification untouched, now also reaches marketing, which
    // `us.marketing` asked an authorization for.
    let widened = apps_rule(APPS_REASON).replace("purpose treatment", "purpose treatment, marketing");
    let (_b, new) = vocabulary_tree("diff-stale-new", same, same, &federal("sti", "prohibited", &widened));
    let out = diff_gate(&old, &new);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("LOOSENED permission"), "{text}");
    assert!(
        text.contains(
            "justification (us.apps) [not restated after the rule changed, or another rule's: does not count]"
        ),
        "{text}"
    );
    assert!(text.contains("an answer loosened without a justification"), "{text}");
    let v = diff_json(&old, &new);
    assert!(v.to_string().contains("\"stale\":true"), "{v:#}");
    // Every value the loosened cells take is listed, not only the three examples: the
    // reviewer sees that the widening reached marketing.
    let loosened = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["changes"].as_array().unwrap().iter().any(|c| c["direction"] == "loosened"))
        .unwrap();
    let purposes = loosened["span"].as_array().unwrap().iter().find(|a| a["axis"] == "purpose").unwrap();
    assert_eq!(purposes["values"], serde_json::json!(["marketing"]), "{loosened:#}");
    assert!(text.contains("across: ") && text.contains("; purpose marketing;"), "{text}");
    // Restating why the law permits what the rule now does lets it pass.
    let restated = widened.replace("for treatment", "for treatment and for marketing");
    let (_c, justified) = vocabulary_tree("diff-stale-restated", same, same, &federal("sti", "prohibited", &restated));
    let out = diff_gate(&old, &justified);
    assert_eq!(out.status.code(), Some(0), "{}", text_of(&out));
    // A justified rule left exactly as it was keeps its justification.
    let out = diff_gate(&old, &old);
    assert_eq!(out.status.code(), Some(0), "{}", text_of(&out));
}

/// A made-up duty to disclose health information for marketing to a data broker, on cells
/// `us.marketing` already decides: the order ranks a mandate stricter, but it compels the
/// disclosure.
fn broker_mandate(justification: &str) -> String {
    rule(
        "us.broker_duty",
        &format!("  category general\n  purpose marketing\n  recipient data_broker\n  mandatory\n{justification}"),
    )
}

#[test]
fn a_mandate_added_where_a_rule_already_decides_fails_the_gate_unless_it_says_why() {
    let (_a, old) = base();
    let (_b, new) = vocabulary_tree("diff-mandate", same, same, &federal("sti", "prohibited", &broker_mandate("")));
    let out = diff_gate(&old, &new);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("tightened mandate: not mandatory -> mandatory"), "{text}");
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("cells became `mandatory` without a justification"), "{text}");
    assert!(!text.contains("now governed by"), "the cells were governed before: {text}");

    let (_c, justified) = vocabulary_tree(
        "diff-mandate-justified",
        same,
        same,
        &federal("sti", "prohibited", &broker_mandate("  justification \"Example Code 1 requires it\"\n")),
    );
    let out = diff_gate(&old, &justified);
    assert_eq!(out.status.code(), Some(0), "{}", text_of(&out));
    // Nor does `prove --refines` count the mandate as a proof that NEW is as strict.
    let out = run(&["prove", "--refines", p(&old), p(&new), "--from", AS_OF]);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("mandate: not mandatory -> mandatory") && text.contains("\nFAIL: "), "{text}");
}

// ------------------------------------------------------------------ silences

/// A copy of the shipped tree with a jurisdiction `US-XX` whose only content is a silence on
/// HIV and STI information of confidence `confidence`, searched as `searched` says.
fn with_silence(name: &str, confidence: &str, searched: &str) -> (Scratch, PathBuf) {
    let (s, root) = shipped(name);
    let text = format!(
        "jurisdiction US-XX \"Xanadu\" under US history from 2016-01-01\n\n\
         silent hiv_sti \"Xanadu's HIV statute\" {{\n  cite \"X. Code 1-1\"\n  searched \"{searched}\"\n  confidence {confidence}\n}}\n"
    );
    write(&root.join("us-xx/xanadu.stringent"), text.as_bytes());
    (s, root)
}

#[test]
fn a_gap_turned_into_a_silence_without_a_later_reading_fails_the_gate() {
    let (_a, old) = with_silence("diff-gap", "unverified", "2026-12-01: X. Code 1-1 not reached");
    let (_b, new) = with_silence("diff-gap-closed", "verified", "2026-12-01: X. Code 1-1 not reached");
    let out = diff_gate(&old, &new);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("US-XX silent hiv_sti: unverified -> verified (a gap closed"), "{text}");
    assert!(text.contains("[no later searched date]") && text.contains("date the reading in `searched`"), "{text}");
    // A date still to come vouches for nothing.
    let (_d, future) = with_silence("diff-gap-future", "verified", "2099-01-01: X. Code 1-1 read");
    let out = diff_gate(&old, &future);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("[the searched date 2099-01-01 is still to come]"), "{text}");
    // Removing the gap outright takes the warning away too.
    let (_e, removed) = shipped("diff-gap-removed");
    write(&removed.join("us-xx/xanadu.stringent"), b"jurisdiction US-XX \"Xanadu\" under US history from 2016-01-01\n");
    let out = diff_gate(&old, &removed);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("US-XX silent hiv_sti: removed (was unverified) [a gap removed"), "{text}");
    let v = diff_json(&old, &new);
    assert_eq!(v["silences"][0]["gap_closed"], true, "{v:#}");
    assert_eq!(v["silences"][0]["unchecked"], true, "{v:#}");

    // A claim that names a later reading passes, and says when.
    let (_c, read) = with_silence("diff-gap-read", "verified", "2026-12-05: X. Code 1-1 read whole");
    let out = diff_gate(&old, &read);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("a gap closed: answers no longer warn that the law was not read; searched 2026-12-05"),
        "{text}"
    );

    // Opening a gap again is reported and passes.
    let out = diff_gate(&read, &old);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("US-XX silent hiv_sti: verified -> unverified"), "{text}");
}

// ------------------------------------------------------------------ rule ids

/// A state rule's id must not claim another layer: one that begins with another layer's
/// prefix, in any case, or with a word that reads as federal law (`US.`, `federal.`,
/// `hipaa.`), would be credited in `diff` and `explain` to law it is not. Each is E0220 and
/// the tree is not compared.
#[test]
fn a_rule_whose_id_does_not_begin_with_its_layers_prefix_is_e0220() {
    let (_a, old) = base();
    let (_b, new) = base();
    for (id, says) in [
        ("us.hiv", "has an id that names US"),
        ("US.hipaa.hiv", "has an id that names US"),
        ("federal.hiv", "has an id that names US"),
        ("hipaa.hiv", "has an id that names US"),
        ("CFR.164_508", "has an id that names US"),
    ] {
        write(
            &new.join("us-xx/xx.stringent"),
            format!(
                "jurisdiction US-XX \"Xanadu\" under US\n\n{}",
                rule(id, "  category hiv\n  permission specific_authorization\n")
            )
            .as_bytes(),
        );
        let out = run(&["diff", p(&old), p(&new), "--as-of", AS_OF]);
        let text = text_of(&out);
        assert_eq!(out.status.code(), Some(1), "{id}: {text}");
        assert!(text.contains("E0220") && text.contains(says), "{id}: {text}");
        assert!(text.contains("begin the id with `xx.`"), "{id}: {text}");
    }
    // With its own prefix it is compared.
    write(
        &new.join("us-xx/xx.stringent"),
        format!(
            "jurisdiction US-XX \"Xanadu\" under US\n\n{}",
            rule("xx.hiv", "  category hiv\n  permission specific_authorization\n")
        )
        .as_bytes(),
    );
    let out = run(&["diff", p(&old), p(&new), "--as-of", AS_OF]);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("after:  xx.hiv (45 CFR 164.508(a)(1))"), "{text}");
}

// ------------------------------------------------------------------ who may justify a change

/// `us.open` lets a health app market health information freely, justified, but
/// `us.marketing` is stricter there and wins. `extra` is added to the federal layer.
fn set_aside_tree(name: &str, extra: &str) -> (Scratch, PathBuf) {
    let open = rule(
        "us.open",
        "  holder consumer_health_app\n  purpose marketing\n  permission none\n  justification \"The act lets apps market\"\n",
    );
    vocabulary_tree(name, same, same, &federal("sti", "prohibited", &format!("{open}{extra}")))
}

#[test]
fn a_loosening_caused_by_setting_a_stricter_rule_aside_needs_the_cause_to_say_why() {
    let (_a, old) = set_aside_tree("diff-aside-old", "");
    // An unjustified rule that only adds a duty, and sets `us.marketing` aside: the
    // justified `us.open`, unchanged, now wins and the answer loosens.
    let aside = |justification: &str| {
        rule(
            "us.aside",
            &format!(
                "  holder consumer_health_app\n  purpose marketing\n  obligations minimum_necessary\n  excepts us.marketing\n{justification}"
            ),
        )
    };
    let (_b, new) = set_aside_tree("diff-aside-new", &aside(""));
    let out = diff_gate(&old, &new);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("LOOSENED permission"), "{text}");
    assert!(text.contains("justification (us.open) [the rule did not change"), "{text}");
    assert!(text.contains("changed by: us.aside"), "{text}");
    let v = diff_json(&old, &new);
    let changed_by = &v["groups"][0]["changed_by"];
    assert_eq!(changed_by.as_array().map(Vec::len), Some(1), "{v:#}");
    assert_eq!(changed_by[0]["rule"], "us.aside", "{v:#}");
    // The rule that set it aside says why: the gate passes, and shows its reason.
    let (_c, justified) = set_aside_tree(
        "diff-aside-justified",
        &aside("  justification \"The act sets the marketing rule aside for apps\"\n"),
    );
    let out = diff_gate(&old, &justified);
    let text = text_of(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("justification (us.aside): The act sets the marketing rule aside for apps"), "{text}");
}

#[test]
fn a_justification_renamed_respaced_or_copied_onto_a_widened_rule_does_not_count() {
    // `us.open`, in both trees and unchanged, carries the reason the "copied" variant takes.
    let open = rule(
        "us.open",
        "  holder consumer_health_app\n  purpose research\n  permission none\n  justification \"The act lets apps market\"\n",
    );
    let tree = |name: &str, apps: &str| {
        vocabulary_tree(name, same, same, &federal("sti", "prohibited", &format!("{apps}{open}")))
    };
    let (_a, old) = tree("diff-copy-old", &apps_rule(APPS_REASON));
    let widened = apps_rule(APPS_REASON).replace("purpose treatment", "purpose treatment, marketing");
    let variants = [
        ("renamed", widened.replace("rule us.apps ", "rule us.apps_wider ")),
        ("respaced", widened.replace("permits it for", "permits  it for")),
        ("copied", widened.replace("The act permits it for treatment", "The act lets apps market")),
    ];
    for (how, text) in variants {
        let (_b, new) = tree(&format!("diff-copy-{how}"), &text);
        let out = diff_gate(&old, &new);
        let shown = text_of(&out);
        assert_eq!(out.status.code(), Some(1), "{how}: {shown}");
        assert!(
            shown.contains("[not restated after the rule changed, or another rule's: does not count]"),
            "{how}: {shown}"
        );
    }
}
