//! One module per command.

pub(crate) mod check;
pub(crate) mod compile;
pub(crate) mod completions;
pub(crate) mod coverage;
pub(crate) mod decide;
pub(crate) mod diff;
pub(crate) mod explain;
pub(crate) mod export;
pub(crate) mod fmt;
pub(crate) mod man;
pub(crate) mod report;
pub(crate) mod test;

use crate::output::{FINDINGS, USAGE, report_as};
use crate::{DiagFormat, TreeArgs};
use stringent_compiler::Compilation;

/// The prologue of every command that writes output: compile the tree, report its
/// diagnostics, and refuse to go on when it has errors (or holds no jurisdiction), so that
/// nothing is ever written from rules that did not check clean. `Err` is the exit code.
pub(crate) fn checked_for_writing(tree: &TreeArgs, format: DiagFormat) -> Result<Compilation, u8> {
    let c = tree.compile();
    report_as(&c, format);
    if c.has_errors() {
        errln!("nothing written: fix the errors first");
        return Err(FINDINGS);
    }
    if c.chains.is_empty() {
        // Unreachable through a checked tree (a tree without a federal layer is an error);
        // kept so that no path replaces a policy set with an empty one.
        errln!("nothing written: the rules hold no jurisdiction");
        return Err(FINDINGS);
    }
    Ok(c)
}

/// The epilogue of a write: what was written, or why not (exit 2: the environment refused).
pub(crate) fn written<E: std::fmt::Display>(result: Result<(), E>, out: &std::path::Path, what: &str) -> u8 {
    match result {
        Ok(()) => {
            errln!("wrote {what}");
            0
        }
        Err(e) => {
            errln!("error: cannot write to `{}`: {e}", out.display());
            USAGE
        }
    }
}
