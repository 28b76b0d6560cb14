//! What the command-line tests share: where the repository is, and how the binary under
//! test is run. Each test binary includes this module (`mod common;`) and uses what it needs.

#![allow(dead_code, reason = "each test binary uses a part of the shared helpers")]
#![expect(clippy::unwrap_used, reason = "a test reports a broken expectation by panicking")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The top of the repository: `rules/`, `tests/corpus/` and the README are read from it.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Run `stringent` with `args` from the top of the repository, without colour, and wait.
pub fn stringent(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stringent")).args(args).current_dir(repo()).env("NO_COLOR", "1").output().unwrap()
}
