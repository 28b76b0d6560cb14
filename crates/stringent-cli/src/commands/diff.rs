//! `stringent diff`: the semantic difference between two rule trees.

use crate::git_tree;
use crate::output::{FINDINGS, USAGE, report};
use crate::{DiffFormat, FailOn};
use stringent_compiler::{Compilation, compile};
use stringent_policy::Dimension;
use stringent_syntax::Date;

pub(crate) fn run(old: &str, new: &str, as_of: &[Date], fail_on: Option<FailOn>, format: DiffFormat) -> u8 {
    let (old_date, new_date) = match as_of {
        [] => (Date::today(), Date::today()),
        [d] => (*d, *d),
        [a, b] => (*a, *b),
        _ => {
            errln!("error: give --as-of once, or twice to compare OLD as of the first date with NEW as of the second");
            return USAGE;
        }
    };
    let two_dates = as_of.len() == 2;
    let (old_c, new_c) = match compiled_pair((old, old_date), (new, new_date)) {
        Ok(pair) => pair,
        Err(code) => return code,
    };
    let (old_c, new_c) = (&old_c, &new_c);
    let compared = if two_dates {
        let mut d = stringent_compiler::diff::diff(&old_c.policies(), &new_c.policies());
        d.topics = stringent_compiler::diff::topic_changes(&old_c.model, &new_c.model);
        d.silences = stringent_compiler::diff::silence_changes(&old_c.model, &new_c.model);
        Ok(d)
    } else {
        stringent_compiler::diff::diff_over_time(old_c, new_c)
    };
    let d = match compared {
        Ok(d) => d,
        Err(e) => {
            errln!("error: {e}");
            return USAGE;
        }
    };
    if format == DiffFormat::Json {
        dataln!("{}", serde_json::to_string_pretty(&d).unwrap_or_default());
    } else {
        for j in d.added.iter().filter(|j| !d.new_layers.iter().any(|l| &l.jurisdiction == *j)) {
            outln!("{j}: new jurisdiction");
        }
        for l in &d.new_layers {
            outln!("{}: new jurisdiction, compared with its parent chain {}:", l.jurisdiction, l.parent);
            print_groups(&l.groups, &format!("{} against {}", l.jurisdiction, l.parent));
        }
        for j in &d.removed {
            outln!("{j}: removed");
        }
        for v in &d.vocabulary {
            outln!("{}", vocabulary_line(v));
        }
        for t in &d.topics {
            if t.removed {
                outln!("coverage topic {} removed: `coverage` and `silent` no longer speak to it", t.topic);
            } else {
                outln!("coverage topic {} narrowed: no longer counts {}", t.topic, t.values_dropped.join(", "));
            }
        }
        for c in &d.silences {
            outln!("{}", silence_line(c));
        }
        for a in &d.assertions {
            outln!("{}", assertion_line(a));
        }
        for c in &d.chains {
            outln!("{}: chain {} (was {})", c.jurisdiction, c.new.join(" -> "), c.old.join(" -> "));
        }
        for h in &d.history {
            let date = |d: &Option<String>| d.clone().unwrap_or_else(|| "not declared".to_owned());
            let note = if h.vouches_for_more { " [earlier answers no longer warn `history_incomplete`]" } else { "" };
            outln!("{}: history complete from {} (was {}){note}", h.layer, date(&h.new), date(&h.old));
        }
        let scope = if two_dates {
            format!("jurisdictions in both trees, as of {old_date} against {new_date}")
        } else {
            "jurisdictions in both trees".to_owned()
        };
        print_groups(&d.groups, &scope);
        for l in &d.earlier {
            outln!("as of {} (before the date asked):", l.as_of);
            print_groups(&l.groups, &format!("as of {}", l.as_of));
        }
        for l in &d.later {
            outln!("as of {}:", l.as_of);
            print_groups(&l.groups, &format!("as of {}", l.as_of));
        }
    }
    if fail_on == Some(FailOn::Loosened) {
        use stringent_compiler::diff::ChangeGroup;
        // Loosened dimensions here; cells newly governed at the same answer are counted below.
        let loosened = |gs: &[ChangeGroup]| gs.iter().any(ChangeGroup::unjustified_dimension_loosening);
        let mut fail = false;
        if loosened(&d.groups) {
            errln!("an answer loosened without a justification");
            fail = true;
        }
        for l in d.new_layers.iter().filter(|l| loosened(&l.groups)) {
            errln!("the new jurisdiction {} loosens an answer of {} without a justification", l.jurisdiction, l.parent);
            fail = true;
        }
        for l in d.later.iter().filter(|l| loosened(&l.groups)) {
            errln!("an answer loosens without a justification as of {}", l.as_of);
            fail = true;
        }
        for l in d.earlier.iter().filter(|l| loosened(&l.groups)) {
            errln!("a past answer loosened without a justification: as of {}", l.as_of);
            fail = true;
        }
        let groups = d
            .groups
            .iter()
            .chain(d.new_layers.iter().flat_map(|l| &l.groups))
            .chain(d.later.iter().chain(&d.earlier).flat_map(|l| &l.groups));
        let groups: Vec<&ChangeGroup> = groups.collect();
        let compelled: usize = groups.iter().filter(|g| g.unjustified_mandate()).map(|g| g.cells).sum();
        if compelled > 0 {
            errln!(
                "{compelled} cells became `mandatory` without a justification: a mandate ranks stricter but compels \
                 the disclosure, so the rule that makes it mandatory must carry a `justification` naming the law that \
                 requires it"
            );
            fail = true;
        }
        let unflagged: usize = groups.iter().filter(|g| g.unjustified_governance()).map(|g| g.cells).sum();
        if unflagged > 0 {
            errln!(
                "{unflagged} cells that no law reached are now governed (`now governed by`) with the disclosure as \
                 open as before: the answer no longer warns that no law was found, so a rule that reaches them \
                 must carry a `justification` saying which law permits it"
            );
            fail = true;
        }
        if d.gap_closed_unchecked() {
            errln!(
                "a `silent` that said the law was not read was removed, or now claims that nothing stricter \
                 exists without a later, past `searched` date: answers stop warning `law_unread` with nothing \
                 saying the law was read since; date the reading in `searched`, or review it and run without \
                 --fail-on to accept a gap replaced by rules"
            );
            fail = true;
        }
        if d.history_widened() {
            errln!(
                "a layer's `history from` moved earlier or was removed: answers before the old date no longer warn \
                 that they may miss law then in force (`history_incomplete`); review the history encoded for those \
                 years and run without --fail-on to accept it"
            );
            fail = true;
        }
        let uncompared = d.values_uncompared();
        if !uncompared.is_empty() {
            let names: Vec<String> = uncompared
                .iter()
                .map(|v| format!("{} {}", v.axis.as_deref().unwrap_or("?"), v.new.as_deref().unwrap_or("?")))
                .collect();
            errln!(
                "a value was added with no ancestor in the old vocabulary ({}): its answers have nothing to be \
                 compared with, so no loosening or mandate there is shown; place it under the value whose \
                 answers it had (`under`), or review them (`stringent decide`) and run without --fail-on to accept it",
                names.join(", ")
            );
            fail = true;
        }
        if d.chain_changed() {
            errln!(
                "a jurisdiction's chain of layers changed (it moved under another parent, or a layer was put in or \
                 taken out): what a layer taken out vouched for (its `history from`, its silences) no longer shows in \
                 its answers; review it and run without --fail-on to accept it"
            );
            fail = true;
        }
        if d.assertions_weakened() {
            errln!(
                "an assertion was removed or weakened and no assertion of the new tree implies it: a bound \
                 `prove` held the rules to is gone; review it and run without --fail-on to accept it"
            );
            fail = true;
        }
        if d.coverage_narrowed() {
            errln!(
                "a coverage topic was removed or narrowed: `coverage` and the `silent` declarations on it now vouch \
                 for less; review it and run without --fail-on to accept it"
            );
            fail = true;
        }
        if d.breaking() {
            errln!(
                "a jurisdiction, value or term that questions or answers used was renamed or removed, an HL7 \
                 code was taken away or a notice text changed: a breaking change of the public contract, which \
                 no justification covers; review it and run without --fail-on to accept it"
            );
            fail = true;
        }
        if fail {
            return FINDINGS;
        }
    }
    0
}

/// Two trees — directories or `git:REV[:PATH]` — compiled as of their dates. `Err` is the
/// exit code, after saying why (a bad tree spec, or errors in a tree).
pub(crate) fn compiled_pair(old: (&str, Date), new: (&str, Date)) -> Result<(Compilation, Compilation), u8> {
    let mut trees = Vec::new();
    for (spec, as_of) in [old, new] {
        // A tree unpacked from git is removed when `tree` drops, on every path.
        let tree = git_tree::tree(spec).map_err(|e| {
            errln!("error: {e}");
            USAGE
        })?;
        let c = compile(&super::whole_trees(std::slice::from_ref(&tree.path))?, as_of);
        if c.has_errors() {
            errln!("error: `{spec}` has errors:");
            report(&c);
            return Err(FINDINGS);
        }
        trees.push(c);
    }
    let mut trees = trees.into_iter();
    match (trees.next(), trees.next()) {
        (Some(o), Some(n)) => Ok((o, n)),
        _ => Err(USAGE),
    }
}

/// An assertion removed, weakened or added, with its bounds.
fn assertion_line(a: &stringent_compiler::diff::AssertionChange) -> String {
    use stringent_compiler::diff::AssertionChangeKind;
    let what = match a.change {
        AssertionChangeKind::Removed => "removed (no assertion of the new tree implies it)",
        AssertionChangeKind::Weakened => {
            "weakened (it speaks of less or bounds less, and no assertion implies the old one)"
        }
        AssertionChangeKind::Added => "added",
    };
    format!("assertion \"{}\" {what}: {}", a.title, a.requires.join("; "))
}

/// Every value each axis takes in a group, so that the cells beyond the examples are
/// read too: `across: category hiv, sti; purpose any; … (every combination)`.
fn span_line(g: &stringent_compiler::diff::ChangeGroup) -> String {
    let axes: Vec<String> = g
        .span
        .iter()
        .map(|a| if a.all { format!("{} any", a.axis) } else { format!("{} {}", a.axis, a.values.join(", ")) })
        .collect();
    let combinations = g.span.iter().try_fold(1usize, |n, a| n.checked_mul(a.values.len())).unwrap_or(usize::MAX);
    let fill = if g.span_exact {
        "every combination of these".to_owned()
    } else {
        format!("{} of their {combinations} combinations", g.cells)
    };
    format!("across: {} ({fill})", axes.join("; "))
}

/// Change groups in words, then their count, labelled with what was compared (`scope`), since
/// one diff prints a count per new layer, one for the jurisdictions in both trees and one per
/// later date.
pub(crate) fn print_groups(groups: &[stringent_compiler::diff::ChangeGroup], scope: &str) {
    use stringent_compiler::diff::Direction;
    for g in groups {
        let more = g.cells.saturating_sub(g.examples.len());
        let more = if more > 0 { format!(", and {more} more cells") } else { String::new() };
        outln!("{}: {}{more}", g.jurisdiction, g.examples.join("; "));
        if g.cells > g.examples.len() {
            outln!("  {}", span_line(g));
        }
        for c in &g.compared_with {
            outln!("  compared with the old tree as {c}");
        }
        if let Some(gov) = &g.governed {
            let rules = rule_refs(&gov.rules);
            if gov.now {
                outln!("  now governed by: {rules}");
                if !g.changes.iter().any(|c| matches!(c.dimension, Dimension::Permission | Dimension::Mandate)) {
                    outln!("    the disclosure as open as before, no longer flagged as one no law reaches");
                }
            } else {
                outln!("  no longer governed: no rule in force reaches these cells (was: {rules})");
            }
            for r in gov.rules.iter().filter(|r| gov.now && r.justification.is_some()) {
                outln!(
                    "    justification ({}){}: {}",
                    r.rule,
                    stale_note(g, r),
                    r.justification.clone().unwrap_or_default()
                );
            }
        }
        for c in &g.changes {
            let label = match c.direction {
                Direction::Tightened => "tightened",
                Direction::Loosened => "LOOSENED",
                Direction::Changed => "changed",
            };
            outln!("  {label} {}: {} -> {}", c.dimension.as_str(), c.old, c.new);
            let refs = rule_refs;
            outln!("    before: {}", if c.old_rules.is_empty() { "no rule".to_owned() } else { refs(&c.old_rules) });
            outln!("    after:  {}", if c.new_rules.is_empty() { "no rule".to_owned() } else { refs(&c.new_rules) });
            if let Some(r) = &c.deferral {
                outln!(
                    "    with the federal default {r}, which defers to state law: judged with what the state set (docs/semantics.md, \"Deferral\")"
                );
            }
            for r in c.new_rules.iter().filter(|r| r.justification.is_some()) {
                outln!(
                    "    justification ({}){}: {}",
                    r.rule,
                    stale_note(g, r),
                    r.justification.clone().unwrap_or_default()
                );
            }
        }
        print_changed_by(g);
    }
    let cells: usize = groups.iter().map(|g| g.cells).sum();
    let plural = |n: usize, word: &str| if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") };
    outln!("{scope}: {}, {} changed", plural(groups.len(), "change group"), plural(cells, "cell"));
}

/// One vocabulary change in words: `value category sti renamed to std (probably: same title)`.
pub(crate) fn vocabulary_line(v: &stringent_compiler::diff::VocabularyChange) -> String {
    use stringent_compiler::diff::VocabularyChangeKind as K;
    let what = match &v.axis {
        Some(axis) => format!("{} {axis}", v.kind.as_str()),
        None => v.kind.as_str().to_owned(),
    };
    let (old, new) = (v.old.as_deref().unwrap_or("?"), v.new.as_deref().unwrap_or("?"));
    let mut line = match v.change {
        K::Renamed => format!("vocabulary: {what} {old} renamed to {new} (probably: {})", v.evidence.join(", ")),
        K::Removed => format!("vocabulary: {what} {old} removed"),
        K::Added => match (&v.new_parent, &v.compared_with) {
            (Some(p), Some(c)) => {
                format!("vocabulary: {what} {new} added under {p}; its answers are compared with {c}'s")
            }
            (Some(p), None) => format!("vocabulary: {what} {new} added under {p}"),
            (None, _) => format!("vocabulary: {what} {new} added"),
        },
        K::Edited => {
            let field = match v.field.as_deref() {
                Some("hl7") => "HL7 codes",
                Some("text") => "notice text",
                Some(f) => f,
                None => "?",
            };
            let (was, now) = (v.was.as_deref().unwrap_or(""), v.now.as_deref().unwrap_or(""));
            let renamed = if old == new { String::new() } else { format!(" (renamed to {new})") };
            if v.field.as_deref() == Some("hl7") {
                format!("vocabulary: {what} {old}{renamed}: {field} changed from [{was}] to [{now}]")
            } else {
                format!("vocabulary: {what} {old}{renamed}: {field} changed from {was:?} to {now:?}")
            }
        }
        K::Moved => format!(
            "vocabulary: {what} {new} moved from under {} to under {}",
            v.old_parent.as_deref().unwrap_or("nothing"),
            v.new_parent.as_deref().unwrap_or("nothing")
        ),
    };
    if v.kind == stringent_compiler::diff::TermKind::Value && v.change == K::Added && v.compared_with.is_none() {
        line.push_str(" (no ancestor in the old vocabulary: its answers are not compared)");
    }
    if v.breaking {
        line.push_str(" [breaking]");
    }
    line
}

/// Rules as `id (citation)`; a rule whose id does not begin with its layer's prefix also
/// names its layer (`hipaa.x in US-WY (…)`), so that no id passes for another layer's law.
fn rule_refs(rules: &[stringent_compiler::diff::RuleRef]) -> String {
    let named = |r: &stringent_compiler::diff::RuleRef| {
        let own = stringent_compiler::model::layer_prefix(&r.layer);
        if r.rule.split('.').next() == Some(own.as_str()) {
            format!("{} ({})", r.rule, r.citation)
        } else {
            format!("{} in {} ({})", r.rule, r.layer, r.citation)
        }
    };
    rules.iter().map(named).collect::<Vec<_>>().join("; ")
}

/// One silence change in words: `US-AR silent hiv_sti: unverified -> verified (gap closed; searched 2026-12-07)`.
fn silence_line(c: &stringent_compiler::diff::SilenceChange) -> String {
    let what = format!("{} silent {}", c.layer, c.topic);
    let mut line = match (&c.old, &c.new) {
        (None, Some(n)) => format!("{what}: added ({n})"),
        (Some(o), None) => format!("{what}: removed (was {o})"),
        (Some(o), Some(n)) => format!("{what}: {o} -> {n}"),
        (None, None) => what,
    };
    if c.gap_closed {
        let searched = c.searched.as_deref().unwrap_or("no date");
        line.push_str(&format!(
            " (a gap closed: answers no longer warn that the law was not read; searched {searched})"
        ));
    }
    if let Some(why) = &c.reason {
        line.push_str(&format!(" [{why}]"));
    }
    line
}

/// Said beside a justification the gate does not count: the rule changed and its
/// justification reads as one the old tree had (`diff::RuleRef::stale`), or the rule did not
/// change in these cells (`diff::ChangeGroup::changed_by`).
fn stale_note(g: &stringent_compiler::diff::ChangeGroup, r: &stringent_compiler::diff::RuleRef) -> &'static str {
    let unchanged = g.changed_by.as_ref().is_some_and(|m| !m.iter().any(|x| x.rule == r.rule));
    if r.stale {
        " [not restated after the rule changed, or another rule's: does not count]"
    } else if unchanged {
        " [the rule did not change: this speaks for what it decided before, and does not count here]"
    } else {
        ""
    }
}

/// Where a group's answer loosened, became mandatory or became governed: the rules whose
/// change did it, and the justifications of those not already shown with the answer.
fn print_changed_by(g: &stringent_compiler::diff::ChangeGroup) {
    use stringent_compiler::diff::Direction;
    let Some(movers) = &g.changed_by else { return };
    let gated = g.changes.iter().any(|c| c.direction != Direction::Tightened || c.adds_mandate())
        || g.governed.as_ref().is_some_and(|x| x.now);
    if !gated {
        return;
    }
    if movers.is_empty() {
        outln!(
            "  changed by: no rule of either tree (the vocabulary or the chain changed): no justification can count"
        );
        return;
    }
    outln!("  changed by: {}", rule_refs(movers));
    let shown = |r: &stringent_compiler::diff::RuleRef| {
        g.changes.iter().any(|c| c.new_rules.iter().any(|x| x.rule == r.rule))
            || g.governed.as_ref().is_some_and(|x| x.now && x.rules.iter().any(|y| y.rule == r.rule))
    };
    for r in movers.iter().filter(|r| r.justification.is_some() && !shown(r)) {
        outln!("    justification ({}){}: {}", r.rule, stale_note(g, r), r.justification.clone().unwrap_or_default());
    }
}
