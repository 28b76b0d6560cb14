//! The rendered diagnostics of every deliberately broken rules tree under
//! `tests/corpus/invalid/`, one snapshot per tree.
//!
//! Each tree is a directory named after the diagnostic it exists for (`E0204-…`, `W0002-…`);
//! the test also checks that this code is still among the diagnostics, so a snapshot cannot
//! quietly lose the diagnostic it was written for. `many-mistakes/` holds several
//! independent mistakes in one file, all of which must be reported in one run.
//!
//! This file holds only the glob test: insta keeps one global failure stack for `glob!`,
//! so other snapshot tests in the same binary would interfere with it. Problems that
//! cannot be committed as plain files (a missing root, an unreadable file, a link out of
//! the root, a file too large) are tested in `files.rs`.

#![expect(clippy::unwrap_used, clippy::panic, reason = "a test reports a broken expectation by panicking")]

use std::path::Path;
use stringent_compiler::discover::slash;
use stringent_diagnostics::{Code, Diagnostic, HumanStyle, Location, SourceMap, render_human};
use stringent_syntax::Date;

/// What every tree is checked as of: fixed, so that the snapshots do not age.
const AS_OF: &str = "2025-06-01";

/// How the corpus directory is shown in snapshots, whatever machine runs the test.
const SHOWN_AS: &str = "tests/corpus/invalid";

/// The codes `files.rs` triggers at run time instead of with a committed tree.
const BUILT_AT_RUN_TIME: &[&str] = &["E0001", "E0002", "E0005", "E0006", "E0008", "E0009", "E0010", "E0500", "E0501"];

/// The codes `many-mistakes/` must report, each at least this many times.
const MANY_MISTAKES: &[(&str, usize)] = &[("E0100", 1), ("E0101", 1), ("E0104", 1), ("E0200", 1), ("E0201", 1)];

/// The trees that hold more than one mistake on purpose, and how many diagnostics each
/// reports. Every other tree holds one mistake and must report exactly one diagnostic: a
/// second one would be a follow-on of the first (a rule dropped for a bad date, then
/// reported as doing nothing).
const SEVERAL_MISTAKES: &[(&str, usize)] = &[
    ("E0103-control-character", 2),
    ("E0104-unknown-basis", 2),
    ("E0214-empty-text", 4),
    ("E0217-undated-silence", 2),
    ("W0005-bidi-control", 4),
    ("many-mistakes", 5),
];

#[test]
fn invalid_trees() {
    insta::glob!("../../../tests/corpus/invalid", "*/axes.stringent", |axes| {
        let dir = axes.parent().unwrap();
        let name = dir.file_name().unwrap().to_str().unwrap();
        let corpus = slash(dir.parent().unwrap());

        let c = stringent_compiler::compile(&[dir.to_path_buf()], Date::parse(AS_OF).unwrap());
        let diagnostics: Vec<Diagnostic> = c.diagnostics.iter().map(|d| relocate(d, &corpus)).collect();
        let mut sources = SourceMap::default();
        for (path, text) in c.sources.iter() {
            sources.insert(path.replace(&corpus, SHOWN_AS), text.clone());
        }
        let rendered = render_human(&diagnostics, &sources, HumanStyle::Plain, 100);

        let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
        match expected_code(name) {
            Some(code) => {
                assert!(codes.contains(&code), "`{name}` should report {code}, but reported {codes:?}:\n{rendered}")
            }
            None if name == "many-mistakes" => {
                for (code, at_least) in MANY_MISTAKES {
                    let n = codes.iter().filter(|c| *c == code).count();
                    assert!(
                        n >= *at_least,
                        "`{name}` should report {code} at least {at_least} times, \
                         but reported {codes:?}:\n{rendered}"
                    );
                }
            }
            None => panic!("`{name}`: a corpus directory is named after the code it triggers"),
        }
        let expected = SEVERAL_MISTAKES.iter().find(|(dir, _)| *dir == name).map_or(1, |(_, n)| *n);
        assert_eq!(
            diagnostics.len(),
            expected,
            "`{name}` should report {expected} diagnostic(s), one per mistake, but reported {codes:?}:\n{rendered}"
        );

        insta::with_settings!({
            snapshot_suffix => name,
            description => format!("stringent check {SHOWN_AS}/{name} --as-of {AS_OF}"),
            omit_expression => true,
        }, {
            insta::assert_snapshot!("invalid", rendered);
        });
    });
}

/// The code a directory is named after: `E0204-rule-outside-layer` → `E0204`.
fn expected_code(name: &str) -> Option<&str> {
    let (code, _) = name.split_once('-')?;
    let well_formed = code.len() == 5
        && (code.starts_with('E') || code.starts_with('W'))
        && code.chars().skip(1).all(|c| c.is_ascii_digit());
    well_formed.then_some(code)
}

/// The diagnostic with the machine's path to the corpus replaced by [`SHOWN_AS`]. This is
/// done before rendering, not on the rendered text, so that line wrapping is the same on
/// every machine.
fn relocate(d: &Diagnostic, corpus: &str) -> Diagnostic {
    let fix = |s: &str| s.replace(corpus, SHOWN_AS);
    let fix_loc = |l: &Location| Location { file: fix(&l.file), span: l.span, label: l.label.as_deref().map(fix) };
    Diagnostic {
        code: d.code,
        severity: d.severity,
        message: fix(&d.message),
        primary: d.primary.as_ref().map(fix_loc),
        related: d.related.iter().map(fix_loc).collect(),
        help: d.help.as_deref().map(fix),
    }
}

#[test]
fn expected_code_reads_directory_names() {
    assert_eq!(expected_code("E0204-rule-outside-layer"), Some("E0204"));
    assert_eq!(expected_code("W0002-no-effect"), Some("W0002"));
    assert_eq!(expected_code("many-mistakes"), None);
}

#[test]
fn every_code_has_a_case() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/invalid");
    let covered: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|name| expected_code(&name).map(str::to_owned))
        .collect();
    for code in Code::ALL {
        let code = code.as_str();
        assert!(
            covered.iter().any(|c| c == code) || BUILT_AT_RUN_TIME.contains(&code),
            "no tree in tests/corpus/invalid/ (and no test in files.rs, or for E05xx in the CLI's prove tests) triggers {code}"
        );
    }
}
