//! `stringent export`: compiled policies for other systems.

use crate::TreeArgs;
use crate::output::{FINDINGS, USAGE, report};
use stringent_compiler::output::write_atomically;

pub(crate) fn export_opa(tree: &TreeArgs, out: &std::path::Path) -> u8 {
    let c = tree.compile();
    report(&c);
    if c.has_errors() {
        errln!("nothing written: fix the errors first");
        return FINDINGS;
    }
    let written = stringent_export::opa_bundle(&c.policies()).and_then(|bytes| write_atomically(out, &bytes));
    match written {
        Ok(()) => {
            errln!("wrote the OPA bundle {}", out.display());
            0
        }
        Err(e) => {
            errln!("error: cannot write `{}`: {e}", out.display());
            USAGE
        }
    }
}
