//! `stringent check`: every diagnostic of a tree, exit 1 on errors. Given files (or folders)
//! inside a rules root, the whole tree is checked and only their diagnostics are shown,
//! with one line for errors elsewhere that make their chains unanswerable.

use super::{compiled, say_elsewhere};
use crate::output::{FINDINGS, report_as};
use crate::{DiagFormat, TreeArgs};

pub(crate) fn run(tree: &TreeArgs, deny_warnings: bool, format: DiagFormat) -> u8 {
    let (mut c, targets) = match compiled(tree) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let layers = c.layers_in(&targets);
    let elsewhere = c.narrow_to(&targets, &layers);
    report_as(&c, format);
    say_elsewhere(&elsewhere, &targets);
    if c.has_errors() || !elsewhere.is_empty() || (deny_warnings && c.warning_count() > 0) { FINDINGS } else { 0 }
}
