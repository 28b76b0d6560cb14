//! `stringent timeline`: every date on which an answer of one chain changes, as `diff`
//! shows a change, with the rules and citations on each side.

use crate::DiffFormat;
use crate::commands::diff::print_groups;
use crate::output::{FINDINGS, USAGE, report};
use stringent_compiler::compile;
use stringent_syntax::Date;

/// `rules` is a directory or `git:REV[:PATH]`, as for `diff` and `prove`.
pub(crate) fn run(rules: &str, jurisdiction: &str, from: Option<Date>, to: Option<Date>, format: DiffFormat) -> u8 {
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        errln!("error: --to {t} is before --from {f}");
        return USAGE;
    }
    let tree = match crate::git_tree::tree(rules) {
        Ok(t) => t,
        Err(e) => {
            errln!("error: {e}");
            return USAGE;
        }
    };
    if !tree.path.exists() {
        errln!("error: `{}` does not exist", crate::output::shown(&tree.path));
        errln!("  help: give the directory that holds the rule files, e.g. `rules`, or `git:REV`");
        return USAGE;
    }
    let roots = match super::whole_trees(std::slice::from_ref(&tree.path)) {
        Ok(roots) => roots,
        Err(code) => return code,
    };
    let c = compile(&roots, from.unwrap_or_else(Date::today));
    if jurisdiction.contains('+') {
        errln!("error: `{jurisdiction}` is a combination; a timeline follows one chain");
        errln!("  help: run it for each of {}", jurisdiction.split('+').collect::<Vec<_>>().join(", "));
        return USAGE;
    }
    if c.model.layer(jurisdiction).is_none() {
        let ids = c.jurisdictions();
        let hint = stringent_diagnostics::nearest(jurisdiction, ids.iter().map(String::as_str))
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_default();
        errln!("error: unknown jurisdiction `{jurisdiction}`{hint}");
        return USAGE;
    }
    // As `decide`: errors in another chain's own layer leave this chain's history as it is.
    if !c.errors_touching(jurisdiction).is_empty() {
        report(&c);
        return FINDINGS;
    }
    let t = match stringent_compiler::timeline::timeline(&c, jurisdiction, from, to) {
        Ok(t) => t,
        Err(e) => {
            errln!("error: {e}");
            return USAGE;
        }
    };
    if format == DiffFormat::Json {
        dataln!("{}", serde_json::to_string_pretty(&t).unwrap_or_default());
        return 0;
    }
    let complete = match &t.complete_from {
        Some(d) => format!("the chain's history is complete from {d}"),
        None => "a layer of the chain does not say from when its history is complete".to_owned(),
    };
    outln!("{}: answers from {} on ({complete})", t.jurisdiction, t.from);
    for change in &t.changes {
        outln!("on {}:", change.date);
        print_groups(&change.groups, &format!("on {}", change.date));
    }
    let until = t.to.as_deref().map(|d| format!(" up to {d}")).unwrap_or_default();
    let n = t.changes.len();
    outln!(
        "{}: {} on which an answer changes after {}{until}",
        t.jurisdiction,
        if n == 1 { "1 date".to_owned() } else { format!("{n} dates") },
        t.from
    );
    0
}
