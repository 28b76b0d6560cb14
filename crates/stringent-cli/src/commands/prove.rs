//! `stringent prove [PATH] [--refines OLD]`: the built-in properties of a tree on every
//! chain and every date, or that it is at least as strict as OLD for every question of every
//! chain in both trees on every date from the earliest declared history on; or the
//! counterexamples that show it is not.

use crate::commands::diff::{compiled_pair, print_groups};
use crate::output::{FINDINGS, USAGE};
use crate::{DiffFormat, ProveFormat};
use serde::Serialize;
use stringent_compiler::diff::{ChangeGroup, Direction, diff_over_time};
use stringent_syntax::Date;

/// The answer of `prove --refines`, as JSON.
#[derive(Serialize)]
struct Refinement {
    refines: bool,
    /// The first date compared; every later date on which a rule of either tree takes
    /// effect or expires is compared too.
    from: String,
    /// Jurisdictions of OLD that NEW no longer has: their questions lost every answer.
    removed: Vec<String>,
    /// Vocabulary changes that break questions OLD answered (a value removed or renamed).
    breaking: Vec<String>,
    /// Per date, the cells where NEW is looser than OLD (only the loosened dimensions).
    counterexamples: Vec<Counterexample>,
}

#[derive(Serialize)]
struct Counterexample {
    as_of: String,
    groups: Vec<ChangeGroup>,
}

/// Only the dimensions where NEW is not at least as strict: loosened, and changed in a way
/// the order cannot rank (an authorization element swapped for another, a deadline in other
/// units), which is no proof of refinement either; and a disclosure made mandatory, which
/// the order ranks stricter but which compels the disclosure (as `diff`'s gate counts it,
/// `DimensionChange::adds_mandate`). Groups left with none are dropped.
fn loosened(groups: &[ChangeGroup]) -> Vec<ChangeGroup> {
    groups
        .iter()
        .filter_map(|g| {
            let changes: Vec<_> =
                g.changes.iter().filter(|c| c.direction != Direction::Tightened || c.adds_mandate()).cloned().collect();
            (!changes.is_empty()).then(|| ChangeGroup { changes, ..g.clone() })
        })
        .collect()
}

pub(crate) fn refines(old: &str, new: &str, from: Option<Date>, format: ProveFormat) -> u8 {
    let format = match format {
        ProveFormat::Text => DiffFormat::Text,
        ProveFormat::Json => DiffFormat::Json,
        ProveFormat::Sarif | ProveFormat::Github => {
            errln!("error: `prove --refines` writes text or json: its counterexamples are cells, not places in a file");
            return USAGE;
        }
    };
    // Without --from: the earliest date from which a layer of either tree vouches for its
    // history, so that every date the trees speak for is compared.
    let from = match from {
        Some(d) => d,
        None => {
            let (o, n) = match compiled_pair((old, Date::today()), (new, Date::today())) {
                Ok(pair) => pair,
                Err(code) => return code,
            };
            o.model
                .layers
                .iter()
                .chain(&n.model.layers)
                .filter_map(|l| l.history_from)
                .min()
                .unwrap_or_else(Date::today)
        }
    };
    let (old_c, new_c) = match compiled_pair((old, from), (new, from)) {
        Ok(pair) => pair,
        Err(code) => return code,
    };
    let d = match diff_over_time(&old_c, &new_c) {
        Ok(d) => d,
        Err(e) => {
            errln!("error: {e}");
            return USAGE;
        }
    };
    let mut counterexamples = Vec::new();
    let first = loosened(&d.groups);
    if !first.is_empty() {
        counterexamples.push(Counterexample { as_of: from.to_string(), groups: first });
    }
    for l in &d.later {
        let groups = loosened(&l.groups);
        if !groups.is_empty() {
            counterexamples.push(Counterexample { as_of: l.as_of.clone(), groups });
        }
    }
    // A value or term that questions used, removed or renamed: those questions lost their
    // answers (or got a neighbour's), so no refinement is proved.
    let breaking: Vec<String> =
        d.vocabulary.iter().filter(|v| v.breaking).map(crate::commands::diff::vocabulary_line).collect();
    let r = Refinement {
        refines: counterexamples.is_empty() && d.removed.is_empty() && breaking.is_empty(),
        breaking,
        from: from.to_string(),
        removed: d.removed.clone(),
        counterexamples,
    };
    if format == DiffFormat::Json {
        dataln!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
    } else {
        for j in &r.removed {
            outln!("{j}: in OLD, not in NEW: its questions lost every answer");
        }
        for v in &r.breaking {
            outln!("{v}: questions OLD answered lost their answer");
        }
        for c in &r.counterexamples {
            outln!("as of {}, NEW is looser than OLD, or changed in a way that is not stricter:", c.as_of);
            print_groups(&c.groups, &format!("as of {}", c.as_of));
        }
        let verdict = if r.refines { "PASS" } else { "FAIL" };
        outln!(
            "{verdict}: `{new}` {} `{old}` for every question of every jurisdiction in both, as of {from} and every later date on which a rule of either takes effect or expires",
            if r.refines { "is at least as strict as" } else { "is not at least as strict as" }
        );
    }
    if r.refines { 0 } else { FINDINGS }
}

/// Text from rule files on one line of the terminal: a title or citation may hold `\n`
/// (written as an escape in its string), which would start a line that looks like a verdict.
fn one_line(text: &str) -> String {
    stringent_diagnostics::escape_for_terminal(text).replace('\n', "\\n").replace('\t', "\\t").replace('\r', "\\r")
}

/// Counterexamples shown per assertion in text; JSON has them all.
const SHOWN: usize = 10;

/// The built-in properties of the tree `spec` (a directory or `git:REV[:PATH]`).
pub(crate) fn builtin(spec: &str, from: Option<Date>, format: ProveFormat) -> u8 {
    let tree = match crate::git_tree::tree(spec) {
        Ok(t) => t,
        Err(e) => {
            errln!("error: {e}");
            return USAGE;
        }
    };
    let roots = match super::whole_trees(std::slice::from_ref(&tree.path)) {
        Ok(roots) => roots,
        Err(code) => return code,
    };
    let c = stringent_compiler::compile(&roots, from.unwrap_or_else(Date::today));
    if c.has_errors() {
        errln!("error: `{spec}` has errors:");
        crate::output::report(&c);
        return FINDINGS;
    }
    let p = match stringent_compiler::proof::prove(&c, from) {
        Ok(p) => p,
        Err(e) => {
            errln!("error: {e}");
            return USAGE;
        }
    };
    let verdict_code = if p.holds() { 0 } else { FINDINGS };
    match format {
        ProveFormat::Text => {}
        ProveFormat::Json => {
            dataln!("{}", serde_json::to_string_pretty(&p).unwrap_or_default());
            return verdict_code;
        }
        ProveFormat::Sarif => {
            let sarif = stringent_diagnostics::render_sarif(&p.diagnostics(), &c.sources, env!("CARGO_PKG_VERSION"));
            dataln!("{sarif}");
            return verdict_code;
        }
        ProveFormat::Github => {
            dataln!("{}", stringent_diagnostics::render_github(&p.diagnostics(), &c.sources));
            return verdict_code;
        }
    }
    let at = |r: &stringent_compiler::proof::RuleAt| {
        let until = r.expires.as_deref().map(|e| format!(" until {e}")).unwrap_or_default();
        one_line(&format!("{} ({}), {}:{}, in force from {}{until}", r.rule, r.citation, r.file, r.line, r.effective))
    };
    let verdict = |ok: bool| if ok { "PASS" } else { "FAIL" };
    outln!("{}: every rule in force on some date decides something on one of them", verdict(p.dead_rules.is_empty()));
    for r in &p.dead_rules {
        outln!("  dead: {}", at(r));
    }
    outln!("{}: no mandate meets a prohibition of its own layer", verdict(p.clashes.is_empty()));
    for c in &p.clashes {
        outln!("  {} meets {} on {}", at(&c.mandate), at(&c.prohibition), c.dates.join(", "));
    }
    for a in &p.assertions {
        outln!("{}: {} ({}:{})", verdict(a.holds()), one_line(&a.title), one_line(&a.file), a.line);
        for c in a.counterexamples.iter().take(SHOWN) {
            let until = c.until.as_deref().map(|u| format!(" until {u}")).unwrap_or_default();
            let pattern = if c.pattern.is_empty() { "every cell it names".to_owned() } else { c.pattern.join("; ") };
            outln!(
                "  in {} from {}{until}: {pattern} ({} cell{} per chain)",
                c.jurisdictions.join(", "),
                c.from,
                c.cells,
                if c.cells == 1 { "" } else { "s" }
            );
            outln!("    answer: {}", one_line(&c.answer));
            outln!("    fails: require {}", one_line(&c.fails.join("; require ")));
            if c.decided_by.is_empty() {
                outln!("    decided by: no rule in force (the answer is ungoverned)");
            }
            for r in &c.decided_by {
                outln!("    decided by {}", at(r));
            }
        }
        if a.truncated {
            outln!(
                "  it fails in so many cells that prove stopped checking it after {} failing boxes (README.md, \"Limits\")",
                stringent_compiler::limits::MAX_FAILING_BOXES
            );
        }
        if a.counterexamples.len() > SHOWN {
            outln!("  … and {} more counterexamples (--format json lists them all)", a.counterexamples.len() - SHOWN);
        }
    }
    let asserted = if p.assertions.is_empty() {
        String::new()
    } else {
        format!(
            "; {} assertion{}, each on its own dates",
            p.assertions.len(),
            if p.assertions.len() == 1 { "" } else { "s" }
        )
    };
    outln!("checked every chain on {} dates from {} on{asserted}", p.dates_checked, p.from);
    if p.holds() { 0 } else { FINDINGS }
}
