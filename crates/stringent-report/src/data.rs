//! The compiled policy in the compact form the question form reads.
//!
//! ```text
//! { "jurisdiction": "US-CA", "as_of": "…",
//!   "chain": [[id, name, history_from|null, [[topic, note, [[axis, [value…]]…]]…]]…],
//!   "axes": [[axis id, [[value id, title, parent|null]…]]…],       // cell order
//!   "requirements": [[bases, mandatory, [[days, unit, action]…], elements, form,
//!                     obligations, max_validity_days|null]…],
//!   "offsets": [[offset per value]…],                               // per axis
//!   "table": [[requirement, provenance]…],                          // per tuple
//!   "provenance": [[[rule, role, dimension list]…]…],
//!   "roles": [role…], "dimension_lists": [[dimension…]…],
//!   "rules": [[id, layer, title, [citation…], confidence, source|null]…],
//!   "terms": {"authorization_elements": {id: title}, "form": {id: title},
//!             "obligations": {id: [title, text|null]}},
//!   "pages": [[jurisdiction, page file]…] }
//! ```
//!
//! The answers are the artifact's regions (schema 2.0): the values of an axis that answer
//! alike form a class and `table` holds one `[requirement, provenance]` per tuple of
//! classes. `offsets[axis][value]` is the value's class times its axis's stride, so a
//! cell's entry is `table[Σ offsets[axis][value]]`. Roles and dimension lists of
//! provenance are numbers into the `roles` and `dimension_lists` tables.

use crate::Site;
use serde_json::{Map, Value};
use std::io;
use stringent_policy::Policy;
use stringent_policy::artifact::RequirementRecord;
use stringent_policy::grid::RegionIndex;

fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    Value::Array(items.into_iter().map(Value::from).collect())
}

fn opt_string(s: Option<&str>) -> Value {
    s.map_or(Value::Null, Value::from)
}

/// Text the form shows as written: with bidirectional controls and invisible characters
/// escaped as on the static pages ([`crate::html::esc`]), so that the form and the page
/// beside it read the same, and neither hides or reorders what the rule file holds.
fn shown(text: &str) -> Value {
    Value::from(stringent_diagnostics::escape_for_terminal(text).as_ref())
}

/// The position of `item` in `table`, added if new.
fn intern<T: PartialEq + Clone>(table: &mut Vec<T>, item: &T) -> usize {
    match table.iter().position(|x| x == item) {
        Some(i) => i,
        None => {
            table.push(item.clone());
            table.len() - 1
        }
    }
}

fn to_value<T: serde::Serialize>(v: &T) -> io::Result<Value> {
    serde_json::to_value(v).map_err(io::Error::other)
}

/// The JSON embedded in a jurisdiction's page.
pub fn policy_json(policy: &Policy, sites: &[Site]) -> io::Result<String> {
    let mut root = Map::new();
    root.insert("jurisdiction".into(), Value::from(policy.jurisdiction()));
    root.insert("as_of".into(), Value::from(policy.as_of.as_str()));
    root.insert(
        "chain".into(),
        Value::Array(
            policy
                .chain
                .iter()
                .map(|l| {
                    Value::Array(vec![
                        Value::from(l.id.as_str()),
                        shown(&l.name),
                        l.history_from.as_deref().map_or(Value::Null, Value::from),
                        // The topics the layer declares it has not read, with what they
                        // reach (artifact.rs, UnreadTopic).
                        Value::Array(
                            l.unread
                                .iter()
                                .map(|u| {
                                    let reaches = u
                                        .reaches
                                        .iter()
                                        .map(|r| {
                                            Value::Array(vec![
                                                Value::from(r.axis.as_str()),
                                                Value::from(r.values.clone()),
                                            ])
                                        })
                                        .collect();
                                    Value::Array(vec![
                                        Value::from(u.topic.as_str()),
                                        shown(&u.note),
                                        Value::Array(reaches),
                                    ])
                                })
                                .collect(),
                        ),
                    ])
                })
                .collect(),
        ),
    );
    root.insert(
        "axes".into(),
        Value::Array(
            policy
                .vocabulary
                .axes
                .iter()
                .map(|a| {
                    let values = a
                        .values
                        .iter()
                        .map(|v| {
                            Value::Array(vec![
                                Value::from(v.id.as_str()),
                                shown(&v.title),
                                opt_string(v.parent.as_deref()),
                            ])
                        })
                        .collect();
                    Value::Array(vec![Value::from(a.id.as_str()), Value::Array(values)])
                })
                .collect(),
        ),
    );
    let requirements = policy.requirements.iter().map(requirement_row).collect::<io::Result<Vec<_>>>()?;
    root.insert("requirements".into(), Value::Array(requirements));
    root.insert("conditions".into(), strings(policy.vocabulary.conditions.iter().map(|c| c.id.as_str())));
    let index =
        RegionIndex::new(&policy.regions).ok_or_else(|| io::Error::other("regions describe too many tuples"))?;
    let mut offsets = Vec::with_capacity(policy.vocabulary.axes.len());
    for (axis, of_values) in policy.vocabulary.axes.iter().zip(index.offsets()) {
        if of_values.len() != axis.values.len() {
            return Err(io::Error::other(format!("axis `{}`: its regions do not cover its values", axis.id)));
        }
        offsets.push(Value::Array(of_values.iter().map(|o| Value::from(*o)).collect()));
    }
    root.insert("offsets".into(), Value::Array(offsets));
    root.insert("table".into(), Value::Array(policy.regions.table.iter().map(|e| Value::from(e.to_vec())).collect()));
    let mut roles: Vec<&str> = Vec::new();
    let mut dimension_lists: Vec<Vec<&str>> = Vec::new();
    let mut provenance = Vec::with_capacity(policy.provenance.len());
    for invs in &policy.provenance {
        let mut entries = Vec::with_capacity(invs.len());
        for inv in invs {
            let dims: Vec<&str> = inv.dimensions.iter().map(|d| d.as_str()).collect();
            entries.push(Value::Array(vec![
                Value::from(inv.rule),
                Value::from(intern(&mut roles, &inv.role.as_str())),
                Value::from(intern(&mut dimension_lists, &dims)),
            ]));
        }
        provenance.push(Value::Array(entries));
    }
    root.insert("provenance".into(), Value::Array(provenance));
    root.insert("roles".into(), strings(roles));
    root.insert("dimension_lists".into(), Value::Array(dimension_lists.into_iter().map(strings).collect()));
    root.insert(
        "rules".into(),
        Value::Array(
            policy
                .rules
                .iter()
                .map(|r| {
                    Value::Array(vec![
                        Value::from(r.id.as_str()),
                        Value::from(r.layer.as_str()),
                        shown(&r.title),
                        Value::Array(r.citations.iter().map(|c| shown(c)).collect()),
                        Value::from(r.confidence.as_str()),
                        r.source.as_deref().map_or(Value::Null, shown),
                    ])
                })
                .collect(),
        ),
    );
    let vocab = &policy.vocabulary;
    let titles = |terms: &[stringent_policy::artifact::Term]| {
        Value::Object(terms.iter().map(|t| (t.id.clone(), shown(&t.title))).collect())
    };
    let mut terms = Map::new();
    terms.insert("authorization_elements".into(), titles(&vocab.authorization_elements));
    terms.insert("form".into(), titles(&vocab.form));
    terms.insert(
        "obligations".into(),
        Value::Object(
            vocab
                .obligations
                .iter()
                .map(|o| {
                    (o.id.clone(), Value::Array(vec![shown(&o.title), o.text.as_deref().map_or(Value::Null, shown)]))
                })
                .collect(),
        ),
    );
    root.insert("terms".into(), Value::Object(terms));
    root.insert(
        "pages".into(),
        Value::Array(sites.iter().map(|s| strings([s.policy.policy().jurisdiction(), s.page.as_str()])).collect()),
    );
    serde_json::to_string(&Value::Object(root)).map_err(io::Error::other)
}

/// A requirement as a row of the page's `requirements`: `[ways, mandatory, deadlines,
/// elements, form, obligations, max_validity_days]`, a way as `[bases, conditions]` as in
/// `WayRecord`. The question form's copy of the meet returns rows of this form, so the test
/// that checks it against `Requirement::meet` compares rows.
pub fn requirement_row(r: &RequirementRecord) -> io::Result<Value> {
    let mut deadlines = Vec::with_capacity(r.deadlines.len());
    for d in &r.deadlines {
        deadlines.push(Value::Array(vec![Value::from(d.days), to_value(&d.unit)?, to_value(&d.action)?]));
    }
    let ways = r
        .ways
        .iter()
        .map(|w| {
            Value::Array(vec![
                strings(w.bases.iter().map(|b| b.as_str())),
                strings(w.conditions.iter().map(String::as_str)),
            ])
        })
        .collect();
    Ok(Value::Array(vec![
        Value::Array(ways),
        Value::from(r.mandatory),
        Value::Array(deadlines),
        strings(r.authorization_elements.iter().map(String::as_str)),
        strings(r.form.iter().map(String::as_str)),
        strings(r.obligations.iter().map(String::as_str)),
        r.max_validity_days.map_or(Value::Null, Value::from),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_keeps_first_positions() {
        let mut t = Vec::new();
        assert_eq!(intern(&mut t, &"won"), 0);
        assert_eq!(intern(&mut t, &"met"), 1);
        assert_eq!(intern(&mut t, &"won"), 0);
    }
}
