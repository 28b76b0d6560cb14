//! `stringent export`: compiled policies for other systems.

use super::{checked_for_writing, written};
use crate::{DiagFormat, TreeArgs};
use stringent_compiler::output::write_atomically;

pub(crate) fn opa(tree: &TreeArgs, out: &std::path::Path) -> u8 {
    let c = match checked_for_writing(tree, DiagFormat::Human) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let result = stringent_export::opa_bundle(&c.policies()).and_then(|bytes| write_atomically(out, &bytes));
    written(result, out, &format!("the OPA bundle {}", crate::output::shown(out)))
}
