//! `stringent compile`: one resolved policy per chain, plus an index.

use crate::output::{FINDINGS, USAGE, report_as};
use crate::{DiagFormat, TreeArgs};
use stringent_compiler::emit;

pub(crate) fn compile_cmd(tree: &TreeArgs, out: &std::path::Path, combine: &[String], format: DiagFormat) -> u8 {
    let as_of = tree.date();
    let c = tree.compile();
    report_as(&c, format);
    if c.has_errors() {
        errln!("nothing written: fix the errors first");
        return FINDINGS;
    }
    let mut policies = c.policies();
    if policies.is_empty() {
        // Unreachable through a checked tree (a tree without a federal layer is an error);
        // kept so that no path replaces a policy set with an empty one.
        errln!("nothing written: the rules hold no jurisdiction");
        return FINDINGS;
    }
    let mut combined = std::collections::BTreeSet::new();
    for spec in combine {
        let parts: Vec<&str> = spec.split([',', '+']).map(str::trim).collect();
        let distinct: std::collections::BTreeSet<&str> = parts.iter().copied().collect();
        if distinct.len() < 2 || distinct.len() != parts.len() || distinct.contains("") {
            errln!("error: `--combine {spec}` must name two or more different jurisdictions, e.g. `US-CA+US-NV`");
            return USAGE;
        }
        let joined = parts.join("+");
        // The comma was the first spelling; `+` is the one `decide` and the tests use.
        if spec.contains(',') {
            errln!("warning: `--combine {spec}`: write `--combine {joined}`; the comma is read for now");
        }
        if !combined.insert(joined.clone()) {
            continue;
        }
        match c.policy_for(&joined) {
            Some(p) => policies.push(p),
            None => {
                errln!("error: cannot combine `{spec}`: valid jurisdictions are {}", c.jurisdictions().join(", "));
                return USAGE;
            }
        }
    }
    let waiting = || eprintln!("waiting for another compile into `{}` to finish", out.display());
    match emit::write_all(out, &policies, as_of, waiting) {
        Ok(index) => {
            errln!("wrote {} policies and index.json to {}", index.policies.len(), out.display());
            0
        }
        Err(e) => {
            errln!("error: cannot write to `{}`: {e}", out.display());
            USAGE
        }
    }
}
