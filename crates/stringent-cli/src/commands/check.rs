//! `stringent check`: every diagnostic of a tree, exit 1 on errors.

use crate::output::{FINDINGS, report_as};
use crate::{DiagFormat, TreeArgs};

pub(crate) fn run(tree: &TreeArgs, deny_warnings: bool, format: DiagFormat) -> u8 {
    let c = tree.compile();
    report_as(&c, format);
    if c.has_errors() || (deny_warnings && c.warning_count() > 0) { FINDINGS } else { 0 }
}
