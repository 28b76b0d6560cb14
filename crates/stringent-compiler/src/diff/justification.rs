//! Whether a rule's `justification` still speaks for what the rule does.
//!
//! A justification is written for a rule as it stood: the cells it reached and the answer it
//! gave. A rule widened to more recipients, or made mandatory, with its justification left
//! as it was, would carry the old reason over to cells it was never written for, and the gate
//! would pass a loosening nobody justified (docs/semantics.md, "Justifications"). So a
//! justification counts for a changed rule only where its text changed too: the author
//! restated why the law permits what the rule now does.

use crate::model::{Model, RuleModel, TermModel};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

/// What a rule decides, by names: the same text in two trees when the rule is in force on
/// the same dates, reaches the same values and states the same answer, whatever the order
/// in which the vocabulary declares its values and terms.
fn definition(model: &Model, r: &RuleModel) -> String {
    let mut s = String::new();
    let layer = model.layers.get(r.layer).map_or("", |l| l.id.as_str());
    let _ = write!(s, "{layer}|{}|{:?}|", r.effective, r.expires.map(|d| d.to_string()));
    for (axis, matched) in model.axes.iter().zip(&r.matches) {
        let values: BTreeSet<&str> =
            axis.values.iter().zip(matched).filter(|(_, on)| **on).map(|(v, _)| v.id.as_str()).collect();
        let _ = write!(s, "{}={values:?}|", axis.id);
    }
    let names = |list: &[TermModel], ids: &[u32]| -> BTreeSet<String> {
        ids.iter().filter_map(|i| list.get(*i as usize)).map(|t| t.id.clone()).collect()
    };
    let q = &r.requirement;
    let ways: BTreeSet<String> = q
        .permission
        .ways()
        .iter()
        .map(|w| {
            let conditions: BTreeSet<&str> =
                w.conditions().filter_map(|c| model.conditions.get(c)).map(|t| t.id.as_str()).collect();
            format!("{:?}{conditions:?}{}", w.bases(), w.level().as_str())
        })
        .collect();
    let excepts: BTreeSet<&str> = r.excepts.iter().filter_map(|i| model.rules.get(*i)).map(|e| e.id.as_str()).collect();
    let _ = write!(
        s,
        "{ways:?}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{excepts:?}|{:?}",
        q.mandatory,
        q.deadlines,
        names(&model.elements, &q.elements),
        names(&model.forms, &q.form),
        names(&model.obligations, &q.obligations),
        q.max_validity_days,
        r.sets,
        r.defers,
        r.withdraws,
    );
    s
}

/// The ids of the rules whose definition differs between the trees: changed, added or
/// removed. Only such a rule can have caused a cell's answer to change; a rule found in both
/// with the same definition decides what it decided before.
pub fn changed(old: &Model, new: &Model) -> BTreeSet<String> {
    let was: HashMap<&str, &RuleModel> = old.rules.iter().map(|o| (o.id.as_str(), o)).collect();
    let now: HashSet<&str> = new.rules.iter().map(|r| r.id.as_str()).collect();
    let mut out: BTreeSet<String> = new
        .rules
        .iter()
        .filter(|r| was.get(r.id.as_str()).is_none_or(|o| definition(old, o) != definition(new, r)))
        .map(|r| r.id.clone())
        .collect();
    out.extend(old.rules.iter().filter(|o| !now.contains(o.id.as_str())).map(|o| o.id.clone()));
    out
}

/// A justification's words, whatever the spacing: one added space restates nothing.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The rules of `new` whose justification was not written for what they now decide: a rule
/// changed or added (by id, [`changed`]) whose justification reads, word for word, as one
/// the old tree already had — its own left as it was, another rule's copied, or its own under
/// a new id. Such a justification no longer counts for the gate.
pub fn stale(old: &Model, new: &Model, changed: &BTreeSet<String>) -> BTreeSet<String> {
    let said: BTreeSet<String> = old.rules.iter().filter_map(|o| o.justification.as_deref()).map(words).collect();
    new.rules
        .iter()
        .filter(|r| changed.contains(&r.id))
        .filter(|r| r.justification.as_deref().is_some_and(|j| said.contains(&words(j))))
        .map(|r| r.id.clone())
        .collect()
}
