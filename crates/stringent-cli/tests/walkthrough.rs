//! The README's "Write your first organization policy" stays true: its policy file is written
//! into a copy of the shipped rules, and every command the README shows is run there, with the
//! exit code and the output lines the README prints.
//!
//! The README marks what is run with HTML comments just above a fenced block:
//! `<!-- walkthrough: rules/org/my_clinic.stringent -->` for the file the reader creates, and
//! `<!-- walkthrough: run[, without cite][, exit N] -->` for a console block of `$ stringent …`
//! commands (exit 0 unless said; `without cite` runs them on the file with its `cite` lines
//! deleted). Each output line shown must appear, in order, in the command's stdout then
//! stderr; `...` in a shown line stands for any text, and a line that is only `...` is skipped.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test reports a broken expectation by panicking"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::repo;

/// A marked fenced block of the README: the marker's text and the block's lines.
struct Block {
    marker: String,
    lines: Vec<String>,
}

/// Every fenced block preceded by a `<!-- walkthrough: … -->` line.
fn marked_blocks(readme: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        let Some(marker) = line.trim().strip_prefix("<!-- walkthrough:").and_then(|m| m.strip_suffix("-->")) else {
            continue;
        };
        let fence = lines.next().unwrap_or_default();
        assert!(fence.starts_with("```"), "the walkthrough marker `{line}` is not followed by a fenced block");
        let body = lines.by_ref().take_while(|l| !l.starts_with("```")).map(str::to_owned).collect();
        blocks.push(Block { marker: marker.trim().to_owned(), lines: body });
    }
    blocks
}

/// One `$ stringent …` command of a console block and the output lines shown under it.
struct Shown {
    args: Vec<String>,
    output: Vec<String>,
}

fn commands(block: &Block) -> Vec<Shown> {
    let mut out: Vec<Shown> = Vec::new();
    for line in &block.lines {
        if let Some(cmd) = line.strip_prefix("$ ") {
            let mut words = cmd.split_whitespace().map(str::to_owned);
            assert_eq!(words.next().as_deref(), Some("stringent"), "the walkthrough runs only `stringent`: {line}");
            out.push(Shown { args: words.collect(), output: Vec::new() });
        } else {
            out.last_mut().unwrap_or_else(|| panic!("output before a command: {line}")).output.push(line.clone());
        }
    }
    out
}

/// Whether `actual` is the line `shown`, where each `...` in `shown` stands for any text.
fn line_matches(shown: &str, actual: &str) -> bool {
    let actual = actual.trim_end();
    let parts: Vec<&str> = shown.split("...").collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return actual == shown;
    }
    let Some(mut rest) = actual.strip_prefix(first) else { return false };
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// Every shown line (`...` and blank lines aside) appears in `actual`, in order.
fn assert_shown(shown: &[String], actual: &str, command: &str) {
    let mut actual_lines = actual.lines();
    for s in shown.iter().map(|s| s.trim_end()).filter(|s| !s.is_empty() && s.trim() != "...") {
        assert!(
            actual_lines.by_ref().any(|a| line_matches(s, a)),
            "the README shows, under `{command}`, the line\n{s}\nwhich its output lacks (or has out of order):\n{actual}"
        );
    }
}

/// A copy of the directory `from` at `to`.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_tree(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

/// A fresh clone's layout: a copy of the shipped `rules/` in a scratch directory.
fn clone_of_rules(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stringent-walkthrough-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_tree(&repo().join("rules"), &dir.join("rules"));
    dir
}

/// Runs `stringent` in `dir` as a reader would in the clone. `git:HEAD` (the committed rules of
/// a fresh clone) is the shipped `rules/` directory itself, so that the test does not depend on
/// this checkout's uncommitted edits.
fn run(dir: &Path, args: &[String]) -> (Option<i32>, String) {
    let shipped = repo().join("rules");
    let args: Vec<&std::ffi::OsStr> =
        args.iter().map(|a| if a == "git:HEAD" { shipped.as_os_str() } else { std::ffi::OsStr::new(a) }).collect();
    let out = Command::new(env!("CARGO_BIN_EXE_stringent"))
        .args(&args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code(), text)
}

/// The README's policy file: its path in the clone and its text.
fn policy(blocks: &[Block]) -> (String, String) {
    let mut files = blocks.iter().filter(|b| !b.marker.starts_with("run"));
    let file = files.next().expect("the README marks the walkthrough's policy file");
    assert!(files.next().is_none(), "the walkthrough writes one file");
    (file.marker.clone(), file.lines.iter().map(|l| format!("{l}\n")).collect())
}

#[test]
fn the_readme_walkthrough_checks_tests_diffs_and_decides() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let blocks = marked_blocks(&readme);
    let (path, text) = policy(&blocks);
    assert!(path.starts_with("rules/org/"), "an organization policy lives in rules/org: {path}");
    assert!(text.contains("jurisdiction org:"), "{text}");

    let dir = clone_of_rules("readme");
    let mut ran = Vec::new();
    for block in blocks.iter().filter(|b| b.marker.starts_with("run")) {
        let options: Vec<&str> = block.marker.split(',').map(str::trim).collect();
        let expected = options.iter().find_map(|o| o.strip_prefix("exit ")).map_or(0, |n| n.parse().unwrap());
        let file = if options.contains(&"without cite") {
            let without: String =
                text.lines().filter(|l| !l.trim_start().starts_with("cite ")).map(|l| format!("{l}\n")).collect();
            assert_ne!(without, text, "the policy has a `cite` line to delete");
            without
        } else {
            text.clone()
        };
        std::fs::write(dir.join(&path), &file).unwrap();
        for shown in commands(block) {
            let command = format!("stringent {}", shown.args.join(" "));
            let (code, output) = run(&dir, &shown.args);
            assert_eq!(code, Some(expected), "`{command}` in the README's walkthrough:\n{output}");
            assert_shown(&shown.output, &output, &command);
            ran.push((shown.args[0].clone(), expected));
        }
    }
    // The walkthrough's promise: the reader's policy checks, its tests pass, diff shows what
    // it changes and decide answers from it.
    for step in ["check", "test", "diff", "decide"] {
        assert!(
            ran.contains(&(step.to_owned(), 0)),
            "the walkthrough no longer runs `stringent {step}` cleanly: {ran:?}"
        );
    }
    assert!(ran.contains(&("check".to_owned(), 1)), "the walkthrough no longer shows a mistake: {ran:?}");
    let _ = std::fs::remove_dir_all(dir);
}

/// The README says a rule that would loosen the law is W0001 and changes no answer.
#[test]
fn the_walkthrough_policy_cannot_loosen_the_law() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let (path, text) = policy(&marked_blocks(&readme));
    let permission = text.lines().find(|l| l.trim_start().starts_with("permission ")).unwrap();
    let loose = text.replace(permission, "  permission none");
    let dir = clone_of_rules("loosen");
    std::fs::write(dir.join(&path), loose).unwrap();
    let (code, output) = run(&dir, &["check".to_owned(), path.clone()]);
    assert_eq!(code, Some(0), "{output}");
    assert!(output.contains("warning[W0001]") && output.contains("no stricter than federal law"), "{output}");
    let (code, output) = run(&dir, &["test".to_owned(), path]);
    assert_eq!(code, Some(1), "the first test expects the tightening the loosened rule no longer makes:\n{output}");
    let _ = std::fs::remove_dir_all(dir);
}

/// A reader who copies the policy into a tree gated by `stringent fmt --check` (the README's CI)
/// passes the gate: the file is shown in the canonical layout.
#[test]
fn the_walkthrough_policy_is_in_the_canonical_layout() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let (path, text) = policy(&marked_blocks(&readme));
    let dir = clone_of_rules("fmt");
    std::fs::write(dir.join(&path), text).unwrap();
    let (code, output) = run(&dir, &["fmt".to_owned(), "--check".to_owned(), path]);
    assert_eq!(code, Some(0), "{output}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_shown_line_may_elide_text() {
    assert!(line_matches("a; ... and 51 more cells", "a; b; c, and 51 more cells"));
    assert!(line_matches("x [a ...] -> y [b ...]", "x [a c] -> y [b d]"));
    assert!(!line_matches("a; ... and 51 more cells", "a; b, and 52 more cells"));
    assert!(!line_matches("2 passed, 0 failed", "1 passed, 1 failed"));
    assert!(line_matches(" 5 │", " 5 │ "));
}
