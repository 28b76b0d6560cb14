//! `stringent report`: the static HTML report.

use super::{checked_for_writing, written};
use crate::{DiagFormat, TreeArgs};
use stringent_compiler::output::write_atomically;

pub(crate) fn run(tree: &TreeArgs, out: &std::path::Path) -> u8 {
    let c = match checked_for_writing(tree, DiagFormat::Human) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let result = stringent_report::write_report(&c.policies(), out, write_atomically);
    written(result, out, &format!("the report to {}/index.html", out.display()))
}
