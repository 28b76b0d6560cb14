//! Every shipped rule file and every valid corpus file is already in canonical form, and
//! formatting is idempotent and keeps the syntax tree and the comments.
#![expect(clippy::unwrap_used, clippy::panic, reason = "a test reports a broken expectation by panicking")]

use std::path::Path;

fn rule_files(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "stringent") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn formatting_is_idempotent_and_keeps_the_tree() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let files: Vec<_> =
        ["rules", "tests/corpus/worked-example"].iter().flat_map(|d| rule_files(&repo.join(d))).collect();
    assert!(files.len() >= 4);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let once = stringent_fmt::format(&text).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        let twice = stringent_fmt::format(&once).unwrap();
        assert_eq!(once, twice, "{}: not idempotent", path.display());
    }
}

#[test]
fn shipped_rules_are_formatted() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for path in rule_files(&repo.join("rules")) {
        let text = std::fs::read_to_string(&path).unwrap();
        let formatted = stringent_fmt::format(&text).unwrap();
        assert!(formatted == text, "{} is not formatted: run `stringent fmt`", path.display());
    }
}

#[test]
fn comments_keep_their_places() {
    let messy = "// head\njurisdiction US-XX \"X\" under US // tail\nrule x.a \"A\" { // brace\n  cite \"A\"  confidence verified\n  // inside\n  effective 2020-01-01 }\n// end\n";
    let out = stringent_fmt::format(messy).unwrap();
    assert_eq!(
        out,
        "// head\njurisdiction US-XX \"X\" under US // tail\n\nrule x.a \"A\" { // brace\n  cite \"A\"\n  confidence verified\n  // inside\n  effective 2020-01-01\n}\n// end\n"
    );
}

#[test]
fn a_file_that_does_not_parse_is_not_formatted() {
    assert_eq!(stringent_fmt::format("rule {"), Err(stringent_fmt::FormatError::Syntax));
}

#[test]
fn an_earlier_spelling_of_a_word_is_rewritten() {
    let old = "jurisdiction US \"U\"\n\nrule us.a \"A\" {\n  cite \"A\"\n  confidence verified\n  effective 2020-01-01\n  permission authorization\n  deadline 30 calendar_days\n  defers permission, deadlines , mandate\n}\n";
    let out = stringent_fmt::format(old).unwrap();
    assert!(out.contains("  defers permission, deadline, mandatory\n"), "{out}");
}

#[test]
fn a_misspelt_word_is_not_formatted() {
    let typo =
        "jurisdiction US \"U\"\n\nrule us.a \"A\" {\n  cite \"A\"\n  confidence verifed\n  effective 2020-01-01\n}\n";
    assert_eq!(stringent_fmt::format(typo), Err(stringent_fmt::FormatError::Syntax));
}

/// An assertion written on few lines is laid out one field per line, every form of its
/// fields kept (jurisdictions, dates, patterns, each kind of bound).
#[test]
fn assertions_are_laid_out_one_field_per_line() {
    let messy = "assert \"A\" { jurisdiction all except US-TX, US-CA dates from 2016-01-01 to 2030-12-31 category hiv  recipient any except patient\n\
                 require level at_least authorization require deadline at_most 30 calendar_days for inspect require not basis subpoena\n\
                 require condition imminent_threat require obligations a, b require max_validity at_most 365 days require governed require not mandatory }\n\
                 assert \"B\" { jurisdiction US-CA, US-NY dates changes require mandatory }\nassert \"C\" { as_of 2020-01-01 require level at_most prohibited }\n";
    let want = "assert \"A\" {\n  jurisdiction all except US-TX, US-CA\n  dates from 2016-01-01 to 2030-12-31\n  category hiv\n  \
                recipient any except patient\n  require level at_least authorization\n  require deadline at_most 30 calendar_days for inspect\n  \
                require not basis subpoena\n  require condition imminent_threat\n  require obligations a, b\n  \
                require max_validity at_most 365 days\n  require governed\n  require not mandatory\n}\n\n\
                assert \"B\" {\n  jurisdiction US-CA, US-NY\n  dates changes\n  require mandatory\n}\n\n\
                assert \"C\" {\n  dates from 2020-01-01 to 2020-01-01\n  require level at_most prohibited\n}\n";
    assert_eq!(stringent_fmt::format(messy).unwrap(), want);
}

/// `unless` keeps its conditions, in the order written, on the bound's line.
#[test]
fn unless_stays_on_its_bound() {
    let messy = "assert \"A\" { require level at_least authorization unless imminent_threat,duty_to_warn require not basis subpoena   unless order_on_findings }\n";
    let want = "assert \"A\" {\n  require level at_least authorization unless imminent_threat, duty_to_warn\n  \
                require not basis subpoena unless order_on_findings\n}\n";
    assert_eq!(stringent_fmt::format(messy).unwrap(), want);
}
