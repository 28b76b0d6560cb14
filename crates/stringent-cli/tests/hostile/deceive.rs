//! Input that could deceive a reviewer: bidirectional controls, terminal escapes, byte-order
//! marks, empty strings and names that collide.

use super::*;

/// Characters that must never reach a terminal from rule text.
const RAW: &[char] = &['\u{202E}', '\u{202C}', '\u{2066}', '\u{2069}', '\u{1B}', '\u{07}', '\u{08}', '\u{FEFF}'];

#[track_caller]
fn assert_no_raw(what: &str, text: &str) {
    if let Some(c) = text.chars().find(|c| RAW.contains(c)) {
        panic!("{what} holds a raw U+{:04X}:\n{}", u32::from(c), text.escape_debug());
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A federal layer whose comment, title and citation hold bidirectional controls: the
/// comment reorders what a reviewer reads, the citation isolates a reversed part.
fn bidi_layer() -> String {
    format!(
        "{HEADER}// Reviewed: \u{202E} no exception applies \u{202C}\n\
         rule us.auth \"No disclosure \u{202E}without\u{202C} an authorization\" {{\n  cite \"45 CFR \u{2066}164.508(a)(1)\u{2069}\"\n  \
         confidence verified\n  effective 2003-04-14\n  category health_information\n  permission authorization\n}}\n\n\
         test \"Marketing needs an authorization \u{202E}\" {{\n  jurisdiction US\n  category hiv purpose marketing recipient data_broker\n  \
         expect level prohibited\n}}\n"
    )
}

#[test]
fn bidi_controls_are_one_warning_each_naming_the_code_point() {
    let (_s, root) = Scratch::tree("bidi");
    write(&root.join("us/federal.stringent"), bidi_layer().as_bytes());
    let out = check(&root);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "warnings only:\n{err}");
    assert_eq!(err.matches("W0005").count(), 7, "one warning per character:\n{err}");
    for name in ["U+202E RIGHT-TO-LEFT OVERRIDE", "U+202C POP DIRECTIONAL FORMATTING", "U+2066 LEFT-TO-RIGHT ISOLATE"] {
        assert!(err.contains(name), "`{name}` missing:\n{err}");
    }
    // The snippets show the characters escaped, and the label under the right one.
    assert_no_raw("check's stderr", &err);
    assert!(err.contains("// Reviewed: \\u{202E} no exception applies"), "{err}");
    let deny = run(&["check", p(&root), "--as-of", AS_OF, "--deny-warnings"]);
    assert_eq!(deny.status.code(), Some(1), "{}", stderr(&deny));
}

#[test]
fn explain_decide_test_and_diff_show_rule_text_escaped() {
    let (_s, root) = Scratch::tree("bidi-print");
    write(&root.join("us/federal.stringent"), bidi_layer().as_bytes());
    let question =
        ["--rules", p(&root), "--as-of", AS_OF, "--jurisdiction", "US", "--category", "hiv", "--purpose", "marketing"];
    for command in ["decide", "explain"] {
        let mut args = vec![command];
        args.extend(question);
        args.extend(["--recipient", "data_broker"]);
        let out = run(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        assert_no_raw(command, &text);
        assert!(text.contains("45 CFR \\u{2066}164.508(a)(1)\\u{2069}"), "{command}:\n{text}");
        // JSON is data: the citation is kept exactly, as a JSON string.
        args.extend(["--format", "json"]);
        let json: serde_json::Value = serde_json::from_slice(&run(&args).stdout).unwrap();
        assert!(json.to_string().contains("45 CFR \u{2066}164.508(a)(1)\u{2069}"), "{command} --format json: {json}");
    }
    // A failing test prints its title and the deciding rule's citation.
    let out = run(&["test", p(&root), "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert_no_raw("test", &text);
    assert!(text.contains("FAIL") && text.contains("authorization \\u{202E}"), "{text}");
    // `diff` names the rules and citations on each side.
    let (_o, old) = Scratch::tree("bidi-old");
    write(
        &old.join("us/federal.stringent"),
        bidi_layer().replace("permission authorization", "permission court_order").as_bytes(),
    );
    let out = run(&["diff", p(&old), p(&root), "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_no_raw("diff", &text);
    assert!(text.contains("us.auth (45 CFR \\u{2066}164.508(a)(1)\\u{2069})"), "{text}");
}

#[test]
fn the_report_and_its_question_form_show_rule_text_escaped() {
    let (s, root) = Scratch::tree("bidi-report");
    // A source the form's JSON carries too, though the form does not show it.
    let layer = bidi_layer().replacen(
        "  confidence verified",
        "  source \"https://example.org/\u{202E}x\"\n  confidence verified",
        1,
    );
    write(&root.join("us/federal.stringent"), layer.as_bytes());
    let out_dir = s.path.join("report");
    let out = run(&["report", p(&root), "--as-of", AS_OF, "--out", p(&out_dir)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut pages = 0;
    let mut folders = vec![out_dir];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // The static page and the JSON its question form reads alike: no raw control.
            assert_no_raw(&path.display().to_string(), &text);
            if text.contains("us.auth") {
                pages += 1;
                assert!(
                    text.contains("No disclosure \\u{202E}without"),
                    "{} shows the title unescaped",
                    path.display()
                );
            }
        }
    }
    assert!(pages > 0, "no page names the rule");
}

#[test]
fn control_characters_in_strings_and_comments_are_e0103() {
    let (_s, root) = Scratch::tree("controls");
    let text = format!(
        "{HEADER}// rings \u{07}\u{07}\n{}{}",
        rule("us.a", "  category hiv\n  permission authorization\n")
            .replace("\"A rule\"", "\"No disclosure\u{1B}[2K\u{1B}[1A without an authorization\""),
        rule("us.b", "  category sti\n  permission authorization\n").replace("45 CFR", "45\u{08}\u{08}CFR")
    );
    write(&root.join("us/federal.stringent"), text.as_bytes());
    let err = assert_refused(&check(&root), &["E0103", "U+0007 BELL", "U+001B ESCAPE", "U+0008 BACKSPACE"]);
    assert_eq!(err.matches("E0103").count(), 3, "one error per string or comment:\n{err}");
    assert_eq!(err.matches("(and 1 more)").count(), 3, "{err}");
    assert_no_raw("check's stderr", &err);
    assert!(err.contains("No disclosure\\u{001B}[2K"), "{err}");
    // A tab in a string is text, as it always was.
    let (_t, ok) = Scratch::tree("tab");
    write(
        &ok.join("us/federal.stringent"),
        format!(
            "{HEADER}{}",
            rule("us.a", "  category hiv\n  permission authorization\n").replace("A rule", "A\trule")
        )
        .as_bytes(),
    );
    assert_eq!(check(&ok).status.code(), Some(0), "{}", stderr(&check(&ok)));
}

#[test]
fn a_byte_order_mark_is_one_warning_spans_stay_right_and_fmt_drops_it() {
    let (_s, root) = Scratch::tree("bom");
    let path = root.join("us/federal.stringent");
    let body = format!("{HEADER}{}", rule("us.a", "  category hiv\n  permission authorization\n"));
    write(&path, format!("\u{FEFF}{body}").as_bytes());
    let out = check(&root);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(err.matches("W0006").count(), 1, "{err}");
    assert!(!err.contains("E0100"), "{err}");
    assert_no_raw("check's stderr", &err);
    // A mistake after the mark is reported where it is.
    write(&path, format!("\u{FEFF}{}", body.replace("category hiv", "category hiv_x")).as_bytes());
    let err = assert_refused(&check(&root), &["E0200", "federal.stringent:7:12"]);
    assert!(!err.contains("E0100"), "{err}");
    // `fmt` writes the file without the mark; `fmt --check` calls the marked file unformatted.
    write(&path, format!("\u{FEFF}{body}").as_bytes());
    assert_eq!(run(&["fmt", p(&root), "--check"]).status.code(), Some(1));
    let out = run(&["fmt", p(&root)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = std::fs::read(&path).unwrap();
    assert!(!written.starts_with("\u{FEFF}".as_bytes()), "the mark is still there");
    assert_eq!(check(&root).status.code(), Some(0));
}

#[test]
fn an_impossible_effective_date_is_one_error_not_also_a_missing_field() {
    let (_s, root) = Scratch::tree("bad-date");
    let text = format!("{HEADER}{}", rule("us.a", "  category hiv\n  permission authorization\n"))
        .replace("2003-04-14", "2003-02-30");
    write(&root.join("us/federal.stringent"), text.as_bytes());
    let err = assert_refused(&check(&root), &["E0101", "`2003-02-30` is not a calendar date"]);
    assert!(!err.contains("E0203") && !err.contains("has no `effective`"), "a cascade:\n{err}");
    // A rule with no `effective` at all still needs one.
    let text = format!("{HEADER}{}", rule("us.a", "  category hiv\n  permission authorization\n"))
        .replace("  effective 2003-04-14\n", "");
    write(&root.join("us/federal.stringent"), text.as_bytes());
    assert_refused(&check(&root), &["E0203", "has no `effective`"]);
}

#[test]
fn the_coverage_threshold_is_a_percentage_from_0_to_100() {
    let (_s, root) = Scratch::tree("threshold");
    write(
        &root.join("us/federal.stringent"),
        format!("{HEADER}{}", rule("us.a", "  category hiv\n  permission authorization\n")).as_bytes(),
    );
    for bad in ["nan", "NaN", "inf", "-inf", "101", "-1", "100.5", "fifty"] {
        let flag = format!("--coverage-threshold={bad}");
        let out = run(&["test", p(&root), "--as-of", AS_OF, &flag]);
        assert_refused(&out, &["not a percentage", "from 0 to 100"]);
        assert_eq!(out.status.code(), Some(2), "`{bad}` is a usage error");
    }
    for good in ["0", "37.5", "100"] {
        let out = run(&["test", p(&root), "--as-of", AS_OF, "--coverage-threshold", good]);
        assert!(matches!(out.status.code(), Some(0 | 1)), "`{good}`: {}", stderr(&out));
    }
}

#[test]
fn empty_titles_citations_names_sources_and_notes_are_e0214() {
    let (_s, root) = Scratch::tree("empty-text");
    let text = "jurisdiction US \"\"\n\n\
                rule us.a \" \" {\n  cite \"\"\n  source \"\\t\"\n  justification \"\"\n  confidence verified\n  \
                effective 2003-04-14\n  category hiv\n  permission authorization\n}\n\n\
                silent genetic \"\" {\n  searched \"  \"\n  cite \"\"\n}\n";
    write(&root.join("us/federal.stringent"), text.as_bytes());
    write(&root.join("vocabulary/extra.stringent"), b"element blank_title \"\"\n");
    let err = assert_refused(&check(&root), &["E0214", "the jurisdiction name is empty", "the citation is empty"]);
    assert_eq!(err.matches("E0214").count(), 9, "one error per empty text:\n{err}");
    // One mistake, one diagnostic: an empty citation is not also a missing one.
    assert!(!err.contains("E0203"), "{err}");
}

#[cfg(unix)]
#[test]
fn two_file_names_that_are_not_utf8_keep_their_own_names_and_locations() {
    use std::os::unix::ffi::OsStrExt;
    let (_s, root) = Scratch::tree("non-utf8");
    write(
        &root.join("us/federal.stringent"),
        format!("{HEADER}{}", rule("us.a", "  permission authorization\n")).as_bytes(),
    );
    // Both names read as `\u{FFFD}.stringent` when converted lossily.
    let ff = root.join("us").join(std::ffi::OsStr::from_bytes(b"\xff.stringent"));
    let fe = root.join("us").join(std::ffi::OsStr::from_bytes(b"\xfe.stringent"));
    write(&ff, b"element ok_one \"One\"\n\n\n\nbroken one\n");
    write(&fe, b"garbage two\n");
    let err = assert_refused(&check(&root), &["E0100", "\\xFF.stringent:5:1", "\\xFE.stringent:1:1"]);
    assert!(err.contains("broken one") && err.contains("garbage two"), "each snippet from its own file:\n{err}");
    assert!(!err.contains('\u{FFFD}'), "{err}");
    // `fmt` writes a file with such a name back to that file.
    write(&ff, b"element ok_one \"One\"\n");
    write(&fe, b"element   ok_two \"Two\"\n");
    let out = run(&["fmt", p(&root.join("us"))]);
    assert_eq!(std::fs::read(&fe).unwrap(), b"element ok_two \"Two\"\n", "{}", stderr(&out));
}

/// A newline or escape in a file name would forge a line of output: names show them escaped.
#[cfg(unix)]
#[test]
fn control_characters_in_file_names_are_shown_escaped() {
    let (_s, root) = Scratch::tree("newline-name");
    write(&root.join("us/federal.stringent"), HEADER.as_bytes());
    write(&root.join("us/evil\n0 errors, 0 warnings\x1b[2J.stringent"), b"rule {\n");
    let out = check(&root);
    let stderr = assert_refused(&out, &["evil\\u{000A}0 errors, 0 warnings\\u{001B}[2J.stringent"]);
    assert!(!stderr.contains('\x1b'), "an escape reached the terminal");
    assert!(!stderr.lines().any(|l| l.trim() == "0 errors, 0 warnings"), "a forged line:\n{stderr}");
}

/// A `\n` escape in a citation would print a line of its own under a real answer: a forged
/// `decided by` line of federal law in `decide`, a forged `tightened` group in `diff`. One
/// E0103 per string, at the escape.
#[test]
fn a_line_break_escape_in_a_string_is_e0103() {
    let (_s, root) = Scratch::tree("line-break");
    let forged = "Clinic Policy 9\\n    us.hipaa.164_508_a_3 [US] 45 CFR 164.508(a)(3) (permission)\\nnote: reviewed";
    let text = format!(
        "{HEADER}{}",
        rule("us.a", "  category hiv\n  permission authorization\n").replace("45 CFR 164.508(a)(1)", forged)
    );
    assert!(text.contains(forged), "the rule helper's citation changed");
    write(&root.join("us/federal.stringent"), text.as_bytes());
    let err = assert_refused(&check(&root), &["E0103", "a string contains a line break (and 1 more)"]);
    assert_eq!(err.matches("E0103").count(), 1, "one error per string:\n{err}");
    // Nothing is answered from the tree, so no forged line is printed either.
    let out = run(&["decide", "--rules", p(&root), "--as-of", AS_OF, "--jurisdiction", "US", "--category", "hiv"]);
    assert!(!stdout(&out).contains("note: reviewed"), "{}", stdout(&out));
}

/// A silence saying its confidence twice: the first stands (a gap's `unverified`, which a
/// reader sees first) and the second is E0202, so the answers keep warning that the law was
/// not read.
#[test]
fn a_silence_stating_its_confidence_twice_is_e0202_and_the_first_stands() {
    let (_s, root) = Scratch::tree("silence-twice");
    let state = "jurisdiction US-XX \"Xanadu\" under US history from 2016-01-01\n\n\
                 silent hiv_sti \"Gap: X. Code 1-1 was not read\" {\n  cite \"X. Code 1-1\"\n  \
                 searched \"2026-12-01: not reached\"\n  confidence unverified\n  confidence verified\n}\n";
    write(&root.join("us-xx/xanadu.stringent"), state.as_bytes());
    let err = assert_refused(&check(&root), &["E0202", "silent hiv_sti says its confidence twice", "line 6"]);
    assert_eq!(err.matches("E0202").count(), 1, "{err}");
}

/// A test saying its jurisdiction or its date twice would check the second while a reader
/// takes the first: each is E0202 and the first stands.
#[test]
fn a_test_stating_its_jurisdiction_or_date_twice_is_e0202() {
    let (_s, root) = Scratch::tree("test-twice");
    let text = format!(
        "{HEADER}{}test \"Two jurisdictions\" {{\n  jurisdiction US\n  category hiv purpose marketing recipient data_broker\n  \
         expect level authorization\n  jurisdiction US-CA\n}}\n\n\
         test \"Two dates\" {{\n  jurisdiction US\n  as_of 2012-01-01\n  category hiv purpose marketing recipient data_broker\n  \
         expect level authorization\n  as_of 2005-01-01\n}}\n",
        rule("us.a", "  category hiv\n  permission authorization\n")
    );
    write(&root.join("us/federal.stringent"), text.as_bytes());
    let err = assert_refused(
        &check(&root),
        &["test \"Two jurisdictions\" says its jurisdiction twice", "test \"Two dates\" says its as_of twice"],
    );
    assert_eq!(err.matches("E0202").count(), 2, "{err}");
}
