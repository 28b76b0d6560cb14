//! Opening a jurisdiction through a compile's index: only files inside the directory, only
//! the artifact the index describes, and a typed error for everything else.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test reports a broken expectation by panicking"
)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use stringent_policy::index::tests_support::write_compile_output;
use stringent_policy::{Index, LoadError, LoadedPolicy, MAX_INDEX_BYTES};

/// A fresh output directory holding the fixture's compile.
fn out(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stringent-policy-index-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    write_compile_output(&dir).unwrap();
    dir
}

/// Edit `dir/index.json` in place.
fn edit_index(dir: &Path, f: impl Fn(&mut Value)) {
    let path = dir.join("index.json");
    let mut v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
}

#[test]
fn a_jurisdiction_opens_through_the_index_and_answers_as_the_file_does() {
    let dir = out("opens");
    let through_index = LoadedPolicy::open(&dir, "US-XX").unwrap();
    let direct = LoadedPolicy::load(dir.join("policies-0000000000000000/US-XX.json")).unwrap();
    assert_eq!(through_index.policy(), direct.policy());
    assert_eq!(Index::read(&dir).unwrap().jurisdictions().collect::<Vec<_>>(), ["US-XX"]);
}

#[test]
fn an_unknown_jurisdiction_is_a_typed_error_naming_the_known_ones() {
    let dir = out("unknown");
    let err = LoadedPolicy::open(&dir, "US-XY").unwrap_err();
    let LoadError::UnknownJurisdiction { jurisdiction, known } = &err else { panic!("{err:?}") };
    assert_eq!((jurisdiction.as_str(), known.as_slice()), ("US-XY", &["US-XX".to_owned()][..]));
    assert!(err.to_string().contains("US-XX"), "{err}");
}

#[test]
fn an_entry_that_leads_out_of_the_directory_is_refused_before_anything_is_read() {
    let dir = out("outside");
    // A real artifact outside the directory: were it read, it would load.
    let elsewhere = dir.with_extension("elsewhere.json");
    std::fs::copy(dir.join("policies-0000000000000000/US-XX.json"), &elsewhere).unwrap();
    let name = elsewhere.file_name().unwrap().to_str().unwrap().to_owned();
    for file in [
        format!("../{name}"),
        format!("policies-0000000000000000/../../{name}"),
        elsewhere.to_str().unwrap().to_owned(),
        "./policies-0000000000000000/US-XX.json".to_owned(),
        "policies-0000000000000000\\US-XX.json".to_owned(),
        String::new(),
    ] {
        let dir = out("outside-each");
        edit_index(&dir, |v| v["policies"][0]["file"] = file.clone().into());
        let err = LoadedPolicy::open(&dir, "US-XX").unwrap_err();
        assert!(matches!(err, LoadError::OutsideDirectory { .. }), "{file}: {err:?}");
    }
    std::fs::remove_file(elsewhere).unwrap();
}

#[cfg(unix)]
#[test]
fn a_link_that_leads_out_of_the_directory_is_refused_and_one_inside_followed() {
    let dir = out("links");
    let elsewhere = out("links-elsewhere");
    // The artifact itself a link to a copy outside.
    let file = dir.join("policies-0000000000000000/US-XX.json");
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink(elsewhere.join("policies-0000000000000000/US-XX.json"), &file).unwrap();
    assert!(matches!(LoadedPolicy::open(&dir, "US-XX"), Err(LoadError::OutsideDirectory { .. })));
    // The generation directory a link to one outside.
    let dir = out("links-dir");
    let generation = dir.join("policies-0000000000000000");
    std::fs::remove_dir_all(&generation).unwrap();
    std::os::unix::fs::symlink(elsewhere.join("policies-0000000000000000"), &generation).unwrap();
    assert!(matches!(LoadedPolicy::open(&dir, "US-XX"), Err(LoadError::OutsideDirectory { .. })));
    // A link that stays inside is an ordinary path.
    let dir = out("links-inside");
    std::fs::rename(dir.join("policies-0000000000000000"), dir.join("kept")).unwrap();
    std::os::unix::fs::symlink("kept", dir.join("policies-0000000000000000")).unwrap();
    assert!(LoadedPolicy::open(&dir, "US-XX").is_ok());
}

#[test]
fn an_index_whose_hashes_differ_from_the_artifact_is_refused() {
    for (field, value) in [("content_hash", "sha256:0000"), ("integrity", "sha256:0000"), ("jurisdiction", "US-YY")] {
        let dir = out("tampered");
        edit_index(&dir, |v| v["policies"][0][field] = value.into());
        let asked = if field == "jurisdiction" { value } else { "US-XX" };
        let err = LoadedPolicy::open(&dir, asked).unwrap_err();
        assert!(
            matches!(&err, LoadError::IndexMismatch { field: f, expected, .. } if *f == field && expected == value),
            "{field}: {err:?}"
        );
    }
    let dir = out("tampered-date");
    edit_index(&dir, |v| v["as_of"] = "1999-01-01".into());
    assert!(matches!(LoadedPolicy::open(&dir, "US-XX"), Err(LoadError::IndexMismatch { field: "as_of", .. })));
}

#[test]
fn a_tampered_artifact_is_refused_through_the_index_as_when_loaded() {
    let dir = out("tampered-artifact");
    let file = dir.join("policies-0000000000000000/US-XX.json");
    let text = std::fs::read_to_string(&file).unwrap().replace("Example Code 1", "Example Code 2");
    std::fs::write(&file, text).unwrap();
    assert!(matches!(LoadedPolicy::open(&dir, "US-XX"), Err(LoadError::IntegrityMismatch { .. })));
}

#[test]
fn what_is_not_an_index_is_refused_with_a_typed_error() {
    let dir = out("not-index");
    edit_index(&dir, |v| v["format"] = "stringent.resolved-policy".into());
    assert!(matches!(Index::read(&dir), Err(LoadError::NotAnIndex { .. })));

    let dir = out("future-index");
    edit_index(&dir, |v| v["schema_version"] = "3.0".into());
    assert!(matches!(Index::read(&dir), Err(LoadError::UnsupportedVersion { .. })));

    let dir = out("duplicate");
    edit_index(&dir, |v| {
        let entry = v["policies"][0].clone();
        v["policies"].as_array_mut().unwrap().push(entry);
    });
    assert!(matches!(Index::read(&dir), Err(LoadError::DuplicateJurisdiction(j)) if j == "US-XX"));

    let dir = out("no-index");
    std::fs::remove_file(dir.join("index.json")).unwrap();
    assert!(matches!(Index::read(&dir), Err(LoadError::Io { .. })));

    let dir = out("index-dir");
    std::fs::remove_file(dir.join("index.json")).unwrap();
    std::fs::create_dir(dir.join("index.json")).unwrap();
    assert!(matches!(Index::read(&dir), Err(LoadError::NotAFile { .. })));
}

#[test]
fn an_index_larger_than_the_limit_is_refused_before_it_is_read() {
    let dir = out("large");
    let file = std::fs::File::create(dir.join("index.json")).unwrap();
    file.set_len(MAX_INDEX_BYTES + 1).unwrap();
    let err = Index::read(&dir).unwrap_err();
    assert!(matches!(err, LoadError::TooLarge { size, limit: MAX_INDEX_BYTES, .. } if size == MAX_INDEX_BYTES + 1));
}
