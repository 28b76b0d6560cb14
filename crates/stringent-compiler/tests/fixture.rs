//! The loader crate's examples read a small artifact checked in beside them; this test
//! keeps it equal to what the compiler makes of `tests/corpus/tiny`.
#![expect(clippy::unwrap_used, reason = "a test reports a broken expectation by panicking")]

use std::path::Path;
use stringent_compiler::{compile, emit};
use stringent_syntax::Date;

#[test]
fn the_loader_fixture_is_what_the_compiler_writes() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let c = compile(&[repo.join("tests/corpus/tiny")], Date::parse("2026-01-01").unwrap());
    assert!(!c.has_errors());
    let bytes = emit::to_json(&c.policy_for("US-XX").unwrap()).unwrap();
    let path = repo.join("crates/stringent-policy/tests/data/tiny-US-XX.json");
    if std::env::var_os("STRINGENT_WRITE_FIXTURES").is_some() {
        std::fs::write(&path, &bytes).unwrap();
    }
    assert!(std::fs::read(&path).unwrap() == bytes, "regenerate with STRINGENT_WRITE_FIXTURES=1");
}
