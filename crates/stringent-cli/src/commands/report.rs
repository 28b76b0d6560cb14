//! `stringent report`: the static HTML report.

use crate::TreeArgs;
use crate::output::{FINDINGS, USAGE, report};
use stringent_compiler::output::write_atomically;

pub(crate) fn report_cmd(tree: &TreeArgs, out: &std::path::Path) -> u8 {
    let c = tree.compile();
    report(&c);
    if c.has_errors() {
        errln!("nothing written: fix the errors first");
        return FINDINGS;
    }
    match stringent_report::write_report(&c.policies(), out, write_atomically) {
        Ok(()) => {
            errln!("wrote the report to {}/index.html", out.display());
            0
        }
        Err(e) => {
            errln!("error: cannot write `{}`: {e}", out.display());
            USAGE
        }
    }
}
