//! `stringent compile`: one resolved policy per chain, plus an index.

use super::checked_for_writing;
use crate::output::USAGE;
use crate::{DiagFormat, TreeArgs};
use stringent_compiler::emit;

pub(crate) fn run(tree: &TreeArgs, out: &std::path::Path, combine: &[String], format: DiagFormat) -> u8 {
    let as_of = tree.date();
    let c = match checked_for_writing(tree, format) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut policies = c.policies();
    let mut combined = std::collections::BTreeSet::new();
    for spec in combine {
        let parts: Vec<&str> = spec.split([',', '+']).map(str::trim).collect();
        let distinct: std::collections::BTreeSet<&str> = parts.iter().copied().collect();
        if distinct.len() < 2 || distinct.len() != parts.len() || distinct.contains("") {
            errln!("error: `--combine {spec}` must name two or more different jurisdictions, e.g. `US-CA+US-NV`");
            return USAGE;
        }
        if parts.len() > stringent_compiler::limits::MAX_COMBINED_JURISDICTIONS {
            errln!(
                "error: `--combine` names {} jurisdictions; at most {} are allowed (README.md, \"Limits\")",
                parts.len(),
                stringent_compiler::limits::MAX_COMBINED_JURISDICTIONS
            );
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
    let waiting = || errln!("waiting for another compile into `{}` to finish", crate::output::shown(out));
    match emit::write_all(out, &policies, as_of, waiting) {
        Ok(index) => {
            errln!("wrote {} policies and index.json to {}", index.policies.len(), crate::output::shown(out));
            0
        }
        Err(e) => {
            errln!("error: cannot write to `{}`: {e}", crate::output::shown(out));
            USAGE
        }
    }
}
