//! The compiled policy in the compact form the question form reads.
//!
//! ```text
//! { "jurisdiction": "US-CA", "as_of": "…", "chain": [[id, name, history_from|null]…],
//!   "axes": [[axis id, [[value id, title, parent|null]…]]…],       // cell order
//!   "requirements": [[bases, mandatory, [[days, unit, action]…], elements, form,
//!                     obligations, max_validity_days|null]…],
//!   "cells": {"block": b, "blocks": [[value × b]…], "index": [block…]},
//!   "provenance": [[[rule, role, dimension list]…]…],
//!   "roles": [role…], "dimension_lists": [[dimension…]…],
//!   "cell_provenance": like cells,
//!   "rules": [[id, layer, title, [citation…], confidence, source|null]…],
//!   "terms": {"authorization_elements": {id: title}, "form": {id: title},
//!             "obligations": {id: [title, text|null]}},
//!   "pages": [[jurisdiction, page file]…] }
//! ```
//!
//! Cells are stored in blocks of subject × holder (the two innermost axes): the same few
//! blocks recur all over the policy, so ~98k cells become ~3k block numbers and a
//! dictionary of ~100 blocks. `cells[i]` is `blocks[index[i / b]][i % b]`. Roles and
//! dimension lists of provenance are numbers into the `roles` and `dimension_lists`
//! tables.

use crate::Site;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::io;
use stringent_policy::Policy;

fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    Value::Array(items.into_iter().map(Value::from).collect())
}

fn opt_string(s: Option<&str>) -> Value {
    s.map_or(Value::Null, Value::from)
}

/// `values` cut into blocks of `block` values, each distinct block stored once:
/// `{"block": b, "blocks": [[…]…], "index": [position in blocks…]}`.
pub fn blocks(values: &[u32], block: usize) -> Value {
    let block = block.max(1);
    let mut dictionary: Vec<&[u32]> = Vec::new();
    let mut lookup: HashMap<&[u32], usize> = HashMap::new();
    let mut index = Vec::with_capacity(values.len() / block + 1);
    for chunk in values.chunks(block) {
        let id = *lookup.entry(chunk).or_insert_with(|| {
            dictionary.push(chunk);
            dictionary.len() - 1
        });
        index.push(Value::from(id));
    }
    let mut out = Map::new();
    out.insert("block".into(), Value::from(block));
    out.insert("blocks".into(), Value::Array(dictionary.into_iter().map(Value::from).collect()));
    out.insert("index".into(), Value::Array(index));
    Value::Object(out)
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
                        Value::from(l.name.as_str()),
                        l.history_from.as_deref().map_or(Value::Null, Value::from),
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
                                Value::from(v.title.as_str()),
                                opt_string(v.parent.as_deref()),
                            ])
                        })
                        .collect();
                    Value::Array(vec![Value::from(a.id.as_str()), Value::Array(values)])
                })
                .collect(),
        ),
    );
    let mut requirements = Vec::with_capacity(policy.requirements.len());
    for r in &policy.requirements {
        let mut deadlines = Vec::with_capacity(r.deadlines.len());
        for d in &r.deadlines {
            deadlines.push(Value::Array(vec![Value::from(d.days), to_value(&d.unit)?, to_value(&d.action)?]));
        }
        // A way as [bases, conditions], as in WayRecord; the page numbers its conditions by
        // `conditions` below, as the loader does.
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
        requirements.push(Value::Array(vec![
            Value::Array(ways),
            Value::from(r.mandatory),
            Value::Array(deadlines),
            strings(r.authorization_elements.iter().map(String::as_str)),
            strings(r.form.iter().map(String::as_str)),
            strings(r.obligations.iter().map(String::as_str)),
            r.max_validity_days.map_or(Value::Null, Value::from),
        ]));
    }
    root.insert("requirements".into(), Value::Array(requirements));
    root.insert("conditions".into(), strings(policy.vocabulary.conditions.iter().map(|c| c.id.as_str())));
    // Subject × holder: the two innermost axes.
    let block: usize = policy.vocabulary.axes.iter().skip(3).map(|a| a.values.len()).product();
    root.insert("cells".into(), blocks(&policy.cells, block));
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
    root.insert("cell_provenance".into(), blocks(&policy.cell_provenance, block));
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
                        Value::from(r.title.as_str()),
                        strings(r.citations.iter().map(String::as_str)),
                        Value::from(r.confidence.as_str()),
                        opt_string(r.source.as_deref()),
                    ])
                })
                .collect(),
        ),
    );
    let vocab = &policy.vocabulary;
    let titles = |terms: &[stringent_policy::artifact::Term]| {
        Value::Object(terms.iter().map(|t| (t.id.clone(), Value::from(t.title.as_str()))).collect())
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
                    (o.id.clone(), Value::Array(vec![Value::from(o.title.as_str()), opt_string(o.text.as_deref())]))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_store_each_distinct_block_once() {
        let v = blocks(&[1, 2, 1, 2, 3, 4, 1, 2, 5], 2);
        assert_eq!(v.get("block"), Some(&Value::from(2)));
        assert_eq!(v.get("blocks"), Some(&serde_json::json!([[1, 2], [3, 4], [5]])));
        assert_eq!(v.get("index"), Some(&serde_json::json!([0, 0, 1, 0, 2])));
        assert_eq!(blocks(&[], 4).get("index"), Some(&serde_json::json!([])));
    }

    #[test]
    fn interning_keeps_first_positions() {
        let mut t = Vec::new();
        assert_eq!(intern(&mut t, &"won"), 0);
        assert_eq!(intern(&mut t, &"met"), 1);
        assert_eq!(intern(&mut t, &"won"), 0);
    }
}
