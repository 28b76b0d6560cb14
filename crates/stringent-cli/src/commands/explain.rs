//! `stringent explain --rule`: the exception tree of a rule.

use crate::output::{FINDINGS, USAGE, report};
use crate::{Format, QuestionArgs};
use std::path::PathBuf;
use stringent_compiler::compile;
use stringent_syntax::Date;

pub(crate) fn run(q: &QuestionArgs, rule: &str) -> u8 {
    if q.policy.is_some() {
        errln!(
            "error: `--rule` reads the rules, not a compiled policy\n  help: give `--rules DIR` instead of `--policy`"
        );
        return USAGE;
    }
    let rules = q.rules.clone().unwrap_or_else(|| PathBuf::from("rules"));
    let roots = match super::whole_trees(&[rules]) {
        Ok(roots) => roots,
        Err(code) => return code,
    };
    let c = compile(&roots, q.as_of.unwrap_or_else(Date::today));
    if c.has_errors() {
        report(&c);
        return FINDINGS;
    }
    let Some(tree) = c.model.rule(rule).and_then(|r| stringent_compiler::explain::exception_tree(&c.model, r)) else {
        let ids: Vec<&str> = c.model.rules.iter().map(|r| r.id.as_str()).collect();
        let hint =
            stringent_diagnostics::nearest(rule, ids).map(|n| format!("; did you mean `{n}`?")).unwrap_or_default();
        errln!("error: no rule `{rule}`{hint}");
        return USAGE;
    };
    if q.format == Format::Json {
        dataln!("{}", serde_json::to_string_pretty(&tree).unwrap_or_default());
    } else {
        out!("{}", stringent_compiler::explain::render_exception_tree(&tree));
    }
    0
}
